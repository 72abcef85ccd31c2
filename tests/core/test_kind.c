/* areas: base model */
/* test_kind.c - component kinds and the property schema tables. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/model.h"

START_TEST(kind_names_round_trip)
{
    for (int k = 0; k < DK_KIND__COUNT; k++) {
        dk_kind got = DK_KIND__COUNT;
        ck_assert_int_eq(dk_kind_parse(dk_kind_name((dk_kind)k), &got, NULL), DK_OK);
        ck_assert_int_eq(got, k);
    }
    ck_assert_str_eq(dk_kind_name(DK_KIND_CLIENT), "client");
    ck_assert_str_eq(dk_kind_name(DK_KIND_QUEUE), "queue");
    ck_assert_str_eq(dk_kind_name(DK_KIND__COUNT), "unknown");
}
END_TEST

START_TEST(kind_parse_unknown_lists_kinds)
{
    dk_error err;
    dk_kind k = DK_KIND_CACHE;
    dk_error_clear(&err);
    ck_assert_int_eq(dk_kind_parse("cahce", &k, &err), DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "unknown component kind \"cahce\" (use client, balancer, "
                                  "service, cache, database, queue)");
    ck_assert_int_eq(k, DK_KIND_CACHE); /* untouched */
    ck_assert_int_eq(dk_kind_parse(NULL, &k, &err), DK_EINVAL);
}
END_TEST

/* The static list used in "unknown option" messages must match the table it summarises. */
START_TEST(prop_list_matches_schema)
{
    for (int k = 0; k < DK_KIND__COUNT; k++) {
        size_t n;
        char buf[256] = "";
        const dk_prop_info *p = dk_kind_props((dk_kind)k, &n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_gt(n, 0);
        for (size_t i = 0; i < n; i++) {
            strcat(buf, i ? ", " : "");
            strcat(buf, p[i].name);
        }
        ck_assert_str_eq(dk_kind_prop_list((dk_kind)k), buf);
    }
    ck_assert_str_eq(dk_kind_prop_list(DK_KIND_CACHE),
                     "capacity, policy, ttl, time, replicas, workers");
}
END_TEST

START_TEST(prop_lookup)
{
    const dk_prop_info *p = dk_kind_prop(DK_KIND_SERVICE, "workers");
    size_t n = 99;
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, "workers");
    ck_assert_int_eq(p->type, DK_PROP_INT);
    ck_assert_double_eq(p->min, 1);
    ck_assert_double_eq(p->max, 1e6);
    ck_assert_ptr_null(dk_kind_prop(DK_KIND_SERVICE, "capacity"));
    ck_assert_ptr_null(dk_kind_prop(DK_KIND_SERVICE, NULL));
    ck_assert_ptr_null(dk_kind_props(DK_KIND__COUNT, &n));
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* Every entry is well formed: a doc line, a default text, a default in range, enum choices. */
START_TEST(schema_entries_consistent)
{
    for (int k = 0; k < DK_KIND__COUNT; k++) {
        size_t n;
        const dk_prop_info *p = dk_kind_props((dk_kind)k, &n);
        for (size_t i = 0; i < n; i++) {
            ck_assert_ptr_nonnull(p[i].doc);
            ck_assert_ptr_nonnull(p[i].def_text);
            if (p[i].type == DK_PROP_ENUM) {
                size_t nc = 0;
                ck_assert_ptr_nonnull(p[i].choices);
                while (p[i].choices[nc] != NULL)
                    nc++;
                ck_assert_double_lt(p[i].def, (double)nc);
                ck_assert_str_eq(p[i].choices[(size_t)p[i].def], p[i].def_text);
            } else if (p[i].type != DK_PROP_MIX) {
                ck_assert_double_ge(p[i].def, p[i].min);
                ck_assert_double_le(p[i].def, p[i].max);
            }
        }
    }
}
END_TEST

/* The exact names, types and defaults other areas rely on. */
START_TEST(schema_names_and_defaults)
{
    static const struct {
        dk_kind kind;
        const char *name;
        dk_prop_type type;
        double def;
    } want[] = {
        {DK_KIND_CLIENT, "rate", DK_PROP_RATE, 100},
        {DK_KIND_CLIENT, "arrivals", DK_PROP_ENUM, 0},
        {DK_KIND_CLIENT, "mix", DK_PROP_MIX, 0},
        {DK_KIND_CLIENT, "keys", DK_PROP_DIST, 1},
        {DK_KIND_BALANCER, "algorithm", DK_PROP_ENUM, 0},
        {DK_KIND_BALANCER, "replicas", DK_PROP_INT, 1},
        {DK_KIND_SERVICE, "replicas", DK_PROP_INT, 1},
        {DK_KIND_SERVICE, "workers", DK_PROP_INT, 1},
        {DK_KIND_SERVICE, "time", DK_PROP_DIST, 1e6},
        {DK_KIND_SERVICE, "queue", DK_PROP_INT, 0},
        {DK_KIND_CACHE, "capacity", DK_PROP_INT, 10000},
        {DK_KIND_CACHE, "policy", DK_PROP_ENUM, 0},
        {DK_KIND_CACHE, "ttl", DK_PROP_DURATION, 0},
        {DK_KIND_CACHE, "time", DK_PROP_DIST, 2e5},
        {DK_KIND_CACHE, "replicas", DK_PROP_INT, 1},
        {DK_KIND_CACHE, "workers", DK_PROP_INT, 0},
        {DK_KIND_DATABASE, "replicas", DK_PROP_INT, 1},
        {DK_KIND_DATABASE, "replication", DK_PROP_ENUM, 1},
        {DK_KIND_DATABASE, "lag", DK_PROP_DIST, 0},
        {DK_KIND_DATABASE, "workers", DK_PROP_INT, 16},
        {DK_KIND_DATABASE, "time", DK_PROP_DIST, 5e6},
        {DK_KIND_DATABASE, "queue", DK_PROP_INT, 0},
        {DK_KIND_QUEUE, "capacity", DK_PROP_INT, 0},
        {DK_KIND_QUEUE, "consumers", DK_PROP_INT, 1},
        {DK_KIND_QUEUE, "time", DK_PROP_DIST, 1e6},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const dk_prop_info *p = dk_kind_prop(want[i].kind, want[i].name);
        ck_assert_msg(p != NULL, "%s has no %s", dk_kind_name(want[i].kind), want[i].name);
        ck_assert_int_eq(p->type, want[i].type);
        ck_assert_double_eq(p->def, want[i].def);
    }
    ck_assert_str_eq(dk_kind_prop(DK_KIND_DATABASE, "replication")->def_text, "async");
    ck_assert_str_eq(dk_kind_prop(DK_KIND_CLIENT, "mix")->def_text, "request");
    ck_assert_uint_eq(dk_kind_prop(DK_KIND_SERVICE, "time")->flags & DK_PROP_F_DURATIONS,
                      DK_PROP_F_DURATIONS);
    ck_assert_uint_eq(dk_kind_prop(DK_KIND_CLIENT, "keys")->flags & DK_PROP_F_DURATIONS, 0);
}
END_TEST

static Suite *kind_suite(void)
{
    Suite *s = suite_create("kind");
    TCase *tc = tcase_create("kinds");
    tcase_add_test(tc, kind_names_round_trip);
    tcase_add_test(tc, kind_parse_unknown_lists_kinds);
    suite_add_tcase(s, tc);
    tc = tcase_create("schema");
    tcase_add_test(tc, prop_list_matches_schema);
    tcase_add_test(tc, prop_lookup);
    tcase_add_test(tc, schema_entries_consistent);
    tcase_add_test(tc, schema_names_and_defaults);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kind_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

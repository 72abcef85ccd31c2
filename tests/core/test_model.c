/* areas: base patterns model sim export kinds */
/* test_model.c - the model: names, groups, components, links, classes, expectations. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"

static dk_error err;

static void setup(void)
{
    dk_error_clear(&err);
}

/* ---- model and names ---- */

START_TEST(model_new_and_name)
{
    dk_model_t *m = dk_model_new("url-shortener", &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(dk_model_name(m), "url-shortener");
    ck_assert_uint_eq(dk_model_comp_count(m), 0);
    ck_assert_uint_eq(dk_model_group_count(m), 0);
    ck_assert_uint_eq(dk_model_link_count(m), 0);
    ck_assert_uint_eq(dk_model_class_count(m), 0);
    ck_assert_uint_eq(dk_model_expect_count(m), 0);
    dk_model_free(m);
    dk_model_free(NULL);
}
END_TEST

START_TEST(model_bad_names)
{
    ck_assert_ptr_null(dk_model_new("", &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "model name must not be empty");
    ck_assert_ptr_null(dk_model_new(NULL, &err));
}
END_TEST

START_TEST(comp_bad_names)
{
    dk_model_t *m = dk_model_new("m", NULL);
    char longname[80];

    ck_assert_ptr_null(dk_model_add(m, NULL, K_SERVICE, "", &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "service name must not be empty");

    memset(longname, 'a', 65);
    longname[65] = '\0';
    ck_assert_ptr_null(dk_model_add(m, NULL, K_CACHE, longname, &err));
    ck_assert_str_eq(err.message,
                     "cache name \"aaaaaaaaaaaaaaaaaaaa...\" is too long (65 bytes, at most 64)");
    longname[64] = '\0'; /* exactly 64 is fine */
    ck_assert_ptr_nonnull(dk_model_add(m, NULL, K_CACHE, longname, &err));

    ck_assert_ptr_null(dk_model_add(m, NULL, K_DATABASE, "db\n1", &err));
    ck_assert_str_eq(err.message, "database name \"db\\x0a1\": control character U+000A at byte 3");
    /* UTF-8 is printable */
    ck_assert_ptr_nonnull(dk_model_add(m, NULL, K_SERVICE, "caf\xc3\xa9", &err));

    ck_assert_ptr_null(dk_model_add(m, NULL, NULL, "x", &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_uint_eq(dk_model_comp_count(m), 2);
    dk_model_free(m);
}
END_TEST

START_TEST(comp_duplicate_name)
{
    dk_model_t *m = dk_model_new("m", NULL);
    ck_assert_ptr_nonnull(dk_model_add(m, NULL, K_SERVICE, "api", &err));
    ck_assert_ptr_null(dk_model_add(m, NULL, K_CACHE, "api", &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_str_eq(err.message, "a component named \"api\" already exists");
    /* groups are a separate namespace */
    ck_assert_ptr_nonnull(dk_model_add_group(m, NULL, "api", "group", &err));
    dk_model_free(m);
}
END_TEST

/* ---- groups ---- */

START_TEST(groups_nest)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_group_t *east = dk_model_add_group(m, NULL, "us-east", "region", &err);
    dk_group_t *az = dk_model_add_group(m, east, "us-east-1a", "zone", &err);
    dk_comp_t *api = dk_model_add(m, az, K_SERVICE, "api", &err);

    ck_assert_ptr_nonnull(east);
    ck_assert_ptr_nonnull(az);
    ck_assert_uint_eq(dk_model_group_count(m), 2);
    ck_assert_ptr_eq(dk_model_group(m, 0), east);
    ck_assert_ptr_eq(dk_model_group(m, 1), az);
    ck_assert_ptr_null(dk_model_group(m, 2));
    ck_assert_str_eq(dk_group_name(az), "us-east-1a");
    ck_assert_str_eq(dk_group_kind(az), "zone");
    ck_assert_ptr_eq(dk_group_parent(az), east);
    ck_assert_ptr_null(dk_group_parent(east));
    ck_assert_ptr_eq(dk_model_find_group(m, "us-east"), east);
    ck_assert_ptr_null(dk_model_find_group(m, "eu-west"));
    ck_assert_ptr_eq(dk_comp_group(api), az);
    dk_model_free(m);
}
END_TEST

START_TEST(groups_bad_input)
{
    dk_model_t *m = dk_model_new("m", NULL), *other = dk_model_new("o", NULL);
    dk_group_t *g = dk_model_add_group(other, NULL, "g", "cluster", &err);

    ck_assert_ptr_null(dk_model_add_group(m, NULL, "east", "continent", &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "group \"east\": kind must be one of region, zone, cluster, "
                                  "group (got \"continent\")");
    ck_assert_ptr_null(dk_model_add_group(m, NULL, "east", NULL, &err));
    ck_assert_ptr_nonnull(dk_model_add_group(m, NULL, "east", "region", &err));
    ck_assert_ptr_null(dk_model_add_group(m, NULL, "east", "zone", &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_str_eq(err.message, "a group named \"east\" already exists");
    ck_assert_ptr_null(dk_model_add_group(m, g, "west", "zone", &err));
    ck_assert_str_eq(err.message, "group \"west\": parent \"g\" belongs to another model");
    ck_assert_ptr_null(dk_model_add(m, g, K_SERVICE, "api", &err));
    ck_assert_str_eq(err.message, "service \"api\": group \"g\" belongs to another model");
    ck_assert_ptr_null(dk_model_add_group(m, NULL, "", "zone", &err));
    ck_assert_str_eq(err.message, "group name must not be empty");
    dk_model_free(m);
    dk_model_free(other);
}
END_TEST

/* ---- components ---- */

START_TEST(comps_in_creation_order)
{
    dk_model_t *m = dk_model_new("m", NULL);
    /* One name per built-in kind, in registry order. */
    const char *names[] = {"users", "edge", "guard",  "lb",   "api",   "redis",
                           "cdn",   "urls", "shards", "jobs", "events"};
    const size_t n = sizeof names / sizeof names[0];
    ck_assert_uint_eq(dk_kinds_count(), n);
    for (size_t k = 0; k < dk_kinds_count(); k++)
        ck_assert_ptr_nonnull(dk_model_add(m, NULL, &dk_kinds_at(k)->kind, names[k], &err));
    ck_assert_uint_eq(dk_model_comp_count(m), n);
    for (size_t i = 0; i < n; i++) {
        dk_comp_t *c = dk_model_comp(m, i);
        ck_assert_str_eq(dk_comp_name(c), names[i]);
        ck_assert_ptr_eq(dk_comp_kind(c), &dk_kinds_at(i)->kind);
        ck_assert_uint_eq(dk_comp_index(c), i);
        ck_assert_ptr_null(dk_comp_group(c));
        ck_assert_ptr_eq(dk_model_find(m, names[i]), c);
    }
    ck_assert_ptr_null(dk_model_comp(m, n));
    ck_assert_ptr_null(dk_model_find(m, "nope"));
    ck_assert_ptr_null(dk_model_find(m, NULL));
    dk_model_free(m);
}
END_TEST

/* ---- links ---- */

START_TEST(links_record_order_and_latency)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *u = dk_model_add(m, NULL, K_CLIENT, "users", NULL);
    dk_comp_t *lb = dk_model_add(m, NULL, K_BALANCER, "lb", NULL);
    dk_comp_t *a = dk_model_add(m, NULL, K_SERVICE, "a", NULL);
    dk_comp_t *b = dk_model_add(m, NULL, K_SERVICE, "b", NULL);
    dk_dist_t *lat = dk_dist_constant(5e5, NULL);
    dk_comp_t *from, *to;
    const dk_dist_t *got;

    ck_assert_int_eq(dk_model_link(m, u, lb, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, b, lat, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, a, NULL, &err), DK_OK);
    dk_dist_free(lat); /* cloned: the model keeps its own */

    ck_assert_uint_eq(dk_model_link_count(m), 3);
    dk_model_link_at(m, 1, &from, &to, &got);
    ck_assert_ptr_eq(from, lb);
    ck_assert_ptr_eq(to, b);
    ck_assert_ptr_nonnull(got);
    ck_assert_double_eq(dk_dist_mean(got), 5e5);
    dk_model_link_at(m, 0, NULL, NULL, &got);
    ck_assert_ptr_null(got);
    dk_model_link_at(m, 9, &from, &to, &got);
    ck_assert_ptr_null(from);

    ck_assert_uint_eq(dk_comp_out_count(lb), 2);
    ck_assert_ptr_eq(dk_comp_out(lb, 0), b);
    ck_assert_ptr_eq(dk_comp_out(lb, 1), a);
    ck_assert_ptr_null(dk_comp_out(lb, 2));
    ck_assert_uint_eq(dk_comp_out_count(a), 0);
    dk_model_free(m);
}
END_TEST

START_TEST(links_bad_input)
{
    dk_model_t *m = dk_model_new("m", NULL), *o = dk_model_new("o", NULL);
    dk_comp_t *u = dk_model_add(m, NULL, K_CLIENT, "users", NULL);
    dk_comp_t *api = dk_model_add(m, NULL, K_SERVICE, "api", NULL);
    dk_comp_t *x = dk_model_add(o, NULL, K_SERVICE, "x", NULL);

    ck_assert_int_eq(dk_model_link(m, api, api, NULL, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "service \"api\": cannot link to itself");
    ck_assert_int_eq(dk_model_link(m, api, u, NULL, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "service \"api\": cannot link to client \"users\" (clients only send)");
    ck_assert_int_eq(dk_model_link(m, u, api, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, u, api, NULL, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "client \"users\" already links to service \"api\"");
    ck_assert_int_eq(dk_model_link(m, api, x, NULL, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "link api -> x: service \"x\" belongs to another model");
    ck_assert_int_eq(dk_model_link(m, NULL, api, NULL, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "link: source missing");
    ck_assert_uint_eq(dk_model_link_count(m), 1);
    dk_model_free(m);
    dk_model_free(o);
}
END_TEST

/* Undoing the last link: gone from the list, from its source's out list and from the pair check
 * (the same pair links again), its latency freed (LeakSanitizer and valgrind see a leak). */
START_TEST(unlink_last_undoes_one_link)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *lb = dk_model_add(m, NULL, K_BALANCER, "lb", NULL);
    dk_comp_t *a = dk_model_add(m, NULL, K_SERVICE, "a", NULL);
    dk_comp_t *b = dk_model_add(m, NULL, K_SERVICE, "b", NULL);
    dk_dist_t *lat = dk_dist_constant(5e5, NULL);

    dk_model_unlink_last(m); /* no links: nothing happens */
    ck_assert_int_eq(dk_model_link(m, lb, a, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, b, lat, &err), DK_OK);
    dk_model_unlink_last(m);
    ck_assert_uint_eq(dk_model_link_count(m), 1);
    ck_assert_uint_eq(dk_comp_out_count(lb), 1);
    ck_assert_ptr_eq(dk_comp_out(lb, 0), a);
    ck_assert_int_eq(dk_model_link(m, lb, b, NULL, &err), DK_OK); /* not "already links" */
    ck_assert_uint_eq(dk_model_link_count(m), 2);
    ck_assert_ptr_eq(dk_comp_out(lb, 1), b);
    ck_assert_int_eq(dk_model_link(m, lb, a, NULL, &err), DK_EEXIST); /* the first one stayed */
    dk_dist_free(lat);
    dk_model_free(m);
    dk_model_unlink_last(NULL);
}
END_TEST

/* ---- classes ---- */

START_TEST(classes_first_seen_order)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *a = dk_model_add(m, NULL, K_CLIENT, "a", NULL);
    dk_comp_t *b;
    const char *ca[] = {"read", "write"}, *cb[] = {"search", "write", "admin"};
    const double wa[] = {0.9, 0.1}, wb[] = {1, 1, 1};

    /* a client alone sends its default class */
    ck_assert_uint_eq(dk_model_class_count(m), 1);
    ck_assert_str_eq(dk_model_class(m, 0), "request");

    b = dk_model_add(m, NULL, K_CLIENT, "b", NULL);
    ck_assert_int_eq(dk_comp_set_mix(b, "mix", cb, wb, 3, &err), DK_OK);
    ck_assert_uint_eq(dk_model_class_count(m), 4);
    ck_assert_str_eq(dk_model_class(m, 0), "request");
    ck_assert_str_eq(dk_model_class(m, 1), "search");

    ck_assert_int_eq(dk_comp_set_mix(a, "mix", ca, wa, 2, &err), DK_OK);
    ck_assert_uint_eq(dk_model_class_count(m), 4);
    ck_assert_str_eq(dk_model_class(m, 0), "read"); /* client order, then mix order */
    ck_assert_str_eq(dk_model_class(m, 1), "write");
    ck_assert_str_eq(dk_model_class(m, 2), "search");
    ck_assert_str_eq(dk_model_class(m, 3), "admin");
    ck_assert_ptr_null(dk_model_class(m, 4));
    /* services do not contribute */
    dk_model_add(m, NULL, K_SERVICE, "api", NULL);
    ck_assert_uint_eq(dk_model_class_count(m), 4);
    dk_model_free(m);
}
END_TEST

/* ---- expectations ---- */

START_TEST(expect_stores_copies)
{
    dk_model_t *m = dk_model_new("m", NULL);
    char cls[] = "resolve";
    dk_expect e = {"p99", cls, 50e6};
    const dk_expect *got;

    ck_assert_int_eq(dk_model_expect(m, &e, &err), DK_OK);
    e.metric = "availability";
    e.cls = NULL;
    e.limit = 0.999;
    ck_assert_int_eq(dk_model_expect(m, &e, &err), DK_OK);
    cls[0] = 'X';
    ck_assert_uint_eq(dk_model_expect_count(m), 2);
    got = dk_model_expect_at(m, 0);
    ck_assert_str_eq(got->metric, "p99");
    ck_assert_str_eq(got->cls, "resolve");
    ck_assert_double_eq(got->limit, 50e6);
    got = dk_model_expect_at(m, 1);
    ck_assert_ptr_null(got->cls);
    ck_assert_double_eq(got->limit, 0.999);
    ck_assert_ptr_null(dk_model_expect_at(m, 2));
    dk_model_free(m);
}
END_TEST

START_TEST(expect_bad_input)
{
    dk_model_t *m = dk_model_new("m", NULL);
    static const struct {
        dk_expect e;
        dk_status st;
        const char *msg;
    } bad[] = {
        {{"p95", NULL, 1},
         DK_EINVAL,
         "expect: unknown metric \"p95\" (use p50, p90, p99, p999, mean, availability, "
         "throughput, utilisation)"},
        {{"p99", NULL, 0}, DK_ERANGE, "expect: p99 must be a positive duration (got 0ns)"},
        {{"mean", NULL, -5}, DK_ERANGE, "expect: mean must be a positive duration (got -5ns)"},
        {{"availability", NULL, 1.5},
         DK_ERANGE,
         "expect: availability must be a fraction above 0 and at most 1 (got 1.5)"},
        {{"utilisation", NULL, 0},
         DK_ERANGE,
         "expect: utilisation must be a fraction above 0 and at most 1 (got 0)"},
        {{"throughput", NULL, -1}, DK_ERANGE, "expect: throughput must be positive (got -1)"},
        {{"p50", "", 1}, DK_EINVAL, "expect: class name must not be empty"},
        {{NULL, NULL, 1},
         DK_EINVAL,
         "expect: unknown metric \"\" (use p50, p90, p99, p999, mean, availability, "
         "throughput, utilisation)"},
    };
    dk_expect nan_e = {"p50", NULL, NAN};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dk_model_expect(m, &bad[i].e, &err), bad[i].st);
        ck_assert_str_eq(err.message, bad[i].msg);
    }
    ck_assert_int_eq(dk_model_expect(m, &nan_e, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "expect: p50 must be a finite number (got nan)");
    ck_assert_uint_eq(dk_model_expect_count(m), 0);
    dk_model_free(m);
}
END_TEST

/* ---- out of memory ---- */

/* Builds a small model with every kind of allocation; returns it or NULL on any failure. */
static dk_model_t *build(void)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_group_t *g;
    dk_comp_t *u, *s;
    dk_dist_t *lat;
    const char *cls[] = {"a", "b"};
    const double w[] = {1, 2};
    dk_expect e = {"p99", "a", 1e6};

    if (m == NULL)
        return NULL;
    lat = dk_dist_constant(1, NULL);
    if ((g = dk_model_add_group(m, NULL, "g", "zone", NULL)) == NULL ||
        (u = dk_model_add(m, g, K_CLIENT, "u", NULL)) == NULL ||
        (s = dk_model_add(m, g, K_SERVICE, "s", NULL)) == NULL ||
        dk_model_link(m, u, s, lat, NULL) != DK_OK ||
        dk_comp_set_mix(u, "mix", cls, w, 2, NULL) != DK_OK ||
        dk_model_expect(m, &e, NULL) != DK_OK) {
        dk_dist_free(lat);
        dk_model_free(m);
        return NULL;
    }
    dk_dist_free(lat);
    return m;
}

START_TEST(out_of_memory_fails_cleanly)
{
    int succeeded = 0;
    for (long n = 0; n < 200 && !succeeded; n++) {
        dk_model_t *m;
        dk_alloc_fail_after(n);
        m = build();
        dk_alloc_fail_after(-1);
        if (m != NULL) {
            succeeded = 1;
            ck_assert_uint_eq(dk_model_class_count(m), 2);
            ck_assert_uint_eq(dk_model_link_count(m), 1);
        }
        dk_model_free(m);
    }
    ck_assert_int_eq(succeeded, 1);
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("names");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, model_new_and_name);
    tcase_add_test(tc, model_bad_names);
    tcase_add_test(tc, comp_bad_names);
    tcase_add_test(tc, comp_duplicate_name);
    suite_add_tcase(s, tc);
    tc = tcase_create("groups");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, groups_nest);
    tcase_add_test(tc, groups_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("components");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, comps_in_creation_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("links");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, links_record_order_and_latency);
    tcase_add_test(tc, links_bad_input);
    tcase_add_test(tc, unlink_last_undoes_one_link);
    suite_add_tcase(s, tc);
    tc = tcase_create("classes");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, classes_first_seen_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("expectations");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, expect_stores_copies);
    tcase_add_test(tc, expect_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_test(tc, out_of_memory_fails_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(model_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

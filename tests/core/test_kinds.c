/* areas: base patterns model sim export kinds */
/* test_kinds.c - the kind registry, the built-in descriptors and their property schemas. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/model.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The built-in kinds in registry order: what messages, docs and the bindings list. */
static const char *const builtin[] = {"client",           "gateway", "guard", "balancer",
                                      "service",          "cache",   "cdn",   "database",
                                      "sharded_database", "queue",   "topic"};

static dk_error err;

static void setup(void)
{
    dk_error_clear(&err);
}

/* ---- the registry ---- */

START_TEST(builtins_in_registry_order)
{
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin));
    for (size_t i = 0; i < COUNT_OF(builtin); i++) {
        const dk_kind_desc *d = dk_kinds_at(i);
        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(d->kind.name, builtin[i]);
        ck_assert_str_eq(dk_kind_name(&d->kind), builtin[i]);
    }
    ck_assert_ptr_null(dk_kinds_at(COUNT_OF(builtin)));
    ck_assert_ptr_null(dk_kinds_at((size_t)-1));
}
END_TEST

/* Names are unique, and every kind can be drawn, built and documented. */
START_TEST(descriptors_complete_and_names_unique)
{
    for (size_t i = 0; i < dk_kinds_count(); i++) {
        const dk_kind_desc *d = dk_kinds_at(i);
        ck_assert_ptr_nonnull(d->kind.name);
        ck_assert_ptr_nonnull(d->kind.doc);
        ck_assert_ptr_nonnull(d->kind.shape);
        ck_assert_ptr_nonnull(d->kind.detail);
        ck_assert_ptr_nonnull(d->build);
        ck_assert_ptr_nonnull(d->kind.props);
        ck_assert_uint_gt(d->kind.nprops, 0);
        ck_assert_uint_eq(d->metrics & ~(DK_METRIC_BIT(DK_METRIC__COUNT) - 1), 0);
        ck_assert_uint_ne(d->metrics & DK_METRIC_BIT(DK_METRIC_THROUGHPUT), 0);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(dk_kinds_at(j)->kind.name, d->kind.name);
    }
}
END_TEST

START_TEST(find_by_name)
{
    for (size_t i = 0; i < dk_kinds_count(); i++)
        ck_assert_ptr_eq(dk_kinds_find(builtin[i], &err), &dk_kinds_at(i)->kind);
    ck_assert_ptr_eq(K_CLIENT, &dk_kinds_at(0)->kind);
    ck_assert_ptr_eq(K_QUEUE, &dk_kinds_at(9)->kind);
    ck_assert_ptr_null(dk_kinds_find("Cache", NULL)); /* names are exact */
}
END_TEST

START_TEST(find_unknown_lists_every_kind)
{
    ck_assert_ptr_null(dk_kinds_find("cahce", &err));
    ck_assert_int_eq(err.status, DK_ENOTFOUND);
    ck_assert_str_eq(err.message,
                     "unknown component kind \"cahce\" (use client, gateway, guard, balancer, "
                     "service, cache, cdn, database, sharded_database, queue, topic)");
    dk_error_clear(&err);
    ck_assert_ptr_null(dk_kinds_find(NULL, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "component kind missing");
    ck_assert_ptr_null(dk_kinds_find("", NULL));
}
END_TEST

/* The descriptor is found by the address of its kind: an equal copy is not registered. */
START_TEST(desc_of_foreign_kind_is_null)
{
    dk_kind copy = *K_SERVICE;

    for (size_t i = 0; i < dk_kinds_count(); i++)
        ck_assert_ptr_eq(dk_kinds_desc(&dk_kinds_at(i)->kind), dk_kinds_at(i));
    ck_assert_ptr_null(dk_kinds_desc(&copy));
    ck_assert_ptr_null(dk_kinds_desc(NULL));
}
END_TEST

/* ---- traits and drawing ---- */

START_TEST(traits_of_the_builtins)
{
    static const struct {
        const char *kind;
        unsigned traits;
        const char *shape, *style;
        int has_replicas;
    } want[] = {
        {"client", DK_TRAIT_ENTRY, "box", "rounded", 0},
        {"balancer", DK_TRAIT_BALANCER, "hexagon", NULL, 1},
        {"service", DK_TRAIT_ROUTES, "box", NULL, 1},
        {"cache", DK_TRAIT_STATEFUL | DK_TRAIT_LOOKUP, "box3d", NULL, 1},
        {"database", DK_TRAIT_STATEFUL | DK_TRAIT_STORE, "cylinder", NULL, 1},
        {"queue", DK_TRAIT_ROUTES | DK_TRAIT_ASYNC, "cds", NULL, 0},
    };
    for (size_t i = 0; i < COUNT_OF(want); i++) {
        const dk_kind *k = dk_kinds_find(want[i].kind, NULL);
        ck_assert_ptr_nonnull(k);
        ck_assert_msg(k->traits == want[i].traits, "%s: traits 0x%x, want 0x%x", want[i].kind,
                      k->traits, want[i].traits);
        ck_assert_int_eq(dk_kind_has(k, want[i].traits), 1);
        ck_assert_int_eq(dk_kind_has(k, 0), 1);
        ck_assert_str_eq(k->shape, want[i].shape);
        if (want[i].style == NULL)
            ck_assert_ptr_null(k->style);
        else
            ck_assert_str_eq(k->style, want[i].style);
        /* a single instance can fail only where there is an instance count */
        if (want[i].has_replicas)
            ck_assert_int_eq(k->replicas_prop, dk_kind_prop_id(k, "replicas"));
        else
            ck_assert_int_eq(k->replicas_prop, -1);
    }
    ck_assert_int_eq(dk_kind_has(K_CLIENT, DK_TRAIT_ENTRY), 1);
    ck_assert_int_eq(dk_kind_has(K_QUEUE, DK_TRAIT_ASYNC), 1);
    ck_assert_int_eq(dk_kind_has(K_CACHE, DK_TRAIT_LOOKUP), 1);
    ck_assert_int_eq(dk_kind_has(K_DATABASE, DK_TRAIT_STORE), 1);
    ck_assert_int_eq(dk_kind_has(K_BALANCER, DK_TRAIT_BALANCER), 1);
    ck_assert_int_eq(dk_kind_has(K_SERVICE, DK_TRAIT_ROUTES), 1);
    /* every one of the traits asked, not any */
    ck_assert_int_eq(dk_kind_has(K_CACHE, DK_TRAIT_LOOKUP | DK_TRAIT_STORE), 0);
    ck_assert_int_eq(dk_kind_has(K_SERVICE, DK_TRAIT_ASYNC), 0);
    ck_assert_int_eq(dk_kind_has(K_CLIENT, DK_TRAIT_ROUTES), 0);
    ck_assert_int_eq(dk_kind_has(NULL, 0), 0);
    ck_assert_str_eq(dk_kind_name(NULL), "unknown");
}
END_TEST

/* A detail line never runs past the buffer it is given, however small. */
START_TEST(detail_lines_fit_their_buffer)
{
    dk_model_t *m = dk_model_new("m", NULL);

    for (size_t i = 0; i < dk_kinds_count(); i++) {
        const dk_kind *k = &dk_kinds_at(i)->kind;
        dk_comp_t *c = dk_model_add(m, NULL, k, k->name, &err);
        char buf[8];
        ck_assert_msg(c != NULL, "%s", err.message);
        for (size_t size = 1; size < sizeof buf; size++) {
            memset(buf, '#', sizeof buf);
            k->detail(c, buf, size);
            ck_assert_ptr_nonnull(memchr(buf, '\0', size));
            ck_assert_int_eq(buf[size], '#');
        }
    }
    dk_model_free(m);
}
END_TEST

/* ---- the property schemas ---- */

/* Every entry is well formed: a doc line, a default text, a default in range, enum choices. */
START_TEST(schema_entries_consistent)
{
    for (size_t k = 0; k < dk_kinds_count(); k++) {
        const dk_kind *kind = &dk_kinds_at(k)->kind;
        const dk_prop_info *p = kind->props;
        for (size_t i = 0; i < kind->nprops; i++) {
            ck_assert_ptr_nonnull(p[i].name);
            ck_assert_ptr_nonnull(p[i].doc);
            ck_assert_ptr_nonnull(p[i].def_text);
            ck_assert_int_lt(p[i].type, DK_PROP__COUNT);
            for (size_t j = 0; j < i; j++)
                ck_assert_msg(strcmp(p[i].name, p[j].name) != 0, "%s has two \"%s\"", kind->name,
                              p[i].name);
            ck_assert_int_eq(dk_kind_prop_id(kind, p[i].name), (int)i);
            ck_assert_ptr_eq(dk_kind_prop(kind, p[i].name), &p[i]);
            if (p[i].type == DK_PROP_ENUM) {
                size_t nc = 0;
                ck_assert_ptr_nonnull(p[i].choices);
                while (p[i].choices[nc] != NULL)
                    nc++;
                ck_assert_uint_gt(nc, 0);
                ck_assert_double_lt(p[i].def, (double)nc);
                ck_assert_str_eq(p[i].choices[(size_t)p[i].def], p[i].def_text);
            } else if (p[i].type != DK_PROP_MIX) {
                ck_assert_double_le(p[i].min, p[i].max);
                ck_assert_double_ge(p[i].def, p[i].min);
                ck_assert_double_le(p[i].def, p[i].max);
            }
        }
    }
}
END_TEST

/* A component of every kind starts at the schema's defaults, and each default passes the
 * schema's own checks when set back, as a number and as the text the docs show. */
START_TEST(defaults_read_back_and_pass_the_schema)
{
    dk_model_t *m = dk_model_new("m", NULL);

    for (size_t k = 0; k < dk_kinds_count(); k++) {
        const dk_kind *kind = &dk_kinds_at(k)->kind;
        dk_comp_t *c = dk_model_add(m, NULL, kind, kind->name, &err);
        ck_assert_msg(c != NULL, "%s", err.message);
        ck_assert_ptr_eq(dk_comp_kind(c), kind);
        for (int id = 0; (size_t)id < kind->nprops; id++) {
            const dk_prop_info *p = &kind->props[id];
            const char *cls;
            double w;
            ck_assert_int_eq(dk_comp_is_set(c, id), 0);
            switch (p->type) {
            case DK_PROP_MIX:
                ck_assert_uint_eq(dk_comp_mix_count(c, id), 1);
                dk_comp_mix_at(c, id, 0, &cls, &w);
                ck_assert_str_eq(cls, p->def_text);
                ck_assert_double_eq(w, 1);
                continue; /* a mix has no number or text form */
            case DK_PROP_ENUM:
                ck_assert_str_eq(dk_comp_text(c, id), p->def_text);
                ck_assert_double_eq(dk_comp_number(c, id), p->def);
                break;
            case DK_PROP_DIST:
                ck_assert_int_eq(dk_dist_kind_of(dk_comp_dist(c, id)), DK_DIST_CONSTANT);
                ck_assert_double_eq(dk_dist_mean(dk_comp_dist(c, id)), p->def);
                ck_assert_double_eq(dk_comp_number(c, id), p->def);
                break;
            default:
                ck_assert_double_eq(dk_comp_number(c, id), p->def);
            }
            if (p->type != DK_PROP_ENUM) {
                ck_assert_msg(dk_comp_set_number(c, p->name, p->def, &err) == DK_OK, "%s",
                              err.message);
                ck_assert_double_eq(dk_comp_number(c, id), p->def);
            }
            ck_assert_msg(dk_comp_set_text(c, p->name, p->def_text, &err) == DK_OK, "%s",
                          err.message);
            ck_assert_double_eq(dk_comp_number(c, id), p->def);
            ck_assert_int_eq(dk_comp_is_set(c, id), 1);
        }
    }
    dk_model_free(m);
}
END_TEST

/* The exact names, types and defaults other areas rely on. */
START_TEST(schema_names_and_defaults)
{
    static const struct {
        const char *kind;
        const char *name;
        dk_prop_type type;
        double def;
    } want[] = {
        {"client", "rate", DK_PROP_RATE, 100},      {"client", "arrivals", DK_PROP_ENUM, 0},
        {"client", "mix", DK_PROP_MIX, 0},          {"client", "keys", DK_PROP_DIST, 1},
        {"balancer", "algorithm", DK_PROP_ENUM, 0}, {"balancer", "replicas", DK_PROP_INT, 1},
        {"service", "replicas", DK_PROP_INT, 1},    {"service", "workers", DK_PROP_INT, 1},
        {"service", "time", DK_PROP_DIST, 1e6},     {"service", "queue", DK_PROP_INT, 0},
        {"cache", "capacity", DK_PROP_INT, 10000},  {"cache", "policy", DK_PROP_ENUM, 0},
        {"cache", "ttl", DK_PROP_DURATION, 0},      {"cache", "time", DK_PROP_DIST, 2e5},
        {"cache", "replicas", DK_PROP_INT, 1},      {"cache", "workers", DK_PROP_INT, 0},
        {"database", "replicas", DK_PROP_INT, 1},   {"database", "replication", DK_PROP_ENUM, 1},
        {"database", "lag", DK_PROP_DIST, 0},       {"database", "workers", DK_PROP_INT, 16},
        {"database", "time", DK_PROP_DIST, 5e6},    {"database", "queue", DK_PROP_INT, 0},
        {"queue", "capacity", DK_PROP_INT, 0},      {"queue", "consumers", DK_PROP_INT, 1},
        {"queue", "time", DK_PROP_DIST, 1e6},
    };
    for (size_t i = 0; i < COUNT_OF(want); i++) {
        const dk_prop_info *p = dk_kind_prop(dk_kinds_find(want[i].kind, NULL), want[i].name);
        ck_assert_msg(p != NULL, "%s has no %s", want[i].kind, want[i].name);
        ck_assert_int_eq(p->type, want[i].type);
        ck_assert_double_eq(p->def, want[i].def);
    }
    ck_assert_str_eq(dk_kind_prop(K_DATABASE, "replication")->def_text, "async");
    ck_assert_str_eq(dk_kind_prop(K_CLIENT, "mix")->def_text, "request");
    ck_assert_uint_eq(dk_kind_prop(K_SERVICE, "time")->flags & DK_PROP_F_DURATIONS,
                      DK_PROP_F_DURATIONS);
    ck_assert_uint_eq(dk_kind_prop(K_CLIENT, "keys")->flags & DK_PROP_F_DURATIONS, 0);
}
END_TEST

START_TEST(prop_lookup)
{
    const dk_prop_info *p = dk_kind_prop(K_SERVICE, "workers");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, "workers");
    ck_assert_int_eq(p->type, DK_PROP_INT);
    ck_assert_double_eq(p->min, 1);
    ck_assert_double_eq(p->max, 1e6);
    ck_assert_ptr_eq(p, &K_SERVICE->props[dk_kind_prop_id(K_SERVICE, "workers")]);
    ck_assert_ptr_null(dk_kind_prop(K_SERVICE, "capacity"));
    ck_assert_ptr_null(dk_kind_prop(K_SERVICE, NULL));
    ck_assert_ptr_null(dk_kind_prop(NULL, "workers"));
    ck_assert_int_eq(dk_kind_prop_id(K_SERVICE, "capacity"), -1);
    ck_assert_int_eq(dk_kind_prop_id(K_SERVICE, "Workers"), -1);
    ck_assert_int_eq(dk_kind_prop_id(K_SERVICE, NULL), -1);
    ck_assert_int_eq(dk_kind_prop_id(NULL, "workers"), -1);
}
END_TEST

/* The list in "unknown option" messages is made from the table it summarises. */
START_TEST(prop_list_matches_schema)
{
    char buf[256], want[256];

    for (size_t k = 0; k < dk_kinds_count(); k++) {
        const dk_kind *kind = &dk_kinds_at(k)->kind;
        want[0] = '\0';
        for (size_t i = 0; i < kind->nprops; i++) {
            strcat(want, i ? ", " : "");
            strcat(want, kind->props[i].name);
        }
        ck_assert_ptr_eq(dk_kind_prop_list(kind, buf, sizeof buf), buf);
        ck_assert_str_eq(buf, want);
    }
    ck_assert_str_eq(dk_kind_prop_list(K_CACHE, buf, sizeof buf),
                     "capacity, policy, ttl, time, replicas, workers, strategy, on_write, flush, "
                     "batch, crash_at, bytes, object_size");
    ck_assert_str_eq(dk_kind_prop_list(K_SERVICE, buf, sizeof buf),
                     "replicas, workers, time, queue, dispatch, mode, fail_from, fail_to, "
                     "fail_rate, hang_at, hang_every, restart_time");
    /* cut to fit, always terminated */
    ck_assert_str_eq(dk_kind_prop_list(K_CACHE, buf, 5), "capa");
    ck_assert_str_eq(dk_kind_prop_list(K_CACHE, buf, 12), "capacity, p");
    ck_assert_str_eq(dk_kind_prop_list(NULL, buf, sizeof buf), "");
    buf[0] = 'x';
    ck_assert_ptr_eq(dk_kind_prop_list(K_CACHE, buf, 0), buf);
    ck_assert_int_eq(buf[0], 'x'); /* no room: untouched */
}
END_TEST

START_TEST(prop_type_names)
{
    static const char *const want[] = {"int",      "number", "duration",     "size", "rate",
                                       "fraction", "enum",   "distribution", "mix"};
    ck_assert_uint_eq(COUNT_OF(want), DK_PROP__COUNT);
    for (int t = 0; t < DK_PROP__COUNT; t++)
        ck_assert_str_eq(dk_prop_type_name((dk_prop_type)t), want[t]);
    ck_assert_str_eq(dk_prop_type_name(DK_PROP_DIST), "distribution");
    ck_assert_str_eq(dk_prop_type_name(DK_PROP__COUNT), "?");
    ck_assert_str_eq(dk_prop_type_name((dk_prop_type)-1), "?");
}
END_TEST

/* ---- route kinds ---- */

START_TEST(route_kind_names_round_trip)
{
    static const char *const want[] = {"cache_aside", "call", "custom"};
    ck_assert_uint_eq(COUNT_OF(want), DK_ROUTE__COUNT);
    for (int k = 0; k < DK_ROUTE__COUNT; k++) {
        dk_route_kind got = DK_ROUTE__COUNT;
        ck_assert_str_eq(dk_route_kind_name((dk_route_kind)k), want[k]);
        ck_assert_int_eq(dk_route_kind_parse(dk_route_kind_name((dk_route_kind)k), &got), 1);
        ck_assert_int_eq(got, k);
    }
    ck_assert_str_eq(dk_route_kind_name(DK_ROUTE__COUNT), "unknown");
    ck_assert_str_eq(dk_route_kind_name((dk_route_kind)-1), "unknown");
}
END_TEST

START_TEST(route_kind_parse_unknown)
{
    dk_route_kind k = DK_ROUTE_CALL;
    ck_assert_int_eq(dk_route_kind_parse("cache-aside", &k), 0);
    ck_assert_int_eq(dk_route_kind_parse("", &k), 0);
    ck_assert_int_eq(dk_route_kind_parse(NULL, &k), 0);
    ck_assert_int_eq(k, DK_ROUTE_CALL); /* untouched */
}
END_TEST

/* ---- registering kinds ----
 * These change the registry of the process: Check runs each test in a child of its own (fork
 * mode), and this tcase comes last, so the tests above see the built-ins only. */

static dk_actor_t *build_nothing(dk_sim_t *sim, const dk_comp_t *c, dk_error *e)
{
    (void)sim;
    dk_error_set(e, DK_EINVAL, "%s: not buildable", dk_comp_name(c));
    return NULL;
}

START_TEST(register_refuses_incomplete_descriptors)
{
    dk_kind_desc nameless = {.kind = {.shape = "box"}, .build = build_nothing};
    dk_kind_desc no_build = {.kind = {.name = "gizmo", .shape = "box"}};
    dk_kind_desc no_shape = {.kind = {.name = "gizmo"}, .build = build_nothing};

    ck_assert_int_eq(dk_kinds_register(NULL, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "register kind: no descriptor given");
    ck_assert_int_eq(dk_kinds_register(&nameless, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "register kind \"\": a descriptor needs a name, a build function and a shape");
    ck_assert_int_eq(dk_kinds_register(&no_build, NULL), DK_EINVAL);
    ck_assert_int_eq(dk_kinds_register(&no_shape, &err), DK_EINVAL);
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin));
    ck_assert_ptr_null(dk_kinds_find("gizmo", NULL));
}
END_TEST

/* What the rules and the bindings take on trust is checked once, at registration: a replica
 * count that is not an int property (a descriptor that leaves the field at 0 without a
 * property 0, say), properties sharing a name, an enum without choices. */
START_TEST(register_refuses_a_bad_schema)
{
    static const dk_prop_info one_dist[] = {
        {"time", DK_PROP_DIST, 0, 1e18, NULL, "time", 0, "0s", DK_PROP_F_DURATIONS},
    };
    static const dk_prop_info twice[] = {
        {"n", DK_PROP_INT, 1, 10, NULL, "n", 1, "1", 0},
        {"n", DK_PROP_INT, 1, 10, NULL, "n again", 1, "1", 0},
    };
    static const dk_prop_info no_choices[] = {
        {"mode", DK_PROP_ENUM, 0, 0, NULL, "mode", 0, "a", 0},
    };
    dk_kind_desc no_props = {.kind = {.name = "gizmo", .shape = "box"}, .build = build_nothing};
    dk_kind_desc not_int = {
        .kind = {.name = "gizmo", .props = one_dist, .nprops = 1, .shape = "box"},
        .build = build_nothing};
    dk_kind_desc dup = {
        .kind = {.name = "gizmo", .props = twice, .nprops = 2, .shape = "box", .replicas_prop = -1},
        .build = build_nothing};
    dk_kind_desc enum_bare = {.kind = {.name = "gizmo",
                                       .props = no_choices,
                                       .nprops = 1,
                                       .shape = "box",
                                       .replicas_prop = -1},
                              .build = build_nothing};

    ck_assert_int_eq(dk_kinds_register(&no_props, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "register kind \"gizmo\": replicas_prop must be -1 or the id of "
                                  "an int property");
    ck_assert_int_eq(dk_kinds_register(&not_int, &err), DK_EINVAL);
    ck_assert_int_eq(dk_kinds_register(&dup, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "register kind \"gizmo\": two properties share a name");
    ck_assert_int_eq(dk_kinds_register(&enum_bare, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "register kind \"gizmo\": an enum property has no choices");
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin));
}
END_TEST

START_TEST(register_refuses_a_taken_name)
{
    static const dk_kind_desc cache2 = {
        .kind = {.name = "cache", .shape = "box", .replicas_prop = -1}, .build = build_nothing};
    ck_assert_int_eq(dk_kinds_register(&cache2, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "register kind: \"cache\" is a kind already");
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin));
    ck_assert_ptr_eq(K_CACHE, &dk_kinds_at(5)->kind); /* still the built-in */
}
END_TEST

/* A registered kind is found, listed in messages and refused a second time. */
START_TEST(register_adds_after_the_builtins)
{
    static const dk_kind_desc gizmo = {
        .kind = {.name = "gizmo", .shape = "egg", .replicas_prop = -1},
        .build = build_nothing,
    };
    static const dk_kind_desc gizmo2 = {
        .kind = {.name = "gizmo", .shape = "box", .replicas_prop = -1}, .build = build_nothing};

    ck_assert_int_eq(dk_kinds_register(&gizmo, &err), DK_OK);
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin) + 1);
    ck_assert_ptr_eq(dk_kinds_at(COUNT_OF(builtin)), &gizmo);
    ck_assert_ptr_eq(dk_kinds_find("gizmo", NULL), &gizmo.kind);
    ck_assert_ptr_eq(dk_kinds_desc(&gizmo.kind), &gizmo);
    ck_assert_ptr_null(dk_kinds_find("gadget", &err));
    ck_assert_str_eq(err.message,
                     "unknown component kind \"gadget\" (use client, gateway, guard, balancer, "
                     "service, cache, cdn, database, sharded_database, queue, topic, "
                     "gizmo)");
    ck_assert_int_eq(dk_kinds_register(&gizmo, &err), DK_EEXIST);
    ck_assert_int_eq(dk_kinds_register(&gizmo2, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "register kind: \"gizmo\" is a kind already");
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin) + 1);
}
END_TEST

/* The room for extra kinds is fixed (registering never allocates): past it, DK_ENOMEM, and
 * what was registered stays. */
START_TEST(register_until_full)
{
    static char names[100][16];
    static dk_kind_desc descs[100];
    size_t added = 0;
    dk_status st = DK_OK;

    for (size_t i = 0; i < COUNT_OF(descs) && st == DK_OK; i++) {
        snprintf(names[i], sizeof names[i], "extra%zu", i);
        descs[i].kind.name = names[i];
        descs[i].kind.shape = "box";
        descs[i].kind.replicas_prop = -1;
        descs[i].build = build_nothing;
        st = dk_kinds_register(&descs[i], &err);
        if (st == DK_OK)
            added++;
    }
    ck_assert_int_eq(st, DK_ENOMEM);
    ck_assert_uint_gt(added, 0);
    ck_assert_uint_lt(added, COUNT_OF(descs));
    ck_assert_uint_eq(dk_kinds_count(), COUNT_OF(builtin) + added);
    ck_assert_ptr_eq(dk_kinds_find(names[added - 1], NULL), &descs[added - 1].kind);
    ck_assert_ptr_null(dk_kinds_find(names[added], NULL));
}
END_TEST

static Suite *kinds_suite(void)
{
    Suite *s = suite_create("kinds");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, builtins_in_registry_order);
    tcase_add_test(tc, descriptors_complete_and_names_unique);
    tcase_add_test(tc, find_by_name);
    tcase_add_test(tc, find_unknown_lists_every_kind);
    tcase_add_test(tc, desc_of_foreign_kind_is_null);
    suite_add_tcase(s, tc);
    tc = tcase_create("traits");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, traits_of_the_builtins);
    tcase_add_test(tc, detail_lines_fit_their_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("schema");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, schema_entries_consistent);
    tcase_add_test(tc, defaults_read_back_and_pass_the_schema);
    tcase_add_test(tc, schema_names_and_defaults);
    tcase_add_test(tc, prop_lookup);
    tcase_add_test(tc, prop_list_matches_schema);
    tcase_add_test(tc, prop_type_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("routes");
    tcase_add_test(tc, route_kind_names_round_trip);
    tcase_add_test(tc, route_kind_parse_unknown);
    suite_add_tcase(s, tc);
    tc = tcase_create("register");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, register_refuses_incomplete_descriptors);
    tcase_add_test(tc, register_refuses_a_bad_schema);
    tcase_add_test(tc, register_refuses_a_taken_name);
    tcase_add_test(tc, register_adds_after_the_builtins);
    tcase_add_test(tc, register_until_full);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kinds_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

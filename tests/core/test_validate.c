/* areas: base model */
/* test_validate.c - validation rules: each with a model that triggers it and one that does
 * not, plus the order of findings. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/model.h"

static dk_model_t *m;
static dk_findings_t *f;

static void setup(void)
{
    m = dk_model_new("m", NULL);
    f = NULL;
}

static void teardown(void)
{
    dk_findings_free(f);
    dk_model_free(m);
}

static dk_comp_t *add(dk_kind kind, const char *name)
{
    dk_comp_t *c = dk_model_add(m, NULL, kind, name, NULL);
    ck_assert_ptr_nonnull(c);
    return c;
}

static void wire(dk_comp_t *a, dk_comp_t *b)
{
    dk_error err;
    ck_assert_msg(dk_model_link(m, a, b, NULL, &err) == DK_OK, "%s", err.message);
}

static void replicas(dk_comp_t *c, double n)
{
    ck_assert_int_eq(dk_comp_set_number(c, "replicas", n, NULL), DK_OK);
}

static void validate(void)
{
    dk_status st = DK_EINTERNAL;
    dk_findings_free(f);
    f = dk_model_validate(m, &st);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(st, DK_OK);
}

/* The finding of `rule` on `comp` (NULL: model-wide), or NULL. */
static const dk_finding *find(const char *rule, const char *comp)
{
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        if (strcmp(x->rule, rule) != 0)
            continue;
        if (comp == NULL ? x->component == NULL
                         : x->component != NULL && strcmp(x->component, comp) == 0)
            return x;
    }
    return NULL;
}

static size_t count_rule(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < dk_findings_count(f); i++)
        n += strcmp(dk_findings_at(f, i)->rule, rule) == 0;
    return n;
}

/* users -> lb -> {a, b} -> db, everything replicated: a clean baseline. */
static void clean_model(void)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *lb = add(DK_KIND_BALANCER, "lb");
    dk_comp_t *a = add(DK_KIND_SERVICE, "a"), *b = add(DK_KIND_SERVICE, "b");
    dk_comp_t *db = add(DK_KIND_DATABASE, "db");
    replicas(lb, 2);
    replicas(db, 3);
    wire(u, lb);
    wire(lb, a);
    wire(lb, b);
    wire(a, db);
    wire(b, db);
}

START_TEST(clean_model_has_no_findings)
{
    clean_model();
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 0);
    ck_assert_uint_eq(dk_findings_errors(f), 0);
    ck_assert_ptr_null(dk_findings_at(f, 0));
}
END_TEST

START_TEST(severity_names)
{
    ck_assert_str_eq(dk_severity_name(DK_SEV_INFO), "info");
    ck_assert_str_eq(dk_severity_name(DK_SEV_WARNING), "warning");
    ck_assert_str_eq(dk_severity_name(DK_SEV_ERROR), "error");
}
END_TEST

/* ---- no-client ---- */

START_TEST(no_client_warns)
{
    const dk_finding *x;
    dk_comp_t *api = add(DK_KIND_SERVICE, "api");
    replicas(api, 2);
    validate();
    x = find("no-client", NULL);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "model \"m\" has no client: nothing sends requests");
    ck_assert_str_ne(x->hint, "");
    /* without clients, "unreachable" would flag everything: it stays quiet */
    ck_assert_uint_eq(count_rule("unreachable"), 0);
    ck_assert_uint_eq(dk_findings_count(f), 1);
}
END_TEST

START_TEST(empty_model_only_no_client)
{
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 1);
    ck_assert_str_eq(dk_findings_at(f, 0)->rule, "no-client");
}
END_TEST

/* ---- unreachable ---- */

START_TEST(unreachable_component_warns)
{
    const dk_finding *x;
    clean_model();
    replicas(add(DK_KIND_SERVICE, "orphan"), 2);
    validate();
    x = find("unreachable", "orphan");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"orphan\" is not reached by any client");
    ck_assert_uint_eq(count_rule("unreachable"), 1);
}
END_TEST

START_TEST(route_targets_count_as_reached)
{
    dk_route r;
    dk_comp_t *api, *cache, *db;
    dk_error err;

    clean_model();
    api = dk_model_find(m, "a");
    cache = add(DK_KIND_CACHE, "redis");
    db = dk_model_find(m, "db");
    replicas(cache, 2);
    memset(&r, 0, sizeof r);
    r.cls = "request";
    r.kind = DK_ROUTE_CACHE_ASIDE;
    r.targets[0] = cache;
    r.targets[1] = db;
    r.ntargets = 2;
    ck_assert_msg(dk_comp_set_route(api, &r, &err) == DK_OK, "%s", err.message);
    validate();
    ck_assert_ptr_null(find("unreachable", "redis"));
    ck_assert_uint_eq(dk_findings_count(f), 0);
}
END_TEST

/* ---- no-route ---- */

START_TEST(client_without_link_is_an_error)
{
    const dk_finding *x;
    clean_model();
    add(DK_KIND_CLIENT, "bots");
    validate();
    x = find("no-route", "bots");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "client \"bots\" sends to nothing");
    ck_assert_uint_eq(dk_findings_errors(f), 1);
}
END_TEST

START_TEST(balancer_without_backend_is_an_error)
{
    const dk_finding *x;
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *lb = add(DK_KIND_BALANCER, "lb");
    replicas(lb, 2);
    wire(u, lb);
    validate();
    x = find("no-route", "lb");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "balancer \"lb\" has no backend");
    ck_assert_ptr_null(find("no-route", "users"));
}
END_TEST

START_TEST(route_for_unsent_class_warns)
{
    const dk_finding *x;
    dk_route r;
    dk_comp_t *a;
    const char *cls[] = {"resolve", "shorten"};
    const double w[] = {99, 1};

    clean_model();
    a = dk_model_find(m, "a");
    ck_assert_int_eq(dk_comp_set_mix(dk_model_find(m, "users"), "mix", cls, w, 2, NULL), DK_OK);
    memset(&r, 0, sizeof r);
    r.kind = DK_ROUTE_CALL;
    r.targets[0] = dk_model_find(m, "db");
    r.ntargets = 1;
    r.cls = "resolve"; /* sent: fine */
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    r.cls = "*"; /* the default: fine */
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    validate();
    ck_assert_uint_eq(dk_findings_count(f), 0);

    r.cls = "delete";
    ck_assert_int_eq(dk_comp_set_route(a, &r, NULL), DK_OK);
    validate();
    x = find("no-route", "a");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"a\": route \"delete\" is for a class no client sends");
    ck_assert_str_eq(x->hint, "clients send: resolve, shorten");
}
END_TEST

/* ---- spof ---- */

START_TEST(spof_single_service_on_every_path)
{
    const dk_finding *x;
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *db = add(DK_KIND_DATABASE, "db");
    replicas(db, 2);
    wire(u, api);
    wire(api, db);
    validate();
    x = find("spof", "api");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "service \"api\" is a single point of failure: every path "
                                 "from client \"users\" goes through it");
    ck_assert_str_eq(x->hint, "add replicas = 2 or more, or a standby");
    ck_assert_uint_eq(count_rule("spof"), 1);

    replicas(api, 2); /* replicas remove it */
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

START_TEST(spof_single_terminal_database)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *db = add(DK_KIND_DATABASE, "db");
    replicas(api, 3);
    wire(u, api);
    wire(api, db);
    validate();
    ck_assert_ptr_nonnull(find("spof", "db"));
    ck_assert_uint_eq(count_rule("spof"), 1);
}
END_TEST

/* users -> lb -> {a, b} -> {c1, c2}: no single node is on every path. */
START_TEST(spof_diamond_has_none)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *lb = add(DK_KIND_BALANCER, "lb");
    dk_comp_t *a = add(DK_KIND_SERVICE, "a"), *b = add(DK_KIND_SERVICE, "b");
    dk_comp_t *c1 = add(DK_KIND_DATABASE, "c1"), *c2 = add(DK_KIND_DATABASE, "c2");
    replicas(lb, 2);
    wire(u, lb);
    wire(lb, a);
    wire(lb, b);
    wire(a, c1);
    wire(a, c2);
    wire(b, c1);
    wire(b, c2);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
    /* the single balancer, though, is */
    replicas(lb, 1);
    validate();
    ck_assert_ptr_nonnull(find("spof", "lb"));
    ck_assert_uint_eq(count_rule("spof"), 1);
}
END_TEST

/* A cache beside the database is not on every path: the database is still reachable. */
START_TEST(spof_side_branch_is_not)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *cache = add(DK_KIND_CACHE, "redis"), *db = add(DK_KIND_DATABASE, "db");
    replicas(api, 2);
    replicas(db, 2);
    wire(u, api);
    wire(api, cache);
    wire(api, db);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

/* Queues have no replicas to add: they are not flagged. */
START_TEST(spof_skips_queues)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *q = add(DK_KIND_QUEUE, "jobs");
    dk_comp_t *w = add(DK_KIND_SERVICE, "worker");
    replicas(w, 2);
    wire(u, q);
    wire(q, w);
    validate();
    ck_assert_uint_eq(count_rule("spof"), 0);
}
END_TEST

/* ---- sync-cycle ---- */

START_TEST(sync_cycle_through_links)
{
    const dk_finding *x;
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *auth = add(DK_KIND_SERVICE, "auth");
    replicas(api, 2);
    replicas(auth, 2);
    wire(u, api);
    wire(api, auth);
    wire(auth, api);
    validate();
    x = find("sync-cycle", "api");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "synchronous call cycle: api -> auth -> api");
    ck_assert_uint_eq(count_rule("sync-cycle"), 1); /* one per cycle, not per member */
}
END_TEST

START_TEST(sync_cycle_longest_named_shortest)
{
    /* a -> b -> c -> a and a -> c: the shortest cycle through a is a -> c -> a */
    dk_comp_t *u = add(DK_KIND_CLIENT, "u"), *a = add(DK_KIND_SERVICE, "a");
    dk_comp_t *b = add(DK_KIND_SERVICE, "b"), *c = add(DK_KIND_SERVICE, "c");
    wire(u, a);
    wire(a, b);
    wire(b, c);
    wire(c, a);
    validate();
    ck_assert_str_eq(find("sync-cycle", "a")->message, "synchronous call cycle: a -> b -> c -> a");
    wire(a, c);
    validate();
    ck_assert_str_eq(find("sync-cycle", "a")->message, "synchronous call cycle: a -> c -> a");
    ck_assert_uint_eq(count_rule("sync-cycle"), 1);
}
END_TEST

START_TEST(sync_cycle_through_route_targets)
{
    dk_route r;
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *auth = add(DK_KIND_SERVICE, "auth");
    wire(u, api);
    wire(auth, api);
    memset(&r, 0, sizeof r);
    r.cls = "*";
    r.kind = DK_ROUTE_CALL;
    r.targets[0] = auth;
    r.ntargets = 1;
    ck_assert_int_eq(dk_comp_set_route(api, &r, NULL), DK_OK);
    validate();
    ck_assert_str_eq(find("sync-cycle", "api")->message,
                     "synchronous call cycle: api -> auth -> api");
    /* a route to itself is a cycle of one */
    r.targets[0] = api;
    ck_assert_int_eq(dk_comp_set_route(api, &r, NULL), DK_OK);
    validate();
    ck_assert_str_eq(find("sync-cycle", "api")->message, "synchronous call cycle: api -> api");
}
END_TEST

START_TEST(sync_cycle_broken_by_queue)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *api = add(DK_KIND_SERVICE, "api");
    dk_comp_t *q = add(DK_KIND_QUEUE, "events"), *w = add(DK_KIND_SERVICE, "worker");
    wire(u, api);
    wire(api, q);
    wire(q, w);
    wire(w, api);
    validate();
    ck_assert_uint_eq(count_rule("sync-cycle"), 0);
}
END_TEST

/* ---- single-backend ---- */

START_TEST(single_backend_warns)
{
    const dk_finding *x;
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *lb = add(DK_KIND_BALANCER, "lb");
    dk_comp_t *a = add(DK_KIND_SERVICE, "api");
    replicas(lb, 2);
    replicas(a, 2);
    wire(u, lb);
    wire(lb, a);
    validate();
    x = find("single-backend", "lb");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_WARNING);
    ck_assert_str_eq(x->message, "balancer \"lb\" has only one backend (service \"api\")");
    wire(lb, add(DK_KIND_SERVICE, "api2"));
    replicas(dk_model_find(m, "api2"), 2);
    validate();
    ck_assert_uint_eq(count_rule("single-backend"), 0);
    ck_assert_uint_eq(dk_findings_count(f), 0);
}
END_TEST

/* ---- order ---- */

/* A model with findings of every rule, built the same way each time. */
static void messy_model(void)
{
    dk_comp_t *u = add(DK_KIND_CLIENT, "users"), *lb = add(DK_KIND_BALANCER, "lb");
    dk_comp_t *api = add(DK_KIND_SERVICE, "api"), *auth = add(DK_KIND_SERVICE, "auth");
    dk_comp_t *db = add(DK_KIND_DATABASE, "db");
    add(DK_KIND_CLIENT, "bots");
    add(DK_KIND_CACHE, "orphan");
    add(DK_KIND_BALANCER, "empty-lb");
    wire(u, lb);
    wire(lb, api);
    wire(api, auth);
    wire(auth, api);
    wire(api, db);
}

START_TEST(findings_sorted_errors_first_then_component)
{
    dk_severity prev_sev = DK_SEV_ERROR;
    size_t prev_idx = 0;

    messy_model();
    validate();
    ck_assert_uint_gt(dk_findings_count(f), 5);
    /* the cycle at api (2), bots sends nowhere (5), empty-lb has no backend (7) */
    ck_assert_uint_eq(dk_findings_errors(f), 3);
    ck_assert_str_eq(dk_findings_at(f, 0)->rule, "sync-cycle");
    ck_assert_str_eq(dk_findings_at(f, 1)->rule, "no-route");
    ck_assert_str_eq(dk_findings_at(f, 1)->component, "bots");
    ck_assert_str_eq(dk_findings_at(f, 2)->component, "empty-lb");
    ck_assert_int_eq(dk_findings_at(f, 3)->severity, DK_SEV_WARNING);
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        size_t idx = x->component ? dk_comp_index(dk_model_find(m, x->component)) + 1 : 0;
        ck_assert_int_le(x->severity, prev_sev);
        if (x->severity == prev_sev)
            ck_assert_uint_ge(idx, prev_idx);
        prev_sev = x->severity;
        prev_idx = idx;
    }
    /* empty-lb: no backend (error), unreachable (warning) */
    ck_assert_ptr_nonnull(find("no-route", "empty-lb"));
    ck_assert_ptr_nonnull(find("unreachable", "empty-lb"));
    ck_assert_ptr_nonnull(find("unreachable", "orphan"));
    ck_assert_ptr_nonnull(find("single-backend", "lb"));
    ck_assert_ptr_nonnull(find("spof", "lb"));
}
END_TEST

START_TEST(findings_deterministic)
{
    dk_findings_t *first;
    messy_model();
    validate();
    first = f;
    f = NULL;
    validate();
    ck_assert_uint_eq(dk_findings_count(first), dk_findings_count(f));
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *a = dk_findings_at(first, i), *b = dk_findings_at(f, i);
        ck_assert_str_eq(a->rule, b->rule);
        ck_assert_str_eq(a->message, b->message);
        ck_assert_str_eq(a->hint, b->hint);
        ck_assert_ptr_eq(a->component, b->component);
    }
    dk_findings_free(first);
}
END_TEST

START_TEST(validate_out_of_memory)
{
    int ok = 0;
    messy_model();
    for (long n = 0; n < 100 && !ok; n++) {
        dk_status st = DK_OK;
        dk_findings_t *g;
        dk_alloc_fail_after(n);
        g = dk_model_validate(m, &st);
        dk_alloc_fail_after(-1);
        if (g == NULL) {
            ck_assert_int_eq(st, DK_ENOMEM);
        } else {
            ok = 1;
            ck_assert_int_eq(st, DK_OK);
        }
        dk_findings_free(g);
    }
    ck_assert_int_eq(ok, 1);
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *tc = tcase_create("baseline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, clean_model_has_no_findings);
    tcase_add_test(tc, severity_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("no-client");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, no_client_warns);
    tcase_add_test(tc, empty_model_only_no_client);
    suite_add_tcase(s, tc);
    tc = tcase_create("unreachable");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unreachable_component_warns);
    tcase_add_test(tc, route_targets_count_as_reached);
    suite_add_tcase(s, tc);
    tc = tcase_create("no-route");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, client_without_link_is_an_error);
    tcase_add_test(tc, balancer_without_backend_is_an_error);
    tcase_add_test(tc, route_for_unsent_class_warns);
    suite_add_tcase(s, tc);
    tc = tcase_create("spof");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, spof_single_service_on_every_path);
    tcase_add_test(tc, spof_single_terminal_database);
    tcase_add_test(tc, spof_diamond_has_none);
    tcase_add_test(tc, spof_side_branch_is_not);
    tcase_add_test(tc, spof_skips_queues);
    suite_add_tcase(s, tc);
    tc = tcase_create("sync-cycle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sync_cycle_through_links);
    tcase_add_test(tc, sync_cycle_longest_named_shortest);
    tcase_add_test(tc, sync_cycle_through_route_targets);
    tcase_add_test(tc, sync_cycle_broken_by_queue);
    suite_add_tcase(s, tc);
    tc = tcase_create("single-backend");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, single_backend_warns);
    suite_add_tcase(s, tc);
    tc = tcase_create("order");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, findings_sorted_errors_first_then_component);
    tcase_add_test(tc, findings_deterministic);
    tcase_add_test(tc, validate_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(validate_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

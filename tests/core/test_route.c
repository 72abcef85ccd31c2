/* areas: base patterns model sim export kinds */
/* test_route.c - routes on services and queues: built-in checks, replacement, copies. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/model.h"

static dk_error err;
static dk_model_t *m;
static dk_comp_t *users, *api, *auth, *redis, *urls, *jobs;

/* A custom flow's ops: the model only stores the pointer, so nothing here runs. */
static const dk_flow_ops lua_ops = {"lua", NULL, NULL, NULL};

static void setup(void)
{
    dk_error_clear(&err);
    m = dk_model_new("m", NULL);
    users = dk_model_add(m, NULL, K_CLIENT, "users", NULL);
    api = dk_model_add(m, NULL, K_SERVICE, "api", NULL);
    auth = dk_model_add(m, NULL, K_SERVICE, "auth", NULL);
    redis = dk_model_add(m, NULL, K_CACHE, "redis", NULL);
    urls = dk_model_add(m, NULL, K_DATABASE, "urls", NULL);
    jobs = dk_model_add(m, NULL, K_QUEUE, "jobs", NULL);
}

static void teardown(void)
{
    dk_model_free(m);
}

static dk_route route2(const char *cls, dk_route_kind kind, dk_comp_t *a, dk_comp_t *b)
{
    dk_route r;
    memset(&r, 0, sizeof r);
    r.cls = cls;
    r.kind = kind;
    r.targets[0] = a;
    r.targets[1] = b;
    r.ntargets = (a != NULL) + (b != NULL);
    return r;
}

START_TEST(cache_aside_stored)
{
    char cls[] = "resolve";
    dk_route r = route2(cls, DK_ROUTE_CACHE_ASIDE, redis, urls);
    const dk_route *got;

    ck_assert_int_eq(dk_comp_set_route(api, &r, &err), DK_OK);
    cls[0] = 'X'; /* the class was copied */
    ck_assert_uint_eq(dk_comp_route_count(api), 1);
    got = dk_comp_route(api, 0);
    ck_assert_str_eq(got->cls, "resolve");
    ck_assert_int_eq(got->kind, DK_ROUTE_CACHE_ASIDE);
    ck_assert_uint_eq(got->ntargets, 2);
    ck_assert_ptr_eq(got->targets[0], redis);
    ck_assert_ptr_eq(got->targets[1], urls);
    ck_assert_ptr_null(got->targets[2]);
    ck_assert_ptr_null(dk_comp_route(api, 1));
}
END_TEST

START_TEST(call_and_default_route)
{
    dk_route r = route2("*", DK_ROUTE_CALL, auth, urls);
    ck_assert_int_eq(dk_comp_set_route(api, &r, &err), DK_OK);
    ck_assert_str_eq(dk_comp_route(api, 0)->cls, "*");
    ck_assert_uint_eq(dk_comp_route(api, 0)->ntargets, 2);
    /* a queue's consumer may route too */
    r = route2("job", DK_ROUTE_CALL, api, NULL);
    ck_assert_int_eq(dk_comp_set_route(jobs, &r, &err), DK_OK);
    ck_assert_uint_eq(dk_comp_route_count(jobs), 1);
}
END_TEST

START_TEST(custom_route_keeps_ops_and_copies_label)
{
    int data = 7;
    char label[] = "Lua handler at x.lua:12";
    dk_route r = route2("shorten", DK_ROUTE_CUSTOM, urls, NULL);
    const dk_route *got;

    r.ops = &lua_ops;
    r.data = &data;
    r.label = label;
    ck_assert_int_eq(dk_comp_set_route(api, &r, &err), DK_OK);
    label[0] = 'X';
    got = dk_comp_route(api, 0);
    ck_assert_ptr_eq(got->ops, &lua_ops);
    ck_assert_ptr_eq(got->data, &data);
    ck_assert_str_eq(got->label, "Lua handler at x.lua:12");
    /* no targets is fine for a custom route */
    r = route2("other", DK_ROUTE_CUSTOM, NULL, NULL);
    r.ops = &lua_ops;
    ck_assert_int_eq(dk_comp_set_route(api, &r, &err), DK_OK);
    ck_assert_ptr_null(dk_comp_route(api, 1)->label);
}
END_TEST

START_TEST(same_class_replaces_in_place)
{
    dk_route a = route2("read", DK_ROUTE_CALL, auth, NULL);
    dk_route b = route2("write", DK_ROUTE_CALL, urls, NULL);
    dk_route c = route2("read", DK_ROUTE_CACHE_ASIDE, redis, urls);

    ck_assert_int_eq(dk_comp_set_route(api, &a, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_route(api, &b, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_route(api, &c, &err), DK_OK);
    ck_assert_uint_eq(dk_comp_route_count(api), 2);
    ck_assert_str_eq(dk_comp_route(api, 0)->cls, "read");
    ck_assert_int_eq(dk_comp_route(api, 0)->kind, DK_ROUTE_CACHE_ASIDE);
    ck_assert_str_eq(dk_comp_route(api, 1)->cls, "write");
}
END_TEST

#define ck_fails(call, st, msg)                                                                    \
    do {                                                                                           \
        ck_assert_int_eq((call), (st));                                                            \
        ck_assert_str_eq(err.message, (msg));                                                      \
    } while (0)

START_TEST(cache_aside_checks_targets)
{
    dk_route r = route2("resolve", DK_ROUTE_CACHE_ASIDE, urls, redis);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"resolve\": cache_aside needs a cache first (got database "
             "\"urls\")");
    r = route2("resolve", DK_ROUTE_CACHE_ASIDE, redis, auth);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"resolve\": cache_aside needs a database second (got "
             "service \"auth\")");
    r = route2("resolve", DK_ROUTE_CACHE_ASIDE, redis, NULL);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"resolve\": cache_aside needs 2 targets, a cache and a "
             "database (got 1)");
    r = route2("resolve", DK_ROUTE_CACHE_ASIDE, redis, urls);
    r.targets[1] = NULL;
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"resolve\": cache_aside target 2 is missing");
    ck_assert_uint_eq(dk_comp_route_count(api), 0);
}
END_TEST

START_TEST(call_and_custom_checks)
{
    dk_route r = route2("x", DK_ROUTE_CALL, NULL, NULL);
    dk_model_t *other = dk_model_new("o", NULL);
    dk_comp_t *foreign = dk_model_add(other, NULL, K_SERVICE, "f", NULL);

    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"x\": call needs at least one target");
    r = route2("x", DK_ROUTE_CALL, users, NULL);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"x\": cannot call client \"users\" (clients only send)");
    r = route2("x", DK_ROUTE_CALL, foreign, NULL);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"x\": call target 1 is from another model");
    r = route2("x", DK_ROUTE_CUSTOM, NULL, NULL);
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"x\": custom needs flow ops");
    r = route2("x", DK_ROUTE_CALL, auth, NULL);
    r.ntargets = 5;
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route \"x\": at most 4 targets (got 5)");
    ck_assert_uint_eq(dk_comp_route_count(api), 0);
    dk_model_free(other);
}
END_TEST

START_TEST(routes_only_on_services_and_queues)
{
    dk_route r = route2("x", DK_ROUTE_CALL, urls, NULL);
    ck_fails(dk_comp_set_route(redis, &r, &err), DK_EINVAL,
             "cache \"redis\": routes are only for services and queues");
    ck_fails(dk_comp_set_route(users, &r, &err), DK_EINVAL,
             "client \"users\": routes are only for services and queues");
    r.cls = NULL;
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route: request class missing");
    r.cls = "";
    ck_fails(dk_comp_set_route(api, &r, &err), DK_EINVAL,
             "service \"api\": route: class name must not be empty");
    ck_fails(dk_comp_set_route(api, NULL, &err), DK_EINVAL, "route: route missing");
}
END_TEST

static Suite *route_suite(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("stored");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cache_aside_stored);
    tcase_add_test(tc, call_and_default_route);
    tcase_add_test(tc, custom_route_keeps_ops_and_copies_label);
    tcase_add_test(tc, same_class_replaces_in_place);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cache_aside_checks_targets);
    tcase_add_test(tc, call_and_custom_checks);
    tcase_add_test(tc, routes_only_on_services_and_queues);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(route_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

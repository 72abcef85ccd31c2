/* areas: base patterns model sim export kinds */
/* test_build.c - dk_model_build_sim: components to actors, routes to flows, links, errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kinds_fixture.h"
#include "designkit/model.h"
#include "designkit/sim.h"

#define OK(expr) ck_assert_msg((expr) == DK_OK, "%s: %s", #expr, err.message)

static dk_model_t *shortener(dk_error *errp)
{
    dk_error err;
    dk_model_t *m = dk_model_new("url-shortener", &err);
    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *lb = dk_model_add(m, NULL, K_BALANCER, "lb", &err);
    dk_comp_t *api = dk_model_add(m, NULL, K_SERVICE, "api", &err);
    dk_comp_t *redis = dk_model_add(m, NULL, K_CACHE, "redis", &err);
    dk_comp_t *urls = dk_model_add(m, NULL, K_DATABASE, "urls", &err);
    ck_assert_ptr_nonnull(urls);
    const char *classes[] = {"resolve", "shorten"};
    double w[] = {0.9, 0.1};
    OK(dk_comp_set_number(users, "rate", 2000, &err));
    OK(dk_comp_set_mix(users, "mix", classes, w, 2, &err));
    OK(dk_comp_set_dist(users, "keys", dk_dist_zipf(10000, 0.99, NULL), &err));
    OK(dk_comp_set_text(lb, "algorithm", "least_connections", &err));
    OK(dk_comp_set_number(api, "replicas", 2, &err));
    OK(dk_comp_set_number(api, "workers", 4, &err));
    OK(dk_comp_set_dist(api, "time", dk_dist_exponential(1e6, NULL), &err));
    OK(dk_comp_set_number(redis, "capacity", 1000, &err));
    OK(dk_comp_set_dist(urls, "time", dk_dist_exponential(5e6, NULL), &err));
    OK(dk_comp_set_number(urls, "workers", 16, &err));
    dk_dist_t *lat = dk_dist_constant(5e5, NULL);
    OK(dk_model_link(m, users, lb, lat, &err));
    dk_dist_free(lat);
    OK(dk_model_link(m, lb, api, NULL, &err));
    OK(dk_model_link(m, api, redis, NULL, &err));
    OK(dk_model_link(m, api, urls, NULL, &err));
    dk_route r = {
        .cls = "resolve", .kind = DK_ROUTE_CACHE_ASIDE, .targets = {redis, urls}, .ntargets = 2};
    OK(dk_comp_set_route(api, &r, &err));
    dk_route s = {.cls = "shorten", .kind = DK_ROUTE_CALL, .targets = {urls}, .ntargets = 1};
    OK(dk_comp_set_route(api, &s, &err));
    *errp = err;
    return m;
}

START_TEST(components_become_actors)
{
    dk_error err;
    dk_model_t *m = shortener(&err);
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    ck_assert_uint_eq(dk_sim_actor_count(sim), 5);
    static const char *const kinds[] = {"client", "balancer", "service", "cache", "database"};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(dk_actor_kind(dk_sim_actor(sim, i)), kinds[i]);
        ck_assert_str_eq(dk_actor_name(dk_sim_actor(sim, i)), dk_comp_name(dk_model_comp(m, i)));
    }
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(sim, "api"))->servers, 8);
    ck_assert_uint_eq(dk_actor_get_stats(dk_sim_find_actor(sim, "urls"))->servers, 16);
    ck_assert_uint_eq(dk_sim_class_count(sim), 2);
    ck_assert_str_eq(dk_sim_class_name(sim, 0), "resolve");
    ck_assert_str_eq(dk_sim_class_name(sim, 1), "shorten");
    ck_assert_uint_eq(dk_actor_out_count(dk_sim_find_actor(sim, "api")), 2);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(built_model_runs_its_routes)
{
    dk_error err;
    dk_model_t *m = shortener(&err);
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    dk_status st = dk_sim_run(sim, INT64_MAX, 20000, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(sim));
    const dk_class_stats *res = dk_sim_class_stats(sim, 0), *sho = dk_sim_class_stats(sim, 1);
    ck_assert_uint_eq(res->created + sho->created, 20000);
    ck_assert_uint_eq(res->completed + sho->completed, 20000);
    const dk_actor_stats *cache = dk_actor_get_stats(dk_sim_find_actor(sim, "redis"));
    const dk_actor_stats *db = dk_actor_get_stats(dk_sim_find_actor(sim, "urls"));
    /* Every resolve GETs the cache; every miss READs the db and SETs the cache; every shorten
     * calls the db once. */
    ck_assert_uint_eq(cache->hits + cache->misses, res->created);
    ck_assert_uint_eq(cache->arrivals, res->created + cache->misses);
    ck_assert_uint_eq(db->arrivals, cache->misses + sho->created);
    ck_assert_uint_gt(cache->hits, cache->misses); /* zipf keys: a hot head */
    /* The 0.5 ms client->lb link counts both ways. */
    ck_assert_int_ge(dk_hist_min(res->latency), 1000000);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(same_seed_same_result)
{
    dk_error err;
    dk_model_t *m = shortener(&err);
    dk_sim_t *a = dk_model_build_sim(m, 9, &err), *b = dk_model_build_sim(m, 9, &err);
    dk_sim_run(a, 2 * DK_SEC, 0, NULL, NULL);
    dk_sim_run(b, 2 * DK_SEC, 0, NULL, NULL);
    ck_assert_uint_eq(dk_sim_events(a), dk_sim_events(b));
    ck_assert(dk_hist_mean(dk_sim_class_stats(a, 0)->latency) ==
              dk_hist_mean(dk_sim_class_stats(b, 0)->latency));
    dk_sim_free(a);
    dk_sim_free(b);
    dk_model_free(m);
}
END_TEST

START_TEST(service_without_route_calls_its_links)
{
    dk_error err;
    dk_model_t *m = dk_model_new("chain", &err);
    dk_comp_t *c = dk_model_add(m, NULL, K_CLIENT, "c", &err);
    dk_comp_t *s = dk_model_add(m, NULL, K_SERVICE, "svc", &err);
    dk_comp_t *q = dk_model_add(m, NULL, K_QUEUE, "jobs", &err);
    dk_comp_t *d = dk_model_add(m, NULL, K_DATABASE, "db", &err);
    OK(dk_comp_set_number(q, "consumers", 2, &err));
    OK(dk_comp_set_number(q, "capacity", 3, &err));
    OK(dk_model_link(m, c, s, NULL, &err));
    OK(dk_model_link(m, s, q, NULL, &err));
    OK(dk_model_link(m, s, d, NULL, &err));
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    dk_actor_t *jobs = dk_sim_find_actor(sim, "jobs");
    ck_assert_str_eq(dk_actor_kind(jobs), "queue");
    ck_assert_uint_eq(dk_actor_get_stats(jobs)->servers, 2);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 300, NULL, NULL), DK_OK);
    ck_assert_str_eq(dk_sim_class_name(sim, 0), "request"); /* the model's default mix */
    const dk_actor_stats *sj = dk_actor_get_stats(jobs),
                         *sd = dk_actor_get_stats(dk_sim_find_actor(sim, "db"));
    ck_assert_uint_eq(sj->arrivals, 300);
    ck_assert_uint_eq(sd->arrivals, 300 - sj->rejected); /* a rejected call stops the flow */
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

START_TEST(client_without_target_is_named)
{
    dk_error err;
    dk_model_t *m = dk_model_new("broken", &err);
    dk_model_add(m, NULL, K_SERVICE, "api", &err);
    dk_model_add(m, NULL, K_CLIENT, "mobile", &err);
    ck_assert_ptr_null(dk_model_build_sim(m, 1, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "client \"mobile\": has no target (link it to a balancer or a service)");
    dk_model_free(m);
    ck_assert_ptr_null(dk_model_build_sim(NULL, 1, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
}
END_TEST

/* A custom route: ops and data pass through untouched, and the station frees nothing the ops do
 * not say (destroy NULL here: the data is the test's). */
static int custom_steps;
static dk_flow_result custom_step(void *data, dk_flow_ctx *ctx)
{
    (void)ctx;
    ck_assert_ptr_eq(data, &custom_steps);
    custom_steps++;
    return DK_FLOW_OK;
}
static const dk_flow_ops custom_ops = {"lua", custom_step, NULL, NULL};

START_TEST(custom_route_passes_through)
{
    dk_error err;
    dk_model_t *m = dk_model_new("custom", &err);
    dk_comp_t *c = dk_model_add(m, NULL, K_CLIENT, "c", &err);
    dk_comp_t *s = dk_model_add(m, NULL, K_SERVICE, "svc", &err);
    OK(dk_model_link(m, c, s, NULL, &err));
    dk_route r = {.cls = "*",
                  .kind = DK_ROUTE_CUSTOM,
                  .label = "handler at x.lua:3",
                  .ops = &custom_ops,
                  .data = &custom_steps};
    OK(dk_comp_set_route(s, &r, &err));
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    custom_steps = 0;
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 50, NULL, NULL), DK_OK);
    ck_assert_int_eq(custom_steps, 50);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("build");
    TCase *map = tcase_create("mapping");
    tcase_set_timeout(map, 60);
    tcase_add_test(map, components_become_actors);
    tcase_add_test(map, built_model_runs_its_routes);
    tcase_add_test(map, same_seed_same_result);
    tcase_add_test(map, service_without_route_calls_its_links);
    tcase_add_test(map, custom_route_passes_through);
    suite_add_tcase(s, map);
    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, client_without_target_is_named);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

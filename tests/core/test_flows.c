/* areas: base patterns model sim */
/* test_flows.c - the built-in flows: cache-aside and call-each, their failures, routing by class.
 */
#include <check.h>
#include <stdlib.h>
#include "designkit/sim.h"

static dk_sim_t *sim;
static dk_actor_t *client, *api, *cache, *db;
static dk_dist_t *keys, *fast;

/* client -> api (cache_aside over cache, db); service times 10 us, far below the gaps. */
static void build(double rate, dk_dist_t *k, uint32_t db_servers, uint32_t db_queue, double db_time)
{
    dk_error err;
    sim = dk_sim_new(31, NULL);
    keys = k;
    fast = dk_dist_constant(1e4, NULL);
    dk_client_config cc = {.rate = rate, .poisson = 1, .keys = k};
    client = dk_sim_add_client(sim, "users", &cc, &err);
    dk_station_config sc = {.servers = 4, .service = fast};
    api = dk_sim_add_station(sim, "api", NULL, &sc, &err);
    dk_cache_config cfg = {.station = {.servers = 0, .service = fast}, .capacity = 100};
    cache = dk_sim_add_cache(sim, "redis", &cfg, &err);
    dk_dist_t *dbt = dk_dist_constant(db_time, NULL);
    dk_station_config dc = {.servers = db_servers, .queue_limit = db_queue, .service = dbt};
    db = dk_sim_add_station(sim, "db", "database", &dc, &err);
    dk_dist_free(dbt);
    dk_sim_link(sim, client, api, NULL, &err);
    dk_sim_link(sim, api, cache, NULL, &err);
    dk_sim_link(sim, api, db, NULL, &err);
    dk_flow f;
    ck_assert_int_eq(dk_flow_cache_aside(cache, db, &f), DK_OK);
    ck_assert_int_eq(dk_station_route(api, UINT32_MAX, f, &err), DK_OK);
}

static void teardown(void)
{
    dk_sim_free(sim);
    dk_dist_free(keys);
    dk_dist_free(fast);
}

START_TEST(cache_aside_one_key)
{
    build(10, dk_dist_constant(7, NULL), 1, 0, 1e5);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 1000, NULL, NULL), DK_OK);
    const dk_actor_stats *c = dk_actor_get_stats(cache), *d = dk_actor_get_stats(db);
    ck_assert_uint_eq(d->arrivals, 1);    /* the first request reads the db ... */
    ck_assert_uint_eq(c->misses, 1);      /* ... after its miss */
    ck_assert_uint_eq(c->hits, 999);      /* every later one hits */
    ck_assert_uint_eq(c->arrivals, 1001); /* 1000 GETs and one SET */
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 1000);
    /* A hit costs api + cache service (20 us); the miss adds db read + cache set (110 us). */
    const dk_hist_t *lat = dk_sim_class_stats(sim, 0)->latency;
    ck_assert_int_eq(dk_hist_min(lat), 20000);
    ck_assert_int_eq(dk_hist_max(lat), 130000);
    teardown();
}
END_TEST

START_TEST(cache_aside_reads_each_key_once)
{
    /* Keys 1..50, a cache that holds them all, requests far apart: the db sees each key once
     * (2000 draws miss none of 50 keys with probability 1 - 50 (49/50)^2000 ~ 1 - 1e-16). */
    build(10, dk_dist_uniform(0.5, 50.5, NULL), 1, 0, 1e5);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 2000, NULL, NULL), DK_OK);
    const dk_actor_stats *c = dk_actor_get_stats(cache), *d = dk_actor_get_stats(db);
    ck_assert_uint_eq(d->arrivals, 50);
    ck_assert_uint_eq(c->misses, 50);
    ck_assert_uint_eq(c->hits, 1950);
    teardown();
}
END_TEST

START_TEST(cache_aside_db_rejections_fail_requests)
{
    /* Unique keys (every request misses) into a db that holds 1 + 1 calls and takes 10 ms, at
     * 1000/s: most READs are rejected, and each rejection fails exactly one request. */
    build(1000, dk_dist_uniform(0, 1e15, NULL), 1, 1, 1e7);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 5000, NULL, NULL), DK_OK);
    const dk_actor_stats *d = dk_actor_get_stats(db);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_gt(d->rejected, 4000);
    ck_assert_uint_eq(cs->failed, d->rejected);
    ck_assert_uint_eq(cs->completed, d->completed);
    ck_assert_uint_eq(dk_actor_get_stats(api)->failed, d->rejected);
    teardown();
}
END_TEST

/* ---- call_each ---- */

START_TEST(call_each_in_sequence)
{
    dk_error err;
    dk_sim_t *s = dk_sim_new(1, NULL);
    dk_dist_t *t05 = dk_dist_constant(5e5, NULL), *t1 = dk_dist_constant(1e6, NULL),
              *t2 = dk_dist_constant(2e6, NULL);
    dk_client_config cc = {.rate = 100};
    dk_actor_t *cl = dk_sim_add_client(s, "c", &cc, &err);
    dk_station_config sc = {.servers = 0, .service = t05};
    dk_actor_t *svc = dk_sim_add_station(s, "svc", NULL, &sc, &err);
    dk_station_config ac = {.servers = 0, .service = t1}, bc = {.servers = 0, .service = t2};
    dk_actor_t *t[2] = {dk_sim_add_station(s, "a", NULL, &ac, &err),
                        dk_sim_add_station(s, "b", NULL, &bc, &err)};
    dk_sim_link(s, cl, svc, NULL, &err);
    dk_flow f;
    ck_assert_int_eq(dk_flow_call_each(t, 2, &f), DK_OK);
    ck_assert_int_eq(dk_station_route(svc, UINT32_MAX, f, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(s, INT64_MAX, 500, NULL, NULL), DK_OK);
    const dk_hist_t *lat = dk_sim_class_stats(s, 0)->latency;
    ck_assert_int_eq(dk_hist_min(lat), 3500000); /* 0.5 + 1 + 2 ms, one after the other */
    ck_assert_int_eq(dk_hist_max(lat), 3500000);
    ck_assert_uint_eq(dk_actor_get_stats(t[0])->arrivals, 500);
    ck_assert_uint_eq(dk_actor_get_stats(t[1])->arrivals, 500);
    /* The worker stays busy through the sub-calls: 500 calls x 3.5 ms of occupancy. */
    ck_assert(dk_actor_get_stats(svc)->busy_area == 500 * 3.5e6);
    dk_sim_free(s);
    dk_dist_free(t05);
    dk_dist_free(t1);
    dk_dist_free(t2);
}
END_TEST

START_TEST(call_each_stops_at_a_failure)
{
    dk_error err;
    dk_sim_t *s = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 100};
    dk_actor_t *cl = dk_sim_add_client(s, "c", &cc, &err);
    dk_station_config sc = {.servers = 1};
    dk_actor_t *svc = dk_sim_add_station(s, "svc", NULL, &sc, &err);
    dk_actor_t *t[2] = {dk_sim_add_balancer(s, "empty-lb", DK_LB_ROUND_ROBIN, &err),
                        dk_sim_add_station(s, "never", NULL, &sc, &err)};
    dk_sim_link(s, cl, svc, NULL, &err);
    dk_sim_link(s, svc, t[0], NULL, &err);
    dk_sim_link(s, svc, t[1], NULL, &err);
    dk_flow f;
    dk_flow_call_each(t, 2, &f);
    dk_station_route(svc, UINT32_MAX, f, &err);
    ck_assert_int_eq(dk_sim_run(s, DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_sim_class_stats(s, 0)->failed, 100);
    ck_assert_uint_eq(dk_actor_get_stats(svc)->failed, 100);
    ck_assert_uint_eq(dk_sim_link_calls(svc, t[1]), 0);
    dk_sim_free(s);
}
END_TEST

START_TEST(routes_by_class)
{
    /* Class "write" goes through call_each(db); class "read" has no route and is answered at
     * once. */
    dk_error err;
    dk_sim_t *s = dk_sim_new(2, NULL);
    uint32_t rd, wr;
    dk_sim_add_class(s, "read", &rd);
    dk_sim_add_class(s, "write", &wr);
    double mix[] = {3, 1};
    dk_client_config cc = {.rate = 1000, .poisson = 1, .mix = mix, .mix_len = 2};
    dk_actor_t *cl = dk_sim_add_client(s, "c", &cc, &err);
    dk_station_config sc = {.servers = 0};
    dk_actor_t *svc = dk_sim_add_station(s, "svc", NULL, &sc, &err);
    dk_actor_t *d = dk_sim_add_station(s, "db", "database", &sc, &err);
    dk_sim_link(s, cl, svc, NULL, &err);
    dk_flow f;
    dk_flow_call_each(&d, 1, &f);
    ck_assert_int_eq(dk_station_route(svc, wr, f, &err), DK_OK);
    /* Replacing a route frees the old flow (valgrind would see a leak otherwise). */
    dk_flow_call_each(&d, 1, &f);
    ck_assert_int_eq(dk_station_route(svc, wr, f, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(s, 10 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(d)->arrivals, dk_sim_class_stats(s, wr)->created);
    ck_assert_uint_gt(dk_sim_class_stats(s, rd)->created, 2 * dk_sim_class_stats(s, wr)->created);
    dk_sim_free(s);
}
END_TEST

START_TEST(bad_input)
{
    dk_flow f;
    dk_actor_t *none[1] = {NULL};
    ck_assert_int_eq(dk_flow_cache_aside(NULL, NULL, &f), DK_EINVAL);
    ck_assert_int_eq(dk_flow_call_each(none, 1, &f), DK_EINVAL);
    ck_assert_int_eq(dk_flow_call_each(NULL, 2, &f), DK_EINVAL);
    ck_assert_int_eq(dk_flow_call_each(NULL, 0, NULL), DK_EINVAL);
    /* Zero targets: a flow that answers at once. */
    ck_assert_int_eq(dk_flow_call_each(NULL, 0, &f), DK_OK);
    ck_assert_str_eq(f.ops->name, "call_each");
    f.ops->destroy(f.data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("flows");
    TCase *ca = tcase_create("cache_aside");
    tcase_set_timeout(ca, 60);
    tcase_add_test(ca, cache_aside_one_key);
    tcase_add_test(ca, cache_aside_reads_each_key_once);
    tcase_add_test(ca, cache_aside_db_rejections_fail_requests);
    suite_add_tcase(s, ca);
    TCase *ce = tcase_create("call_each");
    tcase_add_test(ce, call_each_in_sequence);
    tcase_add_test(ce, call_each_stops_at_a_failure);
    tcase_add_test(ce, routes_by_class);
    tcase_add_test(ce, bad_input);
    suite_add_tcase(s, ce);
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

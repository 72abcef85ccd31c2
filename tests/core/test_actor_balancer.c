/* areas: base patterns model sim */
/* test_actor_balancer.c - the balancer actor: spreading, relaying statuses, no backends, keyed
 * algorithms following the request's key. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "designkit/sim.h"

static dk_sim_t *sim;
static dk_actor_t *client, *lb, *backend[3];
static dk_dist_t *svc[3];

/* client -> lb -> 3 single-server stations with the given mean service times (exponential). */
static void build(dk_lb_algorithm alg, const double mean[3], uint32_t qlimit, double rate)
{
    static const char *const names[] = {"b0", "b1", "b2"};
    dk_error err;
    sim = dk_sim_new(23, NULL);
    dk_client_config cc = {.rate = rate, .poisson = 1};
    client = dk_sim_add_client(sim, "c", &cc, &err);
    lb = dk_sim_add_balancer(sim, "lb", alg, &err);
    ck_assert_ptr_nonnull(lb);
    ck_assert_str_eq(dk_actor_kind(lb), "balancer");
    dk_sim_link(sim, client, lb, NULL, &err);
    for (int i = 0; i < 3; i++) {
        svc[i] = dk_dist_exponential(mean[i], NULL);
        dk_station_config sc = {.servers = 1, .queue_limit = qlimit, .service = svc[i]};
        backend[i] = dk_sim_add_station(sim, names[i], NULL, &sc, &err);
        dk_sim_link(sim, lb, backend[i], NULL, &err);
    }
}

/* As build, with a client whose every request touches key `key` (or keys 1..1000 when 0). */
static dk_dist_t *keys;
static void build_keyed(dk_lb_algorithm alg, uint64_t key)
{
    static const char *const names[] = {"b0", "b1", "b2"};
    dk_error err;
    sim = dk_sim_new(23, NULL);
    keys = key ? dk_dist_constant((double)key, NULL) : dk_dist_zipf(1000, 0.01, NULL);
    dk_client_config cc = {.rate = 1000, .poisson = 1, .keys = keys};
    client = dk_sim_add_client(sim, "c", &cc, &err);
    lb = dk_sim_add_balancer(sim, "lb", alg, &err);
    dk_sim_link(sim, client, lb, NULL, &err);
    for (int i = 0; i < 3; i++) {
        svc[i] = dk_dist_exponential(1e5, NULL);
        dk_station_config sc = {.servers = 4, .service = svc[i]};
        backend[i] = dk_sim_add_station(sim, names[i], NULL, &sc, &err);
        dk_sim_link(sim, lb, backend[i], NULL, &err);
    }
}

static void teardown(void)
{
    dk_sim_free(sim);
    for (int i = 0; i < 3; i++)
        dk_dist_free(svc[i]);
}

START_TEST(round_robin_spreads_evenly)
{
    const double mean[3] = {1e6, 1e6, 1e6};
    build(DK_LB_ROUND_ROBIN, mean, 0, 1500);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 30000, NULL, NULL), DK_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(dk_actor_get_stats(backend[i])->arrivals, 10000);
    ck_assert_uint_eq(dk_actor_get_stats(lb)->completed, 30000);
    teardown();
}
END_TEST

START_TEST(least_connections_favours_the_fast)
{
    /* One backend 4x faster than the others: least connections sends it more than a third,
     * round robin exactly a third. */
    const double mean[3] = {2.5e5, 1e6, 1e6};
    build(DK_LB_LEAST_CONNECTIONS, mean, 0, 1500);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 30000, NULL, NULL), DK_OK);
    uint64_t fast = dk_actor_get_stats(backend[0])->arrivals;
    ck_assert_msg(fast > 12000, "fast backend got %llu of 30000", (unsigned long long)fast);
    double lc_mean = dk_hist_mean(dk_sim_class_stats(sim, 0)->latency);
    teardown();

    build(DK_LB_ROUND_ROBIN, mean, 0, 1500);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 30000, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(backend[0])->arrivals, 10000);
    double rr_mean = dk_hist_mean(dk_sim_class_stats(sim, 0)->latency);
    ck_assert_msg(lc_mean < rr_mean, "least connections %.0f ns vs round robin %.0f ns", lc_mean,
                  rr_mean);
    teardown();
}
END_TEST

/* Every keyed algorithm sends one key to one backend; many keys reach all three. */
START_TEST(keyed_algorithms_follow_the_key)
{
    for (int a = 0; dk_lb_algorithm_names[a] != NULL; a++) {
        if (!dk_lb_algorithm_keyed((dk_lb_algorithm)a))
            continue;
        for (int many = 0; many < 2; many++) {
            build_keyed((dk_lb_algorithm)a, many ? 0 : 77);
            ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 3000, NULL, NULL), DK_OK);
            int used = 0;
            for (int i = 0; i < 3; i++)
                used += dk_actor_get_stats(backend[i])->arrivals > 0;
            ck_assert_msg(used == (many ? 3 : 1), "%s: %d backends used", dk_lb_algorithm_names[a],
                          used);
            teardown();
            dk_dist_free(keys);
        }
    }
}
END_TEST

START_TEST(random_is_roughly_even)
{
    const double mean[3] = {1e5, 1e5, 1e5};
    build(DK_LB_RANDOM, mean, 0, 1000);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 30000, NULL, NULL), DK_OK);
    double chi2 = 0;
    for (int i = 0; i < 3; i++) {
        double d = (double)dk_actor_get_stats(backend[i])->arrivals - 10000;
        chi2 += d * d / 10000;
    }
    ck_assert_msg(chi2 < 13.82, "chi-square %.2f (2 dof, 0.999 quantile 13.82)", chi2);
    teardown();
}
END_TEST

START_TEST(rejections_are_relayed)
{
    /* Overloaded backends with tiny queues: the lb answers what the backend answered. */
    const double mean[3] = {1e6, 1e6, 1e6};
    build(DK_LB_ROUND_ROBIN, mean, 1, 6000);
    ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 20000, NULL, NULL), DK_OK);
    uint64_t rejected = 0;
    for (int i = 0; i < 3; i++)
        rejected += dk_actor_get_stats(backend[i])->rejected;
    ck_assert_uint_gt(rejected, 1000);
    ck_assert_uint_eq(dk_actor_get_stats(lb)->rejected, rejected);
    ck_assert_uint_eq(dk_actor_get_stats(client)->rejected, rejected);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->failed, rejected);
    teardown();
}
END_TEST

START_TEST(no_backend_fails_every_call)
{
    dk_error err;
    sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 100};
    client = dk_sim_add_client(sim, "c", &cc, &err);
    lb = dk_sim_add_balancer(sim, "lb", DK_LB_RANDOM, &err);
    dk_sim_link(sim, client, lb, NULL, &err);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_actor_get_stats(lb)->failed, 100);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->failed, 100);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 0);
    dk_sim_free(sim);
}
END_TEST

START_TEST(bad_algorithm)
{
    dk_error err;
    sim = dk_sim_new(1, NULL);
    ck_assert_ptr_null(dk_sim_add_balancer(sim, "lb", (dk_lb_algorithm)42, &err));
    ck_assert_str_eq(err.message, "balancer \"lb\": unknown algorithm 42");
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("actor_balancer");
    TCase *spread = tcase_create("spreading");
    tcase_set_timeout(spread, 60);
    tcase_add_test(spread, round_robin_spreads_evenly);
    tcase_add_test(spread, least_connections_favours_the_fast);
    tcase_add_test(spread, random_is_roughly_even);
    tcase_add_test(spread, keyed_algorithms_follow_the_key);
    suite_add_tcase(s, spread);
    TCase *st = tcase_create("statuses");
    tcase_add_test(st, rejections_are_relayed);
    tcase_add_test(st, no_backend_fails_every_call);
    tcase_add_test(st, bad_algorithm);
    suite_add_tcase(s, st);
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

/* areas: base patterns model sim */
/* test_station_instances.c - how a station's workers meet its calls: held or released while a
 * call waits downstream (Jackson's tandem network), and replicas as separate queues (M/M/c per
 * replica) against one pooled queue (M/M/rc). Every reference value is computed here. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/sim.h"

#include "queueing_formulas.h"

#define MS 1e6 /* ns */

/* A mean and its standard error over independent seeded replications. */
typedef struct estimate {
    double mean, se;
} estimate;

static estimate over_runs(const double *x, int n)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++)
        sq += (x[i] - mean) * (x[i] - mean);
    return (estimate){mean, sqrt(sq / (n - 1) / n)};
}

/* The estimate agrees with `want` within four standard errors, and the standard error is small
 * enough (under `max_rel` of the value) that agreement means something. */
static void assert_agrees(estimate e, double want, double max_rel, const char *what)
{
    ck_assert_msg(e.se < max_rel * want, "%s: standard error %.4g too large for %.4g", what, e.se,
                  want);
    ck_assert_msg(fabs(e.mean - want) < 4 * e.se, "%s: %.6g, want %.6g (standard error %.3g)", what,
                  e.mean, want, e.se);
}

static dk_sim_t *new_sim(uint64_t seed, double rate, dk_actor_t **client)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(seed, NULL);
    ck_assert_ptr_nonnull(sim);
    dk_client_config cc = {.rate = rate, .poisson = 1};
    *client = dk_sim_add_client(sim, "clients", &cc, &err);
    ck_assert_ptr_nonnull(*client);
    return sim;
}

static dk_actor_t *add_station(dk_sim_t *sim, const char *name, const dk_station_config *sc)
{
    dk_error err;
    dk_actor_t *a = dk_sim_add_station(sim, name, "service", sc, &err);
    ck_assert_msg(a != NULL, "%s: %s", name, err.message);
    return a;
}

static void run_to(dk_sim_t *sim, uint64_t requests)
{
    dk_status st = dk_sim_run(sim, INT64_MAX, requests, NULL, NULL);
    ck_assert_msg(st == DK_OK, "run failed: %s", dk_sim_error(sim));
}

static double fraction(const dk_actor_t *a, double area, const dk_sim_t *sim)
{
    return area / ((double)dk_actor_get_stats(a)->servers * (double)dk_sim_end_time(sim));
}

/* ---- held or released while waiting: the tandem ---- */

typedef struct tandem {
    double e2e_ms;        /* mean end to end */
    double front_work;    /* the front station's own work over its capacity */
    double front_waiting; /* its workers' time held waiting on the back station */
    double back_ms;       /* the back station's mean response */
} tandem;

/* Poisson 500/s into a front station (exponential, 1000/s per worker) that forwards every call
 * to a back station (one worker, exponential, 800/s) and answers once the back station has. */
static tandem run_tandem(uint64_t seed, uint32_t front_workers, int event_loop, uint64_t requests)
{
    dk_actor_t *client;
    dk_error err;
    dk_sim_t *sim = new_sim(seed, 500, &client);
    dk_dist_t *front_time = dk_dist_exponential(1 * MS, NULL);
    dk_dist_t *back_time = dk_dist_exponential(1.25 * MS, NULL);
    dk_station_config fc = {
        .servers = front_workers, .service = front_time, .event_loop = event_loop};
    dk_station_config bc = {.servers = 1, .service = back_time};
    dk_actor_t *front = add_station(sim, "front", &fc);
    dk_actor_t *back = add_station(sim, "back", &bc);
    ck_assert_int_eq(dk_sim_link(sim, client, front, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link(sim, front, back, NULL, &err), DK_OK);
    dk_flow forward;
    ck_assert_int_eq(dk_flow_call_each(&back, 1, &forward), DK_OK);
    ck_assert_int_eq(dk_station_route(front, UINT32_MAX, forward, &err), DK_OK);
    run_to(sim, requests);

    const dk_actor_stats *fs = dk_actor_get_stats(front);
    tandem t = {
        .e2e_ms = dk_hist_mean(dk_sim_class_stats(sim, 0)->latency) / MS,
        .front_work = fraction(front, fs->busy_area - fs->waiting_area, sim),
        .front_waiting = fraction(front, fs->waiting_area, sim),
        .back_ms = dk_hist_mean(dk_actor_get_stats(back)->latency) / MS,
    };
    ck_assert_uint_eq(fs->waiting, 0); /* the run drained */
    dk_metrics mx;
    dk_actor_metrics(front, dk_sim_end_time(sim), &mx);
    double held = -1, util = -1;
    ck_assert(dk_metrics_get(&mx, DK_METRIC_HELD, &held));
    ck_assert(dk_metrics_get(&mx, DK_METRIC_UTILISATION, &util));
    ck_assert_double_eq_tol(held, t.front_waiting, 1e-12);
    ck_assert_double_eq_tol(util, t.front_work, 1e-12);
    dk_sim_free(sim);
    dk_dist_free(front_time);
    dk_dist_free(back_time);
    return t;
}

START_TEST(event_loop_tandem_is_jackson)
{
    /* Released while it waits, the front worker serves only its own 1 ms: two M/M/1 queues in
     * tandem, and by Jackson's theorem the mean time through is the sum of their responses,
     * 1 / (1000 - 500) + 1 / (800 - 500) s = 5.3333 ms. */
    const double want = 1e3 / (1000 - 500) + 1e3 / (800 - 500);
    enum { RUNS = 10 };
    double e2e[RUNS], work[RUNS];
    for (int i = 0; i < RUNS; i++) {
        tandem t = run_tandem(100 + (uint64_t)i, 1, 1, 400000);
        e2e[i] = t.e2e_ms;
        work[i] = t.front_work;
        ck_assert_double_eq(t.front_waiting, 0); /* nothing held */
    }
    assert_agrees(over_runs(e2e, RUNS), want, 0.01, "tandem end to end (ms)");
    assert_agrees(over_runs(work, RUNS), 0.5, 0.01, "front utilisation, own work");
}
END_TEST

START_TEST(threads_hold_their_worker_while_waiting)
{
    /* Thread per request: a front worker is held through the back station's response too. With
     * one worker the front could not keep up (1 ms of its own plus at least 1.25 ms held per
     * call), so it has four. By Little's law its own work is 500/s x 1 ms over 4 workers, and
     * the time held is 500/s x the back station's mean response over 4 workers. With one
     * worker, the same design released while waiting is Jackson's tandem; held, it is slower. */
    const double jackson = 1e3 / (1000 - 500) + 1e3 / (800 - 500);
    tandem t = run_tandem(7, 4, 0, 400000);
    ck_assert_double_eq_tol(t.front_work, 0.5 / 4, 0.002);
    ck_assert_double_eq_tol(t.front_waiting, 0.5 * t.back_ms / 4, 0.002);
    ck_assert_double_gt(t.front_waiting, 0.5 * 1.25 / 4);
    tandem one = run_tandem(8, 1, 0, 100000); /* overloaded: the cap on requests ends it */
    ck_assert_msg(one.e2e_ms > 10 * jackson, "threads %.4f ms vs Jackson %.4f ms", one.e2e_ms,
                  jackson);
}
END_TEST

/* ---- replicas: separate queues or one pool ---- */

/* Mean response of M/M/c with arrival rate lambda and service rate mu (per ms). */
static double mmc_response_ms(int c, double lambda, double mu)
{
    double a = lambda / mu;
    return erlang_c(c, a) / (c * mu - lambda) + 1 / mu;
}

#define REPLICA_RATE 700.0 /* per s, over both replicas */
#define REPLICA_SERVICE_MS 2.5

/* Poisson arrivals into 2 replicas of 2 workers (exponential 2.5 ms): rho = 0.875. */
static double replicas_response_ms(uint64_t seed, uint32_t replicas, uint32_t workers,
                                   dk_lb_algorithm dispatch, uint64_t requests)
{
    dk_actor_t *client;
    dk_error err;
    dk_sim_t *sim = new_sim(seed, REPLICA_RATE, &client);
    dk_dist_t *service = dk_dist_exponential(REPLICA_SERVICE_MS * MS, NULL);
    dk_station_config sc = {
        .servers = workers, .service = service, .replicas = replicas, .dispatch = dispatch};
    dk_actor_t *api = add_station(sim, "api", &sc);
    ck_assert_int_eq(dk_sim_link(sim, client, api, NULL, &err), DK_OK);
    run_to(sim, requests);
    ck_assert_uint_eq(dk_actor_get_stats(api)->servers, replicas * workers);
    double ms = dk_hist_mean(dk_actor_get_stats(api)->latency) / MS;
    dk_sim_free(sim);
    dk_dist_free(service);
    return ms;
}

START_TEST(random_replicas_are_separate_mm2_queues)
{
    /* A random split of a Poisson stream is Poisson: each replica is an M/M/2 queue at half the
     * rate. One pooled queue of four workers is M/M/4, much faster at this load. */
    const double lambda = REPLICA_RATE / 1e3, mu = 1 / REPLICA_SERVICE_MS;
    const double separate = mmc_response_ms(2, lambda / 2, mu);
    const double pooled = mmc_response_ms(4, lambda, mu);
    enum { RUNS = 8 };
    double sep[RUNS], pool[RUNS];
    for (int i = 0; i < RUNS; i++) {
        sep[i] = replicas_response_ms(200 + (uint64_t)i, 2, 2, DK_LB_RANDOM, 300000);
        pool[i] = replicas_response_ms(300 + (uint64_t)i, 1, 4, DK_LB_RANDOM, 300000);
    }
    assert_agrees(over_runs(sep, RUNS), separate, 0.02, "2 x M/M/2 (ms)");
    assert_agrees(over_runs(pool, RUNS), pooled, 0.02, "M/M/4 (ms)");
    ck_assert_double_gt(separate, 1.1 * pooled);
}
END_TEST

START_TEST(smarter_dispatch_lies_between)
{
    /* Round robin evens out the arrivals each replica sees, and least connections also looks
     * at their queues: both beat a random split, and none beats one pooled queue. */
    const double lambda = REPLICA_RATE / 1e3, mu = 1 / REPLICA_SERVICE_MS;
    const double separate = mmc_response_ms(2, lambda / 2, mu);
    const double pooled = mmc_response_ms(4, lambda, mu);
    double rr = replicas_response_ms(5, 2, 2, DK_LB_ROUND_ROBIN, 600000);
    double lc = replicas_response_ms(6, 2, 2, DK_LB_LEAST_CONNECTIONS, 600000);
    ck_assert_msg(rr < 0.95 * separate && rr > pooled, "round robin %.3f ms", rr);
    ck_assert_msg(lc < rr && lc > 0.98 * pooled, "least connections %.3f ms", lc);
}
END_TEST

START_TEST(each_replica_bounds_its_own_queue)
{
    /* Two replicas of one worker, each allowing one waiting call, and a burst of six calls at
     * once dealt round robin: each replica serves one, holds one and rejects one. */
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 1e12, .poisson = 0};
    dk_actor_t *client = dk_sim_add_client(sim, "burst", &cc, &err);
    dk_dist_t *service = dk_dist_constant(1 * MS, NULL);
    dk_station_config sc = {.servers = 1,
                            .queue_limit = 1,
                            .service = service,
                            .replicas = 2,
                            .dispatch = DK_LB_ROUND_ROBIN};
    dk_actor_t *api = add_station(sim, "api", &sc);
    ck_assert_int_eq(dk_sim_link(sim, client, api, NULL, &err), DK_OK);
    run_to(sim, 6);
    const dk_actor_stats *s = dk_actor_get_stats(api);
    ck_assert_uint_eq(s->arrivals, 6);
    ck_assert_uint_eq(s->completed, 4);
    ck_assert_uint_eq(s->rejected, 2);
    dk_sim_free(sim);
    dk_dist_free(service);
}
END_TEST

START_TEST(bad_dispatch_is_refused)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_station_config sc = {.servers = 1, .replicas = 3, .dispatch = (dk_lb_algorithm)42};
    ck_assert_ptr_null(dk_sim_add_station(sim, "api", "service", &sc, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "api"));
    ck_assert_ptr_nonnull(strstr(err.message, "dispatch"));
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("station instances");
    TCase *tc = tcase_create("waiting");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, event_loop_tandem_is_jackson);
    tcase_add_test(tc, threads_hold_their_worker_while_waiting);
    suite_add_tcase(s, tc);
    tc = tcase_create("replicas");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_replicas_are_separate_mm2_queues);
    tcase_add_test(tc, smarter_dispatch_lies_between);
    tcase_add_test(tc, each_replica_bounds_its_own_queue);
    tcase_add_test(tc, bad_dispatch_is_refused);
    suite_add_tcase(s, tc);
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

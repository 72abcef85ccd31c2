/* areas: base patterns model sim */
/* test_actor_station.c - the station against queueing theory (M/M/1, M/M/c, M/M/1/K, M/D/1). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/sim.h"

#include "queueing_formulas.h"

#define MEAN_SERVICE 1e6 /* 1 ms: large enough that rounding draws to whole ns is negligible */

typedef struct run {
    dk_sim_t *sim;
    dk_actor_t *client, *station;
    dk_dist_t *service;
} run;

/* A client with Poisson arrivals at `rate`/s straight into one station; runs `n` requests to
 * completion (the run drains, so every integral covers the whole busy history). */
static run mm(uint64_t seed, double rate, dk_dist_t *service, uint32_t servers, uint32_t qlimit,
              uint64_t n)
{
    run r = {0};
    dk_error err;
    r.service = service;
    r.sim = dk_sim_new(seed, NULL);
    ck_assert_ptr_nonnull(r.sim);
    dk_client_config cc = {.rate = rate, .poisson = 1};
    r.client = dk_sim_add_client(r.sim, "clients", &cc, &err);
    ck_assert_ptr_nonnull(r.client);
    dk_station_config sc = {.servers = servers, .queue_limit = qlimit, .service = service};
    r.station = dk_sim_add_station(r.sim, "server", "service", &sc, &err);
    ck_assert_ptr_nonnull(r.station);
    ck_assert_int_eq(dk_sim_link(r.sim, r.client, r.station, NULL, &err), DK_OK);
    dk_status st = dk_sim_run(r.sim, INT64_MAX, n, NULL, NULL);
    ck_assert_msg(st == DK_OK, "run failed: %s", dk_sim_error(r.sim));
    return r;
}

static void done(run *r)
{
    dk_sim_free(r->sim);
    dk_dist_free(r->service);
}

static void assert_rel(double got, double want, double tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= tol * fabs(want), "%s: got %.6g, want %.6g (within %.1f%%)",
                  what, got, want, tol * 100);
}

START_TEST(mm1_response_is_five_service_times)
{
    /* rho = 0.8: W = 1 / (mu - lambda) = 5 / mu. */
    run r = mm(1, 800, dk_dist_exponential(MEAN_SERVICE, NULL), 1, 0, 2000000);
    const dk_class_stats *cs = dk_sim_class_stats(r.sim, 0);
    ck_assert_uint_eq(cs->completed, 2000000);
    assert_rel(dk_hist_mean(cs->latency), 5 * MEAN_SERVICE, 0.03, "M/M/1 mean response");
    /* The station's own histogram measures the same spans (no link latency). */
    assert_rel(dk_hist_mean(dk_actor_get_stats(r.station)->latency), dk_hist_mean(cs->latency),
               1e-9, "station vs end-to-end");
    const dk_actor_stats *s = dk_actor_get_stats(r.station);
    double util = s->busy_area / (s->servers * (double)dk_sim_end_time(r.sim));
    assert_rel(util, 0.8, 0.01, "M/M/1 utilisation");
    done(&r);
}
END_TEST

START_TEST(mm3_matches_erlang_c)
{
    double lambda = 2.4, mu = 1; /* per ms */
    double c = erlang_c(3, lambda / mu);
    double w = c / (3 * mu - lambda) + 1 / mu;
    assert_rel(w, 2.0787, 0.0001, "Erlang C formula vs the published value");
    run r = mm(2, lambda * 1000, dk_dist_exponential(MEAN_SERVICE, NULL), 3, 0, 2000000);
    const dk_class_stats *cs = dk_sim_class_stats(r.sim, 0);
    double got = dk_hist_mean(cs->latency);
    assert_rel(got, w * MEAN_SERVICE, 0.03, "M/M/3 mean response");
    assert_rel(got, 2.0787 * MEAN_SERVICE, 0.03, "M/M/3 mean response vs 2.0787 ms");

    /* Little's law on the same run: L (time-average in the system, from the integrals) equals
     * lambda (measured) times W (measured). */
    const dk_actor_stats *s = dk_actor_get_stats(r.station);
    double t = (double)dk_sim_end_time(r.sim);
    double l = (s->busy_area + s->queue_area) / t;
    double lam = (double)s->arrivals / t;
    assert_rel(l, lam * got, 0.01, "Little's law L = lambda W");
    assert_rel(s->busy_area / (3.0 * t), 0.8, 0.01, "M/M/3 utilisation");
    /* Queue length alone against Erlang C: Lq = C * rho / (1 - rho). */
    assert_rel(s->queue_area / t, c * 0.8 / 0.2, 0.05, "M/M/3 mean queue length");
    done(&r);
}
END_TEST

START_TEST(mm1k_blocking_probability)
{
    /* K = 5 in the system (1 in service + 4 waiting), rho = 0.9:
     * P_K = (1 - rho) rho^K / (1 - rho^(K+1)). */
    double rho = 0.9;
    int k = 5;
    double pk = (1 - rho) * pow(rho, k) / (1 - pow(rho, k + 1));
    run r = mm(3, 900, dk_dist_exponential(MEAN_SERVICE, NULL), 1, 4, 1000000);
    const dk_actor_stats *s = dk_actor_get_stats(r.station);
    double got = (double)s->rejected / (double)s->arrivals;
    ck_assert_msg(fabs(got - pk) <= 0.03 * pk || fabs(got - pk) <= 0.005,
                  "M/M/1/5 blocking: got %.5f, want %.5f", got, pk);
    ck_assert_uint_eq(s->arrivals, s->completed + s->rejected);
    const dk_class_stats *cs = dk_sim_class_stats(r.sim, 0);
    ck_assert_uint_eq(cs->failed, s->rejected);
    done(&r);
}
END_TEST

START_TEST(md1_waiting_time_pollaczek_khinchine)
{
    /* P-K for M/D/1: Wq = rho D / (2 (1 - rho)). */
    double rho = 0.8, d = MEAN_SERVICE;
    double wq = rho * d / (2 * (1 - rho));
    run r = mm(4, rho / d * 1e9, dk_dist_constant(d, NULL), 1, 0, 2000000);
    double w = dk_hist_mean(dk_sim_class_stats(r.sim, 0)->latency);
    assert_rel(w - d, wq, 0.03, "M/D/1 mean waiting time");
    done(&r);
}
END_TEST

START_TEST(same_seed_same_run)
{
    run a = mm(7, 800, dk_dist_exponential(MEAN_SERVICE, NULL), 2, 3, 100000);
    run b = mm(7, 800, dk_dist_exponential(MEAN_SERVICE, NULL), 2, 3, 100000);
    run c = mm(8, 800, dk_dist_exponential(MEAN_SERVICE, NULL), 2, 3, 100000);
    const dk_actor_stats *sa = dk_actor_get_stats(a.station), *sb = dk_actor_get_stats(b.station),
                         *sc = dk_actor_get_stats(c.station);
    ck_assert_uint_eq(dk_sim_events(a.sim), dk_sim_events(b.sim));
    ck_assert_int_eq(dk_sim_end_time(a.sim), dk_sim_end_time(b.sim));
    ck_assert_uint_eq(sa->rejected, sb->rejected);
    ck_assert(sa->busy_area == sb->busy_area && sa->queue_area == sb->queue_area);
    ck_assert(dk_hist_mean(sa->latency) == dk_hist_mean(sb->latency));
    ck_assert_int_eq(dk_hist_percentile(sa->latency, 99), dk_hist_percentile(sb->latency, 99));
    ck_assert(dk_sim_end_time(a.sim) != dk_sim_end_time(c.sim));
    ck_assert(dk_hist_mean(sa->latency) != dk_hist_mean(sc->latency));
    done(&a);
    done(&b);
    done(&c);
}
END_TEST

/* ---- behaviour ---- */

START_TEST(infinite_servers_are_a_pure_delay)
{
    /* servers = 0: nobody waits, so every response is exactly the (constant) service time. */
    run r = mm(5, 5000, dk_dist_constant(2e6, NULL), 0, 0, 10000);
    const dk_actor_stats *s = dk_actor_get_stats(r.station);
    ck_assert_int_eq(dk_hist_min(s->latency), 2000000);
    ck_assert_int_eq(dk_hist_max(s->latency), 2000000);
    ck_assert(s->queue_area == 0);
    /* Mean number in service = lambda * D = 10 (M/D/inf). */
    assert_rel(s->busy_area / (double)dk_sim_end_time(r.sim), 10, 0.02, "M/D/inf occupancy");
    done(&r);
}
END_TEST

START_TEST(cut_off_run_conserves_calls)
{
    dk_sim_t *sim = dk_sim_new(9, NULL);
    dk_client_config cc = {.rate = 2000, .poisson = 1};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_dist_t *svc = dk_dist_exponential(MEAN_SERVICE, NULL);
    dk_station_config sc = {.servers = 1, .service = svc}; /* overloaded: rho = 2 */
    dk_actor_t *st = dk_sim_add_station(sim, "s", NULL, &sc, NULL);
    dk_sim_link(sim, cl, st, NULL, NULL);
    ck_assert_int_eq(dk_sim_run(sim, 1 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_end_time(sim), DK_SEC);
    const dk_actor_stats *s = dk_actor_get_stats(st);
    ck_assert_uint_gt(s->queued, 100);
    ck_assert_uint_eq(s->busy, 1);
    ck_assert_uint_eq(s->arrivals, s->completed + s->queued + s->busy);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(dk_sim_in_flight(sim), s->queued + s->busy);
    ck_assert_uint_eq(cs->created, cs->completed + dk_sim_in_flight(sim));
    ck_assert_str_eq(dk_actor_kind(st), "service");
    dk_sim_free(sim);
    dk_dist_free(svc);
}
END_TEST

/* A flow that does nothing but claim it waits: the station must catch the hang. */
static dk_flow_result lazy_step(void *data, dk_flow_ctx *ctx)
{
    (void)data;
    (void)ctx;
    return DK_FLOW_WAIT;
}
static const dk_flow_ops lazy_ops = {"lazy", lazy_step, NULL, NULL};

START_TEST(flow_waiting_without_subcall_aborts)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_client_config cc = {.rate = 10};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_station_config sc = {.servers = 1};
    dk_actor_t *st = dk_sim_add_station(sim, "api", NULL, &sc, NULL);
    dk_sim_link(sim, cl, st, NULL, NULL);
    ck_assert_int_eq(dk_station_route(st, UINT32_MAX, (dk_flow){&lazy_ops, NULL}, NULL), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(dk_sim_error(sim), "\"lazy\" waits but made no sub-call"));
    dk_sim_free(sim);
}
END_TEST

START_TEST(route_bad_input)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_error err;
    dk_client_config cc = {.rate = 10};
    dk_actor_t *cl = dk_sim_add_client(sim, "c", &cc, NULL);
    dk_station_config sc = {.servers = 1};
    dk_actor_t *st = dk_sim_add_station(sim, "api", NULL, &sc, NULL);
    ck_assert_int_eq(dk_station_route(cl, 0, (dk_flow){&lazy_ops, NULL}, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "route: \"c\" is not a station");
    ck_assert_int_eq(dk_station_route(st, 0, (dk_flow){NULL, NULL}, &err), DK_EINVAL);
    ck_assert_ptr_null(dk_sim_add_station(sim, "api", NULL, &sc, &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_ptr_null(dk_sim_add_station(sim, "x", NULL, NULL, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("actor_station");
    TCase *q = tcase_create("queueing");
    tcase_set_timeout(q, 600);
    tcase_add_test(q, mm1_response_is_five_service_times);
    tcase_add_test(q, mm3_matches_erlang_c);
    tcase_add_test(q, mm1k_blocking_probability);
    tcase_add_test(q, md1_waiting_time_pollaczek_khinchine);
    tcase_add_test(q, same_seed_same_run);
    suite_add_tcase(s, q);
    TCase *b = tcase_create("behaviour");
    tcase_set_timeout(b, 120);
    tcase_add_test(b, infinite_servers_are_a_pure_delay);
    tcase_add_test(b, cut_off_run_conserves_calls);
    tcase_add_test(b, flow_waiting_without_subcall_aborts);
    tcase_add_test(b, route_bad_input);
    suite_add_tcase(s, b);
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

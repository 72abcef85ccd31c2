/* areas: base patterns model sim */
/* test_mg1_h2.c - M/G/1 with hyperexponential service against Pollaczek-Khinchine: one FCFS
 * server, Poisson arrivals, H2 service with squared coefficient of variation 4 at load 0.8. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "designkit/sim.h"

#define MEAN_SERVICE 1e6 /* ns: E[S] = 1 ms */
#define SCV 4.0          /* Cs^2 */
#define RHO 0.8
#define REPLICATIONS 10
#define RUN_SECONDS 2000 /* per replication: about 1.6 million customers */

/* Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)), with E[S^2] = (1 + Cs^2) E[S]^2
 * and lambda = rho / E[S]; so Wq = rho (1 + Cs^2) / (2 (1 - rho)) E[S] = 10 E[S] here. */
static double pk_wait(double rho, double scv, double mean_service)
{
    double lambda = rho / mean_service, es2 = (1 + scv) * mean_service * mean_service;
    return lambda * es2 / (2 * (1 - rho));
}

/* One replication: the mean time in queue (sojourn minus E[S]) of the customers served. */
static double simulated_wait(uint64_t seed)
{
    dk_error err;
    dk_status st;
    dk_sim_t *sim = dk_sim_new(seed, &st);
    ck_assert_ptr_nonnull(sim);
    ck_assert_int_eq(dk_sim_add_class(sim, "request", NULL), DK_OK);
    dk_dist_t *service = dk_dist_h2(MEAN_SERVICE, SCV, &err);
    ck_assert_msg(service != NULL, "%s", err.message);
    dk_station_config sc = {.servers = 1, .queue_limit = 0, .service = service};
    dk_actor_t *server = dk_sim_add_station(sim, "server", "service", &sc, &err);
    dk_dist_free(service); /* the station has its copy */
    ck_assert_msg(server != NULL, "%s", err.message);
    dk_client_config cc = {.rate = RHO / MEAN_SERVICE * 1e9, .poisson = 1};
    dk_actor_t *client = dk_sim_add_client(sim, "arrivals", &cc, &err);
    ck_assert_msg(client != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_link(sim, client, server, NULL, &err), DK_OK);
    st = dk_sim_run(sim, (dk_time_t)RUN_SECONDS * DK_SEC, 0, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(sim));
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_gt(cs->completed, (uint64_t)(0.99 * RHO * RUN_SECONDS * 1e3));
    double w = dk_hist_mean(cs->latency) - MEAN_SERVICE;
    dk_sim_free(sim);
    return w;
}

START_TEST(pk_formula_is_ten_service_times)
{
    ck_assert_double_eq_tol(pk_wait(RHO, SCV, MEAN_SERVICE), 10 * MEAN_SERVICE, 1e-6);
}
END_TEST

/*
 * Independent replications, each from an empty system. The waits of one run are strongly
 * correlated (at rho = 0.8 with Cs^2 = 4 a busy period spans hundreds of customers), so the
 * error of the estimate is taken from the spread of the replication means, not from the
 * customers' own variance: with 10 replications the standard error s of their mean is on a t
 * distribution with 9 degrees of freedom, and |mean - Wq| < 4 s fails a correct simulator
 * about 3 times in 1000 (the seeds are fixed, so the outcome is too). The start from empty
 * biases each run low by about a busy period's worth of waiting over 1.6 million customers,
 * far below s. The second assertion is the test's power: the runs are long enough that s is
 * under 2% of Wq, so an error of 10% (say, Cs^2 = 3.6 instead of 4) could not pass.
 */
START_TEST(mg1_h2_wait_matches_pollaczek_khinchine)
{
    double sum = 0, sum2 = 0, wq = pk_wait(RHO, SCV, MEAN_SERVICE);
    for (int r = 0; r < REPLICATIONS; r++) {
        double w = simulated_wait(1000 + (uint64_t)r);
        sum += w;
        sum2 += w * w;
    }
    double mean = sum / REPLICATIONS;
    double var = (sum2 - REPLICATIONS * mean * mean) / (REPLICATIONS - 1);
    double se = sqrt(var / REPLICATIONS);
    ck_assert_msg(fabs(mean - wq) < 4 * se, "mean wait %.4f ms, P-K %.4f ms (se %.4f ms)",
                  mean / 1e6, wq / 1e6, se / 1e6);
    ck_assert_msg(se < 0.02 * wq, "standard error %.4f ms is too large to test anything", se / 1e6);
}
END_TEST

static Suite *mg1_suite(void)
{
    Suite *s = suite_create("mg1_h2");
    TCase *tc = tcase_create("pollaczek-khinchine");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, pk_formula_is_ten_service_times);
    tcase_add_test(tc, mg1_h2_wait_matches_pollaczek_khinchine);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mg1_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

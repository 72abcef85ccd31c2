/* areas: base patterns model sim */
/* test_client_closed.c - closed workloads: users who send, wait for the reply, think, repeat;
 * exact timings, the cap on outstanding requests, bad input, and a closed queueing network
 * against exact Mean Value Analysis. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/sim.h"

/* A simulator with a closed client of `users` users thinking `think` into a station of
 * `servers` workers (0: a pure delay) with service time `service`. */
static dk_sim_t *closed_into_station(uint64_t seed, uint32_t users, const dk_dist_t *think,
                                     uint32_t servers, const dk_dist_t *service)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(seed, NULL);
    ck_assert_ptr_nonnull(sim);
    ck_assert_int_eq(dk_sim_add_class(sim, "request", NULL), DK_OK);
    dk_client_config cc = {.users = users, .think = think};
    dk_actor_t *cl = dk_sim_add_client(sim, "users", &cc, &err);
    ck_assert_msg(cl != NULL, "%s", err.message);
    dk_station_config sc = {.servers = servers, .service = service};
    dk_actor_t *st = dk_sim_add_station(sim, "app", "service", &sc, &err);
    ck_assert_msg(st != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_link(sim, cl, st, NULL, &err), DK_OK);
    return sim;
}

static void run_ok(dk_sim_t *sim, dk_time_t until, uint64_t max_roots)
{
    dk_status st = dk_sim_run(sim, until, max_roots, NULL, NULL);
    ck_assert_msg(st == DK_OK, "%s", dk_sim_error(sim));
}

START_TEST(one_user_alternates_think_and_wait)
{
    /* Think 1 s, served in 0.5 s: the user sends at 1, 2.5, 4, 5.5, 7, 8.5 and 10 s (events at
     * exactly `until` run), and the last reply would come after the end. */
    dk_dist_t *think = dk_dist_constant(1e9, NULL), *svc = dk_dist_constant(5e8, NULL);
    dk_sim_t *sim = closed_into_station(1, 1, think, 1, svc);
    run_ok(sim, 10 * DK_SEC, 0);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(cs->created, 7);
    ck_assert_uint_eq(cs->completed, 6);
    ck_assert_int_eq(dk_hist_min(cs->latency), 500000000);
    ck_assert_int_eq(dk_hist_max(cs->latency), 500000000);
    ck_assert_uint_eq(dk_sim_in_flight(sim), 1);
    const dk_actor_stats *s = dk_actor_get_stats(dk_sim_find_actor(sim, "users"));
    ck_assert_uint_eq(s->arrivals, 7);
    ck_assert_uint_eq(s->completed, 6);
    dk_sim_free(sim);
    dk_dist_free(think);
    dk_dist_free(svc);
}
END_TEST

START_TEST(users_cap_what_is_outstanding)
{
    /* No think time and a pure delay of 0.1 s: each of 5 users keeps exactly one request in
     * service, so the server is busy 5-wide and 5 x 100 requests complete in 10 s, where an
     * open client would have piled up without bound. */
    dk_dist_t *svc = dk_dist_constant(1e8, NULL);
    dk_sim_t *sim = closed_into_station(2, 5, NULL, 0, svc);
    run_ok(sim, 10 * DK_SEC, 0);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_eq(cs->completed, 500);
    ck_assert_uint_eq(cs->created, 505);
    const dk_actor_stats *app = dk_actor_get_stats(dk_sim_find_actor(sim, "app"));
    ck_assert_double_eq_tol(app->busy_area / (10.0 * DK_SEC), 5, 1e-9);
    dk_sim_free(sim);
    dk_dist_free(svc);
}
END_TEST

START_TEST(max_roots_stops_the_users)
{
    dk_dist_t *think = dk_dist_exponential(1e8, NULL), *svc = dk_dist_exponential(1e7, NULL);
    dk_sim_t *sim = closed_into_station(3, 3, think, 1, svc);
    run_ok(sim, 100 * DK_SEC, 10);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->created, 10);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 10);
    dk_sim_free(sim);
    dk_dist_free(think);
    dk_dist_free(svc);
}
END_TEST

START_TEST(same_seed_same_run)
{
    dk_dist_t *think = dk_dist_exponential(1e9, NULL), *svc = dk_dist_h2(2e8, 4, NULL);
    uint64_t created[2];
    double mean[2];
    for (int i = 0; i < 2; i++) {
        dk_sim_t *sim = closed_into_station(42, 7, think, 1, svc);
        run_ok(sim, 500 * DK_SEC, 0);
        created[i] = dk_sim_class_stats(sim, 0)->created;
        mean[i] = dk_hist_mean(dk_sim_class_stats(sim, 0)->latency);
        dk_sim_free(sim);
    }
    ck_assert_uint_eq(created[0], created[1]);
    ck_assert_double_eq(mean[0], mean[1]);
    dk_dist_free(think);
    dk_dist_free(svc);
}
END_TEST

START_TEST(bad_input_is_named)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_dist_t *think = dk_dist_constant(1e9, NULL);
    dk_client_config open_with_think = {.rate = 10, .think = think};
    ck_assert_ptr_null(dk_sim_add_client(sim, "a", &open_with_think, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "client \"a\": a think time needs users (a closed workload)");
    dk_client_config open_without_rate = {.rate = 0};
    ck_assert_ptr_null(dk_sim_add_client(sim, "b", &open_without_rate, &err));
    ck_assert_str_eq(err.message, "client \"b\": rate must be positive (got 0)");
    /* a closed client needs no rate, and ignores one */
    dk_client_config closed = {.users = 2, .think = think};
    ck_assert_ptr_nonnull(dk_sim_add_client(sim, "c", &closed, &err));
    dk_sim_free(sim);
    dk_dist_free(think);
}
END_TEST

/* ---- a closed queueing network against exact MVA ---- */

/*
 * Exact Mean Value Analysis (Reiser & Lavenberg 1980) of a closed network of K single-server
 * FCFS exponential stations with demands D[k] and a think time Z, for N users: for n = 1..N,
 * R_k(n) = D_k (1 + Q_k(n - 1)), X(n) = n / (Z + sum R_k(n)), Q_k(n) = X(n) R_k(n). Gives the
 * throughput X and the response time R (without the think time) at N.
 */
static void exact_mva(const double *demand, int k, double think, int users, double *x, double *r)
{
    double q[8] = {0}, rk[8];
    for (int n = 1; n <= users; n++) {
        *r = 0;
        for (int i = 0; i < k; i++) {
            rk[i] = demand[i] * (1 + q[i]);
            *r += rk[i];
        }
        *x = n / (think + *r);
        for (int i = 0; i < k; i++)
            q[i] = *x * rk[i];
    }
}

static const double DEMANDS[3] = {0.2, 0.1, 0.05}; /* seconds */
#define USERS 10
#define THINK 1.0

START_TEST(mva_reference)
{
    /* The figures the issue quotes, to the digits it quotes them. */
    double x, r;
    exact_mva(DEMANDS, 3, THINK, USERS, &x, &r);
    ck_assert_double_eq_tol(x, 4.726379, 5e-7);
    ck_assert_double_eq_tol(r, 1.115785, 5e-7);
    /* one user: no queueing at all */
    exact_mva(DEMANDS, 3, THINK, 1, &x, &r);
    ck_assert_double_eq_tol(r, 0.35, 1e-12);
    ck_assert_double_eq_tol(x, 1 / 1.35, 1e-12);
}
END_TEST

/* One replication of `seconds`: users think (exponential, mean THINK) and send to a front
 * that takes no time and holds no worker (a pure delay), whose flow calls s1, s2 and s3 in
 * turn, single FCFS servers with exponential times of the demands. Every request visits the
 * three in series and waits for nothing else: the product-form network MVA describes. */
static void closed_network(uint64_t seed, double seconds, double *x, double *r)
{
    dk_error err;
    dk_sim_t *sim = dk_sim_new(seed, NULL);
    dk_actor_t *s[3];
    ck_assert_int_eq(dk_sim_add_class(sim, "request", NULL), DK_OK);
    dk_dist_t *think = dk_dist_exponential(THINK * 1e9, NULL);
    dk_client_config cc = {.users = USERS, .think = think};
    dk_actor_t *users = dk_sim_add_client(sim, "users", &cc, &err);
    ck_assert_msg(users != NULL, "%s", err.message);
    dk_dist_free(think);
    dk_station_config fc = {.servers = 0, .service = NULL};
    dk_actor_t *front = dk_sim_add_station(sim, "front", "service", &fc, &err);
    ck_assert_msg(front != NULL, "%s", err.message);
    for (int i = 0; i < 3; i++) {
        static const char *const names[] = {"s1", "s2", "s3"};
        dk_dist_t *d = dk_dist_exponential(DEMANDS[i] * 1e9, NULL);
        dk_station_config sc = {.servers = 1, .service = d};
        s[i] = dk_sim_add_station(sim, names[i], "service", &sc, &err);
        ck_assert_msg(s[i] != NULL, "%s", err.message);
        dk_dist_free(d);
        ck_assert_int_eq(dk_sim_link(sim, front, s[i], NULL, &err), DK_OK);
    }
    ck_assert_int_eq(dk_sim_link(sim, users, front, NULL, &err), DK_OK);
    dk_flow flow;
    ck_assert_int_eq(dk_flow_call_each(s, 3, &flow), DK_OK);
    ck_assert_int_eq(dk_station_route(front, UINT32_MAX, flow, &err), DK_OK);
    run_ok(sim, (dk_time_t)(seconds * 1e9), 0);
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    *x = (double)cs->completed / seconds;
    *r = dk_hist_mean(cs->latency) / 1e9;
    /* every request visited each station once */
    ck_assert_uint_ge(dk_actor_get_stats(s[2])->completed, cs->completed);
    dk_sim_free(sim);
}

/*
 * Ten independent replications of 20000 s (about 94000 requests each), from all users
 * thinking. Successive responses are correlated, so the errors come from the spread of the
 * replication means: with 9 degrees of freedom, |mean - MVA| < 4 s fails a correct simulator
 * about 3 times in 1000, and the seeds are fixed. The start (empty queues) lasts a few
 * response times, a bias of order 1e-4 over 20000 s; the few requests still out at the end
 * (at most 10 of 94000) bias X by as little. The last assertions are the test's power: s is
 * under 0.5% of each figure, so an error of 2% in X or R could not pass.
 */
START_TEST(closed_network_matches_mva)
{
    double x_ref, r_ref, sx = 0, sx2 = 0, sr = 0, sr2 = 0;
    const int reps = 10;
    exact_mva(DEMANDS, 3, THINK, USERS, &x_ref, &r_ref);
    for (int i = 0; i < reps; i++) {
        double x, r;
        closed_network(500 + (uint64_t)i, 20000, &x, &r);
        sx += x;
        sx2 += x * x;
        sr += r;
        sr2 += r * r;
    }
    double mx = sx / reps, mr = sr / reps;
    double se_x = sqrt((sx2 - reps * mx * mx) / (reps - 1) / reps);
    double se_r = sqrt((sr2 - reps * mr * mr) / (reps - 1) / reps);
    ck_assert_msg(fabs(mx - x_ref) < 4 * se_x, "X %.5f/s, MVA %.5f/s (se %.5f)", mx, x_ref, se_x);
    ck_assert_msg(fabs(mr - r_ref) < 4 * se_r, "R %.5f s, MVA %.5f s (se %.5f)", mr, r_ref, se_r);
    ck_assert_msg(se_x < 0.005 * x_ref, "se of X %.5f is too large to test anything", se_x);
    ck_assert_msg(se_r < 0.005 * r_ref, "se of R %.5f is too large to test anything", se_r);
    /* the response time law holds for any closed system: X = N / (R + Z), up to the edges */
    ck_assert_double_eq_tol(mx, USERS / (mr + THINK), 0.002 * mx);
}
END_TEST

static Suite *closed_suite(void)
{
    Suite *s = suite_create("client_closed");
    TCase *tc = tcase_create("users");
    tcase_add_test(tc, one_user_alternates_think_and_wait);
    tcase_add_test(tc, users_cap_what_is_outstanding);
    tcase_add_test(tc, max_roots_stops_the_users);
    tcase_add_test(tc, same_seed_same_run);
    tcase_add_test(tc, bad_input_is_named);
    suite_add_tcase(s, tc);
    tc = tcase_create("mva");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, mva_reference);
    tcase_add_test(tc, closed_network_matches_mva);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(closed_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

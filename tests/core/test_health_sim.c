/* areas: base patterns sim */
/* test_health_sim.c - health checks, auto-healing and outlier ejection in the simulator: a
 * station's hang and restart, probes that time out behind a long queue, the ejection cap;
 * each count worked by hand from the timeline. */
#include <check.h>
#include <stdlib.h>
#include "designkit/sim.h"

static dk_sim_t *sim;
static dk_actor_t *client, *lb, *api;
static dk_dist_t *svc;

/* client (constant `rate`) -> lb -> one station of one worker, `service_ns` constant. */
static void build(double rate, double service_ns, const dk_station_config *extra)
{
    dk_error err;
    sim = dk_sim_new(5, NULL);
    dk_client_config cc = {.rate = rate, .poisson = 0};
    client = dk_sim_add_client(sim, "c", &cc, &err);
    lb = dk_sim_add_balancer(sim, "lb", DK_LB_ROUND_ROBIN, &err);
    svc = dk_dist_constant(service_ns, NULL);
    dk_station_config sc = *extra;
    sc.servers = 1;
    sc.service = svc;
    api = dk_sim_add_station(sim, "api", NULL, &sc, &err);
    ck_assert_ptr_nonnull(api);
    ck_assert_int_eq(dk_sim_link(sim, client, lb, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link(sim, lb, api, NULL, &err), DK_OK);
}

static void teardown(void)
{
    dk_sim_free(sim);
    dk_dist_free(svc);
    sim = NULL;
    svc = NULL;
}

static uint64_t failed_requests(void)
{
    return dk_sim_class_stats(sim, 0)->failed;
}

/*
 * Requests every 1/7 s from 1/7 s (never on a probe's, a verdict's or a restart's instant), 1 ms
 * each. A hang at 5 s; probes every 1 s, timeout 0.5 s, unhealthy after 2, healthy after 1, a
 * restart 2 s after the verdict taking 1 s. By hand: the probes of 5 s and 6 s time out, unhealthy
 * at 6.5 s; restart at 8.5 s (the requests of 5 s .. 6.43 s, 11 of them, held until then, fail);
 * down until 9.5 s (the probe of 9 s fails); the probe of 10 s answers at 10.001 s: healthy.
 * Requests from 6.5 s to 10 s fail at the balancer (25). 36 failures, 1 restart, 3.501 s
 * unhealthy, 21 probes (0 .. 20 s).
 */
START_TEST(hang_is_cured_by_a_restart)
{
    dk_station_config hang = {.hang_at = 5 * DK_SEC, .restart_time = DK_SEC};
    dk_error err;
    build(7, 1e6, &hang);
    dk_health_config hc = {.interval_ns = DK_SEC,
                           .timeout_ns = DK_SEC / 2,
                           .healthy_threshold = 1,
                           .unhealthy_threshold = 2,
                           .restart_after_ns = 2 * DK_SEC};
    ck_assert_int_eq(dk_sim_balancer_set_health(lb, &hc, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, 20 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(failed_requests(), 36);
    dk_balancer_backend_health h;
    ck_assert_int_eq(dk_balancer_health_of(lb, 0, &h), DK_OK);
    ck_assert_str_eq(h.backend, "api");
    ck_assert_uint_eq(h.restarts, 1);
    ck_assert_uint_eq(h.probes, 21);
    ck_assert_double_eq_tol(h.unhealthy, 3.501, 1e-9);
    ck_assert_int_eq(h.healthy, 1);
    ck_assert_int_eq(dk_balancer_health_of(lb, 1, &h), DK_ERANGE);
    /* the restart answered what the hang held: only the request of 20 s is still in service */
    ck_assert_uint_eq(dk_sim_in_flight(sim), 1);
}
END_TEST

/* The same hang with no restart: from 5 s every request is held (none fails, none answers). */
START_TEST(hang_without_checks_holds_every_request)
{
    dk_station_config hang = {.hang_at = 5 * DK_SEC};
    build(7, 1e6, &hang);
    ck_assert_int_eq(dk_sim_run(sim, 20 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(failed_requests(), 0);
    /* requests at k/7 s, k = 1 .. 140: those of k >= 35 (from 5 s) are held */
    ck_assert_uint_eq(dk_sim_in_flight(sim), 106);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->completed, 34);
}
END_TEST

/* 20 requests/s at a station that serves 10/s: its queue grows by 10 a second, so a probe that
 * waits behind it answers after its 1 s timeout from about 1 s on, and the balancer leaves the
 * station out (then the queue drains and it is taken back): no hang, only a long queue. */
START_TEST(probe_times_out_behind_a_long_queue)
{
    dk_station_config none = {0};
    dk_error err;
    build(20, 1e8, &none);
    dk_health_config hc = {.interval_ns = 2 * DK_SEC,
                           .timeout_ns = DK_SEC,
                           .healthy_threshold = 1,
                           .unhealthy_threshold = 1};
    ck_assert_int_eq(dk_sim_balancer_set_health(lb, &hc, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, 60 * DK_SEC, 0, NULL, NULL), DK_OK);
    dk_balancer_backend_health h;
    ck_assert_int_eq(dk_balancer_health_of(lb, 0, &h), DK_OK);
    ck_assert_uint_gt(h.failures, 5);
    ck_assert_double_gt(h.unhealthy, 10);
    ck_assert_uint_gt(failed_requests(), 0); /* sent nowhere while it was out */
}
END_TEST

/* Two backends, one failing every call: with ejection after 2 errors for 10 s x the count, it
 * gets 2 calls per ejection (about 2 + 2 + 2 over 60 s: out 10, 20, 30 s) instead of half. */
START_TEST(ejection_from_the_balancer_options)
{
    dk_error err;
    sim = dk_sim_new(5, NULL);
    dk_client_config cc = {.rate = 100, .poisson = 0};
    client = dk_sim_add_client(sim, "c", &cc, &err);
    lb = dk_sim_add_balancer(sim, "lb", DK_LB_ROUND_ROBIN, &err);
    svc = dk_dist_constant(1e6, NULL);
    dk_station_config good = {.servers = 0, .service = svc};
    dk_station_config bad = {.servers = 0, .service = svc, .fail_to = 100 * DK_SEC, .fail_rate = 1};
    dk_actor_t *g = dk_sim_add_station(sim, "good", NULL, &good, &err);
    dk_actor_t *b = dk_sim_add_station(sim, "bad", NULL, &bad, &err);
    dk_sim_link(sim, client, lb, NULL, &err);
    dk_sim_link(sim, lb, g, NULL, &err);
    dk_sim_link(sim, lb, b, NULL, &err);
    ck_assert_int_eq(dk_sim_balancer_set_outlier(lb, 2, 10 * DK_SEC, 1, &err), DK_OK);
    ck_assert_int_eq(dk_sim_run(sim, 60 * DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_le(dk_actor_get_stats(b)->arrivals, 8);
    ck_assert_uint_ge(dk_actor_get_stats(b)->arrivals, 6);
}
END_TEST

/* The cap on the ejected share: 4 backends all failing, ejection after 1 error. */
START_TEST(ejection_cap)
{
    dk_error err;
    for (int k = 0; k < 2; k++) {
        dk_lb_t *b = dk_lb_new(DK_LB_ROUND_ROBIN, 4, &err);
        ck_assert_int_eq(dk_lb_set_outlier(b, 1, DK_SEC), DK_OK);
        if (k == 1)
            ck_assert_int_eq(dk_lb_set_outlier_max(b, 0.5), DK_OK);
        for (int i = 0; i < 4; i++)
            dk_lb_report(b, (size_t)i, 0, 1000, 0);
        int out = 0;
        for (size_t i = 0; i < 4; i++) {
            dk_lb_backend_stats st;
            dk_lb_stats(b, i, &st);
            out += st.ejected;
        }
        ck_assert_int_eq(out, k == 0 ? 3 : 2); /* the last one stays; or half of 4 */
        ck_assert_int_eq(dk_lb_set_outlier_max(b, 0), DK_EINVAL);
        ck_assert_int_eq(dk_lb_set_outlier_max(b, 1.5), DK_EINVAL);
        dk_lb_free(b);
    }
}
END_TEST

START_TEST(bad_settings_are_named)
{
    dk_error err;
    dk_station_config none = {0};
    build(1, 1e6, &none);
    dk_health_config hc;
    dk_health_config_default(&hc);
    hc.timeout_ns = 2 * hc.interval_ns;
    ck_assert_int_eq(dk_sim_balancer_set_health(lb, &hc, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "balancer \"lb\": health: timeout must be positive and at most the interval");
    dk_health_config_default(&hc);
    hc.healthy_threshold = 0;
    ck_assert_int_eq(dk_sim_balancer_set_health(lb, &hc, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "balancer \"lb\": health: healthy_threshold must be from 1 to 1000 (got 0)");
    dk_health_config_default(&hc);
    hc.interval_ns = -1;
    ck_assert_int_eq(dk_sim_balancer_set_health(lb, &hc, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_balancer_set_health(api, &hc, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "health checks: \"api\" is not a balancer");
    ck_assert_int_eq(dk_sim_balancer_set_outlier(lb, 3, 0, 1, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "balancer \"lb\": eject_base must be a positive duration");
    ck_assert_int_eq(dk_sim_balancer_set_outlier(lb, 3, DK_SEC, 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sim_restart(lb), DK_EINVAL);
    dk_balancer_backend_health h;
    ck_assert_int_eq(dk_balancer_health_of(lb, 0, &h), DK_EINVAL); /* no checks */
    dk_station_config neg = {.hang_at = -1};
    ck_assert_ptr_null(dk_sim_add_station(sim, "neg", NULL, &neg, &err));
    ck_assert_str_eq(err.message,
                     "service \"neg\": hang_at, hang_every and restart_time must not be negative");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("health_sim");
    TCase *heal = tcase_create("healing");
    tcase_add_checked_fixture(heal, NULL, teardown);
    tcase_add_test(heal, hang_is_cured_by_a_restart);
    tcase_add_test(heal, hang_without_checks_holds_every_request);
    tcase_add_test(heal, probe_times_out_behind_a_long_queue);
    suite_add_tcase(s, heal);
    TCase *ej = tcase_create("ejection");
    tcase_add_checked_fixture(ej, NULL, teardown);
    tcase_add_test(ej, ejection_from_the_balancer_options);
    tcase_add_test(ej, ejection_cap);
    suite_add_tcase(s, ej);
    TCase *bad = tcase_create("bad input");
    tcase_add_checked_fixture(bad, NULL, teardown);
    tcase_add_test(bad, bad_settings_are_named);
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

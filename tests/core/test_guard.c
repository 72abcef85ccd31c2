/* areas: base patterns model sim */
/* test_guard.c - the guard actor (retries, timeouts, breaker) and failure injection, against
 * counts worked out by hand from the workload. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/sim.h"

typedef struct run {
    dk_sim_t *sim;
    dk_actor_t *client, *guard, *dep;
    dk_dist_t *service;
} run;

/* Evenly spaced requests, `rate`/s, for `seconds` (the first at 1/rate), through a guard
 * configured by `gc` (NULL: no guard) into a dependency of infinite workers taking `service`
 * ns each and failing as `sc` says. Runs `drain` seconds past the last request. */
static run chain(double rate, double seconds, const dk_guard_config *gc, dk_time_t service,
                 dk_time_t fail_from, dk_time_t fail_to, double fail_rate, double drain)
{
    run r = {0};
    dk_error err;
    r.sim = dk_sim_new(7, NULL);
    ck_assert_ptr_nonnull(r.sim);
    dk_client_config cc = {.rate = rate};
    r.client = dk_sim_add_client(r.sim, "users", &cc, &err);
    ck_assert_ptr_nonnull(r.client);
    r.service = service > 0 ? dk_dist_constant((double)service, NULL) : NULL;
    dk_station_config sc = {
        .service = r.service, .fail_from = fail_from, .fail_to = fail_to, .fail_rate = fail_rate};
    r.dep = dk_sim_add_station(r.sim, "dep", "database", &sc, &err);
    ck_assert_msg(r.dep != NULL, "%s", err.message);
    if (gc != NULL) {
        r.guard = dk_sim_add_guard(r.sim, "guard", gc, &err);
        ck_assert_msg(r.guard != NULL, "%s", err.message);
        ck_assert_int_eq(dk_sim_link(r.sim, r.client, r.guard, NULL, &err), DK_OK);
        ck_assert_int_eq(dk_sim_link(r.sim, r.guard, r.dep, NULL, &err), DK_OK);
    } else {
        ck_assert_int_eq(dk_sim_link(r.sim, r.client, r.dep, NULL, &err), DK_OK);
    }
    uint64_t n = (uint64_t)(rate * seconds + 0.5);
    dk_time_t until = (dk_time_t)((seconds + drain) * 1e9);
    dk_status st = dk_sim_run(r.sim, until, n, NULL, NULL);
    ck_assert_msg(st == DK_OK, "run failed: %s", dk_sim_error(r.sim));
    return r;
}

static void done(run *r)
{
    dk_sim_free(r->sim);
    dk_dist_free(r->service);
}

static dk_guard_config retries(uint32_t attempts, dk_jitter jitter)
{
    dk_guard_config gc = {.retry = 1};
    dk_retry_config_default(&gc.retry_cfg);
    gc.retry_cfg.max_attempts = attempts;
    gc.retry_cfg.backoff.base_ns = 100 * DK_MS;
    gc.retry_cfg.backoff.cap_ns = DK_SEC;
    gc.retry_cfg.backoff.jitter = jitter;
    return gc;
}

#define FOREVER ((dk_time_t)4000000000000000000LL)

START_TEST(three_attempts_triple_the_load_of_a_dead_dependency)
{
    /* Every attempt fails, so each of the 1000 requests makes exactly 3. */
    dk_guard_config gc = retries(3, DK_JITTER_FULL);
    run r = chain(100, 10, &gc, DK_MS, 0, FOREVER, 1.0, 10);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->arrivals, 3 * 1000);
    ck_assert_uint_eq(g->attempts, 3000);
    ck_assert_uint_eq(g->retries, 2000);
    ck_assert_uint_eq(g->exhausted, 1000);
    ck_assert_uint_eq(dk_actor_get_stats(r.client)->failed, 1000);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->failed, 1000);
    done(&r);
}
END_TEST

START_TEST(retries_recover_from_a_short_outage)
{
    /* The dependency fails in [1 s, 1.05 s): the 5 requests sent then (at 1.00 .. 1.04 s) fail
     * once and succeed on the retry 100 ms later (no jitter); no request fails. */
    dk_guard_config gc = retries(2, DK_JITTER_NONE);
    run r = chain(100, 3, &gc, 0, DK_SEC, DK_SEC + 50 * DK_MS, 1.0, 2);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    ck_assert_uint_eq(g->retries, 5);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->failed, 5);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->completed, 300);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->failed, 0);
    /* Their end-to-end latency is the backoff exactly; the others take no time. */
    ck_assert_int_eq(dk_hist_max(dk_sim_class_stats(r.sim, 0)->latency), 100 * DK_MS);
    done(&r);
}
END_TEST

START_TEST(backoff_without_jitter_waits_base_then_double)
{
    /* attempts 3, exp backoff from 100 ms, no jitter, a dead dependency answering at once: each
     * request is answered FAILED after 100 + 200 ms, which the guard's histogram shows. */
    dk_guard_config gc = retries(3, DK_JITTER_NONE);
    run r = chain(10, 10, &gc, 0, 0, FOREVER, 1.0, 5);
    const dk_hist_t *h = dk_actor_get_stats(r.guard)->latency;
    ck_assert_uint_eq(dk_hist_count(h), 100);
    ck_assert_int_eq(dk_hist_min(h), 300 * DK_MS);
    ck_assert_int_eq(dk_hist_max(h), 300 * DK_MS);
    done(&r);
}
END_TEST

START_TEST(budget_caps_retries)
{
    /* Budget 0.2 with 1 retry/s minimum over a 10 s window, attempts up to 5, a dead
     * dependency. Any 10 s window allows 0.2 x its requests + 10 retries; cut the 70 s the
     * retries can happen in (60 s of requests, 10 s of drain) into 7 windows, plus one for a
     * window straddling the cuts: at most 0.2 x 6000 + 8 x 10 = 1280, where without a budget
     * there would be 4 per request, 24000. */
    dk_guard_config gc = retries(5, DK_JITTER_FULL);
    gc.retry_cfg.budget = 1;
    gc.retry_cfg.budget_ratio = 0.2;
    gc.retry_cfg.budget_min_per_s = 1;
    gc.retry_cfg.budget_window_ns = 10 * DK_SEC;
    run r = chain(100, 60, &gc, 0, 0, FOREVER, 1.0, 10);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    uint64_t requests = 6000;
    ck_assert_msg(g->retries <= 0.2 * requests + 8 * 10, "retries %llu over the budget",
                  (unsigned long long)g->retries);
    ck_assert_msg(g->retries >= 0.1 * requests, "retries %llu: the budget allows ~0.2 x requests",
                  (unsigned long long)g->retries);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->arrivals, requests + g->retries);
    done(&r);
}
END_TEST

START_TEST(timeout_answers_at_the_timeout_and_drops_the_late_reply)
{
    /* The dependency takes 2 s, the timeout is 1 s: every request fails after exactly 1 s, and
     * each attempt's answer comes late and is dropped (the run drains past them all). */
    dk_guard_config gc = {.timeout = DK_SEC};
    run r = chain(10, 5, &gc, 2 * DK_SEC, 0, 0, 0, 5);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    const dk_hist_t *h = dk_actor_get_stats(r.guard)->latency;
    ck_assert_uint_eq(g->timeouts, 50);
    ck_assert_uint_eq(g->late, 50);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->failed, 50);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->completed, 0);
    ck_assert_int_eq(dk_hist_min(h), DK_SEC);
    ck_assert_int_eq(dk_hist_max(h), DK_SEC);
    /* The dependency itself answered all of them OK, later. */
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->completed, 50);
    done(&r);
}
END_TEST

START_TEST(timeout_with_retries_stops_mid_run_cleanly)
{
    /* Timeouts and retries with calls still out when the run stops: the engine's books
     * (arrivals == answered + held) must balance for every actor, which dk_sim_run checks. */
    dk_guard_config gc = retries(3, DK_JITTER_FULL);
    gc.timeout = 300 * DK_MS;
    run r = chain(100, 5, &gc, 500 * DK_MS, 0, 0, 0, 0.2);
    ck_assert_uint_gt(dk_guard_stats_of(r.guard, NULL)->timeouts, 0);
    done(&r);
}
END_TEST

START_TEST(breaker_opens_after_its_window_and_short_circuits)
{
    /* Window 10 calls, failure rate 0.5, a long wait: the first 10 requests reach the dead
     * dependency (1 ms each, answered before the next is sent), fail, and the breaker opens;
     * the other 990 are short-circuited and never sent. */
    dk_guard_config gc = {.breaker = 1};
    dk_breaker_config_default(&gc.breaker_cfg);
    gc.breaker_cfg.window = 10;
    gc.breaker_cfg.min_calls = 10;
    gc.breaker_cfg.failure_rate = 0.5;
    gc.breaker_cfg.wait_ns = 1000 * DK_SEC;
    run r = chain(100, 10, &gc, DK_MS, 0, FOREVER, 1.0, 1);
    const char *state = NULL;
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, &state);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->arrivals, 10);
    ck_assert_uint_eq(g->short_circuited, 990);
    ck_assert_uint_eq(g->breaker_changes, 1);
    ck_assert_uint_eq(g->opened, 1);
    ck_assert_str_eq(state, "open");
    done(&r);
}
END_TEST

START_TEST(breaker_closes_again_after_the_outage)
{
    /* Requests at 0.01 .. 3.00 s; outage [1 s, 2 s); a window of the last 10 calls, opening
     * at half failed; wait 500 ms; 3 trial calls. By hand: the 5th failure (1.04 s) opens it;
     * at 1.54 it half-opens, the trials at 1.54, 1.55, 1.56 fail and it opens again until
     * 2.06, so the requests at 2.00 .. 2.05 are short-circuited though the dependency is back;
     * the trials at 2.06 .. 2.08 succeed and it closes. Completed: 99 before the outage + 101
     * after it - 6 = 194; short-circuited: 49 + 43 in the outage + 6 after = 98. */
    dk_guard_config gc = {.breaker = 1};
    dk_breaker_config_default(&gc.breaker_cfg);
    gc.breaker_cfg.window = 10;
    gc.breaker_cfg.min_calls = 10;
    gc.breaker_cfg.wait_ns = 500 * DK_MS;
    gc.breaker_cfg.half_open_calls = 3;
    run r = chain(100, 3, &gc, 0, DK_SEC, 2 * DK_SEC, 1.0, 1);
    const char *state = NULL;
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, &state);
    ck_assert_str_eq(state, "closed");
    ck_assert_uint_eq(g->short_circuited, 98);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->completed, 194);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->arrivals, 300 - 98);
    /* closed -> open -> half_open -> open -> half_open -> closed */
    ck_assert_uint_eq(g->breaker_changes, 5);
    ck_assert_uint_eq(g->opened, 2);
    done(&r);
}
END_TEST

START_TEST(bulkhead_without_wait_lets_one_in_three_through)
{
    /* One request at a time, no waiting, requests every 10 ms taking 25 ms: the one at 10 ms
     * runs until 35, those at 20 and 30 are refused, the one at 40 runs, ...: the requests at
     * 10 + 30k ms, k = 0 .. 33, get through (34), the other 66 are refused. */
    dk_guard_config gc = {.bulkhead_max = 1};
    run r = chain(100, 1, &gc, 25 * DK_MS, 0, 0, 0, 1);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    ck_assert_uint_eq(g->bulkhead_rejected, 66);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->arrivals, 34);
    ck_assert_uint_eq(dk_actor_get_stats(r.guard)->rejected, 66);
    done(&r);
}
END_TEST

START_TEST(bulkhead_wait_admits_the_waiters_within_it)
{
    /* One at a time, a queue of one, waits of at most 5 ms; requests every 10 ms taking 12 ms.
     * In each 40 ms the first runs at once (10 -> 22), the second waits from 20 to 22 (-> 34),
     * the third from 30 to 34 (-> 46), the fourth from 40 would wait until 46, past its 45:
     * refused. Three of every four get through: 75 of 100. */
    dk_guard_config gc = {.bulkhead_max = 1, .bulkhead_queue = 1, .bulkhead_wait = 5 * DK_MS};
    run r = chain(100, 1, &gc, 12 * DK_MS, 0, 0, 0, 1);
    const dk_guard_stats *g = dk_guard_stats_of(r.guard, NULL);
    ck_assert_uint_eq(g->bulkhead_rejected, 25);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->completed, 75);
    /* The waiters' latency includes their wait: the longest is 4 ms + 12 ms. */
    ck_assert_int_eq(dk_hist_max(dk_actor_get_stats(r.guard)->latency), 16 * DK_MS);
    done(&r);
}
END_TEST

START_TEST(failure_window_fails_exactly_its_requests)
{
    /* Requests at 10 ms, 20 ms, ...; window [2 s, 4 s): those at 2.00 .. 3.99 s fail, 200. */
    run r = chain(100, 6, NULL, 0, 2 * DK_SEC, 4 * DK_SEC, 1.0, 1);
    ck_assert_uint_eq(dk_actor_get_stats(r.dep)->failed, 200);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->failed, 200);
    ck_assert_uint_eq(dk_sim_class_stats(r.sim, 0)->completed, 400);
    done(&r);
}
END_TEST

START_TEST(failure_rate_is_a_binomial_share)
{
    /* rate 0.3 over 20000 requests in the window: within 4 standard deviations of 6000. */
    run r = chain(1000, 20, NULL, 0, 0, FOREVER, 0.3, 1);
    double n = 20000, p = 0.3, sd = sqrt(n * p * (1 - p));
    double got = (double)dk_actor_get_stats(r.dep)->failed;
    ck_assert_msg(fabs(got - n * p) <= 4 * sd, "failed %g, want %g +- %g", got, n * p, 4 * sd);
    done(&r);
}
END_TEST

START_TEST(bad_input)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    dk_error err;
    dk_guard_config gc = retries(0, DK_JITTER_FULL);
    ck_assert_ptr_null(dk_sim_add_guard(sim, "g", &gc, &err));
    ck_assert_msg(strstr(err.message, "guard \"g\"") != NULL, "%s", err.message);
    gc = retries(3, DK_JITTER_FULL);
    gc.retry_cfg.backoff.cap_ns = 1;
    ck_assert_ptr_null(dk_sim_add_guard(sim, "g", &gc, &err));
    ck_assert_msg(strstr(err.message, "cap") != NULL, "%s", err.message);
    dk_guard_config bc = {.breaker = 1};
    dk_breaker_config_default(&bc.breaker_cfg);
    bc.breaker_cfg.failure_rate = 1.5;
    ck_assert_ptr_null(dk_sim_add_guard(sim, "g", &bc, &err));
    ck_assert_msg(strstr(err.message, "failure_rate") != NULL, "%s", err.message);
    dk_guard_config hc = {.bulkhead_max = 2000000};
    ck_assert_ptr_null(dk_sim_add_guard(sim, "g", &hc, &err));
    ck_assert_msg(strstr(err.message, "guard \"g\": bulkhead") != NULL, "%s", err.message);
    dk_guard_config tc = {.timeout = -1};
    ck_assert_ptr_null(dk_sim_add_guard(sim, "g", &tc, &err));
    dk_station_config sc = {.fail_from = 2, .fail_to = 1, .fail_rate = 1};
    ck_assert_ptr_null(dk_sim_add_station(sim, "s", "service", &sc, &err));
    ck_assert_msg(strstr(err.message, "service \"s\"") != NULL, "%s", err.message);
    sc = (dk_station_config){.fail_from = 0, .fail_to = 1, .fail_rate = NAN};
    ck_assert_ptr_null(dk_sim_add_station(sim, "s", "service", &sc, &err));
    /* A guard without links fails what it gets; nothing else than a guard has guard stats. */
    dk_guard_config plain = {0};
    dk_actor_t *g = dk_sim_add_guard(sim, "lonely", &plain, &err);
    ck_assert_ptr_nonnull(g);
    dk_client_config cc = {.rate = 10};
    dk_actor_t *c = dk_sim_add_client(sim, "u", &cc, &err);
    ck_assert_int_eq(dk_sim_link(sim, c, g, NULL, &err), DK_OK);
    ck_assert_ptr_null(dk_guard_stats_of(c, NULL));
    ck_assert_int_eq(dk_sim_run(sim, DK_SEC, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(dk_sim_class_stats(sim, 0)->failed, 10);
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("guard");
    TCase *r = tcase_create("retries");
    tcase_add_test(r, three_attempts_triple_the_load_of_a_dead_dependency);
    tcase_add_test(r, retries_recover_from_a_short_outage);
    tcase_add_test(r, backoff_without_jitter_waits_base_then_double);
    tcase_add_test(r, budget_caps_retries);
    suite_add_tcase(s, r);
    TCase *t = tcase_create("timeouts");
    tcase_add_test(t, timeout_answers_at_the_timeout_and_drops_the_late_reply);
    tcase_add_test(t, timeout_with_retries_stops_mid_run_cleanly);
    suite_add_tcase(s, t);
    TCase *b = tcase_create("breaker_and_bulkhead");
    tcase_add_test(b, breaker_opens_after_its_window_and_short_circuits);
    tcase_add_test(b, breaker_closes_again_after_the_outage);
    tcase_add_test(b, bulkhead_without_wait_lets_one_in_three_through);
    tcase_add_test(b, bulkhead_wait_admits_the_waiters_within_it);
    suite_add_tcase(s, b);
    TCase *f = tcase_create("failure_injection");
    tcase_add_test(f, failure_window_fails_exactly_its_requests);
    tcase_add_test(f, failure_rate_is_a_binomial_share);
    tcase_add_test(f, bad_input);
    suite_add_tcase(s, f);
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

/* areas: base patterns model sim */
/* test_watchdog.c - dk_sim_set_watchdog: the engine asks it every 1024 events, and the status
 * it returns stops the run where it stands, with its message. */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include "designkit/sim.h"

/* ---- a ticker: one timer a nanosecond, so event n happens at time n - 1 ---- */

static void tick(dk_actor_t *self, const dk_event *ev)
{
    (void)ev;
    dk_sim_timer(dk_actor_sim(self), self, 1, 0, NULL);
}

static const dk_actor_ops ticker_ops = {"ticker", tick, NULL, NULL};

static dk_sim_t *ticker(void)
{
    dk_sim_t *sim = dk_sim_new(1, NULL);
    ck_assert_ptr_nonnull(sim);
    ck_assert_ptr_nonnull(dk_sim_add_actor(sim, "ticker", &ticker_ops, NULL, NULL));
    return sim;
}

/* ---- watchdogs ---- */

typedef struct dog {
    uint64_t calls, stop_at; /* stop_at 0: never says stop */
    dk_status status;
} dog;

static dk_status watch(void *ud, dk_error *err)
{
    dog *d = ud;
    d->calls++;
    if (d->stop_at != 0 && d->calls >= d->stop_at)
        return dk_error_set(err, d->status, "stopped by the test after %llu looks",
                            (unsigned long long)d->calls);
    return DK_OK;
}

static uint64_t progress_calls;
static void count_progress(double fraction, void *ud)
{
    (void)fraction;
    (void)ud;
    progress_calls++;
}

START_TEST(asked_every_1024_events)
{
    dog d = {0, 0, DK_OK};
    dk_sim_t *sim = ticker();
    dk_sim_set_watchdog(watch, &d);
    ck_assert_int_eq(dk_sim_run(sim, 100000, 0, NULL, NULL), DK_OK);
    dk_sim_set_watchdog(NULL, NULL);
    /* START, then a tick at every nanosecond 1..100000 (events at `until` run). */
    ck_assert_uint_eq(dk_sim_events(sim), 100001);
    ck_assert_uint_eq(d.calls, 100001 / 1024);
    dk_sim_free(sim);
}
END_TEST

START_TEST(its_status_stops_the_run_there)
{
    static const dk_status statuses[] = {DK_ELIMIT, DK_EINTR};
    for (size_t i = 0; i < 2; i++) {
        dog d = {0, 7, statuses[i]};
        dk_sim_t *sim = ticker();
        dk_sim_set_watchdog(watch, &d);
        ck_assert_int_eq(dk_sim_run(sim, INT64_MAX, 0, NULL, NULL), statuses[i]);
        dk_sim_set_watchdog(NULL, NULL);
        ck_assert_uint_eq(d.calls, 7);
        ck_assert_uint_eq(dk_sim_events(sim), 7 * 1024); /* not one event more */
        ck_assert_str_eq(dk_sim_error(sim), "stopped by the test after 7 looks");
        ck_assert_int_eq(dk_sim_end_time(sim), 7 * 1024 - 1);
        dk_sim_free(sim);
    }
}
END_TEST

START_TEST(progress_still_reported)
{
    dog d = {0, 0, DK_OK};
    dk_sim_t *sim = ticker();
    progress_calls = 0;
    dk_sim_set_watchdog(watch, &d);
    ck_assert_int_eq(dk_sim_run(sim, 1000000, 0, count_progress, NULL), DK_OK);
    dk_sim_set_watchdog(NULL, NULL);
    ck_assert_uint_eq(d.calls, 1000001 / 1024);
    /* About once per percent, and the closing 1.0. */
    ck_assert_uint_ge(progress_calls, 90);
    ck_assert_uint_le(progress_calls, 101);
    dk_sim_free(sim);
}
END_TEST

START_TEST(removed_it_is_not_asked)
{
    dog d = {0, 1, DK_ELIMIT};
    dk_sim_t *sim = ticker();
    dk_sim_set_watchdog(watch, &d);
    dk_sim_set_watchdog(NULL, NULL);
    ck_assert_int_eq(dk_sim_run(sim, 50000, 0, NULL, NULL), DK_OK);
    ck_assert_uint_eq(d.calls, 0);
    ck_assert_uint_eq(dk_sim_events(sim), 50001);
    dk_sim_free(sim);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("watchdog");
    TCase *poll = tcase_create("polling");
    tcase_add_test(poll, asked_every_1024_events);
    tcase_add_test(poll, progress_still_reported);
    tcase_add_test(poll, removed_it_is_not_asked);
    suite_add_tcase(s, poll);
    TCase *stop = tcase_create("stopping");
    tcase_add_test(stop, its_status_stops_the_run_there);
    suite_add_tcase(s, stop);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

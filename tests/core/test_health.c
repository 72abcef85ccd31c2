/* areas: base patterns */
/* test_health.c - health-check thresholds and auto-healing against a hand-computed timeline. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include "designkit/health.h"

#define S INT64_C(1000000000)

START_TEST(timeline)
{
    /* every 10 s, timeout 2 s, unhealthy after 3 failures, healthy after 2 successes, restart
     * after 30 s unhealthy.
     *   0 ok | 10 fail | 20 ok but 3 s (timeout: fail) | 30 fail -> unhealthy at 30
     *   60: restart due (30 s) | 70 ok | 80 ok -> healthy at 80 */
    dk_health_config c = {10 * S, 2 * S, 2, 3, 30 * S};
    dk_health_t *h = dk_health_new(&c, 0, NULL);
    ck_assert_int_eq(dk_health_next_probe(h), 0);
    ck_assert_int_eq(dk_health_probe(h, 0, 1, S / 10), 0);
    ck_assert_int_eq(dk_health_next_probe(h), 10 * S);
    ck_assert_int_eq(dk_health_probe(h, 10 * S, 0, S / 10), 0);
    ck_assert_int_eq(dk_health_probe(h, 20 * S, 1, 3 * S), 0);
    ck_assert_int_eq(dk_health_healthy(h), 1);
    ck_assert_int_eq(dk_health_probe(h, 30 * S, 0, S / 10), 1);
    ck_assert_int_eq(dk_health_healthy(h), 0);
    ck_assert_int_eq(dk_health_probe(h, 40 * S, 1, S / 10), 0); /* one success of two */
    ck_assert_int_eq(dk_health_probe(h, 50 * S, 0, S / 10), 0); /* breaks the streak */
    ck_assert_int_eq(dk_health_due_restart(h, 60 * S - 1), 0);
    ck_assert_int_eq(dk_health_due_restart(h, 60 * S), 1);
    dk_health_restarted(h, 60 * S);
    ck_assert_int_eq(dk_health_due_restart(h, 60 * S), 0);
    ck_assert_int_eq(dk_health_probe(h, 70 * S, 1, S / 10), 0);
    ck_assert_int_eq(dk_health_probe(h, 80 * S, 1, S / 10), 1);
    ck_assert_int_eq(dk_health_healthy(h), 1);
    ck_assert_int_eq(dk_health_due_restart(h, 1000 * S), 0);
    dk_health_stats st;
    dk_health_stats_get(h, 100 * S, &st);
    ck_assert_uint_eq(st.probes, 8); /* 0 10 20 30 40 50 70 80 */
    ck_assert_uint_eq(st.failures, 4);
    ck_assert_uint_eq(st.restarts, 1);
    ck_assert_uint_eq(st.transitions, 2);
    ck_assert_int_eq(st.healthy_ns, 30 * S + 20 * S);
    ck_assert_int_eq(st.unhealthy_ns, 50 * S);
    dk_health_free(h);
}
END_TEST

START_TEST(no_healing_without_a_delay)
{
    dk_health_config c;
    dk_health_config_default(&c);
    dk_health_t *h = dk_health_new(&c, 0, NULL);
    for (int i = 0; i < 3; i++)
        dk_health_probe(h, i * 10 * S, 0, 0);
    ck_assert_int_eq(dk_health_healthy(h), 0);
    ck_assert_int_eq(dk_health_due_restart(h, 1000000 * S), 0);
    dk_health_free(h);
}
END_TEST

START_TEST(bad_input)
{
    dk_error err;
    dk_health_config c;
    dk_health_config_default(&c);
    c.interval_ns = 0;
    ck_assert_ptr_null(dk_health_new(&c, 0, &err));
    ck_assert_str_eq(err.message, "health: interval must be a positive duration");
    dk_health_config_default(&c);
    c.timeout_ns = c.interval_ns + 1;
    ck_assert_ptr_null(dk_health_new(&c, 0, &err));
    ck_assert_str_eq(err.message, "health: timeout must be positive and at most the interval");
    dk_health_config_default(&c);
    c.healthy_threshold = 0;
    ck_assert_ptr_null(dk_health_new(&c, 0, &err));
    ck_assert_str_eq(err.message, "health: healthy_threshold must be from 1 to 1000 (got 0)");
    dk_health_config_default(&c);
    c.unhealthy_threshold = 1001;
    ck_assert_ptr_null(dk_health_new(&c, 0, &err));
    ck_assert_str_eq(err.message, "health: unhealthy_threshold must be from 1 to 1000 (got 1001)");
    dk_health_config_default(&c);
    c.restart_after_ns = -1;
    ck_assert_ptr_null(dk_health_new(&c, 0, &err));
    ck_assert_str_eq(err.message, "health: restart_after must not be negative");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("health");
    TCase *tc = tcase_create("health");
    tcase_add_test(tc, timeline);
    tcase_add_test(tc, no_healing_without_a_delay);
    tcase_add_test(tc, bad_input);
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

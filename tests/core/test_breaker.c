/* areas: base patterns */
/* test_breaker.c - the circuit breaker against hand-computed sequences of outcomes and times, and a
 * brute-force count window replayed over random outcomes; out of memory in every resilience
 * constructor. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/breaker.h"
#include "designkit/bulkhead.h"
#include "designkit/health.h"
#include "designkit/retry.h"
#include "designkit/rng.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)

typedef struct seen {
    int n;
    dk_breaker_state from[16], to[16];
    int64_t at[16];
} seen;

static void listen(void *ud, dk_breaker_state from, dk_breaker_state to, int64_t now)
{
    seen *s = ud;
    if (s->n < 16) {
        s->from[s->n] = from;
        s->to[s->n] = to;
        s->at[s->n] = now;
    }
    s->n++;
}

static dk_breaker_t *count_breaker(uint32_t window, uint32_t min_calls, double rate)
{
    dk_breaker_config c;
    dk_breaker_config_default(&c);
    c.window = window;
    c.min_calls = min_calls;
    c.failure_rate = rate;
    c.wait_ns = 30 * S;
    c.half_open_calls = 2;
    dk_error err;
    dk_breaker_t *b = dk_breaker_new(&c, &err);
    ck_assert_msg(b != NULL, "%s", err.message);
    return b;
}

START_TEST(opens_at_the_threshold_after_min_calls)
{
    dk_breaker_t *b = count_breaker(4, 4, 0.5);
    seen s = {0};
    dk_breaker_on_change(b, listen, &s);
    /* ok, fail, ok: 3 calls < 4, closed whatever the rate; fail: 2 of 4 = 0.5 >= 0.5, open */
    const int ok[] = {1, 0, 1};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(dk_breaker_allow(b, i * S), 1);
        dk_breaker_record(b, i * S, ok[i], MS);
        ck_assert_int_eq(dk_breaker_state_at(b, i * S), DK_BREAKER_CLOSED);
    }
    dk_breaker_stats st;
    dk_breaker_stats_get(b, &st);
    ck_assert_int_eq(st.calls, 3);
    ck_assert_double_eq(st.failure_rate, -1);
    dk_breaker_record(b, 3 * S, 0, MS);
    ck_assert_int_eq(dk_breaker_state_at(b, 3 * S), DK_BREAKER_OPEN);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.from[0], DK_BREAKER_CLOSED);
    ck_assert_int_eq(s.to[0], DK_BREAKER_OPEN);
    ck_assert_int_eq(s.at[0], 3 * S);
    dk_breaker_free(b);
}
END_TEST

START_TEST(count_window_slides)
{
    /* window 3, threshold 0.67 (2 of 3 = 0.667 stays under it): F F S | S | F | F | F.
     * windows: [F F S] 2/3, [F S S] 1/3, [S S F] 1/3, [S F F] 2/3, [F F F] 3/3 -> open */
    dk_breaker_t *b = count_breaker(3, 3, 0.67);
    const int ok[] = {0, 0, 1, 1, 0, 0, 0};
    const dk_breaker_state want[] = {DK_BREAKER_CLOSED, DK_BREAKER_CLOSED, DK_BREAKER_CLOSED,
                                     DK_BREAKER_CLOSED, DK_BREAKER_CLOSED, DK_BREAKER_CLOSED,
                                     DK_BREAKER_OPEN};
    const uint32_t fails[] = {1, 2, 2, 1, 1, 2};
    for (int i = 0; i < 7; i++) {
        dk_breaker_record(b, i * MS, ok[i], MS);
        ck_assert_int_eq(dk_breaker_state_at(b, i * MS), want[i]);
        if (i < 6) {
            dk_breaker_stats st;
            dk_breaker_stats_get(b, &st);
            ck_assert_uint_eq(st.failures, fails[i]);
        }
    }
    dk_breaker_free(b);
}
END_TEST

START_TEST(wait_then_half_open_trials)
{
    dk_breaker_t *b = count_breaker(2, 2, 0.5);
    seen s = {0};
    dk_breaker_on_change(b, listen, &s);
    dk_breaker_record(b, 0, 0, MS);
    dk_breaker_record(b, 1 * S, 0, MS); /* open at 1 s, wait 30 s */
    ck_assert_int_eq(dk_breaker_allow(b, 31 * S - 1), 0);
    dk_breaker_record(b, 31 * S - 1, 1, MS); /* a late outcome while open: ignored */
    ck_assert_int_eq(dk_breaker_state_at(b, 31 * S - 1), DK_BREAKER_OPEN);
    ck_assert_int_eq(dk_breaker_allow(b, 31 * S), 1); /* half-open: 2 trial permits */
    ck_assert_int_eq(dk_breaker_allow(b, 31 * S), 1);
    ck_assert_int_eq(dk_breaker_allow(b, 31 * S), 0);
    dk_breaker_record(b, 32 * S, 1, MS);
    ck_assert_int_eq(dk_breaker_state_at(b, 32 * S), DK_BREAKER_HALF_OPEN);
    dk_breaker_record(b, 33 * S, 0, MS); /* 1 of 2 failed: 0.5 >= 0.5, open again at 33 s */
    ck_assert_int_eq(dk_breaker_state_at(b, 33 * S), DK_BREAKER_OPEN);
    ck_assert_int_eq(dk_breaker_state_at(b, 63 * S), DK_BREAKER_HALF_OPEN);
    dk_breaker_allow(b, 63 * S);
    dk_breaker_allow(b, 63 * S);
    dk_breaker_record(b, 64 * S, 1, MS);
    dk_breaker_record(b, 64 * S, 1, MS);
    ck_assert_int_eq(dk_breaker_state_at(b, 64 * S), DK_BREAKER_CLOSED);
    const dk_breaker_state to[] = {DK_BREAKER_OPEN, DK_BREAKER_HALF_OPEN, DK_BREAKER_OPEN,
                                   DK_BREAKER_HALF_OPEN, DK_BREAKER_CLOSED};
    const int64_t at[] = {1 * S, 31 * S, 33 * S, 63 * S, 64 * S};
    ck_assert_int_eq(s.n, 5);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(s.to[i], to[i]);
        ck_assert_int_eq(s.at[i], at[i]);
    }
    dk_breaker_stats st;
    dk_breaker_stats_get(b, &st);
    ck_assert_uint_eq(st.rejected, 2);
    ck_assert_uint_eq(st.permitted, 4);
    ck_assert_uint_eq(st.transitions, 5);
    dk_breaker_free(b);
}
END_TEST

START_TEST(slow_calls_open_it)
{
    dk_breaker_config c;
    dk_breaker_config_default(&c);
    c.window = 2;
    c.min_calls = 2;
    c.slow_ns = 1 * S;
    c.slow_rate = 0.5;
    dk_breaker_t *b = dk_breaker_new(&c, NULL);
    dk_breaker_record(b, 0, 1, 999 * MS); /* fast */
    dk_breaker_record(b, 0, 1, 999 * MS);
    ck_assert_int_eq(dk_breaker_state_at(b, 0), DK_BREAKER_CLOSED);
    dk_breaker_record(b, 0, 1, 1 * S); /* exactly the threshold is slow: [fast, slow] = 0.5 */
    ck_assert_int_eq(dk_breaker_state_at(b, 0), DK_BREAKER_OPEN);
    dk_breaker_free(b);
}
END_TEST

START_TEST(time_window_forgets_old_seconds)
{
    dk_breaker_config c;
    dk_breaker_config_default(&c);
    c.window_type = DK_BREAKER_TIME;
    c.window = 10;
    c.min_calls = 3;
    dk_breaker_t *b = dk_breaker_new(&c, NULL);
    dk_breaker_stats st;
    dk_breaker_record(b, 0, 0, MS);          /* second 0 */
    dk_breaker_record(b, 1 * S, 0, MS);      /* second 1: 2 calls < 3 */
    dk_breaker_record(b, 10500 * MS, 1, MS); /* seconds 1..10: F, ok */
    dk_breaker_stats_get(b, &st);
    ck_assert_uint_eq(st.calls, 2);
    ck_assert_uint_eq(st.failures, 1);
    dk_breaker_record(b, 11200 * MS, 0, MS); /* seconds 2..11: ok, F */
    dk_breaker_stats_get(b, &st);
    ck_assert_uint_eq(st.calls, 2);
    ck_assert_int_eq(dk_breaker_state_at(b, 11200 * MS), DK_BREAKER_CLOSED);
    dk_breaker_record(b, 11500 * MS, 0, MS); /* ok, F, F: 2/3 >= 0.5 */
    ck_assert_int_eq(dk_breaker_state_at(b, 11500 * MS), DK_BREAKER_OPEN);
    dk_breaker_free(b);

    /* a long quiet gap empties the whole window */
    b = dk_breaker_new(&c, NULL);
    dk_breaker_record(b, 0, 0, MS);
    dk_breaker_record(b, 0, 0, MS);
    dk_breaker_record(b, 1000 * S, 0, MS);
    dk_breaker_stats_get(b, &st);
    ck_assert_uint_eq(st.calls, 1);
    ck_assert_int_eq(dk_breaker_state_at(b, 1000 * S), DK_BREAKER_CLOSED);
    dk_breaker_free(b);
}
END_TEST

START_TEST(forced_open_and_disabled)
{
    dk_breaker_t *b = count_breaker(2, 2, 0.5);
    seen s = {0};
    dk_breaker_on_change(b, listen, &s);
    dk_breaker_force(b, DK_BREAKER_FORCED_OPEN, 5);
    ck_assert_int_eq(dk_breaker_allow(b, 1000 * S), 0); /* no wait ends it */
    ck_assert_int_eq(dk_breaker_state_at(b, 1000 * S), DK_BREAKER_FORCED_OPEN);
    dk_breaker_force(b, DK_BREAKER_DISABLED, 6);
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(dk_breaker_allow(b, i), 1);
        dk_breaker_record(b, i, 0, MS);
    }
    ck_assert_int_eq(dk_breaker_state_at(b, 100), DK_BREAKER_DISABLED);
    dk_breaker_force(b, DK_BREAKER_CLOSED, 7);
    dk_breaker_force(b, DK_BREAKER_CLOSED, 8); /* no change, no notice */
    ck_assert_int_eq(s.n, 3);
    ck_assert_int_eq(s.from[1], DK_BREAKER_FORCED_OPEN);
    ck_assert_int_eq(s.to[2], DK_BREAKER_CLOSED);
    dk_breaker_free(b);
}
END_TEST

/* An independent count window: the last `w` outcomes kept in a plain array, rates recomputed
 * from scratch after every record; the closed state only (opening ends the replay). */
START_TEST(count_window_matches_brute_force)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, 42);
    for (int trial = 0; trial < 300; trial++) {
        uint32_t w = 1 + (uint32_t)dk_rng_below(&rng, 12);
        uint32_t minc = 1 + (uint32_t)dk_rng_below(&rng, 15);
        double rate = (1 + dk_rng_below(&rng, 10)) / 10.0;
        double pfail = dk_rng_uniform(&rng) * rate;
        dk_breaker_t *b = count_breaker(w, minc, rate);
        int hist[400];
        int n = 0, opened_at = -1;
        for (int i = 0; i < 400; i++) {
            int ok = dk_rng_uniform(&rng) >= pfail;
            hist[n++] = ok;
            dk_breaker_record(b, i, ok, 0);
            int k = n < (int)w ? n : (int)w, f = 0;
            for (int j = n - k; j < n; j++)
                f += !hist[j];
            int need = minc < w ? (int)minc : (int)w;
            int should = k >= need && (double)f / k >= rate;
            ck_assert_int_eq(dk_breaker_state_at(b, i) == DK_BREAKER_OPEN, should);
            if (should) {
                opened_at = i;
                break;
            }
        }
        (void)opened_at;
        dk_breaker_free(b);
    }
}
END_TEST

START_TEST(bad_config)
{
    static const struct {
        int field;
        const char *msg;
    } cases[] = {
        {0, "breaker: window must be from 1 to 1000000 (got 0)"},
        {1, "breaker: min_calls must be at least 1 (got 0)"},
        {2, "breaker: failure_rate must be in (0, 1] (got 1.5)"},
        {3, "breaker: slow_rate must be in (0, 1] (got nan)"},
        {4, "breaker: slow must be a positive duration"},
        {5, "breaker: wait must be a positive duration"},
        {6, "breaker: half_open_calls must be at least 1 (got 0)"},
        {7, "breaker: failure_rate must be in (0, 1] (got 0)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dk_breaker_config c;
        dk_breaker_config_default(&c);
        switch (cases[i].field) {
        case 0:
            c.window = 0;
            break;
        case 1:
            c.min_calls = 0;
            break;
        case 2:
            c.failure_rate = 1.5;
            break;
        case 3:
            c.slow_rate = __builtin_nan("");
            break;
        case 4:
            c.slow_ns = 0;
            break;
        case 5:
            c.wait_ns = -1;
            break;
        case 6:
            c.half_open_calls = 0;
            break;
        default:
            c.failure_rate = 0;
            break;
        }
        dk_error err;
        ck_assert_ptr_null(dk_breaker_new(&c, &err));
        ck_assert_int_eq(err.status, DK_EINVAL);
        ck_assert_str_eq(err.message, cases[i].msg);
    }
    dk_breaker_state st;
    ck_assert_int_eq(dk_breaker_state_parse("half_open", &st), DK_OK);
    ck_assert_int_eq(st, DK_BREAKER_HALF_OPEN);
    ck_assert_int_eq(dk_breaker_state_parse("ajar", &st), DK_ENOTFOUND);
    ck_assert_str_eq(dk_breaker_state_name(DK_BREAKER_FORCED_OPEN), "forced_open");
}
END_TEST

/* Every allocation of every resilience constructor failed in turn: NULL and DK_ENOMEM, no leak
 * (ASan's leak check), never a crash. */
START_TEST(out_of_memory)
{
    for (long n = 0; n < 3; n++) {
        dk_error err;
        dk_breaker_config c;
        dk_breaker_config_default(&c);
        dk_retry_config rc;
        dk_retry_config_default(&rc);
        rc.budget = 1;
        dk_health_config hc;
        dk_health_config_default(&hc);
        dk_alloc_fail_after(n);
        dk_breaker_t *b = dk_breaker_new(&c, &err);
        dk_alloc_fail_after(-1);
        ck_assert(n >= 2 ? b != NULL : b == NULL && err.status == DK_ENOMEM);
        dk_breaker_free(b);
        dk_alloc_fail_after(n);
        dk_retry_t *r = dk_retry_new(&rc, 1, &err);
        dk_alloc_fail_after(-1);
        ck_assert(n >= 2 ? r != NULL : r == NULL && err.status == DK_ENOMEM);
        dk_retry_free(r);
        dk_alloc_fail_after(n);
        dk_bulkhead_t *h = dk_bulkhead_new(1, 4, 1, &err);
        dk_alloc_fail_after(-1);
        ck_assert(n >= 2 ? h != NULL : h == NULL && err.status == DK_ENOMEM);
        dk_bulkhead_free(h);
        dk_alloc_fail_after(n);
        dk_health_t *hh = dk_health_new(&hc, 0, &err);
        dk_alloc_fail_after(-1);
        ck_assert(n >= 1 ? hh != NULL : hh == NULL && err.status == DK_ENOMEM);
        dk_health_free(hh);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("breaker");
    TCase *seq = tcase_create("sequences");
    tcase_add_test(seq, opens_at_the_threshold_after_min_calls);
    tcase_add_test(seq, count_window_slides);
    tcase_add_test(seq, wait_then_half_open_trials);
    tcase_add_test(seq, slow_calls_open_it);
    tcase_add_test(seq, time_window_forgets_old_seconds);
    tcase_add_test(seq, forced_open_and_disabled);
    suite_add_tcase(s, seq);
    TCase *ref = tcase_create("reference");
    tcase_set_timeout(ref, 60);
    tcase_add_test(ref, count_window_matches_brute_force);
    suite_add_tcase(s, ref);
    TCase *bad = tcase_create("bad_input");
    tcase_add_test(bad, bad_config);
    tcase_add_test(bad, out_of_memory);
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

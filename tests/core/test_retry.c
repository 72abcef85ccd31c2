/* areas: base patterns */
/* test_retry.c - backoff draws against the AWS blog's formulas (means, ranges), the retry policy's
 * attempts, and the retry budget against hand-computed allowances. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "designkit/retry.h"

#define S INT64_C(1000000000)
#define MS INT64_C(1000000)
#define DRAWS 200000

START_TEST(no_jitter_is_exponential_and_capped)
{
    dk_backoff b = {100 * MS, 1 * S, 2, DK_JITTER_NONE};
    const int64_t want[] = {100 * MS, 200 * MS, 400 * MS, 800 * MS, 1 * S, 1 * S};
    for (uint32_t k = 0; k < 6; k++)
        ck_assert_int_eq(dk_backoff_delay(&b, k, 0, NULL), want[k]);
    ck_assert_int_eq(dk_backoff_delay(&b, 4000000000u, 0, NULL), 1 * S); /* saturates */
}
END_TEST

/* Mean and range of DRAWS delays for retry k, in seconds. */
static void sample(dk_backoff *b, uint32_t k, int64_t prev, double *mean, double *lo, double *hi)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, 7 + k);
    double sum = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < DRAWS; i++) {
        double d = (double)dk_backoff_delay(b, k, prev, &rng) / 1e9;
        sum += d;
        *lo = fmin(*lo, d);
        *hi = fmax(*hi, d);
    }
    *mean = sum / DRAWS;
}

START_TEST(full_and_equal_jitter_means)
{
    /* e_k = min(cap, base 2^k): full jitter is uniform [0, e_k), mean e_k / 2; equal jitter is
     * uniform [e_k / 2, e_k), mean 3 e_k / 4. The standard error of a uniform mean over 2e5
     * draws is e/sqrt(12 * 2e5) ~ 0.00065 e: 1 % is about 15 of them. */
    for (uint32_t k = 0; k < 8; k++) {
        double e = fmin(5.0, 0.1 * pow(2, k)), mean, lo, hi;
        dk_backoff full = {100 * MS, 5 * S, 2, DK_JITTER_FULL};
        sample(&full, k, 0, &mean, &lo, &hi);
        ck_assert_msg(fabs(mean - e / 2) < 0.01 * e, "full k=%u mean %g want %g", k, mean, e / 2);
        ck_assert(lo >= 0 && lo < 0.01 * e && hi < e && hi > 0.99 * e);
        dk_backoff equal = {100 * MS, 5 * S, 2, DK_JITTER_EQUAL};
        sample(&equal, k, 0, &mean, &lo, &hi);
        ck_assert_msg(fabs(mean - 0.75 * e) < 0.01 * e, "equal k=%u mean %g want %g", k, mean,
                      0.75 * e);
        ck_assert(lo >= e / 2 - 1e-9 && hi < e);
    }
}
END_TEST

START_TEST(decorrelated_jitter_mean)
{
    /* uniform [base, 3 prev): mean (base + 3 prev) / 2 = (0.1 + 0.6) / 2 = 0.35 s uncapped. */
    dk_backoff d = {100 * MS, 10 * S, 2, DK_JITTER_DECORRELATED};
    double mean, lo, hi;
    sample(&d, 3, 200 * MS, &mean, &lo, &hi);
    ck_assert_msg(fabs(mean - 0.35) < 0.0035, "mean %g", mean);
    ck_assert(lo >= 0.1 && hi < 0.6);
    /* capped at c = 0.4 s: E = ((c^2 - base^2) / 2 + c (3 prev - c)) / (3 prev - base)
     *                        = (0.075 + 0.08) / 0.5 = 0.31 s */
    d.cap_ns = 400 * MS;
    sample(&d, 3, 200 * MS, &mean, &lo, &hi);
    ck_assert_msg(fabs(mean - 0.31) < 0.0031, "capped mean %g", mean);
    ck_assert(hi <= 0.4);
    /* the first retry reads base as the previous delay: uniform [0.1, 0.3), mean 0.2 */
    d.cap_ns = 10 * S;
    sample(&d, 0, 12345, &mean, &lo, &hi);
    ck_assert_msg(fabs(mean - 0.2) < 0.002, "first mean %g", mean);
}
END_TEST

START_TEST(attempts_are_bounded)
{
    dk_retry_config c;
    dk_retry_config_default(&c);
    c.max_attempts = 3;
    dk_retry_t *r = dk_retry_new(&c, 1, NULL);
    dk_retry_begin(r, 0);
    int64_t d1 = dk_retry_next(r, 0, 1, 0);
    ck_assert(d1 >= 0 && d1 < 100 * MS);
    int64_t d2 = dk_retry_next(r, 0, 2, d1);
    ck_assert(d2 >= 0 && d2 < 200 * MS);
    ck_assert_int_eq(dk_retry_next(r, 0, 3, d2), -1);
    dk_retry_stats st;
    dk_retry_stats_get(r, &st);
    ck_assert_uint_eq(st.requests, 1);
    ck_assert_uint_eq(st.retries, 2);
    ck_assert_uint_eq(st.exhausted, 1);
    dk_retry_free(r);
}
END_TEST

START_TEST(budget_allows_ratio_of_requests)
{
    /* ratio 0.2, no minimum, 10 s: 10 requests allow 2 retries, the third is denied */
    dk_retry_budget_t *rb = dk_retry_budget_new(0.2, 0, 10 * S, NULL);
    for (int i = 0; i < 10; i++)
        dk_retry_budget_request(rb, i * 100 * MS);
    ck_assert_int_eq(dk_retry_budget_try(rb, 1 * S), 1);
    ck_assert_int_eq(dk_retry_budget_try(rb, 1 * S), 1);
    ck_assert_int_eq(dk_retry_budget_try(rb, 1 * S), 0);
    /* 5 more requests: 15 * 0.2 = 3, one more retry */
    for (int i = 0; i < 5; i++)
        dk_retry_budget_request(rb, 2 * S);
    ck_assert_int_eq(dk_retry_budget_try(rb, 2 * S), 1);
    ck_assert_int_eq(dk_retry_budget_try(rb, 2 * S), 0);
    /* 20 s later the window is empty: no deposits, no retries */
    ck_assert_int_eq(dk_retry_budget_try(rb, 22 * S), 0);
    dk_retry_budget_free(rb);

    /* a minimum of 1/s over 10 s lets 10 retries through with no requests at all */
    rb = dk_retry_budget_new(0.2, 1, 10 * S, NULL);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(dk_retry_budget_try(rb, 0), 1);
    ck_assert_int_eq(dk_retry_budget_try(rb, 0), 0);
    dk_retry_budget_free(rb);
}
END_TEST

START_TEST(policy_with_budget_bounds_the_storm)
{
    /* every attempt fails: without a budget each request makes 4 attempts; with ratio 0.1 the
     * retries stay within 10 % of requests (plus nothing: no minimum) */
    dk_retry_config c;
    dk_retry_config_default(&c);
    c.max_attempts = 4;
    c.budget = 1;
    c.budget_ratio = 0.1;
    c.budget_min_per_s = 0;
    dk_retry_t *r = dk_retry_new(&c, 3, NULL);
    uint64_t attempts = 0;
    for (int i = 0; i < 1000; i++) {
        int64_t now = i * MS;
        dk_retry_begin(r, now);
        attempts++;
        for (uint32_t a = 1; dk_retry_next(r, now, a, 0) >= 0; a++)
            attempts++;
    }
    dk_retry_stats st;
    dk_retry_stats_get(r, &st);
    ck_assert_uint_eq(st.retries, 100);
    ck_assert_uint_eq(attempts, 1100);
    /* every request's retries end at the budget (a 10th deposit buys one retry; its next is
     * denied), none by running out of attempts */
    ck_assert_uint_eq(st.budget_denied, 1000);
    ck_assert_uint_eq(st.exhausted, 0);
    dk_retry_free(r);
}
END_TEST

START_TEST(bad_input)
{
    dk_error err;
    dk_retry_config c;
    dk_retry_config_default(&c);
    c.max_attempts = 0;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: attempts must be from 1 to 1000 (got 0)");
    dk_retry_config_default(&c);
    c.backoff.cap_ns = c.backoff.base_ns - 1;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: cap must be at least base");
    dk_retry_config_default(&c);
    c.backoff.base_ns = 0;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: base must be a positive duration");
    dk_retry_config_default(&c);
    c.backoff.multiplier = 0.5;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: multiplier must be a finite number >= 1 (got 0.5)");
    dk_retry_config_default(&c);
    c.timeout_ns = -1;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: timeout must not be negative");
    dk_retry_config_default(&c);
    c.budget = 1;
    c.budget_ratio = -0.1;
    ck_assert_ptr_null(dk_retry_new(&c, 1, &err));
    ck_assert_str_eq(err.message, "retry: budget ratio must be from 0 to 1000 (got -0.1)");
    ck_assert_ptr_null(dk_retry_budget_new(0.1, NAN, S, &err));
    ck_assert_str_eq(err.message, "retry: min_per_second must be a finite number >= 0 (got nan)");
    ck_assert_ptr_null(dk_retry_budget_new(0.1, 1, 0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    dk_jitter j;
    ck_assert_int_eq(dk_jitter_parse("decorrelated", &j), DK_OK);
    ck_assert_int_eq(j, DK_JITTER_DECORRELATED);
    ck_assert_int_eq(dk_jitter_parse("fuzzy", &j), DK_ENOTFOUND);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("retry");
    TCase *bo = tcase_create("backoff");
    tcase_set_timeout(bo, 60);
    tcase_add_test(bo, no_jitter_is_exponential_and_capped);
    tcase_add_test(bo, full_and_equal_jitter_means);
    tcase_add_test(bo, decorrelated_jitter_mean);
    suite_add_tcase(s, bo);
    TCase *pol = tcase_create("policy");
    tcase_add_test(pol, attempts_are_bounded);
    tcase_add_test(pol, budget_allows_ratio_of_requests);
    tcase_add_test(pol, policy_with_budget_bounds_the_storm);
    tcase_add_test(pol, bad_input);
    suite_add_tcase(s, pol);
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

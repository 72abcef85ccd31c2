/* areas: base */
/* test_rng.c - xoshiro256** seeding, uniform doubles and bounded integers. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "designkit/rng.h"

/* ---- an independent, straightforward reference of both generators ---- */

typedef struct ref_rng {
    uint64_t a, b, c, d;
} ref_rng;

static uint64_t ref_splitmix(uint64_t *x)
{
    uint64_t z;
    *x = *x + 0x9E3779B97F4A7C15ull;
    z = *x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rol(uint64_t v, unsigned r)
{
    return (v << r) | (v >> (64u - r));
}

static uint64_t ref_next(ref_rng *r)
{
    uint64_t out = rol(r->b * 5u, 7) * 9u;
    uint64_t t = r->b << 17;
    r->c = r->c ^ r->a;
    r->d = r->d ^ r->b;
    r->b = r->b ^ r->c;
    r->a = r->a ^ r->d;
    r->c = r->c ^ t;
    r->d = rol(r->d, 45);
    return out;
}

static void ref_seed(ref_rng *r, uint64_t seed)
{
    r->a = ref_splitmix(&seed);
    r->b = ref_splitmix(&seed);
    r->c = ref_splitmix(&seed);
    r->d = ref_splitmix(&seed);
}

/* ---- determinism and reference outputs ---- */

START_TEST(splitmix_published_first_output)
{
    /* splitmix64 from state 0: first output 0xe220a8397b1dcdaf (the reference C code). */
    uint64_t st = 0;
    dk_rng_t r;
    ck_assert_uint_eq(ref_splitmix(&st), 0xe220a8397b1dcdafull);
    dk_rng_seed(&r, 0);
    ck_assert_uint_eq(r.s[0], 0xe220a8397b1dcdafull);
}
END_TEST

START_TEST(matches_reference_for_several_seeds)
{
    static const uint64_t seeds[] = {0, 1, 42, 0xdeadbeefull, UINT64_MAX};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        dk_rng_t r;
        ref_rng ref;
        dk_rng_seed(&r, seeds[i]);
        ref_seed(&ref, seeds[i]);
        ck_assert_uint_eq(r.s[0], ref.a);
        ck_assert_uint_eq(r.s[3], ref.d);
        int same = 0; /* counted: Check logs every passing assertion, too slow in loops */
        for (int k = 0; k < 1000; k++)
            same += dk_rng_next(&r) == ref_next(&ref);
        ck_assert_int_eq(same, 1000);
    }
}
END_TEST

START_TEST(same_seed_same_sequence)
{
    dk_rng_t a, b, c;
    int differ = 0;
    dk_rng_seed(&a, 7);
    dk_rng_seed(&b, 7);
    dk_rng_seed(&c, 8);
    for (int i = 0; i < 100; i++) {
        uint64_t x = dk_rng_next(&a);
        ck_assert_uint_eq(x, dk_rng_next(&b));
        differ += x != dk_rng_next(&c);
    }
    ck_assert_int_eq(differ, 100);
}
END_TEST

START_TEST(named_streams)
{
    dk_rng_t a, b, c, d, e, f;
    dk_rng_seed_named(&a, 1, "cache");
    dk_rng_seed_named(&b, 1, "cache");
    dk_rng_seed_named(&c, 1, "db");
    dk_rng_seed_named(&d, 2, "cache");
    dk_rng_seed_named(&e, 1, NULL);
    dk_rng_seed_named(&f, 1, "");
    uint64_t x = dk_rng_next(&a);
    ck_assert_uint_eq(x, dk_rng_next(&b));
    ck_assert_uint_ne(x, dk_rng_next(&c));
    ck_assert_uint_ne(x, dk_rng_next(&d));
    ck_assert_uint_eq(dk_rng_next(&e), dk_rng_next(&f));
}
END_TEST

/* ---- uniform doubles ---- */

START_TEST(uniform_range_and_moments)
{
    const int n = 1000000;
    dk_rng_t r;
    double sum = 0, sumsq = 0, mean, var;
    dk_rng_seed(&r, 3);
    for (int i = 0; i < n; i++) {
        double u = dk_rng_uniform(&r);
        if (!(u >= 0 && u < 1))
            ck_abort_msg("uniform drew %g", u);
        sum += u;
        sumsq += u * u;
    }
    mean = sum / n;
    var = sumsq / n - mean * mean;
    /* U(0,1): mean 1/2 with standard error sqrt(1/12/n); variance 1/12 with standard error
     * sqrt((1/80 - 1/144)/n). Allow 5 standard errors. */
    ck_assert_double_eq_tol(mean, 0.5, 5 * sqrt(1.0 / 12 / n));
    ck_assert_double_eq_tol(var, 1.0 / 12, 5 * sqrt((1.0 / 80 - 1.0 / 144) / n));
}
END_TEST

START_TEST(uniform_uses_top_53_bits)
{
    dk_rng_t r, ref;
    dk_rng_seed(&r, 5);
    ref = r;
    double u = dk_rng_uniform(&r);
    ck_assert_double_eq(u, ldexp((double)(dk_rng_next(&ref) >> 11), -53));
}
END_TEST

/* ---- bounded integers ---- */

START_TEST(below_edge_cases)
{
    dk_rng_t r;
    dk_rng_seed(&r, 9);
    ck_assert_uint_eq(dk_rng_below(&r, 0), 0);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(dk_rng_below(&r, 1), 0);
    int in_range = 0;
    for (int i = 0; i < 1000; i++)
        in_range += dk_rng_below(&r, UINT64_MAX) < UINT64_MAX;
    ck_assert_int_eq(in_range, 1000);
}
END_TEST

START_TEST(below_small_n_chi_square)
{
    /* 7 cells, 700000 draws: chi-square with 6 degrees of freedom; P(X > 22.46) = 0.001. */
    const int n = 700000, k = 7;
    long counts[7] = {0};
    double chi = 0, expect = (double)n / k;
    dk_rng_t r;
    dk_rng_seed(&r, 11);
    for (int i = 0; i < n; i++) {
        uint64_t x = dk_rng_below(&r, k);
        if (x >= (uint64_t)k)
            ck_abort_msg("below(7) drew %llu", (unsigned long long)x);
        counts[x]++;
    }
    for (int i = 0; i < k; i++)
        chi += (counts[i] - expect) * (counts[i] - expect) / expect;
    ck_assert_double_lt(chi, 22.46);
}
END_TEST

START_TEST(below_large_n_is_unbiased)
{
    /* n = 3 * 2^62: "x mod n" would put half of all draws below 2^62 (the wrapped part doubles
     * up); the exact share is 1/3. */
    const uint64_t n3 = 3ull << 62;
    const int n = 300000;
    long low = 0;
    dk_rng_t r;
    dk_rng_seed(&r, 13);
    for (int i = 0; i < n; i++) {
        uint64_t x = dk_rng_below(&r, n3);
        if (x >= n3)
            ck_abort_msg("below(3 * 2^62) drew %llu", (unsigned long long)x);
        low += x < (1ull << 62);
    }
    ck_assert_double_eq_tol((double)low / n, 1.0 / 3, 5 * sqrt(2.0 / 9 / n));
}
END_TEST

static Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("determinism");
    tcase_add_test(tc, splitmix_published_first_output);
    tcase_add_test(tc, matches_reference_for_several_seeds);
    tcase_add_test(tc, same_seed_same_sequence);
    tcase_add_test(tc, named_streams);
    suite_add_tcase(s, tc);
    tc = tcase_create("uniform");
    tcase_add_test(tc, uniform_range_and_moments);
    tcase_add_test(tc, uniform_uses_top_53_bits);
    suite_add_tcase(s, tc);
    tc = tcase_create("below");
    tcase_add_test(tc, below_edge_cases);
    tcase_add_test(tc, below_small_n_chi_square);
    tcase_add_test(tc, below_large_n_is_unbiased);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rng_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

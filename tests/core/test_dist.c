/* areas: base */
/* test_dist.c - distributions: moments, Zipf and alias pmfs, determinism, validation. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/rng.h"

#define N_DRAWS 1000000

/* Raw moments E[X^k], k = 1..4, of a distribution, from its formula. */
typedef struct moments {
    double m1, m2, m3, m4;
} moments;

/* Draws N_DRAWS values and checks the sample mean and variance against the analytic ones,
 * each within 5 standard errors: se(mean) = sqrt(var / n), se(var) = sqrt((mu4 - var^2) / n)
 * with mu4 the central fourth moment. */
static void check_moments(const dk_dist_t *d, moments m, uint64_t seed)
{
    dk_rng_t r;
    double mean = m.m1, var = m.m2 - m.m1 * m.m1;
    double mu4 = m.m4 - 4 * m.m1 * m.m3 + 6 * m.m1 * m.m1 * m.m2 - 3 * pow(m.m1, 4);
    long double sum = 0, sumsq = 0;
    double smean, svar;

    dk_rng_seed(&r, seed);
    for (int i = 0; i < N_DRAWS; i++) {
        double x = dk_dist_sample(d, &r) - mean; /* centred for accuracy */
        sum += x;
        sumsq += (long double)x * x;
    }
    smean = (double)(sum / N_DRAWS);
    svar = (double)(sumsq / N_DRAWS - (sum / N_DRAWS) * (sum / N_DRAWS));
    ck_assert_double_eq_tol(smean + mean, mean, 5 * sqrt(var / N_DRAWS));
    ck_assert_double_eq_tol(svar, var, 5 * sqrt((mu4 - var * var) / N_DRAWS));
    ck_assert_double_eq_tol(dk_dist_mean(d), mean, 1e-12 * fabs(mean) + 1e-300);
}

static dk_dist_t *ok(dk_dist_t *d)
{
    ck_assert_ptr_nonnull(d);
    return d;
}

/* ---- moments of every kind ---- */

START_TEST(constant_is_constant)
{
    dk_rng_t r;
    dk_dist_t *d = ok(dk_dist_constant(2.5, NULL));
    dk_rng_seed(&r, 1);
    for (int i = 0; i < 10; i++)
        ck_assert_double_eq(dk_dist_sample(d, &r), 2.5);
    ck_assert_double_eq(dk_dist_mean(d), 2.5);
    dk_dist_free(d);
}
END_TEST

START_TEST(uniform_moments)
{
    double a = -2, b = 6;
    dk_dist_t *d = ok(dk_dist_uniform(a, b, NULL));
    /* E[X^k] = (b^(k+1) - a^(k+1)) / ((k+1)(b-a)) */
    moments m;
    m.m1 = (b * b - a * a) / (2 * (b - a));
    m.m2 = (pow(b, 3) - pow(a, 3)) / (3 * (b - a));
    m.m3 = (pow(b, 4) - pow(a, 4)) / (4 * (b - a));
    m.m4 = (pow(b, 5) - pow(a, 5)) / (5 * (b - a));
    check_moments(d, m, 101);
    dk_rng_t r;
    long outside = 0;
    dk_rng_seed(&r, 5);
    for (int i = 0; i < 100000; i++) {
        double x = dk_dist_sample(d, &r);
        outside += !(x >= a && x < b); /* counted, not asserted: Check logs every assertion */
    }
    ck_assert_int_eq(outside, 0);
    dk_dist_free(d);
}
END_TEST

START_TEST(exponential_moments)
{
    double mu = 2e6; /* 2ms in ns */
    dk_dist_t *d = ok(dk_dist_exponential(mu, NULL));
    moments m = {mu, 2 * mu * mu, 6 * pow(mu, 3), 24 * pow(mu, 4)}; /* k! mu^k */
    check_moments(d, m, 102);
    dk_dist_free(d);
}
END_TEST

START_TEST(normal_moments)
{
    double mu = 10, s = 3;
    dk_dist_t *d = ok(dk_dist_normal(mu, s, NULL));
    moments m;
    m.m1 = mu;
    m.m2 = mu * mu + s * s;
    m.m3 = pow(mu, 3) + 3 * mu * s * s;
    m.m4 = pow(mu, 4) + 6 * mu * mu * s * s + 3 * pow(s, 4);
    check_moments(d, m, 103);
    dk_dist_free(d);
}
END_TEST

START_TEST(normal_zero_stddev_is_mean)
{
    dk_rng_t r;
    dk_dist_t *d = ok(dk_dist_normal(4, 0, NULL));
    dk_rng_seed(&r, 1);
    ck_assert_double_eq(dk_dist_sample(d, &r), 4);
    dk_dist_free(d);
}
END_TEST

START_TEST(lognormal_moments)
{
    double mu = 1, s = 0.5;
    dk_dist_t *d = ok(dk_dist_lognormal(mu, s, NULL));
    moments m; /* E[X^k] = exp(k mu + k^2 s^2 / 2) */
    m.m1 = exp(mu + s * s / 2);
    m.m2 = exp(2 * mu + 2 * s * s);
    m.m3 = exp(3 * mu + 4.5 * s * s);
    m.m4 = exp(4 * mu + 8 * s * s);
    check_moments(d, m, 104);
    dk_dist_free(d);
}
END_TEST

START_TEST(pareto_moments)
{
    double xm = 3, alpha = 6;
    dk_dist_t *d = ok(dk_dist_pareto(xm, alpha, NULL));
    moments m; /* E[X^k] = alpha xm^k / (alpha - k) for k < alpha */
    m.m1 = alpha * xm / (alpha - 1);
    m.m2 = alpha * xm * xm / (alpha - 2);
    m.m3 = alpha * pow(xm, 3) / (alpha - 3);
    m.m4 = alpha * pow(xm, 4) / (alpha - 4);
    check_moments(d, m, 105);
    dk_rng_t r;
    long below = 0;
    dk_rng_seed(&r, 2);
    for (int i = 0; i < 100000; i++)
        below += dk_dist_sample(d, &r) < xm;
    ck_assert_int_eq(below, 0);
    dk_dist_free(d);
}
END_TEST

START_TEST(pareto_heavy_mean_is_infinite)
{
    dk_dist_t *d = ok(dk_dist_pareto(1, 1, NULL));
    ck_assert(isinf(dk_dist_mean(d)));
    dk_dist_free(d);
    d = ok(dk_dist_pareto(1, 0.5, NULL));
    ck_assert(isinf(dk_dist_mean(d)));
    dk_dist_free(d);
}
END_TEST

START_TEST(empirical_moments)
{
    static const double v[] = {1, 2, 5, -4}, w[] = {1, 2, 7, 0.5};
    double total = 10.5;
    moments m = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        m.m1 += w[i] / total * v[i];
        m.m2 += w[i] / total * pow(v[i], 2);
        m.m3 += w[i] / total * pow(v[i], 3);
        m.m4 += w[i] / total * pow(v[i], 4);
    }
    dk_dist_t *d = ok(dk_dist_empirical(v, w, 4, NULL));
    check_moments(d, m, 106);
    dk_dist_free(d);
}
END_TEST

/* ---- Zipf against its exact pmf ---- */

/* Draws and compares each k's frequency with the brute-force pmf k^-s / sum j^-s: every
 * count within 5 binomial standard errors, and Pearson's chi-square below the 0.999 quantile
 * of chi-square(n-1) (Wilson-Hilferty approximation). */
static void check_zipf_pmf(uint64_t n, double s, uint64_t seed)
{
    dk_rng_t r;
    dk_dist_t *d = ok(dk_dist_zipf(n, s, NULL));
    long *count = calloc(n + 1, sizeof *count);
    double *p = calloc(n + 1, sizeof *p);
    double z = 0, chi = 0, df = (double)n - 1, crit, mean = 0;

    for (uint64_t k = 1; k <= n; k++) {
        p[k] = pow((double)k, -s);
        z += p[k];
    }
    for (uint64_t k = 1; k <= n; k++) {
        p[k] /= z;
        mean += (double)k * p[k];
    }
    dk_rng_seed(&r, seed);
    for (int i = 0; i < N_DRAWS; i++) {
        double x = dk_dist_sample(d, &r);
        if (!(x >= 1 && x <= (double)n && x == floor(x)))
            ck_abort_msg("zipf(%llu, %g) drew %g", (unsigned long long)n, s, x);
        count[(uint64_t)x]++;
    }
    /* Cells expected to hold fewer than 10 draws are pooled into one, where the normal
     * approximation behind both checks holds again. */
    double pool_e = 0, pool_c = 0;
    for (uint64_t k = 1; k <= n; k++) {
        double e = N_DRAWS * p[k];
        if (e < 10) {
            pool_e += e;
            pool_c += (double)count[k];
            df--;
            continue;
        }
        ck_assert_double_eq_tol((double)count[k], e, 5 * sqrt(e * (1 - p[k])) + 1e-9);
        chi += (count[k] - e) * (count[k] - e) / e;
    }
    if (pool_e > 0) {
        ck_assert_double_eq_tol(pool_c, pool_e, 5 * sqrt(pool_e) + 5);
        chi += (pool_c - pool_e) * (pool_c - pool_e) / (pool_e + 1);
        df++;
    }
    if (df >= 1) {
        crit = df * pow(1 - 2 / (9 * df) + 3.09 * sqrt(2 / (9 * df)), 3);
        ck_assert_double_lt(chi, crit);
    }
    ck_assert_double_eq_tol(dk_dist_mean(d), mean, 1e-12 * mean);
    free(count);
    free(p);
    dk_dist_free(d);
}

START_TEST(zipf_n10_s099)
{
    check_zipf_pmf(10, 0.99, 201);
}
END_TEST

START_TEST(zipf_n100_s099)
{
    check_zipf_pmf(100, 0.99, 202);
}
END_TEST

START_TEST(zipf_n10_s12)
{
    check_zipf_pmf(10, 1.2, 203);
}
END_TEST

START_TEST(zipf_n100_s12)
{
    check_zipf_pmf(100, 1.2, 204);
}
END_TEST

START_TEST(zipf_s_exactly_1)
{
    check_zipf_pmf(100, 1.0, 205);
}
END_TEST

START_TEST(zipf_s_0_is_uniform)
{
    check_zipf_pmf(50, 0.0, 206);
}
END_TEST

START_TEST(zipf_steep_and_tiny)
{
    check_zipf_pmf(1000, 3.0, 207);
    check_zipf_pmf(1, 1.5, 208);
}
END_TEST

START_TEST(zipf_large_n_mean)
{
    /* The analytic mean for n = 10^6 (Euler-Maclaurin tail) against a direct sum. */
    const uint64_t n = 1000000;
    const double ss[] = {0.99, 1.0, 1.2};
    for (int i = 0; i < 3; i++) {
        long double num = 0, den = 0;
        for (uint64_t k = n; k >= 1; k--) {
            long double pk = powl((long double)k, -(long double)ss[i]);
            num += pk * k;
            den += pk;
        }
        dk_dist_t *d = ok(dk_dist_zipf(n, ss[i], NULL));
        ck_assert_double_eq_tol(dk_dist_mean(d), (double)(num / den), 1e-10 * (double)(num / den));
        dk_dist_free(d);
    }
}
END_TEST

START_TEST(zipf_billion_draws_in_range)
{
    /* n = 1e9: O(1) set-up; draws stay in range and P(1) matches 1 / H(n, s). */
    const uint64_t n = 1000000000;
    dk_rng_t r;
    dk_dist_t *d = ok(dk_dist_zipf(n, 1.0, NULL));
    double h = 0, p1;
    long ones = 0;
    const int draws = 200000;
    for (int k = 1; k <= 1000; k++)
        h += 1.0 / k;
    /* H(n) - H(1000) = ln(n/1000) + 1/(2n) - 1/2000 - ... (Euler-Maclaurin) */
    h += log((double)n / 1000) - 1.0 / 2000 + 1.0 / (2.0 * n) + 1.0 / (12.0 * 1000 * 1000);
    p1 = 1 / h;
    dk_rng_seed(&r, 7);
    for (int i = 0; i < draws; i++) {
        double x = dk_dist_sample(d, &r);
        if (!(x >= 1 && x <= 1e9))
            ck_abort_msg("zipf(1e9, 1) drew %g", x);
        ones += x == 1;
    }
    ck_assert_double_eq_tol((double)ones / draws, p1, 5 * sqrt(p1 * (1 - p1) / draws));
    dk_dist_free(d);
}
END_TEST

/* ---- Walker alias ---- */

START_TEST(alias_matches_weights)
{
    enum { K = 50 };
    double v[K], w[K], total = 0, chi = 0;
    long count[K] = {0};
    dk_rng_t r;
    int cells = 0;
    for (int i = 0; i < K; i++) {
        v[i] = i;
        w[i] = (i % 7 == 3) ? 0 : (double)((i * 37) % 11 + 1) * (i < 5 ? 100 : 1);
        total += w[i];
    }
    dk_dist_t *d = ok(dk_dist_empirical(v, w, K, NULL));
    dk_rng_seed(&r, 301);
    for (int i = 0; i < N_DRAWS; i++)
        count[(int)dk_dist_sample(d, &r)]++;
    for (int i = 0; i < K; i++) {
        double p = w[i] / total, e = N_DRAWS * p;
        if (w[i] == 0) {
            ck_assert_int_eq(count[i], 0);
            continue;
        }
        ck_assert_double_eq_tol((double)count[i], e, 5 * sqrt(e * (1 - p)));
        chi += (count[i] - e) * (count[i] - e) / e;
        cells++;
    }
    double df = cells - 1;
    ck_assert_double_lt(chi, df * pow(1 - 2 / (9 * df) + 3.09 * sqrt(2 / (9 * df)), 3));
    dk_dist_free(d);
}
END_TEST

START_TEST(alias_equal_weights_and_single)
{
    static const double v[] = {10, 20, 30, 40};
    long c[4] = {0};
    dk_rng_t r;
    dk_dist_t *d = ok(dk_dist_empirical(v, NULL, 4, NULL));
    double w;
    dk_dist_empirical_at(d, 2, NULL, &w);
    ck_assert_double_eq(w, 1);
    ck_assert_double_eq(dk_dist_mean(d), 25);
    dk_rng_seed(&r, 302);
    for (int i = 0; i < 400000; i++)
        c[(int)dk_dist_sample(d, &r) / 10 - 1]++;
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(c[i], 100000, 5 * sqrt(400000 * 0.25 * 0.75));
    dk_dist_free(d);
    d = ok(dk_dist_empirical(v, NULL, 1, NULL));
    ck_assert_double_eq(dk_dist_sample(d, &r), 10);
    dk_dist_free(d);
}
END_TEST

/* ---- determinism, clone, introspection ---- */

static dk_dist_t *make_kind(int i)
{
    static const double v[] = {1, 2, 3}, w[] = {0.2, 0.3, 0.5};
    switch (i) {
    case 0:
        return dk_dist_constant(1, NULL);
    case 1:
        return dk_dist_uniform(0, 1, NULL);
    case 2:
        return dk_dist_exponential(5, NULL);
    case 3:
        return dk_dist_normal(0, 1, NULL);
    case 4:
        return dk_dist_lognormal(0, 1, NULL);
    case 5:
        return dk_dist_pareto(1, 2, NULL);
    case 6:
        return dk_dist_zipf(1000, 0.99, NULL);
    default:
        return dk_dist_empirical(v, w, 3, NULL);
    }
}

START_TEST(same_seed_same_draws_and_clone)
{
    for (int k = 0; k < 8; k++) {
        dk_dist_t *d = ok(make_kind(k));
        dk_dist_t *c = ok(dk_dist_clone(d));
        dk_rng_t a, b;
        ck_assert(dk_dist_equal(d, c));
        ck_assert_int_eq(dk_dist_kind_of(d), (dk_dist_kind)k);
        dk_rng_seed(&a, 99);
        dk_rng_seed(&b, 99);
        int same = 0;
        for (int i = 0; i < 1000; i++)
            same += dk_dist_sample(d, &a) == dk_dist_sample(c, &b);
        ck_assert_int_eq(same, 1000);
        dk_dist_free(d);
        dk_dist_free(c);
    }
}
END_TEST

START_TEST(sampling_does_not_allocate)
{
    dk_dist_t *d[8];
    dk_rng_t r;
    for (int k = 0; k < 8; k++)
        d[k] = ok(make_kind(k));
    dk_alloc_fail_after(0);
    dk_rng_seed(&r, 1);
    for (int k = 0; k < 8; k++)
        for (int i = 0; i < 1000; i++)
            dk_dist_sample(d[k], &r);
    dk_alloc_fail_after(-1);
    for (int k = 0; k < 8; k++)
        dk_dist_free(d[k]);
}
END_TEST

START_TEST(names_params_equal)
{
    static const char *names[] = {"constant",  "uniform", "exponential", "normal",
                                  "lognormal", "pareto",  "zipf",        "empirical"};
    static const size_t nparams[] = {1, 2, 1, 2, 2, 2, 2, 0};
    for (int k = 0; k < 8; k++) {
        dk_dist_kind kind;
        double p[2];
        dk_dist_t *d = ok(make_kind(k));
        ck_assert_str_eq(dk_dist_kind_name((dk_dist_kind)k), names[k]);
        ck_assert_int_eq(dk_dist_kind_parse(names[k], &kind), DK_OK);
        ck_assert_int_eq(kind, k);
        ck_assert_uint_eq(dk_dist_params(d, p), nparams[k]);
        dk_dist_free(d);
    }
    dk_dist_kind kind = DK_DIST_NORMAL;
    ck_assert_int_eq(dk_dist_kind_parse("gaussian", &kind), DK_ENOTFOUND);
    ck_assert_int_eq(kind, DK_DIST_NORMAL);
    ck_assert_str_eq(dk_dist_kind_name((dk_dist_kind)99), "unknown");

    double p[2];
    dk_dist_t *z = ok(dk_dist_zipf(1000, 0.99, NULL)), *u = ok(dk_dist_uniform(-1, 2, NULL));
    dk_dist_params(z, p);
    ck_assert_double_eq(p[0], 1000);
    ck_assert_double_eq(p[1], 0.99);
    dk_dist_params(u, p);
    ck_assert_double_eq(p[0], -1);
    ck_assert_double_eq(p[1], 2);
    dk_dist_t *u2 = ok(dk_dist_uniform(-1, 3, NULL));
    ck_assert(!dk_dist_equal(u, u2));
    ck_assert(!dk_dist_equal(u, z));
    dk_dist_free(z);
    dk_dist_free(u);
    dk_dist_free(u2);

    static const double v[] = {1, 2}, w1[] = {1, 2}, w2[] = {1, 3};
    dk_dist_t *e1 = ok(dk_dist_empirical(v, w1, 2, NULL)),
              *e2 = ok(dk_dist_empirical(v, w2, 2, NULL));
    double val, wt;
    ck_assert_uint_eq(dk_dist_empirical_size(e1), 2);
    dk_dist_empirical_at(e1, 1, &val, &wt);
    ck_assert_double_eq(val, 2);
    ck_assert_double_eq(wt, 2);
    ck_assert(!dk_dist_equal(e1, e2));
    ck_assert_uint_eq(dk_dist_empirical_size(u2 = ok(dk_dist_constant(0, NULL))), 0);
    dk_dist_free(u2);
    dk_dist_free(e1);
    dk_dist_free(e2);
    dk_dist_free(NULL);
}
END_TEST

/* ---- validation ---- */

static void expect_error(dk_dist_t *d, dk_error *err, const char *message)
{
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err->status, DK_EINVAL);
    ck_assert_str_eq(err->message, message);
}

START_TEST(bad_parameters_are_named)
{
    dk_error e;
    static const double v[] = {1, NAN}, w[] = {1, -2}, z[] = {0, 0};
    expect_error(dk_dist_exponential(-1, &e), &e, "exponential: mean must be positive (got -1)");
    expect_error(dk_dist_exponential(0, &e), &e, "exponential: mean must be positive (got 0)");
    expect_error(dk_dist_exponential(NAN, &e), &e, "exponential: mean must be finite (got nan)");
    expect_error(dk_dist_constant(INFINITY, &e), &e, "constant: value must be finite (got inf)");
    expect_error(dk_dist_uniform(3, 1, &e), &e,
                 "uniform: lo must be less than hi (got lo=3, hi=1)");
    expect_error(dk_dist_uniform(2, 2, &e), &e,
                 "uniform: lo must be less than hi (got lo=2, hi=2)");
    expect_error(dk_dist_uniform(-INFINITY, 2, &e), &e, "uniform: lo must be finite (got -inf)");
    expect_error(dk_dist_uniform(-1e308, 1e308, &e), &e,
                 "uniform: hi - lo must be finite (got lo=-1e+308, hi=1e+308)");
    expect_error(dk_dist_normal(0, -1, &e), &e, "normal: stddev must be non-negative (got -1)");
    expect_error(dk_dist_normal(NAN, 1, &e), &e, "normal: mean must be finite (got nan)");
    expect_error(dk_dist_lognormal(0, -0.5, &e), &e,
                 "lognormal: sigma must be non-negative (got -0.5)");
    expect_error(dk_dist_pareto(0, 1, &e), &e, "pareto: scale must be positive (got 0)");
    expect_error(dk_dist_pareto(1, -2, &e), &e, "pareto: shape must be positive (got -2)");
    expect_error(dk_dist_zipf(0, 1, &e), &e, "zipf: n must be at least 1 (got 0)");
    expect_error(dk_dist_zipf(10, -0.1, &e), &e, "zipf: s must be non-negative (got -0.1)");
    expect_error(dk_dist_zipf(10, INFINITY, &e), &e, "zipf: s must be finite (got inf)");
    expect_error(dk_dist_zipf((1ull << 53) + 1, 1, &e), &e,
                 "zipf: n must be at most 2^53 (got 9007199254740993)");
    expect_error(dk_dist_empirical(v, NULL, 0, &e), &e, "empirical: needs at least one value");
    expect_error(dk_dist_empirical(NULL, NULL, 3, &e), &e, "empirical: needs at least one value");
    expect_error(dk_dist_empirical(v, NULL, 2, &e), &e,
                 "empirical: value #2 must be finite (got nan)");
    expect_error(dk_dist_empirical(z, w, 2, &e), &e,
                 "empirical: weight #2 must be a non-negative number (got -2)");
    expect_error(dk_dist_empirical(z, z, 2, &e), &e, "empirical: weights must not all be 0");
    static const double huge[] = {1e308, 1e308};
    expect_error(dk_dist_empirical(z, huge, 2, &e), &e,
                 "empirical: the sum of the weights must be finite");
    ck_assert_ptr_null(dk_dist_exponential(-1, NULL)); /* NULL err is fine */
}
END_TEST

START_TEST(out_of_memory)
{
    dk_error e;
    static const double v[] = {1, 2};
    for (long k = 0; k < 2; k++) {
        dk_alloc_fail_after(k);
        dk_dist_t *d = dk_dist_empirical(v, NULL, 2, &e);
        dk_alloc_fail_after(-1);
        ck_assert_ptr_null(d);
        ck_assert_int_eq(e.status, DK_ENOMEM);
    }
    dk_alloc_fail_after(0);
    ck_assert_ptr_null(dk_dist_zipf(10, 1, &e));
    ck_assert_int_eq(e.status, DK_ENOMEM);
    ck_assert_str_eq(e.message, "zipf: out of memory");
    dk_alloc_fail_after(-1);
    dk_dist_t *d = ok(dk_dist_normal(0, 1, NULL));
    dk_alloc_fail_after(0);
    ck_assert_ptr_null(dk_dist_clone(d));
    dk_alloc_fail_after(-1);
    dk_dist_free(d);
}
END_TEST

/* ---- the exponential's shape ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov against F(x) = 1 - exp(-x / mean): a ziggurat with a wrong layer keeps
 * the mean but bends the CDF. D * sqrt(n) above 1.95 has probability 0.001 under the null; the
 * seeds are fixed, so the check is deterministic. */
START_TEST(exponential_ks)
{
    enum { N = 1000000 };
    const double mean = 3.5;
    double *x = malloc(N * sizeof *x), dmax = 0;
    dk_dist_t *d = ok(dk_dist_exponential(mean, NULL));
    dk_rng_t r;
    dk_rng_seed(&r, 201);
    for (int i = 0; i < N; i++)
        x[i] = dk_dist_sample(d, &r);
    qsort(x, N, sizeof *x, cmp_double);
    for (int i = 0; i < N; i++) {
        double f = -expm1(-x[i] / mean);
        double above = (double)(i + 1) / N - f, below = f - (double)i / N;
        if (above > dmax)
            dmax = above;
        if (below > dmax)
            dmax = below;
    }
    ck_assert_msg(x[0] >= 0, "negative draw %g", x[0]);
    ck_assert_msg(dmax * sqrt(N) < 1.95, "KS statistic D = %g (sqrt(n) D = %g)", dmax,
                  dmax * sqrt(N));
    free(x);
    dk_dist_free(d);
}
END_TEST

/* Chi-square over 1024 equiprobable bins (finer than the ziggurat's 256 layers, so one bad
 * layer shows), and the tail past the base layer's edge r = 7.697 counted against
 * n exp(-r) within 5 standard deviations: that tail is drawn as r plus a second exponential. */
START_TEST(exponential_chi_square_and_tail)
{
    enum { N = 4000000, BINS = 1024 };
    static uint32_t count[BINS];
    const double r_edge = 7.69711747013104972;
    uint64_t tail = 0, far = 0;
    dk_dist_t *d = ok(dk_dist_exponential(1, NULL));
    dk_rng_t r;
    dk_rng_seed(&r, 202);
    memset(count, 0, sizeof count);
    for (int i = 0; i < N; i++) {
        double x = dk_dist_sample(d, &r);
        int b = (int)(-expm1(-x) * BINS);
        count[b < BINS ? b : BINS - 1]++;
        tail += x > r_edge;
        far += x > r_edge + 2;
    }
    double e = (double)N / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++)
        chi2 += (count[b] - e) * (count[b] - e) / e;
    /* 1023 degrees of freedom: mean 1023, sd sqrt(2046) = 45.2; 1023 + 4.5 sd = 1227 */
    ck_assert_msg(chi2 < 1227, "chi-square %g over %d bins", chi2, BINS);
    double pt = exp(-r_edge), pf = exp(-r_edge - 2);
    ck_assert_double_eq_tol((double)tail, N * pt, 5 * sqrt(N * pt * (1 - pt)));
    ck_assert_double_eq_tol((double)far, N * pf, 5 * sqrt(N * pf * (1 - pf)));
    dk_dist_free(d);
}
END_TEST

static Suite *dist_suite(void)
{
    Suite *s = suite_create("dist");
    TCase *tc = tcase_create("moments");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, constant_is_constant);
    tcase_add_test(tc, uniform_moments);
    tcase_add_test(tc, exponential_moments);
    tcase_add_test(tc, normal_moments);
    tcase_add_test(tc, normal_zero_stddev_is_mean);
    tcase_add_test(tc, lognormal_moments);
    tcase_add_test(tc, pareto_moments);
    tcase_add_test(tc, pareto_heavy_mean_is_infinite);
    tcase_add_test(tc, empirical_moments);
    suite_add_tcase(s, tc);
    tc = tcase_create("exponential shape");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, exponential_ks);
    tcase_add_test(tc, exponential_chi_square_and_tail);
    suite_add_tcase(s, tc);
    tc = tcase_create("zipf");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, zipf_n10_s099);
    tcase_add_test(tc, zipf_n100_s099);
    tcase_add_test(tc, zipf_n10_s12);
    tcase_add_test(tc, zipf_n100_s12);
    tcase_add_test(tc, zipf_s_exactly_1);
    tcase_add_test(tc, zipf_s_0_is_uniform);
    tcase_add_test(tc, zipf_steep_and_tiny);
    tcase_add_test(tc, zipf_large_n_mean);
    tcase_add_test(tc, zipf_billion_draws_in_range);
    suite_add_tcase(s, tc);
    tc = tcase_create("alias");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, alias_matches_weights);
    tcase_add_test(tc, alias_equal_weights_and_single);
    suite_add_tcase(s, tc);
    tc = tcase_create("determinism");
    tcase_add_test(tc, same_seed_same_draws_and_clone);
    tcase_add_test(tc, sampling_does_not_allocate);
    tcase_add_test(tc, names_params_equal);
    suite_add_tcase(s, tc);
    tc = tcase_create("validation");
    tcase_add_test(tc, bad_parameters_are_named);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dist_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

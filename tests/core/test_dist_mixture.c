/* areas: base */
/* test_dist_mixture.c - mixtures and hyperexponentials: moments against their formulas, the
 * balanced H2 fit, copies and equality, and every kind of bad input. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/rng.h"

static dk_dist_t *ok(dk_dist_t *d)
{
    ck_assert_msg(d != NULL, "constructor failed");
    return d;
}

/* Draws n values and checks the sample mean and variance against `mean` and `var` within five
 * standard errors, the errors estimated from the same sample: sqrt(var / n) for the mean and
 * sqrt((m4 - var^2) / n) for the variance (m4 the fourth central moment). A correct sampler
 * fails this about once in 1.7 million runs per check, and the seed is fixed besides. */
static void check_moments(const dk_dist_t *d, double mean, double var, uint64_t seed)
{
    const size_t n = 2000000;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    dk_rng_t r;
    dk_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        double x = dk_dist_sample(d, &r) - mean; /* centred on the true mean for accuracy */
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
    }
    double m1 = s1 / n, m2 = s2 / n, m3 = s3 / n, m4 = s4 / n;
    double sv = m2 - m1 * m1;                                                /* sample variance */
    double c4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1; /* central */
    double se_mean = sqrt(sv / n), se_var = sqrt((c4 - sv * sv) / n);
    ck_assert_msg(fabs(m1) < 5 * se_mean, "mean %.6g, expected %.6g (se %.3g)", mean + m1, mean,
                  se_mean);
    ck_assert_msg(fabs(sv - var) < 5 * se_var, "variance %.6g, expected %.6g (se %.3g)", sv, var,
                  se_var);
    ck_assert_double_eq_tol(dk_dist_mean(d), mean, 1e-12 * fabs(mean));
}

START_TEST(mixture_moments)
{
    /* 0.3 exp(2) + 0.5 uniform(1, 5) + 0.2 constant(10), weights given unnormalised.
     * E[X] = sum p_i mu_i; E[X^2] = sum p_i (var_i + mu_i^2). */
    dk_dist_t *e = ok(dk_dist_exponential(2, NULL)), *u = ok(dk_dist_uniform(1, 5, NULL));
    dk_dist_t *c = ok(dk_dist_constant(10, NULL));
    const dk_dist_t *parts[] = {e, u, c};
    const double w[] = {3, 5, 2}, p[] = {0.3, 0.5, 0.2};
    const double mu[] = {2, 3, 10}, var[] = {4, 16.0 / 12, 0};
    dk_dist_t *m = ok(dk_dist_mixture(w, parts, 3, NULL));
    dk_dist_free(e); /* the mixture holds copies */
    dk_dist_free(u);
    dk_dist_free(c);
    double mean = 0, ex2 = 0;
    for (int i = 0; i < 3; i++) {
        mean += p[i] * mu[i];
        ex2 += p[i] * (var[i] + mu[i] * mu[i]);
    }
    check_moments(m, mean, ex2 - mean * mean, 11);
    ck_assert_int_eq(dk_dist_kind_of(m), DK_DIST_MIXTURE);
    ck_assert_uint_eq(dk_dist_part_count(m), 3);
    ck_assert_double_eq(dk_dist_part_weight(m, 1), 5);
    ck_assert_double_eq(dk_dist_mean(dk_dist_part(m, 2)), 10);
    ck_assert_ptr_null(dk_dist_part(m, 3));
    ck_assert_double_eq(dk_dist_part_weight(m, 3), 0);
    dk_dist_free(m);
}
END_TEST

START_TEST(nested_mixture_moments)
{
    /* 0.5 exp(1) + 0.5 (0.25 constant(4) + 0.75 normal(2, 1)): the inner mixture's moments are
     * mean 2.5, E[X^2] = 0.25 * 16 + 0.75 * 5 = 7.75. */
    dk_dist_t *c = ok(dk_dist_constant(4, NULL)), *nrm = ok(dk_dist_normal(2, 1, NULL));
    dk_dist_t *e = ok(dk_dist_exponential(1, NULL));
    const dk_dist_t *inner_parts[] = {c, nrm};
    const double wi[] = {1, 3}, wo[] = {1, 1};
    dk_dist_t *inner = ok(dk_dist_mixture(wi, inner_parts, 2, NULL));
    const dk_dist_t *outer_parts[] = {e, inner};
    dk_dist_t *m = ok(dk_dist_mixture(wo, outer_parts, 2, NULL));
    double mean = 0.5 * 1 + 0.5 * 2.5, ex2 = 0.5 * 2 + 0.5 * 7.75;
    check_moments(m, mean, ex2 - mean * mean, 12);
    dk_dist_free(c);
    dk_dist_free(nrm);
    dk_dist_free(e);
    dk_dist_free(inner);
    dk_dist_free(m);
}
END_TEST

START_TEST(hyperexp_moments)
{
    /* H3: E[X] = sum p_i m_i, E[X^2] = 2 sum p_i m_i^2 (an exponential's second moment is
     * twice its mean squared). */
    const double p[] = {0.2, 0.7, 0.1}, m[] = {5, 0.5, 2};
    dk_dist_t *h = ok(dk_dist_hyperexp(p, m, 3, NULL));
    double mean = 0, ex2 = 0;
    for (int i = 0; i < 3; i++) {
        mean += p[i] * m[i];
        ex2 += 2 * p[i] * m[i] * m[i];
    }
    check_moments(h, mean, ex2 - mean * mean, 13);
    ck_assert_int_eq(dk_dist_kind_of(h), DK_DIST_HYPEREXP);
    ck_assert_str_eq(dk_dist_kind_name(DK_DIST_HYPEREXP), "hyperexponential");
    ck_assert_uint_eq(dk_dist_part_count(h), 3);
    ck_assert_int_eq(dk_dist_kind_of(dk_dist_part(h, 0)), DK_DIST_EXPONENTIAL);
    ck_assert_double_eq(dk_dist_mean(dk_dist_part(h, 0)), 5);
    ck_assert_double_eq(dk_dist_part_weight(h, 1), 0.7);
    dk_dist_free(h);
}
END_TEST

START_TEST(h2_balanced_fit)
{
    /* mean 3, scv 4: the variance is scv * mean^2 = 36, and the means are balanced. */
    dk_dist_t *h = ok(dk_dist_h2(3, 4, NULL));
    ck_assert_uint_eq(dk_dist_part_count(h), 2);
    double p1 = dk_dist_part_weight(h, 0), p2 = dk_dist_part_weight(h, 1);
    double m1 = dk_dist_mean(dk_dist_part(h, 0)), m2 = dk_dist_mean(dk_dist_part(h, 1));
    ck_assert_double_eq_tol(p1 + p2, 1, 1e-15);
    ck_assert_double_eq_tol(p1 * m1, p2 * m2, 1e-12);
    ck_assert_double_eq_tol(p1, (1 + sqrt(3.0 / 5)) / 2, 1e-15);
    double mean = p1 * m1 + p2 * m2, ex2 = 2 * (p1 * m1 * m1 + p2 * m2 * m2);
    ck_assert_double_eq_tol(mean, 3, 1e-12);
    ck_assert_double_eq_tol(ex2 / (mean * mean) - 1, 4, 1e-12);
    check_moments(h, 3, 36, 14);
    dk_dist_free(h);

    /* scv 1 is the exponential itself: two equal phases; a large scv keeps both phases. */
    h = ok(dk_dist_h2(2, 1, NULL));
    ck_assert_double_eq(dk_dist_mean(dk_dist_part(h, 0)), 2);
    ck_assert_double_eq(dk_dist_mean(dk_dist_part(h, 1)), 2);
    check_moments(h, 2, 4, 15);
    dk_dist_free(h);
    h = ok(dk_dist_h2(1, 1e12, NULL));
    ck_assert(dk_dist_part_weight(h, 1) > 0);
    ck_assert_double_eq_tol(dk_dist_mean(h), 1, 1e-9);
    dk_dist_free(h);
}
END_TEST

START_TEST(infinite_means)
{
    /* A part of weight 0 never draws: its infinite mean does not count. One that draws does. */
    dk_dist_t *par = ok(dk_dist_pareto(1, 0.5, NULL)), *c = ok(dk_dist_constant(2, NULL));
    const dk_dist_t *parts[] = {par, c};
    const double w0[] = {0, 1}, w1[] = {0.01, 1};
    dk_dist_t *m0 = ok(dk_dist_mixture(w0, parts, 2, NULL));
    dk_dist_t *m1 = ok(dk_dist_mixture(w1, parts, 2, NULL));
    ck_assert_double_eq(dk_dist_mean(m0), 2);
    ck_assert(isinf(dk_dist_mean(m1)));
    dk_rng_t r;
    dk_rng_seed(&r, 1);
    for (int i = 0; i < 1000; i++)
        ck_assert_double_eq(dk_dist_sample(m0, &r), 2);
    dk_dist_free(par);
    dk_dist_free(c);
    dk_dist_free(m0);
    dk_dist_free(m1);
}
END_TEST

/* ---- copies, equality, determinism ---- */

static dk_dist_t *nested_example(double w)
{
    dk_dist_t *h = ok(dk_dist_h2(1, 4, NULL)),
              *e = ok(dk_dist_empirical((double[]){1, 2}, NULL, 2, NULL));
    const dk_dist_t *parts[] = {h, e};
    dk_dist_t *m = ok(dk_dist_mixture((double[]){w, 1}, parts, 2, NULL));
    dk_dist_free(h);
    dk_dist_free(e);
    return m;
}

START_TEST(clone_equal_and_same_draws)
{
    dk_dist_t *a = nested_example(2), *b = ok(dk_dist_clone(a)), *c = nested_example(3);
    dk_rng_t ra, rb;
    ck_assert(dk_dist_equal(a, b));
    ck_assert(!dk_dist_equal(a, c));
    ck_assert_ptr_ne(dk_dist_part(a, 0), dk_dist_part(b, 0)); /* deep copies */
    dk_rng_seed(&ra, 5);
    dk_rng_seed(&rb, 5);
    for (int i = 0; i < 10000; i++)
        ck_assert_double_eq(dk_dist_sample(a, &ra), dk_dist_sample(b, &rb));
    /* a hyperexponential is not the mixture of the same exponentials: kinds differ */
    dk_dist_t *h = ok(dk_dist_hyperexp((double[]){0.5, 0.5}, (double[]){1, 2}, 2, NULL));
    dk_dist_t *e1 = ok(dk_dist_exponential(1, NULL)), *e2 = ok(dk_dist_exponential(2, NULL));
    const dk_dist_t *parts[] = {e1, e2};
    dk_dist_t *m = ok(dk_dist_mixture((double[]){0.5, 0.5}, parts, 2, NULL));
    ck_assert(!dk_dist_equal(h, m));
    ck_assert_double_eq(dk_dist_mean(h), dk_dist_mean(m));
    double p[2];
    ck_assert_uint_eq(dk_dist_params(h, p), 0);
    ck_assert_uint_eq(dk_dist_params(m, p), 0);
    ck_assert_uint_eq(dk_dist_empirical_size(m), 0);
    dk_dist_kind kind;
    ck_assert_int_eq(dk_dist_kind_parse("mixture", &kind), DK_OK);
    ck_assert_int_eq(kind, DK_DIST_MIXTURE);
    ck_assert_int_eq(dk_dist_kind_parse("hyperexponential", &kind), DK_OK);
    ck_assert_int_eq(kind, DK_DIST_HYPEREXP);
    ck_assert_uint_eq(dk_dist_part_count(e1), 0);
    ck_assert_uint_eq(dk_dist_part_count(NULL), 0);
    dk_dist_free(a);
    dk_dist_free(b);
    dk_dist_free(c);
    dk_dist_free(h);
    dk_dist_free(e1);
    dk_dist_free(e2);
    dk_dist_free(m);
}
END_TEST

START_TEST(sampling_does_not_allocate)
{
    dk_dist_t *a = nested_example(1);
    dk_rng_t r;
    dk_rng_seed(&r, 1);
    dk_alloc_fail_after(0);
    for (int i = 0; i < 10000; i++)
        dk_dist_sample(a, &r);
    dk_alloc_fail_after(-1);
    dk_dist_free(a);
}
END_TEST

START_TEST(out_of_memory_leaks_nothing)
{
    /* Fail the n-th allocation for every n until construction and cloning succeed: each
     * failure is DK_ENOMEM with nothing left behind (ASan's leak check watches the rest). */
    dk_dist_t *src = nested_example(1);
    for (int n = 0; n < 64; n++) {
        dk_error e;
        dk_alloc_fail_after(n);
        dk_dist_t *h = dk_dist_h2(1, 4, &e);
        dk_dist_t *c = dk_dist_clone(src);
        dk_alloc_fail_after(-1);
        if (h == NULL)
            ck_assert_int_eq(e.status, DK_ENOMEM);
        dk_dist_free(h);
        dk_dist_free(c);
    }
    dk_dist_free(src);
}
END_TEST

/* ---- bad input ---- */

static void expect_error(dk_dist_t *d, const dk_error *err, const char *message)
{
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err->status, DK_EINVAL);
    ck_assert_str_eq(err->message, message);
}

START_TEST(bad_input_is_named)
{
    dk_error e;
    dk_dist_t *x = ok(dk_dist_exponential(1, NULL));
    const dk_dist_t *two[] = {x, x}, *holed[] = {x, NULL};
    expect_error(dk_dist_mixture(NULL, NULL, 0, &e), &e, "mixture: needs at least one part");
    expect_error(dk_dist_mixture((double[]){1, -1}, two, 2, &e), &e,
                 "mixture: weight #2 must be a non-negative number (got -1)");
    expect_error(dk_dist_mixture((double[]){NAN, 1}, two, 2, &e), &e,
                 "mixture: weight #1 must be a non-negative number (got nan)");
    expect_error(dk_dist_mixture((double[]){INFINITY, 1}, two, 2, &e), &e,
                 "mixture: weight #1 must be a non-negative number (got inf)");
    expect_error(dk_dist_mixture((double[]){0, 0}, two, 2, &e), &e,
                 "mixture: weights must not all be 0");
    expect_error(dk_dist_mixture((double[]){1e308, 1e308}, two, 2, &e), &e,
                 "mixture: weights must have a finite sum");
    expect_error(dk_dist_mixture((double[]){1, 1}, holed, 2, &e), &e,
                 "mixture: part #2 is missing");
    expect_error(dk_dist_mixture((double[]){1, 1}, NULL, 2, &e), &e, "mixture: part #1 is missing");

    expect_error(dk_dist_hyperexp((double[]){0.5, 0.6}, (double[]){1, 2}, 2, &e), &e,
                 "hyperexponential: probabilities must sum to 1 (got 1.1)");
    expect_error(dk_dist_hyperexp((double[]){0.5, -0.5}, (double[]){1, 2}, 2, &e), &e,
                 "hyperexponential: probability #2 must be a non-negative number (got -0.5)");
    expect_error(dk_dist_hyperexp((double[]){0.5, 0.5}, (double[]){1, 0}, 2, &e), &e,
                 "hyperexponential: mean #2 must be a positive number (got 0)");
    expect_error(dk_dist_hyperexp((double[]){0.5, 0.5}, (double[]){NAN, 1}, 2, &e), &e,
                 "hyperexponential: mean #1 must be a positive number (got nan)");
    expect_error(dk_dist_hyperexp((double[]){1}, NULL, 1, &e), &e,
                 "hyperexponential: mean #1 must be a positive number (got nan)");
    expect_error(dk_dist_hyperexp(NULL, NULL, 0, &e), &e,
                 "hyperexponential: needs at least one part");

    expect_error(dk_dist_h2(1, 0.5, &e), &e,
                 "hyperexponential: scv must be at least 1 (a hyperexponential varies at least "
                 "as much as an exponential) (got 0.5)");
    expect_error(dk_dist_h2(1, NAN, &e), &e, "hyperexponential: scv must be finite (got nan)");
    expect_error(dk_dist_h2(-1, 4, &e), &e, "hyperexponential: mean must be positive (got -1)");
    expect_error(dk_dist_h2(INFINITY, 4, &e), &e,
                 "hyperexponential: mean must be finite (got inf)");
    expect_error(dk_dist_h2(1e300, 1e300, &e), &e,
                 "hyperexponential: scv must be smaller for this mean (got 1e+300)");
    dk_dist_free(x);
}
END_TEST

START_TEST(nesting_is_bounded)
{
    /* A mixture of a mixture of ... : DK_DIST_MAX_DEPTH levels are fine, one more is not, so
     * a draw's recursion stays bounded whatever a model file holds. */
    dk_dist_t *d = ok(dk_dist_constant(7, NULL));
    dk_error e;
    for (int depth = 1; depth <= DK_DIST_MAX_DEPTH; depth++) {
        const dk_dist_t *parts[] = {d};
        dk_dist_t *m = ok(dk_dist_mixture((double[]){1}, parts, 1, &e));
        dk_dist_free(d);
        d = m;
    }
    dk_rng_t r;
    dk_rng_seed(&r, 3);
    ck_assert_double_eq(dk_dist_sample(d, &r), 7);
    const dk_dist_t *parts[] = {d};
    expect_error(dk_dist_mixture((double[]){1}, parts, 1, &e), &e,
                 "mixture: part #1 nests mixtures more than 15 deep");
    dk_dist_free(d);
}
END_TEST

static Suite *mixture_suite(void)
{
    Suite *s = suite_create("dist_mixture");
    TCase *tc = tcase_create("moments");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mixture_moments);
    tcase_add_test(tc, nested_mixture_moments);
    tcase_add_test(tc, hyperexp_moments);
    tcase_add_test(tc, h2_balanced_fit);
    tcase_add_test(tc, infinite_means);
    suite_add_tcase(s, tc);
    tc = tcase_create("copies");
    tcase_add_test(tc, clone_equal_and_same_draws);
    tcase_add_test(tc, sampling_does_not_allocate);
    tcase_add_test(tc, out_of_memory_leaks_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("validation");
    tcase_add_test(tc, bad_input_is_named);
    tcase_add_test(tc, nesting_is_bounded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mixture_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

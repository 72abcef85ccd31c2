/* areas: base */
/* test_stats.c - Student's t against a published table, and the interval of a mean. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "designkit/stats.h"

#define PI 3.14159265358979323846

/* Upper critical values of Student's t, P(T <= t) = p, as printed in the NIST/SEMATECH
 * e-Handbook of Statistical Methods, section 1.3.6.7.2 ("Critical values of the Student's t
 * distribution"), three decimals. */
static const struct {
    double p, df, t;
} published[] = {
    {0.975, 1, 12.706},  {0.975, 2, 4.303},  {0.975, 3, 3.182},  {0.975, 4, 2.776},
    {0.975, 5, 2.571},   {0.975, 9, 2.262},  {0.975, 10, 2.228}, {0.975, 19, 2.093},
    {0.975, 20, 2.086},  {0.975, 29, 2.045}, {0.975, 30, 2.042}, {0.975, 60, 2.000},
    {0.975, 100, 1.984}, {0.95, 1, 6.314},   {0.95, 10, 1.812},  {0.95, 30, 1.697},
    {0.90, 5, 1.476},    {0.90, 20, 1.325},  {0.99, 10, 2.764},  {0.995, 5, 4.032},
    {0.995, 30, 2.750},  {0.999, 10, 4.144}, {0.999, 50, 3.261}, {0.99, 1, 31.821},
    {0.995, 1, 63.657},
};

START_TEST(quantiles_match_the_published_table)
{
    for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
        double t = dk_student_t_quantile(published[i].p, published[i].df);
        ck_assert_msg(fabs(t - published[i].t) <= 0.0005 + 1e-6 * published[i].t,
                      "t(%g, df %g) = %.6f, the table says %.3f", published[i].p, published[i].df,
                      t, published[i].t);
    }
}
END_TEST

START_TEST(quantiles_are_exact_where_a_formula_is_known)
{
    /* df 1 is the Cauchy distribution: t = tan(pi (p - 1/2)). df 2: t = (2p - 1) sqrt(2 /
     * (4 p (1 - p))). Both hold to the last digits. */
    double ps[] = {0.6, 0.75, 0.9, 0.975, 0.999, 0.25, 0.01};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double p = ps[i];
        double cauchy = tan(PI * (p - 0.5));
        double two = (2 * p - 1) * sqrt(2 / (4 * p * (1 - p)));
        ck_assert_double_eq_tol(dk_student_t_quantile(p, 1), cauchy, 1e-9 * fmax(1, fabs(cauchy)));
        ck_assert_double_eq_tol(dk_student_t_quantile(p, 2), two, 1e-9 * fmax(1, fabs(two)));
    }
    /* Very many degrees of freedom: the normal quantile 1.959964. */
    ck_assert_double_eq_tol(dk_student_t_quantile(0.975, 1e9), 1.959963985, 1e-8);
    ck_assert_double_eq_tol(dk_student_t_quantile(0.975, INFINITY), 1.959963985, 1e-8);
}
END_TEST

START_TEST(cdf_inverts_the_quantile_and_is_symmetric)
{
    double dfs[] = {1, 2.5, 7, 40, 300};
    double ps[] = {0.001, 0.05, 0.3, 0.5, 0.8, 0.975, 0.9999};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 7; j++) {
            double t = dk_student_t_quantile(ps[j], dfs[i]);
            ck_assert_double_eq_tol(dk_student_t_cdf(t, dfs[i]), ps[j], 1e-10);
            ck_assert_double_eq_tol(dk_student_t_quantile(1 - ps[j], dfs[i]), -t,
                                    1e-9 * fmax(1, fabs(t)));
        }
    ck_assert_double_eq(dk_student_t_cdf(0, 3), 0.5);
    ck_assert_double_eq(dk_student_t_cdf(INFINITY, 3), 1);
    ck_assert_double_eq(dk_student_t_cdf(-INFINITY, 3), 0);
}
END_TEST

START_TEST(bad_arguments_give_nan)
{
    ck_assert(isnan(dk_student_t_quantile(0, 5)));
    ck_assert(isnan(dk_student_t_quantile(1, 5)));
    ck_assert(isnan(dk_student_t_quantile(1.5, 5)));
    ck_assert(isnan(dk_student_t_quantile(NAN, 5)));
    ck_assert(isnan(dk_student_t_quantile(0.9, 0)));
    ck_assert(isnan(dk_student_t_quantile(0.9, -3)));
    ck_assert(isnan(dk_student_t_cdf(1, 0)));
    ck_assert(isnan(dk_student_t_cdf(NAN, 4)));
}
END_TEST

START_TEST(interval_of_a_small_sample)
{
    /* 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 (the table's 2.776, more digits). */
    double x[] = {1, 2, 3, 4, 5};
    dk_interval ci = dk_interval_of(x, 5);
    ck_assert_double_eq_tol(ci.mean, 3, 1e-12);
    ck_assert_double_eq_tol(ci.half, 2.7764451052 * sqrt(2.5) / sqrt(5), 1e-8);
    ck_assert_uint_eq(ci.n, 5);
}
END_TEST

START_TEST(interval_needs_two_values)
{
    double x[] = {7};
    dk_interval one = dk_interval_of(x, 1);
    ck_assert_double_eq(one.mean, 7);
    ck_assert(isnan(one.half));
    dk_interval none = dk_interval_of(NULL, 0);
    ck_assert_double_eq(none.mean, 0);
    ck_assert(isnan(none.half));
    /* Equal values: no spread, a zero-width interval. */
    double same[] = {4, 4, 4};
    ck_assert_double_eq(dk_interval_of(same, 3).half, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stats");
    TCase *t = tcase_create("student_t");
    tcase_add_test(t, quantiles_match_the_published_table);
    tcase_add_test(t, quantiles_are_exact_where_a_formula_is_known);
    tcase_add_test(t, cdf_inverts_the_quantile_and_is_symmetric);
    tcase_add_test(t, bad_arguments_give_nan);
    suite_add_tcase(s, t);
    t = tcase_create("interval");
    tcase_add_test(t, interval_of_a_small_sample);
    tcase_add_test(t, interval_needs_two_values);
    suite_add_tcase(s, t);
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

/* stats.h - confidence intervals: Student's t distribution and the interval of a mean. */
#ifndef DESIGNKIT_STATS_H
#define DESIGNKIT_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The confidence level of every interval designkit reports. */
#define DK_CONFIDENCE 0.95

/* P(T <= t) for Student's t with `df` > 0 degrees of freedom (df may be fractional; df =
 * INFINITY gives the normal distribution). NaN for df <= 0 or a NaN argument. */
double dk_student_t_cdf(double t, double df);

/* The quantile: the t with dk_student_t_cdf(t, df) == p, for 0 < p < 1, to about 1e-12
 * relative. NaN for p outside (0, 1) or df <= 0. dk_student_t_quantile(0.975, 10) is 2.228. */
double dk_student_t_quantile(double p, double df);

/* An estimate and its interval: the mean of n values and the half-width `half` of its
 * DK_CONFIDENCE interval, [mean - half, mean + half]. With fewer than two values there is no
 * spread to measure: half is NaN (reports write null, or "-"). */
typedef struct dk_interval {
    double mean;
    double half;
    size_t n;
} dk_interval;

/*
 * dk_interval_of - the Student-t interval of the mean of x[0..n): mean +- t(0.975, n-1) s /
 * sqrt(n), s the sample standard deviation. Valid when the values are independent and about
 * normally distributed: means of long enough batches, or of independent replications, are.
 * n == 0 gives mean 0 and half NaN.
 */
dk_interval dk_interval_of(const double *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif

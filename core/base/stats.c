/* stats.c - Student's t distribution and the confidence interval of a mean. */
#include "designkit/stats.h"

#include <math.h>

/* Beyond this many degrees of freedom t is the normal distribution to better than 1e-7, and
 * lgamma's differences below would start to lose more than that. */
#define NORMAL_DF 1e7

/* The continued fraction of the incomplete beta function (modified Lentz's method), which
 * converges fast for x < (a + 1) / (a + b + 2); the caller swaps the arguments otherwise. */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        double m2 = 2.0 * m;
        /* The even step, then the odd one. */
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        c = 1 + num / c;
        d = fabs(d) < tiny ? 1 / tiny : 1 / d;
        if (fabs(c) < tiny)
            c = tiny;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        c = 1 + num / c;
        d = fabs(d) < tiny ? 1 / tiny : 1 / d;
        if (fabs(c) < tiny)
            c = tiny;
        double step = d * c;
        h *= step;
        if (fabs(step - 1) < eps)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double beta_inc(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_cf(a, b, x) / a;
    return 1 - front * beta_cf(b, a, 1 - x) / b;
}

/* P(T > t) for t >= 0: half of I_{df/(df+t^2)}(df/2, 1/2). Computed as the tail itself, not as
 * 1 - cdf, so that quantiles near 1 keep their precision. */
static double upper_tail(double t, double df)
{
    if (df > NORMAL_DF)
        return 0.5 * erfc(t / sqrt(2.0));
    return 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
}

double dk_student_t_cdf(double t, double df)
{
    if (isnan(t) || isnan(df) || !(df > 0))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1 : 0;
    double tail = upper_tail(fabs(t), df);
    return t >= 0 ? 1 - tail : tail;
}

/*
 * dk_student_t_quantile - by bisection on the upper tail, which is monotone: slower than a
 * series (a few hundred evaluations) but correct for every df, fractional ones included, and
 * the reports ask for a handful of quantiles per run.
 */
double dk_student_t_quantile(double p, double df)
{
    if (isnan(p) || isnan(df) || !(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (p == 0.5)
        return 0;
    double q = p > 0.5 ? 1 - p : p; /* the tail beyond |t| */
    double lo = 0, hi = 1;
    while (upper_tail(hi, df) > q && hi < 1e300)
        hi *= 2;
    for (int i = 0; i < 2000 && hi - lo > 1e-14 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (upper_tail(mid, df) > q)
            lo = mid;
        else
            hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return p > 0.5 ? t : -t;
}

/*
 * dk_interval_of - two passes (the mean, then the squared deviations from it), which keeps
 * the variance exact-ish when the values are large and close together (latencies in ns).
 */
dk_interval dk_interval_of(const double *x, size_t n)
{
    dk_interval r = {0, NAN, n};
    if (n == 0)
        return r;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    r.mean = sum / (double)n;
    if (n < 2)
        return r;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - r.mean) * (x[i] - r.mean);
    double s = sqrt(ss / (double)(n - 1));
    double t = dk_student_t_quantile(0.5 + DK_CONFIDENCE / 2, (double)(n - 1));
    r.half = t * s / sqrt((double)n);
    return r;
}

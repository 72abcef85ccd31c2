/* dist.c - probability distributions drawn from a dk_rng_t: constructors, sampling, means. */
#include "designkit/rng.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "designkit/alloc.h"

#define TWO_PI 6.283185307179586476925286766559

struct dk_dist {
    dk_dist_kind kind;
    double a, b; /* constructor parameters in order (zipf: n, s) */
    double mean; /* analytic, computed once */
    /* zipf: H(1.5) - 1, H(n + 0.5) and the squeeze bound of Hormann & Derflinger */
    double h_x1, h_n, s_cap;
    /* empirical: four arrays of n in the same allocation, right after this struct */
    size_t n;
    double *values, *weights, *prob;
    size_t *alias;
};

static const char *const kind_names[] = {"constant",  "uniform", "exponential", "normal",
                                         "lognormal", "pareto",  "zipf",        "empirical"};

#define NKINDS (sizeof kind_names / sizeof kind_names[0])

static dk_dist_t *new_dist(dk_dist_kind kind, double a, double b, dk_error *err)
{
    dk_dist_t *d = dk_calloc(1, sizeof *d);
    if (d == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s: out of memory", kind_names[kind]);
        return NULL;
    }
    d->kind = kind;
    d->a = a;
    d->b = b;
    return d;
}

/* Reports a bad parameter and returns NULL, so constructors read `return bad(...)`. */
static dk_dist_t *bad(dk_error *err, dk_dist_kind kind, const char *param, const char *rule,
                      double got)
{
    dk_error_set(err, DK_EINVAL, "%s: %s must be %s (got %g)", kind_names[kind], param, rule, got);
    return NULL;
}

/* 1 when x is a finite number; NaN and infinities are never valid parameters. */
static int finite(double x)
{
    return isfinite(x) != 0;
}

/*
 * dk_dist_constant - always `value` (finite).
 */
dk_dist_t *dk_dist_constant(double value, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(value))
        return bad(err, DK_DIST_CONSTANT, "value", "finite", value);
    d = new_dist(DK_DIST_CONSTANT, value, 0, err);
    if (d != NULL)
        d->mean = value;
    return d;
}

/*
 * dk_dist_uniform - [lo, hi) with finite lo < hi (and hi - lo finite, so draws cannot
 * overflow).
 */
dk_dist_t *dk_dist_uniform(double lo, double hi, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(lo))
        return bad(err, DK_DIST_UNIFORM, "lo", "finite", lo);
    if (!finite(hi))
        return bad(err, DK_DIST_UNIFORM, "hi", "finite", hi);
    if (!(lo < hi)) {
        dk_error_set(err, DK_EINVAL, "uniform: lo must be less than hi (got lo=%g, hi=%g)", lo, hi);
        return NULL;
    }
    if (!finite(hi - lo)) {
        dk_error_set(err, DK_EINVAL, "uniform: hi - lo must be finite (got lo=%g, hi=%g)", lo, hi);
        return NULL;
    }
    d = new_dist(DK_DIST_UNIFORM, lo, hi, err);
    if (d != NULL)
        d->mean = lo + (hi - lo) / 2;
    return d;
}

/*
 * dk_dist_exponential - mean > 0, finite.
 */
dk_dist_t *dk_dist_exponential(double mean, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(mean))
        return bad(err, DK_DIST_EXPONENTIAL, "mean", "finite", mean);
    if (!(mean > 0))
        return bad(err, DK_DIST_EXPONENTIAL, "mean", "positive", mean);
    d = new_dist(DK_DIST_EXPONENTIAL, mean, 0, err);
    if (d != NULL)
        d->mean = mean;
    return d;
}

/*
 * dk_dist_normal - finite mean, finite stddev >= 0 (0 is a constant, allowed so that a sweep
 * over variability can start from none).
 */
dk_dist_t *dk_dist_normal(double mean, double stddev, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(mean))
        return bad(err, DK_DIST_NORMAL, "mean", "finite", mean);
    if (!finite(stddev))
        return bad(err, DK_DIST_NORMAL, "stddev", "finite", stddev);
    if (!(stddev >= 0))
        return bad(err, DK_DIST_NORMAL, "stddev", "non-negative", stddev);
    d = new_dist(DK_DIST_NORMAL, mean, stddev, err);
    if (d != NULL)
        d->mean = mean;
    return d;
}

/*
 * dk_dist_lognormal - exp(N(mu, sigma)); finite mu, finite sigma >= 0.
 */
dk_dist_t *dk_dist_lognormal(double mu, double sigma, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(mu))
        return bad(err, DK_DIST_LOGNORMAL, "mu", "finite", mu);
    if (!finite(sigma))
        return bad(err, DK_DIST_LOGNORMAL, "sigma", "finite", sigma);
    if (!(sigma >= 0))
        return bad(err, DK_DIST_LOGNORMAL, "sigma", "non-negative", sigma);
    d = new_dist(DK_DIST_LOGNORMAL, mu, sigma, err);
    if (d != NULL)
        d->mean = exp(mu + sigma * sigma / 2);
    return d;
}

/*
 * dk_dist_pareto - P(X > x) = (scale / x)^shape for x >= scale; both positive and finite.
 */
dk_dist_t *dk_dist_pareto(double scale, double shape, dk_error *err)
{
    dk_dist_t *d;
    if (!finite(scale))
        return bad(err, DK_DIST_PARETO, "scale", "finite", scale);
    if (!(scale > 0))
        return bad(err, DK_DIST_PARETO, "scale", "positive", scale);
    if (!finite(shape))
        return bad(err, DK_DIST_PARETO, "shape", "finite", shape);
    if (!(shape > 0))
        return bad(err, DK_DIST_PARETO, "shape", "positive", shape);
    d = new_dist(DK_DIST_PARETO, scale, shape, err);
    if (d != NULL)
        d->mean = shape > 1 ? shape * scale / (shape - 1) : INFINITY;
    return d;
}

/* ---- Zipf ------------------------------------------------------------------------------ */

/* log1p(x) / x, continuous at 0 (where the quotient would be 0/0). */
static double log1p_over_x(double x)
{
    if (fabs(x) > 1e-8)
        return log1p(x) / x;
    return 1 - x * (0.5 - x * (1.0 / 3 - x / 4));
}

/* expm1(x) / x, continuous at 0. */
static double expm1_over_x(double x)
{
    if (fabs(x) > 1e-8)
        return expm1(x) / x;
    return 1 + x * (0.5 + x * (1.0 / 6 + x / 24));
}

/* The unnormalised density h(x) = x^-s. */
static double zipf_h(double s, double x)
{
    return exp(-s * log(x));
}

/* H(x) = integral of h from 1 to x: (x^(1-s) - 1) / (1 - s), and log(x) when s == 1. The
 * expm1 form stays accurate as s approaches 1 instead of dividing two tiny numbers. */
static double zipf_H(double s, double x)
{
    double lx = log(x);
    if (s == 1)
        return lx;
    return expm1_over_x((1 - s) * lx) * lx;
}

/* The inverse of H: (1 + y (1 - s))^(1 / (1 - s)), and exp(y) when s == 1. */
static double zipf_Hinv(double s, double y)
{
    double t;
    if (s == 1)
        return exp(y);
    t = y * (1 - s);
    if (t < -1)
        t = -1; /* rounding can step past H's supremum when s > 1 */
    return exp(log1p_over_x(t) * y);
}

/* sum_{k=1}^{n} k^-a: directly for small n, else the first terms directly and the tail by
 * Euler-Maclaurin (integral, end-point halves, two derivative terms), whose error at k >= 1000
 * is far below double precision. Used only for the analytic mean. */
static double gen_harmonic(double n, double a)
{
    const double k0 = 1000;
    double sum = 0, f0, fn, integral, l;
    if (n <= 20000) {
        for (double k = n; k >= 1; k--)
            sum += pow(k, -a);
        return sum;
    }
    for (double k = k0 - 1; k >= 1; k--)
        sum += pow(k, -a);
    f0 = pow(k0, -a);
    fn = pow(n, -a);
    l = log(n / k0);
    integral = pow(k0, 1 - a) * expm1_over_x((1 - a) * l) * l; /* (n^(1-a) - k0^(1-a))/(1-a) */
    sum += integral + (f0 + fn) / 2;
    sum += (-a * fn / n + a * f0 / k0) / 12;                                          /* f'/12 */
    sum -= (-a * (a + 1) * (a + 2) * (fn / (n * n * n) - f0 / (k0 * k0 * k0))) / 720; /* f'''/720 */
    return sum;
}

/*
 * dk_dist_zipf - integers 1..n with P(k) proportional to k^-s. n >= 1 and at most 2^53 (so
 * every k is an exact double), s >= 0 finite. The constants of rejection-inversion are
 * computed here so that sampling is O(1) and allocation-free.
 */
dk_dist_t *dk_dist_zipf(uint64_t n, double s, dk_error *err)
{
    dk_dist_t *d;
    double nd = (double)n;
    if (n < 1) {
        dk_error_set(err, DK_EINVAL, "zipf: n must be at least 1 (got 0)");
        return NULL;
    }
    if (n > (UINT64_C(1) << 53)) {
        dk_error_set(err, DK_EINVAL, "zipf: n must be at most 2^53 (got %llu)",
                     (unsigned long long)n);
        return NULL;
    }
    if (!finite(s))
        return bad(err, DK_DIST_ZIPF, "s", "finite", s);
    if (!(s >= 0))
        return bad(err, DK_DIST_ZIPF, "s", "non-negative", s);
    d = new_dist(DK_DIST_ZIPF, nd, s, err);
    if (d == NULL)
        return NULL;
    d->h_x1 = zipf_H(s, 1.5) - 1;
    d->h_n = zipf_H(s, nd + 0.5);
    d->s_cap = 2 - zipf_Hinv(s, zipf_H(s, 2.5) - zipf_h(s, 2));
    d->mean = s == 0 ? (nd + 1) / 2 : gen_harmonic(nd, s - 1) / gen_harmonic(nd, s);
    return d;
}

/* One Zipf draw by rejection-inversion (Hormann & Derflinger 1996): invert the integral of a
 * continuous hat over [0.5, n + 0.5], round to the nearest integer k, and accept when the
 * point falls under the histogram bar of k. Acceptance is high for every s, so the expected
 * number of draws is small and independent of n. */
static double zipf_sample(const dk_dist_t *d, dk_rng_t *rng)
{
    double n = d->a, s = d->b;
    if (s == 0)
        return (double)(1 + dk_rng_below(rng, (uint64_t)n));
    for (;;) {
        double u = d->h_n + dk_rng_uniform(rng) * (d->h_x1 - d->h_n);
        double x = zipf_Hinv(s, u);
        double k = floor(x + 0.5);
        if (k < 1)
            k = 1;
        else if (k > n)
            k = n;
        if (k - x <= d->s_cap || u >= zipf_H(s, k + 0.5) - zipf_h(s, k))
            return k;
    }
}

/* ---- empirical ------------------------------------------------------------------------- */

/* Builds Walker's alias table (Vose's stable variant): each column i holds prob[i] of its own
 * value and the rest of alias[i]'s. `work` is n scratch indices: small columns fill it from
 * the front, large ones from the back. */
static void build_alias(dk_dist_t *d, double total, size_t *work)
{
    size_t n = d->n, nsmall = 0, nlarge = 0;
    double *p = d->prob;

    for (size_t i = 0; i < n; i++) {
        p[i] = d->weights[i] / total * (double)n;
        d->alias[i] = i;
        if (p[i] < 1)
            work[nsmall++] = i;
        else
            work[n - 1 - nlarge++] = i;
    }
    while (nsmall > 0 && nlarge > 0) {
        size_t sm = work[--nsmall];
        size_t lg = work[n - nlarge]; /* most recently added large column */
        d->alias[sm] = lg;
        p[lg] -= 1 - p[sm];
        if (p[lg] < 1) {
            nlarge--;
            work[nsmall++] = lg;
        }
    }
    /* What is left is 1 up to rounding: make it exactly 1 so no draw reaches a stale alias. */
    while (nlarge > 0)
        p[work[n - nlarge--]] = 1;
    while (nsmall > 0)
        p[work[--nsmall]] = 1;
}

/*
 * dk_dist_empirical - one of `values` with probability proportional to its weight. Copies
 * both arrays (NULL weights: all 1, and reported as 1 by dk_dist_empirical_at). Values must be
 * finite; weights finite, >= 0, not all 0, with a finite sum. O(n) set-up, O(1) draws.
 */
dk_dist_t *dk_dist_empirical(const double *values, const double *weights, size_t n, dk_error *err)
{
    dk_dist_t *d;
    size_t *work;
    double total = 0;
    size_t bytes;

    if (n == 0 || values == NULL) {
        dk_error_set(err, DK_EINVAL, "empirical: needs at least one value");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!finite(values[i])) {
            dk_error_set(err, DK_EINVAL, "empirical: value #%zu must be finite (got %g)", i + 1,
                         values[i]);
            return NULL;
        }
        if (weights != NULL && !(finite(weights[i]) && weights[i] >= 0)) {
            dk_error_set(err, DK_EINVAL,
                         "empirical: weight #%zu must be a non-negative number (got %g)", i + 1,
                         weights[i]);
            return NULL;
        }
        total += weights != NULL ? weights[i] : 1;
    }
    if (!(total > 0)) {
        dk_error_set(err, DK_EINVAL, "empirical: weights must not all be 0");
        return NULL;
    }
    if (!finite(total)) {
        dk_error_set(err, DK_EINVAL, "empirical: the sum of the weights must be finite");
        return NULL;
    }
    if (n > (SIZE_MAX - sizeof *d) / (3 * sizeof(double) + sizeof(size_t))) {
        dk_error_set(err, DK_ENOMEM, "empirical: too many values (%zu)", n);
        return NULL;
    }
    bytes = sizeof *d + n * (3 * sizeof(double) + sizeof(size_t));
    d = dk_malloc(bytes);
    work = dk_malloc(n * sizeof *work);
    if (d == NULL || work == NULL) {
        dk_free(d);
        dk_free(work);
        dk_error_set(err, DK_ENOMEM, "empirical: out of memory");
        return NULL;
    }
    memset(d, 0, sizeof *d);
    d->kind = DK_DIST_EMPIRICAL;
    d->n = n;
    d->values = (double *)(d + 1); /* sizeof *d is a multiple of double's alignment */
    d->weights = d->values + n;
    d->prob = d->weights + n;
    d->alias = (size_t *)(d->prob + n);
    memcpy(d->values, values, n * sizeof(double));
    d->mean = 0;
    for (size_t i = 0; i < n; i++) {
        d->weights[i] = weights != NULL ? weights[i] : 1;
        d->mean += d->weights[i] / total * values[i];
    }
    build_alias(d, total, work);
    dk_free(work);
    return d;
}

/* ---- common ---------------------------------------------------------------------------- */

/*
 * dk_dist_clone - an independent copy the caller frees; NULL on out-of-memory (or NULL d).
 * Empirical tables are rebuilt from the stored values and weights, which is deterministic and
 * so gives the same table and the same draws.
 */
dk_dist_t *dk_dist_clone(const dk_dist_t *d)
{
    dk_dist_t *c;
    if (d == NULL)
        return NULL;
    if (d->kind == DK_DIST_EMPIRICAL)
        return dk_dist_empirical(d->values, d->weights, d->n, NULL);
    c = dk_malloc(sizeof *c);
    if (c != NULL)
        *c = *d;
    return c;
}

/*
 * dk_dist_free - releases `d`; NULL is a no-op.
 */
void dk_dist_free(dk_dist_t *d)
{
    dk_free(d);
}

/* A standard normal by Box-Muller with two fresh uniforms per draw and the sine half thrown
 * away: it costs a second log/cos, but a const distribution then needs no cached state and a
 * draw depends only on the stream. 1 - u keeps the log argument in (0, 1]. */
static double std_normal(dk_rng_t *rng)
{
    double u1 = 1 - dk_rng_uniform(rng);
    double u2 = dk_rng_uniform(rng);
    return sqrt(-2 * log(u1)) * cos(TWO_PI * u2);
}

/*
 * dk_dist_sample - one draw; allocation-free. A NULL distribution draws 0.
 */
double dk_dist_sample(const dk_dist_t *d, dk_rng_t *rng)
{
    double x;
    if (d == NULL)
        return 0;
    switch (d->kind) {
    case DK_DIST_CONSTANT:
        return d->a;
    case DK_DIST_UNIFORM:
        x = d->a + (d->b - d->a) * dk_rng_uniform(rng);
        return x < d->b ? x : d->a; /* rounding may reach hi; the interval is half-open */
    case DK_DIST_EXPONENTIAL:
        return -d->a * log1p(-dk_rng_uniform(rng));
    case DK_DIST_NORMAL:
        return d->a + d->b * std_normal(rng);
    case DK_DIST_LOGNORMAL:
        return exp(d->a + d->b * std_normal(rng));
    case DK_DIST_PARETO:
        return d->a * exp(-log1p(-dk_rng_uniform(rng)) / d->b);
    case DK_DIST_ZIPF:
        return zipf_sample(d, rng);
    case DK_DIST_EMPIRICAL: {
        size_t i = (size_t)dk_rng_below(rng, d->n);
        return dk_rng_uniform(rng) < d->prob[i] ? d->values[i] : d->values[d->alias[i]];
    }
    }
    return 0;
}

/*
 * dk_dist_mean - the analytic mean: infinity for Pareto with shape <= 1; for Zipf the exact
 * ratio of generalised harmonic numbers (tail by Euler-Maclaurin for large n). 0 for NULL.
 */
double dk_dist_mean(const dk_dist_t *d)
{
    return d != NULL ? d->mean : 0;
}

/*
 * dk_dist_kind_of - the kind of `d` (DK_DIST_CONSTANT for NULL, whose draws are 0).
 */
dk_dist_kind dk_dist_kind_of(const dk_dist_t *d)
{
    return d != NULL ? d->kind : DK_DIST_CONSTANT;
}

/*
 * dk_dist_kind_name - the lower-case name of a kind; "unknown" for a value outside the enum.
 */
const char *dk_dist_kind_name(dk_dist_kind kind)
{
    if ((unsigned)kind >= NKINDS)
        return "unknown";
    return kind_names[kind];
}

/*
 * dk_dist_kind_parse - the kind named exactly (case-sensitive) as dk_dist_kind_name writes it;
 * DK_ENOTFOUND otherwise, DK_EINVAL for NULL arguments.
 */
dk_status dk_dist_kind_parse(const char *name, dk_dist_kind *kind)
{
    if (name == NULL || kind == NULL)
        return DK_EINVAL;
    for (size_t i = 0; i < NKINDS; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (dk_dist_kind)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

/*
 * dk_dist_params - the constructor parameters in order; the count written (0 for empirical).
 */
size_t dk_dist_params(const dk_dist_t *d, double out[2])
{
    if (d == NULL || out == NULL)
        return 0;
    switch (d->kind) {
    case DK_DIST_CONSTANT:
    case DK_DIST_EXPONENTIAL:
        out[0] = d->a;
        return 1;
    case DK_DIST_EMPIRICAL:
        return 0;
    default:
        out[0] = d->a;
        out[1] = d->b;
        return 2;
    }
}

size_t dk_dist_empirical_size(const dk_dist_t *d)
{
    return d != NULL && d->kind == DK_DIST_EMPIRICAL ? d->n : 0;
}

/*
 * dk_dist_empirical_at - the i-th value and weight as given; out-of-range i (or another kind)
 * leaves the outputs untouched. Either output may be NULL.
 */
void dk_dist_empirical_at(const dk_dist_t *d, size_t i, double *value, double *weight)
{
    if (d == NULL || d->kind != DK_DIST_EMPIRICAL || i >= d->n)
        return;
    if (value != NULL)
        *value = d->values[i];
    if (weight != NULL)
        *weight = d->weights[i];
}

/*
 * dk_dist_equal - 1 when kinds and parameters are equal (empirical: same values and weights
 * in the same order), else 0. Two NULLs are equal.
 */
int dk_dist_equal(const dk_dist_t *a, const dk_dist_t *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    if (a->kind != DK_DIST_EMPIRICAL)
        return a->a == b->a &&
               (a->kind == DK_DIST_CONSTANT || a->kind == DK_DIST_EXPONENTIAL || a->b == b->b);
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->values[i] != b->values[i] || a->weights[i] != b->weights[i])
            return 0;
    }
    return 1;
}

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
    /* empirical: four arrays of n in the same allocation, right after this struct; mixture
     * and hyperexponential: weights, prob, parts and alias (values unused) */
    size_t n;
    double *values, *weights, *prob;
    size_t *alias;
    dk_dist_t **parts; /* owned */
    unsigned depth;    /* 0 for a plain distribution; a mixture: 1 + its deepest part's */
};

static const char *const kind_names[] = {
    "constant", "uniform", "exponential", "normal",  "lognormal",
    "pareto",   "zipf",    "empirical",   "mixture", "hyperexponential",
};

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

/* ---- mixtures and hyperexponentials ------------------------------------------------------ */

/* 1 for the kinds made of weighted parts. */
static int is_mixed(const dk_dist_t *d)
{
    return d->kind == DK_DIST_MIXTURE || d->kind == DK_DIST_HYPEREXP;
}

/* The sum of `n` weights, each finite and >= 0, the sum positive and finite; -1 with `err`
 * naming the first bad one (`what`: "weight", "probability") by its 1-based position. */
static double weights_total(dk_dist_kind kind, const double *w, size_t n, const char *what,
                            dk_error *err)
{
    double total = 0;
    if (n == 0 || w == NULL) {
        dk_error_set(err, DK_EINVAL, "%s: needs at least one part", kind_names[kind]);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(finite(w[i]) && w[i] >= 0)) {
            dk_error_set(err, DK_EINVAL, "%s: %s #%zu must be a non-negative number (got %g)",
                         kind_names[kind], what, i + 1, w[i]);
            return -1;
        }
        total += w[i];
    }
    if (!(total > 0)) {
        dk_error_set(err, DK_EINVAL, "%s: %ss must not all be 0", kind_names[kind], what);
        return -1;
    }
    if (!finite(total)) {
        dk_error_set(err, DK_EINVAL, "%s: %ss must have a finite sum", kind_names[kind], what);
        return -1;
    }
    return total;
}

/* A distribution of `n` parts with weights `w` (copied) summing to `total`, its alias table
 * built and its parts NULL for the caller to fill: dk_dist_free is safe at any point of that.
 * One allocation holds the struct, weights, prob, parts and alias, in that order, so every
 * array starts aligned (doubles, then pointers, then size_t). */
static dk_dist_t *new_mixed(dk_dist_kind kind, const double *w, double total, size_t n,
                            dk_error *err)
{
    const size_t per = 2 * sizeof(double) + sizeof(dk_dist_t *) + sizeof(size_t);
    dk_dist_t *d;
    size_t *work;

    if (n > (SIZE_MAX - sizeof *d) / per) {
        dk_error_set(err, DK_ENOMEM, "%s: too many parts (%zu)", kind_names[kind], n);
        return NULL;
    }
    d = dk_calloc(1, sizeof *d + n * per);
    work = dk_malloc(n * sizeof *work);
    if (d == NULL || work == NULL) {
        dk_free(d);
        dk_free(work);
        dk_error_set(err, DK_ENOMEM, "%s: out of memory", kind_names[kind]);
        return NULL;
    }
    d->kind = kind;
    d->n = n;
    d->weights = (double *)(d + 1);
    d->prob = d->weights + n;
    d->parts = (dk_dist_t **)(d->prob + n);
    d->alias = (size_t *)(d->parts + n);
    memcpy(d->weights, w, n * sizeof *w);
    build_alias(d, total, work);
    dk_free(work);
    return d;
}

/* The mean and depth of a mixed distribution whose parts are all there. A part of weight 0
 * never draws, so its mean (infinite, say) does not count: 0 * inf would be NaN. */
static void mixed_finish(dk_dist_t *d, double total)
{
    d->mean = 0;
    d->depth = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->weights[i] > 0)
            d->mean += d->weights[i] / total * d->parts[i]->mean;
        if (d->parts[i]->depth > d->depth)
            d->depth = d->parts[i]->depth;
    }
    d->depth++;
}

/* A mixed distribution of kind `kind` with copies of `parts`; NULL on out-of-memory. */
static dk_dist_t *mixed_copy(dk_dist_kind kind, const double *w, double total,
                             const dk_dist_t *const *parts, size_t n, dk_error *err)
{
    dk_dist_t *d = new_mixed(kind, w, total, n, err);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((d->parts[i] = dk_dist_clone(parts[i])) == NULL) {
            dk_dist_free(d);
            dk_error_set(err, DK_ENOMEM, "%s: out of memory", kind_names[kind]);
            return NULL;
        }
    }
    mixed_finish(d, total);
    return d;
}

/*
 * dk_dist_mixture - part i with probability weights[i] / sum(weights); the parts are copied.
 * DK_EINVAL names the first bad weight or part by its 1-based position; nesting is bounded by
 * DK_DIST_MAX_DEPTH so that a draw's recursion is too.
 */
dk_dist_t *dk_dist_mixture(const double *weights, const dk_dist_t *const *parts, size_t n,
                           dk_error *err)
{
    double total = weights_total(DK_DIST_MIXTURE, weights, n, "weight", err);
    if (total < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (parts == NULL || parts[i] == NULL) {
            dk_error_set(err, DK_EINVAL, "mixture: part #%zu is missing", i + 1);
            return NULL;
        }
        if (parts[i]->depth >= DK_DIST_MAX_DEPTH) {
            dk_error_set(err, DK_EINVAL, "mixture: part #%zu nests mixtures more than %d deep",
                         i + 1, DK_DIST_MAX_DEPTH - 1);
            return NULL;
        }
    }
    return mixed_copy(DK_DIST_MIXTURE, weights, total, parts, n, err);
}

/*
 * dk_dist_hyperexp - exponential phases: mean means[i] with probability probs[i]. The phases
 * are stored as exponential parts, so a draw picks a phase by the alias table and then takes
 * the exponential's fast path.
 */
dk_dist_t *dk_dist_hyperexp(const double *probs, const double *means, size_t n, dk_error *err)
{
    double total = weights_total(DK_DIST_HYPEREXP, probs, n, "probability", err);
    dk_dist_t *d;

    if (total < 0)
        return NULL;
    if (fabs(total - 1) > 1e-6) {
        dk_error_set(err, DK_EINVAL, "hyperexponential: probabilities must sum to 1 (got %.10g)",
                     total);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (means == NULL || !(finite(means[i]) && means[i] > 0)) {
            dk_error_set(err, DK_EINVAL,
                         "hyperexponential: mean #%zu must be a positive number (got %g)", i + 1,
                         means != NULL ? means[i] : NAN);
            return NULL;
        }
    }
    if ((d = new_mixed(DK_DIST_HYPEREXP, probs, total, n, err)) == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if ((d->parts[i] = dk_dist_exponential(means[i], NULL)) == NULL) {
            dk_dist_free(d);
            dk_error_set(err, DK_ENOMEM, "hyperexponential: out of memory");
            return NULL;
        }
    }
    mixed_finish(d, total);
    return d;
}

/*
 * dk_dist_h2 - the balanced-means two-phase fit: p1 m1 = p2 m2 = mean / 2 gives the mean, and
 * E[X^2] = 2 (p1 m1^2 + p2 m2^2) = mean^2 / (2 p1 p2) = (1 + scv) mean^2 gives the variation
 * because p1 p2 = 1 / (2 (scv + 1)). p2 comes from that product rather than (1 - sqrt(.)) / 2,
 * which would cancel to nothing for a large scv.
 */
dk_dist_t *dk_dist_h2(double mean, double scv, dk_error *err)
{
    double p[2], m[2];
    if (!finite(mean))
        return bad(err, DK_DIST_HYPEREXP, "mean", "finite", mean);
    if (!(mean > 0))
        return bad(err, DK_DIST_HYPEREXP, "mean", "positive", mean);
    if (!finite(scv))
        return bad(err, DK_DIST_HYPEREXP, "scv", "finite", scv);
    if (!(scv >= 1))
        return bad(err, DK_DIST_HYPEREXP, "scv",
                   "at least 1 (a hyperexponential varies at "
                   "least as much as an exponential)",
                   scv);
    p[0] = (1 + sqrt((scv - 1) / (scv + 1))) / 2;
    p[1] = 1 / (2 * (scv + 1) * p[0]);
    m[0] = mean / (2 * p[0]);
    m[1] = mean / (2 * p[1]);
    if (!finite(m[1]))
        return bad(err, DK_DIST_HYPEREXP, "scv", "smaller for this mean", scv);
    return dk_dist_hyperexp(p, m, 2, err);
}

size_t dk_dist_part_count(const dk_dist_t *d)
{
    return d != NULL && is_mixed(d) ? d->n : 0;
}

/*
 * dk_dist_part_weight - part i's weight as given; 0 out of range or for another kind.
 */
double dk_dist_part_weight(const dk_dist_t *d, size_t i)
{
    return i < dk_dist_part_count(d) ? d->weights[i] : 0;
}

/*
 * dk_dist_part - part i, borrowed; NULL out of range or for another kind.
 */
const dk_dist_t *dk_dist_part(const dk_dist_t *d, size_t i)
{
    return i < dk_dist_part_count(d) ? d->parts[i] : NULL;
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
    if (is_mixed(d)) { /* the same weights in the same order: the same table and draws */
        double total = 0;
        for (size_t i = 0; i < d->n; i++)
            total += d->weights[i];
        return mixed_copy(d->kind, d->weights, total, (const dk_dist_t *const *)d->parts, d->n,
                          NULL);
    }
    c = dk_malloc(sizeof *c);
    if (c != NULL)
        *c = *d;
    return c;
}

/*
 * dk_dist_free - releases `d` and, for a mixture, its parts; NULL is a no-op.
 */
void dk_dist_free(dk_dist_t *d)
{
    if (d == NULL)
        return;
    if (is_mixed(d))
        for (size_t i = 0; i < d->n; i++)
            dk_dist_free(d->parts[i]);
    dk_free(d);
}

/* ---- the standard exponential: a ziggurat ------------------------------------------------ */

/*
 * Marsaglia & Tsang's ziggurat (2000) for f(x) = exp(-x), 256 layers of equal area
 * v = (r + 1) exp(-r), r = 7.69711747013104972. Layer 0 is the rectangle [0, r] x [0, f(r)] with
 * the tail beyond r stacked on it, an area v drawn as width ZX[0] = v / f(r) = r + 1; layer
 * i >= 1 spans [0, ZX[i]] x [f(ZX[i]), f(ZX[i + 1])], where ZX[1] = r and
 * ZX[i + 1] = -log(f(ZX[i]) + v / ZX[i]), ending at ZX[256] = 0 (the top layer reaches f = 1).
 * r is the root that makes the top layer's area v as well. The constants were computed in
 * 80-bit long double (r by bisection on that residual, 200 steps) and rounded once to double;
 * exact hex literals keep every platform on the same table, hence the same draws.
 *
 * A draw picks layer i and x = u ZX[i]; when x < ZX[i + 1] the point lies under the curve
 * whatever its height, and x is returned: 98.9% of draws, one random word and no logarithm.
 * Otherwise layer 0 means the tail, which is r + a fresh exponential (memorylessness); any
 * other layer draws the height and accepts when it falls under exp(-x), else starts over.
 */
/* clang-format off */
static const double ZX[257] = {
    0x1.164ec94bf5dc1p+3, 0x1.ec9d9297ebb83p+2, 0x1.bc39e51da71fcp+2, 0x1.9e9dc0d487b85p+2,
    0x1.8939fe6f2ed19p+2, 0x1.78750d6eac62fp+2, 0x1.6aa676d4bbf72p+2, 0x1.5ee7ae17313d2p+2,
    0x1.54ad83ccf73f6p+2, 0x1.4b9d7cd4751d1p+2, 0x1.4379766e41362p+2, 0x1.3c14ec7c8b861p+2,
    0x1.354ee27ccf75ep+2, 0x1.2f0e38a4411fp+2, 0x1.293f5ae49aaa5p+2, 0x1.23d2bb659919fp+2,
    0x1.1ebbca0c9fa7cp+2, 0x1.19f03bcb3c2d6p+2, 0x1.156786775442ap+2, 0x1.111a8034392a6p+2,
    0x1.0d031785d48ap+2, 0x1.091c1cdcba54ep+2, 0x1.056118bf58eefp+2, 0x1.01ce2b362ec2ep+2,
    0x1.fcbfe43f6c6e5p+1, 0x1.f626e9791f7a7p+1, 0x1.efcc26750ea4ap+1, 0x1.e9aaf2af383c1p+1,
    0x1.e3bf26e19096p+1, 0x1.de050af4ef19fp+1, 0x1.d87946fec3becp+1, 0x1.d318d6b2738c5p+1,
    0x1.cde0fecf2a97fp+1, 0x1.c8cf442c8c8f4p+1, 0x1.c3e1641c2e0a7p+1, 0x1.bf154de4bef77p+1,
    0x1.ba691d276da5ep+1, 0x1.b5db15091ea0fp+1, 0x1.b1699c003b60ap+1, 0x1.ad13382d845c4p+1,
    0x1.a8d68c2ad86eap+1, 0x1.a4b2543e84c3bp+1, 0x1.a0a563e49f178p+1, 0x1.9caea3a24d9eap+1,
    0x1.98cd0f18d1ad8p+1, 0x1.94ffb34fc2a0ep+1, 0x1.9145ad2f37544p+1, 0x1.8d9e2823b3695p+1,
    0x1.8a085ce695babp+1, 0x1.8683906687342p+1, 0x1.830f12cc0bec3p+1, 0x1.7faa3e96e1412p+1,
    0x1.7c5477d1476d3p+1, 0x1.790d2b56b71f9p+1, 0x1.75d3ce2bd71c3p+1, 0x1.72a7dce5cd218p+1,
    0x1.6f88db1f42507p+1, 0x1.6c7652f9a7b1ep+1, 0x1.696fd4a9748eep+1, 0x1.6674f60c3f432p+1,
    0x1.63855247b2e94p+1, 0x1.60a0897081879p+1, 0x1.5dc640388bd9ep+1, 0x1.5af61fa38e107p+1,
    0x1.582fd4c1b4461p+1, 0x1.5573106f8a75ap+1, 0x1.52bf871acaab2p+1, 0x1.5014f08b99508p+1,
    0x1.4d7307b1cb127p+1, 0x1.4ad98a75da14cp+1, 0x1.4848398d39432p+1, 0x1.45bed851bc92cp+1,
    0x1.433d2c9bd42f8p+1, 0x1.40c2fe9f5eeadp+1, 0x1.3e5018caddedp+1, 0x1.3be447a8d8b83p+1,
    0x1.397f59c345143p+1, 0x1.37211f88ca856p+1, 0x1.34c96b33bc965p+1, 0x1.327810b2aa7dp+1,
    0x1.302ce59265965p+1, 0x1.2de7c0e962d7p+1, 0x1.2ba87b445db51p+1, 0x1.296eee942532bp+1,
    0x1.273af61c7daa6p+1, 0x1.250c6e6403bbap+1, 0x1.22e33524fe55p+1, 0x1.20bf293f0f4a2p+1,
    0x1.1ea02aa9b337p+1, 0x1.1c861a6782a5ap+1, 0x1.1a70da7a2782p+1, 0x1.18604dd6fae9ep+1,
    0x1.1654585c404c1p+1, 0x1.144cdec6f3a2bp+1, 0x1.1249c6a92154ap+1, 0x1.104af660befcep+1,
    0x1.0e50550efcfb7p+1, 0x1.0c59ca900946fp+1, 0x1.0a673f733c819p+1, 0x1.08789cf3aad0fp+1,
    0x1.068dccf1126dbp+1, 0x1.04a6b9e9224a3p+1, 0x1.02c34ef11391bp+1, 0x1.00e377af911d4p+1,
    0x1.fe0e40add09d8p+0, 0x1.fa5c6b3efe1e5p+0, 0x1.f6b1498515edp+0, 0x1.f30cb6ea0bc7fp+0,
    0x1.ef6e8fc5b9168p+0, 0x1.ebd6b154a7678p+0, 0x1.e844f9af4237fp+0, 0x1.e4b947c16a452p+0,
    0x1.e1337b426509bp+0, 0x1.ddb374ad2357fp+0, 0x1.da391538da50ap+0, 0x1.d6c43ed1ea3ffp+0,
    0x1.d354d4130f2adp+0, 0x1.cfeab83ed718p+0, 0x1.cc85cf395a56cp+0, 0x1.c925fd82323fbp+0,
    0x1.c5cb282eab1a4p+0, 0x1.c27534e42e02dp+0, 0x1.bf2409d2dfd85p+0, 0x1.bbd78db07261p+0,
    0x1.b88fa7b324fb6p+0, 0x1.b54c3f8cf2542p+0, 0x1.b20d3d66e8bb5p+0, 0x1.aed289dcaacffp+0,
    0x1.ab9c0df81657ap+0, 0x1.a869b32d0f30fp+0, 0x1.a53b63556c69p+0, 0x1.a21108ad0592dp+0,
    0x1.9eea8dcdde951p+0, 0x1.9bc7ddac7035dp+0, 0x1.98a8e3940bbf4p+0, 0x1.958d8b235828ap+0,
    0x1.9275c048e73e1p+0, 0x1.8f616f3fe1513p+0, 0x1.8c50848cc6094p+0, 0x1.8942ecfa40f54p+0,
    0x1.86389596108e7p+0, 0x1.83316badfe62ap+0, 0x1.802d5ccce7277p+0, 0x1.7d2c56b7d17f7p+0,
    0x1.7a2e476b1240ap+0, 0x1.77331d177d13p+0, 0x1.743ac61fa041cp+0, 0x1.714531150a9fbp+0,
    0x1.6e524cb59a608p+0, 0x1.6b6207e8d3cdfp+0, 0x1.687451bd3ebeep+0, 0x1.65891965c9b8cp+0,
    0x1.62a04e3731a2ep+0, 0x1.5fb9dfa56cf26p+0, 0x1.5cd5bd4119335p+0, 0x1.59f3d6b4e9cf9p+0,
    0x1.57141bc316f27p+0, 0x1.54367c42cb5f8p+0, 0x1.515ae81d900fbp+0, 0x1.4e814f4cb45eap+0,
    0x1.4ba9a1d6b18a4p+0, 0x1.48d3cfcc883c4p+0, 0x1.45ffc94716ca7p+0, 0x1.432d7e6466cdp+0,
    0x1.405cdf44f09c4p+0, 0x1.3d8ddc08d336dp+0, 0x1.3ac064ccfeffcp+0, 0x1.37f469a851afp+0,
    0x1.3529daa8a1ba1p+0, 0x1.3260a7cfb7611p+0, 0x1.2f98c11031721p+0, 0x1.2cd2164a53b5dp+0,
    0x1.2a0c9748bcdaap+0, 0x1.274833bd0189fp+0, 0x1.2484db3c2a329p+0, 0x1.21c27d3b10e05p+0,
    0x1.1f01090a9c4e2p+0, 0x1.1c406dd3d5283p+0, 0x1.19809a93d2396p+0, 0x1.16c17e1777ffbp+0,
    0x1.140306f707dbep+0, 0x1.114523917ac15p+0, 0x1.0e87c207a2f66p+0, 0x1.0bcad03710137p+0,
    0x1.090e3bb4b0072p+0, 0x1.0651f1c7276f8p+0, 0x1.0395df60db162p+0, 0x1.00d9f119a3cd9p+0,
    0x1.fc3c26504a9a1p-1, 0x1.f6c462b57feb5p-1, 0x1.f14c6e202949fp-1, 0x1.ebd41e5e21b62p-1,
    0x1.e65b483cf1044p-1, 0x1.e0e1bf77c31fep-1, 0x1.db6756a429057p-1, 0x1.d5ebdf1d86b8dp-1,
    0x1.d06f28ef0e6fbp-1, 0x1.caf102bc25adbp-1, 0x1.c57139a70d29fp-1, 0x1.bfef99359fe99p-1,
    0x1.ba6beb33f8f89p-1, 0x1.b4e5f794c979bp-1, 0x1.af5d844f224c9p-1, 0x1.a9d255396d261p-1,
    0x1.a4442be14884ap-1, 0x1.9eb2c75ff03bfp-1, 0x1.991de42ad1338p-1, 0x1.93853bdfda244p-1,
    0x1.8de8850d0c52ap-1, 0x1.884772f2be1ecp-1, 0x1.82a1b53fed599p-1, 0x1.7cf6f7c7e8172p-1,
    0x1.7746e23077973p-1, 0x1.71911797990bbp-1, 0x1.6bd5362faa944p-1, 0x1.6612d6d0c68ep-1,
    0x1.60498c7dd2ecfp-1, 0x1.5a78e3db8befdp-1, 0x1.54a0629786f4dp-1, 0x1.4ebf86bcd0b93p-1,
    0x1.48d5c5f35e712p-1, 0x1.42e28ca706748p-1, 0x1.3ce53d12162ap-1, 0x1.36dd2e26d8202p-1,
    0x1.30c9aa526da4bp-1, 0x1.2aa9ee123680bp-1, 0x1.247d26538ff2ep-1, 0x1.1e426e93e49e7p-1,
    0x1.17f8ceb4bdfap-1, 0x1.119f38749f5afp-1, 0x1.0b348479b80fcp-1, 0x1.04b76ed6a7558p-1,
    0x1.fc4d25d683209p-2, 0x1.ef00ccf5f4faap-2, 0x1.e186678f1735ap-2, 0x1.d3da24df17c36p-2,
    0x1.c5f7bd78c3f89p-2, 0x1.b7da5dddda3c4p-2, 0x1.a97c8be5d5203p-2, 0x1.9ad80552237d2p-2,
    0x1.8be5954d3606fp-2, 0x1.7c9cdda17d019p-2, 0x1.6cf40f0a72bbdp-2, 0x1.5cdf89d024ac3p-2,
    0x1.4c515c60bfe21p-2, 0x1.3b388fe3d6ecap-2, 0x1.2980290da2633p-2, 0x1.170db24d6f67p-2,
    0x1.03bf049c65c3cp-2, 0x1.decd8b76dbd98p-3, 0x1.b38d1ef79b7ccp-3, 0x1.85090fbc27a8p-3,
    0x1.522e6e54a2a73p-3, 0x1.19335a95b8dbap-3, 0x1.ad6b2495b4d2bp-4, 0x1.0589d8b5d4119p-4,
    0x0p+0
};
/* clang-format on */

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

static double std_exponential_loop(dk_rng_t *rng);

/* The draws that miss the fast path (1.1%): the tail or a height test. Returns the draw, or a
 * negative number to start over. Kept out of line so the fast path needs no stack frame. */
static NOINLINE double exponential_slow(dk_rng_t *rng, unsigned i, double x)
{
    if (i == 0) /* the tail beyond r: r plus a fresh exponential, by memorylessness */
        return ZX[1] + std_exponential_loop(rng);
    double f_lo = exp(-ZX[i]), f_hi = exp(-ZX[i + 1]);
    return f_lo + dk_rng_uniform(rng) * (f_hi - f_lo) < exp(-x) ? x : -1;
}

static inline double std_exponential(dk_rng_t *rng)
{
    for (;;) {
        uint64_t bits = dk_rng_next(rng);
        unsigned i = (unsigned)(bits >> 3) & 0xff;           /* bits 3..10: the layer */
        double x = (double)(bits >> 11) * 0x1.0p-53 * ZX[i]; /* bits 11..63: u in [0, 1) */
        if (x < ZX[i + 1])
            return x;
        x = exponential_slow(rng, i, x);
        if (x >= 0)
            return x;
    }
}

/* The tail's draw: a call, so the fast path's loop stays a leaf apart from the RNG. */
static double std_exponential_loop(dk_rng_t *rng)
{
    return std_exponential(rng);
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

/* A draw from any kind but the exponential (d != NULL). */
static NOINLINE double sample_other(const dk_dist_t *d, dk_rng_t *rng)
{
    double x;
    switch (d->kind) {
    case DK_DIST_CONSTANT:
        return d->a;
    case DK_DIST_UNIFORM:
        x = d->a + (d->b - d->a) * dk_rng_uniform(rng);
        return x < d->b ? x : d->a; /* rounding may reach hi; the interval is half-open */
    case DK_DIST_EXPONENTIAL:
        return d->a * std_exponential(rng);
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
    case DK_DIST_MIXTURE:
    case DK_DIST_HYPEREXP: { /* the part by the alias table, then a draw of it */
        size_t i = (size_t)dk_rng_below(rng, d->n);
        if (dk_rng_uniform(rng) >= d->prob[i])
            i = d->alias[i];
        return dk_dist_sample(d->parts[i], rng);
    }
    }
    return 0;
}

/*
 * dk_dist_sample - one draw; allocation-free. A NULL distribution draws 0.
 */
double dk_dist_sample(const dk_dist_t *d, dk_rng_t *rng)
{
    if (d == NULL)
        return 0;
    if (d->kind == DK_DIST_EXPONENTIAL) /* the simulator's common case, without a frame */
        return d->a * std_exponential(rng);
    return sample_other(d, rng);
}

/*
 * dk_dist_mean - the analytic mean: infinity for Pareto with shape <= 1; for Zipf the exact
 * ratio of generalised harmonic numbers (tail by Euler-Maclaurin for large n); for a mixture
 * the weighted mean of its parts'. 0 for NULL.
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
 * dk_dist_params - the constructor parameters in order; the count written (0 for empirical and
 * mixed kinds).
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
    case DK_DIST_MIXTURE:
    case DK_DIST_HYPEREXP:
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
    if (is_mixed(a)) {
        if (a->n != b->n)
            return 0;
        for (size_t i = 0; i < a->n; i++)
            if (a->weights[i] != b->weights[i] || !dk_dist_equal(a->parts[i], b->parts[i]))
                return 0;
        return 1;
    }
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

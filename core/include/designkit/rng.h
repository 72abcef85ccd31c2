/* rng.h - the seedable random number generator and the distributions drawn from it. */
#ifndef DESIGNKIT_RNG_H
#define DESIGNKIT_RNG_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64. A value type on purpose:
 * the simulator embeds one stream per component so that adding a component does not perturb
 * the draws of the others, and the hot path must not chase a pointer to reach it. */
typedef struct dk_rng {
    uint64_t s[4];
} dk_rng_t;

/* Seeds from one 64-bit value (any value, 0 included). */
void dk_rng_seed(dk_rng_t *rng, uint64_t seed);

/* Seeds an independent stream from a seed and a label (e.g. a component's name), so streams are
 * named, not numbered: the same (seed, label) always gives the same stream. */
void dk_rng_seed_named(dk_rng_t *rng, uint64_t seed, const char *label);

uint64_t dk_rng_next(dk_rng_t *rng);              /* 64 random bits */
double dk_rng_uniform(dk_rng_t *rng);             /* [0, 1), 53 bits */
uint64_t dk_rng_below(dk_rng_t *rng, uint64_t n); /* [0, n), unbiased (Lemire); n == 0 gives 0 */

/* ---- distributions ------------------------------------------------------------------------ */

typedef enum dk_dist_kind {
    DK_DIST_CONSTANT,    /* value */
    DK_DIST_UNIFORM,     /* lo, hi: [lo, hi) */
    DK_DIST_EXPONENTIAL, /* mean */
    DK_DIST_NORMAL,      /* mean, stddev (draws may be negative; callers clamp) */
    DK_DIST_LOGNORMAL,   /* mu, sigma of the underlying normal */
    DK_DIST_PARETO,      /* scale x_m > 0, shape alpha > 0 */
    DK_DIST_ZIPF,        /* n >= 1, s >= 0: integers 1..n with P(k) proportional to k^-s */
    DK_DIST_EMPIRICAL,   /* values with weights: draws one of the values */
    DK_DIST_MIXTURE,     /* parts with weights: draws a part, then from it */
    DK_DIST_HYPEREXP     /* exponential phases with probabilities: an exponential's mean drawn */
} dk_dist_kind;

typedef struct dk_dist dk_dist_t;

/* Constructors return a distribution the caller frees with dk_dist_free, or NULL with `err`
 * naming the bad parameter ("exponential: mean must be positive (got -1)"). Parameters are
 * plain numbers; what unit they are in (nanoseconds for durations) is the caller's business. */
dk_dist_t *dk_dist_constant(double value, dk_error *err);
dk_dist_t *dk_dist_uniform(double lo, double hi, dk_error *err);
dk_dist_t *dk_dist_exponential(double mean, dk_error *err);
dk_dist_t *dk_dist_normal(double mean, double stddev, dk_error *err);
dk_dist_t *dk_dist_lognormal(double mu, double sigma, dk_error *err);
dk_dist_t *dk_dist_pareto(double scale, double shape, dk_error *err);
/* Zipf by rejection-inversion (Hormann & Derflinger 1996): O(1) memory and time per draw, so
 * n may be 1e9. */
dk_dist_t *dk_dist_zipf(uint64_t n, double s, dk_error *err);
/* Copies `values` and `weights` (weights >= 0, not all 0; NULL weights means equal). Draws in
 * O(1) by Walker's alias method. */
dk_dist_t *dk_dist_empirical(const double *values, const double *weights, size_t n, dk_error *err);

/* How deep mixtures may nest (a mixture of plain distributions is 1 deep): a bound on the
 * recursion of a draw, whatever a model file holds. */
#define DK_DIST_MAX_DEPTH 16

/* A mixture: part i with probability weights[i] / sum(weights). Deep-copies the `n` parts
 * (the caller keeps its own). Weights finite, >= 0, not all 0; parts non-NULL and no deeper
 * than DK_DIST_MAX_DEPTH - 1. The mean is the weighted mean of the parts' (infinite if a part
 * of positive weight has an infinite mean). O(1) draws: an alias table picks the part. */
dk_dist_t *dk_dist_mixture(const double *weights, const dk_dist_t *const *parts, size_t n,
                           dk_error *err);
/* A hyperexponential: with probability probs[i], an exponential of mean means[i] (both copied).
 * Probabilities finite, >= 0, summing to 1 (within 1e-6; they are then normalised); means
 * finite and > 0. Its squared coefficient of variation is >= 1: the burstier-than-Poisson
 * service times of M/H2/1. */
dk_dist_t *dk_dist_hyperexp(const double *probs, const double *means, size_t n, dk_error *err);
/* The two-phase hyperexponential of mean `mean` (> 0) and squared coefficient of variation
 * `scv` (>= 1) with balanced means (p1 m1 = p2 m2), the usual fit from two moments:
 * p1 = (1 + sqrt((scv - 1) / (scv + 1))) / 2, m_i = mean / (2 p_i). scv == 1 is exponential. */
dk_dist_t *dk_dist_h2(double mean, double scv, dk_error *err);

dk_dist_t *dk_dist_clone(const dk_dist_t *d); /* NULL on out-of-memory */
void dk_dist_free(dk_dist_t *d);              /* NULL is a no-op */

/* One draw. Never allocates. */
double dk_dist_sample(const dk_dist_t *d, dk_rng_t *rng);

/* The distribution's analytic mean (infinity for Pareto with shape <= 1). */
double dk_dist_mean(const dk_dist_t *d);

dk_dist_kind dk_dist_kind_of(const dk_dist_t *d);
const char *dk_dist_kind_name(dk_dist_kind kind); /* "constant", "uniform", "exponential", ... */
/* Parses a kind name as dk_dist_kind_name writes it; DK_ENOTFOUND if it is none. */
dk_status dk_dist_kind_parse(const char *name, dk_dist_kind *kind);

/* The constructor parameters, in the order the constructor takes them: constant 1, uniform 2,
 * exponential 1, normal 2, lognormal 2, pareto 2, zipf 2 (n, s). Empirical, mixture and
 * hyperexponential have none here: use dk_dist_empirical_size/_at and dk_dist_part_count/
 * _weight/_part. Returns the count written (at most 2). */
size_t dk_dist_params(const dk_dist_t *d, double out[2]);
size_t dk_dist_empirical_size(const dk_dist_t *d); /* 0 for other kinds */
/* The i-th value and its weight as given (not normalised). */
void dk_dist_empirical_at(const dk_dist_t *d, size_t i, double *value, double *weight);
/* Mixtures and hyperexponentials: the number of parts (0 for other kinds), and part i's weight
 * as given (a hyperexponential's probability) and distribution (a hyperexponential's phase is
 * an exponential of its mean). The part is borrowed, valid while `d` is; NULL out of range. */
size_t dk_dist_part_count(const dk_dist_t *d);
double dk_dist_part_weight(const dk_dist_t *d, size_t i);
const dk_dist_t *dk_dist_part(const dk_dist_t *d, size_t i);

/* Two distributions are equal when kind and parameters are (used by round-trip tests); the
 * parts of mixtures are compared in order, recursively. */
int dk_dist_equal(const dk_dist_t *a, const dk_dist_t *b);

#ifdef __cplusplus
}
#endif
#endif

/* retry.h - retries: exponential backoff with jitter, a retry budget, and the policy joining them.
 */
#ifndef DESIGNKIT_RETRY_H
#define DESIGNKIT_RETRY_H

#include <stdint.h>
#include "designkit/rng.h"
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The jitters of the AWS Architecture Blog's "Exponential Backoff And Jitter" (Brooker, 2015),
 * for the k-th retry (k = 0 first), with e_k = min(cap, base * multiplier^k):
 *   none          e_k
 *   full          uniform [0, e_k)                                   mean e_k / 2
 *   equal         e_k / 2 + uniform [0, e_k / 2)                     mean 3 e_k / 4
 *   decorrelated  min(cap, uniform [base, 3 * previous))  previous = base before the first
 */
#define DK_JITTERS(X)                                                                              \
    X(NONE, "none")                                                                                \
    X(FULL, "full")                                                                                \
    X(EQUAL, "equal")                                                                              \
    X(DECORRELATED, "decorrelated")

typedef enum dk_jitter {
#define DK__JITTER_ENUM(id, name) DK_JITTER_##id,
    DK_JITTERS(DK__JITTER_ENUM)
#undef DK__JITTER_ENUM
} dk_jitter;

extern const char *const dk_jitter_names[]; /* in enum order, NULL-terminated */
const char *dk_jitter_name(dk_jitter j);
dk_status dk_jitter_parse(const char *name, dk_jitter *out); /* DK_ENOTFOUND */

typedef struct dk_backoff {
    int64_t base_ns;   /* > 0 */
    int64_t cap_ns;    /* >= base_ns */
    double multiplier; /* >= 1, finite (2 for the blog's formulas) */
    dk_jitter jitter;
} dk_backoff;

/* DK_EINVAL with `err` naming the field ("retry: cap must be at least base"). */
dk_status dk_backoff_check(const dk_backoff *b, dk_error *err);

/* The delay before retry `k` (0: the first retry). `previous_ns` is the delay returned for
 * retry k - 1 (any value for k = 0): only decorrelated jitter reads it. Draws from `rng`
 * (unused by none). Pure: no state but the rng. */
int64_t dk_backoff_delay(const dk_backoff *b, uint32_t k, int64_t previous_ns, dk_rng_t *rng);

/*
 * A retry budget, as Finagle's: over the last `window_ns`, retries may be at most
 * `ratio` * requests + `min_per_second` * the window in seconds. It stops a failing dependency
 * from receiving (1 + retries) times its load: with ratio 0.2 the extra load is bounded by 20 %.
 * The window is kept in ten buckets. Not thread-safe; one owner.
 */
typedef struct dk_retry_budget dk_retry_budget_t;

/* ratio in [0, 1000], min_per_second >= 0, window_ns >= 10 ns (all finite). Caller frees
 * with dk_retry_budget_free. NULL with `err` on a bad argument or DK_ENOMEM. */
dk_retry_budget_t *dk_retry_budget_new(double ratio, double min_per_second, int64_t window_ns,
                                       dk_error *err);
void dk_retry_budget_free(dk_retry_budget_t *rb); /* NULL is a no-op */
/* A first attempt at `now` (a deposit). */
void dk_retry_budget_request(dk_retry_budget_t *rb, int64_t now);
/* Whether a retry at `now` fits the budget: 1 and counted, or 0. */
int dk_retry_budget_try(dk_retry_budget_t *rb, int64_t now);

/*
 * A retry policy: at most `max_attempts` attempts per request (the first included), spaced by
 * `backoff`, each attempt abandoned after `timeout_ns` (0: none), and, when `budget` is set,
 * within a retry budget. Not thread-safe; one owner.
 */
typedef struct dk_retry_config {
    uint32_t max_attempts; /* 1 .. 1000; 1 never retries */
    dk_backoff backoff;
    int64_t timeout_ns;       /* >= 0; 0: no timeout */
    int budget;               /* 1: use the budget below */
    double budget_ratio;      /* see dk_retry_budget_new */
    double budget_min_per_s;  /* see dk_retry_budget_new */
    int64_t budget_window_ns; /* see dk_retry_budget_new */
} dk_retry_config;

/* 3 attempts, base 100 ms, cap 10 s, multiplier 2, full jitter, no timeout, no budget (a
 * budget when set defaults to ratio 0.2, 10 per second, 10 s). */
void dk_retry_config_default(dk_retry_config *c);

typedef struct dk_retry dk_retry_t;

/* Caller frees with dk_retry_free. `seed` seeds the jitter's own stream. NULL with `err`. */
dk_retry_t *dk_retry_new(const dk_retry_config *c, uint64_t seed, dk_error *err);
void dk_retry_free(dk_retry_t *r); /* NULL is a no-op */
const dk_retry_config *dk_retry_config_of(const dk_retry_t *r);

/* A new request's first attempt at `now` (deposits into the budget). */
void dk_retry_begin(dk_retry_t *r, int64_t now);

/* After attempt number `attempts` (1: the first) failed at `now`: the delay before the next
 * attempt in nanoseconds (>= 0), or -1 when there is none (attempts exhausted, or the budget
 * says no). `previous_ns` is the delay returned before (decorrelated jitter reads it). */
int64_t dk_retry_next(dk_retry_t *r, int64_t now, uint32_t attempts, int64_t previous_ns);

/* The backoff before retry `k` (0: the first) drawn from the policy's own stream, without the
 * attempt bound or the budget (what a script asks to see the delays). */
int64_t dk_retry_backoff(dk_retry_t *r, uint32_t k, int64_t previous_ns);

typedef struct dk_retry_stats {
    uint64_t requests, retries, exhausted, budget_denied;
} dk_retry_stats;
void dk_retry_stats_get(const dk_retry_t *r, dk_retry_stats *out);

#ifdef __cplusplus
}
#endif
#endif

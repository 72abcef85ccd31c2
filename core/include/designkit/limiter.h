/* limiter.h - rate limiters: token bucket, leaky bucket (meter and queue), fixed window,
 * sliding-window log, sliding-window counter and GCRA, global or per key with bounded memory.
 *
 * Time is always an argument (int64 nanoseconds, any origin, never decreasing per limiter: an
 * earlier time is taken as the latest one seen), never a clock read, so the same calls give the
 * same answers in a test, a script or the simulator. Not thread-safe; one owner. */
#ifndef DESIGNKIT_LIMITER_H
#define DESIGNKIT_LIMITER_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The algorithms, in enum order: X(ID, name). T = the emission interval 1/rate, rounded to a
 * whole nanosecond; W = burst x T, the window of the window algorithms (burst requests per
 * window average out to `rate`). Every one allows `burst` requests at once from rest. */
#define DK_LIMITER_ALGORITHMS(X)                                                                   \
    X(TOKEN_BUCKET, "token_bucket")     /* burst tokens, one per T refilled; a request takes 1 */  \
    X(LEAKY_BUCKET, "leaky_bucket")     /* meter: a bucket of burst drains one per T; full = no */ \
    X(LEAKY_QUEUE, "leaky_queue")       /* queue: requests leave one per T; returns the delay */   \
    X(FIXED_WINDOW, "fixed_window")     /* at most burst in each [kW, (k+1)W) */                   \
    X(SLIDING_LOG, "sliding_log")       /* at most burst allowed in any (t - W, t] */              \
    X(SLIDING_WINDOW, "sliding_window") /* previous window's count weighted by its overlap */      \
    X(GCRA, "gcra")                     /* theoretical arrival time, tolerance (burst - 1) x T */

typedef enum dk_limiter_algorithm {
#define DK__LIMITER_ENUM(id, name) DK_LIMITER_##id,
    DK_LIMITER_ALGORITHMS(DK__LIMITER_ENUM)
#undef DK__LIMITER_ENUM
} dk_limiter_algorithm;

/* Every algorithm's name in enum order, NULL-terminated (what a gateway's schema offers). */
extern const char *const dk_limiter_algorithm_names[];
const char *dk_limiter_algorithm_name(dk_limiter_algorithm a); /* "gcra"; "unknown" */
/* The algorithm named `name`. DK_ENOTFOUND with `err` listing the valid names. */
dk_status dk_limiter_algorithm_parse(const char *name, dk_limiter_algorithm *out, dk_error *err);

typedef struct dk_limiter_config {
    dk_limiter_algorithm algorithm;
    double rate;     /* requests per second: 0.001 .. 1e9 (T from 1 ns to 1000 s) */
    int64_t burst;   /* >= 1, <= 1e6: requests allowed at once; the window's limit */
    size_t max_keys; /* 0: one limiter for every key; else at most this many keys' states */
    /* Per key: a key unseen for this long is forgotten (0: 2W, after which every algorithm's
     * state of a key is that of a new one, so forgetting it changes no decision). */
    int64_t idle;
} dk_limiter_config;

typedef struct dk_limiter dk_limiter_t;

/*
 * dk_limiter_new - a limiter as `cfg` says. Caller frees with dk_limiter_free. NULL with `err`:
 * DK_EINVAL for a rate that is not a number in range, a burst < 1 or > 1e6, an unknown
 * algorithm, a negative idle; DK_ERANGE when burst^2 x T overflows (sliding_window's sums);
 * DK_ENOMEM. Per-key state grows as keys come, up to max_keys; at the cap, the key seen least
 * recently is forgotten to make room (it starts afresh: that key may then get more than its
 * rate, the price of bounded memory).
 */
dk_limiter_t *dk_limiter_new(const dk_limiter_config *cfg, dk_error *err);
void dk_limiter_free(dk_limiter_t *l); /* NULL is a no-op */

/*
 * dk_limiter_allow - decides one request of `key` (ignored by a global limiter) at `now` ns
 * (|now| <= 2^62, about 146 years, so that no sum of times overflows):
 * 1 allowed, 0 rejected, -1 out of memory (a new key's state could not be made; the request
 * is neither allowed nor counted). *wait (may be NULL): after a reject, the ns until the same key's
 * next request would be allowed if none came in between; after an allow, the ns the request must
 * wait before it leaves (leaky_queue; 0 for the others). Allocates only when a new key needs room
 * beyond what earlier keys made.
 */
int dk_limiter_allow(dk_limiter_t *l, uint64_t key, int64_t now, int64_t *wait);

/* Keys whose state is held now (1 for a global limiter once used, 0 before). */
size_t dk_limiter_keys(const dk_limiter_t *l);
/* The config as made (with idle resolved), and T in ns. */
const dk_limiter_config *dk_limiter_get_config(const dk_limiter_t *l);
int64_t dk_limiter_interval(const dk_limiter_t *l);

#ifdef __cplusplus
}
#endif
#endif

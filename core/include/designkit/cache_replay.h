/* cache_replay.h - replays a block trace through cache policies and sizes: hit-ratio tables and
 * their picture. */
#ifndef DESIGNKIT_CACHE_REPLAY_H
#define DESIGNKIT_CACHE_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The requests of a trace (designkit/trace.h's .lis format), one key per requested block: a
 * line of `count` blocks from `start` is the count requests start, start + 1, .... Held in
 * memory so that every policy and size replays the same keys, and Belady's MIN can look ahead.
 * Not thread-safe; one owner. */
typedef struct dk_key_trace dk_key_trace_t;

/* The most requests a trace may expand to (8 bytes each): beyond, DK_ERANGE. */
#define DK_KEY_TRACE_MAX ((size_t)1 << 28)

/* Reads a trace from `f` to its end, or from `text` (len bytes), named `source` in messages
 * ("OLTP.lis:12: expected 4 fields ..."). NULL with `err` set: DK_EPARSE or DK_ERANGE at the
 * first bad line, DK_EIO, DK_ENOMEM. Caller frees with dk_key_trace_free. */
dk_key_trace_t *dk_key_trace_read(FILE *f, const char *source, dk_error *err);
dk_key_trace_t *dk_key_trace_parse(const char *text, size_t len, const char *source, dk_error *err);
void dk_key_trace_free(dk_key_trace_t *t);
size_t dk_key_trace_len(const dk_key_trace_t *t);
const uint64_t *dk_key_trace_keys(const dk_key_trace_t *t); /* borrowed */

/* The hits of a cache of `policy` (a dk_cache_policy_names name, or "min": Belady's offline
 * optimum) and `capacity` entries over `keys`: each request a get and, on a miss, a put, with
 * nothing expiring. DK_EINVAL (unknown policy, naming the valid ones; zero capacity),
 * DK_ENOMEM. */
dk_status dk_cache_replay(const uint64_t *keys, size_t n, const char *policy, uint64_t capacity,
                          uint64_t *hits, dk_error *err);

/* An SVG picture of hit ratio (0..1) against cache size, one line per policy:
 * ratios[p * nsizes + s] is policy p's at sizes[s] (sizes increasing). A self-contained
 * document; NULL on DK_EINVAL (no policy or size, sizes not increasing, a ratio outside 0..1)
 * or DK_ENOMEM with `err` set. Caller frees with dk_free. */
char *dk_cache_replay_svg(const char *title, const char *const *policies, size_t npolicies,
                          const uint64_t *sizes, size_t nsizes, const double *ratios,
                          dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* hist.h - a fixed-memory, mergeable latency histogram with log-linear buckets. */
#ifndef DESIGNKIT_HIST_H
#define DESIGNKIT_HIST_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values are non-negative 64-bit integers (nanoseconds in the simulator). Buckets are
 * log-linear as in HdrHistogram: each power-of-two range is split into DK_HIST_SUB linear
 * sub-buckets, so any reported percentile is within 1/DK_HIST_SUB (< 1%) of a recorded value.
 * Memory is fixed at creation; recording never allocates. Count, sum, min and max are exact. */
#define DK_HIST_SUB 128

typedef struct dk_hist dk_hist_t;

dk_hist_t *dk_hist_new(dk_status *status); /* caller frees with dk_hist_free */
void dk_hist_free(dk_hist_t *h);
void dk_hist_reset(dk_hist_t *h);

void dk_hist_record(dk_hist_t *h, int64_t value); /* negative values count as 0 */
void dk_hist_record_n(dk_hist_t *h, int64_t value, uint64_t count);

uint64_t dk_hist_count(const dk_hist_t *h);
int64_t dk_hist_min(const dk_hist_t *h);   /* 0 when empty */
int64_t dk_hist_max(const dk_hist_t *h);   /* 0 when empty */
double dk_hist_mean(const dk_hist_t *h);   /* exact; 0 when empty */
double dk_hist_stddev(const dk_hist_t *h); /* exact from sum of squares; 0 when empty */

/* The value at percentile p (0..100): the smallest bucket whose cumulative count reaches
 * ceil(p/100 * count), reported as that bucket's midpoint clamped to [min, max]. 0 when empty. */
int64_t dk_hist_percentile(const dk_hist_t *h, double p);

/* Adds src's counts into dst. Both have the same fixed layout, so this never fails except for
 * NULL arguments (DK_EINVAL). */
dk_status dk_hist_merge(dk_hist_t *dst, const dk_hist_t *src);

#ifdef __cplusplus
}
#endif
#endif

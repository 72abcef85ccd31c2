/* hist.h - a mergeable latency histogram with log-linear buckets, memory as recorded. */
#ifndef DESIGNKIT_HIST_H
#define DESIGNKIT_HIST_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values are non-negative 64-bit integers (nanoseconds in the simulator). Buckets are
 * log-linear as in HdrHistogram: each power-of-two range is split into DK_HIST_SUB linear
 * sub-buckets, so any reported percentile is within 1/DK_HIST_SUB (< 1%) of a recorded value.
 * Count, sum, sum of squares, min and max are exact.
 *
 * Memory follows what was recorded: an empty histogram is a header of about 300 bytes, and
 * the counters come in blocks of DK_HIST_BLOCK buckets (256 bytes), each allocated by the
 * first value that falls in it. A simulator holds one histogram per component and per request
 * class, most of which record a narrow band of latencies or nothing at all. Once its blocks
 * exist a histogram allocates nothing more: recording a value in a band seen before (also
 * after dk_hist_reset, which keeps the blocks) cannot fail. */
#define DK_HIST_SUB 128
#define DK_HIST_BLOCK 32

typedef struct dk_hist dk_hist_t;

dk_hist_t *dk_hist_new(dk_status *status); /* caller frees with dk_hist_free */
void dk_hist_free(dk_hist_t *h);
void dk_hist_reset(dk_hist_t *h); /* forgets the values, keeps the blocks */

/* Records `value` (negative values count as 0) once, or `count` times (count 0 is a no-op).
 * DK_ENOMEM when the value needs a block that cannot be allocated: the histogram is then
 * unchanged, the value not counted anywhere, so its statistics stay consistent. DK_EINVAL for
 * a NULL histogram. */
dk_status dk_hist_record(dk_hist_t *h, int64_t value);
dk_status dk_hist_record_n(dk_hist_t *h, int64_t value, uint64_t count);

/* A value bound for a histogram, for dk_hist_record_batch. */
typedef struct dk_hist_sample {
    dk_hist_t *hist;
    int64_t value;
} dk_hist_sample;

/* Records samples[0..n) in order, each as dk_hist_record would: the same counts, sums and
 * extremes. Faster than one call per sample when the samples go to many histograms that are
 * not in the cache (a simulator's 10^5 components), because it fetches the lines of the
 * samples ahead while it records the current one, so that their cache misses overlap instead
 * of following one another. Stops at the first failure (DK_ENOMEM for a block that cannot be
 * allocated, DK_EINVAL for a NULL histogram) and stores in *recorded (may be NULL) how many
 * samples were recorded before it. */
dk_status dk_hist_record_batch(const dk_hist_sample *samples, size_t n, size_t *recorded);

uint64_t dk_hist_count(const dk_hist_t *h);
long double dk_hist_sum(const dk_hist_t *h); /* the exact sum, rounded once; 0 when empty */
int64_t dk_hist_min(const dk_hist_t *h);     /* 0 when empty */
int64_t dk_hist_max(const dk_hist_t *h);     /* 0 when empty */
double dk_hist_mean(const dk_hist_t *h);     /* exact; 0 when empty */
double dk_hist_stddev(const dk_hist_t *h);   /* exact from sum of squares; 0 when empty */

/* The value at percentile p (0..100): the smallest bucket whose cumulative count reaches
 * ceil(p/100 * count), reported as that bucket's midpoint clamped to [min, max]. 0 when empty. */
int64_t dk_hist_percentile(const dk_hist_t *h, double p);

/* Adds src's counts into dst, allocating the blocks dst lacks first: DK_ENOMEM leaves dst
 * unchanged; DK_EINVAL for NULL arguments. */
dk_status dk_hist_merge(dk_hist_t *dst, const dk_hist_t *src);

/* The bytes the histogram holds (header and blocks, not the allocator's own overhead); 0 for
 * NULL. For reports on memory use and the tests that bound it. */
size_t dk_hist_bytes(const dk_hist_t *h);

#ifdef __cplusplus
}
#endif
#endif

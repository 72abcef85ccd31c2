/* hist.c - log-linear latency histogram: fixed buckets, exact count/sum/min/max, mergeable. */
#include "designkit/hist.h"

#include <math.h>
#include <string.h>

#include "designkit/alloc.h"

/*
 * Layout. Values below 2 * DK_HIST_SUB (256) get a bucket each. A value v >= 256 with top bit
 * e (2^e <= v < 2^(e+1), 8 <= e <= 62) falls in one of DK_HIST_SUB equal sub-buckets of width
 * 2^(e - 7) covering [2^e, 2^(e+1)): a bucket is then at most 1/128 of its lower bound wide,
 * and its midpoint within 1/256 of any value in it.
 */
#define SUB_BITS 7 /* log2(DK_HIST_SUB) */
#define EXACT (2 * DK_HIST_SUB)
#define FIRST_E (SUB_BITS + 1)
#define NBUCKETS (EXACT + (62 - FIRST_E + 1) * DK_HIST_SUB)

#if defined(__SIZEOF_INT128__)
#define EXACT_SQUARES 1
__extension__ typedef unsigned __int128 sum_t; /* exact: 2^63 values times 2^64 counts fit */
#else
#define EXACT_SQUARES 0
typedef long double sum_t;
#endif

/*
 * The sum of squares is kept exact as well, as a 192-bit integer: the low 128 bits in sumsq and
 * the carries out of them in sumsq_wraps (a square is below 2^126, so one record carries at most
 * once). Integer adds are what makes recording cheap: the long double it replaces went through
 * the x87 unit and a memory round trip on every record. Without __int128, a long double sum.
 */
struct dk_hist {
    uint64_t count;
    int64_t min, max; /* INT64_MAX and INT64_MIN while empty, so recording needs no test */
    sum_t sum;
#if EXACT_SQUARES
    sum_t sumsq;
    uint64_t sumsq_wraps;
#else
    long double sumsq; /* 64-bit mantissa on x86; ample for a variance */
#endif
    uint64_t buckets[NBUCKETS];
};

/* The index of the highest set bit of v > 0. */
static inline int top_bit(uint64_t v)
{
#if defined(__GNUC__)
    return 63 - __builtin_clzll(v);
#else
    int e = 0;
    while (v >>= 1)
        e++;
    return e;
#endif
}

/* Below 2 * DK_HIST_SUB the shift is 0 and the index is v itself; above, s = e - SUB_BITS and
 * EXACT + (e - FIRST_E) * SUB + (v >> s) - SUB reduces to s * SUB + (v >> s). No branch. */
static inline size_t bucket_of(uint64_t v)
{
    int s = top_bit(v | 1) - SUB_BITS;
    if (s < 0)
        s = 0;
    return (size_t)s * DK_HIST_SUB + (size_t)(v >> s);
}

/* The midpoint of bucket i (rounded down), the value a percentile reports. */
static int64_t bucket_mid(size_t i)
{
    size_t j, e;
    uint64_t lo, width;
    if (i < EXACT)
        return (int64_t)i;
    j = i - EXACT;
    e = FIRST_E + j / DK_HIST_SUB;
    width = (uint64_t)1 << (e - SUB_BITS);
    lo = (uint64_t)(DK_HIST_SUB + j % DK_HIST_SUB) * width;
    return (int64_t)(lo + (width - 1) / 2);
}

/*
 * dk_hist_new - an empty histogram (about 58 KiB, allocated once). The caller frees it with
 * dk_hist_free. NULL with *status DK_ENOMEM.
 */
dk_hist_t *dk_hist_new(dk_status *status)
{
    dk_hist_t *h = dk_malloc(sizeof *h);
    if (h != NULL)
        dk_hist_reset(h);
    if (status != NULL)
        *status = h != NULL ? DK_OK : DK_ENOMEM;
    return h;
}

/*
 * dk_hist_free - releases `h`; NULL is a no-op.
 */
void dk_hist_free(dk_hist_t *h)
{
    dk_free(h);
}

/*
 * dk_hist_reset - forgets every value.
 */
void dk_hist_reset(dk_hist_t *h)
{
    if (h == NULL)
        return;
    memset(h->buckets, 0, sizeof h->buckets);
    h->count = 0;
    h->min = INT64_MAX;
    h->max = INT64_MIN;
    h->sum = 0;
    h->sumsq = 0;
#if EXACT_SQUARES
    h->sumsq_wraps = 0;
#endif
}

#if EXACT_SQUARES
/* Adds the 192-bit number wraps * 2^128 + lo to the sum of squares. */
static inline void add_squares(dk_hist_t *h, sum_t lo, uint64_t wraps)
{
    sum_t s = h->sumsq + lo;
    h->sumsq_wraps += wraps + (s < lo);
    h->sumsq = s;
}
#endif

/* The sum of squares, rounded once. */
static long double sum_squares(const dk_hist_t *h)
{
#if EXACT_SQUARES
    return ldexpl((long double)h->sumsq_wraps, 128) + (long double)h->sumsq;
#else
    return h->sumsq;
#endif
}

/*
 * dk_hist_record_n - records `value` `count` times (negative values as 0; count 0 is a
 * no-op). Allocation-free.
 */
void dk_hist_record_n(dk_hist_t *h, int64_t value, uint64_t count)
{
    if (h == NULL || count == 0)
        return;
    if (count == 1) {
        dk_hist_record(h, value);
        return;
    }
    if (value < 0)
        value = 0;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
    h->count += count;
    h->buckets[bucket_of((uint64_t)value)] += count;
    h->sum += (sum_t)(uint64_t)value * count;
#if EXACT_SQUARES
    {
        /* value^2 * count as 192 bits: the two 64-bit halves of the square times count. */
        sum_t sq = (sum_t)(uint64_t)value * (uint64_t)value;
        sum_t lo = (sum_t)(uint64_t)sq * count;
        sum_t hi = (sum_t)(uint64_t)(sq >> 64) * count; /* weighs 2^64 */
        sum_t mid = (hi << 64) + lo;
        add_squares(h, mid, (uint64_t)(hi >> 64) + (mid < lo));
    }
#else
    {
        long double v = (long double)value;
        h->sumsq += v * v * (long double)count;
    }
#endif
}

/*
 * dk_hist_record - records `value` once (negative as 0): the hot path of every simulated
 * request, so it is straight-line integer code.
 */
void dk_hist_record(dk_hist_t *h, int64_t value)
{
    if (h == NULL)
        return;
    if (value < 0)
        value = 0;
    uint64_t v = (uint64_t)value;
    h->min = value < h->min ? value : h->min;
    h->max = value > h->max ? value : h->max;
    h->count++;
    h->buckets[bucket_of(v)]++;
    h->sum += v;
#if EXACT_SQUARES
    add_squares(h, (sum_t)v * v, 0);
#else
    h->sumsq += (long double)value * (long double)value;
#endif
}

uint64_t dk_hist_count(const dk_hist_t *h)
{
    return h != NULL ? h->count : 0;
}

int64_t dk_hist_min(const dk_hist_t *h)
{
    return h != NULL && h->count != 0 ? h->min : 0;
}

int64_t dk_hist_max(const dk_hist_t *h)
{
    return h != NULL && h->count != 0 ? h->max : 0;
}

/*
 * dk_hist_mean - exact sum over exact count, rounded once to double; 0 when empty.
 */
double dk_hist_mean(const dk_hist_t *h)
{
    if (h == NULL || h->count == 0)
        return 0;
    return (double)((long double)h->sum / (long double)h->count);
}

/*
 * dk_hist_stddev - the population standard deviation from the sums (not the buckets), so it
 * is as exact as the record; 0 when empty. Rounding may make the variance a hair negative for
 * constant data: clamped to 0.
 */
double dk_hist_stddev(const dk_hist_t *h)
{
    long double n, mean, var;
    if (h == NULL || h->count == 0 || h->min == h->max)
        return 0; /* exactly, whatever the precision of long double */
    n = (long double)h->count;
    mean = (long double)h->sum / n;
    var = sum_squares(h) / n - mean * mean;
    return var > 0 ? (double)sqrtl(var) : 0;
}

/*
 * dk_hist_percentile - the midpoint of the first bucket whose cumulative count reaches
 * ceil(p / 100 * count) (at least 1), clamped to [min, max]. p is clamped to [0, 100] (NaN is
 * 0). 0 when empty.
 */
int64_t dk_hist_percentile(const dk_hist_t *h, double p)
{
    uint64_t rank, seen = 0;
    double r;
    if (h == NULL || h->count == 0)
        return 0;
    if (!(p > 0))
        p = 0;
    if (p > 100)
        p = 100;
    r = ceil(p / 100 * (double)h->count);
    rank = r < 1 ? 1 : (r >= (double)h->count ? h->count : (uint64_t)r);
    for (size_t i = 0; i < NBUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            int64_t v = bucket_mid(i);
            return v < h->min ? h->min : (v > h->max ? h->max : v);
        }
    }
    return h->max; /* not reached: the buckets sum to count */
}

/*
 * dk_hist_merge - adds src into dst (same fixed layout, so it cannot fail but for NULL:
 * DK_EINVAL). Merging a histogram into itself doubles it.
 */
dk_status dk_hist_merge(dk_hist_t *dst, const dk_hist_t *src)
{
    if (dst == NULL || src == NULL)
        return DK_EINVAL;
    if (src->count == 0)
        return DK_OK;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
#if EXACT_SQUARES
    add_squares(dst, src->sumsq, src->sumsq_wraps);
#else
    dst->sumsq += src->sumsq;
#endif
    for (size_t i = 0; i < NBUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    return DK_OK;
}

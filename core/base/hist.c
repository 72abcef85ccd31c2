/* hist.c - log-linear latency histogram: exact sums, mergeable, blocks made on first use. */
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

/*
 * Blocks. The buckets are cut into NBLOCKS runs of DK_HIST_BLOCK (a quarter of a power-of-two
 * range), and only the runs that have seen a value have counters. The counters of all of them
 * live in one array, `pool`, in the order the blocks were first needed; slot[b] is 0 while
 * block b has none, else 1 + its position in the pool. A byte per block, not a pointer, keeps
 * the empty histogram small (228 pointers would take 1.8 KB), and indexing rather than
 * pointing into the pool lets it grow by realloc. Its capacity doubles (1, 2, 4, ... blocks, at
 * most NBLOCKS), so a histogram that spreads over k blocks reallocates about log2(k) times and
 * copies fewer than k blocks in all, at the price of at most k - 1 blocks unused.
 */
#define BLOCK_BITS 5 /* log2(DK_HIST_BLOCK) */
#define NBLOCKS (NBUCKETS / DK_HIST_BLOCK)

_Static_assert(DK_HIST_SUB == 1 << SUB_BITS, "DK_HIST_SUB is 2^SUB_BITS");
_Static_assert(DK_HIST_BLOCK == 1 << BLOCK_BITS, "DK_HIST_BLOCK is 2^BLOCK_BITS");
_Static_assert(NBUCKETS % DK_HIST_BLOCK == 0, "blocks tile the buckets");
_Static_assert(NBLOCKS < 256, "a block's pool position fits its slot byte");

#if defined(__SIZEOF_INT128__)
#define EXACT_SQUARES 1
__extension__ typedef unsigned __int128 sum_t; /* exact: 2^63 values times 2^64 counts fit */
#else
#define EXACT_SQUARES 0
typedef long double sum_t;
#endif

#if defined(__GNUC__)
#define COLD __attribute__((noinline, cold))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define COLD
#define UNLIKELY(x) (x)
#endif

/*
 * The sum of squares is kept exact as well, as a 192-bit integer: the low 128 bits in sumsq and
 * the carries out of them in sumsq_wraps (a square is below 2^126, so one record carries at most
 * once). Integer adds are what makes recording cheap: the long double it replaces went through
 * the x87 unit and a memory round trip on every record. Without __int128, a long double sum.
 */
struct dk_hist {
    sum_t sum;
#if EXACT_SQUARES
    sum_t sumsq;
#else
    long double sumsq; /* 64-bit mantissa on x86; ample for a variance */
#endif
    uint64_t count;
    int64_t min, max; /* INT64_MAX and INT64_MIN while empty: no emptiness test to record */
#if EXACT_SQUARES
    uint64_t sumsq_wraps;
#endif
    uint64_t *pool;   /* cap blocks of DK_HIST_BLOCK counters, the first nblocks in use */
    uint16_t nblocks; /* at most NBLOCKS */
    uint16_t cap;
    uint8_t slot[NBLOCKS];
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
 * EXACT + (e - FIRST_E) * SUB + (v >> s) - SUB reduces to s * SUB + (v >> s). Or-ing in bit
 * SUB_BITS makes the shift come out 0 below 2 * DK_HIST_SUB with no clamp: no branch, no test. */
static inline size_t bucket_of(uint64_t v)
{
    int s = top_bit(v | DK_HIST_SUB) - SUB_BITS;
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

/* The counter of bucket i in the block whose slot byte is s >= 1. Written as one index so
 * that the - 1 folds into the address. */
static inline uint64_t *counter_at(const dk_hist_t *h, unsigned s, size_t i)
{
    return &h->pool[((size_t)s << BLOCK_BITS) + (i & (DK_HIST_BLOCK - 1)) - DK_HIST_BLOCK];
}

/* The counters of the block whose slot byte is s >= 1. */
static inline uint64_t *block_at(const dk_hist_t *h, unsigned s)
{
    return counter_at(h, s, 0);
}

/* Makes room in the pool for n <= NBLOCKS blocks, doubling its capacity (at least to n). 0 on
 * out-of-memory, the histogram unchanged. */
static int reserve(dk_hist_t *h, size_t n)
{
    if (n <= h->cap)
        return 1;
    size_t cap = 2 * (size_t)h->cap;
    if (cap < n)
        cap = n;
    if (cap > NBLOCKS)
        cap = NBLOCKS;
    uint64_t *p = dk_realloc(h->pool, cap * DK_HIST_BLOCK * sizeof *p);
    if (p == NULL)
        return 0;
    h->pool = p;
    h->cap = (uint16_t)cap;
    return 1;
}

/* Gives block b zeroed counters at the end of the pool; its slot byte, or 0 on out-of-memory
 * (the histogram unchanged). Out of line: it runs once per block in a histogram's life. */
static COLD unsigned add_block(dk_hist_t *h, size_t b)
{
    size_t n = (size_t)h->nblocks + 1;
    if (!reserve(h, n))
        return 0;
    memset(h->pool + (n - 1) * DK_HIST_BLOCK, 0, DK_HIST_BLOCK * sizeof *h->pool);
    h->nblocks = (uint16_t)n;
    h->slot[b] = (uint8_t)n;
    return (unsigned)n;
}

/* The counter of bucket i, its block allocated if need be; NULL on out-of-memory. */
static inline uint64_t *counter(dk_hist_t *h, size_t i)
{
    unsigned s = h->slot[i >> BLOCK_BITS];
    if (s == 0 && (s = add_block(h, i >> BLOCK_BITS)) == 0)
        return NULL;
    return counter_at(h, s, i);
}

/* dk_hist_record's first value in a block: makes the block, then records. Apart, so that the
 * common path is a leaf that saves no register and tests no pointer. */
static COLD dk_status record_new_block(dk_hist_t *h, int64_t value)
{
    if (add_block(h, bucket_of((uint64_t)value) >> BLOCK_BITS) == 0)
        return DK_ENOMEM;
    return dk_hist_record(h, value);
}

/*
 * dk_hist_new - an empty histogram: the header only (dk_hist_bytes tells its size); counter
 * blocks come with the values. The caller frees it with dk_hist_free. NULL with *status
 * DK_ENOMEM.
 */
dk_hist_t *dk_hist_new(dk_status *status)
{
    dk_hist_t *h = dk_malloc(sizeof *h);
    if (h != NULL) {
        h->pool = NULL;
        h->nblocks = h->cap = 0;
        memset(h->slot, 0, sizeof h->slot);
        dk_hist_reset(h);
    }
    if (status != NULL)
        *status = h != NULL ? DK_OK : DK_ENOMEM;
    return h;
}

/*
 * dk_hist_free - releases `h` and its blocks; NULL is a no-op.
 */
void dk_hist_free(dk_hist_t *h)
{
    if (h == NULL)
        return;
    dk_free(h->pool);
    dk_free(h);
}

/*
 * dk_hist_reset - forgets every value. The blocks stay, zeroed, so that recording the same
 * band again allocates nothing (a histogram reused per interval reaches its steady state).
 */
void dk_hist_reset(dk_hist_t *h)
{
    if (h == NULL)
        return;
    if (h->nblocks > 0)
        memset(h->pool, 0, (size_t)h->nblocks * DK_HIST_BLOCK * sizeof *h->pool);
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
 * no-op). DK_ENOMEM, with nothing recorded, if the value's block cannot be allocated.
 */
dk_status dk_hist_record_n(dk_hist_t *h, int64_t value, uint64_t count)
{
    if (h == NULL)
        return DK_EINVAL;
    if (count <= 1)
        return count == 1 ? dk_hist_record(h, value) : DK_OK;
    if (value < 0)
        value = 0;
    uint64_t *c = counter(h, bucket_of((uint64_t)value));
    if (c == NULL)
        return DK_ENOMEM;
    *c += count;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
    h->count += count;
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
    return DK_OK;
}

/*
 * dk_hist_record - records `value` once (negative as 0): the hot path of every simulated
 * request, so past the first value in a block it is straight-line integer code. DK_ENOMEM,
 * with nothing recorded, if the value's block cannot be allocated.
 */
dk_status dk_hist_record(dk_hist_t *h, int64_t value)
{
    if (h == NULL)
        return DK_EINVAL;
    if (value < 0)
        value = 0;
    uint64_t v = (uint64_t)value;
    size_t i = bucket_of(v);
    unsigned s = h->slot[i >> BLOCK_BITS];
    if (UNLIKELY(s == 0))
        return record_new_block(h, value);
    (*counter_at(h, s, i))++;
    if (value < h->min) /* rarely true once a few values are in: a branch, not a store */
        h->min = value;
    if (value > h->max)
        h->max = value;
    h->count++;
    h->sum += v;
#if EXACT_SQUARES
    add_squares(h, (sum_t)v * v, 0);
#else
    h->sumsq += (long double)value * (long double)value;
#endif
    return DK_OK;
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
 * 0). 0 when empty. Blocks are visited in bucket order, skipping those never allocated.
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
    for (size_t b = 0; b < NBLOCKS; b++) {
        if (h->slot[b] == 0)
            continue;
        const uint64_t *blk = block_at(h, h->slot[b]);
        for (size_t k = 0; k < DK_HIST_BLOCK; k++) {
            seen += blk[k];
            if (seen >= rank) {
                int64_t v = bucket_mid(b * DK_HIST_BLOCK + k);
                return v < h->min ? h->min : (v > h->max ? h->max : v);
            }
        }
    }
    return h->max; /* not reached: the buckets sum to count */
}

/*
 * dk_hist_merge - adds src into dst. The blocks dst lacks are allocated first, in one
 * allocation, so DK_ENOMEM leaves dst as it was; DK_EINVAL for NULL. Merging a histogram into
 * itself doubles it.
 */
dk_status dk_hist_merge(dk_hist_t *dst, const dk_hist_t *src)
{
    if (dst == NULL || src == NULL)
        return DK_EINVAL;
    if (src->count == 0)
        return DK_OK;
    size_t need = 0;
    for (size_t b = 0; b < NBLOCKS; b++)
        need += src->slot[b] != 0 && dst->slot[b] == 0;
    if (need > 0) {
        if (!reserve(dst, (size_t)dst->nblocks + need))
            return DK_ENOMEM;
        memset(dst->pool + (size_t)dst->nblocks * DK_HIST_BLOCK, 0,
               need * DK_HIST_BLOCK * sizeof *dst->pool);
        for (size_t b = 0; b < NBLOCKS; b++)
            if (src->slot[b] != 0 && dst->slot[b] == 0)
                dst->slot[b] = (uint8_t)++dst->nblocks;
    }
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
    for (size_t b = 0; b < NBLOCKS; b++) {
        if (src->slot[b] == 0)
            continue;
        const uint64_t *s = block_at(src, src->slot[b]);
        uint64_t *d = block_at(dst, dst->slot[b]);
        for (size_t k = 0; k < DK_HIST_BLOCK; k++)
            d[k] += s[k];
    }
    return DK_OK;
}

/*
 * dk_hist_bytes - the header plus the pool's capacity; 0 for NULL.
 */
size_t dk_hist_bytes(const dk_hist_t *h)
{
    if (h == NULL)
        return 0;
    return sizeof *h + (size_t)h->cap * DK_HIST_BLOCK * sizeof *h->pool;
}

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

/*
 * Raw values. A histogram starts by keeping its values as they come, in the bytes the slots
 * will take (RAW_MAX of them), and counts them into blocks only when one more arrives (or a
 * merge needs blocks). Most of a large design's components see few requests: 10^6 requests
 * over 10^5 backends give each about ten, spread over half a dozen blocks, and making those
 * blocks one by one (allocate, copy the pool, free) cost more than the rest of the request.
 * Every answer is the same in both forms: the sums are kept either way, and a percentile of
 * raw values is the midpoint of the bucket its value falls in, as the counts would give.
 */
#define RAW_MAX (NBLOCKS / sizeof(int64_t))

/* The header starts a cache line (see dk_hist_new). */
#define HEADER_ALIGN 64

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
    uint8_t dense; /* 0: the values are in raw[] as recorded; 1: counted in the blocks */
    union {
        uint8_t slot[NBLOCKS]; /* dense */
        int64_t raw[RAW_MAX];  /* not dense: the `count` values recorded so far */
    } u;
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
    h->u.slot[b] = (uint8_t)n;
    return (unsigned)n;
}

/* Adds, with one reservation, the blocks `want` names (a byte per block, non-zero: wanted)
 * that the dense histogram `h` lacks. 0 on out-of-memory, `h` unchanged. */
static int add_blocks(dk_hist_t *h, const uint8_t want[NBLOCKS])
{
    size_t need = 0;
    for (size_t b = 0; b < NBLOCKS; b++)
        need += want[b] != 0 && h->u.slot[b] == 0;
    if (need == 0)
        return 1;
    if (!reserve(h, (size_t)h->nblocks + need))
        return 0;
    memset(h->pool + (size_t)h->nblocks * DK_HIST_BLOCK, 0, need * DK_HIST_BLOCK * sizeof *h->pool);
    for (size_t b = 0; b < NBLOCKS; b++)
        if (want[b] != 0 && h->u.slot[b] == 0)
            h->u.slot[b] = (uint8_t)++h->nblocks;
    return 1;
}

/* Marks in `want` the blocks the raw values of `h` (not dense) fall in. */
static void mark_raw_blocks(const dk_hist_t *h, uint8_t want[NBLOCKS])
{
    for (size_t k = 0; k < h->count; k++)
        want[bucket_of((uint64_t)h->u.raw[k]) >> BLOCK_BITS] = 1;
}

/* Counts the raw values of `h` into blocks, making as well the blocks `also` names (NULL:
 * none) so that what follows allocates nothing. 0 on out-of-memory, `h` unchanged: the slots
 * overlay the raw values, so they are written only once the pool is had. */
static COLD int make_dense(dk_hist_t *h, const uint8_t *also)
{
    uint8_t want[NBLOCKS];
    int64_t raw[RAW_MAX];
    size_t n = (size_t)h->count, need = 0;
    if (also != NULL)
        memcpy(want, also, sizeof want);
    else
        memset(want, 0, sizeof want);
    mark_raw_blocks(h, want);
    for (size_t b = 0; b < NBLOCKS; b++)
        need += want[b] != 0;
    if (need > 0 && !reserve(h, need))
        return 0;
    memcpy(raw, h->u.raw, n * sizeof raw[0]);
    memset(h->u.slot, 0, sizeof h->u.slot);
    if (need > 0)
        memset(h->pool, 0, need * DK_HIST_BLOCK * sizeof *h->pool);
    h->nblocks = 0;
    for (size_t b = 0; b < NBLOCKS; b++)
        if (want[b] != 0)
            h->u.slot[b] = (uint8_t)++h->nblocks;
    h->dense = 1;
    for (size_t k = 0; k < n; k++) {
        size_t i = bucket_of((uint64_t)raw[k]);
        (*counter_at(h, h->u.slot[i >> BLOCK_BITS], i))++;
    }
    return 1;
}

/* The counter of bucket i, its block allocated if need be; NULL on out-of-memory. */
static inline uint64_t *counter(dk_hist_t *h, size_t i)
{
    unsigned s = h->u.slot[i >> BLOCK_BITS];
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

/* dk_hist_record's value RAW_MAX + 1: counts the raw values into blocks (with one for this
 * value), then records. */
static COLD dk_status record_making_dense(dk_hist_t *h, int64_t value)
{
    uint8_t also[NBLOCKS] = {0};
    also[bucket_of((uint64_t)value) >> BLOCK_BITS] = 1;
    if (!make_dense(h, also))
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
    /* On a line of its own: the sums, count and extremes every value updates fill the first
     * line exactly, and the pool pointer and first slots the second. */
    dk_hist_t *h = dk_calloc_aligned(sizeof *h, HEADER_ALIGN);
    if (h != NULL) {
        h->pool = NULL;
        h->nblocks = h->cap = 0;
        h->dense = 0;
        memset(&h->u, 0, sizeof h->u);
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
    dk_free_aligned(h);
}

/*
 * dk_hist_reset - forgets every value. A dense histogram keeps its blocks, zeroed, so that
 * recording the same band again allocates nothing (a histogram reused per interval reaches
 * its steady state).
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
    size_t i = bucket_of((uint64_t)value);
    if (!h->dense && h->count + count <= RAW_MAX) {
        for (uint64_t k = 0; k < count; k++)
            h->u.raw[h->count + k] = value;
    } else {
        uint8_t also[NBLOCKS] = {0};
        also[i >> BLOCK_BITS] = 1;
        if (!h->dense && !make_dense(h, also))
            return DK_ENOMEM;
        uint64_t *c = counter(h, i);
        if (c == NULL)
            return DK_ENOMEM;
        *c += count;
    }
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
    if (UNLIKELY(!h->dense)) {
        if (h->count == RAW_MAX)
            return record_making_dense(h, value);
        h->u.raw[h->count] = value;
    } else {
        size_t i = bucket_of(v);
        unsigned s = h->u.slot[i >> BLOCK_BITS];
        if (UNLIKELY(s == 0))
            return record_new_block(h, value);
        (*counter_at(h, s, i))++;
    }
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

/* How far ahead dk_hist_record_batch fetches, in samples: a histogram's header lines at
 * FETCH_HEADER, then (once they have arrived) the counter its value lands in at
 * FETCH_COUNTER. A main-memory miss takes a few hundred cycles and recording a sample a few
 * dozen, so a handful of samples ahead covers it; twice that for the step that reads what the
 * first one fetched. */
#define FETCH_COUNTER 8
#define FETCH_HEADER 16

#if defined(__GNUC__)
#define PREFETCH_WRITE(p) __builtin_prefetch((p), 1)
#else
#define PREFETCH_WRITE(p) ((void)(p))
#endif

/* Asks for the lines sample `s` will touch first: the sums and counts, and the slot byte of
 * its block (with the pool pointer, it shares a line with the header for the lower blocks). */
static inline void fetch_header(const dk_hist_sample *s)
{
    const dk_hist_t *h = s->hist;
    if (h == NULL)
        return;
    uint64_t v = s->value > 0 ? (uint64_t)s->value : 0;
    PREFETCH_WRITE(h);
    PREFETCH_WRITE(&h->pool);
    PREFETCH_WRITE(&h->u.slot[bucket_of(v) >> BLOCK_BITS]);
}

/* Asks for the counter sample `s` will increment, if its block exists (reading the slot byte
 * fetch_header asked for). */
static inline void fetch_counter(const dk_hist_sample *s)
{
    const dk_hist_t *h = s->hist;
    if (h == NULL || !h->dense)
        return;
    uint64_t v = s->value > 0 ? (uint64_t)s->value : 0;
    size_t i = bucket_of(v);
    unsigned slot = h->u.slot[i >> BLOCK_BITS];
    if (slot != 0)
        PREFETCH_WRITE(counter_at(h, slot, i));
}

/*
 * dk_hist_record_batch - records a batch of samples in order, fetching ahead: see hist.h.
 */
dk_status dk_hist_record_batch(const dk_hist_sample *samples, size_t n, size_t *recorded)
{
    size_t i = 0;
    dk_status st = DK_OK;
    for (size_t k = 0; k < n && k < FETCH_HEADER; k++)
        fetch_header(&samples[k]);
    for (size_t k = 0; k < n && k < FETCH_COUNTER; k++)
        fetch_counter(&samples[k]);
    for (; i < n; i++) {
        if (i + FETCH_HEADER < n)
            fetch_header(&samples[i + FETCH_HEADER]);
        if (i + FETCH_COUNTER < n)
            fetch_counter(&samples[i + FETCH_COUNTER]);
        if ((st = dk_hist_record(samples[i].hist, samples[i].value)) != DK_OK)
            break;
    }
    if (recorded != NULL)
        *recorded = i;
    return st;
}

long double dk_hist_sum(const dk_hist_t *h)
{
    return h != NULL ? (long double)h->sum : 0;
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

/* `v` clamped to the histogram's [min, max]. */
static int64_t clamp(const dk_hist_t *h, int64_t v)
{
    return v < h->min ? h->min : (v > h->max ? h->max : v);
}

/* The rank-th smallest (1-based) of the raw values of `h`: sorted in a copy by insertion, as
 * there are at most RAW_MAX. */
static int64_t raw_ranked(const dk_hist_t *h, uint64_t rank)
{
    int64_t v[RAW_MAX];
    size_t n = (size_t)h->count;
    for (size_t k = 0; k < n; k++) {
        int64_t x = h->u.raw[k];
        size_t j = k;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return v[rank - 1];
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
    if (!h->dense)
        return clamp(h, bucket_mid(bucket_of((uint64_t)raw_ranked(h, rank))));
    for (size_t b = 0; b < NBLOCKS; b++) {
        if (h->u.slot[b] == 0)
            continue;
        const uint64_t *blk = block_at(h, h->u.slot[b]);
        for (size_t k = 0; k < DK_HIST_BLOCK; k++) {
            seen += blk[k];
            if (seen >= rank)
                return clamp(h, bucket_mid(b * DK_HIST_BLOCK + k));
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
    size_t n = (size_t)src->count; /* read first: src may be dst */
    if (!dst->dense && !src->dense && dst->count + n <= RAW_MAX) {
        memmove(&dst->u.raw[dst->count], src->u.raw, n * sizeof src->u.raw[0]);
    } else {
        uint8_t want[NBLOCKS] = {0};
        if (src->dense) {
            for (size_t b = 0; b < NBLOCKS; b++)
                want[b] = src->u.slot[b] != 0;
        } else {
            mark_raw_blocks(src, want);
        }
        if (!(dst->dense ? add_blocks(dst, want) : make_dense(dst, want)))
            return DK_ENOMEM;
        if (!src->dense) /* then src is not dst, which is dense now */
            for (size_t k = 0; k < n; k++) {
                size_t i = bucket_of((uint64_t)src->u.raw[k]);
                (*counter_at(dst, dst->u.slot[i >> BLOCK_BITS], i))++;
            }
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
    for (size_t b = 0; src->dense && b < NBLOCKS; b++) {
        if (src->u.slot[b] == 0)
            continue;
        const uint64_t *s = block_at(src, src->u.slot[b]);
        uint64_t *d = block_at(dst, dst->u.slot[b]);
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
    return dk_aligned_size(sizeof *h, HEADER_ALIGN) +
           (size_t)h->cap * DK_HIST_BLOCK * sizeof *h->pool;
}

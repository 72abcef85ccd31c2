/* areas: base */
/* test_hist.c - the log-linear histogram against sorted brute-force data. */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/hist.h"
#include "designkit/rng.h"

static const double percentiles[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
#define NP (sizeof percentiles / sizeof percentiles[0])

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static dk_hist_t *new_hist(void)
{
    dk_status st;
    dk_hist_t *h = dk_hist_new(&st);
    ck_assert_int_eq(st, DK_OK);
    ck_assert_ptr_nonnull(h);
    return h;
}

/* Records `n` values, then checks every statistic against the sorted array: percentiles
 * within 1% (the design bound; the layout gives 1/256), count/min/max exact, mean and stddev
 * to rounding. */
static void check_against_sorted(int64_t *v, size_t n)
{
    dk_hist_t *h = new_hist();
    long double sum = 0, sumsq = 0, mean;
    for (size_t i = 0; i < n; i++)
        dk_hist_record(h, v[i]);
    qsort(v, n, sizeof *v, cmp_i64);
    ck_assert_uint_eq(dk_hist_count(h), n);
    ck_assert_int_eq(dk_hist_min(h), v[0]);
    ck_assert_int_eq(dk_hist_max(h), v[n - 1]);
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    mean = sum / n;
    for (size_t i = 0; i < n; i++)
        sumsq += (v[i] - mean) * (v[i] - mean); /* two-pass: the independent way */
    ck_assert_double_eq_tol(dk_hist_mean(h), (double)mean, 1e-12 * (double)mean);
    ck_assert_double_eq_tol(dk_hist_stddev(h), (double)sqrtl(sumsq / n),
                            1e-6 * (double)sqrtl(sumsq / n));
    for (size_t j = 0; j < NP; j++) {
        double rank = ceil(percentiles[j] / 100 * (double)n);
        size_t idx = rank < 1 ? 0 : (size_t)rank - 1;
        double want = (double)v[idx], got = (double)dk_hist_percentile(h, percentiles[j]);
        ck_assert_msg(fabs(got - want) <= 0.01 * want,
                      "p%g: histogram %g, sorted data %g (rel. error %g)", percentiles[j], got,
                      want, fabs(got - want) / want);
        ck_assert_msg(fabs(got - want) <= want / 256 + 1, "p%g: %g vs %g beyond 1/256",
                      percentiles[j], got, want);
    }
    dk_hist_free(h);
}

/* ---- percentiles ---- */

START_TEST(uniform_values)
{
    enum { N = 200000 };
    int64_t *v = malloc(N * sizeof *v);
    dk_rng_t r;
    dk_rng_seed(&r, 1);
    for (size_t i = 0; i < N; i++)
        v[i] = 1000 + (int64_t)dk_rng_below(&r, 10000000);
    check_against_sorted(v, N);
    free(v);
}
END_TEST

START_TEST(exponential_values)
{
    enum { N = 200000 };
    int64_t *v = malloc(N * sizeof *v);
    dk_rng_t r;
    dk_rng_seed(&r, 2);
    for (size_t i = 0; i < N; i++)
        v[i] = 1 + (int64_t)(-2e6 * log1p(-dk_rng_uniform(&r))); /* mean 2ms in ns */
    check_against_sorted(v, N);
    free(v);
}
END_TEST

START_TEST(lognormal_values)
{
    enum { N = 200000 };
    int64_t *v = malloc(N * sizeof *v);
    dk_rng_t r;
    dk_rng_seed(&r, 3);
    for (size_t i = 0; i < N; i++) {
        double u1 = 1 - dk_rng_uniform(&r), u2 = dk_rng_uniform(&r);
        double z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
        v[i] = 1 + (int64_t)exp(13 + 2 * z); /* spans ~5 decades */
    }
    check_against_sorted(v, N);
    free(v);
}
END_TEST

START_TEST(small_values_are_exact)
{
    dk_hist_t *h = new_hist();
    for (int64_t x = 0; x < 256; x++)
        dk_hist_record(h, x);
    for (int64_t x = 0; x < 256; x++)
        ck_assert_int_eq(dk_hist_percentile(h, 100.0 * (double)(x + 1) / 256), x);
    dk_hist_free(h);
}
END_TEST

START_TEST(every_power_of_two_boundary)
{
    /* A single value anywhere in the int64 range comes back within 1/256 of itself (and
     * exactly when it is min = max, by the clamp); two values check the bucket midpoint. */
    dk_hist_t *h = new_hist();
    size_t bad = 0;
    for (int e = 8; e < 63; e++) {
        int64_t edges[3] = {(int64_t)1 << e, ((int64_t)1 << e) - 1,
                            ((int64_t)1 << e) + ((int64_t)1 << (e - 1))};
        for (int i = 0; i < 3; i++) {
            int64_t x = edges[i];
            dk_hist_reset(h);
            dk_hist_record(h, 0);
            dk_hist_record(h, x);
            dk_hist_record(h, INT64_MAX);
            double got = (double)dk_hist_percentile(h, 50);
            bad += fabs(got - (double)x) > (double)x / 256;
        }
    }
    ck_assert_uint_eq(bad, 0);
    dk_hist_reset(h);
    dk_hist_record(h, INT64_MAX);
    ck_assert_int_eq(dk_hist_percentile(h, 50), INT64_MAX);
    ck_assert_int_eq(dk_hist_max(h), INT64_MAX);
    ck_assert_double_eq_tol(dk_hist_mean(h), 9223372036854775807.0, 1);
    dk_hist_free(h);
}
END_TEST

/* ---- statistics and edge cases ---- */

START_TEST(empty_and_negative)
{
    dk_hist_t *h = new_hist();
    ck_assert_uint_eq(dk_hist_count(h), 0);
    ck_assert_int_eq(dk_hist_min(h), 0);
    ck_assert_int_eq(dk_hist_max(h), 0);
    ck_assert_double_eq(dk_hist_mean(h), 0);
    ck_assert_double_eq(dk_hist_stddev(h), 0);
    ck_assert_int_eq(dk_hist_percentile(h, 50), 0);
    dk_hist_record(h, -5);
    ck_assert_uint_eq(dk_hist_count(h), 1);
    ck_assert_int_eq(dk_hist_min(h), 0);
    ck_assert_int_eq(dk_hist_max(h), 0);
    dk_hist_record_n(h, 1000, 0); /* no-op */
    ck_assert_uint_eq(dk_hist_count(h), 1);
    ck_assert_int_eq(dk_hist_max(h), 0);
    dk_hist_record(h, 100);
    ck_assert_int_eq(dk_hist_percentile(h, -3), 0);    /* clamped to p0 */
    ck_assert_int_eq(dk_hist_percentile(h, 250), 100); /* clamped to p100 */
    ck_assert_int_eq(dk_hist_percentile(h, NAN), 0);
    dk_hist_reset(h);
    ck_assert_uint_eq(dk_hist_count(h), 0);
    ck_assert_int_eq(dk_hist_percentile(h, 99), 0);
    dk_hist_free(h);
    dk_hist_free(NULL);
    ck_assert_uint_eq(dk_hist_count(NULL), 0);
}
END_TEST

START_TEST(constant_data_has_zero_stddev)
{
    dk_hist_t *h = new_hist();
    dk_hist_record_n(h, 1000000007, 1000);
    ck_assert_double_eq(dk_hist_stddev(h), 0);
    ck_assert_double_eq(dk_hist_mean(h), 1000000007.0);
    ck_assert_int_eq(dk_hist_percentile(h, 1), 1000000007);
    dk_hist_free(h);
}
END_TEST

START_TEST(record_n_equals_repeated_record)
{
    dk_hist_t *a = new_hist(), *b = new_hist();
    dk_rng_t r;
    dk_rng_seed(&r, 4);
    for (int i = 0; i < 1000; i++) {
        int64_t x = (int64_t)dk_rng_below(&r, 1u << 30);
        uint64_t n = dk_rng_below(&r, 5);
        dk_hist_record_n(a, x, n);
        for (uint64_t k = 0; k < n; k++)
            dk_hist_record(b, x);
    }
    ck_assert_uint_eq(dk_hist_count(a), dk_hist_count(b));
    ck_assert_double_eq(dk_hist_mean(a), dk_hist_mean(b));
    for (size_t j = 0; j < NP; j++)
        ck_assert_int_eq(dk_hist_percentile(a, percentiles[j]),
                         dk_hist_percentile(b, percentiles[j]));
    dk_hist_free(a);
    dk_hist_free(b);
}
END_TEST

/* ---- merge ---- */

START_TEST(merge_equals_recording_into_one)
{
    dk_hist_t *a = new_hist(), *b = new_hist(), *all = new_hist(), *empty = new_hist();
    dk_rng_t r;
    dk_rng_seed(&r, 5);
    for (int i = 0; i < 50000; i++) {
        int64_t x = (int64_t)(-1e5 * log1p(-dk_rng_uniform(&r)));
        dk_hist_record(i % 3 ? a : b, x);
        dk_hist_record(all, x);
    }
    dk_hist_record(b, 1ll << 40); /* only b has the max */
    dk_hist_record(all, 1ll << 40);
    ck_assert_int_eq(dk_hist_merge(a, b), DK_OK);
    ck_assert_int_eq(dk_hist_merge(a, empty), DK_OK);
    ck_assert_uint_eq(dk_hist_count(a), dk_hist_count(all));
    ck_assert_int_eq(dk_hist_min(a), dk_hist_min(all));
    ck_assert_int_eq(dk_hist_max(a), dk_hist_max(all));
    ck_assert_double_eq(dk_hist_mean(a), dk_hist_mean(all));
    ck_assert_double_eq_tol(dk_hist_stddev(a), dk_hist_stddev(all), 1e-9 * dk_hist_stddev(all));
    for (size_t j = 0; j < NP; j++)
        ck_assert_int_eq(dk_hist_percentile(a, percentiles[j]),
                         dk_hist_percentile(all, percentiles[j]));
    /* into an empty one: a copy */
    ck_assert_int_eq(dk_hist_merge(empty, all), DK_OK);
    ck_assert_int_eq(dk_hist_min(empty), dk_hist_min(all));
    ck_assert_int_eq(dk_hist_percentile(empty, 50), dk_hist_percentile(all, 50));
    /* into itself: doubled counts, same percentiles */
    ck_assert_int_eq(dk_hist_merge(all, all), DK_OK);
    ck_assert_uint_eq(dk_hist_count(all), 2 * dk_hist_count(empty));
    ck_assert_int_eq(dk_hist_percentile(all, 90), dk_hist_percentile(empty, 90));
    ck_assert_int_eq(dk_hist_merge(NULL, a), DK_EINVAL);
    ck_assert_int_eq(dk_hist_merge(a, NULL), DK_EINVAL);
    dk_hist_free(a);
    dk_hist_free(b);
    dk_hist_free(all);
    dk_hist_free(empty);
}
END_TEST

/* ---- memory ---- */

START_TEST(recording_never_allocates)
{
    /* Once the blocks a band of values needs exist, recording there allocates nothing: the
     * first pass (then forgotten by reset, which keeps the blocks) is the only one that may. */
    dk_status st;
    dk_hist_t *h = new_hist();
    for (int64_t x = 1; x > 0 && x < INT64_MAX / 3; x = x * 3 + 1)
        ck_assert_int_eq(dk_hist_record(h, x), DK_OK);
    dk_hist_reset(h);
    dk_alloc_fail_after(0);
    for (int64_t x = 1; x > 0 && x < INT64_MAX / 3; x = x * 3 + 1)
        ck_assert_int_eq(dk_hist_record(h, x), DK_OK);
    ck_assert_ptr_null(dk_hist_new(&st));
    dk_alloc_fail_after(-1);
    ck_assert_int_eq(st, DK_ENOMEM);
    ck_assert_uint_gt(dk_hist_count(h), 30);
    dk_hist_free(h);
}
END_TEST

/* A counting allocator: every block carries its size in front, so the test knows the live
 * bytes exactly (what the histogram asked for, not the C library's overhead). */
static size_t live_bytes, allocations;

static void *counting_malloc(size_t size, void *ud)
{
    (void)ud;
    size_t *p = malloc(sizeof(max_align_t) + size);
    if (p == NULL)
        return NULL;
    *p = size;
    live_bytes += size;
    allocations++;
    return (char *)p + sizeof(max_align_t);
}

static void counting_free(void *ptr, void *ud)
{
    (void)ud;
    size_t *p = (size_t *)(void *)((char *)ptr - sizeof(max_align_t));
    live_bytes -= *p;
    free(p);
}

static void *counting_realloc(void *ptr, size_t size, void *ud)
{
    void *q = counting_malloc(size, ud);
    if (q == NULL)
        return NULL;
    size_t old = *(size_t *)(void *)((char *)ptr - sizeof(max_align_t));
    memcpy(q, ptr, old < size ? old : size);
    counting_free(ptr, ud);
    return q;
}

static void count_bytes(void)
{
    static const dk_allocator counting = {counting_malloc, counting_realloc, counting_free, NULL};
    live_bytes = allocations = 0;
    dk_set_allocator(&counting);
}

START_TEST(memory_follows_the_values)
{
    /* An idle histogram is a small header; a handful of latencies around 1 ms (one power-of-two
     * range) adds a block or two: the whole stays under 1 KB where the fixed layout took 58 KiB. */
    count_bytes();
    dk_hist_t *h = new_hist();
    size_t empty = live_bytes;
    ck_assert_uint_le(empty, 512);
    ck_assert_uint_eq(dk_hist_bytes(h), empty);
    static const int64_t ms[] = {1000000, 1003000, 1010000, 1021000, 998000, 1000000};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        ck_assert_int_eq(dk_hist_record(h, ms[i]), DK_OK);
    ck_assert_msg(live_bytes < 1024, "a handful of values take %zu bytes", live_bytes);
    ck_assert_uint_eq(dk_hist_bytes(h), live_bytes);
    ck_assert_uint_eq(dk_hist_count(h), 6);
    ck_assert_int_eq(dk_hist_percentile(h, 100), 1021000);
    /* A value in every block: never more than the fixed layout it replaces, plus the header. */
    for (int64_t x = 0; x < 256; x += 8)
        ck_assert_int_eq(dk_hist_record(h, x), DK_OK);
    for (int e = 8; e < 63; e++)
        for (int64_t q = 4; q < 8; q++) /* each quarter of [2^e, 2^(e+1)) */
            ck_assert_int_eq(dk_hist_record(h, q << (e - 2)), DK_OK);
    ck_assert_uint_le(live_bytes, empty + (256 + 55 * 128) * sizeof(uint64_t));
    ck_assert_uint_eq(dk_hist_bytes(h), live_bytes);
    dk_hist_free(h);
    ck_assert_uint_eq(live_bytes, 0);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(steady_state_allocates_nothing)
{
    /* 10^5 exponential latencies make at most one allocation per block they touch (fewer: the
     * pool's capacity doubles); replaying them makes none. */
    dk_rng_t r;
    dk_rng_seed(&r, 6);
    count_bytes();
    dk_hist_t *h = new_hist();
    size_t header = live_bytes;
    for (int i = 0; i < 100000; i++)
        dk_hist_record(h, (int64_t)(-2e6 * log1p(-dk_rng_uniform(&r))));
    size_t made = allocations, blocks = (live_bytes - header) / (DK_HIST_BLOCK * sizeof(uint64_t));
    ck_assert_uint_gt(blocks, 4);
    ck_assert_uint_le(made, 1 + blocks);
    ck_assert_uint_lt(made, blocks); /* doubling: about log2(blocks) reallocations */
    dk_rng_seed(&r, 6);
    for (int i = 0; i < 100000; i++)
        dk_hist_record(h, (int64_t)(-2e6 * log1p(-dk_rng_uniform(&r))));
    ck_assert_uint_eq(allocations, made);
    ck_assert_uint_eq(dk_hist_count(h), 200000);
    dk_hist_free(h);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(out_of_memory_records_nothing)
{
    /* Past the values kept raw, so that the counters are in blocks. */
    dk_hist_t *h = new_hist();
    ck_assert_int_eq(dk_hist_record_n(h, 5000, 99), DK_OK);
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_hist_record(h, 5001), DK_OK); /* the same block: no allocation */
    ck_assert_int_eq(dk_hist_record(h, 1 << 30), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_record_n(h, 1 << 30, 7), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_record_n(h, 1 << 30, 0), DK_OK); /* nothing to record */
    dk_alloc_fail_after(-1);
    /* the failed values left no trace: the statistics agree with one another */
    ck_assert_uint_eq(dk_hist_count(h), 100);
    ck_assert_int_eq(dk_hist_max(h), 5001);
    ck_assert_double_eq(dk_hist_mean(h), 5000.01);
    ck_assert_int_eq(dk_hist_percentile(h, 100), 5001);
    ck_assert_int_eq(dk_hist_record(h, 1 << 30), DK_OK);
    ck_assert_int_eq(dk_hist_max(h), 1 << 30);
    ck_assert_int_eq(dk_hist_record(NULL, 1), DK_EINVAL);
    ck_assert_int_eq(dk_hist_record_n(NULL, 1, 2), DK_EINVAL);
    dk_hist_free(h);
}
END_TEST

START_TEST(merge_out_of_memory_leaves_dst)
{
    dk_hist_t *dst = new_hist(), *src = new_hist();
    for (int64_t x = 1; x < ((int64_t)1 << 40); x *= 2)
        dk_hist_record(src, x);
    dk_hist_record(dst, 300);
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_hist_merge(dst, src), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_merge(dst, dst), DK_OK); /* no new block: cannot fail */
    dk_alloc_fail_after(-1);
    ck_assert_uint_eq(dk_hist_count(dst), 2);
    ck_assert_int_eq(dk_hist_min(dst), 300);
    ck_assert_int_eq(dk_hist_max(dst), 300);
    ck_assert_int_eq(dk_hist_merge(dst, src), DK_OK);
    ck_assert_uint_eq(dk_hist_count(dst), 2 + dk_hist_count(src));
    ck_assert_int_eq(dk_hist_min(dst), 1);
    ck_assert_int_eq(dk_hist_percentile(dst, 100), (int64_t)1 << 39);
    dk_hist_free(dst);
    dk_hist_free(src);
}
END_TEST

/* Every statistic of `a` and `b` is the same (their counts may differ by `count_factor`). */
static void assert_same_statistics(const dk_hist_t *a, const dk_hist_t *b, uint64_t count_factor)
{
    ck_assert_uint_eq(dk_hist_count(a) * count_factor, dk_hist_count(b));
    ck_assert_int_eq(dk_hist_min(a), dk_hist_min(b));
    ck_assert_int_eq(dk_hist_max(a), dk_hist_max(b));
    ck_assert_double_eq(dk_hist_mean(a), dk_hist_mean(b));
    ck_assert_double_eq(dk_hist_stddev(a), dk_hist_stddev(b));
    for (double p = 0; p <= 100; p += 2.5)
        ck_assert_int_eq(dk_hist_percentile(a, p), dk_hist_percentile(b, p));
    for (size_t i = 0; i < NP; i++)
        ck_assert_int_eq(dk_hist_percentile(a, percentiles[i]),
                         dk_hist_percentile(b, percentiles[i]));
}

/* A value of any magnitude: exact small ones, microseconds to hours. */
static int64_t any_value(dk_rng_t *r)
{
    int e = (int)(dk_rng_next(r) % 44);
    return (int64_t)(dk_rng_next(r) % ((uint64_t)1 << e));
}

/* A histogram that counts in blocks from its first value: filled past the raw values, then
 * reset (which keeps the blocks). */
static dk_hist_t *counted_hist(void)
{
    dk_hist_t *h = new_hist();
    ck_assert_int_eq(dk_hist_record_n(h, 1000, 100), DK_OK);
    dk_hist_reset(h);
    ck_assert_uint_eq(dk_hist_count(h), 0);
    return h;
}

START_TEST(raw_and_counted_forms_agree)
{
    /* The first values are kept as they come and counted into blocks later: every answer must
     * be the one the counts give, below, at and above the changeover. */
    dk_rng_t r;
    dk_rng_seed(&r, 11);
    for (size_t n = 1; n <= 64; n++) {
        for (int trial = 0; trial < 6; trial++) {
            dk_hist_t *raw = new_hist(), *counted = counted_hist(), *doubled = new_hist();
            for (size_t i = 0; i < n; i++) {
                int64_t v = any_value(&r);
                ck_assert_int_eq(dk_hist_record(raw, v), DK_OK);
                ck_assert_int_eq(dk_hist_record(counted, v), DK_OK);
                ck_assert_int_eq(dk_hist_record_n(doubled, v, 2), DK_OK);
            }
            assert_same_statistics(raw, counted, 1);
            /* each value twice: the same percentiles, through record_n's raw path */
            assert_same_statistics(raw, doubled, 2);
            dk_hist_free(raw);
            dk_hist_free(counted);
            dk_hist_free(doubled);
        }
    }
}
END_TEST

START_TEST(few_values_allocate_no_block)
{
    /* A component that sees a few requests keeps them in its header: no block, no allocation. */
    count_bytes();
    dk_hist_t *h = new_hist();
    size_t header = live_bytes, made = allocations;
    dk_rng_t r;
    dk_rng_seed(&r, 3);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(dk_hist_record(h, any_value(&r)), DK_OK);
    ck_assert_uint_eq(allocations, made);
    ck_assert_uint_eq(live_bytes, header);
    ck_assert_uint_eq(dk_hist_bytes(h), header);
    dk_hist_free(h);
    ck_assert_uint_eq(live_bytes, 0);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(merge_in_every_form)
{
    /* Raw into raw (fitting or not), raw into counted, counted into raw, and into itself:
     * the same as recording every value into one histogram. */
    static const size_t sizes[] = {0, 1, 5, 14, 20, 27, 28, 29, 40, 200};
    const size_t ns = sizeof sizes / sizeof sizes[0];
    dk_rng_t r;
    dk_rng_seed(&r, 5);
    for (size_t a = 0; a < ns; a++) {
        for (size_t b = 0; b < ns; b++) {
            dk_hist_t *dst = new_hist(), *src = new_hist(), *all = new_hist();
            for (size_t i = 0; i < sizes[a]; i++) {
                int64_t v = any_value(&r);
                dk_hist_record(dst, v);
                dk_hist_record(all, v);
            }
            for (size_t i = 0; i < sizes[b]; i++) {
                int64_t v = any_value(&r);
                dk_hist_record(src, v);
                dk_hist_record(all, v);
            }
            ck_assert_int_eq(dk_hist_merge(dst, src), DK_OK);
            assert_same_statistics(dst, all, 1);
            dk_hist_t *twice = new_hist();
            ck_assert_int_eq(dk_hist_merge(twice, all), DK_OK);
            ck_assert_int_eq(dk_hist_merge(twice, all), DK_OK);
            ck_assert_int_eq(dk_hist_merge(all, all), DK_OK); /* into itself: doubled */
            assert_same_statistics(all, twice, 1);
            dk_hist_free(dst);
            dk_hist_free(src);
            dk_hist_free(all);
            dk_hist_free(twice);
        }
    }
}
END_TEST

START_TEST(becoming_counted_out_of_memory)
{
    /* The value that turns raw values into counts needs blocks: without memory, nothing
     * changes, and the raw values still answer. */
    dk_hist_t *h = new_hist(), *big = new_hist();
    for (int64_t i = 1; i <= 28; i++)
        ck_assert_int_eq(dk_hist_record(h, i * 1000), DK_OK);
    ck_assert_int_eq(dk_hist_record_n(big, 7, 50), DK_OK);
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_hist_record(h, 1), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_record_n(h, 1, 3), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_merge(h, big), DK_ENOMEM);
    ck_assert_int_eq(dk_hist_merge(h, h), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert_uint_eq(dk_hist_count(h), 28);
    ck_assert_int_eq(dk_hist_min(h), 1000);
    /* the median, 14000, lies in [13952, 14016) (64 wide above 2^13): its midpoint */
    ck_assert_int_eq(dk_hist_percentile(h, 50), 13952 + 31);
    ck_assert_int_eq(dk_hist_record(h, 1), DK_OK);
    ck_assert_uint_eq(dk_hist_count(h), 29);
    ck_assert_int_eq(dk_hist_min(h), 1);
    dk_hist_free(h);
    dk_hist_free(big);
}
END_TEST

START_TEST(record_batch_equals_records)
{
    /* A batch records what the same records one by one would, in any chunking, into
     * histograms raw or counted, and stops at the first failure having recorded the rest. */
    enum { NH = 37, NS = 20000 };
    dk_hist_t *batched[NH], *single[NH];
    static dk_hist_sample samples[NS];
    dk_rng_t r;
    dk_rng_seed(&r, 8);
    for (int i = 0; i < NH; i++) {
        batched[i] = new_hist();
        single[i] = new_hist();
    }
    for (size_t k = 0; k < NS; k++) {
        /* some histograms get few values (they stay raw), the rest many */
        size_t i = dk_rng_next(&r) % 4 == 0 ? NH - 1 - dk_rng_next(&r) % 5 : dk_rng_next(&r) % 7;
        samples[k].hist = batched[i];
        samples[k].value = any_value(&r) - 5; /* a few negative: counted as 0 */
        ck_assert_int_eq(dk_hist_record(single[i], samples[k].value), DK_OK);
    }
    size_t at = 0;
    while (at < NS) {
        size_t n = 1 + dk_rng_next(&r) % 700, done = 0;
        if (n > NS - at)
            n = NS - at;
        ck_assert_int_eq(dk_hist_record_batch(samples + at, n, &done), DK_OK);
        ck_assert_uint_eq(done, n);
        at += n;
    }
    for (int i = 0; i < NH; i++)
        assert_same_statistics(batched[i], single[i], 1);
    /* a NULL histogram stops the batch where it stands */
    dk_hist_sample bad[3] = {{batched[0], 1}, {NULL, 2}, {batched[0], 3}};
    size_t done = 99;
    uint64_t before = dk_hist_count(batched[0]);
    ck_assert_int_eq(dk_hist_record_batch(bad, 3, &done), DK_EINVAL);
    ck_assert_uint_eq(done, 1);
    ck_assert_uint_eq(dk_hist_count(batched[0]), before + 1);
    ck_assert_int_eq(dk_hist_record_batch(bad, 0, NULL), DK_OK);
    for (int i = 0; i < NH; i++) {
        dk_hist_free(batched[i]);
        dk_hist_free(single[i]);
    }
}
END_TEST

START_TEST(huge_values_keep_an_exact_variance)
{
    /* v_k = A + k d, k < n: population stddev d sqrt((n^2 - 1) / 12). With A near 2^62 every
     * square is near 2^124, so the sum of squares passes 2^128 again and again: the carries
     * must all be kept. record_n (count > 1) and merge take the same wide path. */
    enum { N = 1000 };
    const int64_t a = (int64_t)1 << 62, d = (int64_t)1 << 50;
    dk_hist_t *h = new_hist(), *x = new_hist(), *y = new_hist();
    for (int64_t k = 0; k < N; k++) {
        dk_hist_record(h, a + k * d);
        dk_hist_record_n(k % 2 ? x : y, a + k * d, 3);
    }
    double want = (double)d * sqrt(((double)N * N - 1) / 12);
    ck_assert_double_eq_tol(dk_hist_stddev(h), want, 1e-9 * want);
    ck_assert_double_eq_tol(dk_hist_mean(h), (double)a + (double)d * (N - 1) / 2, 1);
    ck_assert_int_eq(dk_hist_merge(x, y), DK_OK);
    ck_assert_uint_eq(dk_hist_count(x), 3 * N);
    ck_assert_double_eq_tol(dk_hist_stddev(x), want, 1e-9 * want);
    dk_hist_free(h);
    dk_hist_free(x);
    dk_hist_free(y);
}
END_TEST

static Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("percentiles");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, uniform_values);
    tcase_add_test(tc, exponential_values);
    tcase_add_test(tc, lognormal_values);
    tcase_add_test(tc, small_values_are_exact);
    tcase_add_test(tc, every_power_of_two_boundary);
    suite_add_tcase(s, tc);
    tc = tcase_create("statistics");
    tcase_add_test(tc, empty_and_negative);
    tcase_add_test(tc, constant_data_has_zero_stddev);
    tcase_add_test(tc, record_n_equals_repeated_record);
    tcase_add_test(tc, raw_and_counted_forms_agree);
    tcase_add_test(tc, record_batch_equals_records);
    tcase_add_test(tc, huge_values_keep_an_exact_variance);
    suite_add_tcase(s, tc);
    tc = tcase_create("merge");
    tcase_add_test(tc, merge_equals_recording_into_one);
    tcase_add_test(tc, merge_in_every_form);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_test(tc, recording_never_allocates);
    tcase_add_test(tc, memory_follows_the_values);
    tcase_add_test(tc, steady_state_allocates_nothing);
    tcase_add_test(tc, out_of_memory_records_nothing);
    tcase_add_test(tc, merge_out_of_memory_leaves_dst);
    tcase_add_test(tc, few_values_allocate_no_block);
    tcase_add_test(tc, becoming_counted_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hist_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* areas: base patterns */
/* test_cache_lru.c - LRU vs a brute-force list LRU, and the ARC paper's OLTP hit ratios. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "designkit/cache.h"
#include "designkit/rng.h"
#include "designkit/trace.h"

/* The reference: an array ordered most recent first, searched linearly. Slow and obviously
 * right. */
typedef struct ref_lru {
    uint64_t *keys;
    size_t n, cap;
} ref_lru;

static int ref_access(ref_lru *r, uint64_t key)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (r->keys[i] == key)
            break;
    int hit = i < r->n;
    if (!hit) {
        if (r->n < r->cap)
            r->n++;
        i = r->n - 1; /* the least recent falls off the end */
    }
    memmove(r->keys + 1, r->keys, i * sizeof *r->keys);
    r->keys[0] = key;
    return hit;
}

static int ref_remove(ref_lru *r, uint64_t key)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->keys[i] == key) {
            memmove(r->keys + i, r->keys + i + 1, (r->n - i - 1) * sizeof *r->keys);
            r->n--;
            return 1;
        }
    return 0;
}

/* get-then-put-on-miss (the way hit ratios are measured on traces) with occasional removes,
 * over keys drawn from a skewed and a uniform range. */
static void random_trace(size_t cap, uint64_t universe, uint64_t seed)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, seed);
    dk_cache_t *c = dk_cache_new("lru", cap, NULL);
    ref_lru r = {calloc(cap, sizeof(uint64_t)), 0, cap};
    for (int i = 0; i < 50000; i++) {
        uint64_t key = dk_rng_below(&rng, 2) ? dk_rng_below(&rng, universe)
                                             : dk_rng_below(&rng, universe / 8 + 1);
        if (dk_rng_below(&rng, 20) == 0) {
            ck_assert_int_eq(dk_cache_remove(c, key), ref_remove(&r, key));
            continue;
        }
        int hit = dk_cache_get(c, key, 0);
        ck_assert_int_eq(hit, ref_access(&r, key) ? 1 : 0);
        if (!hit)
            dk_cache_put(c, key, 0, 0);
        ck_assert_uint_eq(dk_cache_size(c), r.n);
    }
    for (size_t i = 0; i < r.n; i++)
        ck_assert_int_eq(dk_cache_contains(c, r.keys[i]), 1);
    dk_cache_free(c);
    free(r.keys);
}

START_TEST(matches_reference_small)
{
    random_trace(1, 4, 1);
    random_trace(3, 10, 2);
    random_trace(16, 40, 3);
}
END_TEST

START_TEST(matches_reference_large)
{
    random_trace(200, 1000, 4);
    random_trace(500, 600, 5);
}
END_TEST

/* ---- the OLTP trace ---- */

static uint64_t *trace;
static size_t trace_len;

static size_t trace_cap;

/* dk_trace_read's callback: OLTP's requests are one block each, so the block is the key. */
static dk_status push_request(void *ctx, uint64_t start, uint64_t count)
{
    (void)ctx;
    ck_assert_uint_eq(count, 1);
    if (trace_len == trace_cap) {
        trace_cap = trace_cap ? 2 * trace_cap : 1 << 20;
        trace = realloc(trace, trace_cap * sizeof *trace);
        ck_assert_ptr_nonnull(trace);
    }
    trace[trace_len++] = start;
    return DK_OK;
}

/* Reads the trace through gzip with the core's reader (designkit/trace.h); 0 (and a message)
 * when the file is absent. */
static int load_trace(void)
{
    char path[4096];
    const char *src = getenv("DK_SOURCE");
    path[0] = '\0';
    if (src != NULL)
        snprintf(path, sizeof path, "%s/../shared/traces/OLTP.lis.gz", src);
    if (path[0] == '\0' || access(path, R_OK) != 0)
        snprintf(path, sizeof path, "/work/shared/traces/OLTP.lis.gz");
    if (access(path, R_OK) != 0)
        return 0;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    dk_error err;
    dk_status st = dk_trace_read(f, "OLTP.lis", push_request, NULL, &err);
    ck_assert_msg(st == DK_OK, "%s", err.message);
    ck_assert_int_eq(pclose(f), 0);
    return 1;
}

START_TEST(oltp_hit_ratios_match_the_arc_paper)
{
    /* Megiddo & Modha, FAST 2003, table for OLTP: LRU column. */
    static const struct {
        uint64_t c;
        double lru;
    } table[] = {{1000, 32.83}, {2000, 42.47}, {5000, 53.65}, {10000, 60.70}, {15000, 64.63}};
    if (!load_trace()) {
        fprintf(stderr, "OLTP.lis.gz not found: skipping the trace test\n");
        return;
    }
    ck_assert_uint_eq(trace_len, 914145);
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        dk_cache_t *c = dk_cache_new("lru", table[t].c, NULL);
        for (size_t i = 0; i < trace_len; i++)
            if (!dk_cache_get(c, trace[i], 0))
                dk_cache_put(c, trace[i], 0, 0);
        double ratio = 100.0 * (double)dk_cache_hits(c) / (double)trace_len;
        double rounded = round(ratio * 100) / 100;
        ck_assert_msg(fabs(rounded - table[t].lru) < 0.001,
                      "c=%llu: LRU hit ratio %.4f%%, paper %.2f%%", (unsigned long long)table[t].c,
                      ratio, table[t].lru);
        dk_cache_free(c);
    }
    free(trace);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_lru");
    TCase *ref = tcase_create("reference");
    tcase_set_timeout(ref, 60);
    tcase_add_test(ref, matches_reference_small);
    tcase_add_test(ref, matches_reference_large);
    suite_add_tcase(s, ref);
    TCase *tr = tcase_create("trace");
    tcase_set_timeout(tr, 120);
    tcase_add_test(tr, oltp_hit_ratios_match_the_arc_paper);
    suite_add_tcase(s, tr);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* areas: base patterns */
/* test_cache_oltp.c - ARC on the ARC paper's OLTP trace against the paper's column, and
 * Belady's MIN above LRU, ARC and 2Q there (LRU's own column is in test_cache_lru.c). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "designkit/cache.h"
#include "designkit/trace.h"

static uint64_t *trace;
static size_t trace_len, trace_cap;

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

/* The trace through gzip with the core's reader; 0 (and a message) when the file is absent. */
static int load_trace(void)
{
    char path[4096] = "";
    const char *src = getenv("DK_SOURCE");
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

static double replay(const char *policy, uint64_t c)
{
    dk_cache_t *cache = dk_cache_new(policy, c, NULL);
    for (size_t i = 0; i < trace_len; i++)
        if (!dk_cache_get(cache, trace[i], 0))
            dk_cache_put(cache, trace[i], 0, 0);
    double ratio = 100.0 * (double)dk_cache_hits(cache) / (double)trace_len;
    dk_cache_free(cache);
    return ratio;
}

START_TEST(arc_matches_the_paper_and_min_is_the_ceiling)
{
    /* Megiddo & Modha, FAST 2003, OLTP: the ARC column; the README allows about 0.15 points. */
    static const struct {
        uint64_t c;
        double arc;
    } table[] = {{1000, 38.93}, {2000, 46.08}, {5000, 55.25}, {10000, 61.87}, {15000, 65.40}};
    if (!load_trace()) {
        fprintf(stderr, "OLTP.lis.gz not found: skipping the trace test\n");
        return;
    }
    ck_assert_uint_eq(trace_len, 914145);
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        double arc = replay("arc", table[t].c);
        double lru = replay("lru", table[t].c), twoq = replay("2q", table[t].c);
        double tinylfu = replay("tinylfu", table[t].c);
        uint64_t hits;
        ck_assert_int_eq(dk_cache_min(trace, trace_len, table[t].c, &hits, NULL), DK_OK);
        double min = 100.0 * (double)hits / (double)trace_len;
        fprintf(
            stderr,
            "OLTP c=%5llu  LRU %.2f  ARC %.2f (paper %.2f)  2Q %.2f  W-TinyLFU %.2f  MIN %.2f\n",
            (unsigned long long)table[t].c, lru, arc, table[t].arc, twoq, tinylfu, min);
        ck_assert_msg(fabs(arc - table[t].arc) <= 0.15, "c=%llu: ARC %.4f%%, paper %.2f%%",
                      (unsigned long long)table[t].c, arc, table[t].arc);
        ck_assert(min > arc && min > lru && min > twoq && min > tinylfu);
    }
    free(trace);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_oltp");
    TCase *tc = tcase_create("trace");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, arc_matches_the_paper_and_min_is_the_ceiling);
    suite_add_tcase(s, tc);
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

/* bench_storage.c - the write-ahead log's appends per second under each fsync policy, as
 * ratios against "never" (no fsync) in the same run, on the folder given (the disk you mean to
 * measure: tmpfs makes fsync free); and index point lookups per second, B+tree and hash, as
 * ratios against a binary search of a sorted array. Never asserts a time.
 * usage: bench_storage [RECORDS [ROWS [DIR]]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/index.h"
#include "designkit/rng.h"
#include "designkit/wal.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends `n` 100-byte records to a fresh log in dir/name; returns records per second. */
static double wal_rate(const char *dir, const char *name, dk_wal_fsync policy, unsigned group,
                       long n)
{
    char path[512], cmd[600];
    snprintf(path, sizeof path, "%s/bench-wal-%s", dir, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        return 0;
    dk_wal_options o = {.fsync = policy, .interval_ns = 10000000, .group = group};
    dk_error err;
    dk_wal_t *w = dk_wal_open(path, &o, &err);
    if (w == NULL) {
        fprintf(stderr, "bench_storage: %s\n", err.message);
        exit(2);
    }
    char rec[100] = {0};
    double t0 = seconds_now();
    for (long i = 0; i < n; i++)
        dk_wal_append(w, rec, sizeof rec, NULL, NULL);
    dk_wal_sync(w, NULL);
    double dt = seconds_now() - t0;
    dk_wal_close(w, NULL);
    if (system(cmd) != 0)
        return 0;
    return (double)n / dt;
}

static uint64_t *sorted;
static long rows;

static int by_bisection(uint64_t key)
{
    long lo = 0, hi = rows;
    while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (sorted[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rows && sorted[lo] == key;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000;
    rows = argc > 2 ? atol(argv[2]) : 1000000;
    const char *dir = argc > 3 ? argv[3] : ".";

    double never = wal_rate(dir, "never", DK_WAL_FSYNC_NEVER, 1, n);
    double interval = wal_rate(dir, "10ms", DK_WAL_FSYNC_INTERVAL, 1, n);
    double group = wal_rate(dir, "group8", DK_WAL_FSYNC_ALWAYS, 8, n);
    double always = wal_rate(dir, "always", DK_WAL_FSYNC_ALWAYS, 1, n / 10 > 0 ? n / 10 : 1);
    printf("wal appends/s on %s: never %.0f, every 10ms %.0f (%.2fx), always group 8 %.0f "
           "(%.3fx), always %.0f (%.3fx)\n",
           dir, never, interval, interval / never, group, group / never, always, always / never);

    dk_btree_t *t = dk_btree_new(64, NULL);
    dk_hashindex_t *h = dk_hashindex_new(64, NULL);
    sorted = malloc((size_t)rows * sizeof *sorted);
    if (t == NULL || h == NULL || sorted == NULL)
        return 3;
    for (long i = 0; i < rows; i++) {
        sorted[i] = 2 * (uint64_t)i;
        dk_btree_put(t, sorted[i], (uint64_t)i, NULL);
        dk_hashindex_put(h, sorted[i], (uint64_t)i, NULL);
    }
    dk_rng_t rng;
    long q = 2000000;
    volatile long found = 0;
    double rate[3];
    for (int which = 0; which < 3; which++) {
        dk_rng_seed(&rng, 5);
        double t0 = seconds_now();
        for (long i = 0; i < q; i++) {
            uint64_t key = dk_rng_next(&rng) % (2 * (uint64_t)rows);
            found += which == 0   ? by_bisection(key)
                     : which == 1 ? dk_btree_get(t, key, NULL)
                                  : dk_hashindex_get(h, key, NULL);
        }
        rate[which] = (double)q / (seconds_now() - t0);
    }
    printf("point lookups/s at %ld rows: sorted array %.0f, btree %.0f (%.2fx), hash %.0f "
           "(%.2fx)\n",
           rows, rate[0], rate[1], rate[1] / rate[0], rate[2], rate[2] / rate[0]);
    dk_btree_free(t);
    dk_hashindex_free(h);
    free(sorted);
    return 0;
}

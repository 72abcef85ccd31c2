/* bench_cache.c - ns per cache operation for each eviction policy against a plain
 * open-addressing hash lookup (dk_map_get on a map holding the same number of keys), run by
 * the same loop over the same keys in the same run. An operation is a get and, on a miss, a
 * put: what a cache in front of a store does. Reports ratios; never asserts a timing.
 * Usage: bench_cache [OPERATIONS] [ROUNDS] [CAPACITY] (best of ROUNDS). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/cache.h"
#include "designkit/map.h"
#include "designkit/rng.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keys over 4x the capacity, half of them from the hottest eighth: hits and evictions both. */
static uint64_t *make_keys(long n, uint64_t capacity)
{
    uint64_t *k = malloc((size_t)n * sizeof *k);
    dk_rng_t rng;
    dk_rng_seed(&rng, 11);
    for (long i = 0; k != NULL && i < n; i++)
        k[i] = dk_hash_u64(dk_rng_below(&rng, 2) ? dk_rng_below(&rng, 4 * capacity)
                                                 : dk_rng_below(&rng, capacity / 2 + 1));
    return k;
}

static double run_cache(const char *policy, uint64_t capacity, const uint64_t *keys, long n,
                        uint64_t *sink)
{
    dk_cache_t *c = dk_cache_new(policy, capacity, NULL);
    for (long i = 0; i < n; i++) /* warm-up: grown, full */
        if (!dk_cache_get(c, keys[i], 0))
            dk_cache_put(c, keys[i], 0, 0);
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        if (!dk_cache_get(c, keys[i], 0))
            dk_cache_put(c, keys[i], 0, 0);
    double secs = now_s() - t0;
    *sink += dk_cache_hits(c);
    dk_cache_free(c);
    return secs;
}

static double run_map(uint64_t capacity, const uint64_t *keys, long n, uint64_t *sink)
{
    dk_map_t *m = dk_map_new((size_t)capacity, NULL);
    for (long i = 0; i < n && dk_map_size(m) < capacity; i++)
        dk_map_put(m, keys[i], (uint64_t)i);
    uint64_t found = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        found += (uint64_t)dk_map_get(m, keys[i], NULL);
    double secs = now_s() - t0;
    *sink += found;
    dk_map_free(m);
    return secs;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    long cap = argc > 3 ? atol(argv[3]) : 100000;
    if (n <= 0 || rounds <= 0 || cap <= 0) {
        fprintf(stderr, "usage: bench_cache [OPERATIONS > 0] [ROUNDS > 0] [CAPACITY > 0]\n");
        return 2;
    }
    uint64_t *keys = make_keys(n, (uint64_t)cap), sink = 0;
    if (keys == NULL)
        return 1;
    double base = 1e300;
    for (int r = 0; r < rounds; r++) {
        double s = run_map((uint64_t)cap, keys, n, &sink);
        base = s < base ? s : base;
    }
    printf("%-10s %10s %8s  (capacity %ld, %ld operations)\n", "policy", "ns/op", "x map", cap, n);
    printf("%-10s %10.1f %8s\n", "map get", 1e9 * base / (double)n, "1.0");
    for (int p = 0; dk_cache_policy_names[p] != NULL; p++) {
        double best = 1e300;
        for (int r = 0; r < rounds; r++) {
            double s = run_cache(dk_cache_policy_names[p], (uint64_t)cap, keys, n, &sink);
            best = s < best ? s : best;
        }
        printf("%-10s %10.1f %8.2f\n", dk_cache_policy_names[p], 1e9 * best / (double)n,
               best / base);
    }
    free(keys);
    return sink == 42 ? 1 : 0; /* keeps the work observable */
}

/* bench_cache.c - ns per cache operation for each eviction policy against a plain
 * open-addressing hash table (dk_map) of the same size, on the same keys, in the same run.
 * Two paths, measured apart because they cost different things:
 *   hit   a get of a key the cache holds (all `capacity` keys resident, drawn uniformly);
 *         baseline: dk_map_get of a key the map holds.
 *   miss  a get of a key never seen, then its put, which evicts (the cache full);
 *         baseline: dk_map_get that misses, dk_map_put, and dk_map_remove of the oldest key
 *         (a FIFO ring), so the map stays the same size: the least any cache must do.
 * Reports ratios; never asserts a timing. Usage: bench_cache [OPERATIONS] [ROUNDS] [CAPACITY]
 * (best of ROUNDS). */
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

/* Resident keys 0..cap-1 and fresh keys cap.. , all hashed (as a caller's keys would be). */
static uint64_t key_at(uint64_t i)
{
    return dk_hash_u64(i + 1);
}

typedef struct stream {
    uint64_t *hit;   /* n draws among the resident keys */
    uint64_t *fresh; /* n keys never seen */
} stream;

static int make_stream(stream *st, long n, uint64_t cap)
{
    st->hit = malloc((size_t)n * sizeof *st->hit);
    st->fresh = malloc((size_t)n * sizeof *st->fresh);
    if (st->hit == NULL || st->fresh == NULL)
        return 0;
    dk_rng_t rng;
    dk_rng_seed(&rng, 11);
    for (long i = 0; i < n; i++) {
        st->hit[i] = key_at(dk_rng_below(&rng, cap));
        st->fresh[i] = key_at(cap + (uint64_t)i);
    }
    return 1;
}

static dk_cache_t *filled(const char *policy, uint64_t cap)
{
    dk_cache_t *c = dk_cache_new(policy, cap, NULL);
    for (uint64_t i = 0; i < cap; i++)
        dk_cache_put(c, key_at(i), 0, 0);
    return c;
}

static double cache_hits(const char *policy, uint64_t cap, const stream *st, long n, uint64_t *sink)
{
    dk_cache_t *c = filled(policy, cap);
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        dk_cache_get(c, st->hit[i], 0);
    double secs = now_s() - t0;
    if (dk_cache_hits(c) != (uint64_t)n)
        fprintf(stderr, "%s: %llu of %ld gets missed\n", policy,
                (unsigned long long)((uint64_t)n - dk_cache_hits(c)), n);
    *sink += dk_cache_hits(c);
    dk_cache_free(c);
    return secs;
}

static double cache_misses(const char *policy, uint64_t cap, const stream *st, long n,
                           uint64_t *sink)
{
    dk_cache_t *c = filled(policy, cap);
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        if (!dk_cache_get(c, st->fresh[i], 0))
            dk_cache_put(c, st->fresh[i], 0, 0);
    double secs = now_s() - t0;
    *sink += dk_cache_evictions(c);
    dk_cache_free(c);
    return secs;
}

static dk_map_t *filled_map(uint64_t cap)
{
    dk_map_t *m = dk_map_new((size_t)cap, NULL);
    for (uint64_t i = 0; i < cap; i++)
        dk_map_put(m, key_at(i), i);
    return m;
}

static double map_hits(uint64_t cap, const stream *st, long n, uint64_t *sink)
{
    dk_map_t *m = filled_map(cap);
    uint64_t found = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        found += (uint64_t)dk_map_get(m, st->hit[i], NULL);
    double secs = now_s() - t0;
    *sink += found;
    dk_map_free(m);
    return secs;
}

static double map_misses(uint64_t cap, const stream *st, long n, uint64_t *sink)
{
    dk_map_t *m = filled_map(cap);
    uint64_t found = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        found += (uint64_t)dk_map_get(m, st->fresh[i], NULL);
        dk_map_put(m, st->fresh[i], (uint64_t)i);
        /* the oldest key: the first `cap` resident ones, then the fresh ones in order */
        dk_map_remove(m, (uint64_t)i < cap ? key_at((uint64_t)i) : st->fresh[i - (long)cap], NULL);
    }
    double secs = now_s() - t0;
    *sink += found + dk_map_size(m);
    dk_map_free(m);
    return secs;
}

static double best(double (*run)(uint64_t, const stream *, long, uint64_t *), uint64_t cap,
                   const stream *st, long n, int rounds, uint64_t *sink)
{
    double b = 1e300;
    for (int r = 0; r < rounds; r++) {
        double s = run(cap, st, n, sink);
        b = s < b ? s : b;
    }
    return b;
}

static double best_policy(double (*run)(const char *, uint64_t, const stream *, long, uint64_t *),
                          const char *policy, uint64_t cap, const stream *st, long n, int rounds,
                          uint64_t *sink)
{
    double b = 1e300;
    for (int r = 0; r < rounds; r++) {
        double s = run(policy, cap, st, n, sink);
        b = s < b ? s : b;
    }
    return b;
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
    stream st;
    uint64_t sink = 0, c = (uint64_t)cap;
    if (!make_stream(&st, n, c))
        return 1;
    double hit_base = best(map_hits, c, &st, n, rounds, &sink);
    double miss_base = best(map_misses, c, &st, n, rounds, &sink);
    printf("capacity %ld, %ld operations a path, best of %d\n", cap, n, rounds);
    printf("%-10s %10s %7s %12s %7s\n", "policy", "hit ns/op", "x map", "miss ns/op", "x map");
    printf("%-10s %10.1f %7s %12.1f %7s\n", "dk_map", 1e9 * hit_base / (double)n, "1.0",
           1e9 * miss_base / (double)n, "1.0");
    for (int p = 0; dk_cache_policy_names[p] != NULL; p++) {
        const char *policy = dk_cache_policy_names[p];
        double h = best_policy(cache_hits, policy, c, &st, n, rounds, &sink);
        double m = best_policy(cache_misses, policy, c, &st, n, rounds, &sink);
        printf("%-10s %10.1f %7.2f %12.1f %7.2f\n", policy, 1e9 * h / (double)n, h / hit_base,
               1e9 * m / (double)n, m / miss_base);
    }
    free(st.hit);
    free(st.fresh);
    return sink == 42 ? 1 : 0; /* keeps the work observable */
}

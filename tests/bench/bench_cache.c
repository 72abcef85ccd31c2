/* bench_cache.c - ns per cache operation for each eviction policy against a plain
 * open-addressing hash table (dk_map) of the same size, on the same keys, in the same run.
 * Two paths, measured apart because they cost different things:
 *   hit   a get of a key the cache holds (all `capacity` keys resident, drawn uniformly);
 *         baseline: dk_map_get of a key the map holds.
 *   miss  a get of a key never seen, then its put, which evicts (the cache full);
 *         baseline: dk_map_get that misses, dk_map_put, and dk_map_remove of the oldest key
 *         (a FIFO ring), so the map stays the same size: the least any cache must do.
 * Each policy's paths are timed alternately with their baselines (best of ROUNDS each), and the
 * ratio is of those two. Reports ratios; never asserts a timing. Usage: bench_cache [OPERATIONS]
 * [ROUNDS] [CAPACITY] [POLICY] (best of ROUNDS; POLICY alone, for a profiler, else every policy).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Best of `rounds` for the policy's path and for its baseline, the two run alternately so that
 * both see the same load on a shared machine (a baseline timed once, minutes earlier, made the
 * ratios drift by tenths). */
typedef struct pair_times {
    double policy, base;
} pair_times;

static pair_times best_pair(double (*run)(const char *, uint64_t, const stream *, long, uint64_t *),
                            double (*base)(uint64_t, const stream *, long, uint64_t *),
                            const char *policy, uint64_t cap, const stream *st, long n, int rounds,
                            uint64_t *sink)
{
    pair_times b = {1e300, 1e300};
    for (int r = 0; r < rounds; r++) {
        double s = base(cap, st, n, sink);
        b.base = s < b.base ? s : b.base;
        s = run(policy, cap, st, n, sink);
        b.policy = s < b.policy ? s : b.policy;
    }
    return b;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    long cap = argc > 3 ? atol(argv[3]) : 100000;
    const char *only = argc > 4 ? argv[4] : NULL;
    if (n <= 0 || rounds <= 0 || cap <= 0) {
        fprintf(stderr, "usage: bench_cache [OPERATIONS > 0] [ROUNDS > 0] [CAPACITY > 0]\n");
        return 2;
    }
    stream st;
    uint64_t sink = 0, c = (uint64_t)cap;
    if (!make_stream(&st, n, c))
        return 1;
    printf("capacity %ld, %ld operations a path, best of %d (the baseline timed alongside each "
           "policy)\n",
           cap, n, rounds);
    printf("%-10s %10s %7s %12s %7s %10s %12s\n", "policy", "hit ns/op", "x map", "miss ns/op",
           "x map", "map hit", "map miss");
    for (int p = 0; dk_cache_policy_names[p] != NULL; p++) {
        const char *policy = dk_cache_policy_names[p];
        if (only != NULL && strcmp(only, policy) != 0)
            continue;
        pair_times h = best_pair(cache_hits, map_hits, policy, c, &st, n, rounds, &sink);
        pair_times m = best_pair(cache_misses, map_misses, policy, c, &st, n, rounds, &sink);
        printf("%-10s %10.1f %7.2f %12.1f %7.2f %10.1f %12.1f\n", policy,
               1e9 * h.policy / (double)n, h.policy / h.base, 1e9 * m.policy / (double)n,
               m.policy / m.base, 1e9 * h.base / (double)n, 1e9 * m.base / (double)n);
    }
    free(st.hit);
    free(st.fresh);
    return sink == 42 ? 1 : 0; /* keeps the work observable */
}

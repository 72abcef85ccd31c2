/* bench_shard.c - shard lookups per second for range (binary search over the splits), hash mod N,
 * jump and a directory (a name table), as ratios against a bare `key % N` in the same run.
 * Best of several interleaved rounds; never asserts a time.
 * usage: bench_shard [LOOKUPS [ROUNDS [SHARDS]]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/shard.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t shards;
static dk_shard_t *range, *mod, *jump, *directory;
static char (*names)[24]; /* the directory's keys, looked up by index */
#define NAMES 4096

static size_t by_bare(uint64_t k)
{
    return (size_t)(k % shards);
}
static size_t lookup(const dk_shard_t *s, uint64_t k)
{
    size_t id = 0;
    dk_shard_of(s, k, &id, NULL);
    return id;
}
static size_t by_range(uint64_t k)
{
    return lookup(range, k);
}
static size_t by_mod(uint64_t k)
{
    return lookup(mod, k);
}
static size_t by_jump(uint64_t k)
{
    return lookup(jump, k);
}
static size_t by_directory(uint64_t k)
{
    size_t id = 0;
    dk_shard_of_name(directory, names[k & (NAMES - 1)], &id, NULL);
    return id;
}

typedef struct contender {
    const char *name;
    size_t (*lookup)(uint64_t k);
    double best; /* lookups per second */
} contender;

int main(int argc, char **argv)
{
    size_t lookups = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    shards = argc > 3 ? strtoull(argv[3], NULL, 10) : 64;
    if (lookups == 0 || rounds < 1 || shards < 1 || shards > 100000) {
        fprintf(stderr, "usage: bench_shard [LOOKUPS [ROUNDS [SHARDS]]]\n");
        return 2;
    }
    uint64_t *splits = malloc(shards * sizeof *splits);
    names = malloc(NAMES * sizeof *names);
    if (splits == NULL || names == NULL)
        return 3;
    for (size_t i = 1; i < shards; i++)
        splits[i - 1] = i * (UINT64_MAX / shards);
    range = dk_shard_range_new(splits, shards - 1, NULL);
    mod = dk_shard_hash_new(DK_SHARD_MOD, shards, NULL);
    jump = dk_shard_hash_new(DK_SHARD_JUMP, shards, NULL);
    directory = dk_shard_table_new(DK_SHARD_DIRECTORY, shards, NULL);
    if (range == NULL || mod == NULL || jump == NULL || directory == NULL)
        return 3;
    for (size_t i = 0; i < NAMES; i++) {
        snprintf(names[i], sizeof names[i], "user-%zu", i);
        if (dk_shard_assign(directory, names[i], i % shards, NULL) != DK_OK)
            return 3;
    }

    contender cs[] = {{"bare-mod", by_bare, 0},
                      {"range", by_range, 0},
                      {"hash-mod", by_mod, 0},
                      {"jump", by_jump, 0},
                      {"directory", by_directory, 0}};
    size_t ncs = sizeof cs / sizeof cs[0], sink = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t c = 0; c < ncs; c++) {
            uint64_t key = 0x9e3779b97f4a7c15ull + (uint64_t)r;
            double t0 = seconds_now();
            for (size_t i = 0; i < lookups; i++) {
                sink += cs[c].lookup(key);
                key = key * 6364136223846793005ull + 1442695040888963407ull; /* a cheap walk */
            }
            double rate = (double)lookups / (seconds_now() - t0);
            if (rate > cs[c].best)
                cs[c].best = rate;
        }
    printf("== key -> shard lookups, %zu shards (best of %d rounds) ==\n", shards, rounds);
    for (size_t c = 0; c < ncs; c++)
        printf("%-10s %14.0f lookups/s  %6.2fx the time of bare-mod\n", cs[c].name, cs[c].best,
               cs[0].best / cs[c].best);
    printf("(checksum %zu)\n", sink);
    dk_shard_free(range);
    dk_shard_free(mod);
    dk_shard_free(jump);
    dk_shard_free(directory);
    free(splits);
    free(names);
    return 0;
}

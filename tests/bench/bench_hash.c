/* bench_hash.c - lookups per second for jump, Maglev, the ring and rendezvous, over the same
 * keys and backends, as ratios against a plain hash mod N measured in the same run. Best of
 * several interleaved rounds; never asserts a time.
 * usage: bench_hash [LOOKUPS [ROUNDS [BACKENDS]]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/hash.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t nodes;
static dk_hash_ring_t *ring;
static dk_hash_maglev_t *maglev;
static uint64_t *node_hash;

/* Each contender maps a key to a node the way a balancer would: the key hashed, then looked up. */
static size_t by_mod(uint64_t k)
{
    return (size_t)(dk_hash_u64(k) % nodes);
}
static size_t by_jump(uint64_t k)
{
    return (size_t)dk_hash_jump(dk_hash_u64(k), (int32_t)nodes);
}
static size_t by_ring(uint64_t k)
{
    return dk_hash_ring_get(ring, dk_hash_u64(k));
}
static size_t by_maglev(uint64_t k)
{
    return dk_hash_maglev_get(maglev, dk_hash_u64(k));
}
static size_t by_rendezvous(uint64_t k)
{
    return dk_hash_rendezvous(dk_hash_u64(k), node_hash, nodes);
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
    nodes = argc > 3 ? strtoull(argv[3], NULL, 10) : 100;
    if (lookups == 0 || rounds < 1 || nodes < 1) {
        fprintf(stderr, "usage: bench_hash [LOOKUPS [ROUNDS [BACKENDS]]]\n");
        return 2;
    }
    ring = dk_hash_ring_new(100, NULL);
    node_hash = malloc(nodes * sizeof *node_hash);
    char(*names)[32] = malloc(nodes * sizeof *names);
    const char **ptrs = malloc(nodes * sizeof *ptrs);
    if (ring == NULL || node_hash == NULL || names == NULL || ptrs == NULL)
        return 3;
    for (size_t i = 0; i < nodes; i++) {
        snprintf(names[i], sizeof names[i], "backend-%zu", i);
        ptrs[i] = names[i];
        node_hash[i] = dk_hash_string(names[i], 0);
        if (dk_hash_ring_add(ring, names[i], NULL) != DK_OK)
            return 3;
    }
    maglev = dk_hash_maglev_new(ptrs, nodes, 0, NULL);
    if (maglev == NULL)
        return 3;

    contender cs[] = {{"mod-N", by_mod, 0},
                      {"jump", by_jump, 0},
                      {"maglev", by_maglev, 0},
                      {"ring", by_ring, 0},
                      {"rendezvous", by_rendezvous, 0}};
    size_t ncs = sizeof cs / sizeof cs[0];
    size_t sink = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t c = 0; c < ncs; c++) {
            /* rendezvous is O(n): fewer lookups, the rate is what is compared */
            size_t n = cs[c].lookup == by_rendezvous ? lookups / 20 + 1 : lookups;
            uint64_t key = 0x12345678u + (uint64_t)r;
            double t0 = seconds_now();
            for (size_t i = 0; i < n; i++) {
                sink += cs[c].lookup(key);
                key = key * 6364136223846793005ull + 1442695040888963407ull; /* a cheap walk */
            }
            double rate = (double)n / (seconds_now() - t0);
            if (rate > cs[c].best)
                cs[c].best = rate;
        }
    printf("== key -> backend lookups, %zu backends (best of %d rounds) ==\n", nodes, rounds);
    for (size_t c = 0; c < ncs; c++)
        printf("%-11s %14.0f lookups/s  %6.2fx the time of mod-N\n", cs[c].name, cs[c].best,
               cs[0].best / cs[c].best);
    printf("(checksum %zu)\n", sink);
    dk_hash_maglev_free(maglev);
    dk_hash_ring_free(ring);
    free(node_hash);
    free(names);
    free(ptrs);
    return 0;
}

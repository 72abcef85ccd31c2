/* hash.c - the hash functions, jump consistent hash and rendezvous hashing. */
#include "designkit/hash.h"

#include <string.h>

uint64_t dk_hash_seeded(const void *data, size_t len, uint64_t seed)
{
    uint64_t h = dk_hash_bytes(data, len);
    return seed == 0 ? h : dk_hash_u64(h ^ dk_hash_u64(seed + 0x9e3779b97f4a7c15ull));
}

uint64_t dk_hash_string(const char *s, uint64_t seed)
{
    return dk_hash_seeded(s, strlen(s), seed);
}

/*
 * The paper's loop, kept exact so that its published values come out: a 64-bit linear
 * congruential step drives the key, and each jump lands at (b + 1) * 2^31 / ((key >> 33) + 1),
 * the next bucket at which this key would move.
 */
int32_t dk_hash_jump(uint64_t key, int32_t buckets)
{
    if (buckets < 1)
        return -1;
    int64_t b = -1, j = 0;
    while (j < buckets) {
        b = j;
        key = key * 2862933555777941757ull + 1;
        j = (int64_t)((double)(b + 1) * ((double)(1ll << 31) / (double)((key >> 33) + 1)));
    }
    return (int32_t)b;
}

size_t dk_hash_rendezvous(uint64_t key, const uint64_t *node_hashes, size_t n)
{
    size_t best = SIZE_MAX;
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t score = dk_hash_u64(key ^ node_hashes[i]);
        if (best == SIZE_MAX || score > top) {
            best = i;
            top = score;
        }
    }
    return best;
}

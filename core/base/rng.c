/* rng.c - xoshiro256** seeded by splitmix64, uniform doubles and unbiased bounded integers. */
#include "designkit/rng.h"

#include "designkit/map.h"

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One step of splitmix64: advances *state and returns the next output. */
static uint64_t splitmix64(uint64_t *state)
{
    *state += UINT64_C(0x9e3779b97f4a7c15);
    return dk_hash_u64(*state);
}

/*
 * dk_rng_seed - fills the state with four splitmix64 outputs, as the xoshiro authors advise:
 * any seed (0 included) gives a well-mixed, non-zero state, because splitmix64 is a bijection
 * of distinct counters and so cannot return four zeros.
 */
void dk_rng_seed(dk_rng_t *rng, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&st);
}

/*
 * dk_rng_seed_named - a stream named by (seed, label). The seed is finalised before mixing so
 * that nearby seeds and similar labels do not cancel each other out through the xor.
 * A NULL label is the empty label.
 */
void dk_rng_seed_named(dk_rng_t *rng, uint64_t seed, const char *label)
{
    dk_rng_seed(rng, dk_hash_u64(seed ^ UINT64_C(0x6a09e667f3bcc909)) ^ dk_hash_str(label));
}

/*
 * dk_rng_next - 64 random bits (xoshiro256**).
 */
uint64_t dk_rng_next(dk_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/*
 * dk_rng_uniform - a double in [0, 1) from the top 53 bits (the low bits of ** are the weaker).
 */
double dk_rng_uniform(dk_rng_t *rng)
{
    return (double)(dk_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* The 128-bit product of a and b, as high and low halves. */
static void mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 p = (u128)a * b;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *lo = (mid << 32) | (ll & 0xffffffffu);
    *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/*
 * dk_rng_below - an integer in [0, n), exactly uniform, by Lemire's multiply-and-reject
 * (2019): the high half of x * n is the answer unless the low half falls in the short first
 * interval, which happens with probability below n / 2^64. n == 0 gives 0.
 */
uint64_t dk_rng_below(dk_rng_t *rng, uint64_t n)
{
    uint64_t hi, lo;
    if (n == 0)
        return 0;
    mul128(dk_rng_next(rng), n, &hi, &lo);
    if (lo < n) {
        uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
        while (lo < threshold)
            mul128(dk_rng_next(rng), n, &hi, &lo);
    }
    return hi;
}

/* areas: base patterns */
/* test_cache_index.c - the caches' key index (core/patterns/cache_slots.h) under keys chosen to
 * collide: the index hashes a key with SplitMix64's finaliser (dk_hash_u64), a bijection, so
 * inverting it gives keys of any hash wanted. Long probe runs that wrap past the table's end,
 * tags that match on different keys, and removals from the middle of a run (backward shift)
 * are checked against a plain array of the keys that should be held. */
#include <check.h>
#include <stdlib.h>
#include "designkit/cache.h"
#include "designkit/map.h"

/* x such that a * x = 1 mod 2^64 (a odd): Newton's iteration doubles the correct bits. */
static uint64_t inverse(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

static uint64_t unshift(uint64_t y, int s)
{
    uint64_t x = y;
    for (int k = s; k < 64; k += s)
        x = y ^ (x >> s);
    return x;
}

/* The key whose dk_hash_u64 is h. */
static uint64_t key_of_hash(uint64_t h)
{
    uint64_t x = unshift(h, 31);
    x *= inverse(UINT64_C(0x94d049bb133111eb));
    x = unshift(x, 27);
    x *= inverse(UINT64_C(0xbf58476d1ce4e5b9));
    return unshift(x, 30);
}

/* The index's home position is the hash's upper half masked: upper halves whose low 20 bits
 * are all ones share the last position of any table up to 2^20 positions, so their run wraps
 * to the start. Half the keys share one whole upper half (the tag), only the key tells them
 * apart. */
static uint64_t colliding_key(uint64_t n)
{
    uint64_t tag = n % 2 == 0 ? UINT64_C(0xfffff) | (n / 2 % 4096) << 20 : UINT64_C(0xabcfffff);
    return key_of_hash(tag << 32 | (n * UINT64_C(0x9e3779b97f4a7c15) >> 32));
}

START_TEST(keys_of_chosen_hashes)
{
    for (uint64_t n = 0; n < 1000; n++) {
        uint64_t h = n * UINT64_C(0x9e3779b97f4a7c15) + 12345;
        ck_assert_uint_eq(dk_hash_u64(key_of_hash(h)), h);
    }
}
END_TEST

START_TEST(colliding_keys_are_found_and_removed)
{
    enum { N = 600 };
    static const char *const policies[] = {"lru", "lfu", "fifo", "tinylfu", "arc", "2q"};
    for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
        dk_cache_t *c = dk_cache_new(policies[p], 4 * N, NULL);
        ck_assert_ptr_nonnull(c);
        uint64_t keys[N];
        int held[N];
        for (uint64_t n = 0; n < N; n++) {
            keys[n] = colliding_key(n);
            ck_assert_int_eq(dk_cache_put(c, keys[n], 0, 0), 0);
            held[n] = 1;
        }
        /* Out of the middle of the run, in an order unlike the insertion's, then some back. */
        for (uint64_t n = 0; n < N; n++) {
            uint64_t k = n * 7 % N;
            if (k % 3 != 0)
                continue;
            ck_assert_int_eq(dk_cache_remove(c, keys[k]), 1);
            held[k] = 0;
        }
        for (uint64_t n = 0; n < N; n += 9) {
            ck_assert_int_eq(dk_cache_put(c, keys[n], 0, 0), 0);
            held[n] = 1;
        }
        uint64_t size = 0;
        for (uint64_t n = 0; n < N; n++) {
            ck_assert_msg(dk_cache_contains(c, keys[n]) == held[n], "%s: key %llu", policies[p],
                          (unsigned long long)n);
            size += (uint64_t)held[n];
        }
        ck_assert_uint_eq(dk_cache_size(c), size);
        for (uint64_t n = 0; n < N; n++)
            ck_assert_int_eq(dk_cache_remove(c, keys[n]), held[n]);
        ck_assert_uint_eq(dk_cache_size(c), 0);
        dk_cache_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cache_index");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, keys_of_chosen_hashes);
    tcase_add_test(tc, colliding_keys_are_found_and_removed);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

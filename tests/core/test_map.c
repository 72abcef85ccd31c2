/* areas: base */
/* test_map.c - the u64 hash map against a brute-force reference; hashes; memory behaviour. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/map.h"
#include "designkit/rng.h"

/* ---- a brute-force reference: parallel arrays over a fixed key universe ---- */

#define UNIVERSE 3000

typedef struct ref_map {
    uint64_t keys[UNIVERSE];
    uint64_t values[UNIVERSE];
    unsigned char present[UNIVERSE];
    size_t size;
} ref_map;

/* Inverse of splitmix64's finaliser, so the test can make keys whose hashes it chooses (and
 * so force collisions and wrap-around probe runs). Multiplicative inverses mod 2^64 by
 * Newton's iteration; xor-shifts undone by repeated application. */
static uint64_t inv_mul(uint64_t a)
{
    uint64_t x = a; /* correct to 3 bits for odd a */
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

static uint64_t unshift(uint64_t y, int s)
{
    uint64_t x = y;
    for (int i = 0; i < 64 / s + 1; i++)
        x = y ^ (x >> s);
    return x;
}

static uint64_t key_with_hash(uint64_t h)
{
    uint64_t x = unshift(h, 31);
    x *= inv_mul(0x94d049bb133111ebull);
    x = unshift(x, 27);
    x *= inv_mul(0xbf58476d1ce4e5b9ull);
    return unshift(x, 30);
}

/* Compares the whole map with the reference: size, every lookup, and one full iteration. */
static void check_same(const dk_map_t *m, const ref_map *ref)
{
    size_t bad = 0, iter = 0, seen = 0;
    uint64_t k, v;
    bad += dk_map_size(m) != ref->size;
    for (size_t i = 0; i < UNIVERSE; i++) {
        int found = dk_map_get(m, ref->keys[i], &v);
        bad += found != ref->present[i];
        bad += found && v != ref->values[i];
    }
    while (dk_map_next(m, &iter, &k, &v)) {
        seen++;
        bad += !dk_map_get(m, k, NULL);
    }
    bad += seen != ref->size;
    ck_assert_uint_eq(bad, 0);
}

/* 10^5 random operations over `keys`, mirrored in the reference. */
static void run_random_ops(dk_map_t *m, ref_map *ref, uint64_t seed, int ops)
{
    dk_rng_t r;
    size_t bad = 0;
    dk_rng_seed(&r, seed);
    for (int step = 0; step < ops; step++) {
        size_t i = (size_t)dk_rng_below(&r, UNIVERSE);
        uint64_t op = dk_rng_below(&r, 10), v = dk_rng_next(&r), got = 0;
        if (op < 5) {
            bad += dk_map_put(m, ref->keys[i], v) != DK_OK;
            ref->size += !ref->present[i];
            ref->present[i] = 1;
            ref->values[i] = v;
        } else if (op < 8) {
            int removed = dk_map_remove(m, ref->keys[i], &got);
            bad += removed != ref->present[i];
            bad += removed && got != ref->values[i];
            ref->size -= ref->present[i];
            ref->present[i] = 0;
        } else {
            int found = dk_map_get(m, ref->keys[i], &got);
            bad += found != ref->present[i] || (found && got != ref->values[i]);
        }
        bad += dk_map_size(m) != ref->size;
        if (step % 10000 == 0)
            check_same(m, ref);
    }
    ck_assert_uint_eq(bad, 0);
    check_same(m, ref);
}

START_TEST(random_ops_match_reference)
{
    static ref_map ref;
    dk_rng_t r;
    dk_map_t *m = dk_map_new(0, NULL);
    memset(&ref, 0, sizeof ref);
    dk_rng_seed(&r, 1);
    for (size_t i = 0; i < UNIVERSE; i++)
        ref.keys[i] = dk_rng_next(&r);
    ref.keys[0] = 0; /* the keys an "empty" marker would steal */
    ref.keys[1] = UINT64_MAX;
    ref.keys[2] = 1;
    run_random_ops(m, &ref, 2, 100000);
    dk_map_free(m);
}
END_TEST

START_TEST(dense_small_keys)
{
    static ref_map ref;
    dk_map_t *m = dk_map_new(10, NULL);
    memset(&ref, 0, sizeof ref);
    for (size_t i = 0; i < UNIVERSE; i++)
        ref.keys[i] = i;
    run_random_ops(m, &ref, 3, 100000);
    dk_map_free(m);
}
END_TEST

START_TEST(colliding_keys_and_wraparound)
{
    /* Every key hashes into the last 4 slots of a 4096-slot table, so the probe runs are long,
     * cross the end of the table, and every removal exercises the backward shift. */
    static ref_map ref;
    dk_map_t *m = dk_map_new(3500, NULL); /* 3500 <= 4096 * 7/8: 4096 slots, never grows */
    memset(&ref, 0, sizeof ref);
    for (size_t i = 0; i < UNIVERSE; i++) {
        uint64_t h = ((uint64_t)(i + 1) << 20) | (4092 + i % 4);
        ref.keys[i] = key_with_hash(h);
        ck_assert_uint_eq(dk_hash_u64(ref.keys[i]), h);
    }
    run_random_ops(m, &ref, 4, 100000);
    dk_map_free(m);
}
END_TEST

/* ---- iteration ---- */

START_TEST(iteration_visits_each_key_once)
{
    dk_map_t *m = dk_map_new(0, NULL);
    static unsigned char seen[20000];
    size_t iter = 0, n = 0, bad = 0;
    uint64_t k, v;
    for (uint64_t i = 0; i < 20000; i++)
        dk_map_put(m, i * 7919, i);
    for (uint64_t i = 0; i < 20000; i += 3)
        dk_map_remove(m, i * 7919, NULL);
    memset(seen, 0, sizeof seen);
    while (dk_map_next(m, &iter, &k, &v)) {
        bad += k != v * 7919 || v % 3 == 0 || seen[v];
        seen[v] = 1;
        n++;
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(n, 20000 - 6667);
    ck_assert_int_eq(dk_map_next(m, &iter, &k, &v), 0); /* stays at the end */
    dk_map_clear(m);
    iter = 0;
    ck_assert_int_eq(dk_map_next(m, &iter, NULL, NULL), 0);
    ck_assert_uint_eq(dk_map_size(m), 0);
    ck_assert_int_eq(dk_map_get(m, 7919, NULL), 0);
    dk_map_free(m);
}
END_TEST

/* ---- memory ---- */

static long allocations;

static void *counting_malloc(size_t n, void *ud)
{
    (void)ud;
    allocations++;
    return malloc(n);
}

static void *counting_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    allocations++;
    return realloc(p, n);
}

static void plain_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

START_TEST(reserve_then_no_allocation)
{
    dk_allocator a = {counting_malloc, counting_realloc, plain_free, NULL};
    dk_map_t *m;
    dk_set_allocator(&a);
    m = dk_map_new(0, NULL);
    ck_assert_int_eq(dk_map_reserve(m, 10000), DK_OK);
    allocations = 0;
    for (int round = 0; round < 3; round++) {
        for (uint64_t i = 0; i < 10000; i++)
            dk_map_put(m, dk_hash_u64(i + (uint64_t)round), i);
        for (uint64_t i = 0; i < 10000; i += 2)
            dk_map_remove(m, dk_hash_u64(i + (uint64_t)round), NULL);
        dk_map_clear(m);
    }
    ck_assert_int_eq(allocations, 0);
    ck_assert_int_eq(dk_map_reserve(m, 5), DK_OK); /* never shrinks, no allocation */
    ck_assert_int_eq(allocations, 0);
    dk_map_free(m);
    dk_set_allocator(NULL);
}
END_TEST

START_TEST(growth_out_of_memory_leaves_map)
{
    dk_status st;
    dk_map_t *m = dk_map_new(0, &st); /* 8 slots: 7 keys fit */
    uint64_t v;
    ck_assert_int_eq(st, DK_OK);
    for (uint64_t i = 0; i < 7; i++)
        ck_assert_int_eq(dk_map_put(m, i, i * 10), DK_OK);
    for (long k = 0; k < 2; k++) {
        dk_alloc_fail_after(k);
        ck_assert_int_eq(dk_map_put(m, 100, 1), DK_ENOMEM);
        dk_alloc_fail_after(-1);
        ck_assert_uint_eq(dk_map_size(m), 7);
        ck_assert_int_eq(dk_map_get(m, 100, NULL), 0);
        for (uint64_t i = 0; i < 7; i++) {
            ck_assert(dk_map_get(m, i, &v));
            ck_assert_uint_eq(v, i * 10);
        }
    }
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_map_put(m, 3, 33), DK_OK); /* replacing never allocates */
    dk_alloc_fail_after(-1);
    ck_assert(dk_map_get(m, 3, &v));
    ck_assert_uint_eq(v, 33);
    ck_assert_int_eq(dk_map_reserve(m, SIZE_MAX), DK_ENOMEM);
    dk_map_free(m);

    for (long k = 0; k < 3; k++) {
        dk_alloc_fail_after(k);
        ck_assert_ptr_null(dk_map_new(100, &st));
        ck_assert_int_eq(st, DK_ENOMEM);
    }
    dk_alloc_fail_after(-1);
}
END_TEST

START_TEST(null_map_is_harmless)
{
    size_t iter = 0;
    ck_assert_int_eq(dk_map_put(NULL, 1, 1), DK_EINVAL);
    ck_assert_int_eq(dk_map_get(NULL, 1, NULL), 0);
    ck_assert_int_eq(dk_map_remove(NULL, 1, NULL), 0);
    ck_assert_uint_eq(dk_map_size(NULL), 0);
    ck_assert_int_eq(dk_map_next(NULL, &iter, NULL, NULL), 0);
    ck_assert_int_eq(dk_map_reserve(NULL, 1), DK_EINVAL);
    dk_map_clear(NULL);
    dk_map_free(NULL);
}
END_TEST

/* ---- hashes ---- */

/* FNV-1a 64 as published (offset basis 14695981039346656037, prime 1099511628211). */
static uint64_t ref_fnv1a(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h = h ^ (unsigned char)s[i];
        h = h * 1099511628211ull;
    }
    return h;
}

START_TEST(hashes_match_published)
{
    /* Published FNV-1a 64 test vectors: "" -> cbf29ce484222325, "a" -> af63dc4c8601ec8c,
     * "foobar" -> 85944171f73967e8. */
    ck_assert_uint_eq(ref_fnv1a("", 0), 0xcbf29ce484222325ull);
    ck_assert_uint_eq(ref_fnv1a("a", 1), 0xaf63dc4c8601ec8cull);
    ck_assert_uint_eq(ref_fnv1a("foobar", 6), 0x85944171f73967e8ull);
    ck_assert_uint_eq(dk_hash_str(""), dk_hash_u64(0xcbf29ce484222325ull));
    ck_assert_uint_eq(dk_hash_str("a"), dk_hash_u64(0xaf63dc4c8601ec8cull));
    ck_assert_uint_eq(dk_hash_str("foobar"), dk_hash_u64(0x85944171f73967e8ull));
    ck_assert_uint_eq(dk_hash_bytes("a\0b", 3), dk_hash_u64(ref_fnv1a("a\0b", 3)));
    ck_assert_uint_eq(dk_hash_str(NULL), dk_hash_str(""));
    /* splitmix64's first output from state 0 is the finaliser of its golden-ratio step. */
    ck_assert_uint_eq(dk_hash_u64(0x9e3779b97f4a7c15ull), 0xe220a8397b1dcdafull);
    ck_assert_uint_eq(key_with_hash(dk_hash_u64(12345)), 12345);
}
END_TEST

static Suite *map_suite(void)
{
    Suite *s = suite_create("map");
    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_ops_match_reference);
    tcase_add_test(tc, dense_small_keys);
    tcase_add_test(tc, colliding_keys_and_wraparound);
    suite_add_tcase(s, tc);
    tc = tcase_create("iteration");
    tcase_add_test(tc, iteration_visits_each_key_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_test(tc, reserve_then_no_allocation);
    tcase_add_test(tc, growth_out_of_memory_leaves_map);
    tcase_add_test(tc, null_map_is_harmless);
    suite_add_tcase(s, tc);
    tc = tcase_create("hash");
    tcase_add_test(tc, hashes_match_published);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(map_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* areas: base patterns model sim export kinds */
/* test_cache_growth.c - a cache allocates as it fills, not up front: counted exactly through
 * the allocation hooks. A capacity of 2e8 once took 4.7 GB before its first key (issue 7). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "counting_alloc.h"
#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/cache.h"
#include "designkit/model.h"
#include "designkit/sim.h"

/* The counting allocator, plus a count of the calls that allocate (malloc, realloc) and a
 * budget of them after which every one fails (SIZE_MAX: no failure). */
static size_t allocations, fail_after = SIZE_MAX;

static void *hooked_malloc(size_t size, void *ud)
{
    if (allocations++ >= fail_after)
        return NULL;
    return dk_test_count_malloc(size, ud);
}

static void *hooked_realloc(void *ptr, size_t size, void *ud)
{
    if (allocations++ >= fail_after)
        return NULL;
    return dk_test_count_realloc(ptr, size, ud);
}

static const dk_allocator hooked = {hooked_malloc, hooked_realloc, dk_test_count_free, NULL};

static void install(void)
{
    allocations = 0;
    fail_after = SIZE_MAX;
    dk_test_live_bytes = dk_test_peak_bytes = 0;
    dk_set_allocator(&hooked);
}

/* Every byte came back. */
static void uninstall(void)
{
    ck_assert_uint_eq(dk_test_live_bytes, 0);
    dk_set_allocator(NULL);
}

START_TEST(a_huge_capacity_costs_nothing_until_it_fills)
{
    dk_error err;
    install();
    dk_cache_t *c = dk_cache_new("lru", 200000000, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    size_t empty = dk_test_live_bytes;
    for (uint64_t k = 1; k <= 5; k++)
        ck_assert_int_eq(dk_cache_put(c, k * 7919, 0, 0), 0);
    for (uint64_t k = 1; k <= 5; k++)
        ck_assert_int_eq(dk_cache_get(c, k * 7919, 0), 1);
    fprintf(stderr, "cache of 2e8: %zu bytes empty, %zu with five keys (peak %zu)\n", empty,
            dk_test_live_bytes, dk_test_peak_bytes);
    ck_assert_msg(dk_test_peak_bytes < 4096, "a cache of 2e8 with five keys took %zu bytes",
                  dk_test_peak_bytes);
    ck_assert_uint_eq(dk_cache_capacity(c), 200000000);
    dk_cache_free(c);
    uninstall();
}
END_TEST

/* Filling to n takes O(log n) allocations, and the memory stays within a small multiple of
 * what the entries need (32 bytes a slot, 8 an index position; the bound below, from when
 * LRU had 24-byte nodes and a 16-byte map, still holds). */
START_TEST(filling_grows_geometrically)
{
    const uint64_t n = 100000;
    install();
    dk_cache_t *c = dk_cache_new("lru", n, NULL);
    ck_assert_ptr_nonnull(c);
    size_t before = allocations;
    for (uint64_t k = 0; k < n; k++)
        ck_assert_int_eq(dk_cache_put(c, k, 0, 0), 0);
    size_t grew = allocations - before;
    fprintf(stderr, "filling %llu entries: %zu allocations, %zu bytes\n", (unsigned long long)n,
            grew, dk_test_live_bytes);
    ck_assert_msg(grew <= 3 * 17 + 4, /* per doubling: the slots and the index */
                  "filling %llu entries took %zu allocations", (unsigned long long)n, grew);
    ck_assert_msg(dk_test_live_bytes < (size_t)n * (24 + 16) * 3, "%zu bytes for %llu entries",
                  dk_test_live_bytes, (unsigned long long)n);
    ck_assert_uint_eq(dk_cache_size(c), n);
    dk_cache_free(c);
    uninstall();
}
END_TEST

/* A million operations of every kind (evicting puts, hits, misses, removes and re-inserts,
 * expiries); the number of evicting puts. */
static uint64_t churn(dk_cache_t *c, uint64_t n)
{
    uint64_t evicted = 0;
    for (uint64_t i = 0; i < 1000000; i++) {
        uint64_t key = (i * 2654435761u) % (3 * n);
        switch (i % 4) {
        case 0:
            evicted += (uint64_t)dk_cache_put(c, key, (int64_t)i, 0);
            break;
        case 1:
            dk_cache_get(c, key, (int64_t)i);
            break;
        case 2:
            if (dk_cache_remove(c, key))
                ck_assert_int_eq(dk_cache_put(c, key, (int64_t)i, 5), 0);
            break;
        default:
            dk_cache_put(c, key + 3 * n, (int64_t)i, 1);
        }
    }
    return evicted;
}

/* Once full and churned once (the expiry heap of dk_cache_expire grows on the first puts with
 * a ttl, up to twice the entries), the same million operations allocate nothing. */
START_TEST(a_full_cache_allocates_nothing)
{
    const uint64_t n = 50000;
    install();
    dk_cache_t *c = dk_cache_new("lru", n, NULL);
    ck_assert_ptr_nonnull(c);
    for (uint64_t k = 0; k < n; k++)
        dk_cache_put(c, k, 0, 0);
    churn(c, n);
    size_t before = allocations;
    uint64_t evicted = churn(c, n);
    ck_assert_uint_eq(allocations - before, 0);
    ck_assert_uint_gt(evicted, 0);
    ck_assert_uint_le(dk_cache_size(c), n);
    dk_cache_free(c);
    uninstall();
}
END_TEST

/* Memory running out for the expiry heap (a put with a ttl) or W-TinyLFU's widening sketch:
 * put says so (-1), the cache is as it was, and the same put succeeds once memory is back. */
START_TEST(out_of_memory_in_the_expiry_heap_or_the_sketch)
{
    static const char *const policies[] = {"lru", "tinylfu"};
    for (int run = 0; run < 2 * 12; run++) { /* the allocation that fails: each in turn */
        install();
        dk_cache_t *c = dk_cache_new(policies[run % 2], 1000, NULL);
        ck_assert_ptr_nonnull(c);
        uint64_t k = 0;
        fail_after = allocations + (size_t)run / 2;
        for (; k < 1000; k++) {
            int r = dk_cache_put(c, k, 0, 100);
            if (r < 0)
                break;
            ck_assert_int_eq(r, 0);
        }
        ck_assert_uint_lt(k, 1000);
        ck_assert_uint_eq(dk_cache_size(c), k);
        ck_assert_int_eq(dk_cache_contains(c, k), 0);
        fail_after = SIZE_MAX;
        ck_assert_int_eq(dk_cache_put(c, k, 0, 100), 0);
        ck_assert_uint_eq(dk_cache_size(c), k + 1);
        ck_assert_uint_eq(dk_cache_expire(c, 100, UINT64_MAX, NULL), k + 1);
        ck_assert_uint_eq(dk_cache_size(c), 0);
        dk_cache_free(c);
        uninstall();
    }
}
END_TEST

/* Memory running out while the cache grows: put says so (-1), and the cache is as it was. */
START_TEST(out_of_memory_while_growing_leaves_the_cache_as_it_was)
{
    install();
    dk_cache_t *c = dk_cache_new("lru", 1000, NULL);
    ck_assert_ptr_nonnull(c);
    uint64_t k = 0;
    fail_after = allocations; /* from here on, every allocation fails */
    for (; k < 1000; k++) {
        int r = dk_cache_put(c, k, 0, 0);
        if (r < 0)
            break;
        ck_assert_int_eq(r, 0);
    }
    ck_assert_uint_lt(k, 1000); /* it had to grow at some point */
    ck_assert_uint_eq(dk_cache_size(c), k);
    ck_assert_int_eq(dk_cache_contains(c, k), 0);
    for (uint64_t j = 0; j < k; j++)
        ck_assert_int_eq(dk_cache_contains(c, j), 1);
    ck_assert_uint_eq(dk_cache_evictions(c), 0);
    fail_after = SIZE_MAX; /* memory is back: the same put succeeds */
    ck_assert_int_eq(dk_cache_put(c, k, 0, 0), 0);
    ck_assert_uint_eq(dk_cache_size(c), k + 1);
    dk_cache_free(c);
    uninstall();
}
END_TEST

/* The cache kind with capacity = 2e8 in a design: building and running it stays small. */
START_TEST(a_designed_cache_of_2e8_stays_small)
{
    dk_error err;
    install();
    dk_model_t *m = dk_model_new("big-cache", &err);
    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *cache = dk_model_add(m, NULL, K_CACHE, "redis", &err);
    ck_assert_ptr_nonnull(cache);
    ck_assert_int_eq(dk_comp_set_number(users, "rate", 1000, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(cache, "capacity", 2e8, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, cache, NULL, &err), DK_OK);
    dk_sim_t *sim = dk_model_build_sim(m, 1, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_run(sim, 10 * DK_SEC, 2000, NULL, NULL), DK_OK);
    fprintf(stderr, "a design with a cache of 2e8: peak %zu bytes\n", dk_test_peak_bytes);
    ck_assert_msg(dk_test_peak_bytes < 1024 * 1024, "peak %zu bytes", dk_test_peak_bytes);
    dk_sim_free(sim);
    dk_model_free(m);
    uninstall();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_growth");
    TCase *t = tcase_create("bytes");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, a_huge_capacity_costs_nothing_until_it_fills);
    tcase_add_test(t, filling_grows_geometrically);
    tcase_add_test(t, a_full_cache_allocates_nothing);
    tcase_add_test(t, out_of_memory_while_growing_leaves_the_cache_as_it_was);
    tcase_add_test(t, out_of_memory_in_the_expiry_heap_or_the_sketch);
    tcase_add_test(t, a_designed_cache_of_2e8_stays_small);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

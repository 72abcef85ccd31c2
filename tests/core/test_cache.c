/* areas: base patterns */
/* test_cache.c - the dk_cache_t front: policies by name, counters, expiry, bad input. */
#include <check.h>
#include <stdlib.h>
#include "designkit/cache.h"

START_TEST(unknown_policy_is_named)
{
    dk_error err;
    ck_assert_ptr_null(dk_cache_new("lfu2", 10, &err));
    ck_assert_int_eq(err.status, DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "unknown cache policy \"lfu2\" "
                                  "(use lru, lfu, perfect_lfu, fifo, lifo, mru, random, arc, 2q, "
                                  "tinylfu)");
    ck_assert_ptr_null(dk_cache_new("lru", 0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_null(dk_cache_new("lru", UINT64_C(1) << 40, &err));
    ck_assert_int_eq(err.status, DK_ERANGE);
    dk_cache_free(NULL);
}
END_TEST

START_TEST(counters_and_accessors)
{
    dk_cache_t *c = dk_cache_new(NULL, 2, NULL);
    ck_assert_str_eq(dk_cache_policy(c), "lru");
    ck_assert_uint_eq(dk_cache_capacity(c), 2);
    ck_assert_int_eq(dk_cache_get(c, 1, 0), 0);
    ck_assert_int_eq(dk_cache_put(c, 1, 0, 0), 0);
    ck_assert_int_eq(dk_cache_put(c, 2, 0, 0), 0);
    ck_assert_int_eq(dk_cache_get(c, 1, 0), 1);
    ck_assert_int_eq(dk_cache_put(c, 3, 0, 0), 1); /* evicts 2, the least recent */
    ck_assert_int_eq(dk_cache_contains(c, 2), 0);
    ck_assert_int_eq(dk_cache_contains(c, 1), 1);
    ck_assert_uint_eq(dk_cache_size(c), 2);
    ck_assert_int_eq(dk_cache_put(c, 3, 0, 0), 0); /* refresh, no eviction */
    ck_assert_int_eq(dk_cache_remove(c, 1), 1);
    ck_assert_int_eq(dk_cache_remove(c, 1), 0);
    ck_assert_uint_eq(dk_cache_size(c), 1);
    ck_assert_uint_eq(dk_cache_hits(c), 1);
    ck_assert_uint_eq(dk_cache_misses(c), 1);
    ck_assert_uint_eq(dk_cache_evictions(c), 1);
    dk_cache_free(c);
}
END_TEST

START_TEST(extreme_keys)
{
    dk_cache_t *c = dk_cache_new("lru", 3, NULL);
    dk_cache_put(c, 0, 0, 0);
    dk_cache_put(c, UINT64_MAX, 0, 0);
    ck_assert_int_eq(dk_cache_get(c, 0, 0), 1);
    ck_assert_int_eq(dk_cache_get(c, UINT64_MAX, 0), 1);
    dk_cache_free(c);
}
END_TEST

START_TEST(ttl_expires_entries)
{
    dk_cache_t *c = dk_cache_new("lru", 4, NULL);
    dk_cache_put(c, 7, 100, 50); /* lives until 150 */
    ck_assert_int_eq(dk_cache_get(c, 7, 149), 1);
    ck_assert_int_eq(dk_cache_get(c, 7, 150), 0); /* expired: removed, a miss */
    ck_assert_uint_eq(dk_cache_size(c), 0);
    dk_cache_put(c, 8, 0, 10);
    dk_cache_put(c, 8, 5, 10); /* refresh moves the expiry to 15 */
    ck_assert_int_eq(dk_cache_get(c, 8, 14), 1);
    ck_assert_int_eq(dk_cache_contains(c, 8), 1);
    dk_cache_put(c, 9, INT64_MAX - 1, INT64_MAX); /* saturates to never */
    ck_assert_int_eq(dk_cache_get(c, 9, INT64_MAX - 1), 1);
    dk_cache_put(c, 10, 0, -5); /* ttl <= 0: never expires */
    ck_assert_int_eq(dk_cache_get(c, 10, INT64_MAX - 1), 1);
    dk_cache_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache");
    TCase *api = tcase_create("api");
    tcase_add_test(api, unknown_policy_is_named);
    tcase_add_test(api, counters_and_accessors);
    tcase_add_test(api, extreme_keys);
    suite_add_tcase(s, api);
    TCase *ttl = tcase_create("expiry");
    tcase_add_test(ttl, ttl_expires_entries);
    suite_add_tcase(s, ttl);
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

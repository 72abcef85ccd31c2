/* areas: base patterns */
/* test_cache_expiry.c - active expiry (dk_cache_expire) under every policy against a shadow
 * written here: each key's expiry is that of its last put, a resident key is what
 * dk_cache_contains says, and a sweep must take exactly the resident keys whose expiry has
 * passed, earliest first, up to its maximum. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/cache.h"
#include "designkit/rng.h"

#define UNIVERSE 40

static void sweep_check(dk_cache_t *c, const int64_t *shadow, int64_t now, uint64_t max,
                        const char *policy, int step)
{
    /* what the shadow says is due: resident and expired */
    int due[UNIVERSE], ndue = 0;
    for (int k = 0; k < UNIVERSE; k++)
        if (dk_cache_contains(c, (uint64_t)k) && shadow[k] <= now)
            due[ndue++] = k;
    uint64_t got[UNIVERSE];
    uint64_t n = dk_cache_expire(c, now, max, got);
    uint64_t want = (uint64_t)ndue < max ? (uint64_t)ndue : max;
    ck_assert_msg(n == want, "%s step %d: swept %llu, %llu due (max %llu)", policy, step,
                  (unsigned long long)n, (unsigned long long)ndue, (unsigned long long)max);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = got[i];
        ck_assert_uint_lt(k, UNIVERSE);
        ck_assert_int_le(shadow[k], now);
        ck_assert_int_eq(dk_cache_contains(c, k), 0);
        if (i > 0)
            ck_assert_int_le(shadow[got[i - 1]], shadow[k]); /* earliest first */
        /* nothing due and left behind expires before what was taken */
        for (int j = 0; j < ndue; j++)
            if (dk_cache_contains(c, (uint64_t)due[j]))
                ck_assert_int_ge(shadow[due[j]], shadow[k]);
    }
}

START_TEST(sweeps_take_what_is_due)
{
    const char *policy = dk_cache_policy_names[_i];
    static const uint64_t caps[] = {3, 10, 64};
    for (size_t ci = 0; ci < 3; ci++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            dk_cache_t *c = dk_cache_new_seeded(policy, caps[ci], seed, NULL);
            int64_t shadow[UNIVERSE], now = 0;
            for (int k = 0; k < UNIVERSE; k++)
                shadow[k] = INT64_MAX;
            dk_rng_t rng;
            dk_rng_seed(&rng, seed * 101 + ci);
            for (int step = 0; step < 3000; step++) {
                uint64_t key = dk_rng_below(&rng, UNIVERSE);
                switch (dk_rng_below(&rng, 8)) {
                case 0:
                    now += (int64_t)dk_rng_below(&rng, 20);
                    break;
                case 1:
                    sweep_check(c, shadow, now, 1 + dk_rng_below(&rng, 6), policy, step);
                    break;
                case 2:
                    dk_cache_remove(c, key);
                    break;
                case 3: { /* a put without expiry */
                    ck_assert_int_ge(dk_cache_put(c, key, now, 0), 0);
                    shadow[key] = INT64_MAX;
                    break;
                }
                default: {
                    if (dk_cache_get(c, key, now))
                        break;
                    int64_t ttl = 1 + (int64_t)dk_rng_below(&rng, 60);
                    ck_assert_int_ge(dk_cache_put(c, key, now, ttl), 0);
                    shadow[key] = now + ttl;
                }
                }
            }
            sweep_check(c, shadow, INT64_MAX - 1, UNIVERSE, policy, -1);
            for (int k = 0; k < UNIVERSE; k++) /* only the never-expiring remain */
                if (dk_cache_contains(c, (uint64_t)k))
                    ck_assert_int_eq(shadow[k], INT64_MAX);
            dk_cache_free(c);
        }
}
END_TEST

/* The counters, a NULL key array, and a refresh that moves an expiry later or drops it. */
START_TEST(refreshes_and_counters)
{
    dk_cache_t *c = dk_cache_new("lru", 8, NULL);
    dk_cache_put(c, 1, 0, 10); /* due at 10 */
    dk_cache_put(c, 2, 0, 10);
    dk_cache_put(c, 2, 5, 10); /* now due at 15 */
    dk_cache_put(c, 3, 0, 10);
    dk_cache_put(c, 3, 1, 0); /* never */
    ck_assert_uint_eq(dk_cache_expire(c, 9, 100, NULL), 0);
    ck_assert_uint_eq(dk_cache_expire(c, 10, 100, NULL), 1);
    ck_assert_int_eq(dk_cache_contains(c, 1), 0);
    ck_assert_int_eq(dk_cache_contains(c, 2), 1);
    ck_assert_uint_eq(dk_cache_expire(c, 1000, 0, NULL), 0); /* max 0: nothing */
    ck_assert_uint_eq(dk_cache_expire(c, 1000, 100, NULL), 1);
    ck_assert_uint_eq(dk_cache_size(c), 1);
    ck_assert_uint_eq(dk_cache_expirations(c), 2);
    ck_assert_uint_eq(dk_cache_evictions(c), 0);
    dk_cache_free(c);
}
END_TEST

/* Re-putting one key with the same expiry over and over keeps the heap small (no pair per
 * put), and so does churn of refreshed expiries: compaction bounds it. */
START_TEST(the_heap_stays_bounded)
{
    dk_cache_t *c = dk_cache_new("fifo", 4, NULL);
    for (int i = 0; i < 100000; i++)
        dk_cache_put(c, (uint64_t)(i % 6), i / 1000, 50 + i % 7);
    uint64_t due = dk_cache_expire(c, INT64_MAX - 1, UINT64_MAX, NULL);
    ck_assert_uint_le(due, 4);
    ck_assert_uint_eq(dk_cache_size(c), 0);
    dk_cache_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_expiry");
    TCase *tc = tcase_create("expiry");
    tcase_set_timeout(tc, 60);
    int npolicies = 0;
    while (dk_cache_policy_names[npolicies] != NULL)
        npolicies++;
    tcase_add_loop_test(tc, sweeps_take_what_is_due, 0, npolicies);
    tcase_add_test(tc, refreshes_and_counters);
    tcase_add_test(tc, the_heap_stays_bounded);
    suite_add_tcase(s, tc);
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

/* areas: base patterns */
/* test_cache_sized.c - caches counted in bytes: a brute-force sized-LRU list written here
 * agrees hit for hit and victim for victim on random traces with random sizes; every sized
 * policy keeps its bytes within the capacity after every operation; bad input is refused. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/cache.h"
#include "designkit/rng.h"

/* The reference: an array in recency order (index 0 most recent), searched linearly. */
#define MODEL_MAX 4096

typedef struct model {
    uint64_t key[MODEL_MAX], size[MODEL_MAX];
    int n;
    uint64_t bytes, capacity;
} model;

static int model_find(const model *m, uint64_t key)
{
    for (int i = 0; i < m->n; i++)
        if (m->key[i] == key)
            return i;
    return -1;
}

static void model_take(model *m, int i)
{
    m->bytes -= m->size[i];
    memmove(&m->key[i], &m->key[i + 1], (size_t)(m->n - i - 1) * sizeof m->key[0]);
    memmove(&m->size[i], &m->size[i + 1], (size_t)(m->n - i - 1) * sizeof m->size[0]);
    m->n--;
}

static void model_front(model *m, uint64_t key, uint64_t size)
{
    memmove(&m->key[1], &m->key[0], (size_t)m->n * sizeof m->key[0]);
    memmove(&m->size[1], &m->size[0], (size_t)m->n * sizeof m->size[0]);
    m->key[0] = key;
    m->size[0] = size;
    m->n++;
    m->bytes += size;
}

static int model_get(model *m, uint64_t key)
{
    int i = model_find(m, key);
    if (i < 0)
        return 0;
    uint64_t size = m->size[i];
    model_take(m, i);
    model_front(m, key, size);
    return 1;
}

/* Returns the victims in eviction order into v (how many), or -1 when refused. */
static int model_put(model *m, uint64_t key, uint64_t size, uint64_t *v)
{
    if (size == 0 || size > m->capacity)
        return -1;
    int i = model_find(m, key), n = 0;
    if (i >= 0)
        model_take(m, i); /* any refresh moves it to the front; a new size replaces the old */
    while (m->bytes + size > m->capacity) {
        v[n++] = m->key[m->n - 1];
        model_take(m, m->n - 1);
    }
    model_front(m, key, size);
    return n;
}

typedef struct victims {
    uint64_t key[MODEL_MAX];
    int n;
} victims;

static void heard(void *ctx, uint64_t key)
{
    victims *v = ctx;
    v->key[v->n++] = key;
}

START_TEST(lru_agrees_with_a_sized_list_hit_for_hit)
{
    static model m;
    dk_rng_t rng;
    dk_rng_seed(&rng, 900 + (uint64_t)_i);
    uint64_t capacity = 200 + dk_rng_below(&rng, 5000);
    uint64_t keys = 20 + dk_rng_below(&rng, 300), max_size = 1 + dk_rng_below(&rng, capacity);
    memset(&m, 0, sizeof m);
    m.capacity = capacity;
    dk_cache_t *c = dk_cache_new_bytes("lru", capacity, 1, NULL);
    ck_assert_ptr_nonnull(c);
    /* A key's size is fixed most of the time, so refreshes at the same size happen. */
    uint64_t *size_of = malloc(keys * sizeof *size_of);
    for (uint64_t k = 0; k < keys; k++)
        size_of[k] = 1 + dk_rng_below(&rng, max_size);
    for (int op = 0; op < 8000; op++) {
        uint64_t key = dk_rng_below(&rng, keys);
        uint64_t roll = dk_rng_below(&rng, 100);
        if (roll < 50) {
            ck_assert_int_eq(dk_cache_get(c, key, 0), model_get(&m, key));
        } else if (roll < 95) {
            uint64_t size = roll < 90 ? size_of[key] : 1 + dk_rng_below(&rng, capacity + 10);
            static uint64_t want[MODEL_MAX];
            static victims got;
            got.n = 0;
            int expect = model_put(&m, key, size, want);
            int r = dk_cache_put_sized_victims(c, key, size, 0, 0, heard, &got);
            if (expect < 0) {
                ck_assert_int_eq(r, DK_ERANGE);
            } else {
                ck_assert_int_eq(r, expect);
                ck_assert_int_eq(got.n, expect);
                for (int v = 0; v < expect; v++)
                    ck_assert_uint_eq(got.key[v], want[v]);
            }
        } else {
            int i = model_find(&m, key);
            if (i >= 0)
                model_take(&m, i);
            ck_assert_int_eq(dk_cache_remove(c, key), i >= 0);
        }
        ck_assert_uint_eq(dk_cache_bytes(c), m.bytes);
        ck_assert_uint_le(dk_cache_bytes(c), capacity);
        ck_assert_uint_eq(dk_cache_size(c), (uint64_t)m.n);
    }
    free(size_of);
    dk_cache_free(c);
}
END_TEST

static const char *const sized_policies[] = {"lru",  "lfu", "perfect_lfu", "fifo",
                                             "lifo", "mru", "random"};

/* Gets, sized puts, removes, ttls, lazy and active expiry: the bytes held equal the sum over
 * the keys the cache says it holds, and never pass the capacity, after every operation. */
START_TEST(every_sized_policy_stays_within_its_bytes)
{
    const char *policy = sized_policies[_i];
    enum { KEYS = 300 };
    uint64_t size_of[KEYS], now_size[KEYS];
    dk_rng_t rng;
    dk_rng_seed(&rng, 77);
    uint64_t capacity = 4000;
    dk_cache_t *c = dk_cache_new_bytes(policy, capacity, 5, NULL);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(dk_cache_sized(c), 1);
    ck_assert_uint_eq(dk_cache_capacity(c), capacity);
    for (int k = 0; k < KEYS; k++)
        size_of[k] = 1 + dk_rng_below(&rng, 900);
    int64_t now = 0;
    for (int op = 0; op < 10000; op++) {
        uint64_t key = dk_rng_below(&rng, KEYS), roll = dk_rng_below(&rng, 100);
        now += (int64_t)dk_rng_below(&rng, 3);
        if (roll < 45)
            dk_cache_get(c, key, now);
        else if (roll < 90) {
            uint64_t size = roll < 85 ? size_of[key] : 1 + roll;
            ck_assert_int_ge(dk_cache_put_sized(c, key, size, now, roll % 3 == 0 ? 40 : 0), 0);
            now_size[key] = size;
        } else if (roll < 95)
            dk_cache_remove(c, key);
        else
            dk_cache_expire(c, now, 5, NULL);
        /* An expired entry not yet swept still counts (contains() does not expire). */
        uint64_t sum = 0, held = 0;
        for (int k = 0; k < KEYS; k++)
            if (dk_cache_contains(c, (uint64_t)k)) {
                held++;
                sum += now_size[k];
            }
        ck_assert_uint_eq(held, dk_cache_size(c));
        ck_assert_uint_eq(sum, dk_cache_bytes(c));
        ck_assert_uint_le(dk_cache_bytes(c), capacity);
    }
    /* Emptying the cache key by key brings the bytes back to zero: no size was lost. */
    for (int k = 0; k < KEYS; k++)
        dk_cache_remove(c, (uint64_t)k);
    ck_assert_uint_eq(dk_cache_bytes(c), 0);
    ck_assert_uint_eq(dk_cache_size(c), 0);
    dk_cache_free(c);
}
END_TEST

START_TEST(a_big_entry_evicts_as_many_as_it_needs)
{
    dk_cache_t *c = dk_cache_new_bytes("fifo", 1000, 1, NULL);
    for (uint64_t k = 1; k <= 10; k++)
        ck_assert_int_eq(dk_cache_put_sized(c, k, 100, 0, 0), 0);
    ck_assert_uint_eq(dk_cache_bytes(c), 1000);
    victims got = {.n = 0};
    ck_assert_int_eq(dk_cache_put_sized_victims(c, 99, 350, 0, 0, heard, &got), 4);
    ck_assert_int_eq(got.n, 4);
    for (int v = 0; v < 4; v++)
        ck_assert_uint_eq(got.key[v], (uint64_t)v + 1); /* the oldest four, in order */
    ck_assert_uint_eq(dk_cache_bytes(c), 950);
    ck_assert_uint_eq(dk_cache_evictions(c), 4);
    /* An unsized put weighs one byte and evicts at most one entry. */
    uint64_t victim = 0;
    ck_assert_int_eq(dk_cache_put_victim(c, 500, 0, 0, &victim), 0);
    ck_assert_int_eq(dk_cache_put_sized(c, 501, 50, 0, 0), 1); /* 951 + 50: key 5 goes */
    ck_assert_uint_eq(dk_cache_bytes(c), 901);
    /* A whole-capacity entry empties the cache and fits; key 7, resident at another size, is
     * re-inserted rather than evicted. */
    ck_assert_int_eq(dk_cache_put_sized(c, 7, 1000, 0, 0), 7);
    ck_assert_uint_eq(dk_cache_bytes(c), 1000);
    ck_assert_uint_eq(dk_cache_size(c), 1);
    dk_cache_free(c);
}
END_TEST

START_TEST(bad_sizes_are_refused_and_change_nothing)
{
    dk_error err;
    dk_cache_t *c = dk_cache_new_bytes("lru", 1000, 1, &err);
    ck_assert_int_eq(dk_cache_put_sized(c, 1, 400, 0, 0), 0);
    ck_assert_int_eq(dk_cache_put_sized(c, 2, 0, 0, 0), DK_EINVAL);
    ck_assert_int_eq(dk_cache_put_sized(c, 2, 1001, 0, 0), DK_ERANGE);
    ck_assert_int_eq(dk_cache_put_sized(c, 1, 1001, 0, 0), DK_ERANGE); /* a refresh too */
    ck_assert_int_eq(dk_cache_put_sized(c, 1, UINT64_MAX, 0, 0), DK_ERANGE);
    ck_assert_uint_eq(dk_cache_bytes(c), 400);
    ck_assert_int_eq(dk_cache_get(c, 1, 0), 1);
    ck_assert_int_eq(dk_cache_contains(c, 2), 0);
    dk_cache_free(c);

    ck_assert_ptr_null(dk_cache_new_bytes("lru", 0, 1, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_null(dk_cache_new_bytes("lur", 10, 1, &err));
    ck_assert_int_eq(err.status, DK_ENOTFOUND);
    const char *unsized[] = {"arc", "2q", "tinylfu"};
    for (int i = 0; i < 3; i++) {
        ck_assert_ptr_null(dk_cache_new_bytes(unsized[i], 1000, 1, &err));
        ck_assert_int_eq(err.status, DK_EUNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(err.message, unsized[i]));
        ck_assert_ptr_nonnull(strstr(err.message, "cannot hold sized entries"));
        ck_assert_ptr_nonnull(
            strstr(err.message, "lru, lfu, perfect_lfu, fifo, lifo, mru, random"));
    }
    /* An entry cache: every entry weighs one. */
    c = dk_cache_new("arc", 3, &err);
    ck_assert_int_eq(dk_cache_sized(c), 0);
    ck_assert_int_eq(dk_cache_put_sized(c, 1, 1, 0, 0), 0);
    ck_assert_int_eq(dk_cache_put_sized(c, 2, 2, 0, 0), DK_EINVAL);
    ck_assert_uint_eq(dk_cache_bytes(c), 1);
    dk_cache_free(c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_sized");
    TCase *ref = tcase_create("reference");
    tcase_add_loop_test(ref, lru_agrees_with_a_sized_list_hit_for_hit, 0, 8);
    tcase_set_timeout(ref, 60);
    suite_add_tcase(s, ref);
    TCase *bytes = tcase_create("bytes");
    tcase_add_loop_test(bytes, every_sized_policy_stays_within_its_bytes, 0,
                        (int)(sizeof sized_policies / sizeof sized_policies[0]));
    tcase_add_test(bytes, a_big_entry_evicts_as_many_as_it_needs);
    tcase_set_timeout(bytes, 60);
    suite_add_tcase(s, bytes);
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, bad_sizes_are_refused_and_change_nothing);
    suite_add_tcase(s, bad);
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

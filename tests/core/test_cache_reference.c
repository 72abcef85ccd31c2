/* areas: base patterns */
/* test_cache_reference.c - every deterministic policy against a naive list implementation
 * written here from the policy's definition (arrays searched linearly: slow, obviously right),
 * hit for hit over random traces; Random's seeding; bad input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/cache.h"
#include "designkit/rng.h"

/* ---- an ordered sequence of keys, index 0 the head ---- */
#define MAXK 64
typedef struct seq {
    uint64_t k[MAXK];
    size_t n;
} seq;

static long seq_find(const seq *s, uint64_t key)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->k[i] == key)
            return (long)i;
    return -1;
}

static uint64_t seq_del(seq *s, size_t i)
{
    uint64_t key = s->k[i];
    memmove(s->k + i, s->k + i + 1, (s->n - i - 1) * sizeof *s->k);
    s->n--;
    return key;
}

static void seq_push(seq *s, uint64_t key)
{
    ck_assert_uint_lt(s->n, MAXK);
    memmove(s->k + 1, s->k, s->n * sizeof *s->k);
    s->k[0] = key;
    s->n++;
}

static uint64_t seq_pop_back(seq *s)
{
    ck_assert_msg(s->n > 0, "pop from an empty list");
    return seq_del(s, s->n - 1);
}

/* ---- the references: access() is a get and, on a miss, a put; 1 on a hit ---- */
typedef struct ref {
    const char *policy;
    size_t c;
    /* FIFO/LIFO/MRU: a; ARC: T1 T2 B1 B2; 2Q: A1in Am A1out; W-TinyLFU: window probation
     * protected (a b d) */
    seq a, b, d, e;
    uint64_t cnt[MAXK];  /* LFU: parallel to a: use count */
    uint64_t at[MAXK];   /* LFU: when that count was reached */
    uint64_t seen[MAXK]; /* perfect LFU: requests of each key (keys < MAXK), held or not */
    uint64_t clock;
    double p;
} ref;

static int order_access(ref *r, uint64_t key, int touch, int evict_head)
{
    long i = seq_find(&r->a, key);
    if (i >= 0) {
        if (touch)
            seq_push(&r->a, seq_del(&r->a, (size_t)i));
        return 1;
    }
    if (r->a.n == r->c)
        seq_del(&r->a, evict_head ? 0 : r->a.n - 1);
    seq_push(&r->a, key);
    return 0;
}

/* LFU by its definition: the victim has the smallest count, ties to the earliest `at`. In-cache
 * LFU counts the uses since the insert; perfect LFU every request of the key ever made. */
static int lfu_access(ref *r, uint64_t key, int perfect)
{
    r->clock++;
    ck_assert_uint_lt(key, MAXK);
    r->seen[key]++;
    long i = seq_find(&r->a, key);
    if (i >= 0) {
        r->cnt[i] = perfect ? r->seen[key] : r->cnt[i] + 1;
        r->at[i] = r->clock;
        return 1;
    }
    if (r->a.n == r->c) {
        size_t v = 0;
        for (size_t j = 1; j < r->a.n; j++)
            if (r->cnt[j] < r->cnt[v] || (r->cnt[j] == r->cnt[v] && r->at[j] < r->at[v]))
                v = j;
        r->a.k[v] = r->a.k[r->a.n - 1];
        r->cnt[v] = r->cnt[r->a.n - 1];
        r->at[v] = r->at[r->a.n - 1];
        r->a.n--;
    }
    r->a.k[r->a.n] = key;
    r->cnt[r->a.n] = perfect ? r->seen[key] : 1;
    r->at[r->a.n] = r->clock;
    r->a.n++;
    return 0;
}

/* ARC, figure 4 of Megiddo & Modha (FAST 2003), line by line. a=T1 b=T2 d=B1 e=B2. */
static void arc_replace(ref *r, int x_in_b2)
{
    double t1 = (double)r->a.n;
    if (r->a.n >= 1 && ((x_in_b2 && t1 == r->p) || t1 > r->p))
        seq_push(&r->d, seq_pop_back(&r->a));
    else
        seq_push(&r->e, seq_pop_back(&r->b));
}

static int arc_access(ref *r, uint64_t x)
{
    double c = (double)r->c;
    long i;
    if ((i = seq_find(&r->a, x)) >= 0 || (i = seq_find(&r->b, x)) >= 0) { /* case I */
        seq *from = seq_find(&r->a, x) >= 0 ? &r->a : &r->b;
        seq_del(from, (size_t)i);
        seq_push(&r->b, x);
        return 1;
    }
    if ((i = seq_find(&r->d, x)) >= 0) { /* case II */
        double d1 = r->d.n >= r->e.n ? 1 : (double)r->e.n / (double)r->d.n;
        r->p = r->p + d1 < c ? r->p + d1 : c;
        arc_replace(r, 0); /* may push onto B1: find x again */
        seq_del(&r->d, (size_t)seq_find(&r->d, x));
        seq_push(&r->b, x);
        return 0;
    }
    if ((i = seq_find(&r->e, x)) >= 0) { /* case III */
        double d2 = r->e.n >= r->d.n ? 1 : (double)r->d.n / (double)r->e.n;
        r->p = r->p - d2 > 0 ? r->p - d2 : 0;
        arc_replace(r, 1);
        seq_del(&r->e, (size_t)seq_find(&r->e, x));
        seq_push(&r->b, x);
        return 0;
    }
    size_t l1 = r->a.n + r->d.n, all = l1 + r->b.n + r->e.n; /* case IV */
    if (l1 == r->c) {
        if (r->a.n < r->c) {
            seq_pop_back(&r->d);
            arc_replace(r, 0);
        } else {
            seq_pop_back(&r->a);
        }
    } else if (all >= r->c) {
        if (all == 2 * r->c)
            seq_pop_back(&r->e);
        arc_replace(r, 0);
    }
    seq_push(&r->a, x);
    return 0;
}

/* 2Q full version (Johnson & Shasha 1994): a=A1in b=Am d=A1out; Kin=c/4, Kout=c/2. */
static void twoq_reclaim(ref *r)
{
    size_t kin = r->c / 4 ? r->c / 4 : 1, kout = r->c / 2 ? r->c / 2 : 1;
    if (r->a.n + r->b.n < r->c)
        return;
    if (r->a.n > kin || r->b.n == 0) {
        seq_push(&r->d, seq_pop_back(&r->a));
        if (r->d.n > kout)
            seq_pop_back(&r->d);
    } else {
        seq_pop_back(&r->b);
    }
}

static int twoq_access(ref *r, uint64_t x)
{
    long i;
    if ((i = seq_find(&r->b, x)) >= 0) {
        seq_push(&r->b, seq_del(&r->b, (size_t)i));
        return 1;
    }
    if (seq_find(&r->a, x) >= 0)
        return 1;
    if ((i = seq_find(&r->d, x)) >= 0) {
        seq_del(&r->d, (size_t)i);
        twoq_reclaim(r);
        seq_push(&r->b, x);
        return 0;
    }
    twoq_reclaim(r);
    seq_push(&r->a, x);
    return 0;
}

/* W-TinyLFU as cache_tinylfu.c's header states it: a=window b=probation d=protected, and a
 * count-min sketch of plain ints: 4 blocks (every cache here holds at most 16 slots) of 4 rows
 * of 16 counters, each saturating at 15, all halved after 10c recordings. A key's block is
 * h & 3 and its row-r counter (h >> (32 + 4r)) & 15, h SplitMix64's finaliser of
 * key ^ 0x9e37...15. Every get and every put records. */
#define TL_BLOCKS 4
#define TL_ROWS 4
static int tl_sketch[TL_BLOCKS][TL_ROWS][16];
static uint64_t tl_samples;

static int *tl_cell(uint64_t key, int row)
{
    uint64_t x = key ^ 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    x ^= x >> 31;
    return &tl_sketch[x % TL_BLOCKS][row][(x >> (32 + 4 * row)) % 16];
}

static void tl_record(const ref *r, uint64_t key)
{
    for (int row = 0; row < TL_ROWS; row++)
        if (*tl_cell(key, row) < 15)
            ++*tl_cell(key, row);
    if (++tl_samples == 10 * r->c) {
        for (int b = 0; b < TL_BLOCKS; b++)
            for (int row = 0; row < TL_ROWS; row++)
                for (int j = 0; j < 16; j++)
                    tl_sketch[b][row][j] /= 2;
        tl_samples /= 2;
    }
}

static int tl_frequency(uint64_t key)
{
    int f = 15;
    for (int row = 0; row < TL_ROWS; row++)
        if (*tl_cell(key, row) < f)
            f = *tl_cell(key, row);
    return f;
}

static int tinylfu_access(ref *r, uint64_t x)
{
    size_t w = r->c / 100 ? r->c / 100 : 1, main = r->c - w, protected_max = main * 8 / 10;
    long i;
    tl_record(r, x); /* the get */
    if ((i = seq_find(&r->a, x)) >= 0 || (i = seq_find(&r->d, x)) >= 0) {
        seq *l = seq_find(&r->a, x) >= 0 ? &r->a : &r->d;
        seq_push(l, seq_del(l, (size_t)i));
        return 1;
    }
    if ((i = seq_find(&r->b, x)) >= 0) {
        seq_push(&r->d, seq_del(&r->b, (size_t)i));
        if (r->d.n > protected_max)
            seq_push(&r->b, seq_pop_back(&r->d));
        return 1;
    }
    tl_record(r, x); /* the put */
    if (r->a.n >= w) {
        uint64_t cand = r->a.k[r->a.n - 1];
        if (r->b.n + r->d.n < main) {
            seq_push(&r->b, seq_pop_back(&r->a));
        } else {
            seq *from = r->b.n > 0 ? &r->b : r->d.n > 0 ? &r->d : NULL;
            if (from == NULL || tl_frequency(cand) <= tl_frequency(from->k[from->n - 1])) {
                seq_pop_back(&r->a);
            } else {
                seq_pop_back(from);
                seq_push(&r->b, seq_pop_back(&r->a));
            }
        }
    }
    seq_push(&r->a, x);
    return 0;
}

static int ref_access(ref *r, uint64_t key)
{
    const char *p = r->policy;
    if (strcmp(p, "tinylfu") == 0)
        return tinylfu_access(r, key);
    if (strcmp(p, "fifo") == 0)
        return order_access(r, key, 0, 0);
    if (strcmp(p, "lifo") == 0)
        return order_access(r, key, 0, 1);
    if (strcmp(p, "mru") == 0)
        return order_access(r, key, 1, 1);
    if (strcmp(p, "lru") == 0)
        return order_access(r, key, 1, 0);
    if (strcmp(p, "lfu") == 0)
        return lfu_access(r, key, 0);
    if (strcmp(p, "perfect_lfu") == 0)
        return lfu_access(r, key, 1);
    if (strcmp(p, "arc") == 0)
        return arc_access(r, key);
    return twoq_access(r, key);
}

/* Removal in the one-list references (ARC and 2Q are replayed without removals: what their
 * papers define). */
static int ref_remove(ref *r, uint64_t key)
{
    if (strcmp(r->policy, "tinylfu") == 0) {
        seq *lists[] = {&r->a, &r->b, &r->d};
        for (int k = 0; k < 3; k++) {
            long at = seq_find(lists[k], key);
            if (at >= 0) {
                seq_del(lists[k], (size_t)at);
                return 1;
            }
        }
        return 0;
    }
    long i = seq_find(&r->a, key);
    if (i < 0)
        return 0;
    /* LFU's parallel arrays shift with seq_del */
    memmove(r->cnt + i, r->cnt + i + 1, (r->a.n - (size_t)i - 1) * sizeof *r->cnt);
    memmove(r->at + i, r->at + i + 1, (r->a.n - (size_t)i - 1) * sizeof *r->at);
    seq_del(&r->a, (size_t)i);
    return 1;
}

static size_t ref_size(const ref *r)
{
    if (strcmp(r->policy, "arc") == 0 || strcmp(r->policy, "2q") == 0)
        return r->a.n + r->b.n;
    if (strcmp(r->policy, "tinylfu") == 0)
        return r->a.n + r->b.n + r->d.n;
    return r->a.n;
}

static void replay(const char *policy, size_t c, uint64_t universe, uint64_t seed, int removes)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, seed);
    dk_cache_t *cache = dk_cache_new(policy, c, NULL);
    ck_assert_ptr_nonnull(cache);
    ref *r = calloc(1, sizeof *r);
    r->policy = policy;
    r->c = c;
    memset(tl_sketch, 0, sizeof tl_sketch);
    tl_samples = 0;
    for (int step = 0; step < 2000; step++) {
        /* half the keys from a small hot range, so hits and ghosts both happen */
        uint64_t key = dk_rng_below(&rng, 2) ? dk_rng_below(&rng, universe)
                                             : dk_rng_below(&rng, universe / 4 + 1);
        if (removes && dk_rng_below(&rng, 16) == 0) {
            ck_assert_int_eq(dk_cache_remove(cache, key), ref_remove(r, key));
            continue;
        }
        int want = ref_access(r, key);
        int hit = dk_cache_get(cache, key, 0);
        ck_assert_msg(hit == want, "%s c=%zu seed=%llu step %d key %llu: cache %d, reference %d",
                      policy, c, (unsigned long long)seed, step, (unsigned long long)key, hit,
                      want);
        size_t before = dk_cache_size(cache);
        uint64_t victim = UINT64_MAX;
        if (!hit && dk_cache_put_victim(cache, key, 0, 0, &victim) == 1) {
            /* the victim was held, is gone, and is not the key just stored */
            ck_assert_uint_ne(victim, key);
            ck_assert_uint_ne(victim, UINT64_MAX);
            ck_assert_int_eq(dk_cache_contains(cache, victim), 0);
            ck_assert_uint_eq(dk_cache_size(cache), before);
        }
        ck_assert_uint_eq(dk_cache_size(cache), ref_size(r));
    }
    for (size_t i = 0; i < r->a.n; i++)
        ck_assert_int_eq(dk_cache_contains(cache, r->a.k[i]), 1);
    dk_cache_free(cache);
    free(r);
}

static const char *const deterministic[] = {"lru", "lfu", "perfect_lfu", "fifo",   "lifo",
                                            "mru", "arc", "2q",          "tinylfu"};

START_TEST(policies_match_their_references)
{
    const char *policy = deterministic[_i];
    int removes = strcmp(policy, "arc") != 0 && strcmp(policy, "2q") != 0;
    static const size_t caps[] = {1, 2, 3, 4, 7, 16};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++)
        for (uint64_t seed = 1; seed <= 10; seed++)
            replay(policy, caps[k], 3 * caps[k] + seed % 5 + 1, seed * 7919 + k, removes);
}
END_TEST

/* Random: same seed, same evictions; a different seed, different ones; never over capacity. */
static uint64_t random_run(uint64_t seed, uint64_t *fingerprint)
{
    dk_cache_t *c = dk_cache_new_seeded("random", 50, seed, NULL);
    dk_rng_t rng;
    dk_rng_seed(&rng, 42);
    *fingerprint = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t key = dk_rng_below(&rng, 200);
        int hit = dk_cache_get(c, key, 0);
        *fingerprint = *fingerprint * 31 + (uint64_t)hit;
        if (!hit)
            dk_cache_put(c, key, 0, 0);
        ck_assert_uint_le(dk_cache_size(c), 50);
    }
    uint64_t hits = dk_cache_hits(c);
    dk_cache_free(c);
    return hits;
}

START_TEST(random_is_seeded)
{
    uint64_t f1, f2, f3;
    uint64_t h1 = random_run(7, &f1), h2 = random_run(7, &f2);
    random_run(8, &f3);
    ck_assert_uint_eq(h1, h2);
    ck_assert_uint_eq(f1, f2);
    ck_assert_uint_ne(f1, f3);
    /* uniform keys: every policy's hit ratio is about c/n = 0.25 */
    ck_assert_uint_gt(h1, 20000 * 0.22);
    ck_assert_uint_lt(h1, 20000 * 0.28);
}
END_TEST

/* Expiry and explicit removal work the same way under every policy. */
START_TEST(every_policy_expires_and_removes)
{
    for (size_t i = 0; dk_cache_policy_names[i] != NULL; i++) {
        dk_cache_t *c = dk_cache_new(dk_cache_policy_names[i], 4, NULL);
        ck_assert_str_eq(dk_cache_policy(c), dk_cache_policy_names[i]);
        dk_cache_put(c, 7, 100, 50); /* lives until 150 */
        ck_assert_int_eq(dk_cache_get(c, 7, 149), 1);
        ck_assert_int_eq(dk_cache_get(c, 7, 150), 0);
        ck_assert_uint_eq(dk_cache_size(c), 0);
        dk_cache_put(c, 8, 0, 0);
        ck_assert_int_eq(dk_cache_remove(c, 8), 1);
        ck_assert_int_eq(dk_cache_remove(c, 8), 0);
        for (uint64_t k = 0; k < 100; k++)
            if (!dk_cache_get(c, k % 9, 0))
                ck_assert_int_ge(dk_cache_put(c, k % 9, 0, 0), 0);
        ck_assert_uint_le(dk_cache_size(c), 4);
        ck_assert_uint_eq(dk_cache_hits(c) + dk_cache_misses(c), 102);
        dk_cache_free(c);
    }
}
END_TEST

START_TEST(bad_input_is_named)
{
    dk_error err;
    ck_assert_ptr_null(dk_cache_new("belady", 10, &err));
    ck_assert_int_eq(err.status, DK_ENOTFOUND);
    ck_assert_str_eq(err.message,
                     "unknown cache policy \"belady\" "
                     "(use lru, lfu, perfect_lfu, fifo, lifo, mru, random, arc, 2q, tinylfu)");
    for (size_t i = 0; dk_cache_policy_names[i] != NULL; i++) {
        ck_assert_ptr_null(dk_cache_new(dk_cache_policy_names[i], 0, &err));
        ck_assert_int_eq(err.status, DK_EINVAL);
    }
    ck_assert_ptr_null(dk_cache_new("arc", UINT64_C(1) << 31, &err));
    ck_assert_int_eq(err.status, DK_ERANGE);
    uint64_t hits = 99, trace[] = {1, 2, 1};
    ck_assert_int_eq(dk_cache_min(trace, 3, 0, &hits, &err), DK_EINVAL);
    ck_assert_int_eq(dk_cache_min(trace, 0, 4, &hits, &err), DK_OK);
    ck_assert_uint_eq(hits, 0);
}
END_TEST

/* MIN by brute force: at each eviction, scan ahead for each resident key's next use. */
static uint64_t min_brute(const uint64_t *t, size_t n, size_t c)
{
    uint64_t held[MAXK], hits = 0;
    size_t h = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < h && held[j] != t[i]; j++)
            ;
        if (j < h) {
            hits++;
            continue;
        }
        if (h < c) {
            held[h++] = t[i];
            continue;
        }
        /* the candidate set includes the new key: the one used furthest ahead leaves */
        size_t victim = h, far = 0;
        for (size_t k = 0; k <= h; k++) {
            uint64_t key = k < h ? held[k] : t[i];
            size_t m;
            for (m = i + 1; m < n && t[m] != key; m++)
                ;
            if (m > far) {
                far = m;
                victim = k;
            }
        }
        if (victim < h)
            held[victim] = t[i];
    }
    return hits;
}

START_TEST(min_matches_brute_force)
{
    dk_rng_t rng;
    uint64_t t[600];
    for (uint64_t seed = 1; seed <= 60; seed++) {
        dk_rng_seed(&rng, seed);
        size_t c = 1 + seed % 9;
        for (size_t i = 0; i < 600; i++)
            t[i] = dk_rng_below(&rng, 3 * c + 2);
        uint64_t hits;
        ck_assert_int_eq(dk_cache_min(t, 600, c, &hits, NULL), DK_OK);
        ck_assert_uint_eq(hits, min_brute(t, 600, c));
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_reference");
    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, policies_match_their_references, 0,
                        (int)(sizeof deterministic / sizeof deterministic[0]));
    tcase_add_test(tc, random_is_seeded);
    tcase_add_test(tc, every_policy_expires_and_removes);
    tcase_add_test(tc, bad_input_is_named);
    tcase_add_test(tc, min_matches_brute_force);
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

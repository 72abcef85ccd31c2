/* areas: base patterns */
/* test_shard.c - sharders against brute-force lookups, the published jump hash values, the
 * theory of keys moved (mod N: n/(n+1), jump: 1/(n+1), a range split: that shard's upper part)
 * and exact Zipf shares from partial harmonic sums. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/rng.h"
#include "designkit/shard.h"

static dk_shard_t *must(dk_shard_t *s, const dk_error *err)
{
    ck_assert_msg(s != NULL, "sharder refused: %s", s ? "" : err->message);
    return s;
}

static size_t of(const dk_shard_t *s, uint64_t key)
{
    size_t id = 99999;
    dk_error err;
    ck_assert_msg(dk_shard_of(s, key, &id, &err) == DK_OK, "key %llu: %s", (unsigned long long)key,
                  err.message);
    return id;
}

/* The same without an assertion per key, for the loops over many keys (Check's assertions are
 * slow under the sanitizers). SIZE_MAX when the sharder refuses the key. */
static size_t owner(const dk_shard_t *s, uint64_t key)
{
    size_t id = 0;
    return dk_shard_of(s, key, &id, NULL) == DK_OK ? id : SIZE_MAX;
}

START_TEST(jump_published_values)
{
    /* Lamping & Veach's reference values, as issue 10 lists them (buckets 1..19). */
    static const uint32_t key1[] = {0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17};
    static const uint32_t beef[] = {0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16};
    for (uint32_t n = 1; n <= 19; n++) {
        ck_assert_uint_eq(dk_shard_jump(1, n), key1[n - 1]);
        ck_assert_uint_eq(dk_shard_jump(0xdeadbeef, n), beef[n - 1]);
    }
}
END_TEST

/* The range owner by a linear scan: the number of splits <= key. */
static size_t ref_range(const uint64_t *splits, size_t n, uint64_t key)
{
    size_t i = 0;
    while (i < n && splits[i] <= key)
        i++;
    return i;
}

START_TEST(range_matches_linear_scan)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, 7);
    dk_error err;
    for (int round = 0; round < 50; round++) {
        uint64_t splits[40];
        size_t n = (size_t)dk_rng_below(&rng, 40);
        uint64_t at = 0;
        for (size_t i = 0; i < n; i++)
            splits[i] = at += 1 + dk_rng_below(&rng, 100);
        dk_shard_t *s = must(dk_shard_range_new(splits, n, &err), &err);
        ck_assert_uint_eq(dk_shard_count(s), n + 1);
        size_t wrong = 0;
        for (uint64_t key = 0; key < at + 50; key++)
            wrong += owner(s, key) != ref_range(splits, n, key);
        ck_assert_uint_eq(wrong, 0);
        dk_shard_free(s);
    }
}
END_TEST

START_TEST(range_split_moves_only_the_upper_part)
{
    static const uint64_t splits[] = {250, 500, 750};
    uint64_t ints[1000];
    for (size_t i = 0; i < 1000; i++)
        ints[i] = 999 - i; /* given out of order: the plan sorts */
    dk_shard_keys keys = {ints, NULL, NULL, 1000};
    dk_error err;
    dk_shard_t *a = must(dk_shard_range_new(splits, 3, &err), &err);
    dk_shard_t *b = dk_shard_clone(a);
    size_t id = 0;
    ck_assert_int_eq(dk_shard_add(b, 625, &id, &err), DK_OK);
    ck_assert_uint_eq(id, 4);
    dk_shard_move *moves;
    size_t nmoves, moved;
    ck_assert_int_eq(dk_shard_plan(a, b, &keys, &moves, &nmoves, &moved, &err), DK_OK);
    /* Shard 2 held [500, 750): its upper half [625, 750) moves, nothing else. */
    ck_assert_uint_eq(moved, 125);
    ck_assert_uint_eq(nmoves, 1);
    ck_assert_uint_eq(moves[0].from, 2);
    ck_assert_uint_eq(moves[0].to, 4);
    ck_assert_uint_eq(moves[0].first, 625);
    ck_assert_uint_eq(moves[0].last, 749);
    ck_assert_uint_eq(moves[0].count, 125);
    dk_free(moves);

    /* Removing shard 1 ([250, 500)) gives its keys to shard 0, below it. */
    ck_assert_int_eq(dk_shard_remove(b, 1, &err), DK_OK);
    ck_assert_uint_eq(of(b, 499), 0);
    ck_assert_uint_eq(of(b, 500), 2);
    /* Removing the first gives its keys to the one above. */
    ck_assert_int_eq(dk_shard_remove(b, 0, &err), DK_OK);
    ck_assert_uint_eq(of(b, 0), 2);
    ck_assert_uint_eq(of(b, 625), 4);
    ck_assert_uint_eq(dk_shard_count(b), 3);
    dk_shard_free(a);
    dk_shard_free(b);
}
END_TEST

/* The fraction of keys 0..n-1 whose shard differs between a and b, counted directly. */
static double moved_fraction(const dk_shard_t *a, const dk_shard_t *b, uint64_t n)
{
    uint64_t moved = 0;
    for (uint64_t k = 0; k < n; k++)
        moved += owner(a, k) != owner(b, k);
    return (double)moved / (double)n;
}

START_TEST(hash_add_moves_the_theory)
{
    enum { KEYS = 40000 }; /* the fractions' sd is at most 0.0025 */
    dk_error err;
    for (size_t n = 2; n <= 16; n *= 2) {
        dk_shard_t *mod = must(dk_shard_hash_new(DK_SHARD_MOD, n, &err), &err);
        dk_shard_t *jump = must(dk_shard_hash_new(DK_SHARD_JUMP, n, &err), &err);
        dk_shard_t *mod2 = dk_shard_clone(mod), *jump2 = dk_shard_clone(jump);
        ck_assert_int_eq(dk_shard_add(mod2, 0, NULL, &err), DK_OK);
        ck_assert_int_eq(dk_shard_add(jump2, 0, NULL, &err), DK_OK);
        double m = moved_fraction(mod, mod2, KEYS), j = moved_fraction(jump, jump2, KEYS);
        double mod_theory = (double)n / (double)(n + 1), jump_theory = 1.0 / (double)(n + 1);
        ck_assert_msg(fabs(m - mod_theory) < 0.01, "mod %zu -> %zu moved %g, theory %g", n, n + 1,
                      m, mod_theory);
        ck_assert_msg(fabs(j - jump_theory) < 0.01, "jump %zu -> %zu moved %g, theory %g", n, n + 1,
                      j, jump_theory);
        /* Jump moves keys only onto the new shard. */
        size_t strays = 0;
        for (uint64_t k = 0; k < 5000; k++)
            strays += owner(jump, k) != owner(jump2, k) && owner(jump2, k) != n;
        ck_assert_uint_eq(strays, 0);
        /* The plan agrees with the count and its steps with each key. */
        uint64_t *ints = malloc(KEYS * sizeof *ints);
        for (uint64_t k = 0; k < KEYS; k++)
            ints[k] = k;
        dk_shard_keys keys = {ints, NULL, NULL, KEYS};
        dk_shard_move *moves;
        size_t nmoves, moved, total = 0;
        ck_assert_int_eq(dk_shard_plan(mod, mod2, &keys, &moves, &nmoves, &moved, &err), DK_OK);
        ck_assert_uint_eq(moved, (size_t)llround(m * KEYS));
        for (size_t i = 0; i < nmoves; i++) {
            total += moves[i].count;
            size_t wrong = 0;
            for (uint64_t k = moves[i].first; k <= moves[i].last; k++)
                wrong += owner(mod, k) != moves[i].from || owner(mod2, k) != moves[i].to;
            ck_assert_uint_eq(wrong, 0);
        }
        ck_assert_uint_eq(total, moved);
        dk_free(moves);
        free(ints);
        /* Removing the newest shard returns to the original mapping. */
        ck_assert_int_eq(dk_shard_remove(mod2, n, &err), DK_OK);
        ck_assert(moved_fraction(mod, mod2, 1000) == 0);
        dk_shard_free(mod);
        dk_shard_free(mod2);
        dk_shard_free(jump);
        dk_shard_free(jump2);
    }
}
END_TEST

START_TEST(names_hash_and_tables)
{
    dk_error err;
    dk_shard_t *h = must(dk_shard_hash_new(DK_SHARD_JUMP, 5, &err), &err);
    size_t id;
    ck_assert_int_eq(dk_shard_of_name(h, "alice", &id, &err), DK_OK);
    ck_assert_uint_eq(id, dk_shard_jump(dk_shard_fnv1a("alice"), 5));
    /* FNV-1a 64 of "a" is published: 0xaf63dc4c8601ec8c. */
    ck_assert_uint_eq(dk_shard_fnv1a("a"), 0xaf63dc4c8601ec8cULL);
    dk_shard_free(h);

    dk_shard_t *d = must(dk_shard_table_new(DK_SHARD_DIRECTORY, 3, &err), &err);
    char name[16];
    for (int i = 0; i < 30; i++) {
        snprintf(name, sizeof name, "user%d", i);
        ck_assert_int_eq(dk_shard_assign(d, name, (size_t)(i % 3), &err), DK_OK);
    }
    ck_assert_int_eq(dk_shard_of_name(d, "user4", &id, &err), DK_OK);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(dk_shard_assign(d, "user4", 2, &err), DK_OK); /* reassignment */
    ck_assert_int_eq(dk_shard_of_name(d, "user4", &id, &err), DK_OK);
    ck_assert_uint_eq(id, 2);
    ck_assert_int_eq(dk_shard_of_name(d, "nobody", &id, &err), DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "shard: directory: \"nobody\" is assigned to no shard");
    /* Removing shard 2 (11 keys) deals its keys to the least loaded of 0 (10) and 1 (9). */
    ck_assert_int_eq(dk_shard_remove(d, 2, &err), DK_OK);
    const char *names[30];
    char store[30][16];
    for (int i = 0; i < 30; i++) {
        snprintf(store[i], sizeof store[i], "user%d", i);
        names[i] = store[i];
    }
    dk_shard_keys keys = {NULL, names, NULL, 30};
    double loads[3];
    ck_assert_int_eq(dk_shard_loads(d, &keys, loads, &err), DK_OK);
    ck_assert(loads[2] == 0);
    ck_assert(fabs(loads[0] - loads[1]) <= 1); /* greedy least-loaded evens them out */
    ck_assert(loads[0] + loads[1] == 30);
    ck_assert_int_eq(dk_shard_assign(d, "x", 2, &err), DK_ENOTFOUND);
    dk_shard_free(d);

    dk_shard_t *g = must(dk_shard_table_new(DK_SHARD_GEO, 2, &err), &err);
    ck_assert_int_eq(dk_shard_assign(g, "eu", 0, &err), DK_OK);
    ck_assert_int_eq(dk_shard_assign(g, "us", 1, &err), DK_OK);
    ck_assert_int_eq(dk_shard_of_name(g, "us", &id, &err), DK_OK);
    ck_assert_uint_eq(id, 1);
    ck_assert_int_eq(dk_shard_of(g, 5, &id, &err), DK_EINVAL);
    dk_shard_free(g);
}
END_TEST

typedef struct custom_ud {
    int calls;
} custom_ud;

static dk_status by_tens(void *ud, uint64_t key, size_t shards, size_t *out, dk_error *err)
{
    ((custom_ud *)ud)->calls++;
    if (key == 13)
        return dk_error_set(err, DK_EINVAL, "unlucky key");
    *out = key == 99 ? shards : (size_t)(key / 10) % shards;
    return DK_OK;
}

START_TEST(custom_callback)
{
    dk_error err;
    custom_ud ud = {0};
    dk_shard_t *s = must(dk_shard_custom_new(by_tens, &ud, 4, &err), &err);
    ck_assert_uint_eq(of(s, 25), 2);
    size_t id;
    ck_assert_int_eq(dk_shard_of(s, 13, &id, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "unlucky key");
    ck_assert_int_eq(dk_shard_of(s, 99, &id, &err), DK_ERANGE);
    ck_assert_ptr_nonnull(strstr(err.message, "chose shard 4 for key 99"));
    ck_assert_int_eq(ud.calls, 3);
    dk_shard_free(s);
}
END_TEST

START_TEST(zipf_exact_shares)
{
    /* Range shards of 1000 Zipf keys; each share is a partial harmonic sum, summed here from
     * the largest key down (another order than the code's) and checked against draws too. */
    static const uint64_t splits[] = {101, 301, 601};
    enum { N = 1000 };
    const double s_exp = 1.0;
    dk_error err;
    dk_shard_t *s = must(dk_shard_range_new(splits, 3, &err), &err);
    double loads[4], ref[4] = {0}, h = 0;
    ck_assert_int_eq(dk_shard_zipf_loads(s, N, s_exp, loads, &err), DK_OK);
    for (uint64_t k = N; k >= 1; k--) {
        double p = 1.0 / pow((double)k, s_exp);
        h += p;
        ref[ref_range(splits, 3, k)] += p;
    }
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(loads[i] - ref[i] / h) < 1e-12, "shard %d: %g vs %g", i, loads[i],
                      ref[i] / h);
    /* H(100)/H(1000) = 5.18738/7.48547: shard 0 is the hottest. */
    dk_shard_skew k = dk_shard_skew_of(s, loads);
    ck_assert_uint_eq(k.hottest, 0);
    ck_assert(fabs(k.hottest_share - 5.187377517639621 / 7.485470860550345) < 1e-9);

    dk_dist_t *z = dk_dist_zipf(N, s_exp, &err);
    dk_rng_t rng;
    dk_rng_seed(&rng, 3);
    double drawn[4] = {0};
    for (int i = 0; i < 200000; i++)
        drawn[owner(s, (uint64_t)dk_dist_sample(z, &rng))] += 1.0 / 200000;
    for (int i = 0; i < 4; i++)
        ck_assert_msg(fabs(drawn[i] - loads[i]) < 0.005, "shard %d drawn %g exact %g", i, drawn[i],
                      loads[i]);
    dk_dist_free(z);
    dk_shard_free(s);
}
END_TEST

START_TEST(skew_of_loads)
{
    dk_error err;
    dk_shard_t *s = must(dk_shard_hash_new(DK_SHARD_MOD, 4, &err), &err);
    double loads[4] = {1, 2, 3, 6};
    dk_shard_skew k = dk_shard_skew_of(s, loads);
    ck_assert(fabs(k.max_over_mean - 2.0) < 1e-12);
    ck_assert(fabs(k.cv - sqrt(3.5) / 3.0) < 1e-12);
    ck_assert_uint_eq(k.hottest, 3);
    ck_assert(fabs(k.hottest_share - 0.5) < 1e-12);
    dk_shard_free(s);
}
END_TEST

START_TEST(bad_input)
{
    dk_error err;
    static const uint64_t unsorted[] = {10, 5}, dup[] = {10, 10}, zero[] = {0};
    ck_assert_ptr_null(dk_shard_range_new(unsorted, 2, &err));
    ck_assert_str_eq(err.message,
                     "shard: range: splits must be strictly increasing (split 2, 5, follows 10)");
    ck_assert_ptr_null(dk_shard_range_new(dup, 2, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_null(dk_shard_range_new(zero, 1, &err));
    ck_assert_ptr_null(dk_shard_hash_new(DK_SHARD_MOD, 0, &err));
    ck_assert_str_eq(err.message,
                     "shard: hash: the number of shards must be from 1 to 4294967295 (got 0)");
    ck_assert_ptr_null(dk_shard_table_new(DK_SHARD_RANGE, 2, &err));
    ck_assert_ptr_null(dk_shard_custom_new(NULL, NULL, 2, &err));
    dk_shard_strategy st;
    ck_assert_int_eq(dk_shard_strategy_parse("zone", &st), DK_ENOTFOUND);
    ck_assert_int_eq(dk_shard_strategy_parse("vertical", &st), DK_OK);
    ck_assert_int_eq(st, DK_SHARD_VERTICAL);

    dk_shard_t *h = dk_shard_hash_new(DK_SHARD_MOD, 3, &err);
    ck_assert_int_eq(dk_shard_remove(h, 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_shard_remove(h, 7, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_shard_remove(h, 2, &err), DK_OK);
    ck_assert_int_eq(dk_shard_remove(h, 1, &err), DK_OK);
    ck_assert_int_eq(dk_shard_remove(h, 0, &err), DK_ESTATE);
    dk_shard_free(h);
    dk_shard_t *r = dk_shard_range_new(NULL, 0, &err);
    ck_assert_int_eq(dk_shard_add(r, 0, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_shard_add(r, 10, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_shard_add(r, 10, NULL, &err), DK_EEXIST);
    double loads[2];
    ck_assert_int_eq(dk_shard_zipf_loads(r, 0, 1, loads, &err), DK_EINVAL);
    ck_assert_int_eq(dk_shard_zipf_loads(r, 10, NAN, loads, &err), DK_EINVAL);
    dk_shard_free(r);
    dk_shard_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("shard");
    TCase *t = tcase_create("lookup");
    tcase_add_test(t, jump_published_values);
    tcase_add_test(t, range_matches_linear_scan);
    tcase_add_test(t, names_hash_and_tables);
    tcase_add_test(t, custom_callback);
    suite_add_tcase(s, t);
    t = tcase_create("reports");
    tcase_set_timeout(t, 180); /* the replays are slow under ASan */
    tcase_add_test(t, range_split_moves_only_the_upper_part);
    tcase_add_test(t, hash_add_moves_the_theory);
    tcase_add_test(t, zipf_exact_shares);
    tcase_add_test(t, skew_of_loads);
    suite_add_tcase(s, t);
    t = tcase_create("bad input");
    tcase_add_test(t, bad_input);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

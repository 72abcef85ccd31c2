/* areas: base patterns */
/* test_hash.c - jump against the paper's values, how many keys move when a node joins (jump,
 * ring, Maglev, rendezvous against 1/(n+1), mod-N against n/(n+1)), the ring's load spread
 * against the Beta formula, Maglev's even table, and the ring's and Maglev's bad input. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/hash.h"

/* Lamping and Veach (2014), as the issue quotes them: key 1 and key 0xdeadbeef over 1..19
 * buckets. */
static const int32_t jump_key1[19] = {0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17};
static const int32_t jump_beef[19] = {0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16};

START_TEST(jump_matches_published_values)
{
    for (int32_t b = 1; b <= 19; b++) {
        ck_assert_int_eq(dk_hash_jump(1, b), jump_key1[b - 1]);
        ck_assert_int_eq(dk_hash_jump(0xdeadbeefull, b), jump_beef[b - 1]);
    }
    ck_assert_int_eq(dk_hash_jump(1, 0), -1);
    ck_assert_int_eq(dk_hash_jump(1, -3), -1);
}
END_TEST

/* The SplitMix64 finaliser written out again, for the brute-force references below. */
static uint64_t splitmix_final(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Names hash through FNV-1a's published vector ("a" gives 0xaf63dc4c8601ec8c) and the
 * finaliser; a seed gives another hash. */
START_TEST(hash_functions_are_as_stated)
{
    ck_assert_uint_eq(dk_hash_string("a", 0), splitmix_final(0xaf63dc4c8601ec8cull));
    ck_assert_uint_eq(dk_hash_seeded("a", 1, 0), dk_hash_string("a", 0));
    ck_assert_uint_ne(dk_hash_string("a", 1), dk_hash_string("a", 0));
    ck_assert_uint_ne(dk_hash_string("a", 1), dk_hash_string("a", 2));
    ck_assert_uint_eq(dk_hash_u64(12345), splitmix_final(12345));
}
END_TEST

#define KEYS 50000

static void node_name(char *buf, size_t size, const char *prefix, size_t i)
{
    snprintf(buf, size, "%s-%zu", prefix, i);
}

/* The fraction of KEYS keys whose owner differs between before[] and after[]; each key that
 * moves must move to `newcomer` when newcomer is given (>= 0). */
static double moved(const size_t *before, const size_t *after, long newcomer)
{
    size_t count = 0;
    for (size_t k = 0; k < KEYS; k++)
        if (before[k] != after[k]) {
            count++;
            if (newcomer >= 0)
                ck_assert_uint_eq(after[k], (size_t)newcomer);
        }
    return (double)count / KEYS;
}

static size_t before[KEYS], after[KEYS];

/* Growing from n to n + 1 nodes, n = 1..10. */
START_TEST(jump_and_mod_n_move_as_predicted)
{
    for (int32_t n = 1; n <= 10; n++) {
        double expect = 1.0 / (n + 1);
        for (size_t k = 0; k < KEYS; k++) {
            uint64_t h = dk_hash_u64(k);
            before[k] = (size_t)dk_hash_jump(h, n);
            after[k] = (size_t)dk_hash_jump(h, n + 1);
        }
        ck_assert_double_eq_tol(moved(before, after, n), expect, 0.01);
        for (size_t k = 0; k < KEYS; k++) {
            uint64_t h = dk_hash_u64(k);
            before[k] = h % (uint64_t)n;
            after[k] = h % (uint64_t)(n + 1);
        }
        ck_assert_double_eq_tol(moved(before, after, -1), n * expect, 0.01);
    }
}
END_TEST

START_TEST(rendezvous_moves_one_share)
{
    uint64_t nodes[11];
    char name[32];
    for (size_t i = 0; i < 11; i++) {
        node_name(name, sizeof name, "node", i);
        nodes[i] = dk_hash_string(name, 0);
    }
    ck_assert_uint_eq(dk_hash_rendezvous(1, nodes, 0), SIZE_MAX);
    for (size_t n = 1; n <= 10; n++) {
        for (size_t k = 0; k < KEYS; k++) {
            uint64_t h = dk_hash_u64(k);
            before[k] = dk_hash_rendezvous(h, nodes, n);
            after[k] = dk_hash_rendezvous(h, nodes, n + 1);
            /* brute force: the node of highest score, recomputed here */
            size_t best = 0;
            for (size_t i = 1; i <= n; i++)
                if (splitmix_final(h ^ nodes[i]) > splitmix_final(h ^ nodes[best]))
                    best = i;
            ck_assert_uint_eq(after[k], best);
        }
        ck_assert_double_eq_tol(moved(before, after, (long)n), 1.0 / (n + 1), 0.01);
    }
}
END_TEST

/* A ring's newcomer takes about 1/(n+1) of the keys, and only from the others: no key moves
 * between two old nodes. With v = 200 points a node's share has a CV of about 0.07, so the
 * tolerance is a third of the share. */
START_TEST(ring_moves_one_share)
{
    dk_hash_ring_t *r = dk_hash_ring_new(200, NULL);
    char name[32];
    ck_assert_uint_eq(dk_hash_ring_get(r, 1), SIZE_MAX);
    for (size_t n = 1; n <= 10; n++) {
        if (n == 1) {
            node_name(name, sizeof name, "node", 0);
            ck_assert_int_eq(dk_hash_ring_add(r, name, NULL), DK_OK);
        }
        for (size_t k = 0; k < KEYS; k++)
            before[k] = dk_hash_ring_get(r, dk_hash_u64(k));
        node_name(name, sizeof name, "node", n);
        ck_assert_int_eq(dk_hash_ring_add(r, name, NULL), DK_OK);
        for (size_t k = 0; k < KEYS; k++)
            after[k] = dk_hash_ring_get(r, dk_hash_u64(k));
        double expect = 1.0 / (n + 1);
        ck_assert_double_eq_tol(moved(before, after, (long)n), expect, expect / 3);
    }
    /* removing it again gives back exactly the old owners */
    ck_assert_int_eq(dk_hash_ring_remove(r, name, NULL), DK_OK);
    for (size_t k = 0; k < KEYS; k++)
        ck_assert_uint_eq(dk_hash_ring_get(r, dk_hash_u64(k)), before[k]);
    dk_hash_ring_free(r);
}
END_TEST

/* The Beta law of a node's share on a ring of M = n v uniform points: its coefficient of
 * variation is sqrt((M - v) / (v (M + 1))). Measured over 40 rings of 10 nodes by sampling keys
 * (the sampling's own variance, n/K, taken off), the root mean square CV must be within 15%. */
START_TEST(ring_load_spread_matches_formula)
{
    static const unsigned vs[] = {10, 100};
    enum { NODES = 10, RINGS = 40, SAMPLES = 50000 };
    for (size_t t = 0; t < 2; t++) {
        unsigned v = vs[t];
        double sum_cv2 = 0;
        for (int ring = 0; ring < RINGS; ring++) {
            dk_hash_ring_t *r = dk_hash_ring_new(v, NULL);
            char name[48], prefix[16];
            snprintf(prefix, sizeof prefix, "r%d", ring);
            for (size_t i = 0; i < NODES; i++) {
                node_name(name, sizeof name, prefix, i);
                ck_assert_int_eq(dk_hash_ring_add(r, name, NULL), DK_OK);
            }
            double load[NODES] = {0};
            for (size_t k = 0; k < SAMPLES; k++)
                load[dk_hash_ring_get(r, dk_hash_u64(k * 7919 + (uint64_t)ring))] += 1;
            double mean = (double)SAMPLES / NODES, var = 0;
            for (size_t i = 0; i < NODES; i++)
                var += (load[i] - mean) * (load[i] - mean) / NODES;
            sum_cv2 += var / (mean * mean) - (double)NODES / SAMPLES;
            dk_hash_ring_free(r);
        }
        double m = (double)NODES * v, expect = sqrt((m - v) / (v * (m + 1)));
        double got = sqrt(sum_cv2 / RINGS);
        ck_assert_double_eq_tol(got, expect, 0.15 * expect);
    }
}
END_TEST

START_TEST(ring_bad_input)
{
    dk_error err;
    ck_assert_ptr_null(dk_hash_ring_new(0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "vnodes"));
    dk_hash_ring_t *r = dk_hash_ring_new(3, NULL);
    ck_assert_int_eq(dk_hash_ring_add(r, "a", NULL), DK_OK);
    ck_assert_int_eq(dk_hash_ring_add(r, "a", &err), DK_EEXIST);
    ck_assert_ptr_nonnull(strstr(err.message, "duplicate node \"a\""));
    ck_assert_int_eq(dk_hash_ring_add(r, "", &err), DK_EINVAL);
    ck_assert_int_eq(dk_hash_ring_remove(r, "b", &err), DK_ENOTFOUND);
    ck_assert_uint_eq(dk_hash_ring_nodes(r), 1);
    ck_assert_str_eq(dk_hash_ring_node(r, 0), "a");
    ck_assert_ptr_null(dk_hash_ring_node(r, 1));
    dk_hash_ring_free(r);
    dk_hash_ring_free(NULL);
}
END_TEST

/* Each of n backends owns floor(M/n) or ceil(M/n) of the M entries, counted through lookups of
 * every residue. */
START_TEST(maglev_table_is_even)
{
    static const size_t ns[] = {1, 2, 3, 7, 10, 100, 1000};
    static const uint32_t sizes[] = {65537, 65537, 251, 65537, 65537, 65537, 10007};
    char names[1000][16];
    const char *ptrs[1000];
    for (size_t i = 0; i < 1000; i++) {
        snprintf(names[i], sizeof names[i], "b%zu", i);
        ptrs[i] = names[i];
    }
    static size_t count[1000];
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        size_t n = ns[t];
        dk_hash_maglev_t *m = dk_hash_maglev_new(ptrs, n, sizes[t], NULL);
        ck_assert_ptr_nonnull(m);
        uint32_t size = dk_hash_maglev_size(m);
        memset(count, 0, sizeof count);
        for (uint64_t h = 0; h < size; h++)
            count[dk_hash_maglev_get(m, h)]++;
        for (size_t i = 0; i < n; i++) {
            ck_assert_uint_ge(count[i], size / n);
            ck_assert_uint_le(count[i], (size + n - 1) / n);
            ck_assert_uint_eq(count[i], dk_hash_maglev_entries(m, i));
        }
        dk_hash_maglev_free(m);
    }
}
END_TEST

/* Growing from n to n + 1 backends: Maglev trades a little extra movement for its evenness;
 * the paper measures it small, so about 1/(n+1) of keys (within half of that again). */
START_TEST(maglev_moves_about_one_share)
{
    char names[11][16];
    const char *ptrs[11];
    for (size_t i = 0; i < 11; i++) {
        snprintf(names[i], sizeof names[i], "node-%zu", i);
        ptrs[i] = names[i];
    }
    for (size_t n = 1; n <= 10; n++) {
        dk_hash_maglev_t *a = dk_hash_maglev_new(ptrs, n, 0, NULL);
        dk_hash_maglev_t *b = dk_hash_maglev_new(ptrs, n + 1, 0, NULL);
        for (size_t k = 0; k < KEYS; k++) {
            before[k] = dk_hash_maglev_get(a, dk_hash_u64(k));
            after[k] = dk_hash_maglev_get(b, dk_hash_u64(k));
        }
        double expect = 1.0 / (n + 1), got = moved(before, after, -1);
        ck_assert_double_ge(got, expect - 0.01);
        ck_assert_double_le(got, 1.5 * expect + 0.01);
        dk_hash_maglev_free(a);
        dk_hash_maglev_free(b);
    }
}
END_TEST

START_TEST(maglev_bad_input)
{
    dk_error err;
    const char *dup[] = {"a", "b", "a"}, *empty[] = {"a", ""}, *two[] = {"a", "b"};
    ck_assert_ptr_null(dk_hash_maglev_new(two, 0, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "at least one node"));
    ck_assert_ptr_null(dk_hash_maglev_new(dup, 3, 0, &err));
    ck_assert_int_eq(err.status, DK_EEXIST);
    ck_assert_ptr_nonnull(strstr(err.message, "duplicate node \"a\""));
    ck_assert_ptr_null(dk_hash_maglev_new(empty, 2, 0, &err));
    ck_assert_ptr_nonnull(strstr(err.message, "node 2"));
    ck_assert_ptr_null(dk_hash_maglev_new(two, 2, 100, &err)); /* not a prime */
    ck_assert_ptr_nonnull(strstr(err.message, "prime"));
    dk_hash_maglev_t *m = dk_hash_maglev_new(two, 2, 13, NULL);
    unsigned char none[2] = {0, 0}, only_b[2] = {0, 1};
    ck_assert_int_eq(dk_hash_maglev_fill(m, none), DK_EINVAL);
    ck_assert_int_eq(dk_hash_maglev_fill(m, only_b), DK_OK);
    for (uint64_t h = 0; h < 13; h++)
        ck_assert_uint_eq(dk_hash_maglev_get(m, h), 1);
    dk_hash_maglev_free(m);
    dk_hash_maglev_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hash");
    TCase *f = tcase_create("functions");
    tcase_add_test(f, jump_matches_published_values);
    tcase_add_test(f, hash_functions_are_as_stated);
    suite_add_tcase(s, f);
    TCase *mv = tcase_create("movement");
    tcase_set_timeout(mv, 600); /* sanitizer builds on a loaded machine */
    tcase_add_test(mv, jump_and_mod_n_move_as_predicted);
    tcase_add_test(mv, rendezvous_moves_one_share);
    tcase_add_test(mv, ring_moves_one_share);
    tcase_add_test(mv, maglev_moves_about_one_share);
    suite_add_tcase(s, mv);
    TCase *bal = tcase_create("balance");
    tcase_set_timeout(bal, 600);
    tcase_add_test(bal, ring_load_spread_matches_formula);
    tcase_add_test(bal, maglev_table_is_even);
    suite_add_tcase(s, bal);
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, ring_bad_input);
    tcase_add_test(bad, maglev_bad_input);
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

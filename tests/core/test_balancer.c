/* areas: base patterns */
/* test_balancer.c - round robin order, random uniformity, least connections vs a brute force,
 * smooth weighted round robin's published order, two choices' maximum load, health, outlier
 * ejection and bad input. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/balancer.h"

START_TEST(names_round_trip)
{
    dk_lb_algorithm a;
    for (int i = 0; dk_lb_algorithm_names[i] != NULL; i++) {
        ck_assert_int_eq(dk_lb_algorithm_parse(dk_lb_algorithm_name((dk_lb_algorithm)i), &a),
                         DK_OK);
        ck_assert_int_eq(a, i);
    }
    ck_assert_str_eq(dk_lb_algorithm_name(DK_LB_LEAST_CONNECTIONS), "least_connections");
    ck_assert_int_eq(dk_lb_algorithm_parse("fastest", &a), DK_ENOTFOUND);
    ck_assert_int_eq(dk_lb_algorithm_parse(NULL, &a), DK_EINVAL);
}
END_TEST

START_TEST(bad_input)
{
    dk_error err;
    ck_assert_ptr_null(dk_lb_new(DK_LB_RANDOM, 0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "balancer: needs at least one backend (got 0)");
    ck_assert_ptr_null(dk_lb_new((dk_lb_algorithm)99, 3, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    /* the message lists every valid name */
    for (int i = 0; dk_lb_algorithm_names[i] != NULL; i++)
        ck_assert_ptr_nonnull(strstr(err.message, dk_lb_algorithm_names[i]));
    ck_assert_ptr_nonnull(strstr(dk_lb_algorithm_list(), "round_robin, random, "));
    dk_lb_free(NULL);
    /* A done for an idle backend or an out-of-range index changes nothing. */
    dk_lb_t *lb = dk_lb_new(DK_LB_LEAST_CONNECTIONS, 2, NULL);
    dk_lb_done(lb, 0);
    dk_lb_done(lb, 7);
    ck_assert_uint_eq(dk_lb_connections(lb, 0), 0);
    ck_assert_uint_eq(dk_lb_connections(lb, 7), 0);
    dk_lb_free(lb);
}
END_TEST

START_TEST(round_robin_order)
{
    dk_lb_t *lb = dk_lb_new(DK_LB_ROUND_ROBIN, 5, NULL);
    ck_assert_uint_eq(dk_lb_backends(lb), 5);
    for (size_t i = 0; i < 23; i++)
        ck_assert_uint_eq(dk_lb_pick(lb, NULL), i % 5);
    ck_assert_uint_eq(dk_lb_connections(lb, 0), 5);
    ck_assert_uint_eq(dk_lb_connections(lb, 3), 4);
    dk_lb_free(lb);
}
END_TEST

START_TEST(random_is_uniform)
{
    /* Chi-square over 10 backends with 100000 picks: 9 degrees of freedom, the 0.999 quantile
     * is 27.88. */
    enum { N = 10, PICKS = 100000 };
    dk_rng_t rng;
    dk_rng_seed(&rng, 42);
    dk_lb_t *lb = dk_lb_new(DK_LB_RANDOM, N, NULL);
    for (int i = 0; i < PICKS; i++)
        ck_assert_uint_lt(dk_lb_pick(lb, &rng), N);
    double expect = PICKS / (double)N, chi2 = 0;
    for (size_t i = 0; i < N; i++) {
        double d = (double)dk_lb_connections(lb, i) - expect;
        chi2 += d * d / expect;
    }
    ck_assert_msg(chi2 < 27.88, "chi-square %.2f >= 27.88", chi2);
    dk_lb_free(lb);
}
END_TEST

/* Backend counts for the brute-force comparison: powers of two and their neighbours, where a
 * segment tree's padding shows, and sizes where a scan would be slow. */
static const size_t lc_sizes[] = {1, 2, 3, 7, 8, 9, 63, 64, 65, 100, 1000};

START_TEST(least_connections_picks_minimum)
{
    /* A random mix of picks and dones, checked at each pick against a brute-force scan that
     * follows the documented tie rule (lowest index after the last pick, cyclically). */
    const size_t n = lc_sizes[_i];
    dk_rng_t rng;
    dk_rng_seed(&rng, 3 + (uint64_t)_i);
    dk_lb_t *lb = dk_lb_new(DK_LB_LEAST_CONNECTIONS, n, NULL);
    size_t *conns = calloc(n, sizeof *conns), last = n - 1;
    ck_assert_ptr_nonnull(lb);
    ck_assert_ptr_nonnull(conns);
    const int steps = n <= 9 ? 20000 : 5000; /* the reference scan is O(n) a step */
    for (int step = 0; step < steps; step++) {
        if (dk_rng_below(&rng, 3) == 0) {
            size_t i = (size_t)dk_rng_below(&rng, n);
            if (conns[i] > 0)
                conns[i]--;
            dk_lb_done(lb, i);
            continue;
        }
        size_t min = SIZE_MAX, want = 0;
        for (size_t k = 1; k <= n; k++) {
            size_t i = (last + k) % n;
            if (conns[i] < min) {
                min = conns[i];
                want = i;
            }
        }
        size_t got = dk_lb_pick(lb, &rng);
        ck_assert_uint_eq(got, want);
        conns[got]++;
        last = got;
        if (n <= 9 || step % 97 == 0)
            for (size_t i = 0; i < n; i++)
                ck_assert_uint_eq(dk_lb_connections(lb, i), conns[i]);
    }
    free(conns);
    dk_lb_free(lb);
}
END_TEST

START_TEST(least_connections_rotates_ties)
{
    dk_lb_t *lb = dk_lb_new(DK_LB_LEAST_CONNECTIONS, 3, NULL);
    for (size_t i = 0; i < 9; i++) {
        size_t got = dk_lb_pick(lb, NULL);
        ck_assert_uint_eq(got, i % 3);
        dk_lb_done(lb, got);
    }
    dk_lb_free(lb);
}
END_TEST

/* nginx's published sequence for weights a=5, b=1, c=1: a a b a c a a, then again. */
START_TEST(smooth_weighted_round_robin_order)
{
    static const size_t expect[7] = {0, 0, 1, 0, 2, 0, 0};
    dk_lb_t *lb = dk_lb_new(DK_LB_WEIGHTED_ROUND_ROBIN, 3, NULL);
    ck_assert_int_eq(dk_lb_set_weight(lb, 0, 5, NULL), DK_OK);
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < 7; k++)
            ck_assert_uint_eq(dk_lb_pick(lb, NULL), expect[k]);
    dk_lb_free(lb);
}
END_TEST

/* 10^6 balls into 10^6 bins (no ball leaves): one random choice gives a maximum load of 8 or 9
 * (about ln n / ln ln n and more in practice), two choices ln ln n / ln 2 + O(1), about 4
 * (Azar, Broder, Karlin, Upfal 1994; Mitzenmacher 2001). */
static size_t max_load(dk_lb_algorithm alg, uint64_t seed)
{
    enum { N = 1000000 };
    dk_lb_t *lb = dk_lb_new(alg, N, NULL);
    dk_rng_t rng;
    dk_rng_seed(&rng, seed);
    for (size_t k = 0; k < N; k++)
        dk_lb_pick(lb, &rng);
    size_t top = 0;
    for (size_t i = 0; i < N; i++)
        if (dk_lb_connections(lb, i) > top)
            top = dk_lb_connections(lb, i);
    dk_lb_free(lb);
    return top;
}

START_TEST(two_choices_keep_max_load_near_four)
{
    size_t one = max_load(DK_LB_RANDOM, 7), two = max_load(DK_LB_P2C, 7);
    ck_assert_uint_ge(one, 7);
    ck_assert_uint_le(one, 10);
    ck_assert_uint_ge(two, 3);
    ck_assert_uint_le(two, 5);
}
END_TEST

/* Every algorithm skips an unhealthy backend, and gives NONE when nothing is left. */
START_TEST(unhealthy_backends_are_skipped)
{
    dk_rng_t rng;
    dk_rng_seed(&rng, 3);
    for (int a = 0; dk_lb_algorithm_names[a] != NULL; a++) {
        dk_lb_t *lb = dk_lb_new((dk_lb_algorithm)a, 5, NULL);
        ck_assert_int_eq(dk_lb_set_health(lb, 2, 0), DK_OK);
        ck_assert_int_eq(dk_lb_set_health(lb, 0, 0), DK_OK);
        size_t seen[5] = {0};
        for (uint64_t k = 0; k < 3000; k++) {
            size_t i = dk_lb_pick_key(lb, &rng, k, 0);
            ck_assert_msg(i != 2 && i != 0 && i < 5, "%s picked %zu", dk_lb_algorithm_names[a], i);
            seen[i]++;
            dk_lb_report(lb, i, 0, 1000 + (int64_t)i, 1);
        }
        if (a != DK_LB_GEO) /* geo keeps to the nearest, the others spread */
            ck_assert_msg(seen[1] && seen[3] && seen[4], "%s", dk_lb_algorithm_names[a]);
        for (size_t i = 0; i < 5; i++)
            dk_lb_set_health(lb, i, 0);
        ck_assert_uint_eq(dk_lb_pick_key(lb, &rng, 1, 0), DK_LB_NONE);
        ck_assert_int_eq(dk_lb_set_health(lb, 9, 1), DK_ERANGE);
        dk_lb_free(lb);
    }
}
END_TEST

/* A keyed algorithm sends a key to the same backend every time, and when one backend goes down
 * only its keys move (mod-N excepted: that is its flaw). */
START_TEST(keyed_algorithms_keep_keys_in_place)
{
    enum { N = 8, K = 20000 };
    static size_t owner[K];
    for (int a = 0; dk_lb_algorithm_names[a] != NULL; a++) {
        if (!dk_lb_algorithm_keyed((dk_lb_algorithm)a))
            continue;
        dk_lb_t *lb = dk_lb_new((dk_lb_algorithm)a, N, NULL);
        for (uint64_t k = 0; k < K; k++) {
            owner[k] = dk_lb_pick_key(lb, NULL, k, 0);
            ck_assert_uint_eq(dk_lb_pick_key(lb, NULL, k, 0), owner[k]);
        }
        dk_lb_set_health(lb, 5, 0);
        size_t moved = 0;
        for (uint64_t k = 0; k < K; k++) {
            size_t now = dk_lb_pick_key(lb, NULL, k, 0);
            ck_assert_uint_ne(now, 5);
            moved += now != owner[k];
            if (a != DK_LB_HASH && a != DK_LB_MAGLEV && owner[k] != 5)
                ck_assert_uint_eq(now, owner[k]);
        }
        if (a == DK_LB_HASH)
            ck_assert_uint_gt(moved, K / 2);
        else
            ck_assert_uint_lt(moved, (size_t)(K * 1.6 / N));
        dk_lb_free(lb);
    }
    ck_assert(!dk_lb_algorithm_keyed(DK_LB_P2C));
}
END_TEST

/* Outlier ejection: 3 errors in a row eject for 10 s x the ejection count; the backend comes
 * back when that time is up; the last available backend is never ejected. */
START_TEST(outliers_are_ejected_for_growing_times)
{
    const int64_t s = 1000000000;
    dk_lb_t *lb = dk_lb_new(DK_LB_ROUND_ROBIN, 2, NULL);
    ck_assert_int_eq(dk_lb_set_outlier(lb, 3, 0), DK_EINVAL);
    ck_assert_int_eq(dk_lb_set_outlier(lb, 3, 10 * s), DK_OK);
    dk_lb_backend_stats st;
    /* two errors, a success: the streak starts again */
    dk_lb_report(lb, 1, 0, -1, 0);
    dk_lb_report(lb, 1, 0, -1, 0);
    dk_lb_report(lb, 1, 0, -1, 1);
    dk_lb_report(lb, 1, 0, -1, 0);
    dk_lb_report(lb, 1, 0, -1, 0);
    dk_lb_stats(lb, 1, &st);
    ck_assert_int_eq(st.ejected, 0);
    dk_lb_report(lb, 1, 1 * s, -1, 0);
    dk_lb_stats(lb, 1, &st);
    ck_assert_int_eq(st.ejected, 1);
    ck_assert_int_eq(st.ejected_until, 11 * s);
    ck_assert_uint_eq(st.errors, 5);
    for (int k = 0; k < 5; k++)
        ck_assert_uint_eq(dk_lb_pick_key(lb, NULL, 0, 10 * s), 0);
    ck_assert_uint_eq(dk_lb_pick_key(lb, NULL, 0, 11 * s), 1); /* back */
    for (int k = 0; k < 3; k++)
        dk_lb_report(lb, 1, 12 * s, -1, 0);
    dk_lb_stats(lb, 1, &st);
    ck_assert_uint_eq(st.ejections, 2);
    ck_assert_int_eq(st.ejected_until, 32 * s); /* 2 x 10 s */
    /* backend 0 fails too, but it is the last one left */
    for (int k = 0; k < 5; k++)
        dk_lb_report(lb, 0, 13 * s, -1, 0);
    dk_lb_stats(lb, 0, &st);
    ck_assert_int_eq(st.ejected, 0);
    ck_assert_uint_eq(dk_lb_pick_key(lb, NULL, 0, 14 * s), 0);
    dk_lb_free(lb);
}
END_TEST

/* Weighted least connections with weights 3:1 and nothing finishing: picks split 3:1. Least
 * response time prefers the fast backend; geo the nearest, then the next when it is down. */
START_TEST(weights_latency_and_distance_steer)
{
    dk_lb_t *lb = dk_lb_new(DK_LB_WEIGHTED_LEAST_CONNECTIONS, 2, NULL);
    dk_lb_set_weight(lb, 0, 3, NULL);
    for (int k = 0; k < 400; k++)
        dk_lb_pick(lb, NULL);
    ck_assert_uint_eq(dk_lb_connections(lb, 0), 300);
    dk_lb_free(lb);

    lb = dk_lb_new(DK_LB_LEAST_RESPONSE_TIME, 3, NULL);
    for (size_t i = 0; i < 3; i++) /* 1 ms, 5 ms, 10 ms */
        dk_lb_report(lb, dk_lb_pick(lb, NULL), 0, i == 0 ? 1000000 : (int64_t)i * 5000000, 1);
    dk_lb_backend_stats st;
    dk_lb_stats(lb, 0, &st);
    ck_assert_double_eq(st.ewma_ns, 1e6);
    /* the fast one until its queue makes it as slow as the next: 1 ms x 5 in flight = 5 ms */
    for (int k = 0; k < 4; k++)
        ck_assert_uint_eq(dk_lb_pick(lb, NULL), 0);
    dk_lb_free(lb);

    lb = dk_lb_new(DK_LB_GEO, 4, NULL);
    double d[4] = {30, 10, 10, 20};
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(dk_lb_set_distance(lb, i, d[i], NULL), DK_OK);
    ck_assert_uint_eq(dk_lb_pick(lb, NULL), 1); /* the region at 10 takes turns */
    ck_assert_uint_eq(dk_lb_pick(lb, NULL), 2);
    ck_assert_uint_eq(dk_lb_pick(lb, NULL), 1);
    dk_lb_set_health(lb, 1, 0);
    dk_lb_set_health(lb, 2, 0);
    ck_assert_uint_eq(dk_lb_pick(lb, NULL), 3); /* then the next region */
    dk_lb_free(lb);
}
END_TEST

START_TEST(bad_weights_and_distances)
{
    dk_error err;
    dk_lb_t *lb = dk_lb_new(DK_LB_WEIGHTED_ROUND_ROBIN, 2, NULL);
    ck_assert_int_eq(dk_lb_set_weight(lb, 1, NAN, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "balancer: backend 2: weight is NaN");
    ck_assert_int_eq(dk_lb_set_weight(lb, 0, -1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_lb_set_weight(lb, 0, 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_lb_set_weight(lb, 0, INFINITY, &err), DK_EINVAL);
    ck_assert_int_eq(dk_lb_set_weight(lb, 2, 1, &err), DK_ERANGE);
    ck_assert_int_eq(dk_lb_set_distance(lb, 0, -3, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "distance"));
    ck_assert_int_eq(dk_lb_stats(lb, 2, NULL), DK_ERANGE);
    dk_lb_free(lb);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("balancer");
    TCase *api = tcase_create("api");
    tcase_add_test(api, names_round_trip);
    tcase_add_test(api, bad_input);
    suite_add_tcase(s, api);
    TCase *alg = tcase_create("algorithms");
    tcase_set_timeout(alg, 60); /* sanitizer builds on a loaded machine */
    tcase_add_test(alg, round_robin_order);
    tcase_add_test(alg, random_is_uniform);
    tcase_add_loop_test(alg, least_connections_picks_minimum, 0,
                        (int)(sizeof lc_sizes / sizeof lc_sizes[0]));
    tcase_add_test(alg, least_connections_rotates_ties);
    tcase_add_test(alg, smooth_weighted_round_robin_order);
    tcase_add_test(alg, unhealthy_backends_are_skipped);
    tcase_add_test(alg, keyed_algorithms_keep_keys_in_place);
    tcase_add_test(alg, outliers_are_ejected_for_growing_times);
    tcase_add_test(alg, weights_latency_and_distance_steer);
    tcase_add_test(api, bad_weights_and_distances);
    suite_add_tcase(s, alg);
    TCase *balls = tcase_create("balls into bins");
    tcase_set_timeout(balls, 600); /* 2 x 10^6 picks over 10^6 backends; slow under ASan */
    tcase_add_test(balls, two_choices_keep_max_load_near_four);
    suite_add_tcase(s, balls);
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

/* areas: base patterns */
/* test_balancer.c - round robin order, random uniformity, least connections vs a brute force. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/balancer.h"

START_TEST(names_round_trip)
{
    dk_lb_algorithm a;
    for (int i = DK_LB_ROUND_ROBIN; i <= DK_LB_LEAST_CONNECTIONS; i++) {
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
    suite_add_tcase(s, alg);
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

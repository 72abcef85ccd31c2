/* areas: base */
/* test_queueing_formulas.c - the tests' own Erlang C (queueing_formulas.h) against values the
 * direct series gives in 60-digit decimal arithmetic (tests/lua/erlang_reference.py), up to
 * 10^5 servers: the series it once summed in doubles overflowed from about 170 servers. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "queueing_formulas.h"

typedef struct reference {
    int c;
    double a, want; /* want 0: below the smallest double */
} reference;

static const reference REFERENCE[] = {
    {1, 0.5, 5.00000000000000000e-1},
    {2, 1.8, 8.52631578947368421e-1},
    {3, 2.4, 6.47191011235955056e-1},
    {10, 9, 6.68731524107697000e-1},
    {100, 50, 3.26063870427570926e-10},
    {100, 99, 8.82768462610084471e-1},
    {1000, 500, 3.30483025550268361e-86},
    {1000, 900, 5.92669966378781219e-4},
    {10000, 5000, 0}, /* 1.2e-841 */
    {10000, 9000, 2.09161979441928961e-25},
    {10000, 9900, 2.22776928864148241e-1},
    {100000, 90000, 1.98003409635905998e-235},
    {100000, 99000, 8.21908237410795402e-4},
};

START_TEST(erlang_c_matches_the_decimal_series)
{
    for (size_t i = 0; i < sizeof REFERENCE / sizeof REFERENCE[0]; i++) {
        const reference *r = &REFERENCE[i];
        double got = erlang_c(r->c, r->a);
        int ok = r->want == 0 ? got >= 0 && got < 1e-300 : fabs(got - r->want) <= 1e-9 * r->want;
        ck_assert_msg(ok, "erlang_c(%d, %g) = %.17g, the decimal series gives %.17g", r->c, r->a,
                      got, r->want);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("queueing_formulas");
    TCase *t = tcase_create("erlang_c");
    tcase_add_test(t, erlang_c_matches_the_decimal_series);
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

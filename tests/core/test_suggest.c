/* areas: base */
/* test_suggest.c - dk_edit_distance against a brute-force reference, and the "did you mean"
 * search built on it. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/suggest.h"

/* ---- the distance ---- */

/* The optimal-string-alignment distance straight from its recursive definition: exponential,
 * independent of the three-row program under test, and fine for words of a few letters. */
static size_t reference(const char *a, size_t n, const char *b, size_t m)
{
    if (n == 0)
        return m;
    if (m == 0)
        return n;
    size_t best = reference(a, n - 1, b, m) + 1;
    size_t t = reference(a, n, b, m - 1) + 1;
    if (t < best)
        best = t;
    t = reference(a, n - 1, b, m - 1) + (a[n - 1] != b[m - 1]);
    if (t < best)
        best = t;
    if (n > 1 && m > 1 && a[n - 1] == b[m - 2] && a[n - 2] == b[m - 1]) {
        t = reference(a, n - 2, b, m - 2) + 1;
        if (t < best)
            best = t;
    }
    return best;
}

START_TEST(distance_matches_the_definition)
{
    /* Every pair of words up to 5 letters over a 3-letter alphabet that a seeded generator
     * gives: swaps, repeats and empty words all come up. */
    unsigned long x = 12345;
    char a[8], b[8];
    for (int round = 0; round < 4000; round++) {
        size_t n, m;
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        n = (x >> 33) % 6;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            a[i] = (char)('a' + (x >> 33) % 3);
        }
        a[n] = '\0';
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        m = (x >> 33) % 6;
        for (size_t i = 0; i < m; i++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            b[i] = (char)('a' + (x >> 33) % 3);
        }
        b[m] = '\0';
        size_t want = reference(a, n, b, m);
        size_t got = dk_edit_distance(a, b);
        ck_assert_msg(got == want, "distance(\"%s\", \"%s\") = %zu, want %zu", a, b, got, want);
    }
}
END_TEST

START_TEST(distance_known_values)
{
    ck_assert_uint_eq(dk_edit_distance("fro", "for"), 1); /* a swap is one edit */
    ck_assert_uint_eq(dk_edit_distance("kitten", "sitting"), 3);
    ck_assert_uint_eq(dk_edit_distance("", "abc"), 3);
    ck_assert_uint_eq(dk_edit_distance("same", "same"), 0);
    ck_assert_uint_eq(dk_edit_distance("ca", "abc"), 3); /* OSA, not full Damerau (which is 2) */
}
END_TEST

START_TEST(distance_refuses_null_and_long)
{
    char longer[DK_SUGGEST_MAX_LEN + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    ck_assert_uint_eq(dk_edit_distance(NULL, "a"), (size_t)-1);
    ck_assert_uint_eq(dk_edit_distance("a", NULL), (size_t)-1);
    ck_assert_uint_eq(dk_edit_distance(longer, "a"), (size_t)-1);
    longer[DK_SUGGEST_MAX_LEN] = '\0'; /* exactly the cap is still compared */
    ck_assert_uint_eq(dk_edit_distance(longer, longer), 0);
}
END_TEST

/* ---- the suggestion ---- */

static const char *const flags[] = {"--for", "--seed", "--requests", "--json", "--quiet", NULL};

START_TEST(suggests_the_nearest)
{
    ck_assert_str_eq(dk_suggest_from("--fro", flags), "--for");
    ck_assert_str_eq(dk_suggest_from("--sed", flags), "--seed");
    ck_assert_str_eq(dk_suggest_from("--request", flags), "--requests");
    static const char *const keys[] = {"replicas", "workers", "time", "capacity", NULL};
    ck_assert_str_eq(dk_suggest_from("capcity", keys), "capacity");
    ck_assert_str_eq(dk_suggest_from("worker", keys), "workers");
}
END_TEST

START_TEST(no_suggestion_when_far_or_exact)
{
    ck_assert_ptr_null(dk_suggest_from("--verbose", flags));
    ck_assert_ptr_null(dk_suggest_from("--for", flags)); /* known: nothing to suggest */
    static const char *const one[] = {"a", "b", NULL};
    ck_assert_ptr_null(dk_suggest_from("x", one)); /* one letter: any name is one edit away */
    ck_assert_ptr_null(dk_suggest_from("x", NULL));
    ck_assert_ptr_null(dk_suggest_from(NULL, flags));
}
END_TEST

START_TEST(ties_go_to_the_first)
{
    static const char *const names[] = {"bat", "cat", NULL};
    ck_assert_str_eq(dk_suggest_from("hat", names), "bat");
    dk_suggest s;
    dk_suggest_init(&s, "hat");
    dk_suggest_add(&s, "cat");
    dk_suggest_add(&s, "bat");
    dk_suggest_add(&s, NULL);
    ck_assert_str_eq(dk_suggest_best(&s), "cat");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("suggest");
    TCase *tc = tcase_create("distance");
    tcase_add_test(tc, distance_matches_the_definition);
    tcase_add_test(tc, distance_known_values);
    tcase_add_test(tc, distance_refuses_null_and_long);
    suite_add_tcase(s, tc);
    tc = tcase_create("suggestion");
    tcase_add_test(tc, suggests_the_nearest);
    tcase_add_test(tc, no_suggestion_when_far_or_exact);
    tcase_add_test(tc, ties_go_to_the_first);
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

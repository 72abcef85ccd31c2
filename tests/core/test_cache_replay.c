/* areas: base patterns */
/* test_cache_replay.c - a trace's keys replayed through policies and sizes, against a
 * brute-force LRU written here; its errors; the picture. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/cache_replay.h"

/* LRU by brute force: a recency list scanned from the front. */
static uint64_t brute_lru(const uint64_t *keys, size_t n, size_t cap)
{
    uint64_t *l = malloc(cap * sizeof *l), hits = 0;
    size_t held = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < held && l[j] != keys[i])
            j++;
        if (j < held)
            hits++;
        else {
            if (held < cap)
                held++;
            j = held - 1;
        }
        memmove(&l[1], &l[0], j * sizeof l[0]);
        l[0] = keys[i];
    }
    free(l);
    return hits;
}

START_TEST(lines_expand_to_blocks)
{
    static const char text[] = "5 1 0 0\n\n10 3 0 1\r\n5 1 0 2\n";
    dk_error err;
    dk_key_trace_t *t = dk_key_trace_parse(text, strlen(text), "t.lis", &err);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(dk_key_trace_len(t), 5);
    const uint64_t want[] = {5, 10, 11, 12, 5};
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(dk_key_trace_keys(t)[i], want[i]);
    uint64_t hits;
    ck_assert_int_eq(dk_cache_replay(dk_key_trace_keys(t), 5, "lru", 4, &hits, &err), DK_OK);
    ck_assert_uint_eq(hits, 1);
    ck_assert_int_eq(dk_cache_replay(dk_key_trace_keys(t), 5, "lru", 3, &hits, &err), DK_OK);
    ck_assert_uint_eq(hits, 0); /* 10, 11, 12 pushed 5 out */
    dk_key_trace_free(t);
}
END_TEST

/* Random traces, replayed hit for hit against the brute force; MIN never below any policy. */
START_TEST(lru_agrees_with_brute_force_and_min_bounds_all)
{
    enum { N = 5000 };
    static uint64_t keys[N];
    static const char *const policies[] = {"lru", "fifo", "lfu", "arc", "2q", "random"};
    dk_error err;
    srand(3);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < N; i++) /* a skewed key space: small keys more often */
            keys[i] = (uint64_t)(rand() % (1 + rand() % 200));
        for (size_t cap = 1; cap <= 64; cap *= 4) {
            uint64_t h, min;
            ck_assert_int_eq(dk_cache_replay(keys, N, "lru", cap, &h, &err), DK_OK);
            ck_assert_uint_eq(h, brute_lru(keys, N, cap));
            ck_assert_int_eq(dk_cache_replay(keys, N, "min", cap, &min, &err), DK_OK);
            for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
                ck_assert_int_eq(dk_cache_replay(keys, N, policies[p], cap, &h, &err), DK_OK);
                ck_assert_msg(h <= min, "%s at %zu: %llu hits above MIN's %llu", policies[p], cap,
                              (unsigned long long)h, (unsigned long long)min);
            }
        }
    }
}
END_TEST

START_TEST(a_malformed_line_is_named)
{
    static const char text[] = "1 1 0 0\n2 1 0 1\n3 x 0 2\n";
    dk_error err;
    ck_assert_ptr_null(dk_key_trace_parse(text, strlen(text), "bad.lis", &err));
    ck_assert_int_eq(err.status, DK_EPARSE);
    ck_assert_msg(strncmp(err.message, "bad.lis:3:", 10) == 0, "got %s", err.message);
}
END_TEST

START_TEST(bad_arguments)
{
    static const uint64_t keys[] = {1, 2};
    uint64_t h;
    dk_error err;
    ck_assert_int_eq(dk_cache_replay(keys, 2, "lru", 0, &h, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "cache capacity must be a positive integer (got 0)");
    ck_assert_int_eq(dk_cache_replay(keys, 2, "lur", 1, &h, &err), DK_EINVAL);
    ck_assert_msg(strstr(err.message, "unknown cache policy \"lur\" (use lru, ") != NULL &&
                      strstr(err.message, ", min)") != NULL,
                  "got %s", err.message);
    ck_assert_int_eq(dk_cache_replay(NULL, 2, "lru", 1, &h, &err), DK_EINVAL);
}
END_TEST

START_TEST(the_picture)
{
    static const char *const policies[] = {"lru", "a<b"};
    static const uint64_t sizes[] = {10, 20, 40};
    static const double r[] = {0.1, 0.2, 0.3, 0.15, 0.25, 0.5};
    dk_error err;
    char *svg = dk_cache_replay_svg("t & u", policies, 2, sizes, 3, r, &err);
    ck_assert_ptr_nonnull(svg);
    ck_assert_ptr_nonnull(strstr(svg, "<svg "));
    ck_assert_ptr_nonnull(strstr(svg, "t &amp; u"));
    ck_assert_ptr_nonnull(strstr(svg, ">a&lt;b</text>"));
    size_t lines = 0;
    for (const char *p = svg; (p = strstr(p, "<polyline")) != NULL; p++)
        lines++;
    ck_assert_uint_eq(lines, 2);
    /* 50% at y = 40 + 340 * 0.5 = 210; the largest size at the right edge, x = 720 - 170 */
    ck_assert_ptr_nonnull(strstr(svg, "550.0,210.0\""));
    dk_free(svg);
    static const uint64_t down[] = {20, 10};
    ck_assert_ptr_null(dk_cache_replay_svg(NULL, policies, 1, down, 2, r, &err));
    ck_assert_str_eq(err.message, "cache replay picture: sizes must increase (10 after 20)");
    static const double bad[] = {0.5, 1.5};
    ck_assert_ptr_null(dk_cache_replay_svg(NULL, policies, 1, sizes, 2, bad, &err));
    ck_assert_str_eq(err.message, "cache replay picture: hit ratio 2 is not in 0..1");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cache_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, lines_expand_to_blocks);
    tcase_add_test(tc, lru_agrees_with_brute_force_and_min_bounds_all);
    tcase_add_test(tc, a_malformed_line_is_named);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, the_picture);
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

/* areas: base */
/* test_alloc.c - allocation hooks and out-of-memory injection. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"

typedef struct counts {
    long mallocs, reallocs, frees;
} counts;

static void *count_malloc(size_t size, void *ud)
{
    ((counts *)ud)->mallocs++;
    return malloc(size);
}

static void *count_realloc(void *p, size_t size, void *ud)
{
    ((counts *)ud)->reallocs++;
    ck_assert_uint_gt(size, 0); /* the contract: realloc to 0 is never requested */
    return realloc(p, size);
}

static void count_free(void *p, void *ud)
{
    ((counts *)ud)->frees++;
    free(p);
}

static counts c;

static void install_counter(void)
{
    dk_allocator a = {count_malloc, count_realloc, count_free, &c};
    memset(&c, 0, sizeof c);
    dk_set_allocator(&a);
}

static void restore(void)
{
    dk_set_allocator(NULL);
    dk_alloc_fail_after(-1);
}

/* ---- hooks ---- */

START_TEST(default_is_libc)
{
    const dk_allocator *a = dk_get_allocator();
    char *p;
    ck_assert_ptr_nonnull(a);
    p = dk_malloc(16);
    ck_assert_ptr_nonnull(p);
    memset(p, 1, 16);
    dk_free(p);
    dk_free(NULL);
}
END_TEST

START_TEST(hooks_see_every_call)
{
    char *p, *q;
    install_counter();
    ck_assert_ptr_eq(dk_get_allocator()->ud, &c);
    p = dk_malloc(10);
    p = dk_realloc(p, 100);
    q = dk_strdup("hello");
    ck_assert_str_eq(q, "hello");
    dk_free(p);
    dk_free(q);
    ck_assert_int_eq(c.mallocs, 2);
    ck_assert_int_eq(c.reallocs, 1);
    ck_assert_int_eq(c.frees, 2);
    restore();
    ck_assert_ptr_null(dk_get_allocator()->ud);
}
END_TEST

START_TEST(edge_sizes)
{
    unsigned char *z;
    install_counter();
    ck_assert_ptr_null(dk_malloc(0));
    ck_assert_ptr_null(dk_calloc(0, 8));
    ck_assert_ptr_null(dk_calloc(SIZE_MAX / 2, 3)); /* count * size overflows */
    ck_assert_int_eq(c.mallocs, 0);
    z = dk_calloc(7, 9);
    for (int i = 0; i < 63; i++)
        ck_assert_uint_eq(z[i], 0);
    z = dk_realloc(z, 0); /* frees, returns NULL */
    ck_assert_ptr_null(z);
    ck_assert_int_eq(c.frees, 1);
    ck_assert_int_eq(c.reallocs, 0);
    z = dk_realloc(NULL, 5); /* acts as malloc */
    ck_assert_int_eq(c.mallocs, 2);
    dk_free(z);
    ck_assert_ptr_null(dk_strdup(NULL));
    restore();
}
END_TEST

/* ---- out-of-memory injection ---- */

START_TEST(fail_after_counts_successes)
{
    void *p[3];
    char *s;
    dk_alloc_fail_after(3);
    p[0] = dk_malloc(8);
    p[1] = dk_calloc(2, 8);
    s = dk_strdup("x");
    ck_assert_ptr_nonnull(p[0]);
    ck_assert_ptr_nonnull(p[1]);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(dk_malloc(8));
    ck_assert_ptr_null(dk_calloc(1, 1));
    ck_assert_ptr_null(dk_strdup("y"));
    p[2] = dk_realloc(p[0], 64);
    ck_assert_ptr_null(p[2]); /* and p[0] is still valid: */
    memset(p[0], 0xab, 8);
    dk_alloc_fail_after(-1);
    p[2] = dk_realloc(p[0], 64);
    ck_assert_ptr_nonnull(p[2]);
    ck_assert_uint_eq(((unsigned char *)p[2])[7], 0xab);
    dk_free(p[2]);
    dk_free(p[1]);
    dk_free(s);
}
END_TEST

START_TEST(fail_after_zero_fails_at_once)
{
    dk_alloc_fail_after(0);
    ck_assert_ptr_null(dk_malloc(1));
    dk_alloc_fail_after(1);
    void *p = dk_malloc(1);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(dk_malloc(1));
    dk_alloc_fail_after(-5);
    dk_free(p);
    p = dk_malloc(1);
    ck_assert_ptr_nonnull(p);
    dk_free(p);
}
END_TEST

START_TEST(failed_calls_do_not_reach_hooks)
{
    install_counter();
    dk_alloc_fail_after(1);
    void *p = dk_malloc(4);
    ck_assert_ptr_null(dk_malloc(4));
    ck_assert_int_eq(c.mallocs, 1);
    dk_free(p);
    restore();
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("hooks");
    tcase_add_test(tc, default_is_libc);
    tcase_add_test(tc, hooks_see_every_call);
    tcase_add_test(tc, edge_sizes);
    suite_add_tcase(s, tc);
    tc = tcase_create("oom");
    tcase_add_test(tc, fail_after_counts_successes);
    tcase_add_test(tc, fail_after_zero_fails_at_once);
    tcase_add_test(tc, failed_calls_do_not_reach_hooks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(alloc_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

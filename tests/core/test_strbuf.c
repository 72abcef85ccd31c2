/* areas: base */
/* test_strbuf.c - the growing string: pieces and printf append in order whatever the growth, the
 * text stays NUL-terminated, and an allocation failure sticks (later puts do nothing) so that a
 * writer can check once at the end. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"

START_TEST(pieces_append_in_order)
{
    dk_strbuf b = {0};
    char expect[8192];
    size_t n = 0;
    /* 1000 pieces of growing length cross several doublings of the buffer */
    for (int i = 0; i < 1000; i++) {
        char piece[16];
        int len = i % 9 + 1;
        for (int k = 0; k < len; k++)
            piece[k] = (char)('a' + (i + k) % 26);
        dk_strbuf_put_n(&b, piece, (size_t)len);
        ck_assert_uint_lt(n + (size_t)len, sizeof expect);
        memcpy(expect + n, piece, (size_t)len);
        n += (size_t)len;
    }
    expect[n] = '\0';
    ck_assert_int_eq(b.failed, 0);
    ck_assert_uint_eq(b.len, n);
    ck_assert_str_eq(b.s, expect);
    ck_assert_uint_gt(b.cap, b.len);
    dk_strbuf_free(&b);
    ck_assert_ptr_null(b.s);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(printf_uses_the_c_locale_and_appends)
{
    dk_strbuf b = {0};
    dk_strbuf_put(&b, "x=");
    dk_strbuf_printf(&b, "%.3f %s %d", 2.5, "y", -7);
    dk_strbuf_put(&b, "");
    ck_assert_str_eq(b.s, "x=2.500 y -7");
    ck_assert_uint_eq(b.len, strlen("x=2.500 y -7"));
    dk_strbuf_free(&b);
}
END_TEST

START_TEST(out_of_memory_sticks)
{
    dk_strbuf b = {0};
    dk_strbuf_put(&b, "kept");
    dk_alloc_fail_after(0); /* the next allocation fails */
    char big[1024];
    memset(big, 'z', sizeof big);
    dk_strbuf_put_n(&b, big, sizeof big);
    dk_alloc_fail_after(-1);
    ck_assert_int_eq(b.failed, 1);
    dk_strbuf_put(&b, "more"); /* would fit now, but the text is already incomplete */
    dk_strbuf_printf(&b, "%d", 12345);
    ck_assert_str_eq(b.s, "kept");
    ck_assert_uint_eq(b.len, 4);
    dk_strbuf_free(&b);
    ck_assert_int_eq(b.failed, 0); /* free makes it usable again */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("strbuf");
    tcase_add_test(tc, pieces_append_in_order);
    tcase_add_test(tc, printf_uses_the_c_locale_and_appends);
    tcase_add_test(tc, out_of_memory_sticks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

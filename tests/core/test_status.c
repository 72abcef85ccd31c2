/* areas: base */
/* test_status.c - dk_strerror and the dk_error helpers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/status.h"

/* ---- dk_strerror ---- */

START_TEST(strerror_walks_every_code)
{
    static const struct {
        dk_status code;
        const char *text;
    } all[] = {
#define ROW(name, value, text) {name, text},
        DK_STATUS_LIST(ROW)
#undef ROW
    };
    size_t n = sizeof all / sizeof all[0];
    ck_assert_uint_eq(n, 14);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(dk_strerror(all[i].code), all[i].text);
        for (size_t j = 0; j < i; j++)
            ck_assert_int_ne(all[i].code, all[j].code);
    }
    ck_assert_int_eq(DK_OK, 0);
    ck_assert_str_eq(dk_strerror(DK_ENOMEM), "out of memory");
}
END_TEST

START_TEST(strerror_unknown_code)
{
    ck_assert_str_eq(dk_strerror((dk_status)-999), "unknown status");
    ck_assert_str_eq(dk_strerror((dk_status)7), "unknown status");
}
END_TEST

/* ---- dk_error_set / clear ---- */

START_TEST(set_formats_and_returns_status)
{
    dk_error err;
    dk_error_clear(&err);
    ck_assert_int_eq(err.status, DK_OK);
    ck_assert_str_eq(err.message, "");
    ck_assert_int_eq(dk_error_set(&err, DK_EINVAL, "capacity must be positive (got %d)", -5),
                     DK_EINVAL);
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, "capacity must be positive (got -5)");
    dk_error_clear(&err);
    ck_assert_int_eq(err.status, DK_OK);
    ck_assert_str_eq(err.message, "");
}
END_TEST

START_TEST(set_with_null_error_only_returns)
{
    ck_assert_int_eq(dk_error_set(NULL, DK_ERANGE, "x %d", 1), DK_ERANGE);
    dk_error_clear(NULL);
    dk_error_prefix(NULL, "ctx: ");
}
END_TEST

START_TEST(set_truncates_long_messages)
{
    dk_error err;
    char big[2 * DK_ERROR_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    dk_error_set(&err, DK_EINVAL, "%s", big);
    ck_assert_uint_eq(strlen(err.message), DK_ERROR_MAX - 1);
    ck_assert_int_eq(err.message[DK_ERROR_MAX - 2], 'x');
}
END_TEST

/* ---- dk_error_prefix ---- */

START_TEST(prefix_keeps_old_message)
{
    dk_error err;
    dk_error_set(&err, DK_EINVAL, "capacity must be a positive integer (got %d)", -5);
    dk_error_prefix(&err, "cache \"%s\": ", "redis");
    dk_error_prefix(&err, "design.lua:%d: ", 12);
    ck_assert_str_eq(
        err.message,
        "design.lua:12: cache \"redis\": capacity must be a positive integer (got -5)");
    ck_assert_int_eq(err.status, DK_EINVAL);
}
END_TEST

START_TEST(prefix_truncates_tail)
{
    dk_error err;
    char big[DK_ERROR_MAX];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    dk_error_set(&err, DK_EIO, "%s", big);
    dk_error_prefix(&err, "ctx: ");
    ck_assert_uint_eq(strlen(err.message), DK_ERROR_MAX - 1);
    ck_assert_int_eq(strncmp(err.message, "ctx: yyy", 8), 0);

    /* A prefix longer than the buffer: the prefix itself is cut, the string stays terminated */
    memset(big, 'p', sizeof big - 1);
    dk_error_set(&err, DK_EIO, "old");
    dk_error_prefix(&err, "%s", big);
    ck_assert_uint_eq(strlen(err.message), DK_ERROR_MAX - 1);
    ck_assert_int_eq(err.message[0], 'p');
}
END_TEST

static Suite *status_suite(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("strerror");
    tcase_add_test(tc, strerror_walks_every_code);
    tcase_add_test(tc, strerror_unknown_code);
    suite_add_tcase(s, tc);
    tc = tcase_create("set");
    tcase_add_test(tc, set_formats_and_returns_status);
    tcase_add_test(tc, set_with_null_error_only_returns);
    tcase_add_test(tc, set_truncates_long_messages);
    suite_add_tcase(s, tc);
    tc = tcase_create("prefix");
    tcase_add_test(tc, prefix_keeps_old_message);
    tcase_add_test(tc, prefix_truncates_tail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(status_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

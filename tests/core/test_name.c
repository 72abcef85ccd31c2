/* areas: base model */
/* test_name.c - the one rule for names (core/model/name.c): which bytes a name may hold, and how
 * a message shows one that it may not. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/model.h"

static dk_error err;

/* Names every output must carry (escaped by each): accepted. */
static const char *const good[] = {
    "a",
    "&",
    "&#0;",
    "&amp;",
    "<b>",
    "\"quoted\"",
    "'",
    "trailing\\",
    "\\N",
    "C:\\\\",
    "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbd",
    "\xef\xb7\x90", /* U+FDD0, a noncharacter XML allows */
    "\xe2\x80\xae",
    "a  b",
    "%cpu",
    "node",
};

START_TEST(printable_utf8_is_accepted)
{
    const char *s = good[_i];
    ck_assert_msg(dk_name_check("name", s, strlen(s), &err) == DK_OK, "%s: %s", s, err.message);
}
END_TEST

/* Each bad name, and the message (after "name ") that must say what is wrong and where. */
static const struct {
    const char *bytes;
    size_t len;
    const char *message;
} bad[] = {
    {"a\0b", 3, "\"a\\x00b\": NUL character (U+0000) at byte 2"},
    {"ab\x01", 3, "\"ab\\x01\": control character U+0001 at byte 3"},
    {"\x7f", 1, "\"\\x7f\": control character U+007F at byte 1"},
    {"x\xc2\x85", 3, "\"x\\xc2\\x85\": control character U+0085 at byte 2"},
    {"\xff", 1, "\"\\xff\": invalid UTF-8 (byte 0xff) at byte 1; names are UTF-8 text"},
    {"a\x80", 2, "\"a\\x80\": invalid UTF-8 (byte 0x80) at byte 2"},
    {"\xc0\xaf", 2, "\"\\xc0\\xaf\": invalid UTF-8 (byte 0xc0) at byte 1"}, /* overlong / */
    {"\xe0\x80\xaf", 3, "\"\\xe0\\x80\\xaf\": invalid UTF-8 (byte 0xe0) at byte 1"}, /* overlong */
    {"\xed\xa0\x80", 3, "\"\\xed\\xa0\\x80\": invalid UTF-8 (byte 0xed) at byte 1"}, /* surrogate */
    {"\xf4\x90\x80\x80", 4, "invalid UTF-8 (byte 0xf4) at byte 1"}, /* > U+10FFFF */
    {"ab\xe6\x97", 4, "invalid UTF-8 (byte 0xe6) at byte 3"},       /* truncated */
    {"\xef\xbf\xbf", 3, "noncharacter U+FFFF at byte 1 (XML cannot hold it)"},
    {"q\"\\\x01", 4, "\"q\\\"\\\\\\x01\": control character U+0001 at byte 4"},
    {"", 0, "name must not be empty"},
};

START_TEST(bad_names_are_refused_naming_the_byte)
{
    dk_status st = dk_name_check("name", bad[_i].bytes, bad[_i].len, &err);
    ck_assert_int_eq(st, DK_EINVAL);
    ck_assert_msg(strstr(err.message, bad[_i].message) != NULL, "got [%s], wanted [%s]",
                  err.message, bad[_i].message);
    ck_assert_msg(strncmp(err.message, "name ", 5) == 0, "%s", err.message);
}
END_TEST

START_TEST(the_adders_hold_names_to_the_rule)
{
    dk_model_t *m = dk_model_new("m", &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_null(dk_model_new("m\xff", &err));
    ck_assert_str_eq(err.message, "model name \"m\\xff\": invalid UTF-8 (byte 0xff) at byte 2; "
                                  "names are UTF-8 text");
    ck_assert_ptr_null(dk_model_add_group(m, NULL, "g\x1b", "zone", &err));
    ck_assert_str_eq(err.message, "group name \"g\\x1b\": control character U+001B at byte 2");
    ck_assert_ptr_nonnull(dk_model_add_group(m, NULL, "g&#0;\\", "zone", &err));
    dk_model_free(m);
}
END_TEST

START_TEST(a_long_bad_name_is_shown_cut)
{
    char name[64], buf[200];
    memset(name, 'x', sizeof name);
    name[40] = '\x01';
    ck_assert_int_eq(dk_name_check("name", name, sizeof name, &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "name \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": control character U+0001 at "
                     "byte 41");
    /* a buffer too small still holds a terminated string */
    ck_assert_str_eq(dk_name_quote("abcdef", 6, buf, 4), "\"ab");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("name");
    TCase *tc = tcase_create("rule");
    tcase_add_loop_test(tc, printable_utf8_is_accepted, 0, (int)(sizeof good / sizeof good[0]));
    tcase_add_loop_test(tc, bad_names_are_refused_naming_the_byte, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, the_adders_hold_names_to_the_rule);
    tcase_add_test(tc, a_long_bad_name_is_shown_cut);
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

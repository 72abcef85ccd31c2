/* areas: base */
/* test_trace.c - the .lis trace reader: requests as written, every malformed line refused with
 * its line number, the same from a buffer and from a FILE. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/trace.h"

typedef struct got {
    uint64_t start[16], count[16];
    size_t n;
    size_t stop_at; /* the callback returns DK_EIO after this many requests (0: never) */
} got;

static dk_status collect(void *ctx, uint64_t start, uint64_t count)
{
    got *g = ctx;
    if (g->n == 16)
        return DK_ERANGE;
    g->start[g->n] = start;
    g->count[g->n++] = count;
    if (g->stop_at != 0 && g->n == g->stop_at)
        return DK_EIO; /* any status: the reader must hand it back as it is */
    return DK_OK;
}

/* Parses `text` both ways (buffer and FILE): both give the same status and message. */
static dk_status parse_both(const char *text, size_t len, got *g, dk_error *err)
{
    got g2;
    dk_error err2;
    memset(g, 0, sizeof *g);
    memset(&g2, 0, sizeof g2);
    dk_status st = dk_trace_parse(text, len, "t.lis", collect, g, err);
    FILE *f = fmemopen((void *)text, len, "r");
    ck_assert_ptr_nonnull(f);
    dk_status st2 = dk_trace_read(f, "t.lis", collect, &g2, &err2);
    fclose(f);
    ck_assert_int_eq(st, st2);
    ck_assert_uint_eq(g->n, g2.n);
    if (st != DK_OK)
        ck_assert_str_eq(err->message, err2.message);
    return st;
}

START_TEST(reads_requests_as_written)
{
    /* The reference: the same lines read with strtoull, field by field. */
    const char *text = "1 1 0 0\n2 1 0 1\r\n\n  3\t7 9 9  \n18446744073709551615 1 0 0\n"
                       "18446744073709551614 2 5 5";
    got g;
    dk_error err;
    ck_assert_int_eq(parse_both(text, strlen(text), &g, &err), DK_OK);
    ck_assert_uint_eq(g.n, 5);
    char *copy = strdup(text), *save = NULL;
    size_t k = 0;
    for (char *line = strtok_r(copy, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *end;
        unsigned long long a = strtoull(line, &end, 10), b = strtoull(end, NULL, 10);
        ck_assert_uint_eq(g.start[k], a);
        ck_assert_uint_eq(g.count[k], b);
        k++;
    }
    ck_assert_uint_eq(k, g.n);
    free(copy);
}
END_TEST

START_TEST(empty_and_blank_traces_have_no_requests)
{
    got g;
    dk_error err;
    ck_assert_int_eq(parse_both("", 0, &g, &err), DK_OK);
    ck_assert_uint_eq(g.n, 0);
    ck_assert_int_eq(parse_both("\n \n\r\n", 5, &g, &err), DK_OK);
    ck_assert_uint_eq(g.n, 0);
}
END_TEST

static const struct {
    const char *text;
    dk_status status;
    const char *message;
} bad[] = {
    {"1 1 0 0\n2 1\n", DK_EPARSE,
     "t.lis:2: expected 4 fields (start count ignored ignored), got 2"},
    {"1 1 0 0 9\n", DK_EPARSE,
     "t.lis:1: expected 4 fields (start count ignored ignored), got more than 4"},
    {"1 1 0 0\n\n-3 1 0 0\n", DK_EPARSE,
     "t.lis:3: field 1 (start) \"-3\" is not an unsigned decimal integer"},
    {"7 0x10 0 0\n", DK_EPARSE,
     "t.lis:1: field 2 (count) \"0x10\" is not an unsigned decimal integer"},
    {"7 1 a 0\n", DK_EPARSE, "t.lis:1: field 3 (3) \"a\" is not an unsigned decimal integer"},
    {"18446744073709551616 1 0 0\n", DK_ERANGE,
     "t.lis:1: field 1 (start) \"18446744073709551616\" is above 2^64 - 1"},
    {"5 0 0 0\n", DK_EPARSE, "t.lis:1: field 2 (count) must be at least 1"},
    {"18446744073709551615 2 0 0\n", DK_ERANGE,
     "t.lis:1: 2 blocks from block 18446744073709551615 run past 2^64 - 1"},
    {"1,5 1 0 0\n", DK_EPARSE, "t.lis:1: field 1 (start) \"1,5\" is not"},
};

START_TEST(malformed_lines_are_refused_with_their_number)
{
    got g;
    dk_error err;
    dk_status st = parse_both(bad[_i].text, strlen(bad[_i].text), &g, &err);
    ck_assert_int_eq(st, bad[_i].status);
    ck_assert_msg(strncmp(err.message, bad[_i].message, strlen(bad[_i].message)) == 0,
                  "got \"%s\", wanted \"%s\"", err.message, bad[_i].message);
}
END_TEST

START_TEST(nul_bytes_and_long_lines_are_refused)
{
    got g;
    dk_error err;
    const char nul[] = "1 1 0 0\n2 1\0 0 0\n";
    ck_assert_int_eq(parse_both(nul, sizeof nul - 1, &g, &err), DK_EPARSE);
    ck_assert_str_eq(err.message, "t.lis:2: a NUL byte (not a text trace?)");
    ck_assert_uint_eq(g.n, 1);

    char longline[DK_TRACE_LINE_MAX + 40];
    memset(longline, ' ', sizeof longline);
    memcpy(longline + sizeof longline - 9, "1 1 0 0\n", 8);
    longline[sizeof longline - 1] = '\0';
    ck_assert_int_eq(parse_both(longline, strlen(longline), &g, &err), DK_EPARSE);
    ck_assert_str_eq(err.message, "t.lis:1: line longer than 255 bytes");
    /* a long line that also holds a NUL is too long for both readers (found by fuzz_trace:
     * the buffer reader used to see the NUL first, the FILE reader the length) */
    memset(longline, '0', sizeof longline);
    longline[10] = '\0';
    ck_assert_int_eq(parse_both(longline, sizeof longline, &g, &err), DK_EPARSE);
    ck_assert_str_eq(err.message, "t.lis:1: line longer than 255 bytes");
    /* exactly the longest line is fine */
    memset(longline, ' ', DK_TRACE_LINE_MAX);
    memcpy(longline + DK_TRACE_LINE_MAX - 7, "1 1 0 0", 7);
    ck_assert_int_eq(parse_both(longline, DK_TRACE_LINE_MAX, &g, &err), DK_OK);
    ck_assert_uint_eq(g.n, 1);
}
END_TEST

START_TEST(the_callback_stops_the_reading)
{
    got g;
    dk_error err;
    memset(&g, 0, sizeof g);
    g.stop_at = 2;
    const char *text = "1 1 0 0\n2 1 0 0\n3 1 0 0\n";
    ck_assert_int_eq(dk_trace_parse(text, strlen(text), NULL, collect, &g, &err), DK_EIO);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_int_eq(dk_trace_parse(text, strlen(text), NULL, NULL, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_trace_parse("1 1\n", 4, NULL, collect, &g, &err), DK_EPARSE);
    ck_assert_msg(strncmp(err.message, "trace:1: ", 9) == 0, "%s", err.message);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace");
    TCase *ok = tcase_create("well formed");
    tcase_add_test(ok, reads_requests_as_written);
    tcase_add_test(ok, empty_and_blank_traces_have_no_requests);
    tcase_add_test(ok, the_callback_stops_the_reading);
    suite_add_tcase(s, ok);
    TCase *bad_input = tcase_create("bad input");
    tcase_add_loop_test(bad_input, malformed_lines_are_refused_with_their_number, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(bad_input, nul_bytes_and_long_lines_are_refused);
    suite_add_tcase(s, bad_input);
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

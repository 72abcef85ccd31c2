/* areas: base */
/* test_units.c - parsing and formatting of durations, sizes, rates and percentages. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/units.h"

/* ---- durations ---- */

static const struct {
    const char *text;
    int64_t ns;
} good_durations[] = {
    {"1ns", 1},
    {"250us", 250000},
    {"250\xC2\xB5s", 250000},
    {"3\xCE\xBCs", 3000},
    {"2ms", 2000000},
    {"1.5s", 1500000000},
    {"0.1s", 100000000},
    {" 5 s ", 5000000000},
    {"2e3ms", 2000000000},
    {"2E-3s", 2000000},
    {".5ms", 500000},
    {"5.s", 5000000000},
    {"1m", 60000000000},
    {"1min", 60000000000},
    {"1h", 3600000000000},
    {"1.5h", 5400000000000},
    {"1d", 86400000000000},
    {"2w", 1209600000000000},
    {"1y", 31536000000000000},
    {"5y", 157680000000000000},
    {"0s", 0},
    {"0.4ns", 0},                  /* rounds to the nearest nanosecond */
    {"0.5ns", 1},                  /* half away from zero */
    {"1.0000000005s", 1000000001}, /* exact decimal scaling, no binary drift */
    {"9223372036854775807ns", INT64_MAX},
    {"9223372036.854775807s", INT64_MAX},
    {"00012ms", 12000000},
};

START_TEST(durations_good)
{
    for (size_t i = 0; i < sizeof good_durations / sizeof good_durations[0]; i++) {
        int64_t ns = -1;
        dk_error e;
        dk_status st = dk_parse_duration(good_durations[i].text, &ns, &e);
        ck_assert_msg(st == DK_OK, "\"%s\": %s", good_durations[i].text, e.message);
        ck_assert_msg(ns == good_durations[i].ns, "\"%s\": got %lld, want %lld",
                      good_durations[i].text, (long long)ns, (long long)good_durations[i].ns);
    }
}
END_TEST

static const struct {
    const char *text;
    dk_status status;
    const char *message;
} bad_durations[] = {
    {"5 parsecs", DK_EPARSE,
     "invalid duration \"5 parsecs\": unknown unit \"parsecs\" (use ns, us, ms, s, m, h, d, w, "
     "y)"},
    {"", DK_EPARSE, "invalid duration \"\": empty"},
    {"   ", DK_EPARSE, "invalid duration \"   \": empty"},
    {"5", DK_EPARSE, "invalid duration \"5\": missing unit (use ns, us, ms, s, m, h, d, w, y)"},
    {"-5s", DK_EPARSE, "invalid duration \"-5s\": must not be negative"},
    {"+5s", DK_EPARSE, "invalid duration \"+5s\": a sign is not allowed"},
    {"s", DK_EPARSE, "invalid duration \"s\": expected a number"},
    {".s", DK_EPARSE, "invalid duration \".s\": expected a number"},
    {"5S", DK_EPARSE,
     "invalid duration \"5S\": unknown unit \"S\" (use ns, us, ms, s, m, h, d, w, y)"},
    {"5s5", DK_EPARSE,
     "invalid duration \"5s5\": unknown unit \"s5\" (use ns, us, ms, s, m, h, d, w, y)"},
    {"1e", DK_EPARSE,
     "invalid duration \"1e\": unknown unit \"e\" (use ns, us, ms, s, m, h, d, w, y)"},
    {"300y", DK_ERANGE, "invalid duration \"300y\": too large"},
    {"9223372036854775808ns", DK_ERANGE, "invalid duration \"9223372036854775808ns\": too large"},
    {"1e30s", DK_ERANGE, "invalid duration \"1e30s\": too large"},
    {"99999999999999999999999999y", DK_ERANGE,
     "invalid duration \"99999999999999999999999999y\": too large"},
    {"nan s", DK_EPARSE, "invalid duration \"nan s\": expected a number"},
    {"0x10s", DK_EPARSE,
     "invalid duration \"0x10s\": unknown unit \"x10s\" (use ns, us, ms, s, m, h, d, w, y)"},
};

START_TEST(durations_bad)
{
    for (size_t i = 0; i < sizeof bad_durations / sizeof bad_durations[0]; i++) {
        int64_t ns = 42;
        dk_error e;
        dk_status st = dk_parse_duration(bad_durations[i].text, &ns, &e);
        ck_assert_msg(st == bad_durations[i].status, "\"%s\": status %d, want %d",
                      bad_durations[i].text, st, bad_durations[i].status);
        ck_assert_int_eq(e.status, st);
        ck_assert_str_eq(e.message, bad_durations[i].message);
        ck_assert_int_eq(ns, 42); /* untouched on failure */
    }
}
END_TEST

START_TEST(durations_null_and_long_text)
{
    dk_error e;
    char long_text[300];
    int64_t ns;
    ck_assert_int_eq(dk_parse_duration(NULL, &ns, &e), DK_EINVAL);
    ck_assert_str_eq(e.message, "invalid duration: no text");
    ck_assert_int_eq(dk_parse_duration("5s", NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_parse_duration("5x", NULL, NULL), DK_EPARSE);
    memset(long_text, 'z', sizeof long_text - 1);
    long_text[0] = '1';
    long_text[sizeof long_text - 1] = '\0';
    ck_assert_int_eq(dk_parse_duration(long_text, &ns, &e), DK_EPARSE);
    ck_assert_msg(strstr(e.message, "zzz...\"") != NULL, "long text is cut: %s", e.message);
    ck_assert_uint_lt(strlen(e.message), 200);
}
END_TEST

/* ---- sizes ---- */

START_TEST(sizes_good)
{
    static const struct {
        const char *text;
        uint64_t bytes;
    } t[] = {
        {"0B", 0},
        {"512B", 512},
        {"1KB", 1000},
        {"1kB", 1000},
        {"1.5KB", 1500},
        {"64KiB", 65536},
        {"1.5MiB", 1572864},
        {"2GB", 2000000000},
        {"1GiB", 1073741824},
        {"3TB", 3000000000000},
        {"1TiB", 1099511627776},
        {"1PB", 1000000000000000},
        {"2PiB", 2251799813685248},
        {"3EB", 3000000000000000000},
        {"4.722EiB", 5444095344753531421ull}, /* (4722 * 2^60 + 500) / 1000 */
        {"0.5B", 1},                          /* rounded to whole bytes */
        {"1.0001KiB", 1024},
        {" 500 B ", 500},
        {"18446744073709551615B", UINT64_MAX},
        /* 2^64 - 0.00001 * 2^50 = 18446744073709551616 - 11258999068.4256, rounded */
        {"16383.99999PiB", 18446744062450552548ull},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t b = 7;
        dk_error e;
        ck_assert_msg(dk_parse_size(t[i].text, &b, &e) == DK_OK, "\"%s\": %s", t[i].text,
                      e.message);
        ck_assert_msg(b == t[i].bytes, "\"%s\": got %llu, want %llu", t[i].text,
                      (unsigned long long)b, (unsigned long long)t[i].bytes);
    }
}
END_TEST

START_TEST(sizes_bad)
{
    static const struct {
        const char *text;
        dk_status status;
        const char *message;
    } t[] = {
        {"-3KB", DK_EPARSE, "invalid size \"-3KB\": must not be negative"},
        {"12", DK_EPARSE,
         "invalid size \"12\": missing unit (use B, KB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, "
         "PiB, EiB)"},
        {"3 bytes", DK_EPARSE,
         "invalid size \"3 bytes\": unknown unit \"bytes\" (use B, KB, MB, GB, TB, PB, EB, KiB, "
         "MiB, GiB, TiB, PiB, EiB)"},
        {"1mb", DK_EPARSE,
         "invalid size \"1mb\": unknown unit \"mb\" (use B, KB, MB, GB, TB, PB, EB, KiB, MiB, "
         "GiB, TiB, PiB, EiB)"},
        {"", DK_EPARSE, "invalid size \"\": empty"},
        {"18446744073709551616B", DK_ERANGE, "invalid size \"18446744073709551616B\": too large"},
        {"18446744073709551615.6B", DK_ERANGE,
         "invalid size \"18446744073709551615.6B\": too large"},
        {"184467440737095516150B", DK_ERANGE, "invalid size \"184467440737095516150B\": too large"},
        {"16384PiB", DK_ERANGE, "invalid size \"16384PiB\": too large"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint64_t b = 7;
        dk_error e;
        ck_assert_int_eq(dk_parse_size(t[i].text, &b, &e), t[i].status);
        ck_assert_str_eq(e.message, t[i].message);
        ck_assert_uint_eq(b, 7);
    }
}
END_TEST

/* ---- rates ---- */

START_TEST(rates_good)
{
    static const struct {
        const char *text;
        double per_second;
    } t[] = {
        {"1k/s", 1000},
        {"250/ms", 250000},
        {"3.5M/h", 3.5e6 / 3600},
        {"100/min", 100.0 / 60},
        {"100/m", 100.0 / 60},
        {"1200 rps", 1200},
        {"1200qps", 1200},
        {"2k rps", 2000},
        {"1G/s", 1e9},
        {"5 / s", 5},
        {"5K/s", 5000},
        {"3/us", 3e6},
        {"1/ns", 1e9},
        {"10/d", 10.0 / 86400},
        {"0.5/s", 0.5},
        {" 7/h ", 7.0 / 3600},
        {"1e3/s", 1000},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double r = -1;
        dk_error e;
        ck_assert_msg(dk_parse_rate(t[i].text, &r, &e) == DK_OK, "\"%s\": %s", t[i].text,
                      e.message);
        ck_assert_msg(fabs(r - t[i].per_second) <= 1e-15 * t[i].per_second,
                      "\"%s\": got %.17g, want %.17g", t[i].text, r, t[i].per_second);
    }
}
END_TEST

START_TEST(rates_bad)
{
    static const struct {
        const char *text;
        dk_status status;
        const char *message;
    } t[] = {
        {"100", DK_EPARSE,
         "invalid rate \"100\": missing unit (use /s, /ms, /us, /ns, /m or /min, /h, /d, rps, qps; "
         "k, M, G multiply)"},
        {"5 apples", DK_EPARSE,
         "invalid rate \"5 apples\": unknown unit \"apples\" (use /s, /ms, /us, /ns, /m or /min, "
         "/h, /d, rps, qps; k, M, G multiply)"},
        {"5/parsec", DK_EPARSE,
         "invalid rate \"5/parsec\": unknown unit \"/parsec\" (use /s, /ms, /us, /ns, /m or /min, "
         "/h, /d, rps, qps; k, M, G multiply)"},
        {"5m/s", DK_EPARSE,
         "invalid rate \"5m/s\": unknown unit \"m/s\" (use /s, /ms, /us, /ns, /m or /min, /h, /d, "
         "rps, qps; k, M, G multiply)"},
        {"-1/s", DK_EPARSE, "invalid rate \"-1/s\": must not be negative"},
        {"1e400/s", DK_ERANGE, "invalid rate \"1e400/s\": too large"},
        {"", DK_EPARSE, "invalid rate \"\": empty"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double r = 7;
        dk_error e;
        ck_assert_int_eq(dk_parse_rate(t[i].text, &r, &e), t[i].status);
        ck_assert_str_eq(e.message, t[i].message);
        ck_assert_double_eq(r, 7);
    }
}
END_TEST

/* ---- percentages ---- */

START_TEST(percents)
{
    static const struct {
        const char *text;
        double fraction;
    } good[] = {{"99.9%", 0.999}, {"0%", 0},          {"100%", 1},
                {"50 %", 0.5},    {"99.99%", 0.9999}, {" 12.5% ", 0.125}};
    static const struct {
        const char *text;
        dk_status status;
        const char *message;
    } bad[] = {
        {"99.9", DK_EPARSE, "invalid percent \"99.9\": missing \"%\""},
        {"0.999", DK_EPARSE, "invalid percent \"0.999\": missing \"%\""},
        {"150%", DK_ERANGE, "invalid percent \"150%\": must be between 0% and 100%"},
        {"-1%", DK_EPARSE, "invalid percent \"-1%\": must not be negative"},
        {"5%%", DK_EPARSE, "invalid percent \"5%%\": expected \"%\" after the number (got \"%%\")"},
        {"", DK_EPARSE, "invalid percent \"\": empty"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double f = -1;
        dk_error e;
        ck_assert_msg(dk_parse_percent(good[i].text, &f, &e) == DK_OK, "%s", e.message);
        ck_assert_double_eq(f, good[i].fraction); /* the nearest double, exactly */
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double f = 7;
        dk_error e;
        ck_assert_int_eq(dk_parse_percent(bad[i].text, &f, &e), bad[i].status);
        ck_assert_str_eq(e.message, bad[i].message);
        ck_assert_double_eq(f, 7);
    }
}
END_TEST

/* ---- formatting ---- */

START_TEST(format_durations)
{
    static const struct {
        int64_t ns;
        const char *text;
    } t[] = {
        {0, "0s"},
        {1, "1ns"},
        {999, "999ns"},
        {1000, "1us"},
        {250000, "250us"},
        {1234567, "1.235ms"},
        {2500000, "2.5ms"},
        {999960, "1ms"}, /* rounds up into the next unit */
        {1500000000, "1.5s"},
        {90000000000, "90s"},
        {119000000000, "119s"},
        {120000000000, "2m"},
        {150000000000, "2.5m"},
        {5400000000000, "90m"},
        {7200000000000, "2h"},
        {36 * 3600000000000, "36h"},
        {3 * 86400000000000, "3d"},
        {31536000000000000, "1y"},
        {INT64_MAX, "292.5y"},
        {-2500000, "-2.5ms"},
        {INT64_MIN, "-292.5y"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char buf[32];
        int n = dk_format_duration(t[i].ns, buf, sizeof buf);
        ck_assert_str_eq(buf, t[i].text);
        ck_assert_int_eq(n, (int)strlen(t[i].text));
    }
}
END_TEST

START_TEST(format_sizes_and_rates)
{
    static const struct {
        uint64_t bytes;
        const char *text;
    } s[] = {{0, "0B"},        {512, "512B"},    {1023, "1023B"},        {1024, "1KiB"},
             {65536, "64KiB"}, {1536, "1.5KiB"}, {1610612736, "1.5GiB"}, {UINT64_MAX, "16EiB"},
             {1048575, "1MiB"} /* 1023.999KiB rounds to 1MiB */};
    static const struct {
        double rate;
        const char *text;
    } r[] = {{950, "950/s"},     {1200, "1.2k/s"}, {3e6, "3M/s"},
             {1234, "1.234k/s"}, {0.5, "0.5/s"},   {0, "0/s"},
             {2.5e9, "2.5G/s"},  {999.96, "1k/s"}, {1, "1/s"}};
    char buf[32];
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        dk_format_size(s[i].bytes, buf, sizeof buf);
        ck_assert_str_eq(buf, s[i].text);
    }
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        dk_format_rate(r[i].rate, buf, sizeof buf);
        ck_assert_str_eq(buf, r[i].text);
    }
}
END_TEST

START_TEST(format_truncates_like_snprintf)
{
    char small[4];
    ck_assert_int_eq(dk_format_duration(1234567, small, sizeof small), 7); /* "1.235ms" */
    ck_assert_str_eq(small, "1.2");
    ck_assert_int_eq(dk_format_size(1536, NULL, 0), 6);
    ck_assert_int_eq(dk_format_rate(1200, NULL, 0), 6);
}
END_TEST

START_TEST(format_then_parse_round_trips)
{
    /* What the formatter writes, the parser reads back within the 4-digit rounding. */
    static const int64_t d[] = {1,          999,         250000,        1234567,
                                1500000000, 90000000000, 7200000000000, 123456789012345};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        char buf[32];
        int64_t back;
        dk_format_duration(d[i], buf, sizeof buf);
        ck_assert_int_eq(dk_parse_duration(buf, &back, NULL), DK_OK);
        ck_assert_msg(llabs(back - d[i]) <= d[i] / 1000, "%s: %lld vs %lld", buf, (long long)back,
                      (long long)d[i]);
    }
}
END_TEST

START_TEST(format_then_parse_sizes_round_trips)
{
    /* Found by tests/fuzz/fuzz_units.c: sizes in the exbibytes formatted as "4.722EiB" must read
     * back. The very top of the range rounds to "16EiB" = 2^64, one past the largest size, which
     * the parser reports as too large rather than wrapping. */
    static const uint64_t b[] = {1, 1023, 65536, 1610612736, 5444444444444444444ull, 1ull << 62};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        char buf[32];
        uint64_t back;
        dk_format_size(b[i], buf, sizeof buf);
        ck_assert_int_eq(dk_parse_size(buf, &back, NULL), DK_OK);
        double rel = ((double)back - (double)b[i]) / (double)b[i];
        ck_assert_msg(rel < 1e-3 && rel > -1e-3, "%s: %llu vs %llu", buf, (unsigned long long)back,
                      (unsigned long long)b[i]);
    }
    char top[32];
    uint64_t back;
    dk_format_size(UINT64_MAX, top, sizeof top);
    ck_assert_str_eq(top, "16EiB");
    ck_assert_int_eq(dk_parse_size(top, &back, NULL), DK_ERANGE);
}
END_TEST

static Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("durations");
    tcase_add_test(tc, durations_good);
    tcase_add_test(tc, durations_bad);
    tcase_add_test(tc, durations_null_and_long_text);
    suite_add_tcase(s, tc);
    tc = tcase_create("sizes");
    tcase_add_test(tc, sizes_good);
    tcase_add_test(tc, sizes_bad);
    suite_add_tcase(s, tc);
    tc = tcase_create("rates");
    tcase_add_test(tc, rates_good);
    tcase_add_test(tc, rates_bad);
    suite_add_tcase(s, tc);
    tc = tcase_create("percents");
    tcase_add_test(tc, percents);
    suite_add_tcase(s, tc);
    tc = tcase_create("format");
    tcase_add_test(tc, format_durations);
    tcase_add_test(tc, format_sizes_and_rates);
    tcase_add_test(tc, format_truncates_like_snprintf);
    tcase_add_test(tc, format_then_parse_round_trips);
    tcase_add_test(tc, format_then_parse_sizes_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(units_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* areas: base patterns model sim export kinds */
/* test_json_value.c - generic JSON: the writer's text and nesting rules, the reader's tree,
 * and every kind of bad input (malformed, truncated, depth bombs, bad UTF-8, out of memory). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/json.h"

/* ---- helpers ---- */

/* Finishes `w`, frees it and returns the text (the caller frees it with dk_free). */
static char *finish(dk_json_writer_t *w)
{
    char *text = NULL;
    size_t len = 0;
    dk_error err;
    dk_status st = dk_json_writer_finish(w, &text, &len, &err);
    ck_assert_msg(st == DK_OK, "finish: %s", err.message);
    ck_assert_uint_eq(len, strlen(text));
    dk_json_writer_free(w);
    return text;
}

static dk_json_writer_t *writer(dk_json_style style)
{
    dk_status st;
    dk_json_writer_t *w = dk_json_writer_new(style, &st);
    ck_assert_int_eq(st, DK_OK);
    ck_assert_ptr_nonnull(w);
    return w;
}

/* The text of a single number. */
static char *number_text(double v)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    ck_assert_int_eq(dk_json_put_number(w, v), DK_OK);
    return finish(w);
}

static dk_json_doc_t *parse(const char *text)
{
    dk_error err;
    dk_json_doc_t *doc = dk_json_parse(text, strlen(text), "t", 0, &err);
    ck_assert_msg(doc != NULL, "parse %s: %s", text, err.message);
    return doc;
}

/* Parses `text` (`len` bytes), expecting failure with exactly `message`. */
static void refuses_n(const char *text, size_t len, const char *message)
{
    dk_error err;
    dk_json_doc_t *doc = dk_json_parse(text, len, "t", 0, &err);
    if (doc != NULL)
        dk_json_doc_free(doc);
    ck_assert_msg(doc == NULL, "accepted: %.*s", (int)len, text);
    ck_assert_int_eq(err.status, DK_EPARSE);
    ck_assert_str_eq(err.message, message);
}

static void refuses(const char *text, const char *message)
{
    refuses_n(text, strlen(text), message);
}

/* Writes what `v` holds to `w`, member by member: a reader and a writer that agree make the
 * same text from it again. */
static void copy_value(dk_json_writer_t *w, const dk_json_value_t *v)
{
    size_t len;
    const char *s;
    int64_t i;

    switch (dk_json_type_of(v)) {
    case DK_JSON_NULL:
        ck_assert_int_eq(dk_json_put_null(w), DK_OK);
        break;
    case DK_JSON_BOOL:
        ck_assert_int_eq(dk_json_put_bool(w, dk_json_bool(v)), DK_OK);
        break;
    case DK_JSON_NUMBER:
        if (dk_json_integer(v, &i))
            ck_assert_int_eq(dk_json_put_integer(w, i), DK_OK);
        else
            ck_assert_int_eq(dk_json_put_number(w, dk_json_number(v)), DK_OK);
        break;
    case DK_JSON_STRING:
        s = dk_json_string(v, &len);
        ck_assert_int_eq(dk_json_put_string(w, s, len), DK_OK);
        break;
    case DK_JSON_ARRAY:
        ck_assert_int_eq(dk_json_open_array(w), DK_OK);
        for (const dk_json_value_t *c = dk_json_first(v); c; c = dk_json_next(c))
            copy_value(w, c);
        ck_assert_int_eq(dk_json_close_array(w), DK_OK);
        break;
    case DK_JSON_OBJECT:
        ck_assert_int_eq(dk_json_open_object(w), DK_OK);
        for (const dk_json_value_t *c = dk_json_first(v); c; c = dk_json_next(c)) {
            s = dk_json_key(c, &len);
            ck_assert_int_eq(dk_json_put_key(w, s, len), DK_OK);
            copy_value(w, c);
        }
        ck_assert_int_eq(dk_json_close_object(w), DK_OK);
        break;
    }
}

static char *rewrite(const dk_json_doc_t *doc)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    copy_value(w, dk_json_root(doc));
    return finish(w);
}

/* xorshift64*: the tests' own generator, independent of the library's. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static const char RICH[] = "{\"name\":\"url-shortener\",\"tags\":[\"a\",\"b\\n\",\"\\u00e9\"],"
                           "\"n\":-12,\"x\":0.5,\"big\":1e300,\"t\":true,\"f\":false,\"z\":null,"
                           "\"nested\":{\"deep\":[[1,2],[3,{\"k\":[]}],{}]},"
                           "\"emoji\":\"\\ud83d\\ude00\",\"raw\":\"caf\xc3\xa9\"}";

/* ---- the writer: text ---- */

START_TEST(compact_text)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    ck_assert_int_eq(dk_json_open_object(w), DK_OK);
    ck_assert_int_eq(dk_json_put_key(w, "a", 1), DK_OK);
    ck_assert_int_eq(dk_json_open_array(w), DK_OK);
    dk_json_put_integer(w, 2);
    dk_json_put_number(w, 0.5);
    dk_json_put_string(w, "x", 1);
    dk_json_put_bool(w, 1);
    dk_json_put_bool(w, 0);
    dk_json_put_null(w);
    ck_assert_int_eq(dk_json_close_array(w), DK_OK);
    dk_json_put_key(w, "b", 1);
    dk_json_open_object(w);
    ck_assert_int_eq(dk_json_close_object(w), DK_OK);
    dk_json_put_key(w, "q\"\\\n\t\x01", 6);
    dk_json_put_string(w, "caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
    ck_assert_int_eq(dk_json_close_object(w), DK_OK);
    char *text = finish(w);
    ck_assert_str_eq(text, "{\"a\":[2,0.5,\"x\",true,false,null],\"b\":{},"
                           "\"q\\\"\\\\\\n\\t\\u0001\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
    dk_free(text);
}
END_TEST

START_TEST(pretty_text)
{
    dk_json_writer_t *w = writer(DK_JSON_PRETTY);
    dk_json_open_object(w);
    dk_json_put_key(w, "list", 4);
    dk_json_open_array(w);
    dk_json_put_integer(w, 1);
    dk_json_open_object(w);
    dk_json_put_key(w, "deep", 4);
    dk_json_put_bool(w, 1);
    dk_json_close_object(w);
    dk_json_close_array(w);
    dk_json_put_key(w, "empty", 5);
    dk_json_open_array(w);
    dk_json_close_array(w);
    dk_json_close_object(w);
    char *text = finish(w);
    ck_assert_str_eq(text, "{\n"
                           "\t\"list\":\t[1, {\n"
                           "\t\t\t\"deep\":\ttrue\n"
                           "\t\t}],\n"
                           "\t\"empty\":\t[]\n"
                           "}");
    dk_free(text);
}
END_TEST

START_TEST(scalars_alone_and_finishing_twice)
{
    dk_json_writer_t *w = writer(DK_JSON_PRETTY);
    ck_assert_int_eq(dk_json_put_string(w, "", 0), DK_OK);
    char *a = NULL, *b = NULL;
    ck_assert_int_eq(dk_json_writer_finish(w, &a, NULL, NULL), DK_OK);
    ck_assert_int_eq(dk_json_writer_finish(w, &b, NULL, NULL), DK_OK);
    ck_assert_str_eq(a, "\"\"");
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(dk_json_writer_error(w), "");
    dk_free(a);
    dk_free(b);
    dk_json_writer_free(w);
    dk_json_writer_free(NULL);
}
END_TEST

START_TEST(integers_are_exact)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    dk_json_open_array(w);
    dk_json_put_integer(w, INT64_MAX);
    dk_json_put_integer(w, INT64_MIN);
    dk_json_put_integer(w, 0);
    dk_json_put_integer(w, (int64_t)1 << 53 | 1);
    dk_json_close_array(w);
    char *text = finish(w);
    ck_assert_str_eq(text, "[9223372036854775807,-9223372036854775808,0,9007199254740993]");
    dk_free(text);
}
END_TEST

/* The shortest of 15, 16, 17 significant digits that reads back exactly: checked against strtod
 * and against the digits a brute-force search finds, on chosen and on random doubles. */
static void check_number(double v)
{
    char *text = number_text(v);
    ck_assert_msg(strtod(text, NULL) == v, "%s does not read back to %.17g", text, v);
    ck_assert_msg(signbit(strtod(text, NULL)) == signbit(v), "%s lost the sign", text);
    int digits = 17;
    char ref[40];
    for (int d = 1; d <= 17; d++) {
        snprintf(ref, sizeof ref, "%.*g", d, v);
        if (strtod(ref, NULL) == v) {
            digits = d < 15 ? 15 : d;
            break;
        }
    }
    snprintf(ref, sizeof ref, "%.*g", digits, v);
    ck_assert_str_eq(text, ref);
    dk_free(text);
}

START_TEST(numbers_read_back_exactly)
{
    char *t;
    t = number_text(0.1);
    ck_assert_str_eq(t, "0.1");
    dk_free(t);
    t = number_text(0.1 + 0.2); /* cJSON's own printer would say 0.3 */
    ck_assert_str_eq(t, "0.30000000000000004");
    dk_free(t);
    t = number_text(2.0);
    ck_assert_str_eq(t, "2");
    dk_free(t);
    t = number_text(9007199254740992.0);
    ck_assert_str_eq(t, "9007199254740992");
    dk_free(t);
    t = number_text(-0.0);
    ck_assert_str_eq(t, "-0");
    dk_free(t);
    t = number_text(1e21);
    ck_assert_str_eq(t, "1e+21");
    dk_free(t);
    const double chosen[] = {1.0 / 3,
                             5e-324,
                             2.2250738585072014e-308,
                             1.7976931348623157e308,
                             123456789012345678.0,
                             -1.5,
                             1e-7,
                             100};
    for (size_t i = 0; i < sizeof chosen / sizeof chosen[0]; i++)
        check_number(chosen[i]);
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 4000; i++) {
        uint64_t bits = next_random(&s);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            check_number(v);
    }
}
END_TEST

/* ---- the writer: nesting and values it refuses ---- */

START_TEST(misplaced_calls_stick)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    ck_assert_int_eq(dk_json_put_key(w, "a", 1), DK_ESTATE);
    ck_assert_str_eq(dk_json_writer_error(w), "a key outside an object");
    ck_assert_int_eq(dk_json_open_array(w), DK_ESTATE); /* sticks: nothing more happens */
    ck_assert_int_eq(dk_json_put_null(w), DK_ESTATE);
    char *text = (char *)"x";
    dk_error err;
    ck_assert_int_eq(dk_json_writer_finish(w, &text, NULL, &err), DK_ESTATE);
    ck_assert_ptr_null(text);
    ck_assert_str_eq(err.message, "json: a key outside an object");
    dk_json_writer_free(w);
}
END_TEST

/* Each script of calls must fail at its last call with `message`. */
typedef enum op { OBJ, END_OBJ, ARR, END_ARR, KEY, NUL, NUM } op;

static void misuse(const op *ops, size_t n, dk_status want, const char *message)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    dk_status st = DK_OK;
    for (size_t i = 0; i < n; i++) {
        switch (ops[i]) {
        case OBJ:
            st = dk_json_open_object(w);
            break;
        case END_OBJ:
            st = dk_json_close_object(w);
            break;
        case ARR:
            st = dk_json_open_array(w);
            break;
        case END_ARR:
            st = dk_json_close_array(w);
            break;
        case KEY:
            st = dk_json_put_key(w, "k", 1);
            break;
        case NUL:
            st = dk_json_put_null(w);
            break;
        case NUM:
            st = dk_json_put_number(w, 1);
            break;
        }
        if (i + 1 < n)
            ck_assert_msg(st == DK_OK, "call %zu failed early: %s", i, dk_json_writer_error(w));
    }
    ck_assert_int_eq(st, want);
    ck_assert_str_eq(dk_json_writer_error(w), message);
    dk_json_writer_free(w);
}

START_TEST(nesting_is_checked)
{
    misuse((op[]){OBJ, NUL}, 2, DK_ESTATE, "a value in an object needs a key first");
    misuse((op[]){OBJ, KEY, KEY}, 3, DK_ESTATE, "two keys in a row (\"k\" has no value)");
    misuse((op[]){ARR, KEY}, 2, DK_ESTATE, "a key outside an object");
    misuse((op[]){OBJ, END_ARR}, 2, DK_ESTATE, "close_array while an object is open");
    misuse((op[]){ARR, END_OBJ}, 2, DK_ESTATE, "close_object while an array is open");
    misuse((op[]){END_ARR}, 1, DK_ESTATE, "close_array with nothing open");
    misuse((op[]){OBJ, KEY, END_OBJ}, 3, DK_ESTATE,
           "close_object after key \"k\", which has no value");
    misuse((op[]){NUM, NUM}, 2, DK_ESTATE, "a second top-level value (a document holds one)");
    misuse((op[]){ARR, END_ARR, OBJ}, 3, DK_ESTATE,
           "a second top-level value (a document holds one)");
}
END_TEST

START_TEST(finish_needs_a_whole_value)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    char *text;
    dk_error err;
    ck_assert_int_eq(dk_json_writer_finish(w, &text, NULL, &err), DK_ESTATE);
    ck_assert_str_eq(err.message, "json: nothing was written");
    dk_json_open_array(w);
    dk_json_open_object(w);
    ck_assert_int_eq(dk_json_writer_finish(w, &text, NULL, &err), DK_ESTATE);
    ck_assert_str_eq(err.message, "json: 2 containers are still open");
    ck_assert_int_eq(dk_json_writer_finish(w, NULL, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_json_writer_finish(NULL, &text, NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_json_open_array(NULL), DK_EINVAL);
    ck_assert_int_eq(dk_json_put_key(NULL, "a", 1), DK_EINVAL);
    dk_json_writer_free(w);
}
END_TEST

START_TEST(numbers_must_be_finite)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    const char *const messages[] = {"cannot write NaN: JSON numbers are finite",
                                    "cannot write infinity: JSON numbers are finite",
                                    "cannot write -infinity: JSON numbers are finite"};
    for (int i = 0; i < 3; i++) {
        dk_json_writer_t *w = writer(DK_JSON_COMPACT);
        ck_assert_int_eq(dk_json_put_number(w, bad[i]), DK_EINVAL);
        ck_assert_str_eq(dk_json_writer_error(w), messages[i]);
        dk_json_writer_free(w);
    }
}
END_TEST

START_TEST(strings_must_be_utf8_without_nul)
{
    static const struct {
        const char *s;
        size_t len;
        const char *message;
    } bad[] = {
        {"a\0b", 3, "a string holds a NUL byte (at byte 2)"},
        {"\xc0\x80", 2, "a string is not valid UTF-8 (at byte 1)"},         /* overlong NUL */
        {"x\xed\xa0\x80", 4, "a string is not valid UTF-8 (at byte 2)"},    /* a surrogate */
        {"\xf5\x80\x80\x80", 4, "a string is not valid UTF-8 (at byte 1)"}, /* > U+10FFFF */
        {"ab\xe2\x82", 4, "a string is not valid UTF-8 (at byte 3)"},       /* cut short */
        {"\x80", 1, "a string is not valid UTF-8 (at byte 1)"},             /* stray */
        {NULL, 2, "a string is NULL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dk_json_writer_t *w = writer(DK_JSON_COMPACT);
        ck_assert_int_eq(dk_json_put_string(w, bad[i].s, bad[i].len), DK_EINVAL);
        ck_assert_str_eq(dk_json_writer_error(w), bad[i].message);
        dk_json_writer_free(w);
    }
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    dk_json_open_object(w);
    ck_assert_int_eq(dk_json_put_key(w, "\xff", 1), DK_EINVAL);
    ck_assert_str_eq(dk_json_writer_error(w), "a key is not valid UTF-8 (at byte 1)");
    dk_json_writer_free(w);
    /* the largest code point and a long string (past the writer's stack buffer) are fine */
    w = writer(DK_JSON_COMPACT);
    char long_text[1000];
    memset(long_text, 'x', sizeof long_text);
    memcpy(long_text, "\xf4\x8f\xbf\xbf", 4);
    ck_assert_int_eq(dk_json_put_string(w, long_text, sizeof long_text), DK_OK);
    char *text = finish(w);
    ck_assert_uint_eq(strlen(text), sizeof long_text + 2);
    dk_free(text);
}
END_TEST

START_TEST(writer_depth_is_bounded)
{
    dk_json_writer_t *w = writer(DK_JSON_COMPACT);
    for (int i = 0; i < DK_JSON_MAX_DEPTH; i++)
        ck_assert_int_eq(dk_json_open_array(w), DK_OK);
    ck_assert_int_eq(dk_json_open_array(w), DK_ERANGE);
    ck_assert_str_eq(dk_json_writer_error(w), "nested deeper than 512 levels");
    dk_json_writer_free(w);

    w = writer(DK_JSON_COMPACT);
    for (int i = 0; i < DK_JSON_MAX_DEPTH; i++)
        dk_json_open_array(w);
    for (int i = 0; i < DK_JSON_MAX_DEPTH; i++)
        ck_assert_int_eq(dk_json_close_array(w), DK_OK);
    char *text = finish(w);
    ck_assert_uint_eq(strlen(text), 2 * DK_JSON_MAX_DEPTH);
    dk_json_doc_t *doc = parse(text); /* the deepest the writer writes, the reader reads */
    dk_json_doc_free(doc);
    dk_free(text);
}
END_TEST

START_TEST(writer_out_of_memory)
{
    char *good = NULL;
    int failed = 0;
    for (long n = 0; n < 2000; n++) {
        dk_alloc_fail_after(n);
        dk_status st = DK_OK;
        dk_json_writer_t *w = dk_json_writer_new(DK_JSON_PRETTY, &st);
        char *text = NULL;
        dk_error err;
        if (w != NULL) {
            dk_json_open_object(w);
            for (int i = 0; i < 20; i++) {
                char key[8];
                snprintf(key, sizeof key, "k%d", i);
                dk_json_put_key(w, key, strlen(key));
                dk_json_open_array(w);
                dk_json_put_string(w, "value", 5);
                dk_json_put_number(w, i * 0.25);
                dk_json_close_array(w);
            }
            dk_json_close_object(w);
            st = dk_json_writer_finish(w, &text, NULL, &err);
        }
        dk_alloc_fail_after(-1);
        dk_json_writer_free(w);
        if (st == DK_OK) {
            good = text;
            break;
        }
        ck_assert_int_eq(st, DK_ENOMEM);
        ck_assert_ptr_null(text);
        failed++;
    }
    ck_assert_int_gt(failed, 40);
    ck_assert_ptr_nonnull(good);
    ck_assert_ptr_nonnull(strstr(good, "\"k19\":\t[\"value\", 4.75]"));
    dk_free(good);
}
END_TEST

/* ---- the reader: the tree ---- */

START_TEST(walks_the_tree)
{
    dk_json_doc_t *doc = parse(RICH);
    const dk_json_value_t *root = dk_json_root(doc), *v;
    size_t len;
    int64_t i;

    ck_assert_int_eq(dk_json_type_of(root), DK_JSON_OBJECT);
    ck_assert_uint_eq(dk_json_count(root), 11);
    ck_assert_str_eq(dk_json_key(dk_json_first(root), NULL), "name");
    ck_assert_str_eq(dk_json_string(dk_json_find(root, "name"), &len), "url-shortener");
    ck_assert_uint_eq(len, 13);

    v = dk_json_find(root, "tags");
    ck_assert_int_eq(dk_json_type_of(v), DK_JSON_ARRAY);
    ck_assert_uint_eq(dk_json_count(v), 3);
    ck_assert_ptr_null(dk_json_key(dk_json_first(v), NULL));
    ck_assert_str_eq(dk_json_string(dk_json_next(dk_json_first(v)), NULL), "b\n");
    ck_assert_str_eq(dk_json_string(dk_json_next(dk_json_next(dk_json_first(v))), NULL),
                     "\xc3\xa9");
    ck_assert_str_eq(dk_json_string(dk_json_find(root, "emoji"), NULL), "\xf0\x9f\x98\x80");
    ck_assert_str_eq(dk_json_string(dk_json_find(root, "raw"), NULL), "caf\xc3\xa9");

    ck_assert(dk_json_integer(dk_json_find(root, "n"), &i));
    ck_assert_int_eq(i, -12);
    ck_assert(!dk_json_integer(dk_json_find(root, "x"), &i));
    ck_assert_double_eq(dk_json_number(dk_json_find(root, "x")), 0.5);
    ck_assert_double_eq(dk_json_number(dk_json_find(root, "big")), strtod("1e300", NULL));
    ck_assert(!dk_json_integer(dk_json_find(root, "big"), &i));
    ck_assert_int_eq(dk_json_bool(dk_json_find(root, "t")), 1);
    ck_assert_int_eq(dk_json_type_of(dk_json_find(root, "f")), DK_JSON_BOOL);
    ck_assert_int_eq(dk_json_bool(dk_json_find(root, "f")), 0);
    ck_assert_int_eq(dk_json_type_of(dk_json_find(root, "z")), DK_JSON_NULL);
    ck_assert_ptr_null(dk_json_find(root, "missing"));

    v = dk_json_find(dk_json_find(root, "nested"), "deep");
    ck_assert_uint_eq(dk_json_count(v), 3);
    ck_assert_uint_eq(dk_json_count(dk_json_next(dk_json_next(dk_json_first(v)))), 0);
    dk_json_doc_free(doc);
    dk_json_doc_free(NULL);
}
END_TEST

START_TEST(accessors_answer_for_any_type)
{
    dk_json_doc_t *doc = parse("\"s\"");
    const dk_json_value_t *s = dk_json_root(doc);
    size_t len = 99;
    ck_assert(isnan(dk_json_number(s)));
    ck_assert_int_eq(dk_json_bool(s), 0);
    ck_assert_int_eq(dk_json_integer(s, NULL), 0);
    ck_assert_uint_eq(dk_json_count(s), 0);
    ck_assert_ptr_null(dk_json_first(s));
    ck_assert_ptr_null(dk_json_find(s, "a"));
    ck_assert_ptr_null(dk_json_next(NULL));
    ck_assert_ptr_null(dk_json_string(NULL, &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(dk_json_type_of(NULL), DK_JSON_NULL);
    ck_assert_ptr_null(dk_json_root(NULL));
    ck_assert_str_eq(dk_json_type_name(DK_JSON_OBJECT), "an object");
    ck_assert_str_eq(dk_json_type_name(DK_JSON_NULL), "null");
    dk_json_doc_free(doc);
}
END_TEST

START_TEST(integers_up_to_2_53)
{
    const struct {
        const char *text;
        int integer;
        int64_t value;
    } cases[] = {
        {"9007199254740991", 1, 9007199254740991LL},   /* 2^53 - 1 */
        {"-9007199254740991", 1, -9007199254740991LL}, /* and its negative */
        {"9007199254740993", 0, 0}, /* reads as 2^53: it might have been rounded */
        {"1.5", 0, 0},
        {"2.0", 1, 2},
        {"1e3", 1, 1000},
        {"-0", 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dk_json_doc_t *doc = parse(cases[i].text);
        int64_t v = -1;
        ck_assert_msg(dk_json_integer(dk_json_root(doc), &v) == cases[i].integer, "%s",
                      cases[i].text);
        if (cases[i].integer)
            ck_assert_int_eq(v, cases[i].value);
        ck_assert_double_eq(dk_json_number(dk_json_root(doc)), strtod(cases[i].text, NULL));
        dk_json_doc_free(doc);
    }
}
END_TEST

START_TEST(what_is_written_reads_back)
{
    dk_json_doc_t *doc = parse(RICH);
    char *once = rewrite(doc);
    dk_json_doc_t *again = parse(once);
    char *twice = rewrite(again);
    ck_assert_str_eq(once, twice);
    dk_free(once);
    dk_free(twice);
    dk_json_doc_free(doc);
    dk_json_doc_free(again);
}
END_TEST

START_TEST(space_and_byte_order_mark)
{
    dk_json_doc_t *doc = parse(" \t\r\n [ 1 , { \"a\" : [ ] } ] \n");
    ck_assert_uint_eq(dk_json_count(dk_json_root(doc)), 2);
    dk_json_doc_free(doc);
    doc = parse("\xef\xbb\xbf{}");
    ck_assert_int_eq(dk_json_type_of(dk_json_root(doc)), DK_JSON_OBJECT);
    dk_json_doc_free(doc);
    doc = parse("\xef\xbb\xbf"
                "1"); /* shorter than cJSON's own check for a mark */
    ck_assert_double_eq(dk_json_number(dk_json_root(doc)), 1);
    dk_json_doc_free(doc);
}
END_TEST

START_TEST(text_need_not_end_in_nul)
{
    /* an exact-size heap copy: reading one byte past it is caught by the sanitizers */
    const char *src = "{\"a\":[1,2,true,\"x\"]}";
    size_t len = strlen(src);
    char *buf = malloc(len);
    memcpy(buf, src, len);
    dk_error err;
    dk_json_doc_t *doc = dk_json_parse(buf, len, "t", 0, &err);
    ck_assert_msg(doc != NULL, "%s", err.message);
    dk_json_doc_free(doc);
    for (size_t n = 0; n < len; n++) { /* and every prefix of it, refused without overreading */
        doc = dk_json_parse(buf, n, "t", 0, &err);
        ck_assert_ptr_null(doc);
        ck_assert_int_eq(err.status, DK_EPARSE);
    }
    memcpy(buf, "12345", 5);
    doc = dk_json_parse(buf, 5, "t", 0, &err);
    ck_assert_double_eq(dk_json_number(dk_json_root(doc)), 12345);
    dk_json_doc_free(doc);
    free(buf);
}
END_TEST

/* ---- the reader: bad input ---- */

START_TEST(malformed_text)
{
    refuses("", "t:1:1: no JSON value (the text is empty)");
    refuses(" \n ", "t:2:2: no JSON value (the text is empty)");
    refuses("{\"a\": }", "t:1:7: expected a value (got '}')");
    refuses("[1,2", "t:1:5: expected ',' or ']' (got the end of the text)");
    refuses("{\"a\" 1}", "t:1:6: expected ':' after the key (got '1')");
    refuses("{1:2}", "t:1:2: expected a string key or '}' (got '1')");
    refuses("{\"a\":1,2}", "t:1:8: expected a string key (got '2')");
    refuses("[1,]", "t:1:3: a comma before ']' (JSON has no trailing commas)");
    refuses("{\"a\":1 , }", "t:1:8: a comma before '}' (JSON has no trailing commas)");
    refuses("{\"a\":1]", "t:1:7: expected ',' or '}' (got ']')");
    refuses("[1] [2]", "t:1:5: unexpected text after the value (got '[')");
    refuses("{}x", "t:1:3: unexpected text after the value (got 'x')");
    refuses("tru", "t:1:1: invalid literal (expected true)");
    refuses("[nul]", "t:1:2: invalid literal (expected null)");
    refuses("True", "t:1:1: expected a value (got 'T')");
    refuses("'a'", "t:1:1: expected a value (got ''')");
    refuses("[1 /* no */]", "t:1:4: expected ',' or ']' (got '/')");
    refuses("{\n  \"a\": 1,\n  \"b\": x\n}", "t:3:8: expected a value (got 'x')");
    refuses("[\v1]", "t:1:2: expected a value (got byte 0x0B)");
    refuses_n("[1,\0 2]", 7, "t:1:4: expected a value (got byte 0x00)");
    dk_error err;
    ck_assert_ptr_null(dk_json_parse("x", 1, NULL, 0, &err));
    ck_assert_str_eq(err.message, "<json>:1:1: expected a value (got 'x')");
    ck_assert_ptr_null(dk_json_parse(NULL, 3, "t", 0, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_ptr_null(dk_json_parse(NULL, 0, "t", 0, &err));
    ck_assert_str_eq(err.message, "t:1:1: no JSON value (the text is empty)");
}
END_TEST

START_TEST(bad_numbers)
{
    refuses("01", "t:1:1: a number cannot start with 0 (leading zeros)");
    refuses("-", "t:1:2: expected a digit after '-' (got the end of the text)");
    refuses("-a", "t:1:2: expected a digit after '-' (got 'a')");
    refuses("1.", "t:1:3: expected a digit after '.' (got the end of the text)");
    refuses("1.e5", "t:1:3: expected a digit after '.' (got 'e')");
    refuses("1e", "t:1:3: expected a digit in the exponent (got the end of the text)");
    refuses("1e+", "t:1:4: expected a digit in the exponent (got the end of the text)");
    refuses(".5", "t:1:1: expected a value (got '.')");
    refuses("+1", "t:1:1: expected a value (got '+')");
    refuses("0x10", "t:1:2: unexpected text after the value (got 'x')");
    refuses("NaN", "t:1:1: expected a value (got 'N')");
    refuses("[1e400]", "t:1:2: number out of range (a double reaches 1.8e308)");
    refuses("{\"a\":[0, {\"b\": -1e309}]}",
            "t:1:16: number out of range (a double reaches 1.8e308)");
    char long_number[80];
    memset(long_number, '1', 64);
    long_number[64] = '\0';
    refuses(long_number, "t:1:1: number longer than 63 characters");
    long_number[63] = '\0';
    dk_json_doc_t *doc = parse(long_number); /* 63 is fine */
    ck_assert_double_eq(dk_json_number(dk_json_root(doc)), strtod(long_number, NULL));
    dk_json_doc_free(doc);
    doc = parse("1e-400"); /* underflow reads as 0, as strtod says */
    ck_assert_double_eq(dk_json_number(dk_json_root(doc)), 0);
    dk_json_doc_free(doc);
}
END_TEST

START_TEST(bad_strings)
{
    refuses("\"abc", "t:1:1: unterminated string");
    refuses("[\"a\\", "t:1:2: unterminated string");
    refuses("\"a\nb\"", "t:1:3: control character U+000A in a string (escape it)");
    refuses("\"\\x\"", "t:1:2: invalid escape '\\x'");
    refuses("\"\\u12\"", "t:1:2: invalid \\u escape (expected 4 hex digits)");
    refuses("\"\\u12g4\"", "t:1:2: invalid \\u escape (expected 4 hex digits)");
    refuses("\"\\u0000\"", "t:1:2: \\u0000 is not allowed (strings cannot hold NUL)");
    refuses("\"\\ud800\"", "t:1:2: unpaired surrogate \\uD800");
    refuses("\"\\udc00\"", "t:1:2: unpaired surrogate \\uDC00");
    refuses("\"x\\ud800\\u0041\"", "t:1:3: unpaired surrogate \\uD800");
    refuses("\"\xc0\x80\"", "t:1:2: invalid UTF-8 in a string (byte 0xC0)");
    refuses("\"ab\xed\xa0\x80\"", "t:1:4: invalid UTF-8 in a string (byte 0xED)");
    refuses("\"\xf5\x80\x80\x80\"", "t:1:2: invalid UTF-8 in a string (byte 0xF5)");
    refuses("\"\xe2\x82\"", "t:1:2: invalid UTF-8 in a string (byte 0xE2)");
    refuses("\"\x80\"", "t:1:2: invalid UTF-8 in a string (byte 0x80)");
    refuses("\xc3\xa9", "t:1:1: expected a value (got byte 0xC3)");
}
END_TEST

START_TEST(duplicate_keys)
{
    refuses("{\"a\":1,\"b\":2,\"a\":3}", "t:1:14: duplicate key \"a\"");
    refuses("{\"a\":1,\"\\u0061\":2}", "t:1:8: duplicate key \"a\"");
    refuses("[{}, {\"x\": {\"k\": 1, \"k\": 2}}]", "t:1:21: duplicate key \"k\"");
    /* a large object goes through the sorting path; the first repeat in the text is named */
    char text[2048];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "{");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "\"k%d\":%d,", i, i);
    n += (size_t)snprintf(text + n, sizeof text - n, "\"k7\":0,\"k3\":0}");
    dk_error err;
    ck_assert_ptr_null(dk_json_parse(text, n, "t", 0, &err));
    char want[64];
    snprintf(want, sizeof want, "t:1:%zu: duplicate key \"k7\"",
             (size_t)(strstr(text, "\"k7\":0") - text) + 1);
    ck_assert_str_eq(err.message, want);
    /* the same keys once each are fine */
    text[n - 15] = '}';
    dk_json_doc_t *doc = dk_json_parse(text, n - 14, "t", 0, &err);
    ck_assert_msg(doc != NULL, "%s", err.message);
    ck_assert_uint_eq(dk_json_count(dk_json_root(doc)), 100);
    dk_json_doc_free(doc);
}
END_TEST

START_TEST(depth_bombs)
{
    size_t n = 1000000;
    char *bomb = malloc(n);
    memset(bomb, '[', n);
    dk_error err;
    ck_assert_ptr_null(dk_json_parse(bomb, n, "t", 0, &err));
    ck_assert_str_eq(err.message, "t:1:513: nested deeper than 512 levels");
    for (size_t i = 0; i + 5 <= n; i += 5)
        memcpy(bomb + i, "{\"a\":", 5);
    ck_assert_ptr_null(dk_json_parse(bomb, n, "t", 0, &err));
    ck_assert_str_eq(err.message, "t:1:2561: nested deeper than 512 levels");
    free(bomb);

    ck_assert_ptr_null(dk_json_parse("[[[1]]]", 7, "t", 2, &err));
    ck_assert_str_eq(err.message, "t:1:3: nested deeper than 2 levels");
    dk_json_doc_t *doc = dk_json_parse("[[[1]]]", 7, "t", 3, &err);
    ck_assert_ptr_nonnull(doc);
    dk_json_doc_free(doc);
    doc = dk_json_parse("[[[1]]]", 7, "t", 100000, &err); /* more than the bound is the bound */
    ck_assert_ptr_nonnull(doc);
    dk_json_doc_free(doc);
}
END_TEST

START_TEST(every_truncation_is_refused)
{
    size_t len = strlen(RICH);
    for (size_t n = 0; n < len; n++) {
        dk_error err;
        dk_json_doc_t *doc = dk_json_parse(RICH, n, "t", 0, &err);
        ck_assert_msg(doc == NULL, "a prefix of %zu bytes was accepted", n);
        ck_assert_int_eq(err.status, DK_EPARSE);
        ck_assert_msg(strncmp(err.message, "t:1:", 4) == 0, "%s", err.message);
    }
}
END_TEST

/* Random damage to a good document: each result is refused with a position, or read; what is
 * read writes back and reads again to the same text. The scanner and cJSON must agree on
 * every text (a disagreement would show as DK_EINTERNAL). */
START_TEST(damaged_documents)
{
    size_t len = strlen(RICH);
    char *buf = malloc(len);
    uint64_t s = 42;
    int read = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, RICH, len);
        int hits = 1 + (int)(next_random(&s) % 3);
        for (int h = 0; h < hits; h++) {
            uint64_t r = next_random(&s);
            static const char useful[] = "{}[],:\"\\0123456789eE.+-tfnu \x80\xff";
            buf[r % len] =
                (r >> 32) % 2 ? (char)(r >> 40) : useful[(r >> 40) % (sizeof useful - 1)];
        }
        dk_error err;
        dk_json_doc_t *doc = dk_json_parse(buf, len, "t", 0, &err);
        if (doc == NULL) {
            ck_assert_msg(err.status == DK_EPARSE, "%d: %s", round, err.message);
            ck_assert_msg(strncmp(err.message, "t:", 2) == 0, "%s", err.message);
            continue;
        }
        read++;
        char *once = rewrite(doc);
        dk_json_doc_t *again = parse(once);
        char *twice = rewrite(again);
        ck_assert_str_eq(once, twice);
        dk_free(once);
        dk_free(twice);
        dk_json_doc_free(again);
        dk_json_doc_free(doc);
    }
    ck_assert_int_gt(read, 100); /* damage inside strings and numbers often leaves valid JSON */
    free(buf);
}
END_TEST

START_TEST(reader_out_of_memory)
{
    /* a large object too, so that the sorting check for repeated keys allocates */
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", "[");
    n += (size_t)snprintf(text + n, sizeof text - n, "%s,{", RICH);
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\"key%d\":[%d]", i ? "," : "", i, i);
    n += (size_t)snprintf(text + n, sizeof text - n, "}]");
    int failed = 0;
    for (long k = 0; k < 5000; k++) {
        dk_error err;
        dk_alloc_fail_after(k);
        dk_json_doc_t *doc = dk_json_parse(text, n, "t", 0, &err);
        dk_alloc_fail_after(-1);
        if (doc != NULL) {
            ck_assert_uint_eq(dk_json_count(dk_json_root(doc)), 2);
            dk_json_doc_free(doc);
            break;
        }
        ck_assert_int_eq(err.status, DK_ENOMEM);
        ck_assert_str_eq(err.message, "t: out of memory reading JSON");
        failed++;
    }
    ck_assert_int_gt(failed, 100);
}
END_TEST

static Suite *json_value_suite(void)
{
    Suite *s = suite_create("json_value");
    TCase *tc = tcase_create("writer text");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, compact_text);
    tcase_add_test(tc, pretty_text);
    tcase_add_test(tc, scalars_alone_and_finishing_twice);
    tcase_add_test(tc, integers_are_exact);
    tcase_add_test(tc, numbers_read_back_exactly);
    suite_add_tcase(s, tc);

    tc = tcase_create("writer refusals");
    tcase_add_test(tc, misplaced_calls_stick);
    tcase_add_test(tc, nesting_is_checked);
    tcase_add_test(tc, finish_needs_a_whole_value);
    tcase_add_test(tc, numbers_must_be_finite);
    tcase_add_test(tc, strings_must_be_utf8_without_nul);
    tcase_add_test(tc, writer_depth_is_bounded);
    tcase_add_test(tc, writer_out_of_memory);
    suite_add_tcase(s, tc);

    tc = tcase_create("reader tree");
    tcase_add_test(tc, walks_the_tree);
    tcase_add_test(tc, accessors_answer_for_any_type);
    tcase_add_test(tc, integers_up_to_2_53);
    tcase_add_test(tc, what_is_written_reads_back);
    tcase_add_test(tc, space_and_byte_order_mark);
    tcase_add_test(tc, text_need_not_end_in_nul);
    suite_add_tcase(s, tc);

    tc = tcase_create("reader bad input");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, malformed_text);
    tcase_add_test(tc, bad_numbers);
    tcase_add_test(tc, bad_strings);
    tcase_add_test(tc, duplicate_keys);
    tcase_add_test(tc, depth_bombs);
    tcase_add_test(tc, every_truncation_is_refused);
    tcase_add_test(tc, damaged_documents);
    tcase_add_test(tc, reader_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_value_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* json_reader.c - generic JSON in: a strict reader (RFC 8259) whose tree is cJSON's. */
#include "designkit/locale.h"
#include "designkit/json.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "export/json_util.h"

/* Values handed out are the cJSON nodes themselves: struct dk_json_value is never defined, a
 * pointer to one is a pointer to a cJSON node in disguise. */
static const cJSON *node(const dk_json_value_t *v)
{
    return (const cJSON *)(const void *)v;
}

static const dk_json_value_t *value(const cJSON *j)
{
    return (const dk_json_value_t *)(const void *)j;
}

/* ---- the reader ---- */

/*
 * cJSON builds the tree, but it is lenient where a reader of other people's files should not
 * be, and it cannot say what is wrong: it accepts control characters in strings, leading
 * zeros, invalid UTF-8 and numbers that overflow to infinity, stops silently at 1000 levels,
 * and reports a failure as a position only. So the text is scanned first, strictly (RFC 8259,
 * plus the limits in json.h), by a recursive scanner that allocates nothing and knows where
 * it is; only text it accepts reaches cJSON, whose failure can then only be out-of-memory.
 * What a scan cannot see without keeping every key (a repeated key) or converting every number
 * (an overflow) is checked on the tree, and located by scanning again for that member.
 */
struct dk_json_doc {
    cJSON *root;
};

typedef struct scanner {
    const unsigned char *start, *p, *end;
    size_t depth, max_depth;
    const unsigned char *at; /* where the failure is, NULL while all is well */
    char msg[160];
    /* Locating: the member at index path target[0..ntarget) (each an index among its
     * container's members), found at its key (want_key) or its value. */
    const size_t *target;
    size_t ntarget;
    int want_key;
    const unsigned char *found;
} scanner;

static int scan_fail(scanner *s, const unsigned char *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int scan_fail(scanner *s, const unsigned char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk_vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->at = at;
    return 0;
}

/* "expected X (got 'y')": what stands at `at`, printable or as a byte. */
static int scan_expected(scanner *s, const char *what)
{
    const unsigned char *at = s->p;
    if (at >= s->end)
        return scan_fail(s, at, "%s (got the end of the text)", what);
    if (*at > 0x20 && *at < 0x7F)
        return scan_fail(s, at, "%s (got '%c')", what, *at);
    return scan_fail(s, at, "%s (got byte 0x%02X)", what, *at);
}

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int is_digit(const scanner *s, const unsigned char *p)
{
    return p < s->end && *p >= '0' && *p <= '9';
}

static int hex4(const unsigned char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

/* A \u escape at s->p (the backslash); a high surrogate must be followed by a low one. */
static int scan_unicode_escape(scanner *s)
{
    const unsigned char *esc = s->p;
    unsigned cp, low;

    if (s->end - esc < 6 || !hex4(esc + 2, &cp))
        return scan_fail(s, esc, "invalid \\u escape (expected 4 hex digits)");
    if (cp == 0)
        return scan_fail(s, esc, "\\u0000 is not allowed (strings cannot hold NUL)");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return scan_fail(s, esc, "unpaired surrogate \\u%04X", cp);
    s->p += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' || !hex4(s->p + 2, &low) ||
            low < 0xDC00 || low > 0xDFFF)
            return scan_fail(s, esc, "unpaired surrogate \\u%04X", cp);
        s->p += 6;
    }
    return 1;
}

static int scan_string(scanner *s)
{
    const unsigned char *open = s->p++;

    for (;;) {
        if (s->p >= s->end)
            return scan_fail(s, open, "unterminated string");
        unsigned c = *s->p;
        if (c == '"') {
            s->p++;
            return 1;
        }
        if (c < 0x20)
            return scan_fail(s, s->p, "control character U+%04X in a string (escape it)", c);
        if (c == '\\') {
            if (s->p + 1 >= s->end)
                return scan_fail(s, open, "unterminated string");
            unsigned e = s->p[1];
            if (e == 'u') {
                if (!scan_unicode_escape(s))
                    return 0;
            } else if (e && strchr("\"\\/bfnrt", (int)e) != NULL) {
                s->p += 2;
            } else if (e > 0x20 && e < 0x7F) {
                return scan_fail(s, s->p, "invalid escape '\\%c'", e);
            } else {
                return scan_fail(s, s->p, "invalid escape (backslash before byte 0x%02X)", e);
            }
        } else {
            size_t n = dk__json_utf8_len(s->p, s->end);
            if (n == 0)
                return scan_fail(s, s->p, "invalid UTF-8 in a string (byte 0x%02X)", c);
            s->p += n;
        }
    }
}

/* cJSON copies at most 63 characters of a number before converting it. */
#define MAX_NUMBER_TEXT 63

static int scan_number(scanner *s)
{
    const unsigned char *q = s->p;

    if (*q == '-')
        q++;
    if (!is_digit(s, q)) {
        s->p = q;
        return scan_expected(s, "expected a digit after '-'");
    }
    if (*q == '0') {
        q++;
        if (is_digit(s, q))
            return scan_fail(s, s->p, "a number cannot start with 0 (leading zeros)");
    } else {
        while (is_digit(s, q))
            q++;
    }
    if (q < s->end && *q == '.') {
        q++;
        if (!is_digit(s, q)) {
            s->p = q;
            return scan_expected(s, "expected a digit after '.'");
        }
        while (is_digit(s, q))
            q++;
    }
    if (q < s->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < s->end && (*q == '+' || *q == '-'))
            q++;
        if (!is_digit(s, q)) {
            s->p = q;
            return scan_expected(s, "expected a digit in the exponent");
        }
        while (is_digit(s, q))
            q++;
    }
    if (q - s->p > MAX_NUMBER_TEXT)
        return scan_fail(s, s->p, "number longer than %d characters", MAX_NUMBER_TEXT);
    s->p = q;
    return 1;
}

static int scan_word(scanner *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) >= n && memcmp(s->p, word, n) == 0) {
        s->p += n;
        return 1;
    }
    return scan_fail(s, s->p, "invalid literal (expected %s)", word);
}

static int scan_value(scanner *s, int on_path);

/* An object or an array at s->p. `on_path`: this container is where the located path leads so
 * far, so one of its members may be the target. */
static int scan_container(scanner *s, int on_path, int object)
{
    const unsigned char close = object ? '}' : ']';
    size_t level = s->depth;

    if (s->depth >= s->max_depth)
        return scan_fail(s, s->p, "nested deeper than %zu levels", s->max_depth);
    s->depth++;
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return 1;
    }
    for (size_t i = 0;; i++) {
        int here = on_path && level < s->ntarget && s->target[level] == i;
        if (here && level + 1 == s->ntarget && (s->want_key || !object)) {
            s->found = s->p;
            return 0;
        }
        if (object) {
            if (s->p >= s->end || *s->p != '"')
                return scan_expected(s, i == 0 ? "expected a string key or '}'"
                                               : "expected a string key");
            if (!scan_string(s))
                return 0;
            skip_space(s);
            if (s->p >= s->end || *s->p != ':')
                return scan_expected(s, "expected ':' after the key");
            s->p++;
            if (here && level + 1 == s->ntarget) {
                skip_space(s);
                s->found = s->p;
                return 0;
            }
        }
        if (!scan_value(s, here))
            return 0;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            const unsigned char *comma = s->p++;
            skip_space(s);
            if (s->p < s->end && *s->p == close)
                return scan_fail(s, comma, "a comma before '%c' (JSON has no trailing commas)",
                                 close);
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            s->depth--;
            return 1;
        }
        return scan_expected(s, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int scan_value(scanner *s, int on_path)
{
    skip_space(s);
    if (s->p >= s->end)
        return scan_expected(s, "expected a value");
    switch (*s->p) {
    case '{':
        return scan_container(s, on_path, 1);
    case '[':
        return scan_container(s, on_path, 0);
    case '"':
        return scan_string(s);
    case 't':
        return scan_word(s, "true");
    case 'f':
        return scan_word(s, "false");
    case 'n':
        return scan_word(s, "null");
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
            return scan_number(s);
        return scan_expected(s, "expected a value");
    }
}

static void scan_init(scanner *s, const char *text, size_t len, size_t max_depth)
{
    memset(s, 0, sizeof *s);
    s->start = s->p = (const unsigned char *)text;
    s->end = s->start + len;
    s->max_depth = max_depth;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s->p += 3; /* a byte-order mark, which RFC 8259 lets a reader ignore (cJSON skips it) */
}

/* The whole text: one value, then only whitespace. 1 when it is well-formed. */
static int scan_document(scanner *s)
{
    skip_space(s);
    if (s->p >= s->end)
        return scan_fail(s, s->p, "no JSON value (the text is empty)");
    if (!scan_value(s, 1))
        return 0;
    skip_space(s);
    if (s->p < s->end)
        return scan_expected(s, "unexpected text after the value");
    return 1;
}

/* Where the member at `path` (ntarget indices) starts: its key or its value. */
static const unsigned char *locate(const char *text, size_t len, size_t max_depth,
                                   const size_t *path, size_t npath, int want_key)
{
    scanner s;
    scan_init(&s, text, len, max_depth);
    s.target = path;
    s.ntarget = npath;
    s.want_key = want_key;
    skip_space(&s);
    if (npath == 0)
        return s.p;
    scan_value(&s, 1);
    return s.found != NULL ? s.found : s.start;
}

/* A problem found on the tree: what, and the path to the member it is about. */
typedef struct tree_check {
    size_t path[DK_JSON_MAX_DEPTH + 1];
    size_t depth;
    int want_key;
    char msg[160];
} tree_check;

typedef struct keyed {
    const char *key;
    size_t index;
} keyed;

static int by_key_then_index(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Marks in repeat[i] whether member i of `obj` (n members) repeats an earlier key. Small
 * objects are compared pairwise; larger ones sorted, so a hostile object of a million keys
 * costs n log n and not n^2. DK_ENOMEM only. */
static dk_status mark_repeats(const cJSON *obj, size_t n, unsigned char *repeat)
{
    const cJSON *c;
    size_t i = 0;

    memset(repeat, 0, n);
    if (n <= 16) {
        for (c = obj->child; c != NULL; c = c->next, i++)
            for (const cJSON *d = obj->child; d != c; d = d->next)
                if (strcmp(c->string, d->string) == 0) {
                    repeat[i] = 1;
                    break;
                }
        return DK_OK;
    }
    keyed *k = dk_malloc(n * sizeof *k);
    if (k == NULL)
        return DK_ENOMEM;
    for (c = obj->child; c != NULL; c = c->next, i++) {
        k[i].key = c->string;
        k[i].index = i;
    }
    qsort(k, n, sizeof *k, by_key_then_index);
    for (i = 1; i < n; i++)
        if (strcmp(k[i].key, k[i - 1].key) == 0)
            repeat[k[i].index] = 1;
    dk_free(k);
    return DK_OK;
}

/* Walks the tree in document order; the first problem stops the walk: DK_EPARSE with the path
 * and message in `tc`, or DK_ENOMEM. */
static dk_status check_tree(const cJSON *j, tree_check *tc)
{
    if (cJSON_IsNumber(j) && !isfinite(j->valuedouble)) {
        tc->want_key = 0;
        dk_snprintf(tc->msg, sizeof tc->msg, "number out of range (a double reaches 1.8e308)");
        return DK_EPARSE;
    }
    if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
        return DK_OK;
    size_t n = 0, i = 0, level = tc->depth++;
    for (const cJSON *c = j->child; c != NULL; c = c->next)
        n++;
    unsigned char small[16], *repeat = NULL;
    if (cJSON_IsObject(j) && n > 1) {
        repeat = n <= sizeof small ? small : dk_malloc(n);
        if (repeat == NULL || mark_repeats(j, n, repeat) != DK_OK) {
            if (repeat != small)
                dk_free(repeat);
            return DK_ENOMEM;
        }
    }
    dk_status st = DK_OK;
    for (const cJSON *c = j->child; c != NULL && st == DK_OK; c = c->next, i++) {
        tc->path[level] = i;
        if (repeat != NULL && repeat[i]) {
            tc->want_key = 1;
            dk_snprintf(tc->msg, sizeof tc->msg, "duplicate key \"%.80s\"", c->string);
            tc->depth = level + 1;
            st = DK_EPARSE;
            break;
        }
        st = check_tree(c, tc);
    }
    if (repeat != small)
        dk_free(repeat);
    if (st == DK_OK)
        tc->depth--;
    return st;
}

/* Line and column (from 1, columns in bytes) of `at` in `text`. */
static void position(const unsigned char *text, const unsigned char *at, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (const unsigned char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static dk_status parse_error(dk_error *err, const char *source, const char *text,
                             const unsigned char *at, const char *msg)
{
    size_t line, col;
    position((const unsigned char *)text, at, &line, &col);
    return dk_error_set(err, DK_EPARSE, "%s:%zu:%zu: %s", source, line, col, msg);
}

/*
 * dk_json_parse - scan, let cJSON build, check the tree. The scan is linear and allocation
 * free, so malformed input (most of what a fuzzer or a careless user sends) is refused before
 * anything is allocated.
 */
dk_json_doc_t *dk_json_parse(const char *text, size_t len, const char *source, size_t max_depth,
                             dk_error *err)
{
    scanner s;

    if (source == NULL)
        source = "<json>";
    if (text == NULL && len > 0) {
        dk_error_set(err, DK_EINVAL, "%s: no JSON text", source);
        return NULL;
    }
    if (max_depth == 0 || max_depth > DK_JSON_MAX_DEPTH)
        max_depth = DK_JSON_MAX_DEPTH;
    if (text == NULL)
        text = "";
    scan_init(&s, text, len, max_depth);
    if (!scan_document(&s)) {
        parse_error(err, source, text, s.at, s.msg);
        return NULL;
    }

    dk_json_doc_t *doc = dk_malloc(sizeof *doc);
    if (doc == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s: out of memory reading JSON", source);
        return NULL;
    }
    /* A byte-order mark was skipped by the scan; cJSON skips one only in texts of 5 bytes or
     * more, so it never sees it. */
    size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    dk__json_init();
    doc->root = cJSON_ParseWithLength(text + bom, len - bom);
    if (doc->root == NULL) {
        int oom = dk__json_out_of_memory();
        dk_free(doc);
        if (oom)
            dk_error_set(err, DK_ENOMEM, "%s: out of memory reading JSON", source);
        else
            dk_error_set(err, DK_EINTERNAL, "%s: cJSON refused text the scanner accepted", source);
        return NULL;
    }

    tree_check *tc = dk_malloc(sizeof *tc);
    dk_status st = tc != NULL ? DK_OK : DK_ENOMEM;
    if (tc != NULL) {
        tc->depth = 0;
        st = check_tree(doc->root, tc);
    }
    if (st == DK_EPARSE) {
        const unsigned char *at = locate(text, len, max_depth, tc->path, tc->depth, tc->want_key);
        parse_error(err, source, text, at, tc->msg);
    } else if (st == DK_ENOMEM) {
        dk_error_set(err, DK_ENOMEM, "%s: out of memory reading JSON", source);
    }
    dk_free(tc);
    if (st != DK_OK) {
        dk_json_doc_free(doc);
        return NULL;
    }
    return doc;
}

void dk_json_doc_free(dk_json_doc_t *doc)
{
    if (doc == NULL)
        return;
    dk__json_init();
    cJSON_Delete(doc->root);
    dk_free(doc);
}

const dk_json_value_t *dk_json_root(const dk_json_doc_t *doc)
{
    return doc != NULL ? value(doc->root) : NULL;
}

dk_json_type dk_json_type_of(const dk_json_value_t *v)
{
    const cJSON *j = node(v);
    if (cJSON_IsBool(j))
        return DK_JSON_BOOL;
    if (cJSON_IsNumber(j))
        return DK_JSON_NUMBER;
    if (cJSON_IsString(j))
        return DK_JSON_STRING;
    if (cJSON_IsArray(j))
        return DK_JSON_ARRAY;
    if (cJSON_IsObject(j))
        return DK_JSON_OBJECT;
    return DK_JSON_NULL;
}

const char *dk_json_type_name(dk_json_type t)
{
    switch (t) {
    case DK_JSON_NULL:
        return "null";
    case DK_JSON_BOOL:
        return "a boolean";
    case DK_JSON_NUMBER:
        return "a number";
    case DK_JSON_STRING:
        return "a string";
    case DK_JSON_ARRAY:
        return "an array";
    case DK_JSON_OBJECT:
        return "an object";
    }
    return "an unknown type";
}

int dk_json_bool(const dk_json_value_t *v)
{
    return cJSON_IsTrue(node(v)) ? 1 : 0;
}

double dk_json_number(const dk_json_value_t *v)
{
    return cJSON_IsNumber(node(v)) ? node(v)->valuedouble : NAN;
}

int dk_json_integer(const dk_json_value_t *v, int64_t *out)
{
    const double limit = 9007199254740992.0; /* 2^53: every integer below it is exact */
    double d = dk_json_number(v);
    if (!(d > -limit && d < limit) || floor(d) != d)
        return 0;
    if (out != NULL)
        *out = (int64_t)d;
    return 1;
}

const char *dk_json_string(const dk_json_value_t *v, size_t *len)
{
    const cJSON *j = node(v);
    if (!cJSON_IsString(j)) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = strlen(j->valuestring);
    return j->valuestring;
}

size_t dk_json_count(const dk_json_value_t *v)
{
    size_t n = 0;
    for (const dk_json_value_t *c = dk_json_first(v); c != NULL; c = dk_json_next(c))
        n++;
    return n;
}

const dk_json_value_t *dk_json_first(const dk_json_value_t *v)
{
    const cJSON *j = node(v);
    return cJSON_IsArray(j) || cJSON_IsObject(j) ? value(j->child) : NULL;
}

const dk_json_value_t *dk_json_next(const dk_json_value_t *member)
{
    return member != NULL ? value(node(member)->next) : NULL;
}

const char *dk_json_key(const dk_json_value_t *member, size_t *len)
{
    const char *k = member != NULL ? node(member)->string : NULL;
    if (len != NULL)
        *len = k != NULL ? strlen(k) : 0;
    return k;
}

const dk_json_value_t *dk_json_find(const dk_json_value_t *obj, const char *key)
{
    if (!cJSON_IsObject(node(obj)) || key == NULL)
        return NULL;
    for (const cJSON *c = node(obj)->child; c != NULL; c = c->next)
        if (strcmp(c->string, key) == 0)
            return value(c);
    return NULL;
}

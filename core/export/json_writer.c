/* json_writer.c - generic JSON out: a writer that checks nesting, through cJSON. */
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

/* ---- the writer ---- */

/* The tree is built with cJSON and printed once by cJSON, so the layout (pretty or compact) is
 * the one of every other designkit document. Numbers are the exception: cJSON prints a double
 * with 15 digits whenever that reads back within an epsilon, which can change the value in the
 * last bit, so they are formatted here and added as raw text. */
struct dk_json_writer {
    cJSON *root;
    cJSON **stack; /* the open containers, innermost last */
    size_t depth, cap;
    char *key; /* the key waiting for its value (dk_malloc'd), or NULL */
    dk_json_style style;
    dk_error err; /* the failure that stuck; DK_OK while there is none */
};

/* Records the first failure (later ones keep it) and returns the status that sticks. */
static dk_status stick(dk_json_writer_t *w, dk_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static dk_status stick(dk_json_writer_t *w, dk_status st, const char *fmt, ...)
{
    if (w->err.status == DK_OK) {
        va_list ap;
        va_start(ap, fmt);
        dk_error_setv(&w->err, st, fmt, ap);
        va_end(ap);
    }
    return w->err.status;
}

dk_json_writer_t *dk_json_writer_new(dk_json_style style, dk_status *status)
{
    dk_json_writer_t *w = dk_calloc(1, sizeof *w);
    if (status != NULL)
        *status = w != NULL ? DK_OK : DK_ENOMEM;
    if (w == NULL)
        return NULL;
    w->style = style;
    dk_error_clear(&w->err);
    return w;
}

void dk_json_writer_free(dk_json_writer_t *w)
{
    if (w == NULL)
        return;
    dk__json_init();
    cJSON_Delete(w->root);
    dk_free(w->stack);
    dk_free(w->key);
    dk_free(w);
}

const char *dk_json_writer_error(const dk_json_writer_t *w)
{
    return w != NULL ? w->err.message : "no writer";
}

static cJSON *innermost(const dk_json_writer_t *w)
{
    return w->depth > 0 ? w->stack[w->depth - 1] : NULL;
}

/* Whether a value may go where the writer stands; a value is placed after it was made, but
 * asking first keeps a misplaced call from costing an allocation. */
static dk_status placeable(dk_json_writer_t *w)
{
    if (w->err.status != DK_OK)
        return w->err.status;
    if (w->depth == 0 && w->root != NULL)
        return stick(w, DK_ESTATE, "a second top-level value (a document holds one)");
    if (cJSON_IsObject(innermost(w)) && w->key == NULL)
        return stick(w, DK_ESTATE, "a value in an object needs a key first");
    return DK_OK;
}

/* Places `item` (made after placeable said yes), taking ownership of it either way. */
static dk_status place(dk_json_writer_t *w, cJSON *item)
{
    cJSON *top = innermost(w);
    int ok;

    if (item == NULL)
        return stick(w, DK_ENOMEM, "out of memory");
    if (top == NULL) {
        w->root = item;
        return DK_OK;
    }
    if (cJSON_IsObject(top)) {
        ok = cJSON_AddItemToObject(top, w->key, item); /* copies the key */
        if (ok) {
            dk_free(w->key);
            w->key = NULL;
        }
    } else {
        ok = cJSON_AddItemToArray(top, item);
    }
    if (!ok) {
        cJSON_Delete(item);
        return stick(w, DK_ENOMEM, "out of memory");
    }
    return DK_OK;
}

static dk_status open_container(dk_json_writer_t *w, int object)
{
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK)
        return st;
    if (w->depth == DK_JSON_MAX_DEPTH)
        return stick(w, DK_ERANGE, "nested deeper than %d levels", DK_JSON_MAX_DEPTH);
    if (w->depth == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        cJSON **stack = dk_realloc(w->stack, cap * sizeof *stack);
        if (stack == NULL)
            return stick(w, DK_ENOMEM, "out of memory");
        w->stack = stack;
        w->cap = cap;
    }
    dk__json_init();
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    if ((st = place(w, c)) != DK_OK)
        return st;
    w->stack[w->depth++] = c;
    return DK_OK;
}

static dk_status close_container(dk_json_writer_t *w, int object)
{
    const char *what = object ? "close_object" : "close_array";
    cJSON *top;

    if (w == NULL)
        return DK_EINVAL;
    if (w->err.status != DK_OK)
        return w->err.status;
    top = innermost(w);
    if (top == NULL)
        return stick(w, DK_ESTATE, "%s with nothing open", what);
    if (cJSON_IsObject(top) != object)
        return stick(w, DK_ESTATE, "%s while %s is open", what, object ? "an array" : "an object");
    if (w->key != NULL)
        return stick(w, DK_ESTATE, "%s after key \"%.60s\", which has no value", what, w->key);
    w->depth--;
    return DK_OK;
}

dk_status dk_json_open_object(dk_json_writer_t *w)
{
    return open_container(w, 1);
}

dk_status dk_json_close_object(dk_json_writer_t *w)
{
    return close_container(w, 1);
}

dk_status dk_json_open_array(dk_json_writer_t *w)
{
    return open_container(w, 0);
}

dk_status dk_json_close_array(dk_json_writer_t *w)
{
    return close_container(w, 0);
}

/* Text the writer may copy into a document: UTF-8 without NUL. `what` names it in messages. */
static dk_status check_text(dk_json_writer_t *w, const char *s, size_t len, const char *what)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    if (s == NULL && len > 0)
        return stick(w, DK_EINVAL, "%s is NULL", what);
    while (p < end) {
        size_t n = dk__json_utf8_len(p, end);
        if (*p == '\0')
            return stick(w, DK_EINVAL, "%s holds a NUL byte (at byte %zu)", what,
                         (size_t)(p - (const unsigned char *)s) + 1);
        if (n == 0)
            return stick(w, DK_EINVAL, "%s is not valid UTF-8 (at byte %zu)", what,
                         (size_t)(p - (const unsigned char *)s) + 1);
        p += n;
    }
    return DK_OK;
}

/* A NUL-terminated copy of `len` bytes, which cJSON needs: `buf` when it fits, else dk_malloc'd
 * (the caller frees what is not `buf`). NULL on out-of-memory. */
static char *terminated(const char *s, size_t len, char *buf, size_t size)
{
    char *t = len < size ? buf : dk_malloc(len + 1);
    if (t == NULL)
        return NULL;
    if (len > 0)
        memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

dk_status dk_json_put_key(dk_json_writer_t *w, const char *key, size_t len)
{
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if (w->err.status != DK_OK)
        return w->err.status;
    if (!cJSON_IsObject(innermost(w)))
        return stick(w, DK_ESTATE, "a key outside an object");
    if (w->key != NULL)
        return stick(w, DK_ESTATE, "two keys in a row (\"%.60s\" has no value)", w->key);
    if ((st = check_text(w, key, len, "a key")) != DK_OK)
        return st;
    w->key = dk_malloc(len + 1);
    if (w->key == NULL)
        return stick(w, DK_ENOMEM, "out of memory");
    if (len > 0)
        memcpy(w->key, key, len);
    w->key[len] = '\0';
    return DK_OK;
}

dk_status dk_json_put_string(dk_json_writer_t *w, const char *s, size_t len)
{
    char buf[256];
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK || (st = check_text(w, s, len, "a string")) != DK_OK)
        return st;
    char *t = terminated(s, len, buf, sizeof buf);
    if (t == NULL)
        return stick(w, DK_ENOMEM, "out of memory");
    dk__json_init();
    st = place(w, cJSON_CreateString(t));
    if (t != buf)
        dk_free(t);
    return st;
}

/* Adds number text as a raw item (the writer made it, so it is valid JSON). */
static dk_status put_raw(dk_json_writer_t *w, const char *text)
{
    dk__json_init();
    return place(w, cJSON_CreateRaw(text));
}

/*
 * dk_json_put_number - the shortest of %.15g, %.16g and %.17g that strtod reads back to exactly
 * `v` (17 significant digits always do). printf and strtod agree on the locale's decimal
 * point, so the round trip is tested in it and the point is made a '.' afterwards.
 */
dk_status dk_json_put_number(dk_json_writer_t *w, double v)
{
    char text[32];
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK)
        return st;
    if (!isfinite(v))
        return stick(w, DK_EINVAL, "cannot write %s: JSON numbers are finite",
                     isnan(v) ? "NaN"
                     : v > 0  ? "infinity"
                              : "-infinity");
    for (int digits = 15; digits <= 17; digits++) {
        dk_snprintf(text, sizeof text, "%.*g", digits, v);
        if (dk_strtod(text, NULL) == v)
            break;
    }
    char point = localeconv()->decimal_point[0];
    if (point != '.') {
        char *p = strchr(text, point);
        if (p != NULL)
            *p = '.';
    }
    return put_raw(w, text);
}

dk_status dk_json_put_integer(dk_json_writer_t *w, int64_t v)
{
    char text[24];
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK)
        return st;
    dk_snprintf(text, sizeof text, "%" PRId64, v);
    return put_raw(w, text);
}

dk_status dk_json_put_bool(dk_json_writer_t *w, int v)
{
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK)
        return st;
    dk__json_init();
    return place(w, cJSON_CreateBool(v != 0));
}

dk_status dk_json_put_null(dk_json_writer_t *w)
{
    dk_status st;

    if (w == NULL)
        return DK_EINVAL;
    if ((st = placeable(w)) != DK_OK)
        return st;
    dk__json_init();
    return place(w, cJSON_CreateNull());
}

dk_status dk_json_writer_finish(dk_json_writer_t *w, char **text, size_t *len, dk_error *err)
{
    if (text != NULL)
        *text = NULL;
    if (len != NULL)
        *len = 0;
    if (w == NULL || text == NULL)
        return dk_error_set(err, DK_EINVAL, "json: a writer and somewhere to put the text");
    if (w->err.status != DK_OK) {
        if (err != NULL) {
            *err = w->err;
            dk_error_prefix(err, "json: ");
        }
        return w->err.status;
    }
    if (w->root == NULL)
        return dk_error_set(err, DK_ESTATE, "json: nothing was written");
    if (w->depth > 0)
        return dk_error_set(err, DK_ESTATE, "json: %zu container%s still open", w->depth,
                            w->depth == 1 ? " is" : "s are");
    dk__json_init();
    *text = w->style == DK_JSON_PRETTY ? cJSON_Print(w->root) : cJSON_PrintUnformatted(w->root);
    if (*text == NULL)
        return dk_error_set(err, DK_ENOMEM, "json: out of memory printing");
    if (len != NULL)
        *len = strlen(*text);
    return DK_OK;
}

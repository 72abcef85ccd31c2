/* json.h - JSON text in and out for any caller: a writer that checks nesting, a read-only tree. */
#ifndef DESIGNKIT_JSON_H
#define DESIGNKIT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Both halves live in export/json_value.c and go through cJSON, so designkit has one JSON
 * implementation; nothing here exposes it. Text is UTF-8. Strings may not contain NUL (U+0000):
 * the writer refuses it and the reader refuses "\u0000", so what one writes the other reads. */

/* The deepest nesting either half accepts: "[[1]]" is 2 deep. A bound keeps a hostile document
 * from exhausting the stack of a recursive reader; real documents stay far below it. */
#define DK_JSON_MAX_DEPTH 512

/* ---- the writer ---- */

/* Calls build one value (usually an object or an array), then dk_json_writer_finish prints it.
 * The writer checks that calls nest: a key only directly inside an object and followed by one
 * value, closes matching opens, one top-level value. The first failure sticks: every later call
 * returns the same status and does nothing, so a caller may check each call or only the finish.
 * Members come out in the order they were written (sort keys first for deterministic text). */
typedef struct dk_json_writer dk_json_writer_t;

typedef enum dk_json_style {
    DK_JSON_COMPACT, /* {"a":[1,2],"b":"x"} */
    DK_JSON_PRETTY   /* one member per line, tab-indented, as the model and report files */
} dk_json_style;

/* A new, empty writer; caller frees with dk_json_writer_free. NULL with *status DK_ENOMEM. */
dk_json_writer_t *dk_json_writer_new(dk_json_style style, dk_status *status);
void dk_json_writer_free(dk_json_writer_t *w); /* NULL is a no-op */

/* Open and close containers. DK_ESTATE for a close that does not match the innermost open (or
 * follows a key with no value), for a value where one cannot go (an object member without a
 * key, a second top-level value); DK_ERANGE past DK_JSON_MAX_DEPTH; DK_ENOMEM. */
dk_status dk_json_open_object(dk_json_writer_t *w);
dk_status dk_json_close_object(dk_json_writer_t *w);
dk_status dk_json_open_array(dk_json_writer_t *w);
dk_status dk_json_close_array(dk_json_writer_t *w);

/* The key of the next member of the innermost object: `len` bytes (copied). DK_ESTATE outside
 * an object or right after another key; DK_EINVAL if the bytes are not UTF-8 or hold a NUL. */
dk_status dk_json_put_key(dk_json_writer_t *w, const char *key, size_t len);

/* Values. A string is `len` bytes of UTF-8 without NUL (DK_EINVAL otherwise; copied). A number
 * must be finite (DK_EINVAL for NaN and infinities: JSON has no spelling for them) and prints
 * as the shortest text that reads back to the same double, whole numbers without ".0"; an
 * integer prints exactly, all 64 bits. Each can fail as a value in the wrong place does. */
dk_status dk_json_put_string(dk_json_writer_t *w, const char *s, size_t len);
dk_status dk_json_put_number(dk_json_writer_t *w, double v);
dk_status dk_json_put_integer(dk_json_writer_t *w, int64_t v);
dk_status dk_json_put_bool(dk_json_writer_t *w, int v);
dk_status dk_json_put_null(dk_json_writer_t *w);

/* The message of the failure that stuck ("a key outside an object"), "" while all is well.
 * Borrowed: valid until the writer is freed. */
const char *dk_json_writer_error(const dk_json_writer_t *w);

/* Prints the value written so far: *text (NUL-terminated, freed by the caller with dk_free)
 * and its length in *len (`len` may be NULL). DK_ESTATE if nothing was written or a container
 * is still open; the sticky failure if there was one; DK_ENOMEM. `err` gets the message. The
 * writer is left as it was, so finishing twice prints the same text twice. */
dk_status dk_json_writer_finish(dk_json_writer_t *w, char **text, size_t *len, dk_error *err);

/* ---- the reader ---- */

/* A parsed document: a read-only tree of values owned by the document. Every value pointer
 * handed out is borrowed and valid until dk_json_doc_free. */
typedef struct dk_json_doc dk_json_doc_t;
typedef struct dk_json_value dk_json_value_t;

typedef enum dk_json_type {
    DK_JSON_NULL,
    DK_JSON_BOOL,
    DK_JSON_NUMBER,
    DK_JSON_STRING,
    DK_JSON_ARRAY,
    DK_JSON_OBJECT
} dk_json_type;

/* Parses `len` bytes of `text` (which need not be NUL-terminated), strictly as RFC 8259 says:
 * one value, nothing after it but whitespace, UTF-8 throughout (a leading byte-order mark is
 * skipped). Also refused: nesting deeper than `max_depth` (0, or anything above
 * DK_JSON_MAX_DEPTH, means DK_JSON_MAX_DEPTH), a number that does not fit a double or is longer
 * than 63 characters, "\u0000", and a key repeated in one object (which value was meant?).
 * Numbers are read as doubles, as in JavaScript: integers are exact up to 2^53.
 * Failure: NULL with `err` as "source:line:col: message" (DK_EPARSE; lines and columns count
 * from 1, columns in bytes), e.g. "config.json:3:14: expected ',' or '}' (got '\"')"; DK_ENOMEM.
 * `source` names the text in messages; NULL gives "<json>". Caller frees with dk_json_doc_free.
 */
dk_json_doc_t *dk_json_parse(const char *text, size_t len, const char *source, size_t max_depth,
                             dk_error *err);
void dk_json_doc_free(dk_json_doc_t *doc); /* NULL is a no-op */

/* The document's top-level value (never NULL for a parsed document). */
const dk_json_value_t *dk_json_root(const dk_json_doc_t *doc);

/* The accessors take any value and answer for the wrong type as noted, so a reader can probe
 * without checking the type first; NULL is taken as a JSON null. */
dk_json_type dk_json_type_of(const dk_json_value_t *v);
const char *dk_json_type_name(dk_json_type t);   /* "null", "a boolean", "a number", ... */
int dk_json_bool(const dk_json_value_t *v);      /* 1 for true; 0 for false and other types */
double dk_json_number(const dk_json_value_t *v); /* NaN unless a number */
/* 1 and the value in *out when `v` is a number with no fraction and magnitude below 2^53 (so
 * the text was surely that integer); 0 otherwise, *out untouched. */
int dk_json_integer(const dk_json_value_t *v, int64_t *out);
/* A string's bytes (NUL-terminated, no NUL inside) and length (`len` may be NULL); NULL unless
 * a string. */
const char *dk_json_string(const dk_json_value_t *v, size_t *len);

/* Members of an array or object, in document order: dk_json_first then dk_json_next until
 * NULL. dk_json_count counts them (0 for other types; it walks, so call it once). */
size_t dk_json_count(const dk_json_value_t *v);
const dk_json_value_t *dk_json_first(const dk_json_value_t *v);
const dk_json_value_t *dk_json_next(const dk_json_value_t *member);
/* The key of an object member (NUL-terminated; `len` may be NULL); NULL for an array item. */
const char *dk_json_key(const dk_json_value_t *member, size_t *len);
/* The member of object `obj` with exactly this key, or NULL (also when `obj` is no object). */
const dk_json_value_t *dk_json_find(const dk_json_value_t *obj, const char *key);

#ifdef __cplusplus
}
#endif
#endif

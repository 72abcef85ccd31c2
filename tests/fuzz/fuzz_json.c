/* fuzz_json.c - libFuzzer target: the generic JSON reader takes any bytes without crashing;
 * whatever it accepts, the writer writes back, and the reader reads that again to the same
 * text (a fixed point after one round). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/designkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes `v` with `w`; DK_OK or the writer's first failure. */
static dk_status write_value(dk_json_writer_t *w, const dk_json_value_t *v)
{
    size_t len;
    int64_t i;
    const char *s;

    switch (dk_json_type_of(v)) {
    case DK_JSON_NULL:
        return dk_json_put_null(w);
    case DK_JSON_BOOL:
        return dk_json_put_bool(w, dk_json_bool(v));
    case DK_JSON_NUMBER:
        if (dk_json_integer(v, &i))
            return dk_json_put_integer(w, i);
        return dk_json_put_number(w, dk_json_number(v));
    case DK_JSON_STRING:
        s = dk_json_string(v, &len);
        return dk_json_put_string(w, s, len);
    case DK_JSON_ARRAY:
        dk_json_open_array(w);
        for (const dk_json_value_t *e = dk_json_first(v); e != NULL; e = dk_json_next(e))
            write_value(w, e);
        return dk_json_close_array(w);
    case DK_JSON_OBJECT:
        dk_json_open_object(w);
        for (const dk_json_value_t *e = dk_json_first(v); e != NULL; e = dk_json_next(e)) {
            s = dk_json_key(e, &len);
            dk_json_put_key(w, s, len);
            write_value(w, e);
        }
        return dk_json_close_object(w);
    }
    return DK_EINVAL;
}

/* The text of `doc` as the writer writes it compactly; NULL if it would not write. */
static char *rewrite(const dk_json_doc_t *doc, size_t *len)
{
    dk_json_writer_t *w = dk_json_writer_new(DK_JSON_COMPACT, NULL);
    char *text = NULL;
    if (w == NULL)
        return NULL;
    write_value(w, dk_json_root(doc));
    if (dk_json_writer_finish(w, &text, len, NULL) != DK_OK)
        text = NULL;
    dk_json_writer_free(w);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dk_error err;
    dk_json_doc_t *doc = dk_json_parse((const char *)data, size, "fuzz.json", 64, &err);
    if (doc == NULL)
        return 0;
    size_t len1, len2;
    char *once = rewrite(doc, &len1);
    dk_json_doc_free(doc);
    if (once == NULL)
        abort(); /* what the reader accepts, the writer must write */
    dk_json_doc_t *again = dk_json_parse(once, len1, "once.json", 64, &err);
    if (again == NULL)
        abort(); /* and what the writer writes, the reader must read */
    char *twice = rewrite(again, &len2);
    dk_json_doc_free(again);
    if (twice == NULL || len1 != len2 || memcmp(once, twice, len1) != 0)
        abort();
    dk_free(once);
    dk_free(twice);
    return 0;
}

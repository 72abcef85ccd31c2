/* strbuf.h - a growing NUL-terminated string for writers that build text piece by piece (model
 * JSON's notes, the Mermaid, SCXML and DOT writers, generated paths).
 *
 * Out of memory does not stop a writer midway: `failed` sticks, every later put is a no-op, and
 * the writer checks it once at the end. Start one zeroed (`dk_strbuf b = {0};`); `s` is NULL
 * until the first put, then always NUL-terminated. Not thread-safe; one owner. */
#ifndef DESIGNKIT_STRBUF_H
#define DESIGNKIT_STRBUF_H

#include <stddef.h>

typedef struct dk_strbuf {
    char *s;    /* the text, NUL-terminated once anything was put; freed with dk_free */
    size_t len; /* bytes in `s`, without the NUL */
    size_t cap; /* bytes allocated */
    int failed; /* an allocation failed: the text is incomplete */
} dk_strbuf;

void dk_strbuf_put_n(dk_strbuf *b, const char *s, size_t n);
void dk_strbuf_put(dk_strbuf *b, const char *s); /* NUL-terminated `s` */

/* Appends printf-style text, numbers written through designkit/locale.h (C locale whatever the
 * process's locale is). */
void dk_strbuf_printf(dk_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Frees the text and zeroes `b`, ready to be used again. */
void dk_strbuf_free(dk_strbuf *b);

#endif

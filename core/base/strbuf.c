/* strbuf.c - a growing string whose out-of-memory state sticks (see strbuf.h). */
#include "designkit/strbuf.h"

#include <stdarg.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"

/* Makes room for `n` more bytes and the NUL, doubling from 256 so that a text of length L costs
 * O(L) copies in all. */
static int reserve(dk_strbuf *b, size_t n)
{
    if (b->failed)
        return 0;
    if (b->len + n + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (b->len + n + 1 > cap)
        cap *= 2;
    char *p = dk_realloc(b->s, cap);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }
    b->s = p;
    b->cap = cap;
    return 1;
}

void dk_strbuf_put_n(dk_strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void dk_strbuf_put(dk_strbuf *b, const char *s)
{
    dk_strbuf_put_n(b, s, strlen(s));
}

void dk_strbuf_printf(dk_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = dk_vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    dk_vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void dk_strbuf_free(dk_strbuf *b)
{
    dk_free(b->s);
    memset(b, 0, sizeof *b);
}

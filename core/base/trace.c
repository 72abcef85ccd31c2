/* trace.c - the reader of block traces in the ARC paper's .lis format (designkit/trace.h). */
#include "designkit/trace.h"

#include <string.h>

static const char *const field_names[] = {"start", "count", "3", "4"};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The unsigned decimal `s` (n bytes, n >= 1) into *v: DK_EPARSE for anything but digits,
 * DK_ERANGE above UINT64_MAX. */
static dk_status parse_u64(const char *s, size_t n, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return DK_EPARSE;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return DK_ERANGE;
        x = x * 10 + d;
    }
    *v = x;
    return DK_OK;
}

/* One line (without its \n) numbered `lineno`: a request for `fn`, nothing for a blank line, or
 * an error. */
static dk_status parse_line(const char *s, size_t n, const char *source, size_t lineno,
                            dk_trace_fn fn, void *ctx, dk_error *err)
{
    uint64_t v[4];
    size_t nfields = 0, i = 0;

    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !is_space(s[i]))
            i++;
        if (nfields == 4) {
            nfields++;
            break;
        }
        dk_status st = parse_u64(s + start, i - start, &v[nfields]);
        if (st != DK_OK) {
            int shown = i - start > 24 ? 24 : (int)(i - start);
            return dk_error_set(
                err, st, "%s:%zu: field %zu (%s) \"%.*s%s\" %s", source, lineno, nfields + 1,
                field_names[nfields], shown, s + start, i - start > 24 ? "..." : "",
                st == DK_ERANGE ? "is above 2^64 - 1" : "is not an unsigned decimal integer");
        }
        nfields++;
    }
    if (nfields == 0)
        return DK_OK;
    if (nfields != 4)
        return dk_error_set(
            err, DK_EPARSE, "%s:%zu: expected 4 fields (start count ignored ignored), got %s%zu",
            source, lineno, nfields > 4 ? "more than " : "", nfields > 4 ? (size_t)4 : nfields);
    if (v[1] == 0)
        return dk_error_set(err, DK_EPARSE, "%s:%zu: field 2 (count) must be at least 1", source,
                            lineno);
    if (v[1] - 1 > UINT64_MAX - v[0])
        return dk_error_set(err, DK_ERANGE, "%s:%zu: %llu blocks from block %llu run past 2^64 - 1",
                            source, lineno, (unsigned long long)v[1], (unsigned long long)v[0]);
    return fn(ctx, v[0], v[1]);
}

dk_status dk_trace_parse(const char *text, size_t len, const char *source, dk_trace_fn fn,
                         void *ctx, dk_error *err)
{
    size_t lineno = 1, pos = 0;

    if (source == NULL)
        source = "trace";
    if ((text == NULL && len > 0) || fn == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_trace_parse: text and callback are required");
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        /* the length first, as dk_trace_read, which stops reading a line at its limit */
        if (n > DK_TRACE_LINE_MAX)
            return dk_error_set(err, DK_EPARSE, "%s:%zu: line longer than %d bytes", source, lineno,
                                DK_TRACE_LINE_MAX);
        if (memchr(text + pos, '\0', n) != NULL)
            return dk_error_set(err, DK_EPARSE, "%s:%zu: a NUL byte (not a text trace?)", source,
                                lineno);
        dk_status st = parse_line(text + pos, n, source, lineno, fn, ctx, err);
        if (st != DK_OK)
            return st;
        pos += n + (nl != NULL);
        lineno++;
    }
    return DK_OK;
}

/*
 * dk_trace_read - line by line through a fixed buffer: a trace of millions of lines is read in
 * constant memory, and a line too long for the buffer is an error, not a silent split. getc,
 * not fgets, so that a NUL byte inside a line is seen rather than cutting it.
 */
dk_status dk_trace_read(FILE *f, const char *source, dk_trace_fn fn, void *ctx, dk_error *err)
{
    char line[DK_TRACE_LINE_MAX];
    size_t lineno = 0;

    if (source == NULL)
        source = "trace";
    if (f == NULL || fn == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_trace_read: file and callback are required");
    for (;;) {
        size_t n = 0;
        int c;
        while ((c = getc(f)) != EOF && c != '\n') {
            if (n == sizeof line)
                return dk_error_set(err, DK_EPARSE, "%s:%zu: line longer than %d bytes", source,
                                    lineno + 1, DK_TRACE_LINE_MAX);
            line[n++] = (char)c;
        }
        if (c == EOF && n == 0)
            break;
        lineno++;
        if (memchr(line, '\0', n) != NULL)
            return dk_error_set(err, DK_EPARSE, "%s:%zu: a NUL byte (not a text trace?)", source,
                                lineno);
        dk_status st = parse_line(line, n, source, lineno, fn, ctx, err);
        if (st != DK_OK)
            return st;
        if (c == EOF)
            break;
    }
    if (ferror(f))
        return dk_error_set(err, DK_EIO, "%s: read error after line %zu", source, lineno);
    return DK_OK;
}

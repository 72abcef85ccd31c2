/* trace.h - block traces in the ARC paper's .lis format, as the cache studies replay them. */
#ifndef DESIGNKIT_TRACE_H
#define DESIGNKIT_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The format (Megiddo & Modha, FAST 2003): one request per line, four whitespace-separated
 * unsigned decimal fields, "start count ignored ignored": `count` consecutive blocks from block
 * `start` (count >= 1; OLTP's lines are all count 1). Blank lines are skipped and a line may end
 * in \r\n. Anything else is an error naming the line:
 *   OLTP.lis:12: expected 4 fields (start count ignored ignored), got 2
 *   P3.lis:7: field 2 (count) "0x10" is not an unsigned decimal integer
 * A trace holds no NUL byte, and a line is at most DK_TRACE_LINE_MAX bytes. */
#define DK_TRACE_LINE_MAX 255

/* Called once per request, in order; a status other than DK_OK stops the reading and is
 * returned as it is. */
typedef dk_status (*dk_trace_fn)(void *ctx, uint64_t start, uint64_t count);

/* Reads the trace `text` (len bytes, need not be NUL-terminated) named `source` in messages
 * (NULL: "trace"). DK_EPARSE with `err` at the first malformed line (DK_ERANGE for a number
 * above 2^64 - 1 or a run past the last block), or the callback's status. */
dk_status dk_trace_parse(const char *text, size_t len, const char *source, dk_trace_fn fn,
                         void *ctx, dk_error *err);

/* As dk_trace_parse, reading `f` to its end (a pipe from gzip -dc will do). DK_EIO when reading
 * fails. Allocates nothing. */
dk_status dk_trace_read(FILE *f, const char *source, dk_trace_fn fn, void *ctx, dk_error *err);

#ifdef __cplusplus
}
#endif

#endif

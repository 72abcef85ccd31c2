/* status.c - status descriptions and the caller-owned error detail (dk_error). */
#include "designkit/locale.h"
#include "designkit/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * dk_strerror - the static description of a status from the one X-macro list, so a code added
 * to the list cannot be forgotten here. Unknown codes give "unknown status", never NULL.
 */
const char *dk_strerror(dk_status status)
{
    switch (status) {
#define DK__STATUS_TEXT(name, value, text)                                                         \
    case name:                                                                                     \
        return text;
        DK_STATUS_LIST(DK__STATUS_TEXT)
#undef DK__STATUS_TEXT
    }
    return "unknown status";
}

/*
 * dk_error_clear - resets `err` to DK_OK with an empty message; NULL is a no-op.
 */
void dk_error_clear(dk_error *err)
{
    if (err == NULL)
        return;
    err->status = DK_OK;
    err->message[0] = '\0';
}

/*
 * dk_error_setv - records `status` and the formatted message, truncated to DK_ERROR_MAX - 1
 * bytes (vsnprintf always terminates). An encoding error leaves an empty message rather than
 * garbage. Returns `status` so failure paths can `return dk_error_setv(...)`.
 */
dk_status dk_error_setv(dk_error *err, dk_status status, const char *fmt, va_list ap)
{
    if (err == NULL)
        return status;
    err->status = status;
    if (fmt == NULL || dk_vsnprintf(err->message, sizeof err->message, fmt, ap) < 0)
        err->message[0] = '\0';
    return status;
}

/*
 * dk_error_set - as dk_error_setv with variadic arguments.
 */
dk_status dk_error_set(dk_error *err, dk_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dk_error_setv(err, status, fmt, ap);
    va_end(ap);
    return status;
}

/*
 * dk_error_prefix - puts formatted context before the existing message, keeping the status.
 * The old message is copied aside first because the prefix is written into the same buffer;
 * when the whole does not fit, the tail of the old message is what gets cut.
 */
void dk_error_prefix(dk_error *err, const char *fmt, ...)
{
    char old[DK_ERROR_MAX];
    va_list ap;
    int n;

    if (err == NULL || fmt == NULL)
        return;
    memcpy(old, err->message, sizeof old);
    old[sizeof old - 1] = '\0';
    va_start(ap, fmt);
    n = dk_vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0) {
        memcpy(err->message, old, sizeof old);
        return;
    }
    if ((size_t)n < sizeof err->message - 1)
        dk_snprintf(err->message + n, sizeof err->message - (size_t)n, "%s", old);
}

/*
 * dk__assert_fail - DK_ASSERT's failure: names the broken invariant and its place on stderr,
 * then aborts (a core dump or a debugger shows the rest).
 */
void dk__assert_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "designkit: internal error: %s:%d: assertion failed: %s\n", file, line, what);
    abort();
}

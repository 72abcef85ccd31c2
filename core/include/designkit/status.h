/* status.h - status codes and error details shared by every designkit function. */
#ifndef DESIGNKIT_STATUS_H
#define DESIGNKIT_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One list, three uses: the enum, dk_strerror() and the tests that walk every code. */
#define DK_STATUS_LIST(X)                                                                          \
    X(DK_OK, 0, "ok")                                                                              \
    X(DK_ENOMEM, -1, "out of memory")                                                              \
    X(DK_EINVAL, -2, "invalid argument")                                                           \
    X(DK_ERANGE, -3, "value out of range")                                                         \
    X(DK_ENOTFOUND, -4, "not found")                                                               \
    X(DK_EEXIST, -5, "already exists")                                                             \
    X(DK_EIO, -6, "input/output error")                                                            \
    X(DK_EPARSE, -7, "parse error")                                                                \
    X(DK_ESTATE, -8, "invalid state")                                                              \
    X(DK_EFULL, -9, "full")                                                                        \
    X(DK_EUNSUPPORTED, -10, "not supported")                                                       \
    X(DK_EINTERNAL, -11, "internal error")                                                         \
    X(DK_ELIMIT, -12, "limit reached")                                                             \
    X(DK_EINTR, -13, "interrupted")

typedef enum dk_status {
#define DK__STATUS_ENUM(name, value, text) name = value,
    DK_STATUS_LIST(DK__STATUS_ENUM)
#undef DK__STATUS_ENUM
} dk_status;

/* A short, static, English description of a status ("out of memory"). Never NULL: an unknown
 * code gives "unknown status". */
const char *dk_strerror(dk_status status);

/* Detail of a failure, owned by the caller (usually on its stack). Functions that can fail for
 * reasons a user must see take an optional `dk_error *`; NULL means "I only want the status". */
#define DK_ERROR_MAX 512
typedef struct dk_error {
    dk_status status;
    char message[DK_ERROR_MAX]; /* NUL-terminated; names the place: component, field, text */
} dk_error;

/* Clears `err` to DK_OK and an empty message. NULL is a no-op. */
void dk_error_clear(dk_error *err);

/* Records `status` and a printf-style message in `err` (truncated to fit) and returns `status`,
 * so that a failure path reads `return dk_error_set(err, DK_EINVAL, "...", ...);`.
 * NULL `err` only returns `status`. */
dk_status dk_error_set(dk_error *err, dk_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* As dk_error_set, with a va_list. */
dk_status dk_error_setv(dk_error *err, dk_status status, const char *fmt, va_list ap);

/* Prefixes the existing message with printf-style context ("cache \"redis\": " + message), so
 * that an inner function can report the field and an outer one add the component. */
void dk_error_prefix(dk_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* DK_ASSERT guards internal invariants only (a property id outside its kind's schema, ...):
 * input is validated and reported, never asserted. A failure prints the place and aborts, in
 * every build type, because carrying on would read or write memory that is not there. */
#define DK_ASSERT(cond) ((cond) ? (void)0 : dk__assert_fail(#cond, __FILE__, __LINE__))
void dk__assert_fail(const char *what, const char *file, int line)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif

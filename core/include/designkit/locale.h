/* locale.h - numbers in the C locale whatever the process's locale is. A program (or a script
 * under --unsafe) may call setlocale with a decimal comma; designkit's JSON, DOT, reports and
 * messages must still read 0.5, and "1.5s" must still parse. These switch the calling thread to
 * the C locale for the one call (uselocale), so they are thread safe and leave the process's
 * locale as it was. */
#ifndef DESIGNKIT_LOCALE_H
#define DESIGNKIT_LOCALE_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* snprintf and vsnprintf, with the C locale's decimal point and no grouping. */
int dk_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int dk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* strtod reading a decimal point, never a comma. */
double dk_strtod(const char *text, char **end);

#ifdef __cplusplus
}
#endif
#endif

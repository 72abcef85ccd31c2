/* locale.c - formatting and parsing numbers in the C locale, whatever setlocale says. */
#define _GNU_SOURCE /* strtod_l */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "designkit/locale.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The C locale object, or 0 if it could not be made (then the calls below use the current
 * locale: the C library's own, unless someone changed it). */
static locale_t the_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

int dk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    locale_t c = the_c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    int n = vsnprintf(buf, size, fmt, ap);
    if (c)
        uselocale(old);
    return n;
}

int dk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = dk_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

double dk_strtod(const char *text, char **end)
{
    locale_t c = the_c_locale();
    return c ? strtod_l(text, end, c) : strtod(text, end);
}

/* units.c - parse and format durations, sizes, rates and percentages as people write them. */
#include "designkit/locale.h"
#include "designkit/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A decimal number as written: value = mant * 10^exp10. Digits that would overflow the
 * 64-bit mantissa are dropped (shifting the exponent), far below any unit's resolution;
 * `inexact` records that a non-zero one was, so that a value just past a limit is not
 * truncated into range. */
typedef struct number {
    uint64_t mant;
    long exp10;
    int inexact;
} number;

typedef struct unit {
    const char *name;
    uint64_t scale; /* in the base quantity: nanoseconds, bytes */
} unit;

static const unit duration_units[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000}, /* MICRO SIGN */
    {"\xCE\xBCs", 1000}, /* GREEK SMALL LETTER MU, which looks the same */
    {"ms", 1000000},
    {"s", UINT64_C(1000000000)},
    {"m", UINT64_C(60000000000)},
    {"min", UINT64_C(60000000000)},
    {"h", UINT64_C(3600000000000)},
    {"d", UINT64_C(86400000000000)},
    {"w", UINT64_C(604800000000000)},
    {"y", UINT64_C(31536000000000000)},
};
#define DURATION_UNITS "ns, us, ms, s, m, h, d, w, y"

static const unit size_units[] = {
    {"B", 1},
    {"KB", UINT64_C(1000)},
    {"kB", UINT64_C(1000)},
    {"MB", UINT64_C(1000000)},
    {"GB", UINT64_C(1000000000)},
    {"TB", UINT64_C(1000000000000)},
    {"PB", UINT64_C(1000000000000000)},
    {"EB", UINT64_C(1000000000000000000)},
    {"KiB", UINT64_C(1) << 10},
    {"MiB", UINT64_C(1) << 20},
    {"GiB", UINT64_C(1) << 30},
    {"TiB", UINT64_C(1) << 40},
    {"PiB", UINT64_C(1) << 50},
    {"EiB", UINT64_C(1) << 60}, /* dk_format_size writes it, so it must read back */
};
#define SIZE_UNITS "B, KB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, PiB, EiB"
#define RATE_UNITS "/s, /ms, /us, /ns, /m or /min, /h, /d, rps, qps; k, M, G multiply"

#define NUNITS(t) (sizeof(t) / sizeof((t)[0]))

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *skip_spaces(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/* 1 when m * 10 + digit still fits in 64 bits. */
static int fits_digit(uint64_t m, char digit)
{
    uint64_t d = (uint64_t)(digit - '0');
    return m < UINT64_MAX / 10 || (m == UINT64_MAX / 10 && d <= UINT64_MAX % 10);
}

/* Scans digits [. digits] [e [sign] digits] at p. Returns the characters used, 0 if there is
 * no number. An 'e' without digits after it is left for the unit. */
static size_t scan_number(const char *p, number *num)
{
    const char *start = p;
    uint64_t m = 0;
    long e = 0;
    int digits = 0, inexact = 0;

    for (; is_digit(*p); p++, digits++) {
        if (fits_digit(m, *p)) {
            m = m * 10 + (uint64_t)(*p - '0');
        } else {
            e++;
            inexact |= *p != '0';
        }
    }
    if (*p == '.') {
        for (p++; is_digit(*p); p++, digits++) {
            if (fits_digit(m, *p)) {
                m = m * 10 + (uint64_t)(*p - '0');
                e--;
            } else {
                inexact |= *p != '0';
            }
        }
    }
    if (digits == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int neg = 0;
        long x = 0;
        if (*q == '+' || *q == '-')
            neg = *q++ == '-';
        if (is_digit(*q)) {
            for (; is_digit(*q); q++) {
                if (x < 100000)
                    x = x * 10 + (*q - '0'); /* beyond this every result is 0 or overflow */
            }
            e += neg ? -x : x;
            p = q;
        }
    }
    num->mant = m;
    num->exp10 = e;
    num->inexact = inexact;
    return (size_t)(p - start);
}

/* The number as a double, correctly rounded when mant <= 2^53 and |exp10| <= 22. */
static double number_value(const number *num, long extra_exp)
{
    long e = num->exp10 + extra_exp;
    double m = (double)num->mant;
    if (num->mant == 0)
        return 0;
    if (e >= 0 && e <= 22)
        return m * pow10_exact[e];
    if (e < 0 && e >= -22)
        return m / pow10_exact[-e];
    return m * pow(10, (double)e);
}

/* round(mant * 10^exp10 * scale), half away from zero, into *out. 0 if it exceeds `limit`. */
static int scale_exact(const number *num, uint64_t scale, uint64_t limit, uint64_t *out)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 v = (u128)num->mant * scale;
    if (num->inexact && num->exp10 >= 0) {
        /* The true value lies below (mant + 1) * 10^exp10 * scale: out of range when that
         * bound, less one, is. */
        uint64_t upper;
        number next = {num->mant + 1, num->exp10, 0};
        if (num->mant == UINT64_MAX || !scale_exact(&next, scale, UINT64_MAX, &upper) ||
            upper - 1 > limit)
            return 0;
    }
    if (v != 0 && num->exp10 >= 0) {
        for (long i = 0; i < num->exp10; i++) {
            if (v > limit)
                return 0;
            v *= 10; /* v <= limit < 2^64 before, so no wrap */
        }
    } else if (v != 0) {
        u128 d = 1, q, r;
        if (num->exp10 < -38) { /* v < 2^128 < 10^39 / 2: rounds to 0 */
            *out = 0;
            return 1;
        }
        for (long i = 0; i < -num->exp10; i++)
            d *= 10;
        q = v / d;
        r = v % d;
        if (r >= d - r)
            q++;
        v = q;
    }
    if (v > limit)
        return 0;
    *out = (uint64_t)v;
    return 1;
#else
    long double v = (long double)number_value(num, 0) * (long double)scale;
    if (!(v < (long double)limit + 0.5L))
        return 0;
    *out = (uint64_t)(v + 0.5L);
    return 1;
#endif
}

/* Copies text into buf for quoting in a message, cut to a readable length. */
static const char *shown(const char *text, char *buf, size_t size)
{
    size_t n = strlen(text);
    if (n < size) {
        memcpy(buf, text, n + 1);
    } else {
        memcpy(buf, text, size - 4);
        memcpy(buf + size - 4, "...", 4);
    }
    return buf;
}

/* Reports "invalid WHAT "TEXT": REASON" and returns `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static dk_status
fail(dk_error *err, dk_status status, const char *what, const char *text, const char *fmt, ...)
{
    char quoted[64], reason[DK_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    dk_vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return dk_error_set(err, status, "invalid %s \"%s\": %s", what,
                        shown(text, quoted, sizeof quoted), reason);
}

/* Splits " <number> <unit> " into the number and the trimmed unit (possibly empty). */
static dk_status split(const char *what, const char *text, number *num, char *unit_buf,
                       size_t unit_size, dk_error *err)
{
    const char *p, *end;
    size_t used, ulen;

    if (text == NULL)
        return dk_error_set(err, DK_EINVAL, "invalid %s: no text", what);
    p = skip_spaces(text);
    if (*p == '\0')
        return fail(err, DK_EPARSE, what, text, "empty");
    if (*p == '-')
        return fail(err, DK_EPARSE, what, text, "must not be negative");
    if (*p == '+')
        return fail(err, DK_EPARSE, what, text, "a sign is not allowed");
    used = scan_number(p, num);
    if (used == 0)
        return fail(err, DK_EPARSE, what, text, "expected a number");
    p = skip_spaces(p + used);
    end = p + strlen(p);
    while (end > p && is_space(end[-1]))
        end--;
    ulen = (size_t)(end - p);
    if (ulen >= unit_size)
        ulen = unit_size - 1; /* an absurdly long unit is unknown either way */
    memcpy(unit_buf, p, ulen);
    unit_buf[ulen] = '\0';
    return DK_OK;
}

static const unit *find_unit(const unit *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    }
    return NULL;
}

/* Parses "<number> <unit>" into round(number * unit) in [0, limit]. */
static dk_status parse_scaled(const char *what, const unit *table, size_t n, const char *names,
                              uint64_t limit, const char *text, uint64_t *out, dk_error *err)
{
    number num;
    char name[32];
    const unit *u;
    dk_status st = split(what, text, &num, name, sizeof name, err);
    if (st != DK_OK)
        return st;
    if (name[0] == '\0')
        return fail(err, DK_EPARSE, what, text, "missing unit (use %s)", names);
    u = find_unit(table, n, name);
    if (u == NULL)
        return fail(err, DK_EPARSE, what, text, "unknown unit \"%s\" (use %s)", name, names);
    if (!scale_exact(&num, u->scale, limit, out))
        return fail(err, DK_ERANGE, what, text, "too large");
    return DK_OK;
}

/*
 * dk_parse_duration - "1.5s", "250 ms", "2e3us" into nanoseconds, rounded to the nearest
 * (exactly: the decimal is scaled in integers, so "0.1s" is 100000000). A unit is required.
 * DK_EPARSE for bad text, DK_ERANGE past INT64_MAX nanoseconds (about 292 years); `err`
 * quotes the text. *ns is written only on success.
 */
dk_status dk_parse_duration(const char *text, int64_t *ns, dk_error *err)
{
    uint64_t v;
    dk_status st = parse_scaled("duration", duration_units, NUNITS(duration_units), DURATION_UNITS,
                                INT64_MAX, text, &v, err);
    if (st == DK_OK && ns != NULL)
        *ns = (int64_t)v;
    return st;
}

/*
 * dk_parse_size - "500B", "1.5KB" (1500), "64KiB" (65536) into bytes, rounded to whole bytes.
 * Decimal units are powers of 1000, the "i" units powers of 1024. DK_ERANGE past UINT64_MAX.
 */
dk_status dk_parse_size(const char *text, uint64_t *bytes, dk_error *err)
{
    uint64_t v;
    dk_status st =
        parse_scaled("size", size_units, NUNITS(size_units), SIZE_UNITS, UINT64_MAX, text, &v, err);
    if (st == DK_OK && bytes != NULL)
        *bytes = v;
    return st;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * dk_parse_rate - "1k/s", "250/ms", "3.5M/h", "100/min", "1200 rps" into events per second.
 * The multiplier is k (also K), M or G; "m" after the slash is minutes, like "min". DK_ERANGE
 * when the result is not finite.
 */
dk_status dk_parse_rate(const char *text, double *per_second, dk_error *err)
{
    number num;
    char rest[32];
    const char *p;
    double mult = 1, count, rate;
    uint64_t unit_ns = 0;
    dk_status st = split("rate", text, &num, rest, sizeof rest, err);

    if (st != DK_OK)
        return st;
    if (rest[0] == '\0')
        return fail(err, DK_EPARSE, "rate", text, "missing unit (use %s)", RATE_UNITS);
    p = rest;
    if (strchr("kKMG", *p) != NULL && *p != '\0') {
        const char *q = skip_spaces(p + 1);
        if (*q == '/' || starts_with(q, "rps") || starts_with(q, "qps")) {
            mult = *p == 'M' ? 1e6 : (*p == 'G' ? 1e9 : 1e3);
            p = q;
        }
    }
    if (*p == '/') {
        const unit *u = find_unit(duration_units, NUNITS(duration_units), skip_spaces(p + 1));
        if (u != NULL)
            unit_ns = u->scale;
    } else if (strcmp(p, "rps") == 0 || strcmp(p, "qps") == 0) {
        unit_ns = UINT64_C(1000000000);
    }
    if (unit_ns == 0)
        return fail(err, DK_EPARSE, "rate", text, "unknown unit \"%s\" (use %s)", rest, RATE_UNITS);
    count = number_value(&num, 0) * mult;
    /* count * 1e9 / unit: one rounding for whole numbers of events per sub-second unit. */
    rate = count * 1e9 / (double)unit_ns;
    if (!isfinite(rate))
        return fail(err, DK_ERANGE, "rate", text, "too large");
    if (per_second != NULL)
        *per_second = rate;
    return DK_OK;
}

/*
 * dk_parse_percent - "99.9%" into 0.999 (computed as 999 / 1000, so it is the double nearest
 * the written fraction). The percent sign is required; beyond 100% is DK_ERANGE.
 */
dk_status dk_parse_percent(const char *text, double *fraction, dk_error *err)
{
    number num;
    char rest[32];
    double f;
    dk_status st = split("percent", text, &num, rest, sizeof rest, err);
    if (st != DK_OK)
        return st;
    if (rest[0] == '\0')
        return fail(err, DK_EPARSE, "percent", text, "missing \"%%\"");
    if (strcmp(rest, "%") != 0)
        return fail(err, DK_EPARSE, "percent", text,
                    "expected \"%%\" after the number (got \"%s\")", rest);
    f = number_value(&num, -2);
    if (!(f <= 1))
        return fail(err, DK_ERANGE, "percent", text, "must be between 0%% and 100%%");
    if (fraction != NULL)
        *fraction = f;
    return DK_OK;
}

/* ---- formatting ------------------------------------------------------------------------ */

/* Decimals that leave 4 significant digits for v >= 1 (none from 1000 up). */
static int decimals_for(double v)
{
    return v < 10 ? 3 : v < 100 ? 2 : v < 1000 ? 1 : 0;
}

/* v rounded to 4 significant digits, as it would print. */
static double round4(double v)
{
    double p = pow10_exact[decimals_for(v)];
    return round(v * p) / p;
}

/* Writes sign, v (>= 1) with at most 4 significant digits and no trailing zeros, suffix. */
static void put_number(char *out, size_t size, const char *sign, double v, const char *suffix)
{
    char num[48];
    size_t n;
    v = round4(v);
    dk_snprintf(num, sizeof num, "%.*f", decimals_for(v), v);
    if (strchr(num, '.') != NULL) {
        n = strlen(num);
        while (num[n - 1] == '0')
            num[--n] = '\0';
        if (num[n - 1] == '.')
            num[--n] = '\0';
    }
    dk_snprintf(out, size, "%s%s%s", sign, num, suffix);
}

typedef struct fmt_unit {
    const char *name;
    double scale;
    double threshold; /* the least rounded value shown in this unit */
} fmt_unit;

/* Picks the first (largest) unit whose rounded value reaches its threshold. */
static const fmt_unit *pick(const fmt_unit *units, size_t n, double x)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (round4(x / units[i].scale) >= units[i].threshold)
            return &units[i];
    }
    return &units[n - 1];
}

static int finish(char *buf, size_t size, const char *text)
{
    if (buf == NULL || size == 0)
        return (int)strlen(text);
    return dk_snprintf(buf, size, "%s", text);
}

/*
 * dk_format_duration - "250us", "2.5ms", "1.5s", "90s", "2m", "36h", "3d", "1.5y": at most 4
 * significant digits in the largest unit that keeps the number >= 1; minutes, hours and days
 * wait for 2 so that 90s and 90m stay whole. Negative durations get a '-'; 0 is "0s".
 * Returns what snprintf would; `buf` may be NULL when `size` is 0.
 */
int dk_format_duration(int64_t ns, char *buf, size_t size)
{
    static const fmt_unit units[] = {
        {"y", 31536e12, 1}, {"d", 864e11, 2}, {"h", 36e11, 2}, {"m", 6e10, 2},
        {"s", 1e9, 1},      {"ms", 1e6, 1},   {"us", 1e3, 1},  {"ns", 1, 0},
    };
    char text[64];
    const char *sign = ns < 0 ? "-" : "";
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    const fmt_unit *u;

    if (mag == 0) {
        dk_snprintf(text, sizeof text, "0s");
    } else {
        u = pick(units, NUNITS(units), (double)mag);
        if (u->scale == 1)
            dk_snprintf(text, sizeof text, "%s%llu%s", sign, (unsigned long long)mag, u->name);
        else
            put_number(text, sizeof text, sign, (double)mag / u->scale, u->name);
    }
    return finish(buf, size, text);
}

/*
 * dk_format_size - "512B", "64KiB", "1.5GiB": binary units, at most 4 significant digits.
 */
int dk_format_size(uint64_t bytes, char *buf, size_t size)
{
    static const fmt_unit units[] = {
        {"EiB", 1152921504606846976.0, 1},
        {"PiB", 1125899906842624.0, 1},
        {"TiB", 1099511627776.0, 1},
        {"GiB", 1073741824.0, 1},
        {"MiB", 1048576.0, 1},
        {"KiB", 1024.0, 1},
        {"B", 1, 0},
    };
    char text[64];
    const fmt_unit *u = pick(units, NUNITS(units), (double)bytes);
    if (u->scale == 1)
        dk_snprintf(text, sizeof text, "%lluB", (unsigned long long)bytes);
    else
        put_number(text, sizeof text, "", (double)bytes / u->scale, u->name);
    return finish(buf, size, text);
}

/*
 * dk_format_rate - "950/s", "1.2k/s", "3M/s"; below 1/s as "0.5/s" (4 significant digits);
 * NaN and infinities as printf writes them.
 */
int dk_format_rate(double per_second, char *buf, size_t size)
{
    static const fmt_unit units[] = {
        {"T/s", 1e12, 1}, {"G/s", 1e9, 1}, {"M/s", 1e6, 1}, {"k/s", 1e3, 1}, {"/s", 1, 0},
    };
    char text[64];
    double mag = fabs(per_second);
    const char *sign = per_second < 0 ? "-" : "";

    if (!isfinite(per_second) || mag < 1) {
        dk_snprintf(text, sizeof text, "%.4g/s", per_second);
    } else {
        const fmt_unit *u = pick(units, NUNITS(units), mag);
        put_number(text, sizeof text, sign, mag / u->scale, u->name);
    }
    return finish(buf, size, text);
}

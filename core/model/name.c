/* name.c - the one rule for every name a user gives (model, group, component, request class):
 * what a name may hold, so that every output (DOT, SVG, JSON, the text report) can spell it. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <stdio.h>
#include <string.h>

#include "model/internal.h"

/* The input bytes a message shows of a bad name; the rest is cut with "...". */
#define SHOWN_BYTES 32

/* Length of the well-formed UTF-8 sequence at s[0..len) and its code point, or 0 when the
 * bytes are not UTF-8: a stray continuation byte, a truncated sequence, an overlong form
 * (C0 AF for '/'), a surrogate (ED A0 80) or a code point above U+10FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong below U+0800 */
        hi = c == 0xED ? 0x9F : 0xBF; /* surrogates U+D800..U+DFFF */
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* overlong below U+10000 */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
        c &= 0x07;
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    c = (c << 6) | (s[1] & 0x3Fu);
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    *cp = c;
    return n;
}

/* C0 controls, DEL and the C1 controls (U+0080..U+009F): a terminal acts on them, XML 1.0
 * cannot hold most of them, and none of them reads as part of a name. */
static int is_control(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

static const char *quote(const char *name, size_t len, size_t most, char *buf, size_t size);

/*
 * dk_name_quote - writes `name` (len bytes, any bytes at all) into `buf` as a message shows it:
 * in double quotes, with \" and \\ escaped and every byte that is not printable UTF-8 as \xNN,
 * so that the message itself stays one clean line of text. At most SHOWN_BYTES input bytes are
 * shown, then "...". Returns `buf`.
 */
const char *dk_name_quote(const char *name, size_t len, char *buf, size_t size)
{
    return quote(name, len, SHOWN_BYTES, buf, size);
}

/* dk_name_quote, showing at most `most` bytes of the name. */
static const char *quote(const char *name, size_t len, size_t most, char *buf, size_t size)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t out = 0, i = 0, shown = len < most ? len : most;

    if (size == 0)
        return buf;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = dk_snprintf(buf + out, size - out, __VA_ARGS__);                                  \
        out = w_ < 0 || (size_t)w_ >= size - out ? size - 1 : out + (size_t)w_;                    \
    } while (0)
    PUT("\"");
    while (i < shown && out + 1 < size) {
        unsigned cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0 || is_control(cp)) {
            PUT("\\x%02x", s[i]);
            i++;
        } else if (cp == '"' || cp == '\\') {
            PUT("\\%c", (char)cp);
            i++;
        } else {
            PUT("%.*s", (int)n, name + i);
            i += n;
        }
    }
    PUT("%s\"", i < len ? "..." : "");
#undef PUT
    return buf;
}

/*
 * dk_name_check - the rule for a name, in one place. A name is 1 to 64 bytes of UTF-8 text
 * without control characters (U+0000..U+001F, U+007F..U+009F) and without U+FFFE or U+FFFF,
 * which XML cannot hold. Everything else (quotes, backslashes, <, &, entities, non-ASCII
 * letters, emoji) is allowed: each output escapes it. `len` is the name's length as the caller
 * received it, so a NUL inside (a Lua string, a JSON "\u0000") is seen rather than silently
 * cutting the name. DK_EINVAL with a message naming `what`, the name as escaped text, the
 * offending character and its byte position (from 1).
 */
dk_status dk_name_check(const char *what, const char *name, size_t len, dk_error *err)
{
    const unsigned char *s = (const unsigned char *)name;
    char shown[4 * SHOWN_BYTES + 8];

    if (name == NULL || len == 0)
        return dk_error_set(err, DK_EINVAL, "%s must not be empty", what);
    if (len > DK__NAME_MAX)
        return dk_error_set(err, DK_EINVAL, "%s %s is too long (%zu bytes, at most %d)", what,
                            quote(name, len, 20, shown, sizeof shown), len, DK__NAME_MAX);
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return dk_error_set(err, DK_EINVAL,
                                "%s %s: invalid UTF-8 (byte 0x%02x) at byte %zu; names are "
                                "UTF-8 text",
                                what, dk_name_quote(name, len, shown, sizeof shown), s[i], i + 1);
        if (cp == 0)
            return dk_error_set(err, DK_EINVAL, "%s %s: NUL character (U+0000) at byte %zu", what,
                                dk_name_quote(name, len, shown, sizeof shown), i + 1);
        if (is_control(cp))
            return dk_error_set(err, DK_EINVAL, "%s %s: control character U+%04X at byte %zu", what,
                                dk_name_quote(name, len, shown, sizeof shown), cp, i + 1);
        if (cp == 0xFFFE || cp == 0xFFFF)
            return dk_error_set(err, DK_EINVAL,
                                "%s %s: noncharacter U+%04X at byte %zu (XML cannot hold it)", what,
                                dk_name_quote(name, len, shown, sizeof shown), cp, i + 1);
        i += n;
    }
    return DK_OK;
}

dk_status dk__check_name(const char *what, const char *name, dk_error *err)
{
    return dk_name_check(what, name, name != NULL ? strlen(name) : 0, err);
}

/* fuzz_units.c - libFuzzer target: the unit parsers take any bytes without crashing, and what
 * they accept formats back to text they accept again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/designkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';

    dk_error err;
    int64_t ns;
    uint64_t bytes;
    double rate, fraction;
    char buf[64];
    if (dk_parse_duration(text, &ns, &err) == DK_OK) {
        if (ns < 0)
            abort();
        dk_format_duration(ns, buf, sizeof buf);
        /* What we print, we must read; only the 4-digit rounding at the very top of the range
         * may round past the largest value, which must then be "too large", not garbage. */
        dk_status again = dk_parse_duration(buf, &ns, &err);
        if (again != DK_OK && again != DK_ERANGE)
            abort();
    } else if (err.message[0] == '\0') {
        abort(); /* every failure explains itself */
    }
    if (dk_parse_size(text, &bytes, &err) == DK_OK) {
        dk_format_size(bytes, buf, sizeof buf);
        dk_status again = dk_parse_size(buf, &bytes, &err);
        if (again != DK_OK && again != DK_ERANGE)
            abort();
    }
    if (dk_parse_rate(text, &rate, &err) == DK_OK && !(rate >= 0))
        abort();
    if (dk_parse_percent(text, &fraction, &err) == DK_OK && !(fraction >= 0 && fraction <= 1))
        abort();
    return 0;
}

/* units.h - durations, sizes, rates and percentages as people write them, and back. */
#ifndef DESIGNKIT_UNITS_H
#define DESIGNKIT_UNITS_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every parser accepts optional surrounding spaces and a decimal number (no sign unless noted,
 * fractions and exponents allowed: "1.5s", "2e3ms"), then a unit. On failure it returns
 * DK_EPARSE (or DK_ERANGE on overflow) and `err` quotes the text:
 *   invalid duration "5 parsecs": unknown unit "parsecs" (use ns, us, ms, s, m, h, d, w, y)
 */

/* ns, us (or µs), ms, s, m (minutes), h, d, w, y (365 days). A unit is required. */
dk_status dk_parse_duration(const char *text, int64_t *ns, dk_error *err);

/* B, KB/MB/GB/TB/PB/EB (powers of 1000), KiB/MiB/GiB/TiB/PiB/EiB (powers of 1024). A unit is
 * required. Result rounded to whole bytes. */
dk_status dk_parse_size(const char *text, uint64_t *bytes, dk_error *err);

/* A count with an optional k/M/G multiplier, a slash and a time unit: "1k/s", "250/ms",
 * "3.5M/h", "100/min"; also "/s" may be written "rps" or "qps" ("1200 rps"). Per second. */
dk_status dk_parse_rate(const char *text, double *per_second, dk_error *err);

/* "99.9%" gives 0.999. The percent sign is required; 0% to 100%. */
dk_status dk_parse_percent(const char *text, double *fraction, dk_error *err);

/* Short human forms for reports: "250us", "2.5ms", "1.5s", "2m30s" is not attempted: at most 4
 * significant digits with the largest unit that keeps the number >= 1 ("90s" stays "90s" up to
 * 120s, then "2m"). Return what snprintf would. */
int dk_format_duration(int64_t ns, char *buf, size_t size);
int dk_format_size(uint64_t bytes, char *buf, size_t size);    /* "512B", "64KiB", "1.5GiB" */
int dk_format_rate(double per_second, char *buf, size_t size); /* "950/s", "1.2k/s", "3M/s" */

#ifdef __cplusplus
}
#endif
#endif

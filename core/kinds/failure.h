/* failure.h - failure injection, the properties a station kind shares (service, database). */
#ifndef DK_KINDS_FAILURE_H
#define DK_KINDS_FAILURE_H

#include "kinds/internal.h"

/* The three schema entries, at the kind's own property ids. */
/* clang-format off */
#define DK__FAIL_PROPS(FROM, TO, RATE)                                                             \
    [FROM] = {"fail_from", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                              \
              "failure injection: the window of failures opens at this time", 0, "0s", 0},         \
    [TO] = {"fail_to", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                                  \
            "failure injection: the window closes at this time (0 = no failures)", 0, "0s", 0},    \
    [RATE] = {"fail_rate", DK_PROP_FRACTION, 0, 1, NULL,                                           \
              "failure injection: the share of requests in the window answered FAILED", 1, "1",    \
              0}
/* clang-format on */

/* Fills the station's failure window from the component; DK_EINVAL naming the component and
 * the field when fail_to is set but not after fail_from. */
dk_status dk__kind_failure(const dk_comp_t *c, int from, int to, int rate, dk_station_config *cfg,
                           dk_error *err);

#endif

/* failure.h - failure injection, the properties a station kind shares (service, database). */
#ifndef DK_KINDS_FAILURE_H
#define DK_KINDS_FAILURE_H

#include "kinds/internal.h"

/* The failure properties' ids, in this order, at the end of (or anywhere in) a kind's property
 * enum: `enum { REPLICAS, ..., DK__FAIL_IDS };`. A new failure option is one more id here and
 * one more entry below; the kinds that list these need no change. */
#define DK__FAIL_IDS FAIL_FROM, FAIL_TO, FAIL_RATE, HANG_AT, HANG_EVERY, RESTART_TIME

/* The schema entries, at the ids above. */
/* clang-format off */
#define DK__FAIL_PROPS                                                                             \
    [FAIL_FROM] = {"fail_from", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                         \
                   "failure injection: the window of failures opens at this time", 0, "0s", 0},    \
    [FAIL_TO] = {"fail_to", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                             \
                 "failure injection: the window closes at this time (0 = no failures)", 0, "0s",   \
                 0},                                                                               \
    [FAIL_RATE] = {"fail_rate", DK_PROP_FRACTION, 0, 1, NULL,                                      \
                   "failure injection: the share of requests in the window answered FAILED", 1,    \
                   "1", 0},                                                                        \
    [HANG_AT] = {"hang_at", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                             \
                 "failure injection: from this time no request is answered until a restart "       \
                 "(0 = never)", 0, "0s", 0},                                                       \
    [HANG_EVERY] = {"hang_every", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                       \
                    "failure injection: hangs again this long after each hang (0 = once)", 0,      \
                    "0s", 0},                                                                      \
    [RESTART_TIME] = {"restart_time", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,                   \
                      "how long a restart (by a balancer's health checks) takes; requests in the " \
                      "meantime fail", 0, "0s", 0}
/* clang-format on */

/* Fills the station's failure options from the component, whose failure ids start at
 * `fail_from` (the first of DK__FAIL_IDS); DK_EINVAL naming the component and the field when
 * fail_to is set but not after fail_from, or hang_every without hang_at. */
dk_status dk__kind_failure(const dk_comp_t *c, int fail_from, dk_station_config *cfg,
                           dk_error *err);

#endif

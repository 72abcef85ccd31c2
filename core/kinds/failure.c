/* failure.c - failure injection for the station kinds (docs/patterns/resilience.md). */
#include "kinds/failure.h"

/*
 * dk__kind_failure - a window [fail_from, fail_to) in which a share fail_rate of the requests
 * whose service ends is answered FAILED. Unset fail_to leaves the station healthy. The window's
 * order is the one thing the schema cannot check alone.
 */
dk_status dk__kind_failure(const dk_comp_t *c, int from, int to, int rate, dk_station_config *cfg,
                           dk_error *err)
{
    if (!dk_comp_is_set(c, to)) {
        if (dk_comp_is_set(c, from) || dk_comp_is_set(c, rate))
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": fail_to: a failure window needs its end (fail_to)",
                                dk_kind_name(dk_comp_kind(c)), dk_comp_name(c));
        return DK_OK;
    }
    cfg->fail_from = (dk_time_t)dk_comp_number(c, from);
    cfg->fail_to = (dk_time_t)dk_comp_number(c, to);
    cfg->fail_rate = dk_comp_number(c, rate);
    if (cfg->fail_to <= cfg->fail_from)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": fail_to must be after fail_from",
                            dk_kind_name(dk_comp_kind(c)), dk_comp_name(c));
    return DK_OK;
}

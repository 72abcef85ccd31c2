/* failure.c - failure injection for the station kinds (docs/patterns/resilience.md). */
#include "kinds/failure.h"

/* The ids relative to the first, as DK__FAIL_IDS lists them. */
enum { FAIL_FROM, FAIL_TO, FAIL_RATE, HANG_AT, HANG_EVERY, RESTART_TIME };

/*
 * dk__kind_failure - a window [fail_from, fail_to) in which a share fail_rate of the requests
 * whose service ends is answered FAILED (unset fail_to leaves the station healthy), and a hang
 * from hang_at (again every hang_every) that only a restart, of restart_time, cures. The
 * window's order and a repeat with nothing to repeat are what the schema cannot check alone.
 */
dk_status dk__kind_failure(const dk_comp_t *c, int first, dk_station_config *cfg, dk_error *err)
{
    const char *kind = dk_kind_name(dk_comp_kind(c)), *name = dk_comp_name(c);
    cfg->hang_at = (dk_time_t)dk_comp_number(c, first + HANG_AT);
    cfg->hang_every = (dk_time_t)dk_comp_number(c, first + HANG_EVERY);
    cfg->restart_time = (dk_time_t)dk_comp_number(c, first + RESTART_TIME);
    if (cfg->hang_every > 0 && cfg->hang_at == 0)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": hang_every: a repeated hang needs hang_at",
                            kind, name);
    if (!dk_comp_is_set(c, first + FAIL_TO)) {
        if (dk_comp_is_set(c, first + FAIL_FROM) || dk_comp_is_set(c, first + FAIL_RATE))
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": fail_to: a failure window needs its end (fail_to)",
                                kind, name);
        return DK_OK;
    }
    cfg->fail_from = (dk_time_t)dk_comp_number(c, first + FAIL_FROM);
    cfg->fail_to = (dk_time_t)dk_comp_number(c, first + FAIL_TO);
    cfg->fail_rate = dk_comp_number(c, first + FAIL_RATE);
    if (cfg->fail_to <= cfg->fail_from)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": fail_to must be after fail_from", kind,
                            name);
    return DK_OK;
}

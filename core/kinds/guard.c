/* guard.c - the guard kind: retries, timeouts and a circuit breaker on the calls to its links
 * (core/sim/actor_guard.c; docs/patterns/resilience.md "In the simulator"). Its properties are
 * the resilience part of the links' option table (core/kinds/link.c), so a link with the same
 * options gets the same guard (dk__guard_build). */
#include <string.h>

#include "designkit/locale.h"
#include "designkit/units.h"
#include "kinds/internal.h"

/* A property's id in a table whose guard part starts at `base`: the guard's own (base 0) or a
 * link's (base DK_LINK__GUARD_FIRST). */
#define ID(name) (base + DK_LINK_##name - DK_LINK__GUARD_FIRST)

/* "3 attempts, timeout 1s, breaker": appended to `buf`. */
void dk__guard_detail(const dk_comp_t *c, int base, const char *attempts_fmt, char *buf,
                      size_t size)
{
    char text[64];
    if (dk_comp_count(c, ID(ATTEMPTS)) > 1) {
        dk_snprintf(text, sizeof text, attempts_fmt, (unsigned)dk_comp_count(c, ID(ATTEMPTS)));
        dk__detail_add(buf, size, text);
    }
    if (dk_comp_number(c, ID(TIMEOUT)) > 0) {
        char d[32];
        dk_format_duration((int64_t)dk_comp_number(c, ID(TIMEOUT)), d, sizeof d);
        dk_snprintf(text, sizeof text, "timeout %s", d);
        dk__detail_add(buf, size, text);
    }
    if (dk_comp_count(c, ID(BREAKER_WINDOW)) > 0)
        dk__detail_add(buf, size, "breaker");
    if (dk_comp_count(c, ID(BULKHEAD_MAX)) > 0)
        dk__detail_add(buf, size, "bulkhead");
}

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    buf[0] = '\0';
    dk__guard_detail(c, 0, "%u attempts", buf, size);
}

/*
 * dk__guard_build - the guard actor named `name` for the options of `c` whose guard part starts
 * at `base`. NULL with `err` naming `what` ("guard \"retry\"") for values it cannot run.
 */
dk_actor_t *dk__guard_build(dk_sim_t *sim, const dk_comp_t *c, int base, const char *name,
                            const char *what, dk_error *err)
{
    dk_guard_config cfg = {.timeout = (dk_time_t)dk_comp_number(c, ID(TIMEOUT))};
    uint32_t attempts = dk_comp_count(c, ID(ATTEMPTS));
    if (attempts > 1) {
        cfg.retry = 1;
        dk_retry_config_default(&cfg.retry_cfg);
        cfg.retry_cfg.max_attempts = attempts;
        cfg.retry_cfg.backoff.base_ns = (int64_t)dk_comp_number(c, ID(BASE));
        cfg.retry_cfg.backoff.cap_ns = (int64_t)dk_comp_number(c, ID(CAP));
        cfg.retry_cfg.backoff.multiplier = strcmp(dk_comp_text(c, ID(BACKOFF)), "exp") == 0 ? 2 : 1;
        if (dk_jitter_parse(dk_comp_text(c, ID(JITTER)), &cfg.retry_cfg.backoff.jitter) != DK_OK) {
            dk_error_set(err, DK_EINVAL, "%s: jitter: unknown", what);
            return NULL;
        }
        if (dk_comp_number(c, ID(BUDGET)) > 0) {
            cfg.retry_cfg.budget = 1;
            cfg.retry_cfg.budget_ratio = dk_comp_number(c, ID(BUDGET));
            cfg.retry_cfg.budget_min_per_s = dk_comp_number(c, ID(BUDGET_MIN));
            cfg.retry_cfg.budget_window_ns = 10 * (int64_t)DK_SEC;
        }
    }
    if (dk_comp_count(c, ID(BREAKER_WINDOW)) > 0) {
        uint32_t window = dk_comp_count(c, ID(BREAKER_WINDOW)),
                 min = dk_comp_count(c, ID(MIN_CALLS));
        cfg.breaker = 1;
        dk_breaker_config_default(&cfg.breaker_cfg);
        cfg.breaker_cfg.window_type = DK_BREAKER_COUNT;
        cfg.breaker_cfg.window = window;
        cfg.breaker_cfg.min_calls = min > 0 ? min : window;
        cfg.breaker_cfg.failure_rate = dk_comp_number(c, ID(FAILURE_RATE));
        cfg.breaker_cfg.wait_ns = (int64_t)dk_comp_number(c, ID(BREAKER_WAIT));
        cfg.breaker_cfg.half_open_calls = dk_comp_count(c, ID(HALF_OPEN));
    }
    cfg.bulkhead_max = dk_comp_count(c, ID(BULKHEAD_MAX));
    cfg.bulkhead_queue = dk_comp_count(c, ID(BULKHEAD_QUEUE));
    cfg.bulkhead_wait = (dk_time_t)dk_comp_number(c, ID(BULKHEAD_WAIT));
    return dk_sim_add_guard(sim, name, &cfg, err);
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    char what[96];
    dk_snprintf(what, sizeof what, "guard \"%s\"", dk_comp_name(c));
    return dk__guard_build(sim, c, 0, dk_comp_name(c), what, err);
}

const dk_kind_desc dk__kind_guard = {
    .kind =
        {
            .name = "guard",
            .doc = "retries, timeouts and a circuit breaker on the calls to its links; requests "
                   "its open breaker fails are reported as short_circuited",
            .props = &dk__link_props[DK_LINK__GUARD_FIRST],
            .nprops = DK_LINK__COUNT - DK_LINK__GUARD_FIRST,
            .traits = 0,
            .replicas_prop = -1,
            .shape = "octagon",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_ATTEMPTS) |
               DK_METRIC_BIT(DK_METRIC_RETRIES) | DK_METRIC_BIT(DK_METRIC_SHORT_CIRCUITED) |
               DK_METRIC_BIT(DK_METRIC_TIMEOUTS) | DK_METRIC_BIT(DK_METRIC_BREAKER_CHANGES) |
               DK_METRIC_BIT(DK_METRIC_BULKHEAD_REJECTED),
};

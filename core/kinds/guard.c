/* guard.c - the guard kind: retries, timeouts and a circuit breaker on the calls to its links
 * (core/sim/actor_guard.c; docs/patterns/resilience.md "In the simulator"). */
#include <string.h>

#include "designkit/locale.h"
#include "designkit/units.h"
#include "kinds/internal.h"

enum {
    TIMEOUT,
    ATTEMPTS,
    BACKOFF,
    BASE,
    CAP,
    JITTER,
    BUDGET,
    BUDGET_MIN,
    BREAKER_WINDOW,
    FAILURE_RATE,
    BREAKER_WAIT,
    HALF_OPEN,
    MIN_CALLS,
    BULKHEAD_MAX,
    BULKHEAD_QUEUE,
    BULKHEAD_WAIT
};

/* exp: base x 2^k; constant: base every time (both capped, both jittered). */
static const char *const backoff_names[] = {"exp", "constant", NULL};

static const dk_prop_info props[] = {
    [TIMEOUT] = {"timeout", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                 "an attempt not answered within this is failed and its late answer dropped "
                 "(0 = wait forever)",
                 0, "0s", 0},
    [ATTEMPTS] = {"attempts", DK_PROP_INT, 1, 1000, NULL,
                  "attempts per request, the first included (1 = no retries)", 1, "1", 0},
    [BACKOFF] = {"backoff", DK_PROP_ENUM, 0, 0, backoff_names,
                 "the wait before retry k: base x 2^k (exp) or base (constant), at most cap", 0,
                 "exp", 0},
    [BASE] = {"base", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL, "the backoff's first wait", 50e6,
              "50ms", DK_PROP_F_POSITIVE},
    [CAP] = {"cap", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL, "the longest backoff", 10e9, "10s",
             DK_PROP_F_POSITIVE},
    [JITTER] = {"jitter", DK_PROP_ENUM, 0, 0, dk_jitter_names,
                "how the backoff is spread (AWS: none, full, equal, decorrelated)", 1, "full", 0},
    [BUDGET] = {"budget", DK_PROP_NUMBER, 0, 1000, NULL,
                "retries at most this share of requests over 10 s, plus budget_min per second "
                "(0 = no budget)",
                0, "0", 0},
    [BUDGET_MIN] = {"budget_min", DK_PROP_NUMBER, 0, 1e9, NULL,
                    "retries per second the budget always allows", 10, "10", 0},
    [BREAKER_WINDOW] = {"breaker_window", DK_PROP_INT, 0, 1e6, NULL,
                        "the circuit breaker's window in calls (0 = no breaker)", 0, "0", 0},
    [FAILURE_RATE] = {"failure_rate", DK_PROP_FRACTION, 0, 1, NULL,
                      "breaker: opens when this share of the window failed", 0.5, "0.5",
                      DK_PROP_F_POSITIVE},
    [BREAKER_WAIT] = {"breaker_wait", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                      "breaker: how long it stays open before trial calls", 2e9, "2s",
                      DK_PROP_F_POSITIVE},
    [HALF_OPEN] = {"half_open", DK_PROP_INT, 1, 1e6, NULL,
                   "breaker: trial calls let through when half open", 5, "5", 0},
    [MIN_CALLS] = {"min_calls", DK_PROP_INT, 0, 1e6, NULL,
                   "breaker: calls in the window before it may open (0 = the window)", 0, "0", 0},
    [BULKHEAD_MAX] = {"bulkhead_max", DK_PROP_INT, 0, 1e6, NULL,
                      "bulkhead: requests guarded at once, retries included (0 = no bulkhead)", 0,
                      "0", 0},
    [BULKHEAD_QUEUE] = {"bulkhead_queue", DK_PROP_INT, 0, 1e6, NULL,
                        "bulkhead: requests that may wait for room", 100, "100", 0},
    [BULKHEAD_WAIT] = {"bulkhead_wait", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                       "bulkhead: how long one may wait before it is rejected (0 = not at all)", 0,
                       "0s", 0},
};

/* "3 attempts, timeout 1s, breaker": what the guard does, in a few words. */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    char text[64];
    buf[0] = '\0';
    if (dk_comp_count(c, ATTEMPTS) > 1) {
        dk_snprintf(text, sizeof text, "%u attempts", (unsigned)dk_comp_count(c, ATTEMPTS));
        dk__detail_add(buf, size, text);
    }
    if (dk_comp_number(c, TIMEOUT) > 0) {
        char d[32];
        dk_format_duration((int64_t)dk_comp_number(c, TIMEOUT), d, sizeof d);
        dk_snprintf(text, sizeof text, "timeout %s", d);
        dk__detail_add(buf, size, text);
    }
    if (dk_comp_count(c, BREAKER_WINDOW) > 0)
        dk__detail_add(buf, size, "breaker");
    if (dk_comp_count(c, BULKHEAD_MAX) > 0)
        dk__detail_add(buf, size, "bulkhead");
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_guard_config cfg = {.timeout = (dk_time_t)dk_comp_number(c, TIMEOUT)};
    uint32_t attempts = dk_comp_count(c, ATTEMPTS);
    if (attempts > 1) {
        cfg.retry = 1;
        dk_retry_config_default(&cfg.retry_cfg);
        cfg.retry_cfg.max_attempts = attempts;
        cfg.retry_cfg.backoff.base_ns = (int64_t)dk_comp_number(c, BASE);
        cfg.retry_cfg.backoff.cap_ns = (int64_t)dk_comp_number(c, CAP);
        cfg.retry_cfg.backoff.multiplier = strcmp(dk_comp_text(c, BACKOFF), "exp") == 0 ? 2 : 1;
        if (dk_jitter_parse(dk_comp_text(c, JITTER), &cfg.retry_cfg.backoff.jitter) != DK_OK) {
            dk_error_set(err, DK_EINVAL, "guard \"%s\": jitter: unknown", dk_comp_name(c));
            return NULL;
        }
        if (dk_comp_number(c, BUDGET) > 0) {
            cfg.retry_cfg.budget = 1;
            cfg.retry_cfg.budget_ratio = dk_comp_number(c, BUDGET);
            cfg.retry_cfg.budget_min_per_s = dk_comp_number(c, BUDGET_MIN);
            cfg.retry_cfg.budget_window_ns = 10 * (int64_t)DK_SEC;
        }
    }
    if (dk_comp_count(c, BREAKER_WINDOW) > 0) {
        uint32_t window = dk_comp_count(c, BREAKER_WINDOW), min = dk_comp_count(c, MIN_CALLS);
        cfg.breaker = 1;
        dk_breaker_config_default(&cfg.breaker_cfg);
        cfg.breaker_cfg.window_type = DK_BREAKER_COUNT;
        cfg.breaker_cfg.window = window;
        cfg.breaker_cfg.min_calls = min > 0 ? min : window;
        cfg.breaker_cfg.failure_rate = dk_comp_number(c, FAILURE_RATE);
        cfg.breaker_cfg.wait_ns = (int64_t)dk_comp_number(c, BREAKER_WAIT);
        cfg.breaker_cfg.half_open_calls = dk_comp_count(c, HALF_OPEN);
    }
    cfg.bulkhead_max = dk_comp_count(c, BULKHEAD_MAX);
    cfg.bulkhead_queue = dk_comp_count(c, BULKHEAD_QUEUE);
    cfg.bulkhead_wait = (dk_time_t)dk_comp_number(c, BULKHEAD_WAIT);
    return dk_sim_add_guard(sim, dk_comp_name(c), &cfg, err);
}

const dk_kind_desc dk__kind_guard = {
    .kind =
        {
            .name = "guard",
            .doc = "retries, timeouts and a circuit breaker on the calls to its links; requests "
                   "its open breaker fails are reported as short_circuited",
            .props = props,
            .nprops = DK__COUNT_OF(props),
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

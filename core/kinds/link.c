/* link.c - the options a link carries (weight, distance, resilience): the one table that the
 * model's checks, the guard kind, model JSON, the Lua glue, the docs and the annotations read,
 * and the implicit guard the builder puts on a link with resilience options. */
#include <string.h>

#include "designkit/locale.h"
#include "designkit/units.h"
#include "kinds/internal.h"

/* exp: base x 2^k; constant: base every time (both capped, both jittered). */
static const char *const backoff_names[] = {"exp", "constant", NULL};

/* Indexed by dk_link_option (designkit/model.h). From DK_LINK__GUARD_FIRST on it is the guard
 * kind's property table as well (core/kinds/guard.c points into it): one set of names,
 * defaults and checks for a guard component and for a link. */
const dk_prop_info dk__link_props[DK_LINK__COUNT] = {
    [DK_LINK_WEIGHT] = {"weight", DK_PROP_NUMBER, 0, 1e9, NULL,
                        "the link's share under weighted_round_robin and "
                        "weighted_least_connections (a balancer's links)",
                        1, "1", DK_PROP_F_POSITIVE},
    [DK_LINK_DISTANCE] = {"distance", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                          "geo: nearest first, the next when it is down; equal distances share "
                          "(unset: the links' order)",
                          0, "link order", 0},
    [DK_LINK_TIMEOUT] = {"timeout", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                         "an attempt not answered within this is failed and its late answer "
                         "dropped (0 = wait forever)",
                         0, "0s", 0},
    [DK_LINK_ATTEMPTS] = {"attempts", DK_PROP_INT, 1, 1000, NULL,
                          "attempts per request, the first included (1 = no retries)", 1, "1", 0},
    [DK_LINK_BACKOFF] = {"backoff", DK_PROP_ENUM, 0, 0, backoff_names,
                         "the wait before retry k: base x 2^k (exp) or base (constant), at most "
                         "cap",
                         0, "exp", 0},
    [DK_LINK_BASE] = {"base", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL, "the backoff's first wait",
                      50e6, "50ms", DK_PROP_F_POSITIVE},
    [DK_LINK_CAP] = {"cap", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL, "the longest backoff", 10e9,
                     "10s", DK_PROP_F_POSITIVE},
    [DK_LINK_JITTER] = {"jitter", DK_PROP_ENUM, 0, 0, dk_jitter_names,
                        "how the backoff is spread (AWS: none, full, equal, decorrelated)", 1,
                        "full", 0},
    [DK_LINK_BUDGET] = {"budget", DK_PROP_NUMBER, 0, 1000, NULL,
                        "retries at most this share of requests over 10 s, plus budget_min per "
                        "second (0 = no budget)",
                        0, "0", 0},
    [DK_LINK_BUDGET_MIN] = {"budget_min", DK_PROP_NUMBER, 0, 1e9, NULL,
                            "retries per second the budget always allows", 10, "10", 0},
    [DK_LINK_BREAKER_WINDOW] = {"breaker_window", DK_PROP_INT, 0, 1e6, NULL,
                                "the circuit breaker's window in calls (0 = no breaker)", 0, "0",
                                0},
    [DK_LINK_FAILURE_RATE] = {"failure_rate", DK_PROP_FRACTION, 0, 1, NULL,
                              "breaker: opens when this share of the window failed", 0.5, "0.5",
                              DK_PROP_F_POSITIVE},
    [DK_LINK_BREAKER_WAIT] = {"breaker_wait", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                              "breaker: how long it stays open before trial calls", 2e9, "2s",
                              DK_PROP_F_POSITIVE},
    [DK_LINK_HALF_OPEN] = {"half_open", DK_PROP_INT, 1, 1e6, NULL,
                           "breaker: trial calls let through when half open", 5, "5", 0},
    [DK_LINK_MIN_CALLS] = {"min_calls", DK_PROP_INT, 0, 1e6, NULL,
                           "breaker: calls in the window before it may open (0 = the window)", 0,
                           "0", 0},
    [DK_LINK_BULKHEAD_MAX] = {"bulkhead_max", DK_PROP_INT, 0, 1e6, NULL,
                              "bulkhead: requests guarded at once, retries included (0 = no "
                              "bulkhead)",
                              0, "0", 0},
    [DK_LINK_BULKHEAD_QUEUE] = {"bulkhead_queue", DK_PROP_INT, 0, 1e6, NULL,
                                "bulkhead: requests that may wait for room", 100, "100", 0},
    [DK_LINK_BULKHEAD_WAIT] = {"bulkhead_wait", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                               "bulkhead: how long one may wait before it is rejected (0 = not "
                               "at all)",
                               0, "0s", 0},
};

/* "weight 3, retry×4, timeout 500ms, breaker": what a link's label says of its options (the
 * schema's detail, which the drawing calls as it does a kind's). */
static void detail(const dk_comp_t *o, char *buf, size_t size)
{
    char text[48];
    buf[0] = '\0';
    if (dk_comp_is_set(o, DK_LINK_WEIGHT)) {
        dk_snprintf(text, sizeof text, "weight %g", dk_comp_number(o, DK_LINK_WEIGHT));
        dk__detail_add(buf, size, text);
    }
    if (dk_comp_is_set(o, DK_LINK_DISTANCE)) {
        char d[32];
        dk_format_duration((int64_t)dk_comp_number(o, DK_LINK_DISTANCE), d, sizeof d);
        dk_snprintf(text, sizeof text, "distance %s", d);
        dk__detail_add(buf, size, text);
    }
    dk__guard_detail(o, DK_LINK__GUARD_FIRST, "retry\xc3\x97%u", buf, size);
}

/* Not a component kind: the model refuses to add one (DK_TRAIT_LINK), and it is in no list of
 * the registry's kinds; dk_kinds_find answers it for "link". */
const dk_kind dk__link_schema = {
    .name = "link",
    .doc = "options of a link: m:link(a, b, { ... }) and \"links\" in model JSON",
    .props = dk__link_props,
    .nprops = DK_LINK__COUNT,
    .traits = DK_TRAIT_LINK,
    .replicas_prop = -1,
    .shape = "none",
    .detail = detail,
};

/*
 * dk__link_resilient - 1 when link i sets an option of the guard's part: a guard stands in
 * front of its target. An option set to its default counts too: the script asked for it.
 */
int dk__link_resilient(const dk_model_t *m, size_t i)
{
    const dk_comp_t *o = dk_model_link_options_at(m, i);
    for (int id = DK_LINK__GUARD_FIRST; o != NULL && id < DK_LINK__COUNT; id++)
        if (dk_comp_is_set(o, id))
            return 1;
    return 0;
}

const dk_kind *dk_link_schema(void)
{
    return &dk__link_schema;
}

/* gateway.c - the gateway kind: a rate limiter in front of its links (core/sim/actor_gateway.c);
 * requests it refuses are reported as limited, apart from every other failure. */
#include <string.h>

#include "designkit/limiter.h"
#include "designkit/locale.h"
#include "designkit/units.h"
#include "kinds/internal.h"

enum { ALGORITHM, RATE, BURST, SCOPE, MAX_KEYS, IDLE };

/* Whose requests share a limit: everyone's, or each request key's own. */
static const char *const scope_names[] = {"global", "per_key", NULL};

static const dk_prop_info props[] = {
    [ALGORITHM] = {"algorithm", DK_PROP_ENUM, 0, 0, dk_limiter_algorithm_names,
                   "how the limiter decides (docs/patterns/rate-limiting.md)", 0, "token_bucket",
                   0},
    [RATE] = {"rate", DK_PROP_RATE, 0, 1e9, NULL, "requests let through per second, long run", 100,
              "100/s", DK_PROP_F_POSITIVE},
    [BURST] = {"burst", DK_PROP_INT, 1, 1e6, NULL,
               "requests let through at once from rest (the window's limit)", 1, "1", 0},
    [SCOPE] = {"scope", DK_PROP_ENUM, 0, 0, scope_names,
               "one limit for all requests, or one per request key", 0, "global", 0},
    [MAX_KEYS] = {"max_keys", DK_PROP_INT, 1, 1e8, NULL,
                  "per_key: keys held at most (the least recently seen makes room)", 10000, "10000",
                  0},
    [IDLE] = {"idle", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
              "per_key: a key unseen this long is forgotten (0 = twice the window)", 0, "0s", 0},
};

/* "gcra 100/s": the algorithm and the rate. */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    char rate[32];
    dk_format_rate(dk_comp_number(c, RATE), rate, sizeof rate);
    dk_snprintf(buf, size, "%s %s", dk_comp_text(c, ALGORITHM), rate);
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_gateway_config cfg = {{0}};
    if (dk_limiter_algorithm_parse(dk_comp_text(c, ALGORITHM), &cfg.limiter.algorithm, err) !=
        DK_OK) {
        dk_error_prefix(err, "gateway \"%s\": ", dk_comp_name(c));
        return NULL;
    }
    cfg.limiter.rate = dk_comp_number(c, RATE);
    cfg.limiter.burst = (int64_t)dk_comp_number(c, BURST);
    if (strcmp(dk_comp_text(c, SCOPE), "per_key") == 0) {
        cfg.limiter.max_keys = (size_t)dk_comp_number(c, MAX_KEYS);
        cfg.limiter.idle = (int64_t)dk_comp_number(c, IDLE);
    }
    return dk_sim_add_gateway(sim, dk_comp_name(c), &cfg, err);
}

const dk_kind_desc dk__kind_gateway = {
    .kind =
        {
            .name = "gateway",
            .doc = "lets requests through to its links at a rate (a rate limiter); the ones it "
                   "refuses are reported as limited",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = 0,
            .replicas_prop = -1,
            .shape = "house",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_LIMITED) |
               DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

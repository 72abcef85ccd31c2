/* cache.c - the cache kind: a bounded key store with an eviction policy, in front of a store. */
#include <stdio.h>

#include "designkit/locale.h"
#include "designkit/cache.h"
#include "kinds/internal.h"

enum { CAPACITY, POLICY, TTL, TIME, REPLICAS, WORKERS };

static const dk_prop_info props[] = {
    /* At most 4e9: a policy links its entries by 32-bit index. Memory grows with the entries
     * held, not with the capacity (dk_cache_new). */
    [CAPACITY] = {"capacity", DK_PROP_INT, 1, 4e9, NULL, "entries held", 10000, "10000", 0},
    [POLICY] = {"policy", DK_PROP_ENUM, 0, 0, dk_cache_policy_names, "what is evicted when full", 0,
                "lru", 0},
    [TTL] = {"ttl", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
             "how long an entry lives (0 = forever)", 0, "0s", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve one lookup", 2e5,
              "200us", DK_PROP_F_DURATIONS},
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 100000, NULL, "cache instances", 1, "1", 0},
    [WORKERS] = {"workers", DK_PROP_INT, 0, 1e6, NULL,
                 "lookups served at once by each replica (0 = no limit)", 0, "0", 0},
};

/* "lru 200k": the policy and the capacity in a few characters. */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    static const char *const suffix[] = {"", "k", "M", "G", "T"};
    double v = dk_comp_number(c, CAPACITY);
    size_t i = 0;

    while (v >= 1000 && i + 1 < DK__COUNT_OF(suffix)) {
        v /= 1000;
        i++;
    }
    dk_snprintf(buf, size, "%s %.3g%s", dk_comp_text(c, POLICY), v, suffix[i]);
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_cache_config cfg = {
        .station = {.servers = dk__kind_servers(c, REPLICAS, WORKERS),
                    .service = dk_comp_dist(c, TIME)},
        .capacity = dk_comp_count(c, CAPACITY),
        .policy = dk_comp_text(c, POLICY),
        .ttl = (dk_time_t)dk_comp_number(c, TTL),
    };
    return dk_sim_add_cache(sim, dk_comp_name(c), &cfg, err);
}

const dk_kind_desc dk__kind_cache = {
    .kind =
        {
            .name = "cache",
            .doc = "a bounded key store with an eviction policy and optional expiry",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_STATEFUL | DK_TRAIT_LOOKUP,
            .replicas_prop = REPLICAS,
            .shape = "box3d",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_HIT_RATIO),
};

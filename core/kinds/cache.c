/* cache.c - the cache kind: a bounded key store with an eviction policy, in front of a store. */
#include <stdio.h>
#include <string.h>

#include "designkit/locale.h"
#include "designkit/cache.h"
#include "designkit/units.h"
#include "kinds/cache_sizing.h"
#include "kinds/internal.h"

enum {
    CAPACITY,
    POLICY,
    TTL,
    TIME,
    REPLICAS,
    WORKERS,
    STRATEGY,
    ON_WRITE,
    FLUSH,
    BATCH,
    CRASH_AT,
    BYTES,
    OBJECT_SIZE
};

/* What a write does to the cached entry under read_through and write_around. */
static const char *const on_write_names[] = {"invalidate", "keep", NULL};

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
    [STRATEGY] = {"strategy", DK_PROP_ENUM, 0, 0, dk_cache_strategy_names,
                  "how reads and writes reach the store linked after it (aside: they do not)", 0,
                  "aside", 0},
    [ON_WRITE] = {"on_write", DK_PROP_ENUM, 0, 0, on_write_names,
                  "what a write does to the entry (read_through, write_around)", 0, "invalidate",
                  0},
    [FLUSH] = {"flush", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
               "write_behind: buffered writes go to the store at every multiple of this", 1e9, "1s",
               DK_PROP_F_POSITIVE},
    [BATCH] = {"batch", DK_PROP_INT, 1, 1e9, NULL, "write_behind: writes per store call", 100,
               "100", 0},
    [CRASH_AT] = {"crash_at", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                  "the cache loses its entries and unflushed writes then (0 = never)", 0, "0s", 0},
    [BYTES] = DK__CACHE_BYTES_PROP,
    [OBJECT_SIZE] = DK__CACHE_OBJECT_SIZE_PROP,
};

/* "lru 200k": the policy and the capacity in a few characters ("lru 64MiB" in bytes). */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    static const char *const suffix[] = {"", "k", "M", "G", "T"};
    double v = dk_comp_number(c, CAPACITY);
    size_t i = 0;
    char bytes[32];

    if (dk_comp_number(c, BYTES) > 0) {
        dk_format_size((uint64_t)dk_comp_number(c, BYTES), bytes, sizeof bytes);
        dk_snprintf(buf, size, "%s %s", dk_comp_text(c, POLICY), bytes);
        return;
    }

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
        .keep_on_write = strcmp(dk_comp_text(c, ON_WRITE), "keep") == 0,
        .flush = (dk_time_t)dk_comp_number(c, FLUSH),
        .batch = dk_comp_count(c, BATCH),
        .crash_at = (dk_time_t)dk_comp_number(c, CRASH_AT),
    };
    if (!dk_cache_strategy_parse(dk_comp_text(c, STRATEGY), &cfg.strategy)) {
        /* the schema offers only these names */
        dk_error_set(err, DK_EINTERNAL, "cache \"%s\": strategy \"%s\" has no runtime",
                     dk_comp_name(c), dk_comp_text(c, STRATEGY));
        return NULL;
    }
    if (dk__kind_cache_sizing(c, CAPACITY, BYTES, OBJECT_SIZE, &cfg, err) != DK_OK)
        return NULL;
    return dk_sim_add_cache(sim, dk_comp_name(c), &cfg, err);
}

/* A cache with a strategy reads and writes the component its first link goes to. */
static dk_status wire(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    if (strcmp(dk_comp_text(c, STRATEGY), "aside") == 0)
        return DK_OK;
    if (dk_comp_out_count(c) == 0)
        return dk_error_set(err, DK_EINVAL,
                            "cache \"%s\": strategy %s needs a store: link the cache to one "
                            "(cache >> db)",
                            dk_comp_name(c), dk_comp_text(c, STRATEGY));
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    dk_actor_t *store = dk_sim_actor(sim, dk_comp_index(dk_comp_out(c, 0)));
    return dk_sim_cache_set_store(self, store, err);
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
            .check = dk__kind_cache_check,
        },
    .build = build,
    .wire = wire,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_HIT_RATIO) |
               DK_METRIC_BIT(DK_METRIC_STALE_READS) | DK_METRIC_BIT(DK_METRIC_STORE_WRITES) |
               DK_METRIC_BIT(DK_METRIC_LOST_WRITES) | DK__CACHE_BYTES_METRICS,
};

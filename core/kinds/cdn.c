/* cdn.c - the cdn kind: a cache at the edge that reads through to the origin linked after it. */
#include "designkit/cache.h"
#include "designkit/locale.h"
#include "designkit/units.h"
#include "kinds/cache_sizing.h"
#include "kinds/internal.h"

enum { CAPACITY, POLICY, TTL, TIME, EDGES, WORKERS, BYTES, OBJECT_SIZE };

static const dk_prop_info props[] = {
    [CAPACITY] = {"capacity", DK_PROP_INT, 1, 4e9, NULL, "objects held at each edge", 100000,
                  "100000", 0},
    [POLICY] = {"policy", DK_PROP_ENUM, 0, 0, dk_cache_policy_names, "what is evicted when full", 0,
                "lru", 0},
    /* An edge serves an object until it expires, then asks the origin again: the TTL bounds how
     * stale an object may be and sets, with the popularity of the keys, the hit ratio. */
    [TTL] = {"ttl", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
             "how long an edge keeps an object (0 = until evicted)", 3.6e12, "1h", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve from the edge", 1e6,
              "1ms", DK_PROP_F_DURATIONS},
    [EDGES] = {"edges", DK_PROP_INT, 1, 100000, NULL, "edge locations, sharing one key space", 1,
               "1", 0},
    [WORKERS] = {"workers", DK_PROP_INT, 0, 1e6, NULL,
                 "requests served at once by each edge (0 = no limit)", 0, "0", 0},
    [BYTES] = DK__CACHE_BYTES_PROP,
    [OBJECT_SIZE] = DK__CACHE_OBJECT_SIZE_PROP,
};

/* "ttl 1h, x4 replicas": what sets its hit ratio, and how wide it is. */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    char ttl[32], instances[96];
    dk_format_duration((int64_t)dk_comp_number(c, TTL), ttl, sizeof ttl);
    dk_snprintf(buf, size, "ttl %s", ttl);
    dk__detail_instances(c, instances, sizeof instances, EDGES, WORKERS, "workers");
    if (instances[0] != '\0')
        dk__detail_add(buf, size, instances);
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_cache_config cfg = {
        .station = {.servers = dk__kind_servers(c, EDGES, WORKERS),
                    .service = dk_comp_dist(c, TIME)},
        .capacity = dk_comp_count(c, CAPACITY),
        .policy = dk_comp_text(c, POLICY),
        .ttl = (dk_time_t)dk_comp_number(c, TTL),
        .strategy = DK_CACHE_READ_THROUGH,
    };
    if (dk__kind_cache_sizing(c, CAPACITY, BYTES, OBJECT_SIZE, &cfg, err) != DK_OK)
        return NULL;
    return dk_sim_add_cache(sim, dk_comp_name(c), &cfg, err);
}

/* A miss goes to the origin: the first link out of the cdn. */
static dk_status wire(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    if (dk_comp_out_count(c) == 0)
        return dk_error_set(err, DK_EINVAL,
                            "cdn \"%s\": has no origin (link it to a service or a store: cdn >> "
                            "origin)",
                            dk_comp_name(c));
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    dk_actor_t *origin = dk_sim_actor(sim, dk_comp_index(dk_comp_out(c, 0)));
    return dk_sim_cache_set_store(self, origin, err);
}

const dk_kind_desc dk__kind_cdn = {
    .kind =
        {
            .name = "cdn",
            .doc = "a cache at the edge in front of an origin: misses and expired objects read "
                   "through to it",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_STATEFUL | DK_TRAIT_LOOKUP,
            .replicas_prop = EDGES,
            .shape = "tab",
            .detail = detail,
            .check = dk__kind_cache_check,
        },
    .build = build,
    .wire = wire,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_HIT_RATIO) |
               DK__CACHE_BYTES_METRICS,
};

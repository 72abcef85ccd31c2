/* service.c - the service kind: replicas of workers serving request classes by their routes. */
#include "kinds/internal.h"

enum { REPLICAS, WORKERS, TIME, QUEUE };

static const dk_prop_info props[] = {
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 100000, NULL, "service instances", 1, "1", 0},
    [WORKERS] = {"workers", DK_PROP_INT, 1, 1e6, NULL, "requests served at once by each replica", 1,
                 "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve one request", 1e6,
              "1ms", DK_PROP_F_DURATIONS},
    [QUEUE] = {"queue", DK_PROP_INT, 0, 1e9, NULL, "waiting requests allowed (0 = unbounded)", 0,
               "0", 0},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, REPLICAS, WORKERS, "workers");
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {dk__kind_servers(c, REPLICAS, WORKERS), dk_comp_count(c, QUEUE),
                             dk_comp_dist(c, TIME)};
    return dk_sim_add_station(sim, dk_comp_name(c), "service", &cfg, err);
}

const dk_kind_desc dk__kind_service = {
    .kind =
        {
            .name = "service",
            .doc = "replicas of workers that serve request classes through routes and handlers",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_ROUTES,
            .replicas_prop = REPLICAS,
            .shape = "box",
            .detail = detail,
        },
    .build = build,
    .wire = dk__kind_wire_routes,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

/* service.c - the service kind: replicas of workers serving request classes by their routes. */
#include <string.h>

#include "kinds/failure.h"

enum { REPLICAS, WORKERS, TIME, QUEUE, DISPATCH, MODE, DK__FAIL_IDS };

static const dk_prop_info props[] = {
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 100000, NULL, "service instances", 1, "1", 0},
    [WORKERS] = {"workers", DK_PROP_INT, 1, 1e6, NULL, "requests served at once by each replica", 1,
                 "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve one request", 1e6,
              "1ms", DK_PROP_F_DURATIONS},
    [QUEUE] = {"queue", DK_PROP_INT, 0, 1e9, NULL,
               "waiting requests allowed at each replica (0 = unbounded)", 0, "0", 0},
    [DISPATCH] = {"dispatch", DK_PROP_ENUM, 0, 0, dk__dispatch_names,
                  "how requests reach the replicas: each its own queue, or one pooled queue", 0,
                  "round_robin", 0},
    [MODE] = {"mode", DK_PROP_ENUM, 0, 0, dk__mode_names,
              "threads: a worker stays held while its request waits on a downstream reply; "
              "event_loop: it is released and takes the next request",
              0, "threads", 0},
    DK__FAIL_PROPS,
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, REPLICAS, WORKERS, "workers");
    if (dk_comp_is_set(c, DISPATCH) && dk_comp_count(c, REPLICAS) > 1)
        dk__detail_add(buf, size, dk_comp_text(c, DISPATCH));
    if (dk_comp_is_set(c, MODE))
        dk__detail_add(buf, size, dk_comp_text(c, MODE));
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {.queue_limit = dk_comp_count(c, QUEUE),
                             .service = dk_comp_dist(c, TIME),
                             .event_loop = strcmp(dk_comp_text(c, MODE), DK__MODE_EVENT_LOOP) == 0};
    if (dk__kind_instances(c, REPLICAS, WORKERS, DISPATCH, &cfg, err) != DK_OK ||
        dk__kind_failure(c, FAIL_FROM, &cfg, err) != DK_OK)
        return NULL;
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
               DK_METRIC_BIT(DK_METRIC_HELD) | DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) |
               DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

/* queue.c - the queue kind: messages held for consumers; a call into it ends there. */
#include "kinds/internal.h"

enum { CAPACITY, CONSUMERS, TIME };

static const dk_prop_info props[] = {
    [CAPACITY] = {"capacity", DK_PROP_INT, 0, 1e12, NULL, "messages held (0 = unbounded)", 0, "0",
                  0},
    [CONSUMERS] = {"consumers", DK_PROP_INT, 1, 1e6, NULL, "messages handled at once", 1, "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to handle one message", 1e6,
              "1ms", DK_PROP_F_DURATIONS},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, -1, CONSUMERS, "consumers");
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {dk_comp_count(c, CONSUMERS), dk_comp_count(c, CAPACITY),
                             dk_comp_dist(c, TIME)};
    return dk_sim_add_station(sim, dk_comp_name(c), "queue", &cfg, err);
}

/* A queue is taken to be a managed, replicated broker: it has no replicas to count. */
const dk_kind_desc dk__kind_queue = {
    .kind =
        {
            .name = "queue",
            .doc = "holds messages for its consumers; a call into it does not wait beyond it",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_ROUTES | DK_TRAIT_ASYNC,
            .replicas_prop = -1,
            .shape = "cds",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

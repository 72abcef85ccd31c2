/* queue.c - the queue kind: a producer's call ends once its message is in; consumers take the
 * messages in order and run the queue's routes, calling onward. */
#include "kinds/internal.h"

enum { CAPACITY, CONSUMERS, TIME, ENQUEUE, WHEN_FULL };

static const dk_prop_info props[] = {
    [CAPACITY] = {"capacity", DK_PROP_INT, 0, 1e12, NULL,
                  "messages waiting at most (0 = unbounded)", 0, "0", 0},
    [CONSUMERS] = {"consumers", DK_PROP_INT, 1, 1e6, NULL, "messages handled at once", 1, "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
              "a consumer's time with one message, before its route runs", 1e6, "1ms",
              DK_PROP_F_DURATIONS},
    [ENQUEUE] = {"enqueue", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
                 "time before a producer's call is answered", 0, "0s", DK_PROP_F_DURATIONS},
    [WHEN_FULL] = {"when_full", DK_PROP_ENUM, 0, 0, dk_when_full_names,
                   "at capacity: reject the message, block the producer, or drop the oldest", 0,
                   "reject", 0},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, -1, CONSUMERS, "consumers");
    if (dk_comp_is_set(c, WHEN_FULL))
        dk__detail_add(buf, size, dk_comp_text(c, WHEN_FULL));
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_queue_config cfg = {dk_comp_count(c, CONSUMERS), (uint64_t)dk_comp_number(c, CAPACITY),
                           DK_WHEN_FULL_REJECT, NULL, dk_comp_dist(c, TIME)};
    if (!dk_when_full_parse(dk_comp_text(c, WHEN_FULL), &cfg.when_full)) {
        dk_error_set(err, DK_EINVAL, "queue \"%s\": unknown when_full \"%s\"", dk_comp_name(c),
                     dk_comp_text(c, WHEN_FULL));
        return NULL;
    }
    if (dk_comp_is_set(c, ENQUEUE))
        cfg.enqueue = dk_comp_dist(c, ENQUEUE);
    return dk_sim_add_queue(sim, dk_comp_name(c), &cfg, err);
}

/* Routes and handlers run for each message; with no default route, each link is called. */
static dk_status wire(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    return dk__kind_wire_routes_with(sim, c, dk_queue_route, err);
}

/* A queue is taken to be a managed, replicated broker: it has no replicas to count. */
const dk_kind_desc dk__kind_queue = {
    .kind =
        {
            .name = "queue",
            .doc = "holds messages for its consumers: a producer waits for the enqueue only",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_ROUTES | DK_TRAIT_ASYNC,
            .replicas_prop = -1,
            .shape = "cds",
            .detail = detail,
        },
    .build = build,
    .wire = wire,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_REJECTION_RATE) |
               DK_METRIC_BIT(DK_METRIC_MAX_DEPTH) | DK_METRIC_BIT(DK_METRIC_AGE_MEAN) |
               DK_METRIC_BIT(DK_METRIC_AGE_P99) | DK_METRIC_BIT(DK_METRIC_CONSUMED) |
               DK_METRIC_BIT(DK_METRIC_DROPPED) | DK_METRIC_BIT(DK_METRIC_BACKLOG),
};

/* topic.c - the topic kind: publish/subscribe, each subscriber (each link) fed through its own
 * queue, so a slow subscriber backs up only its own. */
#include "kinds/internal.h"

enum { PUBLISH, CONSUMERS, CAPACITY, WHEN_FULL, TIME };

static const dk_prop_info props[] = {
    [PUBLISH] = {"publish", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
                 "time before a publisher's call is answered", 0, "0s", DK_PROP_F_DURATIONS},
    [CONSUMERS] = {"consumers", DK_PROP_INT, 1, 1e6, NULL, "deliveries at once to each subscriber",
                   1, "1", 0},
    [CAPACITY] = {"capacity", DK_PROP_INT, 0, 1e12, NULL,
                  "messages waiting at most for each subscriber (0 = unbounded)", 0, "0", 0},
    [WHEN_FULL] = {"when_full", DK_PROP_ENUM, 0, 0, dk_when_full_names,
                   "a subscriber's queue at capacity: reject, block the publisher, drop the oldest",
                   0, "reject", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
              "time to hand one message to a subscriber, before its call", 0, "0s",
              DK_PROP_F_DURATIONS},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, -1, CONSUMERS, "consumers each");
    if (dk_comp_is_set(c, WHEN_FULL))
        dk__detail_add(buf, size, dk_comp_text(c, WHEN_FULL));
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_topic_config cfg = {NULL,
                           {dk_comp_count(c, CONSUMERS), (uint64_t)dk_comp_number(c, CAPACITY),
                            DK_WHEN_FULL_REJECT, NULL, NULL}};
    if (!dk_when_full_parse(dk_comp_text(c, WHEN_FULL), &cfg.each.when_full)) {
        dk_error_set(err, DK_EINVAL, "topic \"%s\": unknown when_full \"%s\"", dk_comp_name(c),
                     dk_comp_text(c, WHEN_FULL));
        return NULL;
    }
    if (dk_comp_is_set(c, PUBLISH))
        cfg.publish = dk_comp_dist(c, PUBLISH);
    if (dk_comp_is_set(c, TIME))
        cfg.each.service = dk_comp_dist(c, TIME);
    return dk_sim_add_topic(sim, dk_comp_name(c), &cfg, err);
}

/* Every link is a subscriber, in link order. */
static dk_status wire(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    for (size_t i = 0; i < dk_comp_out_count(c); i++) {
        dk_status st =
            dk_topic_subscribe(self, dk_sim_actor(sim, dk_comp_index(dk_comp_out(c, i))), err);
        if (st != DK_OK)
            return st;
    }
    return DK_OK;
}

const dk_kind_desc dk__kind_topic = {
    .kind =
        {
            .name = "topic",
            .doc = "publish/subscribe: each subscriber (each link) gets every message through "
                   "its own queue",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_ASYNC,
            .replicas_prop = -1,
            .shape = "tab",
            .detail = detail,
        },
    .build = build,
    .wire = wire,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

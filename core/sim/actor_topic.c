/* actor_topic.c - the topic actor: a publish answered after its latency, a copy of the message
 * for each subscriber through the subscriber's own queue (a subscription, actor_queue.c). */
#include <stdio.h>
#include "designkit/locale.h"
#include "designkit/alloc.h"
#include "sim/engine.h"
#include "sim/mqueue.h"

/* Timer tag: a publish's latency is over (ev->ptr the publisher's call). */
#define TAG_PUBLISHED 1

typedef struct topic {
    const dk_dist_t *publish; /* the simulator's shared copy; NULL: no wait */
    dk_queue_config each;     /* every subscription's; its dists are the caller's, copied at
                                 subscribe time by the subscription itself */
    dk_dist_t *service;       /* each.service's own copy, alive as long as the topic */
    dk_actor_t **subs;
    size_t nsubs, cap;
    uint64_t pending; /* publishes not answered yet */
} topic;

static void topic_destroy(void *data)
{
    topic *t = data;
    if (t == NULL)
        return;
    dk_dist_free(t->service);
    dk_free(t->subs);
    dk_free(t);
}

static uint64_t topic_held(const dk_actor_t *self)
{
    return ((const topic *)self->data)->pending;
}

static void answer(dk_actor_t *self, topic *t, dk_call_t *publish, dk_reply_status st)
{
    t->pending--;
    dk__sim_reply(self->sim, publish, st);
}

/* Every subscription is offered its copy. The publish is answered now unless some are waiting
 * for room (block): then call->step counts those and call->value remembers a refusal, both the
 * callee's to use while it holds the call. */
static void fan_out(dk_actor_t *self, topic *t, dk_call_t *publish)
{
    uint32_t waiting = 0;
    int refused = 0;
    for (size_t i = 0; i < t->nsubs; i++) {
        dk__mq_offer_result r = dk__mq_offer_copy(t->subs[i], publish);
        if (self->sim->stop)
            return;
        waiting += r == DK__MQ_WAITING;
        refused |= r == DK__MQ_REFUSED;
    }
    if (waiting == 0) {
        answer(self, t, publish, refused ? DK_REPLY_REJECTED : DK_REPLY_OK);
        return;
    }
    publish->step = waiting;
    publish->value = refused;
}

/* A copy that waited for room got in; the last one answers the publish. */
static void admitted(dk_actor_t *self, dk_call_t *publish)
{
    if (--publish->step == 0)
        answer(self, self->data, publish, publish->value != 0 ? DK_REPLY_REJECTED : DK_REPLY_OK);
}

static void topic_event(dk_actor_t *self, const dk_event *ev)
{
    topic *t = self->data;
    switch (ev->kind) {
    case DK_EV_CALL:
        t->pending++;
        ev->call->step = 0;
        ev->call->value = 0;
        if (t->publish != NULL)
            dk__sim_timer(self->sim, self, dk__sample_time(t->publish, &self->rng), TAG_PUBLISHED,
                          ev->call);
        else
            fan_out(self, t, ev->call);
        break;
    case DK_EV_TIMER:
        if (ev->tag == TAG_PUBLISHED)
            fan_out(self, t, ev->ptr);
        break;
    case DK_EV_REPLY: /* a delivery, made over our link on a subscription's behalf */
        dk__mq_delivered(ev->call->parent->callee, ev->call);
        break;
    default:
        break;
    }
}

static const dk_actor_ops topic_ops = {"topic", topic_event, topic_held, topic_destroy};

/*
 * dk_sim_add_topic - see sim.h. DK_EINVAL for missing arguments or a subscription
 * configuration dk_sim_add_queue would refuse; DK_EEXIST for a name taken; DK_ENOMEM.
 */
dk_actor_t *dk_sim_add_topic(dk_sim_t *sim, const char *name, const dk_topic_config *cfg,
                             dk_error *err)
{
    if (sim == NULL || name == NULL || cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "topic: simulator, name and configuration are required");
        return NULL;
    }
    if (cfg->each.consumers == 0 || (int)cfg->each.when_full < 0 ||
        cfg->each.when_full >= DK_WHEN_FULL__COUNT) {
        dk_error_set(err, DK_EINVAL, "topic \"%s\": %s", name,
                     cfg->each.consumers == 0 ? "consumers must be at least 1"
                                              : "when_full must be reject, block or drop_oldest");
        return NULL;
    }
    topic *t = dk_calloc(1, sizeof *t);
    if (t == NULL ||
        (cfg->publish != NULL && (t->publish = dk__sim_share_dist(sim, cfg->publish)) == NULL) ||
        (cfg->each.service != NULL && (t->service = dk_dist_clone(cfg->each.service)) == NULL)) {
        topic_destroy(t);
        dk_error_set(err, DK_ENOMEM, "topic \"%s\": out of memory", name);
        return NULL;
    }
    t->each = cfg->each;
    t->each.service = t->service;
    t->each.enqueue = NULL;
    return dk_sim_add_actor(sim, name, &topic_ops, t, err);
}

/*
 * dk_topic_subscribe - see sim.h. The subscription delivers over the topic's link to
 * `subscriber`, found here by position: the position stays valid when more links are added,
 * where a pointer into the topic's link array would not.
 */
dk_status dk_topic_subscribe(dk_actor_t *topic_actor, dk_actor_t *subscriber, dk_error *err)
{
    if (topic_actor == NULL || topic_actor->ops != &topic_ops || subscriber == NULL)
        return dk_error_set(err, DK_EINVAL, "subscribe: \"%s\" is not a topic",
                            topic_actor != NULL ? topic_actor->name : "(null)");
    topic *t = topic_actor->data;
    size_t link = topic_actor->nout;
    for (size_t i = 0; i < topic_actor->nout && link == topic_actor->nout; i++)
        if (topic_actor->out[i].target == subscriber) /* past the guard of a resilient link */
            link = i;
    if (link == topic_actor->nout)
        return dk_error_set(err, DK_EINVAL, "topic \"%s\": subscriber \"%s\" is not linked to it",
                            topic_actor->name, subscriber->name);
    if (t->nsubs == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4;
        dk_actor_t **v = dk_realloc(t->subs, cap * sizeof *v);
        if (v == NULL)
            return dk_error_set(err, DK_ENOMEM, "topic \"%s\": out of memory", topic_actor->name);
        t->subs = v;
        t->cap = cap;
    }
    char name[512];
    dk_snprintf(name, sizeof name, "%s/%s", topic_actor->name, subscriber->name);
    dk_actor_t *sub =
        dk__mq_add_subscription(topic_actor->sim, name, &t->each, topic_actor, link, admitted, err);
    if (sub == NULL)
        return err != NULL && err->status != DK_OK ? err->status : DK_EINVAL;
    t->subs[t->nsubs++] = sub;
    return DK_OK;
}

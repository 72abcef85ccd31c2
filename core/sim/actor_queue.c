/* actor_queue.c - the message queue actor: producers answered on enqueue, messages held in FIFO
 * order for consumers that run flows, a bounded capacity with a policy when full. A topic's
 * subscriptions are the same actor delivering to one subscriber. */
#include <string.h>
#include "designkit/alloc.h"
#include "sim/engine.h"
#include "sim/mqueue.h"

/* Timer tags: a producer's enqueue latency is over (ev->ptr the producer's call); a consumer's
 * time with a message is over (ev->ptr the message). */
enum { TAG_ENQUEUED = 1, TAG_SERVED = 2 };

/* call->value says where a message is, for abandon() (the field is the callee's to use).
 * Producers' calls keep the 0 the pool gives them. */
#define MSG_WAITING 1.0
#define MSG_BLOCKED 2.0
#define MSG_SERVICE 3.0
#define MSG_FLOW 4.0

const char *const dk_when_full_names[] = {
#define NAME(id, name) name,
    DK_WHEN_FULL(NAME)
#undef NAME
        NULL};

int dk_when_full_parse(const char *name, dk_when_full *out)
{
    for (int k = 0; name != NULL && k < DK_WHEN_FULL__COUNT; k++)
        if (strcmp(name, dk_when_full_names[k]) == 0) {
            *out = (dk_when_full)k;
            return 1;
        }
    return 0;
}

/* Messages waiting and consumers busy are the actor's stats.queued and stats.busy (the
 * reports' mean queue and utilisation); messages are linked through call->next. */
typedef struct mq {
    uint32_t consumers;
    uint64_t capacity; /* 0: unbounded */
    dk_when_full when_full;
    const dk_dist_t *enqueue, *service; /* the simulator's shared copies */
    dk_call_t *head, *tail;             /* waiting, oldest first */
    dk_call_t *bhead, *btail;           /* blocked, each with its producer in ->frame */
    uint64_t producers;                 /* a queue's producer calls not answered yet */
    size_t nroutes;
    dk_flow *routes;  /* by class; ops NULL where no route */
    dk_flow fallback; /* the default route */
    /* A subscription: deliveries go from `from` over its link number `link`, and a message
     * that waited for room is reported to `admit`. A queue: from is NULL. */
    dk_actor_t *from;
    size_t link;
    dk__mq_admit_fn admit;
    dk_queue_stats st;
} mq;

static void free_flow(dk_flow *f)
{
    if (f->ops != NULL && f->ops->destroy != NULL)
        f->ops->destroy(f->data);
    f->ops = NULL;
    f->data = NULL;
}

static void mq_destroy(void *data)
{
    mq *q = data;
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->nroutes; i++)
        free_flow(&q->routes[i]);
    dk_free(q->routes);
    free_flow(&q->fallback);
    dk_hist_free(q->st.age);
    dk_free(q);
}

/* Messages that got in and are neither out (handled, failed, dropped) nor inside (waiting, with
 * a consumer): 0 when the books balance. held() adds it, so a message lost or counted twice
 * breaks the engine's conservation check, which then names this actor. */
static uint64_t unaccounted(const dk_actor_t *self, const mq *q)
{
    return q->st.admitted - q->st.consumed - q->st.failed - q->st.dropped - self->stats.queued -
           self->stats.busy;
}

/* A queue holds the producers' calls it has not answered yet; the messages are its own. */
static uint64_t queue_held(const dk_actor_t *self)
{
    const mq *q = self->data;
    return q->producers + unaccounted(self, q);
}

/* A subscription's arrivals are the copies offered to it: it holds those waiting for room,
 * waiting for a consumer and with one. */
static uint64_t subscription_held(const dk_actor_t *self)
{
    const mq *q = self->data;
    return q->st.blocked + self->stats.queued + self->stats.busy + unaccounted(self, q);
}

static void queue_event(dk_actor_t *self, const dk_event *ev);
static void subscription_event(dk_actor_t *self, const dk_event *ev);
static const dk_actor_ops queue_ops = {"queue", queue_event, queue_held, mq_destroy};
static const dk_actor_ops subscription_ops = {"subscription", subscription_event, subscription_held,
                                              mq_destroy};

static int is_subscription(const dk_actor_t *a)
{
    return a->ops == &subscription_ops;
}

static const dk_flow *route_of(const mq *q, uint32_t cls)
{
    if (cls < q->nroutes && q->routes[cls].ops != NULL)
        return &q->routes[cls];
    return q->fallback.ops != NULL ? &q->fallback : NULL;
}

static void append(dk_call_t **head, dk_call_t **tail, dk_call_t *m)
{
    m->next = NULL;
    if (*tail != NULL)
        (*tail)->next = m;
    else
        *head = m;
    *tail = m;
}

static dk_call_t *pop(dk_call_t **head, dk_call_t **tail)
{
    dk_call_t *m = *head;
    *head = m->next;
    if (*head == NULL)
        *tail = NULL;
    m->next = NULL;
    return m;
}

/* A consumer takes `m`: its age is recorded, its handling time starts. */
static void begin_service(dk_actor_t *self, mq *q, dk_call_t *m)
{
    dk_sim_t *sim = self->sim;
    dk__sim_record(sim, q->st.age, sim->now - m->arrived);
    m->value = MSG_SERVICE;
    dk__sim_timer(sim, self, q->service != NULL ? dk__sample_time(q->service, &self->rng) : 0,
                  TAG_SERVED, m);
}

/* `m` is in: a free consumer takes it at once, else it waits at the tail. */
static void admit(dk_actor_t *self, mq *q, dk_call_t *m)
{
    dk_actor_stats *s = &self->stats;
    q->st.admitted++;
    m->arrived = self->sim->now; /* its age counts from here */
    dk__actor_advance(self, self->sim->now);
    if (s->busy < q->consumers) {
        s->busy++;
        begin_service(self, q, m);
        return;
    }
    m->value = MSG_WAITING;
    append(&q->head, &q->tail, m);
    s->queued++;
    if (s->queued > q->st.max_depth)
        q->st.max_depth = s->queued;
}

static int has_room(const dk_actor_t *self, const mq *q)
{
    return q->capacity == 0 || self->stats.queued < q->capacity;
}

/* The oldest waiting message goes, to make room (drop_oldest). A subscription counts it as a
 * copy not delivered. */
static void drop_oldest(dk_actor_t *self, mq *q)
{
    dk_call_t *m = pop(&q->head, &q->tail);
    dk__actor_advance(self, self->sim->now);
    self->stats.queued--;
    q->st.dropped++;
    if (is_subscription(self))
        self->stats.failed++;
    dk__sim_release(self->sim, m);
}

/* Offers message `m`, on behalf of `producer`. Producers already waiting for room go first,
 * so a message that finds them there waits behind them even if room has just been made. */
static dk__mq_offer_result offer(dk_actor_t *self, mq *q, dk_call_t *m, dk_call_t *producer)
{
    if (q->bhead == NULL && has_room(self, q)) {
        admit(self, q, m);
        return DK__MQ_ADMITTED;
    }
    switch (q->when_full) {
    case DK_WHEN_FULL_BLOCK:
        m->value = MSG_BLOCKED;
        m->frame = producer;
        append(&q->bhead, &q->btail, m);
        q->st.blocked++;
        return DK__MQ_WAITING;
    case DK_WHEN_FULL_DROP_OLDEST:
        if (q->head != NULL)
            drop_oldest(self, q);
        admit(self, q, m);
        return DK__MQ_ADMITTED;
    case DK_WHEN_FULL_REJECT:
    default:
        dk__sim_release(self->sim, m);
        return DK__MQ_REFUSED;
    }
}

/* A producer's call is answered: after its enqueue latency, or once its message got room. */
static void answer_producer(dk_actor_t *self, mq *q, dk_call_t *producer, dk_reply_status st)
{
    q->producers--;
    dk__sim_reply(self->sim, producer, st);
}

/* Messages that waited for room get in while there is room, first come first served, and
 * their producers are answered. */
static void unblock(dk_actor_t *self, mq *q)
{
    while (q->bhead != NULL && has_room(self, q)) {
        dk_call_t *m = pop(&q->bhead, &q->btail);
        dk_call_t *producer = m->frame;
        m->frame = NULL;
        q->st.blocked--;
        admit(self, q, m);
        if (q->from != NULL)
            q->admit(q->from, producer);
        else
            answer_producer(self, q, producer, DK_REPLY_OK);
    }
}

/* The consumer is done with `m` (ok: handled to the end): it takes the next waiting message or
 * goes idle, and the room made lets a blocked producer in. */
static void done(dk_actor_t *self, mq *q, dk_call_t *m, int ok)
{
    dk_sim_t *sim = self->sim;
    if (ok)
        q->st.consumed++;
    else
        q->st.failed++;
    if (is_subscription(self)) {
        if (ok)
            self->stats.completed++;
        else
            self->stats.failed++;
        dk__sim_record(sim, self->stats.latency, sim->now - m->sent);
    }
    dk__sim_release(sim, m);
    dk__actor_advance(self, sim->now);
    if (q->head != NULL) {
        dk_call_t *next = pop(&q->head, &q->tail);
        self->stats.queued--;
        begin_service(self, q, next);
    } else {
        self->stats.busy--;
    }
    unblock(self, q);
}

static void flow_result(dk_actor_t *self, mq *q, const dk_flow *f, dk_call_t *m, dk_flow_result r)
{
    if (r == DK_FLOW_WAIT) {
        if (m->pending == 0)
            dk_sim_abort(self->sim, DK_EINTERNAL,
                         "queue \"%s\": flow \"%s\" waits but made no sub-call", self->name,
                         f->ops->name ? f->ops->name : "?");
        return;
    }
    done(self, q, m, r == DK_FLOW_OK);
}

/* The consumer's time with `m` is over: a subscription delivers it, a queue runs its flow (or,
 * with none, it is handled). */
static void served(dk_actor_t *self, mq *q, dk_call_t *m)
{
    dk_sim_t *sim = self->sim;
    m->value = MSG_FLOW;
    m->step = 0;
    m->frame = NULL;
    if (q->from != NULL) {
        dk_call_t *d = dk__sim_take_call(sim);
        if (d == NULL)
            return; /* the run is aborted */
        dk__sim_init_sub(sim, d, m, m->op, m->key);
        dk__sim_send_on(sim, q->from, &q->from->out[q->link], d);
        return;
    }
    const dk_flow *f = route_of(q, m->cls);
    if (f == NULL) {
        done(self, q, m, 1);
        return;
    }
    dk_flow_ctx ctx = {sim, self, m, NULL};
    flow_result(self, q, f, m, f->ops->step(f->data, &ctx));
}

/* The next step of a message's flow: `sub`, a call it made, has been answered. */
static void step_flow(dk_actor_t *self, mq *q, dk_call_t *sub)
{
    dk_call_t *m = sub->parent;
    const dk_flow *f = route_of(q, m->cls);
    if (f == NULL || m->value != MSG_FLOW) { /* routes cannot vanish mid-run: an engine bug */
        dk_sim_abort(self->sim, DK_EINTERNAL, "queue \"%s\": reply for a message with no flow",
                     self->name);
        return;
    }
    dk_flow_ctx ctx = {self->sim, self, m, sub};
    flow_result(self, q, f, m, f->ops->step(f->data, &ctx));
}

/* A new message from `producer`: same class, key, op and birth, held by `self`. NULL when the
 * pool cannot grow (the run is then aborted). */
static dk_call_t *new_message(dk_actor_t *self, const dk_call_t *producer)
{
    dk_sim_t *sim = self->sim;
    dk_call_t *m = dk__sim_take_call(sim);
    if (m == NULL)
        return NULL;
    dk__sim_init_sub(sim, m, NULL, producer->op, producer->key);
    m->cls = producer->cls;
    m->born = producer->born;
    m->callee = self;
    return m;
}

/* A producer's enqueue latency is over: its message is offered. */
static void enqueue(dk_actor_t *self, mq *q, dk_call_t *producer)
{
    dk_call_t *m = new_message(self, producer);
    if (m == NULL)
        return;
    switch (offer(self, q, m, producer)) {
    case DK__MQ_ADMITTED:
        answer_producer(self, q, producer, DK_REPLY_OK);
        break;
    case DK__MQ_REFUSED:
        answer_producer(self, q, producer, DK_REPLY_REJECTED);
        break;
    case DK__MQ_WAITING:
        break;
    }
}

/* A queue's whole handler (the engine's generic call and reply handlers do the bookkeeping). */
static void queue_event(dk_actor_t *self, const dk_event *ev)
{
    mq *q = self->data;
    switch (ev->kind) {
    case DK_EV_CALL:
        q->producers++;
        if (q->enqueue != NULL)
            dk__sim_timer(self->sim, self, dk__sample_time(q->enqueue, &self->rng), TAG_ENQUEUED,
                          ev->call);
        else
            enqueue(self, q, ev->call);
        break;
    case DK_EV_TIMER:
        if (ev->tag == TAG_ENQUEUED)
            enqueue(self, q, ev->ptr);
        else if (ev->tag == TAG_SERVED)
            served(self, q, ev->ptr);
        break;
    case DK_EV_REPLY:
        step_flow(self, q, ev->call);
        break;
    default:
        break;
    }
}

/* A subscription is offered copies by its topic and hears of deliveries through it; its own
 * events are its consumers' timers. */
static void subscription_event(dk_actor_t *self, const dk_event *ev)
{
    if (ev->kind == DK_EV_TIMER && ev->tag == TAG_SERVED)
        served(self, self->data, ev->ptr);
}

/* The simulator is being freed with `call` still here: a message inside a flow may have state
 * in it (a Lua handler's coroutine). */
static void mq_abandon(dk_actor_t *self, dk_call_t *call)
{
    mq *q = self->data;
    if (call->value != MSG_FLOW || q->from != NULL)
        return;
    const dk_flow *f = route_of(q, call->cls);
    if (f != NULL && f->ops->abandon != NULL)
        f->ops->abandon(f->data, call);
}

/* The end of the warm-up: the books start again with the messages in the queue now (waiting
 * or with a consumer) as the ones admitted, so that they still balance at the end. */
static void mq_reset(dk_actor_t *self)
{
    mq *q = self->data;
    q->st.admitted = (uint64_t)self->stats.queued + self->stats.busy;
    q->st.consumed = q->st.failed = q->st.dropped = 0;
    q->st.max_depth = self->stats.queued;
    dk_hist_reset(q->st.age);
}

/* The overload check's view of a queue (engine.h): its consumers over the mean time one stays
 * with a message, its handling time or, once the messages handled far outnumber the consumers,
 * what the run measured (a flow that waits downstream holds its consumer). */
static int mq_capacity(const dk_actor_t *self, dk__capacity *out)
{
    const mq *q = self->data;
    uint64_t handled = q->st.consumed + q->st.failed;
    double nominal = q->service != NULL ? dk_dist_mean(q->service) / 1e9 : 0;
    double hold = nominal;
    if (handled > 0 && handled >= 16 * (uint64_t)q->consumers) {
        /* the calls in service now have served, on average, half their time */
        double measured = self->stats.busy_area / ((double)handled + self->stats.busy / 2.0) / 1e9;
        if (measured > hold)
            hold = measured;
    }
    if (!(hold > 0))
        return 0;
    out->held = hold > 1.25 * nominal ? hold : 0;
    out->per_second = (double)q->consumers / hold;
    out->units = q->consumers;
    out->unit = "consumer";
    out->each = 1 / hold;
    return 1;
}

static dk_actor_t *add(dk_sim_t *sim, const char *name, const dk_actor_ops *ops,
                       const dk_queue_config *cfg, dk_error *err)
{
    if (sim == NULL || name == NULL || cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "queue: simulator, name and configuration are required");
        return NULL;
    }
    if (cfg->consumers == 0 || (int)cfg->when_full < 0 || cfg->when_full >= DK_WHEN_FULL__COUNT) {
        dk_error_set(err, DK_EINVAL, "%s \"%s\": %s", ops->kind, name,
                     cfg->consumers == 0 ? "consumers must be at least 1"
                                         : "when_full must be reject, block or drop_oldest");
        return NULL;
    }
    mq *q = dk_calloc(1, sizeof *q);
    if (q == NULL ||
        (cfg->enqueue != NULL && (q->enqueue = dk__sim_share_dist(sim, cfg->enqueue)) == NULL) ||
        (cfg->service != NULL && (q->service = dk__sim_share_dist(sim, cfg->service)) == NULL) ||
        (q->st.age = dk_hist_new(NULL)) == NULL) {
        mq_destroy(q);
        dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", ops->kind, name);
        return NULL;
    }
    q->consumers = cfg->consumers;
    q->capacity = cfg->capacity;
    q->when_full = cfg->when_full;
    dk_actor_t *a = dk_sim_add_actor(sim, name, ops, q, err);
    if (a == NULL)
        return NULL; /* add_actor destroyed q */
    a->abandon = mq_abandon;
    a->reset = mq_reset;
    a->capacity = mq_capacity;
    a->stats.servers = cfg->consumers;
    return a;
}

/*
 * dk_sim_add_queue - see sim.h. DK_EINVAL for missing arguments, no consumers or an unknown
 * when_full; DK_EEXIST for a name taken; DK_ENOMEM.
 */
dk_actor_t *dk_sim_add_queue(dk_sim_t *sim, const char *name, const dk_queue_config *cfg,
                             dk_error *err)
{
    return add(sim, name, &queue_ops, cfg, err);
}

dk_actor_t *dk__mq_add_subscription(dk_sim_t *sim, const char *name, const dk_queue_config *cfg,
                                    dk_actor_t *from, size_t link_index, dk__mq_admit_fn on_admit,
                                    dk_error *err)
{
    dk_queue_config each = *cfg;
    each.enqueue = NULL;
    dk_actor_t *a = add(sim, name, &subscription_ops, &each, err);
    if (a == NULL)
        return NULL;
    mq *q = a->data;
    q->from = from;
    q->link = link_index;
    q->admit = on_admit;
    return a;
}

dk__mq_offer_result dk__mq_offer_copy(dk_actor_t *sub, dk_call_t *producer)
{
    mq *q = sub->data;
    sub->stats.arrivals++;
    dk_call_t *m = new_message(sub, producer);
    if (m == NULL) { /* the run is aborted: the copy counts as refused */
        sub->stats.rejected++;
        return DK__MQ_REFUSED;
    }
    m->sent = sub->sim->now; /* the subscription's latency counts from the offer */
    dk__mq_offer_result r = offer(sub, q, m, producer);
    if (r == DK__MQ_REFUSED)
        sub->stats.rejected++;
    return r;
}

void dk__mq_delivered(dk_actor_t *sub, dk_call_t *delivery)
{
    dk_call_t *m = delivery->parent;
    uint8_t st = delivery->status;
    dk__sim_release(sub->sim, delivery);
    done(sub, sub->data, m, st == DK_REPLY_OK || st == DK_REPLY_HIT || st == DK_REPLY_MISS);
}

/*
 * dk_queue_route - see sim.h; the same contract as dk_station_route.
 */
dk_status dk_queue_route(dk_actor_t *queue, uint32_t cls, dk_flow flow, dk_error *err)
{
    dk_status st = DK_OK;
    if (queue == NULL || queue->ops != &queue_ops) {
        st = dk_error_set(err, DK_EINVAL, "route: \"%s\" is not a queue",
                          queue ? queue->name : "(null)");
        goto fail;
    }
    mq *q = queue->data;
    if (flow.ops == NULL || flow.ops->step == NULL) {
        st = dk_error_set(err, DK_EINVAL, "queue \"%s\": route needs a flow with a step function",
                          queue->name);
        goto fail;
    }
    if (queue->sim->ran) {
        st = dk_error_set(err, DK_ESTATE, "queue \"%s\": routes cannot change once the run started",
                          queue->name);
        goto fail;
    }
    if (cls == UINT32_MAX) {
        free_flow(&q->fallback);
        q->fallback = flow;
        return DK_OK;
    }
    if (cls >= q->nroutes) {
        size_t n = (size_t)cls + 1;
        dk_flow *v = dk_realloc(q->routes, n * sizeof *v);
        if (v == NULL) {
            st = dk_error_set(err, DK_ENOMEM, "queue \"%s\": out of memory", queue->name);
            goto fail;
        }
        memset(v + q->nroutes, 0, (n - q->nroutes) * sizeof *v);
        q->routes = v;
        q->nroutes = n;
    }
    free_flow(&q->routes[cls]);
    q->routes[cls] = flow;
    return DK_OK;
fail:
    free_flow(&flow);
    return st;
}

const dk_queue_stats *dk_queue_stats_of(const dk_actor_t *a)
{
    if (a == NULL || (a->ops != &queue_ops && a->ops != &subscription_ops))
        return NULL;
    return &((const mq *)a->data)->st;
}

/* engine.h - the simulator's internals shared by the files of core/sim (not installed). */
#ifndef DK_SIM_ENGINE_H
#define DK_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/map.h"
#include "designkit/sim.h"
#include "sim/event_queue.h"

/* Hints for the hot path. DK__NOINLINE keeps a path out of its caller, so that a handler's
 * dispatch saves no registers and each path saves only the ones it needs. */
#if defined(__GNUC__)
#define DK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DK__NOINLINE __attribute__((noinline))
#else
#define DK__UNLIKELY(x) (x)
#define DK__NOINLINE
#endif

/* A link from one actor to another: its latency (NULL = zero) and its own random stream, so
 * that adding a link does not perturb any other draw. */
typedef struct dk__link {
    dk_actor_t *to;
    /* The actor calls along it are meant for: `to`, or the one a link's guard stands in front
     * of (dk_sim_link_through), so that a call to it is sent to the guard. */
    dk_actor_t *target;
    dk_dist_t *latency;
    dk_rng_t rng;
    uint64_t calls;
    int async; /* calls along it are sent and not waited for (dk_sim_link_set_async) */
    /* What a balancer's dk_lb reads when it starts (dk_sim_link_set_balance): weight 0 means
     * the default 1, a negative distance none. */
    double weight, distance;
    /* A reply that takes no time along it goes straight to the caller's handler rather than
     * through the event queue: the caller said its reply handler sends nothing synchronously
     * (dk__actor_take_replies_inline), so nothing can recurse. Copied from the caller. */
    uint8_t reply_inline;
} dk__link;

/* link_balance.c: gives `lb` the weights and distances of the links it balances over (backend
 * j is self->out[links[j]], or self->out[j] when `links` is NULL). */
dk_status dk__link_balance(dk_lb_t *lb, const dk_actor_t *self, const size_t *links, size_t n,
                           dk_error *err);

/* Latencies a simulator holds before recording them as a batch (dk__sim_record), and the
 * number of actors from which it does: below it, the histograms stay in the caches, and a
 * batch's fetching ahead is work for nothing (on M/M/1, about 6% more instructions). */
#define DK__PENDING_MAX 256
#define DK__BATCH_FROM 2048

/* One handler per kind of event (DK_EV_START .. DK_EV_RECOVER). */
#define DK__EV_KINDS (DK_EV_RECOVER + 1)
typedef void (*dk__handler)(dk_actor_t *self, const dk_event *ev);

/* What an actor can serve, as its `capacity` hook describes it: `units` (replicas, workers
 * or consumers, the word in `unit`) each serving `each` requests per second, `per_second` in
 * all; `held` is the mean time in seconds a unit stays with one request when the run measured
 * it longer than the service time (a worker held while its flow waits downstream), else 0. */
typedef struct dk__capacity {
    double per_second;
    uint64_t units;
    const char *unit; /* singular: "replica", "worker", "consumer" */
    double each;
    double held;
} dk__capacity;

/*
 * An actor, laid out by cache line (it is allocated on a line boundary): a call to one of 10^5
 * backends finds it cold, and what the call touches is its first three lines: the random
 * stream and the handlers of the run's events (call, reply, timer) in the first, the kind's
 * data, the simulator and the counters every call updates after them. The rest is read at the
 * start and the end of the run.
 */
struct dk_actor {
    dk_rng_t rng; /* first: the hot path reaches it without an offset */
    /* The event loop calls on[ev->kind]. For a call and a reply, the engine's own handlers do
     * the engine's bookkeeping (dk__call_arrived, dk__reply_arrived), then ops->on_event; an
     * actor's kind may install its own handler per kind instead (dk__actor_handle), which saves
     * the second dispatch on ev->kind. */
    dk__handler on[DK__EV_KINDS];
    void *data;
    dk_sim_t *sim;
    dk_actor_stats stats;
    const dk_actor_ops *ops;
    const char *kind; /* what reports call it (dk_actor_set_kind); NULL: ops->kind */
    char *name;
    size_t index;
    dk__link *out; /* links in dk_sim_link order */
    size_t nout, cap_out;
    /* Drops the actor's per-call state for a call still inside it when the simulator is freed
     * (a flow's abandon). Set by stations; NULL for the rest. */
    void (*abandon)(dk_actor_t *self, dk_call_t *call);
    /* Starts the kind's own statistics again at the end of the warm-up, as the engine does with
     * the actor's stats (a queue's message books). NULL for the kinds that keep none. */
    void (*reset)(dk_actor_t *self);
    /* What the actor can serve, for the overload check (core/sim/overload.c): fills `out` and
     * returns 1, or returns 0 when its capacity has no bound (workers without limit, no service
     * time). NULL for the kinds that keep nobody waiting. */
    int (*capacity)(const dk_actor_t *self, dk__capacity *out);
    /* Replies to this actor may be handed over inline (see dk__link.reply_inline). */
    uint8_t replies_inline;
};

/* For an actor whose reply handler only books the answer (a client): no call of another actor,
 * no reply of its own, so a reply along a link without latency can be handed to it at once, an
 * event saved per request. Before its links are made. */
static inline void dk__actor_take_replies_inline(dk_actor_t *a)
{
    a->replies_inline = 1;
}

/* The engine's wrapper around a pooled call: what the public struct does not show. */
typedef struct dk__call_slot {
    dk_call_t call; /* first, so a dk_call_t * is a slot pointer */
    dk__link *link; /* the link the call travelled on (replies take it back); NULL if none */
    uint8_t live;   /* handed out and not yet released */
    uint8_t root;   /* made by dk_sim_new_call: counted in the class statistics */
    /* The caller's own note on a call it made, kept apart from the callee's scratch (a guard's
     * request record). Set by the caller that reads it; never reset. */
    void *note;
} dk__call_slot;

typedef struct dk__call_chunk {
    struct dk__call_chunk *next;
    size_t n;
    dk__call_slot slots[];
} dk__call_chunk;

typedef struct dk__class {
    char *name;
    dk_class_stats stats;
} dk__class;

/* One batch of a class's end-to-end latencies for the batch-means interval: the answers that
 * came in one DK_SIM_BATCHES-th of the measured time (dk_sim_class_batch). A batch is the
 * difference of the class histogram's count and exact sum between its two ends, so an answer
 * pays nothing for it beyond a comparison of the clock with the batch's end. */
typedef struct dk__batch {
    double sum; /* ns */
    uint64_t n;
} dk__batch;

/* A class histogram's count and sum where the present batch began. */
typedef struct dk__batch_mark {
    long double sum;
    uint64_t n;
} dk__batch_mark;

struct dk_sim {
    dk__evq q;
    dk_time_t now;
    uint64_t seed;
    uint64_t events;
    uint64_t next_call_id;
    uint64_t roots_created; /* over all classes, for max_roots */
    uint64_t roots_live;    /* root calls not yet released */
    uint64_t max_roots;
    dk_call_t *free_calls; /* pool free list, linked through ->next */
    dk__call_chunk *chunks;
    size_t chunk_size;
    dk_actor_t **actors;
    size_t nactors, cap_actors;
    dk__class *classes;
    size_t nclasses, cap_classes;
    /* Name and link lookups, O(1) however many there are. Each map gives a candidate (the
     * first actor or class whose name has that 64-bit hash, the first link with that key) that
     * the lookup confirms, falling back to a scan in the 1-in-2^64 case of two keys colliding,
     * so a collision costs time, never a wrong answer. */
    dk_map_t *actor_names; /* dk_hash_str(name) -> index in actors */
    dk_map_t *class_names; /* dk_hash_str(name) -> index in classes */
    dk_map_t *links;       /* link key (from, to) -> position in from->out */
    /* Distributions shared by the actors that draw from equal ones (dk__sim_share_dist): ten
     * thousand replicas keep one copy, and a request reaches one fewer cold cache line. */
    dk_dist_t **dists;
    size_t ndists, cap_dists;
    dk_map_t *dist_index; /* a hash of a distribution's value -> index + 1 in dists */
    /* Latencies on their way to their histograms (dk__sim_record), recorded a batch at a
     * time by dk__sim_flush_records: behind a balancer over 10^5 backends each reply lands in
     * a histogram far from the cache, and a batch overlaps those misses where recording each
     * as it comes would wait for one after another. The histograms' sums are exact integers,
     * so when a value is recorded changes nothing in what they report. */
    int batch_records; /* set by dk_sim_run for a design of DK__BATCH_FROM actors or more */
    size_t npending;
    dk_hist_sample pending[DK__PENDING_MAX];
    dk_time_t end_time;
    /* Statistics count from `stats_from` on: 0, or the warm-up time once the run has passed it
     * (dk_sim_set_warmup). The batches split [stats_from, the run's end] in DK_SIM_BATCHES
     * spans of `batch_span` ns (the last takes the rest); batches[b * batch_classes + cls],
     * for the `batch_classes` classes known when the run started. The present batch is
     * `batch_at`; it ends at `batch_end` and began where `marks` (one per class) say. */
    dk_time_t warmup;
    dk_time_t stats_from;
    dk_time_t batch_span, batch_end;
    size_t batch_at;
    dk__batch *batches;
    dk__batch_mark *marks;
    size_t batch_classes;
    int ran;
    int stop; /* set by dk_sim_abort: the loop ends after the current event */
    dk_status status;
    char error[DK_ERROR_MAX];
    /* The overload check (core/sim/overload.c), asked only when the call pool grows: the calls
     * pooled, and the waiting requests from which an actor whose offered load reaches its
     * capacity stops the run (0: DK_SIM_OVERLOAD_WAITING; UINT64_MAX: never). */
    size_t pool_calls;
    uint64_t overload_waiting;
};

/* Makes `fn` handle the events of `kind` sent to `a` in place of ops->on_event: for the
 * built-in actors, whose on_event stays the complete handler other code may call. */
static inline void dk__actor_handle(dk_actor_t *a, dk_event_kind kind, dk__handler fn)
{
    a->on[kind] = fn;
}

/* What the engine notes of an event before the actor acts on it: a call's arrival (counted
 * and stamped), a reply's sub-call no longer pending on its parent. A handler installed for
 * DK_EV_CALL or DK_EV_REPLY with dk__actor_handle calls the one for its kind first. The handler
 * knows its kind; the event loop would have to test ev->kind, and that test was the loop's
 * most mispredicted branch (a queue's arrivals and departures come in no set order). */
static inline void dk__call_arrived(dk_actor_t *a, const dk_event *ev)
{
    a->stats.arrivals++;
    ev->call->arrived = ev->time;
}

static inline void dk__reply_arrived(const dk_event *ev)
{
    dk_call_t *parent = ev->call->parent;
    if (parent != NULL)
        parent->pending--;
}

/* The layout the comment on struct dk_actor promises: the counters a call updates end within
 * the actor's second line. */
_Static_assert(offsetof(struct dk_actor, stats.rejected) <= 192,
               "an actor's hot fields fit its first three cache lines");

/* Prefetch hints for an actor about to be called, in two steps because the second reads what
 * the first fetches: its three hot lines, then its data and the first lines of its latency
 * histogram. A balancer over more backends than the caches hold issues them ahead for the
 * backends it picks next. No effect on results. */
static inline void dk__actor_prefetch(const dk_actor_t *a)
{
#if defined(__GNUC__)
    const char *p = (const char *)a;
    __builtin_prefetch(p);
    __builtin_prefetch(p + 64);
    __builtin_prefetch(p + 128);
#else
    (void)a;
#endif
}

static inline void dk__actor_prefetch_state(const dk_actor_t *a)
{
#if defined(__GNUC__)
    /* No test for a NULL data: a prefetch reads nothing and cannot fault, and a branch on the
     * pointer (in a line that may still be on its way) costs more than a useless hint. */
    uintptr_t d = (uintptr_t)a->data, h = (uintptr_t)a->stats.latency;
    __builtin_prefetch((const void *)d);
    __builtin_prefetch((const void *)(d + 64));
    __builtin_prefetch((const void *)h);
    __builtin_prefetch((const void *)(h + 64));
#else
    (void)a;
#endif
}

/* The simulator's own copy of a distribution equal to `d` (made on first use, freed with the
 * simulator): actors borrow it rather than clone their own. NULL on out-of-memory. */
const dk_dist_t *dk__sim_share_dist(dk_sim_t *sim, const dk_dist_t *d);

/* Aborts the run: an event at `t` could not be scheduled for want of memory. */
void dk__sim_schedule_failed(dk_sim_t *sim, dk_time_t t);

/* Schedules an event for `actor` at now + delay (delay >= 0); aborts the run on out-of-memory.
 * Inline: every event of the run passes through here. */
DK__EVQ_INLINE void dk__sim_schedule(dk_sim_t *sim, dk_actor_t *actor, dk_time_t delay,
                                     uint32_t kind, dk_call_t *call, uint32_t tag, void *ptr)
{
    dk_time_t t = sim->now + delay;
    if (dk__evq_add(&sim->q, t, actor, call, ptr, kind, tag) != DK_OK)
        dk__sim_schedule_failed(sim, t);
}

/* Brings the busy/queue integrals of `a` up to `now` before either count changes. */
static inline void dk__actor_advance(dk_actor_t *a, dk_time_t now)
{
    dk_actor_stats *s = &a->stats;
    double dt = (double)(now - s->last_change);
    s->busy_area += (double)s->busy * dt;
    s->queue_area += (double)s->queued * dt;
    s->last_change = now;
}

/* A draw from `d` as a non-negative whole number of nanoseconds (NULL: 0). */
static inline dk_time_t dk__sample_time(const dk_dist_t *d, dk_rng_t *rng)
{
    if (d == NULL)
        return 0;
    double x = dk_dist_sample(d, rng);
    if (!(x > 0)) /* negative draws (a normal's tail) and NaN are "no time" */
        return 0;
    if (x >= 4.0e18) /* clamp: a heavy tail must not overflow the clock */
        return (dk_time_t)4000000000000000000LL;
    return (dk_time_t)(x + 0.5);
}

/* dk_sim_timer for callers whose delay is known to be >= 0. */
DK__EVQ_INLINE void dk__sim_timer(dk_sim_t *sim, dk_actor_t *actor, dk_time_t delay, uint32_t tag,
                                  void *ptr)
{
    dk__sim_schedule(sim, actor, delay, DK_EV_TIMER, NULL, tag, ptr);
}

/* dk_sim_send along a link of the caller's already in hand (no search). */
DK__EVQ_INLINE void dk__sim_send_on(dk_sim_t *sim, dk_actor_t *caller, dk__link *link,
                                    dk_call_t *call)
{
    dk__call_slot *s = (dk__call_slot *)call;
    call->caller = caller;
    call->callee = link->to;
    call->sent = sim->now;
    s->link = link;
    link->calls++;
    dk_time_t delay = link->latency != NULL ? dk__sample_time(link->latency, &link->rng) : 0;
    dk__sim_schedule(sim, link->to, delay, DK_EV_CALL, call, 0, NULL);
}

static inline int dk__sim_may_create(const dk_sim_t *sim)
{
    return sim->max_roots == 0 || sim->roots_created < sim->max_roots;
}

int dk__sim_grow_pool(dk_sim_t *sim); /* 0 when memory runs out */
/* The pool has grown by `n` calls: past the overload threshold, looks for an overloaded actor
 * and aborts the run naming it (core/sim/overload.c). Never on the per-event path. */
void dk__sim_pool_grew(dk_sim_t *sim, size_t n);
dk_call_t *dk__sim_pool_empty(dk_sim_t *sim); /* aborts the run; NULL */
void dk__sim_bad_class(dk_sim_t *sim, uint32_t cls);

/* A pooled call, live, with every field reset but the ones the caller sets next: `born`,
 * `cls`, `op`, `key`, `parent` and the slot's `root`. NULL (the run aborted) on out-of-memory. */
static inline dk_call_t *dk__sim_take_call(dk_sim_t *sim)
{
    if (sim->free_calls == NULL && !dk__sim_grow_pool(sim))
        return dk__sim_pool_empty(sim);
    dk_call_t *c = sim->free_calls;
    sim->free_calls = c->next;
    dk__call_slot *s = (dk__call_slot *)c;
    /* Field by field rather than memset: this runs for every call of the run. */
    c->caller = c->callee = NULL;
    c->id = sim->next_call_id++;
    c->sent = c->arrived = sim->now;
    c->status = DK_REPLY_PENDING;
    c->pending = 0;
    c->step = 0;
    c->frame = NULL;
    c->next = NULL;
    c->value = 0;
    s->link = NULL;
    s->live = 1;
    return c;
}

/* Fills in a sub-call of `parent` (NULL: none): class and birth inherited, one more
 * sub-call pending on the parent. */
static inline void dk__sim_init_sub(dk_sim_t *sim, dk_call_t *c, dk_call_t *parent, uint8_t op,
                                    uint64_t key)
{
    ((dk__call_slot *)c)->root = 0;
    c->parent = parent;
    c->op = op;
    c->key = key;
    if (parent != NULL) {
        c->cls = parent->cls;
        c->born = parent->born;
        parent->pending++;
    } else {
        c->cls = 0;
        c->born = sim->now;
    }
}

/* dk_sim_call along a link of the caller's in hand: a balancer picks a backend by position,
 * and searching the link by callee would cost a lookup per call. NULL when the pool cannot
 * grow (the run is then aborted). */
static inline dk_call_t *dk__sim_call_on(dk_sim_t *sim, dk_actor_t *caller, dk_call_t *parent,
                                         dk__link *link, uint8_t op, uint64_t key)
{
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return NULL;
    dk__sim_init_sub(sim, c, parent, op, key);
    dk__sim_send_on(sim, caller, link, c);
    return c;
}

/* dk_sim_new_call, inline for the clients. */
static inline dk_call_t *dk__sim_new_call(dk_sim_t *sim, uint32_t cls, uint8_t op, uint64_t key)
{
    if (cls >= sim->nclasses) {
        dk__sim_bad_class(sim, cls);
        return NULL;
    }
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return NULL;
    ((dk__call_slot *)c)->root = 1;
    c->parent = NULL;
    c->cls = cls;
    c->op = op;
    c->key = key;
    c->born = sim->now;
    sim->roots_created++;
    sim->roots_live++;
    sim->classes[cls].stats.created++;
    return c;
}

/* Aborts the run: a latency could not be recorded for want of memory (a histogram's first
 * value in a new band allocates its block). */
void dk__sim_record_failed(dk_sim_t *sim);

/* Records the latencies held in sim->pending into their histograms and empties it (aborting
 * the run if one cannot be recorded). Every reader of a histogram the run writes comes here
 * first: the end of the run and the statistics getters. */
void dk__sim_flush_records(dk_sim_t *sim);

/* Records `value` in `h`, now or with the next batch: the way every latency of the run goes
 * into its histogram. */
static inline void dk__sim_record(dk_sim_t *sim, dk_hist_t *h, int64_t value)
{
    if (!sim->batch_records) {
        if (DK__UNLIKELY(dk_hist_record(h, value) != DK_OK))
            dk__sim_record_failed(sim);
        return;
    }
    dk_hist_sample *s = &sim->pending[sim->npending++];
    s->hist = h;
    s->value = value;
    if (DK__UNLIKELY(sim->npending == DK__PENDING_MAX))
        dk__sim_flush_records(sim);
}

/* Closes the present batch and moves on to the one that holds sim->now. */
void dk__sim_next_batch(dk_sim_t *sim);

/* core/sim/measure.c, for dk_sim_run: the batches cover [from, until] from now on, emptied;
 * the present batch takes what the class histograms gained since it began (at the run's end);
 * the end of the warm-up, where every statistic starts again. */
void dk__sim_start_batches(dk_sim_t *sim, dk_time_t from, dk_time_t until);
void dk__sim_close_batch(dk_sim_t *sim);
void dk__sim_reset_statistics(dk_sim_t *sim, dk_time_t until);

/* Counts the answered root call in its class: completed (with its end-to-end latency) or failed.
 */
static inline void dk__sim_record_e2e(dk_sim_t *sim, const dk_call_t *root)
{
    dk_class_stats *cs = &sim->classes[root->cls].stats;
    if (root->status == DK_REPLY_OK || root->status == DK_REPLY_HIT ||
        root->status == DK_REPLY_MISS) {
        if (DK__UNLIKELY(sim->now >= sim->batch_end)) /* before: this answer is the next batch's */
            dk__sim_next_batch(sim);
        cs->completed++;
        dk__sim_record(sim, cs->latency, sim->now - root->born);
    } else {
        cs->failed++;
    }
}

void dk__sim_release_twice(dk_sim_t *sim, dk_call_t *call);

/* Returns `call` to the pool (a second release aborts the run). */
static inline void dk__sim_release(dk_sim_t *sim, dk_call_t *call)
{
    dk__call_slot *s = (dk__call_slot *)call;
    if (!s->live) {
        dk__sim_release_twice(sim, call);
        return;
    }
    sim->roots_live -= s->root;
    s->live = 0;
    call->next = sim->free_calls;
    sim->free_calls = call;
}

void dk__sim_bad_reply(dk_sim_t *sim, dk_call_t *call, dk_reply_status status);

/* dk_sim_reply, inline for the stations. */
static inline void dk__sim_reply(dk_sim_t *sim, dk_call_t *call, dk_reply_status status)
{
    if (status <= DK_REPLY_PENDING || status > DK_REPLY_FAILED) {
        dk__sim_bad_reply(sim, call, status);
        return;
    }
    call->status = (uint8_t)status;
    dk_actor_t *callee = call->callee;
    if (callee != NULL) {
        dk_actor_stats *st = &callee->stats;
        if (status == DK_REPLY_REJECTED)
            st->rejected++;
        else if (status == DK_REPLY_FAILED)
            st->failed++;
        else
            st->completed++;
        dk__sim_record(sim, st->latency, sim->now - call->arrived);
    }
    if (call->caller == NULL) {
        if (((dk__call_slot *)call)->root)
            dk__sim_record_e2e(sim, call);
        dk__sim_release(sim, call);
        return;
    }
    dk__link *l = ((dk__call_slot *)call)->link;
    if (l != NULL && l->reply_inline && l->latency == NULL) {
        /* As the event loop would deliver it, at the same time, and counted as an event. */
        dk_event ev;
        ev.time = sim->now;
        ev.seq = 0;
        ev.actor = call->caller;
        ev.call = call;
        ev.ptr = NULL;
        ev.kind = DK_EV_REPLY;
        ev.tag = 0;
        sim->events++;
        ev.actor->on[DK_EV_REPLY](ev.actor, &ev);
        return;
    }
    dk_time_t delay = l != NULL && l->latency != NULL ? dk__sample_time(l->latency, &l->rng) : 0;
    dk__sim_schedule(sim, call->caller, delay, DK_EV_REPLY, call, 0, NULL);
}

#endif

/* actor_guard.c - the guard actor: retries with backoff, timeouts and a circuit breaker on the
 * calls that pass it, built on core/patterns (dk_retry, dk_breaker). */
#include "designkit/alloc.h"
#include "sim/engine.h"

/* Timer tags: the low two bits say which; a timeout carries its attempt's number above them,
 * because a timer cannot be taken back and must know whether it is still the current one. */
#define TAG_BACKOFF 1u
#define TAG_TIMEOUT 2u
#define TAG_WAITED 3u  /* a bulkhead waiter's wait is over: the overdue ones are rejected */
#define TAG_GRANTED 0u /* a bulkhead slot freed by another request goes to this one */

/* One call being guarded, from its arrival until nothing refers to it any more: its open
 * answer, an attempt out, a timer set each hold a reference, since a timeout's timer and a late
 * answer can come after the call itself has been answered. Pooled on a free list. */
typedef struct request {
    dk_call_t *in;  /* the call to answer; NULL once answered */
    dk_call_t *out; /* the attempt awaited; NULL while backing off or once given up on */
    dk_time_t out_sent;
    int64_t prev_delay; /* the last backoff (decorrelated jitter reads it) */
    uint32_t attempts;
    uint32_t refs;
    uint8_t entered; /* holds a bulkhead slot */
    struct request *next_free;
    struct request *next_all; /* every record made, freed with the guard */
} request;

typedef struct guard {
    dk_time_t timeout;
    dk_retry_t *retry;       /* NULL: one attempt */
    dk_breaker_t *breaker;   /* NULL: none */
    dk_bulkhead_t *bulkhead; /* NULL: none */
    dk_time_t bulkhead_wait;
    size_t next;   /* the link the next attempt takes (round robin) */
    uint64_t open; /* calls received and not yet answered */
    request *free, *all;
    dk_guard_stats stats;
} guard;

static void guard_destroy(void *data)
{
    guard *g = data;
    if (g == NULL)
        return;
    for (request *r = g->all, *n; r != NULL; r = n) {
        n = r->next_all;
        dk_free(r);
    }
    dk_retry_free(g->retry);
    dk_breaker_free(g->breaker);
    dk_bulkhead_free(g->bulkhead);
    dk_free(g);
}

static uint64_t guard_held(const dk_actor_t *self)
{
    return ((const guard *)self->data)->open;
}

/* The end of the warm-up: the counts start again, as the engine's do. */
static void guard_reset(dk_actor_t *self)
{
    guard *g = self->data;
    g->stats = (dk_guard_stats){0};
}

static void on_breaker_change(void *ud, dk_breaker_state from, dk_breaker_state to, int64_t now)
{
    guard *g = ud;
    (void)from;
    (void)now;
    g->stats.breaker_changes++;
    if (to == DK_BREAKER_OPEN)
        g->stats.opened++;
}

static request *take_request(dk_actor_t *self, guard *g)
{
    request *r = g->free;
    if (r != NULL) {
        g->free = r->next_free;
    } else {
        r = dk_malloc(sizeof *r);
        if (r == NULL) {
            dk_sim_abort(self->sim, DK_ENOMEM, "guard \"%s\": out of memory", self->name);
            return NULL;
        }
        r->next_all = g->all;
        g->all = r;
    }
    r->in = r->out = NULL;
    r->out_sent = 0;
    r->prev_delay = 0;
    r->attempts = 0;
    r->refs = 0;
    r->entered = 0;
    return r;
}

/* Drops one reference; the last one returns the record to the pool. */
static void unref(guard *g, request *r)
{
    if (--r->refs == 0) {
        r->next_free = g->free;
        g->free = r;
    }
}

/* Answers the guarded call (the caller's handler may run at once: nothing of `in` after it).
 * Its bulkhead slot goes to the oldest waiter, started by a timer at this same instant rather
 * than here, so that a chain of answers never nests. */
static void answer(dk_actor_t *self, guard *g, request *r, dk_reply_status st)
{
    dk_call_t *in = r->in;
    uint64_t granted;
    r->in = NULL;
    g->open--;
    if (r->entered) {
        r->entered = 0;
        if (dk_bulkhead_leave(g->bulkhead, self->sim->now, &granted)) {
            request *w = (request *)(uintptr_t)granted;
            w->entered = 1;
            w->refs++;
            dk__sim_timer(self->sim, self, 0, TAG_GRANTED, w);
        }
    }
    dk__sim_reply(self->sim, in, st);
    unref(g, r);
}

/* Rejects every bulkhead waiter whose wait is over by now. */
static void reject_overdue(dk_actor_t *self, guard *g)
{
    uint64_t ticket;
    while (dk_bulkhead_expire(g->bulkhead, self->sim->now, &ticket)) {
        g->stats.bulkhead_rejected++;
        answer(self, g, (request *)(uintptr_t)ticket, DK_REPLY_REJECTED);
    }
}

/* An attempt: the breaker is asked first; a permitted one leaves on the next link, a call of
 * the guarded call's class, key and birth but of no parent, so that its answer, however late,
 * never touches a call that may have been answered and reused since. */
static void send_attempt(dk_actor_t *self, guard *g, request *r)
{
    dk_sim_t *sim = self->sim;
    if (g->breaker != NULL && !dk_breaker_allow(g->breaker, sim->now)) {
        g->stats.short_circuited++;
        answer(self, g, r, DK_REPLY_FAILED);
        return;
    }
    if (self->nout == 0) {
        answer(self, g, r, DK_REPLY_FAILED);
        return;
    }
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return; /* the run is aborted */
    dk__sim_init_sub(sim, c, NULL, r->in->op, r->in->key);
    c->cls = r->in->cls;
    c->born = r->in->born;
    ((dk__call_slot *)c)->note = r;
    r->attempts++;
    g->stats.attempts++;
    if (r->attempts > 1)
        g->stats.retries++;
    r->out = c;
    r->out_sent = sim->now;
    r->refs++;
    size_t i = g->next;
    g->next = i + 1 == self->nout ? 0 : i + 1;
    dk__sim_send_on(sim, self, &self->out[i], c);
    if (g->timeout > 0) {
        r->refs++;
        dk__sim_timer(sim, self, g->timeout, TAG_TIMEOUT | (r->attempts << 2), r);
    }
}

/* The attempt failed (answered so, or timed out): another after the backoff, if the policy
 * allows one, else the failure is the answer. */
static void retry_or_fail(dk_actor_t *self, guard *g, request *r)
{
    int64_t delay = -1;
    if (g->retry != NULL)
        delay = dk_retry_next(g->retry, self->sim->now, r->attempts, r->prev_delay);
    if (delay < 0) {
        g->stats.exhausted++;
        answer(self, g, r, DK_REPLY_FAILED);
        return;
    }
    r->prev_delay = delay;
    r->refs++;
    dk__sim_timer(self->sim, self, delay, TAG_BACKOFF, r);
}

static void begin(dk_actor_t *self, guard *g, request *r);

/* A call to guard arrives: the bulkhead lets it in, holds it or refuses it; once in, its first
 * attempt goes out (or the breaker refuses it). */
static void admit(dk_actor_t *self, guard *g, dk_call_t *call)
{
    request *r = take_request(self, g);
    if (r == NULL)
        return;
    r->in = call;
    r->refs = 1;
    g->open++;
    if (g->bulkhead != NULL) {
        reject_overdue(self, g);
        dk_bulkhead_verdict v = dk_bulkhead_enter(g->bulkhead, self->sim->now, (uintptr_t)r);
        if (v == DK_BULKHEAD_REJECTED) {
            g->stats.bulkhead_rejected++;
            answer(self, g, r, DK_REPLY_REJECTED);
            return;
        }
        if (v == DK_BULKHEAD_WAITING) { /* one ns past the deadline: the wait includes it */
            r->refs++;
            dk__sim_timer(self->sim, self, g->bulkhead_wait + 1, TAG_WAITED, r);
            return;
        }
        r->entered = 1;
    }
    begin(self, g, r);
}

/* The request may go: its first attempt (the retry budget counts it). */
static void begin(dk_actor_t *self, guard *g, request *r)
{
    if (g->retry != NULL)
        dk_retry_begin(g->retry, self->sim->now);
    send_attempt(self, g, r);
}

static void on_call(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    admit(self, self->data, ev->call);
}

/* An attempt is answered: the awaited one decides; one given up on is dropped. */
static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    guard *g = self->data;
    dk_sim_t *sim = self->sim;
    dk_call_t *c = ev->call;
    request *r = ((dk__call_slot *)c)->note;
    dk__reply_arrived(ev); /* no parent: a no-op, kept for the engine's contract */
    dk_reply_status st = (dk_reply_status)c->status;
    dk__sim_release(sim, c);
    if (r->out != c) {
        g->stats.late++;
        unref(g, r);
        return;
    }
    r->out = NULL;
    unref(g, r); /* the attempt's reference; the open answer keeps r alive */
    int ok = st == DK_REPLY_OK || st == DK_REPLY_HIT || st == DK_REPLY_MISS;
    if (g->breaker != NULL)
        dk_breaker_record(g->breaker, sim->now, ok, sim->now - r->out_sent);
    if (ok)
        answer(self, g, r, st);
    else
        retry_or_fail(self, g, r);
}

static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    guard *g = self->data;
    request *r = ev->ptr;
    if ((ev->tag & 3u) == TAG_GRANTED) {
        r->refs--; /* the open answer holds one */
        begin(self, g, r);
        return;
    }
    if ((ev->tag & 3u) == TAG_WAITED) {
        reject_overdue(self, g);
        unref(g, r);
        return;
    }
    if ((ev->tag & 3u) == TAG_BACKOFF) {
        r->refs--; /* never the last: the open answer holds one */
        send_attempt(self, g, r);
        return;
    }
    /* A timeout: still the current attempt, still awaited? */
    if (r->in == NULL || r->out == NULL || (ev->tag >> 2) != r->attempts) {
        unref(g, r);
        return;
    }
    r->refs--; /* the open answer holds one */
    g->stats.timeouts++;
    r->out = NULL; /* its answer, when it comes, is late: dropped (the attempt's ref stays) */
    if (g->breaker != NULL)
        dk_breaker_record(g->breaker, self->sim->now, 0, g->timeout);
    retry_or_fail(self, g, r);
}

/* The whole handler, what ops->on_event gives anyone who calls it (bookkeeping done). */
static void guard_event(dk_actor_t *self, const dk_event *ev)
{
    switch (ev->kind) {
    case DK_EV_CALL:
        admit(self, self->data, ev->call);
        break;
    case DK_EV_REPLY:
        on_reply(self, ev);
        break;
    case DK_EV_TIMER:
        on_timer(self, ev);
        break;
    default:
        break;
    }
}

static const dk_actor_ops guard_ops = {"guard", guard_event, guard_held, guard_destroy};

const dk_guard_stats *dk_guard_stats_of(const dk_actor_t *a, const char **state)
{
    if (a == NULL || a->ops != &guard_ops)
        return NULL;
    const guard *g = a->data;
    if (state != NULL)
        *state = g->breaker != NULL
                     ? dk_breaker_state_name(dk_breaker_state_at(g->breaker, a->sim->now))
                     : NULL;
    return &g->stats;
}

/*
 * dk_sim_add_guard - see sim.h. The retry policy and the breaker are made here, so a bad config
 * fails the build of the simulator with the guard named, before the run. The retry's jitter
 * draws from a stream seeded by the guard's own, so runs repeat.
 */
dk_actor_t *dk_sim_add_guard(dk_sim_t *sim, const char *name, const dk_guard_config *cfg,
                             dk_error *err)
{
    const char *nm = name ? name : "?";
    if (cfg == NULL || cfg->timeout < 0) {
        dk_error_set(err, DK_EINVAL, "guard \"%s\": timeout must be >= 0", nm);
        return NULL;
    }
    guard *g = dk_calloc(1, sizeof *g);
    if (g == NULL) {
        dk_error_set(err, DK_ENOMEM, "guard \"%s\": out of memory", nm);
        return NULL;
    }
    g->timeout = cfg->timeout;
    if (cfg->retry) {
        dk_retry_config rc = cfg->retry_cfg;
        rc.timeout_ns = 0; /* the guard times attempts itself */
        if ((g->retry = dk_retry_new(&rc, 0, err)) == NULL) {
            dk_error_prefix(err, "guard \"%s\": ", nm);
            guard_destroy(g);
            return NULL;
        }
    }
    if (cfg->breaker) {
        if ((g->breaker = dk_breaker_new(&cfg->breaker_cfg, err)) == NULL) {
            dk_error_prefix(err, "guard \"%s\": ", nm);
            guard_destroy(g);
            return NULL;
        }
        dk_breaker_on_change(g->breaker, on_breaker_change, g);
    }
    if (cfg->bulkhead_max > 0) {
        if ((g->bulkhead = dk_bulkhead_new(cfg->bulkhead_max, cfg->bulkhead_queue,
                                           cfg->bulkhead_wait, err)) == NULL) {
            dk_error_prefix(err, "guard \"%s\": ", nm);
            guard_destroy(g);
            return NULL;
        }
        g->bulkhead_wait = cfg->bulkhead_wait;
    }
    dk_actor_t *a = dk_sim_add_actor(sim, name, &guard_ops, g, err);
    if (a == NULL)
        return NULL;        /* add_actor destroyed g */
    if (g->retry != NULL) { /* reseed from the guard's own stream: runs repeat, guards differ */
        dk_retry_t *seeded = dk_retry_new(dk_retry_config_of(g->retry), dk_rng_next(&a->rng), err);
        if (seeded == NULL)
            return NULL; /* out of memory: the simulator frees g with the actor */
        dk_retry_free(g->retry);
        g->retry = seeded;
    }
    a->reset = guard_reset;
    dk__actor_handle(a, DK_EV_CALL, on_call);
    dk__actor_handle(a, DK_EV_REPLY, on_reply);
    dk__actor_handle(a, DK_EV_TIMER, on_timer);
    return a;
}

/* actor_gateway.c - the gateway actor: a rate limiter in front of its links. A request the
 * limiter refuses is answered REJECTED at once and counted as limited; one it admits goes on
 * to the next link in turn (after its delay, for a leaky queue) and its answer comes back. */
#include "designkit/alloc.h"
#include "designkit/limiter.h"
#include "sim/engine.h"

typedef struct gateway {
    dk_limiter_t *limiter;
    int per_key;      /* 1: one limiter state per request key; 0: one for all */
    size_t next;      /* the link the next admitted call takes (round robin) */
    uint64_t waiting; /* calls forwarded and not yet answered, or held by the queue's delay */
    dk_gateway_stats stats;
} gateway;

static void gateway_destroy(void *data)
{
    gateway *g = data;
    if (g == NULL)
        return;
    dk_limiter_free(g->limiter);
    dk_free(g);
}

static uint64_t gateway_held(const dk_actor_t *self)
{
    return ((const gateway *)self->data)->waiting;
}

/* An admitted call leaves on the next link; with no links it fails, as a balancer's does. */
static void forward(dk_actor_t *self, gateway *g, dk_call_t *call)
{
    if (self->nout == 0) {
        g->waiting--;
        dk__sim_reply(self->sim, call, DK_REPLY_FAILED);
        return;
    }
    size_t i = g->next;
    g->next = i + 1 == self->nout ? 0 : i + 1;
    if (dk__sim_call_on(self->sim, self, call, &self->out[i], call->op, call->key) == NULL)
        g->waiting--; /* the pool could not grow: the run is aborted */
}

/* A call arrives: the limiter decides at this instant, by the call's key or for all. */
static void admit(dk_actor_t *self, gateway *g, dk_call_t *call)
{
    int64_t wait;
    int ok = dk_limiter_allow(g->limiter, g->per_key ? call->key : 0, self->sim->now, &wait);
    if (ok < 0) {
        dk_sim_abort(self->sim, DK_ENOMEM, "gateway \"%s\": out of memory for a key", self->name);
        return;
    }
    if (ok == 0) {
        g->stats.limited++;
        dk__sim_reply(self->sim, call, DK_REPLY_REJECTED);
        return;
    }
    g->waiting++;
    if (wait > 0) {
        g->stats.delayed++;
        dk_sim_timer(self->sim, self, wait, 0, call); /* the leaky queue holds it */
        return;
    }
    forward(self, g, call);
}

static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    forward(self, self->data, ev->ptr);
}

/* The link answered `sub`: its answer is the answer to the call it was made for. */
static void relay(dk_actor_t *self, gateway *g, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    dk_reply_status st = (dk_reply_status)sub->status;
    g->waiting--;
    dk__sim_release(self->sim, sub);
    dk__sim_reply(self->sim, call, st);
}

/* The handlers the event loop calls per kind of event, after the engine's bookkeeping. */
static void on_call(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    admit(self, self->data, ev->call);
}

static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev);
    relay(self, self->data, ev->call);
}

/* The whole handler, what ops->on_event gives anyone who calls it (bookkeeping done). */
static void gateway_event(dk_actor_t *self, const dk_event *ev)
{
    switch (ev->kind) {
    case DK_EV_CALL:
        admit(self, self->data, ev->call);
        break;
    case DK_EV_REPLY:
        relay(self, self->data, ev->call);
        break;
    case DK_EV_TIMER:
        on_timer(self, ev);
        break;
    default:
        break;
    }
}

static const dk_actor_ops gateway_ops = {"gateway", gateway_event, gateway_held, gateway_destroy};

const dk_gateway_stats *dk_gateway_stats_of(const dk_actor_t *a)
{
    return a->ops == &gateway_ops ? &((const gateway *)a->data)->stats : NULL;
}

/*
 * dk_sim_add_gateway - see sim.h. The limiter is made here, so a bad config fails the build
 * of the simulator with the gateway named, before the run.
 */
dk_actor_t *dk_sim_add_gateway(dk_sim_t *sim, const char *name, const dk_gateway_config *cfg,
                               dk_error *err)
{
    gateway *g = dk_calloc(1, sizeof *g);
    if (g == NULL) {
        dk_error_set(err, DK_ENOMEM, "gateway \"%s\": out of memory", name ? name : "?");
        return NULL;
    }
    if ((g->limiter = dk_limiter_new(&cfg->limiter, err)) == NULL) {
        dk_error_prefix(err, "gateway \"%s\": ", name ? name : "?");
        dk_free(g);
        return NULL;
    }
    g->per_key = cfg->limiter.max_keys > 0;
    dk_actor_t *a = dk_sim_add_actor(sim, name, &gateway_ops, g, err);
    if (a != NULL) {
        dk__actor_handle(a, DK_EV_CALL, on_call);
        dk__actor_handle(a, DK_EV_REPLY, on_reply);
        dk__actor_handle(a, DK_EV_TIMER, on_timer);
    }
    return a;
}

/* actor_balancer.c - the balancer actor: forwards each call to a backend chosen by dk_lb_t. */
#include "designkit/alloc.h"
#include "sim/engine.h"

typedef struct balancer {
    dk_lb_algorithm algorithm;
    dk_lb_t *lb;        /* over the out links; made at START because links come after the actor */
    uint64_t forwarded; /* calls waiting on their backend's answer */
} balancer;

static void balancer_destroy(void *data)
{
    balancer *b = data;
    if (b == NULL)
        return;
    dk_lb_free(b->lb);
    dk_free(b);
}

static uint64_t balancer_held(const dk_actor_t *self)
{
    return ((const balancer *)self->data)->forwarded;
}

/* START: the balancer over the links made since the actor was added. */
static void start(dk_actor_t *self, balancer *b)
{
    if (self->nout > 0) {
        dk_error e;
        b->lb = dk_lb_new(b->algorithm, self->nout, &e);
        if (b->lb == NULL)
            dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
    }
}

/* Backends from which round robin prefetches the next ones' state. */
#define PREFETCH_MIN 64

/* A call arrives: it goes on to the backend the algorithm picks. Round robin and random pick
 * in O(1) and the call leaves on the picked link, with no search, so the work per call does
 * not grow with the backends. Least connections scans every backend per pick (dk_lb_pick):
 * linear in their number. What does grow is the memory: 10^5 backends' state is far larger
 * than the caches, so each call finds its backend cold. Round robin knows its next picks and
 * starts fetching them: the actor two picks ahead, and the data and histogram of the next one,
 * whose actor the previous call fetched. */
static void forward(dk_actor_t *self, balancer *b, dk_call_t *call)
{
    dk_sim_t *sim = self->sim;
    if (b->lb == NULL) {
        dk_sim_reply(sim, call, DK_REPLY_FAILED); /* nothing to balance over */
        return;
    }
    size_t i = dk_lb_pick(b->lb, &self->rng);
    if (b->algorithm == DK_LB_ROUND_ROBIN && self->nout >= PREFETCH_MIN) {
        size_t n = self->nout, next = i + 1 == n ? 0 : i + 1, after = next + 1 == n ? 0 : next + 1;
        dk__actor_prefetch_state(self->out[next].to);
        dk__actor_prefetch(self->out[after].to);
    }
    call->step = (uint32_t)i; /* our scratch on the incoming call: which backend has it */
    if (dk__sim_call_on(sim, self, call, &self->out[i], call->op, call->key) != NULL)
        b->forwarded++;
}

/* The backend answered `sub`: its answer is the answer to the call it was made for. */
static void relay(dk_actor_t *self, balancer *b, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    dk_reply_status st = (dk_reply_status)sub->status;
    dk_lb_done(b->lb, call->step);
    b->forwarded--;
    dk__sim_release(self->sim, sub);
    dk__sim_reply(self->sim, call, st);
}

/* The handlers the event loop calls per kind of event (dk__actor_handle), after the engine's
 * bookkeeping. */
static void on_call(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    forward(self, self->data, ev->call);
}

static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev);
    relay(self, self->data, ev->call);
}

/* The whole handler, what ops->on_event gives anyone who calls it. */
static void balancer_event(dk_actor_t *self, const dk_event *ev)
{
    balancer *b = self->data;
    switch (ev->kind) {
    case DK_EV_START:
        start(self, b);
        break;
    case DK_EV_CALL:
        forward(self, b, ev->call);
        break;
    case DK_EV_REPLY:
        relay(self, b, ev->call);
        break;
    default:
        break;
    }
}

static const dk_actor_ops balancer_ops = {"balancer", balancer_event, balancer_held,
                                          balancer_destroy};

/*
 * dk_sim_add_balancer - a balancer actor. DK_EINVAL for an unknown algorithm, DK_ENOMEM, or
 * the failures of dk_sim_add_actor. A balancer with no downstream answers every call FAILED.
 */
dk_actor_t *dk_sim_add_balancer(dk_sim_t *sim, const char *name, dk_lb_algorithm algorithm,
                                dk_error *err)
{
    dk_lb_algorithm check;
    if (dk_lb_algorithm_parse(dk_lb_algorithm_name(algorithm), &check) != DK_OK) {
        dk_error_set(err, DK_EINVAL, "balancer \"%s\": unknown algorithm %d", name ? name : "?",
                     (int)algorithm);
        return NULL;
    }
    balancer *b = dk_calloc(1, sizeof *b);
    if (b == NULL) {
        dk_error_set(err, DK_ENOMEM, "balancer \"%s\": out of memory", name ? name : "?");
        return NULL;
    }
    b->algorithm = algorithm;
    dk_actor_t *a = dk_sim_add_actor(sim, name, &balancer_ops, b, err);
    if (a != NULL) {
        dk__actor_handle(a, DK_EV_CALL, on_call);
        dk__actor_handle(a, DK_EV_REPLY, on_reply);
    }
    return a;
}

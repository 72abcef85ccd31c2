/* actor_balancer.c - the balancer actor: forwards each call to a backend chosen by dk_lb_t. */
#include "designkit/alloc.h"
#include "sim/class_routes.h"
#include "sim/engine.h"

typedef struct balancer {
    dk_lb_algorithm algorithm;
    dk_lb_t *lb;        /* over the out links; made at START because links come after the actor */
    uint64_t forwarded; /* calls waiting on their backend's answer */
    /* Classes that only some backends take (dk_sim_route_class): each distinct set of backends
     * has a dk_lb of its own. Empty when every class goes to every backend. */
    dk__class_routes routes;
} balancer;

static void balancer_destroy(void *data)
{
    balancer *b = data;
    if (b == NULL)
        return;
    dk_lb_free(b->lb);
    dk__class_routes_free(&b->routes);
    dk_free(b);
}

static uint64_t balancer_held(const dk_actor_t *self)
{
    return ((const balancer *)self->data)->forwarded;
}

static void on_call_routed(dk_actor_t *self, const dk_event *ev);
static void on_reply_routed(dk_actor_t *self, const dk_event *ev);

/* START: the balancer over the links made since the actor was added, and one over each set
 * of links a class is routed to (with the handlers that use them). */
static void start(dk_actor_t *self, balancer *b)
{
    dk_error e;
    if (self->nout > 0 && (b->lb = dk_lb_new(b->algorithm, self->nout, &e)) == NULL) {
        dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
        return;
    }
    for (size_t i = 0; i < b->routes.nsets; i++) {
        dk__class_set *s = b->routes.sets[i];
        if (s->n > 0 && (s->lb = dk_lb_new(b->algorithm, s->n, &e)) == NULL) {
            dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
            return;
        }
    }
    if (b->routes.nsets != 0) {
        dk__actor_handle(self, DK_EV_CALL, on_call_routed);
        dk__actor_handle(self, DK_EV_REPLY, on_reply_routed);
    }
}

/* Backends from which round robin prefetches the next ones' state. */
#define PREFETCH_MIN 64

/* forward for a balancer that routes by class: a call whose class has a set of backends goes to
 * one the algorithm picks among those (their own dk_lb), or is answered FAILED when the set is
 * empty; another goes over every link. Round robin prefetches as forward does, over the set's
 * links. The call's scratch says which backend has it and through which dk_lb (frame, NULL:
 * the one over every link). */
static void forward_routed(dk_actor_t *self, balancer *b, dk_call_t *call)
{
    if (b->lb == NULL) {
        dk_sim_reply(self->sim, call, DK_REPLY_FAILED); /* nothing to balance over */
        return;
    }
    dk__class_set *s = dk__class_routes_of(&b->routes, call->cls);
    if (s == NULL) {
        size_t i = dk_lb_pick_key(b->lb, &self->rng, call->key, dk_sim_now(self->sim));
        if (i == DK_LB_NONE) {
            dk_sim_reply(self->sim, call, DK_REPLY_FAILED); /* every backend is out */
            return;
        }
        call->step = (uint32_t)i;
        call->frame = NULL;
        if (dk__sim_call_on(self->sim, self, call, &self->out[i], call->op, call->key) != NULL)
            b->forwarded++;
        return;
    }
    if (s->n == 0) {
        dk_sim_reply(self->sim, call, DK_REPLY_FAILED); /* no backend takes its class */
        return;
    }
    size_t j = dk_lb_pick_key(s->lb, &self->rng, call->key, dk_sim_now(self->sim));
    if (j == DK_LB_NONE) {
        dk_sim_reply(self->sim, call, DK_REPLY_FAILED);
        return;
    }
    if (b->algorithm == DK_LB_ROUND_ROBIN && s->n >= PREFETCH_MIN) {
        size_t n = s->n, next = j + 1 == n ? 0 : j + 1, after = next + 1 == n ? 0 : next + 1;
        dk__actor_prefetch_state(self->out[s->links[next]].to);
        dk__actor_prefetch(self->out[s->links[after]].to);
    }
    call->step = (uint32_t)j;
    call->frame = s;
    if (dk__sim_call_on(self->sim, self, call, &self->out[s->links[j]], call->op, call->key) !=
        NULL)
        b->forwarded++;
}

/* A call arrives: it goes on to the backend the algorithm picks, by the call's key for the
 * keyed algorithms. Round robin and random pick in O(1) and the call leaves on the picked
 * link, with no search, so the work per call does not grow with the backends. Least
 * connections is O(log n); the weighted, response-time and geo scans are linear. What does grow is
 * the memory: 10^5 backends' state is far larger than the caches, so each call finds its backend
 * cold. Round robin knows its next picks and starts fetching them: the actor two picks ahead, and
 * the data and histogram of the next one, whose actor the previous call fetched. */
static void forward(dk_actor_t *self, balancer *b, dk_call_t *call)
{
    dk_sim_t *sim = self->sim;
    if (b->lb == NULL) {
        dk_sim_reply(sim, call, DK_REPLY_FAILED); /* nothing to balance over */
        return;
    }
    size_t i = dk_lb_pick_key(b->lb, &self->rng, call->key, dk_sim_now(sim));
    if (i == DK_LB_NONE) {
        dk_sim_reply(sim, call, DK_REPLY_FAILED); /* every backend is out */
        return;
    }
    if (b->algorithm == DK_LB_ROUND_ROBIN && self->nout >= PREFETCH_MIN) {
        size_t n = self->nout, next = i + 1 == n ? 0 : i + 1, after = next + 1 == n ? 0 : next + 1;
        dk__actor_prefetch_state(self->out[next].to);
        dk__actor_prefetch(self->out[after].to);
    }
    call->step = (uint32_t)i; /* our scratch on the incoming call: which backend has it */
    if (dk__sim_call_on(sim, self, call, &self->out[i], call->op, call->key) != NULL)
        b->forwarded++;
}

/* Tells the algorithm how the backend did: the latency least_response_time averages, and
 * whether it failed (outlier ejection counts those). */
static void report(dk_actor_t *self, dk_lb_t *lb, size_t i, const dk_call_t *sub)
{
    dk_time_t now = dk_sim_now(self->sim);
    int ok = sub->status != DK_REPLY_FAILED && sub->status != DK_REPLY_REJECTED;
    dk_lb_report(lb, i, (int64_t)now, (int64_t)(now - sub->sent), ok);
}

/* The backend answered `sub`: its answer is the answer to the call it was made for. */
static void relay(dk_actor_t *self, balancer *b, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    dk_reply_status st = (dk_reply_status)sub->status;
    report(self, b->lb, call->step, sub);
    b->forwarded--;
    dk__sim_release(self->sim, sub);
    dk__sim_reply(self->sim, call, st);
}

/* relay for a balancer that routes by class: the connection ends in the dk_lb that picked. */
static void relay_routed(dk_actor_t *self, balancer *b, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    dk_reply_status st = (dk_reply_status)sub->status;
    const dk__class_set *s = call->frame;
    report(self, s != NULL ? s->lb : b->lb, call->step, sub);
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

/* The same for a balancer that routes by class, installed at START in place of the two above:
 * so a balancer that does not pays nothing for it, not even a test. */
static void on_call_routed(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    forward_routed(self, self->data, ev->call);
}

static void on_reply_routed(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev);
    relay_routed(self, self->data, ev->call);
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
        if (b->routes.nsets != 0)
            forward_routed(self, b, ev->call);
        else
            forward(self, b, ev->call);
        break;
    case DK_EV_REPLY:
        if (b->routes.nsets != 0)
            relay_routed(self, b, ev->call);
        else
            relay(self, b, ev->call);
        break;
    default:
        break;
    }
}

static const dk_actor_ops balancer_ops = {"balancer", balancer_event, balancer_held,
                                          balancer_destroy};

dk__class_routes *dk__balancer_class_routes(dk_actor_t *a)
{
    return a->ops == &balancer_ops ? &((balancer *)a->data)->routes : NULL;
}

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

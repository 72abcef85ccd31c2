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

static void balancer_event(dk_actor_t *self, const dk_event *ev)
{
    balancer *b = self->data;
    dk_sim_t *sim = self->sim;
    switch (ev->kind) {
    case DK_EV_START:
        if (self->nout > 0) {
            dk_error e;
            b->lb = dk_lb_new(b->algorithm, self->nout, &e);
            if (b->lb == NULL)
                dk_sim_abort(sim, e.status, "balancer \"%s\": %s", self->name, e.message);
        }
        break;
    case DK_EV_CALL: {
        dk_call_t *call = ev->call;
        if (b->lb == NULL) {
            dk_sim_reply(sim, call, DK_REPLY_FAILED); /* nothing to balance over */
            return;
        }
        /* Round robin and random pick in O(1) and the call goes out on the picked link, with
         * no search, so 10^5 backends cost what 10 do. Least connections scans every backend
         * per pick (dk_lb_pick): linear in their number. */
        size_t i = dk_lb_pick(b->lb, &self->rng);
        call->step = (uint32_t)i; /* our scratch on the incoming call: which backend has it */
        if (dk__sim_call_on(sim, self, call, &self->out[i], call->op, call->key) != NULL)
            b->forwarded++;
        break;
    }
    case DK_EV_REPLY: {
        dk_call_t *sub = ev->call;
        dk_call_t *call = sub->parent;
        dk_reply_status st = (dk_reply_status)sub->status;
        dk_lb_done(b->lb, call->step);
        b->forwarded--;
        dk_sim_release(sim, sub);
        dk_sim_reply(sim, call, st);
        break;
    }
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
    return dk_sim_add_actor(sim, name, &balancer_ops, b, err);
}

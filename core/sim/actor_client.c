/* actor_client.c - the client actor: a source of root calls at a rate, with a class mix and keys.
 */
#include <math.h>
#include "designkit/alloc.h"
#include "sim/engine.h"

typedef struct client {
    double mean_gap; /* ns between arrivals (the mean, for Poisson) */
    dk_dist_t *gaps; /* Poisson: exponential gaps of mean mean_gap; NULL: a fixed gap */
    double *cum;     /* cumulative mix weights by class index; NULL: always class 0 */
    size_t ncls;
    dk_dist_t *keys;
    double next_at; /* the next arrival in exact (fractional) ns, so rounding never drifts */
    size_t rr;      /* next downstream, round robin */
    uint64_t outstanding;
} client;

static void client_destroy(void *data)
{
    client *c = data;
    if (c == NULL)
        return;
    dk_free(c->cum);
    dk_dist_free(c->keys);
    dk_dist_free(c->gaps);
    dk_free(c);
}

static uint64_t client_held(const dk_actor_t *self)
{
    return ((const client *)self->data)->outstanding;
}

/* The class of the next request: the first index whose cumulative weight exceeds a uniform draw
 * over the total (binary search; zero-weight classes are never chosen). */
static uint32_t pick_class(client *c, dk_rng_t *rng)
{
    if (c->cum == NULL)
        return 0;
    double u = dk_rng_uniform(rng) * c->cum[c->ncls - 1];
    size_t lo = 0, hi = c->ncls - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < c->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return (uint32_t)lo;
}

/* The timer for the next arrival. next_at keeps the exact (fractional) time so that rounding
 * never drifts; the event goes at its rounding, >= now as next_at never decreases. */
static inline void schedule_next(dk_actor_t *self, client *c)
{
    dk_sim_t *sim = self->sim;
    c->next_at += c->gaps != NULL ? dk_dist_sample(c->gaps, &self->rng) : c->mean_gap;
    dk_time_t at = (dk_time_t)(c->next_at + 0.5);
    dk__sim_timer(sim, self, at - sim->now, 0, NULL);
}

/* START: checks what links and classes could not be checked when the client was added. */
static DK__NOINLINE void start(dk_actor_t *self, client *c)
{
    dk_sim_t *sim = self->sim;
    if (self->nout == 0) {
        dk_sim_abort(sim, DK_EINVAL, "client \"%s\": no downstream actor to send to", self->name);
        return;
    }
    if (c->cum != NULL && c->ncls > dk_sim_class_count(sim)) {
        dk_sim_abort(sim, DK_EINVAL, "client \"%s\": mix has %zu weights but only %zu classes",
                     self->name, c->ncls, dk_sim_class_count(sim));
        return;
    }
    c->next_at = 0;
    schedule_next(self, c);
}

/* The arrival timer: a root call goes to the next downstream, and the next arrival is set. */
static inline void arrival(dk_actor_t *self, client *c)
{
    dk_sim_t *sim = self->sim;
    if (!dk__sim_may_create(sim))
        return; /* max_roots reached: stop; the run drains what is in flight */
    uint32_t cls = pick_class(c, &self->rng);
    uint64_t key = 0;
    if (c->keys != NULL) {
        double k = dk_dist_sample(c->keys, &self->rng);
        key = k > 0 ? (uint64_t)(k + 0.5) : 0;
    }
    dk_call_t *call = dk__sim_new_call(sim, cls, DK_OP_REQUEST, key);
    if (call == NULL)
        return;
    self->stats.arrivals++;
    c->outstanding++;
    dk__sim_send_on(sim, self, &self->out[c->rr], call);
    c->rr = c->rr + 1 == self->nout ? 0 : c->rr + 1;
    schedule_next(self, c);
}

/* A root call is answered: the client counts it, as its callee did, and the class records
 * its end-to-end latency. */
static inline void answered(dk_actor_t *self, client *c, dk_call_t *call)
{
    dk_sim_t *sim = self->sim;
    c->outstanding--;
    if (call->status == DK_REPLY_REJECTED)
        self->stats.rejected++;
    else if (call->status == DK_REPLY_FAILED)
        self->stats.failed++;
    else
        self->stats.completed++;
    dk__sim_record_e2e(sim, call);
    dk__sim_release(sim, call);
}

/* The handlers the event loop calls per kind of event (dk__actor_handle). */
static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    (void)ev;
    arrival(self, self->data);
}

static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev); /* the engine's bookkeeping (a root call has no parent: a no-op) */
    answered(self, self->data, ev->call);
}

/* The whole handler, what ops->on_event gives anyone who calls it. */
static void client_event(dk_actor_t *self, const dk_event *ev)
{
    client *c = self->data;
    switch (ev->kind) {
    case DK_EV_TIMER:
        arrival(self, c);
        break;
    case DK_EV_REPLY:
        answered(self, c, ev->call);
        break;
    case DK_EV_START:
        start(self, c);
        break;
    default:
        break;
    }
}

static const dk_actor_ops client_ops = {"client", client_event, client_held, client_destroy};

/*
 * dk_sim_add_client - a client actor. DK_EINVAL (in `err`, naming the client) for a rate that
 * is not positive and finite, or mix weights that are negative, not finite or sum to zero;
 * DK_ENOMEM. The client counts its own root calls as arrivals and their answers as completed /
 * rejected / failed, so the engine's conservation check covers it as well.
 */
dk_actor_t *dk_sim_add_client(dk_sim_t *sim, const char *name, const dk_client_config *cfg,
                              dk_error *err)
{
    if (cfg == NULL || name == NULL) {
        dk_error_set(err, DK_EINVAL, "client: name and configuration are required");
        return NULL;
    }
    if (!(cfg->rate > 0) || !isfinite(cfg->rate)) {
        dk_error_set(err, DK_EINVAL, "client \"%s\": rate must be positive (got %g)", name,
                     cfg->rate);
        return NULL;
    }
    client *c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        goto oom;
    c->mean_gap = 1e9 / cfg->rate;
    if (!isfinite(c->mean_gap)) {
        dk_error_set(err, DK_EINVAL, "client \"%s\": rate is too small (got %g)", name, cfg->rate);
        client_destroy(c);
        return NULL;
    }
    if (cfg->poisson && (c->gaps = dk_dist_exponential(c->mean_gap, NULL)) == NULL)
        goto oom;
    if (cfg->mix != NULL && cfg->mix_len > 0) {
        double total = 0;
        c->cum = dk_malloc(cfg->mix_len * sizeof *c->cum);
        if (c->cum == NULL)
            goto oom;
        for (size_t i = 0; i < cfg->mix_len; i++) {
            if (!(cfg->mix[i] >= 0) || !isfinite(cfg->mix[i])) {
                dk_error_set(err, DK_EINVAL, "client \"%s\": mix weight %zu must be >= 0 (got %g)",
                             name, i, cfg->mix[i]);
                client_destroy(c);
                return NULL;
            }
            total += cfg->mix[i];
            c->cum[i] = total;
        }
        if (!(total > 0)) {
            dk_error_set(err, DK_EINVAL, "client \"%s\": mix weights sum to zero", name);
            client_destroy(c);
            return NULL;
        }
        c->ncls = cfg->mix_len;
    }
    if (cfg->keys != NULL && (c->keys = dk_dist_clone(cfg->keys)) == NULL)
        goto oom;
    dk_actor_t *a = dk_sim_add_actor(sim, name, &client_ops, c, err);
    if (a != NULL) {
        dk__actor_handle(a, DK_EV_TIMER, on_timer);
        dk__actor_handle(a, DK_EV_REPLY, on_reply);
    }
    return a;
oom:
    client_destroy(c);
    dk_error_set(err, DK_ENOMEM, "client \"%s\": out of memory", name);
    return NULL;
}

/* actor_client.c - the client actor: a source of root calls with a class mix and keys, either
 * open (arrivals at a rate) or closed (users who each send, wait for the reply, think, repeat).
 */
#include <math.h>
#include "designkit/alloc.h"
#include "sim/class_routes.h"
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
    uint32_t users;          /* closed: the number of users; 0: open arrivals */
    dk_time_t instant_at;    /* closed: when users last sent again at once (start_thinking) */
    uint64_t instant_n;      /* how many times at that instant */
    dk_dist_t *think;        /* closed: the pause between a reply and the user's next request */
    dk__class_routes routes; /* classes that go to some links only (dk_sim_route_class) */
} client;

static void client_destroy(void *data)
{
    client *c = data;
    if (c == NULL)
        return;
    dk_free(c->cum);
    dk_dist_free(c->keys);
    dk_dist_free(c->gaps);
    dk_dist_free(c->think);
    dk__class_routes_free(&c->routes);
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

/* Requests a client's users may send again at one instant, each answered at the instant it
 * was made, before the run is stopped as going nowhere. */
#define INSTANT_RESENDS_MAX 1000000

/* A closed user thinks, then sends: its timer goes off after a draw of the think time. A user
 * whose request was answered the instant it was made (failed on the spot: a class nothing
 * routes, a balancer with no backend, a full queue) with no think time sends again at the same
 * instant; if that goes on, simulated time never moves and the run would never end, so it is
 * stopped with an error that says why. */
static DK__NOINLINE void start_thinking(dk_actor_t *self, client *c, int instant)
{
    dk_sim_t *sim = self->sim;
    dk_time_t t = dk__sample_time(c->think, &self->rng);
    if (t == 0 && instant) {
        if (c->instant_n == 0 || c->instant_at != sim->now) {
            c->instant_at = sim->now;
            c->instant_n = 0;
        }
        if (++c->instant_n > INSTANT_RESENDS_MAX) {
            dk_sim_abort(sim, DK_EINVAL,
                         "client \"%s\": its users' requests are answered the instant they are "
                         "sent (failed or rejected) and they think no time, so they send again at "
                         "one instant without end: give them a think time, or fix what fails",
                         self->name);
            return;
        }
    }
    dk__sim_timer(sim, self, t, 0, NULL);
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
    if (c->users > 0) { /* each user starts with a think, so they do not all send at once */
        for (uint32_t u = 0; u < c->users; u++)
            start_thinking(self, c, 0);
        return;
    }
    c->next_at = 0;
    schedule_next(self, c);
}

/* A call of a class that no link takes: answered FAILED here and now, sent nowhere. The
 * client counts it as it counts any answer, and a closed user thinks, then sends again. */
static DK__NOINLINE void fail_unrouted(dk_actor_t *self, client *c, dk_call_t *call)
{
    dk_sim_t *sim = self->sim;
    call->status = DK_REPLY_FAILED;
    self->stats.failed++;
    dk__sim_record_e2e(sim, call);
    dk__sim_release(sim, call);
    if (c->users > 0)
        start_thinking(self, c, 1);
}

/* A call of a class routed to some links only: the next of those, round robin over the set
 * (its turn shared by the classes routed to the same links). */
static DK__NOINLINE void send_routed(dk_actor_t *self, client *c, dk__class_set *s, dk_call_t *call)
{
    if (s->n == 0) {
        fail_unrouted(self, c, call);
        return;
    }
    c->outstanding++;
    dk__sim_send_on(self->sim, self, &self->out[s->links[s->rr]], call);
    s->rr = s->rr + 1 == s->n ? 0 : s->rr + 1;
}

/* A root call of a class from the mix goes to the next downstream that takes its class. */
static inline void send_request(dk_actor_t *self, client *c)
{
    dk_sim_t *sim = self->sim;
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
    dk__class_set *s = dk__class_routes_of(&c->routes, cls);
    if (DK__UNLIKELY(s != NULL)) {
        send_routed(self, c, s, call);
        return;
    }
    c->outstanding++;
    dk__sim_send_on(sim, self, &self->out[c->rr], call);
    c->rr = c->rr + 1 == self->nout ? 0 : c->rr + 1;
}

/* The arrival timer of an open client: a request, and the next arrival is set. */
static inline void arrival(dk_actor_t *self, client *c)
{
    if (!dk__sim_may_create(self->sim))
        return; /* max_roots reached: stop; the run drains what is in flight */
    send_request(self, c);
    schedule_next(self, c);
}

/* The timer of a closed user: its think time is over, it sends (and waits for the reply). */
static inline void user_sends(dk_actor_t *self, client *c)
{
    if (dk__sim_may_create(self->sim)) /* else the user stops, as an open client would */
        send_request(self, c);
}

/* A root call is answered: the client counts it, as its callee did, and the class records
 * its end-to-end latency. A closed client's user (`closed`, a constant in each caller) then
 * thinks and sends again. */
static inline void answered(dk_actor_t *self, client *c, dk_call_t *call, int closed)
{
    dk_sim_t *sim = self->sim;
    int instant = call->born == sim->now;
    c->outstanding--;
    if (call->status == DK_REPLY_REJECTED)
        self->stats.rejected++;
    else if (call->status == DK_REPLY_FAILED)
        self->stats.failed++;
    else
        self->stats.completed++;
    dk__sim_record_e2e(sim, call);
    dk__sim_release(sim, call);
    if (closed)
        start_thinking(self, c, instant);
}

/* The handlers the event loop calls per kind of event (dk__actor_handle). */
static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    (void)ev;
    arrival(self, self->data);
}

static void on_user_timer(dk_actor_t *self, const dk_event *ev)
{
    (void)ev;
    user_sends(self, self->data);
}

static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev); /* the engine's bookkeeping (a root call has no parent: a no-op) */
    answered(self, self->data, ev->call, 0);
}

static void on_user_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev);
    answered(self, self->data, ev->call, 1);
}

/* The whole handler, what ops->on_event gives anyone who calls it. */
static void client_event(dk_actor_t *self, const dk_event *ev)
{
    client *c = self->data;
    switch (ev->kind) {
    case DK_EV_TIMER:
        if (c->users > 0)
            user_sends(self, c);
        else
            arrival(self, c);
        break;
    case DK_EV_REPLY:
        answered(self, c, ev->call, c->users > 0);
        break;
    case DK_EV_START:
        start(self, c);
        break;
    default:
        break;
    }
}

static const dk_actor_ops client_ops = {"client", client_event, client_held, client_destroy};

dk__class_routes *dk__client_class_routes(dk_actor_t *a)
{
    return a->ops == &client_ops ? &((client *)a->data)->routes : NULL;
}

/*
 * dk_sim_add_client - a client actor. DK_EINVAL (in `err`, naming the client) for an open
 * client's rate that is not positive and finite, a think time given to an open client, or mix
 * weights that are negative, not finite or sum to zero; DK_ENOMEM. The client counts its own
 * root calls as arrivals and their answers as completed / rejected / failed, so the engine's
 * conservation check covers it as well.
 */
dk_actor_t *dk_sim_add_client(dk_sim_t *sim, const char *name, const dk_client_config *cfg,
                              dk_error *err)
{
    if (cfg == NULL || name == NULL) {
        dk_error_set(err, DK_EINVAL, "client: name and configuration are required");
        return NULL;
    }
    if (cfg->users == 0 && (!(cfg->rate > 0) || !isfinite(cfg->rate))) {
        dk_error_set(err, DK_EINVAL, "client \"%s\": rate must be positive (got %g)", name,
                     cfg->rate);
        return NULL;
    }
    if (cfg->users == 0 && cfg->think != NULL) {
        dk_error_set(err, DK_EINVAL, "client \"%s\": a think time needs users (a closed workload)",
                     name);
        return NULL;
    }
    client *c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        goto oom;
    c->users = cfg->users;
    if (c->users > 0) {
        if (cfg->think != NULL && (c->think = dk_dist_clone(cfg->think)) == NULL)
            goto oom;
    } else {
        c->mean_gap = 1e9 / cfg->rate;
        if (!isfinite(c->mean_gap)) {
            dk_error_set(err, DK_EINVAL, "client \"%s\": rate is too small (got %g)", name,
                         cfg->rate);
            client_destroy(c);
            return NULL;
        }
        if (cfg->poisson && (c->gaps = dk_dist_exponential(c->mean_gap, NULL)) == NULL)
            goto oom;
    }
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
        dk__actor_handle(a, DK_EV_TIMER, c->users > 0 ? on_user_timer : on_timer);
        dk__actor_handle(a, DK_EV_REPLY, c->users > 0 ? on_user_reply : on_reply);
        dk__actor_take_replies_inline(a);
    }
    return a;
oom:
    client_destroy(c);
    dk_error_set(err, DK_ENOMEM, "client \"%s\": out of memory", name);
    return NULL;
}

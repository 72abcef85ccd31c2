/* actor_balancer.c - the balancer actor: forwards each call to a backend chosen by dk_lb_t. */
#include "designkit/alloc.h"
#include "sim/class_routes.h"
#include "sim/engine.h"

/* Timer tags, each with ev->ptr the backend_health it concerns: a probe is due, a probe's
 * time to answer is over, a restart may be due. */
enum { TAG_PROBE = 1, TAG_TIMEOUT, TAG_RESTART };

/* What the health checks keep per backend (per out link). */
typedef struct backend_health {
    dk_health_t *hc;
    dk_call_t *probe;     /* the probe waiting for its answer; NULL: none (or it timed out) */
    dk_time_t probe_sent; /* when it left */
    uint64_t sent;        /* probes sent */
} backend_health;

typedef struct balancer {
    dk_lb_algorithm algorithm;
    dk_lb_t *lb;        /* over the out links; made at START because links come after the actor */
    uint64_t forwarded; /* calls waiting on their backend's answer */
    /* Classes that only some backends take (dk_sim_route_class): each distinct set of backends
     * has a dk_lb of its own. Empty when every class goes to every backend. */
    dk__class_routes routes;
    /* Outlier ejection (dk_sim_balancer_set_outlier) and health checks
     * (dk_sim_balancer_set_health), set before the run and applied at START. */
    unsigned eject_after; /* 0: no ejection */
    dk_time_t eject_base;
    double eject_max;
    int checks;
    dk_health_config check;
    backend_health *health; /* one per out link when checks is set */
    size_t nhealth;
} balancer;

static void balancer_destroy(void *data)
{
    balancer *b = data;
    if (b == NULL)
        return;
    dk_lb_free(b->lb);
    dk__class_routes_free(&b->routes);
    for (size_t i = 0; i < b->nhealth; i++)
        dk_health_free(b->health[i].hc);
    dk_free(b->health);
    dk_free(b);
}

static uint64_t balancer_held(const dk_actor_t *self)
{
    return ((const balancer *)self->data)->forwarded;
}

static void on_call_routed(dk_actor_t *self, const dk_event *ev);
static void on_reply_routed(dk_actor_t *self, const dk_event *ev);
static void start_resilience(dk_actor_t *self, balancer *b);

/* START: the balancer over the links made since the actor was added, and one over each set
 * of links a class is routed to (with the handlers that use them). */
static void start(dk_actor_t *self, balancer *b)
{
    dk_error e;
    if (self->nout > 0 && ((b->lb = dk_lb_new(b->algorithm, self->nout, &e)) == NULL ||
                           dk__link_balance(b->lb, self, NULL, self->nout, &e) != DK_OK)) {
        dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
        return;
    }
    for (size_t i = 0; i < b->routes.nsets; i++) {
        dk__class_set *s = b->routes.sets[i];
        if (s->n > 0 && ((s->lb = dk_lb_new(b->algorithm, s->n, &e)) == NULL ||
                         dk__link_balance(s->lb, self, s->links, s->n, &e) != DK_OK)) {
            dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
            return;
        }
    }
    if (b->routes.nsets != 0) {
        dk__actor_handle(self, DK_EV_CALL, on_call_routed);
        dk__actor_handle(self, DK_EV_REPLY, on_reply_routed);
    }
    start_resilience(self, b);
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

static void probe_answered(dk_actor_t *self, balancer *b, dk_call_t *sub);

/* The backend answered `sub`: its answer is the answer to the call it was made for. A call
 * with no parent is a probe of the health checks. */
static void relay(dk_actor_t *self, balancer *b, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    if (DK__UNLIKELY(call == NULL)) {
        probe_answered(self, b, sub);
        return;
    }
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
    if (DK__UNLIKELY(call == NULL)) {
        probe_answered(self, b, sub);
        return;
    }
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

static void health_timer(dk_actor_t *self, balancer *b, const dk_event *ev);

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
    case DK_EV_TIMER:
        health_timer(self, b, ev);
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
    b->eject_max = 1;
    dk_actor_t *a = dk_sim_add_actor(sim, name, &balancer_ops, b, err);
    if (a != NULL) {
        dk__actor_handle(a, DK_EV_CALL, on_call);
        dk__actor_handle(a, DK_EV_REPLY, on_reply);
    }
    return a;
}

/* ---- outlier ejection and health checks --------------------------------------------------- */

static balancer *balancer_of(dk_actor_t *a, const char *what, dk_error *err)
{
    if (a == NULL || a->ops != &balancer_ops) {
        dk_error_set(err, DK_EINVAL, "%s: \"%s\" is not a balancer", what,
                     a != NULL ? a->name : "(null)");
        return NULL;
    }
    if (a->sim->ran) {
        dk_error_set(err, DK_ESTATE, "balancer \"%s\": %s cannot change once the run started",
                     a->name, what);
        return NULL;
    }
    return a->data;
}

/*
 * dk_sim_balancer_set_outlier - see sim.h. The values are checked here, so that a design's
 * mistake is named before the run rather than at START.
 */
dk_status dk_sim_balancer_set_outlier(dk_actor_t *a, unsigned after, dk_time_t base, double max,
                                      dk_error *err)
{
    balancer *b = balancer_of(a, "outlier ejection", err);
    if (b == NULL)
        return err != NULL ? err->status : DK_EINVAL;
    if (after > 0 && base <= 0)
        return dk_error_set(err, DK_EINVAL,
                            "balancer \"%s\": eject_base must be a positive duration", a->name);
    if (!(max > 0 && max <= 1))
        return dk_error_set(err, DK_EINVAL, "balancer \"%s\": eject_max must be in (0, 1]",
                            a->name);
    b->eject_after = after;
    b->eject_base = base;
    b->eject_max = max;
    return DK_OK;
}

/*
 * dk_sim_balancer_set_health - see sim.h. The configuration is checked as dk_health_new checks
 * it (the message then names the balancer).
 */
dk_status dk_sim_balancer_set_health(dk_actor_t *a, const dk_health_config *check, dk_error *err)
{
    balancer *b = balancer_of(a, "health checks", err);
    if (b == NULL)
        return err != NULL ? err->status : DK_EINVAL;
    dk_error e;
    dk_health_t *h = dk_health_new(check, 0, &e);
    if (h == NULL)
        return dk_error_set(err, e.status, "balancer \"%s\": %s", a->name, e.message);
    dk_health_free(h);
    b->check = *check;
    b->checks = 1;
    return DK_OK;
}

/* Applies backend i's verdict to every dk_lb that has it: the one over every link and those of
 * the class sets that include it. */
static void set_health(balancer *b, size_t i, int healthy)
{
    if (b->lb != NULL)
        dk_lb_set_health(b->lb, i, healthy);
    for (size_t k = 0; k < b->routes.nsets; k++) {
        dk__class_set *s = b->routes.sets[k];
        for (size_t j = 0; j < s->n; j++)
            if (s->links[j] == i && s->lb != NULL)
                dk_lb_set_health(s->lb, j, healthy);
    }
}

static void set_outlier(dk_actor_t *self, balancer *b, dk_lb_t *lb)
{
    if (lb == NULL || b->eject_after == 0)
        return;
    if (dk_lb_set_outlier(lb, b->eject_after, (int64_t)b->eject_base) != DK_OK ||
        dk_lb_set_outlier_max(lb, b->eject_max) != DK_OK)
        dk_sim_abort(self->sim, DK_EINTERNAL, "balancer \"%s\": bad outlier settings", self->name);
}

/* At START, once the dk_lbs exist: their outlier settings, and a checker per backend whose
 * first probe leaves now. */
static void start_resilience(dk_actor_t *self, balancer *b)
{
    set_outlier(self, b, b->lb);
    for (size_t k = 0; k < b->routes.nsets; k++)
        set_outlier(self, b, b->routes.sets[k]->lb);
    if (!b->checks || self->nout == 0)
        return;
    b->health = dk_calloc(self->nout, sizeof *b->health);
    if (b->health == NULL) {
        dk_sim_abort(self->sim, DK_ENOMEM, "balancer \"%s\": out of memory", self->name);
        return;
    }
    b->nhealth = self->nout;
    for (size_t i = 0; i < b->nhealth; i++) {
        dk_error e;
        b->health[i].hc = dk_health_new(&b->check, dk_sim_now(self->sim), &e);
        if (b->health[i].hc == NULL) {
            dk_sim_abort(self->sim, e.status, "balancer \"%s\": %s", self->name, e.message);
            return;
        }
        dk__sim_timer(self->sim, self, 0, TAG_PROBE, &b->health[i]);
    }
}

/* A probe's outcome, on its answer or its timeout: the checker's verdict, and when it turns
 * to unhealthy with auto-healing on, the first restart is due restart_after from now. */
static void probe_outcome(dk_actor_t *self, balancer *b, backend_health *h, int ok,
                          dk_time_t latency)
{
    dk_time_t now = dk_sim_now(self->sim);
    if (!dk_health_probe(h->hc, (int64_t)now, ok, (int64_t)latency))
        return;
    int healthy = dk_health_healthy(h->hc);
    set_health(b, (size_t)(h - b->health), healthy);
    if (!healthy && b->check.restart_after_ns > 0)
        dk__sim_timer(self->sim, self, b->check.restart_after_ns, TAG_RESTART, h);
}

/* A probe's answer (a call the balancer made with no parent). A late one, whose probe timed
 * out, only goes back to the pool. */
static void probe_answered(dk_actor_t *self, balancer *b, dk_call_t *sub)
{
    dk__link *l = ((dk__call_slot *)sub)->link;
    size_t i = (size_t)(l - self->out);
    if (i < b->nhealth && b->health[i].probe == sub) {
        backend_health *h = &b->health[i];
        int ok = sub->status == DK_REPLY_OK || sub->status == DK_REPLY_HIT ||
                 sub->status == DK_REPLY_MISS;
        h->probe = NULL;
        probe_outcome(self, b, h, ok, dk_sim_now(self->sim) - h->probe_sent);
    }
    dk__sim_release(self->sim, sub);
}

/* The health checks' timers. A probe goes out on its link as a call of no parent; its
 * timeout is scheduled before the next probe, so with timeout == interval it fires first. A
 * restart is ordered while the checker says one is due, every restart_after. */
static void health_timer(dk_actor_t *self, balancer *b, const dk_event *ev)
{
    backend_health *h = ev->ptr;
    dk_sim_t *sim = self->sim;
    dk_time_t now = dk_sim_now(sim);
    size_t i = (size_t)(h - b->health);
    switch (ev->tag) {
    case TAG_PROBE: {
        dk_call_t *c = dk__sim_call_on(sim, self, NULL, &self->out[i], DK_OP_PROBE, 0);
        if (c == NULL)
            return; /* the run is aborted */
        h->probe = c;
        h->probe_sent = now;
        h->sent++;
        dk__sim_timer(sim, self, b->check.timeout_ns, TAG_TIMEOUT, h);
        dk__sim_timer(sim, self, b->check.interval_ns, TAG_PROBE, h);
        break;
    }
    case TAG_TIMEOUT:
        if (h->probe != NULL && now - h->probe_sent >= b->check.timeout_ns) {
            h->probe = NULL; /* its answer, if it comes, is dropped */
            probe_outcome(self, b, h, 0, b->check.timeout_ns);
        }
        break;
    case TAG_RESTART:
        if (dk_health_due_restart(h->hc, (int64_t)now)) {
            dk_health_restarted(h->hc, (int64_t)now);
            (void)dk_sim_restart(self->out[i].to); /* only a station restarts */
            dk__sim_timer(sim, self, b->check.restart_after_ns, TAG_RESTART, h);
        }
        break;
    default:
        break;
    }
}

/*
 * dk_balancer_health_of - see sim.h. The time judged unhealthy runs to the present time (the
 * run's end once it is over).
 */
dk_status dk_balancer_health_of(const dk_actor_t *a, size_t i, dk_balancer_backend_health *out)
{
    if (a == NULL || a->ops != &balancer_ops || out == NULL)
        return DK_EINVAL;
    const balancer *b = a->data;
    if (b->health == NULL)
        return DK_EINVAL;
    if (i >= b->nhealth)
        return DK_ERANGE;
    dk_health_stats st;
    dk_health_stats_get(b->health[i].hc, (int64_t)dk_sim_now(a->sim), &st);
    *out = (dk_balancer_backend_health){
        .backend = a->out[i].to->name,
        .probes = b->health[i].sent,
        .failures = st.failures,
        .restarts = st.restarts,
        .unhealthy = (double)st.unhealthy_ns / 1e9,
        .healthy = dk_health_healthy(b->health[i].hc),
    };
    return DK_OK;
}

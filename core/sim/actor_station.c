/* actor_station.c - the station actor: servers, a bounded FIFO queue, service times, flows. */
#include <string.h>
#include "designkit/alloc.h"
#include "sim/engine.h"
#include "sim/station.h"

/* Timer tags: the service time of ev->ptr (a call) is over; a restart's time is over. */
#define TAG_SERVED 1
#define TAG_RECOVER 2

/* call->value says where a call is inside the station, for the station's own paths and for
 * abandon(): the field is the callee's to use, and flows keep their own state in step/frame.
 * The low two bits are the state, the rest the replica (lane) that has it. */
enum {
    IN_SERVICE = 0, /* a worker serves it (its service time) */
    IN_FLOW = 1,    /* its flow runs on its worker */
    WAITING = 2,    /* its flow waits on a reply, holding its worker (counted in stats.waiting) */
    RELEASED = 3    /* its flow waits on a reply, its worker released (event loop) */
};

static inline unsigned call_state(const dk_call_t *call)
{
    return (unsigned)((uint64_t)call->value & 3);
}

static inline uint32_t call_lane(const dk_call_t *call)
{
    return (uint32_t)((uint64_t)call->value >> 2);
}

static inline void set_state(dk_call_t *call, uint32_t lane, unsigned state)
{
    call->value = (double)(((uint64_t)lane << 2) | state);
}

/* One replica of a station with several: its workers and its waiting line. Their sums are the
 * actor's stats.busy and stats.queued, which the integrals and the reports read. */
typedef struct lane {
    uint32_t busy, queued;
    dk_call_t *qhead, *qtail;
} lane;

/* The calls in service or inside a flow and the calls waiting are counted in the actor's own
 * stats (busy, queued), not in a copy here: one count, read by the station and the reports. The
 * fields the event path reads come first, so a station touched for the first time in a while
 * (one of 10^5 behind a balancer) costs fewer cache misses. */
typedef struct station {
    uint32_t servers; /* 0: infinite; per lane when there are lanes */
    uint32_t queue_limit;
    const dk_dist_t *service;     /* the simulator's shared copy (dk__sim_share_dist) */
    dk_time_t write_extra;        /* a WRITE's extra time (dk_station_config) */
    dk_time_t fail_from, fail_to; /* failure injection (dk_station_config); fail_to 0: none */
    double fail_rate;
    /* A failure injected or a restart may act on the call whose service ends: the one test the
     * common path makes for all of them (faulted). */
    uint8_t faults;
    uint8_t hanging;                  /* hung since hang_from; only a restart cures it */
    dk_time_t hang_from;              /* the next hang (0: none) */
    dk_time_t hang_every;             /* its period (0: once) */
    dk_time_t restart_time;           /* how long a restart takes */
    dk_time_t down_until;             /* restarting until then: calls are answered FAILED */
    dk_call_t *hung_head, *hung_tail; /* calls a hang holds unanswered, through call->next */
    uint64_t nhung, restarts;
    dk_call_t *qhead, *qtail; /* waiting calls, linked through call->next (one lane) */
    dk__station_serve_fn serve;
    uint32_t nlanes;    /* separate replicas; 1: one queue for all the workers */
    uint8_t event_loop; /* release a worker while its call's flow waits */
    lane *lanes;        /* nlanes > 1 */
    dk_lb_t *dispatch;  /* picks a lane; nlanes > 1 */
    uint64_t released;  /* calls whose flow waits with no worker (event loop) */
    size_t nroutes;
    dk_flow *routes;  /* by class index; ops NULL where no route */
    dk_flow fallback; /* the default route */
    void *ud;
    void (*ud_free)(void *);
    dk_actor_ops ops; /* a copy per station so that ops.kind can name what it models */
    char *kind;
} station;

static void free_flow(dk_flow *f)
{
    if (f->ops != NULL && f->ops->destroy != NULL)
        f->ops->destroy(f->data);
    f->ops = NULL;
    f->data = NULL;
}

static void station_destroy(void *data)
{
    station *s = data;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nroutes; i++)
        free_flow(&s->routes[i]);
    dk_free(s->routes);
    free_flow(&s->fallback);
    if (s->ud_free != NULL)
        s->ud_free(s->ud);
    dk_free(s->lanes);
    dk_lb_free(s->dispatch);
    dk_free(s->kind);
    dk_free(s);
}

static uint64_t station_held(const dk_actor_t *self)
{
    const station *s = self->data;
    return (uint64_t)self->stats.busy + self->stats.queued + s->released + s->nhung;
}

static const dk_flow *route_of(const station *s, uint32_t cls)
{
    if (cls < s->nroutes && s->routes[cls].ops != NULL)
        return &s->routes[cls];
    return s->fallback.ops != NULL ? &s->fallback : NULL;
}

/* Brings the busy and queue integrals up to now: before busy or queued changes. */
static inline void advance(dk_actor_t *self)
{
    dk__actor_advance(self, self->sim->now);
}

/* Workers held waiting change by `delta`: its integral first (off the common path, so kept
 * apart from dk__actor_advance's). */
static void waiting_change(dk_actor_t *self, int delta)
{
    dk_actor_stats *st = &self->stats;
    dk_time_t now = self->sim->now;
    st->waiting_area += (double)st->waiting * (double)(now - st->waiting_change);
    st->waiting_change = now;
    st->waiting = (uint32_t)((int64_t)st->waiting + delta);
}

/* A worker of `lane_index` takes `call`: its service time starts now. */
static inline void begin_service(dk_actor_t *self, station *s, dk_call_t *call, uint32_t lane_index)
{
    set_state(call, lane_index, IN_SERVICE);
    dk_time_t t = s->service != NULL ? dk__sample_time(s->service, &self->rng) : 0;
    if (call->op == DK_OP_WRITE)
        t += s->write_extra;
    dk__sim_timer(self->sim, self, t, TAG_SERVED, call);
}

/* Appends `call` to a waiting line. */
static inline void enqueue(dk_call_t **head, dk_call_t **tail, dk_call_t *call)
{
    call->next = NULL;
    if (*tail != NULL)
        (*tail)->next = call;
    else
        *head = call;
    *tail = call;
}

/* Takes the first call of a waiting line (NULL when empty). */
static inline dk_call_t *dequeue(dk_call_t **head, dk_call_t **tail)
{
    dk_call_t *next = *head;
    if (next != NULL) {
        *head = next->next;
        if (*head == NULL)
            *tail = NULL;
        next->next = NULL;
    }
    return next;
}

/* A worker of lane `i` is free: it takes the lane's next waiting call or goes idle. */
static DK__NOINLINE void free_lane_worker(dk_actor_t *self, station *s, uint32_t i)
{
    lane *l = &s->lanes[i];
    dk_call_t *next = dequeue(&l->qhead, &l->qtail);
    advance(self);
    if (next != NULL) {
        l->queued--;
        self->stats.queued--;
        begin_service(self, s, next, i);
    } else {
        l->busy--;
        self->stats.busy--;
    }
}

/* A worker of a station of one lane is free: it takes the next waiting call or goes idle. */
static inline void free_single_worker(dk_actor_t *self, station *s)
{
    dk_call_t *next = dequeue(&s->qhead, &s->qtail);
    advance(self);
    if (next != NULL) {
        self->stats.queued--;
        begin_service(self, s, next, 0);
    } else {
        self->stats.busy--;
    }
}

/* The worker that had a call in `lane_index` is free. */
static inline void free_worker(dk_actor_t *self, station *s, uint32_t lane_index)
{
    if (s->nlanes > 1)
        free_lane_worker(self, s, lane_index);
    else
        free_single_worker(self, s);
}

/* `call` is answered; the worker it held (if any) takes the next waiting call or goes idle,
 * and with lanes the dispatcher counts one call fewer at its lane. Any call, in any state. */
static DK__NOINLINE void finish_with(dk_actor_t *self, station *s, dk_call_t *call,
                                     dk_reply_status st)
{
    unsigned state = call_state(call);
    uint32_t lane_index = call_lane(call); /* read first: a root call goes back to the pool */
    dk__sim_reply(self->sim, call, st);
    if (DK__UNLIKELY(s->nlanes > 1))
        dk_lb_done(s->dispatch, lane_index);
    if (DK__UNLIKELY(state >= WAITING)) {
        if (state == RELEASED) {
            s->released--;
            return; /* its worker went back when the flow began to wait */
        }
        waiting_change(self, -1);
    }
    free_worker(self, s, lane_index);
}

/* finish_with for the plain station's call at the end of its service time, the common path,
 * inline. With one lane (`lanes` 0, a constant in each caller) the call holds its worker. */
static inline void finish(dk_actor_t *self, station *s, dk_call_t *call, dk_reply_status st,
                          int lanes)
{
    if (lanes) {
        finish_with(self, s, call, st);
        return;
    }
    dk__sim_reply(self->sim, call, st);
    free_single_worker(self, s);
}

/* The flow of `call` made sub-calls and waits on them: a thread-per-request station keeps the
 * worker held (and counts it waiting), an event loop lets it go. Once per wait, at its start. */
static void flow_waits(dk_actor_t *self, station *s, dk_call_t *call)
{
    uint32_t lane_index = call_lane(call);
    if (call_state(call) != IN_FLOW)
        return; /* already waiting: a flow that waits again after a reply */
    if (s->event_loop) {
        set_state(call, lane_index, RELEASED);
        s->released++;
        free_worker(self, s, lane_index);
    } else {
        set_state(call, lane_index, WAITING);
        waiting_change(self, +1);
    }
}

static void flow_result(dk_actor_t *self, station *s, const dk_flow *f, dk_call_t *call,
                        dk_flow_result r)
{
    if (r == DK_FLOW_OK) {
        finish_with(self, s, call, DK_REPLY_OK);
    } else if (r == DK_FLOW_WAIT) {
        if (call->pending == 0)
            dk_sim_abort(self->sim, DK_EINTERNAL,
                         "%s \"%s\": flow \"%s\" waits but made no sub-call", s->kind, self->name,
                         f->ops->name ? f->ops->name : "?");
        else
            flow_waits(self, s, call);
    } else {
        finish_with(self, s, call, DK_REPLY_FAILED);
    }
}

/* The first step of the call's flow, once its service time is over. */
static DK__NOINLINE void start_flow(dk_actor_t *self, station *s, const dk_flow *f, dk_call_t *call)
{
    dk_flow_ctx ctx = {self->sim, self, call, NULL};
    set_state(call, call_lane(call), IN_FLOW);
    call->step = 0;
    call->frame = NULL;
    flow_result(self, s, f, call, f->ops->step(f->data, &ctx));
}

/* The next step of a flow: `sub`, a call it made, has been answered. */
static DK__NOINLINE void step_flow(dk_actor_t *self, station *s, dk_call_t *sub)
{
    dk_call_t *call = sub->parent;
    const dk_flow *f = route_of(s, call->cls);
    if (f == NULL) { /* a route cannot vanish mid-run: this is an engine bug */
        dk_sim_abort(self->sim, DK_EINTERNAL, "%s \"%s\": reply for a call with no flow", s->kind,
                     self->name);
        return;
    }
    dk_flow_ctx ctx = {self->sim, self, call, sub};
    flow_result(self, s, f, call, f->ops->step(f->data, &ctx));
}

/* The service time of `call` is over: a cache answers it, a route runs its flow, and a plain
 * station (the common case, kept free of the others' code) answers OK. */
/* 1 when the call whose service time ends now fails by injection: inside the failure window,
 * with the window's probability (a draw from the station's stream, only inside the window). */
static DK__NOINLINE int injected_failure(dk_actor_t *self, const station *s)
{
    dk_time_t now = self->sim->now;
    if (now < s->fail_from || now >= s->fail_to)
        return 0;
    return s->fail_rate >= 1 || dk_rng_uniform(&self->rng) < s->fail_rate;
}

/* A hang holds `call`, whose service time is over, unanswered until a restart; its worker goes
 * on to the next call (which the hang will hold in its turn). */
static void hold_hung(dk_actor_t *self, station *s, dk_call_t *call)
{
    uint32_t lane_index = call_lane(call);
    if (s->nlanes > 1)
        dk_lb_done(s->dispatch, lane_index);
    enqueue(&s->hung_head, &s->hung_tail, call);
    s->nhung++;
    free_worker(self, s, lane_index);
}

/* 1 when a fault took the call whose service time ends now: a restart in progress (FAILED), a
 * hang (held), or the failure window's draw (FAILED). */
static DK__NOINLINE int faulted(dk_actor_t *self, station *s, dk_call_t *call)
{
    dk_time_t now = self->sim->now;
    if (now < s->down_until) {
        finish_with(self, s, call, DK_REPLY_FAILED);
        return 1;
    }
    if (s->hang_from > 0 && now >= s->hang_from)
        s->hanging = 1;
    if (s->hanging) {
        hold_hung(self, s, call);
        return 1;
    }
    if (s->fail_to > 0 && injected_failure(self, s)) {
        finish_with(self, s, call, DK_REPLY_FAILED);
        return 1;
    }
    return 0;
}

/* A probe (DK_OP_PROBE) asks whether the station answers, not for its routes' work: a station
 * with a flow or a serve function answers it OK after its service time and does nothing else.
 * A plain station answers everything OK anyway, so its path has no test for it. */
static inline void served(dk_actor_t *self, station *s, dk_call_t *call, int lanes)
{
    if (DK__UNLIKELY(s->faults) && faulted(self, s, call))
        return;
    if (s->serve != NULL) {
        finish_with(self, s, call,
                    call->op == DK_OP_PROBE ? DK_REPLY_OK : s->serve(self, s->ud, call));
        return;
    }
    const dk_flow *f = route_of(s, call->cls);
    if (f != NULL) {
        if (DK__UNLIKELY(call->op == DK_OP_PROBE))
            finish_with(self, s, call, DK_REPLY_OK);
        else
            start_flow(self, s, f, call);
        return;
    }
    finish(self, s, call, DK_REPLY_OK, lanes);
}

static void on_call(dk_actor_t *self, const dk_event *ev);
static void on_call_lanes(dk_actor_t *self, const dk_event *ev);

/* While a restart is in progress: a call is refused (answered FAILED) as it arrives. */
static void on_call_down(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    dk_sim_reply(self->sim, ev->call, DK_REPLY_FAILED);
}

/* A restart (dk_sim_restart, a DK_EV_CRASH event): the calls a hang held are answered FAILED
 * (their connections reset), the hang is cured and the next one is due at its next period,
 * and for restart_time the station refuses calls; calls already in service when it began are
 * answered FAILED when their time ends (faulted). */
static void on_restart(dk_actor_t *self, const dk_event *ev)
{
    station *s = self->data;
    dk_time_t now = self->sim->now;
    dk_call_t *c;
    (void)ev;
    s->restarts++;
    s->faults = 1;
    s->hanging = 0;
    if (s->hang_from > 0 && s->hang_from <= now)
        s->hang_from =
            s->hang_every > 0
                ? s->hang_from + s->hang_every * ((now - s->hang_from) / s->hang_every + 1)
                : 0;
    while ((c = dequeue(&s->hung_head, &s->hung_tail)) != NULL) {
        s->nhung--;
        dk_sim_reply(self->sim, c, DK_REPLY_FAILED);
    }
    if (s->restart_time > 0) {
        if (now + s->restart_time > s->down_until)
            s->down_until = now + s->restart_time;
        dk__actor_handle(self, DK_EV_CALL, on_call_down);
        dk__sim_timer(self->sim, self, s->restart_time, TAG_RECOVER, NULL);
    }
}

/* A restart's time is over (the last one's, when restarts overlap): calls are taken again. */
static void recovered(dk_actor_t *self, station *s)
{
    if (self->sim->now >= s->down_until)
        dk__actor_handle(self, DK_EV_CALL, s->nlanes > 1 ? on_call_lanes : on_call);
}

/* `call` arrives at a station of several replicas: the dispatcher picks its lane, where a free
 * worker takes it, else it waits, else (the lane's queue full) it is rejected. */
static DK__NOINLINE void arrive_at_lane(dk_actor_t *self, station *s, dk_call_t *call)
{
    uint32_t i = (uint32_t)dk_lb_pick(s->dispatch, &self->rng);
    lane *l = &s->lanes[i];
    if (s->servers == 0 || l->busy < s->servers) {
        advance(self);
        l->busy++;
        self->stats.busy++;
        begin_service(self, s, call, i);
    } else if (s->queue_limit != 0 && l->queued >= s->queue_limit) {
        dk_lb_done(s->dispatch, i);
        dk_sim_reply(self->sim, call, DK_REPLY_REJECTED);
    } else {
        set_state(call, i, IN_SERVICE);
        enqueue(&l->qhead, &l->qtail, call);
        advance(self);
        l->queued++;
        self->stats.queued++;
    }
}

/* `call` arrives: a free worker takes it, else it waits, else (queue full) it is rejected.
 * `lanes` (a constant in each caller) says whether the station has several. */
static inline void arrive(dk_actor_t *self, station *s, dk_call_t *call, int lanes)
{
    dk_actor_stats *st = &self->stats;
    if (lanes) {
        arrive_at_lane(self, s, call);
    } else if (s->servers == 0 || st->busy < s->servers) {
        advance(self);
        st->busy++;
        begin_service(self, s, call, 0);
    } else if (s->queue_limit != 0 && st->queued >= s->queue_limit) {
        dk_sim_reply(self->sim, call, DK_REPLY_REJECTED);
    } else {
        enqueue(&s->qhead, &s->qtail, call);
        advance(self);
        st->queued++;
    }
}

/* The handlers the event loop calls per kind of event (dk__actor_handle), a call's and a
 * reply's after the engine's bookkeeping. A station of several lanes has handlers of its own,
 * so that the one-lane path, the common one, carries no test for lanes. */
static void on_call(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    arrive(self, self->data, ev->call, 0);
}

static void on_call_lanes(dk_actor_t *self, const dk_event *ev)
{
    dk__call_arrived(self, ev);
    arrive(self, self->data, ev->call, 1);
}

static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    if (ev->tag == TAG_SERVED)
        served(self, self->data, ev->ptr, 0);
    else if (ev->tag == TAG_RECOVER)
        recovered(self, self->data);
}

static void on_timer_lanes(dk_actor_t *self, const dk_event *ev)
{
    if (ev->tag == TAG_SERVED)
        served(self, self->data, ev->ptr, 1);
    else if (ev->tag == TAG_RECOVER)
        recovered(self, self->data);
}

static void on_reply(dk_actor_t *self, const dk_event *ev)
{
    dk__reply_arrived(ev);
    step_flow(self, self->data, ev->call);
}

/* The whole handler, what ops->on_event gives anyone who calls it. */
static void station_event(dk_actor_t *self, const dk_event *ev)
{
    station *s = self->data;
    switch (ev->kind) {
    case DK_EV_CALL:
        arrive(self, s, ev->call, s->nlanes > 1);
        break;
    case DK_EV_TIMER:
        if (ev->tag == TAG_SERVED)
            served(self, s, ev->ptr, s->nlanes > 1);
        else if (ev->tag == TAG_RECOVER)
            recovered(self, s);
        break;
    case DK_EV_REPLY:
        step_flow(self, s, ev->call);
        break;
    case DK_EV_CRASH:
        on_restart(self, ev);
        break;
    default:
        break;
    }
}

/* The simulator is being freed with `call` still here: a flow may hold state for it. */
static void station_abandon(dk_actor_t *self, dk_call_t *call)
{
    station *s = self->data;
    if (call_state(call) == IN_SERVICE)
        return;
    const dk_flow *f = route_of(s, call->cls);
    if (f != NULL && f->ops->abandon != NULL)
        f->ops->abandon(f->data, call);
}

/* The overload check's view of a station (engine.h): its workers over the mean time a request
 * holds one. That is the service time, or what the run measured when a worker stays longer (a
 * thread held while its flow waits downstream), measured once the answers far outnumber the
 * workers so that the calls still in service do not inflate it. 0 for workers without limit. */
static int station_capacity(const dk_actor_t *self, dk__capacity *out)
{
    const station *s = self->data;
    const dk_actor_stats *st = &self->stats;
    uint64_t answered = st->completed + st->failed;
    double nominal = s->service != NULL ? dk_dist_mean(s->service) / 1e9 : 0;
    double hold = nominal;
    if (s->servers == 0)
        return 0;
    if (answered > 0 && answered >= 16 * (uint64_t)st->servers) {
        /* the calls in service now have served, on average, half their time */
        double measured = st->busy_area / ((double)answered + st->busy / 2.0) / 1e9;
        if (measured > hold)
            hold = measured;
    }
    if (!(hold > 0))
        return 0;
    out->held = hold > 1.25 * nominal ? hold : 0; /* worth a word only when it is the story */
    out->per_second = (double)st->servers / hold;
    if (s->nlanes > 1) {
        out->units = s->nlanes;
        out->unit = "replica";
        out->each = (double)s->servers / hold;
    } else {
        out->units = s->servers;
        out->unit = "worker";
        out->each = 1 / hold;
    }
    return 1;
}

dk_actor_t *dk__station_add(dk_sim_t *sim, const char *name, const char *kind,
                            const dk_station_config *cfg, dk__station_serve_fn serve, void *ud,
                            void (*ud_free)(void *), dk_error *err)
{
    if (sim == NULL || name == NULL || kind == NULL || cfg == NULL) {
        dk_error_set(err, DK_EINVAL,
                     "station: simulator, name, kind and configuration are required");
        goto fail;
    }
    station *s = dk_calloc(1, sizeof *s);
    if (s == NULL)
        goto oom;
    s->kind = dk_strdup(kind);
    if (s->kind == NULL ||
        (cfg->service != NULL && (s->service = dk__sim_share_dist(sim, cfg->service)) == NULL)) {
        station_destroy(s);
        goto oom;
    }
    s->servers = cfg->servers;
    s->queue_limit = cfg->queue_limit;
    s->write_extra = cfg->write_extra;
    if (cfg->fail_to > 0 && (cfg->fail_to <= cfg->fail_from || cfg->fail_from < 0 ||
                             !(cfg->fail_rate >= 0 && cfg->fail_rate <= 1))) {
        station_destroy(s);
        dk_error_set(err, DK_EINVAL,
                     "%s \"%s\": the failure window needs 0 <= fail_from < fail_to and fail_rate "
                     "in [0, 1]",
                     kind, name);
        goto fail;
    }
    s->fail_from = cfg->fail_from;
    s->fail_to = cfg->fail_to;
    s->fail_rate = cfg->fail_rate;
    if (cfg->hang_at < 0 || cfg->hang_every < 0 || cfg->restart_time < 0) {
        station_destroy(s);
        dk_error_set(err, DK_EINVAL,
                     "%s \"%s\": hang_at, hang_every and restart_time must not be negative", kind,
                     name);
        goto fail;
    }
    s->hang_from = cfg->hang_at;
    s->hang_every = cfg->hang_every;
    s->restart_time = cfg->restart_time;
    s->faults = cfg->fail_to > 0 || cfg->hang_at > 0;
    s->event_loop = cfg->event_loop != 0;
    s->nlanes = cfg->replicas > 1 ? cfg->replicas : 1;
    if (s->nlanes > 1) {
        dk_lb_algorithm check;
        if (dk_lb_algorithm_parse(dk_lb_algorithm_name(cfg->dispatch), &check) != DK_OK) {
            station_destroy(s);
            dk_error_set(err, DK_EINVAL, "%s \"%s\": unknown dispatch %d", kind, name,
                         (int)cfg->dispatch);
            goto fail;
        }
        s->lanes = dk_calloc(s->nlanes, sizeof *s->lanes);
        s->dispatch = dk_lb_new(cfg->dispatch, s->nlanes, err);
        if (s->lanes == NULL || s->dispatch == NULL) {
            station_destroy(s);
            goto oom;
        }
    }
    s->serve = serve;
    s->ud = ud;
    s->ud_free = ud_free;
    s->ops.kind = s->kind;
    s->ops.on_event = station_event;
    s->ops.held = station_held;
    s->ops.destroy = station_destroy;
    dk_actor_t *a = dk_sim_add_actor(sim, name, &s->ops, s, err);
    if (a == NULL)
        return NULL; /* add_actor destroyed s, and with it ud */
    a->abandon = station_abandon;
    a->capacity = station_capacity;
    dk__actor_handle(a, DK_EV_CALL, s->nlanes > 1 ? on_call_lanes : on_call);
    dk__actor_handle(a, DK_EV_TIMER, s->nlanes > 1 ? on_timer_lanes : on_timer);
    dk__actor_handle(a, DK_EV_REPLY, on_reply);
    dk__actor_handle(a, DK_EV_CRASH, on_restart);
    a->stats.servers = s->nlanes > 1 && cfg->servers > UINT32_MAX / s->nlanes
                           ? UINT32_MAX
                           : cfg->servers * s->nlanes;
    return a;
oom:
    dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", kind, name);
fail:
    if (ud_free != NULL)
        ud_free(ud);
    return NULL;
}

/*
 * dk_sim_restart - restarts station `a` at the present time, through an event (so the caller's
 * handler finishes first). DK_EINVAL for an actor that is not a station.
 */
dk_status dk_sim_restart(dk_actor_t *a)
{
    if (a == NULL || a->ops->on_event != station_event)
        return DK_EINVAL;
    dk__sim_schedule(a->sim, a, 0, DK_EV_CRASH, NULL, 0, NULL);
    return DK_OK;
}

void *dk__station_ud(const dk_actor_t *a)
{
    if (a == NULL || a->ops->on_event != station_event)
        return NULL;
    return ((const station *)a->data)->ud;
}

/*
 * dk_sim_add_station - a station actor of `kind` (NULL: "service"); see sim.h for the model.
 */
dk_actor_t *dk_sim_add_station(dk_sim_t *sim, const char *name, const char *kind,
                               const dk_station_config *cfg, dk_error *err)
{
    return dk__station_add(sim, name, kind != NULL ? kind : "service", cfg, NULL, NULL, NULL, err);
}

/*
 * dk_station_route - routes class `cls` (UINT32_MAX: the default) to `flow`, replacing and
 * freeing any flow there before. The station owns `flow` from here on, also on failure:
 * DK_EINVAL if `station` is not a station or flow.ops is NULL, DK_ESTATE once the run has
 * started (a reply must find the flow that made its call), DK_ENOMEM.
 */
dk_status dk_station_route(dk_actor_t *station_actor, uint32_t cls, dk_flow flow, dk_error *err)
{
    dk_status st = DK_OK;
    if (station_actor == NULL || station_actor->ops->on_event != station_event) {
        st = dk_error_set(err, DK_EINVAL, "route: \"%s\" is not a station",
                          station_actor ? station_actor->name : "(null)");
        goto fail;
    }
    station *s = station_actor->data;
    if (flow.ops == NULL || flow.ops->step == NULL) {
        st = dk_error_set(err, DK_EINVAL, "%s \"%s\": route needs a flow with a step function",
                          s->kind, station_actor->name);
        goto fail;
    }
    if (station_actor->sim->ran) {
        st = dk_error_set(err, DK_ESTATE, "%s \"%s\": routes cannot change once the run started",
                          s->kind, station_actor->name);
        goto fail;
    }
    if (cls == UINT32_MAX) {
        free_flow(&s->fallback);
        s->fallback = flow;
        return DK_OK;
    }
    if (cls >= s->nroutes) {
        size_t n = (size_t)cls + 1;
        dk_flow *v = dk_realloc(s->routes, n * sizeof *v);
        if (v == NULL) {
            st = dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", s->kind,
                              station_actor->name);
            goto fail;
        }
        memset(v + s->nroutes, 0, (n - s->nroutes) * sizeof *v);
        s->routes = v;
        s->nroutes = n;
    }
    free_flow(&s->routes[cls]);
    s->routes[cls] = flow;
    return DK_OK;
fail:
    free_flow(&flow);
    return st;
}

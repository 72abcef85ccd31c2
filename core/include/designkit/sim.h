/* sim.h - the discrete-event engine: clock, event queue, actors, calls, flows and metrics. */
#ifndef DESIGNKIT_SIM_H
#define DESIGNKIT_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/rng.h"
#include "designkit/hist.h"
#include "designkit/balancer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Simulated time: an integer count of nanoseconds since the start of the run. */
typedef int64_t dk_time_t;
#define DK_NS ((dk_time_t)1)
#define DK_US ((dk_time_t)1000)
#define DK_MS ((dk_time_t)1000000)
#define DK_SEC ((dk_time_t)1000000000)

typedef struct dk_sim dk_sim_t;
typedef struct dk_actor dk_actor_t;

/* ---- calls ----------------------------------------------------------------------------------
 * Everything that travels between actors is a call: a request from a caller to a callee that
 * the callee eventually answers with dk_sim_reply(). A call made while serving another call
 * names that call as its parent, which is how a reply finds the flow that waits for it and how
 * end-to-end latency is measured from the root. Calls are pooled by the engine: the hot path
 * allocates none. The struct is public so actors and flows can read and keep state in it. */

typedef enum dk_op {
    DK_OP_REQUEST = 0, /* a client's request of some class: "serve this" */
    DK_OP_READ,        /* read `key` (databases, caches through flows) */
    DK_OP_WRITE,       /* write `key` */
    DK_OP_GET,         /* cache lookup: replies DK_REPLY_HIT or DK_REPLY_MISS */
    DK_OP_SET,         /* cache fill */
    DK_OP_INVALIDATE   /* cache delete */
} dk_op;

typedef enum dk_reply_status {
    DK_REPLY_PENDING = 0, /* not answered yet */
    DK_REPLY_OK,
    DK_REPLY_HIT,
    DK_REPLY_MISS,
    DK_REPLY_REJECTED, /* a bounded queue was full: counted as a failure end to end */
    DK_REPLY_FAILED    /* the callee failed it (no backend, crashed, handler error) */
} dk_reply_status;

typedef struct dk_call dk_call_t;
struct dk_call {
    dk_call_t *parent;  /* the call being served when this one was made; NULL for a root */
    dk_actor_t *caller; /* receives the reply; NULL for a root call a source made for itself */
    dk_actor_t *callee;
    uint64_t id;       /* unique in the run, in order of creation */
    uint64_t key;      /* the key the request touches (from the client's key distribution) */
    dk_time_t born;    /* when the root call was created (end-to-end start) */
    dk_time_t sent;    /* when this call was sent */
    dk_time_t arrived; /* when it reached the callee */
    uint32_t cls;      /* request class index (dk_sim_class_name) */
    uint8_t op;        /* dk_op */
    uint8_t status;    /* dk_reply_status, set by dk_sim_reply */
    uint16_t pending;  /* sub-calls outstanding (flows that fan out) */
    /* Scratch owned by the callee while it serves the call (flow program counter, a frame
     * pointer, a queue link). The engine never reads them. */
    uint32_t step;
    void *frame;
    dk_call_t *next;
    double value; /* free for the callee's use, e.g. the time service began */
};

/* ---- actors ---------------------------------------------------------------------------------
 * An actor is a runtime component: a client, a balancer, a service, a cache, a database, or
 * anything a later pattern adds. It is an ops table and its own data; the event loop only
 * dispatches events to ops->on_event, so adding a kind never touches the loop. */

typedef enum dk_event_kind {
    DK_EV_START, /* once per actor at time 0, in creation order */
    DK_EV_CALL,  /* ev->call arrived at this actor (the callee) */
    DK_EV_REPLY, /* ev->call, made by this actor, has been answered */
    DK_EV_TIMER, /* a timer this actor set: ev->tag and ev->ptr are what it passed */
    DK_EV_CRASH, /* a fault: the actor goes down (reserved for fault injection) */
    DK_EV_RECOVER
} dk_event_kind;

typedef struct dk_event {
    dk_time_t time;
    uint64_t seq; /* order of scheduling: ties in time run in this order, so runs repeat */
    dk_actor_t *actor;
    dk_call_t *call;
    void *ptr;
    uint32_t kind; /* dk_event_kind */
    uint32_t tag;
} dk_event;

/* What every actor counts. The engine fills arrivals, replies and the latency histogram (time
 * from arrival to reply); the actor fills the rest and keeps the integrals current through
 * dk_actor_set_busy / dk_actor_set_queue. */
typedef struct dk_actor_stats {
    /* What every call updates comes first, 56 bytes together: a call to a backend that is
     * cold (one of 10^5) then misses fewer cache lines. */
    uint64_t arrivals;  /* calls that reached it */
    uint64_t completed; /* answered OK, HIT or MISS */
    uint32_t busy;      /* servers busy now */
    uint32_t queued;    /* calls waiting now */
    dk_time_t last_change;
    double busy_area;    /* integral of busy over time, in server-nanoseconds */
    double queue_area;   /* integral of queued over time */
    dk_hist_t *latency;  /* arrival -> reply at this actor, ns */
    uint64_t rejected;     /* answered REJECTED */
    uint64_t failed;       /* answered FAILED */
    uint64_t hits, misses; /* caches */
    uint32_t servers;      /* capacity for utilisation: workers x replicas; 0 = not a station */
} dk_actor_stats;

typedef struct dk_actor_ops {
    const char *kind; /* "client", "service", ... for reports */
    /* Handles one event. Errors inside an actor stop the run through dk_sim_abort(). */
    void (*on_event)(dk_actor_t *self, const dk_event *ev);
    /* Calls this actor holds now (queued, in service or waiting on sub-calls): the engine checks
     * arrivals == completed + rejected + failed + held at the end of every run. */
    uint64_t (*held)(const dk_actor_t *self);
    /* Frees the actor's data (not the actor). May be NULL. */
    void (*destroy)(void *data);
} dk_actor_ops;

/* The simulator. `seed` feeds every random draw: each actor gets its own stream seeded from
 * (seed, actor name). Caller frees with dk_sim_free. NULL on out-of-memory. */
dk_sim_t *dk_sim_new(uint64_t seed, dk_status *status);
void dk_sim_free(dk_sim_t *sim);

/* Adds an actor; `name` is copied and must be unique; `data` becomes the actor's, freed by
 * ops->destroy when the simulator is freed (also when this call fails). */
dk_actor_t *dk_sim_add_actor(dk_sim_t *sim, const char *name, const dk_actor_ops *ops, void *data,
                             dk_error *err);

/* A one-way link: calls from `from` to `to` and their replies each take a draw of `latency`
 * (nanoseconds; NULL means zero). The distribution is cloned. Calls between unlinked actors are
 * allowed and take no time. */
dk_status dk_sim_link(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, const dk_dist_t *latency,
                      dk_error *err);

/* Request classes ("resolve", "shorten"): index order is registration order. Registering a
 * name twice returns the first index. */
dk_status dk_sim_add_class(dk_sim_t *sim, const char *name, uint32_t *index);
size_t dk_sim_class_count(const dk_sim_t *sim);
const char *dk_sim_class_name(const dk_sim_t *sim, uint32_t cls);
int dk_sim_class_find(const dk_sim_t *sim, const char *name, uint32_t *cls); /* 1 if found */

/* ---- what actors and flows call while the run goes ---- */

dk_time_t dk_sim_now(const dk_sim_t *sim);

/* A new root call (a client's request): born now, not yet sent. Send it with dk_sim_send. */
dk_call_t *dk_sim_new_call(dk_sim_t *sim, uint32_t cls, uint8_t op, uint64_t key);

/* Makes a call from `caller` to `callee` on behalf of `parent` (may be NULL): the new call
 * inherits parent's class and birth time; it arrives after the link's latency. Returns the
 * call (owned by the engine until the caller releases it after the reply). */
dk_call_t *dk_sim_call(dk_sim_t *sim, dk_actor_t *caller, dk_call_t *parent, dk_actor_t *callee,
                       uint8_t op, uint64_t key);

/* Sends an existing call (made by dk_sim_new_call) from `caller` to `callee`. */
void dk_sim_send(dk_sim_t *sim, dk_actor_t *caller, dk_actor_t *callee, dk_call_t *call);

/* Answers `call` with `status`; the callee's stats count it and the reply reaches the caller
 * after the link's latency. A call with no caller is released at once. */
void dk_sim_reply(dk_sim_t *sim, dk_call_t *call, dk_reply_status status);

/* Returns a call to the pool once its caller has handled the reply. */
void dk_sim_release(dk_sim_t *sim, dk_call_t *call);

/* Schedules a DK_EV_TIMER for `actor` after `delay` (>= 0) with `tag` and `ptr`. */
void dk_sim_timer(dk_sim_t *sim, dk_actor_t *actor, dk_time_t delay, uint32_t tag, void *ptr);

/* Stops the run with an error; dk_sim_run returns `status` and dk_sim_error gives the message.
 * The first abort wins. */
void dk_sim_abort(dk_sim_t *sim, dk_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* End-to-end accounting, called by the actor that owns root calls (a client) when the reply
 * to a root call arrives: records latency now - born for the call's class. */
void dk_sim_record_e2e(dk_sim_t *sim, const dk_call_t *root);

/* The time integrals: set the number of busy servers / queued calls from now on. */
void dk_actor_set_busy(dk_actor_t *a, uint32_t busy);
void dk_actor_set_queue(dk_actor_t *a, uint32_t queued);

/* ---- actor accessors ---- */
const char *dk_actor_name(const dk_actor_t *a);
const char *dk_actor_kind(const dk_actor_t *a);
/* What reports call the actor: by default its ops' kind ("client", "service", ...). Borrowed. */
void dk_actor_set_kind(dk_actor_t *a, const char *kind);
void *dk_actor_data(const dk_actor_t *a);
dk_sim_t *dk_actor_sim(const dk_actor_t *a);
dk_rng_t *dk_actor_rng(dk_actor_t *a);
size_t dk_actor_index(const dk_actor_t *a);
const dk_actor_stats *dk_actor_get_stats(const dk_actor_t *a);
dk_actor_stats *dk_actor_stats_mut(dk_actor_t *a);
/* Calls sent over the link from -> to so far (0 if they are not linked). */
uint64_t dk_sim_link_calls(const dk_actor_t *from, const dk_actor_t *to);
/* Downstream actors, in the order dk_sim_link added them. */
size_t dk_actor_out_count(const dk_actor_t *a);
dk_actor_t *dk_actor_out(const dk_actor_t *a, size_t i);

/* ---- running ---- */

/* Called about every 1/100 of the run with the fraction done; may be NULL. */
typedef void (*dk_sim_progress_fn)(double fraction, void *ud);

/* Runs until simulated time `until` (events at exactly `until` run), or until `max_roots` root
 * calls have been created (0 means no limit; sources stop creating calls past it, and the run
 * then drains what is in flight up to `until`). Then closes the time integrals at the end time
 * and checks conservation for every actor; a broken balance is DK_EINTERNAL with a message. A
 * simulator runs once. */
dk_status dk_sim_run(dk_sim_t *sim, dk_time_t until, uint64_t max_roots,
                     dk_sim_progress_fn progress, void *ud);
const char *dk_sim_error(const dk_sim_t *sim); /* message of the last failure, "" if none */

/* Whether sources may create another root call now (max_roots not reached). */
int dk_sim_may_create(const dk_sim_t *sim);

/* ---- results ---- */
size_t dk_sim_actor_count(const dk_sim_t *sim);
dk_actor_t *dk_sim_actor(const dk_sim_t *sim, size_t i);
dk_actor_t *dk_sim_find_actor(const dk_sim_t *sim, const char *name);
dk_time_t dk_sim_end_time(const dk_sim_t *sim); /* the time the run stopped */
uint64_t dk_sim_events(const dk_sim_t *sim);    /* events dispatched */

typedef struct dk_class_stats {
    uint64_t created;   /* root calls created */
    uint64_t completed; /* answered OK/HIT/MISS */
    uint64_t failed;    /* answered REJECTED or FAILED */
    dk_hist_t *latency; /* end to end, completed only, ns */
} dk_class_stats;
const dk_class_stats *dk_sim_class_stats(const dk_sim_t *sim, uint32_t cls);
uint64_t dk_sim_in_flight(const dk_sim_t *sim); /* root calls not answered at the end */

/* ---- metrics: computed once, here, for every report ----
 * The text report, the JSON report and the after-run drawing all read an actor's figures
 * through dk_actor_metrics, so a formula lives in one place. X(enum suffix, name, meaning). */
#define DK_METRICS(X)                                                                              \
    X(THROUGHPUT, "throughput", "calls answered OK (or hit, or miss) per second")                  \
    X(UTILISATION, "utilisation", "busy server time over capacity, 0..1 (stations)")               \
    X(MEAN_QUEUE, "mean_queue", "time-average number of calls waiting")                            \
    X(HIT_RATIO, "hit_ratio", "hits over lookups (caches)")                                        \
    X(REJECTION_RATE, "rejection_rate", "calls rejected by a full queue over calls answered")

typedef enum dk_metric {
#define DK__METRIC_ENUM(id, name, doc) DK_METRIC_##id,
    DK_METRICS(DK__METRIC_ENUM)
#undef DK__METRIC_ENUM
        DK_METRIC__COUNT
} dk_metric;

#define DK_METRIC_BIT(m) (1u << (m))

const char *dk_metric_name(dk_metric m); /* "utilisation"; "unknown" out of range */
const char *dk_metric_doc(dk_metric m);  /* one line */

typedef struct dk_metrics {
    double value[DK_METRIC__COUNT];
    unsigned defined; /* DK_METRIC_BIT(m) set when value[m] means something: a station has a
                         utilisation, an actor that had lookups a hit ratio, ... */
} dk_metrics;

/* The metrics of `a` over a run that lasted `duration` ns (dk_sim_end_time after the run). */
void dk_actor_metrics(const dk_actor_t *a, dk_time_t duration, dk_metrics *out);
/* 1 when metric `m` is defined in `mx`, with its value in *value (may be NULL). */
int dk_metrics_get(const dk_metrics *mx, dk_metric m, double *value);

/* ---- built-in actor kinds (core/sim/actor_*.c) ---- */

/* A client: creates root calls of class drawn from `mix` (weights over class indices; NULL =
 * class 0) at `rate` per second, Poisson or evenly spaced, keys drawn from `keys` (NULL: key 0),
 * and sends each to one of its downstream actors (round robin). Records end-to-end latency. */
typedef struct dk_client_config {
    double rate;       /* per second, > 0 */
    int poisson;       /* 1 Poisson arrivals, 0 constant spacing */
    const double *mix; /* one weight per class index, or NULL */
    size_t mix_len;
    const dk_dist_t *keys; /* cloned */
} dk_client_config;
dk_actor_t *dk_sim_add_client(dk_sim_t *sim, const char *name, const dk_client_config *cfg,
                              dk_error *err);

/* A balancer: forwards each call to one downstream actor chosen by `algorithm` and relays the
 * reply. Takes no time of its own. */
dk_actor_t *dk_sim_add_balancer(dk_sim_t *sim, const char *name, dk_lb_algorithm algorithm,
                                dk_error *err);

/* A flow: what a station does with a call once its service time is over. A flow runs step by
 * step: step() is called first with ctx->reply == NULL, then again each time a sub-call it made
 * (with dk_sim_call, parent = ctx->call) is answered, with that sub-call in ctx->reply (the
 * flow releases it). It returns DK_FLOW_WAIT while it waits, or a final status. Per-call state
 * lives in ctx->call->step and ->frame. */
typedef struct dk_flow_ctx {
    dk_sim_t *sim;
    dk_actor_t *self; /* the station running the flow */
    dk_call_t *call;  /* the call being served */
    dk_call_t *reply; /* the sub-call just answered, or NULL on the first step */
} dk_flow_ctx;

typedef enum dk_flow_result {
    DK_FLOW_WAIT = 0, /* a sub-call is out; step again on its reply */
    DK_FLOW_OK,       /* done: reply OK */
    DK_FLOW_FAIL      /* done: reply FAILED */
} dk_flow_result;

typedef struct dk_flow_ops {
    const char *name;
    dk_flow_result (*step)(void *data, dk_flow_ctx *ctx);
    /* The run ended with the call still inside the flow: drop its per-call state. May be NULL. */
    void (*abandon)(void *data, dk_call_t *call);
    void (*destroy)(void *data); /* may be NULL */
} dk_flow_ops;

typedef struct dk_flow {
    const dk_flow_ops *ops;
    void *data;
} dk_flow;

/* Built-in flows. cache_aside: GET the cache; on a miss READ the database then SET the cache.
 * call_each: call each of `targets` in order with the call's own op, then reply OK (what a
 * service with downstream links and no route does). Both own their data; pass the returned
 * flow to a station, which frees it. */
dk_status dk_flow_cache_aside(dk_actor_t *cache, dk_actor_t *db, dk_flow *out);
dk_status dk_flow_call_each(dk_actor_t *const *targets, size_t n, dk_flow *out);

/* A station: `servers` workers (0 = as many as needed: a pure delay), a FIFO queue bounded at
 * `queue_limit` waiting calls (0 = unbounded; over it the call is REJECTED), service time drawn
 * from `service` (ns; NULL = 0). After the service time the call's flow runs (the worker stays
 * busy while the flow waits, as a thread-per-request server's does). Flows are chosen by class
 * (dk_station_route); classes without a route use the default flow, and with none the station
 * replies OK. Caches and databases are stations too: a cache station answers GET/SET/INVALIDATE
 * from its dk_cache (see dk_sim_add_cache). */
typedef struct dk_station_config {
    uint32_t servers;
    uint32_t queue_limit;
    const dk_dist_t *service; /* cloned */
} dk_station_config;
dk_actor_t *dk_sim_add_station(dk_sim_t *sim, const char *name, const char *kind,
                               const dk_station_config *cfg, dk_error *err);
/* Routes class `cls` to `flow` (the station takes it over); cls == UINT32_MAX sets the default. */
dk_status dk_station_route(dk_actor_t *station, uint32_t cls, dk_flow flow, dk_error *err);

/* A cache: a station whose calls GET/SET/INVALIDATE/READ/WRITE a dk_cache of `capacity`
 * entries under `policy` ("lru") with `ttl` ns (0 = none). GET/READ reply HIT or MISS and count
 * hits/misses; SET/WRITE store; INVALIDATE removes. */
typedef struct dk_cache_config {
    dk_station_config station;
    uint64_t capacity;
    const char *policy;
    dk_time_t ttl;
} dk_cache_config;
dk_actor_t *dk_sim_add_cache(dk_sim_t *sim, const char *name, const dk_cache_config *cfg,
                             dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

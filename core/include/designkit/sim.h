/* sim.h - the discrete-event engine: clock, event queue, actors, calls, flows and metrics. */
#ifndef DESIGNKIT_SIM_H
#define DESIGNKIT_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/rng.h"
#include "designkit/hist.h"
#include "designkit/balancer.h"
#include "designkit/limiter.h"
#include "designkit/breaker.h"
#include "designkit/health.h"
#include "designkit/bulkhead.h"
#include "designkit/retry.h"

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
    DK_OP_INVALIDATE,  /* cache delete */
    DK_OP_PROBE        /* a health check: a station answers it OK after its service time, with
                          no flow run (dk_sim_balancer_set_health) */
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
    double busy_area;      /* integral of busy over time, in server-nanoseconds */
    double queue_area;     /* integral of queued over time */
    dk_hist_t *latency;    /* arrival -> reply at this actor, ns */
    uint64_t rejected;     /* answered REJECTED */
    uint64_t failed;       /* answered FAILED */
    uint64_t hits, misses; /* caches */
    uint32_t servers;      /* capacity for utilisation: workers x replicas; 0 = not a station */
    /* Workers held by calls that wait on a downstream reply (a thread-per-request station's
     * flows), and its integral: part of busy, reported apart from the station's own work. */
    uint32_t waiting;
    dk_time_t waiting_change;
    double waiting_area;
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
/* Marks the link from -> to asynchronous (async != 0) or not: calls made along it through
 * dk_sim_call_linked (flows, handlers) are sent without waiting. DK_ENOTFOUND, DK_ESTATE. */
dk_status dk_sim_link_set_async(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, int async,
                                dk_error *err);
int dk_sim_link_is_async(const dk_actor_t *from, const dk_actor_t *to);
/* Makes the link from -> via (made already) stand for a link from -> to: a call from `from`
 * to `to` goes to `via` instead (a guard in front of `to`, linked on to it), and the link is
 * found, counted and set as the link from -> to. DK_ENOTFOUND without the link from -> via,
 * DK_EEXIST when from -> to is linked already, DK_ESTATE, DK_ENOMEM. */
dk_status dk_sim_link_through(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *via, dk_actor_t *to,
                              dk_error *err);
/* What a balancer's algorithm reads of the link from -> to when it starts (dk_lb_set_weight,
 * dk_lb_set_distance): `weight` finite and > 0 (default 1), `distance` finite and >= 0, or
 * negative for none (the default: geo prefers the links in their order). DK_EINVAL for a bad
 * value, DK_ENOTFOUND, DK_ESTATE. */
dk_status dk_sim_link_set_balance(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, double weight,
                                  double distance, dk_error *err);

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

/* A call that nobody waits for (a message, an event): of parent's class, not pending on it;
 * its reply is dropped. 0, or -1 when the pool cannot grow (the run is then aborted). */
int dk_sim_call_async(dk_sim_t *sim, dk_actor_t *caller, const dk_call_t *parent,
                      dk_actor_t *callee, uint8_t op, uint64_t key);

/* dk_sim_call along a synchronous link, dk_sim_call_async along an asynchronous one; *waits
 * says which (1: the caller will get a reply). NULL when the pool cannot grow. */
dk_call_t *dk_sim_call_linked(dk_sim_t *sim, dk_actor_t *caller, dk_call_t *parent,
                              dk_actor_t *callee, uint8_t op, uint64_t key, int *waits);

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

/* A watchdog: asked every 1024 events whether the run may go on. DK_OK goes on; any other
 * status aborts the run with that status and the message the watchdog puts in `err` (a host's
 * time limit, an interrupt: DK_ELIMIT, DK_EINTR). It runs in the loop, so it must be cheap: a
 * flag set elsewhere (by a timer or a signal handler) is the intended shape. */
typedef dk_status (*dk_sim_watchdog_fn)(void *ud, dk_error *err);

/* Installs `fn` (NULL removes it) for every simulator of the process, as dk_set_allocator does
 * for allocation: the simulator is built deep inside a binding that knows nothing of the host,
 * and the host is the one that knows the limits. Read when dk_sim_run starts. A run with
 * neither a watchdog nor a progress callback takes the loop that checks for none. */
void dk_sim_set_watchdog(dk_sim_watchdog_fn fn, void *ud);

/* The warm-up: statistics count only what happens after simulated time `warmup` (0: from the
 * start). dk_sim_run runs the events up to `warmup`, then forgets every count, integral and
 * histogram (actors, classes, links) and measures from there: a call held at that moment
 * counts as arriving then, so the books still balance. A run that ends before its warm-up is
 * over fails with DK_EINVAL, and so does a warm-up at or beyond `until`: nothing would be
 * measured. DK_EINVAL for a negative warm-up, DK_ESTATE once the simulator has run. */
dk_status dk_sim_set_warmup(dk_sim_t *sim, dk_time_t warmup);
dk_time_t dk_sim_warmup(const dk_sim_t *sim);
/* The time the statistics cover, dk_sim_end_time minus the warm-up: what throughput and
 * utilisation divide by. */
dk_time_t dk_sim_measured_time(const dk_sim_t *sim);

/* Overload: a design whose requests pile up without bound stops rather than taking all memory.
 * Whenever the call pool grows past `waiting` calls (never per event), the run looks for the
 * actor with the most requests waiting, at least `waiting` of them, whose offered load
 * (arrivals per second of simulated time) is at or above its capacity (replicas x workers /
 * the mean time one request holds a worker); it aborts with DK_EFULL and a message that names
 * it, its offered load and its capacity ("overloaded: service \"api\" has 1048576 requests
 * waiting; offered 1e+12/s against a capacity of 100/s (2 replicas x 50/s)..."). A heavily
 * loaded but stable design (many requests in flight, few waiting) is never stopped. The default
 * is DK_SIM_OVERLOAD_WAITING; 0 turns the check off. DK_ESTATE once the simulator has run. */
#define DK_SIM_OVERLOAD_WAITING 1048576
dk_status dk_sim_set_overload(dk_sim_t *sim, uint64_t waiting);
uint64_t dk_sim_overload(const dk_sim_t *sim); /* the threshold in force; 0: off */

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

/* Batch means: the measured time is cut in DK_SIM_BATCHES equal spans, and each class keeps the
 * sum and count of the end-to-end latencies (ns) answered in each. Batch b of class `cls` in
 * *sum and *count; 0 (and zeros) when there is no such batch or class. Runs long enough that
 * one batch's mean hardly depends on the next make the batch means about independent, and
 * their spread gives the interval of the run's mean (dk_sim_class_mean_interval). */
#define DK_SIM_BATCHES 20
int dk_sim_class_batch(const dk_sim_t *sim, uint32_t cls, size_t b, double *sum, uint64_t *count);

/* ---- metrics: computed once, here, for every report ----
 * The text report, the JSON report and the after-run drawing all read an actor's figures
 * through dk_actor_metrics, so a formula lives in one place. X(enum suffix, name, meaning). */
#define DK_METRICS(X)                                                                              \
    X(THROUGHPUT, "throughput", "calls answered OK (or hit, or miss) per second")                  \
    X(UTILISATION, "utilisation", "server time at own work over capacity, 0..1 (stations)")        \
    X(HELD, "held",                                                                                \
      "server time held waiting on downstream replies over capacity, 0..1 (stations)")             \
    X(MEAN_QUEUE, "mean_queue", "time-average number of calls waiting")                            \
    X(HIT_RATIO, "hit_ratio", "hits over lookups (caches)")                                        \
    X(REJECTION_RATE, "rejection_rate", "calls rejected by a full queue over calls answered")      \
    X(MAX_DEPTH, "max_depth", "most messages waiting at once (queues, subscriptions)")             \
    X(AGE_MEAN, "age_mean", "mean wait of a message before a consumer took it, s (queues)")        \
    X(AGE_P99, "age_p99", "99th percentile of that wait, s (queues)")                              \
    X(CONSUMED, "consumed", "messages handled to the end per second (queues)")                     \
    X(DROPPED, "dropped", "messages dropped to make room (queues, when_full = drop_oldest)")       \
    X(BACKLOG, "backlog", "messages waiting when the run ended (queues)")                          \
    X(STALE_READS, "stale_reads", "reads older than the latest write (caches with a strategy)")    \
    X(STORE_WRITES, "store_writes",                                                                \
      "write calls the cache sent its store (caches with a strategy)")                             \
    X(LOST_WRITES, "lost_writes",                                                                  \
      "acknowledged writes lost in a crash before a flush (write_behind)")                         \
    X(BYTES_USED, "bytes_used", "bytes held when the run ended (caches counted in bytes)")         \
    X(BYTES_PEAK, "bytes_peak", "most bytes held at once (caches counted in bytes)")               \
    X(BYTES_CAPACITY, "bytes_capacity", "the capacity in bytes (caches counted in bytes)")         \
    X(TOO_BIG, "too_big", "objects larger than the whole cache, never stored (caches in bytes)")   \
    X(LIMITED, "limited", "requests refused by a rate limiter (gateways)")                         \
    X(ATTEMPTS, "attempts", "calls a guard sent downstream, retries included (guards)")            \
    X(RETRIES, "retries", "attempts a guard sent again after a failure or a timeout (guards)")     \
    X(SHORT_CIRCUITED, "short_circuited",                                                          \
      "requests a guard's open circuit breaker failed without sending (guards)")                   \
    X(TIMEOUTS, "timeouts", "attempts a guard gave up waiting for (guards)")                       \
    X(BREAKER_CHANGES, "breaker_changes", "state changes of a guard's circuit breaker (guards)")   \
    X(BULKHEAD_REJECTED, "bulkhead_rejected",                                                      \
      "requests a guard's bulkhead refused or let wait too long (guards)")

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
 * class 0), keys drawn from `keys` (NULL: key 0), and sends each to one of its downstream actors
 * (round robin; a class given links by dk_sim_route_class, to one of those). Records end-to-end
 * latency. Open (users == 0): calls arrive at `rate` per second, Poisson or evenly spaced,
 * whatever happens to the earlier ones. Closed (users > 0): each of `users` users thinks (a
 * draw of `think`), sends one call, waits for its reply, thinks again, and so on; rate and
 * poisson are unused, and the load follows the response time. */
typedef struct dk_client_config {
    double rate;       /* open: per second, > 0 */
    int poisson;       /* open: 1 Poisson arrivals, 0 constant spacing */
    const double *mix; /* one weight per class index, or NULL */
    size_t mix_len;
    const dk_dist_t *keys;  /* cloned */
    uint32_t users;         /* > 0: a closed workload of this many users; 0: open */
    const dk_dist_t *think; /* closed: think time in ns (NULL: none); cloned */
} dk_client_config;
dk_actor_t *dk_sim_add_client(dk_sim_t *sim, const char *name, const dk_client_config *cfg,
                              dk_error *err);

/* A balancer: forwards each call to one downstream actor chosen by `algorithm` (among the
 * links of the call's class, when dk_sim_route_class gave it some) and relays the reply. Takes
 * no time of its own. */
dk_actor_t *dk_sim_add_balancer(dk_sim_t *sim, const char *name, dk_lb_algorithm algorithm,
                                dk_error *err);
/* Outlier ejection at a balancer (dk_lb_set_outlier, dk_lb_set_outlier_max): a backend answering
 * `after` calls in a row FAILED or REJECTED is left out for base x the times it has been; at
 * most the share `max` of the backends at once. after 0: off. Before the run; DK_EINVAL (with
 * `err` naming the balancer) for a bad value or an actor that is not a balancer. */
dk_status dk_sim_balancer_set_outlier(dk_actor_t *balancer, unsigned after, dk_time_t base,
                                      double max, dk_error *err);
/* Active health checks at a balancer (designkit/health.h): every `check.interval_ns` it sends
 * each backend a probe (a DK_OP_PROBE call through the engine, so a long queue or a hang makes
 * it time out), skips the backends judged unhealthy and takes them back after
 * `healthy_threshold` good probes; with check.restart_after_ns > 0 it restarts a backend
 * unhealthy that long (dk_sim_restart). Before the run; DK_EINVAL with `err` naming the
 * balancer and the field. */
dk_status dk_sim_balancer_set_health(dk_actor_t *balancer, const dk_health_config *check,
                                     dk_error *err);
/* What a balancer's health checks saw of backend `i` (its i-th link): 0 and *out filled, or
 * DK_ERANGE past the last, DK_EINVAL when `a` is not a balancer with health checks. */
typedef struct dk_balancer_backend_health {
    const char *backend; /* borrowed */
    uint64_t probes;     /* sent */
    uint64_t failures;   /* failed or timed out */
    uint64_t restarts;   /* ordered */
    double unhealthy;    /* seconds judged unhealthy */
    int healthy;         /* the verdict at the end */
} dk_balancer_backend_health;
dk_status dk_balancer_health_of(const dk_actor_t *a, size_t i, dk_balancer_backend_health *out);
/* Restarts station `a` now (DK_EINVAL for any other actor): the calls a hang holds are answered
 * FAILED, and for its restart_time every call is (dk_station_config). */
dk_status dk_sim_restart(dk_actor_t *a);

/* A gateway (core/sim/actor_gateway.c): a rate limiter (designkit/limiter.h) in front of its
 * links. Each call is decided at its arrival, by its key when limiter.max_keys > 0, else for
 * all; a refused call is answered REJECTED at once and counted as limited; an admitted one goes
 * to the next link in turn (after the delay a leaky_queue gives it) and its answer is relayed.
 * Takes no time of its own. NULL with `err` naming the gateway for a bad limiter config. */
typedef struct dk_gateway_config {
    dk_limiter_config limiter;
} dk_gateway_config;
dk_actor_t *dk_sim_add_gateway(dk_sim_t *sim, const char *name, const dk_gateway_config *cfg,
                               dk_error *err);
typedef struct dk_gateway_stats {
    uint64_t limited; /* calls the limiter refused */
    uint64_t delayed; /* calls a leaky_queue held before sending them on */
} dk_gateway_stats;
/* A gateway's counts; NULL for an actor that is not a gateway. */
const dk_gateway_stats *dk_gateway_stats_of(const dk_actor_t *a);

/* A guard (core/sim/actor_guard.c): the resilience of the calls that pass it. Each call it
 * receives is sent on to its links in turn as an attempt; an attempt that fails (FAILED or
 * REJECTED) or gets no answer within `timeout` is tried again after the retry policy's backoff
 * while the policy allows (attempts, budget), and the last failure is the answer. A circuit
 * breaker, when set, is asked before every attempt: when it refuses, the call is answered
 * FAILED at once, sent nowhere, and counted as short-circuited; every attempt's outcome (a
 * timeout is a failure) is recorded in it. A late answer to an attempt given up on is dropped.
 * Takes no time of its own. */
typedef struct dk_guard_config {
    dk_time_t timeout; /* per attempt; 0: none */
    int retry;         /* 1: retry.max_attempts and the rest apply (retry.timeout_ns unused) */
    dk_retry_config retry_cfg;
    int breaker; /* 1: a circuit breaker configured by breaker_cfg */
    dk_breaker_config breaker_cfg;
    /* A bulkhead (designkit/bulkhead.h) when bulkhead_max > 0: at most that many requests
     * guarded at once (from arrival to answer, retries included); the next wait, at most
     * bulkhead_queue of them, each at most bulkhead_wait, and are answered REJECTED (counted as
     * bulkhead_rejected) when there is no room or the wait runs out. */
    uint32_t bulkhead_max;
    uint32_t bulkhead_queue;
    dk_time_t bulkhead_wait;
} dk_guard_config;
/* NULL with `err` naming the guard for a bad retry or breaker config. */
dk_actor_t *dk_sim_add_guard(dk_sim_t *sim, const char *name, const dk_guard_config *cfg,
                             dk_error *err);
typedef struct dk_guard_stats {
    uint64_t attempts;          /* sent downstream, first tries included */
    uint64_t retries;           /* attempts after the first */
    uint64_t short_circuited;   /* calls the breaker refused */
    uint64_t timeouts;          /* attempts given up on */
    uint64_t late;              /* answers to those that came after all (dropped) */
    uint64_t exhausted;         /* calls answered FAILED once no retry was left */
    uint64_t breaker_changes;   /* transitions of the breaker */
    uint64_t opened;            /* of which to open */
    uint64_t bulkhead_rejected; /* refused or timed out by the bulkhead */
} dk_guard_stats;
/* A guard's counts (NULL for any other actor); *state the breaker's state now when it has one
 * (state may be NULL). */
const dk_guard_stats *dk_guard_stats_of(const dk_actor_t *a, const char **state);

/* Routing by class: the calls of class `cls` that client or balancer `actor` sends go only to
 * its links at positions links[0 .. n) (dk_actor_out order, strictly increasing): a client
 * takes them in turn, round robin, and a balancer picks among them by its algorithm. Classes
 * that share the same positions share one rotation (one dk_lb: its own turn and connection
 * counts, apart from those of other sets of positions). With n == 0 a call of that class is
 * answered FAILED at once and sent nowhere. cls == UINT32_MAX gives the positions of every
 * class not given its own. A class never given positions (and with no UINT32_MAX ones) goes to
 * every link, as before: a simulator without routes by class runs as it always has, at the
 * same cost. Calling it again for a class replaces its positions. Set before the run, once the
 * links exist. DK_EINVAL (with `err` naming the actor) for an actor that is not a client or a
 * balancer, an unknown class, a position out of range or out of order; DK_ESTATE once the
 * simulator has run; DK_ENOMEM. The builder (dk_model_build_sim) sets them from the model's
 * routes (dk_class_routing_new in designkit/model.h). */
dk_status dk_sim_route_class(dk_actor_t *actor, uint32_t cls, const size_t *links, size_t n,
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
 * from `service` (ns; NULL = 0). After the service time the call's flow runs. While the flow
 * waits on a downstream reply its worker stays held, as a thread-per-request server's does
 * (counted in stats.waiting), unless `event_loop` is set: then the worker is released at once
 * and takes the next call, and the flow goes on when the reply comes (in no time, needing no
 * worker). Flows are chosen by class (dk_station_route); classes without a route use the
 * default flow, and with none the station replies OK. Caches and databases are stations too: a
 * cache station answers GET/SET/INVALIDATE from its dk_cache (see dk_sim_add_cache).
 *
 * `replicas` > 1 makes that many separate instances, each with `servers` workers and a queue
 * of its own bounded at `queue_limit`, and `dispatch` picks the instance of each call (round
 * robin, random or least connections: the calls an instance holds). For one pooled queue in
 * front of all the workers (M/M/c), leave replicas at 0 or 1 and give servers = replicas x
 * workers. */
typedef struct dk_station_config {
    uint32_t servers;
    uint32_t queue_limit;
    const dk_dist_t *service; /* cloned */
    uint32_t replicas;        /* 0 or 1: one instance */
    dk_lb_algorithm dispatch; /* with replicas > 1 */
    int event_loop;           /* 1: release the worker while the flow waits */
    dk_time_t write_extra;    /* added to the service time of a WRITE (a database's log) */
    /* Failure injection: a call whose service time ends in [fail_from, fail_to) is answered
     * FAILED with probability fail_rate (a draw from the station's own stream), its flow not
     * run. fail_to == 0: never. */
    dk_time_t fail_from, fail_to;
    double fail_rate;
    /* A hang (a deadlock, a leak): from `hang_at` (> 0; 0: never), and again every `hang_every`
     * after it (0: once), no call whose service time ends is answered until the station is
     * restarted (dk_sim_restart). A restart answers the calls it holds FAILED and takes
     * `restart_time`, during which every call is answered FAILED at once. */
    dk_time_t hang_at, hang_every, restart_time;
} dk_station_config;
dk_actor_t *dk_sim_add_station(dk_sim_t *sim, const char *name, const char *kind,
                               const dk_station_config *cfg, dk_error *err);
/* A sharded store (core/sim/actor_shard_router.c): a router actor `name` that sends each call
 * to the station owning its key under `sharder` (whole-number keys: range or hash), and one
 * station "<name>.shard<i>" (i from 1) per shard, each configured by `cfg`, so a hot shard
 * shows as its own utilisation and latency. Takes `sharder`, also on failure. */
struct dk_shard;
dk_actor_t *dk_sim_add_sharded(dk_sim_t *sim, const char *name, const char *kind,
                               const dk_station_config *cfg, struct dk_shard *sharder,
                               dk_error *err);
/* Routes class `cls` to `flow` (the station takes it over); cls == UINT32_MAX sets the default. */
dk_status dk_station_route(dk_actor_t *station, uint32_t cls, dk_flow flow, dk_error *err);

/* A cache: a station whose calls GET/SET/INVALIDATE/READ/WRITE a dk_cache of `capacity`
 * entries under `policy` ("lru") with `ttl` ns (0 = none). GET/READ reply HIT or MISS and count
 * hits/misses; SET/WRITE store; INVALIDATE removes.
 *
 * `strategy` says how the cache and its store (dk_sim_cache_set_store: the database behind it)
 * share reads and writes (core/sim/flow_cache_strategy.c; docs/patterns/caching.md):
 *   aside          the above: the service fills the cache itself (dk_flow_cache_aside);
 *   read_through   a lookup that misses READs the store, fills the cache and replies OK;
 *                  a WRITE goes to the store, then invalidates the entry (as write_around);
 *   write_through  reads as read_through; a WRITE goes to the store, then fills the cache;
 *   write_behind   reads as read_through; a WRITE fills the cache and is answered at once,
 *                  and the writes buffered are sent to the store at every multiple of `flush`
 *                  ns, `batch` writes per store call; a crash (`crash_at`) loses them;
 *   write_around   reads as read_through; a WRITE goes to the store, then invalidates the
 *                  entry, or leaves it (and stale reads follow) with `keep_on_write`.
 * Every strategy but aside counts stale reads (a read answered with an older version than the
 * latest write acknowledged for its key), store writes and lost writes (dk_cache_stats_of). */
#define DK_CACHE_STRATEGIES(X)                                                                     \
    X(ASIDE, "aside")                                                                              \
    X(READ_THROUGH, "read_through")                                                                \
    X(WRITE_THROUGH, "write_through")                                                              \
    X(WRITE_BEHIND, "write_behind")                                                                \
    X(WRITE_AROUND, "write_around")
typedef enum dk_cache_strategy {
#define DK__CACHE_STRATEGY_ENUM(id, name) DK_CACHE_##id,
    DK_CACHE_STRATEGIES(DK__CACHE_STRATEGY_ENUM)
#undef DK__CACHE_STRATEGY_ENUM
        DK_CACHE_STRATEGY__COUNT
} dk_cache_strategy;
/* The names as scripts write them, NULL-terminated (the cache kind's `strategy` choices). */
extern const char *const dk_cache_strategy_names[];
/* 1 and *out set when `name` is one of dk_cache_strategy_names. */
int dk_cache_strategy_parse(const char *name, dk_cache_strategy *out);

typedef struct dk_cache_config {
    dk_station_config station;
    uint64_t capacity;
    const char *policy;
    dk_time_t ttl;
    dk_cache_strategy strategy; /* zero: aside */
    int keep_on_write;          /* write_around, read_through: leave the entry on a write */
    dk_time_t flush;            /* write_behind: flush period, > 0 */
    uint32_t batch;             /* write_behind: writes per store call, > 0 */
    dk_time_t crash_at;         /* > 0: at this time the cache loses its entries and the
                                   writes it has not flushed (then serves on, empty) */
    /* > 0: the cache holds `bytes` bytes of sized entries (dk_cache_new_bytes) and `capacity`
     * is unused. Each key weighs dk_cache_object_size(object_size, key); a key heavier than
     * the whole cache is never stored (counted as too_big). */
    uint64_t bytes;
    const dk_dist_t *object_size; /* sizes in bytes (NULL: 1 KiB each); cloned */
} dk_cache_config;
dk_actor_t *dk_sim_add_cache(dk_sim_t *sim, const char *name, const dk_cache_config *cfg,
                             dk_error *err);
/* The store behind a cache whose strategy is not aside: where misses read and writes go.
 * DK_EINVAL (with `err` naming the cache) when `cache` is not a cache, DK_ESTATE once the run
 * has started. */
dk_status dk_sim_cache_set_store(dk_actor_t *cache, dk_actor_t *store, dk_error *err);

/* What a cache's strategy counted (NULL for an actor that is not a cache, or an aside cache). */
typedef struct dk_cache_stats {
    uint64_t writes;       /* WRITEs that reached the cache */
    uint64_t stale_reads;  /* reads answered older than the latest acknowledged write */
    uint64_t store_reads;  /* READs sent to the store (misses) */
    uint64_t store_writes; /* WRITE calls sent to the store (a write_behind batch is one) */
    uint64_t lost_writes;  /* acknowledged writes lost in a crash before their flush */
} dk_cache_stats;
const dk_cache_stats *dk_cache_stats_of(const dk_actor_t *a);

/* The size of `key` under the distribution `sizes`: one draw from a dk_rng seeded with the key
 * (xor DK_CACHE_SIZE_SEED), rounded to whole bytes and at least 1. The same key has the same
 * size in every run and in every cache whose sizes are the same distribution, whatever the
 * run's seed: an object's size belongs to the object. NULL `sizes`: 1024. */
#define DK_CACHE_SIZE_SEED 0x5A1E0B1EC7ULL
uint64_t dk_cache_object_size(const dk_dist_t *sizes, uint64_t key);

/* What a cache counted in bytes (dk_cache_config.bytes > 0): the capacity, the bytes held now
 * and at most since the counts started, and the puts refused as larger than the capacity. */
typedef struct dk_cache_byte_stats {
    uint64_t capacity, used, peak, too_big;
} dk_cache_byte_stats;
/* 1 and *out filled when `a` is a cache counted in bytes, else 0. */
int dk_cache_byte_stats_of(const dk_actor_t *a, dk_cache_byte_stats *out);

/* ---- message queues and topics (core/sim/actor_queue.c, actor_topic.c) ----
 * A queue answers a producer's call once the message is in (after `enqueue`), not once it has
 * been handled: the message is a call of its own, of the same class and key, that the queue
 * holds until one of its `consumers` takes it, in FIFO order. The consumer spends `service`,
 * then runs the message's flow (dk_queue_route, as a station's route: it may call onward) and
 * is held until the flow ends. `capacity` bounds the messages waiting (0 = unbounded; those a
 * consumer holds do not count); a producer that finds it full is answered REJECTED (reject),
 * waits for room, first come first served (block), or gets in while the oldest waiting message
 * is dropped (drop_oldest). */
#define DK_WHEN_FULL(X) X(REJECT, "reject") X(BLOCK, "block") X(DROP_OLDEST, "drop_oldest")
typedef enum dk_when_full {
#define DK__WHEN_FULL_ENUM(id, name) DK_WHEN_FULL_##id,
    DK_WHEN_FULL(DK__WHEN_FULL_ENUM)
#undef DK__WHEN_FULL_ENUM
        DK_WHEN_FULL__COUNT
} dk_when_full;
/* The names as scripts write them, NULL-terminated (a kind's enum choices). */
extern const char *const dk_when_full_names[];
/* 1 and *out set when `name` is one of dk_when_full_names. */
int dk_when_full_parse(const char *name, dk_when_full *out);

typedef struct dk_queue_config {
    uint32_t consumers; /* > 0 */
    uint64_t capacity;  /* messages waiting at most; 0 = unbounded */
    dk_when_full when_full;
    const dk_dist_t *enqueue; /* the producer's wait, ns (NULL = 0); cloned */
    const dk_dist_t *service; /* a consumer's time per message, ns (NULL = 0); cloned */
} dk_queue_config;
/* Adds a queue actor. NULL with `err` naming it on a bad configuration or out-of-memory. */
dk_actor_t *dk_sim_add_queue(dk_sim_t *sim, const char *name, const dk_queue_config *cfg,
                             dk_error *err);
/* Routes the messages of class `cls` (UINT32_MAX: the default) to `flow`, as dk_station_route
 * does for a station: the queue owns `flow` from here on, also on failure. DK_EINVAL when
 * `queue` is not a queue, DK_ESTATE once the run has started, DK_ENOMEM. */
dk_status dk_queue_route(dk_actor_t *queue, uint32_t cls, dk_flow flow, dk_error *err);

/* A topic: a publish is answered after `publish`; each subscriber has its own queue (a
 * subscription, an actor of kind "subscription" named "<topic>/<subscriber>", configured by
 * `each`), whose consumers deliver a copy to the subscriber over the topic's link and wait for
 * its answer, so a slow subscriber backs up only its own queue. A publish a full subscription
 * refuses (reject) is answered REJECTED, the other subscribers still getting their copies;
 * with block it is answered once every subscription has taken its copy. */
typedef struct dk_topic_config {
    const dk_dist_t *publish; /* the publisher's wait, ns (NULL = 0); cloned */
    dk_queue_config each;     /* every subscription's; each.enqueue is not used */
} dk_topic_config;
dk_actor_t *dk_sim_add_topic(dk_sim_t *sim, const char *name, const dk_topic_config *cfg,
                             dk_error *err);
/* Subscribes `subscriber`, which the topic must link to (dk_sim_link), before the run: adds its
 * subscription actor. DK_EINVAL (not a topic, no such link), DK_EEXIST (the subscription's name
 * is taken), DK_ESTATE (the run started), DK_ENOMEM. */
dk_status dk_topic_subscribe(dk_actor_t *topic, dk_actor_t *subscriber, dk_error *err);

/* The message books of a queue or a subscription (NULL for any other actor). Messages waiting
 * and the consumers busy are the actor's stats.queued and stats.busy. */
typedef struct dk_queue_stats {
    uint64_t admitted; /* messages that got into the queue */
    uint64_t consumed; /* handled to the end: the flow answered OK, or the subscriber did */
    uint64_t failed;   /* handled, but the flow failed (or the subscriber did not answer OK) */
    uint64_t dropped;  /* dropped to make room (drop_oldest) */
    uint64_t blocked;  /* producers waiting for room now (block) */
    uint32_t max_depth;
    dk_hist_t *age; /* ns from getting in to a consumer taking it */
} dk_queue_stats;
const dk_queue_stats *dk_queue_stats_of(const dk_actor_t *a);

#ifdef __cplusplus
}
#endif
#endif

/* model.h - the architecture model: components, links, groups and their validated properties. */
#ifndef DESIGNKIT_MODEL_H
#define DESIGNKIT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The model knows nothing of Lua, Graphviz or JSON: the bindings, the exporters and the
 * simulator's builder all read it through this header. Names are unique per model among
 * components and among groups. Every property is validated when set, and a failure names the
 * component and the field:  cache "redis": capacity must be a positive integer (got -5) */

/* ---- property schema ---- */

/* The property types, one list: X(enum suffix, name, meaning). */
#define DK_PROP_TYPES(X)                                                                           \
    X(INT, "int", "whole number in [min, max]")                                                    \
    X(NUMBER, "number", "real number in [min, max]")                                               \
    X(DURATION, "duration", "nanoseconds; text like \"2ms\"")                                      \
    X(SIZE, "size", "bytes; text like \"64KiB\"")                                                  \
    X(RATE, "rate", "per second; text like \"1k/s\"")                                              \
    X(FRACTION, "fraction", "0..1; text like \"99.9%\"")                                           \
    X(ENUM, "enum", "one of `choices`")                                                            \
    X(DIST, "distribution", "a distribution (of durations in ns for times, of keys for keys)")     \
    X(MIX, "mix", "request classes with weights")

typedef enum dk_prop_type {
#define DK__PROP_ENUM(id, name, doc) DK_PROP_##id,
    DK_PROP_TYPES(DK__PROP_ENUM)
#undef DK__PROP_ENUM
        DK_PROP__COUNT
} dk_prop_type;

const char *dk_prop_type_name(dk_prop_type type); /* "int", "distribution", ...; "?" if none */

/* dk_prop_info.flags */
#define DK_PROP_F_POSITIVE 0x1u  /* the value must also be > min (a rate of 0 means nothing) */
#define DK_PROP_F_DURATIONS 0x2u /* DK_PROP_DIST: values are durations in ns ("2ms" as text) */
#define DK_PROP_F_SIZES 0x4u     /* DK_PROP_DIST: values are sizes in bytes ("4KiB" as text) */

typedef struct dk_prop_info {
    const char *name;
    dk_prop_type type;
    double min, max;            /* numeric types; DK_PROP_DIST: bounds of a constant */
    const char *const *choices; /* DK_PROP_ENUM: NULL-terminated */
    const char *doc;            /* one line for references and error hints */
    double def;           /* the default in base units; DIST: its constant; ENUM: choice index */
    const char *def_text; /* the default as a user writes it ("1ms", "poisson"), for references */
    unsigned flags;       /* DK_PROP_F_* */
} dk_prop_info;

/* ---- component kinds ----
 * A kind is described once, by a descriptor. The model reads the part below: its name, its
 * property schema, its traits and how it is drawn. The layer above (core/kinds) embeds this in
 * a fuller descriptor with the simulator's factory and lists every kind in its registry; the
 * model never names a kind itself, it asks the descriptor. */

/* dk_kind.traits: what the rules, the builder and the bindings may rely on. */
#define DK_TRAIT_ENTRY 0x01u    /* sends requests of its own (a client): nothing links into it */
#define DK_TRAIT_ROUTES 0x02u   /* serves request classes through routes and handlers */
#define DK_TRAIT_ASYNC 0x04u    /* a call into it ends there: it breaks a synchronous wait */
#define DK_TRAIT_STATEFUL 0x08u /* keeps data (caches, databases) */
#define DK_TRAIT_BALANCER 0x10u /* spreads calls over its links: wants two or more */
#define DK_TRAIT_LOOKUP 0x20u   /* answers get, set and invalidate (a cache) */
#define DK_TRAIT_STORE 0x40u    /* answers read and write as the system of record (a database) */
#define DK_TRAIT_LINK 0x80u     /* not a component: the schema of the links' options (below) */

typedef struct dk_comp dk_comp_t;

typedef struct dk_kind {
    const char *name;          /* as scripts write it: m:<name> "x" { ... } */
    const char *doc;           /* one line for references */
    const dk_prop_info *props; /* the schema, in documentation order; ids index it */
    size_t nprops;
    unsigned traits;   /* DK_TRAIT_* */
    int replicas_prop; /* id of the instance count, or -1: a single instance can fail */
    /* Drawing: a Graphviz shape name, an extra style ("rounded"; NULL: none), and the third
     * label line, what a reader most wants to know at a glance (NULL: none). */
    const char *shape;
    const char *style;
    void (*detail)(const dk_comp_t *c, char *buf, size_t size);
    /* The values that cannot go together, one property against another (each value alone is
     * checked by the schema when it is set): DK_EINVAL with `err` naming the component and the
     * fields, DK_ENOMEM when memory ran out. dk_model_validate reports a failure as an error
     * of the rule "options", so `designkit check` finds what the builder would refuse. NULL:
     * every value stands alone. */
    dk_status (*check)(const dk_comp_t *c, dk_error *err);
} dk_kind;

/* Finds a kind by name for readers of the model (the JSON reader): supplied by the layer that
 * holds the registry (dk_kinds_find in designkit/kinds.h). NULL with `err` listing the known
 * kinds when there is none. */
typedef const dk_kind *(*dk_kind_lookup)(const char *name, dk_error *err);

const char *dk_kind_name(const dk_kind *kind);         /* "unknown" for NULL */
int dk_kind_has(const dk_kind *kind, unsigned traits); /* 1 if it has every one of `traits` */
/* The property id of `name` in the schema of `kind`, or -1. */
int dk_kind_prop_id(const dk_kind *kind, const char *name);
const dk_prop_info *dk_kind_prop(const dk_kind *kind, const char *name); /* NULL if none */
/* "capacity, policy, ttl" for messages, written into `buf` (returned). */
const char *dk_kind_prop_list(const dk_kind *kind, char *buf, size_t size);

/* ---- the model ---- */

typedef struct dk_model dk_model_t;
typedef struct dk_group dk_group_t;

/* Names: what every name a user gives may hold (core/model/name.c), checked by every adder below
 * and by the readers before they call them. A name is 1 to 64 bytes of UTF-8 without control
 * characters (nor NUL) and without U+FFFE/U+FFFF; any other character is allowed and escaped by
 * each output. `len` is the length as received, so a NUL inside is seen. DK_EINVAL with
 * `what` ("service name"), the name escaped and the bad character's byte position named. */
dk_status dk_name_check(const char *what, const char *name, size_t len, dk_error *err);
/* Writes `name` (len bytes, any bytes) into `buf` quoted for a message: \" \\ escaped, bytes
 * that are not printable UTF-8 as \xNN, cut after 32 bytes with "...". Returns `buf`. */
const char *dk_name_quote(const char *name, size_t len, char *buf, size_t size);

dk_model_t *dk_model_new(const char *name, dk_error *err); /* caller frees with dk_model_free */
void dk_model_free(dk_model_t *m);
const char *dk_model_name(const dk_model_t *m);

/* Groups nest (region > zone > cluster, though any nesting is allowed). `kind` is one of
 * "region", "zone", "cluster", "group". parent NULL puts it at the top. */
dk_group_t *dk_model_add_group(dk_model_t *m, dk_group_t *parent, const char *name,
                               const char *kind, dk_error *err);
size_t dk_model_group_count(const dk_model_t *m);
dk_group_t *dk_model_group(const dk_model_t *m, size_t i); /* creation order */
dk_group_t *dk_model_find_group(const dk_model_t *m, const char *name);
const char *dk_group_name(const dk_group_t *g);
const char *dk_group_kind(const dk_group_t *g);
dk_group_t *dk_group_parent(const dk_group_t *g);

/* Adds a component of `kind` named `name` into `group` (NULL: top level) with every property at
 * its default. DK_EEXIST if the name is taken. */
dk_comp_t *dk_model_add(dk_model_t *m, dk_group_t *group, const dk_kind *kind, const char *name,
                        dk_error *err);
size_t dk_model_comp_count(const dk_model_t *m);
dk_comp_t *dk_model_comp(const dk_model_t *m, size_t i); /* creation order */
dk_comp_t *dk_model_find(const dk_model_t *m, const char *name);
const char *dk_comp_name(const dk_comp_t *c);
const dk_kind *dk_comp_kind(const dk_comp_t *c);
dk_group_t *dk_comp_group(const dk_comp_t *c);
size_t dk_comp_index(const dk_comp_t *c);

/* Links: `from` calls `to`. A link may carry a one-way latency distribution (ns; NULL: none;
 * cloned). Linking the same pair twice is DK_EEXIST; linking a component to itself, or into a
 * client, is DK_EINVAL. */
dk_status dk_model_link(dk_model_t *m, dk_comp_t *from, dk_comp_t *to, const dk_dist_t *latency,
                        dk_error *err);
/* Undoes the most recent dk_model_link, its latency, options and async flag with it: for a
 * caller whose further set-up of that link failed, so that a failed statement leaves the model
 * as it was. A model with no links is left alone. */
void dk_model_unlink_last(dk_model_t *m);
size_t dk_model_link_count(const dk_model_t *m);
void dk_model_link_at(const dk_model_t *m, size_t i, dk_comp_t **from, dk_comp_t **to,
                      const dk_dist_t **latency);
size_t dk_comp_out_count(const dk_comp_t *c);
dk_comp_t *dk_comp_out(const dk_comp_t *c, size_t i); /* link order */

/* An asynchronous link: a call along it does not wait for its reply (the caller goes on at
 * once, and the reply, when it comes, is dropped), as a message sent to a queue or an event
 * published. Drawn dashed. DK_ENOTFOUND when `from` does not link to `to`. */
dk_status dk_model_link_set_async(dk_model_t *m, const dk_comp_t *from, const dk_comp_t *to,
                                  int async, dk_error *err);
int dk_model_link_is_async(const dk_model_t *m, size_t i); /* link i, creation order */

/* ---- link options ----
 * What a link carries besides its latency: a weight and a distance for the balancer algorithms
 * that read them, and resilience (retries, a timeout, a circuit breaker, a bulkhead) on the calls
 * along it. One table describes them (core/kinds/link.c, a kind-shaped schema with the trait
 * DK_TRAIT_LINK, which dk_kinds_find answers for "link"); its resilience part is the guard kind's
 * own property table, so both read the same names, defaults and checks. The options of a link
 * are held as a component of that schema that belongs to no list of the model: every dk_comp_*
 * property function applies to it, and its messages read `link "lb" >> "api": ...`. */
typedef enum dk_link_option {
    DK_LINK_WEIGHT,   /* balancing: the share of the weighted algorithms */
    DK_LINK_DISTANCE, /* balancing: geo's order of preference */
    DK_LINK_TIMEOUT,  /* from here on, the guard kind's properties in its order */
    DK_LINK_ATTEMPTS,
    DK_LINK_BACKOFF,
    DK_LINK_BASE,
    DK_LINK_CAP,
    DK_LINK_JITTER,
    DK_LINK_BUDGET,
    DK_LINK_BUDGET_MIN,
    DK_LINK_BREAKER_WINDOW,
    DK_LINK_FAILURE_RATE,
    DK_LINK_BREAKER_WAIT,
    DK_LINK_HALF_OPEN,
    DK_LINK_MIN_CALLS,
    DK_LINK_BULKHEAD_MAX,
    DK_LINK_BULKHEAD_QUEUE,
    DK_LINK_BULKHEAD_WAIT,
    DK_LINK__COUNT
} dk_link_option;
#define DK_LINK__GUARD_FIRST DK_LINK_TIMEOUT /* the guard kind's props start here */

/* Scripts and JSON write the resilience options in groups, as the guard's names suggest:
 * retry = { attempts = 4, base = "100ms" }, breaker = { window = 20 }, bulkhead = { max = 50 }.
 * The group of option `id`: "retry", "breaker", "bulkhead", or NULL for a top-level one
 * (weight, distance, timeout). */
const char *dk_link_option_group(int id);
/* Option `id`'s name within its group: its schema name without the group's prefix ("window" for
 * breaker_window, "attempts" for attempts); borrowed from `schema`. */
const char *dk_link_option_key(const dk_kind *schema, int id);
/* The id of `key` within `group` (NULL: the top level), or -1. */
int dk_link_option_find(const dk_kind *schema, const char *group, const char *key);

/* The options of link i (creation order) to set, made with every option at its default on the
 * first call: `schema` must have DK_TRAIT_LINK (the same one on every call). NULL with `err` for
 * an index out of range, a wrong schema, or out of memory. Owned by the model. */
dk_comp_t *dk_model_link_options(dk_model_t *m, size_t i, const dk_kind *schema, dk_error *err);
/* The options of link i to read, or NULL when none was ever set (every one at its default). */
const dk_comp_t *dk_model_link_options_at(const dk_model_t *m, size_t i);

/* ---- properties ----
 * Setters check the type and range and name the component and field on failure. Number setters
 * take the value in base units (ns, bytes, per second, fraction). Text setters parse units
 * ("2ms", "64KiB", "1k/s", "99.9%", an enum choice). An unknown property name is DK_ENOTFOUND
 * with the list of valid ones. */
dk_status dk_comp_set_number(dk_comp_t *c, const char *prop, double value, dk_error *err);
dk_status dk_comp_set_text(dk_comp_t *c, const char *prop, const char *text, dk_error *err);
/* Takes ownership of `d` (also on failure). */
dk_status dk_comp_set_dist(dk_comp_t *c, const char *prop, dk_dist_t *d, dk_error *err);
/* Class names and weights (> 0), copied. */
dk_status dk_comp_set_mix(dk_comp_t *c, const char *prop, const char *const *classes,
                          const double *weights, size_t n, dk_error *err);

/* Getters read by property id: the index in the kind's schema, which each kind file names
 * (enum { CLIENT_RATE, CLIENT_ARRIVALS, ... }); a name from a user becomes an id once, through
 * dk_kind_prop_id. An id outside the schema, or of the wrong type, is a programming error caught
 * by DK_ASSERT, never a silent NaN. */
int dk_comp_is_set(const dk_comp_t *c, int prop);            /* 1 if set explicitly */
double dk_comp_number(const dk_comp_t *c, int prop);         /* default if unset; DIST: mean */
const char *dk_comp_text(const dk_comp_t *c, int prop);      /* ENUM's choice; borrowed */
const dk_dist_t *dk_comp_dist(const dk_comp_t *c, int prop); /* default if unset */
size_t dk_comp_mix_count(const dk_comp_t *c, int prop);
void dk_comp_mix_at(const dk_comp_t *c, int prop, size_t i, const char **cls, double *weight);
/* A whole-number property as a count: a value above UINT32_MAX saturates. */
uint32_t dk_comp_count(const dk_comp_t *c, int prop);

/* ---- routes: what a service does for a request class ---- */

/* The route kinds, one list: X(enum suffix, name as written). cache_aside: targets[0] the
 * cache, targets[1] the database; call: each target in order; custom: a flow given by the
 * caller (a Lua handler), which cannot be exported. */
#define DK_ROUTE_KINDS(X) X(CACHE_ASIDE, "cache_aside") X(CALL, "call") X(CUSTOM, "custom")

typedef enum dk_route_kind {
#define DK__ROUTE_ENUM(id, name) DK_ROUTE_##id,
    DK_ROUTE_KINDS(DK__ROUTE_ENUM)
#undef DK__ROUTE_ENUM
        DK_ROUTE__COUNT
} dk_route_kind;

const char *dk_route_kind_name(dk_route_kind kind); /* "cache_aside"; "unknown" if out of range */
/* 1 and *kind set when `name` is a route kind's name (custom included); 0 otherwise. */
int dk_route_kind_parse(const char *name, dk_route_kind *kind);

typedef struct dk_route {
    const char *cls; /* request class; "*" is the default for classes without a route */
    dk_route_kind kind;
    dk_comp_t *targets[4];
    size_t ntargets;
    const char *label;             /* custom: what it is, for reports ("Lua handler at x.lua:12") */
    const struct dk_flow_ops *ops; /* custom: the flow's ops (designkit/sim.h) ... */
    void *data;                    /* ... and data, owned by the caller, not the model */
} dk_route;

/* Adds or replaces the route for r->cls on a service (copies r; strings copied). Built-in routes
 * check their targets (cache_aside needs a cache and a database). */
dk_status dk_comp_set_route(dk_comp_t *service, const dk_route *r, dk_error *err);
size_t dk_comp_route_count(const dk_comp_t *c);
const dk_route *dk_comp_route(const dk_comp_t *c, size_t i);

/* Every request class named by a client's mix, in first-seen order (client order, then mix
 * order). */
size_t dk_model_class_count(const dk_model_t *m);
const char *dk_model_class(const dk_model_t *m, size_t i);

/* ---- routing by class (core/model/class_routing.c) ----
 * Clients and balancers send a request of class c only to the components that take c. A
 * component with routes (a service, a queue) takes the classes it has a route or handler for,
 * and every class once it has a "*" route; one without any route (a database, a cache, a
 * service that calls each of its links) takes every class; a balancer takes c when one of its
 * backends does, through balancers behind balancers, cycles included; a client takes nothing.
 * The answers are worked out once for the model as it stands, in time linear in its components,
 * links and routes, and read in O(1); after a change to the model, make them again. The one
 * definition that `designkit check` (rule "unrouted-class") and the simulator's builder share. */
typedef struct dk_class_routing dk_class_routing_t;
/* Caller frees with dk_class_routing_free (NULL is a no-op). NULL with *status DK_EINVAL (no
 * model) or DK_ENOMEM; `status` may be NULL. */
dk_class_routing_t *dk_class_routing_new(const dk_model_t *m, dk_status *status);
void dk_class_routing_free(dk_class_routing_t *r);
/* The index of class `name` in dk_model_class order, or SIZE_MAX when no client sends it. */
size_t dk_class_routing_find(const dk_class_routing_t *r, const char *name);
/* 1 when component `c` takes every class. */
int dk_class_routing_takes_all(const dk_class_routing_t *r, const dk_comp_t *c);
/* 1 when `c` takes class `cls` (a dk_model_class index; past them only the components that
 * take every class do). */
int dk_class_routing_takes(const dk_class_routing_t *r, const dk_comp_t *c, size_t cls);
/* The classes `c` takes one by one (those it has a route for, or a backend has), in no set
 * order, *n of them; empty for a component that takes every class. Borrowed from `r`. */
const size_t *dk_class_routing_classes(const dk_class_routing_t *r, const dk_comp_t *c, size_t *n);

/* ---- expectations (the design's own SLOs) ---- */

/* How an expectation's limit reads: a latency in ns that the figure must stay at or under, a
 * figure that must reach at least the limit, or one that must stay at most at it. */
typedef enum dk_expect_sense {
    DK_EXPECT_LATENCY,
    DK_EXPECT_AT_LEAST,
    DK_EXPECT_AT_MOST
} dk_expect_sense;

/* The metrics an expectation may name, one list: X(enum suffix, name, sense, percentile).
 * Latencies are end to end (percentile 0: the mean); availability is completed over answered;
 * throughput completed per second; utilisation the highest of any station. */
#define DK_EXPECT_METRICS(X)                                                                       \
    X(P50, "p50", DK_EXPECT_LATENCY, 50)                                                           \
    X(P90, "p90", DK_EXPECT_LATENCY, 90)                                                           \
    X(P99, "p99", DK_EXPECT_LATENCY, 99)                                                           \
    X(P999, "p999", DK_EXPECT_LATENCY, 99.9)                                                       \
    X(MEAN, "mean", DK_EXPECT_LATENCY, 0)                                                          \
    X(AVAILABILITY, "availability", DK_EXPECT_AT_LEAST, 0)                                         \
    X(THROUGHPUT, "throughput", DK_EXPECT_AT_LEAST, 0)                                             \
    X(UTILISATION, "utilisation", DK_EXPECT_AT_MOST, 0)

typedef enum dk_expect_metric {
#define DK__EXPECT_ENUM(id, name, sense, pct) DK_EXPECT_##id,
    DK_EXPECT_METRICS(DK__EXPECT_ENUM)
#undef DK__EXPECT_ENUM
        DK_EXPECT__COUNT
} dk_expect_metric;

const char *dk_expect_metric_name(dk_expect_metric m); /* "p99"; "unknown" out of range */
dk_expect_sense dk_expect_metric_sense(dk_expect_metric m);
double dk_expect_metric_percentile(dk_expect_metric m); /* latencies: 50, 99, ...; mean: 0 */
/* 1 and *m set when `name` is an expectation metric; 0 otherwise. */
int dk_expect_metric_parse(const char *name, dk_expect_metric *m);
/* "p50, p90, p99, p999, mean, availability, throughput, utilisation" into `buf` (returned). */
const char *dk_expect_metric_list(char *buf, size_t size);

typedef struct dk_expect {
    const char *metric; /* one of DK_EXPECT_METRICS by name (dk_expect_metric_parse gives the
                           id); dk_model_expect_at gives the model's static copy */
    const char *cls;    /* request class, or NULL for all classes together */
    double limit;       /* latencies in ns; fractions 0..1; throughput per second */
} dk_expect;
dk_status dk_model_expect(dk_model_t *m, const dk_expect *e, dk_error *err); /* copied */
size_t dk_model_expect_count(const dk_model_t *m);
const dk_expect *dk_model_expect_at(const dk_model_t *m, size_t i);

/* ---- validation ---- */

typedef enum dk_severity { DK_SEV_INFO, DK_SEV_WARNING, DK_SEV_ERROR } dk_severity;
const char *dk_severity_name(dk_severity s); /* "info", "warning", "error" */

typedef struct dk_finding {
    dk_severity severity;
    const char *rule;      /* static id: "no-client", "unreachable", "no-route", "spof",
                              "sync-cycle", "single-backend", "unrouted-class", "options" */
    const char *component; /* borrowed from the model; NULL for model-wide findings */
    char message[256];
    char hint[256];
} dk_finding;

typedef struct dk_findings dk_findings_t;
/* Runs every rule; findings sorted by severity (errors first), then component order. The result
 * borrows component names from `m`: free it before the model. NULL only on out-of-memory. */
dk_findings_t *dk_model_validate(const dk_model_t *m, dk_status *status);
size_t dk_findings_count(const dk_findings_t *f);
const dk_finding *dk_findings_at(const dk_findings_t *f, size_t i);
size_t dk_findings_errors(const dk_findings_t *f);
void dk_findings_free(dk_findings_t *f);

#ifdef __cplusplus
}
#endif
#endif

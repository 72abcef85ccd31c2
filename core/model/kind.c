/* kind.c - the component kinds and the schema of their properties (names, types, ranges). */
#include "designkit/model.h"

#include <string.h>

#include "model/internal.h"

/* Upper bound for open-ended durations: about 31 years in ns, far beyond any simulated run. */
#define FOREVER_NS 1e18

static const char *const kind_names[DK_KIND__COUNT] = {"client", "balancer", "service",
                                                       "cache",  "database", "queue"};

static const char *const arrivals_choices[] = {"poisson", "constant", NULL};
static const char *const algorithm_choices[] = {"round_robin", "random", "least_connections", NULL};
static const char *const policy_choices[] = {"lru", NULL};
static const char *const replication_choices[] = {"none", "async", "sync", NULL};

/* Field order: name, type, min, max, choices, doc, def, def_text, flags. */
static const dk_prop_info client_props[] = {
    {"rate", DK_PROP_RATE, 0, 1e12, NULL, "requests sent per second", 100, "100/s",
     DK_PROP_F_POSITIVE},
    {"arrivals", DK_PROP_ENUM, 0, 0, arrivals_choices,
     "how requests are spaced: poisson (random) or constant", 0, "poisson", 0},
    {"mix", DK_PROP_MIX, 0, 0, NULL, "request classes with their weights", 0, "request", 0},
    {"keys", DK_PROP_DIST, 0, FOREVER_NS, NULL, "the distribution of the keys requested", 1, "1",
     0},
};

static const dk_prop_info balancer_props[] = {
    {"algorithm", DK_PROP_ENUM, 0, 0, algorithm_choices, "how a backend is chosen for a request", 0,
     "round_robin", 0},
    {"replicas", DK_PROP_INT, 1, 10000, NULL, "balancer instances", 1, "1", 0},
};

static const dk_prop_info service_props[] = {
    {"replicas", DK_PROP_INT, 1, 100000, NULL, "service instances", 1, "1", 0},
    {"workers", DK_PROP_INT, 1, 1e6, NULL, "requests served at once by each replica", 1, "1", 0},
    {"time", DK_PROP_DIST, 0, FOREVER_NS, NULL, "time to serve one request", 1e6, "1ms",
     DK_PROP_F_DURATIONS},
    {"queue", DK_PROP_INT, 0, 1e9, NULL, "waiting requests allowed (0 = unbounded)", 0, "0", 0},
};

static const dk_prop_info cache_props[] = {
    {"capacity", DK_PROP_INT, 1, 1e12, NULL, "entries held", 10000, "10000", 0},
    {"policy", DK_PROP_ENUM, 0, 0, policy_choices, "what is evicted when full", 0, "lru", 0},
    {"ttl", DK_PROP_DURATION, 0, FOREVER_NS, NULL, "how long an entry lives (0 = forever)", 0, "0s",
     0},
    {"time", DK_PROP_DIST, 0, FOREVER_NS, NULL, "time to serve one lookup", 2e5, "200us",
     DK_PROP_F_DURATIONS},
    {"replicas", DK_PROP_INT, 1, 100000, NULL, "cache instances", 1, "1", 0},
    {"workers", DK_PROP_INT, 0, 1e6, NULL, "lookups served at once by each replica (0 = no limit)",
     0, "0", 0},
};

static const dk_prop_info database_props[] = {
    {"replicas", DK_PROP_INT, 1, 100000, NULL, "database instances (a primary and its replicas)", 1,
     "1", 0},
    {"replication", DK_PROP_ENUM, 0, 0, replication_choices,
     "how writes reach the replicas (drawn and exported; not simulated yet)", 1, "async", 0},
    {"lag", DK_PROP_DIST, 0, FOREVER_NS, NULL,
     "replication delay of an async replica (not simulated yet)", 0, "0s", DK_PROP_F_DURATIONS},
    {"workers", DK_PROP_INT, 0, 1e6, NULL, "queries served at once by each replica (0 = no limit)",
     16, "16", 0},
    {"time", DK_PROP_DIST, 0, FOREVER_NS, NULL, "time to serve one query", 5e6, "5ms",
     DK_PROP_F_DURATIONS},
    {"queue", DK_PROP_INT, 0, 1e9, NULL, "waiting queries allowed (0 = unbounded)", 0, "0", 0},
};

static const dk_prop_info queue_props[] = {
    {"capacity", DK_PROP_INT, 0, 1e12, NULL, "messages held (0 = unbounded)", 0, "0", 0},
    {"consumers", DK_PROP_INT, 1, 1e6, NULL, "messages handled at once", 1, "1", 0},
    {"time", DK_PROP_DIST, 0, FOREVER_NS, NULL, "time to handle one message", 1e6, "1ms",
     DK_PROP_F_DURATIONS},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const dk_prop_info *props;
    size_t count;
    const char *list; /* the names joined, for messages; a test checks it against props */
} schema[DK_KIND__COUNT] = {
    {client_props, COUNT(client_props), "rate, arrivals, mix, keys"},
    {balancer_props, COUNT(balancer_props), "algorithm, replicas"},
    {service_props, COUNT(service_props), "replicas, workers, time, queue"},
    {cache_props, COUNT(cache_props), "capacity, policy, ttl, time, replicas, workers"},
    {database_props, COUNT(database_props), "replicas, replication, lag, workers, time, queue"},
    {queue_props, COUNT(queue_props), "capacity, consumers, time"},
};

static int valid_kind(dk_kind kind)
{
    return (int)kind >= 0 && kind < DK_KIND__COUNT;
}

/*
 * dk_kind_name - the kind as scripts write it; "unknown" for a value outside the enum, so a
 * message built from a corrupted kind still prints.
 */
const char *dk_kind_name(dk_kind kind)
{
    return valid_kind(kind) ? kind_names[kind] : "unknown";
}

/*
 * dk_kind_parse - the kind named `name` (exact, lower case). DK_EINVAL for NULL, DK_ENOTFOUND
 * with the valid kinds listed otherwise; `*kind` is untouched on failure.
 */
dk_status dk_kind_parse(const char *name, dk_kind *kind, dk_error *err)
{
    if (name == NULL || kind == NULL)
        return dk_error_set(err, DK_EINVAL, "component kind missing");
    for (int k = 0; k < DK_KIND__COUNT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (dk_kind)k;
            return DK_OK;
        }
    }
    return dk_error_set(err, DK_ENOTFOUND,
                        "unknown component kind \"%.64s\" (use client, balancer, service, "
                        "cache, database, queue)",
                        name);
}

/*
 * dk_kind_props - the static schema of `kind` in documentation order; NULL with *count 0 for
 * an invalid kind. `count` may be NULL.
 */
const dk_prop_info *dk_kind_props(dk_kind kind, size_t *count)
{
    if (!valid_kind(kind)) {
        if (count != NULL)
            *count = 0;
        return NULL;
    }
    if (count != NULL)
        *count = schema[kind].count;
    return schema[kind].props;
}

int dk__prop_index(dk_kind kind, const char *name)
{
    if (!valid_kind(kind) || name == NULL)
        return -1;
    for (size_t i = 0; i < schema[kind].count; i++)
        if (strcmp(schema[kind].props[i].name, name) == 0)
            return (int)i;
    return -1;
}

/*
 * dk_kind_prop - the schema entry of property `name` of `kind`, or NULL when it has none.
 */
const dk_prop_info *dk_kind_prop(dk_kind kind, const char *name)
{
    int i = dk__prop_index(kind, name);
    return i < 0 ? NULL : &schema[kind].props[i];
}

/*
 * dk_kind_prop_list - the property names of `kind` joined with ", " (static text), for the
 * "unknown option" message; "" for an invalid kind.
 */
const char *dk_kind_prop_list(dk_kind kind)
{
    return valid_kind(kind) ? schema[kind].list : "";
}

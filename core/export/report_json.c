/* report_json.c - a finished run's results as JSON (docs/json-schemas.md, "report"). */
#include "designkit/report.h"

#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/hist.h"
#include "designkit/replicas.h"
#include "export/json_util.h"

/* [lo, hi] of an interval, or null when it has no width to give (fewer than two values). */
static int add_interval(cJSON *o, const char *key, const dk_interval *ci)
{
    if (ci == NULL || isnan(ci->half))
        return cJSON_AddNullToObject(o, key) != NULL;
    double pair[2] = {ci->mean - ci->half, ci->mean + ci->half};
    cJSON *a = cJSON_CreateDoubleArray(pair, 2);
    return dk__json_attach(o, key, a);
}

/* The latency summary of a histogram, or JSON null when nothing was recorded: a 0 ns p99 for a
 * component that served nothing would read as a very fast component. A class's summary also
 * gives the batch-means interval of its mean (`ci`; NULL for a component). */
static cJSON *latency_json(const dk_hist_t *h, const dk_interval *ci)
{
    if (h == NULL || dk_hist_count(h) == 0)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !dk__json_add_u64(o, "count", dk_hist_count(h)) ||
        cJSON_AddNumberToObject(o, "mean_ns", dk_hist_mean(h)) == NULL ||
        cJSON_AddNumberToObject(o, "p50_ns", (double)dk_hist_percentile(h, 50)) == NULL ||
        cJSON_AddNumberToObject(o, "p90_ns", (double)dk_hist_percentile(h, 90)) == NULL ||
        cJSON_AddNumberToObject(o, "p99_ns", (double)dk_hist_percentile(h, 99)) == NULL ||
        cJSON_AddNumberToObject(o, "p999_ns", (double)dk_hist_percentile(h, 99.9)) == NULL ||
        cJSON_AddNumberToObject(o, "max_ns", (double)dk_hist_max(h)) == NULL ||
        (ci != NULL && !add_interval(o, "mean_ci95_ns", ci))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Adds `value`, or null when `defined` is 0 (a ratio with nothing to divide). */
static int add_ratio(cJSON *o, const char *key, int defined, double value)
{
    if (defined)
        return cJSON_AddNumberToObject(o, key, value) != NULL;
    return cJSON_AddNullToObject(o, key) != NULL;
}

/* A guard's resilience counts (docs/json-schemas.md, "resilience"), and its breaker's state
 * when it has one. */
static cJSON *resilience_json(const dk_actor_t *a)
{
    const char *state = NULL;
    const dk_guard_stats *g = dk_guard_stats_of(a, &state);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !dk__json_add_u64(o, "attempts", g->attempts) ||
        !dk__json_add_u64(o, "retries", g->retries) ||
        !dk__json_add_u64(o, "short_circuited", g->short_circuited) ||
        !dk__json_add_u64(o, "timeouts", g->timeouts) || !dk__json_add_u64(o, "late", g->late) ||
        !dk__json_add_u64(o, "breaker_changes", g->breaker_changes) ||
        !dk__json_add_u64(o, "bulkhead_rejected", g->bulkhead_rejected) ||
        (state != NULL ? cJSON_AddStringToObject(o, "breaker", state)
                       : cJSON_AddNullToObject(o, "breaker")) == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A balancer's health checks, one object per backend (docs/json-schemas.md, "health"):
 * probes sent, failed, restarts ordered, seconds judged unhealthy, the verdict at the end. */
static cJSON *health_json(const dk_actor_t *a)
{
    dk_balancer_backend_health h;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr != NULL && dk_balancer_health_of(a, i, &h) == DK_OK; i++) {
        cJSON *o = cJSON_CreateObject();
        if (o != NULL && !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            o = NULL;
        }
        if (o == NULL || cJSON_AddStringToObject(o, "backend", h.backend) == NULL ||
            !dk__json_add_u64(o, "probes", h.probes) ||
            !dk__json_add_u64(o, "failures", h.failures) ||
            !dk__json_add_u64(o, "restarts", h.restarts) ||
            cJSON_AddNumberToObject(o, "unhealthy", h.unhealthy) == NULL ||
            cJSON_AddBoolToObject(o, "healthy", h.healthy) == NULL) {
            cJSON_Delete(arr); /* and every object in it */
            return NULL;
        }
    }
    return arr;
}

/* A queue's or a subscription's message books (docs/json-schemas.md, "messages"): exact
 * counts, and the age of a message when a consumer took it as a latency object. */
static cJSON *messages_json(const dk_actor_t *a)
{
    const dk_queue_stats *q = dk_queue_stats_of(a);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !dk__json_add_u64(o, "admitted", q->admitted) ||
        !dk__json_add_u64(o, "consumed", q->consumed) ||
        !dk__json_add_u64(o, "failed", q->failed) || !dk__json_add_u64(o, "dropped", q->dropped) ||
        !dk__json_add_u64(o, "blocked", q->blocked) ||
        !dk__json_add_u64(o, "backlog", dk_actor_get_stats(a)->queued) ||
        !dk__json_add_u64(o, "max_depth", q->max_depth) ||
        !dk__json_attach(o, "age", latency_json(q->age, NULL))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* A cache counted in bytes (docs/json-schemas.md, "bytes"): its capacity and the bytes it held
 * at the end and at most, and the objects too big to hold. */
static cJSON *bytes_json(const dk_cache_byte_stats *b)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !dk__json_add_u64(o, "capacity", b->capacity) ||
        !dk__json_add_u64(o, "used", b->used) || !dk__json_add_u64(o, "peak", b->peak) ||
        !dk__json_add_u64(o, "too_big", b->too_big)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* An actor's figures come from dk_actor_metrics, as the Lua result's and the drawing's do;
 * throughput and mean queue are always written, utilisation and hit ratio as null when not
 * defined for this actor (a schema field that comes and goes would be harder to read). */
static cJSON *component_json(const dk_actor_t *a, dk_time_t end)
{
    const dk_actor_stats *s = dk_actor_get_stats(a);
    dk_metrics mx;
    double util, held, hits;
    int has_util, has_held, has_hits;
    cJSON *o = cJSON_CreateObject();

    dk_actor_metrics(a, end, &mx);
    has_util = dk_metrics_get(&mx, DK_METRIC_UTILISATION, &util);
    has_held = dk_metrics_get(&mx, DK_METRIC_HELD, &held);
    has_hits = dk_metrics_get(&mx, DK_METRIC_HIT_RATIO, &hits);
    dk_balancer_backend_health first;
    int has_health = dk_balancer_health_of(a, 0, &first) == DK_OK;
    dk_cache_byte_stats bytes;
    int has_bytes = dk_cache_byte_stats_of(a, &bytes);
    if (o == NULL || cJSON_AddStringToObject(o, "name", dk_actor_name(a)) == NULL ||
        cJSON_AddStringToObject(o, "kind", dk_actor_kind(a)) == NULL ||
        !dk__json_add_u64(o, "arrivals", s->arrivals) ||
        !dk__json_add_u64(o, "completed", s->completed) ||
        !dk__json_add_u64(o, "rejected", s->rejected) ||
        !dk__json_add_u64(o, "failed", s->failed) ||
        cJSON_AddNumberToObject(o, "throughput", mx.value[DK_METRIC_THROUGHPUT]) == NULL ||
        !add_ratio(o, "utilisation", has_util, util) || !add_ratio(o, "held", has_held, held) ||
        cJSON_AddNumberToObject(o, "mean_queue", mx.value[DK_METRIC_MEAN_QUEUE]) == NULL ||
        !add_ratio(o, "hit_ratio", has_hits, hits) ||
        !dk__json_attach(o, "latency", latency_json(s->latency, NULL)) ||
        (dk_queue_stats_of(a) != NULL && !dk__json_attach(o, "messages", messages_json(a))) ||
        (dk_gateway_stats_of(a) != NULL &&
         !dk__json_add_u64(o, "limited", dk_gateway_stats_of(a)->limited)) ||
        (dk_guard_stats_of(a, NULL) != NULL &&
         !dk__json_attach(o, "resilience", resilience_json(a))) ||
        (has_health && !dk__json_attach(o, "health", health_json(a))) ||
        (has_bytes && !dk__json_attach(o, "bytes", bytes_json(&bytes)))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *class_json(const dk_sim_t *sim, uint32_t cls, double end_ns)
{
    const dk_class_stats *s = dk_sim_class_stats(sim, cls);
    dk_interval ci = dk_sim_mean_interval(sim, cls);
    double secs = end_ns / 1e9;
    uint64_t answered = s->completed + s->failed;
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || cJSON_AddStringToObject(o, "name", dk_sim_class_name(sim, cls)) == NULL ||
        !dk__json_add_u64(o, "created", s->created) ||
        !dk__json_add_u64(o, "completed", s->completed) ||
        !dk__json_add_u64(o, "failed", s->failed) ||
        !dk__json_add_u64(o, "in_flight", s->created > answered ? s->created - answered : 0) ||
        cJSON_AddNumberToObject(o, "throughput", secs > 0 ? (double)s->completed / secs : 0.0) ==
            NULL ||
        !add_ratio(o, "availability", answered > 0, (double)s->completed / (double)answered) ||
        !dk__json_attach(o, "latency", latency_json(s->latency, &ci))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* An estimate across replications: {"mean", "ci95": [lo, hi] or null, "n"}, or null when no
 * replication measured it. */
static int add_estimate(cJSON *o, const char *key, int have, const dk_interval *ci)
{
    if (!have)
        return cJSON_AddNullToObject(o, key) != NULL;
    cJSON *e = cJSON_CreateObject();
    if (e == NULL || cJSON_AddNumberToObject(e, "mean", ci->mean) == NULL ||
        !add_interval(e, "ci95", ci) || !dk__json_add_u64(e, "n", ci->n)) {
        cJSON_Delete(e);
        return 0;
    }
    return dk__json_attach(o, key, e);
}

static const char *const class_metric_keys[DK_REP_CLASS_METRICS] = {"mean_ns", "p50_ns", "p99_ns",
                                                                    "throughput"};
static const char *const actor_metric_keys[DK_REP_ACTOR_METRICS] = {"throughput", "utilisation"};

/* A class's (or every class's, DK_ALL_CLASSES) figures across the replications. */
static cJSON *replicated_class_json(const dk_replicas_t *r, uint32_t cls, const char *name)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddStringToObject(o, "name", name) == NULL)
        goto fail;
    for (int m = 0; m < DK_REP_CLASS_METRICS; m++) {
        dk_interval ci;
        int have = dk_replicas_class(r, cls, (dk_rep_class_metric)m, &ci);
        if (!add_estimate(o, class_metric_keys[m], have, &ci))
            goto fail;
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* "replications": how many, their seeds, and each figure's mean and interval across them. */
static cJSON *replications_json(const dk_replicas_t *r)
{
    cJSON *o = cJSON_CreateObject(), *seeds, *classes, *comps;
    if (o == NULL || !dk__json_add_u64(o, "count", dk_replicas_count(r)) ||
        cJSON_AddNumberToObject(o, "level", DK_CONFIDENCE) == NULL ||
        (seeds = cJSON_AddArrayToObject(o, "seeds")) == NULL ||
        (classes = cJSON_AddArrayToObject(o, "classes")) == NULL ||
        !dk__json_attach(o, "total", replicated_class_json(r, DK_ALL_CLASSES, "total")) ||
        (comps = cJSON_AddArrayToObject(o, "components")) == NULL)
        goto fail;
    for (size_t i = 0; i < dk_replicas_count(r); i++) {
        cJSON *tmp = cJSON_CreateObject();
        if (tmp == NULL || !dk__json_add_u64(tmp, "seed", dk_replicas_seed(r, i))) {
            cJSON_Delete(tmp);
            goto fail;
        }
        cJSON *seed = cJSON_DetachItemFromObject(tmp, "seed");
        cJSON_Delete(tmp);
        cJSON_AddItemToArray(seeds, seed);
    }
    for (size_t c = 0; c < dk_replicas_class_count(r); c++) {
        cJSON *x = replicated_class_json(r, (uint32_t)c, dk_replicas_class_name(r, c));
        if (x == NULL)
            goto fail;
        cJSON_AddItemToArray(classes, x);
    }
    for (size_t a = 0; a < dk_replicas_actor_count(r); a++) {
        cJSON *x = cJSON_CreateObject();
        if (x == NULL || cJSON_AddStringToObject(x, "name", dk_replicas_actor_name(r, a)) == NULL) {
            cJSON_Delete(x);
            goto fail;
        }
        cJSON_AddItemToArray(comps, x);
        for (int m = 0; m < DK_REP_ACTOR_METRICS; m++) {
            dk_interval ci;
            int have = dk_replicas_actor(r, a, (dk_rep_actor_metric)m, &ci);
            if (!add_estimate(x, actor_metric_keys[m], have, &ci))
                goto fail;
        }
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* One evaluated expectation, keys in alphabetical order as reports have always had them. */
static cJSON *expectation_json(const dk_report_expectation *e)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || (e->cls != NULL && cJSON_AddStringToObject(o, "class", e->cls) == NULL) ||
        cJSON_AddNumberToObject(o, "limit", e->limit) == NULL ||
        cJSON_AddStringToObject(o, "metric", e->metric) == NULL ||
        cJSON_AddBoolToObject(o, "ok", e->ok != 0) == NULL ||
        cJSON_AddStringToObject(o, "text", e->text) == NULL ||
        (e->has_value && cJSON_AddNumberToObject(o, "value", e->value) == NULL)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/*
 * dk_report_json - the report is built as one cJSON tree and printed once, so that the text is
 * a function of the run alone (same seed, same bytes). Counts and the seed are written as exact
 * integers (see dk__json_add_u64); rates and ratios as cJSON prints doubles (shortest text that
 * reads back to the same value). The expectations arrive evaluated, as C values: nothing is
 * parsed on the way.
 */
dk_status dk_report_json(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                         const dk_report_expectation *expect, size_t n_expect, char **json,
                         dk_error *err)
{
    return dk_report_json_with(sim, m, seed, expect, n_expect, NULL, json, err);
}

/*
 * dk_report_json_with - dk_report_json, with the figures across replications when `reps` is
 * not NULL. Rates and utilisations divide by the measured time (after the warm-up).
 */
dk_status dk_report_json_with(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                              const dk_report_expectation *expect, size_t n_expect,
                              const dk_replicas_t *reps, char **json, dk_error *err)
{
    cJSON *root = NULL, *comps, *classes, *expectations;
    const char *name = m != NULL ? dk_model_name(m) : NULL;

    if (json != NULL)
        *json = NULL;
    if (sim == NULL || json == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_report_json: simulator and output are required");
    if (expect == NULL && n_expect > 0)
        return dk_error_set(err, DK_EINVAL, "report: %zu expectations but no array", n_expect);
    for (size_t i = 0; i < n_expect; i++) {
        if (expect[i].metric == NULL)
            return dk_error_set(err, DK_EINVAL, "report: expectations[%zu]: metric is required", i);
        if (expect[i].text == NULL)
            return dk_error_set(err, DK_EINVAL, "report: expectations[%zu]: text is required", i);
    }
    dk__json_init();

    double end_ns = (double)dk_sim_end_time(sim);
    dk_time_t measured = dk_sim_measured_time(sim);
    root = cJSON_CreateObject();
    if (root == NULL || cJSON_AddStringToObject(root, "designkit", "report") == NULL ||
        cJSON_AddNumberToObject(root, "version", DK_REPORT_SCHEMA_VERSION) == NULL ||
        (name != NULL ? cJSON_AddStringToObject(root, "model", name)
                      : cJSON_AddNullToObject(root, "model")) == NULL ||
        !dk__json_add_u64(root, "seed", seed) ||
        cJSON_AddNumberToObject(root, "duration_s", end_ns / 1e9) == NULL ||
        cJSON_AddNumberToObject(root, "warmup_s", (double)dk_sim_warmup(sim) / 1e9) == NULL ||
        cJSON_AddNumberToObject(root, "measured_s", (double)measured / 1e9) == NULL ||
        !dk__json_add_u64(root, "events", dk_sim_events(sim)) ||
        !dk__json_add_u64(root, "in_flight", dk_sim_in_flight(sim)) ||
        (comps = cJSON_AddArrayToObject(root, "components")) == NULL ||
        (classes = cJSON_AddArrayToObject(root, "classes")) == NULL ||
        (expectations = cJSON_AddArrayToObject(root, "expectations")) == NULL)
        goto oom;

    for (size_t i = 0; i < dk_sim_actor_count(sim); i++) {
        cJSON *o = component_json(dk_sim_actor(sim, i), measured);
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(comps, o);
    }
    for (size_t i = 0; i < dk_sim_class_count(sim); i++) {
        cJSON *o = class_json(sim, (uint32_t)i, (double)measured);
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(classes, o);
    }
    for (size_t i = 0; i < n_expect; i++) {
        cJSON *o = expectation_json(&expect[i]);
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(expectations, o);
    }
    if (reps != NULL && !dk__json_attach(root, "replications", replications_json(reps)))
        goto oom;

    *json = cJSON_Print(root);
    cJSON_Delete(root);
    if (*json == NULL)
        return dk_error_set(err, DK_ENOMEM, "out of memory writing the report");
    return DK_OK;
oom:
    cJSON_Delete(root);
    return dk_error_set(err, DK_ENOMEM, "out of memory writing the report");
}

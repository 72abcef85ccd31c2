/* metrics.c - an actor's figures from its counters: the one place each formula lives. */
#include "designkit/sim.h"

static const char *const metric_names[] = {
#define NAME(id, name, doc) name,
    DK_METRICS(NAME)
#undef NAME
};

static const char *const metric_docs[] = {
#define DOC(id, name, doc) doc,
    DK_METRICS(DOC)
#undef DOC
};

const char *dk_metric_name(dk_metric m)
{
    return (int)m >= 0 && m < DK_METRIC__COUNT ? metric_names[m] : "unknown";
}

const char *dk_metric_doc(dk_metric m)
{
    return (int)m >= 0 && m < DK_METRIC__COUNT ? metric_docs[m] : "";
}

static void put(dk_metrics *out, dk_metric m, double v)
{
    out->value[m] = v;
    out->defined |= DK_METRIC_BIT(m);
}

/* A queue's or a subscription's message figures: depth (its mean is the mean queue), age at
 * dequeue once a consumer took a message, messages handled per second, dropped, and what was
 * left waiting. */
static void queue_metrics(const dk_actor_t *a, double secs, dk_metrics *out)
{
    const dk_queue_stats *q = dk_queue_stats_of(a);
    if (q == NULL)
        return;
    put(out, DK_METRIC_MAX_DEPTH, (double)q->max_depth);
    if (dk_hist_count(q->age) > 0) {
        put(out, DK_METRIC_AGE_MEAN, dk_hist_mean(q->age) / 1e9);
        put(out, DK_METRIC_AGE_P99, (double)dk_hist_percentile(q->age, 99) / 1e9);
    }
    put(out, DK_METRIC_CONSUMED, secs > 0 ? (double)q->consumed / secs : 0.0);
    put(out, DK_METRIC_DROPPED, (double)q->dropped);
    put(out, DK_METRIC_BACKLOG, (double)dk_actor_get_stats(a)->queued);
}

/* A cache's figures (core/sim/actor_cache.c): its bytes when it counts bytes, its strategy's
 * counts when it has a strategy. */
static void cache_metrics(const dk_actor_t *a, dk_metrics *out)
{
    const dk_cache_stats *c = dk_cache_stats_of(a);
    dk_cache_byte_stats b;
    if (dk_cache_byte_stats_of(a, &b)) {
        put(out, DK_METRIC_BYTES_USED, (double)b.used);
        put(out, DK_METRIC_BYTES_PEAK, (double)b.peak);
        put(out, DK_METRIC_BYTES_CAPACITY, (double)b.capacity);
        put(out, DK_METRIC_TOO_BIG, (double)b.too_big);
    }
    if (c == NULL)
        return;
    put(out, DK_METRIC_STALE_READS, (double)c->stale_reads);
    put(out, DK_METRIC_STORE_WRITES, (double)c->store_writes);
    put(out, DK_METRIC_LOST_WRITES, (double)c->lost_writes);
}

/* A gateway's refusals by its rate limiter: their own outcome, apart from a full queue's. */
static void gateway_metrics(const dk_actor_t *a, dk_metrics *out)
{
    const dk_gateway_stats *g = dk_gateway_stats_of(a);
    if (g != NULL)
        put(out, DK_METRIC_LIMITED, (double)g->limited);
}

/* A guard's attempts, retries, short circuits, timeouts and breaker changes: counts. */
static void guard_metrics(const dk_actor_t *a, dk_metrics *out)
{
    const dk_guard_stats *g = dk_guard_stats_of(a, NULL);
    if (g == NULL)
        return;
    put(out, DK_METRIC_ATTEMPTS, (double)g->attempts);
    put(out, DK_METRIC_RETRIES, (double)g->retries);
    put(out, DK_METRIC_SHORT_CIRCUITED, (double)g->short_circuited);
    put(out, DK_METRIC_TIMEOUTS, (double)g->timeouts);
    put(out, DK_METRIC_BREAKER_CHANGES, (double)g->breaker_changes);
    put(out, DK_METRIC_BULKHEAD_REJECTED, (double)g->bulkhead_rejected);
}

/*
 * dk_actor_metrics - throughput and mean queue are defined for every actor (0 over an empty
 * run); utilisation only for stations (servers > 0) over a run that took time; the hit ratio
 * only once there were lookups; the rejection rate only once calls were answered. A ratio with
 * nothing to divide stays undefined rather than 0, so that "no lookups" never reads as "never
 * hits".
 */
void dk_actor_metrics(const dk_actor_t *a, dk_time_t duration, dk_metrics *out)
{
    const dk_actor_stats *s = dk_actor_get_stats(a);
    double ns = (double)duration, secs = ns / 1e9;
    uint64_t lookups = s->hits + s->misses;
    uint64_t answered = s->completed + s->rejected + s->failed;

    for (int m = 0; m < DK_METRIC__COUNT; m++)
        out->value[m] = 0;
    out->defined = 0;
    put(out, DK_METRIC_THROUGHPUT, secs > 0 ? (double)s->completed / secs : 0.0);
    put(out, DK_METRIC_MEAN_QUEUE, ns > 0 ? s->queue_area / ns : 0.0);
    if (s->servers > 0 && ns > 0) {
        /* busy counts the workers held waiting too (a thread per request): apart here */
        double capacity = (double)s->servers * ns;
        put(out, DK_METRIC_UTILISATION, (s->busy_area - s->waiting_area) / capacity);
        put(out, DK_METRIC_HELD, s->waiting_area / capacity);
    }
    if (lookups > 0)
        put(out, DK_METRIC_HIT_RATIO, (double)s->hits / (double)lookups);
    if (answered > 0)
        put(out, DK_METRIC_REJECTION_RATE, (double)s->rejected / (double)answered);
    queue_metrics(a, secs, out);
    cache_metrics(a, out);
    gateway_metrics(a, out);
    guard_metrics(a, out);
}

int dk_metrics_get(const dk_metrics *mx, dk_metric m, double *value)
{
    int ok = (int)m >= 0 && m < DK_METRIC__COUNT && (mx->defined & DK_METRIC_BIT(m)) != 0;
    if (value != NULL)
        *value = ok ? mx->value[m] : 0;
    return ok;
}

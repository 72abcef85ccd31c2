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
    if (s->servers > 0 && ns > 0)
        put(out, DK_METRIC_UTILISATION, s->busy_area / ((double)s->servers * ns));
    if (lookups > 0)
        put(out, DK_METRIC_HIT_RATIO, (double)s->hits / (double)lookups);
    if (answered > 0)
        put(out, DK_METRIC_REJECTION_RATE, (double)s->rejected / (double)answered);
}

int dk_metrics_get(const dk_metrics *mx, dk_metric m, double *value)
{
    int ok = (int)m >= 0 && m < DK_METRIC__COUNT && (mx->defined & DK_METRIC_BIT(m)) != 0;
    if (value != NULL)
        *value = ok ? mx->value[m] : 0;
    return ok;
}

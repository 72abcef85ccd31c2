/* evaluate.c - dk_model_evaluate: a finished run held against the model's expectations. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "designkit/locale.h"
#include "designkit/alloc.h"
#include "designkit/units.h"
#include "kinds/internal.h"

/* A value as the verdict text writes it: a duration, a rate or a percentage. */
static void format_value(dk_expect_metric id, double v, char *buf, size_t n)
{
    if (dk_expect_metric_sense(id) == DK_EXPECT_LATENCY)
        dk_format_duration((int64_t)llround(v), buf, n);
    else if (id == DK_EXPECT_THROUGHPUT)
        dk_format_rate(v, buf, n);
    else
        dk_snprintf(buf, n, "%.4g%%", v * 100);
}

/* What the run measured for `id` over one class or all of them (their counts and latencies
 * given). 0 when there was nothing to measure. Latencies in ns. */
static int measure(const dk_sim_t *sim, dk_expect_metric id, uint64_t completed, uint64_t failed,
                   const dk_hist_t *latency, double secs, double *value)
{
    switch (dk_expect_metric_sense(id)) {
    case DK_EXPECT_LATENCY:
        if (latency == NULL || dk_hist_count(latency) == 0)
            return 0;
        *value = id == DK_EXPECT_MEAN
                     ? dk_hist_mean(latency)
                     : (double)dk_hist_percentile(latency, dk_expect_metric_percentile(id));
        return 1;
    case DK_EXPECT_AT_LEAST:
        if (id == DK_EXPECT_THROUGHPUT) {
            *value = secs > 0 ? (double)completed / secs : 0;
            return 1;
        }
        if (completed + failed == 0) /* availability */
            return 0;
        *value = (double)completed / (double)(completed + failed);
        return 1;
    case DK_EXPECT_AT_MOST: { /* utilisation: the busiest station */
        int have = 0;
        dk_time_t end = dk_sim_measured_time(sim);
        for (size_t i = 0; i < dk_sim_actor_count(sim); i++) {
            dk_metrics mx;
            double u;
            dk_actor_metrics(dk_sim_actor(sim, i), end, &mx);
            if (dk_metrics_get(&mx, DK_METRIC_UTILISATION, &u) && (!have || u > *value)) {
                *value = u;
                have = 1;
            }
        }
        return have;
    }
    }
    return 0;
}

/*
 * dk_model_evaluate - see kinds.h. Every figure is read from the simulator here, so that the
 * verdict a report carries is the run's, whatever a script does to the tables it was shown.
 */
dk_status dk_model_evaluate(const dk_model_t *m, const dk_sim_t *sim, dk_verdict *out, int *all_ok,
                            dk_error *err)
{
    size_t n = m != NULL ? dk_model_expect_count(m) : 0;
    dk_hist_t *merged = NULL;
    uint64_t completed = 0, failed = 0;
    double secs;
    int all = 1;

    if (m == NULL || sim == NULL || (n > 0 && out == NULL))
        return dk_error_set(err, DK_EINVAL,
                            "evaluate: a model, its run and room for the verdicts "
                            "are required");
    secs = (double)dk_sim_measured_time(sim) / 1e9; /* after the warm-up */
    /* All classes together: their counts added and their latencies merged, once. */
    if (n > 0 && (merged = dk_hist_new(NULL)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "evaluate: out of memory");
    for (size_t c = 0; n > 0 && c < dk_sim_class_count(sim); c++) {
        const dk_class_stats *st = dk_sim_class_stats(sim, (uint32_t)c);
        completed += st->completed;
        failed += st->failed;
        if (st->latency != NULL && dk_hist_merge(merged, st->latency) != DK_OK) {
            dk_hist_free(merged);
            return dk_error_set(err, DK_ENOMEM, "evaluate: out of memory");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const dk_expect *e = dk_model_expect_at(m, i);
        dk_verdict *v = &out[i];
        dk_report_expectation *x = &v->e;
        dk_expect_metric id = DK_EXPECT_P50;
        int at_most, have = 0;
        double value = 0, scale;
        char vbuf[64], lbuf[64];
        uint32_t ci;

        (void)dk_expect_metric_parse(e->metric, &id); /* the model only holds known metrics */
        at_most = dk_expect_metric_sense(id) != DK_EXPECT_AT_LEAST;
        if (e->cls == NULL)
            have = measure(sim, id, completed, failed, merged, secs, &value);
        else if (dk_sim_class_find(sim, e->cls, &ci)) {
            const dk_class_stats *st = dk_sim_class_stats(sim, ci);
            have = measure(sim, id, st->completed, st->failed, st->latency, secs, &value);
        }
        memset(v, 0, sizeof *v);
        x->ok = have && (at_most ? value <= e->limit : value >= e->limit);
        all &= x->ok;
        format_value(id, e->limit, lbuf, sizeof lbuf);
        if (!have) {
            dk_snprintf(v->text, sizeof v->text, "%s%s%s: no data (%s %s)", e->cls ? e->cls : "",
                        e->cls ? " " : "", e->metric, at_most ? "<=" : ">=", lbuf);
        } else {
            format_value(id, value, vbuf, sizeof vbuf);
            dk_snprintf(v->text, sizeof v->text, "%s%s%s %s %s %s", e->cls ? e->cls : "",
                        e->cls ? " " : "", e->metric, vbuf,
                        x->ok ? (at_most ? "<=" : ">=") : (at_most ? ">" : "<"), lbuf);
        }
        /* Reports give latencies in seconds, as scripts write them. */
        scale = dk_expect_metric_sense(id) == DK_EXPECT_LATENCY ? 1e9 : 1;
        x->metric = e->metric;
        x->cls = e->cls;
        x->limit = e->limit / scale;
        x->value = have ? value / scale : 0;
        x->has_value = have;
        x->text = v->text;
    }
    dk_hist_free(merged);
    if (all_ok != NULL)
        *all_ok = all;
    return DK_OK;
}

/* replicas.c - confidence intervals: batch means within a run, and figures across replications. */
#include "designkit/replicas.h"

#include <math.h>
#include <string.h>

#include "designkit/alloc.h"

/* ---- batch means ---- */

/*
 * dk_sim_mean_interval - see replicas.h. The spread comes from the batch means; the centre is
 * the run's mean over every answer, so that "mean +- half" in a report is the figure it prints
 * with the half-width beside it. The two differ only in how the batches are weighted.
 */
dk_interval dk_sim_mean_interval(const dk_sim_t *sim, uint32_t cls)
{
    double means[DK_SIM_BATCHES], total = 0;
    uint64_t count = 0;
    size_t k = 0;
    size_t first = cls == DK_ALL_CLASSES ? 0 : cls;
    size_t last = cls == DK_ALL_CLASSES ? dk_sim_class_count(sim) : (size_t)cls + 1;

    for (size_t b = 0; b < DK_SIM_BATCHES; b++) {
        double sum = 0;
        uint64_t n = 0;
        for (size_t c = first; c < last; c++) {
            double s;
            uint64_t m;
            if (dk_sim_class_batch(sim, (uint32_t)c, b, &s, &m)) {
                sum += s;
                n += m;
            }
        }
        if (n > 0)
            means[k++] = sum / (double)n;
        total += sum;
        count += n;
    }
    dk_interval r = dk_interval_of(means, k);
    if (count > 0)
        r.mean = total / (double)count;
    return r;
}

/* ---- replications ---- */

struct dk_replicas {
    size_t nruns, cap;
    uint64_t *seeds;
    char **classes; /* names; the row after the last class is every class together */
    size_t nclasses;
    char **actors;
    size_t nactors;
    size_t width;    /* values per run: (nclasses + 1) class rows, then the actors' */
    double *values;  /* run r's at values[r * width]; NaN: not measured in that run */
    double *scratch; /* room for one column (cap values): the getters allocate nothing */
};

dk_replicas_t *dk_replicas_new(dk_status *status)
{
    dk_replicas_t *r = dk_calloc(1, sizeof *r);
    if (status != NULL)
        *status = r != NULL ? DK_OK : DK_ENOMEM;
    return r;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names != NULL && i < n; i++)
        dk_free(names[i]);
    dk_free(names);
}

void dk_replicas_free(dk_replicas_t *r)
{
    if (r == NULL)
        return;
    free_names(r->classes, r->nclasses);
    free_names(r->actors, r->nactors);
    dk_free(r->seeds);
    dk_free(r->values);
    dk_free(r->scratch);
    dk_free(r);
}

/* The first run: the names every later run must match. */
static dk_status take_names(dk_replicas_t *r, const dk_sim_t *sim)
{
    size_t nc = dk_sim_class_count(sim), na = dk_sim_actor_count(sim);
    r->classes = dk_calloc(nc > 0 ? nc : 1, sizeof *r->classes);
    r->actors = dk_calloc(na > 0 ? na : 1, sizeof *r->actors);
    if (r->classes == NULL || r->actors == NULL)
        return DK_ENOMEM;
    r->nclasses = nc;
    r->nactors = na;
    for (size_t c = 0; c < nc; c++)
        if ((r->classes[c] = dk_strdup(dk_sim_class_name(sim, (uint32_t)c))) == NULL)
            return DK_ENOMEM;
    for (size_t a = 0; a < na; a++)
        if ((r->actors[a] = dk_strdup(dk_actor_name(dk_sim_actor(sim, a)))) == NULL)
            return DK_ENOMEM;
    r->width = (nc + 1) * DK_REP_CLASS_METRICS + na * DK_REP_ACTOR_METRICS;
    return DK_OK;
}

static dk_status same_names(const dk_replicas_t *r, const dk_sim_t *sim, dk_error *err)
{
    if (dk_sim_class_count(sim) != r->nclasses || dk_sim_actor_count(sim) != r->nactors)
        return dk_error_set(err, DK_EINVAL,
                            "replications: run %zu has %zu classes and %zu components, the first "
                            "had %zu and %zu",
                            r->nruns + 1, dk_sim_class_count(sim), dk_sim_actor_count(sim),
                            r->nclasses, r->nactors);
    for (size_t c = 0; c < r->nclasses; c++)
        if (strcmp(r->classes[c], dk_sim_class_name(sim, (uint32_t)c)) != 0)
            return dk_error_set(
                err, DK_EINVAL, "replications: run %zu: class %zu is \"%s\", not \"%s\"",
                r->nruns + 1, c + 1, dk_sim_class_name(sim, (uint32_t)c), r->classes[c]);
    for (size_t a = 0; a < r->nactors; a++)
        if (strcmp(r->actors[a], dk_actor_name(dk_sim_actor(sim, a))) != 0)
            return dk_error_set(
                err, DK_EINVAL, "replications: run %zu: component %zu is \"%s\", not \"%s\"",
                r->nruns + 1, a + 1, dk_actor_name(dk_sim_actor(sim, a)), r->actors[a]);
    return DK_OK;
}

/* One class row: the latency figures (NaN when nothing was answered) and the throughput. */
static void class_row(double *row, const dk_hist_t *h, uint64_t completed, double secs)
{
    int have = h != NULL && dk_hist_count(h) > 0;
    row[DK_REP_MEAN] = have ? dk_hist_mean(h) : NAN;
    row[DK_REP_P50] = have ? (double)dk_hist_percentile(h, 50) : NAN;
    row[DK_REP_P99] = have ? (double)dk_hist_percentile(h, 99) : NAN;
    row[DK_REP_THROUGHPUT] = secs > 0 ? (double)completed / secs : NAN;
}

dk_status dk_replicas_add(dk_replicas_t *r, const dk_sim_t *sim, uint64_t seed, dk_error *err)
{
    dk_status st;
    if (r == NULL || sim == NULL)
        return dk_error_set(err, DK_EINVAL, "replications: a collection and a run are required");
    if (r->nruns == 0 && (st = take_names(r, sim)) != DK_OK)
        return dk_error_set(err, st, "replications: out of memory");
    if (r->nruns > 0 && (st = same_names(r, sim, err)) != DK_OK)
        return st;
    if (r->nruns == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        uint64_t *seeds = dk_realloc(r->seeds, cap * sizeof *seeds);
        if (seeds == NULL)
            return dk_error_set(err, DK_ENOMEM, "replications: out of memory");
        r->seeds = seeds;
        double *values = dk_realloc(r->values, cap * r->width * sizeof *values);
        if (values == NULL)
            return dk_error_set(err, DK_ENOMEM, "replications: out of memory");
        r->values = values;
        double *scratch = dk_realloc(r->scratch, cap * sizeof *scratch);
        if (scratch == NULL)
            return dk_error_set(err, DK_ENOMEM, "replications: out of memory");
        r->scratch = scratch;
        r->cap = cap;
    }
    dk_hist_t *all = dk_hist_new(NULL);
    if (all == NULL)
        return dk_error_set(err, DK_ENOMEM, "replications: out of memory");
    double *row = &r->values[r->nruns * r->width];
    dk_time_t measured = dk_sim_measured_time(sim);
    double secs = (double)measured / 1e9;
    uint64_t completed = 0;
    for (size_t c = 0; c < r->nclasses; c++) {
        const dk_class_stats *cs = dk_sim_class_stats(sim, (uint32_t)c);
        class_row(row + c * DK_REP_CLASS_METRICS, cs->latency, cs->completed, secs);
        completed += cs->completed;
        if (cs->latency != NULL && dk_hist_merge(all, cs->latency) != DK_OK) {
            dk_hist_free(all);
            return dk_error_set(err, DK_ENOMEM, "replications: out of memory");
        }
    }
    class_row(row + r->nclasses * DK_REP_CLASS_METRICS, all, completed, secs);
    dk_hist_free(all);
    double *arow = row + (r->nclasses + 1) * DK_REP_CLASS_METRICS;
    for (size_t a = 0; a < r->nactors; a++) {
        dk_metrics mx;
        double u;
        dk_actor_metrics(dk_sim_actor(sim, a), measured, &mx);
        arow[a * DK_REP_ACTOR_METRICS + DK_REP_ACTOR_THROUGHPUT] = mx.value[DK_METRIC_THROUGHPUT];
        arow[a * DK_REP_ACTOR_METRICS + DK_REP_UTILISATION] =
            dk_metrics_get(&mx, DK_METRIC_UTILISATION, &u) ? u : NAN;
    }
    r->seeds[r->nruns++] = seed;
    return DK_OK;
}

size_t dk_replicas_count(const dk_replicas_t *r)
{
    return r->nruns;
}

uint64_t dk_replicas_seed(const dk_replicas_t *r, size_t run)
{
    return run < r->nruns ? r->seeds[run] : 0;
}

size_t dk_replicas_class_count(const dk_replicas_t *r)
{
    return r->nclasses;
}

const char *dk_replicas_class_name(const dk_replicas_t *r, size_t cls)
{
    return cls < r->nclasses ? r->classes[cls] : NULL;
}

size_t dk_replicas_actor_count(const dk_replicas_t *r)
{
    return r->nactors;
}

const char *dk_replicas_actor_name(const dk_replicas_t *r, size_t actor)
{
    return actor < r->nactors ? r->actors[actor] : NULL;
}

/* The interval of column `col` over the runs that measured it. */
static int column_interval(const dk_replicas_t *r, size_t col, dk_interval *out)
{
    double *x = r->scratch;
    size_t k = 0;
    for (size_t i = 0; i < r->nruns; i++) {
        double v = r->values[i * r->width + col];
        if (!isnan(v))
            x[k++] = v;
    }
    if (k > 0 && out != NULL)
        *out = dk_interval_of(x, k);
    return k > 0;
}

int dk_replicas_class(const dk_replicas_t *r, uint32_t cls, dk_rep_class_metric m, dk_interval *out)
{
    size_t row = cls == DK_ALL_CLASSES ? r->nclasses : cls;
    if (row > r->nclasses || (int)m < 0 || m >= DK_REP_CLASS_METRICS)
        return 0;
    return column_interval(r, row * DK_REP_CLASS_METRICS + m, out);
}

int dk_replicas_actor(const dk_replicas_t *r, size_t actor, dk_rep_actor_metric m, dk_interval *out)
{
    if (actor >= r->nactors || (int)m < 0 || m >= DK_REP_ACTOR_METRICS)
        return 0;
    return column_interval(
        r, (r->nclasses + 1) * DK_REP_CLASS_METRICS + actor * DK_REP_ACTOR_METRICS + m, out);
}

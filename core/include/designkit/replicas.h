/* replicas.h - confidence intervals of a run's figures: batch means within one run, and
 * independent replications of it (core/sim/replicas.c). */
#ifndef DESIGNKIT_REPLICAS_H
#define DESIGNKIT_REPLICAS_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/sim.h"
#include "designkit/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every class together, where a function takes a class index. */
#define DK_ALL_CLASSES UINT32_MAX

/*
 * dk_sim_mean_interval - the batch-means interval of the mean end-to-end latency (ns) of class
 * `cls` (or DK_ALL_CLASSES) in a finished run: the measured time cut in DK_SIM_BATCHES spans,
 * each span's mean latency one value, their Student-t spread the half-width. Centred on the
 * run's own mean (the histogram's exact mean), the figure the reports print beside it. The
 * batches that saw no answer are left out; with fewer than two left, half is NaN. n is the
 * number of batches used.
 */
dk_interval dk_sim_mean_interval(const dk_sim_t *sim, uint32_t cls);

/* ---- replications ----
 * Runs of one design that differ only in their seed are independent, so each figure's values
 * across them give a Student-t interval of its mean. A dk_replicas collects the figures of
 * finished runs, one dk_replicas_add per run. */

typedef struct dk_replicas dk_replicas_t;

/* What is kept of each class (and of all of them together). Latencies in ns, throughput in
 * answers per second of measured time. */
typedef enum dk_rep_class_metric {
    DK_REP_MEAN = 0,
    DK_REP_P50,
    DK_REP_P99,
    DK_REP_THROUGHPUT,
    DK_REP_CLASS_METRICS
} dk_rep_class_metric;

/* What is kept of each component: its throughput and, for a station, its utilisation (0..1). */
typedef enum dk_rep_actor_metric {
    DK_REP_ACTOR_THROUGHPUT = 0,
    DK_REP_UTILISATION,
    DK_REP_ACTOR_METRICS
} dk_rep_actor_metric;

/* An empty collection; the caller frees it with dk_replicas_free. NULL on out-of-memory. */
dk_replicas_t *dk_replicas_new(dk_status *status);
void dk_replicas_free(dk_replicas_t *r);

/*
 * dk_replicas_add - reads the figures of the finished run `sim` (made with `seed`). The first
 * run fixes the classes and components; every later one must have the same, in the same order
 * (the same design built again): DK_EINVAL with `err` naming the first difference otherwise.
 * DK_ENOMEM.
 */
dk_status dk_replicas_add(dk_replicas_t *r, const dk_sim_t *sim, uint64_t seed, dk_error *err);

size_t dk_replicas_count(const dk_replicas_t *r); /* runs added */
uint64_t dk_replicas_seed(const dk_replicas_t *r, size_t run);
size_t dk_replicas_class_count(const dk_replicas_t *r);
const char *dk_replicas_class_name(const dk_replicas_t *r, size_t cls); /* borrowed */
size_t dk_replicas_actor_count(const dk_replicas_t *r);
const char *dk_replicas_actor_name(const dk_replicas_t *r, size_t actor); /* borrowed */

/* The interval of metric `m` of class `cls` (DK_ALL_CLASSES: all together) across the runs
 * that measured it (a class with no answer in a run has no latency there). 0 when no run did
 * (or `cls` is out of range), 1 otherwise; with one run only, half is NaN. */
int dk_replicas_class(const dk_replicas_t *r, uint32_t cls, dk_rep_class_metric m,
                      dk_interval *out);
/* The same for component `actor` (utilisation: stations only). */
int dk_replicas_actor(const dk_replicas_t *r, size_t actor, dk_rep_actor_metric m,
                      dk_interval *out);

/* The seed of replication `k` (0-based) of a run with seed `base`: base + k, so that
 * replication 0 is the run `--seed base` itself, and replication k can be run again alone
 * with `--seed base+k`. Each actor's stream is seeded by a hash of (seed, name), so
 * consecutive seeds give independent streams. */
static inline uint64_t dk_replica_seed(uint64_t base, size_t k)
{
    return base + (uint64_t)k;
}

#ifdef __cplusplus
}
#endif
#endif

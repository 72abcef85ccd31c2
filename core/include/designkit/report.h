/* report.h - a finished run's results as JSON: the report (export/report_json.c). */
#ifndef DESIGNKIT_REPORT_H
#define DESIGNKIT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/model.h"
#include "designkit/sim.h"
#include "designkit/replicas.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_REPORT_SCHEMA_VERSION 1

/* One of the design's expectations, evaluated against the run (dk_model_evaluate in
 * designkit/kinds.h does it from the simulator itself). Strings are borrowed for the call. */
typedef struct dk_report_expectation {
    const char *metric; /* "p99", "availability", ...; required */
    const char *cls;    /* the request class it is about, or NULL for all traffic */
    double limit;       /* in the report's units: seconds for latencies, 0..1 for ratios */
    double value;       /* what the run measured, in the same units; read when has_value */
    int has_value;      /* 0 when there was nothing to measure: "value" is then left out */
    int ok;             /* the expectation held */
    const char *text;   /* the readable verdict, "p99 13.4ms <= 50ms"; required */
} dk_report_expectation;

/* The report of a finished run: per component and end to end per class: count, throughput,
 * utilisation, latency mean and percentiles; see docs/json-schemas.md. `m` may be NULL (a
 * simulator built by hand); `seed` is recorded. `expect` holds `n_expect` evaluated
 * expectations, written as "expectations" in that order, each an object with its keys in
 * alphabetical order (class, limit, metric, ok, text, value); `expect` may be NULL when
 * `n_expect` is 0. Pretty, deterministic text in *json, freed by the caller with dk_free.
 * DK_EINVAL with `err` for a missing simulator or output, or an expectation without metric or
 * text ("report: expectations[2]: metric is required"); DK_ENOMEM. */
dk_status dk_report_json(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                         const dk_report_expectation *expect, size_t n_expect, char **json,
                         dk_error *err);

/* dk_report_json with what replications of the run found (`reps`, may be NULL): each figure's
 * mean and 95% interval across them, as "replications". The run `sim` is one of them (the
 * first), whose figures fill the rest of the report. */
dk_status dk_report_json_with(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                              const dk_report_expectation *expect, size_t n_expect,
                              const dk_replicas_t *reps, char **json, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

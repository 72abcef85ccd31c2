/* export.h - the model and a run's results, written out: Graphviz, JSON, and JSON read back. */
#ifndef DESIGNKIT_EXPORT_H
#define DESIGNKIT_EXPORT_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/model.h"
#include "designkit/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diagrams (export/dot.c: the only file that calls Graphviz) ---- */

typedef enum dk_draw_format { DK_DRAW_SVG, DK_DRAW_PNG, DK_DRAW_PDF, DK_DRAW_DOT } dk_draw_format;

/* From a file name's extension (.svg .png .pdf .dot .gv, any case). DK_EUNSUPPORTED with `err`:
 * cannot draw "x.bmp": unknown format ".bmp" (use .svg, .png, .pdf, .dot) */
dk_status dk_draw_format_from_path(const char *path, dk_draw_format *fmt, dk_error *err);

/* What a run adds to a drawing (--after-run): per component (indexed like the model's
 * components) utilisation 0..1 or < 0 for none; per link (indexed like the model's links) rate
 * per second and p99 in ns, < 0 for none. */
typedef struct dk_draw_overlay {
    const double *utilisation;
    const double *link_rate;
    const double *link_p99;
} dk_draw_overlay;

/* Lays `m` out with dot and renders it. Groups become clusters, each kind has its shape
 * (cylinder for databases, ...), node ids come from component names so two runs give identical
 * bytes. `overlay` may be NULL. The result is a buffer the caller frees with dk_free. */
dk_status dk_draw_render(const dk_model_t *m, const dk_draw_overlay *overlay, dk_draw_format fmt,
                         char **data, size_t *len, dk_error *err);
/* dk_draw_render, then dk_file_write_atomic to `path` (format from the extension). */
dk_status dk_draw_file(const dk_model_t *m, const dk_draw_overlay *overlay, const char *path,
                       dk_error *err);

/* ---- the model as JSON (export/json_write.c, export/json_read.c) ---- */

#define DK_MODEL_SCHEMA_VERSION 1

/* Writes `m` as JSON text (pretty, deterministic: properties in schema order, only those set
 * explicitly). Custom routes cannot travel: each is left out and named in `omitted` (a newline-
 * separated list the caller frees with dk_free; NULL when nothing was left out, and `omitted`
 * itself may be NULL). *json is NUL-terminated and freed by the caller with dk_free. */
dk_status dk_model_to_json(const dk_model_t *m, char **json, char **omitted, dk_error *err);

/* Reads a model from JSON text. `source` names the input in messages ("design.json").
 * Malformed JSON: DK_EPARSE, "design.json:3:14: malformed JSON". A well-formed document with a
 * bad field: DK_EINVAL naming the path, "design.json: components[2] (cache \"redis\"): capacity
 * must be a positive integer (got -5)". Caller frees the model. */
dk_model_t *dk_model_from_json(const char *text, size_t len, const char *source, dk_error *err);

/* ---- a run's report as JSON (export/report_json.c) ---- */

#define DK_REPORT_SCHEMA_VERSION 1

/* The report of a finished run: per component and end to end per class: count, throughput,
 * utilisation, latency mean and percentiles; see docs/json-schemas.md. `m` may be NULL (a
 * simulator built by hand); `seed` is recorded. `expectations` is an optional JSON text (an
 * array) inserted verbatim as "expectations" (the bindings evaluate them). Caller frees. */
dk_status dk_report_json(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                         const char *expectations_json, char **json, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

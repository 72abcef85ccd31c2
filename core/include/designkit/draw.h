/* draw.h - the model as a diagram: Graphviz, in process (export/dot.c is its only user). */
#ifndef DESIGNKIT_DRAW_H
#define DESIGNKIT_DRAW_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diagrams (export/dot.c: the only file that calls Graphviz) ---- */

typedef enum dk_draw_format { DK_DRAW_SVG, DK_DRAW_PNG, DK_DRAW_PDF, DK_DRAW_DOT } dk_draw_format;

/* From a file name's extension (.svg .png .pdf .dot .gv, any case). DK_EUNSUPPORTED with `err`:
 * cannot draw "x.bmp": unknown format ".bmp" (use .svg, .png, .pdf, .dot) */
dk_status dk_draw_format_from_path(const char *path, dk_draw_format *fmt, dk_error *err);

/* What a run adds to a drawing (--after-run): per component (indexed like the model's
 * components) utilisation 0..1 and the share of its calls answered rejected or failed 0..1,
 * each < 0 for none; per link (indexed like the model's links) rate per second and p99 in ns,
 * < 0 for none. Any array may be NULL. A drawing with an overlay is laid out exactly as the
 * same design without one (same clusters, same nodes in the same order): the run's figures only
 * colour, widen and annotate it, and a legend explains them. */
typedef struct dk_draw_overlay {
    const double *utilisation;
    const double *link_rate;
    const double *link_p99;
    const double *errors;
} dk_draw_overlay;

/* Past this many components a drawing is a summary: components alike (same kind and group,
 * same callers and callees) are folded into one node "api-1 ... api-10000 x10000", and the
 * links between two folded nodes into one edge. Smaller designs are drawn node by node. */
#define DK_DRAW_SUMMARY_AT 300

/* Lays `m` out with dot and renders it. Groups become clusters, each kind has its shape
 * (cylinder for databases, ...), node ids come from component names so two runs give identical
 * bytes. `overlay` may be NULL. The result is a buffer the caller frees with dk_free. */
dk_status dk_draw_render(const dk_model_t *m, const dk_draw_overlay *overlay, dk_draw_format fmt,
                         char **data, size_t *len, dk_error *err);
/* dk_draw_render, then dk_file_write_atomic to `path` (format from the extension). */
dk_status dk_draw_file(const dk_model_t *m, const dk_draw_overlay *overlay, const char *path,
                       dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

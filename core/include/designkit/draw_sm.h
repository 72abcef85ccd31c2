/* draw_sm.h - a state machine definition drawn as a statechart through Graphviz
 * (export/dot_sm.c). */
#ifndef DESIGNKIT_DRAW_SM_H
#define DESIGNKIT_DRAW_SM_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/draw.h"
#include "designkit/statemachine.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * dk_sm_render - the sealed `d` laid out with dot and rendered as `fmt`: a composite state is a
 * cluster "cluster_ID" holding a point named ID (its initial pseudo-state, which points at its
 * initial child; invisible in a parallel state), the regions of a parallel state are dashed
 * clusters, atomic states are rounded boxes and final ones double circles named by their ids,
 * history states circles marked H or H* (a dotted arrow to their default), the machine's own
 * initial a point named the machine's id. Transitions are arrows labelled "event [guard] /
 * action" (guard and action shown as present), "after 5s" for a delay, a loop for a targetless
 * one. A buffer the caller frees with dk_free. DK_EINVAL before the seal; DK_EUNSUPPORTED for
 * DOT text when an id cannot be spelled in DOT (an odd run of backslashes at its end or before
 * a quote); the failures of dk_draw_render.
 */
dk_status dk_sm_render(const dk_sm_def_t *d, dk_draw_format fmt, char **data, size_t *len,
                       dk_error *err);
/* dk_sm_render, then dk_file_write_atomic to `path` (format from the extension). */
dk_status dk_sm_draw_file(const dk_sm_def_t *d, const char *path, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

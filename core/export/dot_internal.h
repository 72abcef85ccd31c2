/* dot_internal.h - what dot.c shares with the other drawers of export/ (dot_uml.c, dot_sm.c):
 * the one Graphviz context of the process and the layout and rendering of a finished graph. The
 * drawers build their labels in a dk_strbuf (designkit/strbuf.h). */
#ifndef DK_DOT_INTERNAL_H
#define DK_DOT_INTERNAL_H

#include <stddef.h>

#include "designkit/draw.h"

struct Agraph_s; /* cgraph's Agraph_t, named without its header */

/* Lays `g` out with dot and renders it as `fmt` into a buffer the caller frees with dk_free
 * (NUL-terminated past *len). Frees `g` in every case. DK_EINVAL for an unknown format,
 * DK_ENOMEM, DK_EUNSUPPORTED when Graphviz has no renderer, DK_EINTERNAL when layout fails. */
dk_status dk__draw_graph(struct Agraph_s *g, dk_draw_format fmt, char **data, size_t *len,
                         dk_error *err);

#endif

/* dot_internal.h - what dot.c shares with the other drawers of export/ (dot_uml.c, dot_sm.c):
 * the one Graphviz context of the process, the layout and rendering of a finished graph, and
 * the growing string the drawers build labels in. */
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

/* A growing string for the drawers' labels and names. `failed` sticks once memory runs out,
 * so a drawer checks it once, at the end; the caller frees `s` with dk_free. Start it zeroed. */
typedef struct dk__text {
    char *s;
    size_t len, cap;
    int failed;
} dk__text;

void dk__text_put_n(dk__text *t, const char *s, size_t n);
void dk__text_put(dk__text *t, const char *s); /* NUL-terminated `s` */

#endif

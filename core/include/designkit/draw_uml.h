/* draw_uml.h - a class diagram drawn in UML notation through Graphviz (export/dot_uml.c). */
#ifndef DESIGNKIT_DRAW_UML_H
#define DESIGNKIT_DRAW_UML_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/draw.h"
#include "designkit/classdiagram.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * dk_classdiagram_render - checks `d` (dk_classdiagram_check's errors), lays it out with dot and
 * renders it as `fmt`: each type a box of compartments (name with its stereotype, fields,
 * methods; an enum's values), static members underlined, abstract ones in italics; inheritance
 * a hollow triangle, realisation the same dashed, composition a filled diamond at the whole,
 * aggregation a hollow one, association a line (an open arrow towards a navigable end),
 * dependency a dashed open arrow; multiplicities and roles at the ends. Parents and wholes
 * are drawn above. Node names are the types' names, so two runs give identical bytes. The
 * result is a buffer the caller frees with dk_free. DK_EUNSUPPORTED for DOT text when a name
 * cannot be spelled in DOT (an odd run of backslashes at its end or before a quote).
 */
dk_status dk_classdiagram_render(const dk_classdiagram_t *d, dk_draw_format fmt, char **data,
                                 size_t *len, dk_error *err);
/* dk_classdiagram_render, then dk_file_write_atomic to `path` (format from the extension, as
 * dk_draw_format_from_path reads it). */
dk_status dk_classdiagram_draw_file(const dk_classdiagram_t *d, const char *path, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

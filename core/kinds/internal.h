/* internal.h - helpers shared by the kind files of core/kinds (not installed). */
#ifndef DK_KINDS_INTERNAL_H
#define DK_KINDS_INTERNAL_H

#include <stddef.h>
#include "designkit/kinds.h"

/* Upper bound for open-ended durations: about 31 years in ns, far beyond any simulated run. */
#define DK__FOREVER_NS 1e18

#define DK__COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* replicas x workers as a server count for a station, saturating; 0 stays 0 (= no limit). */
uint32_t dk__kind_servers(const dk_comp_t *c, int replicas, int workers);

/* Appends `text` to the detail line in `buf`, after ", " when something is there already. */
void dk__detail_add(char *buf, size_t size, const char *text);

/* The detail line of a station-like kind: "x4 replicas, 32 workers". `replicas` or `workers`
 * may be -1 when the kind has none; workers show only when set explicitly. */
void dk__detail_instances(const dk_comp_t *c, char *buf, size_t size, int replicas, int workers,
                          const char *workers_word);

/* Turns the routes of `c` into flows of its station actor; with no default route and links,
 * the default is to call each link in order (wire for kinds that serve request classes). */
dk_status dk__kind_wire_routes(dk_sim_t *sim, const dk_comp_t *c, dk_error *err);

#endif

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

/* The choices of a kind's `dispatch` option: how calls reach its replicas. The balancing
 * algorithms (each replica an instance with its own queue and workers) and "pooled" (one queue
 * in front of every replica's workers: M/M/c). NULL-terminated. */
extern const char *const dk__dispatch_names[];
#define DK__DISPATCH_POOLED "pooled"

/* The choices of a service's `mode`: a worker held while its call waits downstream, or not. */
extern const char *const dk__mode_names[];
#define DK__MODE_EVENT_LOOP "event_loop"

/* Fills the instances of `cfg` from the options of `c`: `replicas` instances of `workers`
 * workers each, dispatched by `dispatch` (all three property ids of c's kind). DK_EINVAL with
 * `err` naming the component for a dispatch no algorithm has. */
dk_status dk__kind_instances(const dk_comp_t *c, int replicas, int workers, int dispatch,
                             dk_station_config *cfg, dk_error *err);

/* Appends `text` to the detail line in `buf`, after ", " when something is there already. */
void dk__detail_add(char *buf, size_t size, const char *text);

/* The detail line of a station-like kind: "x4 replicas, 32 workers". `replicas` or `workers`
 * may be -1 when the kind has none; workers show only when set explicitly. */
void dk__detail_instances(const dk_comp_t *c, char *buf, size_t size, int replicas, int workers,
                          const char *workers_word);

/* Turns the routes of `c` into flows of its station actor; with no default route and links,
 * the default is to call each link in order (wire for kinds that serve request classes). */
dk_status dk__kind_wire_routes(dk_sim_t *sim, const dk_comp_t *c, dk_error *err);

/* How an actor takes a flow for a class (dk_station_route, dk_queue_route). */
typedef dk_status (*dk__route_setter)(dk_actor_t *actor, uint32_t cls, dk_flow flow, dk_error *err);
/* dk__kind_wire_routes for an actor whose flows go through `set`. */
dk_status dk__kind_wire_routes_with(dk_sim_t *sim, const dk_comp_t *c, dk__route_setter set,
                                    dk_error *err);

/* The links' option table (core/kinds/link.c), indexed by dk_link_option; the guard kind's
 * properties are its part from DK_LINK__GUARD_FIRST on. */
extern const dk_prop_info dk__link_props[DK_LINK__COUNT];
extern const dk_kind dk__link_schema;
/* 1 when link i of `m` sets a resilience option: the builder puts a guard in front of its
 * target. */
int dk__link_resilient(const dk_model_t *m, size_t i);

/* guard.c: the guard actor named `name` from the options of `c` whose guard part starts at id
 * `base` (0 for a guard component, DK_LINK__GUARD_FIRST for a link's options); `what` names it
 * in errors. And its detail appended to `buf`, the attempts written with `attempts_fmt`. */
dk_actor_t *dk__guard_build(dk_sim_t *sim, const dk_comp_t *c, int base, const char *name,
                            const char *what, dk_error *err);
void dk__guard_detail(const dk_comp_t *c, int base, const char *attempts_fmt, char *buf,
                      size_t size);

#endif

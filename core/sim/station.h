/* station.h - the queueing station shared by services, databases, queues and caches (internal). */
#ifndef DK_SIM_STATION_H
#define DK_SIM_STATION_H

#include "designkit/sim.h"

/* Answers a call once its service time is over, instead of running a flow: a cache station
 * answers from its dk_cache. Returns the reply status. */
typedef dk_reply_status (*dk__station_serve_fn)(dk_actor_t *self, void *ud, dk_call_t *call);

/* Adds a station of `kind` (copied; "service", "database", ...). With `serve` non-NULL every
 * call is answered by serve(self, ud, call) after its service time and routes are not used.
 * `ud` becomes the station's, freed by ud_free (may be NULL) with the station, also when this
 * fails. NULL with `err` naming the station on bad configuration or out-of-memory. */
dk_actor_t *dk__station_add(dk_sim_t *sim, const char *name, const char *kind,
                            const dk_station_config *cfg, dk__station_serve_fn serve, void *ud,
                            void (*ud_free)(void *), dk_error *err);

/* The `ud` given to dk__station_add, or NULL if `a` is not a station. */
void *dk__station_ud(const dk_actor_t *a);

#endif

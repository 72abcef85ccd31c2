/* cache_actor.h - the cache actor's state, shared by actor_cache.c and its strategy flow. */
#ifndef DK_SIM_CACHE_ACTOR_H
#define DK_SIM_CACHE_ACTOR_H

#include "designkit/cache.h"
#include "designkit/map.h"
#include "designkit/sim.h"
#include "sim/engine.h"

/* One write waiting in a write_behind buffer: its key and the version it wrote. */
typedef struct dk__pending_write {
    uint64_t key, version;
} dk__pending_write;

/*
 * A cache actor. Values are versions: each write the cache sees gets the next number, so a read
 * is stale when the version it returns is below `latest` for its key (the newest write whose
 * writer was answered). An aside cache keeps none of it: it answers from the dk_cache alone.
 */
typedef struct dk__cache_actor {
    uint32_t magic; /* CACHE_MAGIC (actor_cache.c) */
    dk_cache_t *cache;
    dk_time_t ttl;
    dk_cache_strategy strategy;
    int keep_on_write;
    dk_time_t flush, crash_at;
    uint32_t batch;
    uint64_t capacity;
    uint64_t bytes;         /* > 0: the cache counts bytes, each key weighs its object size */
    dk_dist_t *object_size; /* owned; sizes in bytes, drawn per key (dk_cache_object_size) */
    uint64_t too_big;       /* puts refused: the object is larger than the whole cache */
    uint64_t peak;          /* the most bytes held since the counts started */
    const char *policy;     /* dk_cache_policy(cache): rebuilt after a crash */
    dk_actor_t *self, *store;
    uint64_t version;                   /* the last version handed out */
    dk_map_t *latest, *cached, *stored; /* key -> version */
    dk__pending_write *pending;         /* write_behind: not yet sent to the store */
    size_t npending, cap_pending;
    int flush_due; /* a flush timer is set */
    dk_cache_stats st;
    dk__handler station_timer, station_start; /* the station's own handlers, chained to */
} dk__cache_actor;

/* The version a map holds for `key`, 0 when none. */
static inline uint64_t dk__version_of(const dk_map_t *m, uint64_t key)
{
    uint64_t v = 0;
    dk_map_get(m, key, &v);
    return v;
}

/* The strategy flow over `c` (every strategy but aside): the cache station's default route. */
dk_status dk__flow_cache_strategy(dk__cache_actor *c, dk_flow *out);

/* Puts `key` into the dk_cache: an entry, or in a cache counted in bytes an object of its
 * size (one larger than the cache is refused and counted as too_big). 1 when it is held, 0
 * when it was too big, -1 (the run aborted) when memory ran out. */
int dk__cache_put(dk__cache_actor *c, uint64_t key);

/* Records that the cache now holds `key` at `version`, evicting by policy; -1 (the run aborted)
 * when memory ran out. */
int dk__cache_fill(dk__cache_actor *c, uint64_t key, uint64_t version);

/* Buffers a write_behind write and makes sure a flush is due. -1 (the run aborted) when
 * memory ran out. */
int dk__cache_buffer_write(dk__cache_actor *c, uint64_t key, uint64_t version);

#endif

/* actor_cache.c - the cache actor: a station that answers GET/SET/INVALIDATE from a dk_cache. */
#include "designkit/alloc.h"
#include "designkit/cache.h"
#include "sim/engine.h"
#include "sim/station.h"

typedef struct cache_actor {
    dk_cache_t *cache;
    dk_time_t ttl;
} cache_actor;

static void cache_actor_free(void *ud)
{
    cache_actor *c = ud;
    if (c == NULL)
        return;
    dk_cache_free(c->cache);
    dk_free(c);
}

/* A plain REQUEST reaching a cache is a lookup, as a client pointed straight at a cache would
 * mean it. */
static dk_reply_status serve(dk_actor_t *self, void *ud, dk_call_t *call)
{
    cache_actor *c = ud;
    dk_time_t now = self->sim->now;
    switch ((dk_op)call->op) {
    case DK_OP_SET:
    case DK_OP_WRITE:
        if (dk_cache_put(c->cache, call->key, now, c->ttl) < 0) {
            /* the cache grows as it fills (dk_cache_put): here it could not */
            dk_sim_abort(self->sim, DK_ENOMEM, "cache \"%s\": out of memory holding %llu entries",
                         self->name, (unsigned long long)dk_cache_size(c->cache));
            return DK_REPLY_FAILED;
        }
        return DK_REPLY_OK;
    case DK_OP_INVALIDATE:
        dk_cache_remove(c->cache, call->key);
        return DK_REPLY_OK;
    case DK_OP_GET:
    case DK_OP_READ:
    case DK_OP_REQUEST:
    default:
        if (dk_cache_get(c->cache, call->key, now)) {
            self->stats.hits++;
            return DK_REPLY_HIT;
        }
        self->stats.misses++;
        return DK_REPLY_MISS;
    }
}

/*
 * dk_sim_add_cache - a cache station. Fails with the errors of dk_cache_new (unknown policy,
 * zero capacity), prefixed with the cache's name, DK_EINVAL for a negative ttl, or those of
 * dk_sim_add_station.
 */
dk_actor_t *dk_sim_add_cache(dk_sim_t *sim, const char *name, const dk_cache_config *cfg,
                             dk_error *err)
{
    if (name == NULL || cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "cache: name and configuration are required");
        return NULL;
    }
    if (cfg->ttl < 0) {
        dk_error_set(err, DK_EINVAL, "cache \"%s\": ttl must be >= 0 (got %lld)", name,
                     (long long)cfg->ttl);
        return NULL;
    }
    cache_actor *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache \"%s\": out of memory", name);
        return NULL;
    }
    c->ttl = cfg->ttl;
    dk_error e;
    dk_error_clear(&e);
    c->cache = dk_cache_new(cfg->policy, cfg->capacity, &e);
    if (c->cache == NULL) {
        dk_error_set(err, e.status, "cache \"%s\": %s", name, e.message);
        dk_free(c);
        return NULL;
    }
    return dk__station_add(sim, name, "cache", &cfg->station, serve, c, cache_actor_free, err);
}

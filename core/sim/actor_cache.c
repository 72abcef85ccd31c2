/* actor_cache.c - the cache actor: a station that answers GET/SET/INVALIDATE from a dk_cache,
 * and, with a strategy, reads and writes through to its store (flow_cache_strategy.c). */
#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/rng.h"
#include "sim/cache_actor.h"
#include "sim/station.h"

/* Timer tags of the cache's own, beside the station's TAG_SERVED (1), which it passes on. */
#define TAG_FLUSH 0x63616368u
#define TAG_CRASH 0x63726173u

/* Marks the station data that is a cache's: a station of kind "cache" made otherwise has none. */
#define CACHE_MAGIC 0xCAC4Eu

const char *const dk_cache_strategy_names[] = {
#define NAME(id, name) name,
    DK_CACHE_STRATEGIES(NAME)
#undef NAME
        NULL};

int dk_cache_strategy_parse(const char *name, dk_cache_strategy *out)
{
    for (int i = 0; name != NULL && i < DK_CACHE_STRATEGY__COUNT; i++)
        if (strcmp(name, dk_cache_strategy_names[i]) == 0) {
            *out = (dk_cache_strategy)i;
            return 1;
        }
    return 0;
}

static void cache_actor_free(void *ud)
{
    dk__cache_actor *c = ud;
    if (c == NULL)
        return;
    dk_cache_free(c->cache);
    dk_dist_free(c->object_size);
    dk_map_free(c->latest);
    dk_map_free(c->cached);
    dk_map_free(c->stored);
    dk_free(c->pending);
    dk_free(c);
}

static void out_of_memory(dk__cache_actor *c)
{
    dk_sim_abort(c->self->sim, DK_ENOMEM, "cache \"%s\": out of memory holding %llu entries",
                 c->self->name, (unsigned long long)dk_cache_size(c->cache));
}

uint64_t dk_cache_object_size(const dk_dist_t *sizes, uint64_t key)
{
    if (sizes == NULL)
        return 1024;
    dk_rng_t rng;
    dk_rng_seed(&rng, key ^ DK_CACHE_SIZE_SEED);
    double v = dk_dist_sample(sizes, &rng);
    if (!(v >= 1)) /* an unbounded distribution's draw below 1 (or NaN): the smallest object */
        return 1;
    if (v >= 0x1p63)
        return UINT64_C(1) << 63;
    return (uint64_t)llround(v);
}

int dk__cache_put(dk__cache_actor *c, uint64_t key)
{
    dk_time_t now = c->self->sim->now;
    if (c->bytes == 0) {
        if (dk_cache_put(c->cache, key, now, c->ttl) < 0) {
            /* the cache grows as it fills (dk_cache_put): here it could not */
            out_of_memory(c);
            return -1;
        }
        return 1;
    }
    int r =
        dk_cache_put_sized(c->cache, key, dk_cache_object_size(c->object_size, key), now, c->ttl);
    if (r == DK_ERANGE) {
        /* larger than the whole cache: not stored, and what it held stays */
        c->too_big++;
        return 0;
    }
    if (r < 0) {
        out_of_memory(c);
        return -1;
    }
    uint64_t used = dk_cache_bytes(c->cache);
    if (used > c->peak)
        c->peak = used;
    return 1;
}

/* A plain REQUEST reaching a cache is a lookup, as a client pointed straight at a cache would
 * mean it. The aside path: no versions, no store. */
static dk_reply_status serve(dk_actor_t *self, void *ud, dk_call_t *call)
{
    dk__cache_actor *c = ud;
    dk_time_t now = self->sim->now;
    switch ((dk_op)call->op) {
    case DK_OP_SET:
    case DK_OP_WRITE:
        return dk__cache_put(c, call->key) < 0 ? DK_REPLY_FAILED : DK_REPLY_OK;
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

int dk__cache_fill(dk__cache_actor *c, uint64_t key, uint64_t version)
{
    int held = dk__cache_put(c, key);
    if (held < 0)
        return -1;
    if (held > 0 && dk_map_put(c->cached, key, version) != DK_OK) {
        out_of_memory(c);
        return -1;
    }
    return 0;
}

/* The next multiple of the flush period after now: windows are [k F, (k+1) F), whenever the
 * writes come, so a test can count the store calls of each window by hand. */
static void schedule_flush(dk__cache_actor *c)
{
    dk_time_t now = c->self->sim->now;
    c->flush_due = 1;
    dk_sim_timer(c->self->sim, c->self, c->flush - now % c->flush, TAG_FLUSH, NULL);
}

int dk__cache_buffer_write(dk__cache_actor *c, uint64_t key, uint64_t version)
{
    if (c->npending == c->cap_pending) {
        size_t cap = c->cap_pending != 0 ? 2 * c->cap_pending : 64;
        dk__pending_write *p = dk_realloc(c->pending, cap * sizeof *p);
        if (p == NULL) {
            out_of_memory(c);
            return -1;
        }
        c->pending = p;
        c->cap_pending = cap;
    }
    c->pending[c->npending++] = (dk__pending_write){key, version};
    if (!c->flush_due)
        schedule_flush(c);
    return 0;
}

/* Sends the buffered writes, `batch` to a store call (named by its first key). A batch is
 * stored once sent: the store's reply is not waited for, as a write-behind worker's is not. */
static void flush(dk__cache_actor *c)
{
    dk_sim_t *sim = c->self->sim;
    c->flush_due = 0;
    for (size_t i = 0; i < c->npending; i += c->batch) {
        size_t end = i + c->batch < c->npending ? i + c->batch : c->npending;
        if (dk_sim_call_async(sim, c->self, NULL, c->store, DK_OP_WRITE, c->pending[i].key) < 0)
            return; /* the run has been aborted */
        c->st.store_writes++;
        for (size_t j = i; j < end; j++) {
            const dk__pending_write *w = &c->pending[j];
            if (w->version > dk__version_of(c->stored, w->key) &&
                dk_map_put(c->stored, w->key, w->version) != DK_OK) {
                out_of_memory(c);
                return;
            }
        }
    }
    c->npending = 0;
}

/* The crash: entries and unflushed writes are gone; the store keeps what it was sent. */
static void crash(dk__cache_actor *c)
{
    dk_error e;
    dk_cache_t *fresh = c->bytes > 0 ? dk_cache_new_bytes(c->policy, c->bytes, 1, &e)
                                     : dk_cache_new(c->policy, c->capacity, &e);
    if (fresh == NULL) {
        out_of_memory(c);
        return;
    }
    dk_cache_free(c->cache);
    c->cache = fresh;
    c->policy = dk_cache_policy(fresh);
    dk_map_clear(c->cached);
    c->st.lost_writes += c->npending;
    c->npending = 0;
}

static void on_timer(dk_actor_t *self, const dk_event *ev)
{
    dk__cache_actor *c = dk__station_ud(self);
    if (ev->tag == TAG_FLUSH)
        flush(c);
    else if (ev->tag == TAG_CRASH)
        crash(c);
    else
        c->station_timer(self, ev);
}

static void on_start(dk_actor_t *self, const dk_event *ev)
{
    dk__cache_actor *c = dk__station_ud(self);
    if (c->crash_at > 0)
        dk_sim_timer(self->sim, self, c->crash_at, TAG_CRASH, NULL);
    c->station_start(self, ev);
}

/* Counts start again at the end of the warm-up, as the station's do; the peak starts from
 * what the cache holds then. */
static void reset(dk_actor_t *self)
{
    dk__cache_actor *c = dk__station_ud(self);
    memset(&c->st, 0, sizeof c->st);
    c->too_big = 0;
    c->peak = dk_cache_bytes(c->cache);
}

static int check_config(const char *name, const dk_cache_config *cfg, dk_error *err)
{
    if (cfg->ttl < 0) {
        dk_error_set(err, DK_EINVAL, "cache \"%s\": ttl must be >= 0 (got %lld)", name,
                     (long long)cfg->ttl);
        return 0;
    }
    if ((int)cfg->strategy < 0 || cfg->strategy >= DK_CACHE_STRATEGY__COUNT) {
        dk_error_set(err, DK_EINVAL, "cache \"%s\": unknown strategy %d", name, (int)cfg->strategy);
        return 0;
    }
    if (cfg->strategy == DK_CACHE_WRITE_BEHIND && (cfg->flush <= 0 || cfg->batch == 0)) {
        dk_error_set(err, DK_EINVAL,
                     "cache \"%s\": write_behind needs flush > 0 and batch > 0 (got %lld ns, %u)",
                     name, (long long)cfg->flush, (unsigned)cfg->batch);
        return 0;
    }
    if (cfg->crash_at < 0) {
        dk_error_set(err, DK_EINVAL, "cache \"%s\": crash_at must be >= 0 (got %lld)", name,
                     (long long)cfg->crash_at);
        return 0;
    }
    return 1;
}

/* The strategy's state: version maps and the station's handlers to chain to. */
static dk_status add_strategy(dk_actor_t *a, dk__cache_actor *c, dk_error *err)
{
    dk_flow f;
    dk_status st = DK_OK;
    if ((c->latest = dk_map_new(0, &st)) == NULL || (c->cached = dk_map_new(0, &st)) == NULL ||
        (c->stored = dk_map_new(0, &st)) == NULL)
        return dk_error_set(err, st, "cache \"%s\": out of memory", a->name);
    if ((st = dk__flow_cache_strategy(c, &f)) != DK_OK)
        return dk_error_set(err, st, "cache \"%s\": out of memory", a->name);
    if ((st = dk_station_route(a, UINT32_MAX, f, err)) != DK_OK)
        return st;
    c->station_timer = a->on[DK_EV_TIMER];
    c->station_start = a->on[DK_EV_START];
    dk__actor_handle(a, DK_EV_TIMER, on_timer);
    dk__actor_handle(a, DK_EV_START, on_start);
    return DK_OK;
}

/*
 * dk_sim_add_cache - a cache station. Fails with the errors of dk_cache_new (unknown policy,
 * zero capacity), prefixed with the cache's name, DK_EINVAL for a negative ttl or crash time,
 * or a write_behind without a flush period or batch, or those of dk_sim_add_station.
 */
dk_actor_t *dk_sim_add_cache(dk_sim_t *sim, const char *name, const dk_cache_config *cfg,
                             dk_error *err)
{
    if (name == NULL || cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "cache: name and configuration are required");
        return NULL;
    }
    if (!check_config(name, cfg, err))
        return NULL;
    dk__cache_actor *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache \"%s\": out of memory", name);
        return NULL;
    }
    c->magic = CACHE_MAGIC;
    c->ttl = cfg->ttl;
    c->strategy = cfg->strategy;
    c->keep_on_write = cfg->keep_on_write;
    c->flush = cfg->flush;
    c->batch = cfg->batch;
    c->crash_at = cfg->crash_at;
    c->capacity = cfg->capacity;
    c->bytes = cfg->bytes;
    dk_error e;
    dk_error_clear(&e);
    if (cfg->bytes > 0 && cfg->object_size != NULL &&
        (c->object_size = dk_dist_clone(cfg->object_size)) == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache \"%s\": out of memory", name);
        dk_free(c);
        return NULL;
    }
    /* Seed 1, as dk_cache_new's, so that random evicts alike counted in entries or bytes. */
    c->cache = cfg->bytes > 0 ? dk_cache_new_bytes(cfg->policy, cfg->bytes, 1, &e)
                              : dk_cache_new(cfg->policy, cfg->capacity, &e);
    if (c->cache == NULL) {
        /* a policy without sized entries says which have them: the field is bytes */
        dk_error_set(err, e.status, "cache \"%s\": %s%s", name,
                     e.status == DK_EUNSUPPORTED ? "bytes: " : "", e.message);
        dk_dist_free(c->object_size);
        dk_free(c);
        return NULL;
    }
    c->policy = dk_cache_policy(c->cache);
    int aside = cfg->strategy == DK_CACHE_ASIDE;
    dk_actor_t *a = dk__station_add(sim, name, "cache", &cfg->station, aside ? serve : NULL, c,
                                    cache_actor_free, err);
    if (a == NULL)
        return NULL;
    c->self = a;
    a->reset = reset;
    if (!aside && add_strategy(a, c, err) != DK_OK)
        return NULL; /* the station, and `c` with it, are the simulator's to free */
    return a;
}

/* The cache data of `a` when it is a cache actor, else NULL. */
static dk__cache_actor *cache_of(const dk_actor_t *a)
{
    if (a == NULL || strcmp(a->ops->kind, "cache") != 0)
        return NULL;
    dk__cache_actor *c = dk__station_ud(a);
    return c != NULL && c->magic == CACHE_MAGIC ? c : NULL;
}

/* The cache data of `a` when it is a cache actor with a strategy, else NULL. */
static dk__cache_actor *strategy_cache(const dk_actor_t *a)
{
    dk__cache_actor *c = cache_of(a);
    return c != NULL && c->strategy != DK_CACHE_ASIDE ? c : NULL;
}

dk_status dk_sim_cache_set_store(dk_actor_t *cache, dk_actor_t *store, dk_error *err)
{
    dk__cache_actor *c = strategy_cache(cache);
    if (c == NULL || store == NULL)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": a store needs a cache with a strategy",
                            cache != NULL ? dk_actor_kind(cache) : "actor",
                            cache != NULL ? dk_actor_name(cache) : "?");
    if (cache->sim->ran)
        return dk_error_set(err, DK_ESTATE, "cache \"%s\": the run has started", cache->name);
    c->store = store;
    return DK_OK;
}

const dk_cache_stats *dk_cache_stats_of(const dk_actor_t *a)
{
    const dk__cache_actor *c = strategy_cache(a);
    return c != NULL ? &c->st : NULL;
}

int dk_cache_byte_stats_of(const dk_actor_t *a, dk_cache_byte_stats *out)
{
    const dk__cache_actor *c = cache_of(a);
    if (c == NULL || c->bytes == 0 || out == NULL)
        return 0;
    *out = (dk_cache_byte_stats){.capacity = c->bytes,
                                 .used = dk_cache_bytes(c->cache),
                                 .peak = c->peak,
                                 .too_big = c->too_big};
    return 1;
}

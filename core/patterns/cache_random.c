/* cache_random.c - random replacement: the victim is drawn uniformly from the entries held,
 * with the cache's own seeded dk_rng (the same seed replays the same evictions). */
#include "designkit/alloc.h"
#include "designkit/rng.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

/* `held` lists the slots in use densely, so a uniform draw is one index; a slot's `aux` is its
 * position there, so a removal swaps the last one into its place in O(1). */
typedef struct rr {
    dk__cslots s;
    uint32_t *held;
    uint32_t held_cap;
    uint64_t size, capacity;
    dk_rng_t rng;
} rr;

static void *rr_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    rr *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "random cache: out of memory");
        return NULL;
    }
    if (!dk__cslots_init(&c->s, capacity, "random", err)) {
        dk_free(c);
        return NULL;
    }
    c->capacity = capacity;
    dk_rng_seed_named(&c->rng, seed, "cache.random");
    return c;
}

static void rr_destroy(void *p)
{
    rr *c = p;
    dk__cslots_fini(&c->s);
    dk_free(c->held);
    dk_free(c);
}

static void drop(rr *c, uint32_t i)
{
    uint32_t pos = c->s.v[i].aux;
    uint32_t last = c->held[c->size - 1];
    c->held[pos] = last;
    c->s.v[last].aux = pos;
    c->size--;
    dk__cslots_release(&c->s, i);
}

static int rr_get(void *p, uint64_t key, int64_t now)
{
    rr *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    if (c->s.v[i].expires <= now) {
        drop(c, i);
        return 0;
    }
    return 1;
}

static int rr_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    rr *c = p;
    (void)now;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i != DK__NIL) {
        c->s.v[i].expires = expires;
        return 0;
    }
    if (!dk__cslots_reserve(&c->s))
        return -1;
    if (c->held_cap < c->s.allocated) {
        uint32_t *h = dk_realloc(c->held, (size_t)c->s.allocated * sizeof *h);
        if (h == NULL)
            return -1;
        c->held = h;
        c->held_cap = c->s.allocated;
    }
    int evicted = 0;
    if (c->size == c->capacity) {
        uint32_t v = c->held[dk_rng_below(&c->rng, c->size)];
        *victim = c->s.v[v].key;
        drop(c, v);
        evicted = 1;
    }
    i = dk__cslots_take(&c->s, key, expires);
    c->s.v[i].aux = (uint32_t)c->size;
    c->held[c->size++] = i;
    return evicted;
}

static int rr_remove(void *p, uint64_t key)
{
    rr *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    drop(c, i);
    return 1;
}

static int64_t rr_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const rr *)p)->s, key);
}

static uint64_t rr_size(const void *p)
{
    return ((const rr *)p)->size;
}

static int rr_evict(void *p, uint64_t *victim)
{
    rr *c = p;
    if (c->size == 0)
        return 0;
    uint32_t v = c->held[dk_rng_below(&c->rng, c->size)];
    *victim = c->s.v[v].key;
    drop(c, v);
    return 1;
}

const dk__cache_policy dk__cache_random = {"random",  rr_create, rr_destroy, rr_get,  rr_put,
                                           rr_remove, rr_expiry, rr_size,    rr_evict};

/* cache_lru.c - least-recently-used eviction: one recency list over the shared entry store.
 *
 * The entries, their links and the key index are cache_slots.h's (32 bytes a slot, 8 an index
 * position, both grown by doubling up to the capacity, so a cache sized for 2e8 entries that
 * holds a few keys costs a few hundred bytes; once grown, nothing allocates again). A hit is
 * one probe of the index, the slot, and its two neighbours to unlink it; the head is hot. */
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

typedef struct lru {
    dk__cslots s;
    dk__clist recency; /* most recent first */
    uint64_t capacity;
} lru;

static void *lru_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    lru *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "lru cache: out of memory");
        return NULL;
    }
    if (!dk__cslots_init(&c->s, capacity, "lru", err)) {
        dk_free(c);
        return NULL;
    }
    dk__clist_init(&c->recency);
    c->capacity = capacity;
    return c;
}

static void lru_destroy(void *p)
{
    lru *c = p;
    dk__cslots_fini(&c->s);
    dk_free(c);
}

static void drop(lru *c, uint32_t i)
{
    dk__clist_unlink(&c->s, &c->recency, i);
    dk__cslots_release(&c->s, i);
}

/* To the head, unless it is there already (a repeated key moves nothing). */
static void touch(lru *c, uint32_t i)
{
    if (c->recency.head != i)
        dk__clist_move_front(&c->s, &c->recency, &c->recency, i, 0);
}

static int lru_get(void *p, uint64_t key, int64_t now)
{
    lru *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    if (c->s.v[i].expires <= now) {
        drop(c, i);
        return 0;
    }
    touch(c, i);
    return 1;
}

static int lru_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    lru *c = p;
    (void)now;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i != DK__NIL) {
        c->s.v[i].expires = expires;
        touch(c, i);
        return 0;
    }
    /* Full: the reservation grows nothing (every slot exists and the index has room for the
     * limit), and the victim's slot is the one taken below. */
    if (!dk__cslots_reserve(&c->s))
        return -1;
    int evicted = 0;
    if (c->recency.len == c->capacity) {
        uint32_t v = c->recency.tail;
        *victim = c->s.v[v].key;
        drop(c, v);
        evicted = 1;
    }
    i = dk__cslots_take(&c->s, key, expires);
    dk__clist_push_front(&c->s, &c->recency, i, 0);
    return evicted;
}

static int lru_remove(void *p, uint64_t key)
{
    lru *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    drop(c, i);
    return 1;
}

static int64_t lru_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const lru *)p)->s, key);
}

static uint64_t lru_size(const void *p)
{
    return ((const lru *)p)->recency.len;
}

static int lru_evict(void *p, uint64_t *victim)
{
    lru *c = p;
    if (c->recency.len == 0)
        return 0;
    uint32_t v = c->recency.tail;
    *victim = c->s.v[v].key;
    drop(c, v);
    return 1;
}

const dk__cache_policy dk__cache_lru = {"lru",      lru_create, lru_destroy, lru_get,  lru_put,
                                        lru_remove, lru_expiry, lru_size,    lru_evict};

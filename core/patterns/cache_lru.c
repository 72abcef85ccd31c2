/* cache_lru.c - least-recently-used eviction: an index-linked recency list plus a key map. */
#include <stdint.h>
#include "designkit/alloc.h"
#include "designkit/map.h"
#include "patterns/cache_policy.h"

/* Nodes live in one array and link to each other by index: 24 bytes an entry, no pointer per
 * node to allocate, and a free list threads the slots not in use. The array and the key map
 * grow as entries arrive, doubling up to the capacity, so a cache sized for 2e8 entries that
 * holds a few keys costs a few hundred bytes; once grown, nothing allocates again. */
#define NIL UINT32_MAX
#define FIRST_NODES 16

typedef struct node {
    uint64_t key;
    int64_t expires;
    uint32_t prev, next; /* towards the most / least recent */
} node;

typedef struct lru {
    node *nodes;
    dk_map_t *index; /* key -> slot */
    uint32_t head, tail, free;
    uint32_t allocated; /* slots in `nodes`: at most the capacity */
    uint64_t size, capacity;
} lru;

static void *lru_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    if (capacity >= NIL) {
        dk_error_set(err, DK_ERANGE, "lru cache: capacity %llu is too large (at most %u)",
                     (unsigned long long)capacity, NIL - 1);
        return NULL;
    }
    lru *c = dk_calloc(1, sizeof *c);
    if (c == NULL || (c->index = dk_map_new(0, NULL)) == NULL) {
        dk_free(c);
        dk_error_set(err, DK_ENOMEM, "lru cache: out of memory");
        return NULL;
    }
    c->capacity = capacity;
    c->head = c->tail = c->free = NIL;
    return c;
}

/* Doubles the node array (to at most the capacity) and threads the new slots onto the free
 * list, which is empty when this is called. 0 when memory runs out, the cache as it was:
 * slots link by index, so moving the array moves no link. */
static int grow(lru *c)
{
    uint64_t want = c->allocated > 0 ? 2 * (uint64_t)c->allocated : FIRST_NODES;
    if (want > c->capacity)
        want = c->capacity;
    node *v = dk_realloc(c->nodes, (size_t)want * sizeof *v);
    if (v == NULL)
        return 0;
    c->nodes = v;
    for (uint32_t i = (uint32_t)want; i-- > c->allocated;) {
        v[i].next = c->free;
        c->free = i;
    }
    c->allocated = (uint32_t)want;
    return 1;
}

static void lru_destroy(void *p)
{
    lru *c = p;
    dk_free(c->nodes);
    dk_map_free(c->index);
    dk_free(c);
}

static void unlink_node(lru *c, uint32_t i)
{
    node *n = &c->nodes[i];
    if (n->prev != NIL)
        c->nodes[n->prev].next = n->next;
    else
        c->head = n->next;
    if (n->next != NIL)
        c->nodes[n->next].prev = n->prev;
    else
        c->tail = n->prev;
}

static void push_front(lru *c, uint32_t i)
{
    node *n = &c->nodes[i];
    n->prev = NIL;
    n->next = c->head;
    if (c->head != NIL)
        c->nodes[c->head].prev = i;
    else
        c->tail = i;
    c->head = i;
}

/* Unlinks slot i, forgets its key and puts the slot on the free list. */
static void drop(lru *c, uint32_t i)
{
    unlink_node(c, i);
    dk_map_remove(c->index, c->nodes[i].key, NULL);
    c->nodes[i].next = c->free;
    c->free = i;
    c->size--;
}

static int lru_get(void *p, uint64_t key, int64_t now)
{
    lru *c = p;
    uint64_t slot;
    if (!dk_map_get(c->index, key, &slot))
        return 0;
    uint32_t i = (uint32_t)slot;
    if (c->nodes[i].expires <= now) {
        drop(c, i);
        return 0;
    }
    if (c->head != i) {
        unlink_node(c, i);
        push_front(c, i);
    }
    return 1;
}

static int lru_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    lru *c = p;
    uint64_t slot;
    int evicted = 0;
    (void)now;
    if (dk_map_get(c->index, key, &slot)) {
        uint32_t i = (uint32_t)slot;
        c->nodes[i].expires = expires;
        if (c->head != i) {
            unlink_node(c, i);
            push_front(c, i);
        }
        return 0;
    }
    if (c->size == c->capacity) {
        /* The slot and the map entry of the evicted key are reused: the map already held
         * `capacity` keys, so the put below cannot fail. */
        *victim = c->nodes[c->tail].key;
        drop(c, c->tail);
        evicted = 1;
    } else if (c->free == NIL && !grow(c)) {
        return -1;
    }
    uint32_t i = c->free;
    if (dk_map_put(c->index, key, i) != DK_OK)
        return -1; /* the map could not grow: nothing changed but spare slots */
    c->free = c->nodes[i].next;
    c->nodes[i].key = key;
    c->nodes[i].expires = expires;
    push_front(c, i);
    c->size++;
    return evicted;
}

static int lru_remove(void *p, uint64_t key)
{
    lru *c = p;
    uint64_t slot;
    if (!dk_map_get(c->index, key, &slot))
        return 0;
    drop(c, (uint32_t)slot);
    return 1;
}

static int64_t lru_expiry(const void *p, uint64_t key)
{
    const lru *c = p;
    uint64_t slot;
    return dk_map_get(c->index, key, &slot) ? c->nodes[slot].expires : DK__ABSENT;
}

static uint64_t lru_size(const void *p)
{
    return ((const lru *)p)->size;
}

static int lru_evict(void *p, uint64_t *victim)
{
    lru *c = p;
    if (c->tail == NIL)
        return 0;
    *victim = c->nodes[c->tail].key;
    drop(c, c->tail);
    return 1;
}

const dk__cache_policy dk__cache_lru = {"lru",      lru_create, lru_destroy, lru_get,  lru_put,
                                        lru_remove, lru_expiry, lru_size,    lru_evict};

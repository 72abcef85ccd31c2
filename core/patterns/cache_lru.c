/* cache_lru.c - least-recently-used eviction: an index-linked recency list plus a key map. */
#include <stdint.h>
#include "designkit/alloc.h"
#include "designkit/map.h"
#include "patterns/cache_policy.h"

/* Nodes live in one array sized to the capacity and link to each other by index: 24 bytes an
 * entry, no pointer per node to allocate, and a free list threads the unused slots. */
#define NIL UINT32_MAX

typedef struct node {
    uint64_t key;
    int64_t expires;
    uint32_t prev, next; /* towards the most / least recent */
} node;

typedef struct lru {
    node *nodes;
    dk_map_t *index; /* key -> slot */
    uint32_t head, tail, free;
    uint64_t size, capacity;
} lru;

static void *lru_create(uint64_t capacity, dk_error *err)
{
    if (capacity >= NIL) {
        dk_error_set(err, DK_ERANGE, "lru cache: capacity %llu is too large (at most %u)",
                     (unsigned long long)capacity, NIL - 1);
        return NULL;
    }
    lru *c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        goto oom;
    c->nodes = dk_malloc((size_t)capacity * sizeof *c->nodes);
    c->index = dk_map_new((size_t)capacity, NULL);
    if (c->nodes == NULL || c->index == NULL || dk_map_reserve(c->index, capacity) != DK_OK) {
        dk_free(c->nodes);
        dk_map_free(c->index);
        dk_free(c);
        goto oom;
    }
    c->capacity = capacity;
    c->head = c->tail = NIL;
    for (uint32_t i = 0; i < capacity; i++)
        c->nodes[i].next = i + 1 < capacity ? i + 1 : NIL;
    c->free = 0;
    return c;
oom:
    dk_error_set(err, DK_ENOMEM, "lru cache: out of memory for %llu entries",
                 (unsigned long long)capacity);
    return NULL;
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

static int lru_put(void *p, uint64_t key, int64_t now, int64_t expires)
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
        drop(c, c->tail);
        evicted = 1;
    }
    uint32_t i = c->free;
    c->free = c->nodes[i].next;
    c->nodes[i].key = key;
    c->nodes[i].expires = expires;
    push_front(c, i);
    /* Cannot fail: the map was reserved for `capacity` keys and holds at most that many. */
    dk_map_put(c->index, key, i);
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

static int lru_contains(const void *p, uint64_t key)
{
    const lru *c = p;
    return dk_map_get(c->index, key, NULL);
}

static uint64_t lru_size(const void *p)
{
    return ((const lru *)p)->size;
}

const dk__cache_policy dk__cache_lru = {"lru",   lru_create, lru_destroy,  lru_get,
                                        lru_put, lru_remove, lru_contains, lru_size};

/* cache_slots.h - the entry store and index-linked lists the eviction policies share
 * (internal to core/patterns). */
#ifndef DK_PATTERNS_CACHE_SLOTS_H
#define DK_PATTERNS_CACHE_SLOTS_H

#include <stdint.h>
#include "designkit/map.h"
#include "designkit/status.h"
#include "patterns/cache_policy.h"

/* Entries live in one array and link by 32-bit index (no pointer to allocate per entry); a
 * key map finds a key's slot. The array and the map grow by doubling up to `limit` slots, so
 * a large capacity costs nothing until it fills. A policy calls dk__cslots_reserve() before it
 * changes anything on a put: after that, taking one slot cannot fail, which is how every put
 * either completes or leaves the cache as it was. Ghost entries (ARC's B1/B2, 2Q's A1out) are
 * slots too; `list` says which list a slot is on. */
#define DK__NIL UINT32_MAX

typedef struct dk__cslot {
    uint64_t key;
    int64_t expires;
    uint32_t prev, next; /* towards the head (most recent) / the tail */
    uint32_t aux;        /* the policy's: LFU's bucket, Random's position */
    uint32_t list;       /* the policy's: which list holds the slot */
} dk__cslot;

typedef struct dk__clist {
    uint32_t head, tail;
    uint64_t len;
} dk__clist;

typedef struct dk__cslots {
    dk__cslot *v;
    dk_map_t *index; /* key -> slot */
    uint32_t free;   /* free slots, threaded through `next` */
    uint32_t allocated;
    uint64_t limit;
} dk__cslots;

/* 0 and `err` set (naming `policy`) when limit does not fit in 32-bit links or memory ran out. */
int dk__cslots_init(dk__cslots *s, uint64_t limit, const char *policy, dk_error *err);
void dk__cslots_fini(dk__cslots *s);
/* Makes room for one more slot unless all `limit` exist; 0 when memory ran out (nothing
 * changed). */
int dk__cslots_reserve(dk__cslots *s);

static inline void dk__clist_init(dk__clist *l)
{
    l->head = l->tail = DK__NIL;
    l->len = 0;
}

static inline uint32_t dk__cslots_find(const dk__cslots *s, uint64_t key)
{
    uint64_t slot;
    return dk_map_get(s->index, key, &slot) ? (uint32_t)slot : DK__NIL;
}

/* The expiry of `key` if it holds a slot, else DK__ABSENT (for policies without ghosts). */
static inline int64_t dk__cslots_expiry(const dk__cslots *s, uint64_t key)
{
    uint32_t i = dk__cslots_find(s, key);
    return i != DK__NIL ? s->v[i].expires : DK__ABSENT;
}

/* A slot for `key` (not yet on any list). Call after dk__cslots_reserve() or after releasing
 * a slot: then it cannot fail. */
static inline uint32_t dk__cslots_take(dk__cslots *s, uint64_t key, int64_t expires)
{
    uint32_t i = s->free;
    s->free = s->v[i].next;
    s->v[i].key = key;
    s->v[i].expires = expires;
    (void)dk_map_put(s->index, key, i); /* reserved: cannot fail */
    return i;
}

/* Forgets the key of slot i (already off its list) and frees the slot. */
static inline void dk__cslots_release(dk__cslots *s, uint32_t i)
{
    dk_map_remove(s->index, s->v[i].key, NULL);
    s->v[i].next = s->free;
    s->free = i;
}

static inline void dk__clist_unlink(dk__cslots *s, dk__clist *l, uint32_t i)
{
    dk__cslot *n = &s->v[i];
    if (n->prev != DK__NIL)
        s->v[n->prev].next = n->next;
    else
        l->head = n->next;
    if (n->next != DK__NIL)
        s->v[n->next].prev = n->prev;
    else
        l->tail = n->prev;
    l->len--;
}

static inline void dk__clist_push_front(dk__cslots *s, dk__clist *l, uint32_t i, uint32_t list)
{
    dk__cslot *n = &s->v[i];
    n->prev = DK__NIL;
    n->next = l->head;
    n->list = list;
    if (l->head != DK__NIL)
        s->v[l->head].prev = i;
    else
        l->tail = i;
    l->head = i;
    l->len++;
}

/* Moves slot i from `from` to the head of `to` (which may be the same list). */
static inline void dk__clist_move_front(dk__cslots *s, dk__clist *from, dk__clist *to, uint32_t i,
                                        uint32_t list)
{
    dk__clist_unlink(s, from, i);
    dk__clist_push_front(s, to, i, list);
}

#endif

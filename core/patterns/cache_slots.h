/* cache_slots.h - the entry store and index-linked lists the eviction policies share
 * (internal to core/patterns). */
#ifndef DK_PATTERNS_CACHE_SLOTS_H
#define DK_PATTERNS_CACHE_SLOTS_H

#include <stdint.h>
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
/* Two slots a cache line, none across two (the arrays start on a line): see cache_slots.c. */
_Static_assert(sizeof(dk__cslot) == 32, "a slot is half a cache line");

typedef struct dk__clist {
    uint32_t head, tail;
    uint64_t len;
} dk__clist;

/* The key index is the cache's own open-addressing table rather than a dk_map: a position
 * holds one word, (tag << 32) | slot, where tag is the upper half of the key's hash and an
 * empty position has DK__NIL for its slot. A lookup is one hash and a probe of 8-byte words (8 a
 * cache line, half dk_map's 16-byte pairs, and no occupancy bitmap); a tag that matches is
 * confirmed against the slot's key, a line the caller reads anyway. The home position comes
 * from the tag's low bits, so deletion (backward shift, no tombstones) and growth never rehash
 * a key or read a slot. At most 7/8 full, doubling with the slots. */
typedef struct dk__cslots {
    dk__cslot *v;
    uint64_t *index;
    uint64_t index_mask; /* positions - 1, a power of two minus one */
    uint64_t keys;       /* keys in the index */
    uint32_t free;       /* free slots, threaded through `next` */
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

/* SplitMix64's finaliser: every key bit reaches the upper half, which is all the index uses. */
static inline uint64_t dk__cslots_hash(uint64_t key)
{
    key = (key ^ (key >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    key = (key ^ (key >> 27)) * UINT64_C(0x94d049bb133111eb);
    return key ^ (key >> 31);
}

static inline uint64_t dk__cindex_home(const dk__cslots *s, uint64_t entry)
{
    return (entry >> 32) & s->index_mask;
}

static inline uint32_t dk__cslots_find(const dk__cslots *s, uint64_t key)
{
    uint64_t tag = dk__cslots_hash(key) >> 32;
    for (uint64_t p = tag & s->index_mask;; p = (p + 1) & s->index_mask) {
        uint64_t e = s->index[p];
        uint32_t slot = (uint32_t)e;
        if (slot == DK__NIL)
            return DK__NIL;
        if (e >> 32 == tag && s->v[slot].key == key)
            return slot;
    }
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
    uint64_t e = dk__cslots_hash(key) >> 32 << 32 | i;
    uint64_t p = dk__cindex_home(s, e);
    while ((uint32_t)s->index[p] != DK__NIL) /* reserved: an empty position exists */
        p = (p + 1) & s->index_mask;
    s->index[p] = e;
    s->keys++;
    return i;
}

/* Forgets the key of slot i (already off its list) and frees the slot. */
static inline void dk__cslots_release(dk__cslots *s, uint32_t i)
{
    uint64_t m = s->index_mask;
    uint64_t hole = (dk__cslots_hash(s->v[i].key) >> 32) & m;
    while ((uint32_t)s->index[hole] != i)
        hole = (hole + 1) & m;
    /* Backward shift: an entry further along the run moves into the hole unless its home
     * lies cyclically after the hole (then the hole would hide it from its lookups). */
    for (uint64_t q = (hole + 1) & m;; q = (q + 1) & m) {
        uint64_t e = s->index[q];
        if ((uint32_t)e == DK__NIL)
            break;
        if (((q - dk__cindex_home(s, e)) & m) >= ((q - hole) & m)) {
            s->index[hole] = e;
            hole = q;
        }
    }
    s->index[hole] = UINT64_MAX;
    s->keys--;
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

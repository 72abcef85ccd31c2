/* cache_slots.c - growth of the shared entry store (cache_slots.h). */
#include "patterns/cache_slots.h"

#include <string.h>
#include "designkit/alloc.h"

#define FIRST_SLOTS 16
#define FIRST_POSITIONS 16
/* The home position is taken from the 32-bit tag, so the index stops doubling here; with at
 * most 2^32 - 2 keys it still has an empty position, which is all a probe needs to end. */
#define MAX_POSITIONS (UINT64_C(1) << 32)
/* Both arrays start on a cache line: malloc aligns large blocks to 16 bytes only, which left
 * every other 32-byte slot across two lines (two misses for one slot on a hit). */
#define LINE 64

/* A fresh index of `positions` (a power of two) holding the entries of the old one; 0 when
 * memory ran out, the old index as it was. Home positions come from the stored tags: no slot
 * is read, no key hashed again. */
static int rebuild_index(dk__cslots *s, uint64_t positions)
{
    uint64_t *index = dk_calloc_aligned((size_t)positions * sizeof *index, LINE);
    if (index == NULL)
        return 0;
    memset(index, 0xff, (size_t)positions * sizeof *index); /* every slot DK__NIL: empty */
    uint64_t mask = positions - 1;
    for (uint64_t p = 0; s->index != NULL && p <= s->index_mask; p++) {
        uint64_t e = s->index[p];
        if ((uint32_t)e == DK__NIL)
            continue;
        uint64_t q = (e >> 32) & mask;
        while ((uint32_t)index[q] != DK__NIL)
            q = (q + 1) & mask;
        index[q] = e;
    }
    dk_free_aligned(s->index);
    s->index = index;
    s->index_mask = mask;
    return 1;
}

int dk__cslots_init(dk__cslots *s, uint64_t limit, const char *policy, dk_error *err)
{
    s->v = NULL;
    s->index = NULL;
    s->keys = 0;
    s->free = DK__NIL;
    s->allocated = 0;
    s->limit = limit;
    if (limit >= DK__NIL) {
        dk_error_set(err, DK_ERANGE,
                     "%s cache: capacity too large (its entries and ghosts "
                     "must number at most %u)",
                     policy, DK__NIL - 1);
        return 0;
    }
    if (!rebuild_index(s, FIRST_POSITIONS)) {
        dk_error_set(err, DK_ENOMEM, "%s cache: out of memory", policy);
        return 0;
    }
    return 1;
}

void dk__cslots_fini(dk__cslots *s)
{
    dk_free_aligned(s->v);
    dk_free_aligned(s->index);
    s->v = NULL;
    s->index = NULL;
}

/* Doubles the slot array (to at most the limit) when no slot is free, and the index so that one
 * more key leaves it at most 7/8 full. Slots link by index, so moving the array moves no link. */
int dk__cslots_reserve(dk__cslots *s)
{
    if (s->free == DK__NIL && s->allocated < s->limit) {
        uint64_t want = s->allocated > 0 ? 2 * (uint64_t)s->allocated : FIRST_SLOTS;
        if (want > s->limit)
            want = s->limit;
        dk__cslot *v = dk_calloc_aligned((size_t)want * sizeof *v, LINE);
        if (v == NULL)
            return 0;
        if (s->allocated > 0)
            memcpy(v, s->v, (size_t)s->allocated * sizeof *v);
        dk_free_aligned(s->v);
        s->v = v;
        for (uint32_t i = (uint32_t)want; i-- > s->allocated;) {
            v[i].next = s->free;
            s->free = i;
        }
        s->allocated = (uint32_t)want;
    }
    uint64_t keys = s->keys + 1 < s->limit ? s->keys + 1 : s->limit;
    uint64_t positions = s->index_mask + 1;
    while (positions < MAX_POSITIONS && positions - positions / 8 < keys)
        positions *= 2;
    return positions == s->index_mask + 1 || rebuild_index(s, positions);
}

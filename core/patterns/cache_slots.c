/* cache_slots.c - growth of the shared entry store (cache_slots.h). */
#include "patterns/cache_slots.h"

#include "designkit/alloc.h"

#define FIRST_SLOTS 16

int dk__cslots_init(dk__cslots *s, uint64_t limit, const char *policy, dk_error *err)
{
    s->v = NULL;
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
    s->index = dk_map_new(0, NULL);
    if (s->index == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s cache: out of memory", policy);
        return 0;
    }
    return 1;
}

void dk__cslots_fini(dk__cslots *s)
{
    dk_free(s->v);
    dk_map_free(s->index);
    s->v = NULL;
    s->index = NULL;
}

/* Doubles the slot array (to at most the limit) when no slot is free, and the map so that one
 * more key fits. Slots link by index, so moving the array moves no link. */
int dk__cslots_reserve(dk__cslots *s)
{
    if (s->free == DK__NIL && s->allocated < s->limit) {
        uint64_t want = s->allocated > 0 ? 2 * (uint64_t)s->allocated : FIRST_SLOTS;
        if (want > s->limit)
            want = s->limit;
        dk__cslot *v = dk_realloc(s->v, (size_t)want * sizeof *v);
        if (v == NULL)
            return 0;
        s->v = v;
        for (uint32_t i = (uint32_t)want; i-- > s->allocated;) {
            v[i].next = s->free;
            s->free = i;
        }
        s->allocated = (uint32_t)want;
    }
    size_t keys = dk_map_size(s->index) + 1;
    if (keys > s->limit)
        keys = (size_t)s->limit;
    return dk_map_reserve(s->index, keys) == DK_OK;
}

/* event_queue.c - pending events in (time, seq) order: a 4-ary heap plus a ring for "now". */
#include "sim/event_queue.h"

#include <string.h>
#include "designkit/alloc.h"

dk_status dk__evq_init(dk__evq *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    if (cap < 16)
        cap = 16;
    q->heap = dk_malloc(cap * sizeof *q->heap);
    q->ring = dk_malloc(16 * sizeof *q->ring);
    if (q->heap == NULL || q->ring == NULL) {
        dk__evq_destroy(q);
        return DK_ENOMEM;
    }
    q->heap_cap = cap;
    q->ring_cap = 16;
    return DK_OK;
}

void dk__evq_destroy(dk__evq *q)
{
    dk_free(q->heap);
    dk_free(q->ring);
    dk_free(q->retired);
    q->heap = q->ring = q->retired = NULL;
    q->holding = 0;
    q->heap_len = q->heap_cap = q->ring_len = q->ring_cap = q->ring_head = 0;
}

/* Doubles the ring, unwrapping its contents to the front of the new buffer. */
dk_status dk__evq_grow_ring(dk__evq *q)
{
    size_t cap = q->ring_cap * 2;
    dk_event *r = dk_malloc(cap * sizeof *r);
    if (r == NULL)
        return DK_ENOMEM;
    size_t first = q->ring_cap - q->ring_head;
    if (first > q->ring_len)
        first = q->ring_len;
    memcpy(r, q->ring + q->ring_head, first * sizeof *r);
    memcpy(r + first, q->ring, (q->ring_len - first) * sizeof *r);
    /* A lent event lives in the buffer of the first growth since dk__evq_next; later ones
     * replace buffers nobody points into. */
    if (q->holding && q->retired == NULL)
        q->retired = q->ring;
    else
        dk_free(q->ring);
    q->ring = r;
    q->ring_cap = cap;
    q->ring_head = 0;
    return DK_OK;
}

void dk__evq_free_retired(dk__evq *q)
{
    dk_free(q->retired);
    q->retired = NULL;
}

/* Doubles the heap; DK_ENOMEM leaves it as it was. */
dk_status dk__evq_grow_heap(dk__evq *q)
{
    size_t cap = q->heap_cap * 2;
    dk_event *h = dk_realloc(q->heap, cap * sizeof *h);
    if (h == NULL)
        return DK_ENOMEM;
    q->heap = h;
    q->heap_cap = cap;
    return DK_OK;
}

dk_status dk__evq_push(dk__evq *q, const dk_event *ev)
{
    if (ev->time < q->now)
        return DK_EINVAL;
    return dk__evq_add(q, ev->time, ev->actor, ev->call, ev->ptr, ev->kind, ev->tag);
}

const dk_event *dk__evq_peek(const dk__evq *q)
{
    const dk_event *r = q->ring_len ? &q->ring[q->ring_head] : NULL;
    const dk_event *h = q->heap_len ? &q->heap[0] : NULL;
    if (r == NULL)
        return h;
    if (h == NULL)
        return r;
    return dk__evq_before(h, r) ? h : r;
}

size_t dk__evq_size(const dk__evq *q)
{
    return q->heap_len + q->ring_len;
}

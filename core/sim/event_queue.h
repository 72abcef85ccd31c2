/* event_queue.h - the simulator's pending events: a 4-ary heap merged with a FIFO ring (internal).
 */
#ifndef DK_SIM_EVENT_QUEUE_H
#define DK_SIM_EVENT_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/sim.h"

/* Events leave in (time, seq) order, seq being the order of dk__evq_push. Most events of a
 * simulation are scheduled for "now" (zero-latency calls, replies, zero service times); those go
 * to a FIFO ring instead of the heap. Ring events all carry the current time and increasing
 * seqs, so the ring is already sorted, and a pop only compares the ring's head with the heap's
 * top: the same order as one heap, with far fewer sift operations. Storage grows by doubling and
 * is never shrunk, so a run in its steady state allocates nothing here. */
typedef struct dk__evq {
    dk_event *heap; /* 4-ary min-heap by (time, seq) of events later than now */
    size_t heap_len, heap_cap;
    dk_event *ring; /* events at exactly `now`, in seq order; capacity a power of two */
    size_t ring_head, ring_len, ring_cap;
    dk_time_t now; /* time of the last event popped */
    uint64_t seq;  /* next sequence number */
} dk__evq;

/* Prepares an empty queue with room for `cap` heap events; DK_ENOMEM. */
dk_status dk__evq_init(dk__evq *q, size_t cap);
void dk__evq_destroy(dk__evq *q); /* frees the storage; the struct may be re-initialised */

/* Adds a copy of *ev, stamping its seq. ev->time must be >= q->now (DK_EINVAL otherwise, as
 * the past cannot be scheduled); DK_ENOMEM when storage cannot grow (the queue is unchanged). */
dk_status dk__evq_push(dk__evq *q, const dk_event *ev);

/* As dk__evq_push, from the fields: the hot path writes each event once, straight into its slot,
 * instead of building it on the stack and copying it (which also stalls store forwarding). The
 * common case, an event for "now", is inline; the heap case is dk__evq_add_later. */
dk_status dk__evq_add_later(dk__evq *q, dk_time_t time, dk_actor_t *actor, dk_call_t *call,
                            void *ptr, uint32_t kind, uint32_t tag);
dk_status dk__evq_grow_ring(dk__evq *q);

static inline dk_status dk__evq_add(dk__evq *q, dk_time_t time, dk_actor_t *actor, dk_call_t *call,
                                    void *ptr, uint32_t kind, uint32_t tag)
{
    if (time != q->now)
        return dk__evq_add_later(q, time, actor, call, ptr, kind, tag);
    if (q->ring_len == q->ring_cap && dk__evq_grow_ring(q) != DK_OK)
        return DK_ENOMEM;
    dk_event *e = &q->ring[(q->ring_head + q->ring_len) & (q->ring_cap - 1)];
    e->time = time;
    e->seq = q->seq++;
    e->actor = actor;
    e->call = call;
    e->ptr = ptr;
    e->kind = kind;
    e->tag = tag;
    q->ring_len++;
    return DK_OK;
}

/* Removes the least event into *out if there is one at or before `until`: returns 1 and
 * advances q->now to its time; 0 (queue unchanged) when empty or the next is later. Inline, as
 * the event loop is its one hot caller. */
static inline int dk__evq_before(const dk_event *a, const dk_event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Places `ev` (the old last element) starting from the root after the top was removed. A
 * 4-ary heap is shallower than a binary one (log4 n levels) and its four children sit in one or
 * two cache lines of 48-byte events, which is what makes sift-down cheap. */
static inline void dk__evq_sift_down(dk_event *h, size_t len, const dk_event *ev)
{
    size_t i = 0;
    for (;;) {
        size_t c = i * 4 + 1;
        if (c >= len)
            break;
        size_t best = c;
        size_t end = c + 4 < len ? c + 4 : len;
        for (size_t k = c + 1; k < end; k++)
            if (dk__evq_before(&h[k], &h[best]))
                best = k;
        if (!dk__evq_before(&h[best], ev))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = *ev;
}

static inline int dk__evq_pop(dk__evq *q, dk_time_t until, dk_event *out)
{
    /* The ring's events are at `now`; a heap event wins only if it is also at `now` and was
     * scheduled earlier (an event pushed with a delay that has just come due). */
    if (q->ring_len != 0) {
        const dk_event *r = &q->ring[q->ring_head];
        if (q->heap_len == 0 || q->heap[0].time > r->time ||
            (q->heap[0].time == r->time && q->heap[0].seq > r->seq)) {
            if (r->time > until)
                return 0;
            *out = *r;
            q->ring_head = (q->ring_head + 1) & (q->ring_cap - 1);
            q->ring_len--;
            return 1;
        }
    }
    if (q->heap_len == 0 || q->heap[0].time > until)
        return 0;
    *out = q->heap[0];
    q->now = out->time;
    if (--q->heap_len > 0)
        dk__evq_sift_down(q->heap, q->heap_len, &q->heap[q->heap_len]);
    return 1;
}

/* The least event without removing it (borrowed until the next push or pop), or NULL. */
const dk_event *dk__evq_peek(const dk__evq *q);

size_t dk__evq_size(const dk__evq *q);

#endif

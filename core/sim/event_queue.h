/* event_queue.h - the simulator's pending events: a 4-ary heap merged with a FIFO ring (internal).
 */
#ifndef DK_SIM_EVENT_QUEUE_H
#define DK_SIM_EVENT_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
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
    dk_event *retired; /* the ring buffer a held event lives in, if the ring grew meanwhile */
    int holding;       /* dk__evq_next lent the ring's head; dk__evq_done releases it */
    dk_time_t now;     /* time of the last event popped */
    uint64_t seq;      /* next sequence number */
} dk__evq;

/* Prepares an empty queue with room for `cap` heap events; DK_ENOMEM. */
dk_status dk__evq_init(dk__evq *q, size_t cap);
void dk__evq_destroy(dk__evq *q); /* frees the storage; the struct may be re-initialised */

/* Adds a copy of *ev, stamping its seq. ev->time must be >= q->now (DK_EINVAL otherwise, as
 * the past cannot be scheduled); DK_ENOMEM when storage cannot grow (the queue is unchanged). */
dk_status dk__evq_push(dk__evq *q, const dk_event *ev);

_Static_assert(offsetof(dk_event, tag) == offsetof(dk_event, kind) + 4 &&
                   sizeof(dk_event) == offsetof(dk_event, kind) + 8,
               "kind and tag end the event, adjacent");

/* Copies an event field by field. A struct copy compiles to 16-byte moves, and reading an event
 * whose fields were written one by one (dk__evq_fill, a moment ago) with loads that span several
 * of those stores defeats store-to-load forwarding: the load waits for the stores to reach the
 * cache. Heap events are moved while young (the one a handler just pushed is often the next
 * popped), so the heap moves them in the pieces they were written in; the empty asm keeps the
 * compiler from merging the pieces back. */
static inline void dk__evq_copy(dk_event *d, const dk_event *s)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__))
    dk_time_t time = s->time;
    uint64_t seq = s->seq;
    dk_actor_t *actor = s->actor;
    dk_call_t *call = s->call;
    void *ptr = s->ptr;
    uint64_t kind_tag; /* kind and tag, adjacent, as the one store that wrote them */
    memcpy(&kind_tag, &s->kind, sizeof kind_tag);
    __asm__("" : "+r"(time), "+r"(seq), "+r"(actor), "+r"(call), "+r"(ptr), "+r"(kind_tag));
    d->time = time;
    d->seq = seq;
    d->actor = actor;
    d->call = call;
    d->ptr = ptr;
    memcpy(&d->kind, &kind_tag, sizeof kind_tag);
#else
    *d = *s;
#endif
}

/* As dk__evq_push, from the fields: the hot path writes each event once, straight into its slot,
 * instead of building it on the stack and copying it (which also stalls store forwarding). All
 * inline, storage growth aside: every event of a run passes through here. `time` must not be
 * before q->now, which the engine's callers guarantee and dk__evq_push checks. */
dk_status dk__evq_grow_ring(dk__evq *q);
dk_status dk__evq_grow_heap(dk__evq *q);

static inline void dk__evq_fill(dk_event *e, dk__evq *q, dk_time_t time, dk_actor_t *actor,
                                dk_call_t *call, void *ptr, uint32_t kind, uint32_t tag)
{
    *e = (dk_event){time, q->seq++, actor, call, ptr, kind, tag};
}

/* Inline in every caller, always: a file that schedules from several places (a client, open
 * and closed) otherwise gets one out-of-line copy, and every event of the run pays a call. */
#if defined(__GNUC__)
#define DK__EVQ_INLINE static inline __attribute__((always_inline))
#else
#define DK__EVQ_INLINE static inline
#endif

DK__EVQ_INLINE dk_status dk__evq_add(dk__evq *q, dk_time_t time, dk_actor_t *actor, dk_call_t *call,
                                     void *ptr, uint32_t kind, uint32_t tag)
{
    if (time == q->now) {
        if (q->ring_len == q->ring_cap && dk__evq_grow_ring(q) != DK_OK)
            return DK_ENOMEM;
        dk__evq_fill(&q->ring[(q->ring_head + q->ring_len) & (q->ring_cap - 1)], q, time, actor,
                     call, ptr, kind, tag);
        q->ring_len++;
        return DK_OK;
    }
    if (q->heap_len == q->heap_cap && dk__evq_grow_heap(q) != DK_OK)
        return DK_ENOMEM;
    /* The new event has the largest seq so far, so it moves above a parent only when strictly
     * earlier in time; the hole moves up and the event is written once, at its place. */
    dk_event *h = q->heap;
    size_t i = q->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (time >= h[parent].time)
            break;
        dk__evq_copy(&h[i], &h[parent]);
        i = parent;
    }
    dk__evq_fill(&h[i], q, time, actor, call, ptr, kind, tag);
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
        dk__evq_copy(&h[i], &h[best]);
        i = best;
    }
    dk__evq_copy(&h[i], ev);
}

/* The event loop's pop: the least event at or before `until`, or NULL. A heap event is copied
 * into *tmp (sifting overwrites the top). A ring event is lent in place, still counted and
 * still at the ring's head, until dk__evq_done: no copy, and no read of a just-written event
 * in pieces that span its field stores, which would defeat store-to-load forwarding. If the
 * handler's pushes make the ring grow meanwhile, the lent event's buffer is retired, not freed.
 */
static inline const dk_event *dk__evq_next(dk__evq *q, dk_time_t until, dk_event *tmp)
{
    /* The ring's events are at `now`; a heap event at `now` was pushed before `now` was reached
     * and so precedes them all: the ring's head goes first unless the heap's top is also at
     * `now`. */
    if (q->ring_len != 0 && (q->heap_len == 0 || q->heap[0].time > q->now)) {
        if (q->now > until)
            return NULL;
        q->holding = 1;
        return &q->ring[q->ring_head];
    }
    if (q->heap_len == 0 || q->heap[0].time > until)
        return NULL;
    dk__evq_copy(tmp, &q->heap[0]);
    q->now = tmp->time;
    if (--q->heap_len > 0)
        dk__evq_sift_down(q->heap, q->heap_len, &q->heap[q->heap_len]);
    return tmp;
}

void dk__evq_free_retired(dk__evq *q);

/* Ends the handling of the event dk__evq_next returned. */
static inline void dk__evq_done(dk__evq *q)
{
    if (q->holding) {
        q->holding = 0;
        q->ring_head = (q->ring_head + 1) & (q->ring_cap - 1);
        q->ring_len--;
        if (q->retired != NULL)
            dk__evq_free_retired(q);
    }
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

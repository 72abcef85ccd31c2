/* event_queue.h - the simulator's pending events: a 4-ary heap merged with a FIFO ring (internal). */
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

/* Removes the least event into *out if there is one at or before `until`: returns 1 and
 * advances q->now to its time; 0 (queue unchanged) when empty or the next is later. */
int dk__evq_pop(dk__evq *q, dk_time_t until, dk_event *out);

/* The least event without removing it (borrowed until the next push or pop), or NULL. */
const dk_event *dk__evq_peek(const dk__evq *q);

size_t dk__evq_size(const dk__evq *q);

#endif

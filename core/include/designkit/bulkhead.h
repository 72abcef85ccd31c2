/* bulkhead.h - a semaphore bulkhead: at most N calls at once, the next ones wait a bounded time. */
#ifndef DESIGNKIT_BULKHEAD_H
#define DESIGNKIT_BULKHEAD_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * resilience4j's semaphore bulkhead on a time argument: `max_concurrent` calls run at once; a
 * call that finds them all busy waits, first come first served, at most `max_wait_ns` (0: it is
 * rejected at once) and only while fewer than `max_waiting` wait. Waiters are the caller's
 * tickets (any 64-bit id): the bulkhead says which waiter a freed slot goes to, and which waited
 * too long. Every waiter waits the same bound, so deadlines expire in arrival order.
 * Not thread-safe; one owner. The queue is allocated once; nothing is allocated per call.
 */
typedef struct dk_bulkhead dk_bulkhead_t;

typedef enum dk_bulkhead_verdict {
    DK_BULKHEAD_ENTERED, /* runs now: call dk_bulkhead_leave when it ends */
    DK_BULKHEAD_WAITING, /* queued: dk_bulkhead_leave or dk_bulkhead_expire will name it */
    DK_BULKHEAD_REJECTED /* full, and no waiting allowed or the queue is full */
} dk_bulkhead_verdict;

/* max_concurrent 1 .. 1e6, max_waiting 0 .. 1e6, max_wait_ns >= 0. Caller frees with
 * dk_bulkhead_free. NULL with `err` naming the bad argument, or DK_ENOMEM. */
dk_bulkhead_t *dk_bulkhead_new(uint32_t max_concurrent, uint32_t max_waiting, int64_t max_wait_ns,
                               dk_error *err);
void dk_bulkhead_free(dk_bulkhead_t *b); /* NULL is a no-op */

/* A call arriving at `now` with the caller's `ticket`. Overdue waiters still hold their place in
 * the queue until dk_bulkhead_expire pops them: call it first to make room. */
dk_bulkhead_verdict dk_bulkhead_enter(dk_bulkhead_t *b, int64_t now, uint64_t ticket);

/* A running call ended at `now`: its slot goes to the oldest waiter still within its wait, whose
 * ticket is stored in `*granted` (returns 1), or becomes free (returns 0). Waiters overdue by then
 * are passed over (they stay for dk_bulkhead_expire). DK_ASSERTs that a call was running. */
int dk_bulkhead_leave(dk_bulkhead_t *b, int64_t now, uint64_t *granted);

/* Pops one waiter whose wait was over at `now` into `*ticket` (returns 1), or returns 0 when
 * none is: call until 0 to learn every timed-out ticket. */
int dk_bulkhead_expire(dk_bulkhead_t *b, int64_t now, uint64_t *ticket);

typedef struct dk_bulkhead_stats {
    uint32_t active, waiting;
    uint64_t entered, waited, rejected, timed_out;
} dk_bulkhead_stats;
void dk_bulkhead_stats_get(const dk_bulkhead_t *b, dk_bulkhead_stats *out);

#ifdef __cplusplus
}
#endif
#endif

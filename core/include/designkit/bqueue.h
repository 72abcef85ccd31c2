/* bqueue.h - a bounded blocking queue of pointers: a mutex, two condition variables, timeouts
 * on the monotonic clock, and a close that wakes every waiter. */
#ifndef DESIGNKIT_BQUEUE_H
#define DESIGNKIT_BQUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most items a queue may hold: the slots are allocated up front. */
#define DK_BQUEUE_MAX_CAPACITY ((size_t)1 << 24)

typedef struct dk_bqueue dk_bqueue_t;

/*
 * dk_bqueue_new - an empty open queue of `capacity` slots (1 .. DK_BQUEUE_MAX_CAPACITY, taken
 * as given: no rounding). The caller frees it with dk_bqueue_free. NULL with `err` naming
 * "capacity" when it is out of range (DK_EINVAL), DK_ENOMEM, or DK_EINTERNAL when pthreads
 * refuses a mutex or a condition variable.
 */
dk_bqueue_t *dk_bqueue_new(size_t capacity, dk_error *err);
/* Frees the queue, not the items still in it (pop them first). No thread may be inside a call
 * on it. NULL is a no-op. */
void dk_bqueue_free(dk_bqueue_t *q);

/*
 * dk_bqueue_push - appends `item`, waiting while the queue is full: `timeout_ns` 0 never waits
 * (a try), < 0 waits forever, > 0 waits that long at most (CLOCK_MONOTONIC, so a change of the
 * wall clock neither shortens nor stretches it). DK_OK; DK_ELIMIT when the time ran out with
 * the queue still full; DK_ESTATE when the queue is closed (before or while waiting): the item
 * was not taken.
 */
dk_status dk_bqueue_push(dk_bqueue_t *q, void *item, int64_t timeout_ns);
/*
 * dk_bqueue_pop - takes the oldest item into `*item`, waiting while the queue is empty, with
 * `timeout_ns` as for push. DK_OK; DK_ELIMIT when the time ran out with the queue empty;
 * DK_ESTATE when the queue is closed and empty (a closed queue still gives what it holds).
 */
dk_status dk_bqueue_pop(dk_bqueue_t *q, void **item, int64_t timeout_ns);
/* Closes the queue: later pushes fail, pops drain what is left, and every waiting thread wakes
 * (pushers with DK_ESTATE, poppers with an item or DK_ESTATE). Idempotent. */
void dk_bqueue_close(dk_bqueue_t *q);
int dk_bqueue_is_closed(dk_bqueue_t *q);
/* Items held now (a snapshot: other threads may change it at once). */
size_t dk_bqueue_len(dk_bqueue_t *q);
size_t dk_bqueue_capacity(const dk_bqueue_t *q);

#ifdef __cplusplus
}
#endif
#endif

/* sync.h - locks and coordination: a mutex, a reader-writer lock with a writer-preference
 * option, a counting semaphore, a countdown latch and a cyclic barrier. */
#ifndef DESIGNKIT_SYNC_H
#define DESIGNKIT_SYNC_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Timeouts, as everywhere in concurrency: `timeout_ns` 0 never waits (a try), < 0 waits
 * forever, > 0 waits that long at most. A wait that runs out of time returns DK_ELIMIT and
 * leaves the object as it was. Condition-variable waits use CLOCK_MONOTONIC; the mutex's timed
 * lock is pthread_mutex_timedlock's, on CLOCK_REALTIME (a jump of the wall clock moves it).
 *
 * Names: every lock may be given a name (copied; NULL gives "mutex 0x..."), used by lock-order
 * checking (lockorder.h) to report it.
 */

typedef struct dk_mutex dk_mutex_t;
typedef struct dk_rwlock dk_rwlock_t;
typedef struct dk_semaphore dk_semaphore_t;
typedef struct dk_latch dk_latch_t;
typedef struct dk_barrier dk_barrier_t;

/* ---- mutex: pthread_mutex of the error-checking kind, so misuse is reported, not undefined */

/* A new unlocked mutex; the caller frees it with dk_mutex_free (unlocked, no waiter). NULL with
 * `err` on DK_ENOMEM or DK_EINTERNAL (pthreads refused). */
dk_mutex_t *dk_mutex_new(const char *name, dk_error *err);
void dk_mutex_free(dk_mutex_t *m); /* NULL is a no-op */
/* Locks `m`, waiting as `timeout_ns` says. DK_OK; DK_ELIMIT when it stayed locked; DK_ESTATE
 * when the calling thread already holds it (waiting would deadlock). */
dk_status dk_mutex_lock(dk_mutex_t *m, int64_t timeout_ns);
/* DK_OK; DK_ESTATE when the calling thread does not hold `m` (nothing changes). */
dk_status dk_mutex_unlock(dk_mutex_t *m);
const char *dk_mutex_name(const dk_mutex_t *m); /* borrowed */

/* ---- reader-writer lock: our own, on a mutex and two condition variables, so the policy is
 * ours to state. Many readers or one writer. With `writer_preference`, a waiting writer stops
 * new readers from entering (readers cannot starve writers; writers may starve readers).
 * Without it, a reader enters whenever no writer holds the lock, even with writers waiting
 * (a steady flow of readers can starve a writer). Not recursive for writers; a reader that
 * read-locks again while a writer waits with writer preference deadlocks, as with any
 * writer-preferring lock. */

dk_rwlock_t *dk_rwlock_new(const char *name, int writer_preference, dk_error *err);
void dk_rwlock_free(dk_rwlock_t *l); /* unlocked, no waiter; NULL is a no-op */
/* DK_OK; DK_ELIMIT on timeout; DK_ESTATE when the caller holds the write lock. */
dk_status dk_rwlock_read_lock(dk_rwlock_t *l, int64_t timeout_ns);
/* DK_OK; DK_ESTATE when no reader holds the lock. Which thread read-locked is not recorded
 * here (the Lua binding records it per state). */
dk_status dk_rwlock_read_unlock(dk_rwlock_t *l);
/* DK_OK; DK_ELIMIT on timeout; DK_ESTATE when the caller already holds the write lock. */
dk_status dk_rwlock_write_lock(dk_rwlock_t *l, int64_t timeout_ns);
/* DK_OK; DK_ESTATE when the caller does not hold the write lock. */
dk_status dk_rwlock_write_unlock(dk_rwlock_t *l);
const char *dk_rwlock_name(const dk_rwlock_t *l); /* borrowed */
/* A snapshot, for tests and tools: readers inside, writers waiting, whether a writer holds it. */
void dk_rwlock_state(dk_rwlock_t *l, int *readers, int *writers_waiting, int *writing);

/* ---- counting semaphore */

/* `initial` permits (>= 0); `max` > 0 bounds the count (a release past it is refused), 0 means
 * unbounded. NULL with `err` naming "initial" or "max" (DK_EINVAL), DK_ENOMEM, DK_EINTERNAL. */
dk_semaphore_t *dk_semaphore_new(int64_t initial, int64_t max, dk_error *err);
void dk_semaphore_free(dk_semaphore_t *s); /* no waiter; NULL is a no-op */
/* Takes one permit. DK_OK; DK_ELIMIT on timeout. */
dk_status dk_semaphore_acquire(dk_semaphore_t *s, int64_t timeout_ns);
/* Returns `n` (> 0) permits. DK_OK; DK_EINVAL for n <= 0; DK_ERANGE when the count would pass
 * its max (nothing is released). */
dk_status dk_semaphore_release(dk_semaphore_t *s, int64_t n);
int64_t dk_semaphore_count(dk_semaphore_t *s); /* a snapshot */

/* ---- countdown latch: opens once its count reaches zero, and stays open */

dk_latch_t *dk_latch_new(int64_t count, dk_error *err); /* count >= 0, else DK_EINVAL */
void dk_latch_free(dk_latch_t *l);                      /* no waiter; NULL is a no-op */
/* Counts down by `n` (> 0). DK_OK; DK_EINVAL for n <= 0; DK_ERANGE when n is more than what is
 * left (a miscounted protocol is a bug to report, not to clamp). */
dk_status dk_latch_count_down(dk_latch_t *l, int64_t n);
/* Waits until the count is zero. DK_OK; DK_ELIMIT on timeout. */
dk_status dk_latch_wait(dk_latch_t *l, int64_t timeout_ns);
int64_t dk_latch_count(dk_latch_t *l); /* a snapshot */

/* ---- cyclic barrier: `parties` threads meet, then it resets for the next generation */

dk_barrier_t *dk_barrier_new(int parties, dk_error *err); /* parties >= 1, else DK_EINVAL */
void dk_barrier_free(dk_barrier_t *b);                    /* no waiter; NULL is a no-op */
/* Waits until `parties` threads have called it in this generation. DK_OK, with `*serial` (may
 * be NULL) set to 1 in exactly one thread of the generation, the last to arrive, and 0 in the
 * others; DK_ELIMIT on timeout, when the caller withdraws from the generation (the others go
 * on waiting for someone to take its place). */
dk_status dk_barrier_wait(dk_barrier_t *b, int64_t timeout_ns, int *serial);
int dk_barrier_parties(const dk_barrier_t *b);
/* Completed generations so far. */
uint64_t dk_barrier_generation(dk_barrier_t *b);

#ifdef __cplusplus
}
#endif
#endif

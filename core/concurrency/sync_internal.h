/* sync_internal.h - what the lock files of core/concurrency share: deadlines, condition
 * variables on the monotonic clock, and the hooks of lock-order checking. */
#ifndef DK_SYNC_INTERNAL_H
#define DK_SYNC_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "designkit/status.h"

/* The absolute time `timeout_ns` (> 0) from now on `clock`. */
static inline struct timespec dk__deadline(clockid_t clock, int64_t timeout_ns)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    int64_t sec = timeout_ns / 1000000000, nsec = ts.tv_nsec + timeout_ns % 1000000000;
    if (nsec >= 1000000000) {
        sec++;
        nsec -= 1000000000;
    }
    ts.tv_sec += (time_t)sec;
    ts.tv_nsec = (long)nsec;
    return ts;
}

/* A condition variable whose timed waits use CLOCK_MONOTONIC. 0 or an errno. */
static inline int dk__cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    int rc = pthread_condattr_init(&a);
    if (rc == 0) {
        rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
        if (rc == 0)
            rc = pthread_cond_init(c, &a);
        pthread_condattr_destroy(&a);
    }
    return rc;
}

/* One wait on `c` until `deadline` (NULL: forever). 0, or ETIMEDOUT once it has passed. The
 * caller loops on its own predicate: a wakeup may be spurious. */
static inline int dk__cond_wait(pthread_cond_t *c, pthread_mutex_t *mu,
                                const struct timespec *deadline)
{
    if (deadline == NULL)
        return pthread_cond_wait(c, mu);
    return pthread_cond_timedwait(c, mu, deadline);
}

/* Waits on `c` (under `mu`) while `cond` holds, with `timeout_ns` as sync.h states; evaluates to
 * DK_OK once `cond` is false, DK_ELIMIT when the time ran out first. A macro so the predicate
 * is re-read after each wakeup. */
#define DK__WAIT_WHILE(cond, c, mu, timeout_ns, status)                                            \
    do {                                                                                           \
        struct timespec dk__dl;                                                                    \
        const struct timespec *dk__dlp = NULL;                                                     \
        if ((timeout_ns) > 0) {                                                                    \
            dk__dl = dk__deadline(CLOCK_MONOTONIC, (timeout_ns));                                  \
            dk__dlp = &dk__dl;                                                                     \
        }                                                                                          \
        (status) = DK_OK;                                                                          \
        while (cond) {                                                                             \
            if ((timeout_ns) == 0 || dk__cond_wait((c), (mu), dk__dlp) == ETIMEDOUT) {             \
                if (cond)                                                                          \
                    (status) = DK_ELIMIT;                                                          \
                break;                                                                             \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* ---- lock-order checking (lockorder.c) */

/* 0 when checking is off, else the generation it was turned on in (each thread's stack of held
 * locks is valid for one generation). Read relaxed on every lock and unlock: the flag orders
 * nothing, and a thread that sees it a little late misses a few acquisitions, which a debugging
 * mode can afford. */
extern atomic_uint dk__lockorder_generation;

static inline int dk__lockorder_on(void)
{
    return atomic_load_explicit(&dk__lockorder_generation, memory_order_relaxed) != 0;
}

/* Before a blocking acquisition of `lock`: adds held -> lock edges (before waiting, so that a
 * run that really deadlocks has reported the cycle first). */
void dk__lockorder_before(const void *lock, const char *name);
/* After any successful acquisition: pushes `lock` on the thread's stack. */
void dk__lockorder_acquired(const void *lock, const char *name);
/* After a release: pops `lock` from the thread's stack. */
void dk__lockorder_released(const void *lock);
/* A lock is destroyed: its node and edges go (its address may be reused). */
void dk__lockorder_forget(const void *lock);

/* A number unique to the calling thread while it lives (never 0). */
uintptr_t dk__thread_id(void);

/* The name a lock reports: a copy of `name`, or "<kind> 0x..." for NULL. dk_free it. */
char *dk__lock_name(const char *kind, const char *name, const void *lock);

#endif

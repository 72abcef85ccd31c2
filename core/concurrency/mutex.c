/* mutex.c - a mutex on pthread_mutex (error-checking, so misuse is reported), with try and
 * timed locks, and the lock-order hooks. */
#include "designkit/sync.h"

#include <errno.h>
#include <pthread.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "sync_internal.h"

struct dk_mutex {
    pthread_mutex_t mu;
    /* The holder's dk__thread_id(), 0 when free: lets a failed try tell "held by me" from
     * "held by another". Relaxed: only the holder writes its own id, so a thread comparing
     * against its own id reads either what it wrote itself (program order) or another value,
     * never a stale copy of its own. */
    atomic_uintptr_t owner;
    char *name;
};

uintptr_t dk__thread_id(void)
{
    static _Thread_local char marker;
    return (uintptr_t)&marker;
}

char *dk__lock_name(const char *kind, const char *name, const void *lock)
{
    if (name != NULL)
        return dk_strdup(name);
    char buf[64];
    dk_snprintf(buf, sizeof buf, "%s %p", kind, lock);
    return dk_strdup(buf);
}

dk_mutex_t *dk_mutex_new(const char *name, dk_error *err)
{
    dk_mutex_t *m = dk_calloc(1, sizeof *m);
    if (m == NULL || (m->name = dk__lock_name("mutex", name, m)) == NULL) {
        dk_free(m);
        dk_error_set(err, DK_ENOMEM, "mutex: out of memory");
        return NULL;
    }
    pthread_mutexattr_t a;
    int rc = pthread_mutexattr_init(&a);
    if (rc == 0) {
        /* Error-checking: relocking by the owner and unlocking by another thread return
         * EDEADLK and EPERM instead of being undefined. */
        rc = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
        if (rc == 0)
            rc = pthread_mutex_init(&m->mu, &a);
        pthread_mutexattr_destroy(&a);
    }
    if (rc != 0) {
        dk_free(m->name);
        dk_free(m);
        dk_error_set(err, DK_EINTERNAL, "mutex: pthread_mutex_init failed (errno %d)", rc);
        return NULL;
    }
    return m;
}

void dk_mutex_free(dk_mutex_t *m)
{
    if (m == NULL)
        return;
    dk__lockorder_forget(m);
    pthread_mutex_destroy(&m->mu);
    dk_free(m->name);
    dk_free(m);
}

dk_status dk_mutex_lock(dk_mutex_t *m, int64_t timeout_ns)
{
    int rc;
    if (timeout_ns == 0) {
        rc = pthread_mutex_trylock(&m->mu);
        /* trylock says EBUSY to the holder too: tell it apart, as a blocking lock would. */
        if (rc == EBUSY && atomic_load_explicit(&m->owner, memory_order_relaxed) == dk__thread_id())
            rc = EDEADLK;
    } else {
        if (dk__lockorder_on())
            dk__lockorder_before(m, m->name);
        if (timeout_ns < 0) {
            rc = pthread_mutex_lock(&m->mu);
        } else {
            struct timespec dl = dk__deadline(CLOCK_REALTIME, timeout_ns);
            rc = pthread_mutex_timedlock(&m->mu, &dl);
        }
    }
    if (rc == EDEADLK)
        return DK_ESTATE;
    if (rc == EBUSY || rc == ETIMEDOUT)
        return DK_ELIMIT;
    if (rc != 0)
        return DK_EINTERNAL;
    atomic_store_explicit(&m->owner, dk__thread_id(), memory_order_relaxed);
    if (dk__lockorder_on())
        dk__lockorder_acquired(m, m->name);
    return DK_OK;
}

dk_status dk_mutex_unlock(dk_mutex_t *m)
{
    if (atomic_load_explicit(&m->owner, memory_order_relaxed) != dk__thread_id())
        return DK_ESTATE; /* pthreads would say EPERM too; checked first to keep `owner` ours */
    atomic_store_explicit(&m->owner, 0, memory_order_relaxed);
    int rc = pthread_mutex_unlock(&m->mu);
    if (rc == EPERM)
        return DK_ESTATE;
    if (rc != 0)
        return DK_EINTERNAL;
    if (dk__lockorder_on())
        dk__lockorder_released(m);
    return DK_OK;
}

const char *dk_mutex_name(const dk_mutex_t *m)
{
    return m->name;
}

/* rwlock.c - a reader-writer lock on a mutex and two condition variables, with an optional
 * writer preference that is ours to state (pthread_rwlock's policy is the platform's). */
#include "designkit/sync.h"

#include "designkit/alloc.h"
#include "sync_internal.h"

struct dk_rwlock {
    pthread_mutex_t mu;
    pthread_cond_t readers_cv; /* readers wait here for the writer (or waiting writers) to go */
    pthread_cond_t writers_cv; /* writers wait here for the lock to empty */
    int readers;               /* readers inside */
    int writers_waiting;
    int writing;      /* a writer is inside */
    uintptr_t writer; /* its dk__thread_id(), read and written under mu */
    int prefer_writer;
    char *name;
};

dk_rwlock_t *dk_rwlock_new(const char *name, int writer_preference, dk_error *err)
{
    dk_rwlock_t *l = dk_calloc(1, sizeof *l);
    if (l == NULL || (l->name = dk__lock_name("rwlock", name, l)) == NULL) {
        dk_free(l);
        dk_error_set(err, DK_ENOMEM, "rwlock: out of memory");
        return NULL;
    }
    l->prefer_writer = writer_preference != 0;
    int rc = pthread_mutex_init(&l->mu, NULL);
    if (rc == 0 && (rc = dk__cond_init(&l->readers_cv)) != 0)
        pthread_mutex_destroy(&l->mu);
    if (rc == 0 && (rc = dk__cond_init(&l->writers_cv)) != 0) {
        pthread_cond_destroy(&l->readers_cv);
        pthread_mutex_destroy(&l->mu);
    }
    if (rc != 0) {
        dk_free(l->name);
        dk_free(l);
        dk_error_set(err, DK_EINTERNAL, "rwlock: pthreads refused (errno %d)", rc);
        return NULL;
    }
    return l;
}

void dk_rwlock_free(dk_rwlock_t *l)
{
    if (l == NULL)
        return;
    dk__lockorder_forget(l);
    pthread_cond_destroy(&l->writers_cv);
    pthread_cond_destroy(&l->readers_cv);
    pthread_mutex_destroy(&l->mu);
    dk_free(l->name);
    dk_free(l);
}

/* Whether a reader must wait: a writer inside, or (with writer preference) one waiting. The
 * second clause is the whole policy. */
static int reader_blocked(const dk_rwlock_t *l)
{
    return l->writing || (l->prefer_writer && l->writers_waiting > 0);
}

dk_status dk_rwlock_read_lock(dk_rwlock_t *l, int64_t timeout_ns)
{
    if (timeout_ns != 0 && dk__lockorder_on())
        dk__lockorder_before(l, l->name);
    dk_status st;
    pthread_mutex_lock(&l->mu);
    if (l->writing && l->writer == dk__thread_id()) {
        pthread_mutex_unlock(&l->mu);
        return DK_ESTATE;
    }
    DK__WAIT_WHILE(reader_blocked(l), &l->readers_cv, &l->mu, timeout_ns, st);
    if (st == DK_OK)
        l->readers++;
    pthread_mutex_unlock(&l->mu);
    if (st == DK_OK && dk__lockorder_on())
        dk__lockorder_acquired(l, l->name);
    return st;
}

dk_status dk_rwlock_read_unlock(dk_rwlock_t *l)
{
    pthread_mutex_lock(&l->mu);
    if (l->readers == 0) {
        pthread_mutex_unlock(&l->mu);
        return DK_ESTATE;
    }
    if (--l->readers == 0 && l->writers_waiting > 0)
        pthread_cond_signal(&l->writers_cv);
    pthread_mutex_unlock(&l->mu);
    if (dk__lockorder_on())
        dk__lockorder_released(l);
    return DK_OK;
}

dk_status dk_rwlock_write_lock(dk_rwlock_t *l, int64_t timeout_ns)
{
    if (timeout_ns != 0 && dk__lockorder_on())
        dk__lockorder_before(l, l->name);
    dk_status st;
    pthread_mutex_lock(&l->mu);
    if (l->writing && l->writer == dk__thread_id()) {
        pthread_mutex_unlock(&l->mu);
        return DK_ESTATE;
    }
    l->writers_waiting++;
    DK__WAIT_WHILE(l->writing || l->readers > 0, &l->writers_cv, &l->mu, timeout_ns, st);
    l->writers_waiting--;
    if (st == DK_OK) {
        l->writing = 1;
        l->writer = dk__thread_id();
    } else if (l->writers_waiting == 0 && !l->writing) {
        /* With writer preference, readers were held back for us alone: let them in. */
        pthread_cond_broadcast(&l->readers_cv);
    }
    pthread_mutex_unlock(&l->mu);
    if (st == DK_OK && dk__lockorder_on())
        dk__lockorder_acquired(l, l->name);
    return st;
}

dk_status dk_rwlock_write_unlock(dk_rwlock_t *l)
{
    pthread_mutex_lock(&l->mu);
    if (!l->writing || l->writer != dk__thread_id()) {
        pthread_mutex_unlock(&l->mu);
        return DK_ESTATE;
    }
    l->writing = 0;
    l->writer = 0;
    /* Wake both kinds: which goes first is decided by reader_blocked, not by who wakes. */
    if (l->writers_waiting > 0)
        pthread_cond_signal(&l->writers_cv);
    pthread_cond_broadcast(&l->readers_cv);
    pthread_mutex_unlock(&l->mu);
    if (dk__lockorder_on())
        dk__lockorder_released(l);
    return DK_OK;
}

const char *dk_rwlock_name(const dk_rwlock_t *l)
{
    return l->name;
}

void dk_rwlock_state(dk_rwlock_t *l, int *readers, int *writers_waiting, int *writing)
{
    pthread_mutex_lock(&l->mu);
    if (readers)
        *readers = l->readers;
    if (writers_waiting)
        *writers_waiting = l->writers_waiting;
    if (writing)
        *writing = l->writing;
    pthread_mutex_unlock(&l->mu);
}

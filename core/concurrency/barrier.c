/* barrier.c - a cyclic barrier: `parties` threads meet, the last one through is the serial
 * thread, and the barrier is ready for the next generation at once. */
#include "designkit/sync.h"

#include "designkit/alloc.h"
#include "sync_internal.h"

struct dk_barrier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int parties, arrived;
    /* Waiters wait for the generation to change, not for `arrived` to reach anything: the
     * last arrival resets `arrived` for the next generation before the others wake, so a
     * count would be reused too soon (a fast thread could join the next generation and be
     * counted before a slow one of this generation has left). */
    uint64_t generation;
};

dk_barrier_t *dk_barrier_new(int parties, dk_error *err)
{
    if (parties < 1) {
        dk_error_set(err, DK_EINVAL, "barrier: parties must be >= 1, got %d", parties);
        return NULL;
    }
    dk_barrier_t *b = dk_calloc(1, sizeof *b);
    if (b == NULL) {
        dk_error_set(err, DK_ENOMEM, "barrier: out of memory");
        return NULL;
    }
    int rc = pthread_mutex_init(&b->mu, NULL);
    if (rc == 0 && (rc = dk__cond_init(&b->cv)) != 0)
        pthread_mutex_destroy(&b->mu);
    if (rc != 0) {
        dk_free(b);
        dk_error_set(err, DK_EINTERNAL, "barrier: pthreads refused (errno %d)", rc);
        return NULL;
    }
    b->parties = parties;
    return b;
}

void dk_barrier_free(dk_barrier_t *b)
{
    if (b == NULL)
        return;
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    dk_free(b);
}

dk_status dk_barrier_wait(dk_barrier_t *b, int64_t timeout_ns, int *serial)
{
    dk_status st = DK_OK;
    int last = 0;
    pthread_mutex_lock(&b->mu);
    uint64_t gen = b->generation;
    if (++b->arrived == b->parties) {
        b->arrived = 0;
        b->generation++;
        last = 1;
        pthread_cond_broadcast(&b->cv);
    } else {
        DK__WAIT_WHILE(b->generation == gen, &b->cv, &b->mu, timeout_ns, st);
        if (st != DK_OK)
            b->arrived--; /* withdraw: this generation still needs someone in our place */
    }
    pthread_mutex_unlock(&b->mu);
    if (serial)
        *serial = last;
    return st;
}

int dk_barrier_parties(const dk_barrier_t *b)
{
    return b->parties;
}

uint64_t dk_barrier_generation(dk_barrier_t *b)
{
    pthread_mutex_lock(&b->mu);
    uint64_t g = b->generation;
    pthread_mutex_unlock(&b->mu);
    return g;
}

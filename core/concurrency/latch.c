/* latch.c - a countdown latch: waiters pass once the count reaches zero, for good. */
#include "designkit/sync.h"

#include "designkit/alloc.h"
#include "sync_internal.h"

struct dk_latch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t count;
};

dk_latch_t *dk_latch_new(int64_t count, dk_error *err)
{
    if (count < 0) {
        dk_error_set(err, DK_EINVAL, "latch: count must be >= 0, got %lld", (long long)count);
        return NULL;
    }
    dk_latch_t *l = dk_calloc(1, sizeof *l);
    if (l == NULL) {
        dk_error_set(err, DK_ENOMEM, "latch: out of memory");
        return NULL;
    }
    int rc = pthread_mutex_init(&l->mu, NULL);
    if (rc == 0 && (rc = dk__cond_init(&l->cv)) != 0)
        pthread_mutex_destroy(&l->mu);
    if (rc != 0) {
        dk_free(l);
        dk_error_set(err, DK_EINTERNAL, "latch: pthreads refused (errno %d)", rc);
        return NULL;
    }
    l->count = count;
    return l;
}

void dk_latch_free(dk_latch_t *l)
{
    if (l == NULL)
        return;
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    dk_free(l);
}

dk_status dk_latch_count_down(dk_latch_t *l, int64_t n)
{
    if (n <= 0)
        return DK_EINVAL;
    pthread_mutex_lock(&l->mu);
    if (n > l->count) {
        pthread_mutex_unlock(&l->mu);
        return DK_ERANGE;
    }
    l->count -= n;
    if (l->count == 0)
        pthread_cond_broadcast(&l->cv); /* every waiter passes, for good */
    pthread_mutex_unlock(&l->mu);
    return DK_OK;
}

dk_status dk_latch_wait(dk_latch_t *l, int64_t timeout_ns)
{
    dk_status st;
    pthread_mutex_lock(&l->mu);
    DK__WAIT_WHILE(l->count > 0, &l->cv, &l->mu, timeout_ns, st);
    pthread_mutex_unlock(&l->mu);
    return st;
}

int64_t dk_latch_count(dk_latch_t *l)
{
    pthread_mutex_lock(&l->mu);
    int64_t c = l->count;
    pthread_mutex_unlock(&l->mu);
    return c;
}

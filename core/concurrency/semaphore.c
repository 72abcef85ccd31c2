/* semaphore.c - a counting semaphore with an optional bound, on a mutex and a condition
 * variable. */
#include "designkit/sync.h"

#include "designkit/alloc.h"
#include "sync_internal.h"

struct dk_semaphore {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t count, max; /* max 0: unbounded */
};

dk_semaphore_t *dk_semaphore_new(int64_t initial, int64_t max, dk_error *err)
{
    if (max < 0) {
        dk_error_set(err, DK_EINVAL, "semaphore: max must be >= 0 (0: unbounded), got %lld",
                     (long long)max);
        return NULL;
    }
    if (initial < 0 || (max > 0 && initial > max)) {
        dk_error_set(err, DK_EINVAL, "semaphore: initial must be between 0 and %s, got %lld",
                     max > 0 ? "max" : "any count", (long long)initial);
        return NULL;
    }
    dk_semaphore_t *s = dk_calloc(1, sizeof *s);
    if (s == NULL) {
        dk_error_set(err, DK_ENOMEM, "semaphore: out of memory");
        return NULL;
    }
    int rc = pthread_mutex_init(&s->mu, NULL);
    if (rc == 0 && (rc = dk__cond_init(&s->cv)) != 0)
        pthread_mutex_destroy(&s->mu);
    if (rc != 0) {
        dk_free(s);
        dk_error_set(err, DK_EINTERNAL, "semaphore: pthreads refused (errno %d)", rc);
        return NULL;
    }
    s->count = initial;
    s->max = max;
    return s;
}

void dk_semaphore_free(dk_semaphore_t *s)
{
    if (s == NULL)
        return;
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    dk_free(s);
}

dk_status dk_semaphore_acquire(dk_semaphore_t *s, int64_t timeout_ns)
{
    dk_status st;
    pthread_mutex_lock(&s->mu);
    DK__WAIT_WHILE(s->count == 0, &s->cv, &s->mu, timeout_ns, st);
    if (st == DK_OK)
        s->count--;
    pthread_mutex_unlock(&s->mu);
    return st;
}

dk_status dk_semaphore_release(dk_semaphore_t *s, int64_t n)
{
    if (n <= 0)
        return DK_EINVAL;
    pthread_mutex_lock(&s->mu);
    if (s->max > 0 && n > s->max - s->count) {
        pthread_mutex_unlock(&s->mu);
        return DK_ERANGE;
    }
    if (s->max == 0 && n > INT64_MAX - s->count) {
        pthread_mutex_unlock(&s->mu);
        return DK_ERANGE;
    }
    s->count += n;
    /* One waiter per permit; a broadcast for one permit would wake a herd to find one. */
    if (n == 1)
        pthread_cond_signal(&s->cv);
    else
        pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return DK_OK;
}

int64_t dk_semaphore_count(dk_semaphore_t *s)
{
    pthread_mutex_lock(&s->mu);
    int64_t c = s->count;
    pthread_mutex_unlock(&s->mu);
    return c;
}

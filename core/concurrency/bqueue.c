/* bqueue.c - the bounded blocking queue: a circular array under one mutex, with one condition
 * variable for "not full" and one for "not empty". */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "designkit/alloc.h"
#include "designkit/bqueue.h"

struct dk_bqueue {
    pthread_mutex_t lock;
    pthread_cond_t not_full;  /* pushers wait here */
    pthread_cond_t not_empty; /* poppers wait here */
    size_t capacity;
    size_t head; /* the oldest item's slot */
    size_t len;
    /* Waiters counted so that a push or pop signals only when someone sleeps: a signal with
     * nobody waiting is a system call for nothing on the fast path. */
    unsigned push_waiters, pop_waiters;
    int closed;
    void **slots;
};

/* The condition variables wait on CLOCK_MONOTONIC, so a deadline is on that clock too. */
static int make_cond(pthread_cond_t *c)
{
    pthread_condattr_t a;
    if (pthread_condattr_init(&a) != 0)
        return -1;
    int rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc == 0 ? 0 : -1;
}

dk_bqueue_t *dk_bqueue_new(size_t capacity, dk_error *err)
{
    if (capacity == 0 || capacity > DK_BQUEUE_MAX_CAPACITY) {
        dk_error_set(err, DK_EINVAL, "capacity must be between 1 and %zu (got %zu)",
                     (size_t)DK_BQUEUE_MAX_CAPACITY, capacity);
        return NULL;
    }
    dk_bqueue_t *q = dk_calloc(1, sizeof *q);
    void **slots = dk_calloc(capacity, sizeof *slots);
    if (q == NULL || slots == NULL) {
        dk_free(q);
        dk_free(slots);
        dk_error_set(err, DK_ENOMEM, "out of memory for a queue of %zu items", capacity);
        return NULL;
    }
    q->slots = slots;
    q->capacity = capacity;
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        dk_free(slots);
        dk_free(q);
        dk_error_set(err, DK_EINTERNAL, "queue: pthread_mutex_init failed");
        return NULL;
    }
    if (make_cond(&q->not_full) != 0) {
        pthread_mutex_destroy(&q->lock);
        dk_free(slots);
        dk_free(q);
        dk_error_set(err, DK_EINTERNAL, "queue: pthread_cond_init failed");
        return NULL;
    }
    if (make_cond(&q->not_empty) != 0) {
        pthread_cond_destroy(&q->not_full);
        pthread_mutex_destroy(&q->lock);
        dk_free(slots);
        dk_free(q);
        dk_error_set(err, DK_EINTERNAL, "queue: pthread_cond_init failed");
        return NULL;
    }
    return q;
}

void dk_bqueue_free(dk_bqueue_t *q)
{
    if (q == NULL)
        return;
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pthread_mutex_destroy(&q->lock);
    dk_free(q->slots);
    dk_free(q);
}

/* The monotonic instant `ns` from now, saturated so that a huge timeout cannot wrap. */
static struct timespec deadline_after(int64_t ns)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    const int64_t max_sec = INT64_MAX / 2; /* far enough; time_t is 64-bit on our targets */
    int64_t sec = ns / 1000000000 + t.tv_sec;
    long nsec = (long)(ns % 1000000000) + t.tv_nsec;
    if (nsec >= 1000000000) {
        nsec -= 1000000000;
        sec++;
    }
    if (sec > max_sec || sec < t.tv_sec)
        sec = max_sec;
    t.tv_sec = (time_t)sec;
    t.tv_nsec = nsec;
    return t;
}

/* Waits on `c` once: 0 on a wake-up (perhaps spurious: the caller re-checks), -1 once the
 * deadline has passed. */
static int wait_once(dk_bqueue_t *q, pthread_cond_t *c, int64_t timeout_ns,
                     const struct timespec *deadline)
{
    if (timeout_ns < 0) {
        pthread_cond_wait(c, &q->lock);
        return 0;
    }
    return pthread_cond_timedwait(c, &q->lock, deadline) == ETIMEDOUT ? -1 : 0;
}

dk_status dk_bqueue_push(dk_bqueue_t *q, void *item, int64_t timeout_ns)
{
    struct timespec deadline = {0, 0};
    if (timeout_ns > 0)
        deadline = deadline_after(timeout_ns);
    pthread_mutex_lock(&q->lock);
    /* A loop, not an if: a wake-up may be spurious, or another pusher may fill the slot that
     * freed up before this thread runs again. */
    while (!q->closed && q->len == q->capacity) {
        if (timeout_ns == 0) {
            pthread_mutex_unlock(&q->lock);
            return DK_ELIMIT;
        }
        q->push_waiters++;
        int timed_out = wait_once(q, &q->not_full, timeout_ns, &deadline);
        q->push_waiters--;
        if (timed_out && !q->closed && q->len == q->capacity) {
            pthread_mutex_unlock(&q->lock);
            return DK_ELIMIT;
        }
    }
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        return DK_ESTATE;
    }
    size_t tail = q->head + q->len;
    if (tail >= q->capacity)
        tail -= q->capacity;
    q->slots[tail] = item;
    q->len++;
    if (q->pop_waiters > 0)
        pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
    return DK_OK;
}

dk_status dk_bqueue_pop(dk_bqueue_t *q, void **item, int64_t timeout_ns)
{
    struct timespec deadline = {0, 0};
    if (timeout_ns > 0)
        deadline = deadline_after(timeout_ns);
    pthread_mutex_lock(&q->lock);
    while (!q->closed && q->len == 0) {
        if (timeout_ns == 0) {
            pthread_mutex_unlock(&q->lock);
            return DK_ELIMIT;
        }
        q->pop_waiters++;
        int timed_out = wait_once(q, &q->not_empty, timeout_ns, &deadline);
        q->pop_waiters--;
        if (timed_out && !q->closed && q->len == 0) {
            pthread_mutex_unlock(&q->lock);
            return DK_ELIMIT;
        }
    }
    if (q->len == 0) { /* closed and drained */
        pthread_mutex_unlock(&q->lock);
        return DK_ESTATE;
    }
    *item = q->slots[q->head];
    q->slots[q->head] = NULL;
    q->head = q->head + 1 == q->capacity ? 0 : q->head + 1;
    q->len--;
    if (q->push_waiters > 0)
        pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return DK_OK;
}

/* Broadcast, not signal: every waiter must see the close, and each re-checks under the lock. */
void dk_bqueue_close(dk_bqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

int dk_bqueue_is_closed(dk_bqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    int c = q->closed;
    pthread_mutex_unlock(&q->lock);
    return c;
}

size_t dk_bqueue_len(dk_bqueue_t *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->len;
    pthread_mutex_unlock(&q->lock);
    return n;
}

size_t dk_bqueue_capacity(const dk_bqueue_t *q)
{
    return q->capacity; /* fixed at creation: no lock needed */
}

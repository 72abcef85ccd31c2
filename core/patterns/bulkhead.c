/* bulkhead.c - the semaphore bulkhead: a count of running calls and a ring of waiters. */
#include "designkit/alloc.h"
#include "designkit/bulkhead.h"

typedef struct waiter {
    uint64_t ticket;
    int64_t deadline;
} waiter;

struct dk_bulkhead {
    uint32_t max_concurrent, max_waiting;
    int64_t max_wait_ns;
    uint32_t active;
    waiter *ring; /* max_waiting slots: head is the oldest */
    uint32_t head, count;
    dk_bulkhead_stats stats;
};

dk_bulkhead_t *dk_bulkhead_new(uint32_t max_concurrent, uint32_t max_waiting, int64_t max_wait_ns,
                               dk_error *err)
{
    if (max_concurrent < 1 || max_concurrent > 1000000) {
        dk_error_set(err, DK_EINVAL, "bulkhead: max_concurrent must be from 1 to 1000000 (got %u)",
                     max_concurrent);
        return NULL;
    }
    if (max_waiting > 1000000) {
        dk_error_set(err, DK_EINVAL, "bulkhead: max_waiting must be from 0 to 1000000 (got %u)",
                     max_waiting);
        return NULL;
    }
    if (max_wait_ns < 0) {
        dk_error_set(err, DK_EINVAL, "bulkhead: max_wait must not be negative");
        return NULL;
    }
    dk_bulkhead_t *b = dk_calloc(1, sizeof *b);
    if (b != NULL && max_waiting > 0 &&
        (b->ring = dk_calloc(max_waiting, sizeof *b->ring)) == NULL) {
        dk_free(b);
        b = NULL;
    }
    if (b == NULL) {
        dk_error_set(err, DK_ENOMEM, "bulkhead: out of memory");
        return NULL;
    }
    b->max_concurrent = max_concurrent;
    b->max_waiting = max_waiting;
    b->max_wait_ns = max_wait_ns;
    return b;
}

void dk_bulkhead_free(dk_bulkhead_t *b)
{
    if (b == NULL)
        return;
    dk_free(b->ring);
    dk_free(b);
}

int dk_bulkhead_expire(dk_bulkhead_t *b, int64_t now, uint64_t *ticket)
{
    if (b->count == 0 || b->ring[b->head].deadline >= now)
        return 0;
    *ticket = b->ring[b->head].ticket;
    b->head = (b->head + 1) % b->max_waiting;
    b->count--;
    b->stats.timed_out++;
    return 1;
}

dk_bulkhead_verdict dk_bulkhead_enter(dk_bulkhead_t *b, int64_t now, uint64_t ticket)
{
    if (b->active < b->max_concurrent) {
        b->active++;
        b->stats.entered++;
        return DK_BULKHEAD_ENTERED;
    }
    if (b->max_wait_ns == 0 || b->count == b->max_waiting) {
        b->stats.rejected++;
        return DK_BULKHEAD_REJECTED;
    }
    uint32_t tail = (b->head + b->count) % b->max_waiting;
    b->ring[tail] = (waiter){ticket, now + b->max_wait_ns};
    b->count++;
    b->stats.waited++;
    return DK_BULKHEAD_WAITING;
}

int dk_bulkhead_leave(dk_bulkhead_t *b, int64_t now, uint64_t *granted)
{
    DK_ASSERT(b->active > 0);
    /* The slot goes to the oldest waiter still inside its wait; an overdue head stays queued
     * for dk_bulkhead_expire to name, so look past overdue ones without dropping them. */
    for (uint32_t i = 0; i < b->count; i++) {
        uint32_t at = (b->head + i) % b->max_waiting;
        if (b->ring[at].deadline < now)
            continue;
        *granted = b->ring[at].ticket;
        /* close the gap: shift the overdue ones before it forward by one */
        for (uint32_t j = i; j > 0; j--)
            b->ring[(b->head + j) % b->max_waiting] = b->ring[(b->head + j - 1) % b->max_waiting];
        b->head = (b->head + 1) % b->max_waiting;
        b->count--;
        b->stats.entered++;
        return 1;
    }
    b->active--;
    return 0;
}

void dk_bulkhead_stats_get(const dk_bulkhead_t *b, dk_bulkhead_stats *out)
{
    *out = b->stats;
    out->active = b->active;
    out->waiting = b->count;
}

/* ring.c - the lock-free rings: an MPMC ring of sequence-numbered cells (after Dmitry Vyukov's
 * bounded MPMC queue) and an SPSC ring whose two sides keep cached copies of each other's
 * index. Indices run freely over size_t and wrap; a cell is index & mask. */
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/ring.h"

/* A cache line on the machines we target. Fields written by different threads sit on
 * different lines, or each write would steal the line from the other side (false sharing). */
#define LINE 64

/* An MPMC cell. `seq` says whose turn the cell is: seq == i means free for the push of index
 * i; seq == i + 1 means it holds the item of index i, ready for the pop of index i; the pop
 * hands it on to the push of index i + capacity. */
typedef struct cell {
    atomic_size_t seq;
    void *item;
} cell;

struct dk_ring {
    /* Written by pushers (MPMC: claimed by CAS) or by the one producer (SPSC). */
    alignas(LINE) atomic_size_t tail;
    size_t head_cache; /* SPSC: the producer's last view of head */
    /* Written by poppers (MPMC) or by the one consumer (SPSC). */
    alignas(LINE) atomic_size_t head;
    size_t tail_cache; /* SPSC: the consumer's last view of tail */
    /* Read-only after creation, shared by both sides without contention. */
    alignas(LINE) size_t mask;
    dk_ring_kind kind;
    cell *cells;  /* MPMC */
    void **slots; /* SPSC: no sequence numbers, the two indices say it all */
};

const char *dk_ring_kind_name(dk_ring_kind k)
{
    return k == DK_RING_SPSC ? "spsc" : "mpmc";
}

dk_status dk_ring_kind_parse(const char *name, dk_ring_kind *k)
{
    if (strcmp(name, "mpmc") == 0)
        *k = DK_RING_MPMC;
    else if (strcmp(name, "spsc") == 0)
        *k = DK_RING_SPSC;
    else
        return DK_ENOTFOUND;
    return DK_OK;
}

static size_t round_up_pow2(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

dk_ring_t *dk_ring_new(size_t capacity, dk_ring_kind kind, dk_error *err)
{
    if (capacity == 0 || capacity > DK_RING_MAX_CAPACITY) {
        dk_error_set(err, DK_EINVAL, "capacity must be between 1 and %zu (got %zu)",
                     (size_t)DK_RING_MAX_CAPACITY, capacity);
        return NULL;
    }
    if (kind != DK_RING_MPMC && kind != DK_RING_SPSC) {
        dk_error_set(err, DK_EINVAL, "kind must be DK_RING_MPMC or DK_RING_SPSC (got %d)",
                     (int)kind);
        return NULL;
    }
    /* At least 2: with one cell, the MPMC ring's "free for push i + 1" (seq == i + 1) and
     * "holds item i" (seq == i + 1) would be the same state. */
    size_t cap = round_up_pow2(capacity < 2 ? 2 : capacity);
    /* One aligned block: the header, then the cells from the next line on. */
    size_t head_bytes = (sizeof(dk_ring_t) + LINE - 1) / LINE * LINE;
    size_t cell_bytes = kind == DK_RING_MPMC ? sizeof(cell) : sizeof(void *);
    dk_ring_t *r = dk_calloc_aligned(head_bytes + cap * cell_bytes, LINE);
    if (r == NULL) {
        dk_error_set(err, DK_ENOMEM, "out of memory for a ring of %zu items", cap);
        return NULL;
    }
    r->mask = cap - 1;
    r->kind = kind;
    char *body = (char *)r + head_bytes;
    if (kind == DK_RING_MPMC)
        r->cells = (cell *)(void *)body;
    else
        r->slots = (void **)(void *)body;
    dk__ring_set_position(r, 0);
    return r;
}

void dk_ring_free(dk_ring_t *r)
{
    dk_free_aligned(r);
}

/* Before the ring is shared, so relaxed stores suffice: whatever hands the ring to other
 * threads (pthread_create, a mutex) orders them. */
void dk__ring_set_position(dk_ring_t *r, size_t pos)
{
    atomic_store_explicit(&r->tail, pos, memory_order_relaxed);
    atomic_store_explicit(&r->head, pos, memory_order_relaxed);
    r->head_cache = r->tail_cache = pos;
    if (r->kind == DK_RING_MPMC)
        for (size_t i = 0; i <= r->mask; i++)
            atomic_store_explicit(&r->cells[(pos + i) & r->mask].seq, pos + i,
                                  memory_order_relaxed);
}

/* ---- MPMC ---------------------------------------------------------------------------------
 * A pusher reads the cell at its candidate index: seq == pos means free, so it claims pos by a
 * CAS on tail, writes the item and publishes it with a release store of seq = pos + 1; a popper
 * mirrors this on head and hands the cell to the push one lap later with seq = pos + mask + 1.
 * The signed difference seq - pos stays right across the wrap of size_t. */

static int mpmc_push(dk_ring_t *r, void *item)
{
    /* Relaxed: tail is only a hint of where to try; the CAS decides, and the cell's seq
     * (acquired below) is what orders the data. */
    size_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
    cell *c;
    for (;;) {
        c = &r->cells[pos & r->mask];
        /* Acquire pairs with the popper's release of seq: its read of the old item happens
         * before this push overwrites it. */
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)(seq - pos);
        if (dif == 0) {
            /* Relaxed on both paths: the CAS only hands out the index; the item is ordered by
             * seq. A failed CAS reloads pos with the current tail. */
            if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (dif < 0) {
            return 0; /* the cell still holds the item of the previous lap: full */
        } else {
            pos = atomic_load_explicit(&r->tail, memory_order_relaxed); /* another took pos */
        }
    }
    c->item = item;
    /* Release publishes the item to the popper that acquires seq == pos + 1. */
    atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
    return 1;
}

static int mpmc_pop(dk_ring_t *r, void **item)
{
    size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed); /* a hint, as in push */
    cell *c;
    for (;;) {
        c = &r->cells[pos & r->mask];
        /* Acquire pairs with the pusher's release: the item it wrote is visible. */
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)(seq - (pos + 1));
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (dif < 0) {
            return 0; /* not yet pushed: empty */
        } else {
            pos = atomic_load_explicit(&r->head, memory_order_relaxed);
        }
    }
    *item = c->item;
    /* Release: the read above happens before the pusher of the next lap overwrites it. */
    atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
    return 1;
}

/* ---- SPSC ---------------------------------------------------------------------------------
 * Each side owns one index and stores it with release; it reads the other's index with
 * acquire, and only when its cached copy says the ring looks full (or empty), so in the
 * steady state each side touches only its own cache line. */

static int spsc_push(dk_ring_t *r, void *item)
{
    /* Relaxed: only this thread writes tail. */
    size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - r->head_cache > r->mask) {
        /* Acquire pairs with the consumer's release of head: its read of the slot we are
         * about to overwrite is finished. */
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_cache > r->mask)
            return 0;
    }
    r->slots[t & r->mask] = item;
    /* Release publishes the slot to the consumer's acquire of tail. */
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    return 1;
}

static int spsc_pop(dk_ring_t *r, void **item)
{
    size_t h = atomic_load_explicit(&r->head, memory_order_relaxed); /* only we write head */
    if (h == r->tail_cache) {
        /* Acquire pairs with the producer's release of tail: the slot's item is visible. */
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h == r->tail_cache)
            return 0;
    }
    *item = r->slots[h & r->mask];
    /* Release: our read of the slot happens before the producer reuses it. */
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    return 1;
}

/* A branch rather than a table of functions: it predicts perfectly (a ring never changes
 * kind) and lets the compiler inline both paths. */
int dk_ring_push(dk_ring_t *r, void *item)
{
    return r->kind == DK_RING_SPSC ? spsc_push(r, item) : mpmc_push(r, item);
}

int dk_ring_pop(dk_ring_t *r, void **item)
{
    return r->kind == DK_RING_SPSC ? spsc_pop(r, item) : mpmc_pop(r, item);
}

/* Acquire on both, head first: tail read after head is never behind it for a consistent
 * snapshot; a racing snapshot may still be off, so it is clamped into [0, capacity]. */
size_t dk_ring_len(dk_ring_t *r)
{
    size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    intptr_t n = (intptr_t)(t - h);
    if (n < 0)
        return 0;
    return (size_t)n > r->mask + 1 ? r->mask + 1 : (size_t)n;
}

size_t dk_ring_capacity(const dk_ring_t *r)
{
    return r->mask + 1;
}

dk_ring_kind dk_ring_kind_of(const dk_ring_t *r)
{
    return r->kind;
}

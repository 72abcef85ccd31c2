/* ring.h - bounded lock-free rings of pointers: a multi-producer multi-consumer ring with
 * sequence-numbered cells (Dmitry Vyukov's design) and a single-producer single-consumer ring
 * with cached indices. Neither blocks nor allocates after dk_ring_new. */
#ifndef DESIGNKIT_RING_H
#define DESIGNKIT_RING_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest capacity, after rounding: the cells are allocated up front. */
#define DK_RING_MAX_CAPACITY ((size_t)1 << 24)

typedef enum dk_ring_kind {
    DK_RING_MPMC, /* any number of threads push and pop at once */
    DK_RING_SPSC  /* one thread pushes and one thread pops (the caller's promise) */
} dk_ring_kind;

const char *dk_ring_kind_name(dk_ring_kind k);                   /* "mpmc", "spsc" */
dk_status dk_ring_kind_parse(const char *name, dk_ring_kind *k); /* DK_ENOTFOUND */

typedef struct dk_ring dk_ring_t;

/*
 * dk_ring_new - an empty ring of at least `capacity` items: the capacity is rounded up to the
 * next power of two, and to 2 at least, so that an index maps to its cell with a mask
 * (dk_ring_capacity says what it became). The caller frees it with dk_ring_free. NULL with `err`
 * naming "capacity" when it is 0 or above DK_RING_MAX_CAPACITY (DK_EINVAL), or an unknown `kind`
 * (DK_EINVAL), or DK_ENOMEM.
 */
dk_ring_t *dk_ring_new(size_t capacity, dk_ring_kind kind, dk_error *err);
/* Frees the ring, not the items still in it. No thread may be inside a call. NULL is a no-op. */
void dk_ring_free(dk_ring_t *r);

/* Appends `item`: 1, or 0 when the ring is full. Never waits. */
int dk_ring_push(dk_ring_t *r, void *item);
/* Takes the oldest item into `*item`: 1, or 0 when the ring is empty. Never waits. */
int dk_ring_pop(dk_ring_t *r, void **item);
/* Items held now: a snapshot, exact only when no other thread is pushing or popping. */
size_t dk_ring_len(dk_ring_t *r);
size_t dk_ring_capacity(const dk_ring_t *r);
dk_ring_kind dk_ring_kind_of(const dk_ring_t *r);

/* For tests: moves an empty ring's indices to `pos`, so that a short test crosses the wrap of
 * size_t that a real ring reaches only after 2^64 operations. The ring must be empty and
 * unshared. */
void dk__ring_set_position(dk_ring_t *r, size_t pos);

#ifdef __cplusplus
}
#endif
#endif

/* heap.h - a binary min-heap of fixed-size elements, ordered by a caller's comparison. */
#ifndef DESIGNKIT_HEAP_H
#define DESIGNKIT_HEAP_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Negative when a sorts before b. Ties are the caller's to break (add a sequence number) when
 * order matters: the heap is not stable. */
typedef int (*dk_heap_cmp)(const void *a, const void *b);

typedef struct dk_heap dk_heap_t;

/* A heap of elements of `elem_size` bytes (copied in and out). The caller frees with
 * dk_heap_free. NULL with *status = DK_ENOMEM or DK_EINVAL (elem_size 0, cmp NULL). */
dk_heap_t *dk_heap_new(size_t elem_size, dk_heap_cmp cmp, dk_status *status);
void dk_heap_free(dk_heap_t *h);

/* Grows capacity to at least n so that pushes up to n elements allocate nothing. */
dk_status dk_heap_reserve(dk_heap_t *h, size_t n);
dk_status dk_heap_push(dk_heap_t *h, const void *elem); /* DK_ENOMEM when it cannot grow */
int dk_heap_pop(dk_heap_t *h, void *out);     /* 1 and the least element into out; 0 if empty */
const void *dk_heap_peek(const dk_heap_t *h); /* the least element (borrowed) or NULL */
size_t dk_heap_size(const dk_heap_t *h);
void dk_heap_clear(dk_heap_t *h);

#ifdef __cplusplus
}
#endif
#endif

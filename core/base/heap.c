/* heap.c - array-based binary min-heap of fixed-size elements. */
#include "designkit/heap.h"

#include <stdint.h>
#include <string.h>

#include "designkit/alloc.h"

struct dk_heap {
    unsigned char *data; /* cap elements of esz bytes; the least at index 0 */
    unsigned char *tmp;  /* one element of scratch, so sifting never allocates */
    size_t esz, n, cap;
    dk_heap_cmp cmp;
};

#define AT(h, i) ((h)->data + (i) * (h)->esz)

/*
 * dk_heap_new - an empty heap of `elem_size`-byte elements ordered by `cmp`. The caller frees
 * it with dk_heap_free. NULL with *status DK_EINVAL (elem_size 0 or cmp NULL) or DK_ENOMEM.
 */
dk_heap_t *dk_heap_new(size_t elem_size, dk_heap_cmp cmp, dk_status *status)
{
    dk_heap_t *h;
    dk_status st = DK_OK;

    if (elem_size == 0 || cmp == NULL) {
        st = DK_EINVAL;
        h = NULL;
    } else if ((h = dk_calloc(1, sizeof *h)) == NULL || (h->tmp = dk_malloc(elem_size)) == NULL) {
        dk_free(h);
        h = NULL;
        st = DK_ENOMEM;
    } else {
        h->esz = elem_size;
        h->cmp = cmp;
    }
    if (status != NULL)
        *status = st;
    return h;
}

/*
 * dk_heap_free - releases the heap; NULL is a no-op.
 */
void dk_heap_free(dk_heap_t *h)
{
    if (h == NULL)
        return;
    dk_free(h->data);
    dk_free(h->tmp);
    dk_free(h);
}

/*
 * dk_heap_reserve - capacity for at least n elements; never shrinks. DK_ENOMEM (also when
 * n * elem_size overflows) leaves the heap unchanged.
 */
dk_status dk_heap_reserve(dk_heap_t *h, size_t n)
{
    unsigned char *p;
    if (h == NULL)
        return DK_EINVAL;
    if (n <= h->cap)
        return DK_OK;
    if (n > SIZE_MAX / h->esz)
        return DK_ENOMEM;
    p = dk_realloc(h->data, n * h->esz);
    if (p == NULL)
        return DK_ENOMEM;
    h->data = p;
    h->cap = n;
    return DK_OK;
}

/*
 * dk_heap_push - copies `elem` in, doubling the array when full (amortised O(log n)).
 * The new element sifts up as a hole: parents move down and it is written once.
 */
dk_status dk_heap_push(dk_heap_t *h, const void *elem)
{
    size_t i;
    if (h == NULL || elem == NULL)
        return DK_EINVAL;
    if (h->n == h->cap) {
        size_t want = h->cap < 8 ? 8 : h->cap * 2;
        if (want < h->cap || dk_heap_reserve(h, want) != DK_OK)
            return DK_ENOMEM;
    }
    i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->cmp(elem, AT(h, parent)) >= 0)
            break;
        memcpy(AT(h, i), AT(h, parent), h->esz);
        i = parent;
    }
    memcpy(AT(h, i), elem, h->esz);
    return DK_OK;
}

/*
 * dk_heap_pop - moves the least element into `out` (may be NULL to discard) and returns 1;
 * 0 when empty. The last element fills the hole at the root and sifts down.
 */
int dk_heap_pop(dk_heap_t *h, void *out)
{
    size_t i = 0, n;
    if (h == NULL || h->n == 0)
        return 0;
    if (out != NULL)
        memcpy(out, AT(h, 0), h->esz);
    n = --h->n;
    if (n == 0)
        return 1;
    memcpy(h->tmp, AT(h, n), h->esz);
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && h->cmp(AT(h, child + 1), AT(h, child)) < 0)
            child++;
        if (h->cmp(AT(h, child), h->tmp) >= 0)
            break;
        memcpy(AT(h, i), AT(h, child), h->esz);
        i = child;
    }
    memcpy(AT(h, i), h->tmp, h->esz);
    return 1;
}

/*
 * dk_heap_peek - the least element, borrowed until the next push/pop/clear; NULL if empty.
 */
const void *dk_heap_peek(const dk_heap_t *h)
{
    return h != NULL && h->n > 0 ? h->data : NULL;
}

size_t dk_heap_size(const dk_heap_t *h)
{
    return h != NULL ? h->n : 0;
}

/*
 * dk_heap_clear - empties the heap, keeping its capacity.
 */
void dk_heap_clear(dk_heap_t *h)
{
    if (h != NULL)
        h->n = 0;
}

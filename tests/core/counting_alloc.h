/* counting_alloc.h - for tests and benchmarks: an allocator that counts the bytes live and
 * their peak, exactly (each block carries its size in front). Install it with
 * dk_set_allocator(&dk_test_counting); read dk_test_live_bytes and dk_test_peak_bytes. */
#ifndef DK_TESTS_COUNTING_ALLOC_H
#define DK_TESTS_COUNTING_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

#include "designkit/alloc.h"

static size_t dk_test_live_bytes, dk_test_peak_bytes;

static void dk_test_count(size_t old, size_t size)
{
    dk_test_live_bytes = dk_test_live_bytes - old + size;
    if (dk_test_live_bytes > dk_test_peak_bytes)
        dk_test_peak_bytes = dk_test_live_bytes;
}

static void *dk_test_count_malloc(size_t size, void *ud)
{
    (void)ud;
    max_align_t *p = malloc(sizeof *p + size); /* the header keeps malloc's alignment */
    if (p == NULL)
        return NULL;
    *(size_t *)(void *)p = size;
    dk_test_count(0, size);
    return p + 1;
}

static void dk_test_count_free(void *ptr, void *ud)
{
    (void)ud;
    if (ptr == NULL)
        return;
    max_align_t *p = (max_align_t *)ptr - 1;
    dk_test_count(*(size_t *)(void *)p, 0);
    free(p);
}

static void *dk_test_count_realloc(void *ptr, size_t size, void *ud)
{
    if (ptr == NULL)
        return dk_test_count_malloc(size, ud);
    max_align_t *p = (max_align_t *)ptr - 1;
    size_t old = *(size_t *)(void *)p;
    max_align_t *q = realloc(p, sizeof *q + size);
    if (q == NULL)
        return NULL;
    *(size_t *)(void *)q = size;
    dk_test_count(old, size);
    return q + 1;
}

static const dk_allocator dk_test_counting = {dk_test_count_malloc, dk_test_count_realloc,
                                              dk_test_count_free, NULL};

#endif

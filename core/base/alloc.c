/* alloc.c - the replaceable allocation hooks and out-of-memory injection for tests. */
#include "designkit/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

static void *libc_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    return realloc(ptr, size);
}

static void libc_free(void *ptr, void *ud)
{
    (void)ud;
    free(ptr);
}

static const dk_allocator libc_allocator = {libc_malloc, libc_realloc, libc_free, NULL};
static dk_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};

/* Remaining successful allocations before injected failure; negative means "never fail". */
static long fail_after = -1;

/*
 * dk_set_allocator - installs a copy of `a` (NULL restores libc). Not thread safe by design:
 * it is configuration done before anything runs.
 */
void dk_set_allocator(const dk_allocator *a)
{
    current = a != NULL ? *a : libc_allocator;
}

/*
 * dk_get_allocator - the allocator in use; never NULL.
 */
const dk_allocator *dk_get_allocator(void)
{
    return &current;
}

/*
 * dk_alloc_fail_after - after `n` more successful allocations every allocation fails, until
 * called again with n < 0. Lets a test walk every allocation site of a constructor.
 */
void dk_alloc_fail_after(long n)
{
    fail_after = n < 0 ? -1 : n;
}

/* Consumes one allowance of the failure injector; 0 means this allocation must fail. */
static int may_allocate(void)
{
    if (fail_after < 0)
        return 1;
    if (fail_after == 0)
        return 0;
    return 1;
}

/* Allocations refused, for dk_alloc_failures. */
static unsigned long failures;

/*
 * dk_alloc_failures - how many allocations have been refused since the process started.
 */
unsigned long dk_alloc_failures(void)
{
    return failures;
}

/* Counts one successful allocation against the injector. */
static void count_success(void)
{
    if (fail_after > 0)
        fail_after--;
}

/*
 * dk_malloc - `size` bytes from the current hook; NULL on failure or for size 0 (so callers
 * never see a unique zero-size pointer whose meaning differs between C libraries).
 */
void *dk_malloc(size_t size)
{
    void *p;
    if (size == 0)
        return NULL;
    p = may_allocate() ? current.malloc(size, current.ud) : NULL;
    if (p != NULL)
        count_success();
    else
        failures++;
    return p;
}

/*
 * dk_calloc - zeroed `count * size` bytes; NULL on failure, size 0 or multiplication overflow.
 * Built on the malloc hook so an allocator only needs three functions.
 */
void *dk_calloc(size_t count, size_t size)
{
    void *p;
    if (count == 0 || size == 0 || count > SIZE_MAX / size)
        return NULL;
    p = dk_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

/*
 * dk_realloc - resizes `ptr` (NULL acts as dk_malloc). Size 0 frees `ptr` and returns NULL,
 * because the hooks promise they are never asked to realloc to 0. On failure `ptr` is intact.
 */
void *dk_realloc(void *ptr, size_t size)
{
    void *p;
    if (ptr == NULL)
        return dk_malloc(size);
    if (size == 0) {
        dk_free(ptr);
        return NULL;
    }
    p = may_allocate() ? current.realloc(ptr, size, current.ud) : NULL;
    if (p != NULL)
        count_success();
    else
        failures++;
    return p;
}

/*
 * dk_calloc_aligned - zeroed bytes at a multiple of `align`. The pointer the hook returned is
 * kept in the word just below the aligned block, where dk_free_aligned finds it.
 */
void *dk_calloc_aligned(size_t size, size_t align)
{
    if (size == 0 || align == 0 || (align & (align - 1)) != 0 || align > 4096 ||
        size > SIZE_MAX - align - sizeof(void *))
        return NULL;
    char *raw = dk_malloc(dk_aligned_size(size, align));
    if (raw == NULL)
        return NULL;
    uintptr_t at = ((uintptr_t)(raw + sizeof(void *)) + align - 1) & ~(uintptr_t)(align - 1);
    void **p = (void **)at;
    p[-1] = raw;
    memset(p, 0, size);
    return p;
}

/*
 * dk_aligned_size - the bytes dk_calloc_aligned(size, align) asks the hooks for.
 */
size_t dk_aligned_size(size_t size, size_t align)
{
    return size + align - 1 + sizeof(void *);
}

/*
 * dk_free_aligned - frees a block from dk_calloc_aligned; NULL is a no-op.
 */
void dk_free_aligned(void *ptr)
{
    if (ptr != NULL)
        dk_free(((void **)ptr)[-1]);
}

/*
 * dk_free - returns `ptr` to the current hook; NULL is a no-op.
 */
void dk_free(void *ptr)
{
    if (ptr != NULL)
        current.free(ptr, current.ud);
}

/*
 * dk_strdup - a copy of `s` the caller frees with dk_free; NULL for NULL `s` or on failure.
 */
char *dk_strdup(const char *s)
{
    size_t n;
    char *p;
    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    p = dk_malloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

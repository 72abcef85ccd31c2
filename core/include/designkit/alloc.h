/* alloc.h - replaceable allocation hooks: every allocation in designkit goes through here. */
#ifndef DESIGNKIT_ALLOC_H
#define DESIGNKIT_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The three hooks; `ud` is passed back unchanged. realloc with size 0 is never requested (free
 * is called instead). A hook returns NULL to report out-of-memory. */
typedef struct dk_allocator {
    void *(*malloc)(size_t size, void *ud);
    void *(*realloc)(void *ptr, size_t size, void *ud);
    void (*free)(void *ptr, void *ud);
    void *ud;
} dk_allocator;

/* Installs `a` for every later allocation (copied); NULL restores the C library's. Not thread
 * safe: call it before anything else runs, as tests do to inject out-of-memory failures.
 * Memory must be freed by the allocator that gave it. */
void dk_set_allocator(const dk_allocator *a);

/* The current allocator (never NULL). */
const dk_allocator *dk_get_allocator(void);

void *dk_malloc(size_t size);               /* NULL on failure or size 0 */
void *dk_calloc(size_t count, size_t size); /* zeroed; NULL on failure or overflow */
void *dk_realloc(void *ptr, size_t size);   /* NULL on failure (ptr stays valid) */
void dk_free(void *ptr);                    /* NULL is a no-op */
char *dk_strdup(const char *s);             /* caller frees with dk_free; NULL on failure */

/* `size` zeroed bytes at an address that is a multiple of `align` (a power of two, at most
 * 4096), for structures laid out by cache line: the hooks promise only malloc's alignment. The
 * block is taken from the hooks with align - 1 bytes to spare plus a pointer, and is freed with
 * dk_free_aligned (never dk_free). NULL on failure, size 0 or a bad `align`. */
void *dk_calloc_aligned(size_t size, size_t align);
void dk_free_aligned(void *ptr);                   /* NULL is a no-op */
size_t dk_aligned_size(size_t size, size_t align); /* what dk_calloc_aligned takes from the hooks */

/* For tests: after `n` more successful allocations, every allocation fails until reset with
 * n < 0. Implemented on top of the hooks above so it also covers third-party code we route. */
void dk_alloc_fail_after(long n);

/* Allocations refused so far (by the hook or the injector; a size 0 is not one). A caller whose
 * callee reports failure without saying why (cJSON returns NULL for malformed text and for
 * out-of-memory alike) compares the count before and after to tell the two apart. */
unsigned long dk_alloc_failures(void);

#ifdef __cplusplus
}
#endif
#endif

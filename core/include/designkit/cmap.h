/* cmap.h - a striped concurrent hash map: string keys to pointers, the keys spread over S
 * stripes, each a small hash table under its own reader-writer lock. */
#ifndef DESIGNKIT_CMAP_H
#define DESIGNKIT_CMAP_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_CMAP_MAX_STRIPES 4096

typedef struct dk_cmap dk_cmap_t;

/*
 * What the map does with its values. `retain` is called (under the stripe's lock) on a value
 * dk_cmap_get hands out, so it stays alive after the lock is gone, even if another thread
 * deletes it at once; `release` is called on a value the map lets go (replaced, deleted, or
 * still inside at dk_cmap_free). Either may be NULL (values are then plain pointers, and the
 * caller keeps them alive).
 */
typedef struct dk_cmap_value_ops {
    void (*retain)(void *value);
    void (*release)(void *value);
} dk_cmap_value_ops;

/* An empty map of `stripes` stripes (1 .. DK_CMAP_MAX_STRIPES); `ops` is copied (NULL: none).
 * The caller frees it with dk_cmap_free. NULL with `err` naming "stripes" (DK_EINVAL),
 * DK_ENOMEM or DK_EINTERNAL. */
dk_cmap_t *dk_cmap_new(int stripes, const dk_cmap_value_ops *ops, dk_error *err);
/* Releases every value, frees the map. No thread may be inside a call. NULL is a no-op. */
void dk_cmap_free(dk_cmap_t *m);

/* Looks `key` up: DK_OK with `*value` retained; DK_ENOTFOUND. */
dk_status dk_cmap_get(dk_cmap_t *m, const char *key, void **value);
/* Sets `key` (copied) to `value`, which the map now owns; an old value is released. DK_OK;
 * DK_ENOMEM (the map is unchanged and `value` still the caller's). */
dk_status dk_cmap_put(dk_cmap_t *m, const char *key, void *value);
/* Removes `key` and releases its value. DK_OK; DK_ENOTFOUND. */
dk_status dk_cmap_delete(dk_cmap_t *m, const char *key);
/* The number of keys: the sum of the stripes' counts, read one stripe at a time, so exact only
 * when no thread is writing. */
size_t dk_cmap_len(dk_cmap_t *m);
int dk_cmap_stripes(const dk_cmap_t *m);

/*
 * dk_cmap_foreach - calls `fn` on each key and value until it returns nonzero. Consistency:
 * one stripe at a time, under that stripe's read lock, so each stripe is seen as it was at one
 * instant but the stripes at different instants: a key present and unchanged for the whole
 * iteration is seen exactly once; a key written meanwhile may or may not be seen. `fn` must not
 * write to the map (its stripe is read-locked) and must not keep `key` or `value` beyond the
 * call without retaining it. Returns what stopped it (0 when all were visited).
 */
int dk_cmap_foreach(dk_cmap_t *m, int (*fn)(const char *key, void *value, void *ud), void *ud);

#ifdef __cplusplus
}
#endif
#endif

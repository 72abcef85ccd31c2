/* map.h - an open-addressing hash map from 64-bit keys to 64-bit values. */
#ifndef DESIGNKIT_MAP_H
#define DESIGNKIT_MAP_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Linear probing with backward-shift deletion (no tombstones), so a cache that churns keys for
 * hours keeps its probe lengths short. Sized to a power of two, at most 7/8 full. Every key is
 * allowed, 0 and UINT64_MAX included. Operations allocate only when the map grows; reserve up
 * front and they allocate nothing. */
typedef struct dk_map dk_map_t;

dk_map_t *dk_map_new(size_t expected, dk_status *status); /* caller frees with dk_map_free */
void dk_map_free(dk_map_t *m);
dk_status dk_map_reserve(dk_map_t *m, size_t n);

/* Inserts or replaces. DK_ENOMEM leaves the map as it was. */
dk_status dk_map_put(dk_map_t *m, uint64_t key, uint64_t value);
int dk_map_get(const dk_map_t *m, uint64_t key, uint64_t *value); /* 1 found (value may be NULL) */
int dk_map_remove(dk_map_t *m, uint64_t key, uint64_t *old);      /* 1 removed */
size_t dk_map_size(const dk_map_t *m);
void dk_map_clear(dk_map_t *m);

/* Iteration in table order: start with *iter = 0; returns 0 at the end. Do not modify the map
 * while iterating. */
int dk_map_next(const dk_map_t *m, size_t *iter, uint64_t *key, uint64_t *value);

/* Hashes: a 64-bit finaliser (splitmix64's) and a byte hash (FNV-1a, 64-bit, then finalised). */
uint64_t dk_hash_u64(uint64_t x);
uint64_t dk_hash_bytes(const void *data, size_t len);
uint64_t dk_hash_str(const char *s);

#ifdef __cplusplus
}
#endif
#endif

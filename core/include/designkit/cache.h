/* cache.h - a bounded key cache with a pluggable eviction policy and optional expiry. */
#ifndef DESIGNKIT_CACHE_H
#define DESIGNKIT_CACHE_H

#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Keys are 64-bit integers (hash anything else first); a cache stores presence, not values,
 * which is all a simulation or a hit-ratio study needs. Memory grows with the entries held
 * (doubling, up to what the capacity needs), so a large capacity costs nothing until it fills;
 * get/remove never allocate, and put allocates only while the cache grows. Times are
 * nanoseconds on the caller's clock. */
typedef struct dk_cache dk_cache_t;

/* Policies by name: "lru" (more come with later patterns). NULL with `err` naming the policy
 * ("unknown cache policy \"lfu2\" (use lru)") or a zero capacity. Caller frees. */
dk_cache_t *dk_cache_new(const char *policy, uint64_t capacity, dk_error *err);
/* Every policy's name, NULL-terminated (what a cache's schema offers). */
extern const char *const dk_cache_policy_names[];
void dk_cache_free(dk_cache_t *c);

/* 1 on a hit (the entry becomes most recent under LRU), 0 on a miss. An entry whose expiry has
 * passed is removed and counts as a miss. */
int dk_cache_get(dk_cache_t *c, uint64_t key, int64_t now);

/* Inserts or refreshes `key`, evicting by policy when full; ttl <= 0 means it never expires.
 * Returns 1 if an entry was evicted to make room, 0 if not, and -1 when the cache had to grow
 * and memory ran out (the cache is left as it was). */
int dk_cache_put(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl);

int dk_cache_remove(dk_cache_t *c, uint64_t key);         /* 1 if it was there */
int dk_cache_contains(const dk_cache_t *c, uint64_t key); /* no recency change, no expiry */

uint64_t dk_cache_size(const dk_cache_t *c);
uint64_t dk_cache_capacity(const dk_cache_t *c);
const char *dk_cache_policy(const dk_cache_t *c);
/* Counters since creation: hits, misses (from dk_cache_get), evictions. */
uint64_t dk_cache_hits(const dk_cache_t *c);
uint64_t dk_cache_misses(const dk_cache_t *c);
uint64_t dk_cache_evictions(const dk_cache_t *c);

#ifdef __cplusplus
}
#endif
#endif

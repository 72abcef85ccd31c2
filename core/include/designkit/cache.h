/* cache.h - a bounded key cache with a pluggable eviction policy and optional expiry. */
#ifndef DESIGNKIT_CACHE_H
#define DESIGNKIT_CACHE_H

#include <stddef.h>
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

/* Policies by name (docs/patterns/caching.md describes each):
 *   lru     least recently used
 *   lfu     least frequently used, O(1) frequency buckets; ties go to the entry that reached
 *           its count longest ago; counts start at 1 on insert and are lost on eviction
 *   perfect_lfu  LFU whose counts outlive eviction: every key ever seen keeps its count (memory
 *           grows with the distinct keys, 16 bytes each), so the cache converges on the most
 *           popular keys; O(log c) per operation (a heap), ties as lfu
 *   fifo    first in, first out (hits change nothing)
 *   lifo    last in, first out (the newest insert is the victim)
 *   mru     most recently used is the victim
 *   random  a uniform victim from a seeded dk_rng (dk_cache_new_seeded; dk_cache_new seeds 1)
 *   arc     Adaptive Replacement Cache (Megiddo & Modha 2003), ghosts of up to c keys
 *   2q      2Q full version (Johnson & Shasha 1994), Kin = c/4, Kout = c/2 ghosts
 *   tinylfu W-TinyLFU (Caffeine's design): a 1% window LRU, a segmented main LRU (probation,
 *           protected <= 80%), admission by a count-min sketch of 4-bit counters halved every
 *           10c recordings; the halving is amortised O(1)
 * NULL with `err` naming the policy ("unknown cache policy \"lfu2\" (use lru, lfu, ...)") or a
 * zero capacity. Every operation is O(1). Not thread-safe; one owner. Caller frees. */
dk_cache_t *dk_cache_new(const char *policy, uint64_t capacity, dk_error *err);
dk_cache_t *dk_cache_new_seeded(const char *policy, uint64_t capacity, uint64_t seed,
                                dk_error *err);
/* A cache whose capacity is `bytes` and whose entries have sizes (dk_cache_put_sized): puts
 * evict as many entries as the new one needs room for. The policies with a single eviction
 * order take sized entries: lru, lfu, perfect_lfu, fifo, lifo, mru, random. arc, 2q and tinylfu
 * do not (their ghost lists, adaptive targets and window are counted in entries, and the papers
 * define no byte version): DK_EUNSUPPORTED, with `err` saying so and naming the ones that do.
 * DK_EINVAL for zero bytes. Caller frees with dk_cache_free. */
dk_cache_t *dk_cache_new_bytes(const char *policy, uint64_t bytes, uint64_t seed, dk_error *err);
/* 1 when the cache was made by dk_cache_new_bytes (its capacity counts bytes). */
int dk_cache_sized(const dk_cache_t *c);
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
/* As dk_cache_put, and when it returns 1, *victim is the evicted key (what a caller keeping
 * values beside the cache, as the Lua binding does, must drop). */
int dk_cache_put_victim(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl, uint64_t *victim);

/* Called once per entry a sized put evicts, with its key (what a caller keeping values beside
 * the cache must drop). */
typedef void dk_cache_evict_fn(void *ctx, uint64_t key);

/* Inserts or refreshes `key` as an entry of `size` bytes: evicts, by policy, as many entries as
 * it takes for the bytes held to stay within the capacity, and returns how many it evicted.
 * A refresh with the same size is a use (as dk_cache_put); one with another size re-inserts
 * the entry (it loses its recency or count). Nothing changes when it fails:
 *   DK_EINVAL   size 0, or a size other than 1 in a cache counted in entries (every entry of
 *               such a cache weighs 1; dk_cache_put is dk_cache_put_sized with size 1)
 *   DK_ERANGE   size larger than the whole capacity: refused, never stored
 *   DK_ENOMEM   memory to hold one more entry ran out.
 * `on_evict` (may be NULL) hears every victim. */
int dk_cache_put_sized(dk_cache_t *c, uint64_t key, uint64_t size, int64_t now, int64_t ttl);
int dk_cache_put_sized_victims(dk_cache_t *c, uint64_t key, uint64_t size, int64_t now, int64_t ttl,
                               dk_cache_evict_fn *on_evict, void *ctx);

/* Active expiry: removes up to `max` entries whose expiry is <= now, earliest first, and
 * returns how many; their keys go to `expired` (room for `max`) unless it is NULL. Beside the
 * lazy expiry of dk_cache_get, for a caller that wants memory back or values released without
 * waiting for a get. Each put with a ttl costs O(log n) for this (a heap of expiries, kept at
 * most twice the entries); never allocates. */
uint64_t dk_cache_expire(dk_cache_t *c, int64_t now, uint64_t max, uint64_t *expired);

int dk_cache_remove(dk_cache_t *c, uint64_t key);         /* 1 if it was there */
int dk_cache_contains(const dk_cache_t *c, uint64_t key); /* no recency change, no expiry */

uint64_t dk_cache_size(const dk_cache_t *c);
/* The capacity: bytes for a sized cache, else entries. */
uint64_t dk_cache_capacity(const dk_cache_t *c);
/* The bytes held: the sum of the sizes of the entries held (their number in an entry cache).
 * Never above the capacity. */
uint64_t dk_cache_bytes(const dk_cache_t *c);
const char *dk_cache_policy(const dk_cache_t *c);
/* Counters since creation: hits, misses (from dk_cache_get), evictions, expirations (entries
 * dk_cache_expire removed; a lazy expiry on get counts as a miss). */
uint64_t dk_cache_hits(const dk_cache_t *c);
uint64_t dk_cache_misses(const dk_cache_t *c);
uint64_t dk_cache_evictions(const dk_cache_t *c);
uint64_t dk_cache_expirations(const dk_cache_t *c);

/* Belady's MIN, the offline optimum: the hits a cache of `capacity` entries scores on `trace`
 * (n keys, each a get and, on a miss, a put) when it always evicts the entry used again
 * furthest in the future. No online policy scores more. O(n log n) time, O(n) memory.
 * DK_EINVAL for a zero capacity, DK_ENOMEM. */
dk_status dk_cache_min(const uint64_t *trace, size_t n, uint64_t capacity, uint64_t *hits,
                       dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* cache_policy.h - the eviction-policy interface behind dk_cache_t (internal to core/patterns). */
#ifndef DK_PATTERNS_CACHE_POLICY_H
#define DK_PATTERNS_CACHE_POLICY_H

#include <stdint.h>
#include "designkit/status.h"

/* A policy keeps the entries and decides what to evict; cache.c keeps the counters and the
 * registry. A policy's memory grows with the entries it holds, geometrically, never beyond what
 * its capacity needs: a large capacity costs nothing until it fills, and once the structures
 * have grown, operations allocate nothing.
 * Expiry is the policy's to enforce (it owns the entries): get() treats an entry whose expiry is
 * <= now as absent and removes it. */
/* What expiry() says of a key the cache does not hold: no entry's expiry can be this low,
 * since an expiry is a time plus a positive ttl. */
#define DK__ABSENT INT64_MIN

typedef struct dk__cache_policy {
    const char *name;
    void *(*create)(uint64_t capacity, uint64_t seed, dk_error *err); /* seed: Random's */
    void (*destroy)(void *p);
    int (*get)(void *p, uint64_t key, int64_t now); /* 1 hit (touches), 0 miss */
    /* Inserts or refreshes key with absolute expiry `expires` (INT64_MAX: never); 1 if another
     * entry was evicted to make room (its key in *victim), -1 when memory to hold one more entry
     * ran out (the cache left as it was). */
    int (*put)(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim);
    int (*remove)(void *p, uint64_t key); /* 1 if present */
    /* The absolute expiry of a resident key (INT64_MAX: never), DK__ABSENT if the key is not
     * held (a ghost is not held); no touch, no expiry. What contains and the active expiry
     * sweep ask. */
    int64_t (*expiry)(const void *p, uint64_t key);
    uint64_t (*size)(const void *p);
    /* Evicts the entry the policy would evict next (its key in *victim); 0 when it holds none.
     * What a sized cache (cache.c) calls as often as a big entry needs. NULL for a policy whose
     * eviction is tied to counting entries (ARC's target, 2Q's Kin, TinyLFU's window): such a
     * policy takes no sized entries. */
    int (*evict)(void *p, uint64_t *victim);
} dk__cache_policy;

/* Every policy, one entry each: X(id, "name"), where dk__cache_<id> is its table. A new policy adds
 * its line here; the registry, the names the schemas offer and the messages follow. */
#define DK__CACHE_POLICIES(X)                                                                      \
    X(lru, "lru")                                                                                  \
    X(lfu, "lfu")                                                                                  \
    X(perfect_lfu, "perfect_lfu")                                                                  \
    X(fifo, "fifo")                                                                                \
    X(lifo, "lifo")                                                                                \
    X(mru, "mru") X(random, "random") X(arc, "arc") X(twoq, "2q") X(tinylfu, "tinylfu")

#define DK__CACHE_DECLARE(p, name) extern const dk__cache_policy dk__cache_##p;
DK__CACHE_POLICIES(DK__CACHE_DECLARE)
#undef DK__CACHE_DECLARE

#endif

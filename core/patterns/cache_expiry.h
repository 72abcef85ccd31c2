/* cache_expiry.h - the expiry heap behind dk_cache_expire (internal to core/patterns). */
#ifndef DK_PATTERNS_CACHE_EXPIRY_H
#define DK_PATTERNS_CACHE_EXPIRY_H

#include <stddef.h>
#include <stdint.h>

/* A binary min-heap of (expiry, key), one pair pushed per put that sets an expiry. Pairs are
 * never updated in place: a refresh pushes a new pair and a removal leaves the old one, and
 * the sweep drops a pair whose key no longer holds that expiry (the policy is asked). That
 * keeps puts O(log n) with no index from keys to heap positions; dk__cexpiry_compact() bounds
 * the stale pairs. */
typedef struct dk__cexpiry_pair {
    int64_t at;
    uint64_t key;
} dk__cexpiry_pair;

typedef struct dk__cexpiry {
    dk__cexpiry_pair *v;
    size_t len, cap;
} dk__cexpiry;

void dk__cexpiry_fini(dk__cexpiry *h);
/* Room for one more pair; 0 when memory ran out (the heap as it was). */
int dk__cexpiry_reserve(dk__cexpiry *h);
/* Pushes (at, key) after a successful reserve: cannot fail. */
void dk__cexpiry_push(dk__cexpiry *h, int64_t at, uint64_t key);
/* Removes the earliest pair; the heap is not empty. */
void dk__cexpiry_pop(dk__cexpiry *h);
/* Keeps only the pairs `live` accepts (a key still holding that expiry), then restores the
 * heap order: O(n). */
void dk__cexpiry_compact(dk__cexpiry *h, int (*live)(void *ctx, const dk__cexpiry_pair *p),
                         void *ctx);

#endif

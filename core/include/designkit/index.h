/* index.h - a B+tree and a hash index over 64-bit keys, each page a node, each counting the
 * pages it reads, so what an index saves over a full scan is measured in page reads, the unit
 * a database pays in. In memory; not thread-safe, one owner per index. */
#ifndef DESIGNKIT_INDEX_H
#define DESIGNKIT_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called for each entry a range or scan visits, in key order for the B+tree; a non-zero
 * return stops the walk. */
typedef int (*dk_index_visit_fn)(uint64_t key, uint64_t value, void *ud);

typedef struct dk_index_stats {
    uint64_t count;      /* entries */
    uint64_t pages;      /* pages in use (B+tree: internal and leaf; hash: buckets + overflow) */
    uint64_t leaf_pages; /* B+tree: the pages a full scan reads; hash: the same as pages */
    unsigned height;     /* B+tree: levels, the page reads of a point query; hash: 0 */
    uint64_t page_reads; /* pages visited by every operation since the last reset */
} dk_index_stats;

/* ---- B+tree: keys in order, values in the leaves, leaves chained for range scans ---- */

typedef struct dk_btree dk_btree_t;

/* A tree whose pages hold up to `order` children (internal) or `order` entries (leaf); order
 * >= 3. DK_EINVAL otherwise ("btree: order must be at least 3 (got 0)"), DK_ENOMEM. The
 * caller frees it with dk_btree_free (NULL is a no-op). */
dk_btree_t *dk_btree_new(unsigned order, dk_error *err);
void dk_btree_free(dk_btree_t *t);

/* Inserts or replaces. DK_ENOMEM leaves the tree as it was. */
dk_status dk_btree_put(dk_btree_t *t, uint64_t key, uint64_t value, dk_error *err);
/* 1 and *value (may be NULL) when `key` is there, else 0. One page read per level. */
int dk_btree_get(dk_btree_t *t, uint64_t key, uint64_t *value);
/* 1 when `key` was there and is gone. Pages are not merged when they empty (as in many
 * databases, later inserts reuse the room), so the height never shrinks. */
int dk_btree_delete(dk_btree_t *t, uint64_t key);
/* Visits lo <= key <= hi in order; returns how many were visited. Page reads: the descent
 * (height) plus each further leaf along the chain. */
uint64_t dk_btree_range(dk_btree_t *t, uint64_t lo, uint64_t hi, dk_index_visit_fn fn, void *ud);
/* Visits every entry through the leaf chain: a full scan, one read per leaf page. */
uint64_t dk_btree_scan(dk_btree_t *t, dk_index_visit_fn fn, void *ud);
void dk_btree_stats(const dk_btree_t *t, dk_index_stats *out);
void dk_btree_reset_reads(dk_btree_t *t);

/* ---- Hash index: buckets of one page each, overflow pages chained; no order ---- */

typedef struct dk_hashindex dk_hashindex_t;

/* Buckets of `page_entries` entries (>= 1; DK_EINVAL otherwise). The bucket count doubles
 * when the index is three-quarters full (the rebuild reads no pages in the count: it is
 * upkeep, not a query). Caller frees with dk_hashindex_free (NULL is a no-op). */
dk_hashindex_t *dk_hashindex_new(unsigned page_entries, dk_error *err);
void dk_hashindex_free(dk_hashindex_t *h);
dk_status dk_hashindex_put(dk_hashindex_t *h, uint64_t key, uint64_t value, dk_error *err);
/* One page read for the bucket, one more per overflow page walked. */
int dk_hashindex_get(dk_hashindex_t *h, uint64_t key, uint64_t *value);
int dk_hashindex_delete(dk_hashindex_t *h, uint64_t key);
/* A hash keeps no order: a range query must read every page. Visits lo <= key <= hi in no
 * particular order; returns how many. */
uint64_t dk_hashindex_range(dk_hashindex_t *h, uint64_t lo, uint64_t hi, dk_index_visit_fn fn,
                            void *ud);
void dk_hashindex_stats(const dk_hashindex_t *h, dk_index_stats *out);
void dk_hashindex_reset_reads(dk_hashindex_t *h);

#ifdef __cplusplus
}
#endif
#endif

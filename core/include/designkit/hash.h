/* hash.h - consistent hashing: jump, a ring with virtual nodes, Maglev and rendezvous (HRW),
 * and the hash functions they stand on. Not thread-safe; one owner per ring or table (the free
 * functions are pure and safe anywhere). */
#ifndef DESIGNKIT_HASH_H
#define DESIGNKIT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/map.h"
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The hash functions. Keys are hashed with map.h's dk_hash_u64 (the SplitMix64 finaliser: a
 * bijection on 64-bit words whose every output bit depends on every input bit) and names with
 * its dk_hash_bytes (FNV-1a 64, finalised the same way). dk_hash_seeded is dk_hash_bytes for
 * seed 0, and that hash remixed with the seed otherwise: independent hashes of one name (Maglev's
 * h1 and h2, a ring's points). */
uint64_t dk_hash_seeded(const void *data, size_t len, uint64_t seed);
uint64_t dk_hash_string(const char *s, uint64_t seed); /* dk_hash_seeded over strlen(s) */

/*
 * dk_hash_jump - jump consistent hash (Lamping and Veach, 2014): the bucket in [0, buckets) of
 * `key`, taken as it is (hash a string first). Growing from n to n+1 buckets moves only the keys
 * that land in the new bucket, about 1/(n+1) of them. Returns -1 for buckets < 1. O(log n), no
 * memory.
 */
int32_t dk_hash_jump(uint64_t key, int32_t buckets);

/*
 * dk_hash_rendezvous - highest random weight (Thaler and Ravishankar, 1996): of `n` nodes, given
 * by their hashes (dk_hash_string of the name), the one whose score dk_hash_u64(key ^ node)
 * is highest; ties (equal scores) go to the lower index. SIZE_MAX for n == 0. O(n).
 */
size_t dk_hash_rendezvous(uint64_t key, const uint64_t *node_hashes, size_t n);

/* ---- the ring --------------------------------------------------------------------------------
 * A consistent-hash ring (Karger et al., 1997): each node owns `vnodes` points, the hashes of
 * "name#0", "name#1", ...; a key belongs to the first point clockwise from its hash. Adding or
 * removing a node rebuilds the sorted points: O(M log M) for M = nodes x vnodes, a rare event;
 * a lookup is a binary search, O(log M), and allocates nothing. */
typedef struct dk_hash_ring dk_hash_ring_t;

/* An empty ring whose nodes get `vnodes` points each (1 ..= 100000). Caller frees with
 * dk_hash_ring_free. NULL with `err` (DK_EINVAL, DK_ENOMEM). */
dk_hash_ring_t *dk_hash_ring_new(unsigned vnodes, dk_error *err);
void dk_hash_ring_free(dk_hash_ring_t *ring);
/* Adds a node by name (copied). DK_EEXIST for a name already there, DK_EINVAL for an empty
 * name, DK_ENOMEM (the ring is then unchanged). */
dk_status dk_hash_ring_add(dk_hash_ring_t *ring, const char *name, dk_error *err);
/* Removes a node by name; DK_ENOTFOUND when it is not there. The other nodes keep their
 * indices' order (indices after it shift down by one). */
dk_status dk_hash_ring_remove(dk_hash_ring_t *ring, const char *name, dk_error *err);
/* The node that owns the key hash `h` (already hashed), as an index into the nodes in the order
 * they were added; SIZE_MAX for an empty ring. */
size_t dk_hash_ring_get(const dk_hash_ring_t *ring, uint64_t h);
/* The first node clockwise from h for which ok(i, arg) is true: health-aware lookups walk on to
 * the next node's point. SIZE_MAX when none is. */
size_t dk_hash_ring_get_if(const dk_hash_ring_t *ring, uint64_t h, int (*ok)(size_t, void *),
                           void *arg);
size_t dk_hash_ring_nodes(const dk_hash_ring_t *ring);
const char *dk_hash_ring_node(const dk_hash_ring_t *ring, size_t i); /* borrowed; NULL past end */

/* ---- Maglev ----------------------------------------------------------------------------------
 * Maglev hashing (Eisenbud et al., NSDI 2016): a lookup table of `size` entries (a prime, much
 * larger than the nodes) filled by each node in turn along its own permutation
 * (offset = h1(name) mod size, skip = h2(name) mod (size - 1) + 1), so every node gets
 * floor(size/n) or ceil(size/n) entries. A lookup is one table read. */
typedef struct dk_hash_maglev dk_hash_maglev_t;

#define DK_HASH_MAGLEV_DEFAULT_SIZE 65537u

/* A table over the `n` (>= 1) distinct, non-empty names (copied); `size` a prime > n, at most
 * 2^24 (0: the default). Caller frees with dk_hash_maglev_free. NULL with `err`: DK_EINVAL
 * naming the bad argument, DK_EEXIST for a duplicate name, DK_ENOMEM. */
dk_hash_maglev_t *dk_hash_maglev_new(const char *const *names, size_t n, uint32_t size,
                                     dk_error *err);
void dk_hash_maglev_free(dk_hash_maglev_t *m);
/* The node (index into names) for the key hash h. */
size_t dk_hash_maglev_get(const dk_hash_maglev_t *m, uint64_t h);
/* Refills the table with only the nodes whose `live` flag is set (a backend set that lost or
 * regained members); entries move only as much as Maglev's fill order moves them.
 * DK_EINVAL when none is live (the table is then unchanged). Allocates nothing. */
dk_status dk_hash_maglev_fill(dk_hash_maglev_t *m, const unsigned char *live);
uint32_t dk_hash_maglev_size(const dk_hash_maglev_t *m);
size_t dk_hash_maglev_nodes(const dk_hash_maglev_t *m);
const char *dk_hash_maglev_node(const dk_hash_maglev_t *m, size_t i); /* borrowed */
/* How many table entries node i owns (what the balance check counts). */
size_t dk_hash_maglev_entries(const dk_hash_maglev_t *m, size_t i);

#ifdef __cplusplus
}
#endif
#endif

/* shard.h - sharding: which shard owns a key, and what a change of shards moves. */
#ifndef DESIGNKIT_SHARD_H
#define DESIGNKIT_SHARD_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The strategies, in enum order: X(ID, name). */
#define DK_SHARD_STRATEGIES(X)                                                                     \
    X(RANGE, "range") /* whole-number keys; split points start each shard after the first */       \
    X(HASH, "hash")   /* hashed keys, mod N or jump consistent hash */                             \
    X(DIRECTORY, "directory") /* a lookup table key -> shard, with reassignment */                 \
    X(GEO, "geo")             /* region -> shard */                                                \
    X(CUSTOM, "custom")       /* a callback chooses */                                             \
    X(VERTICAL, "vertical")   /* field (column) -> shard group */

typedef enum dk_shard_strategy {
#define DK__SHARD_ENUM(id, name) DK_SHARD_##id,
    DK_SHARD_STRATEGIES(DK__SHARD_ENUM)
#undef DK__SHARD_ENUM
} dk_shard_strategy;

/* Every strategy's name in enum order, NULL-terminated; "range, hash, ..." for messages. */
extern const char *const dk_shard_strategy_names[];
extern const char dk_shard_strategy_list[];
dk_status dk_shard_strategy_parse(const char *name, dk_shard_strategy *out); /* DK_ENOTFOUND */

/* How a hash sharder maps a hash to a shard: h mod N, or Lamping & Veach's jump consistent
 * hash (2014), which moves only 1/(N+1) of keys when a shard is added. */
typedef enum dk_shard_hash_method { DK_SHARD_MOD, DK_SHARD_JUMP } dk_shard_hash_method;

/* Lamping & Veach's jump consistent hash of `key` into [0, buckets) (buckets >= 1), on the raw
 * key as the paper gives it. (Issue 10 part C's hashing library has its own; this one keeps
 * sharding free of that dependency.) */
uint32_t dk_shard_jump(uint64_t key, uint32_t buckets);
/* The 64-bit mixer hash sharders apply before mod/jump (splitmix64's finalizer), and FNV-1a
 * of a name (what a name key hashes to before the mixer). */
uint64_t dk_shard_mix(uint64_t key);
uint64_t dk_shard_fnv1a(const char *s);

/* A custom sharder's choice: the shard id of `key` among `shards` shards. Return DK_OK and set
 * *out, or an error status with a message in `err` (it is passed on to the caller). */
typedef dk_status (*dk_shard_fn)(void *ud, uint64_t key, size_t shards, size_t *out, dk_error *err);

/*
 * A sharder. Shards have stable ids 0, 1, ...: a new shard takes the next id and a removed id
 * is not reused (but hash and custom, which are N shards numbered 0..N-1, give the newest id
 * back when it goes), so a plan between two sharders names the same shard by the same id.
 * Not thread-safe; one owner. Every constructor returns what the caller frees with
 * dk_shard_free, or NULL with `err` set.
 */
typedef struct dk_shard dk_shard_t;

/* `nsplits` split points, strictly increasing: shard 0 owns [0, splits[0]), shard i owns
 * [splits[i-1], splits[i]), the last owns [splits[n-1], max]. Zero splits is one shard. */
dk_shard_t *dk_shard_range_new(const uint64_t *splits, size_t nsplits, dk_error *err);
/* `shards` >= 1 shards by hash. */
dk_shard_t *dk_shard_hash_new(dk_shard_hash_method method, size_t shards, dk_error *err);
/* A table strategy (DIRECTORY, GEO or VERTICAL) with `shards` >= 1 empty shards; fill it with
 * dk_shard_assign. */
dk_shard_t *dk_shard_table_new(dk_shard_strategy strategy, size_t shards, dk_error *err);
/* `shards` >= 1 shards chosen by `fn` (which must answer an id below its `shards`). `ud` is
 * borrowed and must outlive the sharder. */
dk_shard_t *dk_shard_custom_new(dk_shard_fn fn, void *ud, size_t shards, dk_error *err);
/* A deep copy (a custom sharder shares `fn` and `ud`); NULL on out-of-memory. Used to plan a
 * change: copy, change the copy, plan from the original to the copy. */
dk_shard_t *dk_shard_clone(const dk_shard_t *s);
/* Custom: replaces the callback and its `ud` (a clone whose owner keeps its own copy of what
 * `ud` points to). Ignored by other strategies. */
void dk_shard_set_fn(dk_shard_t *s, dk_shard_fn fn, void *ud);
void dk_shard_free(dk_shard_t *s); /* NULL is a no-op */

dk_shard_strategy dk_shard_strategy_of(const dk_shard_t *s);
size_t dk_shard_ids(const dk_shard_t *s);           /* ids ever made: loads are this long */
size_t dk_shard_count(const dk_shard_t *s);         /* shards alive */
int dk_shard_alive(const dk_shard_t *s, size_t id); /* 0 for a removed or unknown id */

/* The shard owning a whole-number key (range, hash, custom; DK_EINVAL for a table strategy)
 * or a named key (hash: FNV-1a of the name; table strategies: its entry, DK_ENOTFOUND if it
 * has none; DK_EINVAL for range and custom). Allocates nothing. */
dk_status dk_shard_of(const dk_shard_t *s, uint64_t key, size_t *out, dk_error *err);
dk_status dk_shard_of_name(const dk_shard_t *s, const char *key, size_t *out, dk_error *err);

/* Table strategies: `key` (a key, a region, a field) now belongs to shard `id` (alive);
 * reassigning moves it. DK_EINVAL for other strategies, DK_ENOTFOUND for a dead id. */
dk_status dk_shard_assign(dk_shard_t *s, const char *key, size_t id, dk_error *err);

/*
 * Adds a shard; its id (dk_shard_ids before the call) goes to *id.
 * Range: `split` is the new shard's first key; it takes the upper part [split, next split) of
 * the shard that held `split` (DK_EEXIST if `split` is already a split point, DK_EINVAL for 0).
 * Hash and custom: one more shard (N + 1). Table strategies: an empty shard (nothing moves
 * until keys are assigned to it). `split` is ignored except by range.
 */
dk_status dk_shard_add(dk_shard_t *s, uint64_t split, size_t *id, dk_error *err);
/*
 * Removes shard `id`. Range: its keys join the shard below it (the one above if it is the
 * first). Hash and custom: only the newest shard (the last id) may go, as N - 1 renumbers
 * nothing else. Table strategies: its keys move to the remaining shard with the fewest keys
 * (ties: the lowest id). The last shard cannot go (DK_ESTATE).
 */
dk_status dk_shard_remove(dk_shard_t *s, size_t id, dk_error *err);

/* ---- reports over a key set ---------------------------------------------------------------- */

/* A key set: whole numbers (`ints`) or names (`names`), `n` of them; `weights` (optional) is
 * each key's load (requests per second, or a probability), 1 each when NULL. */
typedef struct dk_shard_keys {
    const uint64_t *ints;
    const char *const *names;
    const double *weights;
    size_t n;
} dk_shard_keys;

/* Sums each key's weight onto its shard: loads[id] for id < dk_shard_ids(s) (the caller's
 * array, that long; dead ids get 0). Fails on the first key that has no shard. */
dk_status dk_shard_loads(const dk_shard_t *s, const dk_shard_keys *keys, double *loads,
                         dk_error *err);

/* The exact load of each shard when whole-number keys 1..n are drawn from Zipf(n, exponent):
 * loads[id] is the probability mass the shard owns, summed from the pmf k^-s / H(n, s).
 * O(n) shard lookups. */
dk_status dk_shard_zipf_loads(const dk_shard_t *s, uint64_t n, double exponent, double *loads,
                              dk_error *err);

/* The spread of loads over the alive shards: max/mean, the coefficient of variation (population
 * standard deviation / mean), the hottest shard (lowest id among equals) and its share. */
typedef struct dk_shard_skew {
    double max_over_mean;
    double cv;
    size_t hottest;
    double hottest_share;
    double total;
} dk_shard_skew;
dk_shard_skew dk_shard_skew_of(const dk_shard_t *s, const double *loads);

/* One step of a resharding plan: keys [first, last] (whole numbers, or indexes into the key
 * set for names) that move from shard `from` to shard `to`, `count` keys, `weight` their load. */
typedef struct dk_shard_move {
    size_t from, to;
    uint64_t first, last;
    size_t count;
    double weight;
} dk_shard_move;

/* What goes where when sharding changes from `a` to `b` over `keys` (whole-number keys are
 * taken in ascending order so that a run of neighbours becomes one range). Returns an array
 * the caller frees with dk_free (NULL when nothing moves) and its length in *nmoves; *moved is
 * the number of keys that change shard. */
dk_status dk_shard_plan(const dk_shard_t *a, const dk_shard_t *b, const dk_shard_keys *keys,
                        dk_shard_move **moves, size_t *nmoves, size_t *moved, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

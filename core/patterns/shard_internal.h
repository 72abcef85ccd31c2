/* shard_internal.h - the sharder's layout, shared by shard.c, shard_table.c and shard_report.c. */
#ifndef DK_SHARD_INTERNAL_H
#define DK_SHARD_INTERNAL_H

#include "designkit/shard.h"

/* A string -> shard id table (open addressing, linear probing), for directory, geo and
 * vertical. Keys are owned copies. */
typedef struct dk__shard_table {
    char **keys; /* NULL marks an empty slot */
    size_t *ids;
    size_t cap; /* a power of two, or 0 */
    size_t len;
} dk__shard_table;

struct dk_shard {
    dk_shard_strategy strategy;
    size_t ids;         /* ids made so far */
    size_t alive_count; /* shards alive */
    unsigned char *alive;
    /* range: `nbounds` shards in key order; bounds[i] is the first key of order[i] (bounds[0]
     * is 0). */
    uint64_t *bounds;
    size_t *order;
    size_t nbounds;
    dk_shard_hash_method method;
    dk_shard_fn fn;
    void *ud;
    dk__shard_table table;
};

dk_status dk__shard_table_put(dk__shard_table *t, const char *key, size_t id);
const size_t *dk__shard_table_get(const dk__shard_table *t, const char *key);
dk_status dk__shard_table_copy(dk__shard_table *to, const dk__shard_table *from);
void dk__shard_table_free(dk__shard_table *t);

#endif

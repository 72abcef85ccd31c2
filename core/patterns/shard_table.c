/* shard_table.c - the name -> shard id table behind directory, geo and vertical sharding. */
#include <string.h>

#include "designkit/alloc.h"
#include "shard_internal.h"

static size_t slot_of(const dk__shard_table *t, const char *key)
{
    size_t i = (size_t)dk_shard_mix(dk_shard_fnv1a(key)) & (t->cap - 1);
    while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* Doubles the table (rehashing the owned keys, no copies) so it stays at most half full:
 * linear probing's chains stay short below that. */
static dk_status grow(dk__shard_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16;
    char **keys = dk_calloc(cap, sizeof *keys);
    size_t *ids = dk_calloc(cap, sizeof *ids);
    if (keys == NULL || ids == NULL) {
        dk_free(keys);
        dk_free(ids);
        return DK_ENOMEM;
    }
    dk__shard_table old = *t;
    t->keys = keys;
    t->ids = ids;
    t->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i] == NULL)
            continue;
        size_t j = slot_of(t, old.keys[i]);
        t->keys[j] = old.keys[i];
        t->ids[j] = old.ids[i];
    }
    dk_free(old.keys);
    dk_free(old.ids);
    return DK_OK;
}

/* Sets key -> id (copying the key when it is new). */
dk_status dk__shard_table_put(dk__shard_table *t, const char *key, size_t id)
{
    if ((t->len + 1) * 2 > t->cap && grow(t) != DK_OK)
        return DK_ENOMEM;
    size_t i = slot_of(t, key);
    if (t->keys[i] == NULL) {
        if ((t->keys[i] = dk_strdup(key)) == NULL)
            return DK_ENOMEM;
        t->len++;
    }
    t->ids[i] = id;
    return DK_OK;
}

/* The id of `key`, borrowed, or NULL. Allocates nothing. */
const size_t *dk__shard_table_get(const dk__shard_table *t, const char *key)
{
    if (t->cap == 0)
        return NULL;
    size_t i = slot_of(t, key);
    return t->keys[i] != NULL ? &t->ids[i] : NULL;
}

dk_status dk__shard_table_copy(dk__shard_table *to, const dk__shard_table *from)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->cap; i++) {
        if (from->keys[i] != NULL &&
            dk__shard_table_put(to, from->keys[i], from->ids[i]) != DK_OK) {
            dk__shard_table_free(to);
            return DK_ENOMEM;
        }
    }
    return DK_OK;
}

void dk__shard_table_free(dk__shard_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        dk_free(t->keys[i]);
    dk_free(t->keys);
    dk_free(t->ids);
    memset(t, 0, sizeof *t);
}

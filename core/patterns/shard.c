/* shard.c - the sharders: range, hash (mod N, jump), table (directory, geo, vertical), custom. */
#include <string.h>

#include "designkit/alloc.h"
#include "shard_internal.h"

const char *const dk_shard_strategy_names[] = {
#define DK__SHARD_NAME(id, name) name,
    DK_SHARD_STRATEGIES(DK__SHARD_NAME)
#undef DK__SHARD_NAME
        NULL};
const char dk_shard_strategy_list[] = "range, hash, directory, geo, custom, vertical";

dk_status dk_shard_strategy_parse(const char *name, dk_shard_strategy *out)
{
    for (size_t i = 0; name != NULL && dk_shard_strategy_names[i] != NULL; i++) {
        if (strcmp(name, dk_shard_strategy_names[i]) == 0) {
            *out = (dk_shard_strategy)i;
            return DK_OK;
        }
    }
    return DK_ENOTFOUND;
}

/* Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014): a linear
 * congruential step per candidate jump; the expected number of steps is ln(buckets). */
uint32_t dk_shard_jump(uint64_t key, uint32_t buckets)
{
    int64_t b = -1, j = 0;
    while (j < (int64_t)buckets) {
        b = j;
        key = key * 2862933555777941757ULL + 1;
        j = (int64_t)((double)(b + 1) * ((double)(1LL << 31) / (double)((key >> 33) + 1)));
    }
    return (uint32_t)b;
}

uint64_t dk_shard_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t dk_shard_fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* A sharder with `shards` alive ids and nothing else. */
static dk_shard_t *make(dk_shard_strategy strategy, size_t shards, dk_error *err)
{
    if (shards == 0 || shards > UINT32_MAX) {
        dk_error_set(err, DK_EINVAL,
                     "shard: %s: the number of shards must be from 1 to %u (got %zu)",
                     dk_shard_strategy_names[strategy], UINT32_MAX, shards);
        return NULL;
    }
    dk_shard_t *s = dk_calloc(1, sizeof *s);
    if (s == NULL || (s->alive = dk_malloc(shards)) == NULL) {
        dk_free(s);
        dk_error_set(err, DK_ENOMEM, "shard: out of memory");
        return NULL;
    }
    memset(s->alive, 1, shards);
    s->strategy = strategy;
    s->ids = s->alive_count = shards;
    return s;
}

dk_shard_t *dk_shard_range_new(const uint64_t *splits, size_t nsplits, dk_error *err)
{
    for (size_t i = 0; i < nsplits; i++) {
        if (splits[i] == 0) {
            dk_error_set(err, DK_EINVAL,
                         "shard: range: split %zu is 0 (the first shard starts there)", i + 1);
            return NULL;
        }
        if (i > 0 && splits[i] <= splits[i - 1]) {
            dk_error_set(err, DK_EINVAL,
                         "shard: range: splits must be strictly increasing (split %zu, %llu, "
                         "follows %llu)",
                         i + 1, (unsigned long long)splits[i], (unsigned long long)splits[i - 1]);
            return NULL;
        }
    }
    dk_shard_t *s = make(DK_SHARD_RANGE, nsplits + 1, err);
    if (s == NULL)
        return NULL;
    s->bounds = dk_malloc((nsplits + 1) * sizeof *s->bounds);
    s->order = dk_malloc((nsplits + 1) * sizeof *s->order);
    if (s->bounds == NULL || s->order == NULL) {
        dk_shard_free(s);
        dk_error_set(err, DK_ENOMEM, "shard: out of memory");
        return NULL;
    }
    s->nbounds = nsplits + 1;
    s->bounds[0] = 0;
    s->order[0] = 0;
    for (size_t i = 0; i < nsplits; i++) {
        s->bounds[i + 1] = splits[i];
        s->order[i + 1] = i + 1;
    }
    return s;
}

dk_shard_t *dk_shard_hash_new(dk_shard_hash_method method, size_t shards, dk_error *err)
{
    dk_shard_t *s = make(DK_SHARD_HASH, shards, err);
    if (s != NULL)
        s->method = method;
    return s;
}

dk_shard_t *dk_shard_table_new(dk_shard_strategy strategy, size_t shards, dk_error *err)
{
    if (strategy != DK_SHARD_DIRECTORY && strategy != DK_SHARD_GEO &&
        strategy != DK_SHARD_VERTICAL) {
        dk_error_set(err, DK_EINVAL, "shard: %s is not a table strategy",
                     dk_shard_strategy_names[strategy]);
        return NULL;
    }
    return make(strategy, shards, err);
}

dk_shard_t *dk_shard_custom_new(dk_shard_fn fn, void *ud, size_t shards, dk_error *err)
{
    if (fn == NULL) {
        dk_error_set(err, DK_EINVAL, "shard: custom: the function is missing");
        return NULL;
    }
    dk_shard_t *s = make(DK_SHARD_CUSTOM, shards, err);
    if (s != NULL) {
        s->fn = fn;
        s->ud = ud;
    }
    return s;
}

dk_shard_t *dk_shard_clone(const dk_shard_t *s)
{
    dk_shard_t *c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    *c = *s;
    c->alive = dk_malloc(s->ids);
    c->bounds = NULL;
    c->order = NULL;
    memset(&c->table, 0, sizeof c->table);
    if (c->alive == NULL)
        goto fail;
    memcpy(c->alive, s->alive, s->ids);
    if (s->nbounds) {
        c->bounds = dk_malloc(s->nbounds * sizeof *c->bounds);
        c->order = dk_malloc(s->nbounds * sizeof *c->order);
        if (c->bounds == NULL || c->order == NULL)
            goto fail;
        memcpy(c->bounds, s->bounds, s->nbounds * sizeof *c->bounds);
        memcpy(c->order, s->order, s->nbounds * sizeof *c->order);
    }
    if (dk__shard_table_copy(&c->table, &s->table) != DK_OK)
        goto fail;
    return c;
fail:
    dk_shard_free(c);
    return NULL;
}

void dk_shard_set_fn(dk_shard_t *s, dk_shard_fn fn, void *ud)
{
    if (s->strategy == DK_SHARD_CUSTOM && fn != NULL) {
        s->fn = fn;
        s->ud = ud;
    }
}

void dk_shard_free(dk_shard_t *s)
{
    if (s == NULL)
        return;
    dk__shard_table_free(&s->table);
    dk_free(s->alive);
    dk_free(s->bounds);
    dk_free(s->order);
    dk_free(s);
}

dk_shard_strategy dk_shard_strategy_of(const dk_shard_t *s)
{
    return s->strategy;
}

size_t dk_shard_ids(const dk_shard_t *s)
{
    return s->ids;
}

size_t dk_shard_count(const dk_shard_t *s)
{
    return s->alive_count;
}

int dk_shard_alive(const dk_shard_t *s, size_t id)
{
    return id < s->ids && s->alive[id];
}

/* The index in `bounds` of the range holding `key`: the last bound <= key (binary search). */
static size_t range_index(const dk_shard_t *s, uint64_t key)
{
    size_t lo = 0, hi = s->nbounds; /* bounds[lo] <= key < bounds[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->bounds[mid] <= key)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Jump takes the raw key, as the paper's reference values do (its own steps mix it); mod N
 * mixes first, or sequential keys would deal round-robin and hide the cost of a change. */
static dk_status of_hash(const dk_shard_t *s, uint64_t h, size_t *out)
{
    if (s->method == DK_SHARD_JUMP)
        *out = dk_shard_jump(h, (uint32_t)s->ids);
    else
        *out = (size_t)(dk_shard_mix(h) % s->ids);
    return DK_OK;
}

dk_status dk_shard_of(const dk_shard_t *s, uint64_t key, size_t *out, dk_error *err)
{
    switch (s->strategy) {
    case DK_SHARD_RANGE:
        *out = s->order[range_index(s, key)];
        return DK_OK;
    case DK_SHARD_HASH:
        return of_hash(s, key, out);
    case DK_SHARD_CUSTOM: {
        size_t id = 0;
        dk_status st = s->fn(s->ud, key, s->alive_count, &id, err);
        if (st != DK_OK)
            return st;
        if (id >= s->ids || !s->alive[id])
            return dk_error_set(err, DK_ERANGE,
                                "shard: custom: the function chose shard %zu for key %llu, "
                                "which is not one of the %zu shards",
                                id, (unsigned long long)key, s->alive_count);
        *out = id;
        return DK_OK;
    }
    default:
        return dk_error_set(err, DK_EINVAL, "shard: %s: keys are names, not numbers (key %llu)",
                            dk_shard_strategy_names[s->strategy], (unsigned long long)key);
    }
}

dk_status dk_shard_of_name(const dk_shard_t *s, const char *key, size_t *out, dk_error *err)
{
    if (s->strategy == DK_SHARD_HASH)
        return of_hash(s, dk_shard_fnv1a(key), out);
    if (s->strategy == DK_SHARD_RANGE || s->strategy == DK_SHARD_CUSTOM)
        return dk_error_set(err, DK_EINVAL,
                            "shard: %s: keys are whole numbers (got the name \"%s\")",
                            dk_shard_strategy_names[s->strategy], key);
    const size_t *id = dk__shard_table_get(&s->table, key);
    if (id == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "shard: %s: \"%s\" is assigned to no shard",
                            dk_shard_strategy_names[s->strategy], key);
    *out = *id;
    return DK_OK;
}

static int is_table(const dk_shard_t *s)
{
    return s->strategy == DK_SHARD_DIRECTORY || s->strategy == DK_SHARD_GEO ||
           s->strategy == DK_SHARD_VERTICAL;
}

dk_status dk_shard_assign(dk_shard_t *s, const char *key, size_t id, dk_error *err)
{
    if (!is_table(s))
        return dk_error_set(err, DK_EINVAL, "shard: %s: only directory, geo and vertical assign",
                            dk_shard_strategy_names[s->strategy]);
    if (!dk_shard_alive(s, id))
        return dk_error_set(err, DK_ENOTFOUND, "shard: %s: no shard %zu to assign \"%s\" to",
                            dk_shard_strategy_names[s->strategy], id, key);
    if (dk__shard_table_put(&s->table, key, id) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    return DK_OK;
}

/* One more id, alive. */
static dk_status new_id(dk_shard_t *s, size_t *id, dk_error *err)
{
    if (s->ids >= UINT32_MAX)
        return dk_error_set(err, DK_ELIMIT, "shard: too many shards");
    unsigned char *alive = dk_realloc(s->alive, s->ids + 1);
    if (alive == NULL)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    s->alive = alive;
    s->alive[s->ids] = 1;
    *id = s->ids++;
    s->alive_count++;
    return DK_OK;
}

static dk_status range_add(dk_shard_t *s, uint64_t split, size_t *id, dk_error *err)
{
    if (split == 0)
        return dk_error_set(err, DK_EINVAL, "shard: range: a new split must be above 0");
    size_t at = range_index(s, split);
    if (s->bounds[at] == split)
        return dk_error_set(err, DK_EEXIST, "shard: range: %llu is already a split point",
                            (unsigned long long)split);
    uint64_t *b = dk_realloc(s->bounds, (s->nbounds + 1) * sizeof *b);
    if (b == NULL)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    s->bounds = b;
    size_t *o = dk_realloc(s->order, (s->nbounds + 1) * sizeof *o);
    if (o == NULL)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    s->order = o;
    dk_status st = new_id(s, id, err);
    if (st != DK_OK)
        return st;
    memmove(s->bounds + at + 2, s->bounds + at + 1, (s->nbounds - at - 1) * sizeof *b);
    memmove(s->order + at + 2, s->order + at + 1, (s->nbounds - at - 1) * sizeof *o);
    s->bounds[at + 1] = split;
    s->order[at + 1] = *id;
    s->nbounds++;
    return DK_OK;
}

dk_status dk_shard_add(dk_shard_t *s, uint64_t split, size_t *id, dk_error *err)
{
    size_t tmp;
    if (id == NULL)
        id = &tmp;
    if (s->strategy == DK_SHARD_RANGE)
        return range_add(s, split, id, err);
    return new_id(s, id, err);
}

/* Table strategies: the alive shard (not `gone`) holding the fewest keys, lowest id on ties. */
static size_t least_loaded(const dk_shard_t *s, size_t gone, const size_t *counts)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < s->ids; i++) {
        if (i != gone && s->alive[i] && (best == SIZE_MAX || counts[i] < counts[best]))
            best = i;
    }
    return best;
}

static dk_status table_remove(dk_shard_t *s, size_t id, dk_error *err)
{
    size_t *counts = dk_calloc(s->ids, sizeof *counts);
    if (counts == NULL)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    for (size_t i = 0; i < s->table.cap; i++) {
        if (s->table.keys[i] != NULL)
            counts[s->table.ids[i]]++;
    }
    /* Slot order is the hash order: fixed for a given set of keys, so a removal repeats. */
    for (size_t i = 0; i < s->table.cap; i++) {
        if (s->table.keys[i] != NULL && s->table.ids[i] == id) {
            size_t to = least_loaded(s, id, counts);
            s->table.ids[i] = to;
            counts[to]++;
        }
    }
    dk_free(counts);
    return DK_OK;
}

dk_status dk_shard_remove(dk_shard_t *s, size_t id, dk_error *err)
{
    const char *name = dk_shard_strategy_names[s->strategy];
    if (!dk_shard_alive(s, id))
        return dk_error_set(err, DK_ENOTFOUND, "shard: %s: there is no shard %zu", name, id);
    if (s->alive_count == 1)
        return dk_error_set(err, DK_ESTATE, "shard: %s: the last shard cannot be removed", name);
    if ((s->strategy == DK_SHARD_HASH || s->strategy == DK_SHARD_CUSTOM) && id != s->ids - 1)
        return dk_error_set(err, DK_EINVAL,
                            "shard: %s: only the newest shard (%zu) can be removed, as removing "
                            "another would renumber the shards after it (got %zu)",
                            name, s->ids - 1, id);
    if (s->strategy == DK_SHARD_RANGE) {
        size_t at = 0;
        while (s->order[at] != id)
            at++;
        /* The first range's keys start at 0, so the next one's bound becomes 0. */
        if (at == 0)
            s->bounds[1] = 0;
        memmove(s->bounds + at, s->bounds + at + 1, (s->nbounds - at - 1) * sizeof *s->bounds);
        memmove(s->order + at, s->order + at + 1, (s->nbounds - at - 1) * sizeof *s->order);
        s->nbounds--;
    } else if (is_table(s)) {
        dk_status st = table_remove(s, id, err);
        if (st != DK_OK)
            return st;
    }
    s->alive[id] = 0;
    s->alive_count--;
    /* Hash and custom: N - 1 shards, so the removed id is given back (it was the last). */
    if (s->strategy == DK_SHARD_HASH || s->strategy == DK_SHARD_CUSTOM)
        s->ids--;
    return DK_OK;
}

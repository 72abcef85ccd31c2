/* cache.c - dk_cache_t: the policy registry, expiry arithmetic and the hit/miss counters. */
#include "designkit/locale.h"
#include "designkit/cache.h"

#include <stdio.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/map.h"
#include "patterns/cache_expiry.h"
#include "patterns/cache_policy.h"

/* The policies, one list (DK__CACHE_POLICIES in cache_policy.h): the table the caches use and
 * the names the kind schemas offer are both made from it. */
static const dk__cache_policy *const policies[] = {
#define REF(p, name) &dk__cache_##p,
    DK__CACHE_POLICIES(REF)
#undef REF
};
#define NPOLICIES (sizeof policies / sizeof policies[0])

const char *const dk_cache_policy_names[] = {
#define NAME(p, name) name,
    DK__CACHE_POLICIES(NAME)
#undef NAME
        NULL};

struct dk_cache {
    const dk__cache_policy *policy;
    void *impl;
    uint64_t capacity;
    uint64_t hits, misses, evictions, expirations;
    dk__cexpiry expiry; /* the entries given an expiry, for dk_cache_expire */
    /* A sized cache (dk_cache_new_bytes): `capacity` counts bytes, `sizes` maps each resident
     * key to its size and `bytes` is their sum. The policy is made with room for as many
     * entries as there are bytes (every entry weighs at least one), so it never evicts on its
     * own below 2^32 entries; this file evicts, through the policy's evict(), what the bytes
     * need. NULL `sizes`: an entry cache, where the policy alone decides. */
    dk_map_t *sizes;
    uint64_t bytes;
};

/* The policy called `name` (NULL: "lru"), or NULL with `err` listing the valid names. */
static const dk__cache_policy *find_policy(const char *name, dk_error *err)
{
    if (name == NULL)
        name = "lru";
    for (size_t i = 0; i < NPOLICIES; i++)
        if (strcmp(policies[i]->name, name) == 0)
            return policies[i];
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < NPOLICIES && len < sizeof list; i++)
        len += (size_t)dk_snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                   dk_cache_policy_names[i]);
    dk_error_set(err, DK_ENOTFOUND, "unknown cache policy \"%s\" (use %s)", name, list);
    return NULL;
}

/* A cache over policy p holding at most `entries` entries; capacity is what it reports. */
static dk_cache_t *make(const dk__cache_policy *p, uint64_t entries, uint64_t capacity,
                        uint64_t seed, dk_error *err)
{
    dk_cache_t *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache: out of memory");
        return NULL;
    }
    c->impl = p->create(entries, seed, err);
    if (c->impl == NULL) {
        dk_free(c);
        return NULL;
    }
    c->policy = p;
    c->capacity = capacity;
    return c;
}

/*
 * dk_cache_new - a cache of `capacity` entries under `policy` (NULL means "lru"). DK_ENOTFOUND
 * for an unknown policy, DK_EINVAL for a zero capacity, DK_ENOMEM.
 */
dk_cache_t *dk_cache_new(const char *policy, uint64_t capacity, dk_error *err)
{
    return dk_cache_new_seeded(policy, capacity, 1, err);
}

/* dk_cache_new_seeded - as dk_cache_new, with the seed of the Random policy's draws. */
dk_cache_t *dk_cache_new_seeded(const char *policy, uint64_t capacity, uint64_t seed, dk_error *err)
{
    const dk__cache_policy *p = find_policy(policy, err);
    if (p == NULL)
        return NULL;
    if (capacity == 0) {
        dk_error_set(err, DK_EINVAL, "cache capacity must be a positive integer (got 0)");
        return NULL;
    }
    return make(p, capacity, capacity, seed, err);
}

/* The names of the policies that take sized entries, for a message. */
static void sized_names(char *list, size_t room)
{
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < NPOLICIES && len < room; i++)
        if (policies[i]->evict != NULL)
            len += (size_t)dk_snprintf(list + len, room - len, "%s%s", len ? ", " : "",
                                       policies[i]->name);
}

/*
 * dk_cache_new_bytes - a cache of `bytes` bytes of sized entries under `policy`. DK_ENOTFOUND
 * for an unknown policy, DK_EUNSUPPORTED for one without a single eviction order, DK_EINVAL
 * for zero bytes, DK_ENOMEM.
 */
dk_cache_t *dk_cache_new_bytes(const char *policy, uint64_t bytes, uint64_t seed, dk_error *err)
{
    const dk__cache_policy *p = find_policy(policy, err);
    if (p == NULL)
        return NULL;
    if (p->evict == NULL) {
        char list[128];
        sized_names(list, sizeof list);
        dk_error_set(err, DK_EUNSUPPORTED,
                     "cache policy \"%s\" cannot hold sized entries (its lists count entries); "
                     "a capacity in bytes needs one of %s",
                     p->name, list);
        return NULL;
    }
    if (bytes == 0) {
        dk_error_set(err, DK_EINVAL, "cache capacity must be a positive number of bytes (got 0)");
        return NULL;
    }
    uint64_t entries = bytes < UINT32_MAX - 1 ? bytes : UINT32_MAX - 1;
    dk_cache_t *c = make(p, entries, bytes, seed, err);
    if (c != NULL && (c->sizes = dk_map_new(0, NULL)) == NULL) {
        dk_cache_free(c);
        dk_error_set(err, DK_ENOMEM, "cache: out of memory");
        return NULL;
    }
    return c;
}

int dk_cache_sized(const dk_cache_t *c)
{
    return c->sizes != NULL;
}

void dk_cache_free(dk_cache_t *c)
{
    if (c == NULL)
        return;
    c->policy->destroy(c->impl);
    dk__cexpiry_fini(&c->expiry);
    dk_map_free(c->sizes);
    dk_free(c);
}

/* A sized cache's books, when `key` has left the policy (removed, expired, evicted). */
static uint64_t forget_size(dk_cache_t *c, uint64_t key)
{
    uint64_t size = 0;
    if (dk_map_remove(c->sizes, key, &size))
        c->bytes -= size;
    return size;
}

int dk_cache_get(dk_cache_t *c, uint64_t key, int64_t now)
{
    int hit = c->policy->get(c->impl, key, now);
    if (hit) {
        c->hits++;
    } else {
        c->misses++;
        if (c->sizes != NULL)
            forget_size(c, key); /* a lazy expiry drops what the entry weighed */
    }
    return hit;
}

/* A ttl that would carry the expiry past INT64_MAX saturates to "never". */
int dk_cache_put(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl)
{
    uint64_t victim;
    return dk_cache_put_victim(c, key, now, ttl, &victim);
}

static int64_t expiry_of(int64_t now, int64_t ttl)
{
    return ttl <= 0 || now > INT64_MAX - ttl ? INT64_MAX : now + ttl;
}

/* A heap pair is live while its key still holds that expiry. */
static int pair_live(void *ctx, const dk__cexpiry_pair *p)
{
    const dk_cache_t *c = ctx;
    return c->policy->expiry(c->impl, p->key) == p->at;
}

/* An entry given an expiry also gets a pair in the expiry heap, unless it holds that very
 * expiry already (its pair is there): so at most one live pair per entry, and compacting once
 * the heap holds twice the entries keeps the heap O(entries) at an amortised O(1) a put. */
static int put_entry(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl, uint64_t *victim)
{
    int64_t expires = expiry_of(now, ttl);
    int track = expires != INT64_MAX && c->policy->expiry(c->impl, key) != expires;
    if (track && !dk__cexpiry_reserve(&c->expiry))
        return -1;
    int evicted = c->policy->put(c->impl, key, now, expires, victim);
    if (evicted < 0)
        return evicted;
    if (evicted > 0)
        c->evictions++;
    if (track) {
        dk__cexpiry_push(&c->expiry, expires, key);
        if (c->expiry.len > 2 * c->policy->size(c->impl) + 16)
            dk__cexpiry_compact(&c->expiry, pair_live, c);
    }
    return evicted;
}

static void keep_victim(void *ctx, uint64_t key)
{
    *(uint64_t *)ctx = key;
}

int dk_cache_put_victim(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl, uint64_t *victim)
{
    if (c->sizes == NULL)
        return put_entry(c, key, now, ttl, victim);
    /* One byte: one victim at most, since every entry weighs at least one. */
    int n = dk_cache_put_sized_victims(c, key, 1, now, ttl, keep_victim, victim);
    return n < 0 ? -1 : n;
}

int dk_cache_put_sized(dk_cache_t *c, uint64_t key, uint64_t size, int64_t now, int64_t ttl)
{
    return dk_cache_put_sized_victims(c, key, size, now, ttl, NULL, NULL);
}

/* Every reservation comes first (the size map, the expiry heap), then a resident key whose size
 * changes is taken out, then victims go until the entry fits, then the policy's put. That put
 * can fail only by growing, and it grows only when nothing was taken out or evicted (a freed
 * slot is reused): so a failure leaves the cache as it was. */
int dk_cache_put_sized_victims(dk_cache_t *c, uint64_t key, uint64_t size, int64_t now, int64_t ttl,
                               dk_cache_evict_fn *on_evict, void *ctx)
{
    uint64_t victim;
    if (c->sizes == NULL) {
        if (size != 1)
            return DK_EINVAL;
        int r = put_entry(c, key, now, ttl, &victim);
        if (r > 0 && on_evict != NULL)
            on_evict(ctx, victim);
        return r < 0 ? DK_ENOMEM : r;
    }
    if (size == 0)
        return DK_EINVAL;
    if (size > c->capacity)
        return DK_ERANGE;
    if (dk_map_reserve(c->sizes, dk_map_size(c->sizes) + 1) != DK_OK ||
        (expiry_of(now, ttl) != INT64_MAX && !dk__cexpiry_reserve(&c->expiry)))
        return DK_ENOMEM;
    uint64_t old;
    if (dk_map_get(c->sizes, key, &old) && old != size) {
        c->policy->remove(c->impl, key); /* re-inserted below at its new size */
        forget_size(c, key);
    }
    int evicted = 0;
    uint64_t held = c->bytes;
    if (dk_map_get(c->sizes, key, NULL))
        held -= size; /* a refresh at the same size: already counted */
    while (held + size > c->capacity && c->policy->evict(c->impl, &victim)) {
        held -= forget_size(c, victim);
        c->evictions++;
        evicted++;
        if (on_evict != NULL)
            on_evict(ctx, victim);
    }
    int r = put_entry(c, key, now, ttl, &victim);
    if (r < 0)
        return DK_ENOMEM;
    if (r > 0) { /* the policy's own limit of 2^32 entries */
        forget_size(c, victim);
        evicted++;
        if (on_evict != NULL)
            on_evict(ctx, victim);
    }
    if (!dk_map_get(c->sizes, key, NULL)) {
        (void)dk_map_put(c->sizes, key, size); /* reserved: cannot fail */
        c->bytes += size;
    }
    return evicted;
}

uint64_t dk_cache_expire(dk_cache_t *c, int64_t now, uint64_t max, uint64_t *expired)
{
    uint64_t n = 0;
    while (n < max && c->expiry.len > 0 && c->expiry.v[0].at <= now) {
        dk__cexpiry_pair p = c->expiry.v[0];
        dk__cexpiry_pop(&c->expiry);
        if (!pair_live(c, &p))
            continue; /* refreshed, removed or evicted since */
        c->policy->remove(c->impl, p.key);
        if (c->sizes != NULL)
            forget_size(c, p.key);
        if (expired != NULL)
            expired[n] = p.key;
        n++;
    }
    c->expirations += n;
    return n;
}

int dk_cache_remove(dk_cache_t *c, uint64_t key)
{
    int there = c->policy->remove(c->impl, key);
    if (there && c->sizes != NULL)
        forget_size(c, key);
    return there;
}

int dk_cache_contains(const dk_cache_t *c, uint64_t key)
{
    return c->policy->expiry(c->impl, key) != DK__ABSENT;
}

uint64_t dk_cache_size(const dk_cache_t *c)
{
    return c->policy->size(c->impl);
}

uint64_t dk_cache_capacity(const dk_cache_t *c)
{
    return c->capacity;
}

uint64_t dk_cache_bytes(const dk_cache_t *c)
{
    return c->sizes != NULL ? c->bytes : c->policy->size(c->impl);
}

const char *dk_cache_policy(const dk_cache_t *c)
{
    return c->policy->name;
}

uint64_t dk_cache_hits(const dk_cache_t *c)
{
    return c->hits;
}

uint64_t dk_cache_misses(const dk_cache_t *c)
{
    return c->misses;
}

uint64_t dk_cache_evictions(const dk_cache_t *c)
{
    return c->evictions;
}

uint64_t dk_cache_expirations(const dk_cache_t *c)
{
    return c->expirations;
}

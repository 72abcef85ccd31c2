/* cache.c - dk_cache_t: the policy registry, expiry arithmetic and the hit/miss counters. */
#include "designkit/locale.h"
#include "designkit/cache.h"

#include <stdio.h>
#include <string.h>
#include "designkit/alloc.h"
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
};

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
    const dk__cache_policy *p = NULL;
    if (policy == NULL)
        policy = "lru";
    for (size_t i = 0; i < NPOLICIES; i++)
        if (strcmp(policies[i]->name, policy) == 0)
            p = policies[i];
    if (p == NULL) {
        char list[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < NPOLICIES && len < sizeof list; i++)
            len += (size_t)dk_snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                       dk_cache_policy_names[i]);
        dk_error_set(err, DK_ENOTFOUND, "unknown cache policy \"%s\" (use %s)", policy, list);
        return NULL;
    }
    if (capacity == 0) {
        dk_error_set(err, DK_EINVAL, "cache capacity must be a positive integer (got 0)");
        return NULL;
    }
    dk_cache_t *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache: out of memory");
        return NULL;
    }
    c->impl = p->create(capacity, seed, err);
    if (c->impl == NULL) {
        dk_free(c);
        return NULL;
    }
    c->policy = p;
    c->capacity = capacity;
    return c;
}

void dk_cache_free(dk_cache_t *c)
{
    if (c == NULL)
        return;
    c->policy->destroy(c->impl);
    dk__cexpiry_fini(&c->expiry);
    dk_free(c);
}

int dk_cache_get(dk_cache_t *c, uint64_t key, int64_t now)
{
    int hit = c->policy->get(c->impl, key, now);
    if (hit)
        c->hits++;
    else
        c->misses++;
    return hit;
}

/* A ttl that would carry the expiry past INT64_MAX saturates to "never". */
int dk_cache_put(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl)
{
    uint64_t victim;
    return dk_cache_put_victim(c, key, now, ttl, &victim);
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
int dk_cache_put_victim(dk_cache_t *c, uint64_t key, int64_t now, int64_t ttl, uint64_t *victim)
{
    int64_t expires = ttl <= 0 || now > INT64_MAX - ttl ? INT64_MAX : now + ttl;
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

uint64_t dk_cache_expire(dk_cache_t *c, int64_t now, uint64_t max, uint64_t *expired)
{
    uint64_t n = 0;
    while (n < max && c->expiry.len > 0 && c->expiry.v[0].at <= now) {
        dk__cexpiry_pair p = c->expiry.v[0];
        dk__cexpiry_pop(&c->expiry);
        if (!pair_live(c, &p))
            continue; /* refreshed, removed or evicted since */
        c->policy->remove(c->impl, p.key);
        if (expired != NULL)
            expired[n] = p.key;
        n++;
    }
    c->expirations += n;
    return n;
}

int dk_cache_remove(dk_cache_t *c, uint64_t key)
{
    return c->policy->remove(c->impl, key);
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

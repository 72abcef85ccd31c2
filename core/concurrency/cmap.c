/* cmap.c - a striped concurrent hash map: a key's hash picks its stripe, and each stripe is a
 * chained hash table under its own pthread reader-writer lock, so threads working on different
 * stripes never wait for each other. */
#include "designkit/cmap.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "designkit/alloc.h"

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    void *value;
    char key[]; /* one allocation per entry: the key lives in it */
} entry;

/* Aligned to a cache line so two stripes' locks never share one (false sharing would make
 * independent stripes contend after all). */
typedef struct stripe {
    _Alignas(64) pthread_rwlock_t lock;
    entry **buckets;
    size_t nbuckets; /* a power of two, or 0 before the first put */
    size_t count;
} stripe;

struct dk_cmap {
    int nstripes;
    dk_cmap_value_ops ops;
    stripe *stripes;
};

/* FNV-1a, 64 bits: the low bits pick the stripe, the high bits the bucket inside it, so the
 * two choices do not correlate. */
static uint64_t hash_key(const char *key)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

static size_t bucket_of(uint64_t hash, size_t nbuckets)
{
    return (size_t)(hash >> 32) & (nbuckets - 1);
}

static stripe *stripe_of(dk_cmap_t *m, uint64_t hash)
{
    return &m->stripes[hash % (uint64_t)m->nstripes];
}

dk_cmap_t *dk_cmap_new(int stripes, const dk_cmap_value_ops *ops, dk_error *err)
{
    if (stripes < 1 || stripes > DK_CMAP_MAX_STRIPES) {
        dk_error_set(err, DK_EINVAL, "map: stripes must be between 1 and %d, got %d",
                     DK_CMAP_MAX_STRIPES, stripes);
        return NULL;
    }
    dk_cmap_t *m = dk_calloc(1, sizeof *m);
    if (m == NULL || (m->stripes = dk_calloc_aligned((size_t)stripes * sizeof(stripe),
                                                     _Alignof(stripe))) == NULL) {
        dk_free(m);
        dk_error_set(err, DK_ENOMEM, "map: out of memory");
        return NULL;
    }
    for (int i = 0; i < stripes; i++) {
        int rc = pthread_rwlock_init(&m->stripes[i].lock, NULL);
        if (rc != 0) {
            while (i-- > 0)
                pthread_rwlock_destroy(&m->stripes[i].lock);
            dk_free_aligned(m->stripes);
            dk_free(m);
            dk_error_set(err, DK_EINTERNAL, "map: pthread_rwlock_init failed (errno %d)", rc);
            return NULL;
        }
    }
    m->nstripes = stripes;
    if (ops)
        m->ops = *ops;
    return m;
}

void dk_cmap_free(dk_cmap_t *m)
{
    if (m == NULL)
        return;
    for (int i = 0; i < m->nstripes; i++) {
        stripe *s = &m->stripes[i];
        for (size_t b = 0; b < s->nbuckets; b++) {
            for (entry *e = s->buckets[b], *next; e != NULL; e = next) {
                next = e->next;
                if (m->ops.release)
                    m->ops.release(e->value);
                dk_free(e);
            }
        }
        dk_free(s->buckets);
        pthread_rwlock_destroy(&s->lock);
    }
    dk_free_aligned(m->stripes);
    dk_free(m);
}

/* The link that points at `key`'s entry (or at the NULL ending its chain). Under a lock. */
static entry **find(stripe *s, const char *key, uint64_t hash)
{
    if (s->nbuckets == 0)
        return NULL;
    entry **link = &s->buckets[bucket_of(hash, s->nbuckets)];
    while (*link != NULL && ((*link)->hash != hash || strcmp((*link)->key, key) != 0))
        link = &(*link)->next;
    return link;
}

dk_status dk_cmap_get(dk_cmap_t *m, const char *key, void **value)
{
    uint64_t h = hash_key(key);
    stripe *s = stripe_of(m, h);
    dk_status st = DK_ENOTFOUND;
    pthread_rwlock_rdlock(&s->lock);
    entry **link = find(s, key, h);
    if (link != NULL && *link != NULL) {
        *value = (*link)->value;
        if (m->ops.retain)
            m->ops.retain(*value); /* before the lock goes: a delete cannot free it now */
        st = DK_OK;
    }
    pthread_rwlock_unlock(&s->lock);
    return st;
}

/* Doubles the stripe's table (or makes its first) so chains stay short: load <= 1. Under the
 * write lock. 0, or -1 on out-of-memory (the table is kept as it was, still correct). */
static int grow(stripe *s)
{
    size_t n = s->nbuckets ? s->nbuckets * 2 : 8;
    entry **b = dk_calloc(n, sizeof *b);
    if (b == NULL)
        return -1;
    for (size_t i = 0; i < s->nbuckets; i++) {
        for (entry *e = s->buckets[i], *next; e != NULL; e = next) {
            next = e->next;
            entry **head = &b[bucket_of(e->hash, n)];
            e->next = *head;
            *head = e;
        }
    }
    dk_free(s->buckets);
    s->buckets = b;
    s->nbuckets = n;
    return 0;
}

dk_status dk_cmap_put(dk_cmap_t *m, const char *key, void *value)
{
    uint64_t h = hash_key(key);
    stripe *s = stripe_of(m, h);
    size_t klen = strlen(key);
    /* Allocated before the lock, so no thread waits on our malloc; freed if the key exists. */
    entry *fresh = dk_malloc(sizeof *fresh + klen + 1);
    if (fresh == NULL)
        return DK_ENOMEM;
    memcpy(fresh->key, key, klen + 1);
    fresh->hash = h;
    fresh->value = value;
    void *old = NULL;
    int replaced = 0;
    dk_status st = DK_OK;
    pthread_rwlock_wrlock(&s->lock);
    entry **link = find(s, key, h);
    if (link != NULL && *link != NULL) {
        old = (*link)->value;
        (*link)->value = value;
        replaced = 1;
    } else if (s->count + 1 > s->nbuckets && grow(s) != 0 && s->nbuckets == 0) {
        st = DK_ENOMEM;
    } else {
        entry **head = &s->buckets[bucket_of(h, s->nbuckets)];
        fresh->next = *head;
        *head = fresh;
        s->count++;
        fresh = NULL;
    }
    pthread_rwlock_unlock(&s->lock);
    dk_free(fresh);
    /* Released outside the lock: release is the caller's code, which may be slow. */
    if (replaced && m->ops.release)
        m->ops.release(old);
    return st;
}

dk_status dk_cmap_delete(dk_cmap_t *m, const char *key)
{
    uint64_t h = hash_key(key);
    stripe *s = stripe_of(m, h);
    entry *gone = NULL;
    pthread_rwlock_wrlock(&s->lock);
    entry **link = find(s, key, h);
    if (link != NULL && *link != NULL) {
        gone = *link;
        *link = gone->next;
        s->count--;
    }
    pthread_rwlock_unlock(&s->lock);
    if (gone == NULL)
        return DK_ENOTFOUND;
    if (m->ops.release)
        m->ops.release(gone->value);
    dk_free(gone);
    return DK_OK;
}

size_t dk_cmap_len(dk_cmap_t *m)
{
    size_t n = 0;
    for (int i = 0; i < m->nstripes; i++) {
        pthread_rwlock_rdlock(&m->stripes[i].lock);
        n += m->stripes[i].count;
        pthread_rwlock_unlock(&m->stripes[i].lock);
    }
    return n;
}

int dk_cmap_stripes(const dk_cmap_t *m)
{
    return m->nstripes;
}

int dk_cmap_foreach(dk_cmap_t *m, int (*fn)(const char *key, void *value, void *ud), void *ud)
{
    for (int i = 0; i < m->nstripes; i++) {
        stripe *s = &m->stripes[i];
        int stop = 0;
        pthread_rwlock_rdlock(&s->lock);
        for (size_t b = 0; b < s->nbuckets && !stop; b++)
            for (entry *e = s->buckets[b]; e != NULL && !stop; e = e->next)
                stop = fn(e->key, e->value, ud);
        pthread_rwlock_unlock(&s->lock);
        if (stop)
            return stop;
    }
    return 0;
}

/* cache_lfu.c - least-frequently-used eviction in O(1): entries sit in frequency buckets.
 *
 * A bucket holds the entries used exactly `freq` times (a get hit or a re-put is a use; an
 * insert is the first), most recently reached first; the buckets form a list in increasing
 * frequency. A use moves an entry to the next bucket (made if missing), so every operation is
 * a few link changes. Tie-break: the victim is, among the least-used entries, the one that
 * reached that count longest ago (the tail of the first bucket). Counts belong to the entries
 * held: an evicted key starts again at one (in-cache LFU, not "perfect" LFU). */
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

typedef struct bucket {
    uint64_t freq;
    dk__clist items;
    uint32_t prev, next; /* lower / higher frequency; `next` threads the free buckets */
} bucket;

typedef struct lfu {
    dk__cslots s; /* a slot's `list` is its bucket */
    bucket *b;
    uint32_t b_cap, b_free, first; /* `first`: the least frequent bucket */
    uint64_t size, capacity;
} lfu;

static void *lfu_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    lfu *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "lfu cache: out of memory");
        return NULL;
    }
    if (!dk__cslots_init(&c->s, capacity, "lfu", err)) {
        dk_free(c);
        return NULL;
    }
    c->capacity = capacity;
    c->b_free = c->first = DK__NIL;
    return c;
}

static void lfu_destroy(void *p)
{
    lfu *c = p;
    dk__cslots_fini(&c->s);
    dk_free(c->b);
    dk_free(c);
}

/* There are never more non-empty buckets than entries, so as many buckets as slots suffice. */
static int grow_buckets(lfu *c)
{
    if (c->b_cap >= c->s.allocated)
        return 1;
    bucket *b = dk_realloc(c->b, (size_t)c->s.allocated * sizeof *b);
    if (b == NULL)
        return 0;
    c->b = b;
    for (uint32_t i = c->s.allocated; i-- > c->b_cap;) {
        b[i].next = c->b_free;
        c->b_free = i;
    }
    c->b_cap = c->s.allocated;
    return 1;
}

/* A new empty bucket of `freq` placed after `after` (DK__NIL: first). */
static uint32_t new_bucket(lfu *c, uint64_t freq, uint32_t after)
{
    uint32_t n = c->b_free;
    c->b_free = c->b[n].next;
    c->b[n].freq = freq;
    dk__clist_init(&c->b[n].items);
    c->b[n].prev = after;
    c->b[n].next = after == DK__NIL ? c->first : c->b[after].next;
    if (c->b[n].next != DK__NIL)
        c->b[c->b[n].next].prev = n;
    if (after == DK__NIL)
        c->first = n;
    else
        c->b[after].next = n;
    return n;
}

static void free_bucket(lfu *c, uint32_t n)
{
    bucket *k = &c->b[n];
    if (k->prev != DK__NIL)
        c->b[k->prev].next = k->next;
    else
        c->first = k->next;
    if (k->next != DK__NIL)
        c->b[k->next].prev = k->prev;
    k->next = c->b_free;
    c->b_free = n;
}

static void drop(lfu *c, uint32_t i)
{
    uint32_t n = c->s.v[i].list;
    dk__clist_unlink(&c->s, &c->b[n].items, i);
    if (c->b[n].items.len == 0)
        free_bucket(c, n);
    dk__cslots_release(&c->s, i);
    c->size--;
}

/* One more use of slot i. */
static void touch(lfu *c, uint32_t i)
{
    uint32_t n = c->s.v[i].list;
    uint64_t f = c->b[n].freq;
    uint32_t up = c->b[n].next;
    int up_fits = up != DK__NIL && c->b[up].freq == f + 1;
    if (c->b[n].items.len == 1 && !up_fits) {
        c->b[n].freq = f + 1; /* alone in its bucket: the bucket moves up instead */
        return;
    }
    if (!up_fits)
        up = new_bucket(c, f + 1, n); /* n keeps another entry: a bucket is spare */
    dk__clist_move_front(&c->s, &c->b[n].items, &c->b[up].items, i, up);
    if (c->b[n].items.len == 0)
        free_bucket(c, n);
}

static int lfu_get(void *p, uint64_t key, int64_t now)
{
    lfu *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    if (c->s.v[i].expires <= now) {
        drop(c, i);
        return 0;
    }
    touch(c, i);
    return 1;
}

static int lfu_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    lfu *c = p;
    (void)now;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i != DK__NIL) {
        c->s.v[i].expires = expires;
        touch(c, i);
        return 0;
    }
    if (!dk__cslots_reserve(&c->s) || !grow_buckets(c))
        return -1;
    int evicted = 0;
    if (c->size == c->capacity) {
        uint32_t v = c->b[c->first].items.tail;
        *victim = c->s.v[v].key;
        drop(c, v);
        evicted = 1;
    }
    uint32_t n = c->first;
    if (n == DK__NIL || c->b[n].freq != 1)
        n = new_bucket(c, 1, DK__NIL);
    i = dk__cslots_take(&c->s, key, expires);
    dk__clist_push_front(&c->s, &c->b[n].items, i, n);
    c->size++;
    return evicted;
}

static int lfu_remove(void *p, uint64_t key)
{
    lfu *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    drop(c, i);
    return 1;
}

static int64_t lfu_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const lfu *)p)->s, key);
}

static uint64_t lfu_size(const void *p)
{
    return ((const lfu *)p)->size;
}

static int lfu_evict(void *p, uint64_t *victim)
{
    lfu *c = p;
    if (c->size == 0)
        return 0;
    uint32_t v = c->b[c->first].items.tail;
    *victim = c->s.v[v].key;
    drop(c, v);
    return 1;
}

const dk__cache_policy dk__cache_lfu = {"lfu",      lfu_create, lfu_destroy, lfu_get,  lfu_put,
                                        lfu_remove, lfu_expiry, lfu_size,    lfu_evict};

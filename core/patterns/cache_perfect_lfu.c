/* cache_perfect_lfu.c - "perfect" LFU: counts that outlive eviction, so the cache holds the
 * most requested keys of the whole history.
 *
 * In-cache LFU (cache_lfu.c) forgets a key's count when it evicts the key, so a popular key
 * that was evicted once comes back at one and is the next victim: under independent requests
 * it lands below the top-C popularity sum. Perfect LFU (the name in Breslau et al. 1999 and the
 * TinyLFU paper) remembers the count of every key ever seen, in `history`, so a key's rank is
 * its request count over the whole run and the cache converges on the C most requested keys.
 * The price is memory that grows with the distinct keys (a map entry, 16 bytes, per key seen;
 * TinyLFU's sketch is the bounded approximation of exactly this).
 *
 * A request counts once: a get (hit or miss) counts, and so does a put, except the put that
 * follows a get miss of the same key (the miss half of one request, as in cache-aside). A put
 * always inserts; the victim is the resident entry with the lowest count, ties to the one that
 * reached its count longest ago (as lfu). The residents sit in a binary min-heap on (count,
 * stamp): O(log c) per operation, the one policy that is not O(1) (a key coming back at an
 * arbitrary count has no O(1) place in lfu's bucket list). remove and expiry keep the count:
 * popularity belongs to the key, not to its stay in the cache. */
#include "designkit/alloc.h"
#include "designkit/map.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

typedef struct rank {
    uint64_t count, stamp; /* the heap's order: fewer uses first, then older */
    uint32_t slot;
} rank;

typedef struct plfu {
    dk__cslots s; /* a slot's `aux` is its heap position */
    rank *heap;
    uint32_t heap_cap;
    uint64_t size, capacity, clock;
    dk_map_t *history; /* key -> count, for the keys seen and not held */
    /* The last operation was a get miss of missed_key: 1 it counted the request (the put that
     * follows is the same request), 2 the key is new and the put counts it; 0 otherwise. */
    uint64_t missed_key;
    int missed;
} plfu;

static void *plfu_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    plfu *c = dk_calloc(1, sizeof *c);
    if (c == NULL || (c->history = dk_map_new(0, NULL)) == NULL) {
        dk_free(c);
        dk_error_set(err, DK_ENOMEM, "perfect_lfu cache: out of memory");
        return NULL;
    }
    if (!dk__cslots_init(&c->s, capacity, "perfect_lfu", err)) {
        dk_map_free(c->history);
        dk_free(c);
        return NULL;
    }
    c->capacity = capacity;
    return c;
}

static void plfu_destroy(void *p)
{
    plfu *c = p;
    dk__cslots_fini(&c->s);
    dk_map_free(c->history);
    dk_free(c->heap);
    dk_free(c);
}

static int before(const rank *a, const rank *b)
{
    return a->count < b->count || (a->count == b->count && a->stamp < b->stamp);
}

static void place(plfu *c, uint32_t pos, rank r)
{
    c->heap[pos] = r;
    c->s.v[r.slot].aux = pos;
}

static void sift_up(plfu *c, uint32_t pos)
{
    rank r = c->heap[pos];
    while (pos > 0) {
        uint32_t up = (pos - 1) / 2;
        if (!before(&r, &c->heap[up]))
            break;
        place(c, pos, c->heap[up]);
        pos = up;
    }
    place(c, pos, r);
}

static void sift_down(plfu *c, uint32_t pos)
{
    rank r = c->heap[pos];
    uint32_t n = (uint32_t)c->size;
    for (;;) {
        uint32_t kid = 2 * pos + 1;
        if (kid >= n)
            break;
        if (kid + 1 < n && before(&c->heap[kid + 1], &c->heap[kid]))
            kid++;
        if (!before(&c->heap[kid], &r))
            break;
        place(c, pos, c->heap[kid]);
        pos = kid;
    }
    place(c, pos, r);
}

/* One more request of resident slot i: its count and stamp grow, so it can only sink. */
static void touch(plfu *c, uint32_t i)
{
    uint32_t pos = c->s.v[i].aux;
    c->heap[pos].count++;
    c->heap[pos].stamp = ++c->clock;
    sift_down(c, pos);
}

/* Takes slot i out of the cache; its count goes to the history, which reserve() keeps room
 * in for every resident, so this never allocates. */
static void drop(plfu *c, uint32_t i)
{
    uint32_t pos = c->s.v[i].aux;
    (void)dk_map_put(c->history, c->s.v[i].key, c->heap[pos].count);
    c->size--;
    if (pos != c->size) { /* the last rank fills the hole and moves whichever way it must */
        uint32_t moved = c->heap[c->size].slot;
        place(c, pos, c->heap[c->size]);
        sift_down(c, pos);
        sift_up(c, c->s.v[moved].aux);
    }
    dk__cslots_release(&c->s, i);
}

/* Room for one more resident, and in the history for every resident plus the new one (so a
 * drop, from any path, never allocates); 0 when memory ran out (nothing changed). */
static int reserve(plfu *c)
{
    if (!dk__cslots_reserve(&c->s))
        return 0;
    if (c->heap_cap < c->s.allocated) {
        rank *h = dk_realloc(c->heap, (size_t)c->s.allocated * sizeof *h);
        if (h == NULL)
            return 0;
        c->heap = h;
        c->heap_cap = c->s.allocated;
    }
    return dk_map_reserve(c->history, dk_map_size(c->history) + c->size + 1) == DK_OK;
}

static int plfu_get(void *p, uint64_t key, int64_t now)
{
    plfu *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    uint64_t n;
    c->missed = 0;
    if (i != DK__NIL) {
        touch(c, i); /* the request counts, hit or expired */
        if (c->s.v[i].expires > now)
            return 1;
        drop(c, i);
        c->missed = 1;
    } else if (dk_map_get(c->history, key, &n)) {
        (void)dk_map_put(c->history, key, n + 1); /* present: cannot allocate */
        c->missed = 1;
    } else {
        c->missed = 2; /* a new key: remembering it could allocate, so its put counts it */
    }
    c->missed_key = key;
    return 0;
}

static int plfu_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    plfu *c = p;
    (void)now;
    int counted = c->missed == 1 && c->missed_key == key;
    c->missed = 0;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i != DK__NIL) {
        c->s.v[i].expires = expires;
        touch(c, i);
        return 0;
    }
    if (!reserve(c))
        return -1;
    uint64_t count = 0;
    (void)dk_map_remove(c->history, key, &count);
    if (!counted)
        count++;
    int evicted = 0;
    if (c->size == c->capacity) {
        uint32_t v = c->heap[0].slot;
        *victim = c->s.v[v].key;
        drop(c, v);
        evicted = 1;
    }
    i = dk__cslots_take(&c->s, key, expires);
    c->heap[c->size] = (rank){count, ++c->clock, i};
    c->s.v[i].aux = (uint32_t)c->size;
    c->size++;
    sift_up(c, (uint32_t)c->size - 1);
    return evicted;
}

static int plfu_evict(void *p, uint64_t *victim)
{
    plfu *c = p;
    if (c->size == 0)
        return 0;
    *victim = c->s.v[c->heap[0].slot].key;
    drop(c, c->heap[0].slot);
    return 1;
}

static int plfu_remove(void *p, uint64_t key)
{
    plfu *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    drop(c, i);
    return 1;
}

static int64_t plfu_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const plfu *)p)->s, key);
}

static uint64_t plfu_size(const void *p)
{
    return ((const plfu *)p)->size;
}

const dk__cache_policy dk__cache_perfect_lfu = {"perfect_lfu", plfu_create, plfu_destroy,
                                                plfu_get,      plfu_put,    plfu_remove,
                                                plfu_expiry,   plfu_size,   plfu_evict};

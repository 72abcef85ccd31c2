/* cache_order.c - LRU, FIFO, LIFO and MRU: the policies that keep one list and evict from one
 * end. They differ in two bits only (does a hit move the entry to the head; is the victim the
 * head or the tail), so one implementation with those bits serves all four.
 *
 * The entries, their links and the key index are cache_slots.h's (32 bytes a slot, 8 an index
 * position, both grown by doubling up to the capacity, so a cache sized for 2e8 entries that
 * holds a few keys costs a few hundred bytes; once grown, nothing allocates again). An LRU hit
 * is one probe of the index, the slot, and its two neighbours to unlink it; the head is hot. */
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

typedef struct order_rule {
    int touch;      /* a hit (or a re-put) moves the entry to the head */
    int evict_head; /* the victim is the head (newest / most recent), else the tail */
} order_rule;

typedef struct order {
    dk__cslots s;
    dk__clist list;
    uint64_t capacity;
    const order_rule *rule;
    const char *name;
} order;

static const order_rule lru_rule = {1, 0};  /* recency order; evict the least recently used */
static const order_rule fifo_rule = {0, 0}; /* insertion order; evict the oldest insert */
static const order_rule lifo_rule = {0, 1}; /* insertion order; evict the newest insert */
static const order_rule mru_rule = {1, 1};  /* recency order; evict the most recently used */

static void *order_create(uint64_t capacity, const order_rule *rule, const char *name,
                          dk_error *err)
{
    order *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s cache: out of memory", name);
        return NULL;
    }
    if (!dk__cslots_init(&c->s, capacity, name, err)) {
        dk_free(c);
        return NULL;
    }
    dk__clist_init(&c->list);
    c->capacity = capacity;
    c->rule = rule;
    c->name = name;
    return c;
}

static void *lru_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    return order_create(capacity, &lru_rule, "lru", err);
}

static void *fifo_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    return order_create(capacity, &fifo_rule, "fifo", err);
}

static void *lifo_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    return order_create(capacity, &lifo_rule, "lifo", err);
}

static void *mru_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    return order_create(capacity, &mru_rule, "mru", err);
}

static void order_destroy(void *p)
{
    order *c = p;
    dk__cslots_fini(&c->s);
    dk_free(c);
}

static void drop(order *c, uint32_t i)
{
    dk__clist_unlink(&c->s, &c->list, i);
    dk__cslots_release(&c->s, i);
}

/* To the head under a recency rule, unless it is there already (a repeated key moves nothing). */
static void touch(order *c, uint32_t i)
{
    if (c->rule->touch && c->list.head != i)
        dk__clist_move_front(&c->s, &c->list, &c->list, i, 0);
}

static int order_get(void *p, uint64_t key, int64_t now)
{
    order *c = p;
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

static int order_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    order *c = p;
    (void)now;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i != DK__NIL) {
        c->s.v[i].expires = expires;
        touch(c, i);
        return 0;
    }
    /* Full: the reservation grows nothing (every slot exists and the index has room for the
     * limit), and the victim's slot is the one taken below. */
    if (!dk__cslots_reserve(&c->s))
        return -1;
    int evicted = 0;
    if (c->list.len == c->capacity) {
        uint32_t v = c->rule->evict_head ? c->list.head : c->list.tail;
        *victim = c->s.v[v].key;
        drop(c, v);
        evicted = 1;
    }
    i = dk__cslots_take(&c->s, key, expires);
    dk__clist_push_front(&c->s, &c->list, i, 0);
    return evicted;
}

static int order_remove(void *p, uint64_t key)
{
    order *c = p;
    uint32_t i = dk__cslots_find(&c->s, key);
    if (i == DK__NIL)
        return 0;
    drop(c, i);
    return 1;
}

static int64_t order_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const order *)p)->s, key);
}

static uint64_t order_size(const void *p)
{
    return ((const order *)p)->list.len;
}

static int order_evict(void *p, uint64_t *victim)
{
    order *c = p;
    if (c->list.len == 0)
        return 0;
    uint32_t v = c->rule->evict_head ? c->list.head : c->list.tail;
    *victim = c->s.v[v].key;
    drop(c, v);
    return 1;
}

const dk__cache_policy dk__cache_lru = {"lru",        lru_create, order_destroy,
                                        order_get,    order_put,  order_remove,
                                        order_expiry, order_size, order_evict};
const dk__cache_policy dk__cache_fifo = {"fifo",       fifo_create, order_destroy,
                                         order_get,    order_put,   order_remove,
                                         order_expiry, order_size,  order_evict};
const dk__cache_policy dk__cache_lifo = {"lifo",       lifo_create, order_destroy,
                                         order_get,    order_put,   order_remove,
                                         order_expiry, order_size,  order_evict};
const dk__cache_policy dk__cache_mru = {"mru",        mru_create, order_destroy,
                                        order_get,    order_put,  order_remove,
                                        order_expiry, order_size, order_evict};

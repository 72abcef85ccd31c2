/* cache_twoq.c - 2Q, the full version (Johnson & Shasha, VLDB 1994).
 *
 * A1in is a FIFO of keys seen once, A1out a FIFO of ghosts (keys only) of what A1in let go, Am
 * an LRU of keys seen again while remembered. A hit in Am moves the entry to Am's head; a hit
 * in A1in changes nothing (correlated references); a miss found in A1out enters Am; any other
 * miss enters A1in. Room is made by "reclaimfor": when full, A1in's oldest goes to A1out if
 * A1in is over Kin, else Am's least recent is evicted. Kin = c/4 and Kout = c/2 (at least 1),
 * the paper's recommended tuning. */
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

enum { A1IN, AM, A1OUT };

typedef struct twoq {
    dk__cslots s;
    dk__clist l[3];
    uint64_t c, kin, kout;
} twoq;

static void *twoq_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    twoq *q = dk_calloc(1, sizeof *q);
    if (q == NULL) {
        dk_error_set(err, DK_ENOMEM, "2q cache: out of memory");
        return NULL;
    }
    q->c = capacity;
    q->kin = capacity / 4 > 0 ? capacity / 4 : 1;
    q->kout = capacity / 2 > 0 ? capacity / 2 : 1;
    if (capacity > UINT64_MAX / 2 || !dk__cslots_init(&q->s, capacity + q->kout, "2q", err)) {
        if (capacity > UINT64_MAX / 2)
            dk_error_set(err, DK_ERANGE, "2q cache: capacity too large");
        dk_free(q);
        return NULL;
    }
    for (int k = 0; k < 3; k++)
        dk__clist_init(&q->l[k]);
    return q;
}

static void twoq_destroy(void *p)
{
    twoq *q = p;
    dk__cslots_fini(&q->s);
    dk_free(q);
}

static void forget(twoq *q, uint32_t i)
{
    dk__clist_unlink(&q->s, &q->l[q->s.v[i].list], i);
    dk__cslots_release(&q->s, i);
}

static uint64_t resident(const twoq *q)
{
    return q->l[A1IN].len + q->l[AM].len;
}

/* Frees one resident place when the cache is full; 1 if an entry left. */
static int reclaim(twoq *q, uint64_t *victim)
{
    if (resident(q) < q->c)
        return 0;
    if (q->l[A1IN].len > q->kin || q->l[AM].len == 0) {
        *victim = q->s.v[q->l[A1IN].tail].key;
        if (q->l[A1OUT].len >= q->kout)
            forget(q, q->l[A1OUT].tail);
        dk__clist_move_front(&q->s, &q->l[A1IN], &q->l[A1OUT], q->l[A1IN].tail, A1OUT);
    } else {
        *victim = q->s.v[q->l[AM].tail].key;
        forget(q, q->l[AM].tail);
    }
    return 1;
}

static int twoq_get(void *p, uint64_t key, int64_t now)
{
    twoq *q = p;
    uint32_t i = dk__cslots_find(&q->s, key);
    if (i == DK__NIL || q->s.v[i].list == A1OUT)
        return 0;
    if (q->s.v[i].expires <= now) {
        forget(q, i);
        return 0;
    }
    if (q->s.v[i].list == AM)
        dk__clist_move_front(&q->s, &q->l[AM], &q->l[AM], i, AM);
    return 1;
}

static int twoq_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    twoq *q = p;
    (void)now;
    uint32_t i = dk__cslots_find(&q->s, key);
    if (i != DK__NIL && q->s.v[i].list != A1OUT) { /* resident: a use, as a hit */
        q->s.v[i].expires = expires;
        if (q->s.v[i].list == AM)
            dk__clist_move_front(&q->s, &q->l[AM], &q->l[AM], i, AM);
        return 0;
    }
    if (i != DK__NIL) { /* remembered in A1out: it was wanted again, so into Am */
        dk__clist_unlink(&q->s, &q->l[A1OUT], i); /* first: reclaim may trim A1out */
        int evicted = reclaim(q, victim);
        q->s.v[i].expires = expires;
        dk__clist_push_front(&q->s, &q->l[AM], i, AM);
        return evicted;
    }
    if (!dk__cslots_reserve(&q->s))
        return -1;
    int evicted = reclaim(q, victim);
    i = dk__cslots_take(&q->s, key, expires);
    dk__clist_push_front(&q->s, &q->l[A1IN], i, A1IN);
    return evicted;
}

static int twoq_remove(void *p, uint64_t key)
{
    twoq *q = p;
    uint32_t i = dk__cslots_find(&q->s, key);
    if (i == DK__NIL)
        return 0;
    int was_resident = q->s.v[i].list != A1OUT;
    forget(q, i);
    return was_resident;
}

static int64_t twoq_expiry(const void *p, uint64_t key)
{
    const twoq *q = p;
    uint32_t i = dk__cslots_find(&q->s, key);
    return i != DK__NIL && q->s.v[i].list != A1OUT ? q->s.v[i].expires : DK__ABSENT;
}

static uint64_t twoq_size(const void *p)
{
    return resident(p);
}

const dk__cache_policy dk__cache_twoq = {"2q",        twoq_create, twoq_destroy, twoq_get, twoq_put,
                                         twoq_remove, twoq_expiry, twoq_size,    NULL};

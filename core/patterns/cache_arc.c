/* cache_arc.c - Adaptive Replacement Cache (Megiddo & Modha, FAST 2003, figure 4).
 *
 * T1 holds entries seen once recently, T2 entries seen at least twice; B1 and B2 are ghosts
 * (keys only) of what T1 and T2 evicted. A miss that finds its key in B1 means T1 was too
 * small: the target size p of T1 grows; one found in B2 shrinks it. |T1|+|T2| <= c and
 * |T1|+|T2|+|B1|+|B2| <= 2c, so the store holds 2c slots.
 * The paper's request is a get and, on a miss, a put; here get() does the hit half (a hit in
 * T1 or T2 moves the entry to T2's head) and put() the miss half (ghost hits adapt p). Two
 * departures the paper does not need: entries removed by remove() or expiry leave the cache
 * short of c, and REPLACE then runs only when T1+T2 is full; p is a real number, as in the
 * paper (delta = |B2|/|B1| may be fractional). */
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

enum { T1, T2, B1, B2 };

typedef struct arc {
    dk__cslots s;
    dk__clist l[4];
    uint64_t c;
    double p; /* target size of T1 */
} arc;

static void *arc_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    arc *a = dk_calloc(1, sizeof *a);
    if (a == NULL) {
        dk_error_set(err, DK_ENOMEM, "arc cache: out of memory");
        return NULL;
    }
    if (capacity > UINT64_MAX / 2 || !dk__cslots_init(&a->s, 2 * capacity, "arc", err)) {
        if (capacity > UINT64_MAX / 2)
            dk_error_set(err, DK_ERANGE, "arc cache: capacity too large");
        dk_free(a);
        return NULL;
    }
    for (int k = 0; k < 4; k++)
        dk__clist_init(&a->l[k]);
    a->c = capacity;
    return a;
}

static void arc_destroy(void *p)
{
    arc *a = p;
    dk__cslots_fini(&a->s);
    dk_free(a);
}

static void forget(arc *a, uint32_t i)
{
    dk__clist_unlink(&a->s, &a->l[a->s.v[i].list], i);
    dk__cslots_release(&a->s, i);
}

/* The paper's REPLACE(x, p): T1's or T2's least recent entry becomes a ghost. */
static uint64_t replace(arc *a, int x_in_b2)
{
    double t1 = (double)a->l[T1].len;
    uint32_t i;
    if (a->l[T1].len >= 1 && (t1 > a->p || (x_in_b2 && t1 == a->p) ||
                              a->l[T2].len == 0)) { /* T2 empty: only after removals */
        i = a->l[T1].tail;
        dk__clist_move_front(&a->s, &a->l[T1], &a->l[B1], i, B1);
    } else {
        i = a->l[T2].tail;
        dk__clist_move_front(&a->s, &a->l[T2], &a->l[B2], i, B2);
    }
    return a->s.v[i].key; /* the key that left the cache */
}

static uint64_t resident(const arc *a)
{
    return a->l[T1].len + a->l[T2].len;
}

static int arc_get(void *p, uint64_t key, int64_t now)
{
    arc *a = p;
    uint32_t i = dk__cslots_find(&a->s, key);
    if (i == DK__NIL || a->s.v[i].list >= B1)
        return 0;
    if (a->s.v[i].expires <= now) {
        forget(a, i);
        return 0;
    }
    dk__clist_move_front(&a->s, &a->l[a->s.v[i].list], &a->l[T2], i, T2);
    return 1;
}

/* A ghost hit (case II or III): adapt p, make room, and bring the key back into T2. */
static int ghost_hit(arc *a, uint32_t i, int64_t expires, uint64_t *victim)
{
    uint32_t in = a->s.v[i].list;
    double b1 = (double)a->l[B1].len, b2 = (double)a->l[B2].len;
    if (in == B1) {
        double delta = b1 >= b2 ? 1.0 : b2 / b1;
        a->p = a->p + delta < (double)a->c ? a->p + delta : (double)a->c;
    } else {
        double delta = b2 >= b1 ? 1.0 : b1 / b2;
        a->p = a->p - delta > 0 ? a->p - delta : 0;
    }
    int evicted = 0;
    if (resident(a) >= a->c) {
        *victim = replace(a, in == B2);
        evicted = 1;
    }
    a->s.v[i].expires = expires;
    dk__clist_move_front(&a->s, &a->l[in], &a->l[T2], i, T2);
    return evicted;
}

static int arc_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    arc *a = p;
    (void)now;
    uint32_t i = dk__cslots_find(&a->s, key);
    if (i != DK__NIL && a->s.v[i].list < B1) { /* resident: a use, as a hit */
        a->s.v[i].expires = expires;
        dk__clist_move_front(&a->s, &a->l[a->s.v[i].list], &a->l[T2], i, T2);
        return 0;
    }
    if (i != DK__NIL)
        return ghost_hit(a, i, expires, victim);
    if (!dk__cslots_reserve(&a->s))
        return -1;
    int evicted = 0;
    uint64_t l1 = a->l[T1].len + a->l[B1].len;
    uint64_t all = l1 + a->l[T2].len + a->l[B2].len;
    if (l1 >= a->c) { /* case IV A */
        if (a->l[T1].len < a->c) {
            forget(a, a->l[B1].tail);
            if (resident(a) >= a->c) {
                *victim = replace(a, 0);
                evicted = 1;
            }
        } else {
            *victim = a->s.v[a->l[T1].tail].key;
            forget(a, a->l[T1].tail);
            evicted = 1;
        }
    } else if (all >= a->c) { /* case IV B */
        if (all >= 2 * a->c && a->l[B2].len > 0)
            forget(a, a->l[B2].tail);
        if (resident(a) >= a->c) {
            *victim = replace(a, 0);
            evicted = 1;
        }
    }
    i = dk__cslots_take(&a->s, key, expires);
    dk__clist_push_front(&a->s, &a->l[T1], i, T1);
    return evicted;
}

static int arc_remove(void *p, uint64_t key)
{
    arc *a = p;
    uint32_t i = dk__cslots_find(&a->s, key);
    if (i == DK__NIL)
        return 0;
    int was_resident = a->s.v[i].list < B1;
    forget(a, i); /* a ghost is forgotten too: the key is gone, history and all */
    return was_resident;
}

static int64_t arc_expiry(const void *p, uint64_t key)
{
    const arc *a = p;
    uint32_t i = dk__cslots_find(&a->s, key);
    return i != DK__NIL && a->s.v[i].list < B1 ? a->s.v[i].expires : DK__ABSENT;
}

static uint64_t arc_size(const void *p)
{
    return resident(p);
}

const dk__cache_policy dk__cache_arc = {"arc",      arc_create, arc_destroy, arc_get, arc_put,
                                        arc_remove, arc_expiry, arc_size,    NULL};

/* limiter_keys.c - dk_limiter_t: one state, or one per key in bounded memory (idle keys expire,
 * the least recently seen key makes room at the cap). */
#include <math.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/map.h"
#include "patterns/limiter_state.h"

#define NONE UINT32_MAX
#define MAX_BURST 1000000

/* A key's slot: its state and its place in the recency list (most recent at the head). A free
 * slot is on the free list through `next`. */
typedef struct slot {
    dk__limiter_state s;
    uint64_t key;
    uint32_t prev, next;
} slot;

struct dk_limiter {
    dk_limiter_config cfg;
    dk__limiter_params p;
    int64_t latest; /* the latest time seen: time never runs backwards for a limiter */
    slot *slots;
    int64_t *logs; /* sliding_log: burst times per slot */
    uint32_t nslots, room;
    uint32_t head, tail, free;
    size_t used;
    dk_map_t *index; /* key -> slot; NULL for a global limiter */
};

/* Checks `cfg` and derives T and W; the message names the field. */
static dk_status params_of(const dk_limiter_config *cfg, dk__limiter_params *p, dk_error *err)
{
    if ((unsigned)cfg->algorithm > DK_LIMITER_GCRA)
        return dk_error_set(err, DK_EINVAL, "algorithm: unknown algorithm %d", (int)cfg->algorithm);
    if (!(cfg->rate >= 0.001 && cfg->rate <= 1e9)) /* also NaN */
        return dk_error_set(err, DK_EINVAL,
                            "rate: must be a positive rate from 0.001/s to 1e9/s (got %g/s)",
                            cfg->rate);
    if (cfg->burst < 1 || cfg->burst > MAX_BURST)
        return dk_error_set(err, DK_EINVAL, "burst: must be an integer from 1 to %d (got %lld)",
                            MAX_BURST, (long long)cfg->burst);
    if (cfg->idle < 0)
        return dk_error_set(err, DK_EINVAL, "idle: must not be negative");
    p->algorithm = cfg->algorithm;
    p->t = (int64_t)llround(1e9 / cfg->rate);
    p->burst = cfg->burst;
    p->w = p->burst * p->t; /* <= 1e6 x 1e12: no overflow */
    if (cfg->algorithm == DK_LIMITER_SLIDING_WINDOW && p->burst > INT64_MAX / p->w)
        return dk_error_set(err, DK_ERANGE,
                            "burst: %lld at this rate makes the window's sums overflow (use a "
                            "smaller burst or a higher rate)",
                            (long long)p->burst);
    return DK_OK;
}

dk_limiter_t *dk_limiter_new(const dk_limiter_config *cfg, dk_error *err)
{
    dk__limiter_params p;
    if (cfg == NULL) {
        dk_error_set(err, DK_EINVAL, "limiter: no config given");
        return NULL;
    }
    if (params_of(cfg, &p, err) != DK_OK)
        return NULL;
    if (cfg->max_keys > NONE - 1) {
        dk_error_set(err, DK_EINVAL, "max_keys: at most %u", NONE - 1);
        return NULL;
    }
    dk_limiter_t *l = dk_calloc(1, sizeof *l);
    if (l == NULL) {
        dk_error_set(err, DK_ENOMEM, "limiter: out of memory");
        return NULL;
    }
    l->cfg = *cfg;
    if (l->cfg.idle == 0)
        l->cfg.idle = 2 * p.w;
    l->p = p;
    l->latest = INT64_MIN;
    l->head = l->tail = l->free = NONE;
    dk_status st = DK_OK;
    if (cfg->max_keys > 0 && (l->index = dk_map_new(16, &st)) == NULL) {
        dk_limiter_free(l);
        dk_error_set(err, DK_ENOMEM, "limiter: out of memory");
        return NULL;
    }
    return l;
}

void dk_limiter_free(dk_limiter_t *l)
{
    if (l == NULL)
        return;
    dk_map_free(l->index);
    dk_free(l->slots);
    dk_free(l->logs);
    dk_free(l);
}

/* Room for one more slot: doubles the arrays (up to max_keys, or 1 for a global limiter). */
static int grow(dk_limiter_t *l)
{
    size_t cap = l->cfg.max_keys > 0 ? l->cfg.max_keys : 1;
    size_t room = l->room == 0 ? 4 : (size_t)l->room * 2;
    if (room > cap)
        room = cap;
    slot *s = dk_realloc(l->slots, room * sizeof *s);
    if (s == NULL)
        return 0;
    l->slots = s;
    if (l->p.algorithm == DK_LIMITER_SLIDING_LOG) {
        int64_t *g = dk_realloc(l->logs, room * (size_t)l->p.burst * sizeof *g);
        if (g == NULL)
            return 0;
        l->logs = g;
    }
    l->room = (uint32_t)room;
    return 1;
}

static void unlink_slot(dk_limiter_t *l, uint32_t i)
{
    slot *s = &l->slots[i];
    if (s->prev != NONE)
        l->slots[s->prev].next = s->next;
    else
        l->head = s->next;
    if (s->next != NONE)
        l->slots[s->next].prev = s->prev;
    else
        l->tail = s->prev;
}

static void push_front(dk_limiter_t *l, uint32_t i)
{
    slot *s = &l->slots[i];
    s->prev = NONE;
    s->next = l->head;
    if (l->head != NONE)
        l->slots[l->head].prev = i;
    l->head = i;
    if (l->tail == NONE)
        l->tail = i;
}

/* Forgets the least recently seen key: its slot goes on the free list. */
static void forget_tail(dk_limiter_t *l)
{
    uint32_t i = l->tail;
    unlink_slot(l, i);
    dk_map_remove(l->index, l->slots[i].key, NULL);
    l->slots[i].next = l->free;
    l->free = i;
    l->used--;
}

/* The slot of `key`, made fresh as of `now` when the key is new; NONE when out of memory.
 * Keys idle for `idle` are forgotten first (each key once per arrival: O(1) amortised). */
static uint32_t slot_of(dk_limiter_t *l, uint64_t key, int64_t now)
{
    uint64_t v;
    while (l->tail != NONE && now - l->slots[l->tail].s.last >= l->cfg.idle)
        forget_tail(l);
    if (dk_map_get(l->index, key, &v)) {
        uint32_t i = (uint32_t)v;
        if (l->head != i) {
            unlink_slot(l, i);
            push_front(l, i);
        }
        return i;
    }
    if (l->free == NONE && l->used == l->cfg.max_keys)
        forget_tail(l); /* at the cap: the key seen least recently makes room */
    uint32_t i;
    if (l->free != NONE) {
        i = l->free;
    } else {
        if (l->nslots == l->room && !grow(l))
            return NONE;
        i = l->nslots;
    }
    if (dk_map_put(l->index, key, i) != DK_OK)
        return NONE;
    if (i == l->free)
        l->free = l->slots[i].next;
    else
        l->nslots++;
    l->slots[i].key = key;
    dk__limiter_fresh(&l->p, &l->slots[i].s, now);
    push_front(l, i);
    l->used++;
    return i;
}

/*
 * dk_limiter_allow - see limiter.h. A global limiter keeps its one state in slot 0 and never
 * looks at the key or the index.
 */
int dk_limiter_allow(dk_limiter_t *l, uint64_t key, int64_t now, int64_t *wait)
{
    int64_t ignored;
    uint32_t i = 0;
    if (wait == NULL)
        wait = &ignored;
    *wait = 0;
    if (now < l->latest)
        now = l->latest;
    if (l->index == NULL) {
        if (l->used == 0) {
            if (!grow(l))
                return -1;
            l->nslots = 1;
            l->used = 1;
            dk__limiter_fresh(&l->p, &l->slots[0].s, now);
        }
    } else if ((i = slot_of(l, key, now)) == NONE) {
        return -1;
    }
    l->latest = now;
    int64_t *log = l->logs != NULL ? l->logs + (size_t)i * (size_t)l->p.burst : NULL;
    return dk__limiter_decide(&l->p, &l->slots[i].s, log, now, wait);
}

size_t dk_limiter_keys(const dk_limiter_t *l)
{
    return l->used;
}

const dk_limiter_config *dk_limiter_get_config(const dk_limiter_t *l)
{
    return &l->cfg;
}

int64_t dk_limiter_interval(const dk_limiter_t *l)
{
    return l->p.t;
}

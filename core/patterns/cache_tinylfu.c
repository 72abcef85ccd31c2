/* cache_tinylfu.c - W-TinyLFU (Einziger, Friedman & Manes 2017; Caffeine's design).
 *
 * A window LRU of w = max(1, c/100) entries takes every new key; the main region (c - w entries)
 * is a segmented LRU, probation and protected (protected at most 80% of main). A key leaving
 * the window is the candidate: it enters probation if main has room, otherwise it duels with
 * main's victim (probation's least recent, or protected's when probation is empty) and only the
 * more frequent of the two stays; a tie keeps the incumbent. Frequencies come from a count-min
 * sketch (4 rows of 4-bit saturating counters, a key's four in one cache line) that records
 * every get and put; after 10c
 * recordings every counter is halved, so popularity ages. A hit in probation promotes to
 * protected, whose overflow drops back to probation's head. No doorkeeper and no random
 * admission of warm candidates (Caffeine's hash-flooding guard): the rules are exact, so the
 * brute-force reference in tests/core/test_cache_reference.c agrees hit for hit. */
#include <string.h>
#include "designkit/alloc.h"
#include "patterns/cache_policy.h"
#include "patterns/cache_slots.h"

enum { WINDOW, PROBATION, PROTECTED };

#define ROWS 4
#define MIN_BLOCKS 4

/* The sketch is blocks of ROWS words (32 bytes, so a key's counters share a cache line, as in
 * Caffeine's sketch): h = mix(key ^ SEED), where mix is SplitMix64's finaliser, picks block
 * h & (blocks - 1), and row r's counter is nibble (h >> (32 + 4r)) & 15 of the block's word
 * r. Fixed, so a run is reproducible (and the reference in the tests can follow it). */
#define SEED UINT64_C(0x9e3779b97f4a7c15)
/* The counters start on a cache line, so no block straddles two (malloc promises 16 bytes). */
#define LINE 64

typedef struct tinylfu {
    dk__cslots s;
    dk__clist l[3];
    uint64_t c, window_max, main_max, protected_max;
    /* blocks x ROWS words of 16 4-bit counters: 16 counters a slot. `blocks` is a power of
     * two that grows with the slot array; doubling copies the lower half of the blocks into
     * the upper half, which leaves every key's estimate as it was (its new block is its old
     * one or that one's copy). */
    uint64_t *counters;
    uint64_t blocks;
    uint64_t samples, sample_limit;
} tinylfu;

static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* A key's sketch hash and its block of ROWS words. */
static uint64_t sketch_hash(uint64_t key)
{
    return mix(key ^ SEED);
}

static uint64_t *sketch_block(const tinylfu *t, uint64_t h)
{
    return &t->counters[(h & (t->blocks - 1)) * ROWS];
}

static unsigned frequency(const tinylfu *t, uint64_t key)
{
    uint64_t h = sketch_hash(key);
    const uint64_t *w = sketch_block(t, h);
    unsigned best = 15;
    for (int r = 0; r < ROWS; r++) {
        unsigned v = (unsigned)(w[r] >> (((h >> (32 + 4 * r)) & 15) * 4)) & 15;
        best = v < best ? v : best;
    }
    return best;
}

/* Halves every counter at once: a shift per word, with the bit that crossed into the next
 * nibble masked off. Every 10c recordings, so O(1) amortised. */
static void age(tinylfu *t)
{
    uint64_t n = ROWS * t->blocks;
    for (uint64_t i = 0; i < n; i++)
        t->counters[i] = (t->counters[i] >> 1) & UINT64_C(0x7777777777777777);
    t->samples /= 2;
}

/* Records a use of the key whose sketch hash is h. The increment is branch-free: a counter
 * below 15 gains 1, a saturated one gains 0 (a miss-predicted branch per row cost more than
 * the arithmetic). */
static void record_hash(tinylfu *t, uint64_t h)
{
    uint64_t *w = sketch_block(t, h);
    for (int r = 0; r < ROWS; r++) {
        unsigned shift = (unsigned)((h >> (32 + 4 * r)) & 15) * 4;
        w[r] += (uint64_t)(((w[r] >> shift) & 15) < 15) << shift;
    }
    if (++t->samples >= t->sample_limit)
        age(t);
}

static void record(tinylfu *t, uint64_t key)
{
    record_hash(t, sketch_hash(key));
}

/* Widens the sketch to a block per 4 slots of the slot array (at least MIN_BLOCKS); 0 when
 * memory ran out, the sketch as it was. */
static int fit_sketch(tinylfu *t)
{
    uint64_t want = t->blocks;
    while (4 * want < t->s.allocated)
        want *= 2;
    if (want == t->blocks)
        return 1;
    uint64_t *v = dk_calloc_aligned((size_t)(want * ROWS * sizeof *v), LINE);
    if (v == NULL)
        return 0;
    for (uint64_t i = 0; i < want * ROWS; i++)
        v[i] = t->counters[i % (t->blocks * ROWS)];
    dk_free_aligned(t->counters);
    t->counters = v;
    t->blocks = want;
    return 1;
}

static void *tinylfu_create(uint64_t capacity, uint64_t seed, dk_error *err)
{
    (void)seed;
    tinylfu *t = dk_calloc(1, sizeof *t);
    if (t == NULL) {
        dk_error_set(err, DK_ENOMEM, "tinylfu cache: out of memory");
        return NULL;
    }
    if (!dk__cslots_init(&t->s, capacity, "tinylfu", err)) {
        dk_free(t);
        return NULL;
    }
    t->blocks = MIN_BLOCKS;
    t->counters = dk_calloc_aligned(MIN_BLOCKS * ROWS * sizeof *t->counters, LINE);
    if (t->counters == NULL) {
        dk__cslots_fini(&t->s);
        dk_free(t);
        dk_error_set(err, DK_ENOMEM, "tinylfu cache: out of memory");
        return NULL;
    }
    t->c = capacity;
    t->window_max = capacity / 100 > 0 ? capacity / 100 : 1;
    t->main_max = capacity - t->window_max;
    t->protected_max = t->main_max * 8 / 10;
    t->sample_limit = capacity > UINT64_MAX / 10 ? UINT64_MAX : 10 * capacity;
    for (int k = 0; k < 3; k++)
        dk__clist_init(&t->l[k]);
    return t;
}

static void tinylfu_destroy(void *p)
{
    tinylfu *t = p;
    dk__cslots_fini(&t->s);
    dk_free_aligned(t->counters);
    dk_free(t);
}

static void forget(tinylfu *t, uint32_t i)
{
    dk__clist_unlink(&t->s, &t->l[t->s.v[i].list], i);
    dk__cslots_release(&t->s, i);
}

/* A use of resident slot i: to its list's head, probation promoted to protected. */
static void touch(tinylfu *t, uint32_t i)
{
    uint32_t list = t->s.v[i].list;
    if (list != PROBATION) {
        dk__clist_move_front(&t->s, &t->l[list], &t->l[list], i, list);
        return;
    }
    dk__clist_move_front(&t->s, &t->l[PROBATION], &t->l[PROTECTED], i, PROTECTED);
    if (t->l[PROTECTED].len > t->protected_max)
        dk__clist_move_front(&t->s, &t->l[PROTECTED], &t->l[PROBATION], t->l[PROTECTED].tail,
                             PROBATION);
}

static int tinylfu_get(void *p, uint64_t key, int64_t now)
{
    tinylfu *t = p;
    /* The sketch's line and the index's are both likely cache misses: the first is asked for
     * before the index probe so that the two overlap. Recording after the probe changes
     * nothing, since the probe does not read the sketch. */
    uint64_t h = sketch_hash(key);
    __builtin_prefetch(sketch_block(t, h), 1);
    uint32_t i = dk__cslots_find(&t->s, key);
    record_hash(t, h);
    if (i == DK__NIL)
        return 0;
    if (t->s.v[i].expires <= now) {
        forget(t, i);
        return 0;
    }
    touch(t, i);
    return 1;
}

/* Makes room in the window for one new key: its least recent entry moves to main or duels
 * with main's victim. 1 if an entry left the cache (its key in *victim). */
static int make_room(tinylfu *t, uint64_t *victim)
{
    if (t->l[WINDOW].len < t->window_max)
        return 0;
    uint32_t cand = t->l[WINDOW].tail;
    if (t->l[PROBATION].len + t->l[PROTECTED].len < t->main_max) {
        dk__clist_move_front(&t->s, &t->l[WINDOW], &t->l[PROBATION], cand, PROBATION);
        return 0;
    }
    uint32_t incumbent = t->l[PROBATION].len > 0 ? t->l[PROBATION].tail : t->l[PROTECTED].tail;
    if (incumbent == DK__NIL ||
        frequency(t, t->s.v[cand].key) <= frequency(t, t->s.v[incumbent].key)) {
        *victim = t->s.v[cand].key;
        forget(t, cand);
        return 1;
    }
    *victim = t->s.v[incumbent].key;
    forget(t, incumbent);
    dk__clist_move_front(&t->s, &t->l[WINDOW], &t->l[PROBATION], cand, PROBATION);
    return 1;
}

static int tinylfu_put(void *p, uint64_t key, int64_t now, int64_t expires, uint64_t *victim)
{
    tinylfu *t = p;
    (void)now;
    uint32_t i = dk__cslots_find(&t->s, key);
    if (i != DK__NIL) { /* a refresh is a use */
        record(t, key);
        t->s.v[i].expires = expires;
        touch(t, i);
        return 0;
    }
    if (!dk__cslots_reserve(&t->s) || !fit_sketch(t))
        return -1;
    record(t, key);
    int evicted = make_room(t, victim);
    i = dk__cslots_take(&t->s, key, expires);
    dk__clist_push_front(&t->s, &t->l[WINDOW], i, WINDOW);
    return evicted;
}

static int tinylfu_remove(void *p, uint64_t key)
{
    tinylfu *t = p;
    uint32_t i = dk__cslots_find(&t->s, key);
    if (i == DK__NIL)
        return 0;
    forget(t, i);
    return 1;
}

static int64_t tinylfu_expiry(const void *p, uint64_t key)
{
    return dk__cslots_expiry(&((const tinylfu *)p)->s, key);
}

static uint64_t tinylfu_size(const void *p)
{
    const tinylfu *t = p;
    return t->l[WINDOW].len + t->l[PROBATION].len + t->l[PROTECTED].len;
}

const dk__cache_policy dk__cache_tinylfu = {"tinylfu",      tinylfu_create, tinylfu_destroy,
                                            tinylfu_get,    tinylfu_put,    tinylfu_remove,
                                            tinylfu_expiry, tinylfu_size,   NULL};

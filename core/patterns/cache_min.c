/* cache_min.c - Belady's MIN over a whole trace: the offline ceiling for every policy. */
#include "designkit/cache.h"

#include "designkit/alloc.h"
#include "designkit/map.h"

/* A max-heap of (next use, key). An entry goes stale when its key is used again (a newer entry
 * carries the new next use) or evicted; stale entries are skipped when they surface, which
 * keeps every step O(log n) without a decrease-key. Next uses are trace positions, unique per
 * key, so "the map's next use for this key equals the entry's" identifies a live entry. */
typedef struct use {
    uint64_t next, key;
} use;

typedef struct heap {
    use *v;
    size_t n;
} heap;

static void heap_push(heap *h, use u)
{
    size_t i = h->n++;
    while (i > 0 && h->v[(i - 1) / 2].next < u.next) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = u;
}

static use heap_pop(heap *h)
{
    use top = h->v[0], last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= h->n)
            break;
        if (k + 1 < h->n && h->v[k + 1].next > h->v[k].next)
            k++;
        if (h->v[k].next <= last.next)
            break;
        h->v[i] = h->v[k];
        i = k;
    }
    if (h->n > 0)
        h->v[i] = last;
    return top;
}

/* The live entry with the furthest next use (the heap holds at least one while cache is full). */
static use furthest(heap *h, const dk_map_t *resident)
{
    for (;;) {
        uint64_t now_next;
        use u = h->v[0];
        if (dk_map_get(resident, u.key, &now_next) && now_next == u.next)
            return u;
        heap_pop(h);
    }
}

static dk_status fail(dk_error *err, uint64_t *next, dk_map_t *m, heap *h)
{
    dk_free(next);
    dk_map_free(m);
    dk_free(h->v);
    dk_error_set(err, DK_ENOMEM, "cache MIN: out of memory");
    return DK_ENOMEM;
}

dk_status dk_cache_min(const uint64_t *trace, size_t n, uint64_t capacity, uint64_t *hits,
                       dk_error *err)
{
    if (capacity == 0) {
        dk_error_set(err, DK_EINVAL, "cache MIN: capacity must be a positive integer (got 0)");
        return DK_EINVAL;
    }
    *hits = 0;
    heap h = {NULL, 0};
    uint64_t *next = dk_malloc((n > 0 ? n : 1) * sizeof *next);
    dk_map_t *m = dk_map_new(0, NULL);
    h.v = dk_malloc((n > 0 ? n : 1) * sizeof *h.v);
    if (next == NULL || m == NULL || h.v == NULL)
        return fail(err, next, m, &h);
    /* next[i]: where trace[i] is used next, n for never (one backward pass). */
    for (size_t i = n; i-- > 0;) {
        uint64_t later;
        next[i] = dk_map_get(m, trace[i], &later) ? later : n;
        if (dk_map_put(m, trace[i], i) != DK_OK)
            return fail(err, next, m, &h);
    }
    dk_map_clear(m); /* now: resident key -> its next use */
    uint64_t size = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = trace[i];
        if (dk_map_get(m, key, NULL)) {
            ++*hits;
        } else if (size == capacity) {
            /* Fetch-then-evict-the-furthest: if the new key is itself the furthest, it is the
             * one that leaves (it is never stored). */
            use victim = furthest(&h, m);
            if (next[i] >= victim.next)
                continue;
            heap_pop(&h);
            dk_map_remove(m, victim.key, NULL);
            size--;
        }
        if (!dk_map_get(m, key, NULL))
            size++;
        if (dk_map_put(m, key, next[i]) != DK_OK)
            return fail(err, next, m, &h);
        heap_push(&h, (use){next[i], key});
    }
    dk_free(next);
    dk_map_free(m);
    dk_free(h.v);
    return DK_OK;
}

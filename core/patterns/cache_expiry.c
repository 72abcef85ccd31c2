/* cache_expiry.c - a min-heap of (expiry, key) pairs for the active expiry sweep. */
#include "patterns/cache_expiry.h"

#include "designkit/alloc.h"

#define FIRST_PAIRS 16

void dk__cexpiry_fini(dk__cexpiry *h)
{
    dk_free(h->v);
    h->v = NULL;
    h->len = h->cap = 0;
}

int dk__cexpiry_reserve(dk__cexpiry *h)
{
    if (h->len < h->cap)
        return 1;
    size_t want = h->cap > 0 ? 2 * h->cap : FIRST_PAIRS;
    dk__cexpiry_pair *v = dk_realloc(h->v, want * sizeof *v);
    if (v == NULL)
        return 0;
    h->v = v;
    h->cap = want;
    return 1;
}

static int earlier(const dk__cexpiry_pair *a, const dk__cexpiry_pair *b)
{
    return a->at < b->at;
}

static void sift_down(dk__cexpiry *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && earlier(&h->v[l], &h->v[m]))
            m = l;
        if (r < h->len && earlier(&h->v[r], &h->v[m]))
            m = r;
        if (m == i)
            return;
        dk__cexpiry_pair t = h->v[i];
        h->v[i] = h->v[m];
        h->v[m] = t;
        i = m;
    }
}

void dk__cexpiry_push(dk__cexpiry *h, int64_t at, uint64_t key)
{
    size_t i = h->len++;
    while (i > 0 && at < h->v[(i - 1) / 2].at) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i].at = at;
    h->v[i].key = key;
}

void dk__cexpiry_pop(dk__cexpiry *h)
{
    h->v[0] = h->v[--h->len];
    sift_down(h, 0);
}

void dk__cexpiry_compact(dk__cexpiry *h, int (*live)(void *ctx, const dk__cexpiry_pair *p),
                         void *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < h->len; i++)
        if (live(ctx, &h->v[i]))
            h->v[n++] = h->v[i];
    h->len = n;
    for (size_t i = n / 2; i-- > 0;) /* Floyd's bottom-up heap construction */
        sift_down(h, i);
}

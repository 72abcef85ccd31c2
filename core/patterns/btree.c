/* btree.c - dk_btree_t: a B+tree of 64-bit keys that counts the pages it reads. */
#include "designkit/index.h"

#include <string.h>
#include "designkit/alloc.h"

/* A page. Leaves hold `n` keys and values and link to the next leaf; internal pages hold `n`
 * separator keys and n + 1 children, child i holding keys in [keys[i-1], keys[i]). Arrays have
 * one slot more than the order allows, so a page can overflow by one before it splits. */
typedef struct page {
    int leaf;
    unsigned n;
    uint64_t *keys;
    uint64_t *vals;     /* leaf */
    struct page **kids; /* internal */
    struct page *next;  /* leaf chain, in key order */
} page;

struct dk_btree {
    unsigned order;
    page *root;
    unsigned height;
    uint64_t count, pages, leaves, reads;
    /* Pages allocated before an insert starts, one per level it might split, so that running
     * out of memory is found before the tree changes, never halfway through a split. */
    page *spare[64];
    unsigned nspare;
};

static void page_free(page *p)
{
    if (p == NULL)
        return;
    dk_free(p->keys);
    dk_free(p->vals);
    dk_free(p->kids);
    dk_free(p);
}

/* A page that can serve as a leaf or an internal page (both arrays), so spares fit either. */
static page *page_new(unsigned order)
{
    page *p = dk_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->keys = dk_malloc((order + 1) * sizeof *p->keys);
    p->vals = dk_malloc((order + 1) * sizeof *p->vals);
    p->kids = dk_malloc((order + 2) * sizeof *p->kids);
    if (!p->keys || !p->vals || !p->kids) {
        page_free(p);
        return NULL;
    }
    return p;
}

static page *take_spare(dk_btree_t *t, int leaf)
{
    page *p = t->spare[--t->nspare];
    p->leaf = leaf;
    p->n = 0;
    p->next = NULL;
    t->pages++;
    t->leaves += leaf != 0;
    return p;
}

dk_btree_t *dk_btree_new(unsigned order, dk_error *err)
{
    if (order < 3 || order > 65536) {
        dk_error_set(err, DK_EINVAL, "btree: order must be between 3 and 65536 (got %u)", order);
        return NULL;
    }
    dk_btree_t *t = dk_calloc(1, sizeof *t);
    if (t)
        t->order = order;
    if (t)
        t->spare[0] = page_new(order);
    if (t == NULL || t->spare[0] == NULL) {
        dk_free(t);
        dk_error_set(err, DK_ENOMEM, "out of memory");
        return NULL;
    }
    t->nspare = 1;
    t->root = take_spare(t, 1);
    t->height = 1;
    return t;
}

static void free_tree(page *p)
{
    if (!p->leaf)
        for (unsigned i = 0; i <= p->n; i++)
            free_tree(p->kids[i]);
    page_free(p);
}

void dk_btree_free(dk_btree_t *t)
{
    if (t == NULL)
        return;
    free_tree(t->root);
    for (unsigned i = 0; i < t->nspare; i++)
        page_free(t->spare[i]);
    dk_free(t);
}

/* The first index whose key is > key (internal: the child to follow). */
static unsigned upper_bound(const page *p, uint64_t key)
{
    unsigned lo = 0, hi = p->n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (p->keys[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first index whose key is >= key (leaf: where key is or would go). */
static unsigned lower_bound(const page *p, uint64_t key)
{
    unsigned lo = 0, hi = p->n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (p->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The leaf where `key` belongs, counting a read per page on the way. */
static page *find_leaf(dk_btree_t *t, uint64_t key)
{
    page *p = t->root;
    t->reads++;
    while (!p->leaf) {
        p = p->kids[upper_bound(p, key)];
        t->reads++;
    }
    return p;
}

int dk_btree_get(dk_btree_t *t, uint64_t key, uint64_t *value)
{
    page *p = find_leaf(t, key);
    unsigned i = lower_bound(p, key);
    if (i == p->n || p->keys[i] != key)
        return 0;
    if (value)
        *value = p->vals[i];
    return 1;
}

/* Splits the overflowing page `p` in two; the new right page and the key that separates them
 * go to the parent. A leaf's separator is copied up (it stays in the right leaf); an internal
 * page's middle key moves up. */
static page *split(dk_btree_t *t, page *p, uint64_t *up)
{
    page *r = take_spare(t, p->leaf);
    unsigned mid = p->n / 2;
    if (p->leaf) {
        r->n = p->n - mid;
        memcpy(r->keys, p->keys + mid, r->n * sizeof *r->keys);
        memcpy(r->vals, p->vals + mid, r->n * sizeof *r->vals);
        p->n = mid;
        r->next = p->next;
        p->next = r;
        *up = r->keys[0];
    } else {
        *up = p->keys[mid];
        r->n = p->n - mid - 1;
        memcpy(r->keys, p->keys + mid + 1, r->n * sizeof *r->keys);
        memcpy(r->kids, p->kids + mid + 1, (r->n + 1) * sizeof *r->kids);
        p->n = mid;
    }
    return r;
}

/* Inserts below `p`; returns the new right sibling when `p` split (separator in *up). */
static page *insert(dk_btree_t *t, page *p, uint64_t key, uint64_t value, uint64_t *up)
{
    t->reads++;
    if (p->leaf) {
        unsigned i = lower_bound(p, key);
        if (i < p->n && p->keys[i] == key) {
            p->vals[i] = value;
            return NULL;
        }
        memmove(p->keys + i + 1, p->keys + i, (p->n - i) * sizeof *p->keys);
        memmove(p->vals + i + 1, p->vals + i, (p->n - i) * sizeof *p->vals);
        p->keys[i] = key;
        p->vals[i] = value;
        p->n++;
        t->count++;
        return p->n > t->order ? split(t, p, up) : NULL;
    }
    unsigned i = upper_bound(p, key);
    uint64_t sep;
    page *r = insert(t, p->kids[i], key, value, &sep);
    if (r == NULL)
        return NULL;
    memmove(p->keys + i + 1, p->keys + i, (p->n - i) * sizeof *p->keys);
    memmove(p->kids + i + 2, p->kids + i + 1, (p->n - i) * sizeof *p->kids);
    p->keys[i] = sep;
    p->kids[i + 1] = r;
    p->n++;
    return p->n + 1 > t->order ? split(t, p, up) : NULL;
}

dk_status dk_btree_put(dk_btree_t *t, uint64_t key, uint64_t value, dk_error *err)
{
    /* At most one split per level plus a new root. */
    unsigned need = t->height + 1;
    if (need > (unsigned)(sizeof t->spare / sizeof t->spare[0]))
        return dk_error_set(err, DK_ELIMIT, "btree: taller than %u levels",
                            (unsigned)(sizeof t->spare / sizeof t->spare[0]));
    while (t->nspare < need) {
        page *p = page_new(t->order);
        if (p == NULL)
            return dk_error_set(err, DK_ENOMEM, "out of memory");
        t->spare[t->nspare++] = p;
    }
    uint64_t up;
    page *r = insert(t, t->root, key, value, &up);
    if (r) {
        page *root = take_spare(t, 0);
        root->n = 1;
        root->keys[0] = up;
        root->kids[0] = t->root;
        root->kids[1] = r;
        t->root = root;
        t->height++;
    }
    return DK_OK;
}

int dk_btree_delete(dk_btree_t *t, uint64_t key)
{
    page *p = find_leaf(t, key);
    unsigned i = lower_bound(p, key);
    if (i == p->n || p->keys[i] != key)
        return 0;
    memmove(p->keys + i, p->keys + i + 1, (p->n - i - 1) * sizeof *p->keys);
    memmove(p->vals + i, p->vals + i + 1, (p->n - i - 1) * sizeof *p->vals);
    p->n--;
    t->count--;
    return 1;
}

/* Walks the leaf chain from `p`, entry `i`, while keys are <= hi. */
static uint64_t walk(dk_btree_t *t, page *p, unsigned i, uint64_t hi, dk_index_visit_fn fn,
                     void *ud)
{
    uint64_t n = 0;
    for (;;) {
        for (; i < p->n; i++) {
            if (p->keys[i] > hi)
                return n;
            n++;
            if (fn && fn(p->keys[i], p->vals[i], ud) != 0)
                return n;
        }
        if (p->next == NULL)
            return n;
        p = p->next;
        t->reads++;
        i = 0;
    }
}

uint64_t dk_btree_range(dk_btree_t *t, uint64_t lo, uint64_t hi, dk_index_visit_fn fn, void *ud)
{
    if (lo > hi)
        return 0;
    page *p = find_leaf(t, lo);
    return walk(t, p, lower_bound(p, lo), hi, fn, ud);
}

uint64_t dk_btree_scan(dk_btree_t *t, dk_index_visit_fn fn, void *ud)
{
    page *p = t->root;
    while (!p->leaf)
        p = p->kids[0]; /* the way down to the first leaf is not part of the scan's cost */
    t->reads++;
    return walk(t, p, 0, UINT64_MAX, fn, ud);
}

void dk_btree_stats(const dk_btree_t *t, dk_index_stats *out)
{
    *out = (dk_index_stats){.count = t->count,
                            .pages = t->pages,
                            .leaf_pages = t->leaves,
                            .height = t->height,
                            .page_reads = t->reads};
}

void dk_btree_reset_reads(dk_btree_t *t)
{
    t->reads = 0;
}

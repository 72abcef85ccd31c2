/* hashindex.c - dk_hashindex_t: a hash index of bucket pages with overflow chains. */
#include "designkit/index.h"

#include "designkit/alloc.h"

/* A page of a bucket: up to `page_entries` entries, then the bucket's next overflow page. */
typedef struct hpage {
    unsigned n;
    struct hpage *next;
    uint64_t entries[]; /* key, value pairs */
} hpage;

struct dk_hashindex {
    unsigned per_page;
    hpage **buckets; /* never NULL entries: a bucket always has its first page */
    uint64_t nbuckets, count, pages, reads;
};

/* splitmix64's finaliser: consecutive keys land in unrelated buckets. */
static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static hpage *hpage_new(unsigned per_page)
{
    return dk_calloc(1, sizeof(hpage) + 2 * (size_t)per_page * sizeof(uint64_t));
}

static void free_buckets(hpage **b, uint64_t n)
{
    for (uint64_t i = 0; b && i < n; i++) {
        for (hpage *p = b[i], *next; p; p = next) {
            next = p->next;
            dk_free(p);
        }
    }
    dk_free(b);
}

/* A fresh table of `n` empty buckets, or NULL. */
static hpage **new_buckets(unsigned per_page, uint64_t n)
{
    hpage **b = dk_calloc(n, sizeof *b);
    for (uint64_t i = 0; b && i < n; i++) {
        if ((b[i] = hpage_new(per_page)) == NULL) {
            free_buckets(b, n);
            return NULL;
        }
    }
    return b;
}

dk_hashindex_t *dk_hashindex_new(unsigned page_entries, dk_error *err)
{
    if (page_entries < 1 || page_entries > 65536) {
        dk_error_set(err, DK_EINVAL,
                     "hash index: page entries must be between 1 and 65536 (got %u)", page_entries);
        return NULL;
    }
    dk_hashindex_t *h = dk_calloc(1, sizeof *h);
    if (h) {
        h->per_page = page_entries;
        h->nbuckets = 8;
        h->pages = 8;
        h->buckets = new_buckets(page_entries, 8);
    }
    if (h == NULL || h->buckets == NULL) {
        dk_free(h);
        dk_error_set(err, DK_ENOMEM, "out of memory");
        return NULL;
    }
    return h;
}

void dk_hashindex_free(dk_hashindex_t *h)
{
    if (h == NULL)
        return;
    free_buckets(h->buckets, h->nbuckets);
    dk_free(h);
}

/* Adds an entry known to be absent to bucket `b`; grows the chain when every page is full.
 * No reads are counted: the callers have counted the pages they searched. */
static dk_status add(dk_hashindex_t *h, hpage **b, uint64_t key, uint64_t value)
{
    hpage *p = *b;
    while (p->n == h->per_page && p->next)
        p = p->next;
    if (p->n == h->per_page) {
        hpage *q = hpage_new(h->per_page);
        if (q == NULL)
            return DK_ENOMEM;
        p->next = q;
        p = q;
        h->pages++;
    }
    p->entries[2 * p->n] = key;
    p->entries[2 * p->n + 1] = value;
    p->n++;
    return DK_OK;
}

/* Doubles the buckets and moves every entry. On failure the old table stays. */
static dk_status grow(dk_hashindex_t *h)
{
    dk_hashindex_t bigger = {.per_page = h->per_page, .nbuckets = h->nbuckets * 2};
    bigger.buckets = new_buckets(h->per_page, bigger.nbuckets);
    if (bigger.buckets == NULL)
        return DK_ENOMEM;
    bigger.pages = bigger.nbuckets;
    for (uint64_t i = 0; i < h->nbuckets; i++)
        for (hpage *p = h->buckets[i]; p; p = p->next)
            for (unsigned j = 0; j < p->n; j++) {
                uint64_t k = p->entries[2 * j];
                if (add(&bigger, &bigger.buckets[mix(k) % bigger.nbuckets], k,
                        p->entries[2 * j + 1]) != DK_OK) {
                    free_buckets(bigger.buckets, bigger.nbuckets);
                    return DK_ENOMEM;
                }
            }
    free_buckets(h->buckets, h->nbuckets);
    h->buckets = bigger.buckets;
    h->nbuckets = bigger.nbuckets;
    h->pages = bigger.pages;
    return DK_OK;
}

/* The slot of `key`: its page in *where and index, or NULL. Counts a read per page. */
static uint64_t *find(dk_hashindex_t *h, uint64_t key, hpage **where)
{
    for (hpage *p = h->buckets[mix(key) % h->nbuckets]; p; p = p->next) {
        h->reads++;
        for (unsigned j = 0; j < p->n; j++)
            if (p->entries[2 * j] == key) {
                *where = p;
                return &p->entries[2 * j];
            }
    }
    return NULL;
}

dk_status dk_hashindex_put(dk_hashindex_t *h, uint64_t key, uint64_t value, dk_error *err)
{
    hpage *where;
    uint64_t *slot = find(h, key, &where);
    if (slot) {
        slot[1] = value;
        return DK_OK;
    }
    /* Three-quarters full: double, so chains stay about one page long. */
    if ((h->count + 1) * 4 > h->nbuckets * h->per_page * 3 && grow(h) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "out of memory");
    if (add(h, &h->buckets[mix(key) % h->nbuckets], key, value) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "out of memory");
    h->count++;
    return DK_OK;
}

int dk_hashindex_get(dk_hashindex_t *h, uint64_t key, uint64_t *value)
{
    hpage *where;
    uint64_t *slot = find(h, key, &where);
    if (slot && value)
        *value = slot[1];
    return slot != NULL;
}

int dk_hashindex_delete(dk_hashindex_t *h, uint64_t key)
{
    hpage *where;
    uint64_t *slot = find(h, key, &where);
    if (slot == NULL)
        return 0;
    /* The page's last entry fills the hole; an overflow page may be left empty, kept for reuse. */
    where->n--;
    slot[0] = where->entries[2 * where->n];
    slot[1] = where->entries[2 * where->n + 1];
    h->count--;
    return 1;
}

uint64_t dk_hashindex_range(dk_hashindex_t *h, uint64_t lo, uint64_t hi, dk_index_visit_fn fn,
                            void *ud)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < h->nbuckets; i++)
        for (hpage *p = h->buckets[i]; p; p = p->next) {
            h->reads++;
            for (unsigned j = 0; j < p->n; j++) {
                uint64_t k = p->entries[2 * j];
                if (k < lo || k > hi)
                    continue;
                n++;
                if (fn && fn(k, p->entries[2 * j + 1], ud) != 0)
                    return n;
            }
        }
    return n;
}

void dk_hashindex_stats(const dk_hashindex_t *h, dk_index_stats *out)
{
    *out = (dk_index_stats){.count = h->count,
                            .pages = h->pages,
                            .leaf_pages = h->pages,
                            .height = 0,
                            .page_reads = h->reads};
}

void dk_hashindex_reset_reads(dk_hashindex_t *h)
{
    h->reads = 0;
}

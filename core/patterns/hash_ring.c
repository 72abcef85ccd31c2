/* hash_ring.c - a consistent-hash ring with virtual nodes. */
#include "designkit/hash.h"

#include <stdlib.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/locale.h"

typedef struct point {
    uint64_t hash;
    uint32_t node;
} point;

struct dk_hash_ring {
    unsigned vnodes;
    size_t n;      /* nodes, in the order they were added */
    char **names;  /* n names, owned */
    point *points; /* n * vnodes, sorted by hash */
};

#define MAX_VNODES 100000u

dk_hash_ring_t *dk_hash_ring_new(unsigned vnodes, dk_error *err)
{
    if (vnodes < 1 || vnodes > MAX_VNODES) {
        dk_error_set(err, DK_EINVAL, "ring: vnodes must be 1..%u (got %u)", MAX_VNODES, vnodes);
        return NULL;
    }
    dk_hash_ring_t *r = dk_calloc(1, sizeof *r);
    if (r == NULL) {
        dk_error_set(err, DK_ENOMEM, "ring: out of memory");
        return NULL;
    }
    r->vnodes = vnodes;
    return r;
}

void dk_hash_ring_free(dk_hash_ring_t *ring)
{
    if (ring == NULL)
        return;
    for (size_t i = 0; i < ring->n; i++)
        dk_free(ring->names[i]);
    dk_free(ring->names);
    dk_free(ring->points);
    dk_free(ring);
}

/* Two points on one 64-bit hash (odds about M^2 / 2^65) are ordered by node index, so that
 * qsort's order is still a total one. */
static int point_cmp(const void *a, const void *b)
{
    const point *p = a, *q = b;
    if (p->hash != q->hash)
        return p->hash < q->hash ? -1 : 1;
    return (p->node > q->node) - (p->node < q->node);
}

/* The points of names[0..n) into a new array (NULL when out of memory). */
static point *build_points(const dk_hash_ring_t *r, char **names, size_t n)
{
    size_t m = n * r->vnodes;
    point *pts = dk_malloc((m ? m : 1) * sizeof *pts);
    if (pts == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char label[64];
        /* "name#v": hashed in two parts, so that no copy of the name is needed */
        uint64_t base = dk_hash_string(names[i], 0);
        for (unsigned v = 0; v < r->vnodes; v++) {
            int len = dk_snprintf(label, sizeof label, "#%u", v);
            pts[i * r->vnodes + v].hash = dk_hash_seeded(label, (size_t)len, base);
            pts[i * r->vnodes + v].node = (uint32_t)i;
        }
    }
    qsort(pts, m, sizeof *pts, point_cmp);
    return pts;
}

static size_t find(const dk_hash_ring_t *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->names[i], name) == 0)
            return i;
    return SIZE_MAX;
}

dk_status dk_hash_ring_add(dk_hash_ring_t *ring, const char *name, dk_error *err)
{
    if (name == NULL || name[0] == '\0')
        return dk_error_set(err, DK_EINVAL, "ring: a node needs a non-empty name");
    if (find(ring, name) != SIZE_MAX)
        return dk_error_set(err, DK_EEXIST, "ring: duplicate node \"%s\"", name);
    if (ring->n >= UINT32_MAX / ring->vnodes)
        return dk_error_set(err, DK_ELIMIT, "ring: too many nodes");
    char **names = dk_malloc((ring->n + 1) * sizeof *names);
    char *copy = dk_strdup(name);
    point *pts = NULL;
    if (names != NULL && copy != NULL) {
        if (ring->n > 0) /* an empty ring has no array yet */
            memcpy(names, ring->names, ring->n * sizeof *names);
        names[ring->n] = copy;
        pts = build_points(ring, names, ring->n + 1);
    }
    if (pts == NULL) {
        dk_free(names);
        dk_free(copy);
        return dk_error_set(err, DK_ENOMEM, "ring: out of memory");
    }
    dk_free(ring->names);
    dk_free(ring->points);
    ring->names = names;
    ring->points = pts;
    ring->n++;
    return DK_OK;
}

dk_status dk_hash_ring_remove(dk_hash_ring_t *ring, const char *name, dk_error *err)
{
    size_t at = name != NULL ? find(ring, name) : SIZE_MAX;
    if (at == SIZE_MAX)
        return dk_error_set(err, DK_ENOTFOUND, "ring: no node \"%s\"", name ? name : "(null)");
    char *gone = ring->names[at];
    memmove(ring->names + at, ring->names + at + 1, (ring->n - at - 1) * sizeof *ring->names);
    point *pts = build_points(ring, ring->names, ring->n - 1);
    if (pts == NULL) { /* put it back: the ring is unchanged */
        memmove(ring->names + at + 1, ring->names + at, (ring->n - at - 1) * sizeof *ring->names);
        ring->names[at] = gone;
        return dk_error_set(err, DK_ENOMEM, "ring: out of memory");
    }
    dk_free(gone);
    dk_free(ring->points);
    ring->points = pts;
    ring->n--;
    return DK_OK;
}

/* The index of the first point whose hash is >= h, wrapping to 0 past the last. */
static size_t first_point(const dk_hash_ring_t *r, uint64_t h)
{
    size_t lo = 0, hi = r->n * r->vnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->points[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == r->n * r->vnodes ? 0 : lo;
}

size_t dk_hash_ring_get(const dk_hash_ring_t *ring, uint64_t h)
{
    return ring->n == 0 ? SIZE_MAX : ring->points[first_point(ring, h)].node;
}

size_t dk_hash_ring_get_if(const dk_hash_ring_t *ring, uint64_t h, int (*ok)(size_t, void *),
                           void *arg)
{
    size_t m = ring->n * ring->vnodes;
    if (m == 0)
        return SIZE_MAX;
    size_t at = first_point(ring, h);
    for (size_t k = 0; k < m; k++) {
        size_t node = ring->points[(at + k) % m].node;
        if (ok(node, arg))
            return node;
    }
    return SIZE_MAX;
}

size_t dk_hash_ring_nodes(const dk_hash_ring_t *ring)
{
    return ring->n;
}

const char *dk_hash_ring_node(const dk_hash_ring_t *ring, size_t i)
{
    return i < ring->n ? ring->names[i] : NULL;
}

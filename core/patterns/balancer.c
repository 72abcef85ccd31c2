/* balancer.c - load-balancing algorithms: round robin, random, least connections. */
#include "designkit/balancer.h"

#include <stdint.h>
#include <string.h>
#include "designkit/alloc.h"

struct dk_lb {
    dk_lb_algorithm algorithm;
    size_t n;
    size_t last;   /* the previous pick: round robin and tie rotation continue after it */
    size_t *conns; /* requests in flight per backend */
    /* Least connections: a min segment tree over conns (leaves at width + i, padding leaves
     * SIZE_MAX), so a pick costs O(log n) and not a scan of every backend. */
    size_t *tree;
    size_t width; /* a power of two >= n */
};

/* Sets leaf i to conns[i] and mends the minima above it. */
static void tree_set(dk_lb_t *lb, size_t i)
{
    size_t pos = lb->width + i;
    lb->tree[pos] = lb->conns[i];
    for (pos >>= 1; pos > 0; pos >>= 1) {
        size_t a = lb->tree[2 * pos], b = lb->tree[2 * pos + 1];
        lb->tree[pos] = a < b ? a : b;
    }
}

/* The leftmost backend at index >= from whose count is <= target, within node's range
 * [lo, lo + span); SIZE_MAX when there is none. A subtree whose minimum is above the target,
 * or that lies left of `from`, is passed over whole, so a search visits O(log n) nodes. */
static size_t tree_first(const dk_lb_t *lb, size_t node, size_t lo, size_t span, size_t from,
                         size_t target)
{
    if (lo + span <= from || lb->tree[node] > target)
        return SIZE_MAX;
    if (span == 1)
        return lo;
    size_t half = span / 2;
    size_t i = tree_first(lb, 2 * node, lo, half, from, target);
    return i != SIZE_MAX ? i : tree_first(lb, 2 * node + 1, lo + half, half, from, target);
}

/* The names in enum order, NULL-terminated: the one list the kind schemas offer as choices. */
const char *const dk_lb_algorithm_names[] = {
#define NAME(id, name) name,
    DK_LB_ALGORITHMS(NAME)
#undef NAME
        NULL};
#define names dk_lb_algorithm_names
#define NNAMES (sizeof dk_lb_algorithm_names / sizeof dk_lb_algorithm_names[0] - 1)

const char *dk_lb_algorithm_name(dk_lb_algorithm a)
{
    return (unsigned)a < NNAMES ? names[a] : "unknown";
}

/*
 * dk_lb_algorithm_parse - the algorithm named as dk_lb_algorithm_name writes it; DK_ENOTFOUND
 * for anything else (and DK_EINVAL for NULL arguments).
 */
dk_status dk_lb_algorithm_parse(const char *name, dk_lb_algorithm *out)
{
    if (name == NULL || out == NULL)
        return DK_EINVAL;
    for (size_t i = 0; i < NNAMES; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (dk_lb_algorithm)i;
            return DK_OK;
        }
    return DK_ENOTFOUND;
}

/*
 * dk_lb_new - a balancer over `backends` backends. DK_EINVAL for zero backends or an unknown
 * algorithm, DK_ENOMEM. The first round-robin pick is backend 0.
 */
dk_lb_t *dk_lb_new(dk_lb_algorithm algorithm, size_t backends, dk_error *err)
{
    if ((unsigned)algorithm >= NNAMES) {
        dk_error_set(err, DK_EINVAL, "balancer: unknown algorithm %d", (int)algorithm);
        return NULL;
    }
    if (backends == 0) {
        dk_error_set(err, DK_EINVAL, "balancer: needs at least one backend (got 0)");
        return NULL;
    }
    dk_lb_t *lb = dk_calloc(1, sizeof *lb);
    if (lb != NULL)
        lb->conns = dk_calloc(backends, sizeof *lb->conns);
    if (lb != NULL && lb->conns != NULL && algorithm == DK_LB_LEAST_CONNECTIONS) {
        for (lb->width = 1; lb->width < backends; lb->width *= 2)
            ;
        lb->tree = dk_calloc(2 * lb->width, sizeof *lb->tree);
        if (lb->tree != NULL)
            for (size_t i = backends; i < lb->width; i++) /* padding: never the least */
                lb->tree[lb->width + i] = SIZE_MAX;
        for (size_t pos = lb->width - 1; lb->tree != NULL && pos > 0; pos--) {
            size_t a = lb->tree[2 * pos], b = lb->tree[2 * pos + 1];
            lb->tree[pos] = a < b ? a : b;
        }
    }
    if (lb == NULL || lb->conns == NULL ||
        (algorithm == DK_LB_LEAST_CONNECTIONS && lb->tree == NULL)) {
        if (lb != NULL)
            dk_free(lb->conns);
        dk_free(lb);
        dk_error_set(err, DK_ENOMEM, "balancer: out of memory");
        return NULL;
    }
    lb->algorithm = algorithm;
    lb->n = backends;
    lb->last = backends - 1;
    return lb;
}

void dk_lb_free(dk_lb_t *lb)
{
    if (lb == NULL)
        return;
    dk_free(lb->conns);
    dk_free(lb->tree);
    dk_free(lb);
}

/* The backend with the fewest connections; among equals, the first in cyclic order from the
 * one after the last pick, so that the choice rotates instead of piling onto backend 0. The
 * tree's root is the fewest; the first such at or after last + 1 is searched for, then, past
 * the end, from 0. */
static size_t least_connections(const dk_lb_t *lb)
{
    size_t from = lb->last + 1 == lb->n ? 0 : lb->last + 1, least = lb->tree[1];
    size_t i = tree_first(lb, 1, 0, lb->width, from, least);
    return i != SIZE_MAX ? i : tree_first(lb, 1, 0, lb->width, 0, least);
}

size_t dk_lb_pick(dk_lb_t *lb, dk_rng_t *rng)
{
    size_t i;
    switch (lb->algorithm) {
    case DK_LB_RANDOM:
        i = (size_t)dk_rng_below(rng, lb->n);
        break;
    case DK_LB_LEAST_CONNECTIONS:
        i = least_connections(lb);
        break;
    case DK_LB_ROUND_ROBIN:
    default:
        i = lb->last + 1 == lb->n ? 0 : lb->last + 1;
        break;
    }
    lb->last = i;
    lb->conns[i]++;
    if (lb->tree != NULL)
        tree_set(lb, i);
    return i;
}

/* A done for a backend with no connections is ignored: the count never wraps. */
void dk_lb_done(dk_lb_t *lb, size_t i)
{
    if (i < lb->n && lb->conns[i] > 0) {
        lb->conns[i]--;
        if (lb->tree != NULL)
            tree_set(lb, i);
    }
}

size_t dk_lb_connections(const dk_lb_t *lb, size_t i)
{
    return i < lb->n ? lb->conns[i] : 0;
}

size_t dk_lb_backends(const dk_lb_t *lb)
{
    return lb->n;
}

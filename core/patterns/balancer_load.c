/* balancer_load.c - the load-aware algorithms: least connections (plain and weighted), least
 * response time, two random choices, smooth weighted round robin and geographic. */
#include <math.h>
#include <stdint.h>
#include "patterns/balancer_internal.h"

/* Sets leaf i to conns[i] (SIZE_MAX when unavailable: never the least) and mends the minima
 * above it. */
void dk__lb_tree_set(dk_lb_t *lb, size_t i)
{
    size_t pos = lb->width + i;
    lb->tree[pos] = lb->up[i] ? lb->conns[i] : SIZE_MAX;
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

/* The backend with the fewest connections; among equals, the first in cyclic order from the
 * one after the last pick, so that the choice rotates instead of piling onto backend 0. The
 * tree's root is the fewest; the first such at or after last + 1 is searched for, then, past
 * the end, from 0. */
size_t dk__lb_least_connections(const dk_lb_t *lb)
{
    size_t from = lb->last + 1 == lb->n ? 0 : lb->last + 1, least = lb->tree[1];
    if (least == SIZE_MAX)
        return DK_LB_NONE;
    size_t i = tree_first(lb, 1, 0, lb->width, from, least);
    return i != SIZE_MAX ? i : tree_first(lb, 1, 0, lb->width, 0, least);
}

/* The available backend with the least score(i), scanning in cyclic order from the one after
 * the last pick so that ties rotate. O(n): these algorithms' scores change with every report,
 * which a tree would pay for on every answer instead. */
#define SCAN_LEAST(lb, score)                                                                      \
    size_t best = DK_LB_NONE;                                                                      \
    double top = INFINITY;                                                                         \
    for (size_t k = 1; k <= (lb)->n; k++) {                                                        \
        size_t i = ((lb)->last + k) % (lb)->n;                                                     \
        if (!(lb)->up[i])                                                                          \
            continue;                                                                              \
        double s = (score);                                                                        \
        if (best == DK_LB_NONE || s < top) {                                                       \
            best = i;                                                                              \
            top = s;                                                                               \
        }                                                                                          \
    }                                                                                              \
    return best

size_t dk__lb_weighted_least_connections(const dk_lb_t *lb)
{
    SCAN_LEAST(lb, (double)(lb->conns[i] + 1) / lb->weight[i]);
}

/* Latency times the queue one more request would join (the cost of Finagle's peak EWMA):
 * a backend never measured scores 0 and is tried first. */
size_t dk__lb_least_response_time(const dk_lb_t *lb)
{
    SCAN_LEAST(lb, lb->ewma[i] * (double)(lb->conns[i] + 1));
}

/* Geo: the nearest; a region's backends share a distance and take turns. */
size_t dk__lb_geo(const dk_lb_t *lb)
{
    SCAN_LEAST(lb, lb->distance[i]);
}

/* Mitzenmacher's two choices: two distinct backends drawn uniformly from the available, the one
 * with fewer connections (the first drawn on a tie). */
size_t dk__lb_p2c(const dk_lb_t *lb, dk_rng_t *rng)
{
    if (lb->navail == 0)
        return DK_LB_NONE;
    if (lb->navail == 1)
        return lb->avail[0];
    size_t a = (size_t)dk_rng_below(rng, lb->navail);
    size_t b = (size_t)dk_rng_below(rng, lb->navail - 1);
    if (b >= a) /* b from the others: skip over a */
        b++;
    a = lb->avail[a];
    b = lb->avail[b];
    return lb->conns[b] < lb->conns[a] ? b : a;
}

/*
 * Smooth weighted round robin (nginx, 2012): every pick adds each available backend's weight to
 * its counter, takes the largest counter (the first on a tie) and takes the total weight off
 * it. Over a cycle each backend is picked in proportion to its weight, and a heavy backend's
 * picks are spread out (5:1:1 gives a,a,b,a,c,a,a) rather than sent in a burst.
 */
size_t dk__lb_smooth_weighted(dk_lb_t *lb)
{
    size_t best = DK_LB_NONE;
    double total = 0;
    for (size_t i = 0; i < lb->n; i++) {
        if (!lb->up[i])
            continue;
        lb->current[i] += lb->weight[i];
        total += lb->weight[i];
        if (best == DK_LB_NONE || lb->current[i] > lb->current[best])
            best = i;
    }
    if (best != DK_LB_NONE)
        lb->current[best] -= total;
    return best;
}

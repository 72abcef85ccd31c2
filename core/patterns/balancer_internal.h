/* balancer_internal.h - the balancer's state, shared by its files (one per family). */
#ifndef DK_PATTERNS_BALANCER_INTERNAL_H
#define DK_PATTERNS_BALANCER_INTERNAL_H

#include "designkit/balancer.h"
#include "designkit/hash.h"

struct dk_lb {
    dk_lb_algorithm algorithm;
    size_t n;
    size_t last;   /* the previous pick: round robin and tie rotation continue after it */
    size_t *conns; /* requests in flight per backend */
    /* Least connections: a min segment tree over conns (leaves at width + i; padding and
     * unavailable leaves SIZE_MAX), so a pick costs O(log n) and not a scan of every backend. */
    size_t *tree;
    size_t width; /* a power of two >= n */

    /* Availability: healthy and not ejected. `avail` lists the available indices in order
     * (random and p2c draw from it); rebuilt on every change, which is rare. */
    unsigned char *healthy, *ejected, *up;
    size_t *avail, navail;

    double *weight, *distance, *current; /* current: smooth weighted round robin's counters */
    double *ewma;
    uint64_t *picks, *errors;
    unsigned *streak, *ejections;           /* consecutive errors; times ejected */
    int64_t *until;                         /* ejected until */
    unsigned outlier_after;                 /* 0: no ejection */
    double outlier_max;                     /* the most of the backends ejected at once, 0..1 */
    int64_t outlier_base, now, next_return; /* next_return: the earliest `until`, INT64_MAX */

    /* The keyed algorithms' structures, over backends named by their index. */
    uint64_t *node_hash;      /* rendezvous */
    dk_hash_ring_t *ring;     /* ring */
    dk_hash_maglev_t *maglev; /* maglev, refilled with `up` when availability changes */
};

/* balancer_keyed.c */
dk_status dk__lb_keyed_init(dk_lb_t *lb, dk_error *err);
void dk__lb_keyed_free(dk_lb_t *lb);
void dk__lb_keyed_availability(dk_lb_t *lb); /* the available set changed */
size_t dk__lb_keyed_pick(dk_lb_t *lb, uint64_t key);

/* balancer_load.c */
size_t dk__lb_least_connections(const dk_lb_t *lb);
size_t dk__lb_weighted_least_connections(const dk_lb_t *lb);
size_t dk__lb_least_response_time(const dk_lb_t *lb);
size_t dk__lb_p2c(const dk_lb_t *lb, dk_rng_t *rng);
size_t dk__lb_smooth_weighted(dk_lb_t *lb);
size_t dk__lb_geo(const dk_lb_t *lb);
void dk__lb_tree_set(dk_lb_t *lb, size_t i);

#endif

/* balancer.h - load-balancing algorithms: which backend gets the next request. Not thread-safe;
 * one owner per balancer (the simulator's balancer actor, or a program's dispatcher thread). */
#ifndef DESIGNKIT_BALANCER_H
#define DESIGNKIT_BALANCER_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The algorithms, in enum order: X(ID, name). Every one skips backends that are unavailable:
 * marked unhealthy (dk_lb_set_health) or ejected as outliers (dk_lb_set_outlier). Ties in the
 * load-based ones go to the first backend in cyclic order after the last pick, so equal loads
 * rotate. The keyed ones hash the request's key: dk_hash_u64(key), the same backend for the
 * same key while the available set stays the same (docs/patterns/load-balancing.md). */
#define DK_LB_ALGORITHMS(X)                                                                        \
    X(ROUND_ROBIN, "round_robin")                   /* each backend in turn */                     \
    X(RANDOM, "random")                             /* uniformly at random */                      \
    X(LEAST_CONNECTIONS, "least_connections")       /* fewest requests in flight, O(log n) */      \
    X(WEIGHTED_ROUND_ROBIN, "weighted_round_robin") /* smooth (nginx): a,a,b,a,c,a,a */            \
    X(HASH, "hash") /* key hash mod the available count: moves n/(n+1) of keys on a change */      \
    X(WEIGHTED_LEAST_CONNECTIONS, "weighted_least_connections") /* least (in flight+1)/weight */   \
    X(LEAST_RESPONSE_TIME, "least_response_time") /* least EWMA latency x (in flight + 1) */       \
    X(P2C, "p2c")       /* two distinct random backends, the one with fewer in flight */           \
    X(RING, "ring")     /* consistent-hash ring, 100 virtual nodes per backend */                  \
    X(JUMP, "jump")     /* jump consistent hash; an unavailable bucket rehashes the key */         \
    X(MAGLEV, "maglev") /* Maglev table of 65537 entries, refilled when availability changes */    \
    X(RENDEZVOUS, "rendezvous") /* highest random weight among the available */                    \
    X(GEO, "geo") /* the nearest available backend (dk_lb_set_distance), then the next */

typedef enum dk_lb_algorithm {
#define DK__LB_ENUM(id, name) DK_LB_##id,
    DK_LB_ALGORITHMS(DK__LB_ENUM)
#undef DK__LB_ENUM
} dk_lb_algorithm;

/* Every algorithm's name in enum order, NULL-terminated: the one list (the balancer kind's
 * schema, the Lua API and the error messages all read it). */
extern const char *const dk_lb_algorithm_names[];
const char *dk_lb_algorithm_name(dk_lb_algorithm a); /* "round_robin", "random", ... */
dk_status dk_lb_algorithm_parse(const char *name, dk_lb_algorithm *out); /* DK_ENOTFOUND */
/* 1 when the algorithm chooses by the request's key (hash, ring, jump, maglev, rendezvous). */
int dk_lb_algorithm_keyed(dk_lb_algorithm a);
/* The valid names as one string, "round_robin, random, ...", for error messages; static. */
const char *dk_lb_algorithm_list(void);

/* A balancer over `backends` backends (>= 1), usable on its own or inside the simulator.
 * Caller frees with dk_lb_free. NULL with `err` on a bad count or out-of-memory. */
typedef struct dk_lb dk_lb_t;
dk_lb_t *dk_lb_new(dk_lb_algorithm algorithm, size_t backends, dk_error *err);
void dk_lb_free(dk_lb_t *lb);

/* Picks a backend index and counts a connection to it; `rng` is used by the random ones (random,
 * p2c). A keyed algorithm sees key 0. Allocates nothing. DK_LB_NONE when no backend is
 * available. */
#define DK_LB_NONE SIZE_MAX
size_t dk_lb_pick(dk_lb_t *lb, dk_rng_t *rng);
/* As dk_lb_pick, for a request with `key` at time `now` (ns, never decreasing): ejected
 * backends whose time is up come back first. */
size_t dk_lb_pick_key(dk_lb_t *lb, dk_rng_t *rng, uint64_t key, int64_t now);
/* A request to backend i finished: one connection fewer. */
void dk_lb_done(dk_lb_t *lb, size_t i);
/* As dk_lb_done, with what it took and how it ended: `latency` (ns, < 0: unknown) feeds the
 * EWMA least response time reads; `ok` 0 counts a consecutive error towards ejection. */
void dk_lb_report(dk_lb_t *lb, size_t i, int64_t now, int64_t latency, int ok);
size_t dk_lb_connections(const dk_lb_t *lb, size_t i);
size_t dk_lb_backends(const dk_lb_t *lb);

/* Backend i's weight for the weighted algorithms (default 1): finite and > 0, else DK_EINVAL
 * with `err` naming the backend; DK_ERANGE for i out of range. */
dk_status dk_lb_set_weight(dk_lb_t *lb, size_t i, double weight, dk_error *err);
/* Backend i's distance for geo (default i: the links' order is the order of preference); any
 * finite value >= 0, else DK_EINVAL. Equal distances form a region, served in turn. */
dk_status dk_lb_set_distance(dk_lb_t *lb, size_t i, double distance, dk_error *err);
/* Marks backend i healthy (1) or not (0); unhealthy backends are never picked. DK_ERANGE. */
dk_status dk_lb_set_health(dk_lb_t *lb, size_t i, int healthy);
/* Outlier ejection (as Envoy's): after `consecutive` errors in a row a backend is ejected for
 * base_ns x the number of times it has been ejected. The last available backend is never
 * ejected. consecutive 0 turns it off (the default); DK_EINVAL for base_ns <= 0. */
dk_status dk_lb_set_outlier(dk_lb_t *lb, unsigned consecutive, int64_t base_ns);
/* The most of the backends ejected at once, as a share (Envoy's max_ejection_percent): at most
 * floor(share x backends), though one may always be. Default 1 (only the last available one is
 * kept). DK_EINVAL outside (0, 1]. */
dk_status dk_lb_set_outlier_max(dk_lb_t *lb, double share);

typedef struct dk_lb_backend_stats {
    size_t connections;    /* in flight */
    uint64_t picks;        /* times chosen */
    uint64_t errors;       /* reports with ok == 0 */
    unsigned ejections;    /* times ejected */
    int healthy;           /* as dk_lb_set_health left it */
    int ejected;           /* ejected now */
    int64_t ejected_until; /* when it comes back, if ejected */
    double weight, distance;
    double ewma_ns; /* the latency EWMA (alpha 0.3); 0 before the first report */
} dk_lb_backend_stats;
/* Backend i's figures; DK_ERANGE past the end. */
dk_status dk_lb_stats(const dk_lb_t *lb, size_t i, dk_lb_backend_stats *out);

#ifdef __cplusplus
}
#endif
#endif

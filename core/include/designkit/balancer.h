/* balancer.h - load-balancing algorithms: which backend gets the next request. */
#ifndef DESIGNKIT_BALANCER_H
#define DESIGNKIT_BALANCER_H

#include <stddef.h>
#include "designkit/status.h"
#include "designkit/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The algorithms, in enum order: X(ID, name). Least connections picks the backend with the
 * fewest requests in flight; ties go to the lowest index after the last pick, so equal loads
 * rotate. */
#define DK_LB_ALGORITHMS(X)                                                                        \
    X(ROUND_ROBIN, "round_robin") /* each backend in turn */                                       \
    X(RANDOM, "random")           /* uniformly at random */                                        \
    X(LEAST_CONNECTIONS, "least_connections")

typedef enum dk_lb_algorithm {
#define DK__LB_ENUM(id, name) DK_LB_##id,
    DK_LB_ALGORITHMS(DK__LB_ENUM)
#undef DK__LB_ENUM
} dk_lb_algorithm;

/* Every algorithm's name in enum order, NULL-terminated (what a balancer's schema offers). */
extern const char *const dk_lb_algorithm_names[];
const char *dk_lb_algorithm_name(dk_lb_algorithm a); /* "round_robin", "random", ... */
dk_status dk_lb_algorithm_parse(const char *name, dk_lb_algorithm *out); /* DK_ENOTFOUND */

/* A balancer over `backends` backends (>= 1), usable on its own or inside the simulator.
 * Caller frees with dk_lb_free. NULL with `err` on a bad count or out-of-memory. */
typedef struct dk_lb dk_lb_t;
dk_lb_t *dk_lb_new(dk_lb_algorithm algorithm, size_t backends, dk_error *err);
void dk_lb_free(dk_lb_t *lb);

/* Picks a backend index and counts a connection to it; `rng` is used by the random ones.
 * Allocates nothing. */
size_t dk_lb_pick(dk_lb_t *lb, dk_rng_t *rng);
/* A request to backend i finished: one connection fewer. */
void dk_lb_done(dk_lb_t *lb, size_t i);
size_t dk_lb_connections(const dk_lb_t *lb, size_t i);
size_t dk_lb_backends(const dk_lb_t *lb);

#ifdef __cplusplus
}
#endif
#endif

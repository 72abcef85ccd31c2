/* class_routes.h - the links each request class may take out of a client or a balancer
 * (dk_sim_route_class), shared by actor_client.c, actor_balancer.c and class_routes.c. */
#ifndef DK_SIM_CLASS_ROUTES_H
#define DK_SIM_CLASS_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "designkit/balancer.h"
#include "designkit/map.h"
#include "designkit/sim.h"

/* One set of link positions, shared by every class routed to exactly these links. */
typedef struct dk__class_set {
    size_t *links; /* positions in the actor's out list, increasing */
    size_t n;      /* 0: the calls of its classes are answered FAILED */
    size_t rr;     /* a client's next index into links (round robin) */
    dk_lb_t *lb;   /* a balancer's algorithm over links, made at START; NULL for a client */
} dk__class_set;

/* What an actor that routes by class keeps: a set per class index, or NULL where the class
 * takes the fallback set, or with none every link. Zeroed, it routes nothing by class. */
typedef struct dk__class_routes {
    dk__class_set **by_class; /* by class index; entries past ncls are NULL */
    size_t ncls, capcls;
    dk__class_set *fallback; /* the classes without a set of their own (UINT32_MAX); NULL: all */
    dk__class_set **sets;    /* the distinct sets, owned */
    size_t nsets, capsets;
    dk_map_t *index; /* a hash of a set's positions -> its place in sets + 1 */
} dk__class_routes;

/* The set of class `cls`, or NULL when it goes to every link: the one question the hot path
 * asks, a comparison and a load when nothing is routed by class. */
static inline dk__class_set *dk__class_routes_of(const dk__class_routes *r, uint32_t cls)
{
    if (cls < r->ncls && r->by_class[cls] != NULL)
        return r->by_class[cls];
    return r->fallback;
}

/* Routes class `cls` (UINT32_MAX: every class without a set of its own) to links[0 .. n)
 * (checked by the caller), reusing an equal set. DK_ENOMEM leaves the routes as they were. */
dk_status dk__class_routes_set(dk__class_routes *r, uint32_t cls, const size_t *links, size_t n);

/* Frees what the routes hold (the sets' dk_lb too); the struct itself is the caller's. */
void dk__class_routes_free(dk__class_routes *r);

/* The routes of a client / a balancer actor; NULL for an actor of another kind. */
dk__class_routes *dk__client_class_routes(dk_actor_t *a);
dk__class_routes *dk__balancer_class_routes(dk_actor_t *a);

#endif

/* class_routes.c - routing by class: which links a client or a balancer sends each class on. */
#include <string.h>

#include "designkit/alloc.h"
#include "sim/class_routes.h"
#include "sim/engine.h"

static uint64_t hash_links(const size_t *links, size_t n)
{
    return dk_hash_bytes(links, n * sizeof *links) ^ dk_hash_u64(n);
}

static int same_links(const dk__class_set *s, const size_t *links, size_t n)
{
    return s->n == n && (n == 0 || memcmp(s->links, links, n * sizeof *links) == 0);
}

/* The set with exactly these positions, or NULL. The index gives the first set with their
 * hash; in the 1-in-2^64 case that it holds other positions, a scan of every set decides, so
 * a collision costs time, never a wrong route. */
static dk__class_set *find_set(const dk__class_routes *r, uint64_t h, const size_t *links, size_t n)
{
    uint64_t at;

    if (r->index == NULL || !dk_map_get(r->index, h, &at))
        return NULL;
    if (same_links(r->sets[at - 1], links, n))
        return r->sets[at - 1];
    for (size_t i = 0; i < r->nsets; i++)
        if (same_links(r->sets[i], links, n))
            return r->sets[i];
    return NULL;
}

/* A new set of these positions, kept in r->sets and the index. NULL on out-of-memory, with
 * nothing changed. */
static dk__class_set *add_set(dk__class_routes *r, uint64_t h, const size_t *links, size_t n)
{
    dk__class_set *s;

    if (r->index == NULL && (r->index = dk_map_new(8, NULL)) == NULL)
        return NULL;
    if (r->nsets == r->capsets) {
        size_t cap = r->capsets ? r->capsets * 2 : 4;
        dk__class_set **v = dk_realloc(r->sets, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        r->sets = v;
        r->capsets = cap;
    }
    s = dk_calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->links = dk_malloc((n > 0 ? n : 1) * sizeof *s->links);
    if (s->links == NULL) {
        dk_free(s);
        return NULL;
    }
    if (n > 0)
        memcpy(s->links, links, n * sizeof *links);
    s->n = n;
    /* A colliding hash keeps pointing at the first set: find_set's scan covers the rest. */
    if (!dk_map_get(r->index, h, NULL) && dk_map_put(r->index, h, r->nsets + 1) != DK_OK) {
        dk_free(s->links);
        dk_free(s);
        return NULL;
    }
    r->sets[r->nsets++] = s;
    return s;
}

dk_status dk__class_routes_set(dk__class_routes *r, uint32_t cls, const size_t *links, size_t n)
{
    uint64_t h = hash_links(links, n);
    dk__class_set *s;

    if (cls != UINT32_MAX && cls >= r->capcls) { /* doubling: classes often come in order */
        size_t cap = r->capcls ? r->capcls : 8;
        while (cap <= cls)
            cap *= 2;
        dk__class_set **v = dk_realloc(r->by_class, cap * sizeof *v);
        if (v == NULL)
            return DK_ENOMEM;
        for (size_t i = r->capcls; i < cap; i++)
            v[i] = NULL;
        r->by_class = v;
        r->capcls = cap;
    }
    s = find_set(r, h, links, n);
    if (s == NULL && (s = add_set(r, h, links, n)) == NULL)
        return DK_ENOMEM;
    if (cls == UINT32_MAX) {
        r->fallback = s;
        return DK_OK;
    }
    r->by_class[cls] = s;
    if (cls >= r->ncls)
        r->ncls = (size_t)cls + 1;
    return DK_OK;
}

void dk__class_routes_free(dk__class_routes *r)
{
    for (size_t i = 0; i < r->nsets; i++) {
        dk_lb_free(r->sets[i]->lb);
        dk_free(r->sets[i]->links);
        dk_free(r->sets[i]);
    }
    dk_free(r->sets);
    dk_free(r->by_class);
    dk_map_free(r->index);
    memset(r, 0, sizeof *r);
}

/* The class for messages: its name, or "*" for the fallback. */
static const char *class_name(const dk_sim_t *sim, uint32_t cls)
{
    return cls == UINT32_MAX ? "*" : sim->classes[cls].name;
}

/*
 * dk_sim_route_class - see sim.h. The positions are checked here, once, so the actors' hot
 * paths index their links without a test.
 */
dk_status dk_sim_route_class(dk_actor_t *actor, uint32_t cls, const size_t *links, size_t n,
                             dk_error *err)
{
    dk__class_routes *r;
    dk_sim_t *sim;

    if (actor == NULL)
        return dk_error_set(err, DK_EINVAL, "route by class: no actor");
    sim = actor->sim;
    r = dk__client_class_routes(actor);
    if (r == NULL)
        r = dk__balancer_class_routes(actor);
    if (r == NULL)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": only clients and balancers route by class",
                            dk_actor_kind(actor), actor->name);
    if (sim->ran)
        return dk_error_set(err, DK_ESTATE, "%s \"%s\": the simulation has already run",
                            dk_actor_kind(actor), actor->name);
    if (cls != UINT32_MAX && cls >= sim->nclasses)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": no class %lu (%zu classes)",
                            dk_actor_kind(actor), actor->name, (unsigned long)cls, sim->nclasses);
    if (n > 0 && links == NULL)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": %zu link positions but no array",
                            dk_actor_kind(actor), actor->name, n);
    for (size_t i = 0; i < n; i++) {
        if (links[i] >= actor->nout)
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": class \"%s\": link position %zu out of range (%zu "
                                "links)",
                                dk_actor_kind(actor), actor->name, class_name(sim, cls), links[i],
                                actor->nout);
        if (i > 0 && links[i] <= links[i - 1])
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": class \"%s\": link positions must increase (%zu "
                                "after %zu)",
                                dk_actor_kind(actor), actor->name, class_name(sim, cls), links[i],
                                links[i - 1]);
    }
    if (dk__class_routes_set(r, cls, links, n) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", dk_actor_kind(actor),
                            actor->name);
    return DK_OK;
}

/* build.c - dk_model_build_sim: turns a model into a simulator through the kinds' descriptors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/kinds.h"
#include "designkit/locale.h"
#include "kinds/internal.h"

/* 1 for a component that chooses where each request goes among its links: a client or a
 * balancer, the actors that take routes by class (dk_sim_route_class). */
static int routes_by_class(const dk_comp_t *c)
{
    return dk_kind_has(dk_comp_kind(c), DK_TRAIT_ENTRY) ||
           dk_kind_has(dk_comp_kind(c), DK_TRAIT_BALANCER);
}

/* Scratch arrays of route_classes, grown to the largest need and kept from one actor to the
 * next. */
typedef struct scratch {
    size_t *every; /* positions whose target takes every class */
    size_t *pairs; /* (class, position) for the others, two words each */
    size_t *merged;
    size_t cap_every, cap_pairs, cap_merged;
} scratch;

static int reserve(size_t **arr, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    size_t *v = dk_realloc(*arr, n * sizeof *v);
    if (v == NULL)
        return 0;
    *arr = v;
    *cap = n;
    return 1;
}

static int cmp_pair(const void *pa, const void *pb)
{
    const size_t *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* 1 when each of the model's classes is taken by all `others` links that do not take every
 * class (the sorted pairs hold each class `others` times): backends that each route every class
 * by name route like backends that take everything, so the actor keeps its fastest path. */
static int every_class_everywhere(const dk_model_t *m, const size_t *pairs, size_t npairs,
                                  size_t others)
{
    size_t ncls = dk_model_class_count(m), seen = 0;

    for (size_t p = 0; p < npairs; seen++) {
        size_t q = p;
        while (q < npairs && pairs[2 * q] == pairs[2 * p])
            q++;
        if (q - p != others)
            return 0;
        p = q;
    }
    return seen == ncls;
}

/* The actor a link leads to for routing by class: past the guard of a link with resilience
 * options (build_link), the component it guards. */
static dk_actor_t *link_target(dk_actor_t *x)
{
    if (strcmp(dk_actor_kind(x), dk_link_schema()->name) == 0 && dk_actor_out_count(x) == 1)
        return dk_actor_out(x, 0);
    return x;
}

/*
 * Gives client or balancer `a` the links each class may take, when not every link takes every
 * class: the positions whose targets take every class for the classes no target takes one by
 * one (the fallback, UINT32_MAX), and for each class some target takes one by one those
 * positions and its own, in link order. The work is the links plus the classes their targets
 * take one by one (sorted), plus per such class its positions: never classes x links. A target
 * that is no component of the model (an actor a kind's wire added) is left every class. The
 * model's classes are the simulator's first ones, in the same order (dk_model_build_sim
 * registers them first), so a class index means the same in both.
 */
static dk_status route_one(const dk_model_t *m, const dk_class_routing_t *r, dk_actor_t *a,
                           scratch *sc, dk_error *err)
{
    size_t nout = dk_actor_out_count(a), nevery = 0, npairs = 0;
    dk_status st;

    if (!reserve(&sc->every, &sc->cap_every, nout))
        goto oom;
    for (size_t j = 0; j < nout; j++) {
        size_t t = dk_actor_index(link_target(dk_actor_out(a, j))), n;
        const dk_comp_t *c = t < dk_model_comp_count(m) ? dk_model_comp(m, t) : NULL;
        if (c == NULL || dk_class_routing_takes_all(r, c)) {
            sc->every[nevery++] = j;
            continue;
        }
        const size_t *cls = dk_class_routing_classes(r, c, &n);
        if (!reserve(&sc->pairs, &sc->cap_pairs, 2 * (npairs + n)))
            goto oom;
        for (size_t i = 0; i < n; i++, npairs++) {
            sc->pairs[2 * npairs] = cls[i];
            sc->pairs[2 * npairs + 1] = j;
        }
    }
    if (nevery == nout)
        return DK_OK; /* every link takes every class: nothing to route, the fastest path */
    /* With no pairs sc->pairs may still be NULL, which qsort must not be given. */
    if (npairs > 1)
        qsort(sc->pairs, npairs, 2 * sizeof *sc->pairs, cmp_pair);
    if (every_class_everywhere(m, sc->pairs, npairs, nout - nevery))
        return DK_OK;
    if ((st = dk_sim_route_class(a, UINT32_MAX, sc->every, nevery, err)) != DK_OK)
        return st;
    for (size_t p = 0; p < npairs;) {
        size_t k = sc->pairs[2 * p], q = p, n = 0, e = 0;
        while (q < npairs && sc->pairs[2 * q] == k)
            q++;
        if (!reserve(&sc->merged, &sc->cap_merged, nevery + (q - p)))
            goto oom;
        while (e < nevery || p < q) /* both in link order: merge them */
            sc->merged[n++] = p == q || (e < nevery && sc->every[e] < sc->pairs[2 * p + 1])
                                  ? sc->every[e++]
                                  : sc->pairs[2 * p++ + 1];
        if ((st = dk_sim_route_class(a, (uint32_t)k, sc->merged, n, err)) != DK_OK)
            return st;
    }
    return DK_OK;
oom:
    return dk_error_set(err, DK_ENOMEM, "build: out of memory");
}

/* Routing by class (designkit/model.h): each client and balancer sends a class only to the
 * links whose targets take it. One whose targets all take every class, the common design, is
 * left as it is: no per-class table, the simulator's fastest path. */
static dk_status route_classes(const dk_model_t *m, dk_sim_t *sim, dk_error *err)
{
    dk_status st = DK_OK;
    dk_class_routing_t *r = dk_class_routing_new(m, &st);
    scratch sc = {0};

    if (r == NULL)
        return dk_error_set(err, st, "build: routing by class: %s", dk_strerror(st));
    for (size_t i = 0; i < dk_model_comp_count(m) && st == DK_OK; i++)
        if (routes_by_class(dk_model_comp(m, i)))
            st = route_one(m, r, dk_sim_actor(sim, i), &sc, err);
    dk_free(sc.every);
    dk_free(sc.pairs);
    dk_free(sc.merged);
    dk_class_routing_free(r);
    return st;
}

/*
 * Makes link i of the model. A link with resilience options gets a guard actor of its own in
 * front of its target, named "from>to" and of kind "link" in reports, built from the link's
 * options as a guard component is from its properties (dk__guard_build): the caller's link
 * leads into the guard and stands for the link to the target (dk_sim_link_through), the
 * guard's carries the latency on to the target. Weight and distance go on the caller's link,
 * where its balancer reads them.
 */
static dk_status build_link(const dk_model_t *m, dk_sim_t *sim, size_t i, dk_error *err)
{
    dk_comp_t *from, *to;
    const dk_dist_t *lat;
    const dk_comp_t *o = dk_model_link_options_at(m, i);
    dk_model_link_at(m, i, &from, &to, &lat);
    dk_actor_t *a = dk_sim_actor(sim, dk_comp_index(from));
    dk_actor_t *b = dk_sim_actor(sim, dk_comp_index(to)), *first = b;
    dk_status st;

    if (dk__link_resilient(m, i)) {
        char name[2 * 64 + 2], what[2 * 64 + 16];
        dk_snprintf(name, sizeof name, "%s>%s", dk_comp_name(from), dk_comp_name(to));
        dk_snprintf(what, sizeof what, "link \"%s\" >> \"%s\"", dk_comp_name(from),
                    dk_comp_name(to));
        first = dk__guard_build(sim, o, DK_LINK__GUARD_FIRST, name, what, err);
        if (first == NULL)
            return err != NULL ? err->status : DK_EINVAL;
        dk_actor_set_kind(first, dk_link_schema()->name);
        if ((st = dk_sim_link(sim, first, b, lat, err)) != DK_OK)
            return st;
        lat = NULL;
    }
    if ((st = dk_sim_link(sim, a, first, lat, err)) != DK_OK ||
        (dk_model_link_is_async(m, i) &&
         (st = dk_sim_link_set_async(sim, a, first, 1, err)) != DK_OK))
        return st;
    if (o != NULL && (dk_comp_is_set(o, DK_LINK_WEIGHT) || dk_comp_is_set(o, DK_LINK_DISTANCE)) &&
        (st = dk_sim_link_set_balance(
             sim, a, first, dk_comp_number(o, DK_LINK_WEIGHT),
             dk_comp_is_set(o, DK_LINK_DISTANCE) ? dk_comp_number(o, DK_LINK_DISTANCE) : -1,
             err)) != DK_OK)
        return st;
    /* Every call from `a` to `b` (flows, handlers, the balancer) now goes through the guard. */
    return first != b ? dk_sim_link_through(sim, a, first, b, err) : DK_OK;
}

/*
 * dk_model_build_sim - see kinds.h. Actors are added in component order, so actor i is
 * component i. Classes are registered in the model's order first, so class indices match
 * dk_model_class. Nothing here knows a kind: each component's descriptor builds its actor and
 * wires it once all the actors and links exist. Then clients and balancers learn which links
 * each class may take (route_classes).
 */
dk_sim_t *dk_model_build_sim(const dk_model_t *m, uint64_t seed, dk_error *err)
{
    dk_status st;
    dk_sim_t *sim;
    size_t n;

    if (m == NULL) {
        dk_error_set(err, DK_EINVAL, "build: no model");
        return NULL;
    }
    sim = dk_sim_new(seed, &st);
    if (sim == NULL) {
        dk_error_set(err, st, "build: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < dk_model_class_count(m); i++)
        if (dk_sim_add_class(sim, dk_model_class(m, i), NULL) != DK_OK) {
            dk_error_set(err, DK_ENOMEM, "build: out of memory");
            goto fail;
        }
    n = dk_model_comp_count(m);
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        const dk_kind_desc *d = dk_kinds_desc(dk_comp_kind(c));
        if (d == NULL) {
            dk_error_set(
                err, DK_EINVAL, "%s \"%s\": kind \"%s\" is not registered, so it cannot run",
                dk_kind_name(dk_comp_kind(c)), dk_comp_name(c), dk_kind_name(dk_comp_kind(c)));
            goto fail;
        }
        if (dk_kind_has(&d->kind, DK_TRAIT_ENTRY) && dk_comp_out_count(c) == 0) {
            dk_error_set(err, DK_EINVAL,
                         "%s \"%s\": has no target (link it to a balancer or a service)",
                         d->kind.name, dk_comp_name(c));
            goto fail;
        }
        dk_actor_t *a = d->build(sim, c, err);
        if (a == NULL)
            goto fail;
        /* Reports name the kind of the model, whichever runtime actor serves it. */
        dk_actor_set_kind(a, d->kind.name);
    }
    for (size_t i = 0; i < dk_model_link_count(m); i++)
        if (build_link(m, sim, i, err) != DK_OK)
            goto fail;
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        const dk_kind_desc *d = dk_kinds_desc(dk_comp_kind(c));
        if (d->wire != NULL && d->wire(sim, c, err) != DK_OK)
            goto fail;
    }
    if (route_classes(m, sim, err) != DK_OK)
        goto fail;
    return sim;
fail:
    dk_sim_free(sim);
    return NULL;
}

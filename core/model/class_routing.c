/* class_routing.c - which components take which request classes from clients and balancers. */
#include "designkit/model.h"

#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "model/internal.h"

/* A class name and its dk_model_class index, sorted by name for the lookups. */
typedef struct named_class {
    const char *name;
    size_t index;
} named_class;

struct dk_class_routing {
    const dk_model_t *m;
    size_t n;             /* components */
    size_t nclasses;      /* dk_model_class_count when made */
    unsigned char *all;   /* per component: 1 when it takes every class */
    dk_map_t *takes;      /* (component x nclasses + class) -> 1: takes that class, not all */
    named_class *classes; /* nclasses, sorted by name */
    /* The same pairs listed per component, as CSR: the classes of component i are
     * list[start[i] .. start[i + 1]). Built from `pairs` (component, class), marked in order. */
    size_t *start, *list;
    size_t *pairs, npairs, cappairs;
};

/* The balancers that link to each component, as CSR: those of v are adj[start[v] ..
 * start[v + 1]). What a backend takes, the balancers in front of it take too. */
typedef struct callers {
    size_t *start;
    size_t *adj;
} callers;

static int is_balancer(const dk_comp_t *c)
{
    return dk_kind_has(c->kind, DK_TRAIT_BALANCER);
}

static dk_status callers_build(callers *b, const dk_model_t *m)
{
    size_t n = m->ncomps, e;

    b->start = dk_calloc(n + 2, sizeof *b->start);
    if (b->start == NULL)
        return DK_ENOMEM;
    for (size_t u = 0; u < n; u++)
        if (is_balancer(m->comps[u]))
            for (size_t k = 0; k < m->comps[u]->nout; k++)
                b->start[m->comps[u]->out[k]->index + 2]++;
    /* Counts sit at start[v + 2] so that after the sum start[v + 1] is where v's callers go:
     * the fill below moves it on to its final value, the start of v + 1's. */
    for (size_t v = 0; v < n; v++)
        b->start[v + 2] += b->start[v + 1];
    e = b->start[n + 1];
    b->adj = dk_calloc(e + 1, sizeof *b->adj); /* + 1: calloc(0) may give NULL */
    if (b->adj == NULL)
        return DK_ENOMEM;
    for (size_t u = 0; u < n; u++)
        if (is_balancer(m->comps[u]))
            for (size_t k = 0; k < m->comps[u]->nout; k++)
                b->adj[b->start[m->comps[u]->out[k]->index + 1]++] = u;
    return DK_OK;
}

/* What a component takes by itself, before any balancer is asked: every class without routes
 * or with a "*" route; a client and a balancer nothing yet. */
static int takes_all_itself(const dk_comp_t *c)
{
    if (dk_kind_has(c->kind, DK_TRAIT_ENTRY) || is_balancer(c))
        return 0;
    for (size_t r = 0; r < c->nroutes; r++)
        if (strcmp(c->routes[r].cls, "*") == 0)
            return 1;
    return c->nroutes == 0;
}

/* Marks the balancers that reach a component taking every class: a search backwards from all
 * of those at once, so each balancer is visited once. `stack` has room for n. */
static void mark_all(dk_class_routing_t *r, const dk_model_t *m, const callers *b, size_t *stack)
{
    size_t top = 0;

    for (size_t i = 0; i < r->n; i++) {
        r->all[i] = (unsigned char)takes_all_itself(m->comps[i]);
        if (r->all[i])
            stack[top++] = i;
    }
    while (top > 0) {
        size_t v = stack[--top];
        for (size_t k = b->start[v]; k < b->start[v + 1]; k++) {
            size_t u = b->adj[k];
            if (!r->all[u]) {
                r->all[u] = 1;
                stack[top++] = u;
            }
        }
    }
}

static uint64_t pair_key(const dk_class_routing_t *r, size_t comp, size_t cls)
{
    return (uint64_t)comp * r->nclasses + cls;
}

/* Records that `comp` takes `cls`: in the map for the questions, in the pairs for the lists. */
static dk_status mark(dk_class_routing_t *r, size_t comp, size_t cls)
{
    if (r->npairs == r->cappairs) {
        size_t cap = r->cappairs ? r->cappairs * 2 : 16;
        size_t *v = dk_realloc(r->pairs, 2 * cap * sizeof *v);
        if (v == NULL)
            return DK_ENOMEM;
        r->pairs = v;
        r->cappairs = cap;
    }
    if (dk_map_put(r->takes, pair_key(r, comp, cls), 1) != DK_OK)
        return DK_ENOMEM;
    r->pairs[2 * r->npairs] = comp;
    r->pairs[2 * r->npairs + 1] = cls;
    r->npairs++;
    return DK_OK;
}

/* The pairs grouped by component (a counting sort), then the pairs themselves are dropped. */
static dk_status lists_build(dk_class_routing_t *r)
{
    r->start = dk_calloc(r->n + 2, sizeof *r->start);
    r->list = dk_calloc(r->npairs + 1, sizeof *r->list);
    if (r->start == NULL || r->list == NULL)
        return DK_ENOMEM;
    for (size_t p = 0; p < r->npairs; p++)
        r->start[r->pairs[2 * p] + 2]++;
    for (size_t v = 0; v < r->n; v++)
        r->start[v + 2] += r->start[v + 1];
    for (size_t p = 0; p < r->npairs; p++)
        r->list[r->start[r->pairs[2 * p] + 1]++] = r->pairs[2 * p + 1];
    dk_free(r->pairs);
    r->pairs = NULL;
    return DK_OK;
}

/* Marks `comp` as taking class `cls`, and the balancers in front of it that do not take it yet,
 * depth first. Each (component, class) pair is marked once over the whole model, and looks at
 * the balancers in front of its component once, so the total work is the pairs and those
 * looks; the stack holds a component at most once per class. */
static dk_status mark_class(dk_class_routing_t *r, const callers *b, size_t *stack, size_t comp,
                            size_t cls)
{
    size_t top = 0;

    if (dk_map_get(r->takes, pair_key(r, comp, cls), NULL))
        return DK_OK;
    if (mark(r, comp, cls) != DK_OK)
        return DK_ENOMEM;
    stack[top++] = comp;
    while (top > 0) {
        size_t v = stack[--top];
        for (size_t k = b->start[v]; k < b->start[v + 1]; k++) {
            size_t u = b->adj[k];
            if (r->all[u] || dk_map_get(r->takes, pair_key(r, u, cls), NULL))
                continue;
            if (mark(r, u, cls) != DK_OK)
                return DK_ENOMEM;
            stack[top++] = u;
        }
    }
    return DK_OK;
}

static int cmp_named(const void *pa, const void *pb)
{
    return strcmp(((const named_class *)pa)->name, ((const named_class *)pb)->name);
}

/*
 * dk_class_routing_new - see model.h. Classes are looked up by a binary search of the sorted
 * names, once per route; everything else is a walk over the components, their links and routes.
 */
dk_class_routing_t *dk_class_routing_new(const dk_model_t *m, dk_status *status)
{
    dk_class_routing_t *r = NULL;
    callers b = {NULL, NULL};
    size_t *stack = NULL;
    dk_status st = DK_ENOMEM;

    if (m == NULL) {
        st = DK_EINVAL;
        goto done;
    }
    r = dk_calloc(1, sizeof *r);
    if (r == NULL)
        goto done;
    r->m = m;
    r->n = m->ncomps;
    r->nclasses = dk_model_class_count(m);
    r->all = dk_calloc(r->n + 1, 1);
    r->classes = dk_calloc(r->nclasses + 1, sizeof *r->classes);
    r->takes = dk_map_new(16, NULL);
    stack = dk_calloc(r->n + 1, sizeof *stack);
    if (r->all == NULL || r->classes == NULL || r->takes == NULL || stack == NULL ||
        callers_build(&b, m) != DK_OK)
        goto done;
    for (size_t k = 0; k < r->nclasses; k++) {
        r->classes[k].name = dk_model_class(m, k);
        r->classes[k].index = k;
    }
    if (r->nclasses > 1)
        qsort(r->classes, r->nclasses, sizeof *r->classes, cmp_named);
    mark_all(r, m, &b, stack);
    for (size_t i = 0; i < r->n; i++) {
        const dk_comp_t *c = m->comps[i];
        if (r->all[i] || is_balancer(c) || dk_kind_has(c->kind, DK_TRAIT_ENTRY))
            continue;
        for (size_t k = 0; k < c->nroutes; k++) {
            size_t cls = dk_class_routing_find(r, c->routes[k].cls);
            if (cls != SIZE_MAX && mark_class(r, &b, stack, i, cls) != DK_OK)
                goto done;
        }
    }
    if (lists_build(r) != DK_OK)
        goto done;
    st = DK_OK;
done:
    dk_free(b.start);
    dk_free(b.adj);
    dk_free(stack);
    if (st != DK_OK) {
        dk_class_routing_free(r);
        r = NULL;
    }
    if (status != NULL)
        *status = st;
    return r;
}

void dk_class_routing_free(dk_class_routing_t *r)
{
    if (r == NULL)
        return;
    dk_free(r->all);
    dk_free(r->classes);
    dk_map_free(r->takes);
    dk_free(r->start);
    dk_free(r->list);
    dk_free(r->pairs);
    dk_free(r);
}

size_t dk_class_routing_find(const dk_class_routing_t *r, const char *name)
{
    named_class key = {name, 0};
    const named_class *hit;

    if (name == NULL || r->nclasses == 0)
        return SIZE_MAX;
    hit = bsearch(&key, r->classes, r->nclasses, sizeof *r->classes, cmp_named);
    return hit != NULL ? hit->index : SIZE_MAX;
}

/* 1 when `c` is one of the components the answers were made for. */
static int known(const dk_class_routing_t *r, const dk_comp_t *c)
{
    return c != NULL && c->model == r->m && c->index < r->n;
}

int dk_class_routing_takes_all(const dk_class_routing_t *r, const dk_comp_t *c)
{
    return known(r, c) && r->all[c->index];
}

int dk_class_routing_takes(const dk_class_routing_t *r, const dk_comp_t *c, size_t cls)
{
    if (!known(r, c))
        return 0;
    if (r->all[c->index])
        return 1;
    return cls < r->nclasses && dk_map_get(r->takes, pair_key(r, c->index, cls), NULL);
}

const size_t *dk_class_routing_classes(const dk_class_routing_t *r, const dk_comp_t *c, size_t *n)
{
    if (!known(r, c)) {
        *n = 0;
        return NULL;
    }
    *n = r->start[c->index + 1] - r->start[c->index];
    return r->list + r->start[c->index];
}

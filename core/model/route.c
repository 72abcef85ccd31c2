/* route.c - routes: what a service (or a queue's consumer) does for each request class. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <stdio.h>
#include <string.h>

#include "designkit/alloc.h"
#include "model/internal.h"

static const char *const route_kinds[] = {
#define NAME(id, name) name,
    DK_ROUTE_KINDS(NAME)
#undef NAME
};

const char *dk_route_kind_name(dk_route_kind kind)
{
    return (int)kind >= 0 && kind < DK_ROUTE__COUNT ? route_kinds[kind] : "unknown";
}

int dk_route_kind_parse(const char *name, dk_route_kind *kind)
{
    for (int k = 0; name != NULL && k < DK_ROUTE__COUNT; k++)
        if (strcmp(name, route_kinds[k]) == 0) {
            *kind = (dk_route_kind)k;
            return 1;
        }
    return 0;
}

void dk__routes_free(dk_comp_t *c)
{
    for (size_t i = 0; i < c->nroutes; i++) {
        dk_free((char *)c->routes[i].cls);
        dk_free((char *)c->routes[i].label);
    }
    dk_free(c->routes);
    c->routes = NULL;
    c->nroutes = c->caproutes = 0;
}

/* Reports a failure as `<kind> "<name>": route "<cls>": <detail>`. */
static dk_status fail(const dk_comp_t *c, const dk_route *r, dk_error *err, dk_status st,
                      const char *detail)
{
    return dk_error_set(err, st, "%s \"%s\": route \"%.64s\": %s", dk_kind_name(c->kind), c->name,
                        r->cls, detail);
}

/* Checks that target i is present, of this model, and has the traits `want` (0: any kind but
 * an entry point, a client, which never serves calls); `what` names such a kind ("cache"). */
static dk_status check_target(const dk_comp_t *c, const dk_route *r, size_t i, unsigned want,
                              const char *what, const char *place, dk_error *err)
{
    const dk_comp_t *t = r->targets[i];
    const char *kind = dk_route_kind_name(r->kind);
    char buf[200];

    if (t == NULL || t->model != c->model) {
        dk_snprintf(buf, sizeof buf, "%s target %zu is %s", kind, i + 1,
                    t == NULL ? "missing" : "from another model");
        return fail(c, r, err, DK_EINVAL, buf);
    }
    if (want != 0 && !dk_kind_has(t->kind, want)) {
        dk_snprintf(buf, sizeof buf, "%s needs a %s %s (got %s \"%s\")", kind, what, place,
                    dk_kind_name(t->kind), t->name);
        return fail(c, r, err, DK_EINVAL, buf);
    }
    if (dk_kind_has(t->kind, DK_TRAIT_ENTRY)) {
        dk_snprintf(buf, sizeof buf, "cannot call client \"%s\" (clients only send)", t->name);
        return fail(c, r, err, DK_EINVAL, buf);
    }
    return DK_OK;
}

/* Validates `r` for `c` without touching either. */
static dk_status check_route(const dk_comp_t *c, const dk_route *r, dk_error *err)
{
    char buf[120];
    dk_status st = DK_OK;

    if (!dk_kind_has(c->kind, DK_TRAIT_ROUTES))
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": routes are only for services and queues",
                            dk_kind_name(c->kind), c->name);
    if (r->cls == NULL)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": route: request class missing",
                            dk_kind_name(c->kind), c->name);
    if (strcmp(r->cls, "*") != 0) {
        dk_error inner;
        dk_error_clear(&inner);
        if ((st = dk__check_name("class name", r->cls, &inner)) != DK_OK)
            return dk_error_set(err, st, "%s \"%s\": route: %s", dk_kind_name(c->kind), c->name,
                                inner.message);
    }
    if ((int)r->kind < 0 || r->kind >= DK_ROUTE__COUNT)
        return fail(c, r, err, DK_EINVAL, "unknown route kind");
    if (r->ntargets > sizeof r->targets / sizeof r->targets[0]) {
        dk_snprintf(buf, sizeof buf, "at most %zu targets (got %zu)",
                    sizeof r->targets / sizeof r->targets[0], r->ntargets);
        return fail(c, r, err, DK_EINVAL, buf);
    }
    switch (r->kind) {
    case DK_ROUTE_CACHE_ASIDE:
        if (r->ntargets != 2) {
            dk_snprintf(buf, sizeof buf,
                        "cache_aside needs 2 targets, a cache and a database (got %zu)",
                        r->ntargets);
            return fail(c, r, err, DK_EINVAL, buf);
        }
        st = check_target(c, r, 0, DK_TRAIT_LOOKUP, "cache", "first", err);
        if (st == DK_OK)
            st = check_target(c, r, 1, DK_TRAIT_STORE, "database", "second", err);
        return st;
    case DK_ROUTE_CALL:
        if (r->ntargets == 0)
            return fail(c, r, err, DK_EINVAL, "call needs at least one target");
        break;
    case DK_ROUTE_CUSTOM:
        if (r->ops == NULL)
            return fail(c, r, err, DK_EINVAL, "custom needs flow ops");
        break;
    case DK_ROUTE__COUNT: /* refused above */
        break;
    }
    /* call and custom: any non-client target (a custom route's targets say what its handler
     * may call, so validation sees those edges too). */
    for (size_t i = 0; i < r->ntargets && st == DK_OK; i++)
        st = check_target(c, r, i, 0, "", "", err);
    return st;
}

/*
 * dk_comp_set_route - adds the route for r->cls on a service or queue, or replaces the one it
 * has (in place, keeping its position). The route is copied, its class and label strings too;
 * custom ops and data stay the caller's. DK_EINVAL names the component, the class and what is
 * wrong (a cache_aside without a cache first, a call without targets, a custom route without
 * ops, a client as a target); DK_ENOMEM leaves the old routes as they were.
 */
dk_status dk_comp_set_route(dk_comp_t *service, const dk_route *r, dk_error *err)
{
    dk_route copy;
    size_t at;
    dk_status st;

    if (service == NULL || r == NULL)
        return dk_error_set(err, DK_EINVAL, "route: %s missing",
                            service == NULL ? "service" : "route");
    if ((st = check_route(service, r, err)) != DK_OK)
        return st;
    copy = *r;
    for (size_t i = r->ntargets; i < sizeof copy.targets / sizeof copy.targets[0]; i++)
        copy.targets[i] = NULL; /* the caller's unused slots may hold anything */
    copy.cls = dk_strdup(r->cls);
    copy.label = r->label != NULL ? dk_strdup(r->label) : NULL;
    for (at = 0; at < service->nroutes; at++)
        if (strcmp(service->routes[at].cls, r->cls) == 0)
            break;
    if (copy.cls == NULL || (r->label != NULL && copy.label == NULL) ||
        dk__grow((void **)&service->routes, &service->caproutes, at + 1, sizeof *service->routes) !=
            DK_OK) {
        dk_free((char *)copy.cls);
        dk_free((char *)copy.label);
        return dk_error_set(err, DK_ENOMEM, "%s \"%s\": route \"%.64s\": out of memory",
                            dk_kind_name(service->kind), service->name, r->cls);
    }
    if (at < service->nroutes) {
        dk_free((char *)service->routes[at].cls);
        dk_free((char *)service->routes[at].label);
    } else {
        service->nroutes++;
    }
    service->routes[at] = copy;
    return DK_OK;
}

size_t dk_comp_route_count(const dk_comp_t *c)
{
    return c->nroutes;
}

/* The i-th route in the order first set (strings borrowed); NULL when out of range. */
const dk_route *dk_comp_route(const dk_comp_t *c, size_t i)
{
    return i < c->nroutes ? &c->routes[i] : NULL;
}

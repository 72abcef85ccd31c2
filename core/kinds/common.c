/* common.c - what several kind files share: server counts, detail lines, routes as flows. */
#include <stdio.h>
#include <string.h>

#include "designkit/locale.h"
#include "designkit/alloc.h"
#include "kinds/internal.h"

uint32_t dk__kind_servers(const dk_comp_t *c, int replicas, int workers)
{
    uint64_t r = replicas >= 0 ? dk_comp_count(c, replicas) : 1;
    uint64_t w = dk_comp_count(c, workers);
    uint64_t n;

    if (r == 0)
        r = 1;
    n = r * w;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

const char *const dk__dispatch_names[] = {
#define NAME(id, name) name,
    DK_LB_ALGORITHMS(NAME)
#undef NAME
        DK__DISPATCH_POOLED,
    NULL};

const char *const dk__mode_names[] = {"threads", DK__MODE_EVENT_LOOP, NULL};

dk_status dk__kind_instances(const dk_comp_t *c, int replicas, int workers, int dispatch,
                             dk_station_config *cfg, dk_error *err)
{
    const char *how = dk_comp_text(c, dispatch);
    if (strcmp(how, DK__DISPATCH_POOLED) == 0 || dk_comp_count(c, replicas) <= 1) {
        cfg->servers = dk__kind_servers(c, replicas, workers);
        cfg->replicas = 1;
        return DK_OK;
    }
    if (dk_lb_algorithm_parse(how, &cfg->dispatch) != DK_OK)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": unknown dispatch \"%s\"",
                            dk_kind_name(dk_comp_kind(c)), dk_comp_name(c), how);
    uint64_t r = dk_comp_count(c, replicas);
    cfg->replicas = r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
    cfg->servers = dk__kind_servers(c, -1, workers);
    return DK_OK;
}

void dk__detail_add(char *buf, size_t size, const char *text)
{
    size_t len = strlen(buf);

    if (len < size)
        dk_snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", text);
}

void dk__detail_instances(const dk_comp_t *c, char *buf, size_t size, int replicas, int workers,
                          const char *workers_word)
{
    char tmp[64];

    buf[0] = '\0';
    if (replicas >= 0 && dk_comp_number(c, replicas) > 1) {
        dk_snprintf(tmp, sizeof tmp, "x%.0f replicas", dk_comp_number(c, replicas));
        dk__detail_add(buf, size, tmp);
    }
    if (workers >= 0 && dk_comp_is_set(c, workers)) {
        dk_snprintf(tmp, sizeof tmp, "%.0f %s", dk_comp_number(c, workers), workers_word);
        dk__detail_add(buf, size, tmp);
    }
}

/* The flow a model route stands for. Custom routes pass their ops and data through: the model
 * does not own custom data, so whatever the ops' destroy does is the route owner's choice. */
static dk_status make_flow(dk_sim_t *sim, const dk_comp_t *c, const dk_route *r, dk_flow *f,
                           dk_error *err)
{
    dk_actor_t *t[4] = {NULL, NULL, NULL, NULL};
    size_t n = r->ntargets < 4 ? r->ntargets : 4;
    dk_status st;

    for (size_t i = 0; i < n; i++)
        t[i] = dk_sim_actor(sim, dk_comp_index(r->targets[i]));
    switch (r->kind) {
    case DK_ROUTE_CACHE_ASIDE:
        st = n >= 2 ? dk_flow_cache_aside(t[0], t[1], f) : DK_EINVAL;
        break;
    case DK_ROUTE_CALL:
        st = dk_flow_call_each(t, n, f);
        break;
    case DK_ROUTE_CUSTOM:
        if (r->ops == NULL)
            return dk_error_set(err, DK_EINVAL, "%s \"%s\": route \"%s\" has no flow",
                                dk_kind_name(dk_comp_kind(c)), dk_comp_name(c), r->cls);
        f->ops = r->ops;
        f->data = r->data;
        return DK_OK;
    default:
        st = DK_EINVAL;
    }
    if (st != DK_OK)
        return dk_error_set(err, st, "%s \"%s\": route \"%s\": %s", dk_kind_name(dk_comp_kind(c)),
                            dk_comp_name(c), r->cls, dk_strerror(st));
    return DK_OK;
}

/*
 * dk__kind_wire_routes - each route of `c` becomes a flow of its actor for the route's class
 * ("*" the default). Without a default route, a component with links calls each link in order.
 */
dk_status dk__kind_wire_routes(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    return dk__kind_wire_routes_with(sim, c, dk_station_route, err);
}

/* dk__kind_wire_routes for an actor that takes its flows through `set` (a queue's). */
dk_status dk__kind_wire_routes_with(dk_sim_t *sim, const dk_comp_t *c, dk__route_setter set,
                                    dk_error *err)
{
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    const char *kind = dk_kind_name(dk_comp_kind(c));
    int has_default = 0;
    size_t nout = dk_comp_out_count(c);

    for (size_t i = 0; i < dk_comp_route_count(c); i++) {
        const dk_route *r = dk_comp_route(c, i);
        uint32_t cls = UINT32_MAX;
        dk_flow f;
        dk_status st;
        if (strcmp(r->cls, "*") == 0)
            has_default = 1;
        else if (dk_sim_add_class(sim, r->cls, &cls) != DK_OK)
            return dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", kind, dk_comp_name(c));
        st = make_flow(sim, c, r, &f, err);
        if (st == DK_OK)
            st = set(self, cls, f, err);
        if (st != DK_OK)
            return st;
    }
    if (!has_default && nout > 0) {
        dk_actor_t **t = dk_malloc(nout * sizeof *t);
        dk_flow f;
        dk_status st;
        if (t == NULL)
            return dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", kind, dk_comp_name(c));
        for (size_t i = 0; i < nout; i++)
            t[i] = dk_sim_actor(sim, dk_comp_index(dk_comp_out(c, i)));
        st = dk_flow_call_each(t, nout, &f);
        dk_free(t);
        if (st == DK_OK)
            st = set(self, UINT32_MAX, f, err);
        if (st != DK_OK)
            return dk_error_set(err, st, "%s \"%s\": %s", kind, dk_comp_name(c), dk_strerror(st));
    }
    return DK_OK;
}

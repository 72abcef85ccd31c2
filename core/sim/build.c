/* build.c - dk_model_build_sim: turns a model into a simulator, one actor per component. */
#include <math.h>
#include <string.h>
#include "designkit/alloc.h"
#include "designkit/model.h"
#include "sim/engine.h"

/* A property read as a count: NaN or negative (unset, not numeric) is 0, huge values clamp. */
static uint32_t count_of(const dk_comp_t *c, const char *prop)
{
    double v = dk_comp_number(c, prop);
    if (!(v > 0))
        return 0;
    if (v >= (double)UINT32_MAX)
        return UINT32_MAX;
    return (uint32_t)(v + 0.5);
}

/* replicas x workers as a server count, saturating; 0 stays 0 (= unlimited). */
static uint32_t servers_of(const dk_comp_t *c)
{
    uint64_t r = count_of(c, "replicas"), w = count_of(c, "workers");
    if (r == 0)
        r = 1;
    uint64_t n = r * w;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static dk_actor_t *add_client(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    const char *name = dk_comp_name(c);
    size_t nmix = dk_comp_mix_count(c, "mix");
    size_t ncls = dk_sim_class_count(sim);
    double *mix = NULL;
    dk_actor_t *a = NULL;
    uint32_t idx;
    if (nmix == 0) {
        /* No mix: one class of its own. */
        if (dk_sim_add_class(sim, "default", &idx) != DK_OK)
            goto oom;
        ncls = dk_sim_class_count(sim);
    }
    mix = dk_calloc(ncls > 0 ? ncls : 1, sizeof *mix);
    if (mix == NULL)
        goto oom;
    if (nmix == 0)
        mix[idx] = 1;
    for (size_t i = 0; i < nmix; i++) {
        const char *cls;
        double w;
        dk_comp_mix_at(c, "mix", i, &cls, &w);
        if (!dk_sim_class_find(sim, cls, &idx)) {
            dk_error_set(err, DK_EINTERNAL, "client \"%s\": class \"%s\" is not in the model", name,
                         cls);
            dk_free(mix);
            return NULL;
        }
        mix[idx] += w;
    }
    const char *arrivals = dk_comp_text(c, "arrivals");
    dk_client_config cfg = {
        .rate = dk_comp_number(c, "rate"),
        .poisson = arrivals == NULL || strcmp(arrivals, "constant") != 0,
        .mix = mix,
        .mix_len = ncls,
        .keys = dk_comp_dist(c, "keys"),
    };
    a = dk_sim_add_client(sim, name, &cfg, err);
    dk_free(mix);
    return a;
oom:
    dk_error_set(err, DK_ENOMEM, "client \"%s\": out of memory", name);
    return NULL;
}

static dk_actor_t *add_actor(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    const char *name = dk_comp_name(c);
    switch (dk_comp_kind(c)) {
    case DK_KIND_CLIENT:
        return add_client(sim, c, err);
    case DK_KIND_BALANCER: {
        dk_lb_algorithm alg = DK_LB_ROUND_ROBIN;
        const char *text = dk_comp_text(c, "algorithm");
        if (text != NULL && dk_lb_algorithm_parse(text, &alg) != DK_OK) {
            dk_error_set(err, DK_EINVAL, "balancer \"%s\": unknown algorithm \"%s\"", name, text);
            return NULL;
        }
        return dk_sim_add_balancer(sim, name, alg, err);
    }
    case DK_KIND_SERVICE:
    case DK_KIND_DATABASE: {
        dk_station_config cfg = {servers_of(c), count_of(c, "queue"), dk_comp_dist(c, "time")};
        return dk_sim_add_station(sim, name, dk_kind_name(dk_comp_kind(c)), &cfg, err);
    }
    case DK_KIND_CACHE: {
        dk_cache_config cfg = {
            .station = {servers_of(c), 0, dk_comp_dist(c, "time")},
            .capacity = (uint64_t)count_of(c, "capacity"),
            .policy = dk_comp_text(c, "policy"),
            .ttl = (dk_time_t)fmax(0, dk_comp_number(c, "ttl")),
        };
        return dk_sim_add_cache(sim, name, &cfg, err);
    }
    case DK_KIND_QUEUE: {
        dk_station_config cfg = {count_of(c, "consumers"), count_of(c, "capacity"),
                                 dk_comp_dist(c, "time")};
        return dk_sim_add_station(sim, name, "queue", &cfg, err);
    }
    default:
        dk_error_set(err, DK_EINVAL, "component \"%s\": kind %d cannot be simulated", name,
                     (int)dk_comp_kind(c));
        return NULL;
    }
}

/* The flow a model route stands for. Custom routes pass their ops and data through: the model
 * does not own custom data, so whatever the ops' destroy does is the route owner's choice. */
static dk_status make_flow(dk_sim_t *sim, const dk_comp_t *svc, const dk_route *r, dk_flow *f,
                           dk_error *err)
{
    dk_actor_t *t[4] = {NULL, NULL, NULL, NULL};
    size_t n = r->ntargets < 4 ? r->ntargets : 4;
    for (size_t i = 0; i < n; i++)
        t[i] = dk_sim_actor(sim, dk_comp_index(r->targets[i]));
    dk_status st;
    switch (r->kind) {
    case DK_ROUTE_CACHE_ASIDE:
        st = n >= 2 ? dk_flow_cache_aside(t[0], t[1], f) : DK_EINVAL;
        break;
    case DK_ROUTE_CALL:
        st = dk_flow_call_each(t, n, f);
        break;
    case DK_ROUTE_CUSTOM:
        if (r->ops == NULL)
            return dk_error_set(err, DK_EINVAL, "service \"%s\": route \"%s\" has no flow",
                                dk_comp_name(svc), r->cls);
        f->ops = r->ops;
        f->data = r->data;
        return DK_OK;
    default:
        st = DK_EINVAL;
    }
    if (st != DK_OK)
        return dk_error_set(err, st, "service \"%s\": route \"%s\": %s", dk_comp_name(svc), r->cls,
                            dk_strerror(st));
    return DK_OK;
}

static dk_status add_routes(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    int has_default = 0;
    for (size_t i = 0; i < dk_comp_route_count(c); i++) {
        const dk_route *r = dk_comp_route(c, i);
        uint32_t cls = UINT32_MAX;
        dk_flow f;
        if (strcmp(r->cls, "*") == 0)
            has_default = 1;
        else if (dk_sim_add_class(sim, r->cls, &cls) != DK_OK)
            return dk_error_set(err, DK_ENOMEM, "service \"%s\": out of memory", dk_comp_name(c));
        dk_status st = make_flow(sim, c, r, &f, err);
        if (st == DK_OK)
            st = dk_station_route(self, cls, f, err);
        if (st != DK_OK)
            return st;
    }
    size_t nout = dk_comp_out_count(c);
    if (!has_default && nout > 0) {
        dk_actor_t **t = dk_malloc(nout * sizeof *t);
        dk_flow f;
        if (t == NULL)
            return dk_error_set(err, DK_ENOMEM, "service \"%s\": out of memory", dk_comp_name(c));
        for (size_t i = 0; i < nout; i++)
            t[i] = dk_sim_actor(sim, dk_comp_index(dk_comp_out(c, i)));
        dk_status st = dk_flow_call_each(t, nout, &f);
        dk_free(t);
        if (st == DK_OK)
            st = dk_station_route(self, UINT32_MAX, f, err);
        if (st != DK_OK)
            return dk_error_set(err, st, "service \"%s\": %s", dk_comp_name(c), dk_strerror(st));
    }
    return DK_OK;
}

/*
 * dk_model_build_sim - see model.h. Actors are added in component order, so actor i is
 * component i. Classes are registered in the model's order first, so class indices match
 * dk_model_class. Fails (NULL, `err` naming the component) for a client with no downstream link,
 * a component the runtime cannot take (bad property values), or out-of-memory.
 */
dk_sim_t *dk_model_build_sim(const dk_model_t *m, uint64_t seed, dk_error *err)
{
    if (m == NULL) {
        dk_error_set(err, DK_EINVAL, "build: no model");
        return NULL;
    }
    dk_status st;
    dk_sim_t *sim = dk_sim_new(seed, &st);
    if (sim == NULL) {
        dk_error_set(err, st, "build: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < dk_model_class_count(m); i++)
        if (dk_sim_add_class(sim, dk_model_class(m, i), NULL) != DK_OK) {
            dk_error_set(err, DK_ENOMEM, "build: out of memory");
            goto fail;
        }
    size_t n = dk_model_comp_count(m);
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        if (dk_comp_kind(c) == DK_KIND_CLIENT && dk_comp_out_count(c) == 0) {
            dk_error_set(err, DK_EINVAL,
                         "client \"%s\": has no target (link it to a balancer or a service)",
                         dk_comp_name(c));
            goto fail;
        }
        if (add_actor(sim, c, err) == NULL)
            goto fail;
    }
    for (size_t i = 0; i < dk_model_link_count(m); i++) {
        dk_comp_t *from, *to;
        const dk_dist_t *lat;
        dk_model_link_at(m, i, &from, &to, &lat);
        if (dk_sim_link(sim, dk_sim_actor(sim, dk_comp_index(from)),
                        dk_sim_actor(sim, dk_comp_index(to)), lat, err) != DK_OK)
            goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        if (dk_comp_kind(c) == DK_KIND_SERVICE && add_routes(sim, c, err) != DK_OK)
            goto fail;
    }
    return sim;
fail:
    dk_sim_free(sim);
    return NULL;
}

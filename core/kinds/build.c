/* build.c - dk_model_build_sim: turns a model into a simulator through the kinds' descriptors. */
#include "designkit/kinds.h"

/*
 * dk_model_build_sim - see kinds.h. Actors are added in component order, so actor i is
 * component i. Classes are registered in the model's order first, so class indices match
 * dk_model_class. Nothing here knows a kind: each component's descriptor builds its actor and
 * wires it once all the actors and links exist.
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
        const dk_kind_desc *d = dk_kinds_desc(dk_comp_kind(c));
        if (d->wire != NULL && d->wire(sim, c, err) != DK_OK)
            goto fail;
    }
    return sim;
fail:
    dk_sim_free(sim);
    return NULL;
}

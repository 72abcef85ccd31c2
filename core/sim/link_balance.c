/* link_balance.c - hands the links' weights and distances (dk_sim_link_set_balance) to a
 * balancer's dk_lb when it starts. */
#include "sim/engine.h"

/*
 * dk__link_balance - sets on `lb` the weight and distance of each of `self`'s links it balances
 * over: backend j is link links[j], or link j when `links` is NULL. Links left at their
 * defaults are not touched, so a dk_lb over links without options is as dk_lb_new made it
 * (geo's default distance is the backend's position). DK_EINVAL from dk_lb with `err`.
 */
dk_status dk__link_balance(dk_lb_t *lb, const dk_actor_t *self, const size_t *links, size_t n,
                           dk_error *err)
{
    dk_status st = DK_OK;
    for (size_t j = 0; lb != NULL && j < n && st == DK_OK; j++) {
        const dk__link *l = &self->out[links != NULL ? links[j] : j];
        if (l->weight > 0)
            st = dk_lb_set_weight(lb, j, l->weight, err);
        if (st == DK_OK && l->distance >= 0)
            st = dk_lb_set_distance(lb, j, l->distance, err);
    }
    return st;
}

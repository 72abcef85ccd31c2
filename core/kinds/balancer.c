/* balancer.c - the balancer kind: spreads calls over its links by an algorithm. */
#include "designkit/balancer.h"
#include "kinds/internal.h"

enum { ALGORITHM, REPLICAS };

static const dk_prop_info props[] = {
    [ALGORITHM] = {"algorithm", DK_PROP_ENUM, 0, 0, dk_lb_algorithm_names,
                   "how a backend is chosen for a request (hash, ring, jump, maglev and rendezvous "
                   "by its key)",
                   0, "round_robin", 0},
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 10000, NULL, "balancer instances", 1, "1", 0},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    buf[0] = '\0';
    dk__detail_add(buf, size, dk_comp_text(c, ALGORITHM));
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_lb_algorithm alg;
    const char *text = dk_comp_text(c, ALGORITHM);

    if (dk_lb_algorithm_parse(text, &alg) != DK_OK) {
        dk_error_set(err, DK_EINVAL, "balancer \"%s\": unknown algorithm \"%s\"", dk_comp_name(c),
                     text);
        return NULL;
    }
    return dk_sim_add_balancer(sim, dk_comp_name(c), alg, err);
}

const dk_kind_desc dk__kind_balancer = {
    .kind =
        {
            .name = "balancer",
            .doc = "forwards each call to one of its links, chosen by an algorithm",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_BALANCER,
            .replicas_prop = REPLICAS,
            .shape = "hexagon",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT),
};

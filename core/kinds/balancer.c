/* balancer.c - the balancer kind: spreads calls over its links by an algorithm, with outlier
 * ejection and active health checks (docs/patterns/load-balancing.md, resilience.md). */
#include "designkit/balancer.h"
#include "kinds/internal.h"

enum {
    ALGORITHM,
    REPLICAS,
    EJECT_AFTER,
    EJECT_BASE,
    EJECT_MAX,
    HEALTH_INTERVAL,
    HEALTH_TIMEOUT,
    HEALTHY,
    UNHEALTHY,
    RESTART_AFTER
};

/* A probe's timeout when the design gives none: dk_health_config_default's, or the interval
 * when that is shorter (a probe must be over before the next leaves). */
#define DEFAULT_TIMEOUT_NS 5e9

static const dk_prop_info props[] = {
    [ALGORITHM] = {"algorithm", DK_PROP_ENUM, 0, 0, dk_lb_algorithm_names,
                   "how a backend is chosen for a request (hash, ring, jump, maglev and rendezvous "
                   "by its key)",
                   0, "round_robin", 0},
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 10000, NULL, "balancer instances", 1, "1", 0},
    [EJECT_AFTER] = {"eject_after", DK_PROP_INT, 0, 1e6, NULL,
                     "outlier ejection: failed answers in a row that eject a backend (0 = never)",
                     0, "0", 0},
    [EJECT_BASE] = {"eject_base", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                    "outlier ejection: a backend is out for this x the times it has been", 30e9,
                    "30s", DK_PROP_F_POSITIVE},
    [EJECT_MAX] = {"eject_max", DK_PROP_FRACTION, 0, 1, NULL,
                   "outlier ejection: the most of the backends out at once (one always may be)", 1,
                   "1", DK_PROP_F_POSITIVE},
    [HEALTH_INTERVAL] = {"health_interval", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                         "health checks: a probe to each backend this often (0 = no checks)", 0,
                         "0s", 0},
    [HEALTH_TIMEOUT] = {"health_timeout", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                        "health checks: a probe not answered OK this soon fails (at most the "
                        "interval; unset: 5s or the interval if shorter)",
                        DEFAULT_TIMEOUT_NS, "5s", DK_PROP_F_POSITIVE},
    [HEALTHY] = {"healthy", DK_PROP_INT, 1, 1000, NULL,
                 "health checks: good probes in a row that take a backend back", 3, "3", 0},
    [UNHEALTHY] = {"unhealthy", DK_PROP_INT, 1, 1000, NULL,
                   "health checks: failed probes in a row that leave a backend out", 3, "3", 0},
    [RESTART_AFTER] = {"restart_after", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                       "auto-healing: restart a backend unhealthy this long, and again as long "
                       "as it stays so (0 = never)",
                       0, "0s", 0},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    buf[0] = '\0';
    dk__detail_add(buf, size, dk_comp_text(c, ALGORITHM));
    if (dk_comp_number(c, HEALTH_INTERVAL) > 0)
        dk__detail_add(buf, size, "health checks");
}

/* The health options: off without health_interval (and then none of the others may be set),
 * else a dk_health_config, the timeout at most the interval. */
static dk_status health_options(const dk_comp_t *c, dk_health_config *hc, int *on, dk_error *err)
{
    static const int others[] = {HEALTH_TIMEOUT, HEALTHY, UNHEALTHY, RESTART_AFTER};
    const char *name = dk_comp_name(c);
    double interval = dk_comp_number(c, HEALTH_INTERVAL);
    *on = interval > 0;
    if (!*on) {
        for (size_t k = 0; k < DK__COUNT_OF(others); k++)
            if (dk_comp_is_set(c, others[k]))
                return dk_error_set(err, DK_EINVAL,
                                    "balancer \"%s\": %s: health checks need a health_interval",
                                    name, props[others[k]].name);
        return DK_OK;
    }
    double timeout = dk_comp_number(c, HEALTH_TIMEOUT);
    if (!dk_comp_is_set(c, HEALTH_TIMEOUT) && timeout > interval)
        timeout = interval;
    if (timeout > interval)
        return dk_error_set(err, DK_EINVAL,
                            "balancer \"%s\": health_timeout must be at most health_interval (a "
                            "probe ends before the next leaves)",
                            name);
    *hc = (dk_health_config){
        .interval_ns = (int64_t)interval,
        .timeout_ns = (int64_t)timeout,
        .healthy_threshold = dk_comp_count(c, HEALTHY),
        .unhealthy_threshold = dk_comp_count(c, UNHEALTHY),
        .restart_after_ns = (int64_t)dk_comp_number(c, RESTART_AFTER),
    };
    return DK_OK;
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_lb_algorithm alg;
    const char *text = dk_comp_text(c, ALGORITHM);
    dk_health_config hc;
    int checks;

    if (dk_lb_algorithm_parse(text, &alg) != DK_OK) {
        dk_error_set(err, DK_EINVAL, "balancer \"%s\": unknown algorithm \"%s\"", dk_comp_name(c),
                     text);
        return NULL;
    }
    if (health_options(c, &hc, &checks, err) != DK_OK)
        return NULL;
    dk_actor_t *a = dk_sim_add_balancer(sim, dk_comp_name(c), alg, err);
    if (a == NULL ||
        dk_sim_balancer_set_outlier(a, dk_comp_count(c, EJECT_AFTER),
                                    (dk_time_t)dk_comp_number(c, EJECT_BASE),
                                    dk_comp_number(c, EJECT_MAX), err) != DK_OK ||
        (checks && dk_sim_balancer_set_health(a, &hc, err) != DK_OK))
        return NULL;
    return a;
}

const dk_kind_desc dk__kind_balancer = {
    .kind =
        {
            .name = "balancer",
            .doc = "forwards each call to one of its links, chosen by an algorithm; skips the "
                   "backends its health checks judge unhealthy and restarts them",
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

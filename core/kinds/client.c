/* client.c - the client kind: the outside world, sending requests of a mix of classes, open
 * (at a rate) or closed (users who think between requests). */
#include <stdio.h>
#include <string.h>

#include "designkit/locale.h"
#include "designkit/alloc.h"
#include "designkit/units.h"
#include "kinds/internal.h"

enum { RATE, ARRIVALS, MIX, KEYS, USERS, THINK };

static const char *const arrivals_choices[] = {"poisson", "constant", NULL};

static const dk_prop_info props[] = {
    [RATE] = {"rate", DK_PROP_RATE, 0, 1e12, NULL, "requests sent per second", 100, "100/s",
              DK_PROP_F_POSITIVE},
    [ARRIVALS] = {"arrivals", DK_PROP_ENUM, 0, 0, arrivals_choices,
                  "how requests are spaced: poisson (random) or constant", 0, "poisson", 0},
    [MIX] = {"mix", DK_PROP_MIX, 0, 0, NULL, "request classes with their weights", 0, "request", 0},
    [KEYS] = {"keys", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
              "the distribution of the keys requested", 1, "1", 0},
    [USERS] = {"users", DK_PROP_INT, 0, 1e7, NULL,
               "a closed workload: users who each send, wait for the reply, think, repeat "
               "(0 = open: requests arrive at rate)",
               0, "0", 0},
    [THINK] = {"think", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
               "with users: a user's pause between a reply and its next request", 0, "0s",
               DK_PROP_F_DURATIONS},
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    uint32_t users = dk_comp_count(c, USERS);
    if (users > 0)
        dk_snprintf(buf, size, "%lu user%s", (unsigned long)users, users == 1 ? "" : "s");
    else
        dk_format_rate(dk_comp_number(c, RATE), buf, size);
}

/* Open and closed options do not mix: a rate beside users would be silently ignored. */
static int check_workload(const dk_comp_t *c, dk_error *err)
{
    const char *name = dk_comp_name(c);
    if (dk_comp_count(c, USERS) > 0) {
        const char *open = dk_comp_is_set(c, RATE) ? "rate" : "arrivals";
        if (dk_comp_is_set(c, RATE) || dk_comp_is_set(c, ARRIVALS)) {
            dk_error_set(err, DK_EINVAL,
                         "client \"%s\": %s is for open arrivals; with users (a closed "
                         "workload) the load follows the think time, so leave %s out",
                         name, open, open);
            return 0;
        }
    } else if (dk_comp_is_set(c, THINK)) {
        dk_error_set(err, DK_EINVAL,
                     "client \"%s\": think needs users = N (a closed workload of N users)", name);
        return 0;
    }
    return 1;
}

/* The mix as one weight per class index of the simulator (the model's classes were registered
 * first, so every class of the mix is there). No mix entry: the class "default" of its own. */
static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    const char *name = dk_comp_name(c);
    size_t nmix = dk_comp_mix_count(c, MIX);
    size_t ncls = dk_sim_class_count(sim);
    double *mix = NULL;
    dk_actor_t *a;
    uint32_t idx = 0;

    if (!check_workload(c, err))
        return NULL;
    if (nmix == 0) {
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
        dk_comp_mix_at(c, MIX, i, &cls, &w);
        if (!dk_sim_class_find(sim, cls, &idx)) {
            dk_error_set(err, DK_EINTERNAL, "client \"%s\": class \"%s\" is not in the model", name,
                         cls);
            dk_free(mix);
            return NULL;
        }
        mix[idx] += w;
    }
    dk_client_config cfg = {
        .rate = dk_comp_number(c, RATE),
        .poisson = strcmp(dk_comp_text(c, ARRIVALS), "constant") != 0,
        .mix = mix,
        .mix_len = ncls,
        .keys = dk_comp_dist(c, KEYS),
        .users = dk_comp_count(c, USERS),
    };
    if (cfg.users > 0)
        cfg.think = dk_comp_dist(c, THINK);
    a = dk_sim_add_client(sim, name, &cfg, err);
    dk_free(mix);
    return a;
oom:
    dk_error_set(err, DK_ENOMEM, "client \"%s\": out of memory", name);
    return NULL;
}

const dk_kind_desc dk__kind_client = {
    .kind =
        {
            .name = "client",
            .doc = "the outside world: sends requests of a mix of classes, at a rate or from "
                   "users who think between requests",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_ENTRY,
            .replicas_prop = -1,
            .shape = "box",
            .style = "rounded",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT),
};

/* database.c - the database kind: the system of record, a primary and its replicas. */
#include "kinds/failure.h"

#include <string.h>

enum {
    REPLICAS,
    REPLICATION,
    LAG,
    WORKERS,
    TIME,
    QUEUE,
    DISPATCH,
    WAL,
    FSYNC_TIME,
    GROUP,
    DK__FAIL_IDS
};

static const char *const replication_choices[] = {"none", "async", "sync", NULL};
/* Its write-ahead log (docs/patterns/storage.md): none, fsync at every commit, or never. */
static const char *const wal_choices[] = {"none", "always", "never", NULL};

static const dk_prop_info props[] = {
    [REPLICAS] = {"replicas", DK_PROP_INT, 1, 100000, NULL,
                  "database instances (a primary and its replicas)", 1, "1", 0},
    [REPLICATION] = {"replication", DK_PROP_ENUM, 0, 0, replication_choices,
                     "how writes reach the replicas (drawn and exported; not simulated yet)", 1,
                     "async", 0},
    [LAG] = {"lag", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL,
             "replication delay of an async replica (not simulated yet)", 0, "0s",
             DK_PROP_F_DURATIONS},
    [WORKERS] = {"workers", DK_PROP_INT, 0, 1e6, NULL,
                 "queries served at once by each replica (0 = no limit)", 16, "16", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve one query", 5e6, "5ms",
              DK_PROP_F_DURATIONS},
    [QUEUE] = {"queue", DK_PROP_INT, 0, 1e9, NULL,
               "waiting queries allowed at each instance (0 = unbounded)", 0, "0", 0},
    [DISPATCH] = {"dispatch", DK_PROP_ENUM, 0, 0, dk__dispatch_names,
                  "how queries reach the instances: each its own queue, or one pooled queue", 0,
                  "round_robin", 0},
    [WAL] = {"wal", DK_PROP_ENUM, 0, 0, wal_choices,
             "its write-ahead log: always adds fsync_time / group_commit to each write", 0, "none",
             0},
    [FSYNC_TIME] = {"fsync_time", DK_PROP_DURATION, 0, DK__FOREVER_NS, NULL,
                    "wal: time one fsync of the log takes", 2e6, "2ms", 0},
    [GROUP] = {"group_commit", DK_PROP_INT, 1, 1e6, NULL,
               "wal: writes that share one fsync (group commit)", 1, "1", 0},
    DK__FAIL_PROPS,
};

static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    dk__detail_instances(c, buf, size, REPLICAS, WORKERS, "workers");
    if (dk_comp_is_set(c, REPLICATION))
        dk__detail_add(buf, size, dk_comp_text(c, REPLICATION));
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {.queue_limit = dk_comp_count(c, QUEUE),
                             .service = dk_comp_dist(c, TIME)};
    /* "always": each write waits for the fsync its group shares, its share of the log's time
     * (the amortised cost: the wait for a group to gather is not modelled). "never" leaves
     * writes in the page cache: no time. */
    if (strcmp(dk_comp_text(c, WAL), "always") == 0)
        cfg.write_extra = (dk_time_t)(dk_comp_number(c, FSYNC_TIME) / dk_comp_count(c, GROUP));
    if (dk__kind_instances(c, REPLICAS, WORKERS, DISPATCH, &cfg, err) != DK_OK ||
        dk__kind_failure(c, FAIL_FROM, &cfg, err) != DK_OK)
        return NULL;
    return dk_sim_add_station(sim, dk_comp_name(c), "database", &cfg, err);
}

const dk_kind_desc dk__kind_database = {
    .kind =
        {
            .name = "database",
            .doc = "the system of record: a primary and its replicas serving reads and writes",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_STATEFUL | DK_TRAIT_STORE,
            .replicas_prop = REPLICAS,
            .shape = "cylinder",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION) |
               DK_METRIC_BIT(DK_METRIC_MEAN_QUEUE) | DK_METRIC_BIT(DK_METRIC_REJECTION_RATE),
};

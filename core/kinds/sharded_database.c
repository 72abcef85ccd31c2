/* sharded_database.c - the sharded_database kind: N shard stations, each query sent to the
 * shard owning its key (range or hash), so a hot shard shows on its own. */
#include "designkit/locale.h"
#include "designkit/shard.h"
#include "kinds/internal.h"

enum { SHARDS, STRATEGY, KEY_SPACE, WORKERS, TIME, QUEUE };

/* The whole-number strategies the simulator routes by (a call carries a whole-number key). */
static const char *const strategy_choices[] = {"range", "hash", "jump", NULL};

static const dk_prop_info props[] = {
    [SHARDS] = {"shards", DK_PROP_INT, 1, 4096, NULL, "shards, each a station of its own", 4, "4",
                0},
    [STRATEGY] = {"strategy", DK_PROP_ENUM, 0, 0, strategy_choices,
                  "which shard owns a key: equal ranges of 1..key_space, hash mod N, or jump "
                  "consistent hash",
                  0, "range", 0},
    [KEY_SPACE] = {"key_space", DK_PROP_INT, 1, 1e15, NULL,
                   "keys 1..key_space split into equal ranges (range; match the client's keys)",
                   1e6, "1000000", 0},
    [WORKERS] = {"workers", DK_PROP_INT, 0, 1e6, NULL,
                 "queries served at once by each shard (0 = no limit)", 16, "16", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, DK__FOREVER_NS, NULL, "time to serve one query", 5e6, "5ms",
              DK_PROP_F_DURATIONS},
    [QUEUE] = {"queue", DK_PROP_INT, 0, 1e9, NULL,
               "waiting queries allowed at each shard (0 = unbounded)", 0, "0", 0},
};

/* "4 shards by range, 1 workers each": shards are not replicas, so not the replicas wording. */
static void detail(const dk_comp_t *c, char *buf, size_t size)
{
    char text[48];
    dk_snprintf(buf, size, "%u shards by %s", dk_comp_count(c, SHARDS), dk_comp_text(c, STRATEGY));
    if (dk_comp_is_set(c, WORKERS)) {
        dk_snprintf(text, sizeof text, "%u workers each", dk_comp_count(c, WORKERS));
        dk__detail_add(buf, size, text);
    }
}

/* The sharder the properties describe: range shards of equal width over 1..key_space (shard i
 * starts at 1 + i * key_space / N), or hash over N. */
static dk_shard_t *sharder_of(const dk_comp_t *c, dk_error *err)
{
    uint32_t n = dk_comp_count(c, SHARDS);
    const char *strategy = dk_comp_text(c, STRATEGY);
    if (strategy[0] == 'h')
        return dk_shard_hash_new(DK_SHARD_MOD, n, err);
    if (strategy[0] == 'j')
        return dk_shard_hash_new(DK_SHARD_JUMP, n, err);
    uint64_t space = (uint64_t)dk_comp_number(c, KEY_SPACE);
    if (space < n) {
        dk_error_set(err, DK_EINVAL,
                     "sharded_database \"%s\": key_space (%llu) must be at least shards (%u)",
                     dk_comp_name(c), (unsigned long long)space, n);
        return NULL;
    }
    uint64_t splits[4096];
    for (uint32_t i = 1; i < n; i++)
        splits[i - 1] = 1 + i * (space / n);
    return dk_shard_range_new(splits, n - 1, err);
}

static dk_actor_t *build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {.servers = dk_comp_count(c, WORKERS),
                             .queue_limit = dk_comp_count(c, QUEUE),
                             .service = dk_comp_dist(c, TIME)};
    dk_shard_t *s = sharder_of(c, err);
    if (s == NULL)
        return NULL;
    return dk_sim_add_sharded(sim, dk_comp_name(c), "database", &cfg, s, err);
}

const dk_kind_desc dk__kind_sharded_database = {
    .kind =
        {
            .name = "sharded_database",
            .doc = "a database split into shards by key: each shard queues and saturates on its "
                   "own (its stations are \"<name>.shard1\", ...)",
            .props = props,
            .nprops = DK__COUNT_OF(props),
            .traits = DK_TRAIT_STATEFUL | DK_TRAIT_STORE,
            .replicas_prop = -1, /* shards split the data; none is a replica of another */
            .shape = "cylinder",
            .detail = detail,
        },
    .build = build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT),
};

/* l_confidence.c - a run's confidence intervals in its result table: the batch-means interval
 * of each class's mean latency and the figures across replications (m:run{replications = N}). */
#include <math.h>

#include "l_common.h"

/* Pushes {lo, hi} of `ci`, each value divided by `scale` (1e9 turns ns into seconds). */
static void push_pair(lua_State *L, const dk_interval *ci, double scale)
{
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, (ci->mean - ci->half) / scale);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, (ci->mean + ci->half) / scale);
    lua_rawseti(L, -2, 2);
}

void dk_l_set_mean_ci(lua_State *L, const dk_interval *ci)
{
    if (isnan(ci->half))
        return;
    push_pair(L, ci, 1e9);
    lua_setfield(L, -2, "mean_ci95");
}

/* Sets t[key] = {mean, half, ci95 = {lo, hi}, n} in the table on top; half and ci95 only when
 * there is a spread (two replications or more measured it). Nothing when none did. */
static void set_estimate(lua_State *L, const char *key, int have, const dk_interval *ci,
                         double scale)
{
    if (!have)
        return;
    lua_createtable(L, 0, 4);
    dk_l_set_number(L, "mean", ci->mean / scale);
    if (!isnan(ci->half)) {
        dk_l_set_number(L, "half", ci->half / scale);
        push_pair(L, ci, scale);
        lua_setfield(L, -2, "ci95");
    }
    dk_l_set_integer(L, "n", (lua_Integer)ci->n);
    lua_setfield(L, -2, key);
}

/* The keys of a class's figures, in dk_rep_class_metric order, and the unit of each. */
static const char *const class_keys[DK_REP_CLASS_METRICS] = {"mean", "p50", "p99", "throughput"};
static const double class_scale[DK_REP_CLASS_METRICS] = {1e9, 1e9, 1e9, 1};
static const char *const actor_keys[DK_REP_ACTOR_METRICS] = {"throughput", "utilisation"};

static void push_class(lua_State *L, const dk_replicas_t *r, uint32_t cls, const char *name)
{
    lua_createtable(L, 0, DK_REP_CLASS_METRICS + 1);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    for (int m = 0; m < DK_REP_CLASS_METRICS; m++) {
        dk_interval ci;
        int have = dk_replicas_class(r, cls, (dk_rep_class_metric)m, &ci);
        set_estimate(L, class_keys[m], have, &ci, class_scale[m]);
    }
}

void dk_l_push_replicas(lua_State *L, const dk_replicas_t *r)
{
    size_t n = dk_replicas_count(r), nc = dk_replicas_class_count(r);
    size_t na = dk_replicas_actor_count(r);
    luaL_checkstack(L, 8, "replications");
    lua_createtable(L, 0, 6);
    dk_l_set_integer(L, "count", (lua_Integer)n);
    dk_l_set_number(L, "level", DK_CONFIDENCE);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)dk_replicas_seed(r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "seeds");
    lua_createtable(L, (int)nc, 0);
    for (size_t c = 0; c < nc; c++) {
        push_class(L, r, (uint32_t)c, dk_replicas_class_name(r, c));
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_setfield(L, -2, "classes");
    push_class(L, r, DK_ALL_CLASSES, "total");
    lua_setfield(L, -2, "total");
    lua_createtable(L, (int)na, 0);
    for (size_t a = 0; a < na; a++) {
        lua_createtable(L, 0, DK_REP_ACTOR_METRICS + 1);
        lua_pushstring(L, dk_replicas_actor_name(r, a));
        lua_setfield(L, -2, "name");
        for (int m = 0; m < DK_REP_ACTOR_METRICS; m++) {
            dk_interval ci;
            int have = dk_replicas_actor(r, a, (dk_rep_actor_metric)m, &ci);
            set_estimate(L, actor_keys[m], have, &ci, 1);
        }
        lua_rawseti(L, -2, (lua_Integer)a + 1);
    }
    lua_setfield(L, -2, "components");
}

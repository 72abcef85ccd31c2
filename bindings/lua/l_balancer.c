/* l_balancer.c - dk.balancer: a load balancer over named backends, picking by any algorithm of
 * dk_lb_algorithm_names, with health, outlier ejection and per-backend figures. */
#include <math.h>
#include <string.h>

#include "l_common.h"

/* The balancer, its random stream and its clock: `now` moves only by b:advance, so ejection
 * times are the script's own. The user value is the list of backend names. */
typedef struct lbalancer {
    dk_lb_t *lb;
    dk_rng_t rng;
    int64_t now;
    dk_lb_algorithm algorithm_id;
} lbalancer;

static lbalancer *check_balancer(lua_State *L, int idx)
{
    lbalancer *b = luaL_checkudata(L, idx, DK_MT_BALANCER);
    if (b->lb == NULL)
        dk_l_closed_error(L, idx, "balancer");
    return b;
}

/* The algorithm named at opts.algorithm (default round_robin); an unknown name raises an error
 * listing the valid ones. */
static dk_lb_algorithm check_algorithm(lua_State *L, int opts)
{
    dk_lb_algorithm a = DK_LB_ROUND_ROBIN;
    if (lua_getfield(L, opts, "algorithm") != LUA_TNIL) {
        const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (name == NULL || dk_lb_algorithm_parse(name, &a) != DK_OK) {
            const char *shown =
                name != NULL ? lua_pushfstring(L, "\"%s\"", name) : luaL_tolstring(L, -1, NULL);
            dk_l_push_did_you_mean(L, name ? dk_suggest_from(name, dk_lb_algorithm_names) : NULL);
            luaL_error(L, "balancer: unknown algorithm %s%s (valid: %s)", shown,
                       lua_tostring(L, -1), dk_lb_algorithm_list());
        }
    }
    lua_pop(L, 1);
    return a;
}

/* A number field of backend table at `idx`, or `def`; NaN passes through to the C checks,
 * which name the backend. */
static double number_field(lua_State *L, int idx, const char *field, size_t i, double def)
{
    double v = def;
    int t = lua_getfield(L, idx, field);
    if (t == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (t != LUA_TNIL)
        luaL_error(L, "balancer: backends[%d].%s must be a number (got %s)", (int)i, field,
                   luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

/* Reads opts.backends into the names list (pushed) and `weights`/`distances` (scratch the
 * caller sized by the count, which is returned). A backend is a name, or a table
 * { name =, weight =, distance = }. */
static size_t read_backends(lua_State *L, int opts, double **weights, double **distances)
{
    static const char *const keys[] = {"name", "weight", "distance", NULL};
    if (lua_getfield(L, opts, "backends") != LUA_TTABLE)
        luaL_error(L,
                   "balancer: backends must be a list of names or { name =, weight = } "
                   "(got %s)",
                   luaL_typename(L, -1));
    int list = lua_gettop(L);
    size_t n = (size_t)luaL_len(L, list);
    if (n == 0)
        luaL_error(L, "balancer: backends is empty (needs at least one)");
    *weights = lua_newuserdatauv(L, n * sizeof **weights, 0);
    *distances = lua_newuserdatauv(L, n * sizeof **distances, 0);
    lua_createtable(L, (int)n, 0);
    int names = lua_gettop(L);
    for (size_t i = 1; i <= n; i++) {
        int t = lua_rawgeti(L, list, (lua_Integer)i);
        (*weights)[i - 1] = 1;
        (*distances)[i - 1] = (double)(i - 1);
        if (t == LUA_TTABLE) {
            dk_l_check_keys(L, -1, "balancer: backend", keys);
            (*weights)[i - 1] = number_field(L, -1, "weight", i, 1);
            (*distances)[i - 1] = number_field(L, -1, "distance", i, (double)(i - 1));
            lua_getfield(L, -1, "name");
            lua_remove(L, -2);
        }
        if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            luaL_error(L, "balancer: backends[%d] needs a non-empty name (got %s)", (int)i,
                       luaL_tolstring(L, -1, NULL));
        dk_l_check_name(L, -1, "balancer: backend");
        for (size_t j = 1; j < i; j++) {
            lua_rawgeti(L, names, (lua_Integer)j);
            if (lua_rawequal(L, -1, -2))
                luaL_error(L, "balancer: duplicate backend \"%s\" (backends[%d] and [%d])",
                           lua_tostring(L, -1), (int)j, (int)i);
            lua_pop(L, 1);
        }
        lua_rawseti(L, names, (lua_Integer)i);
    }
    return n;
}

/* opts.outlier = { errors = 5, base = "30s", max = 1 } */
static void read_outlier(lua_State *L, int opts, unsigned *errors, int64_t *base, double *max)
{
    static const char *const keys[] = {"errors", "base", "max", NULL};
    *errors = 0;
    *base = 30 * (int64_t)1000000000;
    *max = 1;
    if (lua_getfield(L, opts, "outlier") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "balancer: outlier must be a table { errors =, base = } (got %s)",
                   luaL_typename(L, -1));
    dk_l_check_keys(L, -1, "balancer: outlier", keys);
    *errors = 5;
    if (lua_getfield(L, -1, "errors") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 1000000)
            luaL_error(L, "balancer: outlier.errors must be a whole number from 1 (got %s)",
                       luaL_tolstring(L, -1, NULL));
        *errors = (unsigned)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "base") != LUA_TNIL) {
        dk_error err;
        if (!dk_l_to_duration(L, -1, base, &err) || *base <= 0)
            luaL_error(L, "balancer: outlier.base must be a duration > 0 (%s)",
                       *base <= 0 ? "got 0 or less" : err.message);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "max") != LUA_TNIL) {
        *max = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
        if (!(*max > 0 && *max <= 1))
            luaL_error(L, "balancer: outlier.max must be a share in (0, 1] (got %s)",
                       luaL_tolstring(L, -1, NULL));
    }
    lua_pop(L, 2);
}

/* dk.balancer { algorithm =, backends = {...}, seed =, outlier = { errors =, base = } } */
static int l_balancer(lua_State *L)
{
    static const char *const keys[] = {"algorithm", "backends", "seed", "outlier", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "balancer", keys);
    dk_lb_algorithm alg = check_algorithm(L, 1);
    lua_Integer seed = 1;
    if (lua_getfield(L, 1, "seed") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "balancer: seed must be an integer (got %s)",
                              luaL_tolstring(L, -1, NULL));
        seed = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    unsigned errors;
    int64_t base;
    double max;
    read_outlier(L, 1, &errors, &base, &max);
    double *weights, *distances;
    size_t n = read_backends(L, 1, &weights, &distances);
    int names = lua_gettop(L);
    lbalancer *b = lua_newuserdatauv(L, sizeof *b, 1);
    b->lb = NULL;
    b->now = 0;
    b->algorithm_id = alg;
    dk_rng_seed(&b->rng, (uint64_t)seed);
    luaL_setmetatable(L, DK_MT_BALANCER);
    lua_pushvalue(L, names);
    lua_setiuservalue(L, -2, 1);
    dk_error err;
    if ((b->lb = dk_lb_new(alg, n, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    for (size_t i = 0; i < n; i++)
        if (dk_lb_set_weight(b->lb, i, weights[i], &err) != DK_OK ||
            dk_lb_set_distance(b->lb, i, distances[i], &err) != DK_OK)
            return luaL_error(L, "%s", err.message);
    dk_lb_set_outlier(b->lb, errors, base);
    dk_lb_set_outlier_max(b->lb, max);
    return 1;
}

/* The backend index (0-based) at `idx`: its 1-based number or its name. */
static size_t check_backend(lua_State *L, lbalancer *b, int idx)
{
    size_t n = dk_lb_backends(b->lb);
    if (lua_type(L, idx) == LUA_TSTRING) {
        lua_getiuservalue(L, 1, 1);
        for (size_t i = 0; i < n; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            int same = lua_rawequal(L, -1, idx);
            lua_pop(L, 1);
            if (same) {
                lua_pop(L, 1);
                return i;
            }
        }
        return (size_t)luaL_error(L, "balancer: no backend \"%s\"", lua_tostring(L, idx));
    }
    lua_Integer i = luaL_checkinteger(L, idx);
    if (i < 1 || (size_t)i > n)
        return (size_t)luaL_error(L, "balancer: no backend %I (there are %d)", i, (int)n);
    return (size_t)i - 1;
}

/* b:pick(key?) - the backend's number and name, or nil and a message when none is available. */
static int b_pick(lua_State *L)
{
    lbalancer *b = check_balancer(L, 1);
    /* an integer key is the request's key as the simulator has it; a string is hashed first */
    uint64_t key = 0;
    if (lua_type(L, 2) == LUA_TSTRING)
        key = dk_l_hash_key(L, 2);
    else if (!lua_isnoneornil(L, 2))
        key = (uint64_t)luaL_checkinteger(L, 2);
    size_t i = dk_lb_pick_key(b->lb, &b->rng, key, b->now);
    if (i == DK_LB_NONE) {
        lua_pushnil(L);
        lua_pushliteral(L, "no backend is available");
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)i + 1);
    lua_getiuservalue(L, 1, 1);
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    lua_remove(L, -2);
    return 2;
}

/* b:done(backend, latency?, ok?) - the request finished; latency a duration, ok default true. */
static int b_done(lua_State *L)
{
    lbalancer *b = check_balancer(L, 1);
    size_t i = check_backend(L, b, 2);
    int64_t latency = -1;
    if (!lua_isnoneornil(L, 3)) {
        dk_error err;
        if (!dk_l_to_duration(L, 3, &latency, &err) || latency < 0)
            return luaL_argerror(L, 3, "latency must be a duration >= 0");
    }
    int ok = lua_isnoneornil(L, 4) ? 1 : lua_toboolean(L, 4);
    dk_lb_report(b->lb, i, b->now, latency, ok);
    return 0;
}

static int b_set_health(lua_State *L)
{
    lbalancer *b = check_balancer(L, 1);
    size_t i = check_backend(L, b, 2);
    luaL_checktype(L, 3, LUA_TBOOLEAN);
    dk_lb_set_health(b->lb, i, lua_toboolean(L, 3));
    return 0;
}

/* b:advance(duration) - moves the balancer's clock (ejections end by it). */
static int b_advance(lua_State *L)
{
    lbalancer *b = check_balancer(L, 1);
    int64_t d;
    dk_error err;
    if (!dk_l_to_duration(L, 2, &d, &err) || d < 0)
        return luaL_argerror(L, 2, "advance: a duration >= 0");
    b->now += d;
    return 0;
}

/* b:stats() - one table per backend: name, connections, picks, errors, ejections, healthy,
 * ejected, weight, distance, ewma (seconds). */
static int b_stats(lua_State *L)
{
    lbalancer *b = check_balancer(L, 1);
    size_t n = dk_lb_backends(b->lb);
    lua_getiuservalue(L, 1, 1);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_lb_backend_stats st;
        dk_lb_stats(b->lb, i, &st);
        lua_createtable(L, 0, 10);
        lua_rawgeti(L, -3, (lua_Integer)i + 1);
        lua_setfield(L, -2, "name");
        dk_l_set_integer(L, "connections", (lua_Integer)st.connections);
        dk_l_set_integer(L, "picks", (lua_Integer)st.picks);
        dk_l_set_integer(L, "errors", (lua_Integer)st.errors);
        dk_l_set_integer(L, "ejections", (lua_Integer)st.ejections);
        lua_pushboolean(L, st.healthy);
        lua_setfield(L, -2, "healthy");
        lua_pushboolean(L, st.ejected);
        lua_setfield(L, -2, "ejected");
        dk_l_set_number(L, "weight", st.weight);
        dk_l_set_number(L, "distance", st.distance);
        dk_l_set_number(L, "ewma", st.ewma_ns / 1e9);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int b_close(lua_State *L)
{
    lbalancer *b = luaL_checkudata(L, 1, DK_MT_BALANCER);
    dk_lb_free(b->lb);
    b->lb = NULL;
    return 0;
}

static int b_tostring(lua_State *L)
{
    lbalancer *b = luaL_checkudata(L, 1, DK_MT_BALANCER);
    if (b->lb == NULL)
        lua_pushliteral(L, "balancer (closed)");
    else
        lua_pushfstring(L, "balancer (%s, %d backends)", dk_lb_algorithm_name(b->algorithm_id),
                        (int)dk_lb_backends(b->lb));
    return 1;
}

static const luaL_Reg methods[] = {{"pick", b_pick},
                                   {"done", b_done},
                                   {"set_health", b_set_health},
                                   {"advance", b_advance},
                                   {"stats", b_stats},
                                   {"close", b_close},
                                   {NULL, NULL}};

void dk_l_open_balancer(lua_State *L)
{
    dk_l_new_class(L, DK_MT_BALANCER, methods, NULL, b_tostring, b_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_balancer);
    lua_setfield(L, -2, "balancer");
}

/* l_export.c - the model out and back: m:draw, m:to_json, m:export, dk.from_json, dk.load_json. */
#include <string.h>

#include "l_common.h"

#define GUARD_KEY "designkit.write_guard"

void dk_l_set_write_guard(lua_State *L, dk_l_write_guard guard)
{
    dk_l_write_guard *slot = (dk_l_write_guard *)lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = guard;
    lua_setfield(L, LUA_REGISTRYINDEX, GUARD_KEY);
}

/* NULL if writing `path` is allowed; else the reason, pushed on the stack. */
static const char *denied(lua_State *L, const char *path)
{
    dk_l_write_guard guard = NULL;
    if (lua_getfield(L, LUA_REGISTRYINDEX, GUARD_KEY) == LUA_TUSERDATA)
        guard = *(dk_l_write_guard *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    return guard != NULL ? guard(L, path) : NULL;
}

const char *dk_l_write_denied(lua_State *L, const char *path)
{
    return denied(L, path);
}

/* Pushes the newline-separated `omitted` text as a list (empty when NULL). */
static void push_lines(lua_State *L, const char *text)
{
    lua_newtable(L);
    lua_Integer i = 0;
    while (text != NULL && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        if (n > 0) {
            lua_pushlstring(L, text, n);
            lua_rawseti(L, -2, ++i);
        }
        text = nl ? nl + 1 : text + n;
    }
}

/* Leaves the JSON text and the omitted list on the stack, or raises. */
static void to_json(lua_State *L, lmodel *lm)
{
    char **json = (char **)dk_l_newbox(L, dk_free);
    int jidx = lua_gettop(L);
    char **omitted = (char **)dk_l_newbox(L, dk_free);
    int oidx = lua_gettop(L);
    dk_error err;
    if (dk_model_to_json(lm->m, json, omitted, &err) != DK_OK)
        dk_l_raise(L, &err);
    lua_pushstring(L, *json);
    push_lines(L, *omitted);
    dk_l_box_free(L, jidx);
    dk_l_box_free(L, oidx);
    lua_remove(L, jidx);
    lua_remove(L, jidx);
}

/* m:to_json() -> text, omitted (the Lua handlers that cannot travel, as a list) */
static int m_to_json(lua_State *L)
{
    to_json(L, dk_l_check_model(L, 1));
    return 2;
}

/* m:export(path) -> true, omitted | nil, message; written all or nothing. */
static int m_export(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    const char *path = luaL_checkstring(L, 2);
    const char *why = denied(L, path);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    to_json(L, lm);
    size_t len;
    const char *text = lua_tolstring(L, -2, &len);
    dk_error err;
    if (dk_file_write_atomic(path, text, len, &err) != DK_OK) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -2);
    return 2;
}

static const char *const draw_keys[] = {"after_run", NULL};

/* m:draw(path, { after_run = result }) -> true | nil, message. The format comes from the
 * extension; after_run overlays utilisation and the share of calls rejected or failed per
 * component, rate and p99 per link. */
static int m_draw(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    const char *path = luaL_checkstring(L, 2);
    dk_draw_overlay overlay, *ov = NULL;
    dk_error err;
    lua_settop(L, 3);
    if (!lua_isnil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        dk_l_check_keys(L, 3, "draw", draw_keys);
        if (lua_getfield(L, 3, "after_run") != LUA_TNIL) {
            int r = lua_gettop(L);
            lsim *ls = lua_istable(L, r) ? dk_l_result_sim(L, r) : NULL;
            if (ls == NULL)
                return luaL_error(L, "draw: after_run must be the result of m:run");
            lua_getfield(L, LUA_REGISTRYINDEX, "designkit.results");
            lua_pushvalue(L, r);
            lua_rawget(L, -2);
            lua_getiuservalue(L, -1, 1);
            if (!lua_rawequal(L, -1, 1))
                return luaL_error(L, "draw: after_run is the result of another model's run");
            lua_pop(L, 3);
            size_t nc = dk_model_comp_count(lm->m), nl = dk_model_link_count(lm->m);
            double *buf = (double *)lua_newuserdatauv(L, (2 * nc + 2 * nl + 1) * sizeof *buf, 0);
            double *util = buf, *errors = buf + nc, *rate = buf + 2 * nc, *p99 = buf + 2 * nc + nl;
            dk_time_t end = dk_sim_measured_time(ls->sim); /* after any warm-up */
            double secs = end > 0 ? (double)end / 1e9 : 1;
            /* Actor i is component i: the builder makes them in component order. Components
             * added after the run have no actor and get no figures. */
            size_t na = dk_sim_actor_count(ls->sim);
            for (size_t i = 0; i < nc; i++) {
                dk_metrics mx;
                util[i] = errors[i] = -1;
                if (i < na) {
                    dk_actor_t *a = dk_sim_actor(ls->sim, i);
                    const dk_actor_stats *s = dk_actor_get_stats(a);
                    dk_actor_metrics(a, end, &mx);
                    if (!dk_metrics_get(&mx, DK_METRIC_UTILISATION, &util[i]))
                        util[i] = -1;
                    if (s->arrivals > 0)
                        errors[i] = (double)(s->rejected + s->failed) / (double)s->arrivals;
                }
            }
            for (size_t i = 0; i < nl; i++) {
                dk_comp_t *from, *to;
                const dk_dist_t *lat;
                dk_model_link_at(lm->m, i, &from, &to, &lat);
                dk_actor_t *af =
                    dk_comp_index(from) < na ? dk_sim_actor(ls->sim, dk_comp_index(from)) : NULL;
                dk_actor_t *at =
                    dk_comp_index(to) < na ? dk_sim_actor(ls->sim, dk_comp_index(to)) : NULL;
                const dk_actor_stats *s = at ? dk_actor_get_stats(at) : NULL;
                rate[i] = af && at ? (double)dk_sim_link_calls(af, at) / secs : -1;
                /* The callee's p99, shown on a link that carried calls: an idle link's would
                 * belong to the callee's other callers. */
                p99[i] = rate[i] != 0 && s && s->latency && dk_hist_count(s->latency) > 0
                             ? (double)dk_hist_percentile(s->latency, 99)
                             : -1;
            }
            overlay.utilisation = util;
            overlay.errors = errors;
            overlay.link_rate = rate;
            overlay.link_p99 = p99;
            ov = &overlay;
        }
    }
    const char *why = denied(L, path);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (dk_draw_file(lm->m, ov, path, &err) != DK_OK) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int from_text(lua_State *L, const char *text, size_t len, const char *source)
{
    dk_error err;
    dk_l_push_model(L, NULL);
    dk_model_t *m = dk_model_from_json(text, len, source, dk_kinds_find, &err);
    if (m == NULL) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    ((lmodel *)lua_touserdata(L, -1))->m = m;
    return 1;
}

/* dk.from_json(text [, source]) -> model | nil, message */
static int l_from_json(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    const char *source = luaL_optstring(L, 2, "json");
    return from_text(L, text, len, source);
}

/* dk.load_json(path) -> model | nil, message */
static int l_load_json(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char **data = (char **)dk_l_newbox(L, dk_free);
    int bidx = lua_gettop(L);
    size_t len;
    dk_error err;
    if (dk_file_read(path, data, &len, &err) != DK_OK) {
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushlstring(L, *data, len);
    dk_l_box_free(L, bidx);
    size_t n;
    const char *text = lua_tolstring(L, -1, &n);
    return from_text(L, text, n, path);
}

static const luaL_Reg model_methods[] = {
    {"to_json", m_to_json},
    {"export", m_export},
    {"draw", m_draw},
    {NULL, NULL},
};

static const luaL_Reg export_funcs[] = {
    {"from_json", l_from_json},
    {"load_json", l_load_json},
    {NULL, NULL},
};

void dk_l_open_export(lua_State *L)
{
    luaL_getmetatable(L, DK_MT_MODEL);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, model_methods, 0);
    lua_pop(L, 2);
    luaL_setfuncs(L, export_funcs, 0);
}

/* l_group.c - groups as Lua userdata: m:group, group:<kind> constructors and group fields. */
#include <stdio.h>
#include <string.h>

#include "l_common.h"

/* ---- helpers ---- */

lgroup *dk_l_check_group(lua_State *L, int idx)
{
    lgroup *g = (lgroup *)luaL_checkudata(L, idx, DK_MT_GROUP);
    if (g->lm->m == NULL)
        luaL_argerror(L, idx, "its model is closed");
    return g;
}

void dk_l_push_group(lua_State *L, int midx, dk_group_t *g)
{
    lmodel *lm = (lmodel *)lua_touserdata(L, midx);
    size_t n = dk_model_group_count(lm->m), i;
    for (i = 0; i < n && dk_model_group(lm->m, i) != g; i++)
        ;
    midx = lua_absindex(L, midx);
    dk_l_push_state(L, midx, "groups");
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TNIL) {
        lua_pop(L, 1);
        lgroup *lg = (lgroup *)lua_newuserdatauv(L, sizeof *lg, 1);
        lg->g = g;
        lg->lm = lm;
        luaL_setmetatable(L, DK_MT_GROUP);
        lua_pushvalue(L, midx);
        lua_setiuservalue(L, -2, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_remove(L, -2);
}

/* ---- creating groups ---- */

static const char *const group_keys[] = {"kind", NULL};

static int make_group(lua_State *L, int midx, dk_group_t *parent, const char *name, int o)
{
    lmodel *lm = (lmodel *)lua_touserdata(L, midx);
    const char *kind = "group";
    dk_error err;
    if (lua_istable(L, o)) {
        char what[128];
        snprintf(what, sizeof what, "group \"%s\"", name);
        dk_l_check_keys(L, o, what, group_keys);
        lua_getfield(L, o, "kind");
        if (!lua_isnil(L, -1)) {
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "group \"%s\": kind must be a string", name);
            kind = lua_tostring(L, -1);
        }
    } else if (!lua_isnoneornil(L, o)) {
        return luaL_error(L, "group \"%s\": options must be a table (got %s)", name,
                          luaL_typename(L, o));
    }
    dk_group_t *g = dk_model_add_group(lm->m, parent, name, kind, &err);
    if (g == NULL)
        return dk_l_raise(L, &err);
    dk_l_push_group(L, midx, g);
    return 1;
}

static int group_k(lua_State *L)
{
    int midx = lua_upvalueindex(1);
    lgroup *lg = (lgroup *)luaL_testudata(L, lua_upvalueindex(2), DK_MT_GROUP);
    dk_l_check_model(L, midx);
    return make_group(L, midx, lg ? lg->g : NULL, lua_tostring(L, lua_upvalueindex(3)), 1);
}

/* m:group "us-east" { kind = "region" } and group:group "a" { kind = "zone" }. */
int dk_l_m_group(lua_State *L)
{
    int midx = 1;
    lgroup *lg = (lgroup *)luaL_testudata(L, 1, DK_MT_GROUP);
    if (lg != NULL) {
        dk_l_check_group(L, 1);
        lua_getiuservalue(L, 1, 1);
        midx = lua_gettop(L);
    } else {
        dk_l_check_model(L, 1);
    }
    const char *name = luaL_checkstring(L, 2);
    if (lua_istable(L, 3))
        return make_group(L, midx, lg ? lg->g : NULL, name, 3);
    lua_pushvalue(L, midx);
    if (lg)
        lua_pushvalue(L, 1);
    else
        lua_pushboolean(L, 0);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, group_k, 3);
    return 1;
}

/* ---- groups ---- */

static int g_index(lua_State *L)
{
    lgroup *g = dk_l_check_group(L, 1);
    const char *k = luaL_checkstring(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) /* raw: skip the missing-method fallback */
        return 1;
    if (strcmp(k, "name") == 0) {
        lua_pushstring(L, dk_group_name(g->g));
    } else if (strcmp(k, "kind") == 0) {
        lua_pushstring(L, dk_group_kind(g->g));
    } else if (strcmp(k, "parent") == 0) {
        dk_group_t *p = dk_group_parent(g->g);
        if (p == NULL)
            return 0;
        lua_getiuservalue(L, 1, 1);
        dk_l_push_group(L, lua_gettop(L), p);
    } else {
        lua_getfield(L, lua_upvalueindex(1), k); /* the missing-method fallback */
    }
    return 1;
}

static int g_tostring(lua_State *L)
{
    lgroup *g = (lgroup *)luaL_checkudata(L, 1, DK_MT_GROUP);
    if (g->lm->m == NULL)
        lua_pushliteral(L, "group (closed model)");
    else
        lua_pushfstring(L, "%s \"%s\"", dk_group_kind(g->g), dk_group_name(g->g));
    return 1;
}

/* The m:<kind> constructors are added from the registry by dk_l_new_class. */
static const luaL_Reg group_methods[] = {
    {"group", dk_l_m_group},
    {"component", dk_l_m_component},
    {NULL, NULL},
};

/* Registers the group class; called by dk_l_open_model. */
void dk_l_open_group(lua_State *L)
{
    dk_l_new_class(L, DK_MT_GROUP, group_methods, g_index, g_tostring, NULL);
    lua_pop(L, 1);
}

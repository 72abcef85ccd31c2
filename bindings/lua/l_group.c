/* l_group.c - groups as Lua userdata: m:group, group:<kind> constructors and group fields. */
#include <stdio.h>
#include <string.h>

#include "l_common.h"

static const char *const group_keys[] = {"kind", NULL};

/* Adds group `name` under `parent` to the model with the options at `o` (0: none) and returns
 * it; raises on a bad option or a taken name. */
static dk_group_t *add_group(lua_State *L, lmodel *lm, dk_group_t *parent, const char *name, int o)
{
    const char *kind = "group";
    dk_error err;
    if (o != 0 && lua_istable(L, o)) {
        char what[128];
        snprintf(what, sizeof what, "group \"%s\"", name);
        dk_l_check_keys(L, o, what, group_keys);
        lua_getfield(L, o, "kind");
        if (!lua_isnil(L, -1)) {
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "group \"%s\": kind must be a string", name);
            kind = lua_tostring(L, -1);
        }
    } else if (o != 0 && !lua_isnoneornil(L, o)) {
        luaL_error(L, "group \"%s\": options must be a table (got %s)", name, luaL_typename(L, o));
    }
    dk_l_check_unfrozen(L, lm, name);
    dk_group_t *g = dk_model_add_group(lm->m, parent, name, kind, &err);
    if (g == NULL)
        dk_l_raise(L, &err);
    if (o != 0 && lua_istable(L, o))
        lua_pop(L, 1);
    return g;
}

/* Makes the waiting group at `idx` with the options at `o` (0: none): the userdata becomes the
 * group's one userdata, as if dk_l_push_group had made it. */
static void make_waiting(lua_State *L, int idx, int o)
{
    lgroup *lg = (lgroup *)lua_touserdata(L, idx);
    idx = lua_absindex(L, idx);
    lua_getiuservalue(L, idx, 2);
    const char *name = lua_tostring(L, -1);
    int name_idx = lua_gettop(L);
    lg->g = add_group(L, lg->lm, lg->parent, name, o);
    lua_getiuservalue(L, idx, 1);
    dk_l_push_state(L, lua_gettop(L), "groups");
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, (lua_Integer)dk_model_group_count(lg->lm->m));
    lua_settop(L, name_idx - 1);
    lua_pushnil(L);
    lua_setiuservalue(L, idx, 2);
}

lgroup *dk_l_check_group(lua_State *L, int idx)
{
    lgroup *g = (lgroup *)luaL_checkudata(L, idx, DK_MT_GROUP);
    if (g->lm->m == NULL)
        dk_l_closed_error(L, idx, "the group's model");
    if (g->g == NULL)
        make_waiting(L, idx, 0);
    return g;
}

static lgroup *new_group_udata(lua_State *L, int midx, dk_group_t *g, dk_group_t *parent)
{
    lgroup *lg = (lgroup *)lua_newuserdatauv(L, sizeof *lg, 2);
    lg->g = g;
    lg->lm = (lmodel *)lua_touserdata(L, midx);
    lg->parent = parent;
    luaL_setmetatable(L, DK_MT_GROUP);
    lua_pushvalue(L, midx);
    lua_setiuservalue(L, -2, 1);
    return lg;
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
        new_group_udata(L, midx, g, dk_group_parent(g));
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_remove(L, -2);
}

/* ---- creating groups ---- */

/* m:group "us-east" { kind = "region" }, m:group("us-east", { ... }) and group:group alike.
 * The first form calls the group with its options; left without them (m:group "eu"), the group
 * is made with kind "group" as soon as it is used. */
int dk_l_m_group(lua_State *L)
{
    int midx = 1;
    lua_settop(L, 3);
    lgroup *lg = (lgroup *)luaL_testudata(L, 1, DK_MT_GROUP);
    if (lg != NULL) {
        dk_l_check_group(L, 1);
        lua_getiuservalue(L, 1, 1);
        midx = lua_gettop(L);
    } else {
        dk_l_check_model(L, 1);
    }
    lmodel *lm = (lmodel *)lua_touserdata(L, midx);
    const char *name = dk_l_check_name(L, 2, "group name");
    if (!lua_isnil(L, 3)) {
        dk_group_t *g = add_group(L, lm, lg ? lg->g : NULL, name, 3);
        dk_l_push_group(L, midx, g);
        return 1;
    }
    if (dk_model_find_group(lm->m, name) != NULL) /* say so here, not where it is first used */
        return luaL_error(L, "a group named \"%s\" already exists", name);
    new_group_udata(L, midx, NULL, lg ? lg->g : NULL);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 2);
    return 1;
}

/* group { kind = "region" }: the options of a group made by m:group "eu", once. */
static int g_call(lua_State *L)
{
    lgroup *lg = (lgroup *)luaL_checkudata(L, 1, DK_MT_GROUP);
    if (lg->lm->m == NULL)
        return dk_l_closed_error(L, 1, "the group's model");
    if (lg->g != NULL)
        return luaL_error(L,
                          "group \"%s\": options go right after the name, once: "
                          "m:group \"%s\" { kind = \"%s\" }",
                          dk_group_name(lg->g), dk_group_name(lg->g), dk_group_kind(lg->g));
    if (!lua_istable(L, 2)) {
        lua_getiuservalue(L, 1, 2);
        return luaL_error(L, "group \"%s\": options must be a table (got %s)", lua_tostring(L, -1),
                          luaL_typename(L, 2));
    }
    make_waiting(L, 1, 2);
    lua_settop(L, 1);
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
    if (g->lm->m == NULL) {
        lua_pushliteral(L, "group (closed model)");
    } else if (g->g == NULL) {
        lua_getiuservalue(L, 1, 2);
        lua_pushfstring(L, "group \"%s\"", lua_tostring(L, -1));
    } else {
        lua_pushfstring(L, "%s \"%s\"", dk_group_kind(g->g), dk_group_name(g->g));
    }
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
    lua_pushcfunction(L, g_call);
    lua_setfield(L, -2, "__call");
    lua_pop(L, 1);
}

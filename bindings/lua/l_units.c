/* l_units.c - dk.duration, dk.size, dk.rate, dk.percent and their formatting counterparts. */
#include <math.h>
#include <stdio.h>

#include "l_common.h"

int dk_l_to_duration(lua_State *L, int idx, int64_t *ns, dk_error *err)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double s = lua_tonumber(L, idx);
        if (!(s >= 0) || s * 1e9 > 9.2e18) {
            dk_error_set(err, DK_ERANGE, "invalid duration %g: must be between 0 and 292y", s);
            return 0;
        }
        *ns = (int64_t)llround(s * 1e9);
        return 1;
    }
    if (lua_type(L, idx) == LUA_TSTRING)
        return dk_parse_duration(lua_tostring(L, idx), ns, err) == DK_OK;
    dk_error_set(err, DK_EINVAL, "a duration must be a string like \"2ms\" or seconds (got %s)",
                 luaL_typename(L, idx));
    return 0;
}

/* Text is parsed; a number passes through, already in base units. */
static int l_duration(lua_State *L)
{
    int64_t ns;
    dk_error err;
    luaL_checkany(L, 1);
    if (!dk_l_to_duration(L, 1, &ns, &err))
        return luaL_error(L, "%s", err.message);
    lua_pushnumber(L, (double)ns / 1e9);
    return 1;
}

static int l_size(lua_State *L)
{
    uint64_t bytes;
    dk_error err;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        lua_settop(L, 1);
        return 1;
    }
    if (dk_parse_size(luaL_checkstring(L, 1), &bytes, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    if (bytes <= (uint64_t)LUA_MAXINTEGER)
        lua_pushinteger(L, (lua_Integer)bytes);
    else
        lua_pushnumber(L, (double)bytes);
    return 1;
}

static int l_rate(lua_State *L)
{
    double r;
    dk_error err;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        lua_settop(L, 1);
        return 1;
    }
    if (dk_parse_rate(luaL_checkstring(L, 1), &r, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_pushnumber(L, r);
    return 1;
}

static int l_percent(lua_State *L)
{
    double f;
    dk_error err;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        lua_settop(L, 1);
        return 1;
    }
    if (dk_parse_percent(luaL_checkstring(L, 1), &f, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_pushnumber(L, f);
    return 1;
}

static int l_format_duration(lua_State *L)
{
    char buf[64];
    double s = luaL_checknumber(L, 1);
    luaL_argcheck(L, s >= 0 && s * 1e9 < 9.2e18, 1, "duration out of range");
    dk_format_duration((int64_t)llround(s * 1e9), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int l_format_size(lua_State *L)
{
    char buf[64];
    double b = luaL_checknumber(L, 1);
    luaL_argcheck(L, b >= 0 && b < 1.8e19, 1, "size out of range");
    dk_format_size((uint64_t)llround(b), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int l_format_rate(lua_State *L)
{
    char buf[64];
    double r = luaL_checknumber(L, 1);
    dk_format_rate(r, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static const luaL_Reg units_funcs[] = {
    {"duration", l_duration},
    {"size", l_size},
    {"rate", l_rate},
    {"percent", l_percent},
    {"format_duration", l_format_duration},
    {"format_size", l_format_size},
    {"format_rate", l_format_rate},
    {NULL, NULL},
};

/* Adds the unit functions to the module table on top of the stack. */
void dk_l_open_units(lua_State *L)
{
    luaL_setfuncs(L, units_funcs, 0);
}

/* l_error.c - a dk_status that crosses into Lua: an error value that keeps its status, so that
 * a host can tell an engine failure (a bug, or memory running out) from a script's mistake. */
#include <stdarg.h>
#include <string.h>

#include "l_common.h"

/*
 * dk_l_push_status_name - pushes the name a script sees for a status: the X-macro's name in
 * lower case without its "DK_E" (DK_EINTERNAL -> "internal", DK_ENOMEM -> "nomem", DK_OK ->
 * "ok"). Derived from the one list, so a new status needs no edit here; unknown codes give
 * "unknown".
 */
void dk_l_push_status_name(lua_State *L, dk_status st)
{
    const char *name = NULL;
    char lower[32];
    size_t i;
    switch (st) {
#define NAME(id, value, text)                                                                      \
    case id:                                                                                       \
        name = #id;                                                                                \
        break;
        DK_STATUS_LIST(NAME)
#undef NAME
    }
    if (name == NULL) {
        lua_pushliteral(L, "unknown");
        return;
    }
    name += strncmp(name, "DK_E", 4) == 0 ? 4 : 3;
    for (i = 0; name[i] != '\0' && i < sizeof lower - 1; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    lua_pushlstring(L, lower, i);
}

/* error.message, with nothing added: the message already names the place. */
static int e_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    if (!lua_isstring(L, -1))
        lua_pushliteral(L, "(error without a message)");
    return 1;
}

void dk_l_open_error(lua_State *L)
{
    luaL_newmetatable(L, DK_MT_ERROR);
    lua_pushcfunction(L, e_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

int dk_l_raise_status(lua_State *L, dk_status st, const char *fmt, ...)
{
    va_list ap;
    lua_createtable(L, 0, 2);
    dk_l_push_status_name(L, st);
    lua_setfield(L, -2, "status");
    luaL_where(L, 1);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, DK_MT_ERROR);
    return lua_error(L);
}

int dk_l_raise_status_at(lua_State *L, dk_status st, const char *place, const char *fmt, ...)
{
    va_list ap;
    lua_createtable(L, 0, 2);
    dk_l_push_status_name(L, st);
    lua_setfield(L, -2, "status");
    if (place != NULL)
        lua_pushstring(L, place);
    else
        luaL_where(L, 1);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, DK_MT_ERROR);
    return lua_error(L);
}

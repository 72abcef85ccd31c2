/* l_name.c - where a name enters from Lua: a Lua string may hold a NUL, which the C side would
 * silently cut, so every name is checked with the length Lua gives before it goes further. */
#include <string.h>

#include "l_common.h"

/*
 * dk_l_check_name - the string at `idx` as a name (dk_name_check's rule, with the length Lua
 * knows, so "a\0b" is an error and not "a"). Raises "FILE:LINE: <what> "a\x00b": NUL character
 * (U+0000) at byte 2" at the caller's line; a value that is not a string (or number) raises the
 * usual bad-argument error. The returned string is borrowed from the Lua stack.
 */
const char *dk_l_check_name(lua_State *L, int idx, const char *what)
{
    size_t len;
    dk_error err;
    const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len)
                                                    : luaL_checklstring(L, idx, &len);
    if (dk_name_check(what, s, len, &err) != DK_OK)
        dk_l_raise(L, &err);
    return s;
}

/* The string at `idx` for a lookup by name: NULL when it holds a NUL (no name can), so that
 * m:find "a\0b" finds nothing instead of "a". */
const char *dk_l_lookup_name(lua_State *L, int idx)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    return strlen(s) == len ? s : NULL;
}

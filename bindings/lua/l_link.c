/* l_link.c - the options of m:link(a, b, { ... }): the link schema's options (weight,
 * distance, timeout) and its groups (retry = { ... }, breaker = { ... }, bulkhead = { ... })
 * turned into one flat table of schema names, which l_component.c applies to each link made. */
#include <string.h>

#include "l_common.h"

/* The keys m:link's table may hold besides the link schema's: what the model's link itself
 * takes. */
static const char *const own_keys[] = {"latency", "async", NULL};

/* Pushes "latency, async, weight, distance, timeout, retry, breaker, bulkhead". */
static void push_valid(lua_State *L, const dk_kind *schema)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const char *const *k = own_keys; *k; k++) {
        luaL_addstring(&b, *k);
        luaL_addstring(&b, ", ");
    }
    const char *last_group = NULL;
    for (size_t i = 0; i < schema->nprops; i++) {
        const char *g = dk_link_option_group((int)i);
        if (g != NULL && last_group != NULL && strcmp(g, last_group) == 0)
            continue;
        if (i > 0)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, g != NULL ? g : schema->props[i].name);
        last_group = g;
    }
    luaL_pushresult(&b);
}

/* The key nearest to the misspelt `bad` among those `group` holds (NULL: the top level,
 * m:link's own keys and the group names included), or NULL. */
static const char *nearest(const dk_kind *schema, const char *group, const char *bad)
{
    dk_suggest s;
    dk_suggest_init(&s, bad);
    if (group == NULL)
        for (const char *const *k = own_keys; *k; k++)
            dk_suggest_add(&s, *k);
    for (size_t i = 0; i < schema->nprops; i++) {
        const char *g = dk_link_option_group((int)i);
        if (group == NULL && g != NULL)
            dk_suggest_add(&s, g);
        else if ((g == NULL) == (group == NULL) && (g == NULL || strcmp(g, group) == 0))
            dk_suggest_add(&s, dk_link_option_key(schema, (int)i));
    }
    return dk_suggest_best(&s);
}

static int is_group(const char *k)
{
    for (int i = 0; i < DK_LINK__COUNT; i++)
        if (dk_link_option_group(i) != NULL && strcmp(dk_link_option_group(i), k) == 0)
            return 1;
    return 0;
}

/* Copies the group table at `t` (its name `group`) into `flat` under the schema's names. */
static void flatten_group(lua_State *L, const dk_kind *schema, const char *what, const char *group,
                          int t, int flat)
{
    if (!lua_istable(L, t))
        luaL_error(L, "%s: %s must be a table of options, as in %s = { ... } (got %s)", what, group,
                   group, luaL_typename(L, t));
    const char *bad = NULL; /* the first unknown key in sorted order, so the message repeats */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "%s: %s: option names must be strings", what, group);
        const char *k = lua_tostring(L, -2);
        int id = dk_link_option_find(schema, group, k);
        if (id < 0 && (bad == NULL || strcmp(k, bad) < 0))
            bad = k;
        if (id >= 0)
            lua_setfield(L, flat, schema->props[id].name);
        else
            lua_pop(L, 1);
    }
    if (bad != NULL) {
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (size_t i = 0, n = 0; i < schema->nprops; i++) {
            const char *g = dk_link_option_group((int)i);
            if (g == NULL || strcmp(g, group) != 0)
                continue;
            if (n++ > 0)
                luaL_addstring(&b, ", ");
            luaL_addstring(&b, dk_link_option_key(schema, (int)i));
        }
        luaL_pushresult(&b);
        dk_l_push_did_you_mean(L, nearest(schema, group, bad));
        luaL_error(L, "%s: %s: unknown option \"%s\"%s (valid: %s)", what, group, bad,
                   lua_tostring(L, -1), lua_tostring(L, -2));
    }
}

/*
 * dk_l_link_options - checks the keys of m:link's options table at `opts` and pushes the
 * link schema's options it holds as one flat table of schema names (retry.attempts as
 * attempts, breaker.window as breaker_window), or nil when it holds none. `what` names the
 * call in messages ("link").
 */
void dk_l_link_options(lua_State *L, int opts, const char *what)
{
    const dk_kind *schema = dk_link_schema();
    int any = 0;
    opts = lua_absindex(L, opts);
    lua_newtable(L);
    int flat = lua_gettop(L);
    const char *bad = NULL; /* the first unknown key in sorted order, so the message repeats */
    lua_pushnil(L);
    while (lua_next(L, opts)) {
        int v = lua_gettop(L);
        if (lua_type(L, -2) != LUA_TSTRING) {
            push_valid(L, schema);
            luaL_error(L, "%s: option names must be strings (valid: %s)", what,
                       lua_tostring(L, -1));
        }
        const char *k = lua_tostring(L, -2);
        int own = 0;
        for (const char *const *o = own_keys; *o; o++)
            own |= strcmp(*o, k) == 0;
        if (own) {
        } else if (is_group(k)) {
            flatten_group(L, schema, what, k, v, flat);
            any = 1;
        } else if (dk_link_option_find(schema, NULL, k) >= 0) {
            lua_pushvalue(L, v);
            lua_setfield(L, flat, k);
            any = 1;
        } else if (bad == NULL || strcmp(k, bad) < 0) {
            bad = k;
        }
        lua_settop(L, v - 1);
    }
    if (bad != NULL) {
        push_valid(L, schema);
        dk_l_push_did_you_mean(L, nearest(schema, NULL, bad));
        luaL_error(L, "%s: unknown option \"%s\"%s (valid: %s)", what, bad, lua_tostring(L, -1),
                   lua_tostring(L, -2));
    }
    if (!any) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

/* l_statemachine_export.c - m:dot(), m:draw(path), m:mermaid(), m:paths(),
 * m:covering_paths() and m:replay(path): a dk.statemachine's definition drawn, written as text,
 * and turned into the event paths that test it. */
#include "l_statemachine_export.h"

#include <string.h>

static void free_text(void *p)
{
    dk_free(p);
}

/* Seconds: an integer when whole, so that paths print as "30", not "30.0". */
static void push_seconds(lua_State *L, int64_t ns)
{
    if (ns % 1000000000 == 0)
        lua_pushinteger(L, ns / 1000000000);
    else
        lua_pushnumber(L, (lua_Number)ns / 1e9);
}

static void free_paths(void *p)
{
    dk_sm_paths_free(p);
}

static int raise(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM || err->status == DK_EINTERNAL)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

/* m:dot() - the DOT text Graphviz lays out. */
int dk_l_sm_dot(lua_State *L)
{
    const dk_sm_def_t *d = dk_l_statemachine_def(L, 1);
    dk_error err;
    size_t len;
    char **slot = (char **)dk_l_newbox(L, free_text);
    if (dk_sm_render(d, DK_DRAW_DOT, slot, &len, &err) != DK_OK)
        return raise(L, &err);
    lua_pushlstring(L, *slot, len);
    dk_l_box_free(L, -2);
    return 1;
}

/* m:draw(path) - writes the drawing, format from the extension (.svg .png .pdf .dot): true, or
 * nil and the reason (a write the sandbox forbids, a file that cannot be written). */
int dk_l_sm_draw(lua_State *L)
{
    const dk_sm_def_t *d = dk_l_statemachine_def(L, 1);
    const char *path = luaL_checkstring(L, 2);
    dk_error err;
    dk_draw_format fmt;
    if (dk_draw_format_from_path(path, &fmt, &err) != DK_OK)
        return raise(L, &err);
    const char *why = dk_l_write_denied(L, path);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (dk_sm_draw_file(d, path, &err) != DK_OK) {
        if (err.status == DK_ENOMEM)
            return raise(L, &err);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* m:mermaid() - the Mermaid stateDiagram-v2 text. */
int dk_l_sm_mermaid(lua_State *L)
{
    const dk_sm_def_t *d = dk_l_statemachine_def(L, 1);
    dk_error err;
    char **slot = (char **)dk_l_newbox(L, free_text);
    if (dk_sm_mermaid(d, slot, &err) != DK_OK)
        return raise(L, &err);
    lua_pushstring(L, *slot);
    dk_l_box_free(L, -2);
    return 1;
}

/* m:scxml() - the SCXML text, and the list of what was left out (guards and actions). */
int dk_l_sm_scxml(lua_State *L)
{
    const dk_sm_def_t *d = dk_l_statemachine_def(L, 1);
    dk_error err;
    char **slot = (char **)dk_l_newbox(L, free_text);
    char **left = (char **)dk_l_newbox(L, free_text);
    if (dk_sm_scxml(d, slot, left, &err) != DK_OK)
        return raise(L, &err);
    lua_pushstring(L, *slot);
    lua_newtable(L);
    lua_Integer n = 0;
    for (const char *p = *left; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        lua_pushlstring(L, p, (size_t)(nl - p));
        lua_rawseti(L, -2, ++n);
        p = nl + 1;
    }
    dk_l_box_free(L, -4);
    dk_l_box_free(L, -3);
    return 2;
}

/* dk.from_scxml(text) - a machine (not started, without guards or actions) read from SCXML, or
 * nil and the reason naming the line. */
int dk_l_from_scxml(lua_State *L)
{
    const char *text = luaL_checkstring(L, 1);
    dk_error err;
    dk_sm_def_t *d = dk_sm_from_scxml(text, &err);
    if (d == NULL) {
        if (err.status == DK_ENOMEM)
            return raise(L, &err);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    return dk_l_push_statemachine(L, d);
}

/* { source =, event =, after = seconds, targets = { ... } } for transition `k`. */
static void push_transition(lua_State *L, const dk_sm_def_t *d, int k)
{
    dk_sm_transition t;
    dk_sm_def_transition_at(d, k, &t);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, t.source);
    lua_setfield(L, -2, "source");
    if (t.event != NULL) {
        lua_pushstring(L, t.event);
        lua_setfield(L, -2, "event");
    }
    if (t.after_ns > 0) {
        push_seconds(L, t.after_ns);
        lua_setfield(L, -2, "after");
    }
    lua_createtable(L, (int)t.ntargets, 0);
    for (size_t i = 0; i < t.ntargets; i++) {
        lua_pushstring(L, t.targets[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "targets");
}

/* A path: { target = id (shortest paths), steps = { event | seconds, ... }, covers = { ... }
 * (covering paths) }. */
static void push_path(lua_State *L, const dk_sm_def_t *d, const dk_sm_path *p, int cover)
{
    lua_createtable(L, 0, 3);
    if (p->target != NULL) {
        lua_pushstring(L, p->target);
        lua_setfield(L, -2, "target");
    }
    lua_createtable(L, (int)p->nsteps, 0);
    for (size_t i = 0; i < p->nsteps; i++) {
        if (p->steps[i].event != NULL)
            lua_pushstring(L, p->steps[i].event);
        else
            push_seconds(L, p->steps[i].after_ns);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "steps");
    if (cover) {
        lua_createtable(L, (int)p->ncovers, 0);
        for (size_t i = 0; i < p->ncovers; i++) {
            push_transition(L, d, p->covers[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "covers");
    }
}

static int push_paths(lua_State *L, int cover)
{
    const dk_sm_def_t *d = dk_l_statemachine_def(L, 1);
    dk_error err;
    dk_sm_paths **slot = (dk_sm_paths **)dk_l_newbox(L, free_paths);
    dk_status rc =
        cover ? dk_sm_covering_paths(d, slot, &err) : dk_sm_shortest_paths(d, slot, &err);
    if (rc != DK_OK)
        return raise(L, &err);
    const dk_sm_paths *p = *slot;
    lua_createtable(L, (int)p->npaths, 1);
    for (size_t i = 0; i < p->npaths; i++) {
        push_path(L, d, &p->paths[i], cover);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    if (cover) {
        lua_createtable(L, (int)p->nuncovered, 0);
        for (size_t i = 0; i < p->nuncovered; i++) {
            push_transition(L, d, p->uncovered[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "uncovered");
    } else {
        lua_createtable(L, (int)p->nmissing, 0);
        for (size_t i = 0; i < p->nmissing; i++) {
            lua_pushstring(L, p->missing[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "missing");
    }
    dk_l_box_free(L, -2);
    return 1;
}

/* m:paths() - the shortest path to every state (see dk_sm_shortest_paths), and `missing`. */
int dk_l_sm_paths(lua_State *L)
{
    return push_paths(L, 0);
}

/* m:covering_paths() - paths taking every transition, and `uncovered`. */
int dk_l_sm_covering_paths(lua_State *L)
{
    return push_paths(L, 1);
}

/* m:replay(path) - starts the machine (never started), runs the path's steps through m:send and
 * m:advance (so its own guards and actions run) and returns true when the path's target is then
 * active (or it has none), else false and what is active. */
int dk_l_sm_replay(lua_State *L)
{
    dk_l_statemachine_def(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 1, "start");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 0);
    if (lua_getfield(L, 2, "steps") != LUA_TTABLE)
        return luaL_error(L, "replay: the path has no steps table");
    for (lua_Integer i = 1;; i++) {
        int kind = lua_rawgeti(L, -1, i);
        if (kind == LUA_TNIL) {
            lua_pop(L, 1);
            break;
        }
        if (kind != LUA_TSTRING && kind != LUA_TNUMBER)
            return luaL_error(L, "replay: step %d is a %s, not an event or a number of seconds",
                              (int)i, luaL_typename(L, -1));
        lua_getfield(L, 1, kind == LUA_TSTRING ? "send" : "advance");
        lua_pushvalue(L, 1);
        lua_pushvalue(L, -3);
        lua_call(L, 2, 0);
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 2, "target") == LUA_TNIL) {
        lua_pushboolean(L, 1);
        return 1;
    }
    const char *target = luaL_checkstring(L, -1);
    lua_getfield(L, 1, "is_in");
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 1);
    if (lua_toboolean(L, -1))
        return 1;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "replay: ");
    luaL_addstring(&b, target);
    luaL_addstring(&b, " is not active after the path; active:");
    lua_getfield(L, 1, "configuration");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
        const char *id = lua_tostring(L, -1);
        lua_pop(L, 1);
        luaL_addchar(&b, ' ');
        luaL_addstring(&b, id);
    }
    lua_pop(L, 2);
    luaL_pushresult(&b);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

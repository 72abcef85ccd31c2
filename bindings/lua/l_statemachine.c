/* l_statemachine.c - dk.statemachine: a statechart described by nested Lua tables, run by the C
 * engine (core/lld/statemachine.c) with Lua functions as its guards and actions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l_common.h"
#include "l_statemachine_export.h"

/* The machine userdata. Its user values: 1 the Lua callbacks (a list the C callbacks index),
 * 2 the data of the events in flight (by key), 3 the error a callback raised. */
typedef struct lsm {
    dk_sm_def_t *def;
    dk_sm_t *m;
    lua_State *L; /* the thread running the machine, while it runs */
    int running;
    int nfns;
    lua_Integer next_data;
} lsm;

enum { UV_FNS = 1, UV_DATA, UV_ERROR };

static lsm *check_sm(lua_State *L, int idx)
{
    lsm *s = (lsm *)luaL_checkudata(L, idx, DK_MT_STATEMACHINE);
    if (s->m == NULL)
        dk_l_closed_error(L, idx, "state machine");
    return s;
}

/* ---- calling Lua from the engine --------------------------------------------------------- */

/* Runs protected: (event pointer, callback index, machine) -> the callback's first result. */
static int trampoline(lua_State *L)
{
    const dk_sm_event *ev = lua_touserdata(L, 1);
    lua_getiuservalue(L, 3, UV_FNS);
    lua_rawgeti(L, -1, lua_tointeger(L, 2));
    if (ev != NULL && ev->name != NULL)
        lua_pushstring(L, ev->name);
    else
        lua_pushnil(L);
    lua_getiuservalue(L, 3, UV_DATA);
    lua_rawgeti(L, -1, ev != NULL ? (lua_Integer)(intptr_t)ev->data : 0);
    lua_remove(L, -2);
    lua_pushvalue(L, 3);
    lua_call(L, 3, 1);
    return 1;
}

/* Calls callback `fn` for `ev`; 1/0 its truth, or DK_EINTR with the error kept in UV_ERROR.
 * Never raises: the engine's frames are below (the machine userdata is at index 1). */
static int call_lua(dk_sm_t *m, const dk_sm_event *ev, int fn)
{
    lsm *s = dk_sm_context(m);
    lua_State *L = s->L;
    if (!lua_checkstack(L, 8))
        return DK_ENOMEM;
    lua_pushcfunction(L, trampoline);
    lua_pushlightuserdata(L, (void *)ev);
    lua_pushinteger(L, fn);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
        lua_setiuservalue(L, 1, UV_ERROR);
        return DK_EINTR;
    }
    int truth = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return truth;
}

static dk_status run_action(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    int rc = call_lua(m, ev, (int)(intptr_t)ud);
    return rc < 0 ? (dk_status)rc : DK_OK;
}

/* A transition's ud is its guard's index; its action's is the next one. */
static int run_guard(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    return call_lua(m, ev, (int)(intptr_t)ud);
}

static dk_status run_transition_action(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    return run_action(m, ev, (void *)((intptr_t)ud + 1));
}

/* ---- reading the description -------------------------------------------------------------- */

typedef struct reader {
    lua_State *L;
    lsm *s;
    int fns; /* stack index of the callback list */
    const char *machine;
} reader;

/* Appends the value at `idx` (a function or nil) to the callback list; its index. */
static int add_fn(reader *r, int idx, const char *state, const char *what)
{
    lua_State *L = r->L;
    if (!lua_isnil(L, idx) && !lua_isfunction(L, idx))
        luaL_error(L, "statemachine \"%s\": state \"%s\": %s must be a function (got %s)",
                   r->machine, state, what, luaL_typename(L, idx));
    lua_pushvalue(L, idx);
    lua_rawseti(L, r->fns, ++r->s->nfns);
    return r->s->nfns;
}

static void check(reader *r, dk_status rc, const dk_error *err)
{
    if (rc == DK_ENOMEM)
        dk_l_raise_status(r->L, rc, "%s", err->message);
    if (rc != DK_OK)
        luaL_error(r->L, "%s", err->message);
}

/* Pushes the keys of the table at `t`, which must be strings, as a list sorted by byte order,
 * so that what the description lists in a map comes out in the same order every run. */
static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void push_sorted_keys(reader *r, int t, const char *state, const char *field)
{
    lua_State *L = r->L;
    lua_newtable(L);
    int list = lua_gettop(L);
    lua_Integer n = 0;
    for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "statemachine \"%s\": state \"%s\": %s: keys must be strings (got %s)",
                       r->machine, state, field, luaL_typename(L, -2));
        lua_pushvalue(L, -2);
        lua_rawseti(L, list, ++n);
    }
    const char **keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *keys, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, list, i + 1);
        keys[i] = lua_tostring(L, -1); /* anchored by the list */
        lua_pop(L, 1);
    }
    qsort(keys, (size_t)n, sizeof *keys, by_string);
    lua_newtable(L);
    for (lua_Integer i = 0; i < n; i++) {
        lua_pushstring(L, keys[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_replace(L, list);
    lua_pop(L, 1);
}

/* One transition from `src` described by the value at `v`: "target", { target =, guard =,
 * action =, type = }, or a list of those (tried in order). */
static void add_transition(reader *r, const char *src, const char *event, int64_t after, int v,
                           const char *where)
{
    static const char *const keys[] = {"target", "guard", "action", "type", NULL};
    lua_State *L = r->L;
    int top = lua_gettop(L);
    v = lua_absindex(L, v);
    if (lua_istable(L, v) && lua_rawlen(L, v) > 0) {
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, v); i++) {
            lua_rawgeti(L, v, i);
            add_transition(r, src, event, after, -1, where);
            lua_pop(L, 1);
        }
        return;
    }
    const char *targets[16];
    dk_sm_transition t = {src, event, targets, 0, 0, after, NULL, NULL, NULL};
    if (lua_type(L, v) == LUA_TSTRING) {
        targets[t.ntargets++] = lua_tostring(L, v);
    } else if (lua_istable(L, v)) {
        lua_pushfstring(L, "statemachine \"%s\": state \"%s\": %s", r->machine, src, where);
        dk_l_check_keys(L, v, lua_tostring(L, -1), keys);
        lua_pop(L, 1);
        int tt = lua_getfield(L, v, "target");
        if (tt == LUA_TSTRING) {
            targets[t.ntargets++] = lua_tostring(L, -1);
        } else if (tt == LUA_TTABLE) {
            size_t n = lua_rawlen(L, -1);
            if (n > 16)
                luaL_error(L, "statemachine \"%s\": state \"%s\": %s: at most 16 targets (got %d)",
                           r->machine, src, where, (int)n);
            for (size_t i = 0; i < n; i++) {
                if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
                    luaL_error(L,
                               "statemachine \"%s\": state \"%s\": %s: target[%d] must be a "
                               "state's name (got %s)",
                               r->machine, src, where, (int)i + 1, luaL_typename(L, -1));
                targets[t.ntargets++] = lua_tostring(L, -1); /* anchored by the list */
                lua_pop(L, 1);
            }
        } else if (tt != LUA_TNIL) {
            luaL_error(L,
                       "statemachine \"%s\": state \"%s\": %s: target must be a state's name "
                       "or a list of them (got %s)",
                       r->machine, src, where, luaL_typename(L, -1));
        }
        int type = lua_getfield(L, v, "type");
        if (type != LUA_TNIL) {
            const char *ty = lua_tostring(L, -1);
            if (type != LUA_TSTRING || (strcmp(ty, "internal") && strcmp(ty, "external")))
                luaL_error(L,
                           "statemachine \"%s\": state \"%s\": %s: type must be \"internal\" "
                           "or \"external\" (got %s)",
                           r->machine, src, where, luaL_tolstring(L, -1, NULL));
            t.internal = strcmp(ty, "internal") == 0;
        }
        lua_pop(L, 1);
        lua_getfield(L, v, "guard");
        lua_getfield(L, v, "action");
        int g = add_fn(r, -2, src, "guard");
        add_fn(r, -1, src, "action");
        t.guard = lua_isnil(L, -2) ? NULL : run_guard;
        t.action = lua_isnil(L, -1) ? NULL : run_transition_action;
        t.ud = (void *)(intptr_t)g;
        lua_pop(L, 2); /* the target (or its list) stays anchored on the stack until we return */
    } else {
        luaL_error(L,
                   "statemachine \"%s\": state \"%s\": %s must be a target state's name or a "
                   "table (got %s)",
                   r->machine, src, where, luaL_typename(L, v));
    }
    dk_error err;
    check(r, dk_sm_def_transition(r->s->def, &t, &err), &err);
    lua_settop(L, top);
}

static void read_on(reader *r, int st, const char *id)
{
    lua_State *L = r->L;
    if (lua_getfield(L, st, "on") != LUA_TNIL) {
        int on = lua_gettop(L);
        if (!lua_istable(L, on))
            luaL_error(L,
                       "statemachine \"%s\": state \"%s\": on must be a table { EVENT = "
                       "target } (got %s)",
                       r->machine, id, luaL_typename(L, on));
        push_sorted_keys(r, on, id, "on");
        for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
            lua_rawgeti(L, -1, i);
            const char *ev = lua_tostring(L, -1);
            lua_pushvalue(L, -1);
            lua_gettable(L, on);
            lua_pushfstring(L, "on.%s", ev);
            add_transition(r, id, ev, 0, -2, lua_tostring(L, -1));
            lua_pop(L, 3);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, st, "always") != LUA_TNIL)
        add_transition(r, id, NULL, 0, -1, "always");
    lua_pop(L, 1);
}

typedef struct delay {
    int64_t ns;
    lua_Integer key; /* its index in the key list */
} delay;

static int by_delay(const void *a, const void *b)
{
    const delay *x = a, *y = b;
    if (x->ns != y->ns)
        return (x->ns > y->ns) - (x->ns < y->ns);
    return (x->key > y->key) - (x->key < y->key);
}

/* after = { ["5s"] = target, [2.5] = ... }: keys are durations (a number is seconds), taken
 * in order of the delay. */
static void read_after(reader *r, int st, const char *id)
{
    lua_State *L = r->L;
    if (lua_getfield(L, st, "after") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    int after = lua_gettop(L);
    if (!lua_istable(L, after))
        luaL_error(L,
                   "statemachine \"%s\": state \"%s\": after must be a table { [delay] = "
                   "target } (got %s)",
                   r->machine, id, luaL_typename(L, after));
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer n = 0;
    for (lua_pushnil(L); lua_next(L, after); lua_pop(L, 1)) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, keys, ++n);
    }
    delay *d = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *d, 0);
    for (lua_Integer i = 0; i < n; i++) {
        dk_error err;
        lua_rawgeti(L, keys, i + 1);
        if (!dk_l_to_duration(L, -1, &d[i].ns, &err))
            luaL_error(L, "statemachine \"%s\": state \"%s\": after[%s]: %s", r->machine, id,
                       luaL_tolstring(L, -1, NULL), err.message);
        if (d[i].ns <= 0)
            luaL_error(L,
                       "statemachine \"%s\": state \"%s\": after[%s]: a delay must be "
                       "positive",
                       r->machine, id, luaL_tolstring(L, -1, NULL));
        d[i].key = i + 1;
        lua_pop(L, 1);
    }
    qsort(d, (size_t)n, sizeof *d, by_delay);
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, keys, d[i].key);
        lua_pushfstring(L, "after[%s]", luaL_tolstring(L, -1, NULL));
        lua_pushvalue(L, -3);
        lua_gettable(L, after);
        add_transition(r, id, NULL, d[i].ns, -1, lua_tostring(L, -2));
        lua_pop(L, 4);
    }
    lua_settop(L, after - 1);
}

static void read_states(reader *r, int tbl, const char *parent);

/* One state: the table at `st`, named `id`, child of `parent` (NULL: the root). */
static void read_state(reader *r, int st, const char *parent, const char *id)
{
    static const char *const keys[] = {"id",      "initial", "states", "on",    "always",
                                       "after",   "entry",   "exit",   "final", "parallel",
                                       "history", "target",  NULL};
    lua_State *L = r->L;
    int top = lua_gettop(L);
    dk_error err;
    lua_pushfstring(L, "statemachine \"%s\": state \"%s\"", r->machine, id);
    dk_l_check_keys(L, st, lua_tostring(L, -1), keys);
    lua_pop(L, 1);
    dk_sm_kind kind = DK_SM_STATE;
    if (lua_getfield(L, st, "history") != LUA_TNIL) {
        const char *h = lua_tostring(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING || (strcmp(h, "shallow") && strcmp(h, "deep")))
            luaL_error(L,
                       "statemachine \"%s\": state \"%s\": history must be \"shallow\" or "
                       "\"deep\" (got %s)",
                       r->machine, id, luaL_tolstring(L, -1, NULL));
        kind = strcmp(h, "deep") == 0 ? DK_SM_HISTORY_DEEP : DK_SM_HISTORY_SHALLOW;
    }
    lua_pop(L, 1);
    lua_getfield(L, st, "final");
    lua_getfield(L, st, "parallel");
    if (lua_toboolean(L, -2))
        kind = kind == DK_SM_STATE ? DK_SM_FINAL : (dk_sm_kind)-1;
    if (lua_toboolean(L, -1))
        kind = kind == DK_SM_STATE ? DK_SM_PARALLEL : (dk_sm_kind)-1;
    lua_pop(L, 2);
    if ((int)kind < 0)
        luaL_error(L,
                   "statemachine \"%s\": state \"%s\": choose one of final, parallel and "
                   "history",
                   r->machine, id);
    check(r, dk_sm_def_state(r->s->def, parent, id, kind, &err), &err);

    const char *init_field = kind >= DK_SM_HISTORY_SHALLOW ? "target" : "initial";
    int it = lua_getfield(L, st, init_field);
    if (it != LUA_TNIL && it != LUA_TSTRING)
        luaL_error(L, "statemachine \"%s\": state \"%s\": %s must be a state's name (got %s)",
                   r->machine, id, init_field, luaL_typename(L, -1));
    if (it == LUA_TSTRING)
        check(r, dk_sm_def_initial(r->s->def, id, lua_tostring(L, -1), &err), &err);
    lua_pop(L, 1);
    if (kind < DK_SM_HISTORY_SHALLOW && lua_getfield(L, st, "target") != LUA_TNIL)
        luaL_error(L,
                   "statemachine \"%s\": state \"%s\": target belongs to history states (did "
                   "you mean initial?)",
                   r->machine, id);
    lua_settop(L, top);

    static const char *const hooks[] = {"entry", "exit"};
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, st, hooks[i]) != LUA_TNIL) {
            int fn = add_fn(r, -1, id, hooks[i]);
            check(r,
                  (i ? dk_sm_def_on_exit : dk_sm_def_on_entry)(r->s->def, id, run_action,
                                                               (void *)(intptr_t)fn, &err),
                  &err);
        }
        lua_pop(L, 1);
    }
    if (lua_getfield(L, st, "states") != LUA_TNIL)
        read_states(r, lua_gettop(L), id);
    lua_pop(L, 1);
    read_on(r, st, id);
    read_after(r, st, id);
    lua_settop(L, top);
}

/* states = { { id = "a", ... }, ... } (document order as listed) or { a = { ... }, ... }
 * (document order by name). */
static void read_states(reader *r, int tbl, const char *parent)
{
    lua_State *L = r->L;
    const char *pname = parent ? parent : r->machine;
    if (!lua_istable(L, tbl))
        luaL_error(L, "statemachine \"%s\": state \"%s\": states must be a table (got %s)",
                   r->machine, pname, luaL_typename(L, tbl));
    lua_Integer n = (lua_Integer)lua_rawlen(L, tbl);
    if (n > 0) {
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, tbl, i) != LUA_TTABLE)
                luaL_error(L,
                           "statemachine \"%s\": state \"%s\": states[%d] must be a table "
                           "(got %s)",
                           r->machine, pname, (int)i, luaL_typename(L, -1));
            if (lua_getfield(L, -1, "id") != LUA_TSTRING)
                luaL_error(L,
                           "statemachine \"%s\": state \"%s\": states[%d] needs an id (a "
                           "string)",
                           r->machine, pname, (int)i);
            const char *id = dk_l_check_name(L, -1, "state id");
            read_state(r, lua_gettop(L) - 1, parent, id);
            lua_pop(L, 2);
        }
        return;
    }
    push_sorted_keys(r, tbl, pname, "states");
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_rawgeti(L, -1, i);
        const char *id = dk_l_check_name(L, -1, "state id");
        if (lua_getfield(L, tbl, id) != LUA_TTABLE)
            luaL_error(L, "statemachine \"%s\": state \"%s\" must be a table (got %s)", r->machine,
                       id, luaL_typename(L, -1));
        if (lua_getfield(L, -1, "id") != LUA_TNIL &&
            !(lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), id) == 0))
            luaL_error(L, "statemachine \"%s\": state \"%s\": its id field differs from its key",
                       r->machine, id);
        lua_pop(L, 1);
        read_state(r, lua_gettop(L), parent, id);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

/*
 * dk.statemachine { id =, initial =, states = { ... }, entry =, exit =, on =, after = } - a
 * checked definition and its machine, not started.
 */
static int l_statemachine(lua_State *L)
{
    static const char *const keys[] = {"id", "initial", "states", "entry", "exit", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "statemachine", keys);
    if (lua_getfield(L, 1, "id") != LUA_TSTRING)
        return luaL_error(L, "statemachine: id must be a string (got %s)", luaL_typename(L, -1));
    const char *machine = dk_l_check_name(L, -1, "statemachine: id");
    lsm *s = (lsm *)lua_newuserdatauv(L, sizeof *s, 3);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, DK_MT_STATEMACHINE);
    int self = lua_gettop(L);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setiuservalue(L, self, UV_FNS);
    reader r = {L, s, lua_gettop(L), machine};
    lua_newtable(L);
    lua_setiuservalue(L, self, UV_DATA);
    dk_error err;
    if ((s->def = dk_sm_def_new(machine, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    if (lua_getfield(L, 1, "initial") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "statemachine \"%s\": initial must be a state's name (got %s)",
                              machine, luaL_typename(L, -1));
        check(&r, dk_sm_def_initial(s->def, NULL, lua_tostring(L, -1), &err), &err);
    }
    lua_pop(L, 1);
    static const char *const hooks[] = {"entry", "exit"};
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, 1, hooks[i]) != LUA_TNIL) {
            int fn = add_fn(&r, -1, machine, hooks[i]);
            check(&r,
                  (i ? dk_sm_def_on_exit : dk_sm_def_on_entry)(s->def, NULL, run_action,
                                                               (void *)(intptr_t)fn, &err),
                  &err);
        }
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 1, "states") == LUA_TNIL)
        return luaL_error(L, "statemachine \"%s\": states is missing", machine);
    read_states(&r, lua_gettop(L), NULL);
    lua_pop(L, 1);
    check(&r, dk_sm_def_seal(s->def, &err), &err);
    if ((s->m = dk_sm_new(s->def, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    dk_sm_set_context(s->m, s);
    lua_settop(L, self);
    return 1;
}

/* ---- running ------------------------------------------------------------------------------ */

/* Before a call that runs the machine: the thread it runs on (the userdata is at index 1). */
static void enter(lua_State *L, lsm *s)
{
    s->L = L;
    s->running = 1;
}

/* After it: forgets the events' data and raises what went wrong, a callback's own error as it
 * was raised (so it names the script's line). */
static void leave(lua_State *L, lsm *s, dk_status rc, const dk_error *err)
{
    s->running = 0;
    s->L = NULL;
    lua_newtable(L);
    lua_setiuservalue(L, 1, UV_DATA);
    if (rc == DK_OK)
        return;
    if (lua_getiuservalue(L, 1, UV_ERROR) != LUA_TNIL) {
        lua_pushnil(L);
        lua_setiuservalue(L, 1, UV_ERROR);
        lua_error(L);
    }
    lua_pop(L, 1);
    if (rc == DK_ENOMEM)
        dk_l_raise_status(L, rc, "%s", err->message);
    luaL_error(L, "%s", err->message);
}

/* The data argument at `idx` kept for the callbacks; its key (0 for nil). */
static void *keep_data(lua_State *L, lsm *s, int idx)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    lua_getiuservalue(L, 1, UV_DATA);
    lua_pushvalue(L, idx);
    lua_rawseti(L, -2, ++s->next_data);
    lua_pop(L, 1);
    return (void *)(intptr_t)s->next_data;
}

static int sm_start(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    dk_error err;
    if (s->running)
        return luaL_error(L, "start: the machine is already running");
    enter(L, s);
    leave(L, s, dk_sm_start(s->m, &err), &err);
    lua_settop(L, 1);
    return 1;
}

/* m:send(event [, data]) - from a callback, only queues: the event runs once this one is done. */
static int sm_send(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    const char *ev = luaL_checkstring(L, 2);
    dk_error err;
    void *data = keep_data(L, s, 3);
    if (s->running) {
        dk_status rc = dk_sm_send(s->m, ev, data, &err);
        if (rc != DK_OK)
            return luaL_error(L, "%s", err.message);
        lua_settop(L, 1);
        return 1;
    }
    enter(L, s);
    leave(L, s, dk_sm_send(s->m, ev, data, &err), &err);
    lua_settop(L, 1);
    return 1;
}

/* m:raise(event [, data]) - for callbacks: the internal queue, before any other sent event. */
static int sm_raise(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    const char *ev = luaL_checkstring(L, 2);
    if (!s->running)
        return luaL_error(L, "raise: only a callback of the running machine may raise (use "
                             "send)");
    dk_status rc = dk_sm_raise(s->m, ev, keep_data(L, s, 3));
    if (rc != DK_OK)
        return dk_l_raise_status(L, rc, "raise: %s", dk_strerror(rc));
    lua_settop(L, 1);
    return 1;
}

static int sm_advance(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    int64_t ns;
    dk_error err;
    if (!dk_l_to_duration(L, 2, &ns, &err))
        return luaL_error(L, "advance: %s", err.message);
    if (s->running)
        return luaL_error(L, "advance: the clock cannot move from inside a callback");
    enter(L, s);
    leave(L, s, dk_sm_advance(s->m, ns, &err), &err);
    lua_settop(L, 1);
    return 1;
}

static int sm_is_in(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    const char *id = dk_l_lookup_name(L, 2);
    luaL_checkstring(L, 2);
    lua_pushboolean(L, id != NULL && dk_sm_in(s->m, id));
    return 1;
}

static int sm_configuration(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    size_t n = dk_sm_configuration(s->m, NULL, 0);
    const char **ids = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ids, 0);
    dk_sm_configuration(s->m, ids, n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, ids[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int sm_trace(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    size_t n = dk_sm_trace_size(s->m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_sm_trace_at(s->m, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int sm_now(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    lua_pushnumber(L, (double)dk_sm_now(s->m) / 1e9);
    return 1;
}

static int sm_finished(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    lua_pushboolean(L, dk_sm_finished(s->m));
    return 1;
}

/* m:check([events]) - the findings: { kind =, state =, event = } in document order; `events`
 * lists the events the script means to send, to find those no transition takes. */
static int sm_check(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    size_t nev = 0;
    const char **events = NULL;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        nev = lua_rawlen(L, 2);
        events = lua_newuserdatauv(L, (nev ? nev : 1) * sizeof *events, 0);
        for (size_t i = 0; i < nev; i++) {
            if (lua_rawgeti(L, 2, (lua_Integer)i + 1) != LUA_TSTRING)
                return luaL_error(L, "check: events[%d] must be a string (got %s)", (int)i + 1,
                                  luaL_typename(L, -1));
            events[i] = lua_tostring(L, -1); /* anchored by the list */
            lua_pop(L, 1);
        }
    }
    size_t n;
    dk_status rc = dk_sm_def_check(s->def, events, nev, NULL, 0, &n);
    dk_sm_finding *f = lua_newuserdatauv(L, (n ? n : 1) * sizeof *f, 0);
    if (rc == DK_OK)
        rc = dk_sm_def_check(s->def, events, nev, f, n, &n);
    if (rc != DK_OK)
        return dk_l_raise_status(L, rc, "check: %s", dk_strerror(rc));
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, dk_sm_finding_name(f[i].kind));
        lua_setfield(L, -2, "kind");
        if (f[i].state != NULL) {
            lua_pushstring(L, f[i].state);
            lua_setfield(L, -2, "state");
        }
        if (f[i].event != NULL) {
            lua_pushstring(L, f[i].event);
            lua_setfield(L, -2, "event");
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* m:snapshot() - { clock = ns, active = { ids }, history = { [h] = { ids } }, pending = {
 * { state =, nth =, due = ns } } }: plain data, so dk.json.encode writes it. */
static int sm_snapshot(lua_State *L)
{
    lsm *s = check_sm(L, 1);
    if (s->running) /* between events only: a callback runs with events still queued */
        return luaL_error(L, "snapshot: the machine is running (take it between events)");
    size_t n = dk_sm_active(s->m, NULL, 0);
    const char **ids = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ids, 0);
    dk_sm_active(s->m, ids, n);
    lua_createtable(L, 0, 4);
    dk_l_set_integer(L, "clock", (lua_Integer)dk_sm_now(s->m));
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, ids[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "active");
    lua_newtable(L);
    size_t all = (size_t)dk_sm_def_states(s->def);
    const char **rec = lua_newuserdatauv(L, all * sizeof *rec, 0);
    for (int k = 0; k < dk_sm_def_states(s->def); k++) {
        const char *h = dk_sm_def_state_id(s->def, k);
        long r = dk_sm_history(s->m, h, rec, all);
        if (r < 0)
            continue;
        lua_createtable(L, (int)r, 0);
        for (long i = 0; i < r; i++) {
            lua_pushstring(L, rec[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_setfield(L, -3, h);
    }
    lua_pop(L, 1);
    lua_setfield(L, -2, "history");
    size_t np = dk_sm_pending_delays(s->m, NULL, 0);
    dk_sm_pending *p = lua_newuserdatauv(L, (np ? np : 1) * sizeof *p, 0);
    dk_sm_pending_delays(s->m, p, np);
    lua_createtable(L, (int)np, 0);
    for (size_t i = 0; i < np; i++) {
        lua_createtable(L, 0, 3);
        lua_pushstring(L, p[i].state);
        lua_setfield(L, -2, "state");
        dk_l_set_integer(L, "nth", p[i].nth + 1);
        dk_l_set_integer(L, "due", (lua_Integer)p[i].due);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "pending");
    lua_pop(L, 1);
    return 1;
}

/* The list of names at `idx` as a scratch array (pushed); `what` names it in errors. */
static const char **names_of(lua_State *L, int idx, const char *what, size_t *n)
{
    if (!lua_istable(L, idx))
        luaL_error(L, "restore: %s must be a list of state names (got %s)", what,
                   luaL_typename(L, idx));
    idx = lua_absindex(L, idx);
    *n = lua_rawlen(L, idx);
    const char **ids = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *ids, 0);
    for (size_t i = 0; i < *n; i++) {
        if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TSTRING)
            luaL_error(L, "restore: %s[%d] must be a state's name (got %s)", what, (int)i + 1,
                       luaL_typename(L, -1));
        ids[i] = lua_tostring(L, -1); /* anchored by the list */
        lua_pop(L, 1);
    }
    return ids;
}

static lua_Integer int_field(lua_State *L, int t, const char *field, const char *what)
{
    lua_getfield(L, t, field);
    int ok;
    lua_Integer v = lua_tointegerx(L, -1, &ok);
    if (!ok)
        luaL_error(L, "restore: %s.%s must be an integer (got %s)", what, field,
                   luaL_typename(L, -1));
    lua_pop(L, 1);
    return v;
}

/* m:restore(snapshot) - a machine never started takes the state m:snapshot() described. */
static int sm_restore(lua_State *L)
{
    static const char *const keys[] = {"clock", "active", "history", "pending", NULL};
    lsm *s = check_sm(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, "restore", keys);
    dk_sm_image img = {0};
    img.now = int_field(L, 2, "clock", "snapshot");
    lua_getfield(L, 2, "active");
    img.active = names_of(L, -1, "active", &img.nactive);
    if (lua_getfield(L, 2, "history") != LUA_TNIL) {
        int h = lua_gettop(L);
        if (!lua_istable(L, h))
            return luaL_error(L, "restore: history must be a table (got %s)", luaL_typename(L, h));
        size_t n = 0;
        for (lua_pushnil(L); lua_next(L, h); lua_pop(L, 1))
            n++;
        dk_sm_recorded *r = lua_newuserdatauv(L, (n ? n : 1) * sizeof *r, 0);
        lua_newtable(L); /* anchors the scratch lists: the script's table is not written */
        int anchors = lua_gettop(L);
        img.history = r;
        img.nhistory = n;
        size_t i = 0;
        for (lua_pushnil(L); lua_next(L, h); i++) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "restore: history keys must be state names");
            r[i].history = lua_tostring(L, -2);
            r[i].states = names_of(L, -1, "history", &r[i].nstates);
            lua_rawsetp(L, anchors, r[i].states);
            lua_pop(L, 1);
        }
    }
    if (lua_getfield(L, 2, "pending") != LUA_TNIL) {
        int pt = lua_gettop(L);
        if (!lua_istable(L, pt))
            return luaL_error(L, "restore: pending must be a list (got %s)", luaL_typename(L, pt));
        size_t n = lua_rawlen(L, pt);
        dk_sm_pending *p = lua_newuserdatauv(L, (n ? n : 1) * sizeof *p, 0);
        for (size_t i = 0; i < n; i++) {
            if (lua_rawgeti(L, pt, (lua_Integer)i + 1) != LUA_TTABLE)
                return luaL_error(L, "restore: pending[%d] must be a table", (int)i + 1);
            if (lua_getfield(L, -1, "state") != LUA_TSTRING)
                return luaL_error(L, "restore: pending[%d].state must be a state's name",
                                  (int)i + 1);
            p[i].state = lua_tostring(L, -1);
            lua_pop(L, 1);
            lua_Integer nth = int_field(L, -1, "nth", "pending");
            if (nth < 1 || nth > 1000000)
                return luaL_error(L, "restore: pending[%d].nth must be 1 or more", (int)i + 1);
            p[i].nth = (int)nth - 1;
            p[i].due = int_field(L, -1, "due", "pending");
            lua_pop(L, 1); /* the entry stays anchored by the list */
        }
        img.pending = p;
        img.npending = n;
    }
    if (s->running)
        return luaL_error(L, "restore: the machine is running");
    dk_error err;
    dk_status rc = dk_sm_restore(s->m, &img, &err);
    if (rc == DK_ENOMEM)
        return dk_l_raise_status(L, rc, "%s", err.message);
    if (rc != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_settop(L, 1);
    return 1;
}

static int sm_close(lua_State *L)
{
    lsm *s = (lsm *)luaL_checkudata(L, 1, DK_MT_STATEMACHINE);
    if (s->running) /* a callback closing its own machine: the engine's frames are below */
        return luaL_error(L, "close: the machine is running (a callback cannot close it)");
    dk_sm_free(s->m);
    dk_sm_def_free(s->def);
    s->m = NULL;
    s->def = NULL;
    return 0;
}

static int sm_tostring(lua_State *L)
{
    lsm *s = (lsm *)luaL_checkudata(L, 1, DK_MT_STATEMACHINE);
    if (s->m == NULL)
        lua_pushliteral(L, "statemachine (closed)");
    else
        lua_pushfstring(L, "statemachine (%s)",
                        dk_sm_finished(s->m)  ? "finished"
                        : dk_sm_started(s->m) ? "started"
                                              : "not started");
    return 1;
}

const dk_sm_def_t *dk_l_statemachine_def(lua_State *L, int idx)
{
    return check_sm(L, idx)->def;
}

int dk_l_push_statemachine(lua_State *L, dk_sm_def_t *def)
{
    lsm *s = (lsm *)lua_newuserdatauv(L, sizeof *s, 3);
    memset(s, 0, sizeof *s);
    s->def = def; /* owned from here: the collector frees it */
    luaL_setmetatable(L, DK_MT_STATEMACHINE);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_FNS);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_DATA);
    dk_error err;
    if ((s->m = dk_sm_new(s->def, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    dk_sm_set_context(s->m, s);
    return 1;
}

static const luaL_Reg sm_methods[] = {{"start", sm_start},
                                      {"send", sm_send},
                                      {"raise", sm_raise},
                                      {"advance", sm_advance},
                                      {"is_in", sm_is_in},
                                      {"configuration", sm_configuration},
                                      {"trace", sm_trace},
                                      {"now", sm_now},
                                      {"finished", sm_finished},
                                      {"check", sm_check},
                                      {"snapshot", sm_snapshot},
                                      {"restore", sm_restore},
                                      {"close", sm_close},
                                      {"dot", dk_l_sm_dot},
                                      {"draw", dk_l_sm_draw},
                                      {"mermaid", dk_l_sm_mermaid},
                                      {"paths", dk_l_sm_paths},
                                      {"covering_paths", dk_l_sm_covering_paths},
                                      {"replay", dk_l_sm_replay},
                                      {"scxml", dk_l_sm_scxml},
                                      {NULL, NULL}};

void dk_l_open_statemachine(lua_State *L)
{
    dk_l_new_class(L, DK_MT_STATEMACHINE, sm_methods, NULL, sm_tostring, sm_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_statemachine);
    lua_setfield(L, -2, "statemachine");
    lua_pushcfunction(L, dk_l_from_scxml);
    lua_setfield(L, -2, "from_scxml");
}

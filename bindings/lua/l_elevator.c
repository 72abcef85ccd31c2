/* l_elevator.c - dk.elevator: the disk-arm schedule (seek), the elevator group simulation
 * (simulate, with a strategy that may be a Lua function) and the doors' state diagram
 * (draw_doors), plain functions over tables: nothing here outlives a call. */
#include <math.h>
#include <string.h>

#include "designkit/draw_sm.h"
#include "l_common.h"

/* The whole number at `idx` within [lo, hi]; raises "<what> must be ..." otherwise. */
static lua_Integer check_int(lua_State *L, int idx, const char *what, lua_Integer lo,
                             lua_Integer hi)
{
    lua_Integer v = 0;
    int ok = lua_isinteger(L, idx);
    if (ok) {
        v = lua_tointeger(L, idx);
    } else if (lua_type(L, idx) == LUA_TNUMBER) {
        double x = lua_tonumber(L, idx);
        ok = x == floor(x) && fabs(x) < 9.0e15;
        v = ok ? (lua_Integer)x : 0;
    }
    if (!ok || v < lo || v > hi)
        return luaL_error(L, "%s must be a whole number from %I to %I (got %s)", what, lo, hi,
                          luaL_tolstring(L, idx, NULL));
    return v;
}

/* An integer option `field` of the table at `idx` (absent: `def`). */
static lua_Integer int_option(lua_State *L, int idx, const char *field, const char *what,
                              lua_Integer lo, lua_Integer hi, lua_Integer def)
{
    lua_Integer v = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        lua_pushfstring(L, "%s: %s", what, field);
        v = check_int(L, -2, lua_tostring(L, -1), lo, hi);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

/* A name option `field` (absent: `def`) that must be one of `names`; returns its index. */
static int name_option(lua_State *L, int idx, const char *field, const char *what,
                       const char *const *names, int def)
{
    int found = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        found = -1;
        for (int i = 0; s != NULL && names[i] != NULL; i++)
            if (strcmp(s, names[i]) == 0)
                found = i;
        if (found < 0) {
            luaL_Buffer b;
            if (s != NULL)
                lua_pushfstring(L, "\"%s\"", s);
            else
                luaL_tolstring(L, -1, NULL);
            luaL_buffinit(L, &b);
            for (int i = 0; names[i] != NULL; i++) {
                luaL_addstring(&b, i ? ", " : "");
                luaL_addstring(&b, names[i]);
            }
            luaL_pushresult(&b);
            dk_l_push_did_you_mean(L, s != NULL ? dk_suggest_from(s, names) : NULL);
            return luaL_error(L, "%s: unknown %s %s%s (valid: %s)", what, field,
                              lua_tostring(L, -3), lua_tostring(L, -1), lua_tostring(L, -2));
        }
    }
    lua_pop(L, 1);
    return found;
}

static const char *const strategies[] = {"fcfs", "nearest", "scan", "look", "destination", NULL};
static const char *const patterns[] = {"up-peak", "down-peak", "interfloor", NULL};
static const char *const directions[] = {"up", "down", NULL};

/*
 * dk.elevator.seek { requests = { ... }, start =, strategy = "look", direction = "up", lo = 0,
 * hi = max(start, requests) } - the disk-arm schedule: { order = { ... }, travel = n }.
 */
static int l_seek(lua_State *L)
{
    static const char *const keys[] = {"requests", "start", "strategy", "direction",
                                       "lo",       "hi",    NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "seek", keys);
    if (lua_getfield(L, 1, "requests") != LUA_TTABLE)
        return luaL_error(L, "seek: requests must be a list of positions (got %s)",
                          luaL_typename(L, -1));
    size_t n = (size_t)luaL_len(L, -1);
    if (n > 1000000)
        return luaL_error(L, "seek: at most 1000000 requests (got %d)", (int)n);
    int *req = lua_newuserdatauv(L, (n ? n : 1) * sizeof *req * 2, 0);
    int *order = req + n;
    int hi = 0;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        lua_pushfstring(L, "seek: requests[%d]", (int)i + 1);
        req[i] = (int)check_int(L, -2, lua_tostring(L, -1), INT32_MIN / 2, INT32_MAX / 2);
        hi = req[i] > hi ? req[i] : hi;
        lua_pop(L, 2);
    }
    if (lua_getfield(L, 1, "start") == LUA_TNIL)
        return luaL_error(L, "seek: start is missing");
    lua_pop(L, 1);
    int start = (int)int_option(L, 1, "start", "seek", INT32_MIN / 2, INT32_MAX / 2, 0);
    hi = start > hi ? start : hi;
    int s = name_option(L, 1, "strategy", "seek", strategies, DK_ELEVATOR_LOOK);
    int dir = name_option(L, 1, "direction", "seek", directions, 0) == 0 ? 1 : -1;
    int lo = (int)int_option(L, 1, "lo", "seek", INT32_MIN / 2, INT32_MAX / 2, 0);
    hi = (int)int_option(L, 1, "hi", "seek", INT32_MIN / 2, INT32_MAX / 2, hi);
    long travel = 0;
    dk_error err;
    if (dk_elevator_seek((dk_elevator_strategy)s, start, dir, lo, hi, req, n, order, &travel,
                         &err) != DK_OK)
        return err.status == DK_ENOMEM ? dk_l_raise_status(L, err.status, "%s", err.message)
                                       : luaL_error(L, "%s", err.message);
    lua_createtable(L, 0, 2);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, order[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "order");
    dk_l_set_integer(L, "travel", travel);
    return 1;
}

/* Reads passengers = { { from =, to =, at = 0, patience = 0 }, ... } into a scratch array
 * (pushed). */
static dk_elevator_passenger *read_passengers(lua_State *L, int list, size_t *n)
{
    static const char *const keys[] = {"from", "to", "at", "patience", NULL};
    *n = (size_t)luaL_len(L, list);
    if (*n > 10000000)
        luaL_error(L, "simulate: at most 10000000 passengers (got %d)", (int)*n);
    dk_elevator_passenger *p = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *p, 0);
    for (size_t i = 0; i < *n; i++) {
        char what[64];
        if (lua_rawgeti(L, list, (lua_Integer)i + 1) != LUA_TTABLE)
            luaL_error(L, "simulate: passengers[%d] must be a table { from =, to = } (got %s)",
                       (int)i + 1, luaL_typename(L, -1));
        int t = lua_gettop(L);
        snprintf(what, sizeof what, "simulate: passengers[%d]", (int)i + 1);
        dk_l_check_keys(L, t, what, keys);
        for (int k = 0; k < 2; k++)
            if (lua_getfield(L, t, keys[k]) == LUA_TNIL)
                luaL_error(L, "%s: %s is missing", what, keys[k]);
        lua_pop(L, 2);
        p[i].from = (int)int_option(L, t, "from", what, INT32_MIN, INT32_MAX, 0);
        p[i].to = (int)int_option(L, t, "to", what, INT32_MIN, INT32_MAX, 0);
        p[i].arrival = (long)int_option(L, t, "at", what, 0, INT32_MAX, 0);
        p[i].patience = (long)int_option(L, t, "patience", what, 0, INT32_MAX, 0);
        lua_pop(L, 1);
    }
    return p;
}

/* Reads modes = { { at =, mode = "maintenance" | "service" | "fire", car = }, ... } into a
 * scratch array (pushed). */
static dk_elevator_mode_event *read_modes(lua_State *L, int list, size_t *n)
{
    static const char *const keys[] = {"at", "mode", "car", NULL};
    static const char *const modes[] = {"maintenance", "service", "fire", NULL};
    *n = (size_t)luaL_len(L, list);
    if (*n > 100000)
        luaL_error(L, "simulate: at most 100000 modes (got %d)", (int)*n);
    dk_elevator_mode_event *m = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *m, 0);
    for (size_t i = 0; i < *n; i++) {
        char what[64];
        if (lua_rawgeti(L, list, (lua_Integer)i + 1) != LUA_TTABLE)
            luaL_error(L, "simulate: modes[%d] must be a table { at =, mode = } (got %s)",
                       (int)i + 1, luaL_typename(L, -1));
        int t = lua_gettop(L);
        snprintf(what, sizeof what, "simulate: modes[%d]", (int)i + 1);
        dk_l_check_keys(L, t, what, keys);
        for (int k = 0; k < 2; k++)
            if (lua_getfield(L, t, keys[k]) == LUA_TNIL)
                luaL_error(L, "%s: %s is missing", what, keys[k]);
        lua_pop(L, 2);
        m[i].at = (long)int_option(L, t, "at", what, 0, INT32_MAX, 0);
        m[i].mode = (dk_elevator_mode)name_option(L, t, "mode", what, modes, 0);
        m[i].car = (int)int_option(L, t, "car", what, INT32_MIN, INT32_MAX, 0);
        lua_pop(L, 1);
    }
    return m;
}

/* A strategy written in Lua: the function at stack index `fn` of `L`. */
typedef struct lua_strategy {
    lua_State *L;
    int fn;
} lua_strategy;

static void push_floors(lua_State *L, const int *floors, size_t n, const char *field)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, floors[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, field);
}

/* Calls the Lua strategy with the car's view: { number, floor, direction = "up" | "down",
 * floors, tick, car_calls = { ... }, hall_calls = { ... } } -> a floor or nil. Never raises:
 * the simulation's resources are on the C stack below; an error comes back as a status. */
static dk_status choose_in_lua(const dk_elevator_view *v, void *ud, int *stop, dk_error *err)
{
    lua_strategy *ls = ud;
    lua_State *L = ls->L;
    if (!lua_checkstack(L, 8))
        return dk_error_set(err, DK_ENOMEM, "elevator strategy: out of memory");
    lua_pushvalue(L, ls->fn);
    lua_createtable(L, 0, 7);
    dk_l_set_integer(L, "number", v->car);
    dk_l_set_integer(L, "floor", v->floor);
    lua_pushstring(L, v->direction > 0 ? "up" : "down");
    lua_setfield(L, -2, "direction");
    dk_l_set_integer(L, "floors", v->floors);
    dk_l_set_integer(L, "tick", v->tick);
    push_floors(L, v->car_calls, v->ncar_calls, "car_calls");
    push_floors(L, v->hall_calls, v->nhall_calls, "hall_calls");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        dk_error_set(err, DK_EINVAL, "elevator strategy: %s",
                     msg != NULL ? msg : "(error object is not a string)");
        lua_pop(L, 1);
        return DK_EINVAL;
    }
    dk_status st = DK_OK;
    int isnum = 0;
    lua_Integer floor = lua_tointegerx(L, -1, &isnum);
    if (lua_isnil(L, -1))
        *stop = -1;
    else if (isnum && floor >= 0 && floor < v->floors)
        *stop = (int)floor;
    else if (isnum)
        st = dk_error_set(err, DK_EINVAL,
                          "elevator strategy: car %d at floor %d on tick %ld: floor %lld is "
                          "outside 0..%d",
                          v->car, v->floor, v->tick, (long long)floor, v->floors - 1);
    else
        st = dk_error_set(err, DK_EINVAL,
                          "elevator strategy: car %d must get a whole floor number or nil (got %s)",
                          v->car, luaL_typename(L, -1));
    lua_pop(L, 1);
    return st;
}

/*
 * dk.elevator.simulate { floors =, cars = 1, capacity = 8, strategy = "look" | function(car),
 * dispatch = "look", dwell = 2, door_open = 0, door_close = 0, modes = { ... }, passengers = { ...
 * } | traffic = "up-peak", count = 1000, rate = 0.1, seed = 1, max_ticks = 1e7 } - runs the group:
 * the report as a table. A strategy function chooses each car's next stop; hall calls are then
 * given to cars as the built-in strategy `dispatch` (default "look") gives them.
 */
static int l_simulate(lua_State *L)
{
    static const char *const keys[] = {"floors",   "cars",      "capacity",   "strategy",
                                       "dispatch", "dwell",     "door_open",  "door_close",
                                       "modes",    "traffic",   "count",      "rate",
                                       "seed",     "max_ticks", "passengers", NULL};
    dk_elevator_config c = {0};
    lua_strategy ls = {L, 0};
    dk_elevator_passenger *p;
    dk_elevator_report r;
    dk_error err;
    size_t n;

    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "simulate", keys);
    if (lua_getfield(L, 1, "floors") == LUA_TNIL)
        return luaL_error(L, "simulate: floors is missing");
    lua_pop(L, 1);
    c.floors = (int)int_option(L, 1, "floors", "simulate", INT32_MIN, INT32_MAX, 0);
    c.cars = (int)int_option(L, 1, "cars", "simulate", INT32_MIN, INT32_MAX, 1);
    c.capacity = (int)int_option(L, 1, "capacity", "simulate", INT32_MIN, INT32_MAX, 8);
    c.dwell = (int)int_option(L, 1, "dwell", "simulate", 1, 1000, 2);
    c.door_open = (int)int_option(L, 1, "door_open", "simulate", 0, 1000, 0);
    c.door_close = (int)int_option(L, 1, "door_close", "simulate", 0, 1000, 0);
    if (lua_getfield(L, 1, "strategy") == LUA_TFUNCTION) {
        ls.fn = lua_gettop(L); /* stays on the stack for the run */
        c.choose = choose_in_lua;
        c.choose_ud = &ls;
        c.strategy = (dk_elevator_strategy)name_option(L, 1, "dispatch", "simulate", strategies, 3);
    } else {
        lua_pop(L, 1);
        c.strategy = (dk_elevator_strategy)name_option(L, 1, "strategy", "simulate", strategies, 3);
        lua_getfield(L, 1, "dispatch");
        if (!lua_isnil(L, -1))
            return luaL_error(L, "simulate: dispatch goes with a strategy function (the built-in "
                                 "strategies dispatch their own way)");
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 1, "modes") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "simulate: modes must be a list (got %s)", luaL_typename(L, -1));
        c.modes = read_modes(L, lua_gettop(L), &c.nmodes);
    }
    lua_Integer max = int_option(L, 1, "max_ticks", "simulate", 1, DK_ELEVATOR_MAX_TICKS, 10000000);
    int listed = lua_getfield(L, 1, "passengers") != LUA_TNIL;
    if (listed) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "simulate: passengers must be a list (got %s)",
                              luaL_typename(L, -1));
        lua_getfield(L, 1, "traffic");
        if (!lua_isnil(L, -1))
            return luaL_error(L, "simulate: give passengers or traffic, not both");
        lua_pop(L, 1);
        p = read_passengers(L, lua_gettop(L), &n);
    } else {
        int t = name_option(L, 1, "traffic", "simulate", patterns, -1);
        if (t < 0)
            return luaL_error(L, "simulate: passengers or traffic is missing");
        n = (size_t)int_option(L, 1, "count", "simulate", 0, 10000000, 1000);
        lua_Integer seed = int_option(L, 1, "seed", "simulate", 0, LUA_MAXINTEGER, 1);
        double rate = 0.1;
        if (lua_getfield(L, 1, "rate") != LUA_TNIL) {
            if (lua_type(L, -1) != LUA_TNUMBER)
                return luaL_error(L, "simulate: rate must be a number (got %s)",
                                  luaL_typename(L, -1));
            rate = lua_tonumber(L, -1);
        }
        lua_pop(L, 1);
        p = lua_newuserdatauv(L, (n ? n : 1) * sizeof *p, 0);
        if (dk_elevator_traffic_make((dk_elevator_traffic)t, c.floors, n, rate, (uint64_t)seed, p,
                                     &err) != DK_OK)
            return luaL_error(L, "simulate: %s", err.message);
    }
    if (dk_elevator_run(&c, p, n, (long)max, &r, &err) != DK_OK)
        return err.status == DK_ENOMEM ? dk_l_raise_status(L, err.status, "%s", err.message)
                                       : luaL_error(L, "%s", err.message);
    lua_createtable(L, 0, 20);
    lua_pushstring(L, c.choose != NULL ? "function" : dk_elevator_strategy_name(c.strategy));
    lua_setfield(L, -2, "strategy");
    dk_l_set_integer(L, "passengers", (lua_Integer)n);
    dk_l_set_integer(L, "served", (lua_Integer)r.served);
    dk_l_set_integer(L, "abandoned", (lua_Integer)r.abandoned);
    dk_l_set_number(L, "mean_wait", r.mean_wait);
    dk_l_set_number(L, "p95_wait", r.p95_wait);
    dk_l_set_number(L, "mean_ride", r.mean_ride);
    dk_l_set_number(L, "p95_ride", r.p95_ride);
    dk_l_set_integer(L, "stops", (lua_Integer)r.stops);
    dk_l_set_integer(L, "highest", r.highest);
    dk_l_set_integer(L, "merged_calls", (lua_Integer)r.merged_calls);
    dk_l_set_integer(L, "cancelled_calls", (lua_Integer)r.cancelled_calls);
    dk_l_set_integer(L, "ticks", r.ticks);
    dk_l_set_integer(L, "checks", (lua_Integer)r.checks);
    dk_l_set_integer(L, "reopenings", (lua_Integer)r.reopenings);
    dk_l_set_integer(L, "maintenance", (lua_Integer)r.maintenance);
    dk_l_set_integer(L, "recalls", (lua_Integer)r.recalls);
    dk_l_set_integer(L, "redispatched", (lua_Integer)r.redispatched);
    dk_l_set_integer(L, "evacuated", (lua_Integer)r.evacuated);
    dk_l_set_integer(L, "stranded", (lua_Integer)r.stranded);
    return 1;
}

static void free_def(void *p)
{
    dk_sm_def_free(p);
}

/*
 * dk.elevator.draw_doors(path, { door_open = 0, dwell = 2, door_close = 0 }) - draws the doors'
 * state machine with those timings (format from the extension): true, or nil and the reason.
 */
static int l_draw_doors(lua_State *L)
{
    static const char *const keys[] = {"door_open", "dwell", "door_close", NULL};
    const char *path = luaL_checkstring(L, 1);
    dk_elevator_config c = {0};
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        dk_l_check_keys(L, 2, "draw_doors", keys);
        c.door_open = (int)int_option(L, 2, "door_open", "draw_doors", 0, 1000, 0);
        c.dwell = (int)int_option(L, 2, "dwell", "draw_doors", 1, 1000, 2);
        c.door_close = (int)int_option(L, 2, "door_close", "draw_doors", 0, 1000, 0);
    }
    dk_error err;
    dk_draw_format fmt;
    if (dk_draw_format_from_path(path, &fmt, &err) != DK_OK)
        return luaL_error(L, "draw_doors: %s", err.message);
    const char *why = dk_l_write_denied(L, path);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    dk_sm_def_t **slot = (dk_sm_def_t **)dk_l_newbox(L, free_def);
    if ((*slot = dk_elevator_doors_def(&c, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "draw_doors: %s", err.message);
    if (dk_sm_draw_file(*slot, path, &err) != DK_OK) {
        if (err.status == DK_ENOMEM)
            return dk_l_raise_status(L, err.status, "draw_doors: %s", err.message);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    dk_l_box_free(L, -1);
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg module_funcs[] = {
    {"seek", l_seek}, {"simulate", l_simulate}, {"draw_doors", l_draw_doors}, {NULL, NULL}};

void dk_l_open_elevator(lua_State *L)
{
    luaL_newlib(L, module_funcs);
    lua_setfield(L, -2, "elevator");
}

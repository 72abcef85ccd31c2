/* l_parking.c - dk.parking: a parking lot as Lua userdata (floors, spots, tickets, fees). */
#include <string.h>

#include "l_common.h"
#include "l_statemachine_export.h"

/* The lot and what a Lua strategy needs while the C side runs it: the state of the call that
 * parks (a coroutine may park), and the message of a strategy that failed. The function itself
 * is the userdata's user value 1. */
typedef struct llot {
    dk_park_t *p;
    lua_State *L;
    int failed;
    char message[256];
} llot;

static llot *check_lot(lua_State *L, int idx)
{
    llot *ll = (llot *)luaL_checkudata(L, idx, DK_MT_PARKING);
    if (ll->p == NULL)
        dk_l_closed_error(L, idx, "parking lot");
    return ll;
}

/* Runs the Lua strategy under lua_pcall: the lot's mutex is held, so an error must not unwind
 * through C. It sees (vehicle, candidates) with 1-based candidates and answers an index or nil. */
static int lua_choose(void *ud, dk_park_vehicle v, const dk_park_candidate *c, size_t n)
{
    llot *ll = ud;
    lua_State *L = ll->L;
    lua_pushvalue(L, -1); /* the strategy, left on top by m_enter */
    lua_pushstring(L, dk_park_vehicle_name(v));
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        dk_l_set_integer(L, "spot", c[i].spot);
        dk_l_set_integer(L, "floor", c[i].floor);
        lua_pushstring(L, dk_park_spot_type_name(c[i].type));
        lua_setfield(L, -2, "type");
        dk_l_set_integer(L, "distance", c[i].distance);
        lua_pushboolean(L, c[i].overflow);
        lua_setfield(L, -2, "overflow");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    int k = -1;
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        ll->failed = 1;
        strncpy(ll->message, lua_tostring(L, -1) ? lua_tostring(L, -1) : "error",
                sizeof ll->message - 1);
    } else if (lua_isinteger(L, -1)) {
        k = (int)lua_tointeger(L, -1) - 1;
        if (k < 0)
            k = (int)n; /* out of range: the C side reports it */
    } else if (!lua_isnil(L, -1)) {
        ll->failed = 1;
        strncpy(ll->message, "parking: strategy must return a candidate's index or nil",
                sizeof ll->message - 1);
    }
    lua_pop(L, 1);
    return ll->failed ? -1 : k;
}

static dk_park_vehicle check_vehicle(lua_State *L, int idx)
{
    dk_park_vehicle v;
    const char *name = luaL_checkstring(L, idx);
    if (dk_park_vehicle_parse(name, &v) != DK_OK)
        luaL_argerror(L, idx,
                      lua_pushfstring(L,
                                      "unknown vehicle \"%s\" (motorcycle, car, "
                                      "truck, ev, accessible)",
                                      name));
    return v;
}

static int check_int_arg(lua_State *L, int idx, const char *what)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    if (v < INT32_MIN || v > INT32_MAX)
        luaL_argerror(L, idx, what);
    return (int)v;
}

/* An integer field of the table at `idx`, >= 0 (absent: `def`). */
static lua_Integer int_field(lua_State *L, int idx, const char *field, const char *what,
                             lua_Integer def)
{
    lua_Integer v = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
            luaL_error(L, "%s: %s must be a whole number >= 0 (got %s)", what, field,
                       luaL_tolstring(L, -1, NULL));
        v = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

/* fees = { car = { tiers = { {up_to = 1, rate = 300}, ..., {rate = 100} }, daily_cap = 2000 } } */
static void read_fee(lua_State *L, int idx, const char *vehicle, dk_park_fee *f)
{
    static const char *const keys[] = {"tiers", "daily_cap", NULL};
    static const char *const tier_keys[] = {"up_to", "rate", NULL};
    char what[64];
    lua_pushfstring(L, "parking: fees.%s", vehicle);
    strncpy(what, lua_tostring(L, -1), sizeof what - 1);
    what[sizeof what - 1] = '\0';
    lua_pop(L, 1);
    if (!lua_istable(L, idx))
        luaL_error(L, "%s must be a table (got %s)", what, luaL_typename(L, idx));
    dk_l_check_keys(L, idx, what, keys);
    f->daily_cap = int_field(L, idx, "daily_cap", what, 0);
    if (lua_getfield(L, idx, "tiers") != LUA_TTABLE)
        luaL_error(L, "%s: tiers must be a list of { up_to = hours, rate = per hour }", what);
    lua_Integer n = luaL_len(L, -1);
    if (n > DK_PARK_MAX_TIERS)
        luaL_error(L, "%s: at most %d tiers (got %d)", what, DK_PARK_MAX_TIERS, (int)n);
    f->ntiers = (size_t)n;
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TTABLE)
            luaL_error(L, "%s: tiers[%d] must be a table", what, (int)i);
        lua_pushfstring(L, "%s: tiers[%d]", what, (int)i);
        const char *tw = lua_tostring(L, -1);
        dk_l_check_keys(L, -2, tw, tier_keys);
        f->tiers[i - 1].up_to = (int)int_field(L, -2, "up_to", tw, 0);
        f->tiers[i - 1].rate = int_field(L, -2, "rate", tw, 0);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
}

/* dk.parking { strategy = "nearest" | "lowest_floor" | "best_fit" | function, overflow = bool,
 *              fees = { <vehicle> = {...} }, lost_fee = n } */
static int l_parking(lua_State *L)
{
    static const char *const keys[] = {"strategy", "overflow", "fees", "lost_fee", NULL};
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    dk_l_check_keys(L, 1, "parking", keys);
    dk_park_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int t = lua_getfield(L, 1, "strategy");
    if (t == LUA_TFUNCTION)
        cfg.strategy = DK_PARK_CALLBACK;
    else if (t != LUA_TNIL) {
        dk_park_strategy s;
        const char *name = lua_tostring(L, -1);
        if (t != LUA_TSTRING || dk_park_strategy_parse(name, &s) != DK_OK || s == DK_PARK_CALLBACK)
            return luaL_error(L,
                              "parking: strategy must be \"nearest\", \"lowest_floor\", "
                              "\"best_fit\" or a function (got %s)",
                              luaL_tolstring(L, -1, NULL));
        cfg.strategy = s;
    }
    int strategy_fn = lua_gettop(L);
    if (lua_getfield(L, 1, "overflow") != LUA_TNIL && !lua_isboolean(L, -1))
        return luaL_error(L, "parking: overflow must be true or false (got %s)",
                          luaL_typename(L, -1));
    cfg.overflow = lua_toboolean(L, -1);
    lua_pop(L, 1);
    cfg.lost_fee = int_field(L, 1, "lost_fee", "parking", 0);
    if (lua_getfield(L, 1, "fees") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "parking: fees must be a table by vehicle (got %s)",
                              luaL_typename(L, -1));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            dk_park_vehicle v;
            if (lua_type(L, -2) != LUA_TSTRING ||
                dk_park_vehicle_parse(lua_tostring(L, -2), &v) != DK_OK)
                return luaL_error(L,
                                  "parking: fees: unknown vehicle %s (motorcycle, car, truck, "
                                  "ev, accessible)",
                                  luaL_tolstring(L, -2, NULL));
            read_fee(L, lua_gettop(L), dk_park_vehicle_name(v), &cfg.fees[v]);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    llot *ll = lua_newuserdatauv(L, sizeof *ll, 1);
    memset(ll, 0, sizeof *ll);
    luaL_setmetatable(L, DK_MT_PARKING);
    if (cfg.strategy == DK_PARK_CALLBACK) {
        cfg.choose = lua_choose;
        cfg.choose_ud = ll;
        lua_pushvalue(L, strategy_fn);
        lua_setiuservalue(L, -2, 1);
    }
    dk_error err = {0};
    ll->p = dk_park_new(&cfg, &err);
    if (ll->p == NULL) {
        if (err.status == DK_ENOMEM)
            return dk_l_raise_status(L, err.status, "%s", err.message);
        return luaL_error(L, "%s", err.message);
    }
    return 1;
}

/* Raises the C side's message at the caller's line (out of memory as its own status). */
static int fail(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

static int m_add_floor(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int f = -1;
    dk_error err = {0};
    if (dk_park_add_floor(ll->p, &f, &err) != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, f);
    return 1;
}

/* lot:add_spot(floor, type, distance) -> spot id */
static int m_add_spot(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int floor = check_int_arg(L, 2, "a floor number");
    const char *name = luaL_checkstring(L, 3);
    dk_park_spot_type t;
    if (dk_park_spot_type_parse(name, &t) != DK_OK)
        return luaL_argerror(L, 3,
                             lua_pushfstring(L,
                                             "unknown spot type \"%s\" (motorcycle, compact, "
                                             "large, ev, accessible)",
                                             name));
    int distance = lua_isnoneornil(L, 4) ? 0 : check_int_arg(L, 4, "a distance");
    int s = -1;
    dk_error err = {0};
    if (dk_park_add_spot(ll->p, floor, t, distance, &s, &err) != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, s);
    return 1;
}

static int m_remove_spot(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_error err = {0};
    if (dk_park_remove_spot(ll->p, check_int_arg(L, 2, "a spot id"), &err) != DK_OK)
        return fail(L, &err);
    return 0;
}

static int m_remove_floor(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_error err = {0};
    if (dk_park_remove_floor(ll->p, check_int_arg(L, 2, "a floor number"), &err) != DK_OK)
        return fail(L, &err);
    return 0;
}

/* lot:enter(vehicle) -> ticket, spot; or nil, message when no spot fits (an expected outcome). */
static int m_enter(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_park_vehicle v = check_vehicle(L, 2);
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1); /* the strategy function (or nil), on top for lua_choose */
    ll->L = L;
    ll->failed = 0;
    int t = -1, s = -1;
    dk_error err = {0};
    dk_status st = dk_park_enter(ll->p, v, &t, &s, &err);
    if (ll->failed)
        return luaL_error(L, "parking: strategy: %s", ll->message);
    if (st == DK_EFULL) {
        lua_pushnil(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    if (st != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, t);
    lua_pushinteger(L, s);
    return 2;
}

static int m_quote(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int64_t fee = 0;
    dk_error err = {0};
    if (dk_park_quote(ll->p, check_int_arg(L, 2, "a ticket"), &fee, &err) != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, fee);
    return 1;
}

static int m_lose(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_error err = {0};
    if (dk_park_lose(ll->p, check_int_arg(L, 2, "a ticket"), &err) != DK_OK)
        return fail(L, &err);
    return 0;
}

/* lot:pay(ticket, tendered) -> change */
static int m_pay(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int t = check_int_arg(L, 2, "a ticket");
    lua_Integer tendered = luaL_checkinteger(L, 3);
    int64_t change = 0;
    dk_error err = {0};
    if (dk_park_pay(ll->p, t, tendered, &change, &err) != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, change);
    return 1;
}

static int m_exit(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_error err = {0};
    if (dk_park_exit(ll->p, check_int_arg(L, 2, "a ticket"), &err) != DK_OK)
        return fail(L, &err);
    return 0;
}

static int m_state(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    const char *s = dk_park_ticket_state(ll->p, check_int_arg(L, 2, "a ticket"));
    if (s == NULL)
        lua_pushnil(L);
    else
        lua_pushstring(L, s);
    return 1;
}

/* lot:available([floor [, type]]) - free spots; nil for either means all. */
static int m_available(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int floor = lua_isnoneornil(L, 2) ? -1 : check_int_arg(L, 2, "a floor number");
    int type = -1;
    if (!lua_isnoneornil(L, 3)) {
        dk_park_spot_type t;
        const char *name = luaL_checkstring(L, 3);
        if (dk_park_spot_type_parse(name, &t) != DK_OK)
            return luaL_argerror(L, 3, lua_pushfstring(L, "unknown spot type \"%s\"", name));
        type = (int)t;
    }
    lua_pushinteger(L, dk_park_available(ll->p, floor, type));
    return 1;
}

static int m_occupied(lua_State *L)
{
    lua_pushinteger(L, dk_park_occupied(check_lot(L, 1)->p));
    return 1;
}

static int m_revenue(lua_State *L)
{
    lua_pushinteger(L, dk_park_revenue(check_lot(L, 1)->p));
    return 1;
}

static int m_advance(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    int64_t ns = 0;
    dk_error err = {0};
    if (!dk_l_to_duration(L, 2, &ns, &err) || ns < 0)
        return luaL_argerror(L, 2, ns < 0 ? "a duration >= 0" : err.message);
    dk_park_advance(ll->p, ns, NULL);
    lua_settop(L, 1);
    return 1;
}

/* lot:check() - true, or raises naming the invariant that broke (it never should). */
static int m_check(lua_State *L)
{
    llot *ll = check_lot(L, 1);
    dk_error err = {0};
    if (dk_park_check(ll->p, &err) != DK_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int m_close(lua_State *L)
{
    llot *ll = (llot *)luaL_checkudata(L, 1, DK_MT_PARKING);
    dk_park_free(ll->p);
    ll->p = NULL;
    return 0;
}

static int m_tostring(lua_State *L)
{
    llot *ll = (llot *)luaL_checkudata(L, 1, DK_MT_PARKING);
    if (ll->p == NULL)
        lua_pushliteral(L, "parking lot (closed)");
    else
        lua_pushfstring(L, "parking lot (%d free, %d taken)", dk_park_available(ll->p, -1, -1),
                        dk_park_occupied(ll->p));
    return 1;
}

static const luaL_Reg lot_methods[] = {{"add_floor", m_add_floor},
                                       {"add_spot", m_add_spot},
                                       {"remove_spot", m_remove_spot},
                                       {"remove_floor", m_remove_floor},
                                       {"enter", m_enter},
                                       {"quote", m_quote},
                                       {"lose", m_lose},
                                       {"pay", m_pay},
                                       {"exit", m_exit},
                                       {"state", m_state},
                                       {"available", m_available},
                                       {"occupied", m_occupied},
                                       {"revenue", m_revenue},
                                       {"advance", m_advance},
                                       {"check", m_check},
                                       {"close", m_close},
                                       {NULL, NULL}};

/* dk.parking_ticket_machine() - the machine every ticket runs, as a dk.statemachine (not
 * started) to draw, export or walk: the docs draw theirs from it. */
static int l_parking_ticket_machine(lua_State *L)
{
    dk_error err;
    dk_sm_def_t *d = dk_park_ticket_def(&err);
    if (d == NULL)
        return dk_l_raise(L, &err);
    return dk_l_push_statemachine(L, d);
}

void dk_l_open_parking(lua_State *L)
{
    dk_l_new_class(L, DK_MT_PARKING, lot_methods, NULL, m_tostring, m_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_parking);
    lua_setfield(L, -2, "parking");
    lua_pushcfunction(L, l_parking_ticket_machine);
    lua_setfield(L, -2, "parking_ticket_machine");
}

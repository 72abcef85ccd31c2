/* l_atm.c - dk.atm: an ATM as Lua userdata; its session events as methods. A refusal (a wrong
 * PIN, too little money, the link down) returns nil and the message; a call the session's state
 * does not allow, or a bad argument, raises. */
#include <stdlib.h>

#include "l_common.h"
#include "l_statemachine_export.h"

typedef struct latm {
    dk_atm_t *a;
} latm;

static latm *check_atm(lua_State *L, int idx)
{
    latm *la = (latm *)luaL_checkudata(L, idx, DK_MT_ATM);
    if (la->a == NULL)
        dk_l_closed_error(L, idx, "atm");
    return la;
}

/* An amount: a whole number of minor units. */
static int64_t check_amount(lua_State *L, int idx, const char *what)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (!ok)
        return luaL_error(L, "%s must be a whole number (got %s)", what,
                          luaL_tolstring(L, idx, NULL));
    return (int64_t)v;
}

/* The end of a session call: true (or what the caller pushed, `n` values) when it went through,
 * nil and the message when refused; raises a call out of order, which is the script's bug. */
static int finish(lua_State *L, dk_status st, const dk_error *err, int n)
{
    if (st == DK_OK) {
        if (n == 0)
            lua_pushboolean(L, 1);
        return n > 0 ? n : 1;
    }
    if (st == DK_ESTATE)
        return dk_l_raise(L, err);
    luaL_pushfail(L);
    lua_pushstring(L, err->message);
    return 2;
}

static int by_value_desc(const void *x, const void *y)
{
    const dk_atm_cassette *p = x, *q = y;
    return (p->value < q->value) - (p->value > q->value);
}

/* The cassettes { [value] = count }, largest value first so the order does not depend on the
 * table's. */
static size_t read_cassettes(lua_State *L, int opts, dk_atm_cassette *out)
{
    if (lua_getfield(L, opts, "cassettes") != LUA_TTABLE)
        luaL_error(L, "atm: cassettes must be a table { [value] = count } (got %s)",
                   luaL_typename(L, -1));
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (n == DK_ATM_MAX_CASSETTES)
            luaL_error(L, "atm: cassettes: at most %d", DK_ATM_MAX_CASSETTES);
        out[n].value = check_amount(L, -2, "atm: cassettes: a value");
        out[n].count = check_amount(L, -1, "atm: cassettes: a count");
        n++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    qsort(out, n, sizeof *out, by_value_desc);
    return n;
}

/* accounts = { [card] = { pin = "1234", balance = 100 } } */
static void read_accounts(lua_State *L, int opts, int self)
{
    static const char *const keys[] = {"pin", "balance", NULL};
    int t = lua_getfield(L, opts, "accounts");
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (t != LUA_TTABLE)
        luaL_error(L, "atm: accounts must be a table { [card] = { pin =, balance = } }");
    latm *la = (latm *)lua_touserdata(L, self);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1))
            luaL_error(L, "atm: accounts: each is [card string] = { pin =, balance = }");
        const char *card = lua_tostring(L, -2);
        const char *what = lua_pushfstring(L, "atm: account \"%s\"", card);
        dk_l_check_keys(L, -2, what, keys);
        lua_getfield(L, -2, "pin");
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "%s: pin must be a string of digits", what);
        lua_getfield(L, -3, "balance");
        int64_t balance = lua_isnil(L, -1) ? 0 : check_amount(L, -1, "atm: account: balance");
        dk_error err;
        if (dk_atm_account_add(la->a, card, lua_tostring(L, -2), balance, &err) != DK_OK)
            dk_l_raise(L, &err);
        lua_pop(L, 4);
    }
    lua_pop(L, 1);
}

/*
 * dk.atm { cassettes = { [value] = count }, accounts = { [card] = { pin =, balance = } },
 * pin_attempts = 3, daily_limit = 0, bank = other_atm } - an idle machine; with `bank`, it
 * shares the other machine's accounts (the bank is counted, so either may be closed first).
 */
static int l_atm(lua_State *L)
{
    static const char *const keys[] = {"cassettes",   "accounts", "pin_attempts",
                                       "daily_limit", "bank",     NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "atm", keys);
    dk_atm_cassette stock[DK_ATM_MAX_CASSETTES];
    dk_atm_config cfg = {stock, 0, 0, 0, NULL};
    cfg.ncassettes = read_cassettes(L, 1, stock);
    if (lua_getfield(L, 1, "pin_attempts") != LUA_TNIL)
        cfg.pin_attempts = (int)check_amount(L, -1, "atm: pin_attempts");
    if (lua_getfield(L, 1, "daily_limit") != LUA_TNIL)
        cfg.daily_limit = check_amount(L, -1, "atm: daily_limit");
    if (lua_getfield(L, 1, "bank") != LUA_TNIL) {
        latm *other = (latm *)luaL_testudata(L, -1, DK_MT_ATM);
        if (other == NULL || other->a == NULL)
            return luaL_error(L,
                              "atm: bank must be an open dk.atm whose accounts to share (got %s)",
                              other == NULL ? luaL_typename(L, -1) : "a closed atm");
        cfg.bank = dk_atm_bank_of(other->a);
    }
    lua_pop(L, 3);
    if (cfg.pin_attempts < 0 || cfg.pin_attempts > 100)
        return luaL_error(L, "atm: pin_attempts must be from 1 to 100 (got %d)", cfg.pin_attempts);
    latm *la = (latm *)lua_newuserdatauv(L, sizeof *la, 0);
    la->a = NULL;
    luaL_setmetatable(L, DK_MT_ATM);
    dk_error err;
    la->a = dk_atm_new(&cfg, &err);
    if (la->a == NULL)
        return dk_l_raise(L, &err);
    read_accounts(L, 1, lua_gettop(L));
    return 1;
}

static int m_insert(lua_State *L)
{
    latm *la = check_atm(L, 1);
    const char *card = luaL_checkstring(L, 2);
    dk_error err;
    return finish(L, dk_atm_insert(la->a, card, &err), &err, 0);
}

static int m_pin(lua_State *L)
{
    latm *la = check_atm(L, 1);
    const char *pin = luaL_checkstring(L, 2);
    dk_error err;
    return finish(L, dk_atm_enter_pin(la->a, pin, &err), &err, 0);
}

/* atm:withdraw(amount) - the notes given, { [value] = count }, or nil and why not. */
static int m_withdraw(lua_State *L)
{
    latm *la = check_atm(L, 1);
    int64_t amount = check_amount(L, 2, "withdraw: amount");
    int64_t notes[DK_ATM_MAX_CASSETTES];
    dk_error err;
    dk_status st = dk_atm_withdraw(la->a, amount, notes, &err);
    if (st == DK_OK) {
        dk_atm_cassette stock[DK_ATM_MAX_CASSETTES];
        size_t n = dk_atm_stock(la->a, stock, DK_ATM_MAX_CASSETTES);
        lua_newtable(L);
        for (size_t i = 0; i < n; i++) {
            if (notes[i] > 0) {
                lua_pushinteger(L, notes[i]);
                lua_rawseti(L, -2, stock[i].value);
            }
        }
    }
    return finish(L, st, &err, 1);
}

/* atm:deposit(amount [, "cash" | "cheque"]) */
static int m_deposit(lua_State *L)
{
    static const char *const kinds[] = {"cash", "cheque", NULL};
    latm *la = check_atm(L, 1);
    int64_t amount = check_amount(L, 2, "deposit: amount");
    int cheque = luaL_checkoption(L, 3, "cash", kinds);
    dk_error err;
    return finish(L, dk_atm_deposit(la->a, amount, cheque, &err), &err, 0);
}

static int m_transfer(lua_State *L)
{
    latm *la = check_atm(L, 1);
    const char *to = luaL_checkstring(L, 2);
    int64_t amount = check_amount(L, 3, "transfer: amount");
    dk_error err;
    return finish(L, dk_atm_transfer(la->a, to, amount, &err), &err, 0);
}

/* atm:balance() - available, pending; nil and why not. */
static int m_balance(lua_State *L)
{
    latm *la = check_atm(L, 1);
    int64_t av = 0, pend = 0;
    dk_error err;
    dk_status st = dk_atm_balance(la->a, &av, &pend, &err);
    if (st == DK_OK) {
        lua_pushinteger(L, av);
        lua_pushinteger(L, pend);
    }
    return finish(L, st, &err, 2);
}

static int m_cancel(lua_State *L)
{
    latm *la = check_atm(L, 1);
    dk_error err;
    return finish(L, dk_atm_cancel(la->a, &err), &err, 0);
}

static int m_take_card(lua_State *L)
{
    latm *la = check_atm(L, 1);
    dk_error err;
    return finish(L, dk_atm_take_card(la->a, &err), &err, 0);
}

static int m_state(lua_State *L)
{
    lua_pushstring(L, dk_atm_state(check_atm(L, 1)->a));
    return 1;
}

/* atm:account(card) - available, pending as the bank holds them; raises for an unknown card. */
static int m_account(lua_State *L)
{
    latm *la = check_atm(L, 1);
    const char *card = luaL_checkstring(L, 2);
    int64_t av, pend;
    dk_error err;
    if (dk_atm_account(la->a, card, &av, &pend, &err) != DK_OK)
        return dk_l_raise(L, &err);
    lua_pushinteger(L, av);
    lua_pushinteger(L, pend);
    return 2;
}

static int m_retained(lua_State *L)
{
    latm *la = check_atm(L, 1);
    lua_pushboolean(L, dk_atm_retained(la->a, luaL_checkstring(L, 2)));
    return 1;
}

static int m_refill(lua_State *L)
{
    latm *la = check_atm(L, 1);
    int64_t value = check_amount(L, 2, "refill: value");
    int64_t count = check_amount(L, 3, "refill: count");
    dk_error err;
    dk_status st = dk_atm_refill(la->a, value, count, &err);
    if (st != DK_OK && st != DK_EFULL)
        return dk_l_raise(L, &err); /* a bad value or count, or a refill mid-session */
    return finish(L, st, &err, 0);
}

/* atm:stock() - { [value] = count } */
static int m_stock(lua_State *L)
{
    latm *la = check_atm(L, 1);
    dk_atm_cassette stock[DK_ATM_MAX_CASSETTES];
    size_t n = dk_atm_stock(la->a, stock, DK_ATM_MAX_CASSETTES);
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, stock[i].count);
        lua_rawseti(L, -2, stock[i].value);
    }
    return 1;
}

static int m_clear_cheques(lua_State *L)
{
    dk_atm_clear(check_atm(L, 1)->a);
    lua_settop(L, 1);
    return 1;
}

static int m_fail_link(lua_State *L)
{
    latm *la = check_atm(L, 1);
    dk_atm_fail_link(la->a, (int)luaL_optinteger(L, 2, 1));
    lua_settop(L, 1);
    return 1;
}

static int m_fail_dispense(lua_State *L)
{
    latm *la = check_atm(L, 1);
    dk_atm_fail_dispense(la->a, (int)luaL_optinteger(L, 2, 1));
    lua_settop(L, 1);
    return 1;
}

/* atm:advance(duration) - moves the machine's clock (a day resets the daily limits). */
static int m_advance(lua_State *L)
{
    latm *la = check_atm(L, 1);
    int64_t ns = 0;
    dk_error err;
    if (!dk_l_to_duration(L, 2, &ns, &err) || ns < 0)
        return luaL_argerror(L, 2, ns < 0 ? "a duration >= 0" : err.message);
    dk_atm_advance(la->a, ns);
    lua_settop(L, 1);
    return 1;
}

static int m_now(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)dk_atm_now(check_atm(L, 1)->a) / 1e9);
    return 1;
}

/* atm:audit() - the audit log, a list of lines, oldest first. */
static int m_audit(lua_State *L)
{
    latm *la = check_atm(L, 1);
    size_t n = dk_atm_audit_size(la->a);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_atm_audit_at(la->a, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int m_close(lua_State *L)
{
    latm *la = (latm *)luaL_checkudata(L, 1, DK_MT_ATM);
    dk_atm_free(la->a);
    la->a = NULL;
    return 0;
}

static int m_tostring(lua_State *L)
{
    latm *la = (latm *)luaL_checkudata(L, 1, DK_MT_ATM);
    if (la->a == NULL)
        lua_pushliteral(L, "atm (closed)");
    else
        lua_pushfstring(L, "atm (%s)", dk_atm_state(la->a));
    return 1;
}

static const luaL_Reg atm_methods[] = {{"insert", m_insert},
                                       {"pin", m_pin},
                                       {"withdraw", m_withdraw},
                                       {"deposit", m_deposit},
                                       {"transfer", m_transfer},
                                       {"balance", m_balance},
                                       {"cancel", m_cancel},
                                       {"take_card", m_take_card},
                                       {"state", m_state},
                                       {"account", m_account},
                                       {"retained", m_retained},
                                       {"refill", m_refill},
                                       {"stock", m_stock},
                                       {"clear_cheques", m_clear_cheques},
                                       {"fail_link", m_fail_link},
                                       {"fail_dispense", m_fail_dispense},
                                       {"advance", m_advance},
                                       {"now", m_now},
                                       {"audit", m_audit},
                                       {"close", m_close},
                                       {NULL, NULL}};

/* dk.atm_session_machine() - the session machine every ATM runs, as a dk.statemachine (not
 * started, no actions) to draw, export or walk: the docs draw theirs from it. */
static int l_atm_session_machine(lua_State *L)
{
    dk_error err;
    dk_sm_def_t *d = dk_atm_session_def(&err);
    if (d == NULL)
        return dk_l_raise(L, &err);
    return dk_l_push_statemachine(L, d);
}

void dk_l_open_atm(lua_State *L)
{
    dk_l_new_class(L, DK_MT_ATM, atm_methods, NULL, m_tostring, m_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_atm);
    lua_setfield(L, -2, "atm");
    lua_pushcfunction(L, l_atm_session_machine);
    lua_setfield(L, -2, "atm_session_machine");
}

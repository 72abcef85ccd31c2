/* l_resilience.c - dk.breaker, dk.retry, dk.bulkhead and dk.health: the resilience patterns of
 * core/patterns as Lua userdata. Time is the script's (an optional last argument, seconds or a
 * duration string, never earlier than the one before; omitted: the object's latest time), never a
 * clock read, so a script's decisions repeat. */
#include <math.h>
#include <string.h>

#include "designkit/breaker.h"
#include "designkit/bulkhead.h"
#include "designkit/health.h"
#include "designkit/retry.h"
#include "l_common.h"

/* ---- options and time -------------------------------------------------------------------------
 */

/* The number at the top of the stack as option `field` of `what`; raises naming both. */
static double number_at_top(lua_State *L, const char *what, const char *field)
{
    if (lua_type(L, -1) != LUA_TNUMBER)
        luaL_error(L, "%s: %s must be a number (got %s)", what, field, luaL_typename(L, -1));
    return lua_tonumber(L, -1);
}

/* Option `field` of the table at `idx` as a number (absent: `def`). */
static double number_option(lua_State *L, int idx, const char *what, const char *field, double def)
{
    double v = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL)
        v = number_at_top(L, what, field);
    lua_pop(L, 1);
    return v;
}

/* Option `field` as a whole number in [lo, hi] (absent: `def`). */
static lua_Integer int_option(lua_State *L, int idx, const char *what, const char *field,
                              lua_Integer lo, lua_Integer hi, lua_Integer def)
{
    lua_Integer v = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        double x = number_at_top(L, what, field);
        if (!(x == floor(x)) || x < (double)lo || x > (double)hi)
            luaL_error(L, "%s: %s must be a whole number from %I to %I (got %s)", what, field, lo,
                       hi, luaL_tolstring(L, -1, NULL));
        v = (lua_Integer)x;
    }
    lua_pop(L, 1);
    return v;
}

/* Option `field` as a duration in nanoseconds (absent: `def`). */
static int64_t duration_option(lua_State *L, int idx, const char *what, const char *field,
                               int64_t def)
{
    int64_t v = def;
    dk_error err;
    if (lua_getfield(L, idx, field) != LUA_TNIL && !dk_l_to_duration(L, -1, &v, &err))
        luaL_error(L, "%s: %s: %s", what, field, err.message);
    lua_pop(L, 1);
    return v;
}

/* The option string `field` as an index into `names` (absent: `def`); an unknown name lists
 * the valid ones. */
static int name_option(lua_State *L, int idx, const char *what, const char *field,
                       const char *const *names, int def)
{
    int v = def;
    if (lua_getfield(L, idx, field) != LUA_TNIL) {
        const char *s = lua_tostring(L, -1);
        v = -1;
        for (int i = 0; s != NULL && lua_type(L, -1) == LUA_TSTRING && names[i]; i++)
            if (strcmp(s, names[i]) == 0)
                v = i;
        if (v < 0) {
            int at = lua_gettop(L);
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            for (int i = 0; names[i]; i++) {
                luaL_addstring(&b, i ? ", " : "");
                luaL_addstring(&b, names[i]);
            }
            luaL_pushresult(&b);
            const char *valid = lua_tostring(L, -1);
            luaL_error(L, "%s: %s: unknown %s \"%s\" (use %s)", what, field, field,
                       luaL_tolstring(L, at, NULL), valid);
        }
    }
    lua_pop(L, 1);
    return v;
}

/* The time argument at `idx`: absent keeps `*clock`; present must not go back before it. */
static int64_t time_arg(lua_State *L, int idx, int64_t *clock, const char *what)
{
    if (lua_isnoneornil(L, idx))
        return *clock;
    int64_t t;
    dk_error err;
    if (!dk_l_to_duration(L, idx, &t, &err))
        luaL_error(L, "%s: time: %s", what, err.message);
    if (t < *clock)
        luaL_error(L, "%s: time %f s is before the latest time given (%f s)", what, (double)t / 1e9,
                   (double)*clock / 1e9);
    *clock = t;
    return t;
}

static int raise_config(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

/* ---- dk.breaker -------------------------------------------------------------------------------
 */

/* The userdata; its user value 1 is the on_change function. `L` is the state of the method
 * running now (listeners run on it) and `failed` says the listener raised: its error waits on
 * the stack until the C call returns, so no error unwinds through the breaker. */
typedef struct lbreaker {
    dk_breaker_t *b;
    int64_t clock;
    lua_State *L;
    int failed;
} lbreaker;

static lbreaker *check_breaker(lua_State *L, int idx)
{
    lbreaker *lb = (lbreaker *)luaL_checkudata(L, idx, DK_MT_BREAKER);
    if (lb->b == NULL)
        dk_l_closed_error(L, idx, "breaker");
    lb->L = L;
    lb->failed = 0;
    return lb;
}

static void listener(void *ud, dk_breaker_state from, dk_breaker_state to, int64_t now)
{
    lbreaker *lb = ud;
    lua_State *L = lb->L;
    if (lb->failed || !lua_checkstack(L, 5))
        return;
    if (lua_getiuservalue(L, 1, 1) != LUA_TFUNCTION) { /* every method has the breaker at 1 */
        lua_pop(L, 1);
        return;
    }
    lua_pushstring(L, dk_breaker_state_name(from));
    lua_pushstring(L, dk_breaker_state_name(to));
    lua_pushnumber(L, (double)now / 1e9);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK)
        lb->failed = 1; /* the message stays on the stack */
}

/* Raises the listener's error, if any, now that the breaker's call is over. */
static void rethrow(lua_State *L, lbreaker *lb)
{
    if (lb->failed) {
        lb->failed = 0;
        lua_error(L);
    }
}

/* dk.breaker { window =, window_type = "count"|"time", min_calls =, failure_rate =,
 * slow_rate =, slow =, wait =, half_open_calls = } */
static int l_breaker(lua_State *L)
{
    static const char *const keys[] = {"window",       "window_type",     "min_calls",
                                       "failure_rate", "slow_rate",       "slow",
                                       "wait",         "half_open_calls", NULL};
    static const char *const types[] = {"count", "time", NULL};
    dk_breaker_config c;
    dk_error err;
    dk_breaker_config_default(&c);
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "breaker", keys);
    c.window_type = (dk_breaker_window)name_option(L, 1, "breaker", "window_type", types, 0);
    c.window = (uint32_t)int_option(L, 1, "breaker", "window", 1, 1000000, 100);
    /* resilience4j's minimum is 100 calls; a smaller count window would never reach it, and a
     * script that says window = 20 means "judge the last 20 calls". */
    c.min_calls = (uint32_t)int_option(L, 1, "breaker", "min_calls", 1, 1000000,
                                       c.window_type == DK_BREAKER_COUNT ? c.window : 100);
    c.failure_rate = number_option(L, 1, "breaker", "failure_rate", c.failure_rate);
    c.slow_rate = number_option(L, 1, "breaker", "slow_rate", c.slow_rate);
    c.slow_ns = duration_option(L, 1, "breaker", "slow", c.slow_ns);
    c.wait_ns = duration_option(L, 1, "breaker", "wait", c.wait_ns);
    c.half_open_calls =
        (uint32_t)int_option(L, 1, "breaker", "half_open_calls", 1, 1000000, c.half_open_calls);
    if (dk_breaker_config_check(&c, &err) != DK_OK)
        return raise_config(L, &err);
    lbreaker *lb = lua_newuserdatauv(L, sizeof *lb, 1);
    memset(lb, 0, sizeof *lb);
    luaL_setmetatable(L, DK_MT_BREAKER);
    if ((lb->b = dk_breaker_new(&c, &err)) == NULL)
        return raise_config(L, &err);
    dk_breaker_on_change(lb->b, listener, lb);
    return 1;
}

/* b:allow([t]) -> true | false */
static int b_allow(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    lua_settop(L, 2);
    int64_t now = time_arg(L, 2, &lb->clock, "breaker:allow");
    int ok = dk_breaker_allow(lb->b, now);
    rethrow(L, lb);
    lua_pushboolean(L, ok);
    return 1;
}

/* b:record(ok, duration [, t]) */
static int b_record(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lua_settop(L, 4);
    int64_t d = 0;
    dk_error err;
    if (!lua_isnil(L, 3) && !dk_l_to_duration(L, 3, &d, &err))
        return luaL_error(L, "breaker:record: duration: %s", err.message);
    int64_t now = time_arg(L, 4, &lb->clock, "breaker:record");
    dk_breaker_record(lb->b, now, lua_toboolean(L, 2), d);
    rethrow(L, lb);
    return 0;
}

/* b:call(fn, ...) - runs fn(...) if the breaker permits it, at its latest time: its results, or
 * nil, "breaker is <state>" when rejected. An error from fn is recorded as a failure and raised
 * again. The duration is how far the breaker's time moved during fn (b:advance inside fn). */
static int b_call(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int64_t start = lb->clock;
    int ok = dk_breaker_allow(lb->b, start);
    rethrow(L, lb);
    if (!ok) {
        lua_pushnil(L);
        lua_pushfstring(L, "breaker is %s",
                        dk_breaker_state_name(dk_breaker_state_at(lb->b, start)));
        return 2;
    }
    int base = 1;
    int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    lb->L = L;
    dk_breaker_record(lb->b, lb->clock, status == LUA_OK, lb->clock - start);
    if (lb->failed) { /* the listener's error goes first; the call's is dropped */
        lb->failed = 0;
        return lua_error(L);
    }
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L) - base;
}

/* b:state([t]) -> "closed" | "open" | "half_open" | "forced_open" | "disabled" */
static int b_state(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    lua_settop(L, 2);
    dk_breaker_state s = dk_breaker_state_at(lb->b, time_arg(L, 2, &lb->clock, "breaker:state"));
    rethrow(L, lb);
    lua_pushstring(L, dk_breaker_state_name(s));
    return 1;
}

/* b:force(state [, t]) */
static int b_force(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    int s = luaL_checkoption(L, 2, NULL, dk_breaker_state_names);
    lua_settop(L, 3);
    dk_breaker_force(lb->b, (dk_breaker_state)s, time_arg(L, 3, &lb->clock, "breaker:force"));
    rethrow(L, lb);
    return 0;
}

/* b:on_change(fn | nil): fn(from, to, t) after every transition. */
static int b_on_change(lua_State *L)
{
    check_breaker(L, 1);
    if (!lua_isnil(L, 2))
        luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_setiuservalue(L, 1, 1);
    return 0;
}

/* b:advance(d) - moves the breaker's time on by `d`; returns the new time in seconds. */
static int b_advance(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    int64_t d;
    dk_error err;
    if (!dk_l_to_duration(L, 2, &d, &err))
        return luaL_error(L, "breaker:advance: %s", err.message);
    lb->clock += d;
    lua_pushnumber(L, (double)lb->clock / 1e9);
    return 1;
}

static int b_stats(lua_State *L)
{
    lbreaker *lb = check_breaker(L, 1);
    dk_breaker_stats st;
    dk_breaker_stats_get(lb->b, &st);
    lua_createtable(L, 0, 8);
    dk_l_set_integer(L, "calls", st.calls);
    dk_l_set_integer(L, "failures", st.failures);
    dk_l_set_integer(L, "slow", st.slow);
    if (st.failure_rate >= 0) {
        dk_l_set_number(L, "failure_rate", st.failure_rate);
        dk_l_set_number(L, "slow_rate", st.slow_rate);
    }
    dk_l_set_integer(L, "permitted", (lua_Integer)st.permitted);
    dk_l_set_integer(L, "rejected", (lua_Integer)st.rejected);
    dk_l_set_integer(L, "transitions", (lua_Integer)st.transitions);
    return 1;
}

static int b_close(lua_State *L)
{
    lbreaker *lb = (lbreaker *)luaL_checkudata(L, 1, DK_MT_BREAKER);
    dk_breaker_free(lb->b);
    lb->b = NULL;
    return 0;
}

static int b_tostring(lua_State *L)
{
    lbreaker *lb = (lbreaker *)luaL_checkudata(L, 1, DK_MT_BREAKER);
    if (lb->b == NULL) {
        lua_pushliteral(L, "breaker (closed)");
        return 1;
    }
    /* the state may move on (open -> half_open), which runs the listener on this state */
    lb->L = L;
    lb->failed = 0;
    dk_breaker_state s = dk_breaker_state_at(lb->b, lb->clock);
    rethrow(L, lb);
    lua_pushfstring(L, "breaker (%s)", dk_breaker_state_name(s));
    return 1;
}

static const luaL_Reg breaker_methods[] = {{"allow", b_allow},     {"record", b_record},
                                           {"call", b_call},       {"state", b_state},
                                           {"force", b_force},     {"on_change", b_on_change},
                                           {"advance", b_advance}, {"stats", b_stats},
                                           {"close", b_close},     {NULL, NULL}};

/* ---- dk.retry ---------------------------------------------------------------------------------
 */

typedef struct lretry {
    dk_retry_t *r;
    int64_t clock;
} lretry;

static lretry *check_retry(lua_State *L, int idx)
{
    lretry *lr = (lretry *)luaL_checkudata(L, idx, DK_MT_RETRY);
    if (lr->r == NULL)
        dk_l_closed_error(L, idx, "retry");
    return lr;
}

/* dk.retry { attempts =, base =, cap =, multiplier =, jitter =, timeout =, seed =,
 * budget = { ratio =, min_per_second =, window = } } */
static int l_retry(lua_State *L)
{
    static const char *const keys[] = {"attempts", "base", "cap",    "multiplier", "jitter",
                                       "timeout",  "seed", "budget", NULL};
    static const char *const budget_keys[] = {"ratio", "min_per_second", "window", NULL};
    dk_retry_config c;
    dk_error err;
    dk_retry_config_default(&c);
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "retry", keys);
    c.max_attempts = (uint32_t)int_option(L, 1, "retry", "attempts", 1, 1000, c.max_attempts);
    c.backoff.base_ns = duration_option(L, 1, "retry", "base", c.backoff.base_ns);
    c.backoff.cap_ns = duration_option(L, 1, "retry", "cap", c.backoff.cap_ns);
    c.backoff.multiplier = number_option(L, 1, "retry", "multiplier", c.backoff.multiplier);
    c.backoff.jitter =
        (dk_jitter)name_option(L, 1, "retry", "jitter", dk_jitter_names, DK_JITTER_FULL);
    c.timeout_ns = duration_option(L, 1, "retry", "timeout", 0);
    lua_Integer seed = int_option(L, 1, "retry", "seed", 0, INT64_C(9007199254740992), 1);
    if (lua_getfield(L, 1, "budget") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            return luaL_error(L,
                              "retry: budget must be a table { ratio =, min_per_second =, "
                              "window = } (got %s)",
                              luaL_typename(L, -1));
        int t = lua_gettop(L);
        dk_l_check_keys(L, t, "retry: budget", budget_keys);
        c.budget = 1;
        c.budget_ratio = number_option(L, t, "retry: budget", "ratio", c.budget_ratio);
        c.budget_min_per_s =
            number_option(L, t, "retry: budget", "min_per_second", c.budget_min_per_s);
        c.budget_window_ns = duration_option(L, t, "retry: budget", "window", c.budget_window_ns);
    }
    lua_pop(L, 1);
    lretry *lr = lua_newuserdatauv(L, sizeof *lr, 0);
    memset(lr, 0, sizeof *lr);
    luaL_setmetatable(L, DK_MT_RETRY);
    if ((lr->r = dk_retry_new(&c, (uint64_t)seed, &err)) == NULL)
        return raise_config(L, &err);
    return 1;
}

/* r:backoff(n [, previous]) - the delay in seconds before retry n (1: the first retry), drawn
 * from the retry's own stream; `previous` (seconds) is the delay before retry n - 1. */
static int r_backoff(lua_State *L)
{
    lretry *lr = check_retry(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_argcheck(L, n >= 1 && n <= 1000000, 2, "retry number must be at least 1");
    double prev = luaL_optnumber(L, 3, 0);
    luaL_argcheck(L, prev >= 0 && prev < 9e9, 3, "previous delay must be seconds >= 0");
    /* the policy's backoff, without the attempt bound or the budget */
    int64_t d = dk_retry_backoff(lr->r, (uint32_t)(n - 1), (int64_t)(prev * 1e9));
    lua_pushnumber(L, (double)d / 1e9);
    return 1;
}

/* r:call(fn, ...) - calls fn(attempt, ...) until it succeeds (returns a true first value without
 * raising), the attempts run out or the budget says no. The retry's time moves on by each
 * backoff. Returns true, fn's first value, attempts, waited seconds; or false, the last error
 * (or value), attempts, waited. */
static int r_call(lua_State *L)
{
    lretry *lr = check_retry(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 2;
    int64_t waited = 0, prev = 0;
    dk_retry_begin(lr->r, lr->clock);
    for (uint32_t attempt = 1;; attempt++) {
        lua_pushvalue(L, 2);
        lua_pushinteger(L, attempt);
        for (int i = 0; i < nargs; i++)
            lua_pushvalue(L, 3 + i);
        int status = lua_pcall(L, nargs + 1, 1, 0);
        int ok = status == LUA_OK && lua_toboolean(L, -1);
        int64_t d = ok ? -1 : dk_retry_next(lr->r, lr->clock, attempt, prev);
        if (d < 0) {
            lua_pushboolean(L, ok);
            lua_insert(L, -2);
            lua_pushinteger(L, attempt);
            lua_pushnumber(L, (double)waited / 1e9);
            return 4;
        }
        lua_pop(L, 1);
        lr->clock += d;
        waited += d;
        prev = d;
    }
}

static int r_stats(lua_State *L)
{
    lretry *lr = check_retry(L, 1);
    dk_retry_stats st;
    dk_retry_stats_get(lr->r, &st);
    lua_createtable(L, 0, 4);
    dk_l_set_integer(L, "requests", (lua_Integer)st.requests);
    dk_l_set_integer(L, "retries", (lua_Integer)st.retries);
    dk_l_set_integer(L, "exhausted", (lua_Integer)st.exhausted);
    dk_l_set_integer(L, "budget_denied", (lua_Integer)st.budget_denied);
    return 1;
}

static int r_close(lua_State *L)
{
    lretry *lr = (lretry *)luaL_checkudata(L, 1, DK_MT_RETRY);
    dk_retry_free(lr->r);
    lr->r = NULL;
    return 0;
}

static int r_tostring(lua_State *L)
{
    lretry *lr = (lretry *)luaL_checkudata(L, 1, DK_MT_RETRY);
    if (lr->r == NULL) {
        lua_pushliteral(L, "retry (closed)");
    } else {
        const dk_retry_config *c = dk_retry_config_of(lr->r);
        lua_pushfstring(L, "retry (%d attempts, %s jitter)", (int)c->max_attempts,
                        dk_jitter_name(c->backoff.jitter));
    }
    return 1;
}

static const luaL_Reg retry_methods[] = {
    {"backoff", r_backoff}, {"call", r_call}, {"stats", r_stats}, {"close", r_close}, {NULL, NULL}};

/* ---- dk.bulkhead ------------------------------------------------------------------------------
 */

typedef struct lbulkhead {
    dk_bulkhead_t *b;
    int64_t clock;
} lbulkhead;

static lbulkhead *check_bulkhead(lua_State *L, int idx)
{
    lbulkhead *lb = (lbulkhead *)luaL_checkudata(L, idx, DK_MT_BULKHEAD);
    if (lb->b == NULL)
        dk_l_closed_error(L, idx, "bulkhead");
    return lb;
}

/* dk.bulkhead { max_concurrent =, max_waiting =, max_wait = } */
static int l_bulkhead(lua_State *L)
{
    static const char *const keys[] = {"max_concurrent", "max_waiting", "max_wait", NULL};
    dk_error err;
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "bulkhead", keys);
    if (lua_getfield(L, 1, "max_concurrent") == LUA_TNIL)
        return luaL_error(L, "bulkhead: max_concurrent is missing");
    lua_pop(L, 1);
    lua_Integer mc = int_option(L, 1, "bulkhead", "max_concurrent", 1, 1000000, 1);
    lua_Integer mw = int_option(L, 1, "bulkhead", "max_waiting", 0, 1000000, 0);
    int64_t wait = duration_option(L, 1, "bulkhead", "max_wait", 0);
    lbulkhead *lb = lua_newuserdatauv(L, sizeof *lb, 0);
    memset(lb, 0, sizeof *lb);
    luaL_setmetatable(L, DK_MT_BULKHEAD);
    if ((lb->b = dk_bulkhead_new((uint32_t)mc, (uint32_t)mw, wait, &err)) == NULL)
        return raise_config(L, &err);
    return 1;
}

/* h:enter(ticket [, t]) -> "entered" | "waiting" | "rejected" */
static int h_enter(lua_State *L)
{
    static const char *const verdicts[] = {"entered", "waiting", "rejected"};
    lbulkhead *lb = check_bulkhead(L, 1);
    lua_Integer ticket = luaL_checkinteger(L, 2);
    lua_settop(L, 3);
    dk_bulkhead_verdict v =
        dk_bulkhead_enter(lb->b, time_arg(L, 3, &lb->clock, "bulkhead:enter"), (uint64_t)ticket);
    lua_pushstring(L, verdicts[v]);
    return 1;
}

/* h:leave([t]) -> the ticket that takes the freed slot, or nil */
static int h_leave(lua_State *L)
{
    lbulkhead *lb = check_bulkhead(L, 1);
    lua_settop(L, 2);
    int64_t now = time_arg(L, 2, &lb->clock, "bulkhead:leave");
    dk_bulkhead_stats st;
    dk_bulkhead_stats_get(lb->b, &st);
    if (st.active == 0)
        return luaL_error(L, "bulkhead:leave: no call is running");
    uint64_t t;
    if (dk_bulkhead_leave(lb->b, now, &t))
        lua_pushinteger(L, (lua_Integer)t);
    else
        lua_pushnil(L);
    return 1;
}

/* h:expire([t]) -> the list of tickets whose wait is over */
static int h_expire(lua_State *L)
{
    lbulkhead *lb = check_bulkhead(L, 1);
    lua_settop(L, 2);
    int64_t now = time_arg(L, 2, &lb->clock, "bulkhead:expire");
    lua_newtable(L);
    uint64_t t;
    for (lua_Integer i = 1; dk_bulkhead_expire(lb->b, now, &t); i++) {
        lua_pushinteger(L, (lua_Integer)t);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

static int h_stats(lua_State *L)
{
    lbulkhead *lb = check_bulkhead(L, 1);
    dk_bulkhead_stats st;
    dk_bulkhead_stats_get(lb->b, &st);
    lua_createtable(L, 0, 6);
    dk_l_set_integer(L, "active", st.active);
    dk_l_set_integer(L, "waiting", st.waiting);
    dk_l_set_integer(L, "entered", (lua_Integer)st.entered);
    dk_l_set_integer(L, "waited", (lua_Integer)st.waited);
    dk_l_set_integer(L, "rejected", (lua_Integer)st.rejected);
    dk_l_set_integer(L, "timed_out", (lua_Integer)st.timed_out);
    return 1;
}

static int h_close(lua_State *L)
{
    lbulkhead *lb = (lbulkhead *)luaL_checkudata(L, 1, DK_MT_BULKHEAD);
    dk_bulkhead_free(lb->b);
    lb->b = NULL;
    return 0;
}

static int h_tostring(lua_State *L)
{
    lbulkhead *lb = (lbulkhead *)luaL_checkudata(L, 1, DK_MT_BULKHEAD);
    if (lb->b == NULL) {
        lua_pushliteral(L, "bulkhead (closed)");
    } else {
        dk_bulkhead_stats st;
        dk_bulkhead_stats_get(lb->b, &st);
        lua_pushfstring(L, "bulkhead (%d running, %d waiting)", (int)st.active, (int)st.waiting);
    }
    return 1;
}

static const luaL_Reg bulkhead_methods[] = {{"enter", h_enter},   {"leave", h_leave},
                                            {"expire", h_expire}, {"stats", h_stats},
                                            {"close", h_close},   {NULL, NULL}};

/* ---- dk.health --------------------------------------------------------------------------------
 */

typedef struct lhealth {
    dk_health_t *h;
    int64_t clock;
} lhealth;

static lhealth *check_health(lua_State *L, int idx)
{
    lhealth *lh = (lhealth *)luaL_checkudata(L, idx, DK_MT_HEALTH);
    if (lh->h == NULL)
        dk_l_closed_error(L, idx, "health check");
    return lh;
}

/* dk.health { interval =, timeout =, healthy =, unhealthy =, restart_after = } */
static int l_health(lua_State *L)
{
    static const char *const keys[] = {"interval",  "timeout",       "healthy",
                                       "unhealthy", "restart_after", NULL};
    dk_health_config c;
    dk_error err;
    dk_health_config_default(&c);
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "health", keys);
    c.interval_ns = duration_option(L, 1, "health", "interval", c.interval_ns);
    c.timeout_ns = duration_option(L, 1, "health", "timeout",
                                   c.timeout_ns < c.interval_ns ? c.timeout_ns : c.interval_ns);
    c.healthy_threshold =
        (uint32_t)int_option(L, 1, "health", "healthy", 1, 1000, c.healthy_threshold);
    c.unhealthy_threshold =
        (uint32_t)int_option(L, 1, "health", "unhealthy", 1, 1000, c.unhealthy_threshold);
    c.restart_after_ns = duration_option(L, 1, "health", "restart_after", 0);
    lhealth *lh = lua_newuserdatauv(L, sizeof *lh, 0);
    memset(lh, 0, sizeof *lh);
    luaL_setmetatable(L, DK_MT_HEALTH);
    if ((lh->h = dk_health_new(&c, 0, &err)) == NULL)
        return raise_config(L, &err);
    return 1;
}

/* hc:probe(ok, latency [, t]) -> true when the verdict changed */
static int hc_probe(lua_State *L)
{
    lhealth *lh = check_health(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lua_settop(L, 4);
    int64_t lat = 0;
    dk_error err;
    if (!lua_isnil(L, 3) && !dk_l_to_duration(L, 3, &lat, &err))
        return luaL_error(L, "health:probe: latency: %s", err.message);
    int64_t now = time_arg(L, 4, &lh->clock, "health:probe");
    lua_pushboolean(L, dk_health_probe(lh->h, now, lua_toboolean(L, 2), lat));
    return 1;
}

static int hc_healthy(lua_State *L)
{
    lua_pushboolean(L, dk_health_healthy(check_health(L, 1)->h));
    return 1;
}

/* hc:next_probe() -> seconds */
static int hc_next_probe(lua_State *L)
{
    lua_pushnumber(L, (double)dk_health_next_probe(check_health(L, 1)->h) / 1e9);
    return 1;
}

/* hc:due_restart([t]) -> boolean */
static int hc_due_restart(lua_State *L)
{
    lhealth *lh = check_health(L, 1);
    lua_settop(L, 2);
    lua_pushboolean(L, dk_health_due_restart(lh->h, time_arg(L, 2, &lh->clock, "health")));
    return 1;
}

/* hc:restarted([t]) */
static int hc_restarted(lua_State *L)
{
    lhealth *lh = check_health(L, 1);
    lua_settop(L, 2);
    dk_health_restarted(lh->h, time_arg(L, 2, &lh->clock, "health:restarted"));
    return 0;
}

/* hc:stats([t]) -> { probes, failures, restarts, transitions, healthy, unhealthy, availability } */
static int hc_stats(lua_State *L)
{
    lhealth *lh = check_health(L, 1);
    lua_settop(L, 2);
    dk_health_stats st;
    dk_health_stats_get(lh->h, time_arg(L, 2, &lh->clock, "health:stats"), &st);
    lua_createtable(L, 0, 7);
    dk_l_set_integer(L, "probes", (lua_Integer)st.probes);
    dk_l_set_integer(L, "failures", (lua_Integer)st.failures);
    dk_l_set_integer(L, "restarts", (lua_Integer)st.restarts);
    dk_l_set_integer(L, "transitions", (lua_Integer)st.transitions);
    dk_l_set_number(L, "healthy", (double)st.healthy_ns / 1e9);
    dk_l_set_number(L, "unhealthy", (double)st.unhealthy_ns / 1e9);
    int64_t total = st.healthy_ns + st.unhealthy_ns;
    dk_l_set_number(L, "availability", total > 0 ? (double)st.healthy_ns / (double)total : 1.0);
    return 1;
}

static int hc_close(lua_State *L)
{
    lhealth *lh = (lhealth *)luaL_checkudata(L, 1, DK_MT_HEALTH);
    dk_health_free(lh->h);
    lh->h = NULL;
    return 0;
}

static int hc_tostring(lua_State *L)
{
    lhealth *lh = (lhealth *)luaL_checkudata(L, 1, DK_MT_HEALTH);
    lua_pushstring(L, lh->h == NULL              ? "health check (closed)"
                      : dk_health_healthy(lh->h) ? "health check (healthy)"
                                                 : "health check (unhealthy)");
    return 1;
}

static const luaL_Reg health_methods[] = {
    {"probe", hc_probe},           {"healthy", hc_healthy},
    {"next_probe", hc_next_probe}, {"due_restart", hc_due_restart},
    {"restarted", hc_restarted},   {"stats", hc_stats},
    {"close", hc_close},           {NULL, NULL}};

static const luaL_Reg module_funcs[] = {{"breaker", l_breaker},
                                        {"retry", l_retry},
                                        {"bulkhead", l_bulkhead},
                                        {"health", l_health},
                                        {NULL, NULL}};

void dk_l_open_resilience(lua_State *L)
{
    dk_l_new_class(L, DK_MT_BREAKER, breaker_methods, NULL, b_tostring, b_close);
    dk_l_new_class(L, DK_MT_RETRY, retry_methods, NULL, r_tostring, r_close);
    dk_l_new_class(L, DK_MT_BULKHEAD, bulkhead_methods, NULL, h_tostring, h_close);
    dk_l_new_class(L, DK_MT_HEALTH, health_methods, NULL, hc_tostring, hc_close);
    lua_pop(L, 4);
    luaL_setfuncs(L, module_funcs, 0); /* dk.breaker, dk.retry, dk.bulkhead, dk.health */
}

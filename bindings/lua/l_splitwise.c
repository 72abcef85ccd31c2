/* l_splitwise.c - dk.splitwise: debt simplification and the ledger (users, groups, expenses,
 * payments, history) as Lua userdata. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "l_common.h"

typedef struct lledger {
    dk_ledger_t *l;
} lledger;

static lledger *check_ledger(lua_State *L, int idx)
{
    lledger *ll = (lledger *)luaL_checkudata(L, idx, DK_MT_LEDGER);
    if (ll->l == NULL)
        dk_l_closed_error(L, idx, "ledger");
    return ll;
}

/* A whole number at `idx` as int64 (an integer, or a float with no fraction); raises
 * "<what> must be an integer number of minor units (got 1.5)" otherwise. */
static int64_t check_whole(lua_State *L, int idx, const char *what)
{
    if (lua_isinteger(L, idx))
        return (int64_t)lua_tointeger(L, idx);
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double x = lua_tonumber(L, idx);
        if (x == floor(x) && fabs(x) < 9.0e15)
            return (int64_t)x;
    }
    return luaL_error(L, "%s must be a whole number (got %s)", what, luaL_tolstring(L, idx, NULL));
}

/* Scratch memory that Lua collects, so that an error on the way leaks nothing. */
static void *scratch(lua_State *L, size_t size)
{
    return lua_newuserdatauv(L, size ? size : 1, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- dk.splitwise.simplify ---------------------------------------------------------------- */

/* The `exact` option of the table at `idx` (absent: greedy). */
static dk_simplify_mode mode_option(lua_State *L, int idx, const char *what,
                                    const char *const *keys)
{
    if (lua_isnoneornil(L, idx))
        return DK_SIMPLIFY_GREEDY;
    luaL_checktype(L, idx, LUA_TTABLE);
    dk_l_check_keys(L, idx, what, keys);
    lua_getfield(L, idx, "exact");
    int exact = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return exact ? DK_SIMPLIFY_EXACT : DK_SIMPLIFY_GREEDY;
}

/* Pushes the plan as a list of { from =, to =, amount = }, naming people by `names[i]` (or by
 * their 1-based index when `names` is NULL). */
static void push_plan(lua_State *L, const dk_transfer *t, size_t count, const char *const *names)
{
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; i < count; i++) {
        lua_createtable(L, 0, 3);
        if (names) {
            lua_pushstring(L, names[t[i].from]);
            lua_setfield(L, -2, "from");
            lua_pushstring(L, names[t[i].to]);
        } else {
            dk_l_set_integer(L, "from", (lua_Integer)t[i].from + 1);
            lua_pushinteger(L, (lua_Integer)t[i].to + 1);
        }
        lua_setfield(L, -2, "to");
        dk_l_set_integer(L, "amount", (lua_Integer)t[i].amount);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/*
 * dk.splitwise.simplify(balances [, { exact = true }]) - balances is { name = amount } (people
 * in byte order of their names, which decides ties) or a list of amounts (people are then
 * numbered). Returns the transfers.
 */
static int l_simplify(lua_State *L)
{
    static const char *const keys[] = {"exact", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_simplify_mode mode = mode_option(L, 2, "simplify", keys);
    size_t n = 0, count;
    int is_list = 1;
    dk_error err;

    for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            is_list = 0;
        else if (!lua_isinteger(L, -2))
            return luaL_error(L,
                              "simplify: balances are { name = amount } or a list (got a %s "
                              "key)",
                              luaL_typename(L, -2));
        n++;
    }
    if (is_list && (size_t)luaL_len(L, 1) != n)
        return luaL_error(L, "simplify: a list of balances must have no holes");
    const char **names = scratch(L, n * sizeof *names);
    int64_t *bal = scratch(L, n * sizeof *bal);
    dk_transfer *t = scratch(L, n * sizeof *t);
    if (!is_list) {
        size_t i = 0;
        for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "simplify: balances mix names and positions");
            names[i++] = lua_tostring(L, -2); /* kept alive by the table */
        }
        qsort(names, n, sizeof *names, by_name);
    }
    for (size_t i = 0; i < n; i++) {
        if (is_list)
            lua_rawgeti(L, 1, (lua_Integer)i + 1);
        else
            lua_getfield(L, 1, names[i]);
        if (is_list)
            lua_pushfstring(L, "simplify: balance %d", (int)i + 1);
        else
            lua_pushfstring(L, "simplify: balance of \"%s\"", names[i]);
        bal[i] = check_whole(L, -2, lua_tostring(L, -1));
        lua_pop(L, 2);
    }
    if (dk_splitwise_simplify(bal, n, mode, t, &count, &err) != DK_OK)
        return luaL_error(L, "simplify: %s", err.message);
    push_plan(L, t, count, is_list ? NULL : names);
    return 1;
}

/* ---- the ledger --------------------------------------------------------------------------- */

static int l_ledger(lua_State *L)
{
    lledger *ll = (lledger *)lua_newuserdatauv(L, sizeof *ll, 0);
    ll->l = NULL;
    luaL_setmetatable(L, DK_MT_LEDGER);
    if ((ll->l = dk_ledger_new(NULL)) == NULL)
        return dk_l_raise_status(L, DK_ENOMEM, "ledger: out of memory");
    return 1;
}

/* Raises the C error at the caller's line, as an error object when it is no input mistake. */
static int raise_err(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM || err->status == DK_EINTERNAL)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

static int led_add_user(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    const char *name = dk_l_check_name(L, 2, "user name");
    dk_error err;
    if (dk_ledger_add_user(ll->l, name, &err) != DK_OK)
        return raise_err(L, &err);
    lua_settop(L, 1);
    return 1;
}

/* The strings of the list at `idx` into a scratch array (pushed); `*n` gets the count. */
static const char **name_list(lua_State *L, int idx, const char *what, size_t *n)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        luaL_error(L, "%s must be a list of names (got %s)", what, luaL_typename(L, idx));
    *n = (size_t)luaL_len(L, idx);
    const char **names = scratch(L, *n * sizeof *names);
    for (size_t i = 0; i < *n; i++) {
        if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TSTRING)
            luaL_error(L, "%s[%d] must be a name (got %s)", what, (int)i + 1, luaL_typename(L, -1));
        names[i] = dk_l_check_name(L, -1, what);
        lua_pop(L, 1); /* the list keeps the string alive */
    }
    return names;
}

static int led_add_group(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    const char *name = dk_l_check_name(L, 2, "group name");
    size_t n;
    const char **members = name_list(L, 3, "add_group: members", &n);
    dk_error err;
    if (dk_ledger_add_group(ll->l, name, members, n, &err) != DK_OK)
        return raise_err(L, &err);
    lua_settop(L, 1);
    return 1;
}

/* A percentage as hundredths of a percent: 33.33 -> 3333; more decimals are an error. */
static int64_t percent_value(lua_State *L, int idx, const char *who)
{
    if (lua_type(L, idx) != LUA_TNUMBER)
        return luaL_error(L, "expense: percent of \"%s\" must be a number (got %s)", who,
                          luaL_typename(L, idx));
    double x = lua_tonumber(L, idx) * 100;
    double r = nearbyint(x);
    if (fabs(x) > 1e6) /* far outside 0..100: let the C side say so */
        return x > 0 ? 1000000 : -1000000;
    if (!(fabs(x - r) < 1e-6))
        return luaL_error(L, "expense: percent of \"%s\" must have at most two decimals (got %s)",
                          who, luaL_tolstring(L, idx, NULL));
    return (int64_t)r;
}

/* The value at the top of the stack for participant `who` under `split`. Pops it. */
static int64_t share_value(lua_State *L, dk_split split, const char *who)
{
    int64_t v;
    if (split == DK_SPLIT_PERCENT) {
        v = percent_value(L, -1, who);
    } else {
        lua_pushfstring(L, "expense: %s of \"%s\"", split == DK_SPLIT_EXACT ? "amount" : "share",
                        who);
        v = check_whole(L, -2, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

/* Reads `shares` (the table at `idx`): { name = value } in name order, or a list of pairs
 * { {name, value}, ... } in the order given. Fills a scratch array of names (pushed) and
 * `values` (scratch, pushed too). */
static size_t read_shares(lua_State *L, int idx, dk_split split, const char ***names,
                          int64_t **values)
{
    size_t n = 0;
    int pairs = luaL_len(L, idx) > 0;
    for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
        if (lua_type(L, -2) != (pairs ? LUA_TNUMBER : LUA_TSTRING))
            luaL_error(L, "expense: shares are { name = value } or { {name, value}, ... }, not "
                          "both");
        n++;
    }
    *names = scratch(L, n * sizeof **names);
    *values = scratch(L, n * sizeof **values);
    if (pairs) {
        for (size_t i = 0; i < n; i++) {
            if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TTABLE)
                luaL_error(L, "expense: shares[%d] must be a pair {name, value}", (int)i + 1);
            lua_rawgeti(L, -1, 1);
            (*names)[i] = dk_l_check_name(L, -1, "expense: participant");
            lua_pop(L, 1);
            lua_rawgeti(L, -1, 2);
            (*values)[i] = share_value(L, split, (*names)[i]);
            lua_pop(L, 1);
        }
        return n;
    }
    size_t i = 0;
    for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1))
        (*names)[i++] = dk_l_check_name(L, -2, "expense: participant");
    qsort(*names, n, sizeof **names, by_name);
    for (i = 0; i < n; i++) {
        lua_getfield(L, idx, (*names)[i]);
        (*values)[i] = share_value(L, split, (*names)[i]);
    }
    return n;
}

/* An optional string field of the table at `idx`, or NULL. */
static const char *opt_string(lua_State *L, int idx, const char *field, const char *what)
{
    lua_getfield(L, idx, field);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "%s: %s must be a string (got %s)", what, field, luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* the options table keeps it */
    return s;
}

/*
 * ledger:expense { payer =, amount =, split =, among =, shares =, group =, description = } -
 * records an expense and returns what each participant owes, { name = amount }.
 */
static int led_expense(lua_State *L)
{
    static const char *const keys[] = {"payer",  "amount", "split",       "among",
                                       "shares", "group",  "description", NULL};
    lledger *ll = check_ledger(L, 1);
    dk_expense e = {0};
    dk_error err;
    const char *split = "equal";

    luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, "expense", keys);
    if ((e.payer = opt_string(L, 2, "payer", "expense")) == NULL)
        return luaL_error(L, "expense: payer is missing");
    lua_getfield(L, 2, "amount");
    if (lua_isnil(L, -1))
        return luaL_error(L, "expense: amount is missing");
    e.amount = check_whole(L, -1, "expense: amount");
    lua_pop(L, 1);
    if ((split = opt_string(L, 2, "split", "expense")) == NULL)
        split = "equal";
    if (dk_split_parse(split, &e.split) != DK_OK) {
        static const char *const names[] = {"equal", "exact", "percent", "shares", NULL};
        dk_l_push_did_you_mean(L, dk_suggest_from(split, names));
        return luaL_error(L,
                          "expense: unknown split \"%s\"%s (valid: equal, exact, percent, "
                          "shares)",
                          split, lua_tostring(L, -1));
    }
    e.group = opt_string(L, 2, "group", "expense");
    e.description = opt_string(L, 2, "description", "expense");
    int among = lua_getfield(L, 2, "among") != LUA_TNIL;
    int shares = lua_getfield(L, 2, "shares") != LUA_TNIL;
    if (e.split == DK_SPLIT_EQUAL) {
        if (shares)
            return luaL_error(L, "expense: an equal split takes among = { names }, not shares");
        if (among)
            e.users = name_list(L, -2, "expense: among", &e.n);
    } else {
        if (among)
            return luaL_error(L, "expense: a %s split takes shares = { name = value }, not among",
                              split);
        if (!shares)
            return luaL_error(L, "expense: a %s split needs shares = { name = value }", split);
        luaL_checktype(L, -1, LUA_TTABLE);
        const char **names;
        int64_t *values;
        e.n = read_shares(L, lua_absindex(L, -1), e.split, &names, &values);
        e.users = names;
        e.values = values;
        if (e.n == 0)
            return luaL_error(L, "expense: shares is empty");
    }
    size_t n = e.n ? e.n : dk_ledger_user_count(ll->l); /* a group is no larger */
    int64_t *owed = scratch(L, n * sizeof *owed);
    if (dk_ledger_expense(ll->l, &e, owed, &err) != DK_OK)
        return raise_err(L, &err);
    dk_ledger_event ev;
    dk_ledger_event_at(ll->l, dk_ledger_event_count(ll->l) - 1, &ev);
    lua_createtable(L, 0, (int)ev.n);
    for (size_t i = 0; i < ev.n; i++) {
        lua_pushinteger(L, (lua_Integer)ev.owed[i]);
        lua_setfield(L, -2, dk_ledger_user_name(ll->l, ev.users[i]));
    }
    return 1;
}

/* ledger:settle(from, to, amount [, group]) */
static int led_settle(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    const char *from = dk_l_check_name(L, 2, "settle: payer");
    const char *to = dk_l_check_name(L, 3, "settle: payee");
    luaL_checkany(L, 4);
    int64_t amount = check_whole(L, 4, "settle: amount");
    const char *group = luaL_optstring(L, 5, NULL);
    dk_error err;
    if (dk_ledger_settle(ll->l, from, to, amount, group, &err) != DK_OK)
        return raise_err(L, &err);
    lua_settop(L, 1);
    return 1;
}

static const char *const plan_keys[] = {"exact", "group", NULL};

/* The group option of the plan options at `idx`, or NULL. */
static const char *plan_group(lua_State *L, int idx)
{
    return lua_istable(L, idx) ? opt_string(L, idx, "group", "settle_up") : NULL;
}

/* ledger:simplify { exact =, group = } - the plan for the balances, recorded nowhere. */
static int led_simplify(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    dk_simplify_mode mode = mode_option(L, 2, "simplify", plan_keys);
    const char *group = plan_group(L, 2);
    size_t n = dk_ledger_user_count(ll->l), count;
    int64_t *bal = scratch(L, n * sizeof *bal);
    dk_transfer *t = scratch(L, n * sizeof *t);
    const char **names = scratch(L, n * sizeof *names);
    dk_error err;
    if (dk_ledger_balances(ll->l, group, bal, &err) != DK_OK ||
        dk_splitwise_simplify(bal, n, mode, t, &count, &err) != DK_OK)
        return raise_err(L, &err);
    for (size_t i = 0; i < n; i++)
        names[i] = dk_ledger_user_name(ll->l, i);
    push_plan(L, t, count, names);
    return 1;
}

/* ledger:settle_up { exact =, group = } - records the plan's payments and returns them. */
static int led_settle_up(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    dk_simplify_mode mode = mode_option(L, 2, "settle_up", plan_keys);
    const char *group = plan_group(L, 2);
    size_t n = dk_ledger_user_count(ll->l), count;
    dk_transfer *t = scratch(L, n * sizeof *t);
    const char **names = scratch(L, n * sizeof *names);
    dk_error err;
    if (dk_ledger_settle_up(ll->l, group, mode, t, &count, &err) != DK_OK)
        return raise_err(L, &err);
    for (size_t i = 0; i < n; i++)
        names[i] = dk_ledger_user_name(ll->l, i);
    push_plan(L, t, count, names);
    return 1;
}

/* ledger:balances([group]) - { name = balance } for every user (> 0: is owed). */
static int led_balances(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    const char *group = luaL_optstring(L, 2, NULL);
    size_t n = dk_ledger_user_count(ll->l);
    int64_t *bal = scratch(L, n * sizeof *bal);
    dk_error err;
    if (dk_ledger_balances(ll->l, group, bal, &err) != DK_OK)
        return raise_err(L, &err);
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)bal[i]);
        lua_setfield(L, -2, dk_ledger_user_name(ll->l, i));
    }
    return 1;
}

static int led_users(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    size_t n = dk_ledger_user_count(ll->l);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_ledger_user_name(ll->l, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* Pushes event `ev` of `l` as the table ledger:history shows and dk.splitwise.replay reads. */
static void push_event(lua_State *L, const dk_ledger_t *l, const dk_ledger_event *ev)
{
    static const char *const kinds[] = {"user", "group", "expense", "settle"};
    const char *group = ev->group >= 0 ? dk_ledger_group_name(l, (size_t)ev->group) : NULL;
    lua_createtable(L, 0, 8);
    dk_l_set_string(L, "type", kinds[ev->kind]);
    switch (ev->kind) {
    case DK_LEDGER_USER:
        dk_l_set_string(L, "name", ev->name);
        break;
    case DK_LEDGER_GROUP:
        dk_l_set_string(L, "name", ev->name);
        lua_createtable(L, (int)ev->n, 0);
        for (size_t i = 0; i < ev->n; i++) {
            lua_pushstring(L, dk_ledger_user_name(l, ev->users[i]));
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "members");
        break;
    case DK_LEDGER_EXPENSE:
        dk_l_set_string(L, "payer", dk_ledger_user_name(l, ev->payer));
        dk_l_set_integer(L, "amount", (lua_Integer)ev->amount);
        dk_l_set_string(L, "split", dk_split_name(ev->split));
        dk_l_set_string(L, "group", group);
        dk_l_set_string(L, "description", ev->name);
        lua_createtable(L, (int)ev->n, 0); /* among, or shares as ordered pairs */
        for (size_t i = 0; i < ev->n; i++) {
            const char *who = dk_ledger_user_name(l, ev->users[i]);
            if (ev->values == NULL) {
                lua_pushstring(L, who);
            } else {
                lua_createtable(L, 2, 0);
                lua_pushstring(L, who);
                lua_rawseti(L, -2, 1);
                if (ev->split == DK_SPLIT_PERCENT)
                    lua_pushnumber(L, (lua_Number)ev->values[i] / 100);
                else
                    lua_pushinteger(L, (lua_Integer)ev->values[i]);
                lua_rawseti(L, -2, 2);
            }
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, ev->values == NULL ? "among" : "shares");
        lua_createtable(L, 0, (int)ev->n);
        for (size_t i = 0; i < ev->n; i++) {
            lua_pushinteger(L, (lua_Integer)ev->owed[i]);
            lua_setfield(L, -2, dk_ledger_user_name(l, ev->users[i]));
        }
        lua_setfield(L, -2, "owed");
        break;
    case DK_LEDGER_SETTLE:
        dk_l_set_string(L, "from", dk_ledger_user_name(l, ev->payer));
        dk_l_set_string(L, "to", dk_ledger_user_name(l, ev->to));
        dk_l_set_integer(L, "amount", (lua_Integer)ev->amount);
        dk_l_set_string(L, "group", group);
        break;
    }
}

/* ledger:history() - every event, oldest first. */
static int led_history(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    size_t n = dk_ledger_event_count(ll->l);
    dk_ledger_event ev;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_ledger_event_at(ll->l, i, &ev);
        push_event(L, ll->l, &ev);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ledger:replay([n]) - a new ledger from the first n events (all by default). */
static int led_replay(lua_State *L)
{
    lledger *ll = check_ledger(L, 1);
    lua_Integer upto = luaL_optinteger(L, 2, (lua_Integer)dk_ledger_event_count(ll->l));
    luaL_argcheck(L, upto >= 0, 2, "the number of events must not be negative");
    dk_error err;
    lledger *r = (lledger *)lua_newuserdatauv(L, sizeof *r, 0);
    r->l = NULL;
    luaL_setmetatable(L, DK_MT_LEDGER);
    if ((r->l = dk_ledger_replay(ll->l, (size_t)upto, &err)) == NULL)
        return raise_err(L, &err);
    return 1;
}

/* Calls method `fn` of the ledger at `lidx` with `nargs` arguments already pushed, catching
 * its error so that the message can name the event. */
static void replay_call(lua_State *L, int lidx, lua_CFunction fn, int nargs, lua_Integer i)
{
    lua_pushcfunction(L, fn);
    lua_insert(L, -nargs - 1);
    lua_pushvalue(L, lidx);
    lua_insert(L, -nargs - 1);
    if (lua_pcall(L, nargs + 1, 0, 0) != LUA_OK) {
        luaL_error(L, "replay: history[%d]: %s", (int)i, luaL_tolstring(L, -1, NULL));
    }
}

/* Copies the fields `keys` of the table at `from` into a new table (pushed). */
static void copy_fields(lua_State *L, int from, const char *const *keys)
{
    lua_newtable(L);
    for (const char *const *k = keys; *k; k++) {
        lua_getfield(L, from, *k);
        lua_setfield(L, -2, *k);
    }
}

/*
 * dk.splitwise.replay(history) - a new ledger made by applying a history (ledger:history()'s
 * list, perhaps read back from JSON) event by event through the same methods.
 */
static int l_replay(lua_State *L)
{
    static const char *const types[] = {"user", "group", "expense", "settle", NULL};
    static const char *const expense_keys[] = {"payer",  "amount", "split",       "among",
                                               "shares", "group",  "description", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    l_ledger(L);
    int lidx = lua_gettop(L);
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, 1, i) != LUA_TTABLE)
            return luaL_error(L, "replay: history[%d] must be a table (got %s)", (int)i,
                              luaL_typename(L, -1));
        int ev = lua_gettop(L);
        lua_getfield(L, ev, "type");
        const char *type = lua_tostring(L, -1);
        int kind = -1;
        for (int k = 0; type != NULL && types[k]; k++)
            if (strcmp(type, types[k]) == 0)
                kind = k;
        if (kind < 0) {
            if (type != NULL)
                lua_pushfstring(L, "\"%s\"", type);
            else
                luaL_tolstring(L, -1, NULL);
            return luaL_error(L,
                              "replay: history[%d]: unknown type %s (valid: user, group, "
                              "expense, settle)",
                              (int)i, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
        if (kind == 0) {
            lua_getfield(L, ev, "name");
            replay_call(L, lidx, led_add_user, 1, i);
        } else if (kind == 1) {
            lua_getfield(L, ev, "name");
            lua_getfield(L, ev, "members");
            replay_call(L, lidx, led_add_group, 2, i);
        } else if (kind == 2) {
            copy_fields(L, ev, expense_keys);
            replay_call(L, lidx, led_expense, 1, i);
        } else {
            lua_getfield(L, ev, "from");
            lua_getfield(L, ev, "to");
            lua_getfield(L, ev, "amount");
            lua_getfield(L, ev, "group");
            replay_call(L, lidx, led_settle, 4, i);
        }
        lua_settop(L, lidx);
    }
    return 1;
}

static int led_close(lua_State *L)
{
    lledger *ll = (lledger *)luaL_checkudata(L, 1, DK_MT_LEDGER);
    dk_ledger_free(ll->l);
    ll->l = NULL;
    return 0;
}

static int led_tostring(lua_State *L)
{
    lledger *ll = (lledger *)luaL_checkudata(L, 1, DK_MT_LEDGER);
    if (ll->l == NULL)
        lua_pushliteral(L, "ledger (closed)");
    else
        lua_pushfstring(L, "ledger (%d users, %d groups, %d events)",
                        (int)dk_ledger_user_count(ll->l), (int)dk_ledger_group_count(ll->l),
                        (int)dk_ledger_event_count(ll->l));
    return 1;
}

static const luaL_Reg ledger_methods[] = {
    {"add_user", led_add_user}, {"add_group", led_add_group}, {"expense", led_expense},
    {"settle", led_settle},     {"settle_up", led_settle_up}, {"simplify", led_simplify},
    {"balances", led_balances}, {"users", led_users},         {"history", led_history},
    {"replay", led_replay},     {"close", led_close},         {NULL, NULL}};

static const luaL_Reg module_funcs[] = {
    {"simplify", l_simplify}, {"ledger", l_ledger}, {"replay", l_replay}, {NULL, NULL}};

void dk_l_open_splitwise(lua_State *L)
{
    dk_l_new_class(L, DK_MT_LEDGER, ledger_methods, NULL, led_tostring, led_close);
    lua_pop(L, 1);
    luaL_newlib(L, module_funcs);
    lua_setfield(L, -2, "splitwise");
}

/* l_shard.c - dk.shard: sharders as Lua userdata (shard numbers from 1), resharding plans and
 * the load report. */
#include <math.h>
#include <string.h>

#include "l_common.h"

/* The userdata. A custom sharder's function is anchored in the registry (`fnref`); `L` is the
 * state of the call in progress, which the C callback calls the function in. */
typedef struct lshard {
    dk_shard_t *s;
    lua_State *L;
    int fnref;
} lshard;

static lshard *check_shard(lua_State *L, int idx)
{
    lshard *ls = (lshard *)luaL_checkudata(L, idx, DK_MT_SHARD);
    if (ls->s == NULL)
        dk_l_closed_error(L, idx, "sharder");
    ls->L = L;
    return ls;
}

/* Raises what a failed call reported, at the caller's line; out-of-memory as an error object. */
static int raise(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

/* The custom callback: fn(key, shards) in a protected call, so an error in the script's
 * function comes back as a status (C code above us may hold memory) with its own position. */
static dk_status call_fn(void *ud, uint64_t key, size_t shards, size_t *out, dk_error *err)
{
    lshard *ls = ud;
    lua_State *L = ls->L;
    if (!lua_checkstack(L, 4))
        return dk_error_set(err, DK_ENOMEM, "shard: custom: out of Lua stack");
    lua_rawgeti(L, LUA_REGISTRYINDEX, ls->fnref);
    lua_pushinteger(L, (lua_Integer)key);
    lua_pushinteger(L, (lua_Integer)shards);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        const char *msg =
            lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(an error object)";
        dk_error_set(err, DK_EINVAL, "shard: custom: the function failed for key %llu: %s",
                     (unsigned long long)key, msg);
        lua_pop(L, 1);
        return DK_EINVAL;
    }
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, -1, &isint);
    lua_pop(L, 1);
    if (!isint || v < 1 || (lua_Unsigned)v > shards)
        return dk_error_set(err, DK_ERANGE,
                            "shard: custom: the function must return a shard number from 1 to "
                            "%zu (key %llu)",
                            shards, (unsigned long long)key);
    *out = (size_t)(v - 1);
    return DK_OK;
}

/* A new, empty sharder userdata on the stack. */
static lshard *push_shard(lua_State *L)
{
    lshard *ls = (lshard *)lua_newuserdatauv(L, sizeof *ls, 0);
    ls->s = NULL;
    ls->L = L;
    ls->fnref = LUA_NOREF;
    luaL_setmetatable(L, DK_MT_SHARD);
    return ls;
}

/* A whole number >= 1 (an `shards` count) from field `f` of the table at 1, or `def`. */
static size_t count_field(lua_State *L, const char *f, size_t def)
{
    size_t n = def;
    if (lua_getfield(L, 1, f) != LUA_TNIL) {
        int ok = 0;
        lua_Integer v = lua_tointegerx(L, -1, &ok);
        if (!ok || v < 1 || v > (lua_Integer)UINT32_MAX)
            luaL_error(L, "shard: %s must be a whole number from 1 (got %s)", f,
                       luaL_tolstring(L, -1, NULL));
        n = (size_t)v;
    }
    lua_pop(L, 1);
    return n;
}

static uint64_t check_key_number(lua_State *L, int idx, const char *what)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (!ok || v < 0)
        luaL_error(L, "shard: %s must be a whole number >= 0 (got %s)", what,
                   luaL_tolstring(L, idx, NULL));
    return (uint64_t)v;
}

static dk_shard_t *new_range(lua_State *L, dk_error *err)
{
    size_t n = 0;
    if (lua_getfield(L, 1, "splits") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            luaL_error(L, "shard: range: splits must be a list of whole numbers (got %s)",
                       luaL_typename(L, -1));
        n = (size_t)luaL_len(L, -1);
    }
    uint64_t *splits = lua_newuserdatauv(L, (n ? n : 1) * sizeof *splits, 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, -2, (lua_Integer)i + 1);
        lua_pushfstring(L, "range: splits[%d]", (int)i + 1);
        splits[i] = check_key_number(L, -2, lua_tostring(L, -1));
        lua_pop(L, 2);
    }
    dk_shard_t *s = dk_shard_range_new(splits, n, err);
    lua_pop(L, 2);
    return s;
}

/* Table strategies: `field` = { key = shard, ... } (directory, geo) or, for vertical,
 * groups = { {"field", ...}, ... } (group i holds those fields). */
static dk_shard_t *new_table(lua_State *L, dk_shard_strategy st, dk_error *err)
{
    const char *field = st == DK_SHARD_DIRECTORY ? "map"
                        : st == DK_SHARD_GEO     ? "regions"
                                                 : "groups";
    size_t shards = count_field(L, "shards", 0);
    if (lua_getfield(L, 1, field) != LUA_TNIL && !lua_istable(L, -1))
        luaL_error(L, "shard: %s: %s must be a table (got %s)", dk_shard_strategy_names[st], field,
                   luaL_typename(L, -1));
    int t = lua_gettop(L);
    if (st == DK_SHARD_VERTICAL) {
        if (lua_isnil(L, t) || luaL_len(L, t) == 0)
            luaL_error(L, "shard: vertical: groups must list at least one group of fields");
        if (shards == 0)
            shards = (size_t)luaL_len(L, t);
    } else if (shards == 0 && lua_istable(L, t)) {
        /* Without `shards`, as many as the highest shard the table names. */
        for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
            lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
            if (v > 0 && (size_t)v > shards && v <= (lua_Integer)UINT32_MAX)
                shards = (size_t)v;
        }
    }
    if (shards == 0)
        luaL_error(L, "shard: %s: no shards (give shards = N or a non-empty %s)",
                   dk_shard_strategy_names[st], field);
    lshard *ls = push_shard(L); /* made first: it owns `s`, so an error below frees it */
    dk_shard_t *s = ls->s = dk_shard_table_new(st, shards, err);
    if (s == NULL)
        return NULL;
    if (st == DK_SHARD_VERTICAL) {
        for (lua_Integer g = 1; g <= luaL_len(L, t); g++) {
            if (lua_geti(L, t, g) != LUA_TTABLE)
                luaL_error(L, "shard: vertical: groups[%d] must be a list of field names", (int)g);
            for (lua_Integer f = 1; lua_geti(L, -1, f) != LUA_TNIL; f++) {
                if (lua_type(L, -1) != LUA_TSTRING)
                    luaL_error(L, "shard: vertical: groups[%d][%d] must be a field name", (int)g,
                               (int)f);
                if (dk_shard_of_name(s, lua_tostring(L, -1), &(size_t){0}, NULL) == DK_OK)
                    luaL_error(L, "shard: vertical: field \"%s\" is in two groups",
                               lua_tostring(L, -1));
                if (dk_shard_assign(s, lua_tostring(L, -1), (size_t)g - 1, err) != DK_OK)
                    raise(L, err);
                lua_pop(L, 1);
            }
            lua_pop(L, 2);
        }
    } else if (lua_istable(L, t)) {
        for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
            if (lua_type(L, -2) != LUA_TSTRING && !lua_isinteger(L, -2))
                luaL_error(L, "shard: %s: %s keys must be names or whole numbers",
                           dk_shard_strategy_names[st], field);
            lua_pushvalue(L, -2);
            const char *key = lua_tostring(L, -1);
            int ok = 0;
            lua_Integer v = lua_tointegerx(L, -2, &ok);
            if (!ok || v < 1 || (size_t)v > shards)
                luaL_error(L, "shard: %s: %s[\"%s\"] must be a shard number from 1 to %d",
                           dk_shard_strategy_names[st], field, key, (int)shards);
            if (dk_shard_assign(s, key, (size_t)v - 1, err) != DK_OK)
                raise(L, err);
            lua_pop(L, 1);
        }
    }
    lua_remove(L, t);
    return s;
}

/*
 * dk.shard { strategy = "range" | "hash" | "directory" | "geo" | "custom" | "vertical", ... }
 */
static int l_shard_new(lua_State *L)
{
    static const char *const keys[] = {"strategy", "splits", "shards", "method", "map",
                                       "regions",  "groups", "fn",     NULL};
    static const char *const methods[] = {"mod", "jump", NULL};
    if (lua_istable(L, 1) && lua_getmetatable(L, 1)) { /* called as dk.shard(...) via __call */
        lua_pop(L, 1);
        lua_remove(L, 1);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "shard", keys);
    lua_settop(L, 1);
    dk_error err;
    dk_shard_strategy st;
    if (lua_getfield(L, 1, "strategy") != LUA_TSTRING ||
        dk_shard_strategy_parse(lua_tostring(L, -1), &st) != DK_OK) {
        const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        dk_l_push_did_you_mean(L, name ? dk_suggest_from(name, dk_shard_strategy_names) : NULL);
        return luaL_error(L, "shard: unknown strategy %s%s (valid: %s)",
                          name ? lua_pushfstring(L, "\"%s\"", name) : luaL_typename(L, -2),
                          lua_tostring(L, -1), dk_shard_strategy_list);
    }
    lua_settop(L, 1);
    if (st != DK_SHARD_CUSTOM && st != DK_SHARD_RANGE && st != DK_SHARD_HASH)
        return new_table(L, st, &err) != NULL ? 1 : raise(L, &err); /* pushed its userdata */
    lshard *ls = push_shard(L); /* 2: made before the sharder, which it then owns */
    dk_shard_t *s = NULL;
    switch (st) {
    case DK_SHARD_RANGE:
        s = new_range(L, &err);
        break;
    case DK_SHARD_HASH: {
        int m = 0;
        if (lua_getfield(L, 1, "method") != LUA_TNIL) {
            const char *name = lua_tostring(L, -1);
            if (lua_type(L, -1) != LUA_TSTRING || strcmp(name, "jump") * strcmp(name, "mod") != 0)
                return luaL_error(L, "shard: hash: unknown method %s (valid: mod, jump)",
                                  luaL_tolstring(L, -1, NULL));
            m = strcmp(name, methods[1]) == 0;
        }
        lua_pop(L, 1);
        s = dk_shard_hash_new(m ? DK_SHARD_JUMP : DK_SHARD_MOD, count_field(L, "shards", 0), &err);
        if (s == NULL && err.status == DK_EINVAL)
            return luaL_error(L, "shard: hash: shards = N is missing");
        break;
    }
    case DK_SHARD_CUSTOM: {
        if (lua_getfield(L, 1, "fn") != LUA_TFUNCTION)
            return luaL_error(L,
                              "shard: custom: fn must be a function(key, shards) returning a "
                              "shard number (got %s)",
                              luaL_typename(L, -1));
        size_t n = count_field(L, "shards", 0);
        if (n == 0)
            return luaL_error(L, "shard: custom: shards = N is missing");
        ls->fnref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops fn */
        s = dk_shard_custom_new(call_fn, ls, n, &err);
        break;
    }
    default:
        break;
    }
    if ((ls->s = s) == NULL)
        return raise(L, &err);
    lua_settop(L, 2);
    return 1;
}

/* s:shard(key) -> the shard number (from 1) owning key (a whole number or a name). */
static int s_shard(lua_State *L)
{
    lshard *ls = check_shard(L, 1);
    dk_error err;
    size_t id = 0;
    dk_status st;
    if (lua_type(L, 2) == LUA_TSTRING)
        st = dk_shard_of_name(ls->s, lua_tostring(L, 2), &id, &err);
    else
        st = dk_shard_of(ls->s, check_key_number(L, 2, "key"), &id, &err);
    if (st != DK_OK)
        return raise(L, &err);
    lua_pushinteger(L, (lua_Integer)id + 1);
    return 1;
}

/* s:add([split]) -> the new shard's number. */
static int s_add(lua_State *L)
{
    lshard *ls = check_shard(L, 1);
    dk_error err;
    uint64_t split = 0;
    if (dk_shard_strategy_of(ls->s) == DK_SHARD_RANGE)
        split = check_key_number(L, 2, "add: the split point");
    size_t id = 0;
    if (dk_shard_add(ls->s, split, &id, &err) != DK_OK)
        return raise(L, &err);
    lua_pushinteger(L, (lua_Integer)id + 1);
    return 1;
}

static size_t check_shard_number(lua_State *L, int idx)
{
    int ok = 0;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    if (!ok || v < 1)
        luaL_argerror(L, idx, "a shard number from 1 expected");
    return (size_t)v - 1;
}

static int s_remove(lua_State *L)
{
    lshard *ls = check_shard(L, 1);
    dk_error err;
    if (dk_shard_remove(ls->s, check_shard_number(L, 2), &err) != DK_OK)
        return raise(L, &err);
    return 0;
}

/* s:assign(key, shard): directory, geo and vertical. */
static int s_assign(lua_State *L)
{
    lshard *ls = check_shard(L, 1);
    dk_error err;
    const char *key = luaL_tolstring(L, 2, NULL);
    if (!lua_isinteger(L, 2) && lua_type(L, 2) != LUA_TSTRING)
        luaL_argerror(L, 2, "a key (name or whole number) expected");
    if (dk_shard_assign(ls->s, key, check_shard_number(L, 3), &err) != DK_OK)
        return raise(L, &err);
    return 0;
}

static int s_clone(lua_State *L)
{
    lshard *ls = check_shard(L, 1);
    lshard *c = push_shard(L);
    if ((c->s = dk_shard_clone(ls->s)) == NULL)
        return dk_l_raise_status(L, DK_ENOMEM, "shard: out of memory");
    if (ls->fnref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ls->fnref);
        c->fnref = luaL_ref(L, LUA_REGISTRYINDEX);
        dk_shard_set_fn(c->s, call_fn, c);
    }
    return 1;
}

static int s_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_shard_count(check_shard(L, 1)->s));
    return 1;
}

/*
 * Reads a key set at `idx` into `keys` (scratch arrays pushed on the stack): a list of whole
 * numbers or of names, a count n (keys 1..n), or a Zipf distribution (keys 1..n weighted by
 * its pmf). Sets *zipf_n and *zipf_s for a Zipf.
 */
static void read_keys(lua_State *L, int idx, dk_shard_keys *keys, uint64_t *zipf_n, double *zipf_s)
{
    memset(keys, 0, sizeof *keys);
    *zipf_n = 0;
    ldist *ld = dk_l_test_dist(L, idx);
    if (ld != NULL) {
        double p[2];
        if (dk_dist_kind_of(ld->d) != DK_DIST_ZIPF)
            luaL_error(L, "shard: keys: a distribution must be dk.zipf (got %s)",
                       dk_dist_kind_name(dk_dist_kind_of(ld->d)));
        dk_dist_params(ld->d, p);
        if (p[0] > 1e7)
            luaL_error(L, "shard: keys: zipf n is at most 10^7 here (every key is replayed)");
        *zipf_n = (uint64_t)p[0];
        *zipf_s = p[1];
        size_t n = (size_t)*zipf_n;
        uint64_t *ints = lua_newuserdatauv(L, n * sizeof *ints, 0);
        double *w = lua_newuserdatauv(L, n * sizeof *w, 0);
        double h = 0;
        for (size_t k = 0; k < n; k++) {
            ints[k] = k + 1;
            h += w[k] = pow((double)(k + 1), -*zipf_s);
        }
        for (size_t k = 0; k < n; k++)
            w[k] /= h;
        *keys = (dk_shard_keys){ints, NULL, w, n};
        return;
    }
    if (lua_isinteger(L, idx)) {
        lua_Integer n = lua_tointeger(L, idx);
        if (n < 1 || n > 100000000)
            luaL_error(L, "shard: keys: a count must be from 1 to 10^8 (got %I)", n);
        uint64_t *ints = lua_newuserdatauv(L, (size_t)n * sizeof *ints, 0);
        for (lua_Integer k = 0; k < n; k++)
            ints[k] = (uint64_t)k + 1;
        *keys = (dk_shard_keys){ints, NULL, NULL, (size_t)n};
        return;
    }
    if (!lua_istable(L, idx))
        luaL_error(L, "shard: keys must be a list, a count or dk.zipf (got %s)",
                   luaL_typename(L, idx));
    size_t n = (size_t)luaL_len(L, idx);
    if (n == 0)
        luaL_error(L, "shard: keys: the list is empty");
    lua_geti(L, idx, 1);
    int names = lua_type(L, -1) == LUA_TSTRING;
    lua_pop(L, 1);
    void *arr = lua_newuserdatauv(L, n * (names ? sizeof(char *) : sizeof(uint64_t)), 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, idx, (lua_Integer)i + 1);
        if (names) {
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "shard: keys[%d] must be a name like keys[1] (got %s)", (int)i + 1,
                           luaL_typename(L, -1));
            ((const char **)arr)[i] = lua_tostring(L, -1); /* the list keeps it alive */
        } else {
            lua_pushfstring(L, "keys[%d]", (int)i + 1);
            ((uint64_t *)arr)[i] = check_key_number(L, -2, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    keys->n = n;
    if (names)
        keys->names = arr;
    else
        keys->ints = arr;
}

/* Pushes { moved =, fraction =, moves = { {from, to, first, last, count, weight}, ... } }. */
static void push_plan(lua_State *L, const dk_shard_t *a, const dk_shard_t *b,
                      const dk_shard_keys *keys)
{
    dk_error err;
    dk_shard_move *moves;
    size_t nmoves, moved;
    if (dk_shard_plan(a, b, keys, &moves, &nmoves, &moved, &err) != DK_OK)
        raise(L, &err);
    lua_createtable(L, 0, 3);
    dk_l_set_integer(L, "moved", (lua_Integer)moved);
    dk_l_set_number(L, "fraction", keys->n ? (double)moved / (double)keys->n : 0);
    if (!lua_checkstack(L, 4)) {
        dk_free(moves);
        luaL_error(L, "shard: out of Lua stack");
    }
    lua_createtable(L, (int)nmoves, 0);
    for (size_t i = 0; i < nmoves; i++) {
        const dk_shard_move *m = &moves[i];
        lua_createtable(L, 0, 6);
        dk_l_set_integer(L, "from", (lua_Integer)m->from + 1);
        dk_l_set_integer(L, "to", (lua_Integer)m->to + 1);
        if (keys->names != NULL) {
            lua_pushstring(L, keys->names[m->first]);
            lua_setfield(L, -2, "first");
            lua_pushstring(L, keys->names[m->last]);
        } else {
            dk_l_set_integer(L, "first", (lua_Integer)m->first);
            lua_pushinteger(L, (lua_Integer)m->last);
        }
        lua_setfield(L, -2, "last");
        dk_l_set_integer(L, "count", (lua_Integer)m->count);
        dk_l_set_number(L, "weight", m->weight);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dk_free(moves);
    lua_setfield(L, -2, "moves");
}

/* s:plan(other, keys) -> what moves from `s` to `other` over the key set. */
static int s_plan(lua_State *L)
{
    lshard *a = check_shard(L, 1), *b = check_shard(L, 2);
    dk_shard_keys keys;
    uint64_t zn;
    double zs;
    luaL_argexpected(L, !lua_isnoneornil(L, 3), 3, "keys (a list, a count or dk.zipf)");
    read_keys(L, 3, &keys, &zn, &zs);
    push_plan(L, a->s, b->s, &keys);
    return 1;
}

/*
 * dk.shard.report { shard = s, keys = list | n | dk.zipf{...}, after = s2 } -> { loads = {..},
 * shares = {..}, max_over_mean, cv, hottest, hottest_share [, plan = s:plan(after, keys)] }.
 */
static int l_report(lua_State *L)
{
    static const char *const fields[] = {"shard", "keys", "after", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "shard.report", fields);
    lua_settop(L, 1);
    lua_getfield(L, 1, "shard"); /* 2 */
    lshard *ls = (lshard *)luaL_testudata(L, 2, DK_MT_SHARD);
    if (ls == NULL)
        return luaL_error(L, "shard.report: shard must be a sharder made by dk.shard (got %s)",
                          luaL_typename(L, 2));
    check_shard(L, 2);
    lua_getfield(L, 1, "after"); /* 3 */
    lshard *after = NULL;
    if (!lua_isnil(L, 3) && (after = (lshard *)luaL_testudata(L, 3, DK_MT_SHARD)) == NULL)
        return luaL_error(L, "shard.report: after must be a sharder made by dk.shard (got %s)",
                          luaL_typename(L, 3));
    if (after != NULL)
        check_shard(L, 3);
    if (lua_getfield(L, 1, "keys") == LUA_TNIL) /* 4 */
        return luaL_error(L, "shard.report: keys is missing (a list, a count or dk.zipf)");
    dk_shard_keys keys;
    uint64_t zn;
    double zs;
    read_keys(L, 4, &keys, &zn, &zs);
    size_t ids = dk_shard_ids(ls->s);
    double *loads = lua_newuserdatauv(L, ids * sizeof *loads, 0);
    dk_error err;
    if (dk_shard_loads(ls->s, &keys, loads, &err) != DK_OK)
        return raise(L, &err);
    dk_shard_skew k = dk_shard_skew_of(ls->s, loads);
    lua_createtable(L, 0, 8);
    lua_createtable(L, (int)ids, 0);
    lua_createtable(L, (int)ids, 0);
    for (size_t i = 0; i < ids; i++) {
        lua_pushnumber(L, loads[i]);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
        lua_pushnumber(L, k.total > 0 ? loads[i] / k.total : 0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "shares");
    lua_setfield(L, -2, "loads");
    dk_l_set_number(L, "max_over_mean", k.max_over_mean);
    dk_l_set_number(L, "cv", k.cv);
    dk_l_set_integer(L, "hottest", (lua_Integer)k.hottest + 1);
    dk_l_set_number(L, "hottest_share", k.hottest_share);
    dk_l_set_integer(L, "shards", (lua_Integer)dk_shard_count(ls->s));
    if (after != NULL) {
        push_plan(L, ls->s, after->s, &keys);
        lua_setfield(L, -2, "plan");
    }
    return 1;
}

static int s_close(lua_State *L)
{
    lshard *ls = (lshard *)luaL_checkudata(L, 1, DK_MT_SHARD);
    dk_shard_free(ls->s);
    ls->s = NULL;
    if (ls->fnref != LUA_NOREF) {
        luaL_unref(L, LUA_REGISTRYINDEX, ls->fnref);
        ls->fnref = LUA_NOREF;
    }
    return 0;
}

static int s_tostring(lua_State *L)
{
    lshard *ls = (lshard *)luaL_checkudata(L, 1, DK_MT_SHARD);
    if (ls->s == NULL)
        lua_pushliteral(L, "sharder (closed)");
    else
        lua_pushfstring(L, "sharder (%s, %d shards)",
                        dk_shard_strategy_names[dk_shard_strategy_of(ls->s)],
                        (int)dk_shard_count(ls->s));
    return 1;
}

static const luaL_Reg shard_methods[] = {
    {"shard", s_shard},   {"add", s_add},     {"remove", s_remove},
    {"assign", s_assign}, {"plan", s_plan},   {"clone", s_clone},
    {"count", s_count},   {"close", s_close}, {NULL, NULL}};

void dk_l_open_shard(lua_State *L)
{
    dk_l_new_class(L, DK_MT_SHARD, shard_methods, NULL, s_tostring, s_close);
    lua_pop(L, 1);
    /* dk.shard is a table (dk.shard.report, dk.shard.strategies) that is also called. */
    lua_newtable(L);
    lua_pushcfunction(L, l_report);
    lua_setfield(L, -2, "report");
    lua_pushcfunction(L, l_shard_new);
    lua_setfield(L, -2, "new");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, l_shard_new);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "shard");
}

/* l_storage.c - dk.wal (a write-ahead log on disk) and dk.index (a B+tree or hash index that
 * counts page reads). */
#include <string.h>

#include "l_common.h"
#include "designkit/index.h"
#include "designkit/wal.h"

/* ---- dk.wal ---- */

typedef struct lwal {
    dk_wal_t *w;
} lwal;

static dk_wal_t *check_wal(lua_State *L)
{
    lwal *lw = (lwal *)luaL_checkudata(L, 1, DK_MT_WAL);
    if (lw->w == NULL)
        luaL_error(L, "wal: the log is closed");
    return lw->w;
}

/* Expected failures (a refused write, a damaged log, the disk) give nil, message; running out
 * of memory raises. */
static int fail(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    luaL_pushfail(L);
    lua_pushstring(L, err->message);
    return 2;
}

/*
 * dk.wal { dir = "folder", fsync = "always" | "never" | "100ms", group = 1 } - opens (or
 * creates) the log in `dir`, recovering it. Writes only inside --allow-write.
 */
static int l_wal(lua_State *L)
{
    static const char *const keys[] = {"dir", "fsync", "group", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "wal", keys);
    dk_wal_options o = {.fsync = DK_WAL_FSYNC_ALWAYS, .group = 1};
    dk_error err;
    if (lua_getfield(L, 1, "dir") != LUA_TSTRING)
        return luaL_error(L, "wal: dir must be a folder name (got %s)", luaL_typename(L, -1));
    const char *dir = lua_tostring(L, -1);
    if (lua_getfield(L, 1, "fsync") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING ||
            dk_wal_parse_fsync(lua_tostring(L, -1), &o, &err) != DK_OK)
            return luaL_error(L, "wal: %s",
                              lua_type(L, -1) == LUA_TSTRING
                                  ? err.message
                                  : "fsync must be \"always\", \"never\" or a duration");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "group") != LUA_TNIL) {
        int ok;
        lua_Integer g = lua_tointegerx(L, -1, &ok);
        if (!ok || g < 1 || g > 1000000)
            return luaL_error(L, "wal: group must be a whole number from 1 to 1000000 (got %s)",
                              luaL_tolstring(L, -1, NULL));
        o.group = (unsigned)g;
    }
    lua_pop(L, 1);
    const char *why = dk_l_write_denied(L, dir);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lwal *lw = (lwal *)lua_newuserdatauv(L, sizeof *lw, 0);
    lw->w = NULL;
    luaL_setmetatable(L, DK_MT_WAL);
    if ((lw->w = dk_wal_open(dir, &o, &err)) == NULL)
        return fail(L, &err);
    return 1;
}

/* w:append(data) -> sequence number */
static int w_append(lua_State *L)
{
    dk_wal_t *w = check_wal(L);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    uint64_t seq;
    dk_error err;
    if (dk_wal_append(w, data, len, &seq, &err) != DK_OK)
        return fail(L, &err);
    lua_pushinteger(L, (lua_Integer)seq);
    return 1;
}

static int w_commit(lua_State *L)
{
    dk_error err;
    if (dk_wal_commit(check_wal(L), &err) != DK_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int w_sync(lua_State *L)
{
    dk_error err;
    if (dk_wal_sync(check_wal(L), &err) != DK_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* w:checkpoint(upto): drops records up to `upto`. */
static int w_checkpoint(lua_State *L)
{
    dk_wal_t *w = check_wal(L);
    lua_Integer upto = luaL_checkinteger(L, 2);
    luaL_argcheck(L, upto >= 0, 2, "a sequence number is not negative");
    dk_error err;
    if (dk_wal_checkpoint(w, (uint64_t)upto, &err) != DK_OK) {
        if (err.status == DK_ERANGE)
            return luaL_argerror(L, 2, err.message);
        return fail(L, &err);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* The replay callback calls the Lua function at stack index 2 under lua_pcall, so a Lua error
 * never unwinds through the C replay (which holds the file's bytes). */
typedef struct replay_state {
    lua_State *L;
    int failed;
    lua_Integer given;
} replay_state;

static int replay_one(uint64_t seq, const void *data, size_t len, void *ud)
{
    replay_state *rs = ud;
    lua_State *L = rs->L;
    lua_pushvalue(L, 2);
    lua_pushinteger(L, (lua_Integer)seq);
    lua_pushlstring(L, data, len);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        rs->failed = 1;
        return 1; /* the error stays on the stack */
    }
    rs->given++;
    int stop = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1); /* false stops */
    lua_pop(L, 1);
    return stop;
}

/* w:replay(fn): fn(seq, data) for every record, oldest first; fn returning false stops.
 * Returns the number of records given. */
static int w_replay(lua_State *L)
{
    dk_wal_t *w = check_wal(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    replay_state rs = {L, 0, 0};
    dk_error err;
    dk_status st = dk_wal_replay(w, replay_one, &rs, &err);
    if (rs.failed)
        return lua_error(L); /* after the C replay has freed what it held */
    if (st != DK_OK && st != DK_EINTR)
        return fail(L, &err);
    lua_pushinteger(L, rs.given);
    return 1;
}

static int w_stats(lua_State *L)
{
    dk_wal_stats st;
    dk_wal_stats_get(check_wal(L), &st);
    lua_createtable(L, 0, 9);
    dk_l_set_integer(L, "first_seq", (lua_Integer)st.first_seq);
    dk_l_set_integer(L, "next_seq", (lua_Integer)st.next_seq);
    dk_l_set_integer(L, "written_seq", (lua_Integer)st.written_seq);
    dk_l_set_integer(L, "durable_seq", (lua_Integer)st.durable_seq);
    dk_l_set_integer(L, "records", (lua_Integer)st.records);
    dk_l_set_integer(L, "bytes", (lua_Integer)st.bytes);
    dk_l_set_integer(L, "writes", (lua_Integer)st.writes);
    dk_l_set_integer(L, "fsyncs", (lua_Integer)st.fsyncs);
    dk_l_set_integer(L, "truncated_bytes", (lua_Integer)st.truncated_bytes);
    return 1;
}

/* Closing twice, or by the collector after close, is harmless. Errors at close (the last
 * commit) are returned by w:close() and dropped by the collector. */
static int w_close(lua_State *L)
{
    lwal *lw = (lwal *)luaL_checkudata(L, 1, DK_MT_WAL);
    dk_wal_t *w = lw->w;
    lw->w = NULL;
    dk_error err;
    if (w != NULL && dk_wal_close(w, &err) != DK_OK)
        return fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

static int w_tostring(lua_State *L)
{
    lwal *lw = (lwal *)luaL_checkudata(L, 1, DK_MT_WAL);
    if (lw->w == NULL) {
        lua_pushliteral(L, "wal (closed)");
    } else {
        dk_wal_stats st;
        dk_wal_stats_get(lw->w, &st);
        lua_pushfstring(L, "wal (%I records, next %I)", (lua_Integer)st.records,
                        (lua_Integer)st.next_seq);
    }
    return 1;
}

/* ---- dk.index ---- */

typedef struct lindex {
    dk_btree_t *bt;
    dk_hashindex_t *h;
} lindex;

static lindex *check_index(lua_State *L)
{
    lindex *li = (lindex *)luaL_checkudata(L, 1, DK_MT_INDEX);
    if (li->bt == NULL && li->h == NULL)
        luaL_error(L, "index: closed");
    return li;
}

static uint64_t check_key(lua_State *L, int idx)
{
    lua_Integer k = luaL_checkinteger(L, idx);
    luaL_argcheck(L, k >= 0, idx, "a key is a whole number >= 0");
    return (uint64_t)k;
}

/* dk.index { kind = "btree" | "hash", order = 64 } */
static int l_index(lua_State *L)
{
    static const char *const keys[] = {"kind", "order", NULL};
    static const char *const kinds[] = {"btree", "hash", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "index", keys);
    int kind = 0;
    if (lua_getfield(L, 1, "kind") != LUA_TNIL) {
        const char *s = lua_tostring(L, -1);
        kind = -1;
        for (int i = 0; s && lua_type(L, -1) == LUA_TSTRING && kinds[i]; i++)
            if (strcmp(s, kinds[i]) == 0)
                kind = i;
        if (kind < 0)
            return luaL_error(L, "index: unknown kind %s (valid: btree, hash)",
                              luaL_tolstring(L, -1, NULL));
    }
    lua_pop(L, 1);
    lua_Integer order = 64;
    if (lua_getfield(L, 1, "order") != LUA_TNIL) {
        int ok;
        order = lua_tointegerx(L, -1, &ok);
        if (!ok)
            return luaL_error(L, "index: order must be a whole number (got %s)",
                              luaL_tolstring(L, -1, NULL));
    }
    lua_pop(L, 1);
    if (order < 0 || order > 65536)
        order = 0; /* out of range: the constructor's message names it */
    lindex *li = (lindex *)lua_newuserdatauv(L, sizeof *li, 0);
    li->bt = NULL;
    li->h = NULL;
    luaL_setmetatable(L, DK_MT_INDEX);
    dk_error err;
    if (kind == 0)
        li->bt = dk_btree_new((unsigned)order, &err);
    else
        li->h = dk_hashindex_new((unsigned)order, &err);
    if (li->bt == NULL && li->h == NULL) {
        if (err.status == DK_ENOMEM)
            return dk_l_raise_status(L, err.status, "index: %s", err.message);
        return luaL_error(L, "index: %s", err.message);
    }
    return 1;
}

static int i_put(lua_State *L)
{
    lindex *li = check_index(L);
    uint64_t k = check_key(L, 2);
    uint64_t v = (uint64_t)luaL_checkinteger(L, 3);
    dk_error err;
    dk_status st = li->bt ? dk_btree_put(li->bt, k, v, &err) : dk_hashindex_put(li->h, k, v, &err);
    if (st != DK_OK)
        return dk_l_raise_status(L, st, "index: %s", err.message);
    return 0;
}

static int i_get(lua_State *L)
{
    lindex *li = check_index(L);
    uint64_t k = check_key(L, 2), v;
    int found = li->bt ? dk_btree_get(li->bt, k, &v) : dk_hashindex_get(li->h, k, &v);
    if (found)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnil(L);
    return 1;
}

static int i_delete(lua_State *L)
{
    lindex *li = check_index(L);
    uint64_t k = check_key(L, 2);
    lua_pushboolean(L, li->bt ? dk_btree_delete(li->bt, k) : dk_hashindex_delete(li->h, k));
    return 1;
}

/* Collects visited entries into the two tables on top of the stack (keys, values). */
static int collect(uint64_t key, uint64_t value, void *ud)
{
    lua_State *L = ud;
    lua_Integer n = (lua_Integer)luaL_len(L, -2) + 1;
    lua_pushinteger(L, (lua_Integer)key);
    lua_rawseti(L, -3, n);
    lua_pushinteger(L, (lua_Integer)value);
    lua_rawseti(L, -2, n);
    return 0;
}

/* ix:range(lo, hi) -> keys, values (in key order for a btree; in no order for a hash) */
static int i_range(lua_State *L)
{
    lindex *li = check_index(L);
    uint64_t lo = check_key(L, 2), hi = check_key(L, 3);
    lua_settop(L, 3);
    lua_newtable(L);
    lua_newtable(L);
    if (li->bt)
        dk_btree_range(li->bt, lo, hi, collect, L);
    else
        dk_hashindex_range(li->h, lo, hi, collect, L);
    return 2;
}

static int i_stats(lua_State *L)
{
    lindex *li = check_index(L);
    dk_index_stats st;
    if (li->bt)
        dk_btree_stats(li->bt, &st);
    else
        dk_hashindex_stats(li->h, &st);
    lua_createtable(L, 0, 5);
    dk_l_set_integer(L, "count", (lua_Integer)st.count);
    dk_l_set_integer(L, "pages", (lua_Integer)st.pages);
    dk_l_set_integer(L, "leaf_pages", (lua_Integer)st.leaf_pages);
    dk_l_set_integer(L, "height", (lua_Integer)st.height);
    dk_l_set_integer(L, "page_reads", (lua_Integer)st.page_reads);
    return 1;
}

static int i_reset_reads(lua_State *L)
{
    lindex *li = check_index(L);
    if (li->bt)
        dk_btree_reset_reads(li->bt);
    else
        dk_hashindex_reset_reads(li->h);
    return 0;
}

static int i_close(lua_State *L)
{
    lindex *li = (lindex *)luaL_checkudata(L, 1, DK_MT_INDEX);
    dk_btree_free(li->bt);
    dk_hashindex_free(li->h);
    li->bt = NULL;
    li->h = NULL;
    return 0;
}

static int i_tostring(lua_State *L)
{
    lindex *li = (lindex *)luaL_checkudata(L, 1, DK_MT_INDEX);
    dk_index_stats st = {0};
    if (li->bt)
        dk_btree_stats(li->bt, &st);
    else if (li->h)
        dk_hashindex_stats(li->h, &st);
    lua_pushfstring(L, "index (%s, %I entries)",
                    li->bt  ? "btree"
                    : li->h ? "hash"
                            : "closed",
                    (lua_Integer)st.count);
    return 1;
}

static const luaL_Reg wal_methods[] = {
    {"append", w_append}, {"commit", w_commit}, {"sync", w_sync},   {"checkpoint", w_checkpoint},
    {"replay", w_replay}, {"stats", w_stats},   {"close", w_close}, {NULL, NULL}};

static const luaL_Reg index_methods[] = {{"put", i_put},       {"get", i_get},
                                         {"delete", i_delete}, {"range", i_range},
                                         {"stats", i_stats},   {"reset_reads", i_reset_reads},
                                         {"close", i_close},   {NULL, NULL}};

void dk_l_open_storage(lua_State *L)
{
    dk_l_new_class(L, DK_MT_WAL, wal_methods, NULL, w_tostring, w_close);
    lua_pop(L, 1);
    dk_l_new_class(L, DK_MT_INDEX, index_methods, NULL, i_tostring, i_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_wal);
    lua_setfield(L, -2, "wal");
    lua_pushcfunction(L, l_index);
    lua_setfield(L, -2, "index");
}

/* l_snakes.c - dk.snakes: a snakes-and-ladders board as Lua userdata, with its exact expected
 * length, Monte Carlo estimates and games. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "l_common.h"

typedef struct lboard {
    dk_snakes_board_t *b;
} lboard;

static lboard *check_board(lua_State *L, int idx)
{
    lboard *lb = (lboard *)luaL_checkudata(L, idx, DK_MT_SNAKES_BOARD);
    if (lb->b == NULL)
        dk_l_closed_error(L, idx, "board");
    return lb;
}

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

static int bool_option(lua_State *L, int idx, const char *field, const char *what)
{
    int t = lua_getfield(L, idx, field);
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        luaL_error(L, "%s: %s must be true or false (got %s)", what, field, luaL_typename(L, -1));
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static int by_from(const void *a, const void *b)
{
    const dk_snakes_jump *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

/* Reads the jumps { [from] = to, ... } of option `field` into a scratch array (pushed), in
 * order of `from` so that messages about them repeat. */
static dk_snakes_jump *read_jumps(lua_State *L, int opts, const char *field, size_t *n)
{
    *n = 0;
    if (lua_getfield(L, opts, field) == LUA_TNIL) {
        lua_pop(L, 1);
        return lua_newuserdatauv(L, 1, 0);
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "board: %s must be a table { [from] = to } (got %s)", field,
                   luaL_typename(L, -1));
    int t = lua_gettop(L);
    for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1))
        (*n)++;
    dk_snakes_jump *j = lua_newuserdatauv(L, *n ? *n * sizeof *j : 1, 0);
    size_t i = 0;
    for (lua_pushnil(L); lua_next(L, t); lua_pop(L, 1)) {
        if (!lua_isinteger(L, -2) &&
            !(lua_type(L, -2) == LUA_TNUMBER && lua_tonumber(L, -2) == floor(lua_tonumber(L, -2))))
            luaL_error(L, "board: %s: a key must be a square number (got %s)", field,
                       luaL_tolstring(L, -2, NULL));
        lua_pushfstring(L, "board: %s[%s]", field, luaL_tolstring(L, -2, NULL));
        j[i].to = (int)check_int(L, -3, lua_tostring(L, -1), -1000000, 1000000);
        j[i].from = (int)check_int(L, -4, "board: square", -1000000, 1000000);
        lua_pop(L, 2);
        i++;
    }
    qsort(j, *n, sizeof *j, by_from);
    lua_remove(L, t);
    return j;
}

/*
 * dk.snakes.board { size =, ladders = { [from] = to }, snakes = { [from] = to }, finish =,
 * die =, extra_turn_on_six =, three_sixes_forfeit = } - a validated board.
 */
static int l_board(lua_State *L)
{
    static const char *const keys[] = {
        "size", "ladders", "snakes", "finish", "die", "extra_turn_on_six", "three_sixes_forfeit",
        NULL};
    static const char *const finishes[] = {"exact", "bounce", "overshoot", NULL};
    dk_snakes_config c = {0};
    dk_error err;

    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "board", keys);
    if (lua_getfield(L, 1, "size") == LUA_TNIL)
        return luaL_error(L, "board: size is missing");
    lua_pop(L, 1);
    c.size = (int)int_option(L, 1, "size", "board", INT32_MIN, INT32_MAX, 0);
    c.die = (int)int_option(L, 1, "die", "board", INT32_MIN, INT32_MAX, 6);
    if (lua_getfield(L, 1, "finish") != LUA_TNIL) {
        const char *f = lua_tostring(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING || dk_snakes_finish_parse(f, &c.finish) != DK_OK) {
            const char *shown = f != NULL && lua_type(L, -1) == LUA_TSTRING
                                    ? lua_pushfstring(L, "\"%s\"", f)
                                    : luaL_tolstring(L, -1, NULL);
            dk_l_push_did_you_mean(L, lua_type(L, -2) == LUA_TSTRING ? dk_suggest_from(f, finishes)
                                                                     : NULL);
            return luaL_error(L, "board: unknown finish %s%s (valid: exact, bounce, overshoot)",
                              shown, lua_tostring(L, -1));
        }
    }
    lua_pop(L, 1);
    c.extra_turn_on_top = bool_option(L, 1, "extra_turn_on_six", "board");
    c.three_tops_forfeit = bool_option(L, 1, "three_sixes_forfeit", "board");
    c.ladders = read_jumps(L, 1, "ladders", &c.nladders);
    c.snakes = read_jumps(L, 1, "snakes", &c.nsnakes);
    lboard *lb = (lboard *)lua_newuserdatauv(L, sizeof *lb, 0);
    lb->b = NULL;
    luaL_setmetatable(L, DK_MT_SNAKES_BOARD);
    if ((lb->b = dk_snakes_board_new(&c, &err)) == NULL) {
        if (err.status == DK_ENOMEM)
            return dk_l_raise_status(L, err.status, "%s", err.message);
        return luaL_error(L, "%s", err.message);
    }
    return 1;
}

/* board:expected_length() - the exact expected number of rolls of a lone player. */
static int b_expected_length(lua_State *L)
{
    lboard *lb = check_board(L, 1);
    double rolls;
    dk_error err;
    if (dk_snakes_expected_rolls(lb->b, &rolls, &err) != DK_OK)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    lua_pushnumber(L, rolls);
    return 1;
}

/* board:simulate { games = 10000, seed = 1, max_rolls = 1e6 } - Monte Carlo. */
static int b_simulate(lua_State *L)
{
    static const char *const keys[] = {"games", "seed", "max_rolls", NULL};
    lboard *lb = check_board(L, 1);
    dk_snakes_estimate est;
    dk_error err;
    if (lua_isnoneornil(L, 2))
        lua_newtable(L);
    else
        luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, "simulate", keys);
    lua_Integer games = int_option(L, 2, "games", "simulate", 2, 100000000, 10000);
    lua_Integer seed = int_option(L, 2, "seed", "simulate", 0, LUA_MAXINTEGER, 1);
    lua_Integer max = int_option(L, 2, "max_rolls", "simulate", 1, LUA_MAXINTEGER, 1000000);
    if (dk_snakes_simulate(lb->b, (uint64_t)seed, (size_t)games, (size_t)max, &est, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_createtable(L, 0, 4);
    dk_l_set_integer(L, "games", (lua_Integer)est.games);
    dk_l_set_number(L, "mean", est.mean);
    dk_l_set_number(L, "sd", est.sd);
    lua_createtable(L, 2, 0);
    lua_pushnumber(L, est.ci_lo);
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, est.ci_hi);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "ci95");
    return 1;
}

/* Pushes player `p` as the script named them: its name from the list at `names` (0: none),
 * else its 1-based number. */
static void push_player(lua_State *L, int names, int p)
{
    if (names)
        lua_rawgeti(L, names, p + 1);
    else
        lua_pushinteger(L, p + 1);
}

static void push_move(lua_State *L, const dk_snakes_move *m, int names)
{
    static const struct {
        unsigned flag;
        const char *name;
    } flags[] = {{DK_SNAKES_LADDER, "ladder"},    {DK_SNAKES_SNAKE, "snake"},
                 {DK_SNAKES_BOUNCED, "bounced"},  {DK_SNAKES_BLOCKED, "blocked"},
                 {DK_SNAKES_EXTRA, "extra"},      {DK_SNAKES_FORFEIT, "forfeit"},
                 {DK_SNAKES_FINISHED, "finished"}};
    lua_createtable(L, 0, 8);
    dk_l_set_integer(L, "turn", (lua_Integer)m->turn);
    push_player(L, names, m->player);
    lua_setfield(L, -2, "player");
    dk_l_set_integer(L, "roll", m->roll);
    dk_l_set_integer(L, "from", m->from);
    dk_l_set_integer(L, "landed", m->landed);
    dk_l_set_integer(L, "to", m->to);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (m->flags & flags[i].flag) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, flags[i].name);
        }
}

static void free_game(void *p)
{
    dk_snakes_game_free(p);
}

/*
 * board:play { players = 4 | { names }, seed = 1, dice = { rolls }, max_rolls = 1e6 } - plays
 * a game to the end: { ranking = { ... }, log = { moves }, rolls = n }.
 */
static int b_play(lua_State *L)
{
    static const char *const keys[] = {"players", "seed", "dice", "max_rolls", NULL};
    lboard *lb = check_board(L, 1);
    dk_error err;
    int names = 0, nplayers;

    luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, "play", keys);
    if (lua_getfield(L, 2, "players") == LUA_TTABLE) {
        names = lua_gettop(L);
        nplayers = (int)luaL_len(L, names);
        for (int i = 1; i <= nplayers; i++) {
            if (lua_rawgeti(L, names, i) != LUA_TSTRING)
                return luaL_error(L, "play: players[%d] must be a name (got %s)", i,
                                  luaL_typename(L, -1));
            lua_pop(L, 1);
        }
    } else {
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "players") == LUA_TNIL)
            return luaL_error(L, "play: players is missing (a count or a list of names)");
        lua_pop(L, 1);
        nplayers = (int)int_option(L, 2, "players", "play", INT32_MIN, INT32_MAX, 0);
        lua_pushnil(L); /* keeps the stack shape of the names case */
    }
    lua_Integer seed = int_option(L, 2, "seed", "play", 0, LUA_MAXINTEGER, 1);
    lua_Integer max = int_option(L, 2, "max_rolls", "play", 1, LUA_MAXINTEGER, 1000000);
    int *rolls = NULL;
    size_t nrolls = 0;
    int scripted = lua_getfield(L, 2, "dice") != LUA_TNIL;
    if (scripted) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "play: dice must be a list of rolls (got %s)",
                              luaL_typename(L, -1));
        nrolls = (size_t)luaL_len(L, -1);
        rolls = lua_newuserdatauv(L, nrolls ? nrolls * sizeof *rolls : 1, 0);
        for (size_t i = 0; i < nrolls; i++) {
            lua_rawgeti(L, -2, (lua_Integer)i + 1);
            lua_pushfstring(L, "play: dice[%d]", (int)i + 1);
            rolls[i] = (int)check_int(L, -2, lua_tostring(L, -1), INT32_MIN, INT32_MAX);
            lua_pop(L, 2);
        }
    }
    dk_snakes_game_t **slot = (dk_snakes_game_t **)dk_l_newbox(L, free_game);
    int box = lua_gettop(L);
    if ((*slot = dk_snakes_game_new(lb->b, nplayers, (uint64_t)seed, &err)) == NULL ||
        (scripted && dk_snakes_game_script(*slot, rolls, nrolls, &err) != DK_OK) ||
        dk_snakes_game_play(*slot, (size_t)max, &err) != DK_OK) {
        dk_l_box_free(L, box);
        if (err.status == DK_ENOMEM)
            return dk_l_raise_status(L, err.status, "%s", err.message);
        return luaL_error(L, "%s", err.message);
    }
    dk_snakes_game_t *g = *slot;
    size_t nlog = dk_snakes_game_log_size(g);
    const dk_snakes_move *log = dk_snakes_game_log(g);
    lua_createtable(L, 0, 3);
    lua_createtable(L, nplayers, 0);
    for (int i = 0; i < dk_snakes_game_ranked(g); i++) {
        push_player(L, names, dk_snakes_game_rank(g, i));
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "ranking");
    lua_createtable(L, (int)nlog, 0);
    for (size_t i = 0; i < nlog; i++) {
        push_move(L, &log[i], names);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "log");
    dk_l_set_integer(L, "rolls", (lua_Integer)nlog);
    dk_l_box_free(L, box);
    return 1;
}

/* board:follow(square) - where a player landing on `square` ends up after every jump. */
static int b_follow(lua_State *L)
{
    lboard *lb = check_board(L, 1);
    int size = dk_snakes_board_size(lb->b);
    lua_Integer s = check_int(L, 2, "follow: square", 0, size);
    lua_pushinteger(L, dk_snakes_board_follow(lb->b, (int)s));
    return 1;
}

static int b_close(lua_State *L)
{
    lboard *lb = (lboard *)luaL_checkudata(L, 1, DK_MT_SNAKES_BOARD);
    dk_snakes_board_free(lb->b);
    lb->b = NULL;
    return 0;
}

static int b_tostring(lua_State *L)
{
    lboard *lb = (lboard *)luaL_checkudata(L, 1, DK_MT_SNAKES_BOARD);
    if (lb->b == NULL)
        lua_pushliteral(L, "snakes board (closed)");
    else
        lua_pushfstring(
            L, "snakes board (%d squares, %s finish, %d-sided die)", dk_snakes_board_size(lb->b),
            dk_snakes_finish_name(dk_snakes_board_finish(lb->b)), dk_snakes_board_die(lb->b));
    return 1;
}

static const luaL_Reg board_methods[] = {{"expected_length", b_expected_length},
                                         {"simulate", b_simulate},
                                         {"play", b_play},
                                         {"follow", b_follow},
                                         {"close", b_close},
                                         {NULL, NULL}};

static const luaL_Reg module_funcs[] = {{"board", l_board}, {NULL, NULL}};

void dk_l_open_snakes(lua_State *L)
{
    dk_l_new_class(L, DK_MT_SNAKES_BOARD, board_methods, NULL, b_tostring, b_close);
    lua_pop(L, 1);
    luaL_newlib(L, module_funcs);
    lua_setfield(L, -2, "snakes");
}

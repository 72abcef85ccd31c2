/* l_dist.c - distributions as Lua userdata: dk.exp "2ms", dk.zipf { n = 1e6, s = 0.99 }, ... */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "l_common.h"

ldist *dk_l_test_dist(lua_State *L, int idx)
{
    return (ldist *)luaL_testudata(L, idx, DK_MT_DIST);
}

static ldist *check_dist(lua_State *L, int idx)
{
    ldist *ld = (ldist *)luaL_checkudata(L, idx, DK_MT_DIST);
    if (ld->d == NULL)
        dk_l_closed_error(L, idx, "distribution");
    return ld;
}

/* The userdata comes first and owns nothing until the distribution exists. */
static ldist *new_dist_ud(lua_State *L)
{
    ldist *ld = (ldist *)lua_newuserdatauv(L, sizeof *ld, 0);
    ld->d = NULL;
    ld->durations = 0;
    luaL_setmetatable(L, DK_MT_DIST);
    return ld;
}

/* Whether any of the value arguments in [first, last] is a string: then all are durations. */
static int any_string(lua_State *L, int first, int last)
{
    for (int i = first; i <= last; i++)
        if (lua_type(L, i) == LUA_TSTRING)
            return 1;
    return 0;
}

/* A value argument: a duration string gives ns; a number is seconds (scaled to ns) when the
 * distribution is one of durations, else taken as it is. */
static double value_arg(lua_State *L, int idx, int durations, const char *name)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        int64_t ns;
        dk_error err;
        if (dk_parse_duration(lua_tostring(L, idx), &ns, &err) != DK_OK)
            luaL_argerror(L, idx, err.message);
        return (double)ns;
    }
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_argerror(L, idx,
                      lua_pushfstring(L, "%s must be a number or a duration like \"2ms\" (got %s)",
                                      name, luaL_typename(L, idx)));
    return durations ? lua_tonumber(L, idx) * 1e9 : lua_tonumber(L, idx);
}

static int finish(lua_State *L, ldist *ld, dk_dist_t *d, dk_error *err)
{
    if (d == NULL)
        return luaL_error(L, "%s", err->message);
    ld->d = d;
    return 1;
}

static int l_constant(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 1);
    double v = value_arg(L, 1, durations, "value");
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_constant(v, &err), &err);
}

static int l_uniform(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 2);
    double lo = value_arg(L, 1, durations, "lo"), hi = value_arg(L, 2, durations, "hi");
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_uniform(lo, hi, &err), &err);
}

static int l_exp(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 1);
    double mean = value_arg(L, 1, durations, "mean");
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_exponential(mean, &err), &err);
}

static int l_normal(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 2);
    double mean = value_arg(L, 1, durations, "mean"), sd = value_arg(L, 2, durations, "sd");
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_normal(mean, sd, &err), &err);
}

/* dk.lognormal(median, sigma): mu = log(median), the form people can read off a plot. */
static int l_lognormal(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 1);
    double median = value_arg(L, 1, durations, "median");
    double sigma = luaL_checknumber(L, 2);
    luaL_argcheck(L, median > 0, 1, "median must be positive");
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_lognormal(log(median), sigma, &err), &err);
}

static int l_pareto(lua_State *L)
{
    dk_error err;
    int durations = any_string(L, 1, 1);
    double scale = value_arg(L, 1, durations, "scale");
    double shape = luaL_checknumber(L, 2);
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    return finish(L, ld, dk_dist_pareto(scale, shape, &err), &err);
}

/* dk.zipf { n = 1e6, s = 0.99 } or dk.zipf(1e6, 0.99). */
static int l_zipf(lua_State *L)
{
    static const char *const keys[] = {"n", "s", NULL};
    dk_error err;
    double n, s;
    if (lua_istable(L, 1)) {
        dk_l_check_keys(L, 1, "zipf", keys);
        lua_getfield(L, 1, "n");
        lua_getfield(L, 1, "s");
        n = luaL_checknumber(L, -2);
        s = luaL_optnumber(L, -1, 1.0);
        lua_pop(L, 2);
    } else {
        n = luaL_checknumber(L, 1);
        s = luaL_optnumber(L, 2, 1.0);
    }
    if (!(n >= 1) || n != floor(n) || n > 9.2e18)
        return luaL_error(L, "zipf: n must be a whole number from 1 to 9.2e18 (got %f)", n);
    ldist *ld = new_dist_ud(L);
    return finish(L, ld, dk_dist_zipf((uint64_t)n, s, &err), &err);
}

/* dk.empirical({ "1ms", "5ms" }, { 9, 1 }): values (numbers or durations) with weights. */
static int l_empirical(lua_State *L)
{
    dk_error err;
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1, 1, "needs at least one value");
    int has_weights = !lua_isnoneornil(L, 2);
    if (has_weights) {
        luaL_checktype(L, 2, LUA_TTABLE);
        luaL_argcheck(L, luaL_len(L, 2) == n, 2, "needs one weight per value");
    }
    /* Scratch arrays live in a userdata so that an error below leaks nothing. */
    double *buf = (double *)lua_newuserdatauv(L, sizeof(double) * 2 * (size_t)n, 0);
    int scratch = lua_gettop(L);
    int durations = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        durations |= lua_type(L, -1) == LUA_TSTRING;
        lua_pop(L, 1);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        buf[i - 1] = value_arg(L, lua_gettop(L), durations, "each value");
        lua_pop(L, 1);
        if (has_weights) {
            lua_rawgeti(L, 2, i);
            int ok;
            buf[n + i - 1] = lua_tonumberx(L, -1, &ok);
            if (!ok)
                return luaL_argerror(L, 2, "weights must be numbers");
            lua_pop(L, 1);
        }
    }
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    dk_dist_t *d = dk_dist_empirical(buf, has_weights ? buf + n : NULL, (size_t)n, &err);
    lua_remove(L, scratch);
    return finish(L, ld, d, &err);
}

/* ---- mixtures and hyperexponentials ---------------------------------------------------- */

/* The parts of a mixture being built, in a box so that an error on the way frees them. */
typedef struct parts_buf {
    size_t n;
    double *weights;
    dk_dist_t **parts;
} parts_buf;

static void parts_buf_free(void *p)
{
    parts_buf *pb = (parts_buf *)p;
    for (size_t i = 0; i < pb->n; i++)
        dk_dist_free(pb->parts[i]);
    dk_free(pb);
}

/* Field `i` of the table at `t`, or else field `key`: a part written {0.9, d} or
 * {weight = 0.9, dist = d}. Leaves the value pushed. */
static int get_either(lua_State *L, int t, lua_Integer i, const char *key)
{
    if (lua_rawgeti(L, t, i) != LUA_TNIL)
        return lua_type(L, -1);
    lua_pop(L, 1);
    return lua_getfield(L, t, key);
}

/* The table at `t` is part `i` of argument 1: only positions 1, 2 and the keys in `keys`. */
static void check_part_keys(lua_State *L, int t, lua_Integer i, const char *const *keys)
{
    lua_pushnil(L);
    while (lua_next(L, t)) {
        int ok = lua_isinteger(L, -2) && (lua_tointeger(L, -2) == 1 || lua_tointeger(L, -2) == 2);
        for (const char *const *k = keys; !ok && *k; k++)
            ok = lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), *k) == 0;
        if (!ok) {
            lua_pop(L, 1);
            luaL_argerror(L, 1,
                          lua_pushfstring(L,
                                          "part %I has an unknown field %s (use {%s, %s} or "
                                          "{%s = ..., %s = ...})",
                                          i, luaL_tolstring(L, -1, NULL), keys[0], keys[1], keys[0],
                                          keys[1]));
        }
        lua_pop(L, 1);
    }
}

/* Pushes part `i` of argument 1 (a table) after checking its shape; returns its index. */
static int push_part(lua_State *L, lua_Integer i, const char *shape)
{
    if (lua_rawgeti(L, 1, i) != LUA_TTABLE)
        luaL_argerror(L, 1,
                      lua_pushfstring(L, "part %I must be a table %s (got %s)", i, shape,
                                      luaL_typename(L, -1)));
    return lua_gettop(L);
}

/* A weight or probability at the top of the stack: a finite number >= 0. Pops it. */
static double part_weight(lua_State *L, lua_Integer i, const char *what)
{
    int ok;
    double w = lua_tonumberx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER || !(w >= 0) || !isfinite(w))
        luaL_argerror(L, 1,
                      lua_pushfstring(L, "part %I: %s must be a non-negative number (got %s)", i,
                                      what, luaL_tolstring(L, -1, NULL)));
    lua_pop(L, 1);
    return w;
}

/* Whether the value at `idx` (a part of a mixture) holds durations; raises if it is no
 * distribution, number or duration text. */
static int part_is_durations(lua_State *L, int idx, lua_Integer i)
{
    ldist *ld = dk_l_test_dist(L, idx);
    if (ld != NULL) {
        if (ld->d == NULL)
            luaL_argerror(L, 1, lua_pushfstring(L, "part %I: distribution is closed", i));
        return ld->durations;
    }
    if (lua_type(L, idx) == LUA_TSTRING)
        return 1;
    if (lua_type(L, idx) != LUA_TNUMBER)
        luaL_argerror(L, 1,
                      lua_pushfstring(L,
                                      "part %I: dist must be a distribution, a number or a "
                                      "duration like \"2ms\" (got %s)",
                                      i, luaL_typename(L, idx)));
    return 0;
}

/* The part at `idx` as a new dk_dist_t in the mixture's units; NULL with `err`. A number or a
 * duration text is a constant. Never raises. */
static dk_dist_t *part_dist(lua_State *L, int idx, int durations, dk_error *err)
{
    ldist *ld = dk_l_test_dist(L, idx);
    if (ld != NULL)
        return dk_l_dist_for(ld, durations, "dist", err);
    if (lua_type(L, idx) == LUA_TSTRING) {
        int64_t ns;
        if (dk_parse_duration(lua_tostring(L, idx), &ns, err) != DK_OK)
            return NULL;
        return dk_dist_constant((double)ns, err);
    }
    return dk_dist_constant(durations ? lua_tonumber(L, idx) * 1e9 : lua_tonumber(L, idx), err);
}

/* dk.mixture { {0.9, dk.exp "1ms"}, {0.1, "50ms"} }: part i with probability weight_i / sum.
 * Durations if any part holds durations; plain-number parts are then seconds. */
static int l_mixture(lua_State *L)
{
    static const char *const keys[] = {"weight", "dist", NULL};
    const char *shape = "{weight, dist}";
    dk_error err;
    int durations = 0;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1, 1, "needs at least one part {weight, dist}");
    for (lua_Integer i = 1; i <= n; i++) { /* check every part before building any */
        int t = push_part(L, i, shape);
        check_part_keys(L, t, i, keys);
        get_either(L, t, 1, "weight");
        part_weight(L, i, "weight");
        get_either(L, t, 2, "dist");
        durations |= part_is_durations(L, lua_gettop(L), i);
        lua_pop(L, 2);
    }
    parts_buf **slot = (parts_buf **)dk_l_newbox(L, parts_buf_free);
    int box = lua_gettop(L);
    parts_buf *pb = dk_calloc(1, sizeof *pb + (size_t)n * (sizeof(double) + sizeof(dk_dist_t *)));
    if (pb == NULL)
        return luaL_error(L, "mixture: out of memory");
    pb->weights = (double *)(pb + 1);
    pb->parts = (dk_dist_t **)(pb->weights + n);
    *slot = pb;
    for (lua_Integer i = 1; i <= n; i++) {
        int t = push_part(L, i, shape);
        get_either(L, t, 1, "weight");
        pb->weights[i - 1] = part_weight(L, i, "weight");
        get_either(L, t, 2, "dist");
        pb->parts[i - 1] = part_dist(L, lua_gettop(L), durations, &err);
        if (pb->parts[i - 1] == NULL)
            return luaL_argerror(L, 1, lua_pushfstring(L, "part %I: %s", i, err.message));
        pb->n++;
        lua_pop(L, 2);
    }
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    ld->d = dk_dist_mixture(pb->weights, (const dk_dist_t *const *)pb->parts, pb->n, &err);
    dk_l_box_free(L, box);
    if (ld->d == NULL)
        return luaL_argerror(L, 1, err.message);
    return 1;
}

/* A phase's mean at the top of the stack: a number, or duration text (which sets
 * `*durations`); or with `is_rate` its rate (per second, a number or text like "1k/s"), whose
 * mean 1/rate is seconds, a plain number. Pops it; `where` prefixes messages ("part 2: "). */
static double phase_mean(lua_State *L, const char *where, int is_rate, int *durations)
{
    const char *what = is_rate ? "rate" : "mean";
    dk_error err;
    double x = 0;
    int64_t ns;

    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *text = lua_tostring(L, -1);
        dk_status st = is_rate ? dk_parse_rate(text, &x, &err) : dk_parse_duration(text, &ns, &err);
        if (st != DK_OK)
            luaL_argerror(L, 1, lua_pushfstring(L, "%s%s", where, err.message));
        if (!is_rate) {
            *durations = 1;
            x = (double)ns;
        }
    } else if (lua_type(L, -1) == LUA_TNUMBER) {
        x = lua_tonumber(L, -1);
    } else {
        luaL_argerror(L, 1,
                      lua_pushfstring(L, "%s%s must be a number or %s (got %s)", where, what,
                                      is_rate ? "a rate like \"1k/s\"" : "a duration like \"2ms\"",
                                      luaL_typename(L, -1)));
    }
    lua_pop(L, 1);
    if (!(x > 0) || !isfinite(x))
        luaL_argerror(L, 1, lua_pushfstring(L, "%s%s must be positive (got %f)", where, what, x));
    return is_rate ? 1 / x : x;
}

/* dk.hyperexp { mean = "10ms", scv = 4 }: the balanced two-phase fit. */
static int l_h2(lua_State *L)
{
    static const char *const keys[] = {"mean", "scv", NULL};
    dk_error err;
    int durations = 0, ok;

    dk_l_check_keys(L, 1, "hyperexp", keys);
    lua_getfield(L, 1, "mean");
    double mean = phase_mean(L, "", 0, &durations);
    lua_getfield(L, 1, "scv");
    double scv = lua_tonumberx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER)
        return luaL_argerror(
            L, 1, lua_pushfstring(L, "scv must be a number >= 1 (got %s)", luaL_typename(L, -1)));
    lua_pop(L, 1);
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    ld->d = dk_dist_h2(mean, scv, &err);
    if (ld->d == NULL)
        return luaL_argerror(L, 1, err.message);
    return 1;
}

/* dk.hyperexp { {0.9, "1ms"}, {0.1, "20ms"} }: phases {p, mean}, {p = , mean = } or
 * {p = , rate = }; or dk.hyperexp { mean = ..., scv = ... }. Durations if any mean is duration
 * text; plain numbers (and the means of rates) are then seconds. */
static int l_hyperexp(lua_State *L)
{
    static const char *const keys[] = {"p", "mean", "rate", NULL};
    dk_error err;
    int durations = 0;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "mean");
    lua_getfield(L, 1, "scv");
    int h2 = !lua_isnil(L, -1) || !lua_isnil(L, -2);
    lua_pop(L, 2);
    if (h2)
        return l_h2(L);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1, 1, "needs at least one phase {p, mean} (or mean = ..., scv = ...)");
    /* probabilities, means, and whether each mean is seconds (scaled if the whole is durations) */
    double *buf = (double *)lua_newuserdatauv(L, sizeof(double) * 3 * (size_t)n, 0);
    int scratch = lua_gettop(L);
    for (lua_Integer i = 1; i <= n; i++) {
        int t = push_part(L, i, "{p, mean}");
        const char *where = lua_pushfstring(L, "part %I: ", i);
        check_part_keys(L, t, i, keys);
        get_either(L, t, 1, "p");
        buf[i - 1] = part_weight(L, i, "p");
        int is_rate = lua_getfield(L, t, "rate") != LUA_TNIL;
        int has_mean = get_either(L, t, 2, "mean") != LUA_TNIL;
        if (is_rate == has_mean)
            return luaL_argerror(L, 1, lua_pushfstring(L, "%sgive either a mean or a rate", where));
        if (!is_rate)
            lua_remove(L, -2); /* the nil rate */
        else
            lua_pop(L, 1); /* the nil mean */
        buf[2 * n + i - 1] = is_rate || lua_type(L, -1) == LUA_TNUMBER;
        buf[n + i - 1] = phase_mean(L, where, is_rate, &durations);
        lua_pop(L, 2);
    }
    for (lua_Integer i = 0; durations && i < n; i++)
        if (buf[2 * n + i] != 0)
            buf[n + i] *= 1e9;
    ldist *ld = new_dist_ud(L);
    ld->durations = durations;
    ld->d = dk_dist_hyperexp(buf, buf + n, (size_t)n, &err);
    lua_remove(L, scratch);
    if (ld->d == NULL)
        return luaL_argerror(L, 1, err.message);
    return 1;
}

static dk_dist_t *scaled(const dk_dist_t *d, double k, const char *what, dk_error *err);

/* A mixture or hyperexponential rebuilt with its parts (means) scaled by `k`. */
static dk_dist_t *scaled_parts(const dk_dist_t *d, double k, const char *what, dk_error *err)
{
    size_t n = dk_dist_part_count(d);
    int hyper = dk_dist_kind_of(d) == DK_DIST_HYPEREXP;
    double *w = (double *)dk_malloc(n * (2 * sizeof(double) + sizeof(dk_dist_t *)));
    double *means = w + n;
    dk_dist_t **parts = (dk_dist_t **)(means + n), *out = NULL;
    size_t done = 0;

    if (w == NULL) {
        dk_error_set(err, DK_ENOMEM, "out of memory");
        return NULL;
    }
    for (; done < n; done++) {
        w[done] = dk_dist_part_weight(d, done);
        means[done] = dk_dist_mean(dk_dist_part(d, done)) * k;
        if (!hyper && (parts[done] = scaled(dk_dist_part(d, done), k, what, err)) == NULL)
            break;
    }
    if (done == n)
        out = hyper ? dk_dist_hyperexp(w, means, n, err)
                    : dk_dist_mixture(w, (const dk_dist_t *const *)parts, n, err);
    for (size_t i = 0; !hyper && i < done; i++)
        dk_dist_free(parts[i]);
    dk_free(w);
    return out;
}

/* Rebuilds `d` with every value scaled by `k` (seconds to nanoseconds). */
static dk_dist_t *scaled(const dk_dist_t *d, double k, const char *what, dk_error *err)
{
    double p[2] = {0, 0};
    dk_dist_params(d, p);
    switch (dk_dist_kind_of(d)) {
    case DK_DIST_CONSTANT:
        return dk_dist_constant(p[0] * k, err);
    case DK_DIST_UNIFORM:
        return dk_dist_uniform(p[0] * k, p[1] * k, err);
    case DK_DIST_EXPONENTIAL:
        return dk_dist_exponential(p[0] * k, err);
    case DK_DIST_NORMAL:
        return dk_dist_normal(p[0] * k, p[1] * k, err);
    case DK_DIST_LOGNORMAL:
        return dk_dist_lognormal(p[0] + log(k), p[1], err);
    case DK_DIST_PARETO:
        return dk_dist_pareto(p[0] * k, p[1], err);
    case DK_DIST_EMPIRICAL: {
        size_t n = dk_dist_empirical_size(d);
        double *v = (double *)dk_malloc(sizeof(double) * 2 * n);
        if (v == NULL) {
            dk_error_set(err, DK_ENOMEM, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            dk_dist_empirical_at(d, i, &v[i], &v[n + i]);
            v[i] *= k;
        }
        dk_dist_t *out = dk_dist_empirical(v, v + n, n, err);
        dk_free(v);
        return out;
    }
    case DK_DIST_MIXTURE:
    case DK_DIST_HYPEREXP:
        return scaled_parts(d, k, what, err);
    default:
        dk_error_set(err, DK_EINVAL, "%s: a %s distribution cannot give durations", what,
                     dk_dist_kind_name(dk_dist_kind_of(d)));
        return NULL;
    }
}

dk_dist_t *dk_l_dist_for(const ldist *ld, int as_durations, const char *what, dk_error *err)
{
    dk_dist_t *d;
    if (ld->d == NULL) {
        dk_error_set(err, DK_EINVAL, "%s: distribution is closed", what);
        return NULL;
    }
    if (as_durations && !ld->durations)
        return scaled(ld->d, 1e9, what, err);
    if (!as_durations && ld->durations) {
        dk_error_set(err, DK_EINVAL,
                     "%s must be a distribution of numbers, not of durations (got %s)", what,
                     dk_dist_kind_name(dk_dist_kind_of(ld->d)));
        return NULL;
    }
    d = dk_dist_clone(ld->d);
    if (d == NULL)
        dk_error_set(err, DK_ENOMEM, "out of memory");
    return d;
}

static void push_value(lua_State *L, luaL_Buffer *b, double v, int durations)
{
    char buf[64];
    if (durations)
        dk_format_duration((int64_t)llround(v), buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%.6g", v);
    (void)L;
    luaL_addstring(b, buf);
}

void dk_l_push_dist_text(lua_State *L, const dk_dist_t *d, int durations)
{
    static const char *const short_names[] = {"constant",  "uniform", "exp",  "normal",
                                              "lognormal", "pareto",  "zipf", "empirical",
                                              "mixture",   "hyperexp"};
    double p[2] = {0, 0};
    char num[64];
    luaL_Buffer b;
    dk_dist_kind kind = dk_dist_kind_of(d);
    size_t np = dk_dist_params(d, p);
    luaL_buffinit(L, &b);
    luaL_addstring(&b, kind <= DK_DIST_HYPEREXP ? short_names[kind] : "?");
    luaL_addchar(&b, '(');
    switch (kind) {
    case DK_DIST_LOGNORMAL:
        push_value(L, &b, exp(p[0]), durations);
        snprintf(num, sizeof num, ", %.6g", p[1]);
        luaL_addstring(&b, num);
        break;
    case DK_DIST_PARETO:
        push_value(L, &b, p[0], durations);
        snprintf(num, sizeof num, ", %.6g", p[1]);
        luaL_addstring(&b, num);
        break;
    case DK_DIST_ZIPF:
        snprintf(num, sizeof num, "n=%.0f, s=%.6g", p[0], p[1]);
        luaL_addstring(&b, num);
        break;
    case DK_DIST_EMPIRICAL: {
        size_t n = dk_dist_empirical_size(d);
        for (size_t i = 0; i < n && i < 8; i++) {
            double v, w;
            dk_dist_empirical_at(d, i, &v, &w);
            if (i > 0)
                luaL_addstring(&b, ", ");
            push_value(L, &b, v, durations);
        }
        if (n > 8)
            luaL_addstring(&b, ", ...");
        break;
    }
    case DK_DIST_MIXTURE:    /* mixture(0.9: exp(1ms), 0.1: constant(50ms)) */
    case DK_DIST_HYPEREXP: { /* hyperexp(0.9: 1ms, 0.1: 20ms) */
        size_t n = dk_dist_part_count(d);
        for (size_t i = 0; i < n && i < 8; i++) {
            const dk_dist_t *part = dk_dist_part(d, i);
            snprintf(num, sizeof num, "%s%.6g: ", i > 0 ? ", " : "", dk_dist_part_weight(d, i));
            luaL_addstring(&b, num);
            if (kind == DK_DIST_HYPEREXP) {
                push_value(L, &b, dk_dist_mean(part), durations);
            } else {
                dk_l_push_dist_text(L, part, durations);
                luaL_addvalue(&b);
            }
        }
        if (n > 8)
            luaL_addstring(&b, ", ...");
        break;
    }
    default:
        for (size_t i = 0; i < np; i++) {
            if (i > 0)
                luaL_addstring(&b, ", ");
            push_value(L, &b, p[i], durations);
        }
    }
    luaL_addchar(&b, ')');
    luaL_pushresult(&b);
}

static int d_tostring(lua_State *L)
{
    ldist *ld = (ldist *)luaL_checkudata(L, 1, DK_MT_DIST);
    if (ld->d == NULL)
        lua_pushliteral(L, "distribution (closed)");
    else
        dk_l_push_dist_text(L, ld->d, ld->durations);
    return 1;
}

static int d_close(lua_State *L)
{
    ldist *ld = (ldist *)luaL_checkudata(L, 1, DK_MT_DIST);
    dk_dist_free(ld->d);
    ld->d = NULL;
    return 0;
}

/* The analytic mean, in seconds for a distribution of durations. */
static int d_mean(lua_State *L)
{
    ldist *ld = check_dist(L, 1);
    double m = dk_dist_mean(ld->d);
    lua_pushnumber(L, ld->durations ? m / 1e9 : m);
    return 1;
}

static int d_kind(lua_State *L)
{
    ldist *ld = check_dist(L, 1);
    lua_pushstring(L, dk_dist_kind_name(dk_dist_kind_of(ld->d)));
    return 1;
}

static int d_is_durations(lua_State *L)
{
    lua_pushboolean(L, check_dist(L, 1)->durations);
    return 1;
}

/* d:samples(n, seed): n draws from a stream seeded by `seed` (default 1), in seconds for
 * durations. For looking at a distribution, not for the simulator (which has its own streams). */
static int d_samples(lua_State *L)
{
    ldist *ld = check_dist(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    lua_Integer seed = luaL_optinteger(L, 3, 1);
    dk_rng_t rng;
    luaL_argcheck(L, n >= 0 && n <= 100000000, 2, "count must be between 0 and 1e8");
    dk_rng_seed(&rng, (uint64_t)seed);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        double v = dk_dist_sample(ld->d, &rng);
        lua_pushnumber(L, ld->durations ? v / 1e9 : v);
        lua_rawseti(L, -2, i);
    }
    return 1;
}

static const luaL_Reg dist_funcs[] = {
    {"constant", l_constant}, {"uniform", l_uniform},   {"exp", l_exp},
    {"exponential", l_exp},   {"normal", l_normal},     {"lognormal", l_lognormal},
    {"pareto", l_pareto},     {"zipf", l_zipf},         {"empirical", l_empirical},
    {"mixture", l_mixture},   {"hyperexp", l_hyperexp}, {NULL, NULL},
};

static const luaL_Reg dist_methods[] = {
    {"mean", d_mean},       {"kind", d_kind}, {"is_durations", d_is_durations},
    {"samples", d_samples}, {NULL, NULL},
};

static const luaL_Reg dist_meta[] = {
    {"__index", NULL},          {"__gc", d_close}, {"__close", d_close},
    {"__tostring", d_tostring}, {NULL, NULL},
};

void dk_l_open_dist(lua_State *L)
{
    luaL_newmetatable(L, DK_MT_DIST);
    luaL_setfuncs(L, dist_meta, 0);
    luaL_newlib(L, dist_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, dist_funcs, 0);
}

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
        luaL_argerror(L, idx, "distribution is closed");
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
        return luaL_error(L, "zipf: n must be a whole number >= 1 (got %f)", n);
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
                                              "lognormal", "pareto",  "zipf", "empirical"};
    double p[2] = {0, 0};
    char num[64];
    luaL_Buffer b;
    dk_dist_kind kind = dk_dist_kind_of(d);
    size_t np = dk_dist_params(d, p);
    luaL_buffinit(L, &b);
    luaL_addstring(&b, kind <= DK_DIST_EMPIRICAL ? short_names[kind] : "?");
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
    {"constant", l_constant}, {"uniform", l_uniform},     {"exp", l_exp},
    {"normal", l_normal},     {"lognormal", l_lognormal}, {"pareto", l_pareto},
    {"zipf", l_zipf},         {"empirical", l_empirical}, {NULL, NULL},
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

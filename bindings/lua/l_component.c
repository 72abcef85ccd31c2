/* l_component.c - components as Lua userdata: creation, options, links, routes and handlers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l_common.h"

/* ---- helpers ---- */

lcomp *dk_l_check_comp(lua_State *L, int idx)
{
    lcomp *c = (lcomp *)luaL_checkudata(L, idx, DK_MT_COMP);
    if (c->lm->m == NULL)
        dk_l_closed_error(L, idx, "the component's model");
    return c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The smallest (by strcmp) key of the table at `idx` for which `valid` says no, or NULL.
 * Keys that are not strings are reported as such. The string stays anchored by the table. */
static const char *first_bad_key(lua_State *L, int idx, int (*valid)(const void *, const char *),
                                 const void *ud, int *nonstring)
{
    const char *worst = NULL;
    *nonstring = 0;
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) {
            *nonstring = 1;
            continue;
        }
        const char *k = lua_tostring(L, -1);
        if (!valid(ud, k) && (worst == NULL || strcmp(k, worst) < 0))
            worst = k;
    }
    return worst;
}

static int in_list(const void *ud, const char *k)
{
    for (const char *const *v = (const char *const *)ud; *v; v++)
        if (strcmp(*v, k) == 0)
            return 1;
    return 0;
}

void dk_l_push_did_you_mean(lua_State *L, const char *best)
{
    if (best != NULL)
        lua_pushfstring(L, "; did you mean \"%s\"?", best);
    else
        lua_pushliteral(L, "");
}

/* The property of `kind` nearest to the misspelt `word`, or NULL. */
static const char *nearest_prop(const dk_kind *kind, const char *word)
{
    dk_suggest s;
    dk_suggest_init(&s, word);
    for (size_t i = 0; i < kind->nprops; i++)
        dk_suggest_add(&s, kind->props[i].name);
    return dk_suggest_best(&s);
}

/* Raises "kind "name": unknown option "x"; did you mean "y"? (valid: ...)". */
static int unknown_prop(lua_State *L, const dk_comp_t *c, const char *bad)
{
    const dk_kind *kind = dk_comp_kind(c);
    char list[256];
    dk_l_push_did_you_mean(L, nearest_prop(kind, bad));
    return luaL_error(L, "%s \"%s\": unknown option \"%s\"%s (valid: %s)", dk_kind_name(kind),
                      dk_comp_name(c), bad, lua_tostring(L, -1),
                      dk_kind_prop_list(kind, list, sizeof list));
}

void dk_l_check_keys(lua_State *L, int idx, const char *what, const char *const *valid)
{
    int nonstring;
    const char *bad = first_bad_key(L, idx, in_list, valid, &nonstring);
    if (bad == NULL && !nonstring)
        return;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const char *const *v = valid; *v; v++) {
        if (v != valid)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, *v);
    }
    luaL_pushresult(&b);
    if (bad) {
        dk_l_push_did_you_mean(L, dk_suggest_from(bad, valid));
        luaL_error(L, "%s: unknown option \"%s\"%s (valid: %s)", what, bad, lua_tostring(L, -1),
                   lua_tostring(L, -2));
    }
    luaL_error(L, "%s: option names must be strings (valid: %s)", what, lua_tostring(L, -1));
}

/* The model's state table (the user value of the model userdata at `midx`), field `f`. */
void dk_l_push_comp(lua_State *L, int midx, dk_comp_t *c)
{
    midx = lua_absindex(L, midx);
    dk_l_push_state(L, midx, "comps");
    lua_Integer i = (lua_Integer)dk_comp_index(c) + 1;
    if (lua_rawgeti(L, -1, i) == LUA_TNIL) {
        lua_pop(L, 1);
        lcomp *lc = (lcomp *)lua_newuserdatauv(L, sizeof *lc, 1);
        lc->c = c;
        lc->lm = (lmodel *)lua_touserdata(L, midx);
        luaL_setmetatable(L, DK_MT_COMP);
        lua_pushvalue(L, midx);
        lua_setiuservalue(L, -2, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, i);
    }
    lua_remove(L, -2);
}

/* ---- properties ---- */

static int is_prop(const void *ud, const char *k)
{
    return dk_kind_prop((const dk_kind *)ud, k) != NULL;
}

/* Sets one property from the Lua value at `v`. Errors name the component and the field. */
static void set_prop(lua_State *L, dk_comp_t *c, const dk_prop_info *p, int v)
{
    dk_error err;
    dk_status st = DK_OK;
    const char *kind = dk_kind_name(dk_comp_kind(c)), *name = dk_comp_name(c);
    int durations = p->type == DK_PROP_DURATION ||
                    (p->type == DK_PROP_DIST && (p->flags & DK_PROP_F_DURATIONS));
    switch (lua_type(L, v)) {
    case LUA_TNUMBER: {
        double x = lua_tonumber(L, v);
        if (p->type == DK_PROP_ENUM || p->type == DK_PROP_MIX)
            break;
        if (durations)
            x *= 1e9;
        if (p->type == DK_PROP_DIST) {
            dk_dist_t *d = dk_dist_constant(x, &err);
            if (d == NULL) {
                dk_error_prefix(&err, "%s \"%s\": %s: ", kind, name, p->name);
                dk_l_raise(L, &err);
            }
            st = dk_comp_set_dist(c, p->name, d, &err);
        } else {
            st = dk_comp_set_number(c, p->name, x, &err);
        }
        if (st != DK_OK)
            dk_l_raise(L, &err);
        return;
    }
    case LUA_TSTRING: {
        if (p->type == DK_PROP_MIX)
            break;
        size_t len;
        const char *text = lua_tolstring(L, v, &len);
        if (strlen(text) != len) /* C would read only up to the NUL: "lru\0x" as "lru" */
            luaL_error(L, "%s \"%s\": %s: a NUL character inside the text (at byte %d)", kind, name,
                       p->name, (int)strlen(text) + 1);
        if (dk_comp_set_text(c, p->name, text, &err) != DK_OK)
            dk_l_raise(L, &err);
        return;
    }
    case LUA_TUSERDATA: {
        ldist *ld = dk_l_test_dist(L, v);
        if (ld == NULL || p->type != DK_PROP_DIST)
            break;
        char what[160];
        snprintf(what, sizeof what, "%s \"%s\": %s", kind, name, p->name);
        dk_dist_t *d = dk_l_dist_for(ld, durations, what, &err);
        if (d == NULL || dk_comp_set_dist(c, p->name, d, &err) != DK_OK)
            dk_l_raise(L, &err);
        return;
    }
    case LUA_TTABLE: {
        if (p->type != DK_PROP_MIX)
            break;
        /* Class names sorted, so the order of pairs() never reaches the model. */
        size_t n = 0, i = 0;
        lua_pushnil(L);
        while (lua_next(L, v)) {
            lua_pop(L, 1);
            n++;
        }
        if (n == 0)
            luaL_error(L, "%s \"%s\": %s needs at least one class", kind, name, p->name);
        const char **cls = (const char **)lua_newuserdatauv(L, n * sizeof *cls, 0);
        double *w = (double *)lua_newuserdatauv(L, n * sizeof *w, 0);
        lua_pushnil(L);
        while (lua_next(L, v)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING)
                luaL_error(L, "%s \"%s\": %s: class names must be strings", kind, name, p->name);
            size_t len;
            cls[i] = lua_tolstring(L, -1, &len);
            if (dk_name_check("class name", cls[i], len, &err) != DK_OK) {
                dk_error_prefix(&err, "%s \"%s\": %s: ", kind, name, p->name);
                dk_l_raise(L, &err);
            }
            i++;
        }
        qsort(cls, n, sizeof *cls, cmp_str);
        for (i = 0; i < n; i++) {
            int ok;
            lua_getfield(L, v, cls[i]);
            w[i] = lua_tonumberx(L, -1, &ok);
            lua_pop(L, 1);
            if (!ok)
                luaL_error(L, "%s \"%s\": %s: the weight of \"%s\" must be a number", kind, name,
                           p->name, cls[i]);
        }
        if (dk_comp_set_mix(c, p->name, cls, w, n, &err) != DK_OK)
            dk_l_raise(L, &err);
        lua_pop(L, 2);
        return;
    }
    default:
        break;
    }
    static const char *const expects[] = {
        [DK_PROP_INT] = "a whole number",
        [DK_PROP_NUMBER] = "a number",
        [DK_PROP_DURATION] = "a duration like \"2ms\" or a number of seconds",
        [DK_PROP_SIZE] = "a size like \"64KiB\" or a number of bytes",
        [DK_PROP_RATE] = "a rate like \"1k/s\" or a number per second",
        [DK_PROP_FRACTION] = "a fraction like 0.999 or \"99.9%\"",
        [DK_PROP_ENUM] = "one of its choices as a string",
        [DK_PROP_DIST] = "a distribution (dk.exp \"2ms\", ...), a number or a duration",
        [DK_PROP_MIX] = "a table of class = weight",
    };
    luaL_error(L, "%s \"%s\": %s must be %s (got %s)", kind, name, p->name,
               (unsigned)p->type <= DK_PROP_MIX ? expects[p->type] : "valid", luaL_typename(L, v));
}

/* Applies the options table at `o` in schema order, after refusing unknown keys. */
static void apply_opts(lua_State *L, dk_comp_t *c, int o)
{
    const dk_kind *kind = dk_comp_kind(c);
    int nonstring;
    char list[256];
    const char *bad = first_bad_key(L, o, is_prop, kind, &nonstring);
    if (bad != NULL)
        unknown_prop(L, c, bad);
    if (nonstring)
        luaL_error(L, "%s \"%s\": option names must be strings (valid: %s)", dk_kind_name(kind),
                   dk_comp_name(c), dk_kind_prop_list(kind, list, sizeof list));
    size_t n = kind->nprops;
    const dk_prop_info *props = kind->props;
    for (size_t i = 0; i < n; i++) {
        if (lua_getfield(L, o, props[i].name) != LUA_TNIL)
            set_prop(L, c, &props[i], lua_gettop(L));
        lua_pop(L, 1);
    }
}

void dk_l_apply_opts(lua_State *L, dk_comp_t *c, int o)
{
    apply_opts(L, c, lua_absindex(L, o));
}

/* Pushes the value of property `id` as a script would have written it (seconds, bytes, ...). */
static void push_prop(lua_State *L, const dk_comp_t *c, int id)
{
    const dk_prop_info *p = &dk_comp_kind(c)->props[id];
    switch (p->type) {
    case DK_PROP_ENUM:
        lua_pushstring(L, dk_comp_text(c, id));
        return;
    case DK_PROP_DURATION:
        lua_pushnumber(L, dk_comp_number(c, id) / 1e9);
        return;
    case DK_PROP_INT: {
        double x = dk_comp_number(c, id);
        if (fabs(x) < 9e15)
            lua_pushinteger(L, (lua_Integer)x);
        else
            lua_pushnumber(L, x);
        return;
    }
    case DK_PROP_DIST: {
        const dk_dist_t *src = dk_comp_dist(c, id);
        if (src == NULL) {
            lua_pushnil(L);
            return;
        }
        ldist *ld = (ldist *)lua_newuserdatauv(L, sizeof *ld, 0);
        ld->d = NULL;
        ld->durations = (p->flags & DK_PROP_F_DURATIONS) != 0;
        luaL_setmetatable(L, DK_MT_DIST);
        ld->d = dk_dist_clone(src);
        if (ld->d == NULL)
            luaL_error(L, "out of memory");
        return;
    }
    case DK_PROP_MIX: {
        size_t n = dk_comp_mix_count(c, id);
        lua_createtable(L, 0, (int)n);
        for (size_t i = 0; i < n; i++) {
            const char *cls;
            double w;
            dk_comp_mix_at(c, id, i, &cls, &w);
            lua_pushnumber(L, w);
            lua_setfield(L, -2, cls);
        }
        return;
    }
    default:
        lua_pushnumber(L, dk_comp_number(c, id));
    }
}

/* ---- creating components ---- */

static const dk_kind *check_kind(lua_State *L, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    dk_error err;
    const dk_kind *kind = dk_kinds_find(name, &err);
    if (kind == NULL)
        luaL_argerror(L, idx, err.message);
    return kind;
}

/* Creates a component of `kind` named `name` in group `g` (may be NULL) of the model at `midx`,
 * applies the options at `o` (0: none), and pushes it. */
/* Keeps where the script made component `c` ("design.lua:12: ", the caller of the
 * constructor) in the state table's `places`, indexed by the component's index + 1: a failure
 * found later, when the model is built for a run, then names the line that made the component
 * rather than the line that ran it. */
static void remember_place(lua_State *L, int midx, const dk_comp_t *c)
{
    lua_getiuservalue(L, midx, 1);
    if (lua_getfield(L, -1, "places") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, "places");
    }
    luaL_where(L, 1);
    lua_rawseti(L, -2, (lua_Integer)dk_comp_index(c) + 1);
    lua_pop(L, 2);
}

void dk_l_push_comp_place(lua_State *L, int midx, const dk_comp_t *c)
{
    int top = lua_gettop(L);
    midx = lua_absindex(L, midx);
    if (lua_getiuservalue(L, midx, 1) == LUA_TTABLE &&
        lua_getfield(L, -1, "places") == LUA_TTABLE &&
        lua_rawgeti(L, -1, (lua_Integer)dk_comp_index(c) + 1) == LUA_TSTRING) {
        lua_replace(L, top + 1);
        lua_settop(L, top + 1);
        return;
    }
    lua_settop(L, top);
    lua_pushliteral(L, "");
}

static int create(lua_State *L, int midx, dk_group_t *g, const dk_kind *kind, const char *name,
                  int o)
{
    lmodel *lm = (lmodel *)lua_touserdata(L, midx);
    dk_error err;
    dk_l_check_unfrozen(L, lm, name);
    if (o != 0 && !lua_isnoneornil(L, o) && !lua_istable(L, o))
        return luaL_error(L, "%s \"%s\": options must be a table (got %s)", dk_kind_name(kind),
                          name, luaL_typename(L, o));
    dk_comp_t *c = dk_model_add(lm->m, g, kind, name, &err);
    if (c == NULL)
        return dk_l_raise(L, &err);
    remember_place(L, midx, c);
    dk_l_push_comp(L, midx, c);
    if (o != 0 && lua_istable(L, o))
        apply_opts(L, c, o);
    return 1;
}

/* m:service "api" { ... }, m:service("api", { ... }), group:service ... alike: one closure per
 * registered kind, its descriptor as upvalue 1. The object at index 1 is a model or a group. */
static int kind_constructor(lua_State *L)
{
    const dk_kind *kind = (const dk_kind *)lua_touserdata(L, lua_upvalueindex(1));
    int midx = 1;
    dk_group_t *g = NULL;
    lgroup *lg = (lgroup *)luaL_testudata(L, 1, DK_MT_GROUP);
    if (lg != NULL)
        g = dk_l_check_group(L, 1)->g;
    else
        dk_l_check_model(L, 1);
    char what[96]; /* "<kind> name" */
    snprintf(what, sizeof what, "%s name", kind->name);
    const char *name = dk_l_check_name(L, 2, what);
    lua_settop(L, 3);
    if (lg) {
        lua_getiuservalue(L, 1, 1);
        midx = 4;
    }
    /* m:service("api", { ... }) applies the options now; m:service "api" { ... } creates the
     * component at once and its __call applies the table, so m:database "db" alone works too. */
    return create(L, midx, g, kind, name, lua_isnil(L, 3) ? 0 : 3);
}

void dk_l_add_kind_constructors(lua_State *L, int methods)
{
    methods = lua_absindex(L, methods);
    for (size_t i = 0; i < dk_kinds_count(); i++) {
        const dk_kind *kind = &dk_kinds_at(i)->kind;
        lua_pushlightuserdata(L, (void *)kind);
        lua_pushcclosure(L, kind_constructor, 1);
        lua_setfield(L, methods, kind->name);
    }
}

/* comp { options }: sets properties after creation; returns the component. */
static int c_apply(lua_State *L)
{
    lcomp *c = dk_l_check_comp(L, 1);
    dk_l_check_unfrozen(L, c->lm, dk_comp_name(c->c));
    if (!lua_istable(L, 2))
        return luaL_error(L, "%s \"%s\": options must be a table (got %s)",
                          dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c),
                          luaL_typename(L, 2));
    apply_opts(L, c->c, 2);
    lua_settop(L, 1);
    return 1;
}

/* m:component(kind, name, opts) / group:component(...): the kind as a string. */
int dk_l_m_component(lua_State *L)
{
    int midx = 1;
    dk_group_t *g = NULL;
    lgroup *lg = (lgroup *)luaL_testudata(L, 1, DK_MT_GROUP);
    if (lg != NULL) {
        dk_l_check_group(L, 1);
        g = lg->g;
    } else {
        dk_l_check_model(L, 1);
    }
    const dk_kind *kind = check_kind(L, 2);
    char what[96]; /* "<kind> name" */
    snprintf(what, sizeof what, "%s name", kind->name);
    const char *name = dk_l_check_name(L, 3, what);
    lua_settop(L, 4);
    if (lg) {
        lua_getiuservalue(L, 1, 1);
        midx = lua_gettop(L);
    }
    return create(L, midx, g, kind, name, 4);
}

/* dk.properties(kind) -> { {name, type, doc, default}, ... } in documentation order (a
 * distribution also says what its values are, `of`: "duration", "size" or "number"); for
 * "link" (the links' options) each also says its `group` (retry, breaker, bulkhead; none at the
 * top level) and its `key` within it. */
int dk_l_properties(lua_State *L)
{
    const dk_kind *kind = check_kind(L, 1);
    size_t n = kind->nprops;
    const dk_prop_info *p = kind->props;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        lua_pushstring(L, p[i].name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, dk_prop_type_name(p[i].type));
        lua_setfield(L, -2, "type");
        lua_pushstring(L, p[i].doc ? p[i].doc : "");
        lua_setfield(L, -2, "doc");
        if (p[i].def_text) {
            lua_pushstring(L, p[i].def_text);
            lua_setfield(L, -2, "default");
        }
        if (p[i].type == DK_PROP_DIST) { /* what its values are: how a script writes one */
            lua_pushstring(L, (p[i].flags & DK_PROP_F_DURATIONS) ? "duration"
                              : (p[i].flags & DK_PROP_F_SIZES)   ? "size"
                                                                 : "number");
            lua_setfield(L, -2, "of");
        }
        if (p[i].choices) {
            lua_newtable(L);
            for (int k = 0; p[i].choices[k]; k++) {
                lua_pushstring(L, p[i].choices[k]);
                lua_rawseti(L, -2, k + 1);
            }
            lua_setfield(L, -2, "choices");
        }
        if (dk_kind_has(kind, DK_TRAIT_LINK)) { /* how m:link and JSON write it */
            const char *g = dk_link_option_group((int)i);
            if (g != NULL) {
                lua_pushstring(L, g);
                lua_setfield(L, -2, "group");
            }
            lua_pushstring(L, dk_link_option_key(kind, (int)i));
            lua_setfield(L, -2, "key");
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* The traits as Lua names, one list. */
static const struct {
    unsigned bit;
    const char *name;
} trait_names[] = {
    {DK_TRAIT_ENTRY, "entry"},       {DK_TRAIT_ROUTES, "routes"},     {DK_TRAIT_ASYNC, "async"},
    {DK_TRAIT_STATEFUL, "stateful"}, {DK_TRAIT_BALANCER, "balancer"}, {DK_TRAIT_LOOKUP, "lookup"},
    {DK_TRAIT_STORE, "store"},
};

/* dk.kind_info(kind) -> { name, doc, shape, traits = { entry = true, ... }, metrics = {...},
 * replicated = bool }: what the registry says of a kind, for reports and generated docs. */
int dk_l_kind_info(lua_State *L)
{
    const dk_kind *kind = check_kind(L, 1);
    const dk_kind_desc *d = dk_kinds_desc(kind);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, kind->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, kind->doc ? kind->doc : "");
    lua_setfield(L, -2, "doc");
    lua_pushstring(L, kind->shape);
    lua_setfield(L, -2, "shape");
    lua_pushboolean(L, kind->replicas_prop >= 0);
    lua_setfield(L, -2, "replicated");
    lua_newtable(L);
    for (size_t i = 0; i < sizeof trait_names / sizeof trait_names[0]; i++)
        if (kind->traits & trait_names[i].bit) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, trait_names[i].name);
        }
    lua_setfield(L, -2, "traits");
    lua_newtable(L);
    for (int m = 0, k = 0; d != NULL && m < DK_METRIC__COUNT; m++)
        if (d->metrics & DK_METRIC_BIT(m)) {
            lua_pushstring(L, dk_metric_name((dk_metric)m));
            lua_rawseti(L, -2, ++k);
        }
    lua_setfield(L, -2, "metrics");
    return 1;
}

/* Pushes dk.kinds: the registered kinds' names in registry order. */
void dk_l_push_kinds(lua_State *L)
{
    lua_createtable(L, (int)dk_kinds_count(), 0);
    for (size_t i = 0; i < dk_kinds_count(); i++) {
        lua_pushstring(L, dk_kinds_at(i)->kind.name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* ---- links ---- */

/* Pushes what a link operand is, for messages: `service "api"`, `a list`, `nil`. */
static void push_operand_text(lua_State *L, int idx)
{
    if (luaL_testudata(L, idx, DK_MT_COMP))
        luaL_tolstring(L, idx, NULL);
    else if (lua_istable(L, idx))
        lua_pushliteral(L, "a list");
    else
        lua_pushstring(L, luaL_typename(L, idx));
}

/* Raises for an operand of `a >> b` that is neither a component nor a list. A nil one is
 * nearly always a misspelt or not-yet-defined name, and Lua cannot say which variable it was,
 * so the message names the side and the other operand. */
static int bad_operand(lua_State *L, int bad, int other, const char *side)
{
    push_operand_text(L, other);
    const char *o = lua_tostring(L, -1);
    if (lua_isnil(L, bad))
        return luaL_error(L,
                          "link %s >> %s: the %s operand is nil (a misspelt name, or a "
                          "component not made yet?)",
                          bad == 1 ? "nil" : o, bad == 1 ? o : "nil", side);
    return luaL_error(L,
                      "link: the %s operand must be a component or a list of components (got %s)",
                      side, luaL_typename(L, bad));
}

/* Collects the components of a component or a list at `idx` into a table pushed on the stack.
 * `what` names the operand in messages ("argument #3"). */
static void push_side(lua_State *L, int idx, lmodel **lm, const char *what)
{
    lua_newtable(L);
    if (luaL_testudata(L, idx, DK_MT_COMP)) {
        lcomp *c = dk_l_check_comp(L, idx);
        if (*lm && *lm != c->lm)
            luaL_error(L, "cannot link components of different models");
        *lm = c->lm;
        lua_pushvalue(L, idx);
        lua_rawseti(L, -2, 1);
        return;
    }
    if (lua_isnil(L, idx))
        luaL_error(L, "link: %s is nil (a misspelt name, or a component not made yet?)", what);
    if (!lua_istable(L, idx))
        luaL_error(L, "link: %s must be a component or a list of components (got %s)", what,
                   luaL_typename(L, idx));
    lua_Integer n = luaL_len(L, idx);
    if (n == 0)
        luaL_error(L, "link: %s is an empty list", what);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        lcomp *c = (lcomp *)luaL_testudata(L, -1, DK_MT_COMP);
        if (c == NULL)
            luaL_error(L, "link: %s must hold components (item %d is %s)", what, (int)i,
                       lua_isnil(L, -1) ? "nil" : luaL_typename(L, -1));
        if (*lm && *lm != c->lm)
            luaL_error(L, "cannot link components of different models");
        *lm = c->lm;
        lua_rawseti(L, -2, i);
    }
}

static void undo_last_link(void *m)
{
    dk_model_unlink_last(m);
}

/* Gives the link just made the options of the flat table at `opts`. A bad option undoes the
 * link as the error leaves (a to-be-closed box), so that a failed m:link leaves the model as it
 * was, also for a script that catches the error; the message keeps the script's file:line. */
static void set_link_options(lua_State *L, dk_model_t *m, int opts)
{
    dk_error err;
    void **undo = dk_l_newbox(L, undo_last_link);
    *undo = m;
    lua_toclose(L, -1);
    dk_comp_t *o = dk_model_link_options(m, dk_model_link_count(m) - 1, dk_link_schema(), &err);
    if (o == NULL)
        dk_l_raise(L, &err);
    dk_l_apply_opts(L, o, opts);
    *undo = NULL; /* kept: closing the slot now does nothing */
    lua_closeslot(L, -1);
    lua_pop(L, 1);
}

/* Links every component of side `a` to every one of side `b`, with `latency` (may be NULL),
 * asynchronous if `async`, with the link options of the flat table at `opts` (0: none). */
static void link_sides(lua_State *L, int a, int b, const dk_dist_t *latency, int async, int opts,
                       const char *what_a, const char *what_b)
{
    lmodel *lm = NULL;
    push_side(L, a, &lm, what_a);
    int ta = lua_gettop(L);
    push_side(L, b, &lm, what_b);
    int tb = lua_gettop(L);
    dk_l_check_unfrozen(L, lm, "link");
    lua_Integer na = luaL_len(L, ta), nb = luaL_len(L, tb);
    for (lua_Integer i = 1; i <= na; i++) {
        lua_rawgeti(L, ta, i);
        lcomp *from = (lcomp *)lua_touserdata(L, -1);
        for (lua_Integer j = 1; j <= nb; j++) {
            lua_rawgeti(L, tb, j);
            lcomp *to = (lcomp *)lua_touserdata(L, -1);
            dk_error err;
            if (dk_model_link(lm->m, from->c, to->c, latency, &err) != DK_OK ||
                (async && dk_model_link_set_async(lm->m, from->c, to->c, 1, &err) != DK_OK))
                dk_l_raise(L, &err);
            if (opts != 0)
                set_link_options(L, lm->m, opts);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

/* a >> b: links and returns the right side, so that chains read left to right. */
static int c_shr(lua_State *L)
{
    lua_settop(L, 2);
    for (int side = 1; side <= 2; side++)
        if (!luaL_testudata(L, side, DK_MT_COMP) && !lua_istable(L, side))
            return bad_operand(L, side, 3 - side, side == 1 ? "left" : "right");
    link_sides(L, 1, 2, NULL, 0, 0, "the left operand", "the right operand");
    return 1;
}

/* m:link(a, b [, c ...] [, { latency = dk.exp "1ms", async = true, weight = 3,
 * retry = { attempts = 4 }, ... }]): links each side to the next, as a >> b >> c does, each
 * link with the options given (designkit/model.h "link options"). Sides may be lists. */
int dk_l_m_link(lua_State *L)
{
    dk_l_check_model(L, 1);
    int top = lua_gettop(L), opts = 0, flat = 0;
    if (top >= 2 && lua_istable(L, top) && !lua_getmetatable(L, top) && luaL_len(L, top) == 0) {
        opts = top--;
    }
    if (top < 3)
        return luaL_error(L, "link: needs at least two components");
    dk_dist_t **slot = NULL;
    int async = 0;
    if (opts) {
        dk_l_link_options(L, opts, "link");
        if (!lua_isnil(L, -1))
            flat = lua_gettop(L);
        lua_getfield(L, opts, "async");
        if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
            return luaL_error(L, "link: async must be true or false (got %s)",
                              luaL_typename(L, -1));
        async = lua_toboolean(L, -1);
        lua_pop(L, 1);
        lua_getfield(L, opts, "latency");
        int v = lua_gettop(L);
        if (!lua_isnil(L, v)) {
            dk_error err;
            slot = (dk_dist_t **)dk_l_newbox(L, (dk_l_free_fn)dk_dist_free);
            ldist *ld = dk_l_test_dist(L, v);
            if (ld != NULL) {
                *slot = dk_l_dist_for(ld, 1, "link latency", &err);
            } else {
                int64_t ns;
                if (!dk_l_to_duration(L, v, &ns, &err)) {
                    dk_error_prefix(&err, "link latency: ");
                    return dk_l_raise(L, &err);
                }
                *slot = dk_dist_constant((double)ns, &err);
            }
            if (*slot == NULL)
                return dk_l_raise(L, &err);
        }
    }
    for (int i = 2; i < top; i++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "argument #%d", i - 1); /* as the script counts them: m:link(1, 2) */
        snprintf(b, sizeof b, "argument #%d", i);
        link_sides(L, i, i + 1, slot ? *slot : NULL, async, flat, a, b);
    }
    lua_pushvalue(L, top);
    return 1;
}

/* Whether some link of the model ends at `c`. */
static int has_caller(const dk_model_t *m, const dk_comp_t *c)
{
    for (size_t i = 0, n = dk_model_link_count(m); i < n; i++) {
        dk_comp_t *from, *to;
        const dk_dist_t *latency;
        dk_model_link_at(m, i, &from, &to, &latency);
        if (to == c)
            return 1;
    }
    return 0;
}

/* m:links { users >> lb >> api, api >> db }: the statement form of links. Lua has no expression
 * statements, so `users >> api` alone does not parse; inside a table constructor it is an
 * expression, and each >> has linked by the time m:links runs. What m:links adds is the check
 * that each item is such a chain: a component or list nobody calls (`m:links { users, api }`)
 * was not linked by anything, and saying so beats a design that silently has no link. */
int dk_l_m_links(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    if (!lua_istable(L, 2))
        return luaL_error(L,
                          "links: expected a table of links, as in m:links { users >> api } "
                          "(got %s)",
                          luaL_typename(L, 2));
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i);
        lua_Integer k = 1, count = 1;
        int list = lua_istable(L, -1) && !luaL_testudata(L, -1, DK_MT_COMP);
        if (list)
            count = luaL_len(L, -1);
        for (k = 1; k <= count; k++) {
            if (list)
                lua_rawgeti(L, -1, k);
            else
                lua_pushvalue(L, -1);
            lcomp *c = (lcomp *)luaL_testudata(L, -1, DK_MT_COMP);
            if (c == NULL)
                return luaL_error(L, "links: item %d is %s, not a link (write a >> b)", (int)i,
                                  lua_isnil(L, -1) ? "nil" : luaL_typename(L, -1));
            if (c->lm != lm)
                return luaL_error(L, "links: item %d belongs to another model", (int)i);
            if (!has_caller(lm->m, c->c))
                return luaL_error(L,
                                  "links: item %d (%s \"%s\") is not a link: write a >> b inside "
                                  "m:links { ... }",
                                  (int)i, dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 1);
    return 1;
}

/* ---- routes ---- */

/* dk.cache_aside(cache, db) and dk.call(a, b, ...): route descriptions for comp:route. */
static int new_flow(lua_State *L, const char *kind, int first, int max)
{
    int n = lua_gettop(L) - first + 1;
    if (n < 1)
        return luaL_error(L, "%s needs at least one component", kind);
    if (n > max)
        return luaL_error(L, "%s takes at most %d components (got %d)", kind, max, n);
    lua_createtable(L, n, 1);
    for (int i = 0; i < n; i++) {
        dk_l_check_comp(L, first + i);
        lua_pushvalue(L, first + i);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    luaL_setmetatable(L, DK_MT_FLOW);
    return 1;
}

int dk_l_cache_aside(lua_State *L)
{
    dk_l_check_comp(L, 1);
    dk_l_check_comp(L, 2);
    lua_settop(L, 2);
    return new_flow(L, "cache_aside", 1, 2);
}

int dk_l_call(lua_State *L)
{
    return new_flow(L, "call", 1, 4);
}

static int linked(const dk_comp_t *from, const dk_comp_t *to)
{
    for (size_t i = 0; i < dk_comp_out_count(from); i++)
        if (dk_comp_out(from, i) == to)
            return 1;
    return 0;
}

/* comp:route(class, dk.cache_aside(cache, db)) or comp:route(class, function(req) ... end). */
static int c_route(lua_State *L)
{
    lcomp *c = dk_l_check_comp(L, 1);
    const char *cls = dk_l_check_name(L, 2, "class name");
    dk_l_check_unfrozen(L, c->lm, "route");
    if (lua_isfunction(L, 3))
        return dk_l_set_handler(L, 1, cls, 3);
    if (!lua_getmetatable(L, 3))
        return luaL_argerror(L, 3, "expected a flow (dk.cache_aside, dk.call) or a function");
    luaL_getmetatable(L, DK_MT_FLOW);
    if (!lua_rawequal(L, -1, -2))
        return luaL_argerror(L, 3, "expected a flow (dk.cache_aside, dk.call) or a function");
    lua_pop(L, 2);
    dk_route r;
    memset(&r, 0, sizeof r);
    r.cls = cls;
    /* A flow is a table the script holds and may have changed since dk.call made it: its kind
     * and its targets are checked again here, against what a route can hold. */
    lua_getfield(L, 3, "kind");
    const char *kind = lua_tostring(L, -1);
    if (kind == NULL || !dk_route_kind_parse(kind, &r.kind) || r.kind == DK_ROUTE_CUSTOM)
        return luaL_argerror(L, 3, "the flow's kind was changed (use dk.cache_aside or dk.call)");
    lua_pop(L, 1);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 3), room = sizeof r.targets / sizeof r.targets[0];
    if (n < 1 || n > room)
        return luaL_argerror(
            L, 3, lua_pushfstring(L, "a flow takes 1 to %I components (got %I)", room, n));
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        lcomp *t = dk_l_check_comp(L, -1);
        if (t->lm != c->lm)
            return luaL_error(L, "%s \"%s\": route target \"%s\" belongs to another model",
                              dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c),
                              dk_comp_name(t->c));
        r.targets[r.ntargets++] = t->c;
        lua_pop(L, 1);
    }
    dk_error err;
    if (dk_comp_set_route(c->c, &r, &err) != DK_OK)
        return dk_l_raise(L, &err);
    for (size_t i = 0; i < r.ntargets; i++)
        if (!linked(c->c, r.targets[i]) &&
            dk_model_link(c->lm->m, c->c, r.targets[i], NULL, &err) != DK_OK)
            return dk_l_raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

/* comp:on(class, function(req) ... end) */
static int c_on(lua_State *L)
{
    dk_l_check_comp(L, 1);
    const char *cls = dk_l_check_name(L, 2, "class name");
    luaL_checktype(L, 3, LUA_TFUNCTION);
    return dk_l_set_handler(L, 1, cls, 3);
}

static int c_read(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_READ, "read");
}
static int c_write(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_WRITE, "write");
}
static int c_get(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_GET, "get");
}
static int c_set(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_SET, "set");
}
static int c_invalidate(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_INVALIDATE, "invalidate");
}
static int c_call(lua_State *L)
{
    return dk_l_comp_op(L, DK_OP_REQUEST, "call");
}
/* comp:send([key]): the request's own op, sent without waiting for the reply. */
static int c_send(lua_State *L)
{
    return dk_l_comp_op(L, DK__OP_SEND, "send");
}

/* comp:links(): the components it calls, in link order. */
static int c_links(lua_State *L)
{
    lcomp *c = dk_l_check_comp(L, 1);
    lua_getiuservalue(L, 1, 1);
    int midx = lua_gettop(L);
    size_t n = dk_comp_out_count(c->c);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_l_push_comp(L, midx, dk_comp_out(c->c, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static const luaL_Reg comp_methods[] = {
    {"on", c_on},     {"route", c_route}, {"read", c_read}, {"write", c_write},
    {"get", c_get},   {"set", c_set},     {"send", c_send}, {"invalidate", c_invalidate},
    {"call", c_call}, {"links", c_links}, {NULL, NULL},
};

/* comp.name, comp.kind, comp.group, comp.<property>, then the methods. */
static int c_index(lua_State *L)
{
    /* Methods first, before the receiver is checked: cache:get(k) in a Lua handler comes here
     * on every call, and the method checks its receiver itself. */
    const char *k = luaL_checkstring(L, 2);
    if (lua_getfield(L, lua_upvalueindex(1), k) != LUA_TNIL)
        return 1;
    lcomp *c = dk_l_check_comp(L, 1);
    if (strcmp(k, "name") == 0) {
        lua_pushstring(L, dk_comp_name(c->c));
    } else if (strcmp(k, "kind") == 0) {
        lua_pushstring(L, dk_kind_name(dk_comp_kind(c->c)));
    } else if (strcmp(k, "group") == 0) {
        dk_group_t *g = dk_comp_group(c->c);
        if (g == NULL)
            return 0;
        lua_getiuservalue(L, 1, 1);
        dk_l_push_group(L, lua_gettop(L), g);
    } else {
        int id = dk_kind_prop_id(dk_comp_kind(c->c), k);
        if (id < 0)
            return 0;
        push_prop(L, c->c, id);
    }
    return 1;
}

static int c_newindex(lua_State *L)
{
    lcomp *c = dk_l_check_comp(L, 1);
    const char *k = luaL_checkstring(L, 2);
    const dk_prop_info *p = dk_kind_prop(dk_comp_kind(c->c), k);
    if (p == NULL)
        return unknown_prop(L, c->c, k);
    dk_l_check_unfrozen(L, c->lm, dk_comp_name(c->c));
    set_prop(L, c->c, p, 3);
    return 0;
}

static int c_tostring(lua_State *L)
{
    lcomp *c = (lcomp *)luaL_checkudata(L, 1, DK_MT_COMP);
    if (c->lm->m == NULL)
        lua_pushliteral(L, "component (closed model)");
    else
        lua_pushfstring(L, "%s \"%s\"", dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c));
    return 1;
}

/* Registers the component class; called by dk_l_open_model. */
void dk_l_open_comp(lua_State *L)
{
    dk_l_new_class(L, DK_MT_COMP, comp_methods, c_index, c_tostring, NULL);
    lua_pushcfunction(L, c_shr);
    lua_setfield(L, -2, "__shr");
    lua_pushcfunction(L, c_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, c_apply);
    lua_setfield(L, -2, "__call");
    lua_pop(L, 1);
}

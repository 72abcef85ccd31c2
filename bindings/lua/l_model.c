/* l_model.c - the model as Lua userdata: dk.model, its methods and the class registration. */
#include <stdlib.h>
#include <string.h>

#include "l_common.h"

/* ---- helpers ---- */

lmodel *dk_l_check_model(lua_State *L, int idx)
{
    lmodel *lm = (lmodel *)luaL_checkudata(L, idx, DK_MT_MODEL);
    if (lm->m == NULL)
        dk_l_closed_error(L, idx, "model");
    return lm;
}

int dk_l_closed_error(lua_State *L, int idx, const char *what)
{
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name != NULL)
        return luaL_argerror(L, idx, lua_pushfstring(L, "%s is closed", what));
    /* No name for the function (a method called through pcall, from C or from a table slot):
     * luaL_argerror would say "bad argument #1 to '?'", so say what was closed and how. */
    return luaL_error(L, "%s is closed (by m:close() or a <close> variable) and cannot be used",
                      what);
}

void dk_l_check_unfrozen(lua_State *L, const lmodel *lm, const char *what)
{
    if (lm->run != NULL)
        luaL_error(L, "%s: model \"%s\" is running: it cannot change until m:run returns", what,
                   dk_model_name(lm->m));
}

/* The model's state table (the user value of the model userdata at `midx`), field `f`. */
void dk_l_push_state(lua_State *L, int midx, const char *f)
{
    lua_getiuservalue(L, midx, 1);
    lua_getfield(L, -1, f);
    lua_remove(L, -2);
}

void dk_l_push_model(lua_State *L, dk_model_t *m)
{
    lmodel *lm = (lmodel *)lua_newuserdatauv(L, sizeof *lm, 1);
    lm->m = NULL;
    lm->run = NULL;
    luaL_setmetatable(L, DK_MT_MODEL);
    lua_createtable(L, 0, 3);
    lua_newtable(L);
    lua_setfield(L, -2, "comps");
    lua_newtable(L);
    lua_setfield(L, -2, "groups");
    lua_newtable(L);
    lua_setfield(L, -2, "handlers");
    lua_setiuservalue(L, -2, 1);
    lm->m = m;
}

/* ---- the model ---- */

static int l_model(lua_State *L)
{
    const char *name = dk_l_check_name(L, 1, "model name");
    dk_error err;
    dk_l_push_model(L, NULL);
    dk_model_t *m = dk_model_new(name, &err);
    if (m == NULL)
        return dk_l_raise(L, &err);
    ((lmodel *)lua_touserdata(L, -1))->m = m;
    return 1;
}

static int m_close(lua_State *L)
{
    lmodel *lm = (lmodel *)luaL_checkudata(L, 1, DK_MT_MODEL);
    if (lm->run != NULL)
        return luaL_error(L, "cannot close a model while it runs");
    dk_model_free(lm->m);
    lm->m = NULL;
    return 0;
}

static int m_tostring(lua_State *L)
{
    lmodel *lm = (lmodel *)luaL_checkudata(L, 1, DK_MT_MODEL);
    if (lm->m == NULL)
        lua_pushliteral(L, "model (closed)");
    else
        lua_pushfstring(L, "model \"%s\"", dk_model_name(lm->m));
    return 1;
}

static int m_name(lua_State *L)
{
    lua_pushstring(L, dk_model_name(dk_l_check_model(L, 1)->m));
    return 1;
}

static int m_find(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    const char *name = dk_l_lookup_name(L, 2);
    dk_comp_t *c = name != NULL ? dk_model_find(lm->m, name) : NULL;
    if (c == NULL)
        return 0;
    dk_l_push_comp(L, 1, c);
    return 1;
}

static int m_components(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    size_t n = dk_model_comp_count(lm->m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_l_push_comp(L, 1, dk_model_comp(lm->m, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int m_groups(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    size_t n = dk_model_group_count(lm->m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_l_push_group(L, 1, dk_model_group(lm->m, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int m_classes(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    size_t n = dk_model_class_count(lm->m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_model_class(lm->m, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* The keys m:expect takes: every expectation metric (DK_EXPECT_METRICS), then "class". */
static const char *const expect_keys[] = {
#define KEY(id, name, sense, pct) name,
    DK_EXPECT_METRICS(KEY)
#undef KEY
        "class",
    NULL};

/* m:expect { p99 = "50ms", availability = 0.999, class = "resolve" } */
static int m_expect(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    dk_l_check_unfrozen(L, lm, "expect");
    luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, "expect", expect_keys);
    const char *cls = NULL;
    if (lua_getfield(L, 2, "class") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "expect: class must be a string (got %s)", luaL_typename(L, -1));
        cls = dk_l_check_name(L, -1, "expect: class name");
    }
    int any = 0;
    for (int i = 0; i < DK_EXPECT__COUNT; i++) {
        const char *metric = dk_expect_metric_name((dk_expect_metric)i);
        if (lua_getfield(L, 2, metric) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        int v = lua_gettop(L);
        dk_expect e = {.metric = metric, .cls = cls, .limit = 0};
        dk_error err;
        int ok = 1;
        if (dk_expect_metric_sense((dk_expect_metric)i) == DK_EXPECT_LATENCY) {
            int64_t ns;
            ok = dk_l_to_duration(L, v, &ns, &err);
            e.limit = (double)ns;
        } else if (lua_type(L, v) == LUA_TNUMBER) {
            e.limit = lua_tonumber(L, v);
        } else if (lua_type(L, v) == LUA_TSTRING) {
            const char *t = lua_tostring(L, v);
            if (i == DK_EXPECT_THROUGHPUT)
                ok = dk_parse_rate(t, &e.limit, &err) == DK_OK;
            else
                ok = dk_parse_percent(t, &e.limit, &err) == DK_OK;
        } else {
            ok = 0;
            dk_error_set(&err, DK_EINVAL, "must be a number (got %s)", luaL_typename(L, v));
        }
        if (!ok) {
            dk_error_prefix(&err, "expect %s: ", metric);
            return dk_l_raise(L, &err);
        }
        if (dk_model_expect(lm->m, &e, &err) != DK_OK)
            return dk_l_raise(L, &err);
        any = 1;
        lua_pop(L, 1);
    }
    if (!any) {
        char list[128];
        return luaL_error(L, "expect: nothing to expect (use %s)",
                          dk_expect_metric_list(list, sizeof list));
    }
    lua_settop(L, 1);
    return 1;
}

/* m:check() -> { {severity, rule, component, message, hint}, ... } */
static int m_check(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    dk_status st;
    dk_findings_t **box = (dk_findings_t **)dk_l_newbox(L, (dk_l_free_fn)dk_findings_free);
    int bidx = lua_gettop(L);
    *box = dk_model_validate(lm->m, &st);
    if (*box == NULL)
        return luaL_error(L, "check: %s", dk_strerror(st));
    size_t n = dk_findings_count(*box);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const dk_finding *f = dk_findings_at(*box, i);
        lua_createtable(L, 0, 5);
        lua_pushstring(L, dk_severity_name(f->severity));
        lua_setfield(L, -2, "severity");
        lua_pushstring(L, f->rule);
        lua_setfield(L, -2, "rule");
        if (f->component) {
            lua_pushstring(L, f->component);
            lua_setfield(L, -2, "component");
        }
        lua_pushstring(L, f->message);
        lua_setfield(L, -2, "message");
        lua_pushstring(L, f->hint);
        lua_setfield(L, -2, "hint");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)dk_findings_errors(*box));
    dk_l_box_free(L, bidx);
    return 2;
}

static const luaL_Reg model_methods[] = {
    {"name", m_name},
    {"component", dk_l_m_component},
    {"group", dk_l_m_group},
    {"link", dk_l_m_link},
    {"links", dk_l_m_links},
    {"expect", m_expect},
    {"check", m_check},
    {"find", m_find},
    {"components", m_components},
    {"groups", m_groups},
    {"classes", m_classes},
    {"close", m_close},
    {NULL, NULL},
};

static const luaL_Reg module_funcs[] = {
    {"model", l_model},
    {"properties", dk_l_properties},
    {"kind_info", dk_l_kind_info},
    {"cache_aside", dk_l_cache_aside},
    {"call", dk_l_call},
    {NULL, NULL},
};

/* m:widget "x" {} or east:sevrice "api" {}: a missing method on a model or a group is nearly
 * always a component kind that does not exist, so say that instead of Lua's "attempt to call a
 * nil value". The returned function raises the error at the caller's line when it is called. */
static int no_such_method(lua_State *L)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < dk_kinds_count(); i++) {
        if (i > 0)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, dk_kinds_at(i)->kind.name);
    }
    luaL_pushresult(&b);
    return luaL_error(L, "%s has no method \"%s\"%s (component kinds: %s)",
                      lua_tostring(L, lua_upvalueindex(1)), lua_tostring(L, lua_upvalueindex(2)),
                      lua_tostring(L, lua_upvalueindex(3)), lua_tostring(L, -1));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Pushes the did-you-mean hint for `word` among the names of the methods table at `methods`,
 * compared in sorted order so that a tie always suggests the same name. */
static void push_method_hint(lua_State *L, int methods, const char *word)
{
    const char *names[128];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, methods)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING && n < sizeof names / sizeof names[0])
            names[n++] = lua_tostring(L, -1); /* anchored by the table */
    }
    qsort(names, n, sizeof names[0], cmp_str);
    dk_suggest s;
    dk_suggest_init(&s, word);
    for (size_t i = 0; i < n; i++)
        dk_suggest_add(&s, names[i]);
    dk_l_push_did_you_mean(L, dk_suggest_best(&s));
}

static int missing_method(lua_State *L)
{
    const char *owner = lua_tostring(L, lua_upvalueindex(1));
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    lua_pushstring(L, owner);
    lua_pushvalue(L, 2);
    push_method_hint(L, 1, lua_tostring(L, 2));
    lua_pushcclosure(L, no_such_method, 3);
    return 1;
}

/* Gives a methods table the missing_method fallback above; `owner` names the object. */
static void methods_fallback(lua_State *L, int methods, const char *owner)
{
    lua_newtable(L);
    lua_pushstring(L, owner);
    lua_pushcclosure(L, missing_method, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, methods);
}

void dk_l_new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction index,
                    lua_CFunction tostring, lua_CFunction close)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    if (strcmp(name, DK_MT_MODEL) == 0 || strcmp(name, DK_MT_GROUP) == 0) {
        /* Models and groups make components: m:<kind> for every registered kind. */
        dk_l_add_kind_constructors(L, -1);
        methods_fallback(L, lua_gettop(L), strcmp(name, DK_MT_MODEL) == 0 ? "a model" : "a group");
    }
    if (index) {
        lua_pushcclosure(L, index, 1);
    }
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    if (close) {
        lua_pushcfunction(L, close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, close);
        lua_setfield(L, -2, "__close");
    }
}

void dk_l_open_model(lua_State *L)
{
    dk_l_new_class(L, DK_MT_MODEL, model_methods, NULL, m_tostring, m_close);
    lua_pop(L, 1);
    dk_l_open_comp(L);
    dk_l_open_group(L);
    luaL_newmetatable(L, DK_MT_FLOW);
    lua_pop(L, 1);
    luaL_setfuncs(L, module_funcs, 0);
    dk_l_push_kinds(L);
    lua_setfield(L, -2, "kinds");
}

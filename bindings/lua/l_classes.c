/* l_classes.c - dk.classes: a UML class diagram declared from Lua, checked, drawn through
 * Graphviz and written as Mermaid. */
#include <string.h>

#include "l_common.h"

typedef struct ldiagram {
    dk_classdiagram_t *d;
} ldiagram;

static ldiagram *check_diagram(lua_State *L, int idx)
{
    ldiagram *ld = (ldiagram *)luaL_checkudata(L, idx, DK_MT_CLASSES);
    if (ld->d == NULL)
        dk_l_closed_error(L, idx, "class diagram");
    return ld;
}

/* Raises `err` at the caller's line: a script's mistake as a plain message, a failure of the
 * engine (out of memory) as an error object. */
static int raise(lua_State *L, const dk_error *err)
{
    if (err->status == DK_ENOMEM || err->status == DK_EINTERNAL)
        return dk_l_raise_status(L, err->status, "%s", err->message);
    return luaL_error(L, "%s", err->message);
}

/* A string option `field` of the table at `idx`, or NULL when absent. */
static const char *string_option(lua_State *L, int idx, const char *what, const char *field)
{
    int t = lua_getfield(L, idx, field);
    if (t != LUA_TNIL && t != LUA_TSTRING)
        luaL_error(L, "%s: %s must be a string (got %s)", what, field, luaL_typename(L, -1));
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1); /* the table still holds the string */
    return s;
}

static int bool_option(lua_State *L, int idx, const char *what, const char *field)
{
    int t = lua_getfield(L, idx, field);
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        luaL_error(L, "%s: %s must be true or false (got %s)", what, field, luaL_typename(L, -1));
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Adds the members listed in option `field` of the declaration at `opts` to type `name`: each
 * a string "-balance: int" or a table { "-balance: int", static = true, abstract = true }. */
static void add_members(lua_State *L, ldiagram *ld, int opts, const char *name, const char *field,
                        dk_uml_member_kind kind)
{
    static const char *const keys[] = {"static", "abstract", NULL};
    dk_error err;
    if (lua_getfield(L, opts, field) == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "\"%s\": %s must be a list (got %s)", name, field, luaL_typename(L, -1));
    int list = lua_gettop(L);
    lua_Integer n = luaL_len(L, list);
    for (lua_Integer i = 1; i <= n; i++) {
        unsigned flags = 0;
        const char *text;
        int t = lua_rawgeti(L, list, i);
        if (t == LUA_TTABLE) {
            /* the text at [1], then only the flags */
            if (lua_rawgeti(L, -1, 1) != LUA_TSTRING)
                luaL_error(L,
                           "\"%s\": %s[%d] must start with its text, as { \"+name()\", "
                           "static = true } (got %s)",
                           name, field, (int)i, luaL_typename(L, -1));
            lua_pop(L, 1);
            for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1)) {
                int text_key = lua_isinteger(L, -2) && lua_tointeger(L, -2) == 1;
                int flag_key =
                    lua_type(L, -2) == LUA_TSTRING && (strcmp(lua_tostring(L, -2), keys[0]) == 0 ||
                                                       strcmp(lua_tostring(L, -2), keys[1]) == 0);
                if (!text_key && !flag_key)
                    luaL_error(L,
                               "\"%s\": %s[%d]: unknown key %s (valid: the text at [1], static, "
                               "abstract)",
                               name, field, (int)i, luaL_tolstring(L, -2, NULL));
            }
            const char *what;
            lua_pushfstring(L, "\"%s\": %s[%d]", name, field, (int)i);
            what = lua_tostring(L, -1);
            flags |= bool_option(L, -2, what, "static") ? DK_UML_STATIC : 0;
            flags |= bool_option(L, -2, what, "abstract") ? DK_UML_ABSTRACT : 0;
            lua_pop(L, 1);
            lua_rawgeti(L, -1, 1);
            lua_replace(L, -2);
        } else if (t != LUA_TSTRING) {
            luaL_error(L, "\"%s\": %s[%d] must be a string or a table (got %s)", name, field,
                       (int)i, luaL_typename(L, -1));
        }
        text = lua_tostring(L, -1);
        if (dk_classdiagram_member(ld->d, name, kind, text, flags, &err) != DK_OK)
            raise(L, &err);
        lua_pop(L, 1);
    }
    /* a key other than 1..n would be a member silently dropped */
    lua_pushnil(L);
    while (lua_next(L, list)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
            luaL_error(L, "\"%s\": %s must be a list (it has the key %s)", name, field,
                       luaL_tolstring(L, -1, NULL));
    }
    lua_pop(L, 1);
}

/* d:class{...}, d:interface{...}, d:enum{...}: declares a type of `kind`. Returns the diagram
 * so declarations chain. */
static int declare(lua_State *L, dk_uml_kind kind)
{
    static const char *const class_keys[] = {"name", "abstract", "fields", "methods", NULL};
    static const char *const interface_keys[] = {"name", "fields", "methods", NULL};
    static const char *const enum_keys[] = {"name", "values", NULL};
    const char *what = dk_uml_kind_name(kind);
    ldiagram *ld = check_diagram(L, 1);
    dk_error err;
    luaL_checktype(L, 2, LUA_TTABLE);
    dk_l_check_keys(L, 2, what,
                    kind == DK_UML_CLASS       ? class_keys
                    : kind == DK_UML_INTERFACE ? interface_keys
                                               : enum_keys);
    const char *name = string_option(L, 2, what, "name");
    if (name == NULL)
        return luaL_error(L, "%s: name is missing", what);
    int abstract = kind == DK_UML_CLASS && bool_option(L, 2, what, "abstract");
    if (dk_classdiagram_add(ld->d, kind, name, abstract, &err) != DK_OK)
        return raise(L, &err);
    if (kind == DK_UML_ENUM) {
        add_members(L, ld, 2, name, "values", DK_UML_VALUE);
    } else {
        add_members(L, ld, 2, name, "fields", DK_UML_FIELD);
        add_members(L, ld, 2, name, "methods", DK_UML_METHOD);
    }
    lua_settop(L, 1);
    return 1;
}

/* d:inherits(child, parent), d:realizes(class, interface), d:composes(whole, part, opts),
 * d:aggregates, d:associates, d:depends: adds relation `rel`. Returns the diagram. */
static int relate(lua_State *L, dk_uml_relation rel)
{
    static const char *const keys[] = {"mult",  "role",      "from_mult",      "from_role",
                                       "label", "navigable", "from_navigable", NULL};
    const char *what = dk_uml_relation_name(rel);
    ldiagram *ld = check_diagram(L, 1);
    const char *from = luaL_checkstring(L, 2), *to = luaL_checkstring(L, 3);
    dk_uml_end a = {0}, b = {0};
    const char *label = NULL;
    dk_error err;
    if (!lua_isnoneornil(L, 4)) {
        if (rel == DK_UML_INHERITS || rel == DK_UML_REALIZES)
            return luaL_error(L,
                              "%s(%s, %s): takes no options (its ends have no multiplicities "
                              "or roles)",
                              what, from, to);
        luaL_checktype(L, 4, LUA_TTABLE);
        dk_l_check_keys(L, 4, what, keys);
        b.mult = string_option(L, 4, what, "mult");
        b.role = string_option(L, 4, what, "role");
        a.mult = string_option(L, 4, what, "from_mult");
        a.role = string_option(L, 4, what, "from_role");
        label = string_option(L, 4, what, "label");
        b.navigable = bool_option(L, 4, what, "navigable");
        a.navigable = bool_option(L, 4, what, "from_navigable");
    }
    if (dk_classdiagram_relate(ld->d, rel, from, to, &a, &b, label, &err) != DK_OK)
        return raise(L, &err);
    lua_settop(L, 1);
    return 1;
}

static int d_class(lua_State *L)
{
    return declare(L, DK_UML_CLASS);
}
static int d_interface(lua_State *L)
{
    return declare(L, DK_UML_INTERFACE);
}
static int d_enum(lua_State *L)
{
    return declare(L, DK_UML_ENUM);
}
static int d_inherits(lua_State *L)
{
    return relate(L, DK_UML_INHERITS);
}
static int d_realizes(lua_State *L)
{
    return relate(L, DK_UML_REALIZES);
}
static int d_composes(lua_State *L)
{
    return relate(L, DK_UML_COMPOSES);
}
static int d_aggregates(lua_State *L)
{
    return relate(L, DK_UML_AGGREGATES);
}
static int d_associates(lua_State *L)
{
    return relate(L, DK_UML_ASSOCIATES);
}
static int d_depends(lua_State *L)
{
    return relate(L, DK_UML_DEPENDS);
}

/* d:check() - true, or nil and what is wrong. */
static int d_check(lua_State *L)
{
    ldiagram *ld = check_diagram(L, 1);
    dk_error err;
    if (dk_classdiagram_check(ld->d, &err) != DK_OK) {
        if (err.status == DK_ENOMEM)
            return raise(L, &err);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static void free_text(void *p)
{
    dk_free(p);
}

/* d:mermaid() - the Mermaid classDiagram text; raises when the diagram does not check. The
 * text sits in a box while Lua copies it, so running out of memory there leaks nothing. */
static int d_mermaid(lua_State *L)
{
    ldiagram *ld = check_diagram(L, 1);
    dk_error err;
    char **slot = (char **)dk_l_newbox(L, free_text);
    if (dk_classdiagram_mermaid(ld->d, slot, &err) != DK_OK)
        return raise(L, &err);
    lua_pushstring(L, *slot);
    dk_l_box_free(L, -2);
    return 1;
}

/* d:dot() - the DOT text Graphviz lays out; raises when the diagram does not check. */
static int d_dot(lua_State *L)
{
    ldiagram *ld = check_diagram(L, 1);
    dk_error err;
    size_t len;
    char **slot = (char **)dk_l_newbox(L, free_text);
    if (dk_classdiagram_render(ld->d, DK_DRAW_DOT, slot, &len, &err) != DK_OK)
        return raise(L, &err);
    lua_pushlstring(L, *slot, len);
    dk_l_box_free(L, -2);
    return 1;
}

/* d:draw(path) - writes the drawing, format from the extension (.svg .png .pdf .dot): true, or
 * nil and the reason (a write the sandbox forbids, a file that cannot be written). A diagram
 * that does not check is an error. */
static int d_draw(lua_State *L)
{
    ldiagram *ld = check_diagram(L, 1);
    const char *path = luaL_checkstring(L, 2);
    dk_error err;
    dk_draw_format fmt;
    if (dk_classdiagram_check(ld->d, &err) != DK_OK ||
        dk_draw_format_from_path(path, &fmt, &err) != DK_OK)
        return raise(L, &err);
    const char *why = dk_l_write_denied(L, path);
    if (why != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (dk_classdiagram_draw_file(ld->d, path, &err) != DK_OK) {
        if (err.status == DK_ENOMEM)
            return raise(L, &err);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int d_close(lua_State *L)
{
    ldiagram *ld = (ldiagram *)luaL_checkudata(L, 1, DK_MT_CLASSES);
    dk_classdiagram_free(ld->d);
    ld->d = NULL;
    return 0;
}

static int d_tostring(lua_State *L)
{
    ldiagram *ld = (ldiagram *)luaL_checkudata(L, 1, DK_MT_CLASSES);
    if (ld->d == NULL)
        lua_pushliteral(L, "class diagram (closed)");
    else
        lua_pushfstring(L, "class diagram \"%s\" (%d types, %d relations)",
                        dk_classdiagram_title(ld->d), (int)dk_classdiagram_count(ld->d),
                        (int)dk_classdiagram_relation_count(ld->d));
    return 1;
}

/* dk.classes(title) - a new, empty diagram. */
static int l_classes(lua_State *L)
{
    const char *title = luaL_optstring(L, 1, "");
    dk_error err;
    ldiagram *ld = (ldiagram *)lua_newuserdatauv(L, sizeof *ld, 0);
    ld->d = NULL;
    luaL_setmetatable(L, DK_MT_CLASSES);
    if ((ld->d = dk_classdiagram_new(title, &err)) == NULL)
        return raise(L, &err);
    return 1;
}

static const luaL_Reg diagram_methods[] = {{"class", d_class},
                                           {"interface", d_interface},
                                           {"enum", d_enum},
                                           {"inherits", d_inherits},
                                           {"realizes", d_realizes},
                                           {"composes", d_composes},
                                           {"aggregates", d_aggregates},
                                           {"associates", d_associates},
                                           {"depends", d_depends},
                                           {"check", d_check},
                                           {"mermaid", d_mermaid},
                                           {"dot", d_dot},
                                           {"draw", d_draw},
                                           {"close", d_close},
                                           {NULL, NULL}};

void dk_l_open_classes(lua_State *L)
{
    dk_l_new_class(L, DK_MT_CLASSES, diagram_methods, NULL, d_tostring, d_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_classes);
    lua_setfield(L, -2, "classes");
}

/* l_thread_task.c - a Lua function call carried from one state into another: the function as
 * its bytecode, its upvalues and its arguments as copied values (l_shared.h). */
#include <string.h>

#include <lauxlib.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "l_shared.h"
#include "l_thread.h"

/* How an upvalue reaches the other state. The globals cannot be copied (they hold functions)
 * and need not be: the function gets the new state's own. A module (a value of package.loaded,
 * such as `local dk = require "designkit"`) is required again there by its name. */
enum { UP_VALUE, UP_GLOBALS, UP_MODULE };

typedef struct upval {
    int kind;
    char *module;      /* UP_MODULE: its name in package.loaded */
    dk_l_value *value; /* UP_VALUE */
} upval;

struct dk_l_task {
    char *code; /* lua_dump of the function, never stripped: tracebacks keep their lines */
    size_t len, cap;
    int nups;
    upval *ups;
    int nargs;
    dk_l_value **args;
};

void dk_l_task_free(dk_l_task *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < c->nups; i++) {
        dk_free(c->ups[i].module);
        dk_l_value_free(c->ups[i].value);
    }
    for (int i = 0; i < c->nargs; i++)
        dk_l_value_free(c->args[i]);
    dk_free(c->ups);
    dk_free(c->args);
    dk_free(c->code);
    dk_free(c);
}

/* lua_dump's writer: appends to c->code; nonzero stops the dump when memory runs out. */
static int write_code(lua_State *L, const void *p, size_t n, void *ud)
{
    dk_l_task *c = ud;
    (void)L;
    if (n > c->cap - c->len) {
        size_t cap = c->cap ? c->cap : 1024;
        while (cap - c->len < n)
            cap *= 2;
        char *code = dk_realloc(c->code, cap);
        if (code == NULL)
            return 1;
        c->code = code;
        c->cap = cap;
    }
    memcpy(c->code + c->len, p, n);
    c->len += n;
    return 0;
}

/* The name under which the value on top sits in package.loaded, pushed, or nothing pushed and
 * 0. Only tables: a module that is a function would be called, not required, by the function. */
static int find_module(lua_State *L)
{
    if (lua_type(L, -1) != LUA_TTABLE)
        return 0;
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_type(L, -1) == LUA_TTABLE) {
        for (lua_pushnil(L); lua_next(L, -2) != 0; lua_pop(L, 1)) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, -4)) {
                lua_pop(L, 1);
                lua_remove(L, -2);
                return 1;
            }
        }
    }
    lua_pop(L, 1);
    return 0;
}

static int copy_upvalue(lua_State *L, int fidx, int i, upval *u, dk_error *err)
{
    const char *name = lua_getupvalue(L, fidx, i);
    char what[96];
    if (name == NULL || *name == '\0')
        name = "?";
    dk_snprintf(what, sizeof what, "upvalue '%s'", name);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int globals = lua_rawequal(L, -1, -2) || strcmp(name, "_ENV") == 0;
    lua_pop(L, 1);
    if (globals) {
        u->kind = UP_GLOBALS;
    } else if (find_module(L)) {
        u->kind = UP_MODULE;
        u->module = dk_strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
        if (u->module == NULL) {
            lua_pop(L, 1);
            return dk_error_set(err, DK_ENOMEM, "out of memory copying %s", what), -1;
        }
    } else {
        u->kind = UP_VALUE;
        u->value = dk_l_value_copy(L, -1, what, err);
        if (u->value == NULL) {
            lua_pop(L, 1);
            return -1;
        }
    }
    lua_pop(L, 1);
    return 0;
}

dk_l_task *dk_l_task_copy(lua_State *L, int fidx, int first_arg, int nargs, dk_error *err)
{
    fidx = lua_absindex(L, fidx);
    first_arg = lua_absindex(L, first_arg);
    if (lua_type(L, fidx) != LUA_TFUNCTION || lua_iscfunction(L, fidx))
        return dk_error_set(err, DK_EINVAL,
                            "argument %d: a Lua function is needed (a C function has no "
                            "bytecode to carry to another thread)",
                            fidx),
               NULL;
    if (!lua_checkstack(L, 8))
        return dk_error_set(err, DK_ENOMEM, "out of memory"), NULL;
    dk_l_task *c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        return dk_error_set(err, DK_ENOMEM, "out of memory copying a function"), NULL;
    lua_pushvalue(L, fidx);
    int failed = lua_dump(L, write_code, c, 0);
    lua_pop(L, 1);
    if (failed)
        goto nomem;
    lua_Debug ar;
    lua_pushvalue(L, fidx);
    lua_getinfo(L, ">u", &ar);
    if (ar.nups > 0) {
        c->ups = dk_calloc(ar.nups, sizeof *c->ups);
        if (c->ups == NULL)
            goto nomem;
        for (c->nups = 0; c->nups < ar.nups; c->nups++) {
            if (copy_upvalue(L, fidx, c->nups + 1, &c->ups[c->nups], err) != 0) {
                c->nups++;
                goto fail;
            }
        }
    }
    if (nargs > 0) {
        c->args = dk_calloc((size_t)nargs, sizeof *c->args);
        if (c->args == NULL)
            goto nomem;
        for (c->nargs = 0; c->nargs < nargs; c->nargs++) {
            char what[32];
            dk_snprintf(what, sizeof what, "argument %d", first_arg + c->nargs);
            c->args[c->nargs] = dk_l_value_copy(L, first_arg + c->nargs, what, err);
            if (c->args[c->nargs] == NULL)
                goto fail;
        }
    }
    return c;
nomem:
    dk_error_set(err, DK_ENOMEM, "out of memory copying a function");
fail:
    dk_l_task_free(c);
    return NULL;
}

int dk_l_task_push(lua_State *L, const dk_l_task *c)
{
    if (luaL_loadbufferx(L, c->code, c->len, "=(thread)", "b") != LUA_OK)
        return lua_error(L);
    int fidx = lua_gettop(L);
    for (int i = 0; i < c->nups; i++) {
        const upval *u = &c->ups[i];
        if (u->kind == UP_GLOBALS) {
            lua_pushglobaltable(L);
        } else if (u->kind == UP_MODULE) {
            lua_getglobal(L, "require");
            lua_pushstring(L, u->module);
            lua_call(L, 1, 1);
        } else {
            dk_l_value_push(L, u->value);
        }
        lua_setupvalue(L, fidx, i + 1);
    }
    luaL_checkstack(L, c->nargs, "too many arguments for a thread");
    for (int i = 0; i < c->nargs; i++)
        dk_l_value_push(L, c->args[i]);
    return c->nargs;
}

/* ---- what a call left: its results, or its error with the traceback ---- */

int dk_l_task_msgh(lua_State *L)
{
    const char *msg =
        lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER ? lua_tostring(L, 1) : NULL;
    if (msg == NULL && luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value whose __tostring failed: %s)",
                                  luaL_typename(L, 1),
                                  lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
    } else if (msg == NULL) {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Copies the results at first..top (a call that returned). */
static void keep_results(dk_l_outcome *o, lua_State *L, int first)
{
    int n = lua_gettop(L) - first + 1;
    dk_error err;
    dk_error_clear(&err);
    if (n <= 0)
        return;
    o->results = dk_calloc((size_t)n, sizeof *o->results);
    if (o->results == NULL) {
        o->error = dk_strdup("not enough memory to keep a thread's results");
        return;
    }
    for (; o->n < n; o->n++) {
        char what[32];
        dk_snprintf(what, sizeof what, "result %d", o->n + 1);
        o->results[o->n] = dk_l_value_copy(L, first + o->n, what, &err);
        if (o->results[o->n] == NULL) {
            char msg[sizeof err.message + 16];
            dk_snprintf(msg, sizeof msg, "dk.thread: %s", err.message);
            o->error = dk_strdup(msg);
            return;
        }
    }
}

void dk_l_outcome_keep(dk_l_outcome *o, lua_State *L, int first, int status)
{
    if (status == LUA_OK)
        keep_results(o, L, first);
    else
        o->error =
            dk_strdup(status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                             : "not enough memory");
    if (status != LUA_OK && o->error == NULL)
        o->error = dk_strdup("not enough memory");
}

int dk_l_outcome_push(lua_State *L, const dk_l_outcome *o)
{
    if (o->error != NULL) {
        lua_pushstring(L, o->error);
        return lua_error(L);
    }
    luaL_checkstack(L, o->n, "too many results from a thread");
    for (int i = 0; i < o->n; i++)
        dk_l_value_push(L, o->results[i]);
    return o->n;
}

void dk_l_outcome_clear(dk_l_outcome *o)
{
    for (int i = 0; i < o->n; i++)
        dk_l_value_free(o->results[i]);
    dk_free(o->results);
    dk_free(o->error);
    memset(o, 0, sizeof *o);
}

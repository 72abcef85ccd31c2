/* l_shared.h - what several Lua states (dk.thread) may hold at once: reference-counted handles
 * to thread-safe C objects, and Lua values copied from one state into another. */
#ifndef DK_L_SHARED_H
#define DK_L_SHARED_H

#include <stdatomic.h>
#include <lua.h>
#include <lauxlib.h>

#include "designkit/status.h"

/*
 * A C object that Lua states share (a queue, a lock, a map). It is embedded first in the
 * object's own struct; every handle (a userdata in any state) holds one reference, and the
 * last release calls `destroy`. The object itself must be thread-safe: states on different
 * threads call its methods at the same time, and a handle's __gc may run on any of them.
 */
typedef struct dk_l_shared dk_l_shared;
struct dk_l_shared {
    atomic_long refs;
    const char *mt;                     /* the metatable of its handles (a DK_MT_* name) */
    void (*destroy)(dk_l_shared *self); /* frees the whole object once unreferenced */
};

/* Starts `s` with one reference, the caller's (hand it to dk_l_shared_push, then release). */
void dk_l_shared_init(dk_l_shared *s, const char *mt, void (*destroy)(dk_l_shared *));
void dk_l_shared_retain(dk_l_shared *s);
void dk_l_shared_release(dk_l_shared *s); /* NULL is a no-op */

/* Makes the metatable `mt` of a shared kind and leaves it pushed: `methods` as __index, a
 * __gc and __close that drop the handle's reference, `tostring` as __tostring when not NULL.
 * The kind is recorded as shareable, so dk_l_value_copy carries its handles across states. */
void dk_l_shared_class(lua_State *L, const char *mt, const luaL_Reg *methods,
                       lua_CFunction tostring);
/* Pushes a new handle to `s` (taking a reference); its metatable is s->mt, made beforehand. */
void dk_l_shared_push(lua_State *L, dk_l_shared *s);
/* The object behind the handle at `idx` of kind `mt`; raises a located argument error
 * otherwise, or when the handle was closed. */
dk_l_shared *dk_l_shared_check(lua_State *L, int idx, const char *mt);
/* The object behind any open shared handle at `idx`, or NULL. */
dk_l_shared *dk_l_shared_test(lua_State *L, int idx);

/*
 * A Lua value copied out of its state, owned by C: nil, booleans, integers, floats, strings,
 * shared handles (which keep a reference) and tables of these, nested (keys as well as
 * values). Functions, coroutines, other userdata and tables reached twice on one path (a
 * cycle) cannot be copied. A table reached twice on different paths is copied twice.
 */
typedef struct dk_l_value dk_l_value;

/* Copies the value at `idx` (metamethods are not called). NULL with a message in `err` naming
 * `what` and where inside it the value is that cannot be copied ("argument 2.items[3]: a
 * function cannot cross to another thread"), or DK_ENOMEM. Never raises. */
dk_l_value *dk_l_value_copy(lua_State *L, int idx, const char *what, dk_error *err);
/* Pushes a fresh copy of `v` onto `L` (shared handles become new handles of the same objects).
 * Raises only when Lua runs out of memory. */
void dk_l_value_push(lua_State *L, const dk_l_value *v);
void dk_l_value_free(dk_l_value *v); /* NULL is a no-op */
/* The bytes the copy holds (for budgets and tests). */
size_t dk_l_value_size(const dk_l_value *v);

#endif

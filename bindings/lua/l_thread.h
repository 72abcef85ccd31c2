/* l_thread.h - how dk.thread and dk.pool get the Lua states their OS threads run in: from a
 * factory the host installs (the CLI's makes each state the way it makes its own: the memory
 * budget, the sandbox, the limits), or a plain one. The module never calls the host by name. */
#ifndef DK_L_THREAD_H
#define DK_L_THREAD_H

#include <lua.h>

#include "designkit/status.h"
#include "l_shared.h"

/* The most threads of dk.thread alive at once (started and not yet joined or collected), in
 * the whole process: each holds an OS thread and a Lua state, and a script that starts them in
 * a loop must meet a clear error rather than the system's limits. */
#define DK_L_THREADS_MAX 256

typedef struct dk_l_state_factory {
    /* Makes a new state for a thread started from `parent`, called on the parent's OS thread:
     * the standard libraries open, `require "designkit"` working, and whatever the host keeps
     * in force for scripts. NULL with the reason in `err` when it cannot. Never raises in
     * `parent`. */
    lua_State *(*open)(lua_State *parent, dk_error *err);
    /* Closes a state `open` made, on any OS thread once the ones that ran it are done with it
     * (dk.thread closes it on its own thread, dk.pool after joining its workers). */
    void (*close)(lua_State *L);
} dk_l_state_factory;

/* Installs `f` (which must outlive every state) as the factory of the threads that `L` and the
 * states it makes start. A factory installs itself in the states it makes when it wants them
 * to make threads the same way. NULL: the plain factory (luaL_newstate, the standard libraries,
 * package.loaded.designkit). */
void dk_l_set_state_factory(lua_State *L, const dk_l_state_factory *f);
/* The factory of `L`: the installed one, or the plain one. */
const dk_l_state_factory *dk_l_state_factory_of(lua_State *L);

/* l_thread_task.c: a function call carried into another state. */
typedef struct dk_l_task dk_l_task;
/* Copies the Lua function at `fidx` (as bytecode), its upvalues and the `nargs` values from
 * `first_arg` on. The globals upvalue (_ENV) becomes the other state's globals; a module of
 * package.loaded is required there again by name; any other upvalue and every argument is
 * copied (dk_l_value_copy), and one that cannot be is named in `err` ("upvalue 'f': a function
 * cannot cross to another thread"). NULL then, or DK_ENOMEM. Never raises. Caller frees. */
dk_l_task *dk_l_task_copy(lua_State *L, int fidx, int first_arg, int nargs, dk_error *err);
/* Pushes the function and its arguments onto `L` (another state); returns the number of
 * arguments. Raises (run it in protected mode). */
int dk_l_task_push(lua_State *L, const dk_l_task *c);
void dk_l_task_free(dk_l_task *c); /* NULL is a no-op */

/* A message handler for a task's pcall: the error as text (a __tostring that raises is caught
 * and said) with the traceback of the state that raised it. */
int dk_l_task_msgh(lua_State *L);

/* What a call in another state left, owned by C: its results copied, or its error as text. */
typedef struct dk_l_outcome {
    int n;
    dk_l_value **results;
    char *error; /* the error with its traceback, or NULL */
} dk_l_outcome;
/* Keeps what a lua_pcall that ended with `status` left in `L`: the results at first..top, or
 * the error on top (a result that cannot cross becomes the error, naming it). */
void dk_l_outcome_keep(dk_l_outcome *o, lua_State *L, int first, int status);
/* Pushes copies of the results and returns their count, or raises the error. */
int dk_l_outcome_push(lua_State *L, const dk_l_outcome *o);
void dk_l_outcome_clear(dk_l_outcome *o); /* frees what it holds; zeroes it */

/* The places of DK_L_THREADS_MAX: takes `n` (0 when there are not that many left), gives `n`
 * back. dk.thread takes one per thread, dk.pool one per worker. */
int dk_l_threads_reserve(int n);
void dk_l_threads_release(int n);

/* l_thread.c: dk.thread. */
void dk_l_open_thread(lua_State *L);

#endif

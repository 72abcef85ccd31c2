/* cli.h - what the C files of the designkit executable share with each other. */
#ifndef DESIGNKIT_CLI_H
#define DESIGNKIT_CLI_H

#include <lua.h>

/* Exit codes (DESIGN.md, Contracts; docs/cli.md). */
enum { DK_EXIT_OK = 0, DK_EXIT_FAILED = 1, DK_EXIT_BAD_INPUT = 2, DK_EXIT_INTERNAL = 3 };

/* The exit code of an error object's status (bindings/lua/l_error.c): the engine's own failures,
 * "internal" (its bookkeeping broke: a bug) and "nomem" (memory ran out), exit 3; any other
 * status is a mistake in the input, exit 2. NULL (no status at all) is internal. */
int dk_cli_exit_code(const char *status);

/* memory.c: DESIGNKIT_MAX_MEMORY. Reads the variable and, when set, puts designkit's allocation
 * hooks on the budget; call first thing, before anything allocates. Returns 0 when unset, 1
 * when installed, -1 (message printed) when malformed. */
int dk_cli_memory_limit_from_env(void);
/* Puts the Lua state `L` on the same budget (nothing without a limit). */
void dk_cli_memory_attach(lua_State *L);
/* The limit as the user wrote it, or NULL when there is none. */
const char *dk_cli_memory_limit(void);

/* The module "designkit.host" (package.preload): the few services cli.lua needs from C:
 * isatty, durations, atomic writes and the sandbox. Returns the module table. */
int dk_cli_open_host(lua_State *L);

/* host.sandbox(outdir): swaps the standard library for the safe one in place, so that
 * everything the process runs afterwards is confined (see sandbox.c). Raises if called twice. */
int dk_cli_sandbox_apply(lua_State *L);

/* Whether the sandbox is on. */
int dk_cli_sandboxed(lua_State *L);

/* NULL if the sandbox is off or allows writing `path`; otherwise pushes the reason onto the
 * stack and returns it (borrowed from the stack). */
const char *dk_cli_sandbox_deny(lua_State *L, const char *path);

#endif

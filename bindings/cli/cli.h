/* cli.h - what the C files of the designkit executable share with each other. */
#ifndef DESIGNKIT_CLI_H
#define DESIGNKIT_CLI_H

#include <lua.h>

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

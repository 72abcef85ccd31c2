/* cli.h - what the C files of the designkit executable share with each other. */
#ifndef DESIGNKIT_CLI_H
#define DESIGNKIT_CLI_H

#include <lua.h>

#include "designkit/status.h"

/* Exit codes (DESIGN.md, Contracts; docs/cli.md). */
enum { DK_EXIT_OK = 0, DK_EXIT_FAILED = 1, DK_EXIT_BAD_INPUT = 2, DK_EXIT_INTERNAL = 3 };

/* The exit code of an error object's status (bindings/lua/l_error.c): the engine's own failures,
 * "internal" (its bookkeeping broke: a bug) and "nomem" (memory ran out), exit 3; any other
 * status is a mistake in the input, exit 2. NULL (no status at all) is internal. */
int dk_cli_exit_code(const char *status);

/* Where a limit came from: a flag, DESIGNKIT_MAX_MEMORY, or the safe mode's default. */
enum { DK_CLI_ORIGIN_NONE, DK_CLI_ORIGIN_FLAG, DK_CLI_ORIGIN_ENV, DK_CLI_ORIGIN_DEFAULT };

/* memory.c: the memory budget (--max-memory, DESIGNKIT_MAX_MEMORY). dk_cli_memory_install puts
 * designkit's allocation hooks on the budget, with no limit yet: call it first thing, before
 * anything allocates. */
void dk_cli_memory_install(void);
/* Reads DESIGNKIT_MAX_MEMORY into the limit. Returns 0 when unset, 1 when set, -1 (message
 * printed) when malformed. */
int dk_cli_memory_limit_from_env(void);
/* Sets the limit from `text` ("512MiB"; "none" or NULL: no limit). DK_EPARSE or DK_ERANGE with
 * the reason in `err` (the limit unchanged) when malformed or 0. */
dk_status dk_cli_memory_set_limit(const char *text, int origin, dk_error *err);
/* Puts the Lua state `L` on the same budget, booking what it holds already. */
void dk_cli_memory_attach(lua_State *L);
/* A new Lua state on the same budget (for a thread: thread_state.c), or NULL when memory runs
 * out; closed with dk_cli_memory_close_state, on the thread that ran it last. */
lua_State *dk_cli_memory_new_state(void);
void dk_cli_memory_close_state(lua_State *L);
/* The limit as the user wrote it, or NULL when there is none; and where it came from. */
const char *dk_cli_memory_limit(void);
int dk_cli_memory_origin(void);
/* Whether the last request Lua made was refused (and not yet made final or retried); the most
 * the budget ever held, in bytes. */
int dk_cli_memory_refusal_pending(void);
size_t dk_cli_memory_peak(void);

/* limits.c: what stops a command before it is done, and what it says then. */
typedef enum dk_cli_stop {
    DK_CLI_STOP_NONE,
    DK_CLI_STOP_TIME,         /* --max-time */
    DK_CLI_STOP_MEMORY,       /* --max-memory, DESIGNKIT_MAX_MEMORY */
    DK_CLI_STOP_INSTRUCTIONS, /* --max-instructions */
    DK_CLI_STOP_SIGINT,
    DK_CLI_STOP_SIGTERM,
} dk_cli_stop;

/* Installs the stops on the fresh state `L`, before anything runs in it: the signal handlers
 * (SIGINT, SIGTERM, and SIGALRM for the time limit), the simulator's watchdog and the atomic
 * writes' guard. Lua's count hook comes with an instruction limit (limits.set). */
void dk_cli_limits_install(lua_State *L);
/* Stops the command for `why`: from now on no Lua instruction runs, the simulator aborts and no
 * output is renamed into place. The first stop wins. Async-signal-safe. */
void dk_cli_limits_stop(dk_cli_stop why);
/* Whether the command was stopped; a refusal of the memory budget that nothing came after
 * (memory.c) counts as the memory limit's stop. */
int dk_cli_limits_stopped(void);
/* Which stop stopped the command (DK_CLI_STOP_NONE when none): the exercise runner's child
 * (exercise_run.c) reports the limit a test reached in its own words. */
dk_cli_stop dk_cli_limits_reason(void);
/* Puts the count hook on the new state `L` of a thread (thread_state.c), and on `parent`, the
 * state starting it, when it has none: every state looks at the stop flag at least every few
 * thousand instructions once threads run. Call on the parent's OS thread. */
void dk_cli_limits_attach(lua_State *L, lua_State *parent);
/* Ends the stops (the signals get their default action back). When the command was stopped,
 * prints why on stderr and returns the exit code that says so (2 for a limit, 130 for SIGINT,
 * 143 for SIGTERM); otherwise returns `code`. */
int dk_cli_limits_finish(int code);
/* The module "designkit.limits" (package.preload): cli.lua sets the limits through it. */
int dk_cli_open_limits(lua_State *L);

/* main.c: puts designkit and its embedded Lua modules in package.preload of `L`, and the host's
 * own modules (designkit.host, designkit.limits) when `host` is set (the main state only). */
void dk_cli_preload(lua_State *L, int host);

/* thread_state.c: makes the states of dk.thread and dk.pool the way the main one is made (the
 * memory budget, the limits, the sandbox as it is in the state that starts them). */
void dk_cli_threads_install(lua_State *L);

/* exercise_host.c: the module "designkit.exercise_host" (package.preload, the main state only):
 * the exercises embedded in the executable and the forked child that runs one test. */
int dk_cli_open_exercise(lua_State *L);
/* exercise_run.c: run(job) of that module (its contract is there). */
int dk_cli_exercise_run(lua_State *L);

/* The module "designkit.host" (package.preload): the few services cli.lua needs from C:
 * isatty, durations, atomic writes and the sandbox. Returns the module table. */
int dk_cli_open_host(lua_State *L);

/* host.sandbox([allowed]): swaps the standard library for the safe one in place, so that
 * everything the process runs afterwards is confined (see sandbox.c); the script may write only
 * inside the folder `allowed` (none when nil). Raises if called twice. */
int dk_cli_sandbox_apply(lua_State *L);

/* The least exit code the process may end with: 1 once the host has judged a run that missed
 * its expectations, or recorded failed specs (host.judge, host.record_failures). */
int dk_cli_verdict_floor(void);

/* The exit code carried by a host.exit object at `idx`, its message in *message (borrowed);
 * -1 when the value is anything else. */
int dk_cli_exit_of(lua_State *L, int idx, const char **message);

/* host.privileged(fn, ...): calls fn with the sandbox's write rule lifted, for the outputs the
 * user named on the command line (the host writes those, not the script); returns fn's
 * results or raises its error, the rule back in place either way. */
int dk_cli_sandbox_privileged(lua_State *L);

/* For the states of dk.thread (thread_state.c): whether the sandbox is on in `L`, with the
 * folder it allows writes in, resolved and as the user named it ("" when none), copied out; and
 * the same sandbox on the new state `L` (raises; call in protected mode). */
enum { DK_CLI_PATH_MAX = 4096 }; /* Linux's PATH_MAX, the size realpath fills */
int dk_cli_sandbox_settings(lua_State *L, char allow[DK_CLI_PATH_MAX], char named[DK_CLI_PATH_MAX]);
void dk_cli_sandbox_inherit(lua_State *L, const char *allow, const char *named);

/* Whether the sandbox is on. */
int dk_cli_sandboxed(lua_State *L);

/* NULL if the sandbox is off or allows writing `path`; otherwise pushes the reason onto the
 * stack and returns it (borrowed from the stack). */
const char *dk_cli_sandbox_deny(lua_State *L, const char *path);

#endif

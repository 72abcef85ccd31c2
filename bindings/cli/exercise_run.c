/* exercise_run.c - one test of an exercise in a child process of its own: a fresh sandboxed Lua
 * state under the test's limits, and a parent that holds the verdict.
 *
 * Why a process per test: a test must not hang or crash the runner, whatever the solution does.
 * Lua's own limits (the count hook, the allocator's cap) stop what runs Lua code; a C function
 * that never returns (a pattern match that backtracks for hours) or a crash in C is stopped only
 * from outside. The parent waits on two pipes with a deadline: at the deadline it sends SIGKILL,
 * which nothing in the child can catch or delay; a child that dies on a signal is reported by
 * its signal's name. The child writes its answer on one pipe and its standard output and error
 * go to the other, so a solution's prints reach the report as that test's output and can never
 * be mistaken for a verdict.
 *
 * The child is made as the CLI's safe mode makes a state (thread_state.c does the same for a
 * thread): the memory budget (memory.c), the count hook (limits.c), designkit and its Lua
 * modules preloaded (never the host's own), then the sandbox (sandbox.c). The runner's Lua side,
 * designkit.exercise_spec, is required before the sandbox goes on, so that it keeps the debug
 * functions it needs while the spec and the solution never see them.
 *
 * The parent forks from the main thread of a process that runs no other thread (the exercise
 * command starts none), so the child inherits no lock held by a thread that is not there. */
#define _XOPEN_SOURCE 700 /* fork, pipe, poll, kill, waitpid */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"

enum {
    RESULT_MAX = 1 << 20, /* the most of an answer the parent reads: its messages are cut at 4 KB */
    OUTPUT_MAX = 500,     /* what a test's output keeps (Exercism's `output` field) */
    POLL_MS = 200,        /* the longest the parent waits without looking at its stop flag */
};

/* The first byte of an answer: J, a JSON text from designkit.exercise_spec; E, a message the
 * child's C side wrote because the Lua side could not answer (a limit reached). */
#define ANSWER_JSON 'J'
#define ANSWER_ERROR 'E'

typedef struct child_ctx {
    lua_State *parent; /* the parent's state (the child's copy of it): the job is at index 1 */
    double instructions, memory;
} child_ctx;

static double number_field(lua_State *L, int idx, const char *key, double dflt)
{
    double v = dflt;
    if (lua_getfield(L, idx, key) == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Copies the strings, numbers and booleans of the parent's job table into a new table on `L`. */
static void copy_job(lua_State *L, lua_State *parent)
{
    lua_newtable(L);
    lua_pushnil(parent);
    while (lua_next(parent, 1) != 0) {
        if (lua_type(parent, -2) == LUA_TSTRING) {
            size_t len;
            const char *s;
            switch (lua_type(parent, -1)) {
            case LUA_TSTRING:
                s = lua_tolstring(parent, -1, &len);
                lua_pushlstring(L, s, len);
                break;
            case LUA_TNUMBER:
                lua_pushnumber(L, lua_tonumber(parent, -1));
                break;
            case LUA_TBOOLEAN:
                lua_pushboolean(L, lua_toboolean(parent, -1));
                break;
            default:
                lua_pop(parent, 1);
                continue;
            }
            lua_setfield(L, -2, lua_tostring(parent, -2));
        }
        lua_pop(parent, 1);
    }
}

/* Runs in the child's fresh state, protected: builds it as safe mode does, sets the test's
 * limits and returns designkit.exercise_spec.run(job), a JSON text. */
static int child_setup(lua_State *L)
{
    const child_ctx *ctx = lua_touserdata(L, 1);
    char text[64];
    dk_error err;

    luaL_openlibs(L);
    dk_cli_preload(L, 0);
    dk_cli_threads_install(L);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "designkit.exercise_spec");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "run");
    dk_cli_sandbox_inherit(L, "", "");
    copy_job(L, ctx->parent);

    /* The budget counts every state of the process, the parent's copy included: the test gets
     * its own allowance on top of what is held already. */
    size_t held = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 +
                  (size_t)lua_gc(ctx->parent, LUA_GCCOUNT, 0) * 1024 + (1u << 20);
    snprintf(text, sizeof text, "%.0fB", ctx->memory + (double)held);
    dk_error_clear(&err);
    if (dk_cli_memory_set_limit(text, DK_CLI_ORIGIN_FLAG, &err) != DK_OK)
        return luaL_error(L, "memory limit: %s", err.message);
    lua_pushcfunction(L, dk_cli_open_limits);
    lua_call(L, 0, 1);
    lua_getfield(L, -1, "set");
    lua_pushliteral(L, "instructions");
    snprintf(text, sizeof text, "%.0f", ctx->instructions);
    lua_pushstring(L, text);
    lua_call(L, 2, 2);
    if (!lua_toboolean(L, -2))
        return luaL_error(L, "instruction limit: %s", lua_tostring(L, -1));
    lua_pop(L, 3);

    lua_call(L, 1, 1);
    return 1;
}

static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the parent is gone: nothing to tell */
        data += n;
        len -= (size_t)n;
    }
}

static void answer(int fd, char tag, const char *text, size_t len)
{
    write_all(fd, &tag, 1);
    write_all(fd, text, len);
}

/* "256 MiB" for a whole number of MiB, else bytes. */
static void format_bytes(char *buf, size_t size, double bytes)
{
    double mib = bytes / (1024.0 * 1024.0);
    if (mib >= 1 && mib == floor(mib))
        snprintf(buf, size, "%.0f MiB", mib);
    else
        snprintf(buf, size, "%.0f bytes", bytes);
}

/* The child: never returns. */
static void child_main(lua_State *parent, int result_fd, int output_fd)
{
    child_ctx ctx = {parent, number_field(parent, 1, "instructions", 2e8),
                     number_field(parent, 1, "memory", 256.0 * 1024 * 1024)};
    char message[256];
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    dup2(output_fd, STDOUT_FILENO);
    dup2(output_fd, STDERR_FILENO);
    close(output_fd);

    lua_State *L = dk_cli_memory_new_state();
    if (L == NULL) {
        snprintf(message, sizeof message, "not enough memory for the test's Lua state");
        answer(result_fd, ANSWER_ERROR, message, strlen(message));
        _exit(0);
    }
    dk_cli_limits_attach(L, parent);
    lua_pushcfunction(L, child_setup);
    lua_pushlightuserdata(L, &ctx);
    int status = lua_pcall(L, 1, 1, 0);
    dk_cli_stop why = dk_cli_limits_reason();
    fflush(stdout);
    fflush(stderr);
    if (why == DK_CLI_STOP_INSTRUCTIONS) {
        snprintf(message, sizeof message, "instruction limit of %.0f reached", ctx.instructions);
    } else if (why == DK_CLI_STOP_MEMORY || status == LUA_ERRMEM) {
        char size[64];
        format_bytes(size, sizeof size, ctx.memory);
        snprintf(message, sizeof message, "memory limit of %s reached", size);
    } else if (why == DK_CLI_STOP_SIGINT || why == DK_CLI_STOP_SIGTERM) {
        snprintf(message, sizeof message, "interrupted");
    } else if (status != LUA_OK || lua_type(L, -1) != LUA_TSTRING) {
        const char *e = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
        snprintf(message, sizeof message, "the test runner failed: %.200s", e);
    } else {
        size_t len;
        const char *json = lua_tolstring(L, -1, &len);
        answer(result_fd, ANSWER_JSON, json, len);
        _exit(0);
    }
    answer(result_fd, ANSWER_ERROR, message, strlen(message));
    _exit(0); /* no atexit handlers, no flush of buffers the parent owns */
}

/* ---- the parent ---- */

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGABRT:
        return "SIGABRT";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGXCPU:
        return "SIGXCPU";
    default:
        return NULL;
    }
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct reading {
    char *result;
    size_t result_len;
    char output[OUTPUT_MAX];
    size_t output_len;
    int truncated;
} reading;

/* Reads what is there on `fd` into the result (`is_result`) or the output; 0 at end of file. */
static int drain(int fd, int is_result, reading *r)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return 0;
    char *dst = is_result ? r->result : r->output;
    size_t *len = is_result ? &r->result_len : &r->output_len;
    size_t cap = is_result ? RESULT_MAX : OUTPUT_MAX;
    size_t take = (size_t)n < cap - *len ? (size_t)n : cap - *len;
    memcpy(dst + *len, chunk, take);
    *len += take;
    if (take < (size_t)n && !is_result)
        r->truncated = 1;
    return 1;
}

/* run(job) -> kind, text, output, seconds. Forks a child that runs job (see
 * designkit.exercise_spec.run for its fields; job.timeout, job.instructions and job.memory are
 * the test's limits) and waits at most job.timeout seconds. kind is "json" (text: the child's
 * answer) or "error" (text: why there is none: a limit, a crash, a timeout); output is what the
 * child printed, cut at OUTPUT_MAX bytes; seconds the wall-clock time it took. Raises only when
 * no child can be made. */
int dk_cli_exercise_run(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    double timeout = number_field(L, 1, "timeout", 10);
    reading *r = lua_newuserdatauv(L, sizeof *r, 0);
    memset(r, 0, sizeof *r);
    r->result = lua_newuserdatauv(L, RESULT_MAX, 0); /* both anchored on the stack (2, 3) */

    int rp[2], op[2];
    if (pipe(rp) != 0)
        return luaL_error(L, "exercise: cannot make a pipe: %s", strerror(errno));
    if (pipe(op) != 0) {
        close(rp[0]);
        close(rp[1]);
        return luaL_error(L, "exercise: cannot make a pipe: %s", strerror(errno));
    }
    fflush(stdout); /* or the child would print the parent's pending output again */
    fflush(stderr);
    double started = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(rp[0]), close(rp[1]), close(op[0]), close(op[1]);
        return luaL_error(L, "exercise: cannot start a test process: %s", strerror(e));
    }
    if (pid == 0) {
        close(rp[0]);
        close(op[0]);
        child_main(L, rp[1], op[1]);
    }
    close(rp[1]);
    close(op[1]);

    struct pollfd fds[2] = {{rp[0], POLLIN, 0}, {op[0], POLLIN, 0}};
    int open_fds = 2, timed_out = 0, interrupted = 0;
    while (open_fds > 0) {
        double left = started + timeout - now_s();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        /* A signal that came between two polls interrupts none: look at the stop flag at
         * least every POLL_MS. */
        if (dk_cli_limits_stopped()) {
            interrupted = 1;
            break;
        }
        int ms = left * 1000 > POLL_MS ? POLL_MS : (int)ceil(left * 1000);
        int n = poll(fds, 2, ms);
        for (int i = 0; n > 0 && i < 2; i++) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
                !drain(fds[i].fd, i == 0, r)) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    if (timed_out || interrupted)
        kill(pid, SIGKILL);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    double seconds = now_s() - started;

    char message[256];
    const char *kind = "error";
    if (timed_out) {
        snprintf(message, sizeof message, "wall-clock limit of %g s reached", timeout);
        lua_pushstring(L, kind);
        lua_pushstring(L, message);
    } else if (interrupted) {
        lua_pushstring(L, kind);
        lua_pushliteral(L, "interrupted");
    } else if (WIFSIGNALED(wstatus)) {
        const char *name = signal_name(WTERMSIG(wstatus));
        if (name != NULL)
            snprintf(message, sizeof message, "crashed (%s)", name);
        else
            snprintf(message, sizeof message, "crashed (signal %d)", WTERMSIG(wstatus));
        lua_pushstring(L, kind);
        lua_pushstring(L, message);
    } else if (r->result_len > 0 && r->result[0] == ANSWER_JSON) {
        lua_pushliteral(L, "json");
        lua_pushlstring(L, r->result + 1, r->result_len - 1);
    } else if (r->result_len > 0 && r->result[0] == ANSWER_ERROR) {
        lua_pushstring(L, kind);
        lua_pushlstring(L, r->result + 1, r->result_len - 1);
    } else {
        snprintf(message, sizeof message,
                 "the test process ended without a result (exit status %d)",
                 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
        lua_pushstring(L, kind);
        lua_pushstring(L, message);
    }
    lua_pushlstring(L, r->output, r->output_len);
    if (r->truncated)
        lua_pushliteral(L, "\n[output truncated]");
    else
        lua_pushliteral(L, "");
    lua_concat(L, 2);
    lua_pushnumber(L, seconds);
    return 4;
}

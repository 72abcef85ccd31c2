/* limits.c - what stops a command before it is done: --max-time (a timer), --max-instructions
 * (Lua's count hook), the memory limit (memory.c says when it is reached), SIGINT and SIGTERM.
 *
 * A stop is one flag, set once. Everything that runs long looks at it: Lua's count hook (every
 * BLOCK instructions in every coroutine, when an instruction limit is set; a stop sets it on
 * the main thread in any case, as lua.c does on SIGINT), the simulator's watchdog (every 1024
 * events) and the atomic writes' guard (before the rename). Once it is set, the hook raises at
 * every Lua instruction, so a script's pcall cannot swallow the stop: each level it unwinds to
 * raises again. The host then prints why and exits with the stop's code
 * (dk_cli_limits_finish).
 *
 * Code that never returns to Lua or to the event loop (a pattern match that backtracks for
 * hours, a Graphviz layout, a coroutine that loops when no count hook is set) cannot see the
 * flag; GRACE seconds after a stop the SIGALRM handler ends the process itself: it unlinks the
 * temporary file of a write in progress, writes the message prepared beforehand and calls
 * _exit.
 *
 * The states of dk.thread (thread_state.c) run on other OS threads: each carries the count hook
 * from its start (dk_cli_limits_attach), as does the state that starts it, since a stop can
 * set no hook in a state another thread is running; the flag and the counts are atomics. The
 * threads start with the signals blocked (l_thread.c), so the handlers run on the main
 * thread. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"

enum {
    BLOCK = 10000, /* Lua instructions between two looks at the flag: the hook's cost vanishes */
    GRACE = 2,     /* seconds a stopped command has to unwind before it is ended from outside */
};

/* Set once, by a signal handler or any thread: a lock-free atomic, which a handler may touch.
 * Sequentially consistent: stops are rare and this is the order easiest to reason about. */
static atomic_int stopped = DK_CLI_STOP_NONE;
static lua_State *main_state;
static _Thread_local int on_main_thread; /* the thread that runs main_state */
static atomic_int threads_attached;      /* a thread's state was made: keep the main hook */

/* The limits; 0: none. The texts are as the user wrote them, for the messages. Every state's
 * hook adds to one count of instructions; the counts order nothing else (relaxed). */
static int64_t max_time_ns;
static _Atomic uint64_t max_instructions, instructions;
static char time_text[32], instructions_text[32];
static int time_origin, instructions_origin;
static struct timespec started;

/* The script the command runs (for messages), and the line it was at when it was stopped. */
static char script[256], place[300];
/* The first hook to note a place claims it (place_taken) and publishes it when written
 * (place_ready, release; the reader acquires), since several threads' hooks may stop at once. */
static atomic_flag place_taken = ATOMIC_FLAG_INIT;
static atomic_int place_ready;

/* What the SIGALRM handler writes when it must end the process itself, one per stop, prepared
 * whenever a limit or the script changes (snprintf is not async-signal-safe). */
static char last_words[DK_CLI_STOP_SIGTERM + 1][1024];

static int exit_code_of(int why)
{
    switch (why) {
    case DK_CLI_STOP_SIGINT:
        return 128 + SIGINT;
    case DK_CLI_STOP_SIGTERM:
        return 128 + SIGTERM;
    default:
        return DK_EXIT_BAD_INPUT;
    }
}

/* ---- the messages ---- */

static const char *flag_of(int why)
{
    return why == DK_CLI_STOP_TIME     ? "--max-time"
           : why == DK_CLI_STOP_MEMORY ? "--max-memory"
                                       : "--max-instructions";
}

/* "(--max-time 10s; raise it with --max-time 1m or --max-time none)", naming where the value
 * came from when it was not a flag. `bigger` is a value that would have let it go further. */
static void explain(char *buf, size_t size, int why, const char *value, int origin,
                    const char *bigger)
{
    const char *flag = flag_of(why);
    const char *from = origin == DK_CLI_ORIGIN_DEFAULT ? ", the default in safe mode" : "";
    if (origin == DK_CLI_ORIGIN_ENV)
        snprintf(buf, size, "(DESIGNKIT_MAX_MEMORY=%s; raise it with %s %s or %s none)", value,
                 flag, bigger, flag);
    else
        snprintf(buf, size, "(%s %s%s; raise it with %s %s or %s none)", flag, value, from, flag,
                 bigger, flag);
}

/* The text of a stop without the "designkit: PLACE: " in front. */
static void describe(char *buf, size_t size, int why)
{
    char bigger[48], value[48], why_text[256];
    switch (why) {
    case DK_CLI_STOP_TIME:
        dk_format_duration(max_time_ns > INT64_MAX / 6 ? INT64_MAX : max_time_ns * 6, bigger,
                           sizeof bigger);
        dk_format_duration(max_time_ns, value, sizeof value);
        explain(why_text, sizeof why_text, why, time_text, time_origin, bigger);
        snprintf(buf, size, "stopped after %s: the time limit %s", value, why_text);
        break;
    case DK_CLI_STOP_MEMORY: {
        const char *limit = dk_cli_memory_limit();
        uint64_t bytes = 0;
        if (limit == NULL || dk_parse_size(limit, &bytes, NULL) != DK_OK)
            limit = "?";
        dk_format_size(bytes > UINT64_MAX / 4 ? UINT64_MAX : bytes * 4, bigger, sizeof bigger);
        dk_format_size(bytes, value, sizeof value);
        explain(why_text, sizeof why_text, why, limit, dk_cli_memory_origin(), bigger);
        snprintf(buf, size, "stopped at %s: the memory limit %s", value, why_text);
        break;
    }
    case DK_CLI_STOP_INSTRUCTIONS:
        snprintf(bigger, sizeof bigger, "%" PRIu64,
                 max_instructions > UINT64_MAX / 10 ? UINT64_MAX : max_instructions * 10);
        explain(why_text, sizeof why_text, why, instructions_text, instructions_origin, bigger);
        snprintf(buf, size, "stopped after %" PRIu64 " Lua instructions: the instruction limit %s",
                 max_instructions, why_text);
        break;
    case DK_CLI_STOP_SIGINT:
        snprintf(buf, size, "interrupted (SIGINT)");
        break;
    case DK_CLI_STOP_SIGTERM:
        snprintf(buf, size, "terminated (SIGTERM)");
        break;
    default:
        snprintf(buf, size, "stopped");
    }
}

/* "designkit: design.lua:3: stopped after ...": the line the script was at when there is one,
 * else the script, else nothing. */
static void full_message(char *buf, size_t size, int why, const char *where)
{
    char text[512];
    describe(text, sizeof text, why);
    if (where[0] != '\0')
        snprintf(buf, size, "designkit: %s: %s\n", where, text);
    else
        snprintf(buf, size, "designkit: %s\n", text);
}

static void prepare_last_words(void)
{
    for (int why = DK_CLI_STOP_TIME; why <= DK_CLI_STOP_SIGTERM; why++)
        full_message(last_words[why], sizeof last_words[why], why, script);
}

/* ---- stopping ---- */

/* Lua's count hook: counts blocks of instructions until a stop; then raises at every
 * instruction of every coroutine that gets here, after noting where the script was. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    if (atomic_load(&stopped) == DK_CLI_STOP_NONE) {
        uint64_t most = atomic_load_explicit(&max_instructions, memory_order_relaxed);
        uint64_t done =
            atomic_fetch_add_explicit(&instructions, BLOCK, memory_order_relaxed) + BLOCK;
        if (most == 0 || done < most)
            return;
        dk_cli_limits_stop(DK_CLI_STOP_INSTRUCTIONS);
    }
    if (!atomic_load_explicit(&place_ready, memory_order_acquire) && lua_getinfo(L, "Sl", ar) &&
        ar->source[0] == '@' && ar->currentline > 0 &&
        (strcmp(ar->source + 1, script) == 0 || strncmp(ar->source, "@designkit/", 11) != 0) &&
        !atomic_flag_test_and_set(&place_taken)) {
        snprintf(place, sizeof place, "%s:%d", ar->source + 1, ar->currentline);
        atomic_store_explicit(&place_ready, 1, memory_order_release);
    }
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_pushliteral(L, "the command was stopped");
    lua_error(L);
}

/* The end of the grace: only async-signal-safe calls from here on. */
static void end_now(void)
{
    int why = atomic_load(&stopped);
    const char *tmp = dk_file_pending();
    const char *words = last_words[why];
    if (tmp != NULL)
        unlink(tmp);
    if (words[0] != '\0' && write(STDERR_FILENO, words, strlen(words)) < 0)
        words = NULL; /* nothing more can be done about stderr */
    _exit(exit_code_of(why));
}

void dk_cli_limits_stop(dk_cli_stop why)
{
    int none = DK_CLI_STOP_NONE;
    if (!atomic_compare_exchange_strong(&stopped, &none, (int)why))
        return;
    /* As lua.c's laction: the main thread stops at its next instruction, not at its next block;
     * the coroutines stop at their next block. Only from the main thread itself: another
     * thread's stop (a limit its state reached) is seen by the main state's own hook, which
     * every state that starts threads carries. */
    if (main_state != NULL && on_main_thread)
        lua_sethook(main_state, count_hook, LUA_MASKCOUNT, 1);
    alarm(GRACE);
}

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGALRM) {
        if (atomic_load(&stopped) == DK_CLI_STOP_NONE)
            dk_cli_limits_stop(DK_CLI_STOP_TIME);
        else
            end_now(); /* the grace is over */
    } else if (atomic_load(&stopped) != DK_CLI_STOP_NONE) {
        end_now(); /* a second signal: the user does not want to wait */
    } else {
        dk_cli_limits_stop(sig == SIGINT ? DK_CLI_STOP_SIGINT : DK_CLI_STOP_SIGTERM);
    }
    errno = saved;
}

/* The simulator's watchdog and the writes' guard: the status a stop stands for. */
static dk_status stop_status(void)
{
    int why = atomic_load(&stopped);
    if (why == DK_CLI_STOP_NONE)
        return DK_OK;
    return why == DK_CLI_STOP_SIGINT || why == DK_CLI_STOP_SIGTERM ? DK_EINTR : DK_ELIMIT;
}

static dk_status watchdog(void *ud, dk_error *err)
{
    (void)ud;
    dk_status st = stop_status();
    if (st != DK_OK) {
        char text[512];
        describe(text, sizeof text, atomic_load(&stopped));
        dk_error_set(err, st, "%s", text);
    }
    return st;
}

static dk_status write_guard(void *ud)
{
    (void)ud;
    return stop_status();
}

void dk_cli_limits_install(lua_State *L)
{
    struct sigaction sa;
    main_state = L;
    on_main_thread = 1;
    clock_gettime(CLOCK_MONOTONIC, &started);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write under way finishes; the flag is looked at afterwards */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    dk_sim_set_watchdog(watchdog, NULL);
    dk_file_set_guard(write_guard, NULL);
    prepare_last_words();
}

int dk_cli_limits_stopped(void)
{
    if (atomic_load(&stopped) == DK_CLI_STOP_NONE && dk_cli_memory_refusal_pending())
        dk_cli_limits_stop(DK_CLI_STOP_MEMORY);
    return atomic_load(&stopped) != DK_CLI_STOP_NONE;
}

dk_cli_stop dk_cli_limits_reason(void)
{
    (void)dk_cli_limits_stopped(); /* a pending refusal of the budget counts */
    return (dk_cli_stop)atomic_load(&stopped);
}

void dk_cli_limits_attach(lua_State *L, lua_State *parent)
{
    int now = atomic_load(&stopped) != DK_CLI_STOP_NONE;
    atomic_store(&threads_attached, 1);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, now ? 1 : BLOCK);
    if (lua_gethook(parent) == NULL)
        lua_sethook(parent, count_hook, LUA_MASKCOUNT, now ? 1 : BLOCK);
}

int dk_cli_limits_finish(int code)
{
    struct sigaction sa;
    int why = atomic_load(&stopped);
    alarm(0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    if (why == DK_CLI_STOP_NONE)
        return code;
    char message[1024];
    int noted = atomic_load_explicit(&place_ready, memory_order_acquire);
    full_message(message, sizeof message, why, noted ? place : script);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "\r%40s\r", ""); /* over a progress bar the stop cut short */
    fputs(message, stderr);
    return exit_code_of(why);
}

/* ---- the module "designkit.limits" ---- */

static int64_t elapsed_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - started.tv_sec) * 1000000000 + (now.tv_nsec - started.tv_nsec);
}

/* Arms the timer for what is left of `max_time_ns` since the process started (the limit is on
 * the whole command), or disarms it. */
static void arm_timer(void)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    if (max_time_ns > 0) {
        int64_t left = max_time_ns - elapsed_ns();
        if (left <= 0) {
            dk_cli_limits_stop(DK_CLI_STOP_TIME);
            return;
        }
        it.it_value.tv_sec = (time_t)(left / 1000000000);
        it.it_value.tv_usec = (suseconds_t)(left % 1000000000 / 1000);
        if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
            it.it_value.tv_usec = 1;
    }
    if (atomic_load(&stopped) == DK_CLI_STOP_NONE)
        setitimer(ITIMER_REAL, &it, NULL);
}

static int origin_of(lua_State *L, int idx)
{
    static const char *const names[] = {"flag", "default", NULL};
    return luaL_checkoption(L, idx, "flag", names) == 0 ? DK_CLI_ORIGIN_FLAG
                                                        : DK_CLI_ORIGIN_DEFAULT;
}

/* A whole number >= 1, written plainly or with an exponent ("1e9"). */
static int parse_count(const char *text, uint64_t *n)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    if (end == text || *end != '\0' || errno != 0 || !(v >= 1) || v >= 18446744073709551616.0 ||
        v != floor(v))
        return 0;
    *n = (uint64_t)v;
    return 1;
}

/* set(name, text, origin) -> true | nil, message. `name` is "time", "memory" or
 * "instructions"; `text` a value as the flag takes it, or "none"; `origin` "flag" (the
 * default) or "default", for the message that names it. */
static int l_set(lua_State *L)
{
    static const char *const names[] = {"time", "memory", "instructions", NULL};
    int which = luaL_checkoption(L, 1, NULL, names);
    const char *text = luaL_checkstring(L, 2);
    int origin = origin_of(L, 3);
    int none = strcmp(text, "none") == 0;
    dk_error err;
    dk_error_clear(&err);
    if (which == 0) {
        int64_t ns = 0;
        if (!none && dk_parse_duration(text, &ns, &err) != DK_OK)
            goto bad;
        if (!none && ns <= 0) {
            dk_error_set(&err, DK_ERANGE, "must be a positive duration, or none (got %s)", text);
            goto bad;
        }
        max_time_ns = none ? 0 : ns;
        snprintf(time_text, sizeof time_text, "%s", text);
        time_origin = origin;
        arm_timer();
    } else if (which == 1) {
        if (dk_cli_memory_set_limit(text, origin, &err) != DK_OK)
            goto bad;
    } else {
        uint64_t n = 0;
        if (!none && !parse_count(text, &n)) {
            dk_error_set(&err, DK_ERANGE,
                         "must be a whole number above 0 (1000000, 1e9), or none (got %s)", text);
            goto bad;
        }
        atomic_store_explicit(&max_instructions, none ? 0 : n, memory_order_relaxed);
        snprintf(instructions_text, sizeof instructions_text, "%s", text);
        instructions_origin = origin;
        /* Lua 5.4 looks at a hook before every instruction once one is set (a tight loop runs a
         * fifth slower), so the count hook is there only for a limit that needs it; a stop sets
         * it anyway. Coroutines made from now on inherit it. */
        if (atomic_load(&stopped) == DK_CLI_STOP_NONE) {
            int hook = !none || atomic_load(&threads_attached);
            lua_sethook(main_state, hook ? count_hook : NULL, hook ? LUA_MASKCOUNT : 0, BLOCK);
        }
        if (n != 0 && atomic_load_explicit(&instructions, memory_order_relaxed) >= n)
            dk_cli_limits_stop(DK_CLI_STOP_INSTRUCTIONS);
    }
    prepare_last_words();
    lua_pushboolean(L, 1);
    return 1;
bad:
    lua_pushnil(L);
    lua_pushstring(L, err.message);
    return 2;
}

/* memory() -> the memory limit as set (flag or DESIGNKIT_MAX_MEMORY) and where it came from
 * ("flag", "env", "default"), or nothing. */
static int l_memory(lua_State *L)
{
    static const char *const origins[] = {"none", "flag", "env", "default"};
    const char *text = dk_cli_memory_limit();
    if (text == NULL)
        return 0;
    lua_pushstring(L, text);
    lua_pushstring(L, origins[dk_cli_memory_origin()]);
    return 2;
}

/* script(path): the file the command runs, named by the messages. */
static int l_script(lua_State *L)
{
    snprintf(script, sizeof script, "%s", luaL_checkstring(L, 1));
    prepare_last_words();
    return 0;
}

/* peak() -> the most bytes the budget ever held (scripts and simulator together). */
static int l_peak(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_cli_memory_peak());
    return 1;
}

int dk_cli_open_limits(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"set", l_set}, {"memory", l_memory}, {"script", l_script}, {"peak", l_peak}, {NULL, NULL},
    };
    luaL_newlib(L, functions);
    return 1;
}

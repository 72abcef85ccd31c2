/* l_thread.c - dk.thread(fn, ...): a Lua function on an OS thread of its own, in a Lua state of
 * its own made by the host's factory (l_thread.h); t:join([timeout]), t:done(). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lualib.h>

#include "designkit/alloc.h"
#include "l_common.h"
#include "l_shared.h"
#include "l_thread.h"

int luaopen_designkit(lua_State *L);

/* ---- the state factory ---- */

#define FACTORY_KEY "designkit.state_factory"

void dk_l_set_state_factory(lua_State *L, const dk_l_state_factory *f)
{
    lua_pushlightuserdata(L, (void *)f);
    lua_setfield(L, LUA_REGISTRYINDEX, FACTORY_KEY);
}

static int plain_setup(lua_State *L)
{
    luaL_openlibs(L);
    luaL_requiref(L, "designkit", luaopen_designkit, 0);
    return 0;
}

/* Without a host (stock lua5.4 with designkit.so): the standard libraries and designkit. */
static lua_State *plain_open(lua_State *parent, dk_error *err)
{
    (void)parent;
    lua_State *L = luaL_newstate();
    if (L == NULL)
        return dk_error_set(err, DK_ENOMEM, "not enough memory for a new Lua state"), NULL;
    lua_pushcfunction(L, plain_setup);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        dk_error_set(err, DK_EINVAL, "%s",
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                    : "cannot load designkit");
        lua_close(L);
        return NULL;
    }
    return L;
}

static const dk_l_state_factory plain_factory = {plain_open, lua_close};

const dk_l_state_factory *dk_l_state_factory_of(lua_State *L)
{
    const dk_l_state_factory *f = NULL;
    if (lua_getfield(L, LUA_REGISTRYINDEX, FACTORY_KEY) == LUA_TLIGHTUSERDATA)
        f = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return f != NULL ? f : &plain_factory;
}

/* ---- the thread ---- */

/* Threads alive in the process: started and not yet joined. Only a count that caps: it orders
 * nothing else, so relaxed. */
static atomic_int alive;

typedef struct lthread {
    dk_l_task *call;  /* the function and its arguments until the new state has them */
    lua_State *state; /* the new state until its OS thread takes it over */
    lua_State *runs;  /* the state the OS thread runs (its own: never read by the owner) */
    const dk_l_state_factory *factory;
    pthread_t tid;
    int started, joined, closed; /* the owning state's side only */
    int sync;                    /* mu and cv were initialised */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int finished;     /* under mu: `outcome` is written, the state closed */
    dk_l_outcome out; /* the results, or the error with the thread's traceback */
} lthread;

static void *thread_main(void *arg)
{
    lthread *t = arg;
    lua_State *L = t->runs; /* this thread's alone: stack [msgh, fn, args...] */
    int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 1);
    dk_l_outcome_keep(&t->out, L, 2, status);
    t->factory->close(L);
    /* The mutex publishes every field above to the thread that joins. */
    pthread_mutex_lock(&t->mu);
    t->finished = 1;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Waits until the thread is over (forever when `ns` < 0); 0 when the wait timed out. */
static int wait_finished(lthread *t, int64_t ns)
{
    struct timespec deadline;
    int over;
    if (ns >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += (time_t)(ns / 1000000000);
        deadline.tv_nsec += (long)(ns % 1000000000);
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }
    pthread_mutex_lock(&t->mu);
    while (!t->finished) {
        if (ns < 0)
            pthread_cond_wait(&t->cv, &t->mu);
        else if (pthread_cond_timedwait(&t->cv, &t->mu, &deadline) == ETIMEDOUT)
            break;
    }
    over = t->finished;
    pthread_mutex_unlock(&t->mu);
    return over;
}

static void reap(lthread *t)
{
    pthread_join(t->tid, NULL);
    t->joined = 1;
    dk_l_threads_release(1);
}

/* __gc and __close: a thread never joined is waited for, so that nothing it holds outlives
 * its handle (its results, its state, the OS thread). */
static int t_close(lua_State *L)
{
    lthread *t = luaL_checkudata(L, 1, DK_MT_THREAD);
    if (t->closed)
        return 0;
    t->closed = 1;
    if (t->started && !t->joined) {
        wait_finished(t, -1);
        reap(t);
    }
    if (t->state != NULL)
        t->factory->close(t->state);
    t->state = NULL;
    dk_l_task_free(t->call);
    t->call = NULL;
    dk_l_outcome_clear(&t->out);
    if (t->sync) {
        pthread_cond_destroy(&t->cv);
        pthread_mutex_destroy(&t->mu);
        t->sync = 0;
    }
    return 0;
}

/* Runs in the new state, protected: leaves [msgh, fn, args...] on its stack. */
static int setup_state(lua_State *L)
{
    lthread *t = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_pushcfunction(L, dk_l_task_msgh);
    dk_l_task_push(L, t->call);
    return lua_gettop(L);
}

int dk_l_threads_reserve(int n)
{
    int now = atomic_load_explicit(&alive, memory_order_relaxed);
    do {
        if (now > DK_L_THREADS_MAX - n)
            return 0;
    } while (!atomic_compare_exchange_weak_explicit(&alive, &now, now + n, memory_order_relaxed,
                                                    memory_order_relaxed));
    return 1;
}

void dk_l_threads_release(int n)
{
    atomic_fetch_sub_explicit(&alive, n, memory_order_relaxed);
}

static int init_sync(lthread *t)
{
    pthread_condattr_t ca;
    if (pthread_mutex_init(&t->mu, NULL) != 0)
        return 0;
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&t->cv, &ca) != 0) {
        pthread_mutex_destroy(&t->mu);
        return 0;
    }
    pthread_condattr_destroy(&ca);
    t->sync = 1;
    return 1;
}

/* dk.thread(fn, ...) -> thread */
static int l_thread(lua_State *L)
{
    dk_error err;
    int nargs = lua_gettop(L) - 1;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (atomic_load_explicit(&alive, memory_order_relaxed) >= DK_L_THREADS_MAX)
        lua_gc(L, LUA_GCCOLLECT); /* handles dropped without a join hold places */
    if (atomic_load_explicit(&alive, memory_order_relaxed) >= DK_L_THREADS_MAX)
        return luaL_error(L,
                          "dk.thread: %d threads are alive already, the most designkit runs at "
                          "once; join some first",
                          DK_L_THREADS_MAX);

    lthread *t = lua_newuserdatauv(L, sizeof *t, 0);
    memset(t, 0, sizeof *t);
    luaL_setmetatable(L, DK_MT_THREAD);
    int tidx = lua_gettop(L);
    if (!init_sync(t))
        return luaL_error(L, "dk.thread: cannot make the thread's mutex");
    dk_error_clear(&err);
    t->call = dk_l_task_copy(L, 1, 2, nargs, &err);
    if (t->call == NULL)
        return luaL_error(L, "dk.thread: %s", err.message);
    t->factory = dk_l_state_factory_of(L);
    t->state = t->factory->open(L, &err);
    if (t->state == NULL)
        return luaL_error(L, "dk.thread: cannot make the thread's Lua state: %s", err.message);
    lua_pushcfunction(t->state, setup_state);
    lua_pushlightuserdata(t->state, t);
    if (lua_pcall(t->state, 1, LUA_MULTRET, 0) != LUA_OK) {
        lua_pushfstring(L, "dk.thread: %s",
                        lua_type(t->state, -1) == LUA_TSTRING ? lua_tostring(t->state, -1)
                                                              : "cannot set the thread up");
        t->factory->close(t->state);
        t->state = NULL;
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    dk_l_task_free(t->call);
    t->call = NULL;

    if (!dk_l_threads_reserve(1))
        return luaL_error(L,
                          "dk.thread: %d threads are alive already, the most designkit "
                          "runs at once; join some first",
                          DK_L_THREADS_MAX);
    /* The host's signals (SIGINT, SIGTERM, the time limit's SIGALRM) go to the thread of the
     * main state, whose handlers expect it: the new thread starts with them blocked. */
    /* Handed over before the thread exists, so that pthread_create orders it for the thread. */
    t->runs = t->state;
    t->state = NULL;
    sigset_t host, old;
    sigemptyset(&host);
    sigaddset(&host, SIGINT);
    sigaddset(&host, SIGTERM);
    sigaddset(&host, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &host, &old);
    int rc = pthread_create(&t->tid, NULL, thread_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        t->state = t->runs; /* the handle's again, closed with it */
        dk_l_threads_release(1);
        return luaL_error(L, "dk.thread: cannot start a thread: %s", strerror(rc));
    }
    t->started = 1;
    lua_settop(L, tidx);
    return 1;
}

static lthread *check_thread(lua_State *L)
{
    lthread *t = luaL_checkudata(L, 1, DK_MT_THREAD);
    if (t->closed)
        dk_l_closed_error(L, 1, "the thread");
    return t;
}

/* t:join([timeout]) -> the function's results | raises its error; nil, "timeout" when the
 * thread is still running after `timeout` (seconds or a duration string). */
static int t_join(lua_State *L)
{
    lthread *t = check_thread(L);
    int64_t ns = -1;
    if (t->joined)
        return luaL_error(L, "thread:join: this thread was joined already");
    if (!lua_isnoneornil(L, 2)) {
        dk_error err;
        dk_error_clear(&err);
        if (!dk_l_to_duration(L, 2, &ns, &err))
            return luaL_argerror(L, 2, err.message);
        if (ns < 0)
            return luaL_argerror(L, 2, "the timeout must not be negative");
    }
    if (!wait_finished(t, ns)) {
        luaL_pushfail(L);
        lua_pushliteral(L, "timeout");
        return 2;
    }
    reap(t);
    int n = dk_l_outcome_push(L, &t->out);
    dk_l_outcome_clear(&t->out);
    return n;
}

/* t:done() -> whether the function has returned or raised (join will not wait). */
static int t_done(lua_State *L)
{
    lthread *t = check_thread(L);
    lua_pushboolean(L, t->joined || wait_finished(t, 0));
    return 1;
}

static int t_tostring(lua_State *L)
{
    lthread *t = luaL_checkudata(L, 1, DK_MT_THREAD);
    const char *state = t->closed             ? "closed"
                        : t->joined           ? "joined"
                        : wait_finished(t, 0) ? "finished"
                                              : "running";
    lua_pushfstring(L, "dk.thread (%s)", state);
    return 1;
}

void dk_l_open_thread(lua_State *L)
{
    static const luaL_Reg methods[] = {{"join", t_join}, {"done", t_done}, {NULL, NULL}};
    dk_l_new_class(L, DK_MT_THREAD, methods, NULL, t_tostring, t_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_thread);
    lua_setfield(L, -2, "thread");
}

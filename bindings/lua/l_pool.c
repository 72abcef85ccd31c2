/* l_pool.c - dk.pool { threads = N }: Lua functions run by the C thread pool (designkit/pool.h),
 * each worker in a Lua state of its own made by the host's factory (l_thread.h);
 * pool:submit(fn, ...) gives a future, future:get([timeout]) its results or its error. */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/pool.h"
#include "l_common.h"
#include "l_thread.h"

enum { DEFAULT_QUEUE = 1024 };

/*
 * The states the workers run tasks in: one per worker, made on the owner's thread when the pool
 * is. A task takes one from the stack for the time it runs and puts it back; at most `workers`
 * tasks run at once, so a task always finds one. The mutex hands a state from one worker to the
 * next, which orders everything the first did in it before the second's use.
 */
typedef struct states {
    pthread_mutex_t mu;
    int n, free; /* states made; how many sit in `stack` */
    lua_State **stack;
    const dk_l_state_factory *factory;
} states;

typedef struct lpool {
    dk_pool_t *pool; /* NULL once closed */
    states *st;
    int workers;
    int64_t wait_ns; /* how long submit waits for room in the queue; < 0 forever */
} lpool;

typedef struct lfuture {
    dk_future_t *f; /* NULL once collected */
} lfuture;

typedef struct job {
    dk_l_task *task;
    states *st;
} job;

static void free_states(states *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < st->free; i++)
        st->factory->close(st->stack[i]);
    pthread_mutex_destroy(&st->mu);
    dk_free(st->stack);
    dk_free(st);
}

static void drop_job(void *arg)
{
    job *j = arg;
    dk_l_task_free(j->task);
    dk_free(j);
}

static void drop_outcome(void *result)
{
    dk_l_outcome_clear(result);
    dk_free(result);
}

/* Runs in the worker's state, protected: (task) -> the function's results. */
static int run_in_state(lua_State *L)
{
    const dk_l_task *task = lua_touserdata(L, 1);
    lua_settop(L, 0);
    int nargs = dk_l_task_push(L, task);
    lua_call(L, nargs, LUA_MULTRET);
    return lua_gettop(L);
}

/* The C pool's task: the Lua call in a state of the pool; its outcome is the future's result
 * (an error too: the future carries it with its traceback, as DK_OK). */
static dk_status run_job(void *arg, void **result, dk_error *err)
{
    job *j = arg;
    states *st = j->st;
    dk_l_outcome *out = dk_calloc(1, sizeof *out);
    if (out == NULL) {
        drop_job(j);
        return dk_error_set(err, DK_ENOMEM, "out of memory running a task");
    }
    pthread_mutex_lock(&st->mu);
    lua_State *L = st->stack[--st->free];
    pthread_mutex_unlock(&st->mu);

    lua_settop(L, 0);
    lua_pushcfunction(L, dk_l_task_msgh);
    lua_pushcfunction(L, run_in_state);
    lua_pushlightuserdata(L, j->task);
    /* run_in_state's own errors (a module the function needs cannot be required) and the
     * function's both reach the handler, which leaves the results at 2..top. */
    int status = lua_pcall(L, 1, LUA_MULTRET, 1);
    dk_l_outcome_keep(out, L, 2, status);
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT); /* a task's garbage is not the next one's to carry */

    pthread_mutex_lock(&st->mu);
    st->stack[st->free++] = L;
    pthread_mutex_unlock(&st->mu);
    drop_job(j);
    *result = out;
    return DK_OK;
}

/* Shuts the pool down (every queued task still runs) and frees it and its states. */
static void close_pool(lpool *p)
{
    if (p->pool != NULL) {
        dk_pool_free(p->pool);
        p->pool = NULL;
        dk_l_threads_release(p->workers);
    }
    free_states(p->st);
    p->st = NULL;
}

static int pool_gc(lua_State *L)
{
    close_pool(luaL_checkudata(L, 1, DK_MT_POOL));
    return 0;
}

static lpool *check_pool(lua_State *L)
{
    lpool *p = luaL_checkudata(L, 1, DK_MT_POOL);
    if (p->pool == NULL)
        dk_l_closed_error(L, 1, "the pool");
    return p;
}

/* Reads an optional duration option; < 0 when absent. */
static int64_t opt_duration(lua_State *L, int idx, const char *key)
{
    int64_t ns = -1;
    if (lua_getfield(L, idx, key) != LUA_TNIL) {
        dk_error err;
        dk_error_clear(&err);
        if (!dk_l_to_duration(L, -1, &ns, &err))
            luaL_error(L, "dk.pool: %s: %s", key, err.message);
    }
    lua_pop(L, 1);
    return ns;
}

static int opt_count(lua_State *L, int idx, const char *key, int dflt, int most)
{
    int isnum = 1;
    lua_Integer n = dflt;
    if (lua_getfield(L, idx, key) != LUA_TNIL)
        n = lua_tointegerx(L, -1, &isnum);
    if (!isnum || n < 1 || n > most)
        luaL_error(L, "dk.pool: %s must be a whole number from 1 to %d (got %s)", key, most,
                   luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
    return (int)n;
}

/* dk.pool { threads = N [, queue = M] [, wait = timeout] } -> pool */
static int l_pool(lua_State *L)
{
    static const char *const keys[] = {"threads", "queue", "wait", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "dk.pool", keys);
    if (lua_getfield(L, 1, "threads") == LUA_TNIL)
        return luaL_error(L, "dk.pool: threads is required (the number of worker threads)");
    lua_pop(L, 1);
    int workers = opt_count(L, 1, "threads", 1, DK_POOL_MAX_WORKERS);
    int queue = opt_count(L, 1, "queue", DEFAULT_QUEUE, (int)DK_POOL_MAX_QUEUE);
    int64_t wait_ns = opt_duration(L, 1, "wait");

    lpool *p = lua_newuserdatauv(L, sizeof *p, 0);
    memset(p, 0, sizeof *p);
    luaL_setmetatable(L, DK_MT_POOL);
    p->wait_ns = wait_ns;
    states *st = dk_calloc(1, sizeof *st);
    if (st == NULL || pthread_mutex_init(&st->mu, NULL) != 0) {
        dk_free(st);
        return luaL_error(L, "dk.pool: out of memory");
    }
    p->st = st;
    st->factory = dk_l_state_factory_of(L);
    st->stack = dk_calloc((size_t)workers, sizeof *st->stack);
    if (st->stack == NULL)
        return luaL_error(L, "dk.pool: out of memory");
    dk_error err;
    dk_error_clear(&err);
    for (; st->n < workers; st->n++, st->free++) {
        st->stack[st->free] = st->factory->open(L, &err);
        if (st->stack[st->free] == NULL)
            return luaL_error(L, "dk.pool: cannot make a worker's Lua state: %s", err.message);
    }
    if (!dk_l_threads_reserve(workers))
        return luaL_error(L,
                          "dk.pool: %d more threads would pass %d, the most designkit runs at "
                          "once; close a pool or join threads first",
                          workers, DK_L_THREADS_MAX);
    /* As dk.thread: the host's signals stay with the main thread (the workers inherit the
     * mask in force when they start). */
    sigset_t host, old;
    sigemptyset(&host);
    sigaddset(&host, SIGINT);
    sigaddset(&host, SIGTERM);
    sigaddset(&host, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &host, &old);
    p->pool = dk_pool_new(workers, (size_t)queue, &err);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p->pool == NULL) {
        dk_l_threads_release(workers);
        return luaL_error(L, "dk.pool: %s", err.message);
    }
    p->workers = workers;
    return 1;
}

/* pool:submit(fn, ...) -> future */
static int p_submit(lua_State *L)
{
    lpool *p = check_pool(L);
    dk_error err;
    dk_error_clear(&err);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    /* The pool to the top, so that the function is at 1 and the messages count its arguments
     * from 2, as dk.thread's do. */
    lua_rotate(L, 1, -1);
    int nargs = lua_gettop(L) - 2;
    lfuture *fu = lua_newuserdatauv(L, sizeof *fu, 0);
    fu->f = NULL;
    luaL_setmetatable(L, DK_MT_FUTURE);
    job *j = dk_calloc(1, sizeof *j);
    if (j == NULL)
        return luaL_error(L, "pool:submit: out of memory");
    j->st = p->st;
    j->task = dk_l_task_copy(L, 1, 2, nargs, &err);
    if (j->task == NULL) {
        dk_free(j);
        return luaL_error(L, "pool:submit: %s", err.message);
    }
    dk_task task = {run_job, j, drop_job, drop_outcome};
    dk_status st = dk_pool_submit(p->pool, &task, p->wait_ns, &fu->f, &err);
    if (st != DK_OK) {
        drop_job(j);
        if (st == DK_ELIMIT)
            return luaL_error(L, "pool:submit: the queue stayed full (the pool's wait)");
        return luaL_error(L, "pool:submit: %s", err.message[0] ? err.message : dk_strerror(st));
    }
    return 1;
}

static int p_close(lua_State *L)
{
    close_pool(luaL_checkudata(L, 1, DK_MT_POOL));
    return 0;
}

static int p_tostring(lua_State *L)
{
    lpool *p = luaL_checkudata(L, 1, DK_MT_POOL);
    if (p->pool == NULL)
        lua_pushliteral(L, "dk.pool (closed)");
    else
        lua_pushfstring(L, "dk.pool (%d threads)", p->workers);
    return 1;
}

static dk_future_t *check_future(lua_State *L)
{
    lfuture *fu = luaL_checkudata(L, 1, DK_MT_FUTURE);
    if (fu->f == NULL)
        dk_l_closed_error(L, 1, "the future");
    return fu->f;
}

/* future:get([timeout]) -> the function's results | raises its error; nil, "timeout" when it
 * is not done in time. May be called again: each call gives fresh copies. */
static int f_get(lua_State *L)
{
    dk_future_t *f = check_future(L);
    int64_t ns = -1;
    if (!lua_isnoneornil(L, 2)) {
        dk_error err;
        dk_error_clear(&err);
        if (!dk_l_to_duration(L, 2, &ns, &err))
            return luaL_argerror(L, 2, err.message);
    }
    void *result = NULL;
    dk_error err;
    dk_error_clear(&err);
    dk_status st = dk_future_get(f, ns, &result, &err);
    if (st == DK_ELIMIT) {
        luaL_pushfail(L);
        lua_pushliteral(L, "timeout");
        return 2;
    }
    if (st == DK_EINTR)
        return luaL_error(L, "future:get: the task was cancelled");
    if (st != DK_OK)
        return luaL_error(L, "future:get: %s", err.message[0] ? err.message : dk_strerror(st));
    return dk_l_outcome_push(L, result);
}

static int f_done(lua_State *L)
{
    lua_pushboolean(L, dk_future_done(check_future(L)));
    return 1;
}

static int f_gc(lua_State *L)
{
    lfuture *fu = luaL_checkudata(L, 1, DK_MT_FUTURE);
    dk_future_release(fu->f);
    fu->f = NULL;
    return 0;
}

static int f_tostring(lua_State *L)
{
    lfuture *fu = luaL_checkudata(L, 1, DK_MT_FUTURE);
    lua_pushfstring(L, "dk.future (%s)",
                    fu->f == NULL           ? "closed"
                    : dk_future_done(fu->f) ? "done"
                                            : "pending");
    return 1;
}

void dk_l_open_pool(lua_State *L)
{
    static const luaL_Reg pool_methods[] = {{"submit", p_submit}, {"close", p_close}, {NULL, NULL}};
    static const luaL_Reg future_methods[] = {{"get", f_get}, {"done", f_done}, {NULL, NULL}};
    dk_l_new_class(L, DK_MT_POOL, pool_methods, NULL, p_tostring, pool_gc);
    lua_pop(L, 1);
    dk_l_new_class(L, DK_MT_FUTURE, future_methods, NULL, f_tostring, f_gc);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_pool);
    lua_setfield(L, -2, "pool");
}

/* l_run.c - m:run: builds and runs the simulator, runs Lua handlers as coroutines, and turns the
 * finished run into a result table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l_common.h"

#define RESULTS_KEY "designkit.results" /* weak-keyed: result table -> its lsim */

/* What the handlers need while dk_sim_run runs. Lives on m:run's C stack; every index is an
 * absolute index on `L`, the thread that called m:run.
 *
 * Requests run on a pool of coroutines: one that finishes its handler goes back to `idle` and
 * serves a later request, so the steady state creates no thread per request. Every pooled
 * coroutine keeps the trampoline (see TRAMPOLINE) at its stack index 1; a request pushes a copy
 * of it and the request's fields, and resumes. A coroutine that fails or is cut off mid-handler
 * is never reused: it stays anchored in `threads` until the run ends. */
typedef struct lrun {
    lua_State *L;
    dk_sim_t *sim;
    int threads;         /* table anchoring the pool: threads[i] is coroutine i, plus its data */
    int handlers;        /* the model's state.handlers */
    int statuses;        /* reply status names, so a resume allocates nothing unprotected */
    int progress;        /* the progress function, or 0 */
    lua_State *current;  /* the coroutine being resumed */
    dk_flow_ctx *ctx;    /* and its flow context */
    dk_comp_t *caller;   /* and the component whose handler it runs */
    int called;          /* it made a call before yielding */
    int failed;          /* a handler (or progress) error stopped the run: message is complete */
    dk_actor_t **actors; /* by component index, the first nactors components */
    size_t nactors;
    lua_State **idle;  /* coroutines ready for a request; room for all `ncoro` */
    int nidle, ncoro;  /* threads[1..ncoro] are every coroutine made in this run */
    size_t nclasses;   /* class names the trampoline knows */
    size_t rep, nreps; /* replication `rep` of `nreps` (0 of 0 without replications) */
} lrun;

/* The route data of one Lua handler, a userdata anchored in the model's state.handlers; its
 * user value is the function. */
typedef struct lhandler {
    lmodel *lm;
    dk_comp_t *comp;
    char label[160];
    char cls[1]; /* the class name, allocated to fit */
} lhandler;

static const char *const status_names[] = {"pending", "ok", "hit", "miss", "rejected", "failed"};

/* ---- handlers ---- */

/* Builds a request's `req` inside its coroutine, so that allocation is under lua_resume's
 * protection, and tail-calls the handler (its errors and error levels are as if it were the
 * coroutine's body). A Lua table constructor costs less than the same table made through the
 * C API. Loaded once per run with the run's table of class names. */
static const char TRAMPOLINE[] = "local classes = ...\n"
                                 "return function(fn, cls, key, id, born)\n"
                                 "  return fn { class = classes[cls], key = key, id = id, "
                                 "born = born }\n"
                                 "end\n";

/* The pool's own data in the `threads` table, beside the coroutines. */
#define POOL_CLASSES "classes"
#define POOL_TRAMPOLINE "trampoline"
#define POOL_IDLE "idle"

/* Protected: readies the pool for the request in ctx. Makes the trampoline on first use, names
 * every class the simulator knows, and makes one more coroutine when none is idle.
 * Arguments: the lrun and the dk_flow_ctx as light userdata, and the run's threads table (its
 * own frame cannot reach m:run's stack slots by index). */
static int pool_ready(lua_State *L)
{
    lrun *run = (lrun *)lua_touserdata(L, 1);
    dk_flow_ctx *ctx = (dk_flow_ctx *)lua_touserdata(L, 2);
    size_t nclasses = dk_sim_class_count(ctx->sim);
    if (run->ncoro == 0) {
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, 3, POOL_CLASSES);
        if (luaL_loadbuffer(L, TRAMPOLINE, sizeof TRAMPOLINE - 1, "=designkit handler") != LUA_OK)
            return lua_error(L);
        lua_insert(L, -2);
        lua_call(L, 1, 1);
        lua_setfield(L, 3, POOL_TRAMPOLINE);
    }
    if (run->nclasses < nclasses) {
        lua_getfield(L, 3, POOL_CLASSES);
        for (size_t c = run->nclasses; c < nclasses; c++) {
            lua_pushstring(L, dk_sim_class_name(ctx->sim, (uint32_t)c));
            lua_rawseti(L, -2, (lua_Integer)c + 1);
        }
        run->nclasses = nclasses;
        lua_pop(L, 1);
    }
    if (run->nidle > 0)
        return 0;
    /* None is idle: make one. `idle` has room for every coroutine, so handing one back never
     * allocates; nothing in it needs copying when it grows. */
    size_t want = (size_t)run->ncoro + 1;
    if (lua_getfield(L, 3, POOL_IDLE) == LUA_TNIL || lua_rawlen(L, -1) < want * sizeof *run->idle) {
        size_t cap = want < 8 ? 8 : 2 * want;
        lua_State **idle = (lua_State **)lua_newuserdatauv(L, cap * sizeof *idle, 0);
        lua_setfield(L, 3, POOL_IDLE);
        run->idle = idle;
    }
    lua_State *co = lua_newthread(L);
    lua_getfield(L, 3, POOL_TRAMPOLINE);
    lua_xmove(L, co, 1);
    lua_rawseti(L, 3, (lua_Integer)run->ncoro + 1);
    run->ncoro++;
    run->idle[run->nidle++] = co;
    return 0;
}

/* What a handler's coroutine that the script resumed itself is told. */
#define HIJACKED                                                                                   \
    "a handler's coroutine was resumed or closed from outside the run (coroutine.resume and "      \
    "coroutine.close are not for the coroutines the run made)"

static void abort_with(lrun *run, lhandler *h, const char *msg);

/* Stops the run at the handler's own line: its coroutine was not where the run left it. */
static void abort_hijacked(lrun *run, lhandler *h)
{
    char msg[DK_ERROR_MAX];
    static const char prefix[] = "Lua handler at ";
    const char *at =
        strncmp(h->label, prefix, sizeof prefix - 1) == 0 ? h->label + sizeof prefix - 1 : "";
    snprintf(msg, sizeof msg, "%s%s%s", at, at[0] ? ": " : "", HIJACKED);
    abort_with(run, h, msg);
}

/* Takes an idle coroutine for the request in `ctx` and pushes on it the trampoline, the
 * handler and the request's fields. Returns the coroutine, or NULL when the run has been
 * aborted. */
static lua_State *start_request(lrun *run, lhandler *h, dk_flow_ctx *ctx)
{
    lua_State *L = run->L;
    const dk_call_t *call = ctx->call;
    if (run->nidle == 0 || call->cls >= run->nclasses) {
        lua_pushcfunction(L, pool_ready);
        lua_pushlightuserdata(L, run);
        lua_pushlightuserdata(L, ctx);
        lua_pushvalue(L, run->threads);
        if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
            run->failed = 1;
            dk_sim_abort(ctx->sim, DK_ENOMEM, "%s: %s", h->label, lua_tostring(L, -1));
            lua_pop(L, 1);
            return NULL;
        }
    }
    lua_State *co = run->idle[run->nidle - 1];
    if (!lua_checkstack(co, 6)) {
        run->failed = 1;
        dk_sim_abort(ctx->sim, DK_ENOMEM, "%s: out of memory", h->label);
        return NULL;
    }
    run->nidle--;
    /* An idle coroutine holds only the trampoline. A script that kept it (coroutine.running in
     * an earlier handler) and resumed it since has run its own code on it: refuse it. */
    int ours = lua_status(co) == LUA_OK && lua_gettop(co) == 1;
    if (ours) {
        lua_getfield(L, run->threads, POOL_TRAMPOLINE);
        lua_pushvalue(co, 1);
        lua_xmove(co, L, 1);
        ours = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    if (!ours) {
        abort_hijacked(run, h);
        return NULL;
    }
    lua_pushvalue(co, 1);
    lua_rawgetp(L, run->handlers, h);
    lua_getiuservalue(L, -1, 1);
    lua_xmove(L, co, 1);
    lua_pop(L, 1);
    lua_pushinteger(co, (lua_Integer)call->cls + 1);
    lua_pushinteger(co, (lua_Integer)call->key);
    lua_pushinteger(co, (lua_Integer)call->id);
    lua_pushnumber(co, (double)call->born / 1e9);
    ctx->call->frame = co;
    return co;
}

/* The request's handler is done with its coroutine. One that returned goes back to the pool;
 * one that failed or is cut off is only forgotten (still anchored in `threads` till the end). */
static void finish_request(lrun *run, dk_call_t *call, int reuse)
{
    lua_State *co = (lua_State *)call->frame;
    call->frame = NULL;
    if (reuse) {
        lua_settop(co, 1);
        run->idle[run->nidle++] = co;
    }
}

/* "x.lua:20: attempt to ..." becomes "x.lua:20: service "api" handler for "shorten": attempt
 * to ...": the position stays first so editors can jump to it. */
static void abort_with(lrun *run, lhandler *h, const char *msg)
{
    const char *p = msg, *rest = msg;
    int poslen = 0;
    const char *colon = strchr(msg, ':');
    if (colon != NULL && colon[1] >= '0' && colon[1] <= '9') {
        p = colon + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p[0] == ':' && p[1] == ' ') {
            poslen = (int)(p - msg) + 2;
            rest = p + 2;
        }
    }
    run->failed = 1;
    dk_sim_abort(run->sim, DK_EINVAL, "%.*s%s \"%s\" handler for \"%s\": %s", poslen, msg,
                 dk_kind_name(dk_comp_kind(h->comp)), dk_comp_name(h->comp), h->cls, rest);
}

static dk_flow_result handler_step(void *data, dk_flow_ctx *ctx)
{
    lhandler *h = (lhandler *)data;
    lrun *run = h->lm->run;
    lua_State *co;
    int nargs, nres;
    if (run == NULL || run->sim != ctx->sim) {
        dk_sim_abort(ctx->sim, DK_ESTATE, "%s: the model of this handler is not running", h->label);
        return DK_FLOW_FAIL;
    }
    if (ctx->reply == NULL) {
        co = start_request(run, h, ctx);
        if (co == NULL)
            return DK_FLOW_FAIL;
        nargs = 5;
    } else {
        co = (lua_State *)ctx->call->frame;
        unsigned st = ctx->reply->status;
        dk_sim_release(ctx->sim, ctx->reply);
        if (co == NULL || !lua_checkstack(co, 3)) {
            dk_sim_abort(ctx->sim, DK_EINTERNAL, "%s: lost its coroutine", h->label);
            return DK_FLOW_FAIL;
        }
        /* It waits for this reply, suspended in comp:read (or the like), unless the script
         * resumed or closed it in the meantime: then it is not where this reply belongs. */
        if (lua_status(co) != LUA_YIELD) {
            abort_hijacked(run, h);
            ctx->call->frame = NULL;
            return DK_FLOW_FAIL;
        }
        lua_pushboolean(co, st == DK_REPLY_OK || st == DK_REPLY_HIT);
        lua_rawgeti(run->L, run->statuses, (lua_Integer)(st < 6 ? st : 5) + 1);
        lua_xmove(run->L, co, 1);
        nargs = 2;
    }
    lua_State *outer = run->current;
    dk_flow_ctx *outer_ctx = run->ctx;
    dk_comp_t *outer_caller = run->caller;
    run->current = co;
    run->ctx = ctx;
    run->caller = h->comp;
    run->called = 0;
    int status = lua_resume(co, run->L, nargs, &nres);
    int called = run->called;
    run->current = outer;
    run->ctx = outer_ctx;
    run->caller = outer_caller;
    if (status == LUA_YIELD) {
        lua_pop(co, nres);
        if (called)
            return DK_FLOW_WAIT;
        abort_with(run, h, "yielded without calling a component (use comp:read, :write, ...)");
        finish_request(run, ctx->call, 0);
        return DK_FLOW_FAIL;
    }
    if (status == LUA_OK) {
        /* nres counts the whole stack, the trampoline at 1 included: results start at 2. */
        int failed = lua_type(co, 2) == LUA_TBOOLEAN && !lua_toboolean(co, 2);
        finish_request(run, ctx->call, 1);
        return failed ? DK_FLOW_FAIL : DK_FLOW_OK;
    }
    const char *msg = lua_tostring(co, -1);
    abort_with(run, h, msg ? msg : "(error object is not a string)");
    finish_request(run, ctx->call, 0);
    return DK_FLOW_FAIL;
}

/* The run ended with the call inside its handler. A coroutine cut off mid-handler is never
 * reused, so there is nothing to hand back: it goes with the run's threads table. */
static void handler_abandon(void *data, dk_call_t *call)
{
    (void)data;
    call->frame = NULL;
}

static const dk_flow_ops handler_ops = {"lua", handler_step, handler_abandon, NULL};

int dk_l_set_handler(lua_State *L, int cidx, const char *cls, int fidx)
{
    lcomp *c = dk_l_check_comp(L, cidx);
    size_t len = strlen(cls);
    lua_Debug ar;
    dk_l_check_unfrozen(L, c->lm, "on");
    lhandler *h = (lhandler *)lua_newuserdatauv(L, sizeof *h + len, 1);
    int hidx = lua_gettop(L);
    h->lm = c->lm;
    h->comp = c->c;
    memcpy(h->cls, cls, len + 1);
    lua_pushvalue(L, fidx);
    lua_getinfo(L, ">S", &ar);
    snprintf(h->label, sizeof h->label, "Lua handler at %s:%d", ar.short_src, ar.linedefined);
    lua_pushvalue(L, fidx);
    lua_setiuservalue(L, hidx, 1);
    lua_getiuservalue(L, cidx, 1); /* the model */
    lua_getiuservalue(L, -1, 1);   /* its state */
    lua_getfield(L, -1, "handlers");
    lua_pushvalue(L, hidx);
    lua_rawsetp(L, -2, h);
    dk_route r;
    memset(&r, 0, sizeof r);
    r.cls = h->cls;
    r.kind = DK_ROUTE_CUSTOM;
    r.label = h->label;
    r.ops = &handler_ops;
    r.data = h;
    dk_error err;
    if (dk_comp_set_route(c->c, &r, &err) != DK_OK)
        return dk_l_raise(L, &err);
    lua_settop(L, cidx);
    lua_pushvalue(L, cidx);
    return 1;
}

/* A key: an integer, a whole number, or a string (hashed, FNV-1a); nil takes the request's. */
static uint64_t check_key(lua_State *L, int idx, const dk_call_t *call)
{
    switch (lua_type(L, idx)) {
    case LUA_TNONE:
    case LUA_TNIL:
        return call->key;
    case LUA_TSTRING: {
        size_t n;
        const unsigned char *s = (const unsigned char *)lua_tolstring(L, idx, &n);
        uint64_t hash = UINT64_C(14695981039346656037);
        for (size_t i = 0; i < n; i++)
            hash = (hash ^ s[i]) * UINT64_C(1099511628211);
        return hash;
    }
    default:
        if (lua_isinteger(L, idx))
            return (uint64_t)lua_tointeger(L, idx);
        if (lua_type(L, idx) == LUA_TNUMBER) {
            double k = lua_tonumber(L, idx);
            if (k >= 0 && k == floor(k) && k < 1.8e19)
                return (uint64_t)k;
        }
        luaL_argerror(L, idx, "key must be an integer or a string");
        return 0;
    }
}

/* 1 when `from` has a link to `to`. A route's targets are linked when the route is set
 * (l_component.c), so the links are every call a design draws. */
static int has_link(const dk_comp_t *from, const dk_comp_t *to)
{
    for (size_t i = 0, n = dk_comp_out_count(from); i < n; i++)
        if (dk_comp_out(from, i) == to)
            return 1;
    return 0;
}

int dk_l_comp_op(lua_State *L, uint8_t op, const char *opname)
{
    lcomp *c = dk_l_check_comp(L, 1);
    lrun *run = c->lm->run;
    if (run == NULL || run->current != L || run->ctx == NULL)
        return luaL_error(L,
                          "%s \"%s\": %s() can only be called inside a running handler "
                          "(see comp:on)",
                          dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c), opname);
    /* A design means what it draws: a handler calls only along its component's links, so that
     * check, the drawing and the run agree on who calls whom. */
    if (run->caller != NULL && !has_link(run->caller, c->c))
        return luaL_error(L, "calls %s \"%s\" but there is no link %s >> %s",
                          dk_kind_name(dk_comp_kind(c->c)), dk_comp_name(c->c),
                          dk_comp_name(run->caller), dk_comp_name(c->c));
    uint64_t key = check_key(L, 2, run->ctx->call);
    /* Checked against the array it indexes: the model is frozen while it runs (a component
     * cannot be added), and this keeps a Lua value from reaching past the run's actors even so. */
    size_t at = dk_comp_index(c->c);
    dk_actor_t *callee = at < run->nactors ? run->actors[at] : NULL;
    if (callee == NULL)
        return luaL_error(L, "%s \"%s\" has no runtime actor", dk_kind_name(dk_comp_kind(c->c)),
                          dk_comp_name(c->c));
    if (op == DK__OP_SEND) { /* comp:send: the request's own op, sent without waiting */
        if (dk_sim_call_async(run->sim, run->ctx->self, run->ctx->call, callee, run->ctx->call->op,
                              key) != 0)
            return luaL_error(L, "%s \"%s\": out of memory", dk_kind_name(dk_comp_kind(c->c)),
                              dk_comp_name(c->c));
        lua_pushboolean(L, 1);
        return 1;
    }
    int waits;
    if (dk_sim_call_linked(run->sim, run->ctx->self, run->ctx->call, callee, op, key, &waits) ==
        NULL)
        return luaL_error(L, "%s \"%s\": out of memory", dk_kind_name(dk_comp_kind(c->c)),
                          dk_comp_name(c->c));
    if (!waits) { /* along an asynchronous link: sent, and the handler goes on */
        lua_pushboolean(L, 1);
        return 1;
    }
    run->called = 1;
    return lua_yield(L, 0);
}

/* ---- the result ---- */

typedef struct latsum {
    uint64_t count;
    double mean, p50, p90, p99, p999, max; /* ns */
} latsum;

static void summarise(const dk_hist_t *h, latsum *s)
{
    memset(s, 0, sizeof *s);
    if (h == NULL)
        return;
    s->count = dk_hist_count(h);
    s->mean = dk_hist_mean(h);
    s->p50 = (double)dk_hist_percentile(h, 50);
    s->p90 = (double)dk_hist_percentile(h, 90);
    s->p99 = (double)dk_hist_percentile(h, 99);
    s->p999 = (double)dk_hist_percentile(h, 99.9);
    s->max = (double)dk_hist_max(h);
}

static void set_num(lua_State *L, const char *k, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k);
}

/* A balancer's health checks as the component's `health` field: one row per backend
 * (backend, probes, failures, restarts, unhealthy seconds, healthy at the end); nothing for
 * an actor without checks. */
static void push_health(lua_State *L, const dk_actor_t *a)
{
    dk_balancer_backend_health h;
    if (dk_balancer_health_of(a, 0, &h) != DK_OK)
        return;
    lua_newtable(L);
    for (size_t i = 0; dk_balancer_health_of(a, i, &h) == DK_OK; i++) {
        lua_createtable(L, 0, 6);
        lua_pushstring(L, h.backend);
        lua_setfield(L, -2, "backend");
        dk_l_set_integer(L, "probes", (lua_Integer)h.probes);
        dk_l_set_integer(L, "failures", (lua_Integer)h.failures);
        dk_l_set_integer(L, "restarts", (lua_Integer)h.restarts);
        set_num(L, "unhealthy", h.unhealthy);
        lua_pushboolean(L, h.healthy);
        lua_setfield(L, -2, "healthy");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "health");
}

static void push_latency(lua_State *L, const latsum *s)
{
    lua_createtable(L, 0, 7);
    dk_l_set_integer(L, "count", (lua_Integer)s->count);
    set_num(L, "mean", s->mean / 1e9);
    set_num(L, "p50", s->p50 / 1e9);
    set_num(L, "p90", s->p90 / 1e9);
    set_num(L, "p99", s->p99 / 1e9);
    set_num(L, "p999", s->p999 / 1e9);
    set_num(L, "max", s->max / 1e9);
}

typedef struct classsum {
    uint64_t created, completed, failed;
    latsum lat;
} classsum;

static void push_class(lua_State *L, const char *name, const classsum *c, double secs,
                       const dk_interval *ci)
{
    lua_createtable(L, 0, 7);
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    dk_l_set_integer(L, "created", (lua_Integer)c->created);
    dk_l_set_integer(L, "completed", (lua_Integer)c->completed);
    dk_l_set_integer(L, "failed", (lua_Integer)c->failed);
    set_num(L, "throughput", secs > 0 ? (double)c->completed / secs : 0);
    if (c->completed + c->failed > 0)
        set_num(L, "availability", (double)c->completed / (double)(c->completed + c->failed));
    push_latency(L, &c->lat);
    dk_l_set_mean_ci(L, ci); /* batch means (l_confidence.c) */
    lua_setfield(L, -2, "latency");
}

/* Evaluates every expectation of the model in C (dk_model_evaluate); pushes the list and
 * returns whether all held. */
static int push_expectations(lua_State *L, const dk_model_t *m, const dk_sim_t *sim)
{
    size_t n = dk_model_expect_count(m);
    dk_verdict *v = (dk_verdict *)lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *v, 0);
    int all = 1;
    dk_error err;

    if (dk_model_evaluate(m, sim, v, &all, &err) != DK_OK)
        dk_l_raise(L, &err);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const dk_report_expectation *x = &v[i].e;
        lua_createtable(L, 0, 6);
        lua_pushstring(L, x->metric);
        lua_setfield(L, -2, "metric");
        if (x->cls) {
            lua_pushstring(L, x->cls);
            lua_setfield(L, -2, "class");
        }
        set_num(L, "limit", x->limit);
        if (x->has_value)
            set_num(L, "value", x->value);
        lua_pushboolean(L, x->ok);
        lua_setfield(L, -2, "ok");
        lua_pushstring(L, x->text);
        lua_setfield(L, -2, "text");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, -2); /* the verdicts */
    return all;
}

/* Pushes the result table of the finished run held by the lsim at `sidx`. */
static void push_result(lua_State *L, int sidx, const dk_model_t *m, dk_time_t until)
{
    lsim *ls = (lsim *)lua_touserdata(L, sidx);
    const dk_sim_t *sim = ls->sim;
    dk_time_t end = dk_sim_end_time(sim), measured = dk_sim_measured_time(sim);
    /* Rates and utilisations divide by the measured time: the run after its warm-up. */
    double ns = (double)(measured > 0 ? measured : until - dk_sim_warmup(sim)), secs = ns / 1e9;

    lua_createtable(L, 0, 12);
    int r = lua_gettop(L);
    lua_pushstring(L, dk_model_name(m));
    lua_setfield(L, r, "model");
    dk_l_set_integer(L, "seed", (lua_Integer)ls->seed);
    set_num(L, "duration", (double)(end > 0 ? end : until) / 1e9);
    set_num(L, "warmup", (double)dk_sim_warmup(sim) / 1e9);
    set_num(L, "measured", secs);
    dk_l_set_integer(L, "events", (lua_Integer)(dk_sim_events(sim)));
    dk_l_set_integer(L, "in_flight", (lua_Integer)(dk_sim_in_flight(sim)));

    size_t na = dk_sim_actor_count(sim);
    lua_createtable(L, (int)na, 0);
    for (size_t i = 0; i < na; i++) {
        dk_actor_t *a = dk_sim_actor(sim, i);
        const dk_actor_stats *s = dk_actor_get_stats(a);
        latsum lat;
        lua_createtable(L, 0, 14);
        lua_pushstring(L, dk_actor_name(a));
        lua_setfield(L, -2, "name");
        lua_pushstring(L, dk_actor_kind(a));
        lua_setfield(L, -2, "kind");
        dk_l_set_integer(L, "arrivals", (lua_Integer)s->arrivals);
        dk_l_set_integer(L, "completed", (lua_Integer)s->completed);
        dk_l_set_integer(L, "rejected", (lua_Integer)s->rejected);
        dk_l_set_integer(L, "failed", (lua_Integer)s->failed);
        /* The figures come from dk_actor_metrics, as the JSON report's and the drawing's do;
         * a metric that is not defined for this actor is left out. */
        dk_metrics mx;
        dk_actor_metrics(a, (dk_time_t)ns, &mx);
        if (s->servers > 0)
            dk_l_set_integer(L, "servers", (lua_Integer)s->servers);
        for (int k = 0; k < DK_METRIC__COUNT; k++) {
            double v;
            if (dk_metrics_get(&mx, (dk_metric)k, &v))
                set_num(L, dk_metric_name((dk_metric)k), v);
        }
        summarise(s->latency, &lat);
        push_latency(L, &lat);
        lua_setfield(L, -2, "latency");
        push_health(L, a);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, r, "components");

    size_t nc = dk_sim_class_count(sim);
    classsum *cs = (classsum *)lua_newuserdatauv(L, (nc + 1) * sizeof *cs, 0);
    classsum *total = &cs[nc];
    memset(total, 0, sizeof *total);
    dk_hist_t **merged = (dk_hist_t **)dk_l_newbox(L, (dk_l_free_fn)dk_hist_free);
    int bidx = lua_gettop(L);
    *merged = dk_hist_new(NULL);
    if (*merged == NULL)
        luaL_error(L, "out of memory");
    for (uint32_t c = 0; c < nc; c++) {
        const dk_class_stats *st = dk_sim_class_stats(sim, c);
        cs[c].created = st->created;
        cs[c].completed = st->completed;
        cs[c].failed = st->failed;
        summarise(st->latency, &cs[c].lat);
        total->created += st->created;
        total->completed += st->completed;
        total->failed += st->failed;
        if (st->latency && dk_hist_merge(*merged, st->latency) != DK_OK)
            luaL_error(L, "out of memory");
    }
    summarise(*merged, &total->lat);
    dk_l_box_free(L, bidx);
    lua_pop(L, 1);
    int csidx = lua_gettop(L);

    lua_createtable(L, (int)nc, 0);
    for (uint32_t c = 0; c < nc; c++) {
        dk_interval ci = dk_sim_mean_interval(sim, c);
        push_class(L, dk_sim_class_name(sim, c), &cs[c], secs, &ci);
        lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_setfield(L, r, "classes");
    dk_interval all = dk_sim_mean_interval(sim, DK_ALL_CLASSES);
    push_class(L, "total", total, secs, &all);
    lua_setfield(L, r, "total");
    lua_pushboolean(L, push_expectations(L, m, sim));
    lua_setfield(L, r, "ok");
    lua_setfield(L, r, "expectations");
    if (ls->reps != NULL) {
        dk_l_push_replicas(L, ls->reps);
        lua_setfield(L, r, "replications");
    }
    lua_remove(L, csidx);
}

lsim *dk_l_result_sim(lua_State *L, int idx)
{
    lsim *ls;
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    ls = (lsim *)luaL_testudata(L, -1, DK_MT_SIM);
    lua_pop(L, 2);
    return ls != NULL && ls->sim != NULL ? ls : NULL;
}

/* result:json(): the report (dk_report_json). Its expectations are evaluated again in C from
 * the run itself, not read back from the result table: whatever a script does to the tables it
 * was given, the report's verdict is the run's. */
static int r_json(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lsim *ls = dk_l_result_sim(L, 1);
    if (ls == NULL)
        return luaL_argerror(L, 1, "not the result of m:run");
    lua_getfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);
    lua_pushvalue(L, 1);
    lua_rawget(L, -2);
    lua_getiuservalue(L, -1, 1);
    lmodel *lm = (lmodel *)luaL_testudata(L, -1, DK_MT_MODEL);
    const dk_model_t *m = lm != NULL ? lm->m : NULL;
    size_t n = m != NULL ? dk_model_expect_count(m) : 0;
    dk_verdict *v = (dk_verdict *)lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *v, 0);
    dk_report_expectation *ex =
        (dk_report_expectation *)lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *ex, 0);
    dk_error err;
    if (m != NULL && dk_model_evaluate(m, ls->sim, v, NULL, &err) != DK_OK)
        return dk_l_raise(L, &err);
    for (size_t i = 0; i < n; i++)
        ex[i] = v[i].e;

    char **out = (char **)dk_l_newbox(L, dk_free);
    int bidx = lua_gettop(L);
    if (dk_report_json_with(ls->sim, m, ls->seed, ex, n, ls->reps, out, &err) != DK_OK)
        return dk_l_raise(L, &err);
    lua_pushstring(L, *out);
    dk_l_box_free(L, bidx);
    return 1;
}

int dk_l_result_passed(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lsim *ls = lua_istable(L, idx) ? dk_l_result_sim(L, idx) : NULL;
    if (ls == NULL)
        return -1;
    int top = lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    lua_getiuservalue(L, -1, 1);
    lmodel *lm = (lmodel *)luaL_testudata(L, -1, DK_MT_MODEL);
    int all = 1;
    if (lm == NULL || lm->m == NULL) { /* the model was closed since: nothing to judge by */
        lua_settop(L, top);
        return -1;
    }
    size_t n = dk_model_expect_count(lm->m);
    dk_verdict *v = (dk_verdict *)lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *v, 0);
    dk_error err;
    if (dk_model_evaluate(lm->m, ls->sim, v, &all, &err) != DK_OK)
        return dk_l_raise(L, &err);
    lua_settop(L, top);
    return all ? 1 : 0;
}

static int s_close(lua_State *L)
{
    lsim *ls = (lsim *)luaL_checkudata(L, 1, DK_MT_SIM);
    dk_sim_free(ls->sim);
    ls->sim = NULL;
    dk_replicas_free(ls->reps);
    ls->reps = NULL;
    return 0;
}

static int s_tostring(lua_State *L)
{
    lsim *ls = (lsim *)luaL_checkudata(L, 1, DK_MT_SIM);
    lua_pushfstring(L, "simulator (%s)", ls->sim ? "finished" : "closed");
    return 1;
}

/* ---- m:run ---- */

static void on_progress(double fraction, void *ud)
{
    lrun *run = (lrun *)ud;
    lua_State *L = run->L;
    if (run->nreps > 1) /* the replications share the bar */
        fraction = ((double)run->rep + fraction) / (double)run->nreps;
    lua_pushvalue(L, run->progress);
    lua_pushnumber(L, fraction);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        run->failed = 1;
        dk_sim_abort(run->sim, DK_EINVAL, "%s", msg ? msg : "progress function failed");
        lua_pop(L, 1);
    }
}

static const char *const run_keys[] = {"duration",     "seed",  "requests", "progress", "warmup",
                                       "replications", "force", "overload", NULL};

/* What every replication of one m:run shares: its options and the stack slots of its tables. */
typedef struct run_plan {
    dk_time_t until, warmup;
    uint64_t requests;
    int progress, handlers, threads, statuses; /* absolute stack indices; progress 0: none */
    dk_actor_t **actors;
    size_t nreps;      /* 1 without replications */
    uint64_t overload; /* dk_sim_set_overload's threshold: 0 off */
} run_plan;

/* Pushes where the script made the component that `msg` names first (as `cache "redis"`), the
 * place a failure of the simulator about it belongs: "design.lua:12: ". Returns 0 and pushes
 * nothing when the message names none, or no script made it (a model read from JSON). The model
 * is m:run's, at stack index 1. */
static int push_named_place(lua_State *L, const lmodel *lm, const char *msg)
{
    const char *first = NULL;
    const dk_comp_t *named = NULL;
    if (luaL_testudata(L, 1, DK_MT_MODEL) != lm || lm->m == NULL)
        return 0;
    for (size_t i = 0; i < dk_model_comp_count(lm->m); i++) {
        const dk_comp_t *c = dk_model_comp(lm->m, i);
        const char *at = strstr(
            msg, lua_pushfstring(L, "%s \"%s\"", dk_kind_name(dk_comp_kind(c)), dk_comp_name(c)));
        lua_pop(L, 1);
        if (at != NULL && (first == NULL || at < first)) {
            first = at;
            named = c;
        }
    }
    if (named == NULL)
        return 0;
    dk_l_push_comp_place(L, 1, named);
    if (lua_rawlen(L, -1) > 0)
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* Raises a failure to build the simulator, whose message names the component whose values
 * cannot run (`cache "redis": ...`), at the script line that made that component: where the
 * user will look, not the line that ran the model. */
static void raise_at_component(lua_State *L, const lmodel *lm, const dk_error *err)
{
    const char *msg = err->message[0] ? err->message : dk_strerror(err->status);
    if (push_named_place(L, lm, msg)) {
        lua_pushstring(L, msg);
        lua_concat(L, 2);
        lua_error(L);
    }
    dk_l_raise(L, err);
}

/*
 * Builds the model's simulator with `seed` into *slot and runs it: replication `k` of the
 * plan's. *slot belongs to its owner on the stack (the result's lsim, or a box), which frees it
 * even when this raises: a build or run that fails raises here, an engine failure with its
 * status (l_error.c), a handler's error as its own message.
 */
static void run_once(lua_State *L, lmodel *lm, const run_plan *p, dk_sim_t **slot, uint64_t seed,
                     size_t k)
{
    dk_error err;
    dk_error_clear(&err);
    *slot = dk_model_build_sim(lm->m, seed, &err);
    if (*slot == NULL) {
        if (err.status == DK_ENOMEM || err.status == DK_EINTERNAL)
            dk_l_raise_status(L, err.status, "model \"%s\": %s", dk_model_name(lm->m),
                              err.message[0] ? err.message : dk_strerror(err.status));
        raise_at_component(L, lm, &err);
        return;
    }
    (void)dk_sim_set_warmup(*slot, p->warmup); /* checked by m:run: >= 0, and not yet run */
    /* checked by m:run; not yet run */
    (void)dk_sim_set_overload(*slot, p->overload);
    size_t ncomp = dk_model_comp_count(lm->m);
    for (size_t i = 0; i < ncomp; i++)
        p->actors[i] = dk_sim_find_actor(*slot, dk_comp_name(dk_model_comp(lm->m, i)));
    lua_newtable(L); /* a fresh coroutine pool: the last run's may hold cut-off handlers */
    lua_replace(L, p->threads);

    lrun run;
    memset(&run, 0, sizeof run);
    run.L = L;
    run.sim = *slot;
    run.threads = p->threads;
    run.handlers = p->handlers;
    run.statuses = p->statuses;
    run.progress = p->progress;
    run.actors = p->actors;
    run.nactors = ncomp;
    run.rep = k;
    run.nreps = p->nreps;
    lm->run = &run;
    dk_status st = dk_sim_run(*slot, p->until, p->requests, p->progress ? on_progress : NULL, &run);
    lm->run = NULL;
    if (st != DK_OK) {
        const char *msg = dk_sim_error(*slot);
        if (msg == NULL || msg[0] == '\0')
            msg = dk_strerror(st);
        /* A handler's own error stays a string: it carries the handler's position and is the
         * script's mistake. The engine's failures keep their status (l_error.c). */
        if (run.failed && st != DK_EINTERNAL && st != DK_ENOMEM) {
            lua_pushstring(L, msg);
            lua_error(L);
        }
        /* A failure that names a component (overloaded: service "api" ...) is told at the
         * line that made it; others at the caller's. */
        const char *place = NULL;
        if (push_named_place(L, lm, msg))
            place = lua_tostring(L, -1);
        if (p->nreps > 1)
            dk_l_raise_status_at(L, st, place, "model \"%s\" (replication %zu, seed %llu): %s",
                                 dk_model_name(lm->m), k + 1, (unsigned long long)seed, msg);
        dk_l_raise_status_at(L, st, place, "model \"%s\": %s", dk_model_name(lm->m), msg);
    }
}

/* Replications 2..N of the run whose first replication is ls->sim, into ls->reps. */
static void replicate(lua_State *L, lmodel *lm, const run_plan *p, lsim *ls)
{
    dk_status st;
    dk_error err;
    if ((ls->reps = dk_replicas_new(&st)) == NULL)
        dk_l_raise_status(L, DK_ENOMEM, "run: out of memory");
    if (dk_replicas_add(ls->reps, ls->sim, ls->seed, &err) != DK_OK)
        dk_l_raise(L, &err);
    dk_sim_t **box = (dk_sim_t **)dk_l_newbox(L, (dk_l_free_fn)dk_sim_free);
    int bidx = lua_gettop(L);
    for (size_t k = 1; k < p->nreps; k++) {
        uint64_t seed = dk_replica_seed(ls->seed, k);
        run_once(L, lm, p, box, seed, k);
        if (dk_replicas_add(ls->reps, *box, seed, &err) != DK_OK)
            dk_l_raise(L, &err);
        dk_l_box_free(L, bidx);
    }
    lua_pop(L, 1);
}

/* m:run refuses a design whose check finds errors, as `designkit run` does without --force:
 * the numbers of a design that does not mean what it draws (a balancer with no backend, a
 * synchronous cycle) would only mislead. Raises a message listing the errors as m:check words
 * them; returns when there are none. */
static void refuse_if_invalid(lua_State *L, const lmodel *lm)
{
    dk_status st;
    dk_findings_t **box = (dk_findings_t **)dk_l_newbox(L, (dk_l_free_fn)dk_findings_free);
    int bidx = lua_gettop(L);
    *box = dk_model_validate(lm->m, &st);
    if (*box == NULL)
        dk_l_raise_status(L, st, "run: check: %s", dk_strerror(st));
    size_t nerrors = dk_findings_errors(*box);
    if (nerrors == 0) {
        dk_l_box_free(L, bidx);
        lua_pop(L, 1);
        return;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_where(L, 1);
    luaL_addvalue(&b);
    lua_pushfstring(L, "run: model \"%s\" has %d check error%s (run it anyway with force = true):",
                    dk_model_name(lm->m), (int)nerrors, nerrors == 1 ? "" : "s");
    luaL_addvalue(&b);
    for (size_t i = 0, n = dk_findings_count(*box); i < n; i++) {
        const dk_finding *f = dk_findings_at(*box, i);
        if (f->severity != DK_SEV_ERROR)
            continue;
        lua_pushfstring(L, "\n  %s: %s", f->rule, f->message);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    dk_l_box_free(L, bidx);
    lua_error(L);
}

/* m:run { duration = "60s", seed = 1, requests = N, progress = fn, warmup = "10s",
 * replications = N, force = false, overload = N | false } -> result */
int dk_l_model_run(lua_State *L)
{
    lmodel *lm = dk_l_check_model(L, 1);
    int64_t until = 60 * DK_SEC, warmup = 0;
    lua_Integer seed = 1, requests = 0, nreps = 1, overload = DK_SIM_OVERLOAD_WAITING;
    int progress = 0, force = 0;
    lua_settop(L, 2);
    if (!lua_isnil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        dk_l_check_keys(L, 2, "run", run_keys);
        if (lua_getfield(L, 2, "force") != LUA_TNIL) {
            if (!lua_isboolean(L, -1))
                return luaL_error(L, "run: force must be true or false (got %s)",
                                  luaL_typename(L, -1));
            force = lua_toboolean(L, -1);
        }
        if (lua_getfield(L, 2, "duration") != LUA_TNIL) {
            dk_error err;
            if (!dk_l_to_duration(L, -1, &until, &err) || until <= 0) {
                if (err.status == DK_OK || until <= 0)
                    dk_error_set(&err, DK_EINVAL, "must be positive");
                dk_error_prefix(&err, "run: duration: ");
                return dk_l_raise(L, &err);
            }
        }
        if (lua_getfield(L, 2, "seed") != LUA_TNIL) {
            int ok;
            seed = lua_tointegerx(L, -1, &ok);
            if (!ok || seed < 0)
                return luaL_error(L, "run: seed must be a whole number >= 0");
        }
        if (lua_getfield(L, 2, "requests") != LUA_TNIL) {
            int ok;
            requests = lua_tointegerx(L, -1, &ok);
            if (!ok || requests < 0)
                return luaL_error(L, "run: requests must be a whole number >= 0");
        }
        if (lua_getfield(L, 2, "progress") != LUA_TNIL) {
            if (!lua_isfunction(L, -1))
                return luaL_error(L, "run: progress must be a function");
            progress = lua_gettop(L);
        }
        if (lua_getfield(L, 2, "warmup") != LUA_TNIL) {
            dk_error err;
            if (!dk_l_to_duration(L, -1, &warmup, &err) || warmup < 0) {
                if (err.status == DK_OK || warmup < 0)
                    dk_error_set(&err, DK_EINVAL, "must be a duration >= 0");
                dk_error_prefix(&err, "run: warmup: ");
                return dk_l_raise(L, &err);
            }
            if (warmup >= until) {
                char w[32], d[32];
                dk_format_duration(warmup, w, sizeof w);
                dk_format_duration(until, d, sizeof d);
                return luaL_error(L, "run: warmup (%s) must be shorter than the duration (%s)", w,
                                  d);
            }
        }
        if (lua_getfield(L, 2, "overload") != LUA_TNIL) {
            int ok = lua_isboolean(L, -1); /* true: the default; false: no check */
            if (ok && !lua_toboolean(L, -1))
                overload = 0;
            else if (!ok && ((overload = lua_tointegerx(L, -1, &ok)), !ok || overload < 1))
                return luaL_error(L,
                                  "run: overload must be a whole number >= 1 (requests "
                                  "waiting) or false (got %s)",
                                  luaL_tolstring(L, -1, NULL));
        }
        if (lua_getfield(L, 2, "replications") != LUA_TNIL) {
            int ok;
            nreps = lua_tointegerx(L, -1, &ok);
            if (!ok || nreps < 1)
                return luaL_error(L, "run: replications must be a whole number >= 1");
            if (seed > LUA_MAXINTEGER - (nreps - 1))
                return luaL_error(L, "run: seed + replications must stay below 2^63");
        }
    }
    if (lm->run != NULL)
        return luaL_error(L, "run: the model \"%s\" is already running", dk_model_name(lm->m));
    if (!force)
        refuse_if_invalid(L, lm);
    luaL_checkstack(L, 24, "run");

    lsim *ls = (lsim *)lua_newuserdatauv(L, sizeof *ls, 1);
    int sidx = lua_gettop(L);
    ls->sim = NULL;
    ls->reps = NULL;
    ls->seed = (uint64_t)seed;
    luaL_setmetatable(L, DK_MT_SIM);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, sidx, 1);
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, "handlers");
    lua_remove(L, -2);
    int handlers = lua_gettop(L);
    lua_newtable(L);
    int threads = lua_gettop(L);
    lua_createtable(L, 6, 0);
    for (int i = 0; i < 6; i++) {
        lua_pushstring(L, status_names[i]);
        lua_rawseti(L, -2, i + 1);
    }
    int statuses = lua_gettop(L);
    size_t ncomp = dk_model_comp_count(lm->m);
    dk_actor_t **actors =
        (dk_actor_t **)lua_newuserdatauv(L, (ncomp ? ncomp : 1) * sizeof *actors, 0);

    run_plan plan = {until,    warmup, (uint64_t)requests, progress,          handlers, threads,
                     statuses, actors, (size_t)nreps,      (uint64_t)overload};
    run_once(L, lm, &plan, &ls->sim, ls->seed, 0);
    if (nreps > 1)
        replicate(L, lm, &plan, ls);

    push_result(L, sidx, lm->m, until);
    luaL_setmetatable(L, DK_MT_RESULT);
    lua_getfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, sidx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return 1;
}

static const luaL_Reg result_methods[] = {
    {"json", r_json},
    {NULL, NULL},
};

void dk_l_open_run(lua_State *L)
{
    dk_l_open_error(L);
    luaL_newmetatable(L, DK_MT_SIM);
    lua_pushcfunction(L, s_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, s_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, s_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    luaL_newmetatable(L, DK_MT_RESULT);
    luaL_newlib(L, result_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    luaL_newmetatable(L, DK_MT_HANDLER);
    lua_pop(L, 1);

    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, RESULTS_KEY);

    luaL_getmetatable(L, DK_MT_MODEL);
    lua_getfield(L, -1, "__index");
    lua_pushcfunction(L, dk_l_model_run);
    lua_setfield(L, -2, "run");
    lua_pop(L, 2);
}

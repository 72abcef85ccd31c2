/* l_common.h - what the Lua glue files share: metatable names, userdata layouts, helpers. */
#ifndef DK_L_COMMON_H
#define DK_L_COMMON_H

#include <lua.h>
#include <lauxlib.h>

#include "designkit/designkit.h"

#define DK_MT_DIST "designkit.dist"
#define DK_MT_MODEL "designkit.model"
#define DK_MT_COMP "designkit.component"
#define DK_MT_GROUP "designkit.group"
#define DK_MT_FLOW "designkit.flow"
#define DK_MT_HANDLER "designkit.handler"
#define DK_MT_SIM "designkit.sim"
#define DK_MT_RESULT "designkit.result"
#define DK_MT_ERROR "designkit.error"
#define DK_MT_BOX "designkit.box"
#define DK_MT_JSON_NULL "designkit.json.null"
#define DK_MT_LEDGER "designkit.ledger"
#define DK_MT_SNAKES_BOARD "designkit.snakes.board"
#define DK_MT_CLASSES "designkit.classes"
#define DK_MT_STATEMACHINE "designkit.statemachine"
#define DK_MT_ATM "designkit.atm"
#define DK_MT_PARKING "designkit.parking"
#define DK_MT_THREAD "designkit.thread"
#define DK_MT_POOL "designkit.pool"
#define DK_MT_FUTURE "designkit.future"
#define DK_MT_QUEUE "designkit.queue"
#define DK_MT_RING "designkit.ring"
#define DK_MT_MUTEX "designkit.mutex"
#define DK_MT_RWLOCK "designkit.rwlock"
#define DK_MT_SEMAPHORE "designkit.semaphore"
#define DK_MT_LATCH "designkit.latch"
#define DK_MT_BARRIER "designkit.barrier"
#define DK_MT_MAP "designkit.map"
#define DK_MT_HASH_RING "designkit.hash.ring"
#define DK_MT_HASH_MAGLEV "designkit.hash.maglev"
#define DK_MT_HASH_RENDEZVOUS "designkit.hash.rendezvous"
#define DK_MT_BALANCER "designkit.balancer"
#define DK_MT_BREAKER "designkit.breaker"
#define DK_MT_RETRY "designkit.retry"
#define DK_MT_BULKHEAD "designkit.bulkhead"
#define DK_MT_HEALTH "designkit.health"
#define DK_MT_SHARD "designkit.shard"
#define DK_MT_LIMITER "designkit.limiter"
#define DK_MT_WAL "designkit.wal"
#define DK_MT_INDEX "designkit.index"
#define DK_MT_CACHE "designkit.cache"

/* Every metatable the module registers, once: luaopen_designkit protects each (see
 * protect_metatables in l_designkit.c). */
/* (Kept out of clang-format, which reflows this list differently on every run.) */
/* clang-format off */
#define DK_L_METATABLES(X)                                                                         \
    X(DK_MT_DIST)                                                                                  \
    X(DK_MT_MODEL)                                                                                 \
    X(DK_MT_COMP)                                                                                  \
    X(DK_MT_GROUP)                                                                                 \
    X(DK_MT_FLOW)                                                                                  \
    X(DK_MT_HANDLER)                                                                               \
    X(DK_MT_SIM)                                                                                   \
    X(DK_MT_RESULT)                                                                                \
    X(DK_MT_ERROR)                                                                                 \
    X(DK_MT_BOX)                                                                                   \
    X(DK_MT_JSON_NULL)                                                                             \
    X(DK_MT_LEDGER)                                                                                \
    X(DK_MT_SNAKES_BOARD)                                                                          \
    X(DK_MT_CLASSES)                                                                               \
    X(DK_MT_STATEMACHINE)                                                                          \
    X(DK_MT_ATM)                                                                                   \
    X(DK_MT_PARKING)                                                                               \
    X(DK_MT_THREAD)                                                                                \
    X(DK_MT_POOL)                                                                                  \
    X(DK_MT_FUTURE)                                                                                \
    X(DK_MT_QUEUE)                                                                                 \
    X(DK_MT_RING)                                                                                  \
    X(DK_MT_MUTEX)                                                                                 \
    X(DK_MT_RWLOCK)                                                                                \
    X(DK_MT_SEMAPHORE)                                                                             \
    X(DK_MT_LATCH)                                                                                 \
    X(DK_MT_BARRIER)                                                                               \
    X(DK_MT_SHARD)                                                                                 \
    X(DK_MT_MAP)                                                                                   \
    X(DK_MT_HASH_RING)                                                                             \
    X(DK_MT_HASH_MAGLEV)                                                                           \
    X(DK_MT_HASH_RENDEZVOUS)                                                                       \
    X(DK_MT_BALANCER)                                                                              \
    X(DK_MT_BREAKER)                                                                               \
    X(DK_MT_RETRY)                                                                                 \
    X(DK_MT_BULKHEAD)                                                                              \
    X(DK_MT_HEALTH)                                                                                \
    X(DK_MT_LIMITER)                                                                               \
    X(DK_MT_WAL)                                                                                   \
    X(DK_MT_INDEX)                                                                                 \
    X(DK_MT_CACHE)
/* clang-format on */

/* A distribution as the script made it. `durations` says it was given durations (any argument
 * a string like "2ms"): its parameters are then nanoseconds. Otherwise they are plain numbers,
 * which a duration property reads as seconds. */
typedef struct ldist {
    dk_dist_t *d;
    int durations;
} ldist;

struct lrun;

/* The model userdata. Its user value is a state table: comps[i] and groups[i] cache the
 * userdata of each component and group (so identity is stable), handlers[ptr] anchors the Lua
 * handlers. `run` is set while m:run is inside dk_sim_run. */
typedef struct lmodel {
    dk_model_t *m;
    struct lrun *run;
} lmodel;

/* Raises "<what>: model "x" is running: ..." when a handler tries to change the model its run
 * is simulating: the run's actors were made for the model as it was, and a component added
 * now has none (a call to it would index past the run's arrays). */
void dk_l_check_unfrozen(lua_State *L, const lmodel *lm, const char *what);

/* Components and groups keep their model alive through their user value. */
typedef struct lcomp {
    dk_comp_t *c;
    lmodel *lm;
} lcomp;

/* A group made by m:group "eu" waits for its options table (m:group "eu" { kind = "region" })
 * before it joins the model: until then `g` is NULL, `parent` says where it goes and its second
 * user value holds the name. Any other use makes it at once with the default kind, so the
 * options table may be left out. */
typedef struct lgroup {
    dk_group_t *g;
    lmodel *lm;
    dk_group_t *parent;
} lgroup;

/* The simulator of one run, kept by its result; its user value is the model userdata. */
typedef struct lsim {
    dk_sim_t *sim;
    uint64_t seed;
    dk_replicas_t *reps; /* the run's replications (m:run{replications = N > 1}), or NULL */
} lsim;

/* l_designkit.c: a box is a userdata owning one C pointer, freed by `fr` on collection, so a
 * C resource can sit on the Lua stack while Lua code that might raise runs. */
typedef void (*dk_l_free_fn)(void *p);
void **dk_l_newbox(lua_State *L, dk_l_free_fn fr);
/* Frees what the box at `idx` holds now (idempotent). */
void dk_l_box_free(lua_State *L, int idx);
/* Raises `err` with the script's position at `level` (1: the caller of the C function). */
int dk_l_raise(lua_State *L, const dk_error *err);

/* l_name.c: names entering from Lua. The string at `idx` checked as a name with the length
 * Lua knows (dk_name_check: a NUL inside, invalid UTF-8 or a control character raises an error
 * naming `what` and the script line). Borrowed from the stack. */
const char *dk_l_check_name(lua_State *L, int idx, const char *what);
/* The string at `idx` for a lookup by name, or NULL when it holds a NUL (no name can). */
const char *dk_l_lookup_name(lua_State *L, int idx);

/* l_units.c */
void dk_l_open_units(lua_State *L);
/* Reads a duration at `idx`: a number is seconds, a string is parsed ("2ms"). Returns 1 and
 * nanoseconds, or 0 with an error message in `err`. Never raises. */
int dk_l_to_duration(lua_State *L, int idx, int64_t *ns, dk_error *err);

/* l_dist.c */
void dk_l_open_dist(lua_State *L);
ldist *dk_l_test_dist(lua_State *L, int idx);
/* A new dk_dist_t from `ld` in the units a property wants: `as_durations` gives nanoseconds
 * (plain numbers scaled from seconds). NULL with `err` when it cannot be. Caller frees. */
dk_dist_t *dk_l_dist_for(const ldist *ld, int as_durations, const char *what, dk_error *err);
/* Pushes a text form of `d` ("exp(2ms)"). */
void dk_l_push_dist_text(lua_State *L, const dk_dist_t *d, int durations);

/* l_model.c */
void dk_l_open_model(lua_State *L);
lmodel *dk_l_check_model(lua_State *L, int idx);
/* Raises "<what> is closed" about the argument at `idx`, naming the function when Lua can and
 * saying how it was closed when it cannot (never "bad argument #1 to '?'"). */
int dk_l_closed_error(lua_State *L, int idx, const char *what);
/* Pushes a new model userdata owning `m` (which must not be NULL). */
void dk_l_push_model(lua_State *L, dk_model_t *m);
/* The model's state table (the user value of the model userdata at `midx`), field `f`. */
void dk_l_push_state(lua_State *L, int midx, const char *f);
/* Makes metatable `name` with `methods` as __index (through `index` when given, which gets the
 * methods table as its upvalue), `tostring`, and `close` as __gc and __close; leaves it pushed.
 * The methods of a model or a group fall back to a "has no method" error. */
void dk_l_new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction index,
                    lua_CFunction tostring, lua_CFunction close);

/* l_group.c */
void dk_l_open_group(lua_State *L);
/* The group at `idx`, made now (kind "group") if it was still waiting for its options. */
lgroup *dk_l_check_group(lua_State *L, int idx);
/* Pushes the userdata of group `g` of the model userdata at `midx`. */
void dk_l_push_group(lua_State *L, int midx, dk_group_t *g);
/* m:group and group:group. */
int dk_l_m_group(lua_State *L);

/* l_component.c */
void dk_l_open_comp(lua_State *L);
lcomp *dk_l_check_comp(lua_State *L, int idx);
/* Pushes the userdata of component `c` of the model userdata at `midx`. */
void dk_l_push_comp(lua_State *L, int midx, dk_comp_t *c);
/* Pushes where the script made `c` ("design.lua:12: "), or "" when no script did (a model
 * read from JSON): the place a message about the component names. */
void dk_l_push_comp_place(lua_State *L, int midx, const dk_comp_t *c);
/* Raises a "valid keys are ..." error when the table at `idx` has a key not in `valid`
 * (NULL-terminated); the first unknown key in sorted order is named so the message repeats. */
void dk_l_check_keys(lua_State *L, int idx, const char *what, const char *const *valid);
/* Pushes "; did you mean "best"?" (dk_suggest's nearest name), or "" when `best` is NULL: the
 * one wording of every option-key hint. */
void dk_l_push_did_you_mean(lua_State *L, const char *best);
/* The component constructors shared by models and groups (m:service "api" { ... }, ...). */
int dk_l_m_component(lua_State *L);
/* m:link(a, b [, c ...] [, { latency = ..., weight = ..., retry = { ... } }]) */
int dk_l_m_link(lua_State *L);
/* Applies the options table at `o` to component `c` (any schema, the link options' too),
 * after refusing unknown keys: errors name the component and the option. */
void dk_l_apply_opts(lua_State *L, dk_comp_t *c, int o);
/* l_link.c: pushes the link options of m:link's table at `opts` as one flat table of the link
 * schema's names, or nil when it holds none; unknown keys are errors with a suggestion. */
void dk_l_link_options(lua_State *L, int opts, const char *what);
/* m:links { a >> b, b >> c }: the statement form, checking that each item is a link. */
int dk_l_m_links(lua_State *L);
/* dk.properties, dk.cache_aside and dk.call. */
int dk_l_properties(lua_State *L);
int dk_l_kind_info(lua_State *L);

/* A host that confines writes (the CLI's sandbox) installs a guard that the module's own
 * writers (m:draw, m:export) ask before they write: NULL when writing `path` is allowed, else
 * the reason, pushed on the stack. No guard: writes are allowed (a stock lua5.4 has no
 * sandbox). The module never calls into the host by name. */
typedef const char *(*dk_l_write_guard)(lua_State *L, const char *path);
void dk_l_set_write_guard(lua_State *L, dk_l_write_guard guard);
/* What the module's other writers (dk.classes' d:draw) ask: NULL when writing `path` is allowed,
 * else the reason, pushed on the stack. */
const char *dk_l_write_denied(lua_State *L, const char *path);
/* Adds m:<kind> constructors, one per registered kind, to the methods table at `methods`. */
void dk_l_add_kind_constructors(lua_State *L, int methods);
/* Pushes the list of registered kind names (dk.kinds). */
void dk_l_push_kinds(lua_State *L);
int dk_l_cache_aside(lua_State *L);
int dk_l_call(lua_State *L);

/* l_run.c */
void dk_l_open_run(lua_State *L);
int dk_l_model_run(lua_State *L);
/* The lsim kept by a result table at `idx`, or NULL. */
lsim *dk_l_result_sim(lua_State *L, int idx);
/* Whether the run whose result table is at `idx` met every expectation of its model, judged
 * again in C from the run itself (never from the table, which its holder may have changed):
 * 1 yes, 0 no, -1 not the result of a run (or its model was closed since). Raises only when memory
 * runs out. */
int dk_l_result_passed(lua_State *L, int idx);
/* Makes the route for a Lua handler `fn` at `fidx` on component `comp` for class `cls`. */
int dk_l_set_handler(lua_State *L, int cidx, const char *cls, int fidx);
/* Component methods that call another component from inside a handler. */
/* op for dk_l_comp_op: send the request's own op and do not wait (comp:send). Outside the
 * engine's ops, which are small numbers. */
#define DK__OP_SEND 255
int dk_l_comp_op(lua_State *L, uint8_t op, const char *opname);

/* l_confidence.c: the intervals of a finished run, as the result table gives them. */
/* Sets t.mean_ci95 = {lo, hi} (seconds) in the table on top when `ci` has a width. */
void dk_l_set_mean_ci(lua_State *L, const dk_interval *ci);
/* Pushes the table of what the replications `r` found (docs/script-reference.md). */
void dk_l_push_replicas(lua_State *L, const dk_replicas_t *r);

/* l_export.c */
void dk_l_open_export(lua_State *L);

/* l_error.c: a dk_status carried into Lua. An engine failure (DK_EINTERNAL, DK_ENOMEM, ...) is
 * raised as an error object, a table { status = "internal", message = "file:line: ..." } with
 * metatable DK_MT_ERROR (__tostring gives the message), so that a host can map the status to
 * its exit code; a script's own mistakes stay plain strings. */
void dk_l_open_error(lua_State *L);
/* Pushes the status's script name: "internal", "nomem", "inval", ... ("ok" for DK_OK). */
void dk_l_push_status_name(lua_State *L, dk_status st);
/* Raises the error object for `st` with a message formatted as lua_pushfstring does, after the
 * position of the caller at level 1. Never returns. */
int dk_l_raise_status(lua_State *L, dk_status st, const char *fmt, ...);
/* dk_l_raise_status at `place` ("design.lua:12: ", the line that made the component a failure
 * names) instead of the caller's position. Never returns. */
int dk_l_raise_status_at(lua_State *L, dk_status st, const char *place, const char *fmt, ...);

/* l_json.c: dk.json (encode, decode, null). */
void dk_l_open_json(lua_State *L);

/* l_splitwise.c: dk.splitwise (simplify, ledger, replay). */
void dk_l_open_splitwise(lua_State *L);
/* l_resilience.c: dk.breaker, dk.retry, dk.bulkhead, dk.health. */
void dk_l_open_resilience(lua_State *L);
/* l_snakes.c: dk.snakes (board). */
void dk_l_open_snakes(lua_State *L);
/* l_elevator.c: dk.elevator (seek, simulate; no userdata). */
void dk_l_open_elevator(lua_State *L);
void dk_l_open_atm(lua_State *L);
/* l_parking.c: dk.parking (a parking lot). */
void dk_l_open_parking(lua_State *L);
/* l_statemachine.c: dk.statemachine. */
void dk_l_open_statemachine(lua_State *L);
/* l_classes.c: dk.classes (UML class diagrams). */
void dk_l_open_classes(lua_State *L);
/* l_thread.c: dk.thread (l_thread.h: the state factory). */
void dk_l_open_thread(lua_State *L);
/* l_pool.c: dk.pool (a thread pool of Lua states, with futures). */
void dk_l_open_pool(lua_State *L);
/* l_queues.c: dk.queue (bounded blocking queue) and dk.ring (lock-free rings), shared handles. */
void dk_l_open_queues(lua_State *L);
/* l_sync.c: dk.mutex, dk.rwlock, dk.semaphore, dk.latch, dk.barrier, dk.map, dk.lockorder. */
void dk_l_open_sync(lua_State *L);
/* l_shard.c: dk.shard (sharders, plans, dk.shard.report). */
void dk_l_open_shard(lua_State *L);
/* l_limiter.c: dk.limiter (rate limiters). */
void dk_l_open_limiter(lua_State *L);
/* l_hash.c: dk.hash (jump, ring, maglev, rendezvous, key). dk_l_hash_key: the hash of the key at
 * `idx` (an integer through dk_hash_u64, a string through dk_hash_string), or an argument error. */
void dk_l_open_hash(lua_State *L);
uint64_t dk_l_hash_key(lua_State *L, int idx);
/* l_balancer.c: dk.balancer. */
void dk_l_open_balancer(lua_State *L);
/* l_storage.c: dk.wal (a write-ahead log on disk) and dk.index (B+tree and hash indexes). */
void dk_l_open_storage(lua_State *L);
/* dk.cache (l_cache.c) */
void dk_l_open_cache(lua_State *L);
/* l_cache_replay.c: dk.cache_replay (a trace through cache policies and sizes). */
void dk_l_open_cache_replay(lua_State *L);

/* Fields of the table on top of the stack, for the glue that returns figures as tables
 * (stats, reports): t[field] = v. A NULL string sets nothing. */
static inline void dk_l_set_number(lua_State *L, const char *field, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, field);
}

static inline void dk_l_set_integer(lua_State *L, const char *field, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, field);
}

static inline void dk_l_set_string(lua_State *L, const char *field, const char *v)
{
    if (v == NULL)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, field);
}

#endif

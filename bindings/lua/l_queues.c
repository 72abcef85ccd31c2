/* l_queues.c - dk.queue (the bounded blocking queue) and dk.ring (the lock-free rings) as
 * handles that Lua states on different threads share; items are copied values. */
#include <stdatomic.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/bqueue.h"
#include "designkit/ring.h"
#include "l_common.h"
#include "l_shared.h"

typedef struct lqueue {
    dk_l_shared base; /* first: the handles point here */
    dk_bqueue_t *q;   /* holds dk_l_value pointers */
} lqueue;

/* The SPSC ring trusts its caller to push from one thread and pop from one thread. A script
 * cannot be trusted so: two states pushing at once would write one slot twice, and the item
 * copy lost or freed twice. Each side therefore takes a flag around its call, and a second
 * thread that finds it taken is told so instead of corrupting the ring. */
typedef struct lring {
    dk_l_shared base;
    dk_ring_t *r;
    atomic_flag pushing, popping; /* SPSC only */
} lring;

static void free_value(void *p)
{
    dk_l_value_free(p);
}

/* ---- options ------------------------------------------------------------------------------ */

/* opts.capacity: a required integer in 1 .. max. */
static size_t check_capacity(lua_State *L, int idx, const char *what, size_t max)
{
    int isint = 0;
    lua_Integer n = 0;
    int t = lua_getfield(L, idx, "capacity");
    if (t == LUA_TNUMBER)
        n = lua_tointegerx(L, -1, &isint);
    if (!isint || n < 1 || (lua_Unsigned)n > max) {
        const char *got = t == LUA_TNIL ? "nothing" : luaL_tolstring(L, -1, NULL);
        luaL_error(L, "%s: capacity must be an integer between 1 and %d (got %s)", what, (int)max,
                   got);
    }
    lua_pop(L, 1);
    return (size_t)n;
}

static void check_options(lua_State *L, const char *what, const char *const *keys)
{
    luaL_argexpected(L, lua_type(L, 1) == LUA_TTABLE, 1, "an options table { capacity = N }");
    lua_settop(L, 1);
    dk_l_check_keys(L, 1, what, keys);
}

/* The optional timeout at `idx`: nil waits forever (-1), else a duration (seconds or "2ms"). */
static int64_t check_timeout(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return -1;
    int64_t ns;
    dk_error err;
    if (!dk_l_to_duration(L, idx, &ns, &err))
        luaL_argerror(L, idx, lua_pushfstring(L, "timeout: %s", err.message));
    return ns;
}

/* The item at `idx` copied out of this state; raises naming where in it a value cannot go. */
static dk_l_value *copy_item(lua_State *L, int idx)
{
    dk_error err;
    luaL_checkany(L, idx);
    dk_l_value *v = dk_l_value_copy(L, idx, "item", &err);
    if (v == NULL)
        dk_l_raise(L, &err);
    return v;
}

/* The registry field holding this state's item box (see take_box). */
#define ITEM_BOX "designkit.queues.box"

/*
 * An item taken out of a structure is owned by C until it is pushed, and pushing it may raise
 * (out of memory): it is parked in a box first, so the box's __gc frees it if so. One box per
 * state, made once and anchored in the registry, serves every pop: a box per pop would be
 * garbage with a finaliser on the hot path. Whatever a raised push left in it is freed here.
 */
static void **take_box(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, ITEM_BOX) != LUA_TUSERDATA) {
        lua_pop(L, 1);
        dk_l_newbox(L, free_value);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, ITEM_BOX);
    }
    dk_l_box_free(L, -1);
    void **box = lua_touserdata(L, -1);
    lua_pop(L, 1); /* the registry keeps it */
    return box;
}

/* Pushes the item `v` and frees the C copy; `box` comes from take_box, before `v` was taken. */
static void push_item(lua_State *L, void **box, dk_l_value *v)
{
    *box = v;
    dk_l_value_push(L, v);
    *box = NULL;
    dk_l_value_free(v);
}

/* ---- dk.queue ------------------------------------------------------------------------------ */

static void queue_destroy(dk_l_shared *s)
{
    lqueue *lq = (lqueue *)s;
    void *item;
    /* The last handle is gone, so no thread can be waiting; what is left is ours to free. */
    while (dk_bqueue_pop(lq->q, &item, 0) == DK_OK)
        dk_l_value_free(item);
    dk_bqueue_free(lq->q);
    dk_free(lq);
}

static dk_bqueue_t *check_queue(lua_State *L)
{
    return ((lqueue *)dk_l_shared_check(L, 1, DK_MT_QUEUE))->q;
}

/* dk.queue { capacity = N } */
static int l_queue(lua_State *L)
{
    static const char *const keys[] = {"capacity", NULL};
    check_options(L, "queue", keys);
    size_t cap = check_capacity(L, 1, "queue", DK_BQUEUE_MAX_CAPACITY);
    dk_error err;
    lqueue *lq = dk_calloc(1, sizeof *lq);
    if (lq == NULL)
        return dk_l_raise_status(L, DK_ENOMEM, "queue: out of memory");
    lq->q = dk_bqueue_new(cap, &err);
    if (lq->q == NULL) {
        dk_free(lq);
        return dk_l_raise_status(L, err.status, "queue: %s", err.message);
    }
    dk_l_shared_init(&lq->base, DK_MT_QUEUE, queue_destroy);
    /* Released after the push; if the push raises (out of memory) the object leaks, which
     * only a failing allocator can cause. */
    dk_l_shared_push(L, &lq->base);
    dk_l_shared_release(&lq->base);
    return 1;
}

/* Shared by push and try_push: `why_full` is what a refusal on a full queue says. */
static int queue_push(lua_State *L, int64_t timeout, const char *why_full)
{
    dk_bqueue_t *q = check_queue(L);
    dk_l_value *v = copy_item(L, 2);
    dk_status st = dk_bqueue_push(q, v, timeout);
    if (st == DK_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    dk_l_value_free(v);
    lua_pushboolean(L, 0);
    lua_pushstring(L, st == DK_ESTATE ? "closed" : why_full);
    return 2;
}

static int q_push(lua_State *L)
{
    return queue_push(L, check_timeout(L, 3), "timeout");
}

static int q_try_push(lua_State *L)
{
    return queue_push(L, 0, "full");
}

static int queue_pop(lua_State *L, int64_t timeout, const char *why_empty)
{
    dk_bqueue_t *q = check_queue(L);
    void **box = take_box(L);
    void *item;
    dk_status st = dk_bqueue_pop(q, &item, timeout);
    if (st != DK_OK) {
        lua_pushnil(L);
        lua_pushstring(L, st == DK_ESTATE ? "closed" : why_empty);
        return 2;
    }
    push_item(L, box, item);
    return 1;
}

static int q_pop(lua_State *L)
{
    return queue_pop(L, check_timeout(L, 2), "timeout");
}

static int q_try_pop(lua_State *L)
{
    return queue_pop(L, 0, "empty");
}

static int q_close(lua_State *L)
{
    dk_bqueue_close(check_queue(L));
    return 0;
}

static int q_is_closed(lua_State *L)
{
    lua_pushboolean(L, dk_bqueue_is_closed(check_queue(L)));
    return 1;
}

static int q_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_bqueue_len(check_queue(L)));
    return 1;
}

static int q_capacity(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_bqueue_capacity(check_queue(L)));
    return 1;
}

static int q_tostring(lua_State *L)
{
    dk_l_shared *s = dk_l_shared_test(L, 1);
    if (s == NULL)
        return lua_pushliteral(L, "queue (closed handle)"), 1;
    dk_bqueue_t *q = ((lqueue *)s)->q;
    lua_pushfstring(L, "queue (%d/%d%s)", (int)dk_bqueue_len(q), (int)dk_bqueue_capacity(q),
                    dk_bqueue_is_closed(q) ? ", closed" : "");
    return 1;
}

static const luaL_Reg queue_methods[] = {
    {"push", q_push},       {"pop", q_pop},           {"try_push", q_try_push},
    {"try_pop", q_try_pop}, {"close", q_close},       {"is_closed", q_is_closed},
    {"len", q_len},         {"capacity", q_capacity}, {NULL, NULL}};

/* ---- dk.ring ------------------------------------------------------------------------------- */

static void ring_destroy(dk_l_shared *s)
{
    lring *lr = (lring *)s;
    void *item;
    while (dk_ring_pop(lr->r, &item))
        dk_l_value_free(item);
    dk_ring_free(lr->r);
    dk_free(lr);
}

static lring *check_ring(lua_State *L)
{
    return (lring *)dk_l_shared_check(L, 1, DK_MT_RING);
}

/* dk.ring { capacity = N, kind = "mpmc" | "spsc" } */
static int l_ring(lua_State *L)
{
    static const char *const keys[] = {"capacity", "kind", NULL};
    check_options(L, "ring", keys);
    size_t cap = check_capacity(L, 1, "ring", DK_RING_MAX_CAPACITY);
    dk_ring_kind kind = DK_RING_MPMC;
    int t = lua_getfield(L, 1, "kind");
    if (t != LUA_TNIL && (t != LUA_TSTRING || dk_ring_kind_parse(lua_tostring(L, -1), &kind)))
        return luaL_error(L, "ring: kind must be \"mpmc\" or \"spsc\" (got %s)",
                          luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
    dk_error err;
    lring *lr = dk_calloc(1, sizeof *lr);
    if (lr == NULL)
        return dk_l_raise_status(L, DK_ENOMEM, "ring: out of memory");
    lr->r = dk_ring_new(cap, kind, &err);
    if (lr->r == NULL) {
        dk_free(lr);
        return dk_l_raise_status(L, err.status, "ring: %s", err.message);
    }
    atomic_flag_clear(&lr->pushing);
    atomic_flag_clear(&lr->popping);
    dk_l_shared_init(&lr->base, DK_MT_RING, ring_destroy);
    dk_l_shared_push(L, &lr->base);
    dk_l_shared_release(&lr->base);
    return 1;
}

/* Takes an SPSC ring's side `flag`. Acquire pairs with the release in side_leave, so a thread
 * that takes a side after another left it sees that thread's view of the ring (its cached
 * index included). */
static int side_enter(lring *lr, atomic_flag *flag)
{
    if (dk_ring_kind_of(lr->r) != DK_RING_SPSC)
        return 1;
    return !atomic_flag_test_and_set_explicit(flag, memory_order_acquire);
}

static void side_leave(lring *lr, atomic_flag *flag)
{
    if (dk_ring_kind_of(lr->r) == DK_RING_SPSC)
        atomic_flag_clear_explicit(flag, memory_order_release);
}

static int r_push(lua_State *L)
{
    lring *lr = check_ring(L);
    dk_l_value *v = copy_item(L, 2);
    if (!side_enter(lr, &lr->pushing)) {
        dk_l_value_free(v);
        return luaL_error(L, "ring: an spsc ring was pushed from two threads at once "
                             "(use kind = \"mpmc\")");
    }
    int ok = dk_ring_push(lr->r, v);
    side_leave(lr, &lr->pushing);
    if (!ok) {
        dk_l_value_free(v);
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "full");
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int r_pop(lua_State *L)
{
    lring *lr = check_ring(L);
    void **box = take_box(L);
    if (!side_enter(lr, &lr->popping))
        return luaL_error(L, "ring: an spsc ring was popped from two threads at once "
                             "(use kind = \"mpmc\")");
    void *item;
    int ok = dk_ring_pop(lr->r, &item);
    side_leave(lr, &lr->popping);
    if (!ok) {
        lua_pushnil(L);
        lua_pushliteral(L, "empty");
        return 2;
    }
    push_item(L, box, item);
    return 1;
}

static int r_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_ring_len(check_ring(L)->r));
    return 1;
}

static int r_capacity(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_ring_capacity(check_ring(L)->r));
    return 1;
}

static int r_kind(lua_State *L)
{
    lua_pushstring(L, dk_ring_kind_name(dk_ring_kind_of(check_ring(L)->r)));
    return 1;
}

static int r_tostring(lua_State *L)
{
    dk_l_shared *s = dk_l_shared_test(L, 1);
    if (s == NULL)
        return lua_pushliteral(L, "ring (closed handle)"), 1;
    dk_ring_t *r = ((lring *)s)->r;
    lua_pushfstring(L, "ring %s (%d/%d)", dk_ring_kind_name(dk_ring_kind_of(r)),
                    (int)dk_ring_len(r), (int)dk_ring_capacity(r));
    return 1;
}

static const luaL_Reg ring_methods[] = {{"push", r_push},         {"pop", r_pop},   {"len", r_len},
                                        {"capacity", r_capacity}, {"kind", r_kind}, {NULL, NULL}};

void dk_l_open_queues(lua_State *L)
{
    dk_l_shared_class(L, DK_MT_QUEUE, queue_methods, q_tostring);
    dk_l_shared_class(L, DK_MT_RING, ring_methods, r_tostring);
    lua_pop(L, 2);
    lua_pushcfunction(L, l_queue);
    lua_setfield(L, -2, "queue");
    lua_pushcfunction(L, l_ring);
    lua_setfield(L, -2, "ring");
}

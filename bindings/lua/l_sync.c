/* l_sync.c - dk.mutex, dk.rwlock, dk.semaphore, dk.latch, dk.barrier, dk.map and dk.lockorder:
 * the locks and the striped map of core/concurrency as handles Lua states share. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/cmap.h"
#include "designkit/lockorder.h"
#include "designkit/sync.h"
#include "l_common.h"
#include "l_shared.h"

/* ---- helpers */

/* The optional timeout at `idx`: absent or nil waits forever (-1); seconds or "2ms". */
static int64_t opt_timeout(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return -1;
    int64_t ns;
    dk_error err;
    if (!dk_l_to_duration(L, idx, &ns, &err))
        luaL_argerror(L, idx, lua_pushfstring(L, "timeout: %s", err.message));
    return ns;
}

/* A whole number argument at `idx` in [lo, hi] named `what`. */
static lua_Integer check_count(lua_State *L, int idx, const char *what, lua_Integer lo,
                               lua_Integer hi)
{
    int ok;
    lua_Integer n = lua_tointegerx(L, idx, &ok);
    if (!ok || n < lo || n > hi)
        luaL_argerror(L, idx,
                      lua_pushfstring(L, "%s must be a whole number from %I to %I (got %s)", what,
                                      lo, hi, luaL_tolstring(L, idx, NULL)));
    return n;
}

/* A string option `field` of the table at `idx`, or NULL when absent. */
static const char *name_option(lua_State *L, int idx, const char *what)
{
    if (lua_getfield(L, idx, "name") == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "%s: name must be a string (got %s)", what, luaL_typename(L, -1));
    const char *name = dk_l_check_name(L, -1, what);
    lua_pop(L, 1); /* still anchored in the options table */
    return name;
}

/* The options table at `idx` (absent: an empty one), its keys checked against `valid`. */
static void check_options(lua_State *L, int idx, const char *what, const char *const *valid)
{
    if (lua_isnoneornil(L, idx)) {
        lua_settop(L, idx); /* the options are the last argument: make their slot exist */
        lua_newtable(L);
        lua_replace(L, idx);
        return;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    dk_l_check_keys(L, idx, what, valid);
}

/* A number unique to the calling OS thread: a Lua state runs on one thread at a time, so it
 * stands for "this state" when a lock records its holders. */
static uintptr_t this_thread(void)
{
    static _Thread_local char marker;
    return (uintptr_t)&marker;
}

/* ---- dk.mutex */

typedef struct lmutex {
    dk_l_shared base;
    dk_mutex_t *m;
} lmutex;

static void mutex_destroy(dk_l_shared *s)
{
    lmutex *lm = (lmutex *)s;
    dk_mutex_free(lm->m);
    dk_free(lm);
}

static lmutex *check_mutex(lua_State *L)
{
    return (lmutex *)dk_l_shared_check(L, 1, DK_MT_MUTEX);
}

static int l_mutex_new(lua_State *L)
{
    static const char *const keys[] = {"name", NULL};
    check_options(L, 1, "mutex", keys);
    const char *name = name_option(L, 1, "mutex");
    lmutex *lm = dk_calloc(1, sizeof *lm);
    dk_error err;
    dk_error_clear(&err);
    if (lm == NULL || (lm->m = dk_mutex_new(name, &err)) == NULL) {
        dk_free(lm);
        return luaL_error(L, "dk.mutex: %s", err.message[0] ? err.message : "out of memory");
    }
    dk_l_shared_init(&lm->base, DK_MT_MUTEX, mutex_destroy);
    dk_l_shared_push(L, &lm->base);
    dk_l_shared_release(&lm->base);
    return 1;
}

/* Raises the error of a lock call that failed for a reason other than its timeout. */
static int lock_error(lua_State *L, const char *kind, const char *name, const char *method,
                      dk_status st, const char *misuse)
{
    if (st == DK_ESTATE)
        return luaL_error(L, "%s \"%s\": %s: %s", kind, name, method, misuse);
    return luaL_error(L, "%s \"%s\": %s: %s", kind, name, method, dk_strerror(st));
}

static int l_mutex_lock(lua_State *L)
{
    lmutex *lm = check_mutex(L);
    dk_status st = dk_mutex_lock(lm->m, opt_timeout(L, 2));
    if (st != DK_OK && st != DK_ELIMIT)
        return lock_error(L, "mutex", dk_mutex_name(lm->m), "lock", st,
                          "already held by this thread (locking again would deadlock)");
    lua_pushboolean(L, st == DK_OK);
    return 1;
}

static int l_mutex_try_lock(lua_State *L)
{
    lmutex *lm = check_mutex(L);
    dk_status st = dk_mutex_lock(lm->m, 0);
    if (st != DK_OK && st != DK_ELIMIT)
        return lock_error(L, "mutex", dk_mutex_name(lm->m), "try_lock", st,
                          "already held by this thread");
    lua_pushboolean(L, st == DK_OK);
    return 1;
}

static int l_mutex_unlock(lua_State *L)
{
    lmutex *lm = check_mutex(L);
    dk_status st = dk_mutex_unlock(lm->m);
    if (st != DK_OK)
        return lock_error(L, "mutex", dk_mutex_name(lm->m), "unlock", st,
                          "not held by this thread");
    return 0;
}

/* m:with(fn, ...): fn(...) with the mutex held; it is unlocked whether fn returns or raises,
 * and fn's results or error go on to the caller. */
static int l_mutex_with(lua_State *L)
{
    lmutex *lm = check_mutex(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 2;
    dk_status st = dk_mutex_lock(lm->m, -1);
    if (st != DK_OK)
        return lock_error(L, "mutex", dk_mutex_name(lm->m), "with", st,
                          "already held by this thread (locking again would deadlock)");
    int rc = lua_pcall(L, nargs, LUA_MULTRET, 0);
    dk_mutex_unlock(lm->m);
    if (rc != LUA_OK)
        return lua_error(L);
    return lua_gettop(L) - 1;
}

static int l_mutex_name(lua_State *L)
{
    lua_pushstring(L, dk_mutex_name(check_mutex(L)->m));
    return 1;
}

static int l_mutex_tostring(lua_State *L)
{
    lmutex *lm = (lmutex *)dk_l_shared_test(L, 1);
    lua_pushfstring(L, "mutex \"%s\"", lm ? dk_mutex_name(lm->m) : "(closed)");
    return 1;
}

/* ---- dk.rwlock */

/* Which threads (states) hold read locks, and how many each: the C lock counts readers only,
 * and a read_unlock from a state holding none must be an error, not another state's unlock. */
typedef struct holder {
    uintptr_t thread;
    int reads;
} holder;

typedef struct lrwlock {
    dk_l_shared base;
    dk_rwlock_t *l;
    pthread_mutex_t mu; /* guards holders */
    holder *holders;
    int nholders, cap;
} lrwlock;

static void rwlock_destroy(dk_l_shared *s)
{
    lrwlock *lr = (lrwlock *)s;
    dk_rwlock_free(lr->l);
    pthread_mutex_destroy(&lr->mu);
    dk_free(lr->holders);
    dk_free(lr);
}

static lrwlock *check_rwlock(lua_State *L)
{
    return (lrwlock *)dk_l_shared_check(L, 1, DK_MT_RWLOCK);
}

static int l_rwlock_new(lua_State *L)
{
    static const char *const keys[] = {"name", "writer_preference", NULL};
    check_options(L, 1, "rwlock", keys);
    const char *name = name_option(L, 1, "rwlock");
    int pref = 0;
    int t = lua_getfield(L, 1, "writer_preference");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        return luaL_error(L, "rwlock: writer_preference must be true or false (got %s)",
                          luaL_typename(L, -1));
    pref = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lrwlock *lr = dk_calloc(1, sizeof *lr);
    dk_error err;
    dk_error_clear(&err);
    if (lr == NULL || pthread_mutex_init(&lr->mu, NULL) != 0) {
        dk_free(lr);
        return luaL_error(L, "dk.rwlock: out of memory");
    }
    if ((lr->l = dk_rwlock_new(name, pref, &err)) == NULL) {
        pthread_mutex_destroy(&lr->mu);
        dk_free(lr);
        return luaL_error(L, "dk.rwlock: %s", err.message);
    }
    dk_l_shared_init(&lr->base, DK_MT_RWLOCK, rwlock_destroy);
    dk_l_shared_push(L, &lr->base);
    dk_l_shared_release(&lr->base);
    return 1;
}

/* Adds `delta` to this thread's read count. Returns 0, or -1 when a release finds none (or a
 * new holder finds no memory). */
static int count_reads(lrwlock *lr, int delta)
{
    uintptr_t me = this_thread();
    int rc = -1;
    pthread_mutex_lock(&lr->mu);
    int i = 0;
    while (i < lr->nholders && lr->holders[i].thread != me)
        i++;
    if (i < lr->nholders) {
        lr->holders[i].reads += delta;
        if (lr->holders[i].reads == 0)
            lr->holders[i] = lr->holders[--lr->nholders];
        rc = 0;
    } else if (delta > 0) {
        if (lr->nholders == lr->cap) {
            int nc = lr->cap ? lr->cap * 2 : 4;
            holder *h = dk_realloc(lr->holders, (size_t)nc * sizeof *h);
            if (h != NULL) {
                lr->holders = h;
                lr->cap = nc;
            }
        }
        if (lr->nholders < lr->cap) {
            lr->holders[lr->nholders++] = (holder){me, delta};
            rc = 0;
        }
    }
    pthread_mutex_unlock(&lr->mu);
    return rc;
}

static int l_rwlock_read_lock(lua_State *L)
{
    lrwlock *lr = check_rwlock(L);
    dk_status st = dk_rwlock_read_lock(lr->l, opt_timeout(L, 2));
    if (st != DK_OK && st != DK_ELIMIT)
        return lock_error(L, "rwlock", dk_rwlock_name(lr->l), "read_lock", st,
                          "this thread holds the write lock (it would deadlock)");
    if (st == DK_OK && count_reads(lr, 1) != 0) {
        dk_rwlock_read_unlock(lr->l);
        return luaL_error(L, "rwlock \"%s\": read_lock: out of memory", dk_rwlock_name(lr->l));
    }
    lua_pushboolean(L, st == DK_OK);
    return 1;
}

static int l_rwlock_read_unlock(lua_State *L)
{
    lrwlock *lr = check_rwlock(L);
    if (count_reads(lr, -1) != 0)
        return luaL_error(L, "rwlock \"%s\": read_unlock: this thread holds no read lock",
                          dk_rwlock_name(lr->l));
    dk_rwlock_read_unlock(lr->l);
    return 0;
}

static int l_rwlock_write_lock(lua_State *L)
{
    lrwlock *lr = check_rwlock(L);
    dk_status st = dk_rwlock_write_lock(lr->l, opt_timeout(L, 2));
    if (st != DK_OK && st != DK_ELIMIT)
        return lock_error(L, "rwlock", dk_rwlock_name(lr->l), "write_lock", st,
                          "this thread already holds the write lock (it would deadlock)");
    lua_pushboolean(L, st == DK_OK);
    return 1;
}

static int l_rwlock_write_unlock(lua_State *L)
{
    lrwlock *lr = check_rwlock(L);
    dk_status st = dk_rwlock_write_unlock(lr->l);
    if (st != DK_OK)
        return lock_error(L, "rwlock", dk_rwlock_name(lr->l), "write_unlock", st,
                          "this thread does not hold the write lock");
    return 0;
}

static int l_rwlock_tostring(lua_State *L)
{
    lrwlock *lr = (lrwlock *)dk_l_shared_test(L, 1);
    lua_pushfstring(L, "rwlock \"%s\"", lr ? dk_rwlock_name(lr->l) : "(closed)");
    return 1;
}

/* ---- dk.semaphore, dk.latch, dk.barrier: one shared wrapper holding any of the three */

typedef struct lcoord {
    dk_l_shared base;
    void *obj;
    void (*free_obj)(void *obj);
} lcoord;

static void coord_destroy(dk_l_shared *s)
{
    lcoord *c = (lcoord *)s;
    c->free_obj(c->obj);
    dk_free(c);
}

static void free_semaphore(void *o)
{
    dk_semaphore_free(o);
}
static void free_latch(void *o)
{
    dk_latch_free(o);
}
static void free_barrier(void *o)
{
    dk_barrier_free(o);
}

static void push_coord(lua_State *L, const char *mt, void *obj, void (*free_obj)(void *),
                       const char *what)
{
    lcoord *c = dk_calloc(1, sizeof *c);
    if (c == NULL) {
        free_obj(obj);
        luaL_error(L, "%s: out of memory", what);
        return;
    }
    c->obj = obj;
    c->free_obj = free_obj;
    dk_l_shared_init(&c->base, mt, coord_destroy);
    dk_l_shared_push(L, &c->base);
    dk_l_shared_release(&c->base);
}

static void *check_coord(lua_State *L, const char *mt)
{
    return ((lcoord *)dk_l_shared_check(L, 1, mt))->obj;
}

/* dk.semaphore(permits [, max]) */
static int l_semaphore_new(lua_State *L)
{
    lua_Integer n = check_count(L, 1, "permits", 0, INT64_MAX);
    lua_Integer max = lua_isnoneornil(L, 2) ? 0 : check_count(L, 2, "max", 1, INT64_MAX);
    if (max > 0 && n > max)
        return luaL_argerror(L, 1, lua_pushfstring(L, "permits %I is more than max %I", n, max));
    dk_error err;
    dk_semaphore_t *s = dk_semaphore_new(n, max, &err);
    if (s == NULL)
        return luaL_error(L, "dk.semaphore: %s", err.message);
    push_coord(L, DK_MT_SEMAPHORE, s, free_semaphore, "dk.semaphore");
    return 1;
}

static int l_semaphore_acquire(lua_State *L)
{
    dk_semaphore_t *s = check_coord(L, DK_MT_SEMAPHORE);
    lua_pushboolean(L, dk_semaphore_acquire(s, opt_timeout(L, 2)) == DK_OK);
    return 1;
}

static int l_semaphore_try_acquire(lua_State *L)
{
    dk_semaphore_t *s = check_coord(L, DK_MT_SEMAPHORE);
    lua_pushboolean(L, dk_semaphore_acquire(s, 0) == DK_OK);
    return 1;
}

static int l_semaphore_release(lua_State *L)
{
    dk_semaphore_t *s = check_coord(L, DK_MT_SEMAPHORE);
    lua_Integer n = lua_isnoneornil(L, 2) ? 1 : check_count(L, 2, "n", 1, INT64_MAX);
    if (dk_semaphore_release(s, n) != DK_OK)
        return luaL_error(L, "semaphore: release(%I): the count %I would pass its bound", n,
                          (lua_Integer)dk_semaphore_count(s));
    return 0;
}

static int l_semaphore_count(lua_State *L)
{
    lua_pushinteger(L, dk_semaphore_count(check_coord(L, DK_MT_SEMAPHORE)));
    return 1;
}

static int l_latch_new(lua_State *L)
{
    dk_error err;
    dk_latch_t *l = dk_latch_new(check_count(L, 1, "count", 0, INT64_MAX), &err);
    if (l == NULL)
        return luaL_error(L, "dk.latch: %s", err.message);
    push_coord(L, DK_MT_LATCH, l, free_latch, "dk.latch");
    return 1;
}

static int l_latch_count_down(lua_State *L)
{
    dk_latch_t *l = check_coord(L, DK_MT_LATCH);
    lua_Integer n = lua_isnoneornil(L, 2) ? 1 : check_count(L, 2, "n", 1, INT64_MAX);
    if (dk_latch_count_down(l, n) != DK_OK)
        return luaL_error(L, "latch: count_down(%I): only %I left", n,
                          (lua_Integer)dk_latch_count(l));
    return 0;
}

static int l_latch_wait(lua_State *L)
{
    dk_latch_t *l = check_coord(L, DK_MT_LATCH);
    lua_pushboolean(L, dk_latch_wait(l, opt_timeout(L, 2)) == DK_OK);
    return 1;
}

static int l_latch_count(lua_State *L)
{
    lua_pushinteger(L, dk_latch_count(check_coord(L, DK_MT_LATCH)));
    return 1;
}

static int l_barrier_new(lua_State *L)
{
    dk_error err;
    dk_barrier_t *b = dk_barrier_new((int)check_count(L, 1, "parties", 1, 1 << 20), &err);
    if (b == NULL)
        return luaL_error(L, "dk.barrier: %s", err.message);
    push_coord(L, DK_MT_BARRIER, b, free_barrier, "dk.barrier");
    return 1;
}

/* b:wait([timeout]) -> true, serial | false (timed out, withdrawn) */
static int l_barrier_wait(lua_State *L)
{
    dk_barrier_t *b = check_coord(L, DK_MT_BARRIER);
    int serial = 0;
    if (dk_barrier_wait(b, opt_timeout(L, 2), &serial) != DK_OK) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_pushboolean(L, 1);
    lua_pushboolean(L, serial);
    return 2;
}

static int l_barrier_generation(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_barrier_generation(check_coord(L, DK_MT_BARRIER)));
    return 1;
}

static int l_coord_tostring(lua_State *L)
{
    lua_pushfstring(L, "%s", luaL_typename(L, 1));
    return 1;
}

/* ---- dk.map: values are dk_l_value copies, reference-counted so a get can copy one out
 * after the stripe's lock is gone while another state deletes it */

typedef struct mapval {
    atomic_int refs;
    dk_l_value *v;
} mapval;

static void mapval_retain(void *p)
{
    /* Relaxed: called under the stripe's lock, from a reference the map holds. */
    atomic_fetch_add_explicit(&((mapval *)p)->refs, 1, memory_order_relaxed);
}

static void mapval_release(void *p)
{
    mapval *mv = p;
    /* acq_rel: the last holder must see the others' use of the value done before it frees. */
    if (mv != NULL && atomic_fetch_sub_explicit(&mv->refs, 1, memory_order_acq_rel) == 1) {
        dk_l_value_free(mv->v);
        dk_free(mv);
    }
}

typedef struct lmap {
    dk_l_shared base;
    dk_cmap_t *m;
} lmap;

static void map_destroy(dk_l_shared *s)
{
    lmap *lm = (lmap *)s;
    dk_cmap_free(lm->m);
    dk_free(lm);
}

static dk_cmap_t *check_map(lua_State *L)
{
    return ((lmap *)dk_l_shared_check(L, 1, DK_MT_MAP))->m;
}

static const char *check_key(lua_State *L, int idx, const char *method)
{
    size_t len;
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_argerror(L, idx,
                      lua_pushfstring(L, "map:%s: a key must be a string (got %s)", method,
                                      luaL_typename(L, idx)));
    const char *k = lua_tolstring(L, idx, &len);
    if (strlen(k) != len)
        luaL_argerror(L, idx, lua_pushfstring(L, "map:%s: a key cannot hold a NUL byte", method));
    return k;
}

static int l_map_new(lua_State *L)
{
    static const char *const keys[] = {"stripes", NULL};
    check_options(L, 1, "map", keys);
    lua_Integer stripes = 16;
    if (lua_getfield(L, 1, "stripes") != LUA_TNIL)
        stripes = check_count(L, -1, "stripes", 1, DK_CMAP_MAX_STRIPES);
    lua_pop(L, 1);
    static const dk_cmap_value_ops ops = {mapval_retain, mapval_release};
    lmap *lm = dk_calloc(1, sizeof *lm);
    dk_error err;
    dk_error_clear(&err);
    if (lm == NULL || (lm->m = dk_cmap_new((int)stripes, &ops, &err)) == NULL) {
        dk_free(lm);
        return luaL_error(L, "dk.map: %s", err.message[0] ? err.message : "out of memory");
    }
    dk_l_shared_init(&lm->base, DK_MT_MAP, map_destroy);
    dk_l_shared_push(L, &lm->base);
    dk_l_shared_release(&lm->base);
    return 1;
}

static int l_map_get(lua_State *L)
{
    dk_cmap_t *m = check_map(L);
    const char *key = check_key(L, 2, "get");
    /* The box owns our reference while dk_l_value_push may raise (out of memory). */
    void **box = dk_l_newbox(L, mapval_release);
    void *v;
    if (dk_cmap_get(m, key, &v) != DK_OK) {
        lua_pushnil(L);
        return 1;
    }
    *box = v;
    dk_l_value_push(L, ((mapval *)v)->v);
    dk_l_box_free(L, -2);
    return 1;
}

static int l_map_put(lua_State *L)
{
    dk_cmap_t *m = check_map(L);
    const char *key = check_key(L, 2, "put");
    luaL_checkany(L, 3);
    if (lua_isnil(L, 3)) { /* as with a table: storing nil removes the key */
        dk_cmap_delete(m, key);
        return 0;
    }
    dk_error err;
    dk_l_value *v = dk_l_value_copy(L, 3, "value", &err);
    if (v == NULL)
        return luaL_argerror(L, 3, lua_pushfstring(L, "map:put: %s", err.message));
    mapval *mv = dk_malloc(sizeof *mv);
    if (mv == NULL || dk_cmap_put(m, key, mv) != DK_OK) {
        dk_free(mv);
        dk_l_value_free(v);
        return luaL_error(L, "map:put: out of memory");
    }
    atomic_init(&mv->refs, 1);
    mv->v = v;
    return 0;
}

static int l_map_delete(lua_State *L)
{
    dk_cmap_t *m = check_map(L);
    lua_pushboolean(L, dk_cmap_delete(m, check_key(L, 2, "delete")) == DK_OK);
    return 1;
}

static int l_map_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_cmap_len(check_map(L)));
    return 1;
}

/* The keys collected under the stripes' locks, pushed after (pushing may raise). */
typedef struct key_list {
    char **keys;
    size_t n, cap;
    int failed;
} key_list;

static void key_list_free(void *p)
{
    key_list *kl = p;
    for (size_t i = 0; i < kl->n; i++)
        dk_free(kl->keys[i]);
    dk_free(kl->keys);
    dk_free(kl);
}

static int collect_key(const char *key, void *value, void *ud)
{
    (void)value;
    key_list *kl = ud;
    if (kl->n == kl->cap) {
        size_t nc = kl->cap ? kl->cap * 2 : 16;
        char **k = dk_realloc(kl->keys, nc * sizeof *k);
        if (k == NULL)
            return kl->failed = 1;
        kl->keys = k;
        kl->cap = nc;
    }
    if ((kl->keys[kl->n] = dk_strdup(key)) == NULL)
        return kl->failed = 1;
    kl->n++;
    return 0;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* m:keys() -> the keys, sorted (each stripe seen at one instant: see dk_cmap_foreach). */
static int l_map_keys(lua_State *L)
{
    dk_cmap_t *m = check_map(L);
    void **box = dk_l_newbox(L, key_list_free);
    key_list *kl = dk_calloc(1, sizeof *kl);
    if (kl == NULL)
        return luaL_error(L, "map:keys: out of memory");
    *box = kl;
    dk_cmap_foreach(m, collect_key, kl);
    if (kl->failed)
        return luaL_error(L, "map:keys: out of memory");
    qsort(kl->keys, kl->n, sizeof *kl->keys, cmp_keys);
    lua_createtable(L, (int)kl->n, 0);
    for (size_t i = 0; i < kl->n; i++) {
        lua_pushstring(L, kl->keys[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    dk_l_box_free(L, -2);
    return 1;
}

static int l_map_tostring(lua_State *L)
{
    lmap *lm = (lmap *)dk_l_shared_test(L, 1);
    if (lm == NULL)
        lua_pushliteral(L, "map (closed)");
    else
        lua_pushfstring(L, "map (%I keys, %d stripes)", (lua_Integer)dk_cmap_len(lm->m),
                        dk_cmap_stripes(lm->m));
    return 1;
}

/* ---- dk.lockorder */

static int l_lockorder_enable(lua_State *L)
{
    dk_lockorder_enable(lua_isnone(L, 1) ? 1 : lua_toboolean(L, 1));
    return 0;
}

static int l_lockorder_enabled(lua_State *L)
{
    lua_pushboolean(L, dk_lockorder_enabled());
    return 1;
}

static int l_lockorder_reset(lua_State *L)
{
    (void)L;
    dk_lockorder_reset();
    return 0;
}

/* dk.lockorder.findings() -> { { text = "...", locks = { "A", "B" } }, ... } */
static int l_lockorder_findings(lua_State *L)
{
    size_t n = dk_lockorder_count();
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        dk_lockorder_finding f;
        if (dk_lockorder_get(i, &f) != DK_OK)
            break; /* reset meanwhile, or no memory for the copy: what we have */
        /* Copied into Lua strings before anything may raise, then freed. */
        lua_createtable(L, 0, 2);
        lua_pushstring(L, f.text);
        lua_setfield(L, -2, "text");
        lua_createtable(L, (int)f.nlocks, 0);
        for (size_t k = 0; k < f.nlocks; k++) {
            lua_pushstring(L, f.locks[k]);
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "locks");
        dk_lockorder_finding_clear(&f);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void dk_l_open_sync(lua_State *L)
{
    static const luaL_Reg mutex_methods[] = {
        {"lock", l_mutex_lock}, {"try_lock", l_mutex_try_lock}, {"unlock", l_mutex_unlock},
        {"with", l_mutex_with}, {"name", l_mutex_name},         {NULL, NULL}};
    static const luaL_Reg rwlock_methods[] = {{"read_lock", l_rwlock_read_lock},
                                              {"read_unlock", l_rwlock_read_unlock},
                                              {"write_lock", l_rwlock_write_lock},
                                              {"write_unlock", l_rwlock_write_unlock},
                                              {NULL, NULL}};
    static const luaL_Reg semaphore_methods[] = {{"acquire", l_semaphore_acquire},
                                                 {"try_acquire", l_semaphore_try_acquire},
                                                 {"release", l_semaphore_release},
                                                 {"count", l_semaphore_count},
                                                 {NULL, NULL}};
    static const luaL_Reg latch_methods[] = {{"count_down", l_latch_count_down},
                                             {"wait", l_latch_wait},
                                             {"count", l_latch_count},
                                             {NULL, NULL}};
    static const luaL_Reg barrier_methods[] = {
        {"wait", l_barrier_wait}, {"generation", l_barrier_generation}, {NULL, NULL}};
    static const luaL_Reg map_methods[] = {{"get", l_map_get},       {"put", l_map_put},
                                           {"delete", l_map_delete}, {"len", l_map_len},
                                           {"keys", l_map_keys},     {NULL, NULL}};
    dk_l_shared_class(L, DK_MT_MUTEX, mutex_methods, l_mutex_tostring);
    dk_l_shared_class(L, DK_MT_RWLOCK, rwlock_methods, l_rwlock_tostring);
    dk_l_shared_class(L, DK_MT_SEMAPHORE, semaphore_methods, l_coord_tostring);
    dk_l_shared_class(L, DK_MT_LATCH, latch_methods, l_coord_tostring);
    dk_l_shared_class(L, DK_MT_BARRIER, barrier_methods, l_coord_tostring);
    dk_l_shared_class(L, DK_MT_MAP, map_methods, l_map_tostring);
    lua_pop(L, 6);

    static const luaL_Reg funcs[] = {{"mutex", l_mutex_new},
                                     {"rwlock", l_rwlock_new},
                                     {"semaphore", l_semaphore_new},
                                     {"latch", l_latch_new},
                                     {"barrier", l_barrier_new},
                                     {"map", l_map_new},
                                     {NULL, NULL}};
    luaL_setfuncs(L, funcs, 0);
    static const luaL_Reg lockorder[] = {{"enable", l_lockorder_enable},
                                         {"enabled", l_lockorder_enabled},
                                         {"reset", l_lockorder_reset},
                                         {"findings", l_lockorder_findings},
                                         {NULL, NULL}};
    luaL_newlib(L, lockorder);
    lua_setfield(L, -2, "lockorder");
}

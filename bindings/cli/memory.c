/* memory.c - the memory limit: one budget for what the simulator (through designkit's
 * allocation hooks) and the Lua state hold together, so that a runaway design (a queue that
 * grows without end, a script that fills a table) stops with "the memory limit" and exit 2
 * instead of taking the machine down. The books are kept from the first allocation on, with no
 * limit, because the limit is known only once cli.lua has read the command line; setting it
 * then is one number.
 *
 * The states of dk.thread (thread_state.c) run on other OS threads and share the one budget:
 * the counts are atomics. Each count is a total that orders no other memory (a block's
 * contents are the allocator's business), so every operation on them is relaxed; taking is a
 * compare-and-swap loop so that two threads cannot both take the last bytes under the limit. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"

static atomic_size_t used, peak, limit = SIZE_MAX; /* SIZE_MAX: no limit */
static atomic_size_t lua_used;                     /* the part of `used` that Lua states hold */
static char limit_text[32]; /* set by the main state only, before a message reads it */
static int limit_origin = DK_CLI_ORIGIN_NONE;

/* Lua asks again after a full garbage collection when its allocator says no, so a refusal is
 * final when the same request is refused again, when it could not fit even if Lua freed all it
 * holds, or when the next request is another one: its string buffers raise "not enough
 * memory" at once, without collecting. A refusal still pending when the command ends is final
 * too (dk_cli_limits_stopped asks). */
typedef struct refusal {
    int pending;
    const void *ptr;
    size_t nsize;
} refusal;

/* Each state has its own (Lua's retry is per state): the main state's is this one; a thread's
 * state carries its own as its allocator's user data. */
static refusal main_refusal;

/* Books `n` more bytes, or says no without booking anything. */
static int take(size_t n)
{
    size_t now = atomic_load_explicit(&used, memory_order_relaxed);
    do {
        size_t cap = atomic_load_explicit(&limit, memory_order_relaxed);
        if (now > cap || n > cap - now) /* a limit set below what is held already refuses */
            return 0;
    } while (!atomic_compare_exchange_weak_explicit(&used, &now, now + n, memory_order_relaxed,
                                                    memory_order_relaxed));
    size_t high = atomic_load_explicit(&peak, memory_order_relaxed);
    while (now + n > high && !atomic_compare_exchange_weak_explicit(
                                 &peak, &high, now + n, memory_order_relaxed, memory_order_relaxed))
        ;
    return 1;
}

/* Takes `n` from the count `c`, stopping at 0. */
static void drop(atomic_size_t *c, size_t n)
{
    size_t now = atomic_load_explicit(c, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(c, &now, n > now ? 0 : now - n,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

static void give(size_t n)
{
    drop(&used, n);
}

/* designkit's hooks do not pass the old size to realloc and free, so each block carries it in
 * a header, aligned as malloc's own blocks are. */
typedef union header {
    size_t size;
    max_align_t align;
} header;

/* The core does not try again: its first refusal is the limit reached. */
static void *core_refused(void)
{
    dk_cli_limits_stop(DK_CLI_STOP_MEMORY);
    return NULL;
}

static void *core_malloc(size_t size, void *ud)
{
    (void)ud;
    if (size > SIZE_MAX - sizeof(header))
        return NULL;
    if (!take(size))
        return core_refused();
    header *h = (header *)malloc(sizeof *h + size);
    if (h == NULL) {
        give(size);
        return NULL;
    }
    h->size = size;
    return h + 1;
}

static void *core_realloc(void *ptr, size_t size, void *ud)
{
    if (ptr == NULL)
        return core_malloc(size, ud);
    header *h = (header *)ptr - 1;
    size_t old = h->size;
    if (size > SIZE_MAX - sizeof(header))
        return NULL;
    if (size > old && !take(size - old))
        return core_refused(); /* the old block stays valid, and booked */
    header *moved = (header *)realloc(h, sizeof *h + size);
    if (moved == NULL) {
        if (size > old)
            give(size - old);
        return NULL;
    }
    if (size < old)
        give(old - size);
    moved->size = size;
    return moved + 1;
}

static void core_free(void *ptr, void *ud)
{
    (void)ud;
    if (ptr == NULL)
        return;
    header *h = (header *)ptr - 1;
    give(h->size);
    free(h);
}

/* Lua's allocator gets the old size (osize is a type tag when ptr is NULL). Blocks made before
 * the switch came from the C library too, so realloc and free apply to them alike. */
static void *lua_budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    refusal *r = ud;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        give(osize);
        drop(&lua_used, osize);
        return NULL;
    }
    int again = r->pending && r->ptr == ptr && r->nsize == nsize;
    if (nsize > osize && r->pending && !again)
        dk_cli_limits_stop(DK_CLI_STOP_MEMORY); /* the last refusal was not asked again */
    if (nsize > osize && !take(nsize - osize)) {
        /* What the core holds, and the limit, as one thread sees them: another thread may
         * change both meanwhile, which only moves the stop by one allocation. */
        size_t all = atomic_load_explicit(&used, memory_order_relaxed);
        size_t in_lua = atomic_load_explicit(&lua_used, memory_order_relaxed);
        size_t cap = atomic_load_explicit(&limit, memory_order_relaxed);
        size_t core_used = all > in_lua ? all - in_lua : 0;
        if (again || core_used >= cap || nsize > cap - core_used)
            dk_cli_limits_stop(DK_CLI_STOP_MEMORY); /* no collection can make room */
        r->pending = 1;
        r->ptr = ptr;
        r->nsize = nsize;
        return NULL;
    }
    void *moved = realloc(ptr, nsize);
    if (moved == NULL) {
        if (nsize > osize)
            give(nsize - osize);
        return NULL;
    }
    if (nsize < osize) {
        give(osize - nsize);
        drop(&lua_used, osize - nsize);
    } else {
        atomic_fetch_add_explicit(&lua_used, nsize - osize, memory_order_relaxed);
        r->pending = 0;
    }
    return moved;
}

void dk_cli_memory_install(void)
{
    static const dk_allocator budget = {core_malloc, core_realloc, core_free, NULL};
    dk_set_allocator(&budget);
}

dk_status dk_cli_memory_set_limit(const char *text, int origin, dk_error *err)
{
    uint64_t bytes = 0;
    if (text == NULL || strcmp(text, "none") == 0) {
        atomic_store_explicit(&limit, SIZE_MAX, memory_order_relaxed);
        limit_text[0] = '\0';
        limit_origin = DK_CLI_ORIGIN_NONE;
        return DK_OK;
    }
    if (dk_parse_size(text, &bytes, err) != DK_OK)
        return err != NULL ? err->status : DK_EPARSE;
    if (bytes == 0 || bytes >= SIZE_MAX)
        return dk_error_set(err, DK_ERANGE,
                            "must be a size above 0, such as 512MiB, or none (got %s)", text);
    atomic_store_explicit(&limit, (size_t)bytes, memory_order_relaxed);
    snprintf(limit_text, sizeof limit_text, "%s", text); /* as the user wrote it */
    limit_origin = origin;
    return DK_OK;
}

int dk_cli_memory_limit_from_env(void)
{
    const char *text = getenv("DESIGNKIT_MAX_MEMORY");
    dk_error err;
    if (text == NULL || text[0] == '\0')
        return 0;
    dk_error_clear(&err);
    if (dk_cli_memory_set_limit(text, DK_CLI_ORIGIN_ENV, &err) != DK_OK) {
        fprintf(stderr, "designkit: DESIGNKIT_MAX_MEMORY: %s\n",
                err.message[0] ? err.message : "must be a size above 0, such as 512MiB");
        return -1;
    }
    return 1;
}

void dk_cli_memory_attach(lua_State *L)
{
    size_t held = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
    take(held);
    atomic_fetch_add_explicit(&lua_used, held, memory_order_relaxed);
    lua_setallocf(L, lua_budget_alloc, &main_refusal);
}

lua_State *dk_cli_memory_new_state(void)
{
    refusal *r = calloc(1, sizeof *r); /* outside the budget: a few bytes per thread */
    if (r == NULL)
        return NULL;
    lua_State *L = lua_newstate(lua_budget_alloc, r);
    if (L == NULL)
        free(r);
    return L;
}

void dk_cli_memory_close_state(lua_State *L)
{
    void *r = NULL;
    lua_getallocf(L, &r);
    lua_close(L);
    if (r != NULL && ((refusal *)r)->pending)
        dk_cli_limits_stop(DK_CLI_STOP_MEMORY); /* the thread ended on the refusal */
    free(r);
}

const char *dk_cli_memory_limit(void)
{
    return atomic_load_explicit(&limit, memory_order_relaxed) != SIZE_MAX ? limit_text : NULL;
}

int dk_cli_memory_origin(void)
{
    return limit_origin;
}

int dk_cli_memory_refusal_pending(void)
{
    return main_refusal.pending;
}

size_t dk_cli_memory_peak(void)
{
    return atomic_load_explicit(&peak, memory_order_relaxed);
}

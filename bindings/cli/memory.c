/* memory.c - the memory limit: one budget for what the simulator (through designkit's
 * allocation hooks) and the Lua state hold together, so that a runaway design (a queue that
 * grows without end, a script that fills a table) stops with "the memory limit" and exit 2
 * instead of taking the machine down. The books are kept from the first allocation on, with no
 * limit, because the limit is known only once cli.lua has read the command line; setting it
 * then is one number. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"

static size_t used, peak, limit = SIZE_MAX; /* SIZE_MAX: no limit */
static size_t lua_used;                     /* the part of `used` that Lua holds */
static char limit_text[32];
static int limit_origin = DK_CLI_ORIGIN_NONE;

/* Lua asks again after a full garbage collection when its allocator says no, so a refusal is
 * final when the same request is refused again, when it could not fit even if Lua freed all it
 * holds, or when the next request is another one: its string buffers raise "not enough
 * memory" at once, without collecting. A refusal still pending when the command ends is final
 * too (dk_cli_limits_stopped asks). */
static struct {
    int pending;
    const void *ptr;
    size_t nsize;
} refusal;

/* Books `n` more bytes, or says no without booking anything. */
static int take(size_t n)
{
    if (used > limit || n > limit - used) /* a limit set below what is held already refuses */
        return 0;
    used += n;
    if (used > peak)
        peak = used;
    return 1;
}

static void give(size_t n)
{
    used = n > used ? 0 : used - n;
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
    (void)ud;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        give(osize);
        lua_used -= osize < lua_used ? osize : lua_used;
        return NULL;
    }
    int again = refusal.pending && refusal.ptr == ptr && refusal.nsize == nsize;
    if (nsize > osize && refusal.pending && !again)
        dk_cli_limits_stop(DK_CLI_STOP_MEMORY); /* the last refusal was not asked again */
    if (nsize > osize && !take(nsize - osize)) {
        size_t core_used = used - lua_used;
        if (again || core_used >= limit || nsize > limit - core_used)
            dk_cli_limits_stop(DK_CLI_STOP_MEMORY); /* no collection can make room */
        refusal.pending = 1;
        refusal.ptr = ptr;
        refusal.nsize = nsize;
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
        lua_used -= osize - nsize < lua_used ? osize - nsize : lua_used;
    } else {
        lua_used += nsize - osize;
        refusal.pending = 0;
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
        limit = SIZE_MAX;
        limit_text[0] = '\0';
        limit_origin = DK_CLI_ORIGIN_NONE;
        return DK_OK;
    }
    if (dk_parse_size(text, &bytes, err) != DK_OK)
        return err != NULL ? err->status : DK_EPARSE;
    if (bytes == 0 || bytes >= SIZE_MAX)
        return dk_error_set(err, DK_ERANGE,
                            "must be a size above 0, such as 512MiB, or none (got %s)", text);
    limit = (size_t)bytes;
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
    lua_used += held;
    lua_setallocf(L, lua_budget_alloc, NULL);
}

const char *dk_cli_memory_limit(void)
{
    return limit != SIZE_MAX ? limit_text : NULL;
}

int dk_cli_memory_origin(void)
{
    return limit_origin;
}

int dk_cli_memory_refusal_pending(void)
{
    return refusal.pending;
}

size_t dk_cli_memory_peak(void)
{
    return peak;
}

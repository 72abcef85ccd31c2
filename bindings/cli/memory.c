/* memory.c - DESIGNKIT_MAX_MEMORY: one budget for what the simulator (through designkit's
 * allocation hooks) and the Lua state hold together, so that a runaway design (a queue that
 * grows without end) stops with "out of memory" and exit 3 instead of taking the machine down.
 * Without the variable nothing here is installed and allocation is the C library's. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"

static size_t used, limit; /* limit 0: no budget */
static char limit_text[32];

/* Books `n` more bytes, or says no without booking anything. */
static int take(size_t n)
{
    if (n > limit - used)
        return 0;
    used += n;
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

static void *core_malloc(size_t size, void *ud)
{
    (void)ud;
    if (size > SIZE_MAX - sizeof(header) || !take(size))
        return NULL;
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
    if (size > SIZE_MAX - sizeof(header) || (size > old && !take(size - old)))
        return NULL;
    header *moved = (header *)realloc(h, sizeof *h + size);
    if (moved == NULL) {
        if (size > old)
            give(size - old);
        return NULL; /* the old block stays valid, and booked */
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
        return NULL;
    }
    if (nsize > osize && !take(nsize - osize))
        return NULL; /* Lua collects garbage and asks again before it gives up */
    void *moved = realloc(ptr, nsize);
    if (moved == NULL) {
        if (nsize > osize)
            give(nsize - osize);
        return NULL;
    }
    if (nsize < osize)
        give(osize - nsize);
    return moved;
}

int dk_cli_memory_limit_from_env(void)
{
    const char *text = getenv("DESIGNKIT_MAX_MEMORY");
    uint64_t bytes;
    dk_error err;
    static const dk_allocator budget = {core_malloc, core_realloc, core_free, NULL};

    if (text == NULL || text[0] == '\0')
        return 0;
    dk_error_clear(&err);
    if (dk_parse_size(text, &bytes, &err) != DK_OK || bytes == 0 || bytes > SIZE_MAX) {
        fprintf(stderr, "designkit: DESIGNKIT_MAX_MEMORY: %s\n",
                err.message[0] ? err.message : "must be a size above 0, such as 512MiB");
        return -1;
    }
    limit = (size_t)bytes;
    snprintf(limit_text, sizeof limit_text, "%s", text);
    dk_set_allocator(&budget);
    return 1;
}

void dk_cli_memory_attach(lua_State *L)
{
    if (limit == 0)
        return;
    take((size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0));
    lua_setallocf(L, lua_budget_alloc, NULL);
}

const char *dk_cli_memory_limit(void)
{
    return limit != 0 ? limit_text : NULL;
}

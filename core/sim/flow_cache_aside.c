/* flow_cache_aside.c - the cache-aside flow: GET the cache; on a miss READ the db, SET the cache.
 */
#include "designkit/alloc.h"
#include "sim/engine.h"

typedef struct cache_aside {
    dk_actor_t *cache, *db;
} cache_aside;

/* Steps, kept in call->step: what the flow is waiting for. */
enum { START, GOT_CACHE, GOT_DB, GOT_SET };

static int answered(uint8_t st)
{
    return st == DK_REPLY_OK || st == DK_REPLY_HIT || st == DK_REPLY_MISS;
}

/* Makes the next sub-call and moves to `next`; FAIL if the call could not be made (the run has
 * been aborted then). */
static dk_flow_result ask(dk_flow_ctx *ctx, dk_actor_t *to, dk_op op, uint32_t next)
{
    if (dk_sim_call(ctx->sim, ctx->self, ctx->call, to, (uint8_t)op, ctx->call->key) == NULL)
        return DK_FLOW_FAIL;
    ctx->call->step = next;
    return DK_FLOW_WAIT;
}

/* A cache that answers OK (a plain station standing in for one) counts as a hit. Any sub-call
 * that is rejected or fails fails the request: the caller sees the outage. */
static dk_flow_result step(void *data, dk_flow_ctx *ctx)
{
    cache_aside *f = data;
    uint8_t st = DK_REPLY_PENDING;
    if (ctx->reply != NULL) {
        st = ctx->reply->status;
        dk_sim_release(ctx->sim, ctx->reply);
    }
    switch (ctx->call->step) {
    case START:
        return ask(ctx, f->cache, DK_OP_GET, GOT_CACHE);
    case GOT_CACHE:
        if (st == DK_REPLY_HIT || st == DK_REPLY_OK)
            return DK_FLOW_OK;
        if (st != DK_REPLY_MISS)
            return DK_FLOW_FAIL;
        return ask(ctx, f->db, DK_OP_READ, GOT_DB);
    case GOT_DB:
        if (!answered(st))
            return DK_FLOW_FAIL;
        return ask(ctx, f->cache, DK_OP_SET, GOT_SET);
    case GOT_SET:
    default:
        return answered(st) ? DK_FLOW_OK : DK_FLOW_FAIL;
    }
}

static void destroy(void *data)
{
    dk_free(data);
}

static const dk_flow_ops cache_aside_ops = {"cache_aside", step, NULL, destroy};

/*
 * dk_flow_cache_aside - the flow over `cache` and `db`. DK_EINVAL for NULL arguments, DK_ENOMEM.
 * The returned flow owns its data (freed by its destroy, i.e. by the station it is given to).
 */
dk_status dk_flow_cache_aside(dk_actor_t *cache, dk_actor_t *db, dk_flow *out)
{
    if (cache == NULL || db == NULL || out == NULL)
        return DK_EINVAL;
    cache_aside *f = dk_malloc(sizeof *f);
    if (f == NULL)
        return DK_ENOMEM;
    f->cache = cache;
    f->db = db;
    out->ops = &cache_aside_ops;
    out->data = f;
    return DK_OK;
}

/* flow_cache_strategy.c - how a cache with a strategy serves a call: read-through on a miss,
 * and writes through, behind or around it to its store. */
#include "designkit/alloc.h"
#include "sim/cache_actor.h"

/* Steps, kept in call->step: what the flow is waiting for. */
enum { START, GOT_READ, GOT_WRITE };

static int answered(uint8_t st)
{
    return st == DK_REPLY_OK || st == DK_REPLY_HIT || st == DK_REPLY_MISS;
}

static dk_flow_result ask(dk_flow_ctx *ctx, dk__cache_actor *c, dk_op op, uint32_t next)
{
    if (c->store == NULL) {
        dk_sim_abort(ctx->sim, DK_ESTATE, "cache \"%s\": no store to %s (link it to one)",
                     dk_actor_name(ctx->self), op == DK_OP_READ ? "read" : "write");
        return DK_FLOW_FAIL;
    }
    if (dk_sim_call(ctx->sim, ctx->self, ctx->call, c->store, (uint8_t)op, ctx->call->key) == NULL)
        return DK_FLOW_FAIL;
    ctx->call->step = next;
    return DK_FLOW_WAIT;
}

/* A read answered with `version`: stale when a newer write has been acknowledged. */
static void served_version(dk__cache_actor *c, uint64_t key, uint64_t version)
{
    if (version < dk__version_of(c->latest, key))
        c->st.stale_reads++;
}

/* A write acknowledged at `version`: the newest a read may now be expected to return. */
static int acknowledged(dk__cache_actor *c, uint64_t key, uint64_t version)
{
    if (dk_map_put(c->latest, key, version) != DK_OK) {
        dk_sim_abort(c->self->sim, DK_ENOMEM, "cache \"%s\": out of memory", c->self->name);
        return -1;
    }
    return 0;
}

static dk_flow_result lookup(dk_flow_ctx *ctx, dk__cache_actor *c)
{
    uint64_t key = ctx->call->key;
    if (dk_cache_get(c->cache, key, ctx->sim->now)) {
        ctx->self->stats.hits++;
        served_version(c, key, dk__version_of(c->cached, key));
        return DK_FLOW_OK;
    }
    ctx->self->stats.misses++;
    c->st.store_reads++;
    return ask(ctx, c, DK_OP_READ, GOT_READ);
}

static dk_flow_result write(dk_flow_ctx *ctx, dk__cache_actor *c)
{
    uint64_t key = ctx->call->key;
    c->st.writes++;
    if (c->strategy == DK_CACHE_WRITE_BEHIND) {
        uint64_t v = ++c->version;
        if (dk__cache_fill(c, key, v) < 0 || acknowledged(c, key, v) < 0 ||
            dk__cache_buffer_write(c, key, v) < 0)
            return DK_FLOW_FAIL;
        return DK_FLOW_OK;
    }
    c->st.store_writes++;
    return ask(ctx, c, DK_OP_WRITE, GOT_WRITE);
}

/* The store has the write: it is the newest version; the cache takes it (write_through),
 * drops its entry, or keeps the old one (keep_on_write). */
static dk_flow_result written(dk_flow_ctx *ctx, dk__cache_actor *c)
{
    uint64_t key = ctx->call->key, v = ++c->version;
    if (dk_map_put(c->stored, key, v) != DK_OK || acknowledged(c, key, v) < 0) {
        dk_sim_abort(ctx->sim, DK_ENOMEM, "cache \"%s\": out of memory", c->self->name);
        return DK_FLOW_FAIL;
    }
    if (c->strategy == DK_CACHE_WRITE_THROUGH)
        return dk__cache_fill(c, key, v) < 0 ? DK_FLOW_FAIL : DK_FLOW_OK;
    if (!c->keep_on_write) {
        dk_cache_remove(c->cache, key);
        dk_map_remove(c->cached, key, NULL);
    }
    return DK_FLOW_OK;
}

/* A sub-call that fails or is rejected fails the call: the caller sees the store's outage. */
static dk_flow_result step(void *data, dk_flow_ctx *ctx)
{
    dk__cache_actor *c = data;
    uint64_t key = ctx->call->key;
    uint8_t st = DK_REPLY_PENDING;
    if (ctx->reply != NULL) {
        st = ctx->reply->status;
        dk_sim_release(ctx->sim, ctx->reply);
    }
    switch (ctx->call->step) {
    case START:
        switch ((dk_op)ctx->call->op) {
        case DK_OP_WRITE:
            return write(ctx, c);
        case DK_OP_SET: /* a fill by someone who read the store: what the store holds */
            return dk__cache_fill(c, key, dk__version_of(c->stored, key)) < 0 ? DK_FLOW_FAIL
                                                                              : DK_FLOW_OK;
        case DK_OP_INVALIDATE:
            dk_cache_remove(c->cache, key);
            dk_map_remove(c->cached, key, NULL);
            return DK_FLOW_OK;
        case DK_OP_GET:
        case DK_OP_READ:
        case DK_OP_REQUEST:
        default:
            return lookup(ctx, c);
        }
    case GOT_READ: {
        if (!answered(st))
            return DK_FLOW_FAIL;
        uint64_t v = dk__version_of(c->stored, key);
        served_version(c, key, v);
        return dk__cache_fill(c, key, v) < 0 ? DK_FLOW_FAIL : DK_FLOW_OK;
    }
    case GOT_WRITE:
    default:
        return answered(st) ? written(ctx, c) : DK_FLOW_FAIL;
    }
}

static const dk_flow_ops strategy_ops = {"cache_strategy", step, NULL, NULL};

/* The flow does not own `c`: the cache station does (its ud), and frees it with itself. */
dk_status dk__flow_cache_strategy(dk__cache_actor *c, dk_flow *out)
{
    if (c == NULL || out == NULL)
        return DK_EINVAL;
    out->ops = &strategy_ops;
    out->data = c;
    return DK_OK;
}

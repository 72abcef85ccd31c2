/* flow_call_each.c - the call-each flow: call every target in turn with the call's op, then OK. */
#include <string.h>
#include "designkit/alloc.h"
#include "sim/engine.h"

typedef struct call_each {
    size_t n;
    dk_actor_t *targets[];
} call_each;

/* call->step is the index of the next target. Calls go one after another, not in parallel, as
 * a handler that calls its dependencies in sequence would; a failed one fails the request. A
 * target along an asynchronous link is sent its call and not waited for. */
static dk_flow_result step(void *data, dk_flow_ctx *ctx)
{
    call_each *f = data;
    if (ctx->reply != NULL) {
        uint8_t st = ctx->reply->status;
        dk_sim_release(ctx->sim, ctx->reply);
        if (st == DK_REPLY_REJECTED || st == DK_REPLY_FAILED)
            return DK_FLOW_FAIL;
    }
    for (uint32_t k = ctx->call->step; k < f->n; k++) {
        int waits;
        if (dk_sim_call_linked(ctx->sim, ctx->self, ctx->call, f->targets[k], ctx->call->op,
                               ctx->call->key, &waits) == NULL)
            return DK_FLOW_FAIL;
        if (waits) {
            ctx->call->step = k + 1;
            return DK_FLOW_WAIT;
        }
    }
    return DK_FLOW_OK;
}

static void destroy(void *data)
{
    dk_free(data);
}

static const dk_flow_ops call_each_ops = {"call_each", step, NULL, destroy};

/*
 * dk_flow_call_each - a flow calling targets[0..n) in order (copied; n may be 0: reply at once).
 * DK_EINVAL for a NULL out, NULL targets with n > 0 or a NULL target; DK_ENOMEM.
 */
dk_status dk_flow_call_each(dk_actor_t *const *targets, size_t n, dk_flow *out)
{
    if (out == NULL || (n > 0 && targets == NULL) || n > UINT32_MAX)
        return DK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (targets[i] == NULL)
            return DK_EINVAL;
    call_each *f = dk_malloc(sizeof *f + n * sizeof f->targets[0]);
    if (f == NULL)
        return DK_ENOMEM;
    f->n = n;
    if (n > 0)
        memcpy(f->targets, targets, n * sizeof *targets);
    out->ops = &call_each_ops;
    out->data = f;
    return DK_OK;
}

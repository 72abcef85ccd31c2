/* actor_shard_router.c - a sharded store: a router that sends each call to the station owning
 * its key, so every shard queues, saturates and is reported on its own. */
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/shard.h"
#include "sim/engine.h"

typedef struct router {
    dk_shard_t *sharder;
    dk_actor_t **shards; /* by shard id */
    size_t nshards;
    uint64_t forwarded; /* calls waiting on their shard's answer */
} router;

static void router_destroy(void *data)
{
    router *r = data;
    if (r == NULL)
        return;
    dk_shard_free(r->sharder);
    dk_free(r->shards);
    dk_free(r);
}

static uint64_t router_held(const dk_actor_t *self)
{
    return ((const router *)self->data)->forwarded;
}

/* A call goes to its key's shard; the shard's answer is the answer. The sharder is range or
 * hash over whole-number keys, so a lookup cannot fail. */
static void router_event(dk_actor_t *self, const dk_event *ev)
{
    router *r = self->data;
    dk_call_t *call = ev->call;
    if (ev->kind == DK_EV_CALL) {
        size_t id = 0;
        if (dk_shard_of(r->sharder, call->key, &id, NULL) != DK_OK || id >= r->nshards) {
            dk_sim_reply(self->sim, call, DK_REPLY_FAILED);
            return;
        }
        if (dk_sim_call(self->sim, self, call, r->shards[id], call->op, call->key) != NULL)
            r->forwarded++;
    } else if (ev->kind == DK_EV_REPLY) {
        dk_call_t *parent = call->parent;
        dk_reply_status st = (dk_reply_status)call->status;
        r->forwarded--;
        dk_sim_release(self->sim, call);
        dk_sim_reply(self->sim, parent, st);
    }
}

static const dk_actor_ops router_ops = {"shard_router", router_event, router_held, router_destroy};

/*
 * dk_sim_add_sharded - the router `name` and one station "<name>.shard<i>" (i from 1) per
 * shard of `sharder`, each configured by `cfg`. Takes `sharder` (freed on failure too).
 */
dk_actor_t *dk_sim_add_sharded(dk_sim_t *sim, const char *name, const char *kind,
                               const dk_station_config *cfg, dk_shard_t *sharder, dk_error *err)
{
    router *r = dk_calloc(1, sizeof *r);
    size_t n = sharder != NULL ? dk_shard_ids(sharder) : 0;
    if (r == NULL || n == 0 || (r->shards = dk_calloc(n, sizeof *r->shards)) == NULL) {
        dk_free(r);
        dk_shard_free(sharder);
        dk_error_set(err, n == 0 ? DK_EINVAL : DK_ENOMEM, "%s \"%s\": %s", kind, name,
                     n == 0 ? "no shards" : "out of memory");
        return NULL;
    }
    r->sharder = sharder;
    r->nshards = n;
    dk_actor_t *self = dk_sim_add_actor(sim, name, &router_ops, r, err); /* frees r on failure */
    if (self == NULL)
        return NULL;
    size_t len = strlen(name) + 32;
    char *shard_name = dk_malloc(len);
    if (shard_name == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", kind, name);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        /* The name is text, not a number the report formats: no locale applies. */
        strcpy(shard_name, name);
        strcat(shard_name, ".shard");
        char digits[24], *p = digits + sizeof digits - 1;
        *p = '\0';
        size_t v = i + 1;
        do {
            *--p = (char)('0' + v % 10);
        } while ((v /= 10) != 0);
        strcat(shard_name, p);
        if ((r->shards[i] = dk_sim_add_station(sim, shard_name, kind, cfg, err)) == NULL) {
            dk_free(shard_name);
            return NULL;
        }
    }
    dk_free(shard_name);
    return self;
}

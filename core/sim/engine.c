#include <stdlib.h>
/* engine.c - the simulator: actors, links, classes, the call pool, the event loop, the books. */
#include "sim/engine.h"

#include <float.h>
#include <stdio.h>
#include <string.h>
#include "designkit/locale.h"
#include "designkit/alloc.h"

#define FIRST_CHUNK 256
#define MAX_CHUNK 65536

/* ---- life cycle ---- */

/*
 * dk_sim_new - an empty simulator; every random stream derives from `seed`. NULL with
 * *status = DK_ENOMEM when memory runs out.
 */
dk_sim_t *dk_sim_new(uint64_t seed, dk_status *status)
{
    dk_sim_t *sim = dk_calloc(1, sizeof *sim);
    if (sim == NULL || dk__evq_init(&sim->q, 1024) != DK_OK ||
        (sim->actor_names = dk_map_new(0, NULL)) == NULL ||
        (sim->class_names = dk_map_new(0, NULL)) == NULL ||
        (sim->links = dk_map_new(0, NULL)) == NULL ||
        (sim->dist_index = dk_map_new(0, NULL)) == NULL) {
        dk_sim_free(sim);
        if (status)
            *status = DK_ENOMEM;
        return NULL;
    }
    sim->seed = seed;
    sim->chunk_size = FIRST_CHUNK;
    if (status)
        *status = DK_OK;
    return sim;
}

static void free_actor(dk_actor_t *a)
{
    if (a->ops->destroy)
        a->ops->destroy(a->data);
    for (size_t i = 0; i < a->nout; i++)
        dk_dist_free(a->out[i].latency);
    dk_free(a->out);
    dk_hist_free(a->stats.latency);
    dk_free(a->name);
    dk_free_aligned(a);
}

/*
 * dk_sim_free - frees the simulator, its actors (through their ops->destroy) and every pooled
 * call. Calls still inside an actor (a run cut off mid-flight) are offered to the actor's
 * abandon hook first, so flows can drop per-call state they keep outside the call.
 */
void dk_sim_free(dk_sim_t *sim)
{
    if (sim == NULL)
        return;
    for (dk__call_chunk *c = sim->chunks; c != NULL; c = c->next)
        for (size_t i = 0; i < c->n; i++) {
            dk__call_slot *s = &c->slots[i];
            if (s->live && s->call.callee != NULL && s->call.callee->abandon != NULL &&
                s->call.status == DK_REPLY_PENDING)
                s->call.callee->abandon(s->call.callee, &s->call);
        }
    for (size_t i = 0; i < sim->nactors; i++)
        free_actor(sim->actors[i]);
    dk_free(sim->actors);
    for (size_t i = 0; i < sim->nclasses; i++) {
        dk_free(sim->classes[i].name);
        dk_hist_free(sim->classes[i].stats.latency);
    }
    dk_free(sim->classes);
    while (sim->chunks != NULL) {
        dk__call_chunk *next = sim->chunks->next;
        dk_free(sim->chunks);
        sim->chunks = next;
    }
    dk__evq_destroy(&sim->q);
    dk_map_free(sim->actor_names);
    dk_map_free(sim->class_names);
    dk_map_free(sim->links);
    for (size_t i = 0; i < sim->ndists; i++)
        dk_dist_free(sim->dists[i]);
    dk_free(sim->dists);
    dk_map_free(sim->dist_index);
    dk_free(sim->batches);
    dk_free(sim->marks);
    dk_free(sim);
}

/* A hash of what makes two distributions equal for dk_dist_equal: the kind and parameters
 * (an empirical one's size too; its table is compared on a hash hit). */
static uint64_t dist_hash(const dk_dist_t *d)
{
    double p[2] = {0, 0};
    uint64_t bits[2];
    size_t np = dk_dist_params(d, p);
    memcpy(bits, p, sizeof bits);
    uint64_t h = dk_hash_u64((uint64_t)dk_dist_kind_of(d) + 1);
    h = dk_hash_u64(h ^ (np > 0 ? bits[0] : 0));
    h = dk_hash_u64(h ^ (np > 1 ? bits[1] : 0));
    return dk_hash_u64(h ^ dk_dist_empirical_size(d));
}

/*
 * dk__sim_share_dist - see engine.h. Draws depend only on the distribution's value and the
 * drawing actor's stream, so sharing a copy changes no result.
 */
const dk_dist_t *dk__sim_share_dist(dk_sim_t *sim, const dk_dist_t *d)
{
    uint64_t key = dist_hash(d), at;
    dk_dist_t *copy;

    while (dk_map_get(sim->dist_index, key, &at)) {
        if (dk_dist_equal(sim->dists[at - 1], d))
            return sim->dists[at - 1];
        key = dk_hash_u64(key + 1); /* another distribution with this hash: probe on */
    }
    if (sim->ndists == sim->cap_dists) {
        size_t cap = sim->cap_dists ? sim->cap_dists * 2 : 8;
        dk_dist_t **v = dk_realloc(sim->dists, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        sim->dists = v;
        sim->cap_dists = cap;
    }
    if ((copy = dk_dist_clone(d)) == NULL)
        return NULL;
    if (dk_map_put(sim->dist_index, key, sim->ndists + 1) != DK_OK) {
        dk_dist_free(copy);
        return NULL;
    }
    sim->dists[sim->ndists++] = copy;
    return copy;
}

/* Records the first holder of a name's hash; a later name with the same hash (a collision)
 * is left to the lookups' fallback scan. DK_ENOMEM leaves the map as it was. */
static dk_status index_name(dk_map_t *names, const char *name, size_t index)
{
    uint64_t h = dk_hash_str(name);
    if (dk_map_get(names, h, NULL))
        return DK_OK;
    return dk_map_put(names, h, index);
}

/* The handlers of a call and a reply for an actor that handles every event in ops->on_event:
 * the engine's bookkeeping, then the actor's. */
static void generic_call(dk_actor_t *a, const dk_event *ev)
{
    dk__call_arrived(a, ev);
    a->ops->on_event(a, ev);
}

static void generic_reply(dk_actor_t *a, const dk_event *ev)
{
    dk__reply_arrived(ev);
    a->ops->on_event(a, ev);
}

/*
 * dk_sim_add_actor - registers an actor. Fails with DK_EINVAL (NULL name or ops, no on_event),
 * DK_EEXIST (name taken), DK_ESTATE (the run has started) or DK_ENOMEM; on any failure `data`
 * is destroyed through ops->destroy, so the caller never has to clean up after us.
 */
dk_actor_t *dk_sim_add_actor(dk_sim_t *sim, const char *name, const dk_actor_ops *ops, void *data,
                             dk_error *err)
{
    dk_status st = DK_OK;
    dk_actor_t *a = NULL;
    if (sim == NULL || name == NULL || ops == NULL || ops->on_event == NULL) {
        st = dk_error_set(err, DK_EINVAL, "actor: name, ops and ops->on_event are required");
        goto fail;
    }
    if (sim->ran) {
        st = dk_error_set(err, DK_ESTATE, "actor \"%s\": the simulation has already run", name);
        goto fail;
    }
    if (dk_sim_find_actor(sim, name) != NULL) {
        st = dk_error_set(err, DK_EEXIST, "actor \"%s\" already exists", name);
        goto fail;
    }
    if (sim->nactors == sim->cap_actors) {
        size_t cap = sim->cap_actors ? sim->cap_actors * 2 : 8;
        dk_actor_t **v = dk_realloc(sim->actors, cap * sizeof *v);
        if (v == NULL)
            goto oom;
        sim->actors = v;
        sim->cap_actors = cap;
    }
    a = dk_calloc_aligned(sizeof *a, 64);
    if (a == NULL)
        goto oom;
    a->name = dk_strdup(name);
    a->stats.latency = dk_hist_new(NULL);
    if (a->name == NULL || a->stats.latency == NULL ||
        index_name(sim->actor_names, name, sim->nactors) != DK_OK) {
        dk_free(a->name);
        dk_hist_free(a->stats.latency);
        dk_free_aligned(a);
        goto oom;
    }
    a->ops = ops;
    for (int k = 0; k < DK__EV_KINDS; k++)
        a->on[k] = ops->on_event;
    a->on[DK_EV_CALL] = generic_call;
    a->on[DK_EV_REPLY] = generic_reply;
    a->data = data;
    a->sim = sim;
    a->index = sim->nactors;
    dk_rng_seed_named(&a->rng, sim->seed, name);
    sim->actors[sim->nactors++] = a;
    return a;
oom:
    st = dk_error_set(err, DK_ENOMEM, "actor \"%s\": out of memory", name);
fail:
    (void)st;
    if (ops != NULL && ops->destroy != NULL)
        ops->destroy(data);
    return NULL;
}

/* The key of the link from -> to in sim->links. Exact below 2^32 actors; beyond, two links
 * may share a key, which the fallback scan in find_link absorbs. */
static uint64_t link_key(const dk_actor_t *from, const dk_actor_t *to)
{
    return ((uint64_t)from->index << 32) ^ (uint64_t)to->index;
}

/* Links scanned rather than looked up: a short scan beats hashing, and it is what every
 * dk_sim_send of a service with a few downstreams does. */
#define SCAN_LINKS 8

static dk__link *scan_links(const dk_actor_t *from, const dk_actor_t *to)
{
    for (size_t i = 0; i < from->nout; i++)
        if (from->out[i].target == to)
            return &from->out[i];
    return NULL;
}

/* The link from -> to, or NULL: O(1) however many links `from` has (a balancer over 10^5
 * backends checks each new one for a duplicate). */
static dk__link *find_link(const dk_actor_t *from, const dk_actor_t *to)
{
    uint64_t i;
    if (from->nout <= SCAN_LINKS)
        return scan_links(from, to);
    if (!dk_map_get(from->sim->links, link_key(from, to), &i))
        return NULL; /* every link's key is in the map: no such link */
    if (i < from->nout && from->out[i].target == to)
        return &from->out[i];
    return scan_links(from, to); /* a colliding key: the map names another link */
}

/*
 * dk_sim_link - adds the link from -> to. DK_EINVAL for NULL actors, a self-link or actors of
 * another simulator; DK_EEXIST if the pair is linked already; DK_ESTATE after the run; DK_ENOMEM.
 * The link's latency draws come from its own stream named "from>to".
 */
dk_status dk_sim_link(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, const dk_dist_t *latency,
                      dk_error *err)
{
    if (sim == NULL || from == NULL || to == NULL || from->sim != sim || to->sim != sim)
        return dk_error_set(err, DK_EINVAL, "link: both actors must belong to this simulator");
    if (from == to)
        return dk_error_set(err, DK_EINVAL, "link: \"%s\" cannot call itself", from->name);
    if (sim->ran)
        return dk_error_set(err, DK_ESTATE, "link: the simulation has already run");
    if (find_link(from, to) != NULL)
        return dk_error_set(err, DK_EEXIST, "link \"%s\" -> \"%s\" already exists", from->name,
                            to->name);
    if (from->nout == from->cap_out) {
        size_t cap = from->cap_out ? from->cap_out * 2 : 4;
        dk__link *v = dk_realloc(from->out, cap * sizeof *v);
        if (v == NULL)
            return dk_error_set(err, DK_ENOMEM, "link: out of memory");
        from->out = v;
        from->cap_out = cap;
    }
    dk__link *l = &from->out[from->nout];
    memset(l, 0, sizeof *l);
    l->to = l->target = to;
    l->distance = -1;
    l->reply_inline = from->replies_inline;
    if (latency != NULL && (l->latency = dk_dist_clone(latency)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "link: out of memory");
    uint64_t key = link_key(from, to);
    if (!dk_map_get(sim->links, key, NULL) && dk_map_put(sim->links, key, from->nout) != DK_OK) {
        dk_dist_free(l->latency);
        l->latency = NULL;
        return dk_error_set(err, DK_ENOMEM, "link: out of memory");
    }
    char label[512];
    dk_snprintf(label, sizeof label, "%s>%s", from->name, to->name);
    dk_rng_seed_named(&l->rng, sim->seed, label);
    from->nout++;
    return DK_OK;
}

/* ---- classes ---- */

/*
 * dk_sim_add_class - registers a request class (copied) and gives its index; a known name
 * gives its existing index. DK_EINVAL for NULL or empty names, DK_ENOMEM.
 */
dk_status dk_sim_add_class(dk_sim_t *sim, const char *name, uint32_t *index)
{
    uint32_t found;
    if (sim == NULL || name == NULL || name[0] == '\0')
        return DK_EINVAL;
    if (dk_sim_class_find(sim, name, &found)) {
        if (index)
            *index = found;
        return DK_OK;
    }
    if (sim->nclasses == sim->cap_classes) {
        size_t cap = sim->cap_classes ? sim->cap_classes * 2 : 4;
        dk__class *v = dk_realloc(sim->classes, cap * sizeof *v);
        if (v == NULL)
            return DK_ENOMEM;
        sim->classes = v;
        sim->cap_classes = cap;
    }
    dk__class *c = &sim->classes[sim->nclasses];
    memset(c, 0, sizeof *c);
    c->name = dk_strdup(name);
    c->stats.latency = dk_hist_new(NULL);
    if (c->name == NULL || c->stats.latency == NULL ||
        index_name(sim->class_names, name, sim->nclasses) != DK_OK) {
        dk_free(c->name);
        dk_hist_free(c->stats.latency);
        return DK_ENOMEM;
    }
    if (index)
        *index = (uint32_t)sim->nclasses;
    sim->nclasses++;
    return DK_OK;
}

size_t dk_sim_class_count(const dk_sim_t *sim)
{
    return sim->nclasses;
}

const char *dk_sim_class_name(const dk_sim_t *sim, uint32_t cls)
{
    return cls < sim->nclasses ? sim->classes[cls].name : NULL;
}

/*
 * dk_sim_class_find - 1 and the index of the class named `name` (when `cls` is not NULL), or
 * 0. One hash lookup: a mix may name 10^5 classes.
 */
int dk_sim_class_find(const dk_sim_t *sim, const char *name, uint32_t *cls)
{
    uint64_t i;
    if (name == NULL || !dk_map_get(sim->class_names, dk_hash_str(name), &i))
        return 0;
    if (strcmp(sim->classes[i].name, name) != 0) /* a colliding hash: scan */
        for (i = 0; i < sim->nclasses && strcmp(sim->classes[i].name, name) != 0; i++)
            ;
    if (i == sim->nclasses)
        return 0;
    if (cls)
        *cls = (uint32_t)i;
    return 1;
}

/* ---- the run's primitives ---- */

dk_time_t dk_sim_now(const dk_sim_t *sim)
{
    return sim->now;
}

void dk_sim_abort(dk_sim_t *sim, dk_status status, const char *fmt, ...)
{
    if (sim->stop)
        return;
    sim->stop = 1;
    sim->status = status;
    va_list ap;
    va_start(ap, fmt);
    dk_vsnprintf(sim->error, sizeof sim->error, fmt, ap);
    va_end(ap);
}

void dk__sim_schedule_failed(dk_sim_t *sim, dk_time_t t)
{
    dk_sim_abort(sim, DK_ENOMEM, "out of memory scheduling an event at t=%lld ns", (long long)t);
}

void dk__sim_record_failed(dk_sim_t *sim)
{
    dk_sim_abort(sim, DK_ENOMEM, "out of memory recording a latency at t=%lld ns",
                 (long long)sim->now);
}

void dk__sim_flush_records(dk_sim_t *sim)
{
    size_t n = sim->npending;
    sim->npending = 0;
    if (n > 0 && dk_hist_record_batch(sim->pending, n, NULL) != DK_OK)
        dk__sim_record_failed(sim);
}

/* Adds a chunk of calls to the free list; chunks double up to MAX_CHUNK so that small runs stay
 * small and large ones make few allocations. */
int dk__sim_grow_pool(dk_sim_t *sim)
{
    size_t n = sim->chunk_size;
    dk__call_chunk *c = dk_malloc(sizeof *c + n * sizeof c->slots[0]);
    if (c == NULL)
        return 0;
    c->n = n;
    c->next = sim->chunks;
    sim->chunks = c;
    for (size_t i = n; i-- > 0;) {
        c->slots[i].live = 0;
        c->slots[i].call.next = sim->free_calls;
        sim->free_calls = &c->slots[i].call;
    }
    if (sim->chunk_size < MAX_CHUNK)
        sim->chunk_size *= 2;
    dk__sim_pool_grew(sim, n); /* requests in flight grow: are they piling up somewhere? */
    return 1;
}

/*
 * dk_sim_new_call - a root call of class `cls`. NULL (and the run aborted with DK_EINVAL or
 * DK_ENOMEM) for an unknown class or when memory runs out.
 */
dk_call_t *dk_sim_new_call(dk_sim_t *sim, uint32_t cls, uint8_t op, uint64_t key)
{
    return dk__sim_new_call(sim, cls, op, key);
}

void dk__sim_bad_class(dk_sim_t *sim, uint32_t cls)
{
    dk_sim_abort(sim, DK_EINVAL, "request class %u is not registered", (unsigned)cls);
}

dk_call_t *dk__sim_pool_empty(dk_sim_t *sim)
{
    dk_sim_abort(sim, DK_ENOMEM, "out of memory allocating a call");
    return NULL;
}

/* dk_sim_send along `link`, the caller's link to the callee already looked up (NULL: none). */
static void send_along(dk_sim_t *sim, dk_actor_t *caller, dk_actor_t *callee, dk_call_t *call,
                       dk__link *link)
{
    dk__call_slot *s = (dk__call_slot *)call;
    dk_time_t delay = 0;
    if (link != NULL)
        callee = link->to; /* the guard in front of the callee, if the link has one */
    call->caller = caller;
    call->callee = callee;
    call->sent = sim->now;
    s->link = link;
    if (s->link != NULL) {
        s->link->calls++;
        if (s->link->latency != NULL)
            delay = dk__sample_time(s->link->latency, &s->link->rng);
    }
    dk__sim_schedule(sim, callee, delay, DK_EV_CALL, call, 0, NULL);
}

void dk_sim_send(dk_sim_t *sim, dk_actor_t *caller, dk_actor_t *callee, dk_call_t *call)
{
    send_along(sim, caller, callee, call, caller != NULL ? find_link(caller, callee) : NULL);
}

/*
 * dk_sim_call - a sub-call on behalf of `parent` (class and birth inherited), sent at once.
 * NULL when the pool cannot grow (the run is then aborted).
 */
dk_call_t *dk_sim_call(dk_sim_t *sim, dk_actor_t *caller, dk_call_t *parent, dk_actor_t *callee,
                       uint8_t op, uint64_t key)
{
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return NULL;
    dk__sim_init_sub(sim, c, parent, op, key);
    dk_sim_send(sim, caller, callee, c);
    return c;
}

/*
 * dk_sim_call_async - a call of `parent`'s class (class 0 without one) that nobody waits for:
 * it is not pending on `parent`, and its reply is dropped (the call goes back to the pool when
 * the callee answers). The callee counts it as any other call. Returns 0, or -1 when the pool
 * cannot grow (the run is then aborted).
 */
static dk_call_t *send_async(dk_sim_t *sim, dk_actor_t *caller, const dk_call_t *parent,
                             dk_actor_t *callee, uint8_t op, uint64_t key, dk__link *link)
{
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return NULL;
    dk__sim_init_sub(sim, c, NULL, op, key);
    if (parent != NULL)
        c->cls = parent->cls;
    send_along(sim, caller, callee, c, link);
    c->caller = NULL; /* sent along the caller's link; answered to no one */
    return c;
}

int dk_sim_call_async(dk_sim_t *sim, dk_actor_t *caller, const dk_call_t *parent,
                      dk_actor_t *callee, uint8_t op, uint64_t key)
{
    dk__link *link = caller != NULL ? find_link(caller, callee) : NULL;
    return send_async(sim, caller, parent, callee, op, key, link) != NULL ? 0 : -1;
}

/*
 * dk_sim_call_linked - dk_sim_call, or dk_sim_call_async when the link caller -> callee is
 * asynchronous: what a flow calls. Sets *waits to whether the caller now waits for a reply.
 * NULL when the pool cannot grow; else the call (which, sent asynchronously, the caller must
 * not touch again).
 */
dk_call_t *dk_sim_call_linked(dk_sim_t *sim, dk_actor_t *caller, dk_call_t *parent,
                              dk_actor_t *callee, uint8_t op, uint64_t key, int *waits)
{
    dk__link *l = caller != NULL ? find_link(caller, callee) : NULL; /* once, for both uses */
    *waits = l == NULL || !l->async;
    if (!*waits)
        return send_async(sim, caller, parent, callee, op, key, l);
    dk_call_t *c = dk__sim_take_call(sim);
    if (c == NULL)
        return NULL;
    dk__sim_init_sub(sim, c, parent, op, key);
    send_along(sim, caller, callee, c, l);
    return c;
}

void dk_sim_record_e2e(dk_sim_t *sim, const dk_call_t *root)
{
    dk__sim_record_e2e(sim, root);
}

void dk__sim_release_twice(dk_sim_t *sim, dk_call_t *call)
{
    dk_sim_abort(sim, DK_EINTERNAL, "call %llu released twice", (unsigned long long)call->id);
}

void dk_sim_release(dk_sim_t *sim, dk_call_t *call)
{
    dk__sim_release(sim, call);
}

/*
 * dk_sim_reply - answers `call`: the callee's counters and latency histogram record it here,
 * once, whatever kind of actor the callee is. The reply takes the call's link back.
 */
void dk_sim_reply(dk_sim_t *sim, dk_call_t *call, dk_reply_status status)
{
    dk__sim_reply(sim, call, status);
}

void dk__sim_bad_reply(dk_sim_t *sim, dk_call_t *call, dk_reply_status status)
{
    dk_sim_abort(sim, DK_EINVAL, "call %llu answered with invalid status %d",
                 (unsigned long long)call->id, (int)status);
}

void dk_sim_timer(dk_sim_t *sim, dk_actor_t *actor, dk_time_t delay, uint32_t tag, void *ptr)
{
    if (delay < 0) {
        dk_sim_abort(sim, DK_EINVAL, "actor \"%s\": timer with negative delay %lld ns", actor->name,
                     (long long)delay);
        return;
    }
    dk__sim_schedule(sim, actor, delay, DK_EV_TIMER, NULL, tag, ptr);
}

void dk_actor_set_busy(dk_actor_t *a, uint32_t busy)
{
    dk__actor_advance(a, a->sim->now);
    a->stats.busy = busy;
}

void dk_actor_set_queue(dk_actor_t *a, uint32_t queued)
{
    dk__actor_advance(a, a->sim->now);
    a->stats.queued = queued;
}

int dk_sim_may_create(const dk_sim_t *sim)
{
    return dk__sim_may_create(sim);
}

/* ---- accessors ---- */

const char *dk_actor_name(const dk_actor_t *a)
{
    return a->name;
}

const char *dk_actor_kind(const dk_actor_t *a)
{
    if (a->kind != NULL)
        return a->kind;
    return a->ops->kind != NULL ? a->ops->kind : "actor";
}

/*
 * dk_actor_set_kind - names what the actor stands for in reports (the model's kind, when a
 * kind is built from another kind's runtime actor). `kind` is borrowed: it must outlive the
 * simulator (a kind descriptor's name does).
 */
void dk_actor_set_kind(dk_actor_t *a, const char *kind)
{
    a->kind = kind;
}

void *dk_actor_data(const dk_actor_t *a)
{
    return a->data;
}

dk_sim_t *dk_actor_sim(const dk_actor_t *a)
{
    return a->sim;
}

dk_rng_t *dk_actor_rng(dk_actor_t *a)
{
    return &a->rng;
}

size_t dk_actor_index(const dk_actor_t *a)
{
    return a->index;
}

/* The statistics getters hand out histograms, so they first record the latencies still
 * pending (a handler may read them mid-run). The simulator is never a const object; the
 * getters take const pointers because, seen from outside, they change nothing. */
const dk_actor_stats *dk_actor_get_stats(const dk_actor_t *a)
{
    dk__sim_flush_records(a->sim);
    return &a->stats;
}

dk_actor_stats *dk_actor_stats_mut(dk_actor_t *a)
{
    dk__sim_flush_records(a->sim);
    return &a->stats;
}

/*
 * dk_sim_link_set_async - marks the link from -> to asynchronous: dk_sim_call_linked sends along
 * it without waiting. DK_ENOTFOUND when the two are not linked, DK_ESTATE after the run.
 */
dk_status dk_sim_link_set_async(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, int async,
                                dk_error *err)
{
    if (sim == NULL || from == NULL || to == NULL || from->sim != sim || to->sim != sim)
        return dk_error_set(err, DK_EINVAL, "link: both actors must belong to this simulator");
    if (sim->ran)
        return dk_error_set(err, DK_ESTATE, "link: the simulation has already run");
    dk__link *l = find_link(from, to);
    if (l == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "\"%s\" does not link to \"%s\"", from->name,
                            to->name);
    l->async = async != 0;
    return DK_OK;
}

/*
 * dk_sim_link_through - see sim.h. The link from -> via is found from now on as the link
 * from -> to, in the scan and in the map, so every way of calling `to` (flows, handlers,
 * balancers) reaches `via`; `via` calls `to` along its own link.
 */
dk_status dk_sim_link_through(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *via, dk_actor_t *to,
                              dk_error *err)
{
    if (sim == NULL || from == NULL || via == NULL || to == NULL || from->sim != sim ||
        via->sim != sim || to->sim != sim)
        return dk_error_set(err, DK_EINVAL, "link: the actors must belong to this simulator");
    if (sim->ran)
        return dk_error_set(err, DK_ESTATE, "link: the simulation has already run");
    dk__link *l = find_link(from, via);
    if (l == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "\"%s\" does not link to \"%s\"", from->name,
                            via->name);
    if (find_link(from, to) != NULL)
        return dk_error_set(err, DK_EEXIST, "link \"%s\" -> \"%s\" already exists", from->name,
                            to->name);
    uint64_t at = (uint64_t)(l - from->out), old;
    if (dk_map_get(sim->links, link_key(from, to), NULL) == 0 &&
        dk_map_put(sim->links, link_key(from, to), at) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "link: out of memory");
    if (dk_map_get(sim->links, link_key(from, via), &old) && old == at)
        dk_map_remove(sim->links, link_key(from, via), NULL);
    l->target = to;
    return DK_OK;
}

/*
 * dk_sim_link_set_balance - the link's weight and distance for the balancer that owns it,
 * read when that balancer starts. DK_EINVAL for a weight that is not finite and positive or a
 * distance that is not finite.
 */
dk_status dk_sim_link_set_balance(dk_sim_t *sim, dk_actor_t *from, dk_actor_t *to, double weight,
                                  double distance, dk_error *err)
{
    if (sim == NULL || from == NULL || to == NULL || from->sim != sim || to->sim != sim)
        return dk_error_set(err, DK_EINVAL, "link: both actors must belong to this simulator");
    if (sim->ran)
        return dk_error_set(err, DK_ESTATE, "link: the simulation has already run");
    if (!(weight > 0 && weight <= DBL_MAX) || !(distance <= DBL_MAX))
        return dk_error_set(err, DK_EINVAL, "link \"%s\" -> \"%s\": %s must be %s", from->name,
                            to->name, weight > 0 && weight <= DBL_MAX ? "distance" : "weight",
                            weight > 0 && weight <= DBL_MAX ? "finite" : "finite and positive");
    dk__link *l = find_link(from, to);
    if (l == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "\"%s\" does not link to \"%s\"", from->name,
                            to->name);
    l->weight = weight;
    l->distance = distance < 0 ? -1 : distance;
    return DK_OK;
}

int dk_sim_link_is_async(const dk_actor_t *from, const dk_actor_t *to)
{
    const dk__link *l = find_link(from, to);
    return l != NULL && l->async;
}

uint64_t dk_sim_link_calls(const dk_actor_t *from, const dk_actor_t *to)
{
    const dk__link *l = find_link(from, to);
    return l != NULL ? l->calls : 0;
}

size_t dk_actor_out_count(const dk_actor_t *a)
{
    return a->nout;
}

dk_actor_t *dk_actor_out(const dk_actor_t *a, size_t i)
{
    return i < a->nout ? a->out[i].to : NULL;
}

size_t dk_sim_actor_count(const dk_sim_t *sim)
{
    return sim->nactors;
}

dk_actor_t *dk_sim_actor(const dk_sim_t *sim, size_t i)
{
    return i < sim->nactors ? sim->actors[i] : NULL;
}

/*
 * dk_sim_find_actor - the actor named `name`, or NULL: one hash lookup.
 */
dk_actor_t *dk_sim_find_actor(const dk_sim_t *sim, const char *name)
{
    uint64_t i;
    if (name == NULL || !dk_map_get(sim->actor_names, dk_hash_str(name), &i))
        return NULL;
    if (strcmp(sim->actors[i]->name, name) == 0)
        return sim->actors[i];
    for (i = 0; i < sim->nactors; i++) /* a colliding hash: scan */
        if (strcmp(sim->actors[i]->name, name) == 0)
            return sim->actors[i];
    return NULL;
}

dk_time_t dk_sim_end_time(const dk_sim_t *sim)
{
    return sim->end_time;
}

uint64_t dk_sim_events(const dk_sim_t *sim)
{
    return sim->events;
}

const dk_class_stats *dk_sim_class_stats(const dk_sim_t *sim, uint32_t cls)
{
    dk__sim_flush_records((dk_sim_t *)sim);
    return cls < sim->nclasses ? &sim->classes[cls].stats : NULL;
}

uint64_t dk_sim_in_flight(const dk_sim_t *sim)
{
    return sim->roots_live;
}

const char *dk_sim_error(const dk_sim_t *sim)
{
    return sim->error;
}

/* ---- the run ---- */

/* The books must balance: every call that reached an actor was answered or is still held,
 * and every root call was answered or is still alive. Returns DK_EINTERNAL naming the first
 * actor that does not balance. */
static dk_status check_conservation(dk_sim_t *sim)
{
    for (size_t i = 0; i < sim->nactors; i++) {
        dk_actor_t *a = sim->actors[i];
        const dk_actor_stats *s = &a->stats;
        uint64_t held = a->ops->held != NULL ? a->ops->held(a) : 0;
        if (s->arrivals != s->completed + s->rejected + s->failed + held) {
            dk_sim_abort(sim, DK_EINTERNAL,
                         "%s \"%s\": calls not conserved: %llu arrived, %llu completed + %llu "
                         "rejected + %llu failed + %llu held",
                         dk_actor_kind(a), a->name, (unsigned long long)s->arrivals,
                         (unsigned long long)s->completed, (unsigned long long)s->rejected,
                         (unsigned long long)s->failed, (unsigned long long)held);
            return DK_EINTERNAL;
        }
    }
    uint64_t created = 0, answered = 0;
    for (size_t i = 0; i < sim->nclasses; i++) {
        created += sim->classes[i].stats.created;
        answered += sim->classes[i].stats.completed + sim->classes[i].stats.failed;
    }
    if (created != answered + sim->roots_live) {
        dk_sim_abort(sim, DK_EINTERNAL,
                     "root calls not conserved: %llu created, %llu answered + %llu in flight",
                     (unsigned long long)created, (unsigned long long)answered,
                     (unsigned long long)sim->roots_live);
        return DK_EINTERNAL;
    }
    return DK_OK;
}

static double progress_fraction(const dk_sim_t *sim, dk_time_t until)
{
    double f = until > 0 ? (double)sim->now / (double)until : 0;
    if (sim->max_roots > 0) {
        double r = (double)sim->roots_created / (double)sim->max_roots;
        if (r > f)
            f = r;
    }
    return f > 1 ? 1 : f;
}

/* Hands `ev` to its actor's handler for its kind, which first does the bookkeeping of a call
 * or a reply (dk__call_arrived, dk__reply_arrived). */
static inline void dispatch(dk_sim_t *sim, const dk_event *ev)
{
    dk_actor_t *a = ev->actor;
    sim->now = ev->time;
    sim->events++;
    a->on[ev->kind](a, ev);
}

/* The process's watchdog (dk_sim_set_watchdog); NULL: none. */
static dk_sim_watchdog_fn watchdog;
static void *watchdog_ud;

void dk_sim_set_watchdog(dk_sim_watchdog_fn fn, void *ud)
{
    watchdog = fn;
    watchdog_ud = ud;
}

/* Out of line: the loop pays for a call only when the watchdog says stop, and never for the
 * dk_error it needs then. */
static void ask_watchdog(dk_sim_t *sim)
{
    dk_error err;
    dk_error_clear(&err);
    dk_status st = watchdog(watchdog_ud, &err);
    if (st != DK_OK)
        dk_sim_abort(sim, st, "%s", err.message[0] ? err.message : dk_strerror(st));
}

/* Every 1024 events: asks the watchdog, and calls `progress` about every 1/100 of the run. */
static inline void report(dk_sim_t *sim, dk_time_t until, dk_sim_progress_fn progress, void *ud,
                          double *next_report)
{
    if ((sim->events & 1023) == 0) {
        if (watchdog != NULL)
            ask_watchdog(sim);
        if (progress == NULL)
            return;
        double f = progress_fraction(sim, until);
        if (f >= *next_report) {
            progress(f, ud);
            *next_report = f + 0.01;
        }
    }
}

/* The event loop proper: dispatches events until the queue has none at or before `until` or
 * the run is aborted. `polled` is a constant at each call site, so the copy without progress
 * or watchdog compiles to the bare loop. */
static inline void run_events(dk_sim_t *sim, dk_time_t until, int polled,
                              dk_sim_progress_fn progress, void *ud)
{
    double next_report = 0.01;
    dk_event tmp;
    const dk_event *ev;
    while (!sim->stop && (ev = dk__evq_next(&sim->q, until, &tmp)) != NULL) {
        dispatch(sim, ev);
        dk__evq_done(&sim->q);
        if (polled)
            report(sim, until, progress, ud, &next_report);
    }
}

/*
 * dk_sim_run - the event loop. DK_ESTATE on a second run, DK_EINVAL for a negative `until`,
 * otherwise the status of the first dk_sim_abort (an actor's error, out of memory) or of the
 * conservation check. Clients register no classes of their own, so a simulator without any
 * gets one named "default" here, before the actors start.
 */
dk_status dk_sim_run(dk_sim_t *sim, dk_time_t until, uint64_t max_roots,
                     dk_sim_progress_fn progress, void *ud)
{
    if (sim->ran) {
        dk_snprintf(sim->error, sizeof sim->error, "a simulator runs once");
        return DK_ESTATE;
    }
    sim->ran = 1;
    if (until < 0) {
        dk_snprintf(sim->error, sizeof sim->error, "run: negative end time %lld", (long long)until);
        return DK_EINVAL;
    }
    if (sim->nclasses == 0 && dk_sim_add_class(sim, "default", NULL) != DK_OK) {
        dk_snprintf(sim->error, sizeof sim->error, "out of memory");
        return DK_ENOMEM;
    }
    if (sim->warmup > 0 && sim->warmup >= until) {
        dk_snprintf(sim->error, sizeof sim->error,
                    "the warm-up (%lld ns) must end before the run does (%lld ns)",
                    (long long)sim->warmup, (long long)until);
        return DK_EINVAL;
    }
    sim->batch_classes = sim->nclasses;
    if ((sim->batches = dk_calloc(sim->nclasses * DK_SIM_BATCHES, sizeof *sim->batches)) == NULL ||
        (sim->marks = dk_calloc(sim->nclasses, sizeof *sim->marks)) == NULL) {
        dk_snprintf(sim->error, sizeof sim->error, "out of memory");
        return DK_ENOMEM;
    }
    dk__sim_start_batches(sim, 0, until);
    sim->max_roots = max_roots;
    sim->batch_records = sim->nactors >= DK__BATCH_FROM;
    for (size_t i = 0; i < sim->nactors; i++)
        dk__sim_schedule(sim, sim->actors[i], 0, DK_EV_START, NULL, 0, NULL);

    /* The warm-up runs first, to its end exactly; then the statistics start again. */
    dk_time_t first = sim->warmup > 0 ? sim->warmup : until;
    for (int leg = 0; leg < 2; leg++) {
        /* Two copies of the loop, so that the one without a progress callback or a watchdog
         * tests for neither. */
        if (progress != NULL || watchdog != NULL)
            run_events(sim, first, 1, progress, ud);
        else
            run_events(sim, first, 0, NULL, NULL);
        if (first == until || sim->stop)
            break;
        if (dk__evq_size(&sim->q) == 0) {
            dk_snprintf(sim->error, sizeof sim->error,
                        "the run ended at %lld ns, before its warm-up (%lld ns) was over: nothing "
                        "was measured",
                        (long long)sim->now, (long long)sim->warmup);
            return DK_EINVAL;
        }
        sim->now = first;
        dk__sim_reset_statistics(sim, until);
        first = until;
    }
    dk__sim_close_batch(sim); /* the last batch ends with the run (and flushes the records) */
    dk__sim_flush_records(sim);
    /* The run "reached" `until` when events remain beyond it; a drained queue ends at the
     * last event. An aborted run ends where it stopped. */
    sim->end_time = (!sim->stop && dk__evq_size(&sim->q) > 0) ? until : sim->now;
    for (size_t i = 0; i < sim->nactors; i++) {
        dk_actor_stats *s = &sim->actors[i]->stats;
        dk__actor_advance(sim->actors[i], sim->end_time);
        s->waiting_area += (double)s->waiting * (double)(sim->end_time - s->waiting_change);
        s->waiting_change = sim->end_time;
    }
    if (sim->stop)
        return sim->status;
    dk_status st = check_conservation(sim);
    if (st == DK_OK && progress != NULL)
        progress(1.0, ud);
    return st;
}

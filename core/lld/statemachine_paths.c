/* statemachine_paths.c - test paths for a state machine: a breadth-first search over the
 * configurations it can reach, run by the engine itself on a copy of the definition whose
 * guards are all true and whose only action records which transition was taken. */
#include "designkit/statemachine_export.h"

#include <stdint.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"
#include "designkit/locale.h"

/* A configuration found: the machine in it, and how it was first reached. */
typedef struct node {
    dk_sm_t *m;
    int parent;      /* -1 for the start */
    dk_sm_step step; /* from the parent */
    char *key;
} node;

typedef struct search {
    const dk_sm_def_t *d; /* the caller's definition: the strings handed out are its own */
    dk_sm_def_t *copy;    /* guards dropped, actions recording */
    int ntr, nst;
    unsigned char *taken; /* by the step in hand */
    node *nodes;
    int nnodes, capnodes;
    int *slots; /* open addressing over the keys: node index + 1, 0 when free */
    size_t nslots;
    const char **events; /* the distinct descriptors sent */
    int nevents;
    int *first_node; /* per transition: the node whose step took it first; -2 never, -1 start */
    dk_sm_step *first_step; /* that step */
    const char **ids;       /* scratch: nst entries */
    dk_sm_pending *pending;
    dk_error *err;
} search;

static dk_status record(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)ev;
    search *s = dk_sm_context(m);
    s->taken[(intptr_t)ud] = 1;
    return DK_OK;
}

static dk_status out_of_memory(search *s)
{
    return dk_error_set(s->err, DK_ENOMEM, "state machine \"%s\": out of memory",
                        dk_sm_def_state_id(s->d, 0));
}

/* The copy the search runs: the same states and transitions (in the same order, so indexes
 * agree), with no guard, entry or exit action. */
static dk_status make_copy(search *s)
{
    dk_sm_state_info root, info;
    dk_sm_def_state_info(s->d, 0, &root);
    s->copy = dk_sm_def_new(root.id, s->err);
    if (s->copy == NULL)
        return s->err->status;
    dk_status rc = DK_OK;
    for (int i = 1; i < s->nst && rc == DK_OK; i++) {
        dk_sm_def_state_info(s->d, i, &info);
        const char *parent = strcmp(info.parent, root.id) == 0 ? NULL : info.parent;
        rc = dk_sm_def_state(s->copy, parent, info.id, info.kind, s->err);
    }
    for (int i = 0; i < s->nst && rc == DK_OK; i++) {
        dk_sm_def_state_info(s->d, i, &info);
        if (info.initial != NULL)
            rc = dk_sm_def_initial(s->copy, i == 0 ? NULL : info.id, info.initial, s->err);
    }
    for (int i = 0; i < s->ntr && rc == DK_OK; i++) {
        dk_sm_transition t;
        dk_sm_def_transition_at(s->d, i, &t);
        t.guard = NULL;
        t.action = record;
        t.ud = (void *)(intptr_t)i;
        rc = dk_sm_def_transition(s->copy, &t, s->err);
    }
    return rc == DK_OK ? dk_sm_def_seal(s->copy, s->err) : rc;
}

/* The events the search sends: every distinct descriptor but the engine's own done events. */
static dk_status collect_events(search *s)
{
    s->events = dk_calloc((size_t)s->ntr + 1, sizeof *s->events);
    if (s->events == NULL)
        return out_of_memory(s);
    for (int i = 0; i < s->ntr; i++) {
        dk_sm_transition t;
        dk_sm_def_transition_at(s->d, i, &t);
        if (t.event == NULL || strncmp(t.event, "done.", 5) == 0)
            continue;
        int seen = 0;
        for (int k = 0; k < s->nevents && !seen; k++)
            seen = strcmp(s->events[k], t.event) == 0;
        if (!seen)
            s->events[s->nevents++] = t.event;
    }
    return DK_OK;
}

/* ---- a configuration's key: active states, histories, pending delays relative to the clock */

static char *key_of(search *s, const dk_sm_t *m)
{
    dk_strbuf t = {0};
    size_t n = dk_sm_active(m, s->ids, (size_t)s->nst);
    for (size_t i = 0; i < n; i++) {
        dk_strbuf_put(&t, s->ids[i]);
        dk_strbuf_put(&t, "\x1f");
    }
    for (int i = 1; i < s->nst; i++) {
        const char *h = dk_sm_def_state_id(s->copy, i);
        long k = dk_sm_history(m, h, s->ids, (size_t)s->nst);
        if (k < 0)
            continue;
        dk_strbuf_put(&t, "\x1eH");
        dk_strbuf_put(&t, h);
        for (long j = 0; j < k; j++) {
            dk_strbuf_put(&t, "\x1f");
            dk_strbuf_put(&t, s->ids[j]);
        }
    }
    size_t np = dk_sm_pending_delays(m, s->pending, (size_t)s->ntr);
    for (size_t i = 0; i < np; i++) {
        char buf[64];
        dk_snprintf(buf, sizeof buf, "\x1e%d:%lld:", s->pending[i].nth,
                    (long long)(s->pending[i].due - dk_sm_now(m)));
        dk_strbuf_put(&t, buf);
        dk_strbuf_put(&t, s->pending[i].state);
    }
    dk_strbuf_put(&t, "");
    if (t.failed) {
        dk_free(t.s);
        return NULL;
    }
    return t.s;
}

static size_t hash(const char *k)
{
    size_t h = 1469598103934665603u;
    for (; *k != '\0'; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h;
}

/* The node holding `key`, or -1; `*slot` is where it is or would go. */
static int lookup(const search *s, const char *key, size_t *slot)
{
    size_t i = hash(key) & (s->nslots - 1);
    while (s->slots[i] != 0 && strcmp(s->nodes[s->slots[i] - 1].key, key) != 0)
        i = (i + 1) & (s->nslots - 1);
    *slot = i;
    return s->slots[i] - 1;
}

/* ---- the search ---- */

/* A new machine in the configuration of `m` (the copy's restore, which runs no action). */
static dk_sm_t *clone(search *s, const dk_sm_t *m)
{
    size_t nactive = dk_sm_active(m, s->ids, (size_t)s->nst);
    const char **active = dk_calloc(nactive + 1, sizeof *active);
    const char **hist_ids = dk_calloc((size_t)s->nst * (size_t)s->nst + 1, sizeof *hist_ids);
    dk_sm_recorded *hist = dk_calloc((size_t)s->nst, sizeof *hist);
    dk_sm_t *c = NULL;
    if (active != NULL && hist_ids != NULL && hist != NULL) {
        memcpy(active, s->ids, nactive * sizeof *active);
        size_t nhist = 0;
        for (int i = 1; i < s->nst; i++) {
            const char *h = dk_sm_def_state_id(s->copy, i);
            const char **ids = hist_ids + (size_t)i * (size_t)s->nst;
            long k = dk_sm_history(m, h, ids, (size_t)s->nst);
            if (k >= 0)
                hist[nhist++] = (dk_sm_recorded){.history = h, .states = ids, .nstates = (size_t)k};
        }
        size_t np = dk_sm_pending_delays(m, s->pending, (size_t)s->ntr);
        dk_sm_image img = {.now = dk_sm_now(m),
                           .active = active,
                           .nactive = nactive,
                           .history = hist,
                           .nhistory = nhist,
                           .pending = s->pending,
                           .npending = np};
        c = dk_sm_new(s->copy, s->err);
        if (c != NULL && dk_sm_restore(c, &img, s->err) != DK_OK) {
            dk_sm_free(c);
            c = NULL;
        }
    }
    dk_free(active);
    dk_free(hist_ids);
    dk_free(hist);
    if (c != NULL)
        dk_sm_set_context(c, s);
    return c;
}

static dk_status grow_slots(search *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 64;
    int *slots = dk_calloc(n, sizeof *slots);
    if (slots == NULL)
        return out_of_memory(s);
    dk_free(s->slots);
    s->slots = slots;
    s->nslots = n;
    for (int i = 0; i < s->nnodes; i++) {
        size_t slot;
        lookup(s, s->nodes[i].key, &slot);
        s->slots[slot] = i + 1;
    }
    return DK_OK;
}

/* Notes the transitions the step just run took first, then keeps `m` as a new node or frees it. */
static dk_status arrive(search *s, dk_sm_t *m, int from, dk_sm_step step)
{
    for (int t = 0; t < s->ntr; t++)
        if (s->taken[t] && s->first_node[t] == -2) {
            s->first_node[t] = from;
            s->first_step[t] = step;
        }
    char *key = key_of(s, m);
    if (key == NULL) {
        dk_sm_free(m);
        return out_of_memory(s);
    }
    size_t slot;
    if (lookup(s, key, &slot) >= 0) {
        dk_free(key);
        dk_sm_free(m);
        return DK_OK;
    }
    if (s->nnodes >= DK_SM_PATHS_MAX_CONFIGURATIONS) {
        dk_free(key);
        dk_sm_free(m);
        return dk_error_set(s->err, DK_ELIMIT,
                            "state machine \"%s\": more than %d configurations to search",
                            dk_sm_def_state_id(s->d, 0), DK_SM_PATHS_MAX_CONFIGURATIONS);
    }
    if (s->nnodes == s->capnodes) {
        int cap = s->capnodes ? s->capnodes * 2 : 32;
        node *p = dk_realloc(s->nodes, (size_t)cap * sizeof *p);
        if (p == NULL) {
            dk_free(key);
            dk_sm_free(m);
            return out_of_memory(s);
        }
        s->nodes = p;
        s->capnodes = cap;
    }
    s->nodes[s->nnodes++] = (node){.m = m, .parent = from, .step = step, .key = key};
    s->slots[slot] = s->nnodes;
    if ((size_t)s->nnodes * 2 > s->nslots)
        return grow_slots(s);
    return DK_OK;
}

/* Runs `step` on a clone of node `from`. A step the engine refuses (an eventless loop) leads
 * nowhere; only running out of memory stops the search. */
static dk_status expand(search *s, int from, dk_sm_step step)
{
    dk_sm_t *m = clone(s, s->nodes[from].m);
    if (m == NULL)
        return s->err->status == DK_ENOMEM ? s->err->status : DK_OK;
    memset(s->taken, 0, (size_t)s->ntr + 1);
    dk_error e;
    dk_status rc = step.event != NULL ? dk_sm_send(m, step.event, NULL, &e)
                                      : dk_sm_advance(m, step.after_ns, &e);
    if (rc != DK_OK) {
        dk_sm_free(m);
        return rc == DK_ENOMEM ? out_of_memory(s) : DK_OK;
    }
    return arrive(s, m, from, step);
}

static dk_status run_search(search *s)
{
    s->nst = dk_sm_def_states(s->d);
    s->ntr = dk_sm_def_transitions(s->d);
    dk_status rc = make_copy(s);
    if (rc != DK_OK)
        return rc;
    s->taken = dk_calloc((size_t)s->ntr + 1, 1);
    s->first_node = dk_calloc((size_t)s->ntr + 1, sizeof *s->first_node);
    s->first_step = dk_calloc((size_t)s->ntr + 1, sizeof *s->first_step);
    s->ids = dk_calloc((size_t)s->nst, sizeof *s->ids);
    s->pending = dk_calloc((size_t)s->ntr + 1, sizeof *s->pending);
    if (s->taken == NULL || s->first_node == NULL || s->first_step == NULL || s->ids == NULL ||
        s->pending == NULL || collect_events(s) != DK_OK || grow_slots(s) != DK_OK)
        return out_of_memory(s);
    for (int t = 0; t < s->ntr; t++)
        s->first_node[t] = -2;
    dk_sm_t *m = dk_sm_new(s->copy, s->err);
    if (m == NULL)
        return s->err->status;
    dk_sm_set_context(m, s);
    if ((rc = dk_sm_start(m, s->err)) != DK_OK) {
        dk_sm_free(m);
        return rc;
    }
    if ((rc = arrive(s, m, -1, (dk_sm_step){0})) != DK_OK)
        return rc;
    for (int n = 0; n < s->nnodes; n++) {
        if (dk_sm_finished(s->nodes[n].m))
            continue;
        for (int e = 0; e < s->nevents && rc == DK_OK; e++)
            rc = expand(s, n, (dk_sm_step){.event = s->events[e]});
        if (rc == DK_OK && dk_sm_pending_delays(s->nodes[n].m, s->pending, 1) > 0) {
            int64_t wait = s->pending[0].due - dk_sm_now(s->nodes[n].m);
            rc = expand(s, n, (dk_sm_step){.after_ns = wait});
        }
        if (rc != DK_OK)
            return rc;
    }
    return DK_OK;
}

static void search_free(search *s)
{
    for (int i = 0; i < s->nnodes; i++) {
        dk_sm_free(s->nodes[i].m);
        dk_free(s->nodes[i].key);
    }
    dk_free(s->nodes);
    dk_free(s->slots);
    dk_free(s->events);
    dk_free(s->taken);
    dk_free(s->first_node);
    dk_free(s->first_step);
    dk_free(s->ids);
    dk_free(s->pending);
    dk_sm_def_free(s->copy);
}

/* ---- paths ---- */

/* The steps from the start to node `n`, then `last` when it is a step (an event or a delay). */
static dk_status path_to(search *s, int n, const dk_sm_step *last, dk_sm_path *p)
{
    size_t len = last != NULL ? 1 : 0;
    for (int k = n; k > 0; k = s->nodes[k].parent)
        len++;
    p->steps = dk_calloc(len + 1, sizeof *p->steps);
    if (p->steps == NULL)
        return out_of_memory(s);
    p->nsteps = len;
    if (last != NULL)
        p->steps[--len] = *last;
    for (int k = n; k > 0; k = s->nodes[k].parent)
        p->steps[--len] = s->nodes[k].step;
    return DK_OK;
}

void dk_sm_paths_free(dk_sm_paths *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->npaths; i++) {
        dk_free(p->paths[i].steps);
        dk_free(p->paths[i].covers);
    }
    dk_free(p->paths);
    dk_free(p->missing);
    dk_free(p->uncovered);
    dk_free(p);
}

static dk_sm_paths *new_paths(search *s, size_t npaths)
{
    dk_sm_paths *p = dk_calloc(1, sizeof *p);
    if (p != NULL) {
        p->paths = dk_calloc(npaths + 1, sizeof *p->paths);
        p->missing = dk_calloc((size_t)s->nst + 1, sizeof *p->missing);
        p->uncovered = dk_calloc((size_t)s->ntr + 1, sizeof *p->uncovered);
        if (p->paths == NULL || p->missing == NULL || p->uncovered == NULL) {
            dk_sm_paths_free(p);
            p = NULL;
        }
    }
    if (p == NULL)
        out_of_memory(s);
    return p;
}

static dk_status shortest(search *s, dk_sm_paths *p)
{
    int *reached = dk_calloc((size_t)s->nst, sizeof *reached);
    if (reached == NULL)
        return out_of_memory(s);
    for (int i = 0; i < s->nst; i++)
        reached[i] = -1;
    for (int n = 0; n < s->nnodes; n++) {
        size_t k = dk_sm_active(s->nodes[n].m, s->ids, (size_t)s->nst);
        for (size_t j = 0; j < k; j++)
            for (int i = 1; i < s->nst; i++)
                if (reached[i] < 0 && strcmp(s->ids[j], dk_sm_def_state_id(s->d, i)) == 0)
                    reached[i] = n;
    }
    dk_status rc = DK_OK;
    for (int i = 1; i < s->nst && rc == DK_OK; i++) {
        dk_sm_state_info info;
        dk_sm_def_state_info(s->d, i, &info);
        if (info.kind == DK_SM_HISTORY_SHALLOW || info.kind == DK_SM_HISTORY_DEEP)
            continue;
        if (reached[i] < 0) {
            p->missing[p->nmissing++] = info.id;
            continue;
        }
        dk_sm_path *path = &p->paths[p->npaths++];
        path->target = info.id;
        rc = path_to(s, reached[i], NULL, path);
    }
    dk_free(reached);
    return rc;
}

/* Replays `path` on the copy, marking every transition it takes in `s->taken`. */
static dk_status replay(search *s, const dk_sm_path *path, unsigned char *taken)
{
    dk_sm_t *m = dk_sm_new(s->copy, s->err);
    if (m == NULL)
        return s->err->status;
    dk_sm_set_context(m, s);
    memset(s->taken, 0, (size_t)s->ntr + 1);
    dk_status rc = dk_sm_start(m, s->err);
    for (size_t i = 0; i < path->nsteps && rc == DK_OK; i++)
        rc = path->steps[i].event != NULL ? dk_sm_send(m, path->steps[i].event, NULL, s->err)
                                          : dk_sm_advance(m, path->steps[i].after_ns, s->err);
    dk_sm_free(m);
    memcpy(taken, s->taken, (size_t)s->ntr);
    return rc;
}

static dk_status covering(search *s, dk_sm_paths *p)
{
    unsigned char *covered = dk_calloc((size_t)s->ntr + 1, 1);
    unsigned char *taken = dk_calloc((size_t)s->ntr + 1, 1);
    dk_status rc = covered == NULL || taken == NULL ? out_of_memory(s) : DK_OK;
    for (int t = 0; t < s->ntr && rc == DK_OK; t++) {
        if (covered[t])
            continue;
        if (s->first_node[t] == -2) {
            p->uncovered[p->nuncovered++] = t;
            continue;
        }
        dk_sm_path *path = &p->paths[p->npaths++];
        if (s->first_node[t] == -1) /* taken while starting: the empty path */
            rc = path_to(s, 0, NULL, path);
        else
            rc = path_to(s, s->first_node[t], &s->first_step[t], path);
        if (rc == DK_OK)
            rc = replay(s, path, taken);
        if (rc == DK_OK && (path->covers = dk_calloc((size_t)s->ntr + 1, sizeof(int))) == NULL)
            rc = out_of_memory(s);
        for (int k = 0; k < s->ntr && rc == DK_OK; k++)
            if (taken[k] && !covered[k]) {
                covered[k] = 1;
                path->covers[path->ncovers++] = k;
            }
    }
    dk_free(covered);
    dk_free(taken);
    return rc;
}

static dk_status find_paths(const dk_sm_def_t *d, int cover, dk_sm_paths **out, dk_error *err)
{
    *out = NULL;
    if (d == NULL || dk_sm_def_state_id(d, 0) == NULL)
        return dk_error_set(err, DK_EINVAL, "state machine: not sealed");
    search s = {.d = d, .err = err};
    dk_status rc = run_search(&s);
    dk_sm_paths *p = NULL;
    if (rc == DK_OK) {
        p = new_paths(&s, cover ? (size_t)s.ntr : (size_t)s.nst);
        rc = p == NULL ? DK_ENOMEM : cover ? covering(&s, p) : shortest(&s, p);
    }
    search_free(&s);
    if (rc != DK_OK) {
        dk_sm_paths_free(p);
        return rc;
    }
    *out = p;
    return DK_OK;
}

dk_status dk_sm_shortest_paths(const dk_sm_def_t *d, dk_sm_paths **out, dk_error *err)
{
    return find_paths(d, 0, out, err);
}

dk_status dk_sm_covering_paths(const dk_sm_def_t *d, dk_sm_paths **out, dk_error *err)
{
    return find_paths(d, 1, out, err);
}

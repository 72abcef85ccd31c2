/* validate.c - static rules over the model: missing clients and routes, unreachable parts,
 * single points of failure, synchronous call cycles, balancers with one backend. */
#include "designkit/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "model/internal.h"

/* A finding with its sort keys: component position (model-wide first) and emission order,
 * which together make the order total and so the output deterministic. */
typedef struct entry {
    dk_finding f;
    size_t order; /* 0 for model-wide, component index + 1 otherwise */
    size_t seq;
} entry;

struct dk_findings {
    entry *items;
    size_t n, cap;
    size_t errors;
};

/* The call graph: links plus route targets, in CSR form. A route target counts as an edge
 * because the service calls it just as it would a linked component. */
typedef struct graph {
    size_t n;
    size_t *start; /* n + 1 */
    size_t *adj;
} graph;

typedef struct ctx {
    const dk_model_t *m;
    dk_findings_t *out;
    graph g;
    unsigned char *seen; /* n, scratch for searches */
    size_t *queue;       /* n, scratch BFS queue */
    size_t *parent;      /* n, scratch BFS parents */
    dk_status status;
} ctx;

const char *dk_severity_name(dk_severity s)
{
    switch (s) {
    case DK_SEV_INFO:
        return "info";
    case DK_SEV_WARNING:
        return "warning";
    case DK_SEV_ERROR:
        return "error";
    }
    return "unknown";
}

/* Records a finding; an out-of-memory failure is remembered in x->status and later ones are
 * dropped, so rules need not check. */
static void add(ctx *x, dk_severity sev, const char *rule, const dk_comp_t *c, const char *hint,
                const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void add(ctx *x, dk_severity sev, const char *rule, const dk_comp_t *c, const char *hint,
                const char *fmt, ...)
{
    dk_findings_t *o = x->out;
    entry *e;
    va_list ap;

    if (x->status != DK_OK)
        return;
    if (dk__grow((void **)&o->items, &o->cap, o->n + 1, sizeof *o->items) != DK_OK) {
        x->status = DK_ENOMEM;
        return;
    }
    e = &o->items[o->n];
    memset(e, 0, sizeof *e);
    e->f.severity = sev;
    e->f.rule = rule;
    e->f.component = c != NULL ? c->name : NULL;
    va_start(ap, fmt);
    vsnprintf(e->f.message, sizeof e->f.message, fmt, ap);
    va_end(ap);
    snprintf(e->f.hint, sizeof e->f.hint, "%s", hint);
    e->order = c != NULL ? c->index + 1 : 0;
    e->seq = o->n;
    o->n++;
    if (sev == DK_SEV_ERROR)
        o->errors++;
}

static dk_status graph_build(graph *g, const dk_model_t *m)
{
    size_t e = 0;

    g->n = m->ncomps;
    g->start = dk_calloc(g->n + 1, sizeof *g->start);
    if (g->start == NULL)
        return DK_ENOMEM;
    for (size_t i = 0; i < g->n; i++) {
        const dk_comp_t *c = m->comps[i];
        g->start[i] = e;
        e += c->nout;
        for (size_t r = 0; r < c->nroutes; r++)
            e += c->routes[r].ntargets;
    }
    g->start[g->n] = e;
    g->adj = dk_calloc(e + 1, sizeof *g->adj); /* + 1: calloc(0) gives NULL */
    if (g->adj == NULL)
        return DK_ENOMEM;
    e = 0;
    for (size_t i = 0; i < g->n; i++) {
        const dk_comp_t *c = m->comps[i];
        for (size_t k = 0; k < c->nout; k++)
            g->adj[e++] = c->out[k]->index;
        for (size_t r = 0; r < c->nroutes; r++)
            for (size_t k = 0; k < c->routes[r].ntargets; k++)
                g->adj[e++] = c->routes[r].targets[k]->index;
    }
    return DK_OK;
}

/* Breadth-first search from `from` over the call graph, never entering `avoid` (SIZE_MAX:
 * none) and, when `skip_queues`, never following an edge into a queue. Marks x->seen and
 * x->parent; when `target` (SIZE_MAX: none) is reached by an edge, returns 1 at once with the
 * parent of `target` recorded in x->parent[target]. */
static int bfs(ctx *x, size_t from, size_t avoid, int skip_queues, size_t target)
{
    size_t head = 0, tail = 0;

    memset(x->seen, 0, x->g.n);
    x->seen[from] = 1;
    x->queue[tail++] = from;
    while (head < tail) {
        size_t u = x->queue[head++];
        for (size_t k = x->g.start[u]; k < x->g.start[u + 1]; k++) {
            size_t v = x->g.adj[k];
            if (v == avoid || (skip_queues && x->m->comps[v]->kind == DK_KIND_QUEUE))
                continue;
            if (v == target) {
                x->parent[v] = u;
                return 1;
            }
            if (!x->seen[v]) {
                x->seen[v] = 1;
                x->parent[v] = u;
                x->queue[tail++] = v;
            }
        }
    }
    return 0;
}

static int is_client(const ctx *x, size_t i)
{
    return x->m->comps[i]->kind == DK_KIND_CLIENT;
}

/* "no-client": nothing sends, so the simulator has nothing to run. */
static void rule_no_client(ctx *x, size_t nclients)
{
    if (nclients == 0)
        add(x, DK_SEV_WARNING, "no-client", NULL,
            "add a client that sends requests to the entry point",
            "model \"%s\" has no client: nothing sends requests", x->m->name);
}

/* "unreachable": parts no client's requests can reach are dead weight or a missing link.
 * Skipped without clients, where "no-client" already says it all. */
static void rule_unreachable(ctx *x, size_t nclients)
{
    unsigned char *reached;

    if (nclients == 0)
        return;
    reached = dk_calloc(x->g.n, 1);
    if (reached == NULL) {
        x->status = DK_ENOMEM;
        return;
    }
    for (size_t i = 0; i < x->g.n; i++) {
        if (!is_client(x, i))
            continue;
        bfs(x, i, SIZE_MAX, 0, SIZE_MAX);
        for (size_t j = 0; j < x->g.n; j++)
            reached[j] |= x->seen[j];
    }
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if (!reached[i])
            add(x, DK_SEV_WARNING, "unreachable", c,
                "link it from a client or from a component a client reaches, or remove it",
                "%s \"%s\" is not reached by any client", dk_kind_name(c->kind), c->name);
    }
    dk_free(reached);
}

static int model_has_class(const dk_model_t *m, const char *cls)
{
    for (size_t i = 0; i < m->nclasses; i++)
        if (strcmp(m->classes[i], cls) == 0)
            return 1;
    return 0;
}

/* "no-route": a client or balancer with nowhere to send, and routes no request will take. */
static void rule_no_route(ctx *x, size_t nclients)
{
    char hint[256];
    size_t len;

    len = (size_t)snprintf(hint, sizeof hint, "clients send:");
    for (size_t i = 0; i < x->m->nclasses && len < sizeof hint; i++)
        len += (size_t)snprintf(hint + len, sizeof hint - len, "%s %s", i > 0 ? "," : "",
                                x->m->classes[i]);
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if (c->kind == DK_KIND_CLIENT && c->nout == 0)
            add(x, DK_SEV_ERROR, "no-route", c, "link the client to a balancer or a service",
                "client \"%s\" sends to nothing", c->name);
        if (c->kind == DK_KIND_BALANCER && c->nout == 0)
            add(x, DK_SEV_ERROR, "no-route", c,
                "link the balancer to the services it spreads requests over",
                "balancer \"%s\" has no backend", c->name);
        for (size_t r = 0; nclients > 0 && r < c->nroutes; r++) {
            const char *cls = c->routes[r].cls;
            if (strcmp(cls, "*") != 0 && !model_has_class(x->m, cls))
                add(x, DK_SEV_WARNING, "no-route", c, hint,
                    "%s \"%s\": route \"%s\" is for a class no client sends", dk_kind_name(c->kind),
                    c->name, cls);
        }
    }
}

/* 1 when `c` runs as a single instance and could have more: only kinds with replicas count
 * (a queue is taken to be a managed, replicated broker; a client is the outside world). */
static int single_instance(const dk_comp_t *c)
{
    return c->kind != DK_KIND_CLIENT && dk__prop_index(c->kind, "replicas") >= 0 &&
           dk_comp_number(c, "replicas") == 1;
}

/* "spof": a single instance whose loss cuts some client off from every terminal component
 * (one that calls nothing) it reached before. A component that is itself the only way to the
 * terminals, or is the only terminal, counts. */
static void rule_spof(ctx *x)
{
    size_t n = x->g.n;
    unsigned char *reach = dk_calloc(n ? n : 1, 1), *flagged = dk_calloc(n ? n : 1, 1);
    size_t *client_of = dk_calloc(n ? n : 1, sizeof *client_of);

    if (reach == NULL || flagged == NULL || client_of == NULL) {
        x->status = DK_ENOMEM;
        goto done;
    }
    for (size_t c = 0; c < n; c++) {
        size_t nterm = 0;
        if (!is_client(x, c))
            continue;
        bfs(x, c, SIZE_MAX, 0, SIZE_MAX);
        memcpy(reach, x->seen, n);
        for (size_t t = 0; t < n; t++)
            if (reach[t] && t != c && x->g.start[t] == x->g.start[t + 1])
                nterm++;
        if (nterm == 0)
            continue; /* nothing to be cut off from (or only a cycle, reported elsewhere) */
        for (size_t s = 0; s < n; s++) {
            int cut = 1;
            if (s == c || !reach[s] || flagged[s] || !single_instance(x->m->comps[s]))
                continue;
            bfs(x, c, s, 0, SIZE_MAX);
            for (size_t t = 0; t < n && cut; t++)
                if (reach[t] && t != c && t != s && x->g.start[t] == x->g.start[t + 1] &&
                    x->seen[t])
                    cut = 0;
            if (cut) {
                flagged[s] = 1;
                client_of[s] = c;
            }
        }
    }
    /* Reported in component order, naming the first client cut off. */
    for (size_t s = 0; s < n; s++) {
        const dk_comp_t *sc = x->m->comps[s];
        if (flagged[s])
            add(x, DK_SEV_WARNING, "spof", sc, "add replicas = 2 or more, or a standby",
                "%s \"%s\" is a single point of failure: every path from client \"%s\" goes "
                "through it",
                dk_kind_name(sc->kind), sc->name, x->m->comps[client_of[s]]->name);
    }
done:
    dk_free(reach);
    dk_free(flagged);
    dk_free(client_of);
}

/* Appends " -> name" (or the first name) to a cycle text, ending in "..." when it runs out of
 * room. */
static void append_name(char *buf, size_t size, size_t *len, const char *name)
{
    int k;

    if (*len >= size)
        return;
    k = snprintf(buf + *len, size - *len, "%s%s", *len > 0 ? " -> " : "", name);
    if (k < 0 || (size_t)k >= size - *len) {
        memcpy(buf + size - 4, "...", 4);
        *len = size;
        return;
    }
    *len += (size_t)k;
}

/* "sync-cycle": components that wait on each other's replies can deadlock or amplify load
 * without bound; a queue on the way makes a call asynchronous and breaks the wait. Each
 * strongly connected set is reported once, at its first component, with its shortest cycle
 * through that component. */
static void rule_sync_cycle(ctx *x)
{
    size_t n = x->g.n;
    unsigned char *done = dk_calloc(n ? n : 1, 1), *fwd = dk_calloc(n ? n : 1, 1);
    size_t *path = dk_calloc(n + 1, sizeof *path);

    if (done == NULL || fwd == NULL || path == NULL) {
        x->status = DK_ENOMEM;
        goto out;
    }
    for (size_t v = 0; v < n; v++) {
        char text[200];
        size_t len = 0, np = 0, u;
        if (done[v] || x->m->comps[v]->kind == DK_KIND_QUEUE || !bfs(x, v, SIZE_MAX, 1, v))
            continue;
        /* The cycle, walked back from v's parent along the BFS tree to v. */
        for (u = x->parent[v]; u != v; u = x->parent[u])
            path[np++] = u;
        path[np++] = v;
        for (size_t k = np; k-- > 0;)
            append_name(text, sizeof text, &len, x->m->comps[path[k]]->name);
        append_name(text, sizeof text, &len, x->m->comps[v]->name);
        add(x, DK_SEV_ERROR, "sync-cycle", x->m->comps[v],
            "make one of these calls asynchronous through a queue, or remove it",
            "synchronous call cycle: %s", text);
        /* Mark v's whole strongly connected set: reached from v, and reaching v. */
        bfs(x, v, SIZE_MAX, 1, SIZE_MAX);
        memcpy(fwd, x->seen, n);
        for (u = 0; u < n; u++) {
            if (fwd[u] && !done[u] && (u == v || bfs(x, u, SIZE_MAX, 1, v)))
                done[u] = 1;
        }
    }
out:
    dk_free(done);
    dk_free(fwd);
    dk_free(path);
}

/* "single-backend": a balancer with one backend balances nothing and adds a hop. */
static void rule_single_backend(ctx *x)
{
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if (c->kind == DK_KIND_BALANCER && c->nout == 1)
            add(x, DK_SEV_WARNING, "single-backend", c, "add backends, or remove the balancer",
                "balancer \"%s\" has only one backend (%s \"%s\")", c->name,
                dk_kind_name(c->out[0]->kind), c->out[0]->name);
    }
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;

    if (a->f.severity != b->f.severity)
        return a->f.severity > b->f.severity ? -1 : 1;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * dk_model_validate - runs every rule over `m` and returns the findings sorted: errors, then
 * warnings, then info; within a severity model-wide findings first, then by component order,
 * then in rule order. The result borrows component names from `m` and must be freed (with
 * dk_findings_free) before it. NULL with *status DK_ENOMEM on out-of-memory; `status` may be
 * NULL.
 */
dk_findings_t *dk_model_validate(const dk_model_t *m, dk_status *status)
{
    ctx x;
    size_t nclients = 0;
    size_t n;

    memset(&x, 0, sizeof x);
    if (m == NULL) {
        if (status != NULL)
            *status = DK_EINVAL;
        return NULL;
    }
    n = m->ncomps;
    x.m = m;
    x.out = dk_calloc(1, sizeof *x.out);
    x.seen = dk_calloc(n ? n : 1, 1);
    x.queue = dk_calloc(n ? n : 1, sizeof *x.queue);
    x.parent = dk_calloc(n ? n : 1, sizeof *x.parent);
    if (x.out == NULL || x.seen == NULL || x.queue == NULL || x.parent == NULL ||
        graph_build(&x.g, m) != DK_OK)
        x.status = DK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        nclients += m->comps[i]->kind == DK_KIND_CLIENT;
    if (x.status == DK_OK) {
        rule_no_client(&x, nclients);
        rule_unreachable(&x, nclients);
        rule_no_route(&x, nclients);
        rule_spof(&x);
        rule_sync_cycle(&x);
        rule_single_backend(&x);
    }
    dk_free(x.g.start);
    dk_free(x.g.adj);
    dk_free(x.seen);
    dk_free(x.queue);
    dk_free(x.parent);
    if (x.status != DK_OK) {
        dk_findings_free(x.out);
        if (status != NULL)
            *status = x.status;
        return NULL;
    }
    if (x.out->n > 1)
        qsort(x.out->items, x.out->n, sizeof *x.out->items, cmp_entry);
    if (status != NULL)
        *status = DK_OK;
    return x.out;
}

size_t dk_findings_count(const dk_findings_t *f)
{
    return f->n;
}

/* The i-th finding in sorted order (borrowed); NULL when out of range. */
const dk_finding *dk_findings_at(const dk_findings_t *f, size_t i)
{
    return i < f->n ? &f->items[i].f : NULL;
}

size_t dk_findings_errors(const dk_findings_t *f)
{
    return f->errors;
}

void dk_findings_free(dk_findings_t *f)
{
    if (f == NULL)
        return;
    dk_free(f->items);
    dk_free(f);
}

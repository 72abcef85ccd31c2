/* validate.c - static rules over the model: missing clients and routes, unreachable parts,
 * single points of failure, synchronous call cycles, balancers with one backend, classes that
 * no route takes. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "model/internal.h"

/* ---- kinds ----
 * Every question a rule asks about a component's kind goes through these, so that a change in
 * how kinds are described touches their bodies only. */

/* 1 for a client: where requests come from; nothing calls it. */
static int is_entry(const dk_comp_t *c)
{
    return dk_kind_has(c->kind, DK_TRAIT_ENTRY);
}

/* 1 for a queue: a call into it returns at once, so it never waits on what follows. */
static int is_async(const dk_comp_t *c)
{
    return dk_kind_has(c->kind, DK_TRAIT_ASYNC);
}

/* 1 for a balancer: it spreads requests over the components it links to. */
static int is_balancer(const dk_comp_t *c)
{
    return dk_kind_has(c->kind, DK_TRAIT_BALANCER);
}

/* 1 when `c` runs as a single instance and could have more: only kinds with replicas count
 * (a queue is taken to be a managed, replicated broker; a client is the outside world). */
static int single_instance(const dk_comp_t *c)
{
    return !is_entry(c) && c->kind != NULL && c->kind->replicas_prop >= 0 &&
           dk_comp_number(c, c->kind->replicas_prop) == 1;
}

/* The answers of the predicates above, asked once per component and kept in a byte each, so
 * that the searches test a byte rather than follow pointers into a component and its kind. */
enum { F_ENTRY = 1, F_ASYNC = 2, F_BALANCER = 4, F_SINGLE = 8 };

static unsigned char flags_of(const dk_comp_t *c)
{
    return (unsigned char)((is_entry(c) ? F_ENTRY : 0) | (is_async(c) ? F_ASYNC : 0) |
                           (is_balancer(c) ? F_BALANCER : 0) | (single_instance(c) ? F_SINGLE : 0));
}

/* "service", "database", ... for messages (borrowed static text). */
static const char *kind_name(const dk_comp_t *c)
{
    return dk_kind_name(c->kind);
}

/* ---- findings ---- */

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

/* A graph in CSR form: the edges of u are adj[start[u] .. start[u + 1]). */
typedef struct graph {
    size_t n;
    size_t *start; /* n + 1 */
    size_t *adj;
} graph;

/* Scratch: NSCRATCH arrays of n + 2 indices and two byte arrays of n + 1, allocated once and
 * lent to one rule at a time, so every rule runs in time linear in the model (times the
 * number of clients for spof) with no allocation of its own. Each rule names what it keeps
 * where. */
#define NSCRATCH 12

typedef struct ctx {
    const dk_model_t *m;
    dk_findings_t *out;
    graph g;    /* the call graph: links plus route targets, n nodes */
    graph pred; /* its reverse, plus node n, the sink, fed by every component that calls nothing */
    size_t *words;
    unsigned char *bytes, *bytes2;
    unsigned char *flags; /* n: flags_of each component */
    const char **classes; /* the classes clients send, sorted */
    size_t nclasses;
    dk_status status;
} ctx;

/* Scratch array k (< NSCRATCH) of n + 2 indices. */
static size_t *scratch(const ctx *x, size_t k)
{
    return x->words + k * (x->g.n + 2);
}

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
    dk_vsnprintf(e->f.message, sizeof e->f.message, fmt, ap);
    va_end(ap);
    dk_snprintf(e->f.hint, sizeof e->f.hint, "%s", hint);
    e->order = c != NULL ? c->index + 1 : 0;
    e->seq = o->n;
    o->n++;
    if (sev == DK_SEV_ERROR)
        o->errors++;
}

/* ---- the call graph ---- */

/* The call graph of `m`: a route target counts as an edge because the service calls it just
 * as it would a linked component. Edges keep link order, then route order, which the
 * breadth-first searches below rely on to name the same cycle every time. */
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

/* 1 when node u of `g` calls nothing: a terminal. */
static int calls_nothing(const graph *g, size_t u)
{
    return g->start[u] == g->start[u + 1];
}

/* The callers of each node of `g`, and of one more node, the sink (index g->n), whose callers
 * are the nodes that call nothing: the dominators of the sink are then the components every
 * path to a terminal goes through. */
static dk_status pred_build(graph *p, const graph *g)
{
    size_t n = g->n, e;

    p->n = n + 1;
    p->start = dk_calloc(n + 2, sizeof *p->start);
    if (p->start == NULL)
        return DK_ENOMEM;
    /* Count into start[v + 1], sum, then fill by start[v]++ and shift back: one pass each. */
    for (size_t u = 0; u < n; u++) {
        for (size_t k = g->start[u]; k < g->start[u + 1]; k++)
            p->start[g->adj[k] + 1]++;
        if (calls_nothing(g, u))
            p->start[n + 1]++;
    }
    for (size_t v = 0; v <= n; v++)
        p->start[v + 1] += p->start[v];
    e = p->start[n + 1];
    p->adj = dk_calloc(e + 1, sizeof *p->adj);
    if (p->adj == NULL)
        return DK_ENOMEM;
    for (size_t u = 0; u < n; u++) {
        for (size_t k = g->start[u]; k < g->start[u + 1]; k++)
            p->adj[p->start[g->adj[k]]++] = u;
        if (calls_nothing(g, u))
            p->adj[p->start[n]++] = u;
    }
    for (size_t v = n + 1; v > 0; v--)
        p->start[v] = p->start[v - 1];
    p->start[0] = 0;
    return DK_OK;
}

/* ---- rules ---- */

/* "no-client": nothing sends, so the simulator has nothing to run. */
static void rule_no_client(ctx *x, size_t nclients)
{
    if (nclients == 0)
        add(x, DK_SEV_WARNING, "no-client", NULL,
            "add a client that sends requests to the entry point",
            "model \"%s\" has no client: nothing sends requests", x->m->name);
}

/* "unreachable": parts no client's requests can reach are dead weight or a missing link.
 * Skipped without clients, where "no-client" already says it all. One breadth-first search
 * from every client at once. */
static void rule_unreachable(ctx *x, size_t nclients)
{
    size_t n = x->g.n, head = 0, tail = 0;
    size_t *queue = scratch(x, 0);
    unsigned char *reached = x->bytes;

    if (nclients == 0)
        return;
    memset(reached, 0, n);
    for (size_t i = 0; i < n; i++) {
        if (x->flags[i] & F_ENTRY) {
            reached[i] = 1;
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        size_t u = queue[head++];
        for (size_t k = x->g.start[u]; k < x->g.start[u + 1]; k++) {
            size_t v = x->g.adj[k];
            if (!reached[v]) {
                reached[v] = 1;
                queue[tail++] = v;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if (!reached[i])
            add(x, DK_SEV_WARNING, "unreachable", c,
                "link it from a client or from a component a client reaches, or remove it",
                "%s \"%s\" is not reached by any client", kind_name(c), c->name);
    }
}

static int cmp_name(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* 1 when some client sends class `cls`: a binary search of the sorted classes, so that many
 * routes over many classes stay cheap. */
static int model_has_class(const ctx *x, const char *cls)
{
    return x->nclasses > 0 &&
           bsearch(&cls, x->classes, x->nclasses, sizeof *x->classes, cmp_name) != NULL;
}

/* "no-route": a client or balancer with nowhere to send, a queue or topic whose messages go
 * nowhere, and routes no request will take. */
static void rule_no_route(ctx *x, size_t nclients)
{
    char hint[256];
    size_t len;

    len = (size_t)dk_snprintf(hint, sizeof hint, "clients send:");
    for (size_t i = 0; i < x->nclasses && len < sizeof hint; i++)
        len += (size_t)dk_snprintf(hint + len, sizeof hint - len, "%s %s", i > 0 ? "," : "",
                                   dk_model_class(x->m, i));
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if ((x->flags[i] & F_ENTRY) && c->nout == 0)
            add(x, DK_SEV_ERROR, "no-route", c, "link the client to a balancer or a service",
                "client \"%s\" sends to nothing", c->name);
        if ((x->flags[i] & F_BALANCER) && c->nout == 0)
            add(x, DK_SEV_ERROR, "no-route", c,
                "link the balancer to the services it spreads requests over",
                "balancer \"%s\" has no backend", c->name);
        /* A queue or topic answers its producers whatever follows it, so a missing consumer
         * shows nowhere at run time: its messages would just stop there. */
        if ((x->flags[i] & F_ASYNC) && c->nout == 0 && c->nroutes == 0)
            add(x, DK_SEV_WARNING, "no-route", c,
                "link it to the components that handle its messages, or give it a route",
                "%s \"%s\" passes its messages to nothing", kind_name(c), c->name);
        for (size_t r = 0; nclients > 0 && r < c->nroutes; r++) {
            const char *cls = c->routes[r].cls;
            if (strcmp(cls, "*") != 0 && !model_has_class(x, cls))
                add(x, DK_SEV_WARNING, "no-route", c, hint,
                    "%s \"%s\": route \"%s\" is for a class no client sends", kind_name(c), c->name,
                    cls);
        }
    }
}

/* Lengauer and Tarjan's dominator algorithm (the simple version, path compression without
 * balancing: O(m log n)) over the call graph plus the sink. Vertices are numbered from 1 in
 * depth-first preorder; 0 means "none". The arrays are scratch, kept between clients: a run
 * resets only what it numbered, so a client costs what it reaches, not the whole model. */
typedef struct domtree {
    size_t *num;      /* node -> its number, 0 when not reached; node n is the sink */
    size_t *vertex;   /* number -> node */
    size_t *parent;   /* number -> number of its parent in the depth-first tree */
    size_t *semi;     /* number -> number of its semidominator */
    size_t *idom;     /* number -> number of its immediate dominator (after dom_run) */
    size_t *ancestor; /* the forest of processed vertices; 0 at a root */
    size_t *label;    /* the vertex of least semidominator on the compressed path */
    size_t *bucket;   /* number w -> first vertex whose semidominator is w, chained by next */
    size_t *next;
    size_t *stack; /* the depth-first search's nodes, then eval's path */
    size_t *pos;   /* each stacked node's next edge */
    size_t count;  /* vertices numbered */
} domtree;

/* The vertex of least semidominator on the forest path above `v` (v itself at a root),
 * compressing the path as it goes. Iterative: a path can be as long as the model. */
static size_t dom_eval(domtree *t, size_t v)
{
    size_t top = 0;

    if (t->ancestor[v] == 0)
        return v;
    for (size_t u = v; t->ancestor[t->ancestor[u]] != 0; u = t->ancestor[u])
        t->stack[top++] = u;
    while (top > 0) {
        size_t u = t->stack[--top], a = t->ancestor[u];
        if (t->semi[t->label[a]] < t->semi[t->label[u]])
            t->label[u] = t->label[a];
        t->ancestor[u] = t->ancestor[a];
    }
    return t->label[v];
}

/* Numbers what `root` reaches, depth first and without recursion, through the call graph
 * where every node other than the root that calls nothing also feeds the sink. */
static void dom_number(domtree *t, const graph *g, size_t root)
{
    size_t sink = g->n, top = 0;

    t->count = 1;
    t->num[root] = 1;
    t->vertex[1] = root;
    t->parent[1] = 0;
    t->stack[top] = root;
    t->pos[top++] = g->start[root];
    while (top > 0) {
        size_t u = t->stack[top - 1], v;
        if (u == sink) {
            top--;
            continue;
        }
        if (calls_nothing(g, u) && u != root) {
            if (t->pos[top - 1] != g->start[u]) { /* its one edge, to the sink, is taken */
                top--;
                continue;
            }
            t->pos[top - 1]++;
            v = sink;
        } else if (t->pos[top - 1] < g->start[u + 1]) {
            v = g->adj[t->pos[top - 1]++];
        } else {
            top--;
            continue;
        }
        if (t->num[v] != 0)
            continue;
        t->num[v] = ++t->count;
        t->vertex[t->count] = v;
        t->parent[t->count] = t->num[u];
        t->stack[top] = v;
        t->pos[top++] = v < sink ? g->start[v] : 0;
    }
}

/* The dominator tree of what `root` reaches: fills t->idom for numbers 2 .. t->count. */
static void dom_run(domtree *t, const graph *g, const graph *pred, size_t root)
{
    dom_number(t, g, root);
    for (size_t w = 1; w <= t->count; w++) {
        t->semi[w] = t->label[w] = w;
        t->ancestor[w] = t->bucket[w] = t->idom[w] = 0;
    }
    for (size_t w = t->count; w >= 2; w--) {
        size_t v = t->vertex[w], p = t->parent[w];
        for (size_t k = pred->start[v]; k < pred->start[v + 1]; k++) {
            size_t u = t->num[pred->adj[k]];
            if (u == 0)
                continue; /* a caller this root does not reach */
            u = dom_eval(t, u);
            if (t->semi[u] < t->semi[w])
                t->semi[w] = t->semi[u];
        }
        t->next[w] = t->bucket[t->semi[w]];
        t->bucket[t->semi[w]] = w;
        t->ancestor[w] = p;
        for (size_t b = t->bucket[p]; b != 0; b = t->next[b]) {
            size_t u = dom_eval(t, b);
            t->idom[b] = t->semi[u] < t->semi[b] ? u : p;
        }
        t->bucket[p] = 0;
    }
    for (size_t w = 2; w <= t->count; w++)
        if (t->idom[w] != t->semi[w])
            t->idom[w] = t->idom[t->idom[w]];
}

/* Forgets the numbers of the last run, so the next root starts clean. */
static void dom_reset(domtree *t)
{
    for (size_t w = 1; w <= t->count; w++)
        t->num[t->vertex[w]] = 0;
    t->count = 0;
}

/* "spof": a single instance whose loss cuts some client off from every terminal component
 * (one that calls nothing) it reached before. A component that is itself the only way to the
 * terminals, or is the only terminal, counts.
 *
 * Losing s cuts client c off exactly when every path from c to the sink (fed by the
 * terminals) goes through s (a terminal reaches the sink only through itself), that is when s
 * dominates the sink in the graph seen from c: the sink's dominators, found by one
 * dominator-tree run per client instead of one search per client and candidate. */
static void rule_spof(ctx *x)
{
    size_t n = x->g.n, sink = n;
    size_t *client_of = scratch(x, 11);
    unsigned char *flagged = x->bytes;
    domtree t = {.num = scratch(x, 0),
                 .vertex = scratch(x, 1),
                 .parent = scratch(x, 2),
                 .semi = scratch(x, 3),
                 .idom = scratch(x, 4),
                 .ancestor = scratch(x, 5),
                 .label = scratch(x, 6),
                 .bucket = scratch(x, 7),
                 .next = scratch(x, 8),
                 .stack = scratch(x, 9),
                 .pos = scratch(x, 10),
                 .count = 0};

    memset(t.num, 0, (n + 1) * sizeof *t.num);
    memset(flagged, 0, n);
    for (size_t c = 0; c < n; c++) {
        if (!(x->flags[c] & F_ENTRY) || calls_nothing(&x->g, c))
            continue;
        dom_run(&t, &x->g, &x->pred, c);
        /* No terminal reached: nothing to be cut off from (or only a cycle, reported
         * elsewhere). Otherwise walk up from the sink to the client. */
        for (size_t w = t.num[sink] != 0 ? t.idom[t.num[sink]] : 1; w != 1; w = t.idom[w]) {
            size_t s = t.vertex[w];
            if (!flagged[s] && (x->flags[s] & F_SINGLE)) {
                flagged[s] = 1;
                client_of[s] = c;
            }
        }
        dom_reset(&t);
    }
    /* Reported in component order, naming the first client cut off. */
    for (size_t s = 0; s < n; s++) {
        const dk_comp_t *sc = x->m->comps[s];
        if (flagged[s])
            add(x, DK_SEV_WARNING, "spof", sc, "add replicas = 2 or more, or a standby",
                "%s \"%s\" is a single point of failure: every path from client \"%s\" goes "
                "through it",
                kind_name(sc), sc->name, x->m->comps[client_of[s]]->name);
    }
}

/* Appends " -> name" (or the first name) to a cycle text, ending in "..." when it runs out of
 * room. */
static void append_name(char *buf, size_t size, size_t *len, const char *name)
{
    int k;

    if (*len >= size)
        return;
    k = dk_snprintf(buf + *len, size - *len, "%s%s", *len > 0 ? " -> " : "", name);
    if (k < 0 || (size_t)k >= size - *len) {
        memcpy(buf + size - 4, "...", 4);
        *len = size;
        return;
    }
    *len += (size_t)k;
}

/* Tarjan's strongly connected components of the call graph without the edges into queues
 * (a call into a queue does not wait), iterative so that a chain as long as the model cannot
 * overflow the stack. Fills comp[] with a set id per node and cyclic[id] with 1 for the sets
 * that hold a cycle: two members or more, or one that calls itself. */
static void scc_find(ctx *x, size_t *comp, unsigned char *cyclic)
{
    size_t n = x->g.n, counter = 0, nsets = 0;
    size_t *index = scratch(x, 0); /* preorder number + 1; 0: not visited yet */
    size_t *low = scratch(x, 1);
    size_t *open = scratch(x, 2); /* visited, set not yet closed: Tarjan's stack */
    size_t *call = scratch(x, 3); /* the depth-first path ... */
    size_t *pos = scratch(x, 4);  /* ... and each node's next edge */
    unsigned char *self = x->bytes;
    size_t nopen = 0, top;

    memset(index, 0, n * sizeof *index);
    memset(self, 0, n);
    for (size_t r = 0; r < n; r++) {
        if (index[r] != 0)
            continue;
        top = 0;
        index[r] = low[r] = ++counter;
        comp[r] = SIZE_MAX;
        open[nopen++] = r;
        call[top] = r;
        pos[top++] = x->g.start[r];
        while (top > 0) {
            size_t u = call[top - 1];
            if (pos[top - 1] < x->g.start[u + 1]) {
                size_t v = x->g.adj[pos[top - 1]++];
                if (x->flags[v] & F_ASYNC)
                    continue;
                if (v == u)
                    self[u] = 1;
                if (index[v] == 0) {
                    index[v] = low[v] = ++counter;
                    comp[v] = SIZE_MAX;
                    open[nopen++] = v;
                    call[top] = v;
                    pos[top++] = x->g.start[v];
                } else if (comp[v] == SIZE_MAX && index[v] < low[u]) {
                    low[u] = index[v]; /* still open: on Tarjan's stack */
                }
                continue;
            }
            top--;
            if (top > 0 && low[u] < low[call[top - 1]])
                low[call[top - 1]] = low[u];
            if (low[u] == index[u]) {
                size_t v, size = 0;
                do {
                    v = open[--nopen];
                    comp[v] = nsets;
                    size++;
                } while (v != u);
                cyclic[nsets++] = size > 1 || self[u];
            }
        }
    }
}

/* "sync-cycle": components that wait on each other's replies can deadlock or amplify load
 * without bound; a queue on the way makes a call asynchronous and breaks the wait. Each
 * strongly connected set is reported once, at its first component, with its shortest cycle
 * through that component: a breadth-first search kept inside the set, which finds the same
 * cycle as one over the whole graph (no edge from outside the set enters it) at a cost the
 * size of the set, so that all of them together stay linear. */
static void rule_sync_cycle(ctx *x)
{
    size_t n = x->g.n;
    size_t *comp = scratch(x, 5);
    unsigned char *cyclic = x->bytes2;
    size_t *queue = scratch(x, 0), *parent = scratch(x, 1), *path = scratch(x, 2);
    size_t *seen = scratch(x, 3); /* set id + 1 of the search that saw the node */

    scc_find(x, comp, cyclic);
    memset(seen, 0, n * sizeof *seen);
    for (size_t v = 0; v < n; v++) {
        char text[200];
        size_t len = 0, np = 0, head = 0, tail = 0, set = comp[v], u;
        int found = 0;
        if ((x->flags[v] & F_ASYNC) || !cyclic[set])
            continue;
        cyclic[set] = 0; /* reported */
        seen[v] = set + 1;
        queue[tail++] = v;
        while (head < tail && !found) {
            u = queue[head++];
            for (size_t k = x->g.start[u]; k < x->g.start[u + 1]; k++) {
                size_t w = x->g.adj[k];
                if (comp[w] != set)
                    continue; /* outside the set, queues included */
                if (w == v) {
                    parent[v] = u;
                    found = 1;
                    break;
                }
                if (seen[w] != set + 1) {
                    seen[w] = set + 1;
                    parent[w] = u;
                    queue[tail++] = w;
                }
            }
        }
        /* The cycle, walked back from v's parent along the search tree to v. */
        for (u = parent[v]; u != v; u = parent[u])
            path[np++] = u;
        path[np++] = v;
        for (size_t k = np; k-- > 0;)
            append_name(text, sizeof text, &len, x->m->comps[path[k]]->name);
        append_name(text, sizeof text, &len, x->m->comps[v]->name);
        add(x, DK_SEV_ERROR, "sync-cycle", x->m->comps[v],
            "make one of these calls asynchronous through a queue, or remove it",
            "synchronous call cycle: %s", text);
    }
}

/* The instances a component runs as: its replicas, or 1 for a kind without. */
static double instances(const dk_comp_t *c)
{
    return c->kind != NULL && c->kind->replicas_prop >= 0
               ? dk_comp_number(c, c->kind->replicas_prop)
               : 1;
}

/* "single-backend": a balancer with one backend balances nothing and adds a hop. A backend
 * with replicas is several instances, which the balancer does spread the load over. */
static void rule_single_backend(ctx *x)
{
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        if ((x->flags[i] & F_BALANCER) && c->nout == 1 && instances(c->out[0]) < 2)
            add(x, DK_SEV_WARNING, "single-backend", c, "add backends, or remove the balancer",
                "balancer \"%s\" has only one backend (%s \"%s\")", c->name, kind_name(c->out[0]),
                c->out[0]->name);
    }
}

/* "unrouted-class": a class a client sends that nothing it links to takes (routing by class,
 * designkit/model.h: a route or handler for the class, a "*" route, no routes at all, or a
 * balancer in front of one of those). At run time each such request fails at the client, so
 * it is an error, once per client and class. The routing is worked out once, in linear time;
 * then a client with a link that takes every class (the usual design) is done at once, and any
 * other asks it per class of its mix and link, in O(1) each. */
static void rule_unrouted_class(ctx *x, size_t nclients)
{
    dk_status st;
    dk_class_routing_t *r;

    if (nclients == 0)
        return;
    if ((r = dk_class_routing_new(x->m, &st)) == NULL) {
        x->status = st;
        return;
    }
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        size_t empty = 0; /* balancers it links to that have no backend: "no-route" says so */
        int takes_all = 0;
        if (!(x->flags[i] & F_ENTRY) || c->nout == 0) /* sends to nothing: "no-route" too */
            continue;
        for (size_t t = 0; t < c->nout; t++) {
            empty += (x->flags[c->out[t]->index] & F_BALANCER) && c->out[t]->nout == 0;
            takes_all |= dk_class_routing_takes_all(r, c->out[t]);
        }
        if (takes_all)
            continue;
        for (size_t p = 0; empty == 0 && p < c->nprops; p++) {
            const dk__pval *v = &c->props[p];
            if (c->kind->props[p].type != DK_PROP_MIX)
                continue;
            for (size_t j = 0; j < v->mix_n; j++) {
                size_t k = dk_class_routing_find(r, v->mix_cls[j]), t = 0;
                char hint[sizeof x->out->items[0].f.hint];
                if (!(v->mix_w[j] > 0))
                    continue; /* never sent */
                while (t < c->nout && !dk_class_routing_takes(r, c->out[t], k))
                    t++;
                if (t < c->nout)
                    continue;
                dk_snprintf(hint, sizeof hint,
                            "add a route or handler for \"%s\" (or a \"*\" route) to a service "
                            "the client reaches, or take the class out of its mix",
                            v->mix_cls[j]);
                add(x, DK_SEV_ERROR, "unrouted-class", c, hint,
                    "client \"%s\" sends class \"%s\", which nothing it sends to has a route "
                    "for: those requests would fail",
                    c->name, v->mix_cls[j]);
            }
        }
    }
    dk_class_routing_free(r);
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
 * NULL. Time and memory are linear in the size of the model, except spof, which costs what
 * each client reaches (times a log factor).
 */
/* "options": what a kind's own check refuses (dk_kind.check), values of one component that
 * cannot run together, which the builder would refuse too. */
static void rule_options(ctx *x)
{
    for (size_t i = 0; i < x->g.n; i++) {
        const dk_comp_t *c = x->m->comps[i];
        dk_error err;
        if (c->kind->check == NULL)
            continue;
        dk_error_clear(&err);
        dk_status st = c->kind->check(c, &err);
        if (st == DK_ENOMEM)
            x->status = DK_ENOMEM;
        else if (st != DK_OK)
            add(x, DK_SEV_ERROR, "options", c, "change one of the options the message names", "%s",
                err.message);
    }
}

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
    x.words = dk_calloc(NSCRATCH * (n + 2), sizeof *x.words);
    x.bytes = dk_calloc(n + 1, 1);
    x.bytes2 = dk_calloc(n + 1, 1);
    x.flags = dk_calloc(n + 1, 1);
    x.nclasses = dk_model_class_count(m);
    x.classes = dk_calloc(x.nclasses + 1, sizeof *x.classes);
    for (size_t i = 0; x.classes != NULL && i < x.nclasses; i++)
        x.classes[i] = dk_model_class(m, i);
    if (x.classes != NULL && x.nclasses > 1)
        qsort(x.classes, x.nclasses, sizeof *x.classes, cmp_name);
    if (x.out == NULL || x.words == NULL || x.bytes == NULL || x.bytes2 == NULL ||
        x.flags == NULL || x.classes == NULL || graph_build(&x.g, m) != DK_OK ||
        pred_build(&x.pred, &x.g) != DK_OK)
        x.status = DK_ENOMEM;
    for (size_t i = 0; x.flags != NULL && i < n; i++) {
        x.flags[i] = flags_of(m->comps[i]);
        nclients += (x.flags[i] & F_ENTRY) != 0;
    }
    if (x.status == DK_OK) {
        rule_no_client(&x, nclients);
        rule_unreachable(&x, nclients);
        rule_no_route(&x, nclients);
        rule_spof(&x);
        rule_sync_cycle(&x);
        rule_single_backend(&x);
        rule_unrouted_class(&x, nclients);
        rule_options(&x);
    }
    dk_free(x.g.start);
    dk_free(x.g.adj);
    dk_free(x.pred.start);
    dk_free(x.pred.adj);
    dk_free(x.words);
    dk_free(x.bytes);
    dk_free(x.bytes2);
    dk_free(x.flags);
    dk_free(x.classes);
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

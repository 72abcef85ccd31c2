/* lockorder.c - lock-order checking: per-thread stacks of held locks, one global graph of
 * "taken while holding" edges, and a cycle in it reported as a potential deadlock. */
#include "designkit/lockorder.h"

#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "sync_internal.h"

atomic_uint dk__lockorder_generation;

/* The last generation handed out; the next enable takes the one after (0 is "off"). */
static atomic_uint last_generation;
/* Threads numbered in the order they first took a checked lock. Relaxed: a counter. */
static atomic_uint thread_counter;

#define MAX_HELD 32

/* A thread's stack of held locks. `names` are borrowed from the locks, alive while held. */
typedef struct held_stack {
    unsigned generation;
    int n, overflow;
    const void *locks[MAX_HELD];
    const char *names[MAX_HELD];
    unsigned number;
    char name[32];
} held_stack;

static _Thread_local held_stack held;

typedef struct node {
    const void *lock; /* NULL: a free slot */
    char *name;
} node;

typedef struct edge {
    int from, to;
    char *thread; /* who first took `to` while holding `from` */
    char *stack;  /* what it held then: "[A, B]" */
} edge;

typedef struct finding {
    dk_lockorder_finding f;
    char *key; /* the cycle's node ids, sorted: the same cycle is reported once */
} finding;

/* The graph and the findings, under `graph_mu`: a plain pthread mutex, never checked itself. */
static pthread_mutex_t graph_mu = PTHREAD_MUTEX_INITIALIZER;
static node *nodes;
static int nnodes, cap_nodes;
static atomic_int live_nodes; /* relaxed: lets dk__lockorder_forget skip the mutex when 0 */
static edge *edges;
static int nedges, cap_edges;
static finding *findings;
static size_t nfindings, cap_findings;
static dk_lockorder_fn callback;
static void *callback_ud;

void dk_lockorder_enable(int on)
{
    unsigned g = 0;
    if (on) {
        if (dk_lockorder_enabled())
            return;
        g = atomic_fetch_add_explicit(&last_generation, 1, memory_order_relaxed) + 1;
        if (g == 0) /* wrapped: skip "off" */
            g = atomic_fetch_add_explicit(&last_generation, 1, memory_order_relaxed) + 1;
    }
    /* Relaxed, as every read of it: see sync_internal.h. */
    atomic_store_explicit(&dk__lockorder_generation, g, memory_order_relaxed);
}

int dk_lockorder_enabled(void)
{
    return dk__lockorder_on();
}

void dk_lockorder_name_thread(const char *name)
{
    dk_snprintf(held.name, sizeof held.name, "%s", name ? name : "");
}

/* The calling thread's stack, started afresh when it belongs to an older generation. */
static held_stack *my_stack(void)
{
    unsigned g = atomic_load_explicit(&dk__lockorder_generation, memory_order_relaxed);
    if (held.generation != g) {
        held.generation = g;
        held.n = held.overflow = 0;
    }
    if (held.number == 0)
        held.number = atomic_fetch_add_explicit(&thread_counter, 1, memory_order_relaxed) + 1;
    return &held;
}

static void thread_label(const held_stack *h, char *buf, size_t n)
{
    if (h->name[0])
        dk_snprintf(buf, n, "%s", h->name);
    else
        dk_snprintf(buf, n, "thread %u", h->number);
}

/* Grows `*arr` to hold one more element of `size` bytes. 0 on success. */
static int grow(void **arr, int *cap, int n, size_t size)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *p = dk_realloc(*arr, (size_t)nc * size);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

/* The node of `lock`, made if new; -1 on out-of-memory. Under graph_mu. */
static int node_of(const void *lock, const char *name)
{
    int free_slot = -1;
    for (int i = 0; i < nnodes; i++) {
        if (nodes[i].lock == lock)
            return i;
        if (nodes[i].lock == NULL && free_slot < 0)
            free_slot = i;
    }
    char *copy = dk_strdup(name);
    if (copy == NULL)
        return -1;
    if (free_slot < 0) {
        if (grow((void **)&nodes, &cap_nodes, nnodes, sizeof *nodes) != 0) {
            dk_free(copy);
            return -1;
        }
        free_slot = nnodes++;
    }
    nodes[free_slot].lock = lock;
    nodes[free_slot].name = copy;
    atomic_fetch_add_explicit(&live_nodes, 1, memory_order_relaxed);
    return free_slot;
}

static int find_edge(int from, int to)
{
    for (int i = 0; i < nedges; i++)
        if (edges[i].from == from && edges[i].to == to)
            return i;
    return -1;
}

/* A path of edges from `from` to `to` (depth-first): its edge indices into `path` (room for
 * nedges), returning its length, or 0 when there is none. Under graph_mu. */
static int find_path(int from, int to, int *path)
{
    int *via = dk_malloc((size_t)nnodes * sizeof *via); /* the edge that reached each node */
    int *todo = dk_malloc((size_t)nnodes * sizeof *todo);
    int len = 0;
    if (via == NULL || todo == NULL)
        goto done;
    for (int i = 0; i < nnodes; i++)
        via[i] = -2; /* unvisited */
    int ntodo = 0;
    via[from] = -1;
    todo[ntodo++] = from;
    while (ntodo > 0 && via[to] == -2) {
        int at = todo[--ntodo];
        for (int e = 0; e < nedges; e++) {
            if (edges[e].from == at && via[edges[e].to] == -2) {
                via[edges[e].to] = e;
                todo[ntodo++] = edges[e].to;
            }
        }
    }
    if (via[to] == -2)
        goto done;
    for (int at = to; at != from; at = edges[via[at]].from)
        len++;
    int k = len;
    for (int at = to; at != from; at = edges[via[at]].from)
        path[--k] = via[at];
done:
    dk_free(via);
    dk_free(todo);
    return len;
}

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Appends printf-style text to a growing buffer; on out-of-memory the buffer is freed and
 * stays NULL. */
static void append(char **buf, size_t *len, const char *fmt, const char *a, const char *b)
{
    if (*buf == NULL && *len != 0)
        return;
    int add = dk_snprintf(NULL, 0, fmt, a, b);
    char *p = dk_realloc(*buf, *len + (size_t)add + 1);
    if (p == NULL) {
        dk_free(*buf);
        *buf = NULL;
        *len = 1; /* marks the failure */
        return;
    }
    dk_snprintf(p + *len, (size_t)add + 1, fmt, a, b);
    *buf = p;
    *len += (size_t)add;
}

/* Records the cycle `cyc` (edge indices, cyc[k].to == cyc[k+1].from, closing) unless it was
 * found before. Returns the new finding, or NULL. Under graph_mu. */
static finding *record_cycle(const int *cyc, int n)
{
    int *ids = dk_malloc((size_t)n * sizeof *ids);
    if (ids == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        ids[i] = edges[cyc[i]].from;
    qsort(ids, (size_t)n, sizeof *ids, cmp_int);
    char *key = NULL;
    size_t klen = 0;
    for (int i = 0; i < n; i++) {
        char num[16];
        dk_snprintf(num, sizeof num, "%d", ids[i]);
        append(&key, &klen, "%s%s", num, ",");
    }
    dk_free(ids);
    if (key == NULL)
        return NULL;
    for (size_t i = 0; i < nfindings; i++) {
        if (strcmp(findings[i].key, key) == 0) {
            dk_free(key);
            return NULL;
        }
    }
    char *text = NULL;
    size_t tlen = 0;
    append(&text, &tlen, "%s%s", "potential deadlock: lock-order cycle ", "");
    for (int i = 0; i < n; i++)
        append(&text, &tlen, "%s%s", nodes[edges[cyc[i]].from].name, " -> ");
    append(&text, &tlen, "%s%s\n", nodes[edges[cyc[0]].from].name, "");
    for (int i = 0; i < n; i++) {
        const edge *e = &edges[cyc[i]];
        append(&text, &tlen, "  %s took %s", e->thread, nodes[e->to].name);
        append(&text, &tlen, " while holding %s%s\n", e->stack, "");
    }
    char **locks = dk_calloc((size_t)n, sizeof *locks);
    int ok = text != NULL && locks != NULL;
    for (int i = 0; ok && i < n; i++)
        ok = (locks[i] = dk_strdup(nodes[edges[cyc[i]].from].name)) != NULL;
    if (ok && nfindings == (size_t)cap_findings) {
        size_t nc = cap_findings ? cap_findings * 2 : 8;
        finding *p = dk_realloc(findings, nc * sizeof *p);
        if (p == NULL)
            ok = 0;
        else {
            findings = p;
            cap_findings = nc;
        }
    }
    if (!ok) {
        for (int i = 0; locks != NULL && i < n; i++)
            dk_free(locks[i]);
        dk_free(locks);
        dk_free(text);
        dk_free(key);
        return NULL;
    }
    finding *f = &findings[nfindings++];
    f->f.text = text;
    f->f.nlocks = (size_t)n;
    f->f.locks = locks;
    f->key = key;
    return f;
}

/* "[A, B]": the names on `h`, oldest first. NULL on out-of-memory. */
static char *stack_text(const held_stack *h)
{
    char *s = NULL;
    size_t len = 0;
    append(&s, &len, "%s%s", "[", "");
    for (int i = 0; i < h->n; i++)
        append(&s, &len, "%s%s", i ? ", " : "", h->names[i]);
    append(&s, &len, "%s%s", "]", "");
    return s;
}

/* Copies `src` into `dst` (for the callback, outside graph_mu). */
static dk_status copy_finding(const dk_lockorder_finding *src, dk_lockorder_finding *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->text = dk_strdup(src->text);
    dst->locks = dk_calloc(src->nlocks, sizeof *dst->locks);
    if (dst->text == NULL || dst->locks == NULL) {
        dk_lockorder_finding_clear(dst);
        return DK_ENOMEM;
    }
    dst->nlocks = src->nlocks; /* the array is zeroed: a partial copy clears cleanly */
    for (size_t i = 0; i < src->nlocks; i++) {
        if ((dst->locks[i] = dk_strdup(src->locks[i])) == NULL) {
            dk_lockorder_finding_clear(dst);
            return DK_ENOMEM;
        }
    }
    return DK_OK;
}

void dk__lockorder_before(const void *lock, const char *name)
{
    held_stack *h = my_stack();
    if (h->n == 0)
        return; /* nothing held: no edge */
    char label[40];
    thread_label(h, label, sizeof label);
    dk_lockorder_finding report = {0};
    int have_report = 0;
    dk_lockorder_fn fn = NULL;
    void *ud = NULL;
    pthread_mutex_lock(&graph_mu);
    int to = node_of(lock, name);
    for (int i = 0; to >= 0 && i < h->n; i++) {
        int from = node_of(h->locks[i], h->names[i]);
        if (from < 0 || from == to || find_edge(from, to) >= 0)
            continue;
        if (grow((void **)&edges, &cap_edges, nedges, sizeof *edges) != 0)
            break;
        char *thread = dk_strdup(label), *stack = stack_text(h);
        if (thread == NULL || stack == NULL) {
            dk_free(thread);
            dk_free(stack);
            break;
        }
        /* Is there a path back from `to` to `from`? Then this edge closes a cycle. */
        int *cyc = dk_malloc((size_t)(nedges + 1) * sizeof *cyc);
        int len = cyc != NULL ? find_path(to, from, cyc) : 0;
        edges[nedges] = (edge){from, to, thread, stack};
        nedges++;
        if (len > 0) {
            /* The cycle in taking order: from -> to, then the path back. */
            memmove(cyc + 1, cyc, (size_t)len * sizeof *cyc);
            cyc[0] = nedges - 1;
            finding *f = record_cycle(cyc, len + 1);
            if (f != NULL && callback != NULL && !have_report &&
                copy_finding(&f->f, &report) == DK_OK) {
                have_report = 1;
                fn = callback;
                ud = callback_ud;
            }
        }
        dk_free(cyc);
    }
    pthread_mutex_unlock(&graph_mu);
    if (have_report) {
        fn(&report, ud);
        dk_lockorder_finding_clear(&report);
    }
}

void dk__lockorder_acquired(const void *lock, const char *name)
{
    held_stack *h = my_stack();
    if (h->n == MAX_HELD) {
        h->overflow++; /* too deep to track: counted so its release balances */
        return;
    }
    h->locks[h->n] = lock;
    h->names[h->n] = name;
    h->n++;
}

void dk__lockorder_released(const void *lock)
{
    held_stack *h = my_stack();
    /* Locks may be released out of order: take the most recent entry of this lock. */
    for (int i = h->n - 1; i >= 0; i--) {
        if (h->locks[i] == lock) {
            memmove(&h->locks[i], &h->locks[i + 1], (size_t)(h->n - i - 1) * sizeof *h->locks);
            memmove(&h->names[i], &h->names[i + 1], (size_t)(h->n - i - 1) * sizeof *h->names);
            h->n--;
            return;
        }
    }
    if (h->overflow > 0)
        h->overflow--;
}

void dk__lockorder_forget(const void *lock)
{
    if (atomic_load_explicit(&live_nodes, memory_order_relaxed) == 0)
        return; /* the graph is empty (or was when this thread last looked; a lock being
                   destroyed is no longer used by anyone, so no thread adds it now) */
    pthread_mutex_lock(&graph_mu);
    for (int i = 0; i < nnodes; i++) {
        if (nodes[i].lock != lock)
            continue;
        int k = 0;
        for (int e = 0; e < nedges; e++) {
            if (edges[e].from == i || edges[e].to == i) {
                dk_free(edges[e].thread);
                dk_free(edges[e].stack);
            } else {
                edges[k++] = edges[e];
            }
        }
        nedges = k;
        dk_free(nodes[i].name);
        nodes[i].lock = NULL;
        nodes[i].name = NULL;
        atomic_fetch_sub_explicit(&live_nodes, 1, memory_order_relaxed);
        break;
    }
    pthread_mutex_unlock(&graph_mu);
}

void dk_lockorder_reset(void)
{
    pthread_mutex_lock(&graph_mu);
    for (int i = 0; i < nnodes; i++)
        dk_free(nodes[i].name);
    for (int e = 0; e < nedges; e++) {
        dk_free(edges[e].thread);
        dk_free(edges[e].stack);
    }
    for (size_t i = 0; i < nfindings; i++) {
        dk_lockorder_finding_clear(&findings[i].f);
        dk_free(findings[i].key);
    }
    dk_free(nodes);
    dk_free(edges);
    dk_free(findings);
    nodes = NULL;
    edges = NULL;
    findings = NULL;
    nnodes = cap_nodes = nedges = cap_edges = 0;
    nfindings = cap_findings = 0;
    atomic_store_explicit(&live_nodes, 0, memory_order_relaxed);
    pthread_mutex_unlock(&graph_mu);
}

void dk_lockorder_set_callback(dk_lockorder_fn fn, void *ud)
{
    pthread_mutex_lock(&graph_mu);
    callback = fn;
    callback_ud = ud;
    pthread_mutex_unlock(&graph_mu);
}

size_t dk_lockorder_count(void)
{
    pthread_mutex_lock(&graph_mu);
    size_t n = nfindings;
    pthread_mutex_unlock(&graph_mu);
    return n;
}

dk_status dk_lockorder_get(size_t i, dk_lockorder_finding *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&graph_mu);
    dk_status st = i < nfindings ? copy_finding(&findings[i].f, out) : DK_ERANGE;
    pthread_mutex_unlock(&graph_mu);
    return st;
}

void dk_lockorder_finding_clear(dk_lockorder_finding *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; f->locks != NULL && i < f->nlocks; i++)
        dk_free(f->locks[i]);
    dk_free(f->locks);
    dk_free(f->text);
    memset(f, 0, sizeof *f);
}

/* dot_sm.c - a state machine drawn with Graphviz as a statechart: clusters for composite
 * states, points for initial pseudo-states, arrows for transitions. dot.c lays out and renders. */
#include "designkit/draw_sm.h"

#include <string.h>

#include <graphviz/cgraph.h>

#include "designkit/alloc.h"
#include "designkit/file.h"
#include "designkit/statemachine_export.h"
#include "designkit/strbuf.h"
#include "designkit/units.h"
#include "dot_internal.h"

#define FONT "Helvetica"

/* Labels and names are built in a dk_strbuf (dot_internal.h). */

/* Labels are plain strings, in which Graphviz reads \N, \n and their kin: a backslash is
 * doubled so that an id is shown as it is. (HTML-like labels would do, but cgraph shares one
 * copy of equal strings, so a node named like an HTML label would be written as HTML.) */
static void put_label(dk_strbuf *t, const char *s)
{
    for (; *s != '\0'; s++)
        dk_strbuf_put_n(t, *s == '\\' ? "\\\\" : s, *s == '\\' ? 2 : 1);
}

/* A name for the SVG writer, as dot.c writes one: & as &amp;, a second space as &#32;. */
static void put_name(dk_strbuf *t, const char *name, int dot_text)
{
    for (const char *p = name; *p != '\0'; p++) {
        const char *e = dot_text                                ? NULL
                        : *p == '&'                             ? "&amp;"
                        : *p == ' ' && p > name && p[-1] == ' ' ? "&#32;"
                                                                : NULL;
        if (e != NULL)
            dk_strbuf_put(t, e);
        else
            dk_strbuf_put_n(t, p, 1);
    }
}

/* 1 when the DOT writer's quoted form of `s` would not read back (see dot.c). */
static int unquotable(const char *s)
{
    size_t run = 0;
    for (;; s++) {
        if ((*s == '"' || *s == '\0') && run % 2 == 1)
            return 1;
        if (*s == '\0')
            return 0;
        run = *s == '\\' ? run + 1 : 0;
    }
}

/* ---- Graphviz: 2.42 takes char * where it means const char * ---- */

static void declare(Agraph_t *g, int kind, const char *name, const char *def)
{
    agattr(g, kind, (char *)name, (char *)def);
}

static void set(void *obj, const char *name, const char *value)
{
    agsafeset(obj, (char *)name, (char *)value, (char *)"");
}

/* ---- the graph ---- */

typedef struct builder {
    const dk_sm_def_t *d;
    Agraph_t *g;
    Agnode_t **nodes;   /* per state (document order): its node, or a composite's point */
    Agraph_t **graphs;  /* per state: the graph its children go in */
    unsigned char *box; /* per state: drawn as a cluster */
    int dot_text;
    dk_strbuf t, name;
} builder;

static int index_of(const builder *b, const char *id)
{
    for (int i = 0; i < dk_sm_def_states(b->d); i++)
        if (strcmp(dk_sm_def_state_id(b->d, i), id) == 0)
            return i;
    return 0;
}

static Agnode_t *add_node(builder *b, Agraph_t *g, const char *id)
{
    b->name.len = 0;
    put_name(&b->name, id, b->dot_text);
    return b->name.failed ? NULL : agnode(g, b->name.s, 1);
}

static void set_label(builder *b, void *obj, const char *plain)
{
    b->t.len = 0;
    dk_strbuf_put(&b->t, "");
    put_label(&b->t, plain);
    if (!b->t.failed)
        set(obj, "label", b->t.s);
}

/* Adds state `i` inside the graph of its parent. */
static int add_state(builder *b, int i)
{
    dk_sm_state_info info;
    dk_sm_def_state_info(b->d, i, &info);
    int p = index_of(b, info.parent);
    dk_sm_state_info parent;
    dk_sm_def_state_info(b->d, p, &parent);
    Agraph_t *in = b->graphs[p];
    int history = info.kind == DK_SM_HISTORY_SHALLOW || info.kind == DK_SM_HISTORY_DEEP;
    if (info.nchildren > 0 && !history) {
        b->name.len = 0;
        dk_strbuf_put(&b->name, "cluster_");
        put_name(&b->name, info.id, b->dot_text);
        if (b->name.failed || (b->graphs[i] = agsubg(in, b->name.s, 1)) == NULL)
            return -1;
        b->box[i] = 1;
        set_label(b, b->graphs[i], info.id);
        set(b->graphs[i], "style", parent.kind == DK_SM_PARALLEL ? "dashed,rounded" : "rounded");
        if ((b->nodes[i] = add_node(b, b->graphs[i], info.id)) == NULL)
            return -1;
        set(b->nodes[i], "shape", "point");
        set(b->nodes[i], "label", "");
        if (info.kind == DK_SM_PARALLEL)
            set(b->nodes[i], "style", "invis");
        return 0;
    }
    if ((b->nodes[i] = add_node(b, in, info.id)) == NULL)
        return -1;
    b->graphs[i] = in;
    if (history) {
        set(b->nodes[i], "shape", "circle");
        set_label(b, b->nodes[i], info.kind == DK_SM_HISTORY_DEEP ? "H*" : "H");
    } else {
        set(b->nodes[i], "shape", info.kind == DK_SM_FINAL ? "doublecircle" : "box");
        if (info.kind != DK_SM_FINAL)
            set(b->nodes[i], "style", "rounded");
        set_label(b, b->nodes[i], info.id);
    }
    return 0;
}

/* An arrow from state `from` to state `to`, clipped at their clusters unless one holds the
 * other (dot refuses to clip an edge at a cluster holding its other end). */
static Agedge_t *arrow(builder *b, int from, int to)
{
    Agedge_t *e = agedge(b->g, b->nodes[from], b->nodes[to], NULL, 1);
    if (e == NULL)
        return NULL;
    b->name.len = 0;
    if (b->box[from] && !dk_sm_def_descends(b->d, to, from) && to != from) {
        dk_strbuf_put(&b->name, "cluster_");
        put_name(&b->name, dk_sm_def_state_id(b->d, from), b->dot_text);
        if (!b->name.failed)
            set(e, "ltail", b->name.s);
    }
    b->name.len = 0;
    if (b->box[to] && !dk_sm_def_descends(b->d, from, to) && to != from) {
        dk_strbuf_put(&b->name, "cluster_");
        put_name(&b->name, dk_sm_def_state_id(b->d, to), b->dot_text);
        if (!b->name.failed)
            set(e, "lhead", b->name.s);
    }
    return e;
}

static void put_transition_label(dk_strbuf *t, const dk_sm_transition *tr)
{
    char delay[64];
    if (tr->after_ns > 0) {
        dk_format_duration(tr->after_ns, delay, sizeof delay);
        dk_strbuf_put(t, "after ");
        dk_strbuf_put(t, delay);
    } else if (tr->event != NULL) {
        dk_strbuf_put(t, tr->event);
    }
    if (tr->guard != NULL)
        dk_strbuf_put(t, t->len > 0 ? " [guard]" : "[guard]");
    if (tr->action != NULL)
        dk_strbuf_put(t, t->len > 0 ? " / action" : "/ action");
}

static int add_transition(builder *b, int k)
{
    dk_sm_transition tr;
    dk_sm_def_transition_at(b->d, k, &tr);
    int from = index_of(b, tr.source);
    b->t.len = 0;
    dk_strbuf_put(&b->t, "");
    put_transition_label(&b->t, &tr);
    if (b->t.failed)
        return -1;
    char *label = dk_strdup(b->t.s);
    if (label == NULL)
        return -1;
    size_t n = tr.ntargets > 0 ? tr.ntargets : 1;
    for (size_t j = 0; j < n; j++) {
        int to = tr.ntargets > 0 ? index_of(b, tr.targets[j]) : from;
        Agedge_t *e = arrow(b, from, to);
        if (e == NULL) {
            dk_free(label);
            return -1;
        }
        set_label(b, e, label);
    }
    dk_free(label);
    return b->t.failed ? -1 : 0;
}

/* The arrows from initial pseudo-states and history states to where they lead. */
static int add_initials(builder *b, int i)
{
    dk_sm_state_info info;
    dk_sm_def_state_info(b->d, i, &info);
    if (info.initial == NULL || (!b->box[i] && i != 0 && info.kind != DK_SM_HISTORY_SHALLOW &&
                                 info.kind != DK_SM_HISTORY_DEEP))
        return 0;
    Agedge_t *e = arrow(b, i, index_of(b, info.initial));
    if (e == NULL)
        return -1;
    if (info.kind != DK_SM_STATE)
        set(e, "style", "dotted");
    return 0;
}

static Agraph_t *build(const dk_sm_def_t *d, int dot_text)
{
    int n = dk_sm_def_states(d);
    builder b = {.d = d, .dot_text = dot_text};
    b.g = agopen((char *)"statemachine", Agdirected, NULL);
    b.nodes = dk_calloc((size_t)n, sizeof *b.nodes);
    b.graphs = dk_calloc((size_t)n, sizeof *b.graphs);
    b.box = dk_calloc((size_t)n, 1);
    int ok = b.g != NULL && b.nodes != NULL && b.graphs != NULL && b.box != NULL;
    if (ok) {
        declare(b.g, AGRAPH, "compound", "true");
        declare(b.g, AGRAPH, "fontname", FONT);
        declare(b.g, AGNODE, "fontname", FONT);
        declare(b.g, AGNODE, "fontsize", "11");
        declare(b.g, AGNODE, "width", "0.15");
        declare(b.g, AGNODE, "height", "0.15");
        declare(b.g, AGEDGE, "fontname", FONT);
        declare(b.g, AGEDGE, "fontsize", "10");
        b.graphs[0] = b.g;
        /* The machine's initial: a point named the machine. */
        b.nodes[0] = add_node(&b, b.g, dk_sm_def_state_id(d, 0));
        ok = b.nodes[0] != NULL;
        if (ok) {
            set(b.nodes[0], "shape", "point");
            set(b.nodes[0], "label", "");
        }
    }
    for (int i = 1; i < n && ok; i++)
        ok = add_state(&b, i) == 0;
    for (int i = 0; i < n && ok; i++)
        ok = add_initials(&b, i) == 0;
    for (int k = 0; k < dk_sm_def_transitions(d) && ok; k++)
        ok = add_transition(&b, k) == 0;
    ok = ok && !b.t.failed && !b.name.failed;
    dk_free(b.t.s);
    dk_free(b.name.s);
    dk_free(b.nodes);
    dk_free(b.graphs);
    dk_free(b.box);
    if (!ok && b.g != NULL) {
        agclose(b.g);
        b.g = NULL;
    }
    return b.g;
}

dk_status dk_sm_render(const dk_sm_def_t *d, dk_draw_format fmt, char **data, size_t *len,
                       dk_error *err)
{
    if (data != NULL)
        *data = NULL;
    if (len != NULL)
        *len = 0;
    if (d == NULL || data == NULL || len == NULL || dk_sm_def_state_id(d, 0) == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_sm_render: a sealed definition and outputs needed");
    if (fmt == DK_DRAW_DOT)
        for (int i = 0; i < dk_sm_def_states(d); i++)
            if (unquotable(dk_sm_def_state_id(d, i)))
                return dk_error_set(err, DK_EUNSUPPORTED,
                                    "cannot write DOT: the state \"%s\" ends in (or puts before a "
                                    "quote) an odd run of backslashes, which DOT cannot spell",
                                    dk_sm_def_state_id(d, i));
    Agraph_t *g = build(d, fmt == DK_DRAW_DOT);
    if (g == NULL)
        return dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory building the graph");
    return dk__draw_graph(g, fmt, data, len, err);
}

dk_status dk_sm_draw_file(const dk_sm_def_t *d, const char *path, dk_error *err)
{
    dk_draw_format fmt;
    char *data;
    size_t len;
    dk_status st = dk_draw_format_from_path(path, &fmt, err);
    if (st != DK_OK)
        return st;
    if ((st = dk_sm_render(d, fmt, &data, &len, err)) != DK_OK)
        return st;
    st = dk_file_write_atomic(path, data, len, err);
    dk_free(data);
    return st;
}

/* dot_uml.c - a class diagram drawn with Graphviz in UML notation: HTML-like labels for the
 * compartments, arrowheads and line styles for the relations. dot.c lays out and renders. */
#include "designkit/draw_uml.h"

#include <string.h>

#include <graphviz/cgraph.h>

#include "designkit/alloc.h"
#include "designkit/file.h"
#include "designkit/strbuf.h"
#include "dot_internal.h"

#define FONT "Helvetica"

/* Labels and names are built in a dk_strbuf (dot_internal.h). */

/* `s` escaped for an HTML-like label, as dot.c escapes names there: & < > " as entities (a
 * backslash means nothing in HTML and stays as it is). */
static void put_html(dk_strbuf *t, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *e = *s == '&'   ? "&amp;"
                        : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;"
                                    : NULL;
        if (e != NULL)
            dk_strbuf_put(t, e);
        else
            dk_strbuf_put_n(t, s, 1);
    }
}

/* `name` for the SVG writer, as dot.c writes a component's name: & as &amp; (the writer passes
 * entities through), a space after a space as &#32; (it would make it a no-break space) and, in
 * an id (`backslash`), a backslash as &#92; (ids have \N and friends replaced). */
static void put_svg(dk_strbuf *t, const char *name, int backslash)
{
    for (const char *p = name; *p != '\0'; p++) {
        const char *e = *p == '&'                               ? "&amp;"
                        : *p == ' ' && p > name && p[-1] == ' ' ? "&#32;"
                        : *p == '\\' && backslash               ? "&#92;"
                                                                : NULL;
        if (e != NULL)
            dk_strbuf_put(t, e);
        else
            dk_strbuf_put_n(t, p, 1);
    }
}

/* 1 when the DOT writer's quoted form of `s` would not read back: an odd run of backslashes
 * before a quote or at the end (see dot.c). */
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
    agset(obj, (char *)name, (char *)value);
}

/* An HTML-like label: agset keeps the HTML mark only on the graph's own HTML copy. */
static void set_html(void *obj, const char *name, const char *html)
{
    Agraph_t *g = agraphof(obj);
    char *h = agstrdup_html(g, (char *)html);
    if (h != NULL) {
        agset(obj, (char *)name, h);
        agstrfree(g, h);
    }
}

/* ---- the boxes ---- */

/* One compartment: the members of `kind`, a line each, left aligned; a blank compartment
 * keeps its place (UML draws an empty fields box). */
static void put_compartment(dk_strbuf *t, const dk_classdiagram_t *d, size_t i,
                            dk_uml_member_kind kind)
{
    int any = 0;
    dk_strbuf_put(t, "<tr><td align=\"left\" balign=\"left\">");
    for (size_t j = 0; j < dk_classdiagram_member_count(d, i); j++) {
        dk_uml_member_kind k;
        dk_uml_visibility vis;
        unsigned flags;
        const char *m = dk_classdiagram_member_at(d, i, j, &k, &vis, &flags);
        if (k != kind)
            continue;
        char v[2] = {(char)vis, 0};
        dk_strbuf_put(t, flags & DK_UML_STATIC ? "<u>" : "");
        dk_strbuf_put(t, flags & DK_UML_ABSTRACT ? "<i>" : "");
        put_html(t, v);
        put_html(t, m);
        dk_strbuf_put(t, flags & DK_UML_ABSTRACT ? "</i>" : "");
        dk_strbuf_put(t, flags & DK_UML_STATIC ? "</u>" : "");
        dk_strbuf_put(t, "<br align=\"left\"/>");
        any = 1;
    }
    if (!any)
        dk_strbuf_put(t, " ");
    dk_strbuf_put(t, "</td></tr>");
}

/* The label of type `i`: a one-column table (Graphviz 2.42 leaks sizing a table with several
 * rows and columns), the name row then the compartments UML gives its kind. */
static void put_box(dk_strbuf *t, const dk_classdiagram_t *d, size_t i)
{
    dk_uml_kind kind = dk_classdiagram_kind(d, i);
    int italic = kind == DK_UML_INTERFACE || dk_classdiagram_abstract(d, i);
    dk_strbuf_put(t, "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
                     "<tr><td>");
    if (kind == DK_UML_INTERFACE)
        dk_strbuf_put(t, "\xC2\xABinterface\xC2\xBB<br/>");
    else if (kind == DK_UML_ENUM)
        dk_strbuf_put(t, "\xC2\xAB"
                         "enumeration\xC2\xBB<br/>");
    dk_strbuf_put(t, italic ? "<i>" : "");
    put_html(t, dk_classdiagram_name(d, i));
    dk_strbuf_put(t, italic ? "</i>" : "");
    dk_strbuf_put(t, "</td></tr>");
    if (kind == DK_UML_ENUM) {
        put_compartment(t, d, i, DK_UML_VALUE);
    } else {
        put_compartment(t, d, i, DK_UML_FIELD);
        put_compartment(t, d, i, DK_UML_METHOD);
    }
    dk_strbuf_put(t, "</table>");
}

/* ---- the relations ---- */

/* How each relation is drawn. Inheritance and realisation are drawn parent to child with the
 * arrow at the tail (dir=back) so dot ranks parents above their children; the diamonds sit
 * at the whole, the edge's tail, for the same reason. */
static const struct look {
    int reversed; /* the edge runs to -> from */
    const char *dir, *arrowhead, *arrowtail, *style;
} looks[] = {
    [DK_UML_INHERITS] = {1, "back", "none", "empty", "solid"},
    [DK_UML_REALIZES] = {1, "back", "none", "empty", "dashed"},
    [DK_UML_COMPOSES] = {0, "back", "none", "diamond", "solid"},
    [DK_UML_AGGREGATES] = {0, "back", "none", "odiamond", "solid"},
    [DK_UML_ASSOCIATES] = {0, "both", "none", "none", "solid"},
    [DK_UML_DEPENDS] = {0, "forward", "vee", "none", "dashed"},
};

/* An end's label: its role over its multiplicity, or NULL when it has neither. */
static int end_label(dk_strbuf *t, const dk_uml_end *e)
{
    t->len = 0;
    if (t->s != NULL)
        t->s[0] = '\0';
    if (e->role[0] == '\0' && e->mult[0] == '\0')
        return 0;
    put_html(t, e->role);
    dk_strbuf_put(t, e->role[0] != '\0' && e->mult[0] != '\0' ? "<br/>" : "");
    put_html(t, e->mult);
    return 1;
}

static Agnode_t *node_of(const dk_classdiagram_t *d, Agnode_t **nodes, const char *name)
{
    for (size_t i = 0; i < dk_classdiagram_count(d); i++)
        if (strcmp(dk_classdiagram_name(d, i), name) == 0)
            return nodes[i];
    return NULL; /* cannot be: the diagram was checked */
}

static void add_relation(Agraph_t *g, const dk_classdiagram_t *d, Agnode_t **nodes, size_t i,
                         dk_strbuf *t)
{
    dk_uml_relation_info r;
    dk_classdiagram_relation_at(d, i, &r);
    const struct look *k = &looks[r.rel];
    Agnode_t *from = node_of(d, nodes, r.from), *to = node_of(d, nodes, r.to);
    Agedge_t *e = k->reversed ? agedge(g, to, from, NULL, 1) : agedge(g, from, to, NULL, 1);
    if (e == NULL)
        return;
    set(e, "dir", k->dir);
    set(e, "style", k->style);
    set(e, "arrowtail", r.rel == DK_UML_ASSOCIATES && r.from_end.navigable ? "vee" : k->arrowtail);
    set(e, "arrowhead", r.rel == DK_UML_ASSOCIATES && r.to_end.navigable ? "vee" : k->arrowhead);
    if (end_label(t, &r.from_end))
        set_html(e, "taillabel", t->s);
    if (end_label(t, &r.to_end))
        set_html(e, "headlabel", t->s);
    if (r.label[0] != '\0') {
        t->len = 0;
        put_html(t, r.label);
        set_html(e, "label", t->s);
    }
}

/* Builds the graph; NULL when memory runs out. */
static Agraph_t *build(const dk_classdiagram_t *d, int dot_text)
{
    size_t n = dk_classdiagram_count(d);
    Agraph_t *g = agopen((char *)"classes", Agdirected, NULL);
    Agnode_t **nodes = dk_calloc(n ? n : 1, sizeof *nodes);
    dk_strbuf t = {0}, name = {0};
    if (g == NULL || nodes == NULL)
        goto fail;
    declare(g, AGRAPH, "fontname", FONT);
    declare(g, AGRAPH, "label", "");
    declare(g, AGRAPH, "labelloc", "t");
    declare(g, AGRAPH, "nodesep", "0.6");
    declare(g, AGNODE, "shape", "none");
    declare(g, AGNODE, "margin", "0");
    declare(g, AGNODE, "fontname", FONT);
    declare(g, AGNODE, "fontsize", "11");
    declare(g, AGNODE, "label", "");
    declare(g, AGNODE, "id", "");
    declare(g, AGEDGE, "fontname", FONT);
    declare(g, AGEDGE, "fontsize", "10");
    declare(g, AGEDGE, "dir", "forward");
    declare(g, AGEDGE, "style", "solid");
    declare(g, AGEDGE, "arrowhead", "normal");
    declare(g, AGEDGE, "arrowtail", "none");
    declare(g, AGEDGE, "taillabel", "");
    declare(g, AGEDGE, "headlabel", "");
    declare(g, AGEDGE, "label", "");
    declare(g, AGEDGE, "labeldistance", "1.6");
    if (dk_classdiagram_title(d)[0] != '\0') {
        put_html(&t, dk_classdiagram_title(d));
        set_html(g, "label", t.s);
    }
    for (size_t i = 0; i < n; i++) {
        const char *nm = dk_classdiagram_name(d, i);
        name.len = 0;
        if (dot_text)
            dk_strbuf_put(&name, nm);
        else
            put_svg(&name, nm, 0);
        if (name.failed || (nodes[i] = agnode(g, name.s, 1)) == NULL)
            goto fail;
        t.len = 0;
        put_box(&t, d, i);
        name.len = 0;
        put_svg(&name, nm, 1);
        if (t.failed || name.failed)
            goto fail;
        set_html(nodes[i], "label", t.s);
        set(nodes[i], "id", name.s);
    }
    for (size_t i = 0; i < dk_classdiagram_relation_count(d); i++)
        add_relation(g, d, nodes, i, &t);
    if (t.failed)
        goto fail;
    dk_free(t.s);
    dk_free(name.s);
    dk_free(nodes);
    return g;
fail:
    dk_free(t.s);
    dk_free(name.s);
    dk_free(nodes);
    if (g != NULL)
        agclose(g);
    return NULL;
}

dk_status dk_classdiagram_render(const dk_classdiagram_t *d, dk_draw_format fmt, char **data,
                                 size_t *len, dk_error *err)
{
    dk_status st;
    if (data != NULL)
        *data = NULL;
    if (len != NULL)
        *len = 0;
    if (d == NULL || data == NULL || len == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_classdiagram_render: diagram and outputs needed");
    if ((st = dk_classdiagram_check(d, err)) != DK_OK)
        return st;
    if (fmt == DK_DRAW_DOT)
        for (size_t i = 0; i < dk_classdiagram_count(d); i++)
            if (unquotable(dk_classdiagram_name(d, i)))
                return dk_error_set(err, DK_EUNSUPPORTED,
                                    "cannot write DOT: the name \"%s\" ends in (or puts before a "
                                    "quote) an odd run of backslashes, which DOT cannot spell",
                                    dk_classdiagram_name(d, i));
    Agraph_t *g = build(d, fmt == DK_DRAW_DOT);
    if (g == NULL)
        return dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory building the graph");
    return dk__draw_graph(g, fmt, data, len, err);
}

dk_status dk_classdiagram_draw_file(const dk_classdiagram_t *d, const char *path, dk_error *err)
{
    dk_draw_format fmt;
    char *data;
    size_t len;
    dk_status st = dk_draw_format_from_path(path, &fmt, err);
    if (st != DK_OK)
        return st;
    if ((st = dk_classdiagram_render(d, fmt, &data, &len, err)) != DK_OK)
        return st;
    st = dk_file_write_atomic(path, data, len, err);
    dk_free(data);
    return st;
}

/* dot.c - the model drawn with Graphviz (cgraph builds, gvc lays out and renders); the only
 * file that includes Graphviz headers. */
#include "designkit/locale.h"
#include "designkit/draw.h"
#include "designkit/map.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "designkit/alloc.h"
#include "designkit/file.h"
#include "designkit/units.h"
#include "dot_internal.h"

#define FONT "Helvetica"
/* Room for a name of DK__NAME_MAX (64) bytes with every byte escaped (&amp; is 5) and a
 * "cluster_" before it. */
#define DK_DRAW_NAME_BUF 400

/* ---- Graphviz wrappers: 2.42 takes char * where it means const char *, so the casts live
 * here and nowhere else. ---- */

static Agraph_t *gv_open(const char *name)
{
    return agopen((char *)name, Agdirected, NULL);
}

static Agraph_t *gv_subgraph(Agraph_t *g, const char *name)
{
    return agsubg(g, (char *)name, 1);
}

static Agnode_t *gv_node(Agraph_t *g, const char *name)
{
    return agnode(g, (char *)name, 1);
}

/* A node whose name Graphviz writes in DOT between < > (see spell_name): the name is made the
 * graph's HTML copy first, which agnode then finds and keeps, as cgraph's own reader does. */
static Agnode_t *gv_node_html(Agraph_t *g, const char *name)
{
    char *h = agstrdup_html(g, (char *)name);
    Agnode_t *n = h != NULL ? agnode(g, h, 1) : NULL;
    agstrfree(g, h);
    return n;
}

static Agraph_t *gv_subgraph_html(Agraph_t *g, const char *name)
{
    char *h = agstrdup_html(g, (char *)name);
    Agraph_t *sub = h != NULL ? agsubg(g, h, 1) : NULL;
    agstrfree(g, h);
    return sub;
}

static Agedge_t *gv_edge(Agraph_t *g, Agnode_t *from, Agnode_t *to)
{
    return agedge(g, from, to, NULL, 1);
}

/* Declares an attribute with its default for every object of `kind` (AGRAPH, AGNODE, AGEDGE);
 * agset on an undeclared attribute would silently do nothing. */
static void gv_declare(Agraph_t *g, int kind, const char *name, const char *def)
{
    agattr(g, kind, (char *)name, (char *)def);
}

static void gv_set(void *obj, const char *name, const char *value)
{
    agset(obj, (char *)name, (char *)value);
}

/* Sets an HTML-like label (the text between the outer < >): agset keeps a string's HTML mark
 * when the string is the graph's own HTML copy, so it is made with agstrdup_html first. */
static void gv_set_html(void *obj, const char *name, const char *html)
{
    Agraph_t *g = agraphof(obj);
    char *h = agstrdup_html(g, (char *)html);
    if (h != NULL) {
        agset(obj, (char *)name, h);
        agstrfree(g, h);
    }
}

/* ---- names and labels ----
 * A name may hold any printable UTF-8 (core/model/name.c), and each place Graphviz puts it has
 * its own rules, checked against its writers and readers (tests/cli/names_property.sh):
 * - a plain label is an escString (\N, \n, \\) whose entities Graphviz decodes (&amp; is &):
 *   a backslash is written \\ and & is written &amp;;
 * - the SVG writer escapes <, >, " in ids and titles but passes &...; through as an entity
 *   (&#0; would make the SVG malformed) and turns a space after a space into a no-break space,
 *   and an id also has \N and friends replaced: so & is written &amp;, a second space &#32;
 *   and (in ids) a backslash &#92;, which XML turns back into the name exactly;
 * - the DOT writer puts a name between quotes escaping only ", and its reader takes \\ as two
 *   backslashes and \" as a quote, so a name with an odd run of backslashes at its end or before
 *   a quote cannot be quoted at all; it is written as an HTML string, <name>, which keeps every
 *   byte but needs its < and > to pair up. */

/* Appends `s` to `buf` escaped for a Graphviz escString label (see above). */
static void append_escaped(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    for (; *s != '\0' && len + 6 < size; s++) {
        if (*s == '&') {
            memcpy(buf + len, "&amp;", 5);
            len += 5;
            continue;
        }
        if (*s == '\\')
            buf[len++] = '\\';
        buf[len++] = *s;
    }
    buf[len] = '\0';
}

/* A label that would end in a backslash (an escaped one, \\) would end the DOT writer's quoted
 * string with \": a line end, which Graphviz draws as nothing at the end of a label, goes after
 * it. */
static void end_label(char *buf, size_t size)
{
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\\' && len + 2 < size)
        memcpy(buf + len, "\\n", 3);
}

/* `name` for the SVG writer (see above) into `buf`: & as &amp;, a space after a space as &#32;
 * and, when `backslash` (an id), a backslash as &#92;. Returns `buf`. */
static const char *svg_text(const char *name, int backslash, char *buf, size_t size)
{
    size_t len = 0;
    for (const char *p = name; *p != '\0' && len + 6 < size; p++) {
        const char *e = *p == '&'                               ? "&amp;"
                        : *p == ' ' && p > name && p[-1] == ' ' ? "&#32;"
                        : *p == '\\' && backslash               ? "&#92;"
                                                                : NULL;
        if (e != NULL) {
            memcpy(buf + len, e, 5);
            len += 5;
        } else {
            buf[len++] = *p;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* 1 when the DOT writer's quoted form of `s` would not read back: an odd run of backslashes
 * before a quote or at the end. */
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

/* 1 when `s` can stand between < and > in DOT: every > closes an earlier <, all are closed. */
static int angles_pair(const char *s)
{
    long depth = 0;
    for (; *s != '\0'; s++) {
        depth += *s == '<' ? 1 : *s == '>' ? -1 : 0;
        if (depth < 0)
            return 0;
    }
    return depth == 0;
}

/* How the graph names `name` (a component, or "cluster_" + a group) for format `dot_text`
 * (DOT written as text) or not (rendered: SVG, PNG, PDF), into `buf`. Sets *html when DOT must
 * write it as <name>. DK_EUNSUPPORTED when DOT cannot spell it at all (an odd backslash run at
 * the end or before a quote, and < > that do not pair up). */
static dk_status spell_name(const char *name, int dot_text, char *buf, size_t size, int *html)
{
    *html = 0;
    if (!dot_text) { /* the SVG title */
        svg_text(name, 0, buf, size);
        return DK_OK;
    }
    dk_snprintf(buf, size, "%s", name);
    if (!unquotable(name))
        return DK_OK;
    *html = 1;
    return angles_pair(name) ? DK_OK : DK_EUNSUPPORTED;
}

static void append(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    dk_snprintf(buf + len, size - len, "%s", s);
}

/* Appends `s` to `buf` escaped for an HTML-like label. */
static void append_html(char *buf, size_t size, const char *s)
{
    char one[2] = {0, 0};
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            append(buf, size, "&amp;");
            break;
        case '<':
            append(buf, size, "&lt;");
            break;
        case '>':
            append(buf, size, "&gt;");
            break;
        case '"':
            append(buf, size, "&quot;");
            break;
        default:
            one[0] = *s;
            append(buf, size, one);
        }
    }
}

/* ---- what a run adds: colours, widths and the legend that explains them ----
 * One table of utilisation bands serves the nodes' fill and the legend, so the two cannot
 * disagree: below 0.5 comfortable, to 0.8 busy, to 0.95 close to saturation, beyond it queues
 * grow without bound. */
static const struct util_band {
    double below;
    const char *colour;
    const char *words; /* HTML */
} util_bands[] = {
    {0.5, "#a6d96a", "&lt; 50%"},
    {0.8, "#ffe066", "50&#8211;80%"},
    {0.95, "#fdae61", "80&#8211;95%"},
    {HUGE_VAL, "#f46d43", "&#8805; 95%"},
};
#define N_BANDS (sizeof util_bands / sizeof util_bands[0])

/* A component some of whose calls were rejected or failed is outlined in red, thick. */
#define ERROR_COLOUR "#d7191c"
#define ERROR_PENWIDTH "3"
/* A link that carried nothing during the run is drawn grey. */
#define IDLE_COLOUR "#9e9e9e"
/* Links are drawn 1 to 1 + WIDTH_RANGE points wide, in proportion to their rate. */
#define WIDTH_RANGE 3.0

static const char *util_color(double u)
{
    size_t i = 0;
    while (i + 1 < N_BANDS && !(u < util_bands[i].below))
        i++;
    return util_bands[i].colour;
}

/* The after-run graph label: the title, then lines that say what colours and widths mean (and
 * dashes, when the design has asynchronous links). It is the graph's label, not a node, so it
 * takes no part in the layout. Every table has one row or one column: Graphviz 2.42 sizes a
 * table with both through a graph it does not free. */
static void set_legend(Agraph_t *g, const char *title, int has_async)
{
    char html[2048] = "";

    append(html, sizeof html, "<table border=\"0\" cellspacing=\"0\" cellpadding=\"2\">");
    if (title != NULL && title[0] != '\0') {
        /* larger, not bold: Graphviz's pango plugin sets bold text through pango's markup
         * parser, which keeps what it parses */
        append(html, sizeof html, "<tr><td><font point-size=\"18\">");
        append_html(html, sizeof html, title);
        append(html, sizeof html, "</font></td></tr>");
    }
    append(html, sizeof html,
           "<tr><td><table border=\"0\" cellspacing=\"2\" cellpadding=\"2\"><tr>"
           "<td>utilisation (fill)</td>");
    for (size_t i = 0; i < N_BANDS; i++) {
        append(html, sizeof html, "<td bgcolor=\"");
        append(html, sizeof html, util_bands[i].colour);
        append(html, sizeof html, "\">");
        append(html, sizeof html, util_bands[i].words);
        append(html, sizeof html, "</td>");
    }
    append(html, sizeof html,
           "</tr></table></td></tr>"
           "<tr><td><font color=\"" ERROR_COLOUR "\">red outline</font>: calls rejected or "
           "failed (their share on the node)</td></tr>"
           "<tr><td>links: calls per second &#183; p99 of the callee; wider: busier; "
           "<font color=\"" IDLE_COLOUR "\">grey</font>: no traffic");
    if (has_async)
        append(html, sizeof html, "; dashed: the caller does not wait");
    append(html, sizeof html, "</td></tr></table>");
    gv_set_html(g, "label", html);
}

/* ---- building the graph ---- */

/* The clusters drawn for the model's groups, found by the group's address (a hash lookup:
 * a design of many groups is drawn in time linear in its size). */
typedef struct clusters {
    Agraph_t *root;
    Agraph_t **subs;   /* per group, creation order */
    dk_map_t *by_addr; /* group address -> index + 1 */
} clusters;

static Agraph_t *group_graph(const clusters *cl, const dk_group_t *g)
{
    uint64_t i;
    if (g == NULL || !dk_map_get(cl->by_addr, (uint64_t)(uintptr_t)g, &i))
        return cl->root;
    return cl->subs[i - 1];
}

/* The node of component `c` in `g` (made when new), named as spell_name says for `dot_text`;
 * build_graph has checked that every name can be spelled. */
static Agnode_t *comp_node(Agraph_t *g, const dk_comp_t *c, int dot_text)
{
    char name[DK_DRAW_NAME_BUF];
    int html;
    (void)spell_name(dk_comp_name(c), dot_text, name, sizeof name, &html);
    return html ? gv_node_html(g, name) : gv_node(g, name);
}

/* A node for `c`, standing for `count` components alike (folded in a summary; `last` names the
 * last of them) whose mean utilisation is `util` and whose mean share of calls rejected or
 * failed is `errors` (each < 0: none). */
static void add_node(Agraph_t *where, const dk_comp_t *c, size_t count, const dk_comp_t *last,
                     double util, double errors, int dot_text)
{
    char label[1024] = "", detail[128], tmp[64], id[DK_DRAW_NAME_BUF];
    Agnode_t *n = comp_node(where, c, dot_text);
    const dk_kind *kind = dk_comp_kind(c);

    append_escaped(label, sizeof label, dk_comp_name(c));
    if (count > 1) {
        append(label, sizeof label, " \xE2\x80\xA6 ");
        append_escaped(label, sizeof label, dk_comp_name(last));
        dk_snprintf(tmp, sizeof tmp, "\\n\xC3\x97%zu ", count);
        append(label, sizeof label, tmp);
    } else {
        append(label, sizeof label, "\\n");
    }
    append(label, sizeof label, dk_kind_name(kind));
    detail[0] = '\0';
    if (kind->detail != NULL)
        kind->detail(c, detail, sizeof detail);
    if (detail[0] != '\0') {
        append(label, sizeof label, "\\n");
        append_escaped(label, sizeof label, detail);
    }
    if (util >= 0) {
        dk_snprintf(tmp, sizeof tmp, "\\nutil %.0f%%", util * 100);
        append(label, sizeof label, tmp);
    }
    /* Whole percentages, as utilisation's; a share too small to round to 1% still shows. */
    if (errors > 0 && errors * 100 < 0.5) {
        append(label, sizeof label, "\\nerrors <1%");
    } else if (errors > 0) {
        dk_snprintf(tmp, sizeof tmp, "\\nerrors %.0f%%", errors * 100);
        append(label, sizeof label, tmp);
    }
    gv_set(n, "label", label);
    gv_set(n, "shape", kind->shape != NULL ? kind->shape : "box");
    gv_set(n, "id", svg_text(dk_comp_name(c), 1, id, sizeof id));
    if (util >= 0) {
        dk_snprintf(tmp, sizeof tmp, "%s%sfilled", kind->style ? kind->style : "",
                    kind->style ? "," : "");
        gv_set(n, "style", tmp);
        gv_set(n, "fillcolor", util_color(util));
    } else if (kind->style != NULL) {
        gv_set(n, "style", kind->style);
    }
    if (errors > 0) {
        gv_set(n, "color", ERROR_COLOUR);
        gv_set(n, "penwidth", ERROR_PENWIDTH);
    }
}

/* An edge for link i, drawn between `from` and `to` (the link's ends, or the nodes they are
 * folded into), standing for `count` links whose rates add up to `rate` and whose worst p99 is
 * `p99` (< 0: none); the busiest edge carries `max_rate`, which sets the widths.
 * The label starts with what the design says (how many links are folded, the link's latency)
 * and goes on with what a run measured. Every edge has a label, a blank one when there is
 * nothing to say: dot gives a labelled edge a node of its own in the ordering of each rank, so
 * a drawing after a run, whose edges all carry figures, orders nodes and clusters exactly as
 * the drawing before it only if that drawing's edges are labelled too. (xlabels, placed after
 * the layout, would keep the layout without that, but Graphviz 2.42 sets them over nodes.) */
static void add_edge(Agraph_t *g, const dk_model_t *m, size_t i, const dk_comp_t *from,
                     const dk_comp_t *to, size_t count, double rate, double p99, double max_rate,
                     int dot_text)
{
    const dk_dist_t *latency;
    char label[192] = "", tmp[64];

    dk_model_link_at(m, i, NULL, NULL, &latency);
    Agedge_t *e = gv_edge(g, comp_node(g, from, dot_text), comp_node(g, to, dot_text));
    if (count > 1) {
        dk_snprintf(tmp, sizeof tmp, "\xC3\x97%zu", count);
        append(label, sizeof label, tmp);
    }
    if (latency != NULL) {
        dk_format_duration((int64_t)llround(dk_dist_mean(latency)), tmp, sizeof tmp);
        append(label, sizeof label, label[0] != '\0' ? " \xC2\xB7 ~" : "~");
        append(label, sizeof label, tmp);
    }
    /* Its options (weight, retries, breaker), in the words of the link schema's detail: the
     * guard a link's resilience makes is drawn as this, not as a box. A folded edge stands for
     * links that may differ, so only a single link's are shown. */
    const dk_comp_t *opts = count == 1 ? dk_model_link_options_at(m, i) : NULL;
    if (opts != NULL && dk_comp_kind(opts)->detail != NULL) {
        char detail[128];
        dk_comp_kind(opts)->detail(opts, detail, sizeof detail);
        if (detail[0] != '\0') {
            append(label, sizeof label, label[0] != '\0' ? " \xC2\xB7 " : "");
            append(label, sizeof label, detail);
        }
    }
    if (rate >= 0) {
        dk_format_rate(rate, tmp, sizeof tmp);
        append(label, sizeof label, label[0] != '\0' ? "\\n" : "");
        append(label, sizeof label, tmp);
    }
    /* A link that carried nothing has no percentile of its own: the callee's p99 came from
     * other callers. */
    if (p99 >= 0 && rate != 0) {
        dk_format_duration((int64_t)llround(p99), tmp, sizeof tmp);
        const char *lead = rate >= 0 ? " \xC2\xB7 " : label[0] != '\0' ? "\\n" : "";
        append(label, sizeof label, lead);
        append(label, sizeof label, "p99 ");
        append(label, sizeof label, tmp);
    }
    gv_set(e, "label", label[0] != '\0' ? label : " ");
    if (dk_model_link_is_async(m, i)) /* its caller does not wait: a message, an event */
        gv_set(e, "style", "dashed");
    if (rate == 0) {
        gv_set(e, "color", IDLE_COLOUR);
        gv_set(e, "fontcolor", IDLE_COLOUR);
    } else if (rate > 0 && max_rate > 0) {
        dk_snprintf(tmp, sizeof tmp, "%.2f", 1 + WIDTH_RANGE * rate / max_rate);
        gv_set(e, "penwidth", tmp);
    }
}

/* ---- the summary of a large design ----
 * Past DK_DRAW_SUMMARY_AT components no one can read a drawing node by node (and dot's layout
 * takes minutes), so components alike are folded into one node. Alike is found by refining a
 * partition, as a bisimulation is: start from (kind, group); then, round by round, split a
 * class when its members are called by, or call, different sets of classes; stop when a round
 * splits nothing. Ten thousand services behind a balancer, each with a database of its own,
 * become two nodes, "api-1 ... api-10000 x10000" and "db-1 ... db-10000 x10000". Each node's
 * representative is the first component of its class. */

typedef struct fold {
    size_t *rep;   /* per component: the index of the first component of its class */
    size_t *count; /* per representative: how many components it stands for */
    size_t *last;  /* per representative: the last of them */
    double *util;  /* per representative: summed utilisation (then the mean) */
    size_t *nutil; /* ... over how many had one */
    double *errs;  /* per representative: summed share of calls rejected or failed */
    size_t *nerrs; /* ... over how many had one */
} fold;

static void fold_free(fold *f)
{
    dk_free(f->rep);
    dk_free(f->count);
    dk_free(f->last);
    dk_free(f->util);
    dk_free(f->nutil);
    dk_free(f->errs);
    dk_free(f->nerrs);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A hash of the set of classes of the neighbours adj[start[i] .. start[i+1]), order and
 * repetition free: sorted and deduplicated in `tmp` first. */
static uint64_t set_hash(const size_t *start, const size_t *adj, size_t i, const uint64_t *cls,
                         uint64_t *tmp)
{
    size_t k = 0;
    uint64_t h = 0x51ed270b27f1a7c3ULL;

    for (size_t e = start[i]; e < start[i + 1]; e++)
        tmp[k++] = cls[adj[e]];
    qsort(tmp, k, sizeof *tmp, cmp_u64);
    for (size_t j = 0; j < k; j++)
        if (j == 0 || tmp[j] != tmp[j - 1])
            h = dk_hash_u64(h ^ tmp[j]);
    return h;
}

/* The classes: cls[i] for every component, by refinement (see above). 1 on success. */
static int refine(const dk_model_t *m, uint64_t *cls)
{
    size_t n = dk_model_comp_count(m), nl = dk_model_link_count(m), nclasses = 0;
    size_t *out_start = dk_calloc(n + 2, sizeof *out_start);
    size_t *in_start = dk_calloc(n + 2, sizeof *in_start);
    size_t *out_adj = dk_calloc(nl + 1, sizeof *out_adj),
           *in_adj = dk_calloc(nl + 1, sizeof *in_adj);
    uint64_t *next = dk_calloc(n + 1, sizeof *next), *tmp = dk_calloc(nl + 1, sizeof *tmp);
    dk_map_t *ids = dk_map_new(n, NULL);
    int ok = 0;

    if (out_start == NULL || in_start == NULL || out_adj == NULL || in_adj == NULL ||
        next == NULL || tmp == NULL || ids == NULL)
        goto out;
    /* Neighbours in CSR form, both ways. */
    for (size_t i = 0; i < nl; i++) {
        dk_comp_t *from, *to;
        dk_model_link_at(m, i, &from, &to, NULL);
        out_start[dk_comp_index(from) + 2]++;
        in_start[dk_comp_index(to) + 2]++;
    }
    for (size_t i = 2; i < n + 2; i++) {
        out_start[i] += out_start[i - 1];
        in_start[i] += in_start[i - 1];
    }
    for (size_t i = 0; i < nl; i++) {
        dk_comp_t *from, *to;
        dk_model_link_at(m, i, &from, &to, NULL);
        out_adj[out_start[dk_comp_index(from) + 1]++] = dk_comp_index(to);
        in_adj[in_start[dk_comp_index(to) + 1]++] = dk_comp_index(from);
    }
    for (size_t i = 0; i < n; i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        cls[i] = dk_hash_u64((uint64_t)(uintptr_t)dk_comp_kind(c)) ^
                 dk_hash_u64((uint64_t)(uintptr_t)dk_comp_group(c) + 1);
    }
    /* Each round keeps a class's old hash in its new one, so classes only ever split; the
     * count of distinct hashes then tells when a round split nothing. */
    for (int round = 0; round < 64; round++) {
        size_t count = 0;
        dk_map_clear(ids);
        for (size_t i = 0; i < n; i++) {
            uint64_t h = dk_hash_u64(cls[i] ^ 0x9e3779b97f4a7c15ULL);
            h = dk_hash_u64(h ^ set_hash(out_start, out_adj, i, cls, tmp));
            h = dk_hash_u64(h + set_hash(in_start, in_adj, i, cls, tmp));
            next[i] = h;
            if (!dk_map_get(ids, h, NULL)) {
                if (dk_map_put(ids, h, 1) != DK_OK)
                    goto out;
                count++;
            }
        }
        memcpy(cls, next, n * sizeof *cls);
        if (count == nclasses)
            break;
        nclasses = count;
    }
    ok = 1;
out:
    dk_free(out_start);
    dk_free(in_start);
    dk_free(out_adj);
    dk_free(in_adj);
    dk_free(next);
    dk_free(tmp);
    dk_map_free(ids);
    return ok;
}

static dk_status fold_make(fold *f, const dk_model_t *m, int summary, const dk_draw_overlay *ov)
{
    size_t n = dk_model_comp_count(m);
    uint64_t *cls = NULL;
    dk_map_t *first = NULL;
    dk_status st = DK_ENOMEM;

    memset(f, 0, sizeof *f);
    f->rep = dk_calloc(n + 1, sizeof *f->rep);
    f->count = dk_calloc(n + 1, sizeof *f->count);
    f->last = dk_calloc(n + 1, sizeof *f->last);
    f->util = dk_calloc(n + 1, sizeof *f->util);
    f->nutil = dk_calloc(n + 1, sizeof *f->nutil);
    f->errs = dk_calloc(n + 1, sizeof *f->errs);
    f->nerrs = dk_calloc(n + 1, sizeof *f->nerrs);
    if (f->rep == NULL || f->count == NULL || f->last == NULL || f->util == NULL ||
        f->nutil == NULL || f->errs == NULL || f->nerrs == NULL)
        goto out;
    if (summary) {
        cls = dk_calloc(n + 1, sizeof *cls);
        first = dk_map_new(n, NULL);
        if (cls == NULL || first == NULL || !refine(m, cls))
            goto out;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t r = i;
        double u = ov != NULL && ov->utilisation != NULL ? ov->utilisation[i] : -1;
        double x = ov != NULL && ov->errors != NULL ? ov->errors[i] : -1;
        if (summary && !dk_map_get(first, cls[i], &r)) {
            r = i;
            if (dk_map_put(first, cls[i], i) != DK_OK)
                goto out;
        }
        f->rep[i] = (size_t)r;
        f->count[r]++;
        f->last[r] = i;
        if (u >= 0) {
            f->util[r] += u;
            f->nutil[r]++;
        }
        if (x >= 0) {
            f->errs[r] += x;
            f->nerrs[r]++;
        }
    }
    st = DK_OK;
out:
    dk_free(cls);
    dk_map_free(first);
    if (st != DK_OK)
        fold_free(f);
    return st;
}

static dk_status add_nodes_and_edges(Agraph_t *g, const clusters *cl, const dk_model_t *m,
                                     const dk_draw_overlay *ov, int dot_text)
{
    size_t n = dk_model_comp_count(m), nl = dk_model_link_count(m);
    int summary = n > DK_DRAW_SUMMARY_AT;
    dk_map_t *edges = NULL;
    double *rate = NULL, *p99 = NULL;
    size_t *count = NULL;
    fold f;

    if (fold_make(&f, m, summary, ov) != DK_OK)
        return DK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (f.rep[i] != i)
            continue;
        const dk_comp_t *c = dk_model_comp(m, i);
        double u = f.nutil[i] > 0 ? f.util[i] / (double)f.nutil[i] : -1;
        double x = f.nerrs[i] > 0 ? f.errs[i] / (double)f.nerrs[i] : -1;
        add_node(group_graph(cl, dk_comp_group(c)), c, f.count[i], dk_model_comp(m, f.last[i]), u,
                 x, dot_text);
    }
    /* Links between the same two nodes become one edge: its rate the sum, its p99 the worst. */
    edges = dk_map_new(nl, NULL);
    rate = dk_calloc(nl + 1, sizeof *rate);
    p99 = dk_calloc(nl + 1, sizeof *p99);
    count = dk_calloc(nl + 1, sizeof *count);
    if (edges == NULL || rate == NULL || p99 == NULL || count == NULL) {
        dk_map_free(edges);
        dk_free(rate);
        dk_free(p99);
        dk_free(count);
        fold_free(&f);
        return DK_ENOMEM;
    }
    for (size_t i = 0; i < nl; i++) {
        dk_comp_t *from, *to;
        uint64_t first;
        dk_model_link_at(m, i, &from, &to, NULL);
        uint64_t key = ((uint64_t)f.rep[dk_comp_index(from)] << 32) | f.rep[dk_comp_index(to)];
        double r = ov != NULL && ov->link_rate != NULL ? ov->link_rate[i] : -1;
        double p = ov != NULL && ov->link_p99 != NULL ? ov->link_p99[i] : -1;
        if (!dk_map_get(edges, key, &first)) {
            first = i;
            (void)dk_map_put(edges, key, i); /* sized for every link: no allocation */
            rate[i] = r;
            p99[i] = p;
        } else {
            rate[first] = r >= 0 ? (rate[first] >= 0 ? rate[first] : 0) + r : rate[first];
            p99[first] = p > p99[first] ? p : p99[first];
        }
        count[first]++;
    }
    double max_rate = 0;
    for (size_t i = 0; i < nl; i++)
        if (count[i] > 0 && rate[i] > max_rate)
            max_rate = rate[i];
    for (size_t i = 0; i < nl; i++) {
        dk_comp_t *from, *to;
        if (count[i] == 0)
            continue;
        dk_model_link_at(m, i, &from, &to, NULL);
        add_edge(g, m, i, dk_model_comp(m, f.rep[dk_comp_index(from)]),
                 dk_model_comp(m, f.rep[dk_comp_index(to)]), count[i], rate[i], p99[i], max_rate,
                 dot_text);
    }
    dk_map_free(edges);
    dk_free(rate);
    dk_free(p99);
    dk_free(count);
    fold_free(&f);
    return DK_OK;
}

/* DK_OK when DOT can spell every component's and group's name; else DK_EUNSUPPORTED naming
 * the first that it cannot (see spell_name). */
static dk_status check_dot_names(const dk_model_t *m, dk_error *err)
{
    char buf[DK_DRAW_NAME_BUF], shown[160];
    int html;
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        const char *name = dk_comp_name(c);
        if (spell_name(name, 1, buf, sizeof buf, &html) != DK_OK)
            return dk_error_set(err, DK_EUNSUPPORTED,
                                "cannot write DOT: %s %s: DOT can write a name that ends in a "
                                "backslash (or has one before a quote) only as <...>, which "
                                "needs its < and > to pair up (draw it as .svg, or rename it)",
                                dk_kind_name(dk_comp_kind(c)),
                                dk_name_quote(name, strlen(name), shown, sizeof shown));
    }
    for (size_t i = 0; i < dk_model_group_count(m); i++) {
        const char *name = dk_group_name(dk_model_group(m, i));
        if (spell_name(name, 1, buf, sizeof buf, &html) != DK_OK)
            return dk_error_set(err, DK_EUNSUPPORTED,
                                "cannot write DOT: group %s: DOT can write a name that ends in a "
                                "backslash (or has one before a quote) only as <...>, which "
                                "needs its < and > to pair up (draw it as .svg, or rename it)",
                                dk_name_quote(name, strlen(name), shown, sizeof shown));
    }
    return DK_OK;
}

/* The whole graph with names spelled for `dot_text` (spell_name), or NULL on out-of-memory
 * (Graphviz reports its own allocation failures by returning NULL from agopen/agsubg; agnode
 * and agedge abort inside the library). */
static Agraph_t *build_graph(const dk_model_t *m, const dk_draw_overlay *ov, int dot_text)
{
    size_t ngroups = dk_model_group_count(m);
    clusters cl;
    const char *title = dk_model_name(m);
    Agraph_t *g = gv_open("design");

    if (g == NULL)
        return NULL;
    gv_declare(g, AGRAPH, "rankdir", "LR");
    /* Ranks for the whole graph at once, clusters kept whole. Graphviz 2.42's default ranks each
     * cluster on its own first; a path that leaves a cluster and comes back into it (lb -> api ->
     * cache, with lb and cache in a zone and api outside it) then cannot keep its direction, dot
     * lays one of its edges flat, and a flat edge with a label makes dot (flat.c) grow a rank's
     * node list with realloc while the clusters still point into the old one: a double free in
     * gvFreeLayout, exit 134 (issue 6). newrank never lays a cluster's edges flat that way. */
    gv_declare(g, AGRAPH, "newrank", "true");
    gv_declare(g, AGRAPH, "fontname", FONT);
    gv_declare(g, AGRAPH, "label", "");
    gv_declare(g, AGRAPH, "labelloc", "t");
    gv_declare(g, AGNODE, "fontname", FONT);
    gv_declare(g, AGNODE, "shape", "box");
    gv_declare(g, AGNODE, "style", "");
    gv_declare(g, AGNODE, "fillcolor", "");
    gv_declare(g, AGNODE, "id", "");
    gv_declare(g, AGNODE, "label", "\\N");
    gv_declare(g, AGEDGE, "fontname", FONT);
    gv_declare(g, AGEDGE, "label", "");
    gv_declare(g, AGEDGE, "color", "");
    gv_declare(g, AGEDGE, "fontcolor", "");
    gv_declare(g, AGEDGE, "penwidth", "");
    gv_declare(g, AGEDGE, "style", "");
    gv_declare(g, AGNODE, "color", "");
    gv_declare(g, AGNODE, "penwidth", "");
    if (ov != NULL) {
        int has_async = 0;
        for (size_t i = 0; i < dk_model_link_count(m) && !has_async; i++)
            has_async = dk_model_link_is_async(m, i);
        set_legend(g, title, has_async);
    } else if (title != NULL && title[0] != '\0') {
        char label[512] = "";
        append_escaped(label, sizeof label, title);
        end_label(label, sizeof label);
        gv_set(g, "label", label);
    }

    cl.root = g;
    cl.subs = dk_calloc(ngroups + 1, sizeof *cl.subs);
    cl.by_addr = dk_map_new(ngroups, NULL);
    if (cl.subs == NULL || cl.by_addr == NULL)
        goto fail;
    /* creation order puts a parent before its children, so the parent's subgraph exists */
    for (size_t i = 0; i < ngroups; i++) {
        const dk_group_t *grp = dk_model_group(m, i);
        char full[DK_DRAW_NAME_BUF], name[DK_DRAW_NAME_BUF], label[800] = "";
        int html;
        dk_snprintf(full, sizeof full, "cluster_%s", dk_group_name(grp));
        (void)spell_name(full, dot_text, name, sizeof name, &html);
        Agraph_t *parent = group_graph(&cl, dk_group_parent(grp));
        cl.subs[i] = html ? gv_subgraph_html(parent, name) : gv_subgraph(parent, name);
        if (cl.subs[i] == NULL || dk_map_put(cl.by_addr, (uint64_t)(uintptr_t)grp, i + 1) != DK_OK)
            goto fail;
        append_escaped(label, sizeof label, dk_group_name(grp));
        append(label, sizeof label, " (");
        append_escaped(label, sizeof label, dk_group_kind(grp));
        append(label, sizeof label, ")");
        gv_set(cl.subs[i], "label", label);
    }
    if (add_nodes_and_edges(g, &cl, m, ov, dot_text) != DK_OK)
        goto fail;
    dk_free(cl.subs);
    dk_map_free(cl.by_addr);
    return g;
fail:
    dk_free(cl.subs);
    dk_map_free(cl.by_addr);
    agclose(g);
    return NULL;
}

/* ---- rendering ---- */

static const char *format_name(dk_draw_format fmt)
{
    switch (fmt) {
    case DK_DRAW_SVG:
        return "svg";
    case DK_DRAW_PNG:
        return "png";
    case DK_DRAW_PDF:
        return "pdf";
    case DK_DRAW_DOT:
        return "canon"; /* the graph as written, without layout coordinates */
    }
    return NULL;
}

dk_status dk_draw_format_from_path(const char *path, dk_draw_format *fmt, dk_error *err)
{
    static const struct {
        const char *ext;
        dk_draw_format fmt;
    } table[] = {{"svg", DK_DRAW_SVG},
                 {"png", DK_DRAW_PNG},
                 {"pdf", DK_DRAW_PDF},
                 {"dot", DK_DRAW_DOT},
                 {"gv", DK_DRAW_DOT}};
    const char *slash, *dot;

    if (path == NULL || fmt == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_draw_format_from_path: path and format needed");
    slash = strrchr(path, '/');
    dot = strrchr(slash != NULL ? slash + 1 : path, '.');
    if (dot == NULL || dot[1] == '\0')
        return dk_error_set(err, DK_EUNSUPPORTED,
                            "cannot draw \"%s\": no file extension (use .svg, .png, .pdf, .dot)",
                            path);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const char *a = dot + 1, *b = table[i].ext;
        while (*a != '\0' && *b != '\0' && tolower((unsigned char)*a) == *b) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0') {
            *fmt = table[i].fmt;
            return DK_OK;
        }
    }
    return dk_error_set(err, DK_EUNSUPPORTED,
                        "cannot draw \"%s\": unknown format \"%s\" (use .svg, .png, .pdf, .dot)",
                        path, dot);
}

/* One Graphviz context for the process, made on first use. Not one per call: Graphviz 2.42's
 * pango plugin caches a pointer to the last font name, which lives in the context, so a second
 * context reads freed memory. It is freed at exit (glibc runs a shared library's atexit
 * handlers when the library is unloaded with dlclose, so a Lua module is safe too). Like
 * Graphviz itself, not thread safe. */
static GVC_t *shared_gvc;

static void free_context(void)
{
    gvFreeContext(shared_gvc);
    shared_gvc = NULL;
}

static GVC_t *context(void)
{
    if (shared_gvc == NULL) {
        shared_gvc = gvContext();
        /* should registering fail, the context stays reachable until exit: harmless */
        if (shared_gvc != NULL)
            (void)atexit(free_context);
    }
    return shared_gvc;
}

/* cairo stamps every PDF with the wall-clock time ("/CreationDate (D:20261128012133Z)"), so two
 * drawings of one design would differ. The stamp is rewritten in place, same length so the
 * PDF's byte offsets stay right, to SOURCE_DATE_EPOCH when set (the reproducible-builds
 * convention) or else to the epoch itself. */
static void pin_pdf_date(char *pdf, size_t len)
{
    static const char key[] = "/CreationDate (D:";
    const size_t klen = sizeof key - 1, dlen = 14; /* YYYYMMDDHHMMSS */
    time_t when = 0;
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch != NULL && *epoch != '\0')
        when = (time_t)strtoll(epoch, NULL, 10);
    struct tm tm;
    char stamp[32];
    if (gmtime_r(&when, &tm) == NULL || strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) != dlen)
        return;
    for (size_t i = 0; i + klen + dlen <= len; i++) {
        if (memcmp(pdf + i, key, klen) == 0) {
            memcpy(pdf + i + klen, stamp, dlen);
            return;
        }
    }
}

/*
 * dk_draw_render - builds the graph, lays it out in the shared context and renders into
 * memory. The rendered bytes are copied into a dk_malloc buffer so the caller frees them like
 * everything else of ours; the layout and the graph are freed before returning.
 */
dk_status dk_draw_render(const dk_model_t *m, const dk_draw_overlay *overlay, dk_draw_format fmt,
                         char **data, size_t *len, dk_error *err)
{
    dk_status st;

    if (data != NULL)
        *data = NULL;
    if (len != NULL)
        *len = 0;
    if (m == NULL || data == NULL || len == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_draw_render: model and outputs are required");
    if (format_name(fmt) == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_draw_render: unknown format %d", (int)fmt);

    if (fmt == DK_DRAW_DOT && (st = check_dot_names(m, err)) != DK_OK)
        return st;
    Agraph_t *g = build_graph(m, overlay, fmt == DK_DRAW_DOT);
    if (g == NULL)
        return dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory building the graph");
    return dk__draw_graph(g, fmt, data, len, err);
}

/*
 * dk__draw_graph - lays `g` out in the shared context and renders it into memory (the other
 * drawers of export/, such as dot_uml.c, build their graph and end here). The rendered bytes
 * are copied into a dk_malloc buffer so the caller frees them like everything else of ours;
 * the layout and the graph are freed before returning, whatever happens.
 */
dk_status dk__draw_graph(Agraph_t *g, dk_draw_format fmt, char **data, size_t *len, dk_error *err)
{
    const char *format = format_name(fmt);
    char *result = NULL;
    unsigned int result_len = 0;
    dk_status st = DK_OK;

    if (format == NULL) {
        agclose(g);
        return dk_error_set(err, DK_EINVAL, "dk_draw_render: unknown format %d", (int)fmt);
    }
    GVC_t *gvc = context();
    if (gvc == NULL) {
        agclose(g);
        return dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory creating Graphviz");
    }
    if (gvLayout(gvc, g, "dot") != 0) {
        st = dk_error_set(err, DK_EINTERNAL,
                          "cannot draw: Graphviz's dot layout failed (is libgvc6 installed "
                          "with its plugin config?)");
        goto done;
    }
    if (gvRenderData(gvc, g, format, &result, &result_len) != 0 || result == NULL) {
        st = dk_error_set(err, DK_EUNSUPPORTED,
                          "cannot draw: Graphviz has no renderer for %s (is the %s plugin "
                          "installed?)",
                          format, fmt == DK_DRAW_SVG || fmt == DK_DRAW_DOT ? "core" : "cairo");
        goto layout;
    }
    /* one spare byte so text formats are also NUL-terminated strings */
    *data = dk_malloc((size_t)result_len + 1);
    if (*data == NULL) {
        st = dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory");
    } else {
        memcpy(*data, result, result_len);
        (*data)[result_len] = '\0';
        *len = result_len;
        if (fmt == DK_DRAW_PDF)
            pin_pdf_date(*data, *len);
    }
layout:
    gvFreeRenderData(result);
    gvFreeLayout(gvc, g);
done:
    agclose(g);
    return st;
}

/*
 * dk_draw_file - the format comes from the extension, checked before any work; the bytes go
 * through dk_file_write_atomic, so a failed write leaves the old file (or none) in place.
 */
dk_status dk_draw_file(const dk_model_t *m, const dk_draw_overlay *overlay, const char *path,
                       dk_error *err)
{
    dk_draw_format fmt;
    char *data;
    size_t len;
    dk_status st = dk_draw_format_from_path(path, &fmt, err);

    if (st != DK_OK)
        return st;
    st = dk_draw_render(m, overlay, fmt, &data, &len, err);
    if (st != DK_OK)
        return st;
    st = dk_file_write_atomic(path, data, len, err);
    dk_free(data);
    return st;
}

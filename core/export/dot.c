/* dot.c - the model drawn with Graphviz (cgraph builds, gvc lays out and renders); the only
 * file that includes Graphviz headers. */
#include "designkit/export.h"

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

#define FONT "Helvetica"

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

/* ---- labels ---- */

/* Appends `s` to `buf` escaped for a Graphviz escString: a backslash would otherwise start an
 * escape like \N (the node's name). */
static void append_escaped(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    for (; *s != '\0' && len + 2 < size; s++) {
        if (*s == '\\')
            buf[len++] = '\\';
        buf[len++] = *s;
    }
    buf[len] = '\0';
}

static void append(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s", s);
}

/* A count in a few characters: 200000 -> "200k", 1500000 -> "1.5M". */
static void format_count(double v, char *buf, size_t size)
{
    static const char *const suffix[] = {"", "k", "M", "G", "T"};
    size_t i = 0;
    while (fabs(v) >= 1000 && i + 1 < sizeof suffix / sizeof suffix[0]) {
        v /= 1000;
        i++;
    }
    snprintf(buf, size, "%.3g%s", v, suffix[i]);
}

/* A property's value if the kind has it (the schema belongs to the model; the drawing asks
 * rather than assumes). */
static int has_prop(const dk_comp_t *c, const char *prop)
{
    return dk_kind_prop(dk_comp_kind(c), prop) != NULL;
}

/* The third label line: what a reader most wants to know about this kind at a glance. */
static void detail_line(const dk_comp_t *c, char *buf, size_t size)
{
    char tmp[64];
    buf[0] = '\0';
    switch (dk_comp_kind(c)) {
    case DK_KIND_CLIENT:
        if (has_prop(c, "rate")) {
            dk_format_rate(dk_comp_number(c, "rate"), tmp, sizeof tmp);
            append(buf, size, tmp);
        }
        break;
    case DK_KIND_BALANCER:
        if (has_prop(c, "algorithm") && dk_comp_text(c, "algorithm") != NULL)
            append(buf, size, dk_comp_text(c, "algorithm"));
        break;
    case DK_KIND_CACHE:
        if (has_prop(c, "policy") && dk_comp_text(c, "policy") != NULL)
            append(buf, size, dk_comp_text(c, "policy"));
        if (has_prop(c, "capacity")) {
            format_count(dk_comp_number(c, "capacity"), tmp, sizeof tmp);
            append(buf, size, buf[0] != '\0' ? " " : "");
            append(buf, size, tmp);
        }
        break;
    default: /* services, databases, queues: how many of it there are */
        if (has_prop(c, "replicas") && dk_comp_number(c, "replicas") > 1) {
            snprintf(tmp, sizeof tmp, "x%.0f replicas", dk_comp_number(c, "replicas"));
            append(buf, size, tmp);
        }
        if (has_prop(c, "workers") && dk_comp_is_set(c, "workers")) {
            snprintf(tmp, sizeof tmp, "%s%.0f workers", buf[0] != '\0' ? ", " : "",
                     dk_comp_number(c, "workers"));
            append(buf, size, tmp);
        }
        if (has_prop(c, "consumers") && dk_comp_is_set(c, "consumers")) {
            snprintf(tmp, sizeof tmp, "%s%.0f consumers", buf[0] != '\0' ? ", " : "",
                     dk_comp_number(c, "consumers"));
            append(buf, size, tmp);
        }
        if (has_prop(c, "replication") && dk_comp_is_set(c, "replication") &&
            dk_comp_text(c, "replication") != NULL) {
            append(buf, size, buf[0] != '\0' ? ", " : "");
            append(buf, size, dk_comp_text(c, "replication"));
        }
        break;
    }
}

static const char *kind_shape(dk_kind kind)
{
    switch (kind) {
    case DK_KIND_CLIENT:
        return "box";
    case DK_KIND_BALANCER:
        return "hexagon";
    case DK_KIND_SERVICE:
        return "box";
    case DK_KIND_CACHE:
        return "box3d";
    case DK_KIND_DATABASE:
        return "cylinder";
    case DK_KIND_QUEUE:
        return "cds";
    default:
        return "ellipse";
    }
}

/* Utilisation bands: below 0.5 comfortable, to 0.8 busy, to 0.95 close to saturation, beyond
 * it queues grow without bound. */
static const char *util_color(double u)
{
    return u < 0.5 ? "#a6d96a" : u < 0.8 ? "#ffe066" : u < 0.95 ? "#fdae61" : "#f46d43";
}

/* ---- building the graph ---- */

static Agraph_t *group_graph(Agraph_t *root, Agraph_t **subs, const dk_model_t *m,
                             const dk_group_t *g)
{
    if (g == NULL)
        return root;
    for (size_t i = 0; i < dk_model_group_count(m); i++)
        if (dk_model_group(m, i) == g)
            return subs[i];
    return root;
}

static void add_node(Agraph_t *where, const dk_comp_t *c, const dk_draw_overlay *ov)
{
    char label[512] = "", detail[128], tmp[64];
    Agnode_t *n = gv_node(where, dk_comp_name(c));
    dk_kind kind = dk_comp_kind(c);
    double util = ov != NULL && ov->utilisation != NULL ? ov->utilisation[dk_comp_index(c)] : -1;

    append_escaped(label, sizeof label, dk_comp_name(c));
    append(label, sizeof label, "\\n");
    append(label, sizeof label, dk_kind_name(kind));
    detail_line(c, detail, sizeof detail);
    if (detail[0] != '\0') {
        append(label, sizeof label, "\\n");
        append_escaped(label, sizeof label, detail);
    }
    if (util >= 0) {
        snprintf(tmp, sizeof tmp, "\\nutil %.0f%%", util * 100);
        append(label, sizeof label, tmp);
    }
    gv_set(n, "label", label);
    gv_set(n, "shape", kind_shape(kind));
    gv_set(n, "id", dk_comp_name(c));
    if (util >= 0) {
        gv_set(n, "style", kind == DK_KIND_CLIENT ? "rounded,filled" : "filled");
        gv_set(n, "fillcolor", util_color(util));
    } else if (kind == DK_KIND_CLIENT) {
        gv_set(n, "style", "rounded");
    }
}

static void add_edge(Agraph_t *g, const dk_model_t *m, size_t i, const dk_draw_overlay *ov)
{
    dk_comp_t *from, *to;
    const dk_dist_t *latency;
    char label[128] = "", tmp[64];
    double rate = ov != NULL && ov->link_rate != NULL ? ov->link_rate[i] : -1;
    double p99 = ov != NULL && ov->link_p99 != NULL ? ov->link_p99[i] : -1;

    dk_model_link_at(m, i, &from, &to, &latency);
    Agedge_t *e = gv_edge(g, gv_node(g, dk_comp_name(from)), gv_node(g, dk_comp_name(to)));
    if (rate >= 0 || p99 >= 0) {
        if (rate >= 0) {
            dk_format_rate(rate, tmp, sizeof tmp);
            append(label, sizeof label, tmp);
        }
        if (p99 >= 0) {
            dk_format_duration((int64_t)llround(p99), tmp, sizeof tmp);
            append(label, sizeof label, label[0] != '\0' ? " \xC2\xB7 p99 " : "p99 ");
            append(label, sizeof label, tmp);
        }
    } else if (latency != NULL) {
        dk_format_duration((int64_t)llround(dk_dist_mean(latency)), tmp, sizeof tmp);
        append(label, sizeof label, "~");
        append(label, sizeof label, tmp);
    }
    if (label[0] != '\0')
        gv_set(e, "label", label);
}

/* The whole graph, or NULL on out-of-memory (Graphviz reports its own allocation failures by
 * returning NULL from agopen/agsubg; agnode and agedge abort inside the library). */
static Agraph_t *build_graph(const dk_model_t *m, const dk_draw_overlay *ov)
{
    size_t ngroups = dk_model_group_count(m);
    Agraph_t **subs = NULL;
    const char *title = dk_model_name(m);
    Agraph_t *g = gv_open("design");

    if (g == NULL)
        return NULL;
    gv_declare(g, AGRAPH, "rankdir", "LR");
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
    if (title != NULL && title[0] != '\0') {
        char label[256] = "";
        append_escaped(label, sizeof label, title);
        gv_set(g, "label", label);
    }

    if (ngroups > 0) {
        subs = dk_calloc(ngroups, sizeof *subs);
        if (subs == NULL) {
            agclose(g);
            return NULL;
        }
    }
    /* creation order puts a parent before its children, so the parent's subgraph exists */
    for (size_t i = 0; i < ngroups; i++) {
        const dk_group_t *grp = dk_model_group(m, i);
        char name[300], label[300] = "";
        snprintf(name, sizeof name, "cluster_%s", dk_group_name(grp));
        subs[i] = gv_subgraph(group_graph(g, subs, m, dk_group_parent(grp)), name);
        if (subs[i] == NULL) {
            dk_free(subs);
            agclose(g);
            return NULL;
        }
        append_escaped(label, sizeof label, dk_group_name(grp));
        append(label, sizeof label, " (");
        append_escaped(label, sizeof label, dk_group_kind(grp));
        append(label, sizeof label, ")");
        gv_set(subs[i], "label", label);
    }
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        add_node(group_graph(g, subs, m, dk_comp_group(c)), c, ov);
    }
    for (size_t i = 0; i < dk_model_link_count(m); i++)
        add_edge(g, m, i, ov);
    dk_free(subs);
    return g;
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
    const char *format = format_name(fmt);
    char *result = NULL;
    unsigned int result_len = 0;
    dk_status st = DK_OK;

    if (data != NULL)
        *data = NULL;
    if (len != NULL)
        *len = 0;
    if (m == NULL || data == NULL || len == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_draw_render: model and outputs are required");
    if (format == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_draw_render: unknown format %d", (int)fmt);

    Agraph_t *g = build_graph(m, overlay);
    if (g == NULL)
        return dk_error_set(err, DK_ENOMEM, "cannot draw: out of memory building the graph");
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

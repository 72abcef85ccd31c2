/* model.c - the model itself: groups, components, links, request classes and expectations. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "designkit/alloc.h"
#include "model/internal.h"

static const char *const group_kinds[] = {"region", "zone", "cluster", "group"};

static const struct {
    const char *name;
    dk_expect_sense sense;
    double percentile;
} expect_metrics[] = {
#define ROW(id, name, sense, pct) {name, sense, pct},
    DK_EXPECT_METRICS(ROW)
#undef ROW
};

const char *dk_expect_metric_name(dk_expect_metric m)
{
    return (int)m >= 0 && m < DK_EXPECT__COUNT ? expect_metrics[m].name : "unknown";
}

dk_expect_sense dk_expect_metric_sense(dk_expect_metric m)
{
    return (int)m >= 0 && m < DK_EXPECT__COUNT ? expect_metrics[m].sense : DK_EXPECT_AT_MOST;
}

double dk_expect_metric_percentile(dk_expect_metric m)
{
    return (int)m >= 0 && m < DK_EXPECT__COUNT ? expect_metrics[m].percentile : 0;
}

int dk_expect_metric_parse(const char *name, dk_expect_metric *m)
{
    for (int i = 0; name != NULL && i < DK_EXPECT__COUNT; i++)
        if (strcmp(name, expect_metrics[i].name) == 0) {
            *m = (dk_expect_metric)i;
            return 1;
        }
    return 0;
}

const char *dk_expect_metric_list(char *buf, size_t size)
{
    size_t len = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (int i = 0; i < DK_EXPECT__COUNT && len < size; i++) {
        int n = dk_snprintf(buf + len, size - len, "%s%s", i ? ", " : "", expect_metrics[i].name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return buf;
}

dk_status dk__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return DK_OK;
    ncap = *cap < 8 ? 8 : *cap;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return DK_ENOMEM;
        ncap *= 2;
    }
    p = dk_realloc(*arr, ncap * elem);
    if (p == NULL)
        return DK_ENOMEM;
    *arr = p;
    *cap = ncap;
    return DK_OK;
}

const char *dk__fmt_num(double v, char buf[32])
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        dk_snprintf(buf, 32, "%.0f", v);
    else
        dk_snprintf(buf, 32, "%g", v);
    return buf;
}

size_t dk__names_find(const dk_map_t *map, const char *name,
                      const char *(*name_at)(const void *ctx, size_t i), const void *ctx,
                      uint64_t *free_key)
{
    uint64_t key = dk_hash_str(name), pos;

    while (dk_map_get(map, key, &pos)) {
        if (strcmp(name_at(ctx, (size_t)pos - 1), name) == 0)
            return (size_t)pos - 1;
        key = dk_hash_u64(key + 1); /* another name with this hash: probe on */
    }
    if (free_key != NULL)
        *free_key = key;
    return SIZE_MAX;
}

static dk_status reserve_classes(dk_model_t *m, size_t total);

static const char *comp_name_at(const void *ctx, size_t i)
{
    return ((const dk_model_t *)ctx)->comps[i]->name;
}

static const char *group_name_at(const void *ctx, size_t i)
{
    return ((const dk_model_t *)ctx)->groups[i]->name;
}

static const char *class_at(const void *ctx, size_t i)
{
    return ((const dk_model_t *)ctx)->classes[i];
}

/* The key of a link pair in m->link_pairs: indices stay far below 2^32. */
static uint64_t pair_key(const dk_comp_t *from, const dk_comp_t *to)
{
    return ((uint64_t)from->index << 32) | (uint64_t)to->index;
}

/*
 * dk_model_new - an empty model named `name` (a valid name: non-empty, printable, at most 64
 * bytes). Returns NULL with `err` set on a bad name or out of memory; the caller frees the
 * result with dk_model_free.
 */
dk_model_t *dk_model_new(const char *name, dk_error *err)
{
    dk_model_t *m;

    if (dk__check_name("model name", name, err) != DK_OK)
        return NULL;
    m = dk_calloc(1, sizeof *m);
    if (m == NULL || (m->name = dk_strdup(name)) == NULL ||
        (m->by_name = dk_map_new(16, NULL)) == NULL ||
        (m->groups_by_name = dk_map_new(8, NULL)) == NULL ||
        (m->link_pairs = dk_map_new(16, NULL)) == NULL ||
        (m->class_index = dk_map_new(16, NULL)) == NULL) {
        dk_model_free(m);
        dk_error_set(err, DK_ENOMEM, "model \"%s\": out of memory", name);
        return NULL;
    }
    return m;
}

static void comp_free(dk_comp_t *c)
{
    if (c == NULL)
        return;
    dk__props_free(c);
    dk__routes_free(c);
    dk_free(c->out);
    dk_free(c->name);
    dk_free(c);
}

/*
 * dk_model_free - frees the model with its groups, components, links and expectations. Custom
 * routes' data is the caller's and is not touched. NULL is a no-op.
 */
void dk_model_free(dk_model_t *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->ncomps; i++)
        comp_free(m->comps[i]);
    for (size_t i = 0; i < m->ngroups; i++) {
        dk_free(m->groups[i]->name);
        dk_free(m->groups[i]);
    }
    for (size_t i = 0; i < m->nlinks; i++) {
        dk_dist_free(m->links[i].latency);
        dk__link_options_free(m->links[i].opts);
    }
    for (size_t i = 0; i < m->nexpects; i++)
        dk_free((char *)m->expects[i].cls);
    dk_free(m->comps);
    dk_free(m->groups);
    dk_free(m->links);
    dk_free(m->classes);
    dk_map_free(m->by_name);
    dk_map_free(m->groups_by_name);
    dk_map_free(m->link_pairs);
    dk_map_free(m->class_index);
    dk_free(m->expects);
    dk_free(m->name);
    dk_free(m);
}

const char *dk_model_name(const dk_model_t *m)
{
    return m->name;
}

/* ---- groups ---- */

/*
 * dk_model_add_group - a new group owned by `m`, nested in `parent` (NULL: top level, else a
 * group of the same model). `kind` must be region, zone, cluster or group; names are unique
 * among groups (DK_EEXIST). NULL with `err` set on failure.
 */
dk_group_t *dk_model_add_group(dk_model_t *m, dk_group_t *parent, const char *name,
                               const char *kind, dk_error *err)
{
    const char *k = NULL;
    dk_group_t *g;
    uint64_t key = 0;

    if (m == NULL) {
        dk_error_set(err, DK_EINVAL, "group: no model given");
        return NULL;
    }
    if (dk__check_name("group name", name, err) != DK_OK)
        return NULL;
    for (size_t i = 0; kind != NULL && i < sizeof group_kinds / sizeof group_kinds[0]; i++)
        if (strcmp(kind, group_kinds[i]) == 0)
            k = group_kinds[i];
    if (k == NULL) {
        dk_error_set(err, DK_EINVAL,
                     "group \"%s\": kind must be one of region, zone, cluster, group (got "
                     "\"%.64s\")",
                     name, kind != NULL ? kind : "");
        return NULL;
    }
    if (parent != NULL && parent->model != m) {
        dk_error_set(err, DK_EINVAL, "group \"%s\": parent \"%s\" belongs to another model", name,
                     parent->name);
        return NULL;
    }
    if (dk__names_find(m->groups_by_name, name, group_name_at, m, &key) != SIZE_MAX) {
        dk_error_set(err, DK_EEXIST, "a group named \"%s\" already exists", name);
        return NULL;
    }
    if (dk__grow((void **)&m->groups, &m->capgroups, m->ngroups + 1, sizeof *m->groups) != DK_OK ||
        (g = dk_calloc(1, sizeof *g)) == NULL) {
        dk_error_set(err, DK_ENOMEM, "group \"%s\": out of memory", name);
        return NULL;
    }
    if ((g->name = dk_strdup(name)) == NULL ||
        dk_map_put(m->groups_by_name, key, m->ngroups + 1) != DK_OK) {
        dk_free(g->name);
        dk_free(g);
        dk_error_set(err, DK_ENOMEM, "group \"%s\": out of memory", name);
        return NULL;
    }
    g->model = m;
    g->kind = k;
    g->parent = parent;
    m->groups[m->ngroups++] = g;
    return g;
}

size_t dk_model_group_count(const dk_model_t *m)
{
    return m->ngroups;
}

/* The i-th group in creation order; NULL when i is out of range. */
dk_group_t *dk_model_group(const dk_model_t *m, size_t i)
{
    return i < m->ngroups ? m->groups[i] : NULL;
}

dk_group_t *dk_model_find_group(const dk_model_t *m, const char *name)
{
    size_t i =
        name != NULL ? dk__names_find(m->groups_by_name, name, group_name_at, m, NULL) : SIZE_MAX;
    return i != SIZE_MAX ? m->groups[i] : NULL;
}

const char *dk_group_name(const dk_group_t *g)
{
    return g->name;
}

const char *dk_group_kind(const dk_group_t *g)
{
    return g->kind;
}

dk_group_t *dk_group_parent(const dk_group_t *g)
{
    return g->parent;
}

/* ---- components ---- */

/*
 * dk_model_add - a new component of `kind` named `name` in `group` (NULL: top level), with
 * every property at its default. DK_EEXIST when a component already has the name, DK_EINVAL
 * for a bad name, kind or foreign group, DK_ENOMEM; NULL with `err` set on failure. Adding a
 * client adds its default class ("request") to the model's classes.
 */
dk_comp_t *dk_model_add(dk_model_t *m, dk_group_t *group, const dk_kind *kind, const char *name,
                        dk_error *err)
{
    dk_comp_t *c;
    char what[DK__NAME_MAX + 16];
    uint64_t key = 0;
    size_t nmix = 0;

    if (m == NULL) {
        dk_error_set(err, DK_EINVAL, "component: no model given");
        return NULL;
    }
    if (kind == NULL || kind->name == NULL) {
        dk_error_set(err, DK_EINVAL, "component \"%.64s\": no kind given", name ? name : "");
        return NULL;
    }
    dk_snprintf(what, sizeof what, "%s name", kind->name);
    if (dk__check_name(what, name, err) != DK_OK)
        return NULL;
    if (group != NULL && group->model != m) {
        dk_error_set(err, DK_EINVAL, "%s \"%s\": group \"%s\" belongs to another model", kind->name,
                     name, group->name);
        return NULL;
    }
    if (dk__names_find(m->by_name, name, comp_name_at, m, &key) != SIZE_MAX) {
        dk_error_set(err, DK_EEXIST, "a component named \"%s\" already exists", name);
        return NULL;
    }
    if (dk_kind_has(kind, DK_TRAIT_LINK)) {
        dk_error_set(err, DK_EINVAL,
                     "%s \"%.64s\": not a component kind (set link options on the link)",
                     kind->name, name);
        return NULL;
    }
    if (dk_kind_has(kind, DK_TRAIT_ENTRY))
        for (size_t i = 0; i < kind->nprops; i++)
            nmix += kind->props[i].type == DK_PROP_MIX; /* each starts with one class */
    if (dk__grow((void **)&m->comps, &m->capcomps, m->ncomps + 1, sizeof *m->comps) != DK_OK ||
        dk_map_put(m->by_name, key, m->ncomps + 1) != DK_OK)
        goto oom;
    if (nmix > 0 && reserve_classes(m, m->mix_total + nmix) != DK_OK)
        goto oom_unmap;
    c = dk_calloc(1, sizeof *c);
    if (c == NULL)
        goto oom_unmap;
    c->model = m;
    c->kind = kind;
    c->group = group;
    c->index = m->ncomps;
    if ((c->name = dk_strdup(name)) == NULL || dk__props_init(c) != DK_OK) {
        comp_free(c);
        goto oom_unmap;
    }
    m->comps[m->ncomps++] = c;
    if (nmix > 0) {
        m->mix_total += nmix;
        dk__model_classes_changed(m);
    }
    return c;
oom_unmap:
    dk_map_remove(m->by_name, key, NULL);
oom:
    dk_error_set(err, DK_ENOMEM, "%s \"%s\": out of memory", kind->name, name);
    return NULL;
}

size_t dk_model_comp_count(const dk_model_t *m)
{
    return m->ncomps;
}

/* The i-th component in creation order; NULL when i is out of range. */
dk_comp_t *dk_model_comp(const dk_model_t *m, size_t i)
{
    return i < m->ncomps ? m->comps[i] : NULL;
}

/* The component named `name`, or NULL: a hash lookup, so building a large model stays linear. */
dk_comp_t *dk_model_find(const dk_model_t *m, const char *name)
{
    size_t i = name != NULL ? dk__names_find(m->by_name, name, comp_name_at, m, NULL) : SIZE_MAX;
    return i != SIZE_MAX ? m->comps[i] : NULL;
}

const char *dk_comp_name(const dk_comp_t *c)
{
    return c->name;
}

const dk_kind *dk_comp_kind(const dk_comp_t *c)
{
    return c->kind;
}

dk_group_t *dk_comp_group(const dk_comp_t *c)
{
    return c->group;
}

size_t dk_comp_index(const dk_comp_t *c)
{
    return c->index;
}

/* ---- links ---- */

/*
 * dk_model_link - records that `from` calls `to`, with an optional one-way latency (cloned; the
 * caller keeps `latency`). DK_EINVAL for a missing or foreign component, a link to itself or
 * into a client (clients only send); DK_EEXIST for a pair already linked; DK_ENOMEM leaves the
 * model as it was.
 */
dk_status dk_model_link(dk_model_t *m, dk_comp_t *from, dk_comp_t *to, const dk_dist_t *latency,
                        dk_error *err)
{
    dk_dist_t *lat = NULL;

    if (m == NULL || from == NULL || to == NULL)
        return dk_error_set(err, DK_EINVAL, "link: %s missing",
                            m == NULL      ? "model"
                            : from == NULL ? "source"
                                           : "target");
    if (from->model != m || to->model != m)
        return dk_error_set(err, DK_EINVAL, "link %s -> %s: %s \"%s\" belongs to another model",
                            from->name, to->name,
                            dk_kind_name((from->model != m ? from : to)->kind),
                            (from->model != m ? from : to)->name);
    if (from == to)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": cannot link to itself",
                            dk_kind_name(from->kind), from->name);
    if (dk_kind_has(to->kind, DK_TRAIT_ENTRY))
        return dk_error_set(err, DK_EINVAL,
                            "%s \"%s\": cannot link to client \"%s\" (clients only send)",
                            dk_kind_name(from->kind), from->name, to->name);
    if (dk_map_get(m->link_pairs, pair_key(from, to), NULL))
        return dk_error_set(err, DK_EEXIST, "%s \"%s\" already links to %s \"%s\"",
                            dk_kind_name(from->kind), from->name, dk_kind_name(to->kind), to->name);
    if (dk__grow((void **)&m->links, &m->caplinks, m->nlinks + 1, sizeof *m->links) != DK_OK ||
        dk__grow((void **)&from->out, &from->capout, from->nout + 1, sizeof *from->out) != DK_OK ||
        (latency != NULL && (lat = dk_dist_clone(latency)) == NULL) ||
        dk_map_put(m->link_pairs, pair_key(from, to), m->nlinks + 1) != DK_OK) {
        dk_dist_free(lat);
        return dk_error_set(err, DK_ENOMEM, "link %s -> %s: out of memory", from->name, to->name);
    }
    m->links[m->nlinks].from = from;
    m->links[m->nlinks].to = to;
    m->links[m->nlinks].latency = lat;
    m->links[m->nlinks].async = 0;
    m->links[m->nlinks].opts = NULL;
    m->nlinks++;
    from->out[from->nout++] = to;
    return DK_OK;
}

/* The last link is the last entry of its source's out list too: links are only ever appended. */
void dk_model_unlink_last(dk_model_t *m)
{
    if (m == NULL || m->nlinks == 0)
        return;
    dk__link *l = &m->links[--m->nlinks];
    dk_map_remove(m->link_pairs, pair_key(l->from, l->to), NULL);
    l->from->nout--;
    dk_dist_free(l->latency);
    dk__link_options_free(l->opts);
    memset(l, 0, sizeof *l);
}

size_t dk_model_link_count(const dk_model_t *m)
{
    return m->nlinks;
}

/*
 * dk_model_link_at - the i-th link in creation order; each out pointer may be NULL. An index
 * out of range gives NULLs.
 */
void dk_model_link_at(const dk_model_t *m, size_t i, dk_comp_t **from, dk_comp_t **to,
                      const dk_dist_t **latency)
{
    int ok = i < m->nlinks;
    if (from != NULL)
        *from = ok ? m->links[i].from : NULL;
    if (to != NULL)
        *to = ok ? m->links[i].to : NULL;
    if (latency != NULL)
        *latency = ok ? m->links[i].latency : NULL;
}

/*
 * dk_model_link_set_async - marks the link from -> to asynchronous (async != 0) or not.
 * DK_EINVAL for NULL arguments, DK_ENOTFOUND when `from` does not link to `to`.
 */
dk_status dk_model_link_set_async(dk_model_t *m, const dk_comp_t *from, const dk_comp_t *to,
                                  int async, dk_error *err)
{
    uint64_t at;
    if (m == NULL || from == NULL || to == NULL)
        return dk_error_set(err, DK_EINVAL, "link: %s missing",
                            m == NULL      ? "model"
                            : from == NULL ? "source"
                                           : "target");
    if (from->model != m || to->model != m || !dk_map_get(m->link_pairs, pair_key(from, to), &at))
        return dk_error_set(err, DK_ENOTFOUND, "%s \"%s\" does not link to %s \"%s\"",
                            dk_kind_name(from->kind), from->name, dk_kind_name(to->kind), to->name);
    m->links[at - 1].async = async != 0;
    return DK_OK;
}

int dk_model_link_is_async(const dk_model_t *m, size_t i)
{
    return i < m->nlinks && m->links[i].async;
}

size_t dk_comp_out_count(const dk_comp_t *c)
{
    return c->nout;
}

/* The i-th target of `c`'s links, link order; NULL when i is out of range. */
dk_comp_t *dk_comp_out(const dk_comp_t *c, size_t i)
{
    return i < c->nout ? c->out[i] : NULL;
}

/* ---- classes ---- */

void dk__model_classes_changed(dk_model_t *m)
{
    m->classes_stale = 1;
}

/* Room for `total` mix entries in the class list and its index, taken when a mix grows, so
 * that the rebuild on the next read never allocates and so cannot fail. */
static dk_status reserve_classes(dk_model_t *m, size_t total)
{
    if (dk__grow((void **)&m->classes, &m->capclasses, total, sizeof *m->classes) != DK_OK ||
        dk_map_reserve(m->class_index, total) != DK_OK)
        return DK_ENOMEM;
    return DK_OK;
}

dk_status dk__model_reserve_mix(dk_model_t *m, size_t old_n, size_t new_n)
{
    if (new_n > old_n && reserve_classes(m, m->mix_total - old_n + new_n) != DK_OK)
        return DK_ENOMEM;
    m->mix_total = m->mix_total - old_n + new_n;
    return DK_OK;
}

/* Rebuilds the class list in first-seen order (entry components in order, each mix in order)
 * when a mix has changed since the last read: linear, through the name index. The room was
 * reserved when the mixes grew, so nothing here allocates. */
static void refresh_classes(const dk_model_t *cm)
{
    dk_model_t *m = (dk_model_t *)cm; /* a cache of what the mixes say: logically const */
    size_t n = 0;

    if (!m->classes_stale)
        return;
    dk_map_clear(m->class_index);
    for (size_t i = 0; i < m->ncomps; i++) {
        const dk_comp_t *c = m->comps[i];
        if (!dk_kind_has(c->kind, DK_TRAIT_ENTRY))
            continue;
        for (size_t p = 0; p < c->nprops; p++) {
            if (c->kind->props[p].type != DK_PROP_MIX)
                continue;
            for (size_t j = 0; j < c->props[p].mix_n; j++) {
                const char *cls = c->props[p].mix_cls[j];
                uint64_t key = 0;
                m->nclasses = n; /* class_at reads the list built so far */
                if (dk__names_find(m->class_index, cls, class_at, m, &key) != SIZE_MAX)
                    continue;
                DK_ASSERT(n < m->capclasses);
                m->classes[n++] = cls;
                (void)dk_map_put(m->class_index, key, n); /* reserved: cannot fail */
            }
        }
    }
    m->nclasses = n;
    m->classes_stale = 0;
}

size_t dk_model_class_count(const dk_model_t *m)
{
    refresh_classes(m);
    return m->nclasses;
}

/* The i-th class, borrowed from a client's mix (valid until that mix changes); NULL when out
 * of range. */
const char *dk_model_class(const dk_model_t *m, size_t i)
{
    refresh_classes(m);
    return i < m->nclasses ? m->classes[i] : NULL;
}

/* ---- expectations ---- */

/*
 * dk_model_expect - adds an expectation (copied). The metric must be one of p50 p90 p99 p999
 * mean (a latency in ns, > 0), availability (a fraction in (0, 1]), throughput (per second,
 * > 0) or utilisation (a fraction in (0, 1]). `cls` NULL means all classes; a named class is
 * not checked here because clients may be declared after the expectation. DK_EINVAL names
 * the bad field; DK_ENOMEM leaves the model as it was.
 */
dk_status dk_model_expect(dk_model_t *m, const dk_expect *e, dk_error *err)
{
    char buf[32], list[128];
    char *cls = NULL;
    dk_expect_metric id;
    const char *metric;
    dk_status st;

    if (m == NULL || e == NULL)
        return dk_error_set(err, DK_EINVAL, "expect: nothing given");
    if (!dk_expect_metric_parse(e->metric, &id))
        return dk_error_set(err, DK_EINVAL, "expect: unknown metric \"%.64s\" (use %s)",
                            e->metric != NULL ? e->metric : "",
                            dk_expect_metric_list(list, sizeof list));
    metric = dk_expect_metric_name(id);
    if (e->cls != NULL && (st = dk__check_name("expect: class name", e->cls, err)) != DK_OK)
        return st;
    if (!isfinite(e->limit))
        return dk_error_set(err, DK_EINVAL, "expect: %s must be a finite number (got %g)", metric,
                            e->limit);
    if (dk_expect_metric_sense(id) == DK_EXPECT_LATENCY && e->limit <= 0)
        return dk_error_set(err, DK_ERANGE, "expect: %s must be a positive duration (got %sns)",
                            metric, dk__fmt_num(e->limit, buf));
    if (id == DK_EXPECT_THROUGHPUT && e->limit <= 0)
        return dk_error_set(err, DK_ERANGE, "expect: throughput must be positive (got %s)",
                            dk__fmt_num(e->limit, buf));
    if ((id == DK_EXPECT_AVAILABILITY || id == DK_EXPECT_UTILISATION) &&
        (e->limit <= 0 || e->limit > 1))
        return dk_error_set(err, DK_ERANGE,
                            "expect: %s must be a fraction above 0 and at most 1 (got %s)", metric,
                            dk__fmt_num(e->limit, buf));
    if (e->cls != NULL && (cls = dk_strdup(e->cls)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "expect: out of memory");
    if (dk__grow((void **)&m->expects, &m->capexpects, m->nexpects + 1, sizeof *m->expects) !=
        DK_OK) {
        dk_free(cls);
        return dk_error_set(err, DK_ENOMEM, "expect: out of memory");
    }
    m->expects[m->nexpects].metric = metric;
    m->expects[m->nexpects].cls = cls;
    m->expects[m->nexpects].limit = e->limit;
    m->nexpects++;
    return DK_OK;
}

size_t dk_model_expect_count(const dk_model_t *m)
{
    return m->nexpects;
}

/* The i-th expectation in the order added (strings borrowed); NULL when out of range. */
const dk_expect *dk_model_expect_at(const dk_model_t *m, size_t i)
{
    return i < m->nexpects ? &m->expects[i] : NULL;
}

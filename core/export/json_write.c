/* json_write.c - the model as JSON (docs/json-schemas.md): dk_model_to_json. */
#include "designkit/model_json.h"

#include <stdio.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"
#include "export/json_util.h"

static cJSON *mix_to_json(const dk_comp_t *c, int prop)
{
    cJSON *arr = cJSON_CreateArray();
    size_t n = dk_comp_mix_count(c, prop);
    for (size_t i = 0; arr != NULL && i < n; i++) {
        const char *cls;
        double weight;
        dk_comp_mix_at(c, prop, i, &cls, &weight);
        cJSON *o = cJSON_CreateObject();
        if (o == NULL) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, o);
        if (cJSON_AddStringToObject(o, "class", cls) == NULL ||
            cJSON_AddNumberToObject(o, "weight", weight) == NULL) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* The explicitly set properties of `c`, in schema order. NULL on out-of-memory. */
static cJSON *props_to_json(const dk_comp_t *c)
{
    const dk_kind *kind = dk_comp_kind(c);
    const dk_prop_info *info = kind->props;
    cJSON *o = cJSON_CreateObject();

    for (int i = 0; o != NULL && (size_t)i < kind->nprops; i++) {
        const char *name = info[i].name;
        cJSON *v = NULL;
        if (!dk_comp_is_set(c, i))
            continue;
        switch (info[i].type) {
        case DK_PROP_ENUM:
            v = cJSON_CreateString(dk_comp_text(c, i));
            break;
        case DK_PROP_DIST:
            v = dk__json_from_dist(dk_comp_dist(c, i));
            break;
        case DK_PROP_MIX:
            v = mix_to_json(c, i);
            break;
        default: /* every numeric type is written in base units */
            v = cJSON_CreateNumber(dk_comp_number(c, i));
            break;
        }
        if (!dk__json_attach(o, name, v)) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

/* The exportable routes of a service; custom ones are named in `omitted`. NULL on out-of-memory,
 * an empty array when there is nothing to write. */
static cJSON *routes_to_json(const dk_comp_t *c, dk_strbuf *omitted)
{
    cJSON *arr = cJSON_CreateArray();
    size_t n = dk_comp_route_count(c);

    for (size_t i = 0; arr != NULL && i < n; i++) {
        const dk_route *r = dk_comp_route(c, i);
        if (r->kind == DK_ROUTE_CUSTOM) {
            dk_strbuf_printf(omitted, "%s \"%s\": route \"%s\" (%s)\n",
                             dk_kind_name(dk_comp_kind(c)), dk_comp_name(c), r->cls,
                             r->label != NULL ? r->label : "custom flow");
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(arr, o);
        cJSON *targets = NULL;
        if (cJSON_AddStringToObject(o, "class", r->cls) == NULL ||
            cJSON_AddStringToObject(o, "flow", dk_route_kind_name(r->kind)) == NULL ||
            (targets = cJSON_AddArrayToObject(o, "targets")) == NULL)
            goto oom;
        for (size_t t = 0; t < r->ntargets; t++) {
            cJSON *s = cJSON_CreateString(dk_comp_name(r->targets[t]));
            if (s == NULL)
                goto oom;
            cJSON_AddItemToArray(targets, s);
        }
    }
    return arr;
oom:
    cJSON_Delete(arr);
    return NULL;
}

static cJSON *component_to_json(const dk_comp_t *c, dk_strbuf *omitted)
{
    cJSON *o = cJSON_CreateObject();
    const dk_group_t *g = dk_comp_group(c);

    if (o == NULL || cJSON_AddStringToObject(o, "name", dk_comp_name(c)) == NULL ||
        cJSON_AddStringToObject(o, "kind", dk_kind_name(dk_comp_kind(c))) == NULL ||
        (g != NULL && cJSON_AddStringToObject(o, "group", dk_group_name(g)) == NULL))
        goto oom;
    if (!dk__json_attach(o, "properties", props_to_json(c)))
        goto oom;
    if (dk_comp_route_count(c) > 0) {
        cJSON *routes = routes_to_json(c, omitted);
        if (routes == NULL)
            goto oom;
        if (cJSON_GetArraySize(routes) == 0)
            cJSON_Delete(routes); /* only custom routes: nothing to say */
        else if (!dk__json_attach(o, "routes", routes))
            goto oom;
    }
    return o;
oom:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *model_to_json(const dk_model_t *m, dk_strbuf *omitted)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *groups, *comps, *links, *expect;
    const char *name = dk_model_name(m);

    if (root == NULL || cJSON_AddStringToObject(root, "designkit", "model") == NULL ||
        cJSON_AddNumberToObject(root, "version", DK_MODEL_SCHEMA_VERSION) == NULL ||
        cJSON_AddStringToObject(root, "name", name != NULL ? name : "") == NULL ||
        (groups = cJSON_AddArrayToObject(root, "groups")) == NULL ||
        (comps = cJSON_AddArrayToObject(root, "components")) == NULL ||
        (links = cJSON_AddArrayToObject(root, "links")) == NULL ||
        (expect = cJSON_AddArrayToObject(root, "expect")) == NULL)
        goto oom;

    for (size_t i = 0; i < dk_model_group_count(m); i++) {
        const dk_group_t *g = dk_model_group(m, i);
        const dk_group_t *parent = dk_group_parent(g);
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(groups, o);
        if (cJSON_AddStringToObject(o, "name", dk_group_name(g)) == NULL ||
            cJSON_AddStringToObject(o, "kind", dk_group_kind(g)) == NULL ||
            (parent != NULL && cJSON_AddStringToObject(o, "parent", dk_group_name(parent)) == NULL))
            goto oom;
    }
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        cJSON *o = component_to_json(dk_model_comp(m, i), omitted);
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(comps, o);
    }
    for (size_t i = 0; i < dk_model_link_count(m); i++) {
        dk_comp_t *from, *to;
        const dk_dist_t *latency;
        dk_model_link_at(m, i, &from, &to, &latency);
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(links, o);
        if (cJSON_AddStringToObject(o, "from", dk_comp_name(from)) == NULL ||
            cJSON_AddStringToObject(o, "to", dk_comp_name(to)) == NULL)
            goto oom;
        if (latency != NULL && !dk__json_attach(o, "latency", dk__json_from_dist(latency)))
            goto oom;
        if (dk_model_link_is_async(m, i) && cJSON_AddTrueToObject(o, "async") == NULL)
            goto oom;
        const dk_comp_t *opts = dk_model_link_options_at(m, i);
        if (opts != NULL && !dk__json_link_write(o, opts))
            goto oom;
    }
    for (size_t i = 0; i < dk_model_expect_count(m); i++) {
        const dk_expect *e = dk_model_expect_at(m, i);
        cJSON *o = cJSON_CreateObject();
        if (o == NULL)
            goto oom;
        cJSON_AddItemToArray(expect, o);
        if (cJSON_AddStringToObject(o, "metric", e->metric) == NULL ||
            (e->cls != NULL && cJSON_AddStringToObject(o, "class", e->cls) == NULL) ||
            cJSON_AddNumberToObject(o, "limit", e->limit) == NULL)
            goto oom;
    }
    return root;
oom:
    cJSON_Delete(root);
    return NULL;
}

/*
 * dk_model_to_json - builds the whole document as a cJSON tree and prints it once. cJSON keeps
 * object members in insertion order and prints numbers the same way every time, so the text
 * depends only on the model. The printed text comes from dk_malloc (dk__json_init routes cJSON
 * through our hooks), which is why the caller can free it with dk_free.
 */
dk_status dk_model_to_json(const dk_model_t *m, char **json, char **omitted, dk_error *err)
{
    dk_strbuf om = {0};

    if (json != NULL)
        *json = NULL;
    if (omitted != NULL)
        *omitted = NULL;
    if (m == NULL || json == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_model_to_json: model and output are required");
    dk__json_init();

    cJSON *root = model_to_json(m, &om);
    char *text = root != NULL ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL || om.failed) {
        dk_free(text);
        dk_free(om.s);
        return dk_error_set(err, DK_ENOMEM, "out of memory writing model \"%s\" as JSON",
                            dk_model_name(m) != NULL ? dk_model_name(m) : "");
    }
    if (om.len > 0)
        om.s[--om.len] = '\0'; /* no trailing newline after the last entry */
    *json = text;
    if (omitted != NULL)
        *omitted = om.s;
    else
        dk_free(om.s);
    return DK_OK;
}

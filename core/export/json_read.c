/* json_read.c - the model from JSON (docs/json-schemas.md): dk_model_from_json. */
#include "designkit/model_json.h"

#include <stdio.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "designkit/suggest.h"
#include "export/json_util.h"

/* Every failure below the top is reported as DK_EINVAL (the document is well formed but says
 * something the model refuses), except out-of-memory, which stays what it is. */

/* A name the file refers to, as a message shows it (dk_name_quote): quoted, escaped, one line,
 * whatever bytes it holds; a reference is not checked as a name is. */
enum { QUOTED = 160 };
static const char *quoted(const char *name, char buf[QUOTED])
{
    return dk_name_quote(name, strlen(name), buf, QUOTED);
}

static dk_status as_invalid(dk_error *e)
{
    if (e->status != DK_ENOMEM)
        e->status = DK_EINVAL;
    return e->status;
}

/* The model's setters name the component themselves ("cache \"redis\": capacity ..."); the
 * path we prefix names it again, so drop the setter's own copy. */
static void strip_component_prefix(dk_error *e, const char *kind, const char *name)
{
    char prefix[DK_ERROR_MAX];
    int n = dk_snprintf(prefix, sizeof prefix, "%s \"%s\": ", kind, name);
    if (n > 0 && (size_t)n < sizeof prefix && strncmp(e->message, prefix, (size_t)n) == 0)
        memmove(e->message, e->message + n, strlen(e->message + n) + 1);
}

static const cJSON *field(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A required string member. */
static dk_status need_string(const cJSON *o, const char *key, const char **out, dk_error *e)
{
    const cJSON *v = field(o, key);
    if (!cJSON_IsString(v))
        return dk_error_set(e, DK_EINVAL, "\"%s\" must be a string (got %s)", key,
                            dk__json_type_name(v));
    *out = v->valuestring;
    return DK_OK;
}

/* A required name member, held to dk_name_check's rule before anything prints it: a message
 * that quotes a name (groups[0] (group "x"): ...) then quotes clean text. */
static dk_status need_name(const cJSON *o, const char *key, const char *what, const char **out,
                           dk_error *e)
{
    dk_status st = need_string(o, key, out, e);
    return st != DK_OK ? st : dk_name_check(what, *out, strlen(*out), e);
}

/* An optional string member: absent (or null) leaves *out NULL. */
static dk_status opt_string(const cJSON *o, const char *key, const char **out, dk_error *e)
{
    const cJSON *v = field(o, key);
    *out = NULL;
    if (v == NULL || cJSON_IsNull(v))
        return DK_OK;
    return need_string(o, key, out, e);
}

/* An optional array member: absent gives NULL. */
static dk_status opt_array(const cJSON *o, const char *key, const cJSON **out, dk_error *e)
{
    const cJSON *v = field(o, key);
    *out = NULL;
    if (v == NULL)
        return DK_OK;
    if (!cJSON_IsArray(v))
        return dk_error_set(e, DK_EINVAL, "\"%s\" must be an array (got %s)", key,
                            dk__json_type_name(v));
    *out = v;
    return DK_OK;
}

static dk_status need_object(const cJSON *v, dk_error *e)
{
    if (!cJSON_IsObject(v))
        return dk_error_set(e, DK_EINVAL, "must be an object (got %s)", dk__json_type_name(v));
    return DK_OK;
}

static dk_status read_groups(dk_model_t *m, const cJSON *arr, dk_error *e)
{
    static const char *const keys[] = {"name", "kind", "parent", NULL};
    size_t i = 0;
    const cJSON *jg;

    cJSON_ArrayForEach(jg, arr)
    {
        const char *name = NULL, *kind = NULL, *parent_name = NULL;
        dk_group_t *parent = NULL;
        if (need_object(jg, e) != DK_OK || need_name(jg, "name", "group name", &name, e) != DK_OK) {
            dk_error_prefix(e, "groups[%zu]: ", i);
            return as_invalid(e);
        }
        if (dk__json_check_keys(jg, keys, e) != DK_OK ||
            need_string(jg, "kind", &kind, e) != DK_OK ||
            opt_string(jg, "parent", &parent_name, e) != DK_OK)
            goto fail;
        if (parent_name != NULL) {
            parent = dk_model_find_group(m, parent_name);
            if (parent == NULL) {
                char q[QUOTED];
                dk_error_set(e, DK_EINVAL,
                             "unknown parent %s (a parent group is listed before its children)",
                             quoted(parent_name, q));
                goto fail;
            }
        }
        if (dk_model_add_group(m, parent, name, kind, e) == NULL)
            goto fail;
        i++;
        continue;
    fail:
        dk_error_prefix(e, "groups[%zu] (group \"%s\"): ", i, name);
        return as_invalid(e);
    }
    return DK_OK;
}

static dk_status read_mix(dk_comp_t *c, const char *prop, const cJSON *v, dk_error *e)
{
    static const char *const keys[] = {"class", "weight", NULL};
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    const char **classes = NULL;
    double *weights = NULL;
    const cJSON *item;
    dk_status st = DK_OK;

    if (!cJSON_IsArray(v))
        return dk_error_set(e, DK_EINVAL,
                            "%s must be an array of {\"class\": ..., \"weight\": ...} (got %s)",
                            prop, dk__json_type_name(v));
    if (n > 0) {
        classes = dk_calloc(n, sizeof *classes);
        weights = dk_calloc(n, sizeof *weights);
        if (classes == NULL || weights == NULL) {
            st = dk_error_set(e, DK_ENOMEM, "out of memory");
            goto done;
        }
    }
    cJSON_ArrayForEach(item, v)
    {
        const cJSON *w = field(item, "weight");
        if (need_object(item, e) != DK_OK || dk__json_check_keys(item, keys, e) != DK_OK ||
            need_string(item, "class", &classes[i], e) != DK_OK) {
            st = e->status;
        } else if (!cJSON_IsNumber(w)) {
            st = dk_error_set(e, DK_EINVAL, "\"weight\" must be a number (got %s)",
                              dk__json_type_name(w));
        }
        if (st != DK_OK) {
            dk_error_prefix(e, "%s[%zu]: ", prop, i);
            goto done;
        }
        weights[i++] = w->valuedouble;
    }
    st = dk_comp_set_mix(c, prop, classes, weights, n, e);
done:
    dk_free(classes);
    dk_free(weights);
    return st;
}

/* One property: the JSON type decides the setter. Numbers are base units; a string for a
 * numeric property goes through the model's unit parser, so hand-written JSON may say "2ms". */
static dk_status read_prop(dk_comp_t *c, const char *key, const cJSON *v, dk_error *e)
{
    const dk_kind *kind = dk_comp_kind(c);
    const dk_prop_info *info = dk_kind_prop(kind, key);
    char list[256];

    if (info == NULL) {
        /* "did you mean", as the model's setters and the Lua glue say it */
        dk_suggest s;
        dk_suggest_init(&s, key);
        for (size_t k = 0; k < kind->nprops; k++)
            dk_suggest_add(&s, kind->props[k].name);
        const char *best = dk_suggest_best(&s);
        return dk_error_set(e, DK_EINVAL, "unknown property \"%.64s\"%s%s%s (use %s)", key,
                            best ? "; did you mean \"" : "", best ? best : "", best ? "\"?" : "",
                            dk_kind_prop_list(kind, list, sizeof list));
    }
    switch (info->type) {
    case DK_PROP_ENUM:
        if (!cJSON_IsString(v))
            return dk_error_set(e, DK_EINVAL, "%s must be a string (got %s)", key,
                                dk__json_type_name(v));
        return dk_comp_set_text(c, key, v->valuestring, e);
    case DK_PROP_DIST: {
        dk_dist_t *d = dk__json_to_dist(v, e);
        if (d == NULL) {
            dk_error_prefix(e, "%s: ", key);
            return e->status;
        }
        return dk_comp_set_dist(c, key, d, e);
    }
    case DK_PROP_MIX:
        return read_mix(c, key, v, e);
    default:
        if (cJSON_IsNumber(v))
            return dk_comp_set_number(c, key, v->valuedouble, e);
        if (cJSON_IsString(v))
            return dk_comp_set_text(c, key, v->valuestring, e);
        return dk_error_set(e, DK_EINVAL, "%s must be a number (got %s)", key,
                            dk__json_type_name(v));
    }
}

static dk_status read_props(dk_comp_t *c, const cJSON *props, dk_error *e)
{
    const cJSON *item;

    if (props == NULL)
        return DK_OK;
    if (!cJSON_IsObject(props))
        return dk_error_set(e, DK_EINVAL, "\"properties\" must be an object (got %s)",
                            dk__json_type_name(props));
    cJSON_ArrayForEach(item, props)
    {
        for (const cJSON *prev = props->child; prev != item; prev = prev->next)
            if (strcmp(prev->string, item->string) == 0)
                return dk_error_set(e, DK_EINVAL, "duplicate property \"%s\"", item->string);
        if (read_prop(c, item->string, item, e) != DK_OK)
            return e->status;
    }
    return DK_OK;
}

/* First pass over "components": creates each with its properties. Routes wait for the second
 * pass, because a route may name a component listed after its service. */
static dk_status read_components(dk_model_t *m, const cJSON *arr, dk_kind_lookup lookup,
                                 dk_error *e)
{
    static const char *const keys[] = {"name", "kind", "group", "properties", "routes", NULL};
    size_t i = 0;
    const cJSON *jc;

    cJSON_ArrayForEach(jc, arr)
    {
        const char *name = NULL, *kind_name = NULL, *group_name = NULL;
        const cJSON *routes;
        const dk_kind *kind;
        dk_group_t *group = NULL;
        dk_comp_t *c;

        if (need_object(jc, e) != DK_OK ||
            need_name(jc, "name", "component name", &name, e) != DK_OK) {
            dk_error_prefix(e, "components[%zu]: ", i);
            return as_invalid(e);
        }
        if (need_string(jc, "kind", &kind_name, e) != DK_OK ||
            (kind = lookup(kind_name, e)) == NULL) {
            dk_error_prefix(e, "components[%zu] (\"%s\"): ", i, name);
            return as_invalid(e);
        }
        if (dk__json_check_keys(jc, keys, e) != DK_OK ||
            opt_string(jc, "group", &group_name, e) != DK_OK ||
            opt_array(jc, "routes", &routes, e) != DK_OK)
            goto fail;
        if (group_name != NULL && (group = dk_model_find_group(m, group_name)) == NULL) {
            char q[QUOTED];
            dk_error_set(e, DK_EINVAL, "unknown group %s", quoted(group_name, q));
            goto fail;
        }
        c = dk_model_add(m, group, kind, name, e);
        if (c == NULL)
            goto fail;
        if (read_props(c, field(jc, "properties"), e) != DK_OK)
            goto fail;
        i++;
        continue;
    fail:
        strip_component_prefix(e, dk_kind_name(kind), name);
        dk_error_prefix(e, "components[%zu] (%s \"%s\"): ", i, dk_kind_name(kind), name);
        return as_invalid(e);
    }
    return DK_OK;
}

static dk_status read_route(dk_model_t *m, dk_comp_t *c, const cJSON *jr, dk_error *e)
{
    static const char *const keys[] = {"class", "flow", "targets", NULL};
    dk_route r;
    const char *flow = NULL;
    const cJSON *targets, *t;

    memset(&r, 0, sizeof r);
    if (need_object(jr, e) != DK_OK || dk__json_check_keys(jr, keys, e) != DK_OK ||
        need_string(jr, "class", &r.cls, e) != DK_OK ||
        need_string(jr, "flow", &flow, e) != DK_OK ||
        opt_array(jr, "targets", &targets, e) != DK_OK)
        return e->status;
    char q[QUOTED];
    if (!dk_route_kind_parse(flow, &r.kind))
        return dk_error_set(e, DK_EINVAL, "unknown flow %s (use %s, %s)", quoted(flow, q),
                            dk_route_kind_name(DK_ROUTE_CACHE_ASIDE),
                            dk_route_kind_name(DK_ROUTE_CALL));
    if (r.kind == DK_ROUTE_CUSTOM)
        return dk_error_set(e, DK_EINVAL,
                            "route \"%s\": custom flows (Lua handlers) cannot be read from JSON",
                            r.cls);
    cJSON_ArrayForEach(t, targets)
    {
        if (r.ntargets == sizeof r.targets / sizeof r.targets[0])
            return dk_error_set(e, DK_EINVAL, "at most %zu targets (got %d)",
                                sizeof r.targets / sizeof r.targets[0],
                                cJSON_GetArraySize(targets));
        if (!cJSON_IsString(t))
            return dk_error_set(e, DK_EINVAL, "targets[%zu] must be a string (got %s)", r.ntargets,
                                dk__json_type_name(t));
        r.targets[r.ntargets] = dk_model_find(m, t->valuestring);
        if (r.targets[r.ntargets] == NULL)
            return dk_error_set(e, DK_EINVAL, "unknown target %s", quoted(t->valuestring, q));
        r.ntargets++;
    }
    return dk_comp_set_route(c, &r, e);
}

static dk_status read_routes(dk_model_t *m, const cJSON *arr, dk_error *e)
{
    size_t i = 0;
    const cJSON *jc;

    cJSON_ArrayForEach(jc, arr)
    {
        const cJSON *routes = field(jc, "routes"), *jr;
        dk_comp_t *c = dk_model_find(m, field(jc, "name")->valuestring);
        size_t j = 0;
        cJSON_ArrayForEach(jr, routes)
        {
            if (read_route(m, c, jr, e) != DK_OK) {
                const char *kind = dk_kind_name(dk_comp_kind(c));
                strip_component_prefix(e, kind, dk_comp_name(c));
                dk_error_prefix(e, "components[%zu] (%s \"%s\"): routes[%zu]: ", i, kind,
                                dk_comp_name(c), j);
                return as_invalid(e);
            }
            j++;
        }
        i++;
    }
    return DK_OK;
}

static dk_status read_links(dk_model_t *m, const cJSON *arr, dk_kind_lookup lookup, dk_error *e)
{
    /* The link schema, from the registry as the kinds are (its "link"): only a document whose
     * links hold options needs it, so a lookup without it reads the others. */
    const dk_kind *schema = lookup("link", NULL);
    const char *keys[4 + DK_LINK__COUNT + 1];
    dk__json_link_keys(schema != NULL && dk_kind_has(schema, DK_TRAIT_LINK) ? schema : NULL, keys,
                       sizeof keys / sizeof keys[0]);
    size_t i = 0;
    const cJSON *jl;

    cJSON_ArrayForEach(jl, arr)
    {
        const char *from_name = NULL, *to_name = NULL;
        dk_comp_t *from, *to;
        dk_dist_t *latency = NULL;
        const cJSON *jlat;
        dk_status st;

        if (need_object(jl, e) != DK_OK || dk__json_check_keys(jl, keys, e) != DK_OK ||
            need_string(jl, "from", &from_name, e) != DK_OK ||
            need_string(jl, "to", &to_name, e) != DK_OK) {
            dk_error_prefix(e, "links[%zu]: ", i);
            return as_invalid(e);
        }
        from = dk_model_find(m, from_name);
        to = dk_model_find(m, to_name);
        jlat = field(jl, "latency");
        const cJSON *jasync = field(jl, "async");
        if (jasync != NULL && !cJSON_IsBool(jasync)) {
            dk_error_set(e, DK_EINVAL, "links[%zu].async: want true or false", i);
            return as_invalid(e);
        }
        char q[QUOTED];
        if (from == NULL || to == NULL)
            dk_error_set(e, DK_EINVAL, "unknown component %s",
                         quoted(from == NULL ? from_name : to_name, q));
        else if (jlat != NULL && !cJSON_IsNull(jlat) &&
                 (latency = dk__json_to_dist(jlat, e)) == NULL)
            dk_error_prefix(e, "latency: ");
        else {
            st = dk_model_link(m, from, to, latency, e);
            dk_dist_free(latency); /* the model keeps a clone */
            if (st == DK_OK && cJSON_IsTrue(jasync))
                st = dk_model_link_set_async(m, from, to, 1, e);
            if (st == DK_OK && schema != NULL &&
                (st = dk__json_link_read(m, dk_model_link_count(m) - 1, jl, schema, e)) != DK_OK) {
                char name[2 * 64 + 8]; /* the options' own prefix: the link is named below */
                dk_snprintf(name, sizeof name, "%s\" >> \"%s", from_name, to_name);
                strip_component_prefix(e, "link", name);
            }
            if (st == DK_OK) {
                i++;
                continue;
            }
        }
        dk_error_prefix(e, "links[%zu] (\"%s\" -> \"%s\"): ", i, from_name, to_name);
        return as_invalid(e);
    }
    return DK_OK;
}

static dk_status read_expect(dk_model_t *m, const cJSON *arr, dk_error *e)
{
    static const char *const keys[] = {"metric", "class", "limit", NULL};
    size_t i = 0;
    const cJSON *jx;

    cJSON_ArrayForEach(jx, arr)
    {
        dk_expect x;
        const cJSON *limit = field(jx, "limit");
        if (need_object(jx, e) != DK_OK || dk__json_check_keys(jx, keys, e) != DK_OK ||
            need_string(jx, "metric", &x.metric, e) != DK_OK ||
            opt_string(jx, "class", &x.cls, e) != DK_OK)
            goto fail;
        if (!cJSON_IsNumber(limit)) {
            dk_error_set(e, DK_EINVAL, "\"limit\" must be a number (got %s)",
                         dk__json_type_name(limit));
            goto fail;
        }
        x.limit = limit->valuedouble;
        if (dk_model_expect(m, &x, e) != DK_OK)
            goto fail;
        i++;
        continue;
    fail:
        dk_error_prefix(e, "expect[%zu]: ", i);
        return as_invalid(e);
    }
    return DK_OK;
}

/* cJSON decodes "\u0000" into a NUL that silently cuts its string ("a\u0000b" would be read
 * as the name "a"), and takes a raw NUL byte inside a string the same way, so the text is
 * searched for both first: no string of a model may hold a NUL. The position of the NUL byte
 * or of the escape's backslash, or NULL. */
static const char *find_nul(const char *text, size_t len)
{
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0') {
            return text + i;
        } else if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\') {
            if (len - i >= 6 && text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0)
                return text + i;
            i++; /* the escaped character, which may be a quote */
        }
    }
    return NULL;
}

/* Line and column (1-based, columns in bytes) of `at` within `text`. */
static void position(const char *text, const char *at, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Checks the document's identity before anything else, so a report or a random JSON file is
 * refused with a message that says what it is, not with a complaint about its first key. */
static dk_status check_header(const cJSON *root, dk_error *e)
{
    static const char *const keys[] = {"designkit",  "version", "name",   "groups",
                                       "components", "links",   "expect", NULL};
    const cJSON *tag = field(root, "designkit"), *version = field(root, "version");

    if (!cJSON_IsObject(root))
        return dk_error_set(e, DK_EINVAL, "not a designkit model (expected an object, got %s)",
                            dk__json_type_name(root));
    if (!cJSON_IsString(tag))
        return dk_error_set(e, DK_EINVAL,
                            "not a designkit model (no \"designkit\": \"model\" member)");
    if (strcmp(tag->valuestring, "model") != 0)
        return dk_error_set(e, DK_EINVAL,
                            "not a designkit model (\"designkit\" is \"%s\", expected \"model\")",
                            tag->valuestring);
    if (!cJSON_IsNumber(version))
        return dk_error_set(e, DK_EINVAL, "\"version\" must be a number (got %s)",
                            dk__json_type_name(version));
    if (version->valuedouble != DK_MODEL_SCHEMA_VERSION)
        return dk_error_set(e, DK_EINVAL,
                            "unsupported model version %g (this designkit reads version %d)",
                            version->valuedouble, DK_MODEL_SCHEMA_VERSION);
    return dk__json_check_keys(root, keys, e);
}

/*
 * dk_model_from_json - parses, checks the header, then builds the model in dependency order:
 * groups (a parent before its children), components with their properties, links, routes
 * (which may name components listed later) and expectations. Every value goes through the
 * model's own setters, so JSON input is held to exactly the rules a script is.
 */
dk_model_t *dk_model_from_json(const char *text, size_t len, const char *source,
                               dk_kind_lookup lookup, dk_error *err)
{
    dk_error e;
    dk_model_t *m = NULL;
    const cJSON *groups, *comps, *links, *expect;
    const char *name = NULL, *end = NULL;

    dk_error_clear(&e);
    if (source == NULL)
        source = "<json>";
    if (text == NULL) {
        dk_error_set(err, DK_EINVAL, "%s: no JSON text", source);
        return NULL;
    }
    if (lookup == NULL) {
        dk_error_set(err, DK_EINVAL, "%s: no kind lookup given", source);
        return NULL;
    }
    dk__json_init();

    const char *nul = find_nul(text, len);
    if (nul != NULL) { /* before cJSON, which would cut the string there */
        size_t line, col;
        position(text, nul, &line, &col);
        dk_error_set(err, DK_EINVAL, "%s:%zu:%zu: %s: no name or text can hold a NUL character",
                     source, line, col, *nul == '\0' ? "a NUL byte" : "\"\\u0000\" in a string");
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root != NULL) { /* cJSON stops after the first value: anything but spaces after it is
                           as malformed as a missing brace */
        while (end < text + len && strchr(" \t\r\n", *end) != NULL && *end != '\0')
            end++;
        if (end < text + len && *end != '\0') {
            cJSON_Delete(root);
            root = NULL;
        }
    }
    if (root == NULL && dk__json_out_of_memory()) {
        dk_error_set(err, DK_ENOMEM, "%s: out of memory reading JSON", source);
        return NULL;
    }
    if (root == NULL) {
        size_t line, col;
        if (end == NULL || end < text || end > text + len)
            end = text + len;
        position(text, end, &line, &col);
        dk_error_set(err, DK_EPARSE, "%s:%zu:%zu: malformed JSON", source, line, col);
        return NULL;
    }

    if (check_header(root, &e) != DK_OK || need_string(root, "name", &name, &e) != DK_OK ||
        opt_array(root, "groups", &groups, &e) != DK_OK ||
        opt_array(root, "components", &comps, &e) != DK_OK ||
        opt_array(root, "links", &links, &e) != DK_OK ||
        opt_array(root, "expect", &expect, &e) != DK_OK) {
        as_invalid(&e);
        goto fail;
    }
    m = dk_model_new(name, &e);
    if (m == NULL || read_groups(m, groups, &e) != DK_OK ||
        read_components(m, comps, lookup, &e) != DK_OK ||
        read_links(m, links, lookup, &e) != DK_OK || read_routes(m, comps, &e) != DK_OK ||
        read_expect(m, expect, &e) != DK_OK)
        goto fail;
    cJSON_Delete(root);
    return m;
fail:
    if (e.status == DK_OK) /* a callee that failed without saying why */
        dk_error_set(&e, DK_EINTERNAL, "reading the model failed");
    dk_error_prefix(&e, "%s: ", source);
    if (err != NULL)
        *err = e;
    dk_model_free(m);
    cJSON_Delete(root);
    return NULL;
}

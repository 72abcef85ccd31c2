/* json_link.c - the options of a link in model JSON, written and read as scripts write them:
 * {"from": "lb", "to": "api", "weight": 3, "retry": {"attempts": 4}, "breaker": {"window": 20}}
 * (designkit/model.h "link options"; the names come from the link schema). */
#include <string.h>

#include "designkit/locale.h"
#include "designkit/model.h"
#include "export/json_util.h"

/* The keys a link object may hold: its own, then the schema's top-level options and groups. */
static const char *const own_keys[] = {"from", "to", "latency", "async"};
#define OWN (sizeof own_keys / sizeof own_keys[0])

size_t dk__json_link_keys(const dk_kind *schema, const char **keys, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < OWN && n + 1 < cap; i++)
        keys[n++] = own_keys[i];
    for (size_t i = 0; schema != NULL && i < schema->nprops && n + 1 < cap; i++) {
        const char *g = dk_link_option_group((int)i);
        const char *k = g != NULL ? g : schema->props[i].name;
        if (n == 0 || strcmp(keys[n - 1], k) != 0) /* a group's options are together */
            keys[n++] = k;
    }
    keys[n] = NULL;
    return n;
}

/*
 * dk__json_link_write - adds the options set on `opts` to the link object `o`, each at the top
 * level or in its group's object, in schema order. 0 on out-of-memory.
 */
int dk__json_link_write(cJSON *o, const dk_comp_t *opts)
{
    const dk_kind *schema = dk_comp_kind(opts);
    for (int i = 0; (size_t)i < schema->nprops; i++) {
        if (!dk_comp_is_set(opts, i))
            continue;
        const char *g = dk_link_option_group(i);
        cJSON *into = o;
        if (g != NULL && (into = cJSON_GetObjectItemCaseSensitive(o, g)) == NULL) {
            into = cJSON_CreateObject();
            if (!dk__json_attach(o, g, into))
                return 0;
        }
        cJSON *v = schema->props[i].type == DK_PROP_ENUM
                       ? cJSON_CreateString(dk_comp_text(opts, i))
                       : cJSON_CreateNumber(dk_comp_number(opts, i)); /* base units */
        if (!dk__json_attach(into, dk_link_option_key(schema, i), v))
            return 0;
    }
    return 1;
}

/* One option: numbers in base units, or text with its unit ("500ms") or an enum's choice. */
static dk_status read_one(dk_comp_t *opts, int id, const char *where, const cJSON *v, dk_error *e)
{
    const dk_prop_info *p = &dk_comp_kind(opts)->props[id];
    if (cJSON_IsNumber(v) && p->type != DK_PROP_ENUM)
        return dk_comp_set_number(opts, p->name, v->valuedouble, e);
    if (cJSON_IsString(v))
        return dk_comp_set_text(opts, p->name, v->valuestring, e);
    return dk_error_set(e, DK_EINVAL, "%s must be %s (got %s)", where,
                        p->type == DK_PROP_ENUM ? "a string" : "a number or a string",
                        dk__json_type_name(v));
}

/*
 * dk__json_link_read - sets the options the link object `jl` holds on link i of `m` (its keys
 * were checked against dk__json_link_keys). DK_EINVAL with `err` naming the option, without the
 * link (the caller prefixes it).
 */
dk_status dk__json_link_read(dk_model_t *m, size_t i, const cJSON *jl, const dk_kind *schema,
                             dk_error *e)
{
    const cJSON *item;
    dk_comp_t *opts = NULL;
    cJSON_ArrayForEach(item, jl)
    {
        int own = 0;
        for (size_t k = 0; k < OWN; k++)
            own |= strcmp(item->string, own_keys[k]) == 0;
        if (own)
            continue;
        if (opts == NULL && (opts = dk_model_link_options(m, i, schema, e)) == NULL)
            return e->status;
        int id = dk_link_option_find(schema, NULL, item->string);
        if (id >= 0) {
            if (read_one(opts, id, item->string, item, e) != DK_OK)
                return e->status;
            continue;
        }
        /* a group: its keys are the options' keys within it */
        if (!cJSON_IsObject(item))
            return dk_error_set(e, DK_EINVAL, "%s must be an object (got %s)", item->string,
                                dk__json_type_name(item));
        const char *valid[DK_LINK__COUNT + 1];
        size_t n = 0;
        for (int k = 0; (size_t)k < schema->nprops && n < DK_LINK__COUNT; k++) {
            const char *g = dk_link_option_group(k);
            if (g != NULL && strcmp(g, item->string) == 0)
                valid[n++] = dk_link_option_key(schema, k);
        }
        valid[n] = NULL;
        if (dk__json_check_keys(item, valid, e) != DK_OK) { /* unknown or twice */
            dk_error_prefix(e, "%s: ", item->string);
            return e->status;
        }
        const cJSON *sub;
        cJSON_ArrayForEach(sub, item)
        {
            id = dk_link_option_find(schema, item->string, sub->string);
            char where[96];
            dk_snprintf(where, sizeof where, "%s.%s", item->string, sub->string);
            if (read_one(opts, id, where, sub, e) != DK_OK)
                return e->status;
        }
    }
    return DK_OK;
}

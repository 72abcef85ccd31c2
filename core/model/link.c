/* link.c - the options of a link (weight, distance, resilience): held as a component of the
 * link schema that no list of the model holds, so the property setters and getters apply. */
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/model.h"
#include "model/internal.h"

/* The groups scripts and JSON write the resilience options in, by id range: the ids are the
 * model's (designkit/model.h), the names and types the schema's. */
static const struct {
    int first, last;
    const char *name;
} groups[] = {
    {DK_LINK_ATTEMPTS, DK_LINK_BUDGET_MIN, "retry"},
    {DK_LINK_BREAKER_WINDOW, DK_LINK_MIN_CALLS, "breaker"},
    {DK_LINK_BULKHEAD_MAX, DK_LINK_BULKHEAD_WAIT, "bulkhead"},
};

const char *dk_link_option_group(int id)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        if (id >= groups[g].first && id <= groups[g].last)
            return groups[g].name;
    return NULL;
}

/*
 * dk_link_option_key - the schema's name without "<group>_" ("breaker_window" -> "window"); a
 * name without that prefix (attempts, failure_rate) is its own key.
 */
const char *dk_link_option_key(const dk_kind *schema, int id)
{
    if (schema == NULL || id < 0 || (size_t)id >= schema->nprops)
        return NULL;
    const char *name = schema->props[id].name, *group = dk_link_option_group(id);
    size_t n = group != NULL ? strlen(group) : 0;
    if (n > 0 && strncmp(name, group, n) == 0 && name[n] == '_')
        return name + n + 1;
    return name;
}

int dk_link_option_find(const dk_kind *schema, const char *group, const char *key)
{
    if (schema == NULL || key == NULL)
        return -1;
    for (size_t i = 0; i < schema->nprops; i++) {
        const char *g = dk_link_option_group((int)i);
        if ((g == NULL) != (group == NULL) || (g != NULL && strcmp(g, group) != 0))
            continue;
        if (strcmp(dk_link_option_key(schema, (int)i), key) == 0)
            return (int)i;
    }
    return -1;
}

void dk__link_options_free(dk_comp_t *opts)
{
    if (opts == NULL)
        return;
    dk__props_free(opts);
    dk_free(opts->name);
    dk_free(opts);
}

/*
 * dk_model_link_options - see model.h. The holder's kind is the schema, named "link", and its
 * name the two ends quoted as `from" >> "to`, so that the setters' messages, which read
 * `<kind> "<name>": ...`, read `link "lb" >> "api": weight must be positive (got -1)`.
 */
dk_comp_t *dk_model_link_options(dk_model_t *m, size_t i, const dk_kind *schema, dk_error *err)
{
    if (m == NULL || i >= m->nlinks) {
        dk_error_set(err, DK_EINVAL, "link options: no link %zu", i);
        return NULL;
    }
    dk__link *l = &m->links[i];
    if (schema == NULL || !dk_kind_has(schema, DK_TRAIT_LINK) ||
        (l->opts != NULL && l->opts->kind != schema)) {
        dk_error_set(err, DK_EINVAL, "link \"%s\" >> \"%s\": not the schema of link options",
                     l->from->name, l->to->name);
        return NULL;
    }
    if (l->opts != NULL)
        return l->opts;
    size_t nf = strlen(l->from->name), nt = strlen(l->to->name);
    dk_comp_t *c = dk_calloc(1, sizeof *c);
    if (c == NULL || (c->name = dk_malloc(nf + nt + 7)) == NULL) {
        dk_free(c);
        dk_error_set(err, DK_ENOMEM, "link \"%s\" >> \"%s\": out of memory", l->from->name,
                     l->to->name);
        return NULL;
    }
    memcpy(c->name, l->from->name, nf);
    memcpy(c->name + nf, "\" >> \"", 6);
    memcpy(c->name + nf + 6, l->to->name, nt + 1);
    c->model = m;
    c->kind = schema;
    c->index = SIZE_MAX; /* in no list of the model */
    if (dk__props_init(c) != DK_OK) {
        dk__link_options_free(c);
        dk_error_set(err, DK_ENOMEM, "link \"%s\" >> \"%s\": out of memory", l->from->name,
                     l->to->name);
        return NULL;
    }
    l->opts = c;
    return c;
}

const dk_comp_t *dk_model_link_options_at(const dk_model_t *m, size_t i)
{
    return m != NULL && i < m->nlinks ? m->links[i].opts : NULL;
}

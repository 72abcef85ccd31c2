/* kind.c - what the model asks of a kind descriptor: its name, traits and property schema. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <stdio.h>
#include <string.h>

#include "model/internal.h"

/*
 * dk_kind_name - the kind as scripts write it; "unknown" for NULL, so a message built from a
 * component whose kind is missing still prints.
 */
const char *dk_kind_name(const dk_kind *kind)
{
    return kind != NULL && kind->name != NULL ? kind->name : "unknown";
}

/*
 * dk_kind_has - 1 when `kind` has every trait in `traits` (DK_TRAIT_*); 0 for NULL.
 */
int dk_kind_has(const dk_kind *kind, unsigned traits)
{
    return kind != NULL && (kind->traits & traits) == traits;
}

/*
 * dk_kind_prop_id - the id (schema index) of property `name`, or -1 when the kind has none of
 * that name. Schemas are a handful of entries, so a scan is the fast way.
 */
int dk_kind_prop_id(const dk_kind *kind, const char *name)
{
    if (kind == NULL || name == NULL)
        return -1;
    for (size_t i = 0; i < kind->nprops; i++)
        if (strcmp(kind->props[i].name, name) == 0)
            return (int)i;
    return -1;
}

/*
 * dk_kind_prop - the schema entry of property `name`, or NULL when the kind has none.
 */
const dk_prop_info *dk_kind_prop(const dk_kind *kind, const char *name)
{
    int i = dk_kind_prop_id(kind, name);
    return i < 0 ? NULL : &kind->props[i];
}

/*
 * dk_kind_prop_list - the property names joined with ", " into `buf` (truncated to fit; "" for
 * NULL or a kind without properties), for "unknown option" messages. Returns `buf`.
 */
const char *dk_kind_prop_list(const dk_kind *kind, char *buf, size_t size)
{
    size_t len = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; kind != NULL && i < kind->nprops && len < size; i++) {
        int n = dk_snprintf(buf + len, size - len, "%s%s", i > 0 ? ", " : "", kind->props[i].name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return buf;
}

static const char *const prop_type_names[] = {
#define NAME(id, name, doc) name,
    DK_PROP_TYPES(NAME)
#undef NAME
};

const char *dk_prop_type_name(dk_prop_type type)
{
    return (int)type >= 0 && type < DK_PROP__COUNT ? prop_type_names[type] : "?";
}

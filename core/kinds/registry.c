/* registry.c - every component kind, listed once. A new kind is a file in core/kinds and its
 * name in BUILTIN_KINDS below; the model, the simulator, the exporters and the bindings follow. */
#include <stdio.h>
#include <string.h>

#include "designkit/locale.h"
#include "kinds/internal.h"

/* The built-in kinds, in the order scripts and references list them. A kind file defines
 * `const dk_kind_desc dk__kind_<name>`; its name here is the one line it needs. */
/* clang-format off */
#define BUILTIN_KINDS(X)                                                                           \
    X(client) X(gateway) X(guard) X(balancer) X(service) X(cache) X(cdn) X(database)              \
    X(sharded_database) X(queue) X(topic)
/* clang-format on */

#define DECLARE(k) extern const dk_kind_desc dk__kind_##k;
BUILTIN_KINDS(DECLARE)
#undef DECLARE

static const dk_kind_desc *const builtin[] = {
#define REF(k) &dk__kind_##k,
    BUILTIN_KINDS(REF)
#undef REF
};
#define NBUILTIN DK__COUNT_OF(builtin)

/* Kinds added at run time (tests, plug-ins). A fixed table: registering never allocates, and
 * a pointer handed out stays valid for the life of the process. */
#define MAX_EXTRA 64
static const dk_kind_desc *extra[MAX_EXTRA];
static size_t nextra;

size_t dk_kinds_count(void)
{
    return NBUILTIN + nextra;
}

const dk_kind_desc *dk_kinds_at(size_t i)
{
    if (i < NBUILTIN)
        return builtin[i];
    return i - NBUILTIN < nextra ? extra[i - NBUILTIN] : NULL;
}

/*
 * dk_kinds_find - see kinds.h. The list of kinds in the message is made from the registry, so
 * it names a registered kind too.
 */
const dk_kind *dk_kinds_find(const char *name, dk_error *err)
{
    char list[512];
    size_t len = 0;

    for (size_t i = 0; name != NULL && i < dk_kinds_count(); i++)
        if (strcmp(dk_kinds_at(i)->kind.name, name) == 0)
            return &dk_kinds_at(i)->kind;
    if (name != NULL && strcmp(name, dk_link_schema()->name) == 0)
        return dk_link_schema(); /* the links' options: the model refuses it as a component */
    if (name == NULL) {
        dk_error_set(err, DK_EINVAL, "component kind missing");
        return NULL;
    }
    list[0] = '\0';
    for (size_t i = 0; i < dk_kinds_count() && len < sizeof list; i++)
        len += (size_t)dk_snprintf(list + len, sizeof list - len, "%s%s", i > 0 ? ", " : "",
                                   dk_kinds_at(i)->kind.name);
    dk_error_set(err, DK_ENOTFOUND, "unknown component kind \"%.64s\" (use %s)", name, list);
    return NULL;
}

/*
 * dk_kinds_desc - the descriptor that embeds `kind`, found by address among the registered
 * ones (a handful), so a kind the registry does not know gives NULL rather than a guess.
 */
const dk_kind_desc *dk_kinds_desc(const dk_kind *kind)
{
    for (size_t i = 0; kind != NULL && i < dk_kinds_count(); i++)
        if (&dk_kinds_at(i)->kind == kind)
            return dk_kinds_at(i);
    return NULL;
}

/* Checks what the rest of the toolkit takes on trust in a descriptor: a name, a build
 * function, a shape, a schema with unique names (and choices for enums), and a replica count
 * that is -1 or an integer property of the schema. NULL if it holds; else the reason. */
static const char *descriptor_fault(const dk_kind_desc *d)
{
    const dk_kind *k = &d->kind;

    if (k->name == NULL || k->name[0] == '\0' || d->build == NULL || k->shape == NULL)
        return "a descriptor needs a name, a build function and a shape";
    if (k->nprops > 0 && k->props == NULL)
        return "its schema is missing";
    for (size_t i = 0; i < k->nprops; i++) {
        if (k->props[i].name == NULL || (int)k->props[i].type < 0 ||
            k->props[i].type >= DK_PROP__COUNT)
            return "a property has no name or no type";
        if (k->props[i].type == DK_PROP_ENUM && k->props[i].choices == NULL)
            return "an enum property has no choices";
        for (size_t j = 0; j < i; j++)
            if (strcmp(k->props[i].name, k->props[j].name) == 0)
                return "two properties share a name";
    }
    if (k->replicas_prop < -1 ||
        (k->replicas_prop >= 0 &&
         ((size_t)k->replicas_prop >= k->nprops || k->props[k->replicas_prop].type != DK_PROP_INT)))
        return "replicas_prop must be -1 or the id of an int property";
    return NULL;
}

dk_status dk_kinds_register(const dk_kind_desc *d, dk_error *err)
{
    const char *fault;

    if (d == NULL)
        return dk_error_set(err, DK_EINVAL, "register kind: no descriptor given");
    if ((fault = descriptor_fault(d)) != NULL)
        return dk_error_set(err, DK_EINVAL, "register kind \"%s\": %s",
                            d->kind.name != NULL ? d->kind.name : "", fault);
    if (dk_kinds_find(d->kind.name, NULL) != NULL)
        return dk_error_set(err, DK_EEXIST, "register kind: \"%s\" is a kind already",
                            d->kind.name);
    if (nextra == MAX_EXTRA)
        return dk_error_set(err, DK_ENOMEM, "register kind \"%s\": at most %d extra kinds",
                            d->kind.name, MAX_EXTRA);
    extra[nextra++] = d;
    return DK_OK;
}

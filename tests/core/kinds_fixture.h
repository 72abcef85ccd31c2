/* kinds_fixture.h - for Check suites: the built-in kinds by name, and property ids by name. */
#ifndef DK_TESTS_KINDS_FIXTURE_H
#define DK_TESTS_KINDS_FIXTURE_H

#include <check.h>

#include "designkit/kinds.h"

#define K_CLIENT dk_kinds_find("client", NULL)
#define K_BALANCER dk_kinds_find("balancer", NULL)
#define K_SERVICE dk_kinds_find("service", NULL)
#define K_CACHE dk_kinds_find("cache", NULL)
#define K_DATABASE dk_kinds_find("database", NULL)
#define K_QUEUE dk_kinds_find("queue", NULL)

/* The id of property `name` of `c`'s kind; fails the test when the kind has no such property. */
static inline int P(const dk_comp_t *c, const char *name)
{
    int id = dk_kind_prop_id(dk_comp_kind(c), name);
    ck_assert_msg(id >= 0, "%s has no property \"%s\"", dk_kind_name(dk_comp_kind(c)), name);
    return id;
}

#endif

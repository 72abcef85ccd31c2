/* internal.h - the model's private structures, shared by the files of core/model only. */
#ifndef DESIGNKIT_MODEL_INTERNAL_H
#define DESIGNKIT_MODEL_INTERNAL_H

#include <stddef.h>

#include "designkit/model.h"

/* Longest component, group, class or model name, in bytes. */
#define DK__NAME_MAX 64

/* One property's value on one component. Every DIST and MIX slot holds its default from the
 * moment the component is created, so getters never allocate and never fail. */
typedef struct dk__pval {
    int set;         /* 1 once set explicitly */
    double num;      /* numeric types; ENUM: the choice index */
    dk_dist_t *dist; /* DIST: owned, never NULL */
    char **mix_cls;  /* MIX: owned names ... */
    double *mix_w;   /* ... and their weights */
    size_t mix_n;
} dk__pval;

struct dk_group {
    dk_model_t *model;
    char *name;
    const char *kind; /* static: one of the group kinds */
    dk_group_t *parent;
};

struct dk_comp {
    dk_model_t *model;
    char *name;
    dk_kind kind;
    dk_group_t *group;
    size_t index;
    dk__pval *props; /* one per entry of dk_kind_props(kind) */
    size_t nprops;
    dk_comp_t **out; /* link targets, link order */
    size_t nout, capout;
    dk_route *routes; /* cls and label owned */
    size_t nroutes, caproutes;
};

typedef struct dk__link {
    dk_comp_t *from, *to;
    dk_dist_t *latency; /* owned; NULL: none */
} dk__link;

struct dk_model {
    char *name;
    dk_comp_t **comps;
    size_t ncomps, capcomps;
    dk_group_t **groups;
    size_t ngroups, capgroups;
    dk__link *links;
    size_t nlinks, caplinks;
    const char **classes; /* borrowed from the clients' mixes; rebuilt whenever one changes */
    size_t nclasses, capclasses;
    dk_expect *expects; /* metric static, cls owned */
    size_t nexpects, capexpects;
};

/* Grows `*arr` (elements of `elem` bytes, capacity `*cap`) to hold at least `need`. DK_ENOMEM
 * leaves the array as it was. */
dk_status dk__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Checks a user-given name: non-empty, at most DK__NAME_MAX bytes, no control characters.
 * `what` names it in the message ("service name", "class name"). */
dk_status dk__check_name(const char *what, const char *name, dk_error *err);

/* Formats a number for messages: whole numbers without exponent ("1000000"), others with %g. */
const char *dk__fmt_num(double v, char buf[32]);

/* props.c: fills a new component's property slots with the defaults; frees them. */
dk_status dk__props_init(dk_comp_t *c);
void dk__props_free(dk_comp_t *c);

/* route.c: frees a component's routes. */
void dk__routes_free(dk_comp_t *c);

/* model.c: rebuilds m->classes from the clients' mixes (first-seen order). */
dk_status dk__model_refresh_classes(dk_model_t *m);

/* The index of `name` in the schema of `kind`, or -1. */
int dk__prop_index(dk_kind kind, const char *name);

#endif

/* internal.h - the model's private structures, shared by the files of core/model only. */
#ifndef DESIGNKIT_MODEL_INTERNAL_H
#define DESIGNKIT_MODEL_INTERNAL_H

#include <stddef.h>

#include "designkit/map.h"
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
    const dk_kind *kind;
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
    int async;          /* calls along it do not wait for their reply */
    dk_comp_t *opts;    /* owned; NULL until an option is set (core/model/link.c) */
} dk__link;

struct dk_model {
    char *name;
    dk_comp_t **comps;
    size_t ncomps, capcomps;
    dk_group_t **groups;
    size_t ngroups, capgroups;
    dk__link *links;
    size_t nlinks, caplinks;
    dk_map_t *by_name;        /* hash of a component's name -> index + 1 (collisions chain on) */
    dk_map_t *groups_by_name; /* the same for groups */
    dk_map_t *link_pairs;     /* (from index, to index) -> link index + 1: a link found at once */
    /* The classes, borrowed from the clients' mixes: rebuilt lazily (on the next read) after
     * a mix changes, so a model of many clients is not rebuilt once per client. */
    const char **classes;
    size_t nclasses, capclasses;
    dk_map_t *class_index; /* name hash -> class position + 1 */
    size_t mix_total;      /* entries over every entry component's mixes: the room reserved */
    int classes_stale;
    dk_expect *expects; /* metric static, cls owned */
    size_t nexpects, capexpects;
};

/* Grows `*arr` (elements of `elem` bytes, capacity `*cap`) to hold at least `need`. DK_ENOMEM
 * leaves the array as it was. */
dk_status dk__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* dk_name_check on a NUL-terminated name (core/model/name.c): the adders' own check. `what`
 * names it in the message ("service name", "class name"). */
dk_status dk__check_name(const char *what, const char *name, dk_error *err);

/* Formats a number for messages: whole numbers without exponent ("1000000"), others with %g. */
const char *dk__fmt_num(double v, char buf[32]);

/* props.c: fills a new component's property slots with the defaults; frees them. */
dk_status dk__props_init(dk_comp_t *c);
void dk__props_free(dk_comp_t *c);

/* link.c: frees the options of a link (NULL is a no-op). */
void dk__link_options_free(dk_comp_t *opts);

/* route.c: frees a component's routes. */
void dk__routes_free(dk_comp_t *c);

/* A name index on a dk_map: hash of the name -> position + 1. Equal hashes of different names
 * probe on to the next key, so lookups stay exact. `name_at(ctx, i)` gives the name stored at
 * position i. Returns the position of `name`, or SIZE_MAX with *free_key set to the key where
 * it would go. */
size_t dk__names_find(const dk_map_t *map, const char *name,
                      const char *(*name_at)(const void *ctx, size_t i), const void *ctx,
                      uint64_t *free_key);

/* model.c: marks the class list for a rebuild (a client's mix changed). */
void dk__model_classes_changed(dk_model_t *m);
/* model.c: a mix goes from `old_n` to `new_n` classes: reserves the room the class list needs.
 * DK_ENOMEM leaves the model as it was. */
dk_status dk__model_reserve_mix(dk_model_t *m, size_t old_n, size_t new_n);

/* Reports a failure on `c` as `<kind> "<name>": <formatted>` and returns `status`. */
dk_status dk__comp_fail(const dk_comp_t *c, dk_error *err, dk_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif

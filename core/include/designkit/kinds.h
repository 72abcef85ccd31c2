/* kinds.h - the component kinds: their descriptors, the registry, and the builder of a
 * simulator from a model. */
#ifndef DESIGNKIT_KINDS_H
#define DESIGNKIT_KINDS_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/model.h"
#include "designkit/sim.h"
#include "designkit/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A kind is one file in core/kinds holding one of these, and one line in core/kinds/
 * registry.c. Everything else is derived from the registry: the model's schema checks, the
 * rules (through traits), the simulator (through build and wire), the drawing (shape, style,
 * detail), model JSON (the name and the schema), the Lua constructors m:<kind>, dk.kinds,
 * dk.properties, the editor annotations and the option tables of the docs. */
typedef struct dk_kind_desc {
    dk_kind kind; /* first: what the model, the rules and the drawing read */
    /* Makes the runtime actor of component `c`. Actors are made in component order, so actor i
     * is component i. NULL with `err` naming the component when its values cannot run. */
    dk_actor_t *(*build)(dk_sim_t *sim, const dk_comp_t *c, dk_error *err);
    /* Called once every actor and link exists, to connect what needs the others (a service's
     * routes become flows). May be NULL. */
    dk_status (*wire)(dk_sim_t *sim, const dk_comp_t *c, dk_error *err);
    unsigned metrics; /* DK_METRIC_BIT(...) of the figures its reports show */
} dk_kind_desc;

/* The kinds, built in first (in registry order), then those added with dk_kinds_register. */
size_t dk_kinds_count(void);
const dk_kind_desc *dk_kinds_at(size_t i); /* NULL out of range */

/* The kind named `name` (a dk_kind_lookup, for dk_model_from_json). NULL with `err`:
 * unknown component kind "cahce" (use client, balancer, service, cache, database, queue) */
const dk_kind *dk_kinds_find(const char *name, dk_error *err);

/* The schema of the links' options (designkit/model.h "link options"), a kind with the trait
 * DK_TRAIT_LINK that no list of kinds holds; dk_kinds_find answers it for "link", so that the
 * JSON reader, handed only the lookup, finds it too. */
const dk_kind *dk_link_schema(void);

/* The full descriptor behind `kind`, or NULL when it is not registered. */
const dk_kind_desc *dk_kinds_desc(const dk_kind *kind);

/* Adds a kind that is not built in (a test's, a plug-in's). `d` is borrowed and must outlive
 * every model that uses it. DK_EEXIST for a name taken, DK_EINVAL for a descriptor without a
 * name, a build function or a shape, DK_ENOMEM past the room for extra kinds. Not thread-safe:
 * register before models are made. */
dk_status dk_kinds_register(const dk_kind_desc *d, dk_error *err);

/* Builds a simulator for `m`: one actor per component through its kind's build, links with
 * their latencies, classes from the clients' mixes (index order = dk_model_class order), then
 * each kind's wire. NULL with `err` naming the component when the model cannot run (a client
 * with no target, a kind that is not registered, ...). Caller frees with dk_sim_free. */
dk_sim_t *dk_model_build_sim(const dk_model_t *m, uint64_t seed, dk_error *err);

/* One expectation of the model held against a finished run: the report's view of it (`e`,
 * whose strings point into the model and into `text`) and the readable verdict. */
typedef struct dk_verdict {
    dk_report_expectation e;
    char text[192]; /* "resolve p99 13.4ms <= 50ms", "p99: no data (<= 50ms)" */
} dk_verdict;

/* Evaluates every expectation of `m` against the finished run `sim` (built from `m`), in the
 * model's order, into out[0 .. dk_model_expect_count(m)); *all_ok (may be NULL) says whether
 * all held. Figures are end to end, per class or over all classes, from the simulator itself;
 * utilisation is the busiest station's. An expectation with nothing to measure (a class that
 * sent nothing) fails with "no data". DK_EINVAL for missing arguments, DK_ENOMEM. */
dk_status dk_model_evaluate(const dk_model_t *m, const dk_sim_t *sim, dk_verdict *out, int *all_ok,
                            dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* statemachine_export.h - reading a sealed state machine definition back (for drawers and
 * writers), its Mermaid text, and the event paths that test it: the shortest path to every
 * state and a set of paths covering every transition. */
#ifndef DESIGNKIT_STATEMACHINE_EXPORT_H
#define DESIGNKIT_STATEMACHINE_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"
#include "designkit/statemachine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reading a definition ------------------------------------------------------------------ */

/* State `i` (document order, 0 the root) of the sealed `d`: its kind, its parent's id (NULL for
 * the root), its initial child or a history state's default (NULL when none) and how many
 * children it has. Strings borrowed from `d`. DK_EINVAL out of range or before the seal. */
typedef struct dk_sm_state_info {
    const char *id;
    dk_sm_kind kind;
    const char *parent;
    const char *initial;
    int nchildren;
    int compound;            /* a plain state with children other than history states */
    int has_entry, has_exit; /* an entry or exit action is set */
} dk_sm_state_info;
dk_status dk_sm_def_state_info(const dk_sm_def_t *d, int i, dk_sm_state_info *out);

/* 1 if state `a` is a proper descendant of state `b` (document indexes, as above). */
int dk_sm_def_descends(const dk_sm_def_t *d, int a, int b);

/* How many transitions the sealed `d` has, and the `i`-th, ordered by their sources in document
 * order, then in the order they were added. `out` borrows from `d` (targets included); its
 * guard, action and ud are the definition's. DK_EINVAL out of range or before the seal. */
int dk_sm_def_transitions(const dk_sm_def_t *d);
dk_status dk_sm_def_transition_at(const dk_sm_def_t *d, int i, dk_sm_transition *out);

/* ---- Mermaid ------------------------------------------------------------------------------- */

/*
 * dk_sm_mermaid - `d` as Mermaid stateDiagram-v2 text: composite states as `state X { ... }`,
 * parallel regions separated by `--`, `[*]` for the initial and final states, history states as
 * H or H*, transitions labelled "event [guard] / action" (guard and action shown only as present)
 * and delayed ones "after 5s". A buffer the caller frees with dk_free. DK_EINVAL before the
 * seal, DK_ENOMEM.
 */
dk_status dk_sm_mermaid(const dk_sm_def_t *d, char **text, dk_error *err);

/* ---- SCXML -------------------------------------------------------------------------------- */

/*
 * dk_sm_scxml - `d` as SCXML text (W3C, 2015): <scxml> with the root's id as its name, <state>,
 * <parallel>, <final>, <history type> with a <transition> to its default, <transition event
 * target type>; a delay, which SCXML has no attribute for, as dk:after="5s" in the namespace
 * urn:designkit:statemachine. Guards and actions are code and cannot travel: they are left out
 * and listed, one per line (`state "locked": transition on unlock: guard`), in a comment at the
 * top and, when `left_out` is not NULL, in a buffer there (NULL when nothing is left out).
 * Buffers the caller frees with dk_free. DK_EINVAL before the seal, DK_ENOMEM.
 */
dk_status dk_sm_scxml(const dk_sm_def_t *d, char **text, char **left_out, dk_error *err);

/*
 * dk_sm_from_scxml - a sealed definition read from SCXML text: the elements scxml (its
 * `initial`; `name` is the root's id, "scxml" without one), state (`id`, `initial`), parallel,
 * final, history (`type` "shallow" or "deep"), initial and transition (`event`, `target`: ids
 * separated by spaces, `type`, dk:after); executable content (onentry, onexit, script,
 * datamodel, ...) and `cond` are skipped, as they cannot be run. DK_EINVAL naming the line
 * ("scxml:12: ...") for text that is not XML, an element outside the subset where a state is
 * expected, a state without an id, a bad type or delay; the seal's errors. Caller frees with
 * dk_sm_def_free.
 */
dk_sm_def_t *dk_sm_from_scxml(const char *text, dk_error *err);

/* ---- test paths ---------------------------------------------------------------------------- */

/* One step of a path: an event sent, or (event NULL) the clock advanced `after_ns`. */
typedef struct dk_sm_step {
    const char *event;
    int64_t after_ns;
} dk_sm_step;

/* A path from the start: `target` is the state it reaches (shortest paths) or NULL (covering
 * paths); `covers` the indexes (dk_sm_def_transition_at) of the transitions it takes first. */
typedef struct dk_sm_path {
    const char *target;
    dk_sm_step *steps;
    size_t nsteps;
    int *covers;
    size_t ncovers;
} dk_sm_path;

/* A set of paths, and what no path reaches: `missing` states (shortest paths) or transition
 * indexes `uncovered` (covering paths). Strings borrowed from the definition. */
typedef struct dk_sm_paths {
    dk_sm_path *paths;
    size_t npaths;
    const char **missing;
    size_t nmissing;
    int *uncovered;
    size_t nuncovered;
} dk_sm_paths;

/* How many configurations the search visits before it gives up (DK_ELIMIT). */
#define DK_SM_PATHS_MAX_CONFIGURATIONS 20000

/*
 * dk_sm_shortest_paths - a breadth-first search over the configurations the sealed `d` can
 * reach from its start, with every guard taken as true and no action run (events raised by
 * actions are not seen). A configuration is the active states, the histories and the pending
 * delays (relative to the clock); its successors are one external event per distinct
 * descriptor (except "done.state.*", raised by the engine) and, when a delay is pending, the
 * clock advanced to the first one. Gives, for every state except the root and history states in
 * document order, the shortest path after which it is active; states never active at the end
 * of a macrostep are `missing`. The caller frees with dk_sm_paths_free. DK_EINVAL before the
 * seal, DK_ELIMIT past DK_SM_PATHS_MAX_CONFIGURATIONS, DK_ENOMEM.
 */
dk_status dk_sm_shortest_paths(const dk_sm_def_t *d, dk_sm_paths **out, dk_error *err);

/*
 * dk_sm_covering_paths - paths that together take every transition of `d` the search above can
 * take: for each transition not yet taken (in dk_sm_def_transition_at order), the shortest path
 * that takes it, which then counts for every transition it takes. Transitions never taken with
 * every guard true (shadowed ones, those of unreachable states) are `uncovered`. Failures of
 * dk_sm_shortest_paths.
 */
dk_status dk_sm_covering_paths(const dk_sm_def_t *d, dk_sm_paths **out, dk_error *err);

void dk_sm_paths_free(dk_sm_paths *p); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif

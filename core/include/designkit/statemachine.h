/* statemachine.h - hierarchical state machines (statecharts) with SCXML's run-to-completion
 * semantics: compound, parallel, final and history states, guarded transitions with actions,
 * eventless and delayed transitions on a virtual clock, internal and external event queues. */
#ifndef DESIGNKIT_STATEMACHINE_H
#define DESIGNKIT_STATEMACHINE_H

#include <stddef.h>
#include <stdint.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How many microsteps one macrostep may take before the machine gives up (an eventless loop). */
#define DK_SM_MAX_MICROSTEPS 10000
/* How many trace lines a machine keeps: past that, the older half is dropped. */
#define DK_SM_TRACE_MAX 1024

/* What a state is. A DK_SM_STATE with children is compound (it needs an initial child), one
 * without is atomic. History states remember, when their parent is left, its active children
 * (shallow) or its active atomic descendants (deep). */
typedef enum dk_sm_kind {
    DK_SM_STATE,
    DK_SM_PARALLEL, /* every child (a region) is active at once */
    DK_SM_FINAL,    /* its parent is done when it is entered */
    DK_SM_HISTORY_SHALLOW,
    DK_SM_HISTORY_DEEP
} dk_sm_kind;

typedef struct dk_sm_def dk_sm_def_t;
typedef struct dk_sm dk_sm_t;

/* The event an action or guard runs for: NULL while the machine starts; its name is NULL for
 * eventless and delayed transitions. `name` is borrowed for the callback's duration; `data` is what
 * the sender gave. */
typedef struct dk_sm_event {
    const char *name;
    void *data;
} dk_sm_event;

/* An action (entry, exit, transition) returns DK_OK, or a failure that stops the machine: the
 * call that was running it (dk_sm_start, _send, _advance) returns it and the machine is broken
 * (every later call returns DK_ESTATE). A guard returns 1 (take), 0 (do not take), or a
 * negative dk_status that stops the machine the same way. */
typedef dk_status (*dk_sm_action_fn)(dk_sm_t *m, const dk_sm_event *ev, void *ud);
typedef int (*dk_sm_guard_fn)(dk_sm_t *m, const dk_sm_event *ev, void *ud);

/* A transition as the caller describes it (borrowed: dk_sm_def_transition copies the strings). */
typedef struct dk_sm_transition {
    const char *source;         /* a state's id */
    const char *event;          /* a descriptor: "a.b" matches "a.b" and "a.b.c"; "*" matches any;
                                 * NULL for an eventless (or a delayed) transition */
    const char *const *targets; /* ids; none: a targetless transition (exits nothing) */
    size_t ntargets;
    int internal;         /* 1: does not exit its compound source when every target is inside it */
    int64_t after_ns;     /* > 0: taken that long after the source was entered, unless left before
                           * (needs event == NULL) */
    dk_sm_guard_fn guard; /* NULL: always */
    dk_sm_action_fn action;
    void *ud; /* given to guard and action */
} dk_sm_transition;

/* ---- definitions ---------------------------------------------------------------------------- */

/*
 * dk_sm_def_new - an empty definition whose root, a compound state, is called `id`. Add states,
 * transitions and actions, then seal it. Caller frees with dk_sm_def_free, after every machine
 * made from it. NULL with `err` for an empty id (DK_EINVAL) or DK_ENOMEM.
 */
dk_sm_def_t *dk_sm_def_new(const char *id, dk_error *err);
void dk_sm_def_free(dk_sm_def_t *d); /* NULL is a no-op */

/* Adds state `id` as the last child of `parent` (NULL: the root), so that the order of the
 * calls is the document order. DK_EEXIST for an id in use, DK_ENOTFOUND for an unknown parent,
 * DK_EINVAL for an empty id or a parent that is final or history, DK_ESTATE once sealed. */
dk_status dk_sm_def_state(dk_sm_def_t *d, const char *parent, const char *id, dk_sm_kind kind,
                          dk_error *err);

/* The child entered by default when `state` (NULL: the root) is entered; for a history state,
 * the state entered when no history was recorded yet. Checked by dk_sm_def_seal. */
dk_status dk_sm_def_initial(dk_sm_def_t *d, const char *state, const char *child, dk_error *err);

/* The entry or exit action of `state` (NULL: the root, whose exit never runs). */
dk_status dk_sm_def_on_entry(dk_sm_def_t *d, const char *state, dk_sm_action_fn fn, void *ud,
                             dk_error *err);
dk_status dk_sm_def_on_exit(dk_sm_def_t *d, const char *state, dk_sm_action_fn fn, void *ud,
                            dk_error *err);

/* Adds a transition after the others of its source (the order in which they are tried).
 * Source and targets are resolved by dk_sm_def_seal; DK_EINVAL here for a negative delay or a
 * delay with an event, DK_ESTATE once sealed. */
dk_status dk_sm_def_transition(dk_sm_def_t *d, const dk_sm_transition *t, dk_error *err);

/*
 * dk_sm_def_seal - checks the definition and freezes it; machines need a sealed definition.
 * DK_EINVAL naming the state for: an unknown source or target; a compound state (or the root)
 * without an initial, or whose initial is not one of its children; a history state whose parent
 * is the root or not compound, or without a default; a parallel state without regions; a
 * transition out of a final or history state; targets that cannot be active together.
 * DK_ESTATE if already sealed.
 */
dk_status dk_sm_def_seal(dk_sm_def_t *d, dk_error *err);

/* How many states `d` has (the root included), and the id of the `i`-th in document order
 * (0: the root; NULL out of range or before the seal). */
int dk_sm_def_states(const dk_sm_def_t *d);
const char *dk_sm_def_state_id(const dk_sm_def_t *d, int i);

/* ---- findings -------------------------------------------------------------------------------- */

/* What dk_sm_def_check finds in a sealed definition: legal, but probably a mistake. */
typedef enum dk_sm_finding_kind {
    DK_SM_UNREACHABLE, /* no path from the start enters `state` */
    DK_SM_DEAD_END,    /* `state` is atomic, not final and nothing leaves it (or an ancestor) */
    DK_SM_SHADOWED,    /* a transition of `state` on `event` is never taken: an earlier one on the
                        * same event has no guard */
    DK_SM_UNHANDLED    /* `event`, which the caller said it sends, matches no transition */
} dk_sm_finding_kind;

typedef struct dk_sm_finding {
    dk_sm_finding_kind kind;
    const char *state; /* borrowed from the definition; NULL for DK_SM_UNHANDLED */
    const char *event; /* borrowed; NULL for an eventless transition or a state finding */
} dk_sm_finding;

/*
 * dk_sm_def_check - the findings of the sealed `d`, states in document order: fills
 * `out[0 .. cap)` and sets `*count` to how many there are (which may exceed cap).
 * `events[nevents]` (may be NULL) are the events the caller means to send, each checked against
 * the transitions' descriptors. A dead end is reported only outside parallel states (another
 * region may leave). DK_ESTATE for an unsealed definition, DK_ENOMEM.
 */
dk_status dk_sm_def_check(const dk_sm_def_t *d, const char *const *events, size_t nevents,
                          dk_sm_finding *out, size_t cap, size_t *count);
/* "unreachable", "dead end", "shadowed", "unhandled". */
const char *dk_sm_finding_name(dk_sm_finding_kind kind);

/* ---- machines ------------------------------------------------------------------------------- */

/*
 * dk_sm_new - a machine of the sealed `d` (borrowed: it must outlive the machine), not started,
 * its clock at 0. Caller frees with dk_sm_free. NULL with `err`: DK_ESTATE for an unsealed
 * definition, DK_ENOMEM.
 */
dk_sm_t *dk_sm_new(const dk_sm_def_t *d, dk_error *err);
void dk_sm_free(dk_sm_t *m); /* NULL is a no-op */

/* Enters the initial configuration and runs to completion (eventless transitions and raised
 * events). DK_ESTATE if started already; what an action returned; DK_ELIMIT when one
 * macrostep passes DK_SM_MAX_MICROSTEPS. */
dk_status dk_sm_start(dk_sm_t *m, dk_error *err);

/* Puts `event` (copied) on the external queue and, unless called from one of the machine's
 * own callbacks (then it only queues), processes the queue: each event is one macrostep, run
 * to completion. An event no transition takes is dropped. DK_ESTATE before start, after the
 * machine finished or broke; the failures of dk_sm_start. */
dk_status dk_sm_send(dk_sm_t *m, const char *event, void *data, dk_error *err);

/* Puts `event` (copied) on the internal queue, which is drained before the next external
 * event: for actions that signal the machine itself. DK_ENOMEM, DK_EINVAL for an empty name. */
dk_status dk_sm_raise(dk_sm_t *m, const char *event, void *data);

/* Moves the virtual clock `ns` (>= 0) forward, taking each delayed transition that falls due on
 * the way, in time order (ties in the order they were scheduled), each as an external event
 * at its own time. Leaving a state cancels its pending delays. Failures of dk_sm_send. */
dk_status dk_sm_advance(dk_sm_t *m, int64_t ns, dk_error *err);

/* A pointer the machine carries for its owner (a binding reaches its own state from inside a
 * callback through it); NULL until set. */
void dk_sm_set_context(dk_sm_t *m, void *context);
void *dk_sm_context(const dk_sm_t *m);

int64_t dk_sm_now(const dk_sm_t *m);
int dk_sm_started(const dk_sm_t *m);
/* 1 once a final child of the root was entered: the machine takes no more events. */
int dk_sm_finished(const dk_sm_t *m);
/* 1 if state `id` is active (the root is, once started); 0 otherwise or for an unknown id. */
int dk_sm_in(const dk_sm_t *m, const char *id);
/* The active atomic states in document order: fills `ids[0 .. cap)` (borrowed from the
 * definition) and returns how many there are (which may exceed cap). */
size_t dk_sm_configuration(const dk_sm_t *m, const char **ids, size_t cap);

/* ---- snapshots ------------------------------------------------------------------------------ */

/* A delayed transition waiting for its time: the `nth` (0-based) delayed transition of `state`,
 * in the order they were added, due at `due` ns. */
typedef struct dk_sm_pending {
    const char *state;
    int nth;
    int64_t due;
} dk_sm_pending;

/* What history state `history` recorded: `states[nstates]`. */
typedef struct dk_sm_recorded {
    const char *history;
    const char *const *states;
    size_t nstates;
} dk_sm_recorded;

/* Every active state (the root excluded) in document order: fills `ids[0 .. cap)` (borrowed
 * from the definition) and returns how many there are. */
size_t dk_sm_active(const dk_sm_t *m, const char **ids, size_t cap);
/* What history state `history` recorded, in document order, as dk_sm_active does; -1 when it
 * recorded nothing yet or is not a history state. */
long dk_sm_history(const dk_sm_t *m, const char *history, const char **ids, size_t cap);
/* The pending delays in the order they will fire, as dk_sm_active does. */
size_t dk_sm_pending_delays(const dk_sm_t *m, dk_sm_pending *out, size_t cap);

/* A saved machine: its clock, its active states, its histories and its pending delays. */
typedef struct dk_sm_image {
    int64_t now;
    const char *const *active;
    size_t nactive;
    const dk_sm_recorded *history;
    size_t nhistory;
    const dk_sm_pending *pending;
    size_t npending;
} dk_sm_image;

/*
 * dk_sm_restore - puts a machine that was never started in the state `img` describes, with no
 * action run (the actions ran when the image was taken): it is then started. DK_ESTATE if
 * started; DK_EINVAL naming the state for: an unknown id, an active state whose parent is not
 * active, a compound state with no or two active children, a parallel state with a region
 * inactive, a history record of a state that is not a history state or outside its parent, a
 * delay of an inactive state or one it does not have, due before `now`; DK_ENOMEM. On failure
 * the machine is unchanged.
 */
dk_status dk_sm_restore(dk_sm_t *m, const dk_sm_image *img, dk_error *err);

/* The trace: one line per microstep (the last DK_SM_TRACE_MAX / 2 to DK_SM_TRACE_MAX of them),
 * "EVENT: -exited... +entered..." ("start" for the initial entry, "(eventless)" for an eventless
 * step, "(after STATE)" for a delay), with the states in the order they were exited and entered.
 * Borrowed until the next call that runs the machine. */
size_t dk_sm_trace_size(const dk_sm_t *m);
const char *dk_sm_trace_at(const dk_sm_t *m, size_t i); /* NULL out of range */

#ifdef __cplusplus
}
#endif
#endif

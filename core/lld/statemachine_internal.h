/* statemachine_internal.h - the definition's layout, shared by statemachine_def.c (building and
 * checking it) and statemachine.c (running it). */
#ifndef DK_STATEMACHINE_INTERNAL_H
#define DK_STATEMACHINE_INTERNAL_H

#include "designkit/statemachine.h"

typedef struct sm_state {
    char *id;
    dk_sm_kind kind;
    int parent; /* -1 for the root */
    int *children;
    int nchildren, capchildren;
    char *initial_name; /* as given; resolved to `initial` by the seal */
    int initial;        /* -1: none */
    dk_sm_action_fn entry, exit;
    void *entry_ud, *exit_ud;
    int *trans; /* its transitions in the order they were added (built by the seal) */
    int ntrans;
    int depth;
} sm_state;

typedef struct sm_trans {
    char *source_name;
    int source;
    char *event; /* NULL: eventless or delayed */
    char **target_names;
    int *targets;
    size_t ntargets;
    int internal;
    int64_t after;
    dk_sm_guard_fn guard;
    dk_sm_action_fn action;
    void *ud;
} sm_trans;

struct dk_sm_def {
    sm_state *st; /* [0] is the root */
    int nst, capst;
    sm_trans *tr;
    int ntr, captr;
    int *doc; /* the states in document order (pre-order of the tree), built by the seal */
    int sealed;
};

/* A running machine (statemachine.c runs it, statemachine_snapshot.c saves and restores it). */
typedef struct sm_ev {
    char *name; /* owned; NULL for a delay */
    void *data;
    int timer_tr; /* the delayed transition this event fires, or -1 */
} sm_ev;

typedef struct queue {
    sm_ev *ev;
    int head, n, cap;
} queue;

typedef struct timer {
    int64_t due;
    uint64_t seq; /* ties run in the order they were scheduled */
    int tr;
} timer;

struct dk_sm {
    const dk_sm_def_t *d;
    int nst;
    unsigned char *active;
    unsigned char *hist;         /* nst x nst: hist[h * nst + s] when history h recorded s */
    unsigned char *recorded;     /* per history state: something was recorded */
    unsigned char *enter, *exit; /* the sets of one microstep */
    int *eff, neff;              /* effective targets of the transition in hand */
    int *enabled, *domain, nenabled;
    queue internal, external;
    timer *timers;
    int ntimers, captimers;
    uint64_t timer_seq;
    int64_t now;
    void *context;
    int started, finished, broken, busy;
    char **trace;
    size_t ntrace, captrace;
    char *line; /* the trace line being written */
    size_t linelen, linecap;
    dk_error err; /* why the machine broke */
};

int dk__sm_find(const dk_sm_def_t *d, const char *id); /* -1 when unknown */
/* 1 if `a` is a proper descendant of `b`. */
int dk__sm_descends(const dk_sm_def_t *d, int a, int b);
/* Compound: a plain state with children other than history states. */
int dk__sm_is_compound(const dk_sm_def_t *d, int s);
int dk__sm_is_history(const dk_sm_def_t *d, int s);
/* "a.b" matches "a.b" and "a.b.c" but not "a.bc"; "*" matches everything. */
int dk__sm_descriptor_matches(const char *desc, const char *name);

#endif

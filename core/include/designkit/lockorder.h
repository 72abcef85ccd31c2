/* lockorder.h - lock-order checking: a potential deadlock (a cycle in the order in which
 * threads take the locks of sync.h) reported even when the run happened not to deadlock. */
#ifndef DESIGNKIT_LOCKORDER_H
#define DESIGNKIT_LOCKORDER_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * While enabled, each thread keeps the stack of the mutexes and reader-writer locks it holds;
 * each blocking acquisition adds the edges held -> new to one global lock-order graph (a
 * successful try adds none: it cannot wait, so it cannot deadlock). An edge that closes a
 * cycle is a finding: the locks of the cycle, and for each edge who took it and what that
 * thread held at the time. The same cycle (the same set of locks) is reported once.
 *
 * Cost: when off, one relaxed atomic load per lock and unlock. When on, a global mutex and a
 * search of the graph per new edge (a debugging mode, not for production speed).
 */

/* One finding, copied out for the caller. */
typedef struct dk_lockorder_finding {
    char *text; /* the report, several lines ("potential deadlock: A -> B -> A\n ...") */
    size_t nlocks;
    char **locks; /* the names along the cycle, the first not repeated at the end */
} dk_lockorder_finding;

/* Called once per new finding, on the thread that closed the cycle, with no lock held by the
 * checker; `text` is borrowed for the call. */
typedef void (*dk_lockorder_fn)(const dk_lockorder_finding *finding, void *ud);

/* Turns checking on (nonzero) or off. Turning it on starts every thread's stack afresh (locks
 * held from before are not known); the graph and the findings are kept until reset. */
void dk_lockorder_enable(int on);
int dk_lockorder_enabled(void);
/* Forgets the graph and the findings. */
void dk_lockorder_reset(void);
/* Installs `fn` (NULL removes it). */
void dk_lockorder_set_callback(dk_lockorder_fn fn, void *ud);
/* Findings so far. */
size_t dk_lockorder_count(void);
/* Copies finding `i` into `out` (free with dk_lockorder_finding_clear). DK_OK; DK_ERANGE for
 * an `i` past the count; DK_ENOMEM. */
dk_status dk_lockorder_get(size_t i, dk_lockorder_finding *out);
void dk_lockorder_finding_clear(dk_lockorder_finding *f);
/* Names the calling thread in reports (copied, cut at 31 bytes); by default "thread N" in the
 * order threads first took a checked lock. */
void dk_lockorder_name_thread(const char *name);

#ifdef __cplusplus
}
#endif
#endif

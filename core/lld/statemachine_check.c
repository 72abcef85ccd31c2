/* statemachine_check.c - findings about a sealed state machine definition: states no path
 * enters, states nothing leaves, transitions an earlier one hides, events nothing takes. */
#include <string.h>

#include "designkit/alloc.h"
#include "statemachine_internal.h"

int dk__sm_descriptor_matches(const char *desc, const char *name)
{
    if (strcmp(desc, "*") == 0)
        return 1;
    size_t n = strlen(desc);
    return strncmp(desc, name, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

const char *dk_sm_finding_name(dk_sm_finding_kind kind)
{
    static const char *const names[] = {"unreachable", "dead end", "shadowed", "unhandled"};
    return (unsigned)kind <= DK_SM_UNHANDLED ? names[kind] : "unknown";
}

static void enter_default(const dk_sm_def_t *d, unsigned char *seen, int s);

/* Marks what entering `s` makes active: its ancestors (with every region of a parallel one) and
 * its default descendants. An over-approximation is not needed: history restores only states
 * that were active, so they were reached another way. */
static void enter_state(const dk_sm_def_t *d, unsigned char *seen, int s)
{
    if (dk__sm_is_history(d, s)) {
        enter_state(d, seen, d->st[s].initial);
        return;
    }
    enter_default(d, seen, s);
    for (int a = d->st[s].parent; a >= 0; a = d->st[a].parent) {
        seen[a] = 1;
        if (d->st[a].kind != DK_SM_PARALLEL)
            continue;
        for (int i = 0; i < d->st[a].nchildren; i++) {
            int c = d->st[a].children[i];
            if (!dk__sm_is_history(d, c) && !seen[c])
                enter_default(d, seen, c);
        }
    }
}

static void enter_default(const dk_sm_def_t *d, unsigned char *seen, int s)
{
    seen[s] = 1;
    if (dk__sm_is_compound(d, s)) {
        enter_default(d, seen, d->st[s].initial);
    } else if (d->st[s].kind == DK_SM_PARALLEL) {
        for (int i = 0; i < d->st[s].nchildren; i++)
            if (!dk__sm_is_history(d, d->st[s].children[i]))
                enter_default(d, seen, d->st[s].children[i]);
    }
}

static int same_event(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void add(dk_sm_finding *out, size_t cap, size_t *n, dk_sm_finding f)
{
    if (*n < cap)
        out[*n] = f;
    (*n)++;
}

/* 1 if the `i`-th transition of `s` can never be taken: an earlier one on the same event
 * has no guard (delays each have their own timer, so they never hide one another). */
static int shadowed(const dk_sm_def_t *d, int s, int i)
{
    const sm_trans *t = &d->tr[d->st[s].trans[i]];
    if (t->after > 0)
        return 0;
    for (int j = 0; j < i; j++) {
        const sm_trans *e = &d->tr[d->st[s].trans[j]];
        if (e->after == 0 && e->guard == NULL && same_event(e->event, t->event))
            return 1;
    }
    return 0;
}

/* 1 if nothing leaves atomic `s`: no transition with targets from it or an ancestor, and no
 * parallel ancestor (another region may leave for it). */
static int dead_end(const dk_sm_def_t *d, int s)
{
    for (int a = s; a >= 0; a = d->st[a].parent) {
        if (a != s && d->st[a].kind == DK_SM_PARALLEL)
            return 0;
        for (int i = 0; i < d->st[a].ntrans; i++)
            if (d->tr[d->st[a].trans[i]].ntargets > 0)
                return 0;
    }
    return 1;
}

dk_status dk_sm_def_check(const dk_sm_def_t *d, const char *const *events, size_t nevents,
                          dk_sm_finding *out, size_t cap, size_t *count)
{
    *count = 0;
    if (!d->sealed)
        return DK_ESTATE;
    unsigned char *seen = dk_calloc((size_t)d->nst, 1);
    if (seen == NULL)
        return DK_ENOMEM;
    enter_default(d, seen, 0);
    for (int changed = 1; changed;) { /* every transition out of a reached state, to a fixpoint */
        changed = 0;
        for (int s = 0; s < d->nst; s++) {
            for (int i = 0; seen[s] && i < d->st[s].ntrans; i++) {
                const sm_trans *t = &d->tr[d->st[s].trans[i]];
                for (size_t k = 0; k < t->ntargets && !shadowed(d, s, i); k++) {
                    int tg = t->targets[k];
                    if (seen[tg] || (dk__sm_is_history(d, tg) && seen[d->st[tg].initial]))
                        continue;
                    enter_state(d, seen, tg);
                    seen[tg] = 1;
                    changed = 1;
                }
            }
        }
    }
    size_t n = 0;
    for (int k = 0; k < d->nst; k++) {
        int s = d->doc[k];
        const sm_state *st = &d->st[s];
        if (dk__sm_is_history(d, s))
            continue;
        if (!seen[s])
            add(out, cap, &n, (dk_sm_finding){DK_SM_UNREACHABLE, st->id, NULL});
        else if (st->kind == DK_SM_STATE && !dk__sm_is_compound(d, s) && dead_end(d, s))
            add(out, cap, &n, (dk_sm_finding){DK_SM_DEAD_END, st->id, NULL});
        for (int i = 0; i < st->ntrans; i++)
            if (shadowed(d, s, i))
                add(out, cap, &n,
                    (dk_sm_finding){DK_SM_SHADOWED, st->id, d->tr[st->trans[i]].event});
    }
    for (size_t e = 0; events != NULL && e < nevents; e++) {
        int handled = 0;
        for (int i = 0; i < d->ntr && !handled; i++)
            handled =
                d->tr[i].event != NULL && dk__sm_descriptor_matches(d->tr[i].event, events[e]);
        if (!handled)
            add(out, cap, &n, (dk_sm_finding){DK_SM_UNHANDLED, NULL, events[e]});
    }
    dk_free(seen);
    *count = n;
    return DK_OK;
}

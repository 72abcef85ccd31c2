/* statemachine.c - running a state machine: SCXML's run-to-completion algorithm (W3C SCXML
 * 1.0, appendix D) over a sealed definition, with a virtual clock for delayed transitions. */
#include <string.h>

#include "designkit/alloc.h"
#include "statemachine_internal.h"

/* ---- small helpers ---------------------------------------------------------------------- */

static int grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return 1;
    int n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    void *q = dk_realloc(*p, (size_t)n * size);
    if (q == NULL)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

static dk_status fail(dk_sm_t *m, dk_status st, const char *what, const char *id)
{
    m->broken = 1;
    if (m->err.status == DK_OK)
        dk_error_set(&m->err, st, "state machine \"%s\": %s%s%s%s: %s", m->d->st[0].id, what,
                     id ? " \"" : "", id ? id : "", id ? "\"" : "", dk_strerror(st));
    return st;
}

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = dk_malloc(la + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

static dk_status push(queue *q, char *name, void *data, int timer_tr)
{
    if (q->head > 0 && q->head + q->n == q->cap) {
        memmove(q->ev, q->ev + q->head, (size_t)q->n * sizeof *q->ev);
        q->head = 0;
    }
    if (!grow((void **)&q->ev, &q->cap, q->head + q->n + 1, sizeof *q->ev)) {
        dk_free(name);
        return DK_ENOMEM;
    }
    q->ev[q->head + q->n++] = (sm_ev){name, data, timer_tr};
    return DK_OK;
}

static sm_ev pop(queue *q)
{
    sm_ev e = q->ev[q->head++];
    if (--q->n == 0)
        q->head = 0;
    return e;
}

static void clear_queue(queue *q)
{
    while (q->n > 0)
        dk_free(pop(q).name);
}

/* ---- the trace -------------------------------------------------------------------------- */

static int line_add(dk_sm_t *m, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    size_t need = m->linelen + la + lb + 1;
    if (need > m->linecap) {
        size_t cap = m->linecap ? m->linecap * 2 : 64;
        while (cap < need)
            cap *= 2;
        char *p = dk_realloc(m->line, cap);
        if (p == NULL)
            return 0;
        m->line = p;
        m->linecap = cap;
    }
    memcpy(m->line + m->linelen, a, la);
    if (lb)
        memcpy(m->line + m->linelen + la, b, lb);
    m->linelen += la + lb;
    m->line[m->linelen] = '\0';
    return 1;
}

static dk_status line_end(dk_sm_t *m)
{
    if (m->ntrace == DK_SM_TRACE_MAX) { /* a long run keeps its recent past, not all of it */
        size_t drop = DK_SM_TRACE_MAX / 2;
        for (size_t i = 0; i < drop; i++)
            dk_free(m->trace[i]);
        memmove(m->trace, m->trace + drop, (m->ntrace - drop) * sizeof *m->trace);
        m->ntrace -= drop;
    }
    if (m->ntrace == m->captrace) {
        size_t cap = m->captrace ? m->captrace * 2 : 16;
        char **p = dk_realloc(m->trace, cap * sizeof *p);
        if (p == NULL)
            return fail(m, DK_ENOMEM, "trace", NULL);
        m->trace = p;
        m->captrace = cap;
    }
    char *s = dk_strdup(m->line ? m->line : "");
    if (s == NULL)
        return fail(m, DK_ENOMEM, "trace", NULL);
    m->trace[m->ntrace++] = s;
    m->linelen = 0;
    return DK_OK;
}

/* ---- the tree --------------------------------------------------------------------------- */

static int is_atomic(const dk_sm_def_t *d, int s)
{
    return d->st[s].kind != DK_SM_PARALLEL && !dk__sm_is_compound(d, s) && !dk__sm_is_history(d, s);
}

static int in_final(const dk_sm_t *m, int s)
{
    const sm_state *st = &m->d->st[s];
    if (dk__sm_is_compound(m->d, s)) {
        for (int i = 0; i < st->nchildren; i++)
            if (m->d->st[st->children[i]].kind == DK_SM_FINAL && m->active[st->children[i]])
                return 1;
        return 0;
    }
    if (st->kind == DK_SM_PARALLEL) {
        for (int i = 0; i < st->nchildren; i++)
            if (!dk__sm_is_history(m->d, st->children[i]) && !in_final(m, st->children[i]))
                return 0;
        return 1;
    }
    return 0;
}

/* ---- transition domains (SCXML getEffectiveTargetStates, getTransitionDomain) ------------- */

static void add_eff(dk_sm_t *m, int s)
{
    for (int i = 0; i < m->neff; i++)
        if (m->eff[i] == s)
            return;
    if (m->neff < m->nst)
        m->eff[m->neff++] = s;
}

static void effective_of(dk_sm_t *m, int s)
{
    const dk_sm_def_t *d = m->d;
    if (!dk__sm_is_history(d, s)) {
        add_eff(m, s);
    } else if (m->recorded[s]) {
        for (int k = 0; k < m->nst; k++)
            if (m->hist[(size_t)s * m->nst + d->doc[k]])
                add_eff(m, d->doc[k]);
    } else {
        effective_of(m, d->st[s].initial);
    }
}

/* The transition's domain, with its effective targets left in m->eff; -1 if targetless. */
static int domain_of(dk_sm_t *m, int ti)
{
    const dk_sm_def_t *d = m->d;
    const sm_trans *t = &d->tr[ti];
    m->neff = 0;
    if (t->ntargets == 0)
        return -1;
    for (size_t k = 0; k < t->ntargets; k++)
        effective_of(m, t->targets[k]);
    int all_inside = 1;
    for (int i = 0; i < m->neff; i++)
        all_inside &= dk__sm_descends(d, m->eff[i], t->source);
    if (t->internal && dk__sm_is_compound(d, t->source) && all_inside)
        return t->source;
    for (int a = d->st[t->source].parent; a >= 0; a = d->st[a].parent) {
        if (!dk__sm_is_compound(d, a))
            continue;
        int ok = 1;
        for (int i = 0; i < m->neff && ok; i++)
            ok = dk__sm_descends(d, m->eff[i], a);
        if (ok)
            return a;
    }
    return 0;
}

/* ---- selecting transitions -------------------------------------------------------------- */

static int matches(const dk_sm_def_t *d, int ti, const sm_ev *ev)
{
    const sm_trans *t = &d->tr[ti];
    if (ev == NULL)
        return t->event == NULL && t->after == 0;
    if (ev->timer_tr >= 0)
        return ti == ev->timer_tr;
    return t->event != NULL && dk__sm_descriptor_matches(t->event, ev->name);
}

/* Do the exit sets of enabled transitions i and j share an active state? */
static int exits_overlap(const dk_sm_t *m, int i, int j)
{
    int a = m->domain[i], b = m->domain[j];
    if (a < 0 || b < 0)
        return 0;
    for (int s = 0; s < m->nst; s++)
        if (m->active[s] && dk__sm_descends(m->d, s, a) && dk__sm_descends(m->d, s, b))
            return 1;
    return 0;
}

/* SCXML removeConflictingTransitions: a transition whose exit set meets an earlier one's
 * preempts it only if its source is a descendant of the earlier one's source; otherwise the
 * earlier (in document order of the atomic states) wins. */
static void remove_conflicts(dk_sm_t *m)
{
    int kept = 0;
    for (int i = 0; i < m->nenabled; i++) {
        int preempted = 0;
        for (int j = 0; j < kept && !preempted; j++)
            if (exits_overlap(m, i, j) && !dk__sm_descends(m->d, m->d->tr[m->enabled[i]].source,
                                                           m->d->tr[m->enabled[j]].source))
                preempted = 1;
        if (preempted)
            continue;
        int w = 0; /* drop the earlier ones this one preempts */
        for (int j = 0; j < kept; j++)
            if (!exits_overlap(m, i, j)) {
                m->enabled[w] = m->enabled[j];
                m->domain[w++] = m->domain[j];
            }
        m->enabled[w] = m->enabled[i];
        m->domain[w] = m->domain[i];
        kept = w + 1;
    }
    m->nenabled = kept;
}

/* Fills m->enabled for `ev` (NULL: eventless); DK_OK or what a guard failed with. */
static dk_status select_transitions(dk_sm_t *m, const sm_ev *ev)
{
    const dk_sm_def_t *d = m->d;
    dk_sm_event pub = {ev ? ev->name : NULL, ev ? ev->data : NULL};
    m->nenabled = 0;
    for (int k = 0; k < m->nst; k++) {
        int a = d->doc[k];
        if (!m->active[a] || !is_atomic(d, a))
            continue;
        int found = 0;
        for (int s = a; s >= 0 && !found; s = d->st[s].parent) {
            for (int i = 0; i < d->st[s].ntrans && !found; i++) {
                int ti = d->st[s].trans[i];
                if (!matches(d, ti, ev))
                    continue;
                if (d->tr[ti].guard != NULL) {
                    int g = d->tr[ti].guard(m, &pub, d->tr[ti].ud);
                    if (m->broken)
                        return m->err.status;
                    if (g < 0)
                        return fail(m, (dk_status)g, "guard of a transition from", d->st[s].id);
                    if (g == 0)
                        continue;
                }
                found = 1;
                int dup = 0;
                for (int j = 0; j < m->nenabled; j++)
                    dup |= m->enabled[j] == ti;
                if (!dup)
                    m->enabled[m->nenabled++] = ti;
            }
        }
    }
    for (int i = 0; i < m->nenabled; i++)
        m->domain[i] = domain_of(m, m->enabled[i]);
    remove_conflicts(m);
    return DK_OK;
}

/* ---- entry sets (SCXML computeEntrySet) ------------------------------------------------- */

static int entering_inside(const dk_sm_t *m, int s)
{
    for (int x = 0; x < m->nst; x++)
        if (m->enter[x] && dk__sm_descends(m->d, x, s))
            return 1;
    return 0;
}

static void add_descendants(dk_sm_t *m, int s);

static void add_ancestors(dk_sm_t *m, int s, int upto)
{
    const dk_sm_def_t *d = m->d;
    for (int a = d->st[s].parent; a >= 0 && a != upto; a = d->st[a].parent) {
        m->enter[a] = 1;
        if (d->st[a].kind != DK_SM_PARALLEL)
            continue;
        for (int i = 0; i < d->st[a].nchildren; i++) {
            int c = d->st[a].children[i];
            if (!dk__sm_is_history(d, c) && !entering_inside(m, c))
                add_descendants(m, c);
        }
    }
}

static void add_descendants(dk_sm_t *m, int s)
{
    const dk_sm_def_t *d = m->d;
    const sm_state *st = &d->st[s];
    if (dk__sm_is_history(d, s)) {
        if (m->recorded[s]) {
            for (int k = 0; k < m->nst; k++)
                if (m->hist[(size_t)s * m->nst + d->doc[k]])
                    add_descendants(m, d->doc[k]);
            for (int k = 0; k < m->nst; k++)
                if (m->hist[(size_t)s * m->nst + d->doc[k]])
                    add_ancestors(m, d->doc[k], st->parent);
        } else {
            add_descendants(m, st->initial);
            add_ancestors(m, st->initial, st->parent);
        }
        return;
    }
    m->enter[s] = 1;
    if (dk__sm_is_compound(d, s)) {
        add_descendants(m, st->initial);
        add_ancestors(m, st->initial, s);
    } else if (st->kind == DK_SM_PARALLEL) {
        for (int i = 0; i < st->nchildren; i++) {
            int c = st->children[i];
            if (!dk__sm_is_history(d, c) && !entering_inside(m, c))
                add_descendants(m, c);
        }
    }
}

/* ---- the microstep ---------------------------------------------------------------------- */

static void cancel_timers(dk_sm_t *m, int s)
{
    int w = 0;
    for (int i = 0; i < m->ntimers; i++)
        if (m->d->tr[m->timers[i].tr].source != s)
            m->timers[w++] = m->timers[i];
    m->ntimers = w;
}

static dk_status schedule_timers(dk_sm_t *m, int s)
{
    const sm_state *st = &m->d->st[s];
    for (int i = 0; i < st->ntrans; i++) {
        int ti = st->trans[i];
        if (m->d->tr[ti].after <= 0)
            continue;
        if (!grow((void **)&m->timers, &m->captimers, m->ntimers + 1, sizeof *m->timers))
            return fail(m, DK_ENOMEM, "delay of state", st->id);
        m->timers[m->ntimers++] = (timer){m->now + m->d->tr[ti].after, m->timer_seq++, ti};
    }
    return DK_OK;
}

static void record_history(dk_sm_t *m, int s)
{
    const dk_sm_def_t *d = m->d;
    for (int i = 0; i < d->st[s].nchildren; i++) {
        int h = d->st[s].children[i];
        if (!dk__sm_is_history(d, h))
            continue;
        unsigned char *row = &m->hist[(size_t)h * m->nst];
        memset(row, 0, (size_t)m->nst);
        for (int x = 0; x < m->nst; x++) {
            if (!m->active[x])
                continue;
            if (d->st[h].kind == DK_SM_HISTORY_DEEP ? is_atomic(d, x) && dk__sm_descends(d, x, s)
                                                    : d->st[x].parent == s)
                row[x] = 1;
        }
        m->recorded[h] = 1;
    }
}

static dk_status raise_done(dk_sm_t *m, int s)
{
    char *name = concat("done.state.", m->d->st[s].id);
    if (name == NULL || push(&m->internal, name, NULL, -1) != DK_OK)
        return fail(m, DK_ENOMEM, "done event of", m->d->st[s].id);
    return DK_OK;
}

static dk_status enter_states(dk_sm_t *m, const dk_sm_event *pub)
{
    const dk_sm_def_t *d = m->d;
    for (int k = 0; k < m->nst; k++) {
        int s = d->doc[k];
        if (!m->enter[s] || m->active[s])
            continue;
        const sm_state *st = &d->st[s];
        m->active[s] = 1;
        if (!line_add(m, " +", st->id))
            return fail(m, DK_ENOMEM, "trace", NULL);
        if (st->entry != NULL) {
            dk_status rc = st->entry(m, pub, st->entry_ud);
            if (m->broken)
                return m->err.status;
            if (rc != DK_OK)
                return fail(m, rc, "entry action of", st->id);
        }
        dk_status rc = schedule_timers(m, s);
        if (rc != DK_OK)
            return rc;
        if (st->kind != DK_SM_FINAL)
            continue;
        if (st->parent == 0) {
            m->finished = 1;
            continue;
        }
        if ((rc = raise_done(m, st->parent)) != DK_OK)
            return rc;
        int gp = d->st[st->parent].parent;
        if (gp >= 0 && d->st[gp].kind == DK_SM_PARALLEL && in_final(m, gp) &&
            (rc = raise_done(m, gp)) != DK_OK)
            return rc;
    }
    return DK_OK;
}

/* One microstep over m->enabled: exit, transition actions, entry (SCXML microstep). */
static dk_status microstep(dk_sm_t *m, const sm_ev *ev, const char *label)
{
    const dk_sm_def_t *d = m->d;
    dk_sm_event pub = {ev ? ev->name : NULL, ev ? ev->data : NULL};
    m->linelen = 0;
    if (!line_add(m, label, ":"))
        return fail(m, DK_ENOMEM, "trace", NULL);
    memset(m->exit, 0, (size_t)m->nst);
    for (int i = 0; i < m->nenabled; i++)
        for (int s = 0; m->domain[i] >= 0 && s < m->nst; s++)
            if (m->active[s] && dk__sm_descends(d, s, m->domain[i]))
                m->exit[s] = 1;
    for (int s = 0; s < m->nst; s++)
        if (m->exit[s])
            record_history(m, s);
    for (int k = m->nst - 1; k >= 0; k--) {
        int s = d->doc[k];
        if (!m->exit[s])
            continue;
        if (!line_add(m, " -", d->st[s].id))
            return fail(m, DK_ENOMEM, "trace", NULL);
        if (d->st[s].exit != NULL) {
            dk_status rc = d->st[s].exit(m, &pub, d->st[s].exit_ud);
            if (m->broken)
                return m->err.status;
            if (rc != DK_OK)
                return fail(m, rc, "exit action of", d->st[s].id);
        }
        cancel_timers(m, s);
        m->active[s] = 0;
    }
    for (int i = 0; i < m->nenabled; i++) {
        const sm_trans *t = &d->tr[m->enabled[i]];
        if (t->action == NULL)
            continue;
        dk_status rc = t->action(m, &pub, t->ud);
        if (m->broken)
            return m->err.status;
        if (rc != DK_OK)
            return fail(m, rc, "action of a transition from", d->st[t->source].id);
    }
    memset(m->enter, 0, (size_t)m->nst);
    for (int i = 0; i < m->nenabled; i++) {
        const sm_trans *t = &d->tr[m->enabled[i]];
        for (size_t k = 0; k < t->ntargets; k++)
            add_descendants(m, t->targets[k]);
        int dom = domain_of(m, m->enabled[i]);
        for (int j = 0; j < m->neff; j++)
            add_ancestors(m, m->eff[j], dom);
    }
    dk_status rc = enter_states(m, &pub);
    return rc != DK_OK ? rc : line_end(m);
}

/* ---- macrosteps ------------------------------------------------------------------------- */

static const char *label_of(const dk_sm_t *m, const sm_ev *ev, char **owned)
{
    *owned = NULL;
    if (ev->timer_tr < 0)
        return ev->name;
    *owned = concat("(after ", m->d->st[m->d->tr[ev->timer_tr].source].id);
    char *full = *owned ? concat(*owned, ")") : NULL;
    dk_free(*owned);
    *owned = full;
    return full ? full : "(after)";
}

static dk_status take_event(dk_sm_t *m, sm_ev *ev)
{
    dk_status rc = select_transitions(m, ev);
    if (rc == DK_OK && m->nenabled > 0) {
        char *owned;
        const char *label = label_of(m, ev, &owned);
        rc = microstep(m, ev, label);
        dk_free(owned);
    }
    return rc;
}

/* Eventless transitions, then internal events, until neither changes anything. */
static dk_status run_to_completion(dk_sm_t *m)
{
    for (int steps = 0; !m->finished; steps++) {
        if (steps > DK_SM_MAX_MICROSTEPS) {
            m->broken = 1;
            return dk_error_set(&m->err, DK_ELIMIT,
                                "state machine \"%s\": more than %d microsteps without reaching "
                                "a stable configuration (an eventless loop?)",
                                m->d->st[0].id, DK_SM_MAX_MICROSTEPS);
        }
        dk_status rc = select_transitions(m, NULL);
        if (rc != DK_OK)
            return rc;
        if (m->nenabled > 0) {
            if ((rc = microstep(m, NULL, "(eventless)")) != DK_OK)
                return rc;
            continue;
        }
        if (m->internal.n == 0)
            return DK_OK;
        sm_ev ev = pop(&m->internal);
        rc = take_event(m, &ev);
        dk_free(ev.name);
        if (rc != DK_OK)
            return rc;
    }
    return DK_OK;
}

static dk_status drain(dk_sm_t *m)
{
    dk_status rc = DK_OK;
    m->busy = 1;
    while (rc == DK_OK && m->external.n > 0 && !m->finished) {
        sm_ev ev = pop(&m->external);
        rc = take_event(m, &ev);
        dk_free(ev.name);
        if (rc == DK_OK)
            rc = run_to_completion(m);
    }
    m->busy = 0;
    return rc;
}

static dk_status report(const dk_sm_t *m, dk_status rc, dk_error *err)
{
    if (rc != DK_OK && err != NULL)
        *err = m->err;
    return rc;
}

/* ---- the public API --------------------------------------------------------------------- */

dk_sm_t *dk_sm_new(const dk_sm_def_t *d, dk_error *err)
{
    if (d == NULL || !d->sealed) {
        dk_error_set(err, DK_ESTATE, "state machine \"%s\": seal the definition first",
                     d ? d->st[0].id : "?");
        return NULL;
    }
    dk_sm_t *m = dk_calloc(1, sizeof *m);
    size_t n = (size_t)d->nst;
    if (m != NULL) {
        m->d = d;
        m->nst = d->nst;
        m->active = dk_calloc(n, 1);
        m->hist = dk_calloc(n * n, 1);
        m->recorded = dk_calloc(n, 1);
        m->enter = dk_calloc(n, 1);
        m->exit = dk_calloc(n, 1);
        m->eff = dk_calloc(n, sizeof *m->eff);
        m->enabled = dk_calloc(n, sizeof *m->enabled); /* at most one per atomic state */
        m->domain = dk_calloc(n, sizeof *m->domain);
    }
    if (m == NULL || !m->active || !m->hist || !m->recorded || !m->enter || !m->exit || !m->eff ||
        !m->enabled || !m->domain) {
        dk_sm_free(m);
        dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", d->st[0].id);
        return NULL;
    }
    return m;
}

void dk_sm_free(dk_sm_t *m)
{
    if (m == NULL)
        return;
    clear_queue(&m->internal);
    clear_queue(&m->external);
    dk_free(m->internal.ev);
    dk_free(m->external.ev);
    for (size_t i = 0; i < m->ntrace; i++)
        dk_free(m->trace[i]);
    dk_free(m->trace);
    dk_free(m->line);
    dk_free(m->timers);
    dk_free(m->active);
    dk_free(m->hist);
    dk_free(m->recorded);
    dk_free(m->enter);
    dk_free(m->exit);
    dk_free(m->eff);
    dk_free(m->enabled);
    dk_free(m->domain);
    dk_free(m);
}

static dk_status check_usable(dk_sm_t *m, dk_error *err)
{
    if (m->broken)
        return dk_error_set(err, DK_ESTATE, "state machine \"%s\" stopped after an error: %s",
                            m->d->st[0].id, m->err.message);
    if (!m->started)
        return dk_error_set(err, DK_ESTATE, "state machine \"%s\" is not started", m->d->st[0].id);
    if (m->finished)
        return dk_error_set(err, DK_ESTATE, "state machine \"%s\" has finished", m->d->st[0].id);
    return DK_OK;
}

dk_status dk_sm_start(dk_sm_t *m, dk_error *err)
{
    if (m->started)
        return dk_error_set(err, DK_ESTATE, "state machine \"%s\" is already started",
                            m->d->st[0].id);
    m->started = 1;
    m->busy = 1;
    memset(m->enter, 0, (size_t)m->nst);
    add_descendants(m, 0);
    m->linelen = 0;
    dk_status rc = line_add(m, "start:", NULL) ? DK_OK : fail(m, DK_ENOMEM, "trace", NULL);
    if (rc == DK_OK)
        rc = enter_states(m, NULL);
    if (rc == DK_OK)
        rc = line_end(m);
    if (rc == DK_OK)
        rc = run_to_completion(m);
    m->busy = 0;
    if (rc == DK_OK)
        rc = drain(m); /* what the start's actions sent */
    return report(m, rc, err);
}

dk_status dk_sm_send(dk_sm_t *m, const char *event, void *data, dk_error *err)
{
    dk_status rc = check_usable(m, err);
    if (rc != DK_OK)
        return rc;
    if (event == NULL || event[0] == '\0')
        return dk_error_set(err, DK_EINVAL, "state machine \"%s\": an event needs a name",
                            m->d->st[0].id);
    char *name = dk_strdup(event);
    if (name == NULL || push(&m->external, name, data, -1) != DK_OK)
        return dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", m->d->st[0].id);
    if (m->busy)
        return DK_OK;
    return report(m, drain(m), err);
}

dk_status dk_sm_raise(dk_sm_t *m, const char *event, void *data)
{
    if (event == NULL || event[0] == '\0')
        return DK_EINVAL;
    char *name = dk_strdup(event);
    if (name == NULL)
        return DK_ENOMEM;
    return push(&m->internal, name, data, -1);
}

dk_status dk_sm_advance(dk_sm_t *m, int64_t ns, dk_error *err)
{
    dk_status rc = check_usable(m, err);
    if (rc != DK_OK)
        return rc;
    if (ns < 0 || ns > INT64_MAX - m->now)
        return dk_error_set(err, DK_ERANGE,
                            "state machine \"%s\": cannot advance the clock by "
                            "a negative or overflowing amount",
                            m->d->st[0].id);
    if (m->busy)
        return dk_error_set(err, DK_ESTATE,
                            "state machine \"%s\": the clock cannot move from "
                            "inside a callback",
                            m->d->st[0].id);
    int64_t until = m->now + ns;
    while (!m->finished) {
        int next = -1;
        for (int i = 0; i < m->ntimers; i++) {
            const timer *t = &m->timers[i];
            if (t->due <= until &&
                (next < 0 || t->due < m->timers[next].due ||
                 (t->due == m->timers[next].due && t->seq < m->timers[next].seq)))
                next = i;
        }
        if (next < 0)
            break;
        timer due = m->timers[next];
        m->timers[next] = m->timers[--m->ntimers];
        m->now = due.due;
        if (push(&m->external, NULL, NULL, due.tr) != DK_OK)
            return report(m, fail(m, DK_ENOMEM, "delay", NULL), err);
        if ((rc = drain(m)) != DK_OK)
            return report(m, rc, err);
    }
    m->now = until;
    return DK_OK;
}

void dk_sm_set_context(dk_sm_t *m, void *context)
{
    m->context = context;
}

void *dk_sm_context(const dk_sm_t *m)
{
    return m->context;
}

int64_t dk_sm_now(const dk_sm_t *m)
{
    return m->now;
}

int dk_sm_started(const dk_sm_t *m)
{
    return m->started;
}

int dk_sm_finished(const dk_sm_t *m)
{
    return m->finished;
}

int dk_sm_in(const dk_sm_t *m, const char *id)
{
    int s = dk__sm_find(m->d, id);
    return s >= 0 && m->active[s];
}

size_t dk_sm_configuration(const dk_sm_t *m, const char **ids, size_t cap)
{
    size_t n = 0;
    for (int k = 0; k < m->nst; k++) {
        int s = m->d->doc[k];
        if (!m->active[s] || !is_atomic(m->d, s))
            continue;
        if (n < cap)
            ids[n] = m->d->st[s].id;
        n++;
    }
    return n;
}

size_t dk_sm_trace_size(const dk_sm_t *m)
{
    return m->ntrace;
}

const char *dk_sm_trace_at(const dk_sm_t *m, size_t i)
{
    return i < m->ntrace ? m->trace[i] : NULL;
}

/* statemachine_snapshot.c - reading what a machine holds between events (its configuration, its
 * histories, its pending delays) and putting a fresh machine back into such a state. */
#include <string.h>

#include "designkit/alloc.h"
#include "statemachine_internal.h"

size_t dk_sm_active(const dk_sm_t *m, const char **ids, size_t cap)
{
    size_t n = 0;
    for (int k = 1; k < m->nst; k++) {
        int s = m->d->doc[k];
        if (!m->active[s])
            continue;
        if (n < cap)
            ids[n] = m->d->st[s].id;
        n++;
    }
    return n;
}

long dk_sm_history(const dk_sm_t *m, const char *history, const char **ids, size_t cap)
{
    int h = dk__sm_find(m->d, history);
    if (h < 0 || !dk__sm_is_history(m->d, h) || !m->recorded[h])
        return -1;
    size_t n = 0;
    for (int k = 0; k < m->nst; k++) {
        int s = m->d->doc[k];
        if (!m->hist[(size_t)h * m->nst + s])
            continue;
        if (n < cap)
            ids[n] = m->d->st[s].id;
        n++;
    }
    return (long)n;
}

/* The ordinal of delayed transition `ti` among its source's delayed transitions. */
static int nth_delay(const dk_sm_def_t *d, int ti)
{
    const sm_state *st = &d->st[d->tr[ti].source];
    int nth = 0;
    for (int i = 0; i < st->ntrans && st->trans[i] != ti; i++)
        nth += d->tr[st->trans[i]].after > 0;
    return nth;
}

static int before(const timer *a, const timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

size_t dk_sm_pending_delays(const dk_sm_t *m, dk_sm_pending *out, size_t cap)
{
    size_t n = (size_t)m->ntimers;
    for (size_t i = 0; i < n && i < cap; i++) { /* the i-th to fire: a selection, n is small */
        int rank_i = -1;
        for (int t = 0; t < m->ntimers; t++) {
            size_t rank = 0;
            for (int u = 0; u < m->ntimers; u++)
                rank += before(&m->timers[u], &m->timers[t]);
            if (rank == i)
                rank_i = t;
        }
        const timer *t = &m->timers[rank_i];
        out[i] =
            (dk_sm_pending){m->d->st[m->d->tr[t->tr].source].id, nth_delay(m->d, t->tr), t->due};
    }
    return n;
}

/* The delayed transition `nth` of state `s`, or -1. */
static int delay_of(const dk_sm_def_t *d, int s, int nth)
{
    for (int i = 0; i < d->st[s].ntrans; i++) {
        int ti = d->st[s].trans[i];
        if (d->tr[ti].after > 0 && nth-- == 0)
            return ti;
    }
    return -1;
}

static dk_status check_configuration(const dk_sm_def_t *d, const unsigned char *on, dk_error *err)
{
    for (int s = 1; s < d->nst; s++) {
        if (!on[s])
            continue;
        const sm_state *st = &d->st[s];
        if (dk__sm_is_history(d, s))
            return dk_error_set(err, DK_EINVAL, "snapshot: history state \"%s\" cannot be active",
                                st->id);
        if (!on[st->parent])
            return dk_error_set(err, DK_EINVAL,
                                "snapshot: state \"%s\" is active but its parent \"%s\" is not",
                                st->id, d->st[st->parent].id);
    }
    for (int s = 0; s < d->nst; s++) {
        if (!on[s])
            continue;
        const sm_state *st = &d->st[s];
        int live = 0, regions = 0;
        for (int i = 0; i < st->nchildren; i++) {
            int c = st->children[i];
            regions += !dk__sm_is_history(d, c);
            live += on[c];
        }
        if (dk__sm_is_compound(d, s) && live != 1)
            return dk_error_set(err, DK_EINVAL,
                                "snapshot: compound state \"%s\" has %d active children (it "
                                "needs one)",
                                st->id, live);
        if (st->kind == DK_SM_PARALLEL && live != regions)
            return dk_error_set(err, DK_EINVAL,
                                "snapshot: parallel state \"%s\" has %d of its %d regions active",
                                st->id, live, regions);
    }
    return DK_OK;
}

/* Checks the whole image into scratch (`on`, `hist`, `rec`, `timers`) so that a refused image
 * leaves the machine as it was. */
static dk_status read_image(dk_sm_t *m, const dk_sm_image *img, unsigned char *on,
                            unsigned char *hist, unsigned char *rec, timer *timers, dk_error *err)
{
    const dk_sm_def_t *d = m->d;
    on[0] = 1;
    for (size_t i = 0; i < img->nactive; i++) {
        int s = dk__sm_find(d, img->active[i]);
        if (s < 0)
            return dk_error_set(err, DK_EINVAL, "snapshot: no state \"%s\"",
                                img->active[i] ? img->active[i] : "(null)");
        on[s] = 1;
    }
    dk_status rc = check_configuration(d, on, err);
    if (rc != DK_OK)
        return rc;
    for (size_t i = 0; i < img->nhistory; i++) {
        const dk_sm_recorded *r = &img->history[i];
        int h = dk__sm_find(d, r->history);
        if (h < 0 || !dk__sm_is_history(d, h))
            return dk_error_set(err, DK_EINVAL, "snapshot: \"%s\" is not a history state",
                                r->history ? r->history : "(null)");
        rec[h] = 1;
        for (size_t k = 0; k < r->nstates; k++) {
            int s = dk__sm_find(d, r->states[k]);
            if (s < 0 || !dk__sm_descends(d, s, d->st[h].parent) || dk__sm_is_history(d, s))
                return dk_error_set(err, DK_EINVAL,
                                    "snapshot: history state \"%s\" records \"%s\", which is not "
                                    "a state inside \"%s\"",
                                    d->st[h].id, r->states[k] ? r->states[k] : "(null)",
                                    d->st[d->st[h].parent].id);
            hist[(size_t)h * m->nst + s] = 1;
        }
    }
    for (size_t i = 0; i < img->npending; i++) {
        const dk_sm_pending *p = &img->pending[i];
        int s = dk__sm_find(d, p->state);
        int ti = s >= 0 ? delay_of(d, s, p->nth) : -1;
        if (ti < 0 || !on[s])
            return dk_error_set(err, DK_EINVAL,
                                "snapshot: state \"%s\" is not active or has no delay #%d",
                                p->state ? p->state : "(null)", p->nth + 1);
        if (p->due < img->now)
            return dk_error_set(err, DK_EINVAL,
                                "snapshot: the delay of state \"%s\" is due before the clock",
                                p->state);
        timers[i] = (timer){p->due, (uint64_t)i, ti};
    }
    return DK_OK;
}

dk_status dk_sm_restore(dk_sm_t *m, const dk_sm_image *img, dk_error *err)
{
    if (m->started)
        return dk_error_set(err, DK_ESTATE,
                            "state machine \"%s\": only a machine never started can be restored",
                            m->d->st[0].id);
    size_t n = (size_t)m->nst;
    unsigned char *on = dk_calloc(n, 1), *hist = dk_calloc(n * n, 1), *rec = dk_calloc(n, 1);
    timer *timers = dk_calloc(img->npending ? img->npending : 1, sizeof *timers);
    dk_status rc =
        on && hist && rec && timers
            ? read_image(m, img, on, hist, rec, timers, err)
            : dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", m->d->st[0].id);
    if (rc == DK_OK) {
        memcpy(m->active, on, n);
        memcpy(m->hist, hist, n * n);
        memcpy(m->recorded, rec, n);
        dk_free(m->timers);
        m->timers = timers;
        timers = NULL;
        m->ntimers = m->captimers = (int)img->npending;
        m->timer_seq = img->npending;
        m->now = img->now;
        m->started = 1;
        for (int k = 1; k < m->nst; k++) /* a final child of the root ends the machine */
            if (on[k] && m->d->st[k].parent == 0 && m->d->st[k].kind == DK_SM_FINAL)
                m->finished = 1;
    }
    dk_free(on);
    dk_free(hist);
    dk_free(rec);
    dk_free(timers);
    return rc;
}

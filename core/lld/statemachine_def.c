/* statemachine_def.c - building a state machine's definition and checking it when it is sealed. */
#include <string.h>

#include "designkit/alloc.h"
#include "statemachine_internal.h"

static const char *kind_name(dk_sm_kind k)
{
    static const char *const names[] = {"state", "parallel", "final", "shallow history",
                                        "deep history"};
    return (unsigned)k <= DK_SM_HISTORY_DEEP ? names[k] : "unknown";
}

int dk__sm_find(const dk_sm_def_t *d, const char *id)
{
    for (int i = 0; id != NULL && i < d->nst; i++)
        if (strcmp(d->st[i].id, id) == 0)
            return i;
    return -1;
}

int dk__sm_descends(const dk_sm_def_t *d, int a, int b)
{
    for (int p = d->st[a].parent; p >= 0; p = d->st[p].parent)
        if (p == b)
            return 1;
    return 0;
}

int dk__sm_is_history(const dk_sm_def_t *d, int s)
{
    return d->st[s].kind == DK_SM_HISTORY_SHALLOW || d->st[s].kind == DK_SM_HISTORY_DEEP;
}

int dk__sm_is_compound(const dk_sm_def_t *d, int s)
{
    if (d->st[s].kind != DK_SM_STATE)
        return 0;
    for (int i = 0; i < d->st[s].nchildren; i++)
        if (!dk__sm_is_history(d, d->st[s].children[i]))
            return 1;
    return s == 0; /* the root is compound even when empty, so the seal reports it */
}

/* Grows `*p` (of `*cap` elements of `size`) to hold `need`; 0 on failure (`*p` unchanged). */
static int grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return 1;
    int n = *cap ? *cap * 2 : 4;
    while (n < need)
        n *= 2;
    void *q = dk_realloc(*p, (size_t)n * size);
    if (q == NULL)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

static dk_status add_state(dk_sm_def_t *d, int parent, const char *id, dk_sm_kind kind,
                           dk_error *err)
{
    if (!grow((void **)&d->st, &d->capst, d->nst + 1, sizeof *d->st))
        return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", id);
    if (parent >= 0) {
        sm_state *p = &d->st[parent];
        if (!grow((void **)&p->children, &p->capchildren, p->nchildren + 1, sizeof(int)))
            return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", id);
    }
    sm_state *s = &d->st[d->nst];
    memset(s, 0, sizeof *s);
    s->id = dk_strdup(id);
    if (s->id == NULL)
        return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", id);
    s->kind = kind;
    s->parent = parent;
    s->initial = -1;
    s->depth = parent >= 0 ? d->st[parent].depth + 1 : 0;
    if (parent >= 0)
        d->st[parent].children[d->st[parent].nchildren++] = d->nst;
    d->nst++;
    return DK_OK;
}

dk_sm_def_t *dk_sm_def_new(const char *id, dk_error *err)
{
    if (id == NULL || id[0] == '\0') {
        dk_error_set(err, DK_EINVAL, "state machine: the id must be a non-empty string");
        return NULL;
    }
    dk_sm_def_t *d = dk_calloc(1, sizeof *d);
    if (d == NULL) {
        dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", id);
        return NULL;
    }
    if (add_state(d, -1, id, DK_SM_STATE, err) != DK_OK) {
        dk_sm_def_free(d);
        return NULL;
    }
    return d;
}

void dk_sm_def_free(dk_sm_def_t *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < d->nst; i++) {
        dk_free(d->st[i].id);
        dk_free(d->st[i].children);
        dk_free(d->st[i].initial_name);
        dk_free(d->st[i].trans);
    }
    for (int i = 0; i < d->ntr; i++) {
        sm_trans *t = &d->tr[i];
        dk_free(t->source_name);
        dk_free(t->event);
        for (size_t k = 0; k < t->ntargets; k++)
            dk_free(t->target_names[k]);
        dk_free(t->target_names);
        dk_free(t->targets);
    }
    dk_free(d->st);
    dk_free(d->tr);
    dk_free(d->doc);
    dk_free(d);
}

/* The state a definition call names (NULL: the root), or -1 with `err`. */
static int named(const dk_sm_def_t *d, const char *id, dk_error *err)
{
    if (id == NULL)
        return 0;
    int s = dk__sm_find(d, id);
    if (s < 0)
        dk_error_set(err, DK_ENOTFOUND, "state machine \"%s\": no state \"%s\"", d->st[0].id, id);
    return s;
}

static dk_status check_open(const dk_sm_def_t *d, dk_error *err)
{
    if (d->sealed)
        return dk_error_set(err, DK_ESTATE, "state machine \"%s\" is sealed: it cannot change",
                            d->st[0].id);
    return DK_OK;
}

dk_status dk_sm_def_state(dk_sm_def_t *d, const char *parent, const char *id, dk_sm_kind kind,
                          dk_error *err)
{
    dk_status rc = check_open(d, err);
    if (rc != DK_OK)
        return rc;
    if (id == NULL || id[0] == '\0')
        return dk_error_set(err, DK_EINVAL, "state machine \"%s\": a state id must be non-empty",
                            d->st[0].id);
    if ((unsigned)kind > DK_SM_HISTORY_DEEP)
        return dk_error_set(err, DK_EINVAL, "state \"%s\": unknown kind %d", id, (int)kind);
    if (dk__sm_find(d, id) >= 0)
        return dk_error_set(err, DK_EEXIST, "state machine \"%s\": state \"%s\" is defined twice",
                            d->st[0].id, id);
    int p = named(d, parent, err);
    if (p < 0)
        return err ? err->status : DK_ENOTFOUND;
    if (d->st[p].kind == DK_SM_FINAL || dk__sm_is_history(d, p))
        return dk_error_set(err, DK_EINVAL,
                            "state \"%s\": its parent \"%s\" is a %s state, which "
                            "has no children",
                            id, d->st[p].id, kind_name(d->st[p].kind));
    return add_state(d, p, id, kind, err);
}

dk_status dk_sm_def_initial(dk_sm_def_t *d, const char *state, const char *child, dk_error *err)
{
    dk_status rc = check_open(d, err);
    if (rc != DK_OK)
        return rc;
    int s = named(d, state, err);
    if (s < 0)
        return err ? err->status : DK_ENOTFOUND;
    char *copy = child ? dk_strdup(child) : NULL;
    if (child != NULL && copy == NULL)
        return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", d->st[s].id);
    dk_free(d->st[s].initial_name);
    d->st[s].initial_name = copy;
    return DK_OK;
}

static dk_status set_action(dk_sm_def_t *d, const char *state, int exit, dk_sm_action_fn fn,
                            void *ud, dk_error *err)
{
    dk_status rc = check_open(d, err);
    if (rc != DK_OK)
        return rc;
    int s = named(d, state, err);
    if (s < 0)
        return err ? err->status : DK_ENOTFOUND;
    if (exit) {
        d->st[s].exit = fn;
        d->st[s].exit_ud = ud;
    } else {
        d->st[s].entry = fn;
        d->st[s].entry_ud = ud;
    }
    return DK_OK;
}

dk_status dk_sm_def_on_entry(dk_sm_def_t *d, const char *state, dk_sm_action_fn fn, void *ud,
                             dk_error *err)
{
    return set_action(d, state, 0, fn, ud, err);
}

dk_status dk_sm_def_on_exit(dk_sm_def_t *d, const char *state, dk_sm_action_fn fn, void *ud,
                            dk_error *err)
{
    return set_action(d, state, 1, fn, ud, err);
}

dk_status dk_sm_def_transition(dk_sm_def_t *d, const dk_sm_transition *in, dk_error *err)
{
    dk_status rc = check_open(d, err);
    if (rc != DK_OK)
        return rc;
    const char *src = in->source ? in->source : "(none)";
    if (in->source == NULL)
        return dk_error_set(err, DK_EINVAL, "state machine \"%s\": a transition needs a source",
                            d->st[0].id);
    if (in->after_ns < 0)
        return dk_error_set(err, DK_EINVAL, "state \"%s\": a transition's delay must be >= 0", src);
    if (in->after_ns > 0 && in->event != NULL)
        return dk_error_set(err, DK_EINVAL,
                            "state \"%s\": a delayed transition cannot also wait for event \"%s\"",
                            src, in->event);
    if (in->event != NULL && in->event[0] == '\0')
        return dk_error_set(err, DK_EINVAL, "state \"%s\": an event name must be non-empty", src);
    if (in->ntargets > 0 && in->targets == NULL)
        return dk_error_set(err, DK_EINVAL,
                            "state \"%s\": %zu targets given but the list is "
                            "missing",
                            src, in->ntargets);
    if (!grow((void **)&d->tr, &d->captr, d->ntr + 1, sizeof *d->tr))
        return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", src);
    sm_trans *t = &d->tr[d->ntr];
    memset(t, 0, sizeof *t);
    d->ntr++; /* counted now so that dk_sm_def_free releases a half-copied one */
    t->source = -1;
    t->internal = in->internal != 0;
    t->after = in->after_ns;
    t->guard = in->guard;
    t->action = in->action;
    t->ud = in->ud;
    t->source_name = dk_strdup(in->source);
    t->event = in->event ? dk_strdup(in->event) : NULL;
    if (t->source_name == NULL || (in->event != NULL && t->event == NULL))
        return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", src);
    if (in->ntargets > 0) {
        t->target_names = dk_calloc(in->ntargets, sizeof *t->target_names);
        t->targets = dk_calloc(in->ntargets, sizeof *t->targets);
        if (t->target_names == NULL || t->targets == NULL)
            return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", src);
        for (size_t k = 0; k < in->ntargets; k++) {
            const char *name = in->targets[k] ? in->targets[k] : "";
            t->target_names[k] = dk_strdup(name);
            t->ntargets = k + 1;
            if (t->target_names[k] == NULL)
                return dk_error_set(err, DK_ENOMEM, "state \"%s\": out of memory", src);
        }
    }
    return DK_OK;
}

/* ---- the seal --------------------------------------------------------------------------- */

static void number_preorder(dk_sm_def_t *d, int s, int *n)
{
    d->doc[(*n)++] = s;
    for (int i = 0; i < d->st[s].nchildren; i++)
        number_preorder(d, d->st[s].children[i], n);
}

/* The nearest common ancestor of `a` and `b` (either may be the other's ancestor). */
static int common_ancestor(const dk_sm_def_t *d, int a, int b)
{
    while (d->st[a].depth > d->st[b].depth)
        a = d->st[a].parent;
    while (d->st[b].depth > d->st[a].depth)
        b = d->st[b].parent;
    while (a != b) {
        a = d->st[a].parent;
        b = d->st[b].parent;
    }
    return a;
}

static dk_status check_state(dk_sm_def_t *d, int s, dk_error *err)
{
    sm_state *st = &d->st[s];
    const char *what = s == 0 ? "state machine" : "state";
    if (st->initial_name != NULL) {
        st->initial = dk__sm_find(d, st->initial_name);
        if (st->initial < 0)
            return dk_error_set(err, DK_EINVAL, "%s \"%s\": initial \"%s\" is not a state", what,
                                st->id, st->initial_name);
    }
    if (dk__sm_is_history(d, s)) {
        int p = st->parent;
        if (p == 0 || !(dk__sm_is_compound(d, p) || d->st[p].kind == DK_SM_PARALLEL))
            return dk_error_set(err, DK_EINVAL,
                                "history state \"%s\" must be the child of a "
                                "compound or parallel state below the root",
                                st->id);
        if (st->initial < 0)
            return dk_error_set(err, DK_EINVAL,
                                "history state \"%s\" has no default (the state "
                                "entered before any history is recorded)",
                                st->id);
        if (!dk__sm_descends(d, st->initial, p) || st->initial == s)
            return dk_error_set(err, DK_EINVAL,
                                "history state \"%s\": its default \"%s\" is not "
                                "inside \"%s\"",
                                st->id, d->st[st->initial].id, d->st[p].id);
        return DK_OK;
    }
    if (st->kind == DK_SM_PARALLEL) {
        int regions = 0;
        for (int i = 0; i < st->nchildren; i++)
            regions += !dk__sm_is_history(d, st->children[i]);
        if (regions == 0)
            return dk_error_set(err, DK_EINVAL, "parallel state \"%s\" has no regions", st->id);
    }
    if (dk__sm_is_compound(d, s)) {
        if (st->initial < 0)
            return dk_error_set(err, DK_EINVAL, "%s \"%s\" has children but no initial state", what,
                                st->id);
        if (d->st[st->initial].parent != s || dk__sm_is_history(d, st->initial))
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": initial \"%s\" is not one of its "
                                "children",
                                what, st->id, d->st[st->initial].id);
    } else if (st->initial >= 0) {
        return dk_error_set(err, DK_EINVAL,
                            "state \"%s\" is not compound but names an initial "
                            "(\"%s\")",
                            st->id, d->st[st->initial].id);
    }
    return DK_OK;
}

static dk_status check_transition(dk_sm_def_t *d, sm_trans *t, dk_error *err)
{
    t->source = dk__sm_find(d, t->source_name);
    if (t->source < 0)
        return dk_error_set(err, DK_EINVAL, "transition from unknown state \"%s\"", t->source_name);
    const sm_state *src = &d->st[t->source];
    if (src->kind == DK_SM_FINAL || dk__sm_is_history(d, t->source))
        return dk_error_set(err, DK_EINVAL, "state \"%s\": a %s state has no transitions", src->id,
                            kind_name(src->kind));
    for (size_t k = 0; k < t->ntargets; k++) {
        t->targets[k] = dk__sm_find(d, t->target_names[k]);
        if (t->targets[k] < 0)
            return dk_error_set(err, DK_EINVAL,
                                "state \"%s\": transition%s%s to unknown state "
                                "\"%s\"",
                                src->id, t->event ? " on " : "", t->event ? t->event : "",
                                t->target_names[k]);
        if (t->targets[k] == 0)
            return dk_error_set(err, DK_EINVAL,
                                "state \"%s\": a transition cannot target the "
                                "root \"%s\"",
                                src->id, d->st[0].id);
    }
    /* Two targets can be active together only in different regions of a parallel state. */
    for (size_t i = 0; i < t->ntargets; i++)
        for (size_t j = i + 1; j < t->ntargets; j++) {
            int a = t->targets[i], b = t->targets[j];
            int c = common_ancestor(d, a, b);
            if (c == a || c == b || d->st[c].kind != DK_SM_PARALLEL)
                return dk_error_set(err, DK_EINVAL,
                                    "state \"%s\": targets \"%s\" and \"%s\" "
                                    "cannot be active together",
                                    src->id, d->st[a].id, d->st[b].id);
        }
    return DK_OK;
}

dk_status dk_sm_def_seal(dk_sm_def_t *d, dk_error *err)
{
    dk_status rc = check_open(d, err);
    if (rc != DK_OK)
        return rc;
    for (int s = 0; s < d->nst; s++)
        if ((rc = check_state(d, s, err)) != DK_OK)
            return rc;
    for (int i = 0; i < d->ntr; i++)
        if ((rc = check_transition(d, &d->tr[i], err)) != DK_OK)
            return rc;
    /* A seal that ran out of memory may be retried: start from nothing. */
    dk_free(d->doc);
    for (int s = 0; s < d->nst; s++) {
        dk_free(d->st[s].trans);
        d->st[s].trans = NULL;
        d->st[s].ntrans = 0;
    }
    d->doc = dk_calloc((size_t)d->nst, sizeof *d->doc);
    if (d->doc == NULL)
        return dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", d->st[0].id);
    int n = 0;
    number_preorder(d, 0, &n);
    for (int i = 0; i < d->ntr; i++)
        d->st[d->tr[i].source].ntrans++;
    for (int s = 0; s < d->nst; s++) {
        if (d->st[s].ntrans == 0)
            continue;
        d->st[s].trans = dk_calloc((size_t)d->st[s].ntrans, sizeof(int));
        if (d->st[s].trans == NULL)
            return dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", d->st[0].id);
        d->st[s].ntrans = 0;
    }
    for (int i = 0; i < d->ntr; i++) {
        sm_state *s = &d->st[d->tr[i].source];
        s->trans[s->ntrans++] = i;
    }
    d->sealed = 1;
    return DK_OK;
}

int dk_sm_def_states(const dk_sm_def_t *d)
{
    return d->nst;
}

const char *dk_sm_def_state_id(const dk_sm_def_t *d, int i)
{
    return d->sealed && i >= 0 && i < d->nst ? d->st[d->doc[i]].id : NULL;
}

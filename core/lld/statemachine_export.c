/* statemachine_export.c - a sealed definition read back through the public API (what the DOT
 * drawer in export/ and the path search need) and written as Mermaid stateDiagram-v2 text. */
#include "designkit/statemachine_export.h"

#include <string.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"
#include "designkit/locale.h"
#include "designkit/units.h"
#include "statemachine_internal.h"

dk_status dk_sm_def_state_info(const dk_sm_def_t *d, int i, dk_sm_state_info *out)
{
    if (d == NULL || !d->sealed || i < 0 || i >= d->nst)
        return DK_EINVAL;
    const sm_state *s = &d->st[d->doc[i]];
    out->id = s->id;
    out->kind = s->kind;
    out->parent = s->parent < 0 ? NULL : d->st[s->parent].id;
    out->initial = s->initial < 0 ? NULL : d->st[s->initial].id;
    out->nchildren = s->nchildren;
    out->compound = dk__sm_is_compound(d, d->doc[i]);
    out->has_entry = s->entry != NULL;
    out->has_exit = s->exit != NULL;
    return DK_OK;
}

int dk_sm_def_descends(const dk_sm_def_t *d, int a, int b)
{
    if (d == NULL || !d->sealed || a < 0 || b < 0 || a >= d->nst || b >= d->nst)
        return 0;
    return dk__sm_descends(d, d->doc[a], d->doc[b]);
}

int dk_sm_def_transitions(const dk_sm_def_t *d)
{
    return d != NULL && d->sealed ? d->ntr : 0;
}

dk_status dk_sm_def_transition_at(const dk_sm_def_t *d, int i, dk_sm_transition *out)
{
    if (d == NULL || !d->sealed || i < 0 || i >= d->ntr)
        return DK_EINVAL;
    /* Walk the states in document order: the n-th transition found is the i-th. */
    for (int k = 0; k < d->nst; k++) {
        const sm_state *s = &d->st[d->doc[k]];
        if (i >= s->ntrans) {
            i -= s->ntrans;
            continue;
        }
        const sm_trans *t = &d->tr[s->trans[i]];
        *out = (dk_sm_transition){.source = s->id,
                                  .event = t->event,
                                  .targets = (const char *const *)t->target_names,
                                  .ntargets = t->ntargets,
                                  .internal = t->internal,
                                  .after_ns = t->after,
                                  .guard = t->guard,
                                  .action = t->action,
                                  .ud = t->ud};
        return DK_OK;
    }
    return DK_EINVAL;
}

static void indent(dk_strbuf *t, int depth)
{
    for (int i = 0; i < depth; i++)
        dk_strbuf_put(t, "    ");
}

/* Mermaid reads an id as a run of letters, digits and underscores: any other id is written
 * through an alias, s<document index>, declared with the id as its label. */
static int plain_id(const char *id)
{
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return 0;
    return 1;
}

static int doc_index(const dk_sm_def_t *d, int s)
{
    for (int i = 0; i < d->nst; i++)
        if (d->doc[i] == s)
            return i;
    return -1;
}

static void put_name(dk_strbuf *t, const dk_sm_def_t *d, int s)
{
    if (plain_id(d->st[s].id)) {
        dk_strbuf_put(t, d->st[s].id);
        return;
    }
    char alias[32];
    dk_snprintf(alias, sizeof alias, "s%d", doc_index(d, s));
    dk_strbuf_put(t, alias);
}

/* A label's text stops at the end of the line: line breaks and the statement separator ';'
 * become spaces. */
static void put_label_text(dk_strbuf *t, const char *s)
{
    for (; *s != '\0'; s++)
        dk_strbuf_put_n(t, *s == '\n' || *s == '\r' || *s == ';' ? " " : s, 1);
}

static void put_label(dk_strbuf *t, const sm_trans *tr)
{
    char delay[64];
    if (tr->after > 0) {
        dk_format_duration(tr->after, delay, sizeof delay);
        dk_strbuf_put(t, " : after ");
        dk_strbuf_put(t, delay);
    } else if (tr->event != NULL) {
        dk_strbuf_put(t, " : ");
        put_label_text(t, tr->event);
    } else if (tr->guard == NULL && tr->action == NULL && tr->ntargets > 0) {
        return; /* an eventless transition without guard or action: no label */
    } else {
        dk_strbuf_put(t, " :");
    }
    if (tr->guard != NULL)
        dk_strbuf_put(t, " [guard]");
    if (tr->action != NULL)
        dk_strbuf_put(t, " / action");
    if (tr->ntargets == 0)
        dk_strbuf_put(t, " (internal)");
}

/* The transitions whose source is `s`, one line per target (a targetless one as a loop). */
static void put_transitions(dk_strbuf *t, const dk_sm_def_t *d, int s, int depth)
{
    for (int k = 0; k < d->st[s].ntrans; k++) {
        const sm_trans *tr = &d->tr[d->st[s].trans[k]];
        size_t n = tr->ntargets > 0 ? tr->ntargets : 1;
        for (size_t j = 0; j < n; j++) {
            indent(t, depth);
            put_name(t, d, s);
            dk_strbuf_put(t, " --> ");
            put_name(t, d, tr->ntargets > 0 ? tr->targets[j] : s);
            put_label(t, tr);
            dk_strbuf_put(t, "\n");
        }
    }
}

static void put_state(dk_strbuf *t, const dk_sm_def_t *d, int s, int depth);

/* The inside of `s` (the root or a composite state): declarations, its initial, its children
 * and the transitions of those children. */
static void put_body(dk_strbuf *t, const dk_sm_def_t *d, int s, int depth)
{
    const sm_state *st = &d->st[s];
    if (st->kind == DK_SM_STATE && st->initial >= 0) {
        indent(t, depth);
        dk_strbuf_put(t, "[*] --> ");
        put_name(t, d, st->initial);
        dk_strbuf_put(t, "\n");
    }
    for (int i = 0; i < st->nchildren; i++) {
        if (st->kind == DK_SM_PARALLEL && i > 0) {
            indent(t, depth);
            dk_strbuf_put(t, "--\n");
        }
        put_state(t, d, st->children[i], depth);
    }
    for (int i = 0; i < st->nchildren; i++)
        put_transitions(t, d, st->children[i], depth);
}

static void put_state(dk_strbuf *t, const dk_sm_def_t *d, int s, int depth)
{
    const sm_state *st = &d->st[s];
    int history = dk__sm_is_history(d, s);
    if (history || !plain_id(st->id)) {
        indent(t, depth);
        dk_strbuf_put(t, "state \"");
        put_label_text(t, history ? (st->kind == DK_SM_HISTORY_DEEP ? "H*" : "H") : st->id);
        dk_strbuf_put(t, "\" as ");
        put_name(t, d, s);
        dk_strbuf_put(t, "\n");
    }
    if (st->kind == DK_SM_FINAL) {
        indent(t, depth);
        put_name(t, d, s);
        dk_strbuf_put(t, " --> [*]\n");
    } else if (st->nchildren > 0 && !history) {
        indent(t, depth);
        dk_strbuf_put(t, "state ");
        put_name(t, d, s);
        dk_strbuf_put(t, " {\n");
        put_body(t, d, s, depth + 1);
        indent(t, depth);
        dk_strbuf_put(t, "}\n");
    } else if (!history && plain_id(st->id)) { /* a bare id declares an atomic state */
        indent(t, depth);
        put_name(t, d, s);
        dk_strbuf_put(t, "\n");
    }
    if (history && st->initial >= 0) { /* where it leads while nothing is recorded */
        indent(t, depth);
        put_name(t, d, s);
        dk_strbuf_put(t, " --> ");
        put_name(t, d, st->initial);
        dk_strbuf_put(t, "\n");
    }
}

dk_status dk_sm_mermaid(const dk_sm_def_t *d, char **out, dk_error *err)
{
    *out = NULL;
    if (d == NULL || !d->sealed)
        return dk_error_set(err, DK_EINVAL, "state machine: not sealed");
    dk_strbuf t = {0};
    dk_strbuf_put(&t, "stateDiagram-v2\n");
    put_body(&t, d, 0, 1);
    put_transitions(&t, d, 0, 1);
    if (t.failed) {
        dk_free(t.s);
        return dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", d->st[0].id);
    }
    *out = t.s;
    return DK_OK;
}

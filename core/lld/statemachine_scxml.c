/* statemachine_scxml.c - a sealed definition written as SCXML: the structure and the
 * transitions travel; guards and actions, which are code, are left out and listed. */
#include "designkit/statemachine_export.h"

#include <string.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"
#include "designkit/locale.h"
#include "designkit/units.h"

/* An attribute value: & < > " as entities. */
static void put_xml(dk_strbuf *t, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *e = *s == '&'   ? "&amp;"
                        : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;"
                                    : NULL;
        dk_strbuf_put_n(t, e != NULL ? e : s, e != NULL ? strlen(e) : 1);
    }
}

static void put_attr(dk_strbuf *t, const char *name, const char *value)
{
    dk_strbuf_put(t, " ");
    dk_strbuf_put(t, name);
    dk_strbuf_put(t, "=\"");
    put_xml(t, value);
    dk_strbuf_put(t, "\"");
}

/* Inside an XML comment "--" may not appear: it is written "- -". */
static void put_comment_text(dk_strbuf *t, const char *s)
{
    for (; *s != '\0'; s++)
        dk_strbuf_put(t, *s == '-' && s[1] == '-' ? "- " : (char[2]){*s, '\0'});
}

static void indent(dk_strbuf *t, int depth)
{
    for (int i = 0; i < depth; i++)
        dk_strbuf_put(t, "  ");
}

/* A delay as a duration that reads back to the same number of nanoseconds. */
static void put_delay(dk_strbuf *t, int64_t ns)
{
    char buf[64];
    int64_t back;
    dk_error e;
    dk_format_duration(ns, buf, sizeof buf);
    if (dk_parse_duration(buf, &back, &e) != DK_OK || back != ns)
        dk_snprintf(buf, sizeof buf, "%lldns", (long long)ns);
    dk_strbuf_put(t, buf);
}

typedef struct writer {
    const dk_sm_def_t *d;
    dk_strbuf out, left;
} writer;

static void note_left_out(writer *w, const char *state, const dk_sm_transition *tr,
                          const char *what)
{
    dk_strbuf_put(&w->left, "state \"");
    dk_strbuf_put(&w->left, state);
    dk_strbuf_put(&w->left, "\": ");
    if (tr != NULL) {
        dk_strbuf_put(&w->left, "transition ");
        if (tr->after_ns > 0) {
            dk_strbuf_put(&w->left, "after ");
            put_delay(&w->left, tr->after_ns);
        } else if (tr->event != NULL) {
            dk_strbuf_put(&w->left, "on ");
            dk_strbuf_put(&w->left, tr->event);
        } else {
            dk_strbuf_put(&w->left, "(eventless)");
        }
        dk_strbuf_put(&w->left, ": ");
    }
    dk_strbuf_put(&w->left, what);
    dk_strbuf_put(&w->left, "\n");
}

static void put_transitions(writer *w, const char *state, int depth)
{
    for (int k = 0; k < dk_sm_def_transitions(w->d); k++) {
        dk_sm_transition tr;
        dk_sm_def_transition_at(w->d, k, &tr);
        if (strcmp(tr.source, state) != 0)
            continue;
        indent(&w->out, depth);
        dk_strbuf_put(&w->out, "<transition");
        if (tr.event != NULL)
            put_attr(&w->out, "event", tr.event);
        if (tr.ntargets > 0) {
            dk_strbuf_put(&w->out, " target=\"");
            for (size_t j = 0; j < tr.ntargets; j++) {
                dk_strbuf_put(&w->out, j > 0 ? " " : "");
                put_xml(&w->out, tr.targets[j]);
            }
            dk_strbuf_put(&w->out, "\"");
        }
        if (tr.internal)
            put_attr(&w->out, "type", "internal");
        if (tr.after_ns > 0) {
            dk_strbuf_put(&w->out, " dk:after=\"");
            put_delay(&w->out, tr.after_ns);
            dk_strbuf_put(&w->out, "\"");
        }
        dk_strbuf_put(&w->out, "/>\n");
        if (tr.guard != NULL)
            note_left_out(w, state, &tr, "guard");
        if (tr.action != NULL)
            note_left_out(w, state, &tr, "action");
    }
}

/* State `i` and its children, which follow it in document order. Returns the next index. */
static int put_state(writer *w, int i, int depth)
{
    dk_sm_state_info info;
    dk_sm_def_state_info(w->d, i, &info);
    const char *tag = info.kind == DK_SM_PARALLEL ? "parallel"
                      : info.kind == DK_SM_FINAL  ? "final"
                      : info.kind == DK_SM_STATE  ? "state"
                                                  : "history";
    indent(&w->out, depth);
    dk_strbuf_put(&w->out, "<");
    dk_strbuf_put(&w->out, tag);
    put_attr(&w->out, "id", info.id);
    if (info.kind == DK_SM_HISTORY_SHALLOW || info.kind == DK_SM_HISTORY_DEEP)
        put_attr(&w->out, "type", info.kind == DK_SM_HISTORY_DEEP ? "deep" : "shallow");
    else if (info.initial != NULL)
        put_attr(&w->out, "initial", info.initial);
    dk_strbuf_put(&w->out, ">\n");
    if (info.has_entry)
        note_left_out(w, info.id, NULL, "entry action");
    if (info.has_exit)
        note_left_out(w, info.id, NULL, "exit action");
    if (info.kind == DK_SM_HISTORY_SHALLOW || info.kind == DK_SM_HISTORY_DEEP) {
        indent(&w->out, depth + 1);
        dk_strbuf_put(&w->out, "<transition");
        put_attr(&w->out, "target", info.initial);
        dk_strbuf_put(&w->out, "/>\n");
    }
    put_transitions(w, info.id, depth + 1);
    int next = i + 1;
    for (int c = 0; c < info.nchildren; c++)
        next = put_state(w, next, depth + 1);
    indent(&w->out, depth);
    dk_strbuf_put(&w->out, "</");
    dk_strbuf_put(&w->out, tag);
    dk_strbuf_put(&w->out, ">\n");
    return next;
}

dk_status dk_sm_scxml(const dk_sm_def_t *d, char **out, char **left_out, dk_error *err)
{
    *out = NULL;
    if (left_out != NULL)
        *left_out = NULL;
    dk_sm_state_info root;
    if (dk_sm_def_state_info(d, 0, &root) != DK_OK)
        return dk_error_set(err, DK_EINVAL, "state machine: not sealed");
    writer w = {.d = d};
    dk_strbuf body = {0};
    w.out = body;
    int next = 1;
    for (int c = 0; c < root.nchildren; c++)
        next = put_state(&w, next, 1);
    body = w.out;
    /* The root's own transitions and actions have no place in <scxml>. */
    for (int k = 0; k < dk_sm_def_transitions(d); k++) {
        dk_sm_transition tr;
        dk_sm_def_transition_at(d, k, &tr);
        if (strcmp(tr.source, root.id) == 0)
            note_left_out(&w, root.id, &tr, "a transition of the machine itself");
    }
    if (root.has_entry)
        note_left_out(&w, root.id, NULL, "entry action");
    if (root.has_exit)
        note_left_out(&w, root.id, NULL, "exit action");
    dk_strbuf t = {0};
    dk_strbuf_put(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (w.left.len > 0) {
        dk_strbuf_put(&t, "<!-- left out (code cannot travel):\n");
        put_comment_text(&t, w.left.s);
        dk_strbuf_put(&t, "-->\n");
    }
    dk_strbuf_put(&t, "<scxml xmlns=\"http://www.w3.org/2005/07/scxml\" "
                      "xmlns:dk=\"urn:designkit:statemachine\" version=\"1.0\"");
    put_attr(&t, "name", root.id);
    if (root.initial != NULL)
        put_attr(&t, "initial", root.initial);
    dk_strbuf_put(&t, ">\n");
    if (body.len > 0)
        dk_strbuf_put(&t, body.s);
    dk_strbuf_put(&t, "</scxml>\n");
    int failed = t.failed || body.failed || w.left.failed;
    dk_free(body.s);
    if (failed) {
        dk_free(t.s);
        dk_free(w.left.s);
        return dk_error_set(err, DK_ENOMEM, "state machine \"%s\": out of memory", root.id);
    }
    *out = t.s;
    if (left_out != NULL && w.left.len > 0)
        *left_out = w.left.s;
    else
        dk_free(w.left.s);
    return DK_OK;
}

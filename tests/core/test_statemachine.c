/* areas: base lld */
/* test_statemachine.c - the state machine engine, one SCXML rule per test: each small machine's
 * configurations and the order of its actions are written out by hand from the W3C algorithm,
 * then the bad definitions the seal refuses. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/statemachine.h"

/* ---- a tiny recorder: every entry, exit and transition action appends a token ------------- */

static char log_buf[2048];

static dk_status record(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    if (strlen(log_buf) + strlen((const char *)ud) + 2 > sizeof log_buf)
        return DK_OK; /* an eventless loop runs long: keep its beginning */
    if (log_buf[0] != '\0')
        strcat(log_buf, " ");
    strcat(log_buf, (const char *)ud);
    return DK_OK;
}

/* Tokens outlive the definition: "+id" for an entry, "-id" for an exit. */
static char tokens[128][24];
static int ntokens;

static char *token(const char *prefix, const char *id)
{
    ck_assert_int_lt(ntokens, 128);
    char *t = tokens[ntokens++];
    strcpy(t, prefix);
    strcat(t, id);
    return t;
}

static dk_sm_def_t *def;

static void setup(void)
{
    log_buf[0] = '\0';
    ntokens = 0;
    dk_error err;
    def = dk_sm_def_new("m", &err);
    ck_assert_ptr_nonnull(def);
}

static void teardown(void)
{
    dk_sm_def_free(def);
    def = NULL;
}

/* Adds a state that records its entry and exit. */
static void st(const char *parent, const char *id, dk_sm_kind kind)
{
    dk_error err;
    ck_assert_msg(dk_sm_def_state(def, parent, id, kind, &err) == DK_OK, "%s", err.message);
    if (kind == DK_SM_HISTORY_SHALLOW || kind == DK_SM_HISTORY_DEEP)
        return;
    dk_sm_def_on_entry(def, id, record, token("+", id), NULL);
    dk_sm_def_on_exit(def, id, record, token("-", id), NULL);
}

static void initial(const char *state, const char *child)
{
    ck_assert_int_eq(dk_sm_def_initial(def, state, child, NULL), DK_OK);
}

/* A transition whose action records `act` (NULL: no action). */
static dk_status tr_full(const char *src, const char *ev, const char *target, int internal,
                         int64_t after, dk_sm_guard_fn guard, const char *act)
{
    const char *targets[1] = {target};
    dk_sm_transition t = {
        src, ev, targets, target ? 1 : 0, internal, after, guard, act ? record : NULL, (void *)act};
    return dk_sm_def_transition(def, &t, NULL);
}

static void tr(const char *src, const char *ev, const char *target, const char *act)
{
    ck_assert_int_eq(tr_full(src, ev, target, 0, 0, NULL, act), DK_OK);
}

static dk_sm_t *start(void)
{
    dk_error err;
    ck_assert_msg(dk_sm_def_seal(def, &err) == DK_OK, "%s", err.message);
    dk_sm_t *m = dk_sm_new(def, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(dk_sm_start(m, &err) == DK_OK, "%s", err.message);
    return m;
}

static void send(dk_sm_t *m, const char *ev)
{
    dk_error err;
    log_buf[0] = '\0';
    ck_assert_msg(dk_sm_send(m, ev, NULL, &err) == DK_OK, "%s", err.message);
}

/* The active atomic states joined by spaces. */
static const char *config(const dk_sm_t *m)
{
    static char buf[256];
    const char *ids[16];
    size_t n = dk_sm_configuration(m, ids, 16);
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 16; i++) {
        if (i)
            strcat(buf, " ");
        strcat(buf, ids[i]);
    }
    return buf;
}

static const char *last_trace(const dk_sm_t *m)
{
    return dk_sm_trace_at(m, dk_sm_trace_size(m) - 1);
}

/* ---- hierarchy ---------------------------------------------------------------------------- */

START_TEST(entry_goes_down_and_exit_comes_up)
{
    st(NULL, "A", DK_SM_STATE);
    st("A", "A1", DK_SM_STATE);
    st("A", "A2", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    initial(NULL, "A");
    initial("A", "A1");
    tr("A1", "go", "B", "t");
    dk_sm_t *m = start();
    ck_assert_str_eq(log_buf, "+A +A1");
    ck_assert_str_eq(config(m), "A1");
    ck_assert(dk_sm_in(m, "A") && dk_sm_in(m, "m") && !dk_sm_in(m, "B"));
    send(m, "go");
    ck_assert_str_eq(log_buf, "-A1 -A t +B");
    ck_assert_str_eq(config(m), "B");
    ck_assert_str_eq(last_trace(m), "go: -A1 -A +B");
    send(m, "nobody.handles.this"); /* dropped */
    ck_assert_str_eq(log_buf, "");
    ck_assert_str_eq(config(m), "B");
    dk_sm_free(m);
}
END_TEST

static void parallel_pair(void)
{
    st(NULL, "P", DK_SM_PARALLEL);
    st("P", "R1", DK_SM_STATE);
    st("R1", "a1", DK_SM_STATE);
    st("R1", "a2", DK_SM_STATE);
    st("P", "R2", DK_SM_STATE);
    st("R2", "b1", DK_SM_STATE);
    st("R2", "b2", DK_SM_STATE);
    st(NULL, "Z", DK_SM_STATE);
    initial(NULL, "P");
    initial("R1", "a1");
    initial("R2", "b1");
}

START_TEST(parallel_regions_enter_in_document_order_and_exit_in_reverse)
{
    parallel_pair();
    tr("a1", "x", "a2", "tx1");
    tr("b1", "x", "b2", "tx2");
    tr("P", "out", "Z", "tout");
    dk_sm_t *m = start();
    ck_assert_str_eq(log_buf, "+P +R1 +a1 +R2 +b1");
    ck_assert_str_eq(config(m), "a1 b1");
    send(m, "x"); /* both taken: their exit sets do not meet */
    ck_assert_str_eq(log_buf, "-b1 -a1 tx1 tx2 +a2 +b2");
    ck_assert_str_eq(config(m), "a2 b2");
    send(m, "out");
    ck_assert_str_eq(log_buf, "-b2 -R2 -a2 -R1 -P tout +Z");
    ck_assert_str_eq(config(m), "Z");
    dk_sm_free(m);
}
END_TEST

START_TEST(a_transition_into_one_region_enters_the_others_by_default)
{
    parallel_pair();
    tr("Z", "in", "b2", NULL);
    initial(NULL, "Z");
    dk_sm_t *m = start();
    send(m, "in");
    ck_assert_str_eq(log_buf, "-Z +P +R1 +a1 +R2 +b2");
    ck_assert_str_eq(config(m), "a1 b2");
    dk_sm_free(m);
}
END_TEST

/* ---- history ------------------------------------------------------------------------------ */

static dk_sm_t *history_machine(dk_sm_kind kind, const char *first)
{
    st(NULL, "S", DK_SM_STATE);
    st("S", "H", kind);
    st("S", "S1", DK_SM_STATE);
    st("S1", "S1a", DK_SM_STATE);
    st("S1", "S1b", DK_SM_STATE);
    st("S", "S2", DK_SM_STATE);
    st(NULL, "O", DK_SM_STATE);
    initial(NULL, first);
    initial("S", "S1");
    initial("S1", "S1a");
    initial("H", "S1");
    tr("S1a", "n", "S1b", NULL);
    tr("S", "out", "O", NULL);
    tr("O", "back", "H", NULL);
    return start();
}

START_TEST(shallow_history_restores_the_child_and_enters_it_by_default)
{
    dk_sm_t *m = history_machine(DK_SM_HISTORY_SHALLOW, "S");
    send(m, "n");
    send(m, "out");
    ck_assert_str_eq(config(m), "O");
    send(m, "back");
    ck_assert_str_eq(log_buf, "-O +S +S1 +S1a");
    ck_assert_str_eq(config(m), "S1a");
    dk_sm_free(m);
}
END_TEST

START_TEST(deep_history_restores_the_atomic_descendants)
{
    dk_sm_t *m = history_machine(DK_SM_HISTORY_DEEP, "S");
    send(m, "n");
    send(m, "out");
    send(m, "back");
    ck_assert_str_eq(log_buf, "-O +S +S1 +S1b");
    ck_assert_str_eq(config(m), "S1b");
    dk_sm_free(m);
}
END_TEST

START_TEST(history_without_a_record_takes_its_default)
{
    dk_sm_t *m = history_machine(DK_SM_HISTORY_DEEP, "O");
    send(m, "back");
    ck_assert_str_eq(log_buf, "-O +S +S1 +S1a");
    dk_sm_free(m);
}
END_TEST

/* ---- eventless, internal, guards ---------------------------------------------------------- */

static int guard_calls;
static int guard_second_time(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    (void)ud;
    return ++guard_calls >= 2;
}

START_TEST(eventless_transitions_chain_until_stable)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    initial(NULL, "A");
    tr("A", NULL, "B", NULL);
    tr("B", NULL, "C", NULL);
    dk_sm_t *m = start();
    ck_assert_str_eq(log_buf, "+A -A +B -B +C");
    ck_assert_str_eq(config(m), "C");
    ck_assert_uint_eq(dk_sm_trace_size(m), 3);
    ck_assert_str_eq(dk_sm_trace_at(m, 0), "start: +m +A");
    ck_assert_str_eq(dk_sm_trace_at(m, 1), "(eventless): -A +B");
    ck_assert_str_eq(dk_sm_trace_at(m, 2), "(eventless): -B +C");
    ck_assert_ptr_null(dk_sm_trace_at(m, 3));
    dk_sm_free(m);
}
END_TEST

START_TEST(an_eventless_loop_is_stopped)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    initial(NULL, "A");
    tr("A", NULL, "B", NULL);
    tr("B", NULL, "A", NULL);
    dk_error err;
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_OK);
    dk_sm_t *m = dk_sm_new(def, &err);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "eventless loop"));
    ck_assert_uint_le(dk_sm_trace_size(m), DK_SM_TRACE_MAX); /* the trace stays bounded */
    ck_assert_uint_ge(dk_sm_trace_size(m), DK_SM_TRACE_MAX / 2);
    ck_assert_int_eq(dk_sm_send(m, "x", NULL, &err), DK_ESTATE);
    dk_sm_free(m);
}
END_TEST

START_TEST(internal_transitions_stay_and_external_ones_leave_the_source)
{
    st(NULL, "P", DK_SM_STATE);
    st("P", "c1", DK_SM_STATE);
    st("P", "c2", DK_SM_STATE);
    initial(NULL, "P");
    initial("P", "c1");
    ck_assert_int_eq(tr_full("P", "ext", "c2", 0, 0, NULL, "e"), DK_OK);
    ck_assert_int_eq(tr_full("P", "int", "c1", 1, 0, NULL, "i"), DK_OK);
    tr("c2", "self", "c2", "s");
    tr("c2", "stay", NULL, "nothing"); /* targetless: exits nothing */
    dk_sm_t *m = start();
    send(m, "ext");
    ck_assert_str_eq(log_buf, "-c1 -P e +P +c2");
    send(m, "self");
    ck_assert_str_eq(log_buf, "-c2 s +c2");
    send(m, "stay");
    ck_assert_str_eq(log_buf, "nothing");
    send(m, "int");
    ck_assert_str_eq(log_buf, "-c2 i +c1");
    dk_sm_free(m);
}
END_TEST

START_TEST(guards_choose_and_document_order_breaks_ties)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    initial(NULL, "A");
    guard_calls = 0;
    ck_assert_int_eq(tr_full("A", "e", "B", 0, 0, guard_second_time, "toB"), DK_OK);
    tr("A", "e", "C", "toC");
    tr("C", "e", "A", NULL);
    dk_sm_t *m = start();
    send(m, "e"); /* the guard says no the first time: the next transition in order */
    ck_assert_str_eq(config(m), "C");
    send(m, "e");
    send(m, "e"); /* now both are enabled: the first one wins */
    ck_assert_str_eq(log_buf, "-A toB +B");
    dk_sm_free(m);
}
END_TEST

START_TEST(event_descriptors_match_by_prefix)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    initial(NULL, "A");
    tr("A", "error", "B", NULL);
    tr("B", "*", "C", NULL);
    dk_sm_t *m = start();
    send(m, "errors"); /* not a token of "error" */
    ck_assert_str_eq(config(m), "A");
    send(m, "error.io");
    ck_assert_str_eq(config(m), "B");
    send(m, "anything");
    ck_assert_str_eq(config(m), "C");
    dk_sm_free(m);
}
END_TEST

/* ---- conflicts ---------------------------------------------------------------------------- */

START_TEST(conflicting_transitions_resolve_by_document_order)
{
    parallel_pair();
    st(NULL, "Q", DK_SM_STATE);
    tr("a1", "e", "a2", "A");
    tr("b1", "e", "Q", "B"); /* its exit set holds a1: preempted by the earlier a1 */
    tr("a2", "f", "Z", "toZ");
    tr("b1", "f", "Q", "toQ"); /* both leave P: the first in document order wins */
    dk_sm_t *m = start();
    send(m, "e");
    ck_assert_str_eq(log_buf, "-a1 A +a2");
    ck_assert_str_eq(config(m), "a2 b1");
    send(m, "f");
    ck_assert_str_eq(config(m), "Z");
    dk_sm_free(m);
}
END_TEST

START_TEST(a_child_transition_preempts_its_ancestor)
{
    st(NULL, "P", DK_SM_STATE);
    st("P", "p1", DK_SM_STATE);
    st("P", "p2", DK_SM_STATE);
    st(NULL, "Q", DK_SM_STATE);
    initial(NULL, "P");
    initial("P", "p1");
    tr("P", "e", "Q", NULL);
    tr("p1", "e", "p2", NULL);
    dk_sm_t *m = start();
    send(m, "e");
    ck_assert_str_eq(config(m), "p2");
    send(m, "e");
    ck_assert_str_eq(config(m), "Q");
    dk_sm_free(m);
}
END_TEST

/* ---- queues ------------------------------------------------------------------------------- */

static dk_status raise_then_send(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)ev;
    (void)ud;
    ck_assert_int_eq(dk_sm_send(m, "x", NULL, NULL), DK_OK); /* queued, not run now */
    ck_assert_int_eq(dk_sm_raise(m, "i", NULL), DK_OK);
    ck_assert_int_eq(dk_sm_advance(m, 1, NULL), DK_ESTATE);
    return DK_OK;
}

START_TEST(raised_events_run_before_the_next_external_one)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    st(NULL, "D", DK_SM_STATE);
    st(NULL, "E", DK_SM_STATE);
    initial(NULL, "A");
    dk_sm_transition t = {"A", "go", (const char *[]){"B"}, 1, 0, 0, NULL, raise_then_send, NULL};
    ck_assert_int_eq(dk_sm_def_transition(def, &t, NULL), DK_OK);
    tr("B", "i", "C", NULL);
    tr("B", "x", "E", NULL); /* taken only if x came first */
    tr("C", "x", "D", NULL);
    dk_sm_t *m = start();
    send(m, "go");
    ck_assert_str_eq(config(m), "D");
    ck_assert_str_eq(log_buf, "-A +B -B +C -C +D");
    dk_sm_free(m);
}
END_TEST

/* ---- done events -------------------------------------------------------------------------- */

START_TEST(a_final_child_makes_its_parent_done)
{
    st(NULL, "C", DK_SM_STATE);
    st("C", "c1", DK_SM_STATE);
    st("C", "cf", DK_SM_FINAL);
    st(NULL, "D", DK_SM_STATE);
    initial(NULL, "C");
    initial("C", "c1");
    tr("c1", "fin", "cf", NULL);
    tr("C", "done.state.C", "D", NULL);
    dk_sm_t *m = start();
    send(m, "fin");
    ck_assert_str_eq(log_buf, "-c1 +cf -cf -C +D");
    size_t n = dk_sm_trace_size(m);
    ck_assert_str_eq(dk_sm_trace_at(m, n - 2), "fin: -c1 +cf");
    ck_assert_str_eq(dk_sm_trace_at(m, n - 1), "done.state.C: -cf -C +D");
    dk_sm_free(m);
}
END_TEST

START_TEST(a_parallel_is_done_when_every_region_is)
{
    parallel_pair();
    st("R1", "af", DK_SM_FINAL);
    st("R2", "bf", DK_SM_FINAL);
    tr("a1", "a", "af", NULL);
    tr("b1", "b", "bf", NULL);
    tr("P", "done.state.R1", NULL, "R1done");
    tr("P", "done.state.P", "Z", "Pdone");
    dk_sm_t *m = start();
    send(m, "a");
    ck_assert_str_eq(log_buf, "-a1 +af R1done");
    ck_assert(dk_sm_in(m, "P"));
    send(m, "b");
    ck_assert_str_eq(log_buf, "-b1 +bf -bf -R2 -af -R1 -P Pdone +Z");
    dk_sm_free(m);
}
END_TEST

START_TEST(a_final_child_of_the_root_finishes_the_machine)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "F", DK_SM_FINAL);
    initial(NULL, "A");
    tr("A", "end", "F", NULL);
    dk_sm_t *m = start();
    ck_assert(!dk_sm_finished(m));
    send(m, "end");
    ck_assert(dk_sm_finished(m));
    dk_error err;
    ck_assert_int_eq(dk_sm_send(m, "end", NULL, &err), DK_ESTATE);
    ck_assert_ptr_nonnull(strstr(err.message, "finished"));
    dk_sm_free(m);
}
END_TEST

/* ---- delays ------------------------------------------------------------------------------- */

#define SEC 1000000000LL

static int64_t fired_at;
static dk_status note_time(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    fired_at = dk_sm_now(m);
    return record(m, ev, ud);
}

START_TEST(delays_fire_on_time_and_leaving_cancels_them)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    initial(NULL, "A");
    dk_sm_transition t = {"A", NULL, (const char *[]){"B"}, 1, 0, 5 * SEC, NULL, note_time, "t"};
    ck_assert_int_eq(dk_sm_def_transition(def, &t, NULL), DK_OK);
    tr("A", "leave", "C", NULL);
    tr("C", "back", "A", NULL);
    dk_sm_t *m = start();
    dk_error err;
    ck_assert_int_eq(dk_sm_advance(m, 3 * SEC, &err), DK_OK);
    ck_assert_str_eq(config(m), "A");
    send(m, "leave");
    send(m, "back"); /* re-entered at 3 s: due at 8 s, the 5 s one is gone */
    ck_assert_int_eq(dk_sm_advance(m, 4 * SEC, &err), DK_OK);
    ck_assert_str_eq(config(m), "A");
    ck_assert_int_eq(dk_sm_advance(m, 2 * SEC, &err), DK_OK);
    ck_assert_str_eq(config(m), "B");
    ck_assert_int_eq(fired_at, 8 * SEC);
    ck_assert_int_eq(dk_sm_now(m), 9 * SEC);
    ck_assert_str_eq(last_trace(m), "(after A): -A +B");
    ck_assert_int_eq(dk_sm_advance(m, -1, &err), DK_ERANGE);
    dk_sm_free(m);
}
END_TEST

START_TEST(delays_fire_in_time_order_across_regions)
{
    parallel_pair();
    dk_sm_transition t1 = {"a1", NULL, (const char *[]){"a2"}, 1, 0, 2 * SEC, NULL, record, "a"};
    dk_sm_transition t2 = {"b1", NULL, (const char *[]){"b2"}, 1, 0, 1 * SEC, NULL, record, "b"};
    ck_assert_int_eq(dk_sm_def_transition(def, &t1, NULL), DK_OK);
    ck_assert_int_eq(dk_sm_def_transition(def, &t2, NULL), DK_OK);
    dk_sm_t *m = start();
    log_buf[0] = '\0';
    ck_assert_int_eq(dk_sm_advance(m, 10 * SEC, NULL), DK_OK);
    ck_assert_str_eq(log_buf, "-b1 b +b2 -a1 a +a2");
    dk_sm_free(m);
}
END_TEST

/* ---- failures ----------------------------------------------------------------------------- */

static int broken_guard(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    (void)ud;
    return DK_EINVAL;
}

START_TEST(a_failing_callback_stops_the_machine)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    initial(NULL, "A");
    ck_assert_int_eq(tr_full("A", "e", "B", 0, 0, broken_guard, NULL), DK_OK);
    dk_sm_t *m = start();
    dk_error err;
    ck_assert_int_eq(dk_sm_send(m, "e", NULL, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "guard"));
    ck_assert_ptr_nonnull(strstr(err.message, "\"A\""));
    ck_assert_int_eq(dk_sm_send(m, "e", NULL, &err), DK_ESTATE);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_ESTATE);
    dk_sm_free(m);
}
END_TEST

/* Seals the definition and expects `status` with every fragment of `want` in the message. */
static void refused(dk_status status, const char *want1, const char *want2)
{
    dk_error err;
    ck_assert_int_eq(dk_sm_def_seal(def, &err), status);
    ck_assert_msg(strstr(err.message, want1) && strstr(err.message, want2), "message: %s",
                  err.message);
    ck_assert_ptr_null(dk_sm_new(def, NULL));
}

START_TEST(unknown_target)
{
    st(NULL, "A", DK_SM_STATE);
    initial(NULL, "A");
    tr("A", "e", "Nowhere", NULL);
    refused(DK_EINVAL, "\"A\"", "unknown state \"Nowhere\"");
}
END_TEST

START_TEST(unknown_source)
{
    st(NULL, "A", DK_SM_STATE);
    initial(NULL, "A");
    tr("Ghost", "e", "A", NULL);
    refused(DK_EINVAL, "unknown state", "\"Ghost\"");
}
END_TEST

START_TEST(compound_without_initial)
{
    st(NULL, "A", DK_SM_STATE);
    st("A", "a", DK_SM_STATE);
    initial(NULL, "A");
    refused(DK_EINVAL, "\"A\"", "no initial");
}
END_TEST

START_TEST(root_without_initial)
{
    st(NULL, "A", DK_SM_STATE);
    refused(DK_EINVAL, "state machine \"m\"", "no initial");
}
END_TEST

START_TEST(initial_that_is_not_a_child)
{
    st(NULL, "A", DK_SM_STATE);
    st("A", "a", DK_SM_STATE);
    st("a", "aa", DK_SM_STATE);
    initial(NULL, "A");
    initial("A", "aa");
    initial("a", "aa");
    refused(DK_EINVAL, "\"A\"", "initial \"aa\" is not one of its children");
}
END_TEST

START_TEST(history_under_the_root)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "H", DK_SM_HISTORY_SHALLOW);
    initial(NULL, "A");
    initial("H", "A");
    refused(DK_EINVAL, "history state \"H\"", "compound");
}
END_TEST

START_TEST(history_without_default)
{
    st(NULL, "A", DK_SM_STATE);
    st("A", "a", DK_SM_STATE);
    st("A", "H", DK_SM_HISTORY_DEEP);
    initial(NULL, "A");
    initial("A", "a");
    refused(DK_EINVAL, "history state \"H\"", "no default");
}
END_TEST

START_TEST(parallel_without_regions)
{
    st(NULL, "P", DK_SM_PARALLEL);
    initial(NULL, "P");
    refused(DK_EINVAL, "parallel state \"P\"", "no regions");
}
END_TEST

START_TEST(transition_out_of_a_final_state)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "F", DK_SM_FINAL);
    initial(NULL, "A");
    tr("F", "e", "A", NULL);
    refused(DK_EINVAL, "\"F\"", "final state has no transitions");
}
END_TEST

START_TEST(targets_that_cannot_be_active_together)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    initial(NULL, "A");
    dk_sm_transition t = {"A", "e", (const char *[]){"A", "B"}, 2, 0, 0, NULL, NULL, NULL};
    ck_assert_int_eq(dk_sm_def_transition(def, &t, NULL), DK_OK);
    refused(DK_EINVAL, "\"A\" and \"B\"", "cannot be active together");
}
END_TEST

START_TEST(bad_calls_are_refused_at_once)
{
    dk_error err;
    ck_assert_ptr_null(dk_sm_def_new("", &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    st(NULL, "A", DK_SM_STATE);
    ck_assert_int_eq(dk_sm_def_state(def, NULL, "A", DK_SM_STATE, &err), DK_EEXIST);
    ck_assert_ptr_nonnull(strstr(err.message, "\"A\" is defined twice"));
    ck_assert_int_eq(dk_sm_def_state(def, "Nope", "B", DK_SM_STATE, &err), DK_ENOTFOUND);
    st(NULL, "F", DK_SM_FINAL);
    ck_assert_int_eq(dk_sm_def_state(def, "F", "B", DK_SM_STATE, &err), DK_EINVAL);
    ck_assert_int_eq(tr_full("A", "e", "A", 0, 5, NULL, NULL), DK_EINVAL);
    ck_assert_int_eq(tr_full("A", NULL, "A", 0, -5, NULL, NULL), DK_EINVAL);
    ck_assert_ptr_null(dk_sm_new(def, &err)); /* not sealed */
    ck_assert_int_eq(err.status, DK_ESTATE);
    initial(NULL, "A");
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_OK);
    ck_assert_int_eq(dk_sm_def_state(def, NULL, "C", DK_SM_STATE, &err), DK_ESTATE);
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_ESTATE);
    ck_assert_int_eq(dk_sm_def_states(def), 3);
    ck_assert_str_eq(dk_sm_def_state_id(def, 0), "m");
    ck_assert_str_eq(dk_sm_def_state_id(def, 2), "F");
    ck_assert_ptr_null(dk_sm_def_state_id(def, 3));
    dk_sm_t *m = dk_sm_new(def, &err);
    ck_assert_int_eq(dk_sm_send(m, "e", NULL, &err), DK_ESTATE); /* not started */
    ck_assert_int_eq(dk_sm_start(m, &err), DK_OK);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_ESTATE);
    ck_assert_int_eq(dk_sm_send(m, "", NULL, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sm_in(m, "no such state"), 0);
    dk_sm_free(m);
}
END_TEST

/* Every allocation in turn fails: each call reports DK_ENOMEM or succeeds, never crashes or
 * leaks (ASan checks the leaks). */
START_TEST(out_of_memory_is_reported)
{
    for (long n = 0; n < 400; n++) {
        dk_alloc_fail_after(n);
        dk_error err;
        dk_sm_def_t *d = dk_sm_def_new("m", &err);
        dk_status rc = d ? DK_OK : DK_ENOMEM;
        const char *pt[] = {"P", "b2"};
        dk_sm_transition t = {"a1", "go", pt, 1, 0, 0, NULL, NULL, NULL};
        dk_sm_transition t2 = {"b1", NULL, pt + 1, 1, 0, SEC, NULL, NULL, NULL};
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, NULL, "P", DK_SM_PARALLEL, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, "P", "R1", DK_SM_STATE, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, "R1", "a1", DK_SM_STATE, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, "P", "R2", DK_SM_STATE, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, "R2", "b1", DK_SM_STATE, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_state(d, "R2", "b2", DK_SM_FINAL, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_initial(d, NULL, "P", &err);
        if (rc == DK_OK)
            rc = dk_sm_def_initial(d, "R1", "a1", &err);
        if (rc == DK_OK)
            rc = dk_sm_def_initial(d, "R2", "b1", &err);
        if (rc == DK_OK)
            rc = dk_sm_def_transition(d, &t, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_transition(d, &t2, &err);
        if (rc == DK_OK)
            rc = dk_sm_def_seal(d, &err);
        dk_sm_t *m = rc == DK_OK ? dk_sm_new(d, &err) : NULL;
        if (rc == DK_OK && m == NULL)
            rc = DK_ENOMEM;
        if (rc == DK_OK)
            rc = dk_sm_start(m, &err);
        if (rc == DK_OK)
            rc = dk_sm_send(m, "go", NULL, &err);
        if (rc == DK_OK)
            rc = dk_sm_advance(m, 2 * SEC, &err);
        dk_alloc_fail_after(-1);
        dk_sm_free(m);
        dk_sm_def_free(d);
        if (rc == DK_OK) {
            ck_assert_int_gt(n, 10);
            return;
        }
        ck_assert_int_eq(rc, DK_ENOMEM);
    }
    ck_abort_msg("still failing after 400 allocations");
}
END_TEST

/* ---- snapshots ---------------------------------------------------------------------------- */

START_TEST(a_restored_machine_carries_on_as_the_original)
{
    st(NULL, "S", DK_SM_STATE);
    st("S", "H", DK_SM_HISTORY_DEEP);
    st("S", "S1", DK_SM_STATE);
    st("S1", "S1a", DK_SM_STATE);
    st("S1", "S1b", DK_SM_STATE);
    st(NULL, "O", DK_SM_STATE);
    st(NULL, "T", DK_SM_STATE);
    initial(NULL, "S");
    initial("S", "S1");
    initial("S1", "S1a");
    initial("H", "S1");
    tr("S1a", "n", "S1b", NULL);
    tr("S", "out", "O", NULL);
    tr("O", "back", "H", NULL);
    ck_assert_int_eq(tr_full("O", NULL, "T", 0, 2 * SEC, NULL, NULL), DK_OK);
    ck_assert_int_eq(tr_full("O", NULL, "S", 0, 9 * SEC, NULL, NULL), DK_OK);
    dk_sm_t *a = start();
    send(a, "n");
    ck_assert_int_eq(dk_sm_advance(a, 5 * SEC, NULL), DK_OK);
    send(a, "out"); /* at 5 s: delays due at 7 s and 14 s */
    ck_assert_int_eq(dk_sm_advance(a, 1 * SEC, NULL), DK_OK);

    const char *active[8], *recorded[8];
    size_t nactive = dk_sm_active(a, active, 8);
    ck_assert_uint_eq(nactive, 1);
    ck_assert_str_eq(active[0], "O");
    long nrec = dk_sm_history(a, "H", recorded, 8);
    ck_assert_int_eq(nrec, 1);
    ck_assert_str_eq(recorded[0], "S1b");
    ck_assert_int_eq(dk_sm_history(a, "S", recorded, 8), -1);
    dk_sm_pending pending[4];
    size_t npending = dk_sm_pending_delays(a, pending, 4);
    ck_assert_uint_eq(npending, 2);
    ck_assert_str_eq(pending[0].state, "O");
    ck_assert_int_eq(pending[0].nth, 0);
    ck_assert_int_eq(pending[0].due, 7 * SEC);
    ck_assert_int_eq(pending[1].nth, 1);
    ck_assert_int_eq(pending[1].due, 14 * SEC);

    dk_sm_recorded hist = {"H", recorded, (size_t)nrec};
    dk_sm_image img = {dk_sm_now(a), active, nactive, &hist, 1, pending, npending};
    dk_error err;
    dk_sm_t *b = dk_sm_new(def, &err);
    log_buf[0] = '\0';
    ck_assert_msg(dk_sm_restore(b, &img, &err) == DK_OK, "%s", err.message);
    ck_assert_str_eq(log_buf, ""); /* no action runs */
    ck_assert_int_eq(dk_sm_restore(b, &img, &err), DK_ESTATE);
    ck_assert_int_eq(dk_sm_now(b), 6 * SEC);
    ck_assert_str_eq(config(b), "O");
    send(b, "back"); /* deep history as recorded */
    ck_assert_str_eq(config(b), "S1b");
    send(a, "back");
    send(a, "out");
    send(b, "out");
    ck_assert_int_eq(dk_sm_advance(b, 2 * SEC, NULL), DK_OK);
    ck_assert_str_eq(config(b), "T");
    dk_sm_free(a);
    dk_sm_free(b);
}
END_TEST

START_TEST(a_bad_image_is_refused_and_changes_nothing)
{
    parallel_pair();
    dk_error err;
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_OK);
    dk_sm_t *m = dk_sm_new(def, &err);
    const char *half[] = {"P", "R1", "a1"};
    dk_sm_image img = {0, half, 3, NULL, 0, NULL, 0};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "snapshot: parallel state \"P\" has 1 of its 2 regions active");
    const char *orphan[] = {"a1"};
    img = (dk_sm_image){0, orphan, 1, NULL, 0, NULL, 0};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "\"a1\" is active but its parent \"R1\""));
    const char *two[] = {"P", "R1", "a1", "a2", "R2", "b1"};
    img = (dk_sm_image){0, two, 6, NULL, 0, NULL, 0};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "\"R1\" has 2 active children"));
    const char *ok[] = {"P", "R1", "a1", "R2", "b1"};
    dk_sm_pending p = {"a1", 0, 5};
    img = (dk_sm_image){0, ok, 5, NULL, 0, &p, 1};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL); /* a1 has no delay */
    ck_assert_ptr_nonnull(strstr(err.message, "no delay #1"));
    dk_sm_recorded r = {"a1", NULL, 0};
    img = (dk_sm_image){0, ok, 5, &r, 1, NULL, 0};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "\"a1\" is not a history state"));
    const char *ghost[] = {"Nobody"};
    img = (dk_sm_image){0, ghost, 1, NULL, 0, NULL, 0};
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_EINVAL);
    ck_assert(!dk_sm_started(m));
    img = (dk_sm_image){0, ok, 5, NULL, 0, NULL, 0};
    dk_alloc_fail_after(1);
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_ENOMEM);
    dk_alloc_fail_after(-1);
    ck_assert(!dk_sm_started(m));
    ck_assert_int_eq(dk_sm_restore(m, &img, &err), DK_OK);
    ck_assert_str_eq(config(m), "a1 b1");
    dk_sm_free(m);
}
END_TEST

/* ---- findings ----------------------------------------------------------------------------- */

START_TEST(findings_name_the_suspicious_parts)
{
    st(NULL, "A", DK_SM_STATE);
    st(NULL, "B", DK_SM_STATE);
    st(NULL, "C", DK_SM_STATE);
    st(NULL, "P", DK_SM_PARALLEL);
    st("P", "r1", DK_SM_STATE); /* atomic regions: the other may leave, so no dead end */
    st("P", "r2", DK_SM_STATE);
    st(NULL, "F", DK_SM_FINAL);
    initial(NULL, "A");
    tr("A", "e", "B", NULL);
    tr("A", "e", "C", NULL); /* never taken: the first has no guard */
    tr("A", "go", "P", NULL);
    ck_assert_int_eq(tr_full("A", "g", "B", 0, 0, guard_second_time, NULL), DK_OK);
    tr("A", "g", "B", NULL); /* the first is guarded: not shadowed */
    tr("r2", "done", "F", NULL);
    tr("C", "back", "A", NULL);
    dk_error err;
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_OK);
    const char *events[] = {"e", "done.now", "zzz"};
    dk_sm_finding f[8];
    size_t n;
    ck_assert_int_eq(dk_sm_def_check(def, events, 3, f, 8, &n), DK_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(f[0].kind, DK_SM_SHADOWED);
    ck_assert_str_eq(f[0].state, "A");
    ck_assert_str_eq(f[0].event, "e");
    ck_assert_int_eq(f[1].kind, DK_SM_DEAD_END);
    ck_assert_str_eq(f[1].state, "B");
    ck_assert_int_eq(f[2].kind, DK_SM_UNREACHABLE);
    ck_assert_str_eq(f[2].state, "C");
    ck_assert_int_eq(f[3].kind, DK_SM_UNHANDLED);
    ck_assert_str_eq(f[3].event, "zzz");
    ck_assert_str_eq(dk_sm_finding_name(f[2].kind), "unreachable");
    ck_assert_int_eq(dk_sm_def_check(def, NULL, 0, f, 1, &n), DK_OK);
    ck_assert_uint_eq(n, 3); /* counted past the room given */
    dk_alloc_fail_after(0);
    ck_assert_int_eq(dk_sm_def_check(def, NULL, 0, f, 8, &n), DK_ENOMEM);
    dk_alloc_fail_after(-1);
}
END_TEST

START_TEST(history_and_parallel_entries_count_as_reached)
{
    parallel_pair();
    st(NULL, "S", DK_SM_STATE);
    st("S", "H", DK_SM_HISTORY_DEEP);
    st("S", "s1", DK_SM_STATE);
    st("S", "s2", DK_SM_STATE);
    initial("S", "s1");
    initial("H", "s2");
    tr("a1", "x", "a2", NULL);
    tr("b1", "x", "b2", NULL);
    tr("P", "h", "H", NULL);
    tr("S", "back", "P", NULL);
    dk_error err;
    ck_assert_int_eq(dk_sm_def_seal(def, &err), DK_OK);
    dk_sm_finding f[8];
    size_t n;
    ck_assert_int_eq(dk_sm_def_check(def, NULL, 0, f, 8, &n), DK_OK);
    /* s1 is S's initial but only H (default s2) ever enters S: s1 is unreachable; Z too */
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(f[0].state, "Z");
    ck_assert_str_eq(f[1].state, "s1");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("statemachine");
    TCase *tc = tcase_create("semantics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, entry_goes_down_and_exit_comes_up);
    tcase_add_test(tc, parallel_regions_enter_in_document_order_and_exit_in_reverse);
    tcase_add_test(tc, a_transition_into_one_region_enters_the_others_by_default);
    tcase_add_test(tc, shallow_history_restores_the_child_and_enters_it_by_default);
    tcase_add_test(tc, deep_history_restores_the_atomic_descendants);
    tcase_add_test(tc, history_without_a_record_takes_its_default);
    tcase_add_test(tc, eventless_transitions_chain_until_stable);
    tcase_add_test(tc, an_eventless_loop_is_stopped);
    tcase_add_test(tc, internal_transitions_stay_and_external_ones_leave_the_source);
    tcase_add_test(tc, guards_choose_and_document_order_breaks_ties);
    tcase_add_test(tc, event_descriptors_match_by_prefix);
    tcase_add_test(tc, conflicting_transitions_resolve_by_document_order);
    tcase_add_test(tc, a_child_transition_preempts_its_ancestor);
    tcase_add_test(tc, raised_events_run_before_the_next_external_one);
    tcase_add_test(tc, a_final_child_makes_its_parent_done);
    tcase_add_test(tc, a_parallel_is_done_when_every_region_is);
    tcase_add_test(tc, a_final_child_of_the_root_finishes_the_machine);
    tcase_add_test(tc, delays_fire_on_time_and_leaving_cancels_them);
    tcase_add_test(tc, delays_fire_in_time_order_across_regions);
    tcase_add_test(tc, a_failing_callback_stops_the_machine);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad definitions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, unknown_target);
    tcase_add_test(tc, unknown_source);
    tcase_add_test(tc, compound_without_initial);
    tcase_add_test(tc, root_without_initial);
    tcase_add_test(tc, initial_that_is_not_a_child);
    tcase_add_test(tc, history_under_the_root);
    tcase_add_test(tc, history_without_default);
    tcase_add_test(tc, parallel_without_regions);
    tcase_add_test(tc, transition_out_of_a_final_state);
    tcase_add_test(tc, targets_that_cannot_be_active_together);
    tcase_add_test(tc, bad_calls_are_refused_at_once);
    tcase_add_test(tc, out_of_memory_is_reported);
    suite_add_tcase(s, tc);
    tc = tcase_create("snapshots");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_restored_machine_carries_on_as_the_original);
    tcase_add_test(tc, a_bad_image_is_refused_and_changes_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("findings");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, findings_name_the_suspicious_parts);
    tcase_add_test(tc, history_and_parallel_entries_count_as_reached);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

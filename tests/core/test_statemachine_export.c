/* areas: base patterns model sim export kinds lld */
/* test_statemachine_export.c - a state machine drawn (DOT read back by cgraph), written as
 * Mermaid and SCXML (read back and run side by side with the original on random events), and
 * its test paths: shortest ones checked against paths worked out by hand, covering ones by
 * replaying them on the original machine and recording what they take. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "designkit/alloc.h"
#include "designkit/draw_sm.h"
#include "designkit/rng.h"
#include "designkit/statemachine_export.h"

#define S_NS 1000000000LL

/* Which transitions ran: each transition's action sets its own index here. */
static unsigned char taken[64];

static dk_status mark(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    taken[(intptr_t)ud] = 1;
    return DK_OK;
}

static int always(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    (void)ud;
    return 1;
}

static dk_status nothing(dk_sm_t *m, const dk_sm_event *ev, void *ud)
{
    (void)m;
    (void)ev;
    (void)ud;
    return DK_OK;
}

static int ntrans;

static void add(dk_sm_def_t *d, const char *src, const char *event, const char *target,
                int64_t after, int guarded)
{
    dk_error err;
    dk_sm_transition t = {.source = src,
                          .event = event,
                          .targets = (const char *[]){target},
                          .ntargets = 1,
                          .after_ns = after,
                          .guard = guarded ? always : NULL,
                          .action = mark,
                          .ud = (void *)(intptr_t)ntrans++};
    ck_assert_int_eq(dk_sm_def_transition(d, &t, &err), DK_OK);
}

static void state(dk_sm_def_t *d, const char *parent, const char *id, dk_sm_kind kind,
                  const char *initial)
{
    dk_error err;
    ck_assert_int_eq(dk_sm_def_state(d, parent, id, kind, &err), DK_OK);
    if (initial != NULL)
        ck_assert_int_eq(dk_sm_def_initial(d, id, initial, &err), DK_OK);
}

/* A media player: a compound state with deep history, a parallel settings menu with two
 * regions, a delay, a guard, a final state, and a "play" on stopped that an earlier unguarded
 * "play" shadows. Transitions are added in document order of their sources, so the indexes
 * given to `mark` are those of dk_sm_def_transition_at. */
static dk_sm_def_t *player(void)
{
    dk_error err;
    ntrans = 0;
    dk_sm_def_t *d = dk_sm_def_new("player", &err);
    ck_assert_ptr_nonnull(d);
    state(d, NULL, "off", DK_SM_STATE, NULL);
    state(d, NULL, "on", DK_SM_STATE, "stopped");
    state(d, "on", "stopped", DK_SM_STATE, NULL);
    state(d, "on", "playing", DK_SM_STATE, NULL);
    state(d, "on", "paused", DK_SM_STATE, NULL);
    state(d, "on", "hist", DK_SM_HISTORY_DEEP, "stopped");
    state(d, NULL, "settings", DK_SM_PARALLEL, NULL);
    state(d, "settings", "volume", DK_SM_STATE, "quiet");
    state(d, "volume", "quiet", DK_SM_STATE, NULL);
    state(d, "volume", "loud", DK_SM_STATE, NULL);
    state(d, "settings", "light", DK_SM_STATE, "dim");
    state(d, "light", "dim", DK_SM_STATE, NULL);
    state(d, "light", "bright", DK_SM_STATE, NULL);
    state(d, NULL, "done", DK_SM_FINAL, NULL);
    ck_assert_int_eq(dk_sm_def_initial(d, NULL, "off", &err), DK_OK);
    ck_assert_int_eq(dk_sm_def_on_entry(d, "playing", nothing, NULL, &err), DK_OK);
    add(d, "off", "power", "on", 0, 0);               /* 0 */
    add(d, "off", "resume", "hist", 0, 0);            /* 1 */
    add(d, "off", "eject", "done", 0, 0);             /* 2 */
    add(d, "on", "power", "off", 0, 0);               /* 3 */
    add(d, "on", "menu", "settings", 0, 0);           /* 4 */
    add(d, "stopped", "play", "playing", 0, 0);       /* 5 */
    add(d, "stopped", "play", "paused", 0, 0);        /* 6: shadowed by 5 */
    add(d, "playing", "pause", "paused", 0, 0);       /* 7 */
    add(d, "playing", "stop", "stopped", 0, 1);       /* 8: guarded */
    add(d, "playing", NULL, "stopped", 60 * S_NS, 0); /* 9: a delay */
    add(d, "paused", "play", "playing", 0, 0);        /* 10 */
    add(d, "settings", "back", "hist", 0, 0);         /* 11 */
    add(d, "quiet", "louder", "loud", 0, 0);          /* 12 */
    add(d, "dim", "brighter", "bright", 0, 0);        /* 13 */
    ck_assert_int_eq(dk_sm_def_seal(d, &err), DK_OK);
    return d;
}

/* ---- DOT ---- */

static Agnode_t *node(Agraph_t *g, const char *name)
{
    Agnode_t *n = agnode(g, (char *)name, 0);
    ck_assert_msg(n != NULL, "no node %s", name);
    return n;
}

static const char *attr(void *obj, const char *name)
{
    const char *v = agget(obj, (char *)name);
    return v != NULL ? v : "";
}

static int has_edge(Agraph_t *g, const char *from, const char *to, const char *label)
{
    for (Agedge_t *e = agfstout(g, node(g, from)); e != NULL; e = agnxtout(g, e))
        if (strcmp(agnameof(aghead(e)), to) == 0 && strcmp(attr(e, "label"), label) == 0)
            return 1;
    return 0;
}

START_TEST(dot_draws_clusters_points_and_labelled_arrows)
{
    dk_sm_def_t *d = player();
    dk_error err;
    char *dot;
    size_t len;
    ck_assert_int_eq(dk_sm_render(d, DK_DRAW_DOT, &dot, &len, &err), DK_OK);
    Agraph_t *g = agmemread(dot);
    ck_assert_ptr_nonnull(g);
    const char *atomic[] = {"off",   "stopped", "playing", "paused",
                            "quiet", "loud",    "dim",     "bright"};
    for (size_t i = 0; i < sizeof atomic / sizeof *atomic; i++) {
        ck_assert_str_eq(attr(node(g, atomic[i]), "shape"), "box");
        ck_assert_str_eq(attr(node(g, atomic[i]), "label"), atomic[i]);
    }
    ck_assert_str_eq(attr(node(g, "done"), "shape"), "doublecircle");
    ck_assert_str_eq(attr(node(g, "hist"), "label"), "H*");
    ck_assert_str_eq(attr(node(g, "player"), "shape"), "point"); /* the machine's initial */
    ck_assert_str_eq(attr(node(g, "on"), "shape"), "point");     /* on's initial */
    Agraph_t *on = agsubg(g, (char *)"cluster_on", 0);
    Agraph_t *settings = agsubg(g, (char *)"cluster_settings", 0);
    ck_assert_ptr_nonnull(on);
    ck_assert_ptr_nonnull(settings);
    Agraph_t *volume = agsubg(settings, (char *)"cluster_volume", 0);
    ck_assert_ptr_nonnull(volume);
    ck_assert_ptr_nonnull(strstr(attr(volume, "style"), "dashed")); /* a region */
    ck_assert_ptr_null(strstr(attr(on, "style"), "dashed"));
    ck_assert_ptr_nonnull(agnode(on, (char *)"playing", 0));
    ck_assert_ptr_null(agnode(on, (char *)"quiet", 0));
    ck_assert(has_edge(g, "player", "off", ""));
    ck_assert(has_edge(g, "on", "stopped", ""));
    ck_assert(has_edge(g, "off", "on", "power / action"));
    ck_assert(has_edge(g, "playing", "stopped", "stop [guard] / action"));
    ck_assert(has_edge(g, "playing", "stopped", "after 60s / action"));
    ck_assert(has_edge(g, "hist", "stopped", ""));
    /* An arrow to a composite state is clipped at its cluster. */
    for (Agedge_t *e = agfstout(g, node(g, "off")); e != NULL; e = agnxtout(g, e))
        if (strcmp(agnameof(aghead(e)), "on") == 0)
            ck_assert_str_eq(attr(e, "lhead"), "cluster_on");
    agclose(g);
    dk_free(dot);
    dk_sm_def_free(d);
}
END_TEST

START_TEST(dot_refuses_an_id_it_cannot_spell)
{
    dk_error err;
    dk_sm_def_t *d = dk_sm_def_new("m", &err);
    state(d, NULL, "a\\", DK_SM_STATE, NULL);
    ck_assert_int_eq(dk_sm_def_initial(d, NULL, "a\\", &err), DK_OK);
    ck_assert_int_eq(dk_sm_def_seal(d, &err), DK_OK);
    char *dot;
    size_t len;
    ck_assert_int_eq(dk_sm_render(d, DK_DRAW_DOT, &dot, &len, &err), DK_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.message, "a\\"));
    dk_sm_def_free(d);
}
END_TEST

/* ---- Mermaid ---- */

START_TEST(mermaid_nests_composites_and_separates_regions)
{
    dk_sm_def_t *d = player();
    dk_error err;
    char *text;
    ck_assert_int_eq(dk_sm_mermaid(d, &text, &err), DK_OK);
    const char *lines[] = {"stateDiagram-v2\n",
                           "\n    [*] --> off\n",
                           "\n    state on {\n        [*] --> stopped\n",
                           "\n        state \"H*\" as hist\n        hist --> stopped\n",
                           "\n        playing --> stopped : stop [guard] / action\n",
                           "\n        playing --> stopped : after 60s / action\n",
                           "\n            [*] --> quiet\n",
                           "\n        }\n        --\n        state light {\n",
                           "\n    done --> [*]\n",
                           "\n    off --> hist : resume / action\n"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        ck_assert_msg(strstr(text, lines[i]) != NULL, "missing %s in\n%s", lines[i], text);
    dk_free(text);
    dk_sm_def_free(d);
}
END_TEST

/* ---- SCXML ---- */

static size_t config(dk_sm_t *m, char *out, size_t cap)
{
    const char *ids[32];
    size_t n = dk_sm_configuration(m, ids, 32);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(out, ids[i], cap - strlen(out) - 2);
        strcat(out, " ");
    }
    return n;
}

START_TEST(scxml_reads_back_a_machine_that_behaves_the_same)
{
    dk_sm_def_t *d = player();
    dk_error err;
    char *text, *left;
    ck_assert_int_eq(dk_sm_scxml(d, &text, &left, &err), DK_OK);
    ck_assert_ptr_nonnull(strstr(left, "state \"playing\": transition on stop: guard\n"));
    ck_assert_ptr_nonnull(strstr(left, "state \"playing\": entry action\n"));
    ck_assert_ptr_nonnull(strstr(text, "dk:after=\"60s\""));
    dk_sm_def_t *back = dk_sm_from_scxml(text, &err);
    ck_assert_msg(back != NULL, "%s", err.message);
    /* Written again, only the comment listing what was left out is gone. */
    char *again, *left2;
    ck_assert_int_eq(dk_sm_scxml(back, &again, &left2, &err), DK_OK);
    ck_assert_ptr_null(left2);
    const char *header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    ck_assert_int_eq(strncmp(again, header, strlen(header)), 0);
    ck_assert_str_eq(again + strlen(header), strstr(text, "-->\n") + 4);
    /* Side by side on random events: the same configurations (the guard always holds). */
    const char *events[] = {"power", "resume", "eject",  "menu",     "play", "pause",
                            "stop",  "back",   "louder", "brighter", NULL};
    dk_rng_t rng;
    dk_rng_seed(&rng, 8);
    for (int run = 0; run < 200; run++) {
        dk_sm_t *a = dk_sm_new(d, &err), *b = dk_sm_new(back, &err);
        ck_assert_int_eq(dk_sm_start(a, &err), DK_OK);
        ck_assert_int_eq(dk_sm_start(b, &err), DK_OK);
        for (int step = 0; step < 12 && !dk_sm_finished(a); step++) {
            const char *ev = events[dk_rng_below(&rng, 11)];
            if (ev == NULL) {
                int64_t ns = (int64_t)dk_rng_below(&rng, 90) * S_NS;
                ck_assert_int_eq(dk_sm_advance(a, ns, &err), DK_OK);
                ck_assert_int_eq(dk_sm_advance(b, ns, &err), DK_OK);
            } else {
                ck_assert_int_eq(dk_sm_send(a, ev, NULL, &err), DK_OK);
                ck_assert_int_eq(dk_sm_send(b, ev, NULL, &err), DK_OK);
            }
            char ca[256], cb[256];
            config(a, ca, sizeof ca);
            config(b, cb, sizeof cb);
            ck_assert_str_eq(ca, cb);
            ck_assert_int_eq(dk_sm_finished(a), dk_sm_finished(b));
        }
        dk_sm_free(a);
        dk_sm_free(b);
    }
    dk_free(text);
    dk_free(left);
    dk_free(again);
    dk_sm_def_free(back);
    dk_sm_def_free(d);
}
END_TEST

START_TEST(scxml_reads_the_subset_and_its_defaults)
{
    /* No initial anywhere: SCXML's default is the first child; <initial> and executable
     * content; a list of targets into two regions. */
    const char *text = "<?xml version='1.0'?>\n<!-- a comment -->\n"
                       "<scxml xmlns='http://www.w3.org/2005/07/scxml' name='m'>\n"
                       "  <datamodel><data id='x' expr='1'/></datamodel>\n"
                       "  <state id='a'>\n"
                       "    <onentry><log expr='&quot;hi&quot;'/></onentry>\n"
                       "    <transition event='go' cond='x &gt; 0' target='r1b  r2b'/>\n"
                       "  </state>\n"
                       "  <parallel id='p'>\n"
                       "    <state id='r1'><initial><transition target='r1a'/></initial>\n"
                       "      <state id='r1a'/><state id='r1b'/></state>\n"
                       "    <state id='r2'><state id='r2a'/><state id='r2b'/></state>\n"
                       "  </parallel>\n"
                       "</scxml>\n";
    dk_error err;
    dk_sm_def_t *d = dk_sm_from_scxml(text, &err);
    ck_assert_msg(d != NULL, "%s", err.message);
    dk_sm_t *m = dk_sm_new(d, &err);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_OK);
    ck_assert(dk_sm_in(m, "a"));
    ck_assert_int_eq(dk_sm_send(m, "go", NULL, &err), DK_OK);
    char c[128];
    config(m, c, sizeof c);
    ck_assert_str_eq(c, "r1b r2b ");
    dk_sm_free(m);
    dk_sm_def_free(d);
}
END_TEST

static void refused(const char *text, const char *message)
{
    dk_error err;
    dk_sm_def_t *d = dk_sm_from_scxml(text, &err);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_msg(strstr(err.message, message) != NULL, "\"%s\" does not say \"%s\"", err.message,
                  message);
}

START_TEST(scxml_refuses_bad_text_naming_the_line)
{
    refused("<scxml>\n<state id='a'>\n</stat></scxml>", "scxml:3: closing tag does not match");
    refused("<scxml>\n<state>\n</state></scxml>", "scxml:2: a state needs an id");
    refused("<scxml>\n<state id='a'>\n<transition target='a' type='odd'/></state></scxml>",
            "scxml:3: transition: type must be");
    refused("<scxml>\n<history id='h' type='wide'/></scxml>", "scxml:2: history: type");
    refused("<scxml><state id='a'><transition target='zz'/></state></scxml>",
            "scxml: state \"a\": transition to unknown state \"zz\"");
    refused("<scxml>\n<state id='a'/>\n<state id='a'/></scxml>", "scxml:3:");
    refused("<scxml><state id='a'>", "ends inside \"state\"");
    refused("<state id='a'/>", "must start with <scxml>");
    refused("<scxml><state id='a'><transition target='a' dk:after='5 parsecs'/></state></scxml>",
            "parsecs");
    refused("<scxml><state id='a\" x='1'/></scxml>", "scxml:1:");
    refused("", "no <scxml>");
}
END_TEST

/* ---- test paths ---- */

static const dk_sm_path *path_to(const dk_sm_paths *p, const char *target)
{
    for (size_t i = 0; i < p->npaths; i++)
        if (strcmp(p->paths[i].target, target) == 0)
            return &p->paths[i];
    ck_abort_msg("no path to %s", target);
    return NULL;
}

static void steps_are(const dk_sm_path *p, const char *expected)
{
    char got[256] = "";
    for (size_t i = 0; i < p->nsteps; i++) {
        if (i > 0)
            strcat(got, " ");
        strcat(got, p->steps[i].event != NULL ? p->steps[i].event : "(delay)");
    }
    ck_assert_str_eq(got, expected);
}

/* Replays `p` on the original definition, its guards and actions included. */
static dk_sm_t *replay(const dk_sm_def_t *d, const dk_sm_path *p)
{
    dk_error err;
    dk_sm_t *m = dk_sm_new(d, &err);
    ck_assert_int_eq(dk_sm_start(m, &err), DK_OK);
    for (size_t i = 0; i < p->nsteps; i++)
        ck_assert_int_eq(p->steps[i].event != NULL ? dk_sm_send(m, p->steps[i].event, NULL, &err)
                                                   : dk_sm_advance(m, p->steps[i].after_ns, &err),
                         DK_OK);
    return m;
}

START_TEST(shortest_paths_reach_every_state)
{
    dk_sm_def_t *d = player();
    dk_error err;
    dk_sm_paths *p;
    ck_assert_int_eq(dk_sm_shortest_paths(d, &p, &err), DK_OK);
    /* Worked out by hand from the definition. */
    steps_are(path_to(p, "off"), "");
    steps_are(path_to(p, "on"), "power");
    steps_are(path_to(p, "stopped"), "power");
    steps_are(path_to(p, "playing"), "power play");
    steps_are(path_to(p, "paused"), "power play pause");
    steps_are(path_to(p, "settings"), "power menu");
    steps_are(path_to(p, "quiet"), "power menu");
    steps_are(path_to(p, "loud"), "power menu louder");
    steps_are(path_to(p, "bright"), "power menu brighter");
    steps_are(path_to(p, "done"), "eject");
    ck_assert_uint_eq(p->npaths, 13); /* every state but the root and the history state */
    ck_assert_uint_eq(p->nmissing, 0);
    for (size_t i = 0; i < p->npaths; i++) {
        dk_sm_t *m = replay(d, &p->paths[i]);
        ck_assert_msg(dk_sm_in(m, p->paths[i].target), "%s", p->paths[i].target);
        dk_sm_free(m);
    }
    dk_sm_paths_free(p);
    dk_sm_def_free(d);
}
END_TEST

START_TEST(covering_paths_take_every_transition_but_the_shadowed_one)
{
    dk_sm_def_t *d = player();
    dk_error err;
    dk_sm_paths *p;
    ck_assert_int_eq(dk_sm_covering_paths(d, &p, &err), DK_OK);
    ck_assert_uint_eq(p->nuncovered, 1);
    ck_assert_int_eq(p->uncovered[0], 6);
    /* Replayed on the original, the paths take every other transition; each path's `covers`
     * lists only transitions it takes. */
    unsigned char all[64] = {0};
    size_t ncovers = 0;
    for (size_t i = 0; i < p->npaths; i++) {
        memset(taken, 0, sizeof taken);
        dk_sm_free(replay(d, &p->paths[i]));
        for (size_t k = 0; k < p->paths[i].ncovers; k++)
            ck_assert(taken[p->paths[i].covers[k]]);
        ncovers += p->paths[i].ncovers;
        for (int k = 0; k < ntrans; k++)
            all[k] |= taken[k];
    }
    for (int k = 0; k < ntrans; k++)
        ck_assert_msg(all[k] == (k != 6), "transition %d", k);
    ck_assert_uint_eq(ncovers, (size_t)ntrans - 1);
    ck_assert_uint_le(p->npaths, (size_t)ntrans - 1);
    dk_sm_paths_free(p);
    dk_sm_def_free(d);
}
END_TEST

START_TEST(unreachable_states_are_missing)
{
    dk_error err;
    dk_sm_def_t *d = dk_sm_def_new("m", &err);
    state(d, NULL, "a", DK_SM_STATE, NULL);
    state(d, NULL, "island", DK_SM_STATE, NULL);
    ck_assert_int_eq(dk_sm_def_initial(d, NULL, "a", &err), DK_OK);
    add(d, "island", "x", "a", 0, 0);
    ck_assert_int_eq(dk_sm_def_seal(d, &err), DK_OK);
    dk_sm_paths *p;
    ck_assert_int_eq(dk_sm_shortest_paths(d, &p, &err), DK_OK);
    ck_assert_uint_eq(p->npaths, 1);
    ck_assert_uint_eq(p->nmissing, 1);
    ck_assert_str_eq(p->missing[0], "island");
    dk_sm_paths_free(p);
    ck_assert_int_eq(dk_sm_covering_paths(d, &p, &err), DK_OK);
    ck_assert_uint_eq(p->npaths, 0);
    ck_assert_uint_eq(p->nuncovered, 1);
    dk_sm_paths_free(p);
    dk_sm_def_free(d);
}
END_TEST

START_TEST(unsealed_definitions_are_refused)
{
    dk_error err;
    dk_sm_def_t *d = dk_sm_def_new("m", &err);
    dk_sm_paths *p;
    char *text;
    ck_assert_int_eq(dk_sm_shortest_paths(d, &p, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sm_mermaid(d, &text, &err), DK_EINVAL);
    ck_assert_int_eq(dk_sm_scxml(d, &text, NULL, &err), DK_EINVAL);
    dk_sm_def_free(d);
}
END_TEST

/* Out of memory at allocations spread over each call (every one of the first, then sparser, so
 * the test stays short): DK_ENOMEM or success, nothing leaked (ASan). */
START_TEST(running_out_of_memory_is_reported)
{
    dk_sm_def_t *d = player();
    dk_error err;
    int done = 0;
    for (long n = 0; !done && n < 100000; n += 1 + n / 8) {
        dk_sm_paths *p = NULL, *c = NULL;
        char *mermaid = NULL, *scxml = NULL, *left = NULL;
        dk_sm_def_t *back = NULL;
        dk_alloc_fail_after(n);
        /* The cheap calls first, so that the dense start of the sweep reaches them all. */
        dk_status r3 = dk_sm_mermaid(d, &mermaid, &err);
        dk_status r4 = dk_sm_scxml(d, &scxml, &left, &err);
        if (r4 == DK_OK) {
            back = dk_sm_from_scxml(scxml, &err);
            if (back == NULL)
                ck_assert_int_eq(err.status, DK_ENOMEM);
        }
        dk_status r1 = dk_sm_shortest_paths(d, &p, &err);
        dk_status r2 = dk_sm_covering_paths(d, &c, &err);
        dk_alloc_fail_after(-1);
        dk_status rs[] = {r1, r2, r3, r4};
        for (int i = 0; i < 4; i++)
            ck_assert(rs[i] == DK_OK || rs[i] == DK_ENOMEM);
        done = r1 == DK_OK && r2 == DK_OK && r3 == DK_OK && r4 == DK_OK && back != NULL;
        dk_sm_paths_free(p);
        dk_sm_paths_free(c);
        dk_free(mermaid);
        dk_free(scxml);
        dk_free(left);
        dk_sm_def_free(back);
    }
    ck_assert(done);
    dk_sm_def_free(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("statemachine export");
    TCase *tc = tcase_create("export");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dot_draws_clusters_points_and_labelled_arrows);
    tcase_add_test(tc, dot_refuses_an_id_it_cannot_spell);
    tcase_add_test(tc, mermaid_nests_composites_and_separates_regions);
    tcase_add_test(tc, scxml_reads_back_a_machine_that_behaves_the_same);
    tcase_add_test(tc, scxml_reads_the_subset_and_its_defaults);
    tcase_add_test(tc, scxml_refuses_bad_text_naming_the_line);
    tcase_add_test(tc, shortest_paths_reach_every_state);
    tcase_add_test(tc, covering_paths_take_every_transition_but_the_shadowed_one);
    tcase_add_test(tc, unreachable_states_are_missing);
    tcase_add_test(tc, unsealed_definitions_are_refused);
    tcase_add_test(tc, running_out_of_memory_is_reported);
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

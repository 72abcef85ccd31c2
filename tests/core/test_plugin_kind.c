/* areas: base patterns model sim export kinds */
/* test_plugin_kind.c - a kind that exists only here, registered at run time: the model, the
 * rules, model JSON, the simulator and the drawing take it with no change of their own. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/draw.h"
#include "designkit/model.h"
#include "designkit/model_json.h"
#include "designkit/sim.h"
#include "designkit/units.h"

/* ---- the widget: a station of `servers` workers taking `time` per request ---- */

enum { SERVERS, TIME };

static const dk_prop_info widget_props[] = {
    [SERVERS] = {"servers", DK_PROP_INT, 1, 1e6, NULL, "requests served at once", 1, "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, 1e18, NULL, "time to serve one request", 1e6, "1ms",
              DK_PROP_F_DURATIONS},
};

/* "3 servers, 5ms" */
static void widget_detail(const dk_comp_t *c, char *buf, size_t size)
{
    char t[32];

    dk_format_duration((int64_t)dk_comp_number(c, TIME), t, sizeof t);
    snprintf(buf, size, "%u servers, %s", (unsigned)dk_comp_count(c, SERVERS), t);
}

static dk_actor_t *widget_build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {.servers = dk_comp_count(c, SERVERS),
                             .service = dk_comp_dist(c, TIME)};
    return dk_sim_add_station(sim, dk_comp_name(c), "widget", &cfg, err);
}

/* Calls each of `n` components in order: the flow of a call route and of the default. */
static dk_status call_each(dk_sim_t *sim, dk_actor_t *self, uint32_t cls, dk_comp_t *const *to,
                           size_t n, dk_error *err)
{
    dk_actor_t *t[8];
    dk_flow f;
    dk_status st;

    if (n > 8)
        return dk_error_set(err, DK_EINVAL, "widget: at most 8 targets");
    for (size_t i = 0; i < n; i++)
        t[i] = dk_sim_actor(sim, dk_comp_index(to[i]));
    st = dk_flow_call_each(t, n, &f);
    if (st != DK_OK)
        return dk_error_set(err, st, "widget: %s", dk_strerror(st));
    return dk_station_route(self, cls, f, err);
}

/* Call routes become flows of their class; with no "*" route, a widget calls its links. */
static dk_status widget_wire(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_actor_t *self = dk_sim_actor(sim, dk_comp_index(c));
    dk_comp_t *links[8];
    size_t nlinks = dk_comp_out_count(c);
    int has_default = 0;

    for (size_t i = 0; i < dk_comp_route_count(c); i++) {
        const dk_route *r = dk_comp_route(c, i);
        uint32_t cls = UINT32_MAX;
        dk_status st;
        if (r->kind != DK_ROUTE_CALL)
            return dk_error_set(err, DK_EUNSUPPORTED, "widget \"%s\": only call routes",
                                dk_comp_name(c));
        if (strcmp(r->cls, "*") == 0)
            has_default = 1;
        else if (dk_sim_add_class(sim, r->cls, &cls) != DK_OK)
            return dk_error_set(err, DK_ENOMEM, "widget \"%s\": out of memory", dk_comp_name(c));
        st = call_each(sim, self, cls, r->targets, r->ntargets, err);
        if (st != DK_OK)
            return st;
    }
    if (has_default || nlinks == 0)
        return DK_OK;
    for (size_t i = 0; i < nlinks && i < 8; i++)
        links[i] = dk_comp_out(c, i);
    return call_each(sim, self, UINT32_MAX, links, nlinks, err);
}

static const dk_kind_desc widget = {
    .kind =
        {
            .name = "widget",
            .doc = "a test's own kind: a station of servers",
            .props = widget_props,
            .nprops = sizeof widget_props / sizeof widget_props[0],
            .traits = DK_TRAIT_ROUTES,
            .replicas_prop = -1,
            .shape = "octagon",
            .style = "dashed",
            .detail = widget_detail,
        },
    .build = widget_build,
    .wire = widget_wire,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION),
};

/* ---- helpers ---- */

static dk_error err;

static void setup(void)
{
    dk_error_clear(&err);
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        dk_status st_ = (call);                                                                    \
        ck_assert_msg(st_ == DK_OK, "%s: %s", #call, err.message);                                 \
    } while (0)

/* Asserts that a setter failed with `st` and exactly `msg`. */
#define FAILS(call, st, msg)                                                                       \
    do {                                                                                           \
        ck_assert_int_eq((call), (st));                                                            \
        ck_assert_int_eq(err.status, (st));                                                        \
        ck_assert_str_eq(err.message, (msg));                                                      \
    } while (0)

static dk_comp_t *add(dk_model_t *m, const dk_kind *kind, const char *name)
{
    dk_comp_t *c = dk_model_add(m, NULL, kind, name, &err);
    ck_assert_msg(c != NULL, "%s", err.message);
    return c;
}

/* ---- the registry ---- */

START_TEST(widget_is_registered)
{
    ck_assert_uint_eq(dk_kinds_count(), 12); /* the eleven built in, then it */
    ck_assert_ptr_eq(dk_kinds_at(11), &widget);
    ck_assert_ptr_eq(dk_kinds_find("widget", &err), &widget.kind);
    ck_assert_ptr_eq(dk_kinds_desc(&widget.kind), &widget);
    ck_assert_ptr_null(dk_kinds_find("gadget", &err));
    ck_assert_str_eq(err.message,
                     "unknown component kind \"gadget\" (use client, gateway, guard, balancer, "
                     "service, cache, cdn, database, sharded_database, queue, topic, "
                     "widget)");
    ck_assert_int_eq(dk_kinds_register(&widget, &err), DK_EEXIST);
}
END_TEST

/* ---- the model ---- */

START_TEST(model_holds_widgets)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *w = add(m, &widget.kind, "w");

    ck_assert_ptr_eq(dk_comp_kind(w), &widget.kind);
    ck_assert_ptr_eq(dk_model_find(m, "w"), w);
    ck_assert_int_eq(P(w, "servers"), SERVERS);
    ck_assert_int_eq(P(w, "time"), TIME);
    ck_assert_int_eq(dk_kind_prop_id(dk_comp_kind(w), "replicas"), -1);
    /* defaults from its schema */
    ck_assert_double_eq(dk_comp_number(w, SERVERS), 1);
    ck_assert_int_eq(dk_comp_is_set(w, SERVERS), 0);
    ck_assert_int_eq(dk_dist_kind_of(dk_comp_dist(w, TIME)), DK_DIST_CONSTANT);
    ck_assert_double_eq(dk_dist_mean(dk_comp_dist(w, TIME)), 1e6);
    /* values through its schema */
    OK(dk_comp_set_number(w, "servers", 3, &err));
    OK(dk_comp_set_text(w, "time", "5ms", &err));
    ck_assert_uint_eq(dk_comp_count(w, SERVERS), 3);
    ck_assert_double_eq(dk_comp_number(w, TIME), 5e6);
    ck_assert_int_eq(dk_comp_is_set(w, SERVERS), 1);
    OK(dk_model_link(m, users, w, NULL, &err));
    ck_assert_uint_eq(dk_comp_out_count(users), 1);
    dk_model_free(m);
}
END_TEST

START_TEST(bad_values_are_named)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *w = add(m, &widget.kind, "w");
    const char *cls[] = {"a"};
    const double wt[] = {1};

    FAILS(dk_comp_set_number(w, "servers", -5, &err), DK_ERANGE,
          "widget \"w\": servers must be a positive integer (got -5)");
    FAILS(dk_comp_set_number(w, "servers", 2.5, &err), DK_EINVAL,
          "widget \"w\": servers must be a positive integer (got 2.5)");
    FAILS(dk_comp_set_number(w, "servers", 2e6, &err), DK_ERANGE,
          "widget \"w\": servers must be an integer from 1 to 1000000 (got 2000000)");
    FAILS(dk_comp_set_text(w, "servers", "many", &err), DK_EPARSE,
          "widget \"w\": servers must be a number (got \"many\")");
    FAILS(dk_comp_set_number(w, "time", -5, &err), DK_ERANGE,
          "widget \"w\": time must not be negative (got -5ns)");
    FAILS(dk_comp_set_number(w, "replicas", 2, &err), DK_ENOTFOUND,
          "widget \"w\": unknown option \"replicas\" (valid: servers, time)");
    FAILS(dk_comp_set_mix(w, "servers", cls, wt, 1, &err), DK_EINVAL,
          "widget \"w\": servers is not a mix of request classes");
    ck_assert_double_eq(dk_comp_number(w, SERVERS), 1); /* unchanged */
    ck_assert_int_eq(dk_comp_is_set(w, SERVERS), 0);
    ck_assert_double_eq(dk_comp_number(w, TIME), 1e6);
    dk_model_free(m);
}
END_TEST

/* ---- model JSON ---- */

static dk_model_t *widget_model(void)
{
    dk_model_t *m = dk_model_new("plant", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *w = add(m, &widget.kind, "w");
    dk_comp_t *db = add(m, K_DATABASE, "db");

    OK(dk_comp_set_number(w, "servers", 3, &err));
    OK(dk_comp_set_dist(w, "time", dk_dist_exponential(5e6, NULL), &err));
    OK(dk_model_link(m, users, w, NULL, &err));
    OK(dk_model_link(m, w, db, NULL, &err));
    return m;
}

static char *to_json(const dk_model_t *m)
{
    char *json = NULL;
    OK(dk_model_to_json(m, &json, NULL, &err));
    return json;
}

START_TEST(json_round_trip)
{
    dk_model_t *m = widget_model();
    char *a = to_json(m);
    cJSON *root = cJSON_Parse(a);
    cJSON *c1 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "components"), 1);
    cJSON *props = cJSON_GetObjectItem(c1, "properties");

    ck_assert_str_eq(cJSON_GetObjectItem(c1, "name")->valuestring, "w");
    ck_assert_str_eq(cJSON_GetObjectItem(c1, "kind")->valuestring, "widget");
    ck_assert_double_eq(cJSON_GetObjectItem(props, "servers")->valuedouble, 3);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(props, "time"));
    cJSON_Delete(root);

    dk_model_t *b = dk_model_from_json(a, strlen(a), "x.json", dk_kinds_find, &err);
    ck_assert_msg(b != NULL, "%s", err.message);
    dk_comp_t *w = dk_model_find(b, "w");
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_eq(dk_comp_kind(w), &widget.kind);
    ck_assert_double_eq(dk_comp_number(w, SERVERS), 3);
    ck_assert(dk_dist_equal(dk_comp_dist(w, TIME), dk_comp_dist(dk_model_find(m, "w"), TIME)));
    char *c = to_json(b);
    ck_assert_str_eq(a, c);
    dk_free(a);
    dk_free(c);
    dk_model_free(b);
    dk_model_free(m);
}
END_TEST

#define HEAD "{\"designkit\":\"model\",\"version\":1,\"name\":\"m\","

static void expect_json_error(const char *text, const char *message)
{
    dk_error_clear(&err);
    ck_assert_ptr_null(dk_model_from_json(text, strlen(text), "x.json", dk_kinds_find, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message, message);
}

START_TEST(json_bad_values_are_named)
{
    expect_json_error(HEAD "\"components\":[{\"name\":\"w\",\"kind\":\"widget\","
                           "\"properties\":{\"servers\":-5}}]}",
                      "x.json: components[0] (widget \"w\"): servers must be a positive integer "
                      "(got -5)");
    expect_json_error(HEAD "\"components\":[{\"name\":\"w\",\"kind\":\"widget\","
                           "\"properties\":{\"server\":2}}]}",
                      "x.json: components[0] (widget \"w\"): unknown property \"server\"; did you "
                      "mean \"servers\"? (use servers, time)");
    expect_json_error(
        HEAD "\"components\":[{\"name\":\"w\",\"kind\":\"widgte\"}]}",
        "x.json: components[0] (\"w\"): unknown component kind \"widgte\" (use "
        "client, gateway, guard, balancer, service, cache, cdn, database, sharded_database, "
        "queue, topic, widget)");
}
END_TEST

/* ---- the rules ---- */

/* A finding with `rule` about `component`, or NULL. */
static const dk_finding *finding(const dk_findings_t *f, const char *rule, const char *component)
{
    for (size_t i = 0; i < dk_findings_count(f); i++) {
        const dk_finding *x = dk_findings_at(f, i);
        if (strcmp(x->rule, rule) == 0 && x->component != NULL &&
            strcmp(x->component, component) == 0)
            return x;
    }
    return NULL;
}

/* users -> api -> w, and a widget nothing reaches. Every path from users goes through the
 * single-instance api and through w. The spof rule counts only kinds with an instance count
 * (replicas_prop >= 0, as for a queue): the widget has none, so only api is flagged. */
START_TEST(rules_apply_to_widgets)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *api = add(m, K_SERVICE, "api");
    dk_comp_t *w = add(m, &widget.kind, "w");
    dk_status st;

    add(m, &widget.kind, "spare");
    OK(dk_model_link(m, users, api, NULL, &err));
    OK(dk_model_link(m, api, w, NULL, &err));
    dk_findings_t *f = dk_model_validate(m, &st);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(dk_findings_count(f), 2);
    ck_assert_uint_eq(dk_findings_errors(f), 0);
    const dk_finding *x = dk_findings_at(f, 0);
    ck_assert_str_eq(x->rule, "spof");
    ck_assert_str_eq(x->component, "api");
    x = dk_findings_at(f, 1);
    ck_assert_str_eq(x->rule, "unreachable");
    ck_assert_str_eq(x->component, "spare");
    ck_assert_str_eq(x->message, "widget \"spare\" is not reached by any client");
    ck_assert_ptr_null(finding(f, "spof", dk_comp_name(w)));
    dk_findings_free(f);
    dk_model_free(m);
}
END_TEST

/* A widget is not asynchronous: widgets calling each other wait on each other. */
START_TEST(widgets_in_a_cycle_are_a_sync_cycle)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *w1 = add(m, &widget.kind, "w1");
    dk_comp_t *w2 = add(m, &widget.kind, "w2");
    dk_status st;

    OK(dk_model_link(m, users, w1, NULL, &err));
    OK(dk_model_link(m, w1, w2, NULL, &err));
    OK(dk_model_link(m, w2, w1, NULL, &err));
    dk_findings_t *f = dk_model_validate(m, &st);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(dk_findings_errors(f), 1);
    const dk_finding *x = finding(f, "sync-cycle", "w1");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->severity, DK_SEV_ERROR);
    ck_assert_str_eq(x->message, "synchronous call cycle: w1 -> w2 -> w1");
    dk_findings_free(f);
    dk_model_free(m);
}
END_TEST

/* ---- the simulator ---- */

/* users (Poisson, 100/s) -> w (1 server, 5ms constant): an M/D/1 station at load 0.5. */
START_TEST(traffic_runs_through_a_widget)
{
    const double rate = 100, service_s = 5e-3, secs = 60;
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *w = add(m, &widget.kind, "w");
    dk_metrics mx;
    double u, tput;

    OK(dk_comp_set_number(users, "rate", rate, &err));
    OK(dk_comp_set_text(w, "time", "5ms", &err));
    OK(dk_model_link(m, users, w, NULL, &err));
    dk_sim_t *sim = dk_model_build_sim(m, 42, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_run(sim, (dk_time_t)secs * DK_SEC, 0, NULL, NULL), DK_OK);

    dk_actor_t *a = dk_sim_actor(sim, dk_comp_index(w));
    ck_assert_ptr_eq(a, dk_sim_find_actor(sim, "w"));
    ck_assert_str_eq(dk_actor_kind(a), "widget");
    const dk_actor_stats *s = dk_actor_get_stats(a);
    ck_assert_uint_eq(s->servers, 1);
    /* arrivals: Poisson with mean rate * secs; five standard deviations */
    double n = rate * secs;
    ck_assert_msg(fabs((double)s->arrivals - n) <= 5 * sqrt(n), "arrivals %llu, expected %.0f",
                  (unsigned long long)s->arrivals, n);
    ck_assert_uint_gt(s->completed, 0);
    ck_assert_uint_eq(s->rejected + s->failed, 0);

    dk_time_t end = dk_sim_end_time(sim);
    dk_actor_metrics(a, end, &mx);
    ck_assert_int_eq(dk_metrics_get(&mx, DK_METRIC_UTILISATION, &u), 1);
    ck_assert_int_eq(dk_metrics_get(&mx, DK_METRIC_THROUGHPUT, &tput), 1);
    /* offered load over capacity: rate x time / servers = 0.5, within five standard deviations
     * of a Poisson count over the run (sd of the load = 0.5 / sqrt(rate x secs)) */
    double rho = rate * service_s / 1, tol = 5 * rho / sqrt(rate * secs);
    ck_assert_msg(fabs(u - rho) <= tol, "utilisation %.4f, expected %.4f +- %.4f", u, rho, tol);
    /* and exactly what the finished calls kept the server busy for, plus at most the one in
     * service when the run stopped */
    double span = (double)end / 1e9;
    double lo = (double)s->completed * service_s / span;
    double hi = (double)(s->completed + 1) * service_s / span;
    ck_assert_msg(u >= lo - 1e-9 && u <= hi + 1e-9, "utilisation %.6f outside [%.6f, %.6f]", u, lo,
                  hi);
    ck_assert_double_eq_tol(tput, (double)s->completed / span, 1e-9);
    /* every root call was served by the widget */
    const dk_class_stats *cs = dk_sim_class_stats(sim, 0);
    ck_assert_uint_gt(cs->completed, 0);
    ck_assert_uint_le(cs->completed, s->completed);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

/* The descriptor's wire connects a widget to what it calls: its links by default, a call
 * route for its class. */
START_TEST(wire_connects_links_and_routes)
{
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");
    dk_comp_t *w = add(m, &widget.kind, "w");
    dk_comp_t *db = add(m, K_DATABASE, "db");
    dk_comp_t *audit = add(m, K_DATABASE, "audit");
    const char *cls[] = {"read", "write"};
    const double wt[] = {1, 1};

    OK(dk_comp_set_mix(users, "mix", cls, wt, 2, &err));
    OK(dk_comp_set_number(w, "servers", 8, &err));
    OK(dk_model_link(m, users, w, NULL, &err));
    OK(dk_model_link(m, w, db, NULL, &err));
    dk_route r = {.cls = "write", .kind = DK_ROUTE_CALL, .targets = {db, audit}, .ntargets = 2};
    OK(dk_comp_set_route(w, &r, &err));
    dk_sim_t *sim = dk_model_build_sim(m, 7, &err);
    ck_assert_msg(sim != NULL, "%s", err.message);
    ck_assert_int_eq(dk_sim_run(sim, 10 * DK_SEC, 0, NULL, NULL), DK_OK);

    const dk_actor_stats *ws = dk_actor_get_stats(dk_sim_actor(sim, dk_comp_index(w)));
    const dk_actor_stats *ds = dk_actor_get_stats(dk_sim_actor(sim, dk_comp_index(db)));
    const dk_actor_stats *as = dk_actor_get_stats(dk_sim_actor(sim, dk_comp_index(audit)));
    /* every call the widget finished went to db first; the writes went on to audit */
    ck_assert_uint_ge(ds->arrivals, ws->completed);
    ck_assert_uint_le(ds->arrivals, ws->arrivals);
    ck_assert_uint_gt(as->arrivals, 0);
    ck_assert_uint_lt(as->arrivals, ds->arrivals);
    ck_assert_uint_eq(dk_sim_link_calls(dk_sim_actor(sim, dk_comp_index(w)),
                                        dk_sim_actor(sim, dk_comp_index(db))),
                      ds->arrivals);
    dk_sim_free(sim);
    dk_model_free(m);
}
END_TEST

/* The simulator finds a kind's build through the registry: an equal copy of the widget that
 * was never registered can be modelled and drawn, but not run. */
START_TEST(unregistered_kind_cannot_run)
{
    static dk_kind copy;
    dk_model_t *m = dk_model_new("m", NULL);
    dk_comp_t *users = add(m, K_CLIENT, "users");

    copy = widget.kind;
    dk_comp_t *w = add(m, &copy, "w");
    OK(dk_model_link(m, users, w, NULL, &err));
    ck_assert_ptr_null(dk_kinds_desc(&copy));
    ck_assert_ptr_null(dk_model_build_sim(m, 1, &err));
    ck_assert_int_eq(err.status, DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "widget \"w\": kind \"widget\" is not registered, so it cannot run");
    dk_model_free(m);
}
END_TEST

/* ---- the drawing ---- */

START_TEST(drawn_with_its_shape_and_detail)
{
    dk_model_t *m = widget_model();
    char *dot = NULL;
    size_t len = 0;

    OK(dk_comp_set_text(dk_model_find(m, "w"), "time", "5ms", &err));
    OK(dk_draw_render(m, NULL, DK_DRAW_DOT, &dot, &len, &err));
    ck_assert_ptr_nonnull(dot);
    const char *node = strstr(dot, "\tw\t[");
    ck_assert_msg(node != NULL, "%s", dot);
    const char *end = strchr(node, ']');
    ck_assert_ptr_nonnull(end);
    const char *shape = strstr(node, "shape=octagon");
    const char *style = strstr(node, "style=dashed");
    const char *label = strstr(node, "label=\"w\\nwidget\\n3 servers, 5ms\"");
    ck_assert_msg(shape != NULL && shape < end, "no octagon on w: %s", dot);
    ck_assert_msg(style != NULL && style < end, "w is not dashed: %s", dot);
    ck_assert_msg(label != NULL && label < end, "w's label lacks its detail: %s", dot);
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

static Suite *plugin_suite(void)
{
    Suite *s = suite_create("plugin_kind");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, widget_is_registered);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, model_holds_widgets);
    tcase_add_test(tc, bad_values_are_named);
    tcase_add_test(tc, json_round_trip);
    tcase_add_test(tc, json_bad_values_are_named);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, rules_apply_to_widgets);
    tcase_add_test(tc, widgets_in_a_cycle_are_a_sync_cycle);
    suite_add_tcase(s, tc);
    tc = tcase_create("sim");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60); /* generous for sanitizers */
    tcase_add_test(tc, traffic_runs_through_a_widget);
    tcase_add_test(tc, wire_connects_links_and_routes);
    tcase_add_test(tc, unregistered_kind_cannot_run);
    suite_add_tcase(s, tc);
    tc = tcase_create("draw");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, drawn_with_its_shape_and_detail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    dk_error e;
    int failed;

    /* Registered once, before any model is made, as a plug-in would be. */
    if (dk_kinds_register(&widget, &e) != DK_OK) {
        fprintf(stderr, "register widget: %s\n", e.message);
        return EXIT_FAILURE;
    }
    sr = srunner_create(plugin_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

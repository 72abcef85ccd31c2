/* areas: base patterns model sim export kinds */
/* test_dot_overlay.c - what a run adds to a drawing (issue 6): nested groups lay out without
 * Graphviz's double free, errors are outlined, idle links carry no percentile, widths follow
 * rates, a legend explains it all, and every edge is labelled in both drawings. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/export.h"
#include "designkit/model.h"

/* tests/cli/fixtures/nested_groups.lua, built in C: a region holding a zone, the balancer and
 * the cache inside the zone, so requests leave the zone (lb -> api) and come back (api ->
 * cache, orders -> sessions). Components: users lb api cache db sessions orders archive.
 * Links: users>lb lb>api api>cache api>db orders>sessions api>orders api>archive. */
enum { USERS, LB, API, CACHE, DB, SESSIONS, ORDERS, ARCHIVE, NCOMP };
enum { L_USERS_LB, L_LB_API, L_API_CACHE, L_API_DB, L_ORDERS_SESSIONS, L_API_ORDERS, NLINK = 7 };

static dk_model_t *nested_model(void)
{
    dk_error err;
    dk_model_t *m = dk_model_new("nested", &err);
    dk_group_t *region = dk_model_add_group(m, NULL, "us-east", "region", &err);
    dk_group_t *zone = dk_model_add_group(m, region, "us-east-1a", "zone", &err);
    dk_comp_t *c[NCOMP];
    c[USERS] = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    c[LB] = dk_model_add(m, zone, K_BALANCER, "lb", &err);
    c[API] = dk_model_add(m, region, K_SERVICE, "api", &err);
    c[CACHE] = dk_model_add(m, zone, K_CACHE, "cache", &err);
    c[DB] = dk_model_add(m, region, K_DATABASE, "db", &err);
    c[SESSIONS] = dk_model_add(m, zone, K_DATABASE, "sessions", &err);
    c[ORDERS] = dk_model_add(m, region, K_DATABASE, "orders", &err);
    c[ARCHIVE] = dk_model_add(m, NULL, K_DATABASE, "archive", &err);
    for (int i = 0; i < NCOMP; i++)
        ck_assert_msg(c[i] != NULL, "component %d: %s", i, err.message);
    const int links[NLINK][2] = {{USERS, LB},        {LB, API},     {API, CACHE},  {API, DB},
                                 {ORDERS, SESSIONS}, {API, ORDERS}, {API, ARCHIVE}};
    for (int i = 0; i < NLINK; i++)
        ck_assert_int_eq(dk_model_link(m, c[links[i][0]], c[links[i][1]], NULL, &err), DK_OK);
    return m;
}

static char *render(const dk_model_t *m, const dk_draw_overlay *ov, dk_draw_format fmt)
{
    char *data = NULL;
    size_t len;
    dk_error err;
    dk_status st = dk_draw_render(m, ov, fmt, &data, &len, &err);
    ck_assert_msg(st == DK_OK, "render: %s", err.message);
    ck_assert_ptr_nonnull(data);
    return data;
}

/* The DOT statement (up to its closing bracket) that starts with `head`, as "api -> db".
 * Graphviz's canonical output indents with tabs and puts a tab before the attributes. */
static const char *statement(const char *dot, const char *head, char *buf, size_t size)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\t%s\t[", head);
    const char *at = strstr(dot, pattern);
    ck_assert_msg(at != NULL, "no statement \"%s\" in:\n%s", head, dot);
    const char *end = strchr(at, ']');
    ck_assert_ptr_nonnull(end);
    size_t n = (size_t)(end - at) < size - 1 ? (size_t)(end - at) : size - 1;
    memcpy(buf, at, n);
    buf[n] = '\0';
    return buf;
}

#define HAS(s, needle) ck_assert_msg(strstr((s), (needle)) != NULL, "no %s in: %s", (needle), (s))
#define HAS_NOT(s, needle)                                                                         \
    ck_assert_msg(strstr((s), (needle)) == NULL, "unwanted %s in: %s", (needle), (s))

/* The overlay of a run of the nested design, its rates scaled by `scale` (label widths change
 * with the figures, and so did where Graphviz 2.42's heap broke). */
typedef struct run_figures {
    double util[NCOMP], errors[NCOMP], rate[NLINK], p99[NLINK];
    dk_draw_overlay ov;
} run_figures;

static void nested_figures(run_figures *r, double scale)
{
    const double util[NCOMP] = {-1, -1, 0.03, -1, 0.002, 0, 0, 0};
    const double rate[NLINK] = {202.3, 202.3, 186.7, 16, 0, 0, 0};
    const double p99[NLINK] = {11.3e6, 11.3e6, 2e5, 14.12e6, -1, -1, -1};
    for (int i = 0; i < NCOMP; i++) {
        r->util[i] = util[i];
        r->errors[i] = util[i] >= 0 ? 0 : -1;
    }
    for (int i = 0; i < NLINK; i++) {
        r->rate[i] = rate[i] * scale;
        r->p99[i] = p99[i] >= 0 ? p99[i] * scale : -1;
    }
    r->ov = (dk_draw_overlay){r->util, r->rate, r->p99, r->errors};
}

/* ---- the double free ---- */

START_TEST(nested_groups_draw_after_a_run)
{
    dk_model_t *m = nested_model();
    const double scales[] = {1, 0.37, 3.3, 10, 1000};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        run_figures r;
        nested_figures(&r, scales[i]);
        /* Under AddressSanitizer a double free in gvFreeLayout stops the test here. */
        char *svg = render(m, &r.ov, DK_DRAW_SVG);
        HAS(svg, "</svg>");
        dk_free(svg);
        char *dot = render(m, &r.ov, DK_DRAW_DOT);
        HAS(dot, "newrank=true");
        dk_free(dot);
    }
    dk_model_free(m);
}
END_TEST

/* ---- what the run adds ---- */

START_TEST(idle_links_have_a_rate_and_no_percentile)
{
    dk_model_t *m = nested_model();
    run_figures r;
    char buf[512];
    nested_figures(&r, 1);
    r.p99[L_API_ORDERS] = 9e6; /* the callee's p99 from other callers: not this link's */
    char *dot = render(m, &r.ov, DK_DRAW_DOT);
    const char *idle = statement(dot, "api -> orders", buf, sizeof buf);
    HAS(idle, "label=\"0/s\"");
    HAS_NOT(idle, "p99");
    HAS(idle, "color=\"#9e9e9e\"");
    HAS(statement(dot, "orders -> sessions", buf, sizeof buf), "label=\"0/s\"");
    const char *busy = statement(dot, "lb -> api", buf, sizeof buf);
    HAS(busy, "label=\"202.3/s \xC2\xB7 p99 11.3ms\"");
    HAS_NOT(busy, "#9e9e9e");
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

START_TEST(widths_follow_the_rates)
{
    dk_model_t *m = nested_model();
    run_figures r;
    char buf[512];
    nested_figures(&r, 1);
    r.rate[L_API_CACHE] = 202.3 / 2;
    char *dot = render(m, &r.ov, DK_DRAW_DOT);
    /* 1 + 3 * rate / busiest: 4 for the busiest, 2.5 for half of it */
    HAS(statement(dot, "users -> lb", buf, sizeof buf), "penwidth=4.00");
    HAS(statement(dot, "api -> cache", buf, sizeof buf), "penwidth=2.50");
    HAS_NOT(statement(dot, "api -> orders", buf, sizeof buf), "penwidth");
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

START_TEST(errors_are_outlined_in_red)
{
    dk_model_t *m = nested_model();
    run_figures r;
    char buf[512];
    nested_figures(&r, 1);
    r.errors[API] = 0.2549; /* 25% */
    r.errors[DB] = 0.001;   /* too small to round to 1%, not nothing */
    r.errors[ORDERS] = 0;   /* nothing lost */
    r.errors[LB] = 0.5;     /* a component with no utilisation can lose calls too */
    char *dot = render(m, &r.ov, DK_DRAW_DOT);
    const char *api = statement(dot, "api", buf, sizeof buf);
    HAS(api, "\\nutil 3%\\nerrors 25%\"");
    HAS(api, "color=\"#d7191c\"");
    HAS(api, "penwidth=3");
    HAS(api, "fillcolor=\"#a6d96a\""); /* the fill stays the utilisation's */
    HAS(statement(dot, "db", buf, sizeof buf), "\\nerrors <1%\"");
    const char *orders = statement(dot, "orders", buf, sizeof buf);
    HAS_NOT(orders, "errors");
    HAS_NOT(orders, "#d7191c");
    HAS(statement(dot, "lb", buf, sizeof buf), "errors 50%");
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

START_TEST(a_legend_explains_the_colours)
{
    dk_model_t *m = nested_model();
    run_figures r;
    nested_figures(&r, 1);
    char *after = render(m, &r.ov, DK_DRAW_SVG);
    const char *bands[] = {"#a6d96a", "#ffe066", "#fdae61", "#f46d43"};
    char fill[32];
    for (size_t i = 0; i < 4; i++) {
        snprintf(fill, sizeof fill, "fill=\"%s\"", bands[i]);
        HAS(after, fill);
    }
    HAS(after, ">nested</text>"); /* the title heads the legend */
    HAS(after, "red outline");
    HAS(after, "no traffic");
    HAS(after, "p99 of the callee");
    char *before = render(m, NULL, DK_DRAW_SVG);
    HAS(before, ">nested</text>");
    HAS_NOT(before, "red outline");
    HAS_NOT(before, "#ffe066");
    dk_free(after);
    dk_free(before);
    dk_model_free(m);
}
END_TEST

/* dot orders a labelled edge's label as a node of its own: a drawing before a run must label
 * every edge, as the drawing after one does, for the two to be laid out alike. */
START_TEST(every_edge_is_labelled_in_both_drawings)
{
    dk_model_t *m = nested_model();
    run_figures r;
    nested_figures(&r, 1);
    char *drawings[2] = {render(m, NULL, DK_DRAW_DOT), render(m, &r.ov, DK_DRAW_DOT)};
    const char *edges[NLINK] = {"users -> lb",        "lb -> api",     "api -> cache",  "api -> db",
                                "orders -> sessions", "api -> orders", "api -> archive"};
    char buf[512];
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < NLINK; i++)
            HAS(statement(drawings[d], edges[i], buf, sizeof buf), "label=");
    HAS(statement(drawings[0], "users -> lb", buf, sizeof buf), "label=\" \"");
    dk_free(drawings[0]);
    dk_free(drawings[1]);
    dk_model_free(m);
}
END_TEST

static Suite *overlay_suite(void)
{
    Suite *s = suite_create("dot_overlay");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, nested_groups_draw_after_a_run);
    tcase_add_test(tc, every_edge_is_labelled_in_both_drawings);
    suite_add_tcase(s, tc);

    tc = tcase_create("figures");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, idle_links_have_a_rate_and_no_percentile);
    tcase_add_test(tc, widths_follow_the_rates);
    tcase_add_test(tc, errors_are_outlined_in_red);
    tcase_add_test(tc, a_legend_explains_the_colours);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(overlay_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* areas: base patterns model sim export kinds */
/* test_dot.c - diagrams: shapes, clusters, overlay, determinism, formats and atomic files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kinds_fixture.h"
#include "designkit/alloc.h"
#include "designkit/export.h"
#include "designkit/model.h"

static dk_model_t *small_model(void)
{
    dk_error err;
    dk_model_t *m = dk_model_new("shop", &err);
    dk_group_t *east = dk_model_add_group(m, NULL, "us-east", "region", &err);
    dk_group_t *zone = dk_model_add_group(m, east, "zone-a", "zone", &err);
    dk_comp_t *users = dk_model_add(m, NULL, K_CLIENT, "users", &err);
    dk_comp_t *lb = dk_model_add(m, east, K_BALANCER, "lb", &err);
    dk_comp_t *api = dk_model_add(m, zone, K_SERVICE, "api", &err);
    dk_comp_t *redis = dk_model_add(m, zone, K_CACHE, "redis", &err);
    dk_comp_t *db = dk_model_add(m, east, K_DATABASE, "orders-db", &err);
    dk_comp_t *q = dk_model_add(m, NULL, K_QUEUE, "events", &err);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(dk_comp_set_number(api, "replicas", 4, &err), DK_OK);
    ck_assert_int_eq(dk_comp_set_number(redis, "capacity", 200000, &err), DK_OK);
    dk_dist_t *lat = dk_dist_constant(1e6, NULL);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, api, lat, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, redis, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, db, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, api, q, NULL, &err), DK_OK);
    dk_dist_free(lat);
    return m;
}

static char *render(const dk_model_t *m, const dk_draw_overlay *ov, dk_draw_format fmt, size_t *len)
{
    char *data = NULL;
    dk_error err;
    dk_status st = dk_draw_render(m, ov, fmt, &data, len, &err);
    ck_assert_msg(st == DK_OK, "render: %s", err.message);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(*len, 0);
    return data;
}

/* ---- content ---- */

START_TEST(svg_names_every_component)
{
    dk_model_t *m = small_model();
    size_t len;
    char *svg = render(m, NULL, DK_DRAW_SVG, &len);
    ck_assert_uint_eq(strlen(svg), len);
    ck_assert_ptr_nonnull(strstr(svg, "<svg"));
    /* Graphviz writes '-' as the entity &#45; in SVG text and attributes */
    const char *names[] = {"users", "lb", "api", "redis", "orders&#45;db", "events"};
    for (size_t i = 0; i < 6; i++) {
        char id[64], title[64];
        snprintf(id, sizeof id, "id=\"%s\"", names[i]);
        snprintf(title, sizeof title, "<title>%s</title>", names[i]);
        ck_assert_msg(strstr(svg, id) != NULL, "no %s in the SVG", id);
        ck_assert_msg(strstr(svg, title) != NULL, "no %s in the SVG", title);
    }
    ck_assert_ptr_nonnull(strstr(svg, "x4 replicas"));
    ck_assert_ptr_nonnull(strstr(svg, "lru 200k"));
    ck_assert_ptr_nonnull(strstr(svg, "~1ms"));
    dk_free(svg);
    dk_model_free(m);
}
END_TEST

START_TEST(dot_has_shapes_and_clusters)
{
    dk_model_t *m = small_model();
    size_t len;
    char *dot = render(m, NULL, DK_DRAW_DOT, &len);
    ck_assert_ptr_nonnull(strstr(dot, "digraph design {"));
    ck_assert_ptr_nonnull(strstr(dot, "rankdir=LR"));
    ck_assert_ptr_nonnull(strstr(dot, "shape=cylinder"));
    ck_assert_ptr_nonnull(strstr(dot, "shape=hexagon"));
    ck_assert_ptr_nonnull(strstr(dot, "shape=box3d"));
    ck_assert_ptr_nonnull(strstr(dot, "shape=cds"));
    /* names with '-' are quoted in DOT */
    ck_assert_ptr_nonnull(strstr(dot, "subgraph \"cluster_us-east\" {"));
    ck_assert_ptr_nonnull(strstr(dot, "\"us-east (region)\""));
    ck_assert_ptr_nonnull(strstr(dot, "\"zone-a (zone)\""));
    /* the zone is drawn inside the region */
    const char *region = strstr(dot, "cluster_us-east");
    const char *zone = strstr(dot, "cluster_zone-a");
    ck_assert_ptr_nonnull(region);
    ck_assert_ptr_nonnull(zone);
    ck_assert_msg(zone > region, "the zone cluster comes before its region");
    ck_assert_ptr_nonnull(strstr(dot, "users -> lb"));
    ck_assert_ptr_nonnull(strstr(dot, "api -> \"orders-db\""));
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

START_TEST(database_is_a_cylinder)
{
    dk_model_t *m = dk_model_new("one", NULL);
    dk_model_add(m, NULL, K_DATABASE, "db", NULL);
    size_t len;
    char *dot = render(m, NULL, DK_DRAW_DOT, &len);
    const char *node = strstr(dot, "\tdb\t[");
    ck_assert_msg(node != NULL, "%s", dot);
    const char *end = strchr(node, ']');
    const char *shape = strstr(node, "shape=cylinder");
    ck_assert_ptr_nonnull(shape);
    ck_assert_msg(shape < end, "the cylinder is not on the db node: %s", dot);
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

START_TEST(names_with_odd_characters)
{
    dk_model_t *m = dk_model_new("odd", NULL);
    ck_assert_ptr_nonnull(dk_model_add(m, NULL, K_SERVICE, "a b\\N \"q\" <x>", NULL));
    size_t len;
    char *svg = render(m, NULL, DK_DRAW_SVG, &len);
    ck_assert_ptr_nonnull(strstr(svg, "a b\\N &quot;q&quot; &lt;x&gt;"));
    dk_free(svg);
    dk_model_free(m);
}
END_TEST

START_TEST(overlay_colours_and_labels)
{
    dk_model_t *m = small_model();
    const double util[] = {-1, 0.2, 0.73, 0.9, 0.99, -1};
    const double rate[] = {1200, -1, -1, -1, -1};
    const double p99[] = {3.1e6, -1, -1, -1, -1};
    dk_draw_overlay ov = {util, rate, p99, NULL};
    size_t len;
    char *dot = render(m, &ov, DK_DRAW_DOT, &len);
    ck_assert_ptr_nonnull(strstr(dot, "util 73%"));
    ck_assert_ptr_nonnull(strstr(dot, "util 20%"));
    ck_assert_ptr_nonnull(strstr(dot, "#a6d96a")); /* lb, 20%: green */
    ck_assert_ptr_nonnull(strstr(dot, "#ffe066")); /* api, 73%: yellow */
    ck_assert_ptr_nonnull(strstr(dot, "#fdae61")); /* redis, 90%: orange */
    ck_assert_ptr_nonnull(strstr(dot, "#f46d43")); /* db, 99%: red */
    ck_assert_ptr_nonnull(strstr(dot, "1.2k/s \xC2\xB7 p99 3.1ms"));
    ck_assert_ptr_nonnull(strstr(dot, "style=filled"));
    /* a link with no overlay keeps its latency label */
    ck_assert_ptr_nonnull(strstr(dot, "~1ms"));
    dk_free(dot);
    dk_model_free(m);
}
END_TEST

/* ---- formats ---- */

/* cairo dates each PDF; the drawing pins the date so that a design draws to the same bytes
 * whenever it is drawn (second by second it would not), and honours SOURCE_DATE_EPOCH. */
static int contains(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return 1;
    return 0;
}

START_TEST(pdf_is_the_same_across_seconds)
{
    dk_model_t *m = small_model();
    size_t len1, len2;
    unsetenv("SOURCE_DATE_EPOCH");
    char *a = render(m, NULL, DK_DRAW_PDF, &len1);
    struct timespec pause = {1, 100000000};
    nanosleep(&pause, NULL);
    char *b = render(m, NULL, DK_DRAW_PDF, &len2);
    ck_assert_uint_eq(len1, len2);
    ck_assert_int_eq(memcmp(a, b, len1), 0);
    ck_assert(contains(a, len1, "/CreationDate (D:19700101000000"));
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1); /* 2023-11-14 22:13:20 UTC */
    char *c = render(m, NULL, DK_DRAW_PDF, &len2);
    ck_assert(contains(c, len2, "/CreationDate (D:20231114221320"));
    unsetenv("SOURCE_DATE_EPOCH");
    dk_free(a);
    dk_free(b);
    dk_free(c);
    dk_model_free(m);
}
END_TEST

START_TEST(png_and_pdf_magic)
{
    dk_model_t *m = small_model();
    size_t len;
    char *png = render(m, NULL, DK_DRAW_PNG, &len);
    ck_assert_uint_gt(len, 8);
    ck_assert_int_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0);
    dk_free(png);
    char *pdf = render(m, NULL, DK_DRAW_PDF, &len);
    ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
    dk_free(pdf);
    dk_model_free(m);
}
END_TEST

START_TEST(render_twice_identical_bytes)
{
    dk_model_t *m = small_model();
    const dk_draw_format fmts[] = {DK_DRAW_SVG, DK_DRAW_DOT, DK_DRAW_PNG};
    for (size_t i = 0; i < 3; i++) {
        size_t la, lb;
        char *a = render(m, NULL, fmts[i], &la);
        char *b = render(m, NULL, fmts[i], &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_msg(memcmp(a, b, la) == 0, "format %zu differs between two renders", i);
        dk_free(a);
        dk_free(b);
    }
    dk_model_free(m);
}
END_TEST

START_TEST(empty_model_renders)
{
    dk_model_t *m = dk_model_new("empty", NULL);
    size_t len;
    char *svg = render(m, NULL, DK_DRAW_SVG, &len);
    ck_assert_ptr_nonnull(strstr(svg, "</svg>"));
    dk_free(svg);
    dk_model_free(m);
}
END_TEST

START_TEST(format_from_path)
{
    dk_draw_format f;
    dk_error err;
    ck_assert_int_eq(dk_draw_format_from_path("a.svg", &f, &err), DK_OK);
    ck_assert_int_eq(f, DK_DRAW_SVG);
    ck_assert_int_eq(dk_draw_format_from_path("out/A.PNG", &f, &err), DK_OK);
    ck_assert_int_eq(f, DK_DRAW_PNG);
    ck_assert_int_eq(dk_draw_format_from_path("x.y/design.Pdf", &f, &err), DK_OK);
    ck_assert_int_eq(f, DK_DRAW_PDF);
    ck_assert_int_eq(dk_draw_format_from_path("d.dot", &f, &err), DK_OK);
    ck_assert_int_eq(f, DK_DRAW_DOT);
    ck_assert_int_eq(dk_draw_format_from_path("d.gv", &f, &err), DK_OK);
    ck_assert_int_eq(f, DK_DRAW_DOT);

    ck_assert_int_eq(dk_draw_format_from_path("x.bmp", &f, &err), DK_EUNSUPPORTED);
    ck_assert_str_eq(err.message,
                     "cannot draw \"x.bmp\": unknown format \".bmp\" (use .svg, .png, .pdf, .dot)");
    ck_assert_int_eq(dk_draw_format_from_path("x.svgz", &f, &err), DK_EUNSUPPORTED);
    ck_assert_int_eq(dk_draw_format_from_path("dir.svg/design", &f, &err), DK_EUNSUPPORTED);
    ck_assert_str_eq(err.message, "cannot draw \"dir.svg/design\": no file extension (use .svg, "
                                  ".png, .pdf, .dot)");
    ck_assert_int_eq(dk_draw_format_from_path("x.", &f, &err), DK_EUNSUPPORTED);
    ck_assert_int_eq(dk_draw_format_from_path(NULL, &f, &err), DK_EINVAL);
}
END_TEST

START_TEST(bad_arguments)
{
    char *data = (char *)"x";
    size_t len = 5;
    dk_error err;
    ck_assert_int_eq(dk_draw_render(NULL, NULL, DK_DRAW_SVG, &data, &len, &err), DK_EINVAL);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(len, 0);
    dk_model_t *m = dk_model_new("m", NULL);
    ck_assert_int_eq(dk_draw_render(m, NULL, (dk_draw_format)42, &data, &len, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "dk_draw_render: unknown format 42");
    dk_model_free(m);
}
END_TEST

/* ---- files ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dk_test_dot_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

START_TEST(draw_file_writes_the_format_of_the_extension)
{
    make_tmpdir();
    dk_model_t *m = small_model();
    char path[128];
    dk_error err;
    snprintf(path, sizeof path, "%s/design.svg", tmpdir);
    ck_assert_msg(dk_draw_file(m, NULL, path, &err) == DK_OK, "%s", err.message);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char head[256] = "";
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    ck_assert_uint_gt(n, 0);
    ck_assert_msg(strncmp(head, "<?xml", 5) == 0, "not SVG: %.40s", head);
    unlink(path);
    rmdir(tmpdir);
    dk_model_free(m);
}
END_TEST

START_TEST(draw_file_unwritable_leaves_nothing)
{
    make_tmpdir();
    dk_model_t *m = small_model();
    char path[128];
    dk_error err;
    /* a folder that does not exist: the write fails, and no file appears */
    snprintf(path, sizeof path, "%s/missing/design.svg", tmpdir);
    ck_assert_int_eq(dk_draw_file(m, NULL, path, &err), DK_EIO);
    ck_assert_msg(strstr(err.message, path) != NULL, "message does not name the path: %s",
                  err.message);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
    /* a read-only folder (skipped when running as root, which ignores permissions) */
    if (geteuid() != 0) {
        ck_assert_int_eq(chmod(tmpdir, 0555), 0);
        snprintf(path, sizeof path, "%s/design.png", tmpdir);
        ck_assert_int_eq(dk_draw_file(m, NULL, path, &err), DK_EIO);
        ck_assert_int_ne(stat(path, &st), 0);
        chmod(tmpdir, 0755);
    }
    ck_assert_int_eq(rmdir(tmpdir), 0); /* empty: no temporary file was left either */
    dk_model_free(m);
}
END_TEST

START_TEST(draw_file_bad_extension_writes_nothing)
{
    dk_model_t *m = small_model();
    dk_error err;
    ck_assert_int_eq(dk_draw_file(m, NULL, "/tmp/dk_test_dot.bmp", &err), DK_EUNSUPPORTED);
    ck_assert_str_eq(err.message, "cannot draw \"/tmp/dk_test_dot.bmp\": unknown format \".bmp\" "
                                  "(use .svg, .png, .pdf, .dot)");
    ck_assert_int_ne(access("/tmp/dk_test_dot.bmp", F_OK), 0);
    dk_model_free(m);
}
END_TEST

static Suite *dot_suite(void)
{
    Suite *s = suite_create("dot");
    TCase *tc = tcase_create("content");
    tcase_add_test(tc, svg_names_every_component);
    tcase_add_test(tc, dot_has_shapes_and_clusters);
    tcase_add_test(tc, database_is_a_cylinder);
    tcase_add_test(tc, names_with_odd_characters);
    tcase_add_test(tc, overlay_colours_and_labels);
    suite_add_tcase(s, tc);

    tc = tcase_create("formats");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, png_and_pdf_magic);
    tcase_add_test(tc, pdf_is_the_same_across_seconds);
    tcase_add_test(tc, render_twice_identical_bytes);
    tcase_add_test(tc, empty_model_renders);
    tcase_add_test(tc, format_from_path);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, draw_file_writes_the_format_of_the_extension);
    tcase_add_test(tc, draw_file_unwritable_leaves_nothing);
    tcase_add_test(tc, draw_file_bad_extension_writes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dot_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

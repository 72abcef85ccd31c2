/* areas: base patterns model sim export kinds */
/* test_oom_sweep.c - every allocation of each area's operations fails in turn (oom_sweep.h):
 * DK_ENOMEM, no crash, no leak, and an existing object left as it was. */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oom_sweep.h"
#include "designkit/designkit.h"

/* What one case works on: the objects setup made and those op makes, all freed by teardown. */
typedef struct ctx {
    dk_map_t *map;
    dk_heap_t *heap;
    dk_hist_t *hist, *hist2;
    dk_model_t *model, *model2;
    dk_sim_t *sim, *sim2;
    dk_findings_t *findings;
    dk_class_routing_t *routing;
    dk_replicas_t *reps;
    dk_json_doc_t *doc;
    char *text, *text2;
    char path[64];
} ctx;

static ctx *ctx_new(void)
{
    ctx *c = calloc(1, sizeof *c); /* the test's own memory, never the library's */
    ck_assert_ptr_nonnull(c);
    return c;
}

static void *setup_empty(void)
{
    return ctx_new();
}

static void teardown(void *p)
{
    ctx *c = p;
    dk_map_free(c->map);
    dk_heap_free(c->heap);
    dk_hist_free(c->hist);
    dk_hist_free(c->hist2);
    dk_findings_free(c->findings);
    dk_class_routing_free(c->routing);
    dk_replicas_free(c->reps);
    dk_sim_free(c->sim);
    dk_sim_free(c->sim2);
    dk_model_free(c->model);
    dk_model_free(c->model2);
    dk_json_doc_free(c->doc);
    dk_free(c->text);
    dk_free(c->text2);
    if (c->path[0] != '\0')
        unlink(c->path);
    free(c);
}

/* Appends printf-style text to a summary buffer. */
static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    if (used + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        dk_status st_ = (expr);                                                                    \
        if (st_ != DK_OK)                                                                          \
            return st_;                                                                            \
    } while (0)
#define TRY_PTR(ptr, st) TRY((ptr) != NULL ? DK_OK : (st))

/* ---- base: map ---- */

static dk_status map_fill(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    c->map = dk_map_new(0, &st);
    TRY_PTR(c->map, st);
    for (uint64_t k = 0; k < 300; k++)
        TRY(dk_map_put(c->map, k * 7919, k));
    for (uint64_t k = 0; k < 300; k += 3)
        dk_map_remove(c->map, k * 7919, NULL);
    return dk_map_reserve(c->map, 5000);
}

static void *setup_map(void)
{
    ctx *c = ctx_new();
    c->map = dk_map_new(0, NULL);
    for (uint64_t k = 0; k < 7; k++) /* 8 slots hold 7: the next key grows the table */
        ck_assert_int_eq(dk_map_put(c->map, k, k * 10), DK_OK);
    return c;
}

static void map_summary(void *p, char *buf, size_t size)
{
    ctx *c = p;
    uint64_t v;
    buf[0] = '\0';
    put(buf, size, "size %zu:", dk_map_size(c->map));
    for (uint64_t k = 0; k < 300; k++)
        if (dk_map_get(c->map, k, &v))
            put(buf, size, " %" PRIu64 "=%" PRIu64, k, v);
}

/* Each put checked on its own: a put that fails leaves the keys before it. */
static dk_status map_grow(void *p)
{
    ctx *c = p;
    char before[4096], after[4096];
    for (uint64_t k = 7; k < 300; k++) {
        map_summary(c, before, sizeof before);
        dk_status st = dk_map_put(c->map, k, k * 10);
        if (st != DK_OK) {
            map_summary(c, after, sizeof after);
            ck_assert_str_eq(before, after);
            return st;
        }
    }
    return DK_OK;
}

static dk_status map_reserve(void *p)
{
    return dk_map_reserve(((ctx *)p)->map, 10000);
}

/* ---- base: heap ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static dk_status heap_fill(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    uint64_t v;
    c->heap = dk_heap_new(sizeof(uint64_t), cmp_u64, &st);
    TRY_PTR(c->heap, st);
    for (uint64_t k = 0; k < 500; k++) {
        v = (k * 2654435761u) % 1000;
        TRY(dk_heap_push(c->heap, &v));
    }
    for (int k = 0; k < 100; k++)
        dk_heap_pop(c->heap, &v);
    return dk_heap_reserve(c->heap, 4000);
}

static void *setup_heap(void)
{
    ctx *c = ctx_new();
    c->heap = dk_heap_new(sizeof(uint64_t), cmp_u64, NULL);
    for (uint64_t k = 0; k < 5; k++)
        ck_assert_int_eq(dk_heap_push(c->heap, &k), DK_OK);
    return c;
}

static void heap_summary(void *p, char *buf, size_t size)
{
    ctx *c = p;
    const uint64_t *top = dk_heap_peek(c->heap);
    snprintf(buf, size, "size %zu top %" PRIu64, dk_heap_size(c->heap), top ? *top : 0);
}

static dk_status heap_grow(void *p)
{
    ctx *c = p;
    char before[64], after[64];
    for (uint64_t k = 1000; k > 0; k--) {
        heap_summary(c, before, sizeof before);
        dk_status st = dk_heap_push(c->heap, &k);
        if (st != DK_OK) {
            heap_summary(c, after, sizeof after);
            ck_assert_str_eq(before, after);
            return st;
        }
    }
    return DK_OK;
}

/* ---- base: histogram ---- */

static void hist_summary_of(const dk_hist_t *h, char *buf, size_t size)
{
    snprintf(buf, size,
             "n %" PRIu64 " sum %.0Lf min %" PRId64 " max %" PRId64 " p50 %" PRId64 " p99 %" PRId64,
             dk_hist_count(h), dk_hist_sum(h), dk_hist_min(h), dk_hist_max(h),
             dk_hist_percentile(h, 50), dk_hist_percentile(h, 99));
}

static void hist_summary(void *p, char *buf, size_t size)
{
    hist_summary_of(((ctx *)p)->hist, buf, size);
}

/* Values over 40 binary orders of magnitude: each order wants blocks of its own. */
static int64_t wide_value(int k)
{
    return ((int64_t)1 << (k % 40)) + k;
}

static dk_status hist_fill(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    c->hist = dk_hist_new(&st);
    TRY_PTR(c->hist, st);
    for (int k = 0; k < 400; k++)
        TRY(dk_hist_record(c->hist, wide_value(k)));
    TRY(dk_hist_record_n(c->hist, INT64_MAX / 2, 3));
    c->hist2 = dk_hist_new(&st);
    TRY_PTR(c->hist2, st);
    dk_hist_sample batch[64];
    for (int k = 0; k < 64; k++)
        batch[k] = (dk_hist_sample){k % 2 ? c->hist : c->hist2, wide_value(k * 3)};
    TRY(dk_hist_record_batch(batch, 64, NULL));
    return dk_hist_merge(c->hist2, c->hist);
}

static void *setup_hist(void)
{
    ctx *c = ctx_new();
    c->hist = dk_hist_new(NULL);
    c->hist2 = dk_hist_new(NULL);
    ck_assert_int_eq(dk_hist_record(c->hist, 1000), DK_OK);
    for (int k = 0; k < 200; k++)
        ck_assert_int_eq(dk_hist_record(c->hist2, wide_value(k)), DK_OK);
    return c;
}

static dk_status hist_record_wide(void *p)
{
    ctx *c = p;
    char before[256], after[256];
    for (int k = 0; k < 200; k++) {
        hist_summary(c, before, sizeof before);
        dk_status st = dk_hist_record(c->hist, wide_value(k));
        if (st != DK_OK) {
            hist_summary(c, after, sizeof after);
            ck_assert_str_eq(before, after);
            return st;
        }
    }
    return DK_OK;
}

static dk_status hist_merge(void *p)
{
    ctx *c = p;
    return dk_hist_merge(c->hist, c->hist2);
}

/* ---- base: distributions and units ---- */

static dk_status dists(void *p)
{
    (void)p;
    dk_error err = {0};
    const double values[] = {1, 2, 3, 5}, weights[] = {4, 3, 2, 1};
    const double probs[] = {0.3, 0.7}, means[] = {1e6, 5e6};
    dk_dist_t *d[10] = {0};
    dk_status st = DK_OK;
    d[0] = dk_dist_constant(5, &err);
    d[1] = dk_dist_uniform(1, 2, &err);
    d[2] = dk_dist_exponential(1e6, &err);
    d[3] = dk_dist_lognormal(1, 0.5, &err);
    d[4] = dk_dist_zipf(100000, 0.99, &err);
    d[5] = dk_dist_empirical(values, weights, 4, &err);
    d[6] = dk_dist_hyperexp(probs, means, 2, &err);
    d[7] = dk_dist_h2(1e6, 4, &err);
    for (int i = 0; i < 8 && st == DK_OK; i++)
        if (d[i] == NULL)
            st = err.status;
    if (st == DK_OK) {
        const dk_dist_t *parts[] = {d[2], d[5], d[6]};
        d[8] = dk_dist_mixture(weights, parts, 3, &err);
        if (d[8] == NULL)
            st = err.status;
    }
    if (st == DK_OK && (d[9] = dk_dist_clone(d[8])) == NULL)
        st = DK_ENOMEM;
    for (int i = 0; i < 10; i++)
        dk_dist_free(d[i]);
    return st;
}

static dk_status units(void *p)
{
    (void)p;
    dk_error err;
    int64_t ns;
    uint64_t bytes;
    double x;
    char buf[32];
    TRY(dk_parse_duration("1.5ms", &ns, &err));
    TRY(dk_parse_size("64KiB", &bytes, &err));
    TRY(dk_parse_rate("1.2k/s", &x, &err));
    TRY(dk_parse_percent("99.9%", &x, &err));
    dk_format_duration(ns, buf, sizeof buf);
    dk_format_size(bytes, buf, sizeof buf);
    dk_format_rate(x, buf, sizeof buf);
    return DK_OK;
}

/* ---- patterns: caches and balancers ---- */

static dk_status caches(void *p)
{
    (void)p;
    dk_error err = {0};
    for (size_t i = 0; dk_cache_policy_names[i] != NULL; i++) {
        /* 2000 entries over 2800 keys: the index and the entry store double several times,
         * evictions and ghosts (ARC, 2Q) come in, and the sweep, which repeats this for every
         * allocation, stays within its time under ASan on a shared machine. */
        dk_cache_t *cache = dk_cache_new(dk_cache_policy_names[i], 2000, &err);
        TRY_PTR(cache, err.status);
        for (uint64_t k = 0; k < 8000; k++) {
            if (!dk_cache_get(cache, k % 2800, (int64_t)k)) {
                uint64_t size = dk_cache_size(cache);
                if (dk_cache_put(cache, k % 2800, (int64_t)k, k % 3 ? 0 : 1000) < 0) {
                    /* a cache grows as it fills: a put it has no room for is refused whole */
                    ck_assert_uint_eq(dk_cache_size(cache), size);
                    ck_assert_int_eq(dk_cache_contains(cache, k % 2800), 0);
                    dk_cache_free(cache);
                    return DK_ENOMEM;
                }
            }
            if (k % 11 == 0)
                dk_cache_remove(cache, k % 2000);
        }
        dk_cache_free(cache);
    }
    return DK_OK;
}

static dk_status balancers(void *p)
{
    (void)p;
    dk_error err = {0};
    dk_rng_t rng;
    dk_rng_seed(&rng, 7);
    for (size_t i = 0; dk_lb_algorithm_names[i] != NULL; i++) {
        dk_lb_t *lb = dk_lb_new((dk_lb_algorithm)i, 16, &err);
        TRY_PTR(lb, err.status);
        for (int k = 0; k < 100; k++)
            dk_lb_done(lb, dk_lb_pick(lb, &rng));
        dk_lb_free(lb);
    }
    return DK_OK;
}

/* ---- export: JSON writer and reader, files ---- */

static dk_status json_text(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    dk_error err = {0};
    size_t len;
    dk_json_writer_t *w = dk_json_writer_new(DK_JSON_PRETTY, &st);
    TRY_PTR(w, st);
    st = dk_json_open_object(w);
    for (int k = 0; k < 50 && st == DK_OK; k++) {
        char key[32];
        snprintf(key, sizeof key, "key number %d with some length", k);
        st = dk_json_put_key(w, key, strlen(key));
        if (st == DK_OK)
            st = dk_json_open_array(w);
        if (st == DK_OK)
            st = dk_json_put_string(w, key, strlen(key));
        if (st == DK_OK)
            st = dk_json_put_number(w, k * 0.25);
        if (st == DK_OK)
            st = dk_json_put_integer(w, -k);
        if (st == DK_OK)
            st = dk_json_put_bool(w, k % 2);
        if (st == DK_OK)
            st = dk_json_put_null(w);
        if (st == DK_OK)
            st = dk_json_close_array(w);
    }
    if (st == DK_OK)
        st = dk_json_close_object(w);
    if (st == DK_OK)
        st = dk_json_writer_finish(w, &c->text, &len, &err);
    dk_json_writer_free(w);
    TRY(st);
    c->doc = dk_json_parse(c->text, len, "sweep.json", 0, &err);
    TRY_PTR(c->doc, err.status);
    return dk_json_find(dk_json_root(c->doc), "key number 7 with some length") != NULL
               ? DK_OK
               : DK_EINTERNAL;
}

static void *setup_file(void)
{
    ctx *c = ctx_new();
    snprintf(c->path, sizeof c->path, "/tmp/dk-oom-sweep.%ld", (long)getpid());
    return c;
}

static dk_status file_write_read(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    size_t len;
    static const char data[] = "{\"designkit\": \"oom\"}\n";
    TRY(dk_file_write_atomic(c->path, data, sizeof data - 1, &err));
    return dk_file_read(c->path, &c->text, &len, &err);
}

/* ---- model: a design with every kind, groups, routes, async links, expectations ---- */

/* Builds the design into *out (NULL on failure, nothing left behind). Returns the status. */
static dk_status design(dk_model_t **out, dk_error *err)
{
    dk_model_t *m = dk_model_new("sweep", err);
    dk_status st = DK_OK;
    dk_comp_t *users = NULL, *lb = NULL, *api = NULL, *redis = NULL, *urls = NULL, *jobs = NULL,
              *worker = NULL, *events = NULL, *batch = NULL;
    dk_group_t *east = NULL;
    dk_dist_t *d;
    *out = NULL;
    if (m == NULL)
        return err->status;
#define STEP(expr)                                                                                 \
    do {                                                                                           \
        if (st == DK_OK)                                                                           \
            st = (expr);                                                                           \
    } while (0)
#define ADD(var, group, kind, name)                                                                \
    do {                                                                                           \
        if (st == DK_OK &&                                                                         \
            (var = dk_model_add(m, group, dk_kinds_find(kind, NULL), name, err)) == NULL)          \
            st = err->status;                                                                      \
    } while (0)
#define SET_DIST(comp, prop, make)                                                                 \
    do {                                                                                           \
        if (st == DK_OK)                                                                           \
            st = (d = (make)) != NULL ? dk_comp_set_dist(comp, prop, d, err) : DK_ENOMEM;          \
    } while (0)
    if ((east = dk_model_add_group(m, NULL, "us-east", "region", err)) == NULL)
        st = err->status;
    ADD(users, NULL, "client", "users");
    ADD(lb, NULL, "balancer", "lb");
    ADD(api, east, "service", "api");
    ADD(redis, east, "cache", "redis");
    ADD(urls, east, "database", "urls");
    ADD(jobs, east, "queue", "jobs");
    ADD(worker, east, "service", "worker");
    ADD(events, NULL, "topic", "events");
    ADD(batch, NULL, "client", "batch"); /* a closed workload: users who think */
    const char *classes[] = {"resolve", "shorten"};
    const double w[] = {0.9, 0.1};
    STEP(dk_comp_set_number(users, "rate", 400, err));
    STEP(dk_comp_set_mix(users, "mix", classes, w, 2, err));
    SET_DIST(users, "keys", dk_dist_zipf(1000, 0.99, NULL));
    STEP(dk_comp_set_text(lb, "algorithm", "least_connections", err));
    STEP(dk_comp_set_number(api, "replicas", 2, err));
    STEP(dk_comp_set_number(api, "workers", 4, err));
    SET_DIST(api, "time", dk_dist_exponential(1e6, NULL));
    STEP(dk_comp_set_number(redis, "capacity", 100, err));
    STEP(dk_comp_set_text(redis, "ttl", "1s", err));
    SET_DIST(urls, "time", dk_dist_exponential(3e6, NULL));
    STEP(dk_comp_set_number(urls, "workers", 8, err));
    STEP(dk_comp_set_number(jobs, "consumers", 2, err));
    STEP(dk_comp_set_number(jobs, "capacity", 5, err));
    STEP(dk_comp_set_text(jobs, "when_full", "drop_oldest", err));
    STEP(dk_comp_set_number(urls, "replicas", 2, err));
    STEP(dk_comp_set_text(urls, "replication", "async", err));
    STEP(dk_comp_set_text(worker, "mode", "event_loop", err));
    STEP(dk_comp_set_number(worker, "replicas", 3, err));
    STEP(dk_comp_set_text(worker, "dispatch", "round_robin", err));
    STEP(dk_comp_set_number(batch, "users", 20, err));
    SET_DIST(batch, "think", dk_dist_exponential(50e6, NULL));
    STEP(dk_model_link(m, batch, api, NULL, err));
    STEP(dk_model_link(m, users, lb, NULL, err));
    if (st == DK_OK) {
        d = dk_dist_constant(2e5, NULL);
        st = d != NULL ? dk_model_link(m, lb, api, d, err) : DK_ENOMEM;
        dk_dist_free(d);
    }
    STEP(dk_model_link(m, api, redis, NULL, err));
    STEP(dk_model_link(m, api, urls, NULL, err));
    STEP(dk_model_link(m, api, jobs, NULL, err));
    STEP(dk_model_link(m, api, events, NULL, err));
    STEP(dk_model_link_set_async(m, api, events, 1, err));
    STEP(dk_model_link(m, jobs, worker, NULL, err));
    STEP(dk_model_link(m, events, worker, NULL, err));
    STEP(dk_model_link(m, worker, urls, NULL, err));
    dk_route resolve = {
        .cls = "resolve", .kind = DK_ROUTE_CACHE_ASIDE, .targets = {redis, urls}, .ntargets = 2};
    dk_route shorten = {
        .cls = "shorten", .kind = DK_ROUTE_CALL, .targets = {urls, jobs, events}, .ntargets = 3};
    STEP(dk_comp_set_route(api, &resolve, err));
    STEP(dk_comp_set_route(api, &shorten, err));
    dk_expect p99 = {.metric = "p99", .cls = "resolve", .limit = 50e6};
    dk_expect avail = {.metric = "availability", .limit = 0.5};
    STEP(dk_model_expect(m, &p99, err));
    STEP(dk_model_expect(m, &avail, err));
#undef STEP
#undef ADD
#undef SET_DIST
    if (st != DK_OK) {
        dk_model_free(m);
        return st;
    }
    *out = m;
    return DK_OK;
}

static dk_model_t *design_or_fail(void)
{
    dk_error err = {0};
    dk_model_t *m;
    ck_assert_msg(design(&m, &err) == DK_OK, "the design: %s", err.message);
    return m;
}

static dk_status model_build(void *p)
{
    dk_error err = {0};
    return design(&((ctx *)p)->model, &err);
}

static void *setup_model(void)
{
    ctx *c = ctx_new();
    c->model = design_or_fail();
    return c;
}

/* The model as JSON, with the counts the JSON does not show. */
static void model_summary(void *p, char *buf, size_t size)
{
    ctx *c = p;
    char *json = NULL;
    dk_error err = {0};
    buf[0] = '\0';
    ck_assert_msg(dk_model_to_json(c->model, &json, NULL, &err) == DK_OK, "%s", err.message);
    put(buf, size, "comps %zu groups %zu links %zu classes %zu expects %zu\n%s",
        dk_model_comp_count(c->model), dk_model_group_count(c->model),
        dk_model_link_count(c->model), dk_model_class_count(c->model),
        dk_model_expect_count(c->model), json);
    dk_free(json);
}

static dk_status model_add_comp(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_comp_t *x = dk_model_add(m, dk_model_find_group(m, "us-east"), dk_kinds_find("cache", NULL),
                                "a-new-cache-with-a-longer-name", &err);
    return x != NULL ? DK_OK : err.status;
}

static dk_status model_add_group(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_group_t *g =
        dk_model_add_group(m, dk_model_find_group(m, "us-east"), "us-east-1a", "zone", &err);
    return g != NULL ? DK_OK : err.status;
}

static dk_status model_link(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_dist_t *lat = dk_dist_exponential(1e5, NULL);
    if (lat == NULL)
        return DK_ENOMEM;
    dk_status st =
        dk_model_link(m, dk_model_find(m, "worker"), dk_model_find(m, "redis"), lat, &err);
    dk_dist_free(lat);
    return st;
}

static dk_status model_set_route(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_route r = {.cls = "a-class-of-its-own",
                  .kind = DK_ROUTE_CALL,
                  .targets = {dk_model_find(m, "urls")},
                  .ntargets = 1};
    return dk_comp_set_route(dk_model_find(m, "worker"), &r, &err);
}

static dk_status model_replace_route(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_route r = {.cls = "shorten",
                  .kind = DK_ROUTE_CALL,
                  .targets = {dk_model_find(m, "redis"), dk_model_find(m, "jobs")},
                  .ntargets = 2};
    return dk_comp_set_route(dk_model_find(m, "api"), &r, &err);
}

static dk_status model_set_mix(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    const char *classes[] = {"resolve", "shorten", "browse", "search"};
    const double w[] = {0.4, 0.3, 0.2, 0.1};
    return dk_comp_set_mix(dk_model_find(m, "users"), "mix", classes, w, 4, &err);
}

static dk_status model_set_dist(void *p)
{
    dk_model_t *m = ((ctx *)p)->model;
    dk_error err = {0};
    dk_dist_t *d = dk_dist_h2(2e6, 3, NULL);
    if (d == NULL)
        return DK_ENOMEM;
    return dk_comp_set_dist(dk_model_find(m, "worker"), "time", d, &err);
}

static dk_status model_expect(void *p)
{
    dk_error err = {0};
    dk_expect e = {.metric = "p999", .cls = "shorten", .limit = 1e9};
    return dk_model_expect(((ctx *)p)->model, &e, &err);
}

static dk_status model_validate(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    c->findings = dk_model_validate(c->model, &st);
    return st;
}

static dk_status model_routing(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    c->routing = dk_class_routing_new(c->model, &st);
    return st;
}

static dk_status model_to_json(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    return dk_model_to_json(c->model, &c->text, &c->text2, &err);
}

static void *setup_model_json(void)
{
    ctx *c = setup_model();
    dk_error err = {0};
    ck_assert_int_eq(dk_model_to_json(c->model, &c->text, NULL, &err), DK_OK);
    return c;
}

static dk_status model_from_json(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    c->model2 = dk_model_from_json(c->text, strlen(c->text), "sweep.json", dk_kinds_find, &err);
    return c->model2 != NULL ? DK_OK : err.status;
}

static dk_status model_draw_dot(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    size_t len;
    return dk_draw_render(c->model, NULL, DK_DRAW_DOT, &c->text2, &len, &err);
}

/* A document with a mistake deep inside: the reader has built most of the model when it finds
 * it, and must free it all. The expected failure counts as success here. */
static dk_status model_from_bad_json(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    char *bad = strstr(c->text, "\"capacity\":\t100");
    ck_assert_ptr_nonnull(bad);
    memcpy(bad, "\"capacity\":\t-10", strlen("\"capacity\":\t-10"));
    c->model2 = dk_model_from_json(c->text, strlen(c->text), "sweep.json", dk_kinds_find, &err);
    memcpy(bad, "\"capacity\":\t100", strlen("\"capacity\":\t100"));
    if (c->model2 != NULL)
        return DK_EINTERNAL;
    return err.status == DK_EINVAL ? DK_OK : err.status;
}

/* A model that breaks most rules: no route, a single backend, a cycle, unreachable parts. */
static void *setup_messy(void)
{
    ctx *c = ctx_new();
    dk_error err = {0};
    dk_model_t *m = c->model = dk_model_new("messy", &err);
    dk_comp_t *users = dk_model_add(m, NULL, dk_kinds_find("client", NULL), "users", &err);
    dk_comp_t *lb = dk_model_add(m, NULL, dk_kinds_find("balancer", NULL), "lb", &err);
    dk_comp_t *a = dk_model_add(m, NULL, dk_kinds_find("service", NULL), "a", &err);
    dk_comp_t *b = dk_model_add(m, NULL, dk_kinds_find("service", NULL), "b", &err);
    dk_model_add(m, NULL, dk_kinds_find("database", NULL), "lonely", &err);
    dk_model_add(m, NULL, dk_kinds_find("balancer", NULL), "empty-lb", &err);
    const char *classes[] = {"x", "y"};
    const double w[] = {1, 1};
    ck_assert_int_eq(dk_comp_set_mix(users, "mix", classes, w, 2, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, users, lb, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, lb, a, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, a, b, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_model_link(m, b, a, NULL, &err), DK_OK);
    dk_route r = {.cls = "x", .kind = DK_ROUTE_CALL, .targets = {b}, .ntargets = 1};
    ck_assert_int_eq(dk_comp_set_route(a, &r, &err), DK_OK);
    return c;
}

/* ---- sim: build, run, report, evaluate, replications ---- */

static dk_status sim_build(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    c->sim = dk_model_build_sim(c->model, 1, &err);
    return c->sim != NULL ? DK_OK : err.status;
}

static void *setup_sim(void)
{
    ctx *c = setup_model();
    dk_error err = {0};
    c->sim = dk_model_build_sim(c->model, 1, &err);
    ck_assert_msg(c->sim != NULL, "%s", err.message);
    return c;
}

static dk_status sim_run(void *p)
{
    return dk_sim_run(((ctx *)p)->sim, 2 * DK_SEC, 0, NULL, NULL);
}

static void *setup_ran(void)
{
    ctx *c = setup_sim();
    ck_assert_int_eq(dk_sim_run(c->sim, 2 * DK_SEC, 0, NULL, NULL), DK_OK);
    return c;
}

static dk_status sim_report(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    dk_verdict v[8];
    int ok;
    TRY(dk_model_evaluate(c->model, c->sim, v, &ok, &err));
    dk_report_expectation e[8];
    size_t n = dk_model_expect_count(c->model);
    for (size_t i = 0; i < n; i++)
        e[i] = v[i].e;
    return dk_report_json(c->sim, c->model, 1, e, n, &c->text, &err);
}

/* The drawing after a run: utilisation and errors per component, rate and p99 per link. */
static dk_status sim_draw_overlay(void *p)
{
    ctx *c = p;
    dk_error err = {0};
    size_t nc = dk_model_comp_count(c->model), nl = dk_model_link_count(c->model), len;
    double util[16], errors[16], rate[32], p99[32];
    ck_assert(nc <= 16 && nl <= 32);
    for (size_t i = 0; i < nc; i++) {
        util[i] = 0.1 * (double)i;
        errors[i] = i % 2 ? 0.01 : -1;
    }
    for (size_t i = 0; i < nl; i++) {
        rate[i] = 10.0 * (double)i;
        p99[i] = i % 3 ? 2e6 : -1;
    }
    dk_draw_overlay ov = {util, rate, p99, errors};
    return dk_draw_render(c->model, &ov, DK_DRAW_SVG, &c->text2, &len, &err);
}

static void *setup_two_runs(void)
{
    ctx *c = setup_ran();
    dk_error err = {0};
    c->sim2 = dk_model_build_sim(c->model, dk_replica_seed(1, 1), &err);
    ck_assert_ptr_nonnull(c->sim2);
    ck_assert_int_eq(dk_sim_run(c->sim2, 2 * DK_SEC, 0, NULL, NULL), DK_OK);
    return c;
}

static dk_status sim_replicas(void *p)
{
    ctx *c = p;
    dk_status st = DK_OK;
    dk_error err = {0};
    c->reps = dk_replicas_new(&st);
    TRY_PTR(c->reps, st);
    TRY(dk_replicas_add(c->reps, c->sim, 1, &err));
    TRY(dk_replicas_add(c->reps, c->sim2, dk_replica_seed(1, 1), &err));
    return dk_report_json_with(c->sim, c->model, 1, NULL, 0, c->reps, &c->text, &err);
}

/* ---- the cases ---- */

#define CASE(name, setup, op, summary)                                                             \
    START_TEST(name)                                                                               \
    {                                                                                              \
        static const oom_case c = {#name + 6, setup, op, summary, teardown};                       \
        ck_assert_int_gt(oom_sweep(&c), 0);                                                        \
    }                                                                                              \
    END_TEST

CASE(sweep_map_made_filled_reserved, setup_empty, map_fill, NULL)
/* Sequences of calls on an existing object check each call themselves (the summary of the
 * whole sequence is not the object before its last call). */
CASE(sweep_map_put_that_grows, setup_map, map_grow, NULL)
CASE(sweep_map_reserve_existing, setup_map, map_reserve, map_summary)
CASE(sweep_heap_made_filled, setup_empty, heap_fill, NULL)
CASE(sweep_heap_push_that_grows, setup_heap, heap_grow, NULL)
CASE(sweep_hist_made_filled_merged, setup_empty, hist_fill, NULL)
CASE(sweep_hist_record_new_blocks, setup_hist, hist_record_wide, NULL)
CASE(sweep_hist_merge_into_existing, setup_hist, hist_merge, hist_summary)
CASE(sweep_dist_every_kind, setup_empty, dists, NULL)
CASE(sweep_cache_every_policy, setup_empty, caches, NULL)
CASE(sweep_balancer_every_algorithm, setup_empty, balancers, NULL)
CASE(sweep_json_write_then_parse, setup_empty, json_text, NULL)
CASE(sweep_file_write_then_read, setup_file, file_write_read, NULL)
CASE(sweep_model_built, setup_empty, model_build, NULL)
CASE(sweep_model_add_component, setup_model, model_add_comp, model_summary)
CASE(sweep_model_add_group, setup_model, model_add_group, model_summary)
CASE(sweep_model_add_link, setup_model, model_link, model_summary)
CASE(sweep_model_set_route, setup_model, model_set_route, model_summary)
CASE(sweep_model_set_mix, setup_model, model_set_mix, model_summary)
CASE(sweep_model_replace_route, setup_model, model_replace_route, model_summary)
CASE(sweep_model_set_dist, setup_model, model_set_dist, model_summary)
CASE(sweep_model_add_expectation, setup_model, model_expect, model_summary)
CASE(sweep_model_validated, setup_model, model_validate, model_summary)
CASE(sweep_model_class_routing, setup_model, model_routing, model_summary)
CASE(sweep_model_to_json, setup_model, model_to_json, model_summary)
CASE(sweep_model_from_json, setup_model_json, model_from_json, NULL)
CASE(sweep_model_drawn_as_dot, setup_model, model_draw_dot, model_summary)
CASE(sweep_model_from_bad_json, setup_model_json, model_from_bad_json, NULL)
CASE(sweep_messy_model_validated, setup_messy, model_validate, model_summary)
CASE(sweep_messy_model_class_routing, setup_messy, model_routing, model_summary)
CASE(sweep_model_drawn_with_overlay, setup_model, sim_draw_overlay, model_summary)
CASE(sweep_sim_built_from_model, setup_model, sim_build, model_summary)
CASE(sweep_sim_run, setup_sim, sim_run, NULL)
CASE(sweep_sim_evaluated_and_reported, setup_ran, sim_report, NULL)
CASE(sweep_sim_replications, setup_two_runs, sim_replicas, NULL)

/* Units parse and format without allocating: the sweep has nothing to fail, which is the point
 * (a parser that allocated could fail where a user's script cannot expect it). */
START_TEST(units_do_not_allocate)
{
    static const oom_case c = {"units", setup_empty, units, NULL, teardown};
    ck_assert_int_eq(oom_sweep(&c), 0);
}
END_TEST

static Suite *oom_suite(void)
{
    Suite *s = suite_create("oom_sweep");
    TCase *tc = tcase_create("base");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sweep_map_made_filled_reserved);
    tcase_add_test(tc, sweep_map_put_that_grows);
    tcase_add_test(tc, sweep_map_reserve_existing);
    tcase_add_test(tc, sweep_heap_made_filled);
    tcase_add_test(tc, sweep_heap_push_that_grows);
    tcase_add_test(tc, sweep_hist_made_filled_merged);
    tcase_add_test(tc, sweep_hist_record_new_blocks);
    tcase_add_test(tc, sweep_hist_merge_into_existing);
    tcase_add_test(tc, sweep_dist_every_kind);
    tcase_add_test(tc, units_do_not_allocate);
    suite_add_tcase(s, tc);
    tc = tcase_create("patterns");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sweep_cache_every_policy);
    tcase_add_test(tc, sweep_balancer_every_algorithm);
    suite_add_tcase(s, tc);
    tc = tcase_create("export");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sweep_json_write_then_parse);
    tcase_add_test(tc, sweep_file_write_then_read);
    suite_add_tcase(s, tc);
    tc = tcase_create("model");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sweep_model_built);
    tcase_add_test(tc, sweep_model_add_component);
    tcase_add_test(tc, sweep_model_add_group);
    tcase_add_test(tc, sweep_model_add_link);
    tcase_add_test(tc, sweep_model_set_route);
    tcase_add_test(tc, sweep_model_set_mix);
    tcase_add_test(tc, sweep_model_replace_route);
    tcase_add_test(tc, sweep_model_set_dist);
    tcase_add_test(tc, sweep_model_add_expectation);
    tcase_add_test(tc, sweep_model_validated);
    tcase_add_test(tc, sweep_model_class_routing);
    tcase_add_test(tc, sweep_model_to_json);
    tcase_add_test(tc, sweep_model_from_json);
    tcase_add_test(tc, sweep_model_drawn_as_dot);
    tcase_add_test(tc, sweep_model_from_bad_json);
    tcase_add_test(tc, sweep_messy_model_validated);
    tcase_add_test(tc, sweep_messy_model_class_routing);
    tcase_add_test(tc, sweep_model_drawn_with_overlay);
    suite_add_tcase(s, tc);
    tc = tcase_create("sim");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sweep_sim_built_from_model);
    tcase_add_test(tc, sweep_sim_run);
    tcase_add_test(tc, sweep_sim_evaluated_and_reported);
    tcase_add_test(tc, sweep_sim_replications);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(oom_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

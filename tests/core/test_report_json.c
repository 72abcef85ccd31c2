/* areas: base patterns model sim export */
/* test_report_json.c - the run report: every field against the simulator's own numbers. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "designkit/alloc.h"
#include "designkit/report.h"
#include "designkit/hist.h"
#include "designkit/model.h"
#include "designkit/sim.h"

/* client -> api (2 servers, cache-aside) -> cache, db; two classes. Run for 5 simulated s. */
static dk_sim_t *tiny_run(uint64_t seed)
{
    dk_error err;
    dk_status st;
    dk_sim_t *sim = dk_sim_new(seed, &st);
    ck_assert_ptr_nonnull(sim);
    uint32_t read_cls, write_cls;
    ck_assert_int_eq(dk_sim_add_class(sim, "read", &read_cls), DK_OK);
    ck_assert_int_eq(dk_sim_add_class(sim, "write", &write_cls), DK_OK);

    const double mix[] = {0.8, 0.2};
    dk_dist_t *keys = dk_dist_zipf(1000, 1.0, NULL);
    dk_client_config cc = {.rate = 400, .poisson = 1, .mix = mix, .mix_len = 2, .keys = keys};
    dk_actor_t *client = dk_sim_add_client(sim, "users", &cc, &err);
    ck_assert_msg(client != NULL, "%s", err.message);
    dk_dist_free(keys);

    dk_dist_t *api_time = dk_dist_exponential(2e6, NULL);
    dk_station_config api_cfg = {.servers = 2, .queue_limit = 0, .service = api_time};
    dk_actor_t *api = dk_sim_add_station(sim, "api", "service", &api_cfg, &err);
    ck_assert_msg(api != NULL, "%s", err.message);
    dk_dist_free(api_time);

    dk_dist_t *cache_time = dk_dist_constant(1e5, NULL);
    dk_cache_config cache_cfg = {.station = {.servers = 0, .queue_limit = 0, .service = cache_time},
                                 .capacity = 100,
                                 .policy = "lru",
                                 .ttl = 0};
    dk_actor_t *cache = dk_sim_add_cache(sim, "redis", &cache_cfg, &err);
    ck_assert_msg(cache != NULL, "%s", err.message);
    dk_dist_free(cache_time);

    dk_dist_t *db_time = dk_dist_exponential(4e6, NULL);
    dk_station_config db_cfg = {.servers = 4, .queue_limit = 0, .service = db_time};
    dk_actor_t *db = dk_sim_add_station(sim, "db", "database", &db_cfg, &err);
    ck_assert_msg(db != NULL, "%s", err.message);
    dk_dist_free(db_time);

    dk_dist_t *lat = dk_dist_constant(2e5, NULL);
    ck_assert_int_eq(dk_sim_link(sim, client, api, lat, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link(sim, api, cache, NULL, &err), DK_OK);
    ck_assert_int_eq(dk_sim_link(sim, api, db, NULL, &err), DK_OK);
    dk_dist_free(lat);

    dk_flow flow;
    ck_assert_int_eq(dk_flow_cache_aside(cache, db, &flow), DK_OK);
    ck_assert_int_eq(dk_station_route(api, UINT32_MAX, flow, &err), DK_OK);

    st = dk_sim_run(sim, 5 * DK_SEC, 0, NULL, NULL);
    ck_assert_msg(st == DK_OK, "run: %s", dk_sim_error(sim));
    return sim;
}

static char *report(const dk_sim_t *sim, const dk_model_t *m, uint64_t seed,
                    const dk_report_expectation *expect, size_t n_expect)
{
    char *json = NULL;
    dk_error err;
    dk_status st = dk_report_json(sim, m, seed, expect, n_expect, &json, &err);
    ck_assert_msg(st == DK_OK, "report: %s", err.message);
    ck_assert_ptr_nonnull(json);
    return json;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    ck_assert_msg(cJSON_IsNumber(v), "\"%s\" is not a number", key);
    return v->valuedouble;
}

static int is_null(const cJSON *o, const char *key)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void check_latency(const cJSON *lat, const dk_hist_t *h)
{
    if (h == NULL || dk_hist_count(h) == 0) {
        ck_assert_msg(cJSON_IsNull(lat), "latency should be null with no samples");
        return;
    }
    ck_assert_double_eq(num(lat, "count"), (double)dk_hist_count(h));
    ck_assert_double_eq_tol(num(lat, "mean_ns"), dk_hist_mean(h), 1e-6 * dk_hist_mean(h));
    ck_assert_double_eq(num(lat, "p50_ns"), (double)dk_hist_percentile(h, 50));
    ck_assert_double_eq(num(lat, "p90_ns"), (double)dk_hist_percentile(h, 90));
    ck_assert_double_eq(num(lat, "p99_ns"), (double)dk_hist_percentile(h, 99));
    ck_assert_double_eq(num(lat, "p999_ns"), (double)dk_hist_percentile(h, 99.9));
    ck_assert_double_eq(num(lat, "max_ns"), (double)dk_hist_max(h));
}

/* ---- fields ---- */

START_TEST(header_fields)
{
    dk_sim_t *sim = tiny_run(7);
    char *json = report(sim, NULL, 7, NULL, 0);
    cJSON *root = cJSON_Parse(json);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(cJSON_GetObjectItem(root, "designkit")->valuestring, "report");
    ck_assert_double_eq(num(root, "version"), DK_REPORT_SCHEMA_VERSION);
    ck_assert(is_null(root, "model"));
    ck_assert_double_eq(num(root, "seed"), 7);
    ck_assert_double_eq(num(root, "duration_s"), (double)dk_sim_end_time(sim) / 1e9);
    ck_assert_double_eq(num(root, "duration_s"), 5);
    ck_assert_double_eq(num(root, "events"), (double)dk_sim_events(sim));
    ck_assert_double_eq(num(root, "in_flight"), (double)dk_sim_in_flight(sim));
    cJSON *ex = cJSON_GetObjectItem(root, "expectations");
    ck_assert(cJSON_IsArray(ex));
    ck_assert_int_eq(cJSON_GetArraySize(ex), 0);
    cJSON_Delete(root);
    dk_free(json);
    dk_sim_free(sim);
}
END_TEST

START_TEST(components_match_actor_stats)
{
    dk_sim_t *sim = tiny_run(11);
    char *json = report(sim, NULL, 11, NULL, 0);
    cJSON *root = cJSON_Parse(json);
    cJSON *comps = cJSON_GetObjectItem(root, "components");
    double end = (double)dk_sim_end_time(sim);
    ck_assert_int_eq(cJSON_GetArraySize(comps), (int)dk_sim_actor_count(sim));
    int saw_hit_ratio = 0, saw_utilisation = 0;
    for (size_t i = 0; i < dk_sim_actor_count(sim); i++) {
        const dk_actor_t *a = dk_sim_actor(sim, i);
        const dk_actor_stats *s = dk_actor_get_stats(a);
        cJSON *c = cJSON_GetArrayItem(comps, (int)i);
        ck_assert_str_eq(cJSON_GetObjectItem(c, "name")->valuestring, dk_actor_name(a));
        ck_assert_str_eq(cJSON_GetObjectItem(c, "kind")->valuestring, dk_actor_kind(a));
        ck_assert_double_eq(num(c, "arrivals"), (double)s->arrivals);
        ck_assert_double_eq(num(c, "completed"), (double)s->completed);
        ck_assert_double_eq(num(c, "rejected"), (double)s->rejected);
        ck_assert_double_eq(num(c, "failed"), (double)s->failed);
        ck_assert_double_eq_tol(num(c, "throughput"), (double)s->completed / 5.0, 1e-9);
        ck_assert_double_eq_tol(num(c, "mean_queue"), s->queue_area / end, 1e-12);
        if (s->servers > 0) {
            double u = (s->busy_area - s->waiting_area) / ((double)s->servers * end);
            ck_assert_double_eq_tol(num(c, "utilisation"), u, 1e-12);
            ck_assert(u > 0 && u < 1);
            saw_utilisation++;
        } else {
            ck_assert(is_null(c, "utilisation"));
        }
        if (s->hits + s->misses > 0) {
            ck_assert_double_eq_tol(num(c, "hit_ratio"),
                                    (double)s->hits / (double)(s->hits + s->misses), 1e-12);
            saw_hit_ratio++;
        } else {
            ck_assert(is_null(c, "hit_ratio"));
        }
        check_latency(cJSON_GetObjectItem(c, "latency"), s->latency);
    }
    ck_assert_int_eq(saw_hit_ratio, 1);   /* the cache */
    ck_assert_int_eq(saw_utilisation, 2); /* api and db */
    cJSON_Delete(root);
    dk_free(json);
    dk_sim_free(sim);
}
END_TEST

START_TEST(classes_match_class_stats)
{
    dk_sim_t *sim = tiny_run(3);
    char *json = report(sim, NULL, 3, NULL, 0);
    cJSON *root = cJSON_Parse(json);
    cJSON *classes = cJSON_GetObjectItem(root, "classes");
    ck_assert_int_eq(cJSON_GetArraySize(classes), 2);
    uint64_t created = 0;
    for (uint32_t i = 0; i < 2; i++) {
        const dk_class_stats *s = dk_sim_class_stats(sim, i);
        cJSON *c = cJSON_GetArrayItem(classes, (int)i);
        ck_assert_str_eq(cJSON_GetObjectItem(c, "name")->valuestring, dk_sim_class_name(sim, i));
        ck_assert_double_eq(num(c, "created"), (double)s->created);
        ck_assert_double_eq(num(c, "completed"), (double)s->completed);
        ck_assert_double_eq(num(c, "failed"), (double)s->failed);
        ck_assert_double_eq(num(c, "in_flight"), (double)(s->created - s->completed - s->failed));
        ck_assert_double_eq_tol(num(c, "throughput"), (double)s->completed / 5.0, 1e-9);
        ck_assert_double_eq_tol(num(c, "availability"),
                                (double)s->completed / (double)(s->completed + s->failed), 1e-12);
        check_latency(cJSON_GetObjectItem(c, "latency"), s->latency);
        created += s->created;
    }
    /* about 400/s for 5 s, split 80/20 */
    ck_assert_uint_gt(created, 1700);
    ck_assert_uint_lt(created, 2300);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(classes, 0), "name")->valuestring,
                     "read");
    cJSON_Delete(root);
    dk_free(json);
    dk_sim_free(sim);
}
END_TEST

/* Two evaluated expectations: one about a class with a measured value, one with nothing
 * measured. Each is an object with its keys in alphabetical order, "class" and "value" only
 * when there is one; numbers as cJSON prints doubles. */
static const dk_report_expectation two_expectations[] = {
    {.metric = "p50",
     .cls = "read",
     .limit = 0.01,
     .value = 0.003153919,
     .has_value = 1,
     .ok = 1,
     .text = "read p50 3.154ms <= 10ms"},
    {.metric = "availability",
     .cls = NULL,
     .limit = 0.999,
     .value = 12345, /* not written: has_value is 0 */
     .has_value = 0,
     .ok = 0,
     .text = "availability: no data (>= 99.9%)"},
};

START_TEST(model_name_and_expectations)
{
    dk_sim_t *sim = tiny_run(5);
    dk_model_t *m = dk_model_new("tiny", NULL);
    char *json = report(sim, m, 5, two_expectations, 2);
    cJSON *root = cJSON_Parse(json);
    ck_assert_str_eq(cJSON_GetObjectItem(root, "model")->valuestring, "tiny");
    cJSON *ex = cJSON_GetObjectItem(root, "expectations");
    ck_assert_int_eq(cJSON_GetArraySize(ex), 2);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 0), "ok")));
    ck_assert_double_eq(num(cJSON_GetArrayItem(ex, 0), "value"), 0.003153919);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 1), "value"));
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 1), "class"));
    const char *want = "\t\"expectations\":\t[{\n"
                       "\t\t\t\"class\":\t\"read\",\n"
                       "\t\t\t\"limit\":\t0.01,\n"
                       "\t\t\t\"metric\":\t\"p50\",\n"
                       "\t\t\t\"ok\":\ttrue,\n"
                       "\t\t\t\"text\":\t\"read p50 3.154ms <= 10ms\",\n"
                       "\t\t\t\"value\":\t0.003153919\n"
                       "\t\t}, {\n"
                       "\t\t\t\"limit\":\t0.999,\n"
                       "\t\t\t\"metric\":\t\"availability\",\n"
                       "\t\t\t\"ok\":\tfalse,\n"
                       "\t\t\t\"text\":\t\"availability: no data (>= 99.9%)\"\n"
                       "\t\t}]\n"
                       "}";
    const char *at = strstr(json, "\t\"expectations\"");
    ck_assert_ptr_nonnull(at);
    ck_assert_str_eq(at, want);
    cJSON_Delete(root);
    dk_free(json);
    dk_model_free(m);
    dk_sim_free(sim);
}
END_TEST

START_TEST(seed_is_exact)
{
    dk_sim_t *sim = tiny_run(1);
    char *json = report(sim, NULL, UINT64_MAX, NULL, 0);
    ck_assert_ptr_nonnull(strstr(json, "\"seed\":\t18446744073709551615,"));
    dk_free(json);
    dk_sim_free(sim);
}
END_TEST

/* ---- determinism ---- */

START_TEST(same_seed_same_bytes)
{
    dk_sim_t *a = tiny_run(42), *b = tiny_run(42), *c = tiny_run(43);
    char *ja = report(a, NULL, 42, NULL, 0), *jb = report(b, NULL, 42, NULL, 0);
    char *jc = report(c, NULL, 43, NULL, 0);
    ck_assert_str_eq(ja, jb);
    ck_assert_str_ne(ja, jc);
    dk_free(ja);
    dk_free(jb);
    dk_free(jc);
    dk_sim_free(a);
    dk_sim_free(b);
    dk_sim_free(c);
}
END_TEST

/* ---- bad input ---- */

START_TEST(bad_expectations)
{
    dk_sim_t *sim = tiny_run(1);
    char *json = (char *)"x";
    dk_error err;
    dk_report_expectation e = two_expectations[0];
    e.metric = NULL;
    ck_assert_int_eq(dk_report_json(sim, NULL, 1, &e, 1, &json, &err), DK_EINVAL);
    ck_assert_ptr_null(json);
    ck_assert_str_eq(err.message, "report: expectations[0]: metric is required");
    dk_report_expectation two[2] = {two_expectations[0], two_expectations[1]};
    two[1].text = NULL;
    ck_assert_int_eq(dk_report_json(sim, NULL, 1, two, 2, &json, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "report: expectations[1]: text is required");
    ck_assert_int_eq(dk_report_json(sim, NULL, 1, NULL, 3, &json, &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "report: 3 expectations but no array");
    ck_assert_int_eq(dk_report_json(NULL, NULL, 1, NULL, 0, &json, &err), DK_EINVAL);
    ck_assert_int_eq(dk_report_json(sim, NULL, 1, NULL, 0, NULL, &err), DK_EINVAL);
    dk_sim_free(sim);
}
END_TEST

START_TEST(out_of_memory_is_reported)
{
    dk_sim_t *sim = tiny_run(9);
    char *good = report(sim, NULL, 9, two_expectations, 2);
    int failed = 0;
    for (long n = 0; n < 5000; n++) {
        char *json = NULL;
        dk_error err;
        dk_alloc_fail_after(n);
        dk_status st = dk_report_json(sim, NULL, 9, two_expectations, 2, &json, &err);
        dk_alloc_fail_after(-1);
        if (st == DK_OK) {
            ck_assert_str_eq(json, good);
            dk_free(json);
            break;
        }
        ck_assert_int_eq(st, DK_ENOMEM);
        ck_assert_ptr_null(json);
        failed++;
    }
    ck_assert_int_gt(failed, 10);
    dk_free(good);
    dk_sim_free(sim);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report_json");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, header_fields);
    tcase_add_test(tc, components_match_actor_stats);
    tcase_add_test(tc, classes_match_class_stats);
    tcase_add_test(tc, model_name_and_expectations);
    tcase_add_test(tc, seed_is_exact);
    suite_add_tcase(s, tc);

    tc = tcase_create("determinism");
    tcase_add_test(tc, same_seed_same_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad input");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bad_expectations);
    tcase_add_test(tc, out_of_memory_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(report_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

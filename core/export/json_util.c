/* json_util.c - private cJSON helpers: allocation hooks, distributions, exact integers, keys. */
#include "export/json_util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "designkit/model.h"
#include "designkit/suggest.h"

static void *json_malloc(size_t size)
{
    return dk_malloc(size);
}

static void json_free(void *ptr)
{
    dk_free(ptr);
}

/* Allocations refused before the last dk__json_init: cJSON says NULL for malformed text and for
 * out-of-memory alike, and a probe allocation after the fact cannot tell them apart once memory
 * is back (a failure that passed), so the count of refusals does. */
static unsigned long failures_at_init;

void dk__json_init(void)
{
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
    failures_at_init = dk_alloc_failures();
}

int dk__json_out_of_memory(void)
{
    return dk_alloc_failures() != failures_at_init;
}

/* Appends `x` to array `arr`; 0 on out-of-memory. */
static int add_number(cJSON *arr, double x)
{
    cJSON *jx = cJSON_CreateNumber(x);
    return jx != NULL && cJSON_AddItemToArray(arr, jx);
}

/* A mixture's parts: {"weights": [...], "parts": [dist, ...]}; a hyperexponential's phases:
 * {"probs": [...], "means": [...]}. 0 on out-of-memory. */
static int add_parts(cJSON *j, const dk_dist_t *d)
{
    int hyper = dk_dist_kind_of(d) == DK_DIST_HYPEREXP;
    cJSON *weights = cJSON_AddArrayToObject(j, hyper ? "probs" : "weights");
    cJSON *parts = cJSON_AddArrayToObject(j, hyper ? "means" : "parts");
    if (weights == NULL || parts == NULL)
        return 0;
    for (size_t i = 0; i < dk_dist_part_count(d); i++) {
        const dk_dist_t *part = dk_dist_part(d, i);
        if (!add_number(weights, dk_dist_part_weight(d, i)))
            return 0;
        if (hyper) {
            if (!add_number(parts, dk_dist_mean(part)))
                return 0;
        } else {
            cJSON *jp = dk__json_from_dist(part);
            if (jp == NULL || !cJSON_AddItemToArray(parts, jp)) {
                cJSON_Delete(jp);
                return 0;
            }
        }
    }
    return 1;
}

cJSON *dk__json_from_dist(const dk_dist_t *d)
{
    dk_dist_kind kind = dk_dist_kind_of(d);
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddStringToObject(j, "kind", dk_dist_kind_name(kind)) == NULL)
        goto oom;
    if (kind == DK_DIST_MIXTURE || kind == DK_DIST_HYPEREXP) {
        if (!add_parts(j, d))
            goto oom;
    } else if (kind == DK_DIST_EMPIRICAL) {
        size_t n = dk_dist_empirical_size(d);
        cJSON *values = cJSON_AddArrayToObject(j, "values");
        cJSON *weights = cJSON_AddArrayToObject(j, "weights");
        if (values == NULL || weights == NULL)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            double v, w;
            dk_dist_empirical_at(d, i, &v, &w);
            cJSON *jv = cJSON_CreateNumber(v), *jw = cJSON_CreateNumber(w);
            if (jv == NULL || jw == NULL) {
                cJSON_Delete(jv);
                cJSON_Delete(jw);
                goto oom;
            }
            cJSON_AddItemToArray(values, jv);
            cJSON_AddItemToArray(weights, jw);
        }
    } else {
        double p[2];
        size_t n = dk_dist_params(d, p);
        cJSON *params = cJSON_AddArrayToObject(j, "params");
        if (params == NULL)
            goto oom;
        for (size_t i = 0; i < n; i++) {
            cJSON *jp = cJSON_CreateNumber(p[i]);
            if (jp == NULL)
                goto oom;
            cJSON_AddItemToArray(params, jp);
        }
    }
    return j;
oom:
    cJSON_Delete(j);
    return NULL;
}

/* Reads a numeric array into a fresh dk_malloc'd buffer; *n gets its length. */
static dk_status number_array(const cJSON *arr, const char *field, double **out, size_t *n,
                              dk_error *err)
{
    *out = NULL;
    *n = 0;
    if (!cJSON_IsArray(arr))
        return dk_error_set(err, DK_EINVAL, "%s must be an array of numbers (got %s)", field,
                            dk__json_type_name(arr));
    size_t count = (size_t)cJSON_GetArraySize(arr);
    if (count == 0)
        return DK_OK;
    double *v = dk_malloc(count * sizeof *v);
    if (v == NULL)
        return dk_error_set(err, DK_ENOMEM, "out of memory");
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsNumber(item)) {
            dk_free(v);
            return dk_error_set(err, DK_EINVAL, "%s[%zu] must be a number (got %s)", field, i,
                                dk__json_type_name(item));
        }
        v[i++] = item->valuedouble;
    }
    *out = v;
    *n = count;
    return DK_OK;
}

/* How many constructor parameters each non-empirical kind takes. */
static size_t param_count(dk_dist_kind kind)
{
    return (kind == DK_DIST_CONSTANT || kind == DK_DIST_EXPONENTIAL) ? 1 : 2;
}

static dk_dist_t *from_params(dk_dist_kind kind, const double *p, dk_error *err)
{
    switch (kind) {
    case DK_DIST_CONSTANT:
        return dk_dist_constant(p[0], err);
    case DK_DIST_UNIFORM:
        return dk_dist_uniform(p[0], p[1], err);
    case DK_DIST_EXPONENTIAL:
        return dk_dist_exponential(p[0], err);
    case DK_DIST_NORMAL:
        return dk_dist_normal(p[0], p[1], err);
    case DK_DIST_LOGNORMAL:
        return dk_dist_lognormal(p[0], p[1], err);
    case DK_DIST_PARETO:
        return dk_dist_pareto(p[0], p[1], err);
    case DK_DIST_ZIPF:
        /* n is a count: refuse what would be silently truncated */
        if (!(p[0] >= 1 && p[0] <= 9007199254740992.0) || floor(p[0]) != p[0]) {
            dk_error_set(err, DK_EINVAL, "zipf: n must be a positive integer (got %g)", p[0]);
            return NULL;
        }
        return dk_dist_zipf((uint64_t)p[0], p[1], err);
    case DK_DIST_EMPIRICAL:
    case DK_DIST_MIXTURE:
    case DK_DIST_HYPEREXP:
        break;
    }
    dk_error_set(err, DK_EINTERNAL, "unexpected distribution kind %d", (int)kind);
    return NULL;
}

/* {"kind": "mixture", "weights": [...], "parts": [dist, ...]}: the parts are read by
 * dk__json_to_dist, and a bad one's message says which ("parts[1]: exponential: ..."). */
static dk_dist_t *mixture_from(const cJSON *j, dk_error *err)
{
    static const char *const keys[] = {"kind", "weights", "parts", NULL};
    const cJSON *jparts = cJSON_GetObjectItemCaseSensitive(j, "parts"), *item;
    double *weights = NULL;
    dk_dist_t **parts = NULL, *d = NULL;
    size_t nw = 0, np = 0;

    if (dk__json_check_keys(j, keys, err) != DK_OK ||
        number_array(cJSON_GetObjectItemCaseSensitive(j, "weights"), "weights", &weights, &nw,
                     err) != DK_OK)
        return NULL;
    if (!cJSON_IsArray(jparts)) {
        dk_error_set(err, DK_EINVAL, "parts must be an array of distributions (got %s)",
                     dk__json_type_name(jparts));
        goto done;
    }
    if ((size_t)cJSON_GetArraySize(jparts) != nw) {
        dk_error_set(err, DK_EINVAL, "mixture: %zu weights for %d parts", nw,
                     cJSON_GetArraySize(jparts));
        goto done;
    }
    if (nw > 0 && (parts = dk_calloc(nw, sizeof *parts)) == NULL) {
        dk_error_set(err, DK_ENOMEM, "out of memory");
        goto done;
    }
    cJSON_ArrayForEach(item, jparts)
    {
        if ((parts[np] = dk__json_to_dist(item, err)) == NULL) {
            if (err != NULL && err->status != DK_ENOMEM)
                dk_error_prefix(err, "parts[%zu]: ", np);
            goto done;
        }
        np++;
    }
    d = dk_dist_mixture(weights, (const dk_dist_t *const *)parts, nw, err);
done:
    for (size_t i = 0; i < np; i++)
        dk_dist_free(parts[i]);
    dk_free(parts);
    dk_free(weights);
    return d;
}

/* {"kind": "hyperexponential", "probs": [...], "means": [...]}. */
static dk_dist_t *hyperexp_from(const cJSON *j, dk_error *err)
{
    static const char *const keys[] = {"kind", "probs", "means", NULL};
    double *probs = NULL, *means = NULL;
    size_t np = 0, nm = 0;
    dk_dist_t *d = NULL;

    if (dk__json_check_keys(j, keys, err) != DK_OK ||
        number_array(cJSON_GetObjectItemCaseSensitive(j, "probs"), "probs", &probs, &np, err) !=
            DK_OK ||
        number_array(cJSON_GetObjectItemCaseSensitive(j, "means"), "means", &means, &nm, err) !=
            DK_OK)
        goto done;
    if (np != nm)
        dk_error_set(err, DK_EINVAL, "hyperexponential: %zu probs for %zu means", np, nm);
    else
        d = dk_dist_hyperexp(probs, means, np, err);
done:
    dk_free(probs);
    dk_free(means);
    return d;
}

dk_dist_t *dk__json_to_dist(const cJSON *j, dk_error *err)
{
    static const char *const param_keys[] = {"kind", "params", NULL};
    static const char *const empirical_keys[] = {"kind", "values", "weights", NULL};
    dk_dist_kind kind;

    if (!cJSON_IsObject(j)) {
        dk_error_set(err, DK_EINVAL,
                     "a distribution must be an object like {\"kind\":\"exponential\","
                     "\"params\":[2000000]} (got %s)",
                     dk__json_type_name(j));
        return NULL;
    }
    const cJSON *jk = cJSON_GetObjectItemCaseSensitive(j, "kind");
    if (!cJSON_IsString(jk)) {
        dk_error_set(err, DK_EINVAL, "distribution \"kind\" must be a string (got %s)",
                     dk__json_type_name(jk));
        return NULL;
    }
    if (dk_dist_kind_parse(jk->valuestring, &kind) != DK_OK) {
        dk_error_set(err, DK_EINVAL,
                     "unknown distribution kind \"%s\" (use constant, uniform, exponential, "
                     "normal, lognormal, pareto, zipf, empirical, mixture, hyperexponential)",
                     jk->valuestring);
        return NULL;
    }
    if (kind == DK_DIST_MIXTURE)
        return mixture_from(j, err);
    if (kind == DK_DIST_HYPEREXP)
        return hyperexp_from(j, err);

    if (kind == DK_DIST_EMPIRICAL) {
        double *values = NULL, *weights = NULL;
        size_t nv = 0, nw = 0;
        dk_dist_t *d = NULL;
        if (dk__json_check_keys(j, empirical_keys, err) != DK_OK)
            return NULL;
        if (number_array(cJSON_GetObjectItemCaseSensitive(j, "values"), "values", &values, &nv,
                         err) != DK_OK)
            return NULL;
        const cJSON *jw = cJSON_GetObjectItemCaseSensitive(j, "weights");
        if (jw != NULL && number_array(jw, "weights", &weights, &nw, err) != DK_OK)
            goto done;
        if (nv == 0) {
            dk_error_set(err, DK_EINVAL, "empirical: values must not be empty");
            goto done;
        }
        if (jw != NULL && nw != nv) {
            dk_error_set(err, DK_EINVAL, "empirical: %zu weights for %zu values", nw, nv);
            goto done;
        }
        d = dk_dist_empirical(values, weights, nv, err);
    done:
        dk_free(values);
        dk_free(weights);
        return d;
    }

    if (dk__json_check_keys(j, param_keys, err) != DK_OK)
        return NULL;
    double *p = NULL;
    size_t np = 0;
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(j, "params");
    if (number_array(jp, "params", &p, &np, err) != DK_OK)
        return NULL;
    if (np != param_count(kind)) {
        dk_error_set(err, DK_EINVAL, "%s takes %zu parameter%s (got %zu)", dk_dist_kind_name(kind),
                     param_count(kind), param_count(kind) == 1 ? "" : "s", np);
        dk_free(p);
        return NULL;
    }
    dk_dist_t *d = from_params(kind, p, err);
    dk_free(p);
    return d;
}

int dk__json_attach(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return 0;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return 0;
    }
    return 1;
}

int dk__json_add_u64(cJSON *obj, const char *key, uint64_t v)
{
    char buf[24];
    dk_snprintf(buf, sizeof buf, "%" PRIu64, v);
    return cJSON_AddRawToObject(obj, key, buf) != NULL;
}

const char *dk__json_type_name(const cJSON *j)
{
    if (j == NULL)
        return "nothing";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "an invalid value";
}

dk_status dk__json_check_keys(const cJSON *obj, const char *const *valid, dk_error *err)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
    {
        size_t i;
        for (i = 0; valid[i] != NULL; i++)
            if (strcmp(item->string, valid[i]) == 0)
                break;
        if (valid[i] == NULL) {
            char list[256] = "";
            size_t used = 0;
            for (i = 0; valid[i] != NULL && used < sizeof list; i++) {
                int n =
                    dk_snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", valid[i]);
                if (n < 0)
                    break;
                used += (size_t)n;
            }
            /* "did you mean", as for properties and options */
            dk_suggest s;
            dk_suggest_init(&s, item->string);
            for (i = 0; valid[i] != NULL; i++)
                dk_suggest_add(&s, valid[i]);
            const char *best = dk_suggest_best(&s);
            char q[160];
            return dk_error_set(err, DK_EINVAL, "unknown key %s%s%s%s (use %s)",
                                dk_name_quote(item->string, strlen(item->string), q, sizeof q),
                                best ? "; did you mean \"" : "", best ? best : "",
                                best ? "\"?" : "", list);
        }
        /* a repeated key would be read once and silently lose the other value */
        for (const cJSON *prev = obj->child; prev != item; prev = prev->next)
            if (strcmp(prev->string, item->string) == 0)
                return dk_error_set(err, DK_EINVAL, "duplicate key \"%s\"", item->string);
    }
    return DK_OK;
}

/* Length of the well-formed UTF-8 sequence at `p` (1 to 4 bytes), or 0 when it is ill-formed:
 * a stray continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, or a
 * sequence cut short by `end`. The ranges are those of table 3-7 in the Unicode standard. */
size_t dk__json_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned lo = 0x80, hi = 0xBF;
    size_t n;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        if (p[0] == 0xE0)
            lo = 0xA0; /* overlong below */
        else if (p[0] == 0xED)
            hi = 0x9F; /* surrogates above */
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        if (p[0] == 0xF0)
            lo = 0x90;
        else if (p[0] == 0xF4)
            hi = 0x8F; /* beyond U+10FFFF above */
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

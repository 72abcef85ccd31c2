/* props.c - component properties: defaults, checked setters (numbers, text with units,
 * distributions, mixes) and getters. */
#include "designkit/locale.h"
#include "designkit/model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/suggest.h"
#include "designkit/units.h"
#include "model/internal.h"

/*
 * dk__comp_fail - see internal.h. With a NULL `err` only the status comes back, so callers that
 * do not want the text pay nothing for it.
 */
dk_status dk__comp_fail(const dk_comp_t *c, dk_error *err, dk_status status, const char *fmt, ...)
{
    char msg[DK_ERROR_MAX];
    va_list ap;

    if (err == NULL)
        return status;
    va_start(ap, fmt);
    dk_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dk_error_set(err, status, "%s \"%s\": %s", dk_kind_name(c->kind), c->name, msg);
}

#define fail dk__comp_fail

static void mix_clear(dk__pval *v)
{
    for (size_t i = 0; i < v->mix_n; i++)
        dk_free(v->mix_cls[i]);
    dk_free(v->mix_cls);
    dk_free(v->mix_w);
    v->mix_cls = NULL;
    v->mix_w = NULL;
    v->mix_n = 0;
}

dk_status dk__props_init(dk_comp_t *c)
{
    size_t n = c->kind->nprops;
    const dk_prop_info *info = c->kind->props;

    c->props = dk_calloc(n > 0 ? n : 1, sizeof *c->props);
    if (c->props == NULL)
        return DK_ENOMEM;
    c->nprops = n;
    for (size_t i = 0; i < n; i++) {
        dk__pval *v = &c->props[i];
        v->num = info[i].def;
        if (info[i].type == DK_PROP_DIST) {
            v->dist = dk_dist_constant(info[i].def, NULL);
            if (v->dist == NULL)
                return DK_ENOMEM;
        } else if (info[i].type == DK_PROP_MIX) {
            /* One class, named as def_text says, so a client with no mix still sends. */
            v->mix_cls = dk_malloc(sizeof *v->mix_cls);
            v->mix_w = dk_malloc(sizeof *v->mix_w);
            if (v->mix_cls == NULL || v->mix_w == NULL ||
                (v->mix_cls[0] = dk_strdup(info[i].def_text)) == NULL) {
                dk_free(v->mix_cls);
                dk_free(v->mix_w);
                v->mix_cls = NULL;
                v->mix_w = NULL;
                return DK_ENOMEM;
            }
            v->mix_w[0] = 1;
            v->mix_n = 1;
        }
    }
    return DK_OK;
}

void dk__props_free(dk_comp_t *c)
{
    for (size_t i = 0; c->props != NULL && i < c->nprops; i++) {
        dk_dist_free(c->props[i].dist);
        mix_clear(&c->props[i]);
    }
    dk_free(c->props);
    c->props = NULL;
}

/* The schema entry and value slot of `prop` on `c`, or DK_ENOTFOUND naming the valid ones. */
static dk_status lookup(const dk_comp_t *c, const char *prop, const dk_prop_info **info,
                        dk__pval **val, dk_error *err)
{
    int i;
    char list[256];

    if (c == NULL)
        return dk_error_set(err, DK_EINVAL, "no component given");
    if (prop == NULL)
        return fail(c, err, DK_EINVAL, "option name missing");
    i = dk_kind_prop_id(c->kind, prop);
    if (i < 0) {
        dk_suggest s; /* "did you mean", as the Lua glue and the CLI say it */
        dk_suggest_init(&s, prop);
        for (size_t k = 0; k < c->kind->nprops; k++)
            dk_suggest_add(&s, c->kind->props[k].name);
        const char *best = dk_suggest_best(&s);
        return fail(c, err, DK_ENOTFOUND, "unknown option \"%.64s\"%s%s%s (valid: %s)", prop,
                    best ? "; did you mean \"" : "", best ? best : "", best ? "\"?" : "",
                    dk_kind_prop_list(c->kind, list, sizeof list));
    }
    *info = &c->kind->props[i];
    *val = &c->props[i];
    return DK_OK;
}

/* The unit a value of `info` is written in, for messages: the number setter takes base units
 * and a message showing "-5ns" tells the caller which. */
static const char *unit_of(const dk_prop_info *info)
{
    switch (info->type) {
    case DK_PROP_DURATION:
        return "ns";
    case DK_PROP_SIZE:
        return "B";
    case DK_PROP_RATE:
        return "/s";
    case DK_PROP_DIST:
        return (info->flags & DK_PROP_F_DURATIONS) ? "ns"
               : (info->flags & DK_PROP_F_SIZES)   ? "B"
                                                   : "";
    default:
        return "";
    }
}

/* Checks a finite number against the type and range of `info`. */
static dk_status check_value(const dk_comp_t *c, const dk_prop_info *info, double v, dk_error *err)
{
    char got[32], lo[32], hi[32];
    const char *u = unit_of(info);

    if (!isfinite(v))
        return fail(c, err, DK_EINVAL, "%s must be a finite number (got %g)", info->name, v);
    dk__fmt_num(v, got);
    dk__fmt_num(info->min, lo);
    dk__fmt_num(info->max, hi);
    if (info->type == DK_PROP_INT) {
        int whole = v == floor(v);
        if (whole && v >= info->min && v <= info->max)
            return DK_OK;
        if (!whole || v < info->min) {
            dk_status st = whole ? DK_ERANGE : DK_EINVAL;
            if (info->min == 1)
                return fail(c, err, st, "%s must be a positive integer (got %s)", info->name, got);
            if (info->min == 0)
                return fail(c, err, st, "%s must be a non-negative integer (got %s)", info->name,
                            got);
        }
        return fail(c, err, whole ? DK_ERANGE : DK_EINVAL,
                    "%s must be an integer from %s to %s (got %s)", info->name, lo, hi, got);
    }
    if ((info->flags & DK_PROP_F_POSITIVE) && v <= info->min)
        return fail(c, err, DK_ERANGE, "%s must be positive (got %s%s)", info->name, got, u);
    if (v < info->min && info->min == 0)
        return fail(c, err, DK_ERANGE, "%s must not be negative (got %s%s)", info->name, got, u);
    if (v < info->min || v > info->max)
        return fail(c, err, DK_ERANGE, "%s must be from %s%s to %s%s (got %s%s)", info->name, lo, u,
                    hi, u, got, u);
    return DK_OK;
}

/* Replaces the distribution of a DIST slot, taking ownership of `d`. */
static void put_dist(dk__pval *val, dk_dist_t *d)
{
    dk_dist_free(val->dist);
    val->dist = d;
    val->set = 1;
}

/* A constant distribution of `v` into a DIST slot, after the range check. */
static dk_status set_constant(dk_comp_t *c, const dk_prop_info *info, dk__pval *val, double v,
                              dk_error *err)
{
    dk_status st = check_value(c, info, v, err);
    dk_dist_t *d;

    if (st != DK_OK)
        return st;
    d = dk_dist_constant(v, NULL);
    if (d == NULL)
        return fail(c, err, DK_ENOMEM, "%s: out of memory", info->name);
    put_dist(val, d);
    return DK_OK;
}

static void choices_list(const dk_prop_info *info, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; info->choices[i] != NULL && len < size; i++) {
        int n = dk_snprintf(buf + len, size - len, "%s%s", i > 0 ? ", " : "", info->choices[i]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

/*
 * dk_comp_set_number - sets `prop` of `c` from a number in base units (ns, bytes, per second,
 * a fraction). INT needs a whole number, every type its range; a DIST property takes the number
 * as a constant. NaN and infinities are DK_EINVAL, a value out of range DK_ERANGE, an ENUM or
 * MIX property DK_EINVAL, an unknown property DK_ENOTFOUND. On failure nothing changes.
 */
dk_status dk_comp_set_number(dk_comp_t *c, const char *prop, double value, dk_error *err)
{
    const dk_prop_info *info = NULL;
    dk__pval *val = NULL;
    dk_status st = lookup(c, prop, &info, &val, err);
    char buf[160], got[32];

    if (st != DK_OK)
        return st;
    switch (info->type) {
    case DK_PROP_ENUM:
        choices_list(info, buf, sizeof buf);
        return fail(c, err, DK_EINVAL, "%s must be one of %s (got %s)", info->name, buf,
                    dk__fmt_num(value, got));
    case DK_PROP_MIX:
        return fail(c, err, DK_EINVAL,
                    "%s must be request classes with weights (got the number %s)", info->name,
                    dk__fmt_num(value, got));
    case DK_PROP_DIST:
        return set_constant(c, info, val, value, err);
    default:
        st = check_value(c, info, value, err);
        if (st != DK_OK)
            return st;
        val->num = value;
        val->set = 1;
        return DK_OK;
    }
}

/* Parses a plain decimal number (surrounding spaces allowed, nothing else); 0 on success. */
static int parse_plain(const char *text, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = dk_strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v))
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Runs a units parser's failure through `fail`, so its message gains the component and field. */
static dk_status unit_fail(const dk_comp_t *c, const dk_prop_info *info, const dk_error *inner,
                           dk_status st, dk_error *err)
{
    return fail(c, err, st, "%s: %s", info->name, inner->message);
}

/*
 * dk_comp_set_text - sets `prop` of `c` from text as a user writes it: a plain number for INT
 * and NUMBER, "2ms" for DURATION (and for a DIST of durations, as a constant), "64KiB" for SIZE
 * (and for a DIST of sizes, as a constant),
 * "1k/s" for RATE, "99.9%" or "0.999" for FRACTION, one of the choices for ENUM. The parsed
 * value then passes the same checks as dk_comp_set_number. DK_EPARSE (or the unit parser's
 * status) for text that does not parse, with the parser's message after the field name.
 */
dk_status dk_comp_set_text(dk_comp_t *c, const char *prop, const char *text, dk_error *err)
{
    const dk_prop_info *info = NULL;
    dk__pval *val = NULL;
    dk_status st = lookup(c, prop, &info, &val, err);
    dk_error inner;
    double v = 0;
    int64_t ns;
    uint64_t bytes;
    char buf[160];

    if (st != DK_OK)
        return st;
    if (text == NULL)
        return fail(c, err, DK_EINVAL, "%s: no text given", info->name);
    dk_error_clear(&inner);
    switch (info->type) {
    case DK_PROP_INT:
    case DK_PROP_NUMBER:
        if (parse_plain(text, &v) != 0)
            return fail(c, err, DK_EPARSE, "%s must be a number (got \"%.64s\")", info->name, text);
        break;
    case DK_PROP_DURATION:
        if ((st = dk_parse_duration(text, &ns, &inner)) != DK_OK)
            return unit_fail(c, info, &inner, st, err);
        v = (double)ns;
        break;
    case DK_PROP_SIZE:
        if ((st = dk_parse_size(text, &bytes, &inner)) != DK_OK)
            return unit_fail(c, info, &inner, st, err);
        v = (double)bytes;
        break;
    case DK_PROP_RATE:
        if ((st = dk_parse_rate(text, &v, &inner)) != DK_OK)
            return unit_fail(c, info, &inner, st, err);
        break;
    case DK_PROP_FRACTION:
        if (strchr(text, '%') != NULL) {
            if ((st = dk_parse_percent(text, &v, &inner)) != DK_OK)
                return unit_fail(c, info, &inner, st, err);
        } else if (parse_plain(text, &v) != 0) {
            return fail(c, err, DK_EPARSE,
                        "%s must be a fraction like 0.999 or 99.9%% (got \"%.64s\")", info->name,
                        text);
        }
        break;
    case DK_PROP_ENUM:
        for (size_t i = 0; info->choices[i] != NULL; i++) {
            if (strcmp(text, info->choices[i]) == 0) {
                val->num = (double)i;
                val->set = 1;
                return DK_OK;
            }
        }
        choices_list(info, buf, sizeof buf);
        return fail(c, err, DK_EINVAL, "%s must be one of %s (got \"%.64s\")", info->name, buf,
                    text);
    case DK_PROP_DIST:
        if (info->flags & DK_PROP_F_DURATIONS) {
            if ((st = dk_parse_duration(text, &ns, &inner)) != DK_OK)
                return unit_fail(c, info, &inner, st, err);
            v = (double)ns;
        } else if (info->flags & DK_PROP_F_SIZES) {
            if ((st = dk_parse_size(text, &bytes, &inner)) != DK_OK)
                return unit_fail(c, info, &inner, st, err);
            v = (double)bytes;
        } else if (parse_plain(text, &v) != 0) {
            return fail(c, err, DK_EPARSE, "%s must be a number (got \"%.64s\")", info->name, text);
        }
        return set_constant(c, info, val, v, err);
    case DK_PROP_MIX:
        return fail(c, err, DK_EINVAL, "%s must be request classes with weights (got \"%.64s\")",
                    info->name, text);
    case DK_PROP__COUNT: /* not a type: the schema is static and checked by the tests */
        break;
    }
    return dk_comp_set_number(c, prop, v, err);
}

/* Checks the values a distribution can take where they are bounded (constant, uniform,
 * empirical, and such parts of a mixture); unbounded ones (exponential, normal, ...) are the
 * simulator's to clamp. */
static dk_status check_dist(dk_comp_t *c, const dk_prop_info *info, const dk_dist_t *d,
                            dk_error *err)
{
    double p[2];
    size_t np = dk_dist_params(d, p);
    dk_status st = DK_OK;

    switch (dk_dist_kind_of(d)) {
    case DK_DIST_CONSTANT:
    case DK_DIST_UNIFORM:
        for (size_t i = 0; i < np && st == DK_OK; i++)
            st = check_value(c, info, p[i], err);
        break;
    case DK_DIST_EMPIRICAL:
        for (size_t i = 0; i < dk_dist_empirical_size(d) && st == DK_OK; i++) {
            double v, w;
            dk_dist_empirical_at(d, i, &v, &w);
            st = check_value(c, info, v, err);
        }
        break;
    case DK_DIST_MIXTURE: /* a bounded part draws its values as often as its weight says */
        for (size_t i = 0; i < dk_dist_part_count(d) && st == DK_OK; i++)
            st = check_dist(c, info, dk_dist_part(d, i), err);
        break;
    default:
        break;
    }
    return st;
}

/*
 * dk_comp_set_dist - sets a DIST property to `d`, taking ownership of it whatever happens. The
 * values of bounded distributions must lie in the property's range (no negative durations).
 * DK_EINVAL for NULL `d` or a property that is not a distribution.
 */
dk_status dk_comp_set_dist(dk_comp_t *c, const char *prop, dk_dist_t *d, dk_error *err)
{
    const dk_prop_info *info = NULL;
    dk__pval *val = NULL;
    dk_status st = lookup(c, prop, &info, &val, err);

    if (st == DK_OK && d == NULL)
        st = fail(c, err, DK_EINVAL, "%s: no distribution given", info->name);
    if (st == DK_OK && info->type != DK_PROP_DIST)
        st = fail(c, err, DK_EINVAL, "%s takes a single value, not a distribution", info->name);
    if (st == DK_OK)
        st = check_dist(c, info, d, err);
    if (st != DK_OK) {
        dk_dist_free(d);
        return st;
    }
    put_dist(val, d);
    return DK_OK;
}

/* name_at for dk__names_find over a plain array of names. */
static const char *name_in(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

/*
 * dk_comp_set_mix - sets a MIX property to `n` (>= 1) request classes with weights (finite,
 * > 0), copied; a class may appear once. Weights need not sum to 1: they are relative. The
 * model's class list follows. DK_EINVAL names the bad class or weight; DK_ENOMEM leaves the old
 * mix in place.
 */
dk_status dk_comp_set_mix(dk_comp_t *c, const char *prop, const char *const *classes,
                          const double *weights, size_t n, dk_error *err)
{
    const dk_prop_info *info = NULL;
    dk__pval *val, fresh = {0};
    dk_status st = lookup(c, prop, &info, &val, err);
    dk_map_t *seen = NULL;
    char got[32];

    if (st != DK_OK)
        return st;
    if (info->type != DK_PROP_MIX)
        return fail(c, err, DK_EINVAL, "%s is not a mix of request classes", info->name);
    if (n == 0 || classes == NULL || weights == NULL)
        return fail(c, err, DK_EINVAL, "%s must name at least one request class", info->name);
    /* A name index finds a repeated class at once: mixes of 10^5 classes are allowed. */
    seen = dk_map_new(n, &st);
    if (seen == NULL)
        return fail(c, err, DK_ENOMEM, "%s: out of memory", info->name);
    for (size_t i = 0; i < n; i++) {
        dk_error inner;
        uint64_t key;
        dk_error_clear(&inner);
        if ((st = dk__check_name("class name", classes[i], &inner)) != DK_OK) {
            st = fail(c, err, st, "%s: %s", info->name, inner.message);
            goto out;
        }
        if (!isfinite(weights[i]) || weights[i] <= 0) {
            st = fail(c, err, DK_EINVAL, "%s: weight of \"%s\" must be positive (got %s)",
                      info->name, classes[i], dk__fmt_num(weights[i], got));
            goto out;
        }
        if (dk__names_find(seen, classes[i], name_in, classes, &key) != SIZE_MAX) {
            st = fail(c, err, DK_EINVAL, "%s: class \"%s\" appears twice", info->name, classes[i]);
            goto out;
        }
        if (dk_map_put(seen, key, i + 1) != DK_OK) {
            st = fail(c, err, DK_ENOMEM, "%s: out of memory", info->name);
            goto out;
        }
    }
    /* Every allocation first, then the swap, so that a failure leaves the component whole. */
    fresh.mix_cls = dk_calloc(n, sizeof *fresh.mix_cls);
    fresh.mix_w = dk_calloc(n, sizeof *fresh.mix_w);
    st = fresh.mix_cls != NULL && fresh.mix_w != NULL ? DK_OK : DK_ENOMEM;
    for (size_t i = 0; i < n && st == DK_OK; i++) {
        fresh.mix_cls[i] = dk_strdup(classes[i]);
        fresh.mix_w[i] = weights[i];
        fresh.mix_n = i + 1;
        if (fresh.mix_cls[i] == NULL)
            st = DK_ENOMEM;
    }
    if (st == DK_OK && dk_kind_has(c->kind, DK_TRAIT_ENTRY))
        st = dk__model_reserve_mix(c->model, val->mix_n, fresh.mix_n);
    if (st != DK_OK) {
        mix_clear(&fresh);
        st = fail(c, err, DK_ENOMEM, "%s: out of memory", info->name);
        goto out;
    }
    mix_clear(val);
    val->mix_cls = fresh.mix_cls;
    val->mix_w = fresh.mix_w;
    val->mix_n = fresh.mix_n;
    val->set = 1;
    if (dk_kind_has(c->kind, DK_TRAIT_ENTRY))
        dk__model_classes_changed(c->model);
out:
    dk_map_free(seen);
    return st;
}

/* ---- getters ---- */

/* The slot of property `prop`, which must be in the schema of `c`'s kind. */
static const dk__pval *slot(const dk_comp_t *c, int prop, const dk_prop_info **info)
{
    DK_ASSERT(c != NULL && prop >= 0 && (size_t)prop < c->nprops);
    *info = &c->kind->props[prop];
    return &c->props[prop];
}

/* 1 when `prop` was set explicitly; 0 when it is at its default. */
int dk_comp_is_set(const dk_comp_t *c, int prop)
{
    const dk_prop_info *info = NULL;
    return slot(c, prop, &info)->set;
}

/*
 * dk_comp_number - the value of a numeric property (its default if unset), in base units. An
 * ENUM gives its choice index, a DIST its mean; a MIX is a programming error.
 */
double dk_comp_number(const dk_comp_t *c, int prop)
{
    const dk_prop_info *info = NULL;
    const dk__pval *v = slot(c, prop, &info);

    DK_ASSERT(info->type != DK_PROP_MIX);
    if (info->type == DK_PROP_DIST)
        return dk_dist_mean(v->dist);
    return v->num;
}

/*
 * dk_comp_count - a whole-number property as a count: never negative, saturating at
 * UINT32_MAX (a schema may allow more than a simulator can hold; the builder decides).
 */
uint32_t dk_comp_count(const dk_comp_t *c, int prop)
{
    double v = dk_comp_number(c, prop);
    if (!(v > 0))
        return 0;
    if (v >= (double)UINT32_MAX)
        return UINT32_MAX;
    return (uint32_t)(v + 0.5);
}

/* The choice of an ENUM property (borrowed static text). */
const char *dk_comp_text(const dk_comp_t *c, int prop)
{
    const dk_prop_info *info = NULL;
    const dk__pval *v = slot(c, prop, &info);

    DK_ASSERT(info->type == DK_PROP_ENUM);
    return info->choices[(size_t)v->num];
}

/* The distribution of a DIST property (borrowed; never NULL). */
const dk_dist_t *dk_comp_dist(const dk_comp_t *c, int prop)
{
    const dk_prop_info *info = NULL;
    const dk__pval *v = slot(c, prop, &info);

    DK_ASSERT(info->type == DK_PROP_DIST);
    return v->dist;
}

size_t dk_comp_mix_count(const dk_comp_t *c, int prop)
{
    const dk_prop_info *info = NULL;
    const dk__pval *v = slot(c, prop, &info);

    DK_ASSERT(info->type == DK_PROP_MIX);
    return v->mix_n;
}

/*
 * dk_comp_mix_at - the i-th class of a MIX (name borrowed, valid until the mix is set again)
 * and its weight as given. Out of range: NULL and 0. Either out pointer may be NULL.
 */
void dk_comp_mix_at(const dk_comp_t *c, int prop, size_t i, const char **cls, double *weight)
{
    const dk_prop_info *info = NULL;
    const dk__pval *v = slot(c, prop, &info);
    int ok;

    DK_ASSERT(info->type == DK_PROP_MIX);
    ok = i < v->mix_n;
    if (cls != NULL)
        *cls = ok ? v->mix_cls[i] : NULL;
    if (weight != NULL)
        *weight = ok ? v->mix_w[i] : 0;
}

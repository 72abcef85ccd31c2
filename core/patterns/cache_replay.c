/* cache_replay.c - a trace's keys replayed through cache policies and sizes, and the picture of
 * hit ratio against size. */
#include <stdarg.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/cache.h"
#include "designkit/cache_replay.h"
#include "designkit/locale.h"
#include "designkit/trace.h"

struct dk_key_trace {
    uint64_t *keys;
    size_t n, cap;
    dk_error *err; /* while reading: where a callback's failure is told */
    const char *source;
};

void dk_key_trace_free(dk_key_trace_t *t)
{
    if (t == NULL)
        return;
    dk_free(t->keys);
    dk_free(t);
}

size_t dk_key_trace_len(const dk_key_trace_t *t)
{
    return t != NULL ? t->n : 0;
}

const uint64_t *dk_key_trace_keys(const dk_key_trace_t *t)
{
    return t != NULL ? t->keys : NULL;
}

/* One line of the trace: `count` requests from `start` (the reader checked that the run does
 * not pass 2^64 - 1). The array doubles, so a trace costs O(n) copies in all. */
static dk_status add_line(void *ctx, uint64_t start, uint64_t count)
{
    dk_key_trace_t *t = ctx;
    if (count > DK_KEY_TRACE_MAX - t->n)
        return dk_error_set(t->err, DK_ERANGE, "%s: more than %zu requests", t->source,
                            (size_t)DK_KEY_TRACE_MAX);
    if (t->n + count > t->cap) {
        size_t cap = t->cap != 0 ? t->cap : 4096;
        while (cap < t->n + count)
            cap *= 2;
        uint64_t *k = dk_realloc(t->keys, cap * sizeof *k);
        if (k == NULL)
            return dk_error_set(t->err, DK_ENOMEM, "%s: out of memory at %zu requests", t->source,
                                t->n);
        t->keys = k;
        t->cap = cap;
    }
    for (uint64_t i = 0; i < count; i++)
        t->keys[t->n++] = start + i;
    return DK_OK;
}

static dk_key_trace_t *start(const char *source, dk_error *err)
{
    dk_key_trace_t *t = dk_calloc(1, sizeof *t);
    if (t == NULL) {
        dk_error_set(err, DK_ENOMEM, "%s: out of memory", source != NULL ? source : "trace");
        return NULL;
    }
    t->err = err;
    t->source = source != NULL ? source : "trace";
    return t;
}

static dk_key_trace_t *finish(dk_key_trace_t *t, dk_status st)
{
    if (st != DK_OK) {
        dk_key_trace_free(t);
        return NULL;
    }
    t->err = NULL;
    t->source = NULL;
    return t;
}

dk_key_trace_t *dk_key_trace_read(FILE *f, const char *source, dk_error *err)
{
    dk_key_trace_t *t = start(source, err);
    return t != NULL ? finish(t, dk_trace_read(f, source, add_line, t, err)) : NULL;
}

dk_key_trace_t *dk_key_trace_parse(const char *text, size_t len, const char *source, dk_error *err)
{
    dk_key_trace_t *t = start(source, err);
    return t != NULL ? finish(t, dk_trace_parse(text, len, source, add_line, t, err)) : NULL;
}

/*
 * dk_cache_replay - "min" goes to dk_cache_min, which needs the whole trace; every other policy
 * plays the keys one by one through a dk_cache, as a program using it would.
 */
dk_status dk_cache_replay(const uint64_t *keys, size_t n, const char *policy, uint64_t capacity,
                          uint64_t *hits, dk_error *err)
{
    if (policy == NULL || hits == NULL || (keys == NULL && n > 0))
        return dk_error_set(err, DK_EINVAL, "cache replay: policy, hits and keys are required");
    if (capacity == 0)
        return dk_error_set(err, DK_EINVAL, "cache capacity must be a positive integer (got 0)");
    if (strcmp(policy, "min") == 0)
        return dk_cache_min(keys, n, capacity, hits, err);
    dk_error e;
    dk_cache_t *c = dk_cache_new(policy, capacity, &e);
    if (c == NULL) {
        if (e.status != DK_ENOTFOUND)
            return dk_error_set(err, e.status, "%s", e.message);
        char list[512];
        size_t len = 0;
        for (size_t i = 0; dk_cache_policy_names[i] != NULL && len < sizeof list; i++)
            len += (size_t)dk_snprintf(list + len, sizeof list - len, "%s, ",
                                       dk_cache_policy_names[i]);
        return dk_error_set(err, DK_EINVAL, "unknown cache policy \"%s\" (use %smin)", policy,
                            list);
    }
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) {
        if (dk_cache_get(c, keys[i], 0))
            h++;
        else if (dk_cache_put(c, keys[i], 0, 0) < 0) {
            dk_cache_free(c);
            return dk_error_set(err, DK_ENOMEM, "cache replay: out of memory");
        }
    }
    dk_cache_free(c);
    *hits = h;
    return DK_OK;
}

/* ---- the picture ---- */

typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        int n = t->failed ? -1 : dk_vsnprintf(t->s + t->len, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = 2 * t->cap + (size_t)n + 1;
        char *s = dk_realloc(t->s, cap);
        if (s == NULL) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* Text inside an element: the five characters XML reserves, escaped. */
static void add_escaped(text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            add(t, "&amp;");
            break;
        case '<':
            add(t, "&lt;");
            break;
        case '>':
            add(t, "&gt;");
            break;
        case '"':
            add(t, "&quot;");
            break;
        case '\'':
            add(t, "&#39;");
            break;
        default:
            add(t, "%c", *s);
        }
    }
}

enum { WIDTH = 720, HEIGHT = 440, LEFT = 70, RIGHT = 170, TOP = 40, BOTTOM = 60 };

/* Colour-blind-safe (Okabe & Ito), cycled past eight lines. */
static const char *const colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000", "#F0E442"};

static double x_of(uint64_t size, uint64_t lo, uint64_t hi)
{
    double w = WIDTH - LEFT - RIGHT;
    return hi == lo ? LEFT + w / 2 : LEFT + w * (double)(size - lo) / (double)(hi - lo);
}

static double y_of(double ratio)
{
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - ratio);
}

static void axes(text *t, const uint64_t *sizes, size_t ns)
{
    uint64_t lo = sizes[0], hi = sizes[ns - 1];
    for (int i = 0; i <= 5; i++) {
        double y = y_of(i / 5.0);
        add(t, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, y,
            WIDTH - RIGHT, y);
        add(t, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n", LEFT - 6, y + 4,
            i * 20);
    }
    for (size_t s = 0; s < ns; s++) {
        double x = x_of(sizes[s], lo, hi);
        add(t, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, TOP, x,
            HEIGHT - BOTTOM);
        add(t, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%llu</text>\n", x,
            HEIGHT - BOTTOM + 18, (unsigned long long)sizes[s]);
    }
    add(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cache size (entries)</text>\n",
        LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 15);
    add(t,
        "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">hit "
        "ratio</text>\n",
        TOP + (HEIGHT - TOP - BOTTOM) / 2, TOP + (HEIGHT - TOP - BOTTOM) / 2);
}

static void line(text *t, size_t p, const char *name, const uint64_t *sizes, size_t ns,
                 const double *r)
{
    const char *colour = colours[p % (sizeof colours / sizeof colours[0])];
    add(t, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
    for (size_t s = 0; s < ns; s++)
        add(t, "%s%.1f,%.1f", s ? " " : "", x_of(sizes[s], sizes[0], sizes[ns - 1]), y_of(r[s]));
    add(t, "\"/>\n");
    for (size_t s = 0; s < ns; s++)
        add(t, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
            x_of(sizes[s], sizes[0], sizes[ns - 1]), y_of(r[s]), colour);
    double y = TOP + 10 + 20.0 * (double)p;
    add(t, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
        WIDTH - RIGHT + 20, y, WIDTH - RIGHT + 45, y, colour);
    add(t, "<text x=\"%d\" y=\"%.1f\">", WIDTH - RIGHT + 52, y + 4);
    add_escaped(t, name);
    add(t, "</text>\n");
}

char *dk_cache_replay_svg(const char *title, const char *const *policies, size_t npolicies,
                          const uint64_t *sizes, size_t nsizes, const double *ratios, dk_error *err)
{
    if (policies == NULL || npolicies == 0 || sizes == NULL || nsizes == 0 || ratios == NULL) {
        dk_error_set(err, DK_EINVAL, "cache replay picture: no policy or no size");
        return NULL;
    }
    for (size_t s = 1; s < nsizes; s++)
        if (sizes[s] <= sizes[s - 1]) {
            dk_error_set(err, DK_EINVAL,
                         "cache replay picture: sizes must increase (%llu after %llu)",
                         (unsigned long long)sizes[s], (unsigned long long)sizes[s - 1]);
            return NULL;
        }
    for (size_t i = 0; i < npolicies * nsizes; i++)
        if (!(ratios[i] >= 0 && ratios[i] <= 1)) {
            dk_error_set(err, DK_EINVAL, "cache replay picture: hit ratio %zu is not in 0..1",
                         i + 1);
            return NULL;
        }
    text t = {dk_malloc(4096), 0, 4096, 0};
    if (t.s == NULL) {
        dk_error_set(err, DK_ENOMEM, "cache replay picture: out of memory");
        return NULL;
    }
    add(&t,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
        "%d\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        WIDTH, HEIGHT, WIDTH, HEIGHT);
    add(&t, "<text x=\"%d\" y=\"22\" font-size=\"15\">", LEFT);
    add_escaped(&t, title != NULL ? title : "hit ratio against cache size");
    add(&t, "</text>\n");
    axes(&t, sizes, nsizes);
    for (size_t p = 0; p < npolicies; p++)
        line(&t, p, policies[p] != NULL ? policies[p] : "?", sizes, nsizes, ratios + p * nsizes);
    add(&t, "</svg>\n");
    if (t.failed) {
        dk_free(t.s);
        dk_error_set(err, DK_ENOMEM, "cache replay picture: out of memory");
        return NULL;
    }
    return t.s;
}

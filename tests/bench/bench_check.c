/* bench_check.c - the time dk_model_validate (what `designkit check` runs) takes on models of
 * 10^3, 10^4 and 10^5 components, per component, and as a ratio to the baseline measured in the
 * same run: one walk over the model's components, links and routes, the least any check must
 * do. Linear rules keep that ratio flat as the model grows (the time per component alone also
 * grows with cache misses once the model outgrows the caches). Never asserts a time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "designkit/designkit.h"
#include "designkit/kinds.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The one place the benchmark makes a component: `kind` by name. */
static dk_comp_t *add(dk_model_t *m, const char *kind, const char *name, double replicas)
{
    dk_error err;
    dk_comp_t *c = dk_model_add(m, NULL, dk_kinds_find(kind, NULL), name, &err);
    if (c == NULL || (replicas > 0 && dk_comp_set_number(c, "replicas", replicas, &err) != DK_OK)) {
        fprintf(stderr, "bench_check: %s\n", err.message);
        exit(3);
    }
    return c;
}

static void link_or_die(dk_model_t *m, dk_comp_t *a, dk_comp_t *b)
{
    dk_error err;
    if (dk_model_link(m, a, b, NULL, &err) != DK_OK) {
        fprintf(stderr, "bench_check: %s\n", err.message);
        exit(3);
    }
}

/* About `n` components: a client and a replicated balancer in front of n/4 replicated services,
 * each with its own database (the shape of a real design, wide and shallow), and four clients
 * each driving a chain of n/8 services, whose last one calls back into the chain's middle
 * (deep, and the back call a long cycle). With `single_chains` every service of a chain is a
 * single instance, so each is a spof and half the model gets a finding; without, the chains
 * are replicated and the findings few, which shows what the rules cost apart from writing
 * findings. */
static dk_model_t *make_model(size_t n, int single_chains)
{
    dk_model_t *m = dk_model_new("bench", NULL);
    size_t fan = n / 4, chain = n / 8;
    char name[48];
    dk_comp_t *lb;

    if (m == NULL)
        exit(3);
    lb = add(m, "balancer", "lb", 2);
    link_or_die(m, add(m, "client", "users", 0), lb);
    for (size_t i = 0; i < fan; i++) {
        dk_comp_t *s, *d;
        snprintf(name, sizeof name, "svc%zu", i);
        s = add(m, "service", name, 2);
        snprintf(name, sizeof name, "db%zu", i);
        d = add(m, "database", name, 2);
        link_or_die(m, lb, s);
        link_or_die(m, s, d);
    }
    for (int k = 0; k < 4; k++) {
        dk_comp_t *prev, *middle = NULL;
        snprintf(name, sizeof name, "chain%d-users", k);
        prev = add(m, "client", name, 0);
        for (size_t i = 0; i < chain; i++) {
            dk_comp_t *c;
            snprintf(name, sizeof name, "chain%d-%zu", k, i);
            c = add(m, "service", name, single_chains ? 0 : 2);
            link_or_die(m, prev, c);
            prev = c;
            if (i == chain / 2)
                middle = c;
        }
        snprintf(name, sizeof name, "chain%d-db", k);
        link_or_die(m, prev, add(m, "database", name, 0));
        if (middle != NULL && middle != prev)
            link_or_die(m, prev, middle);
    }
    return m;
}

/* The baseline: every component's kind, links and route targets, read once. */
static size_t walk(const dk_model_t *m)
{
    size_t acc = 0;
    for (size_t i = 0; i < dk_model_comp_count(m); i++) {
        const dk_comp_t *c = dk_model_comp(m, i);
        acc += dk_kind_has(dk_comp_kind(c), DK_TRAIT_ENTRY);
        for (size_t k = 0; k < dk_comp_out_count(c); k++)
            acc += dk_comp_index(dk_comp_out(c, k));
        for (size_t r = 0; r < dk_comp_route_count(c); r++)
            for (size_t k = 0; k < dk_comp_route(c, r)->ntargets; k++)
                acc += dk_comp_index(dk_comp_route(c, r)->targets[k]);
    }
    return acc;
}

/* The best of `rounds` runs of `fn` over `m`, in seconds. */
static double best_of(int rounds, double (*fn)(const dk_model_t *, size_t *), const dk_model_t *m,
                      size_t *out)
{
    double best = 1e300;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        double t = fn(m, out);
        if (t < best)
            best = t;
    }
    return best;
}

static double time_walk(const dk_model_t *m, size_t *out)
{
    double t = seconds_now();
    *out = walk(m);
    return seconds_now() - t;
}

/* Validates `m` once; *out is the number of findings. */
static double time_validate(const dk_model_t *m, size_t *out)
{
    dk_status st;
    dk_findings_t *f;
    double t = seconds_now();

    f = dk_model_validate(m, &st);
    t = seconds_now() - t;
    if (f == NULL) {
        fprintf(stderr, "bench_check: %s\n", dk_strerror(st));
        exit(3);
    }
    *out = dk_findings_count(f);
    dk_findings_free(f);
    return t;
}

int main(int argc, char **argv)
{
    size_t max = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;

    printf("%-10s %10s %9s %9s %11s %9s %13s %14s\n", "chains", "components", "findings", "build s",
           "validate s", "walk s", "ns/component", "validate/walk");
    for (int single = 1; single >= 0; single--) {
        for (size_t n = 1000; n <= max; n *= 10) {
            double t0 = seconds_now(), build, check, base;
            dk_model_t *m = make_model(n, single);
            size_t nfindings, sum;
            build = seconds_now() - t0;
            check = best_of(rounds, time_validate, m, &nfindings);
            base = best_of(rounds, time_walk, m, &sum);
            printf("%-10s %10zu %9zu %9.3f %11.4f %9.5f %13.1f %14.0f\n",
                   single ? "single" : "replicated", dk_model_comp_count(m), nfindings, build,
                   check, base, check / (double)dk_model_comp_count(m) * 1e9, check / base);
            dk_model_free(m);
        }
    }
    printf("validate/walk: against one walk over the model in the same run (linear: flat; with\n"
           "single chains, writing a finding for half the components weighs in at 10^5)\n");
    return 0;
}

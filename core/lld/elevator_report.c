/* elevator_report.c - what a run is given and what it reports: the config, modes and passengers
 * checked before anything runs, the mean and p95 of waits and rides, and who was left when the
 * engine stopped. */
#include <math.h>
#include <stdlib.h>

#include "designkit/alloc.h"
#include "elevator_internal.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean and nearest-rank 95th percentile of v[n] (sorted in place). */
static void summarize(double *v, size_t n, double *mean, double *p95)
{
    double sum = 0;
    *mean = *p95 = 0;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof *v, by_value);
    *mean = sum / (double)n;
    *p95 = v[(size_t)ceil(0.95 * (double)n) - 1];
}

dk_status dk__elevator_validate(const dk_elevator_config *c, const dk_elevator_passenger *p,
                                size_t n, dk_error *err)
{
    if (c->floors < 2 || c->floors > DK_ELEVATOR_MAX_FLOORS)
        return dk_error_set(err, DK_EINVAL, "elevator: floors must be 2 to %d (got %d)",
                            DK_ELEVATOR_MAX_FLOORS, c->floors);
    if (c->cars < 1 || c->cars > DK_ELEVATOR_MAX_CARS)
        return dk_error_set(err, DK_EINVAL, "elevator: cars must be 1 to %d (got %d)",
                            DK_ELEVATOR_MAX_CARS, c->cars);
    if (c->capacity < 1 || c->capacity > DK_ELEVATOR_MAX_CAPACITY)
        return dk_error_set(err, DK_EINVAL, "elevator: capacity must be 1 to %d (got %d)",
                            DK_ELEVATOR_MAX_CAPACITY, c->capacity);
    if ((unsigned)c->strategy > DK_ELEVATOR_DESTINATION)
        return dk_error_set(err, DK_EINVAL, "elevator: unknown strategy %d", (int)c->strategy);
    if (c->dwell < 0 || c->dwell > 1000)
        return dk_error_set(err, DK_EINVAL, "elevator: dwell must be 1 to 1000 (got %d)", c->dwell);
    if (c->door_open < 0 || c->door_open > 1000)
        return dk_error_set(err, DK_EINVAL, "elevator: door_open must be 0 to 1000 (got %d)",
                            c->door_open);
    if (c->door_close < 0 || c->door_close > 1000)
        return dk_error_set(err, DK_EINVAL, "elevator: door_close must be 0 to 1000 (got %d)",
                            c->door_close);
    if (c->nmodes > 0 && c->modes == NULL)
        return dk_error_set(err, DK_EINVAL, "elevator: %zu modes but no list", c->nmodes);
    for (size_t i = 0; i < c->nmodes; i++) {
        const dk_elevator_mode_event *m = &c->modes[i];
        if (m->at < 0 || m->at > DK_ELEVATOR_MAX_TICKS)
            return dk_error_set(err, DK_EINVAL, "elevator: mode %zu: at must be 0 to %ld (got %ld)",
                                i + 1, DK_ELEVATOR_MAX_TICKS, m->at);
        if ((unsigned)m->mode > DK_ELEVATOR_FIRE_RECALL)
            return dk_error_set(err, DK_EINVAL, "elevator: mode %zu: unknown mode %d", i + 1,
                                (int)m->mode);
        if (m->mode != DK_ELEVATOR_FIRE_RECALL && (m->car < 1 || m->car > c->cars))
            return dk_error_set(err, DK_EINVAL,
                                "elevator: mode %zu: %s: car must be 1 to %d (got %d)", i + 1,
                                dk_elevator_mode_name(m->mode), c->cars, m->car);
    }
    if (n > 0 && p == NULL)
        return dk_error_set(err, DK_EINVAL, "elevator: %zu passengers but no list", n);
    for (size_t i = 0; i < n; i++) {
        if (p[i].from < 0 || p[i].from >= c->floors || p[i].to < 0 || p[i].to >= c->floors)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: floor %d -> %d is outside 0..%d", i + 1,
                                p[i].from, p[i].to, c->floors - 1);
        if (p[i].from == p[i].to)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: from and to are both floor %d", i + 1,
                                p[i].from);
        if (p[i].arrival < 0 || p[i].patience < 0 || p[i].arrival > DK_ELEVATOR_MAX_TICKS ||
            p[i].patience > DK_ELEVATOR_MAX_TICKS)
            return dk_error_set(err, DK_EINVAL,
                                "elevator: passenger %zu: arrival and patience must be 0 to %ld",
                                i + 1, DK_ELEVATOR_MAX_TICKS);
    }
    return DK_OK;
}

dk_status dk__elevator_report(dk__elevator *s)
{
    double *w = dk_malloc((s->r->served ? s->r->served : 1) * sizeof *w);
    double *r = dk_malloc((s->r->served ? s->r->served : 1) * sizeof *r);
    size_t m = 0;
    if (w == NULL || r == NULL) {
        dk_free(w);
        dk_free(r);
        return DK_ENOMEM;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->state[i] == ARRIVED) {
            w[m] = (double)(s->board[i] - s->p[i].arrival);
            r[m++] = (double)(s->alight[i] - s->board[i]);
        }
    summarize(w, m, &s->r->mean_wait, &s->r->p95_wait);
    summarize(r, m, &s->r->mean_ride, &s->r->p95_ride);
    dk_free(w);
    dk_free(r);
    return DK_OK;
}

dk_status dk__elevator_account(dk__elevator *s, dk_time_t until, long max_ticks, dk_error *err)
{
    if (s->finished == s->n)
        return DK_OK;
    if (dk_sim_end_time(s->engine) >= until)
        return dk_error_set(err, DK_ELIMIT,
                            "elevator: %zu of %zu passengers still travelling after %ld ticks",
                            s->n - s->finished, s->n, max_ticks);
    int serving = 0;
    for (int k = 0; k < s->cfg.cars; k++)
        serving |= s->cars[k].mode == IN_SERVICE;
    for (size_t i = 0; i < s->n; i++) {
        if (s->state[i] == WAITING && !serving) {
            s->r->stranded++;
            continue;
        }
        if (s->state[i] == WAITING || s->state[i] == RIDING)
            return dk_error_set(err, DK_EINTERNAL,
                                "elevator: passenger %zu left %s at floor %d when the run ended",
                                i + 1, s->state[i] == WAITING ? "waiting" : "riding", s->p[i].from);
    }
    return DK_OK;
}

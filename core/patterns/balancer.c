/* balancer.c - a balancer's life: the algorithm names, availability (health and outlier
 * ejection), the pick dispatcher and the reports; the algorithms live in balancer_load.c and
 * balancer_keyed.c. */
#include "designkit/balancer.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "designkit/alloc.h"
#include "patterns/balancer_internal.h"

/* The EWMA's weight of the newest latency: about the last 1/alpha answers count. */
#define EWMA_ALPHA 0.3

/* The names in enum order, NULL-terminated: the one list the kind schemas offer as choices. */
const char *const dk_lb_algorithm_names[] = {
#define NAME(id, name) name,
    DK_LB_ALGORITHMS(NAME)
#undef NAME
        NULL};
#define names dk_lb_algorithm_names
#define NNAMES (sizeof dk_lb_algorithm_names / sizeof dk_lb_algorithm_names[0] - 1)

/* ", round_robin, random, ...": the names joined at compile time; the list starts past the
 * leading ", ". */
static const char algorithm_list[] =
#define JOIN(id, name) ", " name
    DK_LB_ALGORITHMS(JOIN)
#undef JOIN
    ;

const char *dk_lb_algorithm_list(void)
{
    return algorithm_list + 2;
}

const char *dk_lb_algorithm_name(dk_lb_algorithm a)
{
    return (unsigned)a < NNAMES ? names[a] : "unknown";
}

/*
 * dk_lb_algorithm_parse - the algorithm named as dk_lb_algorithm_name writes it; DK_ENOTFOUND
 * for anything else (and DK_EINVAL for NULL arguments).
 */
dk_status dk_lb_algorithm_parse(const char *name, dk_lb_algorithm *out)
{
    if (name == NULL || out == NULL)
        return DK_EINVAL;
    for (size_t i = 0; i < NNAMES; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (dk_lb_algorithm)i;
            return DK_OK;
        }
    return DK_ENOTFOUND;
}

int dk_lb_algorithm_keyed(dk_lb_algorithm a)
{
    return a == DK_LB_HASH || a == DK_LB_RING || a == DK_LB_JUMP || a == DK_LB_MAGLEV ||
           a == DK_LB_RENDEZVOUS;
}

void dk_lb_free(dk_lb_t *lb)
{
    if (lb == NULL)
        return;
    dk__lb_keyed_free(lb);
    void *arrays[] = {lb->conns, lb->tree,   lb->healthy,  lb->ejected,   lb->up,
                      lb->avail, lb->weight, lb->distance, lb->current,   lb->ewma,
                      lb->picks, lb->errors, lb->streak,   lb->ejections, lb->until};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        dk_free(arrays[i]);
    dk_free(lb);
}

/* The available list, the tree's leaves and the keyed structures, after any change of health
 * or ejection. O(n) (O(table) for Maglev): it happens on a change, not per request. */
static void availability_changed(dk_lb_t *lb)
{
    lb->navail = 0;
    for (size_t i = 0; i < lb->n; i++) {
        lb->up[i] = lb->healthy[i] && !lb->ejected[i];
        if (lb->up[i])
            lb->avail[lb->navail++] = i;
        if (lb->tree != NULL)
            dk__lb_tree_set(lb, i);
    }
    dk__lb_keyed_availability(lb);
}

/*
 * dk_lb_new - a balancer over `backends` backends, all healthy, weight 1, distance = index.
 * DK_EINVAL for zero backends or an unknown algorithm (the message lists the valid ones),
 * DK_ENOMEM. The first round-robin pick is backend 0.
 */
dk_lb_t *dk_lb_new(dk_lb_algorithm algorithm, size_t backends, dk_error *err)
{
    if ((unsigned)algorithm >= NNAMES) {
        dk_error_set(err, DK_EINVAL, "balancer: unknown algorithm %d (valid: %s)", (int)algorithm,
                     dk_lb_algorithm_list());
        return NULL;
    }
    if (backends == 0) {
        dk_error_set(err, DK_EINVAL, "balancer: needs at least one backend (got 0)");
        return NULL;
    }
    if (backends > INT32_MAX) {
        dk_error_set(err, DK_EINVAL, "balancer: too many backends (%zu)", backends);
        return NULL;
    }
    dk_lb_t *lb = dk_calloc(1, sizeof *lb);
    if (lb == NULL) {
        dk_error_set(err, DK_ENOMEM, "balancer: out of memory");
        return NULL;
    }
    size_t n = backends;
    lb->algorithm = algorithm;
    lb->n = n;
    lb->last = n - 1;
    lb->now = 0;
    lb->next_return = INT64_MAX;
    lb->outlier_max = 1;
    lb->conns = dk_calloc(n, sizeof *lb->conns);
    lb->healthy = dk_calloc(n, 1);
    lb->ejected = dk_calloc(n, 1);
    lb->up = dk_calloc(n, 1);
    lb->avail = dk_calloc(n, sizeof *lb->avail);
    lb->weight = dk_calloc(n, sizeof *lb->weight);
    lb->distance = dk_calloc(n, sizeof *lb->distance);
    lb->current = dk_calloc(n, sizeof *lb->current);
    lb->ewma = dk_calloc(n, sizeof *lb->ewma);
    lb->picks = dk_calloc(n, sizeof *lb->picks);
    lb->errors = dk_calloc(n, sizeof *lb->errors);
    lb->streak = dk_calloc(n, sizeof *lb->streak);
    lb->ejections = dk_calloc(n, sizeof *lb->ejections);
    lb->until = dk_calloc(n, sizeof *lb->until);
    int ok = lb->conns && lb->healthy && lb->ejected && lb->up && lb->avail && lb->weight &&
             lb->distance && lb->current && lb->ewma && lb->picks && lb->errors && lb->streak &&
             lb->ejections && lb->until;
    if (ok && algorithm == DK_LB_LEAST_CONNECTIONS) {
        for (lb->width = 1; lb->width < n; lb->width *= 2)
            ;
        lb->tree = dk_calloc(2 * lb->width, sizeof *lb->tree);
        ok = lb->tree != NULL;
        for (size_t i = 0; ok && i < lb->width; i++) /* padding: never the least */
            lb->tree[lb->width + i] = SIZE_MAX;
        for (size_t pos = lb->width - 1; ok && pos > 0; pos--) /* leaves set below */
            lb->tree[pos] = SIZE_MAX;
    }
    if (!ok) {
        dk_lb_free(lb);
        dk_error_set(err, DK_ENOMEM, "balancer: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        lb->healthy[i] = 1;
        lb->weight[i] = 1;
        lb->distance[i] = (double)i;
    }
    dk_status st = dk__lb_keyed_init(lb, err);
    if (st != DK_OK) {
        dk_lb_free(lb);
        return NULL;
    }
    availability_changed(lb);
    return lb;
}

/* Ejected backends whose time is up come back (their streak starts again from zero). */
static void return_ejected(dk_lb_t *lb, int64_t now)
{
    if (now > lb->now)
        lb->now = now;
    if (lb->now < lb->next_return)
        return;
    lb->next_return = INT64_MAX;
    for (size_t i = 0; i < lb->n; i++) {
        if (!lb->ejected[i])
            continue;
        if (lb->until[i] <= lb->now) {
            lb->ejected[i] = 0;
            lb->streak[i] = 0;
        } else if (lb->until[i] < lb->next_return) {
            lb->next_return = lb->until[i];
        }
    }
    availability_changed(lb);
}

size_t dk_lb_pick_key(dk_lb_t *lb, dk_rng_t *rng, uint64_t key, int64_t now)
{
    return_ejected(lb, now);
    size_t i;
    switch (lb->algorithm) {
    case DK_LB_RANDOM:
        i = lb->navail ? lb->avail[dk_rng_below(rng, lb->navail)] : DK_LB_NONE;
        break;
    case DK_LB_LEAST_CONNECTIONS:
        i = dk__lb_least_connections(lb);
        break;
    case DK_LB_WEIGHTED_ROUND_ROBIN:
        i = dk__lb_smooth_weighted(lb);
        break;
    case DK_LB_WEIGHTED_LEAST_CONNECTIONS:
        i = dk__lb_weighted_least_connections(lb);
        break;
    case DK_LB_LEAST_RESPONSE_TIME:
        i = dk__lb_least_response_time(lb);
        break;
    case DK_LB_P2C:
        i = dk__lb_p2c(lb, rng);
        break;
    case DK_LB_GEO:
        i = dk__lb_geo(lb);
        break;
    case DK_LB_HASH:
    case DK_LB_RING:
    case DK_LB_JUMP:
    case DK_LB_MAGLEV:
    case DK_LB_RENDEZVOUS:
        i = dk__lb_keyed_pick(lb, key);
        break;
    case DK_LB_ROUND_ROBIN:
    default:
        i = lb->last;
        do /* the next available after the last pick */
            i = i + 1 == lb->n ? 0 : i + 1;
        while (!lb->up[i] && i != lb->last);
        if (!lb->up[i])
            i = DK_LB_NONE;
        break;
    }
    if (i == DK_LB_NONE)
        return i;
    lb->last = i;
    lb->conns[i]++;
    lb->picks[i]++;
    if (lb->tree != NULL)
        dk__lb_tree_set(lb, i);
    return i;
}

size_t dk_lb_pick(dk_lb_t *lb, dk_rng_t *rng)
{
    return dk_lb_pick_key(lb, rng, 0, lb->now);
}

/* A done for a backend with no connections is ignored: the count never wraps. */
void dk_lb_done(dk_lb_t *lb, size_t i)
{
    if (i < lb->n && lb->conns[i] > 0) {
        lb->conns[i]--;
        if (lb->tree != NULL)
            dk__lb_tree_set(lb, i);
    }
}

/* Ejects backend i unless it is the last available one or the share already ejected is at its
 * cap (dk_lb_set_outlier_max; one may always be). */
static void eject(dk_lb_t *lb, size_t i)
{
    if (lb->ejected[i] || !lb->up[i] || lb->navail <= 1)
        return;
    size_t out = 0;
    for (size_t k = 0; k < lb->n; k++) /* rare: only at an ejection */
        out += lb->ejected[k];
    if (out > 0 && (double)(out + 1) > lb->outlier_max * (double)lb->n)
        return;
    lb->ejected[i] = 1;
    lb->ejections[i]++;
    lb->until[i] = lb->now + lb->outlier_base * (int64_t)lb->ejections[i];
    if (lb->until[i] < lb->next_return)
        lb->next_return = lb->until[i];
    lb->streak[i] = 0;
    availability_changed(lb);
}

void dk_lb_report(dk_lb_t *lb, size_t i, int64_t now, int64_t latency, int ok)
{
    if (i >= lb->n)
        return;
    dk_lb_done(lb, i);
    if (now > lb->now)
        lb->now = now;
    if (latency >= 0)
        lb->ewma[i] = lb->ewma[i] == 0 ? (double)latency
                                       : lb->ewma[i] + EWMA_ALPHA * ((double)latency - lb->ewma[i]);
    if (ok) {
        lb->streak[i] = 0;
        return;
    }
    lb->errors[i]++;
    if (++lb->streak[i] >= lb->outlier_after && lb->outlier_after > 0)
        eject(lb, i);
}

size_t dk_lb_connections(const dk_lb_t *lb, size_t i)
{
    return i < lb->n ? lb->conns[i] : 0;
}

size_t dk_lb_backends(const dk_lb_t *lb)
{
    return lb->n;
}

dk_status dk_lb_set_weight(dk_lb_t *lb, size_t i, double weight, dk_error *err)
{
    if (i >= lb->n)
        return dk_error_set(err, DK_ERANGE, "balancer: no backend %zu (of %zu)", i + 1, lb->n);
    if (isnan(weight))
        return dk_error_set(err, DK_EINVAL, "balancer: backend %zu: weight is NaN", i + 1);
    if (!isfinite(weight) || weight <= 0)
        return dk_error_set(err, DK_EINVAL,
                            "balancer: backend %zu: weight must be a finite number > 0 (got %g)",
                            i + 1, weight);
    lb->weight[i] = weight;
    return DK_OK;
}

dk_status dk_lb_set_distance(dk_lb_t *lb, size_t i, double distance, dk_error *err)
{
    if (i >= lb->n)
        return dk_error_set(err, DK_ERANGE, "balancer: no backend %zu (of %zu)", i + 1, lb->n);
    if (isnan(distance))
        return dk_error_set(err, DK_EINVAL, "balancer: backend %zu: distance is NaN", i + 1);
    if (!isfinite(distance) || distance < 0)
        return dk_error_set(err, DK_EINVAL,
                            "balancer: backend %zu: distance must be a finite number >= 0 (got %g)",
                            i + 1, distance);
    lb->distance[i] = distance;
    return DK_OK;
}

dk_status dk_lb_set_health(dk_lb_t *lb, size_t i, int healthy)
{
    if (i >= lb->n)
        return DK_ERANGE;
    if (lb->healthy[i] != (healthy != 0)) {
        lb->healthy[i] = healthy != 0;
        availability_changed(lb);
    }
    return DK_OK;
}

dk_status dk_lb_set_outlier(dk_lb_t *lb, unsigned consecutive, int64_t base_ns)
{
    if (consecutive > 0 && base_ns <= 0)
        return DK_EINVAL;
    lb->outlier_after = consecutive;
    lb->outlier_base = base_ns;
    return DK_OK;
}

dk_status dk_lb_set_outlier_max(dk_lb_t *lb, double share)
{
    if (!(share > 0 && share <= 1))
        return DK_EINVAL;
    lb->outlier_max = share;
    return DK_OK;
}

dk_status dk_lb_stats(const dk_lb_t *lb, size_t i, dk_lb_backend_stats *out)
{
    if (i >= lb->n || out == NULL)
        return DK_ERANGE;
    *out = (dk_lb_backend_stats){
        .connections = lb->conns[i],
        .picks = lb->picks[i],
        .errors = lb->errors[i],
        .ejections = lb->ejections[i],
        .healthy = lb->healthy[i],
        .ejected = lb->ejected[i],
        .ejected_until = lb->until[i],
        .weight = lb->weight[i],
        .distance = lb->distance[i],
        .ewma_ns = lb->ewma[i],
    };
    return DK_OK;
}

/* shard_report.c - what a sharding does to a key set: loads, skew, and resharding plans. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/alloc.h"
#include "shard_internal.h"

/* The shard of key i of the set. */
static dk_status shard_of_key(const dk_shard_t *s, const dk_shard_keys *keys, size_t i, size_t *out,
                              dk_error *err)
{
    if (keys->names != NULL)
        return dk_shard_of_name(s, keys->names[i], out, err);
    return dk_shard_of(s, keys->ints[i], out, err);
}

static double weight_of(const dk_shard_keys *keys, size_t i)
{
    return keys->weights != NULL ? keys->weights[i] : 1.0;
}

dk_status dk_shard_loads(const dk_shard_t *s, const dk_shard_keys *keys, double *loads,
                         dk_error *err)
{
    memset(loads, 0, s->ids * sizeof *loads);
    for (size_t i = 0; i < keys->n; i++) {
        size_t id = 0;
        dk_status st = shard_of_key(s, keys, i, &id, err);
        if (st != DK_OK)
            return st;
        loads[id] += weight_of(keys, i);
    }
    return DK_OK;
}

dk_status dk_shard_zipf_loads(const dk_shard_t *s, uint64_t n, double exponent, double *loads,
                              dk_error *err)
{
    if (n == 0 || !(exponent >= 0) || !isfinite(exponent))
        return dk_error_set(err, DK_EINVAL,
                            "shard: zipf keys need n >= 1 and a finite exponent >= 0");
    memset(loads, 0, s->ids * sizeof *loads);
    double h = 0;
    for (uint64_t k = 1; k <= n; k++) {
        size_t id = 0;
        dk_status st = dk_shard_of(s, k, &id, err);
        if (st != DK_OK)
            return st;
        double p = pow((double)k, -exponent);
        loads[id] += p;
        h += p;
    }
    for (size_t i = 0; i < s->ids; i++)
        loads[i] /= h;
    return DK_OK;
}

dk_shard_skew dk_shard_skew_of(const dk_shard_t *s, const double *loads)
{
    dk_shard_skew k = {0, 0, 0, 0, 0};
    double sum = 0, max = -1;
    for (size_t i = 0; i < s->ids; i++) {
        if (!s->alive[i])
            continue;
        sum += loads[i];
        if (loads[i] > max) {
            max = loads[i];
            k.hottest = i;
        }
    }
    double mean = sum / (double)s->alive_count, var = 0;
    for (size_t i = 0; i < s->ids; i++) {
        if (s->alive[i])
            var += (loads[i] - mean) * (loads[i] - mean);
    }
    var /= (double)s->alive_count;
    k.total = sum;
    if (sum > 0) {
        k.max_over_mean = max / mean;
        k.cv = sqrt(var) / mean;
        k.hottest_share = max / sum;
    }
    return k;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Key i's position in key order: whole numbers are sorted (value, index) pairs. */
typedef struct ranked {
    uint64_t key;
    uint64_t index;
} ranked;

dk_status dk_shard_plan(const dk_shard_t *a, const dk_shard_t *b, const dk_shard_keys *keys,
                        dk_shard_move **moves, size_t *nmoves, size_t *moved, dk_error *err)
{
    *moves = NULL;
    *nmoves = 0;
    *moved = 0;
    ranked *order = keys->n ? dk_malloc(keys->n * sizeof *order) : NULL;
    if (keys->n && order == NULL)
        return dk_error_set(err, DK_ENOMEM, "shard: out of memory");
    for (size_t i = 0; i < keys->n; i++) {
        order[i].key = keys->names != NULL ? i : keys->ints[i];
        order[i].index = i;
    }
    if (keys->names == NULL)
        qsort(order, keys->n, sizeof *order, by_value); /* compares the key, the first field */

    dk_shard_move *out = NULL;
    size_t len = 0, cap = 0;
    dk_status st = DK_OK;
    for (size_t r = 0; r < keys->n; r++) {
        size_t i = (size_t)order[r].index, from = 0, to = 0;
        if ((st = shard_of_key(a, keys, i, &from, err)) != DK_OK ||
            (st = shard_of_key(b, keys, i, &to, err)) != DK_OK)
            break;
        if (from == to)
            continue;
        ++*moved;
        dk_shard_move *last = len ? &out[len - 1] : NULL;
        /* A run continues while the keys are neighbours in order and go the same way. */
        if (last != NULL && last->from == from && last->to == to && r > 0 &&
            last->last == order[r - 1].key) {
            last->last = order[r].key;
            last->count++;
            last->weight += weight_of(keys, i);
            continue;
        }
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            dk_shard_move *grown = dk_realloc(out, ncap * sizeof *out);
            if (grown == NULL) {
                st = dk_error_set(err, DK_ENOMEM, "shard: out of memory");
                break;
            }
            out = grown;
            cap = ncap;
        }
        out[len++] = (dk_shard_move){from, to, order[r].key, order[r].key, 1, weight_of(keys, i)};
    }
    dk_free(order);
    if (st != DK_OK) {
        dk_free(out);
        *moved = 0;
        return st;
    }
    *moves = out;
    *nmoves = len;
    return DK_OK;
}

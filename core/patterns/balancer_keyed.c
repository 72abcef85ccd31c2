/* balancer_keyed.c - the algorithms that choose by the request's key: mod-N hash, ring, jump,
 * Maglev and rendezvous, over backends named by their index ("0", "1", ...). */
#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "patterns/balancer_internal.h"

#define RING_VNODES 100

static void label(char *buf, size_t size, size_t i)
{
    dk_snprintf(buf, size, "%zu", i);
}

/* The least prime >= m (trial division: once per balancer). */
static uint32_t next_prime(uint32_t m)
{
    for (;; m++) {
        int prime = m >= 2;
        for (uint32_t d = 2; prime && (uint64_t)d * d <= m; d++)
            prime = m % d != 0;
        if (prime)
            return m;
    }
}

dk_status dk__lb_keyed_init(dk_lb_t *lb, dk_error *err)
{
    char name[32];
    switch (lb->algorithm) {
    case DK_LB_RING:
        if ((lb->ring = dk_hash_ring_new(RING_VNODES, err)) == NULL)
            return err ? err->status : DK_ENOMEM;
        for (size_t i = 0; i < lb->n; i++) {
            label(name, sizeof name, i);
            dk_status st = dk_hash_ring_add(lb->ring, name, err);
            if (st != DK_OK)
                return st;
        }
        return DK_OK;
    case DK_LB_RENDEZVOUS:
        if ((lb->node_hash = dk_malloc(lb->n * sizeof *lb->node_hash)) == NULL)
            return dk_error_set(err, DK_ENOMEM, "balancer: out of memory");
        for (size_t i = 0; i < lb->n; i++) {
            label(name, sizeof name, i);
            lb->node_hash[i] = dk_hash_string(name, 0);
        }
        return DK_OK;
    case DK_LB_MAGLEV: {
        /* a prime table well above the backends: the default, or the next prime past 10n */
        uint32_t size = DK_HASH_MAGLEV_DEFAULT_SIZE;
        char(*names)[24] = dk_malloc(lb->n * sizeof *names);
        const char **ptrs = dk_malloc(lb->n * sizeof *ptrs);
        if (names == NULL || ptrs == NULL) {
            dk_free(names);
            dk_free(ptrs);
            return dk_error_set(err, DK_ENOMEM, "balancer: out of memory");
        }
        for (size_t i = 0; i < lb->n; i++) {
            label(names[i], sizeof names[i], i);
            ptrs[i] = names[i];
        }
        if (size <= 10 * lb->n) /* keep ~10 entries a backend or more */
            size = next_prime((uint32_t)(10 * lb->n + 1));
        lb->maglev = dk_hash_maglev_new(ptrs, lb->n, size, err);
        dk_free(names);
        dk_free(ptrs);
        return lb->maglev != NULL ? DK_OK : (err ? err->status : DK_ENOMEM);
    }
    default:
        return DK_OK;
    }
}

void dk__lb_keyed_free(dk_lb_t *lb)
{
    dk_hash_ring_free(lb->ring);
    dk_hash_maglev_free(lb->maglev);
    dk_free(lb->node_hash);
}

void dk__lb_keyed_availability(dk_lb_t *lb)
{
    if (lb->maglev != NULL && lb->navail > 0)
        dk_hash_maglev_fill(lb->maglev, lb->up);
}

static int is_up(size_t i, void *arg)
{
    return ((const dk_lb_t *)arg)->up[i];
}

/* Jump over every backend; when the bucket is unavailable, the key is rehashed and jumped
 * again (a few times), then the next available in order: the keys of an available backend
 * never move when another goes down. */
static size_t jump(const dk_lb_t *lb, uint64_t h)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        size_t i = (size_t)dk_hash_jump(h, (int32_t)lb->n);
        if (lb->up[i])
            return i;
        h = dk_hash_u64(h + 1);
    }
    size_t i = (size_t)dk_hash_jump(h, (int32_t)lb->n);
    for (size_t k = 0; k < lb->n; k++)
        if (lb->up[(i + k) % lb->n])
            return (i + k) % lb->n;
    return DK_LB_NONE;
}

static size_t rendezvous(const dk_lb_t *lb, uint64_t h)
{
    size_t best = DK_LB_NONE;
    uint64_t top = 0;
    for (size_t k = 0; k < lb->navail; k++) {
        size_t i = lb->avail[k];
        uint64_t score = dk_hash_u64(h ^ lb->node_hash[i]);
        if (best == DK_LB_NONE || score > top) {
            best = i;
            top = score;
        }
    }
    return best;
}

size_t dk__lb_keyed_pick(dk_lb_t *lb, uint64_t key)
{
    if (lb->navail == 0)
        return DK_LB_NONE;
    uint64_t h = dk_hash_u64(key);
    switch (lb->algorithm) {
    case DK_LB_HASH:
        return lb->avail[h % lb->navail];
    case DK_LB_RING:
        return dk_hash_ring_get_if(lb->ring, h, is_up, lb);
    case DK_LB_JUMP:
        return jump(lb, h);
    case DK_LB_MAGLEV:
        return dk_hash_maglev_get(lb->maglev, h);
    case DK_LB_RENDEZVOUS:
    default:
        return rendezvous(lb, h);
    }
}

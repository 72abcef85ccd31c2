/* hash_maglev.c - Maglev consistent hashing: a lookup table filled by permutations. */
#include "designkit/hash.h"

#include <string.h>
#include "designkit/alloc.h"

struct dk_hash_maglev {
    uint32_t size;    /* M, a prime */
    size_t n;         /* nodes */
    char **names;     /* owned */
    uint32_t *offset; /* per node: where its permutation starts */
    uint32_t *skip;   /* per node: its stride, 1 ..= M-1, coprime to the prime M */
    uint32_t *next;   /* fill scratch: how far along its permutation each node is */
    uint32_t *table;  /* M entries, node indices */
};

#define MAX_SIZE (1u << 24)

static int is_prime(uint32_t m)
{
    if (m < 2)
        return 0;
    for (uint32_t d = 2; (uint64_t)d * d <= m; d++)
        if (m % d == 0)
            return 0;
    return 1;
}

void dk_hash_maglev_free(dk_hash_maglev_t *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; m->names != NULL && i < m->n; i++)
        dk_free(m->names[i]);
    dk_free(m->names);
    dk_free(m->offset);
    dk_free(m->skip);
    dk_free(m->next);
    dk_free(m->table);
    dk_free(m);
}

/* 1 when the arguments make a table; 0 with `err` naming the bad one. */
static int check_args(const char *const *names, size_t n, uint32_t size, dk_error *err)
{
    if (n == 0 || names == NULL) {
        dk_error_set(err, DK_EINVAL, "maglev: needs at least one node (got 0)");
        return 0;
    }
    if (!is_prime(size) || size > MAX_SIZE || size <= n) {
        dk_error_set(err, DK_EINVAL,
                     "maglev: size must be a prime above the node count, at most %u (got %u)",
                     MAX_SIZE, size);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL || names[i][0] == '\0') {
            dk_error_set(err, DK_EINVAL, "maglev: node %zu needs a non-empty name", i + 1);
            return 0;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0) {
                dk_error_set(err, DK_EEXIST, "maglev: duplicate node \"%s\"", names[i]);
                return 0;
            }
    }
    return 1;
}

dk_hash_maglev_t *dk_hash_maglev_new(const char *const *names, size_t n, uint32_t size,
                                     dk_error *err)
{
    if (size == 0)
        size = DK_HASH_MAGLEV_DEFAULT_SIZE;
    if (!check_args(names, n, size, err))
        return NULL;
    dk_hash_maglev_t *m = dk_calloc(1, sizeof *m);
    if (m != NULL) {
        m->names = dk_calloc(n, sizeof *m->names);
        m->offset = dk_malloc(n * sizeof *m->offset);
        m->skip = dk_malloc(n * sizeof *m->skip);
        m->next = dk_malloc(n * sizeof *m->next);
        m->table = dk_malloc(size * sizeof *m->table);
    }
    int ok = m != NULL && m->names && m->offset && m->skip && m->next && m->table;
    for (size_t i = 0; ok && i < n; i++)
        ok = (m->names[i] = dk_strdup(names[i])) != NULL;
    if (!ok) {
        if (m != NULL)
            m->n = n;
        dk_hash_maglev_free(m);
        dk_error_set(err, DK_ENOMEM, "maglev: out of memory");
        return NULL;
    }
    m->size = size;
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        /* two independent hashes of the name (seeds 0 and 1), as the paper's h1 and h2 */
        m->offset[i] = (uint32_t)(dk_hash_string(names[i], 0) % size);
        m->skip[i] = (uint32_t)(dk_hash_string(names[i], 1) % (size - 1)) + 1;
    }
    dk_hash_maglev_fill(m, NULL);
    return m;
}

/*
 * The paper's population loop: the live nodes take turns, each claiming the next entry of its
 * permutation that nobody holds yet, until the table is full. Turns alternate strictly, so the
 * counts differ by at most one. M is prime and skip < M, so each permutation visits every
 * entry and a node always finds a free one.
 */
dk_status dk_hash_maglev_fill(dk_hash_maglev_t *m, const unsigned char *live)
{
    size_t nlive = 0;
    for (size_t i = 0; i < m->n; i++)
        nlive += live == NULL || live[i];
    if (nlive == 0)
        return DK_EINVAL;
    memset(m->table, 0xff, m->size * sizeof *m->table);
    memset(m->next, 0, m->n * sizeof *m->next);
    uint32_t filled = 0;
    for (;;) {
        for (size_t i = 0; i < m->n; i++) {
            if (live != NULL && !live[i])
                continue;
            uint32_t c;
            do {
                c = (uint32_t)((m->offset[i] + (uint64_t)m->next[i] * m->skip[i]) % m->size);
                m->next[i]++;
            } while (m->table[c] != UINT32_MAX);
            m->table[c] = (uint32_t)i;
            if (++filled == m->size)
                return DK_OK;
        }
    }
}

size_t dk_hash_maglev_get(const dk_hash_maglev_t *m, uint64_t h)
{
    return m->table[h % m->size];
}

uint32_t dk_hash_maglev_size(const dk_hash_maglev_t *m)
{
    return m->size;
}

size_t dk_hash_maglev_nodes(const dk_hash_maglev_t *m)
{
    return m->n;
}

const char *dk_hash_maglev_node(const dk_hash_maglev_t *m, size_t i)
{
    return i < m->n ? m->names[i] : NULL;
}

size_t dk_hash_maglev_entries(const dk_hash_maglev_t *m, size_t i)
{
    size_t count = 0;
    for (uint32_t c = 0; c < m->size; c++)
        count += m->table[c] == i;
    return count;
}

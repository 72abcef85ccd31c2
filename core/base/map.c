/* map.c - open-addressing u64 -> u64 hash map (linear probing, backward-shift deletion). */
#include "designkit/map.h"

#include <string.h>

#include "designkit/alloc.h"

/* A slot is occupied when its bit in `used` is set, so every key value stays available
 * (no key is reserved as an "empty" marker). */
typedef struct entry {
    uint64_t key;
    uint64_t value;
} entry;

struct dk_map {
    entry *slots;
    uint64_t *used; /* one bit per slot */
    size_t mask;    /* capacity - 1; capacity is a power of two */
    size_t size;
};

#define MIN_CAPACITY 8

static int is_used(const dk_map_t *m, size_t i)
{
    return (int)((m->used[i >> 6] >> (i & 63)) & 1u);
}

static void set_used(dk_map_t *m, size_t i)
{
    m->used[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void clear_used(dk_map_t *m, size_t i)
{
    m->used[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

static size_t bitmap_words(size_t capacity)
{
    return (capacity + 63) / 64;
}

/* The smallest power-of-two capacity that holds n keys at most 7/8 full; 0 on overflow. */
static size_t capacity_for(size_t n)
{
    size_t cap = MIN_CAPACITY;
    while (cap - cap / 8 < n) {
        if (cap > ((size_t)-1 / sizeof(entry)) / 2)
            return 0;
        cap *= 2;
    }
    return cap;
}

static size_t home_of(const dk_map_t *m, uint64_t key)
{
    return (size_t)dk_hash_u64(key) & m->mask;
}

/* The slot holding `key`, or (size_t)-1. */
static size_t find(const dk_map_t *m, uint64_t key)
{
    size_t i = home_of(m, key);
    while (is_used(m, i)) {
        if (m->slots[i].key == key)
            return i;
        i = (i + 1) & m->mask;
    }
    return (size_t)-1;
}

/* Places a key known to be absent; the table has room. */
static void insert_new(dk_map_t *m, uint64_t key, uint64_t value)
{
    size_t i = home_of(m, key);
    while (is_used(m, i))
        i = (i + 1) & m->mask;
    m->slots[i].key = key;
    m->slots[i].value = value;
    set_used(m, i);
    m->size++;
}

/* Rehashes into a table of `cap` slots. On DK_ENOMEM the old table is untouched. */
static dk_status resize(dk_map_t *m, size_t cap)
{
    entry *old_slots = m->slots;
    uint64_t *old_used = m->used;
    size_t old_cap = m->slots != NULL ? m->mask + 1 : 0;
    entry *slots = dk_malloc(cap * sizeof *slots);
    uint64_t *used = dk_calloc(bitmap_words(cap), sizeof *used);

    if (slots == NULL || used == NULL) {
        dk_free(slots);
        dk_free(used);
        return DK_ENOMEM;
    }
    m->slots = slots;
    m->used = used;
    m->mask = cap - 1;
    m->size = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if ((old_used[i >> 6] >> (i & 63)) & 1u)
            insert_new(m, old_slots[i].key, old_slots[i].value);
    }
    dk_free(old_slots);
    dk_free(old_used);
    return DK_OK;
}

/*
 * dk_map_new - an empty map with room for `expected` keys without growing. The caller frees it
 * with dk_map_free. NULL with *status = DK_ENOMEM (status may be NULL).
 */
dk_map_t *dk_map_new(size_t expected, dk_status *status)
{
    dk_map_t *m = dk_calloc(1, sizeof *m);
    size_t cap = capacity_for(expected);

    if (m == NULL || cap == 0 || resize(m, cap) != DK_OK) {
        dk_free(m);
        if (status != NULL)
            *status = DK_ENOMEM;
        return NULL;
    }
    if (status != NULL)
        *status = DK_OK;
    return m;
}

/*
 * dk_map_free - releases the map; NULL is a no-op.
 */
void dk_map_free(dk_map_t *m)
{
    if (m == NULL)
        return;
    dk_free(m->slots);
    dk_free(m->used);
    dk_free(m);
}

/*
 * dk_map_reserve - grows so that n keys fit without further allocation. Never shrinks.
 * DK_ENOMEM (or for an n too large to address) leaves the map as it was.
 */
dk_status dk_map_reserve(dk_map_t *m, size_t n)
{
    size_t cap;
    if (m == NULL)
        return DK_EINVAL;
    cap = capacity_for(n);
    if (cap == 0)
        return DK_ENOMEM;
    if (cap <= m->mask + 1)
        return DK_OK;
    return resize(m, cap);
}

/*
 * dk_map_put - inserts or replaces. Grows (doubling) before an insert would pass 7/8 full;
 * DK_ENOMEM then leaves the map unchanged.
 */
dk_status dk_map_put(dk_map_t *m, uint64_t key, uint64_t value)
{
    size_t i, cap;
    if (m == NULL)
        return DK_EINVAL;
    i = find(m, key);
    if (i != (size_t)-1) {
        m->slots[i].value = value;
        return DK_OK;
    }
    cap = m->mask + 1;
    if (m->size + 1 > cap - cap / 8) {
        dk_status st = dk_map_reserve(m, m->size + 1);
        if (st != DK_OK)
            return st;
    }
    insert_new(m, key, value);
    return DK_OK;
}

/*
 * dk_map_get - 1 and the value (when `value` is not NULL) if `key` is present, else 0.
 */
int dk_map_get(const dk_map_t *m, uint64_t key, uint64_t *value)
{
    size_t i;
    if (m == NULL)
        return 0;
    i = find(m, key);
    if (i == (size_t)-1)
        return 0;
    if (value != NULL)
        *value = m->slots[i].value;
    return 1;
}

/*
 * dk_map_remove - 1 and the old value (when `old` is not NULL) if `key` was present.
 * Backward-shift deletion: every later entry of the probe run that may legally sit in the hole
 * is moved back into it, so lookups never need tombstones and probe runs do not rot.
 */
int dk_map_remove(dk_map_t *m, uint64_t key, uint64_t *old)
{
    size_t hole, j;
    if (m == NULL)
        return 0;
    hole = find(m, key);
    if (hole == (size_t)-1)
        return 0;
    if (old != NULL)
        *old = m->slots[hole].value;
    j = (hole + 1) & m->mask;
    while (is_used(m, j)) {
        size_t home = home_of(m, m->slots[j].key);
        /* The entry at j may move to the hole iff the hole lies on its probe path, i.e. its
         * distance from home is at least the distance from the hole. */
        if (((j - home) & m->mask) >= ((j - hole) & m->mask)) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
        j = (j + 1) & m->mask;
    }
    clear_used(m, hole);
    m->size--;
    return 1;
}

/*
 * dk_map_size - the number of keys; 0 for NULL.
 */
size_t dk_map_size(const dk_map_t *m)
{
    return m != NULL ? m->size : 0;
}

/*
 * dk_map_clear - removes every key and keeps the capacity, so refilling allocates nothing.
 */
void dk_map_clear(dk_map_t *m)
{
    if (m == NULL)
        return;
    memset(m->used, 0, bitmap_words(m->mask + 1) * sizeof *m->used);
    m->size = 0;
}

/*
 * dk_map_next - table-order iteration: *iter is the next slot to look at (start at 0). Returns
 * 1 with the key and value (each pointer may be NULL), 0 when done.
 */
int dk_map_next(const dk_map_t *m, size_t *iter, uint64_t *key, uint64_t *value)
{
    size_t cap;
    if (m == NULL || iter == NULL)
        return 0;
    cap = m->mask + 1;
    for (size_t i = *iter; i < cap; i++) {
        if (is_used(m, i)) {
            if (key != NULL)
                *key = m->slots[i].key;
            if (value != NULL)
                *value = m->slots[i].value;
            *iter = i + 1;
            return 1;
        }
    }
    *iter = cap;
    return 0;
}

/*
 * dk_hash_u64 - splitmix64's finaliser: a bijection on 64 bits whose every input bit affects
 * every output bit, so sequential keys spread over the table.
 */
uint64_t dk_hash_u64(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/*
 * dk_hash_bytes - FNV-1a (64-bit) over `len` bytes, then finalised because FNV's low bits,
 * which pick the slot, are weak. NULL data hashes as the empty string.
 */
uint64_t dk_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    if (p == NULL)
        len = 0;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return dk_hash_u64(h);
}

/*
 * dk_hash_str - dk_hash_bytes over the string without its terminator; NULL hashes as "".
 */
uint64_t dk_hash_str(const char *s)
{
    return dk_hash_bytes(s, s != NULL ? strlen(s) : 0);
}

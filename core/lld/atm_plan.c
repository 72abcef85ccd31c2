/* atm_plan.c - the fewest notes that make an amount from cassettes of limited stock. */
#include <stdint.h>

#include "designkit/alloc.h"
#include "designkit/atm.h"

#define UNREACHABLE INT32_MAX

static int64_t gcd(int64_t x, int64_t y)
{
    while (y != 0) {
        int64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

/* Cassette i's layer of the programme: cur[a] = min over k in 0..count of prev[a - k*w] + k,
 * with w its value in steps. Along one residue class a = r + j*w this is a minimum of
 * prev[a_t] - t over the window t in [j - count, j], plus j: a monotone deque gives it in O(1)
 * amortised per amount, so a cassette of many notes costs no more than one of few. `take`
 * records the k chosen, for the walk back. */
static void layer(const int32_t *prev, int32_t *cur, int32_t *take, int32_t *deque, int32_t steps,
                  int32_t w, int64_t count)
{
    for (int32_t r = 0; r < w && r <= steps; r++) {
        int32_t head = 0, tail = 0;
        for (int32_t j = 0; r + (int64_t)j * w <= steps; j++) {
            int32_t a = r + j * w;
            if (prev[a] != UNREACHABLE) {
                /* Drop the entries this one beats: they can never be the minimum again. */
                while (tail > head &&
                       prev[r + deque[tail - 1] * w] - deque[tail - 1] >= prev[a] - j)
                    tail--;
                deque[tail++] = j;
            }
            while (tail > head && (int64_t)j - deque[head] > count)
                head++;
            if (tail > head) {
                int32_t t = deque[head];
                cur[a] = prev[r + t * w] - t + j;
                take[a] = j - t;
            } else {
                cur[a] = UNREACHABLE;
                take[a] = 0;
            }
        }
    }
}

dk_status dk_atm_plan(const dk_atm_cassette *stock, size_t n, int64_t amount, int64_t *take,
                      dk_error *err)
{
    if (n == 0 || n > DK_ATM_MAX_CASSETTES)
        return dk_error_set(err, DK_EINVAL, "atm: %zu cassettes (1 to %d)", n,
                            DK_ATM_MAX_CASSETTES);
    if (amount <= 0)
        return dk_error_set(err, DK_EINVAL, "atm: amount must be positive (got %lld)",
                            (long long)amount);
    int64_t g = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (stock[i].value <= 0 || stock[i].count < 0)
            return dk_error_set(err, DK_EINVAL, "atm: cassette %zu: bad value or count", i + 1);
        g = gcd(stock[i].value, g);
        take[i] = 0;
        if (total < amount) /* only whether the stock reaches the amount matters: no overflow */
            total +=
                stock[i].count > amount / stock[i].value ? amount : stock[i].count * stock[i].value;
    }
    if (amount % g != 0)
        return dk_error_set(err, DK_EINVAL,
                            "atm: %lld is not a multiple of %lld, the smallest step the notes make",
                            (long long)amount, (long long)g);
    if (total < amount)
        return dk_error_set(err, DK_ENOTFOUND, "atm: not enough notes in the cassettes for %lld",
                            (long long)amount);
    if (amount / g > DK_ATM_MAX_STEPS)
        return dk_error_set(err, DK_ERANGE, "atm: %lld is more than %d notes' steps of %lld",
                            (long long)amount, DK_ATM_MAX_STEPS, (long long)g);
    int32_t steps = (int32_t)(amount / g);
    size_t width = (size_t)steps + 1;
    int32_t *best = dk_calloc(2 * width, sizeof *best);
    int32_t *takes = dk_calloc(n * width, sizeof *takes);
    int32_t *deque = dk_calloc(width, sizeof *deque);
    if (best == NULL || takes == NULL || deque == NULL) {
        dk_free(best);
        dk_free(takes);
        dk_free(deque);
        return dk_error_set(err, DK_ENOMEM, "atm: out of memory planning %lld", (long long)amount);
    }
    int32_t *prev = best, *cur = best + width;
    for (size_t a = 1; a < width; a++)
        prev[a] = UNREACHABLE;
    for (size_t i = 0; i < n; i++) {
        int64_t w = stock[i].value / g;
        layer(prev, cur, takes + i * width, deque, steps, w > steps ? steps + 1 : (int32_t)w,
              stock[i].count);
        int32_t *t = prev;
        prev = cur;
        cur = t;
    }
    dk_status st = DK_OK;
    if (prev[steps] == UNREACHABLE) {
        st = dk_error_set(err, DK_ENOTFOUND, "atm: no combination of the notes in stock makes %lld",
                          (long long)amount);
    } else {
        int32_t a = steps;
        for (size_t i = n; i-- > 0;) {
            int32_t k = takes[i * width + (size_t)a];
            take[i] = k;
            a -= (int32_t)(k * (stock[i].value / g));
        }
    }
    dk_free(best);
    dk_free(takes);
    dk_free(deque);
    return st;
}

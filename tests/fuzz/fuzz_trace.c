/* fuzz_trace.c - libFuzzer target: the .lis trace reader (designkit/trace.h) takes any bytes;
 * the buffer and the FILE reader agree on every input, and what they accept, written back as
 * lines, reads again to the same requests. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/designkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 4096

typedef struct requests {
    uint64_t start[MAX_REQUESTS], count[MAX_REQUESTS];
    size_t n;
} requests;

static requests first, second, third;

static dk_status collect(void *ctx, uint64_t start, uint64_t count)
{
    requests *r = ctx;
    if (count == 0 || count - 1 > UINT64_MAX - start)
        abort(); /* the reader promised a run that fits */
    if (r->n == MAX_REQUESTS)
        return DK_ERANGE; /* enough: the callback's status must come back as it is */
    r->start[r->n] = start;
    r->count[r->n++] = count;
    return DK_OK;
}

static int same(const requests *a, const requests *b)
{
    return a->n == b->n && memcmp(a->start, b->start, a->n * sizeof a->start[0]) == 0 &&
           memcmp(a->count, b->count, a->n * sizeof a->count[0]) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dk_error err, err2;
    first.n = second.n = third.n = 0;
    dk_error_clear(&err);
    dk_status st = dk_trace_parse((const char *)data, size, "fuzz.lis", collect, &first, &err);
    if (st != DK_OK && err.message[0] == '\0' && st != DK_ERANGE)
        abort(); /* a failure explains itself */

    FILE *f = fmemopen((void *)data, size, "r");
    if (f != NULL && size > 0) {
        dk_status st2 = dk_trace_read(f, "fuzz.lis", collect, &second, &err2);
        fclose(f);
        if (st2 != st || !same(&first, &second) ||
            (st != DK_OK && strcmp(err.message, err2.message) != 0))
            abort(); /* the two readers are one reader */
    } else if (f != NULL) {
        fclose(f);
    }
    if (st != DK_OK)
        return 0;

    /* written back, read again */
    size_t cap = first.n * 64 + 1, len = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return 0;
    for (size_t i = 0; i < first.n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%llu %llu 0 %zu\n",
                                (unsigned long long)first.start[i],
                                (unsigned long long)first.count[i], i);
    if (dk_trace_parse(text, len, "again.lis", collect, &third, &err) != DK_OK ||
        !same(&first, &third))
        abort();
    free(text);
    return 0;
}

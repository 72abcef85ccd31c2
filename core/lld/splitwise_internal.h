/* splitwise_internal.h - what splitwise.c shares with ledger.c only. */
#ifndef DK_LLD_SPLITWISE_INTERNAL_H
#define DK_LLD_SPLITWISE_INTERNAL_H

#include "designkit/splitwise.h"

/* The name of participant `i` for messages, from whatever holds the names. */
typedef const char *(*dk__participant_name)(const void *ctx, size_t i);

/* dk_splitwise_split, with messages naming participant i as "\"<name_of(ctx, i)>\"" instead of
 * "participant <i + 1>" when `name_of` is not NULL (the ledger knows its users' names). */
dk_status dk__splitwise_split(int64_t amount, dk_split split, const int64_t *values, size_t n,
                              int64_t *owed, dk__participant_name name_of, const void *ctx,
                              dk_error *err);

#endif

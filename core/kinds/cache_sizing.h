/* cache_sizing.h - a capacity in bytes with sized objects, as the cache and cdn kinds offer it. */
#ifndef DK_KINDS_CACHE_SIZING_H
#define DK_KINDS_CACHE_SIZING_H

#include "designkit/model.h"
#include "designkit/sim.h"

/* The two schema entries, the same in every kind that has them (one source for the docs). */
#define DK__CACHE_BYTES_PROP                                                                       \
    {                                                                                              \
        "bytes", DK_PROP_SIZE, 0, 1e18, NULL,                                                      \
            "capacity in bytes of sized objects (0 = capacity counts entries)", 0, "0B", 0         \
    }
#define DK__CACHE_OBJECT_SIZE_PROP                                                                 \
    {                                                                                              \
        "object_size", DK_PROP_DIST, 0, 1e18, NULL,                                                \
            "with bytes: the size of an object in bytes, drawn once per key", 1024, "1KiB",        \
            DK_PROP_F_POSITIVE | DK_PROP_F_SIZES                                                   \
    }

/* The figures of a cache counted in bytes, for a kind's `metrics`. */
#define DK__CACHE_BYTES_METRICS                                                                    \
    (DK_METRIC_BIT(DK_METRIC_BYTES_USED) | DK_METRIC_BIT(DK_METRIC_BYTES_PEAK) |                   \
     DK_METRIC_BIT(DK_METRIC_BYTES_CAPACITY) | DK_METRIC_BIT(DK_METRIC_TOO_BIG))

/*
 * dk__kind_cache_sizing - fills cfg->bytes and cfg->object_size (borrowed from `c`) from the
 * component's `bytes` and `object_size` properties (ids given), for cfg->policy (already
 * set). DK_EINVAL naming the component
 * and the fields when `bytes` is set with an explicit `capacity` (a cache counts one or the
 * other), when `object_size` is set without `bytes`, or when the policy cannot hold sized
 * objects (arc, 2q, tinylfu: the message lists those that can).
 */
dk_status dk__kind_cache_sizing(const dk_comp_t *c, int capacity, int bytes, int object_size,
                                dk_cache_config *cfg, dk_error *err);

/* The kind's check (dk_kind.check) of a cache or cdn: dk__kind_cache_sizing on the properties
 * named capacity, policy, bytes and object_size, which every kind with a byte capacity has. */
dk_status dk__kind_cache_check(const dk_comp_t *c, dk_error *err);

#endif

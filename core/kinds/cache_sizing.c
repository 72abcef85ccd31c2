/* cache_sizing.c - the checks of a capacity in bytes that only the whole component can make:
 * each field alone is checked by the schema when it is set. */
#include <stddef.h>

#include "designkit/cache.h"
#include "kinds/cache_sizing.h"

dk_status dk__kind_cache_sizing(const dk_comp_t *c, int capacity, int bytes, int object_size,
                                dk_cache_config *cfg, dk_error *err)
{
    const char *kind = dk_kind_name(dk_comp_kind(c)), *name = dk_comp_name(c);
    double b = dk_comp_number(c, bytes);

    if (b <= 0) {
        if (dk_comp_is_set(c, object_size))
            return dk_error_set(err, DK_EINVAL,
                                "%s \"%s\": object_size needs bytes (a capacity in bytes); "
                                "capacity counts entries, whatever their size",
                                kind, name);
        return DK_OK;
    }
    if (dk_comp_is_set(c, capacity))
        return dk_error_set(err, DK_EINVAL,
                            "%s \"%s\": capacity and bytes are both set: a cache counts entries "
                            "(capacity) or bytes (bytes, each object weighing object_size), not "
                            "both",
                            kind, name);
    /* A policy whose lists count entries cannot hold sized objects: ask the pattern, which
     * names the policies that can, rather than keep a second list here. */
    dk_error e;
    dk_error_clear(&e);
    dk_cache_t *probe = dk_cache_new_bytes(cfg->policy, 1, 1, &e);
    if (probe == NULL)
        return dk_error_set(err, e.status == DK_ENOMEM ? DK_ENOMEM : DK_EINVAL,
                            "%s \"%s\": bytes: %s", kind, name, e.message);
    dk_cache_free(probe);
    cfg->bytes = (uint64_t)b;
    cfg->object_size = dk_comp_dist(c, object_size);
    return DK_OK;
}

dk_status dk__kind_cache_check(const dk_comp_t *c, dk_error *err)
{
    const dk_kind *k = dk_comp_kind(c);
    dk_cache_config cfg = {.policy = dk_comp_text(c, dk_kind_prop_id(k, "policy"))};
    return dk__kind_cache_sizing(c, dk_kind_prop_id(k, "capacity"), dk_kind_prop_id(k, "bytes"),
                                 dk_kind_prop_id(k, "object_size"), &cfg, err);
}

/* fuzz_model_json.c - libFuzzer target: any bytes given as a model JSON file either load or fail
 * with a message; a model that loads writes JSON that loads again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/designkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dk_error err;
    dk_error_clear(&err);
    dk_model_t *m = dk_model_from_json((const char *)data, size, "fuzz.json", dk_kinds_find, &err);
    if (m == NULL) {
        if (err.message[0] == '\0')
            abort();
        return 0;
    }
    char *once = NULL, *twice = NULL;
    if (dk_model_to_json(m, &once, NULL, &err) != DK_OK)
        abort();
    dk_model_t *again = dk_model_from_json(once, strlen(once), "again.json", dk_kinds_find, &err);
    if (again == NULL || dk_model_to_json(again, &twice, NULL, &err) != DK_OK)
        abort();
    if (strcmp(once, twice) != 0)
        abort(); /* the round trip is exact */
    dk_findings_t *f = dk_model_validate(m, NULL);
    dk_findings_free(f);
    dk_free(once);
    dk_free(twice);
    dk_model_free(again);
    dk_model_free(m);
    return 0;
}

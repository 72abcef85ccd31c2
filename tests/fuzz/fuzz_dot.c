/* fuzz_dot.c - libFuzzer target: a model built from fuzzed model JSON (the reader's checks
 * decide what a model may be) is drawn as DOT; Graphviz's own reader, cgraph, reads the text
 * back with one node per component, named as the component (bar a leading %, which cgraph
 * takes for an anonymous name). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "designkit/designkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dk_error err;
    dk_model_t *m = dk_model_from_json((const char *)data, size, "fuzz.json", dk_kinds_find, &err);
    if (m == NULL)
        return 0;
    size_t n = dk_model_comp_count(m);
    char *dot = NULL;
    size_t len = 0;
    /* a summary folds components: the one-node-per-component oracle is for small designs */
    if (n > 0 && n <= 64 && dk_draw_render(m, NULL, DK_DRAW_DOT, &dot, &len, &err) == DK_OK) {
        Agraph_t *g = agmemread(dot);
        if (g == NULL)
            abort(); /* what we write as DOT, Graphviz must read */
        if ((size_t)agnnodes(g) != n)
            abort();
        for (size_t i = 0; i < n; i++) {
            const char *name = dk_comp_name(dk_model_comp(m, i));
            if (name[0] != '%' && agnode(g, (char *)name, 0) == NULL)
                abort(); /* every component is there by its own name */
        }
        agclose(g);
        dk_free(dot);
    } else if (n > 0 && n <= 64 && err.status != DK_EUNSUPPORTED) {
        abort(); /* the only refusal is a name DOT cannot spell */
    }
    dk_model_free(m);
    return 0;
}

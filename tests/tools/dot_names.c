/* dot_names.c - a test helper: reads a DOT file with cgraph (Graphviz's own reader, not ours)
 * and prints the name of every node and subgraph, one per line as "node HEX IDHEX" (the node's
 * id attribute after it) or "subgraph HEX", the bytes in hex so that any name survives the trip
 * through a pipe. Exit 2 when cgraph cannot read the file. Used by tests/cli/names_property.sh.
 */
#include <stdio.h>
#include <string.h>

#include <graphviz/cgraph.h>

static void hex(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        printf("%02x", *p);
}

static void print_hex(const char *what, const char *name)
{
    printf("%s ", what);
    hex(name);
    printf("\n");
}

static void print_subgraphs(Agraph_t *g)
{
    for (Agraph_t *s = agfstsubg(g); s != NULL; s = agnxtsubg(s)) {
        print_hex("subgraph", agnameof(s));
        print_subgraphs(s);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dot_names FILE.dot\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    Agraph_t *g = agread(f, NULL);
    fclose(f);
    if (g == NULL) {
        fprintf(stderr, "%s: cgraph cannot read it\n", argv[1]);
        return 2;
    }
    for (Agnode_t *n = agfstnode(g); n != NULL; n = agnxtnode(g, n)) {
        const char *id = agget(n, "id");
        printf("node ");
        hex(agnameof(n));
        printf(" ");
        hex(id != NULL && id[0] != '\0' ? id : "-");
        printf("\n");
    }
    print_subgraphs(g);
    agclose(g);
    return 0;
}

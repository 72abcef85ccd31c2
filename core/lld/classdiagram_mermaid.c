/* classdiagram_mermaid.c - a class diagram as Mermaid classDiagram text. */
#include "designkit/classdiagram.h"

#include <string.h>

#include "designkit/alloc.h"
#include "designkit/strbuf.h"

/* Mermaid reads a class name as a word of letters, digits and _; any other name is given an id
 * (T<index>) and shown as a label. */
static int is_word(const char *s)
{
    for (const char *p = s; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return 0;
    return s[0] != '\0' && !(s[0] >= '0' && s[0] <= '9');
}

/* Writes `s` with Mermaid's entity for a double quote, which would end a quoted string. */
static void put_quoted(dk_strbuf *t, const char *s)
{
    char one[2] = {0, 0};
    for (; *s != '\0'; s++) {
        one[0] = *s;
        dk_strbuf_put(t, *s == '"' ? "#quot;" : one);
    }
}

static void put_id(dk_strbuf *t, const dk_classdiagram_t *d, const char *name)
{
    if (is_word(name)) {
        dk_strbuf_put(t, name);
        return;
    }
    size_t i = 0;
    while (i < dk_classdiagram_count(d) && strcmp(dk_classdiagram_name(d, i), name) != 0)
        i++;
    char id[24] = "T";
    size_t len = 1;
    char digits[20];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0);
    while (nd > 0)
        id[len++] = digits[--nd];
    id[len] = '\0';
    dk_strbuf_put(t, id);
}

static void put_type(dk_strbuf *t, const dk_classdiagram_t *d, size_t i)
{
    const char *name = dk_classdiagram_name(d, i);
    dk_uml_kind kind = dk_classdiagram_kind(d, i);
    dk_strbuf_put(t, "    class ");
    put_id(t, d, name);
    if (!is_word(name)) {
        dk_strbuf_put(t, "[\"");
        put_quoted(t, name);
        dk_strbuf_put(t, "\"]");
    }
    dk_strbuf_put(t, " {\n");
    if (kind == DK_UML_INTERFACE)
        dk_strbuf_put(t, "        <<interface>>\n");
    else if (kind == DK_UML_ENUM)
        dk_strbuf_put(t, "        <<enumeration>>\n");
    else if (dk_classdiagram_abstract(d, i))
        dk_strbuf_put(t, "        <<abstract>>\n");
    for (size_t j = 0; j < dk_classdiagram_member_count(d, i); j++) {
        dk_uml_visibility vis;
        unsigned flags;
        const char *m = dk_classdiagram_member_at(d, i, j, NULL, &vis, &flags);
        char v[2] = {(char)vis, 0};
        dk_strbuf_put(t, "        ");
        dk_strbuf_put(t, v);
        dk_strbuf_put(t, m);
        /* Mermaid's classifiers: $ static (underlined), * abstract (italics) */
        dk_strbuf_put(t, flags & DK_UML_STATIC ? "$" : flags & DK_UML_ABSTRACT ? "*" : "");
        dk_strbuf_put(t, "\n");
    }
    dk_strbuf_put(t, "    }\n");
}

/* The cardinality text of one end: role and multiplicity together, as Mermaid has one slot. */
static void put_end(dk_strbuf *t, const dk_uml_end *e)
{
    if (e->mult[0] == '\0' && e->role[0] == '\0')
        return;
    dk_strbuf_put(t, "\"");
    put_quoted(t, e->role);
    dk_strbuf_put(t, e->role[0] != '\0' && e->mult[0] != '\0' ? " " : "");
    put_quoted(t, e->mult);
    dk_strbuf_put(t, "\"");
}

static void put_relation(dk_strbuf *t, const dk_classdiagram_t *d, const dk_uml_relation_info *r)
{
    /* Written target first for the arrows that point at the target (inheritance, realisation)
     * and whole first for the diamonds: Mermaid puts the head on the side it is written. */
    static const char *const arrow[] = {"<|--", "<|..", "*--", "o--", "--", "..>"};
    int reversed = r->rel == DK_UML_INHERITS || r->rel == DK_UML_REALIZES;
    dk_strbuf_put(t, "    ");
    put_id(t, d, reversed ? r->to : r->from);
    dk_strbuf_put(t, " ");
    if (!reversed && (r->from_end.mult[0] != '\0' || r->from_end.role[0] != '\0')) {
        put_end(t, &r->from_end);
        dk_strbuf_put(t, " ");
    }
    if (r->rel == DK_UML_ASSOCIATES && (r->from_end.navigable || r->to_end.navigable))
        dk_strbuf_put(t, r->from_end.navigable && r->to_end.navigable ? "<-->"
                         : r->to_end.navigable                        ? "-->"
                                                                      : "<--");
    else
        dk_strbuf_put(t, arrow[r->rel]);
    dk_strbuf_put(t, " ");
    if (!reversed && (r->to_end.mult[0] != '\0' || r->to_end.role[0] != '\0')) {
        put_end(t, &r->to_end);
        dk_strbuf_put(t, " ");
    }
    put_id(t, d, reversed ? r->from : r->to);
    if (r->label[0] != '\0') {
        dk_strbuf_put(t, " : ");
        dk_strbuf_put(t, r->label);
    }
    dk_strbuf_put(t, "\n");
}

dk_status dk_classdiagram_mermaid(const dk_classdiagram_t *d, char **out, dk_error *err)
{
    dk_strbuf t = {0};
    dk_status st;
    *out = NULL;
    if ((st = dk_classdiagram_check(d, err)) != DK_OK)
        return st;
    const char *title = dk_classdiagram_title(d);
    if (title[0] != '\0') {
        dk_strbuf_put(&t, "---\ntitle: ");
        dk_strbuf_put(&t, title);
        dk_strbuf_put(&t, "\n---\n");
    }
    dk_strbuf_put(&t, "classDiagram\n");
    for (size_t i = 0; i < dk_classdiagram_count(d); i++)
        put_type(&t, d, i);
    for (size_t i = 0; i < dk_classdiagram_relation_count(d); i++) {
        dk_uml_relation_info r;
        dk_classdiagram_relation_at(d, i, &r);
        put_relation(&t, d, &r);
    }
    if (t.failed || t.s == NULL) {
        dk_free(t.s);
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory writing Mermaid");
    }
    *out = t.s;
    return DK_OK;
}

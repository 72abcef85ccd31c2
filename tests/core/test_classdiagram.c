/* areas: base patterns model sim export kinds lld */
/* test_classdiagram.c - UML class diagrams: the model, its validation (multiplicities against
 * a regular-expression reference, inheritance cycles against a transitive closure), the DOT
 * drawing read back with cgraph, and the Mermaid text. */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "designkit/alloc.h"
#include "designkit/classdiagram.h"
#include "designkit/draw_uml.h"

static dk_classdiagram_t *bank(void)
{
    dk_error err;
    dk_classdiagram_t *d = dk_classdiagram_new("bank", &err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_INTERFACE, "Account", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Base", 1, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Savings", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Bank", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Branch", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_ENUM, "Kind", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Audit", 0, &err), DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_member(d, "Account", DK_UML_METHOD, "+deposit(n: int)", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_FIELD, "-balance: int", 0, &err),
                     DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_member(d, "Base", DK_UML_FIELD, "#count: int", DK_UML_STATIC, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_METHOD, "+describe(): string",
                                            DK_UML_ABSTRACT, &err),
                     DK_OK);
    ck_assert_int_eq(dk_classdiagram_member(d, "Kind", DK_UML_VALUE, "SAVINGS", 0, &err), DK_OK);
    dk_uml_end many = {"0..*", "accounts", 0}, one = {"1", NULL, 0}, nav = {NULL, "kind", 1};
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_INHERITS, "Savings", "Base", NULL, NULL, NULL, &err),
        DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_REALIZES, "Base", "Account", NULL, NULL, NULL, &err),
        DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_COMPOSES, "Bank", "Base", &one, &many, NULL, &err), DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_AGGREGATES, "Bank", "Branch", NULL, NULL, NULL, &err),
        DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_ASSOCIATES, "Savings", "Kind", NULL, &nav, "of", &err),
        DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_DEPENDS, "Audit", "Account", NULL, NULL, NULL, &err),
        DK_OK);
    ck_assert_int_eq(dk_classdiagram_check(d, &err), DK_OK);
    return d;
}

START_TEST(the_model_reads_back)
{
    dk_classdiagram_t *d = bank();
    ck_assert_str_eq(dk_classdiagram_title(d), "bank");
    ck_assert_uint_eq(dk_classdiagram_count(d), 7);
    ck_assert_str_eq(dk_classdiagram_name(d, 1), "Base");
    ck_assert_int_eq(dk_classdiagram_kind(d, 0), DK_UML_INTERFACE);
    ck_assert_int_eq(dk_classdiagram_abstract(d, 1), 1);
    ck_assert_uint_eq(dk_classdiagram_member_count(d, 1), 3);
    dk_uml_member_kind k;
    dk_uml_visibility v;
    unsigned f;
    ck_assert_str_eq(dk_classdiagram_member_at(d, 1, 1, &k, &v, &f), "count: int");
    ck_assert_int_eq(k, DK_UML_FIELD);
    ck_assert_int_eq(v, DK_UML_PROTECTED);
    ck_assert_uint_eq(f, DK_UML_STATIC);
    ck_assert_str_eq(dk_classdiagram_member_at(d, 5, 0, &k, &v, &f), "SAVINGS");
    ck_assert_int_eq(v, DK_UML_NONE);
    ck_assert_uint_eq(dk_classdiagram_relation_count(d), 6);
    dk_uml_relation_info r;
    dk_classdiagram_relation_at(d, 2, &r);
    ck_assert_int_eq(r.rel, DK_UML_COMPOSES);
    ck_assert_str_eq(r.from, "Bank");
    ck_assert_str_eq(r.to_end.mult, "0..*");
    ck_assert_str_eq(r.to_end.role, "accounts");
    ck_assert_str_eq(r.from_end.mult, "1");
    ck_assert_str_eq(r.from_end.role, "");
    dk_classdiagram_free(d);
    dk_classdiagram_free(NULL);
}
END_TEST

/* The reference: a regular expression for the shape (`re`), then the bounds compared. */
static int reference_mult(const regex_t *re, const char *s)
{
    regmatch_t m[4];
    int ok = strcmp(s, "*") == 0;
    if (!ok && regexec(re, s, 4, m, 0) == 0) {
        ok = 1;
        if (m[3].rm_so >= 0 && s[m[3].rm_so] != '*') {
            long lo = strtol(s + m[1].rm_so, NULL, 10), hi = strtol(s + m[3].rm_so, NULL, 10);
            ok = lo <= hi && hi > 0;
        }
    }
    return ok;
}

START_TEST(multiplicities_agree_with_the_reference)
{
    /* every string of up to 5 characters over an alphabet that makes all the shapes */
    static const char alphabet[] = "019.*x";
    const size_t na = sizeof alphabet - 1;
    char s[8];
    size_t checked = 0, valid = 0;
    regex_t re;
    ck_assert_int_eq(regcomp(&re, "^([0-9]{1,9})(\\.\\.([0-9]{1,9}|\\*))?$", REG_EXTENDED), 0);
    for (size_t len = 0; len <= 5; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= na;
        for (size_t code = 0; code < total; code++) {
            size_t c = code;
            for (size_t i = 0; i < len; i++, c /= na)
                s[i] = alphabet[c % na];
            s[len] = '\0';
            int want = reference_mult(&re, s);
            ck_assert_msg(dk_uml_mult_valid(s) == want, "\"%s\": got %d, reference %d", s,
                          dk_uml_mult_valid(s), want);
            checked++;
            valid += (size_t)want;
        }
    }
    regfree(&re);
    ck_assert_uint_gt(valid, 20);
    ck_assert_uint_gt(checked, 9000);
}
END_TEST

START_TEST(bad_declarations_are_refused_naming_the_fault)
{
    dk_error err;
    dk_classdiagram_t *d = bank();
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Base", 0, &err), DK_EEXIST);
    ck_assert_str_eq(err.message, "class diagram \"bank\": duplicate name \"Base\"");
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "a\nb", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_ENUM, "E", 1, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_member(d, "Nope", DK_UML_FIELD, "x", 0, &err), DK_ENOTFOUND);
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_METHOD, "+run", 0, &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "method \"+run\" needs its parameter list"));
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_FIELD, "f()", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_VALUE, "A", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_member(d, "Kind", DK_UML_FIELD, "x: int", 0, &err), DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_member(d, "Base", DK_UML_FIELD, "-", 0, &err), DK_EINVAL);
    ck_assert_int_eq(
        dk_classdiagram_member(d, "Base", DK_UML_FIELD, "x: int", DK_UML_ABSTRACT, &err),
        DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_member(d, "Account", DK_UML_FIELD, "-x: int", 0, &err),
                     DK_EINVAL);
    dk_uml_end bad = {"1..0", NULL, 0}, role = {NULL, "r", 0}, nav = {NULL, NULL, 1};
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_COMPOSES, "Bank", "Base", NULL, &bad, NULL, &err),
        DK_EINVAL);
    ck_assert_str_eq(err.message, "relation Bank composes Base: bad multiplicity \"1..0\" at "
                                  "Base (use 1, 0..1, *, 1..*, n..m with n <= m)");
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_INHERITS, "Bank", "Base", NULL, &role, NULL, &err),
        DK_EINVAL);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_DEPENDS, "Bank", "Base", NULL, &nav, NULL, &err),
        DK_EINVAL);
    ck_assert_int_eq(dk_classdiagram_check(d, &err), DK_OK); /* nothing refused was kept */
    dk_classdiagram_free(d);
}
END_TEST

/* check() on `d` plus one relation; returns the status and leaves the message in `err`. */
static dk_status check_with(dk_uml_relation rel, const char *from, const char *to, dk_error *err)
{
    dk_classdiagram_t *d = bank();
    ck_assert_int_eq(dk_classdiagram_relate(d, rel, from, to, NULL, NULL, NULL, err), DK_OK);
    dk_status st = dk_classdiagram_check(d, err);
    dk_classdiagram_free(d);
    return st;
}

START_TEST(a_diagram_that_does_not_hold_together_is_refused)
{
    dk_error err;
    ck_assert_int_eq(check_with(DK_UML_ASSOCIATES, "Bank", "Acount", &err), DK_ENOTFOUND);
    ck_assert_str_eq(err.message, "class diagram \"bank\": relation 7 (Bank associates Acount): "
                                  "unknown class \"Acount\"");
    ck_assert_int_eq(check_with(DK_UML_REALIZES, "Bank", "Branch", &err), DK_EINVAL);
    ck_assert_str_eq(err.message, "class diagram \"bank\": Bank realizes Branch, which is not an "
                                  "interface but a class");
    ck_assert_int_eq(check_with(DK_UML_INHERITS, "Bank", "Account", &err), DK_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "(a class realizes an interface)"));
    ck_assert_int_eq(check_with(DK_UML_INHERITS, "Kind", "Kind", &err), DK_EINVAL);
    ck_assert_int_eq(check_with(DK_UML_INHERITS, "Base", "Savings", &err), DK_EINVAL);
    ck_assert_str_eq(err.message,
                     "class diagram \"bank\": inheritance cycle: Base -> Savings -> Base");
    /* the same diagram, drawn or written, reports the same fault */
    dk_classdiagram_t *d = bank();
    dk_classdiagram_relate(d, DK_UML_INHERITS, "Base", "Savings", NULL, NULL, NULL, &err);
    char *out;
    size_t len;
    ck_assert_int_eq(dk_classdiagram_mermaid(d, &out, &err), DK_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_DOT, &out, &len, &err), DK_EINVAL);
    ck_assert_ptr_null(out);
    dk_classdiagram_free(d);
}
END_TEST

/* Random inheritance among n classes: check() finds a cycle exactly when the transitive
 * closure (Warshall) puts a class above itself. */
START_TEST(cycles_agree_with_the_transitive_closure)
{
    enum { N = 6 };
    unsigned seed = 12345;
    int cycles = 0;
    for (int round = 0; round < 400; round++) {
        dk_error err;
        dk_classdiagram_t *d = dk_classdiagram_new("r", &err);
        char names[N][4];
        int reach[N][N] = {{0}};
        for (int i = 0; i < N; i++) {
            names[i][0] = 'C';
            names[i][1] = (char)('0' + i);
            names[i][2] = '\0';
            dk_classdiagram_add(d, DK_UML_CLASS, names[i], 0, &err);
        }
        int edges = 1 + round % 7;
        for (int e = 0; e < edges; e++) {
            seed = seed * 1103515245u + 12345u;
            int a = (int)((seed >> 16) % N);
            seed = seed * 1103515245u + 12345u;
            int b = (int)((seed >> 16) % N);
            if (a == b)
                continue;
            reach[a][b] = 1;
            dk_classdiagram_relate(d, DK_UML_INHERITS, names[a], names[b], NULL, NULL, NULL, &err);
        }
        for (int k = 0; k < N; k++)
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++)
                    reach[i][j] |= reach[i][k] && reach[k][j];
        int cyclic = 0;
        for (int i = 0; i < N; i++)
            cyclic |= reach[i][i];
        cycles += cyclic;
        dk_status st = dk_classdiagram_check(d, &err);
        ck_assert_msg((st != DK_OK) == cyclic, "round %d: check %d, closure %d (%s)", round, st,
                      cyclic, st ? err.message : "");
        if (cyclic)
            ck_assert_ptr_nonnull(strstr(err.message, "inheritance cycle: "));
        dk_classdiagram_free(d);
    }
    ck_assert_int_gt(cycles, 20);
    ck_assert_int_lt(cycles, 380);
}
END_TEST

/* The edge tail -> head in `g`, read back by cgraph, must carry these attributes. */
static void expect_edge(Agraph_t *g, const char *tail, const char *head, const char *dir,
                        const char *arrowtail, const char *arrowhead, const char *style)
{
    Agnode_t *t = agnode(g, (char *)tail, 0), *h = agnode(g, (char *)head, 0);
    ck_assert_msg(t != NULL && h != NULL, "nodes %s and %s", tail, head);
    Agedge_t *e = agedge(g, t, h, NULL, 0);
    ck_assert_msg(e != NULL, "no edge %s -> %s", tail, head);
    ck_assert_str_eq(agget(e, (char *)"dir"), dir);
    ck_assert_str_eq(agget(e, (char *)"arrowtail"), arrowtail);
    ck_assert_str_eq(agget(e, (char *)"arrowhead"), arrowhead);
    ck_assert_str_eq(agget(e, (char *)"style"), style);
}

START_TEST(dot_draws_uml_arrowheads)
{
    dk_error err;
    char *dot;
    size_t len;
    dk_classdiagram_t *d = bank();
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_DOT, &dot, &len, &err), DK_OK);
    Agraph_t *g = agmemread(dot);
    ck_assert_msg(g != NULL, "cgraph cannot read:\n%s", dot);
    ck_assert_int_eq(agnnodes(g), 7);
    ck_assert_int_eq(agnedges(g), 6);
    /* parents and wholes at the tail, so they rank above */
    expect_edge(g, "Base", "Savings", "back", "empty", "none", "solid");
    expect_edge(g, "Account", "Base", "back", "empty", "none", "dashed");
    expect_edge(g, "Bank", "Base", "back", "diamond", "none", "solid");
    expect_edge(g, "Bank", "Branch", "back", "odiamond", "none", "solid");
    expect_edge(g, "Savings", "Kind", "both", "none", "vee", "solid");
    expect_edge(g, "Audit", "Account", "forward", "none", "vee", "dashed");
    Agedge_t *e = agedge(g, agnode(g, (char *)"Bank", 0), agnode(g, (char *)"Base", 0), NULL, 0);
    ck_assert_str_eq(agget(e, (char *)"headlabel"), "accounts<br/>0..*");
    ck_assert_str_eq(agget(e, (char *)"taillabel"), "1");
    /* the compartments: stereotypes, italics for abstract, underline for static */
    const char *acc = agget(agnode(g, (char *)"Account", 0), (char *)"label");
    ck_assert_ptr_nonnull(strstr(acc, "\xC2\xABinterface\xC2\xBB"));
    const char *base = agget(agnode(g, (char *)"Base", 0), (char *)"label");
    ck_assert_ptr_nonnull(strstr(base, "<i>Base</i>"));
    ck_assert_ptr_nonnull(strstr(base, "<u>#count: int</u>"));
    ck_assert_ptr_nonnull(strstr(base, "<i>+describe(): string</i>"));
    ck_assert_ptr_nonnull(strstr(agget(agnode(g, (char *)"Kind", 0), (char *)"label"),
                                 "\xC2\xAB"
                                 "enumeration\xC2\xBB"));
    agclose(g);
    dk_free(dot);
    dk_classdiagram_free(d);
}
END_TEST

START_TEST(names_are_escaped_in_labels)
{
    dk_error err;
    char *out;
    size_t len;
    dk_classdiagram_t *d = dk_classdiagram_new("a & b", &err);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Map<K, \"V\"> & \\x", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_DOT, &out, &len, &err), DK_OK);
    Agraph_t *g = agmemread(out);
    ck_assert_ptr_nonnull(g);
    Agnode_t *n = agfstnode(g);
    ck_assert_str_eq(agnameof(n), "Map<K, \"V\"> & \\x");
    ck_assert_ptr_nonnull(
        strstr(agget(n, (char *)"label"), "Map&lt;K, &quot;V&quot;&gt; &amp; \\x"));
    agclose(g);
    dk_free(out);
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_SVG, &out, &len, &err), DK_OK);
    ck_assert_ptr_nonnull(strstr(out, "Map&lt;K, &quot;V&quot;&gt; &amp; \\x"));
    dk_free(out);
    dk_classdiagram_free(d);
    /* a name DOT cannot spell is refused for DOT text, drawn otherwise */
    d = dk_classdiagram_new(NULL, &err);
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "ends\\", 0, &err), DK_OK);
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_DOT, &out, &len, &err), DK_EUNSUPPORTED);
    ck_assert_int_eq(dk_classdiagram_render(d, DK_DRAW_SVG, &out, &len, &err), DK_OK);
    dk_free(out);
    dk_classdiagram_free(d);
}
END_TEST

START_TEST(mermaid_writes_a_class_diagram)
{
    dk_error err;
    char *text;
    dk_classdiagram_t *d = bank();
    ck_assert_int_eq(dk_classdiagram_add(d, DK_UML_CLASS, "Odd name", 0, &err), DK_OK);
    ck_assert_int_eq(
        dk_classdiagram_relate(d, DK_UML_DEPENDS, "Odd name", "Bank", NULL, NULL, NULL, &err),
        DK_OK);
    ck_assert_int_eq(dk_classdiagram_mermaid(d, &text, &err), DK_OK);
    static const char *const lines[] = {
        "---\ntitle: bank\n---\nclassDiagram\n",
        "    class Account {\n        <<interface>>\n        +deposit(n: int)\n    }\n",
        "    class Base {\n        <<abstract>>\n        -balance: int\n        #count: int$\n"
        "        +describe(): string*\n    }\n",
        "        <<enumeration>>\n        SAVINGS\n",
        "    class T7[\"Odd name\"] {\n",
        "    Base <|-- Savings\n",
        "    Account <|.. Base\n",
        "    Bank \"1\" *-- \"accounts 0..*\" Base\n",
        "    Bank o-- Branch\n",
        "    Savings --> \"kind\" Kind : of\n",
        "    Audit ..> Account\n",
        "    T7 ..> Bank\n"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        ck_assert_msg(strstr(text, lines[i]) != NULL, "missing:\n%s\nin:\n%s", lines[i], text);
    dk_free(text);
    dk_classdiagram_free(d);
}
END_TEST

START_TEST(out_of_memory_is_reported)
{
    dk_error err;
    for (long n = 0; n < 200; n++) {
        dk_alloc_fail_after(n);
        dk_classdiagram_t *d = dk_classdiagram_new("t", &err);
        dk_status st = d == NULL ? DK_ENOMEM : DK_OK;
        if (st == DK_OK)
            st = dk_classdiagram_add(d, DK_UML_CLASS, "A", 0, &err);
        if (st == DK_OK)
            st = dk_classdiagram_add(d, DK_UML_CLASS, "B", 0, &err);
        if (st == DK_OK)
            st = dk_classdiagram_member(d, "A", DK_UML_FIELD, "x: int", 0, &err);
        if (st == DK_OK)
            st = dk_classdiagram_relate(d, DK_UML_INHERITS, "B", "A", NULL, NULL, NULL, &err);
        if (st == DK_OK)
            st = dk_classdiagram_check(d, &err);
        char *text = NULL;
        if (st == DK_OK)
            st = dk_classdiagram_mermaid(d, &text, &err);
        dk_alloc_fail_after(-1);
        ck_assert_msg(st == DK_OK || st == DK_ENOMEM, "step %ld: %d", n, st);
        dk_free(text);
        dk_classdiagram_free(d);
        if (st == DK_OK)
            return;
    }
    ck_abort_msg("never succeeded");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("classdiagram");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_model_reads_back);
    tcase_add_test(tc, multiplicities_agree_with_the_reference);
    tcase_add_test(tc, bad_declarations_are_refused_naming_the_fault);
    tcase_add_test(tc, a_diagram_that_does_not_hold_together_is_refused);
    tcase_add_test(tc, cycles_agree_with_the_transitive_closure);
    tcase_add_test(tc, out_of_memory_is_reported);
    suite_add_tcase(s, tc);
    tc = tcase_create("export");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dot_draws_uml_arrowheads);
    tcase_add_test(tc, names_are_escaped_in_labels);
    tcase_add_test(tc, mermaid_writes_a_class_diagram);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* classdiagram.c - a UML class diagram as data: its types, their members, the relations, and
 * the checks that make a diagram worth drawing. */
#include "designkit/classdiagram.h"

#include <string.h>

#include "designkit/alloc.h"

typedef struct member {
    char *text; /* without the visibility */
    dk_uml_member_kind kind;
    dk_uml_visibility vis;
    unsigned flags;
} member;

typedef struct type {
    char *name;
    dk_uml_kind kind;
    int abstract;
    member *members;
    size_t nmembers, cap;
} type;

typedef struct relation {
    dk_uml_relation rel;
    char *from, *to, *from_mult, *from_role, *to_mult, *to_role, *label;
    int from_nav, to_nav;
} relation;

struct dk_classdiagram {
    char *title;
    type *types;
    size_t ntypes, tcap;
    relation *rels;
    size_t nrels, rcap;
};

static const char *const relation_names[] = {"inherits",   "realizes",   "composes",
                                             "aggregates", "associates", "depends"};
static const char *const kind_names[] = {"class", "interface", "enum"};

const char *dk_uml_relation_name(dk_uml_relation r)
{
    return (unsigned)r <= DK_UML_DEPENDS ? relation_names[r] : "unknown";
}

const char *dk_uml_kind_name(dk_uml_kind k)
{
    return (unsigned)k <= DK_UML_ENUM ? kind_names[k] : "unknown";
}

/* Grows the array at *items (of *cap elements of `size` bytes) to hold one more than `n`. */
static int reserve(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 1;
    size_t cap2 = *cap ? *cap * 2 : 8;
    void *p = dk_realloc(*items, cap2 * size);
    if (p == NULL)
        return 0;
    *items = p;
    *cap = cap2;
    return 1;
}

dk_classdiagram_t *dk_classdiagram_new(const char *title, dk_error *err)
{
    dk_classdiagram_t *d = dk_calloc(1, sizeof *d);
    if (d == NULL || (d->title = dk_strdup(title != NULL ? title : "")) == NULL) {
        dk_free(d);
        dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
        return NULL;
    }
    return d;
}

void dk_classdiagram_free(dk_classdiagram_t *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->ntypes; i++) {
        for (size_t j = 0; j < d->types[i].nmembers; j++)
            dk_free(d->types[i].members[j].text);
        dk_free(d->types[i].members);
        dk_free(d->types[i].name);
    }
    for (size_t i = 0; i < d->nrels; i++) {
        relation *r = &d->rels[i];
        char *owned[] = {r->from,    r->to,      r->from_mult, r->from_role,
                         r->to_mult, r->to_role, r->label};
        for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
            dk_free(owned[k]);
    }
    dk_free(d->types);
    dk_free(d->rels);
    dk_free(d->title);
    dk_free(d);
}

const char *dk_classdiagram_title(const dk_classdiagram_t *d)
{
    return d->title;
}

static type *find(const dk_classdiagram_t *d, const char *name)
{
    for (size_t i = 0; i < d->ntypes; i++)
        if (strcmp(d->types[i].name, name) == 0)
            return &d->types[i];
    return NULL;
}

/* 0 when `s` is not fit to be a name, a role or a label: empty (when `empty_ok` is 0), longer
 * than `max` bytes, or holding a control character (a line break would split a compartment). */
static int text_ok(const char *s, int empty_ok, size_t max)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if ((unsigned char)s[n] < 0x20 || s[n] == 0x7f)
            return 0;
    return (n > 0 || empty_ok) && n <= max;
}

dk_status dk_classdiagram_add(dk_classdiagram_t *d, dk_uml_kind kind, const char *name,
                              int abstract, dk_error *err)
{
    if (d == NULL || name == NULL || (unsigned)kind > DK_UML_ENUM)
        return dk_error_set(err, DK_EINVAL, "dk_classdiagram_add: diagram, kind and name needed");
    if (!text_ok(name, 0, DK_UML_NAME_MAX))
        return dk_error_set(err, DK_EINVAL,
                            "class diagram \"%s\": a %s name must be 1 to %d bytes without "
                            "control characters",
                            d->title, kind_names[kind], DK_UML_NAME_MAX);
    if (find(d, name) != NULL)
        return dk_error_set(err, DK_EEXIST, "class diagram \"%s\": duplicate name \"%s\"", d->title,
                            name);
    if (abstract && kind != DK_UML_CLASS)
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": only a class is declared abstract",
                            kind_names[kind], name);
    if (!reserve((void **)&d->types, &d->tcap, d->ntypes, sizeof *d->types))
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    type *t = &d->types[d->ntypes];
    memset(t, 0, sizeof *t);
    if ((t->name = dk_strdup(name)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    t->kind = kind;
    t->abstract = abstract != 0;
    d->ntypes++;
    return DK_OK;
}

dk_status dk_classdiagram_member(dk_classdiagram_t *d, const char *cls, dk_uml_member_kind kind,
                                 const char *text, unsigned flags, dk_error *err)
{
    static const char *const what[] = {"field", "method", "value"};
    if (d == NULL || cls == NULL || text == NULL || (unsigned)kind > DK_UML_VALUE)
        return dk_error_set(err, DK_EINVAL, "dk_classdiagram_member: arguments needed");
    type *t = find(d, cls);
    if (t == NULL)
        return dk_error_set(err, DK_ENOTFOUND, "class diagram \"%s\": unknown class \"%s\"",
                            d->title, cls);
    const char *name = kind_names[t->kind];
    dk_uml_visibility vis = DK_UML_NONE;
    if (strchr("+-#~", text[0]) != NULL && text[0] != '\0')
        vis = (dk_uml_visibility)text[0];
    const char *body = text + (vis != DK_UML_NONE);
    while (*body == ' ')
        body++;
    if (!text_ok(body, 0, DK_UML_MEMBER_MAX))
        return dk_error_set(err, DK_EINVAL,
                            "%s \"%s\": %s \"%s\" must have a name (1 to %d bytes, no control "
                            "characters)",
                            name, cls, what[kind], text, DK_UML_MEMBER_MAX);
    if ((kind == DK_UML_VALUE) != (t->kind == DK_UML_ENUM))
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": %s \"%s\": %s", name, cls, what[kind], text,
                            kind == DK_UML_VALUE ? "only an enum has values"
                                                 : "an enum has only values");
    int parens = strchr(body, '(') != NULL && strchr(body, ')') != NULL;
    if (kind == DK_UML_METHOD && !parens)
        return dk_error_set(err, DK_EINVAL,
                            "%s \"%s\": method \"%s\" needs its parameter list, \"name()\"", name,
                            cls, text);
    if (kind == DK_UML_FIELD && strchr(body, '(') != NULL)
        return dk_error_set(err, DK_EINVAL,
                            "%s \"%s\": field \"%s\" has parentheses: declare it as a method", name,
                            cls, text);
    if ((flags & ~(DK_UML_STATIC | DK_UML_ABSTRACT)) != 0 ||
        ((flags & DK_UML_ABSTRACT) && kind != DK_UML_METHOD) ||
        (kind == DK_UML_VALUE && flags != 0))
        return dk_error_set(err, DK_EINVAL, "%s \"%s\": %s \"%s\": only a method is abstract%s",
                            name, cls, what[kind], text,
                            kind == DK_UML_VALUE ? ", and an enum value is never static" : "");
    if (t->kind == DK_UML_INTERFACE && kind == DK_UML_FIELD && !(flags & DK_UML_STATIC))
        return dk_error_set(err, DK_EINVAL,
                            "interface \"%s\": field \"%s\": an interface has no instance "
                            "fields (make it static, a constant)",
                            cls, text);
    if (!reserve((void **)&t->members, &t->cap, t->nmembers, sizeof *t->members))
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    member *m = &t->members[t->nmembers];
    if ((m->text = dk_strdup(body)) == NULL)
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    m->kind = kind;
    m->vis = vis;
    m->flags = flags;
    t->nmembers++;
    return DK_OK;
}

/* Reads a whole number at *s (digits only, at most 9 of them), advancing *s; -1 when none. */
static long read_count(const char **s)
{
    long v = 0;
    int digits = 0;
    for (; **s >= '0' && **s <= '9'; (*s)++) {
        if (++digits > 9)
            return -1;
        v = v * 10 + (**s - '0');
    }
    return digits ? v : -1;
}

int dk_uml_mult_valid(const char *text)
{
    const char *s = text;
    if (s == NULL || *s == '\0')
        return 0;
    if (strcmp(s, "*") == 0)
        return 1;
    long lo = read_count(&s);
    if (lo < 0)
        return 0;
    if (*s == '\0')
        return 1;
    if (strncmp(s, "..", 2) != 0)
        return 0;
    s += 2;
    if (strcmp(s, "*") == 0)
        return 1;
    long hi = read_count(&s);
    return hi >= 0 && *s == '\0' && lo <= hi && hi > 0;
}

/* Copies `s` (NULL as "") into *out; 0 when out of memory. */
static int copy(char **out, const char *s)
{
    *out = dk_strdup(s != NULL ? s : "");
    return *out != NULL;
}

/* Checks one end of relation `rel` at type `at`. */
static dk_status check_end(const dk_classdiagram_t *d, dk_uml_relation rel, const char *from,
                           const char *to, const char *at, const dk_uml_end *e, dk_error *err)
{
    (void)d;
    if (e == NULL)
        return DK_OK;
    if ((rel == DK_UML_INHERITS || rel == DK_UML_REALIZES) &&
        ((e->mult != NULL && e->mult[0] != '\0') || (e->role != NULL && e->role[0] != '\0')))
        return dk_error_set(err, DK_EINVAL, "relation %s %s %s: %s has no multiplicities or roles",
                            from, relation_names[rel], to, relation_names[rel]);
    if (e->navigable && rel != DK_UML_ASSOCIATES)
        return dk_error_set(err, DK_EINVAL,
                            "relation %s %s %s: only an association has a navigable end", from,
                            relation_names[rel], to);
    if (e->mult != NULL && e->mult[0] != '\0' && !dk_uml_mult_valid(e->mult))
        return dk_error_set(err, DK_EINVAL,
                            "relation %s %s %s: bad multiplicity \"%s\" at %s (use 1, 0..1, *, "
                            "1..*, n..m with n <= m)",
                            from, relation_names[rel], to, e->mult, at);
    if (e->role != NULL && !text_ok(e->role, 1, DK_UML_NAME_MAX))
        return dk_error_set(err, DK_EINVAL,
                            "relation %s %s %s: role at %s: at most %d bytes, no control "
                            "characters",
                            from, relation_names[rel], to, at, DK_UML_NAME_MAX);
    return DK_OK;
}

dk_status dk_classdiagram_relate(dk_classdiagram_t *d, dk_uml_relation rel, const char *from,
                                 const char *to, const dk_uml_end *from_end,
                                 const dk_uml_end *to_end, const char *label, dk_error *err)
{
    dk_status st;
    if (d == NULL || from == NULL || to == NULL || (unsigned)rel > DK_UML_DEPENDS)
        return dk_error_set(err, DK_EINVAL,
                            "dk_classdiagram_relate: diagram, kind and ends needed");
    if (!text_ok(from, 0, DK_UML_NAME_MAX) || !text_ok(to, 0, DK_UML_NAME_MAX))
        return dk_error_set(err, DK_EINVAL, "relation %s: a class name must be 1 to %d bytes",
                            relation_names[rel], DK_UML_NAME_MAX);
    if ((st = check_end(d, rel, from, to, from, from_end, err)) != DK_OK ||
        (st = check_end(d, rel, from, to, to, to_end, err)) != DK_OK)
        return st;
    if (label != NULL && !text_ok(label, 1, DK_UML_NAME_MAX))
        return dk_error_set(err, DK_EINVAL,
                            "relation %s %s %s: the label must be at most %d bytes, no control "
                            "characters",
                            from, relation_names[rel], to, DK_UML_NAME_MAX);
    if (!reserve((void **)&d->rels, &d->rcap, d->nrels, sizeof *d->rels))
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    relation *r = &d->rels[d->nrels];
    memset(r, 0, sizeof *r);
    r->rel = rel;
    r->from_nav = from_end != NULL && from_end->navigable;
    r->to_nav = to_end != NULL && to_end->navigable;
    /* counted before the copies so dk_classdiagram_free frees whatever was made */
    d->nrels++;
    if (!copy(&r->from, from) || !copy(&r->to, to) ||
        !copy(&r->from_mult, from_end ? from_end->mult : NULL) ||
        !copy(&r->from_role, from_end ? from_end->role : NULL) ||
        !copy(&r->to_mult, to_end ? to_end->mult : NULL) ||
        !copy(&r->to_role, to_end ? to_end->role : NULL) || !copy(&r->label, label))
        return dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
    return DK_OK;
}

/* The first inheritance cycle, by a depth-first walk from each type in declaration order (an
 * explicit stack: a deep hierarchy must not overflow the C stack), named along its path. */
static dk_status find_cycle(const dk_classdiagram_t *d, dk_error *err)
{
    /* colour per type: 0 unvisited, 1 on the current path, 2 done */
    size_t n = d->ntypes;
    unsigned char *colour = dk_calloc(n ? n : 1, 1);
    size_t *stack = dk_calloc(n ? n : 1, sizeof *stack); /* type indices on the path */
    size_t *next = dk_calloc(n ? n : 1, sizeof *next);   /* next relation to try, per type */
    dk_status st = DK_OK;
    if (colour == NULL || stack == NULL || next == NULL) {
        st = dk_error_set(err, DK_ENOMEM, "class diagram: out of memory");
        goto out;
    }
    for (size_t root = 0; root < n && st == DK_OK; root++) {
        if (colour[root] != 0)
            continue;
        size_t depth = 0;
        stack[depth++] = root;
        colour[root] = 1;
        while (depth > 0 && st == DK_OK) {
            size_t t = stack[depth - 1];
            int pushed = 0;
            while (next[t] < d->nrels) {
                const relation *r = &d->rels[next[t]++];
                if (r->rel != DK_UML_INHERITS || strcmp(r->from, d->types[t].name) != 0)
                    continue;
                size_t p = (size_t)(find(d, r->to) - d->types);
                if (colour[p] == 1) {
                    char path[1024] = "";
                    size_t k = 0;
                    while (stack[k] != p)
                        k++;
                    for (; k < depth; k++) {
                        strncat(path, d->types[stack[k]].name, sizeof path - strlen(path) - 1);
                        strncat(path, " -> ", sizeof path - strlen(path) - 1);
                    }
                    strncat(path, d->types[p].name, sizeof path - strlen(path) - 1);
                    st = dk_error_set(err, DK_EINVAL, "class diagram \"%s\": inheritance cycle: %s",
                                      d->title, path);
                    break;
                }
                if (colour[p] == 0) {
                    colour[p] = 1;
                    stack[depth++] = p;
                    pushed = 1;
                    break;
                }
            }
            if (!pushed && st == DK_OK) {
                colour[t] = 2;
                depth--;
            }
        }
    }
out:
    dk_free(colour);
    dk_free(stack);
    dk_free(next);
    return st;
}

dk_status dk_classdiagram_check(const dk_classdiagram_t *d, dk_error *err)
{
    if (d == NULL)
        return dk_error_set(err, DK_EINVAL, "dk_classdiagram_check: diagram needed");
    for (size_t i = 0; i < d->nrels; i++) {
        const relation *r = &d->rels[i];
        const char *rn = relation_names[r->rel];
        const type *a = find(d, r->from), *b = find(d, r->to);
        if (a == NULL || b == NULL)
            return dk_error_set(err, DK_ENOTFOUND,
                                "class diagram \"%s\": relation %zu (%s %s %s): unknown class "
                                "\"%s\"",
                                d->title, i + 1, r->from, rn, r->to, a == NULL ? r->from : r->to);
        if (r->rel == DK_UML_INHERITS && a == b)
            return dk_error_set(err, DK_EINVAL, "class diagram \"%s\": %s inherits itself",
                                d->title, a->name);
        if (r->rel == DK_UML_INHERITS && (a->kind != b->kind || a->kind == DK_UML_ENUM))
            return dk_error_set(err, DK_EINVAL,
                                "class diagram \"%s\": %s %s inherits %s %s: a class inherits "
                                "only a class, an interface only an interface%s",
                                d->title, kind_names[a->kind], a->name, kind_names[b->kind],
                                b->name,
                                a->kind == DK_UML_CLASS && b->kind == DK_UML_INTERFACE
                                    ? " (a class realizes an interface)"
                                    : "");
        if (r->rel == DK_UML_REALIZES && b->kind != DK_UML_INTERFACE)
            return dk_error_set(err, DK_EINVAL,
                                "class diagram \"%s\": %s realizes %s, which is not an "
                                "interface but a%s %s",
                                d->title, a->name, b->name, b->kind == DK_UML_ENUM ? "n" : "",
                                kind_names[b->kind]);
        if (r->rel == DK_UML_REALIZES && a->kind != DK_UML_CLASS)
            return dk_error_set(err, DK_EINVAL,
                                "class diagram \"%s\": %s %s realizes %s: only a class realizes "
                                "an interface%s",
                                d->title, kind_names[a->kind], a->name, b->name,
                                a->kind == DK_UML_INTERFACE ? " (an interface inherits one)" : "");
    }
    return find_cycle(d, err);
}

size_t dk_classdiagram_count(const dk_classdiagram_t *d)
{
    return d->ntypes;
}

const char *dk_classdiagram_name(const dk_classdiagram_t *d, size_t i)
{
    return i < d->ntypes ? d->types[i].name : NULL;
}

dk_uml_kind dk_classdiagram_kind(const dk_classdiagram_t *d, size_t i)
{
    return i < d->ntypes ? d->types[i].kind : DK_UML_CLASS;
}

int dk_classdiagram_abstract(const dk_classdiagram_t *d, size_t i)
{
    return i < d->ntypes && d->types[i].abstract;
}

size_t dk_classdiagram_member_count(const dk_classdiagram_t *d, size_t i)
{
    return i < d->ntypes ? d->types[i].nmembers : 0;
}

const char *dk_classdiagram_member_at(const dk_classdiagram_t *d, size_t i, size_t j,
                                      dk_uml_member_kind *kind, dk_uml_visibility *vis,
                                      unsigned *flags)
{
    if (i >= d->ntypes || j >= d->types[i].nmembers)
        return NULL;
    const member *m = &d->types[i].members[j];
    if (kind != NULL)
        *kind = m->kind;
    if (vis != NULL)
        *vis = m->vis;
    if (flags != NULL)
        *flags = m->flags;
    return m->text;
}

size_t dk_classdiagram_relation_count(const dk_classdiagram_t *d)
{
    return d->nrels;
}

void dk_classdiagram_relation_at(const dk_classdiagram_t *d, size_t i, dk_uml_relation_info *r)
{
    memset(r, 0, sizeof *r);
    if (i >= d->nrels)
        return;
    const relation *x = &d->rels[i];
    r->rel = x->rel;
    r->from = x->from;
    r->to = x->to;
    r->from_end.mult = x->from_mult;
    r->from_end.role = x->from_role;
    r->to_end.mult = x->to_mult;
    r->to_end.role = x->to_role;
    r->from_end.navigable = x->from_nav;
    r->to_end.navigable = x->to_nav;
    r->label = x->label;
}

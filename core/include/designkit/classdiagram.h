/* classdiagram.h - a UML class diagram as data: classes, interfaces and enums with their
 * members, the relations between them, the checks a diagram must pass, and its Mermaid text.
 * Drawing it (Graphviz) lives in export: designkit/draw_uml.h. */
#ifndef DESIGNKIT_CLASSDIAGRAM_H
#define DESIGNKIT_CLASSDIAGRAM_H

#include <stddef.h>
#include "designkit/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DK_UML_NAME_MAX 128   /* bytes of a class name, a role or a label */
#define DK_UML_MEMBER_MAX 256 /* bytes of a member's text */

typedef enum dk_uml_kind { DK_UML_CLASS, DK_UML_INTERFACE, DK_UML_ENUM } dk_uml_kind;

/* The four UML visibilities, by the character that writes them; DK_UML_NONE when unstated. */
typedef enum dk_uml_visibility {
    DK_UML_NONE = 0,
    DK_UML_PUBLIC = '+',
    DK_UML_PRIVATE = '-',
    DK_UML_PROTECTED = '#',
    DK_UML_PACKAGE = '~'
} dk_uml_visibility;

typedef enum dk_uml_member_kind { DK_UML_FIELD, DK_UML_METHOD, DK_UML_VALUE } dk_uml_member_kind;

/* Member flags: static is drawn underlined, abstract in italics. */
#define DK_UML_STATIC 1u
#define DK_UML_ABSTRACT 2u

/* The relations, each read "from ... to": a child inherits its parent, a class realises an
 * interface, a whole composes (owns) or aggregates (shares) a part, a class is associated with
 * or depends on another. */
typedef enum dk_uml_relation {
    DK_UML_INHERITS,
    DK_UML_REALIZES,
    DK_UML_COMPOSES,
    DK_UML_AGGREGATES,
    DK_UML_ASSOCIATES,
    DK_UML_DEPENDS
} dk_uml_relation;

const char *dk_uml_relation_name(dk_uml_relation r); /* "inherits", "realizes", ... */
const char *dk_uml_kind_name(dk_uml_kind k);         /* "class", "interface", "enum" */

/* One end of a relation: a multiplicity ("1", "0..1", "*", "1..*", "2..5") and a role name,
 * each NULL or "" when not stated, and whether an association can be navigated towards this end
 * (drawn with an open arrowhead). Borrowed by dk_classdiagram_relate, which copies them. */
typedef struct dk_uml_end {
    const char *mult;
    const char *role;
    int navigable;
} dk_uml_end;

typedef struct dk_classdiagram dk_classdiagram_t;

/* A new empty diagram titled `title` (may be NULL), freed with dk_classdiagram_free; NULL with
 * DK_ENOMEM in `err`. */
dk_classdiagram_t *dk_classdiagram_new(const char *title, dk_error *err);
void dk_classdiagram_free(dk_classdiagram_t *d);               /* NULL is a no-op */
const char *dk_classdiagram_title(const dk_classdiagram_t *d); /* borrowed, "" when none */

/*
 * dk_classdiagram_add - declares a class, an interface or an enum called `name`; `abstract`
 * only for a class (an interface is abstract by nature). DK_EEXIST when the name is taken
 * ("class diagram "bank": duplicate name "Account""), DK_EINVAL for an empty, over-long or
 * control-character name, DK_ENOMEM.
 */
dk_status dk_classdiagram_add(dk_classdiagram_t *d, dk_uml_kind kind, const char *name,
                              int abstract, dk_error *err);

/*
 * dk_classdiagram_member - adds a member to class `cls`. `text` is written as UML writes it,
 * with an optional visibility first: "-balance: int", "+deposit(amount: int): void", an enum
 * value "OPEN". A method must have its parentheses; a field must not; an enum holds only
 * values and only an enum holds them; an interface has no private fields. `flags` is
 * DK_UML_STATIC | DK_UML_ABSTRACT (abstract only on a method). DK_ENOTFOUND for an unknown
 * class, DK_EINVAL naming the class and the member otherwise, DK_ENOMEM.
 */
dk_status dk_classdiagram_member(dk_classdiagram_t *d, const char *cls, dk_uml_member_kind kind,
                                 const char *text, unsigned flags, dk_error *err);

/*
 * dk_classdiagram_relate - adds a relation from `from` to `to` (they may be declared later:
 * dk_classdiagram_check resolves them). `from_end` and `to_end` may be NULL; `label` (an
 * association's name) may be NULL. DK_EINVAL for a bad multiplicity text ("relation Bank
 * composes Account: bad multiplicity "1..0" at Account ..."), for ends on an inheritance or
 * a realisation (they have none), a navigable end on anything but an association, DK_ENOMEM.
 */
dk_status dk_classdiagram_relate(dk_classdiagram_t *d, dk_uml_relation rel, const char *from,
                                 const char *to, const dk_uml_end *from_end,
                                 const dk_uml_end *to_end, const char *label, dk_error *err);

/* 1 when `text` is a multiplicity: "*", "n", "n..m" (n <= m) or "n..*", n and m whole numbers. */
int dk_uml_mult_valid(const char *text);

/*
 * dk_classdiagram_check - the diagram as a whole: every relation names declared types
 * (DK_ENOTFOUND "relation 2 (Bank composes Acount): unknown class "Acount""), a class
 * inherits only a class and an interface only an interface, only a class realises and only an
 * interface is realised, no inheritance cycle ("inheritance cycle: A -> B -> A"), nothing
 * relates to itself by inheritance (all DK_EINVAL). The first problem found, in declaration
 * order, so the message repeats.
 */
dk_status dk_classdiagram_check(const dk_classdiagram_t *d, dk_error *err);

/* Reading a diagram back (the exporters do). Indices run in declaration order; every returned
 * string is borrowed from the diagram. */
size_t dk_classdiagram_count(const dk_classdiagram_t *d);
const char *dk_classdiagram_name(const dk_classdiagram_t *d, size_t i);
dk_uml_kind dk_classdiagram_kind(const dk_classdiagram_t *d, size_t i);
int dk_classdiagram_abstract(const dk_classdiagram_t *d, size_t i);
size_t dk_classdiagram_member_count(const dk_classdiagram_t *d, size_t i);
/* Member `j` of type `i`: its text without the visibility, and (optionally) its kind,
 * visibility and flags. */
const char *dk_classdiagram_member_at(const dk_classdiagram_t *d, size_t i, size_t j,
                                      dk_uml_member_kind *kind, dk_uml_visibility *vis,
                                      unsigned *flags);
size_t dk_classdiagram_relation_count(const dk_classdiagram_t *d);
/* Relation `i`: its kind, its ends' names, multiplicities and roles ("" when none), its label. */
typedef struct dk_uml_relation_info {
    dk_uml_relation rel;
    const char *from, *to;
    dk_uml_end from_end, to_end;
    const char *label;
} dk_uml_relation_info;
void dk_classdiagram_relation_at(const dk_classdiagram_t *d, size_t i, dk_uml_relation_info *r);

/*
 * dk_classdiagram_mermaid - the diagram as Mermaid classDiagram text, into a buffer the caller
 * frees with dk_free. Checks the diagram first (dk_classdiagram_check's errors); DK_ENOMEM.
 */
dk_status dk_classdiagram_mermaid(const dk_classdiagram_t *d, char **text, dk_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* statemachine_scxml_read.c - a definition read back from SCXML: a small XML reader (elements
 * and attributes; text, comments, processing instructions and declarations skipped) feeding the
 * definition's builder, element by element. */
#include "designkit/statemachine_export.h"

#include <string.h>

#include "designkit/alloc.h"
#include "designkit/units.h"

#define MAX_DEPTH 128
#define MAX_ATTRS 16

enum frame_kind { F_SCXML, F_STATE, F_HISTORY, F_INITIAL, F_TRANSITION, F_SKIP };

typedef struct frame {
    enum frame_kind kind;
    char *tag;
    char *state; /* the state it describes (F_STATE, F_HISTORY) or belongs to (F_INITIAL) */
    char *first; /* its first child state other than history: SCXML's default initial */
    int has_initial;
} frame;

typedef struct attr {
    char *name, *value;
} attr;

typedef struct reader {
    const char *p;
    int line;
    dk_sm_def_t *d;
    frame stack[MAX_DEPTH];
    int depth;
    int seen_root;
    attr attrs[MAX_ATTRS];
    int nattrs;
    int out_of_memory; /* a name could not be copied: what looks like bad text is not */
    dk_error *err;
} reader;

static dk_status fail(reader *r, const char *what, const char *name)
{
    return dk_error_set(r->err, DK_EINVAL, "scxml:%d: %s%s%s%s", r->line, what, name ? " \"" : "",
                        name ? name : "", name ? "\"" : "");
}

static dk_status oom(reader *r)
{
    return dk_error_set(r->err, DK_ENOMEM, "scxml:%d: out of memory", r->line);
}

/* Moves past `end`, counting lines; 0 when the text ends first. */
static int skip_past(reader *r, const char *end)
{
    const char *q = strstr(r->p, end);
    if (q == NULL)
        return 0;
    for (; r->p < q; r->p++)
        r->line += *r->p == '\n';
    r->p += strlen(end);
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_spaces(reader *r)
{
    for (; is_space(*r->p); r->p++)
        r->line += *r->p == '\n';
}

static int name_char(char c)
{
    return c != '\0' && !is_space(c) && c != '=' && c != '>' && c != '/' && c != '<' && c != '"' &&
           c != '\'';
}

static char *read_name(reader *r)
{
    const char *start = r->p;
    while (name_char(*r->p))
        r->p++;
    if (r->p == start)
        return NULL;
    char *s = dk_malloc((size_t)(r->p - start) + 1);
    if (s == NULL) {
        r->out_of_memory = 1;
        return NULL;
    }
    memcpy(s, start, (size_t)(r->p - start));
    s[r->p - start] = '\0';
    return s;
}

/* A quoted value with the predefined entities and character references below 128 decoded. */
static dk_status read_value(reader *r, char **out)
{
    char quote = *r->p;
    if (quote != '"' && quote != '\'')
        return fail(r, "an attribute value must be quoted", NULL);
    const char *end = strchr(r->p + 1, quote);
    if (end == NULL)
        return fail(r, "unterminated attribute value", NULL);
    char *s = dk_malloc((size_t)(end - r->p));
    if (s == NULL)
        return oom(r);
    size_t n = 0;
    static const char *const ent[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    for (const char *q = r->p + 1; q < end;) {
        r->line += *q == '\n';
        if (*q != '&') {
            s[n++] = *q++;
            continue;
        }
        size_t k = 0;
        while (k < 5 && strncmp(q, ent[k][0], strlen(ent[k][0])) != 0)
            k++;
        if (k < 5) {
            s[n++] = ent[k][1][0];
            q += strlen(ent[k][0]);
        } else if (q[1] == '#' && q[2] >= '0' && q[2] <= '9') {
            int c = 0;
            for (q += 2; *q >= '0' && *q <= '9' && c < 128; q++)
                c = c * 10 + (*q - '0');
            if (*q != ';' || c < 1 || c >= 128) {
                dk_free(s);
                return fail(r, "unsupported character reference", NULL);
            }
            s[n++] = (char)c;
            q++;
        } else {
            dk_free(s);
            return fail(r, "unknown entity in an attribute value", NULL);
        }
    }
    s[n] = '\0';
    r->p = end + 1;
    *out = s;
    return DK_OK;
}

static void free_attrs(reader *r)
{
    for (int i = 0; i < r->nattrs; i++) {
        dk_free(r->attrs[i].name);
        dk_free(r->attrs[i].value);
    }
    r->nattrs = 0;
}

/* The value of attribute `name`, or of `*:name` when `name` starts with ':'. */
static const char *get(const reader *r, const char *name)
{
    for (int i = 0; i < r->nattrs; i++) {
        const char *a = r->attrs[i].name;
        const char *colon = strchr(a, ':');
        if (name[0] == ':' ? colon != NULL && strcmp(colon, name) == 0 : strcmp(a, name) == 0)
            return r->attrs[i].value;
    }
    return NULL;
}

static int is_state_frame(const frame *f)
{
    return f->kind == F_SCXML || f->kind == F_STATE;
}

/* The state a new child state goes in (NULL: the root). */
static const char *owner(const reader *r)
{
    const frame *f = &r->stack[r->depth - 1];
    return f->kind == F_SCXML ? NULL : f->state;
}

static dk_status add_transition(reader *r, const frame *parent)
{
    const char *target = get(r, "target");
    const char *type = get(r, "type");
    const char *after = get(r, ":after");
    if (type != NULL && strcmp(type, "internal") != 0 && strcmp(type, "external") != 0)
        return fail(r, "transition: type must be \"internal\" or \"external\", not", type);
    /* The targets: ids separated by spaces, split in a copy. */
    char *copy = dk_strdup(target != NULL ? target : "");
    const char *targets[64];
    size_t n = 0;
    if (copy == NULL)
        return oom(r);
    for (char *t = copy; *t != '\0';) {
        if (is_space(*t)) {
            t++;
            continue;
        }
        if (n == 64) {
            dk_free(copy);
            return fail(r, "transition: more than 64 targets", NULL);
        }
        targets[n++] = t;
        while (*t != '\0' && !is_space(*t))
            t++;
        if (*t != '\0')
            *t++ = '\0';
    }
    dk_status rc = DK_OK;
    if (parent->kind == F_HISTORY || parent->kind == F_INITIAL) {
        if (n != 1)
            rc = fail(r, "the transition of an initial or history element needs one target", NULL);
        else if (dk_sm_def_initial(r->d, parent->state, targets[0], r->err) != DK_OK)
            rc = r->err->status;
        dk_free(copy);
        return rc;
    }
    dk_sm_transition t = {.source = parent->state,
                          .event = get(r, "event"),
                          .targets = targets,
                          .ntargets = n,
                          .internal = type != NULL && strcmp(type, "internal") == 0};
    if (after != NULL && dk_parse_duration(after, &t.after_ns, r->err) != DK_OK)
        rc = r->err->status;
    else if (after != NULL && t.after_ns <= 0)
        rc = fail(r, "transition: the delay must be positive, not", after);
    else if (dk_sm_def_transition(r->d, &t, r->err) != DK_OK)
        rc = r->err->status;
    dk_free(copy);
    return rc;
}

/* What an opening tag means in its place: the frame it pushes. */
static dk_status open_element(reader *r, const char *tag, frame *f)
{
    const frame *parent = r->depth > 0 ? &r->stack[r->depth - 1] : NULL;
    f->kind = F_SKIP;
    if (parent == NULL) {
        if (strcmp(tag, "scxml") != 0)
            return fail(r, "the document must start with <scxml>, not", tag);
        const char *name = get(r, "name");
        r->d = dk_sm_def_new(name != NULL ? name : "scxml", r->err);
        if (r->d == NULL)
            return r->err->status;
        r->seen_root = 1;
        f->kind = F_SCXML;
        const char *initial = get(r, "initial");
        f->has_initial = initial != NULL;
        if (initial != NULL && dk_sm_def_initial(r->d, NULL, initial, r->err) != DK_OK)
            return r->err->status;
        return DK_OK;
    }
    if (parent->kind == F_SKIP || parent->kind == F_TRANSITION)
        return DK_OK; /* executable content and what it holds */
    int state = strcmp(tag, "state") == 0, parallel = strcmp(tag, "parallel") == 0,
        final = strcmp(tag, "final") == 0, history = strcmp(tag, "history") == 0;
    if (is_state_frame(parent) && (state || parallel || final || history)) {
        const char *id = get(r, "id");
        if (id == NULL || id[0] == '\0')
            return fail(r, "a state needs an id:", tag);
        const char *type = get(r, "type");
        if (history && type != NULL && strcmp(type, "deep") != 0 && strcmp(type, "shallow") != 0)
            return fail(r, "history: type must be \"shallow\" or \"deep\", not", type);
        dk_sm_kind kind = parallel                                    ? DK_SM_PARALLEL
                          : final                                     ? DK_SM_FINAL
                          : !history                                  ? DK_SM_STATE
                          : type != NULL && strcmp(type, "deep") == 0 ? DK_SM_HISTORY_DEEP
                                                                      : DK_SM_HISTORY_SHALLOW;
        if (dk_sm_def_state(r->d, owner(r), id, kind, r->err) != DK_OK)
            return r->err->status;
        const char *initial = get(r, "initial");
        f->has_initial = initial != NULL || !state; /* only a plain state takes an initial */
        if (state && initial != NULL && dk_sm_def_initial(r->d, id, initial, r->err) != DK_OK)
            return r->err->status;
        frame *up = &r->stack[r->depth - 1];
        if (!history && up->first == NULL && (up->first = dk_strdup(id)) == NULL)
            return oom(r);
        f->kind = history ? F_HISTORY : F_STATE;
        return (f->state = dk_strdup(id)) == NULL ? oom(r) : DK_OK;
    }
    if (is_state_frame(parent) && strcmp(tag, "initial") == 0)
        r->stack[r->depth - 1].has_initial = 1;
    if (parent->kind == F_STATE && strcmp(tag, "initial") == 0) {
        f->kind = F_INITIAL;
        return (f->state = dk_strdup(parent->state)) == NULL ? oom(r) : DK_OK;
    }
    if (parent->kind == F_SCXML && strcmp(tag, "initial") == 0) {
        f->kind = F_INITIAL; /* state NULL: the root */
        return DK_OK;
    }
    if (strcmp(tag, "transition") == 0) {
        if (parent->kind == F_SCXML)
            return fail(r, "a transition must be inside a state", NULL);
        f->kind = F_TRANSITION;
        return add_transition(r, parent);
    }
    return DK_OK; /* onentry, onexit, datamodel, script, invoke...: skipped */
}

static void pop(reader *r)
{
    r->depth--;
    dk_free(r->stack[r->depth].tag);
    dk_free(r->stack[r->depth].state);
    dk_free(r->stack[r->depth].first);
}

/* At the end of a compound state (or of <scxml>) that named no initial: its first child. */
static dk_status close_element(reader *r)
{
    const frame *f = &r->stack[r->depth - 1];
    if ((f->kind != F_SCXML && f->kind != F_STATE) || f->has_initial || f->first == NULL)
        return DK_OK;
    if (dk_sm_def_initial(r->d, f->kind == F_SCXML ? NULL : f->state, f->first, r->err) != DK_OK)
        return r->err->status;
    return DK_OK;
}

/* One tag at r->p (just past '<'). */
static dk_status read_tag(reader *r)
{
    if (*r->p == '/') {
        r->p++;
        char *tag = read_name(r);
        if (tag == NULL)
            return fail(r, "a closing tag without a name", NULL);
        int match = r->depth > 0 && strcmp(tag, r->stack[r->depth - 1].tag) == 0;
        dk_status rc = match ? DK_OK : fail(r, "closing tag does not match:", tag);
        dk_free(tag);
        skip_spaces(r);
        if (rc == DK_OK && *r->p++ != '>')
            rc = fail(r, "a closing tag must end with >", NULL);
        if (rc == DK_OK)
            rc = close_element(r);
        if (rc == DK_OK)
            pop(r);
        return rc;
    }
    if (r->depth == 0 && r->seen_root)
        return fail(r, "text after </scxml>", NULL);
    char *tag = read_name(r);
    if (tag == NULL)
        return fail(r, "a tag without a name", NULL);
    dk_status rc = DK_OK;
    for (;;) {
        skip_spaces(r);
        if (*r->p == '>' || (r->p[0] == '/' && r->p[1] == '>'))
            break;
        char *name = read_name(r);
        if (name == NULL) {
            rc = fail(r, "bad attribute in", tag);
            break;
        }
        skip_spaces(r);
        char *value = NULL;
        if (*r->p != '=') {
            dk_free(name);
            rc = fail(r, "an attribute without a value in", tag);
            break;
        }
        r->p++;
        skip_spaces(r);
        if ((rc = read_value(r, &value)) != DK_OK) {
            dk_free(name);
            break;
        }
        if (r->nattrs == MAX_ATTRS) {
            dk_free(name);
            dk_free(value);
            rc = fail(r, "too many attributes in", tag);
            break;
        }
        r->attrs[r->nattrs++] = (attr){name, value};
    }
    int empty = rc == DK_OK && *r->p == '/';
    frame f = {.tag = tag};
    if (rc == DK_OK && r->depth == MAX_DEPTH)
        rc = fail(r, "elements nested too deep at", tag);
    if (rc == DK_OK)
        rc = open_element(r, tag, &f);
    free_attrs(r);
    if (rc == DK_OK) {
        r->p += empty ? 2 : 1;
        r->stack[r->depth++] = f;
        if (empty && (rc = close_element(r)) == DK_OK)
            pop(r);
    } else {
        dk_free(tag);
        dk_free(f.state);
    }
    return rc;
}

dk_sm_def_t *dk_sm_from_scxml(const char *text, dk_error *err)
{
    reader r = {.p = text, .line = 1, .err = err};
    dk_status rc = DK_OK;
    if (text == NULL)
        rc = dk_error_set(err, DK_EINVAL, "scxml: no text");
    while (rc == DK_OK && *r.p != '\0') {
        if (*r.p != '<') {
            r.line += *r.p == '\n';
            r.p++;
        } else if (strncmp(r.p, "<?", 2) == 0) {
            if (!skip_past(&r, "?>"))
                rc = fail(&r, "unterminated <?", NULL);
        } else if (strncmp(r.p, "<!--", 4) == 0) {
            if (!skip_past(&r, "-->"))
                rc = fail(&r, "unterminated comment", NULL);
        } else if (strncmp(r.p, "<![CDATA[", 9) == 0) {
            if (!skip_past(&r, "]]>"))
                rc = fail(&r, "unterminated CDATA section", NULL);
        } else if (strncmp(r.p, "<!", 2) == 0) {
            if (!skip_past(&r, ">"))
                rc = fail(&r, "unterminated declaration", NULL);
        } else {
            r.p++;
            rc = read_tag(&r);
        }
    }
    if (rc == DK_OK && r.depth > 0)
        rc = fail(&r, "the text ends inside", r.stack[r.depth - 1].tag);
    if (rc == DK_OK && !r.seen_root)
        rc = fail(&r, "no <scxml> element", NULL);
    if (rc != DK_OK && strncmp(err->message, "scxml:", 6) != 0)
        dk_error_prefix(err, "scxml:%d: ", r.line); /* the builder's own complaint */
    if (rc == DK_OK && dk_sm_def_seal(r.d, err) != DK_OK) {
        rc = err->status;
        dk_error_prefix(err, "scxml: "); /* the seal names the state */
    }
    while (r.depth > 0)
        pop(&r);
    free_attrs(&r);
    if (rc != DK_OK) {
        if (r.out_of_memory)
            oom(&r);
        else if (rc != DK_ENOMEM) /* a duplicate id, a bad delay: all bad text to the caller */
            err->status = DK_EINVAL;
        dk_sm_def_free(r.d);
        return NULL;
    }
    return r.d;
}

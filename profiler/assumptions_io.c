/* assumptions_io.c - assumption sets as standard schema files, and back.
 *
 * One JSON file (docs/assumptions.md):
 *   {"format": "gapscan-assumptions", "version": 1,
 *    "collections": {NAME: {"layout": "table" | "tree" | "flat",
 *                           "x-gapscan": {"collection": EVIDENCE},
 *                           "schema": SCHEMA}}}
 * SCHEMA is a Frictionless Table Schema for the table layout (CSV) and a
 * JSON Schema 2020-12 otherwise: nested along the JSON paths for the tree
 * layout, one property per gapscan field path for the flat one (XML and
 * documents). Each assumption is a standard keyword where one exists
 * (required, type, enum, minimum/maximum, maxLength, Table Schema's
 * constraints.required/unique, additionalProperties: false) and an "x-"
 * keyword where none does; its evidence sits beside it in "x-gapscan",
 * keyed by assumption kind. An assumption without evidence is "declared":
 * a team wrote it, and it is checked as a fact.
 *
 * Loading is strict: every object's keys are known, every value has its
 * type, and the first error names its JSON path ("f.json: $.collections.
 * tickets.schema.fields[2].constraints: unknown keyword 'maxLen'").
 *
 * Invariants: writing is deterministic (assumptions are sorted, members
 * are written in a fixed order, doubles in the shortest form that reads
 * back as the same value: GS__JSONW_SHORTEST), and
 * save(load(save(S))) == save(S). */
#include "assumptions-private.h"
#include "jsonw.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define MAX_FILE_BYTES ((size_t)16 << 20)
#define MAX_DEPTH 64
#define SCHEMA_2020 "https://json-schema.org/draft/2020-12/schema"

static const char *const layout_names[] = {"table", "tree", "flat"};
static const char *const methods[] = {"good-turing", "exchangeable-extremes",
                                      "rule-of-three", "wilson-95",
                                      "observed"};

/* ---- JSON types of gapscan types ---------------------------------------- */

enum { JT_BOOLEAN = 1, JT_INTEGER = 2, JT_NUMBER = 4, JT_STRING = 8 };

static unsigned json_types(unsigned types)
{
    unsigned j = 0;
    j |= types & 1u << GS_VT_BOOL ? JT_BOOLEAN : 0;
    j |= types & 1u << GS_VT_INTEGER ? JT_INTEGER : 0;
    j |= types & 1u << GS_VT_DECIMAL ? JT_NUMBER : 0;
    j |= types & (1u << GS_VT_DATE | 1u << GS_VT_STRING) ? JT_STRING : 0;
    if (j & JT_NUMBER)
        j &= ~(unsigned)JT_INTEGER;  /* number admits integers */
    return j;
}

/* The gapscan types a JSON type list stands for, when nothing more precise
 * is written; is_date: the node says "format": "date". */
static unsigned gapscan_types(unsigned j, int is_date)
{
    unsigned t = 0;
    t |= j & JT_BOOLEAN ? 1u << GS_VT_BOOL : 0;
    t |= j & JT_INTEGER ? 1u << GS_VT_INTEGER : 0;
    t |= j & JT_NUMBER ? 1u << GS_VT_INTEGER | 1u << GS_VT_DECIMAL : 0;
    t |= j & JT_STRING ? 1u << (is_date ? GS_VT_DATE : GS_VT_STRING) : 0;
    return t;
}

/* ---- writing ------------------------------------------------------------ */

typedef struct writer {
    yajl_gen g;
    const gs_assumptions *s;
    const char *coll;
    size_t lo, hi;       /* the collection's items */
} writer;

/* The assumption of kind at path in the collection, or NULL. */
static const gs_assumption *at(const writer *w, const char *path,
                               gs_assume_kind kind)
{
    for (size_t i = w->lo; i < w->hi; i++) {
        const gs_assumption *a = &w->s->items[i];
        if (a->kind == kind && a->path && strcmp(a->path, path) == 0)
            return a;
    }
    return NULL;
}

static void evidence(yajl_gen g, const gs_assumption *a)
{
    gs__jsonw_str(g, gs_assume_kind_name(a->kind));
    yajl_gen_map_open(g);
    if (a->kind == GS_ASSUME_PRESENT)
        gs__jsonw_double(g, "share", a->presence, GS__JSONW_SHORTEST);
    gs__jsonw_u64(g, "support", a->support);
    gs__jsonw_double(g, "unseen", a->unseen, GS__JSONW_SHORTEST);
    gs__jsonw_kstr(g, "method", a->method);
    gs__jsonw_bool(g, "weak", a->weak);
    yajl_gen_map_close(g);
}

/* "x-gapscan": the evidence of the given assumptions that have some. */
static void evidence_block(yajl_gen g, const gs_assumption *const *as,
                           size_t n)
{
    size_t with = 0;
    for (size_t i = 0; i < n; i++)
        with += as[i] && !as[i]->declared;
    if (!with)
        return;
    gs__jsonw_str(g, "x-gapscan");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < n; i++)
        if (as[i] && !as[i]->declared)
            evidence(g, as[i]);
    yajl_gen_map_close(g);
}

static int json_number_text(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Enum values as the field's JSON type: numbers for numeric fields,
 * booleans for boolean ones, strings otherwise. */
static void enum_values(yajl_gen g, const gs_assumption *e, unsigned types)
{
    unsigned numeric = 1u << GS_VT_INTEGER | 1u << GS_VT_DECIMAL;
    gs__jsonw_str(g, "enum");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < e->n_values; i++) {
        const char *v = e->values[i];
        if (types && !(types & ~numeric) && json_number_text(v))
            yajl_gen_number(g, v, strlen(v));
        else if (types == 1u << GS_VT_BOOL && strcmp(v, "true") == 0)
            yajl_gen_bool(g, 1);
        else if (types == 1u << GS_VT_BOOL && strcmp(v, "false") == 0)
            yajl_gen_bool(g, 0);
        else
            gs__jsonw_str(g, v);
    }
    yajl_gen_array_close(g);
}

static void format_list(yajl_gen g, const gs_assumption *f)
{
    gs__jsonw_str(g, "x-gapscan-format");
    yajl_gen_array_open(g);
    for (unsigned b = 1; b && b <= f->format; b <<= 1)
        if (f->format & b)
            gs__jsonw_str(g, gs_assume_format_name(b));
    yajl_gen_array_close(g);
}

/* The keywords of one field path (not its container role). */
typedef struct field_as {
    const gs_assumption *present, *type, *not_null, *range, *en, *unique,
        *max_len, *format;
} field_as;

static field_as field_of(const writer *w, const char *path)
{
    return (field_as){
        at(w, path, GS_ASSUME_PRESENT), at(w, path, GS_ASSUME_TYPE),
        at(w, path, GS_ASSUME_NOT_NULL), at(w, path, GS_ASSUME_RANGE),
        at(w, path, GS_ASSUME_ENUM), at(w, path, GS_ASSUME_UNIQUE),
        at(w, path, GS_ASSUME_MAX_LENGTH), at(w, path, GS_ASSUME_FORMAT),
    };
}

/* JSON Schema keywords of a field; container is 'o', 'a' or 0. */
static void json_field_keywords(writer *w, const field_as *f, char container,
                                const gs_assumption *nested)
{
    yajl_gen g = w->g;
    unsigned types = f->type ? f->type->types : 0;
    unsigned jt = json_types(types);
    int date_only = types == 1u << GS_VT_DATE;
    if (f->type || container) {
        gs__jsonw_str(g, "type");
        yajl_gen_array_open(g);
        if (container)
            gs__jsonw_str(g, container == 'a' ? "array" : "object");
        if (jt & JT_BOOLEAN)
            gs__jsonw_str(g, "boolean");
        if (jt & JT_INTEGER)
            gs__jsonw_str(g, "integer");
        if (jt & JT_NUMBER)
            gs__jsonw_str(g, "number");
        if (jt & JT_STRING)
            gs__jsonw_str(g, "string");
        if (f->type && !f->not_null)
            gs__jsonw_str(g, "null");
        yajl_gen_array_close(g);
    }
    if (date_only) {
        gs__jsonw_kstr(g, "format", "date");
    }
    if (f->type && gapscan_types(jt, date_only) != types) {
        gs__jsonw_str(g, "x-gapscan-types");
        yajl_gen_array_open(g);
        for (int t = GS_VT_BOOL; t < GS_VT__COUNT; t++)
            if (types & 1u << t)
                gs__jsonw_str(g, gs_vtype_name((gs_vtype)t));
        yajl_gen_array_close(g);
    }
    if (f->range) {
        gs__jsonw_double(g, "minimum", f->range->min, GS__JSONW_SHORTEST);
        gs__jsonw_double(g, "maximum", f->range->max, GS__JSONW_SHORTEST);
    }
    if (f->en)
        enum_values(g, f->en, types);
    if (f->max_len)
        gs__jsonw_u64(g, "maxLength", f->max_len->max_len);
    if (f->unique) {
        gs__jsonw_bool(g, "x-gapscan-unique", 1);
    }
    if (f->format)
        format_list(g, f->format);
    const gs_assumption *ev[] = {f->present, f->type, f->not_null, f->range,
                                 f->en, f->unique, f->max_len, f->format,
                                 nested};
    evidence_block(g, ev, sizeof ev / sizeof *ev);
}

/* A path's tokens: names split at '.', with "[]" a token of its own. The
 * next token after prefix (of length plen) in path, or 0 when path does
 * not extend prefix. */
static size_t next_token(const char *path, const char *prefix, size_t plen,
                         const char **tok)
{
    if (strncmp(path, prefix, plen) != 0)
        return 0;
    const char *p = path + plen;
    if (plen) {
        if (strncmp(p, "[]", 2) == 0) {
            *tok = p;
            return 2;
        }
        if (*p != '.')
            return 0;
        p++;
    }
    *tok = p;
    if (strncmp(p, "[]", 2) == 0)  /* a top-level array */
        return 2;
    size_t n = 0;
    while (p[n] && p[n] != '.' && strncmp(p + n, "[]", 2) != 0)
        n++;
    return n;
}

static char *join(const char *prefix, const char *tok, size_t n)
{
    size_t pl = strlen(prefix);
    int dot = pl && !(n == 2 && strncmp(tok, "[]", 2) == 0);
    char *s = gs_malloc(pl + dot + n + 1);
    if (!s)
        return NULL;
    memcpy(s, prefix, pl);
    if (dot)
        s[pl] = '.';
    memcpy(s + pl + dot, tok, n);
    s[pl + dot + n] = '\0';
    return s;
}

/* Every path the collection names (fields and containers), sorted. */
typedef struct paths {
    char **v;
    size_t n;
} paths;

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gs_status collect_paths(const writer *w, paths *out)
{
    out->v = gs_calloc(w->hi - w->lo + 1, sizeof *out->v);
    out->n = 0;
    if (!out->v)
        return GS_ENOMEM;
    for (size_t i = w->lo; i < w->hi; i++) {
        const char *p = w->s->items[i].path;
        if (p && (out->n == 0 || strcmp(out->v[out->n - 1], p) != 0))
            out->v[out->n++] = (char *)p;  /* items are sorted by path */
    }
    const gs_assumption *fs = NULL;
    for (size_t i = w->lo; i < w->hi; i++)
        if (w->s->items[i].kind == GS_ASSUME_FIELDS)
            fs = &w->s->items[i];
    if (fs) {
        char **v = gs_realloc(out->v, (out->n + fs->n_values + 1) *
                                          sizeof *v);
        if (!v)
            return GS_ENOMEM;
        out->v = v;
        for (size_t k = 0; k < fs->n_values; k++)
            out->v[out->n++] = fs->values[k];
    }
    qsort(out->v, out->n, sizeof *out->v, path_cmp);
    size_t m = 0;
    for (size_t i = 0; i < out->n; i++)
        if (m == 0 || strcmp(out->v[m - 1], out->v[i]) != 0)
            out->v[m++] = out->v[i];
    out->n = m;
    return GS_OK;
}

static gs_status tree_node(writer *w, const paths *ps, const char *path,
                           int closed, unsigned depth);

/* The next property below path from ps->v[*i] on: a name, not "[]" or
 * "{*}", and each name once (ps is sorted). *tok holds the previous one
 * (NULL at first) of length prev_n, and gets the next; its length, or 0
 * when none is left. */
static size_t next_prop(const paths *ps, size_t *i, const char *path,
                        size_t plen, const char **tok, size_t prev_n)
{
    const char *prev = *tok;
    while (*i < ps->n) {
        size_t n = next_token(ps->v[(*i)++], path, plen, tok);
        if (n && !(n == 2 && strncmp(*tok, "[]", 2) == 0) &&
            !(n == 3 && strncmp(*tok, "{*}", 3) == 0) &&
            !(prev && prev_n == n && strncmp(prev, *tok, n) == 0))
            return n;
    }
    return 0;
}

/* The children of an object node: properties, required, closedness. */
static gs_status tree_children(writer *w, const paths *ps, const char *path,
                               int closed, unsigned depth)
{
    yajl_gen g = w->g;
    size_t plen = strlen(path);
    const char *tok = NULL;
    int has_items = 0, has_map = 0, has_props = 0;
    for (size_t i = 0; i < ps->n; i++) {
        size_t n = next_token(ps->v[i], path, plen, &tok);
        if (n == 2 && strncmp(tok, "[]", 2) == 0)
            has_items = 1;
        else if (n == 3 && strncmp(tok, "{*}", 3) == 0)
            has_map = 1;
        else if (n)
            has_props = 1;
    }
    gs_status st = GS_OK;
    if (has_items) {
        char *kid = join(path, "[]", 2);
        if (!kid)
            return GS_ENOMEM;
        gs__jsonw_str(g, "items");
        st = tree_node(w, ps, kid, closed, depth + 1);
        gs_free(kid);
        if (st != GS_OK)
            return st;
    }
    if (has_props) {
        gs__jsonw_str(g, "properties");
        yajl_gen_map_open(g);
        tok = NULL;
        for (size_t i = 0, n = 0;
             st == GS_OK && (n = next_prop(ps, &i, path, plen, &tok, n));) {
            char *kid = join(path, tok, n);
            if (!kid)
                return GS_ENOMEM;
            yajl_gen_string(g, (const unsigned char *)tok, n);
            st = tree_node(w, ps, kid, closed, depth + 1);
            gs_free(kid);
        }
        yajl_gen_map_close(g);
        /* required: properties whose field (or array of fields) is
         * present in every record, or that contain such a field. */
        gs__jsonw_str(g, "required");
        yajl_gen_array_open(g);
        tok = NULL;
        for (size_t i = 0, n = 0;
             st == GS_OK && (n = next_prop(ps, &i, path, plen, &tok, n));) {
            char *kid = join(path, tok, n);
            if (!kid)
                return GS_ENOMEM;
            size_t kl = strlen(kid);
            int req = 0;
            for (size_t j = w->lo; j < w->hi && !req; j++) {
                const gs_assumption *a = &w->s->items[j];
                req = a->kind == GS_ASSUME_PRESENT &&
                      strncmp(a->path, kid, kl) == 0 &&
                      (a->path[kl] == '\0' || a->path[kl] == '.' ||
                       a->path[kl] == '[');
            }
            if (req)
                yajl_gen_string(g, (const unsigned char *)tok, n);
            gs_free(kid);
        }
        yajl_gen_array_close(g);
    }
    if (has_map) {
        char *kid = join(path, "{*}", 3);
        if (!kid)
            return GS_ENOMEM;
        gs__jsonw_str(g, "additionalProperties");
        st = tree_node(w, ps, kid, closed, depth + 1);
        gs_free(kid);
    } else if (has_props && closed) {
        gs__jsonw_bool(g, "additionalProperties", 0);
    }
    return st;
}

static gs_status tree_node(writer *w, const paths *ps, const char *path,
                           int closed, unsigned depth)
{
    if (depth > MAX_DEPTH)
        return GS_ELIMIT;
    yajl_gen g = w->g;
    yajl_gen_map_open(g);
    field_as f = field_of(w, path);
    const gs_assumption *nested = at(w, path, GS_ASSUME_NESTED);
    json_field_keywords(w, &f, nested ? nested->nested : 0, nested);
    gs_status st = tree_children(w, ps, path, closed, depth);
    yajl_gen_map_close(g);
    return st;
}

static const gs_assumption *coll_item(const writer *w, gs_assume_kind k)
{
    for (size_t i = w->lo; i < w->hi; i++)
        if (w->s->items[i].kind == k && !w->s->items[i].path)
            return &w->s->items[i];
    return NULL;
}

static gs_status json_schema(writer *w, gs_assume_layout layout)
{
    yajl_gen g = w->g;
    const gs_assumption *fields = coll_item(w, GS_ASSUME_FIELDS);
    paths ps;
    gs_status st = collect_paths(w, &ps);
    if (st != GS_OK) {
        gs_free(ps.v);
        return st;
    }
    yajl_gen_map_open(g);
    gs__jsonw_kstr(g, "$schema", SCHEMA_2020);
    gs__jsonw_kstr(g, "title", w->coll);
    gs__jsonw_kstr(g, "type", "object");
    if (layout == GS_LAYOUT_TREE) {
        st = tree_children(w, &ps, "", fields != NULL, 0);
    } else {
        gs__jsonw_str(g, "properties");
        yajl_gen_map_open(g);
        for (size_t i = 0; i < ps.n; i++) {
            gs__jsonw_str(g, ps.v[i]);
            yajl_gen_map_open(g);
            field_as f = field_of(w, ps.v[i]);
            json_field_keywords(w, &f, 0, NULL);
            yajl_gen_map_close(g);
        }
        yajl_gen_map_close(g);
        gs__jsonw_str(g, "required");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < ps.n; i++)
            if (at(w, ps.v[i], GS_ASSUME_PRESENT))
                gs__jsonw_str(g, ps.v[i]);
        yajl_gen_array_close(g);
        if (fields) {
            gs__jsonw_bool(g, "additionalProperties", 0);
        }
    }
    evidence_block(g, &fields, 1);
    yajl_gen_map_close(g);
    gs_free(ps.v);
    return st;
}

static const char *table_type(unsigned types)
{
    switch (types) {
    case 1u << GS_VT_INTEGER:
        return "integer";
    case 1u << GS_VT_INTEGER | 1u << GS_VT_DECIMAL:
        return "number";
    case 1u << GS_VT_BOOL:
        return "boolean";
    case 1u << GS_VT_DATE:
        return "date";
    case 1u << GS_VT_STRING:
        return "string";
    default:
        return "any";
    }
}

static gs_status table_schema(writer *w)
{
    yajl_gen g = w->g;
    const gs_assumption *fields = coll_item(w, GS_ASSUME_FIELDS);
    paths ps;
    gs_status st = collect_paths(w, &ps);
    if (st != GS_OK) {
        gs_free(ps.v);
        return st;
    }
    yajl_gen_map_open(g);
    gs__jsonw_str(g, "fields");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < ps.n; i++) {
        field_as f = field_of(w, ps.v[i]);
        unsigned types = f.type ? f.type->types : 0;
        const char *tt = table_type(types);
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "name", ps.v[i]);
        gs__jsonw_kstr(g, "type", tt);
        if (types == 1u << GS_VT_DATE) {
            gs__jsonw_kstr(g, "format", "any");
        }
        if (f.type && strcmp(tt, "any") == 0) {
            gs__jsonw_str(g, "x-gapscan-types");
            yajl_gen_array_open(g);
            for (int t = GS_VT_BOOL; t < GS_VT__COUNT; t++)
                if (types & 1u << t)
                    gs__jsonw_str(g, gs_vtype_name((gs_vtype)t));
            yajl_gen_array_close(g);
        }
        if (f.present) {
            gs__jsonw_bool(g, "x-gapscan-required", 1);
        }
        if (f.not_null || f.range || f.en || f.unique || f.max_len) {
            gs__jsonw_str(g, "constraints");
            yajl_gen_map_open(g);
            if (f.not_null) {
                gs__jsonw_bool(g, "required", 1);
            }
            if (f.unique) {
                gs__jsonw_bool(g, "unique", 1);
            }
            if (f.range) {
                gs__jsonw_double(g, "minimum", f.range->min,
                                 GS__JSONW_SHORTEST);
                gs__jsonw_double(g, "maximum", f.range->max,
                                 GS__JSONW_SHORTEST);
            }
            if (f.max_len)
                gs__jsonw_u64(g, "maxLength", f.max_len->max_len);
            if (f.en)
                enum_values(g, f.en, types);
            yajl_gen_map_close(g);
        }
        if (f.format)
            format_list(g, f.format);
        const gs_assumption *ev[] = {f.present, f.type, f.not_null, f.range,
                                     f.en, f.unique, f.max_len, f.format};
        evidence_block(g, ev, sizeof ev / sizeof *ev);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if (fields) {
        gs__jsonw_bool(g, "x-gapscan-closed", 1);
    }
    evidence_block(g, &fields, 1);
    yajl_gen_map_close(g);
    gs_free(ps.v);
    return st;
}

static void *gs_yajl_malloc(void *ctx, size_t sz)
{
    (void)ctx;
    return gs_malloc(sz);
}

static void *gs_yajl_realloc(void *ctx, void *p, size_t sz)
{
    (void)ctx;
    return gs_realloc(p, sz);
}

static void gs_yajl_free(void *ctx, void *p)
{
    (void)ctx;
    gs_free(p);
}

gs_status gs_assumptions_save(const gs_assumptions *s, FILE *out,
                              gs_error *err)
{
    yajl_alloc_funcs af = {gs_yajl_malloc, gs_yajl_realloc, gs_yajl_free,
                           NULL};
    yajl_gen g = yajl_gen_alloc(&af);
    if (!g)
        return GS_ENOMEM;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    yajl_gen_map_open(g);
    gs__jsonw_kstr(g, "format", GS_ASSUMPTIONS_FORMAT);
    gs__jsonw_u64(g, "version", GS_ASSUMPTIONS_VERSION);
    gs__jsonw_str(g, "collections");
    yajl_gen_map_open(g);
    gs_status st = GS_OK;
    for (size_t lo = 0; lo < s->n && st == GS_OK;) {
        writer w = {g, s, s->items[lo].collection, lo, lo};
        while (w.hi < s->n && strcmp(s->items[w.hi].collection, w.coll) == 0)
            w.hi++;
        const gs_assumption *c = coll_item(&w, GS_ASSUME_COLLECTION);
        gs_assume_layout layout = s->items[lo].layout;
        gs__jsonw_str(g, w.coll);
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "layout", layout_names[layout]);
        evidence_block(g, &c, 1);
        gs__jsonw_str(g, "schema");
        st = layout == GS_LAYOUT_TABLE ? table_schema(&w)
                                       : json_schema(&w, layout);
        yajl_gen_map_close(g);
        lo = w.hi;
    }
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    if (st == GS_OK && yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        st = GS_ENOMEM;
    if (st == GS_OK && (fwrite(buf, 1, len, out) != len ||
                        fputc('\n', out) == EOF))
        st = gs_error_set(err, GS_EIO, "writing assumptions: %s",
                          strerror(errno));
    else if (st != GS_OK)
        gs_error_set(err, st, "writing assumptions: %s", gs_status_str(st));
    yajl_gen_free(g);
    return st;
}

/* ---- loading ------------------------------------------------------------ */

typedef struct evid {
    int given;
    double share;
    uint64_t support;
    double unseen;
    const char *method;
    int weak;
} evid;

typedef struct loader {
    const char *name;
    gs_error *err;
    gs_status st;
    gs_assumptions *s;
    const char *coll;
    gs_assume_layout layout;
    char jp[2048];           /* the JSON path being read */
} loader;

/* A string member's text; callers test YAJL_IS_STRING first. */
static const char *sval(yajl_val v)
{
    return v->u.string;
}

static int fail(loader *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(loader *L, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (L->st == GS_OK) {
        L->st = GS_EINVAL;
        gs_error_set(L->err, GS_EINVAL, "%s: %s: %s", L->name, L->jp, msg);
    }
    return 0;
}

static int nomem(loader *L)
{
    if (L->st == GS_OK) {
        L->st = GS_ENOMEM;
        gs_error_set(L->err, GS_ENOMEM, "%s: out of memory", L->name);
    }
    return 0;
}

/* Descend into a member or an element: returns the length to restore. */
static size_t enter(loader *L, const char *key, size_t index)
{
    size_t n = strlen(L->jp);
    if (key)
        snprintf(L->jp + n, sizeof L->jp - n, ".%s", key);
    else
        snprintf(L->jp + n, sizeof L->jp - n, "[%zu]", index);
    return n;
}

static void leave(loader *L, size_t n)
{
    L->jp[n] = '\0';
}

static int in_list(const char *k, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return 1;
    return 0;
}

/* obj is an object whose keys are all in allowed, each once. */
static int object_of(loader *L, yajl_val obj, const char *const *allowed)
{
    if (!YAJL_IS_OBJECT(obj))
        return fail(L, "must be an object");
    for (size_t i = 0; i < obj->u.object.len; i++) {
        const char *k = obj->u.object.keys[i];
        if (allowed && !in_list(k, allowed))
            return fail(L, "unknown or unsupported keyword '%s'", k);
        for (size_t j = 0; j < i; j++)
            if (strcmp(k, obj->u.object.keys[j]) == 0)
                return fail(L, "'%s' appears twice", k);
    }
    return 1;
}

static yajl_val member(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

static int get_number(loader *L, yajl_val obj, const char *key, double *out)
{
    yajl_val v = member(obj, key);
    size_t m = enter(L, key, 0);
    int ok = v && YAJL_IS_NUMBER(v) && (v->u.number.flags &
                                        YAJL_NUMBER_DOUBLE_VALID);
    if (ok)
        *out = v->u.number.d;
    else
        fail(L, v ? "must be a number" : "missing");
    leave(L, m);
    return ok;
}

static int get_count(loader *L, yajl_val obj, const char *key, uint64_t *out)
{
    yajl_val v = member(obj, key);
    size_t m = enter(L, key, 0);
    int ok = v && YAJL_IS_NUMBER(v) &&
             (v->u.number.flags & YAJL_NUMBER_INT_VALID) && v->u.number.i >= 0;
    if (ok)
        *out = (uint64_t)v->u.number.i;
    else
        fail(L, v ? "must be a non-negative integer" : "missing");
    leave(L, m);
    return ok;
}

static int get_true(loader *L, yajl_val obj, const char *key)
{
    yajl_val v = member(obj, key);
    if (!v)
        return 0;
    size_t m = enter(L, key, 0);
    if (!YAJL_IS_TRUE(v))
        fail(L, "must be true (leave it out to drop the assumption)");
    leave(L, m);
    return YAJL_IS_TRUE(v);
}

/* "x-gapscan": {KIND: {share?, support, unseen, method, weak}} */
static int read_evidence(loader *L, yajl_val node, evid *ev)
{
    memset(ev, 0, GS_ASSUME__COUNT * sizeof *ev);
    yajl_val x = member(node, "x-gapscan");
    if (!x)
        return 1;
    size_t m = enter(L, "x-gapscan", 0);
    if (!object_of(L, x, NULL))
        return 0;
    for (size_t i = 0; i < x->u.object.len; i++) {
        const char *k = x->u.object.keys[i];
        yajl_val e = x->u.object.values[i];
        int kind = 0;
        while (kind < GS_ASSUME__COUNT &&
               strcmp(k, gs_assume_kind_name((gs_assume_kind)kind)) != 0)
            kind++;
        if (kind == GS_ASSUME__COUNT)
            return fail(L, "unknown assumption kind '%s'", k);
        size_t m2 = enter(L, k, 0);
        static const char *const keys[] = {"share", "support", "unseen",
                                           "method", "weak", NULL};
        evid *v = &ev[kind];
        if (!object_of(L, e, keys) ||
            !get_count(L, e, "support", &v->support) ||
            !get_number(L, e, "unseen", &v->unseen))
            return 0;
        if (kind == GS_ASSUME_PRESENT && !get_number(L, e, "share", &v->share))
            return 0;
        if (kind != GS_ASSUME_PRESENT && member(e, "share"))
            return fail(L, "'share' belongs to 'present' evidence only");
        yajl_val me = member(e, "method"), wk = member(e, "weak");
        for (size_t j = 0; me && YAJL_IS_STRING(me) &&
                           j < sizeof methods / sizeof *methods; j++)
            if (strcmp(sval(me), methods[j]) == 0)
                v->method = methods[j];
        if (!v->method)
            return fail(L, "'method' must be one of good-turing, "
                        "exchangeable-extremes, rule-of-three, wilson-95, "
                        "observed");
        if (!wk || !(YAJL_IS_TRUE(wk) || YAJL_IS_FALSE(wk)))
            return fail(L, "'weak' must be true or false");
        if (!(v->unseen >= 0 && v->unseen <= 1))
            return fail(L, "'unseen' must be a probability in [0, 1]");
        v->weak = YAJL_IS_TRUE(wk);
        v->given = 1;
        leave(L, m2);
    }
    leave(L, m);
    return 1;
}

static gs_assumption *add(loader *L, gs_assume_kind kind, const char *path,
                          evid *ev)
{
    gs_assumption *a = gs__assumptions_push(L->s, kind, L->coll, path);
    if (!a) {
        nomem(L);
        return NULL;
    }
    a->layout = L->layout;
    evid *e = &ev[kind];
    if (e->given) {
        a->declared = 0;
        a->support = e->support;
        a->unseen = e->unseen;
        a->method = e->method;
        a->weak = e->weak;
        a->presence = e->share;
        e->given = 2;  /* used */
    } else if (kind == GS_ASSUME_PRESENT) {
        a->presence = 1.0;
    }
    return a;
}

/* Every evidence entry must support an assumption the node states. */
static int evidence_used(loader *L, const evid *ev)
{
    for (int k = 0; k < GS_ASSUME__COUNT; k++)
        if (ev[k].given == 1) {
            size_t m = enter(L, "x-gapscan", 0);
            fail(L, "evidence for '%s', which this schema does not state",
                 gs_assume_kind_name((gs_assume_kind)k));
            leave(L, m);
            return 0;
        }
    return 1;
}

static int read_enum(loader *L, yajl_val v, gs_assumption *a)
{
    size_t m = enter(L, "enum", 0);
    if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
        return fail(L, "must be a non-empty array");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val e = v->u.array.values[i];
        const char *t = YAJL_IS_STRING(e) ? sval(e)
                        : YAJL_IS_NUMBER(e) ? e->u.number.r
                        : YAJL_IS_TRUE(e) ? "true"
                        : YAJL_IS_FALSE(e) ? "false" : NULL;
        size_t m2 = enter(L, NULL, i);
        if (!t)
            return fail(L, "must be a string, number or boolean");
        for (size_t j = 0; j < a->n_values; j++)
            if (strcmp(a->values[j], t) == 0)
                return fail(L, "'%s' is listed twice", t);
        gs_status st = gs__assumption_add_value(a, t, strlen(t));
        if (st == GS_ELIMIT)
            return fail(L, "more than %d values", GS_ASSUME_MAX_VALUES);
        if (st != GS_OK)
            return nomem(L);
        leave(L, m2);
    }
    leave(L, m);
    return 1;
}

static int read_format(loader *L, yajl_val v, gs_assumption *a)
{
    size_t m = enter(L, "x-gapscan-format", 0);
    if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
        return fail(L, "must be a non-empty array");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val e = v->u.array.values[i];
        unsigned flag = 0;
        for (unsigned b = 1; b <= GS_FMT_UNAMBIGUOUS_DATE; b <<= 1)
            if (YAJL_IS_STRING(e) &&
                strcmp(sval(e), gs_assume_format_name(b)) == 0)
                flag = b;
        size_t m2 = enter(L, NULL, i);
        if (!flag)
            return fail(L, "must be one of unpadded, decimal-point, "
                        "ungrouped, unambiguous-date");
        leave(L, m2);
        a->format |= flag;
    }
    leave(L, m);
    return 1;
}

static int read_types_list(loader *L, yajl_val v, unsigned *out)
{
    size_t m = enter(L, "x-gapscan-types", 0);
    *out = 0;
    if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
        return fail(L, "must be a non-empty array");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val e = v->u.array.values[i];
        int t = GS_VT_BOOL;
        while (t < GS_VT__COUNT && !(YAJL_IS_STRING(e) &&
               strcmp(sval(e), gs_vtype_name((gs_vtype)t)) == 0))
            t++;
        size_t m2 = enter(L, NULL, i);
        if (t == GS_VT__COUNT)
            return fail(L, "must be one of boolean, integer, decimal, date, "
                        "string");
        leave(L, m2);
        *out |= 1u << t;
    }
    leave(L, m);
    return 1;
}

/* The value keywords shared by JSON Schema nodes and Table Schema
 * constraints: range, enum, maxLength, unique, format flags. */
static int read_value_keywords(loader *L, yajl_val node, const char *path,
                               evid *ev, const char *max_len_key)
{
    yajl_val lo = member(node, "minimum"), hi = member(node, "maximum");
    if (lo || hi) {
        gs_assumption *a = add(L, GS_ASSUME_RANGE, path, ev);
        if (!a || !get_number(L, node, "minimum", &a->min) ||
            !get_number(L, node, "maximum", &a->max))
            return 0;
        if (a->min > a->max)
            return fail(L, "minimum %g is above maximum %g", a->min, a->max);
    }
    yajl_val en = member(node, "enum");
    if (en) {
        gs_assumption *a = add(L, GS_ASSUME_ENUM, path, ev);
        if (!a || !read_enum(L, en, a))
            return 0;
    }
    if (member(node, max_len_key)) {
        gs_assumption *a = add(L, GS_ASSUME_MAX_LENGTH, path, ev);
        if (!a || !get_count(L, node, max_len_key, &a->max_len))
            return 0;
    }
    return 1;
}

static int read_marks(loader *L, yajl_val node, const char *path, evid *ev)
{
    if (get_true(L, node, "x-gapscan-unique") &&
        !add(L, GS_ASSUME_UNIQUE, path, ev))
        return 0;
    yajl_val f = member(node, "x-gapscan-format");
    if (f) {
        gs_assumption *a = add(L, GS_ASSUME_FORMAT, path, ev);
        if (!a || !read_format(L, f, a))
            return 0;
    }
    return L->st == GS_OK;
}

/* "type" of a JSON Schema node: its scalar JSON types (JT_*), whether
 * null is allowed, and its container ('o', 'a' or 0). */
static int read_json_type(loader *L, yajl_val v, unsigned *jt, int *null,
                          char *container)
{
    static const char *const names[] = {"boolean", "integer", "number",
                                        "string", "null", "object", "array"};
    *jt = 0;
    *null = 0;
    *container = 0;
    size_t m = enter(L, "type", 0);
    size_t n = YAJL_IS_ARRAY(v) ? v->u.array.len : 1;
    if (!YAJL_IS_STRING(v) && !(YAJL_IS_ARRAY(v) && n > 0))
        return fail(L, "must be a type name or a non-empty array of them");
    for (size_t i = 0; i < n; i++) {
        yajl_val e = YAJL_IS_ARRAY(v) ? v->u.array.values[i] : v;
        size_t k = 0;
        while (k < 7 && !(YAJL_IS_STRING(e) &&
                          strcmp(sval(e), names[k]) == 0))
            k++;
        if (k == 7)
            return fail(L, "unknown type (boolean, integer, number, string, "
                        "null, object or array)");
        if (k < 4)
            *jt |= 1u << k;
        else if (k == 4)
            *null = 1;
        else if (*container)
            return fail(L, "a node is an object or an array, not both");
        else
            *container = k == 5 ? 'o' : 'a';
    }
    leave(L, m);
    return 1;
}

static int read_json_node(loader *L, yajl_val node, const char *path,
                          int required, int flat, unsigned depth,
                          int *closed);

/* Properties, required, items and additionalProperties of a tree node;
 * required: whether the parent requires this node (its array elements'
 * field inherits it). */
static int read_children(loader *L, yajl_val node, const char *path,
                         int required, unsigned depth, int *closed)
{
    yajl_val props = member(node, "properties");
    yajl_val req = member(node, "required");
    yajl_val items = member(node, "items");
    yajl_val addl = member(node, "additionalProperties");
    if (props && !YAJL_IS_OBJECT(props)) {
        enter(L, "properties", 0);
        return fail(L, "must be an object");
    }
    if (req) {
        size_t m = enter(L, "required", 0);
        if (!YAJL_IS_ARRAY(req))
            return fail(L, "must be an array of property names");
        for (size_t i = 0; i < req->u.array.len; i++) {
            yajl_val e = req->u.array.values[i];
            size_t m2 = enter(L, NULL, i);
            if (!YAJL_IS_STRING(e) || !props ||
                !member(props, sval(e)))
                return fail(L, "must name a property of this object");
            leave(L, m2);
        }
        leave(L, m);
    }
    for (size_t i = 0; props && i < props->u.object.len; i++) {
        const char *k = props->u.object.keys[i];
        int is_req = 0;
        for (size_t j = 0; req && j < req->u.array.len; j++)
            is_req |= strcmp(sval(req->u.array.values[j]), k) == 0;
        char *kid = join(path, k, strlen(k));
        if (!kid)
            return nomem(L);
        size_t m = enter(L, "properties", 0);
        size_t m2 = enter(L, k, 0);
        int ok = read_json_node(L, props->u.object.values[i], kid, is_req, 0,
                                depth + 1, closed);
        leave(L, m2);
        leave(L, m);
        gs_free(kid);
        if (!ok)
            return 0;
    }
    if (items) {
        char *kid = join(path, "[]", 2);
        if (!kid)
            return nomem(L);
        size_t m = enter(L, "items", 0);
        /* "required" on the array's name reaches its elements' field */
        int ok = read_json_node(L, items, kid, required, 0, depth + 1,
                                closed);
        leave(L, m);
        gs_free(kid);
        if (!ok)
            return 0;
    }
    if (addl) {
        size_t m = enter(L, "additionalProperties", 0);
        if (YAJL_IS_FALSE(addl)) {
            if (depth == 0)
                *closed = 1;
            else if (!*closed)
                return fail(L, "false is per collection: set it on the "
                            "root first");
        } else if (YAJL_IS_OBJECT(addl)) {
            char *kid = join(path, "{*}", 3);
            if (!kid)
                return nomem(L);
            int ok = read_json_node(L, addl, kid, 0, 0, depth + 1, closed);
            gs_free(kid);
            if (!ok)
                return 0;
        } else {
            return fail(L, "must be false or a schema");
        }
        leave(L, m);
    }
    return 1;
}

/* One JSON Schema node at path; required: the parent requires it (or, for
 * an array's items, requires the array). */
static int read_json_node(loader *L, yajl_val node, const char *path,
                          int required, int flat, unsigned depth,
                          int *closed)
{
    static const char *const tree_keys[] = {
        "type", "format", "x-gapscan-types", "minimum", "maximum", "enum",
        "maxLength", "x-gapscan-unique", "x-gapscan-format", "x-gapscan",
        "properties", "required", "items", "additionalProperties", NULL};
    static const char *const flat_keys[] = {
        "type", "format", "x-gapscan-types", "minimum", "maximum", "enum",
        "maxLength", "x-gapscan-unique", "x-gapscan-format", "x-gapscan",
        NULL};
    if (depth > MAX_DEPTH)
        return fail(L, "nested deeper than %d", MAX_DEPTH);
    if (!object_of(L, node, flat ? flat_keys : tree_keys))
        return 0;
    evid ev[GS_ASSUME__COUNT];
    if (!read_evidence(L, node, ev))
        return 0;
    unsigned jt = 0;
    int null = 1;
    char container = 0;
    yajl_val type = member(node, "type");
    if (type && !read_json_type(L, type, &jt, &null, &container))
        return 0;
    int children = member(node, "properties") || member(node, "items") ||
                   (member(node, "additionalProperties") &&
                    YAJL_IS_OBJECT(member(node, "additionalProperties")));
    if (container && !add(L, GS_ASSUME_NESTED, path, ev))
        return 0;
    if (container)
        L->s->items[L->s->n - 1].nested = container;
    yajl_val fmt = member(node, "format");
    int date = 0;
    if (fmt) {
        size_t m = enter(L, "format", 0);
        if (!YAJL_IS_STRING(fmt) || strcmp(sval(fmt), "date") ||
            jt != JT_STRING)
            return fail(L, "gapscan supports only \"date\", on a string");
        date = 1;
        leave(L, m);
    }
    int is_field = !children || jt;
    if (is_field) {
        gs_assumption *fa = NULL;
        for (size_t i = 0; i < L->s->n; i++)
            if (L->s->items[i].kind == GS_ASSUME_FIELDS &&
                strcmp(L->s->items[i].collection, L->coll) == 0)
                fa = &L->s->items[i];
        if (fa && gs__assumption_add_value(fa, path, strlen(path)) != GS_OK)
            return nomem(L);
        if (required && !add(L, GS_ASSUME_PRESENT, path, ev))
            return 0;
    }
    yajl_val xt = member(node, "x-gapscan-types");
    if (jt) {
        gs_assumption *a = add(L, GS_ASSUME_TYPE, path, ev);
        if (!a)
            return 0;
        a->types = gapscan_types(jt, date);
        if (xt) {
            if (!read_types_list(L, xt, &a->types))
                return 0;
            if (json_types(a->types) != jt) {
                enter(L, "x-gapscan-types", 0);
                return fail(L, "does not agree with \"type\"");
            }
        }
        if (!null && !add(L, GS_ASSUME_NOT_NULL, path, ev))
            return 0;
    } else if (xt) {
        enter(L, "x-gapscan-types", 0);
        return fail(L, "needs a \"type\" to refine");
    }
    if (!read_value_keywords(L, node, path, ev, "maxLength") ||
        !read_marks(L, node, path, ev) || !evidence_used(L, ev))
        return 0;
    if (!flat && !read_children(L, node, path, required, depth, closed))
        return 0;
    return 1;
}

static int read_json_schema(loader *L, yajl_val root, int flat)
{
    static const char *const keys[] = {
        "$schema", "title", "type", "properties", "required",
        "additionalProperties", "x-gapscan", NULL};
    size_t m = enter(L, "schema", 0);
    if (!object_of(L, root, keys))
        return 0;
    yajl_val sch = member(root, "$schema"), type = member(root, "type");
    if (!sch || !YAJL_IS_STRING(sch) ||
        strcmp(sval(sch), SCHEMA_2020) != 0)
        return fail(L, "\"$schema\" must be \"" SCHEMA_2020 "\"");
    if (!type || !YAJL_IS_STRING(type) ||
        strcmp(sval(type), "object") != 0)
        return fail(L, "\"type\" must be \"object\": records are objects");
    yajl_val title = member(root, "title");
    if (title && !YAJL_IS_STRING(title))
        return fail(L, "\"title\" must be a string");
    evid ev[GS_ASSUME__COUNT];
    if (!read_evidence(L, root, ev))
        return 0;
    yajl_val addl = member(root, "additionalProperties");
    int closed = addl && YAJL_IS_FALSE(addl);
    if (closed && !add(L, GS_ASSUME_FIELDS, NULL, ev))
        return 0;
    if (!evidence_used(L, ev))
        return 0;
    if (flat) {
        yajl_val props = member(root, "properties");
        yajl_val req = member(root, "required");
        if ((props && !YAJL_IS_OBJECT(props)) ||
            (req && !YAJL_IS_ARRAY(req)) ||
            (addl && !YAJL_IS_FALSE(addl)))
            return fail(L, "a flat schema has properties (an object), "
                        "required (an array) and additionalProperties "
                        "(false)");
        for (size_t i = 0; props && i < props->u.object.len; i++) {
            const char *k = props->u.object.keys[i];
            int is_req = 0;
            for (size_t j = 0; req && j < req->u.array.len; j++)
                is_req |= YAJL_IS_STRING(req->u.array.values[j]) &&
                          strcmp(sval(req->u.array.values[j]),
                                 k) == 0;
            size_t m1 = enter(L, "properties", 0), m2 = enter(L, k, 0);
            if (!read_json_node(L, props->u.object.values[i], k, is_req, 1,
                                1, &closed))
                return 0;
            leave(L, m2);
            leave(L, m1);
        }
    } else if (!read_children(L, root, "", 0, 0, &closed)) {
        return 0;
    }
    leave(L, m);
    return 1;
}

static int read_table_field(loader *L, yajl_val f)
{
    static const char *const keys[] = {
        "name", "type", "format", "x-gapscan-types", "x-gapscan-required",
        "constraints", "x-gapscan-format", "x-gapscan", NULL};
    static const char *const ckeys[] = {"required", "unique", "minimum",
                                        "maximum", "maxLength", "enum", NULL};
    static const char *const types[] = {"integer", "number", "boolean",
                                        "date", "string", "any", NULL};
    if (!object_of(L, f, keys))
        return 0;
    yajl_val name = member(f, "name"), type = member(f, "type");
    if (!name || !YAJL_IS_STRING(name) || !*sval(name))
        return fail(L, "\"name\" must be a non-empty string");
    const char *path = sval(name);
    size_t k = 0;
    while (types[k] && !(type && YAJL_IS_STRING(type) &&
                         strcmp(sval(type), types[k]) == 0))
        k++;
    if (!types[k])
        return fail(L, "\"type\" must be one of integer, number, boolean, "
                    "date, string, any");
    yajl_val fmt = member(f, "format");
    if (fmt && (k != 3 || !YAJL_IS_STRING(fmt) ||
                strcmp(sval(fmt), "any") != 0))
        return fail(L, "gapscan supports only \"format\": \"any\", on a "
                    "date");
    evid ev[GS_ASSUME__COUNT];
    if (!read_evidence(L, f, ev))
        return 0;
    for (size_t i = 0; i < L->s->n; i++)
        if (L->s->items[i].kind == GS_ASSUME_FIELDS &&
            strcmp(L->s->items[i].collection, L->coll) == 0 &&
            gs__assumption_add_value(&L->s->items[i], path, strlen(path)) !=
                GS_OK)
            return nomem(L);
    if (get_true(L, f, "x-gapscan-required") &&
        !add(L, GS_ASSUME_PRESENT, path, ev))
        return 0;
    static const unsigned mapped[] = {
        1u << GS_VT_INTEGER, 1u << GS_VT_INTEGER | 1u << GS_VT_DECIMAL,
        1u << GS_VT_BOOL, 1u << GS_VT_DATE, 1u << GS_VT_STRING, 0};
    yajl_val xt = member(f, "x-gapscan-types");
    if (xt && k != 5)
        return fail(L, "\"x-gapscan-types\" refines \"type\": \"any\" only");
    if (mapped[k] || xt) {
        gs_assumption *a = add(L, GS_ASSUME_TYPE, path, ev);
        if (!a)
            return 0;
        a->types = mapped[k];
        if (xt && !read_types_list(L, xt, &a->types))
            return 0;
    }
    yajl_val c = member(f, "constraints");
    if (c) {
        size_t m = enter(L, "constraints", 0);
        if (!object_of(L, c, ckeys))
            return 0;
        if (get_true(L, c, "required") &&
            !add(L, GS_ASSUME_NOT_NULL, path, ev))
            return 0;
        if (get_true(L, c, "unique") && !add(L, GS_ASSUME_UNIQUE, path, ev))
            return 0;
        if (L->st != GS_OK || !read_value_keywords(L, c, path, ev,
                                                   "maxLength"))
            return 0;
        leave(L, m);
    }
    yajl_val xf = member(f, "x-gapscan-format");
    if (xf) {
        gs_assumption *a = add(L, GS_ASSUME_FORMAT, path, ev);
        if (!a || !read_format(L, xf, a))
            return 0;
    }
    return L->st == GS_OK && evidence_used(L, ev);
}

static int read_table_schema(loader *L, yajl_val root)
{
    static const char *const keys[] = {"fields", "x-gapscan-closed",
                                       "x-gapscan", NULL};
    size_t m = enter(L, "schema", 0);
    if (!object_of(L, root, keys))
        return 0;
    evid ev[GS_ASSUME__COUNT];
    if (!read_evidence(L, root, ev))
        return 0;
    if (get_true(L, root, "x-gapscan-closed") &&
        !add(L, GS_ASSUME_FIELDS, NULL, ev))
        return 0;
    if (L->st != GS_OK || !evidence_used(L, ev))
        return 0;
    yajl_val fields = member(root, "fields");
    size_t m1 = enter(L, "fields", 0);
    if (!fields || !YAJL_IS_ARRAY(fields))
        return fail(L, "must be an array of fields");
    for (size_t i = 0; i < fields->u.array.len; i++) {
        size_t m2 = enter(L, NULL, i);
        if (!read_table_field(L, fields->u.array.values[i]))
            return 0;
        leave(L, m2);
    }
    leave(L, m1);
    leave(L, m);
    return 1;
}

static int read_collection(loader *L, const char *name, yajl_val c)
{
    static const char *const keys[] = {"layout", "x-gapscan", "schema", NULL};
    if (!object_of(L, c, keys))
        return 0;
    yajl_val layout = member(c, "layout"), schema = member(c, "schema");
    int k = 0;
    while (k < 3 && !(layout && YAJL_IS_STRING(layout) &&
                      strcmp(sval(layout), layout_names[k]) == 0))
        k++;
    if (k == 3)
        return fail(L, "\"layout\" must be \"table\", \"tree\" or \"flat\"");
    if (!schema)
        return fail(L, "\"schema\" is missing");
    L->coll = name;
    L->layout = (gs_assume_layout)k;
    evid ev[GS_ASSUME__COUNT];
    if (!read_evidence(L, c, ev) || !add(L, GS_ASSUME_COLLECTION, NULL, ev) ||
        !evidence_used(L, ev))
        return 0;
    return k == GS_LAYOUT_TABLE ? read_table_schema(L, schema)
                                : read_json_schema(L, schema,
                                                   k == GS_LAYOUT_FLAT);
}

gs_status gs_assumptions_parse(const char *text, size_t len,
                               const char *name, gs_assumptions **out,
                               gs_error *err)
{
    *out = NULL;
    char *copy = gs_strndup(text, len), errbuf[256] = "";
    if (!copy)
        return GS_ENOMEM;
    yajl_val root = yajl_tree_parse(copy, errbuf, sizeof errbuf);
    gs_free(copy);
    if (!root) {
        errbuf[strcspn(errbuf, "\n")] = '\0';
        return gs_error_set(err, GS_EINVAL, "%s: not JSON: %s", name,
                            errbuf);
    }
    loader L = {.name = name, .err = err, .st = GS_OK, .jp = "$"};
    L.s = gs__assumptions_new(name, 0);  /* examples: sized by the check */
    if (!L.s) {
        yajl_tree_free(root);
        return GS_ENOMEM;
    }
    static const char *const keys[] = {"format", "version", "collections",
                                       NULL};
    yajl_val fmt, ver, colls;
    if (object_of(&L, root, keys)) {
        fmt = member(root, "format");
        ver = member(root, "version");
        colls = member(root, "collections");
        if (!fmt || !YAJL_IS_STRING(fmt) ||
            strcmp(sval(fmt), GS_ASSUMPTIONS_FORMAT) != 0)
            fail(&L, "\"format\" must be \"" GS_ASSUMPTIONS_FORMAT "\"");
        else if (!ver || !YAJL_IS_INTEGER(ver) ||
                 YAJL_GET_INTEGER(ver) != GS_ASSUMPTIONS_VERSION)
            fail(&L, "\"version\" must be %d", GS_ASSUMPTIONS_VERSION);
        else if (!colls) {
            fail(&L, "\"collections\" is missing");
        } else {
            size_t m = enter(&L, "collections", 0);
            if (object_of(&L, colls, NULL))
                for (size_t i = 0; i < colls->u.object.len && L.st == GS_OK;
                     i++) {
                    size_t m2 = enter(&L, colls->u.object.keys[i], 0);
                    read_collection(&L, colls->u.object.keys[i],
                                    colls->u.object.values[i]);
                    leave(&L, m2);
                }
            leave(&L, m);
        }
    }
    yajl_tree_free(root);
    if (L.st != GS_OK) {
        gs_assumptions_free(L.s);
        return L.st;
    }
    gs__assumptions_sort(L.s);
    *out = L.s;
    return GS_OK;
}

gs_status gs_assumptions_load(const char *path, gs_assumptions **out,
                              gs_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_error_errno(err, errno == ENOENT ? GS_ENOENT : GS_EIO,
                              errno, path);
    gs_buf b = {0};
    gs_status st = GS_OK;
    char chunk[65536];
    size_t n;
    while (st == GS_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > MAX_FILE_BYTES)
            st = gs_error_set(err, GS_EINVAL, "%s: larger than 16 MiB", path);
        else
            st = gs_buf_append(&b, chunk, n);
    }
    if (st == GS_OK && ferror(f))
        st = gs_error_errno(err, GS_EIO, errno, path);
    fclose(f);
    if (st == GS_OK)
        st = gs_assumptions_parse(b.p ? b.p : "", b.len, path, out, err);
    gs_free(b.p);
    return st;
}

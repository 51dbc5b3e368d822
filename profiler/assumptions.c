/* assumptions.c - infer the sandbox's assumptions and hold production to
 * them (assumptions.h). The schema files are assumptions_io.c.
 *
 * Inference reads one sandbox field's statistics at a time and states what
 * they support; the rules, in the order they are tried:
 *   present     presence share >= opts.required_presence;
 *   type        the non-null types seen (decimal admits integers);
 *   not_null    no null or empty value;
 *   unique      a field named like an identifier (keys: "id", "sku",
 *               "order_no", "customerId", ...) whose values are integers or
 *               strings that never repeat: exactly (keys.h) when the field's
 *               key set is exact, else HyperLogLog distinct >= 99%;
 *   range       every non-null value is a number, and the field is not a
 *               key (ids grow: a new maximum is not a broken assumption);
 *   enum        the top-values sketch holds the whole domain, at most
 *               opts.enum_max_distinct values, each seen twice on average;
 *   max_length  string values, no enum (a domain already bounds them);
 *   format      the format flags (value.h) the field never showed;
 *   nested      every container prefix of a JSON path ("price" of
 *               "price.amount", "tags" of "tags[]") at which the sandbox
 *               has no value of its own.
 * Per collection: it exists (files) and its field set is closed.
 *
 * Checking reads production statistics only. Counts are exact where the
 * profile is (types, nulls, presence, exact key sets, a KLL sketch that
 * never compacted); otherwise they are the sketches' lower bounds and the
 * assumption says so (violations_estimated).
 *
 * Invariants: see assumptions.h. */
#include "assumptions-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare-private.h"
#include "profile-private.h"
#include "gapscan/keys.h"

static const char *const kind_names[GS_ASSUME__COUNT] = {
    "collection", "fields", "present", "type", "not_null", "range", "enum",
    "unique", "max_length", "format", "nested",
};

const char *gs_assume_kind_name(gs_assume_kind k)
{
    return (unsigned)k < GS_ASSUME__COUNT ? kind_names[k] : "?";
}

const char *gs_assume_format_name(unsigned flag)
{
    switch (flag) {
    case GS_FMT_UNPADDED:
        return "unpadded";
    case GS_FMT_DECIMAL_POINT:
        return "decimal-point";
    case GS_FMT_UNGROUPED:
        return "ungrouped";
    case GS_FMT_UNAMBIGUOUS_DATE:
        return "unambiguous-date";
    default:
        return NULL;
    }
}

/* ---- the set ------------------------------------------------------------ */

static void assumption_clear(gs_assumption *a)
{
    gs_free(a->collection);
    gs_free(a->path);
    for (size_t i = 0; i < a->n_values; i++)
        gs_free(a->values[i]);
    gs_free(a->values);
    for (size_t i = 0; i < a->n_examples; i++)
        gs__example_clear(&a->examples[i]);
    gs_free(a->examples);
    memset(a, 0, sizeof *a);
}

void gs_assumptions_free(gs_assumptions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        assumption_clear(&s->items[i]);
    gs_free(s->items);
    gs_free(s->source);
    gs_free(s);
}

gs_assumptions *gs__assumptions_new(const char *source, size_t max_examples)
{
    gs_assumptions *s = gs_calloc(1, sizeof *s);
    if (!s || !(s->source = gs_strdup(source))) {
        gs_free(s);
        return NULL;
    }
    s->max_examples = max_examples;
    return s;
}

gs_assumption *gs__assumptions_push(gs_assumptions *s, gs_assume_kind kind,
                                    const char *collection, const char *path)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        gs_assumption *it = gs_realloc(s->items, cap * sizeof *it);
        if (!it)
            return NULL;
        s->items = it;
        s->cap = cap;
    }
    gs_assumption *a = &s->items[s->n];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->method = "declared";
    a->declared = 1;
    a->collection = gs_strdup(collection);
    a->path = path ? gs_strdup(path) : NULL;
    if (!a->collection || (path && !a->path)) {
        assumption_clear(a);
        return NULL;
    }
    s->n++;
    return a;
}

gs_status gs__assumption_add_value(gs_assumption *a, const char *v,
                                   size_t len)
{
    if (a->n_values >= GS_ASSUME_MAX_VALUES && a->kind == GS_ASSUME_ENUM)
        return GS_ELIMIT;
    char **vs = gs_realloc(a->values, (a->n_values + 1) * sizeof *vs);
    if (!vs)
        return GS_ENOMEM;
    a->values = vs;
    if (!(vs[a->n_values] = gs_strndup(v, len)))
        return GS_ENOMEM;
    a->n_values++;
    return GS_OK;
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int assumption_cmp(const void *x, const void *y)
{
    const gs_assumption *a = x, *b = y;
    int d = strcmp(a->collection, b->collection);
    if (d)
        return d;
    if (!a->path != !b->path)
        return a->path ? 1 : -1;
    if (a->path && (d = strcmp(a->path, b->path)))
        return d;
    return (a->kind > b->kind) - (a->kind < b->kind);
}

void gs__assumptions_sort(gs_assumptions *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].n_values > 1)
            qsort(s->items[i].values, s->items[i].n_values,
                  sizeof *s->items[i].values, str_cmp);
    if (s->n > 1)
        qsort(s->items, s->n, sizeof *s->items, assumption_cmp);
}

gs_assumptions *gs_assumptions_clone(const gs_assumptions *s)
{
    gs_assumptions *d = gs__assumptions_new(s->source, s->max_examples);
    for (size_t i = 0; d && i < s->n; i++) {
        const gs_assumption *a = &s->items[i];
        gs_assumption *b = gs__assumptions_push(d, a->kind, a->collection,
                                                a->path);
        if (!b)
            goto fail;
        char *coll = b->collection, *path = b->path;
        *b = *a;
        b->collection = coll;
        b->path = path;
        b->values = NULL;
        b->n_values = 0;
        b->examples = NULL;
        b->n_examples = 0;
        b->checked = 0;
        b->checked_n = b->violations = 0;
        b->violations_estimated = b->new_in_production = 0;
        for (size_t k = 0; k < a->n_values; k++)
            if (gs__assumption_add_value(b, a->values[k],
                                         strlen(a->values[k])) != GS_OK)
                goto fail;
    }
    return d;
fail:
    gs_assumptions_free(d);
    return NULL;
}

const char *gs_assumptions_source(const gs_assumptions *s)
{
    return s->source;
}

size_t gs_assumptions_count(const gs_assumptions *s)
{
    return s->n;
}

const gs_assumption *gs_assumptions_at(const gs_assumptions *s, size_t i)
{
    return i < s->n ? &s->items[i] : NULL;
}

const gs_assumption *gs_assumptions_find(const gs_assumptions *s,
                                         const char *collection,
                                         const char *path,
                                         gs_assume_kind kind)
{
    for (size_t i = 0; i < s->n; i++) {
        const gs_assumption *a = &s->items[i];
        if (a->kind == kind && strcmp(a->collection, collection) == 0 &&
            (path ? a->path && strcmp(a->path, path) == 0 : !a->path))
            return a;
    }
    return NULL;
}

/* ---- evidence ----------------------------------------------------------- */

/* The 95% upper bound on a rate seen k times in n trials: the rule of
 * three when k == 0, else Wilson's score interval. */
static double upper95(uint64_t k, uint64_t n, const char **method)
{
    if (n == 0) {
        *method = "rule-of-three";
        return 1.0;
    }
    if (k == 0) {
        *method = "rule-of-three";
        return fmin(1.0, 3.0 / (double)n);
    }
    *method = "wilson-95";
    double z = 1.959964, p = (double)k / (double)n, nn = (double)n;
    double c = p + z * z / (2 * nn);
    double r = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn));
    return fmin(1.0, (c + r) / (1 + z * z / nn));
}

void gs__assumption_grade(gs_assumption *a, uint64_t min_support,
                          uint64_t min_values)
{
    double limit = min_values ? 3.0 / (double)min_values : 0.1;
    a->weak = a->support < min_support || a->unseen > limit;
}

/* ---- inference ---------------------------------------------------------- */

static uint64_t non_null(const gs_field_stats *s)
{
    return s->count - s->types[GS_VT_NULL];
}

/* The layout of a collection from its fields: any "doc." or "/" path is
 * flat; values the format typed (JSON kinds) make a tree; else a table. */
static gs_assume_layout layout_of(const gs_profile *p, const char *coll)
{
    int typed = 0;
    for (size_t i = 0; i < gs_profile_field_count(p); i++) {
        gs_field_stats s;
        gs_field_stats_get(gs_profile_field_at(p, i), &s);
        if (strcmp(s.collection, coll) != 0)
            continue;
        if (s.path[0] == '/' || strncmp(s.path, "doc.", 4) == 0)
            return GS_LAYOUT_FLAT;
        typed |= s.kinds[GS_VK_TEXT] < s.count;
    }
    return typed ? GS_LAYOUT_TREE : GS_LAYOUT_TABLE;
}

typedef struct infer_ctx {
    gs_assumptions *s;
    const gs_compare_opts *o;
    const gs_profile *p;
    gs_assume_layout layout;
    gs_status st;
} infer_ctx;

static gs_assumption *push(infer_ctx *x, gs_assume_kind kind,
                           const char *coll, const char *path,
                           uint64_t support)
{
    if (x->st != GS_OK)
        return NULL;
    gs_assumption *a = gs__assumptions_push(x->s, kind, coll, path);
    if (!a) {
        x->st = GS_ENOMEM;
        return NULL;
    }
    a->layout = x->layout;
    a->declared = 0;
    a->support = support;
    a->unseen = upper95(0, support, &a->method);
    return a;
}

static void grade(infer_ctx *x, gs_assumption *a, uint64_t min_support)
{
    if (a)
        gs__assumption_grade(a, min_support, x->o->min_values);
}

static int sandbox_unique(const gs_field *f, const gs_field_stats *s)
{
    uint64_t nn = non_null(s);
    if (nn < 2 || s->types[GS_VT_INTEGER] + s->types[GS_VT_STRING] != nn ||
        !gs_keys_name_like(s->path))
        return 0;
    const gs_keyset *k = gs_field_keys(f);
    if (gs_keyset_exact(k) && gs_keyset_values(k) == nn)
        return gs_keyset_duplicates(k) == 0;
    return s->distinct >= 0.99 * (double)nn;
}

static void infer_enum(infer_ctx *x, const gs_field_stats *s)
{
    const gs_compare_opts *o = x->o;
    uint64_t nn = non_null(s);
    size_t cap = gs_topk_capacity(s->top);
    gs_topk_item *it = gs_calloc(cap ? cap : 1, sizeof *it);
    if (!it) {
        x->st = GS_ENOMEM;
        return;
    }
    size_t n = gs_topk_items(s->top, it, cap);
    uint64_t singletons = 0;
    int whole = n > 0 && n < cap && n <= o->enum_max_distinct &&
                nn >= 2 * (uint64_t)n;
    for (size_t i = 0; whole && i < n; i++) {
        whole = !it[i].truncated && it[i].error == 0;
        singletons += it[i].count == 1;
    }
    gs_assumption *a = whole ? push(x, GS_ASSUME_ENUM, s->collection, s->path,
                                    nn) : NULL;
    for (size_t i = 0; a && i < n; i++)
        if (gs__assumption_add_value(a, it[i].value, it[i].len) != GS_OK)
            x->st = GS_ENOMEM;
    if (a) {
        a->unseen = (double)singletons / (double)nn;
        a->method = "good-turing";
        grade(x, a, o->enum_min_values);
    }
    gs_free(it);
}

static void infer_field(infer_ctx *x, const gs_field *f)
{
    const gs_compare_opts *o = x->o;
    gs_field_stats s;
    gs_field_stats_get(f, &s);
    uint64_t recs = gs_profile_collection_records(x->p, s.collection);
    uint64_t nn = non_null(&s);
    gs_assumption *a;
    if (recs && (double)s.present / (double)recs >= o->required_presence &&
        (a = push(x, GS_ASSUME_PRESENT, s.collection, s.path, recs))) {
        a->presence = (double)s.present / (double)recs;
        a->unseen = upper95(recs - (s.present < recs ? s.present : recs),
                            recs, &a->method);
        grade(x, a, o->min_values);
    }
    if (nn > 0 && (a = push(x, GS_ASSUME_TYPE, s.collection, s.path, nn))) {
        for (int t = GS_VT_BOOL; t < GS_VT__COUNT; t++)
            if (s.types[t])
                a->types |= 1u << t;
        if (a->types & 1u << GS_VT_DECIMAL)  /* decimals admit integers */
            a->types |= 1u << GS_VT_INTEGER;
        grade(x, a, o->min_values);
    }
    if (s.count > 0 && s.types[GS_VT_NULL] == 0)
        grade(x, push(x, GS_ASSUME_NOT_NULL, s.collection, s.path, s.count),
              o->min_values);
    int key = sandbox_unique(f, &s);
    if (key)
        grade(x, push(x, GS_ASSUME_UNIQUE, s.collection, s.path, nn),
              o->min_values);
    if (!key && s.numbers > 0 && s.numbers == nn &&
        (a = push(x, GS_ASSUME_RANGE, s.collection, s.path, nn))) {
        a->min = s.num_min;
        a->max = s.num_max;
        a->unseen = 2.0 / (double)(nn + 1);
        a->method = "exchangeable-extremes";
        grade(x, a, o->min_values);
    }
    size_t before = x->s->n;
    if (nn > 0)
        infer_enum(x, &s);
    int is_enum = x->s->n > before;
    if (!is_enum && s.types[GS_VT_STRING] > 0 &&
        (a = push(x, GS_ASSUME_MAX_LENGTH, s.collection, s.path, s.count))) {
        a->max_len = s.len_max;
        a->unseen = 1.0 / (double)(s.count + 1);
        a->method = "exchangeable-extremes";
        grade(x, a, o->min_values);
    }
    /* The hook for concrete formats: today the flags the field never
     * showed; a profile with per-value shapes will name the shape here. */
    unsigned fmt = 0;
    if (nn > 0 && s.padded == 0)
        fmt |= GS_FMT_UNPADDED;
    if (s.numbers > 0 && s.decimal_comma == 0)
        fmt |= GS_FMT_DECIMAL_POINT;
    if (s.numbers > 0 && s.grouped == 0)
        fmt |= GS_FMT_UNGROUPED;
    if (s.types[GS_VT_DATE] > 0 && s.date_ambiguous == 0)
        fmt |= GS_FMT_UNAMBIGUOUS_DATE;
    if (fmt && (a = push(x, GS_ASSUME_FORMAT, s.collection, s.path, nn))) {
        a->format = fmt;
        grade(x, a, o->min_values);
    }
}

/* Container prefixes of a tree path: at each '.' the text before is an
 * object, at each "[]" an array; "{*}" is a map (an object). */
static void infer_nesting(infer_ctx *x, const gs_field_stats *s)
{
    const char *p = s->path;
    size_t len = strlen(p);
    for (size_t i = 0; i < len && x->st == GS_OK; i++) {
        char kind = p[i] == '.' ? 'o' : p[i] == '[' && p[i + 1] == ']' ? 'a'
                                                                       : 0;
        if (!kind || i == 0)
            continue;
        char prefix[1024];
        if (i >= sizeof prefix)
            return;
        memcpy(prefix, p, i);
        prefix[i] = '\0';
        const gs_field *own = gs_profile_field_find(x->p, s->collection,
                                                    prefix);
        gs_field_stats os;
        if (own) {
            gs_field_stats_get(own, &os);
            if (os.count > 0)
                continue;
        }
        gs_assumption *a = (gs_assumption *)gs_assumptions_find(
            x->s, s->collection, prefix, GS_ASSUME_NESTED);
        if (a) {
            if (s->present > a->support) {
                a->support = s->present;
                a->unseen = upper95(0, a->support, &a->method);
                grade(x, a, x->o->min_values);
            }
            continue;
        }
        if ((a = push(x, GS_ASSUME_NESTED, s->collection, prefix,
                      s->present))) {
            a->nested = kind;
            grade(x, a, x->o->min_values);
        }
    }
}

static void infer_collection(infer_ctx *x, const char *coll, uint64_t files)
{
    x->layout = layout_of(x->p, coll);
    gs_assumption *c = push(x, GS_ASSUME_COLLECTION, coll, NULL, files);
    if (c) {
        c->unseen = 0;
        c->method = "observed";
    }
    uint64_t recs = gs_profile_collection_records(x->p, coll);
    grade(x, push(x, GS_ASSUME_FIELDS, coll, NULL, recs), x->o->min_values);
    size_t fs = x->s->n - 1;  /* an index: pushes move the items */
    for (size_t i = 0; i < gs_profile_field_count(x->p) && x->st == GS_OK;
         i++) {
        const gs_field *f = gs_profile_field_at(x->p, i);
        gs_field_stats s;
        gs_field_stats_get(f, &s);
        if (strcmp(s.collection, coll) != 0)
            continue;
        if (x->st == GS_OK &&
            gs__assumption_add_value(&x->s->items[fs], s.path,
                                     strlen(s.path)) != GS_OK)
            x->st = GS_ENOMEM;
        infer_field(x, f);
        if (x->layout == GS_LAYOUT_TREE)
            infer_nesting(x, &s);
    }
}

gs_status gs_assumptions_infer(const gs_profile *sandbox,
                               const gs_compare_opts *opts,
                               gs_assumptions **out)
{
    gs_compare_opts def;
    if (!opts) {
        gs_compare_opts_default(&def);
        opts = &def;
    }
    *out = NULL;
    infer_ctx x = {
        .s = gs__assumptions_new("inferred",
                                 gs_profile_limits(sandbox)->max_examples),
        .o = opts, .p = sandbox, .st = GS_OK,
    };
    if (!x.s)
        return GS_ENOMEM;
    const gs_count_item *rows;
    size_t n = gs_profile_distribution(sandbox, "collection_files", &rows);
    /* rows are borrowed scratch that the field accessors do not touch */
    for (size_t i = 0; i < n && x.st == GS_OK; i++)
        if (rows[i].count > 0)
            infer_collection(&x, rows[i].key, rows[i].count);
    if (x.st != GS_OK) {
        gs_assumptions_free(x.s);
        return x.st;
    }
    gs__assumptions_sort(x.s);
    *out = x.s;
    return GS_OK;
}

/* ---- checking ----------------------------------------------------------- */

typedef struct check_ctx {
    gs_comparison *c;
    const gs_compare_opts *o;
    const gs_profile *sb, *pr;
    gs_assumptions *s;
    gs_assumption *a;
    char scope[600];
    char basis[96];      /* "in 300 sandbox values" or "in the schema file" */
} check_ctx;

static double share(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

static uint64_t coll_files(const gs_profile *p, const char *coll)
{
    const gs_count_item *rows;
    size_t n = gs_profile_distribution(p, "collection_files", &rows);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, coll) == 0)
            return rows[i].count;
    return 0;
}

static gs_finding *finding(check_ctx *x, const char *check, const char *unit,
                           double sb, double pr, const char *msg)
{
    gs_finding *f = gs__compare_add(x->c, check, "schema", x->scope, unit, sb,
                                    pr, "%s", msg);
    if (f)
        f->weak = x->a->weak;
    return f;
}

/* Keep ex on the assumption and as the finding's evidence. */
static void example(check_ctx *x, gs_finding *f, const gs_example *ex)
{
    gs_assumption *a = x->a;
    if (!ex || !ex->path)
        return;
    gs__compare_evidence(x->c, f, ex);
    if (a->n_examples >= x->s->max_examples)
        return;
    if (!a->examples &&
        !(a->examples = gs_calloc(x->s->max_examples, sizeof *a->examples))) {
        gs__compare_fail(x->c, GS_ENOMEM);
        return;
    }
    if (gs__example_set(&a->examples[a->n_examples], ex->path, &ex->loc,
                        ex->value, ex->value ? strlen(ex->value) : 0,
                        ex->detail, SIZE_MAX) != GS_OK)
        gs__compare_fail(x->c, GS_ENOMEM);
    else
        a->n_examples++;
}

static void example_value(check_ctx *x, gs_finding *f, const char *v,
                          size_t len, uint64_t count)
{
    char *value = gs_strndup(v, len), detail[64];
    if (!value) {
        gs__compare_fail(x->c, GS_ENOMEM);
        return;
    }
    snprintf(detail, sizeof detail, "seen %llu time%s",
             (unsigned long long)count, count == 1 ? "" : "s");
    gs_example ex = {.path = "", .value = value, .detail = detail};
    example(x, f, &ex);
    gs_free(value);
}

static void check_collection(check_ctx *x)
{
    gs_assumption *a = x->a;
    uint64_t files = coll_files(x->pr, a->collection);
    a->checked = 1;
    a->checked_n = files;
    if (files > 0)
        return;
    a->violations = 1;
    a->new_in_production = 1;
    char msg[400];
    if (a->declared)
        snprintf(msg, sizeof msg, "the assumptions name \"%s\"; production "
                 "has no file of it", a->collection);
    else
        snprintf(msg, sizeof msg, "the sandbox has %llu file%s of \"%s\"; "
                 "production has none", (unsigned long long)a->support,
                 a->support == 1 ? "" : "s", a->collection);
    finding(x, "schema.collection_missing", "files", (double)a->support, 0,
            msg);
}

static int listed(const gs_assumption *a, const char *path)
{
    return bsearch(&path, a->values, a->n_values, sizeof *a->values,
                   str_cmp) != NULL;
}

static void check_fields(check_ctx *x)
{
    gs_assumption *a = x->a;
    for (size_t i = 0; i < gs_profile_field_count(x->pr); i++) {
        gs_field_stats p;
        gs_field_stats_get(gs_profile_field_at(x->pr, i), &p);
        if (strcmp(p.collection, a->collection) != 0)
            continue;
        a->checked = 1;
        a->checked_n++;
        if (listed(a, p.path) ||
            gs_assumptions_find(x->s, p.collection, p.path, GS_ASSUME_NESTED))
            continue;
        a->violations++;
        a->new_in_production = 1;
        snprintf(x->scope, sizeof x->scope, "field %s:%s", p.collection,
                 p.path);
        char msg[200];
        snprintf(msg, sizeof msg, "not in the %s; %llu production values",
                 a->declared ? "assumptions" : "sandbox",
                 (unsigned long long)p.count);
        gs_finding *f = finding(x, "schema.new_field", "values", 0,
                                (double)p.count, msg);
        for (int t = 0; t < GS_VT__COUNT && f && f->n_evidence == 0; t++)
            example(x, f, &p.type_examples[t]);
    }
}

static void check_present(check_ctx *x, const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    uint64_t recs = gs_profile_collection_records(x->pr, a->collection);
    if (recs == 0)
        return;
    a->checked = 1;
    a->checked_n = recs;
    uint64_t present = p ? (p->present < recs ? p->present : recs) : 0;
    a->violations = recs - present;
    a->new_in_production = a->violations > 0 && a->presence >= 1.0;
    char msg[400];
    if (!p) {
        snprintf(msg, sizeof msg, "present in %.1f%% %s; in none "
                 "of %llu production records", 100 * a->presence, x->basis,
                 (unsigned long long)recs);
        finding(x, "schema.field_missing", "share of records", a->presence, 0,
                msg);
        return;
    }
    double ps = share(present, recs);
    if (ps < a->presence - x->o->presence_drop) {
        snprintf(msg, sizeof msg, "present in %.1f%% %s but "
                 "%.1f%% of production records (%llu lack it)",
                 100 * a->presence, x->basis, 100 * ps,
                 (unsigned long long)a->violations);
        finding(x, "schema.presence_dropped", "share of records", a->presence,
                ps, msg);
    }
}

static void type_list(unsigned types, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int t = GS_VT_BOOL; t < GS_VT__COUNT && o < cap; t++)
        if (types & 1u << t)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " or " : "",
                                  gs_vtype_name((gs_vtype)t));
}

static void check_type(check_ctx *x, const gs_field_stats *s,
                       const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    uint64_t nn = non_null(p);
    unsigned allowed = a->types;
    /* An integer where decimals were expected is a narrower value. */
    if (allowed & 1u << GS_VT_DECIMAL)
        allowed |= 1u << GS_VT_INTEGER;
    a->checked = nn > 0;
    a->checked_n = nn;
    int all_new = 1;
    for (int t = GS_VT_BOOL; t < GS_VT__COUNT; t++) {
        if (!p->types[t] || (allowed & 1u << t))
            continue;
        a->violations += p->types[t];
        all_new &= !s || s->types[t] == 0;
        double ps = share(p->types[t], nn);
        if (ps <= x->o->new_type_share)
            continue;
        char msg[400], want[80];
        type_list(a->types, want, sizeof want);
        if (s && non_null(s)) {
            int dom = GS_VT_BOOL;
            for (int u = GS_VT_BOOL; u < GS_VT__COUNT; u++)
                if (s->types[u] > s->types[dom])
                    dom = u;
            snprintf(msg, sizeof msg, "sandbox values are %s (%.0f%%); %llu "
                     "production values (%.1f%%) are %s",
                     gs_vtype_name((gs_vtype)dom),
                     100 * share(s->types[dom], non_null(s)),
                     (unsigned long long)p->types[t], 100 * ps,
                     gs_vtype_name((gs_vtype)t));
        } else {
            snprintf(msg, sizeof msg, "the assumptions allow %s; %llu "
                     "production values (%.1f%%) are %s", want,
                     (unsigned long long)p->types[t], 100 * ps,
                     gs_vtype_name((gs_vtype)t));
        }
        gs_finding *f = finding(x, "schema.type_changed", "share of values", 0,
                                ps, msg);
        example(x, f, &p->type_examples[t]);
    }
    a->new_in_production = a->violations > 0 && all_new;
}

static void check_not_null(check_ctx *x, const gs_field_stats *s,
                           const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    a->checked = p->count > 0;
    a->checked_n = p->count;
    a->violations = p->types[GS_VT_NULL];
    a->new_in_production = a->violations > 0 &&
                           (!s || s->types[GS_VT_NULL] == 0);
    double ps = share(a->violations, p->count);
    if (a->violations == 0 || ps <= x->o->null_share)
        return;
    char msg[400];
    snprintf(msg, sizeof msg, "never empty or null %s; %llu of %llu "
             "production values (%.1f%%) are", x->basis,
             (unsigned long long)a->violations,
             (unsigned long long)p->count, 100 * ps);
    gs_finding *f = finding(x, "schema.nulls_appeared", "share of values", 0,
                            ps, msg);
    example(x, f, &p->type_examples[GS_VT_NULL]);
}

static void check_range(check_ctx *x, const gs_field_stats *s,
                        const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    a->checked = p->numbers > 0;
    a->checked_n = p->numbers;
    if (!p->numbers || (p->num_min >= a->min && p->num_max <= a->max))
        return;
    /* Values outside [min, max] from the production quantile sketch:
     * exact while it never compacted. */
    double xs[2] = {nextafter(a->min, -INFINITY), a->max}, cdf[2] = {0, 1};
    if (p->num_quantiles &&
        gs_kll_cdf(p->num_quantiles, xs, 2, cdf) != GS_OK)
        gs__compare_fail(x->c, GS_ENOMEM);
    double out = (cdf[0] + (1 - cdf[1])) * (double)p->numbers;
    a->violations = out < 1 ? 1 : (uint64_t)llround(out);
    a->violations_estimated = !p->num_quantiles ||
                              !gs_kll_is_exact(p->num_quantiles);
    a->new_in_production = !s || !s->numbers || p->num_min < s->num_min ||
                           p->num_max > s->num_max;
    char msg[400];
    snprintf(msg, sizeof msg, "values lie in [%g, %g] %s; production reaches "
             "[%g, %g], %s%llu of %llu values outside", a->min, a->max,
             x->basis, p->num_min, p->num_max,
             a->violations_estimated ? "~" : "",
             (unsigned long long)a->violations,
             (unsigned long long)p->numbers);
    finding(x, "schema.range_exceeded", "value", a->max, p->num_max, msg);
}

static int hash_in(const uint64_t *hs, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        if (hs[i] == h)
            return 1;
    return 0;
}

static void check_enum(check_ctx *x, const gs_field_stats *s,
                       const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    size_t pcap = gs_topk_capacity(p->top);
    size_t scap = s ? gs_topk_capacity(s->top) : 0;
    gs_topk_item *pi = gs_calloc(pcap + scap + 1, sizeof *pi);
    uint64_t *dom = gs_calloc(a->n_values + 1, sizeof *dom);
    if (!pi || !dom) {
        gs__compare_fail(x->c, GS_ENOMEM);
        goto out;
    }
    for (size_t i = 0; i < a->n_values; i++)
        dom[i] = gs_hash(a->values[i], strlen(a->values[i]));
    size_t np = gs_topk_items(p->top, pi, pcap);
    gs_topk_item *si = pi + pcap;
    size_t ns = s ? gs_topk_items(s->top, si, scap) : 0;
    a->checked = non_null(p) > 0;
    a->checked_n = non_null(p);
    a->violations_estimated = np >= pcap;
    uint64_t kinds = 0;
    int all_new = 1;
    for (size_t i = 0; i < np; i++) {
        if (hash_in(dom, a->n_values, pi[i].hash))
            continue;
        kinds++;
        a->violations += pi[i].count - pi[i].error;
        a->violations_estimated |= pi[i].error > 0;
        for (size_t k = 0; k < ns; k++)
            all_new &= si[k].hash != pi[i].hash;
    }
    a->new_in_production = kinds > 0 && all_new;
    if (kinds == 0)
        goto out;
    char msg[400];
    snprintf(msg, sizeof msg, "%s used %zu distinct values; production has "
             "at least %llu other values in %llu+ records (%.1f%% of its "
             "non-null values)", a->declared ? "the assumptions allow"
             : "the sandbox", a->n_values, (unsigned long long)kinds,
             (unsigned long long)a->violations,
             100 * share(a->violations, non_null(p)));
    gs_finding *f = finding(x, "schema.enum_new_values", "values",
                            (double)a->n_values, (double)kinds, msg);
    for (size_t i = 0; i < np; i++)
        if (!hash_in(dom, a->n_values, pi[i].hash))
            example_value(x, f, pi[i].value, pi[i].len, pi[i].count);
out:
    gs_free(pi);
    gs_free(dom);
}

static void check_unique(check_ctx *x, const gs_field *pf,
                         const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    const gs_keyset *k = gs_field_keys(pf);
    uint64_t nn = non_null(p);
    a->checked = nn > 0;
    a->checked_n = nn;
    char msg[400];
    gs_finding *f = NULL;
    if (gs_keyset_exact(k)) {
        a->violations = gs_keyset_duplicates(k);
        a->new_in_production = a->violations > 0;
        if (a->violations == 0)
            return;
        snprintf(msg, sizeof msg, "unique %s; %llu of %llu production values "
                 "repeat an earlier one (exact count)", x->basis,
                 (unsigned long long)a->violations,
                 (unsigned long long)gs_keyset_values(k));
        f = finding(x, "schema.unique_violated", "repeated values", 0,
                    (double)a->violations, msg);
        size_t n;
        const gs_example *ex = gs_keyset_examples(k, &n);
        for (size_t i = 0; i < n; i++)
            example(x, f, &ex[i]);
        return;
    }
    /* Past the exact set's bounds: HyperLogLog, whose error (~1.6%) hides
     * a few repeats, so only a clear shortfall counts. */
    a->violations_estimated = 1;
    if (nn < x->o->min_values || p->distinct >= 0.97 * (double)nn)
        return;
    a->violations = (uint64_t)llround((double)nn - p->distinct);
    a->new_in_production = 1;
    snprintf(msg, sizeof msg, "unique %s; production has ~%.0f distinct "
             "among %llu values, so ~%llu repeat (estimated)", x->basis,
             p->distinct, (unsigned long long)nn,
             (unsigned long long)a->violations);
    finding(x, "schema.unique_violated", "repeated values", 0,
            (double)a->violations, msg);
}

static void check_max_length(check_ctx *x, const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    a->checked = p->count > 0;
    a->checked_n = p->count;
    if (p->len_max <= a->max_len)
        return;
    size_t cap = gs_topk_capacity(p->top);
    gs_topk_item *it = gs_calloc(cap ? cap : 1, sizeof *it);
    if (!it) {
        gs__compare_fail(x->c, GS_ENOMEM);
        return;
    }
    size_t n = gs_topk_items(p->top, it, cap);
    for (size_t i = 0; i < n; i++)
        if (it[i].len > a->max_len || it[i].truncated)
            a->violations += it[i].count - it[i].error;
    if (a->violations == 0)
        a->violations = 1;  /* the longest value itself */
    a->violations_estimated = 1;
    a->new_in_production = 1;
    char msg[400];
    snprintf(msg, sizeof msg, "values are at most %llu bytes %s; production "
             "has values of up to %llu bytes (at least %llu value%s longer)",
             (unsigned long long)a->max_len, x->basis,
             (unsigned long long)p->len_max,
             (unsigned long long)a->violations,
             a->violations == 1 ? "" : "s");
    gs_finding *f = finding(x, "schema.length_exceeded", "bytes",
                            (double)a->max_len, (double)p->len_max, msg);
    for (size_t i = 0; i < n; i++)
        if (it[i].len > a->max_len || it[i].truncated)
            example_value(x, f, it[i].value, it[i].len, it[i].count);
    gs_free(it);
}

/* Counted here, reported by compare.c's format.* checks. */
static void check_format(check_ctx *x, const gs_field_stats *s,
                         const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    struct {
        unsigned flag;
        uint64_t sv, pv;
    } f[] = {
        {GS_FMT_UNPADDED, s ? s->padded : 0, p->padded},
        {GS_FMT_DECIMAL_POINT, s ? s->decimal_comma : 0, p->decimal_comma},
        {GS_FMT_UNGROUPED, s ? s->grouped : 0, p->grouped},
        {GS_FMT_UNAMBIGUOUS_DATE, s ? s->date_ambiguous : 0,
         p->date_ambiguous},
    };
    a->checked = non_null(p) > 0;
    a->checked_n = non_null(p);
    int broken = 0, all_new = 1;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
        if (!(a->format & f[i].flag) || f[i].pv == 0)
            continue;
        broken++;
        all_new &= f[i].sv == 0;
        if (f[i].pv > a->violations)
            a->violations = f[i].pv;
    }
    a->violations_estimated = broken > 1;  /* at least the largest */
    a->new_in_production = broken > 0 && all_new;
}

static void check_nested(check_ctx *x, const gs_field_stats *p)
{
    gs_assumption *a = x->a;
    a->checked = 1;
    a->checked_n = p ? p->count : 0;
    if (!p || p->count == 0)
        return;
    a->violations = p->count;
    a->new_in_production = 1;
    char msg[400];
    snprintf(msg, sizeof msg, "%s holds an %s %s; %llu production values "
             "are not (%llu null)", a->path,
             a->nested == 'a' ? "array" : "object", x->basis,
             (unsigned long long)p->count,
             (unsigned long long)p->types[GS_VT_NULL]);
    gs_finding *f = finding(x, "schema.type_changed", "values", 0,
                            (double)p->count, msg);
    for (int t = 0; t < GS_VT__COUNT; t++)
        example(x, f, &p->type_examples[t]);
}

static void check_one(check_ctx *x)
{
    gs_assumption *a = x->a;
    a->checked = 0;
    a->checked_n = a->violations = 0;
    a->violations_estimated = a->new_in_production = 0;
    if (a->declared)
        snprintf(x->basis, sizeof x->basis, "by the assumptions file");
    else
        snprintf(x->basis, sizeof x->basis, "%s %llu sandbox %s",
                 a->kind == GS_ASSUME_PRESENT ? "of" : "in",
                 (unsigned long long)a->support,
                 a->kind == GS_ASSUME_PRESENT ? "records" : "values");
    if (a->path)
        snprintf(x->scope, sizeof x->scope, "field %s:%s", a->collection,
                 a->path);
    else
        snprintf(x->scope, sizeof x->scope, "collection %s", a->collection);
    if (a->kind == GS_ASSUME_COLLECTION) {
        check_collection(x);
        return;
    }
    if (a->kind == GS_ASSUME_FIELDS) {
        check_fields(x);
        return;
    }
    const gs_field *pf = gs_profile_field_find(x->pr, a->collection, a->path);
    const gs_field *sf = gs_profile_field_find(x->sb, a->collection, a->path);
    gs_field_stats p, s;
    if (pf)
        gs_field_stats_get(pf, &p);
    if (sf)
        gs_field_stats_get(sf, &s);
    const gs_field_stats *sp = sf ? &s : NULL;
    switch (a->kind) {
    case GS_ASSUME_PRESENT:
        check_present(x, pf ? &p : NULL);
        return;
    case GS_ASSUME_NESTED:
        check_nested(x, pf ? &p : NULL);
        return;
    default:
        if (!pf)
            return;
        break;
    }
    switch (a->kind) {
    case GS_ASSUME_TYPE:
        check_type(x, sp, &p);
        break;
    case GS_ASSUME_NOT_NULL:
        check_not_null(x, sp, &p);
        break;
    case GS_ASSUME_RANGE:
        check_range(x, sp, &p);
        break;
    case GS_ASSUME_ENUM:
        check_enum(x, sp, &p);
        break;
    case GS_ASSUME_UNIQUE:
        check_unique(x, pf, &p);
        break;
    case GS_ASSUME_MAX_LENGTH:
        check_max_length(x, &p);
        break;
    case GS_ASSUME_FORMAT:
        check_format(x, sp, &p);
        break;
    default:
        break;
    }
}

static const char *check_id(gs_assume_kind k)
{
    static const char *const ids[GS_ASSUME__COUNT] = {
        "schema.collection_missing", "schema.new_field", NULL,
        "schema.type_changed", "schema.nulls_appeared",
        "schema.range_exceeded", "schema.enum_new_values",
        "schema.unique_violated", "schema.length_exceeded", "format.*",
        "schema.type_changed",
    };
    return ids[k];
}

gs_status gs_assumptions_check(gs_assumptions *s, const gs_profile *sandbox,
                               const gs_profile *production, gs_comparison *c)
{
    check_ctx x = {.c = c, .o = gs_comparison_opts(c), .sb = sandbox,
                   .pr = production, .s = s};
    s->max_examples = gs_profile_limits(production)->max_examples;
    for (size_t i = 0; i < s->n; i++) {
        x.a = &s->items[i];
        for (size_t k = 0; k < x.a->n_examples; k++)
            gs__example_clear(&x.a->examples[k]);
        gs_free(x.a->examples);
        x.a->examples = NULL;
        x.a->n_examples = 0;
        x.a->check = x.a->kind == GS_ASSUME_PRESENT ? "schema.field_missing"
                                                    : check_id(x.a->kind);
        check_one(&x);
    }
    return GS_OK;
}

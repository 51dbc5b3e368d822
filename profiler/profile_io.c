/* profile_io.c - save a profile as versioned JSON and load it back.
 *
 * The format is documented in docs/profile-format.md. Saving walks every
 * table in sorted key order and writes doubles with yajl's round-trip
 * formatting, so the same profile always gives the same bytes. Loading
 * reads the whole file (profiles are bounded by gs_limits, not by corpus
 * size), refuses nesting deeper than the format has before handing it to
 * yajl's tree parser, and checks every member's type: a bad file is
 * GS_EFORMAT with "path: what is wrong", never a crash.
 *
 * yajl allocates with its own allocator here (the generator and the tree),
 * not through gs_malloc: yajl 2.1 does not check its allocator's results,
 * so a failed allocation could not become GS_ENOMEM (test_alloc.c).
 *
 * Numbers are parsed by yajl with strtod; gapscan never changes LC_NUMERIC
 * from "C", so this is locale-independent. */
#include "profile-private.h"
#include "jsonw.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define MAX_PROFILE_BYTES ((size_t)1 << 30)
#define MAX_PROFILE_DEPTH 16

/* ---- saving ----------------------------------------------------------- */

static void gen_example(yajl_gen g, const gs_example *ex)
{
    yajl_gen_map_open(g);
    gs__jsonw_kstr(g, "path", ex->path);
    gs__jsonw_u64(g, "offset", ex->loc.offset);
    gs__jsonw_u64(g, "line", ex->loc.line);
    gs__jsonw_u64(g, "col", ex->loc.col);
    gs__jsonw_u64(g, "record", ex->loc.record);
    if (ex->value)
        gs__jsonw_kstr(g, "value", ex->value);
    if (ex->detail)
        gs__jsonw_kstr(g, "detail", ex->detail);
    yajl_gen_map_close(g);
}

static void gen_counts(yajl_gen g, gs__table *t)
{
    gs__table_sort(t);
    yajl_gen_array_open(g);
    for (size_t i = 0; i < t->n; i++) {
        const gs__count *c = (const gs__count *)t->items[i];
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "key", c->row.key);
        gs__jsonw_u64(g, "count", c->row.count);
        gs__jsonw_u64(g, "bytes", c->row.bytes);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

/* A field's dominant formats per file, when it has any, by format id (the
 * order they were first seen in depends on the merge order). */
static void gen_file_formats(yajl_gen g, const gs_field *f)
{
    if (!f->n_file_fmt && !f->file_fmt_other)
        return;
    gs__jsonw_str(g, "file_formats");
    yajl_gen_array_open(g);
    for (int fmt = 0; fmt < GS_VFMT__COUNT; fmt++)
    for (size_t i = 0; i < f->n_file_fmt; i++) {
        if (f->file_fmt[i].format != (gs_vformat)fmt)
            continue;
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "format", gs_vformat_name(f->file_fmt[i].format));
        gs__jsonw_u64(g, "files", f->file_fmt[i].files);
        gs__jsonw_kstr(g, "first", f->file_fmt[i].first);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    gs__jsonw_u64(g, "file_formats_other", f->file_fmt_other);
}

static void gen_layouts(yajl_gen g, const gs_profile *p)
{
    const gs_layout_row *rows;
    uint64_t dropped;
    size_t n = gs_profile_layouts(p, &rows, &dropped);
    gs__jsonw_str(g, "layouts");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "kind", rows[i].kind);
        gs__jsonw_kstr(g, "collection", rows[i].collection);
        gs__jsonw_kstr(g, "value", rows[i].value);
        gs__jsonw_u64(g, "files", rows[i].files);
        gs__jsonw_kstr(g, "first", rows[i].first);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    gs__jsonw_u64(g, "layouts_dropped", dropped);
}

static const char *const kind_names[GS_VK__COUNT] = {
    "text", "string", "number", "boolean", "null",
};

/* formats, format_examples, shapes, len_counts and len_kll. */
static gs_status gen_formats(yajl_gen g, const gs_field *f)
{
    gs__jsonw_str(g, "formats");
    yajl_gen_map_open(g);
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        if (f->formats[i])
            gs__jsonw_u64(g, gs_vformat_name((gs_vformat)i), f->formats[i]);
    yajl_gen_map_close(g);
    gs__jsonw_str(g, "format_examples");
    yajl_gen_map_open(g);
    for (int i = 0; i < GS_VFMT__COUNT; i++) {
        const gs_example *ex = gs_field_format_example(f, (gs_vformat)i);
        if (ex) {
            gs__jsonw_str(g, gs_vformat_name((gs_vformat)i));
            gen_example(g, ex);
        }
    }
    yajl_gen_map_close(g);
    gs_topk_item items[2 * GS_SHAPE_TOP_K];
    size_t n = gs_topk_counters(f->shapes, items, 2 * GS_SHAPE_TOP_K);
    gs__jsonw_str(g, "shapes");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        gs__jsonw_str(g, "shape");
        yajl_gen_string(g, (const unsigned char *)items[i].value, items[i].len);
        gs__jsonw_u64(g, "count", items[i].count);
        gs__jsonw_u64(g, "error", items[i].error);
        const gs_example *ex = gs_field_shape_example(f, items[i].value,
                                                      items[i].len);
        if (ex) {
            gs__jsonw_str(g, "example");
            gen_example(g, ex);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    int any = 0;
    for (size_t i = 0; i < f->len_cap && !any; i++)
        any = f->len_n[i] != 0;
    if (any) {
        gs__jsonw_str(g, "len_counts");
        yajl_gen_map_open(g);
        for (size_t i = 0; i < f->len_cap; i++) {
            char key[24];
            if (!f->len_n[i])
                continue;
            snprintf(key, sizeof key, "%zu", i);
            gs__jsonw_u64(g, key, f->len_n[i]);
        }
        yajl_gen_map_close(g);
    }
    if (f->len_kll) {
        char *kll = NULL;
        if (gs_kll_encode(f->len_kll, &kll) != GS_OK)
            return GS_ENOMEM;
        gs__jsonw_kstr(g, "len_kll", kll);
        gs_free(kll);
    }
    return GS_OK;
}

/* "hygiene": {class: {"count": n, "example": {...}}} for the hygiene
 * classes the field's values have (absent when none). */
static void gen_hygiene(yajl_gen g, const gs_field *f)
{
    int any = 0;
    for (int h = 0; h < GS_HYG__COUNT; h++)
        any |= f->hygiene[h] != 0;
    if (!any)
        return;
    gs__jsonw_str(g, "hygiene");
    yajl_gen_map_open(g);
    for (int h = 0; h < GS_HYG__COUNT; h++) {
        if (!f->hygiene[h])
            continue;
        gs__jsonw_str(g, gs_hygiene_code((gs_hygiene_class)h));
        yajl_gen_map_open(g);
        gs__jsonw_u64(g, "count", f->hygiene[h]);
        if (f->hyg_ex[h].path) {
            gs__jsonw_str(g, "example");
            gen_example(g, &f->hyg_ex[h]);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
}

static gs_status gen_field(yajl_gen g, const gs_field *f)
{
    yajl_gen_map_open(g);
    gs__jsonw_kstr(g, "collection", f->collection);
    gs__jsonw_kstr(g, "path", f->path);
    gs__jsonw_u64(g, "count", f->count);
    gs__jsonw_u64(g, "present", f->present);
    gs__jsonw_str(g, "types");
    yajl_gen_map_open(g);
    for (int t = 0; t < GS_VT__COUNT; t++)
        gs__jsonw_u64(g, gs_vtype_name((gs_vtype)t), f->types[t]);
    yajl_gen_map_close(g);
    gs__jsonw_str(g, "kinds");
    yajl_gen_map_open(g);
    for (int k = 0; k < GS_VK__COUNT; k++)
        gs__jsonw_u64(g, kind_names[k], f->kinds[k]);
    yajl_gen_map_close(g);
    gs__jsonw_str(g, "null_tokens");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < gs_null_token_count(); i++)
        if (f->null_tokens[i])
            gs__jsonw_u64(g, gs_null_token_name(i), f->null_tokens[i]);
    yajl_gen_map_close(g);
    gs__jsonw_u64(g, "padded", f->padded);
    gs__jsonw_u64(g, "leading_zero", f->leading_zero);
    gs__jsonw_u64(g, "decimal_comma", f->decimal_comma);
    gs__jsonw_u64(g, "grouped", f->grouped);
    gs__jsonw_u64(g, "date_ambiguous", f->date_ambiguous);
    gs__jsonw_u64(g, "len_min", f->count ? f->len_min : 0);
    gs__jsonw_u64(g, "len_max", f->len_max);
    gs__jsonw_u64(g, "len_sum", f->len_sum);
    gs__jsonw_u64(g, "numbers", f->numbers);
    gs__jsonw_double(g, "num_min", f->num_min, GS__JSONW_YAJL);
    gs__jsonw_double(g, "num_max", f->num_max, GS__JSONW_YAJL);
    gs__jsonw_double(g, "num_mean", f->num_mean, GS__JSONW_YAJL);
    gs__jsonw_double(g, "num_m2", f->num_m2, GS__JSONW_YAJL);
    gs__jsonw_u64(g, "dates", f->dates);
    gs__jsonw_i64(g, "date_min", f->date_min);
    gs__jsonw_i64(g, "date_max", f->date_max);
    char *hll = NULL;
    if (gs_hll_encode(f->hll, &hll) != GS_OK)
        return GS_ENOMEM;
    gs__jsonw_kstr(g, "hll", hll);
    gs_free(hll);
    if (f->num_kll) {
        char *kll = NULL;
        if (gs_kll_encode(f->num_kll, &kll) != GS_OK)
            return GS_ENOMEM;
        gs__jsonw_kstr(g, "num_kll", kll);
        gs_free(kll);
    }
    gs__jsonw_str(g, "top");
    yajl_gen_array_open(g);
    size_t cap = gs_topk_max_counters(f->top);
    gs_topk_item *items = gs_calloc(cap, sizeof *items);
    if (!items)
        return GS_ENOMEM;
    size_t n = gs_topk_counters(f->top, items, cap);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        gs__jsonw_str(g, "value");
        yajl_gen_string(g, (const unsigned char *)items[i].value, items[i].len);
        gs__jsonw_bool(g, "truncated", items[i].truncated);
        gs__jsonw_u64(g, "count", items[i].count);
        gs__jsonw_u64(g, "error", items[i].error);
        char hex[24];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)items[i].hash);
        gs__jsonw_kstr(g, "hash", hex);
        yajl_gen_map_close(g);
    }
    gs_free(items);
    yajl_gen_array_close(g);
    if (f->keys) {
        char *keys = NULL;
        if (gs_keyset_encode(f->keys, &keys) != GS_OK)
            return GS_ENOMEM;
        gs__jsonw_kstr(g, "keys", keys);
        gs_free(keys);
        size_t n_rep;
        const gs_example *rep = gs_keyset_examples(f->keys, &n_rep);
        gs__jsonw_str(g, "key_repeats");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n_rep; i++)
            gen_example(g, &rep[i]);
        yajl_gen_array_close(g);
    }
    gs__jsonw_str(g, "examples");
    yajl_gen_map_open(g);
    for (int t = 0; t < GS_VT__COUNT; t++) {
        if (!f->type_ex[t].path)
            continue;
        gs__jsonw_str(g, gs_vtype_name((gs_vtype)t));
        gen_example(g, &f->type_ex[t]);
    }
    yajl_gen_map_close(g);
    gen_hygiene(g, f);
    gen_file_formats(g, f);
    gs_status st = gen_formats(g, f);
    yajl_gen_map_close(g);
    return st;
}

static void gen_corpus(yajl_gen g, const gs_corpus_facts *c)
{
    yajl_gen_map_open(g);
    gs__jsonw_u64(g, "files", c->files);
    gs__jsonw_u64(g, "bytes", c->bytes);
    gs__jsonw_u64(g, "bytes_decoded", c->bytes_decoded);
    gs__jsonw_u64(g, "records", c->records);
    gs__jsonw_u64(g, "lines", c->lines);
    gs__jsonw_u64(g, "files_partial", c->files_partial);
    gs__jsonw_u64(g, "skipped", c->skipped);
    gs__jsonw_u64(g, "files_with_bom", c->files_with_bom);
    gs__jsonw_u64(g, "files_lf_only", c->files_lf_only);
    gs__jsonw_u64(g, "files_crlf_only", c->files_crlf_only);
    gs__jsonw_u64(g, "files_cr_only", c->files_cr_only);
    gs__jsonw_u64(g, "files_mixed_eol", c->files_mixed_eol);
    gs__jsonw_u64(g, "lf", c->lf);
    gs__jsonw_u64(g, "crlf", c->crlf);
    gs__jsonw_u64(g, "cr", c->cr);
    gs__jsonw_u64(g, "invalid_utf8", c->invalid_utf8);
    gs__jsonw_u64(g, "files_invalid_utf8", c->files_invalid_utf8);
    gs__jsonw_u64(g, "nul_bytes", c->nul_bytes);
    gs__jsonw_u64(g, "control_chars", c->control_chars);
    gs__jsonw_u64(g, "paths_overflow", c->paths_overflow);
    gs__jsonw_i64(g, "mtime_min", c->mtime_min);
    gs__jsonw_i64(g, "mtime_max", c->mtime_max);
    gs__jsonw_u64(g, "chars", c->chars);
    gs__jsonw_u64(g, "docs_dated", c->docs_dated);
    gs__jsonw_u64(g, "docs_future", c->docs_future);
    gs__jsonw_u64(g, "docs_resaved", c->docs_resaved);
    gs__jsonw_str(g, "docs_marked");
    yajl_gen_map_open(g);
    for (int i = 0; i < GS_MARK__COUNT; i++)
        gs__jsonw_u64(g, gs_stale_marker_name((gs_stale_marker)i),
                      c->docs_marked[i]);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
}

gs_status gs_profile_save(const gs_profile *cp, FILE *out, gs_error *err)
{
    gs_profile *p = (gs_profile *)cp;  /* sorting tables only */
    gs_status st = GS_OK;
    yajl_gen g = yajl_gen_alloc(NULL); /* its own allocator: see the top */
    if (!g)
        return gs_error_set(err, GS_ENOMEM, "out of memory");
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, " ");

    yajl_gen_map_open(g);
    gs__jsonw_kstr(g, "format", GS_PROFILE_FORMAT);
    gs__jsonw_u64(g, "version", GS_PROFILE_VERSION);
    gs__jsonw_kstr(g, "generator", "gapscan " GS_VERSION);
    gs__jsonw_str(g, "limits");
    yajl_gen_map_open(g);
    gs__jsonw_u64(g, "hll_lg_k", p->lim.hll_lg_k);
    gs__jsonw_u64(g, "max_top_values", p->lim.max_top_values);
    gs__jsonw_u64(g, "max_examples", p->lim.max_examples);
    gs__jsonw_u64(g, "max_value_bytes_kept", p->lim.max_value_bytes_kept);
    gs__jsonw_u64(g, "max_paths", p->lim.max_paths);
    yajl_gen_map_close(g);
    gs__jsonw_str(g, "roots");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < p->n_roots; i++)
        gs__jsonw_str(g, p->roots[i]);
    yajl_gen_array_close(g);
    gs__jsonw_str(g, "corpus");
    gen_corpus(g, &p->corpus);
    if (p->content_dates) {
        char *kll = NULL;
        st = gs_kll_encode(p->content_dates, &kll);
        if (st == GS_OK)
            gs__jsonw_kstr(g, "content_dates", kll);
        gs_free(kll);
    }
    gs__jsonw_str(g, "distributions");
    yajl_gen_map_open(g);
    gs__jsonw_str(g, "format");
    gen_counts(g, &p->formats);
    gs__jsonw_str(g, "encoding");
    gen_counts(g, &p->encodings);
    gs__jsonw_str(g, "compression");
    gen_counts(g, &p->compressions);
    gs__jsonw_str(g, "bom");
    gen_counts(g, &p->boms);
    gs__jsonw_str(g, "collection_files");
    gen_counts(g, &p->coll_files);
    gs__jsonw_str(g, "collection_records");
    gen_counts(g, &p->coll_records);
    yajl_gen_map_close(g);
    gen_layouts(g, p);

    gs__jsonw_str(g, "defects");
    yajl_gen_array_open(g);
    gs__table_sort(&p->defects);
    for (size_t i = 0; i < p->defects.n; i++) {
        const gs__defect *d = (const gs__defect *)p->defects.items[i];
        yajl_gen_map_open(g);
        gs__jsonw_kstr(g, "code", d->s.code);
        gs__jsonw_u64(g, "count", d->s.count);
        gs__jsonw_u64(g, "files", d->s.files);
        gs__jsonw_str(g, "examples");
        yajl_gen_array_open(g);
        for (size_t k = 0; k < d->s.n_examples; k++)
            gen_example(g, &d->ex[k]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);

    gs__jsonw_str(g, "fields");
    yajl_gen_array_open(g);
    gs__table_sort(&p->fields);
    for (size_t i = 0; st == GS_OK && i < p->fields.n; i++)
        st = gen_field(g, (const gs_field *)p->fields.items[i]);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);

    if (st != GS_OK) {
        gs_error_set(err, st, "out of memory while saving the profile");
        goto done;
    }
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        st = gs_error_set(err, GS_EINVAL, "internal error: profile JSON");
        goto done;
    }
    if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF) {
        st = gs_error_set(err, GS_EIO, "writing the profile: %s",
                          strerror(errno));
        if (err)
            err->sys_errno = errno;
    }
done:
    yajl_gen_free(g);
    return st;
}

/* ---- loading ---------------------------------------------------------- */

typedef struct loader {
    const char *path;
    gs_error *err;
    gs_status st;
} loader;

static int bad(loader *L, const char *what)
{
    if (L->st == GS_OK)
        L->st = gs_error_set(L->err, GS_EFORMAT, "%s: not a valid gapscan "
                             "profile: %s", L->path, what);
    return 0;
}

/* A decoder's failure: out of memory stays GS_ENOMEM, anything else is a
 * bad file. */
static int failed(loader *L, gs_status st, const char *what)
{
    if (st != GS_ENOMEM)
        return bad(L, what);
    if (L->st == GS_OK)
        L->st = gs_error_set(L->err, st, "%s: out of memory", L->path);
    return 0;
}

/* The first member named key of obj (NULL when obj is not an object). */
static yajl_val get(yajl_val obj, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

static int get_u64(loader *L, yajl_val obj, const char *key, uint64_t *out)
{
    yajl_val v = get(obj, key);
    if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
        return bad(L, key);
    *out = (uint64_t)YAJL_GET_INTEGER(v);
    return 1;
}

static int get_i64(loader *L, yajl_val obj, const char *key, int64_t *out)
{
    yajl_val v = get(obj, key);
    if (!v || !YAJL_IS_INTEGER(v))
        return bad(L, key);
    *out = (int64_t)YAJL_GET_INTEGER(v);
    return 1;
}

static int get_i32(loader *L, yajl_val obj, const char *key, int32_t *out)
{
    int64_t v;
    if (!get_i64(L, obj, key, &v))
        return 0;
    if (v < INT32_MIN || v > INT32_MAX)
        return bad(L, key);
    *out = (int32_t)v;
    return 1;
}

static int get_double(loader *L, yajl_val obj, const char *key, double *out)
{
    yajl_val v = get(obj, key);
    if (v && YAJL_IS_NULL(v)) {
        *out = NAN;
        return 1;
    }
    if (!v || !YAJL_IS_NUMBER(v))
        return bad(L, key);
    *out = YAJL_IS_INTEGER(v) ? (double)YAJL_GET_INTEGER(v)
                              : YAJL_GET_DOUBLE(v);
    return 1;
}

static const char *get_str(loader *L, yajl_val obj, const char *key)
{
    yajl_val v = get(obj, key);
    if (!v || !YAJL_IS_STRING(v)) {
        bad(L, key);
        return NULL;
    }
    return YAJL_GET_STRING(v);
}

static int load_example(loader *L, yajl_val v, gs_example *ex, size_t maxv)
{
    gs_loc loc = {0};
    const char *path = get_str(L, v, "path");
    if (!path || !get_u64(L, v, "offset", &loc.offset) ||
        !get_u64(L, v, "line", &loc.line) || !get_u64(L, v, "col", &loc.col) ||
        !get_u64(L, v, "record", &loc.record))
        return 0;
    yajl_val value = get(v, "value"), detail = get(v, "detail");
    if ((value && !YAJL_IS_STRING(value)) || (detail && !YAJL_IS_STRING(detail)))
        return bad(L, "example value/detail");
    const char *vs = value ? YAJL_GET_STRING(value) : NULL;
    gs_status st = gs__example_set(ex, path, &loc, vs, vs ? strlen(vs) : 0,
                                   detail ? YAJL_GET_STRING(detail) : NULL,
                                   maxv);
    if (st != GS_OK) {
        L->st = gs_error_set(L->err, st, "%s: out of memory", L->path);
        return 0;
    }
    return 1;
}

static int load_markers(loader *L, yajl_val m, uint64_t *out)
{
    if (!m || !YAJL_IS_OBJECT(m) || m->u.object.len != GS_MARK__COUNT)
        return bad(L, "docs_marked");
    for (int i = 0; i < GS_MARK__COUNT; i++)
        if (!get_u64(L, m, gs_stale_marker_name((gs_stale_marker)i), &out[i]))
            return 0;
    return 1;
}

static int load_corpus(loader *L, yajl_val c, gs_corpus_facts *o)
{
    return get_u64(L, c, "files", &o->files) &&
           get_u64(L, c, "bytes", &o->bytes) &&
           get_u64(L, c, "bytes_decoded", &o->bytes_decoded) &&
           get_u64(L, c, "records", &o->records) &&
           get_u64(L, c, "lines", &o->lines) &&
           get_u64(L, c, "files_partial", &o->files_partial) &&
           get_u64(L, c, "skipped", &o->skipped) &&
           get_u64(L, c, "files_with_bom", &o->files_with_bom) &&
           get_u64(L, c, "files_lf_only", &o->files_lf_only) &&
           get_u64(L, c, "files_crlf_only", &o->files_crlf_only) &&
           get_u64(L, c, "files_cr_only", &o->files_cr_only) &&
           get_u64(L, c, "files_mixed_eol", &o->files_mixed_eol) &&
           get_u64(L, c, "lf", &o->lf) && get_u64(L, c, "crlf", &o->crlf) &&
           get_u64(L, c, "cr", &o->cr) &&
           get_u64(L, c, "invalid_utf8", &o->invalid_utf8) &&
           get_u64(L, c, "files_invalid_utf8", &o->files_invalid_utf8) &&
           get_u64(L, c, "nul_bytes", &o->nul_bytes) &&
           get_u64(L, c, "control_chars", &o->control_chars) &&
           get_u64(L, c, "paths_overflow", &o->paths_overflow) &&
           get_i64(L, c, "mtime_min", &o->mtime_min) &&
           get_i64(L, c, "mtime_max", &o->mtime_max) &&
           get_u64(L, c, "chars", &o->chars) &&
           get_u64(L, c, "docs_dated", &o->docs_dated) &&
           get_u64(L, c, "docs_future", &o->docs_future) &&
           get_u64(L, c, "docs_resaved", &o->docs_resaved) &&
           load_markers(L, get(c, "docs_marked"), o->docs_marked);
}

static int load_counts(loader *L, yajl_val arr, gs__table *t)
{
    if (!arr || !YAJL_IS_ARRAY(arr))
        return bad(L, "distribution");
    for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val r = arr->u.array.values[i];
        uint64_t count, bytes;
        const char *key = get_str(L, r, "key");
        if (!key || !get_u64(L, r, "count", &count) ||
            !get_u64(L, r, "bytes", &bytes))
            return 0;
        if (gs__profile_count(t, key, count, bytes) != GS_OK) {
            L->st = gs_error_set(L->err, GS_ENOMEM, "%s: out of memory",
                                 L->path);
            return 0;
        }
    }
    return 1;
}

static int load_defects(loader *L, yajl_val arr, gs_profile *p)
{
    if (!arr || !YAJL_IS_ARRAY(arr))
        return bad(L, "defects");
    for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val r = arr->u.array.values[i];
        const char *code = get_str(L, r, "code");
        if (!code)
            return 0;
        gs_status st = GS_OK;
        gs__defect *d = gs__profile_defect_get(p, code, &st);
        if (!d) {
            L->st = gs_error_set(L->err, st, "%s: out of memory", L->path);
            return 0;
        }
        if (!get_u64(L, r, "count", &d->s.count) ||
            !get_u64(L, r, "files", &d->s.files))
            return 0;
        yajl_val ex = get(r, "examples");
        if (!ex || !YAJL_IS_ARRAY(ex))
            return bad(L, "defect examples");
        for (size_t k = 0; k < ex->u.array.len && k < p->lim.max_examples;
             k++) {
            if (!load_example(L, ex->u.array.values[k], &d->ex[k],
                              p->lim.max_value_bytes_kept))
                return 0;
            d->s.n_examples++;
        }
    }
    return 1;
}

static int oom(loader *L)
{
    L->st = gs_error_set(L->err, GS_ENOMEM, "%s: out of memory", L->path);
    return 0;
}

/* len_counts: {"length": values} for lengths below GS_LEN_EXACT, in
 * increasing order (absent: none); *sum gets the values counted. */
static int load_len_counts(loader *L, yajl_val r, gs_field *f, uint64_t *sum)
{
    yajl_val lc = get(r, "len_counts");
    *sum = 0;
    if (!lc)
        return 1;
    if (!YAJL_IS_OBJECT(lc))
        return bad(L, "len_counts");
    long last = -1;
    for (size_t i = 0; i < lc->u.object.len; i++) {
        const char *k = lc->u.object.keys[i];
        char *end;
        long len = strtol(k, &end, 10);
        uint64_t n;
        if (k[0] < '0' || k[0] > '9' || *end || (k[0] == '0' && k[1]) ||
            len <= last || len >= (long)GS_LEN_EXACT)
            return bad(L, "len_counts length");
        if (!get_u64(L, lc, k, &n))
            return 0;
        if (n == 0 || n > UINT64_MAX - *sum)
            return bad(L, "len_counts count");
        if (gs__field_len_room(f, (size_t)len + 1) != GS_OK)
            return oom(L);
        f->len_n[len] = n;
        *sum += n;
        last = len;
    }
    return 1;
}

/* formats, format_examples, shapes, len_counts and len_kll; checks that
 * the format counts add up to count and the lengths to the non-null
 * values. */
static int load_formats(loader *L, yajl_val r, gs_field *f)
{
    yajl_val fm = get(r, "formats"), fx = get(r, "format_examples");
    if (!fm || !YAJL_IS_OBJECT(fm) || !fx || !YAJL_IS_OBJECT(fx))
        return bad(L, "formats");
    uint64_t sum = 0;
    for (size_t i = 0; i < fm->u.object.len; i++) {
        int id = gs_vformat_from_name(fm->u.object.keys[i]);
        if (id < 0)
            return bad(L, "unknown format");
        if (!get_u64(L, fm, fm->u.object.keys[i], &f->formats[id]))
            return 0;
        sum += f->formats[id];
    }
    if (sum != f->count)
        return bad(L, "format counts do not add up to count");
    for (size_t i = 0; i < fx->u.object.len; i++) {
        int id = gs_vformat_from_name(fx->u.object.keys[i]);
        if (id < 0 || !f->formats[id] || f->fmt_slot[id])
            return bad(L, "format example");
        gs_example *ex = gs__field_format_example(f, (gs_vformat)id);
        if (!ex)
            return oom(L);
        if (!load_example(L, fx->u.object.values[i], ex, f->max_value_bytes))
            return 0;
    }
    yajl_val sh = get(r, "shapes");
    if (!sh || !YAJL_IS_ARRAY(sh) ||
        sh->u.array.len > gs_topk_max_counters(f->shapes))
        return bad(L, "shapes");
    for (size_t i = 0; i < sh->u.array.len; i++) {
        yajl_val it = sh->u.array.values[i], ev = get(it, "example");
        const char *v = get_str(L, it, "shape");
        uint64_t count, error;
        if (!v || !get_u64(L, it, "count", &count) ||
            !get_u64(L, it, "error", &error))
            return 0;
        size_t len = strlen(v);
        if (len >= GS_SHAPE_MAX ||
            gs_topk_restore(f->shapes, v, len, gs_hash(v, len), 0, count,
                            error) != GS_OK)
            return bad(L, "shape");
        if (ev) {
            gs_example ex = {0};
            int ok = load_example(L, ev, &ex, f->max_value_bytes);
            gs_status st = ok ? gs__field_shape_example_set(f, v, len, &ex)
                              : GS_OK;
            gs__example_clear(&ex);
            if (!ok)
                return 0;
            if (st != GS_OK)
                return oom(L);
        }
    }
    uint64_t non_null = f->count - f->types[GS_VT_NULL];
    if (gs_topk_restore_total(f->shapes, non_null) != GS_OK)
        return bad(L, "shape counts exceed the non-null values");
    uint64_t exact;
    if (!load_len_counts(L, r, f, &exact))
        return 0;
    if (exact > non_null)
        return bad(L, "len_counts exceed the non-null values");
    if (exact < non_null) {   /* the rest: GS_LEN_EXACT bytes or longer */
        const char *kll = get_str(L, r, "len_kll");
        if (!kll)
            return 0;
        gs_status st = gs_kll_decode(kll, strlen(kll), &f->len_kll);
        if (st != GS_OK || gs_kll_count(f->len_kll) != non_null - exact ||
            gs_kll_min(f->len_kll) < (double)GS_LEN_EXACT)
            return failed(L, st, "len_kll");
    } else if (get(r, "len_kll")) {
        return bad(L, "len_kll without values of its lengths");
    }
    return 1;
}

/* file_formats (absent: none). */
static int load_file_formats(loader *L, yajl_val r, gs_field *f)
{
    yajl_val a = get(r, "file_formats");
    if (!a)
        return 1;
    if (!YAJL_IS_ARRAY(a) || a->u.array.len > GS_FILE_FORMATS_MAX ||
        !get_u64(L, r, "file_formats_other", &f->file_fmt_other))
        return bad(L, "file_formats");
    for (size_t i = 0; i < a->u.array.len; i++) {
        yajl_val it = a->u.array.values[i];
        const char *name = get_str(L, it, "format");
        const char *first = get_str(L, it, "first");
        uint64_t files;
        if (!name || !first || !get_u64(L, it, "files", &files))
            return 0;
        int id = gs_vformat_from_name(name);
        for (size_t k = 0; id >= 0 && k < f->n_file_fmt; k++)
            if (f->file_fmt[k].format == (gs_vformat)id)
                id = -1;
        if (id < 0 || files == 0)
            return bad(L, "file_formats item");
        if (gs__file_format_add(f, (gs_vformat)id, files, first) != GS_OK)
            return oom(L);
    }
    return 1;
}

/* layouts (absent: none). */
static int load_layouts(loader *L, yajl_val root, gs_profile *p)
{
    yajl_val a = get(root, "layouts");
    if (!a)
        return 1;
    if (!YAJL_IS_ARRAY(a) || a->u.array.len > p->lim.max_paths ||
        !get_u64(L, root, "layouts_dropped", &p->layouts_dropped))
        return bad(L, "layouts");
    for (size_t i = 0; i < a->u.array.len; i++) {
        yajl_val it = a->u.array.values[i];
        const char *kind = get_str(L, it, "kind");
        const char *coll = get_str(L, it, "collection");
        const char *value = get_str(L, it, "value");
        const char *first = get_str(L, it, "first");
        uint64_t files;
        if (!kind || !coll || !value || !first ||
            !get_u64(L, it, "files", &files))
            return 0;
        if (files == 0)
            return bad(L, "layouts item");
        if (gs__layout_add(p, kind, coll, value, files, first) != GS_OK)
            return oom(L);
    }
    if (p->layouts.n != a->u.array.len)
        return bad(L, "duplicate layouts item");
    return 1;
}

/* The exact key set (keys.h) and its repeats, for fields named like keys;
 * a profile written before sets existed has none, and its key fields
 * answer "not exact". */
static int load_keys(loader *L, yajl_val r, gs_field *f)
{
    yajl_val kv = get(r, "keys"), rep = get(r, "key_repeats");
    if (!f->keys)
        return kv || rep ? bad(L, "keys on a field not named like a key") : 1;
    if ((kv && !YAJL_IS_STRING(kv)) || (rep && !YAJL_IS_ARRAY(rep)))
        return bad(L, "keys");
    const char *text = kv ? YAJL_GET_STRING(kv) : "keys1:off";
    gs_status st = gs_keyset_decode(f->keys, text, strlen(text));
    if (st == GS_EFORMAT)
        return bad(L, "keys");
    for (size_t i = 0; st == GS_OK && rep && i < rep->u.array.len; i++) {
        gs_example ex = {0};
        if (!load_example(L, rep->u.array.values[i], &ex, f->max_value_bytes))
            return 0;
        st = gs_keyset_add_example(f->keys, ex.path, &ex.loc, ex.value,
                                   ex.value ? strlen(ex.value) : 0);
        gs__example_clear(&ex);
    }
    if (st != GS_OK) {
        L->st = gs_error_set(L->err, st, "%s: out of memory", L->path);
        return 0;
    }
    return 1;
}

static int load_hygiene(loader *L, yajl_val h, gs_field *f)
{
    if (!h)
        return 1;
    if (!YAJL_IS_OBJECT(h))
        return bad(L, "hygiene");
    for (size_t i = 0; i < h->u.object.len; i++) {
        int cls = -1;
        for (int k = 0; k < GS_HYG__COUNT; k++)
            if (strcmp(h->u.object.keys[i],
                       gs_hygiene_code((gs_hygiene_class)k)) == 0)
                cls = k;
        yajl_val v = h->u.object.values[i], e = get(v, "example");
        if (cls < 0)
            return bad(L, "unknown hygiene class");
        if (!get_u64(L, v, "count", &f->hygiene[cls]))
            return 0;
        if (!f->hygiene[cls])
            return bad(L, "hygiene count 0");
        if (e && !load_example(L, e, &f->hyg_ex[cls], f->max_value_bytes))
            return 0;
    }
    return 1;
}

static int load_field(loader *L, yajl_val r, gs_profile *p)
{
    const char *coll = get_str(L, r, "collection");
    const char *path = get_str(L, r, "path");
    if (!coll || !path)
        return 0;
    if (gs_profile_field_find(p, coll, path))
        return bad(L, "duplicate field");
    gs_status st = GS_OK;
    gs_field *f = gs_profile_field(p, coll, path, strlen(path), &st);
    if (!f) {
        if (st == GS_ELIMIT)
            return bad(L, "more fields than limits.max_paths");
        L->st = gs_error_set(L->err, st, "%s: out of memory", L->path);
        return 0;
    }
    yajl_val types = get(r, "types"), kinds = get(r, "kinds");
    yajl_val nulls = get(r, "null_tokens");
    for (int t = 0; t < GS_VT__COUNT; t++)
        if (!get_u64(L, types, gs_vtype_name((gs_vtype)t), &f->types[t]))
            return 0;
    for (int k = 0; k < GS_VK__COUNT; k++)
        if (!get_u64(L, kinds, kind_names[k], &f->kinds[k]))
            return 0;
    if (!nulls || !YAJL_IS_OBJECT(nulls))
        return bad(L, "null_tokens");
    for (size_t i = 0; i < nulls->u.object.len; i++) {
        size_t t = 0;
        while (t < gs_null_token_count() &&
               strcmp(gs_null_token_name(t), nulls->u.object.keys[i]) != 0)
            t++;
        if (t == gs_null_token_count())
            return bad(L, "unknown null token");
        if (!get_u64(L, nulls, nulls->u.object.keys[i], &f->null_tokens[t]))
            return 0;
    }
    if (!get_u64(L, r, "count", &f->count) ||
        !get_u64(L, r, "present", &f->present) ||
        !get_u64(L, r, "padded", &f->padded) ||
        !get_u64(L, r, "leading_zero", &f->leading_zero) ||
        !get_u64(L, r, "decimal_comma", &f->decimal_comma) ||
        !get_u64(L, r, "grouped", &f->grouped) ||
        !get_u64(L, r, "date_ambiguous", &f->date_ambiguous) ||
        !get_u64(L, r, "len_min", &f->len_min) ||
        !get_u64(L, r, "len_max", &f->len_max) ||
        !get_u64(L, r, "len_sum", &f->len_sum) ||
        !get_u64(L, r, "numbers", &f->numbers) ||
        !get_double(L, r, "num_min", &f->num_min) ||
        !get_double(L, r, "num_max", &f->num_max) ||
        !get_double(L, r, "num_mean", &f->num_mean) ||
        !get_double(L, r, "num_m2", &f->num_m2) ||
        !get_u64(L, r, "dates", &f->dates) ||
        !get_i32(L, r, "date_min", &f->date_min) ||
        !get_i32(L, r, "date_max", &f->date_max))
        return 0;
    if (f->count == 0)
        f->len_min = UINT64_MAX;
    const char *hll = get_str(L, r, "hll");
    if (!hll)
        return 0;
    gs_hll *h = NULL;
    gs_status st2 = gs_hll_decode(hll, strlen(hll), &h);
    if (st2 != GS_OK)
        return failed(L, st2, "hll");
    if (gs_hll_lg_k(h) != p->lim.hll_lg_k) {
        gs_hll_free(h);
        return bad(L, "hll size differs from limits.hll_lg_k");
    }
    gs_hll_free(f->hll);
    f->hll = h;
    if (f->numbers) {
        const char *kll = get_str(L, r, "num_kll");
        if (!kll)
            return 0;
        st2 = gs_kll_decode(kll, strlen(kll), &f->num_kll);
        if (st2 != GS_OK || gs_kll_count(f->num_kll) != f->numbers)
            return failed(L, st2, "num_kll");
    } else if (get(r, "num_kll")) {
        return bad(L, "num_kll without numbers");
    }
    yajl_val top = get(r, "top");
    if (!top || !YAJL_IS_ARRAY(top) ||
        top->u.array.len > gs_topk_max_counters(f->top))
        return bad(L, "top");
    for (size_t i = 0; i < top->u.array.len; i++) {
        yajl_val it = top->u.array.values[i];
        const char *v = get_str(L, it, "value");
        yajl_val tr = get(it, "truncated");
        const char *hex = get_str(L, it, "hash");
        uint64_t count, error, hash = 0;
        if (!v || !tr || !(YAJL_IS_TRUE(tr) || YAJL_IS_FALSE(tr)) || !hex ||
            !get_u64(L, it, "count", &count) ||
            !get_u64(L, it, "error", &error))
            return bad(L, "top item");
        size_t hl = strlen(hex);
        if (hl != 16)
            return bad(L, "top item hash");
        for (size_t k = 0; k < hl; k++) {
            char c = hex[k];
            int d = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return bad(L, "top item hash");
            hash = hash << 4 | (uint64_t)d;
        }
        st2 = gs_topk_restore(f->top, v, strlen(v), hash, YAJL_IS_TRUE(tr),
                              count, error);
        if (st2 != GS_OK)
            return failed(L, st2, "top item");
    }
    if (gs_topk_restore_total(f->top, f->count - f->types[GS_VT_NULL]) !=
        GS_OK)
        return bad(L, "top counts exceed the non-null values");
    if (!load_keys(L, r, f))
        return 0;
    yajl_val ex = get(r, "examples");
    if (!ex || !YAJL_IS_OBJECT(ex))
        return bad(L, "examples");
    for (int t = 0; t < GS_VT__COUNT; t++) {
        yajl_val e = get(ex, gs_vtype_name((gs_vtype)t));
        if (e && !load_example(L, e, &f->type_ex[t], f->max_value_bytes))
            return 0;
    }
    return load_hygiene(L, get(r, "hygiene"), f) &&
           load_file_formats(L, r, f) && load_formats(L, r, f);
}

/* Reject nesting deeper than the format has, before the tree parser. */
static int depth_ok(const char *s, size_t n)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > MAX_PROFILE_DEPTH)
                return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

static gs_status read_all(const char *path, char **out, size_t *len,
                          gs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        gs_error_set(err, e == ENOENT ? GS_ENOENT : GS_EIO, "%s: %s", path,
                     strerror(e));
        if (err)
            err->sys_errno = e;
        return e == ENOENT ? GS_ENOENT : GS_EIO;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = gs_malloc(cap + 1);
    gs_status st = GS_OK;
    while (buf) {
        if (n == cap) {
            if (cap >= MAX_PROFILE_BYTES) {
                st = gs_error_set(err, GS_ELIMIT, "%s: larger than %zu bytes: "
                                  "not a gapscan profile", path,
                                  MAX_PROFILE_BYTES);
                break;
            }
            char *nb = gs_realloc(buf, cap * 2 + 1);
            if (!nb) {  /* out of memory, not the end of the file */
                st = gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = gs_error_set(err, GS_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (!buf)
        return gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
    if (st != GS_OK) {
        gs_free(buf);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return GS_OK;
}

gs_status gs_profile_load(const char *path, gs_profile **out, gs_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    gs_status st = read_all(path, &text, &len, err);
    if (st != GS_OK)
        return st;
    st = gs_profile_load_text(path, text, len, out, err);
    gs_free(text);
    return st;
}

gs_status gs_profile_load_text(const char *path, const char *text, size_t len,
                               gs_profile **out, gs_error *err)
{
    *out = NULL;
    loader L = {path, err, GS_OK};
    gs_profile *p = NULL;
    yajl_val root = NULL;
    if (strlen(text) != len || !depth_ok(text, len)) {
        bad(&L, "not JSON of the expected shape");
        goto done;
    }
    char ebuf[256];
    root = yajl_tree_parse(text, ebuf, sizeof ebuf);
    if (!root) {
        char *nl = strchr(ebuf, '\n');
        if (nl)
            *nl = '\0';
        L.st = gs_error_set(err, GS_EFORMAT, "%s: not JSON: %s", path, ebuf);
        goto done;
    }
    yajl_val fmt = get(root, "format");
    uint64_t version = 0;
    if (!fmt || !YAJL_IS_STRING(fmt) ||
        strcmp(fmt->u.string, GS_PROFILE_FORMAT) != 0) {
        bad(&L, "no \"format\": \"" GS_PROFILE_FORMAT "\"");
        goto done;
    }
    if (!get_u64(&L, root, "version", &version))
        goto done;
    if (version != GS_PROFILE_VERSION) {
        L.st = gs_error_set(err, GS_EVERSION, "%s: profile version %llu; this "
                            "gapscan reads version %d", path,
                            (unsigned long long)version, GS_PROFILE_VERSION);
        goto done;
    }
    gs_limits lim;
    gs_limits_default(&lim);
    yajl_val jl = get(root, "limits");
    uint64_t lg_k, top, ex, vb, paths;
    if (!get_u64(&L, jl, "hll_lg_k", &lg_k) ||
        !get_u64(&L, jl, "max_top_values", &top) ||
        !get_u64(&L, jl, "max_examples", &ex) ||
        !get_u64(&L, jl, "max_value_bytes_kept", &vb) ||
        !get_u64(&L, jl, "max_paths", &paths))
        goto done;
    if (lg_k < 4 || lg_k > 18 || top == 0 || top > 4096 || ex > 1000 ||
        vb > 65536 || paths == 0 || paths > 10000000) {
        bad(&L, "limits out of range");
        goto done;
    }
    lim.hll_lg_k = (unsigned)lg_k;
    lim.max_top_values = (size_t)top;
    lim.max_examples = (size_t)ex;
    lim.max_value_bytes_kept = (size_t)vb;
    lim.max_paths = (size_t)paths;
    if (!(p = gs_profile_new(&lim))) {
        L.st = gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    yajl_val roots = get(root, "roots");
    if (!roots || !YAJL_IS_ARRAY(roots)) {
        bad(&L, "roots");
        goto done;
    }
    for (size_t i = 0; i < roots->u.array.len; i++) {
        yajl_val r = roots->u.array.values[i];
        if (!YAJL_IS_STRING(r)) {
            bad(&L, "roots");
            goto done;
        }
        if (gs_profile_add_root(p, YAJL_GET_STRING(r)) != GS_OK) {
            L.st = gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
            goto done;
        }
    }
    yajl_val dist = get(root, "distributions");
    yajl_val cd = get(root, "content_dates");
    const char *cds = cd && YAJL_IS_STRING(cd) ? YAJL_GET_STRING(cd) : NULL;
    if (cd) {
        gs_status cst = cds ? gs_kll_decode(cds, strlen(cds), &p->content_dates)
                            : GS_EFORMAT;
        if (cst != GS_OK) {
            failed(&L, cst, "content_dates");
            goto done;
        }
    }
    if (!load_corpus(&L, get(root, "corpus"), &p->corpus) ||
        !load_counts(&L, get(dist, "format"), &p->formats) ||
        !load_counts(&L, get(dist, "encoding"), &p->encodings) ||
        !load_counts(&L, get(dist, "compression"), &p->compressions) ||
        !load_counts(&L, get(dist, "bom"), &p->boms) ||
        !load_counts(&L, get(dist, "collection_files"), &p->coll_files) ||
        !load_counts(&L, get(dist, "collection_records"), &p->coll_records) ||
        !load_layouts(&L, root, p) ||
        !load_defects(&L, get(root, "defects"), p))
        goto done;
    yajl_val fields = get(root, "fields");
    if (!fields || !YAJL_IS_ARRAY(fields)) {
        bad(&L, "fields");
        goto done;
    }
    for (size_t i = 0; i < fields->u.array.len; i++)
        if (!load_field(&L, fields->u.array.values[i], p))
            goto done;
done:
    if (root)
        yajl_tree_free(root);
    if (L.st != GS_OK) {
        gs_profile_free(p);
        return L.st;
    }
    *out = p;
    return GS_OK;
}

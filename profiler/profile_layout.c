/* profile_layout.c - how the files of a collection are written, and which
 * format each file writes a field in.
 *
 * Two small tables of a profile that are counted per file, not per value:
 *   - layouts: rows (kind, collection, value) -> files, first file, for the
 *     CSV dialect, the header as written and the line-ending style of each
 *     file (gs_profile_layouts);
 *   - per field, the dominant format of each file that wrote the field
 *     (gs_field_file_formats), decided by document.c at the end of a file.
 *
 * Invariants:
 *   1. Bounded: at most lim.max_paths layout rows and GS_FILE_FORMATS_MAX
 *      formats per field; what finds no room is counted (layouts_dropped,
 *      file_fmt_other), never silently lost.
 *   2. Exact merge: counts add; the first file is the first in merge order,
 *      so merging per-file profiles in walk order gives the bytes of a
 *      single pass. Rows that find no room are dropped in that same order;
 *      so once a cap is reached, merging bigger partial profiles (shards)
 *      may keep other rows than one pass would (their files are counted as
 *      dropped/other either way). 8 dominant formats in one field's files,
 *      or max_paths layouts, is already a corpus without a format.
 *
 * It does not judge: mixed dialects or formats are findings of compare.c. */
#include "profile-private.h"

#include <stdlib.h>
#include <string.h>

/* ---- layouts ----------------------------------------------------------- */

static void layout_free(gs__entry *e)
{
    gs__layout *l = (gs__layout *)e;
    gs_free(l->first);
    gs_free(e->key);
    gs_free(l);
}

gs_status gs__layout_add(gs_profile *p, const char *kind,
                         const char *collection, const char *value,
                         uint64_t files, const char *first)
{
    size_t kl = strlen(kind), cl = strlen(collection), vl = strlen(value);
    size_t len = kl + 1 + cl + 1 + vl;
    char *key = gs_malloc(len + 1);
    if (!key)
        return GS_ENOMEM;
    memcpy(key, kind, kl + 1);
    memcpy(key + kl + 1, collection, cl + 1);
    memcpy(key + kl + cl + 2, value, vl + 1);
    gs__layout *l = (gs__layout *)gs__table_find(&p->layouts, key, len);
    if (l) {
        gs_free(key);
        l->row.files += files;
        return GS_OK;
    }
    if (p->layouts.n >= p->lim.max_paths) {
        gs_free(key);
        p->layouts_dropped += files;
        return GS_OK;
    }
    l = gs_calloc(1, sizeof *l);
    if (!l) {
        gs_free(key);
        return GS_ENOMEM;
    }
    l->e.key = key;
    l->e.key_len = len;
    l->first = gs_strdup(first ? first : "");
    if (!l->first || gs__table_insert(&p->layouts, &l->e) != GS_OK) {
        layout_free(&l->e);
        return GS_ENOMEM;
    }
    l->row = (gs_layout_row){key, key + kl + 1, key + kl + cl + 2, files,
                             l->first};
    return GS_OK;
}

gs_status gs__layouts_of_doc(gs_profile *p, const gs_doc_facts *d)
{
    const char *coll = d->collection ? d->collection : "(root)";
    int kinds = (d->lf > 0) + (d->crlf > 0) + (d->cr > 0);
    const char *eol = kinds > 1 ? "mixed" : d->lf ? "lf" : d->crlf ? "crlf"
                      : d->cr ? "cr" : NULL;
    gs_status st = GS_OK;
    if (eol)
        st = gs__layout_add(p, "eol", coll, eol, 1, d->path);
    if (st == GS_OK && d->csv_dialect)
        st = gs__layout_add(p, "dialect", coll, d->csv_dialect, 1, d->path);
    if (st == GS_OK && d->csv_header)
        st = gs__layout_add(p, "header", coll, d->csv_header, 1, d->path);
    return st;
}

gs_status gs__layouts_merge(gs_profile *into, const gs_profile *from)
{
    gs_status st = GS_OK;
    for (size_t i = 0; st == GS_OK && i < from->layouts.n; i++) {
        const gs__layout *l = (const gs__layout *)from->layouts.items[i];
        st = gs__layout_add(into, l->row.kind, l->row.collection,
                            l->row.value, l->row.files, l->first);
    }
    into->layouts_dropped += from->layouts_dropped;
    return st;
}

void gs__layouts_clear(gs_profile *p)
{
    gs__table_free(&p->layouts, layout_free);
    p->layouts_dropped = 0;
    gs_free(p->layout_rows);
    p->layout_rows = NULL;
}

size_t gs_profile_layouts(const gs_profile *cp, const gs_layout_row **rows,
                          uint64_t *dropped)
{
    gs_profile *p = (gs_profile *)cp;  /* sorting and scratch only */
    if (dropped)
        *dropped = p->layouts_dropped;
    *rows = NULL;
    if (p->layouts.n == 0)
        return 0;
    gs_layout_row *r = gs_realloc(p->layout_rows,
                                  p->layouts.n * sizeof *r);
    if (!r)
        return 0;
    p->layout_rows = r;
    gs__table_sort(&p->layouts);  /* the key orders kind, collection, value */
    for (size_t i = 0; i < p->layouts.n; i++)
        r[i] = ((const gs__layout *)p->layouts.items[i])->row;
    *rows = r;
    return p->layouts.n;
}

/* ---- dominant formats per file ------------------------------------------ */

gs_status gs__file_format_add(gs_field *f, gs_vformat fmt, uint64_t files,
                              const char *first)
{
    for (size_t i = 0; i < f->n_file_fmt; i++)
        if (f->file_fmt[i].format == fmt) {
            f->file_fmt[i].files += files;
            return GS_OK;
        }
    if (f->n_file_fmt == GS_FILE_FORMATS_MAX) {
        f->file_fmt_other += files;
        return GS_OK;
    }
    if (!f->file_fmt &&
        !(f->file_fmt = gs_calloc(GS_FILE_FORMATS_MAX, sizeof *f->file_fmt)))
        return GS_ENOMEM;
    char *path = gs_strdup(first ? first : "");
    if (!path)
        return GS_ENOMEM;
    f->file_fmt[f->n_file_fmt++] = (gs_file_format){fmt, files, path};
    return GS_OK;
}

gs_status gs_field_count_file_format(gs_field *f, gs_vformat fmt,
                                     const char *path)
{
    return gs__file_format_add(f, fmt, 1, path);
}

gs_status gs__file_formats_merge(gs_field *a, const gs_field *b)
{
    gs_status st = GS_OK;
    for (size_t i = 0; st == GS_OK && i < b->n_file_fmt; i++)
        st = gs__file_format_add(a, b->file_fmt[i].format,
                                 b->file_fmt[i].files, b->file_fmt[i].first);
    a->file_fmt_other += b->file_fmt_other;
    return st;
}

void gs__file_formats_clear(gs_field *f)
{
    for (size_t i = 0; i < f->n_file_fmt; i++)
        gs_free(f->file_fmt[i].first);
    gs_free(f->file_fmt);
    f->file_fmt = NULL;
    f->n_file_fmt = 0;
    f->file_fmt_other = 0;
}

size_t gs_field_file_formats(const gs_field *f, const gs_file_format **rows,
                             uint64_t *other)
{
    if (other)
        *other = f->file_fmt_other;
    *rows = f->file_fmt;
    return f->n_file_fmt;
}

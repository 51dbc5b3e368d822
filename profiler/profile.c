/* profile.c - the profile model: documents, defects, fields, and merge.
 *
 * Tables are string-keyed open-addressing indexes over vectors of entry
 * pointers. Output order is never insertion order: accessors sort by key
 * first, so iteration order cannot leak thread timing into a report.
 *
 * Invariants (see profile.h for the contract):
 *   1. Every count is exact and merges by addition.
 *   2. Examples are the first ones in merge order (documents are merged in
 *      walk order), so they are deterministic.
 *   3. Field count is capped at lim.max_paths; values past it are counted in
 *      corpus.paths_overflow.
 *   4. A field's top shapes keep one example per shape: the first value of
 *      that shape seen while the shape was tracked. The example table holds
 *      at most 2 * GS_SHAPE_TOP_K shapes, as many as the top-K sketch has
 *      counters; when it is full, shapes no longer in the sketch are
 *      dropped from it (the shape that needs the room is in the sketch
 *      without an example, so one at least is stale), so every shape in
 *      the sketch has its example.
 *
 * Saving and loading live in profile_io.c. */
#include "profile-private.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/* ---- string-keyed table --------------------------------------------- */

static size_t slot_of(uint64_t hash, size_t n_slots)
{
    return (size_t)(hash & (n_slots - 1));
}

gs__entry *gs__table_find(const gs__table *t, const char *key, size_t len)
{
    if (t->n_slots == 0)
        return NULL;
    uint64_t h = gs_hash(key, len);
    for (size_t i = slot_of(h, t->n_slots);; i = (i + 1) & (t->n_slots - 1)) {
        gs__entry *e = t->slots[i];
        if (!e)
            return NULL;
        if (e->hash == h && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
}

static gs_status table_grow(gs__table *t)
{
    size_t n_slots = t->n_slots ? t->n_slots * 2 : 16;
    gs__entry **slots = gs_calloc(n_slots, sizeof *slots);
    if (!slots)
        return GS_ENOMEM;
    for (size_t k = 0; k < t->n; k++) {
        gs__entry *e = t->items[k];
        size_t i = slot_of(e->hash, n_slots);
        while (slots[i])
            i = (i + 1) & (n_slots - 1);
        slots[i] = e;
    }
    gs_free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return GS_OK;
}

/* e->key and e->key_len must be set; the hash is computed here. */
gs_status gs__table_insert(gs__table *t, gs__entry *e)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        gs__entry **items = gs_realloc(t->items, cap * sizeof *items);
        if (!items)
            return GS_ENOMEM;
        t->items = items;
        t->cap = cap;
    }
    if ((t->n + 1) * 2 > t->n_slots && table_grow(t) != GS_OK)
        return GS_ENOMEM;
    e->hash = gs_hash(e->key, e->key_len);
    size_t i = slot_of(e->hash, t->n_slots);
    while (t->slots[i])
        i = (i + 1) & (t->n_slots - 1);
    t->slots[i] = e;
    t->items[t->n++] = e;
    t->sorted = 0;
    return GS_OK;
}

static int entry_cmp(const void *a, const void *b)
{
    const gs__entry *x = *(gs__entry *const *)a, *y = *(gs__entry *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

void gs__table_sort(gs__table *t)
{
    if (!t->sorted && t->n > 1)
        qsort(t->items, t->n, sizeof *t->items, entry_cmp);
    t->sorted = 1;
}

void gs__table_free(gs__table *t, void (*free_entry)(gs__entry *))
{
    for (size_t i = 0; i < t->n; i++)
        free_entry(t->items[i]);
    gs_free(t->items);
    gs_free(t->slots);
    memset(t, 0, sizeof *t);
}

/* ---- distributions ---------------------------------------------------- */

static void count_free(gs__entry *e)
{
    gs_free(e->key);
    gs_free(e);
}

gs_status gs__profile_count(gs__table *t, const char *key, uint64_t count,
                            uint64_t bytes)
{
    size_t len = strlen(key);
    gs__count *c = (gs__count *)gs__table_find(t, key, len);
    if (!c) {
        c = gs_calloc(1, sizeof *c);
        if (!c)
            return GS_ENOMEM;
        c->e.key = gs_strndup(key, len);
        c->e.key_len = len;
        if (!c->e.key || gs__table_insert(t, &c->e) != GS_OK) {
            count_free(&c->e);
            return GS_ENOMEM;
        }
        c->row.key = c->e.key;
    }
    c->row.count += count;
    c->row.bytes += bytes;
    return GS_OK;
}

static int row_cmp(const void *a, const void *b)
{
    const gs_count_item *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

size_t gs_profile_distribution(const gs_profile *cp, const char *which,
                               const gs_count_item **rows)
{
    gs_profile *p = (gs_profile *)cp;  /* scratch only: see profile.h */
    gs__table *t = NULL;
    if (strcmp(which, "format") == 0)
        t = &p->formats;
    else if (strcmp(which, "encoding") == 0)
        t = &p->encodings;
    else if (strcmp(which, "compression") == 0)
        t = &p->compressions;
    else if (strcmp(which, "bom") == 0)
        t = &p->boms;
    else if (strcmp(which, "collection_files") == 0)
        t = &p->coll_files;
    else if (strcmp(which, "collection_records") == 0)
        t = &p->coll_records;
    *rows = NULL;
    if (!t || t->n == 0)
        return 0;
    if (t->n > p->rows_cap) {
        gs_count_item *r = gs_realloc(p->rows, t->n * sizeof *r);
        if (!r)
            return SIZE_MAX;
        p->rows = r;
        p->rows_cap = t->n;
    }
    for (size_t i = 0; i < t->n; i++)
        p->rows[i] = ((gs__count *)t->items[i])->row;
    qsort(p->rows, t->n, sizeof *p->rows, row_cmp);
    *rows = p->rows;
    return t->n;
}

/* ---- examples --------------------------------------------------------- */

void gs__example_clear(gs_example *ex)
{
    gs_free(ex->path);
    gs_free(ex->value);
    gs_free(ex->detail);
    memset(ex, 0, sizeof *ex);
}

/* Cut at a UTF-8 character boundary at or below max bytes. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

gs_status gs__example_set(gs_example *ex, const char *path, const gs_loc *loc,
                          const char *value, size_t value_len,
                          const char *detail, size_t max_value_bytes)
{
    gs__example_clear(ex);
    ex->path = gs_strdup(path ? path : "");
    if (!ex->path)
        goto nomem;
    if (loc)
        ex->loc = *loc;
    if (value) {
        ex->value = gs_strndup(value, utf8_cut(value, value_len,
                                               max_value_bytes));
        if (!ex->value)
            goto nomem;
    }
    if (detail) {
        ex->detail = gs_strndup(detail, utf8_cut(detail, strlen(detail), 200));
        if (!ex->detail)
            goto nomem;
    }
    return GS_OK;
nomem:
    gs__example_clear(ex);
    return GS_ENOMEM;
}

static gs_status example_copy(gs_example *dst, const gs_example *src)
{
    gs__example_clear(dst);
    if (!src->path)
        return GS_OK;
    dst->loc = src->loc;
    dst->path = gs_strdup(src->path);
    dst->value = src->value ? gs_strdup(src->value) : NULL;
    dst->detail = src->detail ? gs_strdup(src->detail) : NULL;
    if (!dst->path || (src->value && !dst->value) ||
        (src->detail && !dst->detail)) {
        gs__example_clear(dst);
        return GS_ENOMEM;
    }
    return GS_OK;
}

/* ---- defects ---------------------------------------------------------- */

static void defect_free(gs__entry *e)
{
    gs__defect *d = (gs__defect *)e;
    for (size_t i = 0; i < d->s.n_examples; i++)
        gs__example_clear(&d->ex[i]);
    gs_free(d->ex);
    gs_free(d->e.key);
    gs_free(d);
}

gs__defect *gs__profile_defect_get(gs_profile *p, const char *code,
                                   gs_status *st)
{
    size_t len = strlen(code);
    gs__defect *d = (gs__defect *)gs__table_find(&p->defects, code, len);
    if (d)
        return d;
    d = gs_calloc(1, sizeof *d);
    if (!d)
        goto nomem;
    d->e.key = gs_strndup(code, len);
    d->e.key_len = len;
    d->ex = gs_calloc(p->lim.max_examples ? p->lim.max_examples : 1,
                      sizeof *d->ex);
    if (!d->e.key || !d->ex || gs__table_insert(&p->defects, &d->e) != GS_OK)
        goto nomem;
    d->s.code = d->e.key;
    d->s.examples = d->ex;
    return d;
nomem:
    if (d)
        defect_free(&d->e);
    *st = GS_ENOMEM;
    return NULL;
}

gs_status gs_profile_add_defect(gs_profile *p, const char *path,
                                const char *code, const char *detail,
                                const gs_loc *loc)
{
    gs_status st = GS_OK;
    gs__defect *d = gs__profile_defect_get(p, code, &st);
    if (!d)
        return st;
    d->s.count++;
    if (d->s.n_examples < p->lim.max_examples) {
        st = gs__example_set(&d->ex[d->s.n_examples], path, loc, NULL, 0,
                             detail, p->lim.max_value_bytes_kept);
        if (st == GS_OK)
            d->s.n_examples++;
    }
    return st;
}

gs_status gs_profile_count_defect_file(gs_profile *p, const char *code)
{
    gs_status st = GS_OK;
    gs__defect *d = gs__profile_defect_get(p, code, &st);
    if (d)
        d->s.files++;
    return st;
}

gs_status gs_profile_add_skipped(gs_profile *p, const char *path,
                                 const char *what, int sys_errno)
{
    (void)sys_errno;  /* the text in what already says it */
    p->corpus.skipped++;
    const char *code = "walk.unreadable";
    if (what && strstr(what, "symlink"))
        code = "walk.symlink_skipped";
    else if (what && (strcmp(what, "fifo") == 0 || strcmp(what, "socket") == 0
                      || strcmp(what, "device") == 0))
        code = "walk.special_file";
    gs_status st = gs_profile_add_defect(p, path, code, what, NULL);
    return st != GS_OK ? st : gs_profile_count_defect_file(p, code);
}

size_t gs_profile_defect_count(const gs_profile *p)
{
    return p->defects.n;
}

const gs_defect_summary *gs_profile_defect(const gs_profile *cp, size_t i)
{
    gs_profile *p = (gs_profile *)cp;
    gs__table_sort(&p->defects);
    return i < p->defects.n ? &((gs__defect *)p->defects.items[i])->s : NULL;
}

const gs_defect_summary *gs_profile_defect_find(const gs_profile *p,
                                                const char *code)
{
    gs__defect *d = (gs__defect *)gs__table_find(&p->defects, code,
                                                 strlen(code));
    return d ? &d->s : NULL;
}

/* ---- profile ---------------------------------------------------------- */

gs_profile *gs_profile_new(const gs_limits *lim)
{
    gs_profile *p = gs_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (lim)
        p->lim = *lim;
    else
        gs_limits_default(&p->lim);
    return p;
}

static void field_entry_free(gs__entry *e)
{
    gs__field_free((gs_field *)e);
}

static void profile_clear(gs_profile *p)
{
    for (size_t i = 0; i < p->n_roots; i++)
        gs_free(p->roots[i]);
    gs_free(p->roots);
    p->roots = NULL;
    p->n_roots = 0;
    gs__table_free(&p->formats, count_free);
    gs__table_free(&p->encodings, count_free);
    gs__table_free(&p->compressions, count_free);
    gs__table_free(&p->boms, count_free);
    gs__table_free(&p->coll_files, count_free);
    gs__table_free(&p->coll_records, count_free);
    gs__table_free(&p->defects, defect_free);
    gs__table_free(&p->fields, field_entry_free);
    gs_kll_free(p->content_dates);
    p->content_dates = NULL;
    gs__layouts_clear(p);
    memset(&p->corpus, 0, sizeof p->corpus);
}

void gs_profile_free(gs_profile *p)
{
    if (!p)
        return;
    profile_clear(p);
    gs_free(p->rows);
    gs_free(p);
}

void gs_profile_reset(gs_profile *p)
{
    profile_clear(p);
}

const gs_kll *gs_profile_content_dates(const gs_profile *p)
{
    return p->content_dates;
}

const gs_limits *gs_profile_limits(const gs_profile *p)
{
    return &p->lim;
}

gs_status gs_profile_add_root(gs_profile *p, const char *root)
{
    for (size_t i = 0; i < p->n_roots; i++)
        if (strcmp(p->roots[i], root) == 0)
            return GS_OK;
    char **r = gs_realloc(p->roots, (p->n_roots + 1) * sizeof *r);
    if (!r)
        return GS_ENOMEM;
    p->roots = r;
    if (!(r[p->n_roots] = gs_strdup(root)))
        return GS_ENOMEM;
    p->n_roots++;
    return GS_OK;
}

size_t gs_profile_root_count(const gs_profile *p)
{
    return p->n_roots;
}

const char *gs_profile_root(const gs_profile *p, size_t i)
{
    return i < p->n_roots ? p->roots[i] : NULL;
}

const gs_corpus_facts *gs_profile_corpus(const gs_profile *p)
{
    return &p->corpus;
}

gs_status gs_profile_add_doc(gs_profile *p, const gs_doc_facts *d)
{
    gs_corpus_facts *c = &p->corpus;
    if (c->files == 0 || d->mtime < c->mtime_min)
        c->mtime_min = d->mtime;
    if (c->files == 0 || d->mtime > c->mtime_max)
        c->mtime_max = d->mtime;
    c->files++;
    c->bytes += d->bytes;
    c->bytes_decoded += d->bytes_decoded;
    c->records += d->records;
    c->lines += d->lines;
    c->files_partial += d->status != GS_OK;
    c->files_with_bom += d->bom && d->bom[0];
    int kinds = (d->lf > 0) + (d->crlf > 0) + (d->cr > 0);
    if (kinds > 1)
        c->files_mixed_eol++;
    else if (d->lf)
        c->files_lf_only++;
    else if (d->crlf)
        c->files_crlf_only++;
    else if (d->cr)
        c->files_cr_only++;
    c->lf += d->lf;
    c->crlf += d->crlf;
    c->cr += d->cr;
    c->invalid_utf8 += d->invalid_utf8;
    c->files_invalid_utf8 += d->invalid_utf8 > 0;
    c->nul_bytes += d->nul_bytes;
    c->control_chars += d->control_chars;
    c->chars += d->chars;
    c->docs_future += d->future_dates > 0;
    c->docs_resaved += d->resaved != 0;
    for (int i = 0; i < GS_MARK__COUNT; i++)
        c->docs_marked[i] += d->markers[i] > 0;
    gs_status st = GS_OK;
    if (d->content_date) {
        c->docs_dated++;
        if (!p->content_dates &&
            !(p->content_dates = gs_kll_new(GS_KLL_K_DEFAULT)))
            return GS_ENOMEM;
        st = gs_kll_add(p->content_dates, (double)d->content_date);
    }
    if (st == GS_OK)
        st = gs__profile_count(&p->formats, d->format, 1, d->bytes);
    if (st == GS_OK)
        st = gs__profile_count(&p->encodings, d->encoding, 1, d->bytes);
    if (st == GS_OK)
        st = gs__profile_count(&p->compressions,
                               d->compression ? d->compression : "none", 1,
                               d->bytes);
    if (st == GS_OK)
        st = gs__profile_count(&p->boms, d->bom && d->bom[0] ? d->bom
                                                             : "none", 1,
                               d->bytes);
    if (st == GS_OK)
        st = gs__layouts_of_doc(p, d);
    return st;
}

static gs_status count_collection(gs_profile *p, gs__table *t,
                                  const char *collection)
{
    /* Collections are capped like paths; the rest pool under "(other)". */
    if (!gs__table_find(t, collection, strlen(collection)) &&
        t->n >= p->lim.max_paths)
        collection = "(other)";
    return gs__profile_count(t, collection, 1, 0);
}

gs_status gs_profile_count_record(gs_profile *p, const char *collection)
{
    return count_collection(p, &p->coll_records, collection);
}

gs_status gs_profile_count_file(gs_profile *p, const char *collection)
{
    return count_collection(p, &p->coll_files, collection);
}

void gs_profile_count_overflow(gs_profile *p, uint64_t values)
{
    p->corpus.paths_overflow += values;
}

uint64_t gs_profile_collection_records(const gs_profile *p,
                                       const char *collection)
{
    const gs__count *c = (const gs__count *)gs__table_find(
        &p->coll_records, collection, strlen(collection));
    return c ? c->row.count : 0;
}

/* ---- collection names -------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_sep(char c)
{
    return c == '-' || c == '_' || c == '.' || c == ' ';
}

static const char *const known_ext[] = {
    ".gz", ".csv", ".tsv", ".tab", ".txt", ".json", ".jsonl", ".ndjson",
    ".xml", ".html", ".htm", ".md", ".markdown", ".text",
};

static size_t strip_ext(const char *name, size_t len)
{
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof known_ext / sizeof *known_ext; i++) {
            size_t el = strlen(known_ext[i]);
            if (len > el && strncasecmp(name + len - el, known_ext[i], el) == 0) {
                len -= el;
                again = 1;
                break;
            }
        }
    }
    return len;
}

/* Lower-case; drop tokens (between separators) that are all digits, such
 * as dates and sequence numbers, and a run of three or more digits that
 * ends a token (a sequence number glued to its word: "page0001" -> "page"),
 * keeping one separator between the words that remain
 * ("tickets-2021-legacy" -> "tickets-legacy", "utf8" and "v12" stay). */
static size_t squeeze(const char *in, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        int digits_only = 1;
        while (j < len && !is_sep(in[j])) {
            digits_only &= is_digit(in[j]);
            j++;
        }
        if (j > i && !digits_only) {
            size_t end = j;
            while (end > i && is_digit(in[end - 1]))
                end--;
            if (j - end < 3)
                end = j;
            if (n > 0 && n + 1 < cap)
                out[n++] = '-';
            for (size_t k = i; k < end && n + 1 < cap; k++) {
                char c = in[k];
                out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
            }
        }
        i = j + 1;
    }
    out[n] = '\0';
    return n;
}

void gs_collection_name(const char *path, char *out, size_t cap)
{
    if (cap == 0)
        return;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t stem = strip_ext(path + start, len - start);
    if (squeeze(path + start, stem, out, cap) > 0)
        return;
    if (start > 1) {
        size_t dend = start - 1, dstart = dend;
        while (dstart > 0 && path[dstart - 1] != '/')
            dstart--;
        if (squeeze(path + dstart, dend - dstart, out, cap) > 0)
            return;
    }
    snprintf(out, cap, "(root)");
}

/* ---- fields ----------------------------------------------------------- */

gs_field *gs__field_new(const char *collection, const char *path,
                        size_t path_len, const gs_limits *lim)
{
    size_t clen = strlen(collection);
    gs_field *f = gs_calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->e.key_len = clen + 1 + path_len;
    f->e.key = gs_malloc(f->e.key_len + 1);
    f->null_tokens = gs_calloc(gs_null_token_count(), sizeof *f->null_tokens);
    f->hll = gs_hll_new(lim->hll_lg_k);
    f->top = gs_topk_new(lim->max_top_values, lim->max_value_bytes_kept);
    f->shapes = gs_topk_new(GS_SHAPE_TOP_K, GS_SHAPE_MAX);
    if (!f->e.key || !f->null_tokens || !f->hll || !f->top || !f->shapes) {
        gs__field_free(f);
        return NULL;
    }
    memcpy(f->e.key, collection, clen);
    f->e.key[clen] = '\0';
    memcpy(f->e.key + clen + 1, path, path_len);
    f->e.key[f->e.key_len] = '\0';
    f->collection = f->e.key;
    f->path = f->e.key + clen + 1;
    /* exact repeats only for fields named like identifiers (keys.h) */
    if (gs_keys_name_like(f->path) &&
        !(f->keys = gs_keyset_new(lim->max_examples,
                                  lim->max_value_bytes_kept))) {
        gs__field_free(f);
        return NULL;
    }
    f->len_min = UINT64_MAX;
    f->max_value_bytes = lim->max_value_bytes_kept;
    return f;
}

const gs_keyset *gs_field_keys(const gs_field *f)
{
    return f->keys;
}

void gs__field_free(gs_field *f)
{
    if (!f)
        return;
    for (int t = 0; t < GS_VT__COUNT; t++)
        gs__example_clear(&f->type_ex[t]);
    for (int h = 0; h < GS_HYG__COUNT; h++)
        gs__example_clear(&f->hyg_ex[h]);
    for (size_t i = 0; i < f->n_fmt_ex; i++)
        gs__example_clear(&f->fmt_ex[i]);
    gs_free(f->fmt_ex);
    for (size_t i = 0; i < f->n_shape_buf; i++)
        gs__example_clear(&f->shape_ex[i].ex);
    gs_free(f->shape_ex);
    gs__file_formats_clear(f);
    gs_topk_free(f->shapes);
    gs_free(f->len_n);
    gs_kll_free(f->len_kll);
    gs_hll_free(f->hll);
    gs_kll_free(f->num_kll);
    gs_topk_free(f->top);
    gs_keyset_free(f->keys);
    gs_free(f->null_tokens);
    gs_free(f->e.key);
    gs_free(f);
}

/* ---- formats and shapes of a field ----------------------------------- */

gs_example *gs__field_format_example(gs_field *f, gs_vformat fmt)
{
    if (f->fmt_slot[fmt])
        return &f->fmt_ex[f->fmt_slot[fmt] - 1];
    if (f->n_fmt_ex == f->cap_fmt_ex) {
        size_t cap = f->cap_fmt_ex ? f->cap_fmt_ex * 2 : 4;
        gs_example *ex = gs_realloc(f->fmt_ex, cap * sizeof *ex);
        if (!ex)
            return NULL;
        f->fmt_ex = ex;
        f->cap_fmt_ex = cap;
    }
    gs_example *ex = &f->fmt_ex[f->n_fmt_ex++];
    memset(ex, 0, sizeof *ex);
    f->fmt_slot[fmt] = (unsigned char)f->n_fmt_ex;
    return ex;
}

const gs_example *gs_field_format_example(const gs_field *f, gs_vformat fmt)
{
    if ((unsigned)fmt >= GS_VFMT__COUNT || !f->fmt_slot[fmt])
        return NULL;
    const gs_example *ex = &f->fmt_ex[f->fmt_slot[fmt] - 1];
    return ex->path ? ex : NULL;
}

static gs__shape_ex *shape_ex_find(const gs_field *f, uint64_t hash)
{
    for (size_t i = 0; i < f->n_shape_ex; i++)
        if (f->shape_ex[i].hash == hash)
            return &f->shape_ex[i];
    return NULL;
}

const gs_example *gs_field_shape_example(const gs_field *f, const char *shape,
                                         size_t len)
{
    const gs__shape_ex *e = shape_ex_find(f, gs_hash(shape, len));
    return e && e->ex.path ? &e->ex : NULL;
}

/* Drop the examples of shapes the sketch no longer holds. They move
 * behind the live ones with their strings, which the next new shapes
 * reuse: on a field of varied shapes this turns over every few values. */
static void shape_ex_prune(gs_field *f)
{
    size_t kept = 0;
    for (size_t i = 0; i < f->n_shape_ex; i++) {
        if (gs_topk_has(f->shapes, f->shape_ex[i].hash)) {
            gs__shape_ex e = f->shape_ex[kept];
            f->shape_ex[kept++] = f->shape_ex[i];
            f->shape_ex[i] = e;
        }
    }
    f->n_shape_ex = kept;
}

/* A free slot of the example table for hash (pruning or growing the
 * table), or NULL on ENOMEM. */
static gs__shape_ex *shape_ex_slot(gs_field *f, uint64_t hash)
{
    if (f->n_shape_ex == 2 * GS_SHAPE_TOP_K)
        shape_ex_prune(f);
    if (f->n_shape_ex == f->cap_shape_ex) {
        size_t cap = f->cap_shape_ex ? f->cap_shape_ex * 2 : 4;
        gs__shape_ex *t = gs_realloc(f->shape_ex, cap * sizeof *t);
        if (!t)
            return NULL;
        f->shape_ex = t;
        f->cap_shape_ex = cap;
    }
    if (f->n_shape_ex == f->n_shape_buf)
        memset(&f->shape_ex[f->n_shape_buf++], 0, sizeof *f->shape_ex);
    gs__shape_ex *e = &f->shape_ex[f->n_shape_ex++];
    e->hash = hash;
    return e;
}

/* gs__example_set on an example that may hold a dropped example's strings
 * (see shape_ex_prune): the path is kept when it is the same, the value
 * buffer reused; the result is the same example. */
static gs_status example_refill(gs__shape_ex *e, const char *path,
                                const gs_loc *loc, const char *value,
                                size_t len, size_t max_value_bytes)
{
    gs_example *ex = &e->ex;
    path = path ? path : "";
    if (ex->path && strcmp(ex->path, path) != 0) {
        gs_free(ex->path);
        ex->path = NULL;
    }
    if (!ex->path && !(ex->path = gs_strdup(path)))
        goto nomem;
    ex->loc = loc ? *loc : (gs_loc){0};
    if (value) {
        size_t keep = utf8_cut(value, len, max_value_bytes);
        /* a buffer too short gets room for the longest value (when that
         * is small, as by default), so the turnover of a field of varied
         * shapes stops reallocating */
        if (e->value_cap < keep + 1) {
            size_t cap = max_value_bytes < 256 ? max_value_bytes + 1 : keep + 1;
            char *v = gs_realloc(ex->value, cap);
            if (!v)
                goto nomem;
            ex->value = v;
            e->value_cap = cap;
        }
        memcpy(ex->value, value, keep);
        ex->value[keep] = '\0';
    } else {
        gs_free(ex->value);
        ex->value = NULL;
        e->value_cap = 0;
    }
    gs_free(ex->detail);
    ex->detail = NULL;
    return GS_OK;
nomem:
    gs__example_clear(ex);
    e->value_cap = 0;
    return GS_ENOMEM;
}

gs_status gs__field_shape_example_set(gs_field *f, const char *shape,
                                      size_t len, const gs_example *ex)
{
    uint64_t h = gs_hash(shape, len);
    if (shape_ex_find(f, h))
        return GS_OK;
    gs__shape_ex *e = shape_ex_slot(f, h);
    if (!e)
        return GS_ENOMEM;
    e->value_cap = 0;   /* example_copy allocates the value to its size */
    return example_copy(&e->ex, ex);
}

gs_status gs__field_len_room(gs_field *f, size_t need)
{
    size_t cap = f->len_cap ? f->len_cap : 16;
    while (cap < need)
        cap *= 2;
    if (cap <= f->len_cap)
        return GS_OK;
    uint64_t *n = gs_realloc(f->len_n, cap * sizeof *n);
    if (!n)
        return GS_ENOMEM;
    memset(n + f->len_cap, 0, (cap - f->len_cap) * sizeof *n);
    f->len_n = n;
    f->len_cap = cap;
    return GS_OK;
}

/* A non-null value's length: counted exactly when short, else into the
 * sketch. Exact counts cost an increment where the sketch cost about a
 * tenth of the profiling time on the bench CSV; almost every value of a
 * field of codes, numbers, dates or names is short. */
static gs_status len_add(gs_field *f, size_t len)
{
    if (len < f->len_cap) {
        f->len_n[len]++;
        return GS_OK;
    }
    if (len < GS_LEN_EXACT) {
        if (gs__field_len_room(f, len + 1) != GS_OK)
            return GS_ENOMEM;
        f->len_n[len]++;
        return GS_OK;
    }
    if (!f->len_kll && !(f->len_kll = gs_kll_new(GS_LEN_KLL_K)))
        return GS_ENOMEM;
    return gs_kll_add(f->len_kll, (double)len);
}

/* Formats, shape and length of one value (the part of gs_field_add that
 * concerns how a value is written). */
static gs_status add_format_and_shape(gs_field *f, const char *bytes,
                                      size_t len, const gs_value_class *vc,
                                      const char *path, const gs_loc *loc)
{
    gs_status st = GS_OK;
    f->formats[vc->format]++;
    if (!f->fmt_slot[vc->format]) {
        gs_example *ex = gs__field_format_example(f, vc->format);
        st = ex ? gs__example_set(ex, path, loc, bytes, len, NULL,
                                  f->max_value_bytes) : GS_ENOMEM;
        if (st != GS_OK)
            return st;
    }
    if (vc->type == GS_VT_NULL)
        return GS_OK;
    if ((st = len_add(f, len)) != GS_OK)
        return st;
    char shape[GS_SHAPE_MAX];
    size_t sl = gs_value_shape(bytes, len, shape, sizeof shape);
    uint64_t h = gs_hash(shape, sl);
    gs_topk_add(f->shapes, shape, sl, h, 1);
    if (shape_ex_find(f, h))
        return GS_OK;
    gs__shape_ex *e = shape_ex_slot(f, h);
    if (!e)
        return GS_ENOMEM;
    return example_refill(e, path, loc, bytes, len, f->max_value_bytes);
}

/* The field keyed "collection\0path", if the profile has it. The two parts
 * are hashed as one key with XXH3's streaming form (the same hash as
 * gs_hash over the joined bytes), so a lookup never allocates and cannot
 * mistake out-of-memory for "absent". */
static gs_field *field_lookup(const gs_profile *p, const char *collection,
                              const char *path, size_t path_len)
{
    const gs__table *t = &p->fields;
    size_t clen = strlen(collection) + 1; /* with its NUL */
    if (t->n_slots == 0)
        return NULL;
    XXH3_state_t hs;
    XXH3_64bits_reset(&hs);
    XXH3_64bits_update(&hs, collection, clen);
    XXH3_64bits_update(&hs, path, path_len);
    uint64_t h = XXH3_64bits_digest(&hs);
    for (size_t i = slot_of(h, t->n_slots);; i = (i + 1) & (t->n_slots - 1)) {
        const gs__entry *e = t->slots[i];
        if (!e)
            return NULL;
        if (e->hash == h && e->key_len == clen + path_len &&
            memcmp(e->key, collection, clen) == 0 &&
            memcmp(e->key + clen, path, path_len) == 0)
            return (gs_field *)e;
    }
}

gs_field *gs_profile_field(gs_profile *p, const char *collection,
                           const char *path, size_t path_len, gs_status *st)
{
    gs_field *f = field_lookup(p, collection, path, path_len);
    if (f)
        return f;
    if (p->fields.n >= p->lim.max_paths) {
        if (st)
            *st = GS_ELIMIT;
        return NULL;
    }
    f = gs__field_new(collection, path, path_len, &p->lim);
    if (!f || gs__table_insert(&p->fields, &f->e) != GS_OK) {
        gs__field_free(f);
        if (st)
            *st = GS_ENOMEM;
        return NULL;
    }
    return f;
}

gs_status gs_field_add(gs_field *f, const char *bytes, size_t len,
                       gs_value_kind kind, const char *path,
                       const gs_loc *loc, gs_value_class *vc_out)
{
    gs_value_class local, *vc = vc_out ? vc_out : &local;
    gs_value_classify_to(vc, bytes, len, kind);
    /* text hygiene inside the value (an ASCII value costs one word scan) */
    unsigned hyg = kind == GS_VK_TEXT || kind == GS_VK_STRING
                       ? gs_hygiene_value(bytes, len) : 0;
    for (int h = 0; hyg && h < GS_HYG__COUNT; h++)
        if (hyg & GS_HYG_BIT(h)) {
            f->hygiene[h]++;
            if (!f->hyg_ex[h].path) {
                gs_status st = gs__example_set(&f->hyg_ex[h], path, loc,
                                               bytes, len, NULL,
                                               f->max_value_bytes);
                if (st != GS_OK)
                    return st;
            }
        }
    f->count++;
    f->types[vc->type]++;
    f->kinds[kind]++;
    if (vc->type == GS_VT_NULL && vc->null_token >= 0)
        f->null_tokens[vc->null_token]++;
    f->padded += (vc->flags & GS_VF_PADDED) != 0;
    f->leading_zero += (vc->flags & GS_VF_LEADING_ZERO) != 0;
    f->decimal_comma += (vc->flags & GS_VF_DECIMAL_COMMA) != 0;
    f->grouped += (vc->flags & GS_VF_GROUPED) != 0;
    f->date_ambiguous += (vc->flags & GS_VF_DATE_AMBIGUOUS) != 0;
    if (len < f->len_min)
        f->len_min = len;
    if (len > f->len_max)
        f->len_max = len;
    f->len_sum += len;
    if (vc->type == GS_VT_INTEGER || vc->type == GS_VT_DECIMAL) {
        double x = vc->number;
        if (f->numbers == 0 || x < f->num_min)
            f->num_min = x;
        if (f->numbers == 0 || x > f->num_max)
            f->num_max = x;
        f->numbers++;
        if (!f->num_kll && !(f->num_kll = gs_kll_new(GS_KLL_K_DEFAULT)))
            return GS_ENOMEM;
        gs_status st = gs_kll_add(f->num_kll, x);
        if (st != GS_OK)
            return st;
        double delta = x - f->num_mean;
        f->num_mean += delta / (double)f->numbers;
        f->num_m2 += delta * (x - f->num_mean);
    } else if (vc->type == GS_VT_DATE) {
        if (f->dates == 0 || vc->date_days < f->date_min)
            f->date_min = vc->date_days;
        if (f->dates == 0 || vc->date_days > f->date_max)
            f->date_max = vc->date_days;
        f->dates++;
    }
    if (vc->type != GS_VT_NULL) {
        /* A value with a top counter is in the HyperLogLog already (every
         * counter's value was added to both, or merged into both), and
         * adding it again would change nothing: only the others go in. */
        uint64_t h = gs_hash(bytes, len);
        gs_status st = gs_topk_add(f->top, bytes, len, h, 1)
                           ? GS_OK : gs_hll_add(f->hll, h);
        if (st != GS_OK)
            return st;
        if (f->keys && (vc->type == GS_VT_INTEGER || vc->type == GS_VT_STRING) &&
            (st = gs_keyset_add(f->keys, h, bytes, len, path, loc)) != GS_OK)
            return st;
    }
    gs_status st = add_format_and_shape(f, bytes, len, vc, path, loc);
    if (st != GS_OK)
        return st;
    if (!f->type_ex[vc->type].path)
        return gs__example_set(&f->type_ex[vc->type], path, loc, bytes, len,
                               NULL, f->max_value_bytes);
    return GS_OK;
}

void gs_field_count_present(gs_field *f)
{
    f->present++;
}

size_t gs_profile_field_count(const gs_profile *p)
{
    return p->fields.n;
}

const gs_field *gs_profile_field_at(const gs_profile *cp, size_t i)
{
    gs_profile *p = (gs_profile *)cp;
    gs__table_sort(&p->fields);
    return i < p->fields.n ? (const gs_field *)p->fields.items[i] : NULL;
}

const gs_field *gs_profile_field_find(const gs_profile *p,
                                      const char *collection, const char *path)
{
    return field_lookup(p, collection, path, strlen(path));
}

const char *gs_field_path(const gs_field *f)
{
    return f->path;
}

/* The case style of an ASCII word, as gs_value_classify would give it. */
static gs_vformat word_case(const char *w)
{
    int up = 0, low = 0, later_up = 0;
    for (size_t i = 0; w[i]; i++) {
        int u = w[i] >= 'A' && w[i] <= 'Z';
        up += u;
        low += w[i] >= 'a' && w[i] <= 'z';
        later_up += u && i > 0;
    }
    if (!up)
        return GS_VFMT_STR_LOWER;
    if (!low)
        return GS_VFMT_STR_UPPER;
    return later_up || !(w[0] >= 'A' && w[0] <= 'Z') ? GS_VFMT_STR_MIXED
                                                      : GS_VFMT_STR_TITLE;
}

/* Null tokens that are values in this field (the rule is in profile.h). */
static void read_tokens_in_context(const gs_field *f, gs_field_stats *o)
{
    uint64_t non_null = f->count - f->types[GS_VT_NULL];
    gs_topk_item top;
    if (non_null < GS_CONTEXT_MIN_VALUES ||
        gs_topk_items(f->shapes, &top, 1) != 1 ||
        2 * (top.count - top.error) < non_null)
        return;
    for (size_t t = 1; t < gs_null_token_count() && t < 32; t++) {
        const char *w = gs_null_token_name(t);
        size_t len = strlen(w), k = 0;
        uint64_t c = f->null_tokens[t];
        while (k < len && ((w[k] | 0x20) >= 'a' && (w[k] | 0x20) <= 'z'))
            k++;
        if (c == 0 || len > 3 || k != len || c > top.count)
            continue;
        char shape[GS_SHAPE_MAX];
        size_t sl = gs_value_shape(w, len, shape, sizeof shape);
        if (sl != top.len || memcmp(shape, top.value, sl) != 0)
            continue;
        o->null_tokens_as_values |= (uint32_t)1 << t;
        o->nulls_as_values += c;
        o->types[GS_VT_NULL] -= c;
        o->types[GS_VT_STRING] += c;
        o->formats[GS_VFMT_NULL_TOKEN] -= c;
        o->formats[word_case(w)] += c;
    }
}

void gs_field_stats_get(const gs_field *f, gs_field_stats *o)
{
    memset(o, 0, sizeof *o);
    o->collection = f->collection;
    o->path = f->path;
    o->count = f->count;
    o->present = f->present;
    memcpy(o->types, f->types, sizeof o->types);
    memcpy(o->kinds, f->kinds, sizeof o->kinds);
    o->null_tokens = f->null_tokens;
    o->padded = f->padded;
    o->leading_zero = f->leading_zero;
    o->decimal_comma = f->decimal_comma;
    o->grouped = f->grouped;
    o->date_ambiguous = f->date_ambiguous;
    o->len_min = f->count ? f->len_min : 0;
    o->len_max = f->len_max;
    o->len_sum = f->len_sum;
    o->numbers = f->numbers;
    o->num_min = f->num_min;
    o->num_max = f->num_max;
    o->num_mean = f->num_mean;
    o->num_m2 = f->num_m2;
    o->date_min = f->date_min;
    o->date_max = f->date_max;
    o->distinct = gs_hll_estimate(f->hll);
    o->num_quantiles = f->num_kll;
    o->top = f->top;
    o->type_examples = f->type_ex;
    o->hygiene = f->hygiene;
    o->hygiene_examples = f->hyg_ex;
    memcpy(o->formats, f->formats, sizeof o->formats);
    o->shapes = f->shapes;
    o->len_counts = f->len_n;
    o->len_counts_n = f->len_cap;
    o->len_long = f->len_kll;
    read_tokens_in_context(f, o);
    uint64_t non_null = o->count - o->types[GS_VT_NULL];
    o->dominant_format = -1;
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        if (gs_vformat_family((gs_vformat)i) != GS_FF_NULL && o->formats[i] &&
            (o->dominant_format < 0 ||
             o->formats[i] > o->formats[o->dominant_format]))
            o->dominant_format = i;
    o->dominant_share = o->dominant_format < 0 ? 0.0
        : (double)o->formats[o->dominant_format] / (double)non_null;
}

/* ---- merge ------------------------------------------------------------ */

static gs_status merge_counts(gs__table *into, const gs__table *from)
{
    for (size_t i = 0; i < from->n; i++) {
        const gs__count *c = (const gs__count *)from->items[i];
        gs_status st = gs__profile_count(into, c->row.key, c->row.count,
                                         c->row.bytes);
        if (st != GS_OK)
            return st;
    }
    return GS_OK;
}

/* Format counts and examples, shapes, lengths. */
static gs_status merge_formats(gs_field *a, const gs_field *b)
{
    gs_status st = GS_OK;
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        a->formats[i] += b->formats[i];
    /* a keeps its examples; formats only b has take b's */
    for (size_t i = 0; st == GS_OK && i < GS_VFMT__COUNT; i++) {
        if (!b->fmt_slot[i] || a->fmt_slot[i])
            continue;
        gs_example *ex = gs__field_format_example(a, (gs_vformat)i);
        st = ex ? example_copy(ex, &b->fmt_ex[b->fmt_slot[i] - 1])
                : GS_ENOMEM;
    }
    if (b->len_cap && gs__field_len_room(a, b->len_cap) != GS_OK)
        return GS_ENOMEM;
    for (size_t i = 0; i < b->len_cap; i++)
        a->len_n[i] += b->len_n[i];
    if (b->len_kll && !a->len_kll &&
        !(a->len_kll = gs_kll_new(gs_kll_k(b->len_kll))))
        return GS_ENOMEM;
    if (st == GS_OK && b->len_kll)
        st = gs_kll_merge(a->len_kll, b->len_kll);
    if (st == GS_OK)
        st = gs_topk_merge(a->shapes, b->shapes);
    if (st != GS_OK)
        return st;
    for (size_t i = 0; st == GS_OK && i < b->n_shape_ex; i++) {
        const gs__shape_ex *e = &b->shape_ex[i];
        if (!gs_topk_has(a->shapes, e->hash) || shape_ex_find(a, e->hash))
            continue;
        gs__shape_ex *d = shape_ex_slot(a, e->hash);
        st = d ? example_copy(&d->ex, &e->ex) : GS_ENOMEM;
    }
    return st;
}

static gs_status merge_field(gs_field *a, const gs_field *b)
{
    if (b->count && (a->count == 0 || b->len_min < a->len_min))
        a->len_min = b->len_min;
    if (b->len_max > a->len_max)
        a->len_max = b->len_max;
    a->len_sum += b->len_sum;
    a->count += b->count;
    a->present += b->present;
    for (int t = 0; t < GS_VT__COUNT; t++)
        a->types[t] += b->types[t];
    for (int k = 0; k < GS_VK__COUNT; k++)
        a->kinds[k] += b->kinds[k];
    for (size_t i = 0; i < gs_null_token_count(); i++)
        a->null_tokens[i] += b->null_tokens[i];
    a->padded += b->padded;
    a->leading_zero += b->leading_zero;
    a->decimal_comma += b->decimal_comma;
    a->grouped += b->grouped;
    a->date_ambiguous += b->date_ambiguous;
    if (b->numbers) {
        if (a->numbers == 0) {
            a->num_min = b->num_min;
            a->num_max = b->num_max;
            a->num_mean = b->num_mean;
            a->num_m2 = b->num_m2;
        } else {
            double na = (double)a->numbers, nb = (double)b->numbers;
            double n = na + nb, delta = b->num_mean - a->num_mean;
            /* weighted, not a->num_mean + delta * nb / n: delta * nb
             * overflows for values near DBL_MAX that a file's own
             * running mean holds fine */
            a->num_mean = a->num_mean * (na / n) + b->num_mean * (nb / n);
            a->num_m2 += b->num_m2 + delta * delta * na * nb / n;
            a->num_min = fmin(a->num_min, b->num_min);
            a->num_max = fmax(a->num_max, b->num_max);
        }
        a->numbers += b->numbers;
    }
    if (b->dates) {
        if (a->dates == 0 || b->date_min < a->date_min)
            a->date_min = b->date_min;
        if (a->dates == 0 || b->date_max > a->date_max)
            a->date_max = b->date_max;
        a->dates += b->dates;
    }
    if (b->num_kll && !a->num_kll &&
        !(a->num_kll = gs_kll_new(gs_kll_k(b->num_kll))))
        return GS_ENOMEM;
    gs_status st = b->num_kll ? gs_kll_merge(a->num_kll, b->num_kll) : GS_OK;
    if (st == GS_OK)
        st = gs_hll_merge(a->hll, b->hll);
    if (st == GS_OK)
        st = gs_topk_merge(a->top, b->top);
    if (st == GS_OK && a->keys && b->keys)
        st = gs_keyset_merge(a->keys, b->keys);
    for (int t = 0; st == GS_OK && t < GS_VT__COUNT; t++)
        if (!a->type_ex[t].path && b->type_ex[t].path)
            st = example_copy(&a->type_ex[t], &b->type_ex[t]);
    for (int h = 0; st == GS_OK && h < GS_HYG__COUNT; h++) {
        a->hygiene[h] += b->hygiene[h];
        if (!a->hyg_ex[h].path && b->hyg_ex[h].path)
            st = example_copy(&a->hyg_ex[h], &b->hyg_ex[h]);
    }
    if (st == GS_OK)
        st = merge_formats(a, b);
    if (st == GS_OK)
        st = gs__file_formats_merge(a, b);
    return st;
}

gs_status gs_profile_merge(gs_profile *into, const gs_profile *from)
{
    if (into->lim.hll_lg_k != from->lim.hll_lg_k ||
        into->lim.max_top_values != from->lim.max_top_values)
        return GS_EINVAL;
    gs_status st = GS_OK;
    for (size_t i = 0; st == GS_OK && i < from->n_roots; i++)
        st = gs_profile_add_root(into, from->roots[i]);

    gs_corpus_facts *a = &into->corpus;
    const gs_corpus_facts *b = &from->corpus;
    if (b->files) {
        if (a->files == 0 || b->mtime_min < a->mtime_min)
            a->mtime_min = b->mtime_min;
        if (a->files == 0 || b->mtime_max > a->mtime_max)
            a->mtime_max = b->mtime_max;
    }
    a->files += b->files;
    a->bytes += b->bytes;
    a->bytes_decoded += b->bytes_decoded;
    a->records += b->records;
    a->lines += b->lines;
    a->files_partial += b->files_partial;
    a->skipped += b->skipped;
    a->files_with_bom += b->files_with_bom;
    a->files_lf_only += b->files_lf_only;
    a->files_crlf_only += b->files_crlf_only;
    a->files_cr_only += b->files_cr_only;
    a->files_mixed_eol += b->files_mixed_eol;
    a->lf += b->lf;
    a->crlf += b->crlf;
    a->cr += b->cr;
    a->invalid_utf8 += b->invalid_utf8;
    a->files_invalid_utf8 += b->files_invalid_utf8;
    a->nul_bytes += b->nul_bytes;
    a->control_chars += b->control_chars;
    a->paths_overflow += b->paths_overflow;
    a->chars += b->chars;
    a->docs_dated += b->docs_dated;
    a->docs_future += b->docs_future;
    a->docs_resaved += b->docs_resaved;
    for (int i = 0; i < GS_MARK__COUNT; i++)
        a->docs_marked[i] += b->docs_marked[i];
    if (st == GS_OK && from->content_dates) {
        if (!into->content_dates &&
            !(into->content_dates = gs_kll_new(gs_kll_k(from->content_dates))))
            st = GS_ENOMEM;
        else
            st = gs_kll_merge(into->content_dates, from->content_dates);
    }

    if (st == GS_OK)
        st = merge_counts(&into->formats, &from->formats);
    if (st == GS_OK)
        st = merge_counts(&into->encodings, &from->encodings);
    if (st == GS_OK)
        st = merge_counts(&into->compressions, &from->compressions);
    if (st == GS_OK)
        st = merge_counts(&into->boms, &from->boms);
    if (st == GS_OK)
        st = merge_counts(&into->coll_files, &from->coll_files);
    if (st == GS_OK)
        st = merge_counts(&into->coll_records, &from->coll_records);
    if (st == GS_OK)
        st = gs__layouts_merge(into, from);

    for (size_t i = 0; st == GS_OK && i < from->defects.n; i++) {
        const gs__defect *d = (const gs__defect *)from->defects.items[i];
        gs__defect *t = gs__profile_defect_get(into, d->s.code, &st);
        if (!t)
            break;
        t->s.count += d->s.count;
        t->s.files += d->s.files;
        for (size_t k = 0; st == GS_OK && k < d->s.n_examples &&
                           t->s.n_examples < into->lim.max_examples; k++) {
            st = example_copy(&t->ex[t->s.n_examples], &d->ex[k]);
            if (st == GS_OK)
                t->s.n_examples++;
        }
    }

    for (size_t i = 0; st == GS_OK && i < from->fields.n; i++) {
        const gs_field *bf = (const gs_field *)from->fields.items[i];
        gs_status fst = GS_OK;
        gs_field *af = gs_profile_field(into, bf->collection, bf->path,
                                        strlen(bf->path), &fst);
        if (!af) {
            if (fst == GS_ELIMIT) {
                into->corpus.paths_overflow += bf->count;
                continue;
            }
            st = fst;
            break;
        }
        st = merge_field(af, bf);
    }
    return st;
}

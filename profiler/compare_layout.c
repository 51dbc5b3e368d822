/* compare_layout.c - findings about how the files of one kind are written.
 *
 * From the profiles' layouts and per-file formats (gs_profile_layouts,
 * gs_field_file_formats), per production collection or field:
 *   format.mixed_dialects         the collection's files use two or more CSV
 *                                 dialects (delimiter, quote, header), or
 *                                 one its sandbox files never used;
 *   format.mixed_header_orders    the same set of header names written in
 *                                 two or more orders, or in an order the
 *                                 sandbox never used for that set (a
 *                                 different set is a schema matter);
 *   format.mixed_line_endings     (scope "collection ...") the collection's
 *                                 files end their lines in two or more
 *                                 styles; the corpus-level finding of that
 *                                 id counts files mixing styles inside;
 *   format.format_differs_by_file the files of a field disagree on its
 *                                 dominant format: tickets-2026-10.csv
 *                                 writes created_at as %d/%m/%Y where
 *                                 tickets-2026-11.csv writes ISO dates.
 *                                 Case styles and null formats are left
 *                                 out (free text varies by file), and
 *                                 compatible formats count as one: 0/1 with
 *                                 integers, integers next to decimals (a
 *                                 file of whole amounts), an ambiguous d/m
 *                                 date next to either order.
 * Evidence: the first file of each dialect, order, style or format, with
 * its number of files.
 *
 * Invariants: only reads the profiles; findings go through
 * compare-private.h like every sibling check. */
#include "compare-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Evidence naming a file (no location: the whole file is the example). */
static void file_evidence(gs_comparison *c, gs_finding *f, const char *path,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void file_evidence(gs_comparison *c, gs_finding *f, const char *path,
                          const char *fmt, ...)
{
    char detail[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    gs_example ex = {.path = (char *)path, .detail = detail};
    gs__compare_evidence(c, f, &ex);
}

/* Rows [*lo, *hi) of kind and collection in rows (sorted by kind,
 * collection, value). */
static void group(const gs_layout_row *rows, size_t n, const char *kind,
                  const char *coll, size_t *lo, size_t *hi)
{
    size_t i = 0;
    while (i < n && (strcmp(rows[i].kind, kind) != 0 ||
                     strcmp(rows[i].collection, coll) != 0))
        i++;
    *lo = i;
    while (i < n && strcmp(rows[i].kind, kind) == 0 &&
           strcmp(rows[i].collection, coll) == 0)
        i++;
    *hi = i;
}

static int has_value(const gs_layout_row *rows, size_t lo, size_t hi,
                     const char *value)
{
    for (size_t i = lo; i < hi; i++)
        if (strcmp(rows[i].value, value) == 0)
            return 1;
    return 0;
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* "tab-joined names" for people: "a, b, c" (cut to cap). */
static void names_label(const char *names, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; names[i] && o + 3 < cap; i++) {
        if (names[i] == '\t') {
            out[o++] = ',';
            out[o++] = ' ';
        } else {
            out[o++] = names[i];
        }
    }
    out[o] = '\0';
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set of a header order: its names sorted, tab-joined, in a new
 * string (NULL on ENOMEM). */
static char *name_set(const char *order)
{
    size_t len = strlen(order), n = 1;
    for (size_t i = 0; i < len; i++)
        n += order[i] == '\t';
    char *copy = gs_strdup(order), *out = gs_malloc(len + 1);
    char **names = gs_malloc(n * sizeof *names);
    if (!copy || !out || !names) {
        gs_free(copy);
        gs_free(out);
        gs_free(names);
        return NULL;
    }
    size_t k = 0;
    for (char *s = copy;; s++) {
        names[k++] = s;
        s = strchr(s, '\t');
        if (!s)
            break;
        *s = '\0';
    }
    qsort(names, k, sizeof *names, str_cmp);
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(names[i]);
        if (i)
            out[o++] = '\t';
        memcpy(out + o, names[i], l);
        o += l;
    }
    out[o] = '\0';
    gs_free(copy);
    gs_free(names);
    return out;
}

static void check_dialects(gs_comparison *c, const gs_layout_row *pr,
                           size_t pn, const gs_layout_row *sb, size_t sn,
                           size_t lo, size_t hi)
{
    const char *coll = pr[lo].collection;
    size_t slo, shi, fresh = 0;
    group(sb, sn, "dialect", coll, &slo, &shi);
    for (size_t i = lo; i < hi; i++)
        fresh += shi > slo && !has_value(sb, slo, shi, pr[i].value);
    if (hi - lo < 2 && fresh == 0)
        return;
    (void)pn;
    char scope[300];
    snprintf(scope, sizeof scope, "collection %s", coll);
    gs_finding *f = gs__compare_add(
        c, "format.mixed_dialects", "format", scope, "dialects",
        (double)(shi - slo), (double)(hi - lo),
        "the CSV files of %s use %zu dialect%s (%zu the sandbox never used; "
        "sandbox: %zu)", coll, hi - lo, plural(hi - lo), fresh, shi - slo);
    for (size_t i = lo; i < hi; i++)
        file_evidence(c, f, pr[i].first, "%s: %llu file%s%s", pr[i].value,
                      (unsigned long long)pr[i].files, plural(pr[i].files),
                      shi > slo && !has_value(sb, slo, shi, pr[i].value)
                          ? ", not in the sandbox" : "");
}

/* Production orders [lo, hi) of one collection, grouped by name set. */
static void check_orders(gs_comparison *c, const gs_layout_row *pr,
                         const gs_layout_row *sb, size_t sn, size_t lo,
                         size_t hi)
{
    const char *coll = pr[lo].collection;
    size_t n = hi - lo, slo, shi;
    group(sb, sn, "header", coll, &slo, &shi);
    char **sets = gs_calloc(n + (shi - slo) + 1, sizeof *sets);
    if (!sets) {
        gs__compare_fail(c, GS_ENOMEM);
        return;
    }
    char **ssets = sets + n;
    for (size_t i = 0; i < n; i++)
        if (!(sets[i] = name_set(pr[lo + i].value)))
            goto oom;
    for (size_t i = 0; i < shi - slo; i++)
        if (!(ssets[i] = name_set(sb[slo + i].value)))
            goto oom;
    for (size_t i = 0; i < n; i++) {
        int first = 1, orders = 0, sandbox = 0, fresh = 0;
        for (size_t k = 0; k < n; k++) {
            if (strcmp(sets[k], sets[i]) != 0)
                continue;
            first &= k >= i;
            orders++;
        }
        for (size_t k = 0; k < shi - slo; k++)
            sandbox += strcmp(ssets[k], sets[i]) == 0;
        for (size_t k = 0; sandbox && k < n; k++)
            fresh += strcmp(sets[k], sets[i]) == 0 &&
                     !has_value(sb, slo, shi, pr[lo + k].value);
        if (!first || (orders < 2 && !fresh))
            continue;
        char scope[300], names[200];
        snprintf(scope, sizeof scope, "collection %s", coll);
        names_label(sets[i], names, sizeof names);
        gs_finding *f = gs__compare_add(
            c, "format.mixed_header_orders", "format", scope, "orders",
            (double)sandbox, (double)orders,
            "the files of %s write the same %s header in %d order%s (%d the "
            "sandbox never used; sandbox: %d)", coll, names, orders,
            plural((uint64_t)orders), fresh, sandbox);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(sets[k], sets[i]) != 0)
                continue;
            char order[200];
            names_label(pr[lo + k].value, order, sizeof order);
            file_evidence(c, f, pr[lo + k].first, "%s: %llu file%s", order,
                          (unsigned long long)pr[lo + k].files,
                          plural(pr[lo + k].files));
        }
    }
    goto done;
oom:
    gs__compare_fail(c, GS_ENOMEM);
done:
    for (size_t i = 0; i < n + (shi - slo); i++)
        gs_free(sets[i]);
    gs_free(sets);
}

static void check_line_endings(gs_comparison *c, const gs_layout_row *pr,
                               size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return;
    const char *coll = pr[lo].collection;
    char scope[300];
    snprintf(scope, sizeof scope, "collection %s", coll);
    gs_finding *f = gs__compare_add(
        c, "format.mixed_line_endings", "format", scope, "styles", NAN,
        (double)(hi - lo), "the files of %s end their lines in %zu styles",
        coll, hi - lo);
    for (size_t i = lo; i < hi; i++)
        file_evidence(c, f, pr[i].first, "%s: %llu file%s", pr[i].value,
                      (unsigned long long)pr[i].files, plural(pr[i].files));
}

static void check_layouts(gs_comparison *c, const gs_profile *sandbox,
                          const gs_profile *production)
{
    const gs_layout_row *pr, *sb;
    size_t pn = gs_profile_layouts(production, &pr, NULL);
    size_t sn = gs_profile_layouts(sandbox, &sb, NULL);
    for (size_t lo = 0, hi; lo < pn; lo = hi) {
        group(pr, pn, pr[lo].kind, pr[lo].collection, &lo, &hi);
        if (strcmp(pr[lo].kind, "dialect") == 0)
            check_dialects(c, pr, pn, sb, sn, lo, hi);
        else if (strcmp(pr[lo].kind, "header") == 0)
            check_orders(c, pr, sb, sn, lo, hi);
        else if (strcmp(pr[lo].kind, "eol") == 0)
            check_line_endings(c, pr, lo, hi);
    }
}

static int file_format_cmp(const void *a, const void *b)
{
    const gs_file_format *x = a, *y = b;
    if (x->files != y->files)
        return x->files < y->files ? 1 : -1;
    return (x->format > y->format) - (x->format < y->format);
}

/* A field's per-file formats that matter, compatible ones folded (see the
 * header comment), by files desc then format id (the profile's order
 * depends on how it was merged and saved); returns how many. */
static size_t distinct_formats(const gs_field *fld, gs_file_format *out)
{
    const gs_file_format *rows;
    size_t n = gs_field_file_formats(fld, &rows, NULL), k = 0;
    int dm = 0, dec = 0;
    for (size_t i = 0; i < n; i++) {
        gs_vformat f = rows[i].format;
        dm |= f == GS_VFMT_DATE_DMY_SLASH || f == GS_VFMT_DATE_MDY_SLASH;
        dec |= f == GS_VFMT_DEC_POINT || f == GS_VFMT_DEC_COMMA;
    }
    /* by format id, so a folded format keeps the first file of the lowest
     * id whatever the rows' order */
    for (int id = 0; id < GS_VFMT__COUNT; id++)
    for (size_t i = 0; i < n; i++) {
        gs_vformat f = rows[i].format;
        if (f != (gs_vformat)id)
            continue;
        gs_vfamily fam = gs_vformat_family(f);
        if (fam == GS_FF_NULL || fam == GS_FF_CASE || fam == GS_FF_OTHER ||
            (dm && f == GS_VFMT_DATE_DM_AMBIGUOUS))
            continue;
        if (f == GS_VFMT_INT_0_1)
            f = GS_VFMT_INT;
        if (dec && f == GS_VFMT_INT)
            continue;
        size_t j = 0;
        while (j < k && out[j].format != f)
            j++;
        if (j == k)
            out[k++] = (gs_file_format){f, 0, rows[i].first};
        out[j].files += rows[i].files;
    }
    qsort(out, k, sizeof *out, file_format_cmp);
    return k;
}

static void check_file_formats(gs_comparison *c, const gs_profile *sandbox,
                               const gs_profile *production)
{
    for (size_t i = 0; i < gs_profile_field_count(production); i++) {
        const gs_field *pf = gs_profile_field_at(production, i);
        gs_file_format fm[GS_FILE_FORMATS_MAX], sfm[GS_FILE_FORMATS_MAX];
        size_t n = distinct_formats(pf, fm);
        if (n < 2)
            continue;
        gs_field_stats st;
        gs_field_stats_get(pf, &st);
        const gs_field *sf = gs_profile_field_find(sandbox, st.collection,
                                                   st.path);
        size_t sn = sf ? distinct_formats(sf, sfm) : 0;
        char scope[600], list[300];
        snprintf(scope, sizeof scope, "field %s:%s", st.collection, st.path);
        size_t o = 0;
        list[0] = '\0';
        for (size_t k = 0; k < n && o < sizeof list; k++) {
            int w = snprintf(list + o, sizeof list - o, "%s%s in %llu",
                             k ? ", " : "", gs_vformat_label(fm[k].format),
                             (unsigned long long)fm[k].files);
            o += w > 0 ? (size_t)w : 0;
        }
        gs_finding *f = gs__compare_add(
            c, "format.format_differs_by_file", "format", scope, "formats",
            (double)sn, (double)n,
            "the files of %s write %s in %zu formats: %s (sandbox files: "
            "%zu)", st.collection, st.path, n, list, sn);
        for (size_t k = 0; k < n; k++)
            file_evidence(c, f, fm[k].first, "%s (%s): dominant in %llu "
                          "file%s", gs_vformat_label(fm[k].format),
                          gs_vformat_name(fm[k].format),
                          (unsigned long long)fm[k].files,
                          plural(fm[k].files));
    }
}

void gs__compare_layouts(gs_comparison *c, const gs_profile *sandbox,
                         const gs_profile *production)
{
    check_layouts(c, sandbox, production);
    check_file_formats(c, sandbox, production);
}

/* judge.c - score charset answers against the corpus labels.
 *
 *   judge LABELS DIR ANSWERS
 *
 * LABELS is make_corpus.py's labels.tsv; ANSWERS has one "name<TAB>charset"
 * line per file (gapscan's answers). For every file the judge also asks ICU
 * alone (ucsdet's best match, no threshold) and uchardet alone (its name as
 * it gives it), both on the first 64 KiB as gapscan sees it, and prints per
 * labelled charset and overall how often each was right, then a last line
 *   overall gapscan=P icu=P uchardet=P
 * with percentages, for the calling script to compare with its bar.
 *
 * An answer is right when ICU decodes the whole file to the same text with
 * it as with the label (a leading U+FEFF ignored), so windows-1252 for
 * Latin-1 text without C1 bytes, or UTF-8 for ASCII, is right. An empty
 * answer or "undetermined" is excused on a "short" file and counted apart;
 * on any other file it is wrong. Undecodable bytes decode to U+FFFD under
 * both names, so damaged UTF-8 labelled UTF-8 is judged the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#define HEAD (64 * 1024)
#define MAXF 2048

enum { GAP, ICU, UCD, NDET };
static const char *const det_name[NDET] = {"gapscan", "icu", "uchardet"};

typedef struct row {
    char label[40];
    int n, right[NDET], excused[NDET];
} row;

static row rows[64];
static int nrows;

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL &&
        fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    *len = b ? (size_t)n : 0;
    fclose(f);
    return b;
}

/* The text of p[0..n) in charset, as UTF-16 (a leading U+FEFF dropped), in
 * a malloc'd buffer; NULL when ICU has no such converter. */
static UChar *decode(const char *charset, const unsigned char *p, size_t n,
                     int32_t *ulen)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *c = ucnv_open(charset, &err);
    UChar *u;
    if (U_FAILURE(err))
        return NULL;
    int32_t cap = (int32_t)(2 * n + 16);
    u = malloc((size_t)cap * sizeof *u);
    *ulen = ucnv_toUChars(c, u, cap, (const char *)p, (int32_t)n, &err);
    ucnv_close(c);
    if (U_FAILURE(err)) {
        free(u);
        return NULL;
    }
    if (*ulen > 0 && u[0] == 0xFEFF)
        memmove(u, u + 1, (size_t)--*ulen * sizeof *u);
    return u;
}

static int same_text(const char *label, const char *answer,
                     const unsigned char *p, size_t n)
{
    int32_t la, lb;
    UChar *a = decode(label, p, n, &la), *b;
    int same;
    if (!a)
        return 0;
    b = decode(answer, p, n, &lb);
    same = b && la == lb && memcmp(a, b, (size_t)la * sizeof *a) == 0;
    free(a);
    free(b);
    return same;
}

static void icu_alone(const unsigned char *p, size_t n, char *out, size_t cap)
{
    UErrorCode err = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&err);
    const UCharsetMatch *m;
    out[0] = '\0';
    ucsdet_setText(d, (const char *)p, (int32_t)n, &err);
    m = ucsdet_detect(d, &err);
    if (U_SUCCESS(err) && m) {
        const char *nm = ucsdet_getName(m, &err);
        if (U_SUCCESS(err) && nm)
            snprintf(out, cap, "%s", nm);
    }
    ucsdet_close(d);
}

static void uchardet_alone(const unsigned char *p, size_t n, char *out,
                           size_t cap)
{
    uchardet_t u = uchardet_new();
    out[0] = '\0';
    if (uchardet_handle_data(u, (const char *)p, n) == 0) {
        uchardet_data_end(u);
        snprintf(out, cap, "%s", uchardet_get_charset(u));
    }
    uchardet_delete(u);
}

static row *row_of(const char *label)
{
    for (int i = 0; i < nrows; i++)
        if (strcmp(rows[i].label, label) == 0)
            return &rows[i];
    snprintf(rows[nrows].label, sizeof rows[0].label, "%s", label);
    return &rows[nrows++];
}

int main(int argc, char **argv)
{
    static char names[MAXF][128], answers[MAXF][40];
    char line[512], path[4096];
    int nans = 0, verbose = getenv("JUDGE_VERBOSE") != NULL;
    FILE *lf, *af;

    if (argc != 4) {
        fprintf(stderr, "usage: judge LABELS DIR ANSWERS\n");
        return 2;
    }
    if (!(af = fopen(argv[3], "r")) || !(lf = fopen(argv[1], "r"))) {
        perror("judge");
        return 2;
    }
    while (nans < MAXF && fgets(line, sizeof line, af)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        tab[strcspn(tab + 1, "\r\n") + 1] = '\0';
        snprintf(names[nans], sizeof names[0], "%.127s", line);
        snprintf(answers[nans++], sizeof answers[0], "%.39s", tab + 1);
    }
    fclose(af);

    while (fgets(line, sizeof line, lf) && nrows < 63) {
        char *f[5] = {line}, ans[NDET][64];
        int k = 1;
        for (char *c = line; *c && k < 5; c++)
            if (*c == '\t')
                *c = '\0', f[k++] = c + 1;
        if (k < 5)
            continue;
        f[4][strcspn(f[4], "\r\n")] = '\0';
        snprintf(path, sizeof path, "%s/%s", argv[2], f[0]);
        size_t n;
        unsigned char *data = slurp(path, &n);
        if (!data) {
            fprintf(stderr, "judge: cannot read %s\n", path);
            return 2;
        }
        ans[GAP][0] = '\0';
        for (int i = 0; i < nans; i++)
            if (strcmp(names[i], f[0]) == 0)
                snprintf(ans[GAP], sizeof ans[GAP], "%.39s", answers[i]);
        icu_alone(data, n < HEAD ? n : HEAD, ans[ICU], sizeof ans[ICU]);
        uchardet_alone(data, n < HEAD ? n : HEAD, ans[UCD], sizeof ans[UCD]);

        row *r = row_of(f[1]);
        r->n++;
        for (int d = 0; d < NDET; d++) {
            int none = !ans[d][0] || strcmp(ans[d], "undetermined") == 0;
            int ok = !none && same_text(f[1], ans[d], data, n);
            int excused = none && strcmp(f[3], "short") == 0;
            r->right[d] += ok;
            r->excused[d] += excused;
            if (verbose && !ok && !excused)
                printf("wrong %-8s %-50s %-14s said %s\n", det_name[d], f[0],
                       f[1], ans[d][0] ? ans[d] : "(nothing)");
        }
        free(data);
    }
    fclose(lf);

    int tot = 0, right[NDET] = {0}, exc[NDET] = {0};
    printf("%-14s %5s  %-16s %-16s %-16s\n", "charset", "files",
           "gapscan", "icu", "uchardet");
    for (int i = 0; i < nrows; i++) {
        row *r = &rows[i];
        printf("%-14s %5d ", r->label, r->n);
        for (int d = 0; d < NDET; d++) {
            char cell[32];
            snprintf(cell, sizeof cell, "%5.1f%% (%d)",
                     100.0 * (r->right[d] + r->excused[d]) / r->n,
                     r->excused[d]);
            printf(" %-16s", cell);
            right[d] += r->right[d];
            exc[d] += r->excused[d];
        }
        printf("\n");
        tot += r->n;
    }
    printf("%-14s %5d ", "all", tot);
    for (int d = 0; d < NDET; d++) {
        char cell[32];
        snprintf(cell, sizeof cell, "%5.1f%% (%d)",
                 100.0 * (right[d] + exc[d]) / tot, exc[d]);
        printf(" %-16s", cell);
    }
    printf("\n(right or excused; in brackets: short files called undetermined)\n");
    printf("overall");
    for (int d = 0; d < NDET; d++)
        printf(" %s=%.1f", det_name[d], 100.0 * (right[d] + exc[d]) / tot);
    printf("\n");
    return 0;
}

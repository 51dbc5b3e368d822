/* test_csv_fast.c - the CSV parser's three ways of splitting rows give the
 * same events.
 *
 * parsers/csv.c splits a row that strict libcsv would read without an error
 * itself (fast_row), finding the delimiter, the quote and line ends with
 * SSE2 where the compiler has it, byte by byte otherwise; anything else goes
 * through libcsv. This file includes csv.c (its exported names renamed, so
 * they do not clash with the library's) to reach gs_parser.scan and run the
 * same bytes three ways: SCAN_SIMD (what the library does), SCAN_SCALAR and
 * SCAN_SLOW (every row through libcsv, the reference). The transcripts
 * must be equal:
 *   - for every CSV/TSV fixture, whole and in every chunk size 1..64, and
 *     the libcsv transcript must be the golden one (so every golden CSV/TSV
 *     transcript is libcsv's; GS_UPDATE_GOLDEN=1 rewrites them from the
 *     libcsv path);
 *   - for thousands of generated inputs: rows of plain, quoted and empty
 *     cells with doubled quotes, delimiters, CR, LF and CRLF inside quotes,
 *     CRLF and blank lines, and breakage (stray quotes, text after a closing
 *     quote, quotes never closed, 0xFF), with default and with small
 *     limits, in several chunkings.
 * The row scanner for split files (gs_csv_rows) is compared the same way,
 * whole records over SSE2 or scalar masks against its byte-by-byte state
 * machine. And the SSE2 bit mask equals the scalar one on every byte value.
 */
#define gs_csv_parser_type fast_test_csv_type
#define gs_tsv_parser_type fast_test_tsv_type
#define gs_csv_resume fast_test_csv_resume
#define gs_csv_rows_init fast_test_csv_rows_init
#define gs_csv_rows_feed fast_test_csv_rows_feed
#include "../parsers/csv.c"

#include <check.h>
#include <dirent.h>
#include <stdlib.h>

#include "transcript.h"

/* ---- the three paths ---- */

static gs_status open_as(const gs_limits *lim, const gs_sink *sink,
                         char delim, int scan, gs_parser **out)
{
    gs_status st = open_common(lim, sink, delim, out);
    if (st == GS_OK)
        (*out)->scan = scan;
    return st;
}

static gs_status csv_scalar(const gs_limits *l, const gs_sink *s,
                            gs_parser **o)
{
    return open_as(l, s, 0, SCAN_SCALAR, o);
}

static gs_status tsv_scalar(const gs_limits *l, const gs_sink *s,
                            gs_parser **o)
{
    return open_as(l, s, '\t', SCAN_SCALAR, o);
}

static gs_status csv_libcsv(const gs_limits *l, const gs_sink *s,
                            gs_parser **o)
{
    return open_as(l, s, 0, SCAN_SLOW, o);
}

static gs_status tsv_libcsv(const gs_limits *l, const gs_sink *s,
                            gs_parser **o)
{
    return open_as(l, s, '\t', SCAN_SLOW, o);
}

#define PATH_TYPE(NAME, OPEN)                                            \
    static const gs_parser_type NAME = {                                 \
        .name = #NAME, .format = GS_FMT_CSV, .open = OPEN,               \
        .feed = csv_feed, .finish = csv_finish, .close = csv_close,      \
    }
PATH_TYPE(csv_scalar_type, csv_scalar);
PATH_TYPE(tsv_scalar_type, tsv_scalar);
PATH_TYPE(csv_libcsv_type, csv_libcsv);
PATH_TYPE(tsv_libcsv_type, tsv_libcsv);

enum { SIMD, SCALAR, LIBCSV };

static const gs_parser_type *path_type(int tsv, int path)
{
    static const gs_parser_type *t[2][3] = {
        {&fast_test_csv_type, &csv_scalar_type, &csv_libcsv_type},
        {&fast_test_tsv_type, &tsv_scalar_type, &tsv_libcsv_type},
    };
    return t[tsv][path];
}

static const char *path_name[] = {"simd", "scalar", "libcsv"};

/* Fails unless every path, fed in every chunking listed (0: whole), gives
 * libcsv's transcript of the whole input; returns that (malloc'd). */
static char *same_on_every_path(int tsv, const gs_limits *lim,
                                const char *data, size_t len,
                                const long *chunks, size_t nchunks,
                                const char *what)
{
    char *want = tx_transcript(path_type(tsv, LIBCSV), lim, data, len, 0);
    for (int path = SIMD; path <= LIBCSV; path++) {
        for (size_t c = 0; c < nchunks; c++) {
            char *got = tx_transcript(path_type(tsv, path), lim, data, len,
                                      chunks[c]);
            ck_assert_msg(strcmp(got, want) == 0,
                          "%s: %s path, chunks of %ld:\n%s\n--- libcsv:\n%s",
                          what, path_name[path], chunks[c], got, want);
            free(got);
        }
    }
    return want;
}

/* ---- fixtures ---- */

static const char *datadir(void)
{
    const char *d = getenv("GS_DATADIR");
    return d ? d : "tests/data";
}

START_TEST(every_csv_fixture_gives_libcsvs_golden_events_on_every_path)
{
    gs_limits lim;
    gs_limits_default(&lim);
    long chunks[65];
    for (long c = 0; c <= 64; c++)
        chunks[c] = c;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/parsers", datadir());
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    size_t seen = 0;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || (strcmp(dot, ".csv") != 0 && strcmp(dot, ".tsv") != 0))
            continue;
        char path[1300], gpath[1320];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(gpath, sizeof gpath, "%s.events", path);
        size_t len;
        char *data = tx_slurp(path, &len);
        ck_assert_ptr_nonnull(data);
        char *got = same_on_every_path(strcmp(dot, ".tsv") == 0, &lim, data,
                                       len, chunks, 65, e->d_name);
        ck_assert_msg(tx_golden(gpath, got),
                      "%s: libcsv's transcript is not the golden one:\n%s",
                      e->d_name, got);
        free(got);
        free(data);
        seen++;
    }
    closedir(d);
    ck_assert_uint_gt(seen, 20);
}
END_TEST

/* ---- generated inputs ---- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((rng_state >> 33) % n);
}

static void put(str *s, const char *b)
{
    str_addn(s, b, strlen(b));
}

/* Text for a cell: letters, spaces, UTF-8, and (quoted) the delimiter,
 * line ends and doubled quotes. */
static void cell_text(str *s, char delim, char q, int quoted)
{
    static const char *plain[] = {"a", "bc", "de f", " ", "\t", "\xC3\xA9",
                                  "123", "x y z", "12.5", "longer text"};
    unsigned n = rnd(6);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = rnd(quoted ? 16 : 11);
        if (k < 10)
            put(s, plain[rnd(10)]);
        else if (k == 10 || k == 11)
            str_addn(s, &delim, 1);
        else if (k == 12)
            put(s, "\n");
        else if (k == 13)
            put(s, rnd(2) ? "\r" : "\r\n");
        else {
            char qq[2] = {q, q};
            str_addn(s, qq, 2);
        }
    }
}

/* One input: a header and rows, mostly well formed. */
static void gen_input(str *s, char delim, char q)
{
    unsigned cols = 1 + rnd(6), rows = rnd(12);
    for (unsigned r = 0; r <= rows; r++) {
        unsigned width = rnd(8) ? cols : 1 + rnd(8);
        for (unsigned c = 0; c < width; c++) {
            if (c)
                str_addn(s, &delim, 1);
            unsigned kind = rnd(20);
            if (kind < 8) {
                cell_text(s, delim, q, 0);
            } else if (kind < 16) {
                str_addn(s, &q, 1);
                cell_text(s, delim, q, 1);
                str_addn(s, &q, 1);
            } else if (kind == 16) {
                str_addn(s, &q, 1);          /* a quote maybe never closed */
                cell_text(s, delim, q, 1);
            } else if (kind == 17) {
                str_addn(s, &q, 1);          /* text after the close */
                cell_text(s, delim, q, 1);
                str_addn(s, &q, 1);
                put(s, "x");
            } else if (kind == 18) {
                put(s, "a");                 /* a quote inside */
                str_addn(s, &q, 1);
                put(s, "b");
            } else {
                put(s, rnd(2) ? "\xFF" : " \"q\"");
            }
        }
        unsigned end = rnd(12);
        put(s, end < 7 ? "\n" : end < 9 ? "\r\n" : end < 10 ? "\r"
               : end < 11 ? "\n\n" : "");
    }
}

START_TEST(generated_inputs_give_libcsvs_events_on_every_path)
{
    static const long chunks[] = {0, 1, 3, 7, 64, -1};
    static const char delims[] = {',', ';', '\t', '|'};
    static const char quotes[] = {'"', '\''};
    gs_limits lim, small;
    gs_limits_default(&lim);
    gs_limits_default(&small);
    small.max_field_bytes = 16;
    small.max_columns = 3;
    rng_state = 42;
    for (int i = 0; i < 3000; i++) {
        str s = {0};
        char delim = delims[rnd(4)], q = quotes[rnd(7) == 0];
        gen_input(&s, delim, q);
        if (s.len == 0) {
            free(s.p);
            continue;
        }
        char what[32];
        snprintf(what, sizeof what, "input %d", i);
        const gs_limits *l = rnd(4) ? &lim : &small;
        free(same_on_every_path(delim == '\t' && rnd(2), l, s.p, s.len,
                                chunks, sizeof chunks / sizeof *chunks,
                                what));
        free(s.p);
    }
}
END_TEST

/* Long rows: cells that cross the 64-byte windows, a row past PLAIN_CELLS
 * cells, rows past the field limit, inputs cut anywhere. */
START_TEST(long_rows_give_libcsvs_events_on_every_path)
{
    static const long chunks[] = {0, 1, 63, 64, 65, 100, -1};
    gs_limits lim, small;
    gs_limits_default(&lim);
    gs_limits_default(&small);
    small.max_field_bytes = 200;
    str s = {0};
    put(&s, "id,text,n\n");
    for (int r = 0; r < 40; r++) {
        char head[32];
        snprintf(head, sizeof head, "%d,", r);
        put(&s, head);
        if (r % 3 == 0)
            put(&s, "\"");
        for (int k = 0; k < r * 7; k++)
            put(&s, k % 13 == 0 && r % 3 == 0 ? "\"\"" : k % 29 == 0 && r % 3 == 0
                    ? "\n" : "abcdefghi");
        put(&s, r % 3 == 0 ? "\",1\n" : ",1\n");
    }
    for (int k = 0; k < 300; k++)  /* a row of 301 cells */
        put(&s, "x,");
    put(&s, "x\nlast,row,1\n");
    free(same_on_every_path(0, &lim, s.p, s.len, chunks, 7, "long rows"));
    free(same_on_every_path(0, &small, s.p, s.len, chunks, 7, "small"));
    for (size_t cut = s.len - 1; cut > s.len - 400; cut -= 37)
        free(same_on_every_path(0, &lim, s.p, cut, chunks, 7, "cut"));
    free(s.p);
}
END_TEST

/* The row scanner (gs_csv_rows, for splitting a file) three ways: whole
 * records over SSE2 or scalar masks, or every byte through its state
 * machine; the counts, the state and what each feed consumed must agree
 * (cells only inside a row: between rows it is the last row's count, which
 * a whole record does not update). */
static void rows_same_on_every_path(const gs_csv_dialect *d,
                                    const gs_limits *lim, const char *data,
                                    size_t len, size_t piece,
                                    size_t stop_from, const char *what)
{
    gs_csv_rows r[3];
    size_t at[3];
    for (int path = SCAN_SIMD; path <= SCAN_SLOW; path++) {
        gs_csv_rows_init(&r[path], d, lim);
        at[path] = 0;
        while (at[path] < len && r[path].clean && !r[path].at_boundary) {
            size_t n = len - at[path] < piece ? len - at[path] : piece;
            size_t from = stop_from > at[path] ? stop_from - at[path] : 0;
            at[path] += rows_feed(&r[path], data + at[path], n, from, path);
        }
    }
    for (int path = SCAN_SIMD; path < SCAN_SLOW; path++) {
        const gs_csv_rows *a = &r[path], *b = &r[SCAN_SLOW];
        ck_assert_msg(at[path] == at[SCAN_SLOW] && a->rows == b->rows &&
                      a->newlines == b->newlines && a->clean == b->clean &&
                      a->at_boundary == b->at_boundary &&
                      a->state == b->state && a->field == b->field &&
                      (a->state == RS_ROW || a->cells == b->cells),
                      "%s: %s rows differ (used %zu/%zu rows %llu/%llu "
                      "newlines %llu/%llu clean %d/%d state %d/%d)", what,
                      path_name[path], at[path], at[SCAN_SLOW],
                      (unsigned long long)a->rows, (unsigned long long)b->rows,
                      (unsigned long long)a->newlines,
                      (unsigned long long)b->newlines, a->clean, b->clean,
                      a->state, b->state);
    }
}

START_TEST(the_row_scanner_counts_the_same_on_every_path)
{
    static const char delims[] = {',', ';', '\t', '|'};
    static const size_t pieces[] = {SIZE_MAX, 1, 5, 64, 100};
    gs_limits lim, small;
    gs_limits_default(&lim);
    gs_limits_default(&small);
    small.max_field_bytes = 48;
    small.max_columns = 3;
    rng_state = 99;
    for (int i = 0; i < 3000; i++) {
        str s = {0};
        char delim = delims[rnd(4)], q = rnd(7) ? '"' : '\'';
        gen_input(&s, delim, q);
        gs_csv_dialect d = {delim, rnd(9) ? q : -1, 1};
        const gs_limits *l = rnd(4) ? &lim : &small;
        char what[32];
        snprintf(what, sizeof what, "input %d", i);
        size_t stop = rnd(2) ? SIZE_MAX : rnd((unsigned)s.len + 1);
        for (size_t k = 0; k < sizeof pieces / sizeof *pieces; k++)
            rows_same_on_every_path(&d, l, s.p ? s.p : "", s.len, pieces[k],
                                    stop, what);
        free(s.p);
    }
}
END_TEST

#ifdef __SSE2__
START_TEST(sse2_finds_the_bytes_the_scalar_scan_finds)
{
    gs_parser p = {.delim = ',', .quote = '"'};
    unsigned char buf[64];
    static const struct { char delim; int quote; } d[] = {
        {',', '"'}, {'\t', '\''}, {';', -1}, {'|', '"'}};
    rng_state = 7;
    for (size_t k = 0; k < sizeof d / sizeof *d; k++) {
        p.delim = d[k].delim;
        p.quote = d[k].quote;
        set_stops(&p);
        unsigned char q = p.quote >= 0 ? (unsigned char)p.quote : NO_QUOTE;
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < 64; i++)  /* every byte value, shuffled */
                buf[i] = (unsigned char)(round < 4 ? (unsigned)(round * 64 + i)
                                                   : rnd(256));
            if (round >= 4 && round % 2)  /* dense in specials */
                for (int i = 0; i < 64; i += 1 + (int)rnd(3))
                    buf[i] = (unsigned char)"\n\r,\t;|\"'\xFF"[rnd(9)];
            ck_assert_uint_eq(
                special_bits_sse2((unsigned char)p.delim, q, buf),
                special_bits_scalar(p.stop, buf, 64));
        }
    }
}
END_TEST
#endif

static Suite *suite(void)
{
    Suite *s = suite_create("csv_fast");
    TCase *tc = tcase_create("paths");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc,
                   every_csv_fixture_gives_libcsvs_golden_events_on_every_path);
    tcase_add_test(tc, generated_inputs_give_libcsvs_events_on_every_path);
    tcase_add_test(tc, long_rows_give_libcsvs_events_on_every_path);
    tcase_add_test(tc, the_row_scanner_counts_the_same_on_every_path);
#ifdef __SSE2__
    tcase_add_test(tc, sse2_finds_the_bytes_the_scalar_scan_finds);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* test_csv.c - the CSV/TSV parser's own decisions: the dialect sniffer
 * (delimiter, quote, header), the leading BOM, rows without a header, and
 * the unterminated-quote recovery with its bound.
 *
 * The entry points for a split file (csv.h): the row scanner against what
 * strict libcsv does, and a parser resumed at a record start against the
 * whole parse.
 *
 * Golden fixtures (tests/data/parsers/csv_*, tsv_*) show whole transcripts;
 * here each decision is one small input and the fact or event it must give,
 * every input also fed one byte at a time to prove the same events come out.
 */
#include "gapscan/csv.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"

/* The transcript (tests/transcript.c) of data parsed as fmt, whole; fed one
 * byte at a time it must be the same. */
static char *parse_lim(gs_format fmt, const gs_limits *lim, const char *data,
                       size_t len)
{
    const gs_parser_type *t = gs_parser_for(fmt);
    char *whole = tx_transcript(t, lim, data, len, 0);
    char *bytes = tx_transcript(t, lim, data, len, 1);
    ck_assert_msg(strcmp(whole, bytes) == 0, "chunking changed events:\n%s"
                  "--- byte by byte:\n%s", whole, bytes);
    free(bytes);
    return whole;
}

static char *parse_as(gs_format fmt, const char *data)
{
    gs_limits lim;
    gs_limits_default(&lim);
    return parse_lim(fmt, &lim, data, strlen(data));
}

#define has(hay, needle) \
    ck_assert_msg(strstr(hay, needle) != NULL, "missing <%s> in:\n%.3000s", \
                  needle, hay)
#define lacks(hay, needle) \
    ck_assert_msg(strstr(hay, needle) == NULL, "unexpected <%s> in:\n%.3000s", \
                  needle, hay)

/* ---- the sniffer ---- */

typedef struct sniff_case {
    gs_format fmt;
    const char *data;
    const char *delim, *quote, *header;  /* as the transcript escapes them */
} sniff_case;

#define DQ "\\\""
static const sniff_case cases[] = {
    /* delimiters */
    {GS_FMT_CSV, "id,name,score\n1,Alice,90\n2,Bob,85\n", ",", DQ, "present"},
    {GS_FMT_CSV, "id;name;price\n1;Widget;3,50\n2;Gadget;12,00\n3;Nut;0,10\n",
     ";", DQ, "present"},
    {GS_FMT_CSV, "id\tcity\tnote\n1\tParis\ta, b\n2\tRome\tc, d\n", "\\t", DQ,
     "present"},
    {GS_FMT_CSV, "a|b|c\n1|x, y|2\n3|z; w|4\n", "|", DQ, "present"},
    {GS_FMT_CSV, "user:uid:home\nroot:0:/root\nbin:1:/bin\n", ":", DQ,
     "present"},
    {GS_FMT_CSV, "k^v\nx^1,2\ny^3;4\n", "^", DQ, "present"},
    {GS_FMT_CSV, "k~v~w\nx~1~a b\ny~2~c d\n", "~", DQ, "present"},
    /* times and URLs hold ':' but the commas are consistent */
    {GS_FMT_CSV, "id,at\n1,12:30:00\n2,13:45:10\n3,09:00:00\n", ",", DQ,
     "present"},
    {GS_FMT_CSV, "id,url\n1,https://a.example/x\n2,http://b.example/y:8\n",
     ",", DQ, "present"},
    /* a delimiter inside quotes does not count */
    {GS_FMT_CSV, "a;b\n\"1,2,3\";x\n\"4,5,6\";y\n", ";", DQ, "present"},
    /* quotes */
    {GS_FMT_CSV, "n,s\n1,'a, b'\n2,'c, d'\n3,'it''s'\n", ",", "'", "present"},
    {GS_FMT_CSV, "id,size\n1,12\" pizza\n2,27\" screen\n", ",", "none",
     "present"},
    {GS_FMT_CSV, "id,name\n1,O'Brien\n2,D'Arcy\n", ",", DQ, "present"},
    {GS_FMT_CSV, "plain,file\nno,quotes\n", ",", DQ, "present"},
    /* one column: nothing to split, the defaults */
    {GS_FMT_CSV, "name\nAlice\nBob\n", ",", DQ, "present"},
    /* TSV keeps the tab whatever else the rows hold */
    {GS_FMT_TSV, "a,b,c\td\n1,2,3\t4\n5,6,7\t8\n", "\\t", DQ, "present"},
    {GS_FMT_TSV, "1\t'x\ty'\n2\t'z'\n", "\\t", "'", "absent"},
    /* headers */
    {GS_FMT_CSV, "1,Alice,2024-01-05\n2,Bob,2024-02-11\n", ",", DQ, "absent"},
    {GS_FMT_CSV, "US,United States\nFR,France\nDE,Germany\n", ",", DQ,
     "absent"},
    {GS_FMT_CSV, "country,name\nUS,United States\nFR,France\n", ",", DQ,
     "present"},
    {GS_FMT_CSV, "name,city\nAlice,Paris\nBob,Berlin\n", ",", DQ, "present"},
    {GS_FMT_CSV, "id,name\n", ",", DQ, "present"},
    {GS_FMT_CSV, "1,2,3\n", ",", DQ, "absent"},
    {GS_FMT_CSV, "2019,2020,note\n5,6,a\n7,8,b\n", ",", DQ, "absent"},
};

START_TEST(the_sniffer_picks_delimiter_quote_and_header)
{
    const sniff_case *c = &cases[_i];
    char *got = parse_as(c->fmt, c->data);
    char want[96];
    snprintf(want, sizeof want, "fact csv.delimiter %s\nfact csv.quote %s\n"
             "fact csv.header %s\n", c->delim, c->quote, c->header);
    ck_assert_msg(strncmp(got, want, strlen(want)) == 0,
                  "case %d: want\n%sgot\n%s", _i, want, got);
    free(got);
}
END_TEST

START_TEST(blank_or_empty_input_reports_no_dialect)
{
    const char *inputs[] = {"", "\n", "\r\n\r\n", "\xEF\xBB\xBF"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *got = parse_as(GS_FMT_CSV, inputs[i]);
        ck_assert_str_eq(got, "status OK\n");
        free(got);
    }
}
END_TEST

/* Evidence past the first 64 KiB does not change the dialect, and the
 * choice is the same however the bytes arrive. */
START_TEST(the_dialect_is_decided_on_the_first_64_kib)
{
    size_t head = 64 * 1024, cap = head + 64 * 1024;
    char *data = malloc(cap + 1);
    size_t len = (size_t)sprintf(data, "a,b\n");
    while (len < head)  /* the whole sample is comma rows */
        len += (size_t)sprintf(data + len, "%zu,x\n", len % 97);
    while (len < cap - 16)
        len += (size_t)sprintf(data + len, "1;2;3;4;5;6\n");
    gs_limits lim;
    gs_limits_default(&lim);
    const gs_parser_type *csv = gs_parser_for(GS_FMT_CSV);
    char *whole = tx_transcript(csv, &lim, data, len, 0);
    has(whole, "fact csv.delimiter ,\n");
    lacks(whole, "fact csv.delimiter ;");
    has(whole, "value 1 TEXT \"x\"");
    has(whole, "defect csv.ragged_row");  /* the ';' rows, as one cell */
    const long chunks[] = {1, 3, 4096, 65535, 65536, 65537, -1};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *got = tx_transcript(csv, &lim, data, len, chunks[i]);
        ck_assert_msg(strcmp(got, whole) == 0, "chunks of %ld differ",
                      chunks[i]);
        free(got);
    }
    free(whole);
    free(data);
}
END_TEST

/* ---- BOM, header, rows ---- */

START_TEST(a_leading_bom_is_not_part_of_the_first_name)
{
    char *got = parse_as(GS_FMT_CSV, "\xEF\xBB\xBFid,name\n1,a\n");
    has(got, "field 0 id\nfield 1 name\nfact csv.header_names id,name\n"
        "record_begin line=2 rec=1 off=11\n");
    free(got);
    /* a U+FEFF anywhere else is data */
    got = parse_as(GS_FMT_CSV, "id,name\n1,\xEF\xBB\xBFx\n");
    has(got, "value 1 TEXT \"\xEF\xBB\xBFx\"");
    free(got);
}
END_TEST

START_TEST(without_a_header_the_first_row_is_a_record)
{
    char *got = parse_as(GS_FMT_CSV, "1,2.5,2024-01-01\n2,3,2024-01-02\n"
                         "3,4\n");
    has(got, "fact csv.header absent\nrecord_begin line=1 rec=1 off=0\n"
        "field 0 column_1\nvalue 0 TEXT \"1\" line=1\n"
        "field 1 column_2\nvalue 1 TEXT \"2.5\" line=1\n");
    lacks(got, "csv.header_names");
    /* ragged against the first row's width */
    has(got, "value 1 TEXT \"4\" line=3\n"
        "defect csv.ragged_row line=3 rec=3 \"expected 3 cells, found 2\"\n");
    free(got);
}
END_TEST

START_TEST(ragged_rows_are_defects_and_still_profiled)
{
    char *got = parse_as(GS_FMT_CSV, "a,b,c\n1,2\n3,4,5,6\n");
    has(got, "value 1 TEXT \"2\" line=2\n"
        "defect csv.ragged_row line=2 rec=1 \"expected 3 cells, found 2\"\n"
        "record_end line=2 rec=1\n");
    has(got, "field 3 column_4\nvalue 3 TEXT \"6\" line=3\n"
        "defect csv.ragged_row line=3 rec=2 \"expected 3 cells, found 4\"\n");
    free(got);
}
END_TEST

START_TEST(blank_lines_are_not_records)
{
    char *got = parse_as(GS_FMT_CSV, "\n\na,b\r\n\r\n1,2\n\n\n3,4\n\n");
    has(got, "record_begin line=5 rec=1 off=9\n");
    has(got, "record_begin line=8 rec=2 off=15\n");
    lacks(got, "rec=3");
    lacks(got, "defect");
    free(got);
}
END_TEST

START_TEST(a_row_past_max_columns_ends_the_file)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_columns = 4;
    const char *wide = "a,b,c\n1,2,3\n1,2,3,4,5,6,7,8\n9,9,9\n";
    char *got = parse_lim(GS_FMT_CSV, &lim, wide, strlen(wide));
    has(got, "value 3 TEXT \"4\" line=3\n"
        "defect csv.too_many_columns line=3 rec=2 \"more cells than the "
        "limit\"\nrecord_end line=3 rec=2\nstatus ELIMIT\n");
    lacks(got, "\"5\"");
    lacks(got, "\"9\"");
    free(got);
}
END_TEST

/* ---- the unterminated quote ---- */

START_TEST(an_unterminated_quote_is_reported_where_it_opened)
{
    char *got = parse_as(GS_FMT_CSV, "id,note\n1,2\n3,\"x\ny\nz,w\n");
    has(got, "record_begin line=3 rec=2 off=12\nvalue 0 TEXT \"3\" line=3\n"
        "defect csv.unterminated_quote line=3 col=3 rec=2");
    has(got, "value 1 TEXT \"\\\"x\" line=3\nrecord_end line=3 rec=2\n"
        "record_begin line=4 rec=3 off=17\nvalue 0 TEXT \"y\" line=4\n"
        "defect csv.ragged_row line=4 rec=3");
    has(got, "record_begin line=5 rec=4 off=19\nvalue 0 TEXT \"z\" line=5\n"
        "value 1 TEXT \"w\" line=5\nrecord_end line=5 rec=4\nstatus OK\n");
    free(got);
}
END_TEST

/* A quote closed lines later and followed by text was never meant to
 * close there: the quote that opened is the defect, and the stray one below
 * quotes its own field again. */
START_TEST(a_quote_closed_lines_later_by_a_stray_one_is_unterminated)
{
    char *got = parse_as(GS_FMT_CSV, "id,comment,score\n1,\"fine\",3\n"
                         "2,\"never closed,4\n3,\"ok\",5\n4,\"ok\",2\n");
    has(got, "fact csv.quote \\\"\n");
    has(got, "defect csv.unterminated_quote line=3 col=3 rec=2");
    has(got, "value 1 TEXT \"\\\"never closed\" line=3\n"
        "value 2 TEXT \"4\" line=3\nrecord_end line=3 rec=2\n");
    has(got, "value 1 TEXT \"ok\" line=4\nvalue 2 TEXT \"5\" line=4\n");
    lacks(got, "malformed");
    lacks(got, "ragged");
    free(got);
}
END_TEST

/* After an unterminated quote, the only quotes left are doubled ones (a
 * single one would have closed it): read again, they quote normally. */
START_TEST(recovery_reads_later_quotes_normally)
{
    char *got = parse_as(GS_FMT_CSV, "a,b\n1,\"ok, fine\"\n2,\"broken\n"
                         "3,\"\"\n4,\"\"\"\"\n5,x");
    has(got, "defect csv.unterminated_quote line=3 col=3 rec=2");
    has(got, "value 1 TEXT \"\" line=4\n");
    has(got, "value 1 TEXT \"\\\"\" line=5\n");
    has(got, "value 1 TEXT \"x\" line=6\nrecord_end line=6 rec=5\n"
        "status OK\n");
    lacks(got, "malformed");
    free(got);
}
END_TEST

START_TEST(an_unterminated_quote_in_the_header_keeps_the_header)
{
    char *got = parse_as(GS_FMT_CSV, "id,\"name\r\n1,a\r\n2,b\r\n");
    has(got, "fact csv.header present\n"
        "defect csv.unterminated_quote line=1 col=4 \"");
    has(got, "field 1 \\\"name\nfact csv.header_names id,\\\"name\n");
    has(got, "value 1 TEXT \"a\" line=2\n");
    has(got, "value 1 TEXT \"b\" line=3\nrecord_end line=3 rec=2\n");
    free(got);
}
END_TEST

START_TEST(an_unterminated_quote_on_the_last_line)
{
    char *got = parse_as(GS_FMT_CSV, "a,b\n1,\"tail");
    has(got, "defect csv.unterminated_quote line=2 col=3 rec=1");
    has(got, "value 1 TEXT \"\\\"tail\" line=2\nrecord_end line=2 rec=1\n"
        "status OK\n");
    free(got);
    got = parse_as(GS_FMT_CSV, "n,s\n1,'ok'\n2,'open\n3,x\n4,''\n");
    has(got, "fact csv.quote '\n");
    has(got, "defect csv.unterminated_quote line=3 col=3 rec=2");
    has(got, "value 1 TEXT \"\" line=5\nrecord_end line=5 rec=4\n"
        "status OK\n");
    free(got);
}
END_TEST

/* A quote that is still open when its bytes pass max_field_bytes is the
 * field limit, which ends the file; so the bytes kept to replay stay within
 * about twice that limit. Below the bound the parse recovers. */
START_TEST(recovery_is_bounded_by_the_field_limit)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 200;
    char data[1024];
    size_t n = (size_t)sprintf(data, "a,b\n1,\"");
    for (int i = 0; i < 30; i++)           /* 150 bytes in 30 lines */
        n += (size_t)sprintf(data + n, "%d,x\n", 10 + i);
    char *got = parse_lim(GS_FMT_CSV, &lim, data, n);
    has(got, "defect csv.unterminated_quote line=2 col=3 rec=1");
    has(got, "value 0 TEXT \"39\" line=31\nvalue 1 TEXT \"x\" line=31\n"
        "record_end line=31 rec=30\nstatus OK\n");
    free(got);
    for (int i = 0; i < 20; i++)           /* now past the limit */
        n += (size_t)sprintf(data + n, "%d,y\n", 40 + i);
    got = parse_lim(GS_FMT_CSV, &lim, data, n);
    has(got, "defect csv.field_too_large line=");
    lacks(got, "unterminated");
    has(got, "status ELIMIT\n");
    free(got);
}
END_TEST

/* ---- memory ---- */

static size_t live_bytes, peak_bytes;

/* Counts live bytes: each block carries its size in front. */
static void *sized_alloc(void *ud, void *ptr, size_t n)
{
    (void)ud;
    size_t *h = ptr ? (size_t *)ptr - 2 : NULL;
    if (h)
        live_bytes -= h[0];
    if (n == 0) {
        free(h);
        return NULL;
    }
    size_t *nh = realloc(h, n + 2 * sizeof(size_t));
    if (!nh) {
        if (h)
            live_bytes += h[0];
        return NULL;
    }
    nh[0] = n;
    live_bytes += n;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return nh + 2;
}

START_TEST(memory_stays_bounded_whatever_the_input_size)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 16 * 1024;
    size_t big = 4u << 20;
    char *data = malloc(big + 64);
    size_t n = (size_t)sprintf(data, "id,text\n");
    while (n < big - 16 * 1024)
        n += (size_t)sprintf(data + n, "%zu,\"some, text\"\n", n);
    n += (size_t)sprintf(data + n, "0,\"");  /* open to the end */
    while (n < big)
        n += (size_t)sprintf(data + n, "%zu,x\n", n % 1000);
    gs_set_allocator(sized_alloc, NULL);
    live_bytes = peak_bytes = 0;
    char *got = tx_transcript(gs_parser_for(GS_FMT_CSV), &lim, data, n,
                              65536);
    gs_set_allocator(NULL, NULL);
    has(got, "defect csv.unterminated_quote");
    has(got, "status OK\n");
    /* the 64 KiB head (doubling: up to 128 KiB) plus a field buffer and a
     * replay of at most 2 x max_field_bytes each with doubling slack */
    size_t bound = 128 * 1024 + 6 * lim.max_field_bytes + 16 * 1024;
    ck_assert_msg(peak_bytes < bound, "peak %zu bytes, bound %zu",
                  peak_bytes, bound);
    ck_assert_uint_eq(live_bytes, 0);
    free(got);
    free(data);
}
END_TEST

/* ---- ranges of a split file (csv.h) ---- */

typedef struct rows_case {
    const char *data;
    int quote;
    uint64_t rows, newlines;
    int clean;
    size_t first_stop;   /* bytes through the first boundary, 0: none */
} rows_case;

static const rows_case rows_cases[] = {
    {"a,b\n1,2\n", '"', 2, 2, 1, 4},
    {"a,\"x\ny\",b\r\n\n\nc\n", '"', 2, 5, 1, 11},     /* quoted '\n', blanks */
    {"\"say \"\"hi\"\"\",\"\"\n2,\n", '"', 2, 2, 1, 16},  /* doubled quotes */
    {",,\r\r\n", '"', 1, 1, 1, 5},                       /* lone CR ends a row */
    {"a,b\"c\nd\n", '"', 1, 0, 0, 0},       /* quote in an unquoted field */
    {"\"a\"b,c\n", '"', 1, 0, 0, 0},        /* text after the closing quote */
    {"a,b\"c\nd\n", -1, 2, 2, 1, 6},        /* no quoting: a quote is text */
    {"\"a\nb", '"', 1, 1, 1, 0},            /* still open: clean so far */
    /* whole records followed by memchr (rows_record), and their edges */
    {"\"a\",\"b\"\"c\"\n\"\n\"\n", '"', 2, 3, 1, 11},
    {"x,\"y\"\r\n\"p\"\"\"\",q\n", '"', 2, 2, 1, 7},
    {"a,\"b\" ,c\n", '"', 1, 0, 0, 0},     /* a space after the close */
    {"a,b\"c\",d\n", '"', 1, 0, 0, 0},    /* an unquoted field's quote */
};

START_TEST(the_row_scanner_follows_quoting_as_strict_libcsv)
{
    const rows_case *c = &rows_cases[_i];
    gs_limits lim;
    gs_limits_default(&lim);
    gs_csv_dialect d = {',', c->quote, 1};
    size_t n = strlen(c->data);
    /* whole, then one byte at a time: the same counts */
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        gs_csv_rows r;
        gs_csv_rows_init(&r, &d, &lim);
        for (size_t i = 0; i < n && r.clean;) {
            size_t len = bytewise ? 1 : n - i;
            i += gs_csv_rows_feed(&r, c->data + i, len, SIZE_MAX);
        }
        ck_assert_uint_eq(r.rows, c->rows);
        ck_assert_int_eq(r.clean, c->clean);
        if (c->clean)
            ck_assert_uint_eq(r.newlines, c->newlines);
    }
    gs_csv_rows r;
    gs_csv_rows_init(&r, &d, &lim);
    size_t used = gs_csv_rows_feed(&r, c->data, n, 0);
    ck_assert_int_eq(r.at_boundary, c->first_stop > 0);
    if (c->first_stop)
        ck_assert_uint_eq(used, c->first_stop);
}
END_TEST

START_TEST(the_row_scanner_stops_being_clean_at_the_limits)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_columns = 3;
    lim.max_field_bytes = 36;  /* 12 raw bytes (a third) per field */
    gs_csv_dialect d = {';', '"', 0};
    const char *ok = "a;b;c\n\"0123456789\";x\n";
    const char *many = "a;b;c;d\n";
    const char *big = "\"0123456789\n0\";x\n";  /* 15 raw bytes */
    const char *in[] = {ok, many, big};
    for (int i = 0; i < 3; i++) {
        gs_csv_rows r;
        gs_csv_rows_init(&r, &d, &lim);
        gs_csv_rows_feed(&r, in[i], strlen(in[i]), SIZE_MAX);
        ck_assert_int_eq(r.clean, i == 0);
    }
}
END_TEST

/* A recording sink: "record: name=value" lines, record numbers shifted by
 * base, so a range's events read as the whole file's. */
typedef struct rec_sink {
    str out;
    char names[64][32];
    size_t n;
    uint64_t base;
} rec_sink;

static gs_field_id rs_field(void *ud, const char *path, size_t len)
{
    rec_sink *r = ud;
    ck_assert_uint_lt(r->n, 64);
    snprintf(r->names[r->n], sizeof r->names[0], "%.*s", (int)len, path);
    return (gs_field_id)r->n++;
}

static int rs_loc(void *ud, const gs_loc *loc)
{
    (void)ud;
    (void)loc;
    return 0;
}

static int rs_value(void *ud, gs_field_id id, const char *b, size_t len,
                    gs_value_kind kind, const gs_loc *loc)
{
    rec_sink *r = ud;
    (void)kind;
    str_addf(&r->out, "%llu: %s=", (unsigned long long)(loc->record + r->base),
             r->names[id]);
    str_add_escaped(&r->out, b, len);
    str_addn(&r->out, "\n", 1);
    return 0;
}

static int rs_defect(void *ud, const char *code, const char *detail,
                     const gs_loc *loc)
{
    rec_sink *r = ud;
    (void)detail;
    str_addf(&r->out, "%llu: %s\n",
             (unsigned long long)(loc->record + r->base), code);
    return 0;
}

/* data parsed from byte start (a record start) by a parser resumed from
 * data's head, fed chunk bytes at a time; base: data records before it. */
static char *resumed(gs_format fmt, const char *data, size_t len,
                     size_t start, uint64_t base, size_t chunk)
{
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r = {.base = base};
    gs_sink sink = {.ud = &r, .field = rs_field, .record_begin = rs_loc,
                    .record_end = rs_loc, .value = rs_value,
                    .defect = rs_defect};
    const gs_parser_type *t = gs_parser_for(fmt);
    gs_parser *p = NULL;
    ck_assert_int_eq(t->open(&lim, &sink, &p), GS_OK);
    if (start) {
        size_t head = len < 128 * 1024 ? len : 128 * 1024;
        ck_assert_int_eq(gs_csv_resume(p, data, head, NULL, NULL), GS_OK);
        ck_assert_uint_eq(r.out.len, 0);  /* nothing but names */
    }
    for (size_t i = start; i < len; i += chunk)
        ck_assert_int_eq(t->feed(p, data + i, len - i < chunk ? len - i
                                                             : chunk), GS_OK);
    ck_assert_int_eq(t->finish(p), GS_OK);
    t->close(p);
    str_addn(&r.out, "", 1);
    return r.out.p;
}

START_TEST(a_resumed_parser_reads_on_as_the_whole_parse)
{
    /* header or not, comma or tab: rows with quoted newlines and quotes,
     * ragged rows, over 64 KiB before the cuts */
    int header = _i & 1;
    gs_format fmt = _i & 2 ? GS_FMT_TSV : GS_FMT_CSV;
    char sep = fmt == GS_FMT_TSV ? '\t' : ',';
    str doc = {0};
    if (header)
        str_addf(&doc, "id%cname%cnote\r\n", sep, sep);
    for (int i = 0; i < 12000; i++) {
        const char *note = i % 7 == 0   ? "\"two\nlines \"\"q\"\"\""
                           : i % 11 == 0 ? "x\"y"   /* a malformed quote */
                                         : "plain";
        str_addf(&doc, "%d%cn%d%c%s%s\r\n", i, sep, i % 13, sep, note,
                 i % 17 == 0 ? (fmt == GS_FMT_TSV ? "\textra" : ",extra")
                             : "");
    }
    str_addn(&doc, "", 1);  /* for strstr */
    doc.len--;
    char *whole = resumed(fmt, doc.p, doc.len, 0, 0, doc.len);
    size_t cuts[] = {70000, 100000, 150000};
    for (int k = 0; k < 3; k++) {
        /* a record start past the cut: after a one-line row (the malformed
         * quotes leave no quote parity to go by) */
        size_t b = (size_t)(strstr(doc.p + cuts[k], "plain\r\n") - doc.p) + 7;
        /* count the records before b the way the whole parse does */
        char *prefix = resumed(fmt, doc.p, b, 0, 0, b);
        uint64_t base = 0;
        for (char *l = prefix; *l; l = strchr(l, '\n') + 1)
            base = strtoull(l, NULL, 10);
        free(prefix);
        char *tail = resumed(fmt, doc.p, doc.len, b, base, 5);
        char *from = strstr(whole, tail);
        ck_assert_msg(from && strlen(from) == strlen(tail),
                      "cut at %zu: resumed events are not the whole "
                      "parse's tail:\n%.600s", b, tail);
        free(tail);
    }
    free(whole);
    free(doc.p);
}
END_TEST

START_TEST(resume_needs_the_sample_and_the_whole_first_row)
{
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r = {0};
    gs_sink sink = {.ud = &r, .field = rs_field, .record_begin = rs_loc,
                    .record_end = rs_loc, .value = rs_value,
                    .defect = rs_defect};
    const gs_parser_type *t = gs_parser_for(GS_FMT_CSV);
    size_t n = 100 * 1024;
    char *buf = malloc(n);
    memset(buf, 'x', n);
    gs_parser *p = NULL;
    ck_assert_int_eq(t->open(&lim, &sink, &p), GS_OK);
    ck_assert_int_eq(gs_csv_resume(p, buf, 1000, NULL, NULL), GS_EINVAL);
    ck_assert_int_eq(gs_csv_resume(p, buf, n, NULL, NULL), GS_EFORMAT);
    t->close(p);
    memcpy(buf, "a;b\n", 4);  /* a header, then one long field */
    ck_assert_int_eq(t->open(&lim, &sink, &p), GS_OK);
    gs_csv_dialect d;
    ck_assert_int_eq(gs_csv_resume(p, buf, n, NULL, &d), GS_OK);
    ck_assert_int_eq(d.delim, ';');
    ck_assert_int_eq(d.header, 1);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.names[1], "b");
    t->close(p);
    free(buf);
    free(r.out.p);
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, the_sniffer_picks_delimiter_quote_and_header, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, blank_or_empty_input_reports_no_dialect);
    tcase_add_test(tc, the_dialect_is_decided_on_the_first_64_kib);
    tcase_add_test(tc, a_leading_bom_is_not_part_of_the_first_name);
    tcase_add_test(tc, without_a_header_the_first_row_is_a_record);
    tcase_add_test(tc, ragged_rows_are_defects_and_still_profiled);
    tcase_add_test(tc, blank_lines_are_not_records);
    tcase_add_test(tc, a_row_past_max_columns_ends_the_file);
    tcase_add_test(tc, an_unterminated_quote_is_reported_where_it_opened);
    tcase_add_test(tc, a_quote_closed_lines_later_by_a_stray_one_is_unterminated);
    tcase_add_test(tc, recovery_reads_later_quotes_normally);
    tcase_add_test(tc, an_unterminated_quote_in_the_header_keeps_the_header);
    tcase_add_test(tc, an_unterminated_quote_on_the_last_line);
    tcase_add_test(tc, recovery_is_bounded_by_the_field_limit);
    tcase_add_test(tc, memory_stays_bounded_whatever_the_input_size);
    tcase_add_loop_test(tc, the_row_scanner_follows_quoting_as_strict_libcsv,
                        0, (int)(sizeof rows_cases / sizeof rows_cases[0]));
    tcase_add_test(tc, the_row_scanner_stops_being_clean_at_the_limits);
    tcase_add_loop_test(tc, a_resumed_parser_reads_on_as_the_whole_parse, 0,
                        4);
    tcase_add_test(tc, resume_needs_the_sample_and_the_whole_first_row);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csv_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

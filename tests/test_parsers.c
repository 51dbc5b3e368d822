/* test_parsers.c - every registered parser against golden transcripts.
 *
 * Each fixture tests/data/parsers/<name>.<format> sits beside
 * <name>.<format>.events, the transcript of the events the parser emits (one
 * line per event, non-printable bytes escaped, the final status last).
 * GS_UPDATE_GOLDEN=1 rewrites the transcripts instead of comparing.
 *
 * Also proven here, for every fixture: any chunking gives the same events;
 * a sink that says stop stops the parse at once (GS_ECANCELED, no further
 * callback); nothing leaks. And each limit, with a small gs_limits.
 */
#include "gapscan/parser.h"
#include "transcript.h"

#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ---- */

static const char *datadir(void)
{
    const char *d = getenv("GS_DATADIR");
    return d ? d : "tests/data";
}


typedef struct fixture {
    char path[1300];
    char name[256];
    const gs_parser_type *type;
} fixture;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const fixture *)a)->name, ((const fixture *)b)->name);
}

/* All fixtures whose extension names a format with a parser, sorted. */
static size_t fixtures(fixture **out)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/parsers", datadir());
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    fixture *fx = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || e->d_name[0] == '.')
            continue;
        const gs_parser_type *t = gs_parser_for(gs_format_from_name(dot + 1));
        if (!t)
            continue;
        fx = realloc(fx, (n + 1) * sizeof *fx);
        ck_assert_ptr_nonnull(fx);
        snprintf(fx[n].path, sizeof fx[n].path, "%s/%s", dir, e->d_name);
        snprintf(fx[n].name, sizeof fx[n].name, "%s", e->d_name);
        fx[n].type = t;
        n++;
    }
    closedir(d);
    qsort(fx, n, sizeof *fx, by_name);
    *out = fx;
    return n;
}

/* ---- tests ---- */

START_TEST(every_registered_parser_has_fixtures)
{
    fixture *fx;
    size_t n = fixtures(&fx);
    for (int f = 0; f < GS_FMT__COUNT; f++) {
        const gs_parser_type *t = gs_parser_for((gs_format)f);
        if (!t)
            continue;
        ck_assert_int_eq(t->format, f);
        ck_assert_str_eq(t->name, gs_format_name((gs_format)f));
        size_t have = 0;
        for (size_t i = 0; i < n; i++)
            have += fx[i].type == t;
        ck_assert_msg(have > 0, "no fixture for parser %s", t->name);
    }
    free(fx);
}
END_TEST

START_TEST(fixtures_match_golden_transcripts)
{
    gs_limits lim;
    gs_limits_default(&lim);
    fixture *fx;
    size_t n = fixtures(&fx);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = tx_slurp(fx[i].path, &len);
        ck_assert_ptr_nonnull(data);
        char *got = tx_transcript(fx[i].type, &lim, data, len, 0);
        char gpath[1320];
        snprintf(gpath, sizeof gpath, "%s.events", fx[i].path);
        if (!tx_golden(gpath, got)) {
            fprintf(stderr, "--- %s: transcript differs; got:\n%s\n",
                    fx[i].name, got);
            bad++;
        }
        free(got);
        free(data);
    }
    free(fx);
    ck_assert_msg(bad == 0, "%d transcripts differ (GS_UPDATE_GOLDEN=1 "
                  "rewrites them)", bad);
}
END_TEST

static void assert_chunking_invariant(const gs_parser_type *type,
                                      const gs_limits *lim, const char *data,
                                      size_t len, const char *what)
{
    char *whole = tx_transcript(type, lim, data, len, 0);
    long sizes[128];
    size_t ns = 0;
    for (long k = 1; k <= 64 && (size_t)k < len; k++)
        sizes[ns++] = k;
    const long more[] = {100, 257, 1000, 4096};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if ((size_t)more[i] < len)
            sizes[ns++] = more[i];
    sizes[ns++] = (long)len;
    sizes[ns++] = -1; /* irregular */
    for (size_t i = 0; i < ns; i++) {
        char *got = tx_transcript(type, lim, data, len, sizes[i]);
        ck_assert_msg(strcmp(whole, got) == 0,
                      "%s: chunks of %ld differ:\n%s\n--- whole:\n%s", what,
                      sizes[i], got, whole);
        free(got);
    }
    free(whole);
}

START_TEST(any_chunking_gives_same_events)
{
    gs_limits lim;
    gs_limits_default(&lim);
    fixture *fx;
    size_t n = fixtures(&fx);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = tx_slurp(fx[i].path, &len);
        assert_chunking_invariant(fx[i].type, &lim, data, len, fx[i].name);
        free(data);
    }
    free(fx);
}
END_TEST

START_TEST(a_sink_that_says_stop_stops_the_parse)
{
    gs_limits lim;
    gs_limits_default(&lim);
    fixture *fx;
    size_t n = fixtures(&fx);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = tx_slurp(fx[i].path, &len);
        tx_rec all = {0};
        tx_run(fx[i].type, &lim, data, len, 0, &all);
        for (long k = 1; k <= all.calls; k++) {
            for (long chunk = 0; chunk <= 7; chunk += 7) {
                tx_rec r = {.stop_at = k};
                gs_status st = tx_run(fx[i].type, &lim, data, len, chunk, &r);
                ck_assert_msg(st == GS_ECANCELED, "%s: stop at %ld gave %s",
                              fx[i].name, k, tx_status_name(st));
                ck_assert_msg(r.after_stop == 0 && r.calls == k,
                              "%s: %ld callbacks after stop at %ld",
                              fx[i].name, r.after_stop, k);
                tx_free(&r);
            }
        }
        tx_free(&all);
        free(data);
    }
    free(fx);
}
END_TEST

/* ---- allocation accounting ---- */

typedef struct alloc_count {
    long live;
    long made;
    long fail_at;  /* 1-based allocation that fails; 0 none */
} alloc_count;

static alloc_count ac;

static void *counting_alloc(void *ud, void *ptr, size_t n)
{
    (void)ud;
    if (n == 0) {
        if (ptr)
            ac.live--;
        free(ptr);
        return NULL;
    }
    ac.made++;
    if (ac.fail_at && ac.made == ac.fail_at)
        return NULL;
    void *q = realloc(ptr, n);
    if (q && !ptr)
        ac.live++;
    return q;
}

START_TEST(parsers_free_everything_they_allocate)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_set_allocator(counting_alloc, NULL);
    fixture *fx;
    size_t n = fixtures(&fx);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = tx_slurp(fx[i].path, &len);
        ac = (alloc_count){0};
        for (long chunk = 0; chunk <= 3; chunk += 3)
            free(tx_transcript(fx[i].type, &lim, data, len, chunk));
        ck_assert_msg(ac.live == 0, "%s: %ld blocks leaked", fx[i].name,
                      ac.live);
        free(data);
    }
    free(fx);
    gs_set_allocator(NULL, NULL);
}
END_TEST

/* libcsv reports its out-of-memory; yajl 2.1 does not survive a failing
 * allocator (it writes through the NULL), so only CSV/TSV are injected. */
START_TEST(csv_survives_any_failed_allocation)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_set_allocator(counting_alloc, NULL);
    fixture *fx;
    size_t n = fixtures(&fx);
    for (size_t i = 0; i < n; i++) {
        if (fx[i].type->format != GS_FMT_CSV &&
            fx[i].type->format != GS_FMT_TSV)
            continue;
        size_t len;
        char *data = tx_slurp(fx[i].path, &len);
        ac = (alloc_count){0};
        char *whole = tx_transcript(fx[i].type, &lim, data, len, 0);
        long total = ac.made;
        for (long k = 1; k <= total; k++) {
            ac = (alloc_count){.fail_at = k};
            tx_rec r = {0};
            gs_status st = tx_run(fx[i].type, &lim, data, len, 0, &r);
            ck_assert_msg(st == GS_ENOMEM || (st == GS_OK &&
                                              strcmp(r.out.p, whole) == 0),
                          "%s: failing allocation %ld gave %s", fx[i].name, k,
                          tx_status_name(st));
            ck_assert_msg(ac.live == 0, "%s: leak after failing allocation "
                          "%ld", fx[i].name, k);
            tx_free(&r);
        }
        free(whole);
        free(data);
    }
    free(fx);
    gs_set_allocator(NULL, NULL);
}
END_TEST

/* ---- limits ---- */

static char *limited(const gs_parser_type *type, const gs_limits *lim,
                     const char *data, gs_status want)
{
    tx_rec r = {0};
    gs_status st = tx_run(type, lim, data, strlen(data), 0, &r);
    ck_assert_msg(st == want, "status %s, want %s:\n%s", tx_status_name(st),
                  tx_status_name(want), r.out.p);
    assert_chunking_invariant(type, lim, data, strlen(data), data);
    char *out = r.out.p;
    r.out.p = NULL;
    tx_free(&r);
    return out;
}

#define ck_assert_has(hay, needle) \
    ck_assert_msg(strstr(hay, needle) != NULL, "missing <%s> in:\n%s", needle, hay)
#define ck_assert_lacks(hay, needle) \
    ck_assert_msg(strstr(hay, needle) == NULL, "unexpected <%s> in:\n%s", needle, hay)

START_TEST(a_csv_field_past_the_limit_ends_the_file)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 8;
    const gs_parser_type *csv = gs_parser_for(GS_FMT_CSV);
    /* exactly at the limit, quoted or not: fine */
    char *out = limited(csv, &lim, "a,b\n12345678,\"abcdefgh\"\n", GS_OK);
    ck_assert_lacks(out, "defect");
    free(out);
    /* one past, at the callback */
    out = limited(csv, &lim, "a,b\n1,123456789\n2,3\n", GS_ELIMIT);
    ck_assert_has(out, "defect csv.field_too_large line=2 rec=1");
    ck_assert_has(out, "record_end line=2 rec=1\nstatus ELIMIT");
    ck_assert_lacks(out, "\"2\"");
    free(out);
    /* far past, inside libcsv's buffer: refused growth, not ENOMEM */
    out = limited(csv, &lim, "a\n\"01\n01\n0123456789\"\nb\n", GS_ELIMIT);
    ck_assert_has(out, "record_begin line=2 rec=1");
    ck_assert_has(out, "defect csv.field_too_large line=4 rec=1");
    free(out);
    /* a long field in one piece: the buffer grows, then meets the cap */
    lim.max_field_bytes = 1000;
    char big[6000];
    memcpy(big, "a\n\"", 3);
    memset(big + 3, 'x', 5000);
    memcpy(big + 5003, "\"\n", 3);
    out = limited(csv, &lim, big, GS_ELIMIT);
    ck_assert_has(out, "defect csv.field_too_large line=2 rec=1");
    free(out);
    big[1003] = '"';
    big[1004] = '\n';
    big[1005] = '\0';
    out = limited(csv, &lim, big, GS_OK);
    ck_assert_lacks(out, "defect");
    free(out);
    lim.max_field_bytes = 8;
    /* a header cell too */
    out = limited(csv, &lim, "abcdefghijklmnop,b\n", GS_ELIMIT);
    ck_assert_has(out, "defect csv.field_too_large line=1 \"");
    free(out);
}
END_TEST

START_TEST(a_csv_row_with_too_many_columns_ends_the_file)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_columns = 3;
    const gs_parser_type *csv = gs_parser_for(GS_FMT_CSV);
    char *out = limited(csv, &lim, "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n",
                        GS_ELIMIT);
    ck_assert_has(out, "defect csv.too_many_columns line=3 rec=2");
    ck_assert_lacks(out, "\"7\"");
    ck_assert_lacks(out, "\"8\"");
    free(out);
}
END_TEST

START_TEST(a_jsonl_line_past_the_limit_is_skipped)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_record_bytes = 16;
    const gs_parser_type *jl = gs_parser_for(GS_FMT_JSONL);
    char *out = limited(jl, &lim,
                        "{\"a\":1}\n{\"a\":\"0123456789abcdef\"}\n"
                        "{\"a\":\"01234567\"}\n{\"b\":2}\n",
                        GS_OK);
    ck_assert_has(out, "defect jsonl.line_too_long line=2 col=17 rec=2");
    ck_assert_has(out, "value 1 NUMBER \"2\" line=4");
    ck_assert_lacks(out, "0123456789abcdef");
    free(out);
}
END_TEST

START_TEST(jsonl_nesting_past_the_limit_skips_the_line)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_depth = 3;
    const gs_parser_type *jl = gs_parser_for(GS_FMT_JSONL);
    char *out = limited(jl, &lim,
                        "{\"a\":{\"b\":{\"c\":1}}}\n"
                        "{\"x\":0,\"a\":{\"b\":{\"c\":{\"d\":1}},\"e\":2}}\n"
                        "[[[1]]]\n[[[[1]]]]\n{\"z\":true}\n",
                        GS_OK);
    ck_assert_has(out, "value 0 NUMBER \"1\" line=1");
    ck_assert_has(out, "defect json.too_deep line=2 rec=2");
    ck_assert_has(out, "defect json.too_deep line=4 rec=4");
    ck_assert_has(out, "value 2 NUMBER \"1\" line=3");
    ck_assert_has(out, "BOOL \"true\" line=5");
    ck_assert_lacks(out, "\"2\" line=2");
    free(out);
}
END_TEST

START_TEST(a_jsonl_string_past_the_limit_is_dropped)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 4;
    const gs_parser_type *jl = gs_parser_for(GS_FMT_JSONL);
    char *out = limited(jl, &lim,
                        "{\"a\":\"abcd\",\"b\":\"abcde\",\"c\":1}\n"
                        "{\"longkey\":1,\"d\":2}\n",
                        GS_OK);
    ck_assert_has(out, "value 0 STRING \"abcd\"");
    ck_assert_has(out, "defect json.field_too_large line=1 rec=1");
    ck_assert_lacks(out, "abcde");
    ck_assert_has(out, "NUMBER \"1\" line=1");
    ck_assert_has(out, "value none NUMBER \"1\" line=2");
    ck_assert_has(out, "NUMBER \"2\" line=2");
    free(out);
}
END_TEST

START_TEST(jsonl_paths_past_the_limit_have_no_field)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 2; /* exactly two distinct paths per document */
    const gs_parser_type *jl = gs_parser_for(GS_FMT_JSONL);
    char *out = limited(jl, &lim,
                        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6}\n"
                        "{\"a\":7,\"f\":8}\n",
                        GS_OK);
    ck_assert_has(out, "field 1 b\n");
    ck_assert_lacks(out, "field 2");
    ck_assert_has(out, "value none NUMBER \"3\"");
    ck_assert_has(out, "defect json.too_many_paths line=1 rec=1");
    ck_assert_has(out, "value none NUMBER \"5\"");
    ck_assert_has(out, "value 0 NUMBER \"7\"");
    ck_assert_has(out, "value none NUMBER \"8\"");
    free(out);
}
END_TEST

START_TEST(jsonl_interns_each_path_once)
{
    gs_limits lim;
    gs_limits_default(&lim);
    const char *data = "{\"a\":{\"b\":1},\"c\":[1,2,{\"d\":3}]}\n"
                       "{\"a\":{\"b\":2},\"c\":[{\"d\":4}]}\n";
    tx_rec r = {0};
    tx_run(gs_parser_for(GS_FMT_JSONL), &lim, data, strlen(data), 0, &r);
    /* field() was called exactly once per distinct path */
    long fields = 0;
    for (const char *s = r.out.p; (s = strstr(s, "field ")) != NULL; s++)
        fields++;
    ck_assert_int_eq(fields, 3);
    ck_assert_int_eq(r.calls, 2 * 2 + 6);
    ck_assert_has(r.out.p, "field 0 a.b\n");
    ck_assert_has(r.out.p, "field 1 c[]\n");
    ck_assert_has(r.out.p, "field 2 c[].d\n");
    tx_free(&r);
}
END_TEST

START_TEST(registry_names_round_trip)
{
    static const char *names[] = {"unknown", "csv", "tsv", "json", "jsonl",
                                  "xml", "html", "text", "markdown", "binary"};
    for (int f = 0; f < GS_FMT__COUNT; f++) {
        ck_assert_str_eq(gs_format_name((gs_format)f), names[f]);
        ck_assert_int_eq(gs_format_from_name(names[f]), f);
    }
    ck_assert_int_eq(gs_format_from_name("CSV"), GS_FMT_UNKNOWN);
    ck_assert_int_eq(gs_format_from_name(""), GS_FMT_UNKNOWN);
    ck_assert_int_eq(gs_format_from_name(NULL), GS_FMT_UNKNOWN);
    ck_assert_str_eq(gs_format_name(GS_FMT__COUNT), "unknown");
    ck_assert_ptr_nonnull(gs_parser_for(GS_FMT_CSV));
    ck_assert_ptr_nonnull(gs_parser_for(GS_FMT_TSV));
    ck_assert_ptr_nonnull(gs_parser_for(GS_FMT_JSONL));
    ck_assert_ptr_null(gs_parser_for(GS_FMT_BINARY));
    ck_assert_ptr_null(gs_parser_for(GS_FMT_UNKNOWN));
}
END_TEST

START_TEST(open_rejects_an_incomplete_sink)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_sink sink = {0};
    for (int f = 0; f < GS_FMT__COUNT; f++) {
        const gs_parser_type *t = gs_parser_for((gs_format)f);
        if (!t)
            continue;
        gs_parser *p = (gs_parser *)&sink;
        ck_assert_int_eq(t->open(&lim, &sink, &p), GS_EINVAL);
        ck_assert_ptr_null(p);
        t->close(NULL);
    }
}
END_TEST

static Suite *parsers_suite(void)
{
    Suite *s = suite_create("parsers");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, registry_names_round_trip);
    tcase_add_test(tc, every_registered_parser_has_fixtures);
    tcase_add_test(tc, fixtures_match_golden_transcripts);
    tcase_add_test(tc, any_chunking_gives_same_events);
    tcase_add_test(tc, a_sink_that_says_stop_stops_the_parse);
    tcase_add_test(tc, parsers_free_everything_they_allocate);
    tcase_add_test(tc, csv_survives_any_failed_allocation);
    tcase_add_test(tc, a_csv_field_past_the_limit_ends_the_file);
    tcase_add_test(tc, a_csv_row_with_too_many_columns_ends_the_file);
    tcase_add_test(tc, a_jsonl_line_past_the_limit_is_skipped);
    tcase_add_test(tc, jsonl_nesting_past_the_limit_skips_the_line);
    tcase_add_test(tc, a_jsonl_string_past_the_limit_is_dropped);
    tcase_add_test(tc, jsonl_paths_past_the_limit_have_no_field);
    tcase_add_test(tc, jsonl_interns_each_path_once);
    tcase_add_test(tc, open_rejects_an_incomplete_sink);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parsers_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

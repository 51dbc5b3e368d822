/* test_scan.c - the "scan" suite: shards, the progress hook, resuming,
 * splitting one file into ranges, and checkpoint files.
 *
 * Trees and files are made at run time in a mkdtemp() directory. The
 * end-to-end side (kill and resume, GNU parallel, Slurm) is in
 * tests/e2e/checkpoint.sh and tests/e2e/shards.sh. */
#include "gapscan/checkpoint.h"
#include "gapscan/document.h"
#include "gapscan/scan.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/gs_test_scan.XXXXXX";

static void write_file(const char *name, const char *text, size_t copies)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < copies; i++)
        fputs(text, f);
    fclose(f);
}

static char *saved(const gs_profile *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    ck_assert_int_eq(gs_profile_save(p, m, NULL), GS_OK);
    fclose(m);
    return buf;
}

static gs_profile *scan_dir(const gs_scan_opts *o)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    const char *root = dir;
    gs_error err = {0};
    ck_assert_int_eq(gs_scan(&root, 1, o, p, &err), GS_OK);
    return p;
}

START_TEST(every_path_is_in_exactly_one_shard)
{
    char rel[64];
    for (unsigned n = 1; n <= 9; n++)
        for (int k = 0; k < 500; k++) {
            snprintf(rel, sizeof rel, "dir-%d/file-%d.csv", k % 13, k);
            unsigned in = 0;
            for (unsigned i = 0; i < n; i++)
                in += (unsigned)gs_scan_in_shard(rel, i, n);
            ck_assert_uint_eq(in, 1);
        }
    ck_assert(gs_scan_in_shard("x", 0, 0));
}
END_TEST

static int count_calls(void *ud, const gs_scan_progress *pr)
{
    uint64_t *calls = ud;
    ck_assert_uint_eq(pr->entries, *calls + 1);
    ck_assert_ptr_nonnull(pr->profile);
    return ++*calls == 3;  /* stop after the third entry */
}

START_TEST(progress_hook_sees_every_entry_and_can_stop)
{
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof name, "t-%d.csv", i);
        write_file(name, "a,b\n1,2\n", 1);
    }
    uint64_t calls = 0;
    gs_scan_opts o = {0};
    o.threads = 2;
    o.progress = count_calls;
    o.progress_ud = &calls;
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    const char *root = dir;
    gs_error err = {0};
    ck_assert_int_eq(gs_scan(&root, 1, &o, p, &err), GS_ECANCELED);
    ck_assert_uint_eq(calls, 3);
    gs_profile_free(p);
}
END_TEST

START_TEST(resuming_gives_the_same_bytes)
{
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "r-%02d.csv", i);
        write_file(name, i % 2 ? "id,v\n1,x\n2,y\n" : "id,v\n3,2.5\n", 1 + i);
    }
    gs_scan_opts o = {0};
    o.threads = 3;
    gs_profile *whole = scan_dir(&o);
    /* The first 3 entries (one thread: the hook's stop is immediate), then
     * the rest resumed into them on 3 threads. */
    gs_scan_opts first = o;
    uint64_t calls = 0;
    first.threads = 1;
    first.progress = count_calls;  /* stops after 3 */
    first.progress_ud = &calls;
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *part = gs_profile_new(&lim);
    const char *root = dir;
    gs_error err = {0};
    ck_assert_int_eq(gs_scan(&root, 1, &first, part, &err), GS_ECANCELED);
    gs_scan_opts rest = o;
    rest.resume_entries = 3;
    ck_assert_int_eq(gs_scan(&root, 1, &rest, part, &err), GS_OK);
    char *a = saved(whole), *b = saved(part);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    /* A wrong last path is refused. */
    rest.resume_last = "/nowhere";
    gs_profile *q = gs_profile_new(&lim);
    gs_error e2 = {0};
    ck_assert_int_eq(gs_scan(&root, 1, &rest, q, &e2), GS_EINVAL);
    ck_assert_ptr_nonnull(strstr(e2.message, "tree changed"));
    gs_profile_free(q);
    gs_profile_free(whole);
    gs_profile_free(part);
}
END_TEST

/* The default cut: eight ranges, none under 4 MiB or over 64 MiB; a size
 * the caller gives is kept. */
START_TEST(the_default_range_size_makes_eight_ranges_within_bounds)
{
    const uint64_t mib = (uint64_t)1 << 20;
    ck_assert_uint_eq(gs_scan_range_size(3 * mib, 1000 * mib), 3 * mib);
    ck_assert_uint_eq(gs_scan_range_size(0, 9 * mib), GS_SCAN_SPLIT_MIN);
    ck_assert_uint_eq(gs_scan_range_size(0, 5000 * mib), GS_SCAN_SPLIT_MAX);
    const uint64_t sizes[] = {40000053, 33 * mib, 512 * mib - 8};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        uint64_t r = gs_scan_range_size(0, sizes[i]);
        ck_assert_uint_eq((sizes[i] + r - 1) / r, GS_SCAN_SPLIT_RANGES);
    }
}
END_TEST

/* The ranges gs_doc_split_plan cuts file name (in dir) into; 0 when it
 * reads the file whole. */
static unsigned planned(const gs_limits *lim, const char *name,
                        uint64_t range, int csv)
{
    char path[512];
    gs_doc_split *s = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(gs_doc_split_plan(path, lim, range, csv, &s), GS_OK);
    unsigned n = s ? gs_doc_split_ranges(s) : 0;
    gs_doc_split_free(s);
    return n;
}

START_TEST(only_big_plain_utf8_json_lines_csv_and_tsv_split)
{
    gs_limits lim;
    gs_limits_default(&lim);
    const uint64_t range = 128 * 1024;
    write_file("big.jsonl", "{\"a\": 1, \"b\": \"caf\xc3\xa9\"}\n", 20000);
    write_file("small.jsonl", "{\"a\": 1}\n", 100);
    write_file("big.csv", "a,b\n1,2\n", 60000);
    write_file("big.json", "{\"a\": 1,\n \"b\": [1, 2]},\n", 20000);
    /* a first row longer than the 128 KiB head: no split */
    write_file("wide.csv", "xxxxxxxxxxxxxxx,", 20000);
    ck_assert_uint_eq(planned(&lim, "big.jsonl", range, 1),
                      (20000 * 25 + range - 1) / range);
    ck_assert_uint_eq(planned(&lim, "small.jsonl", range, 1), 0);
    ck_assert_uint_gt(planned(&lim, "big.csv", range, 1), 0);
    /* csv == 0 (no split size given, a file read whole): not CSV, but
     * JSON Lines still */
    ck_assert_uint_eq(planned(&lim, "big.csv", range, 0), 0);
    ck_assert_uint_gt(planned(&lim, "big.jsonl", range, 0), 0);
    ck_assert_uint_eq(planned(&lim, "big.json", range, 1), 0);
    ck_assert_uint_eq(planned(&lim, "wide.csv", range, 1), 0);
    char path[512];
    gs_doc_split *s = NULL;
    snprintf(path, sizeof path, "%s/big.csv", dir);
    ck_assert_int_eq(gs_doc_split_plan(path, &lim, 1000, 1, &s), GS_EINVAL);

    /* Any thread count: the same bytes; and the same counts as unsplit. */
    gs_scan_opts o = {0};
    o.walk.include = (const char *[]){"big.jsonl"};
    o.walk.n_include = 1;
    o.split_bytes = range;
    char *first = NULL;
    for (unsigned t = 1; t <= 4; t++) {
        o.threads = t;
        gs_profile *p = scan_dir(&o);
        char *text = saved(p);
        ck_assert_uint_eq(gs_profile_corpus(p)->records, 20000);
        ck_assert_uint_eq(gs_profile_corpus(p)->lines, 20000);
        ck_assert_uint_eq(gs_profile_corpus(p)->files, 1);
        if (first)
            ck_assert_str_eq(first, text);
        else
            first = text;
        if (text != first)
            free(text);
        gs_profile_free(p);
    }
    free(first);
}
END_TEST

/* A CSV file of rows with quoted newlines, doubled quotes and CRLF, 128
 * KiB ranges (so many range starts fall inside quoted fields); bad: one
 * row with a stray quote in an unquoted field, after which the parser
 * recovers in its own way. */
static void write_csv(const char *name, int rows, int bad, const char *bom)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%sid,name,note,amount\r\n", bom);
    uint32_t x = 12345;
    for (int i = 0; i < rows; i++) {
        x = x * 1103515245u + 12345u;
        unsigned k = (x >> 16) % 10;
        const char *note = k == 0   ? "\"two\r\nlines, \"\"quoted\"\"\""
                           : k == 1 ? "\"a\nb\nc\""
                           : k == 2 ? "\"\""
                                    : "plain";
        if (bad && i == rows / 2)
            note = "st\"ray";
        fprintf(f, "%d,n%u,%s,%u.%02u\r\n", i, (x >> 8) % 97, note,
                (x >> 4) % 10000, x % 100);
    }
    fclose(f);
}

/* What a split read must get exactly as a whole one: counts, and where
 * the first defect is. */
typedef struct exact {
    uint64_t records, lines, decoded, defects;
    gs_loc first;
} exact;

static exact exact_of(const gs_profile *p)
{
    const gs_corpus_facts *c = gs_profile_corpus(p);
    exact e = {c->records, c->lines, c->bytes_decoded, 0, {0}};
    for (size_t i = 0; i < gs_profile_defect_count(p); i++) {
        const gs_defect_summary *d = gs_profile_defect(p, i);
        e.defects += d->count;
        if (d->n_examples)
            e.first = d->examples[0].loc;
    }
    return e;
}

/* The profile of dir at 1..4 threads, the same bytes at each; *whole gets
 * what an unsplit read gives. */
static char *profile_any_threads(const char *name, exact *split,
                                 exact *whole)
{
    gs_scan_opts o = {0};
    o.walk.include = (const char *[]){name};
    o.walk.n_include = 1;
    o.split_bytes = 128 * 1024;
    char *first = NULL;
    for (unsigned t = 1; t <= 4; t++) {
        o.threads = t;
        gs_profile *p = scan_dir(&o);
        char *text = saved(p);
        *split = exact_of(p);
        if (first) {
            ck_assert_str_eq(first, text);
            free(text);
        } else {
            first = text;
        }
        gs_profile_free(p);
    }
    o.split_bytes = (uint64_t)1 << 40;
    gs_profile *p = scan_dir(&o);
    *whole = exact_of(p);
    gs_profile_free(p);
    return first;
}

START_TEST(a_split_csv_reads_as_the_whole_file_at_any_thread_count)
{
    static const char *const boms[] = {"", "\xef\xbb\xbf"};
    for (int bad = 0; bad < 2; bad++)
        for (int b = 0; b < 2; b++) {
            write_csv("big.csv", 30000, bad, boms[b]);
            exact split, whole;
            free(profile_any_threads("big.csv", &split, &whole));
            ck_assert_uint_eq(split.records, whole.records);
            ck_assert_uint_eq(split.records, 30000);
            ck_assert_uint_eq(split.lines, whole.lines);
            ck_assert_uint_eq(split.decoded, whole.decoded);
            ck_assert_uint_eq(split.defects, whole.defects);
            ck_assert_uint_eq(split.defects, (uint64_t)bad);
            ck_assert_uint_eq(split.first.line, whole.first.line);
            ck_assert_uint_eq(split.first.offset, whole.first.offset);
            ck_assert_uint_eq(split.first.record, whole.first.record);
        }
}
END_TEST

/* JSON Lines whose ranges are counted from the bytes alone where they
 * allow (profiler/jsonlsplit.c) and parsed where they do not: kind 0 is
 * clean (objects and arrays, CRLF, lone CRs, blank lines of spaces and
 * tabs, a syntax error after a '{'); 1 adds scalar and garbage lines,
 * which may or may not make records; 2 adds invalid UTF-8; 3 a BOM and no
 * final newline. */
static void write_jsonl(const char *name, int rows, int kind)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    if (kind == 3)
        fputs("\xef\xbb\xbf", f);
    for (int i = 0; i < rows; i++) {
        unsigned k = (unsigned)(i * 7919) % 23;
        if (k == 0)
            fprintf(f, "  [%d, \"x\"]\r\n", i);
        else if (k == 1)
            fputs(" \t \r\n", f);
        else if (k == 2)
            fprintf(f, "{\"id\": %d,\r \"v\": 1}\n", i);
        else if (k == 3)
            fputs("{\"id\": \n", f);
        else if (k == 4 && kind == 1)
            fputs(i % 2 ? "42\n" : "nul\n", f);
        else if (k == 5 && kind == 2)
            fputs("{\"id\": \"caf\xe9\"}\n", f);
        else
            fprintf(f, "{\"id\": %d, \"name\": \"n%d\"}\n", i, i % 97);
    }
    if (kind == 3)
        fputs("{\"id\": -1}", f);
    fclose(f);
}

START_TEST(a_split_json_lines_file_reads_as_the_whole_file)
{
    for (int kind = 0; kind < 4; kind++) {
        write_jsonl("big.jsonl", 30000, kind);
        exact split, whole;
        free(profile_any_threads("big.jsonl", &split, &whole));
        ck_assert_uint_gt(split.records, 25000);
        ck_assert_uint_eq(split.records, whole.records);
        ck_assert_uint_eq(split.lines, whole.lines);
        ck_assert_uint_eq(split.decoded, whole.decoded);
        ck_assert_uint_gt(split.defects, 0);
        ck_assert_uint_eq(split.defects, whole.defects);
        ck_assert_uint_eq(split.first.line, whole.first.line);
        ck_assert_uint_eq(split.first.offset, whole.first.offset);
        ck_assert_uint_eq(split.first.record, whole.first.record);
    }
}
END_TEST

/* Past max_paths the fields a split file cannot add are dropped as in a
 * whole-file read, and the scan goes on. */
START_TEST(a_split_file_past_max_paths_reads_as_the_whole_file)
{
    write_csv("big.csv", 30000, 0, "");
    write_file("a.csv", "p,q\n1,2\n", 1);  /* read first: the profile full */
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 2;
    uint64_t overflow[2];
    for (int split = 0; split < 2; split++) {
        gs_scan_opts o = {0};
        o.threads = 2;
        o.split_bytes = split ? 128 * 1024 : (uint64_t)1 << 40;
        gs_profile *p = gs_profile_new(&lim);
        const char *root = dir;
        gs_error err = {0};
        ck_assert_int_eq(gs_scan(&root, 1, &o, p, &err), GS_OK);
        ck_assert_uint_eq(gs_profile_field_count(p), 2);
        ck_assert_uint_eq(gs_profile_corpus(p)->records, 30001);
        overflow[split] = gs_profile_corpus(p)->paths_overflow;
        gs_profile_free(p);
    }
    ck_assert_uint_eq(overflow[0], overflow[1]);
    ck_assert_uint_gt(overflow[0], 0);
}
END_TEST

/* Every range of a clean file holds records; in a file with a stray quote,
 * the range holding it reads to the end and the ranges after it are empty. */
START_TEST(a_range_the_parser_might_read_otherwise_runs_to_the_end)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char path[512];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    for (int bad = 0; bad < 2; bad++) {
        write_csv("big.csv", 30000, bad, "");
        gs_doc_split *s = NULL;
        ck_assert_int_eq(gs_doc_split_plan(path, &lim, 128 * 1024, 1, &s), GS_OK);
        ck_assert_ptr_nonnull(s);
        unsigned n = gs_doc_split_ranges(s), last = 0;
        ck_assert_uint_ge(n, 6);
        gs_document *d = gs_document_new(&lim);
        gs_profile *p = gs_profile_new(&lim);
        uint64_t records = 0;
        for (unsigned i = 0; i < n; i++) {  /* counted backwards: any order */
            ck_assert(gs_doc_split_needs_count(s, n - 1 - i, 1));
            ck_assert_int_eq(gs_document_count_range(d, s, n - 1 - i), GS_OK);
        }
        for (unsigned i = 0; i < n; i++) {
            ck_assert_int_eq(gs_document_scan_range(d, s, i, p), GS_OK);
            uint64_t r = gs_document_facts(d)->records;
            records += r;
            if (r)
                last = i;
            ck_assert(bad || r > 0);
        }
        ck_assert_uint_eq(records, 30000);
        if (bad)  /* row 15000 is near the middle */
            ck_assert(last > 0 && last < n / 2 + 2 && last + 2 < n);
        gs_profile_free(p);
        gs_document_free(d);
        gs_doc_split_free(s);
    }
}
END_TEST

START_TEST(checkpoints_round_trip_and_refuse_garbage)
{
    write_file("c.csv", "id,v\n1,x\n2,y\n", 1);
    gs_scan_opts o = {0};
    gs_profile *p = scan_dir(&o);
    char path[512];
    snprintf(path, sizeof path, "%s/run.ckpt", dir);
    gs_checkpoint c = {0};
    c.key = "command=profile\nroot=/x";
    c.last = "/x/c.csv";
    c.entries = 1;
    c.side = 1;
    c.profiles[0] = p;
    c.profiles[1] = p;
    gs_error err = {0};
    ck_assert_int_eq(gs_checkpoint_save(path, &c, &err), GS_OK);
    gs_checkpoint r;
    ck_assert_int_eq(gs_checkpoint_load(path, &r, &err), GS_OK);
    ck_assert_str_eq(r.key, c.key);
    ck_assert_str_eq(r.last, c.last);
    ck_assert_uint_eq(r.entries, 1);
    ck_assert_uint_eq(r.side, 1);
    char *a = saved(p), *b = saved(r.profiles[1]);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    gs_checkpoint_clear(&r);

    char diff[256];
    gs_checkpoint_key_diff("a=1\nb=2\nc=3", "a=1\nb=9\nc=3", diff, sizeof diff);
    ck_assert_str_eq(diff, "b=2 (checkpoint) vs b=9 (now)");
    gs_checkpoint_key_diff("a=1", "a=1", diff, sizeof diff);
    ck_assert_str_eq(diff, "");

    /* Cut short anywhere: refused, never misread. */
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    for (off_t cut = 0; cut < st.st_size; cut += st.st_size / 7 + 1) {
        ck_assert_int_eq(truncate(path, cut), 0);
        gs_error e = {0};
        ck_assert_int_ne(gs_checkpoint_load(path, &r, &e), GS_OK);
        ck_assert_ptr_null(r.key);
    }
    unlink(path);
    ck_assert_int_eq(gs_checkpoint_load(path, &r, &err), GS_ENOENT);
    gs_profile_free(p);
}
END_TEST

static void clean_dir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static Suite *scan_suite(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_add_checked_fixture(tc, clean_dir, NULL);
    tcase_add_test(tc, every_path_is_in_exactly_one_shard);
    tcase_add_test(tc, progress_hook_sees_every_entry_and_can_stop);
    tcase_add_test(tc, resuming_gives_the_same_bytes);
    tcase_add_test(tc, the_default_range_size_makes_eight_ranges_within_bounds);
    tcase_add_test(tc, only_big_plain_utf8_json_lines_csv_and_tsv_split);
    tcase_add_test(tc, a_split_csv_reads_as_the_whole_file_at_any_thread_count);
    tcase_add_test(tc, a_split_json_lines_file_reads_as_the_whole_file);
    tcase_add_test(tc, a_range_the_parser_might_read_otherwise_runs_to_the_end);
    tcase_add_test(tc, a_split_file_past_max_paths_reads_as_the_whole_file);
    tcase_add_test(tc, checkpoints_round_trip_and_refuse_garbage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    SRunner *sr = srunner_create(scan_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failed++;
    return failed ? 1 : 0;
}

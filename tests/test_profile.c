/* test_profile.c - the profile model: fields, merge, save/load, names. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gapscan/profile.h"

static const char *const values_a[] = {"1", "2", "3", "", "N/A", "x", "4.5",
                                       "2024-03-01", "true", "7"};
static const char *const values_b[] = {"8", "9", "NULL", "10", "1,5", "2",
                                       "2019-12-31", "yes", "-", "11"};

static void add_values(gs_profile *p, const char *const *v, size_t n,
                       const char *doc)
{
    gs_field *f = gs_profile_field(p, "tickets", "csat", 4, NULL);
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < n; i++) {
        gs_loc loc = {0, i + 2, 0, i + 1};
        gs_profile_count_record(p, "tickets");
        gs_field_count_present(f);
        ck_assert_int_eq(gs_field_add(f, v[i], strlen(v[i]), GS_VK_TEXT, doc,
                                      &loc, NULL), GS_OK);
    }
    gs_doc_facts d = {.path = doc, .collection = "tickets", .format = "csv",
                      .encoding = "UTF-8", .bom = "", .bytes = 100,
                      .records = n, .lf = n, .mtime = 1700000000};
    ck_assert_int_eq(gs_profile_add_doc(p, &d), GS_OK);
    gs_profile_count_file(p, "tickets");
    gs_loc loc = {0, 3, 1, 0};
    ck_assert_int_eq(gs_profile_add_defect(p, doc, "csv.ragged_row", "3 of 4",
                                           &loc), GS_OK);
    gs_profile_count_defect_file(p, "csv.ragged_row");
}

static char *save_to_string(const gs_profile *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_save(p, f, &err), GS_OK);
    fclose(f);
    return buf;
}

START_TEST(merge_of_parts_equals_profile_of_the_whole)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *a = gs_profile_new(&lim), *b = gs_profile_new(&lim);
    gs_profile *whole = gs_profile_new(&lim);
    add_values(a, values_a, 10, "a.csv");
    add_values(b, values_b, 10, "b.csv");
    add_values(whole, values_a, 10, "a.csv");
    add_values(whole, values_b, 10, "b.csv");
    ck_assert_int_eq(gs_profile_merge(a, b), GS_OK);

    const gs_field *fa = gs_profile_field_find(a, "tickets", "csat");
    const gs_field *fw = gs_profile_field_find(whole, "tickets", "csat");
    gs_field_stats sa, sw;
    gs_field_stats_get(fa, &sa);
    gs_field_stats_get(fw, &sw);
    ck_assert_uint_eq(sa.count, 20);
    ck_assert_uint_eq(sa.count, sw.count);
    ck_assert_uint_eq(sa.present, sw.present);
    for (int t = 0; t < GS_VT__COUNT; t++)
        ck_assert_uint_eq(sa.types[t], sw.types[t]);
    ck_assert_uint_eq(sa.types[GS_VT_NULL], 4);
    ck_assert(fabs(sa.num_mean - sw.num_mean) < 1e-9);
    ck_assert(fabs(sa.num_m2 - sw.num_m2) < 1e-6);
    ck_assert(fabs(sa.distinct - sw.distinct) < 1e-9);
    ck_assert_uint_eq(gs_profile_corpus(a)->files, 2);
    ck_assert_uint_eq(gs_profile_defect_find(a, "csv.ragged_row")->files, 2);
    ck_assert_uint_eq(gs_profile_collection_records(a, "tickets"), 20);

    /* The scan builds a corpus profile by merging per-file partials in walk
     * order; merging the same partials into a fresh accumulator gives the
     * same bytes (Welford's sums differ from one sequential pass only in the
     * last bits, checked above with a tolerance). */
    gs_profile *pa = gs_profile_new(&lim), *pb = gs_profile_new(&lim);
    gs_profile *acc = gs_profile_new(&lim);
    add_values(pa, values_a, 10, "a.csv");
    add_values(pb, values_b, 10, "b.csv");
    ck_assert_int_eq(gs_profile_merge(acc, pa), GS_OK);
    ck_assert_int_eq(gs_profile_merge(acc, pb), GS_OK);
    char *ja = save_to_string(a), *jw = save_to_string(acc);
    ck_assert_msg(strcmp(ja, jw) == 0, "saved merges differ");
    gs_profile_free(pa);
    gs_profile_free(pb);
    gs_profile_free(acc);
    ck_assert_str_eq(ja, jw);
    free(ja);
    free(jw);
    gs_profile_free(a);
    gs_profile_free(b);
    gs_profile_free(whole);
}
END_TEST

START_TEST(a_saved_profile_loads_back_to_the_same_bytes)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    gs_profile_add_root(p, "samples/x");
    add_values(p, values_a, 10, "a\n\"odd\".csv");
    char *first = save_to_string(p);
    char path[] = "/tmp/gs_profile_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(first, f);
    fclose(f);
    gs_profile *q = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_load(path, &q, &err), GS_OK);
    char *second = save_to_string(q);
    ck_assert_msg(strcmp(first, second) == 0, "load/save changed the profile");
    unlink(path);
    free(first);
    free(second);
    gs_profile_free(p);
    gs_profile_free(q);
}
END_TEST

static gs_status load_text(const char *text, gs_error *err)
{
    char path[] = "/tmp/gs_profile_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    gs_profile *p = NULL;
    gs_status st = gs_profile_load(path, &p, err);
    ck_assert(st == GS_OK || p == NULL);
    gs_profile_free(p);
    unlink(path);
    return st;
}

START_TEST(a_bad_profile_is_refused_with_a_reason)
{
    gs_error err = {0};
    ck_assert_int_eq(load_text("not json", &err), GS_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "not JSON"));
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(load_text("{\"format\":\"other\"}", &err), GS_EFORMAT);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(load_text("{\"format\":\"gapscan-profile\",\"version\":99}",
                               &err), GS_EVERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "version 99"));
    memset(&err, 0, sizeof err);
    char deep[4096];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    ck_assert_int_eq(load_text(deep, &err), GS_EFORMAT);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(load_text("", &err), GS_EFORMAT);
}
END_TEST

START_TEST(missing_profile_file_is_enoent)
{
    gs_profile *p = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_load("/nonexistent/p.json", &p, &err),
                     GS_ENOENT);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(collection_names_drop_dates_and_extensions)
{
    static const struct {
        const char *path, *want;
    } cases[] = {
        {"x/tickets-2026-10.csv.gz", "tickets"},
        {"tickets.csv", "tickets"},
        {"a/b/Tickets_2019.CSV", "tickets"},
        {"t/tickets-2021-legacy.csv", "tickets-legacy"},
        {"broken/invalid-utf8.jsonl", "invalid-utf8"},
        {"exports/orders/2023-01.csv", "orders"},
        {"2023/01.csv", "(root)"},
        {"products.jsonl", "products"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64];
        gs_collection_name(cases[i].path, out, sizeof out);
        ck_assert_msg(strcmp(out, cases[i].want) == 0, "%s -> %s, want %s",
                      cases[i].path, out, cases[i].want);
    }
}
END_TEST

START_TEST(fields_stop_at_max_paths_and_overflow_is_counted)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 3;
    gs_profile *p = gs_profile_new(&lim);
    char name[8];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "f%d", i);
        ck_assert_ptr_nonnull(gs_profile_field(p, "c", name, 2, NULL));
    }
    gs_status st = GS_OK;
    ck_assert_ptr_null(gs_profile_field(p, "c", "f9", 2, &st));
    ck_assert_int_eq(st, GS_ELIMIT);
    ck_assert_uint_eq(gs_profile_field_count(p), 3);
    gs_profile_free(p);
}
END_TEST

START_TEST(merging_different_sketch_sizes_is_refused)
{
    gs_limits a, b;
    gs_limits_default(&a);
    gs_limits_default(&b);
    b.hll_lg_k = 10;
    gs_profile *pa = gs_profile_new(&a), *pb = gs_profile_new(&b);
    ck_assert_int_eq(gs_profile_merge(pa, pb), GS_EINVAL);
    gs_profile_free(pa);
    gs_profile_free(pb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_add_test(tc, merge_of_parts_equals_profile_of_the_whole);
    tcase_add_test(tc, a_saved_profile_loads_back_to_the_same_bytes);
    tcase_add_test(tc, a_bad_profile_is_refused_with_a_reason);
    tcase_add_test(tc, missing_profile_file_is_enoent);
    tcase_add_test(tc, collection_names_drop_dates_and_extensions);
    tcase_add_test(tc, fields_stop_at_max_paths_and_overflow_is_counted);
    tcase_add_test(tc, merging_different_sketch_sizes_is_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

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
    /* Formats merge exactly; the first example of a format is the first in
     * merge order. */
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        ck_assert_uint_eq(sa.formats[i], sw.formats[i]);
    ck_assert_uint_eq(sa.formats[GS_VFMT_DEC_COMMA], 1);        /* 1,5 */
    ck_assert_uint_eq(sa.formats[GS_VFMT_INT_0_1], 1);          /* 1 */
    ck_assert_uint_eq(sa.formats[GS_VFMT_INT], 8);
    ck_assert_uint_eq(sa.formats[GS_VFMT_NULL_TOKEN], 3);
    ck_assert_uint_eq(sa.formats[GS_VFMT_BOOL_YES_NO], 1);
    const gs_example *ex = gs_field_format_example(fa, GS_VFMT_DATE_ISO);
    ck_assert_ptr_nonnull(ex);
    ck_assert_str_eq(ex->path, "a.csv");
    ck_assert_str_eq(ex->value, "2024-03-01");
    ck_assert_uint_eq(ex->loc.line, 9);
    ex = gs_field_format_example(fa, GS_VFMT_DEC_COMMA);
    ck_assert_str_eq(ex->path, "b.csv");
    ck_assert_ptr_null(gs_field_format_example(fa, GS_VFMT_EMAIL));
    ck_assert_int_eq(sa.dominant_format, GS_VFMT_INT);
    ck_assert(fabs(sa.dominant_share - 8.0 / 16.0) < 1e-12);
    /* Shapes: "9" leads with its first example; lengths of the 16
     * non-null values. */
    gs_topk_item top[GS_SHAPE_TOP_K];
    size_t nt = gs_topk_items(sa.shapes, top, GS_SHAPE_TOP_K);
    ck_assert_uint_ge(nt, 5);
    ck_assert_uint_eq(top[0].len, 1);
    ck_assert_int_eq(top[0].value[0], '9');
    ck_assert_uint_eq(top[0].count, 7);   /* 1 2 3 7 8 9 2 */
    ex = gs_field_shape_example(fa, "9", 1);
    ck_assert_ptr_nonnull(ex);
    ck_assert_str_eq(ex->value, "1");
    ex = gs_field_shape_example(fa, "9999-99-99", 10);
    ck_assert_str_eq(ex->value, "2024-03-01");
    /* Lengths merge exactly: 1 2 3 x 7 8 9 2 (1 byte), 10 11 (2), 4.5 1,5
     * yes (3), true (4), two dates (10); no long one. */
    static const uint64_t lens[11] = {0, 8, 2, 3, 1, 0, 0, 0, 0, 0, 2};
    ck_assert_uint_eq(sa.len_counts_n, sw.len_counts_n);
    ck_assert_uint_ge(sa.len_counts_n, 11);
    for (size_t i = 0; i < sa.len_counts_n; i++) {
        ck_assert_uint_eq(sa.len_counts[i], sw.len_counts[i]);
        ck_assert_uint_eq(sa.len_counts[i], i < 11 ? lens[i] : 0);
    }
    ck_assert_ptr_null(sa.len_long);
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
    memset(&err, 0, sizeof err);   /* version 3 saved SpaceSaving items */
    ck_assert_int_eq(load_text("{\"format\":\"gapscan-profile\",\"version\":3}",
                               &err), GS_EVERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "version 3"));
    memset(&err, 0, sizeof err);   /* version 4 sketched every length */
    ck_assert_int_eq(load_text("{\"format\":\"gapscan-profile\",\"version\":4}",
                               &err), GS_EVERSION);
    memset(&err, 0, sizeof err);
    char deep[4096];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    ck_assert_int_eq(load_text(deep, &err), GS_EFORMAT);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(load_text("", &err), GS_EFORMAT);
}
END_TEST

/* n values into field (coll, path) of p, cycling through v. */
static void add_cycle(gs_profile *p, const char *path,
                      const char *const *v, size_t nv, size_t n)
{
    gs_field *f = gs_profile_field(p, "c", path, strlen(path), NULL);
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < n; i++) {
        gs_loc loc = {0, i + 2, 0, i + 1};
        ck_assert_int_eq(gs_field_add(f, v[i % nv], strlen(v[i % nv]),
                                      GS_VK_TEXT, "c.csv", &loc, NULL), GS_OK);
    }
}

START_TEST(a_null_token_shaped_like_the_field_is_a_value)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    /* Country codes: NA is Namibia. */
    static const char *const countries[] = {"DE", "FR", "GB", "NA", "US",
                                            "IT", "ES", "PL"};
    add_cycle(p, "country", countries, 8, 40);
    /* Language codes: nil is a value (a three-letter code shape). */
    static const char *const langs[] = {"eng", "fra", "deu", "nil"};
    add_cycle(p, "lang", langs, 4, 40);
    /* Numbers: NA is a null whatever its count. */
    static const char *const nums[] = {"1", "22", "NA", "333"};
    add_cycle(p, "amount", nums, 4, 40);
    /* Words: "null" and "none" always mean null. */
    static const char *const words[] = {"open", "shut", "null", "none"};
    add_cycle(p, "state", words, 4, 40);
    /* Too few values to tell: NA stays a null. */
    add_cycle(p, "few", countries, 8, 8);

    gs_field_stats st;
    gs_field_stats_get(gs_profile_field_find(p, "c", "country"), &st);
    ck_assert_uint_eq(st.null_tokens[6], 5);             /* raw count kept */
    ck_assert_uint_eq(st.null_tokens_as_values, 1u << 6);
    ck_assert_uint_eq(st.nulls_as_values, 5);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 0);
    ck_assert_uint_eq(st.types[GS_VT_STRING], 40);
    ck_assert_uint_eq(st.formats[GS_VFMT_STR_UPPER], 40);
    ck_assert_uint_eq(st.formats[GS_VFMT_NULL_TOKEN], 0);
    ck_assert_int_eq(st.dominant_format, GS_VFMT_STR_UPPER);
    ck_assert(st.dominant_share == 1.0);

    gs_field_stats_get(gs_profile_field_find(p, "c", "lang"), &st);
    ck_assert_uint_eq(st.null_tokens_as_values, 1u << 15);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 0);

    gs_field_stats_get(gs_profile_field_find(p, "c", "amount"), &st);
    ck_assert_uint_eq(st.null_tokens_as_values, 0);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 10);

    gs_field_stats_get(gs_profile_field_find(p, "c", "state"), &st);
    ck_assert_uint_eq(st.null_tokens_as_values, 0);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 20);

    gs_field_stats_get(gs_profile_field_find(p, "c", "few"), &st);
    ck_assert_uint_eq(st.null_tokens_as_values, 0);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 1);
    gs_profile_free(p);
}
END_TEST

START_TEST(top_shapes_keep_an_example_each_past_many_shapes)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *a = gs_profile_new(&lim), *b = gs_profile_new(&lim);
    gs_profile *whole = gs_profile_new(&lim);
    /* One frequent shape and a long tail of one-off shapes (a, aa, aaa...)
     * that keeps evicting sketch slots and pruning the example table. */
    char buf[64];
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < 300; i++) {
            gs_profile *p = side ? b : a;
            gs_field *f = gs_profile_field(p, "c", "v", 1, NULL);
            gs_field *w = gs_profile_field(whole, "c", "v", 1, NULL);
            int tail = i % 3 == 0;
            int n = tail ? 1 + (i / 3 + side * 100) % 40 : 0;
            if (tail) {
                memset(buf, 'x', (size_t)n);
                buf[n] = '\0';
            } else {
                snprintf(buf, sizeof buf, "AB-%03d", i % 1000);
            }
            gs_loc loc = {0, (uint64_t)i + 2, 0, (uint64_t)i + 1};
            const char *doc = side ? "b.csv" : "a.csv";
            ck_assert_int_eq(gs_field_add(f, buf, strlen(buf), GS_VK_TEXT,
                                          doc, &loc, NULL), GS_OK);
            ck_assert_int_eq(gs_field_add(w, buf, strlen(buf), GS_VK_TEXT,
                                          doc, &loc, NULL), GS_OK);
        }
    ck_assert_int_eq(gs_profile_merge(a, b), GS_OK);
    const gs_profile *ps[2] = {a, whole};
    for (int k = 0; k < 2; k++) {
        const gs_field *f = gs_profile_field_find(ps[k], "c", "v");
        gs_field_stats st;
        gs_field_stats_get(f, &st);
        /* every counter, reported or not, has its example */
        gs_topk_item items[2 * GS_SHAPE_TOP_K];
        size_t n = gs_topk_counters(st.shapes, items, 2 * GS_SHAPE_TOP_K);
        ck_assert_uint_gt(gs_topk_offset(st.shapes), 0);   /* it purged */
        ck_assert_uint_ge(n, 1);
        ck_assert_uint_eq(items[0].len, 6);
        ck_assert_int_eq(memcmp(items[0].value, "AA-999", 6), 0);
        ck_assert_uint_ge(items[0].count, 400);
        ck_assert_uint_le(items[0].count - items[0].error, 400);
        for (size_t i = 0; i < n; i++) {
            const gs_example *ex = gs_field_shape_example(f, items[i].value,
                                                          items[i].len);
            ck_assert_msg(ex != NULL, "shape %.*s has no example",
                          (int)items[i].len, items[i].value);
            char shape[GS_SHAPE_MAX];
            size_t sl = gs_value_shape(ex->value, strlen(ex->value), shape,
                                       sizeof shape);
            ck_assert(sl == items[i].len &&
                      memcmp(shape, items[i].value, sl) == 0);
        }
        ck_assert_str_eq(gs_field_shape_example(f, "AA-999", 6)->value,
                         "AB-001");
    }
    char *sa = save_to_string(a);
    ck_assert_ptr_nonnull(strstr(sa, "\"shape\": \"AA-999\""));
    ck_assert_ptr_nonnull(strstr(sa, "\"formats\""));
    ck_assert_ptr_nonnull(strstr(sa, "\"len_counts\""));
    free(sa);
    gs_profile_free(a);
    gs_profile_free(b);
    gs_profile_free(whole);
}
END_TEST

/* n values of field "c"/"v", many distinct (ids and a few shapes). */
static void add_many(gs_profile *p, const char *doc, int from, int n)
{
    gs_field *f = gs_profile_field(p, "c", "v", 1, NULL);
    char buf[32];
    for (int i = from; i < from + n; i++) {
        int len = snprintf(buf, sizeof buf, "id-%d", i * 7919 % 1000);
        if (i % 4 == 0)   /* a shape per bit pattern: x9x99... */
            for (int k = len = 0; k < 8; k++)
                buf[len++] = (i * 7919 >> k) & 1 ? 'x' : '5';
        gs_loc loc = {0, (uint64_t)i + 2, 0, (uint64_t)i + 1};
        ck_assert_int_eq(gs_field_add(f, buf, (size_t)len, GS_VK_TEXT, doc,
                                      &loc, NULL), GS_OK);
    }
}

START_TEST(a_purged_top_k_sketch_saves_loads_and_merges_the_same)
{
    /* Past their counters both top-K sketches hold an offset and counters
     * that are not reported: the file keeps all of it, so load -> save is
     * byte-identical and a merge after loading equals one before saving. */
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *a = gs_profile_new(&lim), *b = gs_profile_new(&lim);
    add_many(a, "a.csv", 0, 3000);
    add_many(b, "b.csv", 3000, 2000);
    gs_field_stats st;
    gs_field_stats_get(gs_profile_field_find(a, "c", "v"), &st);
    ck_assert_uint_gt(gs_topk_offset(st.top), 0);
    ck_assert_uint_gt(gs_topk_offset(st.shapes), 0);
    char *sa = save_to_string(a);
    gs_profile *back = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_load_text("mem", sa, strlen(sa), &back, &err),
                     GS_OK);
    char *sb = save_to_string(back);
    ck_assert_str_eq(sb, sa);
    ck_assert_int_eq(gs_profile_merge(a, b), GS_OK);
    ck_assert_int_eq(gs_profile_merge(back, b), GS_OK);
    char *ma = save_to_string(a), *mb = save_to_string(back);
    ck_assert_str_eq(ma, mb);
    free(sa);
    free(sb);
    free(ma);
    free(mb);
    gs_profile_free(a);
    gs_profile_free(b);
    gs_profile_free(back);
}
END_TEST

START_TEST(format_counts_must_add_up_when_loading)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    add_values(p, values_a, 10, "a.csv");
    char *text = save_to_string(p);
    /* values_a has one null token (N/A): claim three. */
    char *at = strstr(text, "\"null.token\": 1");
    ck_assert_ptr_nonnull(at);
    at[strlen("\"null.token\": ")] = '3';
    gs_error err = {0};
    ck_assert_int_eq(load_text(text, &err), GS_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.message, "format counts"));
    free(text);
    gs_profile_free(p);
}
END_TEST

/* Lengths below GS_LEN_EXACT are counted exactly and the longer ones
 * sketched; both save, load back to the same bytes and merge; a file whose
 * lengths do not add up to the non-null values is refused. */
START_TEST(value_lengths_count_short_ones_and_sketch_long_ones)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *a = gs_profile_new(&lim), *b = gs_profile_new(&lim);
    static char buf[GS_LEN_EXACT + 400];
    memset(buf, 'x', sizeof buf);
    gs_profile *ps[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        gs_field *f = gs_profile_field(ps[k], "c", "v", 1, NULL);
        gs_loc loc = {0, 2, 0, 1};
        /* lengths 0..299 (the empty one is a null), 255 once more, then a
         * null token */
        for (size_t len = 0; len < 300; len++)
            ck_assert_int_eq(gs_field_add(f, buf, len, GS_VK_STRING, "c.json",
                                          &loc, NULL), GS_OK);
        ck_assert_int_eq(gs_field_add(f, buf, GS_LEN_EXACT - 1, GS_VK_STRING,
                                      "c.json", &loc, NULL), GS_OK);
        ck_assert_int_eq(gs_field_add(f, "NULL", 4, GS_VK_TEXT, "c.json",
                                      &loc, NULL), GS_OK);
    }
    gs_field_stats st;
    gs_field_stats_get(gs_profile_field_find(a, "c", "v"), &st);
    ck_assert_uint_eq(st.len_counts_n, GS_LEN_EXACT);
    ck_assert_uint_eq(st.types[GS_VT_NULL], 2);
    ck_assert_uint_eq(st.len_counts[0], 0);   /* nulls have no length */
    ck_assert_uint_eq(st.len_counts[1], 1);
    ck_assert_uint_eq(st.len_counts[GS_LEN_EXACT - 1], 2);
    ck_assert_ptr_nonnull(st.len_long);
    ck_assert_uint_eq(gs_kll_count(st.len_long), 300 - GS_LEN_EXACT);
    ck_assert(gs_kll_min(st.len_long) == (double)GS_LEN_EXACT);
    ck_assert(gs_kll_max(st.len_long) == 299.0);

    /* to text and back: the same bytes */
    char *text = save_to_string(a);
    ck_assert_ptr_nonnull(strstr(text, "\"255\": 2"));
    gs_profile *back = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_load_text("mem", text, strlen(text), &back,
                                          &err), GS_OK);
    char *again = save_to_string(back);
    ck_assert_str_eq(text, again);

    /* merged: counts add, the long ones' sketch holds both halves */
    ck_assert_int_eq(gs_profile_merge(a, b), GS_OK);
    gs_field_stats_get(gs_profile_field_find(a, "c", "v"), &st);
    ck_assert_uint_eq(st.len_counts[1], 2);
    ck_assert_uint_eq(st.len_counts[GS_LEN_EXACT - 1], 4);
    ck_assert_uint_eq(gs_kll_count(st.len_long), 2 * (300 - GS_LEN_EXACT));

    /* counts that do not add up, a length out of order or too long, a
     * zero count: refused */
    static const char *const bad_edits[][2] = {
        {"\"255\": 2", "\"255\": 3"},
        {"\"1\": 1", "\"9\": 1"},
        {"\"255\": 2", "\"256\": 2"},
        {"\"1\": 1", "\"1\": 0"},
        {"\"1\": 1", "\"01\": 1"},
    };
    for (size_t i = 0; i < sizeof bad_edits / sizeof *bad_edits; i++) {
        char *t = strdup(text), *at = strstr(t, bad_edits[i][0]);
        ck_assert_ptr_nonnull(at);
        size_t n0 = strlen(bad_edits[i][0]), n1 = strlen(bad_edits[i][1]);
        char *e = malloc(strlen(t) + n1 + 1);
        memcpy(e, t, (size_t)(at - t));
        strcpy(e + (at - t), bad_edits[i][1]);
        strcat(e, at + n0);
        memset(&err, 0, sizeof err);
        ck_assert_msg(load_text(e, &err) == GS_EFORMAT, "edit %zu loaded", i);
        ck_assert_ptr_nonnull(strstr(err.message, "len_"));
        free(e);
        free(t);
    }
    free(again);
    free(text);
    gs_profile_free(back);
    gs_profile_free(a);
    gs_profile_free(b);
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
        {"pages/p000001.xml", "p"},
        {"kb/Page0042.html", "page"},
        {"kb/article-17-v12.md", "article-v12"},
        {"enc/utf8.txt", "utf8"},
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

/* One file of collection "tickets" in a dialect, header and line-ending
 * style, whose "created_at" is mostly in format fmt. */
static void add_layout_doc(gs_profile *p, const char *path,
                           const char *dialect, const char *header,
                           uint64_t lf, uint64_t crlf, gs_vformat fmt)
{
    gs_doc_facts d = {.path = path, .collection = "tickets", .format = "csv",
                      .encoding = "UTF-8", .bom = "", .lf = lf, .crlf = crlf,
                      .csv_dialect = dialect, .csv_header = header};
    ck_assert_int_eq(gs_profile_add_doc(p, &d), GS_OK);
    gs_field *f = gs_profile_field(p, "tickets", "created_at", 10, NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(gs_field_count_file_format(f, fmt, path), GS_OK);
}

static void add_layout_docs(gs_profile *p, int from, int to, int formats)
{
    static const char *const dialects[] = {"delimiter=, quote=\" header=present",
                                           "delimiter=; quote=\" header=present"};
    static const char *const headers[] = {"id\tcreated_at", "created_at\tid"};
    for (int i = from; i < to; i++) {
        char path[32];
        snprintf(path, sizeof path, "t-%02d.csv", i);
        add_layout_doc(p, path, dialects[i % 2], headers[i % 3 == 0],
                       i % 4 ? 5 : 0, i % 4 ? 0 : 5,
                       (gs_vformat)(GS_VFMT_DATE_ISO + i % formats));
    }
}

START_TEST(layouts_and_file_formats_merge_like_a_single_pass)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 6;  /* 2 dialects + 2 headers + 2 styles: then full */
    gs_profile *whole = gs_profile_new(&lim), *a = gs_profile_new(&lim),
               *b = gs_profile_new(&lim);
    add_layout_docs(whole, 0, 20, 6);
    add_layout_docs(a, 0, 7, 6);
    add_layout_docs(b, 7, 20, 6);
    ck_assert_int_eq(gs_profile_merge(a, b), GS_OK);
    char *sw = save_to_string(whole), *sa = save_to_string(a);
    ck_assert_str_eq(sa, sw);

    const gs_layout_row *rows;
    uint64_t dropped;
    size_t n = gs_profile_layouts(whole, &rows, &dropped);
    ck_assert_uint_eq(n, 6);
    ck_assert_uint_eq(dropped, 0);
    ck_assert_str_eq(rows[0].kind, "dialect");
    ck_assert_str_eq(rows[0].value, "delimiter=, quote=\" header=present");
    ck_assert_uint_eq(rows[0].files, 10);
    ck_assert_str_eq(rows[0].first, "t-00.csv");
    ck_assert_str_eq(rows[4].kind, "header");
    ck_assert_str_eq(rows[2].value, "crlf");
    ck_assert_uint_eq(rows[2].files, 5);  /* 0, 4, 8, 12, 16 */

    const gs_file_format *ff;
    uint64_t other;
    const gs_field *f = gs_profile_field_find(whole, "tickets", "created_at");
    ck_assert_uint_eq(gs_field_file_formats(f, &ff, &other), 6);
    ck_assert_uint_eq(other, 0);
    ck_assert_int_eq(ff[0].format, GS_VFMT_DATE_ISO);
    ck_assert_uint_eq(ff[0].files, 4);  /* 0, 6, 12, 18 */
    ck_assert_str_eq(ff[1].first, "t-01.csv");

    /* 11 formats over 20 files: 8 kept, the files of 3 more counted */
    gs_profile *many = gs_profile_new(&lim);
    add_layout_docs(many, 0, 20, 11);
    f = gs_profile_field_find(many, "tickets", "created_at");
    ck_assert_uint_eq(gs_field_file_formats(f, &ff, &other), 8);
    ck_assert_uint_eq(other, 4);  /* files 8, 9, 10 and 19 */
    gs_profile_free(many);

    /* a new layout past max_paths is counted, not kept */
    gs_doc_facts d = {.path = "x.csv", .collection = "orders",
                      .format = "csv", .encoding = "UTF-8", .bom = "",
                      .lf = 1};
    ck_assert_int_eq(gs_profile_add_doc(whole, &d), GS_OK);
    ck_assert_uint_eq(gs_profile_layouts(whole, &rows, &dropped), 6);
    ck_assert_uint_eq(dropped, 1);

    /* and all of it loads back to the same bytes */
    gs_profile *back = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_profile_load_text("mem", sa, strlen(sa), &back, &err),
                     GS_OK);
    char *sl = save_to_string(back);
    ck_assert_str_eq(sl, sa);
    free(sw);
    free(sa);
    free(sl);
    gs_profile_free(back);
    gs_profile_free(whole);
    gs_profile_free(a);
    gs_profile_free(b);
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
    tcase_add_test(tc, value_lengths_count_short_ones_and_sketch_long_ones);
    tcase_add_test(tc, collection_names_drop_dates_and_extensions);
    tcase_add_test(tc, fields_stop_at_max_paths_and_overflow_is_counted);
    tcase_add_test(tc, merging_different_sketch_sizes_is_refused);
    tcase_add_test(tc, a_null_token_shaped_like_the_field_is_a_value);
    tcase_add_test(tc, top_shapes_keep_an_example_each_past_many_shapes);
    tcase_add_test(tc, a_purged_top_k_sketch_saves_loads_and_merges_the_same);
    tcase_add_test(tc, format_counts_must_add_up_when_loading);
    tcase_add_test(tc, layouts_and_file_formats_merge_like_a_single_pass);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* test_json.c - the whole-file JSON parser's rules (parsers/json.c) and the
 * path rules it shares with JSON Lines (parsers/paths.c).
 *
 * The golden fixtures tests/data/parsers/json_* cover the everyday shapes
 * through test_parsers.c; this suite proves the rules one at a time: which
 * objects are records, map collapse, the path limit, the depth limit (also
 * at a million levels, in bounded memory and time), long strings and
 * numbers, and where syntax errors are located. Every input here is also
 * parsed in pieces of many sizes and must give the same transcript.
 */
#include "gapscan/parser.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transcript.h"

#define ck_assert_has(hay, needle) \
    ck_assert_msg(strstr(hay, needle) != NULL, "missing <%s> in:\n%s", needle, hay)
#define ck_assert_lacks(hay, needle) \
    ck_assert_msg(strstr(hay, needle) == NULL, "unexpected <%s> in:\n%s", needle, hay)

static const gs_parser_type *json(void)
{
    return gs_parser_for(GS_FMT_JSON);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *s = hay; (s = strstr(s, needle)) != NULL; s++)
        n++;
    return n;
}

/* The transcript of data (len bytes), after checking that pieces of sizes
 * 1..17, 64, 1000 and an irregular pattern give the same one. */
static char *parse_n(const gs_parser_type *type, const gs_limits *lim,
                     const char *data, size_t len, gs_status want)
{
    tx_rec r = {0};
    gs_status st = tx_run(type, lim, data, len, 0, &r);
    ck_assert_msg(st == want, "status %s, want %s:\n%s", tx_status_name(st),
                  tx_status_name(want), r.out.p);
    char *whole = r.out.p;
    r.out.p = NULL;
    tx_free(&r);
    static const long sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                 14, 15, 16, 17, 64, 1000, -1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *got = tx_transcript(type, lim, data, len, sizes[i]);
        ck_assert_msg(strcmp(got, whole) == 0,
                      "pieces of %ld differ:\n%s\n--- whole:\n%s", sizes[i],
                      got, whole);
        free(got);
    }
    return whole;
}

static char *parse(const gs_limits *lim, const char *data)
{
    return parse_n(json(), lim, data, strlen(data), GS_OK);
}

/* ---- records ---- */

START_TEST(objects_in_the_outermost_array_of_objects_are_records)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = parse(&lim, "{\"v\":1,\"a\":[[{\"x\":1,\"in\":[{\"y\":2}]}],"
                            "3,{\"x\":4}],\"z\":{\"w\":[5]}}");
    /* [[{...}]]: the inner objects are the records, nothing nests */
    ck_assert_int_eq(count(out, "record_begin"), 2);
    ck_assert_int_eq(count(out, "record_end"), 2);
    ck_assert_has(out, "field 0 v\nvalue 0 NUMBER \"1\" line=1 col=6\n"
                       "record_begin line=1 rec=1 off=13\n");
    ck_assert_has(out, "field 2 a[][].in[].y\n");
    ck_assert_has(out, "record_end line=1 rec=1\nfield 3 a[]\n"
                       "value 3 NUMBER \"3\"");
    ck_assert_has(out, "field 4 a[].x\nvalue 4 NUMBER \"4\" line=1 col=45\n"
                       "record_end line=1 rec=2\nfield 5 z.w[]\n");
    free(out);
    /* a top-level array of scalars holds no record */
    out = parse(&lim, "[1,\"a\",null]");
    ck_assert_lacks(out, "record_begin");
    ck_assert_has(out, "field 0 []\nvalue 0 NUMBER \"1\"");
    free(out);
}
END_TEST

/* ---- paths ---- */

START_TEST(id_keys_collapse_to_one_map_component)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = parse(&lim,
        "{\"by_id\":{\"17\":{\"n\":1},\"42\":{\"n\":2}},"
        "\"by_uuid\":{\"123e4567-e89b-12d3-a456-426614174000\":1,"
        "\"123E4567-E89B-12D3-A456-426614174000\":2},"
        "\"by_hash\":{\"0123456789abcdef\":1,\"0123456789abcde\":2},"
        "\"names\":{\"x17\":1,\"-5\":2,\"\":3}}");
    ck_assert_has(out, "field 0 by_id.{*}.n\n");
    ck_assert_int_eq(count(out, "value 0 "), 2);
    ck_assert_has(out, "field 1 by_uuid.{*}\n");
    ck_assert_int_eq(count(out, "value 1 "), 2);
    ck_assert_has(out, "field 2 by_hash.{*}\n");
    ck_assert_has(out, "field 3 by_hash.0123456789abcde\n"); /* 15: a name */
    ck_assert_has(out, "field 4 names.x17\nvalue 4");
    ck_assert_has(out, "field 5 names.-5\nvalue 5");
    ck_assert_has(out, "field 6 names.\nvalue 6");
    free(out);
    out = parse(&lim, "{\"\":1}"); /* the empty path */
    ck_assert_has(out, "field 0 \nvalue 0 NUMBER \"1\"");
    free(out);
}
END_TEST

/* {"m":{"k0":0,"k1":1,...}} with n keys, made by the caller's format. */
static char *many_keys(size_t n, const char *fmt)
{
    str s = {0};
    str_addn(&s, "{\"m\":{", 6);
    for (size_t i = 0; i < n; i++)
        str_addf(&s, fmt, i ? "," : "", i, i);
    str_addn(&s, "}}", 2);
    return s.p;
}

START_TEST(an_object_with_many_distinct_keys_becomes_a_map)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *data = many_keys(300, "%s\"key%zu\":%zu");
    char *out = parse(&lim, data);
    ck_assert_has(out, "field 255 m.key255\n");
    ck_assert_has(out, "field 256 m.{*}\nvalue 256 NUMBER \"256\"");
    ck_assert_lacks(out, "key256");
    ck_assert_int_eq(count(out, "field "), 257);
    ck_assert_int_eq(count(out, "value 256 "), 300 - 256);
    ck_assert_lacks(out, "defect");
    free(out);
    free(data);
    /* once a map, always a map: an old key collapses too */
    data = many_keys(257, "%s\"key%zu\":%zu");
    data[strlen(data) - 2] = '\0';
    str s = {0};
    str_addn(&s, "{\"l\":[", 6);
    str_addn(&s, data, strlen(data));
    const char *tail = "}},{\"m\":{\"key0\":\"again\"}}]}";
    str_addn(&s, tail, strlen(tail));
    out = parse(&lim, s.p);
    ck_assert_has(out, "STRING \"again\"");
    ck_assert_has(out, "field 256 l[].m.{*}\n");
    ck_assert_int_eq(count(out, "value 256 "), 2);
    free(out);
    free(data);
    free(s.p);
}
END_TEST

START_TEST(jsonl_collapses_maps_over_its_lines)
{
    gs_limits lim;
    gs_limits_default(&lim);
    str s = {0};
    for (size_t i = 0; i < 400; i++)
        str_addf(&s, "{\"score\":{\"player%zu\":%zu},\"u\":{\"%zu\":1}}\n", i,
                 i, 1000 + i);
    char *out = parse_n(gs_parser_for(GS_FMT_JSONL), &lim, s.p, s.len, GS_OK);
    ck_assert_has(out, "field 0 score.player0\nvalue 0 NUMBER \"0\" line=1\n"
                       "field 1 u.{*}\n");
    ck_assert_has(out, "score.player255\n");
    ck_assert_has(out, "field 257 score.{*}\nvalue 257 NUMBER \"256\" line=257");
    ck_assert_int_eq(count(out, "field "), 258);
    ck_assert_int_eq(count(out, "value 1 "), 400);
    free(out);
    free(s.p);
}
END_TEST

START_TEST(paths_past_the_limit_have_no_field_and_one_defect)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 3;
    char *out = parse(&lim, "[{\"a\":1,\"b\":{\"c\":2},\"d\":3,\"e\":4},\n"
                            "{\"a\":5,\"e\":6,\"f\":[7]}]");
    ck_assert_has(out, "field 2 [].d\n");
    ck_assert_lacks(out, "field 3");
    ck_assert_int_eq(count(out, "json.too_many_paths"), 1);
    ck_assert_has(out, "defect json.too_many_paths line=1 col=31 rec=1");
    ck_assert_has(out, "value none NUMBER \"4\"");
    ck_assert_has(out, "value 0 NUMBER \"5\" line=2");
    ck_assert_has(out, "value none NUMBER \"6\"");
    ck_assert_has(out, "value none NUMBER \"7\"");
    free(out);
    /* intermediate objects without values are bounded too (4 * paths + 2) */
    lim.max_paths = 1;
    out = parse(&lim, "{\"a\":{},\"b\":{},\"c\":{},\"d\":{},\"e\":{},\"f\":1}");
    ck_assert_has(out, "defect json.too_many_paths line=1 col=30");
    ck_assert_has(out, "value none NUMBER \"1\"");
    free(out);
}
END_TEST

/* ---- depth ---- */

START_TEST(a_value_nested_past_the_limit_is_skipped)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_depth = 3;
    char *out = parse(&lim, "{\"a\":{\"b\":{\"c\":1}},\n"
                            " \"x\":{\"y\":[{\"z\":[\"]\",{\"q\":\"}\"}]}],"
                            "\"w\":2}, \"v\":[3]}");
    ck_assert_has(out, "value 0 NUMBER \"1\" line=1 col=16");
    ck_assert_int_eq(count(out, "defect"), 1);
    ck_assert_has(out, "defect json.too_deep line=2 col=12 \"");
    ck_assert_lacks(out, "\"q\"");
    ck_assert_has(out, "field 1 x.w\nvalue 1 NUMBER \"2\"");
    ck_assert_has(out, "field 2 v[]\nvalue 2 NUMBER \"3\"");
    ck_assert_has(out, "status OK");
    free(out);
    /* the skipped value is still closed by the right bracket */
    out = parse(&lim, "[[[[1,2}]]]");
    ck_assert_has(out, "defect json.too_deep line=1 col=4");
    ck_assert_has(out, "defect json.syntax line=1 col=8 \"parse error");
    free(out);
    /* and a file that ends inside it is truncated */
    out = parse(&lim, "[[[[[[1");
    ck_assert_has(out, "defect json.too_deep line=1 col=4");
    ck_assert_has(out, "defect json.truncated line=1 col=8");
    free(out);
}
END_TEST

/* An allocator that knows the bytes live and their peak. */
static size_t live_bytes, peak_bytes;

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
    size_t *q = realloc(h, n + 2 * sizeof *q);
    if (!q) {
        if (h)
            live_bytes += h[0];
        return NULL;
    }
    q[0] = n;
    live_bytes += n;
    if (live_bytes > peak_bytes)
        peak_bytes = live_bytes;
    return q + 2;
}

START_TEST(a_million_levels_of_nesting_stay_bounded_and_fast)
{
    enum { LEVELS = 1000000 };
    gs_limits lim;
    gs_limits_default(&lim);
    char *data = malloc(2 * LEVELS + 1);
    ck_assert_ptr_nonnull(data);
    memset(data, '[', LEVELS);
    memset(data + LEVELS, ']', LEVELS);
    data[2 * LEVELS] = '\0';
    const long chunks[] = {0, 4096, 1};
    for (size_t k = 0; k < 2; k++) { /* balanced, then cut in the middle */
        size_t len = k ? LEVELS : 2 * LEVELS;
        for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
            live_bytes = peak_bytes = 0;
            gs_set_allocator(sized_alloc, NULL);
            clock_t t0 = clock();
            char *out = tx_transcript(json(), &lim, data, len, chunks[i]);
            double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
            gs_set_allocator(NULL, NULL);
            ck_assert_msg(secs < 5.0, "%.2f s in pieces of %ld", secs,
                          chunks[i]);
            ck_assert_msg(peak_bytes < 64 * 1024, "peak %zu bytes",
                          peak_bytes);
            ck_assert_int_eq(live_bytes, 0);
            ck_assert_int_eq(count(out, "defect"), k ? 2 : 1);
            ck_assert_has(out, "defect json.too_deep line=1 col=257 ");
            if (k)
                ck_assert_has(out, "defect json.truncated line=1 col=1000001");
            ck_assert_has(out, "status OK");
            free(out);
        }
    }
    free(data);
}
END_TEST

/* ---- long strings and numbers ---- */

START_TEST(values_past_the_field_limit_are_dropped_and_parsing_goes_on)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 4;
    /* raw cap for strings: 6 * 4 + 2 = 26 bytes with the quotes */
    char *out = parse(&lim,
        "[{\"s\":\"abcd\",\"t\":\"abcde\",\"u\":\"\\u00e9\\u00e9\","
        "\"v\":\"0123456789012345678901234567890123456789\\\"x\","
        "\"w\":\"ok\",\"n\":1234,\"m\":123456789012345678901234567890e5,"
        "\"k\":5,\"longkey\":6,\"e\":\"\\u00e9\\u00e9\\u00e9\"}]");
    ck_assert_has(out, "STRING \"abcd\" line=1 col=7");
    ck_assert_has(out, "defect json.field_too_large line=1 col=18 rec=1");
    ck_assert_lacks(out, "abcde");
    ck_assert_has(out, "STRING \"éé\"");
    ck_assert_has(out, "defect json.field_too_large line=1 col=49 rec=1");
    ck_assert_lacks(out, "0123");
    ck_assert_has(out, "STRING \"ok\"");
    ck_assert_has(out, "NUMBER \"1234\"");
    ck_assert_has(out, "defect json.field_too_large line=1 col=117 rec=1");
    ck_assert_lacks(out, "12345");
    ck_assert_has(out, "NUMBER \"5\"");
    ck_assert_has(out, "defect json.field_too_large line=1 col=156 rec=1 "
                       "\"key longer");
    ck_assert_has(out, "value none NUMBER \"6\"");
    ck_assert_has(out, "defect json.field_too_large line=1 col=172 rec=1");
    ck_assert_int_eq(count(out, "defect"), 5);
    ck_assert_has(out, "record_end line=1 rec=1\nstatus OK");
    free(out);
}
END_TEST

START_TEST(a_huge_string_costs_bounded_memory)
{
    enum { BIG = 8 * 1024 * 1024 };
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 1000;
    char *data = malloc(BIG + 64);
    ck_assert_ptr_nonnull(data);
    memcpy(data, "[\"", 2);
    memset(data + 2, 'x', BIG);
    strcpy(data + 2 + BIG, "\",\"after\",123456789]");
    size_t len = strlen(data);
    const long chunks[] = {0, 65536, 7};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        live_bytes = peak_bytes = 0;
        gs_set_allocator(sized_alloc, NULL);
        char *out = tx_transcript(json(), &lim, data, len, chunks[i]);
        gs_set_allocator(NULL, NULL);
        ck_assert_msg(peak_bytes < 64 * 1024, "peak %zu bytes", peak_bytes);
        ck_assert_has(out, "defect json.field_too_large line=1 col=2 ");
        ck_assert_has(out, "value 0 STRING \"after\"");
        ck_assert_has(out, "value 0 NUMBER \"123456789\"");
        free(out);
    }
    free(data);
}
END_TEST

/* ---- syntax ---- */

START_TEST(syntax_errors_are_located_at_the_offending_byte)
{
    static const struct { const char *in, *want; } cases[] = {
        {"[1,2,]", "defect json.syntax line=1 col=6 \"parse error"},
        {"{\"a\":1,\n \"b\" 2}", "defect json.syntax line=2 col=6 "},
        {"{\"a\" \"b\"}", "defect json.syntax line=1 col=6 "},
        {"[1,\n  tru]", "defect json.syntax line=2 col=6 \"lexical"},
        {"[\"a\tb\"]", "defect json.syntax line=1 col=4 \"lexical"},
        {"[\"\\x\"]", "defect json.syntax line=1 col=4 \"lexical"},
        {"[\"\\u12G4\"]", "defect json.syntax line=1 col=7 \"lexical"},
        {"[-]", "defect json.syntax line=1 col=3 \"lexical"},
        {"[1.e5]", "defect json.syntax line=1 col=4 \"lexical"},
        {"[\"\xc3\x28\"]", "defect json.syntax line=1 col=4 \"lexical"},
        {"[\n\n  x]", "defect json.syntax line=3 col=3 \"lexical"},
        {"[\f1]", "defect json.syntax line=1 col=2 \"form feed"},
        {"{\"a\":1}  {\"b\":2}", "defect json.trailing_data line=1 col=10 "},
        {"\"s\" \"t\"", "defect json.trailing_data line=1 col=5 "},
        {"1 2", "defect json.trailing_data line=1 col=3 "},
        {"[1]\n]", "defect json.trailing_data line=2 col=1 "},
        {"[{\"a\":[1,2", "defect json.truncated line=1 col=11 rec=1 "},
        {"[\"abc", "defect json.truncated line=1 col=6 "},
        {"[1.", "defect json.truncated line=1 col=4 "},
        {"\n\n", "defect json.empty line=3 col=1 "},
        {"", "defect json.empty line=1 col=1 "},
    };
    gs_limits lim;
    gs_limits_default(&lim);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = parse(&lim, cases[i].in);
        ck_assert_has(out, cases[i].want);
        ck_assert_int_eq(count(out, "defect"), 1);
        ck_assert_has(out, "status OK\n");
        free(out);
    }
}
END_TEST

START_TEST(a_syntax_error_closes_the_open_record)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = parse(&lim, "[{\"a\":1},\n{\"a\":2 \"b\":3},{\"a\":4}]");
    ck_assert_has(out, "record_begin line=2 rec=2 off=10\nvalue 0 NUMBER "
                       "\"2\" line=2 col=6\ndefect json.syntax line=2 col=8 "
                       "rec=2 \"parse error: after key and value, inside map,"
                       " I expect ',' or '}'\"\nrecord_end line=2 rec=2\n"
                       "status OK\n");
    free(out);
}
END_TEST

START_TEST(top_level_scalars_are_document_values)
{
    gs_limits lim;
    gs_limits_default(&lim);
    static const char *ins[] = {"42", " \"x\" ", "true", "null\n", "-0.5e-3"};
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        char *out = parse(&lim, ins[i]);
        ck_assert_has(out, "field 0 $\nvalue 0 ");
        ck_assert_lacks(out, "record");
        ck_assert_lacks(out, "defect");
        free(out);
    }
}
END_TEST

START_TEST(a_lone_low_surrogate_becomes_a_replacement_character)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = parse(&lim, "{\"k\\udfaa\":[\"\\udc00x\",\"\\ud834\\udd1e\"]}");
    ck_assert_int_eq(count(out, "defect json.lone_surrogate line=1 col=2 "), 1);
    ck_assert_has(out, "field 0 k\xef\xbf\xbd[]\n");
    ck_assert_has(out, "value 0 STRING \"\xef\xbf\xbdx\" line=1 col=13");
    ck_assert_has(out, "value 0 STRING \"\xf0\x9d\x84\x9e\" line=1 col=23");
    ck_assert_has(out, "defect json.lone_surrogate line=1 col=13 ");
    ck_assert_int_eq(count(out, "defect"), 2);
    free(out);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, objects_in_the_outermost_array_of_objects_are_records);
    tcase_add_test(tc, id_keys_collapse_to_one_map_component);
    tcase_add_test(tc, an_object_with_many_distinct_keys_becomes_a_map);
    tcase_add_test(tc, jsonl_collapses_maps_over_its_lines);
    tcase_add_test(tc, paths_past_the_limit_have_no_field_and_one_defect);
    tcase_add_test(tc, a_value_nested_past_the_limit_is_skipped);
    tcase_add_test(tc, a_million_levels_of_nesting_stay_bounded_and_fast);
    tcase_add_test(tc,
                   values_past_the_field_limit_are_dropped_and_parsing_goes_on);
    tcase_add_test(tc, a_huge_string_costs_bounded_memory);
    tcase_add_test(tc, syntax_errors_are_located_at_the_offending_byte);
    tcase_add_test(tc, a_syntax_error_closes_the_open_record);
    tcase_add_test(tc, top_level_scalars_are_document_values);
    tcase_add_test(tc, a_lone_low_surrogate_becomes_a_replacement_character);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

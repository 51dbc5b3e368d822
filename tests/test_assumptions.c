/* test_assumptions.c - inference on hand-made profiles (evidence numbers,
 * weak vs strong, keys, nesting), exact key sets, the policy's cap on weak
 * findings, and the schema file's round trip and strict loading. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gapscan/assumptions.h"
#include "gapscan/keys.h"
#include "gapscan/policy.h"

/* One value per record of collection "c" (kind: TEXT for a table, STRING
 * for a JSON tree); NULL values leave the field absent from the record. */
static void add(gs_profile *p, const char *path, gs_value_kind kind,
                const char *const *v, size_t n, int count_records)
{
    gs_field *f = gs_profile_field(p, "c", path, strlen(path), NULL);
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < n; i++) {
        gs_loc loc = {0, i + 2, 1, i + 1};
        if (count_records)
            gs_profile_count_record(p, "c");
        if (!v[i])
            continue;
        gs_field_count_present(f);
        ck_assert_int_eq(gs_field_add(f, v[i], strlen(v[i]), kind, "c.csv",
                                      &loc, NULL), GS_OK);
    }
}

static gs_profile *profile(void)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_profile *p = gs_profile_new(&lim);
    ck_assert_ptr_nonnull(p);
    gs_profile_count_file(p, "c");
    return p;
}

/* counts[i] copies of the value "v<i>". */
static const char **repeat(const unsigned *counts, size_t k, size_t *n)
{
    static char names[32][24];
    static const char *v[4096];
    *n = 0;
    for (size_t i = 0; i < k; i++) {
        snprintf(names[i], sizeof names[i], "v%zu", i);
        for (unsigned j = 0; j < counts[i]; j++)
            v[(*n)++] = names[i];
    }
    return v;
}

static const gs_assumption *find(const gs_assumptions *a, const char *path,
                                 gs_assume_kind k)
{
    return gs_assumptions_find(a, "c", path, k);
}

START_TEST(enum_unseen_share_is_good_turing)
{
    gs_profile *p = profile();
    static const unsigned small[] = {10, 10, 5, 1, 1, 1};
    static const unsigned big[] = {30, 27, 1, 1, 1};
    size_t n;
    const char **v = repeat(small, 6, &n);
    add(p, "small", GS_VK_TEXT, v, n, 0);
    v = repeat(big, 5, &n);
    add(p, "big", GS_VK_TEXT, v, n, 0);
    gs_assumptions *a = NULL;
    ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
    const gs_assumption *e = find(a, "small", GS_ASSUME_ENUM);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->n_values, 6);
    ck_assert_uint_eq(e->support, 28);
    ck_assert_double_eq_tol(e->unseen, 3.0 / 28, 1e-12);  /* 3 singletons */
    ck_assert_str_eq(e->method, "good-turing");
    ck_assert_int_eq(e->weak, 1);  /* 28 < enum_min_values (30) */
    e = find(a, "big", GS_ASSUME_ENUM);
    ck_assert_ptr_nonnull(e);
    ck_assert_double_eq_tol(e->unseen, 3.0 / 60, 1e-12);
    ck_assert_int_eq(e->weak, 0);
    /* a domain already bounds the length */
    ck_assert_ptr_null(find(a, "big", GS_ASSUME_MAX_LENGTH));
    gs_assumptions_free(a);
    gs_profile_free(p);
}
END_TEST

START_TEST(a_domain_is_not_inferred_when_values_hardly_repeat)
{
    gs_profile *p = profile();
    static const unsigned counts[] = {1, 1, 2, 1, 1, 1, 1, 1};
    size_t n;
    const char **v = repeat(counts, 8, &n);  /* 8 values in 9: no domain */
    add(p, "name", GS_VK_TEXT, v, n, 0);
    gs_assumptions *a = NULL;
    ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
    ck_assert_ptr_null(find(a, "name", GS_ASSUME_ENUM));
    const gs_assumption *m = find(a, "name", GS_ASSUME_MAX_LENGTH);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->max_len, 2);
    ck_assert_double_eq_tol(m->unseen, 1.0 / 10, 1e-12);
    ck_assert_int_eq(m->weak, 1);
    gs_assumptions_free(a);
    gs_profile_free(p);
}
END_TEST

START_TEST(ranges_use_exchangeable_extremes_and_few_values_are_weak)
{
    gs_profile *p = profile();
    char buf[300][8];
    const char *v[300];
    for (int i = 0; i < 300; i++) {
        snprintf(buf[i], sizeof buf[i], "%d", i % 99 + 1);
        v[i] = buf[i];
    }
    add(p, "qty", GS_VK_TEXT, v, 300, 1);
    add(p, "few", GS_VK_TEXT, v, 10, 0);
    gs_assumptions *a = NULL;
    ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
    const gs_assumption *r = find(a, "qty", GS_ASSUME_RANGE);
    ck_assert_ptr_nonnull(r);
    ck_assert_double_eq(r->min, 1);
    ck_assert_double_eq(r->max, 99);
    ck_assert_double_eq_tol(r->unseen, 2.0 / 301, 1e-12);
    ck_assert_str_eq(r->method, "exchangeable-extremes");
    ck_assert_int_eq(r->weak, 0);
    const gs_assumption *t = find(a, "qty", GS_ASSUME_TYPE);
    ck_assert_uint_eq(t->types, 1u << GS_VT_INTEGER);
    ck_assert_double_eq_tol(t->unseen, 0.01, 1e-12);  /* 3 / 300 */
    ck_assert_str_eq(t->method, "rule-of-three");
    ck_assert_int_eq(find(a, "qty", GS_ASSUME_NOT_NULL)->weak, 0);
    ck_assert_int_eq(find(a, "few", GS_ASSUME_NOT_NULL)->weak, 1);
    ck_assert_int_eq(find(a, "few", GS_ASSUME_TYPE)->weak, 1);
    /* qty is in every record; few in 10 of 300: optional */
    const gs_assumption *pr = find(a, "qty", GS_ASSUME_PRESENT);
    ck_assert_ptr_nonnull(pr);
    ck_assert_double_eq(pr->presence, 1.0);
    ck_assert_ptr_null(find(a, "few", GS_ASSUME_PRESENT));
    gs_assumptions_free(a);
    gs_profile_free(p);
}
END_TEST

START_TEST(keys_are_named_like_ids_and_never_repeat)
{
    gs_profile *p = profile();
    char buf[50][16];
    const char *v[50];
    for (int i = 0; i < 50; i++) {
        snprintf(buf[i], sizeof buf[i], "%d", 1000 + i);
        v[i] = buf[i];
    }
    add(p, "order_id", GS_VK_TEXT, v, 50, 0);
    add(p, "customerId", GS_VK_TEXT, v, 50, 0);
    add(p, "amount", GS_VK_TEXT, v, 50, 0);
    v[49] = v[3];
    add(p, "ref_no", GS_VK_TEXT, v, 50, 0);
    gs_assumptions *a = NULL;
    ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
    ck_assert_ptr_nonnull(find(a, "order_id", GS_ASSUME_UNIQUE));
    ck_assert_ptr_nonnull(find(a, "customerId", GS_ASSUME_UNIQUE));
    ck_assert_ptr_null(find(a, "amount", GS_ASSUME_UNIQUE));
    ck_assert_ptr_null(find(a, "ref_no", GS_ASSUME_UNIQUE));  /* repeats */
    /* an id's growth is not a broken range; an amount's is */
    ck_assert_ptr_null(find(a, "order_id", GS_ASSUME_RANGE));
    ck_assert_ptr_nonnull(find(a, "amount", GS_ASSUME_RANGE));
    gs_assumptions_free(a);
    gs_profile_free(p);
}
END_TEST

START_TEST(nesting_prefixes_are_containers)
{
    gs_profile *p = profile();
    const char *v[40];
    for (int i = 0; i < 40; i++)
        v[i] = "x";
    add(p, "price.amount", GS_VK_STRING, v, 40, 1);
    add(p, "tags[]", GS_VK_STRING, v, 40, 0);
    gs_assumptions *a = NULL;
    ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
    const gs_assumption *n = find(a, "price", GS_ASSUME_NESTED);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->nested, 'o');
    ck_assert_int_eq(n->layout, GS_LAYOUT_TREE);
    n = find(a, "tags", GS_ASSUME_NESTED);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->nested, 'a');
    gs_assumptions_free(a);
    gs_profile_free(p);
}
END_TEST

START_TEST(exact_keys_count_repeats_within_and_across_parts)
{
    gs_keyset *a = gs_keyset_new(5, 120), *b = gs_keyset_new(5, 120);
    const char *va[] = {"1", "2", "2", "3"}, *vb[] = {"3", "4", "5", "5"};
    for (int i = 0; i < 4; i++) {
        gs_loc loc = {0, (uint64_t)i + 2, 1, (uint64_t)i + 1};
        ck_assert_int_eq(gs_keyset_add(a, gs_hash(va[i], 1), va[i], 1,
                                       "a.csv", &loc), GS_OK);
        ck_assert_int_eq(gs_keyset_add(b, gs_hash(vb[i], 1), vb[i], 1,
                                       "b.csv", &loc), GS_OK);
    }
    ck_assert_int_eq(gs_keyset_merge(a, b), GS_OK);
    ck_assert_int_eq(gs_keyset_exact(a), 1);
    ck_assert_uint_eq(gs_keyset_values(a), 8);
    ck_assert_uint_eq(gs_keyset_duplicates(a), 3);  /* 2, 5 and "3" */
    size_t n;
    const gs_example *ex = gs_keyset_examples(a, &n);
    ck_assert_uint_eq(n, 2);  /* the across-files repeat has no place */
    ck_assert_str_eq(ex[0].path, "a.csv");
    ck_assert_uint_eq(ex[0].loc.line, 4);
    ck_assert_str_eq(ex[1].value, "5");
    char *text = NULL;
    ck_assert_int_eq(gs_keyset_encode(a, &text), GS_OK);
    gs_keyset *c = gs_keyset_new(5, 120);
    ck_assert_int_eq(gs_keyset_decode(c, text, strlen(text)), GS_OK);
    ck_assert_uint_eq(gs_keyset_duplicates(c), 3);
    ck_assert_uint_eq(gs_keyset_values(c), 8);
    gs_free(text);
    /* past GS_KEYS_MAX_DUPLICATES repeats the set switches off for good */
    for (unsigned i = 0; i <= GS_KEYS_MAX_DUPLICATES; i++)
        ck_assert_int_eq(gs_keyset_add(c, gs_hash("1", 1), "1", 1, "c.csv",
                                       NULL), GS_OK);
    ck_assert_int_eq(gs_keyset_exact(c), 0);
    ck_assert_int_eq(gs_keyset_merge(a, c), GS_OK);
    ck_assert_int_eq(gs_keyset_exact(a), 0);
    gs_keyset_free(a);
    gs_keyset_free(b);
    gs_keyset_free(c);
}
END_TEST

START_TEST(a_weak_assumption_never_fails_an_audit)
{
    gs_profile *sb = profile(), *pr = profile();
    const char *v[40];
    for (int i = 0; i < 40; i++)
        v[i] = i % 2 ? "a" : "b";
    add(sb, "few", GS_VK_TEXT, v, 10, 1);   /* 10 values: weak */
    add(sb, "many", GS_VK_TEXT, v, 40, 0);  /* 40 values: strong */
    v[0] = "";
    add(pr, "few", GS_VK_TEXT, v, 40, 1);
    add(pr, "many", GS_VK_TEXT, v, 40, 0);
    gs_comparison *c = NULL;
    ck_assert_int_eq(gs_compare(sb, pr, NULL, &c), GS_OK);
    gs_policy *pol = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_policy_builtin(&pol, &err), GS_OK);
    ck_assert_int_eq(gs_policy_apply(pol, c, "2026-11-27"), GS_OK);
    int seen = 0;
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        if (strcmp(f->check, "schema.nulls_appeared") != 0)
            continue;
        seen++;
        int weak = strcmp(f->scope, "field c:few") == 0;
        ck_assert_int_eq(f->weak, weak);
        ck_assert_int_eq(f->severity, weak ? GS_SEV_WARN : GS_SEV_FAIL);
    }
    ck_assert_int_eq(seen, 2);
    const gs_assumption *nn = gs_assumptions_find(
        gs_comparison_assumptions(c), "c", "many", GS_ASSUME_NOT_NULL);
    ck_assert_uint_eq(nn->violations, 1);
    ck_assert_uint_eq(nn->checked_n, 40);
    ck_assert_int_eq(nn->new_in_production, 1);
    ck_assert_uint_eq(nn->n_examples, 1);
    ck_assert_uint_eq(nn->examples[0].loc.line, 2);
    gs_policy_free(pol);
    gs_comparison_free(c);
    gs_profile_free(sb);
    gs_profile_free(pr);
}
END_TEST

static char *save(const gs_assumptions *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gs_error err = {0};
    ck_assert_int_eq(gs_assumptions_save(a, f, &err), GS_OK);
    fclose(f);
    return buf;
}

START_TEST(a_saved_file_loads_back_to_the_same_bytes)
{
    for (int kind = 0; kind < 2; kind++) {
        gs_profile *p = profile();
        gs_value_kind vk = kind ? GS_VK_STRING : GS_VK_TEXT;
        static const unsigned counts[] = {20, 15, 5};
        size_t n;
        const char **v = repeat(counts, 3, &n);
        add(p, kind ? "a.code" : "code", vk, v, n, 1);
        const char *nums[] = {"1.5", "2", "3.25", "", "7"};
        add(p, kind ? "a.b[].x" : "amount", vk, nums, 5, 0);
        gs_assumptions *a = NULL;
        ck_assert_int_eq(gs_assumptions_infer(p, NULL, &a), GS_OK);
        char *first = save(a);
        gs_assumptions *b = NULL;
        gs_error err = {0};
        ck_assert_int_eq(gs_assumptions_parse(first, strlen(first), "t.json",
                                              &b, &err), GS_OK);
        ck_assert_uint_eq(gs_assumptions_count(b), gs_assumptions_count(a));
        char *second = save(b);
        ck_assert_str_eq(first, second);
        free(first);
        free(second);
        gs_assumptions_free(a);
        gs_assumptions_free(b);
        gs_profile_free(p);
    }
}
END_TEST

static void parse_err(const char *text, const char *want)
{
    gs_assumptions *a = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_assumptions_parse(text, strlen(text), "t.json", &a,
                                          &err), GS_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(err.message, want), "got '%s', want '%s'",
                  err.message, want);
}

#define HEAD "{\"format\": \"gapscan-assumptions\", \"version\": 1, "
#define TABLE(fields) HEAD "\"collections\": {\"t\": {\"layout\": \"table\", " \
    "\"schema\": {\"fields\": [" fields "]}}}}"

START_TEST(a_bad_file_names_the_json_path)
{
    parse_err("[1]", "t.json: $: must be an object");
    parse_err("{\"format\": \"x\"}", "\"format\" must be");
    parse_err(HEAD "\"collections\": {}, \"extra\": 1}",
              "$: unknown or unsupported keyword 'extra'");
    parse_err(TABLE("{\"name\": \"a\", \"type\": \"integer\", "
                    "\"constraints\": {\"pattern\": \"x\"}}"),
              "$.collections.t.schema.fields[0].constraints: unknown or "
              "unsupported keyword 'pattern'");
    parse_err(TABLE("{\"name\": \"a\", \"type\": \"year\"}"),
              "$.collections.t.schema.fields[0]: \"type\" must be one of");
    parse_err(TABLE("{\"name\": \"a\", \"type\": \"number\", \"constraints\":"
                    " {\"minimum\": 5, \"maximum\": 1}}"),
              "minimum 5 is above maximum 1");
    parse_err(TABLE("{\"name\": \"a\", \"type\": \"string\", \"x-gapscan\": "
                    "{\"range\": {\"support\": 3, \"unseen\": 0.1, "
                    "\"method\": \"rule-of-three\", \"weak\": true}}}"),
              "$.collections.t.schema.fields[0].x-gapscan: evidence for "
              "'range'");
    parse_err(TABLE("{\"name\": \"a\", \"type\": \"string\", \"constraints\":"
                    " {\"unique\": false}}"),
              "constraints.unique: must be true");
    parse_err(HEAD "\"collections\": {\"j\": {\"layout\": \"tree\", "
                   "\"schema\": {\"$schema\": \"https://json-schema.org/"
                   "draft/2020-12/schema\", \"type\": \"object\", "
                   "\"properties\": {\"a\": {\"type\": \"strin\"}}}}}}",
              "$.collections.j.schema.properties.a.type: unknown type");
    parse_err(HEAD "\"collections\": {\"j\": {\"layout\": \"tree\", "
                   "\"schema\": {\"$schema\": \"https://json-schema.org/"
                   "draft/2020-12/schema\", \"type\": \"object\", "
                   "\"properties\": {\"a\": {}}, \"required\": [\"b\"]}}}}",
              "$.collections.j.schema.required[0]: must name a property");
}
END_TEST

START_TEST(a_declared_file_is_checked_as_written)
{
    const char *text = TABLE(
        "{\"name\": \"qty\", \"type\": \"integer\", \"x-gapscan-required\": "
        "true, \"constraints\": {\"required\": true, \"maximum\": 10, "
        "\"minimum\": 1}}");
    gs_assumptions *a = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_assumptions_parse(text, strlen(text), "t.json", &a,
                                          &err), GS_OK);
    ck_assert_uint_eq(gs_assumptions_count(a), 5);  /* collection, present,
                                                      type, not_null, range */
    const gs_assumption *r = gs_assumptions_find(a, "t", "qty",
                                                 GS_ASSUME_RANGE);
    ck_assert_int_eq(r->declared, 1);
    ck_assert_str_eq(r->method, "declared");
    ck_assert_double_eq(r->max, 10);
    gs_assumptions_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("assumptions");
    TCase *tc = tcase_create("assumptions");
    tcase_add_test(tc, enum_unseen_share_is_good_turing);
    tcase_add_test(tc, a_domain_is_not_inferred_when_values_hardly_repeat);
    tcase_add_test(tc,
                   ranges_use_exchangeable_extremes_and_few_values_are_weak);
    tcase_add_test(tc, keys_are_named_like_ids_and_never_repeat);
    tcase_add_test(tc, nesting_prefixes_are_containers);
    tcase_add_test(tc, exact_keys_count_repeats_within_and_across_parts);
    tcase_add_test(tc, a_weak_assumption_never_fails_an_audit);
    tcase_add_test(tc, a_saved_file_loads_back_to_the_same_bytes);
    tcase_add_test(tc, a_bad_file_names_the_json_path);
    tcase_add_test(tc, a_declared_file_is_checked_as_written);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

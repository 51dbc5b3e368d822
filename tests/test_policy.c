/* test_policy.c - the YAML policy loader: the built-in policy, a complete
 * policy read back field by field, and every kind of error reported as
 * name:line:col with the right position.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gapscan/policy.h"

static gs_policy *parse_ok(const char *text)
{
    gs_policy *p = NULL;
    gs_error err = {0};
    gs_status st = gs_policy_parse(text, strlen(text), "t.yaml", &p, &err);
    ck_assert_msg(st == GS_OK, "refused: %s", err.message);
    return p;
}

static void parse_err(const char *text, const char *want)
{
    gs_policy *p = (gs_policy *)1;
    gs_error err = {0};
    gs_status st = gs_policy_parse(text, strlen(text), "t.yaml", &p, &err);
    ck_assert_int_eq(st, GS_EINVAL);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.message, want) != NULL,
                  "error '%s' does not contain '%s'", err.message, want);
}

START_TEST(the_builtin_policy_loads_and_matches_the_defaults)
{
    gs_policy *p = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_policy_builtin(&p, &err), GS_OK);
    ck_assert_str_eq(gs_policy_source(p), "built-in");
    ck_assert_int_eq(strlen(gs_policy_sha256(p)), 64);
    ck_assert_uint_gt(gs_policy_rule_count(p), 10);
    ck_assert_str_eq(gs_policy_rule_at(p, gs_policy_rule_count(p) - 1)->check,
                     "*");
    ck_assert_ptr_null(gs_policy_as_of(p));
    gs_compare_opts want, got;
    gs_compare_opts_default(&want);
    gs_policy_compare_opts(p, &got);
    ck_assert(memcmp(&want, &got, sizeof want) == 0);
    /* no default gate blocks the verdict */
    for (size_t i = 0; i < gs_policy_checklist_count(p); i++)
        ck_assert(!gs_policy_checklist_at(p, i)->required);
    gs_policy_free(p);
}
END_TEST

static const char full[] =
    "version: 1\n"
    "as_of: 2026-06-30\n"
    "price_per_million_tokens: 0.25\n"
    "checks:\n"
    "  - id: schema.presence_dropped\n"
    "    severity: fail\n"
    "    threshold: 0.2\n"
    "  - id: encoding.invalid_utf8\n"
    "    severity: fail\n"
    "    threshold: 0.01\n"
    "    scope:\n"
    "      fields: ['tickets:*', 'kb:body']\n"
    "      paths: exports/**\n"
    "    why: garbled text\n"
    "  - id: '*'\n"
    "    severity: warn\n"
    "waivers:\n"
    "  - check: schema.enum_new_values\n"
    "    scope: field tickets:status\n"
    "    owner: ana@example.com\n"
    "    reason: codes mapped in v2\n"
    "    expires: 2026-12-31\n"
    "checklist:\n"
    "  - id: security_review\n"
    "    title: Security review\n"
    "    owner: sec-team\n"
    "    status: done\n"
    "    evidence: https://example.com/SEC-12\n"
    "    required: true\n"
    "  - id: legal\n"
    "    title: Legal review\n"
    "    status: pending\n"
    "    required: true\n";

START_TEST(a_complete_policy_reads_back)
{
    gs_policy *p = parse_ok(full);
    ck_assert_str_eq(gs_policy_as_of(p), "2026-06-30");
    ck_assert(gs_policy_price_per_mtok(p) == 0.25);
    ck_assert_uint_eq(gs_policy_rule_count(p), 3);
    const gs_policy_rule *r = gs_policy_rule_at(p, 1);
    ck_assert_str_eq(r->check, "encoding.invalid_utf8");
    ck_assert_int_eq(r->severity, GS_SEV_FAIL);
    ck_assert(r->threshold == 0.01);
    ck_assert_uint_eq(r->n_fields, 2);
    ck_assert_str_eq(r->fields[1], "kb:body");
    ck_assert_uint_eq(r->n_paths, 1);
    ck_assert_str_eq(r->paths[0], "exports/**");
    ck_assert_str_eq(r->why, "garbled text");
    ck_assert_uint_eq(r->line, 8);
    ck_assert(isnan(gs_policy_rule_at(p, 2)->threshold));
    const gs_policy_waiver *w = gs_policy_waiver_at(p, 0);
    ck_assert_str_eq(w->scope, "field tickets:status");
    ck_assert_str_eq(w->expires, "2026-12-31");
    ck_assert_uint_eq(gs_policy_checklist_count(p), 2);
    const gs_checklist_item *c = gs_policy_checklist_at(p, 1);
    ck_assert_str_eq(c->id, "legal");
    ck_assert_int_eq(c->status, GS_CHECK_PENDING);
    ck_assert(c->required);
    ck_assert_ptr_null(c->owner);
    gs_compare_opts o;
    gs_policy_compare_opts(p, &o);
    ck_assert(o.presence_drop == 0.2);
    gs_policy_free(p);
}
END_TEST

START_TEST(errors_name_the_line_and_column)
{
    parse_err("version: 1\nchekcs: []\n", "t.yaml:2:1: unknown key 'chekcs'");
    parse_err("checks:\n  - id: schema.field_missing\n    severity: fial\n",
              "t.yaml:3:15: severity must be fail, warn or info");
    parse_err("checks:\n  - id: schema.feild_missing\n    severity: warn\n",
              "t.yaml:2:9: unknown check 'schema.feild_missing' (known:");
    parse_err("checks:\n  - id: bogus.thing\n    severity: warn\n",
              "t.yaml:2:9: unknown check 'bogus.thing'");
    parse_err("checks:\n  - id: schema.field_missing\n",
              "t.yaml:2:5: check 'schema.field_missing' needs a severity");
    parse_err("checks:\n  - id: '*'\n    severity: warn\n    threshold: lots\n",
              "t.yaml:4:16: threshold must be a number");
    parse_err("checks:\n  - id: '*'\n    severity: warn\n    colour: red\n",
              "t.yaml:4:5: unknown key 'colour' in checks");
    parse_err("waivers:\n  - check: schema.type_changed\n    owner: a\n"
              "    reason: b\n    expires: 2026-02-30\n",
              "t.yaml:5:14: expires must be a date as YYYY-MM-DD");
    parse_err("waivers:\n  - check: schema.type_changed\n    reason: b\n"
              "    expires: 2026-02-28\n", "a waiver needs 'owner'");
    parse_err("checklist:\n  - id: x\n    title: y\n    status: maybe\n",
              "t.yaml:4:13: status must be done, pending or n/a");
    parse_err("checklist:\n  - id: x\n    title: y\n    required: yes\n",
              "required must be true or false");
    parse_err("version: 2\n", "t.yaml:1:10: policy version 2");
    parse_err("as_of: 2026-13-01\n", "t.yaml:1:8: as_of must be a date");
    parse_err("version: 1\nversion: 1\n", "t.yaml:2:1: duplicate key 'version'");
    parse_err("checks: [\n", "t.yaml:2:1:");
    parse_err("base: &b {x: 1}\nchecks: *b\n", "t.yaml:1:7: anchors and aliases");
    parse_err("- 1\n- 2\n", "the policy must be a mapping");
    parse_err("checks: {}\n", "checks must be a list");
    parse_err("price_per_million_tokens: -1\n", "cannot be negative");
    parse_err("version: 1\n---\nversion: 1\n", "one YAML document");
    parse_err("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n       h:\n"
              "        i:\n         j:\n          k:\n           l:\n"
              "            m:\n             n:\n              o:\n"
              "               p:\n                q:\n                 r: 1\n",
              "nested deeper than 16 levels");
    const char nul[] = "version: 1\n\0checks: []\n";
    gs_policy *p = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_policy_parse(nul, sizeof nul - 1, "t.yaml", &p, &err),
                     GS_EINVAL);
    ck_assert(strstr(err.message, "NUL byte") != NULL);
}
END_TEST

START_TEST(a_yaml_billion_laughs_is_refused_at_once)
{
    /* nine levels of aliases: refused by the first pass, never expanded */
    char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 9; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                 "*a%d]\n", i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                 i - 1, i - 1, i - 1);
    parse_err(text, "anchors and aliases are not allowed");
}
END_TEST

START_TEST(load_reports_missing_files)
{
    gs_policy *p = NULL;
    gs_error err = {0};
    ck_assert_int_eq(gs_policy_load("/nonexistent/policy.yaml", &p, &err),
                     GS_ENOENT);
    ck_assert(strstr(err.message, "/nonexistent/policy.yaml") != NULL);
}
END_TEST

static Suite *policy_suite(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, the_builtin_policy_loads_and_matches_the_defaults);
    tcase_add_test(tc, a_complete_policy_reads_back);
    tcase_add_test(tc, errors_name_the_line_and_column);
    tcase_add_test(tc, a_yaml_billion_laughs_is_refused_at_once);
    tcase_add_test(tc, load_reports_missing_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(policy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

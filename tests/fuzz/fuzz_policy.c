/* fuzz_policy.c - the policy loader on any YAML, then the judge.
 *
 * The whole input is a policy file. What parses is applied to a small
 * comparison made once at start-up (a sandbox and a production profile
 * with a field that gains nulls and new values, and a defect), so the
 * rules, scopes, thresholds, waivers and checklist of a fuzzed policy all
 * meet findings.
 *
 * Checked, beyond sanitizer errors (policy.h's contract):
 *   1. a failed parse is GS_EINVAL ("name:line:col: message") or GS_ENOMEM,
 *      with no policy;
 *   2. every accessor of a parsed policy returns what its count promises;
 *   3. applying it succeeds, and the verdict is ready only when no unwaived
 *      finding fails.
 */
#include "fuzz.h"

#include "gapscan/policy.h"
#include "gapscan/profile.h"

#include <string.h>

static gs_profile *side[2];

static void add_side(gs_profile *p, int production)
{
    static const char *const sandbox[] = {"open", "closed", "open", "pending",
                                          "closed", "open", "open", "closed"};
    static const char *const prod[] = {"open", "", "reopened", "NULL",
                                       "closed", "spam", "", "open"};
    const char *doc = production ? "prod/tickets.csv" : "sand/tickets.csv";
    gs_field *f = gs_profile_field(p, "tickets", "status", 6, NULL);
    FUZZ_CHECK(f != NULL, "the set-up field exists");
    for (size_t i = 0; i < 8; i++) {
        const char *v = production ? prod[i] : sandbox[i];
        gs_loc loc = {0, i + 2, 1, i + 1};
        gs_profile_count_record(p, "tickets");
        gs_field_count_present(f);
        FUZZ_CHECK(gs_field_add(f, v, strlen(v), GS_VK_TEXT, doc, &loc,
                                NULL) == GS_OK, "the set-up values add");
    }
    gs_doc_facts d = {.path = doc, .collection = "tickets", .format = "csv",
                      .encoding = production ? "windows-1252" : "UTF-8",
                      .bom = "", .bytes = 100, .records = 8, .lf = 9,
                      .mtime = 1700000000};
    FUZZ_CHECK(gs_profile_add_doc(p, &d) == GS_OK, "the set-up doc adds");
    gs_profile_count_file(p, "tickets");
    if (production) {
        gs_loc loc = {0, 3, 1, 2};
        FUZZ_CHECK(gs_profile_add_defect(p, doc, "csv.ragged_row", "3 of 4",
                                         &loc) == GS_OK,
                   "the set-up defect adds");
        gs_profile_count_defect_file(p, "csv.ragged_row");
    }
}

static void setup(void)
{
    gs_limits lim;
    gs_limits_default(&lim);
    for (int i = 0; i < 2; i++) {
        side[i] = gs_profile_new(&lim);
        FUZZ_CHECK(side[i] != NULL, "the set-up profiles exist");
        add_side(side[i], i);
    }
}

static void check_accessors(const gs_policy *p)
{
    FUZZ_CHECK(strcmp(gs_policy_source(p), "fuzz.yaml") == 0,
               "the source is the name given");
    FUZZ_CHECK(strlen(gs_policy_sha256(p)) == 64, "a SHA-256 in hex");
    for (size_t i = 0; i < gs_policy_rule_count(p); i++) {
        const gs_policy_rule *r = gs_policy_rule_at(p, i);
        FUZZ_CHECK(r && r->check, "every rule has a check");
        for (size_t k = 0; k < r->n_fields; k++)
            FUZZ_CHECK(r->fields[k] != NULL, "field globs are strings");
        for (size_t k = 0; k < r->n_paths; k++)
            FUZZ_CHECK(r->paths[k] != NULL, "path globs are strings");
    }
    for (size_t i = 0; i < gs_policy_waiver_count(p); i++) {
        const gs_policy_waiver *w = gs_policy_waiver_at(p, i);
        FUZZ_CHECK(w && w->check && w->scope, "every waiver has a scope");
    }
    for (size_t i = 0; i < gs_policy_checklist_count(p); i++) {
        const gs_checklist_item *c = gs_policy_checklist_at(p, i);
        FUZZ_CHECK(c && c->id, "every checklist item has an id");
        FUZZ_CHECK(gs_checklist_status_name(c->status) != NULL,
                   "every status has a name");
    }
}

static void judge(const gs_policy *p)
{
    gs_compare_opts o;
    gs_compare_opts_default(&o);
    gs_policy_compare_opts(p, &o);
    gs_comparison *c = NULL;
    gs_status st = gs_compare(side[0], side[1], &o, &c);
    if (st == GS_ENOMEM)
        return;
    FUZZ_CHECK(st == GS_OK, "the comparison succeeds");
    const char *as_of = gs_policy_as_of(p) ? gs_policy_as_of(p)
                                           : "2026-01-15";
    st = gs_policy_apply(p, c, as_of);
    FUZZ_CHECK(st == GS_OK || st == GS_ENOMEM, "apply fails only on ENOMEM");
    if (st == GS_OK && gs_policy_ready(p, c)) {
        for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
            const gs_finding *f = gs_comparison_finding(c, i);
            FUZZ_CHECK(f->severity != GS_SEV_FAIL || f->waived,
                       "ready only when no unwaived finding fails");
        }
    }
    gs_comparison_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!side[0])
        setup();
    gs_policy *p = NULL;
    gs_error err = {0};
    gs_status st = gs_policy_parse((const char *)data, size, "fuzz.yaml", &p,
                                   &err);
    if (st != GS_OK) {
        FUZZ_CHECK(p == NULL, "no policy on failure");
        FUZZ_CHECK(st == GS_EINVAL || st == GS_ENOMEM,
                   "a bad policy is GS_EINVAL");
        FUZZ_CHECK(st == GS_ENOMEM ||
                       strncmp(err.message, "fuzz.yaml:", 10) == 0,
                   "the message starts with name:");
        return 0;
    }
    check_accessors(p);
    judge(p);
    gs_policy_free(p);
    return 0;
}

/* policy.c - the built-in readiness policy.
 *
 * Severity is a matter of policy, not of measurement: compare.c measures,
 * this file judges. The built-in table fails the audit on what breaks a
 * pilot outright (fields or collections gone, types or domains the pilot
 * never saw, nulls in never-null fields, invalid UTF-8, unique keys that
 * repeat, an empty production side) and warns on what degrades it.
 * Rules are matched in order; the first glob that matches wins. */
#include "gapscan/policy.h"

#include <fnmatch.h>

static const gs_policy_rule builtin[] = {
    {"corpus.empty", GS_SEV_FAIL, "nothing to launch on"},
    {"schema.collection_missing", GS_SEV_FAIL,
     "a kind of record the pilot used does not exist in production"},
    {"schema.field_missing", GS_SEV_FAIL,
     "a field the pilot always had is absent in production"},
    {"schema.type_changed", GS_SEV_FAIL,
     "values of a type the pilot never saw"},
    {"schema.nulls_appeared", GS_SEV_FAIL,
     "empty values in a field the pilot never saw empty"},
    {"schema.enum_new_values", GS_SEV_FAIL,
     "codes outside the domain the pilot knew"},
    {"schema.unique_violated", GS_SEV_FAIL,
     "a key the pilot relied on repeats"},
    {"encoding.invalid_utf8", GS_SEV_FAIL,
     "text that cannot be decoded is lost or garbled downstream"},
    {"schema.new_field", GS_SEV_INFO, "more data than the pilot used"},
    {"walk.symlink_skipped", GS_SEV_INFO, "not followed by design"},
    {"walk.special_file", GS_SEV_INFO, "never opened by design"},
    {"schema.*", GS_SEV_WARN, "the data differs from what the pilot saw"},
    {"encoding.*", GS_SEV_WARN, "text may be garbled"},
    {"format.*", GS_SEV_WARN, "values are written differently"},
    {"*", GS_SEV_WARN, "a defect in the production files"},
};

const gs_policy_rule *gs_policy_builtin(size_t *n)
{
    *n = sizeof builtin / sizeof *builtin;
    return builtin;
}

void gs_policy_apply(gs_comparison *c)
{
    size_t n_rules;
    const gs_policy_rule *rules = gs_policy_builtin(&n_rules);
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        gs_finding *f = gs_comparison_finding(c, i);
        for (size_t r = 0; r < n_rules; r++)
            if (fnmatch(rules[r].check, f->check, 0) == 0) {
                f->severity = rules[r].severity;
                break;
            }
    }
    gs_comparison_sort(c);
}

int gs_policy_ready(gs_comparison *c)
{
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        if (f->severity == GS_SEV_FAIL && !f->waived)
            return 0;
    }
    return 1;
}

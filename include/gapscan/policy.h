/* policy.h - the readiness policy: severity per check, and the verdict.
 *
 * A policy maps check ids (fnmatch globs such as "schema.*") to a severity;
 * the first matching rule wins. The comparison's findings get their
 * severities from it, and the verdict is "not ready" when any unwaived
 * finding is a failure. This is the built-in policy only; reading a YAML
 * policy with waivers and a checklist is the next step of this module.
 */
#ifndef GAPSCAN_POLICY_H
#define GAPSCAN_POLICY_H

#include "gapscan/compare.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_policy_rule {
    const char *check;     /* fnmatch glob over check ids */
    gs_severity severity;
    const char *why;       /* one line: why this severity */
} gs_policy_rule;

/* The built-in rules, in match order; *n receives their count. */
const gs_policy_rule *gs_policy_builtin(size_t *n);

/* Give every finding its severity from the built-in rules and re-sort. */
void gs_policy_apply(gs_comparison *c);

/* 1 when no unwaived finding fails. */
int gs_policy_ready(gs_comparison *c);

#ifdef __cplusplus
}
#endif
#endif

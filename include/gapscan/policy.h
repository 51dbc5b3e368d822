/* policy.h - the readiness policy: a YAML file that judges a comparison.
 *
 * A policy (format in rules/default-policy.yaml and docs/policy.md) has
 *   checks     rules in match order: check-id glob, severity, optional
 *              threshold and scope (field globs, path globs);
 *   waivers    accepted findings (check, scope glob, owner, reason, expiry);
 *   checklist  gates that are not data (owner, status, evidence link);
 *   as_of, price_per_million_tokens.
 * The built-in policy is rules/default-policy.yaml compiled into the binary.
 *
 * Loading is strict: unknown keys, wrong types, unknown check families,
 * bad dates, YAML aliases and anchors are errors reported as
 * "file:line:col: message" (1-based), never silently ignored.
 *
 * Applying a policy to a comparison gives every finding its severity (the
 * first matching rule), downgrades findings within a rule's threshold to
 * info, marks waived findings, and adds a failing "policy.waiver_expired"
 * finding for each waiver past its expiry. The verdict is "ready" only when
 * no unwaived finding fails and every required checklist item is done.
 */
#ifndef GAPSCAN_POLICY_H
#define GAPSCAN_POLICY_H

#include "gapscan/compare.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_policy gs_policy;

typedef struct gs_policy_rule {
    const char *check;        /* fnmatch glob over check ids */
    gs_severity severity;
    double threshold;         /* NAN: none */
    const char *const *fields;  /* globs over "collection:path" (n_fields) */
    size_t n_fields;
    const char *const *paths;   /* globs over evidence paths (n_paths) */
    size_t n_paths;
    const char *why;          /* may be NULL */
    unsigned line;            /* where it is written */
} gs_policy_rule;

typedef struct gs_policy_waiver {
    const char *check;        /* glob over check ids */
    const char *scope;        /* glob over finding scopes; "*" if omitted */
    const char *owner;
    const char *reason;
    const char *expires;      /* YYYY-MM-DD */
    unsigned line;
} gs_policy_waiver;

typedef enum gs_checklist_status {
    GS_CHECK_PENDING = 0,
    GS_CHECK_DONE,
    GS_CHECK_NA
} gs_checklist_status;

typedef struct gs_checklist_item {
    const char *id;
    const char *title;
    const char *owner;        /* may be NULL */
    gs_checklist_status status;
    const char *evidence;     /* link; may be NULL */
    int required;
} gs_checklist_item;

/* The built-in policy's YAML text (NUL-terminated). */
const char *gs_policy_builtin_text(void);

/* Parse YAML text; name is used in messages and kept as the policy's
 * source. GS_EINVAL with err = "name:line:col: message" on any error. */
gs_status gs_policy_parse(const char *text, size_t len, const char *name,
                          gs_policy **out, gs_error *err);
/* Read and parse a file (at most 1 MiB). GS_ENOENT/GS_EIO when it cannot
 * be read, GS_EINVAL when it is not a valid policy. */
gs_status gs_policy_load(const char *path, gs_policy **out, gs_error *err);
/* The built-in policy, parsed. */
gs_status gs_policy_builtin(gs_policy **out, gs_error *err);
void gs_policy_free(gs_policy *p);  /* NULL is fine */

const char *gs_policy_source(const gs_policy *p);  /* "built-in" or path */
const char *gs_policy_sha256(const gs_policy *p);  /* of the text, hex */
const char *gs_policy_as_of(const gs_policy *p);   /* NULL: not pinned */
double gs_policy_price_per_mtok(const gs_policy *p);  /* NAN: not given */
size_t gs_policy_rule_count(const gs_policy *p);
const gs_policy_rule *gs_policy_rule_at(const gs_policy *p, size_t i);
size_t gs_policy_waiver_count(const gs_policy *p);
const gs_policy_waiver *gs_policy_waiver_at(const gs_policy *p, size_t i);
size_t gs_policy_checklist_count(const gs_policy *p);
const gs_checklist_item *gs_policy_checklist_at(const gs_policy *p, size_t i);
const char *gs_checklist_status_name(gs_checklist_status s);

/* The thresholds the comparison uses, from the defaults overridden by the
 * policy's rules for the checks that own them. */
void gs_policy_compare_opts(const gs_policy *p, gs_compare_opts *o);

/* Judge c as of as_of (YYYY-MM-DD): severities, thresholds, waivers,
 * expired waivers. GS_ENOMEM only. */
gs_status gs_policy_apply(const gs_policy *p, gs_comparison *c,
                          const char *as_of);

/* 1 when no unwaived finding fails and every required checklist item is
 * done (or n/a). */
int gs_policy_ready(const gs_policy *p, gs_comparison *c);

#ifdef __cplusplus
}
#endif
#endif

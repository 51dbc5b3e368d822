/* compare.h - sandbox profile vs production profile -> findings.
 *
 * The comparison is the only place statistics about the two sides are
 * computed for a report: volumes and their ratios, distributions, and one
 * finding per broken expectation, each with a stable check id, a scope, the
 * measured value on both sides and evidence (file:line:col and the value).
 * A policy (policy.h) then gives each finding its severity; renderers
 * (report.h) only print what is here.
 *
 * Invariants:
 *   1. Deterministic: findings are sorted by (severity desc, id, scope), and
 *      nothing depends on hash or thread order.
 *   2. Bounded: evidence per finding <= max_examples; findings per check
 *      <= GS_COMPARE_MAX_PER_CHECK (the rest are counted in the summary).
 *   3. A type change, an empty side or a field present on one side only
 *      never fails the comparison: it is a finding.
 */
#ifndef GAPSCAN_COMPARE_H
#define GAPSCAN_COMPARE_H

#include "gapscan/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_COMPARE_MAX_PER_CHECK 200

struct gs_assumptions;

typedef enum gs_severity {
    GS_SEV_INFO = 0,
    GS_SEV_WARN,
    GS_SEV_FAIL
} gs_severity;

const char *gs_severity_name(gs_severity s);  /* "info", "warn", "fail" */

typedef struct gs_evidence {
    char *path;
    gs_loc loc;
    char *value;     /* may be NULL */
    char *detail;    /* may be NULL */
} gs_evidence;

typedef struct gs_finding {
    char *check;         /* stable id: "schema.field_missing" */
    char *dimension;     /* "volume", "integrity", "encoding", "format",
                            "schema", "staleness" */
    char *scope;         /* "corpus", "collection tickets",
                            "field tickets:status" */
    char *message;       /* one line of English, with the numbers */
    char *unit;          /* "files", "share", "values", "ratio", ... */
    double sandbox;      /* measured value on each side (NAN: n/a) */
    double production;
    double threshold;    /* what the policy compared against (NAN: none) */
    gs_severity severity;
    int waived;          /* set by the policy */
    int weak;            /* rests on a weakly supported assumption
                            (assumptions.h): the policy caps it at warn */
    size_t n_evidence;
    gs_evidence *evidence;
} gs_finding;

typedef struct gs_dist_row {
    char *key;
    uint64_t sandbox, production;
} gs_dist_row;

typedef struct gs_side {
    const gs_profile *profile;       /* borrowed */
    const gs_corpus_facts *corpus;   /* borrowed from the profile */
    uint64_t fields;
    uint64_t collections;
    /* volume: tokens are estimated as characters / 4 */
    uint64_t tokens;
    double ingest_cost;              /* tokens x price per million; NAN
                                        without a price */
    /* staleness, from the documents' newest content dates */
    double age_p10, age_p50, age_p90, age_max;  /* days before as-of; NAN
                                                   when no dated document */
    double share_stale;              /* dated documents older than
                                        opts.stale_days; NAN when none */
} gs_side;

typedef struct gs_comparison gs_comparison;

/* How one field's distribution moved (drift.h), for every field both sides
 * have. Distribution, missingness and type/format changes are kept apart:
 * a field can drift in one and not the others. NAN: not computed. */
typedef struct gs_field_drift {
    char *collection, *path;
    uint64_t n_sandbox, n_production;  /* non-null values */
    char kind;                 /* 'n' numeric, 'c' categorical, '-' none */
    double psi, ks, ks_p, wasserstein;
    int ks_exact;
    double js, chi2_p;
    uint64_t new_categories, vanished_categories;
    double null_sandbox, null_production, null_p;
    int drifted, missing_drifted;  /* significant after Benjamini-Hochberg
                                      and past the effect threshold */
} gs_field_drift;

/* Thresholds the built-in checks use; gs_compare_opts_default fills them.
 * They are printed in every report. */
typedef struct gs_compare_opts {
    double required_presence;   /* sandbox presence >= this: "required" */
    double presence_drop;       /* presence drop that is a finding */
    double new_type_share;      /* share of a type unseen in the sandbox */
    double null_share;          /* nulls in a never-null field */
    uint64_t enum_max_distinct; /* a small domain: at most this many values */
    uint64_t enum_min_values;   /* ... seen at least this many times */
    uint64_t min_values;        /* fewer sandbox values: assumption too weak */
    double drift_psi;           /* PSI at or above which a numeric field
                                   drifted (and its KS test is significant) */
    double drift_js;            /* Jensen-Shannon distance, categorical */
    double drift_null;          /* change in null share, missingness */
    double drift_fdr;           /* false discovery rate across all tests */
    uint64_t drift_min_values;  /* fewer values on a side: no drift test */
    int32_t as_of_days;         /* ages are taken at this day (days since
                                   1970); 0: no staleness checks */
    uint64_t stale_days;        /* older content than this is stale */
    double price_per_mtok;      /* ingest price per million tokens; NAN */
    /* The schema assumptions to check (assumptions.h), borrowed; NULL:
     * inferred from the sandbox profile. */
    const struct gs_assumptions *assumptions;
} gs_compare_opts;

void gs_compare_opts_default(gs_compare_opts *o);

/* Compare two profiles. Both must outlive the comparison. */
gs_status gs_compare(const gs_profile *sandbox, const gs_profile *production,
                     const gs_compare_opts *opts, gs_comparison **out);
void gs_comparison_free(gs_comparison *c);

const gs_compare_opts *gs_comparison_opts(const gs_comparison *c);
const gs_side *gs_comparison_side(const gs_comparison *c, int production);
/* which: "format", "encoding", "compression", "collection_files",
 * "collection_records", "defect_files", "bom", "age" (dated documents by age band,
 * estimated from the sketches; keys in band order, not sorted). Other rows
 * are sorted by key. */
size_t gs_comparison_dist(const gs_comparison *c, const char *which,
                          const gs_dist_row **rows);
/* Volume on each side and production / sandbox (NAN when the sandbox has
 * none): files, bytes, records, characters, tokens (est.: characters / 4),
 * fields, collections. */
typedef struct gs_volume_row {
    const char *name;
    uint64_t sandbox, production;
    double ratio;
} gs_volume_row;

size_t gs_comparison_volume(const gs_comparison *c, const gs_volume_row **rows);

/* Per-field drift rows, sorted by (collection, path). */
size_t gs_comparison_drift(const gs_comparison *c, const gs_field_drift **rows);

/* The names gs_comparison_dist knows, in report order; returns how many. */
size_t gs_comparison_dist_names(const char *const **names);
size_t gs_comparison_finding_count(const gs_comparison *c);
gs_finding *gs_comparison_finding(gs_comparison *c, size_t i);
/* Re-sort after severities change (the policy calls this). */
void gs_comparison_sort(gs_comparison *c);
/* Every check id the comparison (and the policy) can emit, sorted; the
 * families "corpus", "schema", "format", "volume", "drift", "coverage",
 * "staleness" and "policy" hold only these. Other families ("encoding.",
 * "csv.", "gzip.", ...) are the open-ended defect codes of the files. */
const char *const *gs_compare_checks(size_t *n);
/* 1 when family (the text before the first '.') is one of the closed
 * families above. */
int gs_compare_family_closed(const char *id);

/* Add a finding made outside the comparison (the policy's own, such as an
 * expired waiver): severity warn, no values (NAN), no evidence. NULL on
 * ENOMEM or past GS_COMPARE_MAX_PER_CHECK. */
gs_finding *gs_comparison_add(gs_comparison *c, const char *check,
                              const char *dimension, const char *scope,
                              const char *message);

#ifdef __cplusplus
}
#endif
#endif

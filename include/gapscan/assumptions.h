/* assumptions.h - what the sandbox silently taught the pilot, and how often
 * production breaks it.
 *
 * From a sandbox profile, gs_assumptions_infer() states every assumption a
 * pilot built on that sample is likely to rely on, per collection and per
 * field: the collection exists and its field set is closed; a field is
 * present in every record; its values have these types; it is never null;
 * numbers lie in [min, max]; codes come from a small domain; a key is
 * unique; strings are at most N bytes; values are written one way (the
 * format); a JSON path is inside an object or an array (nesting). Document
 * collections get the same through their "doc." fields (doc.title always
 * present, doc.length_chars within a band).
 *
 * Every assumption carries its evidence: how many sandbox values (or
 * records, or files) it rests on, and an estimate of the chance that the
 * next value would break it even if production were just more of the same:
 *   enum          Good-Turing: singletons / values (the share of the mass
 *                 on values seen once estimates the mass of unseen values);
 *   range         2 / (n + 1): among n + 1 exchangeable values, the chance
 *                 that the last is a new minimum or maximum;
 *   max_length    1 / (n + 1), the same for a new longest value;
 *   all others    the rule of three, 3 / n: the 95% upper bound on a rate
 *                 never observed in n trials.
 * An assumption is weak when it rests on fewer than opts.min_values values
 * or when that estimate exceeds 3 / opts.min_values (10% at the default
 * 30). Weak assumptions are checked like the others, but their findings are
 * marked weak and a policy never lets them fail an audit (policy.h).
 *
 * gs_assumptions_check() holds production against each assumption: the
 * number and rate of violations, the first examples with file:line:col
 * where the profile keeps them, and whether the violating values or types
 * never occurred in the sandbox. Violations become findings with the
 * stable schema.* ids (the format assumption is listed here but its
 * findings are the format.* checks of compare.c).
 *
 * Assumptions are exchanged as standard schema files (docs/assumptions.md):
 * JSON Schema 2020-12 for JSON, JSON Lines, XML and document collections,
 * Frictionless Table Schema for CSV, in one JSON file keyed by collection.
 * A team reviews, corrects and commits the file; loading it back makes the
 * checked assumptions the file's. Loading is strict: an unknown keyword,
 * a wrong type or a contradiction is an error naming its JSON path.
 *
 * Invariants:
 *   1. Deterministic: assumptions are sorted by (collection, path, kind);
 *      the saved file is the same bytes for the same set, and
 *      save(load(save(infer(P)))) == save(infer(P)).
 *   2. Bounded: one set of at most GS_ASSUME_MAX_VALUES enum values per
 *      field, max_examples examples per assumption, files of at most 16 MiB.
 *   3. Nothing here reads data: inference and checks use profiles only.
 */
#ifndef GAPSCAN_ASSUMPTIONS_H
#define GAPSCAN_ASSUMPTIONS_H

#include <stdio.h>

#include "gapscan/compare.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_ASSUMPTIONS_FORMAT "gapscan-assumptions"
#define GS_ASSUMPTIONS_VERSION 1
#define GS_ASSUME_MAX_VALUES 256

typedef enum gs_assume_kind {
    GS_ASSUME_COLLECTION = 0,  /* the collection exists in production */
    GS_ASSUME_FIELDS,          /* its field set is closed: no new fields */
    GS_ASSUME_PRESENT,         /* the field is in (almost) every record */
    GS_ASSUME_TYPE,            /* values have one of these types */
    GS_ASSUME_NOT_NULL,        /* never null or empty */
    GS_ASSUME_RANGE,           /* numbers in [min, max] */
    GS_ASSUME_ENUM,            /* values from a small domain */
    GS_ASSUME_UNIQUE,          /* no value repeats (a key) */
    GS_ASSUME_MAX_LENGTH,      /* at most max_len bytes */
    GS_ASSUME_FORMAT,          /* written one way (see format) */
    GS_ASSUME_NESTED,          /* the path is an object or an array */
    GS_ASSUME__COUNT
} gs_assume_kind;

/* "collection", "fields", "present", "type", "not_null", "range", "enum",
 * "unique", "max_length", "format", "nested". */
const char *gs_assume_kind_name(gs_assume_kind k);

/* How a collection's records are laid out, which picks the schema flavour:
 * table (CSV: Table Schema), tree (JSON: nested JSON Schema), flat (XML and
 * documents: JSON Schema whose properties are gapscan's field paths). */
typedef enum gs_assume_layout {
    GS_LAYOUT_TABLE = 0,
    GS_LAYOUT_TREE,
    GS_LAYOUT_FLAT
} gs_assume_layout;

/* Format flags a field never showed in the sandbox (GS_ASSUME_FORMAT).
 * The hook for concrete formats: a profile that knows a field's dominant
 * shape (value.h, later) states it in format_name; today the name is built
 * from these flags. */
enum {
    GS_FMT_UNPADDED = 1u << 0,        /* no leading/trailing spaces */
    GS_FMT_DECIMAL_POINT = 1u << 1,   /* numbers never use a decimal comma */
    GS_FMT_UNGROUPED = 1u << 2,       /* no thousands separators */
    GS_FMT_UNAMBIGUOUS_DATE = 1u << 3 /* no dates with day/month unknown */
};

/* "unpadded", "decimal-point", "ungrouped", "unambiguous-date"; NULL for
 * anything else. */
const char *gs_assume_format_name(unsigned flag);

typedef struct gs_assumption {
    gs_assume_kind kind;
    char *collection;
    char *path;            /* NULL for COLLECTION and FIELDS */
    gs_assume_layout layout;
    /* What is assumed (by kind). */
    double presence;       /* PRESENT: sandbox share of records */
    unsigned types;        /* TYPE: 1u << gs_vtype for each allowed type */
    double min, max;       /* RANGE */
    uint64_t max_len;      /* MAX_LENGTH: bytes */
    char **values;         /* ENUM: the domain; FIELDS: the paths */
    size_t n_values;
    unsigned format;       /* FORMAT: GS_FMT_* */
    char nested;           /* NESTED: 'o' object, 'a' array */
    /* The evidence. */
    uint64_t support;      /* sandbox values (records for PRESENT and
                              FIELDS, files for COLLECTION); 0: declared
                              in a file without evidence */
    double unseen;         /* chance a new value breaks it (see above) */
    const char *method;    /* "good-turing", "exchangeable-extremes",
                              "rule-of-three", "declared" (static) */
    int weak;
    int declared;          /* from a file, without inferred evidence */
    /* The check against production (gs_assumptions_check). */
    int checked;           /* production had values to check */
    uint64_t checked_n;    /* production values (or records) checked */
    uint64_t violations;   /* exact unless violations_estimated */
    int violations_estimated;  /* a sketch bound, not a count */
    int new_in_production; /* the violating values/types were never in
                              the sandbox */
    const char *check;     /* the finding id a violation emits (static) */
    size_t n_examples;
    gs_example *examples;  /* max_examples slots; owned */
} gs_assumption;

typedef struct gs_assumptions gs_assumptions;

/* Infer the sandbox's assumptions with o's thresholds (NULL: defaults). */
gs_status gs_assumptions_infer(const gs_profile *sandbox,
                               const gs_compare_opts *o,
                               gs_assumptions **out);
void gs_assumptions_free(gs_assumptions *a);  /* NULL is fine */
/* A deep copy without check results. NULL on ENOMEM. */
gs_assumptions *gs_assumptions_clone(const gs_assumptions *a);

/* "inferred" or the file it was loaded from. */
const char *gs_assumptions_source(const gs_assumptions *a);
size_t gs_assumptions_count(const gs_assumptions *a);
const gs_assumption *gs_assumptions_at(const gs_assumptions *a, size_t i);
/* The first assumption of kind for (collection, path); path NULL for the
 * collection-level kinds. NULL when there is none. */
const gs_assumption *gs_assumptions_find(const gs_assumptions *a,
                                         const char *collection,
                                         const char *path,
                                         gs_assume_kind kind);

/* Check production against a (whose results are overwritten), with the
 * sandbox profile for "never in the sandbox" and c for findings. */
gs_status gs_assumptions_check(gs_assumptions *a, const gs_profile *sandbox,
                               const gs_profile *production,
                               gs_comparison *c);
/* The set the comparison checked, with results. */
const gs_assumptions *gs_comparison_assumptions(const gs_comparison *c);

/* Write the set as a schema file (docs/assumptions.md). Deterministic. */
gs_status gs_assumptions_save(const gs_assumptions *a, FILE *out,
                              gs_error *err);
/* Parse a schema file; name is used in messages ("name: $.x.y: what").
 * GS_EINVAL with err on anything not valid, GS_ENOMEM. */
gs_status gs_assumptions_parse(const char *text, size_t len,
                               const char *name, gs_assumptions **out,
                               gs_error *err);
/* Read (at most 16 MiB) and parse a file. GS_ENOENT/GS_EIO/GS_EINVAL. */
gs_status gs_assumptions_load(const char *path, gs_assumptions **out,
                              gs_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* profile.h - what gapscan knows about one corpus, in bounded memory.
 *
 * A profile holds
 *   - corpus facts: files, bytes, records, and counts per format, encoding,
 *     compression, BOM and line-ending style; skipped entries;
 *   - defects: a count per stable code, the number of files with it, and the
 *     first few examples with their locations;
 *   - collections: groups of files that hold the same kind of records (see
 *     gs_collection_name), with their file and record counts;
 *   - fields, keyed by (collection, path): value and presence counts, counts
 *     per type, kind, null token and concrete format (value.h), length and
 *     numeric ranges, Welford mean/variance, date range, a HyperLogLog
 *     distinct count, top values, top shapes (gs_value_shape) with one
 *     example each, value lengths (exact counts below GS_LEN_EXACT bytes, a
 *     quantile sketch of the longer ones), and the first example of each
 *     type and of each format with its location.
 *
 * Invariants:
 *   1. Memory is bounded by configuration (gs_limits: max_paths, sketch sizes,
 *      examples), never by the number of values or files.
 *   2. Everything merges: merge(P(A), P(B)) has exactly the counts of P(A u B)
 *      and sketches within their error. Merging the same profiles in the same
 *      order gives the same bytes; the scan merges per-file partial profiles
 *      in walk order, so results do not depend on thread timing.
 *   3. Saved profiles are versioned JSON (docs/profile-format.md); a file of
 *      another major version is refused with GS_EVERSION, never misread.
 *
 * A profile is not thread-safe: each worker fills its own and they merge.
 */
#ifndef GAPSCAN_PROFILE_H
#define GAPSCAN_PROFILE_H

#include <stdio.h>

#include "gapscan/dates.h"
#include "gapscan/events.h"
#include "gapscan/hygiene.h"
#include "gapscan/kll.h"
#include "gapscan/sketch.h"
#include "gapscan/value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_PROFILE_FORMAT "gapscan-profile"
#define GS_PROFILE_VERSION 5

/* Per-field sketch sizes that are not configurable (a field's memory is
 * stated in docs/profile-format.md). */
#define GS_SHAPE_TOP_K 16   /* top shapes kept per field */
#define GS_LEN_EXACT 256    /* lengths below this are counted exactly */
#define GS_LEN_KLL_K 64     /* k of the sketch of longer lengths */
/* A null token is read as a value in a field with at least this many
 * non-null values (see gs_field_stats.null_tokens_as_values). */
#define GS_CONTEXT_MIN_VALUES 20

typedef struct gs_profile gs_profile;
typedef struct gs_field gs_field;

/* Limits are copied. NULL on ENOMEM. */
gs_profile *gs_profile_new(const gs_limits *lim);
void gs_profile_free(gs_profile *p);  /* NULL is fine */
/* Empty the profile for reuse, keeping its allocations where it can. */
void gs_profile_reset(gs_profile *p);
const gs_limits *gs_profile_limits(const gs_profile *p);

/* Roots the profile was made from (kept in order, duplicates dropped). */
gs_status gs_profile_add_root(gs_profile *p, const char *root);
size_t gs_profile_root_count(const gs_profile *p);
const char *gs_profile_root(const gs_profile *p, size_t i);

/* The collection a file belongs to: its base name without compression and
 * format extensions, lower-cased, with digit runs and the separators around
 * them removed ("tickets-2026-10.csv.gz" -> "tickets"); when nothing is left,
 * the parent directory's name; when that fails too, "(root)". Writes at most
 * cap bytes including the NUL. */
void gs_collection_name(const char *path, char *out, size_t cap);

/* ---- documents ------------------------------------------------------- */

/* The facts of one document, as the pipeline measured them. Strings are
 * borrowed for the duration of the call. */
typedef struct gs_doc_facts {
    const char *path;
    const char *collection;
    const char *format;        /* gs_format_name() */
    const char *compression;   /* "gzip" or NULL */
    const char *encoding;      /* IANA name or "undetermined" */
    double encoding_confidence;
    const char *bom;           /* "" or "UTF-8", "UTF-16LE", ... */
    uint64_t bytes;            /* on disk */
    uint64_t bytes_decoded;    /* UTF-8 bytes the parser saw */
    uint64_t records;
    uint64_t fields;           /* distinct field paths in the document */
    uint64_t lines;
    uint64_t lf, crlf, cr;
    uint64_t invalid_utf8;
    uint64_t nul_bytes;
    uint64_t control_chars;
    uint64_t defects;          /* all defects, including those not kept */
    uint64_t chars;            /* characters the parser saw */
    const char *declared_charset;  /* XML/HTML declaration, "" if none */
    uint64_t hygiene[GS_HYG__COUNT];  /* text-hygiene counts (hygiene.h) */
    int32_t content_date;      /* newest content date, days since 1970
                                  (dates.h tiers 0-3); 0: none found */
    uint64_t future_dates;     /* dates after the as-of date */
    int resaved;               /* mtime long after the content date */
    uint64_t markers[GS_MARK__COUNT];  /* staleness markers in the text */
    int64_t mtime;             /* seconds, UTC */
    gs_status status;          /* GS_OK, or why the read stopped early */
    const char *csv_dialect;   /* "delimiter=, quote=\" header=present";
                                  NULL when not CSV/TSV */
    const char *csv_header;    /* the header names as written, NULL if
                                  none */
} gs_doc_facts;

gs_status gs_profile_add_doc(gs_profile *p, const gs_doc_facts *d);

/* A defect of a document (or of a walk entry). Counted always; kept as an
 * example while fewer than max_examples are kept for the code. loc may be
 * NULL; detail may be NULL. */
gs_status gs_profile_add_defect(gs_profile *p, const char *path,
                                const char *code, const char *detail,
                                const gs_loc *loc);
/* Count one more file having code (call once per file and code).
 * GS_ENOMEM when the code is new and cannot be stored. */
gs_status gs_profile_count_defect_file(gs_profile *p, const char *code);

/* A walk entry that was not scanned (special file, symlink, unreadable). */
gs_status gs_profile_add_skipped(gs_profile *p, const char *path,
                                 const char *what, int sys_errno);

/* ---- fields ---------------------------------------------------------- */

/* The field (collection, path), created on first use. NULL when the profile
 * already holds max_paths fields (the overflow is counted: see
 * gs_profile_paths_overflow) or on ENOMEM (*st says which, if st != NULL). */
gs_field *gs_profile_field(gs_profile *p, const char *collection,
                           const char *path, size_t path_len, gs_status *st);

/* One value of the field at loc in document path (for examples). The
 * value's class is written to *vc when vc is not NULL. */
gs_status gs_field_add(gs_field *f, const char *bytes, size_t len,
                       gs_value_kind kind, const char *path,
                       const gs_loc *loc, gs_value_class *vc);
/* The field occurred in one more record. */
void gs_field_count_present(gs_field *f);
/* The collection got one more record / one more file. GS_ENOMEM when the
 * collection is new and cannot be stored. */
gs_status gs_profile_count_record(gs_profile *p, const char *collection);
gs_status gs_profile_count_file(gs_profile *p, const char *collection);
/* Values whose field could not be stored (past max_paths). */
void gs_profile_count_overflow(gs_profile *p, uint64_t values);

/* The file path's dominant format in field f: the format of most of its
 * non-null values in that one file (document.c decides it). A field keeps
 * at most GS_FILE_FORMATS_MAX formats with their file counts and first file;
 * files whose format does not fit are counted in gs_field_file_formats'
 * *other. */
#define GS_FILE_FORMATS_MAX 8
gs_status gs_field_count_file_format(gs_field *f, gs_vformat fmt,
                                     const char *path);

/* ---- merge and files ------------------------------------------------- */

/* into := into (+) from. GS_EINVAL when sketch sizes differ. On failure
 * into may be partly merged; discard it. */
gs_status gs_profile_merge(gs_profile *into, const gs_profile *from);

/* Save as JSON (docs/profile-format.md). Deterministic: same profile, same
 * bytes. */
gs_status gs_profile_save(const gs_profile *p, FILE *out, gs_error *err);
/* Load a saved profile; err gets "path: what is wrong" on failure. */
gs_status gs_profile_load(const char *path, gs_profile **out, gs_error *err);
/* The same from len bytes of text (NUL-terminated at text[len]); path only
 * names it in messages. */
gs_status gs_profile_load_text(const char *path, const char *text, size_t len,
                               gs_profile **out, gs_error *err);

/* ---- reading (for compare; renderers never call these) ---------------- */

typedef struct gs_count_item {  /* one row of a distribution */
    const char *key;
    uint64_t count;
    uint64_t bytes;             /* formats: bytes; otherwise 0 */
} gs_count_item;

typedef struct gs_example {
    char *path;                 /* owned by the profile */
    gs_loc loc;
    char *value;                /* cut to max_value_bytes_kept; may be NULL */
    char *detail;               /* defects: one line of English; may be NULL */
} gs_example;

typedef struct gs_corpus_facts {
    uint64_t files, bytes, bytes_decoded, records, lines;
    uint64_t files_partial;     /* read stopped early (status != GS_OK) */
    uint64_t skipped;           /* walk entries not scanned */
    uint64_t files_with_bom;
    uint64_t files_lf_only, files_crlf_only, files_cr_only, files_mixed_eol;
    uint64_t lf, crlf, cr;
    uint64_t invalid_utf8, files_invalid_utf8;
    uint64_t nul_bytes, control_chars;
    uint64_t paths_overflow;    /* values dropped past max_paths */
    int64_t mtime_min, mtime_max;  /* 0 when no files */
    uint64_t chars;             /* characters (tokens are estimated from it) */
    uint64_t docs_dated;        /* with a content date (not just mtime) */
    uint64_t docs_future;       /* with a date after the as-of date */
    uint64_t docs_resaved;      /* mtime over a year after the content date */
    uint64_t docs_marked[GS_MARK__COUNT];  /* with each staleness marker */
} gs_corpus_facts;

const gs_corpus_facts *gs_profile_corpus(const gs_profile *p);
/* The documents' newest content dates (days since 1970) as a KLL sketch;
 * NULL when no document had one. Ages are taken against an as-of date at
 * comparison time. */
const gs_kll *gs_profile_content_dates(const gs_profile *p);

/* Distributions, sorted by count desc then key asc. which is one of
 * "format", "encoding", "compression", "bom", "collection_files",
 * "collection_records". Returns the number of rows; rows borrowed. Out of
 * memory for the sorted copy: SIZE_MAX, *rows NULL. */
size_t gs_profile_distribution(const gs_profile *p, const char *which,
                               const gs_count_item **rows);

/* How the files of each collection are written: one row per (kind,
 * collection, value), kind being "dialect" (gs_doc_facts.csv_dialect),
 * "header" (csv_header) or "eol" (the file's line-ending style: "lf",
 * "crlf", "cr" or "mixed"; files without a line break have none), with the
 * number of files and the first of them in merge order. At most max_paths
 * rows; files whose row would be new past that are counted in *dropped
 * (which may be NULL). Sorted by (kind, collection, value); rows borrowed. */
typedef struct gs_layout_row {
    const char *kind;
    const char *collection;
    const char *value;
    uint64_t files;
    const char *first;
} gs_layout_row;
size_t gs_profile_layouts(const gs_profile *p, const gs_layout_row **rows,
                          uint64_t *dropped);

/* A field's dominant formats per file (gs_field_count_file_format), in the
 * order first seen; *other (may be NULL) gets the files whose format found
 * no room. Rows borrowed. */
typedef struct gs_file_format {
    gs_vformat format;
    uint64_t files;
    char *first;                /* first such file; owned by the profile */
} gs_file_format;
size_t gs_field_file_formats(const gs_field *f, const gs_file_format **rows,
                             uint64_t *other);

typedef struct gs_defect_summary {
    const char *code;
    uint64_t count;             /* occurrences */
    uint64_t files;             /* files with at least one */
    size_t n_examples;
    const gs_example *examples;
} gs_defect_summary;

/* Defect codes sorted by code. */
size_t gs_profile_defect_count(const gs_profile *p);
const gs_defect_summary *gs_profile_defect(const gs_profile *p, size_t i);
/* By code; NULL when absent. */
const gs_defect_summary *gs_profile_defect_find(const gs_profile *p,
                                                const char *code);

/* Fields sorted by (collection, path). */
size_t gs_profile_field_count(const gs_profile *p);
const gs_field *gs_profile_field_at(const gs_profile *p, size_t i);
const gs_field *gs_profile_field_find(const gs_profile *p,
                                      const char *collection,
                                      const char *path);
uint64_t gs_profile_collection_records(const gs_profile *p,
                                       const char *collection);

typedef struct gs_field_stats {
    const char *collection;
    const char *path;
    uint64_t count;                     /* values */
    uint64_t present;                   /* records holding the field */
    uint64_t types[GS_VT__COUNT];
    uint64_t kinds[GS_VK__COUNT];
    const uint64_t *null_tokens;        /* gs_null_token_count() entries */
    uint64_t padded, leading_zero, decimal_comma, grouped, date_ambiguous;
    uint64_t len_min, len_max, len_sum; /* bytes */
    uint64_t numbers;                   /* integer + decimal values */
    double num_min, num_max, num_mean, num_m2;
    int32_t date_min, date_max;         /* days since 1970; valid if dates */
    double distinct;                    /* HyperLogLog estimate */
    const gs_kll *num_quantiles;        /* numbers' KLL sketch (kll.h);
                                           NULL when numbers == 0 */
    const gs_topk *top;
    const uint64_t *hygiene;            /* GS_HYG__COUNT: text values with
                                           each hygiene class (hygiene.h) */
    const gs_example *hygiene_examples; /* GS_HYG__COUNT; path NULL when
                                           none */
    const gs_example *type_examples;    /* GS_VT__COUNT entries; path NULL
                                           when none */
    /* Formats (value.h) per value. In a field whose values are codes, a
     * null token may be a value: "NA" is Namibia in a column of upper-case
     * two-letter codes. A token is read as a value when it is alphabetic
     * and at most 3 bytes long (NA, na, NaN, nan, nil: spellings like NULL
     * or None always mean null), its shape is the field's dominant shape,
     * that shape covers at least half of at least GS_CONTEXT_MIN_VALUES
     * non-null values, and the token is no more frequent than that shape.
     * Such tokens are set in null_tokens_as_values (bit i for token i),
     * and their counts moved from types[GS_VT_NULL] to types[GS_VT_STRING]
     * and from formats[GS_VFMT_NULL_TOKEN] to their case style's format;
     * null_tokens keeps the raw counts. */
    uint64_t formats[GS_VFMT__COUNT];
    uint32_t null_tokens_as_values;
    uint64_t nulls_as_values;           /* the values so moved */
    int dominant_format;                /* most frequent format of non-null
                                           values (ties: lower id); -1 if
                                           there are none */
    double dominant_share;              /* its share of non-null values */
    const gs_topk *shapes;              /* top shapes of non-null values */
    /* Lengths in bytes of non-null values: len_counts[i] values of
     * length i for i < len_counts_n (<= GS_LEN_EXACT; no value has a length
     * from len_counts_n up to GS_LEN_EXACT), and a KLL sketch of the
     * lengths of GS_LEN_EXACT bytes or more (NULL when there are none). */
    const uint64_t *len_counts;
    size_t len_counts_n;
    const gs_kll *len_long;
} gs_field_stats;

void gs_field_stats_get(const gs_field *f, gs_field_stats *out);
/* The first value of format fmt seen in the field, with its location;
 * NULL when the field has none. */
const gs_example *gs_field_format_example(const gs_field *f, gs_vformat fmt);
/* The example kept for a shape of the field's top shapes; NULL if none. */
const gs_example *gs_field_shape_example(const gs_field *f, const char *shape,
                                         size_t len);
/* The field's path alone, without computing its statistics. */
const char *gs_field_path(const gs_field *f);

#ifdef __cplusplus
}
#endif
#endif

/* document.h - scan one file: source -> decode -> sniff -> parser -> profile.
 *
 * A gs_document is a worker's reusable state for one file at a time. It
 * opens the file through source.h (read-only, gzip transparent), decides the
 * encoding from the first 64 KiB (decode.h), sniffs the format from the
 * decoded head and the name (parser.h), streams the rest through the parser,
 * and implements the event sink: values go to the profile's fields, defects
 * to the profile and to this document's own list (for inspect).
 *
 * Invariants:
 *   1. An input problem never fails the call: it is a defect, and a read
 *      that stops early is recorded in facts.status. Only GS_ENOMEM (and
 *      GS_ECANCELED) are returned.
 *   2. Memory is bounded per document: fixed read buffers, at most
 *      max_doc_defects defects kept, field ids bounded by max_paths.
 *   3. The collection of every field and record is gs_collection_name(path),
 *      except for pages (HTML, text, Markdown): their names say nothing about
 *      their kind ("reset-password.html"), so all pages of one format form
 *      one collection, "html documents", "markdown documents", ...
 *
 * Staleness evidence (dates.h): the decoded text of text, Markdown and HTML
 * files goes through the date extractor (HTML with its tags blanked); every
 * value of a field whose name has a date role, every date value, and every
 * other string value of 10+ bytes holding a 4-digit run 1xxx/2xxx (outside
 * "doc.*", whose text the extractor already read) is scanned the same way;
 * markers are counted in what is scanned. The hits go to one
 * gs_date_evidence, which decides the newest content date at the end.
 */
#ifndef GAPSCAN_DOCUMENT_H
#define GAPSCAN_DOCUMENT_H

#include "gapscan/dates.h"
#include "gapscan/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_document gs_document;

typedef struct gs_doc_defect {
    const char *code;    /* stable id */
    const char *detail;  /* may be NULL */
    gs_loc loc;
} gs_doc_defect;

/* lim must outlive the document. NULL on ENOMEM. */
gs_document *gs_document_new(const gs_limits *lim);
void gs_document_free(gs_document *d);  /* NULL is fine */

/* Scan the file at path into profile p (facts, fields, defects). The results
 * below stay valid until the next scan or free. */
gs_status gs_document_scan(gs_document *d, const char *path, gs_profile *p);

const gs_doc_facts *gs_document_facts(const gs_document *d);
/* Dates after as_of (days since 1970-01-01) are future in the next scans:
 * counted and kept apart, never the newest. INT32_MAX, the default, makes
 * nothing future (a profile is as-of-free; the caller judges later). */
void gs_document_set_as_of(gs_document *d, int32_t as_of);
/* Threads the document may use for one file (default 1). With 2 or more,
 * a big CSV/TSV file scanned whole shares its field work with one helper
 * thread; the profile is the same either way. */
void gs_document_set_threads(gs_document *d, unsigned threads);

/* Newest content date by the precedence in dates.h, days since 1970-01-01,
 * falling back to the file's mtime; 0 = none. *source (if not NULL) gets
 * "meta doc.meta.article:modified_time line 5", "prose line 12", "mtime",
 * ... or NULL with 0. */
int32_t gs_document_newest_date(const gs_document *d, const char **source);
/* All of the last scan's date evidence (future dates, ambiguity, mtime lag,
 * ...); its where strings belong to the document. */
const gs_date_verdict *gs_document_dates(const gs_document *d);
/* "future date" source text like newest's, or NULL when none. */
const char *gs_document_future_source(const gs_document *d);
/* Staleness-marker counts of the last scan, indexed by gs_stale_marker. */
const uint64_t *gs_document_stale_markers(const gs_document *d);
size_t gs_document_defect_count(const gs_document *d);
const gs_doc_defect *gs_document_defect(const gs_document *d, size_t i);
/* Format-specific facts the parser reported ("csv.delimiter", ...). */
size_t gs_document_fact_count(const gs_document *d);
void gs_document_fact(const gs_document *d, size_t i, const char **key,
                      const char **value);

/* ---- one big file in ranges (scan.h) ----------------------------------
 *
 * A plain JSON Lines, CSV or TSV file in UTF-8 can be profiled as
 * consecutive byte ranges on several workers: range i holds the records
 * that start in [i x range_bytes, (i + 1) x range_bytes), cut at a line
 * start (for CSV/TSV, one outside quoted fields). Merging the ranges'
 * profiles in range order and then gs_doc_split_finish() gives the file's
 * counts exactly; every location (line, offset, record) is the one a
 * whole-file scan reports, because range i is profiled only after the
 * counting passes it depends on (gs_document_count_range) have measured the
 * lines, decoded bytes and records before it. A CSV/TSV range reads with
 * the dialect and header sniffed from the file's head, and a range whose
 * quoting the parser might read otherwise (a malformed or unterminated
 * quote, a field or row over the limits) or whose record outruns the next
 * range runs to the end of the file, so the result is the whole-file
 * parse's there too. What differs from a whole-file scan: sketches merge per
 * range (within their error); the decoder's first few invalid-UTF-8 defects
 * are kept per range; a field writing more than 8 formats within one range
 * may get another dominant format; the file's "fields" fact is the largest
 * range's. Only the date
 * verdict of the last range is left in the document (inspect never
 * splits). */
typedef struct gs_doc_split gs_doc_split;

/* Decide whether path is worth splitting into ranges of range_bytes (at
 * least 128 KiB): a plain file of more than 2 x range_bytes whose head reads
 * as UTF-8 and sniffs as JSON Lines (without a BOM), or (when csv is
 * nonzero) as CSV or TSV whose first 128 KiB hold the dialect sample and
 * the whole first row. *out is NULL (and GS_OK returned) when it is not;
 * GS_ENOMEM and GS_EINVAL are the only errors.
 * The split is shared by the workers scanning its ranges; the caller frees
 * it after gs_doc_split_finish(). */
gs_status gs_doc_split_plan(const char *path, const gs_limits *lim,
                            uint64_t range_bytes, int csv,
                            gs_doc_split **out);
unsigned gs_doc_split_ranges(const gs_doc_split *s);
/* Whether range i needs its counting pass run before it is profiled (and
 * before every later range). A JSON Lines range measures what its counting
 * pass would, so with one thread (one_thread) none is needed, and the last
 * range's never is; every CSV/TSV range needs its own. */
int gs_doc_split_needs_count(const gs_doc_split *s, unsigned i,
                             int one_thread);
/* Counting pass over range i (no profile). Ranges may be counted in any
 * order and in parallel (each writes only its own slot). */
gs_status gs_document_count_range(gs_document *d, gs_doc_split *s,
                                  unsigned i);
/* Profile range i into p. The counting passes gs_doc_split_needs_count asks
 * for, of range i and of every range before it, must be done, and every
 * range before i without one profiled (a JSON Lines profiling pass measures
 * what its counting pass would); happens-before: the caller synchronises. */
gs_status gs_document_scan_range(gs_document *d, gs_doc_split *s, unsigned i,
                                 gs_profile *p);
/* After every range's profile is merged into p: the file's own facts,
 * file and defect-file counts, once. */
gs_status gs_doc_split_finish(const gs_doc_split *s, gs_profile *p);
void gs_doc_split_free(gs_doc_split *s);  /* NULL is fine */

#ifdef __cplusplus
}
#endif
#endif

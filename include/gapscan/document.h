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
 */
#ifndef GAPSCAN_DOCUMENT_H
#define GAPSCAN_DOCUMENT_H

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
/* Newest date found in the content, days since 1970-01-01; 0 = none. */
int32_t gs_document_newest_date(const gs_document *d, const char **source);
size_t gs_document_defect_count(const gs_document *d);
const gs_doc_defect *gs_document_defect(const gs_document *d, size_t i);
/* Format-specific facts the parser reported ("csv.delimiter", ...). */
size_t gs_document_fact_count(const gs_document *d);
void gs_document_fact(const gs_document *d, size_t i, const char **key,
                      const char **value);

#ifdef __cplusplus
}
#endif
#endif

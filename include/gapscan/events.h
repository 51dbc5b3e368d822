/* events.h - the event sink: the one vocabulary between parsers and profiling.
 *
 * A parser turns UTF-8 bytes into these calls and knows nothing else about
 * profiling; the collector (collector.h) implements them. Document begin/end
 * are issued by the scan pipeline around a parser's life, not by parsers.
 *
 * Invariants:
 *   1. Bytes and strings handed to a callback are borrowed: valid only until
 *      the callback returns. A callee that keeps them copies them.
 *   2. Every callback returns int; nonzero means "stop": the parser then
 *      returns GS_ECANCELED from feed()/finish() at once.
 *   3. A field path is interned once through field() (a CSV column at the
 *      header, a JSON path when first seen) and values carry the small id.
 *      The hot path never hashes a full path.
 *   4. Records never nest: record_begin/record_end pair, and a value sent
 *      while no record is open is a value of the document itself.
 *
 * Field path conventions, shared by every parser so that detectors can rely
 * on them:
 *   CSV/TSV      the header cell ("updated_at"), or "column_N"
 *   JSON/JSONL   keys joined by '.', array elements "[]", map keys "{*}"
 *                ("users.{*}.name", "items[].sku"), a top-level scalar "$"
 *   XML          "/catalog/book/title", attributes "/catalog/book/@id"
 *   documents    HTML, text and Markdown files are one record each, whose
 *                fields start with "doc.": "doc.title", "doc.lang",
 *                "doc.charset", "doc.meta.<name or property>" (HTML metas and
 *                YAML front matter keys, as written), "doc.time" (each
 *                <time datetime>), "doc.headings", "doc.links",
 *                "doc.lines", "doc.paragraphs", "doc.length_chars"
 *                (visible characters). Counts are GS_VK_NUMBER decimals.
 */
#ifndef GAPSCAN_EVENTS_H
#define GAPSCAN_EVENTS_H

#include "gapscan/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t gs_field_id;
/* Returned by field() when a path cannot be stored (past gs_limits.max_paths,
 * or out of memory); values sent with it are counted as overflow, not kept. */
#define GS_FIELD_NONE UINT32_MAX

/* What the format itself says about a value's type. CSV and text say
 * nothing (GS_VK_TEXT); JSON distinguishes strings, numbers, booleans and
 * null by syntax. */
typedef enum gs_value_kind {
    GS_VK_TEXT = 0,   /* untyped text: CSV cell, XML text, HTML meta */
    GS_VK_STRING,     /* JSON string (bytes are the unescaped UTF-8) */
    GS_VK_NUMBER,     /* JSON number (bytes are the literal as written) */
    GS_VK_BOOL,       /* JSON true/false (bytes are "true"/"false") */
    GS_VK_NULL,       /* JSON null (bytes are "null") */
    GS_VK__COUNT
} gs_value_kind;

typedef struct gs_sink {
    void *ud;
    /* Intern a field path (UTF-8, not NUL-terminated). Same path, same id,
     * for the life of the document. */
    gs_field_id (*field)(void *ud, const char *path, size_t len);
    int (*record_begin)(void *ud, const gs_loc *loc);
    int (*record_end)(void *ud, const gs_loc *loc);
    /* One value of a field inside the current record (or of the document
     * when no record is open). */
    int (*value)(void *ud, gs_field_id field, const char *bytes, size_t len,
                 gs_value_kind kind, const gs_loc *loc);
    /* An input defect: code is a stable id ("csv.ragged_row",
     * "json.syntax", "gzip.truncated", ...); detail is one short line of
     * English (may be NULL). loc may be NULL when no position applies. */
    int (*defect)(void *ud, const char *code, const char *detail,
                  const gs_loc *loc);
    /* A format-specific fact about the document ("csv.delimiter" = ",",
     * "csv.header" = "present", "csv.header_names" = "id,name,...",
     * "xml.record_path" = "/catalog/book", "html.declared_charset" = ...);
     * may be NULL in a sink that ignores them. */
    int (*fact)(void *ud, const char *key, const char *value);
} gs_sink;

#ifdef __cplusplus
}
#endif
#endif

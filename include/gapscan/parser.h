/* parser.h - the parser seam: one vtable per format, a registry, a sniffer.
 *
 * A parser turns UTF-8 bytes (the decode stage's output) into events
 * (events.h). It computes its own locations (line, record, offset within the
 * decoded stream) and nothing about profiling.
 *
 * Invariants every parser keeps (and tests/test_parsers.c proves):
 *   1. Push streaming: feed(buf, len) any number of times, then finish().
 *      Feeding the same bytes whole or in pieces of any size (down to one
 *      byte) gives the same events.
 *   2. Bounded memory: no field, line or nesting level grows past gs_limits;
 *      hitting a limit is a defect and, if the parser cannot recover,
 *      GS_ELIMIT from feed()/finish().
 *   3. An input defect is reported through sink->defect with its location and
 *      the parse goes on where the format allows recovery.
 *   4. A nonzero return from any sink callback makes feed()/finish() return
 *      GS_ECANCELED without further callbacks.
 */
#ifndef GAPSCAN_PARSER_H
#define GAPSCAN_PARSER_H

#include "gapscan/events.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gs_format {
    GS_FMT_UNKNOWN = 0,
    GS_FMT_CSV,
    GS_FMT_TSV,
    GS_FMT_JSON,
    GS_FMT_JSONL,
    GS_FMT_XML,
    GS_FMT_HTML,
    GS_FMT_TEXT,
    GS_FMT_MARKDOWN,
    GS_FMT_BINARY,
    GS_FMT__COUNT
} gs_format;

/* "csv", "tsv", "json", "jsonl", "xml", "html", "text", "markdown",
 * "binary", "unknown" (the inspect --json vocabulary). */
const char *gs_format_name(gs_format fmt);
/* Inverse of gs_format_name; GS_FMT_UNKNOWN for anything else. */
gs_format gs_format_from_name(const char *name);

/* Decide a file's format from its decoded head (UTF-8, at most the first
 * 64 KiB; may end mid-line or mid-character) and its name with any
 * compression suffix already removed ("data/x.csv" for "data/x.csv.gz").
 * Content wins over the extension when they clearly disagree (a binary file
 * named .csv is GS_FMT_BINARY). looks_binary comes from the decode stage. */
gs_format gs_sniff_format(const char *head, size_t len, const char *name,
                          int looks_binary);

typedef struct gs_parser gs_parser;  /* one format's private state */

typedef struct gs_parser_type {
    const char *name;   /* format name as in gs_format_name() */
    gs_format format;
    /* Create a parser that reports to sink. sink and lim must outlive it.
     * On failure *out is NULL. */
    gs_status (*open)(const gs_limits *lim, const gs_sink *sink,
                      gs_parser **out);
    gs_status (*feed)(gs_parser *p, const char *buf, size_t len);
    /* End of input: flush the last record, report what is unterminated. */
    gs_status (*finish)(gs_parser *p);
    void (*close)(gs_parser *p);  /* NULL is fine */
} gs_parser_type;

/* The parser for a format, or NULL when gapscan has none for it (such files
 * still get document facts: bytes, encoding, lines). */
const gs_parser_type *gs_parser_for(gs_format fmt);

#ifdef __cplusplus
}
#endif
#endif

/* csv.h - what profiling one big CSV/TSV file in ranges needs from the CSV
 * parser (parsers/csv.c), beyond the parser vtable of parser.h.
 *
 * A range of a split file (document.h) starts at a record boundary in the
 * middle of the file. Two things are settled only at the file's start and
 * must be the same in every range: the dialect with the header names and
 * row width (gs_csv_resume gives a fresh parser those from the file's head),
 * and where records start, which a quoted field holding newlines hides from
 * a plain search for '\n' (gs_csv_rows follows the quoting without parsing).
 *
 * Invariant: gs_csv_rows reads bytes as libcsv's strict mode does. While it
 * says clean, the parser over the same bytes from a record start makes no
 * recovery (no malformed or unterminated quote, no field or column limit),
 * so it begins exactly the rows counted here and ends them at the same
 * bytes. Past anything else (clean == 0) nothing is promised.
 */
#ifndef GAPSCAN_CSV_H
#define GAPSCAN_CSV_H

#include "gapscan/parser.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_csv_dialect {
    char delim;       /* ',', '\t', ';', ... */
    int quote;        /* '"', '\'', or -1 for no quoting */
    int header;       /* the first row names the fields */
} gs_csv_dialect;

/* p is fresh from the open() of gs_parser_for(GS_FMT_CSV or _TSV); head
 * is the decoded start of the document, at least 64 KiB. The parser takes
 * the dialect from head as a whole-document parse would, interns the header
 * names (sink->field, in the same order and spelling) and learns the row
 * width, reporting nothing else (no fact, record, value or defect). The
 * bytes fed next are the document from a record start on: their locations
 * count from offset 0, line 1, record 1. known (if not NULL) is the
 * dialect an earlier resume on the same head gave: taken as it is, which
 * saves sniffing it again (~5 M instructions a range). *out (if not NULL)
 * gets the dialect. GS_EINVAL for a head under 64 KiB; GS_EFORMAT when
 * head does not hold the whole first row; a parser status (GS_ENOMEM,
 * GS_ELIMIT, ...) otherwise. After an error the parser is only fit for
 * close(). */
gs_status gs_csv_resume(gs_parser *p, const char *head, size_t len,
                        const gs_csv_dialect *known, gs_csv_dialect *out);

/* Record boundaries under a dialect, from raw bytes (UTF-8: every byte that
 * matters is ASCII). Start it at a record start with gs_csv_rows_init; the
 * counters are the caller's to read, the rest is the scanner's. */
typedef struct gs_csv_rows {
    uint64_t rows;        /* rows begun (a header row counts) */
    uint64_t newlines;    /* '\n' bytes consumed */
    int clean;            /* 0 from the first byte strict libcsv refuses,
                             a field over a third of max_field_bytes (a
                             bound on its decoded size) or a row over
                             max_columns cells; the counts stop there */
    int at_boundary;      /* the last feed stopped after a boundary */
    int state;
    uint64_t field;       /* bytes of the current field so far */
    size_t cells;         /* cells of the current row so far */
    uint64_t max_field;
    size_t max_cells;
    unsigned char delim_byte, quote_byte;  /* no quoting: '\n' again */
    unsigned char cls[256];
} gs_csv_rows;

void gs_csv_rows_init(gs_csv_rows *r, const gs_csv_dialect *d,
                      const gs_limits *lim);
/* Consume buf[0, len) and return how many bytes were consumed: fewer when a
 * '\n' at index >= stop_from ends a row or a blank line (outside quotes),
 * the bytes through that '\n' (at_boundary is set), or when the bytes stop
 * being clean (through the refused byte). */
size_t gs_csv_rows_feed(gs_csv_rows *r, const char *buf, size_t len,
                        size_t stop_from);

#ifdef __cplusplus
}
#endif
#endif

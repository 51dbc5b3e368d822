/* transcript.h - a parser's events as text (see transcript.c). */
#ifndef GAPSCAN_TESTS_TRANSCRIPT_H
#define GAPSCAN_TESTS_TRANSCRIPT_H

#include "gapscan/parser.h"

/* A growable string (plain malloc). */
typedef struct str {
    char *p;
    size_t len, cap;
} str;

void str_addn(str *s, const char *b, size_t n);
void str_addf(str *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append with '\\', '"', \n, \r, \t and other controls escaped. */
void str_add_escaped(str *s, const char *b, size_t n);

/* The recording sink's state. */
typedef struct tx_rec {
    str out;
    char **paths;
    size_t *plen;
    size_t npaths;
    long calls;        /* callbacks that can stop (all but field) so far */
    long stop_at;      /* return nonzero on this call (1-based); 0 never */
    long after_stop;   /* callbacks made after a stop: must stay 0 */
} tx_rec;

/* Parse data with type, chunk bytes at a time (0: whole; negative: an
 * irregular pattern), into r (zero it first; set stop_at to make the sink
 * say stop at that callback). Appends "status NAME"; returns the status. */
gs_status tx_run(const gs_parser_type *type, const gs_limits *lim,
                 const char *data, size_t len, long chunk, tx_rec *r);
/* The transcript text (malloc'd; the caller frees it). */
char *tx_transcript(const gs_parser_type *type, const gs_limits *lim,
                    const char *data, size_t len, long chunk);
void tx_free(tx_rec *r);
const char *tx_status_name(gs_status st);
/* A whole file (malloc'd, NUL-terminated) or NULL. */
char *tx_slurp(const char *path, size_t *len);
/* The golden transcript at path, against got: with GS_UPDATE_GOLDEN=1 it
 * is rewritten with got (1: written), else 1 when it holds got exactly. */
int tx_golden(const char *path, const char *got);

#endif

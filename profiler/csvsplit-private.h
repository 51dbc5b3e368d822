/* csvsplit-private.h - where the ranges of one big CSV/TSV file start and
 * end (csvsplit.c), for the split in document.c. Nothing else uses it. */
#ifndef GAPSCAN_CSVSPLIT_PRIVATE_H
#define GAPSCAN_CSVSPLIT_PRIVATE_H

#include "gapscan/csv.h"

#define GS__CSVSPLIT_NONE UINT64_MAX

/* The file, as the split plan found it. */
typedef struct gs__csvsplit_file {
    const char *path;
    const gs_limits *lim;
    gs_csv_dialect dialect;
    uint64_t size;       /* bytes on disk */
    uint64_t piece;      /* range_bytes: piece j is [j * piece, (j + 1) *
                            piece), the last one ending at size */
    unsigned n;          /* pieces */
    unsigned bom;        /* bytes of a leading BOM (the decoder drops them) */
} gs__csvsplit_file;

/* The range that starts in a piece, if the quotes before the piece are of
 * one parity. */
typedef struct gs__csvsplit_span {
    uint64_t start;      /* file offset, NONE: no record starts in it */
    uint64_t end;        /* file offset past its last byte */
    int to_eof;          /* it runs to the end of the file instead */
    uint64_t decoded;    /* of [start, end): decoded bytes, '\n' bytes, */
    uint64_t newlines;   /* lone CRs (a line end for the decoder), data */
    uint64_t lone_cr;    /* records (the header row not counted) */
    uint64_t records;
} gs__csvsplit_span;

/* What the counting pass of one piece measured. */
typedef struct gs__csvsplit_piece {
    int failed;                  /* the file could not be read again: this
                                    range and every later one are empty,
                                    and the file counts as partly read */
    uint64_t quotes;             /* quote bytes in the piece */
    gs__csvsplit_span as[2];     /* [parity of the quotes before it] */
} gs__csvsplit_piece;

/* The counting pass of piece j into *out, reading through buf (cap bytes,
 * at least 64 KiB). Only GS_ENOMEM is returned; a read that fails sets
 * out->failed. */
gs_status gs__csvsplit_count(const gs__csvsplit_file *f, unsigned j,
                             unsigned char *buf, size_t cap,
                             gs__csvsplit_piece *out);

/* Range i of the file from the counting passes of pieces 0..i. */
typedef struct gs__csvsplit_range {
    int empty;           /* no record of the file starts in it */
    uint64_t start;      /* file offset */
    uint64_t end;        /* file offset, UINT64_MAX: the end of the file */
    gs_loc base;         /* decoded bytes, '\n' and records before start */
    uint64_t dec_lines;  /* lines before start as the decoder counts them */
} gs__csvsplit_range;

void gs__csvsplit_range_of(const gs__csvsplit_piece *pieces, unsigned i,
                           gs__csvsplit_range *out);

#endif

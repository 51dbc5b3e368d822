/* jsonlsplit-private.h - the counts of one range of a big JSON Lines file
 * (jsonlsplit.c), for the split in document.c. Nothing else uses it. */
#ifndef GAPSCAN_JSONLSPLIT_PRIVATE_H
#define GAPSCAN_JSONLSPLIT_PRIVATE_H

#include "gapscan/base.h"

typedef struct gs__jsonl_counts {
    uint64_t decoded;    /* bytes the decoder emits for the range */
    uint64_t newlines;   /* '\n' bytes */
    uint64_t lone_cr;    /* '\r' not followed by '\n' (a decoder line end) */
    uint64_t records;    /* lines jsonl.c begins a record on */
} gs__jsonl_counts;

/* The counts of range i of path cut every range_bytes, read through buf
 * (cap bytes). *counted is 0 when they do not follow from the bytes alone
 * (or the file cannot be read again): the caller then parses the range.
 * Only GS_ENOMEM is returned. */
gs_status gs__jsonl_count(const char *path, const gs_limits *lim,
                          uint64_t range_bytes, unsigned i,
                          unsigned char *buf, size_t cap,
                          gs__jsonl_counts *out, int *counted);

#endif

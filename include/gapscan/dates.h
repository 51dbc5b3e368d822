/* dates.h - staleness evidence: dates found in text and fields, and the
 * newest date of a document's content.
 *
 * Three parts, used in this order by the document collector:
 *   1. a streaming extractor (gs_date_scanner) that finds dates written in
 *      UTF-8 prose, with their precision, kind and location, and counts
 *      staleness markers ("deprecated", "obsolete", ...);
 *   2. a classifier of field paths (gs_date_role_of) that says whether a
 *      field holds the content's modification, publication or creation date;
 *   3. an accumulator (gs_date_evidence) that takes every hit of one
 *      document and decides its newest content date by a fixed precedence.
 *
 * Forms the extractor finds (years 1000..9999; the calendar date must exist):
 *   ISO 8601     2019-03-05, 2019-03-05T10:00:00Z (day); 2019-03 (month);
 *                also 2019/3/5 and 2019.03.05
 *   numeric      5.3.2019 (day first, the dotted convention); 5/3/2019 and
 *                5-3-2019, whose order is told by a part > 12, else ambiguous
 *   words        March 3, 2019 / March 3rd 2019 / 3 March 2019 / 3. März 2019 /
 *                3 de marzo de 2019 / 2019. március 3. (day); Mar 2019,
 *                marzo de 2019 (month); 2019年3月5日, 2019년 3월 5일 (day or
 *                month); RFC 2822 ("Tue, 05 Mar 2019 10:00:00 +0000") is the
 *                day-month-year form. Month names come from ICU's locale data
 *                for en fr de es it pt nl pl cs ru uk tr sv da fi hu ro el ja
 *                zh ko (wide and abbreviated, format and stand-alone forms),
 *                case-folded; a name two locales give different months is
 *                dropped. A month name counts only next to a day or year.
 *   copyright    (c) 2019, © 2014–2019, Copyright 2014, 2019, &copy; 2019:
 *                the latest year, year precision
 * and it tells the kind of a date from the text just before it (same line,
 * at most GS_DATES_LOOKBACK bytes): "last updated", "updated (on)", "last
 * modified", "modified on", "last revised" make a last-updated date;
 * a line that starts with a version ("## 1.2.0 - ", "v2 (", "[1.2] – ")
 * makes a changelog date; anything else is prose.
 *
 * A month- or year-precision date is represented by its first day.
 *
 * Invariants:
 *   1. Chunking never changes results: whether a date is found at position p
 *      depends only on bytes [p - GS_DATES_LOOKBACK, p + GS_DATES_MAX_MATCH),
 *      and the scanner holds back the last GS_DATES_MAX_MATCH bytes until
 *      more input or finish() arrives.
 *   2. Memory is constant per scanner; the month table is built once per
 *      process (thread-safe) and read-only afterwards.
 *   3. Locale-independent: ICU gives the month names of fixed locales; the
 *      user's locale changes nothing.
 *
 * Not done here: values' own types (value.h; gs_dates_scan_value only
 * reuses a classification), reading HTML structure (with
 * GS_DATES_MARKUP tags, comments, scripts and styles are only blanked),
 * the as-of date of a run (the caller passes it), corpus aggregation.
 */
#ifndef GAPSCAN_DATES_H
#define GAPSCAN_DATES_H

#include "gapscan/base.h"
#include "gapscan/value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_DATES_MAX_MATCH 128  /* longest text one date may span, bytes */
#define GS_DATES_LOOKBACK 64    /* context read before a date, bytes */

typedef enum gs_date_precision {
    GS_DATE_DAY = 0,
    GS_DATE_MONTH,
    GS_DATE_YEAR
} gs_date_precision;

/* "day", "month", "year". */
const char *gs_date_precision_name(gs_date_precision p);

/* Where a date came from. */
typedef enum gs_date_source {
    GS_DSRC_METADATA = 0,  /* a field whose name says it is a content date */
    GS_DSRC_FIELD,         /* a date value of any other field */
    GS_DSRC_PROSE,
    GS_DSRC_CHANGELOG,
    GS_DSRC_COPYRIGHT,
    GS_DSRC_LAST_UPDATED,  /* "last updated ..." and the like */
    GS_DSRC_MTIME,         /* the file's modification time */
    GS_DSRC__COUNT
} gs_date_source;

/* "meta", "field", "prose", "changelog", "copyright", "last-updated",
 * "mtime". */
const char *gs_date_source_name(gs_date_source s);

/* Day/month order of a numeric date A/B/YYYY or A-B-YYYY. */
typedef enum gs_date_order {
    GS_ORDER_NONE = 0,     /* not such a date, or A == B, or dotted */
    GS_ORDER_DAY_FIRST,    /* A > 12: evidence the document writes D/M */
    GS_ORDER_MONTH_FIRST,  /* B > 12: evidence the document writes M/D */
    GS_ORDER_AMBIGUOUS     /* both <= 12 and different */
} gs_date_order;

typedef struct gs_date_hit {
    int32_t days;       /* days since 1970-01-01; the first day of a month
                           or year; the day-first reading if ambiguous */
    int32_t alt_days;   /* GS_ORDER_AMBIGUOUS: the month-first reading;
                           otherwise equal to days */
    gs_date_precision precision;
    gs_date_source source;
    gs_date_order order;
    gs_loc loc;         /* first byte of the date (of the copyright sign) */
} gs_date_hit;

/* Receives each date found, in text order. The hit is borrowed. Nonzero
 * stops the scan with GS_ECANCELED. */
typedef int (*gs_date_fn)(void *ud, const gs_date_hit *hit);

/* Staleness markers, counted case-insensitively at word boundaries. */
typedef enum gs_stale_marker {
    GS_MARK_DEPRECATED = 0,
    GS_MARK_NO_LONGER_SUPPORTED,
    GS_MARK_OBSOLETE,
    GS_MARK_SUPERSEDED_BY,
    GS_MARK_DRAFT,
    GS_MARK__COUNT
} gs_stale_marker;

/* "deprecated", "no longer supported", "obsolete", "superseded by",
 * "draft". */
const char *gs_stale_marker_name(gs_stale_marker m);

/* Build the month-name table from ICU (once per process; later calls
 * return the first result). Every other function here calls it; call it
 * early to see a failure: GS_ENOMEM, or GS_EINVAL when ICU has no data. */
gs_status gs_dates_init(void);

/* ---- the streaming extractor ------------------------------------------ */

typedef struct gs_date_scanner gs_date_scanner;

enum {
    GS_DATES_MARKUP = 1u << 0  /* input is HTML/XML: blank tags, comments,
                                  script and style before matching (bytes
                                  keep their offsets, lines and columns) */
};

gs_status gs_date_scanner_open(unsigned flags, gs_date_scanner **out);
/* Start a new stream with these flags; markers are cleared. */
void gs_date_scanner_reset(gs_date_scanner *s, unsigned flags);
void gs_date_scanner_close(gs_date_scanner *s);  /* NULL is fine */

/* Push len bytes of valid UTF-8. Hits are reported once their following
 * GS_DATES_MAX_MATCH bytes are known (or at finish). GS_ECANCELED when fn
 * returned nonzero. */
gs_status gs_date_scanner_feed(gs_date_scanner *s, const char *utf8,
                               size_t len, gs_date_fn fn, void *ud);
gs_status gs_date_scanner_finish(gs_date_scanner *s, gs_date_fn fn,
                                 void *ud);
/* Marker counts of the stream so far, indexed by gs_stale_marker. */
const uint64_t *gs_date_scanner_markers(const gs_date_scanner *s);

/* The same matcher over one value held in memory (a field's value).
 * Locations count from *base (NULL: line 1, column 1, offset 0). markers,
 * when not NULL, has GS_MARK__COUNT counters that are incremented. */
gs_status gs_dates_scan_text(const char *s, size_t len, const gs_loc *base,
                             uint64_t *markers, gs_date_fn fn, void *ud);

/* gs_dates_scan_text over a value that gs_value_classify(s, len, any kind)
 * classified as *vc, with the same hits, markers and status, cheaper: a
 * value that is one unpadded date in a numeric form value.h knows (ISO
 * date or date-time; YYYY/M/D, D.M.YYYY, D/M/YYYY, M/D/YYYY, with or
 * without a time), at most GS_DATES_MAX_MATCH bytes, gets its hit straight
 * from vc, and an empty value or one of ASCII digits only (an epoch,
 * YYYYMMDD) holds no date; anything else is scanned. */
gs_status gs_dates_scan_value(const char *s, size_t len,
                              const gs_value_class *vc, const gs_loc *base,
                              uint64_t *markers, gs_date_fn fn, void *ud);

/* ---- field names ------------------------------------------------------ */

/* What a field's path says about its values, by the name's last component
 * (events.h conventions: "doc.meta.<name>" is the whole meta name, XML the
 * last element or attribute, JSON the last key, CSV the header). */
typedef enum gs_date_role {
    GS_ROLE_NONE = 0,     /* nothing: a date value is still a field date */
    GS_ROLE_MODIFIED,     /* updated_at, lastmod, article:modified_time, ... */
    GS_ROLE_PUBLISHED,    /* pubDate, published, datePublished, ... */
    GS_ROLE_CREATED,      /* created_at, dateCreated, ... */
    GS_ROLE_OTHER,        /* date, dc:date, doc.time, *_date, *_at, ... */
    GS_ROLE_NOT_CONTENT   /* expires, birth date, due, valid until:
                             a date, but not of the content: ignored */
} gs_date_role;

gs_date_role gs_date_role_of(const char *path, size_t len);
/* "none", "modified", "published", "created", "other", "not-content". */
const char *gs_date_role_name(gs_date_role r);

/* ---- one document's newest content date ------------------------------- */

/* Precedence, highest first; the newest date of the highest tier that has
 * one wins (newer first day, then finer precision, then first seen):
 *   0  fields with role modified            (source "meta")
 *   1  fields with role published           (source "meta")
 *   2  last-updated phrases
 *   3  every other content date: fields with role created/other/none,
 *      prose, changelog, copyright
 *   4  the file's mtime, when nothing else was found
 * A date after as_of is future: counted, the newest kept apart, never a
 * candidate. An ambiguous numeric date takes the document's order when the
 * document has evidence of only one order (a part > 12 somewhere);
 * otherwise both readings agree only on the year, so it counts as a
 * year-precision date (January 1) and as unresolved. */
typedef struct gs_date_evidence gs_date_evidence;

typedef struct gs_date_pick {
    int32_t days;                /* 0 when none */
    gs_date_precision precision;
    gs_date_source source;
    const char *where;           /* field path or NULL (borrowed) */
    gs_loc loc;
} gs_date_pick;

typedef struct gs_date_verdict {
    gs_date_pick newest;         /* the newest content date (or mtime) */
    int tier;                    /* 0..4 as above; -1 when none */
    gs_date_pick future;         /* the newest date after as_of */
    uint64_t future_dates;
    uint64_t dates;              /* hits taken (role not-content excluded) */
    uint64_t ambiguous_resolved;
    uint64_t ambiguous_unresolved;
    gs_date_order order;         /* DAY_FIRST/MONTH_FIRST when settled,
                                    AMBIGUOUS when the evidence conflicts,
                                    NONE when there is none */
    int64_t mtime_lag_days;      /* mtime day - newest content date, when
                                    both exist (tier 0..3), else 0 */
    int resaved;                 /* mtime_lag_days > GS_DATES_RESAVED_DAYS */
} gs_date_verdict;

#define GS_DATES_RESAVED_DAYS 365

/* as_of: days since 1970-01-01 after which a date is future; INT32_MAX
 * when the caller has no as-of (nothing is future). NULL on ENOMEM. */
gs_date_evidence *gs_date_evidence_new(int32_t as_of);
void gs_date_evidence_reset(gs_date_evidence *e, int32_t as_of);
void gs_date_evidence_free(gs_date_evidence *e);  /* NULL is fine */

/* Take one hit. role is the field's role (GS_ROLE_NONE for text); a hit
 * from a field with a role modified/published/created/other has its source
 * set to GS_DSRC_METADATA. where (a field path, or NULL) is borrowed and
 * must stay valid until the verdict is no longer used. */
void gs_date_evidence_add(gs_date_evidence *e, const gs_date_hit *hit,
                          gs_date_role role, const char *where);

/* Decide. mtime: seconds since the epoch, or INT64_MIN when unknown. */
void gs_date_evidence_verdict(const gs_date_evidence *e, int64_t mtime,
                              gs_date_verdict *out);

/* "meta doc.meta.article:modified_time line 5", "prose line 12", "mtime",
 * truncated to fit cap (cap > 0). */
void gs_date_pick_describe(const gs_date_pick *p, char *buf, size_t cap);

/* Calendar helpers (proleptic Gregorian, days since 1970-01-01). */
int32_t gs_days_from_civil(int y, int m, int d);
void gs_civil_from_days(int32_t days, int *y, int *m, int *d);

#ifdef __cplusplus
}
#endif
#endif

/* document.c - one file through the pipeline, and the event sink.
 *
 *   source (read-only, gzip) -> head (first 64 KiB) -> decoder detect
 *   -> decoded head staged -> sniff -> parser open -> staged bytes, then the
 *   rest of the file streamed -> parser finish -> facts into the profile.
 *
 * The sink half (sink_*) turns parser events into profile updates: parser
 * field ids index a per-document table of gs_field pointers, so a value
 * costs one array lookup, never a path hash. Presence per record is counted
 * with a per-field stamp of the last record that held it.
 *
 * CSV and TSV values wait in batches and are profiled field by field (see
 * "batches"): the same profile, fewer cache misses. In a big CSV/TSV file
 * a helper thread takes part of every batch's fields (see "a second thread
 * for fields"): the same profile again, in about half the time.
 *
 * Dates (dates.h): the text of text/Markdown/HTML files streams through a
 * date scanner beside the parser; field values are scanned after they are
 * profiled (see document.h for which; a value the classifier read as a
 * whole date takes its hit from the classification, gs_dates_scan_value);
 * every hit goes to one gs_date_evidence, and finish() turns it into the
 * verdict and its source text.
 *
 * Invariants: see document.h. Only GS_ENOMEM/GS_ECANCELED are returned;
 * everything else the file does is a fact or a defect. */
#include "gapscan/document.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "csvsplit-private.h"
#include "jsonlsplit-private.h"
#include "gapscan/decode.h"
#include "gapscan/parser.h"
#include "gapscan/source.h"

#define HEAD_BYTES (64u * 1024)
#define READ_BYTES (256u * 1024)
#define STAGE_MAX (512u * 1024)  /* decoded head; UTF-16 may grow x1.5 */
#define MAX_FACTS 32
#define DOC_FORMATS 8    /* formats counted per field and file */
#define NO_FIELD UINT64_MAX  /* a stamp: the field has no gs_field */
#define RING 8           /* batches in flight with the field thread */

/* A field's non-null formats in one file (or range), in order seen, and
 * their values. */
typedef struct fmt_tally {
    unsigned char fmt[DOC_FORMATS];
    uint32_t n[DOC_FORMATS];
    unsigned char k;
    unsigned char last;      /* < k: the slot counted last */
} fmt_tally;

typedef struct doc_field {
    gs_field *field;         /* NULL: past max_paths */
    gs_date_role role;       /* what the name says about its dates */
    int prose;               /* string values may hold dates in prose */
    fmt_tally fmts;
} doc_field;

typedef struct kept_defect {
    gs_doc_defect d;
    char code[48];
    char detail[160];
} kept_defect;

struct gs_document {
    const gs_limits *lim;
    gs_profile *p;
    const char *path;
    char collection[128];
    gs_sink sink;

    doc_field *fields;
    size_t n_fields, cap_fields;
    uint64_t *stamps;        /* per field: the last record that held it,
                                NO_FIELD for one without a gs_field; kept
                                apart from fields, which the helper reads */
    int in_record;
    uint64_t record_no;
    struct batch *batch;     /* CSV/TSV values waiting (see "batches"): */
    struct batch *bat[RING]; /* one of these; the others for the helper */
    int batching;            /* this document's values go through it */

    kept_defect *defects;    /* max_doc_defects */
    size_t n_defects;
    char (*codes)[48];       /* distinct codes seen in this document */
    size_t n_codes, cap_codes;

    char *fact_keys[MAX_FACTS];
    char *fact_values[MAX_FACTS];
    size_t n_facts;

    int32_t as_of;
    gs_date_scanner *prose;  /* on the decoded text of text-like formats */
    int prose_on;
    gs_date_evidence *ev;
    gs_date_verdict dv;      /* made in finish() */
    uint64_t markers[GS_MARK__COUNT];
    char newest_where[128], future_where[128];
    char newest_source[200], future_source[200];

    gs_doc_facts facts;
    char format[16];
    char encoding[40];
    char bom[12];
    char declared[40];       /* charset the file declares, "" if none */

    unsigned char *buf;      /* READ_BYTES */
    char *stage;             /* decoded head before the parser exists */
    size_t stage_len;
    const gs_parser_type *ptype;
    gs_parser *parser;
    gs_status parse_st;      /* first non-OK parser status */

    unsigned threads;        /* gs_document_set_threads: > 1 allows fp */
    struct fieldpar *fp;     /* the fields' helper thread, while it runs */

    /* One range of a split file (see "ranges" below); zero otherwise. */
    gs_loc base;             /* added to every location that has a line */
    int in_range;            /* scanning one range of a split file: its
                                staleness notes wait for the whole file */
    uint64_t stop_at;        /* end the read at the first line start at or
                                past this file offset; UINT64_MAX: never */
    int stopped;             /* that line start was reached */
    uint64_t dec_lines;      /* the lines before the range as the decoder
                                counts them (a lone CR ends one too) */
    gs_sink dec_sink;        /* the decoder's defects: shifted by those */
    gs_format range_fmt;     /* format of the range's file */
    const gs_csv_dialect *range_dialect;  /* CSV/TSV: the file's, as the
                                             plan found it */
    const char *range_head;  /* CSV/TSV: the file's decoded head, for */
    size_t range_head_len;   /* gs_csv_resume */
};

/* ---- sink ------------------------------------------------------------- */

/* A location in a range of a split file, made absolute: lines are the
 * parser's ('\n' ends one: d->base.line) or the decoder's (d->dec_lines).
 * Locations without a line (disk offsets from source.h) are absolute
 * already. */
static const gs_loc *shift(const gs_document *d, const gs_loc *loc,
                          gs_loc *tmp, uint64_t lines)
{
    if (!loc || !loc->line || (!lines && !d->base.offset))
        return loc;
    *tmp = *loc;
    tmp->offset += d->base.offset;
    tmp->line += lines;
    if (tmp->record)
        tmp->record += d->base.record;
    return tmp;
}

static int fp_drain(gs_document *d);

static gs_field_id sink_field(void *ud, const char *path, size_t len)
{
    gs_document *d = ud;
    fp_drain(d);  /* d->fields may move; a failure stays in d->fp */
    if (d->n_fields == d->cap_fields) {
        size_t cap = d->cap_fields ? d->cap_fields * 2 : 32;
        doc_field *f = gs_realloc(d->fields, cap * sizeof *f);
        if (f)
            d->fields = f;
        uint64_t *t = f ? gs_realloc(d->stamps, cap * sizeof *t) : NULL;
        if (!t)
            return GS_FIELD_NONE;
        d->stamps = t;
        d->cap_fields = cap;
    }
    /* No profile: a counting pass over a range (records and lines only). */
    gs_field *f = d->p ? gs_profile_field(d->p, d->collection, path, len, NULL)
                       : NULL;
    gs_date_role role = gs_date_role_of(path, len);
    /* The text under "doc." (titles, headings) is read by the prose
     * scanner already; its metas and times are not. */
    int doc_text = len > 4 && memcmp(path, "doc.", 4) == 0 &&
                   role == GS_ROLE_NONE;
    d->fields[d->n_fields] = (doc_field){
        .field = f, .role = role, .prose = role == GS_ROLE_NONE && !doc_text};
    d->stamps[d->n_fields] = f ? 0 : NO_FIELD;
    return (gs_field_id)d->n_fields++;
}

static int sink_record_begin(void *ud, const gs_loc *loc)
{
    gs_document *d = ud;
    (void)loc;
    d->in_record = 1;
    d->record_no++;
    d->facts.records++;
    /* out of memory: stop this file */
    if (d->p && gs_profile_count_record(d->p, d->collection) != GS_OK)
        return 1;
    return 0;
}

static int sink_record_end(void *ud, const gs_loc *loc)
{
    gs_document *d = ud;
    (void)loc;
    d->in_record = 0;
    return 0;
}

typedef struct value_ctx {
    gs_document *d;
    const doc_field *df;
    int whole_date;          /* the value itself is a date (value.h) */
} value_ctx;

static int value_hit(void *ud, const gs_date_hit *h)
{
    value_ctx *c = ud;
    gs_date_hit x = *h;
    if (c->whole_date && x.source == GS_DSRC_PROSE)
        x.source = GS_DSRC_FIELD;
    gs_date_evidence_add(c->d->ev, &x, c->df->role,
                         gs_field_path(c->df->field));
    return 0;
}

static int is_digit_byte(char c)
{
    return (unsigned)(c - '0') < 10u;
}

/* Which values are worth a date scan. On a 28 MB CSV of 300k rows (a date
 * column, a 12-word comment with numbers) inspect took, elapsed on a loaded
 * machine: no date scan 0.80 s, date-role values 1.28 s, every string with
 * a digit 2.05 s; hence the year test below for strings without a role. */
static int scan_worthy(const doc_field *df, const gs_value_class *vc,
                       gs_value_kind kind, const char *bytes, size_t len)
{
    if (vc->type == GS_VT_DATE)   /* only text or a JSON string is one */
        return 1;
    if (df->role != GS_ROLE_NONE)
        return kind != GS_VK_NUMBER && kind != GS_VK_BOOL &&
               kind != GS_VK_NULL;
    if (vc->type != GS_VT_STRING || len < 10 || !df->prose)
        return 0;
    /* Every prose form holds a 4-digit year: look for a run of exactly four
     * digits starting 1 or 2 (this halves the cost on text-heavy CSV). Such
     * a run holds one of every fourth byte from bytes[3]: only those are
     * looked at until one is a digit, and then the run around it. */
    for (size_t i = 3; i < len;) {
        if (!is_digit_byte(bytes[i])) {
            i += 4;
            continue;
        }
        size_t b = i, e = i + 1;
        while (b > 0 && is_digit_byte(bytes[b - 1]))
            b--;
        while (e < len && is_digit_byte(bytes[e]))
            e++;
        if (e - b == 4 && (bytes[b] == '1' || bytes[b] == '2'))
            return 1;
        i = e + 4;  /* the next run starts past e */
    }
    return 0;
}

/* The file's formats of a field, for its dominant one (file_formats).
 * Null formats do not count; formats past the DOC_FORMATS first ones of the
 * file are not counted (a field writing nine formats in one file has no
 * format to speak of anyway). */
static void count_format(fmt_tally *t, gs_vformat f, uint32_t n)
{
    /* Most values repeat the last format (a null one is never a slot). */
    if (t->k && t->fmt[t->last] == f) {
        t->n[t->last] += n;
        return;
    }
    if (gs_vformat_family(f) == GS_FF_NULL)
        return;
    for (unsigned i = 0; i < t->k; i++)
        if (t->fmt[i] == f) {
            t->n[i] += n;
            t->last = (unsigned char)i;
            return;
        }
    if (t->k < DOC_FORMATS) {
        t->last = t->k;
        t->fmt[t->k] = (unsigned char)f;
        t->n[t->k++] = n;
    }
}

/* One value into its field and the file's formats; *scan: whether it is
 * worth a date scan (scan_value). 1: out of memory, stop this file. */
static inline int add_value(const char *path, doc_field *df, const char *bytes,
                            size_t len, gs_value_kind kind, const gs_loc *loc,
                            gs_value_class *vc, int *scan)
{
    if (gs_field_add(df->field, bytes, len, kind, path, loc, vc) != GS_OK)
        return 1;
    count_format(&df->fmts, vc->format, 1);
    *scan = scan_worthy(df, vc, kind, bytes, len);
    return 0;
}

/* The date scan of a value add_value found worth one. */
static int scan_value(gs_document *d, const doc_field *df,
                      const gs_value_class *vc, const char *bytes, size_t len,
                      const gs_loc *loc)
{
    value_ctx c = {d, df, vc->type == GS_VT_DATE};
    return gs_dates_scan_value(bytes, len, vc, loc, d->markers, value_hit,
                               &c) != GS_OK;
}

/* A value profiled at once: add_value, then its date scan. */
static int value_now(gs_document *d, doc_field *df, const char *bytes,
                     size_t len, gs_value_kind kind, const gs_loc *loc)
{
    gs_value_class vc;
    int scan;
    return add_value(d->path, df, bytes, len, kind, loc, &vc, &scan) ||
           (scan && scan_value(d, df, &vc, bytes, len, loc));
}

static int batch_value(gs_document *d, gs_field_id id, const char *bytes,
                       size_t len, gs_value_kind kind, const gs_loc *loc,
                       int first);

static int sink_value(void *ud, gs_field_id id, const char *bytes, size_t len,
                      gs_value_kind kind, const gs_loc *loc)
{
    gs_document *d = ud;
    if (!d->p)
        return 0;
    gs_loc tmp;
    loc = shift(d, loc, &tmp, d->base.line);
    if (id >= d->n_fields || d->stamps[id] == NO_FIELD) {
        gs_profile_count_overflow(d->p, 1);
        return 0;
    }
    int first = d->in_record && d->stamps[id] != d->record_no;
    if (first)
        d->stamps[id] = d->record_no;
    if (d->batching)
        return batch_value(d, id, bytes, len, kind, loc, first);
    doc_field *df = &d->fields[id];
    if (first)
        gs_field_count_present(df->field);
    return value_now(d, df, bytes, len, kind, loc);
}

/* ---- batches -----------------------------------------------------------
 *
 * CSV and TSV values are profiled in batches, field by field, not as they
 * arrive: a row touches every field's sketches (~20 KB a field), more than
 * L1 holds, while one field's run of values keeps its own hot. On the bench
 * CSV (24 fields) this cut D1 misses from 113 M to 47 M (cachegrind).
 *
 * Each field still gets its values in arrival order, and the date scans,
 * whose evidence keeps the first of equal dates, run after the batch in
 * arrival order: the profile is the one unbatched profiling gives. A batch
 * is flushed when full, before a value too big for it (which then goes
 * unbatched), and at the end of the document (pipeline). */
#define BATCH_VALUES 2048u
#define BATCH_BYTES (128u * 1024)

typedef struct pending {
    gs_field_id id;
    gs_value_kind kind;
    uint32_t off, len;       /* in batch.bytes */
    unsigned char has_loc;
    unsigned char first;     /* the first value of its field in its record */
    gs_loc loc;              /* absolute */
} pending;

typedef struct batch {
    pending v[BATCH_VALUES];
    /* By place in order (a thread writes one stretch of these): */
    gs_value_class vc[BATCH_VALUES];  /* from add_value, for scan_value */
    unsigned char scan[BATCH_VALUES]; /* add_value's verdict */
    uint32_t order[BATCH_VALUES];     /* by field, then arrival */
    uint32_t place[BATCH_VALUES];     /* of each arrival in order */
    uint32_t *start;                  /* per field id + 1: counting sort */
    size_t cap_start;
    size_t n, used;
    atomic_int any;                   /* some value wants a date scan */
    /* With the field thread: per side (0 this thread's fields, 1 the
     * helper's), the fields not yet taken, lo << 32 | hi (the owner takes
     * lo, the other side steals hi - 1), and how many the other side
     * stole and finished. */
    atomic_uint_fast64_t untaken[2];
    atomic_uint_fast64_t stolen[2];
    size_t end[2];                    /* where each side's fields end */
    char bytes[BATCH_BYTES];
} batch;

static void batch_free(batch *b)
{
    if (b)
        gs_free(b->start);
    gs_free(b);
}

/* Sorts the batch's values by field into order (arrival order within a
 * field); start[f] is then where field f's run ends. 1: out of memory. */
static int batch_order(gs_document *d, batch *b)
{
    size_t n = b->n, nf = d->n_fields;
    if (b->cap_start < nf + 1) {
        uint32_t *t = gs_realloc(b->start, (nf + 1) * sizeof *t);
        if (!t)
            return 1;
        b->start = t;
        b->cap_start = nf + 1;
    }
    memset(b->start, 0, (nf + 1) * sizeof *b->start);
    for (size_t i = 0; i < n; i++)
        b->start[b->v[i].id + 1]++;
    for (size_t f = 0; f < nf; f++)
        b->start[f + 1] += b->start[f];
    for (size_t i = 0; i < n; i++) {
        uint32_t j = b->start[b->v[i].id]++;
        b->order[j] = (uint32_t)i;
        b->place[i] = j;
    }
    return 0;
}

/* add_value for order[from, to); *any notes a value worth a date scan.
 * 1: out of memory. */
static int batch_part(gs_document *d, batch *b, size_t from, size_t to,
                      int *any)
{
    doc_field *fields = d->fields;  /* read once: this thread writes d */
    const char *path = d->path;
    for (size_t j = from; j < to; j++) {
        uint32_t i = b->order[j];
        const pending *e = &b->v[i];
        doc_field *df = &fields[e->id];
        int scan;
        if (e->first)
            gs_field_count_present(df->field);
        if (add_value(path, df, b->bytes + e->off, e->len, e->kind,
                      e->has_loc ? &e->loc : NULL, &b->vc[j], &scan))
            return 1;
        b->scan[j] = (unsigned char)scan;
        *any |= scan;
    }
    return 0;
}

/* The date scans of a batch whose field work is done, in arrival order;
 * the batch is empty after. 1: out of memory. */
static int batch_dates(gs_document *d, batch *b)
{
    size_t n = b->n;
    b->n = b->used = 0;
    int any = atomic_load_explicit(&b->any, memory_order_relaxed);
    for (size_t i = 0; any && i < n; i++) {
        const pending *e = &b->v[i];
        uint32_t j = b->place[i];
        if (b->scan[j] &&
            scan_value(d, &d->fields[e->id], &b->vc[j], b->bytes + e->off,
                       e->len, e->has_loc ? &e->loc : NULL))
            return 1;
    }
    return 0;
}

/* ---- a second thread for fields ----------------------------------------
 *
 * A CSV/TSV file of FIELD_THREAD_AFTER bytes or more on disk, scanned whole
 * by a document allowed more than one thread, shares its field work with a
 * helper thread. Each batch's fields have two sides: this thread's, the
 * ids before cut, and the helper's, from cut on. At each flush this thread
 * hands the batch over, profiles its side of it and goes on parsing into
 * the next of RING batches; the helper takes the batches in order, profiles
 * its side, and once both sides are done runs the batch's date scans,
 * after batch k - 1's (while it works, nothing else touches the date
 * evidence).
 *
 * Stealing: each side's owner takes its fields from the bottom, one at a
 * time; a thread that would wait for the other takes the other's fields of
 * that batch from the top instead (this thread, of the oldest batch the
 * helper has not finished, when it needs that batch back; the helper, of
 * the batch it is on, while this thread's side is unfinished). An owner
 * that has taken its last field waits for the fields stolen from it before
 * going on to the next batch. So each field is profiled by one thread at a
 * time, batch after batch, and gets its values in arrival order: the
 * profile is the one-thread profile however the work was shared. On the
 * bench csv.gz, where an inflate thread shares the 2 CPUs, stealing took
 * -j2 from 0.290 to 0.280 s (perf stat -r 7, twice).
 *
 * Balance: every BALANCE_EVERY flushes the cut moves one field towards the
 * side that waited less for the other in that time (by more than
 * BALANCE_SLACK_NS; without a slack the cut wanders and every move back
 * drains the helper). Moving a field to the helper needs no wait (this
 * thread has finished that field in every batch handed over); moving one
 * back first lets the helper finish every batch handed over (fp_drain).
 * The ring lets batch-to-batch variations even out: 8 batches did better
 * than 4 or 16 on the csv.gz (0.276-0.285 s against 0.291-0.297 and
 * 0.280).
 *
 * Shared while the helper works: the gs_fields and doc_field formats of the
 * fields being profiled, the batches handed over (verdicts vc and scan are
 * stored by place, so a field's are written by whoever profiles it), the
 * date evidence and markers, and d->fields, which may not move: a new
 * field, a value that goes unbatched and the end of the document first
 * drain the helper. Either side waits by polling SPIN times (~0.2 ms here,
 * about a batch's time: a thread that slept takes this machine's VM tens
 * of microseconds to wake), then sleeping. The environment variable
 * GAPSCAN_FIELD_THREAD_AFTER (a size, or "never") moves the threshold, for
 * tests; with it set, the end of each file with a helper says on stderr
 * how many batches it shared. */
#define FIELD_THREAD_AFTER ((uint64_t)8 << 20)
#define SPIN 20000
#define BALANCE_EVERY 8
#define BALANCE_SLACK_NS 50000u

typedef struct fieldpar {
    gs_document *d;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sleeping;            /* under mu: a side waits on cv */
    int quit;                /* under mu */
    batch *ring[RING];       /* batch k is ring[k % RING] */
    atomic_uint_fast64_t posted;  /* batches handed over (this thread) */
    atomic_uint_fast64_t mine;    /* of those, with this thread's run done */
    atomic_uint_fast64_t done;    /* finished by the helper: free again */
    atomic_int failed;       /* the helper ran out of memory */
    size_t cut;              /* the helper's fields: ids from cut on */
    atomic_uint_fast64_t waited[2];  /* ns each side waited (0 this thread) */
    uint64_t seen[2];        /* waited[] when the cut last moved or stayed */
    unsigned flushes;        /* since then */
    uint64_t shared;         /* batches with fields on the helper's side */
    uint64_t stole[2];       /* fields stolen by each side (its own count) */
    int report;              /* tests: say so on stderr at the end */
} fieldpar;

static void pause_a_moment(void)
{
#ifdef __SSE2__
    _mm_pause();
#endif
}

static uint64_t load(atomic_uint_fast64_t *v)
{
    return atomic_load_explicit(v, memory_order_acquire);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Side `side` (0 this thread, 1 the helper) waits until *v differs from
 * old (or quit, for the helper): polls, then sleeps; the time goes to
 * waited[side]. */
static void fp_wait(fieldpar *fp, int side, atomic_uint_fast64_t *v,
                    uint64_t old)
{
    if (load(v) != old)
        return;
    uint64_t t0 = now_ns();
    for (int i = 0; i < SPIN && load(v) == old; i++)
        pause_a_moment();
    if (load(v) == old) {
        pthread_mutex_lock(&fp->mu);
        while (load(v) == old && !fp->quit) {
            fp->sleeping++;
            pthread_cond_wait(&fp->cv, &fp->mu);
            fp->sleeping--;
        }
        pthread_mutex_unlock(&fp->mu);
    }
    atomic_fetch_add_explicit(&fp->waited[side], now_ns() - t0,
                              memory_order_relaxed);
}

/* Side `side` waits until *v is at least target (it only grows). */
static void fp_reach(fieldpar *fp, int side, atomic_uint_fast64_t *v,
                     uint64_t target)
{
    uint64_t x;
    while ((x = load(v)) < target)
        fp_wait(fp, side, v, x);
}

static void fp_store(fieldpar *fp, atomic_uint_fast64_t *v, uint64_t x)
{
    atomic_store_explicit(v, x, memory_order_release);
    pthread_mutex_lock(&fp->mu);
    if (fp->sleeping)
        pthread_cond_broadcast(&fp->cv);
    pthread_mutex_unlock(&fp->mu);
}

/* ---- taking and stealing fields of a batch */

static uint64_t span(uint64_t lo, uint64_t hi)
{
    return lo << 32 | hi;
}

/* A field of side s of batch b not yet taken, taken from the bottom (by
 * the side's owner) or the top (stolen); SIZE_MAX when none is left. */
static size_t take(batch *b, int s, int top)
{
    uint64_t x = atomic_load_explicit(&b->untaken[s], memory_order_relaxed);
    for (;;) {
        uint64_t lo = x >> 32, hi = x & 0xffffffffu;
        if (lo >= hi)
            return SIZE_MAX;
        uint64_t y = top ? span(lo, hi - 1) : span(lo + 1, hi);
        if (atomic_compare_exchange_weak_explicit(&b->untaken[s], &x, y,
                                                  memory_order_acq_rel,
                                                  memory_order_relaxed))
            return top ? hi - 1 : lo;
    }
}

/* Field f's values in batch b (its run of order), through add_value. */
static void do_field(fieldpar *fp, batch *b, size_t f)
{
    int any = 0;
    if (batch_part(fp->d, b, f ? b->start[f - 1] : 0, b->start[f], &any))
        atomic_store(&fp->failed, 1);
    if (any)
        atomic_fetch_or_explicit(&b->any, 1, memory_order_relaxed);
}

/* The owner of side s profiles its fields of batch b, then waits for
 * those the other side stole. */
static void own_side(fieldpar *fp, batch *b, int s)
{
    size_t f;
    while ((f = take(b, s, 0)) != SIZE_MAX)
        do_field(fp, b, f);
    /* nothing is left to take, so hi no longer moves */
    uint64_t hi = atomic_load_explicit(&b->untaken[s], memory_order_relaxed)
                  & 0xffffffffu;
    fp_reach(fp, s, &b->stolen[s], b->end[s] - hi);
}

/* Steals a field of side s of batch b and profiles it; 0 if none was
 * left. */
static int steal(fieldpar *fp, batch *b, int s)
{
    size_t f = take(b, s, 1);
    if (f == SIZE_MAX)
        return 0;
    do_field(fp, b, f);
    fp_store(fp, &b->stolen[s], load(&b->stolen[s]) + 1); /* one thief */
    fp->stole[!s]++;
    return 1;
}

/* The helper: its side of each batch handed over, then, once this
 * thread's side is done too (stealing from it meanwhile), the batch's date
 * scans. */
static void *fp_main(void *arg)
{
    fieldpar *fp = arg;
    for (uint64_t k = 0;; k++) {
        fp_wait(fp, 1, &fp->posted, k);
        if (load(&fp->posted) == k)
            return NULL;  /* quit, everything done */
        batch *b = fp->ring[k % RING];
        own_side(fp, b, 1);
        while (load(&fp->mine) <= k && steal(fp, b, 0))
            ;
        fp_reach(fp, 1, &fp->mine, k + 1);
        if (batch_dates(fp->d, b))
            atomic_store(&fp->failed, 1);
        fp_store(fp, &fp->done, k + 1);
    }
}

/* Waits until the helper has finished the batches before target,
 * stealing its fields of the one it is on meanwhile. */
static void fp_help(fieldpar *fp, uint64_t target)
{
    uint64_t q;
    while ((q = load(&fp->done)) < target)
        if (!steal(fp, fp->ring[q % RING], 1))
            fp_wait(fp, 0, &fp->done, q);
}

/* Nothing handed over any more: the helper idle, every date scan run.
 * 1: out of memory (now or in the helper). */
static int fp_drain(gs_document *d)
{
    fieldpar *fp = d->fp;
    if (!fp)
        return 0;
    fp_help(fp, load(&fp->posted));
    return atomic_load(&fp->failed);
}

/* Every BALANCE_EVERY flushes: a field to the side that waited less for
 * the other since the last time. */
static int fp_balance(gs_document *d, fieldpar *fp)
{
    if (++fp->flushes < BALANCE_EVERY)
        return 0;
    fp->flushes = 0;
    uint64_t w0 = atomic_load_explicit(&fp->waited[0], memory_order_relaxed);
    uint64_t w1 = atomic_load_explicit(&fp->waited[1], memory_order_relaxed);
    uint64_t mine = w0 - fp->seen[0], theirs = w1 - fp->seen[1];
    int r = 0;
    if (mine > theirs + BALANCE_SLACK_NS && fp->cut < d->n_fields) {
        r = fp_drain(d);
        fp->cut++;
    } else if (theirs > mine + BALANCE_SLACK_NS && fp->cut > 1) {
        fp->cut--;
    }
    fp->seen[0] = atomic_load_explicit(&fp->waited[0], memory_order_relaxed);
    fp->seen[1] = w1;
    return r;
}

/* batch_flush with the helper: hand batch b over, profile this thread's
 * fields of it, and fill the next batch of the ring, waiting for it to be
 * free. */
static int fp_flush(gs_document *d, batch *b)
{
    fieldpar *fp = d->fp;
    size_t nf = d->n_fields;
    if (fp->cut == SIZE_MAX)  /* the first batch: the helper gets 3/5 */
        fp->cut = nf * 2 / 5;
    if (fp_balance(d, fp))
        return 1;
    size_t cut = fp->cut < nf ? fp->cut : nf;
    b->end[0] = cut;
    b->end[1] = nf;
    atomic_store_explicit(&b->untaken[0], span(0, cut), memory_order_relaxed);
    atomic_store_explicit(&b->untaken[1], span(cut, nf), memory_order_relaxed);
    atomic_store_explicit(&b->stolen[0], 0, memory_order_relaxed);
    atomic_store_explicit(&b->stolen[1], 0, memory_order_relaxed);
    atomic_store_explicit(&b->any, 0, memory_order_relaxed);
    uint64_t p = load(&fp->posted);
    fp->shared += (cut ? b->start[cut - 1] : 0) < b->n;
    fp_store(fp, &fp->posted, p + 1);
    own_side(fp, b, 0);
    fp_store(fp, &fp->mine, p + 1);
    if (p + 1 - load(&fp->done) >= RING)  /* the next batch is not free */
        fp_help(fp, p + 2 - RING);
    d->batch = fp->ring[(p + 1) % RING];
    return atomic_load(&fp->failed);
}

/* The helper for a CSV/TSV document of size bytes on disk, when allowed
 * and worth it; without a thread or memory, none (the same profile). */
static void fp_start(gs_document *d, uint64_t size)
{
    uint64_t after = FIELD_THREAD_AFTER;  /* "never": UINT64_MAX */
    int report = gs_env_size("GAPSCAN_FIELD_THREAD_AFTER", &after);
    if (d->threads < 2 || d->in_range || size < after || after == UINT64_MAX)
        return;
    for (int k = 1; k < RING; k++)
        if (!d->bat[k] && !(d->bat[k] = gs_calloc(1, sizeof *d->bat[k])))
            return;
    fieldpar *fp = gs_calloc(1, sizeof *fp);
    if (!fp)
        return;
    fp->d = d;
    fp->cut = SIZE_MAX;
    fp->report = report;
    for (int k = 0; k < RING; k++)
        fp->ring[k] = d->bat[k];
    atomic_init(&fp->posted, 0);
    atomic_init(&fp->mine, 0);
    atomic_init(&fp->done, 0);
    atomic_init(&fp->failed, 0);
    atomic_init(&fp->waited[0], 0);
    atomic_init(&fp->waited[1], 0);
    pthread_mutex_init(&fp->mu, NULL);
    pthread_cond_init(&fp->cv, NULL);
    if (pthread_create(&fp->tid, NULL, fp_main, fp) != 0) {
        pthread_cond_destroy(&fp->cv);
        pthread_mutex_destroy(&fp->mu);
        gs_free(fp);
        return;
    }
    d->fp = fp;
}

/* Stops and joins the helper (after the batches handed over). */
static void fp_stop(gs_document *d)
{
    fieldpar *fp = d->fp;
    if (!fp)
        return;
    fp_help(fp, load(&fp->posted));
    pthread_mutex_lock(&fp->mu);
    fp->quit = 1;
    pthread_cond_broadcast(&fp->cv);
    pthread_mutex_unlock(&fp->mu);
    pthread_join(fp->tid, NULL);
    if (getenv("XSTAT")) fprintf(stderr, "waited reader %.1f ms helper %.1f ms posted %lu cut %zu\n", load(&fp->waited[0])/1e6, load(&fp->waited[1])/1e6, (unsigned long)load(&fp->posted), fp->cut);
    if (fp->report)
        fprintf(stderr, "gapscan: %s: the field thread shared %llu batches; "
                "fields stolen: %llu by this thread, %llu by the helper\n",
                d->path, (unsigned long long)fp->shared,
                (unsigned long long)fp->stole[0],
                (unsigned long long)fp->stole[1]);
    pthread_cond_destroy(&fp->cv);
    pthread_mutex_destroy(&fp->mu);
    gs_free(fp);
    d->fp = NULL;
    d->batch = d->bat[0];
}

/* Profiles the batch: fields in id order, each its values in arrival
 * order, then the date scans in arrival order (with the helper: see
 * above). 1: out of memory. */
static int batch_flush(gs_document *d)
{
    batch *b = d->batch;
    if (b->n == 0)
        return 0;
    if (batch_order(d, b))
        return 1;
    if (d->fp)
        return fp_flush(d, b);
    int any = 0;
    int r = batch_part(d, b, 0, b->n, &any);
    atomic_store_explicit(&b->any, any, memory_order_relaxed);
    return r || batch_dates(d, b);
}

static int batch_value(gs_document *d, gs_field_id id, const char *bytes,
                       size_t len, gs_value_kind kind, const gs_loc *loc,
                       int first)
{
    batch *b = d->batch;
    if (len > BATCH_BYTES / 4) { /* big: on its own, after the batch */
        if (batch_flush(d) || fp_drain(d))
            return 1;
        if (first)
            gs_field_count_present(d->fields[id].field);
        return value_now(d, &d->fields[id], bytes, len, kind, loc);
    }
    if ((b->n == BATCH_VALUES || len > BATCH_BYTES - b->used) &&
        batch_flush(d))
        return 1;
    b = d->batch;
    b->v[b->n++] = (pending){id, kind, (uint32_t)b->used, (uint32_t)len,
                             loc != NULL, (unsigned char)first,
                             loc ? *loc : (gs_loc){0}};
    memcpy(b->bytes + b->used, bytes, len);
    b->used += len;
    return 0;
}

/* Batches on for a CSV/TSV document that is profiled (size: its bytes on
 * disk); without the memory for one, values go unbatched (the same
 * profile). */
static void batch_start(gs_document *d, gs_format fmt, uint64_t size)
{
    d->batching = 0;
#ifdef GS_NO_BATCH   /* tests/e2e/batch.sh compares with such a build */
    return;
#endif
    if (!d->p || (fmt != GS_FMT_CSV && fmt != GS_FMT_TSV))
        return;
    if (!d->bat[0])
        d->bat[0] = gs_calloc(1, sizeof *d->bat[0]);
    d->batch = d->bat[0];
    d->batching = d->batch != NULL;
    for (int k = 0; k < RING; k++)  /* a failed document may have left some */
        if (d->bat[k])
            d->bat[k]->n = d->bat[k]->used = 0;
    if (d->batching)
        fp_start(d, size);
}

/* The values still waiting at the end of a document: 1 on out of memory. */
static int batch_end(gs_document *d)
{
    int r = d->batching && (batch_flush(d) || fp_drain(d));
    fp_stop(d);
    d->batching = 0;
    return r;
}

void gs_document_set_threads(gs_document *d, unsigned threads)
{
    d->threads = threads;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* A defect at an absolute location. */
static int add_defect(gs_document *d, const char *code, const char *detail,
                      const gs_loc *loc)
{
    d->facts.defects++;
    if (d->n_defects < d->lim->max_doc_defects) {
        kept_defect *k = &d->defects[d->n_defects++];
        copy_str(k->code, sizeof k->code, code);
        copy_str(k->detail, sizeof k->detail, detail);
        k->d.code = k->code;
        k->d.detail = detail ? k->detail : NULL;
        k->d.loc = loc ? *loc : (gs_loc){0};
    }
    size_t i = 0;
    while (i < d->n_codes && strcmp(d->codes[i], code) != 0)
        i++;
    if (i == d->n_codes) {
        if (d->n_codes == d->cap_codes) {
            size_t cap = d->cap_codes ? d->cap_codes * 2 : 8;
            char(*c)[48] = gs_realloc(d->codes, cap * sizeof *c);
            if (!c)
                return 1;
            d->codes = c;
            d->cap_codes = cap;
        }
        copy_str(d->codes[d->n_codes++], sizeof *d->codes, code);
    }
    return d->p &&
           gs_profile_add_defect(d->p, d->path, code, detail, loc) != GS_OK;
}

static int sink_defect(void *ud, const char *code, const char *detail,
                       const gs_loc *loc)
{
    gs_document *d = ud;
    gs_loc tmp;
    return add_defect(d, code, detail, shift(d, loc, &tmp, d->base.line));
}

static int dec_defect(void *ud, const char *code, const char *detail,
                      const gs_loc *loc)
{
    gs_document *d = ud;
    gs_loc tmp;
    return add_defect(d, code, detail, shift(d, loc, &tmp, d->dec_lines));
}

static int sink_fact(void *ud, const char *key, const char *value)
{
    gs_document *d = ud;
    if (d->n_facts == MAX_FACTS)
        return 0;
    char *k = gs_strdup(key), *v = gs_strndup(value, strnlen(value, 4096));
    if (!k || !v) {
        gs_free(k);
        gs_free(v);
        return 1;
    }
    d->fact_keys[d->n_facts] = k;
    d->fact_values[d->n_facts++] = v;
    return 0;
}

/* ---- lifecycle -------------------------------------------------------- */

gs_document *gs_document_new(const gs_limits *lim)
{
    gs_document *d = gs_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->lim = lim;
    d->as_of = INT32_MAX;
    d->ev = gs_date_evidence_new(d->as_of);
    if (!d->ev || gs_date_scanner_open(0, &d->prose) != GS_OK) {
        gs_document_free(d);
        return NULL;
    }
    d->buf = gs_malloc(READ_BYTES);
    d->stage = gs_malloc(STAGE_MAX);
    d->defects = gs_calloc(lim->max_doc_defects ? lim->max_doc_defects : 1,
                           sizeof *d->defects);
    if (!d->buf || !d->stage || !d->defects) {
        gs_document_free(d);
        return NULL;
    }
    d->sink = (gs_sink){
        .ud = d,
        .field = sink_field,
        .record_begin = sink_record_begin,
        .record_end = sink_record_end,
        .value = sink_value,
        .defect = sink_defect,
        .fact = sink_fact,
    };
    d->dec_sink = (gs_sink){.ud = d, .defect = dec_defect};
    return d;
}

static void clear_facts(gs_document *d)
{
    for (size_t i = 0; i < d->n_facts; i++) {
        gs_free(d->fact_keys[i]);
        gs_free(d->fact_values[i]);
    }
    d->n_facts = 0;
}

void gs_document_free(gs_document *d)
{
    if (!d)
        return;
    clear_facts(d);
    gs_free(d->fields);
    gs_free(d->stamps);
    for (int k = 0; k < RING; k++)
        batch_free(d->bat[k]);
    gs_free(d->defects);
    gs_free(d->codes);
    gs_free(d->buf);
    gs_free(d->stage);
    gs_date_scanner_close(d->prose);
    gs_date_evidence_free(d->ev);
    gs_free(d);
}

void gs_document_set_as_of(gs_document *d, int32_t as_of)
{
    d->as_of = as_of;
}

/* ---- the pipeline ----------------------------------------------------- */

static int to_parser(void *ud, const char *utf8, size_t len);

/* Decoder output before the parser exists: stage it (bounded). */
static int to_stage(void *ud, const char *utf8, size_t len)
{
    gs_document *d = ud;
    size_t room = STAGE_MAX - d->stage_len;
    if (len > room)
        len = room;  /* cannot happen for a 64 KiB head; bounded anyway */
    memcpy(d->stage + d->stage_len, utf8, len);
    d->stage_len += len;
    return 0;
}

static int prose_hit(void *ud, const gs_date_hit *h)
{
    gs_document *d = ud;
    gs_date_evidence_add(d->ev, h, GS_ROLE_NONE, NULL);
    return 0;
}

/* Decoded text once the format is known: to the date scanner (text-like
 * formats) and to the parser. */
static int to_content(void *ud, const char *utf8, size_t len)
{
    gs_document *d = ud;
    if (d->prose_on)
        gs_date_scanner_feed(d->prose, utf8, len, prose_hit, d);  /* never
                                                   stops: prose_hit is 0 */
    return to_parser(ud, utf8, len);
}

static int to_parser(void *ud, const char *utf8, size_t len)
{
    gs_document *d = ud;
    if (!d->parser || d->parse_st != GS_OK)
        return 0;
    gs_status st = d->ptype->feed(d->parser, utf8, len);
    if (st != GS_OK) {
        d->parse_st = st;
        return st == GS_ENOMEM || st == GS_ECANCELED;
    }
    return 0;
}

/* "x/y.csv.gz" -> "x/y.csv" for the sniffer. */
static void name_without_gz(const char *path, gs_compression c, char *out,
                            size_t cap)
{
    copy_str(out, cap, path);
    size_t n = strlen(out);
    if (c == GS_COMPRESSION_GZIP && n > 3 && strcmp(out + n - 3, ".gz") == 0)
        out[n - 3] = '\0';
}

static void begin(gs_document *d, const char *path, gs_profile *p)
{
    d->p = p;
    d->path = path;
    gs_collection_name(path, d->collection, sizeof d->collection);
    d->n_fields = 0;
    d->in_record = 0;
    d->record_no = 0;
    d->n_defects = 0;
    d->n_codes = 0;
    clear_facts(d);
    gs_date_evidence_reset(d->ev, d->as_of);
    d->prose_on = 0;
    memset(d->markers, 0, sizeof d->markers);
    memset(&d->dv, 0, sizeof d->dv);
    d->dv.tier = -1;
    d->newest_source[0] = d->future_source[0] = '\0';
    d->stage_len = 0;
    d->ptype = NULL;
    d->parser = NULL;
    d->parse_st = GS_OK;
    d->batching = 0;
    d->base = (gs_loc){0};
    d->dec_lines = 0;
    d->stop_at = UINT64_MAX;
    d->stopped = 0;
    d->range_fmt = GS_FMT_JSONL;
    d->range_head = NULL;
    d->range_dialect = NULL;
    d->range_head_len = 0;
    copy_str(d->format, sizeof d->format, "unknown");
    copy_str(d->encoding, sizeof d->encoding, "undetermined");
    d->bom[0] = '\0';
    d->declared[0] = '\0';
    d->in_range = 0;
    memset(&d->facts, 0, sizeof d->facts);
    d->facts.path = path;
    d->facts.collection = d->collection;
    d->facts.format = d->format;
    d->facts.encoding = d->encoding;
    d->facts.bom = d->bom;
    d->facts.declared_charset = d->declared;
}

/* Record a failure of the file itself (not of its content). */
static void file_error(gs_document *d, const char *code, const gs_error *e)
{
    const char *msg = e->message;
    size_t plen = strlen(d->path);
    if (strncmp(msg, d->path, plen) == 0 && msg[plen] == ':')
        msg += plen + (msg[plen + 1] == ' ' ? 2 : 1);
    sink_defect(d, code, msg, NULL);
}

/* The verdict, with its borrowed field paths copied into the document. */
static void ymd(int32_t days, char out[11])
{
    int y, m, dd;
    gs_civil_from_days(days, &y, &m, &dd);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, dd);
}

/* Staleness evidence that a reviewer wants to see per file goes out as
 * defects, so it is counted per file and kept with examples like any
 * other: dates after the as-of date, old material saved again, and
 * staleness markers in the text. A file split into ranges keeps each
 * range's notes and gs_doc_split_finish sends one set for the file. */
enum { NOTE_FUTURE, NOTE_RESAVED, NOTE_MARKER, NOTE__COUNT };
static const char *const note_codes[NOTE__COUNT] = {
    "staleness.future_date", "staleness.resaved", "staleness.marker"};

typedef struct stale_note {
    int on;
    int32_t days;        /* the date it is about (to pick among ranges) */
    int has_loc;
    gs_loc loc;
    char detail[320];
} stale_note;

static void marker_detail(const uint64_t *markers, stale_note *n)
{
    size_t w = 0;
    for (int i = 0; i < GS_MARK__COUNT && w < sizeof n->detail; i++)
        if (markers[i])
            w += (size_t)snprintf(n->detail + w, sizeof n->detail - w,
                                  "%s\"%s\" x%llu", w ? ", " : "says ",
                                  gs_stale_marker_name((gs_stale_marker)i),
                                  (unsigned long long)markers[i]);
    n->on = w > 0;
}

static void stale_notes(const gs_document *d, stale_note *n)
{
    char a[11], b[11];
    memset(n, 0, NOTE__COUNT * sizeof *n);
    if (d->dv.future_dates) {
        stale_note *f = &n[NOTE_FUTURE];
        ymd(d->dv.future.days, a);
        *f = (stale_note){1, d->dv.future.days, 1, d->dv.future.loc, {0}};
        snprintf(f->detail, sizeof f->detail, "%llu date%s after the as-of "
                 "date; the latest, %s, in %s",
                 (unsigned long long)d->dv.future_dates,
                 d->dv.future_dates == 1 ? "" : "s", a, d->future_source);
    }
    if (d->dv.resaved) {
        stale_note *r = &n[NOTE_RESAVED];
        ymd(d->dv.newest.days, a);
        ymd((int32_t)(d->facts.mtime / 86400), b);
        *r = (stale_note){1, d->dv.newest.days, 1, d->dv.newest.loc, {0}};
        snprintf(r->detail, sizeof r->detail, "content dated %s (%s) but the "
                 "file was modified %s: old material saved again", a,
                 d->newest_source, b);
    }
    marker_detail(d->markers, &n[NOTE_MARKER]);
}

static void stale_defects(gs_document *d)
{
    stale_note n[NOTE__COUNT];
    stale_notes(d, n);
    for (int i = 0; i < NOTE__COUNT; i++)
        if (n[i].on)
            sink_defect(d, note_codes[i], n[i].detail,
                        n[i].has_loc ? &n[i].loc : NULL);
}

static void decide_dates(gs_document *d)
{
    if (d->prose_on) {
        gs_date_scanner_finish(d->prose, prose_hit, d);
        const uint64_t *m = gs_date_scanner_markers(d->prose);
        for (int i = 0; i < GS_MARK__COUNT; i++)
            d->markers[i] += m[i];
    }
    int64_t mtime = d->facts.mtime ? d->facts.mtime : INT64_MIN;
    gs_date_evidence_verdict(d->ev, mtime, &d->dv);
    gs_date_pick *pk[2] = {&d->dv.newest, &d->dv.future};
    char *where[2] = {d->newest_where, d->future_where};
    char *text[2] = {d->newest_source, d->future_source};
    for (int i = 0; i < 2; i++) {
        if (pk[i]->where) {
            copy_str(where[i], sizeof d->newest_where, pk[i]->where);
            pk[i]->where = where[i];
        }
        text[i][0] = '\0';
        if (i == 0 ? d->dv.tier >= 0 : d->dv.future_dates > 0)
            gs_date_pick_describe(pk[i], text[i], sizeof d->newest_source);
    }
    /* what the profile keeps: a content date proper (not the mtime) */
    d->facts.content_date = d->dv.tier >= 0 && d->dv.tier <= 3
                                ? d->dv.newest.days : 0;
    d->facts.future_dates = d->dv.future_dates;
    d->facts.resaved = d->dv.resaved;
    memcpy(d->facts.markers, d->markers, sizeof d->facts.markers);
    if (!d->in_range)
        stale_defects(d);
}

/* Each field's dominant format in this file into the profile (most
 * values; ties: the lower format id). A file whose dominant date format is
 * the ambiguous d/m one and that also writes days past 12 told the order:
 * that order is its format. */
static gs_vformat dominant(const fmt_tally *t)
{
    unsigned best = 0;
    for (unsigned k = 1; k < t->k; k++)
        if (t->n[k] > t->n[best] ||
            (t->n[k] == t->n[best] && t->fmt[k] < t->fmt[best]))
            best = k;
    gs_vformat f = (gs_vformat)t->fmt[best];
    for (unsigned k = 0; f == GS_VFMT_DATE_DM_AMBIGUOUS && k < t->k; k++)
        if (t->fmt[k] == GS_VFMT_DATE_DMY_SLASH ||
            t->fmt[k] == GS_VFMT_DATE_MDY_SLASH)
            f = (gs_vformat)t->fmt[k];
    return f;
}

static gs_status file_formats(gs_document *d)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const doc_field *df = &d->fields[i];
        if (!df->field || !df->fmts.k)
            continue;
        gs_status st = gs_field_count_file_format(df->field,
                                                  dominant(&df->fmts), d->path);
        if (st != GS_OK)
            return st;
    }
    return GS_OK;
}

/* The CSV dialect and header the parser reported, for the profile's
 * layouts: dialect "delimiter=; quote=\" header=present", header the names
 * in the order written, joined by tabs whatever the delimiter (so orders of
 * files in different dialects compare; a name holding a tab is rare enough
 * to be split wrongly). header holds at least 4097 bytes (see sink_fact). */
static void csv_layout(gs_document *d, char *dialect, size_t cap,
                       char *header_buf)
{
    const char *delim = NULL, *quote = NULL, *header = NULL, *names = NULL;
    for (size_t i = 0; i < d->n_facts; i++) {
        const char *k = d->fact_keys[i], *v = d->fact_values[i];
        if (strcmp(k, "csv.delimiter") == 0)
            delim = v;
        else if (strcmp(k, "csv.quote") == 0)
            quote = v;
        else if (strcmp(k, "csv.header") == 0)
            header = v;
        else if (strcmp(k, "csv.header_names") == 0)
            names = v;
    }
    if (!delim)
        return;
    if (names) {
        size_t i = 0;
        for (; names[i]; i++)
            header_buf[i] = names[i] == delim[0] ? '\t' : names[i];
        header_buf[i] = '\0';
        d->facts.csv_header = header_buf;
    }
    snprintf(dialect, cap, "delimiter=%s quote=%s header=%s",
             strcmp(delim, "\t") == 0 ? "tab"
             : strcmp(delim, " ") == 0 ? "space" : delim,
             quote ? quote : "none", header ? header : "absent");
    d->facts.csv_dialect = dialect;
}

static gs_status finish(gs_document *d, gs_status st)
{
    char dialect[80], header[4097];
    decide_dates(d);
    csv_layout(d, dialect, sizeof dialect, header);
    gs_status fst = file_formats(d);
    if (st == GS_OK)
        st = fst;
    gs_status ast = GS_OK;
    for (size_t i = 0; ast == GS_OK && i < d->n_codes; i++)
        ast = gs_profile_count_defect_file(d->p, d->codes[i]);
    d->facts.fields = d->n_fields;
    if (ast == GS_OK)
        ast = gs_profile_count_file(d->p, d->collection);
    if (ast == GS_OK)
        ast = gs_profile_add_doc(d->p, &d->facts);
    d->facts.csv_dialect = d->facts.csv_header = NULL;  /* on this stack */
    return st != GS_OK ? st : ast;
}

/* Decoder input, cut at d->stop_at: bytes [pos, pos + len) of the file are
 * fed up to and including the first '\n' at or past stop_at - 1, so a range
 * ends exactly where the next one starts (scan_range). */
static gs_status feed_raw(gs_document *d, gs_decoder *dec,
                          const unsigned char *buf, size_t len, uint64_t pos)
{
    if (d->stop_at != UINT64_MAX && pos + len >= d->stop_at) {
        size_t from = d->stop_at > pos ? (size_t)(d->stop_at - 1 - pos) : 0;
        const unsigned char *nl = memchr(buf + from, '\n', len - from);
        if (nl) {
            len = (size_t)(nl - buf) + 1;
            d->stopped = 1;
        }
    }
    return gs_decoder_feed(dec, buf, len, to_content, d);
}

/* The head of a whole file (or of range 0): decide the encoding, sniff the
 * format, open the parser and hand it the decoded head. Returns GS_OK with
 * d->parser NULL when nothing more is to be parsed (binary, no parser). */
static gs_status open_head(gs_document *d, gs_source *src, gs_decoder *dec,
                           size_t *head, gs_status *rst, size_t *got,
                           gs_error *err)
{
    *head = 0;
    do {
        *rst = gs_source_read(src, d->buf + *head, HEAD_BYTES - *head, got,
                              err);
        *head += *got;
    } while (*rst == GS_OK && *got > 0 && *head < HEAD_BYTES);

    gs_status st = gs_decoder_detect(dec, d->buf, *head);
    if (st != GS_OK)
        return st;
    const gs_decode_facts *df = gs_decoder_facts(dec);
    copy_str(d->encoding, sizeof d->encoding, df->encoding);
    copy_str(d->bom, sizeof d->bom, df->bom);
    d->facts.encoding_confidence = df->confidence;
    if (df->looks_binary) {
        /* Not text: its bytes would only be noise as UTF-8 defects. */
        copy_str(d->format, sizeof d->format, gs_format_name(GS_FMT_BINARY));
        if (sink_defect(d, "file.binary", "binary content: not profiled",
                        NULL))
            return GS_ENOMEM;
        return GS_OK;
    }
    st = gs_decoder_feed(dec, d->buf, *head, to_stage, d);
    if (st != GS_OK)
        return st;

    char name[1024];
    gs_compression comp = gs_source_compression(src);
    name_without_gz(d->path, comp, name, sizeof name);
    gs_format fmt = gs_sniff_format(d->stage, d->stage_len, name,
                                    df->looks_binary);
    copy_str(d->format, sizeof d->format, gs_format_name(fmt));
    if (fmt == GS_FMT_HTML || fmt == GS_FMT_TEXT || fmt == GS_FMT_MARKDOWN)
        snprintf(d->collection, sizeof d->collection, "%s documents",
                 gs_format_name(fmt));
    if (fmt == GS_FMT_BINARY) {
        if (sink_defect(d, "file.binary", "binary content: not profiled",
                        NULL))
            return GS_ENOMEM;
        return GS_OK;
    }
    if (fmt == GS_FMT_TEXT || fmt == GS_FMT_MARKDOWN || fmt == GS_FMT_HTML) {
        gs_date_scanner_reset(d->prose,
                              fmt == GS_FMT_HTML ? GS_DATES_MARKUP : 0);
        d->prose_on = 1;
        gs_date_scanner_feed(d->prose, d->stage, d->stage_len, prose_hit, d);
    }
    d->ptype = gs_parser_for(fmt);
    batch_start(d, fmt, gs_source_size(src));
    /* With the field thread, a third thread to inflate would only take
     * turns with the two on 2 CPUs: the bench csv.gz at -j2 took 0.256 s
     * inflated here against 0.272 s on the inflate thread (PGO build,
     * perf stat -r 7, three times), now that the helper steals this
     * thread's fields when inflating holds it up. */
    if (d->fp)
        gs_source_inflate_here(src);
    if (d->ptype) {
        st = d->ptype->open(d->lim, &d->sink, &d->parser);
        if (st != GS_OK)
            return st;
        to_parser(d, d->stage, d->stage_len);
    }
    return GS_OK;
}

/* A range after the first of a split file: skip to the first line start
 * at or past start (a CSV range's start is one already), feed the bytes
 * read with it, and open the parser; a CSV/TSV parser first takes the
 * dialect, header names and row width from the file's head. The file is
 * UTF-8 (gs_doc_split_plan checked its head), so the decoder is put in
 * UTF-8 mode without looking at these bytes. */
static gs_status open_range(gs_document *d, gs_source *src, gs_decoder *dec,
                            uint64_t start, gs_status *rst, size_t *got,
                            gs_error *err)
{
    gs_status st = gs_decoder_detect(dec, NULL, 0);
    if (st != GS_OK)
        return st;
    copy_str(d->format, sizeof d->format, gs_format_name(d->range_fmt));
    d->ptype = gs_parser_for(d->range_fmt);
    batch_start(d, d->range_fmt, 0);
    if ((st = d->ptype->open(d->lim, &d->sink, &d->parser)) != GS_OK)
        return st;
    if (d->range_head) {
        st = gs_csv_resume(d->parser, d->range_head, d->range_head_len,
                           d->range_dialect, NULL);
        if (st != GS_OK)  /* the plan resumed on these bytes: ENOMEM */
            return st == GS_ECANCELED ? GS_ENOMEM : st;
    }
    if ((*rst = gs_source_seek(src, start - 1, err)) != GS_OK)
        return GS_OK;
    uint64_t pos = start - 1;
    for (;;) {
        *rst = gs_source_read(src, d->buf, READ_BYTES, got, err);
        if (*rst != GS_OK || *got == 0)
            return GS_OK;
        const unsigned char *nl = memchr(d->buf, '\n', *got);
        pos += *got;
        if (!nl)
            continue;
        size_t skip = (size_t)(nl - d->buf) + 1;
        uint64_t line_start = pos - *got + skip;
        if (line_start >= d->stop_at) {  /* one line spans the range */
            d->stopped = 1;
            return GS_OK;
        }
        if ((st = gs_decoder_start_at(dec, line_start)) != GS_OK)
            return st;
        return feed_raw(d, dec, d->buf + skip, *got - skip, line_start);
    }
}

/* Source -> decoder -> parser for the whole file (start 0) or for the
 * range starting at file offset start and ending at d->stop_at. Fills the
 * facts; the caller records them (finish() or scan_range()). */
static gs_status pipeline(gs_document *d, uint64_t start)
{
    gs_error err = {0};
    gs_source *src = NULL;
    gs_decoder *dec = NULL;
    gs_status st = gs_source_open(d->path, d->lim, &d->sink, &src, &err);
    if (st != GS_OK) {
        if (st == GS_ENOMEM)
            return st;
        d->facts.status = st;
        file_error(d, "file.unreadable", &err);
        return GS_OK;
    }
    d->facts.bytes = start ? 0 : gs_source_size(src);
    d->facts.mtime = gs_source_mtime(src);
    if (!start && d->facts.bytes == 0)  /* often a failed export */
        sink_defect(d, "file.empty", "zero-byte file", NULL);
    d->facts.compression =
        gs_compression_name(gs_source_compression(src));

    size_t head = 0, got = 0;
    gs_status rst = GS_OK;
    st = gs_decoder_open(d->lim, &d->dec_sink, &dec);
    if (st == GS_OK)
        st = start ? open_range(d, src, dec, start, &rst, &got, &err)
                   : open_head(d, src, dec, &head, &rst, &got, &err);
    if (st != GS_OK || !d->parser)
        goto out;

    /* The rest of the file (or of the range), streamed. */
    while (rst == GS_OK && got > 0 && d->parse_st == GS_OK && !d->stopped) {
        uint64_t pos = gs_source_bytes_out(src);
        rst = gs_source_read(src, d->buf, READ_BYTES, &got, &err);
        if (got > 0) {
            st = feed_raw(d, dec, d->buf, got, pos);
            if (st != GS_OK)
                goto out;
        }
    }
    if (d->parse_st == GS_OK) {
        st = gs_decoder_finish(dec, to_content, d);
        if (st == GS_OK && d->parser && d->parse_st == GS_OK) {
            gs_status fst = d->ptype->finish(d->parser);
            if (fst != GS_OK)
                d->parse_st = fst;
        }
    }
out:
    if (batch_end(d) && st == GS_OK)
        st = GS_ENOMEM;
    if (rst == GS_EIO)
        file_error(d, "file.read_error", &err);
    if (rst != GS_OK && d->facts.status == GS_OK)
        d->facts.status = rst;
    if (d->parse_st != GS_OK && d->facts.status == GS_OK)
        d->facts.status = d->parse_st;
    if (d->parse_st == GS_ENOMEM || d->parse_st == GS_ECANCELED)
        st = d->parse_st;
    if (st == GS_OK && (rst == GS_ENOMEM || rst == GS_ECANCELED))
        st = rst; /* out of memory in the source or in our sink */
    if (dec) {
        const gs_decode_facts *f = gs_decoder_facts(dec);
        d->facts.bytes_decoded = f->bytes_out;
        d->facts.lines = f->lines;
        d->facts.lf = f->lf;
        d->facts.crlf = f->crlf;
        d->facts.cr = f->cr;
        d->facts.invalid_utf8 = f->invalid_utf8;
        d->facts.nul_bytes = f->nul_bytes;
        d->facts.control_chars = f->control_chars;
        d->facts.chars = f->chars;
        memcpy(d->facts.hygiene, f->hygiene, sizeof d->facts.hygiene);
        copy_str(d->declared, sizeof d->declared, f->declared);
    }
    if (d->parser && d->ptype->close)
        d->ptype->close(d->parser);
    d->parser = NULL;
    gs_decoder_close(dec);
    gs_source_close(src);
    /* ECANCELED here only comes from our own sink: out of memory. */
    if (st == GS_ECANCELED)
        st = GS_ENOMEM;
    if (st != GS_OK && st != GS_ENOMEM) {
        if (d->facts.status == GS_OK)
            d->facts.status = st;
        st = GS_OK;
    }
    return st;
}

gs_status gs_document_scan(gs_document *d, const char *path, gs_profile *p)
{
    begin(d, path, p);
    return finish(d, pipeline(d, 0));
}

/* ---- ranges of one big file (scan.h) ------------------------------------
 *
 * JSON Lines: range i covers the lines that start in [i * S, (i + 1) * S)
 * of the file (S = range_bytes): it begins after the first '\n' at or past
 * i * S - 1 and ends after the first '\n' at or past (i + 1) * S - 1, so
 * consecutive ranges meet exactly and no line is cut. Locations are made
 * absolute by adding, to every one with a line, the decoded bytes, newlines
 * and records of the ranges before: a counting pass over each range
 * (decoder and parser, no profile) measures them before the range after it
 * is profiled.
 *
 * CSV/TSV: the same cut, at '\n' outside quoted fields; csvsplit.c finds
 * the ranges and their counts from the raw bytes (no parse), and a range
 * whose bytes the parser could read otherwise runs to the end of the file.
 * The plan sniffs the dialect and header from the file's head once; every
 * range after the first resumes a parser from that head (csv.h). Range i
 * needs its own counting pass too (it says where the range starts), at any
 * thread count. */

/* One field's formats in one range, for the file's dominant format. */
typedef struct range_fmt {
    char *path;        /* a copy: the range's profile is reset after merge */
    unsigned range;
    fmt_tally t;
} range_fmt;

typedef struct range_info {
    uint64_t decoded, newlines, records;  /* the counting pass (JSONL); */
    uint64_t terminators;                 /* lines as the decoder ends them */
    struct range_fmt *fmts;               /* its fields' formats */
    size_t n_fmts;
    gs_doc_facts facts;                   /* the profiling pass; strings not
                                             kept (range 0's are below) */
    char (*codes)[48];                    /* its distinct defect codes */
    size_t n_codes;
    stale_note notes[NOTE__COUNT];        /* its staleness evidence */
} range_info;

struct gs_doc_split {
    char *path;
    uint64_t range_bytes;
    unsigned n;
    gs_format fmt;           /* JSONL, CSV or TSV */
    gs__csvsplit_file csv;   /* CSV/TSV: what the counting passes need */
    gs__csvsplit_piece *pieces;  /* CSV/TSV: what they measured, by range */
    char *head;              /* CSV/TSV: the decoded head, for resuming */
    size_t head_len;
    char collection[128], format[16], encoding[40], bom[12], compression[8];
    char csv_dialect[80], csv_header[4097];  /* range 0's layout */
    int has_header;          /* csv_header was set */
    range_info r[];
};

static int quiet_value(void *ud, gs_field_id id, const char *bytes,
                       size_t len, gs_value_kind kind, const gs_loc *loc)
{
    (void)ud, (void)id, (void)bytes, (void)len, (void)kind, (void)loc;
    return 0;
}

static int quiet_loc(void *ud, const gs_loc *loc)
{
    (void)ud, (void)loc;
    return 0;
}

static gs_field_id quiet_field(void *ud, const char *path, size_t len)
{
    (void)ud, (void)path, (void)len;
    return GS_FIELD_NONE;
}

static int quiet_defect(void *ud, const char *code, const char *detail,
                        const gs_loc *loc)
{
    (void)ud, (void)code, (void)detail, (void)loc;
    return 0;
}

static int to_buf(void *ud, const char *utf8, size_t len)
{
    return gs_buf_append(ud, utf8, len) != GS_OK;
}

/* The head of a CSV/TSV file settles its dialect, header and row width
 * (gs_csv_resume on the decoded head): GS_OK with *dl filled, GS_EFORMAT
 * when it does not, GS_ENOMEM. */
static gs_status csv_head(const gs_limits *lim, gs_format fmt,
                          const gs_buf *text, gs_csv_dialect *dl)
{
    static const gs_sink quiet = {
        .field = quiet_field, .record_begin = quiet_loc,
        .record_end = quiet_loc, .value = quiet_value,
        .defect = quiet_defect};
    const gs_parser_type *t = gs_parser_for(fmt);
    gs_parser *pr = NULL;
    gs_status st = t->open(lim, &quiet, &pr);
    if (st == GS_OK)
        st = gs_csv_resume(pr, text->p, text->len, NULL, dl);
    if (t->close)
        t->close(pr);
    return st == GS_ENOMEM ? st : st == GS_OK ? GS_OK : GS_EFORMAT;
}

gs_status gs_doc_split_plan(const char *path, const gs_limits *lim,
                            uint64_t range_bytes, int csv,
                            gs_doc_split **out)
{
    *out = NULL;
    if (range_bytes < 2 * (uint64_t)HEAD_BYTES)
        return GS_EINVAL;
    gs_source *src = NULL;
    gs_decoder *dec = NULL;
    unsigned char *head = NULL;
    gs_buf text = {0};
    gs_doc_split *s = NULL;
    gs_error err = {0};
    gs_status st = gs_source_open(path, lim, NULL, &src, &err);
    if (st != GS_OK)  /* the scan of the whole file will say why */
        return st == GS_ENOMEM ? st : GS_OK;
    uint64_t size = gs_source_size(src);
    if (gs_source_compression(src) != GS_COMPRESSION_NONE ||
        size <= 2 * range_bytes || size / range_bytes >= UINT32_MAX)
        goto done;
    /* Twice the sniffed head: a CSV parser samples 64 KiB of decoded text
     * (the BOM not counted), then its first row must end. */
    if (!(head = gs_malloc(2 * HEAD_BYTES))) {
        st = GS_ENOMEM;
        goto done;
    }
    size_t n = 0, got = 0;
    gs_status rst;
    do {
        rst = gs_source_read(src, head + n, 2 * HEAD_BYTES - n, &got, &err);
        n += got;
    } while (rst == GS_OK && got > 0 && n < 2 * HEAD_BYTES);
    /* Decided as open_head() does, from the same first 64 KiB. */
    size_t first = n < HEAD_BYTES ? n : HEAD_BYTES;
    if ((st = gs_decoder_open(lim, NULL, &dec)) != GS_OK ||
        (st = gs_decoder_detect(dec, head, first)) != GS_OK ||
        (st = gs_decoder_feed(dec, head, first, to_buf, &text)) != GS_OK)
        goto done;
    const gs_decode_facts *df = gs_decoder_facts(dec);
    if (strcmp(df->encoding, "UTF-8") != 0 || df->looks_binary)
        goto done;
    gs_format fmt = gs_sniff_format(text.p ? text.p : "", text.len, path, 0);
    gs_csv_dialect dl = {0};
    if (fmt == GS_FMT_JSONL) {
        if (df->bom[0])  /* ranges would count from the BOM */
            goto done;
    } else if (csv && (fmt == GS_FMT_CSV || fmt == GS_FMT_TSV)) {
        if ((st = gs_decoder_feed(dec, head + first, n - first, to_buf,
                                  &text)) != GS_OK ||
            (st = csv_head(lim, fmt, &text, &dl)) != GS_OK) {
            if (st == GS_EFORMAT)  /* no split; the whole scan reads it */
                st = GS_OK;
            goto done;
        }
    } else {
        goto done;
    }
    unsigned ranges = (unsigned)((size + range_bytes - 1) / range_bytes);
    s = gs_calloc(1, sizeof *s + ranges * sizeof *s->r);
    if (!s || !(s->path = gs_strdup(path))) {
        st = GS_ENOMEM;
        goto done;
    }
    s->range_bytes = range_bytes;
    s->n = ranges;
    s->fmt = fmt;
    if (fmt != GS_FMT_JSONL) {
        if (!(s->pieces = gs_calloc(ranges, sizeof *s->pieces))) {
            st = GS_ENOMEM;
            goto done;
        }
        s->head = text.p;
        s->head_len = text.len;
        text = (gs_buf){0};
        s->csv = (gs__csvsplit_file){
            .path = s->path, .lim = lim, .dialect = dl, .size = size,
            .piece = range_bytes, .n = ranges,
            .bom = df->bom[0] ? 3 : 0};  /* the UTF-8 BOM */
    }
    *out = s;
    s = NULL;
done:
    gs_doc_split_free(s);
    gs_free(text.p);
    gs_free(head);
    gs_decoder_close(dec);
    gs_source_close(src);
    return st;
}

unsigned gs_doc_split_ranges(const gs_doc_split *s)
{
    return s->n;
}

int gs_doc_split_needs_count(const gs_doc_split *s, unsigned i,
                             int one_thread)
{
    if (s->fmt != GS_FMT_JSONL)
        return 1;
    return !one_thread && i + 1 < s->n;
}

void gs_doc_split_free(gs_doc_split *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n; i++) {
        gs_free(s->r[i].codes);
        for (size_t k = 0; k < s->r[i].n_fmts; k++)
            gs_free(s->r[i].fmts[k].path);
        gs_free(s->r[i].fmts);
    }
    gs_free(s->head);
    gs_free(s->pieces);
    gs_free(s->path);
    gs_free(s);
}

/* Where range i starts and ends, and (when profiling) the counts before
 * it; the counting passes it depends on are done. 0: it is empty. */
static int place_range(gs_document *d, const gs_doc_split *s, unsigned i,
                       uint64_t *start)
{
    if (s->fmt == GS_FMT_JSONL) {
        for (unsigned k = 0; d->p && k < i; k++) {
            d->base.offset += s->r[k].decoded;
            d->base.line += s->r[k].newlines;
            d->base.record += s->r[k].records;
            d->dec_lines += s->r[k].terminators;
        }
        *start = (uint64_t)i * s->range_bytes;
        if (i + 1 < s->n)
            d->stop_at = (uint64_t)(i + 1) * s->range_bytes;
        return 1;
    }
    gs__csvsplit_range rg;
    gs__csvsplit_range_of(s->pieces, i, &rg);
    if (rg.empty)
        return 0;
    d->base = rg.base;
    d->dec_lines = rg.dec_lines;
    d->stop_at = rg.end;
    d->range_fmt = s->fmt;
    d->range_head = s->head;
    d->range_dialect = &s->csv.dialect;
    d->range_head_len = s->head_len;
    *start = rg.start;
    return 1;
}

/* The range's formats per field, for gs_doc_split_finish (the file's
 * dominant format is that of all its values, not of one range). */
static gs_status keep_formats(const gs_document *d, range_info *r,
                              unsigned i)
{
    if (d->n_fields && !(r->fmts = gs_calloc(d->n_fields, sizeof *r->fmts)))
        return GS_ENOMEM;
    for (size_t k = 0; k < d->n_fields; k++) {
        const doc_field *df = &d->fields[k];
        if (!df->field || !df->fmts.k)
            continue;
        range_fmt *f = &r->fmts[r->n_fmts];
        if (!(f->path = gs_strdup(gs_field_path(df->field))))
            return GS_ENOMEM;
        f->range = i;
        f->t = df->fmts;
        r->n_fmts++;
    }
    return GS_OK;
}

static int by_path_then_range(const void *a, const void *b)
{
    const range_fmt *x = *(range_fmt *const *)a, *y = *(range_fmt *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->range > y->range) - (x->range < y->range);
}

/* Each field's dominant format over the whole file: the ranges' tallies
 * summed in range order (so the first DOC_FORMATS formats are the file's
 * first ones, as in a whole-file read, unless one range alone saw more). */
static gs_status split_formats(const gs_doc_split *s, gs_profile *p)
{
    size_t n = 0;
    for (unsigned i = 0; i < s->n; i++)
        n += s->r[i].n_fmts;
    if (!n)
        return GS_OK;
    const range_fmt **all = gs_malloc(n * sizeof *all);
    if (!all)
        return GS_ENOMEM;
    n = 0;
    for (unsigned i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->r[i].n_fmts; k++)
            all[n++] = &s->r[i].fmts[k];
    qsort(all, n, sizeof *all, by_path_then_range);
    gs_status st = GS_OK;
    for (size_t a = 0, b; st == GS_OK && a < n; a = b) {
        fmt_tally t = all[a]->t;
        for (b = a + 1; b < n && strcmp(all[b]->path, all[a]->path) == 0; b++)
            for (unsigned k = 0; k < all[b]->t.k; k++)
                count_format(&t, (gs_vformat)all[b]->t.fmt[k], all[b]->t.n[k]);
        gs_field *f = gs_profile_field(p, s->collection, all[a]->path,
                                       strlen(all[a]->path), &st);
        if (f)
            st = gs_field_count_file_format(f, dominant(&t), s->path);
        else if (st == GS_ELIMIT)  /* past max_paths: the merge dropped it */
            st = GS_OK;
    }
    gs_free(all);
    return st;
}

static gs_status scan_range(gs_document *d, gs_doc_split *s, unsigned i,
                            gs_profile *p)
{
    if (i >= s->n)
        return GS_EINVAL;
    range_info *r = &s->r[i];
    if (!p && s->fmt != GS_FMT_JSONL)  /* CSV counts without a parse */
        return gs__csvsplit_count(&s->csv, i, d->buf, READ_BYTES,
                                  &s->pieces[i]);
    if (!p) {  /* JSON Lines, when its bytes allow */
        gs__jsonl_counts c;
        int counted;
        gs_status st = gs__jsonl_count(s->path, d->lim, s->range_bytes, i,
                                       d->buf, READ_BYTES, &c, &counted);
        if (st != GS_OK || counted) {
            r->decoded = c.decoded;
            r->newlines = c.newlines;
            r->terminators = c.newlines + c.lone_cr;
            r->records = c.records;
            return st;
        }
    }
    begin(d, s->path, p);
    uint64_t start = 0;
    int placed = place_range(d, s, i, &start);
    d->in_range = 1;
    gs_status st = placed ? pipeline(d, start) : GS_OK;
    r->decoded = d->facts.bytes_decoded;
    r->newlines = d->facts.lf + d->facts.crlf;
    r->terminators = r->newlines + d->facts.cr;
    r->records = d->facts.records;
    if (!p)
        return st;
    decide_dates(d);  /* this range's dates; gs_doc_split_finish combines */
    if (st == GS_OK)
        st = keep_formats(d, r, i);
    if (i == 0 && s->fmt != GS_FMT_JSONL) {
        csv_layout(d, s->csv_dialect, sizeof s->csv_dialect, s->csv_header);
        s->has_header = d->facts.csv_header != NULL;
        d->facts.csv_dialect = d->facts.csv_header = NULL;
    }
    stale_notes(d, r->notes);
    r->facts = d->facts;
    r->facts.fields = d->n_fields;
    r->codes = gs_calloc(d->n_codes ? d->n_codes : 1, sizeof *r->codes);
    if (!r->codes)
        return GS_ENOMEM;
    if (d->n_codes)  /* d->codes is NULL until a first defect */
        memcpy(r->codes, d->codes, d->n_codes * sizeof *r->codes);
    r->n_codes = d->n_codes;
    if (i == 0) {
        copy_str(s->collection, sizeof s->collection, d->collection);
        copy_str(s->format, sizeof s->format, d->format);
        copy_str(s->encoding, sizeof s->encoding, d->encoding);
        copy_str(s->bom, sizeof s->bom, d->bom);
        copy_str(s->compression, sizeof s->compression, d->facts.compression);
    }
    return st;
}

gs_status gs_document_count_range(gs_document *d, gs_doc_split *s, unsigned i)
{
    return scan_range(d, s, i, NULL);
}

gs_status gs_document_scan_range(gs_document *d, gs_doc_split *s, unsigned i,
                                 gs_profile *p)
{
    return p ? scan_range(d, s, i, p) : GS_EINVAL;
}

gs_status gs_doc_split_finish(const gs_doc_split *s, gs_profile *p)
{
    gs_doc_facts f = s->r[0].facts;
    f.path = s->path;
    f.collection = s->collection;
    f.format = s->format;
    f.encoding = s->encoding;
    f.bom = s->bom;
    f.compression = s->compression[0] ? s->compression : NULL;
    f.csv_dialect = s->csv_dialect[0] ? s->csv_dialect : NULL;
    f.csv_header = s->has_header ? s->csv_header : NULL;
    for (unsigned i = 0; s->pieces && i < s->n; i++)
        if (s->pieces[i].failed && f.status == GS_OK)
            f.status = GS_EIO;  /* a counting pass could not read it */
    for (unsigned i = 1; i < s->n; i++) {
        const gs_doc_facts *g = &s->r[i].facts;
        f.bytes_decoded += g->bytes_decoded;
        f.records += g->records;
        f.lines += g->lines;
        f.lf += g->lf;
        f.crlf += g->crlf;
        f.cr += g->cr;
        f.invalid_utf8 += g->invalid_utf8;
        f.nul_bytes += g->nul_bytes;
        f.control_chars += g->control_chars;
        f.defects += g->defects;
        f.chars += g->chars;
        for (int h = 0; h < GS_HYG__COUNT; h++)
            f.hygiene[h] += g->hygiene[h];
        /* dates: the newest content date of any range (each range decided
         * its own by precedence), future dates and markers summed */
        if (g->content_date > f.content_date)
            f.content_date = g->content_date;
        f.future_dates += g->future_dates;
        f.resaved |= g->resaved;
        for (int m = 0; m < GS_MARK__COUNT; m++)
            f.markers[m] += g->markers[m];
        if (g->fields > f.fields)  /* distinct paths of the biggest range */
            f.fields = g->fields;
        if (f.status == GS_OK)
            f.status = g->status;
    }
    /* Staleness evidence once for the file: the newest future date and the
     * newest re-saved content of any range, and the markers of all. */
    stale_note note[NOTE__COUNT] = {{0}};
    for (unsigned i = 0; i < s->n; i++)
        for (int k = NOTE_FUTURE; k <= NOTE_RESAVED; k++)
            if (s->r[i].notes[k].on &&
                (!note[k].on || s->r[i].notes[k].days > note[k].days))
                note[k] = s->r[i].notes[k];
    marker_detail(f.markers, &note[NOTE_MARKER]);
    const char *latest = strstr(note[NOTE_FUTURE].detail, "the latest");
    if (note[NOTE_FUTURE].on && latest) {  /* the count is the file's */
        char tail[256];
        copy_str(tail, sizeof tail, latest);
        snprintf(note[NOTE_FUTURE].detail, sizeof note[NOTE_FUTURE].detail,
                 "%llu date%s after the as-of date; %s",
                 (unsigned long long)f.future_dates,
                 f.future_dates == 1 ? "" : "s", tail);
    }
    gs_status st = GS_OK;
    for (int k = 0; k < NOTE__COUNT; k++) {
        if (!note[k].on)
            continue;
        st = gs_profile_add_defect(p, s->path, note_codes[k],
                                             note[k].detail,
                                             note[k].has_loc ? &note[k].loc
                                                             : NULL);
        if (st != GS_OK)
            return st;
        if ((st = gs_profile_count_defect_file(p, note_codes[k])) != GS_OK)
            return st;
        f.defects++;
    }
    /* Each code once per file, in the order first seen. */
    for (unsigned i = 0; i < s->n; i++)
        for (size_t c = 0; c < s->r[i].n_codes; c++) {
            const char *code = s->r[i].codes[c];
            int seen = 0;
            for (unsigned k = 0; k <= i && !seen; k++)
                for (size_t e = 0; e < (k < i ? s->r[k].n_codes : c) && !seen;
                     e++)
                    seen = strcmp(s->r[k].codes[e], code) == 0;
            if (!seen && (st = gs_profile_count_defect_file(p, code)) != GS_OK)
                return st;
        }
    if ((st = split_formats(s, p)) != GS_OK ||
        (st = gs_profile_count_file(p, s->collection)) != GS_OK)
        return st;
    return gs_profile_add_doc(p, &f);
}

const gs_doc_facts *gs_document_facts(const gs_document *d)
{
    return &d->facts;
}

int32_t gs_document_newest_date(const gs_document *d, const char **source)
{
    int has = d->dv.tier >= 0;
    if (source)
        *source = has ? d->newest_source : NULL;
    return has ? d->dv.newest.days : 0;
}

const gs_date_verdict *gs_document_dates(const gs_document *d)
{
    return &d->dv;
}

const char *gs_document_future_source(const gs_document *d)
{
    return d->dv.future_dates ? d->future_source : NULL;
}

const uint64_t *gs_document_stale_markers(const gs_document *d)
{
    return d->markers;
}

size_t gs_document_defect_count(const gs_document *d)
{
    return d->n_defects;
}

const gs_doc_defect *gs_document_defect(const gs_document *d, size_t i)
{
    return i < d->n_defects ? &d->defects[i].d : NULL;
}

size_t gs_document_fact_count(const gs_document *d)
{
    return d->n_facts;
}

void gs_document_fact(const gs_document *d, size_t i, const char **key,
                      const char **value)
{
    *key = i < d->n_facts ? d->fact_keys[i] : NULL;
    *value = i < d->n_facts ? d->fact_values[i] : NULL;
}

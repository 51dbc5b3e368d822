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
 * Dates (dates.h): the text of text/Markdown/HTML files streams through a
 * date scanner beside the parser; field values are scanned in sink_value
 * (see document.h for which); every hit goes to one gs_date_evidence, and
 * finish() turns it into the verdict and its source text.
 *
 * Invariants: see document.h. Only GS_ENOMEM/GS_ECANCELED are returned;
 * everything else the file does is a fact or a defect. */
#include "gapscan/document.h"

#include <stdio.h>
#include <string.h>

#include "gapscan/decode.h"
#include "gapscan/parser.h"
#include "gapscan/source.h"

#define HEAD_BYTES (64u * 1024)
#define READ_BYTES (256u * 1024)
#define STAGE_MAX (512u * 1024)  /* decoded head; UTF-16 may grow x1.5 */
#define MAX_FACTS 32

typedef struct doc_field {
    gs_field *field;         /* NULL: past max_paths */
    uint64_t last_record;    /* presence stamp */
    gs_date_role role;       /* what the name says about its dates */
    int prose;               /* string values may hold dates in prose */
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
    int in_record;
    uint64_t record_no;

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

    unsigned char *buf;      /* READ_BYTES */
    char *stage;             /* decoded head before the parser exists */
    size_t stage_len;
    const gs_parser_type *ptype;
    gs_parser *parser;
    gs_status parse_st;      /* first non-OK parser status */
};

/* ---- sink ------------------------------------------------------------- */

static gs_field_id sink_field(void *ud, const char *path, size_t len)
{
    gs_document *d = ud;
    if (d->n_fields == d->cap_fields) {
        size_t cap = d->cap_fields ? d->cap_fields * 2 : 32;
        doc_field *f = gs_realloc(d->fields, cap * sizeof *f);
        if (!f)
            return GS_FIELD_NONE;
        d->fields = f;
        d->cap_fields = cap;
    }
    gs_field *f = gs_profile_field(d->p, d->collection, path, len, NULL);
    gs_date_role role = gs_date_role_of(path, len);
    /* The text under "doc." (titles, headings) is read by the prose
     * scanner already; its metas and times are not. */
    int doc_text = len > 4 && memcmp(path, "doc.", 4) == 0 &&
                   role == GS_ROLE_NONE;
    d->fields[d->n_fields] = (doc_field){f, 0, role,
                                         role == GS_ROLE_NONE && !doc_text};
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
    return gs_profile_count_record(d->p, d->collection) != GS_OK;
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

/* Which values are worth a date scan. On a 28 MB CSV of 300k rows (a date
 * column, a 12-word comment with numbers) inspect took, elapsed on a loaded
 * machine: no date scan 0.80 s, date-role values 1.28 s, every string with
 * a digit 2.05 s; hence the year test below for strings without a role. */
static int scan_worthy(const doc_field *df, const gs_value_class *vc,
                       gs_value_kind kind, const char *bytes, size_t len)
{
    if (df->role != GS_ROLE_NONE || vc->type == GS_VT_DATE)
        return kind != GS_VK_NUMBER && kind != GS_VK_BOOL &&
               kind != GS_VK_NULL;
    if (!df->prose || vc->type != GS_VT_STRING || len < 10)
        return 0;
    /* Every prose form holds a 4-digit year: look for a run of exactly four
     * digits starting 1 or 2 (this halves the cost on text-heavy CSV). */
    size_t run = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && (unsigned)(bytes[i] - '0') < 10u) {
            run++;
        } else {
            if (run == 4 && (bytes[i - 4] == '1' || bytes[i - 4] == '2'))
                return 1;
            run = 0;
        }
    }
    return 0;
}

static int sink_value(void *ud, gs_field_id id, const char *bytes, size_t len,
                      gs_value_kind kind, const gs_loc *loc)
{
    gs_document *d = ud;
    if (id >= d->n_fields || !d->fields[id].field) {
        gs_profile_count_overflow(d->p, 1);
        return 0;
    }
    doc_field *df = &d->fields[id];
    if (d->in_record && df->last_record != d->record_no) {
        df->last_record = d->record_no;
        gs_field_count_present(df->field);
    }
    gs_value_class vc;
    if (gs_field_add(df->field, bytes, len, kind, d->path, loc, &vc) != GS_OK)
        return 1;  /* out of memory: stop this file */
    if (scan_worthy(df, &vc, kind, bytes, len)) {
        value_ctx c = {d, df, vc.type == GS_VT_DATE};
        if (gs_dates_scan_text(bytes, len, loc, d->markers, value_hit, &c) !=
            GS_OK)
            return 1;
    }
    return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static int sink_defect(void *ud, const char *code, const char *detail,
                       const gs_loc *loc)
{
    gs_document *d = ud;
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
    return gs_profile_add_defect(d->p, d->path, code, detail, loc) != GS_OK;
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
    copy_str(d->format, sizeof d->format, "unknown");
    copy_str(d->encoding, sizeof d->encoding, "undetermined");
    d->bom[0] = '\0';
    memset(&d->facts, 0, sizeof d->facts);
    d->facts.path = path;
    d->facts.collection = d->collection;
    d->facts.format = d->format;
    d->facts.encoding = d->encoding;
    d->facts.bom = d->bom;
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
}

static gs_status finish(gs_document *d, gs_status st)
{
    decide_dates(d);
    gs_status ast = GS_OK;
    for (size_t i = 0; ast == GS_OK && i < d->n_codes; i++)
        ast = gs_profile_count_defect_file(d->p, d->codes[i]);
    d->facts.fields = d->n_fields;
    if (ast == GS_OK)
        ast = gs_profile_count_file(d->p, d->collection);
    if (ast == GS_OK)
        ast = gs_profile_add_doc(d->p, &d->facts);
    return st != GS_OK ? st : ast;
}

gs_status gs_document_scan(gs_document *d, const char *path, gs_profile *p)
{
    begin(d, path, p);
    gs_error err = {0};
    gs_source *src = NULL;
    gs_decoder *dec = NULL;
    gs_status st = gs_source_open(path, d->lim, &d->sink, &src, &err);
    if (st != GS_OK) {
        if (st == GS_ENOMEM)
            return finish(d, st);
        d->facts.status = st;
        file_error(d, "file.unreadable", &err);
        return finish(d, GS_OK);
    }
    d->facts.bytes = gs_source_size(src);
    d->facts.mtime = gs_source_mtime(src);
    gs_compression comp = gs_source_compression(src);
    d->facts.compression = gs_compression_name(comp);

    /* The head: up to HEAD_BYTES of decompressed bytes. */
    size_t head = 0, got = 0;
    gs_status rst = GS_OK;
    do {
        rst = gs_source_read(src, d->buf + head, HEAD_BYTES - head, &got, &err);
        head += got;
    } while (rst == GS_OK && got > 0 && head < HEAD_BYTES);

    st = gs_decoder_open(d->lim, &d->sink, &dec);
    if (st != GS_OK)
        goto out;
    st = gs_decoder_detect(dec, d->buf, head);
    if (st != GS_OK)
        goto out;
    const gs_decode_facts *df = gs_decoder_facts(dec);
    copy_str(d->encoding, sizeof d->encoding, df->encoding);
    copy_str(d->bom, sizeof d->bom, df->bom);
    d->facts.encoding_confidence = df->confidence;
    if (df->looks_binary) {
        /* Not text: its bytes would only be noise as UTF-8 defects. */
        copy_str(d->format, sizeof d->format, gs_format_name(GS_FMT_BINARY));
        if (sink_defect(d, "file.binary", "binary content: not profiled",
                        NULL))
            st = GS_ENOMEM;
        goto out;
    }
    st = gs_decoder_feed(dec, d->buf, head, to_stage, d);
    if (st != GS_OK)
        goto out;

    char name[1024];
    name_without_gz(path, comp, name, sizeof name);
    gs_format fmt = gs_sniff_format(d->stage, d->stage_len, name,
                                    df->looks_binary);
    copy_str(d->format, sizeof d->format, gs_format_name(fmt));
    if (fmt == GS_FMT_HTML || fmt == GS_FMT_TEXT || fmt == GS_FMT_MARKDOWN)
        snprintf(d->collection, sizeof d->collection, "%s documents",
                 gs_format_name(fmt));
    if (fmt == GS_FMT_BINARY) {
        if (sink_defect(d, "file.binary", "binary content: not profiled",
                        NULL))
            st = GS_ENOMEM;
        goto out;
    }
    if (fmt == GS_FMT_TEXT || fmt == GS_FMT_MARKDOWN || fmt == GS_FMT_HTML) {
        gs_date_scanner_reset(d->prose,
                              fmt == GS_FMT_HTML ? GS_DATES_MARKUP : 0);
        d->prose_on = 1;
        gs_date_scanner_feed(d->prose, d->stage, d->stage_len, prose_hit, d);
    }
    d->ptype = gs_parser_for(fmt);
    if (d->ptype) {
        st = d->ptype->open(d->lim, &d->sink, &d->parser);
        if (st != GS_OK)
            goto out;
        if (to_parser(d, d->stage, d->stage_len))
            goto out;
    }

    /* The rest of the file, streamed. */
    while (rst == GS_OK && got > 0 && d->parse_st == GS_OK) {
        rst = gs_source_read(src, d->buf, READ_BYTES, &got, &err);
        if (got > 0) {
            st = gs_decoder_feed(dec, d->buf, got, to_content, d);
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
    return finish(d, st);
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

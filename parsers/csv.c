/* csv.c - CSV and TSV. libcsv underneath, gapscan events on top.
 *
 * The first row is the header: each column becomes a field (sink->field) and
 * the facts "csv.delimiter" and "csv.header" are reported. Every later row is
 * one record: record_begin, one GS_VK_TEXT value per cell, record_end.
 *
 * libcsv 3.0.3 leaves four gaps that this file closes:
 *   1. its callbacks return void: a sticky status (p->st) acts as the stop
 *      flag; once set, callbacks do nothing and feed()/finish() return it;
 *   2. it reports no positions: bytes reach libcsv one line segment at a time
 *      (a segment ends after '\n' or '\r'), so every callback fires while
 *      p->line / p->offset describe the segment being parsed;
 *   3. its field buffer grows without bound: the buffer is allocated here with
 *      a hidden header holding its cap (max_field_bytes + 2, room for a
 *      closing quote and the look-ahead libcsv does before each byte), and the
 *      realloc hook refuses to pass the cap. libcsv reports that as
 *      CSV_ENOMEM; a buffer already at the cap tells the limit apart from a
 *      real out-of-memory. A field past the limit ends the file: defect
 *      "csv.field_too_large" and GS_ELIMIT. Long segments go to libcsv in
 *      pieces no longer than its buffer, so the buffer grows geometrically
 *      although libcsv itself adds a fixed block per growth;
 *   4. it trims spaces and tabs around unquoted fields: a space function that
 *      never matches keeps cells byte-exact (padding is a finding upstream).
 *
 * Invariants:
 *   1. Events depend only on the bytes, never on how they were chunked: every
 *      decision (delimiter, row start, line numbers, limits) is taken at a
 *      fixed byte position.
 *   2. record_begin/record_end always pair, even when a row ends in a defect.
 *   3. Memory is bounded by the limits: one field buffer (max_field_bytes),
 *      the header (max_columns names) and a 64 KiB look-ahead for the
 *      delimiter of the first line.
 *   4. Field names are unique per document: empty header cells become
 *      "column_N", duplicates "name~2", cells past the header "column_N"
 *      (N 1-based).
 *
 * Not done here: dialect sniffing beyond ',' vs ';' on the header line,
 * quote characters other than '"', line-ending or encoding findings (decode
 * stage), any statistics.
 */
#include "gapscan/parser.h"

#include <csv.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#define HEAD_MAX ((size_t)64 * 1024) /* look-ahead for the delimiter */
#define BLK_MIN ((size_t)128)
#define PIECE_MIN ((size_t)4096)

/* A growable byte string (memory from gs_realloc). */

/* The set of field names given out so far, so that none repeats. */
typedef struct span {
    size_t off, len;
} span;

typedef struct name_set {
    gs_buf text;     /* all names back to back */
    span *ent;
    size_t n, ent_cap;
    uint32_t *slot; /* open addressing: 0 empty, else ent index + 1 */
    size_t nslot;   /* power of two, >= 2 * n */
} name_set;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static int ns_has(const name_set *ns, const char *s, size_t n)
{
    if (!ns->nslot)
        return 0;
    size_t mask = ns->nslot - 1;
    for (size_t i = (size_t)hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
        uint32_t e = ns->slot[i];
        if (!e)
            return 0;
        const span *sp = &ns->ent[e - 1];
        if (sp->len == n && memcmp(ns->text.p + sp->off, s, n) == 0)
            return 1;
    }
}

static void ns_place(name_set *ns, uint32_t e)
{
    const span *sp = &ns->ent[e - 1];
    size_t mask = ns->nslot - 1;
    size_t i = (size_t)hash_bytes(ns->text.p + sp->off, sp->len) & mask;
    while (ns->slot[i])
        i = (i + 1) & mask;
    ns->slot[i] = e;
}

static gs_status ns_add(name_set *ns, const char *s, size_t n)
{
    if (ns->n == ns->ent_cap) {
        size_t cap = ns->ent_cap ? ns->ent_cap * 2 : 16;
        span *ne = gs_realloc(ns->ent, cap * sizeof *ne);
        if (!ne)
            return GS_ENOMEM;
        ns->ent = ne;
        ns->ent_cap = cap;
    }
    if (2 * (ns->n + 1) > ns->nslot) {
        size_t nslot = ns->nslot ? ns->nslot * 2 : 32;
        uint32_t *slot = gs_calloc(nslot, sizeof *slot);
        if (!slot)
            return GS_ENOMEM;
        gs_free(ns->slot);
        ns->slot = slot;
        ns->nslot = nslot;
        for (size_t e = 1; e <= ns->n; e++)
            ns_place(ns, (uint32_t)e);
    }
    size_t off = ns->text.len;
    gs_status st = gs_buf_append(&ns->text, s, n);
    if (st != GS_OK)
        return st;
    ns->ent[ns->n++] = (span){off, n};
    ns_place(ns, (uint32_t)ns->n);
    return GS_OK;
}

static void ns_free(name_set *ns)
{
    gs_free(ns->text.p);
    gs_free(ns->ent);
    gs_free(ns->slot);
}

/* libcsv's field buffer, capped. The header sits before the bytes libcsv
 * sees; libcsv only ever hands the buffer back to these two hooks. */
typedef union buf_hdr {
    max_align_t align;
    size_t cap;
} buf_hdr;

static void *capped_realloc(void *ptr, size_t n)
{
    if (!ptr) /* never: csv_open allocates the first block */
        return NULL;
    buf_hdr *h = (buf_hdr *)ptr - 1;
    if (n > h->cap)
        return NULL; /* libcsv halves its request, then fails: CSV_ENOMEM */
    buf_hdr *nh = gs_realloc(h, sizeof *h + n);
    return nh ? nh + 1 : NULL;
}

static void capped_free(void *ptr)
{
    if (ptr)
        gs_free((buf_hdr *)ptr - 1);
}

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;         /* first non-OK status; sticky */
    struct csv_parser cp;
    int cp_live;          /* cp holds a buffer to free */
    size_t buf_cap;       /* the field buffer's cap */
    char delim;
    int decided;          /* delimiter chosen (always for TSV) */
    gs_buf head;           /* first-line look-ahead until decided */
    int head_inq;

    uint64_t offset;      /* stream offset of the segment being parsed */
    uint64_t line;        /* its line, 1-based */
    int skipping;         /* after a malformed quote: drop to end of line */
    int q_in, q_after;    /* quote lexer: inside quotes, just closed one */
    uint64_t q_line;      /* line where the open quote opened */

    int in_row;           /* libcsv is inside a row (header or data) */
    int header_done;
    size_t ncells;        /* cells of the current row so far */
    uint64_t rec;         /* data rows begun */
    gs_loc row;           /* location of the current data row */

    gs_buf header;         /* header cells joined by the delimiter */
    span *hcell;          /* header cells inside `header` */
    size_t nhcell, hcell_cap;
    gs_field_id *ids;     /* field id per column */
    size_t nids, ids_cap;
    name_set names;
};

static void fail(gs_parser *p, gs_status st)
{
    if (p->st == GS_OK)
        p->st = st;
}

static void cancel_if(gs_parser *p, int rc)
{
    if (rc)
        fail(p, GS_ECANCELED);
}

static gs_loc here(const gs_parser *p)
{
    return (gs_loc){.offset = p->offset, .line = p->line, .col = 0,
                    .record = p->header_done ? p->rec : 0};
}

static void defect(gs_parser *p, const char *code, const char *detail,
                   const gs_loc *loc)
{
    if (p->st == GS_OK)
        cancel_if(p, p->sink->defect(p->sink->ud, code, detail, loc));
}

/* Ends the data row that is open, if any (header rows have no record). */
static void end_record(gs_parser *p)
{
    int data_row = p->in_row && p->header_done;
    p->in_row = 0;
    if (data_row && p->st == GS_OK)
        cancel_if(p, p->sink->record_end(p->sink->ud, &p->row));
}

/* A limit ends the file: defect at the current position, close the row. */
static void limit_hit(gs_parser *p, const char *code, const char *detail)
{
    gs_loc loc = here(p);
    defect(p, code, detail, &loc);
    end_record(p);
    fail(p, GS_ELIMIT);
}

static gs_status intern_unique(gs_parser *p, const char *name, size_t n,
                               gs_field_id *out)
{
    gs_status st = GS_OK;
    char *tmp = NULL;
    const char *use = name;
    size_t use_len = n;
    if (ns_has(&p->names, name, n)) {
        tmp = gs_malloc(n + 24);
        if (!tmp)
            return GS_ENOMEM;
        for (unsigned long k = 2;; k++) {
            memcpy(tmp, name, n);
            use_len = n + (size_t)snprintf(tmp + n, 24, "~%lu", k);
            if (!ns_has(&p->names, tmp, use_len))
                break;
        }
        use = tmp;
    }
    st = ns_add(&p->names, use, use_len);
    if (st != GS_OK)
        goto out;
    *out = p->sink->field(p->sink->ud, use, use_len);
out:
    gs_free(tmp);
    return st;
}

static gs_status ensure_ids(gs_parser *p, size_t n)
{
    if (n <= p->ids_cap)
        return GS_OK;
    size_t cap = p->ids_cap ? p->ids_cap : 16;
    while (cap < n)
        cap *= 2;
    gs_field_id *ni = gs_realloc(p->ids, cap * sizeof *ni);
    if (!ni)
        return GS_ENOMEM;
    p->ids = ni;
    p->ids_cap = cap;
    return GS_OK;
}

/* Column i (0-based) of a data row past the header: "column_N". */
static gs_status extend_columns(gs_parser *p, size_t i)
{
    gs_status st = ensure_ids(p, i + 1);
    while (st == GS_OK && p->nids <= i) {
        char name[32];
        int n = snprintf(name, sizeof name, "column_%zu", p->nids + 1);
        st = intern_unique(p, name, (size_t)n, &p->ids[p->nids]);
        if (st == GS_OK)
            p->nids++;
    }
    return st;
}

static void header_cell(gs_parser *p, const char *s, size_t len)
{
    gs_status st = GS_OK;
    if (p->nhcell == p->hcell_cap) {
        size_t cap = p->hcell_cap ? p->hcell_cap * 2 : 16;
        span *nc = gs_realloc(p->hcell, cap * sizeof *nc);
        if (!nc) {
            fail(p, GS_ENOMEM);
            return;
        }
        p->hcell = nc;
        p->hcell_cap = cap;
    }
    if (p->nhcell)
        st = gs_buf_append(&p->header, &p->delim, 1);
    size_t off = p->header.len;
    if (st == GS_OK)
        st = gs_buf_append(&p->header, s, len);
    if (st != GS_OK) {
        fail(p, st);
        return;
    }
    p->hcell[p->nhcell++] = (span){off, len};
}

static void header_end(gs_parser *p)
{
    gs_status st = ensure_ids(p, p->nhcell);
    p->header_done = 1;
    p->in_row = 0;
    for (size_t i = 0; st == GS_OK && i < p->nhcell; i++) {
        char gen[32];
        const char *name = p->header.p + p->hcell[i].off;
        size_t n = p->hcell[i].len;
        if (n == 0) {
            n = (size_t)snprintf(gen, sizeof gen, "column_%zu", i + 1);
            name = gen;
        }
        st = intern_unique(p, name, n, &p->ids[i]);
        p->nids = i + 1;
    }
    if (st == GS_OK)
        st = gs_buf_append(&p->header, "", 1);
    if (st != GS_OK) {
        fail(p, st);
        return;
    }
    if (p->sink->fact) {
        char d[2] = {p->delim, '\0'};
        cancel_if(p, p->sink->fact(p->sink->ud, "csv.delimiter", d));
        if (p->st == GS_OK)
            cancel_if(p, p->sink->fact(p->sink->ud, "csv.header",
                                       p->header.p));
    }
}

static void row_begin(gs_parser *p)
{
    p->in_row = 1;
    p->ncells = 0;
    if (!p->header_done)
        return;
    p->rec++;
    p->row = (gs_loc){.offset = p->offset, .line = p->line, .col = 0,
                      .record = p->rec};
    cancel_if(p, p->sink->record_begin(p->sink->ud, &p->row));
}

/* libcsv field callback. */
static void on_cell(void *s, size_t len, void *data)
{
    gs_parser *p = data;
    if (p->st != GS_OK)
        return;
    if (len > p->lim->max_field_bytes) {
        limit_hit(p, "csv.field_too_large", "field longer than the limit");
        return;
    }
    size_t i = p->ncells++;
    if (p->ncells > p->lim->max_columns) {
        limit_hit(p, "csv.too_many_columns", "more cells than the limit");
        return;
    }
    if (!p->header_done) {
        header_cell(p, s, len);
        return;
    }
    if (i >= p->nids) {
        gs_status st = extend_columns(p, i);
        if (st != GS_OK) {
            fail(p, st);
            return;
        }
    }
    cancel_if(p, p->sink->value(p->sink->ud, p->ids[i], s, len, GS_VK_TEXT,
                                &p->row));
}

/* libcsv row callback. */
static void on_row(int c, void *data)
{
    gs_parser *p = data;
    (void)c;
    if (p->st != GS_OK)
        return;
    if (!p->header_done) {
        header_end(p);
        return;
    }
    if (p->ncells != p->nhcell) {
        char detail[96];
        snprintf(detail, sizeof detail, "expected %zu cells, found %zu",
                 p->nhcell, p->ncells);
        defect(p, "csv.ragged_row", detail, &p->row);
    }
    end_record(p);
}

/* Tracks where the quote that is open (if any) opened, for the
 * unterminated-quote defect. Doubled quotes inside a quoted field close and
 * reopen at once and keep the original line. */
static void quote_scan(gs_parser *p, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *q = memchr(s, '"', (size_t)(end - s));
        if (!q) {
            p->q_after = 0;
            return;
        }
        if (q != s)
            p->q_after = 0;
        if (p->q_in) {
            p->q_in = 0;
            p->q_after = 1;
        } else if (p->q_after) {
            p->q_in = 1;
            p->q_after = 0;
        } else {
            p->q_in = 1;
            p->q_line = p->line;
        }
        s = q + 1;
    }
}

/* Forget the broken row and restart libcsv at the next line. */
static void malformed(gs_parser *p)
{
    gs_loc loc = here(p);
    defect(p, "csv.malformed_quote", "unexpected quote character", &loc);
    if (!p->header_done && p->in_row) {
        if (p->st == GS_OK)
            header_end(p);
    } else {
        end_record(p);
    }
    p->in_row = 0;
    p->q_in = p->q_after = 0;
    csv_set_opts(&p->cp, CSV_STRICT);
    csv_fini(&p->cp, NULL, NULL, NULL); /* resets libcsv's state, no calls */
    csv_set_opts(&p->cp, CSV_STRICT | CSV_STRICT_FINI);
}

static int is_term(char c)
{
    return c == '\n' || c == '\r';
}

/* libcsv stopped short of the end of what it was given. */
static void parse_error(gs_parser *p, char last)
{
    int e = csv_error(&p->cp);
    if (e == CSV_EPARSE) {
        malformed(p);
        p->skipping = !is_term(last);
    } else if (e == CSV_ENOMEM &&
               csv_get_buffer_size(&p->cp) >= p->buf_cap) {
        /* capped_realloc refused: every retry would pass the cap */
        limit_hit(p, "csv.field_too_large", "field longer than the limit");
    } else {
        fail(p, GS_ENOMEM);
    }
}

/* Parse bytes that lie within one line and hold at most one terminator,
 * as their last byte. libcsv grows its buffer by a fixed block within one
 * call, so a long segment goes in pieces no longer than the buffer, with the
 * block reset to the buffer's size before each: growth stays geometric. */
static void parse_segment(gs_parser *p, const char *s, size_t n)
{
    if (!p->in_row && !is_term(s[0]))
        row_begin(p);
    for (size_t off = 0; off < n && p->st == GS_OK;) {
        size_t have = csv_get_buffer_size(&p->cp);
        size_t piece = n - off;
        size_t most = have > PIECE_MIN ? have : PIECE_MIN;
        if (piece > most)
            piece = most;
        csv_set_blk_size(&p->cp, have < BLK_MIN ? BLK_MIN : have);
        size_t done = csv_parse(&p->cp, s + off, piece, on_cell, on_row, p);
        quote_scan(p, s + off, done);
        if (p->st == GS_OK && done < piece) {
            parse_error(p, s[n - 1]);
            break;
        }
        off += piece;
    }
    p->offset += n;
    if (s[n - 1] == '\n')
        p->line++;
}

static void feed_bytes(gs_parser *p, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && p->st == GS_OK) {
        size_t j = i;
        while (j < len && !is_term(buf[j]))
            j++;
        size_t end = j < len ? j + 1 : len;
        if (p->skipping) {
            if (j < len)
                p->skipping = 0;
            if (buf[end - 1] == '\n')
                p->line++;
            p->offset += end - i;
        } else {
            parse_segment(p, buf + i, end - i);
        }
        i = end;
    }
}

/* ',' unless the header line clearly uses ';' (more ';' than ',' outside
 * quotes). Full dialect sniffing belongs to a later stage. */
static void decide(gs_parser *p)
{
    size_t commas = 0, semis = 0;
    int inq = 0;
    for (size_t i = 0; i < p->head.len; i++) {
        char c = p->head.p[i];
        if (c == '"')
            inq = !inq;
        else if (!inq && c == ',')
            commas++;
        else if (!inq && c == ';')
            semis++;
    }
    p->delim = semis > commas ? ';' : ',';
    csv_set_delim(&p->cp, (unsigned char)p->delim);
    p->decided = 1;
    feed_bytes(p, p->head.p, p->head.len);
    gs_free(p->head.p);
    p->head = (gs_buf){0};
}

/* Takes bytes into the look-ahead until the first line (outside quotes)
 * ends or HEAD_MAX is reached; returns how many bytes it took. */
static size_t look_ahead(gs_parser *p, const char *buf, size_t len)
{
    size_t i = 0;
    int done = 0;
    while (i < len && !done) {
        char c = buf[i++];
        if (c == '"')
            p->head_inq = !p->head_inq;
        done = (c == '\n' && !p->head_inq) || p->head.len + i >= HEAD_MAX;
    }
    gs_status st = gs_buf_append(&p->head, buf, i);
    if (st != GS_OK)
        fail(p, st);
    else if (done)
        decide(p);
    return i;
}

static gs_status csv_feed(gs_parser *p, const char *buf, size_t len)
{
    if (p->st != GS_OK)
        return p->st;
    if (!p->decided) {
        size_t took = look_ahead(p, buf, len);
        buf += took;
        len -= took;
    }
    if (p->st == GS_OK && len)
        feed_bytes(p, buf, len);
    return p->st;
}

static gs_status csv_finish(gs_parser *p)
{
    if (p->st == GS_OK && !p->decided)
        decide(p);
    if (p->st != GS_OK)
        return p->st;
    if (csv_fini(&p->cp, on_cell, on_row, p) != 0 && p->st == GS_OK &&
        csv_error(&p->cp) == CSV_EPARSE) {
        gs_loc loc = here(p);
        loc.line = p->q_line;
        loc.offset = 0;
        defect(p, "csv.unterminated_quote", "quoted field not closed at end "
               "of input", &loc);
        /* Deliver what was read of the row, as libcsv saw it. */
        csv_set_opts(&p->cp, CSV_STRICT);
        if (p->st == GS_OK)
            csv_fini(&p->cp, on_cell, on_row, p);
    }
    return p->st;
}

static void csv_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->cp_live)
        csv_free(&p->cp);
    gs_free(p->head.p);
    gs_free(p->header.p);
    gs_free(p->hcell);
    gs_free(p->ids);
    ns_free(&p->names);
    gs_free(p);
}

static gs_status open_common(const gs_limits *lim, const gs_sink *sink,
                             char delim, gs_parser **out)
{
    gs_status st = GS_ENOMEM;
    *out = NULL;
    if (!lim || !sink || !sink->field || !sink->record_begin ||
        !sink->record_end || !sink->value || !sink->defect)
        return GS_EINVAL;
    gs_parser *p = gs_calloc(1, sizeof *p);
    if (!p)
        goto fail;
    p->lim = lim;
    p->sink = sink;
    p->line = 1;
    p->delim = delim;
    p->decided = delim != ',';
    size_t slack = 2 + sizeof(buf_hdr);
    p->buf_cap = lim->max_field_bytes > SIZE_MAX - slack
                     ? SIZE_MAX - slack
                     : lim->max_field_bytes + 2;
    if (csv_init(&p->cp, CSV_STRICT | CSV_STRICT_FINI) != 0)
        goto fail;
    csv_set_delim(&p->cp, (unsigned char)delim);
    csv_set_space_func(&p->cp, never_space);
    csv_set_realloc_func(&p->cp, capped_realloc);
    csv_set_free_func(&p->cp, capped_free);
    /* libcsv's first allocation would come with no buffer to read the cap
     * from, so the first block is made here (csv.h exposes these fields). */
    size_t first = p->buf_cap < 256 ? p->buf_cap : 256;
    buf_hdr *h = gs_malloc(sizeof *h + first);
    if (!h)
        goto fail;
    h->cap = p->buf_cap;
    p->cp.entry_buf = (unsigned char *)(h + 1);
    p->cp.entry_size = first;
    p->cp_live = 1;
    *out = p;
    return GS_OK;
fail:
    csv_close(p);
    return st;
}

static gs_status csv_open(const gs_limits *lim, const gs_sink *sink,
                          gs_parser **out)
{
    return open_common(lim, sink, ',', out);
}

static gs_status tsv_open(const gs_limits *lim, const gs_sink *sink,
                          gs_parser **out)
{
    return open_common(lim, sink, '\t', out);
}

const gs_parser_type gs_csv_parser_type = {
    .name = "csv", .format = GS_FMT_CSV, .open = csv_open,
    .feed = csv_feed, .finish = csv_finish, .close = csv_close,
};

const gs_parser_type gs_tsv_parser_type = {
    .name = "tsv", .format = GS_FMT_TSV, .open = tsv_open,
    .feed = csv_feed, .finish = csv_finish, .close = csv_close,
};

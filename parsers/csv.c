/* csv.c - CSV and TSV. libcsv underneath, gapscan events on top.
 *
 * The dialect is sniffed from the head of the file, then every row becomes
 * events: with a header, its cells name the fields (sink->field) and every
 * later row is one record; without one, the fields are column_1..N and the
 * first row is a record too. A record is record_begin, one GS_VK_TEXT value
 * per cell, record_end. Blank lines are no records.
 *
 * Dialect sniffing. The first HEAD_MAX (64 KiB) bytes, or the whole input if
 * shorter, are held back; at that fixed byte position (or at finish) the
 * dialect is chosen from them, then they are parsed like any other bytes.
 *   - Delimiter and quote: every pair of a delimiter from SNIFF_DELIMS
 *     (TSV: tab only) and a quote ('"', '\'' or none) splits the sample's
 *     records, quote-aware, as libcsv in strict mode would. A pair scores
 *     P x T, the data-consistency measure of van den Burg et al. (2019): P
 *     rewards rows that agree on their cell count (the sum over distinct
 *     counts L of rows(L) * (L - 1) / L, divided by how many distinct counts
 *     there are); T is the share of clean cells: quoted, empty, numeric or
 *     date-like, or text with no candidate delimiter in it, not starting or
 *     ending with a quote character, and no quote where strict libcsv would
 *     stop. The best score wins; ties go to the earlier candidate, so a file
 *     with no delimiter or quote in it reads as ',' (TSV: tab) and '"', and
 *     a file whose '"' are stray reads as unquoted before single-quoted.
 *   - Header: the first row votes cell by cell, as Python's csv.Sniffer does:
 *     +1 when its column below is numeric or date-like and the cell is not,
 *     or when the column's text has one length and the cell another; -1 when
 *     the cell itself is numeric, when the lengths agree, and per duplicate
 *     name. A header is present unless the votes are negative.
 *   - A leading U+FEFF (normally stripped upstream) is skipped, never data.
 *   Facts: "csv.delimiter" (the byte), "csv.quote" ("\"", "'" or "none"),
 *   "csv.header" ("present" or "absent") once a non-blank byte is seen, and
 *   "csv.header_names" (the header cells joined by the delimiter).
 *
 * Unterminated quote. While a quoted field is open, the bytes since its
 * opening quote are kept (the replay). A quote counts as never closed when
 * the input ends inside it, or when it closes on a later line than it
 * opened and text follows the closing quote (a stray quote far below paired
 * with it). Then the defect "csv.unterminated_quote" is reported where the
 * quote opened; libcsv is reset; the rest of the opening line is read with
 * quoting off (so its row ends there, cells as written), and the replayed
 * bytes after that line are parsed again from scratch, followed by the rest
 * of the input. Because a quoted field that passes max_field_bytes is
 * "csv.field_too_large" and ends the file (the field limit, below), the
 * replay never holds more than 2 x max_field_bytes + 6 bytes (each cell
 * byte is at most a doubled quote). One replay suffices: every quote left
 * in those bytes was one of a doubled pair, and from a fresh start such a
 * run closes on the line where it opens.
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
 * "No quote" is libcsv's quote set to 0xFF, a byte UTF-8 never holds.
 *
 * Rows without libcsv. libcsv costs ~50 instructions a byte; most rows need
 * none of it. At a row start, fast_row finds the delimiter, quote and line
 * end bytes of what follows (SSE2, 64 bytes at a time, where the compiler
 * has it; a byte table otherwise) and takes the row if strict libcsv would
 * read it without an error: every quote opens a cell and closes it right
 * before the delimiter or a line end, with doubled quotes and line ends
 * inside allowed; the row ends in the bytes at hand, is no longer than
 * max_field_bytes and has at most PLAIN_CELLS and max_columns cells (so
 * neither limit can be reached in it). Such a row gets libcsv's callbacks
 * with exactly what libcsv would pass (a doubled quote made single in a
 * reused buffer), and the position (line, offset, line start) and the quote
 * lexer end as the segment-by-segment parse would leave them (during its
 * callbacks the position is the row's start: only a limit, which cannot be
 * reached there, would report it). A line end at
 * a row start is a blank line that libcsv skips; it is skipped here too.
 * Any other row, or one cut by the end of a chunk, goes to libcsv from its
 * start, so events do not depend on which path a row took (a test runs
 * every input through SSE2, scalar and libcsv-only and compares).
 *
 * Invariants:
 *   1. Events depend only on the bytes, never on how they were chunked: every
 *      decision (dialect, row start, line numbers, limits, recovery) is taken
 *      at a fixed byte position.
 *   2. record_begin/record_end always pair, even when a row ends in a defect.
 *   3. Memory is bounded by the limits: one field buffer (max_field_bytes),
 *      the replay (above), the header (max_columns names), the 64 KiB head
 *      and fast_row's unescaped cell (max_field_bytes).
 *   4. Field names are unique per document: empty header cells become
 *      "column_N", duplicates "name~2", cells past the header "column_N"
 *      (N 1-based).
 *   5. A row whose cell count differs from the header's (without a header:
 *      the first row's) is "csv.ragged_row" and is still profiled. A row past
 *      max_columns cells is "csv.too_many_columns" and ends the file.
 *
 * A range of a split file (csv.h). gs_csv_resume reads the file's head in
 * a quiet mode (p->prelude: field names only, no fact, record, value or
 * defect) up to the end of the header, or without one of the first row, so
 * the dialect, names and row width are the whole parse's; then it forgets
 * the position and libcsv's state, and the range's bytes follow from a
 * record start. gs_csv_rows follows libcsv's strict grammar over raw bytes,
 * without copying, to find record starts for the split.
 *
 * Not done here: escape characters (backslash) and comment lines, line-ending
 * or encoding findings (decode stage), any statistics.
 */
#include "gapscan/csv.h"

#include <csv.h>
#include <stdalign.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>

#define HEAD_MAX ((size_t)64 * 1024) /* sample for the dialect */
#define BLK_MIN ((size_t)128)
#define PIECE_MIN ((size_t)4096)
#define NO_QUOTE 0xFF                /* libcsv's quote when there is none */
#define PLAIN_CELLS 256              /* cells of a row split without libcsv */

/* How rows are found (gs_parser.scan, rows_feed's path): whole rows over
 * masks of their special bytes made with SSE2 where the compiler has it,
 * or byte by byte; or the reference, SCAN_SLOW: every row through libcsv
 * (the parser), every byte through the state machine (gs_csv_rows). Only
 * tests choose anything but the first, to compare the three. */
enum { SCAN_SIMD, SCAN_SCALAR, SCAN_SLOW };

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

/* ---- dialect sniffing ------------------------------------------------- */

/* Candidate delimiters, in order of preference on a tie. */
static const char SNIFF_DELIMS[] = {',', '\t', ';', '|', ':', '^', '~'};
#define N_DELIMS sizeof SNIFF_DELIMS
static const int SNIFF_QUOTES[] = {'"', -1, '\''}; /* -1: no quoting */
#define N_QUOTES (sizeof SNIFF_QUOTES / sizeof SNIFF_QUOTES[0])
#define MAX_PATTERNS 64  /* distinct row widths tracked while scoring */
#define VOTE_COLS 256    /* header columns that vote */

static int is_term(char c)
{
    return c == '\n' || c == '\r';
}

/* Splits a sample into cells under one dialect, as libcsv in strict mode
 * would, without copying. A record cut by the end of the sample is not
 * returned unless the sample is the whole input (at_eof); then a quote left
 * open is read as the parser recovers from it: its line as unquoted text. */
typedef struct lexer {
    const char *s;
    size_t n, pos;
    int at_eof, mid_row;
    int literal;    /* rest of the line unquoted: a quote never closed */
    char delim;
    int quote;      /* -1: none */
} lexer;

typedef struct cell {
    const char *p;  /* raw bytes (quoted: between the quotes, as written) */
    size_t len;
    int quoted;     /* opened and closed by the quote character */
    int bad;        /* a quote where strict libcsv would stop */
    int ends_row;
} cell;

static int is_cell_end(const lexer *lx, size_t i)
{
    return lx->s[i] == lx->delim || is_term(lx->s[i]);
}

/* A quoted cell whose opening quote is at *i: 1 with *i past its end, 0 if
 * the sample ends before that is known, -1 if the quote counts as never
 * closed (see "Unterminated quote"). */
static int lex_quoted(lexer *lx, cell *c, size_t *i)
{
    size_t k = *i + 1;
    int lines = 0;
    for (;; k++) {
        if (k == lx->n)
            return lx->at_eof ? -1 : 0;
        lines |= is_term(lx->s[k]);
        if (lx->s[k] != lx->quote)
            continue;
        if (k + 1 == lx->n && !lx->at_eof)
            return 0;        /* closing or doubled: not known yet */
        if (k + 1 == lx->n || lx->s[k + 1] != lx->quote)
            break;
        k++;                 /* a doubled quote */
    }
    if (k + 1 < lx->n && !is_cell_end(lx, k + 1) && lines)
        return -1;           /* closed on a later line, then text */
    c->quoted = 1;
    c->p = lx->s + *i + 1;
    c->len = k - (*i + 1);
    for (k++; k < lx->n && !is_cell_end(lx, k); k++)
        c->bad = 1;          /* text after the closing quote */
    *i = k;
    return 1;
}

/* The next cell: 1, or 0 at the end of the usable sample. */
static int lex_cell(lexer *lx, cell *c)
{
    size_t i = lx->pos;
    int quote = lx->literal ? -1 : lx->quote;
    *c = (cell){.p = lx->s + i};
    if (!lx->mid_row) {
        while (i < lx->n && is_term(lx->s[i]))
            i++;             /* blank lines are no records */
        if (i == lx->n)
            return 0;
    }
    if (i < lx->n && quote >= 0 && lx->s[i] == quote) {
        int r = lex_quoted(lx, c, &i);
        if (r == 0)
            return 0;
        if (r < 0) {
            lx->literal = 1;
            quote = -1;
            c->bad = 1;
        }
    }
    if (!c->quoted) {
        c->p = lx->s + i;
        for (; i < lx->n && !is_cell_end(lx, i); i++)
            if (quote >= 0 && lx->s[i] == quote)
                c->bad = 1;  /* a quote inside an unquoted cell */
        c->len = (size_t)(lx->s + i - c->p);
    }
    if (i == lx->n && !lx->at_eof)
        return 0;
    c->ends_row = i == lx->n || is_term(lx->s[i]);
    lx->mid_row = !c->ends_row;
    lx->literal &= lx->mid_row;
    lx->pos = i < lx->n ? i + 1 : i;
    return 1;
}

/* Digits with the punctuation of numbers, dates and times ("3,50",
 * "-1.5e3", "2024-01-31T10:00Z", "12 %"). */
static int numeric_ish(const char *s, size_t n)
{
    static const char lead[] = "0123456789+-.";
    static const char other[] = "+-.,:/ %eETZ";
    size_t digits = 0;
    if (n == 0 || !memchr(lead, s[0], sizeof lead - 1))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (!memchr(other, s[i], sizeof other - 1))
            return 0;
    }
    return digits > 0;
}

static int is_quote_char(char c)
{
    return c == '"' || c == '\'';
}

/* A cell that a right dialect would produce: quoted, empty, numeric, or
 * text that neither starts nor ends with a quote character and holds no
 * candidate delimiter (but the ':' of "://"). */
static int cell_clean(const cell *c)
{
    if (c->bad)
        return 0;
    if (c->quoted || c->len == 0 || numeric_ish(c->p, c->len))
        return 1;
    if (is_quote_char(c->p[0]) || is_quote_char(c->p[c->len - 1]))
        return 0;
    for (size_t i = 0; i < c->len; i++) {
        if (!memchr(SNIFF_DELIMS, c->p[i], N_DELIMS))
            continue;
        if (c->p[i] == ':' && i + 2 < c->len && c->p[i + 1] == '/' &&
            c->p[i + 2] == '/')
            continue;
        return 0;
    }
    return 1;
}

typedef struct tally {
    size_t rows, cells, clean;
    size_t width[MAX_PATTERNS], count[MAX_PATTERNS];
    size_t npat;
    double rare;     /* rows of widths past MAX_PATTERNS, each its own */
    size_t nrare;
} tally;

static void tally_row(tally *t, size_t width)
{
    t->rows++;
    for (size_t k = 0; k < t->npat; k++) {
        if (t->width[k] == width) {
            t->count[k]++;
            return;
        }
    }
    if (t->npat < MAX_PATTERNS) {
        t->width[t->npat] = width;
        t->count[t->npat++] = 1;
    } else {
        t->rare += (double)(width - 1) / (double)width;
        t->nrare++;
    }
}

/* P x T of the header comment; 0 for a dialect that splits nothing. */
static double dialect_score(const char *s, size_t n, int at_eof, char delim,
                            int quote)
{
    lexer lx = {.s = s, .n = n, .at_eof = at_eof, .delim = delim,
                .quote = quote};
    tally t = {0};
    size_t width = 0, clean = 0;
    cell c;
    while (lex_cell(&lx, &c)) {
        width++;
        clean += (size_t)cell_clean(&c);
        if (!c.ends_row)
            continue;
        tally_row(&t, width);
        t.cells += width;
        t.clean += clean;
        width = clean = 0;
    }
    if (t.rows == 0)
        return 0;
    double p = t.rare;
    for (size_t k = 0; k < t.npat; k++)
        p += (double)t.count[k] * (double)(t.width[k] - 1) /
             (double)t.width[k];
    p /= (double)(t.npat + t.nrare);
    return p * (double)t.clean / (double)t.cells;
}

typedef struct dialect {
    char delim;
    int quote;       /* -1: none */
    int header;
} dialect;

/* What one header column votes: see the header comment. */
typedef struct column_vote {
    const char *name;
    size_t name_len;
    size_t values;   /* non-empty cells below */
    size_t len;      /* their common length, or SIZE_MAX */
    int numeric;     /* all of them numeric or date-like */
} column_vote;

static void vote_value(column_vote *v, const cell *c)
{
    if (c->len == 0)
        return;
    int num = numeric_ish(c->p, c->len);
    if (v->values++ == 0) {
        v->len = c->len;
        v->numeric = num;
        return;
    }
    if (v->len != c->len)
        v->len = SIZE_MAX;
    v->numeric &= num;
}

static long column_votes(const column_vote *v, size_t ncol)
{
    long votes = 0;
    for (size_t i = 0; i < ncol; i++) {
        if (v[i].name_len == 0)
            continue;
        if (numeric_ish(v[i].name, v[i].name_len))
            votes--;
        else if (v[i].values && v[i].numeric)
            votes++;
        else if (v[i].values >= 2 && v[i].len != SIZE_MAX)
            votes += v[i].len != v[i].name_len ? 1 : -1;
        for (size_t j = 0; j < i; j++)
            if (v[j].name_len == v[i].name_len &&
                memcmp(v[j].name, v[i].name, v[i].name_len) == 0)
                votes--;
    }
    return votes;
}

static int sniff_header(const char *s, size_t n, int at_eof, const dialect *d)
{
    lexer lx = {.s = s, .n = n, .at_eof = at_eof, .delim = d->delim,
                .quote = d->quote};
    column_vote v[VOTE_COLS];
    size_t ncol = 0, col = 0;
    int first = 1;
    cell c;
    while (lex_cell(&lx, &c)) {
        if (first && col < VOTE_COLS) {
            v[col] = (column_vote){.name = c.p, .name_len = c.len};
            ncol = col + 1;
        } else if (!first && col < ncol) {
            vote_value(&v[col], &c);
        }
        col++;
        if (c.ends_row) {
            col = 0;
            first = 0;
        }
    }
    return column_votes(v, ncol) >= 0;
}

/* The dialect of a sample; fixed_delim (TSV) leaves only quote and header
 * to decide. A delimiter absent from the sample scores 0, and a quote
 * character absent from it splits like the candidate before it, which wins
 * the tie: neither is scored. */
static dialect sniff_dialect(const char *s, size_t n, int at_eof,
                             char fixed_delim)
{
    dialect best = {.delim = fixed_delim ? fixed_delim : ',', .quote = '"'};
    if (n == 0)  /* an empty file: s may be NULL, which memchr must not see */
        return best;
    double top = 0;
    int dq = memchr(s, '"', n) != NULL, sq = memchr(s, '\'', n) != NULL;
    for (size_t i = 0; i < N_DELIMS; i++) {
        char delim = fixed_delim ? fixed_delim : SNIFF_DELIMS[i];
        if (!memchr(s, delim, n))
            continue;
        for (size_t k = 0; k < N_QUOTES; k++) {
            int q = SNIFF_QUOTES[k];
            if ((q < 0 && !dq) || (q == '\'' && !sq))
                continue;      /* the same split as a candidate before */
            double sc = dialect_score(s, n, at_eof, delim, q);
            if (sc > top) {
                top = sc;
                best.delim = delim;
                best.quote = SNIFF_QUOTES[k];
            }
        }
        if (fixed_delim)
            break;
    }
    best.header = sniff_header(s, n, at_eof, &best);
    return best;
}

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;         /* first non-OK status; sticky */
    struct csv_parser cp;
    int cp_live;          /* cp holds a buffer to free */
    size_t buf_cap;       /* the field buffer's cap */
    char fixed_delim;     /* TSV: '\t'; CSV: 0, sniffed */
    char delim;
    int quote;            /* quote character, -1 for none */
    unsigned char stop[256]; /* 1 for the delimiter, the quote (NO_QUOTE
                                for none), '\n' and '\r' */
    int scan;             /* how rows are split: SCAN_SIMD unless a test
                             asks for a slower path to compare with */
    gs_buf unq;           /* a fast_row cell with its doubled quotes
                             made single; at most max_field_bytes */
    int decided;          /* dialect chosen */
    gs_buf head;          /* the sample, until decided */
    gs_csv_dialect dialect;
    int prelude;          /* gs_csv_resume: reading the head only for the
                             header and row width, reporting nothing */
    int prelude_done;     /* they are known: read no further */
    gs_csv_dialect known; /* gs_csv_resume's dialect, if given (delim 0:
                             none): taken instead of sniffing */

    uint64_t offset;      /* stream offset of the segment being parsed */
    uint64_t line;        /* its line, 1-based */
    uint64_t line_start;  /* stream offset where that line starts */
    int skipping;         /* after a malformed quote: drop to end of line */
    int q_in, q_after;    /* quote lexer: inside quotes, just closed one */
    uint64_t q_line, q_col, q_off; /* where the open quote opened */
    gs_buf replay;        /* bytes since the open quote opened */

    int in_row;           /* libcsv is inside a row (header or data) */
    int header_done;      /* header read, or there is none */
    size_t width;         /* cells a row should have; 0 until known */
    size_t ncells;        /* cells of the current row so far */
    uint64_t rec;         /* data rows begun */
    gs_loc row;           /* location of the current data row */

    gs_buf header;        /* header cells joined by the delimiter */
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
    if (p->st == GS_OK && !p->prelude)
        cancel_if(p, p->sink->defect(p->sink->ud, code, detail, loc));
}

static void fact(gs_parser *p, const char *key, const char *value)
{
    if (p->st == GS_OK && p->sink->fact && !p->prelude)
        cancel_if(p, p->sink->fact(p->sink->ud, key, value));
}

/* Ends the data row that is open, if any (header rows have no record). */
static void end_record(gs_parser *p)
{
    int data_row = p->in_row && p->header_done && !p->prelude;
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
    p->prelude_done = p->prelude;
    p->in_row = 0;
    p->width = p->nhcell;
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
    fact(p, "csv.header_names", p->header.p);
}

static void row_begin(gs_parser *p)
{
    p->in_row = 1;
    p->ncells = 0;
    if (!p->header_done || p->prelude)
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
    if (p->prelude)  /* no header: the first row is counted only */
        return;
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
    if (p->width == 0) {
        p->width = p->ncells; /* no header: the first row sets the width */
        p->prelude_done = p->prelude;
    } else if (p->ncells != p->width) {
        char detail[96];
        snprintf(detail, sizeof detail, "expected %zu cells, found %zu",
                 p->width, p->ncells);
        defect(p, "csv.ragged_row", detail, &p->row);
    }
    end_record(p);
}

static void keep(gs_parser *p, const char *s, size_t n)
{
    gs_status st = gs_buf_append(&p->replay, s, n);
    if (st != GS_OK)
        fail(p, st);
}

/* Follows the quote character over bytes libcsv consumed (base: their stream
 * offset): where the open quote opened, and its bytes since (the replay).
 * A doubled quote inside a quoted field closes and reopens at once and keeps
 * the original position. */
static void quote_scan(gs_parser *p, const char *s, size_t n, uint64_t base)
{
    const char *start = s, *end = s + n;
    while (p->quote >= 0 && s < end) {
        const char *q = memchr(s, p->quote, (size_t)(end - s));
        const char *stop = q ? q : end;
        if (stop != s && p->q_in) {
            keep(p, s, (size_t)(stop - s));
        } else if (stop != s && p->q_after) {
            p->q_after = 0;   /* the field closed */
            p->replay.len = 0;
        }
        if (!q)
            return;
        if (!p->q_in && !p->q_after) {
            p->replay.len = 0;
            p->q_line = p->line;
            p->q_off = base + (uint64_t)(q - start);
            p->q_col = p->q_off - p->line_start + 1;
        }
        p->q_after = p->q_in;
        p->q_in = !p->q_in;
        keep(p, q, 1);
        s = q + 1;
    }
}

/* The bytes fast_row stops at, for special_bits_scalar. */
static void set_stops(gs_parser *p)
{
    memset(p->stop, 0, sizeof p->stop);
    p->stop['\n'] = p->stop['\r'] = 1;
    p->stop[(unsigned char)p->delim] = 1;
    p->stop[p->quote >= 0 ? p->quote : NO_QUOTE] = 1;
}

static void set_quote(gs_parser *p, int quote)
{
    p->quote = quote;
    set_stops(p);
    csv_set_quote(&p->cp, (unsigned char)(quote >= 0 ? quote : NO_QUOTE));
}

/* Forget libcsv's partial row (no callbacks) and the quote lexer's state. */
static void reset_libcsv(gs_parser *p)
{
    csv_fini(&p->cp, NULL, NULL, NULL);
    p->q_in = p->q_after = 0;
    p->replay.len = 0;
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
    reset_libcsv(p);
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

static void recover(gs_parser *p);
static void feed_bytes(gs_parser *p, const char *buf, size_t len);

/* Moves the position past n bytes whose last one may end a line. */
static void advance(gs_parser *p, const char *s, size_t n)
{
    p->offset += n;
    if (s[n - 1] == '\n') {
        p->line++;
        p->line_start = p->offset;
    }
}

/* ---- rows split without libcsv ----------------------------------------- */

/* Special bytes, 64 at a time: bit i of a mask is set when s[i] is one.
 * Scalar: the bytes whose stop[] entry is nonzero. */
static uint64_t special_bits_scalar(const unsigned char *stop,
                                    const unsigned char *s, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)(stop[s[i]] != 0) << i;
    return m;
}

#ifdef __SSE2__
/* SSE2: bytes a, b, '\n' and '\r', over all 64 bytes of s. */
static uint64_t special_bits_sse2(unsigned char a, unsigned char b,
                                  const unsigned char *s)
{
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i e = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
            _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << (16 * k);
    }
    return m;
}
#endif

/* The special bytes of s[0, len) in order: a window of 64 bytes from base,
 * its specials not yet taken in m. With simd (and SSE2), a full window is
 * read by special_bits_sse2, anything else by special_bits_scalar: stop[]
 * must flag a, b, '\n' and '\r', and may flag more (the walk skips them). */
typedef struct scanner {
    const unsigned char *s;
    size_t len, base;
    uint64_t m;
    const unsigned char *stop;
    unsigned char a, b;
    int simd;
} scanner;

static void scan_load(scanner *sc, size_t base)
{
    size_t n = sc->len - base < 64 ? sc->len - base : 64;
    sc->base = base;
#ifdef __SSE2__
    if (n == 64 && sc->simd) {
        sc->m = special_bits_sse2(sc->a, sc->b, sc->s + base);
        return;
    }
#endif
    sc->m = special_bits_scalar(sc->stop, sc->s + base, n);
}

/* Drop the specials before pos; all taken so far lie before it. */
static void scan_from(scanner *sc, size_t pos)
{
    if (pos - sc->base < 64)   /* pos >= base: unsigned wrap otherwise */
        sc->m &= ~(uint64_t)0 << (pos - sc->base);
    else
        scan_load(sc, pos);
}

/* The next special byte's index, or len when there is none. */
static inline size_t scan_next(scanner *sc)
{
    while (!sc->m) {
        if (sc->len - sc->base <= 64)
            return sc->len;
        scan_load(sc, sc->base + 64);
    }
    size_t i = sc->base + (size_t)__builtin_ctzll(sc->m);
    sc->m &= sc->m - 1;
    return i;
}

/* s[0, n): a quoted cell's content holding doubled quotes, as libcsv
 * delivers it (each pair one quote), into p->unq (room reserved); its
 * length. */
static size_t unescape(gs_parser *p, const char *s, size_t n, char q)
{
    char *out = p->unq.p;
    const char *end = s + n, *x;
    while ((x = memchr(s, q, (size_t)(end - s))) != NULL) {
        memcpy(out, s, (size_t)(x + 1 - s));
        out += x + 1 - s;
        s = x + 2;   /* the pair's second quote */
    }
    memcpy(out, s, (size_t)(end - s));
    return (size_t)(out - p->unq.p) + (size_t)(end - s);
}

/* The bytes of a cell fast_row found (buf[cell->off] on), and in *len
 * their length; a cell holding the quote q (none if q is 0) unescaped. */
static const char *cell_bytes(gs_parser *p, const char *buf, const span *cell,
                              char q, size_t *len)
{
    const char *s = buf + cell->off;
    *len = cell->len;
    if (q && memchr(s, q, *len)) {
        *len = unescape(p, s, *len, q);
        s = p->unq.p;
    }
    return s;
}

/* fast_row's n cells to on_cell or, for a data row whose columns all have
 * names, straight to the sink as on_cell would send them (its limits cannot
 * be reached: see fast_row). */
static void emit_cells(gs_parser *p, const char *buf, const span *cell,
                       size_t n, char q)
{
    size_t len;
    if (p->st != GS_OK || !p->header_done || p->prelude || n > p->nids) {
        for (size_t c = 0; c < n && p->st == GS_OK; c++) {
            const char *s = cell_bytes(p, buf, &cell[c], q, &len);
            on_cell((void *)s, len, p);
        }
        return;
    }
    int (*value)(void *, gs_field_id, const char *, size_t, gs_value_kind,
                 const gs_loc *) = p->sink->value;
    void *ud = p->sink->ud;
    const gs_field_id *ids = p->ids;
    p->ncells = n;
    for (size_t c = 0; c < n; c++) {
        const char *s = cell_bytes(p, buf, &cell[c], q, &len);
        if (value(ud, ids[c], s, len, GS_VK_TEXT, &p->row)) {
            fail(p, GS_ECANCELED);
            return;
        }
    }
}

/* A whole row from buf[start], a row start that is no line end, through
 * its terminator, when strict libcsv would read it without an error and
 * it is no longer than max_field_bytes (so no field passes that limit) and
 * has at most PLAIN_CELLS and max_columns cells (so no cell passes that
 * one): every quote opens a cell and closes it right before the delimiter
 * or a line end, doubled quotes and line ends inside allowed. Such a row is
 * split here, calling libcsv's callbacks with exactly what libcsv would
 * pass them (spaces are data, see never_space; a doubled quote is one),
 * and the position moved past it as the segments would move it; the quote
 * lexer is left as quote_scan would leave it, no quote open. sc yields the
 * specials of buf from start on. Returns the index past the row, or 0 when
 * it is not such a row (or does not end in buf) and nothing was done. */
static size_t fast_row(gs_parser *p, scanner *sc, size_t start)
{
    const char *buf = (const char *)sc->s;
    size_t max = p->lim->max_field_bytes;
    size_t bound = sc->len - start > max ? start + max : sc->len;
    size_t most = p->lim->max_columns < PLAIN_CELLS ? p->lim->max_columns
                                                    : PLAIN_CELLS;
    const char q = (char)(p->quote >= 0 ? p->quote : NO_QUOTE), d = p->delim;
    span cell[PLAIN_CELLS];
    size_t k = 0, at = start, i, lines = 0, last_lf = 0, dq = 0;
    for (;; k++) {           /* check the whole row first */
        i = scan_next(sc);
        if (i >= bound || k == most)
            return 0;
        cell[k] = (span){at, i - at};
        if (buf[i] == q) {
            if (i != at)
                return 0;    /* a quote inside an unquoted cell */
            int doubled = 0;
            for (;;) {       /* the closing quote */
                i = scan_next(sc);
                if (i + 1 >= bound)
                    return 0;   /* not closed, or what follows not here */
                if (buf[i] == '\n') {
                    lines++;
                    last_lf = i;
                } else if (buf[i] == q) {
                    if (buf[i + 1] != q)
                        break;
                    scan_next(sc);   /* the pair's second quote */
                    doubled = 1;
                }
            }
            cell[k] = (span){at + 1, i - at - 1};
            if (doubled && cell[k].len > dq)
                dq = cell[k].len;
            size_t close = i;
            i = scan_next(sc);
            if (i != close + 1 || buf[i] == q)
                return 0;    /* text after the closing quote */
        }
        if (buf[i] != d)
            break;           /* a line end: the row's terminator */
        at = i + 1;
    }
    if (buf[i] == '\n') {
        lines++;
        last_lf = i;
    }
    if (dq && gs_buf_reserve(&p->unq, dq) != GS_OK) {
        fail(p, GS_ENOMEM);
        return i + 1;
    }
    p->q_in = p->q_after = 0;
    p->replay.len = 0;
    row_begin(p);
    emit_cells(p, buf, cell, k + 1, dq ? q : 0);
    on_row((unsigned char)buf[i], p);
    uint64_t from = p->offset - start;  /* the stream offset of buf[0] */
    p->offset = from + i + 1;
    if (lines) {
        p->line += lines;
        p->line_start = from + last_lf + 1;
    }
    return i + 1;
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
        quote_scan(p, s + off, done, p->offset + off);
        if (p->st == GS_OK && done < piece && p->q_after &&
            p->q_line < p->line && csv_error(&p->cp) == CSV_EPARSE) {
            /* text after a quote that closed on a later line than it
             * opened: the quote was never meant to be closed there */
            recover(p);
            feed_bytes(p, s + off + done, n - off - done);
            return;
        }
        if (p->st == GS_OK && done < piece) {
            parse_error(p, s[n - 1]);
            break;
        }
        off += piece;
    }
    advance(p, s, n);
}

/* The first '\n' or '\r' in buf[i, len), or len: memchr over windows of
 * 256 bytes (a bound, so a file with only one kind of line end does not
 * make the search for the other scan the whole buffer on every line). */
static size_t next_term(const char *buf, size_t i, size_t len)
{
    while (i < len) {
        size_t w = len - i < 256 ? len : i + 256;
        const char *nl = memchr(buf + i, '\n', w - i);
        size_t end = nl ? (size_t)(nl - buf) : w;
        const char *cr = memchr(buf + i, '\r', end - i);
        if (cr)
            return (size_t)(cr - buf);
        if (nl)
            return end;
        i = w;
    }
    return len;
}

/* Rows from a row start go through fast_row when they can; anything else
 * goes to libcsv one line segment at a time. A line end at a row start is
 * a blank line, which libcsv skips without a callback. */
static void feed_bytes(gs_parser *p, const char *buf, size_t len)
{
    int fast = p->scan != SCAN_SLOW;
    int stale = 1;  /* sc is not positioned at i */
    scanner sc = {.s = (const unsigned char *)buf, .len = len,
                  .stop = p->stop, .a = (unsigned char)p->delim,
                  .b = p->quote >= 0 ? (unsigned char)p->quote : NO_QUOTE,
                  .simd = p->scan == SCAN_SIMD};
    size_t i = 0;
    while (i < len && p->st == GS_OK && !p->prelude_done) {
        if (fast && !p->in_row && !p->skipping) {
            if (is_term(buf[i])) {
                advance(p, buf + i, 1);
                if (!stale)
                    scan_from(&sc, i + 1);
                i++;
                continue;
            }
            if (stale)
                scan_load(&sc, i);
            stale = 0;
            size_t end = fast_row(p, &sc, i);
            if (end) {
                i = end;
                continue;
            }
        }
        stale = 1;  /* fast_row may have taken specials past this row */
        size_t j = next_term(buf, i, len);
        size_t end = j < len ? j + 1 : len;
        if (p->skipping) {
            if (j < len)
                p->skipping = 0;
            advance(p, buf + i, end - i);
        } else {
            parse_segment(p, buf + i, end - i);
        }
        i = end;
    }
}

/* A quote never closed: see "Unterminated quote" above. The replay runs
 * from the opening quote to the last byte libcsv consumed. */
static void recover(gs_parser *p)
{
    gs_loc loc = here(p);
    loc.line = p->q_line;
    loc.col = p->q_col;
    loc.offset = p->q_off;
    defect(p, "csv.unterminated_quote", "quote never closed; its line is "
           "read as unquoted text and parsing restarts on the next", &loc);
    gs_buf r = p->replay;
    p->replay = (gs_buf){0};
    reset_libcsv(p);
    p->line = p->q_line;
    p->offset = p->q_off;
    p->line_start = p->q_off - (p->q_col - 1);
    size_t eol = 0;
    while (eol < r.len && !is_term(r.p[eol]))
        eol++;
    eol += eol < r.len;
    int quote = p->quote;
    set_quote(p, -1);
    if (p->st == GS_OK)
        parse_segment(p, r.p, eol);
    set_quote(p, quote);
    feed_bytes(p, r.p + eol, r.len - eol);
    gs_free(r.p);
}

/* Chooses the dialect from the sample, reports it, then parses the sample. */
static void decide(gs_parser *p, int at_eof)
{
    const char *s = p->head.p ? p->head.p : ""; /* empty file: never filled */
    size_t n = p->head.len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3; /* U+FEFF: not part of the first name */
        n -= 3;
        p->offset = 3;
    }
    dialect d = p->known.delim
                    ? (dialect){p->known.delim, p->known.quote, p->known.header}
                    : sniff_dialect(s, n, at_eof, p->fixed_delim);
    p->dialect = (gs_csv_dialect){d.delim, d.quote, d.header};
    p->delim = d.delim;
    csv_set_delim(&p->cp, (unsigned char)d.delim);
    set_quote(p, d.quote);
    p->header_done = !d.header;
    p->decided = 1;
    size_t blank = 0;
    while (blank < n && is_term(s[blank]))
        blank++;
    if (blank < n) {
        char dl[2] = {d.delim, '\0'};
        char q[2] = {(char)d.quote, '\0'};
        fact(p, "csv.delimiter", dl);
        fact(p, "csv.quote", d.quote >= 0 ? q : "none");
        fact(p, "csv.header", d.header ? "present" : "absent");
    }
    if (p->st == GS_OK && n)
        feed_bytes(p, s, n);
    gs_free(p->head.p);
    p->head = (gs_buf){0};
}

static gs_status csv_feed(gs_parser *p, const char *buf, size_t len)
{
    if (p->st != GS_OK)
        return p->st;
    if (!p->decided) {
        size_t take = HEAD_MAX - p->head.len;
        take = take < len ? take : len;
        gs_status st = gs_buf_append(&p->head, buf, take);
        if (st != GS_OK)
            fail(p, st);
        else if (p->head.len == HEAD_MAX)
            decide(p, 0);
        buf += take;
        len -= take;
    }
    if (p->st == GS_OK && len)
        feed_bytes(p, buf, len);
    return p->st;
}

static gs_status csv_finish(gs_parser *p)
{
    if (p->st == GS_OK && !p->decided)
        decide(p, 1);
    while (p->st == GS_OK && p->q_in)
        recover(p);
    if (p->st == GS_OK)
        csv_fini(&p->cp, on_cell, on_row, p);
    return p->st;
}

/* ---- ranges of a split file (csv.h) ------------------------------------ */

gs_status gs_csv_resume(gs_parser *p, const char *head, size_t len,
                        const gs_csv_dialect *known, gs_csv_dialect *out)
{
    if (p->decided || len < HEAD_MAX)
        return GS_EINVAL;
    if (known)
        p->known = *known;
    p->prelude = 1;
    gs_status st = csv_feed(p, head, len);
    if (st == GS_OK && !p->prelude_done)
        st = GS_EFORMAT;
    if (st != GS_OK)
        return st;
    reset_libcsv(p);
    p->prelude = p->prelude_done = 0;
    p->in_row = p->skipping = 0;
    p->ncells = 0;
    p->rec = 0;
    p->offset = p->line_start = 0;
    p->line = 1;
    if (out)
        *out = p->dialect;
    return GS_OK;
}

/* Byte classes of gs_csv_rows; states follow libcsv's (csv_parse). */
enum { RC_TEXT, RC_DELIM, RC_QUOTE, RC_LF, RC_CR };
enum { RS_ROW, RS_FIELD, RS_PLAIN, RS_QUOTED, RS_CLOSED };

void gs_csv_rows_init(gs_csv_rows *r, const gs_csv_dialect *d,
                      const gs_limits *lim)
{
    memset(r, 0, sizeof *r);
    r->clean = 1;
    r->state = RS_ROW;
    r->max_field = lim->max_field_bytes / 3;
    r->max_cells = lim->max_columns;
    r->cls[(unsigned char)d->delim] = RC_DELIM;
    if (d->quote >= 0)
        r->cls[(unsigned char)d->quote] = RC_QUOTE;
    r->cls['\n'] = RC_LF;
    r->cls['\r'] = RC_CR;
    r->delim_byte = (unsigned char)d->delim;
    r->quote_byte = d->quote >= 0 ? (unsigned char)d->quote : '\n';
}

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* Nonzero when a byte of v is b (b repeated in every byte). */
static inline uint64_t has_byte(uint64_t v, uint64_t b)
{
    uint64_t x = v ^ b;
    return (x - ONES) & ~x & HIGHS;
}

/* The first byte of s[i, len) that is not RC_TEXT, or len: eight bytes at a
 * time (the lowest byte flagged by has_byte is exact: a false flag can only
 * follow a true one). */
static size_t rows_next_special(const gs_csv_rows *r, const unsigned char *s,
                                size_t i, size_t len)
{
    uint64_t dl = ONES * r->delim_byte, qt = ONES * r->quote_byte;
    for (; __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && len - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = has_byte(v, dl) | has_byte(v, qt) |
                     has_byte(v, ONES * '\n') | has_byte(v, ONES * '\r');
        if (m)  /* little-endian: the lowest flag is the first byte */
            return i + (size_t)__builtin_ctzll(m) / 8;
    }
    while (i < len && r->cls[s[i]] == RC_TEXT)
        i++;
    return i;
}

/* The '\n' bytes in s[a, b). */
static uint64_t count_lf(const unsigned char *s, size_t a, size_t b)
{
    uint64_t n = 0;
    for (const unsigned char *x = s + a;
         (x = memchr(x, '\n', (size_t)(s + b - x))) != NULL; x++)
        n++;
    return n;
}

/* A whole record from the row start s[i] through its '\n', followed over
 * sc's specials (quotes and line ends) when its quoting is plain: every
 * quote opens a field (at the row start or after a delimiter) and closes,
 * doubled quotes and '\n' inside allowed, right before a delimiter or the
 * '\n'; no '\r' outside quotes; and the record no longer than both limits,
 * so no field or cell count can pass them. Returns the index past its '\n',
 * with *lines the '\n' bytes in it; 0 when it is not such a record or does
 * not end before len (the byte-by-byte scanner then reads it, and decides
 * the same; sc is then left anywhere in the record). */
static size_t rows_record(const gs_csv_rows *r, scanner *sc, size_t i,
                          uint64_t *lines)
{
    const unsigned char *s = sc->s, q = r->quote_byte;  /* no quoting: '\n' */
    uint64_t bound = r->max_field < r->max_cells ? r->max_field : r->max_cells;
    size_t end = sc->len - i > bound ? i + (size_t)bound : sc->len, j;
    uint64_t n = 0;
    for (;;) {   /* outside quotes */
        if ((j = scan_next(sc)) >= end || s[j] == '\r')
            return 0;
        if (s[j] == '\n') {
            *lines = n + 1;
            return j + 1;
        }
        if (s[j] != q)
            continue;        /* a delimiter the scalar mask flags */
        if (j != i && s[j - 1] != r->delim_byte)
            return 0;        /* a quote inside an unquoted field */
        for (;;) {           /* the closing quote */
            if ((j = scan_next(sc)) + 1 >= end)
                return 0;    /* not closed, or what follows not here */
            n += s[j] == '\n';
            if (s[j] != q)
                continue;
            if (s[j + 1] != q)
                break;
            scan_next(sc);   /* a doubled quote: its second half */
        }
        if (s[j + 1] != r->delim_byte && s[j + 1] != '\n')
            return 0;
    }
}

/* gs_csv_rows_feed, with whole records followed by rows_record over SSE2
 * or scalar masks (path SCAN_SIMD or SCAN_SCALAR), or every byte through
 * the state machine below (SCAN_SLOW, the reference tests compare with). */
static size_t rows_feed(gs_csv_rows *r, const char *buf, size_t len,
                        size_t stop_from, int path)
{
    const unsigned char *s = (const unsigned char *)buf;
    int state = r->state, clean = r->clean, stale = 1;
    uint64_t field = r->field, rows = r->rows, nl = r->newlines;
    size_t cells = r->cells, i = 0;
    scanner sc = {.s = s, .len = len, .stop = r->cls, .a = r->quote_byte,
                  .b = r->quote_byte, .simd = path == SCAN_SIMD};
    r->at_boundary = 0;
    while (clean && i < len) {
        uint64_t lines;
        size_t end = 0;
        if (state == RS_ROW && path != SCAN_SLOW) {
            if (stale)
                scan_load(&sc, i);
            end = rows_record(r, &sc, i, &lines);
            stale = !end;
        }
        if (end) {  /* a whole plain record (or a blank line) */
            rows += s[i] != '\n';
            nl += lines;
            i = end;
            if (end - 1 >= stop_from) {
                r->at_boundary = 1;
                break;
            }
            continue;
        }
        size_t from = i;
        if (state == RS_PLAIN) {
            i = rows_next_special(r, s, i, len);
        } else if (state == RS_QUOTED) {
            const unsigned char *q = memchr(s + i, r->quote_byte, len - i);
            i = q ? (size_t)(q - s) : len;
            nl += count_lf(s, from, i);
        }
        field += i - from;
        if (i == len)
            break;
        int c = r->cls[s[i++]];
        if (state == RS_QUOTED || (state == RS_CLOSED && c == RC_QUOTE)) {
            field++;  /* a quote closing, or doubled */
            state = state == RS_QUOTED ? RS_CLOSED : RS_QUOTED;
            continue;
        }
        if (c == RC_TEXT || c == RC_QUOTE) {
            if (state == RS_ROW) {
                rows++;  /* the byte starts the row's first field */
                cells = 1;
                state = RS_FIELD;
            }
            /* text after a closing quote, a quote in an unquoted field */
            clean = state == RS_FIELD;
            field = 1;
            state = c == RC_QUOTE ? RS_QUOTED : RS_PLAIN;
            continue;
        }
        /* a delimiter or a line end */
        if (state == RS_ROW && c == RC_DELIM) {
            rows++;  /* a row starting with an empty field */
            cells = 1;
        } else if (state != RS_ROW) {
            clean = field <= r->max_field;  /* a field ends */
        }
        field = 0;
        if (c == RC_DELIM) {
            clean &= ++cells <= r->max_cells;
            state = RS_FIELD;
            continue;
        }
        state = RS_ROW;
        if (c == RC_LF && (nl++, i - 1 >= stop_from)) {
            r->at_boundary = 1;
            break;
        }
    }
    r->state = state;
    r->clean = clean && field <= r->max_field;
    r->field = field;
    r->rows = rows;
    r->newlines = nl;
    r->cells = cells;
    return i;
}

size_t gs_csv_rows_feed(gs_csv_rows *r, const char *buf, size_t len,
                        size_t stop_from)
{
    return rows_feed(r, buf, len, stop_from, SCAN_SIMD);
}

static void csv_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->cp_live)
        csv_free(&p->cp);
    gs_free(p->head.p);
    gs_free(p->replay.p);
    gs_free(p->unq.p);
    gs_free(p->header.p);
    gs_free(p->hcell);
    gs_free(p->ids);
    ns_free(&p->names);
    gs_free(p);
}

static gs_status open_common(const gs_limits *lim, const gs_sink *sink,
                             char fixed_delim, gs_parser **out)
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
    p->fixed_delim = fixed_delim;
    size_t slack = 2 + sizeof(buf_hdr);
    p->buf_cap = lim->max_field_bytes > SIZE_MAX - slack
                     ? SIZE_MAX - slack
                     : lim->max_field_bytes + 2;
    if (csv_init(&p->cp, CSV_STRICT) != 0)
        goto fail;
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
    return open_common(lim, sink, 0, out);
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

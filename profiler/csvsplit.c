/* csvsplit.c - where the ranges of one big CSV/TSV file start and end,
 * measured without parsing it.
 *
 * The file is cut into pieces of range_bytes; piece j is [c_j, c_j+1). A
 * newline inside a quoted field ends no record, and under RFC 4180 quoting
 * a point is inside one exactly when the quote bytes before it are odd in
 * number (a doubled quote adds two). So range j starts after the first '\n'
 * at or past c_j - 1 with an even number of quotes before it, and ends where
 * range j+1 starts. The parity at c_j is the sum of the quotes of pieces
 * 0..j-1, which the counting pass of piece j cannot know: it measures its
 * piece for both parities (the wrong one rarely finds a start, and if it
 * does, its scan usually stops at once on a quote that strict libcsv
 * refuses) and gs__csvsplit_range_of picks, once pieces 0..i are counted.
 *
 * From its start, a range is followed by gs_csv_rows (csv.h) to the first
 * '\n' ending a record at or past c_j+1 - 1, counting its rows, '\n' and
 * bytes (the decoded size: the bytes, less a BOM, or, when the range holds
 * invalid UTF-8, what the decoder makes of them). A range runs to the end
 * of the file instead, and every range after it is empty, when
 *   - its bytes stop being clean (a malformed or unterminated quote, a field
 *     or row over the limits): the parser's recovery could end rows where
 *     no count here does;
 *   - no record ends before c_j+2 - 1 (a record longer than a piece);
 *   - the file ends first.
 * A piece that cannot be read again (the file changed) leaves its range and
 * every later one empty; the file is then recorded as partly read.
 * Invariants:
 *   1. Every decision depends on the bytes and range_bytes only: the ranges
 *      are the same at any thread count and in any order of counting.
 *   2. If ranges 0..j-1 were clean, the parser of the whole file is, at
 *      range j's start, between records with a fresh libcsv: a parser
 *      resumed there (gs_csv_resume) reads range j exactly as it would, and
 *      the counts before it are the whole file's.
 *   3. A counting pass reads its piece and the end of the record that
 *      crosses into the next one; never more than two pieces.
 * Not done here: profiling, or any parse; the dialect comes from the plan.
 */
#include "csvsplit-private.h"

#include <string.h>

#include "gapscan/decode.h"
#include "gapscan/source.h"

#define NONE GS__CSVSPLIT_NONE

/* Quote bytes in buf[from, to); skip_first: buf[0] is the byte before the
 * piece (lo - 1), not counted. */
static uint64_t count_quotes(const unsigned char *buf, size_t from, size_t to,
                             int q, int skip_first)
{
    uint64_t n = 0;
    if (q < 0)
        return 0;
    for (size_t k = from + (skip_first && from < to); k < to; k++, n++) {
        const unsigned char *x = memchr(buf + k, q, to - k);  /* sparse */
        if (!x)
            break;
        k = (size_t)(x - buf);
    }
    return n;
}

/* One parity's range while its piece is counted. */
typedef struct cand {
    int on, done;
    gs_csv_rows rows;
    uint64_t next;       /* file offset of its next byte */
    int invalid;         /* holds invalid UTF-8 */
    uint64_t lone_cr;    /* '\r' not followed by '\n' */
    int cr_last;         /* the last byte followed was '\r' */
    gs__csvsplit_span *out;
} cand;

/* The length of buf[0, len) without a last UTF-8 sequence that is not
 * complete yet (it is read again with the bytes after it), so that every
 * buffer validated ends on a character boundary. */
static size_t utf8_cut(const unsigned char *b, size_t len)
{
    for (size_t k = 1; k <= 3 && k <= len; k++) {
        unsigned c = b[len - k];
        if (c < 0x80)
            break;
        if (c >= 0xC0) {
            size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            return need > k ? len - k : len;
        }
    }
    return len;
}

static int drop(void *ud, const char *utf8, size_t len)
{
    (void)ud;
    (void)utf8;
    (void)len;
    return 0;
}

/* The decoded size of [from, to): what a range's decoder emits. */
static gs_status decoded_size(const gs__csvsplit_file *f, uint64_t from,
                              uint64_t to, unsigned char *buf, size_t cap,
                              uint64_t *out)
{
    gs_error err = {0};
    gs_source *src = NULL;
    gs_decoder *dec = NULL;
    gs_status st = gs_source_open(f->path, f->lim, NULL, &src, &err);
    if (st == GS_OK)
        st = gs_source_seek(src, from, &err);
    if (st == GS_OK)
        st = gs_decoder_open(f->lim, NULL, &dec);
    if (st == GS_OK)
        st = gs_decoder_detect(dec, NULL, 0);
    for (uint64_t pos = from; st == GS_OK && pos < to;) {
        size_t want = to - pos < cap ? (size_t)(to - pos) : cap, got = 0;
        st = gs_source_read(src, buf, want, &got, &err);
        if (st == GS_OK && got == 0)
            st = GS_EIO;  /* the file shrank since the plan */
        if (st == GS_OK)
            st = gs_decoder_feed(dec, buf, got, drop, NULL);
        pos += got;
    }
    if (st == GS_OK)
        *out = gs_decoder_facts(dec)->bytes_out;
    gs_decoder_close(dec);
    gs_source_close(src);
    return st == GS_ENOMEM ? st : st == GS_OK ? GS_OK : GS_EIO;
}

/* Run one candidate over buf[a, b) (file offset pos + a), where b stops at
 * the last byte its boundary may be (limit - 1). */
static void follow(cand *c, const unsigned char *buf, uint64_t pos,
                   size_t b, uint64_t stop, uint64_t limit)
{
    size_t a = (size_t)(c->next - pos);
    if (pos + b > limit)
        b = (size_t)(limit - pos);
    size_t from = stop > c->next ? (size_t)(stop - c->next) : 0;
    size_t used = gs_csv_rows_feed(&c->rows, (const char *)buf + a, b - a,
                                   from);
    if (c->rows.clean && !c->invalid &&
        gs_utf8_count_invalid(buf + a, used) != 0)
        c->invalid = 1;
    const unsigned char *p = buf + a, *end = buf + a + used;
    if (c->cr_last && p < end && *p != '\n')
        c->lone_cr++;
    for (; p < end && (p = memchr(p, '\r', (size_t)(end - p))); p++)
        c->lone_cr += p + 1 < end && p[1] != '\n';
    c->cr_last = used && buf[a + used - 1] == '\r';
    c->next += used;
    if (!c->rows.clean || (!c->rows.at_boundary && c->next == limit)) {
        c->done = c->out->to_eof = 1;  /* see the header comment */
    } else if (c->rows.at_boundary) {
        c->done = 1;
        c->out->end = c->next;
    }
}

gs_status gs__csvsplit_count(const gs__csvsplit_file *f, unsigned j,
                             unsigned char *buf, size_t cap,
                             gs__csvsplit_piece *out)
{
    const uint64_t lo = (uint64_t)j * f->piece;
    const uint64_t hi = j + 1 == f->n ? f->size : lo + f->piece;
    /* A range's last '\n' is in [hi - 1, limit): where the next piece
     * looks for its start. */
    const uint64_t limit = j + 2 >= f->n ? f->size
                           : (uint64_t)(j + 2) * f->piece - 1;
    const int q = f->dialect.quote;
    cand c[2];
    memset(out, 0, sizeof *out);
    memset(c, 0, sizeof c);
    for (int k = 0; k < 2; k++) {
        out->as[k].start = NONE;
        c[k].out = &out->as[k];
        gs_csv_rows_init(&c[k].rows, &f->dialect, f->lim);
    }
    if (j == 0) {  /* range 0 starts the file; its parity is even */
        c[0].on = 1;
        c[0].next = f->bom;
        out->as[0].start = 0;
    }

    gs_error err = {0};
    gs_source *src = NULL;
    gs_status st = gs_source_open(f->path, f->lim, NULL, &src, &err);
    uint64_t pos = j ? lo - 1 : 0;  /* file offset of buf[0] */
    if (st == GS_OK)
        st = gs_source_seek(src, pos, &err);
    size_t have = 0;
    int eof = 0;
    while (st == GS_OK) {
        int active = 0;
        for (int k = 0; k < 2; k++)
            active |= c[k].on && !c[k].done;
        if (pos >= hi && !active)
            break;
        size_t got = 0;
        st = gs_source_read(src, buf + have, cap - have, &got, &err);
        if (st != GS_OK)
            break;
        eof = got == 0;
        have += got;
        size_t cut = eof ? have : utf8_cut(buf, have);

        /* The piece's quotes, and where each parity's range starts: after
         * a '\n' in [lo - 1, hi - 1) with an even count before it. */
        size_t i = 0;
        size_t seek_end = pos >= hi ? 0
                          : pos + cut < hi ? cut : (size_t)(hi - pos);
        int seeking = j > 0 && (!c[0].on || (q >= 0 && !c[1].on));
        while (i < seek_end) {
            const unsigned char *nl =
                seeking ? memchr(buf + i, '\n', seek_end - i) : NULL;
            size_t to = nl ? (size_t)(nl - buf) : seek_end;
            out->quotes += count_quotes(buf, i, to, q, pos < lo && i == 0);
            if (!nl)
                break;
            i = to + 1;
            if (pos + to + 1 >= hi)
                continue;  /* a '\n' at hi - 1 starts the next piece */
            cand *e = &c[out->quotes & 1];
            if (!e->on) {
                e->on = 1;
                e->next = e->out->start = pos + to + 1;
            }
            seeking = !c[0].on || (q >= 0 && !c[1].on);
        }

        for (int k = 0; k < 2; k++) {
            if (!c[k].on || c[k].done)
                continue;
            if (j + 1 == f->n)  /* the last range: to the end */
                c[k].done = c[k].out->to_eof = 1;
            else
                follow(&c[k], buf, pos, cut, hi - 1, limit);
            if (!c[k].done && eof)
                c[k].done = c[k].out->to_eof = 1;
        }
        if (eof)
            break;
        memmove(buf, buf + cut, have - cut);
        pos += cut;
        have -= cut;
    }
    gs_source_close(src);
    if (st != GS_OK && st != GS_ENOMEM) {
        /* unreadable now: this range and every later one are empty, and
         * the file is read partly */
        out->failed = 1;
        return GS_OK;
    }
    if (st != GS_OK)
        return st;

    for (int k = 0; k < 2 && st == GS_OK; k++) {
        gs__csvsplit_span *sp = &out->as[k];
        if (!c[k].on || sp->to_eof)
            continue;
        uint64_t from = sp->start + (j == 0 ? f->bom : 0);
        sp->newlines = c[k].rows.newlines;
        sp->lone_cr = c[k].lone_cr;
        sp->records = c[k].rows.rows;
        if (j == 0 && f->dialect.header && sp->records)
            sp->records--;  /* the header row */
        sp->decoded = sp->end - from;
        if (c[k].invalid)
            st = decoded_size(f, from, sp->end, buf, cap, &sp->decoded);
    }
    if (st != GS_OK && st != GS_ENOMEM) {
        out->failed = 1;  /* the decoded size is unknown */
        st = GS_OK;
    }
    return st;
}

void gs__csvsplit_range_of(const gs__csvsplit_piece *pieces, unsigned i,
                           gs__csvsplit_range *out)
{
    unsigned parity = 0;
    memset(out, 0, sizeof *out);
    out->empty = 1;
    for (unsigned k = 0; k <= i && !pieces[k].failed; k++) {
        const gs__csvsplit_span *sp = &pieces[k].as[parity];
        if (k == i) {
            out->empty = sp->start == NONE;
            out->start = sp->start;
            out->end = sp->to_eof ? UINT64_MAX : sp->end;
            return;
        }
        if (sp->start != NONE && sp->to_eof)
            return;  /* range k runs to the end: every later one is empty */
        if (sp->start != NONE) {
            out->base.offset += sp->decoded;
            out->base.line += sp->newlines;
            out->base.record += sp->records;
            out->dec_lines += sp->newlines + sp->lone_cr;
        }
        parity ^= (unsigned)(pieces[k].quotes & 1);
    }
}

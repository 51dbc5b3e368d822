/* jsonlsplit.c - the counts of one range of a big JSON Lines file,
 * measured without parsing it when its bytes allow.
 *
 * Range i of a split JSON Lines file (document.c) runs from the first line
 * start at or past i * R (offset 0, or the byte after a '\n' at or past
 * i * R - 1) to the first one at or past (i + 1) * R; it is empty when
 * that is the same line start. The ranges after it are placed with its
 * decoded bytes, '\n' bytes, line ends as the decoder counts them ('\n',
 * and '\r' not before a '\n') and records. Those follow from the bytes
 * alone when
 *   - they are valid UTF-8 with no BOM before them (range 0): the decoder
 *     then emits them unchanged;
 *   - every line that is not blank starts, after jsonl.c's blanks (space,
 *     tab, CR, VT, FF), with '{' or '[': yajl reports a container's start
 *     as soon as it reads it, so jsonl.c begins that line's record
 *     whatever follows (a scalar or garbage first may or may not make one);
 *   - the range ends with its '\n' (not at the end of the file without
 *     one), and no line of it is longer than the buffer.
 * Otherwise *counted is 0 and the caller runs the parsing pass, which is
 * always right. A parse costs ~10x this on JSON Lines; with this the
 * counting passes of a split file cost little more than reading it.
 *
 * Invariants:
 *   1. When *counted is 1, the counts equal what the parsing pass of the
 *      range would count (tests/e2e compares split and whole-file runs).
 *   2. Memory: the caller's buffer; nothing is allocated but the source.
 */
#include "jsonlsplit-private.h"

#include <string.h>

#include "gapscan/decode.h"
#include "gapscan/source.h"

static int blank(unsigned char c)  /* as jsonl.c */
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Counts the whole lines b[0, n) (b[n - 1] is '\n'); 0 if they do not
 * follow from the bytes (see above). */
static int count_lines(const unsigned char *b, size_t n, gs__jsonl_counts *c)
{
    if (gs_utf8_count_invalid(b, n) != 0)
        return 0;
    for (const unsigned char *p = b, *end = b + n; p < end;) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *x = p;
        while (x < nl && blank(*x))
            x++;
        if (x < nl) {
            if (*x != '{' && *x != '[')
                return 0;
            c->records++;
        }
        for (const unsigned char *r = p;
             (r = memchr(r, '\r', (size_t)(nl - r))) != NULL; r++)
            c->lone_cr += r + 1 < nl;
        c->newlines++;
        p = nl + 1;
    }
    c->decoded += n;
    return 1;
}

gs_status gs__jsonl_count(const char *path, const gs_limits *lim,
                          uint64_t range_bytes, unsigned i,
                          unsigned char *buf, size_t cap,
                          gs__jsonl_counts *out, int *counted)
{
    const uint64_t lo = (uint64_t)i * range_bytes, hi = lo + range_bytes;
    memset(out, 0, sizeof *out);
    *counted = 0;
    gs_error err = {0};
    gs_source *src = NULL;
    gs_status st = gs_source_open(path, lim, NULL, &src, &err);
    uint64_t pos = i ? lo - 1 : 0;  /* file offset of buf[0] */
    if (st == GS_OK)
        st = gs_source_seek(src, pos, &err);
    int started = i == 0, done = 0;
    size_t have = 0;
    while (st == GS_OK && !done) {
        size_t got = 0;
        if (have == cap)
            break;  /* a line longer than the buffer */
        if ((st = gs_source_read(src, buf + have, cap - have, &got, &err)) !=
            GS_OK)
            break;
        int eof = got == 0;
        have += got;
        if (pos == 0 && have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            break;  /* a BOM: the decoder drops it */
        size_t a = 0;
        if (!started) {
            const unsigned char *nl = memchr(buf, '\n', have);
            if (!nl && !eof) {
                pos += have;
                have = 0;
                continue;
            }
            /* no line start in the rest of the file, or none before the
             * next range's: the range is empty */
            if (!nl || pos + (uint64_t)(nl - buf) + 1 >= hi) {
                *counted = 1;
                break;
            }
            started = 1;
            a = (size_t)(nl - buf) + 1;
        }
        /* whole lines up to the range's last '\n' (at or past hi - 1) */
        size_t from = pos + a >= hi - 1 ? a : (size_t)(hi - 1 - pos);
        const unsigned char *last =
            from < have ? memchr(buf + from, '\n', have - from) : NULL;
        if (last)
            done = 1;
        else if (a < have)
            last = memrchr(buf + a, '\n', have - a);
        if (last && !count_lines(buf + a, (size_t)(last - buf) + 1 - a, out))
            break;
        if (done) {
            *counted = 1;
            break;
        }
        if (eof)
            break;  /* the range ends without a '\n': parse it */
        if (last)
            a = (size_t)(last - buf) + 1;
        memmove(buf, buf + a, have - a);
        pos += a;
        have -= a;
    }
    gs_source_close(src);
    if (!*counted)
        memset(out, 0, sizeof *out);
    return st == GS_ENOMEM ? st : GS_OK;
}

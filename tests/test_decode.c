/* test_decode.c - the decode stage: detection, UTF-8 validation with maximal
 * subparts, ICU transcoding, hygiene facts, and chunking invariance.
 *
 * Legacy-encoded inputs are made here with ICU from UTF-8 strings, so the
 * expected output is the string itself; the maximal-subpart cases are data
 * (tests/data/decode/maximal_subparts.txt). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>

#include "gapscan/decode.h"

#define R "\xEF\xBF\xBD"
#define HEAD_ALL ((size_t)-1)
#define MAX_DEFECTS 64

typedef struct defect_rec {
    char code[40];
    char detail[160];
    gs_loc loc;
} defect_rec;

typedef struct run {
    unsigned char *out;
    size_t len, cap;
    defect_rec defects[MAX_DEFECTS];
    size_t ndefects;
    gs_decode_facts facts;
    gs_status st;
    int out_calls, stop_out;    /* stop_out: return 1 from the out call */
    int stop_defect;
} run;

static int on_out(void *ud, const char *utf8, size_t len)
{
    run *r = ud;
    r->out_calls++;
    ck_assert_uint_gt(len, 0);
    if (r->len + len > r->cap) {
        r->cap = (r->len + len) * 2;
        r->out = realloc(r->out, r->cap);
        ck_assert_ptr_nonnull(r->out);
    }
    memcpy(r->out + r->len, utf8, len);
    r->len += len;
    return r->stop_out;
}

static int on_defect(void *ud, const char *code, const char *detail,
                     const gs_loc *loc)
{
    run *r = ud;
    ck_assert_uint_lt(r->ndefects, MAX_DEFECTS);
    defect_rec *d = &r->defects[r->ndefects++];
    snprintf(d->code, sizeof d->code, "%s", code);
    snprintf(d->detail, sizeof d->detail, "%s", detail ? detail : "");
    ck_assert_ptr_nonnull(loc);
    d->loc = *loc;
    return r->stop_defect;
}

static void run_free(run *r)
{
    free(r->out);
    memset(r, 0, sizeof *r);
}

/* Decodes in[0..n) fed in pieces of `chunk` bytes (0 = one piece) after
 * detecting on the first `head` bytes (HEAD_ALL: up to 64 KiB). */
static void decode(const void *in, size_t n, size_t chunk, size_t head,
                   const gs_limits *lim, run *r)
{
    const unsigned char *p = in;
    gs_sink sink = {.ud = r, .defect = on_defect};
    gs_decoder *d = NULL;

    ck_assert_int_eq(gs_decoder_open(lim, &sink, &d), GS_OK);
    if (head == HEAD_ALL)
        head = n < 65536 ? n : 65536;
    r->st = gs_decoder_detect(d, p, head);
    ck_assert_int_eq(r->st, GS_OK);
    if (chunk == 0)
        chunk = n ? n : 1;
    for (size_t i = 0; i < n && r->st == GS_OK; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        r->st = gs_decoder_feed(d, p + i, k, on_out, r);
    }
    if (r->st == GS_OK)
        r->st = gs_decoder_finish(d, on_out, r);
    r->facts = *gs_decoder_facts(d);
    gs_decoder_close(d);
}

static void assert_same_run(const run *a, const run *b, size_t chunk)
{
    const gs_decode_facts *x = &a->facts, *y = &b->facts;

    ck_assert_msg(a->len == b->len &&
                  (a->len == 0 || memcmp(a->out, b->out, a->len) == 0),
                  "chunk %zu: output differs", chunk);
    ck_assert_str_eq(x->encoding, y->encoding);
    ck_assert_str_eq(x->bom, y->bom);
    ck_assert_msg(x->invalid_utf8 == y->invalid_utf8 &&
                  x->undecodable == y->undecodable &&
                  x->nul_bytes == y->nul_bytes &&
                  x->control_chars == y->control_chars &&
                  x->lf == y->lf && x->crlf == y->crlf && x->cr == y->cr &&
                  x->lines == y->lines && x->bytes_in == y->bytes_in &&
                  x->bytes_out == y->bytes_out &&
                  x->ascii_only == y->ascii_only && x->chars == y->chars,
                  "chunk %zu: facts differ", chunk);
    ck_assert_uint_eq(a->ndefects, b->ndefects);
    for (size_t i = 0; i < a->ndefects; i++) {
        const defect_rec *p = &a->defects[i], *q = &b->defects[i];
        ck_assert_str_eq(p->code, q->code);
        ck_assert_str_eq(p->detail, q->detail);
        ck_assert_msg(p->loc.offset == q->loc.offset &&
                      p->loc.line == q->loc.line && p->loc.col == q->loc.col,
                      "chunk %zu: defect %zu location differs", chunk, i);
    }
}

/* Decoding in every chunk size gives what one piece gives. */
static void assert_chunking_invariant(const void *in, size_t n,
                                      const gs_limits *lim, run *whole)
{
    static const size_t more[] = {31, 64, 1000, 4093, 65539};

    decode(in, n, 0, HEAD_ALL, lim, whole);
    ck_assert_int_eq(whole->st, GS_OK);
    uint64_t chars = 0;  /* characters: bytes that continue no sequence */
    for (size_t i = 0; i < whole->len; i++)
        chars += ((unsigned char)whole->out[i] & 0xC0) != 0x80;
    ck_assert_uint_eq(whole->facts.chars, chars);
    for (size_t c = 1; c <= 17 + sizeof more / sizeof more[0]; c++) {
        size_t chunk = c <= 17 ? c : more[c - 18];
        run r = {0};
        decode(in, n, chunk, HEAD_ALL, lim, &r);
        ck_assert_int_eq(r.st, GS_OK);
        assert_same_run(whole, &r, chunk);
        run_free(&r);
    }
}

static size_t to_charset(const char *cs, const char *utf8, unsigned char *out,
                         size_t cap)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = ucnv_convert(cs, "UTF-8", (char *)out, (int32_t)cap, utf8, -1,
                             &e);
    ck_assert_msg(U_SUCCESS(e), "ucnv_convert to %s: %s", cs, u_errorName(e));
    return (size_t)n;
}

static void assert_output(const run *r, const char *want, size_t want_len)
{
    ck_assert_msg(r->len == want_len &&
                  (want_len == 0 || memcmp(r->out, want, want_len) == 0),
                  "output (%zu bytes) is not the expected %zu bytes: %.*s",
                  r->len, want_len, (int)r->len, r->out ? (char *)r->out : "");
}

/* ---- maximal subparts ---------------------------------------------- */

static size_t parse_hex(const char *s, unsigned char *out)
{
    size_t n = 0;
    char tok[8];
    int used;

    while (sscanf(s, " %7s%n", tok, &used) == 1) {
        if (strcmp(tok, "R") == 0) {
            memcpy(out + n, R, 3);
            n += 3;
        } else {
            out[n++] = (unsigned char)strtoul(tok, NULL, 16);
        }
        s += used;
    }
    return n;
}

START_TEST(maximal_subparts_are_replaced_as_the_unicode_standard_says)
{
    const char *dir = getenv("GS_DATADIR");
    char path[1024], line[512];
    int cases = 0;

    ck_assert_ptr_nonnull(dir);
    snprintf(path, sizeof path, "%s/decode/maximal_subparts.txt", dir);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, fp)) {
        unsigned char in[64], want[192];
        char *bar1 = strchr(line, '|'), *bar2;
        if (line[0] == '#' || !bar1 || !(bar2 = strchr(bar1 + 1, '|')))
            continue;
        *bar1 = *bar2 = '\0';
        size_t n = parse_hex(line, in), wn = parse_hex(bar2 + 1, want);
        uint64_t expect = strtoull(bar1 + 1, NULL, 10);

        ck_assert_msg(gs_utf8_count_invalid(in, n) == expect,
                      "count_invalid(%s) = %llu, want %llu", line,
                      (unsigned long long)gs_utf8_count_invalid(in, n),
                      (unsigned long long)expect);
        for (size_t chunk = 1; chunk <= n + 1; chunk++) {
            run r = {0};
            decode(in, n, chunk, 0, NULL, &r);  /* empty head: UTF-8 */
            ck_assert_int_eq(r.st, GS_OK);
            ck_assert_msg(r.facts.invalid_utf8 == expect,
                          "%s in %zu-byte pieces: %llu replaced", line, chunk,
                          (unsigned long long)r.facts.invalid_utf8);
            assert_output(&r, (const char *)want, wn);
            ck_assert_uint_eq(gs_utf8_count_invalid(r.out, r.len), 0);
            run_free(&r);
        }
        cases++;
    }
    fclose(fp);
    ck_assert_int_ge(cases, 20);
}
END_TEST

/* The WHATWG UTF-8 decoder, byte by byte: the reference for the fast one. */
static size_t ref_decode(const unsigned char *p, size_t n, unsigned char *out,
                         uint64_t *bad)
{
    size_t o = 0, start = 0, i = 0;
    unsigned need = 0, seen = 0, lo = 0x80, hi = 0xBF;

    *bad = 0;
    while (i < n) {
        unsigned b = p[i];
        if (need == 0) {
            start = i++;
            seen = 0;
            if (b < 0x80)
                out[o++] = (unsigned char)b;
            else if (b >= 0xC2 && b <= 0xDF)
                need = 1;
            else if (b >= 0xE0 && b <= 0xEF)
                need = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
            else if (b >= 0xF0 && b <= 0xF4)
                need = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
            else
                memcpy(out + o, R, 3), o += 3, ++*bad;
            continue;
        }
        if (b < lo || b > hi) {     /* b starts over: not consumed */
            need = 0, lo = 0x80, hi = 0xBF;
            memcpy(out + o, R, 3), o += 3, ++*bad;
            continue;
        }
        lo = 0x80, hi = 0xBF;
        i++;
        if (++seen == need) {
            memcpy(out + o, p + start, i - start);
            o += i - start;
            need = 0;
        }
    }
    if (need)
        memcpy(out + o, R, 3), o += 3, ++*bad;
    return o;
}

static uint32_t rng_state = 2463534242u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random text: ASCII runs long enough for the 32-byte path, valid
 * characters of every length, stray and truncated bytes, the edge leads. */
static size_t random_text(unsigned char *p, size_t cap)
{
    static const unsigned char edges[] = {0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED,
                                          0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x80,
                                          0xBF, 0x9F, 0xA0, 0x8F, 0x90};
    size_t n = 0;
    while (n + 48 < cap) {
        uint32_t k = rnd() % 8;
        if (k < 3) {
            for (uint32_t m = rnd() % 45; m; m--)
                p[n++] = (unsigned char)(0x20 + rnd() % 0x5F);
        } else if (k < 6) {
            uint32_t c = rnd() % 0x110000;
            if (c >= 0xD800 && c <= 0xDFFF)
                c = 0xE000;
            if (c < 0x80) {
                p[n++] = (unsigned char)c;
            } else if (c < 0x800) {
                p[n++] = (unsigned char)(0xC0 | c >> 6);
                p[n++] = (unsigned char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                p[n++] = (unsigned char)(0xE0 | c >> 12);
                p[n++] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
                p[n++] = (unsigned char)(0x80 | (c & 0x3F));
            } else {
                p[n++] = (unsigned char)(0xF0 | c >> 18);
                p[n++] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
                p[n++] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
                p[n++] = (unsigned char)(0x80 | (c & 0x3F));
            }
        } else if (k == 6) {
            p[n++] = edges[rnd() % sizeof edges];
        } else {
            p[n++] = (unsigned char)(0x80 | rnd());
        }
    }
    return n;
}

START_TEST(fast_validator_agrees_with_a_byte_by_byte_reference)
{
    static unsigned char in[4096], want[3 * 4096];

    for (int iter = 0; iter < 3000; iter++) {
        size_t n = random_text(in, 50 + rnd() % (sizeof in - 50));
        uint64_t bad;
        size_t wn = ref_decode(in, n, want, &bad);
        ck_assert_uint_eq(gs_utf8_count_invalid(in, n), bad);
        if (iter % 50 == 0) {
            run r = {0};
            decode(in, n, 1 + rnd() % 300, 0, NULL, &r);
            ck_assert_uint_eq(r.facts.invalid_utf8, bad);
            assert_output(&r, (const char *)want, wn);
            run_free(&r);
        }
    }
}
END_TEST

/* ---- chunking invariance ------------------------------------------- */

static const char TEXT_UTF8_BAD[] =
    "Gr\xC3\xBC\xC3\x9F" "e aus Z\xC3\xBCrich \xE2\x80\x94 na\xC3\xAFve caf\xC3\xA9 "
    "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 "
    "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82\r\n"
    "line two\rline three\n\xC3(bad\xFF\xFE tail\0nul\x01" "ctl\xC2\x85nel "
    "\xE2\x82 trunc \xF0\x9F\x98\x80 emoji\r\n\xED\xA0\x80 end\xE2\x82";

START_TEST(any_chunking_gives_the_same_utf8_output_facts_and_defects)
{
    run whole = {0};
    assert_chunking_invariant(TEXT_UTF8_BAD, sizeof TEXT_UTF8_BAD - 1, NULL,
                              &whole);
    ck_assert_str_eq(whole.facts.encoding, "UTF-8");
    ck_assert(whole.facts.confidence > 0.5 && whole.facts.confidence < 1.0);
    /* C3 | FF | FE | E2 82 | ED A0 80 (3) | E2 82 at the end */
    ck_assert_uint_eq(whole.facts.invalid_utf8, 8);
    ck_assert_uint_eq(whole.facts.nul_bytes, 1);
    ck_assert_uint_eq(whole.facts.control_chars, 2);    /* 0x01, U+0085 */
    ck_assert_uint_eq(whole.facts.crlf, 2);
    ck_assert_uint_eq(whole.facts.cr, 1);
    ck_assert_uint_eq(whole.facts.lf, 1);
    ck_assert_uint_eq(whole.facts.lines, 5);
    ck_assert_uint_eq(whole.ndefects, 6);   /* 5 examples + the NUL */
    ck_assert_str_eq(whole.defects[0].code, "encoding.invalid_utf8");
    ck_assert_str_eq(whole.defects[0].detail,
                     "invalid UTF-8 byte 0xC3 at input byte 88");
    ck_assert_uint_eq(whole.defects[0].loc.line, 4);
    ck_assert_uint_eq(whole.defects[0].loc.col, 1);
    ck_assert_uint_eq(whole.defects[0].loc.offset, 88);
    ck_assert_str_eq(whole.defects[3].code, "encoding.nul_bytes");
    ck_assert_uint_eq(whole.defects[3].loc.line, 4);
    ck_assert_uint_eq(whole.defects[3].loc.col, 19);
    ck_assert_uint_eq(whole.defects[3].loc.offset, 106);
    ck_assert_uint_eq(gs_utf8_count_invalid(whole.out, whole.len), 0);
    run_free(&whole);
}
END_TEST

static const char TEXT_FR[] =
    "Caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e \xE2\x80\x93 na\xC3\xAFve "
    "fa\xC3\xA7" "ade\xE2\x80\xA6\r\n"
    "Le gar\xC3\xA7on a dit \xC2\xAB voil\xC3\xA0 \xC2\xBB au se\xC3\xB1or "
    "d\xC3\xA9j\xC3\xA0-vu.\r\n"
    "\xC3\x9C" "ber die Stra\xC3\x9F" "e, \xE2\x80\x9C" "quoted\xE2\x80\x9D text; "
    "\xC2\xBD price!\r\n";

START_TEST(windows_1252_text_is_detected_and_transcoded_in_any_chunking)
{
    unsigned char in[1024];
    size_t n = to_charset("windows-1252", TEXT_FR, in, sizeof in);
    run whole = {0};

    assert_chunking_invariant(in, n, NULL, &whole);
    ck_assert_str_eq(whole.facts.encoding, "windows-1252");
    ck_assert(whole.facts.confidence >= 0.2);
    assert_output(&whole, TEXT_FR, sizeof TEXT_FR - 1);
    ck_assert_uint_eq(whole.facts.crlf, 3);
    ck_assert_uint_eq(whole.facts.lines, 3);
    ck_assert_uint_eq(whole.facts.undecodable, 0);
    ck_assert_uint_eq(whole.facts.invalid_utf8, 0);
    ck_assert_uint_eq(whole.facts.bytes_in, n);
    ck_assert_uint_eq(whole.facts.bytes_out, sizeof TEXT_FR - 1);
    ck_assert(!whole.facts.ascii_only);
    run_free(&whole);
}
END_TEST

START_TEST(latin1_text_without_c1_bytes_is_iso_8859_1)
{
    static const char text[] =
        "Le coeur a ses raisons que la raison ne conna\xC3\xAEt point. "
        "O\xC3\xB9 est la biblioth\xC3\xA8que? \xC3\x89l\xC3\xA8ve, \xC3\xA9t\xC3\xA9, "
        "h\xC3\xB4tel, for\xC3\xAAt, ma\xC3\xAFs, No\xC3\xABl, d\xC3\xA9j\xC3\xA0.\n";
    unsigned char in[512];
    size_t n = to_charset("ISO-8859-1", text, in, sizeof in);
    run r = {0};

    decode(in, n, 0, HEAD_ALL, NULL, &r);
    ck_assert_str_eq(r.facts.encoding, "ISO-8859-1");
    assert_output(&r, text, sizeof text - 1);
    run_free(&r);
}
END_TEST

static const char TEXT_JA[] =
    "\xE3\x81\x84\xE3\x82\x8D\xE3\x81\xAF\xE3\x81\xAB\xE3\x81\xBB\xE3\x81\xB8"
    "\xE3\x81\xA8 \xE3\x81\xA1\xE3\x82\x8A\xE3\x81\xAC\xE3\x82\x8B\xE3\x82\x92\r\n"
    "\xE3\x82\x8F\xE3\x81\x8B\xE3\x82\x88\xE3\x81\x9F\xE3\x82\x8C\xE3\x81\x9D "
    "\xE3\x81\xA4\xE3\x81\xAD\xE3\x81\xAA\xE3\x82\x89\xE3\x82\x80\n"
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE6\x96\x87\xE7\xAB\xA0"
    "\xE3\x81\xA7\xE3\x81\x99\xE3\x80\x82\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD"
    "\xE3\x81\xAB\xE4\xBD\x8F\xE3\x82\x93\xE3\x81\xA7\xE3\x81\x84\xE3\x81\xBE"
    "\xE3\x81\x99\xE3\x80\x82\r\n";

START_TEST(shift_jis_text_is_detected_and_transcoded_in_any_chunking)
{
    unsigned char in[1024];
    size_t n = to_charset("Shift_JIS", TEXT_JA, in, sizeof in);
    run whole = {0};

    assert_chunking_invariant(in, n, NULL, &whole);
    ck_assert_str_eq(whole.facts.encoding, "Shift_JIS");
    ck_assert(whole.facts.confidence >= 0.5);
    assert_output(&whole, TEXT_JA, sizeof TEXT_JA - 1);
    ck_assert_uint_eq(whole.facts.crlf, 2);
    ck_assert_uint_eq(whole.facts.lf, 1);
    ck_assert_uint_eq(whole.facts.lines, 3);
    run_free(&whole);

    /* A lead byte without its trail byte, inside the text. */
    memmove(in + 10, in + 8, n - 8);
    in[8] = 0x81;
    in[9] = '!';
    n += 2;
    assert_chunking_invariant(in, n, NULL, &whole);
    ck_assert_uint_eq(whole.facts.undecodable, 1);
    ck_assert_uint_eq(whole.ndefects, 1);
    ck_assert_str_eq(whole.defects[0].code, "encoding.undecodable");
    ck_assert_uint_eq(whole.defects[0].loc.line, 1);
    ck_assert_uint_eq(whole.defects[0].loc.col, 13);    /* after 4 kana */
    ck_assert_uint_eq(gs_utf8_count_invalid(whole.out, whole.len), 0);
    run_free(&whole);
}
END_TEST

START_TEST(utf16le_with_bom_is_transcoded_in_any_chunking)
{
    static const char text[] =
        "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 "
        "\xF0\x9F\x98\x80 smile\r\nnul\xC2\x85" "after\n";
    unsigned char in[512] = {0xFF, 0xFE};
    size_t n = 2 + to_charset("UTF-16LE", text, in + 2, sizeof in - 2);
    /* then a lone high surrogate and "ok" */
    memcpy(in + n, "\x00\xD8o\0k\0", 6);
    n += 6;
    run whole = {0};

    assert_chunking_invariant(in, n, NULL, &whole);
    ck_assert_str_eq(whole.facts.encoding, "UTF-16LE");
    ck_assert_str_eq(whole.facts.bom, "UTF-16LE");
    char want[256];
    snprintf(want, sizeof want, "%s%s", text, R "ok");
    assert_output(&whole, want, strlen(want));
    ck_assert_uint_eq(whole.facts.undecodable, 1);
    ck_assert_uint_eq(whole.facts.control_chars, 1);    /* U+0085 */
    ck_assert_uint_eq(whole.facts.lines, 3);
    ck_assert_uint_eq(whole.facts.bytes_in, n);
    run_free(&whole);

    /* an odd byte at the end is one undecodable sequence */
    assert_chunking_invariant("\xFF\xFE" "a\0b", 5, NULL, &whole);
    assert_output(&whole, "a" R, 4);
    ck_assert_uint_eq(whole.facts.undecodable, 1);
    ck_assert_uint_eq(whole.ndefects, 1);
    ck_assert_str_eq(whole.defects[0].detail,
                     "bytes 0x62 cannot be decoded as UTF-16LE");
    ck_assert_uint_eq(whole.defects[0].loc.col, 2);
    run_free(&whole);
}
END_TEST

START_TEST(seven_bit_iso_2022_jp_is_detected_by_its_escapes)
{
    unsigned char in[1024];
    size_t n = to_charset("ISO-2022-JP", TEXT_JA, in, sizeof in);
    run whole = {0};

    assert_chunking_invariant(in, n, NULL, &whole);
    ck_assert_str_eq(whole.facts.encoding, "ISO-2022-JP");
    assert_output(&whole, TEXT_JA, sizeof TEXT_JA - 1);
    ck_assert_uint_eq(whole.facts.control_chars, 0);
    run_free(&whole);
}
END_TEST

/* A long input crosses the output buffer and the direct-delivery path. */
START_TEST(long_input_streams_through_fixed_buffers)
{
    size_t n = 300000;
    unsigned char *in = malloc(n), *want = malloc(3 * n);
    size_t m = 0;
    uint64_t bad;

    while (m < n - 64)
        m += random_text(in + m, n - m < 4096 ? n - m : 4096);
    size_t wn = ref_decode(in, m, want, &bad);
    static const size_t chunks[] = {1, 3, 4096, 65536 + 3, 0};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        run r = {0};
        decode(in, m, chunks[i], 0, NULL, &r);
        ck_assert_uint_eq(r.facts.invalid_utf8, bad);
        assert_output(&r, (const char *)want, wn);
        run_free(&r);
    }
    free(in);
    free(want);
}
END_TEST

/* ---- detection ------------------------------------------------------ */

START_TEST(each_bom_is_detected_and_stripped)
{
    static const struct { const char *name; const char *bom; size_t n; } boms[] = {
        {"UTF-8", "\xEF\xBB\xBF", 3},
        {"UTF-16LE", "\xFF\xFE", 2},
        {"UTF-16BE", "\xFE\xFF", 2},
        {"UTF-32LE", "\xFF\xFE\0\0", 4},
        {"UTF-32BE", "\0\0\xFE\xFF", 4},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        unsigned char in[64];
        memcpy(in, boms[i].bom, boms[i].n);
        size_t n = boms[i].n + to_charset(boms[i].name, "h\xC3\xAF\n", in + boms[i].n,
                                          sizeof in - boms[i].n);
        for (size_t chunk = 1; chunk <= n; chunk++) {
            run r = {0};
            decode(in, n, chunk, HEAD_ALL, NULL, &r);
            ck_assert_str_eq(r.facts.bom, boms[i].name);
            ck_assert_str_eq(r.facts.encoding, boms[i].name);
            ck_assert(r.facts.confidence == 1.0);
            assert_output(&r, "h\xC3\xAF\n", 4);
            ck_assert_uint_eq(r.facts.bytes_in, n);
            ck_assert_uint_eq(r.facts.bytes_out, 4);
            ck_assert_uint_eq(r.facts.lines, 1);
            run_free(&r);
        }
    }
}
END_TEST

START_TEST(utf16_without_bom_is_recognised_by_its_nuls)
{
    static const char text[] = "id,name\nhello, world\n";
    static const char *const names[] = {"UTF-16LE", "UTF-16BE", "UTF-32LE",
                                        "UTF-32BE"};
    for (size_t i = 0; i < 4; i++) {
        unsigned char in[256];
        size_t n = to_charset(names[i], text, in, sizeof in);
        run r = {0};
        decode(in, n, 5, HEAD_ALL, NULL, &r);
        ck_assert_str_eq(r.facts.encoding, names[i]);
        ck_assert_str_eq(r.facts.bom, "");
        ck_assert(!r.facts.looks_binary);
        assert_output(&r, text, sizeof text - 1);
        ck_assert_uint_eq(r.facts.nul_bytes, 0);
        run_free(&r);
    }
}
END_TEST

START_TEST(pure_ascii_reads_as_utf8)
{
    run r = {0};
    decode("plain,ascii\n1,2\n", 16, 0, HEAD_ALL, NULL, &r);
    ck_assert_str_eq(r.facts.encoding, "UTF-8");
    ck_assert(r.facts.confidence == 1.0);
    ck_assert(r.facts.ascii_only);
    ck_assert_str_eq(r.facts.bom, "");
    run_free(&r);

    decode("", 0, 0, HEAD_ALL, NULL, &r);
    ck_assert_str_eq(r.facts.encoding, "UTF-8");
    ck_assert_uint_eq(r.facts.lines, 0);
    ck_assert_int_eq(r.out_calls, 0);
    run_free(&r);
}
END_TEST

START_TEST(a_utf8_head_cut_inside_a_character_is_still_utf8)
{
    static const char text[] = "na\xC3\xAFve \xE2\x82\xAC";
    run r = {0};
    decode(text, sizeof text - 1, 0, sizeof text - 2, NULL, &r);
    ck_assert_str_eq(r.facts.encoding, "UTF-8");
    ck_assert(r.facts.confidence == 1.0);
    ck_assert(!r.facts.ascii_only);
    ck_assert_uint_eq(r.facts.invalid_utf8, 0);
    run_free(&r);
}
END_TEST

START_TEST(mostly_valid_utf8_with_a_few_bad_bytes_stays_utf8)
{
    static const char text[] =
        "Gr\xC3\xBC\xC3\x9F" "e aus Z\xC3\xBCrich, r\xC3\xA9sum\xC3\xA9 of a "
        "na\xC3\xAFve caf\xC3\xA9 owner: Caf\xE9 (one stray Latin-1 byte)\n";
    run r = {0};
    decode(text, sizeof text - 1, 0, HEAD_ALL, NULL, &r);
    ck_assert_str_eq(r.facts.encoding, "UTF-8");
    ck_assert(r.facts.confidence > 0.8 && r.facts.confidence < 1.0);
    ck_assert_uint_eq(r.facts.invalid_utf8, 1);
    run_free(&r);
}
END_TEST

START_TEST(short_non_ascii_input_is_undetermined)
{
    static const char *const texts[] = {
        "Caf\xE9 na\xEFve cr\xE8me",            /* 3 Latin-1 bytes */
        "\x82\xA0\x82\xA2\x82\xA4",             /* 3 Shift_JIS kana */
    };
    static const char want0[] = "Caf" R " na" R "ve cr" R "me";
    for (size_t i = 0; i < 2; i++) {
        run r = {0};
        decode(texts[i], strlen(texts[i]), 0, HEAD_ALL, NULL, &r);
        ck_assert_str_eq(r.facts.encoding, "undetermined");
        ck_assert(r.facts.confidence == 0.0);
        ck_assert(!r.facts.looks_binary);
        if (i == 0) {
            assert_output(&r, want0, sizeof want0 - 1);
            ck_assert_uint_eq(r.facts.invalid_utf8, 3);
        }
        run_free(&r);
    }
}
END_TEST

START_TEST(a_binary_blob_looks_binary)
{
    unsigned char elf[96] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
    elf[16] = 2, elf[18] = 0x3E, elf[20] = 1;
    elf[24] = 0x40, elf[25] = 0x10, elf[26] = 0x40;
    elf[32] = 0x40, elf[52] = 0x40, elf[54] = 0x38, elf[56] = 9;
    run r = {0};

    decode(elf, sizeof elf, 7, HEAD_ALL, NULL, &r);
    ck_assert(r.facts.looks_binary);
    ck_assert_str_eq(r.facts.encoding, "undetermined");
    ck_assert(r.facts.confidence == 0.0);
    ck_assert_uint_gt(r.facts.nul_bytes, 50);
    assert_output(&r, (const char *)elf, sizeof elf);   /* NUL is valid UTF-8 */
    ck_assert_uint_eq(r.ndefects, 1);
    ck_assert_str_eq(r.defects[0].code, "encoding.nul_bytes");
    ck_assert_uint_eq(r.defects[0].loc.offset, 7);
    run_free(&r);

    /* controls without NULs */
    static const char ctl[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x0B\x0E\x0F\x10"
                              "abcdefghijklmnopqrstuvwxyz";
    decode(ctl, sizeof ctl - 1, 0, HEAD_ALL, NULL, &r);
    ck_assert(r.facts.looks_binary);
    ck_assert_uint_eq(r.facts.control_chars, 12);
    run_free(&r);

    /* one stray NUL in text is a hygiene fact, not binary */
    static const char one[] = "a line of ordinary text with one NUL\0 in it\n";
    decode(one, sizeof one - 1, 0, HEAD_ALL, NULL, &r);
    ck_assert(!r.facts.looks_binary);
    ck_assert_str_eq(r.facts.encoding, "UTF-8");
    ck_assert_uint_eq(r.facts.nul_bytes, 1);
    run_free(&r);
}
END_TEST

/* ---- hygiene facts -------------------------------------------------- */

START_TEST(crlf_split_across_feeds_counts_once)
{
    static const char *const pieces[] = {"a\r", "\nb\r", "", "c\r", "\n", "d\r"};
    gs_sink sink = {0};
    gs_decoder *d;
    run r = {0};

    ck_assert_int_eq(gs_decoder_open(NULL, &sink, &d), GS_OK);
    ck_assert_int_eq(gs_decoder_detect(d, (const unsigned char *)"a\r\nb\rc", 7),
                     GS_OK);
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
        ck_assert_int_eq(gs_decoder_feed(d, (const unsigned char *)pieces[i],
                                         strlen(pieces[i]), on_out, &r), GS_OK);
    ck_assert_int_eq(gs_decoder_finish(d, on_out, &r), GS_OK);
    const gs_decode_facts *f = gs_decoder_facts(d);
    ck_assert_uint_eq(f->crlf, 2);
    ck_assert_uint_eq(f->cr, 2);    /* after b, after d (at the very end) */
    ck_assert_uint_eq(f->lf, 0);
    ck_assert_uint_eq(f->lines, 4);
    assert_output(&r, "a\r\nb\rc\r\nd\r", 10);
    gs_decoder_close(d);
    run_free(&r);
}
END_TEST

START_TEST(lines_count_terminators_and_an_unterminated_last_line)
{
    static const struct { const char *in; uint64_t lines, lf, crlf, cr; } t[] = {
        {"", 0, 0, 0, 0},
        {"a", 1, 0, 0, 0},
        {"a\n", 1, 1, 0, 0},
        {"a\nb", 2, 1, 0, 0},
        {"\n\n", 2, 2, 0, 0},
        {"a\r\nb\rc\n", 3, 1, 1, 1},
        {"\r\r\n\n", 3, 1, 1, 1},
        {"\r", 1, 0, 0, 1},
        {"x\r\n\r\n\ry", 4, 0, 2, 1},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (size_t chunk = 1; chunk <= 3; chunk++) {
            run r = {0};
            decode(t[i].in, strlen(t[i].in), chunk, HEAD_ALL, NULL, &r);
            ck_assert_msg(r.facts.lines == t[i].lines && r.facts.lf == t[i].lf &&
                          r.facts.crlf == t[i].crlf && r.facts.cr == t[i].cr,
                          "case %zu chunk %zu: lines %llu lf %llu crlf %llu cr %llu",
                          i, chunk, (unsigned long long)r.facts.lines,
                          (unsigned long long)r.facts.lf,
                          (unsigned long long)r.facts.crlf,
                          (unsigned long long)r.facts.cr);
            run_free(&r);
        }
    }
}
END_TEST

START_TEST(control_characters_count_c0_del_and_c1_but_not_tab_or_nbsp)
{
    static const char text[] = "a\x01\x7F\tb\x1B\f\xC2\x85\xC2\xA0\xC2\x9F\xC3\x80";
    run r = {0};
    for (size_t chunk = 1; chunk <= 3; chunk++) {
        decode(text, sizeof text - 1, chunk, HEAD_ALL, NULL, &r);
        /* 01, DEL, ESC, FF, U+0085, U+009F */
        ck_assert_uint_eq(r.facts.control_chars, 6);
        ck_assert_uint_eq(r.facts.nul_bytes, 0);
        run_free(&r);
    }
}
END_TEST

/* Byte soup for the output scanner: ASCII runs of 0-40 bytes (so that
 * specials fall at every place in and across 16-byte blocks), every C0
 * byte, DEL, CRLF, C2 before C1 and non-C1 bytes, 2-4 byte characters,
 * and any byte at all (invalid ones come out as U+FFFD). */
static size_t soup(unsigned char *p, size_t cap)
{
    static const unsigned char c2_next[] = {0x80, 0x85, 0x9F, 0xA0, 0xBF,
                                            0x0A, 0x0D, 0xC2};
    size_t n = 0;
    while (n + 48 < cap) {
        uint32_t k = rnd() % 10;
        if (k < 4) {
            for (uint32_t m = rnd() % 41; m; m--)
                p[n++] = (unsigned char)(0x20 + rnd() % 0x5F);
        } else if (k < 6) {
            p[n++] = (unsigned char)(rnd() % 0x20);
        } else if (k == 6) {
            static const char *const pick[] = {"\r\n", "\r", "\n", "\x7F",
                                               "\t", "\0"};
            const char *s = pick[rnd() % 6];
            size_t len = s[0] ? strlen(s) : 1;
            memcpy(p + n, s, len);
            n += len;
        } else if (k == 7) {
            p[n++] = 0xC2;
            p[n++] = c2_next[rnd() % sizeof c2_next];
        } else if (k == 8) {
            static const char *const chars[] = {"\xC3\xA9", "\xE2\x80\x99",
                                                "\xF0\x9F\x98\x80",
                                                "\xEF\xBB\xBF"};
            const char *s = chars[rnd() % 4];
            memcpy(p + n, s, strlen(s));
            n += strlen(s);
        } else {
            p[n++] = (unsigned char)rnd();
        }
    }
    return n;
}

/* The output facts, one byte at a time: what scan_out's block scans must
 * add up to. Returns the offset of the first NUL (or -1) with its line
 * and column. */
static long ref_out_facts(const unsigned char *p, size_t n, gs_decode_facts *f,
                          uint64_t *nul_line, uint64_t *nul_col)
{
    uint64_t line = 1, line_start = 0;
    long nul = -1;

    memset(f, 0, sizeof *f);
    f->ascii_only = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        f->chars += (c & 0xC0) != 0x80;
        if (c >= 0x80)
            f->ascii_only = 0;
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
                f->crlf++;
                f->chars++;     /* the LF, skipped */
                i++;
            } else {
                *(c == '\n' ? &f->lf : &f->cr) += 1;
            }
            line++;
            line_start = i + 1;
        } else if (c == 0) {
            f->nul_bytes++;
            if (nul < 0) {
                nul = (long)i;
                *nul_line = line;
                *nul_col = i - line_start + 1;
            }
        } else if ((c < 0x20 && c != '\t') || c == 0x7F ||
                   (c == 0xC2 && i + 1 < n && p[i + 1] <= 0x9F)) {
            f->control_chars++;
        }
    }
    f->lines = line - 1 + (n > line_start);
    return nul;
}

#define U(x) ((unsigned long long)(x))

START_TEST(output_scan_agrees_with_a_byte_by_byte_reference)
{
    static unsigned char in[2048];
    static const size_t chunks[] = {1, 2, 3, 7, 15, 16, 17, 31, 33, 0};

    for (int iter = 0; iter < 400; iter++) {
        size_t n = soup(in, 50 + rnd() % (sizeof in - 50));
        run whole = {0};
        gs_decode_facts want;
        uint64_t nul_line = 0, nul_col = 0;

        decode(in, n, 0, 0, NULL, &whole);
        ck_assert_int_eq(whole.st, GS_OK);
        long nul = ref_out_facts(whole.out, whole.len, &want, &nul_line,
                                 &nul_col);
        const gs_decode_facts *x = &whole.facts;
        ck_assert_msg(x->chars == want.chars && x->lf == want.lf &&
                      x->crlf == want.crlf && x->cr == want.cr &&
                      x->lines == want.lines &&
                      x->nul_bytes == want.nul_bytes &&
                      x->control_chars == want.control_chars &&
                      x->ascii_only == want.ascii_only,
                      "iter %d: facts differ from the reference: chars %llu/%llu"
                      " lf %llu/%llu crlf %llu/%llu cr %llu/%llu lines %llu/%llu"
                      " nul %llu/%llu controls %llu/%llu ascii %d/%d", iter,
                      U(x->chars), U(want.chars), U(x->lf), U(want.lf),
                      U(x->crlf), U(want.crlf), U(x->cr), U(want.cr),
                      U(x->lines), U(want.lines), U(x->nul_bytes),
                      U(want.nul_bytes), U(x->control_chars),
                      U(want.control_chars), x->ascii_only, want.ascii_only);
        size_t k = 0;
        while (k < whole.ndefects &&
               strcmp(whole.defects[k].code, "encoding.nul_bytes") != 0)
            k++;
        if (nul < 0) {
            ck_assert_uint_eq(k, whole.ndefects);
        } else {
            ck_assert_uint_lt(k, whole.ndefects);
            ck_assert_msg(whole.defects[k].loc.offset == (uint64_t)nul &&
                          whole.defects[k].loc.line == nul_line &&
                          whole.defects[k].loc.col == nul_col,
                          "iter %d: NUL defect misplaced", iter);
        }
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            run r = {0};
            size_t chunk = chunks[c] ? chunks[c] : 1 + rnd() % 200;
            decode(in, n, chunk, 0, NULL, &r);
            assert_same_run(&whole, &r, chunk);
            run_free(&r);
        }
        run_free(&whole);
    }
}
END_TEST

/* The character count sums continuation bytes in byte-wide lanes: runs of
 * 9,000 bytes of 2-byte characters put 4,500 in the odd lanes, far past
 * what one lane holds (a lane that wrapped would lose 256 each time). */
START_TEST(a_long_piece_of_multibyte_text_counts_every_character)
{
    static unsigned char in[40000];
    for (size_t i = 0; i < sizeof in; i += 2)
        memcpy(in + i, i % 10000 < 9000 ? "\xC3\xA9" : "ab", 2);
    run r = {0};
    decode(in, sizeof in, 0, 0, NULL, &r);
    uint64_t chars = 0;
    for (size_t i = 0; i < sizeof in; i++)
        chars += (in[i] & 0xC0) != 0x80;
    ck_assert_uint_eq(r.facts.chars, chars);
    ck_assert_int_eq(r.facts.ascii_only, 0);
    run_free(&r);
}
END_TEST

START_TEST(ascii_test_agrees_with_a_byte_loop_at_every_length)
{
    unsigned char buf[40];
    for (size_t n = 0; n <= sizeof buf; n++)
        for (size_t at = 0; at <= n; at++)     /* at == n: all ASCII */
            for (unsigned hi = 0x80; hi <= 0xFF; hi += 0x7F) {
                memset(buf, 'a', sizeof buf);
                if (at < n)
                    buf[at] = (unsigned char)hi;
                if (n < sizeof buf)
                    buf[n] = 0xFF;  /* past the end: never looked at */
                ck_assert_msg(gs_ascii_only(buf, n) == (at == n),
                              "n %zu, byte 0x%02X at %zu", n, hi, at);
            }
}
END_TEST

START_TEST(invalid_utf8_examples_stop_at_max_examples_with_locations)
{
    static const char text[] =
        "Caf\xC3\xA9 ok\n\xC3\xA9t\xC3\xA9 ab\xC3(\n\xFF\xFF\xFF\xFF\xFF\xFF"
        " r\xC3\xA9sum\xC3\xA9 na\xC3\xAFve";
    gs_limits lim;
    run r = {0};

    gs_limits_default(&lim);
    lim.max_examples = 3;
    decode(text, sizeof text - 1, 0, 0, &lim, &r);
    ck_assert_uint_eq(r.facts.invalid_utf8, 7);
    ck_assert_uint_eq(r.ndefects, 3);
    ck_assert_str_eq(r.defects[0].code, "encoding.invalid_utf8");
    ck_assert_str_eq(r.defects[0].detail,
                     "invalid UTF-8 byte 0xC3 at input byte 17");
    ck_assert_uint_eq(r.defects[0].loc.line, 2);
    ck_assert_uint_eq(r.defects[0].loc.col, 9);     /* bytes: e-acute counts 2 */
    ck_assert_uint_eq(r.defects[0].loc.offset, 17);
    ck_assert_uint_eq(r.defects[1].loc.line, 3);
    ck_assert_uint_eq(r.defects[1].loc.col, 1);
    ck_assert_uint_eq(r.defects[2].loc.col, 4);     /* after one U+FFFD */
    run_free(&r);

    lim.max_examples = 0;
    decode(text, sizeof text - 1, 0, HEAD_ALL, &lim, &r);
    ck_assert_uint_eq(r.facts.invalid_utf8, 7);
    ck_assert_uint_eq(r.ndefects, 0);
    run_free(&r);

    /* a truncated sequence at the end says so */
    decode("ab\xE2\x82", 4, 1, 0, NULL, &r);
    ck_assert_str_eq(r.defects[0].detail,
                     "truncated UTF-8 sequence 0xE2 0x82 at end of input");
    run_free(&r);
}
END_TEST

/* ---- errors --------------------------------------------------------- */

START_TEST(a_nonzero_callback_stops_with_ecanceled)
{
    gs_sink sink = {.defect = on_defect};
    gs_decoder *d;
    run r = {.stop_out = 1};

    sink.ud = &r;
    ck_assert_int_eq(gs_decoder_open(NULL, &sink, &d), GS_OK);
    ck_assert_int_eq(gs_decoder_detect(d, (const unsigned char *)"x", 1), GS_OK);
    ck_assert_int_eq(gs_decoder_feed(d, (const unsigned char *)"x", 1, on_out, &r),
                     GS_ECANCELED);
    ck_assert_int_eq(gs_decoder_feed(d, (const unsigned char *)"y", 1, on_out, &r),
                     GS_ECANCELED);
    ck_assert_int_eq(gs_decoder_finish(d, on_out, &r), GS_ECANCELED);
    gs_decoder_close(d);
    run_free(&r);

    r.stop_defect = 1;
    ck_assert_int_eq(gs_decoder_open(NULL, &sink, &d), GS_OK);
    ck_assert_int_eq(gs_decoder_detect(d, NULL, 0), GS_OK);
    ck_assert_int_eq(gs_decoder_feed(d, (const unsigned char *)"a\xFF", 2, on_out, &r),
                     GS_ECANCELED);
    ck_assert_uint_eq(r.ndefects, 1);
    gs_decoder_close(d);
    run_free(&r);
}
END_TEST

START_TEST(misuse_is_einval)
{
    gs_decoder *d;
    run r = {0};
    const unsigned char *x = (const unsigned char *)"x";

    ck_assert_int_eq(gs_decoder_open(NULL, NULL, NULL), GS_EINVAL);
    ck_assert_int_eq(gs_decoder_open(NULL, NULL, &d), GS_OK);
    ck_assert_int_eq(gs_decoder_feed(d, x, 1, on_out, &r), GS_EINVAL);
    ck_assert_int_eq(gs_decoder_detect(d, x, 1), GS_OK);
    ck_assert_int_eq(gs_decoder_detect(d, x, 1), GS_EINVAL);
    ck_assert_int_eq(gs_decoder_feed(d, x, 1, NULL, &r), GS_EINVAL);
    ck_assert_int_eq(gs_decoder_feed(d, x, 1, on_out, &r), GS_OK);
    ck_assert_int_eq(gs_decoder_finish(d, on_out, &r), GS_OK);
    ck_assert_int_eq(gs_decoder_feed(d, x, 1, on_out, &r), GS_EINVAL);
    ck_assert_int_eq(gs_decoder_finish(d, on_out, &r), GS_EINVAL);
    gs_decoder_close(d);
    gs_decoder_close(NULL);
    ck_assert_ptr_null(gs_decoder_facts(NULL));
    ck_assert_uint_eq(gs_utf8_count_invalid(NULL, 0), 0);
    run_free(&r);
}
END_TEST

static long alloc_left, alloc_live;
static void *failing_alloc(void *ud, void *ptr, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        if (ptr)
            alloc_live--;
        free(ptr);
        return NULL;
    }
    if (alloc_left-- <= 0)
        return NULL;
    if (!ptr)
        alloc_live++;
    return realloc(ptr, nsize);
}

/* Fails the n-th allocation for every n: a status, never a crash or leak. */
START_TEST(out_of_memory_is_enomem_at_every_allocation)
{
    unsigned char in[1024];
    size_t n = to_charset("windows-1252", TEXT_FR, in, sizeof in);
    int ok = 0;

    for (long fail_at = 0; !ok && fail_at < 50; fail_at++) {
        gs_decoder *d = NULL;
        run r = {0};
        gs_status st;
        alloc_left = fail_at;
        alloc_live = 0;
        gs_set_allocator(failing_alloc, NULL);
        st = gs_decoder_open(NULL, NULL, &d);
        if (st == GS_OK)
            st = gs_decoder_detect(d, in, n);
        if (st == GS_OK)
            st = gs_decoder_feed(d, in, n, on_out, &r);
        if (st == GS_OK)
            st = gs_decoder_finish(d, on_out, &r);
        ck_assert(st == GS_OK || st == GS_ENOMEM);
        ok = st == GS_OK;
        if (ok)
            assert_output(&r, TEXT_FR, sizeof TEXT_FR - 1);
        gs_decoder_close(d);
        gs_set_allocator(NULL, NULL);
        ck_assert_int_eq(alloc_live, 0);
        run_free(&r);
    }
    ck_assert(ok);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *t = tcase_create("utf8");
    tcase_add_test(t, maximal_subparts_are_replaced_as_the_unicode_standard_says);
    tcase_add_test(t, fast_validator_agrees_with_a_byte_by_byte_reference);
    tcase_add_test(t, output_scan_agrees_with_a_byte_by_byte_reference);
    tcase_add_test(t, a_long_piece_of_multibyte_text_counts_every_character);
    tcase_add_test(t, ascii_test_agrees_with_a_byte_loop_at_every_length);
    tcase_add_test(t, any_chunking_gives_the_same_utf8_output_facts_and_defects);
    tcase_add_test(t, long_input_streams_through_fixed_buffers);
    tcase_add_test(t, invalid_utf8_examples_stop_at_max_examples_with_locations);
    suite_add_tcase(s, t);

    t = tcase_create("transcode");
    tcase_add_test(t, windows_1252_text_is_detected_and_transcoded_in_any_chunking);
    tcase_add_test(t, latin1_text_without_c1_bytes_is_iso_8859_1);
    tcase_add_test(t, shift_jis_text_is_detected_and_transcoded_in_any_chunking);
    tcase_add_test(t, utf16le_with_bom_is_transcoded_in_any_chunking);
    tcase_add_test(t, seven_bit_iso_2022_jp_is_detected_by_its_escapes);
    suite_add_tcase(s, t);

    t = tcase_create("detect");
    tcase_add_test(t, each_bom_is_detected_and_stripped);
    tcase_add_test(t, utf16_without_bom_is_recognised_by_its_nuls);
    tcase_add_test(t, pure_ascii_reads_as_utf8);
    tcase_add_test(t, a_utf8_head_cut_inside_a_character_is_still_utf8);
    tcase_add_test(t, mostly_valid_utf8_with_a_few_bad_bytes_stays_utf8);
    tcase_add_test(t, short_non_ascii_input_is_undetermined);
    tcase_add_test(t, a_binary_blob_looks_binary);
    suite_add_tcase(s, t);

    t = tcase_create("hygiene");
    tcase_add_test(t, crlf_split_across_feeds_counts_once);
    tcase_add_test(t, lines_count_terminators_and_an_unterminated_last_line);
    tcase_add_test(t, control_characters_count_c0_del_and_c1_but_not_tab_or_nbsp);
    suite_add_tcase(s, t);

    t = tcase_create("errors");
    tcase_add_test(t, a_nonzero_callback_stops_with_ecanceled);
    tcase_add_test(t, misuse_is_einval);
    tcase_add_test(t, out_of_memory_is_enomem_at_every_allocation);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

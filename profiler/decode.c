/* decode.c - the decode stage: decide a file's encoding, stream valid UTF-8.
 *
 * Job: turn a file's bytes into valid UTF-8 for the parsers, and count the
 * text-hygiene facts every format shares, once, here (see decode.h).
 *
 * Detection (gs_decoder_detect, on the head only) is charset.c's: this
 * file takes its answer, skips the BOM it found, and reads UTF-8 and
 * "undetermined" (binary, too little text) as UTF-8 with replacement,
 * anything else through an ICU converter.
 *
 * Invariants:
 *   1. Output is valid UTF-8 without a leading BOM: UTF-8 mode emits only
 *      validated runs and U+FFFD; ICU mode re-encodes ICU's UTF-16 itself,
 *      holding a lead surrogate back until its trail arrives.
 *   2. Chunking changes nothing: at most 3 bytes of an unfinished UTF-8
 *      sequence wait in `pend`; ICU converters keep their own state; a CR
 *      that ends one piece of output waits for the next byte (CRLF or CR).
 *   3. scan_out sees every output byte exactly once, in order, before it is
 *      delivered; all hygiene facts and every defect location come from it,
 *      so they are the same for every encoding.
 *   4. Memory is constant: the output buffer, the UTF-16 pivot and the queue
 *      of undecodable-sequence examples are sized at open/detect. ICU's own
 *      converter and detector memory does not go through gs_malloc.
 *
 * Facts are counted on the decoded text: ascii_only means every decoded
 * character is ASCII (for UTF-8 input: every byte after the BOM < 0x80);
 * NUL is counted in nul_bytes only, not in control_chars.
 *
 * Fast path: scan_out reads each piece twice in blocks, 32 bytes a test
 * with SSE2 (words of 8 without it, or built with GS_NO_SIMD: the tests
 * run both against a byte-by-byte reference): once to count continuation
 * bytes, once to find the next byte scan_special must see (< 0x20, DEL,
 * 0xC2); every other byte needs nothing. The count assumes invariant 1:
 * valid UTF-8 has a byte >= 0x80 exactly where it has a continuation byte,
 * so that count also decides ascii_only.
 *
 * Not done here: NFC, mojibake, invisible characters (the collector looks at
 * values); deciding the encoding (charset.c).
 */
#include "gapscan/decode.h"

#include "gapscan/charset.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include "bytescan-private.h"

#define OUT_CAP (64 * 1024)      /* output buffer bytes */
#define DIRECT_MIN 4096          /* valid runs this long skip the copy */
#define U_CAP 8192               /* UTF-16 pivot, in UChars */
#define U_SLICE (U_CAP / 2 - 64) /* input bytes per ucnv_toUnicode call */


static const unsigned char REPLACEMENT[3] = {0xEF, 0xBF, 0xBD};

enum mode { MODE_NONE, MODE_UTF8, MODE_ICU };

/* An undecodable sequence in ICU mode, waiting to be reported at its place
 * in the output: uidx is the index of its U+FFFD in the pivot. */
typedef struct bad_seq {
    size_t uidx;
    unsigned char len;
    unsigned char bytes[8];
} bad_seq;

/* A hygiene defect held back: the scanner reports a run or a segment only
 * when it ends, which may be one piece later; sending its defects after the
 * decoder's own, at finish, keeps their order independent of chunking. */
typedef struct held_defect {
    char code[40];
    char detail[200];
    gs_loc loc;
    int has_loc, has_detail;
} held_defect;

struct gs_decoder {
    gs_decode_facts f;
    const gs_sink *sink;
    size_t max_examples;
    enum mode mode;
    gs_status status;           /* sticky once a feed failed */
    int finished;
    gs_decode_out_fn out;       /* the current feed's callback */
    void *out_ud;

    /* input side */
    size_t bom_left;            /* BOM bytes still to skip */
    unsigned char pend[4];      /* unfinished UTF-8 sequence (< 4 bytes) */
    size_t npend;
    uint64_t pend_off;          /* input offset of pend[0] */
    UConverter *cnv;
    UChar *ubuf;                /* U_CAP UChars */
    size_t ukeep;               /* 1 when ubuf[0] is a held lead surrogate */
    bad_seq *bad;               /* max_examples entries */
    size_t nbad;
    size_t examples;            /* encoding defects reported so far */

    /* output side */
    unsigned char *obuf;        /* OUT_CAP bytes */
    size_t olen;
    uint64_t terminators;       /* line terminators seen */
    uint64_t line_start;        /* output offset where the line starts */
    int cr_pending, c2_pending, nul_reported;
    gs_hygiene *hyg;            /* sees every output byte once, in order */
    unsigned hyg_flags;         /* GS_HYGIENE_INSERTED while U+FFFD output
                                   is the decoder's own */
    gs_sink hyg_sink;           /* holds the hygiene defects ... */
    held_defect *held;          /* ... (at most max_examples per code) ... */
    size_t n_held, cap_held;    /* ... until finish sends them on */
};

static int hold_defect(void *ud, const char *code, const char *detail,
                       const gs_loc *loc)
{
    gs_decoder *d = ud;
    if (d->n_held == d->cap_held)
        return 0;  /* cannot happen: the scanner reports max_examples each */
    held_defect *h = &d->held[d->n_held++];
    snprintf(h->code, sizeof h->code, "%s", code);
    snprintf(h->detail, sizeof h->detail, "%s", detail ? detail : "");
    h->has_detail = detail != NULL;
    h->has_loc = loc != NULL;
    if (loc)
        h->loc = *loc;
    return 0;
}

/* ---- UTF-8 validation ------------------------------------------------ */

static inline size_t first_high(uint64_t mask)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(mask) / 8;
#else
    (void)mask;
    return 0;   /* the caller's byte loop finds it */
#endif
}

/* Checks one multibyte sequence at p[0] (p[0] >= 0x80); returns its length,
 * or 0 if it is invalid or runs past n. */
static inline size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c < 0xE0) {
        if (c < 0xC2 || n < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (p[2] & 0xC0) != 0x80)
            return 0;
        unsigned c1 = p[1];
        if (c == 0xE0 ? (c1 < 0xA0 || c1 > 0xBF)
            : c == 0xED ? (c1 < 0x80 || c1 > 0x9F)
            : (c1 & 0xC0) != 0x80)
            return 0;
        return 3;
    }
    if (c > 0xF4 || n < 4 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    unsigned c1 = p[1];
    if (c == 0xF0 ? (c1 < 0x90 || c1 > 0xBF)
        : c == 0xF4 ? (c1 < 0x80 || c1 > 0x8F)
        : (c1 & 0xC0) != 0x80)
        return 0;
    return 4;
}

/* Length of the longest valid UTF-8 prefix of p[0..n) that ends on a
 * character boundary. ASCII goes 32, then 8 bytes at a time. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (;;) {
        uint64_t a, b, c, e;
        while (n - i >= 32) {
            memcpy(&a, p + i, 8);
            memcpy(&b, p + i + 8, 8);
            memcpy(&c, p + i + 16, 8);
            memcpy(&e, p + i + 24, 8);
            if ((a | b | c | e) & HIGHS)
                break;
            i += 32;
        }
        while (n - i >= 8) {
            memcpy(&a, p + i, 8);
            if (a & HIGHS) {
                i += first_high(a & HIGHS);
                break;
            }
            i += 8;
        }
        while (i < n && p[i] < 0x80)
            i++;
        while (i < n && p[i] >= 0x80) {
            size_t k = utf8_seq(p + i, n - i);
            if (k == 0)
                return i;
            i += k;
        }
        if (i >= n)
            return n;
    }
}

/* The maximal subpart at p[0], where utf8_valid_prefix stopped: its length
 * (>= 1). *cut is set when it is a valid prefix that only ran out of bytes;
 * a complete valid sequence (possible when called on pend) returns its
 * length with *cut == 0. */
static size_t utf8_subpart(const unsigned char *p, size_t n, int *cut)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t need, k;

    *cut = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 1;
    }
    for (k = 1; k <= need; k++) {
        if (k == n) {
            *cut = 1;
            return k;
        }
        if (p[k] < lo || p[k] > hi)
            return k;
        lo = 0x80;
        hi = 0xBF;
    }
    return k;
}

uint64_t gs_utf8_count_invalid(const unsigned char *buf, size_t len)
{
    uint64_t bad = 0;
    size_t i = 0;
    int cut;

    while (i < len) {
        i += utf8_valid_prefix(buf + i, len - i);
        if (i == len)
            break;
        i += utf8_subpart(buf + i, len - i, &cut);
        bad++;
    }
    return bad;
}

/* ---- output: hygiene scan, buffer, delivery ------------------------- */

static gs_status fail(gs_decoder *d, gs_status st)
{
    if (d->status == GS_OK)
        d->status = st;
    return st;
}

static void loc_at(const gs_decoder *d, uint64_t off, gs_loc *loc)
{
    loc->offset = off;
    loc->line = d->terminators + 1;
    loc->col = off - d->line_start + 1;
    loc->record = 0;
}

static gs_status report(gs_decoder *d, const char *code, const char *detail,
                        uint64_t off)
{
    gs_loc loc;
    if (!d->sink || !d->sink->defect)
        return GS_OK;
    loc_at(d, off, &loc);
    if (d->sink->defect(d->sink->ud, code, detail, &loc))
        return fail(d, GS_ECANCELED);
    return GS_OK;
}

/* Nonzero when the word holds a byte scan_special must see: < 0x20, DEL,
 * or 0xC2 (the lead byte of U+0080..U+00BF, which holds the C1 controls). */
static inline int needs_look(uint64_t v)
{
    return ((v - ONES * 0x20) & ~v & HIGHS) != 0 ||
           has_zero(v ^ (ONES * 0x7F)) || has_zero(v ^ (ONES * 0xC2));
}

#ifdef GS__SSE2
/* The bytes of p[0..16) that scan_special must see, as a bit mask. */
static inline unsigned special_mask(const unsigned char *p)
{
    const __m128i low = _mm_set1_epi8((char)0xE0), del = _mm_set1_epi8(0x7F),
                  c2 = _mm_set1_epi8((char)0xC2);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i s = _mm_or_si128(
        _mm_cmpeq_epi8(_mm_and_si128(v, low), _mm_setzero_si128()), /* < 0x20 */
        _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, c2)));
    return (unsigned)_mm_movemask_epi8(s);
}
#endif

/* The index of the first byte in p[i..n) that scan_special must see, or n:
 * SSE2 32 then 16 bytes a test, else words of 8, then bytes. */
static size_t next_special(const unsigned char *p, size_t i, size_t n)
{
#ifdef GS__SSE2
    if (gs__skip_blocks(p, &i, n, special_mask))
        return i;
#endif
    for (; n - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (needs_look(v))
            break;
    }
    while (i < n && p[i] >= 0x20 && p[i] != 0x7F && p[i] != 0xC2)
        i++;
    return i;
}

/* The continuation bytes (10xxxxxx) in p[0..n): SSE2 32 bytes a step,
 * summed in byte lanes for up to 127 steps (254 a lane), else words of 8,
 * then bytes. */
static uint64_t count_cont(const unsigned char *p, size_t n)
{
    uint64_t cont = 0;
    size_t i = 0;
#ifdef GS__SSE2
    const __m128i top = _mm_set1_epi8((char)0xC0), cbit = _mm_set1_epi8((char)0x80),
                  zero = _mm_setzero_si128();
    while (n - i >= 32) {
        __m128i lanes = zero;
        for (int k = 0; k < 127 && n - i >= 32; k++, i += 32) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            /* a match is -1: subtracting it counts */
            lanes = _mm_sub_epi8(
                lanes, _mm_cmpeq_epi8(_mm_and_si128(a, top), cbit));
            lanes = _mm_sub_epi8(
                lanes, _mm_cmpeq_epi8(_mm_and_si128(b, top), cbit));
        }
        __m128i sum = _mm_sad_epu8(lanes, zero);
        cont += (uint64_t)_mm_cvtsi128_si32(sum) +
                (uint64_t)_mm_extract_epi16(sum, 4);
    }
#endif
    for (; n - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        uint64_t t = (v & ~(v << 1) & HIGHS) >> 7;  /* 0 or 1 a byte */
        cont += (t * ONES) >> 56;                   /* their sum */
    }
    for (; i < n; i++)
        cont += (p[i] & 0xC0) == 0x80;
    return cont;
}

/* One byte that needs a look, at p[*i]; advances *i past what it used. */
static gs_status scan_special(gs_decoder *d, const unsigned char *p, size_t n,
                              size_t *i, uint64_t base)
{
    size_t j = *i;
    unsigned char c = p[j];

    *i = j + 1;
    switch (c) {
    case '\n':
        d->f.lf++;
        d->terminators++;
        d->line_start = base + j + 1;
        break;
    case '\r':
        d->terminators++;
        d->line_start = base + j + 1;
        if (j + 1 == n) {
            d->cr_pending = 1;
        } else if (p[j + 1] == '\n') {
            d->f.crlf++;
            d->line_start = base + j + 2;
            *i = j + 2;
        } else {
            d->f.cr++;
        }
        break;
    case '\t':
        break;
    case 0xC2:
        if (j + 1 == n)
            d->c2_pending = 1;
        else if (p[j + 1] <= 0x9F)
            d->f.control_chars++;
        break;
    case 0:
        d->f.nul_bytes++;
        if (!d->nul_reported) {
            d->nul_reported = 1;
            return report(d, "encoding.nul_bytes", "NUL byte (U+0000) in text",
                          base + j);
        }
        break;
    default:    /* other C0 controls and DEL */
        d->f.control_chars++;
        break;
    }
    return GS_OK;
}

/* Counts the hygiene facts of output bytes p[0..n), which follow all output
 * scanned so far. n may be 0. */
static gs_status scan_out(gs_decoder *d, const unsigned char *p, size_t n)
{
    uint64_t base = d->f.bytes_out;
    size_t i = 0;
    gs_status st = GS_OK;

    if (n == 0)
        return GS_OK;
    /* characters: the bytes that do not continue a sequence. The output is
     * valid UTF-8 (invariant 1), so it holds a byte >= 0x80 exactly when it
     * holds a continuation byte. */
    uint64_t cont = count_cont(p, n);
    d->f.chars += n - cont;
    if (cont)
        d->f.ascii_only = 0;
    if ((st = gs_hygiene_feed(d->hyg, (const char *)p, n, d->hyg_flags)) !=
        GS_OK)
        return fail(d, st);
    if (d->c2_pending) {
        d->c2_pending = 0;
        if (p[0] >= 0x80 && p[0] <= 0x9F)
            d->f.control_chars++;
    }
    if (d->cr_pending) {
        d->cr_pending = 0;
        if (p[0] == '\n') {
            d->f.crlf++;
            d->line_start = base + 1;
            i = 1;
        } else {
            d->f.cr++;
        }
    }
    while (st == GS_OK && (i = next_special(p, i, n)) < n)
        st = scan_special(d, p, n, &i, base);
    d->f.bytes_out = base + n;
    d->f.lines = d->terminators + (d->f.bytes_out > d->line_start);
    return st;
}

static gs_status flush(gs_decoder *d)
{
    size_t n = d->olen;
    d->olen = 0;
    if (n && d->out(d->out_ud, (const char *)d->obuf, n))
        return fail(d, GS_ECANCELED);
    return GS_OK;
}

/* Scans and delivers output bytes: short pieces through obuf, long valid
 * runs straight from the caller's buffer. */
static gs_status emit(gs_decoder *d, const unsigned char *p, size_t n)
{
    gs_status st = scan_out(d, p, n);
    if (st != GS_OK)
        return st;
    if (n >= DIRECT_MIN) {
        st = flush(d);
        if (st == GS_OK && d->out(d->out_ud, (const char *)p, n))
            st = fail(d, GS_ECANCELED);
        return st;
    }
    if (OUT_CAP - d->olen < n && (st = flush(d)) != GS_OK)
        return st;
    memcpy(d->obuf + d->olen, p, n);
    d->olen += n;
    return GS_OK;
}

/* ---- UTF-8 mode ------------------------------------------------------ */

static gs_status utf8_invalid(gs_decoder *d, const unsigned char *bad,
                              size_t k, uint64_t in_off, int at_end)
{
    d->f.invalid_utf8++;
    if (d->examples < d->max_examples) {
        char detail[160];
        int w;
        d->examples++;
        if (k == 1)
            w = snprintf(detail, sizeof detail, "invalid UTF-8 byte 0x%02X",
                         bad[0]);
        else
            w = snprintf(detail, sizeof detail, "%s UTF-8 sequence",
                         at_end ? "truncated" : "incomplete");
        for (size_t j = 0; k > 1 && j < k; j++)
            w += snprintf(detail + w, sizeof detail - (size_t)w, " 0x%02X",
                          bad[j]);
        if (at_end)
            snprintf(detail + w, sizeof detail - (size_t)w, " at end of input");
        else
            snprintf(detail + w, sizeof detail - (size_t)w,
                     " at input byte %llu", (unsigned long long)in_off);
        gs_status st = report(d, "encoding.invalid_utf8", detail,
                              d->f.bytes_out);
        if (st != GS_OK)
            return st;
    }
    d->hyg_flags = GS_HYGIENE_INSERTED;
    gs_status st = emit(d, REPLACEMENT, sizeof REPLACEMENT);
    d->hyg_flags = 0;
    return st;
}

/* Completes the sequence waiting in pend with bytes from p; advances *i past
 * the bytes it took. */
static gs_status utf8_resume(gs_decoder *d, const unsigned char *p, size_t n,
                             size_t *i)
{
    while (*i < n) {
        int cut;
        d->pend[d->npend++] = p[(*i)++];
        size_t k = utf8_subpart(d->pend, d->npend, &cut);
        if (cut)
            continue;
        size_t have = d->npend;
        d->npend = 0;
        if (k == have)
            return emit(d, d->pend, have);
        /* pend held a valid prefix, so the byte just added broke it: it
         * starts the next character. */
        assert(k == have - 1);
        (*i)--;
        return utf8_invalid(d, d->pend, k, d->pend_off, 0);
    }
    return GS_OK;
}

static gs_status utf8_feed(gs_decoder *d, const unsigned char *p, size_t n,
                           uint64_t off)
{
    size_t i = 0;
    gs_status st;

    if (d->npend && (st = utf8_resume(d, p, n, &i)) != GS_OK)
        return st;
    while (i < n) {
        size_t v = utf8_valid_prefix(p + i, n - i);
        if (v) {
            if ((st = emit(d, p + i, v)) != GS_OK)
                return st;
            i += v;
            if (i == n)
                break;
        }
        int cut;
        size_t k = utf8_subpart(p + i, n - i, &cut);
        if (cut) {
            memcpy(d->pend, p + i, k);
            d->npend = k;
            d->pend_off = off + i;
            break;
        }
        if ((st = utf8_invalid(d, p + i, k, off + i, 0)) != GS_OK)
            return st;
        i += k;
    }
    return GS_OK;
}

/* ---- ICU mode -------------------------------------------------------- */

/* ICU calls this for bytes it cannot decode: write U+FFFD, count, and queue
 * the first few for a defect at their place in the output. */
static void U_CALLCONV icu_on_bad(const void *ctx, UConverterToUnicodeArgs *a,
                                  const char *units, int32_t len,
                                  UConverterCallbackReason why,
                                  UErrorCode *err)
{
    gs_decoder *d = (gs_decoder *)ctx;
    static const UChar fffd = 0xFFFD;

    if (why > UCNV_IRREGULAR)
        return;     /* reset, close, clone: nothing to substitute */
    d->f.undecodable++;
    if (d->examples + d->nbad < d->max_examples) {
        bad_seq *b = &d->bad[d->nbad++];
        b->uidx = (size_t)(a->target - d->ubuf);
        b->len = (unsigned char)(len < 8 ? len : 8);
        memcpy(b->bytes, units, b->len);
    }
    *err = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(a, &fffd, 1, 0, err);
}

/* UTF-16 u[0..n) (no split surrogate pair at either end) to UTF-8 in obuf. */
static gs_status emit_utf16(gs_decoder *d, const UChar *u, size_t n)
{
    size_t i = 0;
    gs_status st;

    while (i < n) {
        if (OUT_CAP - d->olen < 4 && (st = flush(d)) != GS_OK)
            return st;
        unsigned char *o0 = d->obuf + d->olen, *o = o0;
        unsigned char *end = d->obuf + OUT_CAP - 3;
        for (; i < n && o < end; i++) {
            uint32_t c = u[i];
            if (c < 0x80) {
                *o++ = (unsigned char)c;
                continue;
            }
            if (c < 0x800) {
                *o++ = (unsigned char)(0xC0 | c >> 6);
            } else if (c >= 0xD800 && c <= 0xDFFF) {
                if (c <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 &&
                    u[i + 1] <= 0xDFFF) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00);
                    *o++ = (unsigned char)(0xF0 | c >> 18);
                    *o++ = (unsigned char)(0x80 | (c >> 12 & 0x3F));
                } else {
                    c = 0xFFFD;     /* ICU never hands out a lone one */
                    *o++ = 0xEF;
                }
                *o++ = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            } else {
                *o++ = (unsigned char)(0xE0 | c >> 12);
                *o++ = (unsigned char)(0x80 | (c >> 6 & 0x3F));
            }
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        }
        st = scan_out(d, o0, (size_t)(o - o0));
        d->olen += (size_t)(o - o0);
        if (st != GS_OK)
            return st;
    }
    return GS_OK;
}

static gs_status icu_report(gs_decoder *d, const bad_seq *b)
{
    char detail[160];
    int w = snprintf(detail, sizeof detail, "bytes");
    for (size_t j = 0; j < b->len; j++)
        w += snprintf(detail + w, sizeof detail - (size_t)w, " 0x%02X",
                      b->bytes[j]);
    snprintf(detail + w, sizeof detail - (size_t)w,
             " cannot be decoded as %s", d->f.encoding);
    d->examples++;
    return report(d, "encoding.undecodable", detail, d->f.bytes_out);
}

/* Emits the pivot ubuf[0..n), reporting queued bad sequences at their
 * U+FFFD; a trailing lead surrogate stays for the next round unless final.
 * Queue entries past n (ICU wrote their U+FFFD to its overflow) move to
 * the start of the next round. */
static gs_status icu_drain(gs_decoder *d, size_t n, int final)
{
    size_t keep = 0, at = 0, q = 0, r = 0;
    gs_status st;

    if (!final && n > 0 && d->ubuf[n - 1] >= 0xD800 && d->ubuf[n - 1] <= 0xDBFF)
        keep = 1;
    for (; q < d->nbad && d->bad[q].uidx < n - keep; q++) {
        size_t u = d->bad[q].uidx < at ? at : d->bad[q].uidx;
        if ((st = emit_utf16(d, d->ubuf + at, u - at)) != GS_OK ||
            (st = icu_report(d, &d->bad[q])) != GS_OK)
            return st;
        at = u;
    }
    if ((st = emit_utf16(d, d->ubuf + at, n - keep - at)) != GS_OK)
        return st;
    for (; q < d->nbad; q++, r++) {
        d->bad[r] = d->bad[q];
        d->bad[r].uidx -= n - keep;     /* >= n - keep: see the loop above */
    }
    d->nbad = r;
    if (keep)
        d->ubuf[0] = d->ubuf[n - 1];
    d->ukeep = keep;
    return GS_OK;
}

/* Decodes p[0..n) through the ICU converter in slices small enough that the
 * pivot should never overflow (if it does, ICU keeps the rest and the loop
 * goes round again). final flushes the converter's state. */
static gs_status icu_convert(gs_decoder *d, const unsigned char *p, size_t n,
                             int final)
{
    const char *src = (const char *)p, *end = src + n;
    int more;

    do {
        const char *stop = (size_t)(end - src) > U_SLICE ? src + U_SLICE : end;
        UChar *t = d->ubuf + d->ukeep;
        UErrorCode err = U_ZERO_ERROR;
        int last = final && stop == end;

        ucnv_toUnicode(d->cnv, &t, d->ubuf + U_CAP, &src, stop, NULL,
                       (UBool)last, &err);
        more = err == U_BUFFER_OVERFLOW_ERROR;
        if (U_FAILURE(err) && !more)
            return fail(d, err == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM
                                                            : GS_EFORMAT);
        gs_status st = icu_drain(d, (size_t)(t - d->ubuf), last && !more);
        if (st != GS_OK)
            return st;
    } while (src < end || more);
    return GS_OK;
}

/* ---- detection ------------------------------------------------------- */

static void set_encoding(gs_decoder *d, const char *name, double conf)
{
    snprintf(d->f.encoding, sizeof d->f.encoding, "%s", name);
    d->f.confidence = conf;
}

/* Switches d to ICU mode for name. *known is cleared (and nothing changes)
 * when ICU has no converter by that name. */
static gs_status use_icu(gs_decoder *d, const char *name, int *known)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverterToUCallback old_cb;
    const void *old_ctx;

    *known = 1;
    d->cnv = ucnv_open(name, &err);
    if (U_FAILURE(err)) {
        d->cnv = NULL;
        *known = 0;
        return err == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM : GS_OK;
    }
    ucnv_setToUCallBack(d->cnv, icu_on_bad, d, &old_cb, &old_ctx, &err);
    if (U_FAILURE(err))
        goto fail_cnv;
    d->ubuf = gs_malloc(U_CAP * sizeof *d->ubuf);
    if (!d->ubuf)
        goto fail_cnv;
    if (d->max_examples) {
        d->bad = gs_calloc(d->max_examples, sizeof *d->bad);
        if (!d->bad)
            goto fail_ubuf;
    }
    d->mode = MODE_ICU;
    return GS_OK;

fail_ubuf:
    gs_free(d->ubuf);
    d->ubuf = NULL;
fail_cnv:
    ucnv_close(d->cnv);
    d->cnv = NULL;
    return GS_ENOMEM;
}

/* ---- public API ------------------------------------------------------ */

gs_status gs_decoder_open(const gs_limits *lim, const gs_sink *sink,
                          gs_decoder **out)
{
    gs_limits def;
    gs_decoder *d;

    if (!out)
        return GS_EINVAL;
    *out = NULL;
    if (!lim) {
        gs_limits_default(&def);
        lim = &def;
    }
    d = gs_calloc(1, sizeof *d);
    if (!d)
        return GS_ENOMEM;
    d->obuf = gs_malloc(OUT_CAP);
    if (!d->obuf)
        goto fail_d;
    d->cap_held = GS_HYG__COUNT * (lim->max_examples ? lim->max_examples : 1);
    d->held = gs_calloc(d->cap_held, sizeof *d->held);
    d->hyg_sink = (gs_sink){.ud = d, .defect = hold_defect};
    if (!d->held || gs_hygiene_open(lim, sink ? &d->hyg_sink : NULL,
                                    GS_HYGIENE_BOM_STRIPPED, &d->hyg) != GS_OK)
        goto fail_obuf;
    d->sink = sink;
    d->max_examples = lim->max_examples;
    d->f.ascii_only = 1;
    set_encoding(d, "undetermined", 0.0);
    *out = d;
    return GS_OK;

fail_obuf:
    gs_free(d->held);
    gs_free(d->obuf);
fail_d:
    gs_free(d);
    return GS_ENOMEM;
}

/* A declaration that names another charset than the bytes are in. Pure
 * ASCII fits any ASCII-compatible declaration; an undetermined or unknown
 * answer cannot be compared. */
static gs_status declared_check(gs_decoder *d, const gs_charset_result *cr)
{
    if (!cr->declared[0] || cr->ascii_only || cr->looks_binary ||
        strcmp(d->f.encoding, "undetermined") == 0 ||
        ucnv_compareNames(cr->declared, d->f.encoding) == 0)
        return GS_OK;
    UErrorCode err = U_ZERO_ERROR;
    const char *a = ucnv_getCanonicalName(cr->declared, "IANA", &err);
    err = U_ZERO_ERROR;
    const char *b = ucnv_getCanonicalName(d->f.encoding, "IANA", &err);
    if (a && b && strcmp(a, b) == 0)
        return GS_OK;
    char detail[160];
    snprintf(detail, sizeof detail, "declares %s; the bytes are %s",
             cr->declared, d->f.encoding);
    return report(d, "encoding.declared_mismatch", detail, 0);
}

gs_status gs_decoder_detect(gs_decoder *d, const unsigned char *head,
                            size_t len)
{
    gs_charset_result cr;
    int known = 0;
    gs_status st;

    if (!d || (!head && len) || d->mode != MODE_NONE)
        return GS_EINVAL;
    if ((st = gs_charset_detect(head, len, &cr)) != GS_OK)
        return fail(d, st);
    snprintf(d->f.bom, sizeof d->f.bom, "%s", cr.bom);
    snprintf(d->f.declared, sizeof d->f.declared, "%s", cr.declared);
    d->bom_left = cr.bom_len;
    d->f.ascii_only = cr.ascii_only;
    d->f.looks_binary = cr.looks_binary;
    d->mode = MODE_UTF8;
    if (strcmp(cr.name, "UTF-8") != 0 && strcmp(cr.name, "undetermined") != 0) {
        if ((st = use_icu(d, cr.name, &known)) != GS_OK)
            return fail(d, st);
        if (!known) {   /* charset.c gives only names ICU opens */
            set_encoding(d, "undetermined", 0.0);
            return GS_OK;
        }
    }
    set_encoding(d, cr.name, cr.confidence);
    /* A legacy charset cannot encode U+FFFD: every one in ICU's output is
     * the converter's. UTF-16/32 could carry one from the input, but ICU's
     * output does not say which are whose, so there too they are all taken
     * for the converter's (a known blind spot: docs/limits.md). */
    if (d->mode == MODE_ICU)
        d->hyg_flags = GS_HYGIENE_INSERTED;
    return declared_check(d, &cr);
}

gs_status gs_decoder_start_at(gs_decoder *d, uint64_t offset)
{
    if (!d || d->f.bytes_in || d->finished)
        return GS_EINVAL;
    d->f.bytes_in = offset;
    return GS_OK;
}

gs_status gs_decoder_feed(gs_decoder *d, const unsigned char *buf, size_t len,
                          gs_decode_out_fn out, void *ud)
{
    uint64_t off;
    size_t skip;
    gs_status st;

    if (!d || !out || (!buf && len) || d->mode == MODE_NONE || d->finished)
        return GS_EINVAL;
    if (d->status != GS_OK)
        return d->status;
    off = d->f.bytes_in;
    d->f.bytes_in += len;
    d->out = out;
    d->out_ud = ud;
    skip = len < d->bom_left ? len : d->bom_left;
    d->bom_left -= skip;
    if (d->mode == MODE_UTF8)
        st = utf8_feed(d, buf + skip, len - skip, off + skip);
    else
        st = icu_convert(d, buf + skip, len - skip, 0);
    if (st == GS_OK)
        st = flush(d);
    return fail(d, st);
}

gs_status gs_decoder_finish(gs_decoder *d, gs_decode_out_fn out, void *ud)
{
    gs_status st = GS_OK;

    if (!d || !out || d->mode == MODE_NONE || d->finished)
        return GS_EINVAL;
    if (d->status != GS_OK)
        return d->status;
    d->out = out;
    d->out_ud = ud;
    if (d->mode == MODE_UTF8 && d->npend) {
        size_t k = d->npend;
        d->npend = 0;
        st = utf8_invalid(d, d->pend, k, d->pend_off, 1);
    } else if (d->mode == MODE_ICU) {
        st = icu_convert(d, (const unsigned char *)"", 0, 1);
    }
    if (st == GS_OK && d->cr_pending) {
        d->cr_pending = 0;
        d->f.cr++;
    }
    if (st == GS_OK)
        st = flush(d);
    if (st == GS_OK)
        st = gs_hygiene_finish(d->hyg);
    for (size_t i = 0; st == GS_OK && i < d->n_held; i++) {
        const held_defect *h = &d->held[i];
        if (d->sink->defect(d->sink->ud, h->code,
                            h->has_detail ? h->detail : NULL,
                            h->has_loc ? &h->loc : NULL))
            st = GS_ECANCELED;
    }
    memcpy(d->f.hygiene, gs_hygiene_get_facts(d->hyg)->count,
           sizeof d->f.hygiene);
    d->finished = 1;
    return fail(d, st);
}

const gs_decode_facts *gs_decoder_facts(const gs_decoder *d)
{
    return d ? &d->f : NULL;
}

void gs_decoder_close(gs_decoder *d)
{
    if (!d)
        return;
    if (d->cnv)
        ucnv_close(d->cnv);
    gs_hygiene_close(d->hyg);
    gs_free(d->held);
    gs_free(d->bad);
    gs_free(d->ubuf);
    gs_free(d->obuf);
    gs_free(d);
}

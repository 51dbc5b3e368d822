/* decode.h - the decode stage: from a file's bytes to valid UTF-8.
 *
 * Sits between source and parser. It decides the character encoding from
 * the head of the file (BOM, then UTF-8 validity, then ICU's detector),
 * strips a leading BOM, and streams everything else out as UTF-8:
 *   - UTF-8 input is validated (fast path for ASCII/valid runs) and passed
 *     through unchanged; each maximal invalid subpart (Unicode ch. 3, the
 *     WHATWG count) is replaced by U+FFFD and counted;
 *   - other encodings are transcoded with ICU's converters, streaming.
 * On the way it counts the text-hygiene facts every format shares: line
 * endings (LF, CRLF, lone CR), lines, NUL bytes, other C0/C1 controls, and
 * runs every output byte through the hygiene detectors (hygiene.h:
 * mojibake, U+FFFD that was in the input, bidi and zero-width characters,
 * a BOM mid-file, non-NFC text), whose defects go to the same sink. A
 * declared charset (XML declaration, HTML <meta>) that is not what the
 * bytes are is the defect "encoding.declared_mismatch". The
 * first few invalid sequences are reported as defects with their location
 * ("encoding.invalid_utf8"; "encoding.undecodable" for other encodings),
 * the rest only counted.
 *
 * Invariants:
 *   1. Output is always valid UTF-8 and never starts with the BOM that
 *      detection found (a second U+FEFF right after it is content, passed
 *      on like any other character); without a BOM it never starts with
 *      U+FEFF, since such a start is a BOM.
 *   2. Feeding the same bytes in any chunking gives the same output bytes,
 *      the same facts and the same defects (sequences split across feeds
 *      are carried over).
 *   3. Memory is constant: a few fixed buffers, whatever the file size.
 *
 * Too little or too ambiguous text to tell is "undetermined" (confidence 0),
 * read as UTF-8 with replacement, never a confident guess.
 */
#ifndef GAPSCAN_DECODE_H
#define GAPSCAN_DECODE_H

#include <string.h>

#include "gapscan/events.h"
#include "gapscan/hygiene.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_decoder gs_decoder;

typedef struct gs_decode_facts {
    char encoding[40];       /* IANA name ("UTF-8", "windows-1252",
                                "Shift_JIS", "UTF-16LE") or "undetermined";
                                pure ASCII reads as "UTF-8" */
    double confidence;       /* 0..1 */
    char bom[12];            /* "" or "UTF-8", "UTF-16LE", "UTF-16BE",
                                "UTF-32LE", "UTF-32BE" */
    int looks_binary;        /* NULs / control bytes say: not text */
    int ascii_only;          /* every byte < 0x80 */
    uint64_t invalid_utf8;   /* maximal invalid subparts replaced */
    uint64_t undecodable;    /* sequences another encoding (ICU) could not
                                decode, replaced by U+FFFD */
    uint64_t nul_bytes;
    uint64_t control_chars;  /* C0 except NUL/TAB/LF/CR, DEL, and C1 */
    uint64_t lf, crlf, cr;   /* line endings seen */
    uint64_t lines;          /* lines, counting a last unterminated one */
    uint64_t bytes_in;       /* bytes fed (BOM included) */
    uint64_t bytes_out;      /* UTF-8 bytes emitted */
    uint64_t chars;          /* characters emitted */
    char declared[40];       /* charset the XML declaration or HTML <meta>
                                names, as written; "" if none */
    uint64_t hygiene[GS_HYG__COUNT];  /* text-hygiene counts (hygiene.h) of
                                         the output, after finish */
} gs_decode_facts;

/* Receives decoded UTF-8; nonzero stops the decoder with GS_ECANCELED. */
typedef int (*gs_decode_out_fn)(void *ud, const char *utf8, size_t len);

/* sink receives defects (may be NULL); sink and lim outlive the decoder. */
gs_status gs_decoder_open(const gs_limits *lim, const gs_sink *sink,
                          gs_decoder **out);

/* Decide the encoding from the first bytes of the file (the caller passes
 * up to 64 KiB, or the whole file if shorter). Must be called once, before
 * the first feed; the same bytes are then fed normally. */
gs_status gs_decoder_detect(gs_decoder *d, const unsigned char *head,
                            size_t len);

/* The input starts at byte offset of its file (one range of a split file,
 * scan.h): input offsets in defect details, and bytes_in, count from there.
 * Call before the first feed; GS_EINVAL after. */
gs_status gs_decoder_start_at(gs_decoder *d, uint64_t offset);

gs_status gs_decoder_feed(gs_decoder *d, const unsigned char *buf, size_t len,
                          gs_decode_out_fn out, void *ud);
/* End of input: an incomplete trailing sequence is an invalid subpart. */
gs_status gs_decoder_finish(gs_decoder *d, gs_decode_out_fn out, void *ud);

const gs_decode_facts *gs_decoder_facts(const gs_decoder *d);
void gs_decoder_close(gs_decoder *d);  /* NULL is fine */

/* Validate a whole buffer as UTF-8: returns the number of maximal invalid
 * subparts (0 = valid). An incomplete sequence at the very end counts. */
uint64_t gs_utf8_count_invalid(const unsigned char *buf, size_t len);

/* Whether p[0, n) is all ASCII: in words of 8, the first and the last
 * (overlapping) before the ones between; under 8 bytes in two overlapping
 * halves of 4, under 4 its first, middle and last byte. Inline: the value
 * classifier and the hygiene check ask it of every value. */
static inline int gs_ascii_only(const unsigned char *p, size_t n)
{
    const uint64_t high = UINT64_C(0x8080808080808080);
    uint64_t acc, v;
    if (n >= 8) {
        memcpy(&acc, p, 8);
        memcpy(&v, p + n - 8, 8);
        acc |= v;
        for (size_t i = 8; i + 8 < n; i += 8) {
            memcpy(&v, p + i, 8);
            acc |= v;
        }
        return !(acc & high);
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return !((a | b) & 0x80808080u);
    }
    return n == 0 || !((p[0] | p[n / 2] | p[n - 1]) & 0x80);
}

#ifdef __cplusplus
}
#endif
#endif

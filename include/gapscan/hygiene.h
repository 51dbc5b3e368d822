/* hygiene.h - text-hygiene detectors over decoded UTF-8.
 *
 * The decode stage (decode.h) counts what is wrong with the bytes: invalid
 * UTF-8, NULs, controls, line endings. This module looks at the characters
 * of valid text for six defects that survive any decoder:
 *
 *   code                        what                                 counted per
 *   encoding.mojibake           UTF-8 once read as windows-1252,     run
 *                               Latin-1, windows-1251 or KOI8-R and
 *                               saved again ("CafÃ©", "â€™",
 *                               "РџСЂРёРІРµС‚"), also twice ("ÃƒÂ©")
 *   encoding.replacement_char   U+FFFD that was in the input         character
 *   encoding.bidi_control       U+202A-202E, U+2066-2069, U+200E,    character
 *                               U+200F, U+061C (Trojan Source)
 *   encoding.zero_width         U+200B-200D, U+2060, except where    character
 *                               a script or an emoji sequence uses
 *                               them (Khmer word breaks, Persian
 *                               ZWNJ, family emoji ZWJ)
 *   encoding.bom_mid_file       U+FEFF anywhere but offset 0         character
 *   encoding.not_nfc            a segment that NFC would change      segment
 *
 * Two entry points share one detector core:
 *   - a streaming scanner for a whole document: feed UTF-8 in pieces of any
 *     size; results and defect locations are the same under any chunking;
 *     memory is one fixed allocation at open. The first lim->max_examples
 *     occurrences of each code go to the sink as defects (gs_loc: offset in
 *     the stream fed, line, col in BYTES from the line start, as everywhere
 *     in gapscan; record 0); all are counted in gs_hygiene_get_facts().
 *   - gs_hygiene_value(): the classes present in one value, as a bit mask,
 *     without allocation and with an ASCII fast path, for per-field roll-ups.
 *
 * U+FFFD put in by the decoder. Only the decoder knows which U+FFFD it
 * inserted, so the scanner is told per piece: feed the decoder's replacement
 * with GS_HYGIENE_INSERTED and everything else without it. The exact place
 * is decode.c's emit path, where every output byte passes once in order
 * (utf8_invalid emits its REPLACEMENT: that piece is INSERTED; validated runs
 * are not; ICU output of a charset that cannot encode U+FFFD may be fed as
 * INSERTED whole). Fed from a gs_decode_out_fn callback instead, whose
 * chunks mix both, pass 0: replacement_chars then also counts the decoder's
 * own, so the original count is replacement_chars - (invalid_utf8 +
 * undecodable), and example locations may point at inserted ones.
 * An inserted U+FFFD still advances positions and breaks mojibake runs.
 *
 * Not done here: invalid UTF-8, NULs, controls, line-ending counts (the
 * decoder's facts); repairing text (nothing read is modified; the mojibake
 * detail only says what a run reads as).
 */
#ifndef GAPSCAN_HYGIENE_H
#define GAPSCAN_HYGIENE_H

#include "gapscan/events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defect classes, in code order. GS_HYG_INVALID_UTF8 only marks values (or
 * pieces) that were not valid UTF-8; the scanner counts but never reports
 * it, since the decoder does. */
typedef enum gs_hygiene_class {
    GS_HYG_MOJIBAKE = 0,
    GS_HYG_REPLACEMENT,
    GS_HYG_BIDI,
    GS_HYG_ZERO_WIDTH,
    GS_HYG_BOM_MID,
    GS_HYG_NOT_NFC,
    GS_HYG_INVALID_UTF8,
    GS_HYG__COUNT
} gs_hygiene_class;

#define GS_HYG_BIT(cls) (1u << (cls))

/* "encoding.mojibake", ... for a class; NULL out of range. Static. */
const char *gs_hygiene_code(gs_hygiene_class cls);

typedef struct gs_hygiene_facts {
    uint64_t count[GS_HYG__COUNT];  /* occurrences per class (see table) */
    uint64_t chars;                 /* characters scanned */
    uint64_t bytes;                 /* bytes fed */
} gs_hygiene_facts;

typedef struct gs_hygiene gs_hygiene;

/* Open flag: the stream's own BOM was already removed (decoder output), so
 * a U+FEFF at offset 0 is a second one and is reported. Without it a
 * U+FEFF at offset 0 is taken for the file's BOM and ignored. */
#define GS_HYGIENE_BOM_STRIPPED 1u

/* sink receives defects (may be NULL); sink and lim outlive the scanner;
 * lim NULL means defaults. GS_ENOMEM, or GS_EFORMAT when ICU's NFC data
 * cannot be loaded. */
gs_status gs_hygiene_open(const gs_limits *lim, const gs_sink *sink,
                          unsigned flags, gs_hygiene **out);

/* Feed flag: every U+FFFD in this piece was inserted by the decoder. */
#define GS_HYGIENE_INSERTED 1u

/* Feeds the next piece of the stream (len may be 0; utf8 is borrowed).
 * Pieces may split characters anywhere. Returns GS_ECANCELED once a sink
 * callback returned nonzero (sticky), GS_EINVAL after finish. */
gs_status gs_hygiene_feed(gs_hygiene *h, const char *utf8, size_t len,
                          unsigned flags);

/* End of stream: decides runs and segments still open. A character cut by
 * the end counts as invalid UTF-8. */
gs_status gs_hygiene_finish(gs_hygiene *h);

const gs_hygiene_facts *gs_hygiene_get_facts(const gs_hygiene *h);
void gs_hygiene_close(gs_hygiene *h);  /* NULL is fine */

/* The classes present in one value, as GS_HYG_BIT()s (0 = clean). The value
 * is a whole text on its own: a U+FEFF anywhere in it is GS_HYG_BOM_MID, and
 * every U+FFFD is GS_HYG_REPLACEMENT (a value cannot tell who put it there).
 * Pure ASCII returns 0 after one pass of 8-byte words, ASCII with Latin-1
 * letters (U+00C0-00FF but U+00F7) after one more pass. Thread-safe, no
 * allocation. */
unsigned gs_hygiene_value(const char *bytes, size_t len);

#ifdef __cplusplus
}
#endif
#endif

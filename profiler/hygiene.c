/* hygiene.c - text-hygiene detectors over decoded UTF-8 (see hygiene.h).
 *
 * One detector core (struct core) reads UTF-8 byte by byte and looks at
 * each character once; the streaming scanner wraps it with a sink and a
 * location table, gs_hygiene_value() runs it on the stack (unless the value
 * is ASCII and Latin-1 letters only, on which no detector can fire).
 *
 * Mojibake. UTF-8 read as a legacy 8-bit code page turns each multibyte
 * sequence into 2-4 characters whose bytes in that code page are a lead
 * byte (C2-F4) and continuation bytes (80-BF). For each page (windows-1252
 * with the Latin-1 reading of C1 bytes, windows-1251, KOI8-R) the core maps
 * characters back to bytes (REV, checked against ICU by the tests) and keeps
 * a run of adjacent sequences that re-encode to valid UTF-8 and decode to a
 * plausible character (a letter of a big script, common punctuation,
 * U+FEFF, U+FFFD). Precision over recall, so a run counts only when:
 *   - it holds 2+ sequences whose characters agree on one script, or
 *   - its one sequence is 3-4 bytes and not made only of prose punctuation
 *     after a letter ("é…»" in French stays clean, "â€™" does not), or
 *   - its one sequence is 2 bytes in windows-1252, the lead is a letter, and
 *     it is not an upper-case word's last letter before punctuation
 *     ("IRMÃ”" is Portuguese capitals and a quote; "CafÃ©" is mojibake).
 *     A lone 2-byte sequence in 1251/KOI8-R never counts: capitalised
 *     Ukrainian words ("Він", "Рік") are exactly such pairs.
 * Text in the code page's own script never triggers it: Cyrillic letters
 * are not windows-1252 characters, and 1251/KOI8-R leads need continuation
 * characters that Russian prose does not put after a letter.
 *
 * NFC. Characters since the last ASCII one wait in a UTF-16 buffer with
 * their locations; an ASCII character (which never combines backwards) or
 * a full buffer (cut at the last unorm2_hasBoundaryBefore) sends them to
 * unorm2_spanQuickCheckYes; where the span stops, the segment up to the
 * next boundary is checked with unorm2_quickCheck (MAYBE resolved by
 * unorm2_isNormalized) and counted once. A buffer of code points below
 * U+0300 skips ICU: all of them are NFC_QC=Yes.
 *
 * Invariants:
 *   1. Chunking changes nothing: the UTF-8 reader, line counting, mojibake
 *      runs and the NFC buffer are byte-by-byte state machines; no decision
 *      depends on where a piece ends.
 *   2. No allocation after open; gs_hygiene_value allocates nothing.
 *   3. Locations are those of the stream fed: offset, line (LF, CRLF or
 *      lone CR end a line, as in the decoder), col in bytes; a mojibake run
 *      is located at its first character, an NFC defect at its segment.
 *   4. Invalid UTF-8 never stops the scan: each maximal subpart counts as
 *      GS_HYG_INVALID_UTF8 and acts as an inserted U+FFFD.
 *
 * Fast path: inside an ASCII run only LF and CR matter (for locations), so
 * the run is crossed 32 bytes a test with SSE2 (words of 8 without it, or
 * built with GS_NO_SIMD; the tests run both against locations counted byte
 * by byte). Pages with nothing open skip characters that cannot lead.
 */
#include "gapscan/hygiene.h"

#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "gapscan/decode.h"

#include "bytescan-private.h"

#define NFC_CAP 256     /* UTF-16 units waiting for an NFC check */
#define RUN_TEXT 48     /* mojibake text kept for the defect detail */
#define RUN_RAW 24      /* its bytes re-encoded */
#define NPAGES 3
#define REV_MAX 0x25A0  /* highest character any page maps */


enum page_id { PAGE_1252, PAGE_1251, PAGE_KOI8R };
static const char *const page_name[NPAGES] = {"windows-1252",
                                              "windows-1251", "KOI8-R"};

static const char *const codes[GS_HYG__COUNT] = {
    "encoding.mojibake", "encoding.replacement_char", "encoding.bidi_control",
    "encoding.zero_width", "encoding.bom_mid_file", "encoding.not_nfc",
    "encoding.invalid_utf8",
};

/* Characters of bytes 80-FF in each page, sorted by character: {character,
 * windows-1252 byte, windows-1251 byte, KOI8-R byte}, 0 = not in that page.
 * Bytes a page leaves undefined read as the C1 control of the same value
 * (WHATWG). ASCII maps to itself in all three and is not listed. */
typedef struct rev_entry {
    uint16_t cp;
    uint8_t w1252, w1251, koi8r;
} rev_entry;

static const rev_entry REV[] = {
    {0x0081,0x81,0x00,0x00}, {0x008D,0x8D,0x00,0x00}, {0x008F,0x8F,0x00,0x00},
    {0x0090,0x90,0x00,0x00}, {0x0098,0x00,0x98,0x00}, {0x009D,0x9D,0x00,0x00},
    {0x00A0,0xA0,0xA0,0x9A}, {0x00A1,0xA1,0x00,0x00}, {0x00A2,0xA2,0x00,0x00},
    {0x00A3,0xA3,0x00,0x00}, {0x00A4,0xA4,0xA4,0x00}, {0x00A5,0xA5,0x00,0x00},
    {0x00A6,0xA6,0xA6,0x00}, {0x00A7,0xA7,0xA7,0x00}, {0x00A8,0xA8,0x00,0x00},
    {0x00A9,0xA9,0xA9,0xBF}, {0x00AA,0xAA,0x00,0x00}, {0x00AB,0xAB,0xAB,0x00},
    {0x00AC,0xAC,0xAC,0x00}, {0x00AD,0xAD,0xAD,0x00}, {0x00AE,0xAE,0xAE,0x00},
    {0x00AF,0xAF,0x00,0x00}, {0x00B0,0xB0,0xB0,0x9C}, {0x00B1,0xB1,0xB1,0x00},
    {0x00B2,0xB2,0x00,0x9D}, {0x00B3,0xB3,0x00,0x00}, {0x00B4,0xB4,0x00,0x00},
    {0x00B5,0xB5,0xB5,0x00}, {0x00B6,0xB6,0xB6,0x00}, {0x00B7,0xB7,0xB7,0x9E},
    {0x00B8,0xB8,0x00,0x00}, {0x00B9,0xB9,0x00,0x00}, {0x00BA,0xBA,0x00,0x00},
    {0x00BB,0xBB,0xBB,0x00}, {0x00BC,0xBC,0x00,0x00}, {0x00BD,0xBD,0x00,0x00},
    {0x00BE,0xBE,0x00,0x00}, {0x00BF,0xBF,0x00,0x00}, {0x00C0,0xC0,0x00,0x00},
    {0x00C1,0xC1,0x00,0x00}, {0x00C2,0xC2,0x00,0x00}, {0x00C3,0xC3,0x00,0x00},
    {0x00C4,0xC4,0x00,0x00}, {0x00C5,0xC5,0x00,0x00}, {0x00C6,0xC6,0x00,0x00},
    {0x00C7,0xC7,0x00,0x00}, {0x00C8,0xC8,0x00,0x00}, {0x00C9,0xC9,0x00,0x00},
    {0x00CA,0xCA,0x00,0x00}, {0x00CB,0xCB,0x00,0x00}, {0x00CC,0xCC,0x00,0x00},
    {0x00CD,0xCD,0x00,0x00}, {0x00CE,0xCE,0x00,0x00}, {0x00CF,0xCF,0x00,0x00},
    {0x00D0,0xD0,0x00,0x00}, {0x00D1,0xD1,0x00,0x00}, {0x00D2,0xD2,0x00,0x00},
    {0x00D3,0xD3,0x00,0x00}, {0x00D4,0xD4,0x00,0x00}, {0x00D5,0xD5,0x00,0x00},
    {0x00D6,0xD6,0x00,0x00}, {0x00D7,0xD7,0x00,0x00}, {0x00D8,0xD8,0x00,0x00},
    {0x00D9,0xD9,0x00,0x00}, {0x00DA,0xDA,0x00,0x00}, {0x00DB,0xDB,0x00,0x00},
    {0x00DC,0xDC,0x00,0x00}, {0x00DD,0xDD,0x00,0x00}, {0x00DE,0xDE,0x00,0x00},
    {0x00DF,0xDF,0x00,0x00}, {0x00E0,0xE0,0x00,0x00}, {0x00E1,0xE1,0x00,0x00},
    {0x00E2,0xE2,0x00,0x00}, {0x00E3,0xE3,0x00,0x00}, {0x00E4,0xE4,0x00,0x00},
    {0x00E5,0xE5,0x00,0x00}, {0x00E6,0xE6,0x00,0x00}, {0x00E7,0xE7,0x00,0x00},
    {0x00E8,0xE8,0x00,0x00}, {0x00E9,0xE9,0x00,0x00}, {0x00EA,0xEA,0x00,0x00},
    {0x00EB,0xEB,0x00,0x00}, {0x00EC,0xEC,0x00,0x00}, {0x00ED,0xED,0x00,0x00},
    {0x00EE,0xEE,0x00,0x00}, {0x00EF,0xEF,0x00,0x00}, {0x00F0,0xF0,0x00,0x00},
    {0x00F1,0xF1,0x00,0x00}, {0x00F2,0xF2,0x00,0x00}, {0x00F3,0xF3,0x00,0x00},
    {0x00F4,0xF4,0x00,0x00}, {0x00F5,0xF5,0x00,0x00}, {0x00F6,0xF6,0x00,0x00},
    {0x00F7,0xF7,0x00,0x9F}, {0x00F8,0xF8,0x00,0x00}, {0x00F9,0xF9,0x00,0x00},
    {0x00FA,0xFA,0x00,0x00}, {0x00FB,0xFB,0x00,0x00}, {0x00FC,0xFC,0x00,0x00},
    {0x00FD,0xFD,0x00,0x00}, {0x00FE,0xFE,0x00,0x00}, {0x00FF,0xFF,0x00,0x00},
    {0x0152,0x8C,0x00,0x00}, {0x0153,0x9C,0x00,0x00}, {0x0160,0x8A,0x00,0x00},
    {0x0161,0x9A,0x00,0x00}, {0x0178,0x9F,0x00,0x00}, {0x017D,0x8E,0x00,0x00},
    {0x017E,0x9E,0x00,0x00}, {0x0192,0x83,0x00,0x00}, {0x02C6,0x88,0x00,0x00},
    {0x02DC,0x98,0x00,0x00}, {0x0401,0x00,0xA8,0xB3}, {0x0402,0x00,0x80,0x00},
    {0x0403,0x00,0x81,0x00}, {0x0404,0x00,0xAA,0x00}, {0x0405,0x00,0xBD,0x00},
    {0x0406,0x00,0xB2,0x00}, {0x0407,0x00,0xAF,0x00}, {0x0408,0x00,0xA3,0x00},
    {0x0409,0x00,0x8A,0x00}, {0x040A,0x00,0x8C,0x00}, {0x040B,0x00,0x8E,0x00},
    {0x040C,0x00,0x8D,0x00}, {0x040E,0x00,0xA1,0x00}, {0x040F,0x00,0x8F,0x00},
    {0x0410,0x00,0xC0,0xE1}, {0x0411,0x00,0xC1,0xE2}, {0x0412,0x00,0xC2,0xF7},
    {0x0413,0x00,0xC3,0xE7}, {0x0414,0x00,0xC4,0xE4}, {0x0415,0x00,0xC5,0xE5},
    {0x0416,0x00,0xC6,0xF6}, {0x0417,0x00,0xC7,0xFA}, {0x0418,0x00,0xC8,0xE9},
    {0x0419,0x00,0xC9,0xEA}, {0x041A,0x00,0xCA,0xEB}, {0x041B,0x00,0xCB,0xEC},
    {0x041C,0x00,0xCC,0xED}, {0x041D,0x00,0xCD,0xEE}, {0x041E,0x00,0xCE,0xEF},
    {0x041F,0x00,0xCF,0xF0}, {0x0420,0x00,0xD0,0xF2}, {0x0421,0x00,0xD1,0xF3},
    {0x0422,0x00,0xD2,0xF4}, {0x0423,0x00,0xD3,0xF5}, {0x0424,0x00,0xD4,0xE6},
    {0x0425,0x00,0xD5,0xE8}, {0x0426,0x00,0xD6,0xE3}, {0x0427,0x00,0xD7,0xFE},
    {0x0428,0x00,0xD8,0xFB}, {0x0429,0x00,0xD9,0xFD}, {0x042A,0x00,0xDA,0xFF},
    {0x042B,0x00,0xDB,0xF9}, {0x042C,0x00,0xDC,0xF8}, {0x042D,0x00,0xDD,0xFC},
    {0x042E,0x00,0xDE,0xE0}, {0x042F,0x00,0xDF,0xF1}, {0x0430,0x00,0xE0,0xC1},
    {0x0431,0x00,0xE1,0xC2}, {0x0432,0x00,0xE2,0xD7}, {0x0433,0x00,0xE3,0xC7},
    {0x0434,0x00,0xE4,0xC4}, {0x0435,0x00,0xE5,0xC5}, {0x0436,0x00,0xE6,0xD6},
    {0x0437,0x00,0xE7,0xDA}, {0x0438,0x00,0xE8,0xC9}, {0x0439,0x00,0xE9,0xCA},
    {0x043A,0x00,0xEA,0xCB}, {0x043B,0x00,0xEB,0xCC}, {0x043C,0x00,0xEC,0xCD},
    {0x043D,0x00,0xED,0xCE}, {0x043E,0x00,0xEE,0xCF}, {0x043F,0x00,0xEF,0xD0},
    {0x0440,0x00,0xF0,0xD2}, {0x0441,0x00,0xF1,0xD3}, {0x0442,0x00,0xF2,0xD4},
    {0x0443,0x00,0xF3,0xD5}, {0x0444,0x00,0xF4,0xC6}, {0x0445,0x00,0xF5,0xC8},
    {0x0446,0x00,0xF6,0xC3}, {0x0447,0x00,0xF7,0xDE}, {0x0448,0x00,0xF8,0xDB},
    {0x0449,0x00,0xF9,0xDD}, {0x044A,0x00,0xFA,0xDF}, {0x044B,0x00,0xFB,0xD9},
    {0x044C,0x00,0xFC,0xD8}, {0x044D,0x00,0xFD,0xDC}, {0x044E,0x00,0xFE,0xC0},
    {0x044F,0x00,0xFF,0xD1}, {0x0451,0x00,0xB8,0xA3}, {0x0452,0x00,0x90,0x00},
    {0x0453,0x00,0x83,0x00}, {0x0454,0x00,0xBA,0x00}, {0x0455,0x00,0xBE,0x00},
    {0x0456,0x00,0xB3,0x00}, {0x0457,0x00,0xBF,0x00}, {0x0458,0x00,0xBC,0x00},
    {0x0459,0x00,0x9A,0x00}, {0x045A,0x00,0x9C,0x00}, {0x045B,0x00,0x9E,0x00},
    {0x045C,0x00,0x9D,0x00}, {0x045E,0x00,0xA2,0x00}, {0x045F,0x00,0x9F,0x00},
    {0x0490,0x00,0xA5,0x00}, {0x0491,0x00,0xB4,0x00}, {0x2013,0x96,0x96,0x00},
    {0x2014,0x97,0x97,0x00}, {0x2018,0x91,0x91,0x00}, {0x2019,0x92,0x92,0x00},
    {0x201A,0x82,0x82,0x00}, {0x201C,0x93,0x93,0x00}, {0x201D,0x94,0x94,0x00},
    {0x201E,0x84,0x84,0x00}, {0x2020,0x86,0x86,0x00}, {0x2021,0x87,0x87,0x00},
    {0x2022,0x95,0x95,0x00}, {0x2026,0x85,0x85,0x00}, {0x2030,0x89,0x89,0x00},
    {0x2039,0x8B,0x8B,0x00}, {0x203A,0x9B,0x9B,0x00}, {0x20AC,0x80,0x88,0x00},
    {0x2116,0x00,0xB9,0x00}, {0x2122,0x99,0x99,0x00}, {0x2219,0x00,0x00,0x95},
    {0x221A,0x00,0x00,0x96}, {0x2248,0x00,0x00,0x97}, {0x2264,0x00,0x00,0x98},
    {0x2265,0x00,0x00,0x99}, {0x2320,0x00,0x00,0x93}, {0x2321,0x00,0x00,0x9B},
    {0x2500,0x00,0x00,0x80}, {0x2502,0x00,0x00,0x81}, {0x250C,0x00,0x00,0x82},
    {0x2510,0x00,0x00,0x83}, {0x2514,0x00,0x00,0x84}, {0x2518,0x00,0x00,0x85},
    {0x251C,0x00,0x00,0x86}, {0x2524,0x00,0x00,0x87}, {0x252C,0x00,0x00,0x88},
    {0x2534,0x00,0x00,0x89}, {0x253C,0x00,0x00,0x8A}, {0x2550,0x00,0x00,0xA0},
    {0x2551,0x00,0x00,0xA1}, {0x2552,0x00,0x00,0xA2}, {0x2553,0x00,0x00,0xA4},
    {0x2554,0x00,0x00,0xA5}, {0x2555,0x00,0x00,0xA6}, {0x2556,0x00,0x00,0xA7},
    {0x2557,0x00,0x00,0xA8}, {0x2558,0x00,0x00,0xA9}, {0x2559,0x00,0x00,0xAA},
    {0x255A,0x00,0x00,0xAB}, {0x255B,0x00,0x00,0xAC}, {0x255C,0x00,0x00,0xAD},
    {0x255D,0x00,0x00,0xAE}, {0x255E,0x00,0x00,0xAF}, {0x255F,0x00,0x00,0xB0},
    {0x2560,0x00,0x00,0xB1}, {0x2561,0x00,0x00,0xB2}, {0x2562,0x00,0x00,0xB4},
    {0x2563,0x00,0x00,0xB5}, {0x2564,0x00,0x00,0xB6}, {0x2565,0x00,0x00,0xB7},
    {0x2566,0x00,0x00,0xB8}, {0x2567,0x00,0x00,0xB9}, {0x2568,0x00,0x00,0xBA},
    {0x2569,0x00,0x00,0xBB}, {0x256A,0x00,0x00,0xBC}, {0x256B,0x00,0x00,0xBD},
    {0x256C,0x00,0x00,0xBE}, {0x2580,0x00,0x00,0x8B}, {0x2584,0x00,0x00,0x8C},
    {0x2588,0x00,0x00,0x8D}, {0x258C,0x00,0x00,0x8E}, {0x2590,0x00,0x00,0x8F},
    {0x2591,0x00,0x00,0x90}, {0x2592,0x00,0x00,0x91}, {0x2593,0x00,0x00,0x92},
    {0x25A0,0x00,0x00,0x94},
};

/* ---- character classes -------------------------------------------- */

typedef struct range {
    uint32_t lo, hi;
} range;

static int in_ranges(uint32_t c, const range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c >= r[i].lo && c <= r[i].hi)
            return 1;
    return 0;
}

#define IN(c, tbl) in_ranges((c), (tbl), sizeof(tbl) / sizeof(tbl)[0])

/* What a mojibake sequence may decode to, in any page: Latin-1 and Latin
 * Extended-A, Romanian comma letters, Cyrillic, common punctuation,
 * currency, letterlike symbols, BOM and U+FFFD. */
static const range plausible_any[] = {
    {0x00A0, 0x017F}, {0x0218, 0x021B}, {0x0400, 0x045F}, {0x0490, 0x0491},
    {0x2010, 0x2027}, {0x2030, 0x205E}, {0x20A0, 0x20BF}, {0x2100, 0x214F},
    {0xFEFF, 0xFEFF}, {0xFFFD, 0xFFFD},
};
/* ... and in windows-1252, the usual victim of every script: letters of
 * Greek, Hebrew, Arabic, Indic, Thai, Vietnamese, CJK, kana, Hangul, and
 * arrows, maths, shapes, emoji. */
static const range plausible_1252[] = {
    {0x0386, 0x03CE}, {0x05D0, 0x05EA}, {0x0620, 0x064A}, {0x0660, 0x0669},
    {0x0671, 0x06D3}, {0x0900, 0x0DFF}, {0x0E00, 0x0E7F}, {0x1E00, 0x1EFF},
    {0x2190, 0x22FF}, {0x2500, 0x27BF}, {0x3000, 0x30FF}, {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xFF00, 0xFFEF},
    {0x1F300, 0x1FAFF}, {0x20000, 0x2FFFF},
};

static int plausible(int page, uint32_t c)
{
    return IN(c, plausible_any) || (page == PAGE_1252 && IN(c, plausible_1252));
}

enum script { SC_COMMON, SC_LATIN, SC_GREEK, SC_CYRILLIC, SC_HEBREW,
              SC_ARABIC, SC_INDIC, SC_THAI, SC_CJK };

/* The script of a plausible character, coarse: only used to refuse runs
 * that would decode to a mix (Greek next to Latin is not a real text). */
static enum script script_of(uint32_t c)
{
    if (c < 0xC0 || c == 0xD7 || c == 0xF7)
        return SC_COMMON;
    if (c < 0x0370 || (c >= 0x1E00 && c <= 0x1EFF))
        return SC_LATIN;
    if (c < 0x0400)
        return SC_GREEK;
    if (c < 0x0530)
        return SC_CYRILLIC;
    if (c < 0x0600)
        return SC_HEBREW;
    if (c < 0x0900)
        return SC_ARABIC;
    if (c < 0x0E00)
        return SC_INDIC;
    if (c < 0x0E80)
        return SC_THAI;
    if ((c >= 0x3000 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3) ||
        (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000)
        return SC_CJK;
    return SC_COMMON;
}

/* Punctuation that follows a word in prose: a sequence made only of these
 * after a letter is too weak on its own. */
static int prose_punct(uint32_t c)
{
    switch (c) {
    case 0x00A0: case 0x00AB: case 0x00B7: case 0x00BB: case 0x2013:
    case 0x2014: case 0x2018: case 0x2019: case 0x201C: case 0x201D:
    case 0x2022: case 0x2026: case 0x2039: case 0x203A:
        return 1;
    default:
        return 0;
    }
}

/* The bytes of character c (>= 0x80) in each page, 0 where it has none. */
static void rev_bytes(uint32_t c, unsigned b[NPAGES])
{
    size_t lo = 0, hi = sizeof REV / sizeof REV[0];

    if (c >= 0xC0 && c <= 0xFF && c != 0xF7) {
        /* Latin-1 letters: in windows-1252 only, no search */
        b[PAGE_1252] = c;
        b[PAGE_1251] = b[PAGE_KOI8R] = 0;
        return;
    }

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (REV[mid].cp < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sizeof REV / sizeof REV[0] && REV[lo].cp == c) {
        b[PAGE_1252] = REV[lo].w1252;
        b[PAGE_1251] = REV[lo].w1251;
        b[PAGE_KOI8R] = REV[lo].koi8r;
    } else {
        b[PAGE_1252] = b[PAGE_1251] = b[PAGE_KOI8R] = 0;
    }
    if (c <= 0xFF)
        b[PAGE_1252] = c;   /* A0-FF as Latin-1, 80-9F its C1 reading */
}

static unsigned rev_byte(uint32_t c, int p)
{
    unsigned b[NPAGES];
    rev_bytes(c, b);
    return b[p];
}

static int is_upper(uint32_t c)
{
    return c && (u_isupper((UChar32)c) || u_istitle((UChar32)c));
}

/* Invisible characters that belong to the writing of a script, judged by
 * the last visible character before them (prev): U+200B separates words in
 * scripts written without spaces (Thai, Lao, Tibetan, Myanmar, Khmer, Tai);
 * U+200C/U+200D shape Arabic, Indic and similar scripts, and U+200D joins
 * emoji sequences. Elsewhere they are stray. */
static int script_invisible(uint32_t prev, uint32_t c)
{
    static const range no_spaces[] = {
        {0x0E00, 0x0FFF}, {0x1000, 0x109F}, {0x1780, 0x17FF}, {0x1950, 0x19DF},
        {0x1A20, 0x1AAF},
    };
    static const range joining[] = {
        {0x0600, 0x0DFF}, {0x0F00, 0x109F}, {0x1780, 0x18AF}, {0xA8E0, 0xA8FF},
    };
    UChar32 p = (UChar32)prev;

    if (c == 0x200B || c == 0x2060)
        return c == 0x200B && IN(prev, no_spaces);
    if (c == 0x200D && (u_hasBinaryProperty(p, UCHAR_EXTENDED_PICTOGRAPHIC) ||
                        prev == 0xFE0F || (prev >= 0x1F3FB && prev <= 0x1F3FF)))
        return 1;
    return IN(prev, joining) && (u_isalpha(p) || (U_GET_GC_MASK(p) & U_GC_M_MASK));
}

/* ---- the detector core --------------------------------------------- */

/* One code page's view: the sequence being read and the run it extends. */
typedef struct page {
    uint8_t need, nb, lo, hi, weak;     /* sequence: length, bytes so far,
                                           bounds of the next byte */
    uint8_t seq[4];
    char seq_text[16];
    uint8_t nseq_text;
    uint32_t seq_lead;
    gs_loc seq_loc;

    uint32_t nseqs;                     /* run: sequences, 0 = none open */
    uint8_t first_len, first_weak, script, mixed, await, text_cut, raw_cut;
    uint32_t first_lead, before, after; /* characters around the run */
    gs_loc run_loc;
    char text[RUN_TEXT];
    uint8_t ntext, nraw;
    unsigned char raw[RUN_RAW];
} page;

typedef struct core {
    const UNormalizer2 *nfc;
    const gs_sink *sink;        /* NULL for values */
    size_t max_examples;
    int bom_ok;                 /* U+FEFF at offset 0 is the stream's BOM */
    gs_status status;           /* sticky once the sink said stop */

    uint32_t cp;                /* UTF-8 reader */
    uint8_t need, lo, hi;
    gs_loc char_loc;            /* where the character being read starts */

    uint64_t off, line, line_start, cr_end;
    uint32_t prev;              /* the character before the current one */
    uint32_t prev_visible;      /* the last one that is not U+200B-200D */
    int pages_busy;             /* some page has a sequence or run open */
    page pg[NPAGES];

    UChar u[NFC_CAP + 2];       /* NFC: characters since the last ASCII */
    gs_loc *uloc;               /* their locations (NULL for values) */
    size_t nu;
    UChar umax;

    gs_hygiene_facts f;
    unsigned mask;
} core;

struct gs_hygiene {
    core c;
    int finished;
    gs_loc uloc[NFC_CAP + 2];
};

static void core_init(core *c, const UNormalizer2 *nfc)
{
    memset(c, 0, sizeof *c);
    c->nfc = nfc;
    c->line = 1;
    c->cr_end = UINT64_MAX;
}

static inline void loc_at(const core *c, uint64_t off, gs_loc *loc)
{
    loc->offset = off;
    loc->line = c->line;
    loc->col = off - c->line_start + 1;
    loc->record = 0;
}

/* Counts one occurrence; nonzero when it should also go to the sink. */
static int counted(core *c, gs_hygiene_class cls)
{
    c->mask |= GS_HYG_BIT(cls);
    return ++c->f.count[cls] <= c->max_examples && c->sink &&
           c->sink->defect;
}

static gs_status report(core *c, gs_hygiene_class cls, const gs_loc *at,
                        const char *detail)
{
    if (c->sink->defect(c->sink->ud, codes[cls], detail, at))
        c->status = GS_ECANCELED;
    return c->status;
}

static size_t put_utf8(char *buf, size_t at, uint32_t ch)
{
    U8_APPEND_UNSAFE(buf, at, (UChar32)ch);
    return at;
}

static gs_status char_defect(core *c, gs_hygiene_class cls, uint32_t ch,
                             const gs_loc *at, const char *what)
{
    char name[88], detail[160];
    UErrorCode e = U_ZERO_ERROR;

    if (!counted(c, cls))
        return GS_OK;
    if (u_charName((UChar32)ch, U_UNICODE_CHAR_NAME, name, sizeof name, &e) <= 0 ||
        U_FAILURE(e))
        name[0] = '\0';
    snprintf(detail, sizeof detail, "%s U+%04X %s", what, (unsigned)ch, name);
    return report(c, cls, at, detail);
}

/* ---- mojibake -------------------------------------------------------- */

/* Re-encodes UTF-8 in[0..n) through page p into out (cap bytes); returns
 * the length when every character maps and the result is valid UTF-8 with
 * some multibyte character in it, else 0. Used for the second layer of a
 * double encoding. */
static size_t unmangle(int p, const unsigned char *in, size_t n,
                       unsigned char *out, size_t cap)
{
    size_t i = 0, o = 0;
    int high = 0;

    while (i < n && o < cap) {
        UChar32 ch;
        U8_NEXT(in, i, n, ch);
        unsigned b = ch < 0x80 ? (unsigned)ch : rev_byte((uint32_t)ch, p);
        if (ch < 0 || b == 0)
            return 0;
        high |= b >= 0x80;
        out[o++] = (unsigned char)b;
    }
    if (i < n || !high || gs_utf8_count_invalid(out, o) != 0)
        return 0;
    return o;
}

static gs_status mojibake_report(core *c, int k, const page *p)
{
    char detail[200];
    unsigned char once[RUN_RAW + 1], twice[RUN_RAW + 1];
    size_t n1 = p->nraw, n2;
    int w;

    memcpy(once, p->raw, n1);
    n2 = unmangle(k, once, n1, twice, sizeof twice - 1);
    once[n1] = '\0';
    twice[n2] = '\0';
    w = snprintf(detail, sizeof detail, "UTF-8 read as %s%s: \"%.*s%s\"",
                 page_name[k], n2 ? " twice" : "", (int)p->ntext, p->text,
                 p->text_cut ? "..." : "");
    snprintf(detail + w, sizeof detail - (size_t)w, " reads as \"%s%s\"",
             n2 ? (const char *)twice : (const char *)once,
             p->raw_cut ? "..." : "");
    return report(c, GS_HYG_MOJIBAKE, &p->run_loc, detail);
}

/* The run of page k ends: decide it (rules in the file header). */
static gs_status run_end(core *c, int k)
{
    page *p = &c->pg[k];
    int yes;

    if (!p->nseqs)
        return GS_OK;
    if (p->await)
        p->after = 0;       /* end of text: no letter follows */
    if (p->mixed)
        yes = 0;
    else if (p->nseqs >= 2)
        yes = 1;
    else if (p->first_len >= 3)
        yes = !p->first_weak;
    else
        yes = k == PAGE_1252 && u_isalpha((UChar32)p->first_lead) &&
              !(is_upper(p->before) && !u_isalpha((UChar32)p->after));
    p->nseqs = 0;
    p->await = 0;
    if (yes && counted(c, GS_HYG_MOJIBAKE))
        return mojibake_report(c, k, p);
    return GS_OK;
}

/* A sequence of page k is complete and decodes to a plausible character:
 * it opens or extends the run. */
static void run_add(page *p, uint32_t decoded)
{
    enum script sc = script_of(decoded);

    if (!p->nseqs) {
        p->run_loc = p->seq_loc;
        p->first_len = p->nb;
        p->first_weak = p->weak;
        p->first_lead = p->seq_lead;
        p->script = SC_COMMON;
        p->mixed = p->text_cut = p->raw_cut = 0;
        p->ntext = p->nraw = 0;
    }
    if (sc != SC_COMMON) {
        if (p->script == SC_COMMON)
            p->script = (uint8_t)sc;
        else if (p->script != sc)
            p->mixed = 1;
    }
    if (!p->text_cut && p->ntext + p->nseq_text <= RUN_TEXT) {
        memcpy(p->text + p->ntext, p->seq_text, p->nseq_text);
        p->ntext += p->nseq_text;
    } else {
        p->text_cut = 1;
    }
    if (!p->raw_cut && p->nraw + p->nb <= RUN_RAW) {
        memcpy(p->raw + p->nraw, p->seq, p->nb);
        p->nraw += p->nb;
    } else {
        p->raw_cut = 1;
    }
    p->nseqs++;
    p->await = 1;
}

static uint32_t utf8_value(const uint8_t *s, size_t n)
{
    uint32_t v = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++)
        v = v << 6 | (s[i] & 0x3F);
    return v;
}

/* Character ch, whose byte in page k is b (0 = none), as seen by page k. */
static gs_status page_char(core *c, int k, uint32_t ch, unsigned b,
                           const gs_loc *at)
{
    page *p = &c->pg[k];
    gs_status st;

    if (p->await) {
        p->after = ch;
        p->await = 0;
    }
    if (p->need) {
        if (b >= p->lo && b <= p->hi) {
            p->seq[p->nb++] = (uint8_t)b;
            p->nseq_text = (uint8_t)put_utf8(p->seq_text, p->nseq_text, ch);
            p->weak &= (uint8_t)prose_punct(ch);
            p->lo = 0x80;
            p->hi = 0xBF;
            if (p->nb < p->need)
                return GS_OK;
            p->need = 0;
            uint32_t v = utf8_value(p->seq, p->nb);
            if (!plausible(k, v))
                return run_end(c, k);
            run_add(p, v);
            return GS_OK;
        }
        p->need = 0;
        if ((st = run_end(c, k)) != GS_OK)
            return st;
    }
    if (b >= 0xC2 && b <= 0xF4) {
        if (!p->nseqs)
            p->before = c->prev;
        p->seq[0] = (uint8_t)b;
        p->nb = 1;
        p->need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        p->lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
        p->hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
        p->weak = 1;
        p->seq_lead = ch;
        p->seq_loc = *at;
        p->nseq_text = (uint8_t)put_utf8(p->seq_text, 0, ch);
        return GS_OK;
    }
    return run_end(c, k);
}

/* Runs every page over ch; pages with nothing open skip characters that
 * cannot start a sequence. */
static gs_status pages_char(core *c, uint32_t ch, const gs_loc *at)
{
    unsigned b[NPAGES] = {0, 0, 0};
    int busy = 0;
    gs_status st;

    /* with nothing open, only a lead byte matters: U+00C2-00F4 in
     * windows-1252, Cyrillic letters in the other two */
    if (!c->pages_busy && !(ch >= 0xC2 && ch <= 0xF4) &&
        !(ch >= 0x410 && ch <= 0x44F))
        return GS_OK;
    if (ch >= 0x80 && ch <= REV_MAX)
        rev_bytes(ch, b);
    for (int k = 0; k < NPAGES; k++) {
        const page *p = &c->pg[k];
        /* an idle page (no sequence, no run: then no await either) does
         * nothing with a byte that cannot lead */
        if (!p->need && !p->nseqs && !(b[k] >= 0xC2 && b[k] <= 0xF4))
            continue;
        if ((st = page_char(c, k, ch, b[k], at)) != GS_OK)
            return st;
        busy |= p->need || p->nseqs;
    }
    c->pages_busy = busy;
    return GS_OK;
}

/* ---- NFC ------------------------------------------------------------- */

static UChar32 u_at(const UChar *u, size_t i, size_t n)
{
    UChar32 ch;
    U16_NEXT(u, i, n, ch);
    return ch;
}

static gs_status nfc_defect(core *c, const UChar *seg, size_t n,
                            const gs_loc *at)
{
    char detail[160];
    size_t i = 0;
    int w = snprintf(detail, sizeof detail, "not in NFC:");

    while (i < n && w < 120) {
        UChar32 ch;
        U16_NEXT(seg, i, n, ch);
        w += snprintf(detail + w, sizeof detail - (size_t)w, " U+%04X",
                      (unsigned)ch);
    }
    snprintf(detail + w, sizeof detail - (size_t)w, "%s",
             i < n ? " ..." : "");
    return report(c, GS_HYG_NOT_NFC, at, detail);
}

/* Checks u[0..n), which starts at a normalization boundary and ends at one
 * (or where the buffer was forced). */
static gs_status nfc_check(core *c, size_t n)
{
    size_t pos = 0;

    while (pos < n) {
        UErrorCode e = U_ZERO_ERROR;
        size_t k = pos + (size_t)unorm2_spanQuickCheckYes(
                             c->nfc, c->u + pos, (int32_t)(n - pos), &e);
        if (U_FAILURE(e) || k >= n)
            return GS_OK;
        size_t end = k;
        U16_FWD_1(c->u, end, n);
        while (end < n && !unorm2_hasBoundaryBefore(c->nfc, u_at(c->u, end, n)))
            U16_FWD_1(c->u, end, n);
        int32_t len = (int32_t)(end - k);
        UNormalizationCheckResult qc = unorm2_quickCheck(c->nfc, c->u + k, len, &e);
        int bad = qc == UNORM_NO ||
                  (qc == UNORM_MAYBE && !unorm2_isNormalized(c->nfc, c->u + k, len, &e));
        if (U_SUCCESS(e) && bad && counted(c, GS_HYG_NOT_NFC)) {
            gs_loc at = {0, 0, 0, 0};
            if (c->uloc)
                at = c->uloc[k];
            if (nfc_defect(c, c->u + k, (size_t)len, &at) != GS_OK)
                return c->status;
        }
        pos = end;
    }
    return GS_OK;
}

/* Checks the first n units and keeps the rest at the front. */
static gs_status nfc_flush(core *c, size_t n)
{
    gs_status st = GS_OK;

    if (c->umax >= 0x300)
        st = nfc_check(c, n);
    memmove(c->u, c->u + n, (c->nu - n) * sizeof *c->u);
    if (c->uloc)
        memmove(c->uloc, c->uloc + n, (c->nu - n) * sizeof *c->uloc);
    c->nu -= n;
    c->umax = 0;
    for (size_t i = 0; i < c->nu; i++)
        if (c->u[i] > c->umax)
            c->umax = c->u[i];
    return st;
}

static gs_status nfc_char(core *c, uint32_t ch, const gs_loc *at)
{
    gs_status st;
    size_t i;

    if (ch < 0x80) {
        /* ASCII never combines backwards: all before it is complete */
        if (c->umax >= 0x300 && (st = nfc_check(c, c->nu)) != GS_OK)
            return st;
        c->nu = 0;
        c->umax = 0;
    } else if (c->nu + 2 > NFC_CAP) {
        size_t b = c->nu;
        do {    /* back to the last code point with a boundary before it */
            b--;
            if (b > 0 && U16_IS_TRAIL(c->u[b]) && U16_IS_LEAD(c->u[b - 1]))
                b--;
        } while (b > 0 &&
                 !unorm2_hasBoundaryBefore(c->nfc, u_at(c->u, b, c->nu)));
        if (b == 0)
            b = c->nu;  /* NFC_CAP units without a boundary: not real text */
        if ((st = nfc_flush(c, b)) != GS_OK)
            return st;
    }
    i = c->nu;
    U16_APPEND_UNSAFE(c->u, i, (UChar32)ch);
    if (c->uloc)
        for (size_t j = c->nu; j < i; j++)
            c->uloc[j] = *at;
    if (c->u[c->nu] > c->umax)
        c->umax = c->u[c->nu];
    c->nu = i;
    return GS_OK;
}

/* ---- one character --------------------------------------------------- */

/* ch starts at *at; inserted: a U+FFFD the decoder put there. */
static gs_status on_char(core *c, uint32_t ch, const gs_loc *at, int inserted)
{
    gs_status st;

    c->f.chars++;
    if (c->pages_busy || ch >= 0x80)
        if ((st = pages_char(c, ch, at)) != GS_OK)
            return st;
    if (ch >= 0x200B && ch <= 0x2069) {
        if (ch <= 0x200D || ch == 0x2060) {
            if (!script_invisible(c->prev_visible, ch) &&
                (st = char_defect(c, GS_HYG_ZERO_WIDTH, ch, at,
                                  "invisible character")) != GS_OK)
                return st;
        } else if (ch <= 0x200F || (ch >= 0x202A && ch <= 0x202E) ||
                   ch >= 0x2066) {
            if ((st = char_defect(c, GS_HYG_BIDI, ch, at,
                                  "bidirectional control")) != GS_OK)
                return st;
        }
    } else if (ch == 0x061C) {
        if ((st = char_defect(c, GS_HYG_BIDI, ch, at,
                              "bidirectional control")) != GS_OK)
            return st;
    } else if (ch == 0xFEFF) {
        if (!(c->bom_ok && at->offset == 0) &&
            (st = char_defect(c, GS_HYG_BOM_MID, ch, at,
                              "byte order mark after the start:")) != GS_OK)
            return st;
    } else if (ch == 0xFFFD && !inserted) {
        if ((st = char_defect(c, GS_HYG_REPLACEMENT, ch, at,
                              "left by an earlier lossy conversion:")) != GS_OK)
            return st;
    }
    if ((st = nfc_char(c, ch, at)) != GS_OK)
        return st;
    c->prev = ch;
    if (ch < 0x200B || ch > 0x200D)
        c->prev_visible = ch;
    return GS_OK;
}

/* A maximal invalid subpart starting at *at: counted, then read as an
 * inserted U+FFFD. */
static gs_status on_invalid(core *c, const gs_loc *at)
{
    c->f.count[GS_HYG_INVALID_UTF8]++;
    c->mask |= GS_HYG_BIT(GS_HYG_INVALID_UTF8);
    return on_char(c, 0xFFFD, at, 1);
}

static inline void line_byte(core *c, unsigned b, uint64_t off)
{
    if (b == '\r') {
        c->line++;
        c->line_start = off + 1;
        c->cr_end = off + 1;
    } else if (b == '\n') {
        if (c->cr_end != off)  /* not the LF of a CRLF */
            c->line++;
        c->line_start = off + 1;
    }
}

#ifdef GS__SSE2
/* The bytes of p[0..16) that are >= 0x80, LF or CR, as a bit mask. */
static inline unsigned stop_mask(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* movemask takes the top bit: set in bytes >= 0x80 and in matches */
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(
        v, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));
}
#endif

/* The index of the first byte in p[i..n) that ends an ASCII stretch or
 * moves the line count (>= 0x80, LF, CR), or n: SSE2 32 then 16 bytes a
 * test, else words of 8, then bytes. */
static size_t next_stop(const unsigned char *p, size_t i, size_t n)
{
#ifdef GS__SSE2
    if (gs__skip_blocks(p, &i, n, stop_mask))
        return i;
#endif
    for (; n - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if ((v & HIGHS) || has_zero(v ^ (ONES * '\n')) ||
            has_zero(v ^ (ONES * '\r')))
            break;
    }
    while (i < n && p[i] < 0x80 && p[i] != '\n' && p[i] != '\r')
        i++;
    return i;
}

/* An ASCII run starts at p[0] (n > 0): its first character goes through
 * on_char, the rest only move lines and offsets (pages are idle after an
 * ASCII character and the NFC buffer keeps only the last one). Returns
 * the run's length in *used. */
static gs_status ascii_run(core *c, const unsigned char *p, size_t n,
                           size_t *used)
{
    gs_loc at, last;
    size_t j = 1;
    gs_status st;

    *used = 0;
    loc_at(c, c->off, &at);
    if ((st = on_char(c, p[0], &at, 0)) != GS_OK)
        return st;
    line_byte(c, p[0], c->off);
    last = at;
    while ((j = next_stop(p, j, n)) < n && p[j] < 0x80) {
        loc_at(c, c->off + j, &last);   /* an LF or a CR */
        line_byte(c, p[j], c->off + j);
        j++;
    }
    if (j > 1) {
        unsigned ch = p[j - 1];
        if (ch != '\n' && ch != '\r')
            loc_at(c, c->off + j - 1, &last);
        c->f.chars += j - 1;
        c->prev = c->prev_visible = ch;
        c->u[0] = (UChar)ch;
        if (c->uloc)
            c->uloc[0] = last;
    }
    c->off += j;
    *used = j;
    return GS_OK;
}

static gs_status core_feed(core *c, const unsigned char *p, size_t n,
                           int inserted)
{
    size_t i = 0;
    gs_status st = GS_OK;

    while (i < n && st == GS_OK) {
        unsigned b = p[i];
        if (c->need == 0) {
            if (b < 0x80) {
                size_t used;
                st = ascii_run(c, p + i, n - i, &used);
                i += used;
                continue;
            }
            loc_at(c, c->off, &c->char_loc);
            if (b >= 0xC2 && b <= 0xDF && i + 1 < n &&
                (p[i + 1] & 0xC0) == 0x80) {
                /* a whole 2-byte character: the common case, in one go */
                c->off += 2;
                i += 2;
                st = on_char(c, (b & 0x1Fu) << 6 | (p[i - 1] & 0x3Fu),
                             &c->char_loc, 0);
                continue;
            }
            c->lo = 0x80;
            c->hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                c->need = 1;
                c->cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                c->need = 2;
                c->cp = b & 0x0F;
                c->lo = b == 0xE0 ? 0xA0 : 0x80;
                c->hi = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                c->need = 3;
                c->cp = b & 0x07;
                c->lo = b == 0xF0 ? 0x90 : 0x80;
                c->hi = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                st = on_invalid(c, &c->char_loc);
            }
            c->off++;
            i++;
        } else if (b >= c->lo && b <= c->hi) {
            c->cp = c->cp << 6 | (b & 0x3F);
            c->lo = 0x80;
            c->hi = 0xBF;
            c->off++;
            i++;
            if (--c->need == 0)
                st = on_char(c, c->cp, &c->char_loc,
                             inserted && c->cp == 0xFFFD);
        } else {
            c->need = 0;    /* b is not consumed: it starts what follows */
            st = on_invalid(c, &c->char_loc);
        }
    }
    c->f.bytes += i;
    return st != GS_OK ? st : c->status;
}

static gs_status core_finish(core *c)
{
    gs_status st = GS_OK;

    if (c->need) {
        c->need = 0;
        st = on_invalid(c, &c->char_loc);
    }
    for (int k = 0; k < NPAGES && st == GS_OK; k++) {
        c->pg[k].need = 0;
        st = run_end(c, k);
    }
    c->pages_busy = 0;
    if (st == GS_OK && c->umax >= 0x300)
        st = nfc_check(c, c->nu);
    c->nu = 0;
    c->umax = 0;
    return st;
}

/* ---- public API ------------------------------------------------------ */

const char *gs_hygiene_code(gs_hygiene_class cls)
{
    return (unsigned)cls < GS_HYG__COUNT ? codes[cls] : NULL;
}

gs_status gs_hygiene_open(const gs_limits *lim, const gs_sink *sink,
                          unsigned flags, gs_hygiene **out)
{
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *nfc;
    gs_limits def;
    gs_hygiene *h;

    if (!out)
        return GS_EINVAL;
    *out = NULL;
    if (!lim) {
        gs_limits_default(&def);
        lim = &def;
    }
    nfc = unorm2_getNFCInstance(&e);
    if (U_FAILURE(e))
        return e == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM : GS_EFORMAT;
    h = gs_malloc(sizeof *h);
    if (!h)
        return GS_ENOMEM;
    core_init(&h->c, nfc);
    h->c.sink = sink;
    h->c.max_examples = lim->max_examples;
    h->c.bom_ok = !(flags & GS_HYGIENE_BOM_STRIPPED);
    h->c.uloc = h->uloc;
    h->finished = 0;
    *out = h;
    return GS_OK;
}

gs_status gs_hygiene_feed(gs_hygiene *h, const char *utf8, size_t len,
                          unsigned flags)
{
    if (!h || (!utf8 && len) || h->finished)
        return GS_EINVAL;
    if (h->c.status != GS_OK)
        return h->c.status;
    return core_feed(&h->c, (const unsigned char *)utf8, len,
                     (flags & GS_HYGIENE_INSERTED) != 0);
}

gs_status gs_hygiene_finish(gs_hygiene *h)
{
    if (!h || h->finished)
        return GS_EINVAL;
    h->finished = 1;
    if (h->c.status != GS_OK)
        return h->c.status;
    return core_finish(&h->c);
}

const gs_hygiene_facts *gs_hygiene_get_facts(const gs_hygiene *h)
{
    return h ? &h->c.f : NULL;
}

void gs_hygiene_close(gs_hygiene *h)
{
    gs_free(h);
}

/* gs_hygiene_value past its ASCII test: the whole scanner on the stack
 * (apart, so the ASCII path has no large frame to set up). */
static unsigned value_scan(const unsigned char *p, size_t len)
{
    UErrorCode e = U_ZERO_ERROR;
    core c;

    core_init(&c, unorm2_getNFCInstance(&e));
    if (U_FAILURE(e))
        return 0;
    core_feed(&c, p, len, 0);
    core_finish(&c);
    return c.mask;
}

/* Is p[0..len) ASCII and Latin-1 letters (U+00C0-00FF but U+00F7, that is
 * C3 80-BF but C3 B7) only? No detector fires on such a value: no page
 * maps any of these characters to a continuation byte (80-BF), so no
 * mojibake sequence completes and no run opens; all are below U+0300, so
 * NFC holds; none is invisible, a control, a BOM, U+FFFD or invalid. */
static int latin1_letters_only(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {     /* ASCII a word at a time */
            uint64_t v;
            memcpy(&v, p + i, 8);
            if (!(v & HIGHS)) {
                i += 8;
                continue;
            }
        }
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (p[i] != 0xC3 || i + 1 == len || (p[i + 1] & 0xC0) != 0x80 ||
            p[i + 1] == 0xB7)
            return 0;
        i += 2;
    }
    return 1;
}

unsigned gs_hygiene_value(const char *bytes, size_t len)
{
    const unsigned char *p = (const unsigned char *)bytes;
    if (!bytes)
        return 0;
    if (gs_ascii_only(p, len) || latin1_letters_only(p, len))
        return 0;
    return value_scan(p, len);
}

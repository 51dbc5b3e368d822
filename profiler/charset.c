/* charset.c - decide a text file's character encoding from its head.
 *
 * Job: name the encoding of a file from its first bytes, or say
 * "undetermined" (see charset.h). The first rule that fits wins:
 *   1. a BOM (UTF-32LE is tried before UTF-16LE: FF FE 00 00 starts both);
 *   2. UTF-32 without a BOM: every 4-byte unit a code point of plane 0-16;
 *   3. UTF-16 without a BOM: NULs on one side of the code units (text with
 *      ASCII in it), or CJK punctuation (U+3001, U+3002, U+FF0C ...) as
 *      whole units, byte pairs no 8-bit text holds; either way the units
 *      must decode to text (no lone surrogates, few controls);
 *   4. binary: NULs or C0 controls that 2-3 do not explain;
 *   5. pure ASCII is "UTF-8", unless its escapes make it 7-bit ISO-2022
 *      (ICU's detector tells which);
 *   6. valid UTF-8 (a sequence cut by the end of the head is fine), or
 *      mostly valid: at least MOSTLY_MIN_MB multibyte sequences and at
 *      least as many of them as invalid subparts (stray bytes in UTF-8
 *      exports are common; valid sequences in 8-bit text are not);
 *   7. a legacy charset, chosen among candidates: the declared charset,
 *      uchardet's answer, ICU's matches, and every charset of their
 *      families (Latin, Cyrillic, Greek, Hebrew, Arabic, Thai, CJK). Each
 *      candidate decodes the head and the text is scored (score()): +1 for
 *      a letter of the alphabet of the language that fits best, -1 for a
 *      letter outside it; penalties for undecodable bytes, control
 *      characters (C1 in ISO-8859 text is windows-125x), symbols inside or
 *      beside words, a capital after a small letter, scripts mixed in one
 *      word. Detectors and the declaration add votes, small next to the
 *      text's evidence; ties go to the earlier candidate (declared,
 *      uchardet, ICU, family). This is what tells windows-1250 from
 *      ISO-8859-2 and from ICU's ISO-8859-1, KOI8-U from KOI8-R, IBM866
 *      from windows-1251;
 *   8. otherwise, and with fewer than MIN_HIGH bytes >= 0x80 and no
 *      declaration, "undetermined" (confidence 0): never a confident guess.
 * An answer is right when it decodes the bytes to the same text as the
 * true charset, so ties between charsets that decode a text identically
 * (ISO-8859-1 and windows-1252 without C1 bytes) need no breaking.
 *
 * Invariants:
 *   1. The answer depends only on the bytes (detectors are deterministic,
 *      candidate order is fixed).
 *   2. Any name returned other than "undetermined" opens an ICU converter.
 *   3. Memory: one scratch buffer of SCORE_BYTES UChars through gs_malloc;
 *      ICU's and uchardet's own memory does not go through it.
 *
 * Not done here: decoding the file (decode.c), reporting a declaration
 * that disagrees (the caller compares declared with name).
 */
#include "gapscan/charset.h"

#include "gapscan/decode.h"

#include <stdio.h>
#include <string.h>

#include <uchardet/uchardet.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#define SCORE_BYTES (16 * 1024)  /* head bytes each candidate decodes */
#define DECL_SCAN 4096           /* head bytes searched for a declaration */
#define MIN_HIGH 2               /* fewer bytes >= 0x80: undetermined */
#define MOSTLY_MIN_MB 4
#define ICU_MIN_CONFIDENCE 10    /* ICU matches below this are noise */
#define MAX_CANDS 32
#define MAX_LETTERS 192          /* distinct letters a histogram keeps */

/* Score weights, per character (see the file header, rule 7). */
#define W_BAD 8.0       /* undecodable byte sequence */
#define W_CTRL 6.0      /* C0 (not TAB/LF/CR/FF/ESC), DEL, C1 */
#define W_INWORD 4.0    /* non-letter between two letters */
#define W_SYMBOL 2.0    /* symbol beside a letter; U+00A4 anywhere */
#define W_CASE 3.0      /* capital right after a small letter */
#define W_MIX 3.0       /* script change inside a word */
#define V_DECLARED 0.5  /* votes: tie-breakers, next to the text's score */
#define V_UCHARDET 1.0
#define V_ICU 1.0       /* times ICU's confidence / 100 */
#define V_CJK 0.25      /* CJK votes: times the non-ASCII characters too */
#define MIN_MARGIN 2.0  /* lead over other text needed for an answer */
#define CONF_HALF 8.0   /* the lead that gives confidence 0.5 */

enum family { F_NONE, F_LATIN, F_CYRILLIC, F_GREEK, F_HEBREW, F_ARABIC,
              F_THAI, F_CJK };

/* The legacy charsets gapscan names, by family, in the order that breaks
 * ties between identical decodings: an ISO-8859 name unless the text holds
 * what only the windows code page decodes to (C1 bytes in ISO-8859 are
 * controls, so then the windows one wins on score). */
static const struct known { const char *name; enum family fam; } KNOWN[] = {
    {"ISO-8859-1", F_LATIN}, {"windows-1252", F_LATIN},
    {"ISO-8859-15", F_LATIN}, {"ISO-8859-2", F_LATIN},
    {"windows-1250", F_LATIN}, {"ISO-8859-9", F_LATIN},
    {"windows-1254", F_LATIN}, {"ISO-8859-13", F_LATIN},
    {"windows-1257", F_LATIN}, {"windows-1258", F_LATIN},
    {"windows-1251", F_CYRILLIC}, {"KOI8-R", F_CYRILLIC},
    {"KOI8-U", F_CYRILLIC}, {"ISO-8859-5", F_CYRILLIC},
    {"IBM866", F_CYRILLIC}, {"x-mac-cyrillic", F_CYRILLIC},
    {"ISO-8859-7", F_GREEK}, {"windows-1253", F_GREEK},
    {"ISO-8859-8", F_HEBREW}, {"windows-1255", F_HEBREW},
    {"windows-1256", F_ARABIC}, {"ISO-8859-6", F_ARABIC},
    {"TIS-620", F_THAI},
    {"Shift_JIS", F_CJK}, {"EUC-JP", F_CJK}, {"GB18030", F_CJK},
    {"Big5", F_CJK}, {"EUC-KR", F_CJK},
};
#define NKNOWN (sizeof KNOWN / sizeof KNOWN[0])

/* Names detectors give that are not in KNOWN, ICU may lack (Debian's ICU
 * has no ISO-8859-16), or that stand for a KNOWN one: their family. */
static const struct hint { const char *name; enum family fam; } HINTS[] = {
    {"ISO-8859-16", F_LATIN}, {"ISO-8859-3", F_LATIN},
    {"ISO-8859-4", F_LATIN}, {"ISO-8859-10", F_LATIN},
    {"IBM852", F_LATIN}, {"MAC-CENTRALEUROPE", F_LATIN},
    {"VISCII", F_LATIN}, {"MAC-CYRILLIC", F_CYRILLIC},
    {"IBM855", F_CYRILLIC}, {"ISO-8859-11", F_THAI},
    {"windows-874", F_THAI}, {"UHC", F_CJK}, {"EUC-TW", F_CJK},
    {"GB2312", F_CJK}, {"GBK", F_CJK}, {"ISO-8859-8-I", F_HEBREW},
};

/* Non-ASCII letters (lowercase) of languages written in legacy charsets,
 * or the ranges of the scripts whose every letter counts. */
static const struct lang {
    UChar32 lo, hi, lo2, hi2;
    const UChar *abc;
} LANGS[] = {
    {0, 0, 0, 0, u"àâæçéèêëîïôœùûüÿ"},                /* French */
    {0, 0, 0, 0, u"äöüß"},                            /* German */
    {0, 0, 0, 0, u"áéíóúüñ"},                         /* Spanish */
    {0, 0, 0, 0, u"áâãàçéêíóôõú"},                    /* Portuguese */
    {0, 0, 0, 0, u"àèéìíîòóùú"},                      /* Italian */
    {0, 0, 0, 0, u"àçèéíïòóúü"},                      /* Catalan */
    {0, 0, 0, 0, u"áéëïóöü"},                         /* Dutch */
    {0, 0, 0, 0, u"æøåé"},                            /* Danish, Norwegian */
    {0, 0, 0, 0, u"åäöé"},                            /* Swedish, Finnish */
    {0, 0, 0, 0, u"áðéíóúýþæö"},                      /* Icelandic */
    {0, 0, 0, 0, u"ąćęłńóśźż"},                       /* Polish */
    {0, 0, 0, 0, u"áčďéěíňóřšťúůýž"},                 /* Czech */
    {0, 0, 0, 0, u"áäčďéíĺľňóôŕšťúýž"},               /* Slovak */
    {0, 0, 0, 0, u"áéíóöőúüű"},                       /* Hungarian */
    {0, 0, 0, 0, u"ăâîșțşţ"},                         /* Romanian */
    {0, 0, 0, 0, u"čćđšž"},                           /* Croatian, Slovene */
    {0, 0, 0, 0, u"çğıöşüâî"},                        /* Turkish */
    {0, 0, 0, 0, u"äõöüšž"},                          /* Estonian */
    {0, 0, 0, 0, u"āčēģīķļņšūž"},                     /* Latvian */
    {0, 0, 0, 0, u"ąčęėįšųūž"},                       /* Lithuanian */
    {0, 0, 0, 0, u"àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
           u"\u0300\u0301\u0303\u0309\u0323"}, /* Vietnamese */
    {0, 0, 0, 0, u"абвгдеёжзийклмнопрстуфхцчшщъыьэюя"},   /* Russian */
    {0, 0, 0, 0, u"абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"},   /* Ukrainian */
    {0, 0, 0, 0, u"абвгдеёжзійклмнопрстуўфхцчшыьэюя"},    /* Belarusian */
    {0, 0, 0, 0, u"абвгдежзийклмнопрстуфхцчшщъьюя"},      /* Bulgarian */
    {0, 0, 0, 0, u"абвгдђежзијклљмнњопрстћуфхцчџш"},      /* Serbian */
    {0, 0, 0, 0, u"абвгдѓежзѕијклљмнњопрстќуфхцчџш"},     /* Macedonian */
    {0x0370, 0x03FF, 0, 0, NULL},               /* Greek */
    {0x0590, 0x05FF, 0, 0, NULL},               /* Hebrew */
    {0x0600, 0x06FF, 0, 0, NULL},               /* Arabic */
    {0x0E00, 0x0E7F, 0, 0, NULL},               /* Thai */
    {0x3040, 0x30FF, 0x3400, 0x9FFF, NULL},     /* Japanese: kana, Han */
    {0x3400, 0x9FFF, 0, 0, NULL},               /* Chinese */
    {0xAC00, 0xD7AF, 0x3400, 0x9FFF, NULL},     /* Korean: Hangul, Han */
};

typedef struct cand {
    char name[40];
    enum family fam;
    double vote;
    double text;        /* score() of its decoding */
    int declared;       /* the head declares it */
} cand;

typedef struct cands {
    cand c[MAX_CANDS];
    size_t n;
} cands;

typedef struct head_stats {
    size_t len, nul, ctrl, high, esc, c1;
    uint64_t invalid;       /* invalid UTF-8 subparts, a cut tail excluded */
    uint64_t multibyte;     /* well-formed multibyte UTF-8 sequences */
} head_stats;

static void set_name(gs_charset_result *r, const char *name, double conf)
{
    snprintf(r->name, sizeof r->name, "%s", name);
    r->confidence = conf < 0 ? 0 : conf > 1 ? 1 : conf;
}

static int textish(unsigned c)
{
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/* ---- declared charset ---------------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Offset of the first case-insensitive match of word in p[from..n), or n. */
static size_t find_ci(const unsigned char *p, size_t from, size_t n,
                      const char *word)
{
    size_t k = strlen(word);
    for (size_t i = from; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && lower(p[i + j]) == word[j])
            j++;
        if (j == k)
            return i;
    }
    return n;
}

/* Reads `= "value"` (quotes optional) at p[i..n) into out. */
static size_t attr_value(const unsigned char *p, size_t i, size_t n,
                         char *out, size_t cap)
{
    size_t k = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    if (i >= n || p[i] != '=')
        return 0;
    i++;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '"' || p[i] == '\''))
        i++;
    for (; i < n && k + 1 < cap; i++) {
        unsigned c = p[i];
        if (!((c >= '0' && c <= '9') || (lower((int)c) >= 'a' && lower((int)c) <= 'z') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            break;
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return k;
}

size_t gs_charset_declared(const unsigned char *head, size_t len, char *out,
                           size_t cap)
{
    size_t n = len < DECL_SCAN ? len : DECL_SCAN, i = 0, k;

    if (!out || cap == 0)
        return 0;
    out[0] = '\0';
    if (!head)
        return 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
                     head[i] == '\n'))
        i++;
    if (find_ci(head, i, i + 5 <= n ? i + 5 : n, "<?xml") == i) {
        size_t end = find_ci(head, i, n, "?>");
        size_t at = find_ci(head, i, end, "encoding");
        if (at < end && (k = attr_value(head, at + 8, end, out, cap)) > 0)
            return k;
    }
    for (size_t at = 0; (at = find_ci(head, at, n, "<meta")) < n; at += 5) {
        size_t end = find_ci(head, at, n, ">");
        size_t cs = find_ci(head, at, end, "charset");
        if (cs < end && (k = attr_value(head, cs + 7, end, out, cap)) > 0)
            return k;
    }
    out[0] = '\0';
    return 0;
}

/* ---- head statistics, BOM, UTF-32/16, binary ------------------------ */

/* Well-formed multibyte sequences: a lead byte and its continuations. */
static uint64_t count_multibyte(const unsigned char *p, size_t n)
{
    uint64_t mb = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        size_t need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
        size_t j = 1;
        while (need && j <= need && i + j < n && (p[i + j] & 0xC0) == 0x80)
            j++;
        if (need && j == need + 1) {
            mb++;
            i += need;
        }
    }
    return mb;
}

/* Invalid UTF-8 subparts of p[0..n), not counting a valid prefix of a
 * sequence that the end of the head cut: the tail counts as cut when some
 * completion with continuation bytes makes it valid. */
static uint64_t count_invalid(const unsigned char *p, size_t n)
{
    uint64_t bad = gs_utf8_count_invalid(p, n);
    size_t start = n;

    if (bad == 0)
        return 0;
    while (start > 0 && n - start < 3 && (p[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0 || p[start - 1] < 0xC2 || p[start - 1] > 0xF4)
        return bad;
    start--;
    static const unsigned char fill[3] = {0x80, 0x90, 0xA0};
    for (size_t f = 0; f < 3; f++) {
        unsigned char seq[4] = {0};
        size_t k = n - start;
        memcpy(seq, p + start, k);
        for (size_t j = k; j < 4; j++)
            seq[j] = fill[f];
        size_t want = p[start] < 0xE0 ? 2 : p[start] < 0xF0 ? 3 : 4;
        if (k < want && gs_utf8_count_invalid(seq, want) == 0)
            return gs_utf8_count_invalid(p, start);
    }
    return bad;
}

static void head_scan(const unsigned char *p, size_t n, head_stats *s)
{
    memset(s, 0, sizeof *s);
    s->len = n;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (c >= 0x80)
            s->high++, s->c1 += c <= 0x9F;
        else if (c == 0)
            s->nul++;
        else if (c == 0x1B)
            s->esc++;
        else if (!textish(c) && c != '\f')
            s->ctrl++;
    }
    if (s->high) {
        s->invalid = count_invalid(p, n);
        s->multibyte = count_multibyte(p, n);
    }
}

static const char *bom_of(const unsigned char *p, size_t n, size_t *len)
{
    static const struct { const char *name; unsigned char b[4]; size_t n; } boms[] = {
        {"UTF-8", {0xEF, 0xBB, 0xBF, 0}, 3},
        {"UTF-32LE", {0xFF, 0xFE, 0, 0}, 4},    /* before UTF-16LE */
        {"UTF-32BE", {0, 0, 0xFE, 0xFF}, 4},
        {"UTF-16LE", {0xFF, 0xFE, 0, 0}, 2},
        {"UTF-16BE", {0xFE, 0xFF, 0, 0}, 2},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        if (n >= boms[i].n && memcmp(p, boms[i].b, boms[i].n) == 0) {
            *len = boms[i].n;
            return boms[i].name;
        }
    }
    return NULL;
}

/* Code point units that are not text: C0 but TAB/LF/CR/FF, DEL, C1. */
static int control_unit(uint32_t u)
{
    return (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f') ||
           (u >= 0x7F && u <= 0x9F);
}

static uint32_t unit(const unsigned char *p, size_t size, int be)
{
    uint32_t u = 0;
    for (size_t j = 0; j < size; j++)
        u |= (uint32_t)p[be ? j : size - 1 - j] << (8 * (size - 1 - j));
    return u;
}

/* UTF-32 without a BOM: at least 4 units, all code points (not
 * surrogates), at most 2% controls. */
static const char *utf32_guess(const unsigned char *p, size_t n)
{
    size_t units = n / 4;
    if (units < 4)
        return NULL;
    for (int be = 0; be < 2; be++) {
        size_t i, ctrl = 0;
        for (i = 0; i < units; i++) {
            uint32_t u = unit(p + 4 * i, 4, be);
            if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
                break;
            ctrl += control_unit(u);
        }
        if (i == units && ctrl * 50 <= units)
            return be ? "UTF-32BE" : "UTF-32LE";
    }
    return NULL;
}

static int cjk_punct(uint32_t u)
{
    return u == 0x3001 || u == 0x3002 || u == 0x300C || u == 0x300D ||
           u == 0xFF01 || u == 0xFF08 || u == 0xFF09 || u == 0xFF0C ||
           u == 0xFF1A || u == 0xFF1F;
}

/* UTF-16 without a BOM (rule 3). */
static const char *utf16_guess(const unsigned char *p, size_t n)
{
    size_t units = n / 2, zero[2] = {0, 0}, punct[2] = {0, 0};
    if (units < 4)
        return NULL;
    for (size_t i = 0; i < 2 * units; i++)
        zero[i & 1] += p[i] == 0;
    for (size_t i = 0; i < units; i++)
        for (int be = 0; be < 2; be++)
            punct[be] += cjk_punct(unit(p + 2 * i, 2, be));
    for (int be = 0; be < 2; be++) {
        size_t hi = zero[!be], lo = zero[be];   /* LE: high byte is odd */
        int nuls = hi >= 2 && hi * 20 >= units && lo * 10 <= hi;
        int cjk = punct[be] >= 2 && punct[be] * 100 >= units && punct[!be] == 0;
        if (!nuls && !cjk)
            continue;
        size_t ctrl = 0, lone = 0;
        for (size_t i = 0; i < units; i++) {
            uint32_t u = unit(p + 2 * i, 2, be);
            ctrl += control_unit(u) || u == 0;
            if (u >= 0xD800 && u <= 0xDBFF) {
                uint32_t v = i + 1 < units ? unit(p + 2 * i + 2, 2, be) : 0xDC00;
                lone += v < 0xDC00 || v > 0xDFFF;
                i++;
            } else {
                lone += u >= 0xDC00 && u <= 0xDFFF;
            }
        }
        if (lone == 0 && ctrl * 50 <= units)
            return be ? "UTF-16BE" : "UTF-16LE";
    }
    return NULL;
}

/* NULs at 10% of the head, or at 1% and at least 4 of them, or C0 controls
 * (not TAB/LF/CR/FF/ESC) at 5% and at least 4: not text. A stray NUL in a
 * text file is a hygiene fact, not a reason to call it binary. */
static int looks_binary(const head_stats *s)
{
    return (s->nul && s->nul * 10 >= s->len) ||
           (s->nul >= 4 && s->nul * 100 >= s->len) ||
           (s->ctrl >= 4 && s->ctrl * 20 >= s->len);
}

/* ---- candidates ----------------------------------------------------- */

/* ICU's internal name for an alias, or NULL. */
static const char *icu_internal(const char *name)
{
    UErrorCode err = U_ZERO_ERROR;
    const char *a = ucnv_getAlias(name, 0, &err);
    return U_SUCCESS(err) ? a : NULL;
}

static int opens(const char *name)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &err);
    ucnv_close(c);
    return U_SUCCESS(err);
}

static cand *find_cand(cands *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].name, name) == 0)
            return &cs->c[i];
    return NULL;
}

static cand *push(cands *cs, const char *name, enum family fam, double vote)
{
    cand *c = find_cand(cs, name);
    if (!c && cs->n < MAX_CANDS) {
        c = &cs->c[cs->n++];
        snprintf(c->name, sizeof c->name, "%s", name);
        c->fam = fam;
        c->vote = 0;
        c->text = -1e300;
        c->declared = 0;
    }
    if (c)
        c->vote += vote;
    return c;
}

/* Adds a detector's or a declaration's name with its vote, then its
 * family; returns the candidate for the name, or NULL. UTF-16/32 and ASCII
 * answers are no candidates here: rules 1-6 have had their say. */
static cand *add_named(cands *cs, const char *name, double vote)
{
    const char *in = icu_internal(name);
    enum family fam = F_NONE;
    cand *c = NULL;
    size_t i;

    if (!name[0] || strncmp(name, "UTF-16", 6) == 0 ||
        strncmp(name, "UTF-32", 6) == 0 || strncmp(name, "ISO-2022", 8) == 0 ||
        ucnv_compareNames(name, "ASCII") == 0 ||
        ucnv_compareNames(name, "US-ASCII") == 0)
        return NULL;
    for (i = 0; i < NKNOWN; i++) {
        const char *k = icu_internal(KNOWN[i].name);
        if (ucnv_compareNames(name, KNOWN[i].name) == 0 ||
            (in && k && strcmp(in, k) == 0))
            break;
    }
    if (i < NKNOWN) {
        fam = KNOWN[i].fam;
        c = push(cs, KNOWN[i].name, fam, vote);
    } else {
        for (size_t h = 0; h < sizeof HINTS / sizeof HINTS[0]; h++)
            if (ucnv_compareNames(name, HINTS[h].name) == 0)
                fam = HINTS[h].fam;
        if (opens(name))
            c = push(cs, name, fam, vote);
    }
    for (i = 0; fam != F_NONE && i < NKNOWN; i++)
        if (KNOWN[i].fam == fam)
            push(cs, KNOWN[i].name, fam, 0);
    return c;
}

static void ask_uchardet(const unsigned char *p, size_t n, cands *cs,
                         double vote)
{
    uchardet_t u = uchardet_new();
    if (!u)
        return;
    if (uchardet_handle_data(u, (const char *)p, n) == 0) {
        uchardet_data_end(u);
        add_named(cs, uchardet_get_charset(u), vote);
    }
    uchardet_delete(u);
}

/* Adds ICU's matches of at least ICU_MIN_CONFIDENCE, best first. ICU's own
 * failures (other than memory) mean "no answer". */
static gs_status ask_icu(const unsigned char *p, size_t n, cands *cs,
                         double vote, char *first, size_t cap)
{
    UErrorCode err = U_ZERO_ERROR;
    UCharsetDetector *csd = ucsdet_open(&err);
    const UCharsetMatch **m;
    int32_t nm = 0;

    if (first)
        first[0] = '\0';
    if (U_FAILURE(err))
        return err == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM : GS_OK;
    ucsdet_enableInputFilter(csd, 1);
    ucsdet_setText(csd, (const char *)p, n > INT32_MAX ? INT32_MAX : (int32_t)n,
                   &err);
    m = ucsdet_detectAll(csd, &nm, &err);
    for (int32_t i = 0; U_SUCCESS(err) && i < nm; i++) {
        const char *name = ucsdet_getName(m[i], &err);
        int32_t conf = ucsdet_getConfidence(m[i], &err);
        if (U_FAILURE(err) || !name || conf < ICU_MIN_CONFIDENCE)
            break;
        if (first && i == 0)
            snprintf(first, cap, "%s", name);
        add_named(cs, name, vote * conf / 100.0);
    }
    ucsdet_close(csd);
    return err == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM : GS_OK;
}

/* ---- scoring -------------------------------------------------------- */

static void U_CALLCONV count_bad(const void *ctx, UConverterToUnicodeArgs *a,
                                 const char *units, int32_t len,
                                 UConverterCallbackReason why, UErrorCode *err)
{
    static const UChar fffd = 0xFFFD;
    (void)units;
    (void)len;
    if (why > UCNV_IRREGULAR)
        return;
    ++*(size_t *)ctx;
    *err = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(a, &fffd, 1, 0, err);
}

/* p[0..n) in name, into u (cap UChars); a sequence cut by the end is left
 * out. Returns the UChars written, or -1 (no converter) / -2 (memory). */
static long decode_to(const char *name, const unsigned char *p, size_t n,
                      UChar *u, size_t cap, size_t *bad)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &err);
    UConverterToUCallback old;
    const void *octx;
    const char *src = (const char *)p;
    UChar *t = u;

    *bad = 0;
    if (U_FAILURE(err))
        return err == U_MEMORY_ALLOCATION_ERROR ? -2 : -1;
    ucnv_setToUCallBack(c, count_bad, bad, &old, &octx, &err);
    ucnv_toUnicode(c, &t, u + cap, &src, src + n, NULL, 0, &err);
    ucnv_close(c);
    if (err == U_MEMORY_ALLOCATION_ERROR)
        return -2;
    return (long)(t - u);       /* an overflow only shortens the sample */
}

static int letter(UChar32 c)
{
    return u_isalpha(c) || u_charType(c) == U_NON_SPACING_MARK;
}

/* The script group of a letter, to see scripts mixed inside a word. */
static int script_group(UChar32 c)
{
    if (c < 0x0370 || (c >= 0x1E00 && c <= 0x1EFF))
        return 1;
    if (c < 0x0400)
        return 2;
    if (c < 0x0530)
        return 3;
    if (c >= 0x0590 && c < 0x0600)
        return 4;
    if (c >= 0x0600 && c < 0x0780)
        return 5;
    if (c >= 0x0E00 && c < 0x0E80)
        return 6;
    if ((c >= 0x1100 && c < 0x1200) || (c >= 0x3040 && c < 0xA000) ||
        (c >= 0xAC00 && c < 0xD7B0) || c >= 0xF900)
        return 7;
    return 8;
}

/* Symbols that are normal beside or inside words. */
static int word_punct(UChar32 c)
{
    return c == 0x2019 || c == 0x02BC || c == 0x00B7 || c == 0x00AD ||
           c == 0x2011 || c == 0x2010;
}

typedef struct letters {
    UChar32 cp[MAX_LETTERS];
    size_t count[MAX_LETTERS], n, total;
} letters;

static void tally(letters *h, UChar32 c)
{
    size_t i;
    c = u_tolower(c);
    h->total++;
    for (i = 0; i < h->n && h->cp[i] != c; i++)
        ;
    if (i == h->n) {
        if (h->n == MAX_LETTERS)
            return;
        h->cp[h->n] = c;
        h->count[h->n++] = 0;
    }
    h->count[i]++;
}

static int in_lang(const struct lang *l, UChar32 c)
{
    if (!l->abc)
        return (c >= l->lo && c <= l->hi) || (c >= l->lo2 && c <= l->hi2);
    for (const UChar *a = l->abc; *a; a++)
        if (*a == c)
            return 1;
    return 0;
}

/* +1 per letter in the best-fitting language, -1 per other letter. */
static double alphabet_score(const letters *h)
{
    size_t best = 0;
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++) {
        size_t cov = 0;
        for (size_t i = 0; i < h->n; i++)
            cov += in_lang(&LANGS[l], h->cp[i]) ? h->count[i] : 0;
        if (cov > best)
            best = cov;
    }
    return 2.0 * (double)best - (double)h->total;
}

/* The plausibility of decoded text u[0..m) with bad undecodable sequences
 * (rule 7); *nonascii receives the characters >= U+0080. Word state: the
 * previous letter's case and script group (0: not in a word), and the
 * capitals that start the word. */
static double score(const UChar *u, size_t m, size_t bad, letters *h,
                    size_t *nonascii)
{
    double s = -W_BAD * (double)bad;
    int group = 0, lower_before = 0, len = 0, caps = 0, first_high = 0;

    h->n = h->total = 0;
    *nonascii = 0;
    for (size_t i = 0; i < m; i++) {
        UChar32 c = u[i];
        int high = c >= 0x80;
        *nonascii += high;
        if (c == 0xFFFD)
            continue;           /* counted in bad */
        if (letter(c)) {
            int g = script_group(c);
            if (u_charType(c) == U_NON_SPACING_MARK) {
                if (g == 1 && i > 0 && u[i - 1] < 0x80 && u[i - 1] != 0 &&
                    !strchr("aeiouyAEIOUY", u[i - 1]))
                    s -= W_INWORD;      /* Latin marks sit on vowels */
                tally(h, c);
                continue;
            }
            int up = u_isupper(c), low = u_islower(c);
            if (group && g != group)
                s -= W_MIX;
            if (lower_before && up && (high || u[i - 1] >= 0x80))
                s -= W_CASE;
            if (!group)
                len = caps = 0, first_high = high;
            /* "ŤMuchos": a capital glued before a capitalised word */
            if (low && len == 2 && caps == 2 && first_high)
                s -= W_CASE;
            caps += up && caps == len;
            len++;
            group = g;
            lower_before = low;
            if (high)
                tally(h, c);
            continue;
        }
        if (!high) {
            if (control_unit((uint32_t)c) && c != 0x1B)
                s -= W_CTRL;
            group = lower_before = 0;
            continue;
        }
        int next_letter = i + 1 < m && letter(u[i + 1]);
        int8_t t = (int8_t)u_charType(c);
        if (control_unit((uint32_t)c))
            s -= W_CTRL;
        else if (c == 0x00A4)
            s -= W_SYMBOL;
        else if (group && next_letter && !word_punct(c) && c < 0x2E80 &&
                 group != 6)    /* CJK and Thai put no spaces */
            s -= W_INWORD;
        else if ((group || next_letter) &&
                 (t == U_MATH_SYMBOL || t == U_OTHER_SYMBOL ||
                  t == U_MODIFIER_SYMBOL || t == U_OTHER_NUMBER ||
                  t == U_CURRENCY_SYMBOL || t == U_PRIVATE_USE_CHAR ||
                  t == U_UNASSIGNED || t == U_SURROGATE))
            s -= W_SYMBOL;
        group = lower_before = 0;
    }
    return s + alphabet_score(h);
}

/* ---- the decision --------------------------------------------------- */

static int same_text(const UChar *a, long na, const UChar *b, long nb)
{
    return na == nb && memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

/* Among the candidates that decode to the winner's text (win[0..nwin)),
 * the name to give: the declared one (candidate 0 when there is one), else
 * the first in KNOWN order, else the winner. Only candidates whose text
 * scored the same can decode the same, so few are decoded again. */
static gs_status preferred_name(const unsigned char *p, size_t n,
                                const cands *cs, const cand *w,
                                const UChar *win, long nwin, UChar *buf,
                                size_t cap, const cand **out)
{
    *out = w;
    for (size_t k = 0; k <= NKNOWN; k++) {
        for (size_t i = 0; i < cs->n; i++) {
            const cand *c = &cs->c[i];
            size_t bad;
            int want = k == 0 ? c->declared
                              : strcmp(c->name, KNOWN[k - 1].name) == 0;
            if (!want || c == w || c->text != w->text)
                continue;
            long m = decode_to(c->name, p, n, buf, cap, &bad);
            if (m == -2)
                return GS_ENOMEM;
            if (m >= 0 && same_text(buf, m, win, nwin)) {
                *out = c;
                return GS_OK;
            }
        }
        if (k > 0 && strcmp(KNOWN[k - 1].name, w->name) == 0)
            return GS_OK;       /* nothing preferred before the winner */
    }
    return GS_OK;
}

/* Rule 7: the best-scoring candidate, or "undetermined" when no candidate
 * beats every candidate that decodes to other text by MIN_MARGIN. */
static gs_status legacy(const unsigned char *p, size_t n, const head_stats *s,
                        gs_charset_result *r)
{
    cands cs = {.n = 0};
    size_t sample = n < SCORE_BYTES ? n : SCORE_BYTES, cap = sample + 8;
    UChar *buf = gs_malloc(2 * cap * sizeof *buf), *win = buf, *cur = NULL;
    letters *h = gs_malloc(sizeof *h);
    double best = 0, other = -1e300;    /* best score of other text */
    long nwin = 0;
    size_t high = 0;            /* bytes >= 0x80 in the sample */
    const cand *w = NULL;
    gs_status st = GS_OK;

    if (!buf || !h) {
        st = GS_ENOMEM;
        goto out;
    }
    cur = win + cap;
    for (size_t i = 0; i < sample; i++)
        high += p[i] >= 0x80;
    if (r->declared[0]) {
        cand *d = add_named(&cs, r->declared, V_DECLARED);
        if (d)
            d->declared = 1;
    }
    ask_uchardet(p, n, &cs, V_UCHARDET);
    if ((st = ask_icu(p, n, &cs, V_ICU, NULL, 0)) != GS_OK)
        goto out;
    for (size_t i = 0; i < cs.n; i++) {
        size_t bad, nonascii;
        long m = decode_to(cs.c[i].name, p, sample, cur, cap, &bad);
        if (m == -2) {
            st = GS_ENOMEM;
            goto out;
        }
        if (m < 0)
            continue;
        double sc = score(cur, (size_t)m, bad, h, &nonascii);
        if (nonascii > 0)       /* per byte >= 0x80: CJK letters take two */
            sc *= (double)high / (double)nonascii;
        cs.c[i].text = sc;
        /* score() has no model of CJK character frequencies; ICU's and
         * uchardet's CJK recognisers have: their votes weigh per character */
        sc += cs.c[i].vote * (cs.c[i].fam == F_CJK ? V_CJK * (double)nonascii : 1);
        int same = w && same_text(cur, m, win, nwin);
        if (!w || sc > best) {
            if (w && !same && best > other)
                other = best;
            UChar *t = win;
            win = cur;
            cur = t;
            nwin = m;
            best = sc;
            w = &cs.c[i];
        } else if (!same && sc > other) {
            other = sc;
        }
    }
    if (!w || s->high < MIN_HIGH)
        goto out;
    double margin = best - other;   /* huge when all text agrees */
    if (margin < MIN_MARGIN || best <= 0)
        goto out;
    if ((st = preferred_name(p, sample, &cs, w, win, nwin, cur, cap, &w)) != GS_OK)
        goto out;
    double conf = margin / (margin + CONF_HALF);
    if (strcmp(w->name, "TIS-620") == 0 && s->c1)
        set_name(r, "windows-874", conf);   /* TIS-620 has no 0x80-0x9F */
    else
        set_name(r, w->name, conf);
out:
    gs_free(buf);
    gs_free(h);
    return st;
}

/* Rule 5's exception: 7-bit ISO-2022 text, told apart by its escapes. */
static gs_status iso2022(const unsigned char *p, size_t n,
                         gs_charset_result *r)
{
    cands cs = {.n = 0};
    char first[40];
    gs_status st = ask_icu(p, n, &cs, 0, first, sizeof first);
    if (st == GS_OK && strncmp(first, "ISO-2022-", 9) == 0 && opens(first))
        set_name(r, first, 0.9);
    return st;
}

gs_status gs_charset_detect(const unsigned char *head, size_t len,
                            gs_charset_result *r)
{
    head_stats s;
    const char *name;

    if (!r || (!head && len))
        return GS_EINVAL;
    memset(r, 0, sizeof *r);
    set_name(r, "undetermined", 0);
    if (len == 0) {
        r->ascii_only = 1;
        set_name(r, "UTF-8", 1.0);
        return GS_OK;
    }
    if ((name = bom_of(head, len, &r->bom_len)) != NULL) {
        snprintf(r->bom, sizeof r->bom, "%s", name);
        set_name(r, name, 1.0);
        head_scan(head + r->bom_len, len - r->bom_len, &s);
        r->ascii_only = s.high == 0;
        if (r->bom_len == 3)
            gs_charset_declared(head + 3, len - 3, r->declared,
                                sizeof r->declared);
        return GS_OK;
    }
    head_scan(head, len, &s);
    r->ascii_only = s.high == 0;
    if (s.nul || s.ctrl) {
        if ((name = utf32_guess(head, len)) != NULL ||
            (name = utf16_guess(head, len)) != NULL) {
            set_name(r, name, 0.95);
            return GS_OK;
        }
    } else if (s.high >= 8 && (name = utf16_guess(head, len)) != NULL) {
        set_name(r, name, 0.9);
        return GS_OK;
    }
    if (looks_binary(&s)) {
        r->looks_binary = 1;
        return GS_OK;
    }
    gs_charset_declared(head, len, r->declared, sizeof r->declared);
    if (s.high == 0) {
        set_name(r, "UTF-8", 1.0);
        return s.esc >= 2 ? iso2022(head, len, r) : GS_OK;
    }
    if (s.invalid == 0) {
        set_name(r, "UTF-8", 1.0);
        return GS_OK;
    }
    if (s.multibyte >= MOSTLY_MIN_MB && s.multibyte >= s.invalid) {
        set_name(r, "UTF-8", (double)s.multibyte /
                             (double)(s.multibyte + s.invalid));
        return GS_OK;
    }
    return legacy(head, len, &s, r);
}

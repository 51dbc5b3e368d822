/* test_hygiene.c - text-hygiene detectors: true positives and true
 * negatives for every class, chunk invariance of the streaming scanner at
 * every split point, locations, limits and stopping.
 *
 * Mojibake is made here with ICU, the way it happens: the UTF-8 bytes of
 * clean prose are read as windows-1252 / ISO-8859-1 / windows-1251 / KOI8-R
 * and written out again as UTF-8 (twice for double encoding). The same
 * prose, untouched, is the true-negative set. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>

#include "gapscan/hygiene.h"

#define MAX_DEFECTS 64
#define MOJI GS_HYG_BIT(GS_HYG_MOJIBAKE)

/* Clean prose: none of it may trigger any class. Written to hold what
 * mojibake rules could mistake: accented capitals before punctuation,
 * French guillemets and ellipses, German quotes, Ukrainian capitals
 * followed by і/ї/є, Russian ё, NBSP, degree and superscript signs. */
static const char *const clean_prose[] = {
    /* French */
    "« Je bois un café… » dit-elle. L’été dernier, à Noël, nous étions "
    "au Château ; CAFÉ… ÉTÉ » — « Où est-ce ? » Ça coûte 12,50 €.",
    "Le cœur de l’œuvre : « Ô temps ! suspends ton vol » – Lamartine.",
    /* German */
    "„Grüß Gott“, sagte der Bäcker in Zürich. Die Straße… Äpfel, Öl "
    "und Übermut. ÄRGER“ und „ÖL“ – 25 °C, 3 m² Fläche.",
    /* Portuguese and Spanish */
    "A minha IRMÔ, disse ele. “AMANHÔ… São Paulo, coração, ações, "
    "não. ¿Qué año es? ¡Señor Muñoz, ESPAÑA», «AÑO»!",
    /* Icelandic, Danish, Swedish */
    "Þetta er íslenska: Það var gaman, ég fór heim með þér. ÞÚ, ÐÓ’ "
    "og Ægir. Øresund, Ålborg, sø, blåbær – ÅÅ…",
    /* Polish, Czech, Romanian, Turkish, Vietnamese */
    "Zażółć gęślą jaźń. Příliš žluťoučký kůň úpěl ďábelské ódy. "
    "Știință și țară. Ağaç, ışık, şişe. Tiếng Việt có dấu.",
    /* Russian, Ukrainian, Serbian */
    "Привет, как дела? Её пёс съел ещё лёд. «Ёлка» — в 20°, 5 м². "
    "ЗДРАВСТВУЙТЕ! ВІДДІЛ ДІЇ.",
    "Він сказав: «Рік минув». Місто Рівне, Дім, Ніч, Ліс. Київ, її, "
    "з’їсти. Србија, Љубав, Ђорђе, Њива, Џеп.",
    /* Greek, Hebrew, Arabic, Persian */
    "Καλημέρα, τι κάνεις; Ελληνικά «σε» εισαγωγικά. שלום עולם. "
    "مرحبا بالعالم. می‌خواهم فارسی",
    /* CJK, Korean, emoji */
    "日本語のテキスト、「引用」。中文文本，标点。한국어 텍스트입니다. "
    "Price: 5元 ™ ® © ½ — 2×” zoom 😀.",
};

/* Sentences whose mojibake must be found, one per page. */
static const char *const latin_prose[] = {
    "Café", "L’été dernier à Noël.", "Grüße aus Zürich", "naïve façade",
    "São Paulo não", "Þetta er ég", "Zażółć gęślą", "日本語", "“quoted”",
    "5 €", "Příliš žluťoučký", "Ελληνικά", "emoji 😀 here",
};
static const char *const cyrillic_prose[] = {
    "Привет", "Москва — столица", "Он сказал «да»", "ЗДРАВСТВУЙТЕ",
    "съешь же ещё этих мягких булок",
};

/* ---- helpers ------------------------------------------------------- */

typedef struct defect_rec {
    char code[40];
    char detail[200];
    gs_loc loc;
} defect_rec;

typedef struct run {
    defect_rec d[MAX_DEFECTS];
    size_t n;
    gs_hygiene_facts f;
    gs_status st;
    int stop_after;     /* return 1 from the n-th defect (0 = never) */
} run;

static int on_defect(void *ud, const char *code, const char *detail,
                     const gs_loc *loc)
{
    run *r = ud;
    ck_assert_uint_lt(r->n, MAX_DEFECTS);
    ck_assert_ptr_nonnull(loc);
    defect_rec *d = &r->d[r->n++];
    snprintf(d->code, sizeof d->code, "%s", code);
    snprintf(d->detail, sizeof d->detail, "%s", detail ? detail : "");
    d->loc = *loc;
    return r->stop_after && (int)r->n >= r->stop_after;
}

/* Scans s[0..n) fed in the pieces cut at cuts[0..ncuts) (ascending). */
static void scan_cuts(const char *s, size_t n, const size_t *cuts,
                      size_t ncuts, unsigned open_flags, unsigned feed_flags,
                      const gs_limits *lim, run *r)
{
    gs_sink sink = {.ud = r, .defect = on_defect};
    gs_hygiene *h = NULL;
    size_t at = 0;

    ck_assert_int_eq(gs_hygiene_open(lim, &sink, open_flags, &h), GS_OK);
    r->st = GS_OK;
    for (size_t i = 0; i <= ncuts && r->st == GS_OK; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        r->st = gs_hygiene_feed(h, s + at, end - at, feed_flags);
        at = end;
    }
    if (r->st == GS_OK)
        r->st = gs_hygiene_finish(h);
    r->f = *gs_hygiene_get_facts(h);
    gs_hygiene_close(h);
}

static void scan(const char *s, run *r)
{
    memset(r, 0, sizeof *r);
    scan_cuts(s, strlen(s), NULL, 0, 0, 0, NULL, r);
    ck_assert_int_eq(r->st, GS_OK);
}

/* Reads the UTF-8 bytes of s as charset cs and writes them back as UTF-8:
 * what a tool that guessed cs does. Returns a malloc'd string. */
static char *mangle(const char *s, const char *cs)
{
    UErrorCode e = U_ZERO_ERROR;
    size_t cap = strlen(s) * 4 + 16;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    ucnv_convert("UTF-8", cs, out, (int32_t)cap, s, -1, &e);
    ck_assert_msg(U_SUCCESS(e), "ucnv_convert from %s: %s", cs, u_errorName(e));
    return out;
}

static int has_defect(const run *r, const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->d[i].code, code) == 0)
            return 1;
    return 0;
}

static void assert_same_runs(const run *a, const run *b, const char *what)
{
    ck_assert_msg(a->n == b->n, "%s: %zu vs %zu defects", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        ck_assert_str_eq(a->d[i].code, b->d[i].code);
        ck_assert_str_eq(a->d[i].detail, b->d[i].detail);
        ck_assert_msg(a->d[i].loc.offset == b->d[i].loc.offset &&
                      a->d[i].loc.line == b->d[i].loc.line &&
                      a->d[i].loc.col == b->d[i].loc.col,
                      "%s: defect %zu (%s) moved", what, i, a->d[i].code);
    }
    ck_assert(memcmp(&a->f, &b->f, sizeof a->f) == 0);
}

/* ---- mojibake ------------------------------------------------------ */

START_TEST(clean_multilingual_prose_triggers_nothing)
{
    for (size_t i = 0; i < sizeof clean_prose / sizeof clean_prose[0]; i++) {
        run r;
        unsigned m = gs_hygiene_value(clean_prose[i], strlen(clean_prose[i]));
        scan(clean_prose[i], &r);
        ck_assert_msg(m == 0, "value mask 0x%x for prose %zu", m, i);
        ck_assert_msg(r.n == 0, "prose %zu: %s %s", i, r.d[0].code,
                      r.d[0].detail);
    }
}
END_TEST

/* Every page reading of the prose is found, once per run of garbling. */
static void assert_mangled_found(const char *s, const char *cs, int twice)
{
    char *m = mangle(s, cs);
    if (twice) {
        char *mm = mangle(m, cs);
        free(m);
        m = mm;
    }
    run r;
    scan(m, &r);
    ck_assert_msg(r.f.count[GS_HYG_MOJIBAKE] >= 1, "%s via %s%s: \"%s\" missed",
                  s, cs, twice ? " twice" : "", m);
    ck_assert_msg(gs_hygiene_value(m, strlen(m)) & MOJI, "value: %s", m);
    ck_assert(has_defect(&r, "encoding.mojibake"));
    free(m);
}

START_TEST(utf8_read_as_windows_1252_or_latin1_is_found_in_every_language)
{
    for (size_t i = 0; i < sizeof latin_prose / sizeof latin_prose[0]; i++) {
        assert_mangled_found(latin_prose[i], "windows-1252", 0);
        assert_mangled_found(latin_prose[i], "windows-1252", 1);
    }
    for (size_t i = 0; i < sizeof cyrillic_prose / sizeof cyrillic_prose[0]; i++) {
        assert_mangled_found(cyrillic_prose[i], "windows-1252", 0);
        assert_mangled_found(cyrillic_prose[i], "ISO-8859-1", 0);
    }
}
END_TEST

START_TEST(utf8_cyrillic_read_as_windows_1251_or_koi8r_is_found)
{
    for (size_t i = 0; i < sizeof cyrillic_prose / sizeof cyrillic_prose[0]; i++) {
        assert_mangled_found(cyrillic_prose[i], "windows-1251", 0);
        assert_mangled_found(cyrillic_prose[i], "KOI8-R", 0);
    }
    /* punctuation read as windows-1251: ’ becomes вЂ™ */
    assert_mangled_found("it’s", "windows-1251", 0);
}
END_TEST

/* Every letter pair of Latin-1 and of Russian, garbled through each page:
 * exercises the whole reverse table against ICU's own tables. */
START_TEST(every_letter_pair_garbled_through_each_page_is_found)
{
    static const char *const pages[] = {"windows-1252", "windows-1251",
                                        "KOI8-R"};
    char pair[16];
    for (size_t p = 0; p < 3; p++) {
        for (unsigned c = 0xC0; c <= 0x44F; c++) {
            if ((c > 0xFF && c < 0x410) || c == 0xD7 || c == 0xF7)
                continue;
            int k = 0;
            for (int j = 0; j < 2; j++) {
                pair[k++] = (char)(0xC0 | c >> 6);
                pair[k++] = (char)(0x80 | (c & 0x3F));
            }
            pair[k] = '\0';
            char *m = mangle(pair, pages[p]);
            ck_assert_msg(gs_hygiene_value(m, strlen(m)) & MOJI,
                          "U+%04X twice via %s: \"%s\"", c, pages[p], m);
            free(m);
        }
    }
}
END_TEST

typedef struct moji_case {
    const char *text;
    const char *reads_as;   /* in the detail; NULL: must not be found */
} moji_case;

static const moji_case moji_cases[] = {
    {"CafÃ©", "UTF-8 read as windows-1252: \"Ã©\" reads as \"é\""},
    {"it’s donâ€™t", "\"â€™\" reads as \"’\""},
    {"Ã¼ber", "reads as \"ü\""},
    {"cafÃƒÂ©", "windows-1252 twice: \"ÃƒÂ©\" reads as \"é\""},
    {"РџСЂРёРІРµС‚ мир", "windows-1251: \"РџСЂРёРІРµС‚\" reads as \"Привет\""},
    {"Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "reads as \"привет\""},
    {"header ï»¿name", "reads as \"\xEF\xBB\xBF\""},
    {"lost ï¿½ char", "reads as \"\xEF\xBF\xBD\""},
    {"25Â°C", "reads as \"°\""},
    {"HÃ”TEL", "reads as \"Ô\""},
    /* true negatives next to the positives */
    {"IRMÔ", NULL},
    {"CAFÉ…", NULL},
    {"café…»", NULL},
    {"„Gruß“", NULL},
    {"Він", NULL},
    {"the “2×” zoom", NULL},
};

START_TEST(mojibake_cases_are_found_with_what_they_read_as)
{
    for (size_t i = 0; i < sizeof moji_cases / sizeof moji_cases[0]; i++) {
        const moji_case *mc = &moji_cases[i];
        run r;
        scan(mc->text, &r);
        if (!mc->reads_as) {
            ck_assert_msg(r.n == 0, "\"%s\": %s", mc->text, r.d[0].detail);
            continue;
        }
        ck_assert_msg(r.n == 1 && r.f.count[GS_HYG_MOJIBAKE] == 1,
                      "\"%s\": %zu defects", mc->text, r.n);
        ck_assert_str_eq(r.d[0].code, "encoding.mojibake");
        ck_assert_msg(strstr(r.d[0].detail, mc->reads_as) != NULL,
                      "\"%s\": detail \"%s\"", mc->text, r.d[0].detail);
    }
}
END_TEST

/* ---- single characters ---------------------------------------------- */

typedef struct char_case {
    unsigned cp;
    gs_hygiene_class cls;
} char_case;

static const char_case char_cases[] = {
    {0x202A, GS_HYG_BIDI}, {0x202B, GS_HYG_BIDI}, {0x202C, GS_HYG_BIDI},
    {0x202D, GS_HYG_BIDI}, {0x202E, GS_HYG_BIDI}, {0x2066, GS_HYG_BIDI},
    {0x2067, GS_HYG_BIDI}, {0x2068, GS_HYG_BIDI}, {0x2069, GS_HYG_BIDI},
    {0x200E, GS_HYG_BIDI}, {0x200F, GS_HYG_BIDI}, {0x061C, GS_HYG_BIDI},
    {0x200B, GS_HYG_ZERO_WIDTH}, {0x200C, GS_HYG_ZERO_WIDTH},
    {0x200D, GS_HYG_ZERO_WIDTH}, {0x2060, GS_HYG_ZERO_WIDTH},
    {0xFEFF, GS_HYG_BOM_MID}, {0xFFFD, GS_HYG_REPLACEMENT},
};

static size_t put_cp(char *b, unsigned c)
{
    if (c < 0x800) {
        b[0] = (char)(0xC0 | c >> 6);
        b[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    b[0] = (char)(0xE0 | c >> 12);
    b[1] = (char)(0x80 | (c >> 6 & 0x3F));
    b[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

START_TEST(each_invisible_bidi_bom_and_replacement_character_is_its_class)
{
    for (size_t i = 0; i < sizeof char_cases / sizeof char_cases[0]; i++) {
        const char_case *cc = &char_cases[i];
        char text[32] = "user";
        size_t k = 4 + put_cp(text + 4, cc->cp);
        memcpy(text + k, "name", 5);
        run r;
        scan(text, &r);
        ck_assert_msg(gs_hygiene_value(text, strlen(text)) ==
                      GS_HYG_BIT(cc->cls), "U+%04X value mask", cc->cp);
        ck_assert_msg(r.n == 1, "U+%04X: %zu defects", cc->cp, r.n);
        ck_assert_str_eq(r.d[0].code, gs_hygiene_code(cc->cls));
        ck_assert_uint_eq(r.f.count[cc->cls], 1);
        ck_assert_uint_eq(r.d[0].loc.offset, 4);
        ck_assert_uint_eq(r.d[0].loc.col, 5);
        char hex[8];
        snprintf(hex, sizeof hex, "U+%04X", cc->cp);
        ck_assert_msg(strstr(r.d[0].detail, hex), "%s", r.d[0].detail);
    }
}
END_TEST

START_TEST(joiners_inside_emoji_and_joining_scripts_are_not_defects)
{
    static const char *const ok[] = {
        "family 👨‍👩‍👧 emoji",            /* ZWJ sequence */
        "می‌خواهم",                        /* Persian ZWNJ */
        "क्‍ष",                             /* Devanagari ZWJ */
        "❤️‍🔥",                            /* VS16 then ZWJ */
        "ភាសា\u200Bខ្មែរ",                    /* Khmer word break */
        "\u0C36\u0C4D\u200D\u200C\u0C1A",          /* Telugu ZWJ ZWNJ */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        run r;
        scan(ok[i], &r);
        ck_assert_msg(r.n == 0, "%zu: %s", i, r.n ? r.d[0].detail : "");
        ck_assert_uint_eq(gs_hygiene_value(ok[i], strlen(ok[i])), 0);
    }
}
END_TEST

START_TEST(a_bom_at_offset_zero_is_the_files_unless_already_stripped)
{
    const char *s = "\xEF\xBB\xBFid,name";
    run r;
    memset(&r, 0, sizeof r);
    scan_cuts(s, strlen(s), NULL, 0, 0, 0, NULL, &r);
    ck_assert_uint_eq(r.n, 0);
    memset(&r, 0, sizeof r);
    scan_cuts(s, strlen(s), NULL, 0, GS_HYGIENE_BOM_STRIPPED, 0, NULL, &r);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.d[0].code, "encoding.bom_mid_file");
    ck_assert_uint_eq(r.f.count[GS_HYG_ZERO_WIDTH], 0);
    /* a value is never at the start of the file */
    ck_assert_uint_eq(gs_hygiene_value(s, strlen(s)),
                      GS_HYG_BIT(GS_HYG_BOM_MID));
}
END_TEST

START_TEST(replacement_chars_the_decoder_inserted_are_not_counted)
{
    const char *orig = "was \xEF\xBF\xBD before";
    gs_sink sink = {0};
    run r;
    gs_hygiene *h;

    memset(&r, 0, sizeof r);
    sink.ud = &r;
    sink.defect = on_defect;
    ck_assert_int_eq(gs_hygiene_open(NULL, &sink, 0, &h), GS_OK);
    ck_assert_int_eq(gs_hygiene_feed(h, "ab", 2, 0), GS_OK);
    ck_assert_int_eq(gs_hygiene_feed(h, "\xEF\xBF\xBD", 3, GS_HYGIENE_INSERTED),
                     GS_OK);
    ck_assert_int_eq(gs_hygiene_feed(h, orig, strlen(orig), 0), GS_OK);
    ck_assert_int_eq(gs_hygiene_finish(h), GS_OK);
    const gs_hygiene_facts *f = gs_hygiene_get_facts(h);
    ck_assert_uint_eq(f->count[GS_HYG_REPLACEMENT], 1);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_uint_eq(r.d[0].loc.offset, 2 + 3 + 4);
    ck_assert_uint_eq(f->bytes, 2 + 3 + strlen(orig));
    gs_hygiene_close(h);
}
END_TEST

/* ---- NFC ----------------------------------------------------------- */

typedef struct nfc_case {
    const char *text;
    int not_nfc;        /* segments expected */
} nfc_case;

static const nfc_case nfc_cases[] = {
    {"caf\xC3\xA9", 0},                 /* é precomposed */
    {"cafe\xCC\x81", 1},                /* e + U+0301 */
    {"A\xCC\x8A and e\xCC\x81 and o\xCC\x88", 3},
    {"x\xCC\x81", 0},                   /* nothing to compose with */
    {"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 1},   /* 한 as jamo */
    {"\xED\x95\x9C\xEA\xB5\xAD", 0},    /* 한국 precomposed */
    {"a\xCD\x84", 1},                   /* U+0344: NFC_QC=No */
    {"\xE2\x84\xAB", 1},                /* U+212B ANGSTROM SIGN -> Å */
    {"e\xCC\xA3\xCC\x81", 1},           /* e, dot below, acute: ệ... */
    {"\xE1\xBB\x87", 0},                /* ệ precomposed */
};

START_TEST(nfc_and_nfd_text_are_told_apart)
{
    for (size_t i = 0; i < sizeof nfc_cases / sizeof nfc_cases[0]; i++) {
        const nfc_case *nc = &nfc_cases[i];
        run r;
        scan(nc->text, &r);
        ck_assert_msg(r.f.count[GS_HYG_NOT_NFC] == (uint64_t)nc->not_nfc,
                      "case %zu: %llu segments", i,
                      (unsigned long long)r.f.count[GS_HYG_NOT_NFC]);
        unsigned m = gs_hygiene_value(nc->text, strlen(nc->text));
        ck_assert_uint_eq(m, nc->not_nfc ? GS_HYG_BIT(GS_HYG_NOT_NFC) : 0);
    }
}
END_TEST

START_TEST(a_long_combining_sequence_is_checked_across_buffer_refills)
{
    /* 600 x (o + U+0308): each ASCII o sends the buffer to ICU */
    size_t n = 600 * 3;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < 600; i++)
        memcpy(s + 3 * i, "o\xCC\x88", 3);
    s[n] = '\0';
    run r;
    scan(s, &r);
    ck_assert_uint_eq(r.f.count[GS_HYG_NOT_NFC], 600);
    free(s);

    /* Greek alpha + U+0301 (-> ά), 400 times: no ASCII, so the NFC
     * buffer refills many times, each cut at a boundary */
    n = 400 * 4;
    s = malloc(n + 1);
    for (size_t i = 0; i < 400; i++)
        memcpy(s + 4 * i, "\xCE\xB1\xCC\x81", 4);
    s[n] = '\0';
    scan(s, &r);
    ck_assert_uint_eq(r.f.count[GS_HYG_NOT_NFC], 400);
    ck_assert_uint_eq(r.n, 5);      /* default max_examples */
    ck_assert_uint_eq(r.d[4].loc.offset, 16);
    free(s);
}
END_TEST

/* ---- streaming ----------------------------------------------------- */

/* A document with every class, on lines ended by CRLF, CR and LF. */
static const char DOC[] =
    "id,name,note\r\n"                        /* line 1, CRLF */
    "1,Caf\xC3\x83\xC2\xA9,ok\r"              /* 2: CafÃ©, lone CR */
    "2,cafe\xCC\x81,\xE2\x80\xAE" "evil\n"    /* 3: NFD é, RLO */
    "3,zero\xE2\x80\x8Bwidth,\xEF\xBB\xBF\n"  /* 4: ZWSP, BOM */
    "4,\xD0\xA0\xD1\x9F\xD0\xA1\xD0\x82\xD0\xA0\xD1\x91,"  /* 5: РџСЂРё */
    "\xEF\xBF\xBD\n"                           /*    U+FFFD */
    "5,\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2,"     /* 6: â€™, */
    "\xD0\x9F\xD1\x80\xD0\xB8 "                /*    При (clean), */
    "\xCE\xB1\xCC\x81\xE2\x81\xA6x";          /*    NFD ά, LRI */

typedef struct expect {
    const char *code;
    uint64_t offset, line, col;
} expect;

START_TEST(defects_carry_offset_line_and_byte_column)
{
    /* in report order: mojibake and NFC are decided when their run or
     * segment ends, the single characters at once */
    static const expect want[] = {
        {"encoding.mojibake", 19, 2, 6},
        {"encoding.not_nfc", 32, 3, 6},
        {"encoding.bidi_control", 36, 3, 10},
        {"encoding.zero_width", 50, 4, 7},
        {"encoding.bom_mid_file", 59, 4, 16},
        {"encoding.mojibake", 65, 5, 3},
        {"encoding.replacement_char", 78, 5, 16},
        {"encoding.mojibake", 84, 6, 3},
        {"encoding.bidi_control", 104, 6, 23},
        {"encoding.not_nfc", 100, 6, 19},
    };
    run r;
    scan(DOC, &r);
    for (size_t i = 0; i < r.n && i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strcmp(r.d[i].code, want[i].code) == 0 &&
                      r.d[i].loc.offset == want[i].offset &&
                      r.d[i].loc.line == want[i].line &&
                      r.d[i].loc.col == want[i].col,
                      "defect %zu: %s at %llu %llu:%llu (%s)", i, r.d[i].code,
                      (unsigned long long)r.d[i].loc.offset,
                      (unsigned long long)r.d[i].loc.line,
                      (unsigned long long)r.d[i].loc.col, r.d[i].detail);
    ck_assert_uint_eq(r.n, sizeof want / sizeof want[0]);
    ck_assert_uint_eq(r.f.bytes, sizeof DOC - 1);
}
END_TEST

START_TEST(every_split_point_and_byte_feeding_give_the_same_results)
{
    size_t n = sizeof DOC - 1, cuts[2];
    run whole, part;

    scan(DOC, &whole);
    ck_assert_uint_gt(whole.n, 5);
    for (size_t a = 0; a <= n; a++) {
        memset(&part, 0, sizeof part);
        cuts[0] = a;
        scan_cuts(DOC, n, cuts, 1, 0, 0, NULL, &part);
        ck_assert_int_eq(part.st, GS_OK);
        assert_same_runs(&whole, &part, "one cut");
    }
    for (size_t a = 0; a <= n; a += 3) {
        for (size_t b = a; b <= n; b += 5) {
            memset(&part, 0, sizeof part);
            cuts[0] = a;
            cuts[1] = b;
            scan_cuts(DOC, n, cuts, 2, 0, 0, NULL, &part);
            assert_same_runs(&whole, &part, "two cuts");
        }
    }
    size_t *every = malloc(n * sizeof *every);
    for (size_t i = 0; i < n; i++)
        every[i] = i;
    memset(&part, 0, sizeof part);
    scan_cuts(DOC, n, every, n, 0, 0, NULL, &part);
    assert_same_runs(&whole, &part, "byte by byte");
    free(every);
}
END_TEST

static uint32_t rng_state = 2463534242u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Text for the ASCII-run scan: runs of 1-60 ASCII bytes with LF, CR and
 * CRLF anywhere in them (so that they fall at every place in and across
 * 16-byte blocks), each followed by one item: a character with a defect
 * of its own, NFD "e" + U+0301 (located at the "e", the run's last
 * character), or a clean "é". want[] gets the defects, in text order, at
 * the locations counted here byte by byte. Returns the length. */
static size_t run_text(char *p, size_t cap, expect *want, size_t *nwant,
                       uint64_t *chars)
{
    static const struct { const char *bytes, *code; } items[] = {
        {"\xE2\x80\xAE", "encoding.bidi_control"},
        {"\xE2\x80\x8B", "encoding.zero_width"},
        {"\xEF\xBB\xBF", "encoding.bom_mid_file"},
        {"\xEF\xBF\xBD", "encoding.replacement_char"},
        {"e\xCC\x81", "encoding.not_nfc"},
        {"\xC3\xA9", NULL},
    };
    uint64_t line = 1, line_start = 0;
    size_t n = 0;

    *nwant = 0;
    *chars = 0;
    while (n + 80 < cap && *nwant < MAX_DEFECTS - 4) {
        for (uint32_t m = 1 + rnd() % 60; m; m--) {
            uint32_t k = rnd() % 16;
            p[n++] = k == 0 ? '\n' : k == 1 ? '\r' : (char)('a' + rnd() % 26);
            if (k == 2) {
                p[n - 1] = '\r';
                p[n++] = '\n';
            }
        }
        size_t k = rnd() % 6, len = strlen(items[k].bytes);
        if (items[k].code) {
            expect *w = &want[(*nwant)++];
            w->code = items[k].code;
            w->offset = n;
        }
        memcpy(p + n, items[k].bytes, len);
        n += len;
    }
    p[n++] = '.';
    /* the line and column of each wanted offset */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w < *nwant && want[w].offset == i) {
            want[w].line = line;
            want[w].col = i - line_start + 1;
            w++;
        }
        *chars += ((unsigned char)p[i] & 0xC0) != 0x80;
        if (p[i] == '\r' || (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')))
            line++;
        if (p[i] == '\r' || p[i] == '\n')
            line_start = i + 1;
    }
    return n;
}

START_TEST(ascii_run_scan_agrees_with_a_byte_by_byte_reference)
{
    static char text[4096];
    static const size_t chunks[] = {1, 2, 3, 5, 7, 15, 16, 17, 31, 33, 0};
    static size_t cuts[sizeof text];
    expect want[MAX_DEFECTS];
    gs_limits lim;

    gs_limits_default(&lim);
    lim.max_examples = MAX_DEFECTS;
    for (int iter = 0; iter < 300; iter++) {
        size_t nwant;
        uint64_t chars;
        size_t n = run_text(text, 200 + rnd() % (sizeof text - 200), want,
                            &nwant, &chars);
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            size_t chunk = chunks[c] ? chunks[c] : n, ncuts = 0;
            for (size_t at = chunk; at < n; at += chunk)
                cuts[ncuts++] = at;
            run r;
            memset(&r, 0, sizeof r);
            scan_cuts(text, n, cuts, ncuts, 0, 0, &lim, &r);
            ck_assert_int_eq(r.st, GS_OK);
            ck_assert_uint_eq(r.f.bytes, n);
            ck_assert_uint_eq(r.f.chars, chars);
            ck_assert_msg(r.n == nwant, "iter %d chunk %zu: %zu defects, "
                          "want %zu", iter, chunk, r.n, nwant);
            for (size_t i = 0; i < nwant; i++)
                ck_assert_msg(strcmp(r.d[i].code, want[i].code) == 0 &&
                              r.d[i].loc.offset == want[i].offset &&
                              r.d[i].loc.line == want[i].line &&
                              r.d[i].loc.col == want[i].col,
                              "iter %d chunk %zu defect %zu: %s at %llu "
                              "%llu:%llu, want %s at %llu %llu:%llu", iter,
                              chunk, i, r.d[i].code,
                              (unsigned long long)r.d[i].loc.offset,
                              (unsigned long long)r.d[i].loc.line,
                              (unsigned long long)r.d[i].loc.col, want[i].code,
                              (unsigned long long)want[i].offset,
                              (unsigned long long)want[i].line,
                              (unsigned long long)want[i].col);
        }
    }
}
END_TEST

START_TEST(invalid_utf8_is_counted_not_reported_and_never_stops)
{
    const char s[] = "ok\xFF\xC3(\xE2\x82 Caf\xC3\x83\xC2\xA9 \xF0\x9F";
    size_t n = sizeof s - 1, cut;
    run whole, part;

    memset(&whole, 0, sizeof whole);
    scan_cuts(s, n, NULL, 0, 0, 0, NULL, &whole);
    ck_assert_int_eq(whole.st, GS_OK);
    ck_assert_uint_eq(whole.f.count[GS_HYG_INVALID_UTF8], 4);
    ck_assert_uint_eq(whole.f.count[GS_HYG_REPLACEMENT], 0);
    ck_assert_uint_eq(whole.n, 1);
    ck_assert_str_eq(whole.d[0].code, "encoding.mojibake");
    for (cut = 0; cut <= n; cut++) {
        memset(&part, 0, sizeof part);
        scan_cuts(s, n, &cut, 1, 0, 0, NULL, &part);
        assert_same_runs(&whole, &part, "invalid, one cut");
    }
    ck_assert_uint_eq(gs_hygiene_value(s, n),
                      GS_HYG_BIT(GS_HYG_INVALID_UTF8) | MOJI);
}
END_TEST

START_TEST(examples_stop_at_the_limit_but_counting_goes_on)
{
    gs_limits lim;
    run r;
    const char *s = "a\xE2\x80\x8B b\xE2\x80\x8B c\xE2\x80\x8B d\xE2\x80\x8B";

    gs_limits_default(&lim);
    lim.max_examples = 2;
    memset(&r, 0, sizeof r);
    scan_cuts(s, strlen(s), NULL, 0, 0, 0, &lim, &r);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_uint_eq(r.f.count[GS_HYG_ZERO_WIDTH], 4);
}
END_TEST

START_TEST(a_nonzero_sink_return_stops_with_ecanceled)
{
    run r;
    memset(&r, 0, sizeof r);
    r.stop_after = 2;
    scan_cuts(DOC, sizeof DOC - 1, NULL, 0, 0, 0, NULL, &r);
    ck_assert_int_eq(r.st, GS_ECANCELED);
    ck_assert_uint_eq(r.n, 2);

    gs_sink sink = {.ud = &r, .defect = on_defect};
    gs_hygiene *h;
    memset(&r, 0, sizeof r);
    r.stop_after = 1;
    ck_assert_int_eq(gs_hygiene_open(NULL, &sink, 0, &h), GS_OK);
    ck_assert_int_eq(gs_hygiene_feed(h, "x\xE2\x80\xAE", 4, 0), GS_ECANCELED);
    ck_assert_int_eq(gs_hygiene_feed(h, "y", 1, 0), GS_ECANCELED);
    ck_assert_int_eq(gs_hygiene_finish(h), GS_ECANCELED);
    ck_assert_int_eq(gs_hygiene_finish(h), GS_EINVAL);
    ck_assert_int_eq(gs_hygiene_feed(h, "y", 1, 0), GS_EINVAL);
    gs_hygiene_close(h);
    ck_assert_uint_eq(r.n, 1);
}
END_TEST

START_TEST(ascii_values_are_clean_and_misuse_is_einval)
{
    static const char ascii[] = "plain ASCII value, with \t tabs\r\n and 12.5";
    for (size_t n = 0; n < sizeof ascii; n++)
        ck_assert_uint_eq(gs_hygiene_value(ascii, n), 0);
    ck_assert_uint_eq(gs_hygiene_value(NULL, 0), 0);
    ck_assert_int_eq(gs_hygiene_open(NULL, NULL, 0, NULL), GS_EINVAL);
    ck_assert_int_eq(gs_hygiene_feed(NULL, "x", 1, 0), GS_EINVAL);
    ck_assert_int_eq(gs_hygiene_finish(NULL), GS_EINVAL);
    ck_assert_ptr_null(gs_hygiene_get_facts(NULL));
    ck_assert_ptr_null(gs_hygiene_code(GS_HYG__COUNT));
    gs_hygiene_close(NULL);
}
END_TEST

/* The ASCII test reads words of 8, the last one overlapping, and 4, 2 and
 * 1 bytes below 8: a non-ASCII character at any position of any length
 * around those edges must reach the scanner. */
START_TEST(a_non_ascii_character_anywhere_is_seen)
{
    static const char zwsp[] = "\xE2\x80\x8B";   /* U+200B, invisible */
    unsigned want = gs_hygiene_value(zwsp, 3);
    char buf[32];
    ck_assert_uint_ne(want, 0);
    for (size_t n = 3; n <= 25; n++)
        for (size_t at = 0; at + 3 <= n; at++) {
            memset(buf, 'a', n);
            memcpy(buf + at, zwsp, 3);
            ck_assert_msg(gs_hygiene_value(buf, n) == want,
                          "length %zu, at %zu", n, at);
        }
    for (size_t n = 1; n <= 25; n++) {   /* one stray high byte */
        memset(buf, 'a', n);
        buf[n - 1] = (char)0xE9;
        ck_assert_msg(gs_hygiene_value(buf, n) != 0, "length %zu", n);
        buf[n - 1] = 'a';
        buf[0] = (char)0xE9;
        ck_assert_msg(gs_hygiene_value(buf, n) != 0, "first, length %zu", n);
    }
}
END_TEST

/* The classes the streaming scanner finds in text, as GS_HYG_BIT()s. */
static unsigned stream_mask(const char *text, size_t n)
{
    gs_hygiene *h;
    unsigned m = 0;
    ck_assert_int_eq(gs_hygiene_open(NULL, NULL, GS_HYGIENE_BOM_STRIPPED, &h),
                     GS_OK);
    ck_assert_int_eq(gs_hygiene_feed(h, text, n, 0), GS_OK);
    ck_assert_int_eq(gs_hygiene_finish(h), GS_OK);
    const gs_hygiene_facts *f = gs_hygiene_get_facts(h);
    for (int c = 0; c < GS_HYG__COUNT; c++)
        if (f->count[c])
            m |= GS_HYG_BIT(c);
    gs_hygiene_close(h);
    return m;
}

/* gs_hygiene_value skips the scanner for ASCII with Latin-1 letters
 * (U+00C0-00FF but U+00F7): every string of up to three pieces from
 * those letters, their neighbours (U+00BF, U+00F7, U+0100, Latin-1
 * symbols that are mojibake continuations, a lone or cut C3) and ASCII
 * gets from it what the whole streaming scanner finds. */
START_TEST(latin1_letter_shortcut_agrees_with_the_scanner)
{
    static const char *const piece[] = {
        "a", "Z", " ", ".", "\xC3\x80", "\xC3\xA9", "\xC3\x83", "\xC3\xBF",
        "\xC3\x97", "\xC3\xB7", "\xC2\xBF", "\xC2\xA9", "\xC4\x80",
        "\xC5\x93", "\xC3", "\xC3\xC3", "\xE2\x80\x99", "\xCC\x81",
        "\xD0\xB1",
    };
    const size_t np = sizeof piece / sizeof piece[0];
    char buf[16];
    size_t checked = 0;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b <= np; b++)
            for (size_t c = 0; c <= np; c++) {
                size_t n = 0;
                const size_t at[3] = {a, b, c};
                for (int k = 0; k < 3; k++)
                    if (at[k] < np) {
                        memcpy(buf + n, piece[at[k]], strlen(piece[at[k]]));
                        n += strlen(piece[at[k]]);
                    }
                ck_assert_msg(gs_hygiene_value(buf, n) == stream_mask(buf, n),
                              "pieces %zu %zu %zu", a, b, c);
                checked++;
            }
    ck_assert_uint_eq(checked, np * (np + 1) * (np + 1));
    /* and the shortcut is taken where it should be: clean Latin-1 words,
     * and the mojibake of one of them is not */
    ck_assert_uint_eq(gs_hygiene_value("Stra\xC3\x9F" "e", 7), 0);
    ck_assert_uint_ne(gs_hygiene_value("Caf\xC3\x83\xC2\xA9", 7), 0);
}
END_TEST

static long alloc_left;
static void *failing_alloc(void *ud, void *ptr, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (alloc_left-- <= 0)
        return NULL;
    return realloc(ptr, nsize);
}

/* The shortcut skips ASCII a word at a time: Latin-1 letters and what
 * must stop it, at every place before, in and after whole words. */
START_TEST(latin1_letter_shortcut_agrees_at_every_offset)
{
    static const char *const piece[] = {"\xC3\xA9", "\xC3\xB7", "\xC3",
                                        "\xC2\xA9", "\xC3\xC3", "\xC3\x9F"};
    static const size_t pad[] = {0, 1, 6, 7, 8, 9, 16, 17};
    const size_t np = sizeof piece / sizeof piece[0], nd = sizeof pad / sizeof pad[0];
    char buf[64];
    for (size_t x = 0; x < np * np; x++)
        for (size_t a = 0; a < nd * nd * nd; a++) {
            size_t n = 0, len[3] = {pad[a % nd], pad[a / nd % nd], pad[a / nd / nd]};
            for (int k = 0; k < 3; k++) {
                for (size_t i = 0; i < len[k]; i++)
                    buf[n++] = (char)('a' + i % 26);
                const char *s = k == 0 ? piece[x % np] : k == 1 ? piece[x / np] : "";
                memcpy(buf + n, s, strlen(s));
                n += strlen(s);
            }
            ck_assert_msg(gs_hygiene_value(buf, n) == stream_mask(buf, n),
                          "pieces %zu, pads %zu", x, a);
        }
}
END_TEST

START_TEST(out_of_memory_at_open_is_enomem)
{
    gs_hygiene *h = (gs_hygiene *)&h;
    alloc_left = 0;
    gs_set_allocator(failing_alloc, NULL);
    ck_assert_int_eq(gs_hygiene_open(NULL, NULL, 0, &h), GS_ENOMEM);
    ck_assert_ptr_null(h);
    alloc_left = 1;
    ck_assert_int_eq(gs_hygiene_open(NULL, NULL, 0, &h), GS_OK);
    /* the hot path allocates nothing */
    ck_assert_int_eq(gs_hygiene_feed(h, DOC, sizeof DOC - 1, 0), GS_OK);
    ck_assert_int_eq(gs_hygiene_finish(h), GS_OK);
    ck_assert_uint_ne(gs_hygiene_value(DOC, sizeof DOC - 1), 0);
    gs_hygiene_close(h);
    gs_set_allocator(NULL, NULL);
}
END_TEST

static Suite *hygiene_suite(void)
{
    Suite *s = suite_create("hygiene");
    TCase *t = tcase_create("mojibake");
    tcase_add_test(t, clean_multilingual_prose_triggers_nothing);
    tcase_add_test(t, utf8_read_as_windows_1252_or_latin1_is_found_in_every_language);
    tcase_add_test(t, utf8_cyrillic_read_as_windows_1251_or_koi8r_is_found);
    tcase_add_test(t, every_letter_pair_garbled_through_each_page_is_found);
    tcase_add_test(t, mojibake_cases_are_found_with_what_they_read_as);
    suite_add_tcase(s, t);

    t = tcase_create("characters");
    tcase_add_test(t, each_invisible_bidi_bom_and_replacement_character_is_its_class);
    tcase_add_test(t, joiners_inside_emoji_and_joining_scripts_are_not_defects);
    tcase_add_test(t, a_bom_at_offset_zero_is_the_files_unless_already_stripped);
    tcase_add_test(t, replacement_chars_the_decoder_inserted_are_not_counted);
    suite_add_tcase(s, t);

    t = tcase_create("nfc");
    tcase_add_test(t, nfc_and_nfd_text_are_told_apart);
    tcase_add_test(t, a_long_combining_sequence_is_checked_across_buffer_refills);
    suite_add_tcase(s, t);

    t = tcase_create("stream");
    tcase_add_test(t, defects_carry_offset_line_and_byte_column);
    tcase_add_test(t, every_split_point_and_byte_feeding_give_the_same_results);
    tcase_add_test(t, ascii_run_scan_agrees_with_a_byte_by_byte_reference);
    tcase_add_test(t, invalid_utf8_is_counted_not_reported_and_never_stops);
    tcase_add_test(t, examples_stop_at_the_limit_but_counting_goes_on);
    tcase_add_test(t, a_nonzero_sink_return_stops_with_ecanceled);
    tcase_add_test(t, ascii_values_are_clean_and_misuse_is_einval);
    tcase_add_test(t, a_non_ascii_character_anywhere_is_seen);
    tcase_add_test(t, latin1_letter_shortcut_agrees_with_the_scanner);
    tcase_add_test(t, latin1_letter_shortcut_agrees_at_every_offset);
    tcase_add_test(t, out_of_memory_at_open_is_enomem);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hygiene_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

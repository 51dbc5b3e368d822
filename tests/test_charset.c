/* test_charset.c - charset detection, one table row per rule.
 *
 * Texts are written here in UTF-8 and turned into each charset with ICU;
 * none of them is in the accuracy corpus (tests/encoding/make_corpus.py),
 * so these rows also check that the rules were not fitted to it. */
#include "gapscan/charset.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>

/* text (UTF-8) in charset, into out; returns the length. */
static size_t to_charset(const char *charset, const char *text,
                         unsigned char *out, size_t cap)
{
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = ucnv_convert(charset, "UTF-8", (char *)out, (int32_t)cap,
                             text, (int32_t)strlen(text), &err);
    ck_assert_msg(U_SUCCESS(err), "%s: %s", charset, u_errorName(err));
    return (size_t)n;
}

static const char PL[] =
    "Od poniedziałku w bibliotece miejskiej można wypożyczać także gry "
    "planszowe. Każdy czytelnik weźmie najwyżej dwie naraz, na dwa tygodnie. "
    "Dzieci poniżej dwunastu lat przychodzą z rodzicem; zapisy przyjmuje "
    "pani Żaneta w czytelni na piętrze.";
static const char CS[] =
    "Od pondělí si mohou čtenáři v městské knihovně půjčovat také deskové "
    "hry. Každý si vezme nejvýše dvě najednou, na dva týdny. Děti do dvanácti "
    "let přicházejí s rodičem; přihlášky přijímá paní Šárka v čítárně.";
static const char FR[] =
    "À partir de lundi, la médiathèque prête aussi des jeux de société. "
    "Chaque lecteur en emprunte deux au plus, pour quinze jours. Les enfants "
    "de moins de douze ans viennent accompagnés ; l'inscription se fait "
    "auprès de Hélène, à l'accueil du premier étage.";
static const char FR_QUOTES[] =
    "« Les jeux sont très demandés », dit Hélène. “Il faut réserver” — "
    "surtout le mercredi… La médiathèque prévoit d'en acheter d'autres à "
    "l'automne, grâce au budget participatif voté en février.";
static const char UK[] =
    "З понеділка міська бібліотека видає також настільні ігри. Кожен читач "
    "бере щонайбільше дві, на два тижні. Діти до дванадцяти років приходять "
    "із батьками; запис веде пані Ірина в читальній залі на другому поверсі, "
    "її ґанок видно з вулиці.";
static const char RU[] =
    "С понедельника городская библиотека выдаёт и настольные игры. Каждый "
    "читатель берёт не больше двух, на две недели. Дети до двенадцати лет "
    "приходят с родителями; запись ведёт Ирина в читальном зале.";
static const char ZH[] =
    "从星期一开始，市图书馆也出借桌游。每位读者最多借两盒，借期两周。"
    "十二岁以下的儿童需要家长陪同；报名请到二楼阅览室找李老师。";
static const char JA[] =
    "月曜日から市立図書館でボードゲームの貸し出しが始まります。一人二つまで、"
    "期間は二週間です。十二歳未満のお子さんは保護者と一緒に来てください。";
static const char KO[] =
    "월요일부터 시립 도서관에서 보드게임도 빌려 줍니다. 한 사람이 두 개까지, "
    "두 주 동안 빌릴 수 있습니다. 열두 살 미만 어린이는 보호자와 함께 오세요.";

typedef struct row {
    const char *what, *charset, *text;
    const char *want;           /* expected name */
    const char *prefix;         /* bytes put before the text, or NULL */
} row;

/* One row per rule of charset.c's header. */
static const row ROWS[] = {
    {"valid UTF-8 is UTF-8", "UTF-8", FR, "UTF-8", NULL},
    {"UTF-16LE without BOM, Latin text", "UTF-16LE", FR, "UTF-16LE", NULL},
    {"UTF-16BE without BOM, Cyrillic", "UTF-16BE", RU, "UTF-16BE", NULL},
    {"UTF-16LE without BOM, Chinese (no NULs)", "UTF-16LE", ZH, "UTF-16LE", NULL},
    {"UTF-16BE without BOM, Japanese (no NULs)", "UTF-16BE", JA, "UTF-16BE", NULL},
    {"UTF-32BE without BOM", "UTF-32BE", RU, "UTF-32BE", NULL},
    {"UTF-32LE without BOM", "UTF-32LE", ZH, "UTF-32LE", NULL},
    {"Polish in windows-1250", "windows-1250", PL, "windows-1250", NULL},
    {"Polish in ISO-8859-2, not ICU's ISO-8859-1", "ISO-8859-2", PL, "ISO-8859-2", NULL},
    {"Czech in windows-1250", "windows-1250", CS, "windows-1250", NULL},
    {"Czech in ISO-8859-2", "ISO-8859-2", CS, "ISO-8859-2", NULL},
    {"Latin-1 without C1 bytes is ISO-8859-1", "ISO-8859-1", FR, "ISO-8859-1", NULL},
    {"C1 bytes make it windows-1252", "windows-1252", FR_QUOTES, "windows-1252", NULL},
    {"Ukrainian KOI8-U is not KOI8-R", "KOI8-U", UK, "KOI8-U", NULL},
    {"Ukrainian in windows-1251", "windows-1251", UK, "windows-1251", NULL},
    {"Russian in IBM866", "IBM866", RU, "IBM866", NULL},
    {"Russian in KOI8-R", "KOI8-R", RU, "KOI8-R", NULL},
    {"Chinese in GB18030", "GB18030", ZH, "GB18030", NULL},
    {"Japanese in Shift_JIS", "Shift_JIS", JA, "Shift_JIS", NULL},
    {"Japanese in EUC-JP", "EUC-JP", JA, "EUC-JP", NULL},
    {"Japanese in 7-bit ISO-2022-JP", "ISO-2022-JP", JA, "ISO-2022-JP", NULL},
    {"Korean in EUC-KR", "EUC-KR", KO, "EUC-KR", NULL},
    {"a wrong declaration loses to the text", "windows-1250", PL, "windows-1250",
     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"},
    {"UTF-8 declared on Latin-1 bytes loses", "ISO-8859-1", FR, "ISO-8859-1",
     "<meta charset=\"utf-8\">\n"},
    {"a declaration that decodes the same text names it", "ISO-8859-1", FR,
     "windows-1252", "<meta charset=\"windows-1252\">\n"},
};

START_TEST(each_rule_names_the_charset)
{
    const row *r = &ROWS[_i];
    unsigned char buf[4096];
    size_t n = 0;
    gs_charset_result res;

    if (r->prefix)
        n = to_charset(r->charset, r->prefix, buf, sizeof buf);
    n += to_charset(r->charset, r->text, buf + n, sizeof buf - n);
    ck_assert_int_eq(gs_charset_detect(buf, n, &res), GS_OK);
    ck_assert_msg(strcmp(res.name, r->want) == 0, "%s: got %s, want %s",
                  r->what, res.name, r->want);
    ck_assert_msg(res.confidence > 0 && res.confidence <= 1, "%s: %.2f",
                  r->what, res.confidence);
    ck_assert_str_eq(res.bom, "");
    ck_assert(!res.looks_binary);
}
END_TEST

START_TEST(boms_win_and_are_measured)
{
    static const struct { const char *name; const char *bom; size_t n; } boms[] = {
        {"UTF-8", "\xEF\xBB\xBF", 3}, {"UTF-16LE", "\xFF\xFE", 2},
        {"UTF-16BE", "\xFE\xFF", 2}, {"UTF-32LE", "\xFF\xFE\0\0", 4},
        {"UTF-32BE", "\0\0\xFE\xFF", 4},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++) {
        unsigned char buf[64];
        gs_charset_result r;
        memcpy(buf, boms[i].bom, boms[i].n);
        size_t n = boms[i].n + to_charset(boms[i].name, "h\xC3\xAF", buf + boms[i].n,
                                          sizeof buf - boms[i].n);
        ck_assert_int_eq(gs_charset_detect(buf, n, &r), GS_OK);
        ck_assert_str_eq(r.name, boms[i].name);
        ck_assert_str_eq(r.bom, boms[i].name);
        ck_assert_uint_eq(r.bom_len, boms[i].n);
        ck_assert(r.confidence == 1.0);
    }
}
END_TEST

START_TEST(too_little_text_is_undetermined)
{
    static const char *const heads[] = {
        "Caf\xE9 ok",                       /* one Latin-1 byte */
        "Caf\xE9 na\xEFve cr\xE8me",        /* French or Czech? */
        "\xD0\xD2\xC9",                     /* 3 bytes of KOI8-R or 1251 */
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        gs_charset_result r;
        ck_assert_int_eq(gs_charset_detect((const unsigned char *)heads[i],
                                           strlen(heads[i]), &r), GS_OK);
        ck_assert_msg(strcmp(r.name, "undetermined") == 0, "%s: %s",
                      heads[i], r.name);
        ck_assert(r.confidence == 0.0);
    }
}
END_TEST

START_TEST(ascii_utf8_and_binary)
{
    gs_charset_result r;
    ck_assert_int_eq(gs_charset_detect((const unsigned char *)"a,b\n1,2\n", 8, &r), GS_OK);
    ck_assert_str_eq(r.name, "UTF-8");
    ck_assert(r.ascii_only && r.confidence == 1.0);

    ck_assert_int_eq(gs_charset_detect(NULL, 0, &r), GS_OK);
    ck_assert_str_eq(r.name, "UTF-8");

    /* mostly valid UTF-8: one stray Latin-1 byte among many good sequences */
    static const char mostly[] = "Gr\xC3\xBC\xC3\x9F" "e, na\xC3\xAFve "
                                 "caf\xC3\xA9, r\xC3\xA9sum\xC3\xA9, Caf\xE9\n";
    ck_assert_int_eq(gs_charset_detect((const unsigned char *)mostly,
                                       sizeof mostly - 1, &r), GS_OK);
    ck_assert_str_eq(r.name, "UTF-8");
    ck_assert(r.confidence > 0.5 && r.confidence < 1.0);

    /* a head cut inside a character is still valid UTF-8 */
    ck_assert_int_eq(gs_charset_detect((const unsigned char *)"caf\xC3\xA9 \xE2\x82",
                                       8, &r), GS_OK);
    ck_assert_str_eq(r.name, "UTF-8");
    ck_assert(r.confidence == 1.0);

    unsigned char bin[128] = {0x7F, 'E', 'L', 'F', 2, 1, 1};
    for (size_t i = 16; i < sizeof bin; i += 3)
        bin[i] = (unsigned char)(i * 7);
    ck_assert_int_eq(gs_charset_detect(bin, sizeof bin, &r), GS_OK);
    ck_assert(r.looks_binary);
    ck_assert_str_eq(r.name, "undetermined");

    ck_assert_int_eq(gs_charset_detect(NULL, 1, &r), GS_EINVAL);
    ck_assert_int_eq(gs_charset_detect(bin, 1, NULL), GS_EINVAL);
}
END_TEST

static const struct decl { const char *head, *want; } DECLS[] = {
    {"<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>\n<a/>", "ISO-8859-2"},
    {"\n  <?xml version='1.0' encoding = 'windows-1250' ?><a/>", "windows-1250"},
    {"<?xml version=\"1.0\"?>\n<a encoding=\"x\"/>", ""},
    {"<!DOCTYPE html><html><head><meta charset=\"utf-8\">", "utf-8"},
    {"<html><head><meta charset=koi8-r></head>", "koi8-r"},
    {"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=Shift_JIS\">",
     "Shift_JIS"},
    {"<meta name=\"viewport\" content=\"width=device-width\">\n"
     "<meta http-equiv=content-type content='text/html;charset=big5'>", "big5"},
    {"<p>charset=latin1</p>", ""},
    {"<meta charset=>", ""},
    {"plain text, no markup", ""},
};

START_TEST(declared_charset_is_found_in_xml_and_html_heads)
{
    const struct decl *d = &DECLS[_i];
    char out[40];
    size_t n = gs_charset_declared((const unsigned char *)d->head,
                                   strlen(d->head), out, sizeof out);
    ck_assert_str_eq(out, d->want);
    ck_assert_uint_eq(n, strlen(d->want));
}
END_TEST

START_TEST(declared_charset_is_reported_even_when_wrong)
{
    unsigned char buf[4096];
    gs_charset_result r;
    size_t n = to_charset("windows-1251", "<meta charset=\"utf-8\">\n", buf, sizeof buf);
    n += to_charset("windows-1251", RU, buf + n, sizeof buf - n);
    ck_assert_int_eq(gs_charset_detect(buf, n, &r), GS_OK);
    ck_assert_str_eq(r.declared, "utf-8");
    ck_assert_str_eq(r.name, "windows-1251");

    char small[5];
    gs_charset_declared((const unsigned char *)"<meta charset=\"windows-1250\">",
                        29, small, sizeof small);
    ck_assert_str_eq(small, "wind");     /* cut to cap - 1 */
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

START_TEST(out_of_memory_is_enomem_and_leaks_nothing)
{
    unsigned char buf[4096];
    size_t n = to_charset("windows-1250", PL, buf, sizeof buf);
    int ok = 0;
    for (long fail_at = 0; !ok && fail_at < 10; fail_at++) {
        gs_charset_result r;
        alloc_left = fail_at;
        alloc_live = 0;
        gs_set_allocator(failing_alloc, NULL);
        gs_status st = gs_charset_detect(buf, n, &r);
        gs_set_allocator(NULL, NULL);
        ck_assert(st == GS_OK || st == GS_ENOMEM);
        ck_assert_int_eq(alloc_live, 0);
        ok = st == GS_OK;
        if (ok)
            ck_assert_str_eq(r.name, "windows-1250");
    }
    ck_assert(ok);
}
END_TEST

static Suite *charset_suite(void)
{
    Suite *s = suite_create("charset");
    TCase *t = tcase_create("detect");
    tcase_add_loop_test(t, each_rule_names_the_charset, 0,
                        (int)(sizeof ROWS / sizeof ROWS[0]));
    tcase_add_test(t, boms_win_and_are_measured);
    tcase_add_test(t, too_little_text_is_undetermined);
    tcase_add_test(t, ascii_utf8_and_binary);
    tcase_add_test(t, out_of_memory_is_enomem_and_leaks_nothing);
    suite_add_tcase(s, t);

    t = tcase_create("declared");
    tcase_add_loop_test(t, declared_charset_is_found_in_xml_and_html_heads, 0,
                        (int)(sizeof DECLS / sizeof DECLS[0]));
    tcase_add_test(t, declared_charset_is_reported_even_when_wrong);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(charset_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

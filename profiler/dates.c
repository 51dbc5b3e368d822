/* dates.c - dates in prose and fields, and a document's newest content date
 * (see dates.h for the forms, roles and precedence).
 *
 * The matcher. Every position p that starts a token (the byte before is not
 * a letter or digit) is tried, left to right; a match of m bytes moves the
 * scan to p + m, so matches never overlap. Trying p reads at most
 * GS_DATES_MAX_MATCH bytes ahead and GS_DATES_LOOKBACK bytes behind, which
 * is what makes the stream chunk-invariant: the scanner keeps a window and
 * only tries p once p + GS_DATES_MAX_MATCH bytes are in it (or the stream
 * ended), and keeps GS_DATES_LOOKBACK bytes behind p when it slides.
 *
 * Month names. A table of case-folded names (no trailing '.'), sorted to
 * merge duplicates and hashed for lookup, built once from ICU
 * (pthread_once) in static storage: nothing to free, nothing shared that
 * changes after start-up. A word is looked up only when a digit
 * follows it (or precedes it, for day-month-year), so most words of a text
 * cost a byte loop, not a case fold.
 *
 * Field values (gs_dates_scan_value). Most date fields hold one numeric
 * date, which gs_value_classify has parsed already: its hit is built from
 * the classification (whole_date_hit says why it is the hit the scan would
 * report), and a value of digits only is not scanned; the rest is. The
 * fast path assumes value.c's date grammar as it is: a change to a date
 * format there must keep whole_date_hit's reasoning true (a new format is
 * scanned until added); test_dates pins both paths on every form.
 *
 * Markup mode blanks tags, comments, <script> and <style> bodies as the
 * bytes enter the window (newlines kept), so offsets, lines and columns are
 * those of the input.
 *
 * Not done: two-digit years (03/04/19 is not a date here), week dates,
 * ordinal dates, relative dates ("yesterday"), text with decomposed accents.
 */
#include "gapscan/dates.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/udat.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* ---- names and the calendar ---------------------------------------------- */

const char *gs_date_precision_name(gs_date_precision p)
{
    static const char *const n[] = {"day", "month", "year"};
    return (unsigned)p < 3 ? n[p] : "unknown";
}

const char *gs_date_source_name(gs_date_source s)
{
    static const char *const n[] = {"meta", "field", "prose", "changelog",
                                    "copyright", "last-updated", "mtime"};
    return (unsigned)s < GS_DSRC__COUNT ? n[s] : "unknown";
}

static const char *const marker_names[GS_MARK__COUNT] = {
    "deprecated", "no longer supported", "obsolete", "superseded by", "draft",
};

const char *gs_stale_marker_name(gs_stale_marker m)
{
    return (unsigned)m < GS_MARK__COUNT ? marker_names[m] : "unknown";
}

const char *gs_date_role_name(gs_date_role r)
{
    static const char *const n[] = {"none", "modified", "published",
                                    "created", "other", "not-content"};
    return (unsigned)r <= GS_ROLE_NOT_CONTENT ? n[r] : "unknown";
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int32_t gs_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void gs_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int valid_ymd(int y, int m, int d)
{
    static const unsigned char dim[] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= dim[m - 1] + (m == 2 && leap);
}

/* ---- the month table (ICU) -------------------------------------------------- */

#define NAME_MAX_BYTES 40
#define MAX_MONTH_NAMES (21 * 4 * 12)

typedef struct month_name {
    char s[NAME_MAX_BYTES];
    unsigned char len, month;   /* month 0: two locales disagree, unusable */
} month_name;

static month_name months[MAX_MONTH_NAMES];
static size_t n_months;
/* Open addressing over months: index + 1, 0 for an empty slot. */
#define MONTH_SLOTS 2048   /* a power of two, twice MAX_MONTH_NAMES */
static unsigned short month_slot[MONTH_SLOTS];
static gs_status months_status = GS_OK;
static pthread_once_t months_once = PTHREAD_ONCE_INIT;

/* UTF-8 -> case-folded UTF-8 (ICU default folding). 0 if it does not fit. */
static size_t fold_utf8(const char *s, size_t len, char *out, size_t cap)
{
    UChar u[NAME_MAX_BYTES], f[NAME_MAX_BYTES];
    UErrorCode st = U_ZERO_ERROR;
    int32_t ul, fl, ol;
    u_strFromUTF8(u, NAME_MAX_BYTES, &ul, s, (int32_t)len, &st);
    if (U_FAILURE(st) || ul >= NAME_MAX_BYTES)
        return 0;
    fl = u_strFoldCase(f, NAME_MAX_BYTES, u, ul, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st) || fl >= NAME_MAX_BYTES)
        return 0;
    u_strToUTF8(out, (int32_t)cap, &ol, f, fl, &st);
    if (U_FAILURE(st) || ol <= 0 || (size_t)ol >= cap)
        return 0;
    return (size_t)ol;
}

static int cmp_name(const void *a, const void *b)
{
    const month_name *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (int)x->len - (int)y->len;
}

/* FNV-1a of a name, reduced to a slot of month_slot. */
static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h & (MONTH_SLOTS - 1);
}

static void add_symbol(const UChar *sym, int32_t len, int month)
{
    char u8[NAME_MAX_BYTES];
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    while (len > 0 && sym[len - 1] == '.')
        len--;
    u_strToUTF8(u8, NAME_MAX_BYTES, &n, sym, len, &st);
    if (U_FAILURE(st) || n <= 0 || n >= NAME_MAX_BYTES ||
        n_months == MAX_MONTH_NAMES)
        return;
    month_name *e = &months[n_months];
    size_t fl = fold_utf8(u8, (size_t)n, e->s, sizeof e->s);
    if (fl == 0)
        return;
    e->len = (unsigned char)fl;
    e->month = (unsigned char)month;
    n_months++;
}

/* One locale's names from a date formatter (the slow, general way). */
static gs_status months_from_formatter(const char *locale)
{
    static const UDateFormatSymbolType types[] = {
        UDAT_MONTHS, UDAT_SHORT_MONTHS, UDAT_STANDALONE_MONTHS,
        UDAT_STANDALONE_SHORT_MONTHS,
    };
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *f = udat_open(UDAT_DEFAULT, UDAT_DEFAULT, locale, NULL, 0,
                               NULL, 0, &st);
    if (U_FAILURE(st))
        return st == U_MEMORY_ALLOCATION_ERROR ? GS_ENOMEM : GS_EINVAL;
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        int32_t n = udat_countSymbols(f, types[t]);
        for (int32_t i = 0; i < n && i < 12; i++) {
            UChar sym[NAME_MAX_BYTES];
            st = U_ZERO_ERROR;
            int32_t len = udat_getSymbols(f, types[t], i, sym,
                                          NAME_MAX_BYTES, &st);
            if (U_SUCCESS(st) && len > 0 && len < NAME_MAX_BYTES)
                add_symbol(sym, len, (int)i + 1);
        }
    }
    udat_close(f);
    return GS_OK;
}

/* The gregorian month names of one context and width straight from ICU's
 * locale data: the strings a formatter would give, read without building
 * one (a formatter also builds a calendar and number formats: ~0.15 ms a
 * locale, most of a small run's start-up). Adds them if add; returns how
 * many the list has (0: missing). */
static int32_t months_from_data(UResourceBundle *names, const char *context,
                                const char *width, int add)
{
    UErrorCode st = U_ZERO_ERROR;
    UResourceBundle *ctx = ures_getByKey(names, context, NULL, &st);
    UResourceBundle *list = ures_getByKey(ctx, width, NULL, &st);
    int32_t n = U_SUCCESS(st) ? ures_getSize(list) : 0;
    for (int32_t i = 0; add && i < n && i < 12; i++) {
        int32_t len = 0;
        st = U_ZERO_ERROR;
        const UChar *sym = ures_getStringByIndex(list, i, &len, &st);
        if (U_SUCCESS(st) && len > 0 && len < NAME_MAX_BYTES)
            add_symbol(sym, len, (int)i + 1);
    }
    ures_close(list);
    ures_close(ctx);
    return n;
}

/* Format names, and stand-alone ones where the locale has them (ICU's root
 * data makes a missing stand-alone list an alias of the format list, which
 * is what udat_getSymbols returns then). A locale whose data is not there
 * as such (ICU fell back to the default locale, or a format list is
 * missing) goes through a formatter, so the table is the same either way. */
static gs_status months_of(const char *locale)
{
    static const char *const widths[] = {"wide", "abbreviated"};
    UErrorCode st = U_ZERO_ERROR;
    UResourceBundle *root = ures_open(NULL, locale, &st);
    int direct = U_SUCCESS(st) && st != U_USING_DEFAULT_WARNING;
    UResourceBundle *cal = ures_getByKey(root, "calendar", NULL, &st);
    UResourceBundle *greg = ures_getByKey(cal, "gregorian", NULL, &st);
    UResourceBundle *names = ures_getByKey(greg, "monthNames", NULL, &st);
    direct = direct && U_SUCCESS(st) &&
             months_from_data(names, "format", "wide", 0) > 0 &&
             months_from_data(names, "format", "abbreviated", 0) > 0;
    for (size_t w = 0; direct && w < 2; w++)
        months_from_data(names, "format", widths[w], 1);
    for (size_t w = 0; direct && w < 2; w++)
        if (months_from_data(names, "stand-alone", widths[w], 1) == 0)
            months_from_data(names, "format", widths[w], 1);
    ures_close(names);
    ures_close(greg);
    ures_close(cal);
    ures_close(root);
    return direct ? GS_OK : months_from_formatter(locale);
}

static void build_months(void)
{
    static const char *const locales[] = {
        "en", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk",
        "tr", "sv", "da", "fi", "hu", "ro", "el", "ja", "zh", "ko",
    };
    for (size_t l = 0; l < sizeof locales / sizeof *locales; l++) {
        months_status = months_of(locales[l]);
        if (months_status != GS_OK)
            return;
    }
    qsort(months, n_months, sizeof *months, cmp_name);
    /* Merge duplicates; a name two locales give different months is kept
     * with month 0 so that it is never read as either. */
    size_t w = 0;
    for (size_t r = 0; r < n_months; r++) {
        if (w > 0 && cmp_name(&months[w - 1], &months[r]) == 0) {
            if (months[w - 1].month != months[r].month)
                months[w - 1].month = 0;
            continue;
        }
        months[w++] = months[r];
    }
    n_months = w;
    if (n_months == 0)
        months_status = GS_EINVAL;
    for (size_t r = 0; r < n_months; r++) {
        uint32_t k = name_hash(months[r].s, months[r].len);
        while (month_slot[k])
            k = (k + 1) & (MONTH_SLOTS - 1);
        month_slot[k] = (unsigned short)(r + 1);
    }
}

gs_status gs_dates_init(void)
{
    pthread_once(&months_once, build_months);
    return months_status;
}

/* Month 1..12 of a case-folded name, 0 if none. */
static int month_lookup(const char *s, size_t len)
{
    for (uint32_t k = name_hash(s, len); month_slot[k];
         k = (k + 1) & (MONTH_SLOTS - 1)) {
        const month_name *e = &months[month_slot[k] - 1];
        if (e->len == len && memcmp(e->s, s, len) == 0)
            return e->month;
    }
    return 0;
}

/* ---- bytes ------------------------------------------------------------------ */

/* What the matcher may read: b[lo, len). at_start: b[lo] starts the text
 * (nothing lies behind it); end of text is len when at_end. */
typedef struct window {
    const unsigned char *b;
    size_t lo, len;
    int at_start;
} window;

static int is_digit(unsigned c) { return c - '0' < 10u; }
static int ascii_alpha(unsigned c) { return (c | 0x20) - 'a' < 26u; }
static int ascii_alnum(unsigned c) { return is_digit(c) || ascii_alpha(c); }
static unsigned lower(unsigned c) { return c - 'A' < 26u ? c | 0x20 : c; }

/* The code point at b[*i] (end e), *i moved past it; -1 if none. */
static UChar32 next_cp(const unsigned char *b, size_t *i, size_t e)
{
    if (*i >= e)
        return -1;
    UChar32 c;
    int32_t j = 0, n = (int32_t)(e - *i < 8 ? e - *i : 8);
    U8_NEXT(b + *i, j, n, c);
    *i += (size_t)j;
    return c;
}

/* Is the code point ending just before p a letter or digit? */
static int alnum_before(const window *w, size_t p)
{
    if (p <= w->lo)
        return 0;
    unsigned c = w->b[p - 1];
    if (c < 0x80)
        return ascii_alnum(c);
    size_t s = p - 1;
    while (s > w->lo && p - s < 4 && (w->b[s] & 0xC0) == 0x80)
        s--;
    size_t i = s;
    UChar32 cp = next_cp(w->b, &i, p);
    return cp >= 0 && u_isalnum(cp);
}

/* Skip spaces, tabs, line breaks, NBSP and narrow NBSP. */
static size_t skip_ws(const unsigned char *b, size_t i, size_t e)
{
    for (;;) {
        if (i < e && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
                      b[i] == '\r'))
            i++;
        else if (i + 1 < e && b[i] == 0xC2 && b[i + 1] == 0xA0)
            i += 2;
        else if (i + 2 < e && b[i] == 0xE2 && b[i + 1] == 0x80 &&
                 b[i + 2] == 0xAF)
            i += 3;
        else
            return i;
    }
}

/* min..max digits at b[*i], not followed by a digit; -1 if not there. */
static int read_num(const unsigned char *b, size_t *i, size_t e, int min,
                    int max)
{
    size_t j = *i;
    int v = 0, k = 0;
    while (j < e && k < max && is_digit(b[j])) {
        v = v * 10 + (b[j++] - '0');
        k++;
    }
    if (k < min || (j < e && is_digit(b[j])))
        return -1;
    *i = j;
    return v;
}

/* Case-insensitive ASCII word at b[*i] followed by a non-letter. */
static int word_at(const unsigned char *b, size_t *i, size_t e,
                   const char *word)
{
    size_t j = *i;
    for (; *word; word++, j++)
        if (j >= e || lower(b[j]) != (unsigned char)*word)
            return 0;
    if (j < e && ascii_alpha(b[j]))
        return 0;
    *i = j;
    return 1;
}

/* A letter word at b[*i] that is a month name (optional trailing '.'):
 * its month, *i past it; 0 otherwise. */
static int month_word(const unsigned char *b, size_t *i, size_t e)
{
    size_t j = *i, k = *i;
    int ascii = 1;
    for (;;) {
        size_t q = k;
        UChar32 cp = next_cp(b, &q, e);
        /* ICU's letters below 0x80 are A-Z and a-z */
        if (cp < 0 ||
            !(cp < 0x80 ? ascii_alpha((unsigned)cp) : u_isalpha(cp)))
            break;
        ascii &= cp < 0x80;
        k = q;
        if (k - j >= NAME_MAX_BYTES)
            return 0;
    }
    if (k == j)
        return 0;
    char f[NAME_MAX_BYTES];
    size_t fl = k - j;
    if (ascii) {
        for (size_t t = 0; t < fl; t++)
            f[t] = (char)lower(b[j + t]);
    } else {
        fl = fold_utf8((const char *)b + j, fl, f, sizeof f);
    }
    int m = month_lookup(f, fl);
    if (m == 0)
        return 0;
    if (k < e && b[k] == '.')
        k++;
    *i = k;
    return m;
}

/* Optional connector word between parts of a date ("de" in es/pt). */
static size_t skip_de(const unsigned char *b, size_t i, size_t e)
{
    size_t j = i;
    if (word_at(b, &j, e, "de") || word_at(b, &j, e, "del"))
        return skip_ws(b, j, e);
    return i;
}

/* Day suffixes: 1st 2nd 3rd 4th, 1er, and a dot (3. März). */
static size_t skip_ordinal(const unsigned char *b, size_t i, size_t e)
{
    static const char *const suf[] = {"st", "nd", "rd", "th", "er"};
    for (size_t k = 0; k < sizeof suf / sizeof *suf; k++) {
        size_t j = i;
        if (word_at(b, &j, e, suf[k])) {
            i = j;
            break;
        }
    }
    if (i < e && b[i] == '.')
        i++;
    return i;
}

/* A 4-digit year after b[*i]; -1 if not. */
static int year_at(const unsigned char *b, size_t *i, size_t e)
{
    size_t j = *i;
    int y = read_num(b, &j, e, 4, 4);
    if (y < 1000 || (j < e && ascii_alpha(b[j])))
        return -1;
    *i = j;
    return y;
}

/* ---- the forms ------------------------------------------------------------ */

typedef struct found {
    int y, m, d;               /* d = 0: month precision; m = 0: year */
    int alt;                   /* ambiguous: month-first reading d/m swap */
    gs_date_order order;
    gs_date_source source;     /* PROSE or COPYRIGHT (context decides more) */
    size_t end;
} found;

static int set_found(found *f, int y, int m, int d, size_t end)
{
    if (!valid_ymd(y, m ? m : 1, d ? d : 1))
        return 0;
    f->y = y;
    f->m = m;
    f->d = d;
    f->end = end;
    return 1;
}

/* [T| ]HH:MM[:SS[.frac]][Z|+-HH[:MM]] after an ISO date, if there. */
static size_t skip_iso_time(const unsigned char *b, size_t i, size_t e)
{
    if (i >= e || (b[i] != 'T' && b[i] != ' '))
        return i;
    size_t j = i + 1;
    int h = read_num(b, &j, e, 2, 2);
    if (h < 0 || h > 23 || j >= e || b[j] != ':')
        return i;
    j++;
    if (read_num(b, &j, e, 2, 2) < 0)
        return i;
    if (j < e && b[j] == ':') {
        size_t k = j + 1;
        if (read_num(b, &k, e, 2, 2) >= 0) {
            j = k;
            if (j + 1 < e && (b[j] == '.' || b[j] == ',') && is_digit(b[j + 1]))
                for (j++; j < e && is_digit(b[j]); j++)
                    ;
        }
    }
    if (j < e && b[j] == 'Z') {
        j++;
    } else if (j < e && (b[j] == '+' || b[j] == '-')) {
        size_t k = j + 1;
        if (read_num(b, &k, e, 2, 2) >= 0 || read_num(b, &k, e, 4, 4) >= 0) {
            j = k;
            if (j < e && b[j] == ':') {
                k = j + 1;
                if (read_num(b, &k, e, 2, 2) >= 0)
                    j = k;
            }
        }
    }
    return j;
}

/* The text right after a numeric date must not continue the number
 * ("1.2.2019.4", "2019-03-05-17"). */
static int number_ends(const unsigned char *b, size_t i, size_t e)
{
    if (i >= e)
        return 1;
    if (ascii_alnum(b[i]))
        return 0;
    return !((b[i] == '.' || b[i] == '-' || b[i] == '/') && i + 1 < e &&
             is_digit(b[i + 1]));
}

/* 年/년 after a year: 2019年3月5日, 2019년 3월 5일, 2019年3月. */
static int match_cjk(const unsigned char *b, size_t i, size_t e, int y,
                     found *f)
{
    static const unsigned char nen[] = {0xE5, 0xB9, 0xB4};  /* 年 */
    static const unsigned char nyeon[] = {0xEB, 0x85, 0x84}; /* 년 */
    static const unsigned char getsu[] = {0xE6, 0x9C, 0x88}; /* 月 */
    static const unsigned char wol[] = {0xEC, 0x9B, 0x94};   /* 월 */
    static const unsigned char nichi[] = {0xE6, 0x97, 0xA5}; /* 日 */
    static const unsigned char il[] = {0xEC, 0x9D, 0xBC};    /* 일 */
    if (i + 3 > e || (memcmp(b + i, nen, 3) && memcmp(b + i, nyeon, 3)))
        return 0;
    i = skip_ws(b, i + 3, e);
    size_t k = i;
    while (k + 3 <= e && k - i < 16 && memcmp(b + k, getsu, 3) &&
           memcmp(b + k, wol, 3))
        k++;
    if (k + 3 > e || k - i >= 16)
        return 0;
    k += 3;
    int m = month_lookup((const char *)b + i, k - i);
    if (!m)
        return 0;
    size_t j = skip_ws(b, k, e);
    int d = read_num(b, &j, e, 1, 2);
    if (d > 0 && j + 3 <= e && (!memcmp(b + j, nichi, 3) ||
                                !memcmp(b + j, il, 3)))
        return set_found(f, y, m, d, j + 3);
    return set_found(f, y, m, 0, k);
}

/* At a 4-digit year: ISO and year-first forms. */
static int match_year_first(const unsigned char *b, size_t p, size_t e,
                            found *f)
{
    size_t i = p;
    int y = read_num(b, &i, e, 4, 4);
    if (y < 1000 || i >= e)
        return 0;
    unsigned char sep = b[i];
    if (sep == '-' || sep == '/' || sep == '.') {
        size_t j = i + 1;
        int m = read_num(b, &j, e, sep == '-' ? 2 : 1, 2);
        if (m < 1 || m > 12)
            goto hungarian;
        if (j < e && b[j] == sep) {
            size_t k = j + 1;
            int d = read_num(b, &k, e, sep == '-' ? 2 : 1, 2);
            if (d < 0)
                return 0;
            if (sep == '-')
                k = skip_iso_time(b, k, e);
            return number_ends(b, k, e) && set_found(f, y, m, d, k);
        }
        if (sep == '-' && number_ends(b, j, e) && (j >= e || b[j] != ':'))
            return set_found(f, y, m, 0, j);
        return 0;
    }
    if (match_cjk(b, i, e, y, f))
        return 1;
hungarian:
    /* 2019. március 3. */
    if (sep != '.')
        return 0;
    {
        size_t j = skip_ws(b, i + 1, e);
        int m = month_word(b, &j, e);
        if (!m)
            return 0;
        size_t k = skip_ws(b, j, e);
        int d = read_num(b, &k, e, 1, 2);
        if (d > 0)
            return set_found(f, y, m, d, k < e && b[k] == '.' ? k + 1 : k);
        return set_found(f, y, m, 0, j);
    }
}

/* At 1-2 digits: D.M.YYYY, A/B/YYYY, A-B-YYYY, D Month YYYY. */
static int match_day_first(const unsigned char *b, size_t p, size_t e,
                           found *f)
{
    size_t i = p;
    int a = read_num(b, &i, e, 1, 2);
    if (a < 1 || i >= e)
        return 0;
    unsigned char sep = b[i];
    if (sep == '.' || sep == '/' || sep == '-') {
        size_t j = i + 1;
        int c = read_num(b, &j, e, 1, 2);
        if (c >= 1 && j < e && b[j] == sep) {
            j++;
            int y = read_num(b, &j, e, 4, 4);
            if (y < 0 || !number_ends(b, j, e))
                return 0;
            if (sep == '.' || a > 12) {
                f->order = sep == '.' ? GS_ORDER_NONE : GS_ORDER_DAY_FIRST;
                return set_found(f, y, c, a, j);
            }
            if (c > 12) {
                f->order = GS_ORDER_MONTH_FIRST;
                return set_found(f, y, a, c, j);
            }
            if (a != c) {
                if (!set_found(f, y, c, a, j))
                    return 0;
                f->order = GS_ORDER_AMBIGUOUS;
                f->alt = 1;
                return 1;
            }
            return set_found(f, y, c, a, j);
        }
        if (sep != '.')
            return 0;
    }
    size_t j = skip_ws(b, skip_ordinal(b, i, e), e);
    if (j == i)
        return 0;   /* "3March" is not a date; "3.März" is tolerated */
    j = skip_de(b, j, e);
    int m = month_word(b, &j, e);
    if (!m)
        return 0;
    if (j < e && b[j] == ',')
        j++;
    j = skip_de(b, skip_ws(b, j, e), e);
    int y = year_at(b, &j, e);
    return y > 0 && set_found(f, y, m, a, j);
}

/* At a letter: Month D[,] YYYY, Month[,] [de] YYYY. */
static int match_month_first(const unsigned char *b, size_t p, size_t e,
                             found *f)
{
    size_t i = p;
    /* Cheap test before the case fold: a digit must follow the word. */
    size_t k = p;
    while (k < e && k - p < NAME_MAX_BYTES &&
           (b[k] >= 0x80 || ascii_alpha(b[k])))
        k++;
    if (k < e && (b[k] == '.' || b[k] == ','))
        k++;
    k = skip_de(b, skip_ws(b, k, e), e);
    if (k >= e || !is_digit(b[k]))
        return 0;
    int m = month_word(b, &i, e);
    if (!m)
        return 0;
    if (i < e && b[i] == ',')
        i++;
    size_t j = skip_de(b, skip_ws(b, i, e), e);
    size_t dj = j;
    int d = read_num(b, &dj, e, 1, 2);
    if (d > 0) {
        dj = skip_ordinal(b, dj, e);
        if (dj < e && b[dj] == ',')
            dj++;
        dj = skip_ws(b, dj, e);
        int y = year_at(b, &dj, e);
        if (y > 0)
            return set_found(f, y, m, d, dj);
        return 0;
    }
    int y = year_at(b, &j, e);
    return y > 0 && set_found(f, y, m, 0, j);
}

/* A copyright sign at b[*i]: (c), ©, &copy;, &#169;, "copyright". */
static int copyright_sign(const unsigned char *b, size_t *i, size_t e)
{
    size_t j = *i;
    if (j + 2 < e && b[j] == '(' && lower(b[j + 1]) == 'c' && b[j + 2] == ')')
        j += 3;
    else if (j + 1 < e && b[j] == 0xC2 && b[j + 1] == 0xA9)
        j += 2;
    else if (j + 6 <= e && !memcmp(b + j, "&copy;", 6))
        j += 6;
    else if (j + 6 <= e && !memcmp(b + j, "&#169;", 6))
        j += 6;
    else if (!word_at(b, &j, e, "copyright"))
        return 0;
    *i = j;
    return 1;
}

/* A year range separator at b[*i]: - – — &ndash; &#8211; "to". */
static int range_sep(const unsigned char *b, size_t *i, size_t e)
{
    static const char *const seps[] = {"-", "\xE2\x80\x93", "\xE2\x80\x94",
                                       "&ndash;", "&#8211;", "&mdash;"};
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t n = strlen(seps[k]);
        if (*i + n <= e && !memcmp(b + *i, seps[k], n)) {
            *i += n;
            return 1;
        }
    }
    return word_at(b, i, e, "to");
}

static int match_copyright(const unsigned char *b, size_t p, size_t e,
                           found *f)
{
    size_t i = p;
    if (!copyright_sign(b, &i, e))
        return 0;
    i = skip_ws(b, i, e);
    size_t j = i;
    if (copyright_sign(b, &j, e))
        i = skip_ws(b, j, e);
    int y = year_at(b, &i, e), best = y;
    if (y < 0)
        return 0;
    for (int n = 0; n < 8; n++) {
        size_t k = skip_ws(b, i, e);
        int r = range_sep(b, &k, e);
        if (!r && !(k < e && b[k] == ','))
            break;
        if (!r)
            k++;
        k = skip_ws(b, k, e);
        size_t t = k;
        int y2 = year_at(b, &t, e);
        if (y2 < 0 && r) {
            t = k;
            int yy = read_num(b, &t, e, 2, 2);   /* 2014-19 */
            y2 = yy < 0 ? -1 : y / 100 * 100 + yy;
            if (y2 < y)
                y2 = -1;
        }
        if (y2 < 0)
            break;
        if (y2 > best)
            best = y2;
        i = t;
    }
    f->source = GS_DSRC_COPYRIGHT;
    return set_found(f, best, 0, 0, i);
}

/* ---- context: what the text before a date says ----------------------------- */

/* Lower-cased copy of the lookback before p, trailing blanks and
 * punctuation removed. */
static size_t context_before(const window *w, size_t p, char *out)
{
    size_t s = p - w->lo > GS_DATES_LOOKBACK ? p - GS_DATES_LOOKBACK : w->lo;
    size_t n = 0;
    for (size_t k = s; k < p; k++)
        out[n++] = (char)lower(w->b[k]);
    for (;;) {
        while (n > 0 && strchr(" \t\r\n:,-*_|>", out[n - 1]))
            n--;
        /* an en/em dash */
        if (n >= 3 && (unsigned char)out[n - 3] == 0xE2 &&
            (unsigned char)out[n - 2] == 0x80 &&
            ((unsigned char)out[n - 1] == 0x93 ||
             (unsigned char)out[n - 1] == 0x94)) {
            n -= 3;
            continue;
        }
        return n;
    }
}

static int ends_with_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !memcmp(s + n - k, w, k) &&
           (n == k || !ascii_alnum((unsigned char)s[n - k - 1]));
}

static int last_updated_context(const window *w, size_t p)
{
    /* Phrases that say "this content was last changed on". */
    static const char *const always[] = {
        "updated", "last modified", "last revised", "last update",
        "last changed", "last edited", "aktualisiert", "mis \xC3\xA0 jour",
        "actualizado", "aggiornato", "atualizado", "bijgewerkt",
        "zaktualizowano", "uppdaterad", "opdateret",
    };
    /* These need a connector: "modified on", not "modified 2019 data". */
    static const char *const with_on[] = {"modified", "revised", "edited"};
    static const char *const connectors[] = {"on", "at", "am", "le", "el",
                                             "il", "em", "op", "the"};
    char c[GS_DATES_LOOKBACK + 1];
    size_t n = context_before(w, p, c);
    if (n < 2)
        return 0;  /* every phrase is longer (a date alone in a field) */
    int connected = 0;
    for (size_t k = 0; k < sizeof connectors / sizeof *connectors; k++)
        if (ends_with_word(c, n, connectors[k])) {
            n -= strlen(connectors[k]);
            while (n > 0 && strchr(" \t\r\n:,", c[n - 1]))
                n--;
            connected = 1;
            break;
        }
    for (size_t k = 0; k < sizeof always / sizeof *always; k++)
        if (ends_with_word(c, n, always[k]))
            return 1;
    for (size_t k = 0; connected && k < sizeof with_on / sizeof *with_on; k++)
        if (ends_with_word(c, n, with_on[k]))
            return 1;
    return 0;
}

/* The line before p reads like a changelog heading: "## [1.2.0] - ",
 * "v2 (", "* 0.9.1 / ", "Version 3.1 – ". */
static int changelog_context(const window *w, size_t p)
{
    const unsigned char *b = w->b;
    size_t lo = p - w->lo > GS_DATES_LOOKBACK ? p - GS_DATES_LOOKBACK : w->lo;
    size_t ls = p;
    while (ls > lo && b[ls - 1] != '\n' && b[ls - 1] != '\r')
        ls--;
    if (ls == lo && !(lo == w->lo && w->at_start))
        return 0;   /* the line starts further back than we may read */
    size_t i = skip_ws(b, ls, p);
    int heading = 0, versioned = 0;
    while (i < p && b[i] == '#') {
        i++;
        heading = 1;
    }
    if (!heading && i < p && (b[i] == '-' || b[i] == '*' || b[i] == '+'))
        i++;
    i = skip_ws(b, i, p);
    if (i < p && b[i] == '[')
        i++;
    if (word_at(b, &i, p, "version") || word_at(b, &i, p, "release"))
        i = skip_ws(b, i, p);
    if (i < p && (b[i] == 'v' || b[i] == 'V') && i + 1 < p &&
        is_digit(b[i + 1])) {
        i++;
        versioned = 1;
    }
    if (i >= p || !is_digit(b[i]))
        return 0;
    while (i < p && is_digit(b[i]))
        i++;
    while (i + 1 < p && b[i] == '.' && is_digit(b[i + 1])) {
        versioned = 1;
        for (i++; i < p && is_digit(b[i]); i++)
            ;
    }
    if (i + 1 < p && (b[i] == '-' || b[i] == '+') && ascii_alnum(b[i + 1]))
        for (i++; i < p && (ascii_alnum(b[i]) || b[i] == '.'); i++)
            ;
    if (i < p && b[i] == ']')
        i++;
    if (!versioned && !heading)
        return 0;
    i = skip_ws(b, i, p);
    size_t k = i;
    if (k < p && strchr("-:(/,", b[k]))
        k++;
    else
        range_sep(b, &k, p);
    return skip_ws(b, k, p) == p;
}

/* ---- markers ---------------------------------------------------------------- */

/* A staleness marker at b[p]: its index, *end past it; -1 if none. */
static int marker_at(const unsigned char *b, size_t p, size_t e, size_t *end)
{
    static const char *const words[GS_MARK__COUNT][3] = {
        {"deprecated", NULL, NULL},
        {"no", "longer", "supported"},
        {"obsolete", NULL, NULL},
        {"superseded", "by", NULL},
        {"draft", NULL, NULL},
    };
    unsigned c = lower(b[p]);
    if (c != 'd' && c != 'n' && c != 'o' && c != 's')
        return -1;
    for (int m = 0; m < GS_MARK__COUNT; m++) {
        size_t i = p;
        int ok = 1;
        for (int k = 0; ok && k < 3 && words[m][k]; k++) {
            if (k > 0) {
                size_t j = skip_ws(b, i, e);
                ok = j > i;
                i = j;
            }
            ok = ok && word_at(b, &i, e, words[m][k]);
        }
        if (ok && (i >= e || !ascii_alnum(b[i]))) {
            *end = i;
            return m;
        }
    }
    return -1;
}

/* ---- the scan ------------------------------------------------------------- */

typedef struct cursor {
    gs_loc loc;         /* of the next byte to scan */
    int prev_cr;
} cursor;

static void advance(cursor *c, const unsigned char *b, size_t from,
                    size_t to)
{
    for (size_t k = from; k < to; k++) {
        unsigned char x = b[k];
        c->loc.offset++;
        if (x == '\r' || (x == '\n' && !c->prev_cr)) {
            c->loc.line++;
            c->loc.col = 1;
        } else if (x != '\n') {
            c->loc.col++;
        }
        c->prev_cr = x == '\r';
    }
}

/* Try position p (a token start) with the text ending at e. */
static int match_at(const window *w, size_t p, size_t e, found *f)
{
    const unsigned char *b = w->b;
    unsigned c = b[p];
    memset(f, 0, sizeof *f);
    f->source = GS_DSRC_PROSE;
    if (is_digit(c)) {
        /* Inside a number ("v1.2.2019", "10/03/2019/4") is no start. */
        if (p > w->lo + 1 && strchr("./-:,", b[p - 1]) &&
            is_digit(b[p - 2]))
            return 0;
        size_t k = p;
        while (k < e && is_digit(b[k]))
            k++;
        if (k - p == 4)
            return match_year_first(b, p, e, f);
        return k - p <= 2 && match_day_first(b, p, e, f);
    }
    if (c == '(' || c == '&' || c == 0xC2 || lower(c) == 'c')
        if (match_copyright(b, p, e, f))
            return 1;
    if (ascii_alpha(c) || c >= 0xC3)
        return match_month_first(b, p, e, f);
    return 0;
}

static int report(const window *w, size_t p, const found *f,
                  const cursor *cur, gs_date_fn fn, void *ud)
{
    gs_date_hit h;
    h.precision = f->d ? GS_DATE_DAY : f->m ? GS_DATE_MONTH : GS_DATE_YEAR;
    h.days = gs_days_from_civil(f->y, f->m ? f->m : 1, f->d ? f->d : 1);
    h.alt_days = f->alt ? gs_days_from_civil(f->y, f->d, f->m) : h.days;
    h.order = f->order;
    h.source = f->source;
    h.loc = cur->loc;
    if (h.source == GS_DSRC_PROSE) {
        if (last_updated_context(w, p))
            h.source = GS_DSRC_LAST_UPDATED;
        else if (changelog_context(w, p))
            h.source = GS_DSRC_CHANGELOG;
    }
    return fn(ud, &h);
}

/* Scan token starts from *pos while p + MAX_MATCH <= len, or to len when
 * at_end. Returns nonzero when fn asked to stop. */
static int scan(const window *w, size_t *pos, int at_end, cursor *cur,
                uint64_t *markers, gs_date_fn fn, void *ud)
{
    const unsigned char *b = w->b;
    size_t p = *pos;
    int stop = 0;
    while (!stop && (at_end ? p < w->len : p + GS_DATES_MAX_MATCH <= w->len)) {
        size_t e = w->len - p > GS_DATES_MAX_MATCH ? p + GS_DATES_MAX_MATCH
                                                    : w->len;
        unsigned c = b[p];
        size_t next = p + 1;
        /* A number may follow any non-ASCII letter (2019年 after 于: CJK
         * has no spaces); a word must start a word. */
        if (is_digit(c) ? p == w->lo || !ascii_alnum(b[p - 1])
            : (c < 0x80 ? ascii_alpha(c) || c == '(' || c == '&'
                        : c >= 0xC2) &&
                  !alnum_before(w, p)) {
            found f;
            size_t mend;
            int mk;
            if (match_at(w, p, e, &f)) {
                stop = report(w, p, &f, cur, fn, ud);
                next = f.end;
            } else if (ascii_alpha(c) && (mk = marker_at(b, p, e, &mend)) >= 0) {
                if (markers)
                    markers[mk]++;
                next = mend;
            }
        }
        advance(cur, b, p, next);
        p = next;
    }
    *pos = p;
    return stop;
}

/* Where a value's first byte is: *base, line and column 1 when unset. */
static gs_loc value_start(const gs_loc *base)
{
    gs_loc l = base ? *base : (gs_loc){0, 1, 1, 0};
    if (l.line == 0)
        l.line = 1;
    if (l.col == 0)
        l.col = 1;
    return l;
}

gs_status gs_dates_scan_text(const char *s, size_t len, const gs_loc *base,
                             uint64_t *markers, gs_date_fn fn, void *ud)
{
    gs_status st = gs_dates_init();
    if (st != GS_OK)
        return st;
    window w = {(const unsigned char *)s, 0, len, 1};
    cursor cur = {value_start(base), 0};
    size_t pos = 0;
    return scan(&w, &pos, 1, &cur, markers, fn, ud) ? GS_ECANCELED : GS_OK;
}

/* The hit the scan of a whole-date value gives, from its classification;
 * 0 when vc does not make it certain. Why it is the same: the value starts
 * at a token (p = 0, no context before it: no last-updated or changelog
 * source); value.h read exactly the digits and separators match_year_first
 * and match_day_first read, with the same day/month rules, and checked the
 * same calendar (years 1000..9999). An ISO time and zone value.h takes,
 * skip_iso_time takes whole: the match ends at len, one hit, no marker. A
 * slash or dotted date ends the match before its local time
 * (" H:MM[:SS[.f]][ AM|PM]"), where the scan starts nothing: its numbers
 * follow a space and are followed by ':', or follow "digit:" or "digit.";
 * AM and PM are no marker nor a month before a number. Past
 * GS_DATES_MAX_MATCH the window cuts the match (a zone cut after its sign
 * loses the date), and a padded value starts elsewhere. */
static int whole_date_hit(size_t len, const gs_value_class *vc,
                          gs_date_hit *h)
{
    if (vc->type != GS_VT_DATE || (vc->flags & GS_VF_PADDED) ||
        len > GS_DATES_MAX_MATCH)
        return 0;
    h->days = h->alt_days = vc->date_days;
    h->precision = GS_DATE_DAY;
    h->source = GS_DSRC_PROSE;
    h->order = GS_ORDER_NONE;
    switch (vc->format) {
    case GS_VFMT_DATE_ISO:
    case GS_VFMT_DATETIME_ISO:
    case GS_VFMT_DATETIME_ISO_ZONE:
    case GS_VFMT_DATETIME_ISO_FRAC:
    case GS_VFMT_DATETIME_ISO_FRAC_ZONE:
    case GS_VFMT_DATETIME_SPACE:
    case GS_VFMT_DATETIME_SPACE_ZONE:
    case GS_VFMT_DATETIME_SPACE_FRAC:
    case GS_VFMT_DATETIME_SPACE_FRAC_ZONE:
    case GS_VFMT_DATE_YMD_SLASH:
    case GS_VFMT_DATE_DMY_DOT:
        return 1;
    case GS_VFMT_DATE_DMY_SLASH:
        h->order = GS_ORDER_DAY_FIRST;
        return 1;
    case GS_VFMT_DATE_MDY_SLASH:
        h->order = GS_ORDER_MONTH_FIRST;
        return 1;
    case GS_VFMT_DATE_DM_AMBIGUOUS:
        if (vc->flags & GS_VF_DATE_AMBIGUOUS) {
            int y, m, d;
            gs_civil_from_days(vc->date_days, &y, &m, &d);
            h->order = GS_ORDER_AMBIGUOUS;
            h->alt_days = gs_days_from_civil(y, d, m);
        }
        return 1;
    default:
        return 0;
    }
}

gs_status gs_dates_scan_value(const char *s, size_t len,
                              const gs_value_class *vc, const gs_loc *base,
                              uint64_t *markers, gs_date_fn fn, void *ud)
{
    gs_date_hit h;
    if (whole_date_hit(len, vc, &h)) {
        gs_status st = gs_dates_init();
        if (st != GS_OK)
            return st;
        h.loc = value_start(base);
        return fn(ud, &h) ? GS_ECANCELED : GS_OK;
    }
    /* Nothing or digits only: the run is the one token start, and no form
     * is a bare run (a year needs a separator or a word after it). */
    size_t i = 0;
    while (i < len && is_digit((unsigned char)s[i]))
        i++;
    if (i == len)
        return gs_dates_init();
    return gs_dates_scan_text(s, len, base, markers, fn, ud);
}

/* ---- the streaming scanner ------------------------------------------------ */

#define SCAN_CAP (8192 + GS_DATES_LOOKBACK + GS_DATES_MAX_MATCH)

enum { MU_TEXT, MU_OPEN, MU_NAME, MU_TAG, MU_BANG, MU_COMMENT, MU_RAW };

typedef struct markup {
    int st;
    char name[8];       /* tag name, lower case, truncated */
    size_t nlen;
    unsigned char quote;
    int dashes;
    int raw;            /* after this tag's '>': 1 script, 2 style */
    size_t k;           /* chars of "</script" / "</style" matched */
} markup;

struct gs_date_scanner {
    unsigned flags;
    unsigned char buf[SCAN_CAP];
    size_t len, pos;
    uint64_t base;      /* stream offset of buf[0] */
    cursor cur;
    markup mu;
    uint64_t markers[GS_MARK__COUNT];
};

/* One input byte through the markup state machine: the byte to keep. */
static unsigned char markup_byte(markup *m, unsigned char c)
{
    static const char *const raw_end[] = {"", "</script", "</style"};
    unsigned char blank = c == '\n' || c == '\r' ? c : ' ';
    switch (m->st) {
    case MU_TEXT:
        if (c != '<')
            return c;
        m->st = MU_OPEN;
        return ' ';
    case MU_OPEN:
        if (ascii_alpha(c)) {
            m->st = MU_NAME;
            m->name[0] = (char)lower(c);
            m->nlen = 1;
        } else if (c == '/' || c == '?') {
            m->st = MU_TAG;
            m->nlen = 0;
            m->raw = 0;
        } else if (c == '!') {
            m->st = MU_BANG;
            m->dashes = 0;
        } else {
            m->st = MU_TEXT;   /* "a < b": not a tag */
            return c;
        }
        return blank;
    case MU_NAME:
        if (ascii_alnum(c)) {
            if (m->nlen < sizeof m->name)
                m->name[m->nlen++] = (char)lower(c);
            return blank;
        }
        m->raw = m->nlen == 6 && !memcmp(m->name, "script", 6)  ? 1
                 : m->nlen == 5 && !memcmp(m->name, "style", 5) ? 2
                                                                : 0;
        m->st = MU_TAG;
        /* c belongs to the tag */
        /* fall through */
    case MU_TAG:
        if (m->quote) {
            if (c == m->quote)
                m->quote = 0;
        } else if (c == '"' || c == '\'') {
            m->quote = c;
        } else if (c == '>') {
            m->st = m->raw ? MU_RAW : MU_TEXT;
            m->k = 0;
        }
        return blank;
    case MU_BANG:
        if (c == '-' && ++m->dashes == 2) {
            m->st = MU_COMMENT;
            m->dashes = 0;
        } else if (c != '-') {
            m->st = MU_TAG;   /* <!DOCTYPE ...> */
            m->raw = 0;
            if (c == '>')
                m->st = MU_TEXT;
        }
        return blank;
    case MU_COMMENT:
        if (c == '>' && m->dashes >= 2)
            m->st = MU_TEXT;
        m->dashes = c == '-' ? m->dashes + 1 : 0;
        return blank;
    case MU_RAW: {
        const char *end = raw_end[m->raw];
        m->k = lower(c) == (unsigned char)end[m->k] ? m->k + 1
               : c == '<'                          ? 1
                                                   : 0;
        if (end[m->k] == '\0') {
            m->st = MU_TAG;
            m->raw = 0;
        }
        return blank;
    }
    }
    return c;
}

gs_status gs_date_scanner_open(unsigned flags, gs_date_scanner **out)
{
    *out = NULL;
    gs_status st = gs_dates_init();
    if (st != GS_OK)
        return st;
    gs_date_scanner *s = gs_malloc(sizeof *s);
    if (!s)
        return GS_ENOMEM;
    gs_date_scanner_reset(s, flags);
    *out = s;
    return GS_OK;
}

void gs_date_scanner_reset(gs_date_scanner *s, unsigned flags)
{
    s->flags = flags;
    s->len = s->pos = 0;
    s->base = 0;
    s->cur = (cursor){{0, 1, 1, 0}, 0};
    memset(&s->mu, 0, sizeof s->mu);
    memset(s->markers, 0, sizeof s->markers);
}

void gs_date_scanner_close(gs_date_scanner *s)
{
    gs_free(s);
}

const uint64_t *gs_date_scanner_markers(const gs_date_scanner *s)
{
    return s->markers;
}

static int scan_window(gs_date_scanner *s, int at_end, gs_date_fn fn,
                       void *ud)
{
    window w = {s->buf, 0, s->len, s->base == 0};
    int stop = scan(&w, &s->pos, at_end, &s->cur, s->markers, fn, ud);
    /* Slide: keep the lookback behind pos and everything after it. */
    size_t keep = s->pos > GS_DATES_LOOKBACK ? s->pos - GS_DATES_LOOKBACK : 0;
    if (keep > 0) {
        memmove(s->buf, s->buf + keep, s->len - keep);
        s->len -= keep;
        s->pos -= keep;
        s->base += keep;
    }
    return stop;
}

gs_status gs_date_scanner_feed(gs_date_scanner *s, const char *utf8,
                               size_t len, gs_date_fn fn, void *ud)
{
    const unsigned char *in = (const unsigned char *)utf8;
    while (len > 0) {
        size_t n = SCAN_CAP - s->len;
        if (n > len)
            n = len;
        if (s->flags & GS_DATES_MARKUP)
            for (size_t k = 0; k < n; k++)
                s->buf[s->len + k] = markup_byte(&s->mu, in[k]);
        else
            memcpy(s->buf + s->len, in, n);
        s->len += n;
        in += n;
        len -= n;
        if (s->len == SCAN_CAP && scan_window(s, 0, fn, ud))
            return GS_ECANCELED;
    }
    return GS_OK;
}

gs_status gs_date_scanner_finish(gs_date_scanner *s, gs_date_fn fn, void *ud)
{
    return scan_window(s, 1, fn, ud) ? GS_ECANCELED : GS_OK;
}

/* ---- field roles ------------------------------------------------------------ */

static int has(const char *s, const char *w)
{
    return strstr(s, w) != NULL;
}

gs_date_role gs_date_role_of(const char *path, size_t len)
{
    char raw[96], n[96];
    const char *name = path;
    size_t nl = len;
    if (len > 9 && !memcmp(path, "doc.meta.", 9)) {
        name += 9;
        nl -= 9;
    } else if (len == 8 && !memcmp(path, "doc.time", 8)) {
        return GS_ROLE_OTHER;
    } else {
        int xml = memchr(path, '/', len) != NULL;
        /* strip "[]" and "{*}" of JSON array elements and maps */
        while (nl >= 2 && !memcmp(name + nl - 2, "[]", 2))
            nl -= 2;
        while (nl >= 4 && !memcmp(name + nl - 4, ".{*}", 4))
            nl -= 4;
        for (size_t k = nl; k > 0; k--)
            if (name[k - 1] == (xml ? '/' : '.')) {
                name += k;
                nl -= k;
                break;
            }
        if (nl > 0 && name[0] == '@')
            name++, nl--;
    }
    if (nl == 0 || nl >= sizeof n)
        return GS_ROLE_NONE;
    size_t k = 0;
    for (size_t i = 0; i < nl; i++)
        if (ascii_alnum((unsigned char)name[i]))
            n[k++] = (char)lower((unsigned char)name[i]);
    n[k] = '\0';
    memcpy(raw, name, nl);
    raw[nl] = '\0';
    if (has(n, "expir") || has(n, "birth") || has(n, "deadline") ||
        has(n, "validu") || has(n, "validt") || has(n, "validfrom") || has(n, "until") || !strncmp(n, "due", 3) ||
        !strcmp(n, "dob") || has(n, "nextreview") || has(n, "reviewby"))
        return GS_ROLE_NOT_CONTENT;
    if (has(n, "modif") || has(n, "updat") || has(n, "lastmod") ||
        has(n, "revis") || has(n, "lastbuild") || has(n, "changed") ||
        has(n, "edited") || !strcmp(n, "mtime"))
        return GS_ROLE_MODIFIED;
    if (has(n, "publi") || has(n, "pubdate") || has(n, "issued") ||
        has(n, "posted") || has(n, "released") || has(n, "releasedate"))
        return GS_ROLE_PUBLISHED;
    if (has(n, "creat") || has(n, "added"))
        return GS_ROLE_CREATED;
    if (has(n, "date") || has(n, "time") || has(n, "when") ||
        (nl > 3 && (!strcmp(raw + nl - 3, "_at") ||
                    !strcmp(raw + nl - 2, "At"))))
        return GS_ROLE_OTHER;
    return GS_ROLE_NONE;
}

/* ---- evidence --------------------------------------------------------------- */

#define N_TIERS 4   /* content tiers; mtime is the fifth, outside */

typedef struct ambiguous {
    gs_date_pick dm, md, yr;   /* best day-first, month-first, year reading */
    int has_dm, has_md, has_yr;
    uint64_t n;
} ambiguous;

struct gs_date_evidence {
    int32_t as_of;
    gs_date_pick best[N_TIERS];
    int has[N_TIERS];
    ambiguous amb[N_TIERS];
    gs_date_pick future;
    int has_future;
    uint64_t future_n, dates, day_first, month_first;
};

gs_date_evidence *gs_date_evidence_new(int32_t as_of)
{
    gs_date_evidence *e = gs_malloc(sizeof *e);
    if (e)
        gs_date_evidence_reset(e, as_of);
    return e;
}

void gs_date_evidence_reset(gs_date_evidence *e, int32_t as_of)
{
    memset(e, 0, sizeof *e);
    e->as_of = as_of;
}

void gs_date_evidence_free(gs_date_evidence *e)
{
    gs_free(e);
}

/* Is a newer than b? (newer first day, then finer precision) */
static int newer(int32_t days, gs_date_precision prec, const gs_date_pick *b)
{
    return days > b->days || (days == b->days && prec < b->precision);
}

static void offer(gs_date_pick *best, int *has, int32_t days,
                  gs_date_precision prec, gs_date_source src,
                  const char *where, const gs_loc *loc)
{
    if (*has && !newer(days, prec, best))
        return;
    *best = (gs_date_pick){days, prec, src, where, *loc};
    *has = 1;
}

void gs_date_evidence_add(gs_date_evidence *e, const gs_date_hit *h,
                          gs_date_role role, const char *where)
{
    if (role == GS_ROLE_NOT_CONTENT)
        return;
    gs_date_source src = role != GS_ROLE_NONE ? GS_DSRC_METADATA : h->source;
    int t = role == GS_ROLE_MODIFIED      ? 0
            : role == GS_ROLE_PUBLISHED   ? 1
            : src == GS_DSRC_LAST_UPDATED ? 2
                                          : 3;
    e->dates++;
    e->day_first += h->order == GS_ORDER_DAY_FIRST;
    e->month_first += h->order == GS_ORDER_MONTH_FIRST;
    int dm_future = h->days > e->as_of, md_future = h->alt_days > e->as_of;
    if (dm_future && md_future) {
        e->future_n++;
        offer(&e->future, &e->has_future, h->days < h->alt_days ? h->days
                                                                : h->alt_days,
              h->precision, src, where, &h->loc);
        return;
    }
    if (h->order != GS_ORDER_AMBIGUOUS) {
        offer(&e->best[t], &e->has[t], h->days, h->precision, src, where,
              &h->loc);
        return;
    }
    ambiguous *a = &e->amb[t];
    a->n++;
    if (!dm_future)
        offer(&a->dm, &a->has_dm, h->days, h->precision, src, where, &h->loc);
    if (!md_future)
        offer(&a->md, &a->has_md, h->alt_days, h->precision, src, where,
              &h->loc);
    int y, m, d;
    gs_civil_from_days(h->days, &y, &m, &d);
    int32_t jan1 = gs_days_from_civil(y, 1, 1);
    if (jan1 <= e->as_of)
        offer(&a->yr, &a->has_yr, jan1, GS_DATE_YEAR, src, where, &h->loc);
}

static int32_t floor_day(int64_t t)
{
    return (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

void gs_date_evidence_verdict(const gs_date_evidence *e, int64_t mtime,
                              gs_date_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->tier = -1;
    v->future = e->future;
    v->future_dates = e->future_n;
    v->dates = e->dates;
    v->order = e->day_first && e->month_first ? GS_ORDER_AMBIGUOUS
               : e->day_first                 ? GS_ORDER_DAY_FIRST
               : e->month_first               ? GS_ORDER_MONTH_FIRST
                                              : GS_ORDER_NONE;
    for (int t = 0; t < N_TIERS; t++) {
        gs_date_pick best = e->best[t];
        int has = e->has[t];
        const ambiguous *a = &e->amb[t];
        const gs_date_pick *alt = NULL;
        if (v->order == GS_ORDER_DAY_FIRST || v->order == GS_ORDER_MONTH_FIRST) {
            v->ambiguous_resolved += a->n;
            if (v->order == GS_ORDER_DAY_FIRST && a->has_dm)
                alt = &a->dm;
            else if (v->order == GS_ORDER_MONTH_FIRST && a->has_md)
                alt = &a->md;
        } else {
            v->ambiguous_unresolved += a->n;
            if (a->has_yr)
                alt = &a->yr;
        }
        if (alt)
            offer(&best, &has, alt->days, alt->precision, alt->source,
                  alt->where, &alt->loc);
        if (has && v->tier < 0) {
            v->newest = best;
            v->tier = t;
        }
    }
    if (mtime == INT64_MIN)
        return;
    int32_t mday = floor_day(mtime);
    if (v->tier < 0) {
        v->newest = (gs_date_pick){mday, GS_DATE_DAY, GS_DSRC_MTIME, NULL,
                                   {0, 0, 0, 0}};
        v->tier = N_TIERS;
    } else {
        v->mtime_lag_days = (int64_t)mday - v->newest.days;
        v->resaved = v->mtime_lag_days > GS_DATES_RESAVED_DAYS;
    }
}

void gs_date_pick_describe(const gs_date_pick *p, char *buf, size_t cap)
{
    size_t n = 0;
    int w = snprintf(buf, cap, "%s", gs_date_source_name(p->source));
    n = w > 0 ? (size_t)w : 0;
    if (p->where && n < cap) {
        w = snprintf(buf + n, cap - n, " %s", p->where);
        n += w > 0 ? (size_t)w : 0;
    }
    if (p->loc.line && n < cap)
        snprintf(buf + n, cap - n, " line %llu",
                 (unsigned long long)p->loc.line);
}

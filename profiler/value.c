/* value.c - the type and null token of one value (see value.h).
 *
 * Runs on every value, so: one pass or two over the bytes, no allocation,
 * no libc parsing (strtod, ctype, strlen): the user's locale cannot change a
 * result, and a value is classified the same on every machine.
 *
 * Order of tests on text (after trimming ASCII whitespace, which sets
 * GS_VF_PADDED): empty -> null token -> boolean -> number -> date -> string.
 * Only short values can be null tokens (<= 9 bytes) or booleans (<= 5).
 *
 * Numbers. A number is [sign] runs of digits joined by separators, then an
 * optional exponent. The decimal mark can only be the last separator:
 *   - no separator: integer ("007" sets GS_VF_LEADING_ZERO);
 *   - one kind of separator, every run after the first exactly 3 digits and
 *     the first 1-3 digits without a leading zero: grouped integer
 *     ("1,234", "1 234 567", "1.234.567") - except a single '.' group,
 *     which is read as a decimal point ("1.234" = 1.234);
 *   - a single '.' or ',' otherwise: decimal ("3,14" sets
 *     GS_VF_DECIMAL_COMMA; ".5" is accepted, "5." is not);
 *   - grouping as above then a different '.' or ',' mark: grouped decimal
 *     ("1,234.56", "1.234,56", "1 234,5");
 *   - an exponent makes a decimal ("1e10"); grouping and exponent together
 *     are not a number.
 * Group separators: ',' '.' ' ' '\'' and U+00A0, U+2009, U+202F.
 * The value is computed from at most 19 significant digits and an exact
 * power of ten when possible (then it is correctly rounded), else by
 * repeated scaling (deterministic, within a few ulps). Magnitudes beyond
 * double are clamped to +-DBL_MAX so the number is always finite.
 *
 * Dates (years 1000..9999, the calendar date must exist):
 *   YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS[.frac]]
 *   with an optional Z, +-HH, +-HHMM or +-HH:MM; YYYY/M/D; D.M.YYYY
 *   (day first); A/B/YYYY: day first if A > 12, month first if B > 12,
 *   else GS_VF_DATE_AMBIGUOUS (unless A == B) with the day-first reading.
 *   The non-ISO forms accept " H:MM[:SS]" and an optional " AM"/" PM".
 *   date_days is the date as written: a UTC offset is not applied.
 *   Eight digits ("20240301") are an integer, never a date.
 *
 * Formats (gs_vformat) come out of the same parses: the separators and
 * exponent a number was read with, the date pattern that matched (ISO with
 * 'T' or ' ', fraction, zone), the boolean word and its case. Only strings
 * get a second pass, which tells case style and the string formats, in this
 * order: email (one '@', a dot in the domain, no space), URL (scheme:// or
 * www.), UUID, IPv4, phone (E.164 is '+' and 8-15 digits; a national form
 * is 7-15 digits with at least one of space - . ( ) between them, an
 * optional leading '+'), percent (a number then '%'), currency (a symbol
 * $ £ € ¥ ₹ ₩ ₽ ₺ ₪ or a common ISO 4217 code before or after a number),
 * RFC 2822 and "Mon D, YYYY" dates (English month names), else the case.
 * Epoch seconds and milliseconds are formats of plain unsigned integers of
 * 10 / 13 digits between 2001-09-09 and 2100-01-01, nothing more.
 * "1.234" is read as a decimal point (one '.' group is never grouping);
 * a field mixing it with "1.234,50" is reported as mixing styles.
 *
 * Fast paths. The common cases are read by shorter code that gives exactly
 * what the general code gives (test_value checks both sides of each edge):
 * [sign]digits[(.|,)digits] of at most 19 digits (simple_number, which
 * also rejects at once what the number scan would reject after the first
 * digits, e.g. the '-' of a date), YYYY-MM-DD before the general date
 * scan, and shapes of short ASCII values by table (gs_value_shape), 16
 * bytes at a time by SSE2 compares where the compiler has SSE2 (not under
 * GS_NO_SIMD: the tests build the scalar value.c too and compare).
 *
 * Invariants:
 *   1. The result depends only on (bytes, kind).
 *   2. Null-token indices never change: tokens are only appended.
 *   3. A JSON number is only ever integer or decimal (or string if it does
 *      not parse); JSON null/true/false are null/boolean whatever the bytes.
 *   4. Format ids and names never change meaning: formats are only appended
 *      and every format belongs to exactly one type family.
 */
#include "gapscan/value.h"

#include "gapscan/decode.h"
#include "bytescan-private.h"

#include <float.h>
#include <stdint.h>
#include <string.h>

#define T(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    unsigned char len;
} null_tokens[] = {
    T(""), T("NULL"), T("null"), T("Null"), T("N/A"), T("n/a"), T("NA"),
    T("na"), T("-"), T("--"), T("None"), T("none"), T("#N/A"), T("NaN"),
    T("nan"), T("nil"), T("(null)"), T("undefined"), T("?"), T("missing"),
};
#undef T
#define N_NULL_TOKENS (sizeof null_tokens / sizeof null_tokens[0])
#define NULL_TOKEN_JSON 2   /* "null" */
#define NULL_TOKEN_MAX_LEN 9

size_t gs_null_token_count(void) { return N_NULL_TOKENS; }

const char *gs_null_token_name(size_t i)
{
    return i < N_NULL_TOKENS ? null_tokens[i].s : NULL;
}

const char *gs_null_token_label(size_t i)
{
    if (i == 0)
        return "<empty>";
    return gs_null_token_name(i);
}

/* Indexed by gs_vformat; names are stored in profiles. */
static const struct {
    const char *name, *label;
    unsigned char family;
} formats[GS_VFMT__COUNT] = {
    [GS_VFMT_OTHER] = {"other", "other", GS_FF_OTHER},
    [GS_VFMT_NULL_EMPTY] = {"null.empty", "empty", GS_FF_NULL},
    [GS_VFMT_NULL_TOKEN] = {"null.token", "null token", GS_FF_NULL},
    [GS_VFMT_NULL_JSON] = {"null.json", "JSON null", GS_FF_NULL},
    [GS_VFMT_BOOL_JSON] = {"bool.json", "JSON true/false", GS_FF_BOOL},
    [GS_VFMT_BOOL_TRUE_FALSE] = {"bool.true_false", "true/false", GS_FF_BOOL},
    [GS_VFMT_BOOL_TRUE_FALSE_TITLE] = {"bool.true_false_title", "True/False",
                                      GS_FF_BOOL},
    [GS_VFMT_BOOL_TRUE_FALSE_UPPER] = {"bool.true_false_upper", "TRUE/FALSE",
                                      GS_FF_BOOL},
    [GS_VFMT_BOOL_YES_NO] = {"bool.yes_no", "yes/no", GS_FF_BOOL},
    [GS_VFMT_BOOL_YES_NO_TITLE] = {"bool.yes_no_title", "Yes/No", GS_FF_BOOL},
    [GS_VFMT_BOOL_YES_NO_UPPER] = {"bool.yes_no_upper", "YES/NO", GS_FF_BOOL},
    [GS_VFMT_BOOL_Y_N] = {"bool.y_n", "y/n", GS_FF_BOOL},
    [GS_VFMT_BOOL_Y_N_UPPER] = {"bool.y_n_upper", "Y/N", GS_FF_BOOL},
    [GS_VFMT_BOOL_T_F] = {"bool.t_f", "t/f", GS_FF_BOOL},
    [GS_VFMT_BOOL_T_F_UPPER] = {"bool.t_f_upper", "T/F", GS_FF_BOOL},
    [GS_VFMT_BOOL_ON_OFF] = {"bool.on_off", "on/off", GS_FF_BOOL},
    [GS_VFMT_BOOL_ON_OFF_TITLE] = {"bool.on_off_title", "On/Off", GS_FF_BOOL},
    [GS_VFMT_BOOL_ON_OFF_UPPER] = {"bool.on_off_upper", "ON/OFF", GS_FF_BOOL},
    [GS_VFMT_BOOL_MIXED_CASE] = {"bool.mixed_case", "tRuE (mixed case)",
                                GS_FF_BOOL},
    [GS_VFMT_INT] = {"int", "1234", GS_FF_INTEGER},
    [GS_VFMT_INT_0_1] = {"int.0_1", "1/0", GS_FF_INTEGER},
    [GS_VFMT_INT_LEADING_ZERO] = {"int.leading_zero", "0123 (code)",
                                 GS_FF_INTEGER},
    [GS_VFMT_INT_GROUP_COMMA] = {"int.group_comma", "1,234", GS_FF_INTEGER},
    [GS_VFMT_INT_GROUP_DOT] = {"int.group_dot", "1.234.567", GS_FF_INTEGER},
    [GS_VFMT_INT_GROUP_SPACE] = {"int.group_space", "1 234", GS_FF_INTEGER},
    [GS_VFMT_INT_GROUP_APOS] = {"int.group_apos", "1'234", GS_FF_INTEGER},
    [GS_VFMT_INT_EPOCH_S] = {"int.epoch_s", "epoch seconds", GS_FF_INTEGER},
    [GS_VFMT_INT_EPOCH_MS] = {"int.epoch_ms", "epoch milliseconds",
                             GS_FF_INTEGER},
    [GS_VFMT_DEC_POINT] = {"dec.point", "1234.5", GS_FF_DECIMAL},
    [GS_VFMT_DEC_COMMA] = {"dec.comma", "1234,5", GS_FF_DECIMAL},
    [GS_VFMT_DEC_COMMA_POINT] = {"dec.comma_point", "1,234.50",
                                GS_FF_DECIMAL},
    [GS_VFMT_DEC_DOT_COMMA] = {"dec.dot_comma", "1.234,50", GS_FF_DECIMAL},
    [GS_VFMT_DEC_SPACE_COMMA] = {"dec.space_comma", "1 234,50",
                                GS_FF_DECIMAL},
    [GS_VFMT_DEC_SPACE_POINT] = {"dec.space_point", "1 234.50",
                                GS_FF_DECIMAL},
    [GS_VFMT_DEC_APOS_POINT] = {"dec.apos_point", "1'234.50", GS_FF_DECIMAL},
    [GS_VFMT_DEC_APOS_COMMA] = {"dec.apos_comma", "1'234,50", GS_FF_DECIMAL},
    [GS_VFMT_DEC_SCIENTIFIC] = {"dec.scientific", "1.5e3", GS_FF_DECIMAL},
    [GS_VFMT_CURRENCY_SYMBOL_BEFORE] = {"currency.symbol_before", "$12.50",
                                       GS_FF_AMOUNT},
    [GS_VFMT_CURRENCY_SYMBOL_AFTER] = {"currency.symbol_after",
                                      "12,50 \xE2\x82\xAC", GS_FF_AMOUNT},
    [GS_VFMT_CURRENCY_CODE_BEFORE] = {"currency.code_before", "USD 12.50",
                                     GS_FF_AMOUNT},
    [GS_VFMT_CURRENCY_CODE_AFTER] = {"currency.code_after", "12.50 EUR",
                                    GS_FF_AMOUNT},
    [GS_VFMT_PERCENT] = {"percent", "12%", GS_FF_AMOUNT},
    [GS_VFMT_DATE_ISO] = {"date.ymd", "%Y-%m-%d", GS_FF_DATE},
    [GS_VFMT_DATETIME_ISO] = {"datetime.iso", "%Y-%m-%dT%H:%M:%S",
                             GS_FF_DATE},
    [GS_VFMT_DATETIME_ISO_ZONE] = {"datetime.iso_zone", "%Y-%m-%dT%H:%M:%S%z",
                                  GS_FF_DATE},
    [GS_VFMT_DATETIME_ISO_FRAC] = {"datetime.iso_frac", "%Y-%m-%dT%H:%M:%S.f",
                                  GS_FF_DATE},
    [GS_VFMT_DATETIME_ISO_FRAC_ZONE] = {"datetime.iso_frac_zone",
                                       "%Y-%m-%dT%H:%M:%S.f%z", GS_FF_DATE},
    [GS_VFMT_DATETIME_SPACE] = {"datetime.space", "%Y-%m-%d %H:%M:%S",
                               GS_FF_DATE},
    [GS_VFMT_DATETIME_SPACE_ZONE] = {"datetime.space_zone",
                                    "%Y-%m-%d %H:%M:%S%z", GS_FF_DATE},
    [GS_VFMT_DATETIME_SPACE_FRAC] = {"datetime.space_frac",
                                    "%Y-%m-%d %H:%M:%S.f", GS_FF_DATE},
    [GS_VFMT_DATETIME_SPACE_FRAC_ZONE] = {"datetime.space_frac_zone",
                                         "%Y-%m-%d %H:%M:%S.f%z", GS_FF_DATE},
    [GS_VFMT_DATE_YMD_SLASH] = {"date.ymd_slash", "%Y/%m/%d", GS_FF_DATE},
    [GS_VFMT_DATE_MDY_SLASH] = {"date.mdy_slash", "%m/%d/%Y", GS_FF_DATE},
    [GS_VFMT_DATE_DMY_SLASH] = {"date.dmy_slash", "%d/%m/%Y", GS_FF_DATE},
    [GS_VFMT_DATE_DM_AMBIGUOUS] = {"date.dm_ambiguous",
                                  "%d/%m/%Y or %m/%d/%Y (ambiguous)",
                                  GS_FF_DATE},
    [GS_VFMT_DATE_DMY_DOT] = {"date.dmy_dot", "%d.%m.%Y", GS_FF_DATE},
    [GS_VFMT_DATE_RFC2822] = {"date.rfc2822", "%a, %d %b %Y %H:%M:%S %z",
                             GS_FF_DATE},
    [GS_VFMT_DATE_MON_D_Y] = {"date.mon_d_y", "%b %d, %Y", GS_FF_DATE},
    [GS_VFMT_EMAIL] = {"email", "email address", GS_FF_IDENT},
    [GS_VFMT_URL] = {"url", "URL", GS_FF_IDENT},
    [GS_VFMT_UUID] = {"uuid", "UUID", GS_FF_IDENT},
    [GS_VFMT_PHONE_E164] = {"phone.e164", "+4915123456789", GS_FF_IDENT},
    [GS_VFMT_PHONE_NATIONAL] = {"phone.national", "(555) 123-4567",
                               GS_FF_IDENT},
    [GS_VFMT_IPV4] = {"ipv4", "IPv4 address", GS_FF_IDENT},
    [GS_VFMT_STR_LOWER] = {"str.lower", "lower case", GS_FF_CASE},
    [GS_VFMT_STR_UPPER] = {"str.upper", "UPPER CASE", GS_FF_CASE},
    [GS_VFMT_STR_TITLE] = {"str.title", "Title Case", GS_FF_CASE},
    [GS_VFMT_STR_MIXED] = {"str.mixed", "MiXed case", GS_FF_CASE},
    [GS_VFMT_STR_UNCASED] = {"str.uncased", "no ASCII letters", GS_FF_CASE},
};

const char *gs_vformat_name(gs_vformat f)
{
    return (unsigned)f < GS_VFMT__COUNT ? formats[f].name : NULL;
}

const char *gs_vformat_label(gs_vformat f)
{
    return (unsigned)f < GS_VFMT__COUNT ? formats[f].label : NULL;
}

gs_vfamily gs_vformat_family(gs_vformat f)
{
    return (unsigned)f < GS_VFMT__COUNT ? (gs_vfamily)formats[f].family
                                       : GS_FF_OTHER;
}

int gs_vformat_from_name(const char *name)
{
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        if (strcmp(formats[i].name, name) == 0)
            return i;
    return -1;
}

const char *gs_vtype_name(gs_vtype t)
{
    switch (t) {
    case GS_VT_NULL: return "null";
    case GS_VT_BOOL: return "boolean";
    case GS_VT_INTEGER: return "integer";
    case GS_VT_DECIMAL: return "decimal";
    case GS_VT_DATE: return "date";
    case GS_VT_STRING: return "string";
    case GS_VT__COUNT: break;
    }
    return "unknown";
}

static int is_digit(unsigned char c) { return (unsigned)(c - '0') < 10u; }
/* ' ' and '\t'..'\r': one bit test. */
static int is_ws(unsigned char c)
{
    return c <= ' ' && (UINT64_C(0x100003E00) >> c & 1);
}

/* p[*b..*e) is p[0..len) without its leading and trailing ASCII
 * whitespace. */
static inline void trim(const unsigned char *p, size_t len, size_t *b,
                        size_t *e)
{
    size_t i = 0, j = len;
    if (len > 0 && !is_ws(p[0]) && !is_ws(p[len - 1])) {
        *b = 0;
        *e = len;
        return;
    }
    while (i < j && is_ws(p[i]))
        i++;
    while (j > i && is_ws(p[j - 1]))
        j--;
    *b = i;
    *e = j;
}
static int is_alpha(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int null_token(const char *p, size_t n)
{
    /* Most values cannot be a token: their first byte starts none. (The
     * token-table test classifies every token, so a token appended with a
     * new first byte and not listed here fails it.) */
    switch (p[0]) {
    case 'N': case 'n': case '-': case '#': case '(': case 'u': case '?':
    case 'm':
        break;
    default:
        return -1;
    }
    for (size_t i = 1; i < N_NULL_TOKENS; i++)
        if (null_tokens[i].len == n && null_tokens[i].s[0] == p[0] &&
            memcmp(null_tokens[i].s, p, n) == 0)
            return (int)i;
    return -1;
}

/* The boolean format of p[0..n), or 0 when it is not a boolean word. */
static gs_vformat bool_format(const char *p, size_t n)
{
    /* Lower-case words padded to 5 bytes, grouped by length, and their
     * family's formats in lower, Title and UPPER case. */
    static const char words[][6] = {
        "y", "n", "t", "f", "no", "on", "yes", "off", "true", "false",
    };
    static const unsigned char family[] = {2, 2, 3, 3, 1, 4, 1, 4, 0, 0};
    static const gs_vformat by_case[5][3] = {
        {GS_VFMT_BOOL_TRUE_FALSE, GS_VFMT_BOOL_TRUE_FALSE_TITLE,
         GS_VFMT_BOOL_TRUE_FALSE_UPPER},
        {GS_VFMT_BOOL_YES_NO, GS_VFMT_BOOL_YES_NO_TITLE,
         GS_VFMT_BOOL_YES_NO_UPPER},
        {GS_VFMT_BOOL_Y_N, GS_VFMT_BOOL_Y_N_UPPER, GS_VFMT_BOOL_Y_N_UPPER},
        {GS_VFMT_BOOL_T_F, GS_VFMT_BOOL_T_F_UPPER, GS_VFMT_BOOL_T_F_UPPER},
        {GS_VFMT_BOOL_ON_OFF, GS_VFMT_BOOL_ON_OFF_TITLE,
         GS_VFMT_BOOL_ON_OFF_UPPER},
    };
    static const unsigned char first[6] = {0, 0, 4, 6, 8, 9};
    static const unsigned char last[6] = {0, 4, 6, 8, 9, 10};
    char low[5];
    unsigned upper = 0;   /* bit i: p[i] is upper case */
    if (n == 0 || n > 5)
        return GS_VFMT_OTHER;
    switch (p[0] | 0x20) {
    case 'y': case 'n': case 't': case 'f': case 'o':
        break;
    default:
        return GS_VFMT_OTHER;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_alpha((unsigned char)p[i]))
            return GS_VFMT_OTHER;
        low[i] = (char)(p[i] | 0x20);
        upper |= (unsigned)(low[i] != p[i]) << i;
    }
    for (unsigned i = first[n]; i < last[n]; i++)
        if (memcmp(words[i], low, n) == 0) {
            unsigned all = (1u << n) - 1;
            int c = upper == 0 ? 0 : upper == all ? 2 : upper == 1 ? 1 : -1;
            return c < 0 ? GS_VFMT_BOOL_MIXED_CASE : by_case[family[i]][c];
        }
    return GS_VFMT_OTHER;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

static const double p10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static double scale10(uint64_t mant, int e10)
{
    double v = (double)mant;
    if (mant == 0 || e10 == 0)
        return v;
    if (mant <= ((uint64_t)1 << 53) && e10 > 0 && e10 <= 22)
        return v * p10[e10];
    if (mant <= ((uint64_t)1 << 53) && e10 < 0 && e10 >= -22)
        return v / p10[-e10];
    if (e10 > 330)
        return DBL_MAX;
    if (e10 < -360)
        return 0.0;
    while (e10 > 22) {
        v *= 1e22;
        e10 -= 22;
    }
    while (e10 < -22) {
        v /= 1e22;
        e10 += 22;
    }
    v = e10 >= 0 ? v * p10[e10] : v / p10[-e10];
    return v > DBL_MAX ? DBL_MAX : v;
}

/* A group separator at p[i]: its code point (0 if none), length in *len. */
static unsigned sep_at(const unsigned char *p, size_t i, size_t n,
                       size_t *len)
{
    unsigned char c = p[i];
    *len = 1;
    if (c == ',' || c == '.' || c == ' ' || c == '\'')
        return c;
    if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0) {
        *len = 2;
        return 0xA0;
    }
    if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
        (p[i + 2] == 0x89 || p[i + 2] == 0xAF)) {
        *len = 3;
        return p[i + 2] == 0x89 ? 0x2009 : 0x202F;
    }
    return 0;
}

/* What one left-to-right pass over [sign] digits and separators saw. */
typedef struct numscan {
    size_t i;           /* where the scan stopped */
    int neg;
    uint64_t mant;      /* the first 19 or so significant digits */
    int dropped;        /* significant digits that did not fit in mant */
    size_t r0;          /* digits before the first separator */
    int r0_zero;        /* ... starting with '0' */
    size_t last_rl;     /* digits after the last separator (or all) */
    size_t nsep;
    unsigned first, last;   /* first and last separator */
    int mid_mixed;      /* a separator before the last differs from first */
    int mid_not3;       /* a run between two separators is not 3 digits */
} numscan;

static int scan_runs(const unsigned char *p, size_t n, numscan *ns)
{
    size_t i = 0, ndig = 0;
    if (n > 0 && (p[0] == '+' || p[0] == '-')) {
        ns->neg = p[0] == '-';
        i++;
    }
    for (;;) {
        size_t start = i;
        for (; i < n && is_digit(p[i]); i++) {
            if (ns->mant <= (UINT64_MAX - 9) / 10)
                ns->mant = ns->mant * 10 + (unsigned)(p[i] - '0');
            else if (ns->dropped < 100000)
                ns->dropped++;
        }
        size_t rl = i - start, sl;
        if (ns->nsep == 0) {
            ns->r0 = rl;
            ns->r0_zero = rl >= 1 && p[start] == '0';
        }
        ndig += rl;
        ns->last_rl = rl;
        unsigned sep = i < n ? sep_at(p, i, n, &sl) : 0;
        if (!sep)
            break;
        /* Only ".5" may start without digits. */
        if (rl == 0 && !(ns->nsep == 0 && sep == '.'))
            return 0;
        if (ns->nsep == 0) {
            ns->first = sep;
        } else {
            ns->mid_mixed |= ns->last != ns->first;
            ns->mid_not3 |= rl != 3;
        }
        ns->last = sep;
        ns->nsep++;
        i += sl;
        if (i == n || !is_digit(p[i]))
            return 0;
    }
    ns->i = i;
    return ndig > 0 && ns->last_rl > 0;
}

/* Which separators group and which one is the decimal mark (see the file
 * header). 0 when the separators make no number. */
static int read_separators(const numscan *ns, int *grouped, unsigned *mark)
{
    *grouped = 0;
    *mark = 0;
    if (ns->nsep == 0)
        return 1;
    if (ns->mid_mixed)
        return 0;
    int prefix_ok = ns->r0 >= 1 && ns->r0 <= 3 && !ns->r0_zero &&
                    !ns->mid_not3;
    int mark_char = ns->last == '.' || ns->last == ',';
    if (ns->last != ns->first) {
        if (!prefix_ok || !mark_char)
            return 0;
        *grouped = 1;
        *mark = ns->last;
        return 1;
    }
    if (prefix_ok && ns->last_rl == 3 && !(ns->nsep == 1 && ns->first == '.'))
        *grouped = 1;
    else if (ns->nsep == 1 && mark_char)
        *mark = ns->last;
    else
        return 0;
    return 1;
}

/* [eE][+-]digits at p[*i], if there; 0 when malformed. */
static int scan_exponent(const unsigned char *p, size_t n, size_t *i,
                         int *exp, int *has_exp)
{
    *exp = 0;
    *has_exp = 0;
    if (*i == n || (p[*i] != 'e' && p[*i] != 'E'))
        return 1;
    *has_exp = 1;
    size_t j = *i + 1;
    int neg = 0;
    if (j < n && (p[j] == '+' || p[j] == '-'))
        neg = p[j++] == '-';
    if (j == n || !is_digit(p[j]))
        return 0;
    for (; j < n && is_digit(p[j]); j++)
        if (*exp < 100000)
            *exp = *exp * 10 + (p[j] - '0');
    if (neg)
        *exp = -*exp;
    *i = j;
    return 1;
}

/* 0 for no grouping, else 1 comma, 2 dot, 3 space, 4 apostrophe. */
static int group_style(unsigned sep)
{
    return sep == ',' ? 1 : sep == '.' ? 2 : sep == '\'' ? 4 : 3;
}

/* The format of an integer of n bytes without grouping: r0 digits (the
 * first one '0' when r0_zero), mant their value. */
static gs_vformat int_format(size_t n, size_t r0, int r0_zero, int neg,
                             uint64_t mant)
{
    if (r0 > 1 && r0_zero)
        return GS_VFMT_INT_LEADING_ZERO;
    if (n == r0 + 1 && !neg && r0 >= 8 && r0 <= 15)
        return GS_VFMT_PHONE_E164;   /* +4915123456789 */
    if (n == 1 && mant <= 1)
        return GS_VFMT_INT_0_1;
    /* Plain unsigned 10 or 13 digits from 2001-09-09 to 2100-01-01. */
    if (n == 10 && mant >= 1000000000u && mant < 4102444800u)
        return GS_VFMT_INT_EPOCH_S;
    if (n == 13 && mant >= 1000000000000u && mant < 4102444800000u)
        return GS_VFMT_INT_EPOCH_MS;
    return GS_VFMT_INT;
}

static gs_vformat number_format(const numscan *ns, size_t n, int grouped,
                                unsigned mark, int has_exp)
{
    static const gs_vformat int_group[5] = {
        GS_VFMT_INT, GS_VFMT_INT_GROUP_COMMA, GS_VFMT_INT_GROUP_DOT,
        GS_VFMT_INT_GROUP_SPACE, GS_VFMT_INT_GROUP_APOS};
    /* [group style][mark is a comma] */
    static const gs_vformat dec_group[5][2] = {
        {GS_VFMT_DEC_POINT, GS_VFMT_DEC_COMMA},
        {GS_VFMT_DEC_COMMA_POINT, GS_VFMT_DEC_COMMA},   /* 1,234,5: none */
        {GS_VFMT_DEC_POINT, GS_VFMT_DEC_DOT_COMMA},     /* 1.234.5: none */
        {GS_VFMT_DEC_SPACE_POINT, GS_VFMT_DEC_SPACE_COMMA},
        {GS_VFMT_DEC_APOS_POINT, GS_VFMT_DEC_APOS_COMMA},
    };
    int g = grouped ? group_style(ns->first) : 0;
    if (has_exp)
        return GS_VFMT_DEC_SCIENTIFIC;
    if (mark)
        return dec_group[g][mark == ','];
    if (g)
        return int_group[g];
    return int_format(n, ns->r0, ns->r0_zero, ns->neg, ns->mant);
}

/* Writes r only when p[0..n) is a number. */
static int parse_number(const unsigned char *p, size_t n, gs_value_class *r)
{
    numscan ns = {0};
    int grouped, exp, has_exp;
    unsigned mark;
    if (!scan_runs(p, n, &ns) || !read_separators(&ns, &grouped, &mark))
        return 0;
    size_t i = ns.i;
    if (!scan_exponent(p, n, &i, &exp, &has_exp) || i != n ||
        (grouped && has_exp))
        return 0;
    int frac = mark ? (int)ns.last_rl : 0;
    double v = scale10(ns.mant, ns.dropped + exp - frac);
    r->number = ns.neg ? -v : v;
    r->type = mark || has_exp ? GS_VT_DECIMAL : GS_VT_INTEGER;
    if (grouped)
        r->flags |= GS_VF_GROUPED;
    if (mark == ',')
        r->flags |= GS_VF_DECIMAL_COMMA;
    if (ns.r0 > 1 && ns.r0_zero)
        r->flags |= GS_VF_LEADING_ZERO;
    r->format = number_format(&ns, n, grouped, mark, has_exp);
    return 1;
}

/* The common number, [sign]digits[(.|,)digits] with at most 19 digits (so
 * mant is exact and nothing is dropped), read without the general scan and
 * giving what parse_number gives. 1: a number, r written; 0: not a number
 * (the scan stopped where parse_number fails too: see the cases); -1:
 * parse_number decides (grouping, exponents, long numbers). */
static inline int simple_number(const unsigned char *p, size_t n,
                                gs_value_class *r)
{
    size_t s = n > 0 && (p[0] == '-' || p[0] == '+'), i = s, frac = 0;
    unsigned char mark = 0;
    uint64_t m = 0;
    while (i < n && is_digit(p[i]))
        m = m * 10 + (unsigned)(p[i++] - '0');
    size_t r0 = i - s;
    if (i < n) {
        switch (mark = p[i]) {
        case '.':
            break;
        case ',':   /* ",5" is no number */
            if (r0 == 0)
                return -1;
            break;
        case ' ': case '\'': case 0xC2: case 0xE2: case 'e': case 'E':
            return -1;
        default:   /* no separator, no exponent: parse_number fails too */
            return 0;
        }
        size_t f = ++i;
        while (i < n && is_digit(p[i]))
            m = m * 10 + (unsigned)(p[i++] - '0');
        frac = i - f;
        if (frac == 0)   /* "5." and "5.x": a separator wants digits */
            return 0;
        if (i < n) {
            /* An exponent, or a run between two separators, which is
             * grouping and must be 3 digits long: else no number. */
            switch (p[i]) {
            case 'e': case 'E':
                return -1;
            case ',': case '.': case ' ': case '\'': case 0xC2: case 0xE2:
                return frac == 3 ? -1 : 0;
            default:
                return 0;
            }
        }
    }
    if (r0 + frac == 0 || r0 + frac > 19)
        return -1;
    int neg = p[0] == '-', r0_zero = r0 >= 1 && p[s] == '0';
    if (mark == ',' && frac == 3 && r0 <= 3 && !r0_zero) {
        /* "1,234": a group, not a decimal comma */
        r->type = GS_VT_INTEGER;
        r->flags |= GS_VF_GROUPED;
        r->format = GS_VFMT_INT_GROUP_COMMA;
        r->number = neg ? -(double)m : (double)m;
        return 1;
    }
    double v = scale10(m, -(int)frac);
    r->number = neg ? -v : v;
    if (r0 > 1 && r0_zero)
        r->flags |= GS_VF_LEADING_ZERO;
    if (mark == ',') {
        r->type = GS_VT_DECIMAL;
        r->flags |= GS_VF_DECIMAL_COMMA;
        r->format = GS_VFMT_DEC_COMMA;
    } else if (mark) {
        r->type = GS_VT_DECIMAL;
        r->format = GS_VFMT_DEC_POINT;
    } else {
        r->type = GS_VT_INTEGER;
        r->format = int_format(n, r0, r0_zero, neg, m);
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

/* min..max digits at p[*i], not followed by another digit: the value, with
 * *i moved past them; or -1 with *i unchanged. */
static int digits(const unsigned char *p, size_t n, size_t *i, int min,
                  int max)
{
    size_t j = *i;
    int v = 0, k = 0;
    while (j < n && k < max && is_digit(p[j])) {
        v = v * 10 + (p[j++] - '0');
        k++;
    }
    if (k < min || (j < n && is_digit(p[j])))
        return -1;
    *i = j;
    return v;
}

static int days_in_month(int y, int m)
{
    static const unsigned char dim[] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

/* Howard Hinnant's days_from_civil, for years >= 1000. */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* HH:MM[:SS[(.|,)frac]]; hour_min digits for the hour (2 for ISO).
 * *frac is set when there is a fraction. */
static int parse_time(const unsigned char *p, size_t n, size_t *i,
                      int hour_min, int *hour, int *frac)
{
    int h = digits(p, n, i, hour_min, 2);
    if (h < 0 || h > 23 || *i >= n || p[*i] != ':')
        return 0;
    (*i)++;
    int mi = digits(p, n, i, 2, 2);
    if (mi < 0 || mi > 59)
        return 0;
    if (*i < n && p[*i] == ':') {
        (*i)++;
        int s = digits(p, n, i, 2, 2);
        if (s < 0 || s > 60)
            return 0;
        if (*i < n && (p[*i] == '.' || p[*i] == ',')) {
            size_t start = ++(*i);
            while (*i < n && is_digit(p[*i]))
                (*i)++;
            if (*i == start)
                return 0;
            *frac = 1;
        }
    }
    *hour = h;
    return 1;
}

/* Z, +-HH, +-HHMM, +-HH:MM or nothing; *zone set when there is one. */
static int parse_offset(const unsigned char *p, size_t n, size_t *i,
                        int *zone)
{
    *zone = *i < n && (p[*i] == 'Z' || p[*i] == '+' || p[*i] == '-');
    if (*i < n && p[*i] == 'Z') {
        (*i)++;
        return 1;
    }
    if (!*zone)
        return 1;
    (*i)++;
    int h = digits(p, n, i, 2, 2);
    if (h < 0) {
        /* +HHMM: digits() refuses a 4-digit run for a 2-digit field */
        h = digits(p, n, i, 4, 4);
        return h >= 0 && h / 100 <= 23 && h % 100 <= 59;
    }
    if (h < 0 || h > 23)
        return 0;
    if (*i < n && p[*i] == ':') {
        (*i)++;
        int m = digits(p, n, i, 2, 2);
        if (m < 0 || m > 59)
            return 0;
    }
    return 1;
}

/* " H:MM[:SS]" and an optional " AM"/" PM" after a non-ISO date. */
static int parse_local_time(const unsigned char *p, size_t n, size_t *i)
{
    if (*i == n)
        return 1;
    int h, frac = 0;
    if (p[*i] != ' ')
        return 0;
    (*i)++;
    if (!parse_time(p, n, i, 1, &h, &frac))
        return 0;
    if (*i + 3 == n && p[*i] == ' ' && ((p[*i + 2] | 0x20) == 'm') &&
        ((p[*i + 1] | 0x20) == 'a' || (p[*i + 1] | 0x20) == 'p')) {
        if (h < 1 || h > 12)
            return 0;
        *i = n;
    }
    return *i == n;
}

static int set_date(gs_value_class *r, int y, int m, int d)
{
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, m))
        return 0;
    r->type = GS_VT_DATE;
    r->date_days = days_from_civil(y, m, d);
    return 1;
}

/* Two digits at p: their value, else -1. */
static int two_digits(const unsigned char *p)
{
    return is_digit(p[0]) && is_digit(p[1]) ? (p[0] - '0') * 10 + p[1] - '0'
                                            : -1;
}

/* A year-first date y<sep>m<sep>d has been read up to p[i]: then an ISO
 * time and zone after '-', a local time after '/'. */
static int ymd_rest(const unsigned char *p, size_t n, size_t i,
                    unsigned char sep, int y, int m, int d,
                    gs_value_class *r)
{
    gs_vformat f = sep == '-' ? GS_VFMT_DATE_ISO : GS_VFMT_DATE_YMD_SLASH;
    if (sep == '-' && i < n) {
        int h, frac = 0, zone = 0;
        int space = p[i] == ' ';
        if ((p[i] != 'T' && !space) || ++i >= n ||
            !parse_time(p, n, &i, 2, &h, &frac) ||
            !parse_offset(p, n, &i, &zone) || i != n)
            return 0;
        f = (gs_vformat)(GS_VFMT_DATETIME_ISO + 4 * space + 2 * frac + zone);
    } else if (!parse_local_time(p, n, &i)) {
        return 0;
    }
    r->format = f;
    return set_date(r, y, m, d);
}

static int parse_date(const unsigned char *p, size_t n, gs_value_class *r)
{
    /* YYYY-MM-DD, most dates, read in place: what the digits() calls
     * below read from it */
    if (n >= 10 && p[4] == '-' && p[7] == '-' &&
        (n == 10 || !is_digit(p[10]))) {
        int c = two_digits(p), y = two_digits(p + 2), m = two_digits(p + 5),
            d = two_digits(p + 8);
        if ((c | y | m | d) >= 0)
            return ymd_rest(p, n, 10, '-', c * 100 + y, m, d, r);
    }
    size_t i = 0;
    int a = digits(p, n, &i, 1, 4);
    if (a < 0 || i >= n)
        return 0;
    unsigned char sep = p[i];
    if (i == 4 && (sep == '-' || sep == '/')) {
        int w = sep == '-' ? 2 : 1;   /* ISO wants two-digit fields */
        i++;
        int m = digits(p, n, &i, w, 2);
        if (m < 0 || i >= n || p[i] != sep)
            return 0;
        i++;
        int d = digits(p, n, &i, w, 2);
        if (d < 0)
            return 0;
        return ymd_rest(p, n, i, sep, a, m, d, r);
    }
    if (i > 2 || (sep != '/' && sep != '.'))
        return 0;
    i++;
    int b = digits(p, n, &i, 1, 2);
    if (b < 0 || i >= n || p[i] != sep)
        return 0;
    i++;
    int y = digits(p, n, &i, 4, 4);
    if (y < 0 || !parse_local_time(p, n, &i))
        return 0;
    if (sep == '.') {
        r->format = GS_VFMT_DATE_DMY_DOT;
        return set_date(r, y, b, a);
    }
    if (a > 12) {
        r->format = GS_VFMT_DATE_DMY_SLASH;
        return set_date(r, y, b, a);
    }
    if (b > 12) {
        r->format = GS_VFMT_DATE_MDY_SLASH;
        return set_date(r, y, a, b);
    }
    /* Both orders read the same date when a == b: still no order known. */
    r->format = GS_VFMT_DATE_DM_AMBIGUOUS;
    if (!set_date(r, y, b, a))
        return 0;
    if (a != b)
        r->flags |= GS_VF_DATE_AMBIGUOUS;
    return 1;
}

/* ------------------------------------------------------------------ */
/* String formats                                                      */

static int is_hex(unsigned char c)
{
    return is_digit(c) || (unsigned)((c | 0x20) - 'a') < 6u;
}

static int is_uuid(const unsigned char *p, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < 36; i++)
        if (i == 8 || i == 13 || i == 18 || i == 23 ? p[i] != '-'
                                                     : !is_hex(p[i]))
            return 0;
    return 1;
}

static int is_ipv4(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= n || p[i++] != '.'))
            return 0;
        size_t start = i;
        int v = digits(p, n, &i, 1, 3);
        if (v < 0 || v > 255 || (i - start > 1 && p[start] == '0'))
            return 0;
    }
    return i == n;
}

/* One '@' (at), something before it, a dot inside the domain. The caller
 * has checked there is no space. */
static int is_email(const unsigned char *p, size_t n, size_t at)
{
    if (at == 0 || at + 3 >= n)
        return 0;
    for (size_t i = at + 2; i + 1 < n; i++)
        if (p[i] == '.')
            return 1;
    return 0;
}

/* scheme:// with a 2-10 character scheme, or www. */
static int is_url(const unsigned char *p, size_t n)
{
    if (n > 4 && memcmp(p, "www.", 4) == 0)
        return 1;
    size_t i = 0;
    while (i < n && i <= 10 &&
           (is_alpha(p[i]) || (i > 0 && (is_digit(p[i]) || p[i] == '+' ||
                                         p[i] == '.' || p[i] == '-'))))
        i++;
    return i >= 2 && i + 3 < n && p[i] == ':' && p[i + 1] == '/' &&
           p[i + 2] == '/';
}

/* Digits with separators: E.164 ('+' and 8-15 digits, nothing else; the
 * number parser reads that as an integer and gives the format itself) or a
 * national form (7-15 digits, at least one separator). The caller has
 * checked that p holds only digits, '+', ' ', '-', '.', '(' and ')'. */
static gs_vformat phone_format(const unsigned char *p, size_t n)
{
    size_t dig = 0, seps = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(p[i]))
            dig++;
        else if (p[i] != '+')
            seps++;
        else if (i != 0)
            return GS_VFMT_OTHER;
    }
    if (p[0] == '+' && seps == 0 && dig >= 8 && dig <= 15 && p[1] != '0')
        return GS_VFMT_PHONE_E164;
    if (seps > 0 && dig >= 7 && dig <= 15 && is_digit(p[n - 1]))
        return GS_VFMT_PHONE_NATIONAL;
    return GS_VFMT_OTHER;
}

/* A currency symbol at p[i] (UTF-8): its length, else 0. */
static size_t currency_symbol(const unsigned char *p, size_t n, size_t i)
{
    if (i < n && p[i] == '$')
        return 1;
    if (i + 1 < n && p[i] == 0xC2 && (p[i + 1] == 0xA3 || p[i + 1] == 0xA5))
        return 2;   /* £ ¥ */
    if (i + 2 < n && p[i] == 0xE2 && p[i + 1] == 0x82 &&
        (p[i + 2] == 0xAC || p[i + 2] == 0xB9 || p[i + 2] == 0xA9 ||
         p[i + 2] == 0xBD || p[i + 2] == 0xBA || p[i + 2] == 0xAA))
        return 3;   /* € ₹ ₩ ₽ ₺ ₪ */
    return 0;
}

static int currency_code(const unsigned char *p, size_t n, size_t i)
{
    static const char codes[][4] = {
        "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD",
        "HUF", "INR", "JPY", "KRW", "MXN", "NOK", "NZD", "PLN", "RUB", "SEK",
        "SGD", "TRY", "USD", "ZAR",
    };
    if (i + 3 > n)
        return 0;
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
        if (memcmp(codes[k], p + i, 3) == 0)
            return 1;
    return 0;
}

static int is_number_text(const unsigned char *p, size_t n)
{
    gs_value_class tmp;
    int num = n > 0 ? simple_number(p, n, &tmp) : 0;
    return num > 0 || (num < 0 && parse_number(p, n, &tmp));
}

/* Spaces (ASCII or U+00A0) at p[i..]: how many bytes. */
static size_t spaces(const unsigned char *p, size_t n, size_t i)
{
    size_t j = i;
    for (;;) {
        if (j < n && p[j] == ' ')
            j++;
        else if (j + 1 < n && p[j] == 0xC2 && p[j + 1] == 0xA0)
            j += 2;
        else
            return j - i;
    }
}

/* Percent and currency: a number with '%', a symbol or a code around it. */
static gs_vformat amount_format(const unsigned char *p, size_t n)
{
    size_t b = p[0] == '-' ? 1 : 0, k;
    if (p[n - 1] == '%') {
        size_t e = n - 1;
        while (e > 0 && p[e - 1] == ' ')
            e--;
        return is_number_text(p, e) ? GS_VFMT_PERCENT : GS_VFMT_OTHER;
    }
    if ((k = currency_symbol(p, n, b)) != 0) {
        k += b + spaces(p, n, b + k);
        return is_number_text(p + k, n - k) ? GS_VFMT_CURRENCY_SYMBOL_BEFORE
                                            : GS_VFMT_OTHER;
    }
    if (currency_code(p, n, 0)) {
        k = 3 + spaces(p, n, 3);
        return k > 3 && is_number_text(p + k, n - k)
                   ? GS_VFMT_CURRENCY_CODE_BEFORE : GS_VFMT_OTHER;
    }
    /* number [spaces] symbol-or-code */
    size_t e = n;
    for (size_t k = 1; k <= 3 && k < n; k++)
        if (currency_symbol(p, n, n - k) == k) {
            e = n - k;
            break;
        }
    int code = e == n && n > 4 && currency_code(p, n, n - 3);
    if (e == n && !code)
        return GS_VFMT_OTHER;
    if (code)
        e = n - 3;
    while (e > 0 && (p[e - 1] == ' ' || (e > 1 && p[e - 2] == 0xC2 &&
                                         p[e - 1] == 0xA0)))
        e -= p[e - 1] == ' ' ? 1 : 2;
    if (code && e == n - 3)
        return GS_VFMT_OTHER;   /* "12USD" is not written that way */
    if (!is_number_text(p, e))
        return GS_VFMT_OTHER;
    return code ? GS_VFMT_CURRENCY_CODE_AFTER : GS_VFMT_CURRENCY_SYMBOL_AFTER;
}

/* English month abbreviation at p (any case): 1-12, else 0. */
static int month_abbr(const unsigned char *p)
{
    static const char m[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    char w[3] = {(char)(p[0] | 0x20), (char)(p[1] | 0x20),
                 (char)(p[2] | 0x20)};
    for (int i = 0; i < 12; i++)
        if (memcmp(m + 3 * i, w, 3) == 0)
            return i + 1;
    return 0;
}

static int valid_ymd(int y, int m, int d)
{
    return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

/* [Ddd, ]D Mon YYYY HH:MM[:SS] (+-HHMM | UT | GMT | Z | [A-Z]{3}) */
static int is_rfc2822(const unsigned char *p, size_t n)
{
    size_t i = 0;
    int h, frac = 0;
    if (n >= 5 && is_alpha(p[0]) && p[3] == ',' && p[4] == ' ')
        i = 5;
    int d = digits(p, n, &i, 1, 2);
    if (d < 0 || i + 5 > n || p[i] != ' ' || !is_alpha(p[i + 1]))
        return 0;
    int m = month_abbr(p + i + 1);
    i += 4;
    if (!m || p[i++] != ' ')
        return 0;
    int y = digits(p, n, &i, 4, 4);
    if (y < 0 || !valid_ymd(y, m, d) || i >= n || p[i++] != ' ' ||
        !parse_time(p, n, &i, 2, &h, &frac) || frac || i >= n ||
        p[i++] != ' ' || i >= n)
        return 0;
    if (p[i] == '+' || p[i] == '-') {
        i++;
        return digits(p, n, &i, 4, 4) >= 0 && i == n;
    }
    while (i < n && p[i] >= 'A' && p[i] <= 'Z')
        i++;
    return i == n;
}

/* Mon[.] D, YYYY */
static int is_mon_d_y(const unsigned char *p, size_t n)
{
    size_t i = 3;
    if (n < 10 || n > 13 || !is_alpha(p[0]) || !is_alpha(p[1]) ||
        !is_alpha(p[2]))
        return 0;
    int m = month_abbr(p);
    if (!m)
        return 0;
    if (p[i] == '.')
        i++;
    if (i >= n || p[i++] != ' ')
        return 0;
    int d = digits(p, n, &i, 1, 2);
    if (d < 0 || i + 2 >= n || p[i] != ',' || p[i + 1] != ' ')
        return 0;
    i += 2;
    int y = digits(p, n, &i, 4, 4);
    return y >= 0 && i == n && valid_ymd(y, m, d);
}

/* Byte classes for the string pass. */
enum {
    C_LOW = 1, C_UP = 2, C_DIGIT = 4, C_PHONE = 8, C_AT = 16, C_COLON = 32,
    C_SPACE = 64, C_HIGH = 128, C_OTHER = 256
};

#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
#define O C_OTHER
static const unsigned short byte_class[256] = {
    R16(O), R16(O),
    /* ' ' ! " # $ % & ' ( ) * + , - . / */
    C_SPACE | C_PHONE, O, O, O, O, O, O, O, C_PHONE, C_PHONE, O, C_PHONE, O,
    C_PHONE, C_PHONE, O,
    /* 0-9 : ; < = > ? */
    R4(C_DIGIT), R4(C_DIGIT), C_DIGIT, C_DIGIT, C_COLON, O, O, O, O, O,
    /* @ A-Z [ \ ] ^ _ */
    C_AT, R16(C_UP), R4(C_UP), R4(C_UP), C_UP, C_UP, O, O, O, O, O,
    /* ` a-z { | } ~ DEL */
    O, R16(C_LOW), R4(C_LOW), R4(C_LOW), C_LOW, C_LOW, O, O, O, O, O,
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),
};
#undef O
#undef R16
#undef R4

static int upper3(const unsigned char *p)
{
    return (byte_class[p[0]] & byte_class[p[1]] & byte_class[p[2]]) == C_UP;
}

/* Could p be an amount: a digit and a symbol, '%' or code at an end. */
static int amount_like(const unsigned char *p, size_t n, unsigned any)
{
    if (!(any & C_DIGIT))
        return 0;
    unsigned char a = p[0], z = p[n - 1];
    return a >= 0x80 || z >= 0x80 || a == '$' || z == '$' || z == '%' ||
           a == '-' || (n > 4 && p[3] == ' ' && upper3(p)) ||
           (n > 4 && p[n - 4] == ' ' && upper3(p + n - 3));
}

/* The formats of strings that hold more than letters and spaces (any: the
 * union of their byte classes); GS_VFMT_OTHER when none fits. */
static gs_vformat special_format(const unsigned char *p, size_t n,
                                 unsigned any)
{
    if ((any & C_AT) && !(any & C_SPACE)) {
        const unsigned char *at = memchr(p, '@', n);
        if (!memchr(at + 1, '@', n - (size_t)(at - p) - 1) &&
            is_email(p, n, (size_t)(at - p)))
            return GS_VFMT_EMAIL;
    }
    if (!(any & C_SPACE) && ((any & C_COLON) || p[0] == 'w') && is_url(p, n))
        return GS_VFMT_URL;
    if (n == 36 && is_uuid(p, n))
        return GS_VFMT_UUID;
    if (!(any & ~(unsigned)(C_PHONE | C_DIGIT | C_SPACE))) {
        if (is_ipv4(p, n))
            return GS_VFMT_IPV4;
        gs_vformat f = phone_format(p, n);
        if (f)
            return f;
    }
    if (amount_like(p, n, any)) {
        gs_vformat f = amount_format(p, n);
        if (f)
            return f;
    }
    if ((any & (C_COLON | C_DIGIT)) == (C_COLON | C_DIGIT) &&
        is_rfc2822(p, n))
        return GS_VFMT_DATE_RFC2822;
    if ((any & C_DIGIT) && n >= 10 && n <= 13 && is_mon_d_y(p, n))
        return GS_VFMT_DATE_MON_D_Y;
    return GS_VFMT_OTHER;
}

/* The format of a value that is none of null, boolean, number, date: one
 * pass over the byte classes; words of letters and spaces go straight to
 * their case style. */
static gs_vformat string_format(const unsigned char *p, size_t n)
{
    unsigned any = 0;   /* the union of byte classes, four at a time */
    size_t i;
    if (n < 4) {
        for (i = 0; i < n; i++)
            any |= byte_class[p[i]];
    } else {
        for (i = 0; i + 4 < n; i += 4)
            any |= byte_class[p[i]] | byte_class[p[i + 1]] |
                   byte_class[p[i + 2]] | byte_class[p[i + 3]];
        any |= byte_class[p[n - 4]] | byte_class[p[n - 3]] |   /* overlap */
               byte_class[p[n - 2]] | byte_class[p[n - 1]];
    }
    if (any & ~(unsigned)(C_LOW | C_UP | C_SPACE)) {
        gs_vformat f = special_format(p, n, any);
        if (f)
            return f;
    }
    if (!(any & (C_UP | C_LOW)))
        return GS_VFMT_STR_UNCASED;
    if (!(any & C_UP))
        return GS_VFMT_STR_LOWER;
    if (!(any & C_LOW))
        return GS_VFMT_STR_UPPER;
    /* C_UP in after_letter: an upper-case letter follows a letter (prev |
     * prev << 1 has C_UP set after C_LOW or C_UP), which rules out Title
     * case. Branch-free per byte. */
    unsigned prev = 0, after_letter = 0;
    for (i = 0; i < n; i++) {
        unsigned m = byte_class[p[i]];
        after_letter |= m & (prev | prev << 1);
        prev = m;
    }
    if (after_letter & C_UP)
        return GS_VFMT_STR_MIXED;
    i = 0;
    while (!(byte_class[p[i]] & (C_UP | C_LOW)))
        i++;
    return byte_class[p[i]] & C_UP ? GS_VFMT_STR_TITLE : GS_VFMT_STR_MIXED;
}

/* ------------------------------------------------------------------ */
/* Shapes                                                              */

/* Latin Extended-A (U+0100-U+017F): upper case, mostly the even code
 * points, with the runs where the pairing shifts by one. */
static int latin_ext_a_upper(uint32_t cp)
{
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp & 1;
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F)
        return 0;
    return cp == 0x178 || !(cp & 1);
}

/* The shape symbol of the character at p[i], its length in *len: 'A' or
 * 'a' for letters, 'X' for symbols and invalid bytes, 0 for a combining
 * mark (see value.h). */
static char wide_symbol(const unsigned char *p, size_t n, size_t i,
                        size_t *len)
{
    unsigned char c = p[i];
    size_t need = c >= 0xF5 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3
                  : c >= 0xC2 ? 2 : 0;
    *len = 1;
    if (need == 0 || i + need > n)
        return 'X';
    uint32_t cp = c & (0x7F >> need);
    for (size_t k = 1; k < need; k++) {
        if ((p[i + k] & 0xC0) != 0x80)
            return 'X';
        cp = cp << 6 | (p[i + k] & 0x3Fu);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 'X';
    *len = need;
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return 'X';
    if (cp < 0x100)
        return cp < 0xDF ? 'A' : 'a';
    if (cp < 0x180)
        return latin_ext_a_upper(cp) ? 'A' : 'a';
    if (cp >= 0x300 && cp < 0x370)
        return 0;
    if (cp >= 0x386 && cp < 0x3AC)   /* Greek capitals */
        return cp == 0x387 ? 'X' : 'A';
    if (cp >= 0x400 && cp < 0x530)   /* Cyrillic */
        return cp < 0x430 ? 'A' : cp < 0x460 || (cp & 1) ? 'a' : 'A';
    if ((cp >= 0x2000 && cp < 0x2C00) || (cp >= 0x3000 && cp < 0x3040) ||
        (cp >= 0xE000 && cp < 0xF900) || (cp >= 0xFE00 && cp < 0x10000) ||
        cp >= 0x1F000)
        return 'X';
    return 'a';
}

/* The shape symbol of each ASCII byte: controls are 'X', digits '9',
 * letters 'A' or 'a', other bytes stand for themselves. (A table: the
 * chain of range tests it replaces mispredicts at every change of class.) */
static const char ascii_shape[128 + 1] =
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    " !\"#$%&'()*+,-./9999999999:;<=>?"
    "@AAAAAAAAAAAAAAAAAAAAAAAAAA[\\]^_"
    "`aaaaaaaaaaaaaaaaaaaaaaaaaa{|}~X";

#define HIGH_BITS UINT64_C(0x8080808080808080)

/* Is p[0..8) all ASCII? */
static int ascii8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return !(v & HIGH_BITS);
}

/* The shape of p[b..e) with runs of one symbol written once, cut after
 * GS_SHAPE_SYMBOLS symbols with an ellipsis; written as far as cap allows.
 * An ASCII byte that repeats the symbol before costs a look-up and a
 * compare. */
static size_t shape_collapsed(const unsigned char *p, size_t b, size_t e,
                              char *out, size_t cap)
{
    size_t o = 0, sym = 0;
    char prev = 0;
    for (size_t i = b; i < e;) {
        char y;
        if (p[i] < 0x80) {
            y = ascii_shape[p[i++]];
            if (y == prev)
                continue;
        } else {
            size_t l = 1;
            y = wide_symbol(p, e, i, &l);
            i += l;
            if (!y || y == prev)
                continue;
        }
        prev = y;
        if (sym == GS_SHAPE_SYMBOLS) {
            if (o + 3 < cap) {
                memcpy(out + o, "\xE2\x80\xA6", 3);
                o += 3;
            }
            break;
        }
        if (o + 1 < cap)
            out[o++] = y;
        sym++;
    }
    return o;
}

/* The shape of p[b..e) symbol by symbol, written as far as cap allows;
 * SIZE_MAX when it has more than GS_SHAPE_SYMBOLS symbols. */
static size_t shape_whole(const unsigned char *p, size_t b, size_t e,
                          char *out, size_t cap)
{
    size_t o = 0, sym = 0;
    for (size_t i = b; i < e;) {
        size_t l = 1;
        char y = p[i] < 0x80 ? ascii_shape[p[i]] : wide_symbol(p, e, i, &l);
        i += l;
        if (!y)
            continue;
        if (sym++ == GS_SHAPE_SYMBOLS)
            return SIZE_MAX;
        if (o + 1 < cap)
            out[o++] = y;
    }
    return o;
}

/* The shape of p[b..e) with non-ASCII bytes or more than GS_SHAPE_SYMBOLS
 * bytes, or for a small out: the general case, out of the way of the
 * common one (see gs_value_shape). */
__attribute__((noinline))
static size_t shape_other(const unsigned char *p, size_t b, size_t e,
                          char *out, size_t cap)
{
    /* GS_SHAPE_SYMBOLS + 1 ASCII bytes are that many symbols: such a
     * shape is collapsed without trying it whole first. */
    _Static_assert(GS_SHAPE_SYMBOLS == 32, "four words of eight");
    int long_ascii = e - b > 32 && ascii8(p + b) && ascii8(p + b + 8) &&
                     ascii8(p + b + 16) && ascii8(p + b + 24) &&
                     p[b + 32] < 0x80;
    size_t o = long_ascii ? SIZE_MAX : shape_whole(p, b, e, out, cap);
    if (o == SIZE_MAX)
        o = shape_collapsed(p, b, e, out, cap);
    out[o] = '\0';
    return o;
}

#ifdef GS__SSE2
/* ascii_shape of 16 ASCII bytes at once, by compares. */
static inline __m128i shape16(__m128i v)
{
#define IN_RANGE(lo, hi) _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(lo - 1)), \
                                       _mm_cmplt_epi8(v, _mm_set1_epi8(hi + 1)))
    __m128i digit = IN_RANGE('0', '9'), upper = IN_RANGE('A', 'Z'),
            lower = IN_RANGE('a', 'z');
#undef IN_RANGE
    __m128i ctrl = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(' ')),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    __m128i sym = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8('9')),
                     _mm_and_si128(upper, _mm_set1_epi8('A'))),
        _mm_or_si128(_mm_and_si128(lower, _mm_set1_epi8('a')),
                     _mm_and_si128(ctrl, _mm_set1_epi8('X'))));
    __m128i mapped = _mm_or_si128(_mm_or_si128(digit, upper),
                                  _mm_or_si128(lower, ctrl));
    return _mm_or_si128(sym, _mm_andnot_si128(mapped, v));
}

/* The shape of p[0..n) (ASCII, 4 <= n <= 32) into out[0..n): read and written as two pieces, first and last, that overlap
 * unless n is twice a piece (4, 8 or 16 bytes). They are the very pieces
 * XXH3 reads back to hash the shape (4-8 bytes: 4 at each end; 9-16: 8;
 * 17-32: 16), so each of its loads is fed by one store; byte stores would
 * stall every load until they reached the cache. Nothing outside p[0..n)
 * is read. */
static void shape_pieces(const unsigned char *p, size_t n, char *out)
{
    if (n >= 16) {
        __m128i a = shape16(_mm_loadu_si128((const __m128i *)(const void *)p));
        __m128i z = shape16(
            _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16)));
        _mm_storeu_si128((__m128i *)(void *)out, a);
        _mm_storeu_si128((__m128i *)(void *)(out + n - 16), z);
    } else if (n >= 8) {
        __m128i v = shape16(_mm_unpacklo_epi64(
            _mm_loadl_epi64((const __m128i *)(const void *)p),
            _mm_loadl_epi64((const __m128i *)(const void *)(p + n - 8))));
        _mm_storel_epi64((__m128i *)(void *)out, v);
        _mm_storel_epi64((__m128i *)(void *)(out + n - 8),
                         _mm_unpackhi_epi64(v, v));
    } else {
        uint32_t a, z;
        memcpy(&a, p, 4);
        memcpy(&z, p + n - 4, 4);
        __m128i v = shape16(_mm_unpacklo_epi32(_mm_cvtsi32_si128((int)a),
                                               _mm_cvtsi32_si128((int)z)));
        a = (uint32_t)_mm_cvtsi128_si32(v);
        z = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(v, 4));
        memcpy(out, &a, 4);
        memcpy(out + n - 4, &z, 4);
    }
}
#endif

size_t gs_value_shape(const char *s, size_t len, char *out, size_t cap)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t b, e;
    if (cap == 0)
        return 0;
    trim(u, len, &b, &e);
    const unsigned char *p = u + b;
    size_t n = e - b;
    if (n > GS_SHAPE_SYMBOLS || n >= cap || !gs_ascii_only(p, n))
        return shape_other(u, b, e, out, cap);
#ifdef GS__SSE2
    if (n >= 4) {
        shape_pieces(p, n, out);
        out[n] = '\0';
        return n;
    }
#endif
    /* Short ASCII, the common case: one symbol per byte, four at a time
     * (the last four overlapping). */
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            out[i] = ascii_shape[p[i]];
    } else {
        for (size_t i = 0; i + 4 < n; i += 4) {
            out[i] = ascii_shape[p[i]];
            out[i + 1] = ascii_shape[p[i + 1]];
            out[i + 2] = ascii_shape[p[i + 2]];
            out[i + 3] = ascii_shape[p[i + 3]];
        }
        out[n - 4] = ascii_shape[p[n - 4]];   /* the last four, overlapping */
        out[n - 3] = ascii_shape[p[n - 3]];
        out[n - 2] = ascii_shape[p[n - 2]];
        out[n - 1] = ascii_shape[p[n - 1]];
    }
    out[n] = '\0';
    return n;
}

/* ------------------------------------------------------------------ */

void gs_value_classify_to(gs_value_class *r, const char *s, size_t len,
                          gs_value_kind kind)
{
    *r = (gs_value_class){GS_VT_STRING, -1, 0, GS_VFMT_OTHER, 0, 0.0};
    const unsigned char *u = (const unsigned char *)s;
    switch (kind) {
    case GS_VK_NULL:
        r->type = GS_VT_NULL;
        r->null_token = NULL_TOKEN_JSON;
        r->format = GS_VFMT_NULL_JSON;
        return;
    case GS_VK_BOOL:
        r->type = GS_VT_BOOL;
        r->format = GS_VFMT_BOOL_JSON;
        return;
    case GS_VK_NUMBER:   /* a string if it does not parse */
        if (simple_number(u, len, r) < 0)
            parse_number(u, len, r);
        return;
    default:
        break;
    }

    size_t b, e;
    trim(u, len, &b, &e);
    if (b != 0 || e != len)
        r->flags |= GS_VF_PADDED;
    if (b == e) {
        r->type = GS_VT_NULL;
        r->null_token = 0;
        r->format = GS_VFMT_NULL_EMPTY;
        return;
    }
    const unsigned char *p = u + b;
    size_t n = e - b;
    unsigned char c = p[0];
    if (!is_digit(c)) {
        if (n <= NULL_TOKEN_MAX_LEN) {
            int t = null_token((const char *)p, n);
            if (t >= 0) {
                r->type = GS_VT_NULL;
                r->null_token = t;
                r->format = GS_VFMT_NULL_TOKEN;
                return;
            }
        }
        gs_vformat bf = bool_format((const char *)p, n);
        if (bf) {
            r->type = GS_VT_BOOL;
            r->format = bf;
            return;
        }
    }
    /* The parsers write r only on success (parse_date may leave a format
     * behind, which string_format overwrites). */
    if (is_digit(c) || c == '-' || c == '+' || c == '.') {
        int num = simple_number(p, n, r);
        if (num > 0 || (num < 0 && parse_number(p, n, r)) ||
            (is_digit(c) && parse_date(p, n, r)))
            return;
    }
    r->format = string_format(p, n);
}

gs_value_class gs_value_classify(const char *s, size_t len,
                                 gs_value_kind kind)
{
    gs_value_class r;
    gs_value_classify_to(&r, s, len, kind);
    return r;
}

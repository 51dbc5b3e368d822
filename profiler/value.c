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
 * Invariants:
 *   1. The result depends only on (bytes, kind).
 *   2. Null-token indices never change: tokens are only appended.
 *   3. A JSON number is only ever integer or decimal (or string if it does
 *      not parse); JSON null/true/false are null/boolean whatever the bytes.
 */
#include "gapscan/value.h"

#include <float.h>
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
static int is_ws(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_alpha(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u;
}

static int null_token(const char *p, size_t n)
{
    for (size_t i = 1; i < N_NULL_TOKENS; i++)
        if (null_tokens[i].len == n && null_tokens[i].s[0] == p[0] &&
            memcmp(null_tokens[i].s, p, n) == 0)
            return (int)i;
    return -1;
}

static int is_bool(const char *p, size_t n)
{
    /* Lower-case words padded to 5 bytes, grouped by length. */
    static const char words[][6] = {
        "y", "n", "t", "f", "no", "on", "yes", "off", "true", "false",
    };
    static const unsigned char first[6] = {0, 0, 4, 6, 8, 9};
    static const unsigned char last[6] = {0, 4, 6, 8, 9, 10};
    char low[5];
    if (n == 0 || n > 5)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_alpha((unsigned char)p[i]))
            return 0;
        low[i] = (char)(p[i] | 0x20);
    }
    for (unsigned i = first[n]; i < last[n]; i++)
        if (memcmp(words[i], low, n) == 0)
            return 1;
    return 0;
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

/* HH:MM[:SS[(.|,)frac]]; hour_min digits for the hour (2 for ISO). */
static int parse_time(const unsigned char *p, size_t n, size_t *i,
                      int hour_min, int *hour)
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
        }
    }
    *hour = h;
    return 1;
}

static int parse_offset(const unsigned char *p, size_t n, size_t *i)
{
    if (*i < n && p[*i] == 'Z') {
        (*i)++;
        return 1;
    }
    if (*i >= n || (p[*i] != '+' && p[*i] != '-'))
        return 1;   /* no offset */
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
    int h;
    if (p[*i] != ' ')
        return 0;
    (*i)++;
    if (!parse_time(p, n, i, 1, &h))
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

static int parse_date(const unsigned char *p, size_t n, gs_value_class *r)
{
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
        if (sep == '-' && i < n) {
            int h;
            if ((p[i] != 'T' && p[i] != ' ') || ++i >= n ||
                !parse_time(p, n, &i, 2, &h) || !parse_offset(p, n, &i) ||
                i != n)
                return 0;
        } else if (!parse_local_time(p, n, &i)) {
            return 0;
        }
        return set_date(r, a, m, d);
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
    if (sep == '.' || a > 12)
        return set_date(r, y, b, a);
    if (b > 12)
        return set_date(r, y, a, b);
    if (!set_date(r, y, b, a))
        return 0;
    if (a != b)
        r->flags |= GS_VF_DATE_AMBIGUOUS;
    return 1;
}

/* ------------------------------------------------------------------ */

gs_value_class gs_value_classify(const char *s, size_t len,
                                 gs_value_kind kind)
{
    gs_value_class r = {GS_VT_STRING, -1, 0, 0, 0.0};
    const unsigned char *u = (const unsigned char *)s;
    switch (kind) {
    case GS_VK_NULL:
        r.type = GS_VT_NULL;
        r.null_token = NULL_TOKEN_JSON;
        return r;
    case GS_VK_BOOL:
        r.type = GS_VT_BOOL;
        return r;
    case GS_VK_NUMBER:
        parse_number(u, len, &r);   /* a string if it does not parse */
        return r;
    default:
        break;
    }

    size_t b = 0, e = len;
    while (b < e && is_ws(u[b]))
        b++;
    while (e > b && is_ws(u[e - 1]))
        e--;
    if (b != 0 || e != len)
        r.flags |= GS_VF_PADDED;
    if (b == e) {
        r.type = GS_VT_NULL;
        r.null_token = 0;
        return r;
    }
    const unsigned char *p = u + b;
    size_t n = e - b;
    unsigned char c = p[0];
    if (!is_digit(c)) {
        if (n <= NULL_TOKEN_MAX_LEN) {
            int t = null_token((const char *)p, n);
            if (t >= 0) {
                r.type = GS_VT_NULL;
                r.null_token = t;
                return r;
            }
        }
        if (is_bool((const char *)p, n)) {
            r.type = GS_VT_BOOL;
            return r;
        }
        if (c != '-' && c != '+' && c != '.')
            return r;
    }
    /* Both parsers write r only on success. */
    if (parse_number(p, n, &r))
        return r;
    if (is_digit(c))
        parse_date(p, n, &r);
    return r;
}

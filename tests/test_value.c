/* test_value.c - gs_value_classify against a table of values and traps.
 *
 * Each row: bytes, what the format said, and the expected type, null token,
 * flags and value (number for integers/decimals, days since 1970-01-01 for
 * dates). A second table gives type, concrete format and shape. One loop
 * test per row, so a failure names its row.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gapscan/value.h"

enum { TX = GS_VK_TEXT, JS = GS_VK_STRING, JN = GS_VK_NUMBER,
       JB = GS_VK_BOOL, JZ = GS_VK_NULL };
enum { PAD = GS_VF_PADDED, LZ = GS_VF_LEADING_ZERO, DC = GS_VF_DECIMAL_COMMA,
       GR = GS_VF_GROUPED, AMB = GS_VF_DATE_AMBIGUOUS };

typedef struct row {
    const char *in;
    int kind;
    gs_vtype type;
    int null_token;
    unsigned flags;
    double value;   /* number, or date_days */
} row;

#define NUL GS_VT_NULL
#define BOO GS_VT_BOOL
#define INT GS_VT_INTEGER
#define DEC GS_VT_DECIMAL
#define DAT GS_VT_DATE
#define STR GS_VT_STRING

static const row rows[] = {
    /* nulls: empty, whitespace, the token table, JSON null */
    {"", TX, NUL, 0, 0, 0},
    {"  ", TX, NUL, 0, PAD, 0},
    {"\t\r\n", TX, NUL, 0, PAD, 0},
    {"NULL", TX, NUL, 1, 0, 0},
    {"null", TX, NUL, 2, 0, 0},
    {"Null", TX, NUL, 3, 0, 0},
    {"N/A", TX, NUL, 4, 0, 0},
    {"n/a", TX, NUL, 5, 0, 0},
    {"NA", TX, NUL, 6, 0, 0},
    {"na", TX, NUL, 7, 0, 0},
    {"-", TX, NUL, 8, 0, 0},
    {"--", TX, NUL, 9, 0, 0},
    {"None", TX, NUL, 10, 0, 0},
    {"none", TX, NUL, 11, 0, 0},
    {"#N/A", TX, NUL, 12, 0, 0},
    {"NaN", TX, NUL, 13, 0, 0},
    {"nan", TX, NUL, 14, 0, 0},
    {"nil", TX, NUL, 15, 0, 0},
    {"(null)", TX, NUL, 16, 0, 0},
    {"undefined", TX, NUL, 17, 0, 0},
    {"?", TX, NUL, 18, 0, 0},
    {"missing", TX, NUL, 19, 0, 0},
    {" NA ", TX, NUL, 6, PAD, 0},
    {"null", JZ, NUL, 2, 0, 0},
    {"null", JS, NUL, 2, 0, 0},
    {"NAN", TX, STR, -1, 0, 0},
    {"Missing", TX, STR, -1, 0, 0},
    /* booleans */
    {"true", TX, BOO, -1, 0, 0},
    {"Yes", TX, BOO, -1, 0, 0},
    {"N", TX, BOO, -1, 0, 0},
    {"y", TX, BOO, -1, 0, 0},
    {"t", TX, BOO, -1, 0, 0},
    {"F", TX, BOO, -1, 0, 0},
    {"off", TX, BOO, -1, 0, 0},
    {"ON", TX, BOO, -1, 0, 0},
    {"FALSE", TX, BOO, -1, 0, 0},
    {" no", TX, BOO, -1, PAD, 0},
    {"false", JB, BOO, -1, 0, 0},
    {"yess", TX, STR, -1, 0, 0},
    {"truth", TX, STR, -1, 0, 0},
    /* integers */
    {"0", TX, INT, -1, 0, 0},
    {"1", TX, INT, -1, 0, 1},
    {"007", TX, INT, -1, LZ, 7},
    {"-0", TX, INT, -1, 0, 0},
    {"+5", TX, INT, -1, 0, 5},
    {"-42", TX, INT, -1, 0, -42},
    {"  42 ", TX, INT, -1, PAD, 42},
    {"1,234", TX, INT, -1, GR, 1234},
    {"1,234,567", TX, INT, -1, GR, 1234567},
    {"1 234", TX, INT, -1, GR, 1234},
    {"1.234.567", TX, INT, -1, GR, 1234567},
    {"-12'345", TX, INT, -1, GR, -12345},
    {"1\xC2\xA0" "234", TX, INT, -1, GR, 1234},
    {"1\xE2\x80\xAF" "234", TX, INT, -1, GR, 1234},
    {"20240301", TX, INT, -1, 0, 20240301},
    {"12345678901234567890", TX, INT, -1, 0, 12345678901234567890.0},
    {"12", JS, INT, -1, 0, 12},
    {"2024", JN, INT, -1, 0, 2024},
    /* decimals */
    {"3.14", TX, DEC, -1, 0, 3.14},
    {"-0.5", TX, DEC, -1, 0, -0.5},
    {"3,14", TX, DEC, -1, DC, 3.14},
    {"0,5", TX, DEC, -1, DC, 0.5},
    {"1,2345", TX, DEC, -1, DC, 1.2345},
    {"1.234", TX, DEC, -1, 0, 1.234},
    {".5", TX, DEC, -1, 0, 0.5},
    {"1,234.50", TX, DEC, -1, GR, 1234.5},
    {"1.234,50", TX, DEC, -1, GR | DC, 1234.5},
    {"1 234,5", TX, DEC, -1, GR | DC, 1234.5},
    {"1e10", TX, DEC, -1, 0, 1e10},
    {"1e-5", TX, DEC, -1, 0, 1e-5},
    {"2.5E+3", TX, DEC, -1, 0, 2500},
    {"00.5", TX, DEC, -1, LZ, 0.5},
    {"1e10", JN, DEC, -1, 0, 1e10},
    {"-0.0", JN, DEC, -1, 0, 0},
    {"6.02214076e23", JN, DEC, -1, 0, 6.02214076e23},
    {"1e400", JN, DEC, -1, 0, DBL_MAX},
    /* the edges of the fast path for [-]digits[(.|,)digits] of at most 19
     * digits, against the general reading just past them */
    {"1234567890123456789", TX, INT, -1, 0, 1234567890123456789.0},
    {"-123456789012345678.9", TX, DEC, -1, 0, -123456789012345678.9},
    {"1234567890123456789.0", TX, DEC, -1, 0, 1234567890123456789.0},
    {"99999999999999999999", TX, INT, -1, 0, 1e20},
    {"9999999999.9999999999", TX, DEC, -1, 0, 9999999999.9999999999},
    {"-1,234", TX, INT, -1, GR, -1234},
    {"1234,567", TX, DEC, -1, DC, 1234.567},
    {"0,123", TX, DEC, -1, DC, 0.123},
    {"12,34", TX, DEC, -1, DC, 12.34},
    {"-.5", TX, DEC, -1, 0, -0.5},
    {"12e3", TX, DEC, -1, 0, 12000},
    {"1.5e3", TX, DEC, -1, 0, 1500},
    {"12 345", TX, INT, -1, GR, 12345},
    {"01", JN, INT, -1, LZ, 1},
    {"+5", JN, INT, -1, 0, 5},
    {"+.5", TX, DEC, -1, 0, 0.5},
    {"+1,23", JN, DEC, -1, DC, 1.23},
    {"14.01.2007", TX, DAT, -1, 0, 13527},
    {"1.23.4", TX, STR, -1, 0, 0},
    {"1.234.5", TX, STR, -1, 0, 0},
    {"1.5x", TX, STR, -1, 0, 0},
    {"1.e5", TX, STR, -1, 0, 0},
    {"221.62", JN, DEC, -1, 0, 221.62},
    {",5", TX, STR, -1, 0, 0},
    {"-x", TX, STR, -1, 0, 0},
    {"12:30", TX, STR, -1, 0, 0},
    {"", JN, STR, -1, 0, 0},
    {"-", JN, STR, -1, 0, 0},
    /* not numbers */
    {"1.2.3", TX, STR, -1, 0, 0},
    {"5.", TX, STR, -1, 0, 0},
    {"1,,2", TX, STR, -1, 0, 0},
    {"1,23,456", TX, STR, -1, 0, 0},
    {"1,234e5", TX, STR, -1, 0, 0},
    {"12abc", TX, STR, -1, 0, 0},
    {"12 apples", TX, STR, -1, 0, 0},
    {"0x1F", TX, STR, -1, 0, 0},
    {"+", TX, STR, -1, 0, 0},
    {"1e", TX, STR, -1, 0, 0},
    {"-5-", TX, STR, -1, 0, 0},
    {"true", JN, STR, -1, 0, 0},
    /* dates */
    {"1970-01-01", TX, DAT, -1, 0, 0},
    {"2024-02-29", TX, DAT, -1, 0, 19782},
    {"2000-02-29", TX, DAT, -1, 0, 11016},
    {"2024-03-01T10:00:00Z", TX, DAT, -1, 0, 19783},
    {"2024-03-01T10:00:00+02:00", TX, DAT, -1, 0, 19783},
    {"2024-03-01T10:00:00.5+0200", TX, DAT, -1, 0, 19783},
    {"2024-03-01T10:00-05", TX, DAT, -1, 0, 19783},
    {"2024-03-01 10:00:00.123", TX, DAT, -1, 0, 19783},
    {"2024/03/01", TX, DAT, -1, 0, 19783},
    {"13/01/2024", TX, DAT, -1, 0, 19735},
    {"01/13/2024", TX, DAT, -1, 0, 19735},
    {"03/04/2024", TX, DAT, -1, AMB, 19816},
    {"05/05/2024", TX, DAT, -1, 0, 19848},
    {"3/1/2024 9:05 PM", TX, DAT, -1, AMB, 19725},
    {"01.03.2024", TX, DAT, -1, 0, 19783},
    {" 2024-03-01 ", TX, DAT, -1, PAD, 19783},
    {"2024-03-01", JS, DAT, -1, 0, 19783},
    /* not dates */
    {"2024-02-30", TX, STR, -1, 0, 0},
    {"2023-02-29", TX, STR, -1, 0, 0},
    {"1900-02-29", TX, STR, -1, 0, 0},
    {"2024-13-01", TX, STR, -1, 0, 0},
    {"2024-3-1", TX, STR, -1, 0, 0},
    {"2024-03-01T25:00", TX, STR, -1, 0, 0},
    {"2024-03-01T10:00:00+2", TX, STR, -1, 0, 0},
    {"2024-03-01X", TX, STR, -1, 0, 0},
    {"13/13/2024", TX, STR, -1, 0, 0},
    {"31/02/2024", TX, STR, -1, 0, 0},
    {"01/03/24", TX, STR, -1, 0, 0},
    {"0999-01-01", TX, STR, -1, 0, 0},
    {"3/1/2024 13:05 PM", TX, STR, -1, 0, 0},
    {"2024-03-01", JN, STR, -1, 0, 0},
    /* text */
    {"Caf\xC3\xA9", TX, STR, -1, 0, 0},
    {"\xE2\x88\x9E", TX, STR, -1, 0, 0},
    {"hello world", TX, STR, -1, 0, 0},
    {" x", TX, STR, -1, PAD, 0},
};
#define N_ROWS ((int)(sizeof rows / sizeof rows[0]))

/* The value in a buffer of exactly its length (no NUL after it), so a read
 * past the end is caught by the sanitizer build. */
static char *exact_copy(const char *s, size_t len)
{
    char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, s, len);
    return p;
}

START_TEST(classifies_each_value_as_the_table_says)
{
    const row *r = &rows[_i];
    size_t len = strlen(r->in);
    char *in = exact_copy(r->in, len);
    gs_value_class c = gs_value_classify(in, len, (gs_value_kind)r->kind);
    free(in);
    ck_assert_msg(c.type == r->type, "row %d \"%s\": type %s, want %s", _i,
                  r->in, gs_vtype_name(c.type), gs_vtype_name(r->type));
    ck_assert_msg(c.null_token == r->null_token,
                  "row %d \"%s\": null token %d, want %d", _i, r->in,
                  c.null_token, r->null_token);
    ck_assert_msg(c.flags == r->flags, "row %d \"%s\": flags %#x, want %#x",
                  _i, r->in, c.flags, r->flags);
    if (r->type == GS_VT_DATE)
        ck_assert_msg(c.date_days == (int32_t)r->value,
                      "row %d \"%s\": date_days %d, want %.0f", _i, r->in,
                      (int)c.date_days, r->value);
    if (r->type == GS_VT_INTEGER || r->type == GS_VT_DECIMAL) {
        double tol = fabs(r->value) * 1e-15;
        ck_assert_msg(fabs(c.number - r->value) <= tol,
                      "row %d \"%s\": number %.17g, want %.17g", _i, r->in,
                      c.number, r->value);
    }
}
END_TEST

START_TEST(table_has_at_least_sixty_rows)
{
    ck_assert_int_ge(N_ROWS, 60);
}
END_TEST

START_TEST(reads_only_the_given_length)
{
    gs_value_class c = gs_value_classify("12x", 2, GS_VK_TEXT);
    ck_assert_int_eq(c.type, GS_VT_INTEGER);
    ck_assert(c.number == 12.0);
    c = gs_value_classify("NAME", 2, GS_VK_TEXT);
    ck_assert_int_eq(c.type, GS_VT_NULL);
    ck_assert_int_eq(c.null_token, 6);
    c = gs_value_classify(NULL, 0, GS_VK_TEXT);
    ck_assert_int_eq(c.type, GS_VT_NULL);
}
END_TEST

START_TEST(exact_decimals_are_correctly_rounded)
{
    static const struct { const char *s; double v; } cases[] = {
        {"0.1", 0.1}, {"0.3", 0.3}, {"123.456", 123.456},
        {"9007199254740993", 9007199254740992.0}, {"1e22", 1e22},
        {"4.35", 4.35}, {"-1234567.891", -1234567.891},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gs_value_class c = gs_value_classify(cases[i].s, strlen(cases[i].s),
                                             GS_VK_TEXT);
        ck_assert_msg(c.number == cases[i].v, "%s -> %.17g", cases[i].s,
                      c.number);
    }
}
END_TEST

START_TEST(negative_zero_keeps_its_sign)
{
    gs_value_class c = gs_value_classify("-0", 2, GS_VK_TEXT);
    ck_assert_int_eq(c.type, GS_VT_INTEGER);
    ck_assert(c.number == 0.0 && signbit(c.number));
}
END_TEST

START_TEST(null_token_table_is_stable)
{
    static const char *const want[] = {
        "", "NULL", "null", "Null", "N/A", "n/a", "NA", "na", "-", "--",
        "None", "none", "#N/A", "NaN", "nan", "nil", "(null)", "undefined",
        "?", "missing",
    };
    size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(gs_null_token_count(), n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(gs_null_token_name(i), want[i]);
        gs_value_class c = gs_value_classify(want[i], strlen(want[i]),
                                             GS_VK_TEXT);
        ck_assert_int_eq(c.type, GS_VT_NULL);
        ck_assert_int_eq(c.null_token, (int)i);
    }
    ck_assert_str_eq(gs_null_token_label(0), "<empty>");
    ck_assert_str_eq(gs_null_token_label(4), "N/A");
    ck_assert_ptr_null(gs_null_token_name(n));
}
END_TEST

START_TEST(type_names_read_as_words)
{
    ck_assert_str_eq(gs_vtype_name(GS_VT_NULL), "null");
    ck_assert_str_eq(gs_vtype_name(GS_VT_BOOL), "boolean");
    ck_assert_str_eq(gs_vtype_name(GS_VT_INTEGER), "integer");
    ck_assert_str_eq(gs_vtype_name(GS_VT_DECIMAL), "decimal");
    ck_assert_str_eq(gs_vtype_name(GS_VT_DATE), "date");
    ck_assert_str_eq(gs_vtype_name(GS_VT_STRING), "string");
}
END_TEST

START_TEST(every_day_of_four_centuries_round_trips)
{
    /* ISO dates from 1600-01-01 onwards: consecutive days, no gaps. */
    static const unsigned char dim[] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
    int32_t prev = 0;
    int first = 1;
    char buf[16];
    for (int y = 1600; y < 2000; y++)
        for (int m = 1; m <= 12; m++) {
            int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            int n = dim[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n + 1; d++) {
                buf[0] = (char)('0' + y / 1000);
                buf[1] = (char)('0' + y / 100 % 10);
                buf[2] = (char)('0' + y / 10 % 10);
                buf[3] = (char)('0' + y % 10);
                buf[4] = '-';
                buf[5] = (char)('0' + m / 10);
                buf[6] = (char)('0' + m % 10);
                buf[7] = '-';
                buf[8] = (char)('0' + d / 10);
                buf[9] = (char)('0' + d % 10);
                gs_value_class c = gs_value_classify(buf, 10, GS_VK_TEXT);
                if (d > n) {
                    ck_assert_msg(c.type == GS_VT_STRING, "%.10s", buf);
                    continue;
                }
                ck_assert_msg(c.type == GS_VT_DATE, "%.10s", buf);
                ck_assert_msg(first || c.date_days == prev + 1, "%.10s", buf);
                prev = c.date_days;
                first = 0;
            }
        }
    ck_assert_int_eq(prev, 10956);   /* 1999-12-31 */
}
END_TEST

/* ---- formats and shapes ------------------------------------------------ */

typedef struct frow {
    const char *in;
    int kind;
    gs_vtype type;
    gs_vformat format;
    const char *shape;   /* NULL: not checked */
} frow;

#define F(x) GS_VFMT_##x
static const frow frows[] = {
    /* nulls; "NA" is a null token here, a value only in a field's context
     * (profile.h: gs_field_stats.null_tokens_as_values) */
    {"", TX, NUL, F(NULL_EMPTY), ""},
    {"   ", TX, NUL, F(NULL_EMPTY), ""},
    {"NA", TX, NUL, F(NULL_TOKEN), "AA"},
    {"nil", TX, NUL, F(NULL_TOKEN), "aaa"},
    {"null", JZ, NUL, F(NULL_JSON), NULL},
    /* booleans by family and case; 1/0 are integers with their own format,
     * booleans only in a field's context */
    {"true", TX, BOO, F(BOOL_TRUE_FALSE), "aaaa"},
    {"True", TX, BOO, F(BOOL_TRUE_FALSE_TITLE), "Aaaa"},
    {"FALSE", TX, BOO, F(BOOL_TRUE_FALSE_UPPER), "AAAAA"},
    {"yes", TX, BOO, F(BOOL_YES_NO), NULL},
    {"No", TX, BOO, F(BOOL_YES_NO_TITLE), NULL},
    {"YES", TX, BOO, F(BOOL_YES_NO_UPPER), NULL},
    {"y", TX, BOO, F(BOOL_Y_N), NULL},
    {"N", TX, BOO, F(BOOL_Y_N_UPPER), NULL},
    {"t", TX, BOO, F(BOOL_T_F), NULL},
    {"F", TX, BOO, F(BOOL_T_F_UPPER), NULL},
    {"on", TX, BOO, F(BOOL_ON_OFF), NULL},
    {"Off", TX, BOO, F(BOOL_ON_OFF_TITLE), NULL},
    {"ON", TX, BOO, F(BOOL_ON_OFF_UPPER), NULL},
    {"tRuE", TX, BOO, F(BOOL_MIXED_CASE), NULL},
    {"true", JB, BOO, F(BOOL_JSON), NULL},
    {"1", TX, INT, F(INT_0_1), "9"},
    {"0", TX, INT, F(INT_0_1), "9"},
    {"1", JN, INT, F(INT_0_1), "9"},
    /* integers: a code with leading zeros, grouping, epoch ranges */
    {"42", TX, INT, F(INT), "99"},
    {"-7", TX, INT, F(INT), "-9"},
    {"2", TX, INT, F(INT), "9"},
    {"007", TX, INT, F(INT_LEADING_ZERO), "999"},
    {"1,234", TX, INT, F(INT_GROUP_COMMA), "9,999"},
    {"1.234.567", TX, INT, F(INT_GROUP_DOT), "9.999.999"},
    {"1 234", TX, INT, F(INT_GROUP_SPACE), "9 999"},
    {"1\xC2\xA0" "234", TX, INT, F(INT_GROUP_SPACE), "9X999"},
    {"1'234", TX, INT, F(INT_GROUP_APOS), "9'999"},
    {"1700000000", TX, INT, F(INT_EPOCH_S), "9999999999"},
    {"1700000000000", TX, INT, F(INT_EPOCH_MS), "9999999999999"},
    {"1700000000000", JN, INT, F(INT_EPOCH_MS), NULL},
    {"999999999", TX, INT, F(INT), NULL},            /* 1970s: no epoch */
    {"5000000000", TX, INT, F(INT), NULL},           /* after 2100 */
    {"-1700000000", TX, INT, F(INT), NULL},          /* signed: no epoch */
    {"20240301", TX, INT, F(INT), "99999999"},       /* no context hook */
    {"+4915123456789", TX, INT, F(PHONE_E164), "+9999999999999"},
    {"+4915123456789", JN, INT, F(PHONE_E164), NULL},
    {"\xE2\x82\xAC+49151", TX, STR, F(CURRENCY_SYMBOL_BEFORE), NULL},
    {"4102444799", TX, INT, F(INT_EPOCH_S), NULL},
    {"4102444800", TX, INT, F(INT), NULL},
    {"01", TX, INT, F(INT_LEADING_ZERO), "99"},
    {"-1,234", TX, INT, F(INT_GROUP_COMMA), "-9,999"},
    {"1234567890123456789", TX, INT, F(INT), "9999999999999999999"},
    /* decimals: "1.234" is a decimal point (one '.' group never groups) */
    {"1.234", TX, DEC, F(DEC_POINT), "9.999"},
    {"3,14", TX, DEC, F(DEC_COMMA), "9,99"},
    {"1234,567", TX, DEC, F(DEC_COMMA), "9999,999"},
    {"-.5", TX, DEC, F(DEC_POINT), "-.9"},
    {"1,234.50", TX, DEC, F(DEC_COMMA_POINT), "9,999.99"},
    {"1.234,50", TX, DEC, F(DEC_DOT_COMMA), "9.999,99"},
    {"1 234,50", TX, DEC, F(DEC_SPACE_COMMA), "9 999,99"},
    {"1 234.50", TX, DEC, F(DEC_SPACE_POINT), NULL},
    {"1'234.50", TX, DEC, F(DEC_APOS_POINT), "9'999.99"},
    {"1'234,50", TX, DEC, F(DEC_APOS_COMMA), NULL},
    {"1e5", TX, DEC, F(DEC_SCIENTIFIC), "9a9"},
    {"2.5E+3", JN, DEC, F(DEC_SCIENTIFIC), NULL},
    /* amounts stay strings */
    {"\xE2\x82\xAC" "1.234,56", TX, STR, F(CURRENCY_SYMBOL_BEFORE),
     "X9.999,99"},
    {"$12.50", TX, STR, F(CURRENCY_SYMBOL_BEFORE), "$99.99"},
    {"-$5", TX, STR, F(CURRENCY_SYMBOL_BEFORE), NULL},
    {"12,50 \xE2\x82\xAC", TX, STR, F(CURRENCY_SYMBOL_AFTER), "99,99 X"},
    {"1.299,00\xC2\xA0\xE2\x82\xAC", TX, STR, F(CURRENCY_SYMBOL_AFTER), NULL},
    {"USD 12.50", TX, STR, F(CURRENCY_CODE_BEFORE), "AAA 99.99"},
    {"12.50 EUR", TX, STR, F(CURRENCY_CODE_AFTER), NULL},
    {"12USD", TX, STR, F(STR_UPPER), NULL},
    {"12%", TX, STR, F(PERCENT), "99%"},
    {"12,5 %", TX, STR, F(PERCENT), NULL},
    {"%", TX, STR, F(STR_UNCASED), "%"},
    /* dates by pattern; day/month resolved only when one side is > 12 */
    {"2024-03-01", TX, DAT, F(DATE_ISO), "9999-99-99"},
    {"2024-03-01T10:00:00", TX, DAT, F(DATETIME_ISO), NULL},
    {"2024-03-01T10:00:00Z", TX, DAT, F(DATETIME_ISO_ZONE),
     "9999-99-99A99:99:99A"},
    {"2024-03-01T10:00:00.5", TX, DAT, F(DATETIME_ISO_FRAC), NULL},
    {"2024-03-01T10:00:00.123+02:00", TX, DAT, F(DATETIME_ISO_FRAC_ZONE),
     NULL},
    {"2024-03-01 10:00:00", TX, DAT, F(DATETIME_SPACE), NULL},
    {"2024-03-01 10:00-05", TX, DAT, F(DATETIME_SPACE_ZONE), NULL},
    {"2024-03-01 10:00:00,5", TX, DAT, F(DATETIME_SPACE_FRAC), NULL},
    {"2024-03-01 10:00:00.5Z", TX, DAT, F(DATETIME_SPACE_FRAC_ZONE), NULL},
    {"2024/03/01", TX, DAT, F(DATE_YMD_SLASH), "9999/99/99"},
    {"03/04/2020", TX, DAT, F(DATE_DM_AMBIGUOUS), "99/99/9999"},
    {"04/04/2020", TX, DAT, F(DATE_DM_AMBIGUOUS), NULL},
    {"13/04/2020", TX, DAT, F(DATE_DMY_SLASH), NULL},
    {"04/13/2020", TX, DAT, F(DATE_MDY_SLASH), NULL},
    {"3/1/2024 9:05 PM", TX, DAT, F(DATE_DM_AMBIGUOUS), "9/9/9999 9:99 AA"},
    {"01.03.2024", TX, DAT, F(DATE_DMY_DOT), "99.99.9999"},
    {"03.10.2026 14:22", TX, DAT, F(DATE_DMY_DOT), NULL},
    {"Fri, 01 Mar 2024 10:00:00 +0000", TX, STR, F(DATE_RFC2822), NULL},
    {"1 Mar 2024 10:00 GMT", TX, STR, F(DATE_RFC2822), NULL},
    {"Fri, 30 Feb 2024 10:00:00 +0000", TX, STR, F(STR_TITLE), NULL},
    {"Oct 3, 2026", TX, STR, F(DATE_MON_D_Y), "Aaa 9, 9999"},
    {"Mar. 14, 2023", TX, STR, F(DATE_MON_D_Y), NULL},
    {"Foo 3, 2026", TX, STR, F(STR_TITLE), NULL},
    /* identifiers */
    {"jose@example.com", TX, STR, F(EMAIL), "aaaa@aaaaaaa.aaa"},
    {"a@b", TX, STR, F(STR_LOWER), NULL},
    {"a@@b.com", TX, STR, F(STR_LOWER), NULL},
    {"https://example.com/a?b=1", TX, STR, F(URL), NULL},
    {"www.example.com", TX, STR, F(URL), NULL},
    {"550e8400-e29b-41d4-a716-446655440000", TX, STR, F(UUID),
     "9a9-a9a-9a9-a9-9"},   /* 36 symbols: collapsed */
    {"(555) 123-4567", TX, STR, F(PHONE_NATIONAL), "(999) 999-9999"},
    {"555-123-4567", TX, STR, F(PHONE_NATIONAL), NULL},
    {"+44 20 7946 0958", TX, STR, F(PHONE_NATIONAL), NULL},
    {"030 1234567", TX, STR, F(PHONE_NATIONAL), NULL},
    {"12-34", TX, STR, F(STR_UNCASED), NULL},
    {"192.168.0.1", TX, STR, F(IPV4), "999.999.9.9"},
    {"256.1.1.1", TX, STR, F(STR_UNCASED), NULL},   /* 6 digits */
    /* case styles; padding is a flag, not a format or a shape */
    {"open", TX, STR, F(STR_LOWER), "aaaa"},
    {"GB", TX, STR, F(STR_UPPER), "AA"},
    {"AB-123", TX, STR, F(STR_UPPER), "AA-999"},
    {"New York", TX, STR, F(STR_TITLE), "Aaa Aaaa"},
    {"Hello world", TX, STR, F(STR_TITLE), NULL},
    {"O'Brien", TX, STR, F(STR_TITLE), "A'Aaaaa"},
    {"iPhone", TX, STR, F(STR_MIXED), "aAaaaa"},
    {"McDonald", TX, STR, F(STR_MIXED), NULL},
    {"hello World", TX, STR, F(STR_MIXED), NULL},
    {"  Padded  ", TX, STR, F(STR_TITLE), "Aaaaaa"},
    {"#12", TX, STR, F(STR_UNCASED), "#99"},
    {"Z\xC3\xBC" "rich", TX, STR, F(STR_TITLE), "Aaaaaa"},
    {"\xC3\x9C" "BER", TX, STR, F(STR_UPPER), "AAAA"},
    /* NFD (e + U+0301) and NFC give one shape */
    {"Jose\xCC\x81", TX, STR, F(STR_TITLE), "Aaaa"},
    {"\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1", TX, STR, F(STR_UNCASED),
     "Aaaaa"},
    {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", TX, STR,
     F(STR_UNCASED), "Aaaaaa"},
    {"\xE6\x97\xA5\xE6\x9C\xAC", TX, STR, F(STR_UNCASED), "aa"},
    {"\xF0\x9F\x98\x80!", TX, STR, F(STR_UNCASED), "X!"},
    {"a\xFF" "b", TX, STR, F(STR_LOWER), "aXa"},
    {"x", JN, STR, F(OTHER), NULL},
    /* short ASCII shapes go by table, one to four bytes at a time (the
     * last four overlapping): lengths around those steps */
    {"ab1", TX, STR, F(STR_LOWER), "aa9"},
    {"ab12", TX, STR, F(STR_LOWER), "aa99"},
    {"Ab12x", TX, STR, F(STR_TITLE), "Aa99a"},
    {"Ab12xY_", TX, STR, F(STR_MIXED), "Aa99aA_"},
    {"Ab12xY_z9", TX, STR, F(STR_MIXED), "Aa99aA_a9"},
    /* 32 bytes are shaped whole; 33 ASCII bytes are 33 symbols, so
     * collapsed; 32 ASCII bytes and a non-ASCII one likewise; 33 bytes
     * holding a two-byte letter are 32 symbols: whole */
    {"abcdefghijklmnopqrstuvwxyz012345", TX, STR, F(STR_LOWER),
     "aaaaaaaaaaaaaaaaaaaaaaaaaa999999"},
    {"abcdefghijklmnopqrstuvwxyz0123456", TX, STR, F(STR_LOWER), "a9"},
    {"abcdefghijklmnopqrstuvwxyz012345\xC3\xA9", TX, STR, F(STR_LOWER),
     "a9a"},
    {"abcdefghijklmnopqrstuvwxyz01234\xC3\xA9", TX, STR, F(STR_LOWER),
     "aaaaaaaaaaaaaaaaaaaaaaaaaa99999a"},
    {"abcdefghijklmnopqrstuvwxyz012345\xCC\x81", TX, STR, F(STR_LOWER),
     "aaaaaaaaaaaaaaaaaaaaaaaaaa999999"},   /* a combining mark: no symbol */
    /* long values: runs collapsed, then cut with an ellipsis; a letter
     * with a combining mark is one symbol, which collapses with its run */
    {"Z\xC3\xBCrich Z\xC3\xBCrich Z\xC3\xBCrich Z\xC3\xBCrich Zu\xCC\x88rich",
     TX, STR, F(STR_TITLE), "Aa Aa Aa Aa Aa"},
    {"Printer not working after the update, again", TX, STR, F(STR_TITLE),
     "Aa a a a a a, a"},
    {"abcdefghijklmnopqrstuvwxyz0123456789", TX, STR, F(STR_LOWER), "a9"},
    {"a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8", TX, STR, F(STR_LOWER),
     "a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9\xE2\x80\xA6"},
};
#undef F
#define N_FROWS ((int)(sizeof frows / sizeof frows[0]))

START_TEST(gives_each_value_the_format_and_shape_the_table_says)
{
    const frow *r = &frows[_i];
    size_t len = strlen(r->in);
    char *in = exact_copy(r->in, len);
    gs_value_class c = gs_value_classify(in, len, (gs_value_kind)r->kind);
    ck_assert_msg(c.type == r->type, "frow %d \"%s\": type %s, want %s", _i,
                  r->in, gs_vtype_name(c.type), gs_vtype_name(r->type));
    ck_assert_msg(c.format == r->format, "frow %d \"%s\": format %s, want %s",
                  _i, r->in, gs_vformat_name(c.format),
                  gs_vformat_name(r->format));
    ck_assert(gs_vformat_family(c.format) != GS_FF_NULL ||
              c.type == GS_VT_NULL);
    if (r->shape) {
        char shape[GS_SHAPE_MAX];
        size_t n = gs_value_shape(in, len, shape, sizeof shape);
        ck_assert_msg(n == strlen(r->shape) && strcmp(shape, r->shape) == 0,
                      "frow %d \"%s\": shape \"%s\", want \"%s\"", _i, r->in,
                      shape, r->shape);
    }
    free(in);
}
END_TEST

START_TEST(format_names_are_unique_and_stable)
{
    /* Stored in profiles: these ids and names must never change. */
    ck_assert_str_eq(gs_vformat_name(GS_VFMT_OTHER), "other");
    ck_assert_str_eq(gs_vformat_name(GS_VFMT_INT_0_1), "int.0_1");
    ck_assert_int_eq(GS_VFMT_INT, 19);
    ck_assert_int_eq(GS_VFMT_DATE_ISO, 42);
    ck_assert_int_eq(GS_VFMT_STR_UNCASED, 68);
    ck_assert_ptr_null(gs_vformat_name(GS_VFMT__COUNT));
    for (int i = 0; i < GS_VFMT__COUNT; i++) {
        const char *name = gs_vformat_name((gs_vformat)i);
        ck_assert_ptr_nonnull(name);
        ck_assert_ptr_nonnull(gs_vformat_label((gs_vformat)i));
        ck_assert_int_eq(gs_vformat_from_name(name), i);
    }
    ck_assert_int_eq(gs_vformat_from_name("no.such"), -1);
}
END_TEST

/* Every short ASCII value, byte by byte against the rule: controls 'X',
 * digits '9', letters 'A'/'a', the rest themselves. Lengths 1..32 (the
 * table and SSE2 paths and each of their piece sizes), every ASCII byte at
 * every position, a buffer of exactly n + 1 bytes whose neighbours must
 * stay untouched, and the value's neighbours must not matter. */
static char rule_symbol(unsigned char c)
{
    if (c < 0x20 || c == 0x7f)
        return 'X';
    if (c >= '0' && c <= '9')
        return '9';
    if (c >= 'A' && c <= 'Z')
        return 'A';
    if (c >= 'a' && c <= 'z')
        return 'a';
    return (char)c;
}

START_TEST(short_ascii_shapes_follow_the_rule_byte_by_byte)
{
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 20000; round++) {
        size_t n = 1 + (size_t)round % 32;
        unsigned char in[64];
        for (size_t i = 0; i < sizeof in; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            in[i] = (unsigned char)(0x21 + x % 0x5f);  /* neighbours */
        }
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            unsigned char c = (unsigned char)(x % 0x80);
            if (round < 128 * 32)  /* first: each byte at each position */
                c = (unsigned char)((round / 32 + i) % 0x80);
            /* ASCII whitespace at the ends is trimmed, not shaped */
            if ((i == 0 || i == n - 1) &&
                (c == ' ' || (c >= '\t' && c <= '\r')))
                c = 'q';
            in[16 + i] = c;
        }
        char out[48], want[33];
        memset(out, '#', sizeof out);
        for (size_t i = 0; i < n; i++)
            want[i] = rule_symbol(in[16 + i]);
        want[n] = '\0';
        size_t got = gs_value_shape((const char *)in + 16, n, out + 8, n + 1);
        ck_assert_uint_eq(got, n);
        ck_assert_msg(memcmp(out + 8, want, n + 1) == 0,
                      "round %d, %zu bytes: \"%s\", want \"%s\"", round, n,
                      out + 8, want);
        for (size_t i = 0; i < 8; i++)
            ck_assert_int_eq(out[i], '#');
        for (size_t i = 8 + n + 1; i < sizeof out; i++)
            ck_assert_int_eq(out[i], '#');
    }
}
END_TEST

START_TEST(shape_is_bounded_by_its_buffer)
{
    char small[4];
    ck_assert_uint_eq(gs_value_shape("2024-03-01", 10, small, sizeof small),
                      3);
    ck_assert_str_eq(small, "999");
    ck_assert_uint_eq(gs_value_shape("x", 1, small, 0), 0);
    /* a collapsed shape is cut by a small buffer too */
    ck_assert_uint_eq(gs_value_shape("Printer not working after the update",
                                     36, small, sizeof small), 3);
    ck_assert_str_eq(small, "Aa ");
    /* a value of cap - 1 bytes fits; one byte more is cut */
    ck_assert_uint_eq(gs_value_shape("ab1", 3, small, sizeof small), 3);
    ck_assert_str_eq(small, "aa9");
    ck_assert_uint_eq(gs_value_shape("ab12", 4, small, sizeof small), 3);
    ck_assert_str_eq(small, "aa9");
    char big[GS_SHAPE_MAX];
    char text[4096];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)("aZ9 -\xC3\xA9"[i % 7]);
    size_t n = gs_value_shape(text, sizeof text, big, sizeof big);
    ck_assert_uint_lt(n, sizeof big);
    ck_assert_uint_eq(strlen(big), n);
}
END_TEST

static Suite *value_suite(void)
{
    Suite *s = suite_create("value");
    TCase *tc = tcase_create("classify");
    tcase_add_loop_test(tc, classifies_each_value_as_the_table_says, 0,
                        N_ROWS);
    tcase_add_test(tc, table_has_at_least_sixty_rows);
    tcase_add_test(tc, reads_only_the_given_length);
    tcase_add_test(tc, exact_decimals_are_correctly_rounded);
    tcase_add_test(tc, negative_zero_keeps_its_sign);
    tcase_add_test(tc, every_day_of_four_centuries_round_trips);
    suite_add_tcase(s, tc);
    TCase *fmt = tcase_create("formats");
    tcase_add_loop_test(fmt, gives_each_value_the_format_and_shape_the_table_says,
                        0, N_FROWS);
    tcase_add_test(fmt, format_names_are_unique_and_stable);
    tcase_add_test(fmt, shape_is_bounded_by_its_buffer);
    tcase_add_test(fmt, short_ascii_shapes_follow_the_rule_byte_by_byte);
    suite_add_tcase(s, fmt);
    TCase *names = tcase_create("names");
    tcase_add_test(names, null_token_table_is_stable);
    tcase_add_test(names, type_names_read_as_words);
    suite_add_tcase(s, names);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(value_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

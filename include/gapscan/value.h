/* value.h - what one value looks like: its type and null token.
 *
 * The classifier runs on every value, so it allocates nothing, reads each
 * byte at most a few times, and is locale-independent (no strtod, no
 * isalpha: the user's locale never changes a result).
 *
 * Types, in the order a value is tested:
 *   null     the empty string, whitespace only, or a null token (see
 *            gs_null_token_name); JSON null
 *   bool     true/false, yes/no, y/n, t/f, on/off (any case); JSON booleans.
 *            "1"/"0" are integers here: only a field's context makes them
 *            booleans (field profiling, later).
 *   integer  optional sign, digits; consistent groups of 3 ("1,234,567",
 *            "1 234") are accepted and flagged ("0012" is an integer with
 *            leading zeros: flagged, since codes like it are not numbers)
 *   decimal  sign, digits, one '.' or ',' decimal mark, optional exponent;
 *            grouping separators are accepted and flagged
 *   date     a calendar date that exists (ISO 8601 date or date-time,
 *            YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, YYYYMMDD only
 *            when a JSON string/text of exactly 8 digits is NOT taken: it is
 *            an integer; dates.c builds its date hits from these formats
 *            without a scan: see whole_date_hit before changing one)
 *   string   anything else
 * Surrounding whitespace is ignored for the test and flagged.
 *
 * Besides the type, every value gets a concrete format (gs_vformat: which
 * spelling of a boolean, which decimal and grouping style, which date
 * pattern, email/URL/UUID/phone/IPv4, currency, percent, the case style of
 * a string) and, on request, a shape signature (gs_value_shape). Formats
 * refine types and never change them: a currency amount or an RFC 2822
 * date is still a string, an epoch timestamp is still an integer.
 */
#ifndef GAPSCAN_VALUE_H
#define GAPSCAN_VALUE_H

#include "gapscan/events.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gs_vtype {
    GS_VT_NULL = 0,
    GS_VT_BOOL,
    GS_VT_INTEGER,
    GS_VT_DECIMAL,
    GS_VT_DATE,
    GS_VT_STRING,
    GS_VT__COUNT
} gs_vtype;

/* "null", "boolean", "integer", "decimal", "date", "string". */
const char *gs_vtype_name(gs_vtype t);

/* Flags describing how a value is written. */
enum {
    GS_VF_PADDED = 1u << 0,         /* leading/trailing whitespace */
    GS_VF_LEADING_ZERO = 1u << 1,   /* integer like 007 */
    GS_VF_DECIMAL_COMMA = 1u << 2,  /* 3,14 */
    GS_VF_GROUPED = 1u << 3,        /* 1,234 or 1.234,5 or 1 234 */
    GS_VF_DATE_AMBIGUOUS = 1u << 4  /* 03/04/2020: day/month order unknown */
};

/* Concrete formats. The names (gs_vformat_name) are stored in profiles, so
 * the table is append-only: ids and names never change meaning. */
typedef enum gs_vformat {
    GS_VFMT_OTHER = 0,          /* a JSON number that does not parse */
    GS_VFMT_NULL_EMPTY,         /* "" or whitespace only */
    GS_VFMT_NULL_TOKEN,         /* a null token (which one: null_token) */
    GS_VFMT_NULL_JSON,          /* JSON null */
    GS_VFMT_BOOL_JSON,          /* JSON true/false */
    GS_VFMT_BOOL_TRUE_FALSE,    /* true/false */
    GS_VFMT_BOOL_TRUE_FALSE_TITLE,
    GS_VFMT_BOOL_TRUE_FALSE_UPPER,
    GS_VFMT_BOOL_YES_NO,
    GS_VFMT_BOOL_YES_NO_TITLE,
    GS_VFMT_BOOL_YES_NO_UPPER,
    GS_VFMT_BOOL_Y_N,
    GS_VFMT_BOOL_Y_N_UPPER,
    GS_VFMT_BOOL_T_F,
    GS_VFMT_BOOL_T_F_UPPER,
    GS_VFMT_BOOL_ON_OFF,
    GS_VFMT_BOOL_ON_OFF_TITLE,
    GS_VFMT_BOOL_ON_OFF_UPPER,
    GS_VFMT_BOOL_MIXED_CASE,    /* tRuE */
    GS_VFMT_INT,                /* 42, -7 */
    GS_VFMT_INT_0_1,            /* exactly 0 or 1: a boolean in context */
    GS_VFMT_INT_LEADING_ZERO,   /* 007: a code */
    GS_VFMT_INT_GROUP_COMMA,    /* 1,234 */
    GS_VFMT_INT_GROUP_DOT,      /* 1.234.567 */
    GS_VFMT_INT_GROUP_SPACE,    /* 1 234 (also U+00A0, U+2009, U+202F) */
    GS_VFMT_INT_GROUP_APOS,     /* 1'234 */
    GS_VFMT_INT_EPOCH_S,        /* 10 digits, 2001-09-09..2099: seconds */
    GS_VFMT_INT_EPOCH_MS,       /* 13 digits, same range: milliseconds */
    GS_VFMT_DEC_POINT,          /* 3.14 */
    GS_VFMT_DEC_COMMA,          /* 3,14 */
    GS_VFMT_DEC_COMMA_POINT,    /* 1,234.50 */
    GS_VFMT_DEC_DOT_COMMA,      /* 1.234,50 */
    GS_VFMT_DEC_SPACE_COMMA,    /* 1 234,50 */
    GS_VFMT_DEC_SPACE_POINT,    /* 1 234.50 */
    GS_VFMT_DEC_APOS_POINT,     /* 1'234.50 */
    GS_VFMT_DEC_APOS_COMMA,     /* 1'234,50 */
    GS_VFMT_DEC_SCIENTIFIC,     /* 1e5, 2.5E+3 */
    GS_VFMT_CURRENCY_SYMBOL_BEFORE,  /* $12.50, €1.234,56 */
    GS_VFMT_CURRENCY_SYMBOL_AFTER,   /* 12,50 € */
    GS_VFMT_CURRENCY_CODE_BEFORE,    /* USD 12.50 */
    GS_VFMT_CURRENCY_CODE_AFTER,     /* 12.50 EUR */
    GS_VFMT_PERCENT,            /* 12%, 12,5 % */
    GS_VFMT_DATE_ISO,           /* %Y-%m-%d */
    GS_VFMT_DATETIME_ISO,       /* %Y-%m-%dT%H:%M[:%S] */
    GS_VFMT_DATETIME_ISO_ZONE,  /* ... Z or +hh[:mm] */
    GS_VFMT_DATETIME_ISO_FRAC,  /* ... %S.fff */
    GS_VFMT_DATETIME_ISO_FRAC_ZONE,
    GS_VFMT_DATETIME_SPACE,     /* %Y-%m-%d %H:%M[:%S] */
    GS_VFMT_DATETIME_SPACE_ZONE,
    GS_VFMT_DATETIME_SPACE_FRAC,
    GS_VFMT_DATETIME_SPACE_FRAC_ZONE,
    GS_VFMT_DATE_YMD_SLASH,     /* %Y/%m/%d [time] */
    GS_VFMT_DATE_MDY_SLASH,     /* %m/%d/%Y [time], day > 12 told it */
    GS_VFMT_DATE_DMY_SLASH,     /* %d/%m/%Y [time], day > 12 told it */
    GS_VFMT_DATE_DM_AMBIGUOUS,  /* %d/%m/%Y or %m/%d/%Y: both <= 12 */
    GS_VFMT_DATE_DMY_DOT,       /* %d.%m.%Y [time] */
    GS_VFMT_DATE_RFC2822,       /* Fri, 01 Mar 2024 10:00:00 +0000 */
    GS_VFMT_DATE_MON_D_Y,       /* Mar 4, 2024 */
    GS_VFMT_EMAIL,
    GS_VFMT_URL,                /* scheme://... or www.... */
    GS_VFMT_UUID,               /* 8-4-4-4-12 hex digits */
    GS_VFMT_PHONE_E164,         /* +4915123456789 */
    GS_VFMT_PHONE_NATIONAL,     /* (555) 123-4567, 030 1234567, +44 20 ... */
    GS_VFMT_IPV4,
    GS_VFMT_STR_LOWER,          /* letters, none upper-case */
    GS_VFMT_STR_UPPER,          /* letters, none lower-case */
    GS_VFMT_STR_TITLE,          /* upper only at the start of words */
    GS_VFMT_STR_MIXED,          /* iPhone, McDonald, hELLO */
    GS_VFMT_STR_UNCASED,        /* no ASCII letter: "#12", "日本" */
    GS_VFMT__COUNT
} gs_vformat;

/* Families group formats for the consistency checks. */
typedef enum gs_vfamily {
    GS_FF_OTHER = 0,
    GS_FF_NULL,
    GS_FF_BOOL,
    GS_FF_INTEGER,
    GS_FF_DECIMAL,
    GS_FF_AMOUNT,     /* currency, percent */
    GS_FF_DATE,
    GS_FF_IDENT,      /* email, URL, UUID, phone, IPv4 */
    GS_FF_CASE        /* case styles of other strings */
} gs_vfamily;

/* Stable name ("date.ymd", "dec.dot_comma", ...), stored in profiles;
 * NULL when out of range. */
const char *gs_vformat_name(gs_vformat f);
/* How it is written, for people: "%Y-%m-%d", "1.234,50", "true/false". */
const char *gs_vformat_label(gs_vformat f);
gs_vfamily gs_vformat_family(gs_vformat f);
/* The id of a name, or -1. */
int gs_vformat_from_name(const char *name);

typedef struct gs_value_class {
    gs_vtype type;
    int null_token;      /* index for gs_null_token_name, -1 if not null */
    unsigned flags;      /* GS_VF_* */
    gs_vformat format;   /* never GS_VFMT__COUNT */
    int32_t date_days;   /* GS_VT_DATE: days since 1970-01-01 (for
                            ambiguous dates: the day-first reading) */
    double number;       /* GS_VT_INTEGER/DECIMAL: the value */
} gs_value_class;

/* Classify len bytes of UTF-8 (not NUL-terminated). kind is what the format
 * said (events.h): a JSON number is never a date, a JSON string "12" is an
 * integer-looking string (reported as integer: the shape is what matters). */
gs_value_class gs_value_classify(const char *s, size_t len,
                                 gs_value_kind kind);
/* The same, written into *r: for a caller that reads the fields right
 * after (a copy of a struct just written field by field stalls the CPU
 * on forwarding the stores to the copy's wide loads). */
void gs_value_classify_to(gs_value_class *r, const char *s, size_t len,
                          gs_value_kind kind);

/* The shape of a value: after trimming ASCII whitespace, ASCII letters
 * become 'A'/'a' by case, digits '9', other ASCII bytes stay; a non-ASCII
 * character is one symbol: 'A'/'a' for a cased Latin, Greek or Cyrillic
 * letter, 'a' for other letters outside the symbol blocks, 'X' for
 * punctuation, symbols, spaces and emoji (U+0080-U+00BF, U+2000-U+2BFF,
 * U+3000-U+303F, U+E000-U+F8FF, U+FE00-U+FFFF, U+1F000 and up) and for
 * each byte of invalid UTF-8; combining marks (U+0300-U+036F) add nothing,
 * so NFC and NFD spellings share a shape.
 * "2024-03-01" -> "9999-99-99", "AB-123" -> "AA-999".
 * A shape longer than GS_SHAPE_SYMBOLS symbols is given with runs of one
 * symbol collapsed ("Hello world, again" -> "Aa a, a"), and if still longer,
 * cut after GS_SHAPE_SYMBOLS symbols with "\xE2\x80\xA6" (U+2026) appended.
 * Writes at most cap - 1 bytes and a NUL (cap >= GS_SHAPE_MAX gives the
 * whole shape); returns the length written. No allocation, no locale. */
#define GS_SHAPE_SYMBOLS 32
#define GS_SHAPE_MAX (GS_SHAPE_SYMBOLS + 4)
size_t gs_value_shape(const char *s, size_t len, char *out, size_t cap);

/* The null-token table: index 0 is "" (empty, also whitespace only), then
 * "NULL", "null", "Null", "N/A", "n/a", "NA", "na", "-", "--", "None",
 * "none", "#N/A", "NaN", "nan", "nil", "(null)", "undefined", "?",
 * "missing". Matching is exact (case-sensitive). Stable order (indices are
 * stored in profiles): new tokens are only ever appended. */
size_t gs_null_token_count(void);
const char *gs_null_token_name(size_t i);
/* "<empty>" for index 0, else the token; for display. */
const char *gs_null_token_label(size_t i);

#ifdef __cplusplus
}
#endif
#endif

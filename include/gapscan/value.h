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
 *            an integer)
 *   string   anything else
 * Surrounding whitespace is ignored for the test and flagged.
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

typedef struct gs_value_class {
    gs_vtype type;
    int null_token;      /* index for gs_null_token_name, -1 if not null */
    unsigned flags;      /* GS_VF_* */
    int32_t date_days;   /* GS_VT_DATE: days since 1970-01-01 (for
                            ambiguous dates: the day-first reading) */
    double number;       /* GS_VT_INTEGER/DECIMAL: the value */
} gs_value_class;

/* Classify len bytes of UTF-8 (not NUL-terminated). kind is what the format
 * said (events.h): a JSON number is never a date, a JSON string "12" is an
 * integer-looking string (reported as integer: the shape is what matters). */
gs_value_class gs_value_classify(const char *s, size_t len,
                                 gs_value_kind kind);

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

/* charset.h - decide a text file's character encoding from its head.
 *
 * One call looks at the first bytes of a file (decode.c passes up to
 * 64 KiB) and says which encoding they are in, with a confidence, or
 * "undetermined" when there is too little or too ambiguous text to tell.
 * The evidence, in order: a BOM; the NUL pattern of UTF-32/UTF-16 without
 * a BOM; gapscan's own UTF-8 validation; for legacy encodings, the
 * charset the head declares (XML encoding=, HTML <meta charset>), the
 * guesses of uchardet and ICU, and a score of the text each candidate
 * decodes to (see charset.c).
 *
 * Deterministic: the answer depends only on the bytes given.
 */
#ifndef GAPSCAN_CHARSET_H
#define GAPSCAN_CHARSET_H

#include "gapscan/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_charset_result {
    char name[40];        /* IANA name ICU converts ("UTF-8", "windows-1250",
                             "Shift_JIS", "UTF-16LE") or "undetermined";
                             pure ASCII is "UTF-8" */
    double confidence;    /* 0..1; 0 exactly when "undetermined" */
    char bom[12];         /* "" or "UTF-8", "UTF-16LE", "UTF-16BE",
                             "UTF-32LE", "UTF-32BE" */
    size_t bom_len;       /* bytes of BOM at the start of the head */
    char declared[40];    /* the charset an XML declaration or an HTML
                             <meta> in the head names, as written; "" if
                             none. It may differ from name: a wrong
                             declaration is worth reporting. */
    int looks_binary;     /* NULs or control bytes say: not text (name is
                             then "undetermined") */
    int ascii_only;       /* every head byte after the BOM is < 0x80 */
} gs_charset_result;

/* Decides the encoding of head[0..len) into *out (always fully written
 * when GS_OK). The head may end inside a character. GS_ENOMEM when an
 * allocation fails; GS_EINVAL on NULL out, or NULL head with len > 0. */
gs_status gs_charset_detect(const unsigned char *head, size_t len,
                            gs_charset_result *out);

/* The charset declared in the first 4 KiB of head: the encoding= of an XML
 * declaration that starts it, else the charset= of the first HTML <meta>
 * that has one (the charset attribute or the http-equiv content). A byte
 * scan for ASCII-compatible heads. Writes the value (at most cap - 1
 * bytes, NUL-terminated; "" when none) and returns its length. */
size_t gs_charset_declared(const unsigned char *head, size_t len, char *out,
                           size_t cap);

#ifdef __cplusplus
}
#endif
#endif

/* fuzz_charset.c - the charset detector on any head.
 *
 * The whole input is the head of a file (the decode stage passes at most
 * 64 KiB). Checked, beyond sanitizer errors (charset.h's contract):
 *   1. gs_charset_detect succeeds (only ENOMEM may fail it) and writes
 *      NUL-terminated names;
 *   2. the confidence is in 0..1 and is 0 exactly when "undetermined";
 *   3. a BOM it reports lies inside the head;
 *   4. the answer is deterministic: a second call gives the same result;
 *   5. gs_charset_declared never writes past the capacity it is given.
 */
#include "fuzz.h"

#include "gapscan/charset.h"

#include <string.h>

#define HEAD_MAX (64 * 1024)

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HEAD_MAX)
        size = HEAD_MAX;
    gs_charset_result r, again;
    memset(&r, 0xA5, sizeof r);
    gs_status st = gs_charset_detect(data, size, &r);
    if (st == GS_ENOMEM)
        return 0;
    FUZZ_CHECK(st == GS_OK, "detection succeeds on any bytes");
    FUZZ_CHECK(terminated(r.name, sizeof r.name) &&
                   terminated(r.bom, sizeof r.bom) &&
                   terminated(r.declared, sizeof r.declared),
               "names are NUL-terminated");
    FUZZ_CHECK(r.name[0] != '\0', "a name is always given");
    FUZZ_CHECK(r.confidence >= 0 && r.confidence <= 1,
               "confidence in 0..1");
    FUZZ_CHECK((strcmp(r.name, "undetermined") == 0) == (r.confidence == 0),
               "confidence 0 exactly when undetermined");
    FUZZ_CHECK(r.bom_len <= size && (r.bom_len == 0) == (r.bom[0] == '\0'),
               "a BOM lies inside the head");

    memset(&again, 0x5A, sizeof again);
    FUZZ_CHECK(gs_charset_detect(data, size, &again) == GS_OK,
               "the second call succeeds too");
    FUZZ_CHECK(strcmp(r.name, again.name) == 0 &&
                   r.confidence == again.confidence &&
                   strcmp(r.bom, again.bom) == 0 &&
                   r.bom_len == again.bom_len &&
                   strcmp(r.declared, again.declared) == 0 &&
                   r.looks_binary == again.looks_binary &&
                   r.ascii_only == again.ascii_only,
               "the same head gives the same answer");

    /* A small capacity with a guard byte behind it. */
    char small[9];
    small[8] = 'G';
    size_t n = gs_charset_declared(data, size, small, 8);
    FUZZ_CHECK(small[8] == 'G' && n < 8 && strlen(small) == n,
               "gs_charset_declared stays inside its capacity");
    return 0;
}

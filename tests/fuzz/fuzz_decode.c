/* fuzz_decode.c - the decode stage on any bytes, in any chunking.
 *
 * Input layout: byte 0 shapes the chunking, the rest is the file.
 * Like the pipeline (document.c), the target detects on the head (at most
 * 64 KiB), then feeds everything and finishes; once in one piece, once in
 * pieces of 1..(byte 0 + 1) bytes drawn from a generator seeded by the
 * input, so the fuzzer explores where sequences are cut.
 *
 * Checked, beyond sanitizer errors (decode.h's invariants):
 *   1. the output is valid UTF-8 and, when detection found no BOM, does
 *      not start with U+FEFF (after a BOM, a second U+FEFF is content);
 *   2. both runs give the same output bytes, facts and defects;
 *   3. bytes_in counts the input, bytes_out the output.
 */
#include "fuzz.h"

#include "../transcript.h"
#include "gapscan/decode.h"

#include <string.h>

#define HEAD_MAX (64 * 1024)

typedef struct run {
    str out;      /* decoded bytes */
    str defects;  /* one line per defect */
    gs_decode_facts facts;
    gs_status st;
} run;

static int on_out(void *ud, const char *utf8, size_t len)
{
    str_addn(&((run *)ud)->out, utf8, len);
    return 0;
}

static int on_defect(void *ud, const char *code, const char *detail,
                     const gs_loc *loc)
{
    run *r = ud;
    str_addf(&r->defects, "%s %llu:%llu@%llu ", code,
             loc ? (unsigned long long)loc->line : 0,
             loc ? (unsigned long long)loc->col : 0,
             loc ? (unsigned long long)loc->offset : 0);
    if (detail)
        str_add_escaped(&r->defects, detail, strlen(detail));
    str_addn(&r->defects, "\n", 1);
    return 0;
}

/* max_piece 0: one piece. */
static void decode(const uint8_t *p, size_t len, unsigned max_piece, run *r)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_sink sink = {.ud = r, .defect = on_defect};
    gs_decoder *d = NULL;
    str_addn(&r->out, "", 0);
    str_addn(&r->defects, "", 0);
    r->st = gs_decoder_open(&lim, &sink, &d);
    if (r->st != GS_OK)
        return;
    r->st = gs_decoder_detect(d, p, len < HEAD_MAX ? len : HEAD_MAX);
    uint32_t seed = max_piece * 2654435761u + 1;
    for (size_t off = 0; r->st == GS_OK && off < len;) {
        size_t n = len - off;
        if (max_piece) {
            seed = seed * 1103515245u + 12345u;
            size_t k = 1 + (seed >> 16) % max_piece;
            n = k < n ? k : n;
        }
        r->st = gs_decoder_feed(d, p + off, n, on_out, r);
        off += n;
    }
    if (r->st == GS_OK)
        r->st = gs_decoder_finish(d, on_out, r);
    r->facts = *gs_decoder_facts(d);
    gs_decoder_close(d);
}

static int same_facts(const gs_decode_facts *a, const gs_decode_facts *b)
{
    return strcmp(a->encoding, b->encoding) == 0 &&
           a->confidence == b->confidence && strcmp(a->bom, b->bom) == 0 &&
           a->looks_binary == b->looks_binary &&
           a->ascii_only == b->ascii_only &&
           a->invalid_utf8 == b->invalid_utf8 &&
           a->undecodable == b->undecodable &&
           a->nul_bytes == b->nul_bytes &&
           a->control_chars == b->control_chars && a->lf == b->lf &&
           a->crlf == b->crlf && a->cr == b->cr && a->lines == b->lines &&
           a->bytes_in == b->bytes_in && a->bytes_out == b->bytes_out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    run whole = {0}, piece = {0};
    decode(p, len, 0, &whole);
    decode(p, len, 1u + data[0], &piece);
    if (whole.st == GS_OK) {
        const str *o = &whole.out;
        FUZZ_CHECK(gs_utf8_count_invalid((const unsigned char *)o->p,
                                         o->len) == 0,
                   "the output is valid UTF-8");
        FUZZ_CHECK(whole.facts.bom[0] || o->len < 3 ||
                       memcmp(o->p, "\xEF\xBB\xBF", 3) != 0,
                   "without a BOM the output does not start with U+FEFF");
        FUZZ_CHECK(whole.facts.bytes_in == len, "bytes_in counts the input");
        FUZZ_CHECK(whole.facts.bytes_out == o->len,
                   "bytes_out counts the output");
    }
    FUZZ_CHECK(whole.st == piece.st, "same status in any chunking");
    FUZZ_CHECK(whole.out.len == piece.out.len &&
               memcmp(whole.out.p, piece.out.p, whole.out.len) == 0,
               "same output in any chunking");
    FUZZ_CHECK(same_facts(&whole.facts, &piece.facts),
               "same facts in any chunking");
    if (strcmp(whole.defects.p, piece.defects.p) != 0) {
        fprintf(stderr, "--- whole\n%s--- pieces\n%s", whole.defects.p,
                piece.defects.p);
        FUZZ_CHECK(0, "same defects in any chunking");
    }
    free(whole.out.p);
    free(whole.defects.p);
    free(piece.out.p);
    free(piece.defects.p);
    return 0;
}

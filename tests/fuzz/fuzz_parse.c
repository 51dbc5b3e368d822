/* fuzz_parse.c - every parser, on any bytes, in any chunking.
 *
 * Input layout: three header bytes, then the text handed to the parser.
 *   byte 0  bits 0-2: the format (csv tsv json jsonl xml html text
 *           markdown); bit 3: tiny limits (field 64 B, record 512 B,
 *           8 columns, depth 8, 16 paths) so every limit path is reachable
 *           in a short input;
 *   byte 1  chunk size for the second run (0: an irregular pattern);
 *   byte 2  the sink says stop at callback 1 + byte 2 in the third run.
 * The text is raw bytes: the decode stage promises parsers valid UTF-8, but
 * a parser must not read out of bounds on anything else either.
 *
 * Checked, beyond sanitizer errors (parser.h's invariants):
 *   1. the events and the status are the same whole and chunked;
 *   2. a sink that says stop gets GS_ECANCELED and no further callback, and
 *      the events before the stop are those of the whole run.
 */
#include "fuzz.h"

#include "../transcript.h"

#include <string.h>

static const gs_format formats[8] = {
    GS_FMT_CSV, GS_FMT_TSV, GS_FMT_JSON, GS_FMT_JSONL,
    GS_FMT_XML, GS_FMT_HTML, GS_FMT_TEXT, GS_FMT_MARKDOWN,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const gs_parser_type *type = gs_parser_for(formats[data[0] & 7]);
    FUZZ_CHECK(type != NULL, "every format in the table has a parser");
    gs_limits lim;
    gs_limits_default(&lim);
    if (data[0] & 8) {
        lim.max_field_bytes = 64;
        lim.max_record_bytes = 512;
        lim.max_columns = 8;
        lim.max_depth = 8;
        lim.max_paths = 16;
    }
    long chunk = data[1] ? data[1] : -1;
    const char *text = (const char *)data + 3;
    size_t len = size - 3;

    tx_rec whole = {0};
    gs_status st = tx_run(type, &lim, text, len, 0, &whole);
    FUZZ_CHECK(st != GS_ECANCELED, "no stop was asked for");

    tx_rec piece = {0};
    tx_run(type, &lim, text, len, chunk, &piece);
    if (strcmp(whole.out.p, piece.out.p) != 0) {
        fprintf(stderr, "--- whole\n%s--- chunk %ld\n%s", whole.out.p, chunk,
                piece.out.p);
        FUZZ_CHECK(0, "same events under any chunking");
    }

    tx_rec stop = {.stop_at = 1 + (long)data[2]};
    st = tx_run(type, &lim, text, len, chunk, &stop);
    if (stop.stop_at <= whole.calls) {
        FUZZ_CHECK(st == GS_ECANCELED, "a stop gives GS_ECANCELED");
        FUZZ_CHECK(stop.after_stop == 0 && stop.calls == stop.stop_at,
                   "no callback after a stop");
        /* The stopped transcript ends in "status ECANCELED\n". */
        size_t events = stop.out.len - strlen("status ECANCELED\n");
        FUZZ_CHECK(events <= whole.out.len &&
                       memcmp(stop.out.p, whole.out.p, events) == 0,
                   "the events before a stop are those of the whole run");
    } else {
        FUZZ_CHECK(strcmp(stop.out.p, whole.out.p) == 0,
                   "a stop past the last callback changes nothing");
    }
    tx_free(&whole);
    tx_free(&piece);
    tx_free(&stop);
    return 0;
}

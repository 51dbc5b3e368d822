/* parse_file.c - print a parser's event transcript for one file.
 *
 *   parse_file FORMAT FILE
 *
 * Forces FORMAT (csv, tsv, json, jsonl, xml, html, text, markdown) instead
 * of sniffing, feeds the file's bytes as they are (no decode stage) and
 * prints the transcript of tests/transcript.c on stdout. The suites that
 * nobody on this project wrote (csv-spectrum, JSONTestSuite) are checked
 * through it. Exit status: 0 when the parse ended with status OK and no
 * defect, 1 when it reported a defect or ended otherwise, 2 on usage or
 * I/O errors. A crash is a signal, never an exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: parse_file FORMAT FILE\n");
        return 2;
    }
    const gs_parser_type *type = gs_parser_for(gs_format_from_name(argv[1]));
    if (!type) {
        fprintf(stderr, "parse_file: no parser for format '%s'\n", argv[1]);
        return 2;
    }
    size_t len;
    char *data = tx_slurp(argv[2], &len);
    if (!data) {
        perror(argv[2]);
        return 2;
    }
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = tx_transcript(type, &lim, data, len, 0);
    fputs(out, stdout);
    int clean = strstr(out, "\ndefect ") == NULL &&
                strncmp(out, "defect ", 7) != 0 &&
                strstr(out, "status OK\n") != NULL;
    free(out);
    free(data);
    return clean ? 0 : 1;
}

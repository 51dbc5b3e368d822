/* registry.c - format names and the format -> parser table.
 *
 * Job: map gs_format to its name (the inspect --json vocabulary in parser.h)
 * and back, and to the parser that reads it.
 *
 * Invariants:
 *   1. The tables are const and static: no state, safe from any thread.
 *   2. Adding a format is one line in `parsers` below; a format with no line
 *      has no parser (gs_parser_for returns NULL) and still gets document
 *      facts from the pipeline.
 *   3. gs_format_from_name(gs_format_name(f)) == f for every f.
 */
#include "gapscan/parser.h"

#include <string.h>

extern const gs_parser_type gs_csv_parser_type;
extern const gs_parser_type gs_tsv_parser_type;
extern const gs_parser_type gs_json_parser_type;
extern const gs_parser_type gs_jsonl_parser_type;
extern const gs_parser_type gs_text_parser_type;
extern const gs_parser_type gs_markdown_parser_type;
extern const gs_parser_type gs_xml_parser_type;
extern const gs_parser_type gs_html_parser_type;

static const char *const format_names[GS_FMT__COUNT] = {
    [GS_FMT_UNKNOWN] = "unknown",
    [GS_FMT_CSV] = "csv",
    [GS_FMT_TSV] = "tsv",
    [GS_FMT_JSON] = "json",
    [GS_FMT_JSONL] = "jsonl",
    [GS_FMT_XML] = "xml",
    [GS_FMT_HTML] = "html",
    [GS_FMT_TEXT] = "text",
    [GS_FMT_MARKDOWN] = "markdown",
    [GS_FMT_BINARY] = "binary",
};

static const gs_parser_type *const parsers[] = {
    &gs_csv_parser_type,
    &gs_tsv_parser_type,
    &gs_json_parser_type,
    &gs_jsonl_parser_type,
    &gs_text_parser_type,
    &gs_markdown_parser_type,
    &gs_xml_parser_type,
    &gs_html_parser_type,
};

const char *gs_format_name(gs_format fmt)
{
    if ((unsigned)fmt >= GS_FMT__COUNT)
        return format_names[GS_FMT_UNKNOWN];
    return format_names[fmt];
}

gs_format gs_format_from_name(const char *name)
{
    if (!name)
        return GS_FMT_UNKNOWN;
    for (unsigned i = 0; i < GS_FMT__COUNT; i++)
        if (strcmp(name, format_names[i]) == 0)
            return (gs_format)i;
    return GS_FMT_UNKNOWN;
}

const gs_parser_type *gs_parser_for(gs_format fmt)
{
    for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++)
        if (parsers[i]->format == fmt)
            return parsers[i];
    return NULL;
}

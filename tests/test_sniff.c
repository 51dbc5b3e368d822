/* test_sniff.c - gs_sniff_format over a table of (content, name) -> format.
 *
 * Each row is one case; a failure names the row. Content is a C string
 * except where a length is given (embedded NULs).
 */
#include "gapscan/parser.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct sniff_case {
    const char *why;
    const char *head;
    const char *name;
    int binary;
    gs_format want;
} sniff_case;

static const sniff_case cases[] = {
    /* binary evidence beats any name */
    {"binary named .csv", "PK\x03\x04 zip", "data/x.csv", 1, GS_FMT_BINARY},
    {"binary, no name", "\x7f" "ELF", "a.out", 1, GS_FMT_BINARY},

    /* empty and blank */
    {"empty .csv", "", "x.csv", 0, GS_FMT_CSV},
    {"empty .jsonl", "", "x.jsonl", 0, GS_FMT_JSONL},
    {"empty, no extension", "", "README", 0, GS_FMT_UNKNOWN},
    {"empty, unknown extension", "", "x.dat", 0, GS_FMT_UNKNOWN},
    {"blank lines, no extension", "\n\n  \n", "notes", 0, GS_FMT_TEXT},

    /* CSV and TSV */
    {"csv by content and name", "id,name\n1,a\n2,b\n", "x.csv", 0,
     GS_FMT_CSV},
    {"csv, no extension", "id,name,score\n1,a,3\n2,b,4\n3,c,5\n", "export",
     0, GS_FMT_CSV},
    {"csv with ; delimiter", "id;name;price\n1;a;3,50\n2;b;4,10\n3;c;1,00\n",
     "prices.txt", 0, GS_FMT_CSV},
    {"csv with | delimiter", "a|b|c\n1|2|3\n4|5|6\n7|8|9\n", "dump", 0,
     GS_FMT_CSV},
    {"csv quoted delimiters ignored",
     "id,comment\n1,\"a, b, c\"\n2,\"x\"\n3,\"y,z\"\n", "c.txt", 0, GS_FMT_CSV},
    {"csv quoted newline", "id,text\n1,\"two\nlines\"\n2,x\n3,y\n", "c", 0,
     GS_FMT_CSV},
    {"single-column csv trusts its name", "name\nalice\nbob\n", "n.csv", 0,
     GS_FMT_CSV},
    {"tsv named .txt", "id\tname\tnote\n1\ta\tx\n2\tb\ty\n3\tc\tz\n",
     "table.txt", 0, GS_FMT_TSV},
    {"tsv named .tsv", "a\tb\n1\t2\n", "t.tsv", 0, GS_FMT_TSV},
    {"tsv named .tab", "a\tb\n1\t2\n", "t.tab", 0, GS_FMT_TSV},
    {"tabs in a file named .csv", "a\tb\tc\n1\t2\t3\n4\t5\t6\n", "x.csv", 0,
     GS_FMT_TSV},
    {"commas in a file named .tsv", "a,b,c\n1,2,3\n4,5,6\n", "x.tsv", 0,
     GS_FMT_CSV},
    {"crlf csv", "a,b\r\n1,2\r\n3,4\r\n", "x", 0, GS_FMT_CSV},
    {"head cut mid-line", "a,b,c\n1,2,3\n4,5,6\n7,8", "cut", 0, GS_FMT_CSV},
    {"csv with BOM", "\xEF\xBB\xBF" "a,b\n1,2\n3,4\n", "bom.csv", 0,
     GS_FMT_CSV},

    /* JSON and JSON Lines */
    {"json array named .json", "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n",
     "x.json", 0, GS_FMT_JSON},
    {"json object, pretty", "{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n", "x.json",
     0, GS_FMT_JSON},
    {"one-line json array", "[{\"a\":1},{\"a\":2}]\n", "x.json", 0,
     GS_FMT_JSON},
    {"jsonl named .json", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", "x.json", 0,
     GS_FMT_JSONL},
    {"jsonl named .jsonl", "{\"a\":1}\n{\"a\":2}\n", "x.jsonl", 0,
     GS_FMT_JSONL},
    {"jsonl named .ndjson", "{\"a\":1}\n", "x.ndjson", 0, GS_FMT_JSONL},
    {"jsonl, no name", "{\"a\":1}\n\n{\"b\":\"}\\\"{\"}\n", "events", 0,
     GS_FMT_JSONL},
    {"one json line, no name", "{\"a\":1}\n", "x", 0, GS_FMT_JSON},
    {"jsonl with a bad line keeps its name",
     "{\"a\":1}\n{\"a\":\n{\"a\":3}\n", "x.jsonl", 0, GS_FMT_JSONL},
    {"pretty json named .jsonl", "{\n  \"a\": 1\n}\n", "x.jsonl", 0,
     GS_FMT_JSON},
    {"bracketed log lines are not json",
     "[INFO] started\n[WARN] slow\n[INFO] done\n", "app.log", 0, GS_FMT_TEXT},
    {"jsonl head cut mid-line", "{\"a\":1}\n{\"a\":2}\n{\"a\":", "x", 0,
     GS_FMT_JSONL},

    /* markup */
    {"xml declaration", "<?xml version=\"1.0\"?>\n<root/>\n", "x", 0,
     GS_FMT_XML},
    {"xml root element", "<catalog><item id=\"1\"/></catalog>", "feed", 0,
     GS_FMT_XML},
    {"html doctype", "<!DOCTYPE html>\n<html><head></head></html>", "page",
     0, GS_FMT_HTML},
    {"html tag, any case", "  <HTML lang=\"en\">\n<body></body>", "x", 0,
     GS_FMT_HTML},
    {"html fragment", "<div class=\"x\">hi</div>\n", "frag", 0,
     GS_FMT_HTML},
    {"comment then html", "<!-- generated -->\n<html></html>", "x", 0,
     GS_FMT_HTML},
    {"xhtml named .html", "<?xml version=\"1.0\"?>\n<html/>", "x.html", 0,
     GS_FMT_HTML},
    {"xml named .xml with html root", "<html/>", "x.xml", 0, GS_FMT_XML},
    {"html content named .txt", "<!doctype html><p>hi", "x.txt", 0,
     GS_FMT_HTML},
    {"less-than in prose", "<3 this\nso much\n", "x", 0, GS_FMT_TEXT},

    /* markdown and text */
    {"markdown by name", "just words\n", "README.md", 0, GS_FMT_MARKDOWN},
    {"markdown by .markdown", "words\n", "x.markdown", 0, GS_FMT_MARKDOWN},
    {"markdown heading", "intro\n\n# Title\n\ntext\n", "notes", 0,
     GS_FMT_MARKDOWN},
    {"markdown front matter", "---\ntitle: x\n---\nbody\n", "post", 0,
     GS_FMT_MARKDOWN},
    {"markdown table by name", "| a | b |\n|---|---|\n| 1 | 2 |\n", "t.md",
     0, GS_FMT_MARKDOWN},
    {"hashtag is not a heading", "#nospace\nplain\n", "x", 0, GS_FMT_TEXT},
    {"prose", "Hello, world. This is text.\nIt has, sometimes, commas.\n",
     "letter", 0, GS_FMT_TEXT},
    {"prose named .txt", "Dear reader,\nthanks.\n", "x.txt", 0,
     GS_FMT_TEXT},
    {"hash line named .txt", "Notes\n# TODO call Ana\n", "x.txt", 0,
     GS_FMT_TEXT},
    {"front matter named .txt", "---\ntitle: x\n---\nbody\n", "x.txt", 0,
     GS_FMT_TEXT},
    {"front matter with CRLF", "---\r\ntitle: x\r\n---\r\nbody\r\n", "post",
     0, GS_FMT_MARKDOWN},
    {"uppercase extension", "a,b\n1,2\n", "X.CSV", 0, GS_FMT_CSV},
    {"dot in directory only", "plain words\n", "dir.csv/file", 0,
     GS_FMT_TEXT},
    {"no name at all", "plain words\n", NULL, 0, GS_FMT_TEXT},
};

START_TEST(sniff_table)
{
    const sniff_case *c = &cases[_i];
    gs_format got = gs_sniff_format(c->head, strlen(c->head), c->name,
                                    c->binary);
    ck_assert_msg(got == c->want, "%s: got %s, want %s", c->why,
                  gs_format_name(got), gs_format_name(c->want));
}
END_TEST

START_TEST(sniff_reads_only_len_bytes)
{
    /* the JSON Lines evidence lies past len: not seen */
    const char *s = "{\"a\":1}\n{\"a\":2}\n";
    ck_assert_int_eq(gs_sniff_format(s, 8, "x", 0), GS_FMT_JSON);
    ck_assert_int_eq(gs_sniff_format(NULL, 0, "x.tsv", 0), GS_FMT_TSV);
    /* embedded NUL without binary evidence: still decided, no crash */
    ck_assert_int_eq(gs_sniff_format("a,b\n\0,2\n3,4\n", 12, "x", 0),
                     GS_FMT_CSV);
}
END_TEST

static Suite *sniff_suite(void)
{
    Suite *s = suite_create("sniff");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, sniff_table, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, sniff_reads_only_len_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sniff_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

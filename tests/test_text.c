/* test_text.c - the text and Markdown parsers: what counts as visible, the
 * title, the front matter's bound, YAML hostile inputs, long lines.
 *
 * Golden fixtures, chunking and stop behaviour are proven for every parser
 * in test_parsers.c; this suite checks the rules themselves, each on a small
 * input, through a sink that writes "path=value@line:col" lines.
 */
#include "gapscan/parser.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    char *s;
    size_t len;
    char paths[64][128];
    size_t npaths;
    long values;
} out;

static void put(out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    o->s = realloc(o->s, o->len + (size_t)n + 1);
    ck_assert_ptr_nonnull(o->s);
    memcpy(o->s + o->len, buf, (size_t)n + 1);
    o->len += (size_t)n;
}

static gs_field_id o_field(void *ud, const char *path, size_t len)
{
    out *o = ud;
    for (size_t i = 0; i < o->npaths; i++)
        if (strlen(o->paths[i]) == len && memcmp(o->paths[i], path, len) == 0)
            return (gs_field_id)i;
    ck_assert_uint_lt(o->npaths, 64);
    ck_assert_uint_lt(len, 128);
    memcpy(o->paths[o->npaths], path, len);
    o->paths[o->npaths][len] = '\0';
    return (gs_field_id)o->npaths++;
}

static int o_rec(void *ud, const gs_loc *loc)
{
    (void)ud;
    (void)loc;
    return 0;
}

static int o_value(void *ud, gs_field_id f, const char *b, size_t n,
                   gs_value_kind k, const gs_loc *loc)
{
    out *o = ud;
    (void)k;
    o->values++;
    if (n > 200) /* long values: their length only */
        put(o, "%s=<%zu bytes>@%llu:%llu\n", o->paths[f], n,
            (unsigned long long)loc->line, (unsigned long long)loc->col);
    else
        put(o, "%s=%.*s@%llu:%llu\n", o->paths[f], (int)n, b,
            (unsigned long long)loc->line, (unsigned long long)loc->col);
    return 0;
}

static int o_defect(void *ud, const char *code, const char *detail,
                    const gs_loc *loc)
{
    (void)detail;
    put(ud, "!%s@%llu:%llu\n", code, (unsigned long long)loc->line,
        (unsigned long long)loc->col);
    return 0;
}

/* Parse data (len bytes, or strlen) with fmt in chunks of `chunk` bytes
 * (0: whole); returns the transcript (caller frees). */
static char *parse_n(gs_format fmt, const gs_limits *lim, const char *data,
                     size_t len, size_t chunk, long *values)
{
    out o = {0};
    gs_sink sink = {.ud = &o, .field = o_field, .record_begin = o_rec,
                    .record_end = o_rec, .value = o_value,
                    .defect = o_defect};
    const gs_parser_type *t = gs_parser_for(fmt);
    ck_assert_ptr_nonnull(t);
    gs_parser *p;
    ck_assert_int_eq(t->open(lim, &sink, &p), GS_OK);
    for (size_t off = 0; off < len;) {
        size_t n = chunk && chunk < len - off ? chunk : len - off;
        ck_assert_int_eq(t->feed(p, data + off, n), GS_OK);
        off += n;
    }
    ck_assert_int_eq(t->finish(p), GS_OK);
    t->close(p);
    put(&o, "%s", "");
    if (values)
        *values = o.values;
    return o.s;
}

static char *parse(gs_format fmt, const char *data)
{
    gs_limits lim;
    gs_limits_default(&lim);
    return parse_n(fmt, &lim, data, strlen(data), 0, NULL);
}

#define ck_assert_has(hay, needle) \
    ck_assert_msg(strstr(hay, needle) != NULL, "missing <%s> in:\n%s", needle, hay)
#define ck_assert_lacks(hay, needle) \
    ck_assert_msg(strstr(hay, needle) == NULL, "unexpected <%s> in:\n%s", needle, hay)

/* doc.length_chars of data, read as fmt. */
static long length_chars(gs_format fmt, const char *data)
{
    char *o = parse(fmt, data);
    const char *v = strstr(o, "doc.length_chars=");
    ck_assert_ptr_nonnull(v);
    long n = strtol(v + strlen("doc.length_chars="), NULL, 10);
    free(o);
    return n;
}

START_TEST(visible_length_follows_the_documented_rule)
{
    static const struct {
        gs_format fmt;
        const char *in;
        long want;
    } cases[] = {
        /* both: characters between a line's first and last non-blank */
        {GS_FMT_TEXT, "abc\n", 3},
        {GS_FMT_TEXT, "  a b  \t\r\n\n", 3},
        {GS_FMT_TEXT, "caf\xc3\xa9 \xe2\x82\xac\n", 6},
        {GS_FMT_TEXT, "a\r\nb\rc\n", 4},      /* a lone CR is a blank */
        {GS_FMT_TEXT, "# *x* [l](u)\n", 12},  /* text has no markup */
        {GS_FMT_MARKDOWN, "abc", 3},
        /* ATX markers, closing runs, and what is not a closing run */
        {GS_FMT_MARKDOWN, "# Title\n", 5},
        {GS_FMT_MARKDOWN, "   ## Title ##  \n", 5},
        {GS_FMT_MARKDOWN, "# foo#\n", 4},
        {GS_FMT_MARKDOWN, "# foo # #\n", 5},
        {GS_FMT_MARKDOWN, "### ###\n", 0},
        {GS_FMT_MARKDOWN, "#hashtag\n", 8},
        {GS_FMT_MARKDOWN, "    # code\n", 6},
        /* emphasis */
        {GS_FMT_MARKDOWN, "**bold** and _it_\n", 11},
        {GS_FMT_MARKDOWN, "a * b\n", 5},
        {GS_FMT_MARKDOWN, "snake_case_name\n", 15},
        {GS_FMT_MARKDOWN, "* item\n", 6},
        /* links and images keep their text only */
        {GS_FMT_MARKDOWN, "see [docs](http://x/(y)) now\n", 12},
        {GS_FMT_MARKDOWN, "![alt text](a.png \"t\")\n", 8},
        {GS_FMT_MARKDOWN, "[not a link] [x]\n", 16},
        {GS_FMT_MARKDOWN, "a [b [c](u) d] e\n", 11},
        /* HTML comments, even across lines */
        {GS_FMT_MARKDOWN, "a <!-- c --> b\n", 4},
        {GS_FMT_MARKDOWN, "x <!-- one\ntwo --> y\n", 2},
        {GS_FMT_MARKDOWN, "<!-\n", 3},
        /* fences go, code stays verbatim, setext underlines go */
        {GS_FMT_MARKDOWN, "```c\n*p = 1;\n```\n", 7},
        {GS_FMT_MARKDOWN, "Title\n=====\n", 5},
        {GS_FMT_MARKDOWN, "\n---\n", 0},
        {GS_FMT_MARKDOWN, "\n--\n", 2},
        {GS_FMT_MARKDOWN, "- a\n", 3},
        /* front matter is not text */
        {GS_FMT_MARKDOWN, "---\na: b\n---\nx\n", 1},
        {GS_FMT_TEXT, "---\na: b\n---\nx\n", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long got = length_chars(cases[i].fmt, cases[i].in);
        ck_assert_msg(got == cases[i].want, "case %zu <%s>: %ld, want %ld", i,
                      cases[i].in, got, cases[i].want);
    }
}
END_TEST

START_TEST(the_title_is_front_matter_then_the_first_level_one_heading)
{
    char *o = parse(GS_FMT_MARKDOWN, "## Sub\n\n# The *real* [one](u) #\n"
                                     "# Second\n");
    ck_assert_has(o, "doc.title=The real one@3:1\n");
    ck_assert_lacks(o, "Second@");
    ck_assert_has(o, "doc.headings=3@");
    free(o);
    o = parse(GS_FMT_MARKDOWN, "---\ntitle: From meta\n---\n# Heading\n");
    ck_assert_has(o, "doc.meta.title=From meta@2:8\n");
    ck_assert_has(o, "doc.title=From meta@2:8\n");
    ck_assert_lacks(o, "doc.title=Heading");
    free(o);
    /* a nested "title" is not the document's */
    o = parse(GS_FMT_MARKDOWN, "---\nx:\n  title: no\n---\nSet\next\n===\n");
    ck_assert_has(o, "doc.meta.x.title=no@3:10\n");
    ck_assert_has(o, "doc.title=Set ext@5:1\n");
    free(o);
    /* plain text never has one */
    o = parse(GS_FMT_TEXT, "---\ntitle: T\n---\n# H\n");
    ck_assert_has(o, "doc.meta.title=T@");
    ck_assert_lacks(o, "doc.title");
    ck_assert_lacks(o, "doc.headings");
    free(o);
}
END_TEST

START_TEST(a_title_past_the_limit_is_a_defect)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 8;
    const char *in = "# 123456789\n# short\n";
    char *o = parse_n(GS_FMT_MARKDOWN, &lim, in, strlen(in), 0, NULL);
    ck_assert_has(o, "!markdown.title_too_long@1:1\n");
    ck_assert_lacks(o, "doc.title=");
    free(o);
    in = "# 12345678\n";
    o = parse_n(GS_FMT_MARKDOWN, &lim, in, strlen(in), 0, NULL);
    ck_assert_has(o, "doc.title=12345678@1:1\n");
    free(o);
}
END_TEST

START_TEST(front_matter_past_its_bound_is_read_as_text)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 23; /* the block, "---" lines included */
    const char *fits = "---\nk: 12345678901\n---\nx\n";  /* 23 bytes */
    const char *over = "---\nk: 123456789012\n---\nx\n"; /* 24 bytes */
    for (size_t chunk = 0; chunk <= 3; chunk++) {
        char *o = parse_n(GS_FMT_MARKDOWN, &lim, fits, strlen(fits), chunk,
                          NULL);
        ck_assert_has(o, "doc.meta.k=12345678901@2:4\n");
        ck_assert_has(o, "doc.length_chars=1@");
        ck_assert_lacks(o, "!");
        free(o);
        o = parse_n(GS_FMT_MARKDOWN, &lim, over, strlen(over), chunk, NULL);
        ck_assert_has(o, "!yaml.front_matter_too_large@1:1\n");
        ck_assert_lacks(o, "doc.meta");
        /* read as text: "---" a thematic break, then "k: ..." is a
         * paragraph whose setext underline is the second "---" */
        ck_assert_has(o, "doc.length_chars=16@");
        ck_assert_has(o, "doc.headings=1@");
        free(o);
    }
    /* the default bound is 64 KiB even with a larger field limit */
    gs_limits_default(&lim);
    size_t n = 70 * 1024;
    char *big = malloc(n + 32);
    memcpy(big, "---\nk: ", 7);
    memset(big + 7, 'v', n);
    memcpy(big + 7 + n, "\n---\n", 6);
    char *o = parse_n(GS_FMT_TEXT, &lim, big, strlen(big), 4096, NULL);
    ck_assert_has(o, "!yaml.front_matter_too_large@1:1\n");
    ck_assert_has(o, "doc.lines=3@");
    free(o);
    free(big);
}
END_TEST

START_TEST(unclosed_front_matter_is_a_defect_and_text)
{
    char *o = parse(GS_FMT_TEXT, "---\ntitle: x\nmore\n");
    ck_assert_has(o, "!yaml.front_matter_unclosed@1:1\n");
    ck_assert_has(o, "doc.length_chars=15@");
    ck_assert_has(o, "doc.paragraphs=1@");
    free(o);
    /* only the opening line, unterminated: just text, no defect */
    o = parse(GS_FMT_TEXT, "---");
    ck_assert_lacks(o, "!");
    ck_assert_has(o, "doc.length_chars=3@");
    free(o);
    /* "--- x" does not open front matter */
    o = parse(GS_FMT_MARKDOWN, "--- x\na: b\n---\n");
    ck_assert_lacks(o, "doc.meta");
    ck_assert_lacks(o, "!");
    free(o);
}
END_TEST

START_TEST(yaml_errors_point_at_the_problem)
{
    char *o = parse(GS_FMT_MARKDOWN, "---\nok: 1\nbad: a: b\n---\n# T\n");
    ck_assert_has(o, "doc.meta.ok=1@2:5\n");
    ck_assert_has(o, "!yaml.syntax@3:7\n");
    ck_assert_has(o, "doc.title=T@5:1\n");
    free(o);
    /* a reader error (control character): its byte offset, past a
     * multi-byte character libyaml counts as one */
    o = parse(GS_FMT_MARKDOWN, "---\n\xc3\xa9: \"a\x01\"\n---\n");
    ck_assert_has(o, "!yaml.syntax@2:7\n");
    free(o);
    /* a scanner error after a multi-byte character: bytes, not chars */
    o = parse(GS_FMT_MARKDOWN, "---\n\xc3\xa9\xc3\xa9: x: y\n---\n");
    ck_assert_has(o, "doc.meta.\xc3\xa9\xc3\xa9=x@2:7\n");
    ck_assert_has(o, "!yaml.syntax@2:8\n");
    free(o);
}
END_TEST

START_TEST(yaml_nesting_past_the_limit_is_skipped)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_depth = 2;
    const char *in = "---\na:\n  b: 1\n  c:\n    d: 2\n  e: 3\nf: [[x], y]\n"
                     "---\n";
    char *o = parse_n(GS_FMT_MARKDOWN, &lim, in, strlen(in), 0, NULL);
    ck_assert_has(o, "doc.meta.a.b=1@3:6\n");
    ck_assert_has(o, "!yaml.too_deep@5:5\n");
    ck_assert_lacks(o, "=2@");
    ck_assert_has(o, "doc.meta.a.e=3@6:6\n");
    ck_assert_has(o, "doc.meta.f[]=y@");
    ck_assert_lacks(o, "=x@");
    free(o);
}
END_TEST

/* The classic "billion laughs": ten anchors, each a list of ten aliases of
 * the previous one. Expanded it would be 10^9 values; here each alias is
 * skipped, so the values are the one scalar that was written. */
START_TEST(a_yaml_billion_laughs_stays_bounded)
{
    char doc[4096];
    size_t n = (size_t)snprintf(doc, sizeof doc, "---\na: &a [\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, "%c: &%c [", c, c);
        for (int i = 0; i < 10; i++)
            n += (size_t)snprintf(doc + n, sizeof doc - n, "%s*%c",
                                  i ? ", " : "", c - 1);
        n += (size_t)snprintf(doc + n, sizeof doc - n, "]\n");
    }
    n += (size_t)snprintf(doc + n, sizeof doc - n, "---\nbody\n");
    ck_assert_uint_lt(n, sizeof doc);
    gs_limits lim;
    gs_limits_default(&lim);
    long values = 0;
    char *o = parse_n(GS_FMT_MARKDOWN, &lim, doc, n, 0, &values);
    ck_assert_has(o, "doc.meta.a[]=lol@2:8\n");
    ck_assert_lacks(o, "doc.meta.b");
    ck_assert_lacks(o, "!");
    ck_assert_int_eq(values, 1 + 4); /* the scalar, four counts */
    free(o);
}
END_TEST

/* ---- a line of any length costs no memory ---- */

/* Live and peak bytes through the allocation path (a size header per
 * block). */
static size_t live, peak;

static void *sized_alloc(void *ud, void *ptr, size_t n)
{
    (void)ud;
    size_t *h = ptr ? (size_t *)ptr - 2 : NULL;
    if (h)
        live -= h[0];
    if (n == 0) {
        free(h);
        return NULL;
    }
    size_t *q = realloc(h, n + 2 * sizeof *q);
    if (!q) {
        if (h)
            live += h[0];
        return NULL;
    }
    q[0] = n;
    live += n;
    if (live > peak)
        peak = live;
    return q + 2;
}

/* 64 MiB on one line, in 1 MiB pieces: memory stays far below it. */
static void feed_long_line(gs_format fmt, unsigned char fill)
{
    enum { CHUNK = 1 << 20, CHUNKS = 64 };
    gs_limits lim;
    gs_limits_default(&lim);
    char *buf = malloc(CHUNK);
    memset(buf, fill, CHUNK);
    out o = {0};
    gs_sink sink = {.ud = &o, .field = o_field, .record_begin = o_rec,
                    .record_end = o_rec, .value = o_value,
                    .defect = o_defect};
    const gs_parser_type *t = gs_parser_for(fmt);
    gs_parser *p;
    gs_set_allocator(sized_alloc, NULL);
    live = peak = 0;
    ck_assert_int_eq(t->open(&lim, &sink, &p), GS_OK);
    for (int i = 0; i < CHUNKS; i++)
        ck_assert_int_eq(t->feed(p, buf, CHUNK), GS_OK);
    ck_assert_int_eq(t->finish(p), GS_OK);
    t->close(p);
    gs_set_allocator(NULL, NULL);
    /* the parser, and in Markdown a title capture of max_field_bytes */
    ck_assert_uint_le(peak, 2 * lim.max_field_bytes + 4096);
    ck_assert_uint_eq(live, 0);
    char want[64];
    snprintf(want, sizeof want, "doc.length_chars=%d@", CHUNK * CHUNKS);
    ck_assert_has(o.s, want);
    ck_assert_has(o.s, "doc.lines=1@");
    free(o.s);
    free(buf);
}

START_TEST(a_line_of_any_length_costs_no_memory)
{
    feed_long_line(GS_FMT_TEXT, 'a');
    feed_long_line(GS_FMT_MARKDOWN, 'a');
    feed_long_line(GS_FMT_MARKDOWN, '=');  /* a setext run held as a count */
}
END_TEST

/* ---- out of memory is a status, never a crash or a leak ---- */

static long made, fail_at;

static void *failing_alloc(void *ud, void *ptr, size_t n)
{
    if (n != 0 && ++made == fail_at)
        return NULL;
    return sized_alloc(ud, ptr, n);
}

static gs_status run_quiet(gs_format fmt, const char *data, size_t len)
{
    gs_limits lim;
    gs_limits_default(&lim);
    out o = {0};
    gs_sink sink = {.ud = &o, .field = o_field, .record_begin = o_rec,
                    .record_end = o_rec, .value = o_value,
                    .defect = o_defect};
    const gs_parser_type *t = gs_parser_for(fmt);
    gs_parser *p = NULL;
    gs_status st = t->open(&lim, &sink, &p);
    for (size_t off = 0; st == GS_OK && off < len; off += 5)
        st = t->feed(p, data + off, len - off < 5 ? len - off : 5);
    if (st == GS_OK)
        st = t->finish(p);
    t->close(p);
    free(o.s);
    return st;
}

START_TEST(any_failed_allocation_is_enomem_without_leaks)
{
    static const char *const docs[] = {
        "---\ntitle: T\ntags: [a, b]\nauthor: {name: A}\n---\n# H\ntext\n",
        "Long title line that is captured\n=====\n",
        "---\nunclosed: yes\n# heading\n",
    };
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        for (int md = 0; md < 2; md++) {
            gs_format fmt = md ? GS_FMT_MARKDOWN : GS_FMT_TEXT;
            gs_set_allocator(failing_alloc, NULL);
            made = fail_at = 0;
            live = 0;
            ck_assert_int_eq(run_quiet(fmt, docs[d], strlen(docs[d])), GS_OK);
            long total = made;
            ck_assert_int_gt(total, 0);
            for (long k = 1; k <= total; k++) {
                made = 0;
                fail_at = k;
                live = 0;
                gs_status st = run_quiet(fmt, docs[d], strlen(docs[d]));
                ck_assert_msg(st == GS_ENOMEM, "doc %zu md %d: allocation "
                              "%ld failed, status %d", d, md, k, (int)st);
                ck_assert_uint_eq(live, 0);
            }
            gs_set_allocator(NULL, NULL);
        }
    }
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, visible_length_follows_the_documented_rule);
    tcase_add_test(tc, the_title_is_front_matter_then_the_first_level_one_heading);
    tcase_add_test(tc, a_title_past_the_limit_is_a_defect);
    tcase_add_test(tc, front_matter_past_its_bound_is_read_as_text);
    tcase_add_test(tc, unclosed_front_matter_is_a_defect_and_text);
    tcase_add_test(tc, yaml_errors_point_at_the_problem);
    tcase_add_test(tc, yaml_nesting_past_the_limit_is_skipped);
    tcase_add_test(tc, a_yaml_billion_laughs_stays_bounded);
    tcase_add_test(tc, a_line_of_any_length_costs_no_memory);
    tcase_add_test(tc, any_failed_allocation_is_enomem_without_leaks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(text_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

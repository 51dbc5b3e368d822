/* test_xml.c - the XML parser against hostile input, its limits and its
 * record-path choice. Ordinary documents are golden fixtures
 * (tests/data/parsers/xml_*.xml, run by test_parsers.c in every chunking).
 *
 * Hostile cases: external entities naming a local file (its content must never
 * appear) or a URL (a listening socket proves nothing connects), an external
 * DTD subset and parameter entity (never loaded), billion laughs and quadratic
 * blowup (a defect, in bounded time), 100,000 levels of nesting.
 */
#include "gapscan/parser.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- a recording sink: one line per event, offsets included ---- */

typedef struct rec {
    char *out;
    size_t len, cap;
    char **paths;
    size_t npaths;
    const char *data;  /* the input, to check value locations */
    size_t data_len;
    long bad_locs;     /* values whose location is not their element's '<' */
} rec;

static void add(rec *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    if (r->len + (size_t)n + 1 > r->cap) {
        r->cap = (r->len + (size_t)n + 1) * 2;
        r->out = realloc(r->out, r->cap);
        ck_assert_ptr_nonnull(r->out);
    }
    va_start(ap, fmt);
    vsnprintf(r->out + r->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->len += (size_t)n;
}

static gs_field_id s_field(void *ud, const char *path, size_t len)
{
    rec *r = ud;
    for (size_t i = 0; i < r->npaths; i++)
        if (strlen(r->paths[i]) == len && memcmp(r->paths[i], path, len) == 0)
            return (gs_field_id)i;
    r->paths = realloc(r->paths, (r->npaths + 1) * sizeof *r->paths);
    ck_assert_ptr_nonnull(r->paths);
    r->paths[r->npaths] = strndup(path, len);
    add(r, "field %zu %s\n", r->npaths, r->paths[r->npaths]);
    return (gs_field_id)r->npaths++;
}

static int s_record_begin(void *ud, const gs_loc *loc)
{
    add(ud, "record_begin rec=%llu line=%llu\n",
        (unsigned long long)loc->record, (unsigned long long)loc->line);
    return 0;
}

static int s_record_end(void *ud, const gs_loc *loc)
{
    add(ud, "record_end rec=%llu\n", (unsigned long long)loc->record);
    return 0;
}

/* A value's location must be its element's start tag: offset at '<', line and
 * col (bytes) agreeing with the offset. */
static void check_loc(rec *r, const gs_loc *loc)
{
    if (!r->data || loc->offset >= r->data_len ||
        r->data[loc->offset] != '<') {
        r->bad_locs++;
        return;
    }
    uint64_t line = 1, line_start = 0;
    for (uint64_t i = 0; i < loc->offset; i++)
        if (r->data[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    if (loc->line != line || loc->col != loc->offset - line_start + 1)
        r->bad_locs++;
}

static int s_value(void *ud, gs_field_id f, const char *b, size_t n,
                   gs_value_kind kind, const gs_loc *loc)
{
    rec *r = ud;
    ck_assert_int_eq(kind, GS_VK_TEXT);
    check_loc(r, loc);
    if (f == GS_FIELD_NONE)
        add(r, "value none \"%.*s\" line=%llu col=%llu off=%llu rec=%llu\n",
            (int)(n > 200 ? 200 : n), b, (unsigned long long)loc->line,
            (unsigned long long)loc->col, (unsigned long long)loc->offset,
            (unsigned long long)loc->record);
    else
        add(r, "value %u \"%.*s\" line=%llu col=%llu off=%llu rec=%llu\n",
            (unsigned)f, (int)(n > 200 ? 200 : n), b,
            (unsigned long long)loc->line, (unsigned long long)loc->col,
            (unsigned long long)loc->offset, (unsigned long long)loc->record);
    return 0;
}

static int s_defect(void *ud, const char *code, const char *detail,
                    const gs_loc *loc)
{
    add(ud, "defect %s line=%llu col=%llu rec=%llu \"%s\"\n", code,
        (unsigned long long)(loc ? loc->line : 0),
        (unsigned long long)(loc ? loc->col : 0),
        (unsigned long long)(loc ? loc->record : 0), detail ? detail : "");
    return 0;
}

static int s_fact(void *ud, const char *key, const char *value)
{
    add(ud, "fact %s %s\n", key, value);
    return 0;
}

static const char *status_name(gs_status st)
{
    switch (st) {
    case GS_OK: return "OK";
    case GS_ENOMEM: return "ENOMEM";
    case GS_ELIMIT: return "ELIMIT";
    case GS_ECANCELED: return "ECANCELED";
    default: return "other";
    }
}

/* The transcript of data parsed in pieces of chunk bytes (0: whole; -1:
 * irregular). *bad_locs counts values placed elsewhere than their '<'. */
static char *run(const gs_limits *lim, const char *data, size_t len,
                 long chunk, long *bad_locs)
{
    rec r = {.data = data, .data_len = len};
    gs_sink sink = {
        .ud = &r, .field = s_field, .record_begin = s_record_begin,
        .record_end = s_record_end, .value = s_value, .defect = s_defect,
        .fact = s_fact,
    };
    const gs_parser_type *t = gs_parser_for(GS_FMT_XML);
    ck_assert_ptr_nonnull(t);
    gs_parser *p;
    gs_status st = t->open(lim, &sink, &p);
    if (st != GS_OK) {
        ck_assert_ptr_null(p);
        add(&r, "status %s\n", status_name(st));
        return r.out;
    }
    unsigned seed = 99;
    for (size_t off = 0; st == GS_OK && off < len;) {
        size_t n = len - off;
        if (chunk > 0 && (size_t)chunk < n)
            n = (size_t)chunk;
        if (chunk < 0) {
            seed = seed * 1103515245u + 12345u;
            size_t k = 1 + (seed >> 16) % 5000;
            n = k < n ? k : n;
        }
        st = t->feed(p, data + off, n);
        off += n;
    }
    if (st == GS_OK)
        st = t->finish(p);
    t->close(p);
    add(&r, "status %s\n", status_name(st));
    for (size_t i = 0; i < r.npaths; i++)
        free(r.paths[i]);
    free(r.paths);
    if (bad_locs)
        *bad_locs = r.bad_locs;
    return r.out;
}

static char *run_str(const gs_limits *lim, const char *data)
{
    return run(lim, data, strlen(data), 0, NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
    va_end(ap);
    return s;
}

#define ck_assert_has(hay, needle) \
    ck_assert_msg(strstr(hay, needle) != NULL, "missing <%s> in:\n%s", needle, hay)
#define ck_assert_lacks(hay, needle) \
    ck_assert_msg(strstr(hay, needle) == NULL, "unexpected <%s> in:\n%s", needle, hay)

/* ---- hostile input ---- */

#define MARKER "SECRET-7f3a9c-NEVER-READ"

/* A file holding MARKER, as an XML entity text and as a DTD declaring one. */
static void make_secrets(char *txt, char *dtd, size_t cap)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(txt, cap, "%s/gs_xml_secret_XXXXXX", tmp);
    int fd = mkstemp(txt);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, MARKER, strlen(MARKER)), (ssize_t)strlen(MARKER));
    close(fd);
    snprintf(dtd, cap, "%s/gs_xml_dtd_XXXXXX", tmp);
    fd = mkstemp(dtd);
    ck_assert_int_ge(fd, 0);
    const char *decl = "<!ENTITY s \"" MARKER "\">\n<!ATTLIST r a CDATA \""
                       MARKER "\">\n";
    ck_assert_int_eq(write(fd, decl, strlen(decl)), (ssize_t)strlen(decl));
    close(fd);
}

START_TEST(an_external_entity_naming_a_local_file_is_never_read)
{
    char txt[512], dtd[512];
    make_secrets(txt, dtd, sizeof txt);
    gs_limits lim;
    gs_limits_default(&lim);
    const char *forms[] = {"file://%s", "%s"};
    for (size_t i = 0; i < 2; i++) {
        char *sys = xasprintf(forms[i], txt);
        char *doc = xasprintf(
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE r [\n"
            "  <!ENTITY x SYSTEM \"%s\">\n"
            "  <!ENTITY %% p SYSTEM \"%s\">\n"
            "  %%p;\n"
            "]>\n"
            "<r>\n  <a>before &x; after</a>\n  <a>plain</a>\n</r>\n",
            sys, sys);
        char *out = run_str(&lim, doc);
        ck_assert_lacks(out, MARKER);
        ck_assert_has(out, "defect xml.entity_refused line=8");
        ck_assert_has(out, "not loaded");
        ck_assert_has(out, "\"before  after\"");
        ck_assert_has(out, "\"plain\"");
        ck_assert_has(out, "status OK");
        free(out);
        free(doc);
        /* in an attribute value: a well-formedness error, still refused */
        doc = xasprintf("<!DOCTYPE r [<!ENTITY x SYSTEM \"%s\">]>\n"
                        "<r a=\"&x;\"/>\n", sys);
        out = run_str(&lim, doc);
        ck_assert_lacks(out, MARKER);
        ck_assert_has(out, "defect xml.entity_refused line=2");
        free(out);
        free(doc);
        free(sys);
    }
    unlink(txt);
    unlink(dtd);
}
END_TEST

START_TEST(an_external_dtd_subset_is_never_loaded)
{
    char txt[512], dtd[512];
    make_secrets(txt, dtd, sizeof txt);
    gs_limits lim;
    gs_limits_default(&lim);
    char *doc = xasprintf("<?xml version=\"1.0\"?>\n"
                          "<!DOCTYPE r SYSTEM \"file://%s\">\n"
                          "<r><v>&s;</v></r>\n", dtd);
    char *out = run_str(&lim, doc);
    /* neither the entity nor the defaulted attribute it declares arrive */
    ck_assert_lacks(out, MARKER);
    ck_assert_lacks(out, "@a");
    ck_assert_has(out, "defect xml.entity_undeclared line=3");
    ck_assert_has(out, "status OK");
    free(out);
    free(doc);
    unlink(txt);
    unlink(dtd);
}
END_TEST

START_TEST(an_external_entity_naming_a_url_is_never_fetched)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s, 8), 0);
    ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &alen), 0);
    int port = ntohs(a.sin_port);
    gs_limits lim;
    gs_limits_default(&lim);
    char *doc = xasprintf(
        "<!DOCTYPE r SYSTEM \"http://127.0.0.1:%d/dtd\" [\n"
        "  <!ENTITY u SYSTEM \"http://127.0.0.1:%d/entity\">\n"
        "  <!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/pe\">\n"
        "  %%p;\n"
        "]>\n<r><a>&u;</a></r>\n", port, port, port);
    char *out = run_str(&lim, doc);
    ck_assert_has(out, "defect xml.entity_refused line=6");
    /* nothing connected: accept would find a queued connection */
    ck_assert_int_eq(fcntl(s, F_SETFL, O_NONBLOCK), 0);
    int c = accept(s, NULL, NULL);
    ck_assert_msg(c < 0, "the parser connected to the entity's URL");
    close(s);
    free(out);
    free(doc);
}
END_TEST

START_TEST(billion_laughs_is_a_defect_in_bounded_time)
{
    char doc[4096] = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                     "<!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; i++) {
        char line[256];
        int n = snprintf(line, sizeof line, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, "&lol%.0d;",
                          i - 1);
        snprintf(line + n, sizeof line - (size_t)n, "\">\n");
        strcat(doc, line);
    }
    strcat(doc, "]>\n<lolz><a>&lol9;</a><b a=\"&lol9;\"/></lolz>\n");
    gs_limits lim;
    gs_limits_default(&lim);
    double t0 = now();
    char *out = run_str(&lim, doc);
    ck_assert_msg(now() - t0 < 2.0, "took %.1fs", now() - t0);
    ck_assert_has(out, "defect xml.entity_expansion line=14");
    ck_assert_lacks(out, "lollollol");
    free(out);
}
END_TEST

/* One 100 KB entity referenced 100,000 times, in text, in an attribute and
 * as markup: 10 GB if expanded. */
START_TEST(quadratic_blowup_is_a_defect_in_bounded_time)
{
    const char *shapes[][2] = {
        {"%s", "<r><t>%s</t></r>\n"},
        {"%s", "<r t=\"%s\"/>\n"},
        {"<b>%s</b>", "<r>%s</r>\n"},
    };
    gs_limits lim;
    gs_limits_default(&lim);
    size_t big = 100000, refs = 100000;
    char *ent = malloc(big + 1);
    memset(ent, 'A', big);
    ent[big] = '\0';
    char *body = malloc(3 * refs + 1);
    for (size_t i = 0; i < refs; i++)
        memcpy(body + 3 * i, "&a;", 3);
    body[3 * refs] = '\0';
    for (size_t i = 0; i < 3; i++) {
        char *val = xasprintf(shapes[i][0], ent);
        char *tail = xasprintf(shapes[i][1], body);
        char *doc = xasprintf("<!DOCTYPE r [<!ENTITY a \"%s\">]>\n%s", val,
                              tail);
        double t0 = now();
        char *out = run_str(&lim, doc);
        double dt = now() - t0;
        ck_assert_msg(dt < 3.0, "shape %zu took %.1fs", i, dt);
        ck_assert_has(out, "defect xml.entity_expansion line=2");
        ck_assert_msg(strlen(out) < 100000, "shape %zu: %zu bytes of events",
                      i, strlen(out));
        free(out);
        free(doc);
        free(tail);
        free(val);
    }
    free(body);
    free(ent);
}
END_TEST

START_TEST(nesting_past_the_limit_ends_the_file)
{
    size_t levels = 100000;
    char *doc = malloc(7 * levels + 1);
    for (size_t i = 0; i < levels; i++) {
        memcpy(doc + 3 * i, "<a>", 3);
        memcpy(doc + 3 * levels + 4 * i, "</a>", 4);
    }
    doc[7 * levels] = '\0';
    gs_limits lim;
    gs_limits_default(&lim);
    double t0 = now();
    char *out = run_str(&lim, doc);
    ck_assert_msg(now() - t0 < 2.0, "took %.1fs", now() - t0);
    /* the 257th <a> starts at byte 768 */
    ck_assert_has(out, "defect xml.depth line=1 col=769 rec=1");
    ck_assert_has(out, "record_end rec=1\nstatus ELIMIT");
    free(out);
    lim.max_depth = 3;
    out = run_str(&lim, "<a><b><c>1</c></b><b><c><d>2</d></c></b></a>");
    ck_assert_has(out, "value 0 \"1\"");
    ck_assert_has(out, "defect xml.depth line=1 col=25");
    ck_assert_lacks(out, "\"2\"");
    ck_assert_has(out, "status ELIMIT");
    free(out);
    free(doc);
}
END_TEST

/* ---- records ---- */

static const char catalog[] =
    "<catalog>\n"
    "  <shelf>A</shelf>\n"
    "  <book id=\"1\"><title>T1</title><price>1</price></book>\n"
    "  <book id=\"2\"><title>T2</title><price>2</price></book>\n"
    "</catalog>\n";

START_TEST(the_record_path_can_be_given)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.xml_record_path = "/catalog/book/price";
    char *out = run_str(&lim, catalog);
    ck_assert_has(out, "fact xml.record_path /catalog/book/price\n");
    ck_assert_has(out, "record_begin rec=1 line=3\n"
                       "field 3 /catalog/book/price\n"
                       "value 3 \"1\" line=3 col=33 off=61 rec=1\n"
                       "record_end rec=1\n");
    ck_assert_has(out, "value 2 \"T1\" line=3 col=16 off=44 rec=0");
    ck_assert_has(out, "record_end rec=2\n");
    ck_assert_lacks(out, "rec=3");
    free(out);
    /* a path that never occurs: no records, every value the document's */
    lim.xml_record_path = "/catalog/magazine";
    out = run_str(&lim, catalog);
    ck_assert_has(out, "fact xml.record_path /catalog/magazine\n");
    ck_assert_lacks(out, "record_begin");
    ck_assert_has(out, "\"T2\" line=4 col=16 off=100 rec=0");
    free(out);
}
END_TEST

START_TEST(the_record_path_is_found_automatically)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = run_str(&lim, catalog);
    ck_assert_has(out, "fact xml.root catalog\n");
    ck_assert_has(out, "fact xml.record_path /catalog/book\n");
    ck_assert_has(out, "value 0 \"A\" line=2 col=3 off=12 rec=0");
    ck_assert_has(out, "record_begin rec=2 line=4");
    free(out);
    /* repeated attribute-only elements lose to repeated containers, and a
     * repeat deep in the first record loses to a shallower one */
    out = run_str(&lim, "<f><link href=\"a\"/><link href=\"b\"/>"
                        "<e><c><n>1</n></c><c><n>2</n></c></e>"
                        "<e><c><n>3</n></c></e></f>");
    ck_assert_has(out, "fact xml.record_path /f/e\n");
    ck_assert_has(out, "record_begin rec=2");
    free(out);
    /* with no repeated container, a repeated leaf; with no repeat at all,
     * the root: one record per document */
    out = run_str(&lim, "<l><i>1</i><i>2</i></l>");
    ck_assert_has(out, "fact xml.record_path /l/i\n");
    free(out);
    out = run_str(&lim, "<cfg><a>1</a><b>2</b></cfg>");
    ck_assert_has(out, "fact xml.record_path /cfg\nrecord_begin rec=1");
    ck_assert_lacks(out, "rec=2");
    free(out);
    /* siblings must share a parent instance */
    out = run_str(&lim, "<r><g><x><y>1</y></x></g><g><x><y>2</y></x></g></r>");
    ck_assert_has(out, "fact xml.record_path /r/g\n");
    free(out);
}
END_TEST

/* While the record element is unknown, events wait in a queue of at most
 * max_record_bytes; past it the best candidate so far is taken (or, with
 * none, the root). The choice depends on the bytes only. */
START_TEST(the_record_search_is_bounded)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char doc[8192] = "<rss><channel><title>t</title>";
    for (int i = 0; i < 40; i++) {
        char item[128];
        snprintf(item, sizeof item,
                 "<item><title>n%d</title><v>%d</v></item>", i, i);
        strcat(doc, item);
    }
    strcat(doc, "</channel><channel><item><x>1</x></item></channel></rss>");
    /* unbounded, the second channel makes /rss/channel the record */
    char *out = run_str(&lim, doc);
    ck_assert_has(out, "fact xml.record_path /rss/channel\n");
    free(out);
    /* a small queue settles on the items first */
    lim.max_record_bytes = 2000;
    long bad;
    out = run(&lim, doc, strlen(doc), 0, &bad);
    ck_assert_has(out, "fact xml.record_path /rss/channel/item\n");
    ck_assert_has(out, "value 0 \"t\" line=1 col=15 off=14 rec=0");
    ck_assert_has(out, "record_begin rec=41");
    for (long chunk = -1; chunk <= 64; chunk += chunk == -1 ? 2 : 7) {
        char *again = run(&lim, doc, strlen(doc), chunk, NULL);
        ck_assert_str_eq(again, out);
        free(again);
    }
    free(out);
    /* no candidate before the queue fills: the root, one record */
    lim.max_record_bytes = 100;
    out = run_str(&lim, "<doc><a><b><c><d><e>deep text that is long enough "
                        "to fill the queue, deep text that is long enough "
                        "to fill the queue</e></d></c></b></a>"
                        "<a><z>1</z></a><a><z>2</z></a></doc>");
    ck_assert_has(out, "fact xml.record_path /doc\n");
    ck_assert_lacks(out, "rec=2");
    free(out);
}
END_TEST

/* ---- values and locations ---- */

START_TEST(values_sit_at_their_start_tag_under_any_chunking)
{
    /* lines of every length, a 6 KB line across blocks, CRLF, multibyte
     * characters before the tags, text split over many lines */
    size_t cap = 1 << 20, n = 0;
    char *doc = malloc(cap);
    n += (size_t)sprintf(doc + n, "<?xml version=\"1.0\"?>\r\n<all>\r\n");
    for (int i = 0; i < 400; i++) {
        n += (size_t)sprintf(doc + n, "%*s<r k=\"%d\">", i % 13, "", i);
        if (i % 50 == 7) {
            for (int k = 0; k < 1500; k++)
                n += (size_t)sprintf(doc + n, "é%c", 'a' + k % 26);
        }
        n += (size_t)sprintf(doc + n, "%s<v>ü%d</v>%s<w\n a=\"%d\"\n/></r>\n",
                             i % 3 ? "\r\n" : "", i, i % 5 ? "" : "\n\n", i);
    }
    n += (size_t)sprintf(doc + n, "</all>\n");
    ck_assert_int_lt(n, cap);
    gs_limits lim;
    gs_limits_default(&lim);
    long bad;
    char *whole = run(&lim, doc, n, 0, &bad);
    ck_assert_msg(bad == 0, "%ld values misplaced:\n%.2000s", bad, whole);
    ck_assert_lacks(whole, "col=0 ");
    ck_assert_lacks(whole, "defect");
    const long chunks[] = {1, 2, 3, 7, 64, 4095, 4096, 4097, 10000, -1};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *got = run(&lim, doc, n, chunks[i], &bad);
        ck_assert_msg(strcmp(got, whole) == 0, "chunks of %ld differ",
                      chunks[i]);
        ck_assert_int_eq(bad, 0);
        free(got);
    }
    free(whole);
    free(doc);
}
END_TEST

START_TEST(text_past_the_limit_is_dropped)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_field_bytes = 8;
    char *out = run_str(&lim, "<r>\n  <i a=\"12345678\"><t>12345678</t></i>\n"
                              "  <i a=\"123456789\"><t>123456789</t>"
                              "<m>ab<b>123456</b>cd</m></i>\n</r>\n");
    ck_assert_has(out, "value 0 \"12345678\" line=2 col=3");
    ck_assert_has(out, "value 1 \"12345678\" line=2 col=19");
    ck_assert_has(out, "defect xml.field_too_large line=3 col=3 rec=2");
    ck_assert_has(out, "defect xml.field_too_large line=3 col=20 rec=2");
    ck_assert_lacks(out, "123456789");
    /* <m>'s text with its child's is past the limit; <b>'s alone is not */
    ck_assert_has(out, "\"123456\"");
    ck_assert_has(out, "defect xml.field_too_large line=3 col=36 rec=2");
    ck_assert_has(out, "status OK");
    free(out);
    /* containers never report their children's text as their own */
    out = run_str(&lim, "<r><i><t>12345678</t><u>12345678</u></i></r>");
    ck_assert_lacks(out, "defect");
    free(out);
}
END_TEST

START_TEST(paths_past_the_limit_have_no_field)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_paths = 2; /* trie: the document and 6 paths */
    char *out = run_str(&lim, "<r><i><a>1</a><b>2</b><c x=\"3\">4</c></i>"
                              "<i><a>5</a><d>6</d></i></r>");
    ck_assert_has(out, "defect xml.too_many_paths line=1");
    ck_assert_has(out, "value 0 \"1\"");
    ck_assert_has(out, "value none \"3\"");
    ck_assert_has(out, "value 2 \"4\"");
    ck_assert_has(out, "value 0 \"5\"");
    ck_assert_has(out, "value none \"6\"");
    ck_assert_has(out, "fact xml.record_path /r/i");
    free(out);
}
END_TEST

START_TEST(the_declared_encoding_is_a_fact_and_changes_nothing)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = run_str(&lim, "<?xml version='1.0' encoding = 'windows-1252' "
                              "standalone='yes'?><r>caf\xc3\xa9</r>");
    ck_assert_has(out, "fact xml.declared_encoding windows-1252\n");
    ck_assert_has(out, "\"caf\xc3\xa9\"");
    ck_assert_lacks(out, "defect");
    free(out);
    /* UTF-16 declared, UTF-8 bytes: read as the UTF-8 they are */
    out = run_str(&lim, "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r>\xc3\xa9"
                        "</r>");
    ck_assert_has(out, "fact xml.declared_encoding UTF-16\n");
    ck_assert_has(out, "\"\xc3\xa9\"");
    ck_assert_lacks(out, "defect");
    free(out);
    out = run_str(&lim, "<r>x</r>");
    ck_assert_lacks(out, "declared_encoding");
    free(out);
    out = run_str(&lim, "<?xml version=\"1.0\" encoding=\"\"?><r>x</r>");
    ck_assert_lacks(out, "declared_encoding");
    free(out);
}
END_TEST

START_TEST(malformed_documents_keep_what_came_before)
{
    gs_limits lim;
    gs_limits_default(&lim);
    char *out = run_str(&lim, "");
    ck_assert_str_eq(out, "defect xml.syntax line=1 col=1 rec=0 "
                          "\"no root element\"\nstatus OK\n");
    free(out);
    out = run_str(&lim, "<a><b>1</b><b>2</b></a><c/>");
    ck_assert_has(out, "value 0 \"2\"");
    ck_assert_has(out, "record_end rec=2\ndefect xml.syntax line=1 col=24 "
                       "rec=0 \"Extra content at the end of the document\"");
    free(out);
    out = run_str(&lim, "<a><b>1</b><b>2");
    ck_assert_has(out, "defect xml.truncated line=1 col=15 rec=2");
    ck_assert_has(out, "record_end rec=2\nstatus OK");
    ck_assert_lacks(out, "\"2\"");
    free(out);
    out = run_str(&lim, "<a><b x=1/></a>");
    ck_assert_has(out, "defect xml.syntax line=1 col=9");
    free(out);
}
END_TEST

/* ---- out of memory ---- */

static long alloc_made, alloc_live, alloc_fail_at;

static void *failing_alloc(void *ud, void *ptr, size_t n)
{
    (void)ud;
    if (n == 0) {
        if (ptr)
            alloc_live--;
        free(ptr);
        return NULL;
    }
    if (++alloc_made == alloc_fail_at)
        return NULL;
    void *q = realloc(ptr, n);
    if (q && !ptr)
        alloc_live++;
    return q;
}

/* Every allocation of ours may fail: the parse then ends with GS_ENOMEM (or,
 * if the failure was harmless, gives the same events) and frees everything.
 * libxml2's own allocations are not on our path (see xml.c). */
START_TEST(a_failed_allocation_is_enomem_and_leaks_nothing)
{
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_record_bytes = 300; /* the queue fills and is replayed too */
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE c [<!ENTITY e "
        "\"ent\">]>\n<c><t>x</t><b id=\"1\"><n>&e; a</n><m>p<i>q</i></m></b>"
        "<b id=\"2\"><n>b</n></b><b><n>c</n><z/></b></c>\n";
    gs_set_allocator(failing_alloc, NULL);
    alloc_made = alloc_live = alloc_fail_at = 0;
    char *whole = run_str(&lim, doc);
    long total = alloc_made;
    ck_assert_int_eq(alloc_live, 0);
    ck_assert_int_gt(total, 5);
    for (long k = 1; k <= total; k++) {
        alloc_made = alloc_live = 0;
        alloc_fail_at = k;
        char *out = run_str(&lim, doc);
        ck_assert_msg(strstr(out, "status ENOMEM\n") ||
                      strcmp(out, whole) == 0,
                      "failing allocation %ld gave:\n%s", k, out);
        ck_assert_msg(alloc_live == 0, "leak after failing allocation %ld", k);
        free(out);
    }
    gs_set_allocator(NULL, NULL);
    free(whole);
}
END_TEST

static Suite *xml_suite(void)
{
    Suite *s = suite_create("xml");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, an_external_entity_naming_a_local_file_is_never_read);
    tcase_add_test(tc, an_external_dtd_subset_is_never_loaded);
    tcase_add_test(tc, an_external_entity_naming_a_url_is_never_fetched);
    tcase_add_test(tc, billion_laughs_is_a_defect_in_bounded_time);
    tcase_add_test(tc, quadratic_blowup_is_a_defect_in_bounded_time);
    tcase_add_test(tc, nesting_past_the_limit_ends_the_file);
    tcase_add_test(tc, the_record_path_can_be_given);
    tcase_add_test(tc, the_record_path_is_found_automatically);
    tcase_add_test(tc, the_record_search_is_bounded);
    tcase_add_test(tc, values_sit_at_their_start_tag_under_any_chunking);
    tcase_add_test(tc, text_past_the_limit_is_dropped);
    tcase_add_test(tc, paths_past_the_limit_have_no_field);
    tcase_add_test(tc, the_declared_encoding_is_a_fact_and_changes_nothing);
    tcase_add_test(tc, malformed_documents_keep_what_came_before);
    tcase_add_test(tc, a_failed_allocation_is_enomem_and_leaks_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xml_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* html.c - HTML documents. libxml2's HTML push parser underneath, one record
 * of "doc." fields on top.
 *
 * A document is one record (record_begin at the first feed, record_end in
 * finish) holding these GS_VK_TEXT values:
 *   doc.title        text of the first <title>, ASCII whitespace stripped at
 *                    both ends and collapsed to one space (document.title);
 *   doc.lang         <html lang>;
 *   doc.charset      each declaration: <meta charset>, or the charset
 *                    parameter of <meta http-equiv=content-type content>. The
 *                    first one is also the fact "html.declared_charset"
 *                    (evidence for the encoding detector);
 *   doc.meta.<key>   the content of every <meta> ("" when it has none); key is
 *                    its name, else property, else itemprop (schema.org's
 *                    dateModified), else http-equiv, as written. Not
 *                    lowercased: HTML matches name case-insensitively but
 *                    property ("og:", RDFa) and DC names are case-sensitive,
 *                    and events.h promises keys as written;
 *   doc.time         each <time datetime>, or the collapsed text of a <time>
 *                    without one (its machine-readable value in HTML);
 * and, in finish, the GS_VK_NUMBER counts doc.headings (h1..h6 elements),
 * doc.links (<a> with href) and doc.length_chars: the code points of the text
 * outside title, script, style, template and noscript, entities decoded, each
 * run of ASCII whitespace (space, tab, CR, LF, FF) counted as one and none at
 * the start or end. Element boundaries add nothing ("a</p><p>b" is 2) and
 * text hidden by CSS or attributes counts.
 *
 * Locations: a value sits where the start tag that carries it ends (its '>';
 * for title and time text, the opening tag); the counts and the record at
 * line 1. libxml2 gives its byte offset (xmlByteConsumed) in a callback;
 * line and byte column come from our own list of the offsets of the
 * newlines fed that libxml2 has not yet passed (libxml2's own column counts
 * characters). Errors found by the final flush are placed where the
 * construct libxml2 was waiting to see completed begins.
 *
 * Defects. Tag soup is normal on the web, so libxml2's complaints about it
 * (unknown or HTML5 tags, misplaced or unexpected end tags, missing ';',
 * duplicate attributes, bad characters the decode stage already counts) are
 * only counted, in the fact "html.recovered_errors" (when nonzero). What
 * loses text is "html.syntax", at most one per place: a comment, processing
 * instruction or quoted attribute value never closed (the rest of the file
 * disappears into it), a tag cut short by the end of input (a truncated
 * file), input libxml2 cannot read as UTF-8.
 *
 * Invariants:
 *   1. Events depend only on the bytes. libxml2's push parser decides some
 *      things from what happens to be buffered (a "<!DOCTYPE" or an
 *      unclosed quote at the end of a chunk reads differently), so it never
 *      sees the caller's chunks: bytes are staged and handed over in blocks
 *      that end at fixed offsets (64 KiB, or max_record_bytes if smaller),
 *      the last one at finish. libxml2 2.9.14 also forgets which quote it
 *      was in when a block ends inside a quoted attribute value and then
 *      never finds the tag's '>', holding the rest of the file unparsed;
 *      before each block that state is reset (checkIndex 0, hasPErefs bit 0
 *      cleared) so the tag is rescanned.
 *   2. Bounded memory: nesting deeper than max_depth ends the file
 *      ("html.too_deep", GS_ELIMIT); what libxml2 holds unparsed after a
 *      block past max_record_bytes ends the file ("html.too_large",
 *      GS_ELIMIT); title and time text are kept up to max_field_bytes; the
 *      newline list only covers bytes past libxml2's position after the last
 *      block, so it is bounded by those limits too.
 *   3. record_begin/record_end pair, also when a limit ends the file.
 *   4. No network, no file access, no re-decoding: the context reads UTF-8
 *      with HTML_PARSE_IGNORE_ENC, so <meta charset> is reported, never
 *      obeyed; HTML_PARSE_NONET; no entity loader is ever asked.
 *   5. Sink callbacks are never called after one returned nonzero.
 *
 * libxml2 allocates through its own allocator, not gs_malloc: an allocation
 * failure inside it is GS_ENOMEM when libxml2 reports it. libxml2's
 * process-wide set-up (xmlInitParser, the refusing entity loader) is
 * gs__libxml_setup (libxml.h); contexts are per parser, so workers may parse
 * HTML in parallel.
 *
 * Not done here: HTML5 tree building rules, tables as records, scripts, CSS,
 * anything about values beyond where they are.
 */
#include "gapscan/parser.h"
#include "libxml.h"

#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlstring.h>

#define BLOCK ((size_t)64 * 1024)
#define META_KEY_MAX 256

enum kind { K_OTHER, K_HTML, K_META, K_TITLE, K_TIME, K_A, K_HEADING,
            K_HIDDEN };

static const struct {
    const char *name;
    enum kind kind;
} kinds[] = {
    {"a", K_A},           {"meta", K_META},       {"title", K_TITLE},
    {"time", K_TIME},     {"html", K_HTML},       {"h1", K_HEADING},
    {"h2", K_HEADING},    {"h3", K_HEADING},      {"h4", K_HEADING},
    {"h5", K_HEADING},    {"h6", K_HEADING},      {"script", K_HIDDEN},
    {"style", K_HIDDEN},  {"template", K_HIDDEN}, {"noscript", K_HIDDEN},
};

/* Text gathered until its element ends, whitespace collapsed as it comes. */
typedef struct capture {
    unsigned open;  /* elements of its kind open since it began; 0: idle */
    int space;      /* whitespace after some text, not written yet */
    int over;       /* longer than max_field_bytes */
    gs_loc loc;
    gs_buf text;
} capture;

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;           /* first non-OK status; sticky */
    htmlParserCtxtPtr ctxt;
    int begun;
    gs_loc rloc;            /* the record: line 1 */

    uint64_t fed;           /* bytes handed to libxml2 */
    char *block;            /* bytes not yet handed to libxml2 */
    size_t nblock, block_size;
    uint64_t *nl;           /* offsets of '\n' not yet passed */
    size_t nl_head, nl_len, nl_cap;
    uint64_t at, line, line_start;  /* last offset located, its line */
    gs_loc held;            /* start of what libxml2 holds unparsed */
    int finishing;          /* inside the final, terminating chunk */
    int syntax_seen;
    uint64_t syntax_at;     /* offset of the last html.syntax defect */

    size_t depth;
    unsigned hidden;        /* open elements whose text is not visible */
    capture title, time;
    int title_done, charset_told;
    uint64_t visible, headings, links, recovered;
    int vis_any, vis_space;
    gs_buf path;            /* scratch: "doc.meta.<key>" */
};

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ---- status and locations ---- */

/* Record st (the first wins) and stop libxml2. Returns 0. */
static int fail(gs_parser *p, gs_status st)
{
    if (p->st == GS_OK) {
        p->st = st;
        xmlStopParser(p->ctxt);
    }
    return 0;
}

static int check(gs_parser *p, int rc)
{
    return rc ? fail(p, GS_ECANCELED) : 1;
}

static gs_loc loc_at(gs_parser *p, uint64_t off)
{
    if (off < p->at)
        off = p->at; /* libxml2 only moves forward; never step back */
    if (off > p->fed)
        off = p->fed;
    while (p->nl_head < p->nl_len && p->nl[p->nl_head] < off) {
        p->line++;
        p->line_start = p->nl[p->nl_head++] + 1;
    }
    p->at = off;
    return (gs_loc){.offset = off, .line = p->line,
                    .col = off - p->line_start + 1, .record = 1};
}

/* Where libxml2 is now. */
static gs_loc here(gs_parser *p)
{
    long c = xmlByteConsumed(p->ctxt);
    return loc_at(p, c > 0 ? (uint64_t)c : 0);
}

static int remember_newline(gs_parser *p, uint64_t off)
{
    if (p->nl_len == p->nl_cap) {
        if (p->nl_head > 0) {
            memmove(p->nl, p->nl + p->nl_head,
                    (p->nl_len - p->nl_head) * sizeof *p->nl);
            p->nl_len -= p->nl_head;
            p->nl_head = 0;
        } else {
            size_t cap = p->nl_cap ? p->nl_cap * 2 : 64;
            uint64_t *nl = gs_realloc(p->nl, cap * sizeof *nl);
            if (!nl)
                return fail(p, GS_ENOMEM);
            p->nl = nl;
            p->nl_cap = cap;
        }
    }
    p->nl[p->nl_len++] = off;
    return 1;
}

/* ---- sink helpers: each returns nonzero to go on ---- */

static int defect(gs_parser *p, const char *code, const char *detail,
                  const gs_loc *loc)
{
    if (p->st != GS_OK)
        return 0;
    return check(p, p->sink->defect(p->sink->ud, code, detail, loc));
}

/* A limit ends the file: its defect, the record's end, GS_ELIMIT. */
static void limit(gs_parser *p, const char *code, const char *detail,
                  const gs_loc *loc)
{
    if (defect(p, code, detail, loc) &&
        check(p, p->sink->record_end(p->sink->ud, loc)))
        fail(p, GS_ELIMIT);
}

static int value(gs_parser *p, const char *path, size_t plen, const char *s,
                 size_t n, gs_value_kind kind, const gs_loc *loc)
{
    if (p->st != GS_OK)
        return 0;
    if (n > p->lim->max_field_bytes)
        return defect(p, "html.field_too_large",
                      "value longer than the limit; not kept", loc);
    gs_field_id f = p->sink->field(p->sink->ud, path, plen);
    return check(p, p->sink->value(p->sink->ud, f, s, n, kind, loc));
}

static int text_value(gs_parser *p, const char *path, const char *s,
                      size_t n, const gs_loc *loc)
{
    return value(p, path, strlen(path), s, n, GS_VK_TEXT, loc);
}

static int count(gs_parser *p, const char *path, uint64_t n)
{
    char num[24];
    int len = snprintf(num, sizeof num, "%llu", (unsigned long long)n);
    return value(p, path, strlen(path), num, (size_t)len, GS_VK_NUMBER,
                 &p->rloc);
}

static int fact(gs_parser *p, const char *key, const char *val)
{
    if (p->st != GS_OK)
        return 0;
    return !p->sink->fact || check(p, p->sink->fact(p->sink->ud, key, val));
}

static int begin(gs_parser *p)
{
    if (p->begun)
        return p->st == GS_OK;
    p->begun = 1;
    p->rloc = (gs_loc){.offset = 0, .line = 1, .col = 1, .record = 1};
    return check(p, p->sink->record_begin(p->sink->ud, &p->rloc));
}

/* ---- text ---- */

static void capture_start(capture *c, const gs_loc *loc)
{
    c->open = 1;
    c->space = c->over = 0;
    c->loc = *loc;
    c->text.len = 0;
}

static void capture_add(gs_parser *p, capture *c, const unsigned char *s,
                        size_t n)
{
    size_t i = 0;
    while (i < n && !c->over) {
        if (is_ws(s[i])) {
            c->space = c->text.len > 0;
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && !is_ws(s[j]))
            j++;
        if (c->text.len + (size_t)c->space + (j - i) >
            p->lim->max_field_bytes) {
            c->over = 1;
            break;
        }
        if ((c->space && gs_buf_append(&c->text, " ", 1) != GS_OK) ||
            gs_buf_append(&c->text, s + i, j - i) != GS_OK) {
            fail(p, GS_ENOMEM);
            return;
        }
        c->space = 0;
        i = j;
    }
}

/* An element of c's kind ended; the outermost one sends the text. */
static void capture_end(gs_parser *p, capture *c, const char *path)
{
    if (!c->open || --c->open > 0)
        return;
    if (c->over)
        defect(p, "html.field_too_large", "text longer than the limit; "
               "not kept", &c->loc);
    else
        text_value(p, path, c->text.p ? c->text.p : "", c->text.len,
                   &c->loc);
}

static void count_visible(gs_parser *p, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (is_ws(s[i])) {
            p->vis_space = p->vis_any;
        } else if ((s[i] & 0xC0) != 0x80) { /* not a continuation byte */
            p->visible += 1 + (uint64_t)p->vis_space;
            p->vis_space = 0;
            p->vis_any = 1;
        }
    }
}

/* ---- elements ---- */

static enum kind kind_of(const xmlChar *name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp((const char *)name, kinds[i].name) == 0)
            return kinds[i].kind;
    return K_OTHER;
}

/* The value of attribute name (libxml2 lowercases names): "" when it has
 * none, NULL when it is absent. */
static const char *attr(const xmlChar **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (strcmp((const char *)atts[0], name) == 0)
            return atts[1] ? (const char *)atts[1] : "";
    return NULL;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* The charset parameter of a Content-Type ("text/html; charset=utf-8"),
 * found as HTML's "extracting a character encoding" algorithm does. */
static const char *charset_param(const char *s, size_t *len)
{
    const char *c = s;
    while ((c = (const char *)xmlStrcasestr((const xmlChar *)c,
                                            (const xmlChar *)"charset"))) {
        c += 7;
        while (is_ws((unsigned char)*c))
            c++;
        if (*c != '=')
            continue;
        c++;
        while (is_ws((unsigned char)*c))
            c++;
        if (*c == '"' || *c == '\'') {
            const char *e = strchr(c + 1, *c);
            *len = e ? (size_t)(e - c - 1) : 0;
            return *len ? c + 1 : NULL;
        }
        *len = strcspn(c, "; \t\n\r\f");
        return *len ? c : NULL;
    }
    return NULL;
}

static void declared_charset(gs_parser *p, const char *cs, size_t n,
                             const gs_loc *loc)
{
    if (!text_value(p, "doc.charset", cs, n, loc) || p->charset_told)
        return;
    p->charset_told = 1;
    char *v = gs_strndup(cs, n);
    if (!v) {
        fail(p, GS_ENOMEM);
        return;
    }
    fact(p, "html.declared_charset", v);
    gs_free(v);
}

static void on_meta(gs_parser *p, const xmlChar **atts, const gs_loc *loc)
{
    const char *equiv = nonempty(attr(atts, "http-equiv"));
    const char *key = nonempty(attr(atts, "name"));
    const char *content = attr(atts, "content");
    const char *cs = nonempty(attr(atts, "charset"));
    size_t cs_len = cs ? strlen(cs) : 0;
    if (!key)
        key = nonempty(attr(atts, "property"));
    if (!key)
        key = nonempty(attr(atts, "itemprop"));
    if (!key)
        key = equiv;
    if (!cs && equiv && content &&
        xmlStrcasecmp((const xmlChar *)equiv,
                      (const xmlChar *)"content-type") == 0)
        cs = charset_param(content, &cs_len);
    if (key && strlen(key) > META_KEY_MAX) {
        if (!defect(p, "html.field_too_large", "meta name longer than 256 "
                    "bytes; not kept", loc))
            return;
    } else if (key) {
        p->path.len = 0;
        if (gs_buf_append(&p->path, "doc.meta.", 9) != GS_OK ||
            gs_buf_append(&p->path, key, strlen(key)) != GS_OK) {
            fail(p, GS_ENOMEM);
            return;
        }
        if (!content)
            content = "";
        if (!value(p, p->path.p, p->path.len, content, strlen(content),
                   GS_VK_TEXT, loc))
            return;
    }
    if (cs)
        declared_charset(p, cs, cs_len, loc);
}

static void on_start(void *ud, const xmlChar *name, const xmlChar **atts)
{
    gs_parser *p = ud;
    if (p->st != GS_OK)
        return;
    gs_loc loc = here(p);
    if (++p->depth > p->lim->max_depth) {
        limit(p, "html.too_deep", "elements nested deeper than the limit",
              &loc);
        return;
    }
    const char *s;
    switch (kind_of(name)) {
    case K_HTML:
        if ((s = attr(atts, "lang")) != NULL)
            text_value(p, "doc.lang", s, strlen(s), &loc);
        break;
    case K_META:
        on_meta(p, atts, &loc);
        break;
    case K_TITLE:
        p->hidden++;
        if (p->title.open)
            p->title.open++;
        else if (!p->title_done)
            capture_start(&p->title, &loc);
        break;
    case K_TIME:
        s = attr(atts, "datetime");
        if (p->time.open)
            p->time.open++;
        else if (!s)
            capture_start(&p->time, &loc);
        if (s)
            text_value(p, "doc.time", s, strlen(s), &loc);
        break;
    case K_A:
        p->links += attr(atts, "href") != NULL;
        break;
    case K_HEADING:
        p->headings++;
        break;
    case K_HIDDEN:
        p->hidden++;
        break;
    case K_OTHER:
        break;
    }
}

static void on_end(void *ud, const xmlChar *name)
{
    gs_parser *p = ud;
    if (p->st != GS_OK)
        return;
    if (p->depth)
        p->depth--;
    switch (kind_of(name)) {
    case K_TITLE:
        if (p->hidden)
            p->hidden--;
        if (p->title.open == 1)
            p->title_done = 1;
        capture_end(p, &p->title, "doc.title");
        break;
    case K_TIME:
        capture_end(p, &p->time, "doc.time");
        break;
    case K_HIDDEN:
        if (p->hidden)
            p->hidden--;
        break;
    default:
        break;
    }
}

static void on_text(void *ud, const xmlChar *s, int n)
{
    gs_parser *p = ud;
    if (p->st != GS_OK || n <= 0)
        return;
    if (p->title.open)
        capture_add(p, &p->title, s, (size_t)n);
    if (p->time.open)
        capture_add(p, &p->time, s, (size_t)n);
    if (!p->hidden)
        count_visible(p, s, (size_t)n);
}

/* libxml2's errors: the few that lose text are defects, the rest counted. */
static void on_error(void *ud, xmlErrorPtr e)
{
    gs_parser *p = ud;
    const char *detail;
    if (p->st != GS_OK || !e)
        return;
    switch (e->code) {
    case XML_ERR_NO_MEMORY:
        fail(p, GS_ENOMEM);
        return;
    case XML_ERR_COMMENT_NOT_FINISHED:
        detail = "comment never closed; the text after it is lost";
        break;
    case XML_ERR_PI_NOT_FINISHED:
        detail = "processing instruction never closed; the text after it "
                 "is lost";
        break;
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
        detail = "quoted attribute value never closed; the text after it "
                 "is lost";
        break;
    case XML_ERR_GT_REQUIRED:
        detail = "tag cut short before its '>'";
        break;
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
        detail = "input is not valid UTF-8";
        break;
    default:
        p->recovered++;
        return;
    }
    /* At the end, libxml2 fails on the construct it was waiting to see
     * completed: point at its start, not at the end of the file. */
    gs_loc loc = p->finishing ? p->held : here(p);
    if (p->syntax_seen && loc.offset == p->syntax_at) {
        p->recovered++; /* one defect per place: "cut short" after "never
                           closed" says nothing new */
        return;
    }
    p->syntax_seen = 1;
    p->syntax_at = loc.offset;
    defect(p, "html.syntax", detail, &loc);
}

/* ---- feeding ---- */

static void push(gs_parser *p, const char *s, size_t n, int terminate)
{
    for (const char *c = s, *e = s + n;
         n && (c = memchr(c, '\n', (size_t)(e - c))) != NULL; c++)
        if (!remember_newline(p, p->fed + (uint64_t)(c - s)))
            return;
    p->fed += n;
    if (p->ctxt->hasPErefs & 1) { /* invariant 1: the 2.9.14 quote bug */
        p->ctxt->checkIndex = 0;
        p->ctxt->hasPErefs &= ~1;
    }
    p->finishing = terminate;
    htmlParseChunk(p->ctxt, s, (int)n, terminate);
    if (!terminate && p->st == GS_OK)
        p->held = here(p);
}

/* After a block: how much libxml2 still holds unparsed. */
static void checkpoint(gs_parser *p)
{
    gs_loc loc = here(p);
    if (p->fed - loc.offset > p->lim->max_record_bytes)
        limit(p, "html.too_large", "a tag, comment or run of text longer "
              "than the limit", &loc);
}

/* Bytes reach libxml2 in whole blocks (invariant 1), straight from buf
 * when a block starts there, else through p->block. */
static gs_status html_feed(gs_parser *p, const char *buf, size_t len)
{
    if (p->st != GS_OK || !begin(p))
        return p->st;
    while (len && p->st == GS_OK) {
        size_t n = p->block_size - p->nblock;
        if (n > len)
            n = len;
        if (p->nblock == 0 && n == p->block_size) {
            push(p, buf, n, 0);
        } else {
            memcpy(p->block + p->nblock, buf, n);
            p->nblock += n;
            if (p->nblock == p->block_size) {
                p->nblock = 0;
                push(p, p->block, p->block_size, 0);
            }
        }
        if (p->st == GS_OK && p->fed % p->block_size == 0)
            checkpoint(p);
        buf += n;
        len -= n;
    }
    return p->st;
}

static gs_status html_finish(gs_parser *p)
{
    if (p->st != GS_OK || !begin(p))
        return p->st;
    if (p->nblock)
        push(p, p->block, p->nblock, 0); /* sets p->held for the flush */
    if (p->st == GS_OK)
        push(p, "", 0, 1);
    /* libxml2 closes what is open at the end; this only guards a halt */
    if (p->title.open)
        p->title.open = 1;
    capture_end(p, &p->title, "doc.title");
    if (p->time.open)
        p->time.open = 1;
    capture_end(p, &p->time, "doc.time");
    gs_loc end = loc_at(p, p->fed);
    if (p->st != GS_OK || !count(p, "doc.headings", p->headings) ||
        !count(p, "doc.links", p->links) ||
        !count(p, "doc.length_chars", p->visible))
        return p->st;
    if (p->recovered) {
        char num[24];
        snprintf(num, sizeof num, "%llu", (unsigned long long)p->recovered);
        if (!fact(p, "html.recovered_errors", num))
            return p->st;
    }
    check(p, p->sink->record_end(p->sink->ud, &end));
    return p->st;
}

static void html_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->ctxt)
        htmlFreeParserCtxt(p->ctxt);
    gs_free(p->block);
    gs_free(p->nl);
    gs_free(p->title.text.p);
    gs_free(p->time.text.p);
    gs_free(p->path.p);
    gs_free(p);
}

static gs_status html_open(const gs_limits *lim, const gs_sink *sink,
                           gs_parser **out)
{
    *out = NULL;
    if (!lim || !sink || !sink->field || !sink->record_begin ||
        !sink->record_end || !sink->value || !sink->defect)
        return GS_EINVAL;
    gs__libxml_setup();
    gs_parser *p = gs_calloc(1, sizeof *p);
    if (!p)
        return GS_ENOMEM;
    p->lim = lim;
    p->sink = sink;
    p->line = 1;
    p->block_size = lim->max_record_bytes && lim->max_record_bytes < BLOCK
                        ? lim->max_record_bytes
                        : BLOCK;
    p->block = gs_malloc(p->block_size);
    if (!p->block) {
        html_close(p);
        return GS_ENOMEM;
    }
    htmlSAXHandler sax = {
        .startElement = on_start,
        .endElement = on_end,
        .characters = on_text,
        .ignorableWhitespace = on_text,
        .initialized = XML_SAX2_MAGIC, /* so libxml2 calls serror */
        .serror = on_error,
    };
    p->ctxt = htmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL,
                                       XML_CHAR_ENCODING_UTF8);
    if (!p->ctxt) {
        html_close(p);
        return GS_ENOMEM;
    }
    htmlCtxtUseOptions(p->ctxt, HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC |
                                    HTML_PARSE_NODEFDTD);
    *out = p;
    return GS_OK;
}

const gs_parser_type gs_html_parser_type = {
    .name = "html", .format = GS_FMT_HTML, .open = html_open,
    .feed = html_feed, .finish = html_finish, .close = html_close,
};

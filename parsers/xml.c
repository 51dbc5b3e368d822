/* xml.c - XML. libxml2's SAX2 push parser underneath, events on top.
 *
 * Records are the elements of one path, "/catalog/book": given in
 * gs_limits.xml_record_path, or found while streaming (below). Fields are
 * element text ("/catalog/book/title") and attributes ("/catalog/book/@id"),
 * qualified names as written ("dc:date"); every value is GS_VK_TEXT. Values
 * outside a record are values of the document. An element's text is sent when
 * the element ends, trimmed of blanks and with its descendants' text (mixed
 * content reads as written), but only if it has non-blank text of its own:
 * containers give no value, an empty element without attributes gives "".
 * Facts: "xml.declared_encoding" (from the XML declaration, evidence for the
 * encoding detector), "xml.root", "xml.record_path".
 *
 * Finding the record path. An element path becomes a candidate when an
 * element starts under a parent instance that already holds a sibling of the
 * same name. Complex candidates (some instance had child elements) beat simple
 * ones (Atom's repeated <link/> loses to <entry>), then shallower beats deeper,
 * then first seen. A complex candidate directly under the root cannot be beaten
 * and is chosen at once; otherwise events wait in a pending queue until the
 * document ends, the parse stops, or the queue holds more than
 * max_record_bytes, and then the best candidate so far is chosen, or, with
 * none, the root element (one record per document). The queue is then replayed
 * and events flow straight through from there on.
 *
 * Safety, by construction:
 *   - libxml2 gets bytes, never a file name (it would inflate gzip itself),
 *     with XML_PARSE_NONET | XML_PARSE_IGNORE_ENC (the bytes are UTF-8 whatever
 *     the declaration says) and never NOENT, DTDLOAD, DTDATTR, XINCLUDE or
 *     HUGE: external entities and the external DTD subset are never loaded
 *     (a reference to an external entity, the declaration of an external
 *     parameter entity, whose references libxml2 skips in silence, and an
 *     external subset are each the defect "xml.entity_refused"),
 *     and libxml2's own guard against nested entity amplification ("billion
 *     laughs") stays on. Internal entities are expanded through SAX; their
 *     output is bounded here too (expansion_ok: one entity referenced many
 *     times, which libxml2 2.9 lets through in SAX mode), and so is nesting
 *     (max_depth: 2.9's push parser does not enforce its own depth limit).
 *   - Process-wide (gs__libxml_setup, libxml.h, shared with html.c):
 *     xmlInitParser, an external-entity loader that refuses everything,
 *     catalogs off, and a silent generic error handler so that libxml2
 *     never prints.
 *
 * Defect codes: xml.syntax (fatal well-formedness error), xml.truncated,
 * xml.entity_refused, xml.entity_undeclared, xml.entity_expansion, xml.depth,
 * xml.namespace, xml.field_too_large, xml.too_many_paths, and xml.error /
 * xml.warning for libxml2's other non-fatal diagnostics. The detail is
 * libxml2's message where it has one.
 *
 * Invariants:
 *   1. Events depend only on the bytes: libxml2 always receives the same
 *      BLOCK-sized pieces (the last one shorter) whatever the caller's
 *      chunking, so its callbacks, errors and positions are the same; text is
 *      collected until its element ends, and its location is the element's.
 *   2. A value's location is its element's start tag (the '<'); a defect's is
 *      where libxml2's document input stands when it is reported. col counts
 *      bytes from the line start, known from a ring of the last NL_RING line
 *      starts fed; 0 (not known) when that line start has left the ring.
 *   3. Bounded memory: one block, the ring, open elements (max_depth), each
 *      open element's text (max_field_bytes; past it the text is not kept,
 *      and if the element had text of its own, "xml.field_too_large"), the
 *      path trie (paths.h, shared with the JSON parsers: 2 * max_paths + 2
 *      nodes; past it "xml.too_many_paths" and values without a field), the
 *      pending queue (max_record_bytes), entity output (EXPAND_RATIO).
 *      libxml2 keeps to its own limits (no HUGE).
 *   4. The first fatal error ends the parse of the file (XML has no recovery)
 *      with the defect "xml.syntax" (or a more specific code); what was read
 *      before stays, an open record is closed, and feed()/finish() return
 *      GS_OK. Nesting past max_depth is "xml.depth" and GS_ELIMIT.
 *   5. record_begin/record_end pair and never nest; sink callbacks are never
 *      called after one returned nonzero.
 *
 * Not done here: validation, namespace URIs as field names (qualified names
 * are kept as written; xmlns declarations are not values), comments and
 * processing instructions, text of an element still open when the parse ends
 * (it may be cut), libxml2's allocations (its own allocator: xmlMemSetup is
 * process-wide), any statistics.
 */
#include "gapscan/parser.h"
#include "libxml.h"
#include "paths.h"

#include <libxml/SAX2.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define BLOCK ((size_t)4096)       /* bytes per xmlParseChunk call */
#define NL_RING (BLOCK + 64)       /* line starts remembered */
#define EXPAND_FLOOR ((uint64_t)1 << 20) /* entity output always allowed */
#define EXPAND_RATIO 10u           /* ... and past that, times the input */

enum { KIND_ELEM = 0, KIND_ATTR = 1 };
enum { EV_START, EV_END, EV_VALUE, EV_DEFECT };

/* What a path node (paths.h) holds here: record candidate statistics. */
typedef struct xml_node {
    int has_children;          /* some instance held a child element */
    uint64_t parent_serial;    /* the parent instance counted below */
    uint32_t count;            /* instances under that parent instance */
    uint32_t depth;            /* the root element is 1 */
} xml_node;

static const gs__path_style xml_style = {
    .sep = {"/", "/@"}, .lead = {"/", "/@"}, /* KIND_ELEM, KIND_ATTR */
    .nodes_per_path = 2, .data_size = sizeof(xml_node),
};

typedef struct frame {
    uint32_t node;
    uint64_t serial;           /* this instance, for its children's counts */
    size_t text_start;         /* its subtree's text starts here in p->text */
    int has_text;              /* non-blank text of its own */
    int has_children, has_attrs;
    int over;                  /* text past max_field_bytes: not kept */
    gs_loc loc;
} frame;

/* An event waiting for the record path (see the file header). */
typedef struct pend {
    int type;
    uint32_t node, depth;      /* START, END, VALUE */
    const char *code;          /* DEFECT: a static string */
    size_t off, len;           /* VALUE bytes, DEFECT detail, in pend_bytes */
    gs_loc loc;
} pend;

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;              /* first non-OK status; sticky */
    xmlParserCtxtPtr ctxt;
    int ended;                 /* libxml2 gets no more bytes */
    int limited;               /* ended by a limit: GS_ELIMIT */
    int flushed;               /* end of document handled */
    int finishing;             /* the last xmlParseChunk (terminate) runs */

    char block[BLOCK];
    size_t blen;
    uint64_t fed;              /* bytes handed to libxml2 */
    int head_done;
    uint64_t lines;            /* '\n' fed so far */
    uint64_t expanded;         /* bytes out of internal entities' text */
    uint64_t *ring;            /* ring[n % NL_RING]: offset where line n starts */

    gs__paths *paths;
    gs_buf qname;

    frame *stack;
    size_t depth, stack_cap;
    uint64_t serial;
    gs_buf text;

    const char *override;      /* lim->xml_record_path */
    int decided;
    uint32_t rec_node;         /* records: this path ... */
    int rec_root;              /* ... or the root element */
    uint32_t best;             /* best candidate so far */
    int best_complex;
    uint32_t root_node;
    pend *pending;
    size_t npend, pend_cap, pend_cost;
    gs_buf pend_bytes;

    uint64_t rec;
    int in_record;
    gs_loc rloc;
};

/* ---- status and sink helpers: each returns nonzero to go on ---- */

static int fail(gs_parser *p, gs_status st)
{
    if (p->st == GS_OK)
        p->st = st;
    p->ended = 1;
    return 0;
}

static int check(gs_parser *p, int rc)
{
    return rc ? fail(p, GS_ECANCELED) : 1;
}

static int fact(gs_parser *p, const char *key, const char *value)
{
    if (p->st != GS_OK)
        return 0;
    return !p->sink->fact || check(p, p->sink->fact(p->sink->ud, key, value));
}

static xmlParserInputPtr doc_input(const gs_parser *p)
{
    xmlParserInputPtr in = p->ctxt->inputNr > 0 ? p->ctxt->inputTab[0] : NULL;
    return in && in->cur && in->base ? in : NULL;
}

/* loc with col filled from the ring of line starts (0 when not known). */
static gs_loc with_col(const gs_parser *p, gs_loc loc)
{
    loc.col = 0;
    if (loc.line == 0 || loc.line > p->lines + 1 ||
        loc.line + NL_RING <= p->lines + 1)
        return loc;
    uint64_t start = loc.line == 1 ? 0 : p->ring[loc.line % NL_RING];
    if (loc.offset >= start)
        loc.col = loc.offset - start + 1;
    return loc;
}

/* Where libxml2's document input stands (file header, invariant 2). */
static gs_loc here(const gs_parser *p)
{
    gs_loc loc = {0};
    xmlParserInputPtr in = doc_input(p);
    if (!in)
        return loc;
    loc.offset = in->consumed + (uint64_t)(in->cur - in->base);
    loc.line = in->line > 0 ? (uint64_t)in->line : 1;
    return with_col(p, loc);
}

/* Where the start tag just parsed begins: the last '<' before libxml2's
 * position (attribute values cannot hold '<', and libxml2 keeps a start tag
 * buffered while it parses it). Elements out of an entity's text are placed
 * at the reference (ctx is then not the document's context). */
static gs_loc tag_start(const gs_parser *p, void *ctx)
{
    gs_loc loc = here(p);
    xmlParserInputPtr in = doc_input(p);
    if (!in || ctx != p->ctxt)
        return loc;
    const xmlChar *c = in->cur;
    uint64_t nl = 0;
    while (c > in->base && *--c != '<')
        nl += *c == '\n';
    if (*c != '<' || nl >= loc.line)
        return loc;
    loc.offset -= (uint64_t)(in->cur - c);
    loc.line -= nl;
    return with_col(p, loc);
}

/* ---- paths (paths.h): keys are qualified names ---- */

static int emit_defect(gs_parser *p, const char *code, const char *detail,
                       gs_loc loc);

static xml_node *data(const gs_parser *p, uint32_t id)
{
    return gs__paths_data(p->paths, id);
}

/* The child of parent reached by kind/key; GS__PATH_NONE past the cap.
 * Returns 0 (stop) only when the sink canceled or memory ran out. */
static int child(gs_parser *p, uint32_t parent, uint32_t kind,
                 const char *key, size_t n, uint32_t *out)
{
    const char *path;
    size_t len;
    int added;
    gs_status st = gs__paths_child(p->paths, parent, kind, key, n, out,
                                   &added);
    if (st != GS_OK)
        return fail(p, st);
    if (gs__paths_overflowed(p->paths))
        return emit_defect(p, "xml.too_many_paths",
                           "more distinct paths than the limit; values not "
                           "kept", here(p));
    if (!added)
        return 1;
    data(p, *out)->depth = data(p, parent)->depth + 1;
    if (!p->override || kind != KIND_ELEM)
        return 1;
    if ((st = gs__paths_name(p->paths, *out, &path, &len)) != GS_OK)
        return fail(p, st);
    if (strcmp(path, p->override) == 0)
        p->rec_node = *out;
    return 1;
}

/* ---- events: straight to the sink, or queued until the record path ---- */

static int is_record(const gs_parser *p, const pend *ev)
{
    return p->rec_root ? ev->depth == 1
                       : ev->node != GS__PATH_NONE && ev->node == p->rec_node;
}

static int dispatch(gs_parser *p, const pend *ev, const char *bytes)
{
    gs_loc loc = ev->loc;
    gs_field_id fid;
    gs_status st;
    if (p->st != GS_OK)
        return 0;
    switch (ev->type) {
    case EV_START:
        if (!is_record(p, ev) || p->in_record)
            return 1;
        p->in_record = 1;
        p->rloc = loc;
        p->rloc.record = ++p->rec;
        return check(p, p->sink->record_begin(p->sink->ud, &p->rloc));
    case EV_END:
        if (!is_record(p, ev) || !p->in_record)
            return 1;
        p->in_record = 0;
        return check(p, p->sink->record_end(p->sink->ud, &p->rloc));
    case EV_VALUE:
        loc.record = p->in_record ? p->rec : 0;
        if ((st = gs__paths_field(p->paths, ev->node, &fid)) != GS_OK)
            return fail(p, st);
        return check(p, p->sink->value(p->sink->ud, fid, bytes, ev->len,
                                       GS_VK_TEXT, &loc));
    default:
        loc.record = p->in_record ? p->rec : 0;
        return check(p, p->sink->defect(p->sink->ud, ev->code, bytes, &loc));
    }
}

/* Choose the record path and replay the queue. */
static int decide(gs_parser *p)
{
    p->decided = 1;
    uint32_t id = p->best != GS__PATH_NONE ? p->best : p->root_node;
    p->rec_node = p->best;
    p->rec_root = p->best == GS__PATH_NONE;
    if (id != GS__PATH_NONE) {
        const char *path;
        size_t len;
        gs_status st = gs__paths_name(p->paths, id, &path, &len);
        if (st != GS_OK)
            return fail(p, st);
        if (!fact(p, "xml.record_path", path))
            return 0;
    }
    for (size_t i = 0; i < p->npend && p->st == GS_OK; i++) {
        const pend *ev = &p->pending[i];
        dispatch(p, ev, ev->type == EV_DEFECT && ev->len == SIZE_MAX
                            ? NULL : p->pend_bytes.p + ev->off);
    }
    gs_free(p->pending);
    gs_free(p->pend_bytes.p);
    p->pending = NULL;
    p->pend_bytes = (gs_buf){0};
    p->npend = p->pend_cap = 0;
    return p->st == GS_OK;
}

/* bytes may be NULL (a defect without detail: len SIZE_MAX). */
static int emit(gs_parser *p, pend ev, const char *bytes)
{
    if (p->st != GS_OK)
        return 0;
    if (p->decided)
        return dispatch(p, &ev, bytes);
    size_t n = bytes ? ev.len : 0;
    p->pend_cost += sizeof ev + n;
    if (p->pend_cost > p->lim->max_record_bytes)
        return decide(p) && dispatch(p, &ev, bytes);
    if (p->npend == p->pend_cap) {
        size_t cap = p->pend_cap ? p->pend_cap * 2 : 64;
        pend *np = gs_realloc(p->pending, cap * sizeof *np);
        if (!np)
            return fail(p, GS_ENOMEM);
        p->pending = np;
        p->pend_cap = cap;
    }
    ev.off = p->pend_bytes.len;
    gs_status st = gs_buf_append(&p->pend_bytes, bytes, n);
    if (st == GS_OK)
        st = gs_buf_append(&p->pend_bytes, "", 1); /* details are strings */
    if (st != GS_OK)
        return fail(p, st);
    p->pending[p->npend++] = ev;
    return 1;
}

static int emit_defect(gs_parser *p, const char *code, const char *detail,
                       gs_loc loc)
{
    pend ev = {.type = EV_DEFECT, .code = code, .loc = loc,
               .len = detail ? strlen(detail) : SIZE_MAX};
    return emit(p, ev, detail);
}

static int emit_value(gs_parser *p, uint32_t id, const char *s, size_t n,
                      gs_loc loc)
{
    if (n > p->lim->max_field_bytes)
        return emit_defect(p, "xml.field_too_large",
                           "value longer than the limit; dropped", loc);
    pend ev = {.type = EV_VALUE, .node = id, .len = n, .loc = loc};
    return emit(p, ev, s);
}

/* The parse is over (end of input, fatal error or limit): decide, close. */
static void flush(gs_parser *p)
{
    if (p->flushed)
        return;
    p->flushed = 1;
    if (!p->decided && !decide(p))
        return;
    if (p->in_record && p->st == GS_OK) {
        p->in_record = 0;
        check(p, p->sink->record_end(p->sink->ud, &p->rloc));
    }
}

/* ---- SAX callbacks. ctx is a libxml2 context (the document's, or one
 * parsing an internal entity's text); ours hangs off _private in both. ---- */

static gs_parser *ours(void *ctx)
{
    gs_parser *p = ctx ? ((xmlParserCtxtPtr)ctx)->_private : NULL;
    return p && !p->ended ? p : NULL;
}

/* libxml2 bounds nested expansion ("billion laughs") but not one entity
 * referenced many times in content ("quadratic blowup"): bound the bytes that
 * come out of entity text (ctx is then not the document's context) to
 * EXPAND_RATIO times the input, past EXPAND_FLOOR. Returns 0 past it. */
static int expansion_ok(gs_parser *p, void *ctx, size_t n)
{
    if (ctx == p->ctxt)
        return 1;
    p->expanded += n;
    if (p->expanded <= EXPAND_FLOOR || p->expanded / EXPAND_RATIO <= p->fed)
        return 1;
    emit_defect(p, "xml.entity_expansion",
                "entity references expand to more than 10 times the "
                "document; parse ended", here(p));
    p->ended = 1;
    return 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A new instance of id under the current parent: count siblings and weigh
 * the path as a record candidate. */
static int candidate(gs_parser *p, uint32_t id)
{
    uint64_t parent_serial = p->depth ? p->stack[p->depth - 1].serial : 0;
    xml_node *nd = data(p, id);
    if (nd->parent_serial != parent_serial) {
        nd->parent_serial = parent_serial;
        nd->count = 0;
    }
    if (++nd->count < 2 || p->decided)
        return 1;
    int complex = nd->has_children;
    if (p->best == GS__PATH_NONE || complex > p->best_complex ||
        (complex == p->best_complex && nd->depth < data(p, p->best)->depth)) {
        p->best = id;
        p->best_complex = complex;
    }
    if (complex && nd->depth == 2)
        return decide(p);
    return 1;
}

/* "prefix:local" (or "local") into p->qname, NUL-terminated. */
static int set_qname(gs_parser *p, const xmlChar *prefix, const xmlChar *local)
{
    p->qname.len = 0;
    gs_status st = GS_OK;
    if (prefix) {
        st = gs_buf_append(&p->qname, prefix, strlen((const char *)prefix));
        if (st == GS_OK)
            st = gs_buf_append(&p->qname, ":", 1);
    }
    if (st == GS_OK)
        st = gs_buf_append(&p->qname, local, strlen((const char *)local) + 1);
    if (st != GS_OK)
        return fail(p, st);
    p->qname.len--;
    return 1;
}

static int attributes(gs_parser *p, uint32_t elem, int n,
                      const xmlChar **attrs, gs_loc loc)
{
    for (int i = 0; i < n && !p->ended; i++) {
        const xmlChar **a = attrs + 5 * i;
        const char *v = (const char *)a[3];
        size_t vlen = (size_t)(a[4] - a[3]);
        uint32_t id;
        if (!set_qname(p, a[1], a[0]) ||
            !child(p, elem, KIND_ATTR, p->qname.p, p->qname.len, &id))
            return 0;
        /* Without entity substitution libxml2 leaves references in
         * attribute values ("&#38;", "&name;"); decode them as its own
         * SAX2 tree builder does (internal entities only, guarded). */
        xmlChar *dec = NULL;
        if (memchr(v, '&', vlen)) {
            dec = xmlStringLenDecodeEntities(p->ctxt, a[3], (int)vlen,
                                             XML_SUBSTITUTE_REF, 0, 0, 0);
            if (!dec)
                continue; /* libxml2 reported why */
            v = (const char *)dec;
            vlen = strlen(v);
        }
        int ok = emit_value(p, id, v, vlen, loc);
        xmlFree(dec);
        if (!ok)
            return 0;
    }
    return 1;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns,
                     int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    gs_parser *p = ours(ctx);
    (void)uri;
    (void)nb_ns;
    (void)ns;
    if (!p)
        return;
    gs_loc loc = tag_start(p, ctx);
    if (p->depth >= p->lim->max_depth) {
        emit_defect(p, "xml.depth", "nesting deeper than the limit", loc);
        p->ended = p->limited = 1;
        return;
    }
    if (p->depth == p->stack_cap) {
        size_t cap = p->stack_cap * 2;
        frame *ns2 = gs_realloc(p->stack, cap * sizeof *ns2);
        if (!ns2) {
            fail(p, GS_ENOMEM);
            return;
        }
        p->stack = ns2;
        p->stack_cap = cap;
    }
    uint32_t parent = p->depth ? p->stack[p->depth - 1].node : GS__PATH_ROOT;
    uint32_t id;
    if (!set_qname(p, prefix, local) ||
        !expansion_ok(p, ctx, p->qname.len + 2))
        return;
    if (!child(p, parent, KIND_ELEM, p->qname.p, p->qname.len, &id))
        return;
    if (parent != GS__PATH_ROOT && parent != GS__PATH_NONE)
        data(p, parent)->has_children = 1;
    if (p->depth == 0 && p->root_node == GS__PATH_NONE) {
        p->root_node = id;
        if (!fact(p, "xml.root", p->qname.p))
            return;
    }
    if (id != GS__PATH_NONE && !candidate(p, id))
        return;
    if (p->depth)
        p->stack[p->depth - 1].has_children = 1;
    frame *f = &p->stack[p->depth++];
    *f = (frame){.node = id, .serial = ++p->serial, .loc = loc,
                 .text_start = p->text.len,
                 .has_attrs = nb_attrs - nb_defaulted > 0};
    pend ev = {.type = EV_START, .node = id, .depth = (uint32_t)p->depth,
               .loc = loc};
    if (emit(p, ev, NULL))
        attributes(p, id, nb_attrs - nb_defaulted, attrs, loc);
}

/* An element's value: its text with the text of its descendants (so mixed
 * content reads as written), trimmed, when it has non-blank text of its own;
 * the empty string for an empty element without attributes; else none. */
static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    gs_parser *p = ours(ctx);
    (void)local;
    (void)prefix;
    (void)uri;
    if (!p || p->depth == 0)
        return;
    frame *f = &p->stack[p->depth - 1];
    const char *s = p->text.p ? p->text.p + f->text_start : "";
    size_t n = p->text.len - f->text_start;
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    while (n && is_space((unsigned char)*s))
        s++, n--;
    int ok = 1;
    if (f->has_text && f->over)
        ok = emit_defect(p, "xml.field_too_large",
                         "element text longer than the limit; dropped", f->loc);
    else if (f->has_text || (!f->has_children && !f->has_attrs && !f->over))
        ok = emit_value(p, f->node, s, n, f->loc);
    if (!ok)
        return;
    /* The subtree's text stays in the parent's unless that passes the limit
     * (the parent's text is then not kept: see on_text). */
    frame *up = p->depth > 1 ? &p->stack[p->depth - 2] : NULL;
    if (!up || up->over) {
        p->text.len = f->text_start;
    } else if (p->text.len - up->text_start > p->lim->max_field_bytes) {
        p->text.len = up->text_start;
        up->over = 1;
    }
    pend ev = {.type = EV_END, .node = f->node, .depth = (uint32_t)p->depth,
               .loc = f->loc};
    p->depth--;
    emit(p, ev, NULL);
}

/* Text and CDATA of the innermost open element. */
static void on_text(void *ctx, const xmlChar *ch, int len)
{
    gs_parser *p = ours(ctx);
    if (!p || p->depth == 0 || len <= 0 || !expansion_ok(p, ctx, (size_t)len))
        return;
    frame *f = &p->stack[p->depth - 1];
    size_t n = (size_t)len;
    for (size_t i = 0; i < n && !f->has_text; i++)
        f->has_text = !is_space(ch[i]);
    if (f->over)
        return;
    if (n > p->lim->max_field_bytes - (p->text.len - f->text_start)) {
        p->text.len = f->text_start;
        f->over = 1;
        return;
    }
    if (gs_buf_append(&p->text, ch, n) != GS_OK)
        fail(p, GS_ENOMEM);
}

/* Called for every entity reference left to the application: internal ones
 * were expanded through SAX already; external ones are never loaded. */
static void on_reference(void *ctx, const xmlChar *name)
{
    gs_parser *p = ours(ctx);
    if (!p)
        return;
    xmlEntityPtr ent = p->ctxt->myDoc ? xmlGetDocEntity(p->ctxt->myDoc, name)
                                      : NULL;
    if (!ent || (ent->etype != XML_EXTERNAL_GENERAL_PARSED_ENTITY &&
                 ent->etype != XML_EXTERNAL_GENERAL_UNPARSED_ENTITY))
        return;
    char detail[200];
    snprintf(detail, sizeof detail, "external entity '%.60s' (%.100s) not loaded",
             (const char *)name,
             ent->SystemID ? (const char *)ent->SystemID : "no system id");
    emit_defect(p, "xml.entity_refused", detail, here(p));
}

/* An external parameter entity is never loaded and libxml2 skips its
 * references in silence, so its declaration is where it is reported. */
static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *public_id, const xmlChar *system_id,
                           xmlChar *content)
{
    xmlSAX2EntityDecl(ctx, name, type, public_id, system_id, content);
    gs_parser *p = ours(ctx);
    if (!p || type != XML_EXTERNAL_PARAMETER_ENTITY)
        return;
    char detail[256];
    snprintf(detail, sizeof detail,
             "external parameter entity '%.60s' (%.100s) not loaded",
             (const char *)name,
             system_id ? (const char *)system_id : "no system id");
    emit_defect(p, "xml.entity_refused", detail, here(p));
}

/* Called once after the internal subset; an external subset is named by a
 * system or public id and is never loaded (no DTDLOAD). */
static void on_external_subset(void *ctx, const xmlChar *name,
                               const xmlChar *public_id,
                               const xmlChar *system_id)
{
    (void)name;
    gs_parser *p = ours(ctx);
    if (!p || (!system_id && !public_id))
        return;
    char detail[256];
    snprintf(detail, sizeof detail, "external DTD subset (%.100s) not loaded",
             system_id ? (const char *)system_id : (const char *)public_id);
    emit_defect(p, "xml.entity_refused", detail, here(p));
}

static const char *error_code(const gs_parser *p, const xmlError *e)
{
    switch (e->code) {
    case XML_ERR_DOCUMENT_END: /* 2.9's push parser says this at any end */
        if (p->finishing && p->depth > 0)
            return "xml.truncated";
        break;
    case XML_ERR_ENTITY_LOOP:
        return "xml.entity_expansion";
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        return "xml.entity_undeclared";
    case XML_ERR_ENTITY_IS_EXTERNAL:
    case XML_ERR_EXT_ENTITY_STANDALONE:
    case XML_IO_LOAD_ERROR:
        return "xml.entity_refused";
    default:
        break;
    }
    if (e->domain == XML_FROM_NAMESPACE)
        return "xml.namespace";
    if (e->level == XML_ERR_FATAL)
        return "xml.syntax";
    return e->level == XML_ERR_WARNING ? "xml.warning" : "xml.error";
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    gs_parser *p = ours(ctx);
    if (!p || !e)
        return;
    if (e->code == XML_ERR_NO_MEMORY) {
        fail(p, GS_ENOMEM);
        return;
    }
    const char *code = error_code(p, e);
    char detail[200];
    if (strcmp(code, "xml.truncated") == 0)
        snprintf(detail, sizeof detail, "input ends inside %zu open element%s",
                 p->depth, p->depth > 1 ? "s" : "");
    else if (e->code == XML_ERR_DOCUMENT_END && p->root_node == GS__PATH_NONE)
        snprintf(detail, sizeof detail, "no root element");
    else
        snprintf(detail, sizeof detail, "%s", e->message ? e->message : "error");
    detail[strcspn(detail, "\r\n")] = '\0';
    emit_defect(p, code, detail, here(p));
    if (e->level == XML_ERR_FATAL)
        p->ended = 1;
}

/* ---- bytes to libxml2 ---- */

/* The encoding named by an XML declaration at the start of s, into out. */
static int declared_encoding(const char *s, size_t n, char *out, size_t cap)
{
    const char *end = n > 6 ? memmem(s, n, "?>", 2) : NULL;
    if (!end || memcmp(s, "<?xml", 5) != 0 || !is_space((unsigned char)s[5]))
        return 0;
    const char *e = memmem(s, (size_t)(end - s), "encoding", 8);
    if (!e)
        return 0;
    for (e += 8; e < end && is_space((unsigned char)*e); e++)
        ;
    if (e == end || *e++ != '=')
        return 0;
    while (e < end && is_space((unsigned char)*e))
        e++;
    if (e == end || (*e != '"' && *e != '\''))
        return 0;
    const char *q = memchr(e + 1, *e, (size_t)(end - e - 1));
    size_t len = q ? (size_t)(q - e - 1) : 0;
    if (!len || len >= cap)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)e[1 + i];
        int alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '.' ||
                                   c == '_' || c == '-')))
            return 0;
    }
    memcpy(out, e + 1, len);
    out[len] = '\0';
    return 1;
}

static void push_block(gs_parser *p, int terminate)
{
    if (!p->head_done) {
        char enc[64];
        p->head_done = 1;
        if (p->override && !fact(p, "xml.record_path", p->override))
            return;
        if (declared_encoding(p->block, p->blen, enc, sizeof enc) &&
            !fact(p, "xml.declared_encoding", enc))
            return;
    }
    for (size_t i = 0; i < p->blen; i++)
        if (p->block[i] == '\n')
            p->ring[(++p->lines + 1) % NL_RING] = p->fed + i + 1;
    p->fed += p->blen;
    xmlParseChunk(p->ctxt, p->block, (int)p->blen, terminate);
    p->blen = 0;
    if (p->ended) {
        xmlStopParser(p->ctxt);
        if (p->st == GS_OK)
            flush(p);
    }
}

static gs_status result(const gs_parser *p)
{
    return p->st != GS_OK ? p->st : p->limited ? GS_ELIMIT : GS_OK;
}

static gs_status xml_feed(gs_parser *p, const char *buf, size_t len)
{
    while (len && !p->ended) {
        size_t n = BLOCK - p->blen < len ? BLOCK - p->blen : len;
        memcpy(p->block + p->blen, buf, n);
        p->blen += n;
        buf += n;
        len -= n;
        if (p->blen == BLOCK)
            push_block(p, 0);
    }
    return result(p);
}

static gs_status xml_finish(gs_parser *p)
{
    p->finishing = 1;
    if (!p->ended)
        push_block(p, 1);
    if (p->st == GS_OK)
        flush(p);
    return result(p);
}

static void xml_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->ctxt) {
        if (p->ctxt->myDoc)
            xmlFreeDoc(p->ctxt->myDoc);
        p->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(p->ctxt);
    }
    gs_free(p->ring);
    gs__paths_free(p->paths);
    gs_free(p->qname.p);
    gs_free(p->stack);
    gs_free(p->text.p);
    gs_free(p->pending);
    gs_free(p->pend_bytes.p);
    gs_free(p);
}

static gs_status xml_open(const gs_limits *lim, const gs_sink *sink,
                          gs_parser **out)
{
    gs_status st = GS_ENOMEM;
    *out = NULL;
    if (!lim || !sink || !sink->field || !sink->record_begin ||
        !sink->record_end || !sink->value || !sink->defect ||
        lim->max_depth == 0)
        return GS_EINVAL;
    gs__libxml_setup();
    gs_parser *p = gs_calloc(1, sizeof *p);
    if (!p)
        goto fail;
    p->lim = lim;
    p->sink = sink;
    p->override = lim->xml_record_path;
    p->decided = p->override != NULL;
    p->rec_node = p->best = p->root_node = GS__PATH_NONE;
    p->stack_cap = 16;
    p->stack = gs_malloc(p->stack_cap * sizeof *p->stack);
    p->ring = gs_malloc(NL_RING * sizeof *p->ring);
    if (!p->stack || !p->ring)
        goto fail;
    if ((st = gs__paths_new(lim, sink, &xml_style, &p->paths)) != GS_OK)
        goto fail;
    xmlSAXHandler sax = {
        .internalSubset = xmlSAX2InternalSubset,
        .getEntity = xmlSAX2GetEntity,
        .entityDecl = on_entity_decl,
        .externalSubset = on_external_subset,
        .unparsedEntityDecl = xmlSAX2UnparsedEntityDecl,
        .getParameterEntity = xmlSAX2GetParameterEntity,
        .startDocument = xmlSAX2StartDocument,
        .characters = on_text,
        .cdataBlock = on_text,
        .reference = on_reference,
        .initialized = XML_SAX2_MAGIC,
        .startElementNs = on_start,
        .endElementNs = on_end,
        .serror = on_error,
    };
    st = GS_ENOMEM;
    p->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    if (!p->ctxt)
        goto fail;
    p->ctxt->_private = p;
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
    *out = p;
    return GS_OK;
fail:
    xml_close(p);
    return st;
}

const gs_parser_type gs_xml_parser_type = {
    .name = "xml", .format = GS_FMT_XML, .open = xml_open,
    .feed = xml_feed, .finish = xml_finish, .close = xml_close,
};

/* jsonl.c - JSON Lines. yajl's callback parser underneath, events on top.
 *
 * Each line holding a JSON value is one record. Scalars become values of a
 * field path: object keys join with '.', array elements add "[]"
 * ("items[].sku"), a top-level scalar is "$". Strings are GS_VK_STRING
 * (unescaped), numbers GS_VK_NUMBER (the literal as written), booleans
 * GS_VK_BOOL, null GS_VK_NULL.
 *
 * Design: one yajl handle with yajl_allow_multiple_values. The bytes of a
 * line go to yajl as they arrive (never buffered here); '\n' is the record
 * boundary, where yajl_complete_parse flushes a trailing number and reports a
 * value cut short. A line that errs, nests too deep, holds two values or runs
 * too long is abandoned up to its newline, and the handle is replaced before
 * the next line (yajl 2.1 has no reset; errors are rare, clean lines reuse
 * the handle and cost no allocation).
 *
 * Paths are interned through a trie: a hash keyed by (parent node, kind, key
 * bytes) gives the child node, which remembers the sink's field id. The hot
 * path hashes one key, never a full path; the full path is built once, when
 * a node's first value is sent.
 *
 * Invariants:
 *   1. Events depend only on the bytes: yajl sees the same prefix of every
 *      line whatever the chunking (a too-long line is cut at exactly
 *      max_record_bytes), and every decision is taken at a line's bytes or
 *      at its newline.
 *   2. record_begin comes with the first value of a line, record_end at its
 *      newline (or end of input), after any defect of that line; they pair.
 *   3. Bounded memory: a line is at most max_record_bytes inside yajl,
 *      nesting at most max_depth, the trie at most 2 * max_paths + 2 nodes
 *      (past that, values go out with GS_FIELD_NONE and one defect says so).
 *   4. Sink callbacks are never called after one returned nonzero.
 *
 * Not done here: whole-file JSON (json.c), numbers' types or ranges,
 * anything about values beyond their syntax.
 */
#include "gapscan/parser.h"

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define NODE_ROOT 0u        /* path "" (a top-level container) */
#define NODE_DOLLAR 1u      /* path "$" (a top-level scalar) */
#define NODE_NONE UINT32_MAX /* past the trie's cap: no field */

enum { KIND_KEY = 0, KIND_ELEM = 1 };


typedef struct node {
    uint32_t parent;
    uint32_t kind;
    size_t key_off, key_len; /* in keys */
    gs_field_id fid;
    int has_fid;
} node;

typedef struct frame {
    uint32_t node;  /* the container's own node */
    uint32_t next;  /* node of the value that comes next */
} frame;

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;          /* first non-OK status; sticky */
    yajl_handle h;
    int dirty;             /* h must be replaced before its next use */

    uint64_t offset;       /* stream offset of the next byte */
    uint64_t line;         /* current line, 1-based */
    uint64_t line_off;     /* offset where it starts */
    size_t line_len;       /* its bytes so far, '\n' excluded */
    int has_content;       /* a non-blank byte seen on this line */
    int dead;              /* line abandoned: ignore it up to '\n' */
    int in_record;         /* record_begin sent for this line */
    int values;            /* top-level values completed on this line */
    uint64_t rec;
    gs_loc rloc;

    frame *stack;          /* open containers, at most max_depth */
    size_t depth, stack_cap;

    node *nodes;
    size_t nnodes, nodes_cap, max_nodes;
    uint32_t *slot;        /* open addressing: 0 empty, else node + 1 */
    size_t nslot;
    gs_buf keys;
    gs_buf path;            /* scratch for building a path */
    uint32_t *chain;       /* scratch: a node's ancestors, stack_cap + 1 */
    int overflow_told;
};

/* ---- allocation through gs_* for yajl ---- */

static void *y_malloc(void *ctx, size_t n)
{
    (void)ctx;
    return gs_malloc(n);
}

static void *y_realloc(void *ctx, void *ptr, size_t n)
{
    (void)ctx;
    return gs_realloc(ptr, n);
}

static void y_free(void *ctx, void *ptr)
{
    (void)ctx;
    gs_free(ptr);
}

/* ---- sink helpers: each returns nonzero to go on ---- */

static int fail(gs_parser *p, gs_status st)
{
    if (p->st == GS_OK)
        p->st = st;
    return 0;
}

static int check(gs_parser *p, int rc)
{
    return rc ? fail(p, GS_ECANCELED) : 1;
}

static int defect(gs_parser *p, const char *code, const char *detail,
                  uint64_t col)
{
    gs_loc loc = {.offset = p->line_off + (col ? col - 1 : 0),
                  .line = p->line, .col = col,
                  .record = p->in_record ? p->rec : 0};
    if (p->st != GS_OK)
        return 0;
    return check(p, p->sink->defect(p->sink->ud, code, detail, &loc));
}

/* ---- the path trie ---- */

static uint64_t hash_key(uint32_t parent, uint32_t kind, const char *s,
                         size_t n)
{
    uint64_t h = 1469598103934665603u ^ ((uint64_t)parent << 1 | kind);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h ^ (h >> 29);
}

static void place(gs_parser *p, uint32_t id)
{
    const node *nd = &p->nodes[id];
    size_t mask = p->nslot - 1;
    size_t i = (size_t)hash_key(nd->parent, nd->kind, p->keys.p + nd->key_off,
                                nd->key_len) & mask;
    while (p->slot[i])
        i = (i + 1) & mask;
    p->slot[i] = id + 1;
}

static gs_status add_node(gs_parser *p, uint32_t parent, uint32_t kind,
                          const char *key, size_t n, uint32_t *out)
{
    if (p->nnodes == p->nodes_cap) {
        size_t cap = p->nodes_cap * 2;
        node *nn = gs_realloc(p->nodes, cap * sizeof *nn);
        if (!nn)
            return GS_ENOMEM;
        p->nodes = nn;
        p->nodes_cap = cap;
    }
    if (2 * (p->nnodes + 1) > p->nslot) {
        size_t nslot = p->nslot * 2;
        uint32_t *slot = gs_calloc(nslot, sizeof *slot);
        if (!slot)
            return GS_ENOMEM;
        gs_free(p->slot);
        p->slot = slot;
        p->nslot = nslot;
        for (uint32_t id = 0; id < p->nnodes; id++)
            place(p, id);
    }
    size_t off = p->keys.len;
    gs_status st = gs_buf_append(&p->keys, key, n);
    if (st != GS_OK)
        return st;
    uint32_t id = (uint32_t)p->nnodes++;
    p->nodes[id] = (node){.parent = parent, .kind = kind, .key_off = off,
                          .key_len = n, .fid = GS_FIELD_NONE};
    place(p, id);
    *out = id;
    return GS_OK;
}

/* The child of parent reached by kind/key; NODE_NONE past the cap. Returns
 * 0 (stop) only when the sink canceled or memory ran out. */
static int child(gs_parser *p, uint32_t parent, uint32_t kind,
                 const char *key, size_t n, uint32_t *out)
{
    *out = NODE_NONE;
    if (parent == NODE_NONE)
        return 1;
    size_t mask = p->nslot - 1;
    for (size_t i = (size_t)hash_key(parent, kind, key, n) & mask;;
         i = (i + 1) & mask) {
        uint32_t e = p->slot[i];
        if (!e)
            break;
        const node *nd = &p->nodes[e - 1];
        if (nd->parent == parent && nd->kind == kind && nd->key_len == n &&
            memcmp(p->keys.p + nd->key_off, key, n) == 0) {
            *out = e - 1;
            return 1;
        }
    }
    if (p->nnodes >= p->max_nodes) {
        if (p->overflow_told)
            return 1;
        p->overflow_told = 1;
        return defect(p, "json.too_many_paths",
                      "more distinct paths than the limit; values not kept",
                      0);
    }
    gs_status st = add_node(p, parent, kind, key, n, out);
    return st == GS_OK ? 1 : fail(p, st);
}

/* The sink's id for a node, interned on first use. */
static int field_of(gs_parser *p, uint32_t id, gs_field_id *out)
{
    *out = GS_FIELD_NONE;
    if (id == NODE_NONE)
        return 1;
    node *nd = &p->nodes[id];
    if (nd->has_fid) {
        *out = nd->fid;
        return 1;
    }
    size_t n = 0;
    for (uint32_t c = id; c != NODE_ROOT && c != NODE_DOLLAR;
         c = p->nodes[c].parent)
        p->chain[n++] = c;
    p->path.len = 0;
    gs_status st = GS_OK;
    if (id == NODE_DOLLAR)
        st = gs_buf_append(&p->path, "$", 1);
    while (n-- > 0 && st == GS_OK) {
        const node *c = &p->nodes[p->chain[n]];
        if (c->kind == KIND_ELEM) {
            st = gs_buf_append(&p->path, "[]", 2);
            continue;
        }
        if (p->path.len)
            st = gs_buf_append(&p->path, ".", 1);
        if (st == GS_OK)
            st = gs_buf_append(&p->path, p->keys.p + c->key_off, c->key_len);
    }
    if (st != GS_OK)
        return fail(p, st);
    nd = &p->nodes[id];
    nd->fid = p->sink->field(p->sink->ud, p->path.p, p->path.len);
    nd->has_fid = 1;
    *out = nd->fid;
    return 1;
}

/* ---- yajl callbacks ---- */

/* A value starts at depth 0: the line's record begins, unless a value was
 * already there (JSON Lines holds one value per line). */
static int top_value(gs_parser *p)
{
    if (p->values) {
        defect(p, "json.syntax", "more than one value on the line", 0);
        return 0;
    }
    if (p->in_record)
        return 1;
    p->in_record = 1;
    p->rec++;
    p->rloc = (gs_loc){.offset = p->line_off, .line = p->line, .col = 0,
                       .record = p->rec};
    return check(p, p->sink->record_begin(p->sink->ud, &p->rloc));
}

static int scalar(gs_parser *p, const char *s, size_t n, gs_value_kind kind)
{
    uint32_t id;
    gs_field_id fid;
    if (p->depth == 0) {
        if (!top_value(p))
            return 0;
        id = NODE_DOLLAR;
        p->values++;
    } else {
        id = p->stack[p->depth - 1].next;
    }
    if (kind == GS_VK_STRING && n > p->lim->max_field_bytes)
        return defect(p, "json.field_too_large",
                      "string longer than the limit; value dropped", 0);
    if (!field_of(p, id, &fid))
        return 0;
    return check(p, p->sink->value(p->sink->ud, fid, s, n, kind, &p->rloc));
}

static int on_null(void *ctx)
{
    return scalar(ctx, "null", 4, GS_VK_NULL);
}

static int on_bool(void *ctx, int b)
{
    return b ? scalar(ctx, "true", 4, GS_VK_BOOL)
             : scalar(ctx, "false", 5, GS_VK_BOOL);
}

static int on_number(void *ctx, const char *s, size_t n)
{
    return scalar(ctx, s, n, GS_VK_NUMBER);
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    return scalar(ctx, (const char *)s, n, GS_VK_STRING);
}

static int open_container(gs_parser *p, int is_array)
{
    uint32_t id = NODE_ROOT;
    if (p->depth == 0) {
        if (!top_value(p))
            return 0;
    } else {
        id = p->stack[p->depth - 1].next;
    }
    if (p->depth >= p->lim->max_depth) {
        defect(p, "json.too_deep", "nesting deeper than the limit", 0);
        return 0;
    }
    if (p->depth == p->stack_cap) {
        size_t cap = p->stack_cap ? p->stack_cap * 2 : 16;
        if (cap > p->lim->max_depth)
            cap = p->lim->max_depth;
        frame *ns = gs_realloc(p->stack, cap * sizeof *ns);
        if (ns)
            p->stack = ns;
        uint32_t *nc = ns ? gs_realloc(p->chain, (cap + 1) * sizeof *nc)
                          : NULL;
        if (!nc)
            return fail(p, GS_ENOMEM);
        p->chain = nc;
        p->stack_cap = cap;
    }
    frame *f = &p->stack[p->depth++];
    f->node = id;
    f->next = NODE_NONE;
    if (is_array)
        return child(p, id, KIND_ELEM, "", 0, &f->next);
    return 1;
}

static int close_container(gs_parser *p)
{
    if (--p->depth == 0)
        p->values++;
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, 0);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, 1);
}

static int on_end(void *ctx)
{
    return close_container(ctx);
}

static int on_key(void *ctx, const unsigned char *key, size_t n)
{
    gs_parser *p = ctx;
    frame *f = &p->stack[p->depth - 1];
    if (n > p->lim->max_field_bytes) {
        f->next = NODE_NONE;
        return defect(p, "json.field_too_large",
                      "key longer than the limit; its values not kept", 0);
    }
    return child(p, f->node, KIND_KEY, (const char *)key, n, &f->next);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* ---- lines ---- */

static gs_status fresh_handle(gs_parser *p)
{
    yajl_alloc_funcs afs = {y_malloc, y_realloc, y_free, NULL};
    if (p->h)
        yajl_free(p->h);
    p->h = yajl_alloc(&callbacks, &afs, p);
    if (!p->h)
        return GS_ENOMEM;
    yajl_config(p->h, yajl_allow_multiple_values, 1);
    p->dirty = 0;
    return GS_OK;
}

/* yajl's one-line message ("lexical error: invalid char in json text")
 * without its trailing newline. */
static void syntax_defect(gs_parser *p, uint64_t col, const char *fallback)
{
    char detail[128];
    unsigned char *msg = fallback ? NULL : yajl_get_error(p->h, 0, NULL, 0);
    snprintf(detail, sizeof detail, "%s",
             msg ? (const char *)msg : fallback ? fallback : "syntax error");
    if (msg)
        yajl_free_error(p->h, msg);
    detail[strcspn(detail, "\r\n")] = '\0';
    defect(p, "json.syntax", detail, col);
}

/* After yajl stopped: an error, a callback's stop, or the sink's cancel. */
static void stopped(gs_parser *p, yajl_status ys, uint64_t col,
                    const char *fallback)
{
    p->dead = 1;
    p->dirty = 1;
    if (ys == yajl_status_error && p->st == GS_OK)
        syntax_defect(p, col, fallback);
}

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void line_bytes(gs_parser *p, const char *s, size_t n)
{
    if (p->dead) {
        p->line_len += n;
        return;
    }
    size_t room = p->lim->max_record_bytes - p->line_len;
    size_t take = n < room ? n : room;
    if (take) {
        for (size_t i = 0; !p->has_content && i < take; i++)
            p->has_content = !blank((unsigned char)s[i]);
        if (p->dirty) {
            gs_status st = fresh_handle(p);
            if (st != GS_OK) {
                fail(p, st);
                return;
            }
        }
        yajl_status ys = yajl_parse(p->h, (const unsigned char *)s, take);
        if (ys != yajl_status_ok)
            stopped(p, ys, p->line_len + yajl_get_bytes_consumed(p->h), NULL);
    }
    if (take < n && !p->dead && p->st == GS_OK) {
        p->dead = 1;
        p->dirty = 1;
        defect(p, "jsonl.line_too_long", "line longer than the limit",
               (uint64_t)p->lim->max_record_bytes + 1);
    }
    p->line_len += n;
}

static void line_end(gs_parser *p)
{
    if (!p->dead && p->has_content && p->st == GS_OK) {
        yajl_status ys = yajl_complete_parse(p->h);
        if (ys != yajl_status_ok)
            stopped(p, ys, (uint64_t)p->line_len + 1, "truncated value");
    }
    if (p->in_record && p->st == GS_OK)
        check(p, p->sink->record_end(p->sink->ud, &p->rloc));
    if (p->depth)
        p->dirty = 1; /* the value was cut off: yajl is still inside it */
    p->line++;
    p->line_off = p->offset;
    p->line_len = 0;
    p->has_content = p->dead = p->in_record = p->values = 0;
    p->depth = 0;
}

static gs_status jsonl_feed(gs_parser *p, const char *buf, size_t len)
{
    while (len && p->st == GS_OK) {
        const char *nl = memchr(buf, '\n', len);
        size_t n = nl ? (size_t)(nl - buf) : len;
        if (n)
            line_bytes(p, buf, n);
        p->offset += n;
        if (nl && p->st == GS_OK) {
            p->offset++;
            line_end(p);
            n++;
        }
        buf += n;
        len -= n;
    }
    return p->st;
}

static gs_status jsonl_finish(gs_parser *p)
{
    if (p->st == GS_OK && (p->line_len || p->dead))
        line_end(p);
    return p->st;
}

static void jsonl_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->h)
        yajl_free(p->h);
    gs_free(p->stack);
    gs_free(p->nodes);
    gs_free(p->slot);
    gs_free(p->keys.p);
    gs_free(p->path.p);
    gs_free(p->chain);
    gs_free(p);
}

static gs_status jsonl_open(const gs_limits *lim, const gs_sink *sink,
                            gs_parser **out)
{
    gs_status st = GS_ENOMEM;
    uint32_t id;
    *out = NULL;
    if (!lim || !sink || !sink->field || !sink->record_begin ||
        !sink->record_end || !sink->value || !sink->defect)
        return GS_EINVAL;
    gs_parser *p = gs_calloc(1, sizeof *p);
    if (!p)
        goto fail;
    p->lim = lim;
    p->sink = sink;
    p->line = 1;
    p->max_nodes = lim->max_paths > (UINT32_MAX - 8) / 2
                       ? UINT32_MAX - 8
                       : 2 * lim->max_paths + 2;
    p->nodes_cap = 16;
    p->nslot = 64;
    p->nodes = gs_malloc(p->nodes_cap * sizeof *p->nodes);
    p->slot = gs_calloc(p->nslot, sizeof *p->slot);
    p->chain = gs_malloc(sizeof *p->chain); /* grows with the stack */
    if (!p->nodes || !p->slot || !p->chain)
        goto fail;
    /* NODE_ROOT and NODE_DOLLAR: parents of nothing that is looked up by
     * key, so their (parent, kind) pairs never collide with real nodes. */
    if ((st = add_node(p, NODE_NONE, KIND_KEY, "", 0, &id)) != GS_OK ||
        (st = add_node(p, NODE_NONE, KIND_ELEM, "$", 1, &id)) != GS_OK)
        goto fail;
    if ((st = fresh_handle(p)) != GS_OK)
        goto fail;
    *out = p;
    return GS_OK;
fail:
    jsonl_close(p);
    return st;
}

const gs_parser_type gs_jsonl_parser_type = {
    .name = "jsonl", .format = GS_FMT_JSONL, .open = jsonl_open,
    .feed = jsonl_feed, .finish = jsonl_finish, .close = jsonl_close,
};

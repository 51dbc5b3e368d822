/* jsonl.c - JSON Lines. yajl's callback parser underneath, events on top.
 *
 * Each line holding a JSON value is one record. Scalars become values of a
 * field path named as paths.h says: object keys join with '.', array
 * elements add "[]" ("items[].sku"), objects used as maps collapse to "{*}"
 * ("scores.{*}"), a top-level scalar is "$". Strings are GS_VK_STRING
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
 * Paths are interned through the trie of paths.c, shared with json.c and
 * xml.c: the hot path hashes one key, never a full path.
 *
 * Invariants:
 *   1. Events depend only on the bytes: yajl sees the same prefix of every
 *      line whatever the chunking (a too-long line is cut at exactly
 *      max_record_bytes), and every decision is taken at a line's bytes or
 *      at its newline.
 *   2. record_begin comes with the first value of a line, record_end at its
 *      newline (or end of input), after any defect of that line; they pair.
 *   3. Bounded memory: a line is at most max_record_bytes inside yajl,
 *      nesting at most max_depth, at most max_paths distinct paths per
 *      document (past that, values go out with GS_FIELD_NONE and one
 *      defect says so).
 *   4. Sink callbacks are never called after one returned nonzero.
 *
 * Not done here: whole-file JSON (json.c), numbers' types or ranges,
 * anything about values beyond their syntax.
 */
#include "gapscan/parser.h"

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "paths.h"

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

    gs__paths *paths;
};

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

/* ---- paths ---- */

/* Turn a paths.h status into "go on" (nonzero) or a stop, and report
 * the first path overflow once. */
static int paths_done(gs_parser *p, gs_status st)
{
    if (st != GS_OK)
        return fail(p, st);
    if (gs__paths_overflowed(p->paths))
        return defect(p, "json.too_many_paths",
                      "more distinct paths than the limit; values not kept",
                      0);
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
        id = GS__JSON_PATH_DOLLAR;
        p->values++;
    } else {
        id = p->stack[p->depth - 1].next;
    }
    if (kind == GS_VK_STRING && n > p->lim->max_field_bytes)
        return defect(p, "json.field_too_large",
                      "string longer than the limit; value dropped", 0);
    if (!paths_done(p, gs__paths_field(p->paths, id, &fid)))
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
    uint32_t id = GS__PATH_ROOT;
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
        if (!ns)
            return fail(p, GS_ENOMEM);
        p->stack = ns;
        p->stack_cap = cap;
    }
    frame *f = &p->stack[p->depth++];
    f->node = id;
    f->next = GS__PATH_NONE;
    if (is_array)
        return paths_done(p, gs__json_paths_elem(p->paths, id, &f->next));
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
        f->next = GS__PATH_NONE;
        return defect(p, "json.field_too_large",
                      "key longer than the limit; its values not kept", 0);
    }
    return paths_done(p, gs__json_paths_key(p->paths, f->node,
                                            (const char *)key, n, &f->next));
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
    if (p->h)
        yajl_free(p->h);
    /* yajl's own allocator, not gs_malloc: yajl 2.1 writes through what its
     * allocator returns without checking it (yajl_alloc, yajl_buf, the
     * state stack), so a failure there cannot be made a status. */
    p->h = yajl_alloc(&callbacks, NULL, p);
    if (!p->h)
        return GS_ENOMEM;
    yajl_config(p->h, yajl_allow_multiple_values, 1);
    p->dirty = 0;
    return GS_OK;
}

/* yajl's one-line message ("lexical error: invalid char in json text")
 * without its trailing newline. A grammar error ("parse error: ...") has no
 * column: yajl backs its offset up by the offending token's length, and
 * when that token began in an earlier feed it cannot and says 0, so the
 * column would depend on the chunking (json.c's shadow lexer knows where
 * tokens start; this file does not keep one). */
static void syntax_defect(gs_parser *p, uint64_t col, const char *fallback)
{
    char detail[128];
    unsigned char *msg = fallback ? NULL : yajl_get_error(p->h, 0, NULL, 0);
    if (msg && strncmp((const char *)msg, "parse error", 11) == 0)
        col = 0;
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
    gs__paths_free(p->paths);
    gs_free(p);
}

static gs_status jsonl_open(const gs_limits *lim, const gs_sink *sink,
                            gs_parser **out)
{
    gs_status st = GS_ENOMEM;
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
    if ((st = gs__json_paths_new(lim, sink, &p->paths)) != GS_OK)
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

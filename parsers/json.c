/* json.c - whole-file JSON. yajl's callback parser underneath, events on top.
 *
 * Records: an object that is an element of an array, met while no record is
 * open, is one record. So a top-level array of objects is a stream of
 * records, and in a top-level object the elements of its arrays of objects
 * ("users": [{...}, ...]) are records; the outermost such level wins and
 * anything inside a record is part of it (records never nest). Values met
 * while no record is open (a top-level scalar, the "meta" of a wrapper
 * object, scalars of a top-level array) are values of the document itself.
 *
 * Paths are always the full path from the document root, named as
 * paths.h says (shared with jsonl.c): "[].id" for a top-level array of
 * records, "users[].name", "users.{*}.name" for a map, "$" for a top-level
 * scalar. Values are located at their first byte; record_begin/record_end
 * at the record's braces.
 *
 * Design: yajl sees the bytes as they arrive; a shadow lexer (struct lexer:
 * strings, escapes, brackets, lines) runs over them twice. The guard copy
 * runs ahead of yajl and decides what yajl may see, so that yajl's memory
 * stays bounded whatever the input:
 *   - an array or object opened deeper than max_depth reaches yajl as its
 *     two brackets only: its contents are skipped (not checked) and one
 *     json.too_deep defect says so; the parse goes on after it;
 *   - a string longer than 6 * max_field_bytes + 2 raw bytes (so longer
 *     than max_field_bytes once unescaped) or a number longer than
 *     max_field_bytes reaches yajl cut short (at a character boundary, after
 *     a digit) and its value is dropped with json.field_too_large; shorter
 *     ones past max_field_bytes are dropped the same way;
 *   - bytes after the top-level value (a second value, garbage) never reach
 *     yajl: json.trailing_data, at their first byte, ends the parse;
 *   - form feed and vertical tab, which yajl takes for blanks and JSON does
 *     not, end the parse with json.syntax.
 * The position copy lags behind: a callback moves it up to yajl's position
 * (bytes consumed in the current piece) to learn the line and column of the
 * token just read, or of yajl's error.
 *
 * Defects (code, location): json.syntax (yajl's message, at the offending
 * byte or token), json.truncated (input ends inside the value, at the end),
 * json.trailing_data, json.empty (no value at all), json.too_deep,
 * json.field_too_large, json.too_many_paths, json.lone_surrogate (an
 * escaped UTF-16 surrogate without its pair: yajl writes a lone low one as
 * bytes that are not UTF-8, replaced here by U+FFFD; a lone high one comes
 * out of yajl as '?' and goes unnoticed). A syntax error, truncation or
 * trailing data ends the parse (yajl cannot resume); the status stays GS_OK
 * and an open record is closed after the defect.
 *
 * Invariants:
 *   1. Events depend only on the bytes: every cut and skip is decided by the
 *      guard at a byte, and yajl's positions are mapped to stream offsets,
 *      so any chunking gives the same events.
 *   2. Bounded memory: yajl's stack and ours at most max_depth + 1 deep, its
 *      token buffer at most 6 * max_field_bytes + 2 bytes, paths as
 *      paths.h bounds them.
 *   3. record_begin/record_end pair, and no value is sent in a record
 *      inside another.
 *   4. Sink callbacks are never called after one returned nonzero.
 *
 * Not done here: JSON Lines (jsonl.c), numbers' types or ranges, duplicate
 * keys, anything about values beyond their syntax.
 */
#include "gapscan/parser.h"

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "paths.h"

/* ---- the shadow lexer ---- */

enum { L_OUT, L_BARE, L_STR, L_ESC, L_HEX };

/* Where yajl is inside a number or literal: yajl ends one where its grammar
 * ends, even inside a run of bare bytes ("09" is 0 then 9, "truefalse" is
 * true then false), and the shadow lexer must see the same tokens. 0..4:
 * letters of a literal still to come; B_BAD: yajl stops with a lexical
 * error here, so what follows does not matter. */
enum { B_SIGN = -1, B_ZERO = -2, B_INT = -3, B_DOT = -4, B_FRAC = -5,
       B_EXP = -6, B_EXP_SIGN = -7, B_EXP_DIGIT = -8, B_BAD = -9,
       B_END = -10 };

static int bare_start(unsigned char c)
{
    switch (c) {
    case '-': return B_SIGN;
    case '0': return B_ZERO;
    case 't': case 'n': return 3;
    case 'f': return 4;
    default: return c >= '1' && c <= '9' ? B_INT : B_BAD;
    }
}

/* The state after c, or B_END when c starts a new token. */
static int bare_next(int b, unsigned char c)
{
    int digit = c >= '0' && c <= '9', e = c == 'e' || c == 'E';
    switch (b) {
    case B_SIGN: return c == '0' ? B_ZERO : digit ? B_INT : B_BAD;
    case B_ZERO: return c == '.' ? B_DOT : e ? B_EXP : B_END;
    case B_INT: return digit ? B_INT : c == '.' ? B_DOT : e ? B_EXP : B_END;
    case B_DOT: return digit ? B_FRAC : B_BAD;
    case B_FRAC: return digit ? B_FRAC : e ? B_EXP : B_END;
    case B_EXP: return c == '+' || c == '-' ? B_EXP_SIGN
                       : digit ? B_EXP_DIGIT : B_BAD;
    case B_EXP_SIGN: return digit ? B_EXP_DIGIT : B_BAD;
    case B_EXP_DIGIT: return digit ? B_EXP_DIGIT : B_END;
    case B_BAD: return B_BAD;
    default: return b > 0 ? b - 1 : B_END;
    }
}

typedef struct lexer {
    uint64_t off;               /* offset of the next byte */
    uint64_t line, line_off;    /* its line; where that line starts */
    uint64_t tok_off, tok_line, tok_col, tok_len; /* the latest token */
    size_t depth;               /* open arrays and objects */
    int state, hex;             /* L_*; \u digits still to come */
    int bare;                   /* in L_BARE: B_* or literal letters */
    int top_done;               /* the top-level value has ended */
    int seen;                   /* a non-blank byte was seen */
    unsigned char last;         /* the byte before off */
} lexer;

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Part of a number or literal: anything but blanks, '"' and punctuation. */
static int bare(unsigned char c)
{
    return c && !blank(c) && !strchr("{}[],:\"\v\f", c);
}

static void lex_byte(lexer *l, unsigned char c)
{
    int in_str = l->state >= L_STR;
    switch (l->state) {
    case L_STR:
        if (c == '\\') {
            l->state = L_ESC;
        } else if (c == '"') {
            l->state = L_OUT;
            l->top_done |= l->depth == 0;
        }
        break;
    case L_ESC:
        l->state = c == 'u' ? L_HEX : L_STR;
        l->hex = 4;
        break;
    case L_HEX:
        if (--l->hex == 0)
            l->state = L_STR;
        break;
    default:
        l->seen |= !blank(c);
        if (bare(c) && l->state == L_BARE &&
            (l->bare = bare_next(l->bare, c)) != B_END)
            break;
        if (bare(c) && l->state == L_BARE) {  /* a new token, same run */
            l->bare = bare_start(c);
            l->tok_off = l->off;
            l->tok_line = l->line;
            l->tok_col = l->off - l->line_off + 1;
            l->tok_len = 0;
            break;
        }
        if (l->state == L_BARE)
            l->top_done |= l->depth == 0;
        l->state = L_OUT;
        if (bare(c) || c == '"') {
            l->state = c == '"' ? L_STR : L_BARE;
            l->bare = bare_start(c);
            l->tok_off = l->off;
            l->tok_line = l->line;
            l->tok_col = l->off - l->line_off + 1;
            l->tok_len = 0;
        } else if (c == '[' || c == '{') {
            l->depth++;
        } else if ((c == ']' || c == '}') && l->depth) {
            l->top_done |= --l->depth == 0;
        }
    }
    if (in_str || l->state == L_STR || l->state == L_BARE)
        l->tok_len++;
    if (c == '\n') {
        l->line++;
        l->line_off = l->off + 1;
    }
    l->last = c;
    l->off++;
}

/* ---- the parser ---- */

enum { SKIP_NONE, SKIP_STR, SKIP_BARE, SKIP_CONTAINER };
enum { CUT_NONE, CUT_BLANK, CUT_TRAILING };

typedef struct frame {
    uint32_t node;  /* the container's own node */
    uint32_t next;  /* node of the value that comes next */
    int is_array, record;
} frame;

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;          /* first non-OK status; sticky */
    int done;              /* the parse is over: ignore further bytes */
    yajl_handle h;
    gs__paths *paths;

    lexer guard, pos;      /* ahead of yajl; behind it */
    uint64_t str_cap, bare_cap; /* raw token bytes yajl may hold */
    int skip;              /* SKIP_*: what the guard is skipping */
    int cut;               /* CUT_*: why the guard stopped */
    int cut_token;         /* yajl holds a token cut short */
    int skipped_open;      /* yajl is inside a skipped container */
    gs_buf fixed;          /* a string with its surrogates replaced */

    const unsigned char *seg; /* the piece of input being processed */
    uint64_t off;          /* its stream offset */
    int finishing;         /* inside yajl_complete_parse */

    frame *stack;          /* open containers, at most max_depth */
    size_t depth, stack_cap;
    int in_record;
    uint64_t rec;
    uint64_t taken;        /* 1 + offset of the last token yajl accepted */
};

/* ---- locations ---- */

/* Stream offset just past what yajl has consumed. */
static uint64_t yajl_end(gs_parser *p)
{
    return p->finishing ? p->off : p->off + yajl_get_bytes_consumed(p->h);
}

/* Location of stream offset at (not behind the position lexer, and inside
 * the current piece). */
static gs_loc loc_at(gs_parser *p, uint64_t at)
{
    while (p->pos.off < at)
        lex_byte(&p->pos, p->seg[p->pos.off - p->off]);
    if (at < p->pos.off)
        at = p->pos.off;
    return (gs_loc){.offset = at, .line = p->pos.line,
                    .col = at - p->pos.line_off + 1,
                    .record = p->in_record ? p->rec : 0};
}

/* Location of the token yajl has just read. */
static gs_loc token_loc(gs_parser *p)
{
    loc_at(p, yajl_end(p));
    p->taken = p->pos.tok_off + 1;
    return (gs_loc){.offset = p->pos.tok_off, .line = p->pos.tok_line,
                    .col = p->pos.tok_col,
                    .record = p->in_record ? p->rec : 0};
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
                  const gs_loc *loc)
{
    if (p->st != GS_OK)
        return 0;
    return check(p, p->sink->defect(p->sink->ud, code, detail, loc));
}

/* A defect that ends the parse; an open record ends with it. */
static void stop(gs_parser *p, const char *code, const char *detail,
                 gs_loc loc)
{
    p->done = 1;
    if (!defect(p, code, detail, &loc) || !p->in_record)
        return;
    p->in_record = 0;
    check(p, p->sink->record_end(p->sink->ud, &loc));
}

static int paths_done(gs_parser *p, gs_status st, const gs_loc *loc)
{
    if (st != GS_OK)
        return fail(p, st);
    if (gs__paths_overflowed(p->paths))
        return defect(p, "json.too_many_paths",
                      "more distinct paths than the limit; values not kept",
                      loc);
    return 1;
}

/* ---- yajl callbacks ---- */

/* yajl writes an unpaired low surrogate escape ("\udc00") as its 3-byte
 * encoding, which is not UTF-8 (an unpaired high one becomes '?'): such a
 * string goes on with U+FFFD (as long) in its place, and a defect. */
static int utf8_only(gs_parser *p, const char **s, size_t n,
                     const gs_loc *loc)
{
    const unsigned char *u = (const unsigned char *)*s;
    size_t i = 0;
    while (i + 3 <= n && !(u[i] == 0xED && u[i + 1] >= 0xA0))
        i++;
    if (i + 3 > n)
        return 1;
    p->fixed.len = 0;
    if (gs_buf_append(&p->fixed, *s, n) != GS_OK)
        return fail(p, GS_ENOMEM);
    for (u = (const unsigned char *)p->fixed.p; i + 3 <= n; i++)
        if (u[i] == 0xED && u[i + 1] >= 0xA0)
            memcpy(p->fixed.p + i, "\xEF\xBF\xBD", 3);
    *s = p->fixed.p;
    return defect(p, "json.lone_surrogate",
                  "UTF-16 surrogate without its pair; replaced by U+FFFD",
                  loc);
}

static int scalar(gs_parser *p, const char *s, size_t n, gs_value_kind kind)
{
    gs_loc loc = token_loc(p);
    uint32_t id = p->depth ? p->stack[p->depth - 1].next
                           : GS__JSON_PATH_DOLLAR;
    gs_field_id fid;
    if (p->cut_token || n > p->lim->max_field_bytes) {
        p->cut_token = 0;
        return defect(p, "json.field_too_large",
                      "value longer than the limit; dropped", &loc);
    }
    if (kind == GS_VK_STRING && !utf8_only(p, &s, n, &loc))
        return 0;
    if (!paths_done(p, gs__paths_field(p->paths, id, &fid), &loc))
        return 0;
    return check(p, p->sink->value(p->sink->ud, fid, s, n, kind, &loc));
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

static int on_key(void *ctx, const unsigned char *key, size_t n)
{
    gs_parser *p = ctx;
    gs_loc loc = token_loc(p);
    frame *f = &p->stack[p->depth - 1];
    f->next = GS__PATH_NONE;
    if (p->cut_token || n > p->lim->max_field_bytes) {
        p->cut_token = 0;
        return defect(p, "json.field_too_large",
                      "key longer than the limit; its values not kept", &loc);
    }
    const char *k = (const char *)key;
    if (!utf8_only(p, &k, n, &loc))
        return 0;
    return paths_done(p, gs__json_paths_key(p->paths, f->node, k, n, &f->next),
                      &loc);
}

static int open_container(gs_parser *p, int is_array)
{
    gs_loc loc = loc_at(p, yajl_end(p) - 1);
    if (p->depth >= p->lim->max_depth) {
        /* the guard is skipping its contents: yajl sees "[]" or "{}" */
        p->skipped_open = 1;
        return defect(p, "json.too_deep",
                      "nesting deeper than the limit; value skipped", &loc);
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
    frame *up = p->depth ? &p->stack[p->depth - 1] : NULL;
    frame *f = &p->stack[p->depth++];
    *f = (frame){.node = up ? up->next : GS__PATH_ROOT,
                 .next = GS__PATH_NONE, .is_array = is_array,
                 .record = !is_array && !p->in_record && up && up->is_array};
    if (f->record) {
        p->in_record = 1;
        loc.record = ++p->rec;
        if (!check(p, p->sink->record_begin(p->sink->ud, &loc)))
            return 0;
    }
    if (is_array)
        return paths_done(p, gs__json_paths_elem(p->paths, f->node, &f->next),
                          &loc);
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
    gs_parser *p = ctx;
    if (p->skipped_open) {
        p->skipped_open = 0;
        return 1;
    }
    if (!p->stack[--p->depth].record)
        return 1;
    gs_loc loc = loc_at(p, yajl_end(p) - 1);
    p->in_record = 0;
    return check(p, p->sink->record_end(p->sink->ud, &loc));
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

/* ---- the guard ---- */

/* How many of the n bytes at s yajl may see now. Stops after the opening
 * bracket of a too-deep container or before the rest of a too-long token
 * (p->skip says which), or before trailing data or a form feed or vertical
 * tab outside strings (p->cut says which). */
static size_t guard_feed(gs_parser *p, const unsigned char *s, size_t n)
{
    lexer *g = &p->guard;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (g->state <= L_BARE) {
            int ends_top = g->top_done ||
                           (g->state == L_BARE && !g->depth && !bare(c));
            if (c == '\v' || c == '\f') {
                p->cut = CUT_BLANK;
                return i;
            }
            if (ends_top && !blank(c)) {
                p->cut = CUT_TRAILING;
                return i;
            }
            if (g->state == L_BARE && bare(c) && g->tok_len >= p->bare_cap &&
                g->last >= '0' && g->last <= '9') {
                p->skip = SKIP_BARE;
                return i;
            }
        } else if (g->state == L_STR && c != '"' && g->tok_len >= p->str_cap &&
                   (c & 0xC0) != 0x80) {
            p->skip = SKIP_STR;
            return i;
        }
        lex_byte(g, c);
        if (g->state == L_OUT && (c == '[' || c == '{') &&
            g->depth > p->lim->max_depth) {
            p->skip = SKIP_CONTAINER;
            return i + 1;
        }
    }
    return n;
}

/* How many of the n bytes at s to keep from yajl: up to the byte that ends
 * what is skipped (the closing quote or bracket, or what follows a number),
 * which yajl sees. */
static size_t guard_skip(gs_parser *p, const unsigned char *s, size_t n)
{
    lexer *g = &p->guard;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        int end = p->skip == SKIP_STR       ? g->state == L_STR && c == '"'
                  : p->skip == SKIP_BARE    ? !bare(c)
                  : g->state <= L_BARE && (c == ']' || c == '}') &&
                    g->depth == p->lim->max_depth + 1;
        if (end) {
            p->skip = SKIP_NONE;
            return i;
        }
        lex_byte(g, c);
    }
    return n;
}

/* ---- feeding ---- */

/* yajl's error as a json.syntax defect at the offending byte (yajl stops
 * just past it, except for the lexical errors that back up to it) or, for
 * a grammar error, at the start of the offending token. */
static void syntax_error(gs_parser *p)
{
    char detail[128];
    unsigned char *msg = yajl_get_error(p->h, 0, NULL, 0);
    snprintf(detail, sizeof detail, "%s", msg ? (const char *)msg : "syntax");
    if (msg)
        yajl_free_error(p->h, msg);
    detail[strcspn(detail, "\r\n")] = '\0';
    uint64_t at = yajl_end(p);
    int lexical = strncmp(detail, "lexical", 7) == 0;
    int backed_up = lexical && !strstr(detail, "invalid char in json") &&
                    !strstr(detail, "invalid bytes in UTF8");
    gs_loc loc = loc_at(p, at);
    const lexer *l = &p->pos;
    gs_loc tok = {.offset = l->tok_off, .line = l->tok_line,
                  .col = l->tok_col, .record = loc.record};
    if (strstr(detail, "I expect ',' or '}'")) {
        /* The one grammar error after which yajl moves its offset back to
         * the start of the offending token, when that token lies wholly in
         * this piece; when it began in an earlier one, the offset is the
         * start of this piece, inside the token. The offending token is
         * the one yajl has not accepted. */
        if (l->tok_len && l->tok_off < at && l->tok_off + 1 != p->taken)
            loc = tok;
    } else if (!backed_up && !lexical && l->tok_off < at &&
               at <= l->tok_off + l->tok_len) {
        loc = tok;
    } else if (!backed_up && at > l->line_off) {
        loc = (gs_loc){.offset = at - 1, .line = l->line,
                       .col = at - l->line_off, .record = loc.record};
    }
    stop(p, "json.syntax", detail, loc);
}

/* Hand n bytes at s (stream offset p->off) to yajl. */
static void to_yajl(gs_parser *p, const unsigned char *s, size_t n)
{
    p->seg = s;
    yajl_status ys = yajl_parse(p->h, s, n);
    if (ys == yajl_status_error)
        syntax_error(p);
    else if (ys != yajl_status_ok)
        p->done = 1; /* a callback stopped it: p->st says why */
    if (!p->done)
        loc_at(p, p->off + n);
}

static gs_status json_feed(gs_parser *p, const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    while (len && p->st == GS_OK && !p->done) {
        size_t n;
        if (p->skip) {
            n = guard_skip(p, s, len);
            p->seg = s;
            loc_at(p, p->off + n);
        } else {
            p->cut = CUT_NONE;
            n = guard_feed(p, s, len);
            if (n)
                to_yajl(p, s, n);
            if (!p->done && (p->skip == SKIP_STR || p->skip == SKIP_BARE))
                p->cut_token = 1;
            if (!p->done && p->cut == CUT_BLANK)
                stop(p, "json.syntax",
                     "form feed or vertical tab outside a string",
                     loc_at(p, p->off + n));
            else if (!p->done && p->cut == CUT_TRAILING)
                stop(p, "json.trailing_data",
                     "more after the top-level value", loc_at(p, p->off + n));
        }
        p->off += n;
        s += n;
        len -= n;
    }
    return p->st;
}

static gs_status json_finish(gs_parser *p)
{
    if (p->st != GS_OK || p->done)
        return p->st;
    p->finishing = 1;
    gs_loc end = loc_at(p, p->off);
    if (!p->guard.seen) {
        stop(p, "json.empty", "no JSON value", end);
        return p->st;
    }
    yajl_status ys = yajl_complete_parse(p->h);
    if (ys == yajl_status_error)
        stop(p, "json.truncated", "the input ends inside a value", end);
    return p->st;
}

static void json_close(gs_parser *p)
{
    if (!p)
        return;
    if (p->h)
        yajl_free(p->h);
    gs_free(p->stack);
    gs_free(p->fixed.p);
    gs__paths_free(p->paths);
    gs_free(p);
}

static gs_status json_open(const gs_limits *lim, const gs_sink *sink,
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
    p->guard.line = p->pos.line = 1;
    p->bare_cap = (uint64_t)lim->max_field_bytes + 1;
    p->str_cap = lim->max_field_bytes > UINT64_MAX / 8
                     ? UINT64_MAX
                     : 6 * (uint64_t)lim->max_field_bytes + 2;
    if ((st = gs__json_paths_new(lim, sink, &p->paths)) != GS_OK)
        goto fail;
    st = GS_ENOMEM;
    /* yajl's own allocator, not gs_malloc: yajl 2.1 writes through what its
     * allocator returns without checking it (yajl_alloc, yajl_buf, the
     * state stack), so a failure there cannot be made a status. */
    p->h = yajl_alloc(&callbacks, NULL, p);
    if (!p->h)
        goto fail;
    *out = p;
    return GS_OK;
fail:
    json_close(p);
    return st;
}

const gs_parser_type gs_json_parser_type = {
    .name = "json", .format = GS_FMT_JSON, .open = json_open,
    .feed = json_feed, .finish = json_finish, .close = json_close,
};

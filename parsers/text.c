/* text.c - plain text and Markdown: one record per document, counted.
 *
 * A document is one record. Its fields (events.h):
 *   doc.lines         lines: '\n'-terminated, plus an unterminated last one;
 *   doc.paragraphs    runs of non-blank lines (a blank line holds only
 *                     space, tab, CR, FF, VT), front matter excluded,
 *                     headings and code lines included;
 *   doc.length_chars  visible characters (below);
 *   doc.headings      Markdown only: ATX ("#".."######") and setext
 *                     ("===" / "---" under a paragraph line) headings;
 *   doc.title         Markdown only: the front matter's top-level "title"
 *                     scalar, else the text of the first level-1 heading;
 *   doc.meta.<key>    YAML front matter scalars (GS_VK_TEXT), keys joined
 *                     by '.', sequence items "[]", a non-scalar key "?".
 * Counts are GS_VK_NUMBER decimals sent in finish(); title and meta values
 * are sent as soon as they are known, at their own line and column.
 *
 * Visible characters (Unicode code points, i.e. UTF-8 lead bytes): each
 * line contributes what lies between its first and last non-blank
 * character, line terminators never count. In Markdown this is measured
 * after removing: front matter; fence lines (``` or ~~~, 3+, with their
 * info string) but not the code between them; ATX markers (indent, '#'s,
 * the blanks after them, an optional closing '#' run); setext underlines
 * and "---" thematic breaks; runs of '*' or '_' (emphasis) unless blank on
 * both sides, or for '_' a letter or digit on both sides (snake_case);
 * the "[", "![" and "](url ...)" of an inline link or image (its text
 * stays); HTML comments "<!-- ... -->". Everything else (list and quote
 * markers, HTML tags, code spans, backslash escapes) counts as written.
 * This is a measure, not a Markdown renderer: no Markdown library fits
 * the project's dependencies and a bounded stream (cmark and md4c hold
 * the whole document), so the rules above are applied per line, with one
 * byte of look-ahead, and links close on their own line.
 *
 * Front matter: a first line "---" (trailing blanks allowed) opens it, a
 * later "---" or "..." line closes it. The block is buffered up to
 * min(max_field_bytes, 64 KiB) bytes, then parsed with libyaml's event API.
 * Past the bound ("yaml.front_matter_too_large") or unclosed at the end
 * ("yaml.front_matter_unclosed") it is read as ordinary text instead.
 * libyaml's event API never expands aliases (an alias is one event naming
 * its anchor); an alias is skipped here, so a "billion laughs" costs what
 * its bytes cost. A syntax error is "yaml.syntax" at libyaml's problem
 * mark; values already sent stay, the body is counted as usual.
 *
 * Invariants:
 *   1. Events depend only on the bytes: every decision is taken at a fixed
 *      byte (a one-byte look-ahead is kept as state), a front matter given
 *      up is replayed through the same body machine, and the fast path for
 *      runs of plain bytes (plain_run) counts exactly as vis() would.
 *   2. Bounded memory: a line is never buffered, only counted; the front
 *      matter buffer, the title buffer (max_field_bytes) and the YAML path
 *      stack (max_depth) have maxima. libyaml allocates through malloc (it
 *      has no allocator hook), bounded by the front matter's size.
 *   3. One record: record_begin before the first event, record_end last.
 *   4. Sink callbacks are never called after one returned nonzero.
 *
 * Not done here: HTML (html.c), line-ending or encoding findings (decode
 * stage), dates in prose, anything about the values beyond the syntax.
 */
#include "gapscan/parser.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#define FM_MAX ((size_t)64 * 1024) /* front matter, opening to closing line */
#define FM_LINE1_MAX 64            /* the opening line, trailing blanks too */
#define MAX_BRACKETS 16            /* open '[' per line kept for links */
#define META "doc.meta"

/* What the start of a Markdown line has turned out to be. */
enum line_state {
    LS_INDENT,    /* up to 3 spaces so far */
    LS_ATX,       /* indent, then '#'s (run_len of them) */
    LS_ATX_GAP,   /* a heading's markers, then blanks before its text */
    LS_RUN,       /* indent, then a run of '=', '-', '`' or '~' */
    LS_RUN_TRAIL, /* that run, then blanks */
    LS_INLINE,    /* paragraph or heading text */
    LS_CODE,      /* a line inside a fenced block: verbatim */
    LS_SKIP,      /* an opening fence's info string: not counted */
};

enum char_class { CL_BLANK, CL_PUNCT, CL_WORD };

/* The end of the current line not yet counted: blanks, and in a heading
 * a possible closing '#' run. Layout: keep, ws_before, hash_len, tail_ws. */
typedef struct tail {
    uint64_t chars;    /* visible characters counted so far */
    uint64_t keep;     /* pending characters that will count */
    uint64_t ws_before, hash_len, tail_ws;
    int attached;      /* the '#' run touches text: not a closing run */
    int started;       /* a non-blank visible character on this line */
    uint64_t cap_len;  /* title bytes captured so far, kept or not */
} tail;

typedef struct bracket {
    uint64_t cap_pos; /* capture position of its '[' (or the '!' of "![") */
    int bang;
} bracket;

struct gs_parser {
    const gs_limits *lim;
    const gs_sink *sink;
    gs_status st;            /* first non-OK status; sticky */
    int md;                  /* Markdown rules apply */
    int in_record;
    gs_loc rloc;

    /* front matter */
    int in_fm;               /* still deciding / buffering it */
    gs_buf fm;               /* its bytes from offset 0 */
    size_t fm_max;
    size_t fm_content;       /* where the YAML starts: after line 1 */
    size_t fm_line_start, fm_lines;

    /* the body: position and counts */
    uint64_t offset, line, line_off;
    uint64_t lines, paragraphs, headings;
    int cr;                  /* a '\r' waits for the next byte */
    int nonblank, prev_nonblank;
    tail t;

    /* Markdown line state */
    enum line_state ls;
    unsigned indent;
    unsigned char run_char;
    uint64_t run_len, trail;
    int heading, level, prev_para;
    int in_fence;
    unsigned char fence_char;
    uint64_t fence_len;

    /* Markdown inline state */
    enum char_class prev_class;
    unsigned char prev_char;
    unsigned char em_char;
    uint64_t em_len;
    enum char_class em_before;
    bracket br[MAX_BRACKETS];
    size_t nbr;
    int after_close;         /* a ']' waits to see whether '(' follows */
    bracket closed;          /* the '[' that this ']' closed */
    uint64_t url_depth;      /* inside "(...)" of a link: not counted */
    int lt;                  /* progress through "<!--" (0..3) */
    tail lt_snap;            /* the count before its '<' */
    int in_comment;
    unsigned comment_dashes;

    /* the title: captured visible text of a heading or paragraph */
    int title_done, capturing, cap_over;
    gs_buf cap;              /* at most max_field_bytes */
    uint64_t para_line, para_off;

    gs_buf path;             /* scratch for YAML paths */
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

static int begin_record(gs_parser *p)
{
    if (p->in_record)
        return p->st == GS_OK;
    p->in_record = 1;
    p->rloc = (gs_loc){.offset = 0, .line = 1, .col = 0, .record = 1};
    if (p->st != GS_OK)
        return 0;
    return check(p, p->sink->record_begin(p->sink->ud, &p->rloc));
}

static int defect(gs_parser *p, const char *code, const char *detail,
                  gs_loc loc)
{
    if (!begin_record(p))
        return 0;
    loc.record = 1;
    return check(p, p->sink->defect(p->sink->ud, code, detail, &loc));
}

static int value(gs_parser *p, const char *path, size_t plen, const char *s,
                 size_t n, gs_value_kind kind, gs_loc loc)
{
    if (!begin_record(p))
        return 0;
    gs_field_id fid = p->sink->field(p->sink->ud, path, plen);
    loc.record = 1;
    return check(p, p->sink->value(p->sink->ud, fid, s, n, kind, &loc));
}

static int count(gs_parser *p, const char *path, uint64_t n)
{
    char num[24];
    int len = snprintf(num, sizeof num, "%llu", (unsigned long long)n);
    return value(p, path, strlen(path), num, (size_t)len, GS_VK_NUMBER,
                 p->rloc);
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static enum char_class class_of(unsigned char c)
{
    if (is_blank(c))
        return CL_BLANK;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z') || c >= 0x80)
        return CL_WORD;
    return CL_PUNCT;
}

/* ---- the title capture ---- */

static void cap_reset(gs_parser *p)
{
    p->cap.len = 0;
    p->t.cap_len = 0;
    p->cap_over = 0;
}

/* Capture n bytes of visible text (up to max_field_bytes are kept). */
static void cap_add(gs_parser *p, const char *s, size_t n)
{
    if (!p->capturing)
        return;
    size_t room = p->lim->max_field_bytes - p->cap.len;
    size_t take = n < room ? n : room;
    p->cap_over |= take < n;
    p->t.cap_len += n;
    if (take && gs_buf_append(&p->cap, s, take) != GS_OK)
        fail(p, GS_ENOMEM);
}

static void cap_put(gs_parser *p, unsigned char c)
{
    cap_add(p, (const char *)&c, 1);
}

/* Forget the last n captured bytes (all ASCII: blanks and '#'s). */
static void cap_drop(gs_parser *p, uint64_t n)
{
    if (!p->capturing)
        return;
    p->t.cap_len -= n;
    if (p->cap.len > p->t.cap_len)
        p->cap.len = (size_t)p->t.cap_len;
}

/* Remove n captured bytes at logical position pos. */
static void cap_cut(gs_parser *p, uint64_t pos, size_t n)
{
    if (!p->capturing)
        return;
    if (pos + n <= p->cap.len) {
        memmove(p->cap.p + pos, p->cap.p + pos + n, p->cap.len - pos - n);
        p->cap.len -= n;
    } else if (pos < p->cap.len) {
        p->cap.len = (size_t)pos;
    }
    p->t.cap_len -= n;
}

static void emit_title(gs_parser *p, uint64_t line, uint64_t off)
{
    gs_loc loc = {.offset = off, .line = line, .col = 1};
    p->title_done = 1;
    if (p->cap_over)
        defect(p, "markdown.title_too_long",
               "title longer than the limit; not kept", loc);
    else
        value(p, "doc.title", 9, p->cap.p ? p->cap.p : "", p->cap.len,
              GS_VK_TEXT, loc);
}

/* ---- visible characters ---- */

/* One byte of visible text: counted, unless it may turn out to be trailing
 * blanks or a heading's closing '#' run (see struct tail). */
static void vis(gs_parser *p, unsigned char c)
{
    tail *t = &p->t;
    if (is_blank(c)) {
        if (!t->started)
            return;
        t->tail_ws++;
    } else if (c == '#' && p->heading) {
        if (t->hash_len && !t->tail_ws) {
            t->hash_len++;
        } else {
            t->keep += t->ws_before + t->hash_len;
            t->ws_before = t->tail_ws;
            t->tail_ws = 0;
            t->hash_len = 1;
            t->attached = t->ws_before == 0 && t->started;
        }
        t->started = 1;
    } else {
        t->chars += t->keep + t->ws_before + t->hash_len + t->tail_ws;
        t->keep = t->ws_before = t->hash_len = t->tail_ws = 0;
        t->started = 1;
        t->chars += (c & 0xC0) != 0x80;
    }
    cap_put(p, c);
}

/* End of line: pending characters count, but trailing blanks and a closing
 * '#' run do not. */
static void tail_close(gs_parser *p)
{
    tail *t = &p->t;
    uint64_t drop = t->tail_ws;
    if (t->hash_len && !t->attached)
        drop += t->ws_before + t->hash_len;
    else
        t->keep += t->ws_before + t->hash_len;
    t->chars += t->keep;
    cap_drop(p, drop);
    t->keep = t->ws_before = t->hash_len = t->tail_ws = 0;
    t->attached = t->started = 0;
}

/* ---- Markdown inline markup ---- */

static void em_resolve(gs_parser *p, enum char_class after)
{
    enum char_class before = p->em_before;
    int literal = (before == CL_BLANK && after == CL_BLANK) ||
                  (p->em_char == '_' && before == CL_WORD &&
                   after == CL_WORD);
    for (uint64_t i = 0; literal && i < p->em_len; i++)
        vis(p, p->em_char);
    p->em_len = 0;
    p->prev_class = CL_PUNCT;
}

static void comment_scan(gs_parser *p, unsigned char c)
{
    if (c == '>' && p->comment_dashes >= 2)
        p->in_comment = 0;
    p->comment_dashes = c == '-' ? p->comment_dashes + 1 : 0;
}

/* A '[' whose "](" arrived: the '[' (and the '!' of an image) go. */
static void link_formed(gs_parser *p)
{
    size_t n = p->closed.bang ? 2 : 1;
    p->t.chars -= n;
    cap_cut(p, p->closed.cap_pos, n);
    p->url_depth = 1;
}

static void inl(gs_parser *p, unsigned char c)
{
    if (p->in_comment) {
        comment_scan(p, c);
        return;
    }
    if (p->url_depth) {
        p->url_depth += c == '(';
        p->url_depth -= c == ')';
        p->prev_class = CL_PUNCT;
        return;
    }
    if (p->after_close) {
        p->after_close = 0;
        if (c == '(') {
            link_formed(p);
            return;
        }
        vis(p, ']');
    }
    if (p->em_len) {
        if (c == p->em_char) {
            p->em_len++;
            return;
        }
        em_resolve(p, class_of(c));
    }
    if (c == '*' || c == '_') {
        p->em_char = c;
        p->em_len = 1;
        p->em_before = p->prev_class;
        return;
    }
    if (c == ']' && p->nbr) {
        p->closed = p->br[--p->nbr];
        p->after_close = 1;
        p->prev_class = CL_PUNCT;
        p->prev_char = c;
        return;
    }
    if (c == '<')
        p->lt_snap = p->t;
    if (c == '[' && p->nbr < MAX_BRACKETS) {
        int bang = p->prev_char == '!';
        p->br[p->nbr++] = (bracket){.cap_pos = p->t.cap_len - (bang ? 1 : 0),
                                    .bang = bang};
    }
    vis(p, c);
    if (c == '<') {
        p->lt = 1;
    } else if (c == '!' && p->lt == 1) {
        p->lt = 2;
    } else if (c == '-' && p->lt >= 2) {
        if (++p->lt == 4) { /* "<!--": as if it had never been counted */
            uint64_t cap_len = p->t.cap_len;
            p->t = p->lt_snap;
            p->t.cap_len = cap_len;
            cap_drop(p, cap_len - p->lt_snap.cap_len);
            p->lt = 0;
            p->in_comment = 1;
            p->comment_dashes = 0;
        }
    } else {
        p->lt = 0;
    }
    p->prev_class = class_of(c);
    p->prev_char = c;
}

/* ---- Markdown lines ---- */

/* The line is paragraph (or heading) text from here on. */
static void enter_inline(gs_parser *p)
{
    p->ls = LS_INLINE;
    if (p->title_done || p->heading)
        return;
    p->capturing = 1;
    if (p->prev_para) {
        cap_put(p, ' '); /* a setext heading's lines join with a space */
    } else {
        cap_reset(p);
        p->para_line = p->line;
        p->para_off = p->line_off;
    }
}

static void start_heading(gs_parser *p, int level)
{
    p->heading = 1;
    p->level = level;
    p->headings++;
    p->capturing = level == 1 && !p->title_done;
    if (p->capturing)
        cap_reset(p);
}

/* The line's start was not what it looked like: its run counts as text
 * (code inside a fence), then c (0 at the end of the line). */
static void run_fail(gs_parser *p, unsigned char c)
{
    void (*to)(gs_parser *, unsigned char) = p->in_fence ? vis : inl;
    if (p->in_fence)
        p->ls = LS_CODE;
    else
        enter_inline(p);
    for (uint64_t i = 0; i < p->run_len; i++)
        to(p, p->run_char);
    for (uint64_t i = 0; i < p->trail; i++)
        to(p, ' ');
    if (c)
        to(p, c);
}

static void open_fence(gs_parser *p)
{
    p->in_fence = 1;
    p->fence_char = p->run_char;
    p->fence_len = p->run_len;
    p->ls = LS_SKIP;
}

static void md_byte(gs_parser *p, unsigned char c)
{
    switch (p->ls) {
    case LS_INDENT:
        if (p->in_comment) {
            enter_inline(p);
            inl(p, c);
        } else if (c == ' ' && p->indent < 3) {
            p->indent++;
        } else if (p->in_fence) {
            p->run_char = c;
            p->run_len = c == p->fence_char;
            if (p->run_len) {
                p->ls = LS_RUN;
            } else {
                p->ls = LS_CODE;
                vis(p, c);
            }
        } else if (c == '#' || c == '=' || c == '-' || c == '`' || c == '~') {
            p->ls = c == '#' ? LS_ATX : LS_RUN;
            p->run_char = c;
            p->run_len = 1;
        } else {
            enter_inline(p);
            inl(p, c);
        }
        return;
    case LS_ATX:
        if (c == '#')
            p->run_len++;
        else if (is_blank(c) && p->run_len <= 6)
            p->ls = LS_ATX_GAP, start_heading(p, (int)p->run_len);
        else
            run_fail(p, c);
        return;
    case LS_ATX_GAP:
        if (!is_blank(c))
            p->ls = LS_INLINE, inl(p, c);
        return;
    case LS_RUN:
        if (c == p->run_char) {
            p->run_len++;
        } else if (!p->in_fence && (p->run_char == '`' || p->run_char == '~')) {
            if (p->run_len >= 3)
                open_fence(p);
            else
                run_fail(p, c);
        } else if (is_blank(c) && (!p->in_fence || p->run_len >= p->fence_len)) {
            p->ls = LS_RUN_TRAIL;
            p->trail = 1;
        } else {
            run_fail(p, c);
        }
        return;
    case LS_RUN_TRAIL:
        if (is_blank(c))
            p->trail++;
        else
            run_fail(p, c);
        return;
    case LS_INLINE:
        inl(p, c);
        return;
    case LS_CODE:
        vis(p, c);
        return;
    case LS_SKIP:
        return;
    }
}

/* End of a Markdown line: decide what its start was, then close it. */
static void md_eol(gs_parser *p)
{
    int setext1 = 0;
    if (p->ls == LS_ATX) {
        if (p->run_len <= 6)
            start_heading(p, (int)p->run_len);
        else
            run_fail(p, 0);
    } else if (p->ls == LS_RUN || p->ls == LS_RUN_TRAIL) {
        int fence = p->run_char == '`' || p->run_char == '~';
        if (p->in_fence) {
            if (p->run_len >= p->fence_len)
                p->in_fence = 0; /* the closing fence */
            else
                run_fail(p, 0);
        } else if (fence) {
            if (p->run_len >= 3)
                open_fence(p);
            else
                run_fail(p, 0);
        } else if (p->prev_para) {
            p->headings++; /* a setext underline */
            setext1 = p->run_char == '=';
        } else if (!(p->run_char == '-' && p->run_len >= 3)) {
            run_fail(p, 0); /* not a thematic break either: text */
        }
    }
    if (p->after_close) {
        p->after_close = 0;
        vis(p, ']');
    }
    if (p->em_len)
        em_resolve(p, CL_BLANK);
    int para = p->ls == LS_INLINE && !p->heading && p->t.started;
    tail_close(p);
    if (p->heading && p->level == 1 && !p->title_done)
        emit_title(p, p->line, p->line_off);
    else if (setext1 && !p->title_done)
        emit_title(p, p->para_line, p->para_off);
    p->prev_para = para;
    p->capturing = 0;
    p->ls = LS_INDENT;
    p->indent = 0;
    p->run_len = p->trail = 0;
    p->heading = p->level = 0;
    p->prev_class = CL_BLANK;
    p->prev_char = 0;
    p->nbr = 0;
    p->url_depth = 0;
    p->lt = 0;
    p->comment_dashes = 0;
}

/* ---- the body ---- */

static void body_byte(gs_parser *p, unsigned char c)
{
    p->nonblank |= !is_blank(c);
    if (p->md)
        md_byte(p, c);
    else
        vis(p, c);
}

static void body_eol(gs_parser *p)
{
    if (p->md)
        md_eol(p);
    else
        tail_close(p);
    if (p->nonblank && !p->prev_nonblank)
        p->paragraphs++;
    p->prev_nonblank = p->nonblank;
    p->nonblank = 0;
    p->lines++;
    p->line++;
    p->line_off = p->offset;
}

/* A byte that vis() would simply count: not blank, no line break and, in
 * Markdown text, no character that may start or end markup. */
static int plain_byte(unsigned char c, int markup)
{
    if (c <= ' ')
        return !is_blank(c) && c != '\n';
    return !markup || (c != '*' && c != '_' && c != '[' && c != ']' &&
                       c != '<' && c != '!' && c != '#');
}

/* The fast path: a run of plain bytes, spaces and tabs where no state
 * machine waits for a particular character; the same result as one vis()
 * per byte. Returns the run's length (0: take the slow path). */
static size_t plain_run(gs_parser *p, const char *buf, size_t len)
{
    int markup = p->md && p->ls == LS_INLINE;
    if (p->cr || (p->md && p->ls != LS_CODE && !markup) ||
        (markup && (p->in_comment || p->url_depth || p->after_close ||
                    p->em_len || p->lt)))
        return 0;
    tail *t = &p->t;
    size_t n = 0;
    while (!t->started && n < len && (buf[n] == ' ' || buf[n] == '\t'))
        n++; /* leading blanks: not visible */
    size_t from = n;
    uint64_t chars = 0, ws = 0;
    int flushed = 0;
    for (; n < len; n++) {
        unsigned char c = (unsigned char)buf[n];
        if (c == ' ' || c == '\t') {
            ws++;
            continue;
        }
        if (!plain_byte(c, markup))
            break;
        if (!flushed) {
            chars += t->keep + t->ws_before + t->hash_len + t->tail_ws;
            t->keep = t->ws_before = t->hash_len = t->tail_ws = 0;
            flushed = 1;
        }
        chars += ws + ((c & 0xC0) != 0x80);
        ws = 0;
    }
    if (!n)
        return 0;
    t->chars += chars;
    t->tail_ws += ws;
    t->started |= flushed;
    p->nonblank |= flushed;
    cap_add(p, buf + from, n - from);
    p->offset += n;
    p->prev_class = class_of((unsigned char)buf[n - 1]);
    p->prev_char = (unsigned char)buf[n - 1];
    return n;
}

static void body_feed(gs_parser *p, const char *buf, size_t len)
{
    for (size_t i = 0; i < len && p->st == GS_OK; i++) {
        size_t run = plain_run(p, buf + i, len - i);
        if (run) {
            i += run - 1;
            continue;
        }
        unsigned char c = (unsigned char)buf[i];
        if (p->cr) {
            p->cr = 0;
            if (c != '\n')
                body_byte(p, '\r'); /* a lone CR is a blank, not a break */
        }
        p->offset++;
        if (c == '\r')
            p->cr = 1;
        else if (c == '\n')
            body_eol(p);
        else
            body_byte(p, c);
    }
}

/* ---- YAML front matter ---- */

/* Where libyaml's marks point: it counts characters, gs_loc counts bytes. */
typedef struct ycursor {
    const char *s;
    size_t n;
    size_t ci, bi;        /* character index, byte index */
    uint64_t line;        /* '\n's before bi */
    size_t line_start;
    uint64_t base_off, base_line;
} ycursor;

static void yc_step(ycursor *y)
{
    unsigned char c = (unsigned char)y->s[y->bi];
    size_t w = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (c == '\n') {
        y->line++;
        y->line_start = y->bi + 1;
    }
    y->bi = y->bi + w < y->n ? y->bi + w : y->n;
    y->ci++;
}

static void yc_rewind_if(ycursor *y, int back)
{
    if (back) {
        y->ci = y->bi = y->line_start = 0;
        y->line = 0;
    }
}

static gs_loc yc_loc(const ycursor *y)
{
    return (gs_loc){.offset = y->base_off + y->bi,
                    .line = y->base_line + y->line,
                    .col = y->bi - y->line_start + 1};
}

static gs_loc yc_at_char(ycursor *y, size_t index)
{
    yc_rewind_if(y, index < y->ci);
    while (y->ci < index && y->bi < y->n)
        yc_step(y);
    return yc_loc(y);
}

static gs_loc yc_at_byte(ycursor *y, size_t off)
{
    yc_rewind_if(y, off < y->bi);
    while (y->bi < off && y->bi < y->n)
        yc_step(y);
    return yc_loc(y);
}

typedef struct yframe {
    size_t base;   /* path length of the container itself */
    int map;
    int want_key;
} yframe;

typedef struct ywalk {
    yframe *stack;
    size_t depth, cap;
    uint64_t skip;  /* open containers of a node being skipped */
    int deep_told;
} ywalk;

static int path_add(gs_parser *p, const char *s, size_t n)
{
    gs_status st = gs_buf_append(&p->path, s, n);
    return st == GS_OK ? 1 : fail(p, st);
}

/* A node (key or value) of the innermost mapping is complete. */
static void node_done(ywalk *w)
{
    if (w->depth && w->stack[w->depth - 1].map)
        w->stack[w->depth - 1].want_key ^= 1;
}

static int y_push(gs_parser *p, ywalk *w, int map, gs_loc loc)
{
    if (w->depth >= p->lim->max_depth) {
        w->skip = 1;
        if (w->deep_told)
            return 1;
        w->deep_told = 1;
        return defect(p, "yaml.too_deep", "nesting deeper than the limit",
                      loc);
    }
    if (w->depth == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        yframe *ns = gs_realloc(w->stack, cap * sizeof *ns);
        if (!ns)
            return fail(p, GS_ENOMEM);
        w->stack = ns;
        w->cap = cap;
    }
    w->stack[w->depth++] = (yframe){.base = p->path.len, .map = map,
                                    .want_key = 1};
    return map ? 1 : path_add(p, "[]", 2);
}

/* One event; returns 0 to stop. */
static int y_event(gs_parser *p, ywalk *w, ycursor *y, const yaml_event_t *e)
{
    int start = e->type == YAML_SEQUENCE_START_EVENT ||
                e->type == YAML_MAPPING_START_EVENT;
    int node = start || e->type == YAML_SCALAR_EVENT ||
               e->type == YAML_ALIAS_EVENT;
    if (w->skip) {
        if (start)
            w->skip++;
        else if ((e->type == YAML_SEQUENCE_END_EVENT ||
                  e->type == YAML_MAPPING_END_EVENT) && --w->skip == 0)
            node_done(w);
        return 1;
    }
    if (!node) {
        if ((e->type != YAML_SEQUENCE_END_EVENT &&
             e->type != YAML_MAPPING_END_EVENT) || !w->depth)
            return 1;
        p->path.len = w->stack[--w->depth].base;
        node_done(w);
        return 1;
    }
    gs_loc loc = yc_at_char(y, e->start_mark.index);
    yframe *top = w->depth ? &w->stack[w->depth - 1] : NULL;
    if (top && top->map && top->want_key) {
        p->path.len = top->base;
        int ok = e->type == YAML_SCALAR_EVENT
                     ? path_add(p, ".", 1) &&
                           path_add(p, (const char *)e->data.scalar.value,
                                    e->data.scalar.length)
                     : path_add(p, ".?", 2);
        if (start)
            w->skip = 1;
        else
            node_done(w);
        return ok;
    }
    if (start)
        return y_push(p, w, e->type == YAML_MAPPING_START_EVENT, loc);
    node_done(w);
    if (e->type == YAML_ALIAS_EVENT)
        return 1; /* never expanded: its anchor's values were sent once */
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    if (!value(p, p->path.p, p->path.len, s, n, GS_VK_TEXT, loc))
        return 0;
    if (p->md && !p->title_done && p->path.len == strlen(META ".title") &&
        memcmp(p->path.p, META ".title", p->path.len) == 0) {
        p->title_done = 1;
        return value(p, "doc.title", 9, s, n, GS_VK_TEXT, loc);
    }
    return 1;
}

static void y_syntax(gs_parser *p, const yaml_parser_t *yp, ycursor *y)
{
    char detail[160];
    gs_loc loc = yp->error == YAML_READER_ERROR
                     ? yc_at_byte(y, yp->problem_offset)
                     : yc_at_char(y, yp->problem_mark.index);
    snprintf(detail, sizeof detail, "%s%s%s",
             yp->problem ? yp->problem : "invalid YAML",
             yp->context ? " " : "", yp->context ? yp->context : "");
    defect(p, "yaml.syntax", detail, loc);
}

/* Parse the front matter's YAML (s, n), which starts at base_off on line
 * base_line, into doc.meta.* values. */
static void fm_yaml(gs_parser *p, const char *s, size_t n, uint64_t base_off,
                    uint64_t base_line)
{
    yaml_parser_t yp;
    yaml_event_t e;
    ywalk w = {0};
    ycursor y = {.s = s, .n = n, .base_off = base_off, .base_line = base_line};
    if (!yaml_parser_initialize(&yp)) {
        fail(p, GS_ENOMEM);
        return;
    }
    yaml_parser_set_input_string(&yp, (const unsigned char *)s, n);
    yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
    p->path.len = 0;
    if (path_add(p, META, sizeof META - 1)) {
        for (;;) {
            if (!yaml_parser_parse(&yp, &e)) {
                if (yp.error == YAML_MEMORY_ERROR)
                    fail(p, GS_ENOMEM);
                else
                    y_syntax(p, &yp, &y);
                break;
            }
            int more = e.type != YAML_STREAM_END_EVENT &&
                       y_event(p, &w, &y, &e);
            yaml_event_delete(&e);
            if (!more)
                break;
        }
    }
    gs_free(w.stack);
    yaml_parser_delete(&yp);
}

/* Is the opening line so far, the bytes in p->fm (which passed) and then
 * s (n bytes, '\n' excluded), still "---" with trailing blanks? complete:
 * the line has ended. Judged before the front matter's size bound, so a
 * long first line is ordinary text in any chunking. */
static int opening_ok(const gs_parser *p, const char *s, size_t n,
                      int complete)
{
    size_t have = p->fm.len;
    if (have + n > FM_LINE1_MAX || (complete && have + n < 3))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (have + i < 3 ? c != '-' : !is_blank(c))
            return 0;
    }
    return 1;
}

static int closing_line(const char *s, size_t n)
{
    while (n && is_blank((unsigned char)s[n - 1]))
        n--;
    return n == 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0);
}

static void fm_release(gs_parser *p)
{
    gs_free(p->fm.p);
    p->fm = (gs_buf){0};
    p->in_fm = 0;
}

/* Not front matter after all: report why (code may be NULL) and read the
 * buffered bytes as text. */
static void fm_abandon(gs_parser *p, const char *code, const char *detail)
{
    gs_buf fm = p->fm;
    p->fm = (gs_buf){0};
    p->in_fm = 0;
    if (code)
        defect(p, code, detail, (gs_loc){.line = 1, .col = 1});
    body_feed(p, fm.p, fm.len);
    gs_free(fm.p);
}

/* The closing line is complete: the YAML between the opening line and it
 * becomes doc.meta.*, and the body starts after it. */
static void fm_close(gs_parser *p)
{
    fm_yaml(p, p->fm.p + p->fm_content, p->fm_line_start - p->fm_content,
            p->fm_content, 2);
    p->lines = p->fm_lines + 1;
    p->line = p->lines + 1;
    p->offset = p->line_off = p->fm.len;
    fm_release(p);
}

/* Take bytes into the front matter; returns how many were taken (the rest
 * belongs to the body). */
static size_t fm_feed(gs_parser *p, const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    size_t take = nl ? (size_t)(nl - s) + 1 : n;
    if (p->fm_lines == 0 &&
        !opening_ok(p, s, take - (nl != NULL), nl != NULL)) {
        fm_abandon(p, NULL, NULL);
        return 0;
    }
    if (p->fm.len + take > p->fm_max) {
        char detail[96];
        snprintf(detail, sizeof detail,
                 "front matter longer than %zu bytes; read as text",
                 p->fm_max);
        fm_abandon(p, "yaml.front_matter_too_large", detail);
        return 0;
    }
    gs_status st = gs_buf_append(&p->fm, s, take);
    if (st != GS_OK) {
        fail(p, st);
        return n;
    }
    const char *line = p->fm.p + p->fm_line_start;
    size_t len = p->fm.len - p->fm_line_start - (nl != NULL);
    if (!nl)
        return take;
    if (p->fm_lines > 0 && closing_line(line, len)) {
        fm_close(p);
        return take;
    }
    if (p->fm_lines++ == 0)
        p->fm_content = p->fm.len;
    p->fm_line_start = p->fm.len;
    return take;
}

/* ---- the vtable ---- */

static gs_status text_feed(gs_parser *p, const char *buf, size_t len)
{
    while (len && p->in_fm && p->st == GS_OK) {
        size_t used = fm_feed(p, buf, len);
        buf += used;
        len -= used;
    }
    if (len && p->st == GS_OK)
        body_feed(p, buf, len);
    return p->st;
}

static gs_status text_finish(gs_parser *p)
{
    if (p->st != GS_OK || !begin_record(p))
        return p->st;
    if (p->in_fm)
        fm_abandon(p, p->fm_lines ? "yaml.front_matter_unclosed" : NULL,
                   "no closing \"---\" line; read as text");
    if (p->cr && p->st == GS_OK) {
        p->cr = 0;
        body_byte(p, '\r');
    }
    if (p->offset > p->line_off && p->st == GS_OK)
        body_eol(p);
    if (p->st == GS_OK && count(p, "doc.lines", p->lines) &&
        count(p, "doc.paragraphs", p->paragraphs) &&
        count(p, "doc.length_chars", p->t.chars) &&
        (!p->md || count(p, "doc.headings", p->headings)))
        check(p, p->sink->record_end(p->sink->ud, &p->rloc));
    return p->st;
}

static void text_close(gs_parser *p)
{
    if (!p)
        return;
    gs_free(p->fm.p);
    gs_free(p->cap.p);
    gs_free(p->path.p);
    gs_free(p);
}

static gs_status open_any(const gs_limits *lim, const gs_sink *sink, int md,
                          gs_parser **out)
{
    *out = NULL;
    if (!lim || !sink || !sink->field || !sink->record_begin ||
        !sink->record_end || !sink->value || !sink->defect)
        return GS_EINVAL;
    gs_parser *p = gs_calloc(1, sizeof *p);
    if (!p)
        return GS_ENOMEM;
    p->lim = lim;
    p->sink = sink;
    p->md = md;
    p->in_fm = 1;
    p->fm_max = lim->max_field_bytes < FM_MAX ? lim->max_field_bytes : FM_MAX;
    p->line = 1;
    p->title_done = !md;
    *out = p;
    return GS_OK;
}

static gs_status text_open(const gs_limits *lim, const gs_sink *sink,
                           gs_parser **out)
{
    return open_any(lim, sink, 0, out);
}

static gs_status markdown_open(const gs_limits *lim, const gs_sink *sink,
                               gs_parser **out)
{
    return open_any(lim, sink, 1, out);
}

const gs_parser_type gs_text_parser_type = {
    .name = "text", .format = GS_FMT_TEXT, .open = text_open,
    .feed = text_feed, .finish = text_finish, .close = text_close,
};

const gs_parser_type gs_markdown_parser_type = {
    .name = "markdown", .format = GS_FMT_MARKDOWN, .open = markdown_open,
    .feed = text_feed, .finish = text_finish, .close = text_close,
};

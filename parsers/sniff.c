/* sniff.c - decide a file's format from its head and its name.
 *
 * Evidence, strongest first:
 *   1. looks_binary (from the decode stage) -> binary, whatever the name;
 *   2. what the content starts with: '<' (XML / HTML), '{' or '[' (JSON, or
 *      JSON Lines when several lines are each one complete value);
 *   3. delimiter consistency (',' ';' '\t' '|' counted outside quotes, per
 *      record, over the first records) -> CSV / TSV;
 *   4. Markdown headings ("# ") or front matter ("---") -> Markdown,
 *      unless the name says .txt (the text parser reads front matter too);
 *   5. anything else that is text -> text.
 * The extension breaks ties and is trusted while the content agrees or says
 * nothing clear; content wins when it clearly says something else (a JSON
 * Lines file named .json, tab-separated rows named .txt).
 *
 * Invariants:
 *   1. Pure function of its arguments: no allocation, no state, no locale
 *      (ASCII-only case folding).
 *   2. Reads at most len bytes; a head cut mid-line or mid-character is
 *      fine: the last, unterminated line is ignored when complete lines
 *      exist.
 *
 * Not done here: encodings (decode stage), CSV dialect details beyond the
 * delimiter, validating the format (the parsers report defects).
 */
#include "gapscan/parser.h"

#include <string.h>

#define MAX_RECORDS 32 /* records looked at for delimiter consistency */
#define MAX_LINES 64   /* lines looked at for JSON Lines */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int eq_nocase(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (lower((unsigned char)a[i]) != lit[i])
            return 0;
    return 1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static gs_format format_of_extension(const char *name)
{
    static const struct {
        const char *ext;
        gs_format fmt;
    } table[] = {
        {"csv", GS_FMT_CSV},       {"tsv", GS_FMT_TSV},
        {"tab", GS_FMT_TSV},       {"json", GS_FMT_JSON},
        {"jsonl", GS_FMT_JSONL},   {"ndjson", GS_FMT_JSONL},
        {"xml", GS_FMT_XML},       {"html", GS_FMT_HTML},
        {"htm", GS_FMT_HTML},      {"md", GS_FMT_MARKDOWN},
        {"markdown", GS_FMT_MARKDOWN}, {"txt", GS_FMT_TEXT},
    };
    if (!name)
        return GS_FMT_UNKNOWN;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return GS_FMT_UNKNOWN;
    size_t n = strlen(dot + 1);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (n == strlen(table[i].ext) && eq_nocase(dot + 1, n, table[i].ext))
            return table[i].fmt;
    return GS_FMT_UNKNOWN;
}

/* ---- markup ---- */

static int tag_is(const char *s, size_t n, const char *tag)
{
    size_t m = strlen(tag);
    if (!eq_nocase(s, n, tag))
        return 0;
    if (n == m)
        return 1;
    char c = s[m];
    return c == '>' || c == '/' || is_ws(c);
}

/* XML, HTML, or UNKNOWN when the '<' does not open markup. s starts at
 * the '<'. */
static gs_format markup_kind(const char *s, size_t n)
{
    static const char *const html_tags[] = {
        "html", "head", "body", "title", "meta", "link", "script", "style",
        "div", "p", "span", "table", "form", "a", "br", "img", "ul", "ol",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "nav", "main",
        "section", "article", "footer",
    };
    for (;;) {
        if (eq_nocase(s, n, "<?xml"))
            return GS_FMT_XML;
        if (eq_nocase(s, n, "<!doctype")) {
            size_t i = 9;
            while (i < n && is_ws(s[i]))
                i++;
            return tag_is(s + i, n - i, "html") ? GS_FMT_HTML : GS_FMT_XML;
        }
        if (!eq_nocase(s, n, "<!--"))
            break;
        const char *end = NULL;
        for (size_t i = 4; i + 2 < n && !end; i++)
            if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
                end = s + i + 3;
        if (!end)
            return GS_FMT_XML; /* a long comment: markup of some kind */
        n -= (size_t)(end - s);
        s = end;
        while (n && is_ws(*s))
            s++, n--;
        if (!n || *s != '<')
            return GS_FMT_UNKNOWN;
    }
    if (n < 2)
        return GS_FMT_UNKNOWN;
    for (size_t i = 0; i < sizeof html_tags / sizeof html_tags[0]; i++)
        if (tag_is(s + 1, n - 1, html_tags[i]))
            return GS_FMT_HTML;
    char c = s[1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
        c == ':' || (unsigned char)c >= 0x80)
        return GS_FMT_XML;
    return GS_FMT_UNKNOWN;
}

/* ---- JSON ---- */

/* Could a JSON text start here? s starts at '{' or '['. */
static int json_start(const char *s, size_t n)
{
    size_t i = 1;
    while (i < n && is_ws(s[i]))
        i++;
    if (i == n)
        return 1;
    char c = s[i];
    if (s[0] == '{')
        return c == '"' || c == '}';
    return c == '"' || c == '{' || c == '[' || c == ']' || c == '-' ||
           (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}

/* Is the line one complete JSON object or array (brackets balance exactly
 * at its end, strings respected)? A cheap check, not validation. */
static int complete_value_line(const char *s, size_t n)
{
    int depth = 0, instr = 0, esc = 0;
    size_t i = 0;
    if (n == 0 || (s[0] != '{' && s[0] != '['))
        return 0;
    for (; i < n; i++) {
        char c = s[i];
        if (instr) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                instr = 0;
            continue;
        }
        if (c == '"')
            instr = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            break;
    }
    if (i == n)
        return 0;
    for (i++; i < n; i++)
        if (!is_ws(s[i]))
            return 0;
    return 1;
}

static gs_format json_kind(const char *s, size_t n, gs_format ext)
{
    size_t good = 0, bad = 0, lines = 0;
    while (n && lines < MAX_LINES) {
        const char *nl = memchr(s, '\n', n);
        if (!nl && lines) /* the head may end mid-line */
            break;
        size_t len = nl ? (size_t)(nl - s) : n;
        size_t a = 0, b = len;
        while (a < b && is_ws(s[a]))
            a++;
        while (b > a && is_ws(s[b - 1]))
            b--;
        if (b > a) {
            lines++;
            if (complete_value_line(s + a, b - a))
                good++;
            else
                bad++;
        }
        if (!nl)
            break;
        n -= len + 1;
        s = nl + 1;
    }
    if (ext == GS_FMT_JSONL && good >= 1)
        return GS_FMT_JSONL;
    if (good >= 2 && bad == 0)
        return GS_FMT_JSONL;
    if (ext != GS_FMT_JSON && good >= 2 && good > 2 * bad)
        return GS_FMT_JSONL;
    return GS_FMT_JSON;
}

/* ---- delimiters ---- */

static const char delims[] = {',', '\t', ';', '|'};
#define NDELIM (sizeof delims)

typedef struct delim_evidence {
    char delim;      /* best consistent delimiter, 0 if none */
    size_t per_row;  /* its count per record */
    size_t records;
    int consistent[NDELIM];
} delim_evidence;

static void delimiter_evidence(const char *s, size_t n, delim_evidence *ev)
{
    size_t count[MAX_RECORDS][NDELIM];
    size_t cur[NDELIM] = {0};
    size_t nrec = 0, i = 0, start = 0;
    int inq = 0, content = 0;
    memset(ev, 0, sizeof *ev);
    for (; i < n && nrec < MAX_RECORDS; i++) {
        char c = s[i];
        if (c == '"') {
            inq = !inq;
        } else if (c == '\n' && !inq) {
            if (content)
                memcpy(count[nrec++], cur, sizeof cur);
            memset(cur, 0, sizeof cur);
            content = 0;
            start = i + 1;
            continue;
        } else if (!inq) {
            for (size_t d = 0; d < NDELIM; d++)
                cur[d] += c == delims[d];
        }
        if (!is_ws(c))
            content = 1;
    }
    /* An unterminated last record counts only when it is all there is. */
    if (i == n && content && nrec == 0 && start == 0)
        memcpy(count[nrec++], cur, sizeof cur);
    ev->records = nrec;
    for (size_t d = 0; d < NDELIM && nrec; d++) {
        size_t first = count[0][d], same = 0;
        for (size_t r = 0; r < nrec; r++)
            same += count[r][d] == first;
        ev->consistent[d] = first >= 1 && same * 10 >= nrec * 9;
        if (ev->consistent[d] && first > ev->per_row) {
            ev->delim = delims[d];
            ev->per_row = first;
        }
    }
}

/* Enough to call it CSV/TSV without an extension saying so. */
static int strong(const delim_evidence *ev)
{
    return ev->delim &&
           (ev->records >= 3 || (ev->records >= 2 && ev->per_row >= 2));
}

static int consistent(const delim_evidence *ev, char d)
{
    for (size_t i = 0; i < NDELIM; i++)
        if (delims[i] == d)
            return ev->consistent[i];
    return 0;
}

/* ---- markdown ---- */

static int markdown_evidence(const char *s, size_t n)
{
    if (eq_nocase(s, n, "---\n") || eq_nocase(s, n, "---\r\n"))
        return 1;
    for (size_t lines = 0; n && lines < MAX_LINES; lines++) {
        size_t h = 0;
        while (h < n && h < 7 && s[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && h < n && s[h] == ' ')
            return 1;
        if (eq_nocase(s, n, "```"))
            return 1;
        const char *nl = memchr(s, '\n', n);
        if (!nl)
            break;
        n -= (size_t)(nl + 1 - s);
        s = nl + 1;
    }
    return 0;
}

/* ---- the decision ---- */

static gs_format text_kind(const char *s, size_t n, gs_format ext)
{
    delim_evidence ev;
    delimiter_evidence(s, n, &ev);
    switch (ext) {
    case GS_FMT_CSV:
        if (strong(&ev) && ev.delim == '\t' && !consistent(&ev, ',') &&
            !consistent(&ev, ';'))
            return GS_FMT_TSV;
        return GS_FMT_CSV;
    case GS_FMT_TSV:
        if (strong(&ev) && ev.delim != '\t' && !consistent(&ev, '\t'))
            return GS_FMT_CSV;
        return GS_FMT_TSV;
    case GS_FMT_MARKDOWN:
        return GS_FMT_MARKDOWN;
    default:
        break;
    }
    if (ext != GS_FMT_TEXT && markdown_evidence(s, n))
        return GS_FMT_MARKDOWN; /* a .txt stays text: "# " is weak evidence */
    if (strong(&ev))
        return ev.delim == '\t' ? GS_FMT_TSV : GS_FMT_CSV;
    if (ext != GS_FMT_UNKNOWN)
        return ext; /* .json/.xml/.html/.txt with nothing clearer inside */
    return GS_FMT_TEXT;
}

gs_format gs_sniff_format(const char *head, size_t len, const char *name,
                          int looks_binary)
{
    if (looks_binary)
        return GS_FMT_BINARY;
    gs_format ext = format_of_extension(name);
    if (!head)
        len = 0;
    const char *s = head;
    size_t n = len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, n -= 3;
    size_t skip = 0;
    while (skip < n && is_ws(s[skip]))
        skip++;
    if (skip == n) {
        if (ext != GS_FMT_UNKNOWN)
            return ext;
        return len == 0 ? GS_FMT_UNKNOWN : GS_FMT_TEXT;
    }
    const char *t = s + skip;
    size_t tn = n - skip;
    if (*t == '<') {
        gs_format m = markup_kind(t, tn);
        if (m != GS_FMT_UNKNOWN)
            return ext == GS_FMT_XML || ext == GS_FMT_HTML ? ext : m;
    }
    if ((*t == '{' || *t == '[') && json_start(t, tn))
        return json_kind(t, tn, ext);
    return text_kind(t, tn, ext);
}

/* report_html.c - report.html: the judged comparison as one page that a
 * reviewer opens from a file share.
 *
 * Layout: the verdict and the checklist, the provenance, one section per
 * dimension (volume, staleness, encoding, format, schema, integrity, then
 * any other dimension the findings name) with the comparison's
 * distributions as inline SVG (sandbox and production shares side by side;
 * a distribution named "age" as an overlaid histogram, first in
 * staleness), then the findings, one sortable table per severity, with
 * their evidence, and the settings.
 *
 * Invariants:
 *   1. Self-contained and inert: the page names no URL (no href, src or
 *      url() outside "#" anchors), and its Content-Security-Policy allows
 *      nothing but the page's own <style> and <script>, by SHA-256 hash.
 *      The script only reorders and hides rows that are already there; it
 *      never builds markup from text.
 *   2. Every string from the data goes through text(): invalid UTF-8 as
 *      \xNN (gs_utf8_visible), & < > " ' as entities, control, invisible
 *      and bidi characters as visible escapes (\n, \x01, \u{202E}), cut at
 *      a bound. Data is only ever element text: never an attribute,
 *      script, style or URL.
 *   3. Bounded whatever the corpus: HTML_MAX_BARS keys per chart,
 *      HTML_MAX_EVIDENCE examples per finding, findings rows while the page
 *      is under HTML_BUDGET bytes; what is left out is counted on the page.
 *   4. Deterministic, and no statistic is computed here (report.h): a bar
 *      is a count over its side's total, drawn to scale.
 */
#include "gapscan/report.h"

#include <math.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_MAX_BARS 40          /* keys per chart */
#define HTML_MAX_EVIDENCE 5       /* examples per finding */
#define HTML_BUDGET (2u << 20)    /* no new findings row past this size */
#define HTML_MAX_DIMENSIONS 32    /* sections named by the findings */

typedef struct html {
    FILE *f;
    size_t n;       /* bytes written so far */
    gs_status st;   /* first allocation failure */
} html;

static void put(html *h, const char *s)
{
    h->n += fwrite(s, 1, strlen(s), h->f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vfprintf(h->f, fmt, ap);
    va_end(ap);
    if (k > 0)
        h->n += (size_t)k;
}

/* Characters that change how text around them reads without showing
 * themselves: C1 controls, zero-width and bidi controls, line and
 * paragraph separators, the BOM. */
static int invisible(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C
           || (cp >= 0x200B && cp <= 0x200F)
           || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069)
           || cp == 0xFEFF;
}

/* Data as inert HTML text, cut after max characters (see invariant 2). */
static void text(html *h, const char *s, size_t max)
{
    char *v = gs_utf8_visible(s ? s : "");
    if (!v) {
        h->st = GS_ENOMEM;
        return;
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; chars++) {
        if (chars == max) {
            put(h, "…");
            break;
        }
        /* v is valid UTF-8: the lead byte gives the length */
        size_t k = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        unsigned long cp = k == 1 ? *p : *p & (0x7F >> k);
        for (size_t i = 1; i < k; i++)
            cp = cp << 6 | (p[i] & 0x3F);
        if (cp == '\n' || cp == '\r' || cp == '\t')
            putf(h, "<span class=esc>\\%c</span>",
                 cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
        else if (cp < 0x20 || cp == 0x7F)
            putf(h, "<span class=esc>\\x%02lX</span>", cp);
        else if (invisible(cp))
            putf(h, "<span class=esc>\\u{%04lX}</span>", cp);
        else if (cp == '&')
            put(h, "&amp;");
        else if (cp == '<')
            put(h, "&lt;");
        else if (cp == '>')
            put(h, "&gt;");
        else if (cp == '"')
            put(h, "&quot;");
        else if (cp == '\'')
            put(h, "&#39;");
        else
            h->n += fwrite(p, 1, k, h->f);
        p += k;
    }
    gs_free(v);
}

static void num(html *h, double v)
{
    if (isfinite(v))
        putf(h, "%.6g", v);
    else
        put(h, "–");
}

static void u64(html *h, uint64_t v)
{
    putf(h, "%llu", (unsigned long long)v);
}

/* ---- the page's own style and script ---------------------------------- */

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;"
    "padding:0 16px 48px;color:#1d1d1f}"
    "h1{margin:16px 0 4px}h2{border-bottom:1px solid #ccc;margin-top:32px}"
    ".dimension h2{text-transform:capitalize}"
    ".verdict{font-size:22px;font-weight:700;padding:12px 16px;margin:12px 0;"
    "border-radius:6px;color:#fff}.verdict.ready{background:#2e7d32}"
    ".verdict.not{background:#c62828}.verdict span{font-size:15px;"
    "font-weight:400;margin-left:12px}"
    "table{border-collapse:collapse;margin:8px 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;"
    "vertical-align:top}th{background:#f4f4f6}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "table.findings{width:100%}table.findings td:nth-child(5){"
    "min-width:24em;width:45%}table.findings th{cursor:pointer;"
    "user-select:none}th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}"
    ".badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;"
    "font-size:12px}.fail{background:#c62828}.warn{background:#b26a00}"
    ".info{background:#607d8b}.done{background:#2e7d32}"
    ".pending{background:#b26a00}.na{background:#607d8b}"
    ".waived{background:#6a1b9a}tr.waived td{color:#666}"
    "code,.ev{font-family:ui-monospace,monospace;font-size:12px}"
    ".ev{margin:4px 0 0;padding-left:16px;overflow-wrap:anywhere}"
    ".esc{color:#b00020;background:#fde7e9}"
    ".note{color:#555;font-style:italic}"
    ".filters{position:sticky;top:0;background:#fff;padding:8px 0;"
    "border-bottom:1px solid #eee}.filters label{margin-right:12px}"
    "svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}"
    "svg text{font:11px system-ui,sans-serif;fill:#333}"
    ".sb{fill:#4e79a7}.pr{fill:#e8762b}.hist .sb,.hist .pr{fill-opacity:.55}"
    ".axis{stroke:#999}";

/* Sorts a table by the clicked column (numbers by data-v) and filters the
 * findings rows by text, severity and waiver; never parses markup. */
static const char script[] =
    "'use strict';(function(){"
    "var q=document.getElementById('q'),w=document.getElementById('waived'),"
    "shown=document.getElementById('shown'),"
    "sev=document.querySelectorAll('input[data-sev]');"
    "function apply(){var t=q.value.toLowerCase(),on={},n=0;"
    "sev.forEach(function(b){on[b.dataset.sev]=b.checked;});"
    "document.querySelectorAll('table.findings tbody tr').forEach(function(r){"
    "var ok=on[r.dataset.sev]&&(w.checked||r.dataset.waived!=='1')&&"
    "(!t||r.textContent.toLowerCase().indexOf(t)>=0);r.hidden=!ok;if(ok)n++;});"
    "shown.textContent=String(n);}"
    "[q,w].concat(Array.prototype.slice.call(sev)).forEach(function(e){"
    "e.addEventListener('input',apply);});"
    "document.querySelectorAll('table.findings th').forEach(function(th){"
    "th.addEventListener('click',function(){"
    "var tb=th.closest('table').tBodies[0],i=th.cellIndex,"
    "up=th.getAttribute('aria-sort')!=='ascending';"
    "th.parentNode.querySelectorAll('th').forEach(function(o){"
    "o.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',up?'ascending':'descending');"
    "function key(r){var c=r.cells[i];return c.dataset.v!==undefined?"
    "parseFloat(c.dataset.v):c.textContent;}"
    "var rows=Array.prototype.slice.call(tb.rows).map(function(r,k){"
    "return[key(r),k,r];});"
    "rows.sort(function(a,b){var x=a[0],y=b[0],d;"
    "if(typeof x==='number'&&typeof y==='number')"
    "d=(isNaN(x)?1:0)-(isNaN(y)?1:0)||x-y;"
    "else d=String(x).localeCompare(String(y));"
    "return(up?d:-d)||a[1]-b[1];});"
    "rows.forEach(function(r){tb.appendChild(r[2]);});});});"
    "apply();})();";

/* 'sha256-BASE64' of an inline element's exact text, for the CSP. */
static void csp_hash(html *h, const char *src)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(src), (const uint8_t *)src);
    sha256_digest(&ctx, sizeof d, d);
    base64_encode_raw(b64, sizeof d, d);
    b64[sizeof b64 - 1] = '\0';
    putf(h, "'sha256-%s'", b64);
}

/* ---- charts ------------------------------------------------------------ */

typedef struct dist_info {
    const char *name, *dimension, *title;
    int of_files;  /* share of the side's files (a file counts under several
                      keys), else of the rows' sum */
} dist_info;

static const dist_info known_dists[] = {
    {"age", "staleness", "Document ages", 0},
    {"format", "format", "Formats (files)", 0},
    {"encoding", "encoding", "Encodings (files)", 0},
    {"compression", "volume", "Compression (files)", 0},
    {"bom", "encoding", "Byte order marks (files)", 0},
    {"collection_files", "volume", "Collections (files)", 0},
    {"collection_records", "volume", "Collections (records)", 0},
    {"defect_files", "integrity", "Defects (share of files affected)", 1},
};

static const dist_info *dist_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof known_dists / sizeof *known_dists; i++)
        if (strcmp(known_dists[i].name, name) == 0)
            return &known_dists[i];
    return NULL;
}

static double share(uint64_t v, uint64_t total)
{
    return total ? (double)v / (double)total : 0.0;
}

static void side_totals(gs_comparison *c, const gs_dist_row *r, size_t n,
                        const dist_info *di, uint64_t tot[2])
{
    tot[0] = tot[1] = 0;
    if (di && di->of_files) {
        tot[0] = gs_comparison_side(c, 0)->corpus->files;
        tot[1] = gs_comparison_side(c, 1)->corpus->files;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        tot[0] += r[i].sandbox;
        tot[1] += r[i].production;
    }
}

static void legend(html *h, int y)
{
    putf(h, "<rect class=sb x=0 y=%d width=10 height=10></rect>"
         "<text x=14 y=%d>sandbox</text>"
         "<rect class=pr x=80 y=%d width=10 height=10></rect>"
         "<text x=94 y=%d>production</text>", y, y + 9, y, y + 9);
}

static void bar_value(html *h, int x, int y, uint64_t v, uint64_t tot)
{
    putf(h, "<text x=%d y=%d>", x, y);
    u64(h, v);
    if (tot)
        putf(h, " (%.1f%%)", 100.0 * share(v, tot));
    put(h, "</text>");
}

/* Horizontal bars, one pair per key: sandbox above production. */
static void chart_bars(html *h, const gs_dist_row *const *r, size_t shown,
                       const uint64_t tot[2])
{
    enum { LABEL = 220, BAR = 380, ROW = 30, TOP = 22 };
    int height = TOP + (int)shown * ROW + 4;
    putf(h, "<svg class=chart role=img viewBox=\"0 0 760 %d\" width=760 "
         "height=%d>", height, height);
    legend(h, 2);
    for (size_t i = 0; i < shown; i++) {
        int y = TOP + (int)i * ROW;
        uint64_t v[2] = {r[i]->sandbox, r[i]->production};
        put(h, "<g><title>");
        text(h, r[i]->key, 300);
        put(h, "</title>");
        putf(h, "<text x=0 y=%d>", y + 15);
        text(h, r[i]->key, 34);
        put(h, "</text>");
        for (int s = 0; s < 2; s++) {
            double w = BAR * share(v[s], tot[s]);
            putf(h, "<rect class=%s x=%d y=%d width=\"%.1f\" height=12>"
                 "</rect>", s ? "pr" : "sb", LABEL, y + 2 + 13 * s, w);
            bar_value(h, LABEL + (int)w + 4, y + 12 + 13 * s, v[s], tot[s]);
        }
        put(h, "</g>");
    }
    put(h, "</svg>");
}

/* Both sides' shares per bin, overlaid, bins in the comparison's order. */
static void chart_histogram(html *h, const gs_dist_row *r, size_t n,
                            const uint64_t tot[2])
{
    enum { LEFT = 40, PLOT_W = 700, PLOT_H = 160, TOP = 22 };
    size_t bins = n < HTML_MAX_BARS ? n : HTML_MAX_BARS;
    double top = 0;
    for (size_t i = 0; i < bins; i++) {
        top = fmax(top, share(r[i].sandbox, tot[0]));
        top = fmax(top, share(r[i].production, tot[1]));
    }
    if (top <= 0)
        top = 1;
    double bw = (double)PLOT_W / (double)(bins ? bins : 1);
    size_t every = bins / 10 + 1;  /* label at most ~10 bins */
    int height = TOP + PLOT_H + 34;
    putf(h, "<svg class=\"chart hist\" role=img viewBox=\"0 0 760 %d\" "
         "width=760 height=%d>",
         height, height);
    legend(h, 2);
    putf(h, "<line class=axis x1=%d y1=%d x2=%d y2=%d></line>", LEFT,
         TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H);
    putf(h, "<text x=0 y=%d>%.0f%%</text><text x=0 y=%d>0%%</text>",
         TOP + 10, 100 * top, TOP + PLOT_H);
    for (size_t i = 0; i < bins; i++) {
        double x = LEFT + bw * (double)i;
        uint64_t v[2] = {r[i].sandbox, r[i].production};
        put(h, "<g><title>");
        text(h, r[i].key, 120);
        put(h, ": sandbox ");
        u64(h, v[0]);
        put(h, ", production ");
        u64(h, v[1]);
        put(h, "</title>");
        for (int s = 0; s < 2; s++) {
            double bh = PLOT_H * share(v[s], tot[s]) / top;
            putf(h, "<rect class=%s x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                 "height=\"%.1f\"></rect>", s ? "pr" : "sb", x + 1,
                 TOP + PLOT_H - bh, bw - 2, bh);
        }
        if (i % every == 0) {
            putf(h, "<text x=\"%.1f\" y=%d>", x + 1, TOP + PLOT_H + 14);
            text(h, r[i].key, 14);
            put(h, "</text>");
        }
        put(h, "</g>");
    }
    put(h, "</svg>");
}

static uint64_t row_max(const gs_dist_row *r)
{
    return r->sandbox > r->production ? r->sandbox : r->production;
}

/* Larger count on either side first; then the comparison's order. */
static int by_count(const void *a, const void *b)
{
    const gs_dist_row *x = *(const gs_dist_row *const *)a;
    const gs_dist_row *y = *(const gs_dist_row *const *)b;
    if (row_max(x) != row_max(y))
        return row_max(x) > row_max(y) ? -1 : 1;
    return (x > y) - (x < y);
}

static int by_place(const void *a, const void *b)
{
    const gs_dist_row *x = *(const gs_dist_row *const *)a;
    const gs_dist_row *y = *(const gs_dist_row *const *)b;
    return (x > y) - (x < y);
}

static void chart(html *h, gs_comparison *c, const char *name)
{
    const gs_dist_row *r;
    size_t n = gs_comparison_dist(c, name, &r);
    const dist_info *di = dist_lookup(name);
    put(h, "<h3>");
    text(h, di ? di->title : name, 100);
    put(h, "</h3>");
    if (n == 0) {
        put(h, "<p class=note>Neither side has any.</p>");
        return;
    }
    uint64_t tot[2];
    side_totals(c, r, n, di, tot);
    if (strcmp(name, "age") == 0) {
        chart_histogram(h, r, n, tot);  /* bins keep their order */
    } else {
        /* past HTML_MAX_BARS keys, the biggest ones, in key order */
        const gs_dist_row **p = gs_malloc(n * sizeof *p);
        if (!p) {
            h->st = GS_ENOMEM;
            return;
        }
        for (size_t i = 0; i < n; i++)
            p[i] = &r[i];
        size_t shown = n;
        if (n > HTML_MAX_BARS) {
            qsort(p, n, sizeof *p, by_count);
            shown = HTML_MAX_BARS;
            qsort(p, shown, sizeof *p, by_place);
        }
        chart_bars(h, p, shown, tot);
        gs_free(p);
    }
    if (n > HTML_MAX_BARS)
        putf(h, "<p class=note>%zu more keys are left out here (%s); "
             "report.json lists them all.</p>", n - HTML_MAX_BARS,
             strcmp(name, "age") == 0 ? "the last bins"
                                      : "those with the fewest on either side");
}

/* ---- sections ---------------------------------------------------------- */

static void fact_rows(html *h, const char *const *names, const uint64_t *sb,
                      const uint64_t *pr, size_t n)
{
    put(h, "<table><thead><tr><th></th><th>sandbox</th><th>production</th>"
         "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        putf(h, "<tr><td>%s</td><td class=n>", names[i]);
        u64(h, sb[i]);
        put(h, "</td><td class=n>");
        u64(h, pr[i]);
        put(h, "</td></tr>");
    }
    put(h, "</tbody></table>");
}

/* The side facts that belong to a dimension, as printed numbers. */
static void dimension_facts(html *h, gs_comparison *c, const char *dim)
{
    const gs_side *s[2] = {gs_comparison_side(c, 0), gs_comparison_side(c, 1)};
    const gs_corpus_facts *a = s[0]->corpus, *b = s[1]->corpus;
    if (strcmp(dim, "volume") == 0) {
        const gs_volume_row *v;
        size_t n = gs_comparison_volume(c, &v);
        put(h, "<table><thead><tr><th></th><th>sandbox</th><th>production"
             "</th><th>production / sandbox</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            putf(h, "<tr><td>%s</td><td class=n>", v[i].name);
            u64(h, v[i].sandbox);
            put(h, "</td><td class=n>");
            u64(h, v[i].production);
            if (isnan(v[i].ratio))
                put(h, "</td><td class=n>—</td></tr>");
            else
                putf(h, "</td><td class=n>×%.1f</td></tr>", v[i].ratio);
        }
        put(h, "</tbody></table><p class=note>Tokens are estimated as "
             "characters / 4.");
        if (!isnan(s[1]->ingest_cost))
            putf(h, " At the policy's price of %g per million tokens, "
                 "ingesting production once costs about %.2f (sandbox: "
                 "%.2f).", gs_comparison_opts(c)->price_per_mtok,
                 s[1]->ingest_cost, s[0]->ingest_cost);
        put(h, "</p>");
        static const char *const names[] = {"files read partly",
                                            "entries skipped"};
        uint64_t sb[] = {a->files_partial, a->skipped};
        uint64_t pr[] = {b->files_partial, b->skipped};
        fact_rows(h, names, sb, pr, sizeof sb / sizeof *sb);
    } else if (strcmp(dim, "staleness") == 0) {
        static const char *const names[] = {
            "dated documents", "documents with future dates",
            "old material saved again"};
        uint64_t sb[] = {a->docs_dated, a->docs_future, a->docs_resaved};
        uint64_t pr[] = {b->docs_dated, b->docs_future, b->docs_resaved};
        fact_rows(h, names, sb, pr, sizeof sb / sizeof *sb);
        const struct {
            const char *name, *fmt;
            double v[2];
        } rows[] = {
            {"median age (days)", "%.0f", {s[0]->age_p50, s[1]->age_p50}},
            {"90th percentile age (days)", "%.0f",
             {s[0]->age_p90, s[1]->age_p90}},
            {"oldest (days)", "%.0f", {s[0]->age_max, s[1]->age_max}},
            {"share older than the threshold (%)", "%.1f",
             {100 * s[0]->share_stale, 100 * s[1]->share_stale}},
        };
        put(h, "<table><tbody>");
        for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
            putf(h, "<tr><td>%s</td>", rows[i].name);
            for (int k = 0; k < 2; k++) {
                put(h, "<td class=n>");
                if (isnan(rows[i].v[k]))
                    put(h, "—");
                else
                    putf(h, rows[i].fmt, rows[i].v[k]);
                put(h, "</td>");
            }
            put(h, "</tr>");
        }
        putf(h, "</tbody></table><p class=note>Threshold: %llu days before "
             "the as-of date.</p>",
             (unsigned long long)gs_comparison_opts(c)->stale_days);
    } else if (strcmp(dim, "encoding") == 0) {
        static const char *const names[] = {
            "files with a BOM", "files with invalid UTF-8",
            "invalid UTF-8 sequences", "NUL bytes", "control characters",
            "LF line ends", "CRLF line ends", "CR line ends",
            "files mixing line ends"};
        uint64_t sb[] = {a->files_with_bom, a->files_invalid_utf8,
                         a->invalid_utf8, a->nul_bytes, a->control_chars,
                         a->lf, a->crlf, a->cr, a->files_mixed_eol};
        uint64_t pr[] = {b->files_with_bom, b->files_invalid_utf8,
                         b->invalid_utf8, b->nul_bytes, b->control_chars,
                         b->lf, b->crlf, b->cr, b->files_mixed_eol};
        fact_rows(h, names, sb, pr, sizeof sb / sizeof *sb);
    }
}

static void dimension_section(html *h, gs_comparison *c, const char *dim)
{
    size_t count[3] = {0}, waived = 0;
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        if (strcmp(f->dimension, dim) == 0) {
            count[f->severity]++;
            waived += f->waived != 0;
        }
    }
    put(h, "<section class=dimension><h2>");
    text(h, dim, 60);
    put(h, "</h2>");
    dimension_facts(h, c, dim);
    const char *const *names;
    size_t nd = gs_comparison_dist_names(&names), charts = 0;
    /* the age histogram leads the staleness section */
    for (size_t d = 0; d < nd; d++)
        if (strcmp(dim, "staleness") == 0 && strcmp(names[d], "age") == 0) {
            chart(h, c, names[d]);
            charts++;
        }
    for (size_t d = 0; d < nd; d++) {
        const dist_info *di = dist_lookup(names[d]);
        if (di && strcmp(di->dimension, dim) == 0
            && strcmp(names[d], "age") != 0) {
            chart(h, c, names[d]);
            charts++;
        }
    }
    if (strcmp(dim, "staleness") == 0 && charts == 0)
        put(h, "<p class=note>The comparison holds no distribution of "
            "document ages.</p>");
    putf(h, "<p>Findings in this dimension: %zu fail, %zu warn, %zu info",
         count[GS_SEV_FAIL], count[GS_SEV_WARN], count[GS_SEV_INFO]);
    if (waived)
        putf(h, " (%zu waived)", waived);
    put(h, "; <a href=\"#findings\">see the findings</a>.</p></section>");
}

/* Distributions no dimension claims (names added after this renderer). */
static void other_charts(html *h, gs_comparison *c)
{
    const char *const *names;
    size_t nd = gs_comparison_dist_names(&names), n = 0;
    for (size_t d = 0; d < nd; d++) {
        if (dist_lookup(names[d]))
            continue;
        if (n++ == 0)
            put(h, "<section class=dimension><h2>other distributions</h2>");
        chart(h, c, names[d]);
    }
    if (n)
        put(h, "</section>");
}

static void dimensions(html *h, gs_comparison *c)
{
    const char *dims[HTML_MAX_DIMENSIONS] = {
        "volume", "staleness", "encoding", "format", "schema", "integrity"};
    size_t nd = 6;
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        const char *d = gs_comparison_finding(c, i)->dimension;
        size_t k = 0;
        while (k < nd && strcmp(dims[k], d) != 0)
            k++;
        if (k == nd && nd < HTML_MAX_DIMENSIONS)
            dims[nd++] = d;
    }
    for (size_t k = 0; k < nd; k++)
        dimension_section(h, c, dims[k]);
    other_charts(h, c);
}

static void checklist(html *h, const gs_policy *p)
{
    size_t n = gs_policy_checklist_count(p), done = 0, open_required = 0;
    for (size_t i = 0; i < n; i++) {
        const gs_checklist_item *it = gs_policy_checklist_at(p, i);
        done += it->status != GS_CHECK_PENDING;
        open_required += it->required && it->status == GS_CHECK_PENDING;
    }
    putf(h, "<section id=checklist><h2>Checklist</h2><p>%zu of %zu gates "
         "done or not applicable; %zu required gate%s pending.</p>", done, n,
         open_required, open_required == 1 ? "" : "s");
    if (n) {
        put(h, "<table><thead><tr><th>gate</th><th>required</th>"
             "<th>status</th><th>owner</th><th>evidence</th></tr></thead>"
             "<tbody>");
        for (size_t i = 0; i < n; i++) {
            const gs_checklist_item *it = gs_policy_checklist_at(p, i);
            static const char *const cls[] = {"pending", "done", "na"};
            put(h, "<tr><td>");
            text(h, it->title, 200);
            putf(h, "</td><td>%s</td><td><span class=\"badge %s\">%s</span>"
                 "</td><td>", it->required ? "yes" : "no", cls[it->status],
                 gs_checklist_status_name(it->status));
            text(h, it->owner ? it->owner : "—", 120);
            put(h, "</td><td>");
            /* a link from the policy stays text: the page opens no URL */
            text(h, it->evidence ? it->evidence : "—", 300);
            put(h, "</td></tr>");
        }
        put(h, "</tbody></table>");
    }
    n = gs_policy_waiver_count(p);
    if (n) {
        put(h, "<h3>Waivers</h3><table><thead><tr><th>check</th>"
             "<th>scope</th><th>owner</th><th>expires</th><th>reason</th>"
             "</tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const gs_policy_waiver *w = gs_policy_waiver_at(p, i);
            const char *cells[] = {w->check, w->scope, w->owner, w->expires,
                                   w->reason};
            put(h, "<tr>");
            for (size_t k = 0; k < 5; k++) {
                put(h, "<td>");
                text(h, cells[k], 300);
                put(h, "</td>");
            }
            put(h, "</tr>");
        }
        put(h, "</tbody></table>");
    }
    put(h, "</section>");
}

static void provenance(html *h, gs_comparison *c, const gs_report_meta *m)
{
    put(h, "<section id=provenance><h2>Provenance</h2><table><tbody>"
         "<tr><th>gapscan</th><td>" GS_VERSION "</td></tr><tr><th>policy</th>"
         "<td>");
    text(h, gs_policy_source(m->policy), 300);
    put(h, " (SHA-256 <code>");
    text(h, gs_policy_sha256(m->policy), 64);
    put(h, "</code>)</td></tr><tr><th>as of</th><td>");
    text(h, m->as_of, 10);
    put(h, "</td></tr><tr><th>command</th><td><code>");
    text(h, m->command, 1000);
    put(h, "</code></td></tr>");
    const char *what[2] = {m->sandbox, m->production};
    for (int s = 0; s < 2; s++) {
        const gs_side *sd = gs_comparison_side(c, s);
        putf(h, "<tr><th>%s</th><td>", s ? "production" : "sandbox");
        text(h, what[s], 300);
        put(h, ": ");
        u64(h, sd->corpus->files);
        put(h, " files, ");
        u64(h, sd->corpus->bytes);
        put(h, " bytes");
        size_t nr = gs_profile_root_count(sd->profile);
        if (nr == 1 && what[s]
            && strcmp(gs_profile_root(sd->profile, 0), what[s]) == 0)
            nr = 0;  /* the root is what the user named */
        for (size_t i = 0; i < nr && i < 20; i++) {
            put(h, i ? ", " : " from ");
            text(h, gs_profile_root(sd->profile, i), 200);
        }
        if (nr > 20)
            putf(h, " and %zu more roots", nr - 20);
        put(h, "</td></tr>");
    }
    put(h, "</tbody></table></section>");
}

/* ---- findings ---------------------------------------------------------- */

static void evidence(html *h, const gs_finding *f)
{
    if (f->n_evidence == 0)
        return;
    put(h, "<ul class=ev>");
    size_t shown = f->n_evidence < HTML_MAX_EVIDENCE ? f->n_evidence
                                                     : HTML_MAX_EVIDENCE;
    for (size_t k = 0; k < shown; k++) {
        const gs_evidence *e = &f->evidence[k];
        put(h, "<li>");
        if (e->path && e->path[0]) {
            text(h, e->path, 200);
            if (e->loc.line) {
                putf(h, ":%llu", (unsigned long long)e->loc.line);
                if (e->loc.col)
                    putf(h, ":%llu", (unsigned long long)e->loc.col);
            }
            put(h, " ");
        }
        if (e->value) {
            put(h, "value <q>");
            text(h, e->value, 160);
            put(h, "</q>");
        }
        if (e->detail) {
            put(h, " — ");
            text(h, e->detail, 200);
        }
        put(h, "</li>");
    }
    if (f->n_evidence > shown)
        putf(h, "<li class=note>%zu more in report.json</li>",
             f->n_evidence - shown);
    put(h, "</ul>");
}

static void finding_row(html *h, const gs_finding *f)
{
    const char *sev = gs_severity_name(f->severity);
    putf(h, "<tr data-sev=%s data-waived=%d%s><td><span class=\"badge %s\">"
         "%s</span>%s</td><td><code>", sev, f->waived != 0,
         f->waived ? " class=waived" : "", sev, sev,
         f->waived ? " <span class=\"badge waived\">waived</span>" : "");
    text(h, f->check, 120);
    put(h, "</code></td><td>");
    text(h, f->dimension, 60);
    put(h, "</td><td>");
    text(h, f->scope, 200);
    put(h, "</td><td>");
    text(h, f->message, 500);
    evidence(h, f);
    double v[3] = {f->sandbox, f->production, f->threshold};
    for (int i = 0; i < 3; i++) {
        /* data-v holds a number printed here, never text from the data */
        if (isfinite(v[i]))
            putf(h, "</td><td class=n data-v=\"%.17g\">", v[i]);
        else
            put(h, "</td><td class=n data-v=NaN>");
        num(h, v[i]);
    }
    put(h, "</td><td>");
    text(h, f->unit, 40);
    put(h, "</td></tr>");
}

static void findings(html *h, gs_comparison *c)
{
    size_t nf = gs_comparison_finding_count(c), count[3] = {0}, left = 0;
    for (size_t i = 0; i < nf; i++)
        count[gs_comparison_finding(c, i)->severity]++;
    putf(h, "<section id=findings><h2>Findings</h2><div class=filters>"
         "<label>filter <input id=q type=search></label>"
         "<label><input type=checkbox data-sev=fail checked> fail</label>"
         "<label><input type=checkbox data-sev=warn checked> warn</label>"
         "<label><input type=checkbox data-sev=info checked> info</label>"
         "<label><input type=checkbox id=waived checked> waived</label>"
         "<span id=shown>%zu</span> shown</div>", nf);
    if (nf == 0)
        put(h, "<p>No findings.</p>");
    for (int sev = GS_SEV_FAIL; sev >= GS_SEV_INFO; sev--) {
        if (count[sev] == 0)
            continue;
        putf(h, "<h3>%s (%zu)</h3><table class=findings><thead><tr>"
             "<th>severity</th><th>check</th><th>dimension</th><th>scope</th>"
             "<th>message and evidence</th><th>sandbox</th><th>production</th>"
             "<th>threshold</th><th>unit</th></tr></thead><tbody>",
             sev == GS_SEV_FAIL ? "Fail" : sev == GS_SEV_WARN ? "Warn"
                                                              : "Info",
             count[sev]);
        for (size_t i = 0; i < nf; i++) {
            const gs_finding *f = gs_comparison_finding(c, i);
            if ((int)f->severity != sev)
                continue;
            if (h->n > HTML_BUDGET)
                left++;
            else
                finding_row(h, f);
        }
        put(h, "</tbody></table>");
    }
    if (left)
        putf(h, "<p class=note id=left-out>%zu findings are left out of this "
             "page to keep it small; report.json lists them all.</p>", left);
    put(h, "</section>");
}

static void settings(html *h, gs_comparison *c)
{
    const gs_compare_opts *o = gs_comparison_opts(c);
    const gs_limits *lim = gs_profile_limits(gs_comparison_side(c, 1)->profile);
    putf(h, "<section id=settings><h2>Settings</h2><p>Thresholds: required "
         "presence %.2f, presence drop %.2f, enum domain ≤ %llu values seen "
         "≥ %llu times, assumptions need ≥ %llu sandbox values. Sketches: "
         "HyperLogLog 2^%u registers, top %zu values, %zu examples per "
         "finding. Limits: field %zu bytes, depth %zu, %zu field paths, gzip "
         "ratio %llu:1.</p></section>", o->required_presence, o->presence_drop,
         (unsigned long long)o->enum_max_distinct,
         (unsigned long long)o->enum_min_values,
         (unsigned long long)o->min_values, lim->hll_lg_k, lim->max_top_values,
         lim->max_examples, lim->max_field_bytes, lim->max_depth,
         lim->max_paths, (unsigned long long)lim->max_inflate_ratio);
}

gs_status gs_report_html(gs_comparison *c, const gs_report_meta *m, FILE *out)
{
    html h = {.f = out, .st = GS_OK};
    size_t nf = gs_comparison_finding_count(c), count[3] = {0}, waived = 0;
    for (size_t i = 0; i < nf; i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        count[f->severity]++;
        waived += f->waived != 0;
    }
    put(&h, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src "
        "'none'; style-src ");
    csp_hash(&h, style);
    put(&h, "; script-src ");
    csp_hash(&h, script);
    put(&h, "; base-uri 'none'; form-action 'none'\">"
        "<meta name=referrer content=no-referrer>"
        "<meta name=viewport content=\"width=device-width\">");
    putf(&h, "<title>gapscan audit report: %s</title><style>",
         m->ready ? "ready" : "not ready");
    put(&h, style);
    put(&h, "</style></head><body><h1>gapscan audit report</h1>");
    putf(&h, "<div id=verdict class=\"verdict %s\">%s<span>%zu fail, %zu "
         "warn, %zu info finding%s; %zu waived</span></div>",
         m->ready ? "ready" : "not", m->ready ? "READY" : "NOT READY",
         count[GS_SEV_FAIL], count[GS_SEV_WARN], count[GS_SEV_INFO],
         count[GS_SEV_INFO] == 1 ? "" : "s", waived);
    checklist(&h, m->policy);
    provenance(&h, c, m);
    dimensions(&h, c);
    findings(&h, c);
    settings(&h, c);
    put(&h, "<script>");
    put(&h, script);
    put(&h, "</script></body></html>\n");
    if (h.st != GS_OK)
        return h.st;
    return ferror(out) ? GS_EIO : GS_OK;
}

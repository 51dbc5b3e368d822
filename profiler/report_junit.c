/* report_junit.c - junit.xml: the judged comparison as JUnit test results,
 * so a CI system shows the audit natively.
 *
 * One <testsuite> per check family ("schema", "encoding", "csv", ...), one
 * <testcase> per check id: every check
 * the comparison knows (passing when it found nothing) and every defect
 * code that occurred. A check with an unwaived failing finding is a
 * <failure>; one whose findings are all waived is <skipped> with the
 * waivers' reason; warnings and infos pass and are listed in <system-out>.
 *
 * XML is written with libxml2's xmlTextWriter, which escapes markup; data
 * strings first go through gs_utf8_visible (invalid UTF-8 shown as \xNN)
 * and then show every C0 control as a visible escape (\n, \xNN), as
 * report.md does: XML 1.0 cannot carry most of them, and a raw line break
 * in a file name would split its line of <system-out>.
 * Deterministic: no times, no host names.
 */
#include "gapscan/report.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

typedef struct check_row {
    const char *check;
    size_t fail, waived, warn, info;
} check_row;

/* The writer and whether a string could not be made for want of memory
 * (then the result is GS_ENOMEM, not an I/O error). */
typedef struct xw {
    xmlTextWriterPtr x;
    int oom;
} xw;

/* Data text fit for XML 1.0 and for the one-line-per-item lists of
 * <system-out>: valid UTF-8, every C0 control shown as a visible escape
 * (\n, \r, \t, else \xNN), so a file name holding a newline stays on its
 * line. */
static char *xml_text(xw *w, const char *s)
{
    char *v = gs_utf8_visible(s ? s : "");
    if (!v) {
        w->oom = 1;
        return NULL;
    }
    size_t n = 0, len = strlen(v);
    unsigned cp;
    for (const char *p = v; *p; p++)
        n += (unsigned char)*p < 0x20 ? 4 : 1;
    n += 8 * len / 2;  /* room for bidi controls shown as \u{XXXX} */
    char *out = gs_malloc(n + 1), *o = out;
    for (const char *p = v; out && *p; p++) {
        unsigned char c = (unsigned char)*p;
        size_t k = gs_utf8_bidi(p, len - (size_t)(p - v), &cp);
        if (k) {  /* shown, so a name cannot reorder the text around it */
            o += sprintf(o, "\\u{%04X}", cp);
            p += k - 1;
            continue;
        }
        const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t" : NULL;
        if (named)
            o += sprintf(o, "%s", named);
        else if (c < 0x20)
            o += sprintf(o, "\\x%02X", c);
        else
            *o++ = (char)c;
    }
    if (out)
        *o = '\0';
    else
        w->oom = 1;
    gs_free(v);
    return out;
}

static int put_attr(xw *w, const char *name, const char *value)
{
    char *t = xml_text(w, value);
    int rc = t ? xmlTextWriterWriteAttribute(w->x, BAD_CAST name, BAD_CAST t)
               : -1;
    gs_free(t);
    return rc;
}

static int put_attr_u(xw *w, const char *name, size_t v)
{
    return xmlTextWriterWriteFormatAttribute(w->x, BAD_CAST name, "%zu", v);
}

/* One line per finding of this check with the given severity filter. */
static int put_findings(xw *w, gs_comparison *c,
                        const char *check, int only_failing)
{
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < gs_comparison_finding_count(c); i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        if (strcmp(f->check, check) != 0 ||
            (only_failing && (f->severity != GS_SEV_FAIL || f->waived)))
            continue;
        char head[64];
        snprintf(head, sizeof head, "[%s%s] ", gs_severity_name(f->severity),
                 f->waived ? ", waived" : "");
        char *scope = xml_text(w, f->scope), *msg = xml_text(w, f->message);
        if (!scope || !msg)
            rc = -1;
        else
            rc = xmlTextWriterWriteFormatString(w->x, "%s%s: %s\n", head,
                                                scope, msg);
        gs_free(scope);
        gs_free(msg);
        for (size_t k = 0; rc >= 0 && k < f->n_evidence; k++) {
            const gs_evidence *e = &f->evidence[k];
            char *path = xml_text(w, e->path), *val = xml_text(w, e->value);
            if (!path || !val)
                rc = -1;
            else
                rc = xmlTextWriterWriteFormatString(
                    w->x, "    %s:%llu:%llu%s%s\n", path,
                    (unsigned long long)e->loc.line,
                    (unsigned long long)e->loc.col, e->value ? " value " : "",
                    val);
            gs_free(path);
            gs_free(val);
        }
    }
    return rc;
}

static const char *waiver_reason(const gs_policy *p, const char *check)
{
    for (size_t i = 0; i < gs_policy_waiver_count(p); i++) {
        const gs_policy_waiver *wv = gs_policy_waiver_at(p, i);
        if (strcmp(wv->check, check) == 0 || strcmp(wv->check, "*") == 0)
            return wv->reason;
    }
    return "waived by the policy";
}

/* Rows: the comparison's own checks plus every other check id found, in
 * id order (both lists are sorted and the findings are scanned once). */
static check_row *collect(gs_comparison *c, size_t *n_rows)
{
    size_t n_known, nf = gs_comparison_finding_count(c);
    const char *const *known = gs_compare_checks(&n_known);
    check_row *rows = gs_calloc(n_known + nf + 1, sizeof *rows);
    if (!rows)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < n_known; i++)
        rows[n++] = (check_row){known[i], 0, 0, 0, 0};
    for (size_t i = 0; i < nf; i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        size_t r = 0;
        while (r < n && strcmp(rows[r].check, f->check) != 0)
            r++;
        if (r == n)
            rows[n++] = (check_row){f->check, 0, 0, 0, 0};
        if (f->severity == GS_SEV_FAIL && !f->waived)
            rows[r].fail++;
        else if (f->waived)
            rows[r].waived++;
        else if (f->severity == GS_SEV_WARN)
            rows[r].warn++;
        else
            rows[r].info++;
    }
    /* insertion sort by id (ids sort by family first): a few dozen rows */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(rows[j - 1].check, rows[j].check) > 0;
             j--) {
            check_row t = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = t;
        }
    *n_rows = n;
    return rows;
}

/* The suite a row belongs to: the family of its id ("schema"). */
static void suite_of(const check_row *r, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)strcspn(r->check, "."), r->check);
}

gs_status gs_report_junit(gs_comparison *c, const gs_report_meta *m, FILE *out)
{
    size_t n;
    check_row *rows = collect(c, &n);
    if (!rows)
        return GS_ENOMEM;
    xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(out, NULL);
    xw writer = {buf ? xmlNewTextWriter(buf) : NULL, 0}, *w = &writer;
    if (!w->x) {
        if (buf)
            xmlOutputBufferClose(buf);
        gs_free(rows);
        return GS_ENOMEM;
    }
    xmlTextWriterSetIndent(w->x, 1);
    xmlTextWriterSetIndentString(w->x, BAD_CAST "  ");
    size_t fails = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        fails += rows[i].fail > 0;
        skipped += rows[i].fail == 0 && rows[i].waived > 0;
    }
    int rc = xmlTextWriterStartDocument(w->x, NULL, "UTF-8", NULL);
    rc |= xmlTextWriterStartElement(w->x, BAD_CAST "testsuites");
    rc |= put_attr(w, "name", "gapscan audit");
    rc |= put_attr_u(w, "tests", n);
    rc |= put_attr_u(w, "failures", fails);
    rc |= put_attr_u(w, "errors", 0);
    rc |= put_attr_u(w, "skipped", skipped);
    for (size_t i = 0; rc >= 0 && i < n;) {
        char suite[64], next[64];
        suite_of(&rows[i], suite, sizeof suite);
        size_t j = i, sf = 0, ss = 0;
        for (; j < n; j++) {
            suite_of(&rows[j], next, sizeof next);
            if (strcmp(next, suite) != 0)
                break;
            sf += rows[j].fail > 0;
            ss += rows[j].fail == 0 && rows[j].waived > 0;
        }
        rc |= xmlTextWriterStartElement(w->x, BAD_CAST "testsuite");
        rc |= put_attr(w, "name", suite);
        rc |= put_attr_u(w, "tests", j - i);
        rc |= put_attr_u(w, "failures", sf);
        rc |= put_attr_u(w, "errors", 0);
        rc |= put_attr_u(w, "skipped", ss);
        for (; rc >= 0 && i < j; i++) {
            const check_row *r = &rows[i];
            char classname[80];
            snprintf(classname, sizeof classname, "gapscan.%s", suite);
            rc |= xmlTextWriterStartElement(w->x, BAD_CAST "testcase");
            rc |= put_attr(w, "classname", classname);
            rc |= put_attr(w, "name", r->check);
            if (r->fail) {
                char msg[160];
                snprintf(msg, sizeof msg, "%zu failing finding%s under policy "
                         "%s", r->fail, r->fail == 1 ? "" : "s",
                         gs_policy_source(m->policy));
                rc |= xmlTextWriterStartElement(w->x, BAD_CAST "failure");
                rc |= put_attr(w, "message", msg);
                rc |= put_attr(w, "type", "fail");
                rc |= put_findings(w, c, r->check, 1);
                rc |= xmlTextWriterEndElement(w->x);
            } else if (r->waived) {
                rc |= xmlTextWriterStartElement(w->x, BAD_CAST "skipped");
                rc |= put_attr(w, "message",
                               waiver_reason(m->policy, r->check));
                rc |= xmlTextWriterEndElement(w->x);
            }
            if (r->fail + r->waived + r->warn + r->info > 0) {
                rc |= xmlTextWriterStartElement(w->x, BAD_CAST "system-out");
                rc |= put_findings(w, c, r->check, 0);
                rc |= xmlTextWriterEndElement(w->x);
            }
            rc |= xmlTextWriterEndElement(w->x);
        }
        rc |= xmlTextWriterEndElement(w->x);
    }
    rc |= xmlTextWriterEndDocument(w->x);
    xmlFreeTextWriter(w->x);  /* closes buf; flushes into out */
    gs_free(rows);
    if (w->oom)
        return GS_ENOMEM;
    return rc < 0 || ferror(out) ? GS_EIO : GS_OK;
}

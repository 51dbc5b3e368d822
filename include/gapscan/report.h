/* report.h - render a judged comparison as files.
 *
 * Renderers print what the comparison holds and compute nothing about the
 * data. Reports are written to a temporary file in the output directory and
 * renamed into place, so an interrupted run never leaves a half-written
 * report over a good one, and a symlink planted at the report's name is
 * replaced, never written through.
 *
 * Deterministic: the same comparison and meta give the same bytes. Nothing
 * time- or thread-dependent (run time, -j) goes into these files.
 */
#ifndef GAPSCAN_REPORT_H
#define GAPSCAN_REPORT_H

#include "gapscan/compare.h"
#include "gapscan/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_REPORT_FORMAT "gapscan-report"
#define GS_REPORT_VERSION 1

typedef struct gs_report_meta {
    const char *as_of;       /* YYYY-MM-DD */
    const char *sandbox;     /* what the user named (root or profile) */
    const char *production;
    int ready;               /* the verdict */
    const gs_policy *policy; /* what judged it (source, SHA-256, checklist) */
    const char *command;     /* the command line, without options that
                                cannot change a result (-j, -q, -o) */
} gs_report_meta;

/* Write DIR/report.json, DIR/report.md, DIR/junit.xml and DIR/report.html
 * (DIR is created if missing). */
gs_status gs_report_write(gs_comparison *c, const gs_report_meta *m,
                          const char *dir, gs_error *err);

/* The single renderers, to any stream (for tests and stdout). */
gs_status gs_report_json(gs_comparison *c, const gs_report_meta *m, FILE *out);
gs_status gs_report_markdown(gs_comparison *c, const gs_report_meta *m,
                             FILE *out);
/* JUnit XML: one test case per check (report_junit.c). */
gs_status gs_report_junit(gs_comparison *c, const gs_report_meta *m, FILE *out);
/* One self-contained HTML page (report_html.c): no network, no external
 * assets, a strict Content-Security-Policy; bounded in size whatever the
 * comparison holds (rows left out are counted on the page). */
gs_status gs_report_html(gs_comparison *c, const gs_report_meta *m, FILE *out);

/* A valid UTF-8 copy of s in which every byte that is not part of a valid
 * sequence is shown as the four characters \xNN (file names may hold any
 * bytes). Allocated with gs_malloc; NULL on ENOMEM. */
char *gs_utf8_visible(const char *s);

/* The length of the bidirectional control character (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069) that s[0..n) starts with, its code
 * point in *cp; 0 when it starts with none. Markdown and JUnit show these
 * as "\u{202E}" so that a file name cannot reorder the text around it. */
size_t gs_utf8_bidi(const char *s, size_t n, unsigned *cp);

#ifdef __cplusplus
}
#endif
#endif

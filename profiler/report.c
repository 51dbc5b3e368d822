/* report.c - report.json and report.md from a judged comparison.
 *
 * Every string that came from the data (values, paths, field names) goes
 * through one of two escapers: gs_utf8_visible() turns bytes that are not valid
 * UTF-8 into visible "\xNN" and is used before JSON (where yajl escapes
 * quotes and controls); md_text() additionally neutralises Markdown and
 * HTML syntax, line breaks and table pipes, so a value can never become
 * markup. Output files are written to a temporary name and renamed.
 *
 * Invariants: see report.h (deterministic; no statistics computed here). */
#include "gapscan/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gapscan/assumptions.h"
#include "gapscan/drift.h"
#include "gapscan/sketch.h"
#include "jsonw.h"


/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* The bytes of gs_utf8_visible(s), handed out one at a time, so that the
 * Markdown writer needs no copy (and cannot fail for want of memory). */
typedef struct visible {
    const unsigned char *s;
    size_t n, i;      /* s[i..n) is left */
    size_t run;       /* bytes of a valid sequence still to hand out */
    char esc[5];      /* "\xNN" for an invalid byte ... */
    int esc_at;       /* ... and its next byte (4: none pending) */
} visible;

static visible visible_of(const char *s)
{
    s = s ? s : "";
    return (visible){.s = (const unsigned char *)s, .n = strlen(s),
                     .esc_at = 4};
}

/* The next byte, or -1 at the end. */
static int visible_next(visible *v)
{
    if (v->esc_at < 4)
        return (unsigned char)v->esc[v->esc_at++];
    if (v->i >= v->n)
        return -1;
    if (v->run == 0) {
        v->run = utf8_seq(v->s + v->i, v->n - v->i);
        if (v->run == 0) {
            snprintf(v->esc, sizeof v->esc, "\\x%02X", v->s[v->i++]);
            v->esc_at = 1;
            return '\\';
        }
    }
    v->run--;
    return v->s[v->i++];
}

/* See report.h. */
size_t gs_utf8_bidi(const char *s, size_t n, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && u[0] == 0xD8 && u[1] == 0x9C) {
        *cp = 0x061C;
        return 2;
    }
    if (n < 3 || u[0] != 0xE2)
        return 0;
    unsigned c = (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    c |= 0x2000;
    if ((u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F ||
                          (u[2] >= 0xAA && u[2] <= 0xAE))) ||
        (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)) {
        *cp = c;
        return 3;
    }
    return 0;
}

/* See report.h. */
char *gs_utf8_visible(const char *s)
{
    visible v = visible_of(s);
    char *out = gs_malloc(v.n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (int c; (c = visible_next(&v)) >= 0;)
        out[o++] = (char)c;
    out[o] = '\0';
    return out;
}

/* ---- JSON ------------------------------------------------------------- */

/* The JSON generator and the first allocation failure of a rendering:
 * a report missing a string is not written (GS_ENOMEM). */
typedef struct jgen {
    yajl_gen y;
    gs_status st;
} jgen;

/* "key": s (or s alone when key is NULL) through gs__jsonw_visible. */
static void js(jgen *g, const char *key, const char *s)
{
    if (!gs__jsonw_visible(g->y, key, s))
        g->st = GS_ENOMEM;
}

static void json_side(jgen *g, const gs_side *s)
{
    const gs_corpus_facts *c = s->corpus;
    yajl_gen_map_open(g->y);
    gs__jsonw_str(g->y, "roots");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < gs_profile_root_count(s->profile); i++)
        js(g, NULL, gs_profile_root(s->profile, i));
    yajl_gen_array_close(g->y);
    gs__jsonw_u64(g->y, "files", c->files);
    gs__jsonw_u64(g->y, "bytes", c->bytes);
    gs__jsonw_u64(g->y, "bytes_decoded", c->bytes_decoded);
    gs__jsonw_u64(g->y, "records", c->records);
    gs__jsonw_u64(g->y, "lines", c->lines);
    gs__jsonw_u64(g->y, "fields", s->fields);
    gs__jsonw_u64(g->y, "collections", s->collections);
    gs__jsonw_u64(g->y, "files_partial", c->files_partial);
    gs__jsonw_u64(g->y, "skipped", c->skipped);
    gs__jsonw_u64(g->y, "files_with_bom", c->files_with_bom);
    gs__jsonw_u64(g->y, "files_invalid_utf8", c->files_invalid_utf8);
    gs__jsonw_u64(g->y, "invalid_utf8", c->invalid_utf8);
    gs__jsonw_u64(g->y, "nul_bytes", c->nul_bytes);
    gs__jsonw_u64(g->y, "control_chars", c->control_chars);
    gs__jsonw_str(g->y, "line_endings");
    yajl_gen_map_open(g->y);
    gs__jsonw_u64(g->y, "lf", c->lf);
    gs__jsonw_u64(g->y, "crlf", c->crlf);
    gs__jsonw_u64(g->y, "cr", c->cr);
    gs__jsonw_u64(g->y, "files_mixed", c->files_mixed_eol);
    yajl_gen_map_close(g->y);
    gs__jsonw_u64(g->y, "paths_overflow", c->paths_overflow);
    gs__jsonw_u64(g->y, "chars", c->chars);
    gs__jsonw_u64(g->y, "tokens", s->tokens);
    gs__jsonw_double(g->y, "ingest_cost", s->ingest_cost, GS__JSONW_READABLE);
    gs__jsonw_str(g->y, "staleness");
    yajl_gen_map_open(g->y);
    gs__jsonw_u64(g->y, "docs_dated", c->docs_dated);
    gs__jsonw_u64(g->y, "docs_future", c->docs_future);
    gs__jsonw_u64(g->y, "docs_resaved", c->docs_resaved);
    gs__jsonw_double(g->y, "age_p10_days", s->age_p10, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "age_median_days", s->age_p50, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "age_p90_days", s->age_p90, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "age_max_days", s->age_max, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "share_stale", s->share_stale, GS__JSONW_READABLE);
    gs__jsonw_str(g->y, "docs_marked");
    yajl_gen_map_open(g->y);
    for (int i = 0; i < GS_MARK__COUNT; i++)
        gs__jsonw_u64(g->y, gs_stale_marker_name((gs_stale_marker)i),
                      c->docs_marked[i]);
    yajl_gen_map_close(g->y);
    yajl_gen_map_close(g->y);
    yajl_gen_map_close(g->y);
}

/* One piece of evidence: where (null path when none), the value, a note. */
static void json_place(jgen *g, const char *path, const gs_loc *loc,
                       const char *value, const char *detail)
{
    yajl_gen_map_open(g->y);
    js(g, "path", path && path[0] ? path : NULL);
    gs__jsonw_u64(g->y, "line", loc->line);
    gs__jsonw_u64(g->y, "col", loc->col);
    gs__jsonw_u64(g->y, "record", loc->record);
    js(g, "value", value);
    js(g, "detail", detail);
    yajl_gen_map_close(g->y);
}

/* Per-field drift rows (compare.h gs_field_drift); NAN prints as null. */
static void json_drift(jgen *g, const gs_comparison *c)
{
    const gs_field_drift *rows;
    size_t n = gs_comparison_drift(c, &rows);
    gs__jsonw_str(g->y, "drift");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < n; i++) {
        const gs_field_drift *r = &rows[i];
        yajl_gen_map_open(g->y);
        js(g, "collection", r->collection);
        js(g, "path", r->path);
        js(g, "kind", r->kind == 'n'   ? "numeric"
                      : r->kind == 'c' ? "categorical"
                                       : "untested");
        gs__jsonw_u64(g->y, "n_sandbox", r->n_sandbox);
        gs__jsonw_u64(g->y, "n_production", r->n_production);
        gs__jsonw_double(g->y, "psi", r->psi, GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "ks", r->ks, GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "ks_p", r->ks_p, GS__JSONW_READABLE);
        gs__jsonw_bool(g->y, "ks_exact", r->ks_exact);
        gs__jsonw_double(g->y, "wasserstein", r->wasserstein,
                         GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "js", r->js, GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "chi2_p", r->chi2_p, GS__JSONW_READABLE);
        gs__jsonw_u64(g->y, "new_categories", r->new_categories);
        gs__jsonw_u64(g->y, "vanished_categories", r->vanished_categories);
        gs__jsonw_double(g->y, "null_sandbox", r->null_sandbox,
                         GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "null_production", r->null_production,
                         GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "null_p", r->null_p, GS__JSONW_READABLE);
        gs__jsonw_bool(g->y, "drifted", r->drifted);
        gs__jsonw_bool(g->y, "missingness_drifted", r->missing_drifted);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);
}

/* The assumptions the comparison checked (assumptions.h): per assumption
 * what is assumed, the evidence and strength, and production's violations
 * with their examples. */
/* One side of a field in "fields": its formats as the profile counted them
 * (gs_field_stats, after the context rule for null tokens), or null. */
static void json_field_side(jgen *g, const gs_profile *p, const gs_field *f)
{
    if (!f) {
        yajl_gen_null(g->y);
        return;
    }
    gs_field_stats s;
    gs_field_stats_get(f, &s);
    yajl_gen_map_open(g->y);
    gs__jsonw_str(g->y, "formats");
    yajl_gen_map_open(g->y);
    for (int i = 0; i < GS_VFMT__COUNT; i++)
        if (s.formats[i])
            gs__jsonw_u64(g->y, gs_vformat_name((gs_vformat)i), s.formats[i]);
    yajl_gen_map_close(g->y);
    js(g, "dominant", s.dominant_format >= 0
                          ? gs_vformat_name((gs_vformat)s.dominant_format)
                          : NULL);
    gs__jsonw_double(g->y, "share",
                     s.dominant_format >= 0 ? s.dominant_share : NAN,
                     GS__JSONW_READABLE);
    uint64_t records = gs_profile_collection_records(p, s.collection);
    gs__jsonw_double(g->y, "presence",
                     records ? (double)s.present / (double)records : NAN,
                     GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "null_share",
                     s.count ? (double)s.types[GS_VT_NULL] / (double)s.count
                             : NAN,
                     GS__JSONW_READABLE);
    yajl_gen_map_close(g->y);
}

/* "fields": every (collection, path) of either profile in key order, at
 * most max_paths of them, each with its formats per side. */
static void json_fields(jgen *g, const gs_profile *sb, const gs_profile *pr,
                        size_t max_paths)
{
    size_t i = 0, k = 0, ns = gs_profile_field_count(sb);
    size_t np = gs_profile_field_count(pr);
    gs__jsonw_str(g->y, "fields");
    yajl_gen_array_open(g->y);
    for (size_t out = 0; out < max_paths && (i < ns || k < np); out++) {
        const gs_field *a = i < ns ? gs_profile_field_at(sb, i) : NULL;
        const gs_field *b = k < np ? gs_profile_field_at(pr, k) : NULL;
        gs_field_stats sa, sp;
        if (a)
            gs_field_stats_get(a, &sa);
        if (b)
            gs_field_stats_get(b, &sp);
        int d = !a ? 1 : !b ? -1 : strcmp(sa.collection, sp.collection);
        if (a && b && d == 0)
            d = strcmp(sa.path, sp.path);
        const gs_field *f = d <= 0 ? a : b;
        yajl_gen_map_open(g->y);
        js(g, "collection", d <= 0 ? sa.collection : sp.collection);
        js(g, "path", gs_field_path(f));
        gs__jsonw_str(g->y, "sandbox");
        json_field_side(g, sb, d <= 0 ? a : NULL);
        gs__jsonw_str(g->y, "production");
        json_field_side(g, pr, d >= 0 ? b : NULL);
        yajl_gen_map_close(g->y);
        i += d <= 0;
        k += d >= 0;
    }
    yajl_gen_array_close(g->y);
}

static void json_assumptions(jgen *g, const gs_comparison *c)
{
    const gs_assumptions *as = gs_comparison_assumptions(c);
    gs__jsonw_str(g->y, "assumptions");
    yajl_gen_map_open(g->y);
    js(g, "source", as ? gs_assumptions_source(as) : NULL);
    gs__jsonw_str(g->y, "items");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; as && i < gs_assumptions_count(as); i++) {
        const gs_assumption *a = gs_assumptions_at(as, i);
        yajl_gen_map_open(g->y);
        js(g, "collection", a->collection);
        js(g, "path", a->path);
        js(g, "kind", gs_assume_kind_name(a->kind));
        gs__jsonw_str(g->y, "assumed");
        yajl_gen_map_open(g->y);
        switch (a->kind) {
        case GS_ASSUME_PRESENT:
            gs__jsonw_double(g->y, "presence", a->presence, GS__JSONW_READABLE);
            break;
        case GS_ASSUME_TYPE:
            gs__jsonw_str(g->y, "types");
            yajl_gen_array_open(g->y);
            for (int t = 0; t < GS_VT__COUNT; t++)
                if (a->types & 1u << t)
                    js(g, NULL, gs_vtype_name((gs_vtype)t));
            yajl_gen_array_close(g->y);
            break;
        case GS_ASSUME_RANGE:
            gs__jsonw_double(g->y, "min", a->min, GS__JSONW_READABLE);
            gs__jsonw_double(g->y, "max", a->max, GS__JSONW_READABLE);
            break;
        case GS_ASSUME_MAX_LENGTH:
            gs__jsonw_u64(g->y, "max_length", a->max_len);
            break;
        case GS_ASSUME_FIELDS:
        case GS_ASSUME_ENUM:
            gs__jsonw_str(g->y,
                          a->kind == GS_ASSUME_ENUM ? "values" : "fields");
            yajl_gen_array_open(g->y);
            for (size_t k = 0; k < a->n_values; k++)
                js(g, NULL, a->values[k]);
            yajl_gen_array_close(g->y);
            break;
        case GS_ASSUME_FORMAT:
            gs__jsonw_str(g->y, "format");
            yajl_gen_array_open(g->y);
            for (unsigned b = 1; b && b <= a->format; b <<= 1)
                if ((a->format & b) && gs_assume_format_name(b))
                    js(g, NULL, gs_assume_format_name(b));
            yajl_gen_array_close(g->y);
            break;
        case GS_ASSUME_NESTED:
            js(g, "container", a->nested == 'a' ? "array" : "object");
            break;
        default:
            break;
        }
        yajl_gen_map_close(g->y);
        gs__jsonw_str(g->y, "evidence");
        yajl_gen_map_open(g->y);
        gs__jsonw_u64(g->y, "support", a->support);
        gs__jsonw_double(g->y, "unseen", a->unseen, GS__JSONW_READABLE);
        js(g, "method", a->method);
        yajl_gen_map_close(g->y);
        js(g, "strength",
           a->declared ? "declared" : a->weak ? "weak" : "strong");
        js(g, "check", a->check);
        gs__jsonw_bool(g->y, "checked", a->checked);
        gs__jsonw_u64(g->y, "checked_n", a->checked_n);
        gs__jsonw_u64(g->y, "violations", a->violations);
        gs__jsonw_double(g->y, "violation_rate",
                         a->checked_n ? (double)a->violations /
                                            (double)a->checked_n
                                      : NAN,
                         GS__JSONW_READABLE);
        gs__jsonw_bool(g->y, "violations_estimated", a->violations_estimated);
        gs__jsonw_bool(g->y, "new_in_production", a->new_in_production);
        gs__jsonw_str(g->y, "examples");
        yajl_gen_array_open(g->y);
        for (size_t k = 0; k < a->n_examples; k++) {
            const gs_example *e = &a->examples[k];
            json_place(g, e->path, &e->loc, e->value, e->detail);
        }
        yajl_gen_array_close(g->y);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);
    yajl_gen_map_close(g->y);
}

/* A finding's stable id: 16 hex digits of XXH3(check NUL scope), the same
 * whenever the same check fires on the same scope. */
static const char *finding_id(jgen *g, const gs_finding *f, char out[17])
{
    size_t lc = strlen(f->check), ls = strlen(f->scope);
    char *key = gs_malloc(lc + 1 + ls);
    uint64_t h = 0;
    if (key) {
        memcpy(key, f->check, lc + 1);
        memcpy(key + lc + 1, f->scope, ls);
        h = gs_hash(key, lc + 1 + ls);
        gs_free(key);
    } else {
        g->st = GS_ENOMEM;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return out;
}

/* The policy's identity, checklist and waivers (settings.policy). */
static void json_policy(jgen *g, const gs_policy *p)
{
    yajl_gen_map_open(g->y);
    js(g, "source", gs_policy_source(p));
    js(g, "sha256", gs_policy_sha256(p));
    js(g, "as_of", gs_policy_as_of(p));
    gs__jsonw_double(g->y, "price_per_million_tokens",
                     gs_policy_price_per_mtok(p), GS__JSONW_READABLE);
    gs__jsonw_str(g->y, "checklist");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < gs_policy_checklist_count(p); i++) {
        const gs_checklist_item *it = gs_policy_checklist_at(p, i);
        yajl_gen_map_open(g->y);
        js(g, "id", it->id);
        js(g, "title", it->title);
        js(g, "owner", it->owner);
        js(g, "status", gs_checklist_status_name(it->status));
        gs__jsonw_bool(g->y, "required", it->required);
        js(g, "evidence", it->evidence);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);
    gs__jsonw_str(g->y, "waivers");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < gs_policy_waiver_count(p); i++) {
        const gs_policy_waiver *w = gs_policy_waiver_at(p, i);
        yajl_gen_map_open(g->y);
        js(g, "check", w->check);
        js(g, "scope", w->scope);
        js(g, "owner", w->owner);
        js(g, "reason", w->reason);
        js(g, "expires", w->expires);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);
    yajl_gen_map_close(g->y);
}

gs_status gs_report_json(gs_comparison *c, const gs_report_meta *m, FILE *out)
{
    jgen gen = {yajl_gen_alloc(NULL), GS_OK}, *g = &gen;
    if (!g->y)
        return GS_ENOMEM;
    yajl_gen_config(g->y, yajl_gen_beautify, 1);
    yajl_gen_config(g->y, yajl_gen_indent_string, "  ");
    const gs_side *sb = gs_comparison_side(c, 0), *pr = gs_comparison_side(c, 1);
    const gs_limits *lim = gs_profile_limits(pr->profile);
    const gs_compare_opts *o = gs_comparison_opts(c);

    yajl_gen_map_open(g->y);
    js(g, "format", GS_REPORT_FORMAT);
    gs__jsonw_u64(g->y, "version", GS_REPORT_VERSION);
    js(g, "generator", "gapscan " GS_VERSION);
    js(g, "as_of", m->as_of);
    js(g, "verdict", m->ready ? "ready" : "not ready");
    gs__jsonw_u64(g->y, "exit_code", m->ready ? 0 : 1);
    js(g, "command", m->command);
    gs__jsonw_str(g->y, "inputs");
    yajl_gen_map_open(g->y);
    js(g, "sandbox", m->sandbox);
    js(g, "production", m->production);
    yajl_gen_map_close(g->y);

    gs__jsonw_str(g->y, "settings");
    yajl_gen_map_open(g->y);
    gs__jsonw_str(g->y, "policy");
    json_policy(g, m->policy);
    gs__jsonw_str(g->y, "thresholds");
    yajl_gen_map_open(g->y);
    gs__jsonw_double(g->y, "required_presence", o->required_presence,
                     GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "presence_drop", o->presence_drop,
                     GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "new_type_share", o->new_type_share,
                     GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "null_share", o->null_share, GS__JSONW_READABLE);
    gs__jsonw_u64(g->y, "enum_max_distinct", o->enum_max_distinct);
    gs__jsonw_u64(g->y, "enum_min_values", o->enum_min_values);
    gs__jsonw_u64(g->y, "min_values", o->min_values);
    gs__jsonw_double(g->y, "drift_psi", o->drift_psi, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "drift_js", o->drift_js, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "drift_null", o->drift_null, GS__JSONW_READABLE);
    gs__jsonw_double(g->y, "drift_fdr", o->drift_fdr, GS__JSONW_READABLE);
    gs__jsonw_u64(g->y, "drift_min_values", o->drift_min_values);
    gs__jsonw_u64(g->y, "drift_psi_bins", GS_DRIFT_PSI_BINS);
    gs__jsonw_u64(g->y, "stale_days", o->stale_days);
    gs__jsonw_u64(g->y, "kll_k", GS_KLL_K_DEFAULT);
    yajl_gen_map_close(g->y);
    gs__jsonw_str(g->y, "limits");
    yajl_gen_map_open(g->y);
    gs__jsonw_u64(g->y, "max_field_bytes", lim->max_field_bytes);
    gs__jsonw_u64(g->y, "max_record_bytes", lim->max_record_bytes);
    gs__jsonw_u64(g->y, "max_columns", lim->max_columns);
    gs__jsonw_u64(g->y, "max_depth", lim->max_depth);
    gs__jsonw_u64(g->y, "max_paths", lim->max_paths);
    gs__jsonw_u64(g->y, "max_examples", lim->max_examples);
    gs__jsonw_u64(g->y, "max_top_values", lim->max_top_values);
    gs__jsonw_u64(g->y, "max_inflate_ratio", lim->max_inflate_ratio);
    gs__jsonw_u64(g->y, "hll_lg_k", lim->hll_lg_k);
    yajl_gen_map_close(g->y);
    yajl_gen_map_close(g->y);

    gs__jsonw_str(g->y, "sides");
    yajl_gen_map_open(g->y);
    gs__jsonw_str(g->y, "sandbox");
    json_side(g, sb);
    gs__jsonw_str(g->y, "production");
    json_side(g, pr);
    yajl_gen_map_close(g->y);

    const gs_volume_row *vol;
    size_t nv = gs_comparison_volume(c, &vol);
    gs__jsonw_str(g->y, "volume");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < nv; i++) {
        yajl_gen_map_open(g->y);
        js(g, "name", vol[i].name);
        gs__jsonw_u64(g->y, "sandbox", vol[i].sandbox);
        gs__jsonw_u64(g->y, "production", vol[i].production);
        gs__jsonw_double(g->y, "ratio", vol[i].ratio, GS__JSONW_READABLE);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);

    const char *const *dist_names;
    size_t n_dists = gs_comparison_dist_names(&dist_names);
    gs__jsonw_str(g->y, "distributions");
    yajl_gen_map_open(g->y);
    for (size_t d = 0; d < n_dists; d++) {
        const gs_dist_row *rows;
        size_t n = gs_comparison_dist(c, dist_names[d], &rows);
        gs__jsonw_str(g->y, dist_names[d]);
        yajl_gen_array_open(g->y);
        for (size_t i = 0; i < n; i++) {
            yajl_gen_map_open(g->y);
            js(g, "key", rows[i].key);
            gs__jsonw_u64(g->y, "sandbox", rows[i].sandbox);
            gs__jsonw_u64(g->y, "production", rows[i].production);
            yajl_gen_map_close(g->y);
        }
        yajl_gen_array_close(g->y);
    }
    yajl_gen_map_close(g->y);

    json_drift(g, c);
    json_fields(g, sb->profile, pr->profile, lim->max_paths);
    json_assumptions(g, c);

    uint64_t counts[3] = {0};
    size_t nf = gs_comparison_finding_count(c);
    char id[17];
    for (size_t i = 0; i < nf; i++)
        counts[gs_comparison_finding(c, i)->severity]++;
    gs__jsonw_str(g->y, "summary");
    yajl_gen_map_open(g->y);
    gs__jsonw_u64(g->y, "fail", counts[GS_SEV_FAIL]);
    gs__jsonw_u64(g->y, "warn", counts[GS_SEV_WARN]);
    gs__jsonw_u64(g->y, "info", counts[GS_SEV_INFO]);
    yajl_gen_map_close(g->y);

    gs__jsonw_str(g->y, "findings");
    yajl_gen_array_open(g->y);
    for (size_t i = 0; i < nf; i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        yajl_gen_map_open(g->y);
        js(g, "id", finding_id(g, f, id));
        js(g, "check", f->check);
        js(g, "severity", gs_severity_name(f->severity));
        gs__jsonw_bool(g->y, "waived", f->waived);
        js(g, "dimension", f->dimension);
        js(g, "scope", f->scope);
        js(g, "message", f->message);
        js(g, "unit", f->unit);
        gs__jsonw_double(g->y, "sandbox", f->sandbox, GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "production", f->production, GS__JSONW_READABLE);
        gs__jsonw_double(g->y, "threshold", f->threshold, GS__JSONW_READABLE);
        gs__jsonw_str(g->y, "evidence");
        yajl_gen_array_open(g->y);
        for (size_t k = 0; k < f->n_evidence; k++) {
            const gs_evidence *e = &f->evidence[k];
            json_place(g, e->path, &e->loc, e->value, e->detail);
        }
        yajl_gen_array_close(g->y);
        yajl_gen_map_close(g->y);
    }
    yajl_gen_array_close(g->y);
    yajl_gen_map_close(g->y);

    const unsigned char *buf;
    size_t len;
    gs_status st = g->st; /* not OK: a string is missing, write nothing */
    if (st != GS_OK)
        goto done;
    if (yajl_gen_get_buf(g->y, &buf, &len) != yajl_gen_status_ok)
        st = GS_ENOMEM;
    else if (fwrite(buf, 1, len, out) != len || fputc('\n', out) == EOF)
        st = GS_EIO;
done:
    yajl_gen_free(g->y);
    return st;
}

/* ---- Markdown ----------------------------------------------------------- */

/* Data as inert Markdown text: escapes markup characters, shows line breaks
 * and controls as visible escapes, and cuts after max bytes at the next
 * character boundary. */
static void md_text(FILE *out, const char *s, size_t max)
{
    visible v = visible_of(s);
    size_t n = 0;
    for (int c; (c = visible_next(&v)) >= 0; n++) {
        unsigned char ch = (unsigned char)c;
        if (n >= max && (ch & 0xC0) != 0x80) {  /* never inside a character */
            fputs("…", out);
            break;
        }
        unsigned cp;
        size_t k = ch >= 0xC0 ? gs_utf8_bidi((const char *)v.s + v.i - 1,
                                             v.n - v.i + 1, &cp)
                              : 0;
        if (k) {  /* the rest of the sequence is not handed out */
            fprintf(out, "\\u{%04X}", cp);
            v.i += k - 1;
            v.run = 0;
            continue;
        }
        if (ch == '\n')
            fputs("\\n", out);
        else if (ch == '\r')
            fputs("\\r", out);
        else if (ch == '\t')
            fputs("\\t", out);
        else if (ch < 0x20 || ch == 0x7F)
            fprintf(out, "\\x%02X", ch);
        else if (strchr("\\`*_[]<>|&", ch))
            fprintf(out, "\\%c", ch);
        else
            fputc(ch, out);
    }
}

static void md_loc(FILE *out, const gs_evidence *e)
{
    if (e->path && e->path[0]) {
        md_text(out, e->path, 300);
        if (e->loc.line) {
            fprintf(out, ":%llu", (unsigned long long)e->loc.line);
            if (e->loc.col)
                fprintf(out, ":%llu", (unsigned long long)e->loc.col);
        }
    }
}

static void md_num(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("–", out);
}

static void md_num_cell(FILE *out, double v, const char *fmt)
{
    if (isnan(v))
        fputs(" — |", out);
    else
        fprintf(out, fmt, v);
}

/* Volume on both sides, the ratio, and the ingest cost when priced. */
static void md_volume(FILE *out, const gs_comparison *c)
{
    const gs_volume_row *v;
    size_t n = gs_comparison_volume(c, &v);
    fputs("## Volume\n\n| | sandbox | production | production / sandbox "
          "|\n|---|---:|---:|---:|\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "| %s | %llu | %llu |", v[i].name,
                (unsigned long long)v[i].sandbox,
                (unsigned long long)v[i].production);
        md_num_cell(out, v[i].ratio, " ×%.1f |");
        fputc('\n', out);
    }
    const gs_side *s = gs_comparison_side(c, 0), *p = gs_comparison_side(c, 1);
    fputs("\nTokens are estimated as characters / 4.", out);
    if (!isnan(p->ingest_cost))
        fprintf(out, " At the policy's price of %g per million tokens, "
                "ingesting production once costs about %.2f (sandbox: %.2f).",
                gs_comparison_opts(c)->price_per_mtok, p->ingest_cost,
                s->ingest_cost);
    fputc('\n', out);
}

/* Ages of the documents' newest content dates, both sides. */
static void md_staleness(FILE *out, const gs_comparison *c)
{
    const gs_compare_opts *o = gs_comparison_opts(c);
    const gs_side *sd[2] = {gs_comparison_side(c, 0), gs_comparison_side(c, 1)};
    fprintf(out, "\n## Staleness\n\nAges are days before the as-of date "
            "to each document's newest content date (metadata, then "
            "last-updated phrases, then dates in the text); files with no "
            "such date are undated.\n\n| | sandbox | production |\n"
            "|---|---:|---:|\n");
    fprintf(out, "| dated documents | %llu of %llu | %llu of %llu |\n",
            (unsigned long long)sd[0]->corpus->docs_dated,
            (unsigned long long)sd[0]->corpus->files,
            (unsigned long long)sd[1]->corpus->docs_dated,
            (unsigned long long)sd[1]->corpus->files);
    const struct {
        const char *name;
        double v[2];
        const char *fmt;
    } rows[] = {
        {"median age (days)", {sd[0]->age_p50, sd[1]->age_p50}, " %.0f |"},
        {"90th percentile age (days)", {sd[0]->age_p90, sd[1]->age_p90},
         " %.0f |"},
        {"oldest (days)", {sd[0]->age_max, sd[1]->age_max}, " %.0f |"},
        {"share older than the threshold", {100 * sd[0]->share_stale,
                                            100 * sd[1]->share_stale},
         " %.1f%% |"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        fprintf(out, "| %s |", rows[i].name);
        md_num_cell(out, rows[i].v[0], rows[i].fmt);
        md_num_cell(out, rows[i].v[1], rows[i].fmt);
        fputc('\n', out);
    }
    fprintf(out, "| documents with future dates | %llu | %llu |\n"
            "| old material saved again | %llu | %llu |\n",
            (unsigned long long)sd[0]->corpus->docs_future,
            (unsigned long long)sd[1]->corpus->docs_future,
            (unsigned long long)sd[0]->corpus->docs_resaved,
            (unsigned long long)sd[1]->corpus->docs_resaved);
    for (int m = 0; m < GS_MARK__COUNT; m++)
        fprintf(out, "| documents saying \"%s\" | %llu | %llu |\n",
                gs_stale_marker_name((gs_stale_marker)m),
                (unsigned long long)sd[0]->corpus->docs_marked[m],
                (unsigned long long)sd[1]->corpus->docs_marked[m]);
    fprintf(out, "\nThreshold: %llu days.\n",
            (unsigned long long)o->stale_days);
}

#define MD_DRIFT_ROWS 50

/* The fields whose distribution or missingness drifted (at most
 * MD_DRIFT_ROWS; report.json has every tested field). */
static void md_drift(FILE *out, const gs_comparison *c)
{
    const gs_field_drift *rows;
    size_t n = gs_comparison_drift(c, &rows), tested = 0, moved = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        tested += rows[i].kind != '-';
        moved += rows[i].drifted || rows[i].missing_drifted;
    }
    fprintf(out, "\n## Distribution drift\n\n%zu of %zu shared fields "
            "tested (keys and free text are not); %zu drifted (Benjamini-"
            "Hochberg across all tests).\n", tested, n, moved);
    if (moved == 0)
        return;
    fputs("\n| field | test | sandbox n | production n | statistic | "
          "nulls |\n|---|---|---:|---:|---|---|\n", out);
    for (size_t i = 0; i < n && shown < MD_DRIFT_ROWS; i++) {
        const gs_field_drift *r = &rows[i];
        if (!r->drifted && !r->missing_drifted)
            continue;
        shown++;
        fputs("| ", out);
        md_text(out, r->collection, 100);
        fputs(":", out);
        md_text(out, r->path, 200);
        fprintf(out, " | %s | %llu | %llu | ", r->kind == 'n' ? "numeric"
                : r->kind == 'c' ? "categorical" : "—",
                (unsigned long long)r->n_sandbox,
                (unsigned long long)r->n_production);
        if (r->kind == 'n')
            fprintf(out, "PSI %.2f, KS %.2f (p %.2g), W1 %.2fσ", r->psi, r->ks,
                    r->ks_p, r->wasserstein);
        else if (r->kind == 'c')
            fprintf(out, "JS %.2f (χ² p %.2g), %llu new, %llu gone", r->js,
                    r->chi2_p, (unsigned long long)r->new_categories,
                    (unsigned long long)r->vanished_categories);
        fprintf(out, " | %.1f%% → %.1f%% |\n", 100 * r->null_sandbox,
                100 * r->null_production);
    }
    if (moved > shown)
        fprintf(out, "\n%zu more in report.json.\n", moved - shown);
}

/* The checklist (gates that are not data) and the waivers in force. */
static void md_checklist(FILE *out, const gs_policy *p)
{
    size_t n = gs_policy_checklist_count(p);
    if (n) {
        fputs("## Checklist\n\n| gate | required | status | owner | evidence "
              "|\n|---|---|---|---|---|\n", out);
        for (size_t i = 0; i < n; i++) {
            const gs_checklist_item *it = gs_policy_checklist_at(p, i);
            fputs("| ", out);
            md_text(out, it->title, 200);
            fprintf(out, " | %s | %s | ", it->required ? "yes" : "no",
                    gs_checklist_status_name(it->status));
            md_text(out, it->owner ? it->owner : "—", 120);
            fputs(" | ", out);
            md_text(out, it->evidence ? it->evidence : "—", 300);
            fputs(" |\n", out);
        }
        fputc('\n', out);
    }
    n = gs_policy_waiver_count(p);
    if (n) {
        fputs("## Waivers\n\n| check | scope | owner | expires | reason "
              "|\n|---|---|---|---|---|\n", out);
        for (size_t i = 0; i < n; i++) {
            const gs_policy_waiver *w = gs_policy_waiver_at(p, i);
            const char *cells[] = {w->check, w->scope, w->owner, w->expires,
                                   w->reason};
            for (size_t k = 0; k < 5; k++) {
                fputs("| ", out);
                md_text(out, cells[k], 300);
                fputc(' ', out);
            }
            fputs("|\n", out);
        }
        fputc('\n', out);
    }
}

gs_status gs_report_markdown(gs_comparison *c, const gs_report_meta *m,
                             FILE *out)
{
    const gs_side *sd[2] = {gs_comparison_side(c, 0), gs_comparison_side(c, 1)};
    size_t nf = gs_comparison_finding_count(c);
    uint64_t counts[3] = {0};
    for (size_t i = 0; i < nf; i++)
        counts[gs_comparison_finding(c, i)->severity]++;

    fputs("# gapscan audit report\n\n", out);
    fprintf(out, "**Verdict: %s** — %llu failing, %llu warning, %llu "
            "informational finding%s.\n\n", m->ready ? "READY" : "NOT READY",
            (unsigned long long)counts[GS_SEV_FAIL],
            (unsigned long long)counts[GS_SEV_WARN],
            (unsigned long long)counts[GS_SEV_INFO], counts[GS_SEV_INFO] == 1
            ? "" : "s");
    fputs("## Provenance\n\n", out);
    fputs("| | |\n|---|---|\n", out);
    fputs("| gapscan | " GS_VERSION " |\n", out);
    fputs("| policy | ", out);
    md_text(out, gs_policy_source(m->policy), 300);
    fprintf(out, " (SHA-256 `%s`) |\n", gs_policy_sha256(m->policy));
    fprintf(out, "| as of | %s |\n", m->as_of);
    fputs("| command | `", out);
    for (const unsigned char *p = (const unsigned char *)(m->command ? m->command : "");
         *p; p++)
        fputc(*p == '`' ? '\'' : *p < 0x20 ? ' ' : *p, out);
    fputs("` |\n", out);
    fputs("| sandbox | ", out);
    md_text(out, m->sandbox, 300);
    fputs(" |\n| production | ", out);
    md_text(out, m->production, 300);
    fputs(" |\n\n", out);

    md_checklist(out, m->policy);
    md_volume(out, c);
    md_staleness(out, c);

    static const char *const titles[] = {
        "Formats (files)", "Encodings (files)", "Compression (files)",
        "Collections (files)", "Collections (records)",
        "Defects (files affected)", "Byte order marks (files)",
        "Age of dated documents (estimated)",
    };
    const char *const *dist_names;
    size_t n_dists = gs_comparison_dist_names(&dist_names);
    for (size_t d = 0; d < n_dists && d < sizeof titles / sizeof *titles; d++) {
        const gs_dist_row *r;
        size_t n = gs_comparison_dist(c, dist_names[d], &r);
        if (n == 0)
            continue;
        fprintf(out, "\n## %s\n\n| | sandbox | production |\n|---|---:|---:|\n",
                titles[d]);
        for (size_t i = 0; i < n; i++) {
            fputs("| ", out);
            md_text(out, r[i].key, 120);
            fprintf(out, " | %llu | %llu |\n", (unsigned long long)r[i].sandbox,
                    (unsigned long long)r[i].production);
        }
    }

    md_drift(out, c);
    fputs("\n## Findings\n", out);
    if (nf == 0)
        fputs("\nNo findings.\n", out);
    for (int sev = GS_SEV_FAIL; sev >= GS_SEV_INFO; sev--) {
        if (counts[sev] == 0)
            continue;
        fprintf(out, "\n### %s (%llu)\n\n",
                sev == GS_SEV_FAIL ? "Fail" : sev == GS_SEV_WARN ? "Warn"
                                                                 : "Info",
                (unsigned long long)counts[sev]);
        for (size_t i = 0; i < nf; i++) {
            const gs_finding *f = gs_comparison_finding(c, i);
            if ((int)f->severity != sev)
                continue;
            fprintf(out, "- **%s** — ", f->check);
            md_text(out, f->scope, 200);
            fputs(": ", out);
            md_text(out, f->message, 600);
            fputs(" (sandbox ", out);
            md_num(out, f->sandbox);
            fputs(", production ", out);
            md_num(out, f->production);
            fprintf(out, " %s)%s\n", f->unit, f->waived ? " — waived" : "");
            for (size_t k = 0; k < f->n_evidence; k++) {
                const gs_evidence *e = &f->evidence[k];
                fputs("  - ", out);
                md_loc(out, e);
                if (e->value) {
                    fputs(e->path && e->path[0] ? " value `" : "value `", out);
                    /* inside a code span markup is inert: only backticks
                     * (which would end it), controls and bidi controls
                     * need care */
                    visible v = visible_of(e->value);
                    for (int ch; (ch = visible_next(&v)) >= 0;) {
                        unsigned cp;
                        size_t k = ch >= 0xC0
                                       ? gs_utf8_bidi((const char *)v.s + v.i - 1,
                                                      v.n - v.i + 1, &cp)
                                       : 0;
                        if (k) {
                            fprintf(out, "\\u{%04X}", cp);
                            v.i += k - 1;
                            v.run = 0;
                        } else if (ch == '`')
                            fputc('\'', out);
                        else if (ch < 0x20 || ch == 0x7F)
                            fprintf(out, "\\x%02X", ch);
                        else
                            fputc(ch, out);
                    }
                    fputs("`", out);
                }
                if (e->detail) {
                    fputs(" — ", out);
                    md_text(out, e->detail, 200);
                }
                fputc('\n', out);
            }
        }
    }
    fputs("\n## Settings\n\n", out);
    const gs_compare_opts *o = gs_comparison_opts(c);
    const gs_limits *lim = gs_profile_limits(sd[1]->profile);
    fprintf(out, "Thresholds: required presence %.2f, presence drop %.2f, "
            "enum domain ≤ %llu values seen ≥ %llu times, assumptions need "
            "≥ %llu sandbox values; drift: PSI ≥ %.2f on %u sandbox-quantile "
            "bins, Jensen-Shannon ≥ %.2f, null share change ≥ %.2f, false "
            "discovery rate %.2f, ≥ %llu values per side; stale after %llu "
            "days. Sketches: HyperLogLog 2^%u registers, KLL k = %u, top %zu "
            "values, %zu examples per finding. Limits: field %zu bytes, depth "
            "%zu, %zu field paths, gzip ratio %llu:1. Run time and host are "
            "left out so that this file is the same on every run.\n",
            o->required_presence, o->presence_drop,
            (unsigned long long)o->enum_max_distinct,
            (unsigned long long)o->enum_min_values,
            (unsigned long long)o->min_values, o->drift_psi,
            GS_DRIFT_PSI_BINS, o->drift_js, o->drift_null, o->drift_fdr,
            (unsigned long long)o->drift_min_values,
            (unsigned long long)o->stale_days, lim->hll_lg_k,
            GS_KLL_K_DEFAULT, lim->max_top_values, lim->max_examples,
            lim->max_field_bytes, lim->max_depth, lim->max_paths,
            (unsigned long long)lim->max_inflate_ratio);
    return ferror(out) ? GS_EIO : GS_OK;
}

/* ---- files -------------------------------------------------------------- */

static gs_status mkdir_p(const char *dir, gs_error *err)
{
    char *d = gs_strdup(dir);
    if (!d)
        return gs_error_set(err, GS_ENOMEM, "out of memory");
    for (char *p = d + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(d, 0777) != 0 && errno != EEXIST) {
            gs_free(d);
            return gs_error_set(err, GS_EIO, "%s: %s", dir, strerror(errno));
        }
        *p = '/';
    }
    int rc = mkdir(d, 0777);
    gs_free(d);
    if (rc != 0 && errno != EEXIST)
        return gs_error_set(err, GS_EIO, "%s: %s", dir, strerror(errno));
    return GS_OK;
}

typedef gs_status (*render_fn)(gs_comparison *, const gs_report_meta *,
                               FILE *);

static gs_status write_atomic(const char *dir, const char *name,
                              render_fn render, gs_comparison *c,
                              const gs_report_meta *m, gs_error *err)
{
    char tmp[4096], final[4096];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return gs_error_set(err, GS_EIO, "%s: %s", final, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return gs_error_set(err, GS_EIO, "%s: %s", final, strerror(errno));
    }
    fchmod(fd, (mode_t)gs_output_mode());
    gs_status st = render(c, m, f);
    if (fflush(f) != 0 || fsync(fd) != 0)
        st = GS_EIO;
    if (fclose(f) != 0)
        st = GS_EIO;
    if (st == GS_OK && rename(tmp, final) != 0)
        st = GS_EIO;
    if (st != GS_OK) {
        unlink(tmp);
        return gs_error_set(err, st, "%s: %s", final,
                            st == GS_EIO ? strerror(errno) : gs_status_str(st));
    }
    return GS_OK;
}

gs_status gs_report_write(gs_comparison *c, const gs_report_meta *m,
                          const char *dir, gs_error *err)
{
    gs_status st = mkdir_p(dir, err);
    if (st == GS_OK)
        st = write_atomic(dir, "report.json", gs_report_json, c, m, err);
    if (st == GS_OK)
        st = write_atomic(dir, "report.md", gs_report_markdown, c, m, err);
    if (st == GS_OK)
        st = write_atomic(dir, "junit.xml", gs_report_junit, c, m, err);
    if (st == GS_OK)
        st = write_atomic(dir, "report.html", gs_report_html, c, m, err);
    return st;
}

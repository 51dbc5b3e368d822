/* compare.c - the checks that turn two profiles into findings.
 *
 * Each check reads both profiles and emits findings with stable ids; none
 * assigns a final severity (the policy does) or formats a report (the
 * renderers do). The checks, by dimension:
 *   integrity/encoding/format defects  every defect code production has,
 *                                      as files affected on each side
 *   encoding                           encodings production has and the
 *                                      sandbox never had; line-ending styles
 *   schema                             every assumption the sandbox
 *                                      implies (assumptions.c: collections,
 *                                      fields, presence, types, nulls,
 *                                      ranges, domains, keys, lengths,
 *                                      nesting), or those of a schema file
 *   format                             padding the sandbox never showed;
 *                                      per field (check_formats, below):
 *                                      date patterns, decimal styles,
 *                                      boolean spellings, null tokens and
 *                                      case styles mixed in production
 *                                      where the sandbox used one; codes
 *                                      with leading zeros; formats the
 *                                      sandbox never had
 *   format per file                    CSV dialects, header orders and
 *                                      line-ending styles mixed within a
 *                                      collection, and a field's dominant
 *                                      format differing between files
 *                                      (compare_layout.c)
 *   coverage, drift, volume, staleness (sections below)
 * Format flags resting on fewer than opts.min_values sandbox values are not
 * checked (they would be guesses); weak schema assumptions are checked and
 * their findings marked weak (assumptions.h).
 *
 * Invariants: see compare.h. */
#include "gapscan/compare.h"

#include "gapscan/assumptions.h"
#include "gapscan/drift.h"

#include "compare-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gs_comparison {
    gs_compare_opts opts;
    gs_side sides[2];
    gs_finding *findings;
    size_t n, cap;
    struct {
        const char *which;
        gs_dist_row *rows;  /* sorted by key once built (age: band order) */
        size_t n, cap;
    } dists[8];
    gs_field_drift *drift;
    size_t n_drift;
    gs_volume_row volume[7];
    gs_assumptions *assumptions;  /* checked, with results */
    gs_status st;  /* first allocation failure */
};

static const char *const dist_names[8] = {
    "format", "encoding", "compression", "collection_files",
    "collection_records", "defect_files", "bom", "age",
};
#define DIST_AGE 7

const char *gs_severity_name(gs_severity s)
{
    return s == GS_SEV_FAIL ? "fail" : s == GS_SEV_WARN ? "warn" : "info";
}

void gs_compare_opts_default(gs_compare_opts *o)
{
    *o = (gs_compare_opts){
        .required_presence = 0.99,
        .presence_drop = 0.05,
        .new_type_share = 0.0,
        .null_share = 0.0,
        .enum_max_distinct = 20,
        .enum_min_values = 30,
        .min_values = 30,
        .drift_psi = 0.25,
        .drift_js = 0.1,
        .drift_null = 0.05,
        .drift_fdr = 0.05,
        .drift_min_values = 5,
        .stale_days = 730,
        .price_per_mtok = NAN,
    };
}

/* ---- building findings ------------------------------------------------ */

static char *xstrdup(gs_comparison *c, const char *s)
{
    if (!s)
        return NULL;
    char *d = gs_strdup(s);
    if (!d && c->st == GS_OK)
        c->st = GS_ENOMEM;
    return d;
}

static gs_finding *vadd(gs_comparison *c, const char *check,
                        const char *dimension, const char *scope,
                        const char *unit, double sb, double pr,
                        const char *fmt, va_list ap)
{
    size_t same = 0;
    for (size_t i = 0; i < c->n; i++)
        same += strcmp(c->findings[i].check, check) == 0;
    if (same >= GS_COMPARE_MAX_PER_CHECK || c->st != GS_OK)
        return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        gs_finding *f = gs_realloc(c->findings, cap * sizeof *f);
        if (!f) {
            c->st = GS_ENOMEM;
            return NULL;
        }
        c->findings = f;
        c->cap = cap;
    }
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    gs_finding *f = &c->findings[c->n++];
    memset(f, 0, sizeof *f);
    f->check = xstrdup(c, check);
    f->dimension = xstrdup(c, dimension);
    f->scope = xstrdup(c, scope);
    f->unit = xstrdup(c, unit);
    f->message = xstrdup(c, msg);
    if ((check && !f->check) || (dimension && !f->dimension) ||
        (scope && !f->scope) || (unit && !f->unit) || !f->message) {
        gs_free(f->check); /* all or nothing: no finding without its text */
        gs_free(f->dimension);
        gs_free(f->scope);
        gs_free(f->unit);
        gs_free(f->message);
        c->n--;
        c->st = GS_ENOMEM;
        return NULL;
    }
    f->sandbox = sb;
    f->production = pr;
    f->threshold = NAN;
    f->severity = GS_SEV_WARN;
    return f;
}

gs_finding *gs__compare_add(gs_comparison *c, const char *check,
                            const char *dimension, const char *scope,
                            const char *unit, double sb, double pr,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gs_finding *f = vadd(c, check, dimension, scope, unit, sb, pr, fmt, ap);
    va_end(ap);
    return f;
}

void gs__compare_fail(gs_comparison *c, gs_status st)
{
    if (c->st == GS_OK)
        c->st = st;
}

static const char *const check_ids[] = {
    "corpus.empty",
    "coverage.new_collection",
    "coverage.new_format",
    "drift.categorical",
    "drift.missingness",
    "drift.numeric",
    "encoding.new_encoding",
    "format.ambiguous_dates",
    "format.decimal_comma",
    "format.digit_grouping",
    "format.format_differs_by_file",
    "format.leading_zero_codes",
    "format.mixed_booleans",
    "format.mixed_case",
    "format.mixed_date_formats",
    "format.mixed_decimal_styles",
    "format.mixed_dialects",
    "format.mixed_header_orders",
    "format.mixed_line_endings",
    "format.mixed_null_tokens",
    "format.new_format",
    "format.new_line_endings",
    "format.padding",
    "policy.waiver_expired",
    "schema.collection_missing",
    "schema.enum_new_values",
    "schema.field_missing",
    "schema.length_exceeded",
    "schema.new_field",
    "schema.nulls_appeared",
    "schema.presence_dropped",
    "schema.range_exceeded",
    "schema.type_changed",
    "schema.unique_violated",
    "staleness.future_date",
    "staleness.marker",
    "staleness.old_content",
    "staleness.resaved",
};

const char *const *gs_compare_checks(size_t *n)
{
    *n = sizeof check_ids / sizeof *check_ids;
    return check_ids;
}

int gs_compare_family_closed(const char *id)
{
    static const char *const closed[] = {"corpus", "schema", "format",
                                         "volume", "drift", "coverage",
                                         "staleness", "policy"};
    size_t len = strcspn(id, ".");
    for (size_t i = 0; i < sizeof closed / sizeof *closed; i++)
        if (strlen(closed[i]) == len && strncmp(id, closed[i], len) == 0)
            return 1;
    return 0;
}

gs_finding *gs_comparison_add(gs_comparison *c, const char *check,
                              const char *dimension, const char *scope,
                              const char *message)
{
    return gs__compare_add(c, check, dimension, scope, "", NAN, NAN, "%s",
                           message);
}

static void evidence(gs_comparison *c, gs_finding *f, const gs_example *ex)
{
    size_t max = gs_profile_limits(c->sides[1].profile)->max_examples;
    if (!f || !ex || !ex->path || f->n_evidence >= max)
        return;
    if (!f->evidence && !(f->evidence = gs_calloc(max, sizeof *f->evidence))) {
        c->st = GS_ENOMEM;
        return;
    }
    gs_evidence *e = &f->evidence[f->n_evidence++];
    e->path = xstrdup(c, ex->path);
    e->loc = ex->loc;
    e->value = xstrdup(c, ex->value);
    e->detail = xstrdup(c, ex->detail);
}

void gs__compare_evidence(gs_comparison *c, gs_finding *f,
                          const gs_example *ex)
{
    evidence(c, f, ex);
}

static void evidence_value(gs_comparison *c, gs_finding *f, const char *value,
                           size_t len, uint64_t count)
{
    char detail[64];
    snprintf(detail, sizeof detail, "seen %llu time%s",
             (unsigned long long)count, count == 1 ? "" : "s");
    char *v = gs_strndup(value, len);
    if (!v) {
        c->st = GS_ENOMEM;
        return;
    }
    gs_example ex = {.path = "", .value = v, .detail = detail};
    evidence(c, f, &ex);
    gs_free(v);
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

/* ---- distributions ------------------------------------------------------ */

static int row_key_cmp(const void *a, const void *b)
{
    return strcmp(((const gs_dist_row *)a)->key, ((const gs_dist_row *)b)->key);
}

/* Appends a row; build_dists sorts and merges rows of equal keys, so a
 * distribution of n keys (a corpus of 100,000 collections) costs
 * O(n log n), not a search per key. */
static void dist_add(gs_comparison *c, int d, const char *key, int side,
                     uint64_t count)
{
    if (c->dists[d].n == c->dists[d].cap) {
        size_t cap = c->dists[d].cap ? 2 * c->dists[d].cap : 16;
        gs_dist_row *r = gs_realloc(c->dists[d].rows, cap * sizeof *r);
        if (!r) {
            c->st = GS_ENOMEM;
            return;
        }
        c->dists[d].rows = r;
        c->dists[d].cap = cap;
    }
    gs_dist_row *r = &c->dists[d].rows[c->dists[d].n];
    *r = (gs_dist_row){xstrdup(c, key), 0, 0};
    if (!r->key)
        return;
    c->dists[d].n++;
    (side ? &r->production : &r->sandbox)[0] += count;
}

/* Sorts a distribution's rows by key and folds each run of equal keys into
 * its first row. */
static void dist_merge(gs_comparison *c, int d)
{
    gs_dist_row *rows = c->dists[d].rows;
    size_t n = c->dists[d].n, out = 0;
    if (n > 1)
        qsort(rows, n, sizeof *rows, row_key_cmp);
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && strcmp(rows[out - 1].key, rows[i].key) == 0) {
            rows[out - 1].sandbox += rows[i].sandbox;
            rows[out - 1].production += rows[i].production;
            gs_free(rows[i].key);
        } else {
            rows[out++] = rows[i];
        }
    }
    c->dists[d].n = out;
}

static void build_dists(gs_comparison *c)
{
    for (int d = 0; d < DIST_AGE; d++) {
        c->dists[d].which = dist_names[d];
        for (int side = 0; side < 2; side++) {
            const gs_profile *p = c->sides[side].profile;
            if (d == 5) {
                for (size_t i = 0; i < gs_profile_defect_count(p); i++) {
                    const gs_defect_summary *s = gs_profile_defect(p, i);
                    dist_add(c, d, s->code, side, s->files);
                }
                continue;
            }
            const gs_count_item *rows;
            size_t n = gs_profile_distribution(p, dist_names[d], &rows);
            if (n == SIZE_MAX) {
                c->st = GS_ENOMEM;
                continue;
            }
            for (size_t i = 0; i < n; i++)
                dist_add(c, d, rows[i].key, side, rows[i].count);
        }
        dist_merge(c, d);
    }
}

/* ---- checks ------------------------------------------------------------- */

static const char *dimension_of(const char *code)
{
    if (strncmp(code, "encoding.", 9) == 0)
        return "encoding";
    if (strncmp(code, "staleness.", 10) == 0)
        return "staleness";
    if (strncmp(code, "csv.", 4) == 0 || strncmp(code, "json.", 5) == 0 ||
        strncmp(code, "jsonl.", 6) == 0)
        return "format";
    return "integrity";
}

static void check_defects(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    uint64_t files_sb = c->sides[0].corpus->files;
    uint64_t files_pr = c->sides[1].corpus->files;
    for (size_t i = 0; i < gs_profile_defect_count(pr); i++) {
        const gs_defect_summary *d = gs_profile_defect(pr, i);
        const gs_defect_summary *s = gs_profile_defect_find(sb, d->code);
        uint64_t s_files = s ? s->files : 0;
        gs_finding *f = gs__compare_add(
            c, d->code, dimension_of(d->code), "corpus", "files",
            (double)s_files, (double)d->files,
            "%llu of %llu production files (%.1f%%) have "
            "%s, %llu occurrences; sandbox: %llu of %llu",
            (unsigned long long)d->files, (unsigned long long)files_pr,
            100.0 * share(d->files, files_pr), d->code,
            (unsigned long long)d->count, (unsigned long long)s_files,
            (unsigned long long)files_sb);
        for (size_t k = 0; k < d->n_examples; k++)
            evidence(c, f, &d->examples[k]);
    }
}

static void check_encodings(gs_comparison *c)
{
    for (size_t i = 0; i < c->dists[1].n; i++) {
        const gs_dist_row *r = &c->dists[1].rows[i];
        if (r->production == 0 || r->sandbox > 0)
            continue;
        gs__compare_add(
            c, "encoding.new_encoding", "encoding", r->key, "files", 0,
            (double)r->production,
            "%llu production file%s in %s, an encoding the sandbox never had",
            (unsigned long long)r->production,
            r->production == 1 ? " is" : "s are", r->key);
    }
    const gs_corpus_facts *s = c->sides[0].corpus, *p = c->sides[1].corpus;
    if (p->files_mixed_eol > 0)
        gs__compare_add(
            c, "format.mixed_line_endings", "format", "corpus", "files",
            (double)s->files_mixed_eol, (double)p->files_mixed_eol,
            "%llu production files mix line endings within the file "
            "(sandbox: %llu)",
            (unsigned long long)p->files_mixed_eol,
            (unsigned long long)s->files_mixed_eol);
    if ((p->crlf > 0 && s->crlf == 0) || (p->cr > 0 && s->cr == 0))
        gs__compare_add(
            c, "format.new_line_endings", "format", "corpus", "lines",
            (double)(s->crlf + s->cr), (double)(p->crlf + p->cr),
            "production uses %s line endings the sandbox never used "
            "(CRLF %llu, CR %llu)",
            p->crlf && !s->crlf ? "CRLF" : "CR", (unsigned long long)p->crlf,
            (unsigned long long)p->cr);
    if (p->files == 0)
        gs__compare_add(c, "corpus.empty", "volume", "corpus", "files",
                        (double)s->files, 0,
                        "production holds no readable files");
}

/* Text-hygiene defects inside a field's values (hygiene.h): one finding
 * per field and class that production has and the sandbox's field had not,
 * with the first value as evidence. The same codes per file come from the
 * documents' defects (check_defects). */
static void check_field_hygiene(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    for (size_t i = 0; i < gs_profile_field_count(pr); i++) {
        gs_field_stats p, s = {0};
        gs_field_stats_get(gs_profile_field_at(pr, i), &p);
        const gs_field *sf = gs_profile_field_find(sb, p.collection, p.path);
        if (sf)
            gs_field_stats_get(sf, &s);
        for (int h = 0; h < GS_HYG_INVALID_UTF8; h++) {
            uint64_t sv = sf ? s.hygiene[h] : 0, pv = p.hygiene[h];
            if (pv == 0 || sv > 0)
                continue;
            char scope[600];
            snprintf(scope, sizeof scope, "field %s:%s", p.collection, p.path);
            const char *code = gs_hygiene_code((gs_hygiene_class)h);
            gs_finding *f = gs__compare_add(
                c, code, "encoding", scope, "values", 0, (double)pv,
                "%llu production value%s of this "
                "field ha%s %s; no sandbox value did",
                (unsigned long long)pv, pv == 1 ? "" : "s",
                pv == 1 ? "s" : "ve", strchr(code, '.') + 1);
            evidence(c, f, &p.hygiene_examples[h]);
        }
    }
}

/* What production has that the pilot never saw at all: file formats and
 * kinds of records (collections). Fields new in production are
 * schema.new_field. */
static void check_coverage(gs_comparison *c)
{
    static const struct {
        int dist;
        const char *check, *what, *scope;
    } kinds[] = {
        {0, "coverage.new_format", "file format", "format"},
        {3, "coverage.new_collection", "kind of record", "collection"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (size_t i = 0; i < c->dists[kinds[k].dist].n; i++) {
            const gs_dist_row *r = &c->dists[kinds[k].dist].rows[i];
            if (r->sandbox > 0 || r->production == 0)
                continue;
            char scope[300];
            snprintf(scope, sizeof scope, "%s %s", kinds[k].scope, r->key);
            gs__compare_add(
                c, kinds[k].check, "coverage", scope, "files", 0,
                (double)r->production,
                "%llu production file%s of a %s the sandbox never had "
                "(\"%s\"): the pilot was never tested on it",
                (unsigned long long)r->production,
                r->production == 1 ? "" : "s", kinds[k].what, r->key);
        }
}

static uint64_t non_null(const gs_field_stats *s)
{
    return s->count - s->types[GS_VT_NULL];
}

/* Padding a field never showed in the sandbox and production does (the
 * schema checks are assumptions.c, the other formats check_formats). */
static void check_field_formats(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    for (size_t i = 0; i < gs_profile_field_count(sb); i++) {
        gs_field_stats s, p;
        gs_field_stats_get(gs_profile_field_at(sb, i), &s);
        const gs_field *pf = gs_profile_field_find(pr, s.collection, s.path);
        if (!pf || non_null(&s) < c->opts.min_values)
            continue;
        gs_field_stats_get(pf, &p);
        char scope[600];
        snprintf(scope, sizeof scope, "field %s:%s", s.collection, s.path);
        /* decimal commas, grouping and ambiguous dates: check_formats */
        if (s.padded == 0 && p.padded > 0)
            gs__compare_add(c, "format.padding", "format", scope, "values", 0,
                            (double)p.padded,
                            "%llu production values have leading or "
                            "trailing spaces; no sandbox value did",
                            (unsigned long long)p.padded);
    }
}

/* ---- volume and staleness ----------------------------------------------- */

static void volume(gs_comparison *c)
{
    for (int i = 0; i < 2; i++) {
        gs_side *sd = &c->sides[i];
        sd->tokens = (sd->corpus->chars + 3) / 4;
        sd->ingest_cost = (double)sd->tokens / 1e6 * c->opts.price_per_mtok;
    }
    const gs_side *s = &c->sides[0], *p = &c->sides[1];
    const gs_volume_row rows[7] = {
        {"files", s->corpus->files, p->corpus->files, 0},
        {"bytes", s->corpus->bytes, p->corpus->bytes, 0},
        {"records", s->corpus->records, p->corpus->records, 0},
        {"characters", s->corpus->chars, p->corpus->chars, 0},
        {"tokens (est.)", s->tokens, p->tokens, 0},
        {"fields", s->fields, p->fields, 0},
        {"collections", s->collections, p->collections, 0},
    };
    for (int i = 0; i < 7; i++) {
        c->volume[i] = rows[i];
        c->volume[i].ratio = rows[i].sandbox ? (double)rows[i].production /
                                                   (double)rows[i].sandbox
                                             : NAN;
    }
}

size_t gs_comparison_volume(const gs_comparison *c, const gs_volume_row **rows)
{
    *rows = c->volume;
    return sizeof c->volume / sizeof *c->volume;
}

/* Age bands, in days before as-of; the last is open. */
static const struct {
    const char *key;
    double max_days;
} age_bands[] = {
    {"up to 30 days", 30},   {"31 to 90 days", 90},  {"91 to 365 days", 365},
    {"1 to 2 years", 730},   {"2 to 5 years", 1826}, {"over 5 years", INFINITY},
};

static void staleness(gs_comparison *c)
{
    const gs_compare_opts *o = &c->opts;
    size_t nb = sizeof age_bands / sizeof *age_bands;
    for (int i = 0; i < 2; i++) {
        gs_side *sd = &c->sides[i];
        sd->age_p10 = sd->age_p50 = sd->age_p90 = sd->age_max = NAN;
        sd->share_stale = NAN;
        const gs_kll *k = gs_profile_content_dates(sd->profile);
        if (!o->as_of_days || !k || gs_kll_count(k) == 0)
            continue;
        double q[4] = {0.9, 0.5, 0.1, 0}, v[4], cut[8], f[8];
        if (gs_kll_quantiles(k, q, 4, v) != GS_OK) {
            c->st = GS_ENOMEM;
            return;
        }
        sd->age_p10 = o->as_of_days - v[0];  /* newest 10%: youngest */
        sd->age_p50 = o->as_of_days - v[1];
        sd->age_p90 = o->as_of_days - v[2];
        sd->age_max = o->as_of_days - v[3];
        /* the CDF at the cut dates: dates <= as_of - days are older */
        cut[0] = o->as_of_days - (double)o->stale_days - 1;
        for (size_t b = 0; b + 1 < nb; b++)
            cut[b + 1] = o->as_of_days - age_bands[b].max_days - 1;
        if (gs_kll_cdf(k, cut, nb, f) != GS_OK) {
            c->st = GS_ENOMEM;
            return;
        }
        sd->share_stale = f[0];
        double n = (double)gs_kll_count(k), younger = 1;
        for (size_t b = 0; b < nb; b++) {
            double older = b + 1 < nb ? f[b + 1] : 0;
            dist_add(c, DIST_AGE, age_bands[b].key, i,
                     (uint64_t)llround((younger - older) * n));
            younger = older;
        }
    }
    c->dists[DIST_AGE].which = dist_names[DIST_AGE];
    /* one row per band, in band order: fold the second side's rows into
     * the first side's */
    gs_dist_row *rows = c->dists[DIST_AGE].rows;
    size_t out = 0;
    for (size_t i = 0; i < c->dists[DIST_AGE].n; i++) {
        size_t j = 0;
        while (j < out && strcmp(rows[j].key, rows[i].key) != 0)
            j++;
        if (j < out) {
            rows[j].sandbox += rows[i].sandbox;
            rows[j].production += rows[i].production;
            gs_free(rows[i].key);
        } else {
            rows[out++] = rows[i];
        }
    }
    c->dists[DIST_AGE].n = out;
    const gs_side *s = &c->sides[0], *p = &c->sides[1];
    if (isnan(p->share_stale) || p->share_stale == 0 ||
        (!isnan(s->share_stale) && p->share_stale <= s->share_stale))
        return;
    char sb[96] = "no dated documents";
    if (!isnan(s->share_stale))
        snprintf(sb, sizeof sb, "%.1f%% (median age %.0f days)",
                 100 * s->share_stale, s->age_p50);
    gs__compare_add(
        c, "staleness.old_content", "staleness", "corpus",
        "share of dated documents", s->share_stale, p->share_stale,
        "%.1f%% of dated production documents are older than %llu days "
        "(median age %.0f days); sandbox: %s",
        100 * p->share_stale, (unsigned long long)o->stale_days, p->age_p50,
        sb);
}

const gs_assumptions *gs_comparison_assumptions(const gs_comparison *c)
{
    return c->assumptions;
}

/* ---- distribution drift ------------------------------------------------- */

static gs_field_drift *drift_row(gs_comparison *c, const gs_field_stats *s)
{
    gs_field_drift *r = gs_realloc(c->drift, (c->n_drift + 1) * sizeof *r);
    if (!r) {
        c->st = GS_ENOMEM;
        return NULL;
    }
    c->drift = r;
    r = &r[c->n_drift];
    *r = (gs_field_drift){
        .collection = xstrdup(c, s->collection), .path = xstrdup(c, s->path),
        .kind = '-', .psi = NAN, .ks = NAN, .ks_p = NAN, .wasserstein = NAN,
        .js = NAN, .chi2_p = NAN, .null_p = NAN,
    };
    if (!r->collection || !r->path) {
        gs_free(r->collection);
        gs_free(r->path);
        return NULL;
    }
    c->n_drift++;
    return r;
}

static int in_topk(const gs_topk_item *items, size_t n, const gs_topk_item *x)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].hash == x->hash)
            return 1;
    return 0;
}

/* Categorical: both sides' top values aligned by identity, plus one cell
 * for everything else; new/vanished only where a side's sketch holds its
 * whole domain (fewer items than it reports, all exact: error 0). */
static void categorical(gs_comparison *c, gs_field_drift *r,
                        const gs_field_stats *s, const gs_field_stats *p)
{
    size_t cs = gs_topk_capacity(s->top), cp = gs_topk_capacity(p->top);
    gs_topk_item *si = gs_calloc(cs + cp + 1, sizeof *si);
    uint64_t *a = gs_calloc(cs + cp + 1, sizeof *a);
    uint64_t *b = gs_calloc(cs + cp + 1, sizeof *b);
    if (!si || !a || !b) {
        c->st = GS_ENOMEM;
        goto out;
    }
    gs_topk_item *pi = si + cs;
    size_t ns = gs_topk_items(s->top, si, cs), np = gs_topk_items(p->top, pi, cp);
    size_t n = 0;
    uint64_t sum_a = 0, sum_b = 0;
    int whole_s = ns < cs && (ns == 0 || si[0].error == 0);
    int whole_p = np < cp && (np == 0 || pi[0].error == 0);
    for (size_t i = 0; i < ns; i++, n++) {
        a[n] = si[i].count;
        sum_a += si[i].count;
        for (size_t j = 0; j < np; j++)
            if (pi[j].hash == si[i].hash)
                b[n] = pi[j].count;
        sum_b += b[n];
        r->vanished_categories += whole_p && b[n] == 0;
    }
    for (size_t j = 0; j < np; j++)
        if (!in_topk(si, ns, &pi[j])) {
            b[n++] = pi[j].count;
            sum_b += pi[j].count;
            r->new_categories += whole_s;
        }
    a[n] = non_null(s) > sum_a ? non_null(s) - sum_a : 0;
    b[n] = non_null(p) > sum_b ? non_null(p) - sum_b : 0;
    n++;
    r->kind = 'c';
    r->js = gs_drift_js(a, b, n);
    r->chi2_p = gs_drift_chi2_p(a, b, n);
out:
    gs_free(si);
    gs_free(a);
    gs_free(b);
}

static void drift_field(gs_comparison *c, const gs_field_stats *s,
                        const gs_field_stats *p)
{
    const gs_compare_opts *o = &c->opts;
    gs_field_drift *r = drift_row(c, s);
    if (!r)
        return;
    r->n_sandbox = non_null(s);
    r->n_production = non_null(p);
    r->null_sandbox = share(s->types[GS_VT_NULL], s->count);
    r->null_production = share(p->types[GS_VT_NULL], p->count);
    r->null_p = gs_two_proportion_p(s->types[GS_VT_NULL], s->count,
                                    p->types[GS_VT_NULL], p->count);
    if (r->n_sandbox < o->drift_min_values ||
        r->n_production < o->drift_min_values)
        return;
    /* Keys and free text have no distribution to speak of: a field whose
     * sandbox values are (nearly) all distinct is not tested. */
    if (s->distinct >= 0.95 * (double)r->n_sandbox)
        return;
    int numeric = s->num_quantiles && p->num_quantiles &&
                  s->numbers >= o->drift_min_values &&
                  p->numbers >= o->drift_min_values &&
                  s->numbers * 10 >= r->n_sandbox * 9;
    /* Categories: only a small domain that the sandbox's top-values sketch
     * holds whole (with room to spare). */
    int small = s->distinct <= (double)gs_topk_capacity(s->top) / 2;
    if (!numeric && !small)
        return;
    if (numeric) {
        gs_drift_numeric d;
        double sd = sqrt(s->num_m2 / (double)s->numbers);
        if (gs_drift_numeric_compare(s->num_quantiles, p->num_quantiles,
                                     s->num_mean, sd, GS_DRIFT_PSI_BINS,
                                     &d) != GS_OK)
            return;
        r->kind = 'n';
        r->psi = d.psi;
        r->ks = d.ks;
        r->ks_p = d.ks_p;
        r->ks_exact = d.ks_exact;
        r->wasserstein = d.wasserstein;
    } else {
        categorical(c, r, s, p);
    }
}

static int drift_cmp(const void *x, const void *y)
{
    const gs_field_drift *a = x, *b = y;
    int d = strcmp(a->collection, b->collection);
    return d ? d : strcmp(a->path, b->path);
}

static void drift_findings(gs_comparison *c)
{
    const gs_compare_opts *o = &c->opts;
    size_t n = c->n_drift;
    double *pv = gs_malloc((2 * n + 1) * sizeof *pv);
    int *rej = gs_malloc((2 * n + 1) * sizeof *rej);
    if (!pv || !rej) {
        c->st = GS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const gs_field_drift *r = &c->drift[i];
        pv[2 * i] = r->kind == 'n' ? r->ks_p : r->chi2_p;
        pv[2 * i + 1] = r->null_p;
    }
    if (gs_drift_bh(pv, 2 * n, o->drift_fdr, rej) == SIZE_MAX) {
        c->st = GS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        gs_field_drift *r = &c->drift[i];
        char scope[600];
        snprintf(scope, sizeof scope, "field %s:%s", r->collection, r->path);
        if (rej[2 * i] && r->kind == 'n' && r->psi >= o->drift_psi) {
            r->drifted = 1;
            gs__compare_add(
                c, "drift.numeric", "drift", scope, "PSI", 0, r->psi,
                "the distribution moved: PSI %.2f, KS D %.2f (p %.2g, %s), "
                "Wasserstein %.2f sandbox standard deviations; %llu sandbox "
                "and %llu production values",
                r->psi, r->ks, r->ks_p, r->ks_exact ? "exact" : "asymptotic",
                r->wasserstein, (unsigned long long)r->n_sandbox,
                (unsigned long long)r->n_production);
        }
        if (rej[2 * i] && r->kind == 'c' && r->js >= o->drift_js) {
            r->drifted = 1;
            gs__compare_add(
                c, "drift.categorical", "drift", scope, "JS distance", 0,
                r->js,
                "the mix of values moved: Jensen-Shannon distance "
                "%.2f (chi-square p %.2g); %llu values new in production, "
                "%llu sandbox values gone",
                r->js, r->chi2_p, (unsigned long long)r->new_categories,
                (unsigned long long)r->vanished_categories);
        }
        /* a never-null field getting nulls is schema.nulls_appeared */
        if (rej[2 * i + 1] && r->null_sandbox > 0 &&
            fabs(r->null_production - r->null_sandbox) >= o->drift_null) {
            r->missing_drifted = 1;
            gs__compare_add(
                c, "drift.missingness", "drift", scope, "null share",
                r->null_sandbox, r->null_production,
                "null or empty in %.1f%% of sandbox values but %.1f%% of "
                "production values (p %.2g)",
                100 * r->null_sandbox, 100 * r->null_production, r->null_p);
        }
    }
out:
    gs_free(pv);
    gs_free(rej);
}

static void check_drift(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    for (size_t i = 0; i < gs_profile_field_count(sb) && c->st == GS_OK; i++) {
        gs_field_stats s, p;
        gs_field_stats_get(gs_profile_field_at(sb, i), &s);
        const gs_field *pf = gs_profile_field_find(pr, s.collection, s.path);
        if (!pf)
            continue;
        gs_field_stats_get(pf, &p);
        drift_field(c, &s, &p);
    }
    if (c->n_drift > 1)
        qsort(c->drift, c->n_drift, sizeof *c->drift, drift_cmp);
    drift_findings(c);
}

size_t gs_comparison_drift(const gs_comparison *c, const gs_field_drift **rows)
{
    *rows = c->drift;
    return c->n_drift;
}

/* ---- format consistency (check_formats) ---------------------------------
 *
 * Per field the sandbox has at least opts.min_values non-null values for,
 * from the format counts of both sides (value.h, profile.h):
 *   format.mixed_date_formats    production writes dates in two or more
 *                                patterns where the sandbox used one (an
 *                                ambiguous d/m date fits %d/%m/%Y and
 *                                %m/%d/%Y alike, so it adds no pattern next
 *                                to either);
 *   format.mixed_decimal_styles  production's decimal marks and grouping
 *                                separators conflict (two marks, two group
 *                                separators, or one character as both) where
 *                                the sandbox's did not;
 *   format.mixed_booleans        two or more boolean spellings in a field
 *                                that is mostly booleans (a country field
 *                                holding "NO" is not one); 1/0 counts as a
 *                                spelling only in a field whose integers are
 *                                all 0 or 1, next to boolean words;
 *   format.mixed_case            two or more case styles of strings;
 *   format.mixed_null_tokens     two or more null spellings (empty, N/A, -,
 *                                ...; tokens read as values do not count);
 *   format.leading_zero_codes    integer-looking fields with codes like 007
 *                                that the sandbox never had;
 *   format.decimal_comma, format.digit_grouping, format.ambiguous_dates
 *                                production writes decimal commas, groups
 *                                digits, or writes dates whose day/month
 *                                order cannot be told, and the sandbox never
 *                                did (the ids of gapscan's first checks);
 *   format.new_format            other formats the sandbox never had in the
 *                                field, unless a mixed_* finding of their
 *                                family already names them (boolean words
 *                                only in a field that is mostly booleans).
 * Every finding gives counts and shares per format and one example with
 * its location per format (the first value of that format seen). */

enum { FAM_DATE, FAM_DECIMAL, FAM_BOOL, FAM_CASE, FAM__COUNT };

static const char *const mixed_check[FAM__COUNT] = {
    "format.mixed_date_formats", "format.mixed_decimal_styles",
    "format.mixed_booleans", "format.mixed_case",
};
static const char *const mixed_what[FAM__COUNT] = {
    "date formats", "decimal styles", "boolean spellings", "case styles",
};

/* 1/0 is a boolean spelling only next to boolean words in a field whose
 * integers are all 0 or 1. */
static int bits_are_booleans(const gs_field_stats *st)
{
    uint64_t ints = 0;
    for (int f = 0; f < GS_VFMT__COUNT; f++)
        if (gs_vformat_family((gs_vformat)f) == GS_FF_INTEGER)
            ints += st->formats[f];
    return st->types[GS_VT_BOOL] > 0 && ints == st->formats[GS_VFMT_INT_0_1];
}

/* Booleans are at least half of the non-null values. */
static int mostly_booleans(const gs_field_stats *st)
{
    uint64_t bools = st->types[GS_VT_BOOL];
    if (bits_are_booleans(st))
        bools += st->formats[GS_VFMT_INT_0_1];
    return 2 * bools >= st->count - st->types[GS_VT_NULL];
}

/* The mixing family format f counts in, or -1. */
static int mix_family(const gs_field_stats *st, int f)
{
    switch (gs_vformat_family((gs_vformat)f)) {
    case GS_FF_DATE:
        return FAM_DATE;
    case GS_FF_DECIMAL:
        return f == GS_VFMT_DEC_SCIENTIFIC ? -1 : FAM_DECIMAL;
    case GS_FF_INTEGER:
        if (f >= GS_VFMT_INT_GROUP_COMMA && f <= GS_VFMT_INT_GROUP_APOS)
            return FAM_DECIMAL;
        return f == GS_VFMT_INT_0_1 && bits_are_booleans(st) ? FAM_BOOL : -1;
    case GS_FF_BOOL:
        return FAM_BOOL;
    case GS_FF_CASE:
        return f == GS_VFMT_STR_UNCASED ? -1 : FAM_CASE;
    default:
        return -1;
    }
}

/* The decimal mark ('.', ',' or 0) and group separator (',', '.', ' ',
 * '\'' or 0) a decimal-style format writes. */
static void decimal_style(int f, char *mark, char *group)
{
    static const struct { int f; char mark, group; } styles[] = {
        {GS_VFMT_DEC_POINT, '.', 0}, {GS_VFMT_DEC_COMMA, ',', 0},
        {GS_VFMT_DEC_COMMA_POINT, '.', ','}, {GS_VFMT_DEC_DOT_COMMA, ',', '.'},
        {GS_VFMT_DEC_SPACE_COMMA, ',', ' '}, {GS_VFMT_DEC_SPACE_POINT, '.', ' '},
        {GS_VFMT_DEC_APOS_POINT, '.', '\''}, {GS_VFMT_DEC_APOS_COMMA, ',', '\''},
        {GS_VFMT_INT_GROUP_COMMA, 0, ','}, {GS_VFMT_INT_GROUP_DOT, 0, '.'},
        {GS_VFMT_INT_GROUP_SPACE, 0, ' '}, {GS_VFMT_INT_GROUP_APOS, 0, '\''},
    };
    *mark = *group = 0;
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++)
        if (styles[i].f == f) {
            *mark = styles[i].mark;
            *group = styles[i].group;
        }
}

/* How many styles of family fam a side writes, counting compatible ones
 * as one: 0 (none), 1 (consistent) or more (mixed). */
static int family_spread(const gs_field_stats *st, int fam)
{
    int n = 0;
    for (int f = 0; f < GS_VFMT__COUNT; f++)
        n += st->formats[f] && mix_family(st, f) == fam;
    if (fam == FAM_DATE && st->formats[GS_VFMT_DATE_DM_AMBIGUOUS] &&
        (st->formats[GS_VFMT_DATE_DMY_SLASH] ||
         st->formats[GS_VFMT_DATE_MDY_SLASH]))
        n--;
    if (fam != FAM_DECIMAL || n < 2)
        return n;
    char mark = 0, group = 0;
    for (int f = 0; f < GS_VFMT__COUNT; f++) {
        char m, g;
        if (!st->formats[f] || mix_family(st, f) != FAM_DECIMAL)
            continue;
        decimal_style(f, &m, &g);
        if ((m && mark && m != mark) || (g && group && g != group))
            return 2;
        mark = m ? m : mark;
        group = g ? g : group;
    }
    return mark && mark == group ? 2 : 1;
}

/* "label n (s%), ..." for the formats in fmts, into buf. */
static void list_formats(const gs_field_stats *p, const int *fmts, size_t n,
                         uint64_t whole, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s %llu (%.1f%%)",
                         i ? ", " : "", gs_vformat_label((gs_vformat)fmts[i]),
                         (unsigned long long)p->formats[fmts[i]],
                         100.0 * share(p->formats[fmts[i]], whole));
        if (w < 0 || (size_t)w >= cap - o) {
            snprintf(buf + o, cap - o, ", ...");
            return;
        }
        o += (size_t)w;
    }
}

/* Examples of the formats in fmts (in that order) from the production
 * field, each labelled with its format. */
static void format_evidence(gs_comparison *c, gs_finding *f,
                            const gs_field *pf, const gs_field_stats *p,
                            const int *fmts, size_t n)
{
    for (size_t i = 0; f && i < n; i++) {
        const gs_example *ex = gs_field_format_example(pf,
                                                       (gs_vformat)fmts[i]);
        if (!ex)
            continue;
        char detail[160];
        snprintf(detail, sizeof detail, "%s (%s), %llu values",
                 gs_vformat_label((gs_vformat)fmts[i]),
                 gs_vformat_name((gs_vformat)fmts[i]),
                 (unsigned long long)p->formats[fmts[i]]);
        gs_example e = *ex;
        e.detail = detail;
        evidence(c, f, &e);
    }
}

/* Production's formats of family fam (fam < 0: those selected by want[]),
 * formats the sandbox never had first, then by count desc. */
static size_t pick_formats(const gs_field_stats *s, const gs_field_stats *p,
                           int fam, const unsigned char *want, int *out)
{
    size_t n = 0;
    for (int f = 0; f < GS_VFMT__COUNT; f++)
        if (p->formats[f] && (fam >= 0 ? mix_family(p, f) == fam : want[f]))
            out[n++] = f;
    for (size_t i = 1; i < n; i++)   /* insertion sort: n is small */
        for (size_t j = i; j > 0; j--) {
            int a = out[j - 1], b = out[j];
            int na = s->formats[a] == 0, nb = s->formats[b] == 0;
            if (na > nb || (na == nb && p->formats[a] >= p->formats[b]))
                break;
            out[j - 1] = b;
            out[j] = a;
        }
    return n;
}

static void check_mixed(gs_comparison *c, const gs_field *pf,
                        const gs_field_stats *s, const gs_field_stats *p,
                        const char *scope, int *fired)
{
    uint64_t p_values = p->count - p->types[GS_VT_NULL];
    for (int fam = 0; fam < FAM__COUNT; fam++) {
        int ss = family_spread(s, fam), ps = family_spread(p, fam);
        fired[fam] = ss <= 1 && ps >= 2 &&
                     (fam != FAM_BOOL || mostly_booleans(p));
        if (!fired[fam])
            continue;
        int fmts[GS_VFMT__COUNT];
        size_t n = pick_formats(s, p, fam, NULL, fmts), n_new = 0;
        for (size_t i = 0; i < n; i++)
            n_new += s->formats[fmts[i]] == 0;
        char list[400];
        list_formats(p, fmts, n, p_values, list, sizeof list);
        gs_finding *f = gs__compare_add(
            c, mixed_check[fam], "format", scope, "formats", ss, (double)n,
            "production mixes %zu %s: %s; %zu of them never "
            "in the sandbox, which used %s",
            n, mixed_what[fam], list, n_new, ss ? "one" : "none");
        format_evidence(c, f, pf, p, fmts, n);
    }
}

static void check_null_tokens(gs_comparison *c, const gs_field *pf,
                              const gs_field_stats *s,
                              const gs_field_stats *p, const char *scope)
{
    size_t ns = 0, np = 0;
    for (size_t t = 0; t < gs_null_token_count(); t++) {
        int sv = t < 32 && (s->null_tokens_as_values >> t & 1);
        int pv = t < 32 && (p->null_tokens_as_values >> t & 1);
        ns += s->null_tokens[t] && !sv;
        np += p->null_tokens[t] && !pv;
    }
    if (ns > 1 || np < 2)
        return;
    char list[400];
    size_t o = 0;
    list[0] = '\0';
    for (size_t t = 0; t < gs_null_token_count() && o + 1 < sizeof list;
         t++) {
        if (!p->null_tokens[t] || (t < 32 && (p->null_tokens_as_values >> t
                                              & 1)))
            continue;
        int w = snprintf(list + o, sizeof list - o, "%s\"%s\" %llu (%.1f%%)",
                         o ? ", " : "", t ? gs_null_token_name(t) : "",
                         (unsigned long long)p->null_tokens[t],
                         100.0 * share(p->null_tokens[t], p->count));
        if (w < 0 || (size_t)w >= sizeof list - o)
            break;
        o += (size_t)w;
    }
    gs_finding *f = gs__compare_add(
        c, "format.mixed_null_tokens", "format", scope, "null spellings",
        (double)ns, (double)np,
        "production writes missing values %zu ways: %s of "
        "%llu values; the sandbox used %s",
        np, list, (unsigned long long)p->count, ns ? "one" : "none");
    int fmts[] = {GS_VFMT_NULL_EMPTY, GS_VFMT_NULL_TOKEN, GS_VFMT_NULL_JSON};
    format_evidence(c, f, pf, p, fmts, 3);
    for (size_t t = 1; f && t < gs_null_token_count(); t++)
        if (p->null_tokens[t] && !(t < 32 && (p->null_tokens_as_values >> t
                                              & 1)))
            evidence_value(c, f, gs_null_token_name(t),
                           strlen(gs_null_token_name(t)), p->null_tokens[t]);
}

/* The old check a new format belongs to, or NULL for format.new_format. */
static const char *legacy_check(int f)
{
    char mark, group;
    if (f == GS_VFMT_DATE_DM_AMBIGUOUS)
        return "format.ambiguous_dates";
    decimal_style(f, &mark, &group);
    if (mark == ',')
        return "format.decimal_comma";
    return group ? "format.digit_grouping" : NULL;
}

static void check_new_formats(gs_comparison *c, const gs_field *pf,
                              const gs_field_stats *s,
                              const gs_field_stats *p, const char *scope,
                              const int *fired)
{
    static const char *const legacy[] = {
        "format.decimal_comma", "format.digit_grouping",
        "format.ambiguous_dates",
    };
    static const char *const legacy_what[] = {
        "use a decimal comma", "group digits in thousands",
        "are dates whose day/month order cannot be told",
    };
    uint64_t p_values = p->count - p->types[GS_VT_NULL];
    unsigned char want[GS_VFMT__COUNT], in_sb[3] = {0};
    for (int f = 0; f < GS_VFMT__COUNT; f++)
        for (int k = 0; k < 3; k++)
            in_sb[k] |= s->formats[f] && legacy_check(f) == legacy[k];
    for (int k = 0; k < 3; k++) {
        memset(want, 0, sizeof want);
        uint64_t n_values = 0;
        for (int f = 0; f < GS_VFMT__COUNT; f++)
            if (p->formats[f] && legacy_check(f) == legacy[k]) {
                want[f] = 1;
                n_values += p->formats[f];
            }
        if (in_sb[k] || n_values == 0)
            continue;
        int fmts[GS_VFMT__COUNT];
        size_t n = pick_formats(s, p, -1, want, fmts);
        char list[400];
        list_formats(p, fmts, n, p_values, list, sizeof list);
        gs_finding *f = gs__compare_add(
            c, legacy[k], "format", scope, "values", 0, (double)n_values,
            "%llu production values (%.1f%%) %s (%s); no "
            "sandbox value did",
            (unsigned long long)n_values, 100.0 * share(n_values, p_values),
            legacy_what[k], list);
        format_evidence(c, f, pf, p, fmts, n);
    }
    /* Other formats new to the field; families reported as mixed, and
     * integer forms that are values rather than spellings, are left out. */
    memset(want, 0, sizeof want);
    uint64_t n_values = 0;
    for (int f = 0; f < GS_VFMT__COUNT; f++) {
        int fam = mix_family(p, f);
        gs_vfamily ff = gs_vformat_family((gs_vformat)f);
        if (!p->formats[f] || s->formats[f] || legacy_check(f) ||
            ff == GS_FF_NULL || ff == GS_FF_INTEGER || ff == GS_FF_OTHER ||
            f == GS_VFMT_STR_UNCASED || (fam >= 0 && fired[fam]) ||
            (ff == GS_FF_BOOL && !mostly_booleans(p)))
            continue;
        want[f] = 1;
        n_values += p->formats[f];
    }
    int fmts[GS_VFMT__COUNT];
    size_t n = pick_formats(s, p, -1, want, fmts);
    if (n == 0)
        return;
    char list[400];
    list_formats(p, fmts, n, p_values, list, sizeof list);
    gs_finding *f = gs__compare_add(
        c, "format.new_format", "format", scope, "values", 0, (double)n_values,
        "%llu production values (%.1f%%) are written in %zu "
        "format%s the sandbox never had here: %s",
        (unsigned long long)n_values, 100.0 * share(n_values, p_values), n,
        n == 1 ? "" : "s", list);
    format_evidence(c, f, pf, p, fmts, n);
}

static void check_leading_zeros(gs_comparison *c, const gs_field *pf,
                                const gs_field_stats *s,
                                const gs_field_stats *p, const char *scope)
{
    uint64_t lz = p->formats[GS_VFMT_INT_LEADING_ZERO];
    uint64_t p_values = p->count - p->types[GS_VT_NULL];
    if (lz == 0 || s->formats[GS_VFMT_INT_LEADING_ZERO] ||
        2 * p->types[GS_VT_INTEGER] < p_values)
        return;
    gs_finding *f =
        gs__compare_add(c, "format.leading_zero_codes", "format", scope,
                        "values", 0, (double)lz,
                        "%llu production values (%.1f%%) are digit codes "
                        "with leading zeros, which a number loses; the "
                        "sandbox had none",
                        (unsigned long long)lz, 100.0 * share(lz, p_values));
    int fmt = GS_VFMT_INT_LEADING_ZERO;
    format_evidence(c, f, pf, p, &fmt, 1);
}

static void check_formats(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    for (size_t i = 0; i < gs_profile_field_count(sb) && c->st == GS_OK;
         i++) {
        gs_field_stats s, p;
        gs_field_stats_get(gs_profile_field_at(sb, i), &s);
        const gs_field *pf = gs_profile_field_find(pr, s.collection, s.path);
        if (!pf || non_null(&s) < c->opts.min_values)
            continue;
        gs_field_stats_get(pf, &p);
        char scope[600];
        snprintf(scope, sizeof scope, "field %s:%s", s.collection, s.path);
        int fired[FAM__COUNT];
        check_mixed(c, pf, &s, &p, scope, fired);
        check_null_tokens(c, pf, &s, &p, scope);
        check_leading_zeros(c, pf, &s, &p, scope);
        check_new_formats(c, pf, &s, &p, scope, fired);
    }
}

/* ---- sorting and lifecycle ---------------------------------------------- */

static int finding_cmp(const void *a, const void *b)
{
    const gs_finding *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity < y->severity ? 1 : -1;
    int d = strcmp(x->check, y->check);
    return d ? d : strcmp(x->scope, y->scope);
}

void gs_comparison_sort(gs_comparison *c)
{
    if (c->n > 1)
        qsort(c->findings, c->n, sizeof *c->findings, finding_cmp);
}

gs_status gs_compare(const gs_profile *sandbox, const gs_profile *production,
                     const gs_compare_opts *opts, gs_comparison **out)
{
    *out = NULL;
    gs_comparison *c = gs_calloc(1, sizeof *c);
    if (!c)
        return GS_ENOMEM;
    if (opts)
        c->opts = *opts;
    else
        gs_compare_opts_default(&c->opts);
    const gs_profile *ps[2] = {sandbox, production};
    for (int i = 0; i < 2; i++) {
        c->sides[i].profile = ps[i];
        c->sides[i].corpus = gs_profile_corpus(ps[i]);
        c->sides[i].fields = gs_profile_field_count(ps[i]);
        const gs_count_item *rows;
        c->sides[i].collections =
            gs_profile_distribution(ps[i], "collection_files", &rows);
        if (c->sides[i].collections == SIZE_MAX)
            c->st = GS_ENOMEM;
    }
    build_dists(c);
    check_defects(c);
    check_encodings(c);
    gs_status st = opts && opts->assumptions
                       ? ((c->assumptions = gs_assumptions_clone(
                               opts->assumptions)) ? GS_OK : GS_ENOMEM)
                       : gs_assumptions_infer(sandbox, &c->opts,
                                              &c->assumptions);
    if (st == GS_OK)
        st = gs_assumptions_check(c->assumptions, sandbox, production, c);
    gs__compare_fail(c, st);
    check_field_formats(c);
    check_field_hygiene(c);
    check_coverage(c);
    check_drift(c);
    volume(c);
    staleness(c);
    check_formats(c);
    gs__compare_layouts(c, sandbox, production);
    gs_comparison_sort(c);
    if (c->st != GS_OK) {
        st = c->st;
        gs_comparison_free(c);
        return st;
    }
    *out = c;
    return GS_OK;
}

void gs_comparison_free(gs_comparison *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        gs_finding *f = &c->findings[i];
        for (size_t k = 0; k < f->n_evidence; k++) {
            gs_free(f->evidence[k].path);
            gs_free(f->evidence[k].value);
            gs_free(f->evidence[k].detail);
        }
        gs_free(f->evidence);
        gs_free(f->check);
        gs_free(f->dimension);
        gs_free(f->scope);
        gs_free(f->unit);
        gs_free(f->message);
    }
    gs_free(c->findings);
    for (size_t i = 0; i < c->n_drift; i++) {
        gs_free(c->drift[i].collection);
        gs_free(c->drift[i].path);
    }
    gs_free(c->drift);
    gs_assumptions_free(c->assumptions);
    for (int d = 0; d < 8; d++) {
        for (size_t i = 0; i < c->dists[d].n; i++)
            gs_free(c->dists[d].rows[i].key);
        gs_free(c->dists[d].rows);
    }
    gs_free(c);
}

const gs_compare_opts *gs_comparison_opts(const gs_comparison *c)
{
    return &c->opts;
}

const gs_side *gs_comparison_side(const gs_comparison *c, int production)
{
    return &c->sides[production ? 1 : 0];
}

size_t gs_comparison_dist(const gs_comparison *c, const char *which,
                          const gs_dist_row **rows)
{
    for (int d = 0; d < 8; d++)
        if (strcmp(dist_names[d], which) == 0) {
            *rows = c->dists[d].rows;
            return c->dists[d].n;
        }
    *rows = NULL;
    return 0;
}

size_t gs_comparison_dist_names(const char *const **names)
{
    *names = dist_names;
    return sizeof dist_names / sizeof *dist_names;
}

size_t gs_comparison_finding_count(const gs_comparison *c)
{
    return c->n;
}

gs_finding *gs_comparison_finding(gs_comparison *c, size_t i)
{
    return i < c->n ? &c->findings[i] : NULL;
}

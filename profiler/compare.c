/* compare.c - the checks that turn two profiles into findings.
 *
 * Each check reads both profiles and emits findings with stable ids; none
 * assigns a final severity (the policy does) or formats a report (the
 * renderers do). The checks, by dimension:
 *   integrity/encoding/format defects  every defect code production has,
 *                                      as files affected on each side
 *   encoding                           encodings production has and the
 *                                      sandbox never had; line-ending styles
 *   schema                             collections and fields the sandbox
 *                                      had and production lacks; presence
 *                                      drops; nulls in never-null fields;
 *                                      types never seen in the sandbox;
 *                                      values outside a small sandbox
 *                                      domain; numeric range; uniqueness;
 *                                      fields new in production
 *   format                             decimal commas, ambiguous day/month
 *                                      dates, padding, leading zeros that
 *                                      the sandbox never showed
 * Assumptions resting on fewer than opts.min_values sandbox values are not
 * checked (they would be guesses), except that a field exists at all.
 *
 * Invariants: see compare.h. */
#include "gapscan/compare.h"

#include "gapscan/drift.h"

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
        gs_dist_row *rows;
        size_t n;
    } dists[6];
    gs_field_drift *drift;
    size_t n_drift;
    gs_status st;  /* first allocation failure */
};

static const char *const dist_names[6] = {
    "format", "encoding", "compression", "collection_files",
    "collection_records", "defect_files",
};

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

static gs_finding *add(gs_comparison *c, const char *check,
                       const char *dimension, const char *scope,
                       const char *unit, double sb, double pr,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

static gs_finding *add(gs_comparison *c, const char *check,
                       const char *dimension, const char *scope,
                       const char *unit, double sb, double pr,
                       const char *fmt, ...)
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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
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

static const char *const check_ids[] = {
    "corpus.empty",
    "drift.categorical",
    "drift.missingness",
    "drift.numeric",
    "encoding.new_encoding",
    "format.ambiguous_dates",
    "format.decimal_comma",
    "format.digit_grouping",
    "format.mixed_line_endings",
    "format.new_line_endings",
    "format.padding",
    "policy.waiver_expired",
    "schema.collection_missing",
    "schema.enum_new_values",
    "schema.field_missing",
    "schema.new_field",
    "schema.nulls_appeared",
    "schema.presence_dropped",
    "schema.range_exceeded",
    "schema.type_changed",
    "schema.unique_violated",
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
    return add(c, check, dimension, scope, "", NAN, NAN, "%s", message);
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

static void dist_add(gs_comparison *c, int d, const char *key, int side,
                     uint64_t count)
{
    for (size_t i = 0; i < c->dists[d].n; i++)
        if (strcmp(c->dists[d].rows[i].key, key) == 0) {
            (side ? &c->dists[d].rows[i].production
                  : &c->dists[d].rows[i].sandbox)[0] += count;
            return;
        }
    gs_dist_row *r = gs_realloc(c->dists[d].rows,
                                (c->dists[d].n + 1) * sizeof *r);
    if (!r) {
        c->st = GS_ENOMEM;
        return;
    }
    c->dists[d].rows = r;
    r = &r[c->dists[d].n];
    *r = (gs_dist_row){xstrdup(c, key), 0, 0};
    if (!r->key)
        return;
    c->dists[d].n++;
    (side ? &r->production : &r->sandbox)[0] += count;
}

static void build_dists(gs_comparison *c)
{
    for (int d = 0; d < 6; d++) {
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
        if (c->dists[d].n > 1)
            qsort(c->dists[d].rows, c->dists[d].n, sizeof *c->dists[d].rows,
                  row_key_cmp);
    }
}

static const gs_dist_row *dist_find(const gs_comparison *c, int d,
                                    const char *key)
{
    for (size_t i = 0; i < c->dists[d].n; i++)
        if (strcmp(c->dists[d].rows[i].key, key) == 0)
            return &c->dists[d].rows[i];
    return NULL;
}

/* ---- checks ------------------------------------------------------------- */

static const char *dimension_of(const char *code)
{
    if (strncmp(code, "encoding.", 9) == 0)
        return "encoding";
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
        gs_finding *f = add(c, d->code, dimension_of(d->code), "corpus",
                            "files", (double)s_files, (double)d->files,
                            "%llu of %llu production files (%.1f%%) have "
                            "%s, %llu occurrences; sandbox: %llu of %llu",
                            (unsigned long long)d->files,
                            (unsigned long long)files_pr,
                            100.0 * share(d->files, files_pr), d->code,
                            (unsigned long long)d->count,
                            (unsigned long long)s_files,
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
        add(c, "encoding.new_encoding", "encoding", r->key, "files", 0,
            (double)r->production,
            "%llu production file%s in %s, an encoding the sandbox never had",
            (unsigned long long)r->production, r->production == 1 ? " is" :
            "s are", r->key);
    }
    const gs_corpus_facts *s = c->sides[0].corpus, *p = c->sides[1].corpus;
    if (p->files_mixed_eol > 0)
        add(c, "format.mixed_line_endings", "format", "corpus", "files",
            (double)s->files_mixed_eol, (double)p->files_mixed_eol,
            "%llu production files mix line endings within the file "
            "(sandbox: %llu)", (unsigned long long)p->files_mixed_eol,
            (unsigned long long)s->files_mixed_eol);
    if ((p->crlf > 0 && s->crlf == 0) || (p->cr > 0 && s->cr == 0))
        add(c, "format.new_line_endings", "format", "corpus", "lines",
            (double)(s->crlf + s->cr), (double)(p->crlf + p->cr),
            "production uses %s line endings the sandbox never used "
            "(CRLF %llu, CR %llu)", p->crlf && !s->crlf ? "CRLF" : "CR",
            (unsigned long long)p->crlf, (unsigned long long)p->cr);
    if (p->files == 0)
        add(c, "corpus.empty", "volume", "corpus", "files",
            (double)s->files, 0, "production holds no readable files");
}

static uint64_t non_null(const gs_field_stats *s)
{
    return s->count - s->types[GS_VT_NULL];
}

static void check_collections(gs_comparison *c)
{
    for (size_t i = 0; i < c->dists[3].n; i++) {
        const gs_dist_row *r = &c->dists[3].rows[i];
        if (r->sandbox == 0 || r->production > 0)
            continue;
        char scope[300];
        snprintf(scope, sizeof scope, "collection %s", r->key);
        add(c, "schema.collection_missing", "schema", scope, "files",
            (double)r->sandbox, 0,
            "the sandbox has %llu file%s of \"%s\"; production has none",
            (unsigned long long)r->sandbox, r->sandbox == 1 ? "" : "s",
            r->key);
    }
}

static int in_topk(const gs_topk_item *items, size_t n, const gs_topk_item *x)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].hash == x->hash)
            return 1;
    return 0;
}

static void check_enum(gs_comparison *c, const gs_field_stats *s,
                       const gs_field_stats *p, const char *scope)
{
    const gs_compare_opts *o = &c->opts;
    size_t cap = gs_topk_capacity(s->top);
    if (non_null(s) < o->enum_min_values || s->distinct > (double)o->enum_max_distinct)
        return;
    gs_topk_item *si = gs_calloc(cap, sizeof *si);
    size_t pcap = gs_topk_capacity(p->top);
    gs_topk_item *pi = gs_calloc(pcap, sizeof *pi);
    if (!si || !pi) {
        c->st = GS_ENOMEM;
        goto out;
    }
    size_t ns = gs_topk_items(s->top, si, cap);
    size_t np = gs_topk_items(p->top, pi, pcap);
    /* The domain is known only if the sandbox sketch never overflowed. */
    if (ns >= cap || ns == 0)
        goto out;
    uint64_t new_values = 0, new_kinds = 0;
    for (size_t i = 0; i < np; i++)
        if (!in_topk(si, ns, &pi[i])) {
            new_values += pi[i].count - pi[i].error;
            new_kinds++;
        }
    if (new_kinds == 0)
        goto out;
    gs_finding *f = add(c, "schema.enum_new_values", "schema", scope,
                        "values", (double)ns, (double)new_kinds,
                        "the sandbox used %zu distinct values; production "
                        "has at least %llu other values in %llu+ records "
                        "(%.1f%% of its non-null values)",
                        ns, (unsigned long long)new_kinds,
                        (unsigned long long)new_values,
                        100.0 * share(new_values, non_null(p)));
    for (size_t i = 0; f && i < np; i++)
        if (!in_topk(si, ns, &pi[i]))
            evidence_value(c, f, pi[i].value, pi[i].len, pi[i].count);
out:
    gs_free(si);
    gs_free(pi);
}

static void check_field(gs_comparison *c, const gs_field *sf,
                        const gs_field *pf)
{
    const gs_compare_opts *o = &c->opts;
    gs_field_stats s, p;
    gs_field_stats_get(sf, &s);
    char scope[600];
    snprintf(scope, sizeof scope, "field %s:%s", s.collection, s.path);
    uint64_t s_recs = gs_profile_collection_records(c->sides[0].profile,
                                                    s.collection);
    uint64_t p_recs = gs_profile_collection_records(c->sides[1].profile,
                                                    s.collection);
    double s_presence = share(s.present, s_recs);
    if (!pf) {
        if (p_recs > 0 && s_presence >= o->required_presence)
            add(c, "schema.field_missing", "schema", scope, "share of records",
                s_presence, 0,
                "present in %.1f%% of sandbox records; in none of %llu "
                "production records", 100 * s_presence,
                (unsigned long long)p_recs);
        return;
    }
    gs_field_stats_get(pf, &p);
    double p_presence = share(p.present, p_recs);
    if (s_recs && p_recs && s_presence >= o->required_presence &&
        p_presence < s_presence - o->presence_drop)
        add(c, "schema.presence_dropped", "schema", scope, "share of records",
            s_presence, p_presence,
            "present in %.1f%% of sandbox records but %.1f%% of production "
            "records", 100 * s_presence, 100 * p_presence);
    if (non_null(&s) < o->min_values)
        return;

    double p_null = share(p.types[GS_VT_NULL], p.count);
    if (s.types[GS_VT_NULL] == 0 && p_null > o->null_share) {
        gs_finding *f = add(c, "schema.nulls_appeared", "schema", scope,
                            "share of values", 0, p_null,
                            "never empty or null in %llu sandbox values; "
                            "%llu of %llu production values (%.1f%%) are",
                            (unsigned long long)s.count,
                            (unsigned long long)p.types[GS_VT_NULL],
                            (unsigned long long)p.count, 100 * p_null);
        evidence(c, f, &p.type_examples[GS_VT_NULL]);
    }
    for (int t = GS_VT_BOOL; t < GS_VT__COUNT; t++) {
        double ps = share(p.types[t], non_null(&p));
        if (s.types[t] != 0 || p.types[t] == 0 || ps <= o->new_type_share)
            continue;
        /* An integer where decimals were expected is a narrower value,
         * not a new type. */
        if (t == GS_VT_INTEGER && s.types[GS_VT_DECIMAL] > 0)
            continue;
        int dom = GS_VT_BOOL;
        for (int u = GS_VT_BOOL; u < GS_VT__COUNT; u++)
            if (s.types[u] > s.types[dom])
                dom = u;
        gs_finding *f = add(c, "schema.type_changed", "schema", scope,
                            "share of values", 0, ps,
                            "sandbox values are %s (%.0f%%); %llu production "
                            "values (%.1f%%) are %s",
                            gs_vtype_name((gs_vtype)dom),
                            100 * share(s.types[dom], non_null(&s)),
                            (unsigned long long)p.types[t], 100 * ps,
                            gs_vtype_name((gs_vtype)t));
        evidence(c, f, &p.type_examples[t]);
    }
    check_enum(c, &s, &p, scope);
    if (s.numbers >= o->min_values && p.numbers > 0 &&
        (p.num_min < s.num_min || p.num_max > s.num_max))
        add(c, "schema.range_exceeded", "schema", scope, "value",
            s.num_max, p.num_max,
            "sandbox values lie in [%g, %g]; production reaches [%g, %g]",
            s.num_min, s.num_max, p.num_min, p.num_max);
    /* Keys are integers or codes; dates and amounts are unique by chance. */
    int key_like = s.types[GS_VT_INTEGER] + s.types[GS_VT_STRING] ==
                   non_null(&s);
    if (key_like && non_null(&s) >= o->min_values &&
        s.distinct >= 0.99 * (double)non_null(&s) &&
        non_null(&p) >= o->min_values &&
        p.distinct < 0.97 * (double)non_null(&p))
        add(c, "schema.unique_violated", "schema", scope, "distinct share",
            share((uint64_t)s.distinct, non_null(&s)),
            share((uint64_t)p.distinct, non_null(&p)),
            "unique in the sandbox (%llu values); production has ~%.0f "
            "distinct among %llu values, so ~%.0f repeat",
            (unsigned long long)non_null(&s), p.distinct,
            (unsigned long long)non_null(&p),
            (double)non_null(&p) - p.distinct);

    struct {
        uint64_t sv, pv;
        const char *check, *what;
    } fmt[] = {
        {s.decimal_comma, p.decimal_comma, "format.decimal_comma",
         "use a decimal comma"},
        {s.date_ambiguous, p.date_ambiguous, "format.ambiguous_dates",
         "are dates whose day/month order cannot be told"},
        {s.padded, p.padded, "format.padding", "have leading or trailing "
         "spaces"},
        {s.grouped, p.grouped, "format.digit_grouping", "use thousands "
         "separators"},
    };
    for (size_t i = 0; i < sizeof fmt / sizeof *fmt; i++)
        if (fmt[i].sv == 0 && fmt[i].pv > 0)
            add(c, fmt[i].check, "format", scope, "values", 0,
                (double)fmt[i].pv,
                "%llu production values %s; no sandbox value did",
                (unsigned long long)fmt[i].pv, fmt[i].what);
}

static void check_fields(gs_comparison *c)
{
    const gs_profile *sb = c->sides[0].profile, *pr = c->sides[1].profile;
    for (size_t i = 0; i < gs_profile_field_count(sb); i++) {
        const gs_field *sf = gs_profile_field_at(sb, i);
        gs_field_stats s;
        gs_field_stats_get(sf, &s);
        check_field(c, sf, gs_profile_field_find(pr, s.collection, s.path));
    }
    for (size_t i = 0; i < gs_profile_field_count(pr); i++) {
        gs_field_stats p;
        gs_field_stats_get(gs_profile_field_at(pr, i), &p);
        const gs_dist_row *r = dist_find(c, 3, p.collection);
        if (!r || r->sandbox == 0 ||
            gs_profile_field_find(sb, p.collection, p.path))
            continue;
        char scope[600];
        snprintf(scope, sizeof scope, "field %s:%s", p.collection, p.path);
        gs_finding *f = add(c, "schema.new_field", "schema", scope, "values",
                            0, (double)p.count,
                            "not in the sandbox; %llu production values",
                            (unsigned long long)p.count);
        for (int t = 0; t < GS_VT__COUNT && f && f->n_evidence == 0; t++)
            evidence(c, f, &p.type_examples[t]);
    }
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

/* Categorical: both sides' top values aligned by identity, plus one cell
 * for everything else; new/vanished only where a side's sketch holds its
 * whole domain. */
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
    for (size_t i = 0; i < ns; i++, n++) {
        a[n] = si[i].count;
        sum_a += si[i].count;
        for (size_t j = 0; j < np; j++)
            if (pi[j].hash == si[i].hash)
                b[n] = pi[j].count;
        sum_b += b[n];
        r->vanished_categories += np < cp && b[n] == 0;
    }
    for (size_t j = 0; j < np; j++)
        if (!in_topk(si, ns, &pi[j])) {
            b[n++] = pi[j].count;
            sum_b += pi[j].count;
            r->new_categories += ns < cs;
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
            add(c, "drift.numeric", "drift", scope, "PSI", 0, r->psi,
                "the distribution moved: PSI %.2f, KS D %.2f (p %.2g, %s), "
                "Wasserstein %.2f sandbox standard deviations; %llu sandbox "
                "and %llu production values", r->psi, r->ks, r->ks_p,
                r->ks_exact ? "exact" : "asymptotic", r->wasserstein,
                (unsigned long long)r->n_sandbox,
                (unsigned long long)r->n_production);
        }
        if (rej[2 * i] && r->kind == 'c' && r->js >= o->drift_js) {
            r->drifted = 1;
            add(c, "drift.categorical", "drift", scope, "JS distance", 0,
                r->js, "the mix of values moved: Jensen-Shannon distance "
                "%.2f (chi-square p %.2g); %llu values new in production, "
                "%llu sandbox values gone", r->js, r->chi2_p,
                (unsigned long long)r->new_categories,
                (unsigned long long)r->vanished_categories);
        }
        /* a never-null field getting nulls is schema.nulls_appeared */
        if (rej[2 * i + 1] && r->null_sandbox > 0 &&
            fabs(r->null_production - r->null_sandbox) >= o->drift_null) {
            r->missing_drifted = 1;
            add(c, "drift.missingness", "drift", scope, "null share",
                r->null_sandbox, r->null_production,
                "null or empty in %.1f%% of sandbox values but %.1f%% of "
                "production values (p %.2g)", 100 * r->null_sandbox,
                100 * r->null_production, r->null_p);
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
    check_collections(c);
    check_fields(c);
    check_drift(c);
    gs_comparison_sort(c);
    if (c->st != GS_OK) {
        gs_status st = c->st;
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
    for (int d = 0; d < 6; d++) {
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
    for (int d = 0; d < 6; d++)
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

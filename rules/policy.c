/* policy.c - load a readiness policy (YAML, libyaml) and judge with it.
 *
 * Loading, in two passes over the text:
 *   1. libyaml's event parser checks what the document loader cannot be
 *      trusted with: anchors and aliases are refused (a policy has no use
 *      for them, and an alias graph is how "billion laughs" works), nesting
 *      is bounded, and syntax errors are located;
 *   2. libyaml's document loader builds the node tree, and the walk below
 *      validates it against the schema: every mapping's keys are known,
 *      every value has its type, dates are real dates, check ids belong to
 *      a known family. The first error wins and is reported as
 *      "name:line:col: message".
 * Every string the policy keeps is copied into it; the YAML tree is freed
 * at once. The SHA-256 of the text (nettle) identifies the policy in the
 * approval packet.
 *
 * Judging (gs_policy_apply): rules are tried in order; the first whose id
 * glob matches the finding's check and whose scope (if any) matches gives
 * the severity. A rule's threshold either feeds the comparison (the checks
 * listed in owned_thresholds) or, for other checks, downgrades a finding
 * whose production value is at or below it to info. Waivers mark matching
 * findings waived until their expiry; an expired waiver adds a failing
 * finding that names it. A finding resting on a weak assumption
 * (gs_finding.weak) is capped at warn.
 */
#include "gapscan/policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#define MAX_POLICY_BYTES (1u << 20)
#define MAX_DEPTH 16

extern const char gs__default_policy_yaml[];

struct gs_policy {
    char *source;
    char sha256[65];
    const char *as_of;       /* one of strings, or NULL */
    double price;
    gs_policy_rule *rules;
    size_t n_rules;
    gs_policy_waiver *waivers;
    size_t n_waivers;
    gs_checklist_item *checklist;
    size_t n_checklist;
    char **strings;          /* every string the policy owns */
    size_t n_strings, cap_strings;
    char **vectors;          /* glob arrays (const char *[]) it owns */
    size_t n_vectors, cap_vectors;
};

/* Check-id families a rule or waiver may name: the first component of
 * every id gapscan can emit. */
static const char *const families[] = {
    "corpus", "schema", "format", "encoding", "staleness", "volume", "drift",
    "coverage", "policy", "file", "walk", "gzip", "csv", "json", "jsonl",
    "xml", "html", "yaml", "text", "markdown",
};

/* The checks whose threshold is a number the comparison itself uses. */
typedef struct owned_threshold {
    const char *check;
    size_t off;          /* in gs_compare_opts */
    int is_count;        /* uint64_t field, else double */
} owned_threshold;

static const owned_threshold owned_thresholds[] = {
    {"schema.field_missing", offsetof(gs_compare_opts, required_presence), 0},
    {"schema.presence_dropped", offsetof(gs_compare_opts, presence_drop), 0},
    {"schema.type_changed", offsetof(gs_compare_opts, new_type_share), 0},
    {"schema.nulls_appeared", offsetof(gs_compare_opts, null_share), 0},
    {"schema.enum_new_values", offsetof(gs_compare_opts, enum_max_distinct), 1},
    {"drift.numeric", offsetof(gs_compare_opts, drift_psi), 0},
    {"drift.categorical", offsetof(gs_compare_opts, drift_js), 0},
    {"drift.missingness", offsetof(gs_compare_opts, drift_null), 0},
    {"staleness.old_content", offsetof(gs_compare_opts, stale_days), 1},
};

const char *gs_policy_builtin_text(void)
{
    return gs__default_policy_yaml;
}

const char *gs_checklist_status_name(gs_checklist_status s)
{
    return s == GS_CHECK_DONE ? "done" : s == GS_CHECK_NA ? "n/a" : "pending";
}

void gs_policy_free(gs_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_strings; i++)
        gs_free(p->strings[i]);
    for (size_t i = 0; i < p->n_vectors; i++)
        gs_free(p->vectors[i]);
    gs_free(p->strings);
    gs_free(p->vectors);
    gs_free(p->rules);
    gs_free(p->waivers);
    gs_free(p->checklist);
    gs_free(p->source);
    gs_free(p);
}

/* ---- loading ---------------------------------------------------------- */

typedef struct loader {
    gs_policy *p;
    yaml_document_t *doc;
    const char *name;
    gs_error *err;
    gs_status st;
} loader;

static int fail_at(loader *L, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(loader *L, yaml_mark_t m, const char *fmt, ...)
{
    if (L->st != GS_OK)
        return 0;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    L->st = gs_error_set(L->err, GS_EINVAL, "%s:%zu:%zu: %s", L->name,
                         m.line + 1, m.column + 1, msg);
    return 0;
}

static int oom(loader *L)
{
    if (L->st == GS_OK)
        L->st = gs_error_set(L->err, GS_ENOMEM, "%s: out of memory", L->name);
    return 0;
}

/* Keep a copy of s in the policy. */
static const char *keep(loader *L, const char *s)
{
    gs_policy *p = L->p;
    if (p->n_strings == p->cap_strings) {
        size_t cap = p->cap_strings ? p->cap_strings * 2 : 32;
        char **v = gs_realloc(p->strings, cap * sizeof *v);
        if (!v)
            return oom(L), NULL;
        p->strings = v;
        p->cap_strings = cap;
    }
    char *c = gs_strdup(s);
    if (!c)
        return oom(L), NULL;
    return p->strings[p->n_strings++] = c;
}

static yaml_node_t *node(loader *L, int id)
{
    return yaml_document_get_node(L->doc, id);
}

static const char *scalar(loader *L, yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_at(L, n->start_mark, "%s must be a string", what), NULL;
    return (const char *)n->data.scalar.value;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static const char *date_value(loader *L, yaml_node_t *n, const char *what)
{
    const char *s = scalar(L, n, what);
    if (s && !valid_date(s))
        return fail_at(L, n->start_mark, "%s must be a date as YYYY-MM-DD, "
                       "not '%s'", what, s), NULL;
    return s ? keep(L, s) : NULL;
}

/* A plain decimal number (no locale: digits, one '.', optional sign). */
static int number_value(loader *L, yaml_node_t *n, const char *what, double *out)
{
    const char *s = scalar(L, n, what);
    if (!s)
        return 0;
    const char *q = s;
    double v = 0, scale = 0;
    int digits = 0, neg = *q == '-';
    if (*q == '-' || *q == '+')
        q++;
    for (; *q; q++) {
        if (*q >= '0' && *q <= '9') {
            digits++;
            if (scale == 0) {
                v = v * 10 + (*q - '0');
            } else {
                v += (*q - '0') * scale;
                scale /= 10;
            }
        } else if (*q == '.' && scale == 0) {
            scale = 0.1;
        } else {
            break;
        }
    }
    if (*q || !digits || digits > 18)
        return fail_at(L, n->start_mark, "%s must be a number, not '%s'",
                       what, s);
    *out = neg ? -v : v;
    return 1;
}

static int bool_value(loader *L, yaml_node_t *n, const char *what, int *out)
{
    const char *s = scalar(L, n, what);
    if (!s)
        return 0;
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        *out = s[0] == 't';
        return 1;
    }
    return fail_at(L, n->start_mark, "%s must be true or false, not '%s'",
                   what, s);
}

static int known_family(const char *id)
{
    if (strcmp(id, "*") == 0)
        return 1;
    size_t len = strcspn(id, ".");
    for (size_t i = 0; i < sizeof families / sizeof *families; i++)
        if (strlen(families[i]) == len && strncmp(id, families[i], len) == 0)
            return 1;
    return 0;
}

static const char *check_id(loader *L, yaml_node_t *n, const char *what)
{
    const char *s = scalar(L, n, what);
    if (!s)
        return NULL;
    if (*s && known_family(s) && gs_compare_family_closed(s) &&
        !strpbrk(s, "*?[")) {
        /* a closed family: the id must be one gapscan emits */
        size_t count, flen = strcspn(s, ".") + 1;
        const char *const *ids = gs_compare_checks(&count);
        char same[600] = "";
        for (size_t i = 0; i < count; i++) {
            if (strcmp(ids[i], s) == 0)
                return keep(L, s);
            if (strncmp(ids[i], s, flen) == 0)
                snprintf(same + strlen(same), sizeof same - strlen(same),
                         "%s%s", same[0] ? ", " : "", ids[i]);
        }
        return fail_at(L, n->start_mark, "unknown check '%s' (known: %s)", s,
                       same[0] ? same : "none in this family yet"), NULL;
    }
    if (!*s || !known_family(s)) {
        char list[400] = "";
        for (size_t i = 0; i < sizeof families / sizeof *families; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     i ? ", " : "", families[i]);
        return fail_at(L, n->start_mark, "unknown check '%s' (a check id "
                       "or glob starting with one of: %s)", s, list), NULL;
    }
    return keep(L, s);
}

/* A list of globs (a sequence of strings, or one string). */
static int globs(loader *L, yaml_node_t *n, const char *what,
                 const char *const **out, size_t *count)
{
    gs_policy *p = L->p;
    size_t len = n->type == YAML_SEQUENCE_NODE
                     ? (size_t)(n->data.sequence.items.top -
                                n->data.sequence.items.start)
                     : 1;
    if (n->type != YAML_SEQUENCE_NODE && n->type != YAML_SCALAR_NODE)
        return fail_at(L, n->start_mark, "%s must be a glob or a list of "
                       "globs", what);
    if (p->n_vectors == p->cap_vectors) {
        size_t cap = p->cap_vectors ? p->cap_vectors * 2 : 8;
        char **v = gs_realloc(p->vectors, cap * sizeof *v);
        if (!v)
            return oom(L);
        p->vectors = v;
        p->cap_vectors = cap;
    }
    const char **vec = gs_calloc(len ? len : 1, sizeof *vec);
    if (!vec)
        return oom(L);
    p->vectors[p->n_vectors++] = (char *)vec;
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *item = n->type == YAML_SEQUENCE_NODE
                                ? node(L, n->data.sequence.items.start[i])
                                : n;
        const char *s = scalar(L, item, what);
        if (!s || !(vec[i] = keep(L, s)))
            return 0;
    }
    *out = vec;
    *count = len;
    return 1;
}

typedef int (*key_fn)(loader *L, void *obj, const char *key, yaml_node_t *v);

/* Walk a mapping, calling fn per key; fn returns -1 for an unknown key. */
static int each_key(loader *L, yaml_node_t *n, const char *what, void *obj,
                    key_fn fn)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_at(L, n->start_mark, "%s must be a mapping", what);
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
         pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(L, pr->key), *v = node(L, pr->value);
        if (k->type != YAML_SCALAR_NODE)
            return fail_at(L, k->start_mark, "keys must be strings");
        const char *key = (const char *)k->data.scalar.value;
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < pr; q++) {
            yaml_node_t *k2 = node(L, q->key);
            if (k2->type == YAML_SCALAR_NODE &&
                strcmp((const char *)k2->data.scalar.value, key) == 0)
                return fail_at(L, k->start_mark, "duplicate key '%s'", key);
        }
        int r = fn(L, obj, key, v);
        if (r < 0)
            return fail_at(L, k->start_mark, "unknown key '%s' in %s", key,
                           what);
        if (!r)
            return 0;
    }
    return 1;
}

static int severity_value(loader *L, yaml_node_t *n, gs_severity *out)
{
    const char *s = scalar(L, n, "severity");
    if (!s)
        return 0;
    if (strcmp(s, "fail") == 0)
        *out = GS_SEV_FAIL;
    else if (strcmp(s, "warn") == 0)
        *out = GS_SEV_WARN;
    else if (strcmp(s, "info") == 0)
        *out = GS_SEV_INFO;
    else
        return fail_at(L, n->start_mark, "severity must be fail, warn or "
                       "info, not '%s'", s);
    return 1;
}

static int scope_key(loader *L, void *obj, const char *key, yaml_node_t *v)
{
    gs_policy_rule *r = obj;
    if (strcmp(key, "fields") == 0)
        return globs(L, v, "scope.fields", &r->fields, &r->n_fields);
    if (strcmp(key, "paths") == 0)
        return globs(L, v, "scope.paths", &r->paths, &r->n_paths);
    return -1;
}

static int rule_key(loader *L, void *obj, const char *key, yaml_node_t *v)
{
    gs_policy_rule *r = obj;
    if (strcmp(key, "id") == 0)
        return (r->check = check_id(L, v, "id")) != NULL;
    if (strcmp(key, "severity") == 0)
        return severity_value(L, v, &r->severity);
    if (strcmp(key, "threshold") == 0)
        return number_value(L, v, "threshold", &r->threshold);
    if (strcmp(key, "scope") == 0)
        return each_key(L, v, "scope", r, scope_key);
    if (strcmp(key, "why") == 0) {
        const char *s = scalar(L, v, "why");
        return s && (r->why = keep(L, s));
    }
    return -1;
}

static int waiver_key(loader *L, void *obj, const char *key, yaml_node_t *v)
{
    gs_policy_waiver *w = obj;
    const char **dst = strcmp(key, "owner") == 0    ? &w->owner
                       : strcmp(key, "reason") == 0 ? &w->reason
                       : strcmp(key, "scope") == 0  ? &w->scope
                                                    : NULL;
    if (strcmp(key, "check") == 0)
        return (w->check = check_id(L, v, "check")) != NULL;
    if (strcmp(key, "expires") == 0)
        return (w->expires = date_value(L, v, "expires")) != NULL;
    if (!dst)
        return -1;
    const char *s = scalar(L, v, key);
    return s && (*dst = keep(L, s));
}

static int item_key(loader *L, void *obj, const char *key, yaml_node_t *v)
{
    gs_checklist_item *c = obj;
    if (strcmp(key, "required") == 0)
        return bool_value(L, v, "required", &c->required);
    if (strcmp(key, "status") == 0) {
        const char *s = scalar(L, v, "status");
        if (!s)
            return 0;
        if (strcmp(s, "done") == 0)
            c->status = GS_CHECK_DONE;
        else if (strcmp(s, "pending") == 0)
            c->status = GS_CHECK_PENDING;
        else if (strcmp(s, "n/a") == 0)
            c->status = GS_CHECK_NA;
        else
            return fail_at(L, v->start_mark, "status must be done, pending "
                           "or n/a, not '%s'", s);
        return 1;
    }
    const char **dst = strcmp(key, "id") == 0         ? &c->id
                       : strcmp(key, "title") == 0    ? &c->title
                       : strcmp(key, "owner") == 0    ? &c->owner
                       : strcmp(key, "evidence") == 0 ? &c->evidence
                                                      : NULL;
    if (!dst)
        return -1;
    const char *s = scalar(L, v, key);
    return s && (*dst = keep(L, s));
}

/* A sequence of mappings into a growing array of elem_size items. */
static int list(loader *L, yaml_node_t *n, const char *what, void **arr,
                size_t *count, size_t elem_size, void (*init)(void *),
                key_fn fn, int (*finish)(loader *, void *, yaml_node_t *))
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_at(L, n->start_mark, "%s must be a list", what);
    size_t len = (size_t)(n->data.sequence.items.top -
                          n->data.sequence.items.start);
    char *a = gs_calloc(len ? len : 1, elem_size);
    if (!a)
        return oom(L);
    *arr = a;
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *item = node(L, n->data.sequence.items.start[i]);
        void *obj = a + i * elem_size;
        if (init)
            init(obj);
        if (!each_key(L, item, what, obj, fn) || !finish(L, obj, item))
            return 0;
        (*count)++;
    }
    return 1;
}

#define NO_SEVERITY ((gs_severity)-1)

static void rule_init(void *obj)
{
    gs_policy_rule *r = obj;
    r->severity = NO_SEVERITY;
    r->threshold = NAN;
}

static int rule_done(loader *L, void *obj, yaml_node_t *n)
{
    gs_policy_rule *r = obj;
    r->line = (unsigned)n->start_mark.line + 1;
    if (!r->check)
        return fail_at(L, n->start_mark, "a check needs an id");
    if (r->severity == NO_SEVERITY)
        return fail_at(L, n->start_mark, "check '%s' needs a severity (fail, "
                       "warn or info)", r->check);
    return 1;
}

static int waiver_done(loader *L, void *obj, yaml_node_t *n)
{
    gs_policy_waiver *w = obj;
    w->line = (unsigned)n->start_mark.line + 1;
    const char *missing = !w->check ? "check" : !w->owner ? "owner"
                          : !w->reason ? "reason" : !w->expires ? "expires"
                          : NULL;
    if (missing)
        return fail_at(L, n->start_mark, "a waiver needs '%s' (check, owner, "
                       "reason and expires are required)", missing);
    if (!w->scope)
        w->scope = "*";
    return 1;
}

static int item_done(loader *L, void *obj, yaml_node_t *n)
{
    gs_checklist_item *c = obj;
    if (!c->id || !c->title)
        return fail_at(L, n->start_mark, "a checklist item needs an id and "
                       "a title");
    return 1;
}

static int top_key(loader *L, void *obj, const char *key, yaml_node_t *v)
{
    gs_policy *p = obj;
    if (strcmp(key, "version") == 0) {
        double ver;
        if (!number_value(L, v, "version", &ver))
            return 0;
        if (ver != 1)
            return fail_at(L, v->start_mark, "policy version %g; this gapscan "
                           "reads version 1", ver);
        return 1;
    }
    if (strcmp(key, "as_of") == 0)
        return (p->as_of = date_value(L, v, "as_of")) != NULL;
    if (strcmp(key, "price_per_million_tokens") == 0) {
        if (!number_value(L, v, key, &p->price))
            return 0;
        if (p->price < 0)
            return fail_at(L, v->start_mark, "a price cannot be negative");
        return 1;
    }
    if (strcmp(key, "checks") == 0) {
        void *arr = NULL;
        int ok = list(L, v, "checks", &arr, &p->n_rules,
                      sizeof(gs_policy_rule), rule_init, rule_key, rule_done);
        p->rules = arr;
        return ok;
    }
    if (strcmp(key, "waivers") == 0) {
        void *arr = NULL;
        int ok = list(L, v, "waivers", &arr, &p->n_waivers,
                      sizeof(gs_policy_waiver), NULL, waiver_key,
                      waiver_done);
        p->waivers = arr;
        return ok;
    }
    if (strcmp(key, "checklist") == 0) {
        void *arr = NULL;
        int ok = list(L, v, "checklist", &arr, &p->n_checklist,
                      sizeof(gs_checklist_item), NULL, item_key, item_done);
        p->checklist = arr;
        return ok;
    }
    return -1;
}

/* Pass 1: syntax, anchors/aliases, depth. */
static int prescan(loader *L, const char *text, size_t len)
{
    yaml_parser_t ps;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&ps))
        return oom(L);
    yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
    int depth = 0, ok = 1, done = 0;
    while (ok && !done) {
        if (!yaml_parser_parse(&ps, &ev)) {
            fail_at(L, ps.problem_mark, "%s%s%s", ps.problem ? ps.problem
                    : "YAML syntax error", ps.context ? " " : "",
                    ps.context ? ps.context : "");
            ok = 0;
            break;
        }
        const unsigned char *anchor =
            ev.type == YAML_SCALAR_EVENT           ? ev.data.scalar.anchor
            : ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
            : ev.type == YAML_MAPPING_START_EVENT  ? ev.data.mapping_start.anchor
                                                   : NULL;
        if (ev.type == YAML_ALIAS_EVENT || anchor)
            ok = fail_at(L, ev.start_mark, "anchors and aliases are not "
                         "allowed in a policy");
        if (ev.type == YAML_SEQUENCE_START_EVENT ||
            ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH)
                ok = fail_at(L, ev.start_mark, "nested deeper than %d levels",
                             MAX_DEPTH);
        } else if (ev.type == YAML_SEQUENCE_END_EVENT ||
                   ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        if (ev.type == YAML_DOCUMENT_END_EVENT) {
            /* one document only */
            yaml_event_t next;
            if (yaml_parser_parse(&ps, &next)) {
                if (next.type != YAML_STREAM_END_EVENT)
                    ok = fail_at(L, next.start_mark, "a policy is one YAML "
                                 "document");
                yaml_event_delete(&next);
            }
            done = 1;
        }
        done |= ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&ps);
    return ok;
}

static void sha256_hex(const char *text, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)text);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

gs_status gs_policy_parse(const char *text, size_t len, const char *name,
                          gs_policy **out, gs_error *err)
{
    *out = NULL;
    gs_policy *p = gs_calloc(1, sizeof *p);
    if (!p || !(p->source = gs_strdup(name))) {
        gs_free(p);
        return gs_error_set(err, GS_ENOMEM, "%s: out of memory", name);
    }
    p->price = NAN;
    sha256_hex(text, len, p->sha256);
    loader L = {.p = p, .name = name, .err = err, .st = GS_OK};
    yaml_document_t doc;
    int have_doc = 0;
    if (len > MAX_POLICY_BYTES) {
        L.st = gs_error_set(err, GS_EINVAL, "%s: larger than %u bytes", name,
                            MAX_POLICY_BYTES);
    } else if (memchr(text, '\0', len)) {
        L.st = gs_error_set(err, GS_EINVAL, "%s: holds a NUL byte: not a "
                            "YAML text file", name);
    } else if (prescan(&L, text, len)) {
        yaml_parser_t ps;
        if (!yaml_parser_initialize(&ps)) {
            oom(&L);
        } else {
            yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
            if (!yaml_parser_load(&ps, &doc))
                fail_at(&L, ps.problem_mark, "%s",
                        ps.problem ? ps.problem : "YAML error");
            else
                have_doc = 1;
            yaml_parser_delete(&ps);
        }
    }
    if (have_doc) {
        L.doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root)
            L.st = gs_error_set(err, GS_EINVAL, "%s:1:1: empty policy", name);
        else
            each_key(&L, root, "the policy", p, top_key);
        yaml_document_delete(&doc);
    }
    if (L.st != GS_OK) {
        gs_policy_free(p);
        return L.st;
    }
    *out = p;
    return GS_OK;
}

gs_status gs_policy_load(const char *path, gs_policy **out, gs_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_error_errno(err, errno == ENOENT ? GS_ENOENT : GS_EIO, errno,
                              path);
    char *buf = gs_malloc(MAX_POLICY_BYTES + 1);
    if (!buf) {
        fclose(f);
        return gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, MAX_POLICY_BYTES + 1, f);
    int bad = ferror(f);
    fclose(f);
    gs_status st;
    if (bad)
        st = gs_error_set(err, GS_EIO, "%s: read error", path);
    else
        st = gs_policy_parse(buf, n, path, out, err);
    gs_free(buf);
    return st;
}

gs_status gs_policy_builtin(gs_policy **out, gs_error *err)
{
    return gs_policy_parse(gs__default_policy_yaml,
                           strlen(gs__default_policy_yaml), "built-in", out,
                           err);
}

const char *gs_policy_source(const gs_policy *p) { return p->source; }
const char *gs_policy_sha256(const gs_policy *p) { return p->sha256; }
const char *gs_policy_as_of(const gs_policy *p) { return p->as_of; }
double gs_policy_price_per_mtok(const gs_policy *p) { return p->price; }
size_t gs_policy_rule_count(const gs_policy *p) { return p->n_rules; }
size_t gs_policy_waiver_count(const gs_policy *p) { return p->n_waivers; }
size_t gs_policy_checklist_count(const gs_policy *p) { return p->n_checklist; }

const gs_policy_rule *gs_policy_rule_at(const gs_policy *p, size_t i)
{
    return i < p->n_rules ? &p->rules[i] : NULL;
}

const gs_policy_waiver *gs_policy_waiver_at(const gs_policy *p, size_t i)
{
    return i < p->n_waivers ? &p->waivers[i] : NULL;
}

const gs_checklist_item *gs_policy_checklist_at(const gs_policy *p, size_t i)
{
    return i < p->n_checklist ? &p->checklist[i] : NULL;
}

/* ---- judging ---------------------------------------------------------- */

static const owned_threshold *owned(const char *check)
{
    for (size_t i = 0; i < sizeof owned_thresholds / sizeof *owned_thresholds;
         i++)
        if (strcmp(owned_thresholds[i].check, check) == 0)
            return &owned_thresholds[i];
    return NULL;
}

void gs_policy_compare_opts(const gs_policy *p, gs_compare_opts *o)
{
    gs_compare_opts_default(o);
    for (size_t i = p->n_rules; i-- > 0;) {  /* the first rule wins */
        const gs_policy_rule *r = &p->rules[i];
        const owned_threshold *t = owned(r->check);
        if (!t || isnan(r->threshold) || r->n_fields || r->n_paths)
            continue;
        char *field = (char *)o + t->off;
        if (t->is_count) {
            uint64_t v = r->threshold < 0 ? 0 : (uint64_t)r->threshold;
            memcpy(field, &v, sizeof v);
        } else {
            memcpy(field, &r->threshold, sizeof r->threshold);
        }
    }
}

/* "field tickets:status" -> "tickets:status"; NULL for other scopes. */
static const char *field_of_scope(const char *scope)
{
    return strncmp(scope, "field ", 6) == 0 ? scope + 6 : NULL;
}

static int any_glob(const char *const *g, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (fnmatch(g[i], s, 0) == 0)
            return 1;
    return 0;
}

static int rule_matches(const gs_policy_rule *r, const gs_finding *f)
{
    if (fnmatch(r->check, f->check, 0) != 0)
        return 0;
    if (r->n_fields && !any_glob(r->fields, r->n_fields,
                                 field_of_scope(f->scope)))
        return 0;
    if (r->n_paths) {
        int hit = 0;
        for (size_t e = 0; e < f->n_evidence && !hit; e++)
            hit = any_glob(r->paths, r->n_paths, f->evidence[e].path);
        if (!hit)
            return 0;
    }
    return 1;
}

gs_status gs_policy_apply(const gs_policy *p, gs_comparison *c,
                          const char *as_of)
{
    size_t n = gs_comparison_finding_count(c);
    for (size_t i = 0; i < n; i++) {
        gs_finding *f = gs_comparison_finding(c, i);
        for (size_t r = 0; r < p->n_rules; r++) {
            const gs_policy_rule *rule = &p->rules[r];
            if (!rule_matches(rule, f))
                continue;
            f->severity = rule->severity;
            if (!isnan(rule->threshold) && !owned(f->check)) {
                f->threshold = rule->threshold;
                if (!isnan(f->production) && f->production <= rule->threshold)
                    f->severity = GS_SEV_INFO;
            }
            break;
        }
        /* A weakly supported assumption informs; it never fails alone. */
        if (f->weak && f->severity == GS_SEV_FAIL)
            f->severity = GS_SEV_WARN;
        for (size_t w = 0; w < p->n_waivers; w++) {
            const gs_policy_waiver *wv = &p->waivers[w];
            if (fnmatch(wv->check, f->check, 0) == 0 &&
                fnmatch(wv->scope, f->scope, 0) == 0 &&
                strcmp(wv->expires, as_of) >= 0)
                f->waived = 1;
        }
    }
    for (size_t w = 0; w < p->n_waivers; w++) {
        const gs_policy_waiver *wv = &p->waivers[w];
        if (strcmp(wv->expires, as_of) >= 0)
            continue;
        char scope[64], msg[600];
        snprintf(scope, sizeof scope, "policy line %u", wv->line);
        snprintf(msg, sizeof msg, "the waiver of %s (%s) owned by %s expired "
                 "on %s: renew it or fix the data (reason given: %s)",
                 wv->check, wv->scope, wv->owner, wv->expires, wv->reason);
        gs_finding *f = gs_comparison_add(c, "policy.waiver_expired", "policy",
                                          scope, msg);
        if (!f)
            return GS_ENOMEM;
        f->severity = GS_SEV_FAIL;
    }
    gs_comparison_sort(c);
    return GS_OK;
}

int gs_policy_ready(const gs_policy *p, gs_comparison *c)
{
    for (size_t i = 0; i < p->n_checklist; i++)
        if (p->checklist[i].required &&
            p->checklist[i].status == GS_CHECK_PENDING)
            return 0;
    for (size_t i = 0; i < gs_comparison_finding_count(c); i++) {
        const gs_finding *f = gs_comparison_finding(c, i);
        if (f->severity == GS_SEV_FAIL && !f->waived)
            return 0;
    }
    return 1;
}

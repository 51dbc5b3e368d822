/* transcript.c - a parser's events as text, for golden tests and tools.
 *
 * Job: run a parser over bytes (whole, in fixed-size chunks, or in an
 * irregular pattern) into a recording sink that prints one line per event
 * (non-printable bytes escaped) and the final status last: the format of
 * the golden files tests/data/parsers/<name>.<format>.events. The sink can
 * also say stop at its k-th callback, to prove that parsers stop at once.
 *
 * Test code: memory comes from plain malloc; running out aborts.
 */
#include "transcript.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void need(int ok)
{
    if (!ok) {
        fputs("transcript: out of memory\n", stderr);
        abort();
    }
}



void str_addn(str *s, const char *b, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1)
            cap *= 2;
        s->p = realloc(s->p, cap);
        need(s->p != NULL);
        s->cap = cap;
    }
    memcpy(s->p + s->len, b, n);
    s->len += n;
    s->p[s->len] = '\0';
}

void str_addf(str *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    need(n >= 0 && n < (int)sizeof buf);
    str_addn(s, buf, (size_t)n);
}

void str_add_escaped(str *s, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c == '\\' || c == '"') {
            char e[2] = {'\\', (char)c};
            str_addn(s, e, 2);
        } else if (c == '\n') {
            str_addn(s, "\\n", 2);
        } else if (c == '\r') {
            str_addn(s, "\\r", 2);
        } else if (c == '\t') {
            str_addn(s, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            str_addf(s, "\\x%02x", c);
        } else {
            str_addn(s, (const char *)&c, 1); /* UTF-8 stays readable */
        }
    }
}




static const char *kind_name[] = {"TEXT", "STRING", "NUMBER", "BOOL", "NULL"};

static int tick(tx_rec *r)
{
    if (r->stop_at && r->calls >= r->stop_at)
        r->after_stop++;
    r->calls++;
    return r->stop_at && r->calls == r->stop_at;
}

static void add_loc(str *s, const gs_loc *loc)
{
    if (!loc) {
        str_addf(s, " noloc");
        return;
    }
    str_addf(s, " line=%llu", (unsigned long long)loc->line);
    if (loc->col)
        str_addf(s, " col=%llu", (unsigned long long)loc->col);
}

static gs_field_id s_field(void *ud, const char *path, size_t len)
{
    tx_rec *r = ud;
    if (r->stop_at && r->calls >= r->stop_at)
        r->after_stop++; /* field() cannot stop a parse, but must not come */
    for (size_t i = 0; i < r->npaths; i++)
        if (r->plen[i] == len && memcmp(r->paths[i], path, len) == 0)
            return (gs_field_id)i;
    r->paths = realloc(r->paths, (r->npaths + 1) * sizeof *r->paths);
    r->plen = realloc(r->plen, (r->npaths + 1) * sizeof *r->plen);
    need(r->paths && r->plen);
    r->paths[r->npaths] = malloc(len + 1);
    need(r->paths[r->npaths] != NULL);
    memcpy(r->paths[r->npaths], path, len);
    r->plen[r->npaths] = len;
    str_addf(&r->out, "field %zu ", r->npaths);
    str_add_escaped(&r->out, path, len);
    str_addn(&r->out, "\n", 1);
    return (gs_field_id)r->npaths++;
}

static int s_record_begin(void *ud, const gs_loc *loc)
{
    tx_rec *r = ud;
    str_addf(&r->out, "record_begin line=%llu rec=%llu off=%llu\n",
             (unsigned long long)loc->line, (unsigned long long)loc->record,
             (unsigned long long)loc->offset);
    return tick(r);
}

static int s_record_end(void *ud, const gs_loc *loc)
{
    tx_rec *r = ud;
    str_addf(&r->out, "record_end line=%llu rec=%llu\n",
             (unsigned long long)loc->line, (unsigned long long)loc->record);
    return tick(r);
}

static int s_value(void *ud, gs_field_id field, const char *bytes, size_t len,
                   gs_value_kind kind, const gs_loc *loc)
{
    tx_rec *r = ud;
    need(kind < GS_VK__COUNT);
    if (field == GS_FIELD_NONE)
        str_addf(&r->out, "value none %s \"", kind_name[kind]);
    else
        str_addf(&r->out, "value %u %s \"", (unsigned)field, kind_name[kind]);
    str_add_escaped(&r->out, bytes, len);
    str_addn(&r->out, "\"", 1);
    add_loc(&r->out, loc);
    str_addn(&r->out, "\n", 1);
    return tick(r);
}

static int s_defect(void *ud, const char *code, const char *detail,
                    const gs_loc *loc)
{
    tx_rec *r = ud;
    str_addf(&r->out, "defect %s", code);
    add_loc(&r->out, loc);
    if (loc && loc->record)
        str_addf(&r->out, " rec=%llu", (unsigned long long)loc->record);
    if (detail) {
        str_addn(&r->out, " \"", 2);
        str_add_escaped(&r->out, detail, strlen(detail));
        str_addn(&r->out, "\"", 1);
    }
    str_addn(&r->out, "\n", 1);
    return tick(r);
}

static int s_fact(void *ud, const char *key, const char *value)
{
    tx_rec *r = ud;
    str_addf(&r->out, "fact %s ", key);
    str_add_escaped(&r->out, value, strlen(value));
    str_addn(&r->out, "\n", 1);
    return tick(r);
}

void tx_free(tx_rec *r)
{
    for (size_t i = 0; i < r->npaths; i++)
        free(r->paths[i]);
    free(r->paths);
    free(r->plen);
    free(r->out.p);
}

const char *tx_status_name(gs_status st)
{
    switch (st) {
    case GS_OK: return "OK";
    case GS_ENOMEM: return "ENOMEM";
    case GS_ELIMIT: return "ELIMIT";
    case GS_ECANCELED: return "ECANCELED";
    case GS_EINVAL: return "EINVAL";
    default: return "other";
    }
}

gs_status tx_run(const gs_parser_type *type, const gs_limits *lim,
                     const char *data, size_t len, long chunk, tx_rec *r)
{
    gs_sink sink = {
        .ud = r, .field = s_field, .record_begin = s_record_begin,
        .record_end = s_record_end, .value = s_value, .defect = s_defect,
        .fact = s_fact,
    };
    gs_parser *p = NULL;
    gs_status st = type->open(lim, &sink, &p);
    if (st != GS_OK) {
        need(p == NULL);
        return st;
    }
    size_t off = 0;
    unsigned seed = 12345;
    while (st == GS_OK && off < len) {
        size_t n = len - off;
        if (chunk > 0 && (size_t)chunk < n) {
            n = (size_t)chunk;
        } else if (chunk < 0) {
            seed = seed * 1103515245u + 12345u;
            size_t k = 1 + (seed >> 16) % 23;
            n = k < n ? k : n;
        }
        st = type->feed(p, data + off, n);
        off += n;
    }
    if (st == GS_OK)
        st = type->finish(p);
    type->close(p);
    str_addf(&r->out, "status %s\n", tx_status_name(st));
    return st;
}

char *tx_transcript(const gs_parser_type *type, const gs_limits *lim,
                        const char *data, size_t len, long chunk)
{
    tx_rec r = {0};
    tx_run(type, lim, data, len, chunk, &r);
    char *out = r.out.p;
    r.out.p = NULL;
    tx_free(&r);
    return out;
}

char *tx_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    str s = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        str_addn(&s, buf, n);
    fclose(f);
    if (!s.p)
        str_addn(&s, "", 0);
    *len = s.len;
    return s.p;
}

int tx_golden(const char *path, const char *got)
{
    const char *u = getenv("GS_UPDATE_GOLDEN");
    if (u && strcmp(u, "1") == 0) {
        FILE *f = fopen(path, "wb");
        if (!f)
            return 0;
        int ok = fputs(got, f) >= 0;
        return fclose(f) == 0 && ok;
    }
    size_t len;
    char *want = tx_slurp(path, &len);
    int same = want && strcmp(want, got) == 0;
    free(want);
    return same;
}

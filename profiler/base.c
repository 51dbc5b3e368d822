/* base.c - status text, error formatting, default limits, the allocator.
 *
 * The allocator hook is process-wide but written only at start-up
 * (gs_set_allocator), then read-only: see base.h. */
#include "gapscan/base.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static gs_alloc_fn alloc_fn;
static void *alloc_ud;

void gs_set_allocator(gs_alloc_fn fn, void *ud)
{
    alloc_fn = fn;
    alloc_ud = ud;
}

void *gs_malloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (alloc_fn)
        return alloc_fn(alloc_ud, NULL, size);
    return malloc(size);
}

void *gs_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = gs_malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *gs_realloc(void *ptr, size_t size)
{
    if (size == 0) {
        gs_free(ptr);
        return NULL;
    }
    if (alloc_fn)
        return alloc_fn(alloc_ud, ptr, size);
    return realloc(ptr, size);
}

void gs_free(void *ptr)
{
    if (!ptr)
        return;
    if (alloc_fn)
        alloc_fn(alloc_ud, ptr, 0);
    else
        free(ptr);
}

char *gs_strndup(const char *s, size_t n)
{
    char *d = gs_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *gs_strdup(const char *s)
{
    return gs_strndup(s, strlen(s));
}

const char *gs_status_str(gs_status st)
{
    switch (st) {
    case GS_OK: return "success";
    case GS_ENOMEM: return "out of memory";
    case GS_EIO: return "input/output error";
    case GS_ELIMIT: return "limit reached";
    case GS_ECANCELED: return "canceled";
    case GS_EINVAL: return "invalid argument";
    case GS_EFORMAT: return "malformed input";
    case GS_ENOENT: return "no such file or directory";
    case GS_EVERSION: return "unsupported version";
    }
    return "unknown status";
}

gs_status gs_error_set(gs_error *err, gs_status st, const char *fmt, ...)
{
    if (!err || err->status != GS_OK)
        return st;
    err->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

gs_status gs_error_errno(gs_error *err, gs_status st, int eno,
                         const char *path)
{
    char buf[128];
    if (err && err->status == GS_OK) {
        /* GNU strerror_r (_GNU_SOURCE is project-wide): thread-safe, may
         * return a static string instead of filling buf. */
        size_t n = strlen(path);
        if (n > 300)  /* keep the reason: show the path's end */
            gs_error_set(err, st, "...%s: %s", path + n - 300,
                         strerror_r(eno, buf, sizeof buf));
        else
            gs_error_set(err, st, "%s: %s", path,
                         strerror_r(eno, buf, sizeof buf));
        err->sys_errno = eno;
    }
    return st;
}

void gs_limits_default(gs_limits *lim)
{
    *lim = (gs_limits){
        .max_field_bytes = 1u << 20,
        .max_record_bytes = 16u << 20,
        .max_columns = 10000,
        .max_depth = 256,
        .max_paths = 10000,
        .max_examples = 5,
        .max_top_values = 32,
        .max_doc_defects = 100,
        .max_value_bytes_kept = 120,
        .max_inflate_ratio = 1000,
        .max_inflated_bytes = (uint64_t)64 << 30,
        .hll_lg_k = 12,
        .xml_record_path = NULL,
    };
}

gs_status gs_buf_reserve(gs_buf *b, size_t extra)
{
    if (b->p && extra <= b->cap - b->len)
        return GS_OK;
    if (extra > SIZE_MAX / 2 - b->len)
        return GS_ENOMEM;
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < extra)
        cap *= 2;
    char *np = gs_realloc(b->p, cap);
    if (!np)
        return GS_ENOMEM;
    b->p = np;
    b->cap = cap;
    return GS_OK;
}

gs_status gs_buf_append(gs_buf *b, const void *s, size_t n)
{
    gs_status st = gs_buf_reserve(b, n);
    if (st != GS_OK)
        return st;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    return GS_OK;
}

/* ---- limits by name (the CLI's --limit NAME=VALUE) ---------------------- */

typedef struct limit_def {
    const char *name;
    size_t off;
    int width;          /* sizeof the field: 4 (unsigned) or 8 */
    uint64_t min, max;
} limit_def;

#define LIMIT(f, lo, hi) \
    {#f, offsetof(gs_limits, f), (int)sizeof(((gs_limits *)0)->f), lo, hi}

static const limit_def limit_defs[] = {
    LIMIT(max_field_bytes, 16, (uint64_t)1 << 40),
    LIMIT(max_record_bytes, 16, (uint64_t)1 << 40),
    LIMIT(max_columns, 1, 10000000),
    LIMIT(max_depth, 1, 100000),
    LIMIT(max_paths, 1, 100000000),
    LIMIT(max_examples, 0, 1000),
    LIMIT(max_top_values, 1, 100000),
    LIMIT(max_doc_defects, 0, 1000000),
    LIMIT(max_value_bytes_kept, 8, 65536),
    LIMIT(max_inflate_ratio, 0, UINT64_MAX),
    LIMIT(max_inflated_bytes, 0, UINT64_MAX),
    LIMIT(hll_lg_k, 4, 18),
};

unsigned gs_output_mode(void)
{
    mode_t mask = umask(022);  /* reading the umask means setting it */
    umask(mask);
    return 0666u & ~(unsigned)mask;
}

gs_status gs_parse_size(const char *s, uint64_t *out)
{
    const char *start = s;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return GS_ELIMIT;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (s == start)
        return GS_EINVAL;  /* empty, sign, space */
    unsigned shift = *s == 'K' ? 10 : *s == 'M' ? 20 : *s == 'G' ? 30 : 0;
    if (shift)
        s++;
    if (*s != '\0')
        return GS_EINVAL;
    if (shift && v > (UINT64_MAX >> shift))
        return GS_ELIMIT;
    *out = v << shift;
    return GS_OK;
}

int gs_env_size(const char *name, uint64_t *out)
{
    const char *v = getenv(name);
    if (v && strcmp(v, "never") == 0) {
        *out = UINT64_MAX;
        return 1;
    }
    return v && gs_parse_size(v, out) == GS_OK;
}

gs_status gs_limits_set(gs_limits *lim, const char *name, const char *value,
                        gs_error *err)
{
    const limit_def *def = NULL;
    for (size_t i = 0; i < sizeof limit_defs / sizeof limit_defs[0]; i++)
        if (strcmp(limit_defs[i].name, name) == 0)
            def = &limit_defs[i];
    if (!def)
        return gs_error_set(err, GS_EINVAL, "unknown limit '%s' (see "
                            "docs/limits.md)", name);
    uint64_t v = 0;
    gs_status st = gs_parse_size(value, &v);
    if (st == GS_ELIMIT)
        return gs_error_set(err, GS_EINVAL, "limit %s: '%s' is too "
                            "large", name, value);
    if (st != GS_OK)
        return gs_error_set(err, GS_EINVAL, "limit %s wants a number with "
                            "an optional K, M or G suffix, not '%s'", name,
                            value);
    if (v < def->min || v > def->max || (def->width == 4 && v > UINT32_MAX))
        return gs_error_set(err, GS_EINVAL, "limit %s: %s is out of range "
                            "%llu..%llu", name, value,
                            (unsigned long long)def->min,
                            (unsigned long long)def->max);
    char *field = (char *)lim + def->off;
    if (def->width == 4) {
        unsigned u = (unsigned)v;
        memcpy(field, &u, sizeof u);
    } else {
        memcpy(field, &v, sizeof v);  /* size_t and uint64_t: 8 bytes */
    }
    return GS_OK;
}

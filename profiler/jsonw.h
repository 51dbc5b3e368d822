/* jsonw.h - the few yajl_gen calls every gapscan JSON writer repeats.
 *
 * Shared by the writers of reports (report.c), profiles (profile_io.c),
 * assumption files (assumptions_io.c) and `gapscan inspect --json`
 * (cli/main.c): a string, and a map member ("key": value) for the value
 * kinds they write. Header-only (static inline) on purpose: it uses only
 * yajl and the public API (gs_utf8_visible, gs_free), so the CLI, which
 * links nothing but the public API, can include it too.
 *
 * Invariants: numbers are formatted here, locale-independently (gapscan
 * never changes LC_NUMERIC from "C"), so a writer's bytes depend only on
 * its values; a double that is not finite is written as null.
 *
 * Not done here: opening or closing maps and arrays, buffers, files, or
 * any error other than the visible copy's ENOMEM (yajl's own statuses are
 * left to the writers, which check the generator's buffer at the end). */
#ifndef GAPSCAN_PROFILER_JSONW_H
#define GAPSCAN_PROFILER_JSONW_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "gapscan/report.h"

/* s as it is (a key, or a value known to be UTF-8); s is not NULL. */
static inline void gs__jsonw_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* "k": v, or v alone when k is NULL; v as gs_utf8_visible() shows it (data
 * may hold any bytes), or null when v is NULL. 0 when the visible copy
 * could not be made (null is then written). */
static inline int gs__jsonw_visible(yajl_gen g, const char *k, const char *v)
{
    if (k)
        gs__jsonw_str(g, k);
    char *t = v ? gs_utf8_visible(v) : NULL;
    int ok = t || !v;
    if (t)
        gs__jsonw_str(g, t);
    else
        yajl_gen_null(g);
    gs_free(t);
    return ok;
}

/* "k": v, v as it is or null. */
static inline void gs__jsonw_kstr(yajl_gen g, const char *k, const char *v)
{
    gs__jsonw_str(g, k);
    if (v)
        gs__jsonw_str(g, v);
    else
        yajl_gen_null(g);
}

/* "k": v, every uint64_t value exactly. */
static inline void gs__jsonw_u64(yajl_gen g, const char *k, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    gs__jsonw_str(g, k);
    yajl_gen_number(g, buf, (size_t)n);
}

/* "k": v. */
static inline void gs__jsonw_i64(yajl_gen g, const char *k, int64_t v)
{
    gs__jsonw_str(g, k);
    yajl_gen_integer(g, (long long)v);
}

/* "k": v. */
static inline void gs__jsonw_bool(yajl_gen g, const char *k, int v)
{
    gs__jsonw_str(g, k);
    yajl_gen_bool(g, v);
}

/* How gs__jsonw_double() writes a double. */
typedef enum gs__jsonw_form {
    GS__JSONW_READABLE,  /* "%.6g": stable across platforms, enough to read */
    GS__JSONW_SHORTEST,  /* the shortest %g that reads back as v */
    GS__JSONW_YAJL       /* yajl_gen_double's round-trip form */
} gs__jsonw_form;

/* "k": v in form, or null when v is not finite. */
static inline void gs__jsonw_double(yajl_gen g, const char *k, double v,
                                    gs__jsonw_form form)
{
    gs__jsonw_str(g, k);
    if (!isfinite(v)) {
        yajl_gen_null(g);
        return;
    }
    if (form == GS__JSONW_YAJL) {
        yajl_gen_double(g, v);
        return;
    }
    char buf[40];
    int n = snprintf(buf, sizeof buf, "%.6g", v);
    for (int prec = 7; form == GS__JSONW_SHORTEST && prec <= 17 &&
                       strtod(buf, NULL) != v; prec++)
        n = snprintf(buf, sizeof buf, "%.*g", prec, v);
    yajl_gen_number(g, buf, (size_t)n);
}

#endif

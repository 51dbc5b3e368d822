/* kll.h - a mergeable quantile sketch (KLL: Karnin, Lang, Liberty 2016).
 *
 * Summarises a stream of doubles in O(k) memory so that any quantile, rank
 * or CDF can be read back with a rank error of about 1.65 / k^0.9 of n
 * (k = 200: ~1.4%). Used for numeric values, lengths and document ages, and
 * for the drift statistics (PSI, KS, Wasserstein) computed from two sides'
 * sketches.
 *
 * Invariants:
 *   1. Memory is bounded by k, never by n: about 3k items in all levels.
 *      Adding allocates only when a level first grows past its largest size
 *      so far (O(log n) times over a sketch's life).
 *   2. Deterministic: compaction coin flips come from a fixed-seed generator
 *      that lives in the sketch, so the same adds and merges in the same
 *      order give the same bytes (gapscan merges in walk order).
 *   3. merge(a, b) summarises the union within the same error bound.
 *   4. encode/decode round-trip exactly (doubles are kept as their bits).
 *   5. NaN is never stored: gs_kll_add ignores it (the caller counts it).
 */
#ifndef GAPSCAN_KLL_H
#define GAPSCAN_KLL_H

#include "gapscan/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_KLL_K_DEFAULT 200u

typedef struct gs_kll gs_kll;

gs_kll *gs_kll_new(unsigned k);  /* 8 <= k <= 65535; NULL on ENOMEM/EINVAL */
void gs_kll_free(gs_kll *s);     /* NULL is fine */
gs_status gs_kll_add(gs_kll *s, double v);  /* NaN is ignored */
/* GS_EINVAL when k differs. from is unchanged. */
gs_status gs_kll_merge(gs_kll *into, const gs_kll *from);

unsigned gs_kll_k(const gs_kll *s);
uint64_t gs_kll_count(const gs_kll *s);
double gs_kll_min(const gs_kll *s);  /* NaN when empty */
double gs_kll_max(const gs_kll *s);  /* NaN when empty */
/* How many items the sketch holds now (a memory figure, not n). */
size_t gs_kll_retained(const gs_kll *s);
/* Nonzero while no compaction has happened: the sketch holds every value
 * added and answers exactly. */
int gs_kll_is_exact(const gs_kll *s);
/* The retained values (unsorted, with repeats), at most cap of them, into
 * out; returns how many were written. Every jump of the sketch's CDF is at
 * one of them. */
size_t gs_kll_values(const gs_kll *s, double *out, size_t cap);

/* The values at quantiles qs[i] in [0, 1] (0 = min, 1 = max), n of them,
 * into out; NaN when empty. One sort for all of them. */
gs_status gs_kll_quantiles(const gs_kll *s, const double *qs, size_t n,
                           double *out);
/* The estimated fraction of values <= xs[i] for each of n points (an
 * empirical CDF); 0 when empty. */
gs_status gs_kll_cdf(const gs_kll *s, const double *xs, size_t n,
                     double *out);

/* Text form for the profile file: ASCII, no quotes or backslashes.
 * *out is allocated with gs_malloc; the caller gs_free()s it. */
gs_status gs_kll_encode(const gs_kll *s, char **out);
/* GS_EFORMAT on anything encode() cannot have produced. */
gs_status gs_kll_decode(const char *text, size_t len, gs_kll **out);

#ifdef __cplusplus
}
#endif
#endif

/* drift.h - how far production's distribution of a field moved from the
 * sandbox's, computed from the two sides' sketches (never from raw data).
 *
 * Numeric fields (two KLL sketches, kll.h):
 *   psi          Population Stability Index on bins cut at the sandbox's
 *                quantiles (equal sandbox mass per bin; bins that tie
 *                collapse); empty bins count as 1e-4 of their side.
 *                Usual reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25
 *                major shift.
 *   ks           two-sample Kolmogorov-Smirnov statistic D = max |F_s - F_p|,
 *   ks_p         and its p-value: exact (the two-sample distribution of D,
 *                by the Hodges lattice count) while both samples are small
 *                enough for the sketches to be exact (n <= k, no
 *                compaction), else Kolmogorov's asymptotic law with
 *                Stephens' small-sample correction.
 *   wasserstein  W1 = integral |Q_s(u) - Q_p(u)| du, divided by the
 *                sandbox's standard deviation (by max(|mean|, 1) when that
 *                is 0), so 0.1 means "moved a tenth of a sandbox sigma".
 *
 * Categorical fields: Jensen-Shannon distance (base 2, in [0, 1]) between
 * two count vectors over the same categories (the caller aligns them, with
 * an "everything else" cell last if it likes).
 *
 * Many fields are tested at once: gs_drift_bh applies Benjamini-Hochberg
 * at a false-discovery rate, so a report of 300 fields does not cry wolf.
 *
 * Pure functions: no state, deterministic, no allocation except the
 * sketches' own query buffers.
 */
#ifndef GAPSCAN_DRIFT_H
#define GAPSCAN_DRIFT_H

#include "gapscan/kll.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_DRIFT_PSI_BINS 10u

typedef struct gs_drift_numeric {
    double psi;
    double ks, ks_p;
    int ks_exact;        /* ks_p is the exact small-sample value */
    double wasserstein;  /* normalised, see above */
    unsigned bins;       /* PSI bins after ties collapsed */
} gs_drift_numeric;

/* sandbox_mean/sandbox_std: the sandbox's exact moments (Welford), used to
 * normalise W1. GS_EINVAL when either sketch is empty. */
gs_status gs_drift_numeric_compare(const gs_kll *sandbox,
                                   const gs_kll *production,
                                   double sandbox_mean, double sandbox_std,
                                   unsigned bins, gs_drift_numeric *out);

/* P(D >= d) for two samples of sizes m and n, exactly (m * n <= 10^6),
 * under the null hypothesis of one continuous distribution. */
double gs_ks_exact_p(uint64_t m, uint64_t n, double d);
/* The same from Kolmogorov's limit law with Stephens' correction. */
double gs_ks_asymptotic_p(uint64_t m, uint64_t n, double d);

/* P(X >= x) for X chi-square with dof degrees of freedom (dof > 0). */
double gs_chi2_sf(double x, double dof);

/* Chi-square test of homogeneity of two count vectors over the same n
 * categories: categories whose expected count is under 5 on either side are
 * pooled into one; NaN when fewer than two categories remain (no valid
 * test). */
double gs_drift_chi2_p(const uint64_t *a, const uint64_t *b, size_t n);

/* Two-sided two-proportion z-test p-value for k1 of n1 against k2 of n2;
 * NaN when a side is too small for the normal approximation (fewer than 5
 * successes or failures expected). */
double gs_two_proportion_p(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2);

/* Jensen-Shannon distance between count vectors a and b of length n. 0 when
 * both are all zero. */
double gs_drift_js(const uint64_t *a, const uint64_t *b, size_t n);

/* Benjamini-Hochberg: reject[i] = 1 for the hypotheses rejected at false
 * discovery rate q among the n p-values (NaN p-values are never rejected).
 * Returns how many were rejected; SIZE_MAX, with nothing rejected, when
 * out of memory. */
size_t gs_drift_bh(const double *p, size_t n, double q, int *reject);

#ifdef __cplusplus
}
#endif
#endif

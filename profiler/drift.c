/* drift.c - distribution drift between two sides' sketches (see drift.h).
 *
 * KS: both sketches' CDFs are step functions that jump only at retained
 * values, so D is evaluated exactly (for the sketched CDFs) at the union of
 * both sketches' retained values.
 *
 * Exact KS p-value: a pair of samples of sizes m and n corresponds to a
 * monotone lattice path from (0,0) to (m,n); D < d exactly when the path
 * stays inside the band |i/m - j/n| < d. With P(i,j) = (paths to (i,j)
 * inside the band) / C(i+j, j), the path count recurrence becomes
 *   P(i,j) = P(i-1,j) * i/(i+j) + P(i,j-1) * j/(i+j),
 * which stays in [0,1] (no overflow) and needs one row of n+1 doubles.
 *
 * Asymptotic KS p-value: Q(lambda) = 2 sum_k (-1)^(k-1) exp(-2 k^2
 * lambda^2), lambda = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) d, ne = mn/(m+n)
 * (Stephens 1970).
 */
#include "gapscan/drift.h"

#include <math.h>
#include <stdlib.h>

#define PSI_FLOOR 1e-4
#define W1_GRID 1000u

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double gs_ks_exact_p(uint64_t m, uint64_t n, double d)
{
    if (m == 0 || n == 0 || d <= 0)
        return 1;
    if (d > 1)
        return 0;
    if (m > n) {
        uint64_t t = m;
        m = n;
        n = t;
    }
    double *row = gs_malloc((size_t)(n + 1) * sizeof *row);
    if (!row)
        return gs_ks_asymptotic_p(m, n, d);
    /* inside the band: |i n - j m| < d m n, with a relative tolerance so
     * that an observed D (a ratio of integers) counts as reached */
    double t = d * (double)m * (double)n;
    t -= 1e-9 * (t > 1 ? t : 1);
#define INSIDE(i, j) (fabs((double)(i) * (double)n - (double)(j) * (double)m) < t)
    row[0] = 1;
    for (uint64_t j = 1; j <= n; j++)
        row[j] = INSIDE(0, j) ? row[j - 1] : 0;
    for (uint64_t i = 1; i <= m; i++) {
        row[0] = INSIDE(i, 0) ? row[0] : 0;
        for (uint64_t j = 1; j <= n; j++) {
            if (!INSIDE(i, j)) {
                row[j] = 0;
                continue;
            }
            double w = (double)(i + j);
            row[j] = row[j] * ((double)i / w) + row[j - 1] * ((double)j / w);
        }
    }
#undef INSIDE
    double inside = row[n];
    gs_free(row);
    double p = 1 - inside;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

double gs_ks_asymptotic_p(uint64_t m, uint64_t n, double d)
{
    if (m == 0 || n == 0 || d <= 0)
        return 1;
    double ne = (double)m * (double)n / ((double)m + (double)n);
    double sq = sqrt(ne), lambda = (sq + 0.12 + 0.11 / sq) * d;
    if (lambda < 0.2)
        return 1;
    double sum = 0, sign = 1;
    for (int k = 1; k <= 100; k++) {
        double term = exp(-2.0 * k * k * lambda * lambda);
        sum += sign * term;
        if (term < 1e-16)
            break;
        sign = -sign;
    }
    double p = 2 * sum;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* sup |F_a - F_b| over both sketches' jump points. */
static gs_status ks_statistic(const gs_kll *a, const gs_kll *b, double *d)
{
    size_t na = gs_kll_retained(a), nb = gs_kll_retained(b), n = na + nb;
    double *x = gs_malloc(n * sizeof *x), *fa = gs_malloc(n * sizeof *fa),
           *fb = gs_malloc(n * sizeof *fb);
    gs_status st = GS_ENOMEM;
    if (x && fa && fb) {
        n = gs_kll_values(a, x, na);
        n += gs_kll_values(b, x + n, nb);
        qsort(x, n, sizeof *x, cmp_double);
        st = gs_kll_cdf(a, x, n, fa);
        if (st == GS_OK)
            st = gs_kll_cdf(b, x, n, fb);
        *d = 0;
        for (size_t i = 0; st == GS_OK && i < n; i++)
            if (fabs(fa[i] - fb[i]) > *d)
                *d = fabs(fa[i] - fb[i]);
    }
    gs_free(x);
    gs_free(fa);
    gs_free(fb);
    return st;
}

static gs_status psi(const gs_kll *s, const gs_kll *p, unsigned bins,
                     double *out, unsigned *used)
{
    double qs[64], edges[64], fs[64], fp[64];
    if (bins < 2)
        bins = 2;
    if (bins > 64)
        bins = 64;
    for (unsigned i = 1; i < bins; i++)
        qs[i - 1] = (double)i / bins;
    gs_status st = gs_kll_quantiles(s, qs, bins - 1, edges);
    if (st != GS_OK)
        return st;
    unsigned ne = 0;  /* distinct edges */
    for (unsigned i = 0; i < bins - 1; i++)
        if (ne == 0 || edges[i] > edges[ne - 1])
            edges[ne++] = edges[i];
    if ((st = gs_kll_cdf(s, edges, ne, fs)) != GS_OK ||
        (st = gs_kll_cdf(p, edges, ne, fp)) != GS_OK)
        return st;
    double sum = 0, prev_s = 0, prev_p = 0;
    for (unsigned i = 0; i <= ne; i++) {
        double cs = i < ne ? fs[i] : 1, cp = i < ne ? fp[i] : 1;
        double a = fmax(cs - prev_s, PSI_FLOOR), b = fmax(cp - prev_p, PSI_FLOOR);
        sum += (b - a) * log(b / a);
        prev_s = cs;
        prev_p = cp;
    }
    *out = sum;
    *used = ne + 1;
    return GS_OK;
}

static gs_status wasserstein(const gs_kll *s, const gs_kll *p, double *w1)
{
    double *u = gs_malloc(W1_GRID * sizeof *u), *qa = gs_malloc(W1_GRID * sizeof *qa),
           *qb = gs_malloc(W1_GRID * sizeof *qb);
    gs_status st = GS_ENOMEM;
    if (u && qa && qb) {
        for (unsigned i = 0; i < W1_GRID; i++)
            u[i] = (i + 0.5) / W1_GRID;
        st = gs_kll_quantiles(s, u, W1_GRID, qa);
        if (st == GS_OK)
            st = gs_kll_quantiles(p, u, W1_GRID, qb);
        double sum = 0;
        for (unsigned i = 0; st == GS_OK && i < W1_GRID; i++)
            sum += fabs(qa[i] - qb[i]);
        *w1 = sum / W1_GRID;
    }
    gs_free(u);
    gs_free(qa);
    gs_free(qb);
    return st;
}

gs_status gs_drift_numeric_compare(const gs_kll *sandbox,
                                   const gs_kll *production,
                                   double sandbox_mean, double sandbox_std,
                                   unsigned bins, gs_drift_numeric *out)
{
    if (gs_kll_count(sandbox) == 0 || gs_kll_count(production) == 0)
        return GS_EINVAL;
    gs_status st = psi(sandbox, production, bins, &out->psi, &out->bins);
    if (st == GS_OK)
        st = ks_statistic(sandbox, production, &out->ks);
    if (st != GS_OK)
        return st;
    uint64_t m = gs_kll_count(sandbox), n = gs_kll_count(production);
    out->ks_exact = gs_kll_is_exact(sandbox) && gs_kll_is_exact(production) &&
                    (double)m * (double)n <= 1e6;
    out->ks_p = out->ks_exact ? gs_ks_exact_p(m, n, out->ks)
                              : gs_ks_asymptotic_p(m, n, out->ks);
    double w1;
    if ((st = wasserstein(sandbox, production, &w1)) != GS_OK)
        return st;
    double scale = sandbox_std > 0 ? sandbox_std : fmax(fabs(sandbox_mean), 1);
    out->wasserstein = w1 / scale;
    return GS_OK;
}

/* Regularised upper incomplete gamma Q(a, x): the series for P when
 * x < a + 1, else Lentz's continued fraction for Q. */
static double gamma_q(double a, double x)
{
    if (x <= 0)
        return 1;
    double lead = a * log(x) - x - lgamma(a);
    if (x < a + 1) {
        double term = 1 / a, sum = term;
        for (int k = 1; k < 1000 && fabs(term) > fabs(sum) * 1e-15; k++) {
            term *= x / (a + k);
            sum += term;
        }
        double q = 1 - sum * exp(lead);
        return q < 0 ? 0 : q;
    }
    double tiny = 1e-300, b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        d = fabs(d) < tiny ? tiny : d;
        c = b + an / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1) < 1e-15)
            break;
    }
    double q = exp(lead) * h;
    return q > 1 ? 1 : q;
}

double gs_chi2_sf(double x, double dof)
{
    return dof <= 0 ? NAN : gamma_q(dof / 2, x / 2);
}

double gs_drift_chi2_p(const uint64_t *a, const uint64_t *b, size_t n)
{
    double na = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        na += (double)a[i];
        nb += (double)b[i];
    }
    if (na == 0 || nb == 0)
        return NAN;
    double total = na + nb, chi = 0, pool_a = 0, pool_b = 0;
    size_t cells = 0;
    for (size_t i = 0; i < n; i++) {
        double col = (double)a[i] + (double)b[i];
        if (col == 0)
            continue;
        double ea = col * na / total, eb = col * nb / total;
        if (ea < 5 || eb < 5) {
            pool_a += (double)a[i];
            pool_b += (double)b[i];
            continue;
        }
        chi += ((double)a[i] - ea) * ((double)a[i] - ea) / ea +
               ((double)b[i] - eb) * ((double)b[i] - eb) / eb;
        cells++;
    }
    double col = pool_a + pool_b;
    if (col > 0) {
        double ea = col * na / total, eb = col * nb / total;
        if (ea >= 5 && eb >= 5) {
            chi += (pool_a - ea) * (pool_a - ea) / ea +
                   (pool_b - eb) * (pool_b - eb) / eb;
            cells++;
        }
    }
    return cells < 2 ? NAN : gs_chi2_sf(chi, (double)(cells - 1));
}

double gs_two_proportion_p(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2)
{
    if (n1 == 0 || n2 == 0)
        return NAN;
    double p = ((double)k1 + (double)k2) / ((double)n1 + (double)n2);
    double m = (double)(n1 < n2 ? n1 : n2);
    if (m * p < 5 || m * (1 - p) < 5)
        return NAN;
    double se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
    double z = fabs((double)k1 / (double)n1 - (double)k2 / (double)n2) / se;
    return erfc(z / sqrt(2.0));
}

double gs_drift_js(const uint64_t *a, const uint64_t *b, size_t n)
{
    double sa = 0, sb = 0;
    for (size_t i = 0; i < n; i++) {
        sa += (double)a[i];
        sb += (double)b[i];
    }
    if (sa == 0 && sb == 0)
        return 0;
    if (sa == 0 || sb == 0)
        return 1;
    double js = 0;
    for (size_t i = 0; i < n; i++) {
        double p = (double)a[i] / sa, q = (double)b[i] / sb, m = (p + q) / 2;
        if (p > 0)
            js += 0.5 * p * log2(p / m);
        if (q > 0)
            js += 0.5 * q * log2(q / m);
    }
    return js <= 0 ? 0 : js >= 1 ? 1 : sqrt(js);
}

typedef struct pidx {
    double p;
    size_t i;
} pidx;

static int cmp_pidx(const void *a, const void *b)
{
    const pidx *x = a, *y = b;
    if (x->p != y->p)
        return (x->p > y->p) - (x->p < y->p);
    return (x->i > y->i) - (x->i < y->i);
}

size_t gs_drift_bh(const double *p, size_t n, double q, int *reject)
{
    pidx *v = gs_malloc((n ? n : 1) * sizeof *v);
    size_t m = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        reject[i] = 0;
        if (v && !isnan(p[i]))
            v[m++] = (pidx){p[i], i};
    }
    if (!v)
        return SIZE_MAX;  /* out of memory: nothing rejected */
    qsort(v, m, sizeof *v, cmp_pidx);
    for (size_t r = m; r > 0; r--)
        if (v[r - 1].p <= (double)r / (double)m * q) {
            k = r;
            break;
        }
    for (size_t r = 0; r < k; r++)
        reject[v[r].i] = 1;
    gs_free(v);
    return k;
}

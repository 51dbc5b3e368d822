/* test_drift.c - drift statistics against values known in closed form:
 * PSI, KS (statistic, exact and asymptotic p-values), normalised
 * Wasserstein, Jensen-Shannon distance, Benjamini-Hochberg.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "gapscan/drift.h"

static gs_kll *uniform(double lo, double hi, size_t n)
{
    gs_kll *s = gs_kll_new(GS_KLL_K_DEFAULT);
    for (size_t i = 0; i < n; i++)
        gs_kll_add(s, lo + (hi - lo) * ((double)i + 0.5) / (double)n);
    return s;
}

START_TEST(identical_distributions_do_not_drift)
{
    gs_kll *a = uniform(0, 1, 50000), *b = uniform(0, 1, 30000);
    gs_drift_numeric d;
    ck_assert_int_eq(gs_drift_numeric_compare(a, b, 0.5, sqrt(1.0 / 12),
                                              GS_DRIFT_PSI_BINS, &d), GS_OK);
    ck_assert_msg(d.psi < 0.01, "psi %g", d.psi);
    ck_assert_msg(d.ks < 0.03, "ks %g", d.ks);
    ck_assert_msg(d.wasserstein < 0.05, "w %g", d.wasserstein);
    ck_assert_int_eq(d.bins, 10);
    ck_assert(!d.ks_exact);
    gs_kll_free(a);
    gs_kll_free(b);
}
END_TEST

START_TEST(a_shift_by_half_the_range_has_known_values)
{
    /* U(0,1) against U(0.5,1.5): D = 0.5; W1 = 0.5, / sigma = sqrt(3);
     * PSI with 10 bins: five empty production bins (floored at 1e-4) and a
     * last bin holding 0.6: 5 (1e-4 - 0.1) ln(1e-3) + 0.5 ln 6 = 4.346 */
    gs_kll *a = uniform(0, 1, 100000), *b = uniform(0.5, 1.5, 100000);
    gs_drift_numeric d;
    ck_assert_int_eq(gs_drift_numeric_compare(a, b, 0.5, sqrt(1.0 / 12), 10,
                                              &d), GS_OK);
    ck_assert_msg(fabs(d.ks - 0.5) < 0.03, "ks %g", d.ks);
    ck_assert_msg(fabs(d.wasserstein - sqrt(3.0)) < 0.05, "w %g",
                  d.wasserstein);
    ck_assert_msg(fabs(d.psi - 4.346) < 0.15, "psi %g", d.psi);
    ck_assert(d.ks_p < 1e-12);
    gs_kll_free(a);
    gs_kll_free(b);
}
END_TEST

START_TEST(exact_ks_p_values)
{
    /* m = n = 5, D = 1: only the two extreme paths, 2 / C(10,5) */
    ck_assert(fabs(gs_ks_exact_p(5, 5, 1.0) - 2.0 / 252) < 1e-12);
    /* m = n = 3, D >= 2/3: paths touching |i-j| >= 2 out of C(6,3) = 20.
     * Paths staying within |i-j| <= 1: 2^3 = 8, so p = 12/20. */
    ck_assert(fabs(gs_ks_exact_p(3, 3, 2.0 / 3) - 0.6) < 1e-12);
    ck_assert(gs_ks_exact_p(4, 7, 0) == 1);
    ck_assert(gs_ks_exact_p(4, 7, 1.01) == 0);
    /* symmetric in m and n */
    ck_assert(fabs(gs_ks_exact_p(4, 9, 0.5) - gs_ks_exact_p(9, 4, 0.5)) < 1e-15);
    /* large samples: exact and asymptotic agree to a few percent */
    double e = gs_ks_exact_p(400, 500, 0.1), s = gs_ks_asymptotic_p(400, 500, 0.1);
    ck_assert_msg(fabs(e - s) < 0.01, "exact %g asymptotic %g", e, s);
}
END_TEST

START_TEST(tiny_samples_use_the_exact_test)
{
    gs_kll *a = gs_kll_new(GS_KLL_K_DEFAULT), *b = gs_kll_new(GS_KLL_K_DEFAULT);
    for (int i = 0; i < 5; i++) {
        gs_kll_add(a, i);
        gs_kll_add(b, 10 + i);
    }
    gs_drift_numeric d;
    ck_assert_int_eq(gs_drift_numeric_compare(a, b, 2, sqrt(2), 10, &d), GS_OK);
    ck_assert(d.ks_exact);
    ck_assert(d.ks == 1);
    ck_assert(fabs(d.ks_p - 2.0 / 252) < 1e-12);
    gs_kll *empty = gs_kll_new(GS_KLL_K_DEFAULT);
    ck_assert_int_eq(gs_drift_numeric_compare(a, empty, 2, 1, 10, &d),
                     GS_EINVAL);
    gs_kll_free(empty);
    gs_kll_free(a);
    gs_kll_free(b);
}
END_TEST

START_TEST(constant_fields_collapse_bins_and_normalise_safely)
{
    gs_kll *a = gs_kll_new(GS_KLL_K_DEFAULT), *b = gs_kll_new(GS_KLL_K_DEFAULT);
    for (int i = 0; i < 1000; i++) {
        gs_kll_add(a, 7);
        gs_kll_add(b, i < 900 ? 7 : 9);
    }
    gs_drift_numeric d;
    ck_assert_int_eq(gs_drift_numeric_compare(a, b, 7, 0, 10, &d), GS_OK);
    ck_assert_int_eq(d.bins, 2);  /* one distinct edge: <= 7 and > 7 */
    ck_assert_msg(fabs(d.ks - 0.1) < 1e-9, "ks %g", d.ks);
    ck_assert_msg(fabs(d.wasserstein - 0.2 / 7) < 0.01, "w %g", d.wasserstein);
    ck_assert(isfinite(d.psi) && d.psi > 0.25);
    gs_kll_free(a);
    gs_kll_free(b);
}
END_TEST

START_TEST(jensen_shannon_distance)
{
    uint64_t a[] = {10, 20, 30, 0}, b[] = {10, 20, 30, 0}, c[] = {0, 0, 0, 5};
    ck_assert(gs_drift_js(a, b, 4) == 0);
    ck_assert(fabs(gs_drift_js(a, c, 4) - 1) < 1e-12);
    /* P = (1, 0), Q = (1/2, 1/2): JSD = 1.5 - 0.75 log2 3 */
    uint64_t p[] = {4, 0}, q[] = {2, 2};
    double want = sqrt(1.5 - 0.75 * log2(3.0));
    ck_assert(fabs(gs_drift_js(p, q, 2) - want) < 1e-12);
    uint64_t z[] = {0, 0};
    ck_assert(gs_drift_js(z, z, 2) == 0);
    ck_assert(gs_drift_js(z, q, 2) == 1);
}
END_TEST

START_TEST(benjamini_hochberg)
{
    /* q = 0.05, n = 6: thresholds r q / n = 0.0083 0.0167 0.025 0.0333
     * 0.0417 0.05 against the sorted p 0.001 0.008 0.039 0.041 0.042 0.06:
     * the largest r with p(r) <= r q / n is 2 */
    double p[] = {0.041, 0.001, 0.06, 0.008, 0.039, 0.042};
    int rej[6];
    ck_assert_uint_eq(gs_drift_bh(p, 6, 0.05, rej), 2);
    ck_assert(rej[1] && rej[3] && !rej[0] && !rej[2] && !rej[4] && !rej[5]);
    double p2[] = {0.01, NAN, 0.02, 0.03};
    int rej2[4];
    ck_assert_uint_eq(gs_drift_bh(p2, 4, 0.05, rej2), 3);
    ck_assert(rej2[0] && !rej2[1] && rej2[2] && rej2[3]);
    ck_assert_uint_eq(gs_drift_bh(p2, 0, 0.05, rej2), 0);
}
END_TEST

static Suite *drift_suite(void)
{
    Suite *s = suite_create("drift");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, identical_distributions_do_not_drift);
    tcase_add_test(tc, a_shift_by_half_the_range_has_known_values);
    tcase_add_test(tc, exact_ks_p_values);
    tcase_add_test(tc, tiny_samples_use_the_exact_test);
    tcase_add_test(tc, constant_fields_collapse_bins_and_normalise_safely);
    tcase_add_test(tc, jensen_shannon_distance);
    tcase_add_test(tc, benjamini_hochberg);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(drift_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

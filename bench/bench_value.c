/* bench_value.c - throughput of the value classifier on one core.
 *
 * Builds an in-memory mix of short values as they come out of CSV and JSON
 * exports (ids, amounts with a point or a comma, ISO and local dates, codes,
 * names, emails, booleans, null tokens, free text) and times, median of 5
 * runs, gs_value_classify over all of them; then gs_value_classify plus
 * gs_value_shape; then both plus gs_hygiene_value (what the field
 * accumulator calls per text value).
 * Usage: bench_value [millions of values, default 4]. Timings are printed,
 * never asserted; build with -Dbuildtype=release to measure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gapscan/hygiene.h"
#include "gapscan/value.h"

#define RUNS 5

static const char *const mix[] = {
    "10423", "7", "42", "1337", "3.5", "12.75", "3,5", "1,299.00",
    "1.299,00", "2026-10-03T14:22:05Z", "2026-10-03", "03/10/2026",
    "2026-10-03 14:22:05", "03.10.2026 14:22", "SKU-10423", "sku-10423",
    "open", "solved", "escalated", "Closed", "email", "chat", "phone", "GB",
    "DE", "uk", "José García", "Zoë Müller", "jose@example.com", "true",
    "false", "yes", "no", "", "N/A", "-", "NULL", "007", "0", "1",
    "12,50 \xE2\x82\xAC", "Printer not working after update",
    "Cannot log in \xE2\x80\x93 password reset loops", "pro", "enterprise",
    "Oct 3, 2026", "550e8400-e29b-41d4-a716-446655440000", "12%",
    "+4915123456789", "https://example.com/a", " padded ", "1700000000",
    /* as in bench/gen_corpus.py's wide.csv */
    "C0102186", "Ipsum Incididunt", "\xC3\xA9t\xC3\xA9.785@example.com",
    "2022-08-16T20:24:50Z", "535.96", "1924,78", "48.7962", "music",
    "labore na\xC3\xAFve review, Z\xC3\xBCrich", "55327",
    "+49 743 0487223", "31%", "0.23", "GBP", "1661916048",
    "176.118.112.235", "f3c64af7", "14/01/2007",
};

static uint32_t rng = 0x9E3779B9u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);  /* CPU time: other load on the machine does not count */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct val {
    const char *s;
    size_t len;
} val;

int main(int argc, char **argv)
{
    size_t n = (argc > 1 ? strtoul(argv[1], NULL, 10) : 4) * 1000000;
    const size_t nm = sizeof mix / sizeof mix[0];
    val *v = malloc((n ? n : 1) * sizeof *v);
    if (!v || n == 0) {
        fprintf(stderr, "usage: bench_value [millions of values >= 1]\n");
        free(v);
        return 2;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].s = mix[rnd() % nm];
        v[i].len = strlen(v[i].s);
        bytes += v[i].len;
    }
    double tc[RUNS], ts[RUNS], th[RUNS];
    unsigned long long sink = 0;
    char shape[GS_SHAPE_MAX];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            gs_value_class c = gs_value_classify(v[i].s, v[i].len,
                                                 GS_VK_TEXT);
            sink += (unsigned)c.type + c.format;
        }
        tc[r] = now() - t0;
        t0 = now();
        for (size_t i = 0; i < n; i++) {
            gs_value_class c = gs_value_classify(v[i].s, v[i].len,
                                                 GS_VK_TEXT);
            sink += c.format + gs_value_shape(v[i].s, v[i].len, shape,
                                              sizeof shape);
        }
        ts[r] = now() - t0;
        t0 = now();
        for (size_t i = 0; i < n; i++) {
            gs_value_class c = gs_value_classify(v[i].s, v[i].len,
                                                 GS_VK_TEXT);
            sink += c.format + gs_value_shape(v[i].s, v[i].len, shape,
                                              sizeof shape) +
                    gs_hygiene_value(v[i].s, v[i].len);
        }
        th[r] = now() - t0;
    }
    qsort(tc, RUNS, sizeof tc[0], cmp_double);
    qsort(ts, RUNS, sizeof ts[0], cmp_double);
    qsort(th, RUNS, sizeof th[0], cmp_double);
    printf("%zu values, %zu distinct, mean %.1f bytes (checksum %llu)\n", n,
           nm, (double)bytes / (double)n, sink % 1000);
    printf("  gs_value_classify          %6.1f M values/s (median of %d)\n",
           (double)n / 1e6 / tc[RUNS / 2], RUNS);
    printf("  classify + gs_value_shape  %6.1f M values/s (median of %d)\n",
           (double)n / 1e6 / ts[RUNS / 2], RUNS);
    printf("  ... + gs_hygiene_value     %6.1f M values/s (median of %d)\n",
           (double)n / 1e6 / th[RUNS / 2], RUNS);
    free(v);
    return 0;
}

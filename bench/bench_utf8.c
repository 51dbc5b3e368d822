/* bench_utf8.c - throughput of UTF-8 validation and of the decode stage.
 *
 * Generates valid UTF-8 text in memory (default 256 MB, mostly ASCII with
 * Latin, Greek, Cyrillic, CJK and emoji words mixed in; then a smaller
 * multibyte-heavy text) and times, median of 5 runs on one core:
 *   - gs_utf8_count_invalid over the whole buffer;
 *   - the streaming decoder (detect on the head, feed 64 KiB pieces, an out
 *     callback that only counts), i.e. validation + hygiene facts + output.
 * Usage: bench_utf8 [megabytes]. Timings are printed, never asserted; build
 * with -Dbuildtype=release to measure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gapscan/decode.h"

#define RUNS 5
#define PIECE (64 * 1024)

static const char *const ascii_words[] = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "data",
    "quality", "profile", "record", "2024-05-17", "12.50", "customer_id",
    "NULL", "status", "shipped", "invoice", "total", "of", "and", "a", "to",
};
static const char *const mb_words[] = {
    "caf\xC3\xA9", "na\xC3\xAFve", "Z\xC3\xBCrich", "\xE2\x82\xAC\x31\x32",
    "\xE2\x80\x94", "\xCE\xB1\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1",
    "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xF0\x9F\x98\x80",
};

static uint32_t rng = 0x9E3779B9u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Fills buf with words; one word in mb_every is a multibyte one. */
static size_t make_text(char *buf, size_t cap, unsigned mb_every)
{
    size_t n = 0, line = 0;
    const size_t na = sizeof ascii_words / sizeof ascii_words[0];
    const size_t nm = sizeof mb_words / sizeof mb_words[0];

    while (n + 64 < cap) {
        const char *w = rnd() % mb_every == 0 ? mb_words[rnd() % nm]
                                              : ascii_words[rnd() % na];
        size_t k = strlen(w);
        memcpy(buf + n, w, k);
        n += k;
        line += k + 1;
        buf[n++] = line > 72 ? '\n' : ' ';
        if (line > 72)
            line = 0;
    }
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int count_out(void *ud, const char *utf8, size_t len)
{
    (void)utf8;
    *(uint64_t *)ud += len;
    return 0;
}

/* One streaming decode of buf; returns seconds, or -1 on error. */
static double decode_once(const unsigned char *buf, size_t n, uint64_t *out)
{
    gs_decoder *d;
    gs_status st;
    double t0 = now();

    *out = 0;
    if (gs_decoder_open(NULL, NULL, &d) != GS_OK)
        return -1;
    st = gs_decoder_detect(d, buf, n < PIECE ? n : PIECE);
    for (size_t i = 0; st == GS_OK && i < n; i += PIECE)
        st = gs_decoder_feed(d, buf + i, n - i < PIECE ? n - i : PIECE,
                             count_out, out);
    if (st == GS_OK)
        st = gs_decoder_finish(d, count_out, out);
    gs_decoder_close(d);
    return st == GS_OK ? now() - t0 : -1;
}

static int bench(const char *label, const unsigned char *buf, size_t n)
{
    double tv[RUNS], td[RUNS];
    uint64_t bad = 0, out = 0, high = 0;

    for (size_t i = 0; i < n; i++)
        high += buf[i] >= 0x80;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        bad += gs_utf8_count_invalid(buf, n);
        tv[r] = now() - t0;
        td[r] = decode_once(buf, n, &out);
        if (td[r] < 0 || out != n) {
            fprintf(stderr, "bench_utf8: decode failed\n");
            return 1;
        }
    }
    qsort(tv, RUNS, sizeof tv[0], cmp_double);
    qsort(td, RUNS, sizeof td[0], cmp_double);
    printf("%s: %.0f MB, %.1f%% bytes >= 0x80, invalid %llu\n", label,
           (double)n / 1e6, 100.0 * (double)high / (double)n,
           (unsigned long long)bad);
    printf("  gs_utf8_count_invalid  %8.0f MB/s (median of %d)\n",
           (double)n / 1e6 / tv[RUNS / 2], RUNS);
    printf("  decoder feed/finish    %8.0f MB/s (median of %d)\n",
           (double)n / 1e6 / td[RUNS / 2], RUNS);
    return 0;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    size_t cap = mb * 1000 * 1000;
    char *buf = malloc(cap ? cap : 1);
    int rc;

    if (!buf || cap < 1000) {
        fprintf(stderr, "usage: bench_utf8 [megabytes >= 1]\n");
        free(buf);
        return 2;
    }
    rc = bench("mostly ASCII", (const unsigned char *)buf,
               make_text(buf, cap, 20));
    if (rc == 0)
        rc = bench("multibyte-heavy", (const unsigned char *)buf,
                   make_text(buf, cap / 4, 2));
    free(buf);
    return rc;
}

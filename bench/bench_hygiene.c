/* bench_hygiene.c - throughput of the text-hygiene detectors.
 *
 * Generates three clean texts in memory (default 64 MB each): ASCII
 * English, Latin prose (French, German, Portuguese, Icelandic words, about
 * one word in four accented) and CJK (Chinese and Japanese, with their own
 * punctuation), and times, median of 5 runs on one core:
 *   - the streaming scanner, fed 64 KiB pieces;
 *   - gs_hygiene_value on the same text cut into values of about 24 bytes
 *     (at character boundaries), as a collector would call it.
 * Times are CPU time of the thread (this machine is shared).
 * Each run must find nothing: the texts are clean, so a count other than 0
 * is a false positive and the program fails. Usage: bench_hygiene
 * [megabytes]. Timings are printed, never asserted; build with
 * -Dbuildtype=release to measure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gapscan/hygiene.h"

#define RUNS 5
#define PIECE (64 * 1024)
#define VALUE 24

static const char *const ascii_words[] = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "data",
    "quality", "profile", "record", "2024-05-17", "12.50", "customer_id",
    "NULL", "status", "shipped", "invoice", "total", "of", "and", "a", "to",
};
static const char *const latin_words[] = {
    "le", "café", "était", "fermé", "à", "Noël", "l’été", "dernier", "et",
    "die", "Straße", "in", "Zürich", "über", "Grüße", "für", "Bäcker",
    "São", "Paulo", "não", "coração", "ações", "Þetta", "með", "þér", "og",
    "«", "»", "—", "ÉTÉ", "garçon", "œuvre", "naïve",
};
static const char *const cjk_words[] = {
    "日本語", "の", "テキスト", "、", "「引用」", "。", "中文", "文本", "，",
    "标点", "数据", "质量", "東京", "大阪", "한국어", "텍스트", "입니다",
};

static uint32_t rng = 0x9E3779B9u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Fills buf with words from w[0..nw), space-separated unless cjk, with a
 * newline every ~72 bytes. */
static size_t make_text(char *buf, size_t cap, const char *const *w,
                        size_t nw, int cjk)
{
    size_t n = 0, line = 0;

    while (n + 64 < cap) {
        const char *s = w[rnd() % nw];
        size_t k = strlen(s);
        memcpy(buf + n, s, k);
        n += k;
        line += k;
        if (line > 72) {
            buf[n++] = '\n';
            line = 0;
        } else if (!cjk) {
            buf[n++] = ' ';
            line++;
        }
    }
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One streaming scan; returns seconds, or -1 on error or any finding. */
static double scan_once(const char *buf, size_t n)
{
    gs_hygiene *h;
    gs_status st;
    double t0 = now();
    uint64_t found = 0;

    if (gs_hygiene_open(NULL, NULL, 0, &h) != GS_OK)
        return -1;
    st = GS_OK;
    for (size_t i = 0; st == GS_OK && i < n; i += PIECE)
        st = gs_hygiene_feed(h, buf + i, n - i < PIECE ? n - i : PIECE, 0);
    if (st == GS_OK)
        st = gs_hygiene_finish(h);
    for (int c = 0; c < GS_HYG__COUNT; c++)
        found += gs_hygiene_get_facts(h)->count[c];
    gs_hygiene_close(h);
    if (found)
        fprintf(stderr, "bench_hygiene: %llu findings in clean text\n",
                (unsigned long long)found);
    return st == GS_OK && !found ? now() - t0 : -1;
}

/* gs_hygiene_value over ~VALUE-byte values; -1 on any finding. */
static double values_once(const char *buf, size_t n)
{
    unsigned mask = 0;
    double t0 = now();

    for (size_t i = 0; i < n;) {
        size_t k = n - i < VALUE ? n - i : VALUE;
        while (i + k < n && ((unsigned char)buf[i + k] & 0xC0) == 0x80)
            k++;    /* end at a character boundary */
        mask |= gs_hygiene_value(buf + i, k);
        i += k;
    }
    if (mask)
        fprintf(stderr, "bench_hygiene: value mask 0x%x in clean text\n",
                mask);
    return mask ? -1 : now() - t0;
}

static int bench(const char *label, const char *buf, size_t n)
{
    double ts[RUNS], tv[RUNS];
    uint64_t high = 0;

    for (size_t i = 0; i < n; i++)
        high += (unsigned char)buf[i] >= 0x80;
    for (int r = 0; r < RUNS; r++) {
        ts[r] = scan_once(buf, n);
        tv[r] = values_once(buf, n);
        if (ts[r] < 0 || tv[r] < 0)
            return 1;
    }
    qsort(ts, RUNS, sizeof ts[0], cmp_double);
    qsort(tv, RUNS, sizeof tv[0], cmp_double);
    printf("%s: %.0f MB, %.1f%% bytes >= 0x80\n", label, (double)n / 1e6,
           100.0 * (double)high / (double)n);
    printf("  streaming scanner      %8.0f MB/s (median of %d)\n",
           (double)n / 1e6 / ts[RUNS / 2], RUNS);
    printf("  gs_hygiene_value (%dB) %8.0f MB/s (median of %d)\n", VALUE,
           (double)n / 1e6 / tv[RUNS / 2], RUNS);
    return 0;
}

#define N(a) (sizeof(a) / sizeof(a)[0])

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
    size_t cap = mb * 1000 * 1000;
    char *buf = malloc(cap ? cap : 1);
    int rc;

    if (!buf || cap < 1000) {
        fprintf(stderr, "usage: bench_hygiene [megabytes >= 1]\n");
        free(buf);
        return 2;
    }
    rc = bench("ASCII", buf, make_text(buf, cap, ascii_words,
                                       N(ascii_words), 0));
    if (rc == 0)
        rc = bench("Latin prose", buf, make_text(buf, cap, latin_words,
                                                 N(latin_words), 0));
    if (rc == 0)
        rc = bench("CJK", buf, make_text(buf, cap, cjk_words,
                                         N(cjk_words), 1));
    free(buf);
    return rc;
}

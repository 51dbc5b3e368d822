/* test_sketch.c - HyperLogLog and Misra-Gries top-K: accuracy, merges,
 * text round trips, strict decoding, determinism and no allocation on add.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gapscan/sketch.h"

static uint64_t h64(uint64_t i) { return gs_hash(&i, sizeof i); }

/* xorshift64*: a fixed pseudo-random stream for shuffles. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Counting allocator: counts every allocation and can fail from the n-th. */
static long n_allocs;
static long fail_from = -1;

static void *counting_alloc(void *ud, void *ptr, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (fail_from >= 0 && n_allocs >= fail_from)
        return NULL;
    n_allocs++;
    return realloc(ptr, nsize);
}

static char *encode(const gs_hll *h)
{
    char *s = NULL;
    ck_assert_int_eq(gs_hll_encode(h, &s), GS_OK);
    return s;
}

static gs_hll *hll_of_range(unsigned lg_k, uint64_t from, uint64_t to)
{
    gs_hll *h = gs_hll_new(lg_k);
    ck_assert_ptr_nonnull(h);
    for (uint64_t i = from; i < to; i++)
        ck_assert_int_eq(gs_hll_add(h, h64(i)), GS_OK);
    return h;
}

/* ------------------------------------------------------------------ */
/* HyperLogLog                                                         */

START_TEST(hll_counts_small_sets_almost_exactly)
{
    gs_hll *h = gs_hll_new(12);
    ck_assert_double_eq(gs_hll_estimate(h), 0.0);
    for (uint64_t n = 1; n < 300; n++) {
        gs_hll_add(h, h64(n));
        gs_hll_add(h, h64(n / 2 + 1));   /* repeats change nothing */
        double e = gs_hll_estimate(h);
        ck_assert_msg(fabs(e - (double)n) <= 1.0, "n=%d est=%f", (int)n, e);
    }
    gs_hll_free(h);
}
END_TEST

START_TEST(hll_estimates_within_three_standard_errors_up_to_a_million)
{
    const double bound = 3 * 1.04 / sqrt(4096.0);
    gs_hll *h = gs_hll_new(12);
    uint64_t next_check = 10;
    for (uint64_t n = 1; n <= 1000000; n++) {
        ck_assert_int_eq(gs_hll_add(h, h64(n)), GS_OK);
        if (n == next_check) {
            double e = gs_hll_estimate(h);
            double rel = fabs(e - (double)n) / (double)n;
            ck_assert_msg(rel <= bound, "n=%d est=%.1f rel=%.4f", (int)n, e,
                          rel);
            next_check = next_check * 5 / 4 + 1;
        }
    }
    double e = gs_hll_estimate(h);
    ck_assert_msg(fabs(e - 1e6) / 1e6 <= bound, "est=%.1f", e);
    gs_hll_free(h);
}
END_TEST

START_TEST(hll_estimates_stay_close_for_every_lg_k)
{
    for (unsigned lg_k = 4; lg_k <= 18; lg_k++) {
        double bound = 4 * 1.04 / sqrt((double)(1u << lg_k));
        gs_hll *h = hll_of_range(lg_k, 0, 200000);
        double e = gs_hll_estimate(h);
        ck_assert_msg(fabs(e - 2e5) / 2e5 <= bound, "lg_k=%u est=%.1f",
                      lg_k, e);
        ck_assert_uint_eq(gs_hll_lg_k(h), lg_k);
        gs_hll_free(h);
    }
    ck_assert_ptr_null(gs_hll_new(3));
    ck_assert_ptr_null(gs_hll_new(19));
}
END_TEST

/* merge(A, B), merge(B, A) and a sketch fed A then B: identical text. */
static void check_union(unsigned lg_k, uint64_t a0, uint64_t a1, uint64_t b0,
                        uint64_t b1)
{
    gs_hll *a = hll_of_range(lg_k, a0, a1);
    gs_hll *b = hll_of_range(lg_k, b0, b1);
    gs_hll *ab = hll_of_range(lg_k, a0, a1);
    ck_assert_int_eq(gs_hll_merge(ab, b), GS_OK);
    gs_hll *ba = hll_of_range(lg_k, b0, b1);
    ck_assert_int_eq(gs_hll_merge(ba, a), GS_OK);
    gs_hll *u = hll_of_range(lg_k, a0, a1);
    for (uint64_t i = b0; i < b1; i++)
        gs_hll_add(u, h64(i));
    char *sab = encode(ab), *sba = encode(ba), *su = encode(u);
    ck_assert_str_eq(sab, su);
    ck_assert_str_eq(sba, su);
    ck_assert_double_eq(gs_hll_estimate(ab), gs_hll_estimate(u));
    gs_free(sab);
    gs_free(sba);
    gs_free(su);
    gs_hll_free(a);
    gs_hll_free(b);
    gs_hll_free(ab);
    gs_hll_free(ba);
    gs_hll_free(u);
}

START_TEST(hll_merge_equals_the_sketch_of_the_union)
{
    check_union(12, 0, 100, 50, 300);          /* sparse + sparse: sparse */
    check_union(12, 0, 600, 500, 1100);        /* sparse + sparse: dense */
    check_union(12, 0, 100, 0, 100000);        /* sparse + dense */
    check_union(12, 0, 100000, 99990, 100050); /* dense + sparse */
    check_union(12, 0, 70000, 30000, 200000);  /* dense + dense */
    check_union(12, 0, 0, 0, 10);              /* empty + sparse */
    check_union(4, 0, 3, 2, 6);                /* tiny: turns dense at 5 */
    check_union(18, 0, 40000, 20000, 90000);
}
END_TEST

START_TEST(hll_merge_with_itself_changes_nothing)
{
    gs_hll *s = hll_of_range(12, 0, 500);
    gs_hll *d = hll_of_range(12, 0, 50000);
    char *s0 = encode(s), *d0 = encode(d);
    ck_assert_int_eq(gs_hll_merge(s, s), GS_OK);
    ck_assert_int_eq(gs_hll_merge(d, d), GS_OK);
    char *s1 = encode(s), *d1 = encode(d);
    ck_assert_str_eq(s0, s1);
    ck_assert_str_eq(d0, d1);
    gs_free(s0);
    gs_free(s1);
    gs_free(d0);
    gs_free(d1);
    gs_hll_free(s);
    gs_hll_free(d);
}
END_TEST

START_TEST(hll_merge_refuses_a_different_size)
{
    gs_hll *a = gs_hll_new(12), *b = gs_hll_new(14);
    ck_assert_int_eq(gs_hll_merge(a, b), GS_EINVAL);
    gs_hll_free(a);
    gs_hll_free(b);
}
END_TEST

static void check_round_trip(gs_hll *h, char mode)
{
    char *s = encode(h);
    ck_assert_msg(s[7] == mode || s[8] == mode, "%.12s", s);
    for (const char *p = s; *p; p++)
        ck_assert(*p > ' ' && *p < 127 && *p != '"' && *p != '\\');
    gs_hll *back = NULL;
    ck_assert_int_eq(gs_hll_decode(s, strlen(s), &back), GS_OK);
    char *s2 = encode(back);
    ck_assert_str_eq(s, s2);
    ck_assert_double_eq(gs_hll_estimate(h), gs_hll_estimate(back));
    gs_free(s);
    gs_free(s2);
    gs_hll_free(back);
}

START_TEST(hll_text_round_trips_sparse_and_dense)
{
    gs_hll *empty = gs_hll_new(12);
    char *s = encode(empty);
    ck_assert_str_eq(s, "hll1:12:s:");
    gs_free(s);
    check_round_trip(empty, 's');
    gs_hll *sp = hll_of_range(12, 0, 700);
    check_round_trip(sp, 's');
    gs_hll *de = hll_of_range(12, 0, 100000);
    check_round_trip(de, 'd');
    gs_hll *big = hll_of_range(16, 0, 30000);
    check_round_trip(big, 'd');
    gs_hll_free(empty);
    gs_hll_free(sp);
    gs_hll_free(de);
    gs_hll_free(big);
}
END_TEST

START_TEST(hll_decode_rejects_what_encode_cannot_produce)
{
    char dense_ok[16 + 4096], dense_big[16 + 4096];
    memcpy(dense_ok, "hll1:12:d:", 10);
    memset(dense_ok + 10, 'A', 4096);
    dense_ok[10 + 4096] = '\0';
    memcpy(dense_big, dense_ok, sizeof dense_ok);
    dense_big[20] = '2';   /* 54 > 65 - 12 */
    char too_many[16 + 8 * 1025];
    int n = snprintf(too_many, sizeof too_many, "hll1:12:s:");
    for (unsigned i = 0; i < 1025; i++)
        n += snprintf(too_many + n, sizeof too_many - (size_t)n, "%08x",
                      (i + 1) << 6 | 1);
    const char *bad[] = {
        "", "hll1", "hll1:", "hll2:12:s:", "HLL1:12:s:", "hll1:12:x:",
        "hll1:12:s", "hll1:3:s:", "hll1:19:s:", "hll1:012:s:", "hll1::s:",
        "hll1:12:s:0000004", "hll1:12:s:0000004G", "hll1:12:s:0000004A",
        "hll1:12:s:00000041 ",
        "hll1:12:s:0000008100000041",     /* keys out of order */
        "hll1:12:s:0000004100000042",     /* the same key twice */
        "hll1:12:s:00000040",             /* rho 0 */
        "hll1:12:s:00000069",             /* rho 41 */
        "hll1:12:s:80000041",             /* past 31 bits */
        "hll1:12:d:AAAA", "hll1:12:d:", dense_big, too_many,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gs_hll *h = (gs_hll *)1;
        ck_assert_msg(gs_hll_decode(bad[i], strlen(bad[i]), &h) ==
                          GS_EFORMAT, "accepted #%d \"%.40s\"", (int)i,
                      bad[i]);
        ck_assert_ptr_null(h);
    }
    gs_hll *h = NULL;
    ck_assert_int_eq(gs_hll_decode(dense_ok, strlen(dense_ok), &h), GS_OK);
    ck_assert_double_eq(gs_hll_estimate(h), 0.0);
    gs_hll_free(h);
    dense_ok[12] = '=';
    ck_assert_int_eq(gs_hll_decode(dense_ok, strlen(dense_ok), &h),
                     GS_EFORMAT);
    /* a length that stops early: the prefix alone is not a sketch */
    ck_assert_int_eq(gs_hll_decode("hll1:12:s:00000041", 14, &h),
                     GS_EFORMAT);
}
END_TEST

START_TEST(hll_out_of_memory_is_a_status)
{
    gs_set_allocator(counting_alloc, NULL);
    gs_hll *h = gs_hll_new(12);
    ck_assert_ptr_nonnull(h);
    fail_from = n_allocs;
    gs_status st = GS_OK;
    for (uint64_t i = 0; i < 5000 && st == GS_OK; i++)
        st = gs_hll_add(h, h64(i));
    ck_assert_int_eq(st, GS_ENOMEM);
    fail_from = -1;
    gs_hll_free(h);
    gs_set_allocator(NULL, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Top-K                                                               */

#define Z_DISTINCT 3000
#define Z_TOP 10

typedef struct stream {
    uint32_t *ids;     /* value ids in stream order */
    size_t n;
    uint64_t freq[Z_DISTINCT];
} stream;

/* Zipf-like frequencies (rank i: 30000 / i^1.2), shuffled. With 64
 * counters the top ten come out in true order for every seed tried (with
 * 32, the churning tail overtakes rank 8-10: a counter-based sketch
 * needs k well above the number of values wanted in order when the tail
 * is heavy). */
static stream *zipf_stream(uint64_t seed)
{
    stream *s = calloc(1, sizeof *s);
    for (int i = 0; i < Z_DISTINCT; i++) {
        s->freq[i] = (uint64_t)(30000.0 / pow(i + 1, 1.2));
        if (s->freq[i] == 0)
            s->freq[i] = 1;
        s->n += s->freq[i];
    }
    s->ids = malloc(s->n * sizeof *s->ids);
    size_t k = 0;
    for (uint32_t i = 0; i < Z_DISTINCT; i++)
        for (uint64_t j = 0; j < s->freq[i]; j++)
            s->ids[k++] = i;
    for (size_t i = s->n - 1; i > 0; i--) {
        size_t j = rng_next(&seed) % (i + 1);
        uint32_t t = s->ids[i];
        s->ids[i] = s->ids[j];
        s->ids[j] = t;
    }
    return s;
}

static void stream_free(stream *s)
{
    free(s->ids);
    free(s);
}

static int value_name(uint32_t id, char *buf)
{
    return sprintf(buf, "value-%u", (unsigned)id);
}

static void feed(gs_topk *t, const stream *s, size_t from, size_t to)
{
    char buf[32];
    for (size_t i = from; i < to; i++) {
        int n = value_name(s->ids[i], buf);
        gs_topk_add(t, buf, (size_t)n, gs_hash(buf, (size_t)n), 1);
    }
}

static int id_of(const gs_topk_item *it)
{
    char buf[32];
    for (uint32_t id = 0; id < Z_DISTINCT; id++) {
        int n = value_name(id, buf);
        if ((size_t)n == it->len && memcmp(buf, it->value, it->len) == 0)
            return (int)id;
    }
    return -1;
}

/* Top values in true order, and every count bound holds. */
static void check_top(const gs_topk *t, const stream *s)
{
    gs_topk_item items[64];
    size_t n = gs_topk_items(t, items, 64);
    ck_assert_uint_ge(n, Z_TOP);
    ck_assert_uint_le(n, gs_topk_capacity(t));
    for (size_t i = 0; i < Z_TOP; i++)
        ck_assert_msg(id_of(&items[i]) == (int)i, "rank %d holds %.*s",
                      (int)i, (int)items[i].len, items[i].value);
    for (size_t i = 0; i < n; i++) {
        int id = id_of(&items[i]);
        ck_assert_int_ge(id, 0);
        ck_assert_uint_ge(items[i].count, s->freq[id]);
        ck_assert_uint_le(items[i].count - items[i].error, s->freq[id]);
    }
}

/* Every bound against the exact counts freq[0..nd) of values named by
 * value_name: each counter's [count - error, count] holds the true count,
 * a value without a counter has a true count of at most the offset, the
 * offset is at most total / (k + 1), and so every value more frequent than
 * that has a counter. */
static void check_bounds(const gs_topk *t, const uint64_t *freq, size_t nd,
                         uint64_t total)
{
    ck_assert_uint_eq(gs_topk_total(t), total);
    uint64_t off = gs_topk_offset(t);
    size_t k = gs_topk_capacity(t);
    ck_assert_uint_le(off * (k + 1), total);
    size_t cap = gs_topk_max_counters(t);
    gs_topk_item *c = malloc(cap * sizeof *c);
    size_t n = gs_topk_counters(t, c, cap);
    ck_assert_uint_le(n, cap);
    char buf[32];
    for (size_t id = 0; id < nd; id++) {
        int len = value_name((uint32_t)id, buf);
        uint64_t h = gs_hash(buf, (size_t)len);
        size_t j = 0;
        while (j < n && c[j].hash != h)
            j++;
        ck_assert_int_eq(gs_topk_has(t, h), j < n);
        if (j == n) {
            ck_assert_msg(freq[id] <= off, "%s (%llu) has no counter", buf,
                          (unsigned long long)freq[id]);
            continue;
        }
        ck_assert_uint_eq(c[j].error, off);
        ck_assert_uint_ge(c[j].count, freq[id]);
        ck_assert_uint_le(c[j].count - c[j].error, freq[id]);
    }
    free(c);
}

START_TEST(topk_finds_the_true_top_ten_in_order)
{
    stream *s = zipf_stream(42);
    gs_topk *t = gs_topk_new(64, 64);
    feed(t, s, 0, s->n);
    ck_assert_uint_eq(gs_topk_total(t), s->n);
    check_top(t, s);
    check_bounds(t, s->freq, Z_DISTINCT, s->n);
    gs_topk_free(t);
    stream_free(s);
}
END_TEST

START_TEST(topk_counts_exactly_up_to_twice_k_values)
{
    /* 2k distinct values, each added in pieces (and with count 0, which
     * adds nothing): every count exact, error 0, the best k reported. */
    const size_t k = 16;
    gs_topk *t = gs_topk_new(k, 32);
    uint64_t freq[32], total = 0, seed = 11;
    char buf[32];
    memset(freq, 0, sizeof freq);
    for (int i = 0; i < 5000; i++) {
        uint32_t id = (uint32_t)(rng_next(&seed) % (2 * k));
        uint64_t w = rng_next(&seed) % 4;
        int len = value_name(id, buf);
        gs_topk_add(t, buf, (size_t)len, gs_hash(buf, (size_t)len), w);
        freq[id] += w;
        total += w;
    }
    ck_assert_uint_eq(gs_topk_offset(t), 0);
    check_bounds(t, freq, 2 * k, total);
    gs_topk_item c[32], it[32];
    ck_assert_uint_eq(gs_topk_counters(t, c, 32), 2 * k);
    for (size_t i = 0; i < 2 * k; i++) {
        ck_assert_uint_eq(c[i].error, 0);
        ck_assert_uint_eq(c[i].count, freq[id_of(&c[i])]);
    }
    ck_assert_uint_eq(gs_topk_items(t, it, 32), k);   /* at most k */
    for (size_t i = 0; i < k; i++)
        ck_assert_uint_eq(it[i].hash, c[i].hash);
    ck_assert_int_eq(gs_topk_add(t, "new", 3, gs_hash("new", 3), 0), 0);
    ck_assert_int_eq(gs_topk_has(t, gs_hash("new", 3)), 0);
    /* the add says whether the value had a counter (profile.c skips the
     * HyperLogLog then) */
    gs_topk *u = gs_topk_new(2, 16);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(gs_topk_add(u, "a", 1, gs_hash("a", 1), 1), 0);
    ck_assert_int_eq(gs_topk_add(u, "a", 1, gs_hash("a", 1), 1), 1);
    char v[8];
    for (int i = 0; i < 20; i++) {  /* purges drop "a" (count 2) */
        int n = snprintf(v, sizeof v, "v%d", i);
        ck_assert_int_eq(gs_topk_add(u, v, (size_t)n, gs_hash(v, (size_t)n), 3),
                         0);
    }
    ck_assert_int_eq(gs_topk_has(u, gs_hash("a", 1)), 0);
    ck_assert_int_eq(gs_topk_add(u, "a", 1, gs_hash("a", 1), 1), 0);
    gs_topk_free(u);
    ck_assert_uint_eq(gs_topk_total(t), total);
    ck_assert_int_eq(gs_topk_add(t, c[0].value, c[0].len, c[0].hash, 1), 1);
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_bounds_hold_on_a_random_stream)
{
    /* Uniform noise over 2000 values with a few heavier ones: many purges,
     * checked against exact counts after every 10000 adds. */
    enum { ND = 2000 };
    static uint64_t freq[ND];
    memset(freq, 0, sizeof freq);
    gs_topk *t = gs_topk_new(16, 16);
    uint64_t seed = 77, total = 0;
    char buf[32];
    for (int i = 1; i <= 100000; i++) {
        uint64_t r = rng_next(&seed);
        uint32_t id = r % 5 == 0 ? (uint32_t)(r >> 32) % 8
                                 : (uint32_t)(r >> 32) % ND;
        int len = value_name(id, buf);
        gs_topk_add(t, buf, (size_t)len, gs_hash(buf, (size_t)len), 1);
        freq[id]++;
        total++;
        if (i % 10000 == 0)
            check_bounds(t, freq, ND, total);
    }
    ck_assert_uint_gt(gs_topk_offset(t), 0);
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_has_exactly_the_counters)
{
    /* Most adds after the first 16 make a new counter: the index must
     * follow every purge. */
    gs_topk *t = gs_topk_new(8, 16);
    char buf[32];
    uint64_t hashes[1000];
    for (int i = 0; i < 1000; i++) {
        int len = sprintf(buf, "v%d", i % 3 ? i : 7);
        hashes[i] = gs_hash(buf, (size_t)len);
        gs_topk_add(t, buf, (size_t)len, hashes[i], 1);
        ck_assert_int_eq(gs_topk_has(t, hashes[i]), 1);
    }
    ck_assert_uint_gt(gs_topk_offset(t), 0);
    gs_topk_item c[16];
    size_t got = gs_topk_counters(t, c, 16);
    ck_assert_uint_ge(got, 1);
    for (int i = 0; i < 1000; i++) {
        int kept = 0;
        for (size_t j = 0; j < got; j++)
            kept |= c[j].hash == hashes[i];
        ck_assert_int_eq(gs_topk_has(t, hashes[i]), kept);
    }
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_keeps_every_value_more_frequent_than_n_over_k)
{
    /* Adversarial order: 20000 distinct singletons first, the heavy
     * values last, then a tail of singletons again. */
    const size_t k = 32;
    gs_topk *t = gs_topk_new(k, 32);
    char buf[32];
    uint64_t n = 0;
    for (int i = 0; i < 20000; i++, n++) {
        int len = sprintf(buf, "single-%d", i);
        gs_topk_add(t, buf, (size_t)len, gs_hash(buf, (size_t)len), 1);
    }
    static const int heavy[] = {1500, 1700, 2100, 3000};
    for (int h = 0; h < 4; h++)
        for (int j = 0; j < heavy[h]; j++, n++) {
            int len = sprintf(buf, "heavy-%d", h);
            gs_topk_add(t, buf, (size_t)len, gs_hash(buf, (size_t)len), 1);
        }
    for (int i = 0; i < 5000; i++, n++) {
        int len = sprintf(buf, "tail-%d", i);
        gs_topk_add(t, buf, (size_t)len, gs_hash(buf, (size_t)len), 1);
    }
    ck_assert_uint_eq(gs_topk_total(t), n);
    ck_assert_uint_le(gs_topk_offset(t) * (k + 1), n);
    gs_topk_item items[32];
    size_t got = gs_topk_items(t, items, 32);
    for (int h = 0; h < 4; h++) {
        ck_assert((uint64_t)heavy[h] > n / k);
        int len = sprintf(buf, "heavy-%d", h);
        int found = 0;
        for (size_t i = 0; i < got; i++)
            if (items[i].len == (size_t)len &&
                memcmp(items[i].value, buf, (size_t)len) == 0) {
                found = 1;
                ck_assert_uint_ge(items[i].count, (uint64_t)heavy[h]);
                ck_assert_uint_le(items[i].count - items[i].error,
                                  (uint64_t)heavy[h]);
            }
        ck_assert_msg(found, "%s was dropped", buf);
    }
    gs_topk_free(t);
}
END_TEST

/* Whether two sketches have the same state: counters, offset, total. */
static void assert_same_state(const gs_topk *a, const gs_topk *b)
{
    size_t cap = gs_topk_max_counters(a);
    ck_assert_uint_eq(gs_topk_max_counters(b), cap);
    gs_topk_item *x = malloc(2 * cap * sizeof *x), *y = x + cap;
    size_t nx = gs_topk_counters(a, x, cap), ny = gs_topk_counters(b, y, cap);
    ck_assert_uint_eq(nx, ny);
    for (size_t i = 0; i < nx; i++) {
        ck_assert_uint_eq(x[i].hash, y[i].hash);
        ck_assert_uint_eq(x[i].len, y[i].len);
        ck_assert(memcmp(x[i].value, y[i].value, x[i].len) == 0);
        ck_assert_int_eq(x[i].truncated, y[i].truncated);
        ck_assert_uint_eq(x[i].count, y[i].count);
        ck_assert_uint_eq(x[i].error, y[i].error);
    }
    ck_assert_uint_eq(gs_topk_offset(a), gs_topk_offset(b));
    ck_assert_uint_eq(gs_topk_total(a), gs_topk_total(b));
    free(x);
}

START_TEST(topk_merge_of_two_halves_finds_the_same_top)
{
    stream *s = zipf_stream(7);
    gs_topk *a = gs_topk_new(64, 64), *b = gs_topk_new(64, 64);
    feed(a, s, 0, s->n / 2);
    feed(b, s, s->n / 2, s->n);
    gs_topk *ab = gs_topk_new(64, 64), *ba = gs_topk_new(64, 64);
    ck_assert_int_eq(gs_topk_merge(ab, a), GS_OK);
    ck_assert_int_eq(gs_topk_merge(ab, b), GS_OK);
    ck_assert_int_eq(gs_topk_merge(ba, b), GS_OK);
    ck_assert_int_eq(gs_topk_merge(ba, a), GS_OK);
    /* either order keeps the guarantee (the states may differ) */
    check_top(ab, s);
    check_top(ba, s);
    check_bounds(ab, s->freq, Z_DISTINCT, s->n);
    check_bounds(ba, s->freq, Z_DISTINCT, s->n);
    /* merging an empty sketch changes nothing */
    gs_topk *again = gs_topk_new(64, 64), *empty = gs_topk_new(64, 64);
    ck_assert_int_eq(gs_topk_merge(again, a), GS_OK);
    ck_assert_int_eq(gs_topk_merge(again, b), GS_OK);
    ck_assert_int_eq(gs_topk_merge(again, empty), GS_OK);
    assert_same_state(ab, again);
    gs_topk_free(empty);
    /* and merging into a sketch that holds data works in place */
    ck_assert_int_eq(gs_topk_merge(a, b), GS_OK);
    check_top(a, s);
    check_bounds(a, s->freq, Z_DISTINCT, s->n);
    gs_topk_free(a);
    gs_topk_free(b);
    gs_topk_free(ab);
    gs_topk_free(ba);
    gs_topk_free(again);
    stream_free(s);
}
END_TEST

/* Merge parts [lo, hi) of p[] as a balanced tree into a new sketch. */
static gs_topk *merge_tree(gs_topk **p, size_t lo, size_t hi)
{
    gs_topk *t = gs_topk_new(16, 16);
    if (hi - lo == 1) {
        ck_assert_int_eq(gs_topk_merge(t, p[lo]), GS_OK);
        return t;
    }
    size_t mid = lo + (hi - lo) / 2;
    gs_topk *l = merge_tree(p, lo, mid), *r = merge_tree(p, mid, hi);
    ck_assert_int_eq(gs_topk_merge(t, l), GS_OK);
    ck_assert_int_eq(gs_topk_merge(t, r), GS_OK);
    gs_topk_free(l);
    gs_topk_free(r);
    return t;
}

START_TEST(topk_any_merge_tree_keeps_the_guarantee_deterministically)
{
    /* A zipf stream cut into 8 parts, merged left to right, right to left
     * and as a balanced tree: each result bounds every true count and
     * holds every value above total / (k + 1); doing a merge again gives
     * the same state. */
    stream *s = zipf_stream(5);
    enum { P = 8 };
    gs_topk *part[P];
    for (size_t i = 0; i < P; i++) {
        part[i] = gs_topk_new(16, 16);
        feed(part[i], s, s->n * i / P, s->n * (i + 1) / P);
    }
    gs_topk *left = gs_topk_new(16, 16), *right = gs_topk_new(16, 16);
    for (size_t i = 0; i < P; i++) {
        ck_assert_int_eq(gs_topk_merge(left, part[i]), GS_OK);
        ck_assert_int_eq(gs_topk_merge(right, part[P - 1 - i]), GS_OK);
    }
    gs_topk *tree = merge_tree(part, 0, P), *tree2 = merge_tree(part, 0, P);
    gs_topk *results[3] = {left, right, tree};
    for (int r = 0; r < 3; r++)
        check_bounds(results[r], s->freq, Z_DISTINCT, s->n);
    assert_same_state(tree, tree2);
    /* merging a sketch with itself doubles it */
    ck_assert_int_eq(gs_topk_merge(tree2, tree2), GS_OK);
    ck_assert_int_eq(gs_topk_merge(tree, tree2), GS_OK);
    ck_assert_int_eq(gs_topk_merge(tree, tree2), GS_OK);
    ck_assert_int_eq(gs_topk_merge(tree2, tree2), GS_OK);
    ck_assert_uint_eq(gs_topk_total(tree), 5 * s->n);
    ck_assert_uint_eq(gs_topk_total(tree2), 4 * s->n);
    for (size_t i = 0; i < P; i++)
        gs_topk_free(part[i]);
    gs_topk_free(left);
    gs_topk_free(right);
    gs_topk_free(tree);
    gs_topk_free(tree2);
    stream_free(s);
}
END_TEST

START_TEST(topk_same_input_gives_the_same_items)
{
    stream *s = zipf_stream(99);
    gs_topk *a = gs_topk_new(20, 16), *b = gs_topk_new(20, 16);
    feed(a, s, 0, s->n);
    feed(b, s, 0, s->n);
    assert_same_state(a, b);
    gs_topk_item x[20];
    size_t nx = gs_topk_items(a, x, 20);
    ck_assert_uint_ge(nx, 1);
    for (size_t i = 1; i < nx; i++) {
        if (x[i - 1].count == x[i].count) {
            size_t m = x[i].len < x[i - 1].len ? x[i].len : x[i - 1].len;
            int c = memcmp(x[i - 1].value, x[i].value, m);
            ck_assert(c < 0 || (c == 0 && x[i - 1].len <= x[i].len));
        } else {
            ck_assert_uint_gt(x[i - 1].count, x[i].count);
        }
    }
    gs_topk_free(a);
    gs_topk_free(b);
    stream_free(s);
}
END_TEST

START_TEST(topk_items_sort_by_count_then_bytes)
{
    gs_topk *t = gs_topk_new(8, 16);
    const char *v[] = {"b", "a", "c", "ab", "d"};
    const uint64_t c[] = {5, 5, 7, 5, 1};
    for (int i = 0; i < 5; i++)
        gs_topk_add(t, v[i], strlen(v[i]), gs_hash(v[i], strlen(v[i])),
                    c[i]);
    gs_topk_add(t, "x", 1, gs_hash("x", 1), 0);   /* count 0: nothing */
    gs_topk_item it[8];
    ck_assert_uint_eq(gs_topk_items(t, it, 8), 5);
    const char *want[] = {"c", "a", "ab", "b", "d"};
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(it[i].len, strlen(want[i]));
        ck_assert(memcmp(it[i].value, want[i], it[i].len) == 0);
    }
    ck_assert_uint_eq(gs_topk_items(t, it, 2), 2);   /* the best two */
    ck_assert(it[0].value[0] == 'c' && it[1].value[0] == 'a' &&
              it[1].len == 1);
    ck_assert_uint_eq(gs_topk_items(t, it, 0), 0);
    ck_assert_uint_eq(gs_topk_total(t), 23);
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_cuts_long_values_at_a_utf8_boundary)
{
    gs_topk *t = gs_topk_new(4, 5);
    const char *cafe = "abcd\xC3\xA9" "fg";   /* é spans bytes 4-5 */
    const char *cafx = "abcd\xC3\xA9" "xy";   /* same 5-byte prefix */
    const char *euro = "a\xE2\x82\xAC" "bcd"; /* € spans bytes 1-3 */
    gs_topk_add(t, cafe, strlen(cafe), gs_hash(cafe, strlen(cafe)), 3);
    gs_topk_add(t, cafx, strlen(cafx), gs_hash(cafx, strlen(cafx)), 2);
    gs_topk_add(t, euro, strlen(euro), gs_hash(euro, strlen(euro)), 1);
    gs_topk_add(t, "abc", 3, gs_hash("abc", 3), 1);
    gs_topk_item it[4];
    ck_assert_uint_eq(gs_topk_items(t, it, 4), 4);
    /* identity is the full value: two values with one prefix stay apart */
    ck_assert_uint_eq(it[0].count, 3);
    ck_assert_uint_eq(it[1].count, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(it[i].len, 4);
        ck_assert(memcmp(it[i].value, "abcd", 4) == 0);
        ck_assert_int_eq(it[i].truncated, 1);
    }
    ck_assert_uint_eq(it[2].len, 3);                 /* "abc" < "a€b" */
    ck_assert_int_eq(it[2].truncated, 0);
    ck_assert_uint_eq(it[3].len, 5);                 /* "a€b" fits */
    ck_assert(memcmp(it[3].value, "a\xE2\x82\xAC" "b", 5) == 0);
    ck_assert_int_eq(it[3].truncated, 1);
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_adding_allocates_nothing)
{
    gs_set_allocator(counting_alloc, NULL);
    gs_topk *t = gs_topk_new(32, 24);
    ck_assert_ptr_nonnull(t);
    long before = n_allocs;
    char buf[32];
    uint64_t seed = 5;
    for (int i = 0; i < 200000; i++) {
        int n = sprintf(buf, "v%u", (unsigned)(rng_next(&seed) % 5000));
        gs_topk_add(t, buf, (size_t)n, gs_hash(buf, (size_t)n), 1);
    }
    ck_assert_uint_gt(gs_topk_offset(t), 0);   /* it did purge */
    gs_topk_item it[32];
    gs_topk_items(t, it, 32);
    ck_assert_int_eq(n_allocs, before);
    /* a merge that cannot have its scratch leaves into unchanged */
    gs_topk *u = gs_topk_new(32, 24);
    gs_topk_add(u, "x", 1, gs_hash("x", 1), 1);
    fail_from = n_allocs;
    ck_assert_int_eq(gs_topk_merge(u, t), GS_ENOMEM);
    fail_from = -1;
    ck_assert_uint_eq(gs_topk_total(u), 1);
    ck_assert_uint_eq(gs_topk_offset(u), 0);
    gs_topk_free(u);
    gs_topk_free(t);
    gs_set_allocator(NULL, NULL);
}
END_TEST

/* Save every counter, restore it into a new sketch of the same size. */
static gs_topk *round_trip(const gs_topk *a, size_t k, size_t maxb)
{
    size_t cap = gs_topk_max_counters(a);
    gs_topk_item *x = malloc(cap * sizeof *x);
    size_t nx = gs_topk_counters(a, x, cap);
    gs_topk *b = gs_topk_new(k, maxb);
    for (size_t i = nx; i-- > 0;)   /* any order gives the same sketch */
        ck_assert_int_eq(gs_topk_restore(b, x[i].value, x[i].len, x[i].hash,
                                         x[i].truncated, x[i].count,
                                         x[i].error), GS_OK);
    ck_assert_int_eq(gs_topk_restore_total(b, gs_topk_total(a)), GS_OK);
    free(x);
    return b;
}

START_TEST(topk_restore_rebuilds_the_same_sketch)
{
    stream *s = zipf_stream(3);
    gs_topk *a = gs_topk_new(16, 6);   /* every value is cut to "value-" */
    feed(a, s, 0, s->n / 2);
    ck_assert_uint_gt(gs_topk_offset(a), 0);
    gs_topk *b = round_trip(a, 16, 6);
    assert_same_state(a, b);
    /* a merge after the round trip equals one before it, both ways */
    gs_topk *c = gs_topk_new(16, 6);
    feed(c, s, s->n / 2, s->n);
    gs_topk *c2 = round_trip(c, 16, 6);
    ck_assert_int_eq(gs_topk_merge(c, a), GS_OK);
    ck_assert_int_eq(gs_topk_merge(c2, b), GS_OK);
    assert_same_state(c, c2);
    gs_topk *d = round_trip(c, 16, 6);
    assert_same_state(c, d);
    /* identity survives: adding a full value finds its truncated item */
    uint64_t h3 = gs_hash("value-3", 7);
    gs_topk_item x[16], y[16];
    size_t nx = gs_topk_items(a, x, 16), i3 = nx;
    for (size_t i = 0; i < nx; i++)
        if (x[i].hash == h3)
            i3 = i;
    ck_assert(i3 < nx && x[i3].truncated && x[i3].len == 6);
    gs_topk_add(b, "value-3", 7, h3, 1000000);
    ck_assert_uint_eq(gs_topk_items(b, y, 16), nx);
    ck_assert_uint_eq(y[0].hash, h3);
    ck_assert_uint_eq(y[0].count, x[i3].count + 1000000);
    /* what no save can hold */
    uint64_t off = gs_topk_offset(a);
    gs_topk *e = gs_topk_new(2, 8);
    ck_assert_int_eq(gs_topk_restore(e, "a", 1, gs_hash("a", 1), 0, 0, 0),
                     GS_EINVAL);
    ck_assert_int_eq(gs_topk_restore(e, "a", 1, gs_hash("a", 1), 0, 3, 3),
                     GS_EINVAL);
    ck_assert_int_eq(gs_topk_restore(e, "a", 1, gs_hash("a", 1), 0,
                                     off + 2, off), GS_OK);
    ck_assert_int_eq(gs_topk_restore(e, "a", 1, gs_hash("a", 1), 0,
                                     off + 2, off), GS_EINVAL);
    ck_assert_int_eq(gs_topk_restore(e, "b", 1, gs_hash("b", 1), 0,
                                     off + 2, off + 1), GS_EINVAL);
    ck_assert_int_eq(gs_topk_restore(e, "b", 1, gs_hash("b", 1), 0,
                                     off + 5, off), GS_OK);
    ck_assert_int_eq(gs_topk_restore(e, "c", 1, gs_hash("c", 1), 0,
                                     off + 1, off), GS_OK);
    ck_assert_int_eq(gs_topk_restore(e, "d", 1, gs_hash("d", 1), 0,
                                     off + 1, off), GS_OK);
    ck_assert_int_eq(gs_topk_restore(e, "e", 1, gs_hash("e", 1), 0,
                                     off + 1, off), GS_EINVAL);   /* full */
    ck_assert_int_eq(gs_topk_restore_total(e, 8), GS_EINVAL);
    ck_assert_int_eq(gs_topk_restore_total(e, 9), GS_OK);
    ck_assert_uint_eq(gs_topk_offset(e), off);
    gs_topk_free(e);
    gs_topk_free(a);
    gs_topk_free(b);
    gs_topk_free(c);
    gs_topk_free(c2);
    gs_topk_free(d);
    stream_free(s);
}
END_TEST

START_TEST(topk_counts_saturate)
{
    gs_topk *t = gs_topk_new(1, 8);
    gs_topk_add(t, "a", 1, gs_hash("a", 1), UINT64_MAX - 1);
    gs_topk_add(t, "a", 1, gs_hash("a", 1), 5);
    gs_topk_item it[2];
    ck_assert_uint_eq(gs_topk_items(t, it, 2), 1);
    ck_assert_uint_eq(it[0].count, UINT64_MAX);
    ck_assert_uint_eq(it[0].error, 0);
    ck_assert_uint_eq(gs_topk_total(t), UINT64_MAX);
    ck_assert_int_eq(gs_topk_merge(t, t), GS_OK);
    ck_assert_uint_eq(gs_topk_total(t), UINT64_MAX);
    /* two more values fill and purge: the pivot is the smaller one */
    gs_topk_add(t, "b", 1, gs_hash("b", 1), 7);
    gs_topk_add(t, "c", 1, gs_hash("c", 1), 2);
    ck_assert_uint_eq(gs_topk_offset(t), 7);
    ck_assert_uint_eq(gs_topk_counters(t, it, 2), 2);
    ck_assert_uint_eq(it[0].count, UINT64_MAX);   /* saturated, not wrapped */
    ck_assert_uint_eq(it[1].count, 9);            /* "c": 2 + offset 7 */
    ck_assert_uint_eq(it[1].error, 7);
    gs_topk_free(t);
}
END_TEST

START_TEST(topk_refuses_zero_counters)
{
    ck_assert_ptr_null(gs_topk_new(0, 16));
    gs_topk *t = gs_topk_new(1, 0);
    gs_topk_add(t, "abc", 3, gs_hash("abc", 3), 2);
    gs_topk_add(t, "def", 3, gs_hash("def", 3), 1);
    gs_topk_add(t, "ghi", 3, gs_hash("ghi", 3), 4);   /* purges "def" */
    gs_topk_item it[2];
    ck_assert_uint_eq(gs_topk_items(t, it, 2), 1);    /* k = 1 */
    ck_assert_uint_eq(it[0].len, 0);
    ck_assert_int_eq(it[0].truncated, 1);
    ck_assert_uint_eq(it[0].hash, gs_hash("ghi", 3));
    ck_assert_uint_eq(it[0].count, 5);
    ck_assert_uint_eq(it[0].error, 1);
    ck_assert_uint_eq(gs_topk_counters(t, it, 2), 2);
    ck_assert_uint_eq(it[1].hash, gs_hash("abc", 3));
    ck_assert_uint_eq(it[1].count, 2);
    gs_topk_free(t);
}
END_TEST

static Suite *sketch_suite(void)
{
    Suite *s = suite_create("sketch");
    TCase *hll = tcase_create("hll");
    tcase_add_test(hll, hll_counts_small_sets_almost_exactly);
    tcase_add_test(hll, hll_estimates_within_three_standard_errors_up_to_a_million);
    tcase_add_test(hll, hll_estimates_stay_close_for_every_lg_k);
    tcase_add_test(hll, hll_merge_equals_the_sketch_of_the_union);
    tcase_add_test(hll, hll_merge_with_itself_changes_nothing);
    tcase_add_test(hll, hll_merge_refuses_a_different_size);
    tcase_add_test(hll, hll_text_round_trips_sparse_and_dense);
    tcase_add_test(hll, hll_decode_rejects_what_encode_cannot_produce);
    tcase_add_test(hll, hll_out_of_memory_is_a_status);
    suite_add_tcase(s, hll);
    TCase *topk = tcase_create("topk");
    tcase_add_test(topk, topk_finds_the_true_top_ten_in_order);
    tcase_add_test(topk, topk_counts_exactly_up_to_twice_k_values);
    tcase_add_test(topk, topk_bounds_hold_on_a_random_stream);
    tcase_add_test(topk, topk_has_exactly_the_counters);
    tcase_add_test(topk, topk_keeps_every_value_more_frequent_than_n_over_k);
    tcase_add_test(topk, topk_merge_of_two_halves_finds_the_same_top);
    tcase_add_test(topk, topk_any_merge_tree_keeps_the_guarantee_deterministically);
    tcase_add_test(topk, topk_same_input_gives_the_same_items);
    tcase_add_test(topk, topk_items_sort_by_count_then_bytes);
    tcase_add_test(topk, topk_cuts_long_values_at_a_utf8_boundary);
    tcase_add_test(topk, topk_adding_allocates_nothing);
    tcase_add_test(topk, topk_restore_rebuilds_the_same_sketch);
    tcase_add_test(topk, topk_counts_saturate);
    tcase_add_test(topk, topk_refuses_zero_counters);
    suite_add_tcase(s, topk);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sketch_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

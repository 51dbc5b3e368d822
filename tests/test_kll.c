/* test_kll.c - the KLL quantile sketch: rank error against exact answers
 * on several distributions, merges as accurate as single streams, bounded
 * memory, determinism, exact text round trips, strict decoding.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gapscan/kll.h"

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static double uniform01(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Values of one of four shapes: uniform, exponential (skewed), a few
 * repeated integers (ties), sorted ascending input (adversarial order). */
static double *make(int shape, size_t n, uint64_t seed)
{
    double *v = malloc(n * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i < n; i++) {
        double u = uniform01(&seed);
        v[i] = shape == 0 ? u * 1000
             : shape == 1 ? -log(1 - u) * 50
             : shape == 2 ? (double)(rng_next(&seed) % 7)
                          : (double)i;
    }
    return v;
}

/* The largest |estimated rank - true rank| / n over 99 evaluation points. */
static double max_rank_error(const gs_kll *s, const double *v, size_t n)
{
    double *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_d);
    double worst = 0;
    for (int q = 1; q < 100; q++) {
        double x = sorted[(size_t)((double)q / 100 * (double)(n - 1))], est;
        ck_assert_int_eq(gs_kll_cdf(s, &x, 1, &est), GS_OK);
        /* exact rank of x: fraction of values <= x */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sorted[mid] <= x)
                lo = mid + 1;
            else
                hi = mid;
        }
        double err = fabs(est - (double)lo / (double)n);
        if (err > worst)
            worst = err;
    }
    free(sorted);
    return worst;
}

START_TEST(rank_error_is_small_on_every_shape)
{
    const size_t n = 200000;
    for (int shape = 0; shape < 4; shape++) {
        double *v = make(shape, n, 42 + (uint64_t)shape);
        gs_kll *s = gs_kll_new(GS_KLL_K_DEFAULT);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(gs_kll_add(s, v[i]), GS_OK);
        ck_assert_uint_eq(gs_kll_count(s), n);
        double err = max_rank_error(s, v, n);
        /* k = 200: expected ~1.4% at worst over many points; allow 3%. */
        ck_assert_msg(err < 0.03, "shape %d: rank error %.4f", shape, err);
        ck_assert_msg(gs_kll_retained(s) < 3 * GS_KLL_K_DEFAULT + 100,
                      "shape %d: %zu items retained", shape,
                      gs_kll_retained(s));
        gs_kll_free(s);
        free(v);
    }
}
END_TEST

START_TEST(min_max_and_extreme_quantiles_are_exact)
{
    gs_kll *s = gs_kll_new(64);
    double q[3] = {0, 0.5, 1}, out[3];
    ck_assert_int_eq(gs_kll_quantiles(s, q, 3, out), GS_OK);
    ck_assert(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
    uint64_t seed = 7;
    for (int i = 0; i < 100000; i++)
        gs_kll_add(s, uniform01(&seed) * 10 - 5);
    gs_kll_add(s, -123.5);
    gs_kll_add(s, 456.25);
    gs_kll_add(s, NAN);  /* ignored */
    ck_assert_uint_eq(gs_kll_count(s), 100002);
    ck_assert_int_eq(gs_kll_quantiles(s, q, 3, out), GS_OK);
    ck_assert(out[0] == -123.5 && out[2] == 456.25);
    ck_assert(fabs(out[1]) < 0.5);
    ck_assert(gs_kll_min(s) == -123.5 && gs_kll_max(s) == 456.25);
    gs_kll_free(s);
}
END_TEST

START_TEST(small_streams_are_exact)
{
    gs_kll *s = gs_kll_new(GS_KLL_K_DEFAULT);
    for (int i = 1; i <= 100; i++)
        gs_kll_add(s, i);
    double q[] = {0.01, 0.25, 0.5, 0.99}, out[4];
    gs_kll_quantiles(s, q, 4, out);
    ck_assert(out[0] == 1 && out[1] == 25 && out[2] == 50 && out[3] == 99);
    double x = 30, c;
    gs_kll_cdf(s, &x, 1, &c);
    ck_assert(c == 0.30);
    gs_kll_free(s);
}
END_TEST

START_TEST(merged_shards_are_as_accurate_as_one_stream)
{
    const size_t n = 120000;
    double *v = make(1, n, 99);
    gs_kll *all = gs_kll_new(GS_KLL_K_DEFAULT);
    for (size_t i = 0; i < n; i++)
        gs_kll_add(all, v[i]);
    /* 12 shards of unequal sizes, merged left to right */
    gs_kll *merged = gs_kll_new(GS_KLL_K_DEFAULT);
    size_t off = 0;
    for (int sh = 0; sh < 12; sh++) {
        size_t len = sh == 11 ? n - off : (size_t)(1000 + sh * 1500);
        gs_kll *part = gs_kll_new(GS_KLL_K_DEFAULT);
        for (size_t i = off; i < off + len; i++)
            gs_kll_add(part, v[i]);
        ck_assert_int_eq(gs_kll_merge(merged, part), GS_OK);
        gs_kll_free(part);
        off += len;
    }
    ck_assert_uint_eq(gs_kll_count(merged), n);
    ck_assert(gs_kll_min(merged) == gs_kll_min(all));
    ck_assert(gs_kll_max(merged) == gs_kll_max(all));
    double err = max_rank_error(merged, v, n);
    ck_assert_msg(err < 0.03, "merged rank error %.4f", err);
    ck_assert(gs_kll_retained(merged) < 3 * GS_KLL_K_DEFAULT + 100);
    ck_assert_int_eq(gs_kll_merge(merged, merged), GS_EINVAL);
    gs_kll *other_k = gs_kll_new(100);
    ck_assert_int_eq(gs_kll_merge(merged, other_k), GS_EINVAL);
    gs_kll_free(other_k);
    gs_kll_free(all);
    gs_kll_free(merged);
    free(v);
}
END_TEST

static char *encode(const gs_kll *s)
{
    char *t = NULL;
    ck_assert_int_eq(gs_kll_encode(s, &t), GS_OK);
    return t;
}

START_TEST(same_input_same_bytes_and_exact_round_trip)
{
    double *v = make(0, 50000, 5);
    gs_kll *a = gs_kll_new(GS_KLL_K_DEFAULT), *b = gs_kll_new(GS_KLL_K_DEFAULT);
    for (size_t i = 0; i < 50000; i++) {
        gs_kll_add(a, v[i]);
        gs_kll_add(b, v[i]);
    }
    char *ta = encode(a), *tb = encode(b);
    ck_assert_str_eq(ta, tb);
    gs_kll *c = NULL;
    ck_assert_int_eq(gs_kll_decode(ta, strlen(ta), &c), GS_OK);
    char *tc = encode(c);
    ck_assert_str_eq(ta, tc);
    /* the decoded sketch goes on exactly like the original */
    gs_kll_add(a, 1.5);
    gs_kll_add(c, 1.5);
    free(tc);
    tc = encode(c);
    char *ta2 = encode(a);
    ck_assert_str_eq(ta2, tc);
    gs_kll *empty = gs_kll_new(GS_KLL_K_DEFAULT), *e2 = NULL;
    char *te = encode(empty);
    ck_assert_int_eq(gs_kll_decode(te, strlen(te), &e2), GS_OK);
    ck_assert_uint_eq(gs_kll_count(e2), 0);
    gs_free(ta); gs_free(tb); gs_free(tc); gs_free(ta2); gs_free(te);
    gs_kll_free(a); gs_kll_free(b); gs_kll_free(c);
    gs_kll_free(empty); gs_kll_free(e2);
    free(v);
}
END_TEST

START_TEST(decode_refuses_what_encode_cannot_make)
{
    gs_kll *s = gs_kll_new(16);
    for (int i = 0; i < 1000; i++)
        gs_kll_add(s, i * 0.5);
    char *t = encode(s);
    size_t len = strlen(t);
    gs_kll *out = (gs_kll *)1;
    /* every strict prefix is refused */
    for (size_t cut = 0; cut < len; cut++) {
        ck_assert_msg(gs_kll_decode(t, cut, &out) == GS_EFORMAT,
                      "prefix of %zu accepted", cut);
        ck_assert_ptr_null(out);
    }
    /* a count that disagrees with the items' weights */
    char *bad = gs_strdup(t);
    char *n = strchr(bad + 5, ':') + 1;
    n[0] = n[0] == '9' ? '8' : (char)(n[0] + 1);
    ck_assert_int_eq(gs_kll_decode(bad, strlen(bad), &out), GS_EFORMAT);
    /* an upper-case hex digit, a NaN item */
    static const char *junk[] = {
        "kll1:16:1:9e3779b97f4a7c15:3ff0000000000000:3ff0000000000000:1:"
        "3FF0000000000000",
        "kll1:16:1:9e3779b97f4a7c15:3ff0000000000000:3ff0000000000000:1:"
        "7ff8000000000000",
        "kll1:4:0:9e3779b97f4a7c15:7ff8000000000000:7ff8000000000000:1:",
        /* an item below min, above max; a NaN min with an item */
        "kll1:16:1:9e3779b97f4a7c15:3ff0000000000000:4000000000000000:1:"
        "3fe0000000000000",
        "kll1:16:1:9e3779b97f4a7c15:3ff0000000000000:4000000000000000:1:"
        "4008000000000000",
        "kll1:16:1:9e3779b97f4a7c15:7ff8000000000000:4000000000000000:1:"
        "3ff0000000000000",
        "kll2:16:0:9e3779b97f4a7c15:7ff8000000000000:7ff8000000000000:1:",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        ck_assert_int_eq(gs_kll_decode(junk[i], strlen(junk[i]), &out),
                         GS_EFORMAT);
    const char *one = "kll1:16:1:9e3779b97f4a7c15:3ff0000000000000:"
                      "3ff0000000000000:1:3ff0000000000000";
    ck_assert_int_eq(gs_kll_decode(one, strlen(one), &out), GS_OK);
    ck_assert(gs_kll_min(out) == 1.0);
    gs_kll_free(out);
    gs_free(bad);
    gs_free(t);
    gs_kll_free(s);
}
END_TEST

/* ---- a plain reference KLL: the compaction as first written ------------
 * Level by level arrays, a stable insertion sort of the whole level at each
 * compaction, every other item up from the coin's offset, the odd largest
 * item kept. gs_kll's faster compaction must give the same text, byte for
 * byte, after any sequence of adds and merges. */
typedef struct ref_kll {
    unsigned k, H;
    uint64_t n, rng;
    double min, max;
    double *lv[60];
    size_t len[60];
} ref_kll;

static ref_kll *ref_new(unsigned k)
{
    ref_kll *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->k = k;
    r->H = 1;
    r->rng = 0x9e3779b97f4a7c15ull;
    r->min = r->max = NAN;
    return r;
}

static void ref_free(ref_kll *r)
{
    for (int h = 0; h < 60; h++)
        free(r->lv[h]);
    free(r);
}

static size_t ref_cap(const ref_kll *r, unsigned h)
{
    uint64_t c = r->k;
    for (unsigned d = r->H - 1 - h; d > 0 && c > 8; d--)
        c = (c * 2 + 2) / 3;
    return c < 8 ? 8 : c;
}

static int ref_over(const ref_kll *r)
{
    size_t held = 0, cap = 0;
    for (unsigned h = 0; h < r->H; h++) {
        held += r->len[h];
        cap += ref_cap(r, h);
    }
    return held > cap;
}

static void ref_push(ref_kll *r, unsigned h, double v)
{
    r->lv[h] = realloc(r->lv[h], (r->len[h] + 1) * sizeof *r->lv[h]);
    ck_assert_ptr_nonnull(r->lv[h]);
    r->lv[h][r->len[h]++] = v;
}

static uint64_t ref_coin(ref_kll *r)
{
    uint64_t z = (r->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) >> 63;
}

static void ref_compact(ref_kll *r)
{
    unsigned h = 0;
    while (h < r->H && r->len[h] < ref_cap(r, h))
        h++;
    ck_assert_uint_lt(h, r->H);
    if (h + 1 == r->H)
        r->H++;
    double *a = r->lv[h];
    size_t n = r->len[h];
    for (size_t i = 1; i < n; i++) {  /* stable insertion sort */
        double v = a[i];
        size_t j = i;
        for (; j > 0 && v < a[j - 1]; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
    uint64_t off = ref_coin(r);
    for (size_t j = 0; j < n / 2; j++)
        ref_push(r, h + 1, a[2 * j + off]);
    r->len[h] = n & 1;
    if (n & 1)
        a[0] = a[n - 1];
}

static void ref_widen(ref_kll *r, double lo, double hi)
{
    if (isnan(r->min) || lo < r->min)
        r->min = lo;
    if (isnan(r->max) || hi > r->max)
        r->max = hi;
}

static void ref_add(ref_kll *r, double v)
{
    if (isnan(v))
        return;
    ref_push(r, 0, v);
    r->n++;
    ref_widen(r, v, v);
    if (ref_over(r))
        ref_compact(r);
}

static void ref_merge(ref_kll *into, const ref_kll *from)
{
    if (from->n == 0)
        return;
    if (from->H > into->H)
        into->H = from->H;
    for (unsigned h = 0; h < from->H; h++)
        for (size_t i = 0; i < from->len[h]; i++)
            ref_push(into, h, from->lv[h][i]);
    into->n += from->n;
    ref_widen(into, from->min, from->max);
    into->rng ^= from->rng;
    ref_coin(into);
    while (ref_over(into))
        ref_compact(into);
}

static void put_bits(char **p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    *p += sprintf(*p, "%016llx", (unsigned long long)u);
}

static char *ref_encode(const ref_kll *r)
{
    size_t cap = 200 + 17 * 60;
    for (unsigned h = 0; h < r->H; h++)
        cap += 16 * r->len[h];
    char *t = malloc(cap), *p = t;
    ck_assert_ptr_nonnull(t);
    p += sprintf(p, "kll1:%u:%llu:%016llx:", r->k, (unsigned long long)r->n,
                 (unsigned long long)r->rng);
    put_bits(&p, r->min);
    *p++ = ':';
    put_bits(&p, r->max);
    p += sprintf(p, ":%u", r->H);
    for (unsigned h = 0; h < r->H; h++) {
        *p++ = ':';
        for (size_t i = 0; i < r->len[h]; i++)
            put_bits(&p, r->lv[h][i]);
    }
    *p = '\0';
    return t;
}

static void assert_same_text(const gs_kll *s, const ref_kll *r,
                             const char *what, size_t at)
{
    char *a = NULL, *b = ref_encode(r);
    ck_assert_int_eq(gs_kll_encode(s, &a), GS_OK);
    ck_assert_msg(strcmp(a, b) == 0, "%s: text differs after %zu values",
                  what, at);
    gs_free(a);
    free(b);
}

/* Streams chosen to break a compaction that gets the order wrong: sorted
 * both ways, long runs of one value, signed zeros (equal but different
 * bits: only a stable order keeps them apart), infinities, NaN (ignored),
 * sawtooth runs of every length, runs that join or cross, random. From 9
 * on they aim at counting, which takes levels of integers less than 32
 * apart: lengths with rare long ones, spans around 32, the ends of int32
 * and just past them, integers with a rare fraction, small negatives with
 * zeros (-(0) is -0.0), integers past 2^31, and shape 0 shifted by a half
 * (the sorting path on the data counting would take). */
#define SHAPES 17
static double adversarial(int shape, size_t i, uint64_t *seed)
{
    uint64_t r;
    switch (shape) {
    case 0: return (double)i;
    case 1: return -(double)i;
    case 2: return 7.0;
    case 3: return rng_next(seed) & 1 ? 0.0 : -0.0;
    case 4: {
        uint64_t r = rng_next(seed) % 8;
        return r == 0 ? INFINITY : r == 1 ? -INFINITY : r == 2 ? -0.0
             : r == 3 ? 0.0 : r == 4 ? NAN : (double)(r % 3) - 1;
    }
    case 5: return (double)(i % (1 + i / 500 % 37));
    case 6: return (double)(i / 16 % 2 ? 1000 - i % 16 : i % 16);
    case 7: return (double)(rng_next(seed) % 5) * (i % 2 ? -0.0 : 1.0);
    case 8: return uniform01(seed) * 100 - 50;
    case 9:
        r = rng_next(seed);
        return (double)(r % 12 + ((r >> 32) % 50 == 0 ? r % 400 : 0));
    case 10: return (double)(rng_next(seed) % (30 + i / 3000 % 5));
    case 11:
        r = rng_next(seed);
        return r & 1 ? (double)INT32_MAX - (double)(r % 40)
                     : (double)INT32_MIN + (double)((r >> 8) % 40);
    case 12: return 2147483600.0 + (double)(rng_next(seed) % 60);
    case 13:
        r = rng_next(seed);
        return (double)(r % 20) + ((r >> 20) % 500 == 0 ? 0.5 : 0.0);
    case 14: return -(double)(rng_next(seed) % 6);
    case 15: return 4e15 + (double)(rng_next(seed) % 25);
    default: return (double)i + 0.5;
    }
}

START_TEST(compaction_matches_the_reference_byte_for_byte)
{
    static const unsigned ks[] = {8, 9, 64, 200};
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++)
        for (int shape = 0; shape < SHAPES; shape++) {
            uint64_t seed = 1234 + (uint64_t)shape, seed2 = seed;
            gs_kll *s = gs_kll_new(ks[ki]);
            ref_kll *r = ref_new(ks[ki]);
            const size_t n = 30000;
            for (size_t i = 0; i < n; i++) {
                double v = adversarial(shape, i, &seed);
                ck_assert_int_eq(gs_kll_add(s, v), GS_OK);
                ref_add(r, adversarial(shape, i, &seed2));
                if (i % 997 == 0 || i == n - 1)
                    assert_same_text(s, r, "add", i);
            }
            /* merge a shard of another shape into it, both ways */
            gs_kll *t = gs_kll_new(ks[ki]);
            ref_kll *rt = ref_new(ks[ki]);
            for (size_t i = 0; i < 5000; i++) {
                double v = adversarial((shape + 3) % SHAPES, i, &seed);
                gs_kll_add(t, v);
                ref_add(rt, v);
            }
            ck_assert_int_eq(gs_kll_merge(s, t), GS_OK);
            ref_merge(r, rt);
            assert_same_text(s, r, "merge", n);
            ck_assert_int_eq(gs_kll_merge(t, s), GS_OK);
            ref_merge(rt, r);
            assert_same_text(t, rt, "merge back", n);
            for (size_t i = 0; i < 3000; i++) {
                double v = adversarial(shape, i, &seed);
                gs_kll_add(t, v);
                ref_add(rt, v);
            }
            assert_same_text(t, rt, "add after merge", n + 3000);
            /* the order of the answers does not depend on the order of
             * the items either: quantiles stay within the stream */
            double q[] = {0, 0.5, 1}, out[3];
            ck_assert_int_eq(gs_kll_quantiles(t, q, 3, out), GS_OK);
            ck_assert(out[0] <= out[1] && out[1] <= out[2]);
            ck_assert(out[0] == gs_kll_min(t) && out[2] == gs_kll_max(t));
            gs_kll_free(s);
            gs_kll_free(t);
            ref_free(r);
            ref_free(rt);
        }
}
END_TEST

/* One value of a level's worth of content, of one of eight kinds aimed at
 * the two ways level 0 is sorted: by a network when it holds no zero
 * (SSE2), by runs and insertion when it does (and always without SSE2),
 * and at the extremes' "first of equal ones": random prices (no zero),
 * prices with a few zeros of either sign, few distinct quarters with
 * infinities (duplicates), ascending and descending runs of random
 * lengths, zeros of both signs among small values, integers less than 32
 * apart with a rare -0.0 (counting, or sorting when -0.0 is there), any
 * bits (every sign and magnitude, subnormals, infinities), and values at
 * or above zero whose minimum is a zero of either sign. */
#define LEVEL_KINDS 8
static double level_value(int kind, size_t i, uint64_t *seed)
{
    uint64_t r = rng_next(seed);
    double d;
    switch (kind) {
    case 0: return (double)(r % 1000000 + 1) / 100;
    case 1: return r % 23 == 0 ? (r >> 8 & 1 ? 0.0 : -0.0)
                               : (double)(r % 200000) / 100 - 1000.005;
    case 2: return r % 41 == 0 ? (r >> 8 & 1 ? INFINITY : -INFINITY)
                               : (double)(r % 9 + 1) / 4;
    case 3: return (double)(i / (1 + (i >> 3) % 11) % 2 ? 500 - (double)i
                                                       : (double)i) + 0.5;
    case 4: return r % 3 == 0 ? 0.0 : r % 3 == 1 ? -0.0 : (double)(r % 5) - 2;
    case 5: return r % 97 == 0 ? -0.0 : (double)(r % 31) - 7;
    case 6:
        memcpy(&d, &r, sizeof d);
        return isnan(d) ? 1e300 : d;
    default: return r % 5 == 0 ? 0.0 : r % 5 == 1 ? -0.0 : (double)(r % 7);
    }
}

/* Level 0 of every size from 9 to 601 (a sketch of k = size - 1 compacts
 * it at its size-th value; no level under 8 items is ever compacted) and
 * of every kind above, then as many values again (levels above 0 made of
 * its halves): the same items and extremes as the reference's stable
 * insertion sort, byte for byte. The scalar build runs this over the old
 * sort (insertion on every level 0) too. */
START_TEST(random_levels_compact_like_the_reference)
{
    for (int kind = 0; kind < LEVEL_KINDS; kind++)
        for (unsigned size = 9; size <= 601; size++) {
            uint64_t seed = 77 + size * LEVEL_KINDS + (uint64_t)kind;
            gs_kll *s = gs_kll_new(size - 1);
            ref_kll *r = ref_new(size - 1);
            for (size_t i = 0; i < 2 * (size_t)size; i++) {
                double v = level_value(kind, i, &seed);
                ck_assert_int_eq(gs_kll_add(s, v), GS_OK);
                ref_add(r, v);
                if (i + 1 == size || i + 1 == 2 * (size_t)size)
                    assert_same_text(s, r, "level", i);
            }
            gs_kll_free(s);
            ref_free(r);
        }
}
END_TEST

/* Many small sketches merged into one: the levels above 0 are made of
 * many short runs, down to single items; merged like the reference. */
START_TEST(merging_many_small_sketches_matches_the_reference)
{
    for (int kind = 0; kind < LEVEL_KINDS; kind++) {
        uint64_t seed = 500 + (uint64_t)kind;
        gs_kll *all = gs_kll_new(16);
        ref_kll *rall = ref_new(16);
        for (int part = 0; part < 300; part++) {
            gs_kll *s = gs_kll_new(16);
            ref_kll *r = ref_new(16);
            size_t n = rng_next(&seed) % 90;
            for (size_t i = 0; i < n; i++) {
                double v = level_value(kind, i, &seed);
                gs_kll_add(s, v);
                ref_add(r, v);
            }
            ck_assert_int_eq(gs_kll_merge(all, s), GS_OK);
            ref_merge(rall, r);
            assert_same_text(all, rall, "merge", (size_t)part);
            gs_kll_free(s);
            ref_free(r);
        }
        gs_kll_free(all);
        ref_free(rall);
    }
}
END_TEST

static Suite *kll_suite(void)
{
    Suite *s = suite_create("kll");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, rank_error_is_small_on_every_shape);
    tcase_add_test(tc, min_max_and_extreme_quantiles_are_exact);
    tcase_add_test(tc, small_streams_are_exact);
    tcase_add_test(tc, merged_shards_are_as_accurate_as_one_stream);
    tcase_add_test(tc, same_input_same_bytes_and_exact_round_trip);
    tcase_add_test(tc, decode_refuses_what_encode_cannot_make);
    tcase_add_test(tc, compaction_matches_the_reference_byte_for_byte);
    tcase_add_test(tc, random_levels_compact_like_the_reference);
    tcase_add_test(tc, merging_many_small_sketches_matches_the_reference);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kll_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

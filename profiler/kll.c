/* kll.c - the KLL quantile sketch (see kll.h).
 *
 * Levels 0..H-1 hold items of weight 2^h. New values go to level 0. Level h
 * may hold cap(h) = max(8, k * (2/3)^(H-1-h)) items (computed with integer
 * ceilings, so every platform agrees); when the sketch holds more than the
 * sum of the caps, the lowest level at or over its cap is compacted: sorted,
 * and every other item (starting at offset 0 or 1, one coin flip) moves up
 * a level with double weight. An odd item out stays where it was. The
 * weights of the retained items always add up to n exactly.
 *
 * The coin is a splitmix64 stream kept in the sketch (fixed seed; a merge
 * mixes both streams), so results depend only on the adds and merges done,
 * in order.
 *
 * Speed without changing a byte: the text form shows every level in
 * storage order, so the compaction must leave exactly the items a stable
 * sort of the level would, in that order. It sorts by runs (see "compaction"
 * below; level 0's are made by a branch-free sorting network when no zero
 * is there to break ties, "block sorting") and hands the kept half to the
 * level above during its last merge instead of sorting, copying back and
 * copying up; a level of integers
 * less than 32 apart (lengths, mostly) is counted instead (SSE2 builds:
 * "compaction by counting" below). An add only appends: n is the items'
 * total weight, and min and max are folded from level 0 when it is
 * compacted and when they are read (the first of equal extremes wins, as
 * if folded add by add). gs_kll_add only appends while level 0 is below
 * lim, which sync_lim keeps at the smaller of level 0's allocation and what
 * the capacity leaves; past it add_slow grows level 0 or compacts. (Inline
 * in kll.h it saved 0.6% of the bench CSV's instructions in the PGO build,
 * at the price of the sketch's internals in the public header.) Not done:
 * the queries still qsort every retained item.
 *
 * Text form (kll.h invariant 4):
 *   kll1:<k>:<n>:<rng>:<min>:<max>:<H>:<level 0>:...:<level H-1>
 * with k, n, H in decimal, rng and every double as 16 lowercase hex digits
 * of its 64 bits, and each level its items back to back.
 */
#include "gapscan/kll.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without SSE2 (or built with GS_NO_SIMD, as a test does) halving copies
 * item by item and compaction never counts. */
#include "bytescan-private.h"

#define MAX_LEVELS 60
#define MIN_CAP 8u
#define SEED 0x9e3779b97f4a7c15ull

typedef struct level {
    double *items;
    uint32_t len, alloc;  /* items held; room allocated */
} level;

/* The levels, and lim: how many items level 0 may hold before an add
 * needs more than an append (room to grow into, or a compaction). */
typedef struct kll_head {
    uint32_t lim;  /* <= lv[0].alloc, and no more than capacity allows */
    level lv[MAX_LEVELS];
} kll_head;

struct gs_kll {
    kll_head head;
    uint64_t held;         /* items on levels 1 and up */
    uint64_t capacity;     /* sum of cap[h] for the current nlevels */
    uint32_t cap[MAX_LEVELS];  /* cap(h) for the current nlevels */
    /* The extremes of every value added except those now on level 0 (NaN
     * while there are none): level 0 is folded in at its compactions and
     * when read (extremes()), so adds need not compare. */
    double min, max;
    uint64_t rng;
    unsigned k, nlevels;
};

static uint32_t level_cap(unsigned k, unsigned nlevels, unsigned h)
{
    uint64_t c = k;
    for (unsigned depth = nlevels - 1 - h; depth > 0 && c > MIN_CAP; depth--)
        c = (c * 2 + 2) / 3;
    return c < MIN_CAP ? MIN_CAP : (uint32_t)c;
}

static void set_levels(gs_kll *s, unsigned nlevels)
{
    uint64_t capacity = 0;
    for (unsigned h = 0; h < nlevels; h++) {
        s->cap[h] = level_cap(s->k, nlevels, h);
        capacity += s->cap[h];
    }
    s->capacity = capacity;
    s->nlevels = nlevels;
}

/* Set lim after anything that changes level 0's room, the items held or
 * the capacity: an append may fill level 0's allocation, and the sketch up
 * to its capacity (the add that goes over it compacts). */
static void sync_lim(gs_kll *s)
{
    uint64_t free = s->capacity > s->held ? s->capacity - s->held : 0;
    uint32_t alloc = s->head.lv[0].alloc;
    s->head.lim = free < alloc ? (uint32_t)free : alloc;
}

static uint64_t next_rng(uint64_t *state)
{
    uint64_t z = (*state += SEED);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Fold v into an extreme as if values came one by one: the first of equal
 * ones stays (only -0.0 and 0.0 are equal with different bits). */
static void fold_min(double *m, double v)
{
    if (!(v >= *m))  /* also when *m is NaN: none yet */
        *m = v;
}

static void fold_max(double *m, double v)
{
    if (!(v <= *m))
        *m = v;
}

/* The extremes of every value added: min and max with level 0 folded in,
 * in order. */
static void extremes(const gs_kll *s, double *lo, double *hi)
{
    const level *l0 = &s->head.lv[0];
    *lo = s->min;
    *hi = s->max;
    for (uint32_t i = 0; i < l0->len; i++) {
        fold_min(lo, l0->items[i]);
        fold_max(hi, l0->items[i]);
    }
}

gs_kll *gs_kll_new(unsigned k)
{
    if (k < MIN_CAP || k > 65535)
        return NULL;
    gs_kll *s = gs_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->k = k;
    s->min = s->max = NAN;
    s->rng = SEED;
    set_levels(s, 1);
    sync_lim(s);
    return s;
}

void gs_kll_free(gs_kll *s)
{
    if (!s)
        return;
    for (unsigned h = 0; h < MAX_LEVELS; h++)
        gs_free(s->head.lv[h].items);
    gs_free(s);
}

#if defined(__GNUC__)
#define INLINE inline __attribute__((always_inline))
#else
#define INLINE inline
#endif

/* Room for `more` items on level h (the allocation doubles). */
static gs_status reserve(level *l, uint32_t more)
{
    if (l->alloc - l->len >= more)
        return GS_OK;
    uint32_t cap = l->alloc ? l->alloc * 2 : 2 * MIN_CAP;
    while (cap - l->len < more)
        cap *= 2;
    double *p = gs_realloc(l->items, cap * sizeof *p);
    if (!p)
        return GS_ENOMEM;
    l->items = p;
    l->alloc = cap;
    return GS_OK;
}

/* Append m items to level h (the caller syncs lim). */
static gs_status push(gs_kll *s, unsigned h, const double *v, uint32_t m)
{
    if (m == 0)
        return GS_OK;  /* v may be NULL: a level never used */
    level *l = &s->head.lv[h];
    gs_status st = reserve(l, m);
    if (st != GS_OK)
        return st;
    memcpy(l->items + l->len, v, (size_t)m * sizeof *v);
    l->len += m;
    if (h > 0)
        s->held += m;
    return GS_OK;
}

/* ---- compaction: a stable sort fused with the halving ----------------- *
 *
 * A compaction must pick exactly the items a stable sort of the level
 * would put at offset, offset + 2, ... (any stable sort gives the same
 * sequence: only -0.0 and 0.0 compare equal with different bits). The
 * level is cut into ascending runs. Above level 0 the natural ones are
 * taken as they are: such a level is the odd item left by its last
 * compaction followed by the sorted halves that came up from below.
 * Level 0 arrives in add order: its runs are made 16 long by a sorting
 * network when it holds no zero (SSE2 builds, "block sorting" below), else
 * short natural runs are lengthened to MINRUN by insertion. Runs are
 * merged pairwise, left first on ties (branch-free: the runs interleave at
 * random), until two are left; the last merge does not store its output
 * but hands every other item straight to the level above. */
#define MINRUN 32u

/* The end of the ascending run that starts at p (e > p). */
static double *run_end(double *p, const double *e)
{
    for (p++; e - p >= 2; p += 2) {  /* two at a time: half the loop tests */
        if (p[0] < p[-1])
            return p;
        if (p[1] < p[0])
            return p + 1;
    }
    return p < e && !(p[0] < p[-1]) ? p + 1 : p;
}

/* Cut a[0..n) into ascending runs, lengthening short ones to minrun by
 * insertion; end[i] is where run i stops. */
static uint32_t find_runs(double *a, uint32_t n, uint32_t *end,
                          uint32_t minrun)
{
    double *e = a + n, *i = a;
    uint32_t m = 0;
    if (n > 2 && a[1] < a[0]) {
        /* Most likely the odd item left by the last compaction: it is
         * large, so slide it into the run after it from the top. */
        double v = a[0], *j = run_end(a + 1, e), *q = j;
        while (q > a + 1 && !(q[-1] < v))
            q--;
        memmove(a, a + 1, (size_t)(q - a - 1) * sizeof *a);
        q[-1] = v;
        i = j;  /* a[0..j) is the first natural run */
        goto have_run;
    }
    while (i < e) {
        double *run = i;
        i = run_end(i, e);
        if (0) {
have_run:
            run = a;
        }
        if (i - run < minrun && i < e) {  /* lengthen by insertion */
            double *stop = e - run < minrun ? e : run + minrun;
            for (; i < stop; i++) {
                double v = *i, *t = i;
                if (i + 1 < stop) {
                    /* Two at a time, lo <= hi (i[0] first on ties): items
                     * above hi move up by two at once, those above lo by
                     * one. With run[0] <= lo the loops need no bound. */
                    double w = i[1], lo = w < v ? w : v, hi = w < v ? v : w;
                    if (!(lo < *run)) {
                        for (t = i + 1; hi < t[-2]; t--)
                            *t = t[-2];
                        *t-- = hi;
                        for (; lo < t[-1]; t--)
                            *t = t[-1];
                        *t = lo;
                        i++;
                        continue;
                    }
                }
                if (!(v < t[-1]))
                    continue;  /* in place already */
                if (v < *run) {  /* goes first: no bound check below */
                    memmove(run + 1, run, (size_t)(i - run) * sizeof *run);
                    *run = v;
                    continue;
                }
                do
                    *t = t[-1];
                while (v < (--t)[-1]);
                *t = v;
            }
            if (i < e && !(*i < i[-1]))
                i = run_end(i, e);
        }
        end[m++] = (uint32_t)(i - a);
    }
    return m;
}

/* The smaller head of runs a and b (a's on ties), taken; branch-free, as
 * the runs interleave at random. */
#define TAKE(x) do { int t_ = *b < *a; (x) = t_ ? *b : *a; b += t_; a += !t_; } while (0)

/* Merge sorted a[0..na) and b[0..nb) into out, a's items first on ties
 * (na > 0). */
static void merge(const double *a, uint32_t na, const double *b, uint32_t nb,
                  double *out)
{
    const double *ae = a + na, *be = b + nb;
    if (nb == 0 || !(*b < ae[-1])) {  /* already in order */
        memcpy(out, a, (size_t)na * sizeof *a);
        memcpy(out + na, b, (size_t)nb * sizeof *b);
        return;
    }
    if (be[-1] < ae[-1])  /* b runs out first: one bound to test */
        while (b < be)
            TAKE(*out++);
    else
        while (a < ae)
            TAKE(*out++);
    memcpy(out, a, (size_t)(ae - a) * sizeof *a);
    out += ae - a;
    memcpy(out, b, (size_t)(be - b) * sizeof *b);
}

/* Where the halving writes: every other item of the sorted sequence goes to
 * dst (the first when keep is 1 at the start); last is the last one seen. */
typedef struct halver {
    double *dst;
    uint32_t keep;
    double last;
} halver;

static INLINE void halve_run(halver *hv, const double *a, uint32_t n)
{
    if (n == 0)
        return;
    const double *p = a + !hv->keep;
    double *dst = hv->dst;  /* a local: stores through hv->dst could alias */
    uint32_t m = (n + hv->keep) / 2, i = 0;
#ifdef GS__SSE2
    for (; i + 2 <= m; i += 2)  /* two items a turn, one store */
        _mm_storeu_pd(dst + i, _mm_loadh_pd(_mm_load_sd(p + 2 * i),
                                            p + 2 * i + 2));
#endif
    for (; i < m; i++)
        dst[i] = p[2 * i];
    hv->dst = dst + m;
    hv->keep ^= n & 1u;
    hv->last = a[n - 1];
}

/* Halve the merge of two runs (both non-empty, not already in order):
 * items are taken two at a time, one of which is kept. */
static void halve_merge(halver *hv, const double *a, uint32_t na,
                        const double *b, uint32_t nb)
{
    const double *ae = a + na, *be = b + nb;
    double *dst = hv->dst, x, y;
    if (!hv->keep) {  /* skip one so that pairs start with the kept item */
        TAKE(x);
        hv->keep = 1;
    }
    /* Stop while both runs still have an item: the tails go to halve_run. */
    if (be[-1] < ae[-1]) {
        while (be - b >= 2) {
            TAKE(x);
            TAKE(y);
            *dst++ = x;
        }
    } else {
        while (ae - a >= 2) {
            TAKE(x);
            TAKE(y);
            *dst++ = x;
        }
    }
    (void)y;
    hv->dst = dst;
    /* At most one item of the run that runs out first is left. */
    while (a < ae && b < be) {
        TAKE(x);
        if (hv->keep)
            *hv->dst++ = x;
        hv->keep ^= 1u;
    }
    halve_run(hv, a, (uint32_t)(ae - a));
    halve_run(hv, b, (uint32_t)(be - b));
}

/* The first of the top items of sorted a[0..n) (equal ones keep their add
 * order: only zeros can differ in bits). */
static double first_top(const double *a, uint32_t n)
{
    if (a[n - 1] == 0)
        while (n > 1 && a[n - 2] == 0)
            n--;
    return a[n - 1];
}

/* Fold level 0, sorted as the runs a[0..mid) and a[mid..n) (the first from
 * earlier values), into min and max before the compaction drops half. */
static void fold_level0(gs_kll *s, const double *a, uint32_t mid, uint32_t n)
{
    fold_min(&s->min, mid < n && a[mid] < a[0] ? a[mid] : a[0]);
    double top = mid < n && a[mid - 1] < a[n - 1] ? a[n - 1] : a[mid - 1];
    if (!(top <= s->max))
        s->max = mid < n && a[mid - 1] < a[n - 1] ? first_top(a + mid, n - mid)
                                                  : first_top(a, mid);
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* ---- compaction by counting (SSE2) ------------------------------------ *
 *
 * Lengths, and many numeric columns, fill a level with integers a few
 * apart. Equal integers have equal bits, so the sorted level is fixed by
 * how often each integer occurs: a count of each replaces the sort, and the
 * kept items are written straight from the counts. An item counts as an
 * integer when a round trip through int32 gives back the same bits, so
 * -0.0, fractions, infinities and integers past int32 take the general
 * path. Without SSE2 every level takes it. */
#ifdef GS__SSE2
#define COUNT_SPAN 32u

/* Whether x is an integer within int32, as above. */
static int is_int32(double x)
{
    return x >= INT32_MIN && x <= INT32_MAX &&
           dbits((double)(int32_t)x) == dbits(x);
}

/* The extremes of a[0..n) (n >= 2) into *lo and *hi when every item is an
 * integer within int32; 0 otherwise. Two items a turn, the last pair
 * overlapping the one before when n is odd. minpd and maxpd need not get
 * zeros right: -0.0 fails the round trip. */
static int int_extremes(const double *a, uint32_t n, double *lo, double *hi)
{
    __m128d mn = _mm_loadu_pd(a), mx = mn;
    __m128i ok = _mm_set1_epi32(-1);
#define EXTREMES_OF(v) do { \
        __m128d back_ = _mm_cvtepi32_pd(_mm_cvttpd_epi32(v)); \
        mn = _mm_min_pd(mn, v); \
        mx = _mm_max_pd(mx, v); \
        ok = _mm_and_si128(ok, _mm_cmpeq_epi32(_mm_castpd_si128(back_), \
                                               _mm_castpd_si128(v))); \
    } while (0)
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m128d v = _mm_loadu_pd(a + i), w = _mm_loadu_pd(a + i + 2);
        EXTREMES_OF(v);
        EXTREMES_OF(w);
    }
    if (i < n) {  /* the last one to three, overlapping */
        __m128d v = _mm_loadu_pd(a + (i + 2 <= n ? i : n - 2));
        __m128d w = _mm_loadu_pd(a + n - 2);
        EXTREMES_OF(v);
        EXTREMES_OF(w);
    }
#undef EXTREMES_OF
    if (_mm_movemask_epi8(ok) != 0xffff)
        return 0;
    *lo = _mm_cvtsd_f64(_mm_min_sd(mn, _mm_unpackhi_pd(mn, mn)));
    *hi = _mm_cvtsd_f64(_mm_max_sd(mx, _mm_unpackhi_pd(mx, mx)));
    return 1;
}

/* Halve a[0..len) (len >= 2, no NaN) by counting into dst (room for
 * half + 8 items), with the coin from rng; the extremes go to *lo and *hi.
 * 0 when the items are not integers less than COUNT_SPAN apart: then
 * nothing is written and the coin is not drawn. */
static int count_halve(const double *a, uint32_t len, uint64_t *rng,
                       double *dst, double *lo, double *hi)
{
    /* Most levels that fail fail here, on a fraction or a wide range among
     * the first, middle and last items. */
    double f = a[0], m = a[len / 2], l = a[len - 1], mn, mx;
    if (!is_int32(f) || !(fabs(m - f) < COUNT_SPAN) ||
        !(fabs(l - f) < COUNT_SPAN) || !int_extremes(a, len, &mn, &mx) ||
        !(mx - mn < COUNT_SPAN))
        return 0;
    /* Every item is an int32 in [mn, mx] now: the conversions are exact. */
    int64_t base = (int64_t)mn;
    uint32_t span = (uint32_t)((int64_t)mx - base), cnt[COUNT_SPAN];
    if (span == 0) {
        cnt[0] = len;
    } else {
        for (unsigned j = 0; j < COUNT_SPAN; j += 4)  /* not rep stos */
            _mm_storeu_si128((__m128i *)(cnt + j), _mm_setzero_si128());
        const double *p = a + (len & 1u), *e = a + len;
        if (len & 1u)
            cnt[(int64_t)a[0] - base]++;
        for (; p < e; p += 2) {
            cnt[(int64_t)p[0] - base]++;
            cnt[(int64_t)p[1] - base]++;
        }
    }
    /* Sorted position p is kept when p - offset is even: keep says whether
     * the next position is. The k kept items of value mn + b are stored two
     * at a time, the first eight whatever k (k varies: a loop for the
     * first ones mispredicts): what lands past them the next value
     * overwrites, or it is in the + 8 of dst's room. With len odd
     * the largest item may be kept too, one past the half the caller
     * takes (as in halve_run). */
    uint32_t keep = (uint32_t)(next_rng(rng) >> 63) == 0;
    __m128d v = _mm_set1_pd(mn);
    const __m128d one = _mm_set1_pd(1.0);
    for (uint32_t b = 0; b <= span; b++) {
        uint32_t c = cnt[b], k = (c + keep) / 2;
        keep ^= c & 1u;
        _mm_storeu_pd(dst, v);
        _mm_storeu_pd(dst + 2, v);
        _mm_storeu_pd(dst + 4, v);
        _mm_storeu_pd(dst + 6, v);
        for (uint32_t j = 8; j < k; j += 2)
            _mm_storeu_pd(dst + j, v);
        dst += k;
        v = _mm_add_pd(v, one);
    }
    *lo = mn;
    *hi = mx;
    return 1;
}
#endif

/* ---- block sorting (SSE2) --------------------------------------------- *
 *
 * Insertion mispredicts on random values (prices, scores): each item's
 * shift ends somewhere else. A level with no zero of either sign has no
 * two equal items with different bits (and never a NaN), so any sort gives
 * what a stable one does, and minpd and maxpd, which disagree with a
 * comparison only on zeros and NaN, are exact on it: level 0's runs are
 * made 16 items a turn in registers, with no branch on the items. A level
 * with a zero takes insertion (sort_blocks finds the zero on the way and
 * has written only to scratch). Without SSE2 every level does. */
#ifdef GS__SSE2
#define BLOCK 16u  /* the length of the runs sort_blocks makes */

/* Compare-exchange, lane by lane: the smaller into x, the larger into y. */
#define CX(x, y) do { \
        __m128d t_ = (x); \
        (x) = _mm_min_pd(t_, (y)); \
        (y) = _mm_max_pd(t_, (y)); \
    } while (0)

/* Compare-exchange within registers: (x, y) holding items (a, b) and
 * (c, d) hold (min(a,b), max(a,b)) and (min(c,d), max(c,d)) after. */
#define CX_LANES(x, y) do { \
        __m128d lo_ = _mm_unpacklo_pd((x), (y)); \
        __m128d hi_ = _mm_unpackhi_pd((x), (y)); \
        CX(lo_, hi_); \
        (x) = _mm_unpacklo_pd(lo_, hi_); \
        (y) = _mm_unpackhi_pd(lo_, hi_); \
    } while (0)

/* Sort 16 items, r[j] holding items 2j and 2j + 1, into out: the
 * 19-comparator network for 8 inputs (Knuth, TAOCP 5.3.4) sorts the even
 * and the odd items as two columns; a bitonic merge (each column's item i
 * against the other's item 7 - i, then distances 4, 2, 1 within each
 * half) joins them. */
static INLINE void sort16(__m128d r[8], double *out)
{
    CX(r[0], r[2]); CX(r[1], r[3]); CX(r[4], r[6]); CX(r[5], r[7]);
    CX(r[0], r[4]); CX(r[1], r[5]); CX(r[2], r[6]); CX(r[3], r[7]);
    CX(r[0], r[1]); CX(r[2], r[3]); CX(r[4], r[5]); CX(r[6], r[7]);
    CX(r[2], r[4]); CX(r[3], r[5]);
    CX(r[1], r[4]); CX(r[3], r[6]);
    CX(r[1], r[2]); CX(r[3], r[4]); CX(r[5], r[6]);
    __m128d lo[4], hi[4];
    for (unsigned k = 0; k < 4; k++) {
        lo[k] = _mm_unpacklo_pd(r[2 * k], r[2 * k + 1]);
        hi[k] = _mm_unpackhi_pd(r[7 - 2 * k], r[6 - 2 * k]);
        CX(lo[k], hi[k]);
    }
    CX(lo[0], lo[2]); CX(lo[1], lo[3]); CX(hi[0], hi[2]); CX(hi[1], hi[3]);
    CX(lo[0], lo[1]); CX(lo[2], lo[3]); CX(hi[0], hi[1]); CX(hi[2], hi[3]);
    CX_LANES(lo[0], lo[1]); CX_LANES(lo[2], lo[3]);
    CX_LANES(hi[0], hi[1]); CX_LANES(hi[2], hi[3]);
    for (unsigned k = 0; k < 4; k++) {
        _mm_storeu_pd(out + 2 * k, lo[k]);
        _mm_storeu_pd(out + 8 + 2 * k, hi[k]);
    }
}
#undef CX_LANES
#undef CX

/* Runs of BLOCK from a[0..n) into out (room for n + BLOCK; run i ends at
 * min(BLOCK * (i + 1), n)), unless a holds a zero: then 0, and out holds
 * nothing of use. A short last block is padded with +inf, which sorts
 * last; what it stores past n is scratch. */
static int sort_blocks(const double *a, uint32_t n, double *out)
{
    const __m128d zero = _mm_setzero_pd();
    __m128d zeros = zero, r[8];
    for (uint32_t i = 0; i < n; i += BLOCK) {
        const double *p = a + i;
        double pad[BLOCK];
        if (n - i < BLOCK) {
            for (unsigned j = 0; j < BLOCK; j++) {  /* branch-free */
                double v = p[j < n - i ? j : n - i - 1];
                pad[j] = j < n - i ? v : INFINITY;
            }
            p = pad;
        }
        for (unsigned j = 0; j < 8; j++) {
            r[j] = _mm_loadu_pd(p + 2 * j);
            zeros = _mm_or_pd(zeros, _mm_cmpeq_pd(r[j], zero));
        }
        sort16(r, out + i);
    }
    return _mm_movemask_pd(zeros) == 0;
}
#endif

/* Halve level h (len >= 2 items) by sorting into level h + 1 (room for
 * half + 1 more), after folding level 0 into the extremes; *last is the
 * largest item, the one an odd level keeps. Inlined into compact, its one
 * caller: apart, the two cost more instructions. */
static INLINE gs_status sort_halve(gs_kll *s, unsigned h, double *last)
{
    level *l = &s->head.lv[h], *up = l + 1;
    uint32_t len = l->len;
    /* Scratch: len + 16 doubles for the blocks and the merges, then the
     * run ends. */
    double stack[512 + 16 + 512 / 2 + 2];
    size_t need = len + 16 + len / 2 + 2;
    double *tmp = need <= sizeof stack / sizeof *stack ? stack
                : gs_malloc(need * sizeof *tmp);
    if (!tmp)
        return GS_ENOMEM;
    uint32_t *end = (uint32_t *)(tmp + len + 16), runs;
    double *a = l->items, *b = tmp;
#ifdef GS__SSE2
    if (h == 0 && sort_blocks(a, len, tmp)) {
        for (runs = 0; runs * BLOCK < len; runs++)
            end[runs] = runs * BLOCK + BLOCK < len ? runs * BLOCK + BLOCK : len;
        a = tmp;
        b = l->items;
    } else
#endif
        runs = find_runs(a, len, end, h ? 1 : MINRUN);
    while (runs > 2) {  /* one pass of pairwise merges, a into b */
        uint32_t r = 0, lo = 0;
        for (uint32_t i = 0; i < runs; i += 2) {
            uint32_t mid = end[i], hi = i + 1 < runs ? end[i + 1] : mid;
            merge(a + lo, mid - lo, a + mid, hi - mid, b + lo);
            end[r++] = lo = hi;
        }
        runs = r;
        double *t = a;
        a = b;
        b = t;
    }
    if (h == 0)
        fold_level0(s, a, runs == 1 ? len : end[0], len);
    uint32_t offset = (uint32_t)(next_rng(&s->rng) >> 63);
    halver hv = {up->items + up->len, offset == 0, 0};
    if (runs == 1 || !(a[end[0]] < a[end[0] - 1]))
        halve_run(&hv, a, len);
    else
        halve_merge(&hv, a, end[0], a + end[0], len - end[0]);
    if (tmp != stack)
        gs_free(tmp);
    *last = hv.last;
    return GS_OK;
}

/* Compact the lowest level at or over its cap (one exists while the sketch
 * is over capacity); the caller syncs lim. */
static gs_status compact(gs_kll *s)
{
    unsigned h = 0;
    if (s->head.lv[0].len < s->cap[0])
        do
            h++;
        while (h < s->nlevels && s->head.lv[h].len < s->cap[h]);
    if (h == s->nlevels)
        return GS_OK;  /* cannot happen; harmless */
    if (h + 1 == s->nlevels) {
        if (s->nlevels == MAX_LEVELS)
            return GS_ELIMIT;  /* 2^60 values: not reachable in practice */
        set_levels(s, s->nlevels + 1);
    }
    level *l = &s->head.lv[h], *up = l + 1;
    uint32_t len = l->len, odd = len & 1u, half = len / 2;
    /* + 8: sort_halve may write one item past half, count_halve eight */
    gs_status st = reserve(up, half + 8);
    if (st != GS_OK)
        return st;
    double last;
#ifdef GS__SSE2
    double lo;
    if (count_halve(l->items, len, &s->rng, up->items + up->len, &lo,
                    &last)) {
        /* No -0.0 here: folding the extremes will do. Above level 0 it
         * changes nothing (min and max hold those items already) and costs
         * less than a branch on h. */
        fold_min(&s->min, lo);
        fold_max(&s->max, last);
    } else
#endif
    if ((st = sort_halve(s, h, &last)) != GS_OK)
        return st;
    up->len += half;
    l->len = odd;
    l->items[0] = last;  /* if odd, the largest item keeps its weight here */
    s->held += half;
    if (h > 0)
        s->held -= len - odd;
    return GS_OK;
}

/* gs_kll_add once level 0 is at lim (or for NaN): grow, append, compact. */
static gs_status add_slow(gs_kll *s, double v)
{
    if (isnan(v))
        return GS_OK;
    level *l = &s->head.lv[0];
    gs_status st = reserve(l, 1);
    if (st != GS_OK)
        return st;
    l->items[l->len++] = v;
    if (s->held + l->len > s->capacity)
        st = compact(s);
    sync_lim(s);
    return st;
}

gs_status gs_kll_add(gs_kll *s, double v)
{
    level *l0 = &s->head.lv[0];
    if (l0->len < s->head.lim && v == v) {  /* v == v: not NaN */
        l0->items[l0->len++] = v;
        return GS_OK;
    }
    return add_slow(s, v);
}

/* gs_kll_merge but for lim. */
static gs_status merge_into(gs_kll *into, const gs_kll *from)
{
    if (gs_kll_retained(from) == 0)
        return GS_OK;
    double lo, hi;
    extremes(into, &into->min, &into->max);  /* into's values come first */
    extremes(from, &lo, &hi);
    fold_min(&into->min, lo);
    fold_max(&into->max, hi);
    if (from->nlevels > into->nlevels)
        set_levels(into, from->nlevels);
    for (unsigned h = 0; h < from->nlevels; h++) {
        const level *l = &from->head.lv[h];
        gs_status st = push(into, h, l->items, l->len);
        if (st != GS_OK)
            return st;
    }
    into->rng ^= from->rng;
    next_rng(&into->rng);
    while (gs_kll_retained(into) > into->capacity) {
        size_t before = gs_kll_retained(into);
        gs_status st = compact(into);
        if (st != GS_OK)
            return st;
        if (gs_kll_retained(into) >= before)
            break;  /* only odd items left over their caps: stop */
    }
    return GS_OK;
}

gs_status gs_kll_merge(gs_kll *into, const gs_kll *from)
{
    if (into == from || into->k != from->k)
        return GS_EINVAL;
    gs_status st = merge_into(into, from);
    sync_lim(into);
    return st;
}

unsigned gs_kll_k(const gs_kll *s) { return s->k; }

uint64_t gs_kll_count(const gs_kll *s)
{
    uint64_t n = 0;
    for (unsigned h = 0; h < s->nlevels; h++)
        n += (uint64_t)s->head.lv[h].len << h;
    return n;
}

double gs_kll_min(const gs_kll *s)
{
    double lo, hi;
    extremes(s, &lo, &hi);
    return lo;
}

double gs_kll_max(const gs_kll *s)
{
    double lo, hi;
    extremes(s, &lo, &hi);
    return hi;
}
size_t gs_kll_retained(const gs_kll *s)
{
    return (size_t)s->held + s->head.lv[0].len;
}
int gs_kll_is_exact(const gs_kll *s) { return s->nlevels == 1; }

size_t gs_kll_values(const gs_kll *s, double *out, size_t cap)
{
    size_t m = 0;
    for (unsigned h = 0; h < s->nlevels; h++)
        for (uint32_t i = 0; i < s->head.lv[h].len && m < cap; i++)
            out[m++] = s->head.lv[h].items[i];
    return m;
}

/* ---- queries: all retained items, weighted, sorted -------------------- */

typedef struct witem {
    double v;
    uint64_t w;
} witem;

static int cmp_witem(const void *a, const void *b)
{
    double x = ((const witem *)a)->v, y = ((const witem *)b)->v;
    return (x > y) - (x < y);
}

/* Sorted items with cumulative weights in w (inclusive). */
static witem *sorted_items(const gs_kll *s)
{
    size_t retained = gs_kll_retained(s);
    witem *all = gs_malloc((retained ? retained : 1) * sizeof *all);
    if (!all)
        return NULL;
    size_t m = 0;
    for (unsigned h = 0; h < s->nlevels; h++)
        for (uint32_t i = 0; i < s->head.lv[h].len; i++)
            all[m++] = (witem){s->head.lv[h].items[i], (uint64_t)1 << h};
    qsort(all, m, sizeof *all, cmp_witem);
    for (size_t i = 1; i < m; i++)
        all[i].w += all[i - 1].w;
    return all;
}

gs_status gs_kll_quantiles(const gs_kll *s, const double *qs, size_t n,
                           double *out)
{
    uint64_t count = gs_kll_count(s);
    double lo, hi;
    extremes(s, &lo, &hi);
    if (count == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = NAN;
        return GS_OK;
    }
    witem *all = sorted_items(s);
    if (!all)
        return GS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (qs[i] <= 0) {
            out[i] = lo;
            continue;
        }
        if (qs[i] >= 1) {
            out[i] = hi;
            continue;
        }
        double target = qs[i] * (double)count;
        size_t lo = 0, hi = gs_kll_retained(s) - 1;  /* first cum >= target */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((double)all[mid].w >= target)
                hi = mid;
            else
                lo = mid + 1;
        }
        out[i] = all[lo].v;
    }
    gs_free(all);
    return GS_OK;
}

gs_status gs_kll_cdf(const gs_kll *s, const double *xs, size_t n, double *out)
{
    uint64_t count = gs_kll_count(s);
    if (count == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = 0;
        return GS_OK;
    }
    witem *all = sorted_items(s);
    if (!all)
        return GS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = gs_kll_retained(s);  /* first item > x */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (all[mid].v <= xs[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        out[i] = lo == 0 ? 0 : (double)all[lo - 1].w / (double)count;
    }
    gs_free(all);
    return GS_OK;
}

/* ---- text form -------------------------------------------------------- */

static void put_hex(char *p, uint64_t x)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, x >>= 4)
        p[i] = hex[x & 15];
}

gs_status gs_kll_encode(const gs_kll *s, char **out)
{
    gs_buf b = {0};
    char head[160];
    int hn = snprintf(head, sizeof head, "kll1:%u:%llu:", s->k,
                      (unsigned long long)gs_kll_count(s));
    gs_status st = gs_buf_reserve(&b, (size_t)hn + 3 * 17 + 8 +
                                  gs_kll_retained(s) * 16 + s->nlevels + 1);
    if (st != GS_OK)
        return st;
    gs_buf_append(&b, head, (size_t)hn);
    double lo, hi;
    extremes(s, &lo, &hi);
    uint64_t words[3] = {s->rng, dbits(lo), dbits(hi)};
    for (int i = 0; i < 3; i++) {
        put_hex(b.p + b.len, words[i]);
        b.len += 16;
        b.p[b.len++] = ':';
    }
    hn = snprintf(head, sizeof head, "%u", s->nlevels);
    gs_buf_append(&b, head, (size_t)hn);
    for (unsigned h = 0; h < s->nlevels; h++) {
        b.p[b.len++] = ':';
        for (uint32_t i = 0; i < s->head.lv[h].len; i++) {
            put_hex(b.p + b.len, dbits(s->head.lv[h].items[i]));
            b.len += 16;
        }
    }
    b.p[b.len] = '\0';
    *out = b.p;
    return GS_OK;
}

/* Parse a decimal number up to ':' (or the end); NULL on anything else. */
static const char *get_dec(const char *p, const char *end, uint64_t *v)
{
    const char *start = p;
    *v = 0;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        if (*v > (UINT64_MAX - 9) / 10)
            return NULL;
        *v = *v * 10 + (uint64_t)(*p - '0');
    }
    return p == start || p - start > 20 ? NULL : p;
}

static int get_hex(const char *p, uint64_t *v)
{
    *v = 0;
    for (int i = 0; i < 16; i++) {
        int c = p[i], d = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return 0;
        *v = *v << 4 | (uint64_t)d;
    }
    return 1;
}

gs_status gs_kll_decode(const char *text, size_t len, gs_kll **out)
{
    const char *p = text, *end = text + len;
    uint64_t k, n, nlevels, w[3];
    *out = NULL;
    if (len < 5 || memcmp(p, "kll1:", 5) != 0)
        return GS_EFORMAT;
    p += 5;
    if (!(p = get_dec(p, end, &k)) || p == end || *p++ != ':' ||
        !(p = get_dec(p, end, &n)) || p == end || *p++ != ':')
        return GS_EFORMAT;
    for (int i = 0; i < 3; i++) {
        if (end - p < 17 || !get_hex(p, &w[i]) || p[16] != ':')
            return GS_EFORMAT;
        p += 17;
    }
    if (!(p = get_dec(p, end, &nlevels)) || nlevels < 1 ||
        nlevels > MAX_LEVELS || k < MIN_CAP || k > 65535)
        return GS_EFORMAT;
    gs_kll *s = gs_kll_new((unsigned)k);
    if (!s)
        return GS_ENOMEM;
    set_levels(s, (unsigned)nlevels);
    s->rng = w[0];
    memcpy(&s->min, &w[1], sizeof s->min);
    memcpy(&s->max, &w[2], sizeof s->max);
    uint64_t weight = 0;
    gs_status st = GS_OK;
    for (unsigned h = 0; h < nlevels && st == GS_OK; h++) {
        if (p == end || *p++ != ':') {
            st = GS_EFORMAT;
            break;
        }
        while (st == GS_OK && p < end && *p != ':') {
            uint64_t bits;
            double v;
            if (end - p < 16 || !get_hex(p, &bits)) {
                st = GS_EFORMAT;
                break;
            }
            memcpy(&v, &bits, sizeof v);
            /* encode() writes min and max of every value, NaN never */
            if (!(v >= s->min && v <= s->max) ||
                gs_kll_retained(s) >= 4 * s->capacity + 64) {
                st = GS_EFORMAT;
                break;
            }
            st = push(s, h, &v, 1);
            weight += (uint64_t)1 << h;
            p += 16;
        }
    }
    if (st == GS_OK && (p != end || weight != n ||
                        (n == 0) != (isnan(s->min) && isnan(s->max))))
        st = GS_EFORMAT;
    if (st != GS_OK) {
        gs_kll_free(s);
        return st;
    }
    sync_lim(s);
    *out = s;
    return GS_OK;
}

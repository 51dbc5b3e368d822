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

#define MAX_LEVELS 60
#define MIN_CAP 8u
#define SEED 0x9e3779b97f4a7c15ull

struct gs_kll {
    unsigned k;
    unsigned nlevels;
    uint64_t n;
    double min, max;
    uint64_t rng;
    size_t retained;       /* items in all levels */
    size_t capacity;       /* sum of cap(h) for the current nlevels */
    uint32_t cap[MAX_LEVELS];  /* cap(h) for the current nlevels */
    double *items[MAX_LEVELS];
    uint32_t len[MAX_LEVELS], alloc[MAX_LEVELS];
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
    s->nlevels = nlevels;
    s->capacity = 0;
    for (unsigned h = 0; h < nlevels; h++) {
        s->cap[h] = level_cap(s->k, nlevels, h);
        s->capacity += s->cap[h];
    }
}

static uint64_t next_rng(uint64_t *state)
{
    uint64_t z = (*state += SEED);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
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
    return s;
}

void gs_kll_free(gs_kll *s)
{
    if (!s)
        return;
    for (unsigned h = 0; h < MAX_LEVELS; h++)
        gs_free(s->items[h]);
    gs_free(s);
}

/* Room for `more` items on level h (the allocation doubles). */
static gs_status reserve(gs_kll *s, unsigned h, uint32_t more)
{
    if (s->alloc[h] - s->len[h] >= more)
        return GS_OK;
    uint32_t cap = s->alloc[h] ? s->alloc[h] * 2 : 2 * MIN_CAP;
    while (cap - s->len[h] < more)
        cap *= 2;
    double *p = gs_realloc(s->items[h], cap * sizeof *p);
    if (!p)
        return GS_ENOMEM;
    s->items[h] = p;
    s->alloc[h] = cap;
    return GS_OK;
}

static gs_status push(gs_kll *s, unsigned h, double v)
{
    gs_status st = reserve(s, h, 1);
    if (st != GS_OK)
        return st;
    s->items[h][s->len[h]++] = v;
    s->retained++;
    return GS_OK;
}

/* Sort a[0..n) ascending, stably (so -0.0 and 0.0 keep their order, as
 * with any stable sort: the sketch's bytes do not depend on which one).
 * Insertion sort in runs of RUN, then bottom-up merges through tmp (n
 * doubles); a merge is skipped when its halves are already in order, which
 * is the usual case above level 0, where a level is a few sorted runs.
 * Inline comparisons: this runs at every compaction, i.e. on the hot path
 * of numeric columns (qsort's indirect calls cost ~4x more). */
#define RUN 16u
static void sort_doubles(double *a, uint32_t n, double *tmp)
{
    for (uint32_t lo = 0; lo < n; lo += RUN) {
        uint32_t hi = n - lo < RUN ? n : lo + RUN;
        for (uint32_t i = lo + 1; i < hi; i++) {
            double v = a[i];
            uint32_t j = i;
            for (; j > lo && v < a[j - 1]; j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
    }
    for (uint32_t w = RUN; w < n; w *= 2)
        for (uint32_t lo = 0; lo + w < n; lo += 2 * w) {
            uint32_t mid = lo + w, hi = n - mid < w ? n : mid + w;
            if (!(a[mid] < a[mid - 1]))
                continue;
            uint32_t i = lo, j = mid, o = 0;
            while (i < mid && j < hi)
                tmp[o++] = a[j] < a[i] ? a[j++] : a[i++];
            while (i < mid)
                tmp[o++] = a[i++];
            memcpy(a + lo, tmp, (size_t)o * sizeof *a);
        }
}

/* Compact the lowest level at or over its cap (one exists while the sketch
 * is over capacity). */
static gs_status compact(gs_kll *s)
{
    unsigned h = 0;
    while (h < s->nlevels && s->len[h] < s->cap[h])
        h++;
    if (h == s->nlevels)
        return GS_OK;  /* cannot happen; harmless */
    if (h + 1 == s->nlevels) {
        if (s->nlevels == MAX_LEVELS)
            return GS_ELIMIT;  /* 2^60 values: not reachable in practice */
        set_levels(s, s->nlevels + 1);
    }
    uint32_t len = s->len[h], odd = len & 1u, up = (len - odd) / 2;
    gs_status st = reserve(s, h + 1, up);
    if (st != GS_OK)
        return st;
    double *it = s->items[h];
    double stack[512], *tmp = len <= 512 ? stack : gs_malloc(len * sizeof *tmp);
    if (!tmp)
        return GS_ENOMEM;
    sort_doubles(it, len, tmp);
    if (tmp != stack)
        gs_free(tmp);
    uint32_t offset = (uint32_t)(next_rng(&s->rng) >> 63);
    double *dst = s->items[h + 1] + s->len[h + 1];
    for (uint32_t j = 0; j < up; j++)
        dst[j] = it[2 * j + offset];
    s->len[h + 1] += up;
    s->len[h] = 0;
    s->retained -= len - up;
    if (odd) {  /* the largest item keeps its weight at this level */
        it[0] = it[len - 1];
        s->len[h] = 1;
        s->retained++;
    }
    return GS_OK;
}

static void widen(gs_kll *s, double lo, double hi)
{
    if (isnan(s->min) || lo < s->min)
        s->min = lo;
    if (isnan(s->max) || hi > s->max)
        s->max = hi;
}

gs_status gs_kll_add(gs_kll *s, double v)
{
    if (isnan(v))
        return GS_OK;
    gs_status st = push(s, 0, v);
    if (st != GS_OK)
        return st;
    s->n++;
    widen(s, v, v);
    return s->retained > s->capacity ? compact(s) : GS_OK;
}

gs_status gs_kll_merge(gs_kll *into, const gs_kll *from)
{
    if (into == from || into->k != from->k)
        return GS_EINVAL;
    if (from->n == 0)
        return GS_OK;
    if (from->nlevels > into->nlevels)
        set_levels(into, from->nlevels);
    for (unsigned h = 0; h < from->nlevels; h++)
        for (uint32_t i = 0; i < from->len[h]; i++) {
            gs_status st = push(into, h, from->items[h][i]);
            if (st != GS_OK)
                return st;
        }
    into->n += from->n;
    widen(into, from->min, from->max);
    into->rng ^= from->rng;
    next_rng(&into->rng);
    while (into->retained > into->capacity) {
        size_t before = into->retained;
        gs_status st = compact(into);
        if (st != GS_OK)
            return st;
        if (into->retained >= before)
            break;  /* only odd items left over their caps: stop */
    }
    return GS_OK;
}

unsigned gs_kll_k(const gs_kll *s) { return s->k; }
uint64_t gs_kll_count(const gs_kll *s) { return s->n; }
double gs_kll_min(const gs_kll *s) { return s->min; }
double gs_kll_max(const gs_kll *s) { return s->max; }
size_t gs_kll_retained(const gs_kll *s) { return s->retained; }
int gs_kll_is_exact(const gs_kll *s) { return s->nlevels == 1; }

size_t gs_kll_values(const gs_kll *s, double *out, size_t cap)
{
    size_t m = 0;
    for (unsigned h = 0; h < s->nlevels; h++)
        for (uint32_t i = 0; i < s->len[h] && m < cap; i++)
            out[m++] = s->items[h][i];
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
    witem *all = gs_malloc((s->retained ? s->retained : 1) * sizeof *all);
    if (!all)
        return NULL;
    size_t m = 0;
    for (unsigned h = 0; h < s->nlevels; h++)
        for (uint32_t i = 0; i < s->len[h]; i++)
            all[m++] = (witem){s->items[h][i], (uint64_t)1 << h};
    qsort(all, m, sizeof *all, cmp_witem);
    for (size_t i = 1; i < m; i++)
        all[i].w += all[i - 1].w;
    return all;
}

gs_status gs_kll_quantiles(const gs_kll *s, const double *qs, size_t n,
                           double *out)
{
    if (s->n == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = NAN;
        return GS_OK;
    }
    witem *all = sorted_items(s);
    if (!all)
        return GS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (qs[i] <= 0) {
            out[i] = s->min;
            continue;
        }
        if (qs[i] >= 1) {
            out[i] = s->max;
            continue;
        }
        double target = qs[i] * (double)s->n;
        size_t lo = 0, hi = s->retained - 1;  /* first cum >= target */
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
    if (s->n == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = 0;
        return GS_OK;
    }
    witem *all = sorted_items(s);
    if (!all)
        return GS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = s->retained;  /* first item > x */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (all[mid].v <= xs[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        out[i] = lo == 0 ? 0 : (double)all[lo - 1].w / (double)s->n;
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

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

gs_status gs_kll_encode(const gs_kll *s, char **out)
{
    gs_buf b = {0};
    char head[160];
    int hn = snprintf(head, sizeof head, "kll1:%u:%llu:", s->k,
                      (unsigned long long)s->n);
    gs_status st = gs_buf_reserve(&b, (size_t)hn + 3 * 17 + 8 +
                                  s->retained * 16 + s->nlevels + 1);
    if (st != GS_OK)
        return st;
    gs_buf_append(&b, head, (size_t)hn);
    uint64_t words[3] = {s->rng, dbits(s->min), dbits(s->max)};
    for (int i = 0; i < 3; i++) {
        put_hex(b.p + b.len, words[i]);
        b.len += 16;
        b.p[b.len++] = ':';
    }
    hn = snprintf(head, sizeof head, "%u", s->nlevels);
    gs_buf_append(&b, head, (size_t)hn);
    for (unsigned h = 0; h < s->nlevels; h++) {
        b.p[b.len++] = ':';
        for (uint32_t i = 0; i < s->len[h]; i++) {
            put_hex(b.p + b.len, dbits(s->items[h][i]));
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
            if (isnan(v) || s->retained >= 4 * s->capacity + 64) {
                st = GS_EFORMAT;
                break;
            }
            st = push(s, h, v);
            weight += (uint64_t)1 << h;
            p += 16;
        }
    }
    s->n = n;
    if (st == GS_OK && (p != end || weight != n ||
                        (n == 0) != (isnan(s->min) && isnan(s->max))))
        st = GS_EFORMAT;
    if (st != GS_OK) {
        gs_kll_free(s);
        return st;
    }
    *out = s;
    return GS_OK;
}

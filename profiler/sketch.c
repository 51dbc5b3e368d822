/* sketch.c - HyperLogLog distinct counts and Misra-Gries top values.
 *
 * gs_hll (after HLL++ and Ertl 2017):
 *   - A hash h gives register index h >> (64 - lg_k) and rank rho = 1 + the
 *     number of leading zeros of the remaining 64 - lg_k bits (at most
 *     65 - lg_k). A dense sketch keeps 2^lg_k one-byte registers, the max
 *     rho seen per index.
 *   - While small, the sketch is sparse: a sorted list of 32-bit entries
 *     (idx25 << 6 | rho25), with idx25 the top 25 bits of h and rho25 the
 *     rank of the remaining 39 bits (1..40), one entry per idx25 holding
 *     the max. That finer index makes small counts nearly exact (linear
 *     counting over 2^25 virtual registers), and every entry maps to exactly
 *     the (index, rho) the dense sketch would have derived from the hash.
 *   - The list grows by doubling from 8 entries and turns dense when it
 *     would pass 2^lg_k / 4 entries (= the dense size in bytes).
 *   - Dense estimate: Ertl's improved raw estimator ("New cardinality
 *     estimation algorithms for HyperLogLog sketches", 2017, algorithm 6):
 *     no empirical bias tables, no range switch, unbiased from 0 to 2^64.
 * Invariants:
 *   1. The state is a function of the set of hashes added, whatever the
 *      order or the grouping into merges: the sparse list is the set of
 *      (idx25, max rho25), and the sketch is dense iff that set would have
 *      more than 2^lg_k / 4 entries. So merge(A, B) encodes to the same text
 *      as a sketch fed A then B.
 *   2. Text form "hll1:<lg_k>:s:<8 lowercase hex digits per entry>" or
 *      "hll1:<lg_k>:d:<one base64 digit per register>"; decode accepts
 *      exactly what encode can produce.
 *
 * gs_topk (Misra-Gries with "reverse purge", as in Apache DataSketches'
 * frequent items sketch; merge after Agarwal et al. 2012 "Mergeable
 * summaries"):
 *   - C = 2k counters in fixed slots, each with a max_value_bytes buffer,
 *     an open-addressing index on the full-value hash (>= 2C cells, linear
 *     probing) and a sketch-wide offset. A value with a counter adds to it;
 *     a new value takes a free slot (a hash probe and a store). When all C
 *     slots are in use, a purge first subtracts the lower median of the
 *     counters (the pivot) from every counter, frees those that reach 0,
 *     adds the pivot to offset and rebuilds the index: at least C/2 slots
 *     come free, so a purge costs O(1) per new value, amortised. Adding
 *     allocates nothing.
 * Invariants:
 *   3. A slot's identity is the hash of the full value; values longer than
 *      max_value_bytes keep a prefix cut at a UTF-8 character boundary.
 *   4. For every value, counter <= true count <= counter + offset (counter
 *      0 when it has none), and offset * (k + 1) <= total - (sum of the
 *      counters): each purge removes at least (C/2 + 1) * pivot. So
 *      offset <= total / (k + 1), and every value with true count
 *      > total / (k + 1) has a counter (SpaceSaving with k slots promised
 *      total / k). While no purge happened (offset 0, at most C distinct
 *      values) every count is exact.
 *   5. The state is the set of (hash, value, truncated, counter), the
 *      offset and the total: slot numbers are never observed. Items are
 *      reported count (= counter + offset) desc, value bytes asc, hash asc,
 *      at most k of them; merge adds from's counters in the same kind of
 *      total order, so it is deterministic, and after a save and restore
 *      of every counter (gs_topk_counters) it gives the same result.
 *   6. A purge only happens right before a new counter is made, so
 *      offset > 0 implies at least one counter: the offset is the error
 *      of any item, and needs no field of its own in the profile.
 * Not done here: hashing a value for the caller (the collector hashes once
 * and feeds both sketches), saving to a file (profile_io uses encode and
 * gs_topk_counters/gs_topk_restore).
 */
#include "gapscan/sketch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t gs_hash(const void *bytes, size_t len)
{
    return XXH3_64bits(bytes, len);
}

static unsigned clz64(uint64_t x)
{
#if defined(__GNUC__)
    return x ? (unsigned)__builtin_clzll(x) : 64u;
#else
    unsigned n = 0;
    if (!x)
        return 64;
    while (!(x & ((uint64_t)1 << 63))) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* ------------------------------------------------------------------ */
/* HyperLogLog                                                         */

#define HLL_MIN_LG_K 4u
#define HLL_MAX_LG_K 18u
#define SP_P 25u                  /* sparse index bits */
#define SP_RHO_MAX (64u - SP_P + 1u)
#define SP_KEY(e) ((e) >> 6)
#define SP_RHO(e) ((e) & 63u)
#define SP_FIRST_CAP 8u

struct gs_hll {
    unsigned lg_k;
    uint32_t n;          /* sparse entries used */
    uint32_t cap;        /* sparse entries allocated */
    uint32_t *sparse;    /* sorted by key; NULL when dense or still empty */
    uint8_t *regs;       /* 2^lg_k registers when dense, else NULL */
};

static uint32_t hll_m(const gs_hll *h) { return (uint32_t)1 << h->lg_k; }
static uint32_t hll_sparse_max(const gs_hll *h) { return hll_m(h) / 4; }
static unsigned hll_rho_max(unsigned lg_k) { return 65u - lg_k; }

static uint32_t sparse_entry(uint64_t hash)
{
    uint32_t key = (uint32_t)(hash >> (64 - SP_P));
    uint64_t w = (hash << SP_P) | ((uint64_t)1 << (SP_P - 1));
    return key << 6 | (clz64(w) + 1);
}

/* The dense (index, rho) of the hashes behind a sparse entry. */
static void sparse_to_reg(unsigned lg_k, uint32_t e, uint32_t *idx,
                          uint8_t *rho)
{
    unsigned b = SP_P - lg_k;
    uint32_t key = SP_KEY(e);
    uint32_t low = key & (((uint32_t)1 << b) - 1);
    *idx = key >> b;
    if (low)
        *rho = (uint8_t)(b - (64 - clz64(low)) + 1);
    else
        *rho = (uint8_t)(b + SP_RHO(e));
}

gs_hll *gs_hll_new(unsigned lg_k)
{
    if (lg_k < HLL_MIN_LG_K || lg_k > HLL_MAX_LG_K)
        return NULL;
    gs_hll *h = gs_calloc(1, sizeof *h);
    if (h)
        h->lg_k = lg_k;
    return h;
}

void gs_hll_free(gs_hll *h)
{
    if (!h)
        return;
    gs_free(h->sparse);
    gs_free(h->regs);
    gs_free(h);
}

unsigned gs_hll_lg_k(const gs_hll *h) { return h->lg_k; }

static void dense_put(gs_hll *h, uint32_t idx, uint8_t rho)
{
    if (h->regs[idx] < rho)
        h->regs[idx] = rho;
}

static gs_status hll_to_dense(gs_hll *h)
{
    uint8_t *regs = gs_calloc(hll_m(h), 1);
    if (!regs)
        return GS_ENOMEM;
    h->regs = regs;
    for (uint32_t i = 0; i < h->n; i++) {
        uint32_t idx;
        uint8_t rho;
        sparse_to_reg(h->lg_k, h->sparse[i], &idx, &rho);
        dense_put(h, idx, rho);
    }
    gs_free(h->sparse);
    h->sparse = NULL;
    h->n = h->cap = 0;
    return GS_OK;
}

static gs_status sparse_reserve(gs_hll *h, uint32_t want)
{
    if (want <= h->cap)
        return GS_OK;
    uint32_t cap = h->cap ? h->cap : SP_FIRST_CAP;
    while (cap < want)
        cap *= 2;
    if (cap > hll_sparse_max(h))
        cap = hll_sparse_max(h);
    uint32_t *p = gs_realloc(h->sparse, (size_t)cap * sizeof *p);
    if (!p)
        return GS_ENOMEM;
    h->sparse = p;
    h->cap = cap;
    return GS_OK;
}

/* First position whose key is >= key. Branch-free (the keys are hashes,
 * so every step is a coin toss for a branch predictor): the answer always
 * lies in [base - a, base - a + n], and each step halves n. */
static uint32_t sparse_find(const uint32_t *a, uint32_t n, uint32_t key)
{
    if (n == 0)
        return 0;
    const uint32_t *base = a;
    while (n > 1) {
        uint32_t half = n / 2;
        base += (SP_KEY(base[half]) < key) * half;
        n -= half;
    }
    return (uint32_t)(base - a) + (SP_KEY(*base) < key);
}

gs_status gs_hll_add(gs_hll *h, uint64_t hash)
{
    if (h->regs) {
        uint64_t w = (hash << h->lg_k) | ((uint64_t)1 << (h->lg_k - 1));
        dense_put(h, (uint32_t)(hash >> (64 - h->lg_k)),
                  (uint8_t)(clz64(w) + 1));
        return GS_OK;
    }
    uint32_t e = sparse_entry(hash);
    uint32_t pos = sparse_find(h->sparse, h->n, SP_KEY(e));
    if (pos < h->n && SP_KEY(h->sparse[pos]) == SP_KEY(e)) {
        if (SP_RHO(h->sparse[pos]) < SP_RHO(e))
            h->sparse[pos] = e;
        return GS_OK;
    }
    if (h->n == hll_sparse_max(h)) {
        gs_status st = hll_to_dense(h);
        if (st != GS_OK)
            return st;
        return gs_hll_add(h, hash);
    }
    gs_status st = sparse_reserve(h, h->n + 1);
    if (st != GS_OK)
        return st;
    memmove(h->sparse + pos + 1, h->sparse + pos,
            (size_t)(h->n - pos) * sizeof *h->sparse);
    h->sparse[pos] = e;
    h->n++;
    return GS_OK;
}

/* Number of distinct keys in the union of two sorted sparse lists. */
static uint32_t sparse_union_size(const uint32_t *a, uint32_t na,
                                  const uint32_t *b, uint32_t nb)
{
    uint32_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        uint32_t ka = SP_KEY(a[i]), kb = SP_KEY(b[j]);
        i += ka <= kb;
        j += kb <= ka;
        n++;
    }
    return n + (na - i) + (nb - j);
}

static gs_status merge_sparse(gs_hll *into, const gs_hll *from)
{
    uint32_t na = into->n, nb = from->n;
    uint32_t total = sparse_union_size(into->sparse, na, from->sparse, nb);
    if (total == na)
        goto max_only;
    if (total > hll_sparse_max(into)) {
        gs_status st = hll_to_dense(into);
        if (st != GS_OK)
            return st;
        for (uint32_t j = 0; j < nb; j++) {
            uint32_t idx;
            uint8_t rho;
            sparse_to_reg(into->lg_k, from->sparse[j], &idx, &rho);
            dense_put(into, idx, rho);
        }
        return GS_OK;
    }
    gs_status st = sparse_reserve(into, total);
    if (st != GS_OK)
        return st;
    /* Merge from the back, in place: the write position never passes the
     * unread part of into's list. */
    uint32_t *a = into->sparse;
    const uint32_t *b = from->sparse;
    uint32_t i = na, j = nb, w = total;
    while (j > 0) {
        uint32_t eb = b[j - 1];
        if (i > 0 && SP_KEY(a[i - 1]) > SP_KEY(eb)) {
            a[--w] = a[--i];
        } else if (i > 0 && SP_KEY(a[i - 1]) == SP_KEY(eb)) {
            uint32_t ea = a[--i];
            a[--w] = SP_RHO(ea) >= SP_RHO(eb) ? ea : eb;
            j--;
        } else {
            a[--w] = eb;
            j--;
        }
    }
    into->n = total;
    return GS_OK;

max_only:
    /* Every key of from is already in into (this also covers into == from). */
    for (uint32_t j = 0, i = 0; j < nb; j++) {
        while (SP_KEY(into->sparse[i]) < SP_KEY(from->sparse[j]))
            i++;
        if (SP_RHO(into->sparse[i]) < SP_RHO(from->sparse[j]))
            into->sparse[i] = from->sparse[j];
    }
    return GS_OK;
}

gs_status gs_hll_merge(gs_hll *into, const gs_hll *from)
{
    if (into->lg_k != from->lg_k)
        return GS_EINVAL;
    if (!from->regs && !into->regs)
        return merge_sparse(into, from);
    if (!into->regs) {
        gs_status st = hll_to_dense(into);
        if (st != GS_OK)
            return st;
    }
    if (from->regs) {
        for (uint32_t i = 0; i < hll_m(into); i++)
            dense_put(into, i, from->regs[i]);
    } else {
        for (uint32_t j = 0; j < from->n; j++) {
            uint32_t idx;
            uint8_t rho;
            sparse_to_reg(into->lg_k, from->sparse[j], &idx, &rho);
            dense_put(into, idx, rho);
        }
    }
    return GS_OK;
}

/* Ertl 2017, algorithm 6 helpers. */
static double ertl_sigma(double x)
{
    if (x == 1.0)
        return INFINITY;
    double y = 1.0, z = x, zp;
    do {
        x *= x;
        zp = z;
        z += x * y;
        y += y;
    } while (z != zp);
    return z;
}

static double ertl_tau(double x)
{
    if (x == 0.0 || x == 1.0)
        return 0.0;
    double y = 1.0, z = 1.0 - x, zp;
    do {
        x = sqrt(x);
        zp = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
    } while (z != zp);
    return z / 3.0;
}

double gs_hll_estimate(const gs_hll *h)
{
    if (!h->regs) {
        /* Linear counting over the 2^25 virtual registers of the list. */
        double mp = (double)((uint64_t)1 << SP_P);
        return h->n ? -mp * log1p(-(double)h->n / mp) : 0.0;
    }
    uint32_t m = hll_m(h);
    unsigned q = 64 - h->lg_k;
    uint32_t c[66] = {0};
    for (uint32_t i = 0; i < m; i++)
        c[h->regs[i]]++;
    if (c[0] == m)
        return 0.0;
    double dm = (double)m;
    double z = dm * ertl_tau((dm - c[q + 1]) / dm);
    for (unsigned k = q; k >= 1; k--)
        z = 0.5 * (z + c[k]);
    z += dm * ertl_sigma(c[0] / dm);
    return dm * dm / (2.0 * log(2.0)) / z;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hexd[] = "0123456789abcdef";

gs_status gs_hll_encode(const gs_hll *h, char **out)
{
    *out = NULL;
    char head[16];
    int hn = snprintf(head, sizeof head, "hll1:%u:%c:", h->lg_k,
                      h->regs ? 'd' : 's');
    size_t body = h->regs ? hll_m(h) : (size_t)h->n * 8;
    char *s = gs_malloc((size_t)hn + body + 1);
    if (!s)
        return GS_ENOMEM;
    memcpy(s, head, (size_t)hn);
    char *p = s + hn;
    if (h->regs) {
        for (uint32_t i = 0; i < hll_m(h); i++)
            *p++ = b64[h->regs[i]];
    } else {
        for (uint32_t i = 0; i < h->n; i++)
            for (int sh = 28; sh >= 0; sh -= 4)
                *p++ = hexd[(h->sparse[i] >> sh) & 15u];
    }
    *p = '\0';
    *out = s;
    return GS_OK;
}

static int b64_val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static gs_status decode_dense(gs_hll *h, const char *p, size_t n)
{
    if (n != hll_m(h))
        return GS_EFORMAT;
    h->regs = gs_calloc(n, 1);
    if (!h->regs)
        return GS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val(p[i]);
        if (v < 0 || (unsigned)v > hll_rho_max(h->lg_k))
            return GS_EFORMAT;
        h->regs[i] = (uint8_t)v;
    }
    return GS_OK;
}

static gs_status decode_sparse(gs_hll *h, const char *p, size_t n)
{
    if (n % 8 || n / 8 > hll_sparse_max(h))
        return GS_EFORMAT;
    uint32_t cnt = (uint32_t)(n / 8);
    if (cnt == 0)
        return GS_OK;
    gs_status st = sparse_reserve(h, cnt);
    if (st != GS_OK)
        return st;
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t e = 0;
        for (int d = 0; d < 8; d++) {
            int v = hex_val(p[i * 8 + (uint32_t)d]);
            if (v < 0)
                return GS_EFORMAT;
            e = e << 4 | (uint32_t)v;
        }
        if (e >> (SP_P + 6) || SP_RHO(e) == 0 || SP_RHO(e) > SP_RHO_MAX)
            return GS_EFORMAT;
        if (i > 0 && SP_KEY(e) <= SP_KEY(h->sparse[i - 1]))
            return GS_EFORMAT;
        h->sparse[i] = e;
        h->n = i + 1;
    }
    return GS_OK;
}

gs_status gs_hll_decode(const char *text, size_t len, gs_hll **out)
{
    *out = NULL;
    static const char magic[] = "hll1:";
    size_t ml = sizeof magic - 1;
    if (len < ml || memcmp(text, magic, ml) != 0)
        return GS_EFORMAT;
    size_t i = ml;
    unsigned lg_k = 0;
    size_t start = i;
    while (i < len && text[i] >= '0' && text[i] <= '9' && i - start < 2)
        lg_k = lg_k * 10 + (unsigned)(text[i++] - '0');
    if (i == start || (text[start] == '0') || lg_k < HLL_MIN_LG_K ||
        lg_k > HLL_MAX_LG_K)
        return GS_EFORMAT;
    if (len - i < 3 || text[i] != ':' || text[i + 2] != ':' ||
        (text[i + 1] != 's' && text[i + 1] != 'd'))
        return GS_EFORMAT;
    int dense = text[i + 1] == 'd';
    i += 3;
    gs_hll *h = gs_hll_new(lg_k);
    if (!h)
        return GS_ENOMEM;
    gs_status st = dense ? decode_dense(h, text + i, len - i)
                         : decode_sparse(h, text + i, len - i);
    if (st != GS_OK) {
        gs_hll_free(h);
        return st;
    }
    *out = h;
    return GS_OK;
}

/* ------------------------------------------------------------------ */
/* Top-K                                                               */

typedef struct tk_slot {
    uint64_t hash;
    uint64_t count;      /* the counter; 0: the slot is free */
    uint32_t len;
    int truncated;
} tk_slot;

/* An index cell: slot number + 1 (0: empty) and the low 32 bits of the
 * slot's hash, so a probe that misses reads only the index (the slot is
 * read to confirm a full 64-bit match). */
typedef struct tk_cell {
    uint32_t slot1;
    uint32_t lo;
} tk_cell;

struct gs_topk {
    size_t k;            /* items reported */
    size_t cap;          /* counters: 2k */
    size_t maxb;
    size_t live;         /* counters in use */
    uint64_t total;
    uint64_t offset;     /* sum of the purge pivots */
    size_t mask;         /* index cells - 1 */
    tk_slot *slots;      /* cap */
    tk_cell *index;      /* >= 2 * cap cells: at most half full */
    uint32_t *free;      /* free slot numbers, a stack: free[0..n_free) */
    size_t n_free;
    uint64_t *scratch;   /* cap counts: the purge selects its pivot here */
    char *bytes;         /* cap * maxb value bytes */
};

#define TOPK_MAX_K ((size_t)1 << 24)

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

/* Longest prefix of at most max bytes that does not split a UTF-8
 * character (at most 3 bytes are given back, so invalid UTF-8 is still cut
 * near max). */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    for (int back = 0; back < 3 && cut > 0 &&
                       ((unsigned char)s[cut] & 0xC0) == 0x80; back++)
        cut--;
    return cut;
}

gs_topk *gs_topk_new(size_t k, size_t max_value_bytes)
{
    if (k == 0 || k > TOPK_MAX_K || max_value_bytes > UINT32_MAX ||
        (max_value_bytes && 2 * k > SIZE_MAX / max_value_bytes))
        return NULL;
    gs_topk *t = gs_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    size_t cap = 2 * k, cells = 1;
    while (cells < 2 * cap)
        cells *= 2;
    t->k = k;
    t->cap = cap;
    t->maxb = max_value_bytes;
    t->mask = cells - 1;
    t->slots = gs_calloc(cap, sizeof *t->slots);
    t->index = gs_calloc(cells, sizeof *t->index);
    t->free = gs_malloc(cap * sizeof *t->free);
    t->scratch = gs_malloc(cap * sizeof *t->scratch);
    t->bytes = gs_malloc(cap * max_value_bytes);
    if (!t->slots || !t->index || !t->free || !t->scratch || !t->bytes) {
        gs_topk_free(t);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)   /* popped in slot order */
        t->free[i] = (uint32_t)(cap - 1 - i);
    t->n_free = cap;
    return t;
}

void gs_topk_free(gs_topk *t)
{
    if (!t)
        return;
    gs_free(t->slots);
    gs_free(t->index);
    gs_free(t->free);
    gs_free(t->scratch);
    gs_free(t->bytes);
    gs_free(t);
}

size_t gs_topk_capacity(const gs_topk *t) { return t->k; }
size_t gs_topk_max_counters(const gs_topk *t) { return t->cap; }
uint64_t gs_topk_total(const gs_topk *t) { return t->total; }
uint64_t gs_topk_offset(const gs_topk *t) { return t->offset; }

/* The slot holding hash, or -1; *cell is where the probe stopped (the
 * empty cell a new counter for hash would take). */
static long tk_find(const gs_topk *t, uint64_t hash, size_t *cell)
{
    size_t i = hash & t->mask;
    for (;; i = (i + 1) & t->mask) {
        tk_cell c = t->index[i];
        if (c.slot1 == 0)
            break;
        if (c.lo == (uint32_t)hash && t->slots[c.slot1 - 1].hash == hash)
            return (long)(c.slot1 - 1);
    }
    if (cell)
        *cell = i;
    return -1;
}

int gs_topk_has(const gs_topk *t, uint64_t hash)
{
    return tk_find(t, hash, NULL) >= 0;
}

static void tk_index_put(gs_topk *t, uint32_t slot)
{
    uint64_t hash = t->slots[slot].hash;
    size_t i = hash & t->mask;
    while (t->index[i].slot1)
        i = (i + 1) & t->mask;
    t->index[i] = (tk_cell){slot + 1, (uint32_t)hash};
}

static void swap_u64(uint64_t *a, uint64_t *b)
{
    uint64_t x = *a;
    *a = *b;
    *b = x;
}

/* The r-th smallest of a[0..n) (0-based), reordering a: Hoare's
 * quickselect with a median-of-three pivot, deterministic. */
static uint64_t select_rank(uint64_t *a, size_t n, size_t r)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap_u64(&a[mid], &a[lo]);
        if (a[hi] < a[lo])
            swap_u64(&a[hi], &a[lo]);
        if (a[hi] < a[mid])
            swap_u64(&a[hi], &a[mid]);
        uint64_t p = a[mid];
        size_t i = lo, j = hi;
        /* a[lo] <= p <= a[hi] stop both scans inside [lo, hi]. */
        for (;;) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i >= j)
                break;
            swap_u64(&a[i++], &a[j--]);
        }
        /* a[lo..j] <= p <= a[j+1..hi] */
        if (r <= j)
            hi = j;
        else
            lo = j + 1;
    }
    return a[lo];
}

/* Called when every slot is in use: subtract the lower median of the
 * counters from each, free those at or below it, and add it to offset.
 * At least cap/2 + 1 counters are >= the pivot, so the mass removed is at
 * least (cap/2 + 1) * pivot (invariant 4), and at least cap/2 slots are
 * freed, so purges cost O(1) amortised per new value. */
static void tk_purge(gs_topk *t)
{
    uint64_t most = 0;
    for (size_t i = 0; i < t->cap; i++) {
        t->scratch[i] = t->slots[i].count;
        most = most > t->scratch[i] ? most : t->scratch[i];
    }
    /* every counter at 1 (a field of distinct values): so is the median */
    uint64_t pivot = most == 1 ? 1
                               : select_rank(t->scratch, t->cap, (t->cap - 1) / 2);
    memset(t->index, 0, (t->mask + 1) * sizeof *t->index);
    t->live = 0;
    for (size_t i = t->cap; i-- > 0;) {   /* popped in slot order */
        tk_slot *s = &t->slots[i];
        if (s->count <= pivot) {
            s->count = 0;
            t->free[t->n_free++] = (uint32_t)i;
        } else {
            s->count -= pivot;
            t->live++;
            tk_index_put(t, (uint32_t)i);
        }
    }
    t->offset = sat_add(t->offset, pivot);
}

/* A new counter for hash, whose probe ended at the empty cell (purging
 * first when all are in use). Not inlined: it keeps the frame and the
 * memcpy call off the path of an add that finds its counter. */
__attribute__((noinline)) static void tk_insert(gs_topk *t, size_t cell,
                                                const char *value, size_t len,
                                                uint64_t hash, int truncated,
                                                uint64_t count)
{
    if (t->live == t->cap) {
        tk_purge(t);
        tk_find(t, hash, &cell);
    }
    uint32_t slot = t->free[--t->n_free];
    tk_slot *s = &t->slots[slot];
    size_t keep = utf8_cut(value, len, t->maxb);
    if (keep)
        memcpy(t->bytes + (size_t)slot * t->maxb, value, keep);
    s->hash = hash;
    s->count = count;
    s->len = (uint32_t)keep;
    s->truncated = truncated || keep < len;
    t->index[cell] = (tk_cell){slot + 1, (uint32_t)hash};
    t->live++;
}

/* Add count (> 0) to the counter of hash, making one if there is none;
 * 1 when it had one already. */
static int tk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                  int truncated, uint64_t count)
{
    size_t cell;
    long found = tk_find(t, hash, &cell);
    if (found < 0) {
        tk_insert(t, cell, value, len, hash, truncated, count);
        return 0;
    }
    tk_slot *s = &t->slots[found];
    s->count = sat_add(s->count, count);
    s->truncated |= truncated;
    return 1;
}

int gs_topk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                uint64_t count)
{
    if (count == 0)
        return 0;
    t->total = sat_add(t->total, count);
    return tk_add(t, value, len, hash, 0, count);
}

gs_status gs_topk_restore(gs_topk *t, const char *value, size_t len,
                          uint64_t hash, int truncated, uint64_t count,
                          uint64_t error)
{
    if (count <= error || (t->live > 0 && error != t->offset) ||
        t->live == t->cap || tk_find(t, hash, NULL) >= 0)
        return GS_EINVAL;
    t->offset = error;
    tk_add(t, value, len, hash, truncated != 0, count - error);
    return GS_OK;
}

gs_status gs_topk_restore_total(gs_topk *t, uint64_t total)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < t->cap; i++)
        sum = sat_add(sum, t->slots[i].count);
    if (total < sum)
        return GS_EINVAL;
    t->total = total;
    return GS_OK;
}

/* Output order: count desc, then value bytes asc, then hash asc. */
static int item_before(const gs_topk_item *a, const gs_topk_item *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->value, b->value, n) : 0;
    if (c != 0)
        return c < 0;
    if (a->len != b->len)
        return a->len < b->len;
    return a->hash < b->hash;
}

/* a[0..n) as a heap whose root is the item that comes last. */
static void worst_sift_down(gs_topk_item *a, size_t n, size_t pos)
{
    gs_topk_item x = a[pos];
    for (;;) {
        size_t c = 2 * pos + 1;
        if (c >= n)
            break;
        if (c + 1 < n && item_before(&a[c], &a[c + 1]))
            c++;
        if (!item_before(&x, &a[c]))
            break;
        a[pos] = a[c];
        pos = c;
    }
    a[pos] = x;
}

static void worst_sift_up(gs_topk_item *a, size_t pos)
{
    gs_topk_item x = a[pos];
    while (pos > 0) {
        size_t parent = (pos - 1) / 2;
        if (!item_before(&a[parent], &x))
            break;
        a[pos] = a[parent];
        pos = parent;
    }
    a[pos] = x;
}

/* The best cap items of the live counters, best first. With raw set, an
 * item's count is its bare counter and error is 0 (merge's order). */
static size_t tk_select(const gs_topk *t, gs_topk_item *a, size_t cap,
                        int raw)
{
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const tk_slot *s = &t->slots[i];
        if (s->count == 0)
            continue;
        gs_topk_item it = {
            .value = t->bytes + i * t->maxb, .len = s->len,
            .truncated = s->truncated,
            .count = raw ? s->count : sat_add(s->count, t->offset),
            .error = raw ? 0 : t->offset, .hash = s->hash,
        };
        if (n < cap) {
            a[n] = it;
            worst_sift_up(a, n++);
        } else if (cap && item_before(&it, &a[0])) {
            a[0] = it;
            worst_sift_down(a, n, 0);
        }
    }
    /* Heap sort: moving the worst to the end leaves the array best first. */
    for (size_t m = n; m > 1; m--) {
        gs_topk_item x = a[0];
        a[0] = a[m - 1];
        a[m - 1] = x;
        worst_sift_down(a, m - 1, 0);
    }
    return n;
}

size_t gs_topk_items(const gs_topk *t, gs_topk_item *items, size_t cap)
{
    return tk_select(t, items, cap < t->k ? cap : t->k, 0);
}

size_t gs_topk_counters(const gs_topk *t, gs_topk_item *items, size_t cap)
{
    return tk_select(t, items, cap, 0);
}

/* From's counters go in one by one in a fixed order (bare counter desc,
 * value bytes asc, hash asc), so the result depends only on the two
 * sketches' states, not on from's slot layout. When from is into, every
 * add finds its own counter (no value moves), which doubles it. */
gs_status gs_topk_merge(gs_topk *into, const gs_topk *from)
{
    gs_topk_item *order = NULL;
    if (from->live) {
        order = gs_malloc(from->live * sizeof *order);
        if (!order)
            return GS_ENOMEM;
    }
    size_t n = tk_select(from, order, from->live, 1);
    for (size_t i = 0; i < n; i++)
        tk_add(into, order[i].value, order[i].len, order[i].hash,
               order[i].truncated, order[i].count);
    gs_free(order);
    into->offset = sat_add(into->offset, from->offset);
    into->total = sat_add(into->total, from->total);
    return GS_OK;
}

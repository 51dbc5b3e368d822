/* sketch.c - HyperLogLog distinct counts and SpaceSaving top values.
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
 * gs_topk (SpaceSaving, Metwally et al. 2005; merge after Agarwal et al.
 * 2012 "Mergeable summaries"):
 *   - k slots, each with a fixed max_value_bytes buffer, an open-addressing
 *     index on the full-value hash (>= 4k cells, linear probing, deletion by
 *     backward shift, so no tombstones) and a min-heap on (count, hash) for
 *     eviction, kept in heap order only once all k slots are used (before
 *     that nothing evicts). Add is O(log k) and allocates nothing.
 * Invariants:
 *   3. A slot's identity is the hash of the full value; values longer than
 *      max_value_bytes keep a prefix cut at a UTF-8 character boundary.
 *   4. count >= true count >= count - error for every kept value; every
 *      value with true count > total / k is kept.
 *   5. Output and merge order is total: count desc, value bytes asc, hash
 *      asc. Merge keeps the best k of the union, so it is deterministic and
 *      its result does not depend on argument order (beyond into's k and
 *      max_value_bytes).
 * Not done here: hashing a value for the caller (the collector hashes once
 * and feeds both sketches), saving to a file (profile_io uses encode and
 * gs_topk_items/gs_topk_restore).
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
    uint64_t error;
    uint32_t len;
    uint32_t heap_pos;
    int truncated;
} tk_slot;

/* An index cell: slot number + 1 (0: empty) and the low 32 bits of the
 * slot's hash, so probing and backward-shift deletion read only the index
 * (the slot is read to confirm a full 64-bit match). */
typedef struct tk_cell {
    uint32_t slot1;
    uint32_t lo;
} tk_cell;

/* A heap entry carries its own key (count, hash), so sifting compares
 * neighbouring memory instead of chasing slot numbers; a slot's count lives
 * only here (slots[s].heap_pos finds it). */
typedef struct tk_node {
    uint64_t count;
    uint64_t hash;
    uint32_t slot;
} tk_node;

struct gs_topk {
    size_t k;
    size_t maxb;
    size_t used;
    uint64_t total;
    size_t mask;         /* index cells - 1 */
    tk_slot *slots;
    tk_node *heap;       /* root = min (count, hash) */
    tk_cell *index;
    char *bytes;         /* k * maxb value bytes */
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
        (max_value_bytes && k > SIZE_MAX / max_value_bytes))
        return NULL;
    gs_topk *t = gs_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    size_t cells = 1;
    while (cells < 4 * k)
        cells *= 2;
    t->k = k;
    t->maxb = max_value_bytes;
    t->mask = cells - 1;
    t->slots = gs_calloc(k, sizeof *t->slots);
    t->heap = gs_calloc(k, sizeof *t->heap);
    t->index = gs_calloc(cells, sizeof *t->index);
    t->bytes = gs_malloc(k * max_value_bytes);
    if (!t->slots || !t->heap || !t->index || !t->bytes) {
        gs_topk_free(t);
        return NULL;
    }
    return t;
}

void gs_topk_free(gs_topk *t)
{
    if (!t)
        return;
    gs_free(t->slots);
    gs_free(t->heap);
    gs_free(t->index);
    gs_free(t->bytes);
    gs_free(t);
}

size_t gs_topk_capacity(const gs_topk *t) { return t->k; }
uint64_t gs_topk_total(const gs_topk *t) { return t->total; }

/* Index: slot number holding hash, or -1. */
static int tk_cell_is(const gs_topk *t, tk_cell c, uint64_t hash)
{
    return c.lo == (uint32_t)hash && t->slots[c.slot1 - 1].hash == hash;
}

static long tk_find(const gs_topk *t, uint64_t hash)
{
    for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        tk_cell c = t->index[i];
        if (c.slot1 == 0)
            return -1;
        if (tk_cell_is(t, c, hash))
            return (long)(c.slot1 - 1);
    }
}

int gs_topk_has(const gs_topk *t, uint64_t hash)
{
    return tk_find(t, hash) >= 0;
}

static void tk_index_put(gs_topk *t, uint32_t slot)
{
    uint64_t hash = t->slots[slot].hash;
    size_t i = hash & t->mask;
    while (t->index[i].slot1)
        i = (i + 1) & t->mask;
    t->index[i] = (tk_cell){slot + 1, (uint32_t)hash};
}

/* Remove slot's cell (each slot has exactly one, so its number finds it
 * without reading the slot). Backward-shift deletion keeps every probe
 * chain unbroken (the mask is below 2^32, so a cell's lo gives its home). */
static void tk_index_del(gs_topk *t, uint32_t slot)
{
    size_t i = t->slots[slot].hash & t->mask;
    while (t->index[i].slot1 != slot + 1)
        i = (i + 1) & t->mask;
    for (size_t j = i;;) {
        j = (j + 1) & t->mask;
        if (!t->index[j].slot1)
            break;
        size_t home = t->index[j].lo & t->mask;
        /* Move j's entry to i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            t->index[i] = t->index[j];
            i = j;
        }
    }
    t->index[i] = (tk_cell){0, 0};
}

/* Without branches: on a high-cardinality field every add sifts through
 * nodes whose order is a coin toss, which a predictor cannot learn. */
static int tk_less(const tk_node *a, const tk_node *b)
{
    return (a->count < b->count) |
           ((a->count == b->count) & (a->hash < b->hash));
}

static uint64_t tk_count(const gs_topk *t, size_t slot)
{
    return t->heap[t->slots[slot].heap_pos].count;
}

static void tk_heap_set(gs_topk *t, size_t pos, tk_node n)
{
    t->heap[pos] = n;
    t->slots[n.slot].heap_pos = (uint32_t)pos;
}

static void tk_sift_down(gs_topk *t, size_t pos)
{
    tk_node n = t->heap[pos];
    for (;;) {
        size_t c = 2 * pos + 1;
        if (c >= t->used)
            break;
        if (c + 1 < t->used && tk_less(&t->heap[c + 1], &t->heap[c]))
            c++;
        if (!tk_less(&t->heap[c], &n))
            break;
        tk_heap_set(t, pos, t->heap[c]);
        pos = c;
    }
    tk_heap_set(t, pos, n);
}

/* Heap order is needed only once the sketch is full (eviction and the
 * floor read the root then, and nothing else reads the order): a column
 * with fewer distinct values than k never sifts at all. */
static void tk_heapify(gs_topk *t)
{
    for (size_t i = t->used / 2; i-- > 0;)
        tk_sift_down(t, i);
}

/* Replace the root by n, a node that usually belongs near the leaves (a
 * new value counts min + 1): move the hole down along the smaller children
 * to a leaf, then n up from there (Floyd), one comparison a level instead
 * of two. */
static void tk_replace_root(gs_topk *t, tk_node n)
{
    size_t pos = 0;
    for (size_t c; (c = 2 * pos + 1) < t->used; pos = c) {
        c += c + 1 < t->used && tk_less(&t->heap[c + 1], &t->heap[c]);
        tk_heap_set(t, pos, t->heap[c]);
    }
    while (pos > 0 && tk_less(&n, &t->heap[(pos - 1) / 2])) {
        tk_heap_set(t, pos, t->heap[(pos - 1) / 2]);
        pos = (pos - 1) / 2;
    }
    tk_heap_set(t, pos, n);
}

static void tk_store_value(gs_topk *t, uint32_t slot, const char *value,
                           size_t len, int truncated)
{
    size_t keep = utf8_cut(value, len, t->maxb);
    if (keep)
        memcpy(t->bytes + (size_t)slot * t->maxb, value, keep);
    t->slots[slot].len = (uint32_t)keep;
    t->slots[slot].truncated = truncated || keep < len;
}

static void tk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                   int truncated, uint64_t count, uint64_t error)
{
    long found = tk_find(t, hash);
    if (found >= 0) {
        tk_slot *s = &t->slots[found];
        tk_node *n = &t->heap[s->heap_pos];
        n->count = sat_add(n->count, count);
        s->error = sat_add(s->error, error);
        if (t->used == t->k)
            tk_sift_down(t, s->heap_pos);
        return;
    }
    uint32_t slot;
    uint64_t base = 0;
    int full = t->used == t->k;
    if (!full) {
        slot = (uint32_t)t->used++;
        t->slots[slot].heap_pos = (uint32_t)(t->used - 1);
    } else {
        slot = t->heap[0].slot;
        base = t->heap[0].count;
        tk_index_del(t, slot);
    }
    tk_slot *s = &t->slots[slot];
    tk_node n = {sat_add(base, count), hash, slot};
    s->hash = hash;
    s->error = sat_add(base, error);
    tk_store_value(t, slot, value, len, truncated);
    tk_index_put(t, slot);
    if (full) {
        tk_replace_root(t, n);
        return;
    }
    t->heap[s->heap_pos] = n;
    if (t->used == t->k)
        tk_heapify(t);
}

void gs_topk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                 uint64_t count)
{
    if (count == 0)
        return;
    t->total = sat_add(t->total, count);
    tk_add(t, value, len, hash, 0, count, 0);
}

gs_status gs_topk_restore(gs_topk *t, const char *value, size_t len,
                          uint64_t hash, int truncated, uint64_t count,
                          uint64_t error)
{
    if (count == 0 || error > count)
        return GS_EINVAL;
    t->total = sat_add(t->total, count);
    tk_add(t, value, len, hash, truncated != 0, count, error);
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

/* Bounded selection of the best cap items: offer each, then finish. */
typedef struct tk_select {
    gs_topk_item *a;
    size_t n;
    size_t cap;
} tk_select;

static void select_offer(tk_select *sel, const gs_topk_item *it)
{
    if (sel->n < sel->cap) {
        sel->a[sel->n] = *it;
        worst_sift_up(sel->a, sel->n++);
    } else if (sel->cap && item_before(it, &sel->a[0])) {
        sel->a[0] = *it;
        worst_sift_down(sel->a, sel->n, 0);
    }
}

/* Heap sort: moving the worst to the end leaves the array best first. */
static size_t select_finish(tk_select *sel)
{
    for (size_t n = sel->n; n > 1; n--) {
        gs_topk_item x = sel->a[0];
        sel->a[0] = sel->a[n - 1];
        sel->a[n - 1] = x;
        worst_sift_down(sel->a, n - 1, 0);
    }
    return sel->n;
}

static gs_topk_item tk_item(const gs_topk *t, size_t slot)
{
    const tk_slot *s = &t->slots[slot];
    return (gs_topk_item){
        .value = t->bytes + slot * t->maxb, .len = s->len,
        .truncated = s->truncated, .count = tk_count(t, slot),
        .error = s->error, .hash = s->hash,
    };
}

size_t gs_topk_items(const gs_topk *t, gs_topk_item *items, size_t cap)
{
    tk_select sel = {items, 0, cap};
    for (size_t i = 0; i < t->used; i++) {
        gs_topk_item it = tk_item(t, i);
        select_offer(&sel, &it);
    }
    return select_finish(&sel);
}

/* The count every unseen value may have had: the minimum when full. */
static uint64_t tk_floor(const gs_topk *t)
{
    return t->used == t->k ? t->heap[0].count : 0;
}

/* Offer every value of into and from with its merged count and error. */
static void tk_merge_offer(const gs_topk *into, const gs_topk *from,
                           tk_select *sel)
{
    uint64_t floor_a = tk_floor(into), floor_b = tk_floor(from);
    for (size_t i = 0; i < into->used; i++) {
        gs_topk_item it = tk_item(into, i);
        long j = tk_find(from, it.hash);
        const tk_slot *b = j >= 0 ? &from->slots[j] : NULL;
        it.count = sat_add(it.count, b ? tk_count(from, (size_t)j) : floor_b);
        it.error = sat_add(it.error, b ? b->error : floor_b);
        it.truncated |= b && b->truncated;
        select_offer(sel, &it);
    }
    for (size_t j = 0; j < from->used; j++) {
        gs_topk_item it = tk_item(from, j);
        if (tk_find(into, it.hash) >= 0)
            continue;
        it.count = sat_add(it.count, floor_a);
        it.error = sat_add(it.error, floor_a);
        select_offer(sel, &it);
    }
}

/* Make best[0..n) the content of t, values copied into bytes (which t
 * then owns; its old buffer is freed). */
static void tk_rebuild(gs_topk *t, const gs_topk_item *best, size_t n,
                       char *bytes)
{
    memset(t->index, 0, (t->mask + 1) * sizeof *t->index);
    for (size_t i = 0; i < n; i++) {
        size_t keep = utf8_cut(best[i].value, best[i].len, t->maxb);
        if (keep)
            memcpy(bytes + i * t->maxb, best[i].value, keep);
        tk_slot *s = &t->slots[i];
        s->hash = best[i].hash;
        s->error = best[i].error;
        s->len = (uint32_t)keep;
        s->truncated = best[i].truncated || keep < best[i].len;
        tk_index_put(t, (uint32_t)i);
        tk_heap_set(t, i, (tk_node){best[i].count, best[i].hash, (uint32_t)i});
    }
    t->used = n;
    tk_heapify(t);
    gs_free(t->bytes);
    t->bytes = bytes;
}

/* Merge when neither side is full and the union fits in into: then both
 * floors are 0 and the best k of the union is all of it, so adding from's
 * items one by one gives the same items, counts and errors as the general
 * merge (only the slot numbering differs, which nothing observes), without
 * its allocations. This is the merge of every small file's profile. */
static int tk_merge_small(gs_topk *into, const gs_topk *from)
{
    if (into == from || from->used == from->k || into->used == into->k ||
        into->used + from->used > into->k)
        return 0;
    for (size_t j = 0; j < from->used; j++) {
        gs_topk_item it = tk_item(from, j);
        long i = tk_find(into, it.hash);
        if (i >= 0)
            into->slots[i].truncated |= it.truncated;
        tk_add(into, it.value, it.len, it.hash, it.truncated, it.count,
               it.error);
    }
    into->total = sat_add(into->total, from->total);
    return 1;
}

/* Merge a few values (a small file's) into a full sketch without the
 * general merge's allocations: from is not full, so its floor is 0; each
 * of its values already in into adds its count there; each other value
 * comes in with into's floor added, and takes the place of the worst value
 * in output order if it comes before it. Choosing the best k of the union
 * one offer at a time is what the general merge does, so the items are the
 * same. */
#define TK_FEW 8
static int tk_merge_few(gs_topk *into, const gs_topk *from)
{
    if (into == from || from->used == from->k || into->used < into->k ||
        from->used > TK_FEW || from->used * 4 > into->k)
        return 0;
    uint64_t floor_a = tk_floor(into);
    int known[TK_FEW];
    for (size_t j = 0; j < from->used; j++) {
        gs_topk_item it = tk_item(from, j);
        long i = tk_find(into, it.hash);
        known[j] = i >= 0;
        if (i >= 0) {
            tk_node *n = &into->heap[into->slots[i].heap_pos];
            n->count = sat_add(n->count, it.count);
            into->slots[i].error = sat_add(into->slots[i].error, it.error);
            into->slots[i].truncated |= it.truncated;
        }
    }
    for (size_t j = 0; j < from->used; j++) {
        if (known[j])
            continue;
        gs_topk_item it = tk_item(from, j);
        it.count = sat_add(it.count, floor_a);
        it.error = sat_add(it.error, floor_a);
        size_t w = 0;
        gs_topk_item worst = tk_item(into, 0);
        for (size_t i = 1; i < into->used; i++) {
            gs_topk_item x = tk_item(into, i);
            if (item_before(&worst, &x)) {
                worst = x;
                w = i;
            }
        }
        if (!item_before(&it, &worst))
            continue;
        tk_slot *s = &into->slots[w];
        tk_index_del(into, (uint32_t)w);
        s->hash = it.hash;
        s->error = it.error;
        into->heap[s->heap_pos] = (tk_node){it.count, it.hash, (uint32_t)w};
        tk_store_value(into, (uint32_t)w, it.value, it.len, it.truncated);
        tk_index_put(into, (uint32_t)w);
    }
    tk_heapify(into);
    into->total = sat_add(into->total, from->total);
    return 1;
}

gs_status gs_topk_merge(gs_topk *into, const gs_topk *from)
{
    if (tk_merge_small(into, from) || tk_merge_few(into, from))
        return GS_OK;
    /* The merged values may live in into's own buffer (or from may be
     * into): build the result in a new buffer, then swap it in. */
    gs_topk_item *best = gs_malloc(into->k * sizeof *best);
    char *bytes = gs_malloc(into->k * into->maxb);
    if (!best || !bytes) {
        gs_free(best);
        gs_free(bytes);
        return GS_ENOMEM;
    }
    tk_select sel = {best, 0, into->k};
    tk_merge_offer(into, from, &sel);
    size_t n = select_finish(&sel);
    tk_rebuild(into, best, n, bytes);
    into->total = sat_add(into->total, from->total);
    gs_free(best);
    return GS_OK;
}

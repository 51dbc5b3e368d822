/* sketch.h - mergeable, bounded summaries of a stream of values.
 *
 *   gs_hll   HyperLogLog distinct count over 64-bit xxHash values; sparse
 *            (a short sorted list) while small, dense 2^lg_k byte registers
 *            after; relative standard error ~1.04/sqrt(2^lg_k).
 *   gs_topk  the most frequent values, SpaceSaving with k counters: every
 *            value with true frequency > n/k is kept; each kept count
 *            overestimates by at most its recorded error.
 *
 * Invariants:
 *   1. Sizes are fixed at creation from configuration, never by the data.
 *      Adding values allocates nothing (gs_topk keeps k fixed-size slots).
 *   2. merge(a, b) summarises the union of the two streams within the same
 *      error bounds; merging is deterministic (same inputs, same bytes).
 *   3. encode/decode round-trip exactly (the profile file uses them).
 */
#ifndef GAPSCAN_SKETCH_H
#define GAPSCAN_SKETCH_H

#include "gapscan/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The hash every sketch uses: XXH3 64-bit, seed 0. */
uint64_t gs_hash(const void *bytes, size_t len);

typedef struct gs_hll gs_hll;

gs_hll *gs_hll_new(unsigned lg_k);  /* 4 <= lg_k <= 18; NULL on ENOMEM */
void gs_hll_free(gs_hll *h);
/* Returns GS_ENOMEM only when the sparse list cannot grow or turn dense
 * (the sparse list starts small and grows up to 2^lg_k bytes). */
gs_status gs_hll_add(gs_hll *h, uint64_t hash);
/* GS_EINVAL when lg_k differs. */
gs_status gs_hll_merge(gs_hll *into, const gs_hll *from);
double gs_hll_estimate(const gs_hll *h);
unsigned gs_hll_lg_k(const gs_hll *h);
/* Text form for the profile file (ASCII, no quotes or backslashes needed in
 * JSON). *out is allocated with gs_malloc; the caller gs_free()s it. */
gs_status gs_hll_encode(const gs_hll *h, char **out);
/* GS_EFORMAT on anything encode() cannot have produced. */
gs_status gs_hll_decode(const char *text, size_t len, gs_hll **out);

typedef struct gs_topk gs_topk;

typedef struct gs_topk_item {
    const char *value;   /* borrowed from the sketch; not NUL-terminated */
    size_t len;          /* kept bytes (values are cut to max_value_bytes,
                            at a UTF-8 character boundary) */
    int truncated;       /* the original value was longer */
    uint64_t count;      /* estimated count (upper bound) */
    uint64_t error;      /* count - error is a lower bound */
    uint64_t hash;       /* gs_hash of the full value: its identity (save it
                            to restore a truncated value exactly) */
} gs_topk_item;

/* k counters (k >= 1), each keeping at most max_value_bytes of its value.
 * NULL on ENOMEM or k == 0. */
gs_topk *gs_topk_new(size_t k, size_t max_value_bytes);
void gs_topk_free(gs_topk *t);
/* hash must be gs_hash(value, len) of the full value. */
void gs_topk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                 uint64_t count);
gs_status gs_topk_merge(gs_topk *into, const gs_topk *from);
/* Items sorted by count descending, then value bytes ascending; returns how
 * many were written to items (at most cap). */
size_t gs_topk_items(const gs_topk *t, gs_topk_item *items, size_t cap);
size_t gs_topk_capacity(const gs_topk *t);
uint64_t gs_topk_total(const gs_topk *t);  /* sum of all counts added */
/* Whether the value of this hash is one of the items (one index probe). */
int gs_topk_has(const gs_topk *t, uint64_t hash);
/* Restore a sketch from its items (profile loading): same as adding each
 * item with its count and error. hash is the item's saved identity
 * (gs_topk_item.hash); for a value that was not truncated it equals
 * gs_hash(value, len). GS_EINVAL when count == 0 or error > count. */
gs_status gs_topk_restore(gs_topk *t, const char *value, size_t len,
                          uint64_t hash, int truncated, uint64_t count,
                          uint64_t error);

#ifdef __cplusplus
}
#endif
#endif

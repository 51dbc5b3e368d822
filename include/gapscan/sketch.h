/* sketch.h - mergeable, bounded summaries of a stream of values.
 *
 *   gs_hll   HyperLogLog distinct count over 64-bit xxHash values; sparse
 *            (a short sorted list) while small, dense 2^lg_k byte registers
 *            after; relative standard error ~1.04/sqrt(2^lg_k).
 *   gs_topk  the most frequent values: Misra-Gries with 2k counters and
 *            DataSketches' "reverse purge" (subtract the median counter
 *            when full). Every value with true frequency > n/(k+1) keeps a
 *            counter; each reported count overestimates by at most its
 *            error, the same for every item (0 while exact: at most 2k
 *            distinct values seen).
 *
 * Invariants:
 *   1. Sizes are fixed at creation from configuration, never by the data.
 *      Adding values allocates nothing (gs_topk keeps 2k fixed-size slots).
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

/* k >= 1 items reported, 2k counters, each keeping at most max_value_bytes
 * of its value. NULL on ENOMEM or k == 0. */
gs_topk *gs_topk_new(size_t k, size_t max_value_bytes);
void gs_topk_free(gs_topk *t);
/* hash must be gs_hash(value, len) of the full value. count 0 does
 * nothing; counts saturate at UINT64_MAX. Returns 1 when the value had a
 * counter already (gs_topk_has before the add), else 0. */
int gs_topk_add(gs_topk *t, const char *value, size_t len, uint64_t hash,
                uint64_t count);
/* Adds from's counters to into (from may be into); GS_ENOMEM when the
 * scratch for its order cannot be had (into is then unchanged). */
gs_status gs_topk_merge(gs_topk *into, const gs_topk *from);
/* The best min(cap, k) items, sorted by count descending, then value bytes
 * ascending; returns how many were written. count is an upper bound and
 * count - error a lower bound of the true count. */
size_t gs_topk_items(const gs_topk *t, gs_topk_item *items, size_t cap);
/* Every counter (at most gs_topk_max_counters), as items in the same order:
 * the sketch's whole state for saving, with its offset as every error. */
size_t gs_topk_counters(const gs_topk *t, gs_topk_item *items, size_t cap);
size_t gs_topk_capacity(const gs_topk *t);      /* k */
size_t gs_topk_max_counters(const gs_topk *t);  /* 2k */
uint64_t gs_topk_total(const gs_topk *t);  /* sum of all counts added */
uint64_t gs_topk_offset(const gs_topk *t); /* the error of every item */
/* Whether the value of this hash has a counter (one index probe). */
int gs_topk_has(const gs_topk *t, uint64_t hash);
/* Restore a sketch from gs_topk_counters (profile loading), one counter at
 * a time, then its total. hash is the item's saved identity
 * (gs_topk_item.hash); for a value that was not truncated it equals
 * gs_hash(value, len). GS_EINVAL when count <= error, when error differs
 * from the errors restored before, when the hash is already there or when
 * all counters are in use. Restoring saves back the same items, except
 * that a count that saturated at UINT64_MAX comes back lower by what it
 * lost. */
gs_status gs_topk_restore(gs_topk *t, const char *value, size_t len,
                          uint64_t hash, int truncated, uint64_t count,
                          uint64_t error);
/* GS_EINVAL when total is below the sum of the restored counters. */
gs_status gs_topk_restore_total(gs_topk *t, uint64_t total);

#ifdef __cplusplus
}
#endif
#endif

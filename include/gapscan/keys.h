/* keys.h - exact duplicate detection for candidate-key fields, bounded.
 *
 * A HyperLogLog estimate cannot tell 8,309 distinct ids from 8,318: its
 * error (~1.6% at 2^12 registers) is larger than a handful of repeats. A
 * gs_keyset keeps the 64-bit hash (gs_hash) of every integer or string
 * value of a field, so "is this field unique, and how many values repeat"
 * has an exact answer while the field is small enough, and none after.
 *
 * Invariants:
 *   1. Bounded: at most GS_KEYS_MAX_VALUES distinct hashes (16 bytes each
 *      with the table's slack, ~1 MiB per field). A set that would hold more
 *      distinct values, or that has seen more than GS_KEYS_MAX_DUPLICATES
 *      repeats (the field is plainly not a key), is switched off for good:
 *      its memory is freed and it answers "not exact".
 *   2. Merging is a set union: merge(A, B) counts exactly the repeats of
 *      A u B, whatever the grouping, because both switch-off conditions only
 *      grow under union (a set that is off in a part is off in the whole).
 *   3. Examples are repeats seen while adding (the repeat's own file, line,
 *      column and value), the first max_examples in merge order. Repeats
 *      found only by a merge (the two copies in different files) are counted
 *      but carry no example: a set keeps hashes, not values or places.
 *   4. Only fields named like identifiers get a set (gs_keys_name_like):
 *      uniqueness is assumed of nothing else, and free text would fill sets
 *      for no use. Memory is then at most ~1 MiB per key-named field.
 *   5. Hash collisions: two different values with one 64-bit hash would
 *      count as one repeat; at 65,536 values the chance is below 1e-9.
 */
#ifndef GAPSCAN_KEYS_H
#define GAPSCAN_KEYS_H

#include "gapscan/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_KEYS_MAX_VALUES 65536u
#define GS_KEYS_MAX_DUPLICATES 1024u

typedef struct gs_keyset gs_keyset;

/* 1 when the path's last name, lower-cased, looks like an identifier's:
 * "id", "key", "uuid", "guid", "sku", "code", "ref", or ends in one of
 * those or "no", "number", "nr" after '_', '-' or a lower-to-upper case
 * change ("ticket_id", "customerId", "order_no", "invoice_number"). */
int gs_keys_name_like(const char *path);

/* An empty, exact set keeping up to max_examples repeats, each value cut
 * to max_value_bytes. NULL on ENOMEM. */
gs_keyset *gs_keyset_new(size_t max_examples, size_t max_value_bytes);
void gs_keyset_free(gs_keyset *k);  /* NULL is fine */

/* One value with hash = gs_hash(value, len), found in document path at loc
 * (both borrowed; used only when the value repeats). GS_ENOMEM only. */
gs_status gs_keyset_add(gs_keyset *k, uint64_t hash, const char *value,
                        size_t len, const char *path, const gs_loc *loc);
/* into := into u from. GS_ENOMEM only. */
gs_status gs_keyset_merge(gs_keyset *into, const gs_keyset *from);

/* 1 while the set is exact; the counts below mean nothing otherwise. */
int gs_keyset_exact(const gs_keyset *k);
uint64_t gs_keyset_values(const gs_keyset *k);      /* values added */
uint64_t gs_keyset_duplicates(const gs_keyset *k);  /* values - distinct */
/* The kept repeats (borrowed; n written to *n). */
const gs_example *gs_keyset_examples(const gs_keyset *k, size_t *n);

/* Text form for the profile file: "keys1:off" or
 * "keys1:VALUES:DUPLICATES:" followed by the sorted hashes, 16 hex digits
 * each. Examples are not in it (the profile writes them as examples).
 * *out is allocated with gs_malloc. */
gs_status gs_keyset_encode(const gs_keyset *k, char **out);
/* Restore from encode()'s text into an empty set. GS_EFORMAT on anything
 * encode() cannot have produced, GS_ENOMEM. */
gs_status gs_keyset_decode(gs_keyset *k, const char *text, size_t len);
/* Keep one more example (loading a profile). GS_ENOMEM only; ignored when
 * the set is off or already holds max_examples. */
gs_status gs_keyset_add_example(gs_keyset *k, const char *path,
                                const gs_loc *loc, const char *value,
                                size_t len);

/* The field's set; NULL when its name is not an identifier's. Defined in
 * profile.c. */
const gs_keyset *gs_field_keys(const gs_field *f);

#ifdef __cplusplus
}
#endif
#endif

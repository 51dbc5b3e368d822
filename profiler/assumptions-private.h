/* assumptions-private.h - the assumption set's insides, shared by
 * assumptions.c (inference, checks) and assumptions_io.c (schema files).
 * Nothing else includes this. */
#ifndef GAPSCAN_ASSUMPTIONS_PRIVATE_H
#define GAPSCAN_ASSUMPTIONS_PRIVATE_H

#include "gapscan/assumptions.h"

struct gs_assumptions {
    char *source;            /* "inferred" or the file */
    size_t max_examples;
    gs_assumption *items;    /* sorted once built (gs__assumptions_sort) */
    size_t n, cap;
};

/* An empty set. NULL on ENOMEM. */
gs_assumptions *gs__assumptions_new(const char *source, size_t max_examples);
/* A new declared assumption (method "declared", no evidence), appended;
 * NULL on ENOMEM. The pointer is valid until the next push. */
gs_assumption *gs__assumptions_push(gs_assumptions *s, gs_assume_kind kind,
                                    const char *collection, const char *path);
/* Append a copy of len bytes to a->values. GS_ELIMIT past
 * GS_ASSUME_MAX_VALUES enum values, GS_ENOMEM. */
gs_status gs__assumption_add_value(gs_assumption *a, const char *v,
                                   size_t len);
/* Weak when support < min_support or unseen > 3 / min_values. */
void gs__assumption_grade(gs_assumption *a, uint64_t min_support,
                          uint64_t min_values);
/* Sort values and assumptions into their canonical order. */
void gs__assumptions_sort(gs_assumptions *s);

#endif

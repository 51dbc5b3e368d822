/* compare-private.h - how sibling checks (assumptions.c) add findings to a
 * comparison that compare.c owns. Nothing outside profiler/ includes this. */
#ifndef GAPSCAN_COMPARE_PRIVATE_H
#define GAPSCAN_COMPARE_PRIVATE_H

#include "gapscan/compare.h"

/* A new finding (severity warn, threshold NAN) with a printf-style message;
 * NULL on ENOMEM (remembered: gs_compare fails) or past
 * GS_COMPARE_MAX_PER_CHECK findings of the same check. */
gs_finding *gs__compare_add(gs_comparison *c, const char *check,
                            const char *dimension, const char *scope,
                            const char *unit, double sb, double pr,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;
/* Copy ex into f's evidence while it holds fewer than max_examples; f and
 * ex may be NULL (nothing happens). */
void gs__compare_evidence(gs_comparison *c, gs_finding *f,
                          const gs_example *ex);
/* The layout and per-file format checks (compare_layout.c). */
void gs__compare_layouts(gs_comparison *c, const gs_profile *sandbox,
                         const gs_profile *production);
/* Remember an allocation failure (the first one wins). */
void gs__compare_fail(gs_comparison *c, gs_status st);

#endif

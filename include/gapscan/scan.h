/* scan.h - profile whole trees: walk, N workers, ordered merge.
 *
 * The walk (walk.h) numbers every entry in its deterministic order. Workers
 * scan files (document.h) into per-file partial profiles; partials are
 * merged into the result strictly in walk order, whichever worker finished
 * first. So the profile - and every report made from it - is the same at
 * any thread count. At most a fixed window of files is in flight, so memory
 * does not grow with the number of files.
 *
 * Not done here (yet): splitting one big file across workers; checkpoints.
 */
#ifndef GAPSCAN_SCAN_H
#define GAPSCAN_SCAN_H

#include "gapscan/profile.h"
#include "gapscan/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called from the merging thread after each entry is merged; nonzero
 * cancels the scan. files/bytes count merged entries so far. */
typedef int (*gs_progress_fn)(void *ud, uint64_t files, uint64_t bytes,
                              const char *path);

typedef struct gs_scan_opts {
    gs_walk_opts walk;
    unsigned threads;          /* 0: the number of online CPUs */
    gs_progress_fn progress;   /* may be NULL */
    void *progress_ud;
    int32_t as_of_days;        /* days since 1970 after which a content
                                  date is future; 0: none is */
} gs_scan_opts;

/* Profile every file under the roots into p (which may already hold data:
 * the scan merges into it). Returns GS_ENOENT/GS_EIO with err when a root
 * cannot be read at all; problems below a root are defects in p. */
gs_status gs_scan(const char *const *roots, size_t n_roots,
                  const gs_scan_opts *opts, gs_profile *p, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif

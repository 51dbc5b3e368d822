/* scan.h - profile whole trees: walk, N workers, ordered merge.
 *
 * The walk (walk.h) numbers every entry in its deterministic order. Workers
 * scan files (document.h) into per-file partial profiles; partials are
 * merged into the result strictly in walk order, whichever worker finished
 * first. So the profile - and every report made from it - is the same at
 * any thread count. At most a fixed window of work items is in flight, so
 * memory does not grow with the number of files.
 *
 * Three things make long and large runs practical:
 *   - shards: shard I of N takes the entries whose gs_hash(relpath) % N == I
 *     (relpath: the path below its root as walk.h gives it; for a root that
 *     is itself a file, the path as given). The shards of one tree are
 *     disjoint and cover it, whatever machine runs them;
 *   - resumption: the scan can start after the first k taken entries of a
 *     previous run (whose merged result the caller loaded into the profile);
 *     merges happen in walk order, so the result is the same bytes as an
 *     uninterrupted run. The progress hook is where a caller saves that
 *     state (a checkpoint, checkpoint.h);
 *   - splitting one big file: a plain (not compressed) JSON Lines, CSV or
 *     TSV file in UTF-8 of more than 2 x its range size (gs_scan_range_size)
 *     is cut into ranges at record starts, scanned by several workers and
 *     merged in range order (document.h, gs_document_scan_range). The cut
 *     depends on the file's size only, not on the thread count, so neither
 *     does the result. A CSV/TSV file of up to GS_SCAN_WHOLE_CSV_MAX is
 *     not cut by default: its document shares the field work with a
 *     helper thread instead (below).
 */
#ifndef GAPSCAN_SCAN_H
#define GAPSCAN_SCAN_H

#include "gapscan/profile.h"
#include "gapscan/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Without a split size of the caller's, a file is cut into
 * GS_SCAN_SPLIT_RANGES ranges (even work for 1, 2, 4 or 8 workers), of at
 * least GS_SCAN_SPLIT_MIN bytes (a range costs a partial profile and its
 * merge, ~10 ms) and at most GS_SCAN_SPLIT_MAX (more, smaller ranges for a
 * file of over 512 MiB). Never derived from the thread count, so results
 * are the same at any -j. */
#define GS_SCAN_SPLIT_RANGES 8u
#define GS_SCAN_SPLIT_MIN ((uint64_t)4 << 20)
#define GS_SCAN_SPLIT_MAX ((uint64_t)64 << 20)

/* Without a split size of the caller's, a CSV or TSV file of at most
 * GS_SCAN_WHOLE_CSV_MAX bytes is scanned whole, its field work shared with
 * one helper thread (document.h, gs_document_set_threads), not cut: on 2
 * CPUs that took 8% less CPU and 10% less wall time than 8 ranges (their
 * fixed cost: counting passes, cold sketches, merges; docs/distributed.md).
 * It uses no more than 2 CPUs, which for a file this small costs a bigger
 * machine a fraction of a second. Bigger files are cut as above. Again
 * never derived from the thread count. */
#define GS_SCAN_WHOLE_CSV_MAX ((uint64_t)64 << 20)

/* Where a scan is, given to the progress hook after each walk entry is
 * merged (for a split file: after its last range). */
typedef struct gs_scan_progress {
    uint64_t entries;        /* taken walk entries merged so far, counting
                                the ones skipped by resuming: the value to
                                resume from */
    uint64_t files, bytes;   /* files merged so far and their sizes on disk
                                (this run only) */
    uint64_t files_total;    /* files and bytes the walk found so far; */
    uint64_t bytes_total;    /* final once totals_final is set */
    int totals_final;        /* the counting walk has finished */
    const char *path;        /* the entry just merged; borrowed */
    const gs_profile *profile;  /* the result so far: may be read (saved)
                                   during the call, not kept */
} gs_scan_progress;

/* Called from the merging thread; nonzero cancels the scan (GS_ECANCELED).
 * Calls never overlap. */
typedef int (*gs_progress_fn)(void *ud, const gs_scan_progress *pr);

typedef struct gs_scan_opts {
    gs_walk_opts walk;
    unsigned threads;          /* 0: the number of online CPUs */
    const gs_limits *limits;   /* for reading files; NULL: the profile's
                                  (a loaded profile keeps only its sketch
                                  sizes, so pass the real ones) */
    uint64_t split_bytes;      /* range size for splitting one file, at
                                  least 128 KiB; 0: gs_scan_range_size */
    unsigned shard_index;      /* take shard shard_index of shard_count; */
    unsigned shard_count;      /* 0 or 1: every entry */
    uint64_t resume_entries;   /* skip this many taken entries (they are
                                  merged in the profile already) */
    const char *resume_last;   /* path of the last of them, or NULL: when
                                  set, entry resume_entries - 1 must have
                                  this path, else GS_EINVAL (tree changed) */
    int count_totals;          /* walk the tree beside the scan to give the
                                  hook totals (costs a second walk) */
    gs_progress_fn progress;   /* may be NULL */
    void *progress_ud;
    int32_t as_of_days;        /* days since 1970 after which a content
                                  date is future; 0: none is */
} gs_scan_opts;

/* The range size a file of size bytes is split at: split_bytes if not 0,
 * else size / GS_SCAN_SPLIT_RANGES within [GS_SCAN_SPLIT_MIN,
 * GS_SCAN_SPLIT_MAX]. A file is split when it is over twice that. */
uint64_t gs_scan_range_size(uint64_t split_bytes, uint64_t size);

/* Profile every file under the roots into p (which may already hold data:
 * the scan merges into it). Returns GS_ENOENT/GS_EIO with err when a root
 * cannot be read at all; problems below a root are defects in p. */
gs_status gs_scan(const char *const *roots, size_t n_roots,
                  const gs_scan_opts *opts, gs_profile *p, gs_error *err);

/* Whether relpath belongs to shard index of count (count 0 or 1: always).
 * The rule above, exposed so tools and tests agree with the scan. */
int gs_scan_in_shard(const char *relpath, unsigned index, unsigned count);

#ifdef __cplusplus
}
#endif
#endif

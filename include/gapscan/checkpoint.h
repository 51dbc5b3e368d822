/* checkpoint.h - save a long scan's partial state, and resume from it.
 *
 * A checkpoint file holds what a run needs to go on where it stopped: the
 * profiles made so far (for an audit, the finished sandbox and the partial
 * production profile), how many walk entries of the side being scanned are
 * in them (scan.h: resume_entries) with the path of the last one, and a
 * key: the options that must match for the result to be the same (roots,
 * globs, limits, shard, ...), as "name=value" lines made by the caller.
 *
 * Invariants:
 *   1. Saving is atomic: a temporary file in the same directory, written,
 *      flushed to disk, then renamed over the old checkpoint. A run killed
 *      at any moment leaves the previous checkpoint or the new one whole.
 *   2. Profiles round-trip through their own file format (profile.h), so a
 *      resumed scan merges into the same state it had when saved.
 *
 * The file is text with length-prefixed parts (paths need not be UTF-8):
 *     gapscan-checkpoint 1
 *     side S
 *     entries N
 *     last LEN\n<LEN bytes>\n        (LEN -1: none)
 *     key LEN\n<LEN bytes>\n
 *     profile LEN\n<LEN bytes>\n     (S + 1 times, gs_profile_save's JSON)
 */
#ifndef GAPSCAN_CHECKPOINT_H
#define GAPSCAN_CHECKPOINT_H

#include "gapscan/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GS_CHECKPOINT_MAX_SIDES 2

typedef struct gs_checkpoint {
    char *key;               /* "name=value" lines; owned */
    char *last;              /* last entry done, or NULL; owned */
    uint64_t entries;        /* entries done on side `side` */
    unsigned side;           /* profiles[0..side-1] are complete */
    gs_profile *profiles[GS_CHECKPOINT_MAX_SIDES];  /* 0..side; owned */
} gs_checkpoint;

/* Write c to path atomically (invariant 1). Profiles 0..c->side must be
 * set. err says "path: what failed". */
gs_status gs_checkpoint_save(const char *path, const gs_checkpoint *c,
                             gs_error *err);

/* Read a checkpoint into *c (zeroed first; release with
 * gs_checkpoint_clear). GS_ENOENT when path does not exist (nothing to
 * resume); GS_EFORMAT / GS_EVERSION with err for anything else wrong. */
gs_status gs_checkpoint_load(const char *path, gs_checkpoint *c,
                             gs_error *err);

/* The first line where two keys differ, as "NAME: A (checkpoint) vs B",
 * into out (cap bytes); empty when they are equal. */
void gs_checkpoint_key_diff(const char *saved, const char *wanted, char *out,
                            size_t cap);

void gs_checkpoint_clear(gs_checkpoint *c);

#ifdef __cplusplus
}
#endif
#endif

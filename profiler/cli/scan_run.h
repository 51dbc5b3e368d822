/* scan_run.h - one CLI scan with progress lines and checkpoints.
 *
 * The part of the command line that runs gs_scan for 'profile' and
 * 'audit': it prints progress to stderr, saves a checkpoint every so many
 * entries (or seconds), and resumes from one. Uses only the public API. */
#ifndef GAPSCAN_CLI_SCAN_RUN_H
#define GAPSCAN_CLI_SCAN_RUN_H

#include <time.h>

#include "gapscan/checkpoint.h"
#include "gapscan/scan.h"

typedef struct scan_run {
    const char *label;          /* "profile", "sandbox", "production" */
    int show;                   /* print progress lines */
    int tty;                    /* rewrite one line instead of adding lines */
    const char *checkpoint;     /* path, or NULL for none */
    uint64_t every;             /* entries between checkpoints */
    double every_seconds;       /* ... or seconds, whichever comes first */
    gs_checkpoint *cp;          /* key, side and finished sides to save with
                                   each checkpoint; borrowed */
    /* private */
    struct timespec start, shown, saved;
    uint64_t entries_saved;
    uint64_t bytes_run;         /* bytes merged by this run */
    gs_error save_err;
    gs_status save_st;
} scan_run;

/* gs_scan(roots, n, o, p) with r's progress and checkpoints; o's progress
 * hook is taken over. A checkpoint that cannot be written stops the scan
 * with its error in err. */
gs_status scan_run_go(scan_run *r, const char *const *roots, size_t n,
                      gs_scan_opts *o, gs_profile *p, gs_error *err);

#endif

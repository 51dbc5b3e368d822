/* walk.h - list the files under a root, deterministically and safely.
 *
 * The walk visits a directory tree depth-first with each directory's entries
 * sorted by byte-wise name (strcmp), so the same tree always yields the same
 * sequence. It never opens a regular file and never follows a symlink unless
 * asked; special files (FIFOs, sockets, devices) are reported as skipped and
 * never opened. Unreadable directories and entries are reported with their
 * errno and the walk goes on. Memory is bounded by depth x directory width,
 * not by the size of the tree; depth uses an explicit stack and openat(), so
 * paths longer than PATH_MAX and very deep trees do not break it.
 */
#ifndef GAPSCAN_WALK_H
#define GAPSCAN_WALK_H

#include "gapscan/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gs_entry_kind {
    GS_ENTRY_FILE = 0,     /* a regular file: to be scanned */
    GS_ENTRY_SPECIAL,      /* FIFO, socket, char/block device: skipped */
    GS_ENTRY_SYMLINK,      /* a symlink not followed (or dangling/looping) */
    GS_ENTRY_ERROR         /* could not be examined or listed: sys_errno */
} gs_entry_kind;

typedef struct gs_walk_entry {
    const char *path;     /* root joined with relpath; borrowed */
    const char *relpath;  /* relative to the root ("" when root is a file) */
    gs_entry_kind kind;
    uint64_t size;        /* bytes, regular files only */
    int64_t mtime;        /* seconds since the epoch, UTC */
    int sys_errno;        /* GS_ENTRY_ERROR (and dangling/looping symlinks) */
    const char *what;     /* short English reason for non-files: "fifo",
                             "socket", "device", "symlink not followed",
                             "symlink loop", "permission denied", ... */
} gs_walk_entry;

typedef struct gs_walk_opts {
    /* fnmatch(3) globs. A glob containing '/' is matched against relpath,
     * otherwise against the base name. A file is taken when it matches some
     * include (or there are none) and no exclude. Excludes also prune
     * directories. */
    const char *const *include;
    size_t n_include;
    const char *const *exclude;
    size_t n_exclude;
    int follow_symlinks;  /* follow links, with loop detection (dev, ino) */
} gs_walk_opts;

/* Called once per entry, in walk order; nonzero stops the walk with
 * GS_ECANCELED. */
typedef int (*gs_walk_fn)(void *ud, const gs_walk_entry *e);

/* Walk root (a directory or a single file). Returns GS_ENOENT / GS_EIO (with
 * err filled: "root: No such file or directory") when the root itself cannot
 * be examined or listed; problems below the root are entries, not errors. */
gs_status gs_walk(const char *root, const gs_walk_opts *opts, gs_walk_fn fn,
                  void *ud, gs_error *err);

#ifdef __cplusplus
}
#endif
#endif

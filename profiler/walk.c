/* walk.c - list the files under a root, deterministically and safely.
 *
 * The walk is depth-first and pre-order over an explicit stack of frames, one
 * per directory level. Each frame holds its directory's names, read in full
 * and sorted with strcmp before any child is visited.
 *
 * Invariants:
 *   1. Order: a directory's entries are visited in strcmp order of their
 *      names, and a subdirectory's entries come at the subdirectory's turn.
 *      Nothing depends on readdir order, so the same tree gives the same
 *      sequence.
 *   2. Below the root no path string reaches the kernel: entries are examined
 *      with fstatat() and directories opened with openat(), both relative to
 *      the parent's fd. Paths longer than PATH_MAX therefore work; the path
 *      and relpath strings exist only for the callback.
 *   3. Only directories are ever opened (O_DIRECTORY, plus O_NOFOLLOW unless
 *      reached through a followed symlink, plus O_NOATIME where permitted).
 *      Regular files, FIFOs, sockets and devices are only fstatat()ed.
 *   4. At most about WALK_MAX_FDS directory fds are open at once, whatever
 *      the depth: the shallowest evictable fd is closed when the budget is
 *      reached and reopened on the way back up (openat(child, "..") or
 *      by name from an open ancestor), always checked against the (dev, ino)
 *      recorded when the directory was first opened.
 *   5. Memory is one frame per level, each holding one directory's names:
 *      depth x width. Nesting deeper than WALK_MAX_DEPTH is an entry, not a
 *      crash.
 *   6. The path buffer always starts with the relpath of every frame on the
 *      stack: frame i's relpath is path[rel_off .. rel_off + rel_len(i)).
 *   7. Problems below the root are entries (GS_ENTRY_ERROR / SYMLINK /
 *      SPECIAL) and the walk goes on; only the root's own failure, ENOMEM or
 *      a callback stop ends the walk with a status.
 *
 * Deliberately not done here: the root itself is followed when it is a
 * symlink (the user named it); a root that is a file is reported whatever the
 * include/exclude globs say; hard-linked files are reported once per link;
 * regular files are not checked for readability (source.c opens them and
 * reports EACCES). Globs use fnmatch() with no flags, so '*' also matches
 * '/': "logs/" followed by a star covers every depth below logs.
 */
#include "gapscan/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    WALK_MAX_FDS = 32,      /* directory fds kept open, the root included */
    WALK_MAX_DEPTH = 8192   /* levels below the root */
};

/* A name in a frame's arena: an offset while the arena may still move, a
 * pointer once the directory has been read in full. */
typedef union name_ref {
    size_t off;
    const char *p;
} name_ref;

typedef struct frame {
    int fd;               /* -1 while evicted */
    dev_t dev;
    ino_t ino;
    bool via_link;        /* reached through a followed symlink */
    const char *name;     /* in the parent frame's arena; NULL for the root */
    size_t rel_len;       /* length of this directory's relpath */
    char *arena;          /* the names, NUL-terminated, back to back */
    name_ref *names;      /* sorted */
    size_t n;
    size_t next;          /* index of the next name to visit */
} frame;

typedef struct walker {
    const gs_walk_opts *opts;
    gs_walk_fn fn;
    void *ud;
    gs_error *err;
    const char *root;
    frame *frames;
    size_t depth;         /* frames in use */
    size_t cap;
    size_t open_fds;
    char *path;           /* prefix "/" relpath, NUL-terminated */
    size_t path_len;
    size_t path_cap;
    size_t rel_off;       /* relpath starts at path + rel_off */
    char errbuf[128];
} walker;

static const char *errno_text(int eno, char *buf, size_t len)
{
    /* GNU strerror_r (_GNU_SOURCE is project-wide): thread-safe, may return
     * a static string instead of filling buf. */
    return strerror_r(eno, buf, len);
}


static gs_status fail_nomem(walker *w)
{
    return gs_error_set(w->err, GS_ENOMEM, "%s: out of memory while walking",
                        w->root);
}

/* ---- the path buffer -------------------------------------------------- */

static gs_status path_reserve(walker *w, size_t need)
{
    if (need <= w->path_cap)
        return GS_OK;
    size_t cap = w->path_cap ? w->path_cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = gs_realloc(w->path, cap);
    if (!p)
        return fail_nomem(w);
    w->path = p;
    w->path_cap = cap;
    return GS_OK;
}

/* Make the relpath "<first rel_len bytes of it>/<name>". */
static gs_status path_set_child(walker *w, size_t rel_len, const char *name)
{
    size_t nlen = strlen(name);
    size_t base = w->rel_off + rel_len;
    gs_status st = path_reserve(w, base + 1 + nlen + 1);
    if (st)
        return st;
    if (rel_len > 0)
        w->path[base++] = '/';
    memcpy(w->path + base, name, nlen + 1);
    w->path_len = base + nlen;
    return GS_OK;
}

static void path_truncate(walker *w, size_t rel_len)
{
    w->path_len = w->rel_off + rel_len;
    w->path[w->path_len] = '\0';
}

/* ---- reporting -------------------------------------------------------- */

static gs_status emit(walker *w, gs_entry_kind kind, const struct stat *sb,
                      int eno, const char *what)
{
    gs_walk_entry e = {
        .path = w->path,
        .relpath = w->path + w->rel_off,
        .kind = kind,
        .sys_errno = eno,
        .what = what,
    };
    if (sb) {
        e.mtime = (int64_t)sb->st_mtim.tv_sec;
        if (kind == GS_ENTRY_FILE)
            e.size = (uint64_t)sb->st_size;
    }
    if (w->fn(w->ud, &e) != 0)
        return gs_error_set(w->err, GS_ECANCELED, "%s: walk stopped by callback",
                            w->root);
    return GS_OK;
}

static gs_status emit_errno(walker *w, gs_entry_kind kind, int eno)
{
    return emit(w, kind, NULL, eno, errno_text(eno, w->errbuf, sizeof w->errbuf));
}

static const char *special_what(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "fifo";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "device";
    return "special file";
}

/* ---- globs ------------------------------------------------------------ */

static bool glob_any(const char *const *globs, size_t n, const char *rel,
                     const char *base)
{
    for (size_t i = 0; i < n; i++) {
        const char *subject = strchr(globs[i], '/') ? rel : base;
        if (fnmatch(globs[i], subject, 0) == 0)
            return true;
    }
    return false;
}

static bool excluded(const walker *w, const char *name)
{
    return glob_any(w->opts->exclude, w->opts->n_exclude,
                    w->path + w->rel_off, name);
}

static bool included(const walker *w, const char *name)
{
    return w->opts->n_include == 0 ||
           glob_any(w->opts->include, w->opts->n_include,
                    w->path + w->rel_off, name);
}

/* ---- frames and fds --------------------------------------------------- */

static int dir_flags(bool via_link)
{
    return O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK |
           (via_link ? 0 : O_NOFOLLOW);
}

/* openat() that leaves the directory's atime alone (listing it would set
 * it) where the kernel allows O_NOATIME: the owner's or root's. */
static int open_dir(int at, const char *name, int flags)
{
    int fd = openat(at, name, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(at, name, flags);
    return fd;
}

static void close_frame_fd(walker *w, frame *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
        w->open_fds--;
    }
}

/* Close the shallowest open fd below the root and above `keep_from` until
 * there is room for one more. Frames at index >= keep_from stay open. */
static void fd_budget(walker *w, size_t keep_from)
{
    size_t i = 1;
    while (w->open_fds >= WALK_MAX_FDS) {
        while (i < keep_from && w->frames[i].fd < 0)
            i++;
        if (i >= keep_from)
            return;
        close_frame_fd(w, &w->frames[i]);
    }
}

static bool same_dir(int fd, const frame *f)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 && sb.st_dev == f->dev && sb.st_ino == f->ino;
}

/* Read every name of the directory open on fd into f, sorted. A listing
 * error leaves f empty and sets *eno. */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const name_ref *)a)->p, ((const name_ref *)b)->p);
}

static gs_status read_names(walker *w, int fd, frame *f, int *eno)
{
    size_t arena_len = 0, arena_cap = 0, names_cap = 0;
    gs_status st = GS_OK;
    *eno = 0;

    /* fdopendir takes the fd; the frame keeps its own for openat/fstatat. */
    int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dfd < 0) {
        *eno = errno;
        return GS_OK;
    }
    DIR *d = fdopendir(dfd);
    if (!d) {
        *eno = errno;
        close(dfd);
        return GS_OK;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            *eno = errno;
            break;
        }
        const char *nm = de->d_name;
        if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0')))
            continue;
        size_t len = strlen(nm) + 1;
        if (arena_len + len > arena_cap) {
            size_t cap = arena_cap ? arena_cap * 2 : 4096;
            while (cap < arena_len + len)
                cap *= 2;
            char *a = gs_realloc(f->arena, cap);
            if (!a)
                goto nomem;
            f->arena = a;
            arena_cap = cap;
        }
        if (f->n == names_cap) {
            size_t cap = names_cap ? names_cap * 2 : 64;
            name_ref *r = gs_realloc(f->names, cap * sizeof *r);
            if (!r)
                goto nomem;
            f->names = r;
            names_cap = cap;
        }
        memcpy(f->arena + arena_len, nm, len);
        f->names[f->n++].off = arena_len;
        arena_len += len;
    }
    closedir(d);
    if (*eno) {
        f->n = 0;  /* a partial listing would be silently incomplete */
        return GS_OK;
    }
    for (size_t i = 0; i < f->n; i++)
        f->names[i].p = f->arena + f->names[i].off;
    if (f->n > 1)
        qsort(f->names, f->n, sizeof *f->names, cmp_names);
    return GS_OK;

nomem:
    closedir(d);
    st = fail_nomem(w);
    return st;
}

static void free_frame(frame *f)
{
    gs_free(f->arena);
    gs_free(f->names);
    f->arena = NULL;
    f->names = NULL;
    f->n = f->next = 0;
}

/* Pop the top frame. When the new top's fd was evicted, try to get it back
 * cheaply through "..", verified by (dev, ino); ensure_fd does the rest. */
static void pop_frame(walker *w)
{
    frame *child = &w->frames[--w->depth];
    if (w->depth > 0) {
        frame *parent = &w->frames[w->depth - 1];
        if (parent->fd < 0 && child->fd >= 0 && !child->via_link) {
            int fd = open_dir(child->fd, "..", dir_flags(false));
            if (fd >= 0 && same_dir(fd, parent)) {
                parent->fd = fd;
                w->open_fds++;
            } else if (fd >= 0) {
                close(fd);
            }
        }
    }
    close_frame_fd(w, child);
    free_frame(child);
}

/* Give the top frame an open fd again, by name from the nearest open
 * ancestor. Returns false (after reporting the directory as an error entry
 * and popping it) when it is gone or is no longer the same directory. */
static gs_status ensure_fd(walker *w, bool *ok)
{
    size_t top = w->depth - 1;
    *ok = true;
    if (w->frames[top].fd >= 0)
        return GS_OK;
    fd_budget(w, top);
    size_t j = top;
    while (w->frames[j].fd < 0)
        j--;                                /* the root is always open */
    int fd = w->frames[j].fd;
    int eno = 0;
    for (size_t k = j + 1; k <= top; k++) {
        int nfd = open_dir(fd, w->frames[k].name, dir_flags(w->frames[k].via_link));
        if (nfd < 0)
            eno = errno;
        if (k - 1 != j)
            close(fd);
        if (nfd < 0)
            break;
        fd = nfd;
    }
    if (!eno && !same_dir(fd, &w->frames[top])) {
        close(fd);
        eno = ESTALE;
    }
    if (!eno) {
        w->frames[top].fd = fd;
        w->open_fds++;
        return GS_OK;
    }
    *ok = false;
    path_truncate(w, w->frames[top].rel_len);
    gs_status st = emit(w, GS_ENTRY_ERROR, NULL, eno,
                        "directory changed during walk");
    pop_frame(w);
    return st;
}

/* Open the directory `name` (its path is in the buffer) below the top frame
 * and push it. Failures to open or list it become an error entry. */
static gs_status push_dir(walker *w, const char *name, const struct stat *sb,
                          bool via_link)
{
    for (size_t i = 0; i < w->depth; i++) {
        if (w->frames[i].dev == sb->st_dev && w->frames[i].ino == sb->st_ino)
            return via_link ? emit(w, GS_ENTRY_SYMLINK, sb, ELOOP, "symlink loop")
                            : emit(w, GS_ENTRY_ERROR, sb, ELOOP, "directory loop");
    }
    if (w->depth > WALK_MAX_DEPTH)
        return emit(w, GS_ENTRY_ERROR, sb, ENAMETOOLONG,
                    "directory nesting too deep");
    if (w->depth == w->cap) {
        size_t cap = w->cap * 2;
        frame *fr = gs_realloc(w->frames, cap * sizeof *fr);
        if (!fr)
            return fail_nomem(w);
        w->frames = fr;
        w->cap = cap;
    }
    fd_budget(w, w->depth - 1);
    int fd = open_dir(w->frames[w->depth - 1].fd, name, dir_flags(via_link));
    if (fd < 0)
        return emit_errno(w, GS_ENTRY_ERROR, errno);

    frame *f = &w->frames[w->depth];
    *f = (frame){ .fd = fd, .dev = sb->st_dev, .ino = sb->st_ino,
                  .via_link = via_link, .name = name,
                  .rel_len = w->path_len - w->rel_off };
    w->open_fds++;
    w->depth++;
    if (!same_dir(fd, f)) {
        pop_frame(w);
        return emit(w, GS_ENTRY_ERROR, NULL, ESTALE,
                    "directory changed during walk");
    }
    int eno;
    gs_status st = read_names(w, fd, f, &eno);
    if (st)
        return st;
    if (eno) {
        pop_frame(w);
        return emit_errno(w, GS_ENTRY_ERROR, eno);
    }
    return GS_OK;
}

/* Examine one name of the top frame. */
static gs_status visit(walker *w, const char *name)
{
    frame *f = &w->frames[w->depth - 1];
    gs_status st = path_set_child(w, f->rel_len, name);
    if (st)
        return st;
    if (excluded(w, name))
        return GS_OK;

    struct stat sb;
    if (fstatat(f->fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return GS_OK;  /* removed since it was listed */
        return emit_errno(w, GS_ENTRY_ERROR, errno);
    }
    bool via_link = false;
    if (S_ISLNK(sb.st_mode)) {
        if (!w->opts->follow_symlinks)
            return included(w, name)
                       ? emit(w, GS_ENTRY_SYMLINK, &sb, 0, "symlink not followed")
                       : GS_OK;
        struct stat lsb = sb;
        if (fstatat(f->fd, name, &sb, 0) != 0) {
            int eno = errno;
            if (!included(w, name))
                return GS_OK;
            if (eno == ELOOP)
                return emit(w, GS_ENTRY_SYMLINK, &lsb, eno, "symlink loop");
            if (eno == ENOENT)
                return emit(w, GS_ENTRY_SYMLINK, &lsb, eno, "dangling symlink");
            return emit(w, GS_ENTRY_SYMLINK, &lsb, eno,
                        errno_text(eno, w->errbuf, sizeof w->errbuf));
        }
        via_link = true;
    }
    if (S_ISDIR(sb.st_mode))
        return push_dir(w, name, &sb, via_link);
    if (!included(w, name))
        return GS_OK;
    if (S_ISREG(sb.st_mode))
        return emit(w, GS_ENTRY_FILE, &sb, 0, NULL);
    return emit(w, GS_ENTRY_SPECIAL, &sb, 0, special_what(sb.st_mode));
}

static gs_status walk_tree(walker *w)
{
    gs_status st = GS_OK;
    while (w->depth > 0) {
        frame *f = &w->frames[w->depth - 1];
        if (f->next == f->n) {
            pop_frame(w);
            continue;
        }
        bool ok;
        st = ensure_fd(w, &ok);
        if (st)
            break;
        if (!ok)
            continue;
        f = &w->frames[w->depth - 1];
        st = visit(w, f->names[f->next++].p);
        if (st)
            break;
    }
    return st;
}

/* A root that is not a directory: one entry, relpath "". */
static gs_status walk_single(walker *w, const struct stat *sb)
{
    gs_walk_entry e = {
        .path = w->root,
        .relpath = "",
        .kind = S_ISREG(sb->st_mode) ? GS_ENTRY_FILE : GS_ENTRY_SPECIAL,
        .size = S_ISREG(sb->st_mode) ? (uint64_t)sb->st_size : 0,
        .mtime = (int64_t)sb->st_mtim.tv_sec,
        .what = S_ISREG(sb->st_mode) ? NULL : special_what(sb->st_mode),
    };
    if (w->fn(w->ud, &e) != 0)
        return gs_error_set(w->err, GS_ECANCELED, "%s: walk stopped by callback",
                            w->root);
    return GS_OK;
}

static gs_status root_errno(walker *w, int eno)
{
    gs_status st = (eno == ENOENT || eno == ENOTDIR) ? GS_ENOENT : GS_EIO;
    return gs_error_errno(w->err, st, eno, w->root);
}

gs_status gs_walk(const char *root, const gs_walk_opts *opts, gs_walk_fn fn,
                  void *ud, gs_error *err)
{
    static const gs_walk_opts no_opts;
    walker w = { .opts = opts ? opts : &no_opts, .fn = fn, .ud = ud,
                 .err = err, .root = root };
    gs_status st = GS_OK;
    struct stat sb;

    if (!root || !fn)
        return gs_error_set(err, GS_EINVAL, "gs_walk: root and callback are required");
    if (stat(root, &sb) != 0)
        return root_errno(&w, errno);
    if (!S_ISDIR(sb.st_mode))
        return walk_single(&w, &sb);

    /* The path prefix is the root without trailing slashes ("/" gives ""). */
    size_t plen = strlen(root);
    while (plen > 0 && root[plen - 1] == '/')
        plen--;
    st = path_reserve(&w, plen + 2);
    if (st)
        goto out;
    memcpy(w.path, root, plen);
    w.path[plen] = '/';
    w.path[plen + 1] = '\0';
    w.rel_off = plen + 1;
    w.path_len = w.rel_off;

    w.cap = 16;
    w.frames = gs_calloc(w.cap, sizeof *w.frames);
    if (!w.frames) {
        st = fail_nomem(&w);
        goto out;
    }
    int fd = open_dir(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                                          O_NONBLOCK);
    if (fd < 0) {
        st = root_errno(&w, errno);
        goto out;
    }
    w.frames[0] = (frame){ .fd = fd, .dev = sb.st_dev, .ino = sb.st_ino };
    w.depth = 1;
    w.open_fds = 1;
    int eno;
    st = read_names(&w, fd, &w.frames[0], &eno);
    if (st)
        goto out;
    if (eno) {
        st = gs_error_errno(err, GS_EIO, eno, root);
        goto out;
    }
    st = walk_tree(&w);

out:
    while (w.depth > 0)
        pop_frame(&w);
    gs_free(w.frames);
    gs_free(w.path);
    return st;
}

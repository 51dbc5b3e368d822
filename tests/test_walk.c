/* test_walk.c - the "walk" suite: listing a tree deterministically and safely.
 *
 * Trees are built at run time in a mkdtemp() directory (FIFOs, sockets,
 * symlink loops and 500-level trees do not belong in git). Permission tests
 * run in a forked child that drops to uid/gid 65534, because the suite runs
 * as root in CI and root ignores permissions. */
#include "gapscan/walk.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------- */

typedef struct seen {
    char *path;
    char *rel;
    char *what;
    gs_entry_kind kind;
    uint64_t size;
    int eno;
} seen;

typedef struct recorder {
    seen *e;
    size_t n, cap;
    size_t stop_after;     /* 0 = never */
    size_t max_rel_len;
    int max_fds;           /* most fds open during a callback */
    int count_fds;
} recorder;

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3;  /* ".", ".." and the DIR's own fd */
}

static int record(void *ud, const gs_walk_entry *e)
{
    recorder *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->e = realloc(r->e, r->cap * sizeof *r->e);
    }
    r->e[r->n++] = (seen){
        .path = strdup(e->path),
        .rel = strdup(e->relpath),
        .what = e->what ? strdup(e->what) : NULL,
        .kind = e->kind,
        .size = e->size,
        .eno = e->sys_errno,
    };
    size_t len = strlen(e->relpath);
    if (len > r->max_rel_len)
        r->max_rel_len = len;
    if (r->count_fds) {
        int fds = count_open_fds();
        if (fds > r->max_fds)
            r->max_fds = fds;
    }
    return r->stop_after && r->n >= r->stop_after;
}

static void rec_free(recorder *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->e[i].path);
        free(r->e[i].rel);
        free(r->e[i].what);
    }
    free(r->e);
    memset(r, 0, sizeof *r);
}

static const seen *find(const recorder *r, const char *rel)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->e[i].rel, rel) == 0)
            return &r->e[i];
    return NULL;
}

/* "rel rel rel" of the entries, for comparing with an expected listing. */
static char *listing(const recorder *r)
{
    static char buf[4096];
    buf[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "", r->e[i].rel);
    }
    return buf;
}

/* main() makes one base directory per run and removes it after all tests,
 * passed or failed (a failed test exits before its own clean-up). It is
 * mode 0755 so that a child running as nobody can reach the trees. */
static char tmp_base[256];
static char tmp_root[300];

static void make_base(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_base, sizeof tmp_base, "%s/gs-walk-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp_base) || chmod(tmp_base, 0755) != 0) {
        perror(tmp_base);
        exit(EXIT_FAILURE);
    }
}

static void make_tmp(void)
{
    snprintf(tmp_root, sizeof tmp_root, "%s/t-XXXXXX", tmp_base);
    ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

/* Remove everything below dirfd/name with *at() calls, so trees deeper than
 * PATH_MAX go too. */
static void rm_at(int parent, const char *name)
{
    if (unlinkat(parent, name, 0) == 0)
        return;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return;
    fchmod(fd, 0700);
    DIR *d = fdopendir(fd);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            rm_at(dirfd(d), de->d_name);
    }
    closedir(d);
    unlinkat(parent, name, AT_REMOVEDIR);
}

static void remove_tmp(void)
{
    if (tmp_root[0]) {
        chmod(tmp_root, 0700);
        rm_at(AT_FDCWD, tmp_root);
    }
    tmp_root[0] = '\0';
}

static char *tmp_path(const char *rel)
{
    static char buf[8][1024];
    static int i;
    char *p = buf[i++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmp_root, rel);
    return p;
}

static void mk_dir(const char *rel)
{
    ck_assert_int_eq(mkdir(tmp_path(rel), 0755), 0);
}

static void mk_file(const char *rel, const char *content)
{
    FILE *f = fopen(tmp_path(rel), "w");
    ck_assert_msg(f != NULL, "cannot create %s", rel);
    fputs(content, f);
    fclose(f);
}

static void mk_link(const char *target, const char *rel)
{
    ck_assert_int_eq(symlink(target, tmp_path(rel)), 0);
}

/* The basic tree:
 *   B.txt  a/y/deep.txt  a/z.csv  a.txt  b/  b.txt  c.csv */
static void make_basic_tree(void)
{
    make_tmp();
    mk_file("b.txt", "bee\n");
    mk_file("B.txt", "BEE\n");
    mk_dir("a");
    mk_dir("a/y");
    mk_file("a/y/deep.txt", "deep\n");
    mk_file("a/z.csv", "z,1\n");
    mk_file("a.txt", "a\n");
    mk_dir("b");
    mk_file("c.csv", "c,2\n");
}

static gs_status walk(const char *root, const gs_walk_opts *o, recorder *r,
                      gs_error *err)
{
    memset(err, 0, sizeof *err);
    return gs_walk(root, o, record, r, err);
}

/* ---- order ------------------------------------------------------------ */

START_TEST(entries_come_sorted_depth_first_and_identically_every_time)
{
    make_basic_tree();
    recorder r1 = { 0 }, r2 = { 0 };
    gs_error err;
    ck_assert_int_eq(walk(tmp_root, NULL, &r1, &err), GS_OK);
    /* strcmp order per directory: "B.txt" < "a" < "a.txt" < "b" < "b.txt";
     * a directory's entries come at its turn (so a/z.csv before a.txt). */
    ck_assert_str_eq(listing(&r1),
                     "B.txt a/y/deep.txt a/z.csv a.txt b.txt c.csv");
    for (size_t i = 0; i < r1.n; i++) {
        ck_assert_int_eq(r1.e[i].kind, GS_ENTRY_FILE);
        char want[1024];
        snprintf(want, sizeof want, "%s/%s", tmp_root, r1.e[i].rel);
        ck_assert_str_eq(r1.e[i].path, want);
    }
    ck_assert_uint_eq(find(&r1, "a/y/deep.txt")->size, 5);
    ck_assert_int_eq(walk(tmp_root, NULL, &r2, &err), GS_OK);
    ck_assert_str_eq(listing(&r2), "B.txt a/y/deep.txt a/z.csv a.txt b.txt c.csv");
    rec_free(&r1);
    rec_free(&r2);
    remove_tmp();
}
END_TEST

START_TEST(root_with_trailing_slashes_gives_clean_paths)
{
    make_basic_tree();
    char root[320];
    snprintf(root, sizeof root, "%s//", tmp_root);
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk(root, NULL, &r, &err), GS_OK);
    ck_assert_uint_eq(r.n, 6);
    char want[1024];
    snprintf(want, sizeof want, "%s/a/y/deep.txt", tmp_root);
    ck_assert_str_eq(r.e[1].path, want);
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(root_that_is_a_file_yields_one_entry)
{
    make_basic_tree();
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk(tmp_path("a/z.csv"), NULL, &r, &err), GS_OK);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.e[0].rel, "");
    ck_assert_str_eq(r.e[0].path, tmp_path("a/z.csv"));
    ck_assert_int_eq(r.e[0].kind, GS_ENTRY_FILE);
    ck_assert_uint_eq(r.e[0].size, 4);
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(missing_root_is_enoent_with_its_message)
{
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk("/nonexistent/gapscan-root", NULL, &r, &err), GS_ENOENT);
    ck_assert_int_eq(err.status, GS_ENOENT);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_str_eq(err.message,
                     "/nonexistent/gapscan-root: No such file or directory");
    ck_assert_uint_eq(r.n, 0);
}
END_TEST

START_TEST(callback_returning_nonzero_stops_the_walk_with_ecanceled)
{
    make_basic_tree();
    recorder r = { .stop_after = 2 };
    gs_error err;
    ck_assert_int_eq(walk(tmp_root, NULL, &r, &err), GS_ECANCELED);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_int_eq(err.status, GS_ECANCELED);
    rec_free(&r);
    remove_tmp();
}
END_TEST

/* ---- globs ------------------------------------------------------------ */

START_TEST(include_globs_match_base_names_or_relpaths)
{
    make_basic_tree();
    recorder r = { 0 };
    gs_error err;
    const char *by_name[] = { "*.csv" };
    gs_walk_opts o = { .include = by_name, .n_include = 1 };
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "a/z.csv c.csv");
    rec_free(&r);

    const char *by_path[] = { "a/*.txt", "B.*" };
    o = (gs_walk_opts){ .include = by_path, .n_include = 2 };
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "B.txt a/y/deep.txt");
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(exclude_globs_drop_files_and_prune_directories)
{
    make_basic_tree();
    recorder r = { 0 };
    gs_error err;
    const char *dir[] = { "a" };
    gs_walk_opts o = { .exclude = dir, .n_exclude = 1 };
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "B.txt a.txt b.txt c.csv");
    rec_free(&r);

    const char *sub[] = { "a/y", "*.txt" };
    const char *inc[] = { "*.csv", "*.txt" };
    o = (gs_walk_opts){ .include = inc, .n_include = 2,
                        .exclude = sub, .n_exclude = 2 };
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "a/z.csv c.csv");
    rec_free(&r);
    remove_tmp();
}
END_TEST

/* ---- symlinks ---------------------------------------------------------- */

START_TEST(symlinks_are_reported_and_not_followed_by_default)
{
    make_basic_tree();
    mk_link("a", "link_to_a");
    mk_link("/etc", "etc");
    mk_link("c.csv", "c_link.csv");
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk(tmp_root, NULL, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "B.txt a/y/deep.txt a/z.csv a.txt b.txt c.csv "
                                  "c_link.csv etc link_to_a");
    for (size_t i = 6; i < 9; i++) {
        ck_assert_int_eq(r.e[i].kind, GS_ENTRY_SYMLINK);
        ck_assert_str_eq(r.e[i].what, "symlink not followed");
    }
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(symlinks_are_followed_when_asked)
{
    make_basic_tree();
    mk_link("a", "link_to_a");
    mk_link("c.csv", "c_link.csv");
    mk_link("nowhere", "dangling");
    recorder r = { 0 };
    gs_error err;
    gs_walk_opts o = { .follow_symlinks = 1 };
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_str_eq(listing(&r), "B.txt a/y/deep.txt a/z.csv a.txt b.txt c.csv "
                                  "c_link.csv dangling link_to_a/y/deep.txt "
                                  "link_to_a/z.csv");
    const seen *c = find(&r, "c_link.csv");
    ck_assert_int_eq(c->kind, GS_ENTRY_FILE);
    ck_assert_uint_eq(c->size, 4);
    const seen *d = find(&r, "dangling");
    ck_assert_int_eq(d->kind, GS_ENTRY_SYMLINK);
    ck_assert_int_eq(d->eno, ENOENT);
    ck_assert_str_eq(d->what, "dangling symlink");
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(symlink_loops_are_detected_when_following)
{
    make_basic_tree();
    mk_link("..", "a/y/up");        /* a/y/up -> a: an ancestor */
    mk_link("self", "self");        /* resolves to itself */
    mk_link(".", "here");           /* the root itself */
    recorder r = { 0 };
    gs_error err;
    gs_walk_opts o = { .follow_symlinks = 1 };
    alarm(20);
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    alarm(0);
    ck_assert_str_eq(listing(&r), "B.txt a/y/deep.txt a/y/up a/z.csv a.txt "
                                  "b.txt c.csv here self");
    const char *loops[] = { "a/y/up", "here", "self" };
    for (size_t i = 0; i < 3; i++) {
        const seen *e = find(&r, loops[i]);
        ck_assert_int_eq(e->kind, GS_ENTRY_SYMLINK);
        ck_assert_str_eq(e->what, "symlink loop");
        ck_assert_int_eq(e->eno, ELOOP);
    }
    rec_free(&r);
    remove_tmp();
}
END_TEST

/* ---- special files ---------------------------------------------------- */

START_TEST(fifo_and_socket_are_skipped_and_never_opened)
{
    make_basic_tree();
    ck_assert_int_eq(mkfifo(tmp_path("pipe"), 0644), 0);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(sfd, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", tmp_path("sock"));
    ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
    recorder r = { 0 };
    gs_error err;
    alarm(10);  /* opening the FIFO would block: fail fast instead */
    ck_assert_int_eq(walk(tmp_root, NULL, &r, &err), GS_OK);
    alarm(0);
    const seen *p = find(&r, "pipe");
    ck_assert_int_eq(p->kind, GS_ENTRY_SPECIAL);
    ck_assert_str_eq(p->what, "fifo");
    const seen *s = find(&r, "sock");
    ck_assert_int_eq(s->kind, GS_ENTRY_SPECIAL);
    ck_assert_str_eq(s->what, "socket");
    ck_assert_uint_eq(r.n, 8);
    close(sfd);
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(device_is_skipped_as_special)
{
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk("/dev/null", NULL, &r, &err), GS_OK);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_int_eq(r.e[0].kind, GS_ENTRY_SPECIAL);
    ck_assert_str_eq(r.e[0].what, "device");
    rec_free(&r);
}
END_TEST

/* ---- permissions (as another user) ------------------------------------ */

/* The child walks and writes one "kind errno relpath|what" line per entry to
 * the pipe; it exits 0 when the walk returned GS_OK. */
static int walk_as_nobody(const char *root, char *out, size_t cap)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        if (geteuid() == 0 &&
            (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
            _exit(100);
        recorder r = { 0 };
        gs_error err = { 0 };
        gs_status st = gs_walk(root, NULL, record, &r, &err);
        FILE *f = fdopen(p[1], "w");
        for (size_t i = 0; i < r.n; i++)
            fprintf(f, "%d %d %s|%s\n", r.e[i].kind, r.e[i].eno, r.e[i].rel,
                    r.e[i].what ? r.e[i].what : "");
        fclose(f);
        _exit(st == GS_OK ? 0 : 10 - st);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < cap && (k = read(p[0], out + n, cap - 1 - n)) > 0)
        n += (size_t)k;
    out[n] = '\0';
    close(p[0]);
    int ws;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_msg(WIFEXITED(ws), "child died with a signal");
    return WEXITSTATUS(ws);
}

START_TEST(unreadable_directory_and_entries_are_reported_with_errno)
{
    make_tmp();
    ck_assert_int_eq(chmod(tmp_root, 0755), 0);  /* nobody may come in */
    mk_file("ok.txt", "ok\n");
    mk_dir("locked");
    mk_file("locked/secret.txt", "s\n");
    mk_dir("listonly");
    mk_file("listonly/f.txt", "f\n");
    mk_file("zz.txt", "z\n");
    ck_assert_int_eq(chmod(tmp_path("locked"), 0000), 0);
    ck_assert_int_eq(chmod(tmp_path("listonly"), 0444), 0);  /* r, no x */

    char out[4096];
    int rc = walk_as_nobody(tmp_root, out, sizeof out);
    ck_assert_msg(rc == 0, "child exit %d, output:\n%s", rc, out);
    char want[512];
    snprintf(want, sizeof want,
             "%d %d listonly/f.txt|Permission denied\n"
             "%d %d locked|Permission denied\n"
             "%d 0 ok.txt|\n"
             "%d 0 zz.txt|\n",
             GS_ENTRY_ERROR, EACCES, GS_ENTRY_ERROR, EACCES, GS_ENTRY_FILE,
             GS_ENTRY_FILE);
    ck_assert_str_eq(out, want);
    remove_tmp();
}
END_TEST

START_TEST(unreadable_root_is_eio_with_errno)
{
    make_tmp();
    ck_assert_int_eq(chmod(tmp_root, 0755), 0);
    mk_dir("locked");
    ck_assert_int_eq(chmod(tmp_path("locked"), 0000), 0);
    char out[256];
    int rc = walk_as_nobody(tmp_path("locked"), out, sizeof out);
    ck_assert_int_eq(rc, 10 - GS_EIO);
    ck_assert_str_eq(out, "");
    remove_tmp();
}
END_TEST

/* ---- size ------------------------------------------------------------- */

START_TEST(five_hundred_levels_past_path_max_walk_with_few_fds)
{
    make_tmp();
    enum { LEVELS = 500 };
    int fd = open(tmp_root, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    for (int i = 0; i < LEVELS; i++) {
        char name[32];
        int f = openat(fd, "file.txt", O_WRONLY | O_CREAT, 0644);
        ck_assert_int_ge(f, 0);
        close(f);
        f = openat(fd, "zz.txt", O_WRONLY | O_CREAT, 0644);
        ck_assert_int_ge(f, 0);
        close(f);
        snprintf(name, sizeof name, "level_%04d", i);  /* 10 bytes + '/' */
        ck_assert_int_eq(mkdirat(fd, name, 0755), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        ck_assert_int_ge(sub, 0);
        close(fd);
        fd = sub;
    }
    int f = openat(fd, "bottom.txt", O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(f, 0);
    close(f);
    close(fd);

    recorder r = { .count_fds = 1 };
    gs_error err;
    int fds_before = count_open_fds();
    ck_assert_int_eq(walk(tmp_root, NULL, &r, &err), GS_OK);
    /* file.txt on the way down, bottom.txt, zz.txt on the way back up:
     * the way up needs the directory fds the walk closed on the way down. */
    ck_assert_uint_eq(r.n, 2 * LEVELS + 1);
    ck_assert_uint_gt(r.max_rel_len, PATH_MAX);
    ck_assert_str_eq(r.e[0].rel, "file.txt");
    ck_assert_str_eq(r.e[1].rel, "level_0000/file.txt");
    ck_assert(strstr(r.e[LEVELS].rel, "/level_0499/bottom.txt") != NULL);
    ck_assert(strstr(r.e[LEVELS + 1].rel, "/level_0497/level_0498/zz.txt") != NULL);
    ck_assert_str_eq(r.e[2 * LEVELS - 1].rel, "level_0000/zz.txt");
    ck_assert_str_eq(r.e[2 * LEVELS].rel, "zz.txt");
    for (size_t i = 0; i < r.n; i++)
        ck_assert_int_eq(r.e[i].kind, GS_ENTRY_FILE);
    ck_assert_msg(r.max_fds - fds_before <= 40, "%d fds open during the walk",
                  r.max_fds - fds_before);
    ck_assert_int_eq(count_open_fds(), fds_before);
    rec_free(&r);
    remove_tmp();
}
END_TEST

/* Make `levels` nested directories d00/d01/... under rel, each holding
 * a.txt and z.txt. */
static void make_chain(const char *rel, int levels)
{
    int fd = open(tmp_path(rel), O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    for (int i = 0; i < levels; i++) {
        char name[16];
        close(openat(fd, "a.txt", O_WRONLY | O_CREAT, 0644));
        close(openat(fd, "z.txt", O_WRONLY | O_CREAT, 0644));
        snprintf(name, sizeof name, "d%02d", i);
        ck_assert_int_eq(mkdirat(fd, name, 0755), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        close(fd);
        fd = sub;
    }
    close(fd);
}

START_TEST(deep_tree_through_a_followed_symlink_resumes_after_reopening)
{
    make_tmp();
    mk_dir("tree");
    mk_dir("target");
    make_chain("tree", 50);
    make_chain("target", 50);
    /* A link 40 levels down into another 50-level chain: on the way back
     * its parent's fd was closed and ".." from the target is the wrong
     * directory, so the walk must reopen by name from an ancestor. */
    char link_rel[512] = "tree";
    for (int i = 0; i < 40; i++) {
        size_t used = strlen(link_rel);
        snprintf(link_rel + used, sizeof link_rel - used, "/d%02d", i);
    }
    strcat(link_rel, "/link");
    char target[320];
    snprintf(target, sizeof target, "%s/target", tmp_root);
    mk_link(target, link_rel);

    const char *only_tree[] = { "target" };
    gs_walk_opts o = { .follow_symlinks = 1, .exclude = only_tree,
                       .n_exclude = 1 };
    recorder r = { .count_fds = 1 };
    gs_error err;
    int fds_before = count_open_fds();
    ck_assert_int_eq(walk(tmp_root, &o, &r, &err), GS_OK);
    ck_assert_uint_eq(r.n, 200);  /* 50 x (a, z) in tree, same via link */
    ck_assert_str_eq(r.e[0].rel, "tree/a.txt");
    ck_assert_str_eq(r.e[199].rel, "tree/z.txt");
    ck_assert_str_eq(r.e[198].rel, "tree/d00/z.txt");
    /* The link's contents come between tree/.../d39/d40 and .../d39/z.txt. */
    char want[1024];
    snprintf(want, sizeof want, "%s/a.txt", link_rel);
    ck_assert_ptr_nonnull(find(&r, want));
    snprintf(want, sizeof want, "%s/z.txt", link_rel);
    ck_assert_ptr_nonnull(find(&r, want));
    size_t via_link = 0;
    for (size_t i = 0; i < r.n; i++)
        via_link += strncmp(r.e[i].rel, link_rel, strlen(link_rel)) == 0;
    ck_assert_uint_eq(via_link, 100);
    for (size_t i = 0; i < r.n; i++)
        ck_assert_msg(r.e[i].kind == GS_ENTRY_FILE, "%s: %s", r.e[i].rel,
                      r.e[i].what);
    ck_assert_int_le(r.max_fds - fds_before, 40);
    ck_assert_int_eq(count_open_fds(), fds_before);
    rec_free(&r);
    remove_tmp();
}
END_TEST

START_TEST(twenty_thousand_files_come_back_all_and_sorted)
{
    make_tmp();
    enum { FILES = 20000 };
    int dfd = open(tmp_root, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    for (int i = FILES - 1; i >= 0; i--) {
        char name[32];
        snprintf(name, sizeof name, "f%d.csv", i);  /* not zero-padded */
        int f = openat(dfd, name, O_WRONLY | O_CREAT, 0644);
        ck_assert_int_ge(f, 0);
        close(f);
    }
    close(dfd);
    recorder r = { 0 };
    gs_error err;
    ck_assert_int_eq(walk(tmp_root, NULL, &r, &err), GS_OK);
    ck_assert_uint_eq(r.n, FILES);
    for (size_t i = 1; i < r.n; i++)
        ck_assert_msg(strcmp(r.e[i - 1].rel, r.e[i].rel) < 0, "%s before %s",
                      r.e[i - 1].rel, r.e[i].rel);
    ck_assert_str_eq(r.e[0].rel, "f0.csv");
    ck_assert_str_eq(r.e[1].rel, "f1.csv");
    ck_assert_str_eq(r.e[2].rel, "f10.csv");
    rec_free(&r);
    remove_tmp();
}
END_TEST

/* ---- out of memory ------------------------------------------------------ */

static long alloc_budget;
static long alloc_live;

static void *failing_alloc(void *ud, void *ptr, size_t nsize)
{
    (void)ud;
    if (nsize == 0) {
        if (ptr)
            alloc_live--;
        free(ptr);
        return NULL;
    }
    if (alloc_budget-- <= 0)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p && !ptr)
        alloc_live++;
    return p;
}

START_TEST(every_allocation_failure_is_enomem_and_leaks_nothing)
{
    make_basic_tree();
    mk_link("a", "link");
    gs_walk_opts o = { .follow_symlinks = 1 };
    int fds_before = count_open_fds();
    gs_set_allocator(failing_alloc, NULL);
    for (long budget = 0;; budget++) {
        alloc_budget = budget;
        alloc_live = 0;
        recorder r = { 0 };
        gs_error err;
        gs_status st = walk(tmp_root, &o, &r, &err);
        rec_free(&r);
        ck_assert_msg(st == GS_OK || st == GS_ENOMEM, "budget %ld: %d", budget, st);
        ck_assert_int_eq(alloc_live, 0);
        ck_assert_int_eq(count_open_fds(), fds_before);
        if (st == GS_OK)
            break;
        ck_assert_int_eq(err.status, GS_ENOMEM);
        ck_assert_int_lt(budget, 200);
    }
    gs_set_allocator(NULL, NULL);
    remove_tmp();
}
END_TEST

static Suite *walk_suite(void)
{
    Suite *s = suite_create("walk");
    TCase *tc = tcase_create("walk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, entries_come_sorted_depth_first_and_identically_every_time);
    tcase_add_test(tc, root_with_trailing_slashes_gives_clean_paths);
    tcase_add_test(tc, root_that_is_a_file_yields_one_entry);
    tcase_add_test(tc, missing_root_is_enoent_with_its_message);
    tcase_add_test(tc, callback_returning_nonzero_stops_the_walk_with_ecanceled);
    tcase_add_test(tc, include_globs_match_base_names_or_relpaths);
    tcase_add_test(tc, exclude_globs_drop_files_and_prune_directories);
    tcase_add_test(tc, symlinks_are_reported_and_not_followed_by_default);
    tcase_add_test(tc, symlinks_are_followed_when_asked);
    tcase_add_test(tc, symlink_loops_are_detected_when_following);
    tcase_add_test(tc, fifo_and_socket_are_skipped_and_never_opened);
    tcase_add_test(tc, device_is_skipped_as_special);
    tcase_add_test(tc, unreadable_directory_and_entries_are_reported_with_errno);
    tcase_add_test(tc, unreadable_root_is_eio_with_errno);
    tcase_add_test(tc, five_hundred_levels_past_path_max_walk_with_few_fds);
    tcase_add_test(tc, deep_tree_through_a_followed_symlink_resumes_after_reopening);
    tcase_add_test(tc, twenty_thousand_files_come_back_all_and_sorted);
    tcase_add_test(tc, every_allocation_failure_is_enomem_and_leaks_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    make_base();
    SRunner *sr = srunner_create(walk_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(tmp_root, sizeof tmp_root, "%s", tmp_base);
    remove_tmp();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

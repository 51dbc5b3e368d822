/* checkpoint.c - write and read checkpoint files (checkpoint.h).
 *
 * Profiles are rendered with gs_profile_save into memory (open_memstream)
 * so their lengths can prefix them; the whole file goes to "<path>.tmp"
 * (a fixed name, so that a signal handler can remove it, opened with
 * O_NOFOLLOW: a planted symlink is refused), is fsync()ed and renamed over
 * the target. Reading takes
 * the file whole (it is a few profiles: bounded by their limits) and hands
 * each profile's bytes to gs_profile_load_text.
 */
#include "gapscan/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "gapscan-checkpoint 1\n"

static int put_part(FILE *f, const char *name, const char *bytes, size_t len)
{
    return fprintf(f, "%s %zu\n", name, len) < 0 ||
           fwrite(bytes, 1, len, f) != len || fputc('\n', f) == EOF;
}

static gs_status render(const gs_checkpoint *c, FILE *f, gs_error *err)
{
    fputs(MAGIC, f);
    fprintf(f, "side %u\nentries %llu\n", c->side,
            (unsigned long long)c->entries);
    if (c->last)
        put_part(f, "last", c->last, strlen(c->last));
    else
        fputs("last -1\n", f);
    put_part(f, "key", c->key ? c->key : "", c->key ? strlen(c->key) : 0);
    for (unsigned i = 0; i <= c->side; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            return gs_error_set(err, GS_ENOMEM, "out of memory");
        gs_status st = gs_profile_save(c->profiles[i], m, err);
        if (fclose(m) != 0 && st == GS_OK)
            st = gs_error_set(err, GS_ENOMEM, "out of memory");
        if (st == GS_OK && put_part(f, "profile", buf, len))
            st = gs_error_set(err, GS_EIO, "%s", strerror(errno));
        free(buf);  /* open_memstream's buffer comes from malloc */
        if (st != GS_OK)
            return st;
    }
    return GS_OK;
}

gs_status gs_checkpoint_save(const char *path, const gs_checkpoint *c,
                             gs_error *err)
{
    if (c->side >= GS_CHECKPOINT_MAX_SIDES)
        return gs_error_set(err, GS_EINVAL, "%s: bad side", path);
    size_t n = strlen(path);
    char *tmp = gs_malloc(n + sizeof ".tmp");
    if (!tmp)
        return gs_error_set(err, GS_ENOMEM, "out of memory");
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp", sizeof ".tmp");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                  0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    gs_status st = GS_OK;
    if (!f) {
        st = gs_error_errno(err, GS_EIO, errno, path);
        if (fd >= 0)
            close(fd);
        goto out;
    }
    gs_error e = {0};
    st = render(c, f, &e);
    if (st == GS_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0))
        st = gs_error_errno(err, GS_EIO, errno, tmp);
    if (fclose(f) != 0 && st == GS_OK)
        st = gs_error_errno(err, GS_EIO, errno, tmp);
    if (st != GS_OK && e.message[0])
        gs_error_set(err, st, "%s: %s", path, e.message);
    if (st == GS_OK && rename(tmp, path) != 0)
        st = gs_error_errno(err, GS_EIO, errno, path);
    if (st != GS_OK)
        unlink(tmp);
out:
    gs_free(tmp);
    return st;
}

/* ---- reading ---------------------------------------------------------- */

typedef struct reader {
    const char *path;
    char *p, *end;
    gs_error *err;
} reader;

static gs_status bad(reader *r, const char *what)
{
    return gs_error_set(r->err, GS_EFORMAT, "%s: not a gapscan checkpoint "
                        "(%s)", r->path, what);
}

/* "name N\n": N into *v. */
static int number_line(reader *r, const char *name, long long *v)
{
    size_t n = strlen(name);
    char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    if (!nl || (size_t)(nl - r->p) <= n + 1 || memcmp(r->p, name, n) != 0 ||
        r->p[n] != ' ')
        return 0;
    char *e;
    errno = 0;
    *v = strtoll(r->p + n + 1, &e, 10);
    if (errno || e != nl)
        return 0;
    r->p = nl + 1;
    return 1;
}

/* "name LEN\n<LEN bytes>\n": a pointer to the bytes (NUL put at their end,
 * over the newline) or NULL for LEN -1. */
static int part(reader *r, const char *name, char **bytes, size_t *len)
{
    long long n;
    if (!number_line(r, name, &n) || n < -1)
        return 0;
    *bytes = NULL;
    *len = 0;
    if (n == -1)
        return 1;
    if ((unsigned long long)n >= (unsigned long long)(r->end - r->p) ||
        r->p[n] != '\n')
        return 0;
    *bytes = r->p;
    *len = (size_t)n;
    r->p[n] = '\0';
    r->p += n + 1;
    return 1;
}

gs_status gs_checkpoint_load(const char *path, gs_checkpoint *c,
                             gs_error *err)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_error_errno(err, errno == ENOENT ? GS_ENOENT : GS_EIO,
                              errno, path);
    gs_buf b = {0};
    gs_status st = GS_OK;
    for (;;) {
        if ((st = gs_buf_reserve(&b, 1 << 16)) != GS_OK)
            break;
        size_t got = fread(b.p + b.len, 1, b.cap - b.len, f);
        b.len += got;
        if (got == 0) {
            if (ferror(f))
                st = gs_error_errno(err, GS_EIO, errno, path);
            break;
        }
    }
    fclose(f);
    if (st != GS_OK) {
        gs_free(b.p);
        return st == GS_ENOMEM ? gs_error_set(err, st, "out of memory") : st;
    }
    reader r = {path, b.p, b.p + b.len, err};
    long long side, entries;
    char *s;
    size_t len;
    if (b.len < strlen(MAGIC) || memcmp(b.p, MAGIC, strlen(MAGIC)) != 0) {
        st = strncmp(b.p ? b.p : "", "gapscan-checkpoint ", 19) == 0
                 ? gs_error_set(err, GS_EVERSION, "%s: checkpoint of another "
                                "version", path)
                 : bad(&r, "no header");
        goto done;
    }
    r.p += strlen(MAGIC);
    if (!number_line(&r, "side", &side) || side < 0 ||
        side >= GS_CHECKPOINT_MAX_SIDES ||
        !number_line(&r, "entries", &entries) || entries < 0) {
        st = bad(&r, "side or entries");
        goto done;
    }
    c->side = (unsigned)side;
    c->entries = (uint64_t)entries;
    if (!part(&r, "last", &s, &len) ||
        (s && !(c->last = gs_strndup(s, len)))) {
        st = s ? gs_error_set(err, GS_ENOMEM, "out of memory")
               : bad(&r, "last");
        goto done;
    }
    if (!part(&r, "key", &s, &len) || !s) {
        st = bad(&r, "key");
        goto done;
    }
    if (!(c->key = gs_strndup(s, len))) {
        st = gs_error_set(err, GS_ENOMEM, "out of memory");
        goto done;
    }
    for (unsigned i = 0; i <= c->side; i++) {
        if (!part(&r, "profile", &s, &len) || !s) {
            st = bad(&r, "profile");
            goto done;
        }
        if ((st = gs_profile_load_text(path, s, len, &c->profiles[i], err)) !=
            GS_OK)
            goto done;
    }
    if (r.p != r.end)
        st = bad(&r, "trailing bytes");
done:
    gs_free(b.p);
    if (st != GS_OK)
        gs_checkpoint_clear(c);
    return st;
}

void gs_checkpoint_key_diff(const char *saved, const char *wanted, char *out,
                            size_t cap)
{
    out[0] = '\0';
    while (*saved || *wanted) {
        size_t a = strcspn(saved, "\n"), b = strcspn(wanted, "\n");
        if (a != b || memcmp(saved, wanted, a) != 0) {
            snprintf(out, cap, "%.*s (checkpoint) vs %.*s (now)", (int)a,
                     saved, (int)b, wanted);
            return;
        }
        saved += a + (saved[a] == '\n');
        wanted += b + (wanted[b] == '\n');
    }
}

void gs_checkpoint_clear(gs_checkpoint *c)
{
    gs_free(c->key);
    gs_free(c->last);
    for (unsigned i = 0; i < GS_CHECKPOINT_MAX_SIDES; i++)
        gs_profile_free(c->profiles[i]);
    memset(c, 0, sizeof *c);
}

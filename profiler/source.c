/* source.c - read one file's bytes, read-only, streaming, gzip transparent.
 *
 * The only module that opens input files. Plain files are handed out as read;
 * gzip files (magic 1f 8b in the first two bytes, whatever the name) are
 * inflated with zlib's inflate() driven here, one member after another.
 *
 * Invariants:
 *   1. The fd is opened O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC (+O_NOATIME
 *      when the kernel allows it; a path past PATH_MAX one directory at a
 *      time) and must be a regular file by fstat():
 *      nothing else is ever read, so a FIFO or device cannot block or hang.
 *   2. At most `size` bytes (fstat at open) are read from disk, in blocks of
 *      SOURCE_BLOCK with read(2), never mmap. When the disk side ends (size
 *      reached, or read() returns 0 early) the file is checked once: a
 *      different size or mtime is the defect "file.changed_while_reading".
 *   3. in_pos/in_avail is the only input cursor: bytes_in - in_avail is the
 *      offset on disk of the next unconsumed byte, the location of every
 *      gzip defect; "file.changed_while_reading" is located at bytes_in,
 *      where reading from disk stopped.
 *   4. A defect that ends the data (truncated, corrupt, trailing garbage)
 *      sets `done`: later reads return the end. A limit latches GS_ELIMIT:
 *      later reads return GS_ELIMIT again, and the output of the read that
 *      crossed the limit is not handed out.
 *   5. zlib allocates through gs_calloc/gs_free like everything else.
 *
 * Limits: gs_limits.max_inflate_ratio (0 = none) is checked once more than
 * 1 MiB has been produced, against the compressed bytes inflate() consumed;
 * max_inflated_bytes (0 = none) against the total output. Exceeding the
 * latter is reported as "gzip.size_exceeded".
 *
 * Deliberately not done here: sniffing formats or charsets (sniff/decode do),
 * other compressors, and line or column counting.
 */
#include "gapscan/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { SOURCE_BLOCK = 64 * 1024 };
#define RATIO_GRACE ((uint64_t)1 << 20)  /* output before the ratio counts */

struct gs_source {
    int fd;
    const gs_limits *lim;
    const gs_sink *sink;
    char *path;
    uint64_t size;            /* st_size at open */
    struct timespec mtim;     /* st_mtim at open */
    uint64_t bytes_in;        /* read from disk */
    uint64_t bytes_out;       /* handed to the caller */
    uint64_t consumed;        /* compressed bytes consumed by inflate() */
    gs_compression comp;
    unsigned char *in;        /* SOURCE_BLOCK bytes */
    unsigned char *in_pos;
    size_t in_avail;
    bool disk_eof;            /* no more bytes will be read from disk */
    bool done;                /* no more bytes will be handed out */
    bool member_done;         /* between gzip members */
    bool z_ready;
    gs_status latched;        /* GS_ELIMIT once a limit was hit */
    z_stream zs;
};

static uint64_t disk_offset(const gs_source *s)
{
    return s->bytes_in - s->in_avail;
}

static gs_status defect_at(gs_source *s, gs_error *err, const char *code,
                           const char *detail, uint64_t offset)
{
    if (!s->sink || !s->sink->defect)
        return GS_OK;
    gs_loc loc = { .offset = offset };
    if (s->sink->defect(s->sink->ud, code, detail, &loc) != 0)
        return gs_error_set(err, GS_ECANCELED, "%s: stopped by the sink",
                            s->path);
    return GS_OK;
}

static gs_status defect(gs_source *s, gs_error *err, const char *code,
                        const char *detail)
{
    return defect_at(s, err, code, detail, disk_offset(s));
}

/* Called once, when the disk side ends: did the file change under us? */
static gs_status check_unchanged(gs_source *s, gs_error *err)
{
    struct stat sb;
    char detail[160];
    if (fstat(s->fd, &sb) != 0)
        return gs_error_errno(err, GS_EIO, errno, s->path);
    if ((uint64_t)sb.st_size != s->size)
        snprintf(detail, sizeof detail,
                 "size was %llu bytes at open, %llu when read; read %llu",
                 (unsigned long long)s->size, (unsigned long long)sb.st_size,
                 (unsigned long long)s->bytes_in);
    else if (sb.st_mtim.tv_sec != s->mtim.tv_sec ||
             sb.st_mtim.tv_nsec != s->mtim.tv_nsec)
        snprintf(detail, sizeof detail, "modified while being read");
    else
        return GS_OK;
    /* Located where reading from disk stopped, not at the consumer. */
    return defect_at(s, err, "file.changed_while_reading", detail, s->bytes_in);
}

/* Top the input block up from disk, never past the size seen at open. */
static gs_status fill(gs_source *s, gs_error *err)
{
    if (s->disk_eof)
        return GS_OK;
    if (s->in_pos != s->in && s->in_avail > 0)
        memmove(s->in, s->in_pos, s->in_avail);
    s->in_pos = s->in;
    uint64_t left = s->size - s->bytes_in;
    size_t want = SOURCE_BLOCK - s->in_avail;
    if (left < want)
        want = (size_t)left;
    if (want > 0) {
        ssize_t n;
        do
            n = read(s->fd, s->in + s->in_avail, want);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return gs_error_errno(err, GS_EIO, errno, s->path);
        s->bytes_in += (uint64_t)n;
        s->in_avail += (size_t)n;
        if (n == 0)
            left = 0;  /* shrank: check_unchanged says so */
        else
            left -= (uint64_t)n;
    }
    if (left == 0) {
        s->disk_eof = true;
        return check_unchanged(s, err);
    }
    return GS_OK;
}

static gs_status plain_read(gs_source *s, unsigned char *buf, size_t cap,
                            size_t *got, gs_error *err)
{
    while (s->in_avail == 0 && !s->disk_eof) {
        gs_status st = fill(s, err);
        if (st)
            return st;
    }
    size_t n = s->in_avail < cap ? s->in_avail : cap;
    memcpy(buf, s->in_pos, n);
    s->in_pos += n;
    s->in_avail -= n;
    *got = n;
    return GS_OK;
}

static gs_status over_limit(gs_source *s, gs_error *err, const char *code,
                            const char *detail)
{
    gs_status st = defect(s, err, code, detail);
    s->latched = GS_ELIMIT;
    gs_error_set(err, GS_ELIMIT, "%s: %s", s->path, detail);
    return st ? st : GS_ELIMIT;
}

static gs_status check_limits(gs_source *s, uint64_t out, gs_error *err)
{
    char detail[160];
    uint64_t max = s->lim->max_inflated_bytes;
    uint64_t ratio = s->lim->max_inflate_ratio;
    if (max && out > max) {
        snprintf(detail, sizeof detail,
                 "gzip output exceeds max_inflated_bytes (%llu)",
                 (unsigned long long)max);
        return over_limit(s, err, "gzip.size_exceeded", detail);
    }
    if (ratio && out > RATIO_GRACE && s->consumed <= UINT64_MAX / ratio &&
        out > ratio * s->consumed) {
        snprintf(detail, sizeof detail,
                 "gzip output exceeds %llu times its compressed size "
                 "(%llu bytes from %llu)", (unsigned long long)ratio,
                 (unsigned long long)out, (unsigned long long)s->consumed);
        return over_limit(s, err, "gzip.ratio_exceeded", detail);
    }
    return GS_OK;
}

/* Between members: another member, a clean end, or trailing garbage. */
static gs_status next_member(gs_source *s, gs_error *err)
{
    if (s->in_avail == 0) {
        s->done = true;
        return GS_OK;
    }
    if (s->in_avail >= 2 && s->in_pos[0] == 0x1f && s->in_pos[1] == 0x8b) {
        if (inflateReset(&s->zs) != Z_OK)
            return gs_error_set(err, GS_EINVAL, "%s: inflateReset failed",
                                s->path);
        s->member_done = false;
        return GS_OK;
    }
    s->done = true;
    return defect(s, err, "gzip.trailing_garbage",
                  "bytes after the last gzip member are not a gzip member");
}

/* What inflate()'s return means for the stream; sets done/member_done. */
static gs_status after_inflate(gs_source *s, int zr, gs_error *err)
{
    switch (zr) {
    case Z_OK:
        return GS_OK;
    case Z_STREAM_END:
        s->member_done = true;
        return GS_OK;
    case Z_BUF_ERROR:  /* no progress possible */
        if (s->in_avail == 0 && !s->disk_eof)
            return GS_OK;  /* needs input: the caller fills */
        s->done = true;
        if (s->in_avail == 0)
            return defect(s, err, "gzip.truncated",
                          "gzip member ends before its end marker");
        return defect(s, err, "gzip.corrupt", "inflate made no progress");
    case Z_MEM_ERROR:
        return gs_error_set(err, GS_ENOMEM, "%s: out of memory inflating",
                            s->path);
    default:  /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
        s->done = true;
        return defect(s, err, "gzip.corrupt",
                      s->zs.msg ? s->zs.msg : "invalid gzip data");
    }
}

/* One inflate() call into buf[0..room); returns the bytes produced. */
static size_t inflate_step(gs_source *s, unsigned char *buf, size_t room,
                           int *zr)
{
    s->zs.next_in = s->in_pos;
    s->zs.avail_in = (uInt)s->in_avail;  /* <= SOURCE_BLOCK */
    s->zs.next_out = buf;
    s->zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
    uInt out_before = s->zs.avail_out;
    *zr = inflate(&s->zs, Z_NO_FLUSH);
    size_t used = s->in_avail - s->zs.avail_in;
    s->in_pos += used;
    s->in_avail -= used;
    s->consumed += used;
    return out_before - s->zs.avail_out;
}

static gs_status gz_read(gs_source *s, unsigned char *buf, size_t cap,
                         size_t *got, gs_error *err)
{
    size_t produced = 0;
    gs_status st = GS_OK;

    while (produced == 0 && !s->done) {
        size_t need = s->member_done ? 2 : 1;  /* a magic, or any byte */
        if (s->in_avail < need && !s->disk_eof) {
            st = fill(s, err);
            if (st)
                return st;
            continue;
        }
        if (s->member_done) {
            st = next_member(s, err);
            if (st)
                return st;
            continue;
        }
        /* Let inflate() write at most one byte past max_inflated_bytes, so
         * crossing it is seen without producing much more. */
        size_t room = cap - produced;
        uint64_t max = s->lim->max_inflated_bytes;
        if (max && max - s->bytes_out < room)
            room = (size_t)(max - s->bytes_out) + 1;
        int zr;
        produced += inflate_step(s, buf + produced, room, &zr);
        st = check_limits(s, s->bytes_out + produced, err);
        if (st)
            return st;
        st = after_inflate(s, zr, err);
        if (st)
            return st;
    }
    *got = produced;
    return GS_OK;
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return gs_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    gs_free(p);
}

static int open_leaf(int dirfd, const char *name)
{
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = openat(dirfd, name, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)  /* O_NOATIME needs ownership */
        fd = openat(dirfd, name, flags);
    return fd;
}

/* open(2) refuses a path of PATH_MAX bytes or more, which a deep tree
 * reaches (the walker gets there with directory fds): such a path is
 * opened one directory at a time with openat(2), intermediate components
 * followed as open(2) would follow them. */
static int open_readonly(const char *path)
{
    if (strlen(path) < PATH_MAX)
        return open_leaf(AT_FDCWD, path);
    int dirfd = *path == '/' ? open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                             : AT_FDCWD;
    const char *p = path;
    while (dirfd != -1) {
        while (*p == '/')
            p++;
        const char *slash = strchr(p, '/');
        char name[NAME_MAX + 1];
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        int fd = -1, eno = ENAMETOOLONG;
        if (n <= NAME_MAX) {
            memcpy(name, p, n);
            name[n] = '\0';
            fd = slash ? openat(dirfd, name,
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK)
                       : open_leaf(dirfd, name);
            eno = errno;
        }
        if (dirfd != AT_FDCWD)
            close(dirfd);
        if (!slash || fd < 0) {
            errno = eno;
            return fd;
        }
        dirfd = fd;
        p = slash + 1;
    }
    return -1;
}

gs_status gs_source_open(const char *path, const gs_limits *lim,
                         const gs_sink *sink, gs_source **out, gs_error *err)
{
    gs_status st = GS_OK;
    gs_source *s = NULL;
    struct stat sb;

    if (!out)
        return gs_error_set(err, GS_EINVAL, "gs_source_open: out is NULL");
    *out = NULL;
    if (!path || !lim)
        return gs_error_set(err, GS_EINVAL, "gs_source_open: path and limits are required");

    int fd = open_readonly(path);
    if (fd < 0) {
        int eno = errno;
        if (eno == ELOOP || eno == ENXIO)  /* a symlink, or a socket */
            return gs_error_set(err, GS_EFORMAT, "%s: not a regular file", path);
        return gs_error_errno(err, (eno == ENOENT || eno == ENOTDIR) ? GS_ENOENT : GS_EIO,
                          eno, path);
    }
    if (fstat(fd, &sb) != 0) {
        st = gs_error_errno(err, GS_EIO, errno, path);
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = gs_error_set(err, GS_EFORMAT, "%s: not a regular file", path);
        goto fail;
    }
    s = gs_calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->fd = fd;
    s->lim = lim;
    s->sink = sink;
    s->size = (uint64_t)sb.st_size;
    s->mtim = sb.st_mtim;
    s->path = gs_strdup(path);
    s->in = gs_malloc(SOURCE_BLOCK);
    if (!s->path || !s->in)
        goto nomem;
    s->in_pos = s->in;

    while (s->in_avail < 2 && !s->disk_eof) {
        st = fill(s, err);
        if (st)
            goto fail;
    }
    if (s->in_avail >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        s->comp = GS_COMPRESSION_GZIP;
        s->zs.zalloc = z_alloc;
        s->zs.zfree = z_free;
        int zr = inflateInit2(&s->zs, 16 + MAX_WBITS);
        if (zr == Z_MEM_ERROR)
            goto nomem;
        if (zr != Z_OK) {
            st = gs_error_set(err, GS_EINVAL, "%s: zlib refused to start", path);
            goto fail;
        }
        s->z_ready = true;
    }
    *out = s;
    return GS_OK;

nomem:
    st = gs_error_set(err, GS_ENOMEM, "%s: out of memory", path);
fail:
    if (s)
        gs_source_close(s);  /* closes fd */
    else
        close(fd);
    return st;
}

gs_status gs_source_read(gs_source *src, unsigned char *buf, size_t cap,
                         size_t *got, gs_error *err)
{
    if (!got)
        return gs_error_set(err, GS_EINVAL, "gs_source_read: got is NULL");
    *got = 0;
    if (!src || !buf || cap == 0)
        return gs_error_set(err, GS_EINVAL, "gs_source_read: bad arguments");
    if (src->latched)
        return gs_error_set(err, src->latched, "%s: %s", src->path,
                            gs_status_str(src->latched));
    gs_status st = src->comp == GS_COMPRESSION_GZIP
                       ? gz_read(src, buf, cap, got, err)
                       : plain_read(src, buf, cap, got, err);
    if (st) {
        *got = 0;
        return st;
    }
    src->bytes_out += *got;
    return GS_OK;
}

gs_status gs_source_seek(gs_source *src, uint64_t offset, gs_error *err)
{
    if (!src || src->comp != GS_COMPRESSION_NONE || src->latched)
        return gs_error_set(err, GS_EINVAL, "gs_source_seek: %s",
                            src ? "not a plain file" : "no source");
    if (offset > src->size)
        offset = src->size;
    if (lseek(src->fd, (off_t)offset, SEEK_SET) < 0)
        return gs_error_errno(err, GS_EIO, errno, src->path);
    src->bytes_in = src->bytes_out = offset;
    src->in_pos = src->in;
    src->in_avail = 0;
    src->disk_eof = offset == src->size;
    src->done = false;
    return GS_OK;
}

gs_compression gs_source_compression(const gs_source *src)
{
    return src->comp;
}

uint64_t gs_source_size(const gs_source *src)
{
    return src->size;
}

int64_t gs_source_mtime(const gs_source *src)
{
    return (int64_t)src->mtim.tv_sec;
}

uint64_t gs_source_bytes_in(const gs_source *src)
{
    return src->bytes_in;
}

uint64_t gs_source_bytes_out(const gs_source *src)
{
    return src->bytes_out;
}

void gs_source_close(gs_source *src)
{
    if (!src)
        return;
    if (src->z_ready)
        inflateEnd(&src->zs);
    if (src->fd >= 0)
        close(src->fd);
    gs_free(src->in);
    gs_free(src->path);
    gs_free(src);
}

const char *gs_compression_name(gs_compression c)
{
    return c == GS_COMPRESSION_GZIP ? "gzip" : NULL;
}

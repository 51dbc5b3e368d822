/* source.c - read one file's bytes, read-only, streaming, gzip transparent.
 *
 * The only module that opens input files. Plain files are handed out as read;
 * gzip files (magic 1f 8b in the first two bytes, whatever the name) are
 * inflated one member after another into blocks (invariant 5) that
 * gs_source_read hands out. ISA-L's isal_inflate() inflates the deflate
 * data (4-5 times faster than zlib's inflate()) and isal_read_gzip_header()
 * skips a header's optional fields; the rest of the gzip wrapper is judged
 * here, with zlib's checks, words and places (invariant 8).
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
 *      gzip defect but bad deflate data, located at the first byte ISA-L
 *      had not decoded (its read-ahead taken off); "file.changed_while_
 *      reading" is located at bytes_in, where reading from disk stopped.
 *   4. Only the reader calls the sink. The disk and inflate side writes a
 *      defect into the block it is making (at most MAX_NOTES: the file
 *      changing once, then one that ends the data); the reader delivers a
 *      block's defects once it has handed out all of its bytes, then its
 *      error if it has one. A block that ends in an error (a limit, EIO,
 *      ENOMEM) hands out no byte, and the error is latched: later reads
 *      return it again. A defect that ends the data (truncated, corrupt,
 *      trailing garbage) ends it after that block.
 *   5. Blocks end at FIRST_BLOCK bytes of output, then at every multiple
 *      of OUT_BLOCK (only the last ends sooner), and the limits are checked
 *      after each isal_inflate() call, which never writes past the
 *      block's end. So what is handed out, every defect and where it
 *      comes in the stream of bytes depend only on the file, never on the
 *      caller's cap, and never on the thread below.
 *   6. Inflation moves to its own thread between two blocks once
 *      thread_after bytes, and at least one block, have been made
 *      (THREAD_AFTER, 1 MiB, on a machine with more than one CPU: a small
 *      file never pays a thread). From then on the thread alone owns
 *      the disk and inflate side and fills a ring of RING blocks; the
 *      reader takes them in order. ring[], head, tail and count change
 *      under mu; a block belongs to the thread from when it is free until
 *      count says it is made, then to the reader until it releases it.
 *      Closing stops the thread after the block it is making and joins it.
 *      If a ring buffer or the thread cannot be had, reading stays on the
 *      caller's thread (same output, no error).
 *   7. ISA-L allocates nothing: its inflate_state (a plain struct, ~85 KB)
 *      comes from gs_calloc at open, behind ISAL_GUARD bytes of zeros
 *      that ISA-L 2.30 reads when a distance points before the start of
 *      a member (bad_deflate()): it reads them, not someone else's memory.
 *      The output of an isal_inflate() call that fails is never handed
 *      out. The thread allocates nothing: it starts with every ring
 *      buffer at its full size.
 *   8. A member is read in four phases: its first four bytes (magic,
 *      method, flags: judged here, as zlib does, after byte 4), the rest
 *      of its header (ISA-L; a header CRC is checked), the deflate data
 *      (ISA-L, which also keeps the CRC-32 of the output), and the 8-byte
 *      trailer (here: the CRC judged after its 4 bytes, then ISIZE). ISA-L
 *      reads up to 8 bytes ahead into its bit buffer; when the deflate data
 *      ends, those whole bytes are given back in front of in_pos (the input
 *      buffer keeps GIVE_BACK bytes of room), so the trailer, the next
 *      member and trailing garbage are found at their exact offsets. Only
 *      a member cut inside its deflate data may hand out a byte or two
 *      fewer than zlib did: ISA-L decodes up to three literals with one
 *      table look-up, and one whose last code is cut waits for more input.
 *      Bad deflate data hands out less than zlib did too: none of what
 *      the failing isal_inflate() call made (invariant 7).
 *
 * Limits: gs_limits.max_inflate_ratio (0 = none) is checked once more than
 * 1 MiB has been produced, against the gzip bytes consumed so far;
 * max_inflated_bytes (0 = none) against the total output. Exceeding the
 * latter is reported as "gzip.size_exceeded". Memory per gzip file: one
 * SOURCE_BLOCK, ISA-L's state and its guard, one FIRST_BLOCK, grown to
 * OUT_BLOCK for the second block, and RING - 1 more OUT_BLOCKs once the
 * thread runs.
 * The environment variable GAPSCAN_INFLATE_THREAD_AFTER (a size, or
 * "never") sets thread_after, for tests and for machines where the -j
 * workers already take every CPU; otherwise gs_source_inflate_here sets
 * it to never for a caller that has a second thread of its own.
 *
 * Deliberately not done here: sniffing formats or charsets (sniff/decode do),
 * other compressors, line or column counting, and a thread for plain files
 * (read(2) is not the slow half).
 */
#include "gapscan/source.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

enum {
    SOURCE_BLOCK = 64 * 1024,  /* read(2) size */
    FIRST_BLOCK = 64 * 1024,   /* inflated bytes in the first block: small
                                  enough for malloc's heap, not an mmap */
    OUT_BLOCK = 256 * 1024,    /* inflated bytes per block after it */
    RING = 4,                  /* blocks with the thread: 1 MiB ahead */
    MAX_NOTES = 2,             /* defects after one block (invariant 4) */
    GIVE_BACK = 8,             /* ISA-L's read-ahead (invariant 8) */
    ISAL_GUARD = 32 * 1024     /* zeros before ISA-L's state (invariant 7) */
};
#define RATIO_GRACE ((uint64_t)1 << 20)   /* output before the ratio counts */
#define THREAD_AFTER ((uint64_t)1 << 20)  /* output before the thread starts */

/* A defect found on the disk and inflate side, for the reader to deliver. */
typedef struct note {
    const char *code;  /* a string literal */
    char detail[160];
    uint64_t offset;
} note;

typedef struct notes {
    unsigned n, sent;
    note d[MAX_NOTES];
} notes;

/* ISA-L's state behind ISAL_GUARD bytes of zeros (invariant 7). */
typedef struct isal_mem {
    unsigned char guard[ISAL_GUARD];
    struct inflate_state zs;
} isal_mem;

/* Where the inflate side is in the current gzip member (invariant 8). */
typedef enum gz_phase {
    GZ_START,    /* before a member's first four bytes, or at the end */
    GZ_HEADER,   /* the rest of its header */
    GZ_DEFLATE,  /* its compressed data */
    GZ_TRAILER   /* its CRC-32 and ISIZE */
} gz_phase;

/* One block of inflated output and what comes right after it. */
typedef struct block {
    unsigned char *data;  /* cap bytes */
    size_t cap;           /* FIRST_BLOCK, or OUT_BLOCK from the second */
    size_t len;           /* made */
    size_t pos;           /* handed out (reader side) */
    uint64_t bytes_in;    /* read from disk when it was made */
    notes notes;          /* defects after its bytes */
    bool last;            /* no block after it */
    gs_status st;         /* nonzero: this error after the defects */
    gs_error err;         /* its message */
} block;

struct gs_source {
    /* Fixed at open. */
    int fd;
    const gs_limits *lim;
    const gs_sink *sink;
    char *path;
    uint64_t size;            /* st_size at open */
    struct timespec mtim;     /* st_mtim at open */
    gs_compression comp;
    uint64_t thread_after;    /* UINT64_MAX: never */
    bool thread_forced;       /* thread_after came from the environment */

    /* The disk and inflate side: the caller's thread's until the thread
     * starts, then the thread's alone (invariant 6). */
    uint64_t bytes_in;        /* read from disk */
    uint64_t consumed;        /* gzip bytes consumed (header, data, trailer) */
    uint64_t made;            /* inflated bytes in finished blocks */
    unsigned char *in_mem;    /* GIVE_BACK + SOURCE_BLOCK bytes */
    unsigned char *in;        /* in_mem + GIVE_BACK: where fill() reads to */
    unsigned char *in_pos;
    size_t in_avail;
    bool disk_eof;            /* no more bytes will be read from disk */
    bool ended;               /* gzip: no more blocks will be made */
    gz_phase phase;
    isal_mem *isal;              /* gzip: ISA-L's state, guarded */
    struct inflate_state *zs;    /* &isal->zs */
    struct isal_gzip_header hdr; /* kept across isal_read_gzip_header calls */

    /* The reader side. */
    uint64_t bytes_out;       /* handed to the caller */
    uint64_t seen_in;         /* gzip: bytes_in of the block being read */
    gs_status latched;        /* an error that ended the data */
    bool have;                /* ring[tail] is being read */

    /* The ring; head, tail and count change under mu once threaded. */
    block ring[RING];
    unsigned head, tail, count;
    bool threaded, stop;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t made_one, freed_one;
};

static uint64_t disk_offset(const gs_source *s)
{
    return s->bytes_in - s->in_avail;
}

static void add_note(notes *ns, const char *code, const char *detail,
                     uint64_t offset)
{
    if (ns->n == MAX_NOTES)  /* cannot happen: invariant 4 */
        return;
    note *d = &ns->d[ns->n++];
    d->code = code;
    snprintf(d->detail, sizeof d->detail, "%s", detail);
    d->offset = offset;
}

/* The reader hands the notes not yet sent to the sink, each once. */
static gs_status deliver(gs_source *s, notes *ns, gs_error *err)
{
    while (ns->sent < ns->n) {
        const note *d = &ns->d[ns->sent++];
        if (!s->sink || !s->sink->defect)
            continue;
        gs_loc loc = { .offset = d->offset };
        if (s->sink->defect(s->sink->ud, d->code, d->detail, &loc) != 0)
            return gs_error_set(err, GS_ECANCELED, "%s: stopped by the sink",
                                s->path);
    }
    return GS_OK;
}

/* Called once, when the disk side ends: did the file change under us? */
static gs_status check_unchanged(gs_source *s, notes *ns, gs_error *err)
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
    add_note(ns, "file.changed_while_reading", detail, s->bytes_in);
    return GS_OK;
}

/* Top the input block up from disk, never past the size seen at open. */
static gs_status fill(gs_source *s, notes *ns, gs_error *err)
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
        return check_unchanged(s, ns, err);
    }
    return GS_OK;
}

static gs_status plain_read(gs_source *s, unsigned char *buf, size_t cap,
                            size_t *got, gs_error *err)
{
    while (s->in_avail == 0 && !s->disk_eof) {
        notes ns = { 0 };
        gs_status st = fill(s, &ns, err);
        if (st == GS_OK)
            st = deliver(s, &ns, err);
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

/* ---- the disk and inflate side: making one block ------------------------ */

static gs_status over_limit(gs_source *s, block *b, const char *code,
                            const char *detail)
{
    add_note(&b->notes, code, detail, disk_offset(s));
    return gs_error_set(&b->err, GS_ELIMIT, "%s: %s", s->path, detail);
}

static gs_status check_limits(gs_source *s, block *b)
{
    char detail[160];
    uint64_t out = s->made + b->len;
    uint64_t max = s->lim->max_inflated_bytes;
    uint64_t ratio = s->lim->max_inflate_ratio;
    if (max && out > max) {
        snprintf(detail, sizeof detail,
                 "gzip output exceeds max_inflated_bytes (%llu)",
                 (unsigned long long)max);
        return over_limit(s, b, "gzip.size_exceeded", detail);
    }
    if (ratio && out > RATIO_GRACE && s->consumed <= UINT64_MAX / ratio &&
        out > ratio * s->consumed) {
        snprintf(detail, sizeof detail,
                 "gzip output exceeds %llu times its compressed size "
                 "(%llu bytes from %llu)", (unsigned long long)ratio,
                 (unsigned long long)out, (unsigned long long)s->consumed);
        return over_limit(s, b, "gzip.ratio_exceeded", detail);
    }
    return GS_OK;
}

/* A defect that ends the data after this block, at the input cursor. */
static gs_status end_with(gs_source *s, block *b, const char *code,
                          const char *detail)
{
    s->ended = true;
    add_note(&b->notes, code, detail, disk_offset(s));
    return GS_OK;
}

static void take(gs_source *s, size_t n)
{
    s->in_pos += n;
    s->in_avail -= n;
    s->consumed += n;
}

/* The input ends inside a member: every byte left is taken, as zlib does,
 * so the defect is at the end of the file. */
static gs_status truncated(gs_source *s, block *b)
{
    take(s, s->in_avail);
    return end_with(s, b, "gzip.truncated",
                    "gzip member ends before its end marker");
}

static gs_status corrupt_after(gs_source *s, block *b, size_t n,
                               const char *detail)
{
    take(s, n);
    return end_with(s, b, "gzip.corrupt", detail);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* ISA-L 2.30 (Debian 12) computes the CRC-32 with AVX-512 where the CPU has
 * it (crc32_gzip_refl_by16_10) and returns without vzeroupper. Until the
 * upper register halves are cleared, every SSE instruction after it, ours
 * and libc's, runs slower: profiling the bench csv.gz took 0.76 CPU-s
 * instead of 0.56. So each ISA-L call is followed by a vzeroupper. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx"))) static void zero_upper(void)
{
    _mm256_zeroupper();
}

static void after_isal(void)
{
    if (__builtin_cpu_supports("avx"))
        zero_upper();
}
#else
static void after_isal(void)
{
}
#endif

/* Between members: a member's first four bytes, a clean end, or trailing
 * garbage. Method and flags are judged as zlib judges them. */
static gs_status member_start(gs_source *s, block *b)
{
    const unsigned char *p = s->in_pos;
    if (s->in_avail == 0) {
        s->ended = true;
        return GS_OK;
    }
    if (s->in_avail < 2 || p[0] != 0x1f || p[1] != 0x8b)
        return end_with(s, b, "gzip.trailing_garbage",
                        "bytes after the last gzip member are not a gzip member");
    if (s->in_avail < 4)
        return truncated(s, b);
    if (p[2] != 8)
        return corrupt_after(s, b, 4, "unknown compression method");
    if (p[3] & 0xe0)
        return corrupt_after(s, b, 4, "unknown header flags set");
    isal_inflate_reset(s->zs);
    isal_gzip_header_init(&s->hdr);
    s->phase = GZ_HEADER;
    return GS_OK;
}

/* The rest of the header; ISA-L skips FEXTRA, FNAME and FCOMMENT and checks
 * FHCRC, keeping partial fields in its state between calls. */
static gs_status member_header(gs_source *s, block *b)
{
    if (s->in_avail == 0)  /* and the disk is done */
        return truncated(s, b);
    s->zs->next_in = s->in_pos;
    s->zs->avail_in = (uint32_t)s->in_avail;
    int r = isal_read_gzip_header(s->zs, &s->hdr);
    after_isal();
    take(s, s->in_avail - s->zs->avail_in);
    if (r == ISAL_DECOMP_OK)
        s->phase = GZ_DEFLATE;
    else if (r != ISAL_END_INPUT)  /* END_INPUT took every byte: fill */
        return end_with(s, b, "gzip.corrupt",
                        r == ISAL_INCORRECT_CHECKSUM ? "header crc mismatch"
                                                     : "invalid gzip header");
    return GS_OK;
}

/* ISA-L's words for a bad deflate stream, zlib's where they mean the same. */
static const char *deflate_error(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK:
        return "invalid deflate block header";
    case ISAL_INVALID_SYMBOL:
        return "invalid deflate code";
    case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
    default:
        return "invalid deflate data";
    }
}

/* The whole bytes still in ISA-L's bit buffer (its read-ahead) go back in
 * front of in_pos, where there is room (invariant 8); the bits of the last
 * deflate byte that no code used are padding. */
static void give_back(gs_source *s)
{
    struct inflate_state *zs = s->zs;
    assert(zs->tmp_in_size == 0 && zs->read_in_length <= 8 * GIVE_BACK);
    unsigned n = (unsigned)zs->read_in_length / 8;
    uint64_t bits = zs->read_in >> (zs->read_in_length % 8);
    s->in_pos -= n;
    for (unsigned i = 0; i < n; i++)
        s->in_pos[i] = (unsigned char)(bits >> (8 * i));
    s->in_avail += n;
    s->consumed -= n;
    zs->read_in = 0;
    zs->read_in_length = 0;
}

/* isal_inflate() returned r < 0. On a distance past the start of the
 * member, ISA-L 2.30 has already copied the match (from up to 32 KiB before
 * its output buffer: ISAL_GUARD) and counted it in next_out and total_out,
 * and may leave avail_in wrapped below zero (tests/data/fuzz/gzip/
 * lookback-*). So nothing this call made is handed out, and the defect is
 * located from next_in: at the first byte ISA-L had not decoded, its
 * read-ahead taken off. */
static gs_status bad_deflate(gs_source *s, block *b, int r)
{
    const struct inflate_state *zs = s->zs;
    size_t used = (size_t)(zs->next_in - s->in_pos);
    size_t ahead = zs->read_in_length > 0 ? (size_t)zs->read_in_length / 8 : 0;
    used = used > ahead ? used - ahead : 0;
    take(s, used < s->in_avail ? used : s->in_avail);
    return end_with(s, b, "gzip.corrupt", deflate_error(r));
}

/* One isal_inflate() call into the block, at most up to `end`. */
static gs_status member_data(gs_source *s, block *b, size_t end)
{
    /* Let it write at most one byte past max_inflated_bytes, so crossing
     * it is seen without producing much more. */
    size_t room = end - b->len;
    uint64_t max = s->lim->max_inflated_bytes, out = s->made + b->len;
    if (max && max - out < room)
        room = (size_t)(max - out) + 1;
    struct inflate_state *zs = s->zs;
    zs->next_in = s->in_pos;
    zs->avail_in = (uint32_t)s->in_avail;  /* <= SOURCE_BLOCK + GIVE_BACK */
    zs->next_out = b->data + b->len;
    zs->avail_out = (uint32_t)room;        /* <= OUT_BLOCK */
    int r = isal_inflate(zs);
    after_isal();
    if (r < 0)
        return bad_deflate(s, b, r);
    size_t used = s->in_avail - zs->avail_in, made = room - zs->avail_out;
    take(s, used);
    b->len += made;
    gs_status st = check_limits(s, b);
    if (st)
        return st;
    if (zs->block_state == ISAL_BLOCK_FINISH) {
        give_back(s);
        s->phase = GZ_TRAILER;
    } else if (used == 0 && made == 0 && s->in_avail == 0 && s->disk_eof) {
        return truncated(s, b);
    } else if (used == 0 && made == 0 && s->in_avail > 0) {
        return end_with(s, b, "gzip.corrupt", "inflate made no progress");
    }
    return GS_OK;
}

/* CRC-32 and ISIZE (the length mod 2^32), each judged after its 4 bytes. */
static gs_status member_trailer(gs_source *s, block *b)
{
    const unsigned char *p = s->in_pos;
    if (s->in_avail >= 4 && le32(p) != s->zs->crc)
        return corrupt_after(s, b, 4, "incorrect data check");
    if (s->in_avail < 8)
        return truncated(s, b);
    if (le32(p + 4) != s->zs->total_out)
        return corrupt_after(s, b, 8, "incorrect length check");
    take(s, 8);
    s->phase = GZ_START;
    return GS_OK;
}

/* One step of the current phase, once the buffer holds need[phase] bytes
 * or all the file has left. */
static gs_status member_step(gs_source *s, block *b, size_t end)
{
    switch (s->phase) {
    case GZ_START:
        return member_start(s, b);
    case GZ_HEADER:
        return member_header(s, b);
    case GZ_DEFLATE:
        return member_data(s, b, end);
    default:
        return member_trailer(s, b);
    }
}

static const size_t need[] = { [GZ_START] = 4, [GZ_HEADER] = 1,
                               [GZ_DEFLATE] = 1, [GZ_TRAILER] = 8 };

/* Past the first block, on the caller's thread only (invariant 7). */
static gs_status grow_block(gs_source *s, block *b)
{
    unsigned char *p = gs_realloc(b->data, OUT_BLOCK);
    if (!p)
        return gs_error_set(&b->err, GS_ENOMEM, "%s: out of memory",
                            s->path);
    b->data = p;
    b->cap = OUT_BLOCK;
    return GS_OK;
}

/* Fill b up to the next block boundary, or less and the end (invariant 5). */
static void make_block(gs_source *s, block *b)
{
    size_t end = s->made == 0 ? FIRST_BLOCK
                              : OUT_BLOCK - (size_t)(s->made % OUT_BLOCK);
    b->len = b->pos = 0;
    b->notes.n = b->notes.sent = 0;
    b->err = (gs_error){ 0 };
    gs_status st = b->cap < end ? grow_block(s, b) : GS_OK;
    while (st == GS_OK && b->len < end && !s->ended) {
        if (s->in_avail < need[s->phase] && !s->disk_eof)
            st = fill(s, &b->notes, &b->err);
        else
            st = member_step(s, b, end);
    }
    if (st != GS_OK) {
        b->len = 0;
        s->ended = true;
    }
    b->st = st;
    b->last = s->ended;
    b->bytes_in = s->bytes_in;
    s->made += b->len;
}

/* ---- the inflate thread and the ring -------------------------------------- */

static void *inflate_thread(void *arg)
{
    gs_source *s = arg;
    pthread_setname_np(pthread_self(), "gs-inflate");  /* for top, gdb */
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->count == RING && !s->stop)
            pthread_cond_wait(&s->freed_one, &s->mu);
        if (s->stop)
            break;
        block *b = &s->ring[s->head];
        pthread_mutex_unlock(&s->mu);
        make_block(s, b);
        pthread_mutex_lock(&s->mu);
        s->head = (s->head + 1) % RING;
        s->count++;
        pthread_cond_signal(&s->made_one);
        if (b->last)
            break;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Called between blocks, the ring empty: hand the disk and inflate side to
 * a thread. Leaves reading on this thread when it cannot. */
static void start_thread(gs_source *s)
{
    if (!s->thread_forced && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        s->thread_after = UINT64_MAX;  /* nothing to overlap with */
        return;
    }
    for (unsigned i = 0; i < RING; i++)
        if (s->ring[i].cap < OUT_BLOCK && grow_block(s, &s->ring[i])) {
            s->thread_after = UINT64_MAX;  /* those allocated go at close */
            return;
        }
    s->head = s->tail;
    s->count = 0;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->made_one, NULL);
    pthread_cond_init(&s->freed_one, NULL);
    /* The thread takes no signals: they stay with the caller's threads. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    s->threaded = pthread_create(&s->tid, NULL, inflate_thread, s) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->threaded) {
        pthread_cond_destroy(&s->freed_one);
        pthread_cond_destroy(&s->made_one);
        pthread_mutex_destroy(&s->mu);
        s->thread_after = UINT64_MAX;
    }
}

/* Make ring[tail] the block being read: made here, or by the thread. */
static void take_block(gs_source *s)
{
    /* Never before a block with data (invariant 6). */
    if (!s->threaded && s->made > 0 && s->made >= s->thread_after)
        start_thread(s);
    if (s->threaded) {
        pthread_mutex_lock(&s->mu);
        while (s->count == 0)
            pthread_cond_wait(&s->made_one, &s->mu);
        pthread_mutex_unlock(&s->mu);
    } else {
        make_block(s, &s->ring[s->tail]);
    }
    s->have = true;
    s->seen_in = s->ring[s->tail].bytes_in;
}

static void release_block(gs_source *s)
{
    s->have = false;
    if (!s->threaded)
        return;
    pthread_mutex_lock(&s->mu);
    s->tail = (s->tail + 1) % RING;
    s->count--;
    pthread_cond_signal(&s->freed_one);
    pthread_mutex_unlock(&s->mu);
}

static void stop_thread(gs_source *s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->freed_one);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->tid, NULL);
    pthread_cond_destroy(&s->freed_one);
    pthread_cond_destroy(&s->made_one);
    pthread_mutex_destroy(&s->mu);
    s->threaded = false;
}

static gs_status gz_read(gs_source *s, unsigned char *buf, size_t cap,
                         size_t *got, gs_error *err)
{
    for (;;) {
        if (!s->have)
            take_block(s);
        block *b = &s->ring[s->tail];
        if (b->pos < b->len) {
            size_t n = b->len - b->pos < cap ? b->len - b->pos : cap;
            memcpy(buf, b->data + b->pos, n);
            b->pos += n;
            *got = n;
            return GS_OK;
        }
        gs_status st = deliver(s, &b->notes, err);
        if (st)
            return st;
        if (b->st) {
            s->latched = b->st;
            if (err && err->status == GS_OK)
                *err = b->err;
            return b->st;
        }
        if (b->last)
            return GS_OK;  /* the end, and it stays the end */
        release_block(s);
    }
}

void gs_source_inflate_here(gs_source *s)
{
    if (!s->thread_forced)
        s->thread_after = UINT64_MAX;
}

/* Where the environment moves the thread's start (invariant 6). */
static void thread_setting(gs_source *s)
{
    s->thread_after = THREAD_AFTER;
    s->thread_forced = gs_env_size("GAPSCAN_INFLATE_THREAD_AFTER",
                                   &s->thread_after);
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
    s->in_mem = gs_malloc(GIVE_BACK + SOURCE_BLOCK);
    if (!s->path || !s->in_mem)
        goto nomem;
    s->in = s->in_mem + GIVE_BACK;
    s->in_pos = s->in;

    while (s->in_avail < 2 && !s->disk_eof) {
        notes ns = { 0 };
        st = fill(s, &ns, err);
        if (st == GS_OK)
            st = deliver(s, &ns, err);
        if (st)
            goto fail;
    }
    s->seen_in = s->bytes_in;
    if (s->in_avail >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        s->comp = GS_COMPRESSION_GZIP;
        s->isal = gs_calloc(1, sizeof *s->isal);
        if (!s->isal)
            goto nomem;
        s->zs = &s->isal->zs;
        isal_inflate_init(s->zs);
        /* The CRC-32 of the output, in zs->crc; the trailer is ours. */
        s->zs->crc_flag = ISAL_GZIP_NO_HDR;
        if (!(s->ring[0].data = gs_malloc(FIRST_BLOCK)))
            goto nomem;
        s->ring[0].cap = FIRST_BLOCK;
        thread_setting(s);
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
    return src->comp == GS_COMPRESSION_GZIP ? src->seen_in : src->bytes_in;
}

uint64_t gs_source_bytes_out(const gs_source *src)
{
    return src->bytes_out;
}

void gs_source_close(gs_source *src)
{
    if (!src)
        return;
    if (src->threaded)
        stop_thread(src);
    for (unsigned i = 0; i < RING; i++)
        gs_free(src->ring[i].data);
    gs_free(src->isal);
    if (src->fd >= 0)
        close(src->fd);
    gs_free(src->in_mem);
    gs_free(src->path);
    gs_free(src);
}

const char *gs_compression_name(gs_compression c)
{
    return c == GS_COMPRESSION_GZIP ? "gzip" : NULL;
}

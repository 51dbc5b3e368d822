/* fuzz_gzip.c - the gzip reader of gs_source on any file.
 *
 * The input is the file; one that does not start with 1f 8b gets them in
 * front, so nearly every input reaches the gzip wrapper and ISA-L's
 * inflate. The bytes go to a file on tmpfs (/dev/shm; /tmp when there is
 * none): unlike fuzz_profile.c's memfd, /proc/self/fd/N is a symlink that
 * gs_source_open rightly refuses. The input's last byte picks the limits:
 * 0-1 (mod 4) the default ratio, 2 a small max_inflated_bytes (1 byte to
 * 127 KiB, around the first block's end), 3 a small max_inflate_ratio
 * (1..16). max_inflated_bytes is never above OUT_MAX, so that an
 * execution stays fast whatever the input inflates to.
 *
 * The file is read to its end three times: in one big cap without the
 * inflate thread, in caps cycling through 1, 7, 64 and 4096 bytes without
 * it, and in those caps from another phase with the thread started after
 * the first block (GAPSCAN_INFLATE_THREAD_AFTER, read at open).
 *
 * Checked, beyond sanitizer errors (source.h, source.c's invariants):
 *   1. reading ends (no more reads than bytes, plus the last), each read
 *      gives at most its cap, bytes_out counts what was handed out and
 *      bytes_in never goes back nor past the file's size;
 *   2. the end is GS_OK, or GS_ELIMIT after a ratio or size defect; the
 *      next reads say the same and report nothing more;
 *   3. at most one defect, from the documented codes, located inside the
 *      file, with a detail, after every byte handed out: a defect that
 *      ends the data is reported once;
 *   4. the limits hold: no more than max_inflated_bytes out, nor more than
 *      max_inflate_ratio x the file's size past the first MiB;
 *   5. the three reads give the same bytes, defects (code, detail, offset,
 *      bytes before it) and status (invariants 5 and 6: not the cap, not
 *      the thread);
 *   6. the bytes agree with zlib's inflate over the same file as far as
 *      both go, and a file zlib reads cleanly within the limit is read
 *      cleanly here into the same bytes (source.c inflated with zlib
 *      before ISA-L).
 */
#include "fuzz.h"

#include "gapscan/source.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define OUT_MAX ((uint64_t)3 << 20)
#define RATIO_GRACE ((uint64_t)1 << 20) /* source.c: output before the
                                           ratio counts */
#define BIG_CAP (1 << 20)

/* What one read of the file gave. */
typedef struct run {
    unsigned char *out;
    size_t len, cap;
    char log[1024];  /* "code@offset after bytes: detail\n" per defect */
    unsigned defects;
    size_t defect_at;  /* bytes handed out when the defect came */
    bool ends_data;    /* a ratio or size defect was reported */
} run;

/* Empty r, keeping its buffer (runs are reused: fewer big allocations). */
static void clear(run *r)
{
    unsigned char *out = r->out;
    size_t cap = r->cap;
    memset(r, 0, sizeof *r);
    r->out = out;
    r->cap = cap;
}

static void put(run *r, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (r->len + n > r->cap) {
        r->cap = 2 * (r->len + n) + 4096;
        r->out = realloc(r->out, r->cap);
        FUZZ_CHECK(r->out != NULL, "memory for the output");
    }
    memcpy(r->out + r->len, p, n);
    r->len += n;
}

static uint64_t file_size;

static int on_defect(void *ud, const char *code, const char *detail,
                     const gs_loc *loc)
{
    static const char *const codes[] = {
        "gzip.truncated", "gzip.corrupt", "gzip.trailing_garbage",
        "gzip.ratio_exceeded", "gzip.size_exceeded"
    };
    run *r = ud;
    bool known = false;
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        known |= strcmp(code, codes[i]) == 0;
    if (!known)
        fprintf(stderr, "defect %s\n", code);
    FUZZ_CHECK(known, "a documented gzip defect code");
    FUZZ_CHECK(detail && detail[0], "a defect has a detail");
    FUZZ_CHECK(loc && loc->offset <= file_size, "a defect inside the file");
    FUZZ_CHECK(++r->defects == 1, "at most one defect, reported once");
    r->ends_data = strstr(code, "_exceeded") != NULL;
    r->defect_at = r->len;
    size_t used = strlen(r->log);
    snprintf(r->log + used, sizeof r->log - used, "%s@%llu after %zu: %s\n",
             code, (unsigned long long)loc->offset, r->len, detail);
    return 0;
}

static char mem_path[64] = "/dev/shm/fuzz_gzip.XXXXXX";

static void remove_file(void)
{
    unlink(mem_path);
}

/* gs_source_open refuses /proc/self/fd/N (O_NOFOLLOW, a symlink), so the
 * file is a real one on tmpfs, written over for every input. */
static void write_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static const unsigned char magic[2] = { 0x1f, 0x8b };
    if (fd < 0) {
        fd = mkstemp(mem_path);
        if (fd < 0) {
            snprintf(mem_path, sizeof mem_path, "/tmp/fuzz_gzip.XXXXXX");
            fd = mkstemp(mem_path);
        }
        FUZZ_CHECK(fd >= 0, "a file on /dev/shm or /tmp");
        atexit(remove_file);
    }
    size_t pre = size >= 2 && data[0] == 0x1f && data[1] == 0x8b ? 0 : 2;
    FUZZ_CHECK(ftruncate(fd, 0) == 0 &&
                   pwrite(fd, magic, pre, 0) == (ssize_t)pre &&
                   pwrite(fd, data, size, (off_t)pre) == (ssize_t)size,
               "the file takes the input");
    file_size = pre + size;
}

/* Read the file to its end in caps from caps[] (n of them, cycling from
 * `first`) with the thread starting after `thread_after`. */
static void read_file(const gs_limits *lim, const size_t *caps, size_t n,
                      size_t first, const char *thread_after, run *r)
{
    static unsigned char buf[BIG_CAP];
    clear(r);
    FUZZ_CHECK(setenv("GAPSCAN_INFLATE_THREAD_AFTER", thread_after, 1) == 0,
               "setenv works");
    gs_sink sink = { .ud = r, .defect = on_defect };
    gs_source *src = NULL;
    gs_error err = { 0 };
    gs_status st = gs_source_open(mem_path, lim, &sink, &src, &err);
    FUZZ_CHECK(st == GS_OK && src, "the file opens");
    FUZZ_CHECK(gs_source_compression(src) == GS_COMPRESSION_GZIP,
               "1f 8b is gzip");
    uint64_t in = 0;
    for (uint64_t reads = 0;; reads++) {
        FUZZ_CHECK(reads <= lim->max_inflated_bytes + 1, "reading ends");
        size_t cap = caps[(first + reads) % n], got = 99;
        err = (gs_error){ 0 };
        st = gs_source_read(src, buf, cap, &got, &err);
        FUZZ_CHECK(got <= cap, "a read gives at most its cap");
        FUZZ_CHECK(gs_source_bytes_in(src) >= in &&
                       gs_source_bytes_in(src) <= file_size,
                   "bytes_in moves forward inside the file");
        in = gs_source_bytes_in(src);
        if (st != GS_OK || got == 0)
            break;
        put(r, buf, got);
        FUZZ_CHECK(gs_source_bytes_out(src) == r->len,
                   "bytes_out counts what was handed out");
    }
    FUZZ_CHECK(st == GS_OK || st == GS_ELIMIT, "the end is OK or a limit");
    FUZZ_CHECK((st == GS_ELIMIT) == r->ends_data,
               "GS_ELIMIT exactly after a ratio or size defect");
    FUZZ_CHECK(st == GS_OK || err.message[0], "a limit says why");
    for (int again = 0; again < 2; again++) {
        size_t got = 99;
        unsigned defects = r->defects;
        gs_status st2 = gs_source_read(src, buf, 1, &got, &err);
        FUZZ_CHECK(st2 == st && got == 0 && r->defects == defects,
                   "the end stays the end and reports nothing more");
    }
    gs_source_close(src);
    FUZZ_CHECK(r->defects == 0 || r->defect_at == r->len,
               "a defect comes after every byte");
    FUZZ_CHECK(r->len <= lim->max_inflated_bytes,
               "no more than max_inflated_bytes out");
    FUZZ_CHECK(!lim->max_inflate_ratio || r->len <= RATIO_GRACE ||
                   r->len <= lim->max_inflate_ratio * file_size,
               "no more than max_inflate_ratio x the file out");
}

/* zlib over the same bytes: members in turn, as source.c read them before
 * ISA-L, at most max + 1 bytes out. True when it read to a clean end. */
static bool zlib_read(const uint8_t *z, size_t n, uint64_t max, run *r)
{
    clear(r);
    unsigned char buf[16384];
    z_stream zs = { 0 };
    FUZZ_CHECK(inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK, "zlib starts");
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)n;
    int zr;
    for (;;) {
        do {
            zs.next_out = buf;
            zs.avail_out = sizeof buf;
            zr = inflate(&zs, Z_NO_FLUSH);
            put(r, buf, sizeof buf - zs.avail_out);
        } while (zr == Z_OK && r->len <= max);
        size_t pos = n - zs.avail_in;
        if (zr != Z_STREAM_END || pos == n || n - pos < 2 || z[pos] != 0x1f ||
            z[pos + 1] != 0x8b)
            break;
        inflateReset(&zs);
    }
    inflateEnd(&zs);
    return zr == Z_STREAM_END && zs.avail_in == 0 && r->len <= max;
}

static void same(const run *a, const run *b, const char *what)
{
    if (a->len != b->len || (a->len && memcmp(a->out, b->out, a->len)) ||
        strcmp(a->log, b->log) != 0) {
        fprintf(stderr, "%s: %zu bytes, %zu in one cap\n%s--- in one cap\n%s",
                what, b->len, a->len, b->log, a->log);
        FUZZ_CHECK(0, "the same bytes and defects whatever the reads");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t big[] = { BIG_CAP }, small[] = { 1, 7, 64, 4096 };
    unsigned sel = size ? data[size - 1] : 0;
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_inflated_bytes = OUT_MAX;
    if (sel % 4 == 2) {
        lim.max_inflated_bytes = 1 + (uint64_t)(sel / 4) * 2053;
        lim.max_inflate_ratio = 0;
    } else if (sel % 4 == 3) {
        lim.max_inflate_ratio = 1 + (sel / 4) % 16;
    }
    write_file(data, size);

    static run one, cycling, threaded, ref;
    read_file(&lim, big, 1, 0, "never", &one);
    read_file(&lim, small, 4, 0, "never", &cycling);
    read_file(&lim, small, 4, 2, "1", &threaded);
    same(&one, &cycling, "caps 1, 7, 64, 4096");
    same(&one, &threaded, "with the inflate thread");

    /* zlib over the file as it is on disk. */
    uint8_t *file = malloc(file_size ? file_size : 1);
    FUZZ_CHECK(file != NULL, "memory for the file");
    size_t pre = (size_t)file_size - size;
    memcpy(file, "\x1f\x8b", pre);
    if (size)
        memcpy(file + pre, data, size);
    bool clean = zlib_read(file, (size_t)file_size, lim.max_inflated_bytes,
                           &ref);
    size_t both = one.len < ref.len ? one.len : ref.len;
    if (both && memcmp(one.out, ref.out, both) != 0)
        FUZZ_CHECK(0, "the bytes agree with zlib's as far as both go");
    if (clean && !one.ends_data && (one.len != ref.len || one.defects)) {
        fprintf(stderr, "zlib: %zu bytes, clean; here: %zu bytes\n%s",
                ref.len, one.len, one.log);
        FUZZ_CHECK(0, "what zlib reads cleanly reads cleanly here");
    }
    free(file);
    return 0;
}

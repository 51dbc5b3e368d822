/* test_source.c - the "source" suite: reading one file, plain or gzip.
 *
 * Fixed cases are data-driven (tests/data/source/README: NAME, NAME.expected,
 * NAME.defects); large or hostile inputs (bombs, growing files, FIFOs, other
 * users' files) are made at run time in a mkdtemp() directory. */
#include "gapscan/source.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* ---- helpers ---------------------------------------------------------- */

typedef struct rec_sink {
    gs_sink sink;
    size_t n;
    char code[16][48];
    uint64_t offset[16];
} rec_sink;

static int rec_defect(void *ud, const char *code, const char *detail,
                      const gs_loc *loc)
{
    rec_sink *r = ud;
    (void)detail;
    if (r->n < 16) {
        snprintf(r->code[r->n], sizeof r->code[r->n], "%s", code);
        r->offset[r->n] = loc ? loc->offset : UINT64_MAX;
    }
    r->n++;
    return 0;
}

static void rec_init(rec_sink *r)
{
    memset(r, 0, sizeof *r);
    r->sink.ud = r;
    r->sink.defect = rec_defect;
}

/* main() makes one base directory per run and removes it after all tests,
 * passed or failed (a failed test exits before its own clean-up). It is
 * mode 0755 so that a child running as nobody can reach the trees. */
static char tmp_base[256];
static char tmp_root[300];

static void make_base(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_base, sizeof tmp_base, "%s/gs-source-XXXXXX", t && *t ? t : "/tmp");
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

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb;
    (void)f;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void remove_tmp(void)
{
    if (tmp_root[0])
        nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmp_root[0] = '\0';
}

static char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int i;
    char *p = buf[i++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", tmp_root, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cap = 4096, n = 0;
    unsigned char *b = malloc(cap);
    size_t k;
    while ((k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

/* Read the whole source in pieces of `cap`; returns the last status. */
static gs_status drain(gs_source *src, size_t cap, unsigned char **out,
                       size_t *len, gs_error *err)
{
    unsigned char *piece = malloc(cap);
    size_t n = 0, have = 1 << 16;
    unsigned char *all = malloc(have);
    gs_status st;
    for (;;) {
        size_t got;
        st = gs_source_read(src, piece, cap, &got, err);
        if (st != GS_OK || got == 0)
            break;
        ck_assert_uint_le(got, cap);
        while (n + got > have)
            all = realloc(all, have *= 2);
        memcpy(all + n, piece, got);
        n += got;
    }
    free(piece);
    *out = all;
    *len = n;
    return st;
}

/* gzip one buffer in memory as a single member. */
static unsigned char *gzip_mem(const void *data, size_t len, size_t *outlen)
{
    z_stream zs = { 0 };
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, len);
    unsigned char *out = malloc(cap);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *outlen = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static unsigned char *pattern(size_t len, unsigned seed)
{
    unsigned char *b = malloc(len);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        /* Text-like, so gzip has something to do. */
        b[i] = (unsigned char)("abcdefgh ,\n0123"[(x >> 16) & 15]);
    }
    return b;
}

/* len bytes of pattern(seed), gzipped into the file tmp_path(name); the
 * bytes are returned (the caller frees them). */
static unsigned char *write_pattern_gz(const char *name, size_t len,
                                       unsigned seed)
{
    size_t zlen;
    unsigned char *data = pattern(len, seed);
    unsigned char *z = gzip_mem(data, len, &zlen);
    write_file(tmp_path(name), z, zlen);
    free(z);
    return data;
}

static const size_t caps[] = { 1, 7, 4096, 65536, 1 << 20 };
#define N_CAPS (sizeof caps / sizeof caps[0])

/* ---- data-driven fixtures --------------------------------------------- */

static const char *const fixtures[] = {
    "hello.txt.gz", "two_members.gz", "trailing_garbage.gz",
    "truncated_trailer.gz", "bad_crc.gz", "plain_named.gz", "empty.gz",
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

START_TEST(each_fixture_reads_as_its_expected_bytes_and_defects)
{
    const char *dir = getenv("GS_DATADIR");
    ck_assert_msg(dir != NULL, "GS_DATADIR is not set");
    const char *name = fixtures[_i / N_CAPS];
    size_t cap = caps[_i % N_CAPS];
    char path[1024], exp_path[1100], def_path[1100];
    snprintf(path, sizeof path, "%s/source/%s", dir, name);
    snprintf(exp_path, sizeof exp_path, "%s.expected", path);
    snprintf(def_path, sizeof def_path, "%s.defects", path);

    size_t exp_len, def_len;
    unsigned char *expected = slurp(exp_path, &exp_len);
    unsigned char *defects = slurp(def_path, &def_len);

    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(path, &lim, &r.sink, &src, &err), GS_OK);
    unsigned char *got;
    size_t len;
    ck_assert_int_eq(drain(src, cap, &got, &len, &err), GS_OK);
    ck_assert_msg(len == exp_len && memcmp(got, expected, len) == 0,
                  "%s (cap %zu): %zu bytes out, %zu expected", name, cap, len,
                  exp_len);
    ck_assert_uint_eq(gs_source_bytes_out(src), exp_len);

    /* Transcript of defects: "code offset\n" each. */
    char transcript[1024] = "";
    for (size_t i = 0; i < r.n && i < 16; i++) {
        size_t used = strlen(transcript);
        snprintf(transcript + used, sizeof transcript - used, "%s %llu\n",
                 r.code[i], (unsigned long long)r.offset[i]);
    }
    ck_assert_msg(strlen(transcript) == def_len &&
                      memcmp(transcript, defects, def_len) == 0,
                  "%s: defects were:\n%s", name, transcript);
    gs_source_close(src);
    free(got);
    free(expected);
    free(defects);
}
END_TEST

/* ---- plain ------------------------------------------------------------ */

START_TEST(plain_read_is_identical_to_the_file_in_any_block_size)
{
    make_tmp();
    size_t len = 300 * 1000 + 17;
    unsigned char *data = pattern(len, 1);
    write_file(tmp_path("plain.csv"), data, len);
    gs_limits lim;
    gs_limits_default(&lim);
    for (size_t c = 0; c < N_CAPS; c++) {
        gs_error err = { 0 };
        gs_source *src;
        rec_sink r;
        rec_init(&r);
        ck_assert_int_eq(gs_source_open(tmp_path("plain.csv"), &lim, &r.sink,
                                        &src, &err), GS_OK);
        ck_assert_int_eq(gs_source_compression(src), GS_COMPRESSION_NONE);
        ck_assert_ptr_null(gs_compression_name(gs_source_compression(src)));
        ck_assert_uint_eq(gs_source_size(src), len);
        ck_assert_int_gt(gs_source_mtime(src), 0);
        unsigned char *got;
        size_t n;
        ck_assert_int_eq(drain(src, caps[c], &got, &n, &err), GS_OK);
        ck_assert_uint_eq(n, len);
        ck_assert(memcmp(got, data, len) == 0);
        ck_assert_uint_eq(gs_source_bytes_in(src), len);
        ck_assert_uint_eq(gs_source_bytes_out(src), len);
        ck_assert_uint_eq(r.n, 0);
        /* The end stays the end. */
        size_t again = 99;
        ck_assert_int_eq(gs_source_read(src, got, 1, &again, &err), GS_OK);
        ck_assert_uint_eq(again, 0);
        gs_source_close(src);
        free(got);
    }
    free(data);
    remove_tmp();
}
END_TEST

START_TEST(gz_name_with_plain_text_is_read_as_plain_without_defect)
{
    make_tmp();
    const char text[] = "not compressed at all\n";
    write_file(tmp_path("data.csv.gz"), text, sizeof text - 1);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("data.csv.gz"), &lim, &r.sink,
                                    &src, &err), GS_OK);
    ck_assert_int_eq(gs_source_compression(src), GS_COMPRESSION_NONE);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 5, &got, &n, &err), GS_OK);
    ck_assert_uint_eq(n, sizeof text - 1);
    ck_assert(memcmp(got, text, n) == 0);
    ck_assert_uint_eq(r.n, 0);
    gs_source_close(src);
    free(got);
    remove_tmp();
}
END_TEST

/* ---- gzip ------------------------------------------------------------- */

START_TEST(gzip_single_member_inflates_to_the_original)
{
    make_tmp();
    size_t len = 2 * 1000 * 1000 + 3, zlen;
    unsigned char *data = pattern(len, 2);
    unsigned char *z = gzip_mem(data, len, &zlen);
    write_file(tmp_path("one.bin"), z, zlen);
    gs_limits lim;
    gs_limits_default(&lim);
    for (size_t c = 0; c < N_CAPS; c++) {
        gs_error err = { 0 };
        gs_source *src;
        ck_assert_int_eq(gs_source_open(tmp_path("one.bin"), &lim, NULL, &src,
                                        &err), GS_OK);
        ck_assert_int_eq(gs_source_compression(src), GS_COMPRESSION_GZIP);
        ck_assert_str_eq(gs_compression_name(GS_COMPRESSION_GZIP), "gzip");
        ck_assert_uint_eq(gs_source_size(src), zlen);
        unsigned char *got;
        size_t n;
        ck_assert_int_eq(drain(src, caps[c], &got, &n, &err), GS_OK);
        ck_assert_uint_eq(n, len);
        ck_assert(memcmp(got, data, len) == 0);
        ck_assert_uint_eq(gs_source_bytes_in(src), zlen);
        ck_assert_uint_eq(gs_source_bytes_out(src), len);
        gs_source_close(src);
        free(got);
    }
    free(z);
    free(data);
    remove_tmp();
}
END_TEST

START_TEST(concatenated_members_equal_the_concatenated_plain_data)
{
    make_tmp();
    size_t lens[3] = { 70000, 1, 300000 };
    size_t total = 0, ztotal = 0;
    unsigned char *plain = malloc(lens[0] + lens[1] + lens[2]);
    unsigned char *gz = malloc(2 * (lens[0] + lens[1] + lens[2]) + 1024);
    for (int i = 0; i < 3; i++) {
        unsigned char *d = pattern(lens[i], 10 + (unsigned)i);
        size_t zl;
        unsigned char *z = gzip_mem(d, lens[i], &zl);
        memcpy(plain + total, d, lens[i]);
        memcpy(gz + ztotal, z, zl);
        total += lens[i];
        ztotal += zl;
        free(d);
        free(z);
    }
    write_file(tmp_path("multi.gz"), gz, ztotal);
    gs_limits lim;
    gs_limits_default(&lim);
    for (size_t c = 0; c < N_CAPS; c++) {
        rec_sink r;
        rec_init(&r);
        gs_error err = { 0 };
        gs_source *src;
        ck_assert_int_eq(gs_source_open(tmp_path("multi.gz"), &lim, &r.sink,
                                        &src, &err), GS_OK);
        unsigned char *got;
        size_t n;
        ck_assert_int_eq(drain(src, caps[c], &got, &n, &err), GS_OK);
        ck_assert_uint_eq(n, total);
        ck_assert(memcmp(got, plain, total) == 0);
        ck_assert_uint_eq(r.n, 0);
        gs_source_close(src);
        free(got);
    }
    free(plain);
    free(gz);
    remove_tmp();
}
END_TEST

START_TEST(truncated_gzip_gives_the_data_so_far_and_a_defect)
{
    make_tmp();
    size_t len = 500000, zlen;
    unsigned char *data = pattern(len, 3);
    unsigned char *z = gzip_mem(data, len, &zlen);
    size_t cut = zlen / 2;
    write_file(tmp_path("cut.gz"), z, cut);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("cut.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 4096, &got, &n, &err), GS_OK);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, len);
    ck_assert(memcmp(got, data, n) == 0);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "gzip.truncated");
    ck_assert_uint_eq(r.offset[0], cut);
    ck_assert_int_eq(err.status, GS_OK);
    gs_source_close(src);
    free(got);
    free(z);
    free(data);
    remove_tmp();
}
END_TEST

START_TEST(corrupt_deflate_data_is_a_defect_that_ends_the_data)
{
    make_tmp();
    size_t len = 200000, zlen;
    unsigned char *data = pattern(len, 4);
    unsigned char *z = gzip_mem(data, len, &zlen);
    for (size_t i = zlen / 3; i < zlen / 3 + 64; i++)
        z[i] ^= 0x5a;
    write_file(tmp_path("bad.gz"), z, zlen);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("bad.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 1000, &got, &n, &err), GS_OK);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "gzip.corrupt");
    ck_assert_uint_le(r.offset[0], zlen);
    gs_source_close(src);
    free(got);
    free(z);
    free(data);
    remove_tmp();
}
END_TEST

START_TEST(trailing_garbage_is_a_defect_at_its_offset)
{
    make_tmp();
    size_t len = 100000, zlen;
    unsigned char *data = pattern(len, 5);
    unsigned char *z = gzip_mem(data, len, &zlen);
    z = realloc(z, zlen + 4);
    memcpy(z + zlen, "\x1f\x00zz", 4);  /* half a magic is still garbage */
    write_file(tmp_path("tail.gz"), z, zlen + 4);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("tail.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 333, &got, &n, &err), GS_OK);
    ck_assert_uint_eq(n, len);
    ck_assert(memcmp(got, data, len) == 0);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "gzip.trailing_garbage");
    ck_assert_uint_eq(r.offset[0], zlen);
    gs_source_close(src);
    free(got);
    free(z);
    free(data);
    remove_tmp();
}
END_TEST

/* 200 MB of zeros deflates about 1000:1. */
static size_t write_zero_bomb(const char *path, size_t megabytes)
{
    static unsigned char zeros[1 << 20];
    unsigned char out[1 << 16];
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    z_stream zs = { 0 };
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    for (size_t i = 0; i < megabytes; i++) {
        zs.next_in = zeros;
        zs.avail_in = sizeof zeros;
        int flush = i + 1 == megabytes ? Z_FINISH : Z_NO_FLUSH;
        int zr;
        do {
            zs.next_out = out;
            zs.avail_out = sizeof out;
            zr = deflate(&zs, flush);
            fwrite(out, 1, sizeof out - zs.avail_out, f);
        } while (zs.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
    }
    size_t zlen = zs.total_out;
    deflateEnd(&zs);
    ck_assert_int_eq(fclose(f), 0);
    return zlen;
}

START_TEST(gzip_bomb_stops_with_elimit_and_a_ratio_defect)
{
    make_tmp();
    size_t zlen = write_zero_bomb(tmp_path("bomb.gz"), 200);
    ck_assert_uint_lt(zlen, 1000 * 1000);
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_inflate_ratio = 100;
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("bomb.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 65536, &got, &n, &err), GS_ELIMIT);
    ck_assert_int_eq(err.status, GS_ELIMIT);
    /* It stops soon after the first MiB, not after 200 MB. */
    ck_assert_uint_ge(n, 1 << 20);
    ck_assert_uint_lt(n, 2 << 20);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "gzip.ratio_exceeded");
    ck_assert_uint_le(r.offset[0], zlen);
    /* The limit is latched. */
    size_t more = 7;
    ck_assert_int_eq(gs_source_read(src, got, 10, &more, &err), GS_ELIMIT);
    ck_assert_uint_eq(more, 0);
    ck_assert_uint_eq(r.n, 1);
    gs_source_close(src);
    free(got);
    remove_tmp();
}
END_TEST

START_TEST(output_past_max_inflated_bytes_stops_with_elimit)
{
    make_tmp();
    write_zero_bomb(tmp_path("big.gz"), 20);
    gs_limits lim;
    gs_limits_default(&lim);
    lim.max_inflate_ratio = 0;  /* off: zeros beat the default 1000:1 */
    lim.max_inflated_bytes = 10 << 20;
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("big.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 1 << 20, &got, &n, &err), GS_ELIMIT);
    ck_assert_uint_le(n, 10 << 20);
    ck_assert_uint_ge(n, 9 << 20);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "gzip.size_exceeded");
    gs_source_close(src);
    free(got);

    /* Exactly at the limit is fine. */
    lim.max_inflated_bytes = 20 << 20;
    rec_init(&r);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(gs_source_open(tmp_path("big.gz"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    ck_assert_int_eq(drain(src, 1 << 20, &got, &n, &err), GS_OK);
    ck_assert_uint_eq(n, 20 << 20);
    ck_assert_uint_eq(r.n, 0);
    gs_source_close(src);
    free(got);
    remove_tmp();
}
END_TEST

/* ---- what is refused ---------------------------------------------------- */

START_TEST(directory_fifo_and_symlink_are_refused_without_blocking)
{
    make_tmp();
    alarm(10);  /* a blocking open would hang: fail fast instead */
    ck_assert_int_eq(mkfifo(tmp_path("pipe"), 0644), 0);
    write_file(tmp_path("real.txt"), "x", 1);
    ck_assert_int_eq(symlink("real.txt", tmp_path("link.txt")), 0);
    const char *refused[] = { tmp_root, tmp_path("pipe"), tmp_path("link.txt") };
    gs_limits lim;
    gs_limits_default(&lim);
    for (size_t i = 0; i < 3; i++) {
        gs_error err = { 0 };
        gs_source *src = (gs_source *)&err;  /* must come back NULL */
        ck_assert_int_eq(gs_source_open(refused[i], &lim, NULL, &src, &err),
                         GS_EFORMAT);
        ck_assert_ptr_null(src);
        ck_assert_msg(strstr(err.message, "not a regular file") != NULL,
                      "message: %s", err.message);
    }
    alarm(0);
    remove_tmp();
}
END_TEST

START_TEST(missing_file_is_enoent_with_errno)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open("/nonexistent/gapscan/x.csv", &lim, NULL,
                                    &src, &err), GS_ENOENT);
    ck_assert_ptr_null(src);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_str_eq(err.message,
                     "/nonexistent/gapscan/x.csv: No such file or directory");
}
END_TEST

/* 500 levels of a 9-byte name: 5,000 bytes, past PATH_MAX, which open(2)
 * refuses; the walker reaches such files, so the source must read them. */
START_TEST(a_path_past_path_max_is_read_one_directory_at_a_time)
{
    enum { LEVELS = 500 };
    static int fds[LEVELS + 1];
    make_tmp();
    size_t cap = strlen(tmp_root) + LEVELS * 10 + 32;
    char *path = malloc(cap), *end = path;
    end += sprintf(end, "%s", tmp_root);
    fds[0] = open(tmp_root, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fds[0], 0);
    for (int i = 0; i < LEVELS; i++) {
        ck_assert_int_eq(mkdirat(fds[i], "level_dir", 0755), 0);
        fds[i + 1] = openat(fds[i], "level_dir", O_RDONLY | O_DIRECTORY);
        ck_assert_int_ge(fds[i + 1], 0);
        end += sprintf(end, "/level_dir");
    }
    int f = openat(fds[LEVELS], "deep.csv", O_WRONLY | O_CREAT, 0644);
    ck_assert_int_eq(write(f, "id\n1\n", 5), 5);
    close(f);
    ck_assert_int_eq(symlinkat("deep.csv", fds[LEVELS], "link.csv"), 0);
    ck_assert_uint_gt(strlen(path), PATH_MAX);

    gs_limits lim;
    gs_limits_default(&lim);
    gs_error err = {0};
    gs_source *src = NULL;
    sprintf(end, "/deep.csv");
    ck_assert_int_eq(gs_source_open(path, &lim, NULL, &src, &err), GS_OK);
    unsigned char *all;
    size_t len;
    ck_assert_int_eq(drain(src, 64, &all, &len, &err), GS_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(all, "id\n1\n", 5), 0);
    free(all);
    gs_source_close(src);
    /* the last component is still never followed */
    sprintf(end, "/link.csv");
    ck_assert_int_eq(gs_source_open(path, &lim, NULL, &src, &err), GS_EFORMAT);
    /* and a missing one is still ENOENT, with the reason in the message */
    sprintf(end, "/missing.csv");
    err = (gs_error){0};
    ck_assert_int_eq(gs_source_open(path, &lim, NULL, &src, &err), GS_ENOENT);
    ck_assert_ptr_nonnull(strstr(err.message, "missing.csv: No such file or directory"));
    free(path);

    unlinkat(fds[LEVELS], "link.csv", 0);
    unlinkat(fds[LEVELS], "deep.csv", 0);
    for (int i = LEVELS; i > 0; i--) {
        close(fds[i]);
        ck_assert_int_eq(unlinkat(fds[i - 1], "level_dir", AT_REMOVEDIR), 0);
    }
    close(fds[0]);
    remove_tmp();
}
END_TEST

/* ---- files that change under us ---------------------------------------- */

START_TEST(file_that_grows_while_read_gives_only_its_size_at_open)
{
    make_tmp();
    size_t len = 200000;
    unsigned char *data = pattern(len, 6);
    write_file(tmp_path("grow.log"), data, len);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("grow.log"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    unsigned char buf[4096];
    size_t got, total = 0;
    ck_assert_int_eq(gs_source_read(src, buf, sizeof buf, &got, &err), GS_OK);
    total += got;
    FILE *f = fopen(tmp_path("grow.log"), "ab");
    ck_assert_ptr_nonnull(f);
    fwrite(data, 1, 50000, f);
    fclose(f);
    while (gs_source_read(src, buf, sizeof buf, &got, &err) == GS_OK && got > 0)
        total += got;
    ck_assert_int_eq(err.status, GS_OK);
    ck_assert_uint_eq(total, len);
    ck_assert_uint_eq(gs_source_bytes_in(src), len);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "file.changed_while_reading");
    ck_assert_uint_eq(r.offset[0], len);
    gs_source_close(src);
    free(data);
    remove_tmp();
}
END_TEST

START_TEST(file_that_shrinks_while_read_ends_early_with_a_defect)
{
    make_tmp();
    size_t len = 300000;
    unsigned char *data = pattern(len, 7);
    write_file(tmp_path("shrink.log"), data, len);
    gs_limits lim;
    gs_limits_default(&lim);
    rec_sink r;
    rec_init(&r);
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(tmp_path("shrink.log"), &lim, &r.sink, &src,
                                    &err), GS_OK);
    ck_assert_int_eq(truncate(tmp_path("shrink.log"), 100000), 0);
    unsigned char *got;
    size_t n;
    ck_assert_int_eq(drain(src, 4096, &got, &n, &err), GS_OK);
    ck_assert_uint_ge(n, 65536);  /* the first block was read at open */
    ck_assert_uint_le(n, 100000);
    ck_assert(memcmp(got, data, n) == 0);
    ck_assert_uint_eq(r.n, 1);
    ck_assert_str_eq(r.code[0], "file.changed_while_reading");
    gs_source_close(src);
    free(got);
    free(data);
    remove_tmp();
}
END_TEST

/* ---- permissions (as another user) ------------------------------------ */

/* Run body() in a child that is user/group 65534 when we are root, and
 * return its exit status (0 = all good, else the failing check's number). */
static int as_nobody(int (*body)(void))
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (geteuid() == 0 &&
            (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
            _exit(100);
        _exit(body());
    }
    int ws;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_msg(WIFEXITED(ws), "child died with a signal");
    return WEXITSTATUS(ws);
}

static int read_foreign_files(void)
{
    gs_limits lim;
    gs_limits_default(&lim);
    gs_error err = { 0 };
    gs_source *src;
    /* Not ours: O_NOATIME is refused with EPERM, the retry must succeed. */
    if (gs_source_open(tmp_path("theirs.txt"), &lim, NULL, &src, &err) != GS_OK)
        return 1;
    unsigned char buf[64];
    size_t got;
    if (gs_source_read(src, buf, sizeof buf, &got, &err) != GS_OK || got != 6 ||
        memcmp(buf, "hello\n", 6) != 0)
        return 2;
    gs_source_close(src);
    /* Unreadable: GS_EIO with EACCES. */
    memset(&err, 0, sizeof err);
    if (gs_source_open(tmp_path("secret.txt"), &lim, NULL, &src, &err) != GS_EIO)
        return 3;
    if (err.sys_errno != EACCES || src != NULL)
        return 4;
    if (!strstr(err.message, "secret.txt: Permission denied"))
        return 5;
    return 0;
}

START_TEST(noatime_retry_reads_files_of_other_users_and_eacces_is_reported)
{
    make_tmp();
    ck_assert_int_eq(chmod(tmp_root, 0755), 0);
    write_file(tmp_path("theirs.txt"), "hello\n", 6);
    write_file(tmp_path("secret.txt"), "hidden\n", 7);
    ck_assert_int_eq(chmod(tmp_path("theirs.txt"), 0644), 0);
    ck_assert_int_eq(chmod(tmp_path("secret.txt"), 0000), 0);
    if (geteuid() == 0) {
        ck_assert_int_eq(as_nobody(read_foreign_files), 0);
    } else {
        /* Not root: our own file, so only check that O_NOATIME opens. */
        gs_limits lim;
        gs_limits_default(&lim);
        gs_error err = { 0 };
        gs_source *src;
        ck_assert_int_eq(gs_source_open(tmp_path("theirs.txt"), &lim, NULL, &src,
                                        &err), GS_OK);
        gs_source_close(src);
    }
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
    const char *dir = getenv("GS_DATADIR");
    ck_assert_ptr_nonnull(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/source/two_members.gz", dir);
    gs_limits lim;
    gs_limits_default(&lim);
    gs_set_allocator(failing_alloc, NULL);
    for (long budget = 0;; budget++) {
        alloc_budget = budget;
        alloc_live = 0;
        gs_error err = { 0 };
        gs_source *src;
        gs_status st = gs_source_open(path, &lim, NULL, &src, &err);
        if (st == GS_OK) {
            unsigned char buf[100];
            size_t got;
            while ((st = gs_source_read(src, buf, sizeof buf, &got, &err)) ==
                       GS_OK && got > 0)
                ;
            gs_source_close(src);
        }
        ck_assert_msg(st == GS_OK || st == GS_ENOMEM, "budget %ld: %d", budget, st);
        ck_assert_int_eq(alloc_live, 0);
        if (st == GS_OK)
            break;
        ck_assert_int_lt(budget, 100);
    }
    gs_set_allocator(NULL, NULL);
}
END_TEST


/* ---- the inflate thread ------------------------------------------------- */

/* GAPSCAN_INFLATE_THREAD_AFTER moves the thread's start: "never", or after
 * that many bytes (0: after the first block). Check forks each test, so
 * the setting does not leak into the next one. */
#define SOURCE_FIRST_BLOCK (64 * 1024)  /* source.c's FIRST_BLOCK */

static void thread_after(const char *v)
{
    ck_assert_int_eq(setenv("GAPSCAN_INFLATE_THREAD_AFTER", v, 1), 0);
}

/* The reading of such settings (base.c): a size, "never", or nothing. */
START_TEST(thresholds_read_from_the_environment)
{
    uint64_t v = 7;
    ck_assert_int_eq(unsetenv("GAPSCAN_INFLATE_THREAD_AFTER"), 0);
    ck_assert_int_eq(gs_env_size("GAPSCAN_INFLATE_THREAD_AFTER", &v), 0);
    ck_assert_uint_eq(v, 7);
    static const struct { const char *text; int set; uint64_t v; } cases[] = {
        {"0", 1, 0}, {"8M", 1, 8u << 20}, {"3K", 1, 3072},
        {"never", 1, UINT64_MAX}, {"", 0, 7}, {"-1", 0, 7}, {"8 M", 0, 7},
        {"Never", 0, 7}, {"99999999999999999999", 0, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        thread_after(cases[i].text);
        v = 7;
        ck_assert_msg(gs_env_size("GAPSCAN_INFLATE_THREAD_AFTER", &v) ==
                          cases[i].set && v == cases[i].v,
                      "\"%s\"", cases[i].text);
    }
}
END_TEST

/* Everything a reader can see of one file: its bytes, each defect with its
 * detail, offset and how many bytes had been handed out when it came, the
 * last status and message, and bytes_in/bytes_out at the end. */
typedef struct seen {
    unsigned char *data;
    size_t len;
    char log[4096];
    gs_status st;
    char msg[512];
    uint64_t in, out;
} seen;

static int log_defect(void *ud, const char *code, const char *detail,
                      const gs_loc *loc)
{
    seen *w = ud;
    size_t used = strlen(w->log);
    snprintf(w->log + used, sizeof w->log - used, "%s@%llu after %zu: %s\n",
             code, (unsigned long long)loc->offset, w->len, detail);
    return 0;
}

static void read_all(const char *path, const gs_limits *lim, size_t cap,
                     seen *w)
{
    memset(w, 0, sizeof *w);
    gs_sink sink = { .ud = w, .defect = log_defect };
    gs_error err = { 0 };
    gs_source *src;
    ck_assert_int_eq(gs_source_open(path, lim, &sink, &src, &err), GS_OK);
    unsigned char *piece = malloc(cap);
    size_t have = 1 << 16, got;
    w->data = malloc(have);
    while ((w->st = gs_source_read(src, piece, cap, &got, &err)) == GS_OK &&
           got > 0) {
        while (w->len + got > have)
            w->data = realloc(w->data, have *= 2);
        memcpy(w->data + w->len, piece, got);
        w->len += got;
    }
    snprintf(w->msg, sizeof w->msg, "%s", err.message);
    w->in = gs_source_bytes_in(src);
    w->out = gs_source_bytes_out(src);
    gs_source_close(src);
    free(piece);
}

/* Inflate threads this process has now (source.c names them). */
static int inflate_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;  /* . and .., or a thread that just went */
        if (fgets(comm, sizeof comm, f) && strcmp(comm, "gs-inflate\n") == 0)
            n++;
        fclose(f);
    }
    closedir(d);
    return n;
}

/* inflate_threads() once it is down to want, or after 2 s: a joined thread
 * is still listed while the kernel finishes its exit. */
static int inflate_threads_down_to(int want)
{
    int n = inflate_threads();
    for (int i = 0; i < 200 && n != want; i++) {
        usleep(10000);
        n = inflate_threads();
    }
    return n;
}

/* Big multi-member, truncated, corrupt, trailing garbage, over the ratio
 * and over the size limit: every way a gzip file ends, each read without
 * the thread, with it from the first block and from the middle, in four
 * caps. Everything seen must be the same. */
START_TEST(gzip_reads_the_same_with_and_without_the_thread)
{
    make_tmp();
    size_t len = 3 * 1000 * 1000 + 11, zlen, zl2;
    unsigned char *data = pattern(len, 21);
    unsigned char *z = gzip_mem(data, len, &zlen);
    unsigned char *z2 = gzip_mem(data, 700000, &zl2);
    FILE *f = fopen(tmp_path("multi.gz"), "wb");
    fwrite(z, 1, zlen, f);
    fwrite(z2, 1, zl2, f);
    fwrite("\x1f\x8bjunk", 1, 6, f);  /* a magic, then no member */
    fclose(f);
    write_file(tmp_path("cut.gz"), z, zlen * 3 / 4);
    for (size_t i = zlen / 2; i < zlen / 2 + 64; i++)
        z[i] ^= 0x5a;
    write_file(tmp_path("bad.gz"), z, zlen);
    write_zero_bomb(tmp_path("zeros.gz"), 12);

    struct { const char *name; uint64_t ratio, max; } cases[] = {
        { "multi.gz", 1000, 0 }, { "cut.gz", 1000, 0 }, { "bad.gz", 1000, 0 },
        { "zeros.gz", 100, 0 }, { "zeros.gz", 0, (5 << 20) + 3 },
    };
    const char *settings[] = { "0", "700K" };
    const size_t cap_list[] = { 7, 4096, 65536, 1 << 20 };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        gs_limits lim;
        gs_limits_default(&lim);
        lim.max_inflate_ratio = cases[c].ratio;
        lim.max_inflated_bytes = cases[c].max;
        const char *path = tmp_path(cases[c].name);
        seen ref, w;
        thread_after("never");
        read_all(path, &lim, 4096, &ref);
        ck_assert_msg(ref.log[0] != '\0' || c == 0, "%s: no defect",
                      cases[c].name);
        for (size_t k = 0; k < 2; k++)
            for (size_t j = 0; j < 4; j++) {
                thread_after(settings[k]);
                read_all(path, &lim, cap_list[j], &w);
                ck_assert_msg(w.len == ref.len &&
                                  memcmp(w.data, ref.data, w.len) == 0,
                              "%s, thread after %s, cap %zu: %zu bytes, "
                              "%zu without the thread", cases[c].name,
                              settings[k], cap_list[j], w.len, ref.len);
                ck_assert_str_eq(w.log, ref.log);
                ck_assert_int_eq(w.st, ref.st);
                ck_assert_str_eq(w.msg, ref.msg);
                ck_assert_uint_eq(w.in, ref.in);
                ck_assert_uint_eq(w.out, ref.out);
                free(w.data);
            }
        free(ref.data);
    }
    /* The multi-member file is read whole, then the garbage. */
    gs_limits lim;
    gs_limits_default(&lim);
    seen w;
    char want[256];
    read_all(tmp_path("multi.gz"), &lim, 65536, &w);
    ck_assert_uint_eq(w.len, len + 700000);
    ck_assert(memcmp(w.data, data, len) == 0);
    ck_assert(memcmp(w.data + len, data, 700000) == 0);
    /* The third "member" ends at its method byte, 'j' (zlib's words). */
    snprintf(want, sizeof want, "gzip.corrupt@%zu after %zu: unknown "
             "compression method\n", zlen + zl2 + 4, len + 700000);
    ck_assert_str_eq(w.log, want);
    free(w.data);
    free(z);
    free(z2);
    free(data);
    remove_tmp();
}
END_TEST


/* A reader that stops anywhere, even before the first read or while the
 * thread is making a block or waits for room, closes without a hang, a
 * thread left behind or a byte leaked. */
START_TEST(closing_a_big_gzip_in_the_middle_stops_the_thread_and_frees_all)
{
    make_tmp();
    size_t len = 8 * 1000 * 1000;
    unsigned char *data = write_pattern_gz("big.gz", len, 22);
    gs_limits lim;
    gs_limits_default(&lim);
    thread_after("0");
    gs_set_allocator(failing_alloc, NULL);
    alarm(60);  /* a hang fails the test instead of blocking the suite */
    const size_t stops[] = { 0, 1, 65536, 65537, 300000, 1 << 20, 3000001,
                             len - 1, len };
    unsigned char buf[65536];
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
            alloc_budget = LONG_MAX;
            alloc_live = 0;
            gs_error err = { 0 };
            gs_source *src;
            ck_assert_int_eq(gs_source_open(tmp_path("big.gz"), &lim, NULL,
                                            &src, &err), GS_OK);
            size_t n = 0, got;
            while (n < stops[i]) {
                size_t want = stops[i] - n < sizeof buf ? stops[i] - n
                                                        : sizeof buf;
                ck_assert_int_eq(gs_source_read(src, buf, want, &got, &err),
                                 GS_OK);
                ck_assert_uint_gt(got, 0);
                ck_assert(memcmp(buf, data + n, got) == 0);
                n += got;
            }
            if (round == 2)
                usleep(20000);  /* let the thread fill the ring and wait */
            /* No thread before the second block (the first is 64 KiB);
             * past it the thread is alive until close (by the end it may
             * have exited). */
            int t = inflate_threads();
            if (stops[i] <= SOURCE_FIRST_BLOCK)
                ck_assert_int_eq(t, 0);
            else if (stops[i] < len - 2 * 1000 * 1000)
                ck_assert_int_eq(t, 1);
            gs_source_close(src);
            ck_assert_int_eq(inflate_threads_down_to(0), 0);
            ck_assert_int_eq(alloc_live, 0);
        }
    alarm(0);
    gs_set_allocator(NULL, NULL);
    free(data);
    remove_tmp();
}
END_TEST

/* gs_source_inflate_here keeps a big gzip file on the reading thread
 * (the same bytes), unless the environment set the thread's start. */
START_TEST(a_caller_with_its_own_thread_keeps_inflating_here)
{
    make_tmp();
    size_t len = 8 * 1000 * 1000;
    unsigned char *data = write_pattern_gz("big.gz", len, 23);
    gs_limits lim;
    gs_limits_default(&lim);
    unsigned char buf[65536];
    for (int forced = 0; forced < 2; forced++) {
        if (forced)
            thread_after("0");
        else
            ck_assert_int_eq(unsetenv("GAPSCAN_INFLATE_THREAD_AFTER"), 0);
        gs_error err = {0};
        gs_source *src;
        ck_assert_int_eq(gs_source_open(tmp_path("big.gz"), &lim, NULL, &src,
                                        &err), GS_OK);
        gs_source_inflate_here(src);
        size_t n = 0, got;
        int most = 0;
        do {
            ck_assert_int_eq(gs_source_read(src, buf, sizeof buf, &got, &err),
                             GS_OK);
            ck_assert(n + got <= len && memcmp(buf, data + n, got) == 0);
            n += got;
            if (n > (1 << 20) && n < len - 2 * 1000 * 1000) {
                int t = inflate_threads();
                most = t > most ? t : most;
            }
        } while (got);
        ck_assert_uint_eq(n, len);
        /* unforced: never a thread; forced (from the first block): one */
        ck_assert_int_eq(most, forced);
        gs_source_close(src);
        ck_assert_int_eq(inflate_threads_down_to(0), 0);
    }
    free(data);
    remove_tmp();
}
END_TEST

/* With the thread due from the first block, every allocation failure is
 * still ENOMEM or nothing (a ring buffer that cannot be had leaves the
 * reading on the caller's thread), the bytes are right and nothing leaks. */
START_TEST(allocation_failures_with_the_thread_due_are_clean)
{
    make_tmp();
    size_t len = 1500 * 1000;
    unsigned char *data = write_pattern_gz("mid.gz", len, 23);
    gs_limits lim;
    gs_limits_default(&lim);
    thread_after("0");
    gs_set_allocator(failing_alloc, NULL);
    unsigned char *buf = malloc(100000);
    for (long budget = 0;; budget++) {
        alloc_budget = budget;
        alloc_live = 0;
        gs_error err = { 0 };
        gs_source *src;
        gs_status st = gs_source_open(tmp_path("mid.gz"), &lim, NULL, &src,
                                      &err);
        size_t n = 0, got;
        if (st == GS_OK) {
            while ((st = gs_source_read(src, buf, 100000, &got, &err)) ==
                       GS_OK && got > 0) {
                ck_assert(memcmp(buf, data + n, got) == 0);
                n += got;
            }
            gs_source_close(src);
        }
        ck_assert_msg(st == GS_OK || st == GS_ENOMEM, "budget %ld: %d",
                      budget, st);
        ck_assert_int_eq(alloc_live, 0);
        if (st == GS_OK)
            ck_assert_uint_eq(n, len);
        if (st == GS_OK && alloc_budget >= 0)
            break;  /* no allocation failed: all were tried */
        ck_assert_int_lt(budget, 100);
    }
    gs_set_allocator(NULL, NULL);
    free(buf);
    free(data);
    remove_tmp();
}
END_TEST

/* ---- ISA-L against zlib ------------------------------------------------
 * source.c inflated with zlib's inflate() before it used ISA-L. zlib_read
 * is that reader again, over a whole file in memory: its bytes, and its
 * defects with their offsets and words in read_all's log format. The
 * tests below hold the new reader to it on hand-made gzip files: members
 * of every kind, then every cut and every flipped wrapper byte of them. */

enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };

/* Where one member's parts start in the file. */
typedef struct span {
    size_t head, data, trailer, end;
} span;

typedef struct gzfile {
    unsigned char *b;
    size_t len, cap;
    span m[8];
    size_t n;
} gzfile;

static void gz_put(gzfile *g, const void *p, size_t n)
{
    if (g->len + n > g->cap) {
        g->cap = 2 * (g->len + n) + 1024;
        g->b = realloc(g->b, g->cap);
        ck_assert_ptr_nonnull(g->b);
    }
    memcpy(g->b + g->len, p, n);
    g->len += n;
}

static void gz_put32(gzfile *g, uint32_t v)
{
    unsigned char le[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 };
    gz_put(g, le, 4);
}

/* One member written by hand: the header with the optional fields `flags`
 * asks for (xlen bytes of FEXTRA), raw deflate at `level` (0: stored
 * blocks), then CRC-32 and ISIZE. */
static void gz_member(gzfile *g, const unsigned char *data, size_t n,
                      int level, unsigned flags, size_t xlen)
{
    span *sp = &g->m[g->n++];
    sp->head = g->len;
    unsigned char fixed[10] = { 0x1f, 0x8b, 8, (unsigned char)flags,
                                0x5e, 0x1d, 0x7a, 0x68, 0, 3 };
    gz_put(g, fixed, sizeof fixed);
    if (flags & FEXTRA) {
        unsigned char x[2] = { xlen & 0xff, xlen >> 8 };
        gz_put(g, x, 2);
        for (size_t i = 0; i < xlen; i++)
            gz_put(g, "x", 1);
    }
    if (flags & FNAME)
        gz_put(g, "data.csv", 9);
    if (flags & FCOMMENT)
        gz_put(g, "an export", 10);
    if (flags & FHCRC) {
        uint32_t c = (uint32_t)crc32(0, g->b + sp->head,
                                     (uInt)(g->len - sp->head));
        unsigned char h[2] = { c & 0xff, c >> 8 & 0xff };
        gz_put(g, h, 2);
    }
    sp->data = g->len;
    z_stream zs = { 0 };
    ck_assert_int_eq(deflateInit2(&zs, level, Z_DEFLATED, -15, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    size_t bound = deflateBound(&zs, (uLong)n) + 16;
    gz_put(g, "", 0);
    if (g->len + bound > g->cap) {
        g->cap = 2 * (g->len + bound);
        g->b = realloc(g->b, g->cap);
    }
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)n;
    zs.next_out = g->b + g->len;
    zs.avail_out = (uInt)(g->cap - g->len);
    ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
    g->len += zs.total_out;
    deflateEnd(&zs);
    sp->trailer = g->len;
    gz_put32(g, (uint32_t)crc32(0, data, (uInt)n));
    gz_put32(g, (uint32_t)n);
    sp->end = g->len;
}

static void log_add(seen *w, const char *code, size_t offset,
                    const char *detail)
{
    size_t used = strlen(w->log);
    snprintf(w->log + used, sizeof w->log - used, "%s@%zu after %zu: %s\n",
             code, offset, w->len, detail);
}

/* The reader before ISA-L (see above); a file without the magic is plain. */
static void zlib_read(const unsigned char *z, size_t n, seen *w)
{
    memset(w, 0, sizeof *w);
    size_t have = n + 65536;
    w->data = malloc(have);
    if (n < 2 || z[0] != 0x1f || z[1] != 0x8b) {
        memcpy(w->data, z, n);
        w->len = n;
        return;
    }
    z_stream zs = { 0 };
    ck_assert_int_eq(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)n;
    for (;;) {
        int zr;
        do {
            if (w->len + 65536 > have)
                w->data = realloc(w->data, have *= 2);
            zs.next_out = w->data + w->len;
            zs.avail_out = 65536;
            zr = inflate(&zs, Z_NO_FLUSH);
            w->len += 65536 - zs.avail_out;
        } while (zr == Z_OK);
        size_t pos = n - zs.avail_in;
        if (zr == Z_BUF_ERROR) {
            log_add(w, "gzip.truncated", n,
                    "gzip member ends before its end marker");
        } else if (zr != Z_STREAM_END) {
            log_add(w, "gzip.corrupt", pos, zs.msg);
        } else if (pos < n) {
            if (n - pos >= 2 && z[pos] == 0x1f && z[pos + 1] == 0x8b) {
                inflateReset(&zs);
                continue;
            }
            log_add(w, "gzip.trailing_garbage", pos,
                    "bytes after the last gzip member are not a gzip member");
        }
        break;
    }
    inflateEnd(&zs);
}

/* The new reader over the same bytes, in 4 KiB reads. */
static void isal_read(const unsigned char *z, size_t n, seen *w)
{
    gs_limits lim;
    gs_limits_default(&lim);
    write_file(tmp_path("d.gz"), z, n);
    read_all(tmp_path("d.gz"), &lim, 4096, w);
}

/* Is `off` inside a member's deflate data? */
static bool in_deflate(const gzfile *g, size_t off)
{
    for (size_t i = 0; i < g->n; i++)
        if (off >= g->m[i].data && off < g->m[i].trailer)
            return true;
    return false;
}

/* Text, nothing, stored blocks under every header field, fixed codes. */
static void kinds_file(gzfile *g)
{
    memset(g, 0, sizeof *g);
    unsigned char *text = pattern(5000, 41), *raw = pattern(3000, 42);
    gz_member(g, text, 5000, 9, 0, 0);
    gz_member(g, NULL, 0, 6, FNAME, 0);
    gz_member(g, raw, 3000, 0, FTEXT | FEXTRA | FNAME | FCOMMENT | FHCRC, 7);
    gz_member(g, (const unsigned char *)"hello, world\n", 13, 1,
              FCOMMENT | FHCRC, 0);
    free(text);
    free(raw);
}

static void assert_same(const seen *ref, const seen *w, const char *what)
{
    ck_assert_msg(w->len == ref->len && memcmp(w->data, ref->data, w->len) == 0,
                  "%s: %zu bytes, zlib %zu", what, w->len, ref->len);
    ck_assert_msg(strcmp(w->log, ref->log) == 0, "%s: defects\n%szlib's\n%s",
                  what, w->log, ref->log);
}

/* The code of the first defect in a log ("" when none). */
static void first_code(const seen *w, char out[48])
{
    size_t n = strcspn(w->log, "@");
    snprintf(out, 48, "%.*s", (int)(n < 47 ? n : 47), w->log);
}

START_TEST(members_of_every_kind_read_as_zlib_reads_them)
{
    make_tmp();
    gzfile g;
    kinds_file(&g);
    const char *tails[] = { "", "zz", "\x1f", "\x1f\x8b", "\x1f\x8b\x08",
                            "\x1f\x8b\x07\x00", "\x1f\x8b\x08\x20junk",
                            "\x1f\x8b\x08\x00\x00\x00" };
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        size_t len = g.len, tl = strlen(tails[t]);
        gz_put(&g, tails[t], tl);
        seen ref, w;
        zlib_read(g.b, g.len, &ref);
        isal_read(g.b, g.len, &w);
        assert_same(&ref, &w, tails[t]);
        ck_assert_uint_eq(w.len, 5000 + 3000 + 13);
        free(ref.data);
        free(w.data);
        g.len = len;
    }
    free(g.b);
    remove_tmp();
}
END_TEST

/* Cut inside deflate data, ISA-L may hand out a byte or two less than
 * zlib: it decodes up to three literals with one table look-up, and a
 * look-up whose last code is cut waits for input that never comes, with
 * the whole literals before it (seen here: 1 byte). */
#define CUT_SHORTFALL_MAX 2

START_TEST(a_cut_anywhere_gives_zlibs_defect_at_zlibs_offset)
{
    make_tmp();
    gzfile g;
    kinds_file(&g);
    size_t worst = 0;
    for (size_t cut = 2; cut < g.len; cut++) {
        seen ref, w;
        char what[64];
        snprintf(what, sizeof what, "cut at %zu", cut);
        zlib_read(g.b, cut, &ref);
        isal_read(g.b, cut, &w);
        ck_assert_msg(strcmp(w.log, ref.log) == 0 || in_deflate(&g, cut - 1),
                      "%s: defects\n%szlib's\n%s", what, w.log, ref.log);
        char code[48], ref_code[48];
        first_code(&w, code);
        first_code(&ref, ref_code);
        /* A cut between members leaves a good, shorter file, or a lone
         * 1f: trailing garbage. Never a corrupt one. */
        ck_assert_str_eq(code, ref_code);
        ck_assert_msg(strcmp(code, "gzip.corrupt") != 0, "%s: %s", what,
                      w.log);
        ck_assert_msg(w.len <= ref.len && memcmp(w.data, ref.data, w.len) == 0,
                      "%s: not a prefix of zlib's bytes", what);
        ck_assert_msg(w.len == ref.len || in_deflate(&g, cut - 1),
                      "%s: %zu bytes, zlib %zu", what, w.len, ref.len);
        if (ref.len - w.len > worst)
            worst = ref.len - w.len;
        free(ref.data);
        free(w.data);
    }
    ck_assert_uint_le(worst, CUT_SHORTFALL_MAX);
    free(g.b);
    remove_tmp();
}
END_TEST

/* Outside deflate data every check is made here or by ISA-L's header
 * reader: a flipped byte gives zlib's bytes, defect, offset and words,
 * unless the flip moves where the deflate data starts (FLG, XLEN). */
START_TEST(a_flipped_wrapper_byte_gives_zlibs_defect_and_words)
{
    make_tmp();
    gzfile g;
    kinds_file(&g);
    const unsigned char masks[] = { 0x01, 0x20, 0x80, 0xff };
    size_t exact = 0, total = 0;
    for (size_t off = 0; off < g.len; off++) {
        if (in_deflate(&g, off))
            continue;
        for (size_t k = 0; k < sizeof masks; k++) {
            g.b[off] ^= masks[k];
            total++;
            seen ref, w;
            char what[64], code[48], ref_code[48];
            snprintf(what, sizeof what, "byte %zu ^ 0x%02x", off, masks[k]);
            zlib_read(g.b, g.len, &ref);
            isal_read(g.b, g.len, &w);
            first_code(&w, code);
            first_code(&ref, ref_code);
            ck_assert_msg(strcmp(code, ref_code) == 0, "%s: %s, zlib %s",
                          what, w.log, ref.log);
            /* zlib's words for the wrapper: the defect came from it. */
            if (!ref.log[0] || strstr(ref.log, "check\n") ||
                strstr(ref.log, "header") || strstr(ref.log, "method") ||
                strstr(ref.log, "garbage") || strstr(ref.log, "truncated")) {
                assert_same(&ref, &w, what);
                exact++;
            }
            free(ref.data);
            free(w.data);
            g.b[off] ^= masks[k];
        }
    }
    ck_assert_uint_ge(exact, total - 8);  /* all but a few FLG flips */  /* most flips compared whole */
    free(g.b);
    remove_tmp();
}
END_TEST

/* Inside deflate data ISA-L finds what zlib finds, though not always at
 * the same byte or in the same words: one bit flipped in every byte, a
 * different bit each time, gives zlib's code and bytes that agree with
 * zlib's as far as both go. (All 8 bits of each: 47,168 flips, every code
 * the same, 91% the same in every byte, offset and word.) */
START_TEST(a_flipped_deflate_bit_gives_zlibs_defect_code)
{
    make_tmp();
    gzfile g;
    kinds_file(&g);
    size_t flips = 0, whole = 0;
    for (size_t off = 0; off < g.len; off++) {
        if (!in_deflate(&g, off))
            continue;
        unsigned char mask = (unsigned char)(1u << off % 8);
        g.b[off] ^= mask;
        seen ref, w;
        char code[48], ref_code[48];
        zlib_read(g.b, g.len, &ref);
        isal_read(g.b, g.len, &w);
        first_code(&w, code);
        first_code(&ref, ref_code);
        ck_assert_msg(strcmp(code, ref_code) == 0, "byte %zu ^ 0x%02x: %s"
                      "zlib: %s", off, mask, w.log, ref.log);
        size_t both = w.len < ref.len ? w.len : ref.len;
        ck_assert_msg(memcmp(w.data, ref.data, both) == 0,
                      "byte %zu ^ 0x%02x: other bytes", off, mask);
        flips++;
        whole += w.len == ref.len && strcmp(w.log, ref.log) == 0;
        free(ref.data);
        free(w.data);
        g.b[off] ^= mask;
    }
    ck_assert_uint_ge(whole, flips * 8 / 10);
    free(g.b);
    remove_tmp();
}
END_TEST

/* A distance past the start of the member: ISA-L 2.30 copies the match
 * (from before its buffer) and counts it before it fails, and once left
 * avail_in at -1 (the fuzzer's first find). No byte zlib did not give is
 * handed out, and the defect has zlib's place and words. */
START_TEST(a_distance_before_the_member_gives_no_byte_zlib_did_not)
{
    static const unsigned char fuzzed[] = {  /* 3 bytes, then a bad match */
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b,
        0xd4, 0x49, 0xc1, 0x32, 0xd4, 0x31, 0xe2, 0x02, 0x00, 0x7b, 0x07,
        0x97, 0x0a, 0x08, 0x00, 0x00, 0x00, 0x1f
    };
    static const unsigned char far[] = {  /* "a", then 258 from 32 KiB back */
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b,
        0x1c, 0xbd, 0xff, 0x3f, 0x29, 0x29, 0x29, 0x09, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    };
    static const struct {
        const unsigned char *b;
        size_t len, zlib_len, at;
    } cases[] = { { fuzzed, sizeof fuzzed, 3, 17 }, { far, sizeof far, 1, 15 } };
    make_tmp();
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        seen ref, w;
        char want[128];
        zlib_read(cases[c].b, cases[c].len, &ref);
        isal_read(cases[c].b, cases[c].len, &w);
        snprintf(want, sizeof want, "gzip.corrupt@%zu after %zu: invalid "
                 "distance too far back\n", cases[c].at, cases[c].zlib_len);
        ck_assert_str_eq(ref.log, want);
        ck_assert_uint_eq(ref.len, cases[c].zlib_len);
        ck_assert_msg(w.len <= ref.len && memcmp(w.data, ref.data, w.len) == 0,
                      "case %zu: %zu bytes, not a prefix of zlib's", c, w.len);
        snprintf(want, sizeof want, "gzip.corrupt@%zu after %zu: invalid "
                 "distance too far back\n", cases[c].at, w.len);
        ck_assert_str_eq(w.log, want);
        free(ref.data);
        free(w.data);
    }
    remove_tmp();
}
END_TEST

/* ISA-L reads up to 8 bytes ahead; a member's end near a 64 KiB read
 * boundary puts its trailer's first bytes in the read before. Shifting
 * the first member byte by byte (FEXTRA) moves its end across it. */
START_TEST(a_member_ending_at_a_read_boundary_is_read_as_zlib_reads_it)
{
    make_tmp();
    size_t n = 100000;
    unsigned char *data = pattern(n, 43);
    gzfile one = { 0 };
    gz_member(&one, data, n, 6, 0, 0);
    size_t zlen = one.len;
    ck_assert_uint_lt(zlen, 65536 - 64);
    size_t pad = 65536 - zlen - 14;  /* FEXTRA: 2 bytes of length + pad */
    for (size_t k = 0; k < 24; k++) {
        gzfile g = { 0 };
        gz_member(&g, data, n, 6, FEXTRA, pad + k);
        gz_member(&g, data, 1000, 6, 0, 0);
        gz_put(&g, k % 2 ? "zz" : "\x1f\x8b\x08\xe0", k % 2 ? 2 : 4);
        seen ref, w;
        char what[32];
        snprintf(what, sizeof what, "shift %zu", k);
        zlib_read(g.b, g.len, &ref);
        isal_read(g.b, g.len, &w);
        assert_same(&ref, &w, what);
        free(ref.data);
        free(w.data);
        free(g.b);
    }
    free(one.b);
    free(data);
    remove_tmp();
}
END_TEST

/* The same cases pinned to their values, not only to zlib's. Places are
 * counted from the start of the member, of its deflate data or its end. */
enum { HEAD, DATA, END };

static size_t place(const gzfile *g, int from, long d)
{
    size_t base = from == HEAD ? 0 : from == DATA ? g->m[0].data : g->len;
    return (size_t)((long)base + d);
}

START_TEST(wrapper_defects_have_zlibs_codes_words_and_places)
{
    make_tmp();
    unsigned char *data = pattern(4000, 44);
    struct {
        const char *what;
        unsigned flags;
        int flip_from;
        long flip;          /* the byte xor-ed with `xor` */
        unsigned char xor;
        long cut;           /* bytes cut off the end */
        int at_from;
        long at;            /* where the defect is */
        const char *want;
    } cases[] = {
        { "wrong ISIZE", 0, END, -1, 0x01, 0, END, 0,
          "gzip.corrupt@%zu after 4000: incorrect length check\n" },
        { "wrong CRC", 0, END, -8, 0x01, 0, END, -4,
          "gzip.corrupt@%zu after 4000: incorrect data check\n" },
        { "wrong CRC, trailer cut", 0, END, -8, 0x01, 3, END, -4,
          "gzip.corrupt@%zu after 4000: incorrect data check\n" },
        { "trailer cut", 0, END, -8, 0x00, 3, END, -3,
          "gzip.truncated@%zu after 4000: gzip member ends before its end "
          "marker\n" },
        { "wrong header CRC", FNAME | FHCRC, DATA, -2, 0x01, 0, DATA, 0,
          "gzip.corrupt@%zu after 0: header crc mismatch\n" },
        { "a reserved flag", 0, HEAD, 3, 0x80, 0, HEAD, 4,
          "gzip.corrupt@%zu after 0: unknown header flags set\n" },
        { "cut in the header", FEXTRA | FNAME, HEAD, 0, 0x00, -9, HEAD, 9,
          "gzip.truncated@%zu after 0: gzip member ends before its end "
          "marker\n" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        gzfile g = { 0 };
        gz_member(&g, data, 4000, 6, cases[c].flags, 3);
        g.b[place(&g, cases[c].flip_from, cases[c].flip)] ^= cases[c].xor;
        size_t len = cases[c].cut >= 0 ? g.len - (size_t)cases[c].cut
                                       : (size_t)-cases[c].cut;
        seen w;
        char want[160];
        snprintf(want, sizeof want, cases[c].want,
                 place(&g, cases[c].at_from, cases[c].at));
        isal_read(g.b, len, &w);
        ck_assert_msg(strcmp(w.log, want) == 0, "%s: %s", cases[c].what,
                      w.log);
        free(w.data);
        free(g.b);
    }
    /* A file of one empty member: no byte, no defect. */
    gzfile g = { 0 };
    gz_member(&g, NULL, 0, 6, 0, 0);
    seen w;
    isal_read(g.b, g.len, &w);
    ck_assert_uint_eq(w.len, 0);
    ck_assert_str_eq(w.log, "");
    ck_assert_int_eq(w.st, GS_OK);
    free(w.data);
    free(g.b);
    free(data);
    remove_tmp();
}
END_TEST

static Suite *source_suite(void)
{
    Suite *s = suite_create("source");
    TCase *tc = tcase_create("source");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, each_fixture_reads_as_its_expected_bytes_and_defects,
                        0, (int)(N_FIXTURES * N_CAPS));
    tcase_add_test(tc, plain_read_is_identical_to_the_file_in_any_block_size);
    tcase_add_test(tc, gz_name_with_plain_text_is_read_as_plain_without_defect);
    tcase_add_test(tc, gzip_single_member_inflates_to_the_original);
    tcase_add_test(tc, concatenated_members_equal_the_concatenated_plain_data);
    tcase_add_test(tc, truncated_gzip_gives_the_data_so_far_and_a_defect);
    tcase_add_test(tc, corrupt_deflate_data_is_a_defect_that_ends_the_data);
    tcase_add_test(tc, trailing_garbage_is_a_defect_at_its_offset);
    tcase_add_test(tc, gzip_bomb_stops_with_elimit_and_a_ratio_defect);
    tcase_add_test(tc, output_past_max_inflated_bytes_stops_with_elimit);
    tcase_add_test(tc, directory_fifo_and_symlink_are_refused_without_blocking);
    tcase_add_test(tc, missing_file_is_enoent_with_errno);
    tcase_add_test(tc, a_path_past_path_max_is_read_one_directory_at_a_time);
    tcase_add_test(tc, file_that_grows_while_read_gives_only_its_size_at_open);
    tcase_add_test(tc, file_that_shrinks_while_read_ends_early_with_a_defect);
    tcase_add_test(tc, noatime_retry_reads_files_of_other_users_and_eacces_is_reported);
    tcase_add_test(tc, every_allocation_failure_is_enomem_and_leaks_nothing);
    tcase_add_test(tc, gzip_reads_the_same_with_and_without_the_thread);
    tcase_add_test(tc, closing_a_big_gzip_in_the_middle_stops_the_thread_and_frees_all);
    tcase_add_test(tc, allocation_failures_with_the_thread_due_are_clean);
    tcase_add_test(tc, members_of_every_kind_read_as_zlib_reads_them);
    tcase_add_test(tc, a_cut_anywhere_gives_zlibs_defect_at_zlibs_offset);
    tcase_add_test(tc, a_flipped_wrapper_byte_gives_zlibs_defect_and_words);
    tcase_add_test(tc, a_flipped_deflate_bit_gives_zlibs_defect_code);
    tcase_add_test(tc, a_distance_before_the_member_gives_no_byte_zlib_did_not);
    tcase_add_test(tc, a_member_ending_at_a_read_boundary_is_read_as_zlib_reads_it);
    tcase_add_test(tc, wrapper_defects_have_zlibs_codes_words_and_places);
    tcase_add_test(tc, thresholds_read_from_the_environment);
    tcase_add_test(tc, a_caller_with_its_own_thread_keeps_inflating_here);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    make_base();
    SRunner *sr = srunner_create(source_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(tmp_root, sizeof tmp_root, "%s", tmp_base);
    remove_tmp();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* source.h - read one file's bytes, read-only, streaming, gzip transparent.
 *
 * The only module that opens input files. It opens with O_RDONLY|O_NOFOLLOW|
 * O_NONBLOCK|O_CLOEXEC and O_NOATIME where permitted (retrying without it on
 * EPERM), refuses anything fstat() does not call a regular file, and reads
 * with read(2) in blocks (never mmap: a file truncated under us would raise
 * SIGBUS). It reads at most the size seen at open.
 *
 * gzip (magic 1f 8b) is inflated with ISA-L's isal_inflate() driven here,
 * the gzip wrapper judged as zlib judges it, so every status is seen:
 * concatenated members are read in turn; a truncated member, a corrupt
 * stream or trailing garbage is a defect of the file; output past
 * gs_limits.max_inflate_ratio x compressed size (counted once 1 MiB is out)
 * or past max_inflated_bytes stops the file with a defect and GS_ELIMIT.
 *
 * Defects go to the sink given at open (codes: "gzip.truncated",
 * "gzip.corrupt", "gzip.trailing_garbage", "gzip.ratio_exceeded",
 * "gzip.size_exceeded", "file.changed_while_reading"), with loc.offset =
 * offset in the file on disk, always from the thread calling
 * gs_source_read (or gs_source_open).
 *
 * A big gzip file is inflated on a thread of its own, a bounded distance
 * ahead of the reader (docs/limits.md, "gzip read-ahead"), so inflating
 * overlaps with what the caller does with the bytes. What is read, every
 * defect and when it comes are the same with or without that thread.
 */
#ifndef GAPSCAN_SOURCE_H
#define GAPSCAN_SOURCE_H

#include "gapscan/events.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gs_source gs_source;

typedef enum gs_compression {
    GS_COMPRESSION_NONE = 0,
    GS_COMPRESSION_GZIP
} gs_compression;

/* Open path for reading. sink (defects only; may be NULL) and lim must
 * outlive the source. On failure *out is NULL and err says why
 * ("path: Permission denied"; GS_EIO/GS_ENOENT with sys_errno, or GS_EFORMAT
 * "not a regular file"). */
gs_status gs_source_open(const char *path, const gs_limits *lim,
                         const gs_sink *sink, gs_source **out, gs_error *err);

/* Read up to cap decompressed bytes into buf (fewer is normal). *got == 0
 * with GS_OK means the end. A defect that ends the data early (truncated
 * member) is reported to the sink once the bytes before it have been
 * handed out, and then reads as the end. GS_ELIMIT: ratio or size limit hit
 * (defect already reported). GS_EIO: read(2) failed (err filled). For
 * gzip, an error ends the data: later reads return it again. Not for use
 * by two threads at once. */
gs_status gs_source_read(gs_source *src, unsigned char *buf, size_t cap,
                         size_t *got, gs_error *err);

/* Continue reading a plain (not compressed) file at offset (clamped to the
 * size seen at open); bytes_in and bytes_out become offset. For reading one
 * byte range of a big file (scan.h). GS_EINVAL for gzip; GS_EIO if lseek
 * fails. */
gs_status gs_source_seek(gs_source *src, uint64_t offset, gs_error *err);

gs_compression gs_source_compression(const gs_source *src);
uint64_t gs_source_size(const gs_source *src);    /* bytes on disk at open */
int64_t gs_source_mtime(const gs_source *src);    /* seconds, UTC */
uint64_t gs_source_bytes_in(const gs_source *src);  /* read from disk so far
                                                       (gzip: up to the bytes
                                                       being handed out) */
uint64_t gs_source_bytes_out(const gs_source *src); /* handed out so far */

/* For a caller that keeps the other CPU busy itself (the document's field
 * thread): a gzip file is inflated on the reading thread from now on, and
 * its inflate thread not started, unless it runs already or the
 * environment set its start (tests). The bytes are the same either way. */
void gs_source_inflate_here(gs_source *src);

/* Anywhere in the file; stops and joins the inflate thread. NULL is fine. */
void gs_source_close(gs_source *src);

/* "gzip" or NULL. */
const char *gs_compression_name(gs_compression c);

#ifdef __cplusplus
}
#endif
#endif

/* base.h - status codes, locations, limits and the one allocation path.
 *
 * Every other gapscan module includes this. It holds only small value types
 * (transparent on purpose: they are meant to stay stable) and the allocator.
 *
 * Invariants:
 *   1. Library code allocates only through gs_malloc/gs_calloc/gs_realloc/
 *      gs_free, so a test can count allocations or make the n-th one fail.
 *   2. Library code never prints, exits or aborts on input: it returns a
 *      gs_status. Out-of-memory is GS_ENOMEM, never a crash.
 *   3. The allocator hook is set once, before any other call (start-up), and
 *      is read-only afterwards, so worker threads may use it freely.
 */
#ifndef GAPSCAN_BASE_H
#define GAPSCAN_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GS_VERSION "0.1.0"

/* Operational outcomes. Input defects are NOT statuses: they are events
 * (see parser.h) and become findings. A status ends the current file (or the
 * current command), never the whole scan. */
typedef enum gs_status {
    GS_OK = 0,
    GS_ENOMEM = -1,     /* an allocation failed */
    GS_EIO = -2,        /* a read or write failed; errno kept in gs_error */
    GS_ELIMIT = -3,     /* a configured limit was reached (see gs_limits) */
    GS_ECANCELED = -4,  /* a callback returned nonzero: stop requested */
    GS_EINVAL = -5,     /* invalid argument or usage */
    GS_EFORMAT = -6,    /* input cannot be read as the format it claims */
    GS_ENOENT = -7,     /* no such file or directory */
    GS_EVERSION = -8    /* a saved file has an unsupported version */
} gs_status;

/* Static English text for a status ("out of memory", ...). Never NULL. */
const char *gs_status_str(gs_status st);

/* Where something is inside one input. 1-based; 0 means "not known".
 *   offset: byte offset in the decoded (UTF-8) stream, 0-based;
 *   line/col: col counts bytes from the start of the line;
 *   record: 1-based record number within the document (CSV row after the
 *           header, JSON Lines line that held a value, ...). */
typedef struct gs_loc {
    uint64_t offset;
    uint64_t line;
    uint64_t col;
    uint64_t record;
} gs_loc;

/* The first operational error of an operation, formatted once. */
typedef struct gs_error {
    gs_status status;
    int sys_errno;          /* errno when status is GS_EIO/GS_ENOENT, else 0 */
    char message[512];      /* "path:line:col: what went wrong" */
} gs_error;

/* Record an error unless one is already there (the first error wins).
 * printf-style; the message is truncated to fit. Returns st. */
gs_status gs_error_set(gs_error *err, gs_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* gs_error_set(err, st, "path: <strerror(eno)>") that also keeps eno in
 * err->sys_errno. Thread-safe. Returns st. */
gs_status gs_error_errno(gs_error *err, gs_status st, int eno,
                         const char *path);

/* Every growable thing has a maximum. gs_limits_default() fills the
 * documented defaults (docs/limits.md); the CLI may override them. */
typedef struct gs_limits {
    size_t max_field_bytes;       /* one CSV field / JSON string: 1 MiB */
    size_t max_record_bytes;      /* one JSON Lines line: 16 MiB */
    size_t max_columns;           /* CSV columns per row: 10,000 */
    size_t max_depth;             /* JSON/XML nesting: 256 */
    size_t max_paths;             /* distinct field paths per profile: 10,000 */
    size_t max_examples;          /* examples kept per field / per code: 5 */
    size_t max_top_values;        /* top values kept per field: 32 */
    size_t max_doc_defects;       /* defects kept per document: 100 */
    size_t max_value_bytes_kept;  /* bytes of a value kept in an example: 120 */
    uint64_t max_inflate_ratio;   /* gzip output/input bytes: 1,000 */
    uint64_t max_inflated_bytes;  /* gzip output per file: 64 GiB */
    unsigned hll_lg_k;            /* HyperLogLog registers = 2^lg_k: 12 */
    const char *xml_record_path;  /* "/catalog/book"; NULL: found automatically */
} gs_limits;

void gs_limits_default(gs_limits *lim);
/* Set the limit called name (its field name: "max_depth") from a decimal
 * value with an optional K, M or G suffix (powers of 1024). GS_EINVAL with
 * err set when the name is unknown or the value is out of its range. */
gs_status gs_limits_set(gs_limits *lim, const char *name, const char *value,
                        gs_error *err);
/* A decimal number with an optional K, M or G suffix (powers of 1024), the
 * whole string and nothing else (no sign, no spaces): GS_OK and *out;
 * GS_ELIMIT when it does not fit 64 bits; GS_EINVAL otherwise. */
gs_status gs_parse_size(const char *s, uint64_t *out);
/* The environment variable name as a size (gs_parse_size) or "never"
 * (UINT64_MAX), for the thresholds tests move: 1 and *out when it is one;
 * 0, *out untouched, when it is unset or neither. */
int gs_env_size(const char *name, uint64_t *out);

/* The mode a new output file gets: 0666 less the process's umask, as if
 * it had been made by open(O_CREAT) (mkstemp makes 0600 files). */
unsigned gs_output_mode(void);

/* The allocation path. Semantics are those of malloc/calloc/realloc/free;
 * gs_realloc(p, 0) frees p and returns NULL. On failure NULL is returned and
 * nothing else happens (the caller turns it into GS_ENOMEM). */
void *gs_malloc(size_t size);
void *gs_calloc(size_t n, size_t size);
void *gs_realloc(void *ptr, size_t size);
void gs_free(void *ptr);
/* Copies of strings through the same path (NUL-terminated). */
char *gs_strdup(const char *s);
char *gs_strndup(const char *s, size_t n);

/* A growable byte buffer on the allocation path. Zero-initialise it;
 * release p with gs_free. Growth doubles; GS_ENOMEM when it cannot. After
 * a successful reserve or append (even of 0 bytes) p is not NULL, so
 * b.p + offset is always a valid expression. */
typedef struct gs_buf {
    char *p;
    size_t len, cap;
} gs_buf;

/* Make room for extra more bytes past len. */
gs_status gs_buf_reserve(gs_buf *b, size_t extra);
/* Append n bytes (n may be 0). */
gs_status gs_buf_append(gs_buf *b, const void *s, size_t n);

/* The hook behind the path, like Lua's lua_Alloc: nsize == 0 frees ptr and
 * returns NULL; otherwise behaves as realloc(ptr, nsize). Set it once at
 * start-up, before any other gapscan call; NULL restores the default. */
typedef void *(*gs_alloc_fn)(void *ud, void *ptr, size_t nsize);
void gs_set_allocator(gs_alloc_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif

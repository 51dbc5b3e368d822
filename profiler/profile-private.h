/* profile-private.h - the profile's insides, shared by profile.c (model and
 * merge) and profile_io.c (save and load); keys.c and assumptions.c use its
 * example storage (gs__example_set/clear).
 * Nothing else includes this. */
#ifndef GAPSCAN_PROFILE_PRIVATE_H
#define GAPSCAN_PROFILE_PRIVATE_H

#include "gapscan/keys.h"
#include "gapscan/kll.h"
#include "gapscan/profile.h"

/* An entry of a string-keyed table; tables hold pointers, so sorting the
 * pointer vector for output never disturbs the hash index. */
typedef struct gs__entry {
    char *key;
    size_t key_len;
    uint64_t hash;
} gs__entry;

typedef struct gs__table {
    gs__entry **items;   /* insertion order until sorted for output */
    size_t n, cap;
    gs__entry **slots;   /* open addressing, power of two */
    size_t n_slots;
    int sorted;          /* items currently sorted by key */
} gs__table;

typedef struct gs__count {   /* a row of a distribution */
    gs__entry e;
    gs_count_item row;       /* row.key aliases e.key */
} gs__count;

typedef struct gs__defect {
    gs__entry e;
    gs_defect_summary s;     /* s.code aliases e.key; s.examples = ex */
    gs_example *ex;          /* max_examples slots */
} gs__defect;

/* The example of one shape in a field's top shapes (see profile.c). */
typedef struct gs__shape_ex {
    uint64_t hash;           /* gs_hash of the shape */
    gs_example ex;
    size_t value_cap;        /* bytes allocated at ex.value when the adding
                                path allocated it, else 0 */
} gs__shape_ex;

struct gs_field {
    gs__entry e;             /* key = collection NUL path */
    const char *collection;  /* alias into e.key */
    const char *path;        /* alias into e.key */
    size_t max_examples;
    uint64_t count, present;
    uint64_t types[GS_VT__COUNT];
    uint64_t kinds[GS_VK__COUNT];
    uint64_t *null_tokens;   /* gs_null_token_count() */
    uint64_t padded, leading_zero, decimal_comma, grouped, date_ambiguous;
    uint64_t len_min, len_max, len_sum;
    uint64_t numbers;
    double num_min, num_max, num_mean, num_m2;
    uint64_t dates;
    int32_t date_min, date_max;
    gs_hll *hll;
    gs_kll *num_kll;         /* quantiles of numbers; NULL until the first */
    gs_topk *top;
    gs_keyset *keys;         /* exact repeats of integers/strings (keys.h) */
    gs_example type_ex[GS_VT__COUNT];
    uint64_t hygiene[GS_HYG__COUNT];  /* values with each hygiene class */
    gs_example hyg_ex[GS_HYG__COUNT]; /* the first value of each */
    size_t max_value_bytes;
    uint64_t formats[GS_VFMT__COUNT];
    unsigned char fmt_slot[GS_VFMT__COUNT];  /* 1 + index in fmt_ex, or 0 */
    gs_example *fmt_ex;      /* first value of each format, in order seen */
    size_t n_fmt_ex, cap_fmt_ex;
    gs_topk *shapes;         /* shapes of non-null values */
    gs__shape_ex *shape_ex;  /* at most 2 * GS_SHAPE_TOP_K */
    size_t n_shape_ex, cap_shape_ex;
    size_t n_shape_buf;      /* n_shape_ex live + dropped ones keeping
                                their strings for reuse (shape_ex_prune) */
    uint64_t *len_n;         /* values of each length below len_cap */
    size_t len_cap;          /* a power of two <= GS_LEN_EXACT, or 0 */
    gs_kll *len_kll;         /* lengths >= GS_LEN_EXACT; NULL until one */
    gs_file_format *file_fmt;  /* GS_FILE_FORMATS_MAX; NULL until one */
    size_t n_file_fmt;
    uint64_t file_fmt_other; /* files whose dominant format found no room */
};

typedef struct gs__layout {  /* a row of gs_profile_layouts */
    gs__entry e;             /* key = kind NUL collection NUL value */
    gs_layout_row row;       /* strings alias e.key, except first */
    char *first;
} gs__layout;

struct gs_profile {
    gs_limits lim;
    char **roots;
    size_t n_roots;
    gs_corpus_facts corpus;
    gs__table formats, encodings, compressions, boms, coll_files, coll_records;
    gs__table defects;
    gs__table fields;
    gs_count_item *rows;     /* scratch for gs_profile_distribution */
    size_t rows_cap;
    gs_kll *content_dates;   /* days; NULL until a document has one */
    gs__table layouts;       /* gs__layout rows, at most lim.max_paths */
    uint64_t layouts_dropped;
    gs_layout_row *layout_rows;  /* scratch for gs_profile_layouts */
};

/* Shared helpers (profile.c). */
gs__entry *gs__table_find(const gs__table *t, const char *key, size_t len);
gs_status gs__table_insert(gs__table *t, gs__entry *e);
void gs__table_sort(gs__table *t);
void gs__table_free(gs__table *t, void (*free_entry)(gs__entry *));
gs_status gs__profile_count(gs__table *t, const char *key, uint64_t count,
                            uint64_t bytes);
gs__defect *gs__profile_defect_get(gs_profile *p, const char *code,
                                   gs_status *st);
gs_status gs__example_set(gs_example *ex, const char *path, const gs_loc *loc,
                          const char *value, size_t value_len,
                          const char *detail, size_t max_value_bytes);
void gs__example_clear(gs_example *ex);
gs_field *gs__field_new(const char *collection, const char *path,
                        size_t path_len, const gs_limits *lim);
void gs__field_free(gs_field *f);
/* The example slot of format fmt (created empty on first use; NULL on
 * ENOMEM) and of a shape already in the field's table (NULL if none). */
gs_example *gs__field_format_example(gs_field *f, gs_vformat fmt);
gs_status gs__field_shape_example_set(gs_field *f, const char *shape,
                                      size_t len, const gs_example *ex);
/* Room in len_n for the lengths below need (<= GS_LEN_EXACT): len_cap
 * grows to a power of two, the new counts 0. */
gs_status gs__field_len_room(gs_field *f, size_t need);

/* Layouts and per-file formats (profile_layout.c). */
gs_status gs__layout_add(gs_profile *p, const char *kind,
                         const char *collection, const char *value,
                         uint64_t files, const char *first);
gs_status gs__layouts_of_doc(gs_profile *p, const gs_doc_facts *d);
gs_status gs__layouts_merge(gs_profile *into, const gs_profile *from);
void gs__layouts_clear(gs_profile *p);
gs_status gs__file_format_add(gs_field *f, gs_vformat fmt, uint64_t files,
                              const char *first);
gs_status gs__file_formats_merge(gs_field *a, const gs_field *b);
void gs__file_formats_clear(gs_field *f);

#endif

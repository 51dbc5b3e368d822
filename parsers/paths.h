/* paths.h - field paths for the tree-shaped parsers (json.c, jsonl.c, xml.c).
 *
 * Internal to parsers/: a trie of path components that interns each path
 * once through the sink's field(), so a parser's hot path hashes one
 * component, never a full path. A node is (parent, kind, key); a parser
 * gives each node's kind (0 or 1) its meaning through a gs__path_style, and
 * may keep a few bytes of its own per node (gs__paths_data).
 *
 *   - a node's path is its root's key, then for each component below the
 *     root its kind's separator and its key; while the path is still empty
 *     the kind's lead string stands in for the separator;
 *   - at most nodes_per_path * lim->max_paths + 2 nodes (roots count):
 *     past that, lookups give GS__PATH_NONE; with cap_fields, at most
 *     lim->max_paths field() calls, and past that nodes have GS_FIELD_NONE.
 *     gs__paths_overflowed() says once that either happened, so that the
 *     parser reports one defect.
 *
 * The JSON conventions of events.h live here too, for json.c and jsonl.c:
 *   - object keys join with '.', array elements add "[]", a top-level
 *     scalar is "$" ("items[].sku", "user.address.city");
 *   - objects used as maps collapse to one component "{*}"
 *     ("users.{*}.name"): a key that is an id (all ASCII digits; a UUID
 *     8-4-4-4-12 in hex; 16 or more hex digits) always does, and once an
 *     object path has had GS__JSON_MAP_KEYS distinct ordinary keys (over
 *     every object at that path in the document), every later key of it
 *     does too. Keys seen before that keep their own paths;
 *   - 4 nodes per path, and at most max_paths fields.
 *
 * Not done here: parsing, locations, records, defects. */
#ifndef GAPSCAN_PARSERS_PATHS_H
#define GAPSCAN_PARSERS_PATHS_H

#include "gapscan/events.h"

#define GS__PATH_ROOT 0u          /* the root every trie has: key "" */
#define GS__PATH_NONE UINT32_MAX  /* past a limit: no node, no field */

typedef struct gs__paths gs__paths;

typedef struct gs__path_style {
    const char *sep[2];       /* before a component of kind 0 / 1 ... */
    const char *lead[2];      /* ... or this, while the path is empty */
    unsigned nodes_per_path;  /* the node cap, per lim->max_paths */
    int cap_fields;           /* at most lim->max_paths field() calls */
    size_t data_size;         /* the parser's bytes per node, zeroed */
} gs__path_style;

/* A trie with its root, interning through sink->field(). lim, sink and
 * style must outlive it. On failure *out is NULL (GS_ENOMEM). */
gs_status gs__paths_new(const gs_limits *lim, const gs_sink *sink,
                        const gs__path_style *style, gs__paths **out);
void gs__paths_free(gs__paths *t);  /* NULL is fine */

/* The child of parent by kind and key (bytes borrowed), or GS__PATH_NONE. */
uint32_t gs__paths_find(const gs__paths *t, uint32_t parent, unsigned kind,
                        const char *key, size_t n);

/* The child, created when new unless the trie is full. *out is
 * GS__PATH_NONE when parent is, or past the cap; *added (may be NULL) says
 * whether it was created. GS_ENOMEM is the only failure. */
gs_status gs__paths_child(gs__paths *t, uint32_t parent, unsigned kind,
                          const char *key, size_t n, uint32_t *out,
                          int *added);

/* The parser's data_size bytes of node (not GS__PATH_NONE); valid until
 * the next node is created. */
void *gs__paths_data(gs__paths *t, uint32_t node);

/* The full path of node, NUL-terminated, valid until the next call. */
gs_status gs__paths_name(gs__paths *t, uint32_t node, const char **path,
                         size_t *len);

/* The sink's field id of a node (GS_FIELD_NONE for GS__PATH_NONE or past
 * the field cap), calling field() with the full path on first use. */
gs_status gs__paths_field(gs__paths *t, uint32_t node, gs_field_id *out);

/* 1 exactly once: the first time a lookup or field went past a limit. */
int gs__paths_overflowed(gs__paths *t);

/* ---- JSON ---- */

#define GS__JSON_PATH_DOLLAR 1u   /* "$": a top-level scalar */
#define GS__JSON_MAP_KEYS 256     /* distinct keys that make a map */

/* A trie with the JSON conventions: GS__PATH_ROOT ("") holds top-level
 * containers, GS__JSON_PATH_DOLLAR is a top-level scalar. */
gs_status gs__json_paths_new(const gs_limits *lim, const gs_sink *sink,
                             gs__paths **out);

/* The node of key (bytes borrowed) inside the object at parent, or of an
 * element of the array at parent. *out is GS__PATH_NONE when parent is, or
 * past the limits. GS_ENOMEM is the only failure. */
gs_status gs__json_paths_key(gs__paths *t, uint32_t parent, const char *key,
                             size_t n, uint32_t *out);
gs_status gs__json_paths_elem(gs__paths *t, uint32_t parent, uint32_t *out);

#endif

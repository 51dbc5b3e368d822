/* json_paths.h - field paths for the JSON parsers (json.c, jsonl.c).
 *
 * Internal to parsers/: a trie of path components that interns each JSON
 * path once through the sink's field() and applies the path conventions of
 * events.h, so both JSON parsers name fields the same way.
 *
 *   - object keys join with '.', array elements add "[]", a top-level
 *     scalar is "$" ("items[].sku", "user.address.city");
 *   - objects used as maps collapse to one component "{*}"
 *     ("users.{*}.name"): a key that is an id (all ASCII digits; a UUID
 *     8-4-4-4-12 in hex; 16 or more hex digits) always does, and once an
 *     object path has had GS__JSON_MAP_KEYS distinct ordinary keys (over
 *     every object at that path in the document), every later key of it
 *     does too. Keys seen before that keep their own paths;
 *   - at most lim->max_paths distinct paths go to field(), and the trie
 *     holds at most 4 * max_paths + 2 nodes (intermediate objects count):
 *     past either, lookups give GS__JSON_NODE_NONE and values carry
 *     GS_FIELD_NONE. gs__json_paths_overflowed() says so once, so that the
 *     parser reports one defect.
 *
 * Not done here: parsing, locations, records, defects. */
#ifndef GAPSCAN_PARSERS_JSON_PATHS_H
#define GAPSCAN_PARSERS_JSON_PATHS_H

#include "gapscan/events.h"

#define GS__JSON_NODE_ROOT 0u          /* "": a top-level container */
#define GS__JSON_NODE_DOLLAR 1u        /* "$": a top-level scalar */
#define GS__JSON_NODE_NONE UINT32_MAX  /* past a limit: no field */
#define GS__JSON_MAP_KEYS 256          /* distinct keys that make a map */

typedef struct gs__json_paths gs__json_paths;

/* A trie that interns through sink->field(). lim and sink must outlive it.
 * On failure *out is NULL (GS_ENOMEM). */
gs_status gs__json_paths_new(const gs_limits *lim, const gs_sink *sink,
                             gs__json_paths **out);
void gs__json_paths_free(gs__json_paths *t);  /* NULL is fine */

/* The node of key (bytes borrowed) inside the object at parent, or of an
 * element of the array at parent. *out is GS__JSON_NODE_NONE when parent is,
 * or past the limits. GS_ENOMEM is the only failure. */
gs_status gs__json_paths_key(gs__json_paths *t, uint32_t parent,
                             const char *key, size_t n, uint32_t *out);
gs_status gs__json_paths_elem(gs__json_paths *t, uint32_t parent,
                              uint32_t *out);

/* The sink's field id of a node (GS_FIELD_NONE for GS__JSON_NODE_NONE or
 * past max_paths), calling field() with the full path on first use. */
gs_status gs__json_paths_field(gs__json_paths *t, uint32_t node,
                               gs_field_id *out);

/* 1 exactly once: the first time a lookup went past a limit. */
int gs__json_paths_overflowed(gs__json_paths *t);

#endif

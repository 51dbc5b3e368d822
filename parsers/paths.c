/* paths.c - the path trie of the tree-shaped parsers (see paths.h).
 *
 * A node is one path component: (parent node, kind, key bytes). A hash keyed
 * by that triple gives the child, so a lookup hashes one key, never a full
 * path; the full path is built once, when a node's first value asks for its
 * field id.
 *
 * Invariants:
 *   1. Roots (node 0, and JSON's "$") have parent GS__PATH_NONE, so no
 *      lookup by (parent, kind, key) ever finds them.
 *   2. At most max_nodes nodes and, with cap_fields, max_paths field()
 *      calls; the hash table stays at most half full; data holds data_size
 *      bytes for each of nodes_cap nodes.
 *   3. A JSON node's map flag only ever turns on, so the same input bytes
 *      always give the same paths.
 */
#include "paths.h"

#include <string.h>

typedef struct node {
    uint32_t parent;
    uint32_t kind;
    size_t key_off, key_len; /* in keys */
    int has_fid;
    gs_field_id fid;
} node;

struct gs__paths {
    const gs_limits *lim;
    const gs_sink *sink;
    const gs__path_style *style;
    node *nodes;
    unsigned char *data;     /* style->data_size bytes per node */
    size_t nnodes, nodes_cap, max_nodes;
    uint32_t *slot;          /* open addressing: 0 empty, else node + 1 */
    size_t nslot;
    gs_buf keys;
    gs_buf path;             /* scratch for building a path */
    uint32_t *chain;         /* scratch: a node's ancestors */
    size_t chain_cap;
    size_t nfields;
    int overflow;            /* 0 never, 1 happened, 2 reported */
};

static uint64_t hash_key(uint32_t parent, uint32_t kind, const char *s,
                         size_t n)
{
    uint64_t h = 1469598103934665603u ^ ((uint64_t)parent << 1 | kind);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h ^ (h >> 29);
}

static void place(gs__paths *t, uint32_t id)
{
    const node *nd = &t->nodes[id];
    size_t mask = t->nslot - 1;
    size_t i = (size_t)hash_key(nd->parent, nd->kind, t->keys.p + nd->key_off,
                                nd->key_len) & mask;
    while (t->slot[i])
        i = (i + 1) & mask;
    t->slot[i] = id + 1;
}

static gs_status add_node(gs__paths *t, uint32_t parent, uint32_t kind,
                          const char *key, size_t n, uint32_t *out)
{
    size_t dsize = t->style->data_size;
    if (t->nnodes == t->nodes_cap) {
        size_t cap = t->nodes_cap * 2;
        node *nn = gs_realloc(t->nodes, cap * sizeof *nn);
        if (!nn)
            return GS_ENOMEM;
        t->nodes = nn;
        if (dsize) {
            unsigned char *nd = gs_realloc(t->data, cap * dsize);
            if (!nd)
                return GS_ENOMEM;
            t->data = nd;
        }
        t->nodes_cap = cap;
    }
    if (2 * (t->nnodes + 1) > t->nslot) {
        size_t nslot = t->nslot * 2;
        uint32_t *slot = gs_calloc(nslot, sizeof *slot);
        if (!slot)
            return GS_ENOMEM;
        gs_free(t->slot);
        t->slot = slot;
        t->nslot = nslot;
        for (uint32_t id = 0; id < t->nnodes; id++)
            place(t, id);
    }
    size_t off = t->keys.len;
    gs_status st = gs_buf_append(&t->keys, key, n);
    if (st != GS_OK)
        return st;
    uint32_t id = (uint32_t)t->nnodes++;
    t->nodes[id] = (node){.parent = parent, .kind = kind, .key_off = off,
                          .key_len = n, .fid = GS_FIELD_NONE};
    if (dsize)
        memset(t->data + id * dsize, 0, dsize);
    place(t, id);
    *out = id;
    return GS_OK;
}

uint32_t gs__paths_find(const gs__paths *t, uint32_t parent, unsigned kind,
                        const char *key, size_t n)
{
    size_t mask = t->nslot - 1;
    for (size_t i = (size_t)hash_key(parent, kind, key, n) & mask;;
         i = (i + 1) & mask) {
        uint32_t e = t->slot[i];
        if (!e)
            return GS__PATH_NONE;
        const node *nd = &t->nodes[e - 1];
        if (nd->parent == parent && nd->kind == kind && nd->key_len == n &&
            memcmp(t->keys.p + nd->key_off, key, n) == 0)
            return e - 1;
    }
}

gs_status gs__paths_child(gs__paths *t, uint32_t parent, unsigned kind,
                          const char *key, size_t n, uint32_t *out,
                          int *added)
{
    if (added)
        *added = 0;
    *out = GS__PATH_NONE;
    if (parent == GS__PATH_NONE)
        return GS_OK;
    *out = gs__paths_find(t, parent, kind, key, n);
    if (*out != GS__PATH_NONE)
        return GS_OK;
    if (t->nnodes >= t->max_nodes) {
        t->overflow |= 1;
        return GS_OK;
    }
    gs_status st = add_node(t, parent, kind, key, n, out);
    if (added)
        *added = st == GS_OK;
    return st;
}

void *gs__paths_data(gs__paths *t, uint32_t node)
{
    return t->data + (size_t)node * t->style->data_size;
}

gs_status gs__paths_name(gs__paths *t, uint32_t id, const char **path,
                         size_t *len)
{
    size_t n = 0;
    uint32_t c = id;
    for (; t->nodes[c].parent != GS__PATH_NONE; c = t->nodes[c].parent) {
        if (n == t->chain_cap) {
            size_t cap = t->chain_cap ? 2 * t->chain_cap : 16;
            uint32_t *nc = gs_realloc(t->chain, cap * sizeof *nc);
            if (!nc)
                return GS_ENOMEM;
            t->chain = nc;
            t->chain_cap = cap;
        }
        t->chain[n++] = c;
    }
    t->path.len = 0;
    gs_status st = gs_buf_append(&t->path, t->keys.p + t->nodes[c].key_off,
                                 t->nodes[c].key_len);
    while (n-- > 0 && st == GS_OK) {
        const node *nd = &t->nodes[t->chain[n]];
        const char *sep = t->path.len ? t->style->sep[nd->kind]
                                      : t->style->lead[nd->kind];
        st = gs_buf_append(&t->path, sep, strlen(sep));
        if (st == GS_OK)
            st = gs_buf_append(&t->path, t->keys.p + nd->key_off, nd->key_len);
    }
    if (st == GS_OK)
        st = gs_buf_append(&t->path, "", 1);
    if (st != GS_OK)
        return st;
    *path = t->path.p;
    *len = --t->path.len;
    return GS_OK;
}

gs_status gs__paths_field(gs__paths *t, uint32_t id, gs_field_id *out)
{
    *out = GS_FIELD_NONE;
    if (id == GS__PATH_NONE)
        return GS_OK;
    if (t->nodes[id].has_fid) {
        *out = t->nodes[id].fid;
        return GS_OK;
    }
    if (t->style->cap_fields && t->nfields >= t->lim->max_paths) {
        t->overflow |= 1;
        return GS_OK;
    }
    const char *path;
    size_t len;
    gs_status st = gs__paths_name(t, id, &path, &len);
    if (st != GS_OK)
        return st;
    node *nd = &t->nodes[id];
    nd->fid = t->sink->field(t->sink->ud, path, len);
    nd->has_fid = 1;
    t->nfields++;
    *out = nd->fid;
    return GS_OK;
}

int gs__paths_overflowed(gs__paths *t)
{
    if (t->overflow != 1)
        return 0;
    t->overflow = 2;
    return 1;
}

void gs__paths_free(gs__paths *t)
{
    if (!t)
        return;
    gs_free(t->nodes);
    gs_free(t->data);
    gs_free(t->slot);
    gs_free(t->keys.p);
    gs_free(t->path.p);
    gs_free(t->chain);
    gs_free(t);
}

gs_status gs__paths_new(const gs_limits *lim, const gs_sink *sink,
                        const gs__path_style *style, gs__paths **out)
{
    uint32_t id;
    *out = NULL;
    gs__paths *t = gs_calloc(1, sizeof *t);
    if (!t)
        return GS_ENOMEM;
    t->lim = lim;
    t->sink = sink;
    t->style = style;
    unsigned per = style->nodes_per_path;
    t->max_nodes = lim->max_paths > (UINT32_MAX - 8) / per
                       ? UINT32_MAX - 8
                       : per * lim->max_paths + 2;
    t->nodes_cap = 16;
    t->nslot = 64;
    t->nodes = gs_malloc(t->nodes_cap * sizeof *t->nodes);
    t->slot = gs_calloc(t->nslot, sizeof *t->slot);
    if (style->data_size)
        t->data = gs_malloc(t->nodes_cap * style->data_size);
    if (!t->nodes || !t->slot || (style->data_size && !t->data) ||
        add_node(t, GS__PATH_NONE, 0, "", 0, &id) != GS_OK) {
        gs__paths_free(t);
        return GS_ENOMEM;
    }
    *out = t;
    return GS_OK;
}

/* ---- JSON ---- */

enum { KIND_KEY = 0, KIND_ELEM = 1 };

typedef struct json_node {
    uint32_t nkeys;          /* distinct ordinary key children */
    int is_map;              /* every key below collapses to "{*}" */
} json_node;

static const gs__path_style json_style = {
    .sep = {".", "[]"}, .lead = {"", "[]"},
    .nodes_per_path = 4, .cap_fields = 1, .data_size = sizeof(json_node),
};

gs_status gs__json_paths_new(const gs_limits *lim, const gs_sink *sink,
                             gs__paths **out)
{
    uint32_t id;
    gs_status st = gs__paths_new(lim, sink, &json_style, out);
    if (st == GS_OK &&
        add_node(*out, GS__PATH_NONE, KIND_ELEM, "$", 1, &id) != GS_OK) {
        gs__paths_free(*out);
        *out = NULL;
        st = GS_ENOMEM;
    }
    return st;
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* An id rather than a name: all digits, a UUID, or a long hex string. */
static int id_like(const char *s, size_t n)
{
    size_t digits = 0, hex = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        digits += c >= '0' && c <= '9';
        hex += is_hex(c);
    }
    if (n > 0 && digits == n)
        return 1;
    if (n >= 16 && hex == n)
        return 1;
    if (n != 36 || hex != 32)
        return 0;
    return s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
}

gs_status gs__json_paths_key(gs__paths *t, uint32_t parent, const char *key,
                             size_t n, uint32_t *out)
{
    *out = GS__PATH_NONE;
    if (parent == GS__PATH_NONE)
        return GS_OK;
    json_node *up = gs__paths_data(t, parent);
    if (!up->is_map) {
        /* A key already named under parent was not id-like when it was
         * added, nor is it now: found, it is the answer (and the id test
         * costs more than the lookup). */
        if ((*out = gs__paths_find(t, parent, KIND_KEY, key, n)) !=
            GS__PATH_NONE)
            return GS_OK;
        if (!id_like(key, n)) {
            if (up->nkeys < GS__JSON_MAP_KEYS) {
                int added;
                gs_status st = gs__paths_child(t, parent, KIND_KEY, key, n,
                                               out, &added);
                /* the trie may have moved: up is stale */
                ((json_node *)gs__paths_data(t, parent))->nkeys += added;
                return st;
            }
            up->is_map = 1;  /* a new name past GS__JSON_MAP_KEYS */
        }
    }
    return gs__paths_child(t, parent, KIND_KEY, "{*}", 3, out, NULL);
}

gs_status gs__json_paths_elem(gs__paths *t, uint32_t parent, uint32_t *out)
{
    return gs__paths_child(t, parent, KIND_ELEM, "", 0, out, NULL);
}

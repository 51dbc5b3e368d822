/* keys.c - exact duplicate detection for candidate-key fields (keys.h).
 *
 * An open-addressing table of 64-bit hashes (0 marks an empty slot, so a
 * value whose hash is 0 is stored as 1: one more collision in 2^64), grown
 * by doubling while at most half full, up to 2 * GS_KEYS_MAX_VALUES slots.
 * Switching off frees the table and the examples: an off set holds nothing.
 *
 * Invariants: see keys.h. Examples use the profile's own example storage
 * (profile-private.h), so they are cut and freed like every other example. */
#include "gapscan/keys.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile-private.h"

struct gs_keyset {
    int off;
    uint64_t values, duplicates;
    uint64_t *slots;     /* n_slots, a power of two; 0 = empty */
    size_t n_slots, used;
    gs_example *ex;      /* max_examples */
    size_t n_ex, max_ex, max_value_bytes;
};

gs_keyset *gs_keyset_new(size_t max_examples, size_t max_value_bytes)
{
    gs_keyset *k = gs_calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->max_ex = max_examples;
    k->max_value_bytes = max_value_bytes;
    if (max_examples && !(k->ex = gs_calloc(max_examples, sizeof *k->ex))) {
        gs_free(k);
        return NULL;
    }
    return k;
}

static void switch_off(gs_keyset *k)
{
    for (size_t i = 0; i < k->n_ex; i++)
        gs__example_clear(&k->ex[i]);
    gs_free(k->slots);
    k->slots = NULL;
    k->n_slots = k->used = k->n_ex = 0;
    k->values = k->duplicates = 0;
    k->off = 1;
}

void gs_keyset_free(gs_keyset *k)
{
    if (!k)
        return;
    switch_off(k);
    gs_free(k->ex);
    gs_free(k);
}

static gs_status grow(gs_keyset *k)
{
    size_t n = k->n_slots ? k->n_slots * 2 : 64;
    uint64_t *s = gs_calloc(n, sizeof *s);
    if (!s)
        return GS_ENOMEM;
    for (size_t i = 0; i < k->n_slots; i++) {
        uint64_t h = k->slots[i];
        if (!h)
            continue;
        size_t j = (size_t)h & (n - 1);
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = h;
    }
    gs_free(k->slots);
    k->slots = s;
    k->n_slots = n;
    return GS_OK;
}

/* Insert one hash; *seen tells whether it was already there. A set that
 * crosses a bound is switched off here. */
static gs_status insert(gs_keyset *k, uint64_t h, int *seen)
{
    *seen = 0;
    if (k->off)
        return GS_OK;
    h = h ? h : 1;
    k->values++;
    size_t j = 0;
    if (k->n_slots) {
        j = (size_t)h & (k->n_slots - 1);
        while (k->slots[j] && k->slots[j] != h)
            j = (j + 1) & (k->n_slots - 1);
        if (k->slots[j]) {
            *seen = 1;
            if (++k->duplicates > GS_KEYS_MAX_DUPLICATES)
                switch_off(k);
            return GS_OK;
        }
    }
    if (k->used >= GS_KEYS_MAX_VALUES) {  /* one distinct value too many */
        switch_off(k);
        return GS_OK;
    }
    if ((k->used + 1) * 2 > k->n_slots) {
        if (grow(k) != GS_OK)
            return GS_ENOMEM;
        j = (size_t)h & (k->n_slots - 1);
        while (k->slots[j])
            j = (j + 1) & (k->n_slots - 1);
    }
    k->slots[j] = h;
    k->used++;
    return GS_OK;
}

gs_status gs_keyset_add_example(gs_keyset *k, const char *path,
                                const gs_loc *loc, const char *value,
                                size_t len)
{
    if (k->off || k->n_ex >= k->max_ex)
        return GS_OK;
    gs_status st = gs__example_set(&k->ex[k->n_ex], path, loc, value, len,
                                   "repeats an earlier value",
                                   k->max_value_bytes);
    if (st == GS_OK)
        k->n_ex++;
    return st;
}

gs_status gs_keyset_add(gs_keyset *k, uint64_t hash, const char *value,
                        size_t len, const char *path, const gs_loc *loc)
{
    int seen;
    gs_status st = insert(k, hash, &seen);
    if (st == GS_OK && seen)
        st = gs_keyset_add_example(k, path, loc, value, len);
    return st;
}

gs_status gs_keyset_merge(gs_keyset *into, const gs_keyset *from)
{
    if (into->off)
        return GS_OK;
    if (from->off) {
        switch_off(into);
        return GS_OK;
    }
    /* The repeats inside from, then from's distinct values one by one. */
    into->values += from->values - from->used;
    into->duplicates += from->duplicates;
    if (into->duplicates > GS_KEYS_MAX_DUPLICATES) {
        switch_off(into);
        return GS_OK;
    }
    for (size_t i = 0; i < from->n_slots && !into->off; i++) {
        int seen;
        if (from->slots[i] && insert(into, from->slots[i], &seen) != GS_OK)
            return GS_ENOMEM;
    }
    for (size_t i = 0; i < from->n_ex && !into->off; i++)
        if (gs_keyset_add_example(into, from->ex[i].path, &from->ex[i].loc,
                                  from->ex[i].value,
                                  from->ex[i].value
                                      ? strlen(from->ex[i].value) : 0)
            != GS_OK)
            return GS_ENOMEM;
    return GS_OK;
}

int gs_keyset_exact(const gs_keyset *k)
{
    return k && !k->off;
}

uint64_t gs_keyset_values(const gs_keyset *k)
{
    return k->values;
}

uint64_t gs_keyset_duplicates(const gs_keyset *k)
{
    return k->duplicates;
}

const gs_example *gs_keyset_examples(const gs_keyset *k, size_t *n)
{
    *n = k->n_ex;
    return k->ex;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

gs_status gs_keyset_encode(const gs_keyset *k, char **out)
{
    *out = NULL;
    if (k->off) {
        *out = gs_strdup("keys1:off");
        return *out ? GS_OK : GS_ENOMEM;
    }
    uint64_t *sorted = gs_malloc((k->used + 1) * sizeof *sorted);
    char *s = gs_malloc(64 + k->used * 16);
    if (!sorted || !s) {
        gs_free(sorted);
        gs_free(s);
        return GS_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < k->n_slots; i++)
        if (k->slots[i])
            sorted[n++] = k->slots[i];
    qsort(sorted, n, sizeof *sorted, u64_cmp);
    size_t o = (size_t)sprintf(s, "keys1:%llu:%llu:",
                               (unsigned long long)k->values,
                               (unsigned long long)k->duplicates);
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(s + o, "%016llx", (unsigned long long)sorted[i]);
    gs_free(sorted);
    *out = s;
    return GS_OK;
}

static int parse_u64(const char **p, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    if (s == end || *s < '0' || *s > '9')
        return 0;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (s == end || *s != ':')
        return 0;
    *p = s + 1;
    *out = v;
    return 1;
}

gs_status gs_keyset_decode(gs_keyset *k, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len < 6 || memcmp(text, "keys1:", 6) != 0 || k->values || k->off)
        return GS_EFORMAT;
    p += 6;
    if ((size_t)(end - p) == 3 && memcmp(p, "off", 3) == 0) {
        switch_off(k);
        return GS_OK;
    }
    uint64_t values, dups;
    if (!parse_u64(&p, end, &values) || !parse_u64(&p, end, &dups) ||
        (end - p) % 16 != 0)
        return GS_EFORMAT;
    size_t n = (size_t)(end - p) / 16;
    if (n > GS_KEYS_MAX_VALUES || dups > GS_KEYS_MAX_DUPLICATES ||
        values != n + dups)
        return GS_EFORMAT;
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++, p += 16) {
        uint64_t h = 0;
        for (int d = 0; d < 16; d++) {
            char c = p[d];
            int v = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0)
                return GS_EFORMAT;
            h = h << 4 | (uint64_t)v;
        }
        if (h <= prev)  /* sorted, distinct, never 0 */
            return GS_EFORMAT;
        prev = h;
        int seen;
        if (insert(k, h, &seen) != GS_OK)
            return GS_ENOMEM;
    }
    k->values += dups;
    k->duplicates = dups;
    return GS_OK;
}

int gs_keys_name_like(const char *path)
{
    static const char *const whole[] = {"id", "key", "uuid", "guid", "sku",
                                        "code", "ref"};
    static const char *const tails[] = {"id", "key", "uuid", "guid", "sku",
                                        "code", "ref", "no", "number", "nr"};
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '.' || *p == '/' || *p == '@' || *p == ']')
            name = p + 1;
    char low[64];
    size_t n = strcspn(name, "[");
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (strcmp(low, whole[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t t = strlen(tails[i]);
        if (n <= t || strcmp(low + n - t, tails[i]) != 0)
            continue;
        char before = name[n - t - 1], first = name[n - t];
        if (before == '_' || before == '-' ||
            (islower((unsigned char)before) && isupper((unsigned char)first)))
            return 1;
    }
    return 0;
}

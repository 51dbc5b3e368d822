/* scan.c - walk the roots, scan files on N workers, merge in walk order.
 *
 * The walking thread numbers entries 0, 1, 2, ... and puts them in a ring of
 * WINDOW slots; it blocks while the ring is full, so at most WINDOW files
 * (and their partial profiles) are in flight. Workers take slots in order,
 * scan the file into the slot's own partial profile, and mark it done. The
 * worker that completes the oldest unmerged slot becomes the merger: it
 * merges every consecutive done slot into the result, in sequence order,
 * then resets those slots for reuse. Only one thread merges at a time.
 *
 * Invariants:
 *   1. The result is merge(P0, P1, ..., Pn) in walk order at any thread
 *      count; with one thread the same merges happen inline.
 *   2. Memory: WINDOW partial profiles + one gs_document per worker.
 *   3. The first operational error (out of memory) stops the scan and is
 *      what the caller sees. */
#include "gapscan/scan.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "gapscan/document.h"

typedef struct slot {
    char *path;
    gs_entry_kind kind;
    char *what;
    int sys_errno;
    uint64_t size;
    gs_profile *partial;
    int done;
} slot;

typedef struct scan_state {
    const gs_scan_opts *opts;
    gs_profile *result;
    const gs_limits *lim;
    int32_t as_of_days;      /* dates after it are future (document.h) */
    slot *ring;
    size_t window;
    uint64_t next_seq;     /* next entry the walk will add */
    uint64_t next_take;    /* next entry a worker will scan */
    uint64_t next_merge;   /* next entry to merge */
    int walk_done;
    int merging;
    int canceled;
    gs_status first_error;
    uint64_t files_merged, bytes_merged;
    pthread_mutex_t mu;
    pthread_cond_t can_add;    /* ring has room */
    pthread_cond_t can_take;   /* an entry is waiting, or the walk ended */
    gs_document *inline_doc;   /* the single-thread case */
} scan_state;

static void fail(scan_state *s, gs_status st)
{
    if (s->first_error == GS_OK)
        s->first_error = st;
    s->canceled = 1;
    pthread_cond_broadcast(&s->can_add);
    pthread_cond_broadcast(&s->can_take);
}

/* Scan one entry into its slot's partial profile (no lock held). */
static gs_status process(gs_document *doc, slot *sl)
{
    if (sl->kind != GS_ENTRY_FILE)
        return gs_profile_add_skipped(sl->partial, sl->path, sl->what,
                                      sl->sys_errno);
    return gs_document_scan(doc, sl->path, sl->partial);
}

static gs_status merge_one(scan_state *s, slot *sl)
{
    gs_status st = gs_profile_merge(s->result, sl->partial);
    if (sl->kind == GS_ENTRY_FILE) {
        s->files_merged++;
        s->bytes_merged += sl->size;
    }
    if (st == GS_OK && s->opts->progress &&
        s->opts->progress(s->opts->progress_ud, s->files_merged,
                          s->bytes_merged, sl->path))
        st = GS_ECANCELED;
    gs_profile_reset(sl->partial);
    gs_free(sl->path);
    gs_free(sl->what);
    sl->path = sl->what = NULL;
    sl->done = 0;
    return st;
}

/* Called with the lock held; returns with it held. */
static void merge_ready(scan_state *s)
{
    if (s->merging)
        return;
    s->merging = 1;
    while (s->next_merge < s->next_take &&
           s->ring[s->next_merge % s->window].done) {
        slot *sl = &s->ring[s->next_merge % s->window];
        pthread_mutex_unlock(&s->mu);
        gs_status st = merge_one(s, sl);
        pthread_mutex_lock(&s->mu);
        if (st != GS_OK)
            fail(s, st);
        s->next_merge++;
        pthread_cond_broadcast(&s->can_add);
    }
    s->merging = 0;
}

static void *worker(void *arg)
{
    scan_state *s = arg;
    gs_document *doc = gs_document_new(s->lim);
    pthread_mutex_lock(&s->mu);
    if (!doc)
        fail(s, GS_ENOMEM);
    else
        gs_document_set_as_of(doc, s->as_of_days);
    for (;;) {
        while (s->next_take == s->next_seq && !s->walk_done && !s->canceled)
            pthread_cond_wait(&s->can_take, &s->mu);
        if (s->next_take == s->next_seq || s->canceled)
            break;
        slot *sl = &s->ring[s->next_take % s->window];
        s->next_take++;
        pthread_mutex_unlock(&s->mu);
        gs_status st = process(doc, sl);
        pthread_mutex_lock(&s->mu);
        if (st != GS_OK)
            fail(s, st);
        sl->done = 1;
        merge_ready(s);
    }
    /* Another worker may have left done slots behind while we merged. */
    merge_ready(s);
    pthread_cond_broadcast(&s->can_add);
    pthread_cond_broadcast(&s->can_take);
    pthread_mutex_unlock(&s->mu);
    gs_document_free(doc);
    return NULL;
}

static int on_entry(void *ud, const gs_walk_entry *e)
{
    scan_state *s = ud;
    slot tmp = {0};
    tmp.kind = e->kind;
    tmp.size = e->size;
    tmp.sys_errno = e->sys_errno;
    tmp.path = gs_strdup(e->path);
    tmp.what = e->what ? gs_strdup(e->what) : NULL;
    if (!tmp.path || (e->what && !tmp.what)) {
        gs_free(tmp.path);
        gs_free(tmp.what);
        pthread_mutex_lock(&s->mu);
        fail(s, GS_ENOMEM);
        pthread_mutex_unlock(&s->mu);
        return 1;
    }
    if (s->inline_doc) {
        slot *sl = &s->ring[0];
        gs_profile *partial = sl->partial;
        *sl = tmp;
        sl->partial = partial;
        gs_status st = process(s->inline_doc, sl);
        gs_status mst = merge_one(s, sl);
        if (st == GS_OK)
            st = mst;
        if (st != GS_OK)
            fail(s, st);
        return s->canceled;
    }
    pthread_mutex_lock(&s->mu);
    while (s->next_seq - s->next_merge >= s->window && !s->canceled)
        pthread_cond_wait(&s->can_add, &s->mu);
    if (s->canceled) {
        pthread_mutex_unlock(&s->mu);
        gs_free(tmp.path);
        gs_free(tmp.what);
        return 1;
    }
    slot *sl = &s->ring[s->next_seq % s->window];
    gs_profile *partial = sl->partial;
    *sl = tmp;
    sl->partial = partial;
    s->next_seq++;
    pthread_cond_signal(&s->can_take);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

gs_status gs_scan(const char *const *roots, size_t n_roots,
                  const gs_scan_opts *opts, gs_profile *p, gs_error *err)
{
    scan_state s = {0};
    s.opts = opts;
    s.result = p;
    s.lim = gs_profile_limits(p);
    s.as_of_days = opts->as_of_days ? opts->as_of_days : INT32_MAX;
    unsigned nt = opts->threads ? opts->threads : default_threads();
    s.window = nt == 1 ? 1 : 4 * (size_t)nt;
    pthread_t *tids = NULL;
    unsigned started = 0;
    gs_status st = GS_OK;

    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.can_add, NULL);
    pthread_cond_init(&s.can_take, NULL);
    s.ring = gs_calloc(s.window, sizeof *s.ring);
    if (!s.ring)
        goto nomem;
    for (size_t i = 0; i < s.window; i++)
        if (!(s.ring[i].partial = gs_profile_new(s.lim)))
            goto nomem;
    for (size_t i = 0; i < n_roots; i++)
        if (gs_profile_add_root(p, roots[i]) != GS_OK)
            goto nomem;

    if (nt == 1) {
        if (!(s.inline_doc = gs_document_new(s.lim)))
            goto nomem;
        gs_document_set_as_of(s.inline_doc, s.as_of_days);
    } else {
        if (!(tids = gs_calloc(nt, sizeof *tids)))
            goto nomem;
        for (; started < nt; started++)
            if (pthread_create(&tids[started], NULL, worker, &s) != 0)
                break;
        if (started == 0)
            goto nomem;
    }

    for (size_t i = 0; i < n_roots && !s.canceled; i++) {
        gs_status wst = gs_walk(roots[i], &opts->walk, on_entry, &s, err);
        if (wst != GS_OK && wst != GS_ECANCELED) {
            pthread_mutex_lock(&s.mu);
            fail(&s, wst);
            pthread_mutex_unlock(&s.mu);
        }
    }
    pthread_mutex_lock(&s.mu);
    s.walk_done = 1;
    pthread_cond_broadcast(&s.can_take);
    pthread_mutex_unlock(&s.mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    st = s.first_error;
    goto done;

nomem:
    st = GS_ENOMEM;
done:
    if (st == GS_ENOMEM)
        gs_error_set(err, st, "out of memory");
    else if (st == GS_ECANCELED)
        gs_error_set(err, st, "scan canceled");
    if (s.ring) {
        for (size_t i = 0; i < s.window; i++) {
            gs_profile_free(s.ring[i].partial);
            gs_free(s.ring[i].path);
            gs_free(s.ring[i].what);
        }
        gs_free(s.ring);
    }
    gs_document_free(s.inline_doc);
    gs_free(tids);
    pthread_cond_destroy(&s.can_add);
    pthread_cond_destroy(&s.can_take);
    pthread_mutex_destroy(&s.mu);
    return st;
}

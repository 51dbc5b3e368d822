/* scan.c - walk the roots, scan files on N workers, merge in walk order.
 *
 * The walking thread turns each walk entry it takes (shard filter, resume
 * skip) into work items: one for an ordinary entry; for a file that splits
 * (document.h) a profiling item per range, each after its counting item
 * where gs_doc_split_needs_count asks for one:
 *     count 0, range 0, count 1, range 1, ..., count n-1, range n-1
 * (a JSON Lines file has no count n-1, the last range's counts being never
 * needed, and with one thread none at all: the ranges run in order and each
 * one's scan measures what its counting pass would). Items are numbered 0,
 * 1, 2,
 * ... and put in a ring of WINDOW slots; the walker blocks while the ring is
 * full, so at most WINDOW items (and their partial profiles) are in flight.
 * Workers take slots in order, run the item into the slot's own partial
 * profile, and mark it done. The worker that completes the oldest unmerged
 * slot becomes the merger: it merges every consecutive done slot into the
 * result, in item order, and frees those slots for reuse (the worker that
 * takes a slot next empties its partial profile). Only one thread merges
 * at a time.
 *
 * A range item waits until the counting items before it in its file are
 * done; they come earlier in item order, so they were taken earlier, and
 * they wait for nothing: no deadlock.
 *
 * Invariants:
 *   1. The result is merge(P0, P1, ..., Pn) in item order at any thread
 *      count, and the items (ranges included) do not depend on the thread
 *      count; with one thread the same merges happen inline.
 *   2. Memory: WINDOW partial profiles + one gs_document per worker + one
 *      small gs_doc_split per file being split.
 *   3. The first operational error (out of memory) stops the scan and is
 *      what the caller sees.
 *   4. The progress hook runs on the merging thread between merges, so it
 *      may read the result; `entries` there counts whole entries only.
 */
#include "gapscan/scan.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "gapscan/document.h"
#include "gapscan/sketch.h"

typedef enum job { JOB_ENTRY, JOB_COUNT, JOB_RANGE } job;

/* A split file, shared by its items: refs counts the items not yet
 * released (merged, or dropped by a failed scan); the last frees it. */
typedef struct shared_split {
    gs_doc_split *sp;
    atomic_uint refs;
} shared_split;

static void release(shared_split *h, unsigned n)
{
    if (h && atomic_fetch_sub(&h->refs, n) == n) {
        gs_doc_split_free(h->sp);
        gs_free(h);
    }
}

typedef struct slot {
    job job;
    char *path;
    gs_entry_kind kind;
    char *what;
    int sys_errno;
    uint64_t size;          /* bytes this item accounts for in progress */
    shared_split *split;    /* JOB_COUNT, JOB_RANGE: shared by the file */
    unsigned range;
    int last;               /* the entry's last item */
    uint64_t file_first;    /* item number of the file's first item */
    gs_profile *partial;
    int done;
} slot;

typedef struct scan_state {
    const gs_scan_opts *opts;
    gs_profile *result;
    const gs_limits *lim;
    int32_t as_of_days;      /* dates after it are future (document.h) */
    gs_error *err;
    slot *ring;
    size_t window;
    unsigned threads;        /* workers; each document's limit too */
    uint64_t next_seq;     /* next item the walk will add */
    uint64_t next_take;    /* next item a worker will run */
    uint64_t next_merge;   /* next item to merge */
    uint64_t taken;        /* walk entries taken (shard), skipped included */
    int walk_done;
    int scan_over;         /* workers joined: the counting walk may stop */
    int merging;
    int canceled;
    gs_status first_error;
    gs_scan_progress pr;   /* entries/files/bytes merged, totals */
    pthread_mutex_t mu;
    pthread_cond_t can_add;    /* ring has room */
    pthread_cond_t can_take;   /* an item is waiting, or the walk ended */
    pthread_cond_t counted;    /* some item finished */
    gs_document *inline_doc;   /* the single-thread case */
    const char *const *roots;
    size_t n_roots;
} scan_state;

int gs_scan_in_shard(const char *relpath, unsigned index, unsigned count)
{
    if (count < 2)
        return 1;
    return gs_hash(relpath, strlen(relpath)) % count == index;
}

static int take_entry(const gs_scan_opts *o, const gs_walk_entry *e)
{
    return gs_scan_in_shard(e->relpath[0] ? e->relpath : e->path,
                            o->shard_index, o->shard_count);
}

static void fail(scan_state *s, gs_status st)
{
    if (s->first_error == GS_OK)
        s->first_error = st;
    s->canceled = 1;
    pthread_cond_broadcast(&s->can_add);
    pthread_cond_broadcast(&s->can_take);
    pthread_cond_broadcast(&s->counted);
}

/* Run one item into its slot's partial profile (no lock held). The
 * partial still holds the slot's previous item, merged already: emptying
 * it here, on the worker, keeps that work off the single merging thread. */
static gs_status process(gs_document *doc, slot *sl)
{
    gs_profile_reset(sl->partial);
    switch (sl->job) {
    case JOB_COUNT:
        return gs_document_count_range(doc, sl->split->sp, sl->range);
    case JOB_RANGE:
        return gs_document_scan_range(doc, sl->split->sp, sl->range,
                                      sl->partial);
    case JOB_ENTRY:
        break;
    }
    if (sl->kind != GS_ENTRY_FILE)
        return gs_profile_add_skipped(sl->partial, sl->path, sl->what,
                                      sl->sys_errno);
    return gs_document_scan(doc, sl->path, sl->partial);
}

static void clear_slot(slot *sl)
{
    release(sl->split, 1);
    gs_free(sl->path);
    gs_free(sl->what);
    sl->path = sl->what = NULL;
    sl->split = NULL;
    sl->done = 0;
}

/* Merge one item into the result (the merging thread only). */
static gs_status merge_one(scan_state *s, slot *sl)
{
    gs_status st = GS_OK;
    if (sl->job != JOB_COUNT)
        st = gs_profile_merge(s->result, sl->partial);
    if (st == GS_OK && sl->job == JOB_RANGE && sl->last)
        st = gs_doc_split_finish(sl->split->sp, s->result);
    if (sl->job != JOB_COUNT && (sl->kind == GS_ENTRY_FILE))
        s->pr.bytes += sl->size;
    if (sl->last) {
        s->pr.entries++;
        s->pr.files += sl->kind == GS_ENTRY_FILE;
    }
    if (st == GS_OK && sl->last && s->opts->progress) {
        pthread_mutex_lock(&s->mu);
        gs_scan_progress pr = s->pr;
        pthread_mutex_unlock(&s->mu);
        pr.path = sl->path;
        pr.profile = s->result;
        if (s->opts->progress(s->opts->progress_ud, &pr))
            st = GS_ECANCELED;
    }
    clear_slot(sl);
    return st;
}

/* Called with the lock held; returns with it held. */
static void merge_ready(scan_state *s)
{
    if (s->merging)
        return;
    s->merging = 1;
    /* once canceled (a failure, or the progress hook said stop), nothing
     * more is merged and the hook is not called again */
    while (!s->canceled && s->next_merge < s->next_take &&
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

/* A range item may run once the counting items before it in its file are
 * done (lock held). Merged items are done; the rest are in the ring. */
static int counts_ready(const scan_state *s, uint64_t seq)
{
    const slot *me = &s->ring[seq % s->window];
    uint64_t from = me->file_first > s->next_merge ? me->file_first
                                                   : s->next_merge;
    for (uint64_t q = from; q < seq; q++) {
        const slot *o = &s->ring[q % s->window];
        if (o->job == JOB_COUNT && !o->done)
            return 0;
    }
    return 1;
}

static void *worker(void *arg)
{
    scan_state *s = arg;
    gs_document *doc = gs_document_new(s->lim);
    pthread_mutex_lock(&s->mu);
    if (!doc)
        fail(s, GS_ENOMEM);
    else {
        gs_document_set_as_of(doc, s->as_of_days);
        gs_document_set_threads(doc, s->threads);
    }
    for (;;) {
        while (s->next_take == s->next_seq && !s->walk_done && !s->canceled)
            pthread_cond_wait(&s->can_take, &s->mu);
        if (s->next_take == s->next_seq || s->canceled)
            break;
        uint64_t seq = s->next_take++;
        slot *sl = &s->ring[seq % s->window];
        if (sl->job == JOB_RANGE)
            while (!s->canceled && !counts_ready(s, seq))
                pthread_cond_wait(&s->counted, &s->mu);
        if (s->canceled)
            break;
        pthread_mutex_unlock(&s->mu);
        gs_status st = process(doc, sl);
        pthread_mutex_lock(&s->mu);
        if (st != GS_OK)
            fail(s, st);
        sl->done = 1;
        pthread_cond_broadcast(&s->counted);
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

/* Queue one item (the walking thread); with one thread, run and merge it
 * at once. tmp's strings pass to the slot. Returns nonzero to stop. */
static int add_item(scan_state *s, slot *tmp)
{
    if (s->inline_doc) {
        slot *sl = &s->ring[0];
        tmp->partial = sl->partial;
        *sl = *tmp;
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
        release(tmp->split, 1);
        gs_free(tmp->path);
        gs_free(tmp->what);
        return 1;
    }
    slot *sl = &s->ring[s->next_seq % s->window];
    tmp->partial = sl->partial;
    *sl = *tmp;
    s->next_seq++;
    pthread_cond_signal(&s->can_take);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static int nomem(scan_state *s)
{
    pthread_mutex_lock(&s->mu);
    fail(s, GS_ENOMEM);
    pthread_mutex_unlock(&s->mu);
    return 1;
}

uint64_t gs_scan_range_size(uint64_t split_bytes, uint64_t size)
{
    if (split_bytes)
        return split_bytes;
    uint64_t r = size / GS_SCAN_SPLIT_RANGES + 1;
    return r < GS_SCAN_SPLIT_MIN ? GS_SCAN_SPLIT_MIN
           : r > GS_SCAN_SPLIT_MAX ? GS_SCAN_SPLIT_MAX : r;
}

/* The items of a file split into ranges; sp passes to them. */
static int add_split(scan_state *s, const gs_walk_entry *e, gs_doc_split *sp)
{
    unsigned n = gs_doc_split_ranges(sp), added = 0, items = n;
    for (unsigned i = 0; i < n; i++)
        items += (unsigned)gs_doc_split_needs_count(sp, i, !!s->inline_doc);
    shared_split *h = gs_malloc(sizeof *h);
    if (!h) {
        gs_doc_split_free(sp);
        return nomem(s);
    }
    h->sp = sp;
    atomic_init(&h->refs, items);
    uint64_t first = s->inline_doc ? 0 : s->next_seq;
    uint64_t per = e->size / n;
    for (unsigned i = 0; i < n; i++) {
        int counted = gs_doc_split_needs_count(sp, i, !!s->inline_doc);
        for (int j = counted ? 0 : 1; j < 2; j++) {
            slot t = {0};
            t.job = j == 0 ? JOB_COUNT : JOB_RANGE;
            t.kind = GS_ENTRY_FILE;
            t.split = h;
            t.range = i;
            t.file_first = first;
            t.last = i + 1 == n && j == 1;
            t.size = j == 0 ? 0 : t.last ? e->size - per * (n - 1) : per;
            if (!(t.path = gs_strdup(e->path))) {
                release(h, items - added);
                return nomem(s);
            }
            added++;  /* add_item releases the item itself on failure */
            if (add_item(s, &t)) {
                if (added < items)
                    release(h, items - added);
                return 1;
            }
        }
    }
    return 0;
}

static int on_entry(void *ud, const gs_walk_entry *e)
{
    scan_state *s = ud;
    if (!take_entry(s->opts, e))
        return 0;
    uint64_t no = s->taken++;
    if (no < s->opts->resume_entries) {
        const char *want = s->opts->resume_last;
        if (no + 1 == s->opts->resume_entries && want &&
            strcmp(want, e->path) != 0) {
            gs_error_set(s->err, GS_EINVAL, "the tree changed since the "
                         "checkpoint: entry %llu is %s, the checkpoint says "
                         "%s", (unsigned long long)no, e->path, want);
            pthread_mutex_lock(&s->mu);
            fail(s, GS_EINVAL);
            pthread_mutex_unlock(&s->mu);
            return 1;
        }
        return 0;
    }
    uint64_t range = gs_scan_range_size(s->opts->split_bytes, e->size);
    if (e->kind == GS_ENTRY_FILE && e->size > 2 * range) {
        /* Only big files are opened here, on the walking thread. */
        gs_doc_split *sp = NULL;
        int csv = s->opts->split_bytes || e->size > GS_SCAN_WHOLE_CSV_MAX;
        if (gs_doc_split_plan(e->path, s->lim, range, csv, &sp) != GS_OK)
            return nomem(s);
        if (sp)
            return add_split(s, e, sp);
    }
    slot t = {0};
    t.job = JOB_ENTRY;
    t.kind = e->kind;
    t.size = e->kind == GS_ENTRY_FILE ? e->size : 0;
    t.sys_errno = e->sys_errno;
    t.last = 1;
    t.path = gs_strdup(e->path);
    t.what = e->what ? gs_strdup(e->what) : NULL;
    if (!t.path || (e->what && !t.what)) {
        gs_free(t.path);
        gs_free(t.what);
        return nomem(s);
    }
    return add_item(s, &t);
}

/* ---- totals for progress: a second walk on its own thread ------------- */

typedef struct counter {
    scan_state *s;
    uint64_t taken;
} counter;

static int count_entry(void *ud, const gs_walk_entry *e)
{
    counter *c = ud;
    scan_state *s = c->s;
    if (!take_entry(s->opts, e))
        return 0;
    if (c->taken++ < s->opts->resume_entries || e->kind != GS_ENTRY_FILE)
        return 0;
    pthread_mutex_lock(&s->mu);
    s->pr.files_total++;
    s->pr.bytes_total += e->size;
    int stop = s->canceled || s->scan_over;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static void *count_walk(void *arg)
{
    counter c = {arg, 0};
    scan_state *s = c.s;
    int stopped = 0;
    for (size_t i = 0; i < s->n_roots && !stopped; i++) {
        gs_error err = {0};
        stopped = gs_walk(s->roots[i], &s->opts->walk, count_entry, &c,
                          &err) == GS_ECANCELED;
    }
    pthread_mutex_lock(&s->mu);
    s->pr.totals_final = !stopped;
    pthread_mutex_unlock(&s->mu);
    return NULL;
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
    s.lim = opts->limits ? opts->limits : gs_profile_limits(p);
    s.as_of_days = opts->as_of_days ? opts->as_of_days : INT32_MAX;
    s.err = err;
    s.roots = roots;
    s.n_roots = n_roots;
    s.pr.entries = opts->resume_entries;
    unsigned nt = opts->threads ? opts->threads : default_threads();
    s.window = nt == 1 ? 1 : 4 * (size_t)nt;
    s.threads = nt;
    pthread_t *tids = NULL, count_tid;
    unsigned started = 0;
    int counting = 0;
    gs_status st = GS_OK;

    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.can_add, NULL);
    pthread_cond_init(&s.can_take, NULL);
    pthread_cond_init(&s.counted, NULL);
    if (opts->shard_count > 1 && opts->shard_index >= opts->shard_count) {
        st = gs_error_set(err, GS_EINVAL, "shard %u of %u does not exist",
                          opts->shard_index, opts->shard_count);
        goto done;
    }
    if (opts->split_bytes && opts->split_bytes < 128u * 1024) {
        st = gs_error_set(err, GS_EINVAL, "split size under 128 KiB");
        goto done;
    }
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
    if (opts->count_totals && opts->progress)
        counting = pthread_create(&count_tid, NULL, count_walk, &s) == 0;

    for (size_t i = 0; i < n_roots && !s.canceled; i++) {
        gs_status wst = gs_walk(roots[i], &opts->walk, on_entry, &s, err);
        if (wst != GS_OK && wst != GS_ECANCELED) {
            pthread_mutex_lock(&s.mu);
            fail(&s, wst);
            pthread_mutex_unlock(&s.mu);
        }
    }
    pthread_mutex_lock(&s.mu);
    if (!s.canceled && s.taken < opts->resume_entries) {
        gs_error_set(err, GS_EINVAL, "the tree changed since the checkpoint: "
                     "it has %llu entries, the checkpoint has done %llu",
                     (unsigned long long)s.taken,
                     (unsigned long long)opts->resume_entries);
        fail(&s, GS_EINVAL);
    }
    s.walk_done = 1;
    pthread_cond_broadcast(&s.can_take);
    pthread_mutex_unlock(&s.mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    if (counting) {
        pthread_mutex_lock(&s.mu);
        s.scan_over = 1;
        pthread_mutex_unlock(&s.mu);
        pthread_join(count_tid, NULL);
    }
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
        /* Items never merged (a failed scan) still hold their splits. */
        for (uint64_t q = s.next_merge; q < s.next_seq; q++)
            release(s.ring[q % s.window].split, 1);
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
    pthread_cond_destroy(&s.counted);
    pthread_mutex_destroy(&s.mu);
    return st;
}

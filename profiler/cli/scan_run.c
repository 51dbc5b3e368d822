/* scan_run.c - progress lines and checkpoints around gs_scan (scan_run.h).
 *
 * Progress: gs_scan counts the files and bytes to do with a second walk
 * beside the scan (scan.h, count_totals), so the line shows done/total as
 * soon as that walk ends; until then the total so far is shown with a '+'
 * and no ETA. Rate and ETA use bytes on disk since this run started:
 *   gapscan: profile 1234/5678 files, 12.3/45.6 MB, 8.2 MB/s, ETA 0:04
 * and at the end, always:
 *   gapscan: profile 5678 files, 45.6 MB in 0:05 (8.2 MB/s)
 * On a terminal the line is rewritten in place at most 5 times a second;
 * elsewhere (--progress=always into a file) a line is added at most once a
 * second. The first merged entry always shows a line.
 *
 * Checkpoints are saved from the progress hook, which gs_scan calls on the
 * merging thread between merges, at walk-entry boundaries: the profile it
 * hands over is exactly "entries 0..k-1 merged", the state a resumed scan
 * starts from. */
#include "scan_run.h"

#include <stdio.h>

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void clock_text(double s, char *out, size_t cap)
{
    unsigned long t = (unsigned long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, cap, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, cap, "%lu:%02lu", t / 60, t % 60);
}

static void show(scan_run *r, const gs_scan_progress *pr, double elapsed)
{
    double rate = elapsed > 0 ? (double)pr->bytes / elapsed : 0;
    const char *more = pr->totals_final ? "" : "+";
    char eta[32] = "?";
    if (pr->totals_final && rate > 0 && elapsed >= 1)
        clock_text((double)(pr->bytes_total - pr->bytes) / rate, eta,
                   sizeof eta);
    fprintf(stderr, "%sgapscan: %s %llu/%llu%s files, %.1f/%.1f%s MB, "
            "%.1f MB/s, ETA %s%s", r->tty ? "\r" : "", r->label,
            (unsigned long long)pr->files,
            (unsigned long long)pr->files_total, more, (double)pr->bytes / 1e6,
            (double)pr->bytes_total / 1e6, more, rate / 1e6, eta,
            r->tty ? "\033[K" : "\n");
}

static int on_progress(void *ud, const gs_scan_progress *pr)
{
    scan_run *r = ud;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    r->bytes_run = pr->bytes;
    if (r->show && since(&r->shown, &now) >= (r->tty ? 0.2 : 1.0)) {
        r->shown = now;
        show(r, pr, since(&r->start, &now));
    }
    if (r->checkpoint && (pr->entries - r->entries_saved >= r->every ||
                          since(&r->saved, &now) >= r->every_seconds)) {
        r->cp->entries = pr->entries;
        r->cp->last = (char *)pr->path;  /* borrowed for the save */
        r->cp->profiles[r->cp->side] = (gs_profile *)pr->profile;
        r->save_st = gs_checkpoint_save(r->checkpoint, r->cp, &r->save_err);
        r->cp->last = NULL;
        r->cp->profiles[r->cp->side] = NULL;
        r->entries_saved = pr->entries;
        r->saved = now;
        return r->save_st != GS_OK;
    }
    return 0;
}

gs_status scan_run_go(scan_run *r, const char *const *roots, size_t n,
                      gs_scan_opts *o, gs_profile *p, gs_error *err)
{
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    r->saved = r->start;
    r->shown = r->start;
    r->shown.tv_sec -= 2;  /* the first entry shows a line at once */
    r->entries_saved = o->resume_entries;
    r->save_st = GS_OK;
    r->bytes_run = 0;
    if (r->show || r->checkpoint) {
        o->progress = on_progress;
        o->progress_ud = r;
        o->count_totals = r->show;
    }
    gs_status st = gs_scan(roots, n, o, p, err);
    if (r->save_st != GS_OK) {
        *err = r->save_err;
        st = r->save_st;
    }
    if (r->show) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = since(&r->start, &now);
        const gs_corpus_facts *c = gs_profile_corpus(p);
        char t[32];
        clock_text(el, t, sizeof t);
        /* The profile's totals: on a resumed run they include the files
         * done before it stopped. */
        fprintf(stderr, "%sgapscan: %s %llu files, %.1f MB in %s "
                "(%.1f MB/s)\n", r->tty ? "\r\033[K" : "", r->label,
                (unsigned long long)c->files, (double)c->bytes / 1e6, t,
                el > 0 ? (double)r->bytes_run / el / 1e6 : 0.0);
    }
    return st;
}

/* test_alloc.c - out of memory at every allocation, SQLite-style.
 *
 * The library allocates only through the hook of base.h. This suite sets a
 * hook that counts allocations and frees and can make the n-th allocation
 * fail, runs a representative workload once to learn how many allocations
 * it makes (N), then again for every n in 1..N with the n-th failing. Each
 * time it requires:
 *   1. no crash (a crash fails the test; GS_ALLOC_N=n replays one n);
 *   2. a clean outcome: every call returns GS_OK or GS_ENOMEM. GS_OK only
 *      where the library documents that it absorbs the failure: a field
 *      that cannot be created is counted as overflow (events.h), and libcsv
 *      retries with a smaller buffer;
 *   3. no leak: every block allocated through the hook is freed.
 * The workloads: profile a small sandbox and production tree of every
 * format (CSV, TSV, JSON, JSON Lines, XML, HTML, text, Markdown, gzip),
 * save and load a profile, parse a policy, compare, judge, write all three
 * reports; the policy loader alone on a policy with every section; and one
 * CSV file split into ranges (counting passes, resumed parsers, the finish).
 *
 * Not covered, because they allocate with their own allocators, outside
 * the hook: libxml2, libyaml, ICU, uchardet and yajl's tree parser (the
 * profile loader). libcsv (its realloc hook), yajl's stream parser and
 * generator (profile saving) and ISA-L's inflate state (a plain struct,
 * gs_calloc'd; ISA-L allocates nothing itself) do go through it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gapscan/policy.h"
#include "gapscan/profile.h"
#include "gapscan/report.h"
#include "gapscan/scan.h"

typedef struct hook {
    long attempts;  /* allocations asked for: new blocks and reallocs */
    long fail_at;   /* the attempt that fails (1-based); 0: none */
    long failed;
    long live;      /* blocks allocated and not freed */
} hook;

static hook H;

static void *hook_alloc(void *ud, void *ptr, size_t nsize)
{
    hook *h = ud;
    if (nsize == 0) {
        if (ptr)
            h->live--;
        free(ptr);
        return NULL;
    }
    if (++h->attempts == h->fail_at) {
        h->failed++;
        return NULL;
    }
    void *np = realloc(ptr, nsize);
    if (np && !ptr)
        h->live++;
    return np;
}

static const char policy_text[] =
    "version: 1\n"
    "as_of: 2026-06-30\n"
    "price_per_million_tokens: 0.25\n"
    "checks:\n"
    "  - id: schema.presence_dropped\n"
    "    severity: fail\n"
    "    threshold: 0.2\n"
    "  - id: encoding.invalid_utf8\n"
    "    severity: fail\n"
    "    scope:\n"
    "      fields: ['orders:*', 'users:name']\n"
    "      paths: ['*/broken/*']\n"
    "    why: garbled text\n"
    "  - id: '*'\n"
    "    severity: warn\n"
    "waivers:\n"
    "  - check: schema.enum_new_values\n"
    "    scope: field orders:status\n"
    "    owner: ana@example.com\n"
    "    reason: codes mapped in v2\n"
    "    expires: 2026-01-31\n"
    "checklist:\n"
    "  - id: security_review\n"
    "    title: Security review\n"
    "    owner: sec-team\n"
    "    status: done\n"
    "    evidence: https://example.com/SEC-12\n"
    "    required: true\n";

/* Files under tests/data: every format on each side, broken ones and gzip
 * on the production side. */
static const char *const sandbox_files[] = {
    "mixed/tables/orders.csv", "mixed/tables/stock.tsv",
    "mixed/tables/users.json", "mixed/tables/events.jsonl",
    "mixed/feeds/catalog.xml", "mixed/pages/billing.htm",
    "mixed/notes/runbook.md", "mixed/notes/meeting.txt",
};
static const char *const production_files[] = {
    "mixed/gz/orders-archive.csv", "mixed/broken/ragged.csv",
    "mixed/tables/preise.csv", "mixed/gz/users-archive.json",
    "mixed/broken/bad-lines.jsonl", "mixed/broken/bad.xml",
    "mixed/pages/legacy-page.html", "mixed/notes/README.markdown",
    "source/hello.txt.gz", "source/truncated_trailer.gz",
};
#define N_SANDBOX (sizeof sandbox_files / sizeof sandbox_files[0])
#define N_PRODUCTION (sizeof production_files / sizeof production_files[0])

static char sandbox_paths[N_SANDBOX][512];
static char production_paths[N_PRODUCTION][512];
static char saved_path[64];

static void setup_paths(void)
{
    const char *data = getenv("GS_DATADIR");
    ck_assert_msg(data != NULL, "GS_DATADIR is set");
    for (size_t i = 0; i < N_SANDBOX; i++)
        snprintf(sandbox_paths[i], sizeof sandbox_paths[i], "%s/%s", data,
                 sandbox_files[i]);
    for (size_t i = 0; i < N_PRODUCTION; i++)
        snprintf(production_paths[i], sizeof production_paths[i], "%s/%s",
                 data, production_files[i]);
    snprintf(saved_path, sizeof saved_path, "/tmp/gs-alloc-%ld.json",
             (long)getpid());
}

/* Records the first status that is not GS_OK; any but GS_ENOMEM fails. */
static int ok(gs_status *first, gs_status st, const char *what)
{
    ck_assert_msg(st == GS_OK || st == GS_ENOMEM,
                  "%s: %s at allocation %ld", what, gs_status_str(st),
                  H.fail_at);
    if (*first == GS_OK)
        *first = st;
    return st == GS_OK;
}

static gs_status scan_side(char (*paths)[512], size_t n, gs_profile **out)
{
    gs_limits lim;
    gs_limits_default(&lim);
    const char *roots[16];
    for (size_t i = 0; i < n; i++)
        roots[i] = paths[i];
    gs_scan_opts opts = {.threads = 1};
    gs_error err = {0};
    *out = gs_profile_new(&lim);
    if (!*out)
        return GS_ENOMEM;
    return gs_scan(roots, n, &opts, *out, &err);
}

static gs_status write_reports(gs_comparison *c, const gs_policy *pol)
{
    gs_report_meta m = {.as_of = "2026-06-30", .sandbox = "sandbox",
                        .production = "production",
                        .ready = gs_policy_ready(pol, c), .policy = pol,
                        .command = "gapscan audit sandbox production"};
    FILE *null = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(null);
    gs_status st = gs_report_json(c, &m, null);
    if (st == GS_OK)
        st = gs_report_markdown(c, &m, null);
    if (st == GS_OK)
        st = gs_report_junit(c, &m, null);
    fclose(null);
    return st;
}

/* Profile both sides, save and reload production, compare, judge, report.
 * Frees everything it made; returns the first failure. */
static gs_status workload(void)
{
    gs_status first = GS_OK;
    gs_profile *sand = NULL, *prod = NULL, *loaded = NULL;
    gs_policy *pol = NULL;
    gs_comparison *c = NULL;
    gs_error err = {0};

    if (!ok(&first, scan_side(sandbox_paths, N_SANDBOX, &sand), "sandbox") ||
        !ok(&first, scan_side(production_paths, N_PRODUCTION, &prod),
            "production"))
        goto done;
    FILE *f = fopen(saved_path, "w");
    ck_assert_ptr_nonnull(f);
    gs_status st = gs_profile_save(prod, f, &err);
    fclose(f);
    if (!ok(&first, st, "save") ||
        !ok(&first, gs_profile_load(saved_path, &loaded, &err), "load") ||
        !ok(&first, gs_policy_parse(policy_text, strlen(policy_text),
                                    "p.yaml", &pol, &err), "policy"))
        goto done;
    gs_compare_opts o;
    gs_compare_opts_default(&o);
    gs_policy_compare_opts(pol, &o);
    if (!ok(&first, gs_compare(sand, loaded, &o, &c), "compare") ||
        !ok(&first, gs_policy_apply(pol, c, "2026-06-30"), "apply"))
        goto done;
    ok(&first, write_reports(c, pol), "reports");
done:
    gs_comparison_free(c);
    gs_policy_free(pol);
    gs_profile_free(loaded);
    gs_profile_free(prod);
    gs_profile_free(sand);
    return first;
}

static gs_status policy_only(void)
{
    gs_policy *pol = NULL;
    gs_error err = {0};
    gs_status st = gs_policy_parse(policy_text, strlen(policy_text),
                                   "p.yaml", &pol, &err);
    ck_assert_msg(st == GS_OK || st == GS_ENOMEM, "policy: %s (%s)",
                  gs_status_str(st), err.message);
    ck_assert_msg((st == GS_OK) == (pol != NULL), "a policy exactly on OK");
    gs_policy *builtin = NULL;
    gs_error err2 = {0};
    gs_status st2 = gs_policy_builtin(&builtin, &err2);
    ck_assert_msg(st2 == GS_OK || st2 == GS_ENOMEM, "builtin: %s (%s)",
                  gs_status_str(st2), err2.message);
    gs_policy_free(pol);
    gs_policy_free(builtin);
    return st != GS_OK ? st : st2;
}

/* Runs fn with no failure to count N, then with each n in 1..N failing.
 * Returns N. */
static long every_allocation_fails_once(gs_status (*fn)(void),
                                        const char *name)
{
    H = (hook){0};
    ck_assert_int_eq(fn(), GS_OK);
    ck_assert_msg(H.live == 0, "%s leaks %ld blocks with no failure", name,
                  H.live);
    long n_total = H.attempts, enomem = 0;
    ck_assert_msg(n_total > 0, "%s allocates", name);
    long from = 1, to = n_total;
    const char *only = getenv("GS_ALLOC_N");
    if (only)
        from = to = atol(only);
    for (long n = from; n <= to; n++) {
        H = (hook){.fail_at = n};
        gs_status st = fn();
        ck_assert_msg(H.failed == 1, "%s: allocation %ld was reached", name,
                      n);
        ck_assert_msg(H.live == 0, "%s: %ld blocks leak when allocation %ld "
                      "fails", name, H.live, n);
        enomem += st == GS_ENOMEM;
    }
    printf("%s: %ld allocations, each failed once: %ld runs gave GS_ENOMEM, "
           "%ld absorbed the failure\n", name, n_total, enomem,
           to - from + 1 - enomem);
    return n_total;
}

static char split_path[64];

/* One CSV file in ranges of 128 KiB, on one thread. */
static gs_status split_csv(void)
{
    gs_limits lim;
    gs_limits_default(&lim);
    const char *roots[] = {split_path};
    gs_scan_opts opts = {.threads = 1, .split_bytes = 128 * 1024};
    gs_error err = {0};
    gs_profile *p = gs_profile_new(&lim);
    if (!p)
        return GS_ENOMEM;
    gs_status st = gs_scan(roots, 1, &opts, p, &err);
    gs_profile_free(p);
    return st;
}

START_TEST(a_split_file_survives_every_failed_allocation)
{
    snprintf(split_path, sizeof split_path, "/tmp/gs-alloc-%ld.csv",
             (long)getpid());
    FILE *f = fopen(split_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("id,note\n", f);
    for (int i = 0; i < 15000; i++)  /* 320 KB: 3 ranges */
        fprintf(f, i % 5 ? "%d,plain text here\n" : "%d,\"two\nlines\"\n", i);
    fclose(f);
    every_allocation_fails_once(split_csv, "split");
    unlink(split_path);
}
END_TEST

START_TEST(the_policy_loader_survives_every_failed_allocation)
{
    every_allocation_fails_once(policy_only, "policy");
}
END_TEST

START_TEST(profile_compare_report_survive_every_failed_allocation)
{
    setup_paths();
    every_allocation_fails_once(workload, "audit");
    unlink(saved_path);
}
END_TEST

int main(void)
{
    gs_set_allocator(hook_alloc, &H);
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("every_allocation");
    tcase_set_timeout(tc, 1200);
    tcase_add_test(tc, the_policy_loader_survives_every_failed_allocation);
    tcase_add_test(tc, profile_compare_report_survive_every_failed_allocation);
    tcase_add_test(tc, a_split_file_survives_every_failed_allocation);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* main.c - the gapscan command line.
 *
 * The only code that talks to the user: it parses options (getopt_long),
 * calls the public libgapscan API, prints one-line errors as
 * "gapscan: what went wrong", and maps outcomes to exit codes:
 *   0 ready, 1 not ready, 2 usage or policy error, 3 runtime error.
 * The locale is never changed from "C", so no parsing depends on it. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gapscan/checkpoint.h"
#include "gapscan/assumptions.h"
#include "gapscan/compare.h"
#include "gapscan/document.h"
#include "gapscan/parser.h"
#include "gapscan/policy.h"
#include "gapscan/report.h"
#include "gapscan/scan.h"
#include "../jsonw.h"
#include "scan_run.h"

enum { EXIT_READY = 0, EXIT_NOT_READY = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

#define MAX_GLOBS 64

static const char usage_main[] =
    "usage: gapscan COMMAND [OPTIONS] ...\n"
    "\n"
    "Profile a clean sandbox sample and a production corpus, and report how\n"
    "production breaks what the sandbox showed: encoding, formats, schema.\n"
    "\n"
    "commands:\n"
    "  audit SANDBOX PRODUCTION   profile both trees, compare, write reports\n"
    "  profile PATH... -o FILE    write a profile (versioned JSON) of PATHs\n"
    "  merge FILE... -o FILE      merge saved profiles (shards) into one\n"
    "  compare SANDBOX_PROFILE PRODUCTION_PROFILE\n"
    "                             the audit's compare and report step\n"
    "  inspect [--json] PATH...   one file's facts\n"
    "  policy show | check FILE...\n"
    "                             print the built-in policy, validate yours\n"
    "  schema infer SANDBOX... -o FILE | check FILE...\n"
    "                             write the sandbox's assumptions as JSON\n"
    "                             Schema / Table Schema, validate edited ones\n"
    "  help [COMMAND]             this text, or a command's\n"
    "\n"
    "exit status: 0 ready, 1 not ready, 2 usage or policy error,\n"
    "             3 runtime error (e.g. a root that cannot be read)\n"
    "\n"
    "Run 'gapscan COMMAND --help' for a command's options; man gapscan.\n";

static const char usage_scan_opts[] =
    "  -j, --jobs N          worker threads (default: online CPUs)\n"
    "      --include GLOB    scan only matching files (repeatable)\n"
    "      --exclude GLOB    skip matching files and directories (repeatable)\n"
    "                        a GLOB with '/' matches the path below the root,\n"
    "                        otherwise the base name (fnmatch(3))\n"
    "      --follow-symlinks follow symbolic links (default: skip, report)\n"
    "  -q, --quiet           no progress or summary on stderr/stdout\n"
    "      --progress=WHEN   progress on stderr: auto (when it is a\n"
    "                        terminal; the default), always, never\n"
    "      --checkpoint FILE save the partial result to FILE as the scan\n"
    "                        goes; run the same command again to resume\n"
    "                        from it (options must match); removed at the end\n"
    "      --checkpoint-every N  entries between checkpoints (default 1000;\n"
    "                        also every 60 s)\n"
    "      --split-size SIZE cut plain JSON Lines, CSV and TSV files over\n"
    "                        2 x SIZE into ranges of SIZE for the workers\n"
    "                        (default: 8 ranges of 4M to 64M, but CSV/TSV\n"
    "                        up to 64M whole, on two threads; at least 1M;\n"
    "                        K/M/G suffixes)\n"
    "      --limit NAME=N    change a limit, e.g. max_depth=512 or\n"
    "                        max_field_bytes=4M (repeatable; the names and\n"
    "                        defaults are in docs/limits.md)\n"
    "      --xml-record PATH the repeated element that is one record in XML\n"
    "                        files, e.g. /catalog/book (default: found in\n"
    "                        each file)\n";

static const char usage_audit[] =
    "usage: gapscan audit SANDBOX PRODUCTION [-o DIR] [--as-of YYYY-MM-DD]\n"
    "                     [--policy FILE]\n"
    "                     [-j N] [--include GLOB]... [--exclude GLOB]...\n"
    "                     [--follow-symlinks] [-q] [--checkpoint FILE]\n"
    "\n"
    "Profile the sandbox and production trees, compare them, judge the result\n"
    "under the readiness policy, and write DIR/report.json and DIR/report.md.\n"
    "Inputs are opened read-only and never modified; gzip is read by content.\n"
    "\n"
    "  -o, --output DIR      report directory (default: gapscan-report)\n"
    "      --as-of DATE      judge ages as of DATE (default: the policy's\n"
    "                        as_of, else today, UTC)\n"
    "      --policy FILE     judge with this YAML policy (default: the\n"
    "                        built-in one; see 'gapscan policy show')\n"
    "      --assumptions FILE  check the assumptions of this schema file\n"
    "                        ('gapscan schema infer') instead of those\n"
    "                        inferred from the sandbox\n";

static const char usage_profile[] =
    "usage: gapscan profile PATH... -o FILE [-j N] [--include GLOB]...\n"
    "                       [--exclude GLOB]... [--follow-symlinks] [-q]\n"
    "                       [--shard I/N] [--checkpoint FILE]\n"
    "\n"
    "Profile every file under the PATHs and save the profile as versioned\n"
    "JSON (docs/profile-format.md), for 'gapscan merge' and 'compare'.\n"
    "\n"
    "  -o, --output FILE     where to write the profile (required; '-' for\n"
    "                        standard output)\n"
    "      --shard I/N       profile only shard I of N (0 <= I < N): the\n"
    "                        files whose path below its root hashes to I\n"
    "                        (docs/distributed.md); merge the N profiles\n"
    "                        with 'gapscan merge'\n";

static const char usage_merge[] =
    "usage: gapscan merge FILE... -o FILE\n"
    "\n"
    "Merge saved profiles (shards) into one, in the order given: counts add\n"
    "exactly, sketches merge within their error, examples are the first\n"
    "ones in that order. The same inputs in the same order give the same\n"
    "bytes. All must use the same sketch sizes (docs/distributed.md).\n"
    "\n"
    "  -o, --output FILE     where to write the merged profile (required)\n";

static const char usage_compare[] =
    "usage: gapscan compare SANDBOX_PROFILE PRODUCTION_PROFILE [-o DIR]\n"
    "                       [--as-of YYYY-MM-DD] [-q]\n"
    "\n"
    "Compare two saved profiles and write DIR/report.json and DIR/report.md,\n"
    "exactly as 'gapscan audit' does after profiling.\n"
    "\n"
    "  -o, --output DIR      report directory (default: gapscan-report)\n"
    "      --as-of DATE      judge ages as of DATE (default: the policy's\n"
    "                        as_of, else today, UTC)\n"
    "      --policy FILE     judge with this YAML policy (default: built-in)\n"
    "      --assumptions FILE  check this schema file's assumptions\n"
    "  -q, --quiet           no summary on standard output\n";

static const char usage_policy[] =
    "usage: gapscan policy show\n"
    "       gapscan policy check FILE...\n"
    "\n"
    "'show' prints the built-in readiness policy (YAML): a commented\n"
    "starting point for your own. 'check' validates policy files and prints\n"
    "each one's summary and SHA-256, or its first error as\n"
    "FILE:LINE:COL: message (exit 2). Unknown keys, unknown checks, bad\n"
    "dates, anchors and aliases are errors. Use a policy with\n"
    "'gapscan audit --policy FILE'. The format: docs/policy.md.\n";

static const char usage_schema[] =
    "usage: gapscan schema infer SANDBOX... -o FILE [--policy FILE]\n"
    "                            [-j N] [--include GLOB]... [--exclude GLOB]...\n"
    "       gapscan schema check FILE...\n"
    "\n"
    "'infer' profiles the SANDBOX trees and writes every assumption they imply\n"
    "(fields, presence, types, nulls, ranges, domains, keys, lengths, formats,\n"
    "nesting) with its evidence, as one JSON file: a Frictionless Table Schema\n"
    "per CSV collection, a JSON Schema 2020-12 per other collection. Review it,\n"
    "correct it, commit it, and audit with '--assumptions FILE'. The policy's\n"
    "thresholds decide what is inferred. 'check' validates edited files and\n"
    "prints each one's first error as FILE: JSON-PATH: message (exit 2).\n"
    "The format: docs/assumptions.md.\n"
    "\n"
    "  -o, --output FILE     where to write (required; '-' for standard output)\n";

static const char usage_inspect[] =
    "usage: gapscan inspect [--json] [--as-of YYYY-MM-DD] PATH...\n"
    "\n"
    "Print each file's facts: format, compression, size, encoding and its\n"
    "confidence, BOM, invalid UTF-8, line endings, mtime, records, fields,\n"
    "and defects with their locations. Directories are walked.\n"
    "\n"
    "      --json            one JSON object per file per line, with keys:\n"
    "                        path format compression bytes encoding\n"
    "                        encoding_confidence bom declared_charset\n"
    "                        invalid_utf8 nul_bytes control_chars chars\n"
    "                        hygiene{mojibake,replacement_char,\n"
    "                        bidi_control,zero_width,bom_mid_file,not_nfc}\n"
    "                        line_endings{lf,crlf,cr} mtime\n"
    "                        newest_content_date newest_content_date_source\n"
    "                        newest_content_date_precision\n"
    "                        future_content_date future_content_date_source\n"
    "                        future_dates ambiguous_dates mtime_lag_days\n"
    "                        resaved staleness_markers{}\n"
    "                        records fields defects[{code,line,col}] facts{}\n"
    "      --as-of DATE      dates after DATE are future, never the newest\n"
    "                        (default: today, UTC)\n"
    "      --follow-symlinks follow symbolic links\n"
    "      --limit NAME=N    change a limit (docs/limits.md; repeatable)\n"
    "      --xml-record PATH the XML record element (default: found)\n";

typedef struct cli {
    const char *cmd;
    const char *output;
    char as_of[11];
    unsigned jobs;
    const char *include[MAX_GLOBS], *exclude[MAX_GLOBS];
    size_t n_include, n_exclude;
    int follow, quiet, json;
    int progress;             /* -1 auto, 0 never, 1 always */
    const char *checkpoint;   /* --checkpoint FILE */
    uint64_t checkpoint_every;
    unsigned shard_index, shard_count;
    uint64_t split_bytes;     /* 0: the library's default */
    gs_limits lim;  /* defaults, then each --limit */
    const char *policy_path;  /* --policy; NULL: the built-in policy */
    const char *assumptions_path;  /* --assumptions; NULL: inferred */
    gs_assumptions *assumptions;   /* loaded with the policy */
    int as_of_given;
    gs_policy *policy;        /* loaded before any scanning */
    char command[2048];       /* the command line, for the packet */
} cli;

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "gapscan: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'gapscan %s%s--help'.\n", cmd ? cmd : "",
            cmd ? " " : "");
    return EXIT_USAGE;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static void today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

enum { OPT_AS_OF = 256, OPT_INCLUDE, OPT_EXCLUDE, OPT_FOLLOW, OPT_JSON,
       OPT_LIMIT, OPT_POLICY, OPT_XML_RECORD, OPT_PROGRESS, OPT_CHECKPOINT, OPT_CP_EVERY,
       OPT_SHARD, OPT_SPLIT, OPT_ASSUMPTIONS };

/* A size with an optional K, M or G suffix (powers of 1024); 0 if bad. */
static uint64_t parse_size(const char *s)
{
    uint64_t v;
    return gs_parse_size(s, &v) == GS_OK ? v : 0;
}

/* A run with --checkpoint that is stopped by a signal while it writes the
 * checkpoint leaves no temporary file behind: the handler removes
 * "<checkpoint>.tmp" (unlink is async-signal-safe) and dies of the signal
 * as it would have. The checkpoint itself is replaced by rename(), so it is
 * always whole. */
static char checkpoint_tmp[4096];

static void remove_checkpoint_tmp(int sig)
{
    unlink(checkpoint_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_signal_remove_checkpoint_tmp(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = remove_checkpoint_tmp;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Parse options; positional arguments are left at argv[optind..]. */
static int parse(cli *c, int argc, char **argv, const char *usage, int *done)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
        {"json", no_argument, NULL, OPT_JSON},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"xml-record", required_argument, NULL, OPT_XML_RECORD},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
        {"checkpoint-every", required_argument, NULL, OPT_CP_EVERY},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"split-size", required_argument, NULL, OPT_SPLIT},
        {"assumptions", required_argument, NULL, OPT_ASSUMPTIONS},
        {NULL, 0, NULL, 0},
    };
    *done = 0;
    c->progress = -1;
    c->checkpoint_every = 1000;
    today(c->as_of);
    gs_limits_default(&c->lim);
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:j:qh", longs, NULL)) != -1) {
        switch (ch) {
        case 'o':
            c->output = optarg;
            break;
        case 'j': {
            char *end;
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno || *end || n < 1 || n > 256)
                return usage_error(c->cmd, "-j wants a number of threads "
                                   "from 1 to 256, not '%s'", optarg);
            c->jobs = (unsigned)n;
            break;
        }
        case 'q':
            c->quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            if (usage != usage_inspect && usage != usage_merge &&
                usage != usage_policy &&
                usage != usage_compare) {
                fputs("\nscan options:\n", stdout);
                fputs(usage_scan_opts, stdout);
            }
            *done = 1;
            return EXIT_READY;
        case OPT_AS_OF:
            if (!valid_date(optarg))
                return usage_error(c->cmd, "--as-of wants a date as "
                                   "YYYY-MM-DD, not '%s'", optarg);
            memcpy(c->as_of, optarg, 11);
            c->as_of_given = 1;
            break;
        case OPT_POLICY:
            c->policy_path = optarg;
            break;
        case OPT_XML_RECORD:
            if (optarg[0] != '/' || optarg[1] == '\0')
                return usage_error(c->cmd, "--xml-record wants an element "
                                   "path such as /catalog/book, not '%s'",
                                   optarg);
            c->lim.xml_record_path = optarg;
            break;
        case OPT_ASSUMPTIONS:
            c->assumptions_path = optarg;
            break;
        case OPT_INCLUDE:
        case OPT_EXCLUDE: {
            size_t *n = ch == OPT_INCLUDE ? &c->n_include : &c->n_exclude;
            if (*n == MAX_GLOBS)
                return usage_error(c->cmd, "too many globs (at most 64): "
                                   "'%s'", optarg);
            (ch == OPT_INCLUDE ? c->include : c->exclude)[(*n)++] = optarg;
            break;
        }
        case OPT_FOLLOW:
            c->follow = 1;
            break;
        case OPT_PROGRESS:
            if (strcmp(optarg, "auto") == 0)
                c->progress = -1;
            else if (strcmp(optarg, "always") == 0)
                c->progress = 1;
            else if (strcmp(optarg, "never") == 0)
                c->progress = 0;
            else
                return usage_error(c->cmd, "--progress wants auto, always or "
                                   "never, not '%s'", optarg);
            break;
        case OPT_CHECKPOINT:
            c->checkpoint = optarg;
            if (strlen(optarg) + sizeof ".tmp" > sizeof checkpoint_tmp)
                return usage_error(c->cmd, "--checkpoint path too long: "
                                   "'%s'", optarg);
            snprintf(checkpoint_tmp, sizeof checkpoint_tmp, "%s.tmp", optarg);
            on_signal_remove_checkpoint_tmp();
            break;
        case OPT_CP_EVERY:
            if ((c->checkpoint_every = parse_size(optarg)) == 0)
                return usage_error(c->cmd, "--checkpoint-every wants a "
                                   "number of entries, not '%s'", optarg);
            break;
        case OPT_SHARD: {
            unsigned i, n;
            char tail;
            if (sscanf(optarg, "%u/%u%c", &i, &n, &tail) != 2 || n < 1 ||
                n > 1000000 || i >= n)
                return usage_error(c->cmd, "--shard wants I/N with "
                                   "0 <= I < N, not '%s'", optarg);
            c->shard_index = i;
            c->shard_count = n;
            break;
        }
        case OPT_SPLIT:
            c->split_bytes = parse_size(optarg);
            if (c->split_bytes < (1u << 20))
                return usage_error(c->cmd, "--split-size wants a size of at "
                                   "least 1M, not '%s'", optarg);
            break;
        case OPT_JSON:
            c->json = 1;
            break;
        case OPT_LIMIT: {
            char name[64];
            const char *eq = strchr(optarg, '=');
            gs_error err = {0};
            if (!eq || (size_t)(eq - optarg) >= sizeof name)
                return usage_error(c->cmd, "--limit wants NAME=VALUE, not "
                                   "'%s'", optarg);
            memcpy(name, optarg, (size_t)(eq - optarg));
            name[eq - optarg] = '\0';
            if (gs_limits_set(&c->lim, name, eq + 1, &err) != GS_OK)
                return usage_error(c->cmd, "%s", err.message);
            break;
        }
        case ':':
            return usage_error(c->cmd, "option '%s' needs an argument",
                               argv[optind - 1]);
        default:
            return usage_error(c->cmd, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    return EXIT_READY;
}

/* ---- scanning ---------------------------------------------------------- */

static int show_progress(const cli *c)
{
    return !c->quiet &&
           (c->progress == 1 || (c->progress < 0 && isatty(STDERR_FILENO)));
}

/* The options a checkpoint must share with the run resuming it: everything
 * that can change the profile. Threads, output, progress and policy cannot. */
static char *checkpoint_key(const cli *c, const char *const *roots, size_t n,
                            const char *const *root_names)
{
    gs_buf b = {0};
    char line[4200];
    const gs_limits *l = &c->lim;
    int len = snprintf(line, sizeof line, "command=%s\nfollow_symlinks=%d\n"
                       "shard=%u/%u\nsplit_size=%llu\nas_of=%s\n", c->cmd,
                       c->follow, c->shard_index, c->shard_count,
                       (unsigned long long)c->split_bytes, c->as_of);
    int ok = gs_buf_append(&b, line, (size_t)len) == GS_OK;
    for (size_t i = 0; i < n && ok; i++) {
        len = snprintf(line, sizeof line, "root%s%s=%s\n",
                       root_names ? "." : "", root_names ? root_names[i] : "",
                       roots[i]);
        ok = gs_buf_append(&b, line, (size_t)len) == GS_OK;
    }
    for (size_t i = 0; i < c->n_include + c->n_exclude && ok; i++) {
        int inc = i < c->n_include;
        len = snprintf(line, sizeof line, "%s=%s\n",
                       inc ? "include" : "exclude",
                       inc ? c->include[i] : c->exclude[i - c->n_include]);
        ok = gs_buf_append(&b, line, (size_t)len) == GS_OK;
    }
    len = snprintf(line, sizeof line,
                   "max_field_bytes=%zu\nmax_record_bytes=%zu\n"
                   "max_columns=%zu\nmax_depth=%zu\nmax_paths=%zu\n"
                   "max_examples=%zu\nmax_top_values=%zu\n"
                   "max_doc_defects=%zu\nmax_value_bytes_kept=%zu\n"
                   "max_inflate_ratio=%llu\nmax_inflated_bytes=%llu\n"
                   "hll_lg_k=%u\nxml_record_path=%s",
                   l->max_field_bytes, l->max_record_bytes, l->max_columns,
                   l->max_depth, l->max_paths, l->max_examples,
                   l->max_top_values, l->max_doc_defects,
                   l->max_value_bytes_kept,
                   (unsigned long long)l->max_inflate_ratio,
                   (unsigned long long)l->max_inflated_bytes, l->hll_lg_k,
                   l->xml_record_path ? l->xml_record_path : "(auto)");
    ok = ok && gs_buf_append(&b, line, (size_t)len + 1) == GS_OK;
    if (!ok)
        gs_free(b.p);
    return ok ? b.p : NULL;
}

/* Make the run's checkpoint key (*key, the caller frees it) and load
 * c->checkpoint into cp if there is one and it fits. Returns an exit code:
 * EXIT_READY (resume or fresh start: see cp->key) or an error. */
static int start_checkpoint(const cli *c, const char *const *roots, size_t n,
                            const char *const *root_names, gs_checkpoint *cp,
                            char **key)
{
    if (!(*key = checkpoint_key(c, roots, n, root_names))) {
        fputs("gapscan: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    if (!c->checkpoint)
        return EXIT_READY;
    gs_error err = {0};
    gs_status st = gs_checkpoint_load(c->checkpoint, cp, &err);
    if (st == GS_ENOENT)
        return EXIT_READY;
    if (st != GS_OK) {
        fprintf(stderr, "gapscan: %s\n", err.message);
        return st == GS_ENOMEM || st == GS_EIO ? EXIT_RUNTIME : EXIT_USAGE;
    }
    char diff[4096];
    gs_checkpoint_key_diff(cp->key, *key, diff, sizeof diff);
    if (diff[0]) {
        fprintf(stderr, "gapscan: %s: checkpoint made with other options "
                "(%s); remove it to start over\n", c->checkpoint, diff);
        gs_checkpoint_clear(cp);
        return EXIT_USAGE;
    }
    if (!c->quiet)
        fprintf(stderr, "gapscan: resuming from %s: %llu entries done%s\n",
                c->checkpoint, (unsigned long long)cp->entries,
                cp->side ? " on the production side" : "");
    return EXIT_READY;
}

/* Scan roots into p as side `side` of the run described by cp (whose
 * profiles[0..side-1] are the finished sides), resuming at resume entries. */
static gs_status scan_tree(cli *c, const char *label,
                           const char *const *roots, size_t n, gs_profile *p,
                           gs_checkpoint *cp, uint64_t resume,
                           const char *resume_last, gs_error *err)
{
    gs_scan_opts o = {0};
    o.walk.include = c->include;
    o.walk.n_include = c->n_include;
    o.walk.exclude = c->exclude;
    o.walk.n_exclude = c->n_exclude;
    o.walk.follow_symlinks = c->follow;
    o.threads = c->jobs;
    int y, mo, d;
    if (sscanf(c->as_of, "%4d-%2d-%2d", &y, &mo, &d) == 3)
        o.as_of_days = gs_days_from_civil(y, mo, d);
    o.limits = &c->lim;
    o.shard_index = c->shard_index;
    o.shard_count = c->shard_count;
    o.split_bytes = c->split_bytes;
    o.resume_entries = resume;
    o.resume_last = resume_last;
    scan_run r = {0};
    r.label = label;
    r.show = show_progress(c);
    r.tty = isatty(STDERR_FILENO);
    r.checkpoint = c->checkpoint;
    r.every = c->checkpoint_every;
    r.every_seconds = 60;
    r.cp = cp;
    return scan_run_go(&r, roots, n, &o, p, err);
}

static int runtime_error(const gs_error *err, gs_status st)
{
    fprintf(stderr, "gapscan: %s\n",
            err->message[0] ? err->message : gs_status_str(st));
    return EXIT_RUNTIME;
}

/* ---- compare and report (shared by audit and compare) ------------------ */

/* The command line as the packet shows it: options that cannot change a
 * result (-j, -q, -o, --progress) are left out, so the reports stay
 * byte-identical whatever they were; arguments are shell-quoted. */
static void record_command(cli *c, int argc, char **argv)
{
    static const char *const drop_arg[] = {"-j", "--jobs", "-o", "--output",
                                           "--checkpoint",
                                           "--checkpoint-every"};
    static const char *const drop[] = {"-q", "--quiet"};
    size_t n = (size_t)snprintf(c->command, sizeof c->command, "gapscan");
    for (int i = 0; i < argc && n < sizeof c->command; i++) {
        const char *a = argv[i];
        int skip = 0;
        for (size_t k = 0; k < sizeof drop_arg / sizeof *drop_arg; k++) {
            size_t len = strlen(drop_arg[k]);
            if (strcmp(a, drop_arg[k]) == 0)
                skip = 2;  /* and its argument */
            else if (strncmp(a, drop_arg[k], len) == 0 &&
                     (a[len] == '=' || (len == 2 && a[len])))
                skip = 1;
        }
        for (size_t k = 0; k < sizeof drop / sizeof *drop; k++)
            skip |= strcmp(a, drop[k]) == 0;
        skip |= strncmp(a, "--progress", 10) == 0;
        if (skip) {
            i += skip == 2;
            continue;
        }
        int plain = *a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyz"
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_./=:,@+%") == strlen(a);
        n += (size_t)snprintf(c->command + n, sizeof c->command - n,
                              plain ? " %s" : " '", a);
        for (const char *q = a; !plain && *q && n < sizeof c->command; q++)
            n += (size_t)snprintf(c->command + n, sizeof c->command - n,
                                  *q == '\'' ? "'\\''" : "%c", *q);
        if (!plain && n < sizeof c->command)
            n += (size_t)snprintf(c->command + n, sizeof c->command - n, "'");
    }
}

static int judge_and_report(cli *c, const gs_profile *sb, const gs_profile *pr,
                            const char *sb_name, const char *pr_name)
{
    gs_comparison *cmp = NULL;
    gs_compare_opts opts;
    gs_policy_compare_opts(c->policy, &opts);
    int y, mo, d;
    if (sscanf(c->as_of, "%4d-%2d-%2d", &y, &mo, &d) == 3)
        opts.as_of_days = gs_days_from_civil(y, mo, d);
    opts.price_per_mtok = gs_policy_price_per_mtok(c->policy);
    opts.assumptions = c->assumptions;
    gs_status st = gs_compare(sb, pr, &opts, &cmp);
    if (st == GS_OK)
        st = gs_policy_apply(c->policy, cmp, c->as_of);
    if (st != GS_OK) {
        fprintf(stderr, "gapscan: comparing: %s\n", gs_status_str(st));
        gs_comparison_free(cmp);
        return EXIT_RUNTIME;
    }
    int ready = gs_policy_ready(c->policy, cmp);
    gs_report_meta m = {c->as_of, sb_name, pr_name, ready, c->policy,
                        c->command};
    const char *dir = c->output ? c->output : "gapscan-report";
    gs_error err = {0};
    st = gs_report_write(cmp, &m, dir, &err);
    if (st != GS_OK) {
        gs_comparison_free(cmp);
        return runtime_error(&err, st);
    }
    if (!c->quiet) {
        size_t counts[3] = {0};
        for (size_t i = 0; i < gs_comparison_finding_count(cmp); i++)
            counts[gs_comparison_finding(cmp, i)->severity]++;
        printf("gapscan: %s — %zu fail, %zu warn, %zu info (as of %s)\n",
               ready ? "READY" : "NOT READY", counts[GS_SEV_FAIL],
               counts[GS_SEV_WARN], counts[GS_SEV_INFO], c->as_of);
        printf("report: %s/report.md\n        %s/report.json\n", dir, dir);
    }
    gs_comparison_free(cmp);
    return ready ? EXIT_READY : EXIT_NOT_READY;
}

/* ---- commands ----------------------------------------------------------- */

/* The policy (--policy FILE or the built-in one), loaded before any work so
 * that a bad policy fails at once; a pinned as_of applies unless --as-of
 * was given. */
static int load_policy(cli *c)
{
    gs_error err = {0};
    gs_status st = c->policy_path
                       ? gs_policy_load(c->policy_path, &c->policy, &err)
                       : gs_policy_builtin(&c->policy, &err);
    if (st != GS_OK) {
        fprintf(stderr, "gapscan: %s\n", err.message);
        return st == GS_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    if (!c->as_of_given && gs_policy_as_of(c->policy))
        memcpy(c->as_of, gs_policy_as_of(c->policy), 11);
    if (c->assumptions_path &&
        (st = gs_assumptions_load(c->assumptions_path, &c->assumptions,
                                  &err)) != GS_OK) {
        fprintf(stderr, "gapscan: %s\n", err.message);
        return st == GS_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return EXIT_READY;
}

/* A finished run no longer needs its checkpoint. */
static void drop_checkpoint(const cli *c)
{
    if (c->checkpoint && unlink(c->checkpoint) != 0 && errno != ENOENT)
        fprintf(stderr, "gapscan: %s: %s\n", c->checkpoint, strerror(errno));
}

static int cmd_audit(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_audit, &done);
    if (rc || done)
        return rc;
    if (argc - optind != 2)
        return usage_error("audit", "audit wants two paths, SANDBOX and "
                           "PRODUCTION%s", "");
    if (c->shard_count > 1)
        return usage_error("audit", "audit takes no --shard: profile the "
                           "shards, merge them, then compare%s", "");
    if ((rc = load_policy(c)) != EXIT_READY)
        return rc;
    static const char *const sides[] = {"sandbox", "production"};
    const char *roots[2] = {argv[optind], argv[optind + 1]};
    gs_checkpoint cp = {0};
    char *key = NULL;
    gs_profile *p[2] = {NULL, NULL};
    if ((rc = start_checkpoint(c, roots, 2, sides, &cp, &key)) != EXIT_READY)
        goto out;
    rc = EXIT_RUNTIME;
    unsigned first = cp.key ? cp.side : 0;
    for (int side = 0; side < 2; side++) {
        p[side] = cp.profiles[side] ? cp.profiles[side]
                                    : gs_profile_new(&c->lim);
        cp.profiles[side] = NULL;
        if (!p[side]) {
            fputs("gapscan: out of memory\n", stderr);
            goto out;
        }
    }
    gs_free(cp.key);
    cp.key = key;
    key = NULL;
    for (unsigned side = first; side < 2; side++) {
        gs_error err = {0};
        uint64_t resume = side == first ? cp.entries : 0;
        char *last = side == first ? cp.last : NULL;
        cp.side = side;
        cp.last = NULL;
        cp.profiles[0] = side > 0 ? p[0] : NULL;
        gs_status st = scan_tree(c, sides[side], &roots[side], 1, p[side],
                                 &cp, resume, last, &err);
        gs_free(last);
        cp.profiles[0] = NULL;
        if (st != GS_OK) {
            rc = runtime_error(&err, st);
            goto out;
        }
    }
    rc = judge_and_report(c, p[0], p[1], argv[optind], argv[optind + 1]);
    if (rc == EXIT_READY || rc == EXIT_NOT_READY)
        drop_checkpoint(c);
out:
    cp.profiles[0] = cp.profiles[1] = NULL;
    gs_checkpoint_clear(&cp);
    gs_free(key);
    gs_profile_free(p[0]);
    gs_profile_free(p[1]);
    return rc;
}

static gs_status save_to(FILE *f, const gs_profile *p,
                         const gs_assumptions *a, gs_error *err)
{
    return p ? gs_profile_save(p, f, err) : gs_assumptions_save(a, f, err);
}

/* Write a profile, or (p NULL) an assumption file, to path ('-': standard
 * output) through a temporary file renamed into place; straight into path
 * when it is there and not a regular file (a rename would replace a device
 * such as /dev/null, or a FIFO, with a file). */
static int write_output(const gs_profile *p, const gs_assumptions *a,
                        const char *path)
{
    gs_error err = {0};
    struct stat sb;
    int direct = strcmp(path, "-") == 0;
    if (direct || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))) {
        FILE *f = direct ? stdout : fopen(path, "w");
        if (!f) {
            fprintf(stderr, "gapscan: %s: %s\n", path, strerror(errno));
            return EXIT_RUNTIME;
        }
        gs_status st = save_to(f, p, a, &err);
        if (!direct && fclose(f) != 0 && st == GS_OK)
            st = gs_error_errno(&err, GS_EIO, errno, path);
        return st == GS_OK ? EXIT_READY : runtime_error(&err, st);
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 && fchmod(fd, (mode_t)gs_output_mode()) == 0
                  ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "gapscan: %s: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return EXIT_RUNTIME;
    }
    gs_status st = save_to(f, p, a, &err);
    if (fclose(f) != 0 && st == GS_OK)
        st = gs_error_errno(&err, GS_EIO, errno, path);
    if (st == GS_OK && rename(tmp, path) != 0)
        st = gs_error_errno(&err, GS_EIO, errno, path);
    if (st != GS_OK) {
        unlink(tmp);
        return runtime_error(&err, st);
    }
    return EXIT_READY;
}

static int cmd_profile(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_profile, &done);
    if (rc || done)
        return rc;
    if (argc - optind < 1)
        return usage_error("profile", "profile wants at least one PATH%s", "");
    if (!c->output)
        return usage_error("profile", "profile wants -o FILE%s", "");
    const char *const *roots = (const char *const *)argv + optind;
    size_t n = (size_t)(argc - optind);
    gs_checkpoint cp = {0};
    char *key = NULL;
    gs_profile *p = NULL;
    if ((rc = start_checkpoint(c, roots, n, NULL, &cp, &key)) != EXIT_READY)
        goto out;
    p = cp.profiles[0] ? cp.profiles[0] : gs_profile_new(&c->lim);
    cp.profiles[0] = NULL;
    if (!p) {
        fputs("gapscan: out of memory\n", stderr);
        rc = EXIT_RUNTIME;
        goto out;
    }
    gs_free(cp.key);
    cp.key = key;
    key = NULL;
    char *last = cp.last;
    cp.last = NULL;
    gs_error err = {0};
    gs_status st = scan_tree(c, "profile", roots, n, p, &cp, cp.entries, last,
                             &err);
    gs_free(last);
    rc = st == GS_OK ? write_output(p, NULL, c->output)
                     : runtime_error(&err, st);
    if (rc == EXIT_READY)
        drop_checkpoint(c);
out:
    gs_checkpoint_clear(&cp);
    gs_free(key);
    gs_profile_free(p);
    return rc;
}

/* A saved profile into *out; an exit code (a file that is not a valid
 * profile is the user's error, one that cannot be read a runtime one). */
static int load_profile(const char *path, gs_profile **out)
{
    gs_error err = {0};
    gs_status st = gs_profile_load(path, out, &err);
    if (st == GS_OK)
        return EXIT_READY;
    fprintf(stderr, "gapscan: %s\n", err.message);
    return st == GS_ENOMEM || st == GS_EIO || st == GS_ENOENT ? EXIT_RUNTIME
                                                              : EXIT_USAGE;
}

static int cmd_merge(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_merge, &done);
    if (rc || done)
        return rc;
    if (argc - optind < 1)
        return usage_error("merge", "merge wants at least one profile%s", "");
    if (!c->output)
        return usage_error("merge", "merge wants -o FILE%s", "");
    /* Merging is deterministic but not associative for the sketches and
     * keeps the first examples in merge order: the command line's order is
     * the merge order (the recipes list shards by index, never by which
     * finished first). */
    size_t n = (size_t)(argc - optind);
    const char *const *in = (const char *const *)argv + optind;
    gs_profile *acc = NULL;
    rc = EXIT_READY;
    for (size_t i = 0; i < n && rc == EXIT_READY; i++) {
        gs_profile *p = NULL;
        if ((rc = load_profile(in[i], &p)) != EXIT_READY)
            break;
        if (!acc) {
            acc = p;
            continue;
        }
        gs_status st = gs_profile_merge(acc, p);
        gs_profile_free(p);
        if (st != GS_OK) {
            fprintf(stderr, "gapscan: %s: %s\n", in[i],
                    st == GS_EINVAL ? "made with different sketch sizes; "
                    "cannot merge" : gs_status_str(st));
            rc = st == GS_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
        }
    }
    if (rc == EXIT_READY)
        rc = write_output(acc, NULL, c->output);
    gs_profile_free(acc);
    return rc;
}

static int cmd_compare(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_compare, &done);
    if (rc || done)
        return rc;
    if (argc - optind != 2)
        return usage_error("compare", "compare wants two profiles, SANDBOX "
                           "and PRODUCTION%s", "");
    if ((rc = load_policy(c)) != EXIT_READY)
        return rc;
    gs_profile *p[2] = {NULL, NULL};
    rc = EXIT_READY;
    for (int side = 0; side < 2 && rc == EXIT_READY; side++)
        rc = load_profile(argv[optind + side], &p[side]);
    if (rc == EXIT_READY)
        rc = judge_and_report(c, p[0], p[1], argv[optind], argv[optind + 1]);
    gs_profile_free(p[0]);
    gs_profile_free(p[1]);
    return rc;
}

/* ---- policy ------------------------------------------------------------- */

static int cmd_policy(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_policy, &done);
    if (rc || done)
        return rc;
    const char *verb = optind < argc ? argv[optind] : NULL;
    if (verb && strcmp(verb, "show") == 0 && argc - optind == 1) {
        fputs(gs_policy_builtin_text(), stdout);
        return EXIT_READY;
    }
    if (!verb || strcmp(verb, "check") != 0 || argc - optind < 2)
        return usage_error("policy", "policy wants 'show' or 'check FILE...'%s",
                           "");
    rc = EXIT_READY;
    for (int i = optind + 1; i < argc; i++) {
        gs_policy *p = NULL;
        gs_error err = {0};
        gs_status st = gs_policy_load(argv[i], &p, &err);
        if (st != GS_OK) {
            fprintf(stderr, "%s\n", err.message);
            rc = st == GS_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
            continue;
        }
        if (!c->quiet)
            printf("%s: ok: %zu checks, %zu waivers, %zu checklist items, "
                   "sha256 %s\n", argv[i], gs_policy_rule_count(p),
                   gs_policy_waiver_count(p), gs_policy_checklist_count(p),
                   gs_policy_sha256(p));
        gs_policy_free(p);
    }
    return rc;
}

/* ---- schema ------------------------------------------------------------- */

/* 'schema infer': profile the sandbox, infer, write the file (atomically
 * unless '-'); 'schema check': load each file, report its first error. */
static int cmd_schema(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_schema, &done);
    if (rc || done)
        return rc;
    const char *verb = optind < argc ? argv[optind] : NULL;
    if (verb && strcmp(verb, "check") == 0 && argc - optind >= 2) {
        for (int i = optind + 1; i < argc; i++) {
            gs_assumptions *a = NULL;
            gs_error err = {0};
            gs_status st = gs_assumptions_load(argv[i], &a, &err);
            if (st != GS_OK) {
                fprintf(stderr, "%s\n", err.message);
                rc = st == GS_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
            } else if (c->output && argc - optind == 2) {
                rc = write_output(NULL, a, c->output);
            } else if (!c->quiet) {
                printf("%s: ok: %zu assumptions\n", argv[i],
                       gs_assumptions_count(a));
            }
            gs_assumptions_free(a);
        }
        return rc;
    }
    if (!verb || strcmp(verb, "infer") != 0 || argc - optind < 2)
        return usage_error("schema", "schema wants 'infer SANDBOX... -o FILE' "
                           "or 'check FILE...'%s", "");
    if (!c->output)
        return usage_error("schema", "schema infer wants -o FILE%s", "");
    if (c->checkpoint)
        return usage_error("schema", "schema infer takes no --checkpoint%s",
                           "");
    if ((rc = load_policy(c)) != EXIT_READY)
        return rc;
    gs_profile *p = gs_profile_new(&c->lim);
    gs_assumptions *a = NULL;
    gs_error err = {0};
    gs_status st = p ? scan_tree(c, "sandbox",
                                 (const char *const *)argv + optind + 1,
                                 (size_t)(argc - optind - 1), p, NULL, 0,
                                 NULL, &err)
                     : GS_ENOMEM;
    gs_compare_opts opts;
    gs_policy_compare_opts(c->policy, &opts);
    if (st == GS_OK)
        st = gs_assumptions_infer(p, &opts, &a);
    rc = st != GS_OK ? runtime_error(&err, st)
                     : write_output(NULL, a, c->output);
    if (rc == EXIT_READY && !c->quiet && strcmp(c->output, "-") != 0)
        printf("%s: %zu assumptions\n", c->output, gs_assumptions_count(a));
    gs_assumptions_free(a);
    gs_profile_free(p);
    return rc;
}

/* ---- inspect ------------------------------------------------------------ */

typedef struct inspect_state {
    cli *c;
    gs_document *doc;
    gs_limits lim;
    int failed;
} inspect_state;

static void iso_time(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void days_to_date(int32_t days, char out[11])
{
    int y, m, d;
    gs_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* The staleness evidence (dates.h): newest content date, its source and
 * precision, future dates (after --as-of), unresolved day/month dates,
 * mtime lag and staleness markers. */
static void inspect_dates_json(yajl_gen g, const gs_document *d)
{
    const gs_date_verdict *v = gs_document_dates(d);
    const char *src = NULL;
    int32_t newest = gs_document_newest_date(d, &src);
    char date[11];
    if (src)
        days_to_date(newest, date);
    gs__jsonw_visible(g, "newest_content_date", src ? date : NULL);
    gs__jsonw_visible(g, "newest_content_date_source", src);
    gs__jsonw_visible(g, "newest_content_date_precision",
                      src ? gs_date_precision_name(v->newest.precision)
                          : NULL);
    if (v->future_dates)
        days_to_date(v->future.days, date);
    gs__jsonw_visible(g, "future_content_date", v->future_dates ? date : NULL);
    gs__jsonw_visible(g, "future_content_date_source",
                      gs_document_future_source(d));
    gs__jsonw_u64(g, "future_dates", v->future_dates);
    gs__jsonw_u64(g, "ambiguous_dates", v->ambiguous_unresolved);
    gs__jsonw_i64(g, "mtime_lag_days", v->mtime_lag_days);
    gs__jsonw_bool(g, "resaved", v->resaved);
    gs__jsonw_str(g, "staleness_markers");
    yajl_gen_map_open(g);
    const uint64_t *m = gs_document_stale_markers(d);
    for (int i = 0; i < GS_MARK__COUNT; i++)
        gs__jsonw_u64(g, gs_stale_marker_name((gs_stale_marker)i), m[i]);
    yajl_gen_map_close(g);
}

static void inspect_json(const gs_document *d, const char *path)
{
    const gs_doc_facts *f = gs_document_facts(d);
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g)
        return;
    /* Paths may hold bytes that are not UTF-8: gs__jsonw_visible() shows
     * them as \xNN; yajl escapes quotes and controls. */
    yajl_gen_map_open(g);
    gs__jsonw_visible(g, "path", path);
    gs__jsonw_visible(g, "format", f->format);
    gs__jsonw_visible(g, "compression", f->compression);
    gs__jsonw_u64(g, "bytes", f->bytes);
    gs__jsonw_visible(g, "encoding", f->encoding);
    gs__jsonw_str(g, "encoding_confidence");
    char conf[16];
    int n = snprintf(conf, sizeof conf, "%.2f", f->encoding_confidence);
    yajl_gen_number(g, conf, (size_t)n);
    gs__jsonw_bool(g, "bom", f->bom && f->bom[0]);
    gs__jsonw_visible(g, "declared_charset",
                      f->declared_charset && f->declared_charset[0]
                          ? f->declared_charset
                          : NULL);
    gs__jsonw_u64(g, "invalid_utf8", f->invalid_utf8);
    gs__jsonw_u64(g, "nul_bytes", f->nul_bytes);
    gs__jsonw_u64(g, "control_chars", f->control_chars);
    gs__jsonw_u64(g, "chars", f->chars);
    gs__jsonw_str(g, "hygiene");
    yajl_gen_map_open(g);
    for (int i = 0; i < GS_HYG_INVALID_UTF8; i++)  /* "encoding.x" -> "x" */
        gs__jsonw_u64(g,
                      strchr(gs_hygiene_code((gs_hygiene_class)i), '.') + 1,
                      f->hygiene[i]);
    yajl_gen_map_close(g);
    gs__jsonw_str(g, "line_endings");
    yajl_gen_map_open(g);
    gs__jsonw_u64(g, "lf", f->lf);
    gs__jsonw_u64(g, "crlf", f->crlf);
    gs__jsonw_u64(g, "cr", f->cr);
    yajl_gen_map_close(g);
    char t[32];
    iso_time(f->mtime, t, sizeof t);
    gs__jsonw_visible(g, "mtime", t);
    inspect_dates_json(g, d);
    gs__jsonw_u64(g, "records", f->records);
    gs__jsonw_u64(g, "fields", f->fields);
    gs__jsonw_str(g, "defects");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < gs_document_defect_count(d); i++) {
        const gs_doc_defect *x = gs_document_defect(d, i);
        yajl_gen_map_open(g);
        gs__jsonw_visible(g, "code", x->code);
        gs__jsonw_u64(g, "line", x->loc.line);
        gs__jsonw_u64(g, "col", x->loc.col);
        gs__jsonw_visible(g, "detail", x->detail);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    gs__jsonw_str(g, "facts");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < gs_document_fact_count(d); i++) {
        const char *k, *v;
        gs_document_fact(d, i, &k, &v);
        gs__jsonw_visible(g, k, v);
    }
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fwrite(buf, 1, len, stdout);
        fputc('\n', stdout);
    }
    yajl_gen_free(g);
}

static void inspect_text(const gs_document *d, const char *path)
{
    const gs_doc_facts *f = gs_document_facts(d);
    char t[32];
    iso_time(f->mtime, t, sizeof t);
    printf("%s\n", path);
    printf("  format       %s%s\n", f->format,
           f->compression ? " (gzip)" : "");
    printf("  bytes        %llu on disk, %llu decoded\n",
           (unsigned long long)f->bytes, (unsigned long long)f->bytes_decoded);
    printf("  encoding     %s (confidence %.2f)%s%s\n", f->encoding,
           f->encoding_confidence, f->bom && f->bom[0] ? ", BOM " : "",
           f->bom ? f->bom : "");
    printf("  invalid UTF-8 %llu, NUL %llu, controls %llu\n",
           (unsigned long long)f->invalid_utf8,
           (unsigned long long)f->nul_bytes,
           (unsigned long long)f->control_chars);
    printf("  lines        %llu (LF %llu, CRLF %llu, CR %llu)\n",
           (unsigned long long)f->lines, (unsigned long long)f->lf,
           (unsigned long long)f->crlf, (unsigned long long)f->cr);
    printf("  mtime        %s\n", t);
    printf("  records      %llu, fields %llu\n", (unsigned long long)f->records,
           (unsigned long long)f->fields);
    for (size_t i = 0; i < gs_document_fact_count(d); i++) {
        const char *k, *v;
        gs_document_fact(d, i, &k, &v);
        printf("  %-12s %s\n", k, v);
    }
    printf("  defects      %llu\n", (unsigned long long)f->defects);
    for (size_t i = 0; i < gs_document_defect_count(d); i++) {
        const gs_doc_defect *x = gs_document_defect(d, i);
        printf("    %s:%llu:%llu: %s%s%s\n", path,
               (unsigned long long)x->loc.line, (unsigned long long)x->loc.col,
               x->code, x->detail ? ": " : "", x->detail ? x->detail : "");
    }
}

static int inspect_entry(void *ud, const gs_walk_entry *e)
{
    inspect_state *s = ud;
    if (e->kind != GS_ENTRY_FILE) {
        fprintf(stderr, "gapscan: %s: skipped: %s\n", e->path, e->what);
        return 0;
    }
    gs_profile *p = gs_profile_new(&s->lim);
    if (!p || gs_document_scan(s->doc, e->path, p) != GS_OK) {
        gs_profile_free(p);
        s->failed = 1;
        return 1;
    }
    if (s->c->json)
        inspect_json(s->doc, e->path);
    else
        inspect_text(s->doc, e->path);
    gs_profile_free(p);
    return 0;
}

static int cmd_inspect(cli *c, int argc, char **argv)
{
    int done, rc = parse(c, argc, argv, usage_inspect, &done);
    if (rc || done)
        return rc;
    if (argc - optind < 1)
        return usage_error("inspect", "inspect wants at least one PATH%s", "");
    inspect_state s = {.c = c, .lim = c->lim};
    if (!(s.doc = gs_document_new(&s.lim))) {
        fputs("gapscan: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    int y, m, dd;   /* parse() checked the date */
    if (sscanf(c->as_of, "%4d-%2d-%2d", &y, &m, &dd) == 3)
        gs_document_set_as_of(s.doc, gs_days_from_civil(y, m, dd));
    gs_walk_opts wo = {0};
    wo.follow_symlinks = c->follow;
    rc = EXIT_READY;
    for (int i = optind; i < argc; i++) {
        gs_error err = {0};
        gs_status st = gs_walk(argv[i], &wo, inspect_entry, &s, &err);
        if (s.failed) {
            fputs("gapscan: out of memory\n", stderr);
            rc = EXIT_RUNTIME;
            break;
        }
        if (st != GS_OK)
            rc = runtime_error(&err, st);
    }
    gs_document_free(s.doc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        puts("gapscan " GS_VERSION);
        return EXIT_READY;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_main, stdout);
        return EXIT_READY;
    }
#if defined(__GLIBC__)
    /* Each file allocates and frees the same few hundred KB of buffers;
     * glibc's default (give the heap top back above 128 KB) returns them to
     * the kernel after every file and faults them in again for the next:
     * on many small files that was a page fault per 3 KB read. */
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
    static const struct {
        const char *name;
        int (*run)(cli *, int, char **);
        const char *usage;
    } cmds[] = {
        {"audit", cmd_audit, usage_audit},
        {"profile", cmd_profile, usage_profile},
        {"merge", cmd_merge, usage_merge},
        {"compare", cmd_compare, usage_compare},
        {"inspect", cmd_inspect, usage_inspect},
        {"policy", cmd_policy, usage_policy},
        {"schema", cmd_schema, usage_schema},
    };
    if (strcmp(cmd, "help") == 0) {
        for (size_t i = 0; argc > 2 && i < sizeof cmds / sizeof *cmds; i++)
            if (strcmp(argv[2], cmds[i].name) == 0) {
                fputs(cmds[i].usage, stdout);
                return EXIT_READY;
            }
        fputs(usage_main, stdout);
        return argc > 2 ? EXIT_USAGE : EXIT_READY;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (strcmp(cmd, cmds[i].name) == 0) {
            cli c = {.cmd = cmds[i].name};
            record_command(&c, argc - 1, argv + 1);
            int rc = cmds[i].run(&c, argc - 1, argv + 1);
            gs_policy_free(c.policy);
            gs_assumptions_free(c.assumptions);
            return rc;
        }
    return usage_error(NULL, "unknown command '%s'", cmd);
}

/* test_dates.c - the date extractor, field roles and newest-date evidence.
 *
 * Extraction rows give a text and the transcript of what must be found in
 * it: "YYYY-MM-DD precision source [order]" per hit, "; "-separated ("" for
 * nothing). Orders: D day-first, M month-first, ?YYYY-MM-DD ambiguous (the
 * month-first reading). Role rows give a path and its role. Evidence tests
 * build a document's hits by hand and check the precedence. The last tests
 * scan real files through gs_document. gs_dates_scan_value, which builds a
 * whole date's hit from its classification, is checked against the scan on
 * every numeric form, time, padding and context combined.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gapscan/dates.h"
#include "gapscan/document.h"

/* ---- transcripts ---------------------------------------------------------- */

typedef struct transcript {
    char s[4096];
    size_t n;
    int with_loc;
} transcript;

static void ymd(int32_t days, char out[11])
{
    int y, m, d;
    gs_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int record(void *ud, const gs_date_hit *h)
{
    transcript *t = ud;
    char a[11], b[11];
    ymd(h->days, a);
    ymd(h->alt_days, b);
    const char *ord = h->order == GS_ORDER_DAY_FIRST     ? " D"
                      : h->order == GS_ORDER_MONTH_FIRST ? " M"
                      : h->order == GS_ORDER_AMBIGUOUS   ? " ?"
                                                         : "";
    int w = snprintf(t->s + t->n, sizeof t->s - t->n, "%s%s %c %s%s%s",
                     t->n ? "; " : "", a, gs_date_precision_name(h->precision)[0],
                     gs_date_source_name(h->source), ord,
                     h->order == GS_ORDER_AMBIGUOUS ? b : "");
    t->n += (size_t)w;
    if (t->with_loc)
        t->n += (size_t)snprintf(t->s + t->n, sizeof t->s - t->n, " @%llu:%llu+%llu",
                                 (unsigned long long)h->loc.line,
                                 (unsigned long long)h->loc.col,
                                 (unsigned long long)h->loc.offset);
    ck_assert(t->n < sizeof t->s);
    return 0;
}

typedef struct row {
    const char *in, *want;
} row;

static const row rows[] = {
    /* ISO 8601 and other year-first numeric forms */
    {"shipped on 2019-03-05.", "2019-03-05 d prose"},
    {"at 2019-03-05T10:20:30.5+02:00 sharp", "2019-03-05 d prose"},
    {"2019-03-05 14:00 UTC", "2019-03-05 d prose"},
    {"in 2019-03 we", "2019-03-01 m prose"},
    {"2019/3/5", "2019-03-05 d prose"},
    {"2019.03.05", "2019-03-05 d prose"},
    /* numeric day/month */
    {"5.3.2019", "2019-03-05 d prose"},
    {"13/04/2020", "2020-04-13 d prose D"},
    {"04/13/2020", "2020-04-13 d prose M"},
    {"03/04/2020", "2020-04-03 d prose ?2020-03-04"},
    {"5-3-2019", "2019-03-05 d prose ?2019-05-03"},
    {"04/04/2020", "2020-04-04 d prose"},
    /* English words, RFC 2822 */
    {"March 3, 2019", "2019-03-03 d prose"},
    {"March 3rd 2019", "2019-03-03 d prose"},
    {"Jan. 5, 2020", "2020-01-05 d prose"},
    {"3 March 2019", "2019-03-03 d prose"},
    {"21st September, 2018", "2018-09-21 d prose"},
    {"MARCH 3, 2019", "2019-03-03 d prose"},
    {"Mar 2019", "2019-03-01 m prose"},
    {"December, 2017", "2017-12-01 m prose"},
    {"Tue, 05 Mar 2019 10:00:00 +0000", "2019-03-05 d prose"},
    /* other languages, ICU's names */
    {"1er mars 2019", "2019-03-01 d prose"},
    {"le 12 janv. 2021", "2021-01-12 d prose"},
    {"févr. 2020", "2020-02-01 m prose"},
    {"3. März 2020", "2020-03-03 d prose"},
    {"3 MÄRZ 2020", "2020-03-03 d prose"},
    {"3 de marzo de 2019", "2019-03-03 d prose"},
    {"marzo de 2019", "2019-03-01 m prose"},
    {"3 marzo 2019", "2019-03-03 d prose"},
    {"5 de março de 2019", "2019-03-05 d prose"},
    {"4 maart 2019, 4 mrt 2019", "2019-03-04 d prose; 2019-03-04 d prose"},
    {"12 listopada 2019", "2019-11-12 d prose"},
    {"styczeń 2020", "2020-01-01 m prose"},
    {"3. března 2019", "2019-03-03 d prose"},
    {"3 марта 2019 г.", "2019-03-03 d prose"},
    {"Март 2019", "2019-03-01 m prose"},
    {"3 березня 2019", "2019-03-03 d prose"},
    {"3 Mart 2019", "2019-03-03 d prose"},
    {"3 mars 2019", "2019-03-03 d prose"},
    {"3. marts 2019", "2019-03-03 d prose"},
    {"7. lokakuuta 2019", "2019-10-07 d prose"},
    {"2019. március 3.", "2019-03-03 d prose"},
    {"8 martie 2019", "2019-03-08 d prose"},
    {"5 Σεπτεμβρίου 2019", "2019-09-05 d prose"},
    {"2019年3月5日", "2019-03-05 d prose"},
    {"于2019年三月", "2019-03-01 m prose"},
    {"2019년 3월 5일", "2019-03-05 d prose"},
    /* copyright: the latest year */
    {"© 2014–2019 Acme", "2019-01-01 y copyright"},
    {"(c) 2014-2019", "2019-01-01 y copyright"},
    {"Copyright 2011, 2015 x", "2015-01-01 y copyright"},
    {"Copyright © 2020 Acme", "2020-01-01 y copyright"},
    {"&copy; 2009&ndash;2013", "2013-01-01 y copyright"},
    {"© 2014-19", "2019-01-01 y copyright"},
    {"© 2014–present", "2014-01-01 y copyright"},
    /* changelog trailers */
    {"## 1.2.0 - 2021-04-05", "2021-04-05 d changelog"},
    {"v2 (2020-01-12)", "2020-01-12 d changelog"},
    {"## [0.3.1] – 2020-06-30", "2020-06-30 d changelog"},
    {"x\n* 0.9.1 / 2018-02-02", "2018-02-02 d changelog"},
    {"Version 3.1 (March 5, 2020)", "2020-03-05 d changelog"},
    {"Chapter 3 - 2020-01-01", "2020-01-01 d prose"},
    /* last-updated phrases */
    {"Last updated: 2021-03-03", "2021-03-03 d last-updated"},
    {"Updated on 3 March 2021", "2021-03-03 d last-updated"},
    {"last modified 2020-02-02", "2020-02-02 d last-updated"},
    {"**Last modified:** 2020-02-02", "2020-02-02 d last-updated"},
    {"Modified on 2019-01-01", "2019-01-01 d last-updated"},
    {"it was modified 2019-01-01", "2019-01-01 d prose"},
    {"Mis à jour le 12 janvier 2021", "2021-01-12 d last-updated"},
    {"Zuletzt aktualisiert am 3. März 2020", "2020-03-03 d last-updated"},
    {"Last updated:\n  March 2021", "2021-03-01 m last-updated"},
    /* not dates */
    {"version v1.12.2019 and 1.2.2019.4", ""},
    {"the year 2019, pages 12-14, room 12345-2019", ""},
    {"32/03/2019, 2019-02-30, 2019-13, 99/99/2019, 31.4.2019", ""},
    {"32 March 2019", "2019-03-01 m prose"},   /* what is left */
    {"3March 2019, Mayday 2019, May I", ""},
    {"2019-03-05x 2019-03-05-17", ""},
    {"copyright notice", ""},
    {"03/04/19", ""},
    /* several, in order */
    {"From 2018-01-01 to March 2019; © 2020",
     "2018-01-01 d prose; 2019-03-01 m prose; 2020-01-01 y copyright"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

START_TEST(finds_each_form_as_the_table_says)
{
    const row *r = &rows[_i];
    transcript t = {0};
    ck_assert_int_eq(gs_dates_scan_text(r->in, strlen(r->in), NULL, NULL,
                                        record, &t),
                     GS_OK);
    ck_assert_msg(strcmp(t.s, r->want) == 0, "%s\n  got  \"%s\"\n  want \"%s\"",
                  r->in, t.s, r->want);
}
END_TEST

START_TEST(locations_count_lines_and_byte_columns)
{
    const char *in = "a\nb\r\ncc 2019-03-05\rx 3 mars 2019";
    transcript t = {.with_loc = 1};
    gs_dates_scan_text(in, strlen(in), NULL, NULL, record, &t);
    ck_assert_str_eq(t.s, "2019-03-05 d prose @3:4+8; "
                          "2019-03-03 d prose @4:3+21");
    gs_loc base = {100, 7, 5, 2};
    t = (transcript){.with_loc = 1};
    gs_dates_scan_text("x 2019-03-05", 12, &base, NULL, record, &t);
    ck_assert_str_eq(t.s, "2019-03-05 d prose @7:7+102");
}
END_TEST

START_TEST(markers_are_counted_at_word_boundaries)
{
    const char *in = "This API is DEPRECATED and no longer\n supported; "
                     "Obsolete. Superseded by v2. DRAFT. drafted, "
                     "undeprecated, draftsman, obsoleted, no longer used";
    uint64_t m[GS_MARK__COUNT] = {0};
    transcript t = {0};
    gs_dates_scan_text(in, strlen(in), NULL, m, record, &t);
    ck_assert_int_eq(m[GS_MARK_DEPRECATED], 1);
    ck_assert_int_eq(m[GS_MARK_NO_LONGER_SUPPORTED], 1);
    ck_assert_int_eq(m[GS_MARK_OBSOLETE], 1);
    ck_assert_int_eq(m[GS_MARK_SUPERSEDED_BY], 1);
    ck_assert_int_eq(m[GS_MARK_DRAFT], 1);
    ck_assert_str_eq(gs_stale_marker_name(GS_MARK_SUPERSEDED_BY),
                     "superseded by");
}
END_TEST

/* ---- streaming --------------------------------------------------------------- */

/* Every table row on its own line, repeated past several scanner windows,
 * then markers. */
static char *long_text(size_t *len)
{
    size_t cap = 64 * 1024, n = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    for (int rep = 0; n < 40000; rep++)
        for (size_t i = 0; i < N_ROWS; i++)
            n += (size_t)snprintf(s + n, cap - n, "%s%s", rows[i].in,
                                  i % 3 ? "\n" : "\r\n");
    n += (size_t)snprintf(s + n, cap - n, "deprecated draft 2024-01-02");
    *len = n;
    return s;
}

static void stream(const char *s, size_t len, size_t chunk, unsigned flags,
                   transcript *t, uint64_t markers[GS_MARK__COUNT])
{
    gs_date_scanner *sc;
    ck_assert_int_eq(gs_date_scanner_open(flags, &sc), GS_OK);
    for (size_t i = 0; i < len; i += chunk)
        ck_assert_int_eq(gs_date_scanner_feed(sc, s + i,
                                              len - i < chunk ? len - i : chunk,
                                              record, t),
                         GS_OK);
    ck_assert_int_eq(gs_date_scanner_finish(sc, record, t), GS_OK);
    memcpy(markers, gs_date_scanner_markers(sc), GS_MARK__COUNT * 8);
    gs_date_scanner_close(sc);
}

typedef struct big_transcript {
    char *s;
    size_t n, cap;
} big_transcript;

static int record_big(void *ud, const gs_date_hit *h)
{
    big_transcript *b = ud;
    transcript t = {.with_loc = 1};
    record(&t, h);
    if (b->n + t.n + 2 > b->cap) {
        b->cap = (b->cap + t.n + 2) * 2;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
    }
    memcpy(b->s + b->n, t.s, t.n);
    b->n += t.n;
    b->s[b->n++] = '\n';
    b->s[b->n] = '\0';
    return 0;
}

static void stream_big(const char *s, size_t len, size_t chunk,
                       unsigned flags, big_transcript *b, uint64_t *markers)
{
    gs_date_scanner *sc;
    ck_assert_int_eq(gs_date_scanner_open(flags, &sc), GS_OK);
    for (size_t i = 0; i < len; i += chunk)
        gs_date_scanner_feed(sc, s + i, len - i < chunk ? len - i : chunk,
                             record_big, b);
    gs_date_scanner_finish(sc, record_big, b);
    memcpy(markers, gs_date_scanner_markers(sc), GS_MARK__COUNT * 8);
    gs_date_scanner_close(sc);
}

START_TEST(any_chunking_gives_the_same_hits_as_one_piece)
{
    size_t len;
    char *s = long_text(&len);
    big_transcript one = {0};
    uint64_t m1[GS_MARK__COUNT] = {0};
    gs_dates_scan_text(s, len, NULL, m1, record_big, &one);
    ck_assert_uint_gt(one.n, 1000);
    static const size_t chunks[] = {1, 2, 3, 5, 7, 13, 64, 127, 128, 129,
                                    4096, 8191, 100000};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        big_transcript b = {0};
        uint64_t m2[GS_MARK__COUNT];
        stream_big(s, len, chunks[c], 0, &b, m2);
        ck_assert_msg(b.n == one.n && memcmp(b.s, one.s, b.n) == 0,
                      "chunk %zu differs", chunks[c]);
        ck_assert_msg(memcmp(m1, m2, sizeof m1) == 0, "markers, chunk %zu",
                      chunks[c]);
        free(b.s);
    }
    free(one.s);
    free(s);
}
END_TEST

START_TEST(markup_blanks_tags_comments_scripts_and_styles)
{
    const char *html =
        "<!DOCTYPE html><html><head><meta name=\"date\" "
        "content=\"2030-01-01\"><title>Notes 2010-10-10</title>"
        "<script>var d = '2029-01-01'; if (a < b) {}</script>"
        "<style>/* 2028-01-01 */</style></head><body>\n"
        "<p title='2027-01-01 > x'>Posted <b>May 5, 2021</b></p>"
        "<!-- 2031-01-01 -- still comment -->"
        "<p>a < 2019-01-01 &copy; 2012&ndash;2016</p></body></html>";
    size_t len = strlen(html);
    transcript one = {.with_loc = 1};
    uint64_t m[GS_MARK__COUNT];
    stream(html, len, len, GS_DATES_MARKUP, &one, m);
    ck_assert_str_eq(one.s, "2010-10-10 d prose @1:80+79; "
                            "2021-05-05 d prose @2:37+230; "
                            "2019-01-01 d prose @2:99+292; "
                            "2016-01-01 y copyright @2:110+303");
    for (size_t c = 1; c < 40; c++) {
        transcript t = {.with_loc = 1};
        stream(html, len, c, GS_DATES_MARKUP, &t, m);
        ck_assert_msg(strcmp(t.s, one.s) == 0, "chunk %zu: %s", c, t.s);
    }
    /* The same text without markup mode sees everything. */
    transcript plain = {0};
    stream(html, len, len, 0, &plain, m);
    ck_assert_ptr_nonnull(strstr(plain.s, "2029-01-01"));
}
END_TEST

static void *scan_in_thread(void *arg)
{
    transcript *t = arg;
    gs_dates_scan_text("3 mars 2019", 11, NULL, NULL, record, t);
    return NULL;
}

START_TEST(month_table_is_built_once_for_all_threads)
{
    pthread_t th[4];
    transcript t[4] = {{{0}, 0, 0}};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, scan_in_thread, &t[i]),
                         0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_str_eq(t[i].s, "2019-03-03 d prose");
    }
    ck_assert_int_eq(gs_dates_init(), GS_OK);
}
END_TEST

/* ---- roles ------------------------------------------------------------------ */

static const struct {
    const char *path;
    gs_date_role role;
} roles[] = {
    {"updated_at", GS_ROLE_MODIFIED},
    {"last_modified", GS_ROLE_MODIFIED},
    {"doc.meta.lastmod", GS_ROLE_MODIFIED},
    {"modified", GS_ROLE_MODIFIED},
    {"date_modified", GS_ROLE_MODIFIED},
    {"doc.meta.article:modified_time", GS_ROLE_MODIFIED},
    {"doc.meta.og:updated_time", GS_ROLE_MODIFIED},
    {"doc.meta.DC.date.modified", GS_ROLE_MODIFIED},
    {"/feed/entry/updated", GS_ROLE_MODIFIED},
    {"/rss/channel/lastBuildDate", GS_ROLE_MODIFIED},
    {"items[].dateModified", GS_ROLE_MODIFIED},
    {"Last Updated", GS_ROLE_MODIFIED},
    {"/rss/channel/item/pubDate", GS_ROLE_PUBLISHED},
    {"published", GS_ROLE_PUBLISHED},
    {"doc.meta.article:published_time", GS_ROLE_PUBLISHED},
    {"post.datePublished", GS_ROLE_PUBLISHED},
    {"/feed/entry/published", GS_ROLE_PUBLISHED},
    {"created_at", GS_ROLE_CREATED},
    {"users.{*}.createdAt", GS_ROLE_CREATED},
    {"doc.meta.dc:date", GS_ROLE_OTHER},
    {"doc.meta.date", GS_ROLE_OTHER},
    {"doc.time", GS_ROLE_OTHER},
    {"/catalog/book/@date", GS_ROLE_OTHER},
    {"order_date", GS_ROLE_OTHER},
    {"deleted_at", GS_ROLE_OTHER},
    {"startAt", GS_ROLE_OTHER},
    {"expires_at", GS_ROLE_NOT_CONTENT},
    {"birth_date", GS_ROLE_NOT_CONTENT},
    {"dob", GS_ROLE_NOT_CONTENT},
    {"valid_until", GS_ROLE_NOT_CONTENT},
    {"due_date", GS_ROLE_NOT_CONTENT},
    {"name", GS_ROLE_NONE},
    {"doc.title", GS_ROLE_NONE},
    {"items[].sku", GS_ROLE_NONE},
    {"column_3", GS_ROLE_NONE},
    {"format", GS_ROLE_NONE},
};
#define N_ROLES (sizeof roles / sizeof roles[0])

START_TEST(field_names_get_their_date_role)
{
    const char *p = roles[_i].path;
    gs_date_role r = gs_date_role_of(p, strlen(p));
    ck_assert_msg(r == roles[_i].role, "%s: got %s, want %s", p,
                  gs_date_role_name(r), gs_date_role_name(roles[_i].role));
}
END_TEST

/* ---- evidence --------------------------------------------------------------- */

static int32_t D(int y, int m, int d) { return gs_days_from_civil(y, m, d); }

static gs_date_hit hit(int32_t days, gs_date_source src, uint64_t line)
{
    gs_date_hit h = {days, days, GS_DATE_DAY, src, GS_ORDER_NONE,
                     {0, line, 1, 0}};
    return h;
}

/* An ambiguous A/B/YYYY hit (A, B <= 12). */
static gs_date_hit amb(int y, int a, int b, uint64_t line)
{
    gs_date_hit h = {D(y, b, a), D(y, a, b), GS_DATE_DAY, GS_DSRC_PROSE,
                     GS_ORDER_AMBIGUOUS, {0, line, 1, 0}};
    return h;
}

static void describe_newest(const gs_date_verdict *v, char *out, size_t cap)
{
    char d[11];
    ymd(v->newest.days, d);
    int n = snprintf(out, cap, "%s %s ", d,
                     gs_date_precision_name(v->newest.precision));
    gs_date_pick_describe(&v->newest, out + n, cap - (size_t)n);
}

#define NO_MTIME INT64_MIN
#define NO_AS_OF INT32_MAX

START_TEST(modified_metadata_wins_over_everything_newer)
{
    gs_date_evidence *e = gs_date_evidence_new(NO_AS_OF);
    gs_date_hit h = hit(D(2023, 1, 1), GS_DSRC_PROSE, 9);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2022, 1, 1), GS_DSRC_LAST_UPDATED, 3);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2021, 1, 1), GS_DSRC_PROSE, 1);
    gs_date_evidence_add(e, &h, GS_ROLE_PUBLISHED, "doc.meta.pubdate");
    h = hit(D(2020, 1, 1), GS_DSRC_PROSE, 5);
    gs_date_evidence_add(e, &h, GS_ROLE_MODIFIED,
                         "doc.meta.article:modified_time");
    h = hit(D(2024, 1, 1), GS_DSRC_PROSE, 6);
    gs_date_evidence_add(e, &h, GS_ROLE_NOT_CONTENT, "expires");
    gs_date_verdict v;
    char s[200];
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2020-01-01 day meta "
                        "doc.meta.article:modified_time line 5");
    ck_assert_int_eq(v.tier, 0);
    ck_assert_int_eq(v.dates, 4);

    /* Without it: published, then last-updated, then the rest. */
    gs_date_evidence_reset(e, NO_AS_OF);
    h = hit(D(2023, 1, 1), GS_DSRC_PROSE, 9);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2021, 1, 1), GS_DSRC_PROSE, 1);
    gs_date_evidence_add(e, &h, GS_ROLE_PUBLISHED, "pubDate");
    h = hit(D(2022, 1, 1), GS_DSRC_LAST_UPDATED, 3);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2021-01-01 day meta pubDate line 1");

    gs_date_evidence_reset(e, NO_AS_OF);
    h = hit(D(2023, 1, 1), GS_DSRC_COPYRIGHT, 9);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2022, 1, 1), GS_DSRC_LAST_UPDATED, 3);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2022-01-01 day last-updated line 3");
    gs_date_evidence_free(e);
}
END_TEST

START_TEST(other_content_dates_compete_by_date_then_precision)
{
    gs_date_evidence *e = gs_date_evidence_new(NO_AS_OF);
    gs_date_hit h = hit(D(2020, 3, 1), GS_DSRC_PROSE, 1);
    h.precision = GS_DATE_MONTH;
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2020, 3, 1), GS_DSRC_FIELD, 2);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, "when");
    h = hit(D(2019, 1, 1), GS_DSRC_CHANGELOG, 3);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2018, 5, 5), GS_DSRC_PROSE, 4);
    gs_date_evidence_add(e, &h, GS_ROLE_CREATED, "created_at");
    gs_date_verdict v;
    char s[200];
    gs_date_evidence_verdict(e, D(2024, 6, 1) * 86400LL + 3600, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2020-03-01 day field when line 2");
    ck_assert_int_eq(v.tier, 3);
    ck_assert_int_eq(v.mtime_lag_days, D(2024, 6, 1) - D(2020, 3, 1));
    ck_assert(v.resaved);
    gs_date_evidence_free(e);
}
END_TEST

START_TEST(mtime_is_the_last_resort)
{
    gs_date_evidence *e = gs_date_evidence_new(NO_AS_OF);
    gs_date_verdict v;
    char s[200];
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    ck_assert_int_eq(v.tier, -1);
    gs_date_evidence_verdict(e, D(2021, 7, 8) * 86400LL + 86399, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2021-07-08 day mtime");
    ck_assert_int_eq(v.tier, 4);
    ck_assert(!v.resaved);
    gs_date_evidence_free(e);
}
END_TEST

START_TEST(future_dates_are_kept_apart_and_never_win)
{
    gs_date_evidence *e = gs_date_evidence_new(D(2025, 1, 1));
    gs_date_hit h = hit(D(2062, 1, 1), GS_DSRC_PROSE, 7);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2030, 1, 1), GS_DSRC_PROSE, 2);
    gs_date_evidence_add(e, &h, GS_ROLE_MODIFIED, "updated_at");
    h = hit(D(2020, 2, 2), GS_DSRC_PROSE, 3);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2025, 1, 1), GS_DSRC_PROSE, 4);   /* as_of itself: not future */
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    gs_date_verdict v;
    char s[200];
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2025-01-01 day prose line 4");
    ck_assert_int_eq(v.future_dates, 2);
    ck_assert_int_eq(v.future.days, D(2062, 1, 1));
    ck_assert_int_eq(v.future.loc.line, 7);

    /* Only future content: the mtime stands in. */
    gs_date_evidence_reset(e, D(2025, 1, 1));
    h = hit(D(2062, 1, 1), GS_DSRC_PROSE, 7);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    gs_date_evidence_verdict(e, D(2024, 1, 1) * 86400LL, &v);
    ck_assert_int_eq(v.newest.source, GS_DSRC_MTIME);
    ck_assert_int_eq(v.future_dates, 1);
    gs_date_evidence_free(e);
}
END_TEST

/* hits: ambiguous 03/04/2020 plus optional evidence of an order. */
static gs_date_verdict ambiguous_case(int evidence_d, int evidence_m,
                                      int32_t as_of)
{
    gs_date_evidence *e = gs_date_evidence_new(as_of);
    gs_date_hit h = amb(2020, 3, 4, 1);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    if (evidence_d) {   /* 13/05/2019 */
        h = hit(D(2019, 5, 13), GS_DSRC_PROSE, 2);
        h.order = GS_ORDER_DAY_FIRST;
        gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    }
    if (evidence_m) {   /* 05/13/2019 */
        h = hit(D(2019, 5, 13), GS_DSRC_PROSE, 3);
        h.order = GS_ORDER_MONTH_FIRST;
        gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    }
    gs_date_verdict v;
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    gs_date_evidence_free(e);
    return v;
}

START_TEST(ambiguous_dates_follow_the_documents_order_or_keep_the_year)
{
    char s[200];
    gs_date_verdict v = ambiguous_case(1, 0, NO_AS_OF);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2020-04-03 day prose line 1");
    ck_assert_int_eq(v.order, GS_ORDER_DAY_FIRST);
    ck_assert_int_eq(v.ambiguous_resolved, 1);
    ck_assert_int_eq(v.ambiguous_unresolved, 0);

    v = ambiguous_case(0, 1, NO_AS_OF);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2020-03-04 day prose line 1");
    ck_assert_int_eq(v.order, GS_ORDER_MONTH_FIRST);

    /* No evidence, or conflicting evidence: only the year is agreed. */
    v = ambiguous_case(0, 0, NO_AS_OF);
    describe_newest(&v, s, sizeof s);
    ck_assert_str_eq(s, "2020-01-01 year prose line 1");
    ck_assert_int_eq(v.ambiguous_unresolved, 1);
    ck_assert_int_eq(v.order, GS_ORDER_NONE);
    v = ambiguous_case(1, 1, NO_AS_OF);
    ck_assert_int_eq(v.order, GS_ORDER_AMBIGUOUS);
    ck_assert_int_eq(v.newest.precision, GS_DATE_YEAR);
    ck_assert_int_eq(v.ambiguous_unresolved, 1);

    /* A reading after as_of is not a candidate: 2020-04-03 is future on
     * 2020-03-10, so a day-first document has nothing newer than 13/05/2019. */
    v = ambiguous_case(1, 0, D(2020, 3, 10));
    ck_assert_int_eq(v.newest.days, D(2019, 5, 13));

    /* An unresolved year loses to a clear date of that year. */
    gs_date_evidence *e = gs_date_evidence_new(NO_AS_OF);
    gs_date_hit h = amb(2020, 3, 4, 1);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    h = hit(D(2020, 2, 10), GS_DSRC_PROSE, 2);
    gs_date_evidence_add(e, &h, GS_ROLE_NONE, NULL);
    gs_date_evidence_verdict(e, NO_MTIME, &v);
    ck_assert_int_eq(v.newest.days, D(2020, 2, 10));
    gs_date_evidence_free(e);
}
END_TEST

START_TEST(calendar_round_trips)
{
    for (int32_t d = D(1000, 1, 1); d <= D(9999, 12, 31); d += 17) {
        int y, m, dd;
        gs_civil_from_days(d, &y, &m, &dd);
        ck_assert_int_eq(gs_days_from_civil(y, m, dd), d);
    }
    ck_assert_int_eq(D(1970, 1, 1), 0);
    ck_assert_int_eq(D(2000, 3, 1), 11017);
}
END_TEST

/* ---- through gs_document ---------------------------------------------------- */

static char dir[] = "/tmp/gs_test_dates_XXXXXX";

static const char *write_file(const char *name, const char *text,
                              int64_t mtime)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
    return path;
}

typedef struct doc_case {
    const char *name, *text;
    const char *want;     /* "YYYY-MM-DD source" */
    uint64_t future, ambiguous, markers;
} doc_case;

static const doc_case docs[] = {
    {"notes.md",
     "# Notes\n\nLast updated: March 3, 2021\n\nWe met on 2019-05-06; the "
     "launch is set for 2062-01-01.\n\n(c) 2014-2019. Deprecated.\n",
     "2021-03-03 last-updated line 3", 1, 0, 1},
    {"log.txt", "Meeting 03/04/2020. Next: 15/04/2020? No: 02/05/2020.\n",
     "2020-05-02 prose line 1", 0, 0, 0},
    {"memo.txt", "Filed 03/04/2020 and 07/08/2019.\n",
     "2020-01-01 prose line 1", 0, 2, 0},
    {"plain.txt", "No dates here at all.\n", "2021-06-07 mtime", 0, 0, 0},
    {"items.csv", "id,updated_at,note\n1,2020-01-05,x\n2,2021-02-03,"
     "\"changed 2023-01-01\"\n3,2062-01-01,y\n",
     "2021-02-03 meta updated_at line 3", 1, 0, 0},
    {"rows.csv", "id,note\n1,\"Last updated 4 May 2018\"\n2,old 2017-01-01\n",
     "2018-05-04 last-updated note line 2", 0, 0, 0},
    {"feed.jsonl", "{\"title\":\"x\",\"dateModified\":\"2022-04-05\",\"body\":"
     "\"Released 3 March 2024\",\"expires\":\"2024-12-12\"}\n",
     "2022-04-05 meta dateModified line 1", 0, 0, 0},
    {"page.html", "<html><head><meta name=\"x\" content=\"2030-01-01\">"
     "<script>var d=\"2029-01-01\"</script></head><body><p>&copy; "
     "2012&ndash;2016</p></body></html>\n",
     /* the meta's 2030 date (a doc.meta value from the HTML parser) is
      * future evidence and never the newest; the script's is not read */
     "2016-01-01 copyright line 1", 1, 0, 0},
};
#define N_DOCS (sizeof docs / sizeof docs[0])

START_TEST(documents_get_their_newest_content_date)
{
    const doc_case *c = &docs[_i];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *path = write_file(c->name, c->text,
                                  D(2021, 6, 7) * 86400LL + 600);
    gs_limits lim;
    gs_limits_default(&lim);
    gs_document *d = gs_document_new(&lim);
    gs_profile *p = gs_profile_new(&lim);
    ck_assert_ptr_nonnull(d);
    gs_document_set_as_of(d, D(2025, 1, 1));
    ck_assert_int_eq(gs_document_scan(d, path, p), GS_OK);
    const char *src;
    int32_t days = gs_document_newest_date(d, &src);
    char got[200], ds[11];
    ymd(days, ds);
    snprintf(got, sizeof got, "%s %s", ds, src ? src : "(none)");
    ck_assert_msg(strcmp(got, c->want) == 0, "%s: got \"%s\" want \"%s\"",
                  c->name, got, c->want);
    const gs_date_verdict *v = gs_document_dates(d);
    ck_assert_int_eq(v->future_dates, c->future);
    ck_assert_int_eq(v->ambiguous_unresolved, c->ambiguous);
    uint64_t m = 0;
    for (int i = 0; i < GS_MARK__COUNT; i++)
        m += gs_document_stale_markers(d)[i];
    ck_assert_int_eq(m, c->markers);
    gs_profile_free(p);
    gs_document_free(d);
    unlink(path);
    rmdir(dir);
    memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}
END_TEST

/* ---- gs_dates_scan_value against the scan ---------------------------------- */

#define MAX_HITS 8

typedef struct hits {
    gs_date_hit h[MAX_HITS];
    size_t n;
    int stop_at;          /* return nonzero on this hit (1-based); 0 never */
} hits;

static int collect(void *ud, const gs_date_hit *h)
{
    hits *c = ud;
    if (c->n < MAX_HITS)
        c->h[c->n] = *h;
    c->n++;
    return c->stop_at && (int)c->n == c->stop_at;
}

static int same_hit(const gs_date_hit *a, const gs_date_hit *b)
{
    return a->days == b->days && a->alt_days == b->alt_days &&
           a->precision == b->precision && a->source == b->source &&
           a->order == b->order && a->loc.offset == b->loc.offset &&
           a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
           a->loc.record == b->loc.record;
}

typedef struct diff_stats {
    size_t values, fast;               /* fast: whole unpadded dates */
    size_t by_format[GS_VFMT__COUNT];  /* unpadded dates per format */
} diff_stats;

/* One value through both paths, as text and as a JSON number (classified
 * alike as text or a JSON string), from one of three bases (the third:
 * NULL, without markers), running to its end and stopping at the first
 * hit. */
static void differ(const char *v, size_t len, diff_stats *st)
{
    static const gs_loc bases[] = {{0, 0, 0, 0}, {1000, 7, 13, 42}};
    static const gs_value_kind kinds[] = {GS_VK_TEXT, GS_VK_NUMBER};
    for (size_t k = 0; k < 2; k++) {
        gs_value_class vc = gs_value_classify(v, len, kinds[k]);
        st->values++;
        if (vc.type == GS_VT_DATE && !(vc.flags & GS_VF_PADDED)) {
            st->fast++;
            st->by_format[vc.format]++;
        }
        int b = (int)(st->values % 3);
        const gs_loc *base = b < 2 ? &bases[b] : NULL;
        for (int stop = 0; stop < 2; stop++) {
            uint64_t m1[GS_MARK__COUNT], m2[GS_MARK__COUNT];
            for (int i = 0; i < GS_MARK__COUNT; i++)
                m1[i] = m2[i] = (uint64_t)i + 3;
            hits want = {.stop_at = stop}, got = {.stop_at = stop};
            gs_status ws = gs_dates_scan_text(v, len, base, base ? m1 : NULL,
                                              collect, &want);
            gs_status gs = gs_dates_scan_value(v, len, &vc, base,
                                               base ? m2 : NULL, collect,
                                               &got);
            ck_assert_msg(ws == gs && want.n == got.n,
                          "\"%.*s\" kind %d: %zu hits (status %d) scanned, "
                          "%zu (status %d) from the value", (int)len, v,
                          (int)kinds[k], want.n, (int)ws, got.n, (int)gs);
            for (size_t i = 0; i < want.n && i < MAX_HITS; i++)
                ck_assert_msg(same_hit(&want.h[i], &got.h[i]),
                              "\"%.*s\" kind %d base %d: hit %zu differs",
                              (int)len, v, (int)kinds[k], b, i);
            ck_assert(memcmp(m1, m2, sizeof m1) == 0);
        }
    }
}

static void differ_str(const char *v, diff_stats *st)
{
    differ(v, strlen(v), st);
}

START_TEST(scan_value_gives_the_scans_hits)
{
    static const char *const years[] = {"0999", "1000", "1582", "1900",
                                        "2000", "2019", "2024", "2100",
                                        "9999", "10000", "19"};
    static const char *const months[] = {"00", "01", "02", "09", "12", "13",
                                         "1", "9"};
    static const char *const days[] = {"00", "01", "09", "28", "29", "30",
                                       "31", "32", "5"};
    static const char *const parts[] = {"0", "1", "01", "5", "05", "12",
                                        "13", "29", "30", "31", "32", "123"};
    static const char *const times[] = {
        "", "T10:00", "T10:00:00", "T23:59:60", "T24:00", " 10:00:00",
        "T10:00:00Z", "T10:00:00.123", "T10:00:00,5", "T10:00:00+05:30",
        "T10:00-0800", "T10:00:00+05", "T10:00+053", "T10:00:00+24:00",
        "T10:00:00+05:60", "T10:00:", "T10:0", "T10:00:00.", "T10:60",
        "T10:00:61", " 1:00 PM", " 13:00 AM", " 10:00", " 9:05:07 am",
        " 9:05:07.5", " 10:00:00.5", " 10:00Z", " 10:00:00.5-03:00",
        "T10:00:00.123456789Z", " 10:00:00 +0000", "x",
        " x", " deprecated", ".5", "-17", "/4", "T", " ",
    };
    static const char *const pre[] = {"", " ", "\t", "\n", "updated ",
                                      "(c) ", "## 1.2 - "};
    static const char *const post[] = {"", " ", "\r\n", " draft", "\n2019-03-05"};
    diff_stats st = {0};
    char v[512];
    /* Year-first and day-first numeric dates, each with every time. */
    const char seps[] = {'-', '/', '.'};
    for (size_t s = 0; s < 3; s++) {
        for (size_t y = 0; y < sizeof years / sizeof *years; y++)
            for (size_t m = 0; m < sizeof months / sizeof *months; m++)
                for (size_t d = 0; d < sizeof days / sizeof *days; d++)
                    for (size_t t = 0; t < sizeof times / sizeof *times;
                         t += s == 0 ? 1 : 3) {
                        snprintf(v, sizeof v, "%s%c%s%c%s%s", years[y],
                                 seps[s], months[m], seps[s], days[d],
                                 times[t]);
                        differ_str(v, &st);
                    }
        for (size_t a = 0; a < sizeof parts / sizeof *parts; a++)
            for (size_t b = 0; b < sizeof parts / sizeof *parts; b++)
                for (size_t y = 0; y < sizeof years / sizeof *years; y++)
                    for (size_t t = 0; t < sizeof times / sizeof *times;
                         t += 3 + y % 3) {
                        snprintf(v, sizeof v, "%s%c%s%c%s%s", parts[a],
                                 seps[s], parts[b], seps[s], years[y],
                                 times[t]);
                        differ_str(v, &st);
                    }
    }
    /* Some of them inside text or padding. */
    static const char *const cores[] = {
        "2019-03-05", "2019-03-05T10:00:00Z", "2019-03-05 10:00:00.5+01:00",
        "2019/3/5", "05.03.2019", "25/03/2019", "03/25/2019", "03/04/2019",
        "04/04/2019", "2019-02-29", "20190305", "1551744000", "Mar 4, 2024",
        "Oct 5 2005", "Fri, 01 Mar 2024 10:00:00 +0000",
    };
    for (size_t c = 0; c < sizeof cores / sizeof *cores; c++)
        for (size_t a = 0; a < sizeof pre / sizeof *pre; a++)
            for (size_t b = 0; b < sizeof post / sizeof *post; b++) {
                snprintf(v, sizeof v, "%s%s%s", pre[a], cores[c], post[b]);
                differ_str(v, &st);
            }
    /* Digit runs (epochs, YYYYMMDD, codes), signs, numbers, words, nulls,
     * booleans, empty. */
    for (size_t n = 0; n <= 20; n++)
        for (int d = 0; d < 3; d++) {
            for (size_t i = 0; i < n; i++)
                v[i] = (char)("1290"[(i + (size_t)d) % 4]);
            differ(v, n, &st);
            v[0] = '-';
            differ(v, n, &st);
        }
    static const char *const misc[] = {
        "+2019", "-2019-03-05", "1,234", "2,019", "2019.5", "1.234.567",
        "1 234", "12%", "$2019", "2019年3月5日", "2019년 3월 5일",
        "3 March 2019", "March 2019", "© 2014–2019", "(c) 2019",
        "Copyright 2014, 2019", "last updated 2019-03-05", "NULL", "N/A",
        "null", "-", "none", "(null)", "undefined", "true", "no", "off",
        "deprecated", "no longer supported", "obsolete", "superseded by x",
        "draft", "v1.2.2019", "10/03/2019/4", "1.2.2019.4", "2019-03-05-17",
        "2019-03", "2019-3", "2019/03", "5-3-2019", "13-3-2019",
    };
    for (size_t i = 0; i < sizeof misc / sizeof *misc; i++)
        differ_str(misc[i], &st);
    /* Around the match window's end (a zone cut by it), and past it. */
    static const char *const zones[] = {"", "Z", "+05:00", "-05:00", "-0500",
                                        " PM"};
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++)
        for (size_t end = GS_DATES_MAX_MATCH - 8;
             end < GS_DATES_MAX_MATCH + 8; end++)
            for (int dmy = 0; dmy < 2; dmy++) {
                size_t n = (size_t)snprintf(v, sizeof v, "%s",
                                            dmy ? "25/03/2019 10:00:00."
                                                : "2019-03-05T10:00:00.");
                while (n < end)
                    v[n++] = '7';
                n += (size_t)snprintf(v + n, sizeof v - n, "%s", zones[z]);
                differ(v, n, &st);
            }
    memset(v, '9', 300);
    differ(v, 300, &st);
    /* The fast path was taken, in each form it knows. */
    static const gs_vformat known[] = {
        GS_VFMT_DATE_ISO, GS_VFMT_DATETIME_ISO, GS_VFMT_DATETIME_ISO_ZONE,
        GS_VFMT_DATETIME_ISO_FRAC, GS_VFMT_DATETIME_ISO_FRAC_ZONE,
        GS_VFMT_DATETIME_SPACE, GS_VFMT_DATETIME_SPACE_ZONE,
        GS_VFMT_DATETIME_SPACE_FRAC, GS_VFMT_DATETIME_SPACE_FRAC_ZONE,
        GS_VFMT_DATE_YMD_SLASH, GS_VFMT_DATE_MDY_SLASH,
        GS_VFMT_DATE_DMY_SLASH, GS_VFMT_DATE_DM_AMBIGUOUS,
        GS_VFMT_DATE_DMY_DOT,
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        ck_assert_msg(st.by_format[known[i]] >= 10, "%s: %zu values",
                      gs_vformat_name(known[i]), st.by_format[known[i]]);
    ck_assert_msg(st.fast > 5000, "%zu of %zu values", st.fast, st.values);
}
END_TEST

static Suite *dates_suite(void)
{
    Suite *s = suite_create("dates");
    TCase *x = tcase_create("extract");
    tcase_add_loop_test(x, finds_each_form_as_the_table_says, 0, N_ROWS);
    tcase_add_test(x, locations_count_lines_and_byte_columns);
    tcase_add_test(x, markers_are_counted_at_word_boundaries);
    tcase_add_test(x, any_chunking_gives_the_same_hits_as_one_piece);
    tcase_add_test(x, markup_blanks_tags_comments_scripts_and_styles);
    tcase_add_test(x, month_table_is_built_once_for_all_threads);
    tcase_add_test(x, scan_value_gives_the_scans_hits);
    suite_add_tcase(s, x);
    TCase *r = tcase_create("roles");
    tcase_add_loop_test(r, field_names_get_their_date_role, 0, N_ROLES);
    suite_add_tcase(s, r);
    TCase *e = tcase_create("evidence");
    tcase_add_test(e, modified_metadata_wins_over_everything_newer);
    tcase_add_test(e, other_content_dates_compete_by_date_then_precision);
    tcase_add_test(e, mtime_is_the_last_resort);
    tcase_add_test(e, future_dates_are_kept_apart_and_never_win);
    tcase_add_test(e, ambiguous_dates_follow_the_documents_order_or_keep_the_year);
    tcase_add_test(e, calendar_round_trips);
    suite_add_tcase(s, e);
    TCase *d = tcase_create("document");
    tcase_add_loop_test(d, documents_get_their_newest_content_date, 0, N_DOCS);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dates_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

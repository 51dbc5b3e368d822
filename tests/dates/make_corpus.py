#!/usr/bin/env python3
"""make_corpus.py OUTDIR - a labelled corpus for the staleness accuracy test.

Writes real-looking documents (plain text, Markdown, HTML, CSV, JSON Lines)
into OUTDIR, each with its known newest content date, and OUTDIR/labels.tsv
("name<TAB>YYYY-MM-DD"). Every file's mtime is set to MTIME, and dates after
AS_OF are planted as future noise, so run gapscan with --as-of AS_OF.

The label is what a careful reader would answer to "when was this content
last changed?": an explicit modified/updated date first, then a published
date, then the newest date the content itself carries; a document with only
a copyright line is labelled January 1 of its latest year; a document with
no date at all is labelled with its mtime. Some documents carry traps a
simple "newest date wins" gets wrong (due dates, planned dates, birth dates,
day/month ambiguity); they are part of the measurement, not excluded.

Deterministic: a fixed seed, no clock.
"""
import datetime as dt
import json
import os
import random
import sys

AS_OF = dt.date(2025, 1, 1)
MTIME = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
R = random.Random(20240601)

# Month names as people write them (not from ICU: the test must not share
# the implementation's data).
MONTHS = {
    "en": "January February March April May June July August September "
          "October November December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre "
          "octobre novembre décembre".split(),
    "de": "Januar Februar März April Mai Juni Juli August September "
          "Oktober November Dezember".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre "
          "octubre noviembre diciembre".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto "
          "settembre ottobre novembre dicembre".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro "
          "outubro novembro dezembro".split(),
    "nl": "januari februari maart april mei juni juli augustus september "
          "oktober november december".split(),
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia "
          "września października listopada grudnia".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября "
          "октября ноября декабря".split(),
    "sv": "januari februari mars april maj juni juli augusti september "
          "oktober november december".split(),
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim "
          "Kasım Aralık".split(),
}
ABBR = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def rdate(lo=dt.date(2012, 1, 1), hi=dt.date(2024, 5, 1)):
    return lo + dt.timedelta(days=R.randrange((hi - lo).days))


def later(d, lo=3, hi=200):
    return d + dt.timedelta(days=R.randrange(lo, hi))


def earlier(d, lo=3, hi=900):
    return d - dt.timedelta(days=R.randrange(lo, hi))


def words(d, lang):
    m = MONTHS[lang][d.month - 1]
    return {
        "en": f"{m} {d.day}, {d.year}",
        "fr": f"{d.day} {m} {d.year}",
        "de": f"{d.day}. {m} {d.year}",
        "es": f"{d.day} de {m} de {d.year}",
        "it": f"{d.day} {m} {d.year}",
        "pt": f"{d.day} de {m} de {d.year}",
        "nl": f"{d.day} {m} {d.year}",
        "pl": f"{d.day} {m} {d.year}",
        "ru": f"{d.day} {m} {d.year} г.",
        "sv": f"{d.day} {m} {d.year}",
        "tr": f"{d.day} {m} {d.year}",
    }[lang]


UPDATED = {"en": "Last updated:", "fr": "Mis à jour le", "de":
           "Zuletzt aktualisiert am", "es": "Actualizado el", "it":
           "Aggiornato il", "pt": "Atualizado em", "nl": "Bijgewerkt op",
           "pl": "Zaktualizowano", "ru": "Updated:", "sv": "Uppdaterad",
           "tr": "Updated on"}

LOREM = [
    "The team reviewed the open items and agreed on the next steps.",
    "Access to the shared drive is granted through the service desk.",
    "Refer to the onboarding guide for the list of required tools.",
    "All figures are in thousands unless stated otherwise.",
    "Questions about this page go to the platform channel.",
    "The procedure applies to every production environment.",
    "Backups run nightly and are kept for thirty days.",
]


def para(n=3):
    return " ".join(R.choice(LOREM) for _ in range(n))


docs = []   # (name, text, label)


def add(name, text, label):
    docs.append((name, text, label))


def iso(d):
    return d.isoformat()


# 1. Meeting notes: the meeting date, plus action items due later (trap in
#    some: the due date is newer than the content).
for i in range(10):
    d = rdate()
    due = later(d, 5, 30)
    trap = i % 3 == 0
    action = (f"- Send the revised budget by {words(due, 'en')} (owner: Kim)"
              if trap else "- Send the revised budget (owner: Kim)")
    add(f"meeting_{i:02d}.md",
        f"# Weekly sync, {words(d, 'en')}\n\nAttendees: Ana, Kim, Lee\n\n"
        f"{para()}\n\n## Actions\n\n{action}\n- Review the access list\n",
        d)

# 2. READMEs with a changelog: the newest release.
for i in range(10):
    rels = sorted({rdate() for _ in range(R.randrange(2, 6))}, reverse=True)
    body = "".join(
        f"## {len(rels) - k}.{R.randrange(10)}.0 - {iso(r)}\n\n- {R.choice(LOREM)}\n\n"
        for k, r in enumerate(rels))
    y0 = rels[-1].year - R.randrange(0, 4)
    add(f"readme_{i:02d}.md",
        f"# toolkit-{i}\n\n{para(2)}\n\n# Changelog\n\n{body}"
        f"---\n© {y0}–{rels[0].year} Example Corp.\n", rels[0])

# 3. Blog posts: posted, then updated later (the update wins).
for i in range(10):
    lang = list(UPDATED)[i % len(UPDATED)]
    posted = rdate()
    upd = later(posted, 10, 400)
    old_ref = earlier(posted)
    add(f"post_{i:02d}.md",
        f"# Release notes\n\n*Posted {words(posted, lang)}*\n\n{para()}\n\n"
        f"As discussed on {words(old_ref, lang)}, the rollout continues.\n\n"
        f"{UPDATED[lang]} {words(upd, lang)}\n", upd)

# 4. Policies in many languages, a single date in words.
for i, lang in enumerate(list(MONTHS) * 2):
    d = rdate()
    add(f"policy_{i:02d}_{lang}.txt",
        f"POLICY {100 + i}\n\n{para(4)}\n\n{words(d, lang)}\n", d)

# 5. Mail-like notes with an RFC 2822 header.
for i in range(6):
    d = rdate()
    add(f"mail_{i:02d}.txt",
        f"From: ops@example.org\nDate: {WEEKDAYS[d.weekday()]}, "
        f"{d.day:02d} {ABBR[d.month - 1]} {d.year} 09:{i:02d}:00 +0000\n"
        f"Subject: maintenance window\n\n{para()}\n", d)

# 6. Day-first logs: one entry with a day > 12 settles the order.
for i in range(8):
    ds = sorted({rdate(dt.date(2019, 1, 1)) for _ in range(5)})
    while all(x.day <= 12 for x in ds):
        ds.append(dt.date(ds[-1].year, ds[-1].month, 20))
        ds.sort()
    lines = "".join(f"{x.day:02d}/{x.month:02d}/{x.year}  {R.choice(LOREM)}\n"
                    for x in ds)
    add(f"journal_{i:02d}.txt", f"Site journal\n\n{lines}", max(ds))

# 7. Only a copyright line: January 1 of the latest year.
for i in range(5):
    y = R.randrange(2010, 2024)
    add(f"legal_{i:02d}.txt",
        f"Terms of use\n\n{para(4)}\n\nCopyright (c) {y - 3}-{y} Example.\n",
        dt.date(y, 1, 1))

# 8. No date at all: the mtime.
for i in range(5):
    add(f"howto_{i:02d}.md", f"# How to\n\n{para(5)}\n", MTIME.date())

# 9. Planted future dates (after AS_OF) never win.
for i in range(6):
    d = rdate()
    fut = dt.date(2062, R.randrange(1, 13), R.randrange(1, 28))
    add(f"roadmap_{i:02d}.md",
        f"# Roadmap\n\nLast updated: {iso(d)}\n\nThe archive migration is "
        f"planned for {words(fut, 'en')}.\n\n{para()}\n", d)

# 10. HTML pages: the visible "last updated" line, not scripts or attributes.
for i in range(6):
    d = rdate()
    junk = later(d, 400, 3000)
    add(f"page_{i:02d}.html",
        f"<!DOCTYPE html>\n<html><head><title>Help</title>\n"
        f"<script>var build = '{iso(junk)}';</script></head>\n"
        f"<body><h1>Help</h1><p>{para()}</p>\n"
        f"<p class=\"meta\">Last updated {words(d, 'en')}</p>\n"
        f"<footer>&copy; {d.year - 5}&ndash;{d.year}</footer></body></html>\n",
        d)

# 11. CSV exports with updated_at (wins over order dates).
for i in range(8):
    rows = []
    newest = None
    for r in range(R.randrange(5, 30)):
        od = rdate()
        up = later(od, 0, 60)
        newest = max(newest or up, up)
        rows.append(f"{1000 + r},{iso(od)},{up.isoformat()}T"
                    f"{R.randrange(24):02d}:{R.randrange(60):02d}:00Z,"
                    f"{R.randrange(1, 500)}.{R.randrange(100):02d}\n")
    add(f"orders_{i:02d}.csv",
        "order_id,order_date,updated_at,amount\n" + "".join(rows), newest)

# 12. US-style CSV: month/day, some day > 12 settles the order.
for i in range(6):
    ds = [rdate(dt.date(2018, 1, 1)) for _ in range(R.randrange(6, 20))]
    ds.append(dt.date(ds[0].year, ds[0].month, 25))
    rows = "".join(f"SKU-{k:04d},{x.month:02d}/{x.day:02d}/{x.year},"
                   f"{R.randrange(100)}\n" for k, x in enumerate(ds))
    add(f"inventory_{i:02d}.csv", "sku,last_modified,qty\n" + rows, max(ds))

# 13. People lists: birth dates are not content dates.
for i in range(5):
    created = [rdate(dt.date(2016, 1, 1)) for _ in range(8)]
    rows = "".join(f"{k},Person {k},{rdate(dt.date(1950, 1, 1), dt.date(2005, 1, 1)).isoformat()},"
                   f"{c.isoformat()}\n" for k, c in enumerate(created))
    add(f"people_{i:02d}.csv", "id,name,birth_date,created_at\n" + rows,
        max(created))

# 14. JSON Lines: articles with published and modified.
for i in range(8):
    lines, newest = [], None
    for k in range(R.randrange(3, 12)):
        p = rdate()
        m = later(p, 0, 300)
        newest = max(newest or m, m)
        lines.append(json.dumps({"id": k, "title": f"Article {k}",
                                 "published": iso(p),
                                 "modified": m.isoformat() + "T08:00:00Z",
                                 "body": R.choice(LOREM)}) + "\n")
    add(f"articles_{i:02d}.jsonl", "".join(lines), newest)

# 15. JSON Lines events with timestamps and an expiry far ahead.
for i in range(6):
    lines, newest = [], None
    for k in range(R.randrange(3, 15)):
        t = rdate()
        newest = max(newest or t, t)
        lines.append(json.dumps({"event": R.choice(["login", "export",
                                                    "delete"]),
                                 "timestamp": f"{iso(t)}T10:{k:02d}:00Z",
                                 "expires_at": "2031-01-01"}) + "\n")
    add(f"events_{i:02d}.jsonl", "".join(lines), newest)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[0])
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ts = MTIME.timestamp()
    with open(os.path.join(out, "labels.tsv"), "w", encoding="utf-8") as lf:
        for name, text, label in docs:
            path = os.path.join(out, name)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.utime(path, (ts, ts))
            lf.write(f"{name}\t{label.isoformat()}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""gen_corpus.py - a deterministic, messy corpus for bench/run.sh.

    bench/gen_corpus.py OUTDIR [--mb 100] [--seed 1]

Writes, for a total of about MB megabytes (python3 standard library only;
the same arguments always give the same bytes):

  csv/wide.csv         ~40%  24 columns: dates in five spellings, decimal
                             point and comma, thousands separators, boolean
                             spellings, null tokens, quoted commas, quotes
                             and newlines inside fields
  jsonl/events.jsonl   ~30%  nested objects and arrays with type drift
                             (numbers as strings, ids as int or string, keys
                             that appear halfway, nulls)
  pages/html/NN/*.html       small HTML pages with dated metas, and
  pages/xml/NN/*.xml         small XML documents with dated elements:
                             max(2000, 200 * MB) files in all, ~1 KB each
  text/big.txt         ~10%  prose with dates written in it
  gz/wide.csv.gz, gz/events.jsonl.gz   gzip copies (level 6, mtime 0)
  sample/wide-sample.csv     the first ~MB/20 megabytes of wide.csv, cut at
                             a record boundary (for tools too slow for all)

Nothing here is random at run time: random.Random(seed) drives it all.
"""
import argparse
import gzip
import os
import random
import shutil

WORDS = ("data quality profile record customer invoice shipped pending "
         "account region north south east west total order value status "
         "review update report widget gadget premium basic standard lorem "
         "ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
         "tempor incididunt ut labore et dolore magna aliqua caf\u00e9 "
         "na\u00efve Z\u00fcrich \u00e9t\u00e9 \u00fcber stra\u00dfe").split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
COUNTRIES = "DE FR US GB NL ES IT PL SE CH AT BE DK NO FI IE PT CZ".split()
STATUSES = ["active", "Active", "ACTIVE", "closed", "pending", "on hold",
            "suspended", ""]
CATEGORIES = ["books", "electronics", "garden", "toys", "food", "sports",
              "music", "home", "auto", "health"]


def date_spelling(r, y, m, d):
    k = r.randrange(10)
    if k < 5:
        return "%04d-%02d-%02d" % (y, m, d)
    if k < 7:
        return "%02d/%02d/%04d" % (d, m, y)
    if k == 7:
        return "%s %d %04d" % (MONTHS[m - 1], d, y)
    if k == 8:
        return "%04d%02d%02d" % (y, m, d)
    return "%02d.%02d.%04d" % (d, m, y)


def money(r):
    v = r.randrange(0, 500000) / 100.0
    k = r.randrange(12)
    if k < 7:
        return "%.2f" % v
    if k < 9:
        return ("%.2f" % v).replace(".", ",")
    if k == 9:
        return "{:,.2f}".format(v * 10)
    if k == 10:
        return "{:,.2f}".format(v * 10).replace(",", "X").replace(
            ".", ",").replace("X", ".")
    return r.choice(["", "NULL", "N/A", "-"])


def boolean(r):
    return r.choice(["true", "false", "TRUE", "False", "Y", "N", "yes",
                     "no", "1", "0", "", "null"])


def words(r, lo, hi):
    return " ".join(r.choice(WORDS) for _ in range(r.randint(lo, hi)))


def csv_quote(s):
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


CSV_HEADER = ["id", "customer_id", "name", "email", "country", "signup_date",
              "last_login", "age", "balance", "active", "score", "category",
              "status", "notes", "zip", "phone", "price", "quantity",
              "discount", "currency", "updated_at", "deleted", "ip",
              "ref_code"]


def csv_row(r, i):
    y, m, d = r.randint(1998, 2025), r.randint(1, 12), r.randint(1, 28)
    age = str(r.randint(16, 99)) if r.random() < 0.9 else r.choice(
        ["", "N/A", "unknown", "-1", "42.0"])
    note_kind = r.randrange(20)
    if note_kind == 0:
        notes = words(r, 3, 8) + "\n" + words(r, 2, 6)
    elif note_kind == 1:
        notes = 'said "' + words(r, 1, 3) + '", then left'
    elif note_kind < 8:
        notes = words(r, 1, 12) + ", " + words(r, 1, 4)
    else:
        notes = words(r, 0, 6)
    login = "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        r.randint(2015, 2025), r.randint(1, 12), r.randint(1, 28),
        r.randrange(24), r.randrange(60), r.randrange(60))
    updated = (str(r.randint(1400000000, 1760000000)) if r.random() < 0.3
               else date_spelling(r, r.randint(2010, 2025), m, d))
    row = [
        str(i),
        ("C%07d" % r.randrange(200000)) if r.random() < 0.95 else "",
        r.choice(WORDS).title() + " " + r.choice(WORDS).title(),
        "%s.%s@example.%s" % (r.choice(WORDS), r.randrange(1000),
                              r.choice(["com", "org", "de"])),
        r.choice(COUNTRIES) if r.random() < 0.97 else r.choice(
            ["de", "Germany", "", "??"]),
        date_spelling(r, y, m, d),
        login if r.random() < 0.9 else "",
        age,
        money(r),
        boolean(r),
        "%.4f" % r.gauss(50, 15) if r.random() < 0.95 else "NaN",
        r.choice(CATEGORIES),
        r.choice(STATUSES),
        notes,
        "%05d" % r.randrange(100000),
        "+49 %03d %07d" % (r.randrange(1000), r.randrange(10000000)),
        money(r),
        str(r.randint(0, 500)),
        "%d%%" % r.randrange(0, 60) if r.random() < 0.5 else "%.2f" % (
            r.randrange(0, 60) / 100.0),
        r.choice(["EUR", "EUR", "EUR", "USD", "GBP", "eur", ""]),
        updated,
        r.choice(["", "", "", "NULL", "-", "false", "2024-01-01"]),
        "%d.%d.%d.%d" % (r.randrange(256), r.randrange(256),
                         r.randrange(256), r.randrange(256)),
        "%08x" % r.getrandbits(32),
    ]
    return ",".join(csv_quote(c) for c in row) + ("\r\n" if i % 997 == 0
                                                   else "\n")


def json_str(s):
    out = []
    for c in s:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def jsonl_row(r, i, half):
    uid = r.randrange(100000)
    user_id = str(uid) if r.random() < 0.1 else json_str("u%d" % uid) \
        if r.random() < 0.05 else str(uid)
    amount_k = r.randrange(20)
    amount = ("%.2f" % (r.randrange(100000) / 100.0) if amount_k < 15 else
              json_str("%.2f" % (r.randrange(100000) / 100.0)) if amount_k < 18
              else "null")
    tags = ",".join(json_str(r.choice(WORDS)) for _ in range(r.randrange(4)))
    items = ",".join(
        '{"sku":%s,"qty":%s,"price":%s}' % (
            json_str("SKU-%05d" % r.randrange(50000)),
            str(r.randint(1, 9)) if r.random() < 0.95 else json_str("2"),
            "%.2f" % (r.randrange(10000) / 100.0))
        for _ in range(r.randrange(1, 4)))
    ts = "%04d-%02d-%02dT%02d:%02d:%02d%s" % (
        r.randint(2018, 2025), r.randint(1, 12), r.randint(1, 28),
        r.randrange(24), r.randrange(60), r.randrange(60),
        r.choice(["Z", "+02:00", ".123Z", ""]))
    parts = [
        '"id":%d' % i,
        '"ts":%s' % (json_str(ts) if r.random() < 0.97 else
                     str(r.randint(1500000000, 1760000000))),
        '"user":{"id":%s,"name":%s,"tags":[%s],"address":{"city":%s,'
        '"zip":%s}}' % (user_id, json_str(words(r, 1, 2).title()), tags,
                        json_str(r.choice(WORDS).title()),
                        json_str("%05d" % r.randrange(100000))
                        if r.random() < 0.8 else str(r.randrange(100000))),
        '"amount":%s' % amount,
        '"currency":%s' % json_str(r.choice(["EUR", "USD", "eur", "GBP"])),
        '"paid":%s' % r.choice(["true", "false", '"yes"', "null", "1"]),
        '"items":[%s]' % items,
        '"comment":%s' % (json_str(words(r, 0, 10)) if r.random() < 0.7
                          else "null"),
    ]
    if i >= half:
        parts.append('"channel":%s' % json_str(r.choice(["web", "app",
                                                         "store"])))
    if r.random() < 0.2:
        parts.append('"meta":{"source":%s,"version":%d,"flags":{"a":%s}}' % (
            json_str(r.choice(WORDS)), r.randrange(5),
            r.choice(["true", "false"])))
    if r.random() < 0.3:
        r.shuffle(parts)
    return "{" + ",".join(parts) + "}\n"


def write_until(path, target, make_line, header=None):
    written = 0
    i = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        if header:
            f.write(header)
            written += len(header)
        buf = []
        while written < target:
            line = make_line(i)
            buf.append(line)
            written += len(line.encode("utf-8")) if not line.isascii() \
                else len(line)
            i += 1
            if len(buf) >= 4096:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))
    return i


def html_page(r, i):
    y, m, d = r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)
    title = words(r, 2, 6).title()
    body = "".join("<p>%s</p>\n" % words(r, 8, 30) for _ in
                   range(r.randint(1, 4)))
    metas = '<meta name="date" content="%04d-%02d-%02d">\n' % (y, m, d)
    if r.random() < 0.5:
        metas += ('<meta property="article:modified_time" '
                  'content="%04d-%02d-%02dT10:00:00Z">\n' % (
                      min(2025, y + r.randrange(3)), m, d))
    charset = r.choice(['<meta charset="utf-8">', '<meta charset="UTF-8">',
                        '<meta http-equiv="Content-Type" content="text/html;'
                        ' charset=iso-8859-1">', ""])
    unclosed = "<div>" if r.random() < 0.1 else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head>%s\n<title>%s</title>\n"
            "%s</head>\n<body>%s<h1>%s</h1>\n%s<p>Updated %s %d, %04d.</p>\n"
            "</body></html>\n" % (charset, title, metas, unclosed, title, body,
                                  MONTHS[m - 1], d, y))


def xml_page(r, i):
    y, m, d = r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)
    items = "".join(
        '  <item id="%d"><name>%s</name><price currency="EUR">%s</price>'
        '</item>\n' % (k, words(r, 1, 3), money(r))
        for k in range(r.randint(1, 6)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<doc id="%d">\n'
            '<meta><modified>%04d-%02d-%02d</modified><author>%s</author>'
            '</meta>\n<title>%s</title>\n%s<body>%s</body>\n</doc>\n' % (
                i, y, m, d, words(r, 1, 2).title(), words(r, 2, 5).title(),
                items, words(r, 10, 40)))


def text_line(r, i):
    if i % 12 == 11:
        return "\n"
    y, m, d = r.randint(1995, 2025), r.randint(1, 12), r.randint(1, 28)
    s = words(r, 6, 18)
    k = r.randrange(8)
    if k == 0:
        s += ", as of %s %d, %04d," % (MONTHS[m - 1], d, y)
    elif k == 1:
        s += " (revised %04d-%02d-%02d)" % (y, m, d)
    return s.capitalize() + " " + words(r, 3, 12) + ".\n"


def gzip_copy(src, dst):
    with open(src, "rb") as fi, open(dst, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=6,
                           fileobj=raw, mtime=0) as fo:
            shutil.copyfileobj(fi, fo, 1 << 20)


def sample_copy(src, dst, target):
    """The first records of a CSV up to ~target bytes, cut where no quoted
    field is open (an even number of quotes so far)."""
    quotes = 0
    n = 0
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for line in fi:
            fo.write(line)
            n += len(line)
            quotes += line.count(b'"')
            if n >= target and quotes % 2 == 0:
                break


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    mb = a.mb * 1e6
    out = a.outdir
    for sub in ("csv", "jsonl", "pages/html", "pages/xml", "text", "gz",
                "sample"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    r = random.Random(a.seed)
    csv_path = os.path.join(out, "csv", "wide.csv")
    rows = write_until(csv_path, int(0.4 * mb), lambda i: csv_row(r, i + 1),
                       ",".join(CSV_HEADER) + "\n")

    r = random.Random(a.seed + 1)
    jl_path = os.path.join(out, "jsonl", "events.jsonl")
    # type drift needs to know where "halfway" is: ~330 bytes a line
    half = int(0.3 * mb / 330 / 2)
    lines = write_until(jl_path, int(0.3 * mb),
                        lambda i: jsonl_row(r, i, half))

    r = random.Random(a.seed + 2)
    n_pages = max(2000, int(200 * a.mb))
    for i in range(n_pages):
        kind = "html" if i % 2 == 0 else "xml"
        d = os.path.join(out, "pages", kind, "%02d" % (i % 50))
        os.makedirs(d, exist_ok=True)
        text = html_page(r, i) if kind == "html" else xml_page(r, i)
        enc = "latin-1" if kind == "html" and "iso-8859-1" in text else "utf-8"
        with open(os.path.join(d, "page-%06d.%s" % (i, kind)), "w",
                  encoding=enc, errors="replace", newline="") as f:
            f.write(text)

    r = random.Random(a.seed + 3)
    write_until(os.path.join(out, "text", "big.txt"), int(0.1 * mb),
                lambda i: text_line(r, i))

    gzip_copy(csv_path, os.path.join(out, "gz", "wide.csv.gz"))
    gzip_copy(jl_path, os.path.join(out, "gz", "events.jsonl.gz"))
    sample_copy(csv_path, os.path.join(out, "sample", "wide-sample.csv"),
                int(mb / 20))
    print("gen_corpus: %s: %d CSV records, %d JSON lines, %d pages" % (
        out, rows, lines, n_pages))


if __name__ == "__main__":
    main()

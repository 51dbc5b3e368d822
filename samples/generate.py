#!/usr/bin/env python3
"""Generate the gapscan sample corpus: samples/sandbox and samples/production.

Scenario: a support-assistant AI pilot. The sandbox is the clean, recent,
curated subset the pilot was built on (tables, help pages, a product feed);
production is the messy file share (old and re-encoded pages, feeds and
exports of old tools, renamed fields, new codes, broken files). The prose is
in kbtext.py. EXPECT below says which findings each planted problem must
produce; tests/e2e/audit.sh checks them.

Python 3 standard library only. Deterministic: a fixed seed, no clock, no
environment; running it twice gives byte-identical files (gzip headers carry
mtime 0 and no file name). It deletes and rewrites samples/sandbox and
samples/production, and rewrites samples/planted.json, the machine-readable
list of every planted problem (file, problem, count, 1-based physical line
numbers). samples/README.md describes the same in prose.

Usage:  python3 samples/generate.py [--check]
        --check  generate into a temporary directory and compare with the
                 committed files; exit 1 if they differ.
"""

import datetime as dt
import fnmatch
import gzip
import html
import io
import json
import os
import random
import shutil
import sys
import tempfile
import unicodedata

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kbtext import (ARTICLES, CHATS, FAQ_2015, FRENCH, GERMAN, LEGACY,  # noqa: E402
                    MACROS, MD_ARTICLES, TIPS_2009)

SEED = 20261115
# The scenario's "today": the audit runs on 2026-11-27, and the November
# export holds tickets up to the day before.
CUTOFF = dt.datetime(2026, 11, 27)
HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------

FIRST = ["Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo",
         "Isla", "Jonas", "Kira", "Liam", "Maya", "Noah", "Olivia", "Paul",
         "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Yara",
         "Zoe", "Lucas", "Mia", "Oscar", "Priya", "Ravi", "Sofia", "Tom",
         "Hannah", "Erik", "Lena", "Marco", "Nina", "Ali", "Julia", "Kenji"]
FIRST_ACCENT = ["José", "Zoë", "Chloé", "Renée", "Søren", "Björn", "Inès",
                "Łukasz", "Ana María", "François", "Jürgen", "Noémie"]
LAST = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Walker",
        "Wright", "Green", "Hall", "Wood", "Clarke", "Fischer", "Weber",
        "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Rossi", "Russo",
        "Bianchi", "Martin", "Bernard", "Dubois", "Moreau", "Laurent",
        "Garcia", "Lopez", "Santos", "Jansen", "de Vries", "Bakker",
        "Nowak", "Novak", "Kowalski", "Andersen", "Nielsen", "Ito", "Khan"]
LAST_ACCENT = ["Müller", "Schäfer", "Gómez", "Pérez", "Ødegaard",
               "Núñez", "Krüger", "Lefèvre", "Sánchez", "Dvořák", "Łączny"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example",
                 "corp.example", "shop.example"]
COUNTRIES = ["DE", "FR", "GB", "NL", "BE", "AT", "CH", "IT", "ES", "PT",
             "IE", "DK", "SE", "NO", "FI", "PL", "CZ", "US", "CA", "AU"]
PLANS = ["free", "pro", "enterprise"]
PLAN_W = [55, 35, 10]

STATUSES = ["open", "pending", "solved", "closed", "escalated"]
STATUS_W = [12, 10, 38, 35, 5]
PRIORITIES = ["low", "normal", "high", "urgent"]
PRIORITY_W = [25, 50, 20, 5]
CHANNELS = ["email", "chat", "phone"]
CHANNEL_W = [45, 40, 15]

CATEGORIES = {
    "Coffee Machines": (["Espresso", "Filter", "Bean-to-Cup", "Pod"],
                        ["Aurora", "Brio", "Crema", "Lungo", "Ristretto"]),
    "Accessories": (["Milk Frother", "Tamper", "Grinder", "Travel Mug",
                     "Knock Box"], ["Nimbus", "Terra", "Pico", "Vela"]),
    "Spare Parts": (["Brew Unit", "Water Tank", "Gasket Set", "Drip Tray",
                     "Portafilter"], ["Aurora", "Brio", "Crema"]),
    "Cleaning": (["Descaler", "Cleaning Tablets", "Water Filter",
                  "Brush Kit"], ["Pura", "Clara", "Limpia"]),
    "Smart Home": (["Smart Plug", "Scale", "Thermometer", "Hub"],
                   ["Nimbus", "Orbit", "Halo"]),
}
NAME_EXTRAS = ["", "", "", " Pro", " Mini", " 2", " XL", " Plus", " Crème",
               " Édition Café"]
TAGS = ["bestseller", "new", "eco", "gift", "bundle", "refurbished",
        "dishwasher-safe", "limited", "spare-part", "subscription"]

SUBJECTS = [
    "Can't log in after password reset",
    "Refund not received for order #{n}",
    "Invoice shows wrong VAT number",
    "Machine leaks water from the drip tray",
    "How do I descale my {p}?",
    "Delivery delayed – order #{n}",
    "Charged twice this month",
    "Change billing address",
    "Bluetooth pairing fails on {p}",
    "Warranty claim for {p}",
    "Missing parts in package #{n}",
    "Cancel my subscription",
    "Discount code not accepted at checkout",
    "Two-factor code never arrives",
    "Grinder makes a loud noise",
    "Wrong item delivered",
    "Firmware update stuck at 90%",
    "Please send a copy of invoice {n}",
    "Chat widget not loading",
    "Coffee tastes burnt after cleaning cycle",
    "Where is my order?",
    "Return label doesn’t work",
    "Can I upgrade my plan mid-month?",
    "App shows “device offline”",
    "Water filter subscription skipped a month",
    "Error E{e} on display",
    "Milk frother stopped heating",
    "Request to delete my account (GDPR)",
    "Pod holder cracked after two weeks",
    "Café mode missing after update",
]

SUBJECTS_2019 = [  # the legacy export: cp1252, so €, accents, curly quotes
    "Rückerstattung fehlt – Bestellung {n}",
    "Refund of €{a} not received",
    "Entkalkung startet nicht",
    "Machine won’t start",
    "Garantie für {p}",
    "Falscher Artikel geliefert",
    "Commande {n} non reçue",
    "Facture incorrecte (TVA)",
    "Crème setting missing",
    "Lieferung beschädigt",
    "Price shown as €{a} at checkout",
    "Café mode not working",
]

NOTES = [
    "Customer called back; issue résolu after reset.",
    "Sent replacement gasket, 2× tracked parcel.",
    "Temperature stuck at 85°C, escalated to 2nd line.",
    "Refund £{a} approved by team lead.",
    "Señora asked for Spanish-speaking agent.",
    "Müller account merged with duplicate.",
    "Descaler ½ dose per manual; told customer.",
    "Invoice re-issued © accounts team.",
    "Café owner, business plan - upsell noted.",
    "Naïve firmware rollback fixed the pairing.",
]

TRANSLIT = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae"})

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def gz(data):
    """Deterministic gzip: mtime 0, no file name, level 9."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9,
                       fileobj=buf, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def csv_field(v, delim=","):
    s = "" if v is None else str(v)
    if any(c in s for c in (delim, '"', "\n", "\r")):
        s = '"' + s.replace('"', '""') + '"'
    return s


class TextFile:
    """Accumulates rows as text, tracking the 1-based physical line number
    at which each row starts (rows may contain embedded newlines)."""

    def __init__(self, eol="\n", delim=","):
        self.parts = []
        self.line = 1
        self.eol = eol
        self.delim = delim

    def raw(self, text):
        start = self.line
        self.parts.append(text)
        self.line += text.count("\n")
        return start

    def row(self, fields, eol=None):
        text = self.delim.join(csv_field(f, self.delim) for f in fields)
        return self.raw(text + (eol or self.eol))

    def text(self):
        return "".join(self.parts)


class Planted:
    def __init__(self):
        self.files = {}

    def add(self, path, problem, line=None, note=None):
        p = self.files.setdefault(path, {}).setdefault(
            problem, {"count": 0, "lines": []})
        p["count"] += 1
        if line is not None:
            p["lines"].append(line)
        if note and "note" not in p:
            p["note"] = note

    def set(self, path, problem, **kw):
        self.files.setdefault(path, {})[problem] = kw

    def expect(self, path, problem, *checks):
        """The findings a planted problem must produce: "check@scope" is a
        finding with that check id and exact scope; a bare "check" is a
        defect with that code in this very file (and a finding with that
        check id in the report)."""
        p = self.files[path][problem]
        for c in checks:
            check, _, scope = c.partition("@")
            p.setdefault("expect", []).append(
                {"check": check, "scope": scope} if scope
                else {"check": check, "file": path})


def write(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def iso_z(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def mojibake(s):
    """UTF-8 text decoded as cp1252 by mistake (Café -> CafÃ©)."""
    return s.encode("utf-8").decode("cp1252", errors="replace")


def rand_time(rng, start, end):
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(span))


# --------------------------------------------------------------------------
# master data
# --------------------------------------------------------------------------


def make_customers(rng, n):
    out = []
    for i in range(1, n + 1):
        if rng.random() < 0.12:
            first = rng.choice(FIRST_ACCENT)
        else:
            first = rng.choice(FIRST)
        last = rng.choice(LAST_ACCENT) if rng.random() < 0.12 else rng.choice(LAST)
        local = (first.split()[0] + "." + last.replace(" ", "")).lower()
        local = unicodedata.normalize("NFKD", local.translate(TRANSLIT))
        local = local.encode("ascii", "ignore").decode() or "user"
        if rng.random() < 0.2:  # the business grows: many recent signups
            signup = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(173))
        else:
            signup = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2343))
        out.append({
            "customer_id": "C-%05d" % i,
            "name": first + " " + last,
            "email": "%s%d@%s" % (local, i, rng.choice(EMAIL_DOMAINS)),
            "country": rng.choice(COUNTRIES),
            "plan": rng.choices(PLANS, PLAN_W)[0],
            "signup_date": signup,
        })
    # Namibia: ISO 3166 "NA" is a real country code, not a null token.
    for c in rng.sample(out, 6):
        c["country"] = "NA"
    return out


def make_products(rng, n, first_sku):
    out = []
    cats = list(CATEGORIES)
    for i in range(n):
        cat = rng.choice(cats)
        kinds, brands = CATEGORIES[cat]
        name = "%s %s%s" % (rng.choice(brands), rng.choice(kinds),
                            rng.choice(NAME_EXTRAS))
        if cat == "Coffee Machines":
            price = rng.randrange(129, 1299) + rng.choice([0, 0.5, 0.9, 0.99])
            weight = round(rng.uniform(3.5, 14.0), 2)
        elif cat == "Spare Parts":
            price = rng.randrange(4, 60) + rng.choice([0.5, 0.9, 0.99])
            weight = round(rng.uniform(0.05, 1.2), 3)
        else:
            price = rng.randrange(6, 180) + rng.choice([0, 0.5, 0.9, 0.99])
            weight = round(rng.uniform(0.1, 2.5), 3)
        out.append({
            "sku": "SKU-%05d" % (first_sku + i),
            "name": name,
            "category": cat,
            "price": {"amount": round(price, 2), "currency": "EUR"},
            "in_stock": rng.random() < 0.85,
            "tags": sorted(rng.sample(TAGS, rng.randrange(0, 4))),
            "updated": (dt.date(2026, 6, 1)
                        + dt.timedelta(days=rng.randrange(170))).isoformat(),
            "dimensions": {"weight_kg": weight},
        })
    return out


def subject(rng, products):
    s = rng.choice(SUBJECTS)
    return s.format(n=rng.randrange(100000, 999999),
                    p=rng.choice(products)["name"],
                    e=rng.randrange(10, 99))


def make_ticket(rng, tid, t, customers, products):
    status = rng.choices(STATUSES, STATUS_W)[0]
    return {
        "ticket_id": tid,
        "created_at": t,
        "customer_id": rng.choice(customers)["customer_id"],
        "status": status,
        "priority": rng.choices(PRIORITIES, PRIORITY_W)[0],
        "channel": rng.choices(CHANNELS, CHANNEL_W)[0],
        "product_sku": rng.choice(products)["sku"],
        "subject": subject(rng, products),
        "csat": rng.choices([1, 2, 3, 4, 5], [5, 7, 15, 35, 38])[0],
        "resolution_hours": max(0.25, round(
            rng.choice([0.25, 0.5, 1, 2, 4, 8, 24, 48])
            * rng.uniform(0.5, 2.0) * 4) / 4),
    }


TICKET_COLS = ["ticket_id", "created_at", "customer_id", "status",
               "priority", "channel", "product_sku", "subject", "csat",
               "resolution_hours"]


def hours(h):
    # decimal with a point, never in exponent form
    s = ("%.2f" % h).rstrip("0").rstrip(".")
    return s if s else "0"


# --------------------------------------------------------------------------
# sandbox
# --------------------------------------------------------------------------


def sandbox_tickets(rng, tickets):
    tf = TextFile()
    tf.row(TICKET_COLS)
    for r in tickets:
        tf.row([r["ticket_id"], iso_z(r["created_at"]), r["customer_id"],
                r["status"], r["priority"], r["channel"], r["product_sku"],
                r["subject"], r["csat"], hours(r["resolution_hours"])])
    return tf.text()


def customers_csv(rows):
    tf = TextFile()
    tf.row(["customer_id", "name", "email", "country", "plan", "signup_date"])
    for c in rows:
        tf.row([c["customer_id"], c["name"], c["email"], c["country"],
                c["plan"], c["signup_date"].isoformat()])
    return tf.text()


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# --------------------------------------------------------------------------
# production: tickets
# --------------------------------------------------------------------------

ZW = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]
BIDI = ["\u202e", "\u202d", "\u200f", "\u2066", "\u2067"]


def fmt_date(rng, t, kind):
    if kind == "iso":
        return iso_z(t)
    if kind == "iso_space":
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if kind == "dmy_slash":
        return t.strftime("%d/%m/%Y")
    if kind == "dmy_dot":
        return t.strftime("%d.%m.%Y %H:%M")
    if kind == "mon_d_y":
        return "%s %d, %d" % (t.strftime("%b"), t.day, t.year)
    raise ValueError(kind)


def production_month(rng, rel, tickets, products, planted, variant):
    """One monthly export with drift. variant 0 = October, 1 = November."""
    P = lambda prob, line, note=None: planted.add(rel, prob, line, note)
    tf = TextFile()
    tf.row(TICKET_COLS)
    emitted = []
    date_kinds = ["iso", "iso_space", "dmy_slash", "dmy_dot", "mon_d_y"]
    date_w = [80, 6, 6, 5, 3]
    new_status = (["reopened", "on_hold", "Closed"] if variant == 0
                  else ["reopened", "on_hold", "Closed", "Solved", "waiting_on_customer"])
    n = len(tickets)
    # choose the rows that get each structural defect, without overlap
    idx = list(range(1, n - 40))  # never inside the CRLF block
    rng.shuffle(idx)
    take = lambda k: sorted(idx.pop() for _ in range(k))
    ragged_long = set(take(3))
    ragged_short = set(take(3))
    embedded_nl = set(take(4))
    dup_exact = set(take(5))
    dup_conflict = set(take(4))
    mojis = set(take(6))
    invis = set(take(4))
    bidi = set(take(2))
    fffd = set(take(2 if variant == 0 else 0))
    future = set(take(2))
    crlf_block = set(range(n - 40, n)) if variant == 1 else set()
    for i, r in enumerate(tickets):
        eol = "\r\n" if i in crlf_block else None
        kind = rng.choices(date_kinds, date_w)[0]
        dup = i in dup_exact or i in dup_conflict
        ragged = i in ragged_long or i in ragged_short
        t = r["created_at"]
        is_future = i in future
        if dup:
            kind = "iso"
        if is_future:  # digits swapped by hand-typed import: 2026 -> 2062
            t = t.replace(year=2062)
            kind = "iso"
        created = fmt_date(rng, t, kind)
        status = r["status"]
        if rng.random() < 0.04 and not dup:
            status = rng.choice(new_status)
        csat = str(r["csat"])
        x = rng.random()
        null_kind = None
        if dup or ragged:
            pass
        elif x < 0.10:
            csat, null_kind = "", "empty"
        elif x < 0.13:
            csat, null_kind = "N/A", "N/A"
        elif x < 0.15:
            csat, null_kind = "-", "-"
        elif x < 0.153:
            csat = rng.choice(["0", "10"])
            null_kind = "out_of_range"
        h = hours(r["resolution_hours"])
        comma = rng.random() < 0.07 and "." in h and not (dup or ragged)
        if comma:
            h = h.replace(".", ",")
        sku = r["product_sku"]
        sku_drift = rng.random() < 0.01 and not dup
        if sku_drift:
            sku = rng.choice([sku.lower(), sku.replace("-", "")])
        channel = r["channel"]
        new_channel = variant == 1 and rng.random() < 0.03 and not dup
        if new_channel:
            channel = rng.choice(["whatsapp", "web_form"])
        subj = r["subject"]
        if i in mojis:
            subj = mojibake(rng.choice(["Café mode missing after update",
                                        "Return label doesn’t work",
                                        "Delivery delayed – order #%d"
                                        % rng.randrange(100000, 999999),
                                        "Crème setting missing on "
                                        + rng.choice(products)["name"]]))
        elif i in invis:
            w = subj.split(" ")
            k = rng.randrange(1, len(w))
            subj = " ".join(w[:k]) + rng.choice(ZW) + " " + " ".join(w[k:])
        elif i in bidi:
            subj = subj + " " + rng.choice(BIDI) + "gnp.eciovni" + "\u202c"
        elif i in fffd:
            subj = "Caf\ufffd mode missing after update"
        elif i in embedded_nl:
            subj = subj + "\nSent from my phone"
        fields = [r["ticket_id"], created, r["customer_id"], status,
                  r["priority"], channel, sku, subj, csat, h]
        if i in ragged_long:
            # an unquoted comma in the subject: one field too many
            raw = ",".join(csv_field(f) for f in fields[:7])
            raw += "," + "Order arrived damaged, box crushed"
            raw += "," + csat + "," + csv_field(h) + (eol or "\n")
            line = tf.raw(raw)
            P("csv_ragged_row_extra_field", line,
              "unquoted comma in subject: 11 fields instead of 10")
        elif i in ragged_short:
            line = tf.row(fields[:8], eol)
            P("csv_ragged_row_missing_fields", line,
              "row cut after subject: 8 fields instead of 10")
        else:
            line = tf.row(fields, eol)
        emitted.append((line, fields))
        if kind != "iso":
            P("date_format_" + kind, line)
        if is_future:
            P("future_date_2062", line, "created_at year typed as 2062")
        if status not in STATUSES:
            P("status_new_value", line, "status outside the sandbox's 5 codes: "
              + ", ".join(new_status))
        if null_kind == "out_of_range":
            P("csat_out_of_range", line, "csat 0 or 10, sandbox range is 1..5")
        elif null_kind:
            P("csat_null_" + {"empty": "empty", "N/A": "na", "-": "dash"}[null_kind],
              line)
        if comma:
            P("decimal_comma", line, 'resolution_hours like "3,5" (quoted)')
        if sku_drift:
            P("sku_format_drift", line, "product_sku lower-case or without dash")
        if new_channel:
            P("channel_new_value", line, "channel whatsapp / web_form")
        if i in mojis:
            P("mojibake", line, "UTF-8 read as cp1252: CafÃ©, donâ€™t, â€“")
        if i in invis:
            P("zero_width_char", line, "U+200B/200C/200D/FEFF/2060 in subject")
        if i in bidi:
            P("bidi_control", line, "U+202E/202D/200F/2066/2067 + U+202C in subject")
        if i in fffd:
            P("replacement_char", line, "U+FFFD left by an earlier lossy decode")
        if i in embedded_nl:
            P("embedded_newline", line, "quoted subject spanning two lines")
        if i in crlf_block:
            P("crlf_line_ending", line, "last 40 rows end in CRLF, the rest LF")
        # duplicates are written right after the original
        if i in dup_exact:
            line2 = tf.row(fields, eol)
            P("duplicate_ticket_id_exact", line2, "re-exported row, identical")
        if i in dup_conflict:
            f2 = list(fields)
            f2[3] = "solved" if fields[3] != "solved" else "closed"
            f2[8] = str(rng.randrange(1, 6))
            line2 = tf.row(f2, eol)
            P("duplicate_ticket_id_conflicting", line2,
              "same ticket_id, different status/csat")
    planted.set(rel, "rows", count=n + len(dup_exact) + len(dup_conflict),
                note="data rows written (physical lines differ: embedded newlines)")
    return tf.text()


def tickets_2019(rng, customers, products, planted):
    rel = "production/tickets/tickets-2019.csv.gz"
    tf = TextFile(eol="\r\n", delim=";")
    cols = ["ticket_id", "created_at", "customer_id", "customer_name",
            "status", "priority", "channel", "product_sku", "subject",
            "csat", "resolution_hours"]
    tf.row(cols)
    start = dt.datetime(2019, 1, 2, 8, 0)
    n = 1500
    times = sorted(rand_time(rng, start, dt.datetime(2019, 12, 31, 18))
                   for _ in range(n))
    for k, t in enumerate(times):
        c = rng.choice(customers)
        name = c["name"]
        if rng.random() < 0.25:
            name = rng.choice(["José García", "Jürgen Müller", "Renée Dubois",
                               "François Lefèvre", "Zoë Schäfer",
                               "Inès Gómez", "Björn Krüger"])
        s = rng.choice(SUBJECTS_2019).format(
            n=rng.randrange(10000, 99999), p=rng.choice(products)["name"],
            a=("%d,%02d" % (rng.randrange(5, 400), rng.choice([0, 50, 90, 99]))))
        h = hours(round(rng.uniform(0.25, 72) * 4) / 4).replace(".", ",")
        try:
            name.encode("cp1252")
        except UnicodeEncodeError:
            # the legacy tool wrote '?' for what cp1252 cannot hold
            name = name.encode("cp1252", errors="replace").decode("cp1252")
            planted.add(rel, "question_mark_replacement", tf.line,
                        "name outside cp1252 written with '?' (Dvo?ák, ?ukasz)")
        tf.row([100000 + k * 3 + rng.randrange(3), t.strftime("%d.%m.%Y %H:%M"),
                c["customer_id"], name, rng.choices(STATUSES, STATUS_W)[0],
                rng.choices(PRIORITIES, PRIORITY_W)[0],
                rng.choices(CHANNELS, CHANNEL_W)[0], rng.choice(products)["sku"],
                s, rng.choices([1, 2, 3, 4, 5], [5, 7, 15, 35, 38])[0], h])
    data = tf.text().encode("cp1252")
    planted.set(rel, "legacy_export", count=n,
                note="gzip; windows-1252 (José, Müller, € = 0x80); ';' delimiter; "
                     "decimal comma; CRLF; dates dd.mm.yyyy HH:MM in 2019; "
                     "extra column customer_name")
    return gz(data)


def tickets_2021_legacy(rng, customers, products, planted):
    rel = "production/tickets/tickets-2021.csv"
    tf = TextFile()
    tf.row(["id", "created", "customer", "state", "priority", "product_sku",
            "subject", "csat", "resolution_hours"])
    n = 600
    times = sorted(rand_time(rng, dt.datetime(2021, 3, 1),
                             dt.datetime(2021, 9, 30)) for _ in range(n))
    # The legacy tool wrote subjects without escaping quotes.
    raw_subject = {211: 'Display shows 5" crack after transport',
                   n - 6: '"Urgent: machine leaking since Monday'}
    for k, t in enumerate(times):
        fields = [200000 + k, t.strftime("%Y-%m-%d %H:%M:%S"),
                  rng.choice(customers)["customer_id"],
                  rng.choices(STATUSES[:4] + ["new"], [10, 10, 40, 35, 5])[0],
                  rng.choices(PRIORITIES, PRIORITY_W)[0],
                  rng.choice(products)["sku"],
                  subject(rng, products) + (", please call back"
                                            if rng.random() < 0.05 else ""),
                  rng.choices([1, 2, 3, 4, 5], [5, 7, 15, 35, 38])[0],
                  hours(round(rng.uniform(0.25, 48) * 4) / 4)]
        if k in raw_subject:
            cells = [csv_field(f) for f in fields]
            cells[6] = raw_subject[k]
            line = tf.raw(",".join(cells) + "\n")
            if k == 211:
                planted.add(rel, "csv_stray_quote", line,
                            'an inch sign inside an unquoted subject (5")')
            else:
                planted.add(rel, "csv_unterminated_quote", line,
                            "a subject opens a quote that is never closed")
        else:
            tf.row(fields)
    planted.set(rel, "renamed_columns", count=3,
                note="id (ticket_id), created (created_at), customer "
                     "(customer_id), state (status)")
    planted.set(rel, "missing_column", count=1, note="no channel column")
    planted.set(rel, "utf8_bom", count=1, lines=[1],
                note="starts with EF BB BF (Excel 'CSV UTF-8')")
    planted.set(rel, "status_new_value", count=tf.text().count(",new,"),
                note='state "new" (about 5% of rows), never "escalated"')
    planted.set(rel, "stale_content", count=n,
                note="all created dates 2021-03..2021-09, "
                     "'YYYY-MM-DD HH:MM:SS' without zone")
    return "\ufeff" + tf.text()


# --------------------------------------------------------------------------
# production: products
# --------------------------------------------------------------------------


def euro_string(amount):
    s = "%.2f" % amount
    whole, frac = s.split(".")
    if len(whole) > 3:
        whole = whole[:-3] + "." + whole[-3:]
    return "%s,%s €" % (whole, frac)


def production_products(rng, products, sandbox_skus, planted):
    rel = "production/products/products.jsonl"
    P = lambda prob, line, note=None: planted.add(rel, prob, line, note)
    lines = []
    for i, p in enumerate(products):
        line = len(lines) + 1
        r = json.loads(json.dumps(p))  # deep copy
        curated = p["sku"] in sandbox_skus
        truncated = not curated and i % 97 == 13
        trailing = not curated and not truncated and i % 131 == 29
        if not curated and not (truncated or trailing):
            x = rng.random()
            if x < 0.06:
                r["price"] = euro_string(p["price"]["amount"])
                P("price_as_string", line, 'price like "12,50 €" / "1.299,00 €"')
            elif x < 0.10:
                r["price"] = p["price"]["amount"]
                P("price_as_number", line, "price a bare number, no currency")
            elif x < 0.12:
                r["price"] = None
                P("price_null", line)
            elif x < 0.15:
                r["price"]["currency"] = rng.choice(["GBP", "USD", "CHF"])
                P("currency_new_value", line, "currency other than EUR")
            y = rng.random()
            if y < 0.08:
                r["in_stock"] = "yes" if p["in_stock"] else "no"
                P("in_stock_string", line, 'in_stock "yes"/"no"')
            elif y < 0.10:
                r["in_stock"] = None
                P("in_stock_null", line)
            z = rng.random()
            if z < 0.07:
                del r["updated"]
                P("updated_missing", line)
            elif z < 0.25:
                r["updated"] = (dt.date(2017, 1, 1) + dt.timedelta(
                    days=rng.randrange(365 * 7))).isoformat()
                P("updated_stale", line, "updated between 2017 and 2023")
            if rng.random() < 0.15:
                r["dimensions"]["height_cm"] = rng.randrange(5, 45)
                r["dimensions"]["width_cm"] = rng.randrange(5, 40)
                P("new_nested_field_dimensions", line,
                  "dimensions.height_cm / dimensions.width_cm")
            if rng.random() < 0.10:
                r["supplier"] = {"id": "SUP-%03d" % rng.randrange(1, 40),
                                 "country": rng.choice(COUNTRIES)}
                P("new_nested_field_supplier", line, "supplier {id,country}")
            if rng.random() < 0.03:
                r["tags"] = None
                P("tags_null", line)
            if rng.random() < 0.02:
                r["dimensions"]["weight_kg"] = str(
                    r["dimensions"]["weight_kg"]).replace(".", ",")
                P("weight_as_string_decimal_comma", line)
        text = json.dumps(r, ensure_ascii=False)
        # malformed lines carry no other planted problem: no parser sees them
        if truncated:
            text = text[: len(text) * 2 // 3]  # truncated object
            P("json_truncated_line", line, "object cut mid-line")
        elif trailing:
            text = text[:-1] + ", }"  # trailing comma
            P("json_trailing_comma", line)
        lines.append(text)
    planted.set(rel, "records", count=len(lines))
    return "\n".join(lines) + "\n"


def archive_products(rng, planted):
    rel = "production/products/products-archive.jsonl.gz"
    out = []
    for i in range(700):
        cat = rng.choice(list(CATEGORIES))
        kinds, brands = CATEGORIES[cat]
        out.append({
            "sku": "SKU-%05d" % (1000 + i * 7),
            "name": "%s %s" % (rng.choice(brands), rng.choice(kinds)),
            "category": cat,
            "price_eur": round(rng.randrange(5, 900) + rng.choice([0, 0.5, 0.99]), 2),
            "stock": rng.randrange(0, 120),
            "discontinued": True,
            "updated": (dt.date(2017, 1, 1)
                        + dt.timedelta(days=rng.randrange(365 * 4))).isoformat(),
        })
    planted.set(rel, "archive", count=len(out),
                note="gzip; old schema: price_eur (flat number) instead of "
                     "price{}, stock (int) instead of in_stock, no tags / "
                     "dimensions; updated 2017..2020")
    return gz(jsonl(out).encode("utf-8"))


# --------------------------------------------------------------------------
# production: customers
# --------------------------------------------------------------------------


def production_customers(rng, customers, sandbox_ids, planted):
    rel = "production/customers/customers.csv"
    P = lambda prob, line, note=None: planted.add(rel, prob, line, note)
    tf = TextFile()
    tf.row(["customer_id", "name", "email", "country", "plan", "signup_date"])
    for c in customers:
        name, email, country = c["name"], c["email"], c["country"]
        plan, d = c["plan"], c["signup_date"]
        signup = d.isoformat()
        probs = []
        if c["customer_id"] not in sandbox_ids:
            if rng.random() < 0.06:
                email = ""
                probs.append(("email_empty", None))
            if country == "GB" and rng.random() < 0.5:
                country = rng.choice(["uk", "UK"])
                probs.append(("country_uk_not_iso",
                              '"uk"/"UK" instead of ISO 3166 "GB"'))
            elif country != "NA" and rng.random() < 0.02:
                country = country.lower()
                probs.append(("country_lowercase", None))
            x = rng.random()
            if x < 0.08:
                signup = d.strftime("%d/%m/%Y")
                probs.append(("date_format_dmy_slash", None))
            elif x < 0.12:
                signup = d.strftime("%d.%m.%Y")
                probs.append(("date_format_dmy_dot", None))
            elif x < 0.14:
                signup = "%s %d, %d" % (d.strftime("%b"), d.day, d.year)
                probs.append(("date_format_mon_d_y", None))
            elif x < 0.15:
                signup = ""
                probs.append(("signup_date_empty", None))
            if rng.random() < 0.05:
                name = name + "   "
                plan = plan + " "
                probs.append(("trailing_spaces", "name and plan padded"))
            if any(ord(ch) > 127 for ch in name) and rng.random() < 0.3:
                name = unicodedata.normalize("NFD", name)
                probs.append(("non_nfc", "name in NFD (decomposed accents)"))
            if rng.random() < 0.01:
                plan = "trial"
                probs.append(("plan_new_value", "plan trial"))
        line = tf.row([c["customer_id"], name, email, country, plan, signup])
        if country == "NA":
            probs.append(("country_NA_namibia",
                          '"NA" is Namibia: a real value, not a null token'))
        for prob, note in probs:
            P(prob, line, note)
    planted.set(rel, "rows", count=len(customers))
    return tf.text()


# --------------------------------------------------------------------------
# production: broken/
# --------------------------------------------------------------------------


def broken_files(rng, tickets, planted):
    out = {}
    # 1. a gzip cut in the middle
    tf = TextFile()
    tf.row(TICKET_COLS)
    for r in tickets[:800]:
        tf.row([r["ticket_id"], iso_z(r["created_at"]), r["customer_id"],
                r["status"], r["priority"], r["channel"], r["product_sku"],
                r["subject"], r["csat"], hours(r["resolution_hours"])])
    full = gz(tf.text().encode("utf-8"))
    out["production/broken/export-truncated.csv.gz"] = full[: len(full) // 2]
    planted.set("production/broken/export-truncated.csv.gz", "gzip_truncated",
                count=1, note="valid gzip header, deflate stream cut at half "
                "the compressed size; no trailer")
    # 2. binary bytes named .csv
    png = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x01\x00"
           b"\x00\x00\x00\xc0\x08\x06\x00\x00\x00" + b"\x1f\x15\xc4\x89")
    body = bytes(rng.randrange(256) for _ in range(6000))
    out["production/broken/attachment.csv"] = png + body + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    planted.set("production/broken/attachment.csv", "binary_named_csv", count=1,
                note="PNG signature + IHDR + 6000 random bytes; NUL bytes")
    # 3. ISO-8859-1 without declaration
    tf = TextFile()
    tf.row(["ticket_id", "author", "note"])
    authors = ["José García", "Jürgen Müller", "Renée Dubois", "Søren Nielsen",
               "Inès Gómez", "François Lefèvre"]
    for k in range(120):
        tf.row([tickets[rng.randrange(len(tickets))]["ticket_id"],
                rng.choice(authors),
                rng.choice(NOTES).format(a="%d.%02d" % (rng.randrange(5, 200),
                                                        rng.choice([0, 50])))])
    out["production/broken/notes-latin1.csv"] = tf.text().encode("iso-8859-1")
    planted.set("production/broken/notes-latin1.csv", "latin1_undeclared",
                count=1, note="ISO-8859-1 bytes (é=E9, ü=FC, £=A3, °=B0, ½=BD, "
                "©=A9), no BOM, no declaration; invalid as UTF-8; "
                "no bytes in 0x80-0x9F")
    # 4. zero bytes
    out["production/broken/empty.csv"] = b""
    planted.set("production/broken/empty.csv", "empty_file", count=1)
    # 5. JSONL with invalid UTF-8 inside strings
    bad = [b"\xc3\x28", b"\xe9", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80",
           b"\xff"]
    rel = "production/broken/invalid-utf8.jsonl"
    lines = []
    for k in range(60):
        r = tickets[rng.randrange(len(tickets))]
        rec = {"ticket_id": r["ticket_id"], "author": rng.choice(["agent", "customer"]),
               "sent_at": iso_z(r["created_at"]), "message": r["subject"]}
        b = json.dumps(rec, ensure_ascii=False).encode("utf-8")
        if k % 10 == 4:
            seq = bad[(k // 10) % len(bad)]
            b = b.replace(b'"message": "', b'"message": "Caf' + seq + b' ', 1)
            planted.add(rel, "invalid_utf8", k + 1,
                        "C3 28 / lone E9 / truncated E2 82 / overlong C0 AF / "
                        "surrogate ED A0 80 / FF, inside the message string")
        lines.append(b)
    out[rel] = b"\n".join(lines) + b"\n"
    return out


# --------------------------------------------------------------------------
# knowledge base: pages (HTML, Markdown, text)
# --------------------------------------------------------------------------

SITE = "Brewline Help Centre"


def esc(s, attr=False):
    return html.escape(s, quote=attr)


def line_of(text, needle):
    """1-based line of the first occurrence of needle in text."""
    return text[: text.index(needle)].count("\n") + 1


def html_page(title, summary, sections, *, lang="en", charset="utf-8",
              decl="meta", published=None, modified=None, updated_text=None,
              updated_label="Last updated", time_el=None, product=None,
              year=2026, tail=""):
    """A help-centre page. decl: "meta" (<meta charset>), "http-equiv"
    (<meta http-equiv=Content-Type>) or None (no declaration)."""
    h = ["<!DOCTYPE html>", '<html lang="%s">' % lang, "<head>"]
    if decl == "meta":
        h.append('<meta charset="%s">' % charset)
    elif decl == "http-equiv":
        h.append('<meta http-equiv="Content-Type" '
                 'content="text/html; charset=%s">' % charset)
    h.append("<title>%s \u2013 %s</title>" % (esc(title), SITE))
    if summary:
        h.append('<meta name="description" content="%s">' % esc(summary, True))
    if published:
        h.append('<meta property="article:published_time" content="%s">'
                 % published)
    if modified:
        h.append('<meta property="article:modified_time" content="%s">'
                 % modified)
    if product:
        h.append('<meta name="product" content="%s">' % esc(product, True))
    h += ['<link rel="stylesheet" href="/assets/help.css">', "</head>",
          "<body>", '<header><a href="/">%s</a></header>' % SITE,
          "<main>", "<article>", "<h1>%s</h1>" % esc(title)]
    if time_el:
        h.append('<p class="meta">Updated <time datetime="%s">%s</time></p>'
                 % time_el)
    if updated_text:
        h.append('<p class="meta">%s: %s</p>' % (updated_label, updated_text))
    for heading, blocks in sections:
        h.append("<h2>%s</h2>" % esc(heading))
        for b in blocks:
            if isinstance(b, list):
                h.append("<ol>")
                h += ["  <li>%s</li>" % esc(x) for x in b]
                h.append("</ol>")
            else:
                h.append("<p>%s</p>" % esc(b))
    h += ["</article>", "</main>"]
    if tail:
        h.append(tail)
    h += ['<footer><p>&copy; %d Brewline GmbH &middot; '
          '<a href="/privacy">Privacy</a></p></footer>' % year,
          "</body>", "</html>"]
    return "\n".join(h) + "\n"


def md_page(front, title, sections, note=None):
    """Markdown with YAML front matter; front is a list of (key, value)
    lines written as given (value None: the key's line is omitted)."""
    out = ["---"]
    out += ["%s: %s" % (k, v) for k, v in front if v is not None]
    out += ["---", "", "# " + title, ""]
    if note:
        out += ["> " + note, ""]
    for heading, blocks in sections:
        out += ["## " + heading, ""]
        for b in blocks:
            if isinstance(b, list):
                out += ["%d. %s" % (i + 1, x) for i, x in enumerate(b)]
            else:
                out.append(b)
            out.append("")
    return "\n".join(out)


def day(y, m, d):
    return dt.date(y, m, d).isoformat()


def stamp(date_s, hh=9, mm=30):
    return "%sT%02d:%02d:00Z" % (date_s, hh, mm)


def sandbox_kb(rng):
    """Twelve current HTML pages and five Markdown articles, all edited
    between June and November 2026. Returns {rel: text}."""
    files = {}
    products = ["Aurora", "Brio", "Crema", "All machines"]
    for k, (slug, title, summary, sections) in enumerate(ARTICLES):
        pub = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randrange(600))
        mod = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(172))
        files["kb/%s.html" % slug] = html_page(
            title, summary, sections, published=stamp(pub.isoformat()),
            modified=stamp(mod.isoformat(), 10 + k % 6, 5 * k % 60),
            time_el=(mod.isoformat(), "%d %s %d" % (mod.day,
                                                   mod.strftime("%B"), mod.year)),
            product=products[k % 4])
    for slug, title, cat, sections in MD_ARTICLES:
        mod = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(172))
        files["kb/%s.md" % slug] = md_page(
            [("title", title), ("category", cat),
             ("owner", "support-content@brewline.example"),
             ("updated", mod.isoformat()), ("reviewed", "true")],
            title, sections)
    return files


def production_kb(rng, sb_files, planted):
    """The help centre's file share: today's pages, older and archived
    pages, legacy pages in other encodings, and exports from old tools."""
    out = {}
    # Today's HTML pages are on the share as they are in the sandbox.
    for rel, text in sb_files.items():
        if rel.endswith(".html"):
            out[rel] = text

    def put(rel, problem, data, needle=None, note=None, text=None):
        out["kb/" + rel] = data
        line = line_of(text if text is not None else data, needle) if needle else None
        planted.add("production/kb/" + rel, problem, line, note)
        return "production/kb/" + rel

    # The Markdown articles, as the old CMS wrote them: "author", not
    # "owner", and older edits.
    authors = ["Jana Novak", "Tom Becker", "Inès Laurent", "Ravi Khan"]
    for k, (slug, title, cat, sections) in enumerate(MD_ARTICLES):
        mod = dt.date(2022, 1, 10) + dt.timedelta(days=rng.randrange(1400))
        text = md_page([("title", title), ("category", cat),
                        ("author", authors[k % 4]),
                        ("updated", mod.isoformat())], title, sections)
        if slug == "cafe-mode":
            text = unicodedata.normalize("NFD", text)
            put(slug + ".md", "non_nfc", text, "Caf",
                "copied from macOS: accents decomposed (NFD)")
        else:
            out["kb/%s.md" % slug] = text
        planted.add("production/kb/%s.md" % slug, "owner_renamed_author",
                    line_of(text, "author:"),
                    'front matter "author" where the sandbox has "owner"')
    t = LEGACY["brio-app-release-notes"]
    text = md_page([("title", t[0]), ("category", "app"),
                    ("author", "Ravi Khan"), ("updated", "2024-05-02")],
                   t[0], t[2])
    put("brio-app-release-notes.md", "changelog_dates", text, "3.2.0",
        "version lines with dates, newest 2024-05-02")
    draft = md_page([("title", "New descaler formula"),
                     ("category", "machines"), ("author", "Tom Becker"),
                     ("status", "draft"), ("updated", "2026-08-03")],
                    "New descaler formula",
                    [("What changes", [
                        "From spring the Pura descaler comes as a tablet. "
                        "One tablet replaces one bottle; the programme is "
                        "the same."])],
                    note="DRAFT \u2013 waiting for legal review. Do not publish.")
    put("new-descaler-formula.md", "staleness_marker_draft", draft, "DRAFT",
        'an unpublished draft on the share ("draft")')
    broken = ('---\ntitle: "Subscription FAQ\ncategory: billing\n'
              "author: Jana Novak\nupdated: 2023-02-01\n---\n\n"
              "# Subscription FAQ\n\nFilters ship every two months. You can "
              "skip a delivery under Subscriptions.\n")
    put("subscription-faq.md", "yaml_syntax", broken, "title:",
        "front matter title opens a quote it never closes")
    unclosed = ("---\ntitle: Cleaning schedule\ncategory: machines\n"
                "author: Tom Becker\nupdated: 2022-09-12\n\n"
                "# Cleaning schedule\n\nRinse the brew unit weekly, run a "
                "cleaning tablet monthly and descale every three months.\n")
    put("cleaning-schedule.md", "yaml_front_matter_unclosed", unclosed,
        "---", "front matter has no closing --- line")

    # Snapshots of today's articles that an old publishing job left in
    # year folders, edited between 2019 and 2023.
    for k, (slug, title, summary, sections) in enumerate(ARTICLES):
        mod = dt.date(2019, 1, 7) + dt.timedelta(days=rng.randrange(1800))
        text = html_page(title, summary, sections,
                         published=stamp(day(2018, 1 + k, 10)),
                         modified=stamp(mod.isoformat()), year=mod.year)
        put("archive/%d/%s.html" % (mod.year, slug), "old_snapshot", text,
            "article:modified_time", "a copy of today's article, last "
            "modified 2019-2023")

    # The printable handbook: every article on one page, from 2024.
    allsec = [(title + ": " + h, blocks) for _, title, _, secs in ARTICLES
              for h, blocks in secs]
    text = html_page("Brewline customer handbook", "All help articles on one "
                     "page, for printing.", allsec,
                     modified="2024-02-01T08:00:00Z", year=2024)
    put("print/handbook-2024.html", "old_content", text,
        "article:modified_time", "every article on one page, as of 2024-02-01")

    # Archived HTML pages.
    def legacy(slug, **kw):
        t = LEGACY[slug]
        return html_page(t[0], t[1], t[2], **kw)

    text = legacy("coffeelink-app", published="2017-05-02T08:00:00Z",
                  modified="2021-03-10T16:20:00Z", product="Aurora 1", year=2021)
    put("archive/coffeelink-app.html", "staleness_marker", text, "deprecated",
        '"deprecated", "no longer supported", "superseded by"; last modified 2021-03-10')
    text = legacy("aurora-1-descaling", updated_text="3 May 2016", year=2016,
                  product="Aurora 1")
    put("archive/aurora-1-descaling.html", "old_last_updated_phrase", text,
        "Last updated", '"Last updated: 3 May 2016", no date metadata; "obsolete"')
    planted.add("production/kb/archive/aurora-1-descaling.html",
                "staleness_marker_obsolete", line_of(text, "obsolete"))
    text = legacy("shipping-rates", modified="2019-02-14T11:00:00Z",
                  updated_text="14/02/2019", year=2019)
    put("archive/shipping-rates.html", "old_content", text,
        "article:modified_time", "modified 2019-02-14; old prices")
    text = legacy("returns-2020", published="2018-01-15T09:00:00Z",
                  modified="2020-07-01T09:00:00Z", year=2020)
    put("archive/returns-2020.html", "old_content", text,
        "article:modified_time", "14-day policy from 2020; today's is 30 days")
    comment = ("<!-- hotline banner, remove after the migration\n"
               '<div class="banner">Call us: 0800 123 456</div>\n')
    text = legacy("warranty-2017", modified="2017-09-12T14:00:00Z",
                  year=2017, tail=comment)
    put("archive/warranty-2017.html", "html_comment_never_closed", text,
        "<!-- hotline", "an HTML comment never closed swallows the footer")
    text = legacy("loyalty-programme", published="2025-03-01T09:00:00Z",
                  modified="2062-03-15T09:00:00Z", year=2025)
    put("loyalty-programme.html", "future_date", text, "2062-03-15",
        "article:modified_time typed as 2062 (2026)")
    text = legacy("holiday-delivery", updated_text="2 November 2052", year=2025)
    put("holiday-delivery.html", "future_date", text, "2 November 2052",
        '"Last updated: 2 November 2052" (2025)')
    text = legacy("energy-saving", modified="2022-01-20T08:00:00Z", year=2022)
    put("archive/energy-saving.html", "replacement_char", text, "\ufffd",
        "U+FFFD left by a CMS migration (Caf\ufffd mode)")
    text = legacy("refund-policy", modified="2026-09-14T12:00:00Z")
    put("refund-policy.html", "bidi_control", text, "\u202e",
        "U+202E RIGHT-TO-LEFT OVERRIDE in a pasted file name")
    planted.add("production/kb/refund-policy.html", "zero_width_char",
                line_of(text, "\u200b"), "U+200B inside words (with\u200bin)")
    text = mojibake(legacy("cafe-mode-migrated", modified="2023-06-01T10:00:00Z",
                           year=2023))
    put("archive/cafe-mode-and-creme.html", "mojibake", text, "CafÃ©",
        "the whole page double-encoded: CafÃ©, CrÃ¨me, donâ€™t, 93 Â°C")
    text = legacy("black-friday-2023", modified="2023-11-19T07:00:00Z", year=2023)
    put("archive/black-friday-2023.html", "old_content", text,
        "article:modified_time", "an offer that ended in 2023")

    # Legacy pages in other languages and encodings.
    t = GERMAN["entkalken"]
    text = html_page(t[0], t[1], t[2], lang="de", charset="windows-1252",
                     modified="2019-10-07T09:00:00Z", year=2019)
    put("de/entkalken.html", "windows_1252_declared", text.encode("cp1252"),
        "charset", "windows-1252, declared correctly (<meta charset>)", text)
    t = GERMAN["garantie"]
    text = html_page(t[0], t[1], t[2], lang="de", charset="utf-8",
                     modified="2018-05-22T09:00:00Z", year=2018)
    text = text.replace("Garantie gilt", "\u201eGarantie\u201c gilt")
    put("de/garantie.html", "declared_mismatch", text.encode("cp1252"),
        "charset", "windows-1252 bytes, declared utf-8", text)
    t = FRENCH["retours"]
    text = html_page(t[0], t[1], t[2], lang="fr", charset="iso-8859-1",
                     decl="http-equiv", modified="2017-03-30T09:00:00Z",
                     year=2017).replace("\u20ac", "EUR").replace("\u2013", "-")
    put("fr/retours.html", "iso_8859_1_declared", text.encode("latin-1"),
        "charset", "ISO-8859-1, declared correctly (http-equiv)", text)
    t = FRENCH["garantie"]
    text = html_page(t[0], t[1], t[2], lang="fr", decl=None,
                     updated_text="12 janvier 2016", updated_label="Mis à jour le",
                     year=2016).replace("\u20ac", "EUR").replace("\u2013", "-")
    put("fr/garantie.html", "iso_8859_1_undeclared", text.encode("latin-1"),
        None, "ISO-8859-1, no declaration at all", text)

    # Exports of old tools.
    body = ["Brewline customer service FAQ",
            "Exported from HelpDesk 4 on 30.06.2015", ""]
    for k, (q, a) in enumerate(FAQ_2015):
        body += [q, a, ""]
        if k % 2 == 1:
            body.append("\f")
    text = "\r\n".join(body) + "\r\n\x1a"
    data = text.encode("ascii") + b"\x00" * 3
    put("legacy/faq-2015.txt", "nul_bytes", data, None,
        "DOS export: form feeds, Ctrl-Z, then 3 NUL bytes of padding", text)
    planted.add("production/kb/legacy/faq-2015.txt", "control_chars",
                line_of(text, "\f"), "form feed (U+000C) and SUB (U+001A)")
    text = "\r".join(TIPS_2009) + "\r"
    put("legacy/espresso-tips-2009.txt", "cr_line_endings", text, None,
        "classic Mac OS: lines end in CR only")
    return {"production/" + k: v for k, v in out.items()}


# --------------------------------------------------------------------------
# feeds (XML)
# --------------------------------------------------------------------------


def ean13(n):
    digits = "400638%06d" % (n % 1000000)
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
    return digits + str((10 - s % 10) % 10)


def product_feed(rng, products, production, planted=None):
    """The product feed the shop publishes. The sandbox's was taken during
    the autumn sale (most products have a sale price) and has <gtin>;
    production's current feed calls it <ean> and breaks near its end."""
    rel = "production/feeds/product-feed.xml"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<catalog generated="%s" currency="EUR">'
             % ("2026-11-26T06:00:00Z" if production else "2026-10-20T06:00:00Z")]
    bad_at = len(products) - 9 if production else -1
    for i, p in enumerate(products):
        amount = p["price"]["amount"]
        on_sale = rng.random() < (0.40 if production else 0.85)
        sale = "%.2f" % (amount * 0.9) if on_sale else None
        code = ean13(int(p["sku"][4:]) * 7)
        avail = "in_stock" if p["in_stock"] else "out_of_stock"
        if production and rng.random() < 0.05:
            avail = rng.choice(["preorder", "discontinued"])
        title = esc(p["name"])
        if i == bad_at:
            title = p["name"] + " & Descaler Bundle"   # a raw '&'
        upd = (dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(170))
               if not production or rng.random() < 0.6 else
               dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1000)))
        start = len(lines) + 1
        lines += ['  <product id="%s">' % p["sku"],
                  "    <title>%s</title>" % title,
                  "    <category>%s</category>" % esc(p["category"]),
                  "    <%s>%s</%s>" % (("ean", code, "ean") if production
                                       else ("gtin", code, "gtin")),
                  '    <price currency="EUR">%.2f</price>' % amount,
                  "    <sale_price>%s</sale_price>" % sale if sale
                  else "    <sale_price/>",
                  "    <availability>%s</availability>" % avail,
                  "    <updated>%s</updated>" % upd.isoformat(),
                  "  </product>"]
        if planted and i == bad_at:
            planted.add(rel, "xml_malformed_entry", start + 1,
                        "a raw '&' in a title: the parse stops there and "
                        "the last 9 products are lost")
        if planted and not sale:
            planted.add(rel, "sale_price_empty", start + 5)
        if planted and avail in ("preorder", "discontinued"):
            planted.add(rel, "availability_new_value", start + 6,
                        "preorder / discontinued")
        if planted and upd.year < 2026:
            planted.add(rel, "updated_old", start + 7)
    lines.append("</catalog>")
    if planted:
        planted.set(rel, "gtin_renamed_ean", count=len(products),
                    note="every <gtin> is now <ean>")
    return "\n".join(lines) + "\n"


def google_feed(rng, products, planted):
    """An RSS feed for a shopping site: g: elements without the xmlns:g
    declaration, and an HTML entity XML does not know."""
    rel = "production/feeds/google-shopping.xml"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0">',
             "<channel>", "  <title>Brewline \u2013 shopping feed</title>",
             "  <link>https://www.brewline.example/</link>",
             "  <description>All products in stock</description>"]
    for i, p in enumerate(products):
        desc = "%s from our %s range." % (p["name"], p["category"].lower())
        nbsp = i == len(products) - 2
        if nbsp:
            desc = "Save&nbsp;10% on the " + esc(p["name"]) + "."
        start = len(lines) + 1
        lines += ["  <item>", "    <g:id>%s</g:id>" % p["sku"],
                  "    <title>%s</title>" % esc(p["name"]),
                  "    <description>%s</description>" % (
                      desc if nbsp else esc(desc)),
                  "    <link>https://www.brewline.example/p/%s</link>"
                  % p["sku"].lower(),
                  "    <g:price>%.2f EUR</g:price>" % p["price"]["amount"],
                  "    <g:availability>%s</g:availability>"
                  % ("in stock" if p["in_stock"] else "out of stock"),
                  "  </item>"]
        if planted and i == 0:
            planted.add(rel, "xml_namespace_undeclared", start + 1,
                        "g: prefix used, xmlns:g never declared")
        if planted and nbsp:
            planted.add(rel, "xml_undeclared_entity", start + 3,
                        "&nbsp; is HTML, not XML")
    lines += ["</channel>", "</rss>"]
    return "\n".join(lines) + "\n"


def legacy_catalog(rng, planted):
    """The 2017 German catalogue: ISO-8859-1, declared, with an external
    entity in its internal DTD subset."""
    rel = "production/feeds/katalog-2017.xml"
    names = ["Entkalker flüssig", "Reinigungstabletten", "Wasserfilter Pura",
             "Milchschaumdüse", "Brüheinheit Aurora 1", "Dichtungssatz",
             "Tresterbehälter", "Espressotassen 2er-Set", "Kaffeelöffel",
             "Bohnenbehälter", "Abtropfschale", "Reinigungsbürste"]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>',
             "<!DOCTYPE katalog [",
             '  <!ENTITY haftung SYSTEM "haftungsausschluss.txt">', "]>",
             '<katalog stand="2017-03-01">',
             "  <hinweis>&haftung;</hinweis>"]
    for i in range(80):
        d = dt.date(2016, 3, 1) + dt.timedelta(days=rng.randrange(360))
        lines += ['  <artikel nr="SKU-%05d">' % (1000 + i * 7),
                  "    <bezeichnung>%s</bezeichnung>" % rng.choice(names),
                  "    <preis>%d,%02d</preis>" % (rng.randrange(3, 60),
                                                  rng.choice([0, 50, 90])),
                  "    <aktualisiert>%s</aktualisiert>" % d.isoformat(),
                  "  </artikel>"]
    lines.append("</katalog>")
    text = "\n".join(lines) + "\n"
    planted.add(rel, "xml_external_entity", 6,
                "&haftung; names an external file; never loaded")
    planted.set(rel, "iso_8859_1_declared", count=1,
                note="ISO-8859-1, declared in the XML declaration; dated 2016-2017")
    return text.encode("latin-1")


# --------------------------------------------------------------------------
# exports: chat transcripts (JSON), the DACH re-export, a UTF-16 price list
# --------------------------------------------------------------------------

AGENTS = ["Mia", "Jonas", "Priya", "Lucas", "Sofia", "Erik"]


def chat_sessions(rng, tickets, n, surrogate_at=None):
    out = []
    for k in range(n):
        t = tickets[rng.randrange(len(tickets))]
        q, a, f = rng.choice(CHATS)
        t0 = t["created_at"]
        msgs = []
        for j, (who, text) in enumerate((("customer", q), ("agent", a),
                                         ("customer", f))):
            if k == surrogate_at and j == 2:
                text = text + " SURROGATE"
            msgs.append({"from": who, "at": iso_z(t0 + dt.timedelta(
                seconds=40 + 70 * j + rng.randrange(60))), "text": text})
        out.append({"session_id": "CH-%s-%05d" % (t0.strftime("%y%m"), k + 1),
                    "started_at": iso_z(t0), "customer_id": t["customer_id"],
                    "ticket_id": t["ticket_id"], "agent": rng.choice(AGENTS),
                    "messages": msgs, "rating": rng.choice([3, 4, 5, 5, 5, None])})
    return out


def chat_exports(rng, oct_t, nov_t, planted):
    out = {}
    d = "production/exports/"
    sessions = chat_sessions(rng, oct_t, 60, surrogate_at=17)
    text = json.dumps(sessions, ensure_ascii=False, indent=2) + "\n"
    text = text.replace(" SURROGATE", " \\ude0a")
    out[d + "chat-transcripts-2026-10.json"] = text
    planted.add(d + "chat-transcripts-2026-10.json", "json_lone_surrogate",
                line_of(text, "\\ude0a"),
                "an emoji cut in half: \\ude0a without its high surrogate")
    text = json.dumps(chat_sessions(rng, nov_t, 60), ensure_ascii=False,
                      indent=2) + "\n"
    cut = text[: len(text) * 3 // 5]
    out[d + "chat-transcripts-2026-11.json"] = cut
    planted.add(d + "chat-transcripts-2026-11.json", "json_truncated",
                cut.count("\n") + 1, "download interrupted at 60% of the file")
    text = json.dumps(chat_sessions(rng, oct_t, 25), ensure_ascii=False,
                      indent=2) + "\n]\n"
    out[d + "chat-transcripts-2026-09.json"] = text
    planted.add(d + "chat-transcripts-2026-09.json", "json_trailing_data",
                text.count("\n"), "the export tool wrote one ']' too many")
    out[d + "chat-transcripts-2026-08.json"] = "\n"
    planted.add(d + "chat-transcripts-2026-08.json", "json_empty", 1,
                "the August export holds no JSON value at all")
    return out


def dach_reexport(rng, oct_t, planted):
    """The DACH team re-exported the last 450 October tickets from Excel
    (German locale): BOM, ';', CRLF, dd.mm.yyyy HH:MM, decimal comma. The
    ticket_ids repeat those of tickets-2026-10.csv."""
    rel = "production/tickets/tickets-2026-10-31.csv"
    tf = TextFile(eol="\r\n", delim=";")
    tf.row(TICKET_COLS)
    for r in oct_t[-450:]:
        status = r["status"]
        if status in ("open", "pending") and rng.random() < 0.6:
            status = "solved"
        line = tf.row([r["ticket_id"], r["created_at"].strftime("%d.%m.%Y %H:%M"),
                       r["customer_id"], status, r["priority"], r["channel"],
                       r["product_sku"], r["subject"], r["csat"],
                       hours(r["resolution_hours"]).replace(".", ",")])
        planted.add(rel, "ticket_id_repeated", line,
                    "ticket_id also in tickets-2026-10.csv")
    planted.set(rel, "european_dialect", count=1,
                note="UTF-8 BOM, ';' delimiter, CRLF, dates dd.mm.yyyy HH:MM, "
                     "decimal comma")
    return "\ufeff" + tf.text()


def price_list_utf16(rng, products, planted):
    """Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF,
    decimal comma. One name lost the second half of an emoji."""
    rel = "production/products/price-list.txt"
    rows = ["sku\tname\tprice\tcurrency\tvalid_from"]
    bad = 150
    for i, p in enumerate(products[:200]):
        name = p["name"]
        if i == bad:
            name = "Geschenkset " + name + " \ud83c"
        rows.append("%s\t%s\t%s\tEUR\t01.10.2026" % (
            p["sku"], name, ("%.2f" % p["price"]["amount"]).replace(".", ",")))
    planted.add(rel, "undecodable_lone_surrogate", bad + 2,
                "UTF-16 high surrogate D83C without its low half")
    planted.set(rel, "utf16le_tsv", count=1,
                note="UTF-16LE with BOM, tab-separated, CRLF, decimal comma")
    text = "\r\n".join(rows) + "\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")


def macros_csv(rng):
    tf = TextFile()
    tf.row(["macro_id", "title", "body", "language", "updated_at"])
    for k, (title, body) in enumerate(MACROS):
        d = dt.date(2026, 6, 1) + dt.timedelta(days=rng.randrange(172))
        tf.row(["M-%03d" % (k + 1), title, body, "en", d.isoformat()])
    return tf.text()


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def generate(root):
    rng = random.Random(SEED)
    planted = Planted()

    customers = make_customers(rng, 1500)
    products = make_products(rng, 1000, 10000)
    # The sandbox customers are recent signups (2026-06..11), two of them
    # Namibian ("NA"), so the sandbox has the real value too.
    recent = lambda c: c["signup_date"] >= dt.date(2026, 6, 1)
    na = [c for c in customers if c["country"] == "NA"][:2]
    for c in na:
        if not recent(c):
            c["signup_date"] = dt.date(2026, 6, 1) + dt.timedelta(
                days=rng.randrange(173))
    others = [c for c in customers if c["country"] != "NA" and recent(c)]
    sb_customers = sorted(rng.sample(others, 148) + na,
                          key=lambda c: c["customer_id"])
    sb_ids = {c["customer_id"] for c in sb_customers}
    sb_products = sorted(rng.sample(products, 120), key=lambda p: p["sku"])
    sb_skus = {p["sku"] for p in sb_products}

    # ticket timeline: June..November 2026, ids increase with time.
    # Production holds the October and November exports; customers and
    # products in the sandbox are the "active"/"popular" ones.
    def pick_customers():
        return sb_customers if rng.random() < 0.3 else customers

    def pick_products():
        return sb_products if rng.random() < 0.6 else products

    def month_tickets(year, month, n, first_id):
        start = dt.datetime(year, month, 1)
        end = min(dt.datetime(year + (month == 12), month % 12 + 1, 1), CUTOFF)
        times = sorted(rand_time(rng, start, end) for _ in range(n))
        out = []
        tid = first_id
        for t in times:
            tid += rng.randrange(1, 4)
            out.append(make_ticket(rng, tid, t, pick_customers(), pick_products()))
        return out, tid

    sandbox_t = []
    tid = 480000
    # The pilot team curated tickets that were solved within 16 hours:
    # production's resolution_hours has the long tail the sandbox lacks.
    def curated(t):
        return (t["customer_id"] in sb_ids and t["product_sku"] in sb_skus
                and t["resolution_hours"] <= 16)

    for m in (6, 7, 8, 9):
        ts, tid = month_tickets(2026, m, 2100, tid)
        sandbox_t += rng.sample([t for t in ts if curated(t)], 45)
    oct_t, tid = month_tickets(2026, 10, 3400, tid)
    nov_t, tid = month_tickets(2026, 11, 3400, tid)
    for ts in (oct_t, nov_t):
        sandbox_t += rng.sample([t for t in ts if curated(t)], 60)
    sandbox_t.sort(key=lambda t: t["ticket_id"])

    files = {}
    files["sandbox/tickets.csv"] = sandbox_tickets(rng, sandbox_t)
    files["sandbox/products.jsonl"] = jsonl(sb_products)
    files["sandbox/customers.csv"] = customers_csv(sb_customers)

    files["production/tickets/tickets-2026-10.csv"] = production_month(
        rng, "production/tickets/tickets-2026-10.csv", oct_t, products, planted, 0)
    files["production/tickets/tickets-2026-11.csv"] = production_month(
        rng, "production/tickets/tickets-2026-11.csv", nov_t, products, planted, 1)
    files["production/tickets/tickets-2019.csv.gz"] = tickets_2019(
        rng, customers, products, planted)
    files["production/tickets/tickets-2021.csv"] = tickets_2021_legacy(
        rng, customers, products, planted)
    files["production/products/products.jsonl"] = production_products(
        rng, products, sb_skus, planted)
    files["production/products/products-archive.jsonl.gz"] = archive_products(
        rng, planted)
    files["production/customers/customers.csv"] = production_customers(
        rng, customers, sb_ids, planted)
    files.update(broken_files(rng, oct_t + nov_t, planted))

    # pages, feeds, exports
    sb_kb = sandbox_kb(rng)
    files.update({"sandbox/" + k: v for k, v in sb_kb.items()})
    files["sandbox/macros.csv"] = macros_csv(rng)
    files["sandbox/feeds/product-feed.xml"] = product_feed(
        rng, sb_products, False)
    files.update(production_kb(rng, sb_kb, planted))
    feed_products = sb_products + [p for p in products if p["sku"] not in sb_skus][:280]
    files["production/feeds/product-feed.xml"] = product_feed(
        rng, feed_products, True, planted)
    files["production/feeds/google-shopping.xml"] = google_feed(
        rng, feed_products[:60], planted)
    files["production/feeds/katalog-2017.xml"] = legacy_catalog(rng, planted)
    # the German shop's copy of the feed, cut off by a failed upload
    de_feed = google_feed(rng, feed_products[60:90], None)
    de_feed = de_feed[: de_feed.rindex("\n", 0, len(de_feed) * 7 // 10) + 1]
    files["production/feeds/google-shopping-de.xml"] = de_feed
    planted.add("production/feeds/google-shopping-de.xml", "xml_truncated",
                de_feed.count("\n"), "upload cut after a line at 70% of the "
                "file: elements left open")
    files.update(chat_exports(rng, oct_t, nov_t, planted))
    files["production/tickets/tickets-2026-10-31.csv"] = dach_reexport(
        rng, oct_t, planted)
    files["production/products/price-list.txt"] = price_list_utf16(
        rng, products, planted)
    # the archive came off a tape: 512-byte block padding after the member
    arch = files["production/products/products-archive.jsonl.gz"]
    files["production/products/products-archive.jsonl.gz"] = (
        arch + b"\0" * (512 - len(arch) % 512))
    planted.add("production/products/products-archive.jsonl.gz",
                "gzip_trailing_garbage", None,
                "NUL padding to a 512-byte block after the gzip member")
    # a backup with one flipped byte (bit rot on the NAS)
    bak = bytearray(gz(customers_csv(sb_customers).encode("utf-8")))
    bak[len(bak) * 2 // 5] ^= 0x10
    files["production/broken/customers-backup.csv.gz"] = bytes(bak)
    planted.set("production/broken/customers-backup.csv.gz", "gzip_corrupt",
                count=1, note="one bit flipped at 40% of the compressed bytes")
    links = {"production/tickets/latest.csv": "tickets-2026-11.csv"}
    planted.set("production/tickets/latest.csv", "symlink", count=1,
                note="a symbolic link to tickets-2026-11.csv; not followed")

    for rel in ("sandbox", "production"):
        shutil.rmtree(os.path.join(root, rel), ignore_errors=True)
    for rel, data in sorted(files.items()):
        write(root, rel, data)
    for rel, target in sorted(links.items()):
        os.symlink(target, os.path.join(root, rel))
    expectations(planted, files)

    manifest = {
        "generator": "samples/generate.py",
        "seed": SEED,
        "note": "lines are 1-based physical line numbers of the row/record "
                "start (after decompression for .gz); counts are exact",
        "sandbox": {
            "sandbox/tickets.csv": {
                "rows": len(sandbox_t),
                "curated_fast_tickets": {
                    "count": len(sandbox_t),
                    "note": "only tickets solved within 16 hours: production's "
                            "resolution_hours has a long tail",
                    "expect": [{"check": "drift.numeric",
                                "scope": "field tickets:resolution_hours"}]}},
            "sandbox/products.jsonl": {"records": len(sb_products)},
            "sandbox/customers.csv": {"rows": len(sb_customers),
                                      "country_NA_namibia": sum(
                                          c["country"] == "NA" for c in sb_customers)},
            "sandbox/macros.csv": {
                "rows": len(MACROS),
                "collection_missing_in_production": {
                    "count": 1,
                    "note": "canned replies live in the helpdesk tool; the "
                            "share has no export of them",
                    "expect": [{"check": "schema.collection_missing",
                                "scope": "collection macros"}]}},
            "sandbox/feeds/product-feed.xml": {"products": len(sb_products)},
            "sandbox/kb": {"html_pages": len(ARTICLES),
                           "markdown_articles": len(MD_ARTICLES),
                           "note": "edited June to November 2026; every "
                                   "Markdown article has an owner"},
        },
        "production": {k: {p: v for p, v in sorted(planted.files[k].items())}
                       for k in sorted(planted.files)},
    }
    with open(os.path.join(root, "planted.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")


# What each planted problem must produce in the audit (Planted.expect):
# (glob over the file, problem) -> checks. A problem absent here has no
# finding class today; samples/README.md says which.
F_TICKETS = "field tickets:"
EXPECT = [
    ("*/tickets-2026-1[01].csv", "status_new_value",
     ["schema.enum_new_values@field tickets:status"]),
    ("*/tickets-2026-11.csv", "channel_new_value",
     ["schema.enum_new_values@field tickets:channel"]),
    ("*/tickets-2026-1[01].csv", "csat_null_*",
     ["schema.nulls_appeared@field tickets:csat"]),
    ("*/tickets-2026-1[01].csv", "csat_out_of_range",
     ["schema.range_exceeded@field tickets:csat"]),
    ("*/tickets-2026-1[01].csv", "decimal_comma",
     ["format.decimal_comma@field tickets:resolution_hours"]),
    ("*/tickets-2026-1[01].csv", "date_format_dmy_slash",
     ["format.ambiguous_dates@field tickets:created_at"]),
    ("*/tickets-2026-1[01].csv", "date_format_mon_d_y",
     ["schema.type_changed@field tickets:created_at"]),
    ("*/tickets-2026-1[01].csv", "future_date_2062", ["staleness.future_date"]),
    ("*/tickets-2026-1[01].csv", "csv_ragged_row_*", ["csv.ragged_row"]),
    ("*/tickets-2026-1[01].csv", "mojibake", ["encoding.mojibake"]),
    ("*/tickets-2026-1[01].csv", "zero_width_char", ["encoding.zero_width"]),
    ("*/tickets-2026-1[01].csv", "bidi_control", ["encoding.bidi_control"]),
    ("*/tickets-2026-10.csv", "replacement_char", ["encoding.replacement_char"]),
    ("*/tickets-2026-11.csv", "crlf_line_ending",
     ["format.mixed_line_endings@corpus"]),
    ("*/tickets-2019.csv.gz", "legacy_export",
     ["encoding.new_encoding@windows-1252", "format.new_line_endings@corpus",
      "schema.new_field@field tickets:customer_name", "staleness.resaved"]),
    ("*/tickets-2021.csv", "renamed_columns",
     ["schema.presence_dropped@field tickets:status",
      "schema.new_field@field tickets:state"]),
    ("*/tickets-2021.csv", "missing_column",
     ["schema.presence_dropped@field tickets:channel"]),
    ("*/tickets-2021.csv", "stale_content", ["staleness.old_content@corpus"]),
    ("*/tickets-2021.csv", "csv_stray_quote", ["csv.malformed_quote"]),
    ("*/tickets-2021.csv", "csv_unterminated_quote",
     ["csv.unterminated_quote"]),
    ("*/google-shopping-de.xml", "xml_truncated", ["xml.truncated"]),
    ("*/tickets-2026-10-31.csv", "ticket_id_repeated",
     ["schema.unique_violated@field tickets:ticket_id"]),
    ("*/products.jsonl", "price_as_string",
     ["schema.type_changed@field products:price",
      "schema.presence_dropped@field products:price.amount"]),
    ("*/products.jsonl", "in_stock_string",
     ["schema.enum_new_values@field products:in_stock"]),
    ("*/products.jsonl", "in_stock_null",
     ["schema.nulls_appeared@field products:in_stock"]),
    ("*/products.jsonl", "currency_new_value",
     ["schema.enum_new_values@field products:price.currency"]),
    ("*/products.jsonl", "updated_missing",
     ["schema.presence_dropped@field products:updated"]),
    ("*/products.jsonl", "new_nested_field_dimensions",
     ["schema.new_field@field products:dimensions.height_cm"]),
    ("*/products.jsonl", "new_nested_field_supplier",
     ["schema.new_field@field products:supplier.id"]),
    ("*/products.jsonl", "weight_as_string_decimal_comma",
     ["format.decimal_comma@field products:dimensions.weight_kg"]),
    ("*/products.jsonl", "json_*", ["json.syntax"]),
    ("*/products-archive.jsonl.gz", "gzip_trailing_garbage",
     ["gzip.trailing_garbage"]),
    ("*/products-archive.jsonl.gz", "archive", ["staleness.resaved"]),
    ("*/price-list.txt", "undecodable_lone_surrogate",
     ["encoding.undecodable"]),
    ("*/price-list.txt", "utf16le_tsv", ["encoding.new_encoding@UTF-16LE"]),
    ("*/customers/customers.csv", "email_empty",
     ["schema.nulls_appeared@field customers:email"]),
    ("*/customers/customers.csv", "signup_date_empty",
     ["schema.nulls_appeared@field customers:signup_date"]),
    ("*/customers/customers.csv", "date_format_dmy_slash",
     ["format.ambiguous_dates@field customers:signup_date"]),
    ("*/customers/customers.csv", "date_format_mon_d_y",
     ["schema.type_changed@field customers:signup_date"]),
    ("*/customers/customers.csv", "trailing_spaces",
     ["format.padding@field customers:name"]),
    ("*/customers/customers.csv", "non_nfc", ["encoding.not_nfc"]),
    ("*/customers/customers.csv", "plan_new_value",
     ["schema.enum_new_values@field customers:plan"]),
    ("*/attachment.csv", "binary_named_csv", ["file.binary"]),
    ("*/export-truncated.csv.gz", "gzip_truncated", ["gzip.truncated"]),
    ("*/customers-backup.csv.gz", "gzip_corrupt", ["gzip.corrupt"]),
    ("*/notes-latin1.csv", "latin1_undeclared",
     ["encoding.new_encoding@ISO-8859-1"]),
    ("*/invalid-utf8.jsonl", "invalid_utf8", ["encoding.invalid_utf8"]),
    ("*/latest.csv", "symlink", ["walk.symlink_skipped"]),
    ("*/feeds/product-feed.xml", "gtin_renamed_ean",
     ["schema.field_missing@field product-feed:/catalog/product/gtin",
      "schema.new_field@field product-feed:/catalog/product/ean"]),
    ("*/feeds/product-feed.xml", "sale_price_empty",
     ["drift.missingness@field product-feed:/catalog/product/sale_price"]),
    ("*/feeds/product-feed.xml", "availability_new_value",
     ["schema.enum_new_values@field product-feed:/catalog/product/availability"]),
    ("*/feeds/product-feed.xml", "xml_malformed_entry", ["xml.syntax"]),
    ("*/google-shopping.xml", "xml_namespace_undeclared", ["xml.namespace"]),
    ("*/google-shopping.xml", "xml_undeclared_entity",
     ["xml.entity_undeclared"]),
    ("*/katalog-2017.xml", "xml_external_entity", ["xml.entity_refused"]),
    ("*/katalog-2017.xml", "iso_8859_1_declared",
     ["encoding.new_encoding@ISO-8859-1", "staleness.resaved"]),
    ("*/chat-transcripts-2026-10.json", "json_lone_surrogate",
     ["json.lone_surrogate"]),
    ("*/chat-transcripts-2026-11.json", "json_truncated", ["json.truncated"]),
    ("*/chat-transcripts-2026-09.json", "json_trailing_data",
     ["json.trailing_data"]),
    ("*/chat-transcripts-2026-08.json", "json_empty", ["json.empty"]),
    ("*/kb/*.md", "owner_renamed_author",
     ["schema.field_missing@field markdown documents:doc.meta.owner",
      "schema.new_field@field markdown documents:doc.meta.author"]),
    ("*/kb/cafe-mode.md", "non_nfc", ["encoding.not_nfc"]),
    ("*/kb/new-descaler-formula.md", "staleness_marker_draft",
     ["staleness.marker"]),
    ("*/kb/subscription-faq.md", "yaml_syntax", ["yaml.syntax"]),
    ("*/kb/cleaning-schedule.md", "yaml_front_matter_unclosed",
     ["yaml.front_matter_unclosed"]),
    ("*/kb/archive/coffeelink-app.html", "staleness_marker",
     ["staleness.marker"]),
    ("*/kb/archive/aurora-1-descaling.html", "staleness_marker_obsolete",
     ["staleness.marker"]),
    ("*/kb/archive/aurora-1-descaling.html", "old_last_updated_phrase",
     ["schema.presence_dropped@field html documents:doc.meta.article:modified_time",
      "staleness.resaved"]),
    ("*/kb/*/*.html", "old_content", ["staleness.resaved"]),
    ("*/kb/archive/20*/*.html", "old_snapshot",
     ["staleness.old_content@corpus", "staleness.resaved"]),
    ("*/kb/archive/warranty-2017.html", "html_comment_never_closed",
     ["html.syntax"]),
    ("*/kb/*.html", "future_date", ["staleness.future_date"]),
    ("*/kb/archive/energy-saving.html", "replacement_char",
     ["encoding.replacement_char"]),
    ("*/kb/refund-policy.html", "bidi_control", ["encoding.bidi_control"]),
    ("*/kb/refund-policy.html", "zero_width_char", ["encoding.zero_width"]),
    ("*/kb/archive/cafe-mode-and-creme.html", "mojibake",
     ["encoding.mojibake"]),
    ("*/kb/de/entkalken.html", "windows_1252_declared",
     ["encoding.new_encoding@windows-1252"]),
    ("*/kb/de/garantie.html", "declared_mismatch",
     ["encoding.declared_mismatch"]),
    ("*/kb/fr/*.html", "iso_8859_1_*", ["encoding.new_encoding@ISO-8859-1"]),
    ("*/kb/legacy/faq-2015.txt", "nul_bytes", ["encoding.nul_bytes"]),
    ("*/kb/legacy/espresso-tips-2009.txt", "cr_line_endings",
     ["format.new_line_endings@corpus"]),
]


def expectations(planted, files):
    used = set()
    for path in sorted(planted.files):
        for problem in sorted(planted.files[path]):
            for k, (glob, pglob, checks) in enumerate(EXPECT):
                if fnmatch.fnmatch(path, glob) and fnmatch.fnmatch(problem, pglob):
                    planted.expect(path, problem, *checks)
                    used.add(k)
    unused = [EXPECT[k][:2] for k in range(len(EXPECT)) if k not in used]
    if unused:
        raise SystemExit("EXPECT rows that match nothing: %r" % unused)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tree_bytes(root):
    out = {}
    for rel in ("sandbox", "production", "planted.json"):
        p = os.path.join(root, rel)
        if os.path.isfile(p):
            out[rel] = read_bytes(p)
            continue
        for d, _, fs in os.walk(p):
            for f in fs:
                full = os.path.join(d, f)
                out[os.path.relpath(full, root)] = (
                    b"symlink:" + os.readlink(full).encode()
                    if os.path.islink(full) else read_bytes(full))
    return out


def main(argv):
    if argv[1:] == ["--check"]:
        with tempfile.TemporaryDirectory() as tmp:
            generate(tmp)
            a, b = tree_bytes(tmp), tree_bytes(HERE)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        for k in diff:
            print("differs: " + k, file=sys.stderr)
        return 1 if diff else 0
    if argv[1:]:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    generate(HERE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

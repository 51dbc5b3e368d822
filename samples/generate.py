#!/usr/bin/env python3
"""Generate the gapscan sample corpus: samples/sandbox and samples/production.

Scenario: a support-assistant AI pilot. The sandbox is the clean, recent,
curated subset the pilot was built on; production is the messy whole.

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
import gzip
import io
import json
import os
import random
import shutil
import sys
import tempfile
import unicodedata

SEED = 20261115
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
    rel = "production/tickets/tickets-2021-legacy.csv"
    tf = TextFile()
    tf.row(["id", "created", "customer", "state", "priority", "product_sku",
            "subject", "csat", "resolution_hours"])
    n = 600
    times = sorted(rand_time(rng, dt.datetime(2021, 3, 1),
                             dt.datetime(2021, 9, 30)) for _ in range(n))
    for k, t in enumerate(times):
        tf.row([200000 + k, t.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(customers)["customer_id"],
                rng.choices(STATUSES[:4] + ["new"], [10, 10, 40, 35, 5])[0],
                rng.choices(PRIORITIES, PRIORITY_W)[0],
                rng.choice(products)["sku"], subject(rng, products),
                rng.choices([1, 2, 3, 4, 5], [5, 7, 15, 35, 38])[0],
                hours(round(rng.uniform(0.25, 48) * 4) / 4)])
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
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
        times = sorted(rand_time(rng, start, end) for _ in range(n))
        out = []
        tid = first_id
        for t in times:
            tid += rng.randrange(1, 4)
            out.append(make_ticket(rng, tid, t, pick_customers(), pick_products()))
        return out, tid

    sandbox_t = []
    tid = 480000
    for m in (6, 7, 8, 9):
        ts, tid = month_tickets(2026, m, 2100, tid)
        ok = [t for t in ts if t["customer_id"] in sb_ids and t["product_sku"] in sb_skus]
        sandbox_t += rng.sample(ok, 45)
    oct_t, tid = month_tickets(2026, 10, 3400, tid)
    nov_t, tid = month_tickets(2026, 11, 3400, tid)
    for ts in (oct_t, nov_t):
        ok = [t for t in ts if t["customer_id"] in sb_ids and t["product_sku"] in sb_skus]
        sandbox_t += rng.sample(ok, 60)
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
    files["production/tickets/tickets-2021-legacy.csv"] = tickets_2021_legacy(
        rng, customers, products, planted)
    files["production/products/products.jsonl"] = production_products(
        rng, products, sb_skus, planted)
    files["production/products/products-archive.jsonl.gz"] = archive_products(
        rng, planted)
    files["production/customers/customers.csv"] = production_customers(
        rng, customers, sb_ids, planted)
    files.update(broken_files(rng, oct_t + nov_t, planted))

    for rel in ("sandbox", "production"):
        shutil.rmtree(os.path.join(root, rel), ignore_errors=True)
    for rel, data in sorted(files.items()):
        write(root, rel, data)

    manifest = {
        "generator": "samples/generate.py",
        "seed": SEED,
        "note": "lines are 1-based physical line numbers of the row/record "
                "start (after decompression for .gz); counts are exact",
        "sandbox": {
            "sandbox/tickets.csv": {"rows": len(sandbox_t)},
            "sandbox/products.jsonl": {"records": len(sb_products)},
            "sandbox/customers.csv": {"rows": len(sb_customers),
                                      "country_NA_namibia": sum(
                                          c["country"] == "NA" for c in sb_customers)},
        },
        "production": {k: {p: v for p, v in sorted(planted.files[k].items())}
                       for k in sorted(planted.files)},
    }
    with open(os.path.join(root, "planted.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")


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
                out[os.path.relpath(full, root)] = read_bytes(full)
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

#!/usr/bin/env python3
"""payloads.py - hostile strings through gapscan's reports.

    payloads.py count BLNS_JSON
    payloads.py tree BLNS_JSON KIND LO HI SANDBOX PRODUCTION MANIFEST [twin]
    payloads.py check REPORT_DIR MANIFEST
    payloads.py html REPORT_HTML MANIFEST [BASELINE_HTML]

`count` prints how many payloads there are: the Big List of Naughty
Strings plus the script-injection strings below. `tree` writes a sandbox
and a production corpus that carry payloads LO..HI-1 where data of KIND
reaches a report: csv (values), json (strings), meta (HTML <meta>
contents) - each payload in a column, key or meta whose sandbox values are
all integers, so production's payload is a schema.type_changed example (a
comparison keeps at most 200 findings per check, so callers take batches
of at most 150) - or names (file names: each a CSV with a short row, a
csv.ragged_row example; audit with --limit max_examples=1000). MANIFEST
records each payload and where it went. With "twin", every payload is
replaced by the harmless "safe text N" (the same findings, no markup): the
baseline that `html` compares a report.html against.

`check` reads the three reports of an audit of that pair:
  report.json  parses as strict JSON (no NaN, no lone surrogates); every
               payload that became an example is there exactly: the same
               string, or its first max_value_bytes_kept bytes, or for
               file names the visible form (invalid bytes as \\xNN);
  report.md    valid UTF-8; a value example is one code span whose text
               is the payload with backticks turned into ' and controls
               shown as \\xNN; a file name is escaped text (markup
               characters after a backslash, controls as \\n or \\xNN);
               outside code spans no '<' starts a tag and no line holds a
               raw control character;
  junit.xml    well-formed XML whose text shows each example in the
               visible form: controls as \\n, \\r, \\t or \\xNN.
It also demands that most payloads reached the reports (so the test cannot
pass by reporting nothing) and that every injection payload did.

`html` is for report.html: the page parses, payload text appears only as
text, no element or attribute name appears that the twin's report.html
(same corpus, harmless strings) does not have, there are as many <script>
elements as in the twin, and no on* attribute or javascript: URL.
"""
import csv as csvmod
import html.parser
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

INJECTION = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea></title><script>alert(1)</script>",
    "javascript:alert(document.domain)",
    "[click](javascript:alert(1))",
    "![img](http://127.0.0.1:9/x.png)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "`code` ``more`` ```fence```",
    "| a | b |\n|---|---|",
    "# heading\n- item",
    "**bold** _em_ ~~del~~",
    "<!-- comment -->",
    "]]><x/><![CDATA[",
    "&lt;script&gt; &amp; &#60;",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "line one\nline two\r\nline three",
    "tab\there",
    "bell\x07 escape\x1b[31m red",
    "rtl \u202e gnp.exe",
    "zero\u200bwidth\ufeffbom",
    "\\x41 backslash \\",
]
MAX_KEPT = 120
FILE_EXAMPLES = 1000


def all_payloads(blns_path):
    blns = json.load(open(blns_path, encoding="utf-8"))
    return [p for p in blns if isinstance(p, str)] + INJECTION


def tree(blns_path, kind, lo, hi, sb, pr, manifest, twin=None):
    payloads = all_payloads(blns_path)[int(lo):int(hi)]
    if twin:
        payloads = [f"safe text {int(lo) + i}" for i in range(len(payloads))]
    base = int(lo)
    os.makedirs(sb)
    os.makedirs(pr)
    n = len(payloads)
    items = [{"id": base + i, "payload": p, "kind": kind} for i, p in
             enumerate(payloads)]
    if kind == "csv":  # 40 integer rows a side, then a row of payloads
        for side in (sb, pr):
            with open(os.path.join(side, "tables.csv"), "w", newline="",
                      encoding="utf-8") as f:
                w = csvmod.writer(f)
                w.writerow([f"c{i}" for i in range(n)])
                for r in range(40):
                    w.writerow([str(r + i) for i in range(n)])
                if side == pr:
                    w.writerow(payloads)
        for i, it in enumerate(items):
            it["field"] = f"c{i}"
    elif kind == "json":  # the same as JSON Lines
        for side in (sb, pr):
            with open(os.path.join(side, "records.jsonl"), "w",
                      encoding="utf-8") as f:
                for r in range(40):
                    f.write(json.dumps({f"j{i}": r + i for i in range(n)}) + "\n")
                if side == pr:
                    f.write(json.dumps({f"j{i}": p for i, p in
                                        enumerate(payloads)},
                                       ensure_ascii=False) + "\n")
        for i, it in enumerate(items):
            it["field"] = f"j{i}"
    elif kind == "meta":  # 32 pages a side; the last one has the payloads
        for side in (sb, pr):
            for k in range(32):
                hostile = side == pr and k == 31
                metas = "".join(
                    '<meta name="m%d" content="%s">' % (
                        i, html_attr(p) if hostile else str(k + i))
                    for i, p in enumerate(payloads))
                with open(os.path.join(side, f"page{k:02d}.html"), "w",
                          encoding="utf-8") as f:
                    f.write(f"<html><head><title>page</title>{metas}</head>"
                            "<body><p>text</p></body></html>\n")
        for i, it in enumerate(items):
            it["field"] = f"doc.meta.m{i}"
    else:  # names: every payload that can be a file name
        with open(os.path.join(sb, "t.csv"), "w") as f:
            f.write("id,name\n1,a\n")
        names = os.path.join(pr, "names")
        os.makedirs(names)
        kept_items = []
        for it in items:
            p = it["payload"]
            b = p.encode("utf-8")
            if not p or "/" in p or "\0" in p or len(b) > 200:
                continue
            with open(os.path.join(os.fsencode(names), b + b".csv"), "wb") as f:
                f.write(b"id,name\n1,a\n2\n")
            kept_items.append(it)
        items = kept_items
    json.dump(items, open(manifest, "w"))


def html_attr(s):
    return (s.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


# ---- the renderers' contracts, restated independently --------------------

# bidirectional controls: Markdown and JUnit show them as \u{XXXX}
BIDI = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2066, 0x2067, 0x2068, 0x2069}


def md_code_span(s):
    out = []
    for ch in s:
        o = ord(ch)
        if o in BIDI:
            out.append("\\u{%04X}" % o)
            continue
        if ch == "`":
            out.append("'")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02X" % o)
        else:
            out.append(ch)
    return "".join(out)


def md_escaped(s):
    out = []
    for ch in s:
        o = ord(ch)
        if o in BIDI:
            out.append("\\u{%04X}" % o)
            continue
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02X" % o)
        elif ch in "\\`*_[]<>|&":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def xml_visible(s):
    out = []
    for ch in s:
        o = ord(ch)
        if o in BIDI:
            out.append("\\u{%04X}" % o)
            continue
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\x%02X" % o)
        else:
            out.append(ch)
    return "".join(out)


def kept(full, got):
    """got is the example kept for full: equal, or a prefix of at most
    MAX_KEPT bytes cut at a character boundary."""
    if got == full:
        return True
    g = got.encode("utf-8")
    return len(g) <= MAX_KEPT and full.encode("utf-8").startswith(g) and \
        len(full.encode("utf-8")) > MAX_KEPT


class Tap:
    def __init__(self):
        self.fails = 0

    def __call__(self, good, what, detail=None):
        self.fails += not good
        print(("ok - " if good else "not ok - ") + what)
        if not good and detail:
            for line in detail[:8]:
                print("#   " + line)


def check(rdir, manifest):
    tap = Tap()
    items = json.load(open(manifest))
    raw = open(os.path.join(rdir, "report.json"), "rb").read()

    def no_constants(name):
        raise ValueError(f"non-standard JSON constant {name}")
    report = json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    strings = []

    def walk(o):
        if isinstance(o, str):
            strings.append(o)
        elif isinstance(o, dict):
            for k, v in o.items():
                strings.append(k)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(report)
    bad = [s for s in strings if re.search("[\ud800-\udfff]", s)]
    tap(not bad, "report.json: strict JSON, every string valid Unicode",
        [repr(s)[:80] for s in bad])

    # Examples by field: scope "field COLLECTION:PATH" -> values.
    examples = {}
    paths = set()
    for f in report["findings"]:
        for e in f["evidence"]:
            if f["check"] == "schema.type_changed" and e.get("value") is not None:
                path = f["scope"].split(":", 1)[1]
                examples.setdefault(path, []).append(e["value"])
            if f["check"] == "csv.ragged_row" and e.get("path"):
                paths.add(e["path"])
    kind = items[0]["kind"] if items else "none"
    reached, wrong = [], []
    for it in items:
        p = it["payload"]
        if kind == "names":
            if any(q.endswith("/names/" + p + ".csv") for q in paths):
                reached.append(it)
            continue
        vals = examples.get(it["field"])
        if not vals:
            continue
        reached.append(it)
        want = p  # HTML attribute values too: libxml2 keeps CR LF as is
        if not any(kept(want, v) for v in vals):
            wrong.append(f"{it['field']}: want {want!r:.60} got {vals[0]!r:.60}")
    tap(not wrong, f"report.json: every {kind} example round-trips exactly "
        f"({len(reached)} of {len(items)} payloads became examples)", wrong)
    # Payloads that are numbers, booleans, null tokens or dates in the data
    # are no type change: they do not become examples, the rest must.
    tap(len(reached) >= 0.6 * len(items),
        f"most {kind} payloads reached the reports (the check cannot pass empty)")
    inj = [it["payload"] for it in items if it["payload"] in INJECTION]
    got = {it["payload"] for it in reached}
    missing = [p for p in inj if p not in got]
    tap(not missing, f"every script-injection payload in this batch reached "
        f"the reports ({len(inj) - len(missing)} of {len(inj)})",
        [repr(p) for p in missing])
    items = reached

    # report.md
    mdb = open(os.path.join(rdir, "report.md"), "rb").read()
    try:
        md = mdb.decode("utf-8")
        tap(True, "report.md is valid UTF-8")
    except UnicodeDecodeError as e:
        tap(False, f"report.md is valid UTF-8 ({e})")
        md = mdb.decode("utf-8", "replace")
    lines = md.split("\n")
    outside = [re.sub(r"`[^`\n]*`", "", l) for l in lines]
    tags = [l for l in outside if re.search(r"(?<!\\)<[A-Za-z/!?]", l)]
    tap(not tags, "report.md: no '<' outside code spans starts a tag",
        [l[:100] for l in tags])
    ctl = [l for l in lines if re.search("[\x00-\x08\x0b-\x1f\x7f]", l)]
    tap(not ctl, "report.md: no raw control character", [repr(l[:80]) for l in ctl])
    spans = []
    for l in lines:
        m = re.search(r" value `(.*)`$", l) or re.search(r"^  - value `(.*)`$", l)
        if m:
            spans.append(m.group(1))
    span_set = set(spans)
    bad_span = [s for s in spans if "`" in s]
    tap(not bad_span, "report.md: each value example is one code span",
        [s[:80] for s in bad_span])
    wrong = []
    for it in items:
        p = it["payload"]
        want = md_code_span(p)
        if kind != "names" and len(p.encode("utf-8")) <= MAX_KEPT \
                and want not in span_set:
            wrong.append(f"{it['field']}: want `{want[:60]}`")
    tap(not wrong, "report.md: value examples are the payload in a code span "
        "(backticks as ', controls as \\xNN)", wrong)
    wrong = []
    for it in items:
        p = it["payload"]
        if kind == "names":
            if md_escaped("/names/" + p + ".csv") not in md:
                wrong.append(f"{p!r:.60} as {md_escaped(p)[:60]}")
    tap(not wrong, "report.md: file names appear escaped "
        "(markup after a backslash, controls as \\n, \\xNN)", wrong)

    # junit.xml
    try:
        root = ET.parse(os.path.join(rdir, "junit.xml")).getroot()
        tap(True, "junit.xml is well-formed XML")
    except ET.ParseError as e:
        tap(False, f"junit.xml is well-formed XML ({e})")
        return tap.fails
    text = "\n".join(t for t in root.itertext())
    for el in root.iter():
        text += "\n" + "\n".join(el.attrib.values())
    jl = set(l.strip() for l in text.split("\n"))
    wrong = []
    for it in items:
        p = it["payload"]
        if kind == "names":
            want = "/names/" + xml_visible(p) + ".csv:3:0"
            if not any(l.endswith(want) for l in jl):
                wrong.append(f"{p!r:.60} as {want[:60]}")
    tap(not wrong, "junit.xml: file names in their visible form, one per line",
        wrong)
    wrong = []
    for it in items:
        p = it["payload"]
        if kind != "names" and len(p.encode("utf-8")) <= MAX_KEPT:
            want = "value " + xml_visible(p)
            if not any(l.endswith(want.strip()) for l in jl):
                wrong.append(f"{it['field']}: {want[:60]!r}")
    tap(not wrong, "junit.xml: value examples in their visible form", wrong)
    return tap.fails


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.kinds = set()
        self.text = []
        self.urls = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.kinds.add(tag)
        self.scripts += tag == "script"
        for k, v in attrs:
            self.kinds.add(f"{tag}@{k}")
            if k in ("href", "src", "action", "formaction") and v:
                self.urls.append(v)

    def handle_data(self, data):
        self.text.append(data)


def check_html(path, manifest, twin):
    tap = Tap()
    items = json.load(open(manifest))
    page = Tags()
    page.feed(open(path, encoding="utf-8").read())
    base = Tags()
    base.feed(open(twin, encoding="utf-8").read())
    # Elements, and attribute names on any element: the hostile data raises
    # findings of its own (hygiene, say) that the twin lacks, so a known
    # attribute may sit on another element; a new name cannot come from
    # the renderer.
    def names(kinds):
        return {k if "@" not in k else "@" + k.split("@")[1] for k in kinds}
    extra = sorted(names(page.kinds) - names(base.kinds))
    tap(not extra, "report.html: the payloads add no element or attribute "
        "name to the twin's", extra)
    handlers = sorted(k for k in page.kinds if "@on" in k)
    tap(not handlers, "report.html: no event-handler attribute", handlers)
    tap(page.scripts == base.scripts,
        f"report.html: as many <script> elements as the twin's "
        f"({page.scripts} and {base.scripts})")
    js = [u for u in page.urls if u.strip().lower().startswith("javascript:")]
    tap(not js, "report.html: no javascript: URL", js)
    text = "".join(page.text)
    seen = sum(1 for it in items if it["payload"].strip()
               and it["payload"] in text)
    tap(seen > 0, f"report.html: payloads appear as text ({seen} of {len(items)})")
    return tap.fails


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "count":
        print(len(all_payloads(sys.argv[2])))
    elif cmd == "tree":
        tree(*sys.argv[2:10])
    elif cmd == "check":
        sys.exit(1 if check(*sys.argv[2:4]) else 0)
    elif cmd == "html":
        sys.exit(1 if check_html(*sys.argv[2:5]) else 0)

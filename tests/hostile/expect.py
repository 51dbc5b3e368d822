#!/usr/bin/env python3
"""expect.py - check hostile inputs' outcomes in inspect output and reports.

    expect.py MANIFEST INSPECT_JSONL REPORT_JSON [SIDE]

MANIFEST is gen.py's output (NAME<TAB>CODE per file). For each file:
  - `gapscan inspect --json` printed one object for it (INSPECT_JSONL holds
    the lines of all files), and when CODE is not "-" that object has a
    defect CODE; a defect raised by a parser (not a whole-file one such as
    gzip.* or file.binary) carries a line number, its location;
  - report.json (from `gapscan audit` over a tree holding the files as its
    SIDE, "production" by default) has a finding of check CODE whose
    evidence names the file.
Prints TAP-like "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import json
import os
import sys

WHOLE_FILE = ("gzip.", "file.")

manifest, inspect_path, report_path = sys.argv[1:4]
side = sys.argv[4] if len(sys.argv) > 4 else "production"
files = [l.rstrip("\n").split("\t") for l in open(manifest) if l.strip()]
seen = {}
for line in open(inspect_path, encoding="utf-8"):
    o = json.loads(line)
    seen[os.path.basename(o["path"])] = o
report = json.load(open(report_path, encoding="utf-8"))
fails = 0


def say(good, what):
    global fails
    fails += not good
    print(("ok - " if good else "not ok - ") + what)


for name, code in files:
    o = seen.get(name)
    say(o is not None, f"inspect reports {name}")
    if o is None or code == "-":
        continue
    hits = [d for d in o["defects"] if d["code"] == code]
    located = all(d["line"] > 0 for d in hits) or code.startswith(WHOLE_FILE)
    say(bool(hits) and located,
        f"{name}: inspect has {code}"
        + (f" at line {hits[0]['line']} col {hits[0]['col']}" if hits else
           f" (got {[d['code'] for d in o['defects']]})"))
    ev = [e for f in report["findings"] if f["check"] == code
          for e in f["evidence"]
          if (e.get("path") or "").endswith("/" + name)]
    say(bool(ev), f"{name}: report.json has a {code} finding naming it"
        + (f" (line {ev[0]['line']})" if ev else ""))
sys.exit(1 if fails else 0)

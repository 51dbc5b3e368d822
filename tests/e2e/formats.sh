# formats.sh - files of one kind written differently: a collection of CSV
# exports in two dialects and two header orders, with CRLF and LF files, and
# a date field whose format changes between files. Each finding must name
# the right collection or field with the first file of each variant; a
# control tree written one way throughout must give none of them.
. "$(dirname "$0")/lib.sh"

gen() {  # gen DIR MODE: MODE clean or mixed
    python3 - "$1" "$2" <<'PY'
import os, sys
root, mode = sys.argv[1:3]
os.makedirs(root, exist_ok=True)
for month in range(9, 13):
    sep, order, eol, iso = ",", ("id", "created_at", "status"), "\n", True
    if mode == "mixed" and month == 10:
        iso = False                      # created_at as %d/%m/%Y
    if mode == "mixed" and month == 11:
        sep, order = ";", ("status", "id", "created_at")
    if mode == "mixed" and month == 12:
        eol = "\r\n"
    rows = [sep.join(order)]
    for i in range(1, 41):
        day = 13 + i % 15
        date = ("2026-%02d-%02d" % (month, day)) if iso else \
               ("%02d/%02d/2026" % (day, month))
        cell = {"id": str(month * 100 + i), "created_at": date,
                "status": "open" if i % 3 else "closed"}
        rows.append(sep.join(cell[k] for k in order))
    with open(os.path.join(root, "tickets-2026-%02d.csv" % month), "w",
              newline="") as f:
        f.write(eol.join(rows) + eol)
PY
}
gen "$TMP/sandbox" clean
gen "$TMP/clean" clean
gen "$TMP/mixed" mixed

expect_exit "audit of the mixed tree runs (warnings only)" 0 "$GS_BIN" audit "$TMP/sandbox" \
    "$TMP/mixed" -o "$TMP/rep-mixed" -q --as-of 2027-01-01
expect_exit "audit of the clean tree is ready" 0 "$GS_BIN" audit \
    "$TMP/sandbox" "$TMP/clean" -o "$TMP/rep-clean" -q --as-of 2027-01-01

python3 - "$TMP/rep-mixed/report.json" "$TMP/rep-clean/report.json" \
    <<'PY' >"$TMP/verdict"
import json, sys
mixed, clean = (json.load(open(p)) for p in sys.argv[1:3])
def by(report, check):
    return [f for f in report["findings"] if f["check"] == check]
def files(f):
    return sorted(e["path"].rsplit("/", 1)[-1] for e in f.get("evidence", []))
def expect(name, ok):
    print(("ok - " if ok else "not ok - ") + name)

d = by(mixed, "format.mixed_dialects")
expect("mixed dialects on collection tickets",
       len(d) == 1 and d[0]["scope"] == "collection tickets" and
       d[0]["production"] == 2 and d[0]["sandbox"] == 1)
expect("dialect evidence: first file of each",
       d and files(d[0]) == ["tickets-2026-09.csv", "tickets-2026-11.csv"])
h = by(mixed, "format.mixed_header_orders")
expect("mixed header orders on collection tickets",
       len(h) == 1 and h[0]["scope"] == "collection tickets" and
       h[0]["production"] == 2)
expect("header order evidence names the reordered file",
       h and "tickets-2026-11.csv" in files(h[0]) and
       any("status, id, created_at" in e["detail"] for e in h[0]["evidence"]))
e = [f for f in by(mixed, "format.mixed_line_endings")
     if f["scope"] == "collection tickets"]
expect("mixed line endings on collection tickets",
       len(e) == 1 and "tickets-2026-12.csv" in files(e[0]))
x = by(mixed, "format.format_differs_by_file")
expect("created_at's format differs by file",
       len(x) == 1 and x[0]["scope"] == "field tickets:created_at")
expect("format evidence: the ISO file and the %d/%m/%Y file",
       x and files(x[0]) == ["tickets-2026-09.csv", "tickets-2026-10.csv"] and
       any("date.dmy_slash" in e["detail"] for e in x[0]["evidence"]))
ids = ("format.mixed_dialects", "format.mixed_header_orders",
       "format.format_differs_by_file")
expect("the clean tree has none of them",
       not any(by(clean, i) for i in ids) and
       not [f for f in by(clean, "format.mixed_line_endings")
            if f["scope"].startswith("collection ")])
fld = {(f["collection"], f["path"]): f for f in mixed["fields"]}
c = fld.get(("tickets", "created_at"))
expect("fields section: created_at formats per side",
       c is not None and c["sandbox"]["dominant"] == "date.ymd" and
       c["sandbox"]["share"] == 1 and
       c["production"]["formats"].get("date.dmy_slash") == 40 and
       c["production"]["formats"].get("date.ymd") == 120 and
       c["production"]["presence"] == 1)
PY
while read -r line; do
    case $line in
        "ok - "*) ok "${line#ok - }" ;;
        *) not_ok "${line#not ok - }" ;;
    esac
done <"$TMP/verdict"
finish

# audit.sh - the main job on the bundled samples: reports, verdict,
# determinism across thread counts, and that inputs are left untouched.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"
P="$GS_SRCDIR/samples/production"

before=$(cd "$GS_SRCDIR/samples" && find . -type f -exec sha256sum {} + | sort)
expect_exit "audit of the samples is not ready" 1 \
    "$GS_BIN" audit --as-of 2026-11-27 -j 1 -o "$TMP/j1" "$S" "$P"
check "audit names the report" grep -q "report: $TMP/j1/report.md" "$TMP/out"
check "report.json written" test -s "$TMP/j1/report.json"
check "report.md written" test -s "$TMP/j1/report.md"
check "junit.xml written" test -s "$TMP/j1/junit.xml"
check "report.html written" test -s "$TMP/j1/report.html"
check "no temporary files left" test "$(ls -A "$TMP/j1" | wc -l)" -eq 4
check "verdict in the JSON" grep -q '"verdict": "not ready"' "$TMP/j1/report.json"
check "as-of in the JSON" grep -q '"as_of": "2026-11-27"' "$TMP/j1/report.json"
check "verdict in the Markdown" grep -q 'Verdict: NOT READY' "$TMP/j1/report.md"

# Every planted problem that samples/planted.json gives an "expect" must
# produce its finding: "check@scope" a finding with that check id and scope;
# a check with a "file", that defect code in that very file (gapscan
# inspect) and a finding with that check id in the report. Presence only:
# totals change as checks are added.
"$GS_BIN" inspect --json --as-of 2026-11-27 --limit max_doc_defects=100000 \
    "$P" >"$TMP/inspect.jsonl" 2>/dev/null
python3 - "$GS_SRCDIR/samples/planted.json" "$TMP/j1/report.json" \
    "$TMP/inspect.jsonl" "$GS_SRCDIR/samples" >"$TMP/planted.tap" <<'PY'
import json, os, sys
planted, report, inspect, root = sys.argv[1:5]
planted = json.load(open(planted))
findings = json.load(open(report))["findings"]
by_check = {}
for f in findings:
    by_check.setdefault(f["check"], set()).add(f["scope"])
defects = {}
for line in open(inspect, encoding="utf-8"):
    d = json.loads(line)
    rel = os.path.relpath(d["path"], root)
    defects[rel] = {x["code"] for x in d["defects"]}
# walk defects (symlinks) are not files inspect lists: the report's evidence
evidence = {(f["check"], os.path.relpath(e["path"], root))
            for f in findings for e in f["evidence"] if e["path"]}
n = 0
for side in ("sandbox", "production"):
    for path, problems in sorted(planted[side].items()):
        for problem, p in sorted(problems.items()):
            for want in p.get("expect", []) if isinstance(p, dict) else []:
                n += 1
                check = want["check"]
                if "scope" in want:
                    ok = want["scope"] in by_check.get(check, ())
                    what = "%s @ %s" % (check, want["scope"])
                else:
                    ok = check in by_check and (
                        check in defects.get(want["file"], ())
                        or (check, want["file"]) in evidence)
                    what = "%s in %s" % (check, want["file"])
                print("%s - planted %s/%s -> %s" % ("ok" if ok else "not ok",
                                                 path, problem, what))
print("expectations: %d" % n)
PY
check "planted.json expectations were read" grep -q "^expectations: [1-9]" "$TMP/planted.tap"
while IFS= read -r line; do
    case $line in
    "ok - "*) ok "${line#ok - }" ;;
    "not ok - "*) not_ok "${line#not ok - }" ;;
    esac
done <"$TMP/planted.tap"
# Problems the samples plant that the audit must NOT report.
check "NA (Namibia) is no null token in customers:country" python3 - "$TMP/j1/report.json" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    assert f["scope"] != "field customers:country" or \
        f["check"] != "schema.nulls_appeared", f
PY
"$GS_BIN" inspect --json --as-of 2026-11-27 "$S" >"$TMP/sandbox.jsonl" 2>/dev/null
check "the sandbox files have no defects" python3 - "$TMP/sandbox.jsonl" <<'PY'
import json, sys
files = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
assert len(files) > 20, len(files)
for d in files:
    assert not d["defects"] and d["encoding"] == "UTF-8", (d["path"], d["defects"])
PY
# NO (Norway) in a column of country codes is no boolean spelling.
check "country codes are not booleans" bash -c \
    '! grep -q -- "format.mixed.booleans.*customers:country" "$1"' _ \
    "$TMP/j1/report.md"

expect_exit "audit with 2 threads" 1 \
    "$GS_BIN" audit --as-of 2026-11-27 -j 2 -o "$TMP/j2" "$S" "$P"
check "JSON identical at -j1 and -j2" cmp -s "$TMP/j1/report.json" "$TMP/j2/report.json"
check "Markdown identical at -j1 and -j2" cmp -s "$TMP/j1/report.md" "$TMP/j2/report.md"
check "JUnit identical at -j1 and -j2" cmp -s "$TMP/j1/junit.xml" "$TMP/j2/junit.xml"
expect_exit "audit with 7 threads" 1 \
    "$GS_BIN" audit --as-of 2026-11-27 -j 7 -o "$TMP/j7" "$S" "$P"
check "JSON identical at -j1 and -j7" cmp -s "$TMP/j1/report.json" "$TMP/j7/report.json"

# One big JSON Lines file split into ranges across workers (--split-size
# 1M cuts this 3.5 MB file in 4): the same reports at any thread count.
mkdir -p "$TMP/big"
cp -r "$P/." "$TMP/big/"
python3 - "$TMP/big/products/products-bulk.jsonl" <<'PY'
import json, random, sys
r = random.Random(1)
with open(sys.argv[1], "wb") as f:
    for i in range(30000):
        if i % 4999 == 0:
            f.write(b'{"sku": "bad", "price": \n')          # a syntax defect
        elif i % 7001 == 0 and i > 10000:  # from the second range on
            f.write(b'{"sku": "caf\xe9", "price": 1}\n')    # invalid UTF-8
        elif i % 997 == 0:  # a lone CR: a line end to the decoder only
            f.write(b'{"sku": "P-00001",\r "price": 2}\n')
        else:
            f.write(json.dumps({"sku": "P-%05d" % r.randint(1, 20000),
                                "price": round(r.uniform(1, 500), 2),
                                "updated": "2026-%02d-%02d" % (r.randint(1, 11), r.randint(1, 28)),
                                "tags": r.sample("abcdefgh", 2)}).encode() + b"\n")
PY
for j in 1 2 7; do
    expect_exit "audit with a split file at -j$j" 1 "$GS_BIN" audit --as-of 2026-11-27 \
        -j $j --split-size 1M -o "$TMP/split$j" "$S" "$TMP/big"
done
check "split file: JSON identical at -j1 and -j2" cmp -s "$TMP/split1/report.json" "$TMP/split2/report.json"
check "split file: JSON identical at -j1 and -j7" cmp -s "$TMP/split1/report.json" "$TMP/split7/report.json"
check "split file: Markdown identical at -j1 and -j7" cmp -s "$TMP/split1/report.md" "$TMP/split7/report.md"
for j in 1 2 7; do
    "$GS_BIN" profile -q -j $j --split-size 1M -o "$TMP/split$j.json" "$TMP/big"
done
check "split file: profile identical at -j1, -j2, -j7" \
    sh -c 'cmp -s "$1/split1.json" "$1/split2.json" && cmp -s "$1/split1.json" "$1/split7.json"' _ "$TMP"
"$GS_BIN" profile -q -j 2 -o "$TMP/whole.json" "$TMP/big"
check "split file: counts and locations as a whole-file scan gives" \
    python3 "$GS_SRCDIR/tests/tools/profiles_agree.py" "$TMP/whole.json" "$TMP/split2.json"
# Alone, its invalid-UTF-8 examples are the first kept: their lines count
# the lone CRs before them, as the decoder of a whole-file read does.
B="$TMP/big/products/products-bulk.jsonl"
"$GS_BIN" profile -q -j 2 --split-size 1M -o "$TMP/bulk-split.json" "$B"
"$GS_BIN" profile -q -j 1 --split-size 1G -o "$TMP/bulk-whole.json" "$B"
check "split file alone: decoder locations as a whole-file scan gives" \
    python3 "$GS_SRCDIR/tests/tools/profiles_agree.py" "$TMP/bulk-whole.json" "$TMP/bulk-split.json"

# Big CSV files split the same way, at record starts outside quoted fields:
# rows with quoted newlines (LF, CRLF and lone CR inside), doubled quotes
# and delimiters in quotes, CRLF rows, invalid UTF-8 late in the file (2.5
# MB, 3 ranges of 1M, so range starts fall inside quoted fields). "bad" adds
# a stray quote in an unquoted field in the second range and an
# unterminated quote near the end: from the range holding the first, one
# worker reads to the end of the file, so both still read as the whole file
# does (docs/distributed.md).
mkdir -p "$TMP/csvbig" "$TMP/csvbad"
python3 - "$TMP/csvbig/orders.csv" "$TMP/csvbad/orders.csv" <<'PY'
import random, sys
r = random.Random(7)
rows = [b"id,customer,note,amount,placed\r\n"]
for i in range(60000):
    k = r.random()
    note = (b'"two\r\nlines, ""quoted"" %d"' % i if k < 0.08 else
            b'"a\nb\rc"' if k < 0.12 else b'"x, y"' if k < 0.3 else
            b"caf\xe9" if i == 50000 else b"plain %d" % r.randint(1, 999))
    m, d = r.randint(1, 11), r.randint(1, 28)
    # dates as y-m-d in the first range, d.m.y after: the file's dominant
    # format is the one of all its ranges, not of the first
    placed = b"2026-%02d-%02d" % (m, d) if i < 20000 else b"%02d.%02d.2026" % (d, m)
    rows.append(b"%d,C%05d,%s,%.2f,%s\r\n" % (
        i, r.randint(1, 20000), note, r.uniform(1, 900), placed))
open(sys.argv[1], "wb").write(b"".join(rows))
rows[30000] = b'30000,C00001,pl"ain,1.00,2026-01-01\r\n'
rows[59990] = b'59990,C00001,"never closed,1.00,2026-01-01\r\n'
open(sys.argv[2], "wb").write(b"".join(rows))
PY
for d in csvbig csvbad; do
    for j in 1 2 3; do
        "$GS_BIN" profile -q -j $j --split-size 1M -o "$TMP/$d$j.json" "$TMP/$d"
    done
    "$GS_BIN" profile -q -j 2 --split-size 1G -o "$TMP/${d}whole.json" "$TMP/$d"
    check "split CSV ($d): profile identical at -j1, -j2, -j3" \
        sh -c 'cmp -s "$1/${2}1.json" "$1/${2}2.json" && cmp -s "$1/${2}1.json" "$1/${2}3.json"' _ "$TMP" "$d"
    check "split CSV ($d): counts and locations as a whole-file scan gives" \
        python3 "$GS_SRCDIR/tests/tools/profiles_agree.py" "$TMP/${d}whole.json" "$TMP/${d}2.json"
done
check "split CSV: the bad file's defects are found" \
    sh -c 'grep -q csv.malformed_quote "$1" && grep -q csv.unterminated_quote "$1"' _ "$TMP/csvbad2.json"

expect_exit "sandbox against itself is ready" 0 \
    "$GS_BIN" audit --as-of 2026-11-27 -o "$TMP/self" "$S" "$S"
check "self audit has no findings" grep -q '"fail": 0' "$TMP/self/report.json"

if command -v python3 >/dev/null; then
    check "report.json is valid JSON" python3 -c \
        'import json,sys; json.load(open(sys.argv[1]))' "$TMP/j1/report.json"
fi
after=$(cd "$GS_SRCDIR/samples" && find . -type f -exec sha256sum {} + | sort)
check "inputs unchanged by the audit" test "$before" = "$after"
finish

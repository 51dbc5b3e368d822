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

expect_exit "audit with 2 threads" 1 \
    "$GS_BIN" audit --as-of 2026-11-27 -j 2 -o "$TMP/j2" "$S" "$P"
check "JSON identical at -j1 and -j2" cmp -s "$TMP/j1/report.json" "$TMP/j2/report.json"
check "Markdown identical at -j1 and -j2" cmp -s "$TMP/j1/report.md" "$TMP/j2/report.md"
check "JUnit identical at -j1 and -j2" cmp -s "$TMP/j1/junit.xml" "$TMP/j2/junit.xml"
expect_exit "audit with 7 threads" 1 \
    "$GS_BIN" audit --as-of 2026-11-27 -j 7 -o "$TMP/j7" "$S" "$P"
check "JSON identical at -j1 and -j7" cmp -s "$TMP/j1/report.json" "$TMP/j7/report.json"

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

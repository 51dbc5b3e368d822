# reports.sh - the renderers' contracts: every report.json validates against
# docs/report.schema.json; junit.xml is well-formed with one test case per
# check and a failure exactly where the JSON has an unwaived failing
# finding; hostile values from the data stay text in every format.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"
P="$GS_SRCDIR/samples/production"
PY=/usr/bin/python3   # Debian's, with python3-jsonschema (.ci/quickstart)

# A sandbox whose status codes are tame, and a production whose new codes
# are payloads: they reach the findings' evidence as values.
mkdir -p "$TMP/sb" "$TMP/pr"
{ echo "id,status"; for i in $(seq 1 60); do echo "$i,$(printf 'open\nclosed\npending' | sed -n "$((i % 3 + 1))p")"; done; } >"$TMP/sb/tickets.csv"
{
    echo "id,status"
    for i in $(seq 1 40); do echo "$i,open"; done
    echo '41,"<img src=x onerror=alert(1)>"'
    echo '42,"<script>alert(2)</script>"'
    echo '43,"]]><injected/> &amp; &lt;"'
    echo '44,"a | b ` c * d _e_ [x](javascript:alert(3))"'
    printf '45,"ctl\001\002 bell\007"\n'
} >"$TMP/pr/tickets.csv"
# a file name with a right-to-left override: shown, never obeyed, in the
# Markdown and JUnit reports (JSON keeps the exact string)
printf 'id,status\n1,open,extra\n' >"$TMP/pr/$(printf 'inv\342\200\256gpj').csv"

n=0
for pair in "$S $P" "$S $S" "$TMP/sb $TMP/pr"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/r$n" $pair >/dev/null 2>"$TMP/err$n"
    rc=$?
    check "audit $n ran (exit $rc)" test "$rc" -le 1
done
mkdir -p "$TMP/empty"
"$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/r4" "$S" "$TMP/empty" >/dev/null 2>&1

check "every report.json validates against docs/report.schema.json" \
    "$PY" - "$GS_SRCDIR/docs/report.schema.json" "$TMP"/r*/report.json <<'PY'
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(path))):
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        bad += 1
sys.exit(1 if bad else 0)
PY

check "junit.xml agrees with report.json, one case per check" \
    "$PY" - "$TMP"/r*/ <<'PY'
import json, sys, xml.etree.ElementTree as ET
for d in sys.argv[1:]:
    report = json.load(open(d + "report.json"))
    root = ET.parse(d + "junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)), f"{d}: duplicate test cases"
    assert int(root.get("tests")) == len(cases), d
    failing = {f["check"] for f in report["findings"]
               if f["severity"] == "fail" and not f["waived"]}
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failing == failed, (d, failing ^ failed)
    assert int(root.get("failures")) == len(failed), d
    for f in report["findings"]:
        assert f["check"] in names, (d, f["check"])
    for s in root.findall("testsuite"):
        assert int(s.get("tests")) == len(s.findall("testcase")), d
PY

R="$TMP/r3"
check "the payloads are findings' evidence" grep -q 'onerror=alert(1)' "$R/report.json"
check "JSON keeps a payload as a string" "$PY" - "$R/report.json" <<'PY'
import json, sys
values = {e["value"] for f in json.load(open(sys.argv[1]))["findings"]
          for e in f["evidence"] if e["value"]}
assert "<img src=x onerror=alert(1)>" in values, values
assert "]]><injected/> &amp; &lt;" in values, values
assert "ctl\x01\x02 bell\x07" in values, values    # JSON escapes controls
PY
check "JUnit carries the payloads as text" "$PY" - "$R/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.find(".//injected") is None and root.find(".//img") is None
text = "".join(root.itertext())
assert "<img src=x onerror=alert(1)>" in text and "]]><injected/>" in text
assert "\\x01\\x02" in text          # controls shown, not emitted
PY
check "bidi controls are shown as \\u{202E} in Markdown and JUnit" "$PY" - "$R" <<'PY'
import sys
for name in ("report.md", "junit.xml"):
    text = open(sys.argv[1] + "/" + name, encoding="utf-8").read()
    assert "\u202e" not in text, name
    assert "inv\\u{202E}gpj" in text, name
assert "inv\u202egpj" in open(sys.argv[1] + "/report.json", encoding="utf-8").read() \
    or "inv\\u202egpj" in open(sys.argv[1] + "/report.json", encoding="utf-8").read()
PY
check "Markdown shows data only inside code spans or escaped" "$PY" - "$R/report.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
outside = re.sub(r"`[^`\n]*`", "", text)          # code spans are inert
for tag in ("<img", "<script", "<injected", "](javascript:"):
    assert tag not in outside, tag
assert "`<img src=x onerror=alert(1)>`" in text
assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), "raw control byte"
assert "ctl\\x01\\x02 bell\\x07" in text
PY
finish

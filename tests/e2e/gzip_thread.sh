# gzip_thread.sh - a .gz file makes the same profile, findings and inspect
# output whether it is inflated on the reader's thread or on a thread of
# its own (GAPSCAN_INFLATE_THREAD_AFTER: never, after the first block, the
# default), for every way a gzip file ends and for a parse that stops in
# the middle of the file (the source is closed while the thread runs).
. "$(dirname "$0")/lib.sh"
D="$TMP/data"
mkdir -p "$D"
python3 - "$D" <<'EOF'
import gzip, random, sys
d = sys.argv[1]
r = random.Random(11)
def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)
rows = ["id,name,amount,day,city"]
for i in range(150000):
    rows.append("%d,%s%d,%.2f,2024-%02d-%02d,%s" % (
        i, r.choice(["ann", "bob", "cy", "dee"]), r.randint(0, 999),
        r.uniform(-50, 5000), r.randint(1, 12), r.randint(1, 28),
        r.choice(["Paris", "Oslo", "Lima", ""])))
csv = ("\n".join(rows) + "\n").encode()
third = csv.index(b"\n", len(csv) // 3) + 1
with open(d + "/members.csv.gz", "wb") as f:  # two members, then garbage
    f.write(gz(csv[:third]) + gz(csv[third:]) + b"not gzip")
z = gz(csv)
with open(d + "/cut.csv.gz", "wb") as f:
    f.write(z[: len(z) * 3 // 4])
bad = bytearray(z)  # a wrong CRC: all the data, then gzip.corrupt
bad[-8] ^= 0x5A
with open(d + "/bad.csv.gz", "wb") as f:
    f.write(bytes(bad))
mid = csv.index(b"\n", len(csv) // 2) + 1  # a row of 40 cells halfway
with open(d + "/wide-row.csv.gz", "wb") as f:
    f.write(gz(csv[:mid] + b",".join([b"x"] * 40) + b"\n" + csv[mid:]))
lines = []
for i in range(60000):
    lines.append('{"id": %d, "tags": ["a", "b"], "v": %d, "ok": %s}' % (
        i, r.randint(0, 10**6), r.choice(["true", "false"])))
    if i % 9999 == 5:
        lines.append('{"id": broken')
with open(d + "/events.jsonl.gz", "wb") as f:
    f.write(gz(("\n".join(lines) + "\n").encode()))
with open(d + "/bomb.csv.gz", "wb") as f:  # about 1000:1
    f.write(gz(b"1,2\n" * (6 << 20)))
with open(d + "/small.csv.gz", "wb") as f:
    f.write(gz(b"a,b\n1,2\n"))
EOF

run_all() {  # run_all SETTING: profile, inspect and audit under SETTING
    local s=$1 out="$TMP/$1"
    mkdir -p "$out"
    if [ "$s" = default ]; then unset GAPSCAN_INFLATE_THREAD_AFTER
    else export GAPSCAN_INFLATE_THREAD_AFTER=$s; fi
    timeout 120 "$GS_BIN" profile -q -j 2 --limit max_columns=20 \
        --limit max_inflate_ratio=200 -o "$out/profile.json" "$D" ||
        echo "profile exit $?" >>"$out/status"
    timeout 120 "$GS_BIN" inspect --json --as-of 2026-11-27 \
        --limit max_columns=20 --limit max_inflate_ratio=200 \
        --limit max_doc_defects=100000 "$D"/*.gz >"$out/inspect.jsonl" ||
        echo "inspect exit $?" >>"$out/status"
    timeout 120 "$GS_BIN" audit -q -j 2 --as-of 2026-11-27 \
        --limit max_columns=20 -o "$out/audit" "$D" "$D" ||
        echo "audit exit $?" >>"$out/status"
    unset GAPSCAN_INFLATE_THREAD_AFTER
}
for s in never 0 default; do run_all "$s"; done

check "without the thread: profile, inspect and audit ran" \
    test -s "$TMP/never/profile.json" -a -s "$TMP/never/inspect.jsonl" \
    -a -s "$TMP/never/audit/report.json"
check "every way of ending is seen" grep -q \
    'gzip.trailing_garbage.*gzip.truncated\|gzip.truncated.*gzip.trailing' \
    <(tr -d '\n' <"$TMP/never/inspect.jsonl")
for code in gzip.corrupt gzip.ratio_exceeded csv.too_many_columns json.syntax; do
    check "inspect reports $code" grep -q "\"$code\"" "$TMP/never/inspect.jsonl"
done
for s in 0 default; do
    check "same exit statuses, thread $s" \
        cmp -s <(cat "$TMP/never/status" 2>/dev/null) \
        <(cat "$TMP/$s/status" 2>/dev/null)
    check "same profile, thread $s" cmp -s "$TMP/never/profile.json" "$TMP/$s/profile.json"
    check "same inspect output, thread $s" cmp -s "$TMP/never/inspect.jsonl" "$TMP/$s/inspect.jsonl"
    check "same audit report, thread $s" cmp -s "$TMP/never/audit/report.json" \
        "$TMP/$s/audit/report.json"
done
finish

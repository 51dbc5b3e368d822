# checkpoint.sh - a run killed after a checkpoint resumes to the same bytes
# as an uninterrupted run; mismatched checkpoints are refused; progress
# lines have their documented format.
. "$(dirname "$0")/lib.sh"
T="$TMP/tree"
python3 - "$T" <<'PY'
import os, random, sys
r = random.Random(5)
for i in range(3000):
    d = os.path.join(sys.argv[1], "batch-%02d" % (i % 23))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "rows-%05d.csv" % i), "w") as f:
        f.write("id,state,value,day\n")
        for k in range(r.randint(20, 80)):
            f.write("%d,%s,%s,2025-%02d-%02d\n" % (r.randint(1, 10**6),
                    r.choice(["new", "done", "NULL", "", "n/a"]),
                    r.choice(["%.3f" % r.gauss(100, 30), "%d" % r.randint(0, 99), "x"]),
                    r.randint(1, 12), r.randint(1, 28)))
PY

expect_exit "uninterrupted run" 0 "$GS_BIN" profile -q -j 2 -o "$TMP/full.json" "$T"

# Kill a run once its first checkpoint exists, then resume (with another
# thread count: the result does not depend on it).
CP="$TMP/run.ckpt"
"$GS_BIN" profile -q -j 2 --checkpoint "$CP" --checkpoint-every 250 \
    -o "$TMP/resumed.json" "$T" 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do [ -e "$CP" ] && break; sleep 0.05; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
check "the run was killed midway (exit $rc)" test "$rc" -eq 143
check "it left a checkpoint" test -s "$CP"
check "and no output" test ! -e "$TMP/resumed.json"
check "no temporary files beside the checkpoint" \
    test "$(ls "$TMP" | grep -c 'run.ckpt.tmp')" -eq 0
done_before=$(sed -n 's/^entries //p' "$CP")
check "the checkpoint is partway ($done_before of 3000 entries)" \
    test "$done_before" -gt 0 -a "$done_before" -lt 3000

cp "$CP" "$TMP/saved.ckpt"
expect_exit "a checkpoint with other options is refused" 2 "$GS_BIN" profile -q \
    --checkpoint "$CP" --exclude '*.tmp' -o "$TMP/other.json" "$T"
check "the refusal says which option differs" grep -q "exclude" "$TMP/err"
check "the refused checkpoint is kept" cmp -s "$CP" "$TMP/saved.ckpt"
expect_exit "a checkpoint for other roots is refused" 2 "$GS_BIN" profile -q \
    --checkpoint "$CP" -o "$TMP/other.json" "$T/batch-01"

expect_exit "the rerun resumes" 0 "$GS_BIN" profile -j 1 --progress=never \
    --checkpoint "$CP" --checkpoint-every 250 -o "$TMP/resumed.json" "$T"
check "it says it resumed" grep -q "resuming from $CP: $done_before entries done" "$TMP/err"
check "resumed profile is byte-identical to the uninterrupted one" \
    cmp -s "$TMP/full.json" "$TMP/resumed.json"
check "the checkpoint is removed at the end" test ! -e "$CP"

# A checkpoint taken from a tree that has changed since is refused.
cp "$TMP/saved.ckpt" "$CP"
mkdir -p "$TMP/moved"
mv "$T/batch-00" "$TMP/moved/"
expect_exit "a changed tree is refused" 3 "$GS_BIN" profile -q \
    --checkpoint "$CP" -o "$TMP/changed.json" "$T"
check "and says so" grep -q "tree changed since the checkpoint" "$TMP/err"
mv "$TMP/moved/batch-00" "$T/"
rm -f "$CP"
printf 'not a checkpoint\n' > "$CP"
expect_exit "a file that is not a checkpoint is refused" 2 "$GS_BIN" profile -q \
    --checkpoint "$CP" -o "$TMP/x.json" "$T"
rm -f "$CP"

# Audit: interrupted on either side, resumed, same reports.
S="$GS_SRCDIR/samples/sandbox"
expect_exit "uninterrupted audit (not ready)" 1 "$GS_BIN" audit --as-of 2026-11-27 -q \
    -o "$TMP/a1" "$S" "$T"
"$GS_BIN" audit --as-of 2026-11-27 -q -j 2 --checkpoint "$CP" \
    --checkpoint-every 300 -o "$TMP/a2" "$S" "$T" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -qs '^side 1' "$CP" && break; sleep 0.05; done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
check "audit killed on the production side" grep -q '^side 1' "$CP"
expect_exit "audit resumes (not ready)" 1 "$GS_BIN" audit --as-of 2026-11-27 \
    --checkpoint "$CP" -o "$TMP/a2" "$S" "$T"
check "resumed audit: same report.json" cmp -s "$TMP/a1/report.json" "$TMP/a2/report.json"
check "resumed audit: same report.md" cmp -s "$TMP/a1/report.md" "$TMP/a2/report.md"

# Progress: --progress=always writes lines to a non-terminal; -q wins.
expect_exit "progress to a file" 0 "$GS_BIN" profile --progress=always \
    -o "$TMP/p.json" "$T"
check "progress lines: files and MB done of total, rate, ETA" \
    grep -Eq '^gapscan: profile [0-9]+/[0-9]+\+? files, [0-9]+\.[0-9]/[0-9]+\.[0-9]\+? MB, [0-9]+\.[0-9] MB/s, ETA ([0-9]+:[0-9]{2}(:[0-9]{2})?|\?)$' "$TMP/err"
check "a last line with the totals" \
    grep -Eq '^gapscan: profile 3000 files, [0-9]+\.[0-9] MB in [0-9]+:[0-9]{2} \([0-9]+\.[0-9] MB/s\)$' "$TMP/err"
check "nothing else on stderr" \
    test "$(grep -cv '^gapscan: profile ' "$TMP/err")" -eq 0
expect_exit "-q silences progress" 0 "$GS_BIN" profile --progress=always -q \
    -o "$TMP/p.json" "$T"
check "stderr is empty with -q" test ! -s "$TMP/err"
expect_exit "--progress=never" 0 "$GS_BIN" profile --progress=never -o "$TMP/p.json" "$T"
check "stderr is empty with never" test ! -s "$TMP/err"
expect_exit "--progress=sometimes is a usage error" 2 "$GS_BIN" profile \
    --progress=sometimes -o "$TMP/p.json" "$T"
finish

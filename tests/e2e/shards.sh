# shards.sh - a tree profiled as shards (under GNU parallel, and through the
# Slurm script's body) merges to what a single run gives: every count
# exactly, sketches within their error (docs/distributed.md).
. "$(dirname "$0")/lib.sh"
SCRIPTS="$GS_SRCDIR/scripts"
AGREE="$GS_SRCDIR/tests/tools/profiles_agree.py"
T="$TMP/tree"
mkdir -p "$T"
cp -r "$GS_SRCDIR/samples/production/." "$T/"
python3 - "$T/gen" <<'PY'
import json, os, random, sys
r = random.Random(11)
for i in range(240):
    d = os.path.join(sys.argv[1], "part-%d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    if i % 2:
        with open(os.path.join(d, "orders-%04d.csv" % i), "w") as f:
            f.write("id,status,amount\n")
            for k in range(r.randint(3, 40)):
                f.write("%d,%s,%s\n" % (r.randint(1, 10**6),
                        r.choice(["open", "closed", "n/a", ""]),
                        r.choice(["%.2f" % r.uniform(0, 500), "1.234,50", ""])))
    else:
        with open(os.path.join(d, "events-%04d.jsonl" % i), "w") as f:
            for k in range(r.randint(3, 40)):
                f.write(json.dumps({"user": r.randint(1, 900),
                                    "score": r.gauss(50, 20),
                                    "tag": r.choice("abcdefg")}) + "\n")
PY

expect_exit "single run" 0 "$GS_BIN" profile -q -o "$TMP/single.json" "$T"
expect_exit "shard 0/1 is the whole tree" 0 \
    "$GS_BIN" profile -q --shard 0/1 -o "$TMP/s01.json" "$T"
check "shard 0/1 is byte-identical to no shard" cmp -s "$TMP/single.json" "$TMP/s01.json"

# The shards of one tree are disjoint and cover it.
for n in 2 5; do
    inputs=()
    for ((i = 0; i < n; i++)); do
        "$GS_BIN" profile -q --shard "$i/$n" -o "$TMP/s$i-$n.json" "$T"
        inputs+=("$TMP/s$i-$n.json")
    done
    total=$(python3 -c 'import json, sys
print(sum(json.load(open(p))["corpus"]["files"] for p in sys.argv[1:]))' "${inputs[@]}")
    want=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["corpus"]["files"])' "$TMP/single.json")
    check "$n shards hold every file once ($total of $want)" test "$total" -eq "$want"
    expect_exit "merge $n shards" 0 "$GS_BIN" merge -o "$TMP/m$n.json" "${inputs[@]}"
    check "$n shards merged agree with the single run" \
        python3 "$AGREE" --loose-examples "$TMP/single.json" "$TMP/m$n.json"
done
expect_exit "merge the same shards again" 0 "$GS_BIN" merge -o "$TMP/m5b.json" \
    "$TMP/s0-5.json" "$TMP/s1-5.json" "$TMP/s2-5.json" "$TMP/s3-5.json" "$TMP/s4-5.json"
check "same shards in the same order: same bytes" cmp -s "$TMP/m5.json" "$TMP/m5b.json"

# GNU parallel, local jobs.
if command -v parallel >/dev/null; then
    expect_exit "gapscan-parallel.sh, 5 shards, 3 jobs" 0 env GAPSCAN="$GS_BIN" \
        "$SCRIPTS/gapscan-parallel.sh" -n 5 -j 3 -o "$TMP/par/a.json" "$T" -- -j 1
    check "parallel's merge agrees with the single run" \
        python3 "$AGREE" --loose-examples "$TMP/single.json" "$TMP/par/a.json"
    check "parallel's merge is the in-order merge of the same shards" \
        cmp -s "$TMP/par/a.json" "$TMP/m5.json"
    # One job at a time finishes the shards in another order: same bytes.
    expect_exit "gapscan-parallel.sh again, 1 job" 0 env GAPSCAN="$GS_BIN" \
        "$SCRIPTS/gapscan-parallel.sh" -n 5 -j 1 -o "$TMP/par/b.json" "$T"
    check "completion order does not matter" cmp -s "$TMP/par/a.json" "$TMP/par/b.json"
    # --sshlogin ':' is this machine through the same code path as hosts.
    expect_exit "gapscan-parallel.sh with --sshlogin" 0 env GAPSCAN="$GS_BIN" \
        "$SCRIPTS/gapscan-parallel.sh" -n 2 -S 2/: -o "$TMP/par/c.json" "$T"
    check "sshlogin run agrees with the single run" \
        python3 "$AGREE" --loose-examples "$TMP/single.json" "$TMP/par/c.json"
    check "no checkpoints left behind" test -z "$(ls "$TMP/par/a.json.shards" | grep ckpt)"
else
    not_ok "GNU parallel is installed (.ci/quickstart installs it)"
fi

# The Slurm script: its syntax, then its body run here as 4 array tasks and
# the dependent merge-and-compare job.
check "gapscan-slurm.sbatch parses" bash -n "$SCRIPTS/gapscan-slurm.sbatch"
"$GS_BIN" profile -q -o "$TMP/sandbox.json" "$GS_SRCDIR/samples/sandbox"
ok_tasks=0
for i in 0 1 2 3; do
    SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=4 SLURM_CPUS_PER_TASK=2 \
        ROOT="$T" OUT="$TMP/slurm" GAPSCAN="$GS_BIN" \
        bash "$SCRIPTS/gapscan-slurm.sbatch" && ok_tasks=$((ok_tasks + 1))
done
check "4 array tasks ran" test "$ok_tasks" -eq 4
expect_exit "merge-and-compare job" 0 env STEP=merge SHARDS=4 ROOT="$T" \
    OUT="$TMP/slurm" SANDBOX="$TMP/sandbox.json" GAPSCAN="$GS_BIN" \
    bash "$SCRIPTS/gapscan-slurm.sbatch"
check "Slurm merge agrees with the single run" \
    python3 "$AGREE" --loose-examples "$TMP/single.json" "$TMP/slurm/production.json"
check "Slurm merge wrote the report" test -s "$TMP/slurm/report/report.json"
expect_exit "an array task outside an array is refused" 1 env SHARDS=4 ROOT="$T" \
    OUT="$TMP/slurm" GAPSCAN="$GS_BIN" bash "$SCRIPTS/gapscan-slurm.sbatch"

expect_exit "--shard 3/3 is a usage error" 2 "$GS_BIN" profile --shard 3/3 -o "$TMP/x.json" "$T"
check "and says what it wants" grep -q "0 <= I < N" "$TMP/err"
expect_exit "--shard x is a usage error" 2 "$GS_BIN" profile --shard x -o "$TMP/x.json" "$T"
expect_exit "audit takes no --shard" 2 "$GS_BIN" audit --shard 0/2 "$T" "$T"
finish

# batch.sh - CSV and TSV values are profiled in batches, field by field
# (profiler/document.c, "batches"): the profile, the inspect output and the
# date verdict must be those of a build without batches ($GS_BIN_NOBATCH),
# for files of many batches, values too big for a batch, rows that add
# fields late, equal dates in different fields (the evidence keeps the first
# one seen, so the date scans must run in arrival order), and split files.
. "$(dirname "$0")/lib.sh"
D="$TMP/data"
mkdir -p "$D/tree"
python3 - "$D" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(5)
def cell(i, j):
    k = (i * 31 + j) % 9
    if k == 0: return str(r.randint(-10**6, 10**6))
    if k == 1: return "%.3f" % r.uniform(-1e4, 1e4)
    if k == 2: return r.choice(["", "NULL", "n/a", "-"])
    if k == 3: return r.choice(["true", "no", "Y", "FALSE"])
    if k == 4: return '"%s, %d\nsecond line"' % (r.choice(["Zürich", "naïve", "x"]), i)
    if k == 5: return "%02d/%02d/%d" % (r.randint(1, 28), r.randint(1, 12), r.randint(1990, 2030))
    if k == 6: return "note from %d-%02d-%02d about %d" % (r.randint(1990, 2024), r.randint(1, 12), r.randint(1, 28), i)
    if k == 7: return "C%07d" % r.randint(0, 10**6)
    return "w" * r.randint(0, 40)
head = ["id", "updated_at", "modified", "created"] + ["c%d" % j for j in range(26)]
rows = [",".join(head)]
# Equal newest dates in two fields: the first one seen (modified, row 1)
# must win over updated_at's (row 2), which a field-by-field scan would see
# first.
rows.append("0,2019-01-01,2030-05-05,2001-01-01" + ",x" * 26)
rows.append("1,2030-05-05,2018-01-01,2001-01-01" + ",x" * 26)
for i in range(2, 12000):
    vals = [str(i), "2020-%02d-%02d" % (r.randint(1, 12), r.randint(1, 28)),
            "%d" % r.randint(10**9, 2 * 10**9), "2024-%02d-01T10:00:00Z" % r.randint(1, 12)]
    vals += [cell(i, j) for j in range(26)]
    if i % 2500 == 7:     # a value too big for a batch
        vals[10] = "big " + "z" * 40000
    if i % 997 == 3:      # a value that fills a batch by bytes
        vals[12] = "y" * 30000
    if i % 1500 == 11:    # a row with more cells: fields added late
        vals += ["extra%d" % i, "2031-01-01"]
    rows.append(",".join(vals))
data = "\n".join(rows) + "\n"
open(d + "/tree/wide.csv", "w").write(data)
open(d + "/tree/wide.tsv", "w").write(data.replace(",", "\t"))
open(d + "/tree/small.csv", "w").write("a,b\n1,2\n")
PY
for f in wide.csv wide.tsv small.csv; do
    "$GS_BIN" inspect --json --as-of 2030-12-31 "$D/tree/$f" >"$TMP/a" 2>&1
    "$GS_BIN_NOBATCH" inspect --json --as-of 2030-12-31 "$D/tree/$f" >"$TMP/b" 2>&1
    check "inspect $f: as without batches" cmp -s "$TMP/a" "$TMP/b"
done
"$GS_BIN" inspect --json --as-of 2030-12-31 "$D/tree/wide.csv" >"$TMP/a"
check "the first of equal newest dates wins" \
    grep -q '"newest_content_date_source":"meta modified line 2"' "$TMP/a"
for j in 1 2; do
    for split in "" "--split-size 1M"; do
        # shellcheck disable=SC2086
        "$GS_BIN" profile -q -j$j $split --as-of 2030-12-31 -o "$TMP/a.json" "$D/tree"
        # shellcheck disable=SC2086
        "$GS_BIN_NOBATCH" profile -q -j$j $split --as-of 2030-12-31 -o "$TMP/b.json" "$D/tree"
        check "profile -j$j ${split:-unsplit}: as without batches" cmp -s "$TMP/a.json" "$TMP/b.json"
    done
done
# The field thread forced on for every CSV/TSV file (it is for big ones).
mkdir -p "$D/gz"
gzip -c "$D/tree/wide.csv" >"$D/gz/wide.csv.gz"
gzip -c "$D/tree/wide.tsv" >"$D/gz/wide.tsv.gz"
for t in tree gz; do
    GAPSCAN_FIELD_THREAD_AFTER=0 "$GS_BIN" profile -q -j2 --as-of 2030-12-31 \
        -o "$TMP/a.json" "$D/$t" 2>"$TMP/err"
    "$GS_BIN_NOBATCH" profile -q -j1 --as-of 2030-12-31 -o "$TMP/b.json" "$D/$t"
    check "profile $t with the field thread: as without batches" \
        cmp -s "$TMP/a.json" "$TMP/b.json"
    check "profile $t: the field thread took part in wide.csv" \
        grep -q "wide.csv.*field thread shared [1-9]" "$TMP/err"
done
# Fields whose work is lopsided: the first four hold long text, the rest
# small numbers, so the side that starts with them falls behind and the
# other steals its fields (which ones, and how many, depends on timing: the
# line saying so is only logged; the profile must not depend on it).
python3 - "$D/lopsided.csv" <<'PY'
import random, sys
r = random.Random(4)
with open(sys.argv[1], "w") as f:
    f.write(",".join("c%d" % i for i in range(10)) + "\n")
    for i in range(12000):
        long = ["".join(r.choice("abcdefghij 0123456789") for _ in range(120))
                for _ in range(4)]
        f.write(",".join(long + [str(r.randint(0, 99)) for _ in range(6)]) + "\n")
PY
GAPSCAN_FIELD_THREAD_AFTER=0 "$GS_BIN" profile -q -j2 --as-of 2030-12-31 \
    -o "$TMP/a.json" "$D/lopsided.csv" 2>"$TMP/err"
"$GS_BIN_NOBATCH" profile -q -j1 --as-of 2030-12-31 -o "$TMP/b.json" "$D/lopsided.csv"
sed 's/^/# /' "$TMP/err"
check "lopsided fields with the field thread: as without batches" \
    cmp -s "$TMP/a.json" "$TMP/b.json"
# By default a CSV file of up to 64 MiB (GS_SCAN_WHOLE_CSV_MAX) is not cut
# into ranges but scanned whole, and one of 8 MiB or more with the field
# thread: at -j2 it gets the -j1 whole-file profile.
python3 - "$D/big.csv" <<'PY'
import random, sys
r = random.Random(9)
with open(sys.argv[1], "w") as f:
    f.write("id,when,price,label,flag\n")
    for i in range(260000):
        f.write('%d,2021-%02d-%02d,%.2f,"l %d, x",%s\n' % (
            i, r.randint(1, 12), r.randint(1, 28), r.uniform(0, 1e4),
            r.randint(0, 999), r.choice(["true", "no", ""])))
PY
GAPSCAN_FIELD_THREAD_AFTER=8M "$GS_BIN" profile -q -j2 --as-of 2030-12-31 \
    -o "$TMP/a.json" "$D/big.csv" 2>"$TMP/err"
"$GS_BIN" profile -q -j1 --split-size 1G --as-of 2030-12-31 -o "$TMP/b.json" "$D/big.csv"
check "the big CSV is over 8 MiB (eight 4 MiB ranges once)" \
    test "$(wc -c <"$D/big.csv")" -gt $((8 * 1048576))
check "the big CSV at -j2: whole, as at -j1" \
    cmp -s "$TMP/a.json" "$TMP/b.json"
check "... with the field thread" grep -q "field thread shared [1-9]" "$TMP/err"
finish

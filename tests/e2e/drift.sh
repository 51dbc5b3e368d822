# drift.sh - distribution drift end to end: a numeric shift, a categorical
# shift and a missingness change are found on the right fields, and a
# control pair drawn from one distribution gives no drift finding.
. "$(dirname "$0")/lib.sh"

make_side() {  # make_side DIR ROWS SEED SHIFT NULLSHARE MIX
    mkdir -p "$1"
    python3 - "$@" <<'PY'
import random, sys
d, rows, seed, shift, nulls, mix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
rng = random.Random(seed)
with open(f"{d}/orders.csv", "w") as f:
    f.write("order_id,amount,channel,coupon\n")
    for i in range(rows):
        amount = round(rng.gauss(50 + shift, 10), 2)
        channel = "web" if rng.random() < mix else rng.choice(["phone", "store"])
        coupon = "" if rng.random() < nulls else rng.choice(["A10", "B20", "C30"])
        f.write(f"{i},{amount},{channel},{coupon}\n")
PY
}
make_side "$TMP/sb" 400 1 0 0.05 0.5
make_side "$TMP/pr" 4000 2 25 0.40 0.9
make_side "$TMP/same" 4000 3 0 0.05 0.5

"$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/r" "$TMP/sb" "$TMP/pr" >/dev/null 2>&1
has() {  # has CHECK SCOPE
    python3 -c "
import json, sys
r = json.load(open('$TMP/r/report.json'))
sys.exit(0 if any(f['check'] == '$1' and f['scope'] == '$2' for f in r['findings']) else 1)"
}
check "a shifted amount is numeric drift" has drift.numeric "field orders:amount"
check "a new channel mix is categorical drift" has drift.categorical "field orders:channel"
check "more empty coupons is missingness drift" has drift.missingness "field orders:coupon"
check "the order id (a key) is not tested" python3 -c "
import json
r = json.load(open('$TMP/r/report.json'))
row = [d for d in r['drift'] if d['path'] == 'order_id'][0]
assert row['kind'] == 'untested' and not row['drifted']"

"$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/c" "$TMP/sb" "$TMP/same" >/dev/null 2>&1
check "a control pair from one distribution has no drift finding" python3 -c "
import json
r = json.load(open('$TMP/c/report.json'))
bad = [f['scope'] for f in r['findings'] if f['check'].startswith('drift.')]
assert not bad, bad
assert sum(d['kind'] != 'untested' for d in r['drift']) == 3"
finish

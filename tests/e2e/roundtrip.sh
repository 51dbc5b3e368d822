# roundtrip.sh - profile, merge and compare give what audit gives.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"
P="$GS_SRCDIR/samples/production"

expect_exit "profile the sandbox" 0 "$GS_BIN" profile -q -o "$TMP/sb.json" "$S"
expect_exit "profile production" 0 "$GS_BIN" profile -q -o "$TMP/pr.json" "$P"
expect_exit "profile both at once" 0 "$GS_BIN" profile -q -o "$TMP/both.json" "$S" "$P"
check "profile has its format tag" grep -q '"format": "gapscan-profile"' "$TMP/sb.json"
expect_exit "merge the two" 0 "$GS_BIN" merge -o "$TMP/merged.json" "$TMP/sb.json" "$TMP/pr.json"
# Counts must match exactly, floating-point moments to 1e-9; top values are a SpaceSaving sketch whose
# merge is not associative once full, so its counts only match within the
# sketch's error bounds (checked: the true count lies in [count-error,count]).
same_exact() {
    python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def tops(p, key="top"):
    return {(f["collection"], f["path"]): f.pop(key) for f in p["fields"]}
ta, tb = tops(a), tops(b)
# Top shapes are SpaceSaving too; a shape's example is the first one seen
# while the shape was tracked, so it may differ too.
sa, sb = tops(a, "shapes"), tops(b, "shapes")
for s in (sa, sb):
    for items in s.values():
        for i in items:
            i["hash"] = i["shape"]
ta.update({k + ("shapes",): v for k, v in sa.items()})
tb.update({k + ("shapes",): v for k, v in sb.items()})
# Quantile sketches (KLL) depend on merge order: compare their ranks.
def klls(p, key="num_kll"):
    return {(f["collection"], f["path"], key): f.pop(key) for f in p["fields"]
            if key in f}
def kll_items(text):
    import struct
    parts = text.split(":")
    n, nlevels = int(parts[2]), int(parts[6])
    items = sorted((struct.unpack(">d", bytes.fromhex(lv[i:i + 16]))[0], 1 << h)
                   for h, lv in enumerate(parts[7:7 + nlevels])
                   for i in range(0, len(lv), 16))
    assert sum(w for _, w in items) == n
    return n, items
def rank(n, items, x):
    return sum(w for v, w in items if v <= x) / n
ka, kb = klls(a), klls(b)
ka.update(klls(a, "len_kll"))
kb.update(klls(b, "len_kll"))
assert ka.keys() == kb.keys(), "fields with quantiles differ"
for key in ka:
    (na, ia), (nb, ib) = kll_items(ka[key]), kll_items(kb[key])
    assert na == nb, (key, na, nb)
    for v, _ in ia[:: max(1, len(ia) // 20)]:
        # k = 200 for numbers, 64 for lengths (rank error ~1.4% and ~3.9%)
        tol = 0.03 if key[2] == "num_kll" else 0.08
        assert abs(rank(na, ia, v) - rank(nb, ib, v)) <= tol, (key, v)
# Floating-point sums depend on merge order in their last bits.
def close(x, y):
    if isinstance(x, float) or isinstance(y, float):
        return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(close(x[k], y[k]) for k in x)
    if isinstance(x, list):
        return len(x) == len(y) and all(map(close, x, y))
    return x == y
assert close(a, b), "exact parts differ"
for key in ta:
    ia = {i["hash"]: i for i in ta[key]}
    for i in tb[key]:
        j = ia.get(i["hash"])
        if j:  # both kept it: their bounds must overlap
            assert j["count"] - j["error"] <= i["count"] and \
                   i["count"] - i["error"] <= j["count"], (key, i, j)
PY
}
check "merge(profile A, profile B) == profile(A, B), sketches within error" \
    same_exact "$TMP/merged.json" "$TMP/both.json"
expect_exit "merge of one profile is that profile" 0 "$GS_BIN" merge -o "$TMP/one.json" "$TMP/sb.json"
check "merge of one is identical" cmp -s "$TMP/one.json" "$TMP/sb.json"

expect_exit "compare saved profiles" 1 "$GS_BIN" compare --as-of 2026-11-27 -q \
    -o "$TMP/cmp" "$TMP/sb.json" "$TMP/pr.json"
expect_exit "audit directly" 1 "$GS_BIN" audit --as-of 2026-11-27 -q \
    -o "$TMP/aud" "$S" "$P"
# The command and inputs name profiles in one and roots in the other.
check "compare findings == audit findings" cmp -s \
    <(sed '/"command"/d; /"inputs"/,/}/d' "$TMP/cmp/report.json") \
    <(sed '/"command"/d; /"inputs"/,/}/d' "$TMP/aud/report.json")

printf 'garbage' > "$TMP/bad.json"
expect_exit "merge refuses a file that is not a profile" 2 "$GS_BIN" merge -o "$TMP/x.json" "$TMP/bad.json"
check "and says which file" grep -q "bad.json" "$TMP/err"
expect_exit "compare of a missing profile is a runtime error" 3 "$GS_BIN" compare "$TMP/none.json" "$TMP/sb.json"
finish

# roundtrip.sh - profile, merge and compare give what audit gives.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"
P="$GS_SRCDIR/samples/production"

expect_exit "profile the sandbox" 0 "$GS_BIN" profile -q -o "$TMP/sb.json" "$S"
expect_exit "profile production" 0 "$GS_BIN" profile -q -o "$TMP/pr.json" "$P"
expect_exit "profile both at once" 0 "$GS_BIN" profile -q -o "$TMP/both.json" "$S" "$P"
check "profile has its format tag" grep -q '"format": "gapscan-profile"' "$TMP/sb.json"
expect_exit "merge the two" 0 "$GS_BIN" merge -o "$TMP/merged.json" "$TMP/sb.json" "$TMP/pr.json"
# Counts must match exactly, moments to 1e-9, sketches (top values and
# shapes, quantiles) within their error: tests/tools/profiles_agree.py.
same_exact() {
    python3 "$GS_SRCDIR/tests/tools/profiles_agree.py" "$1" "$2"
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

# policy.sh - the readiness policy end to end: show/check, waivers that turn
# "not ready" into "ready", expired waivers, required checklist gates,
# thresholds, a pinned as_of, and file:line:col errors.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"
P="$GS_SRCDIR/samples/production"

expect_exit "policy show prints the built-in policy" 0 "$GS_BIN" policy show
cp "$TMP/out" "$TMP/builtin.yaml"
check "the built-in policy is the repository's file" \
    cmp -s "$TMP/builtin.yaml" "$GS_SRCDIR/rules/default-policy.yaml"
expect_exit "policy check accepts the built-in policy" 0 "$GS_BIN" policy check "$TMP/builtin.yaml"
check "policy check prints the SHA-256" grep -q "sha256 [0-9a-f]\{64\}" "$TMP/out"
printf 'version: 1\nchecks:\n  - id: schema.field_missing\n    severity: sometimes\n' >"$TMP/bad.yaml"
expect_exit "policy check refuses a bad severity" 2 "$GS_BIN" policy check "$TMP/bad.yaml"
check "the error is file:line:col" grep -q "bad.yaml:4:15: severity must be" "$TMP/err"
expect_exit "audit refuses a bad policy before scanning" 2 \
    "$GS_BIN" audit -q --policy "$TMP/bad.yaml" -o "$TMP/r0" "$S" "$P"
check "and writes no report" test ! -e "$TMP/r0/report.json"
expect_exit "a missing policy file is a policy error" 2 \
    "$GS_BIN" audit -q --policy "$TMP/none.yaml" -o "$TMP/r0" "$S" "$P"

expect_exit "the samples are not ready under the built-in policy" 1 \
    "$GS_BIN" audit -q --as-of 2026-11-27 -o "$TMP/r1" "$S" "$P"

# Waive every failing finding (check + exact scope) until 2099: ready.
waive() {  # waive EXPIRES > policy
    cat "$TMP/builtin.yaml"
    echo "waivers:"
    python3 - "$TMP/r1/report.json" "$1" <<'PY'
import json, sys
report, expires = sys.argv[1:3]
for f in json.load(open(report))["findings"]:
    if f["severity"] == "fail":
        print(f"  - check: {f['check']}\n    scope: '{f['scope']}'\n"
              f"    owner: data-governance@example.com\n"
              f"    reason: accepted for the pilot launch\n    expires: {expires}")
PY
}
waive 2099-12-31 >"$TMP/waive.yaml"
expect_exit "the waiving policy is valid" 0 "$GS_BIN" policy check "$TMP/waive.yaml"
expect_exit "with every failure waived the samples are ready" 0 \
    "$GS_BIN" audit -q --as-of 2026-11-27 --policy "$TMP/waive.yaml" -o "$TMP/r2" "$S" "$P"
check "report.json says ready" grep -q '"verdict": "ready"' "$TMP/r2/report.json"
check "the findings are marked waived" grep -q '"waived": true' "$TMP/r2/report.json"
check "report.md lists the waivers" grep -q "^## Waivers" "$TMP/r2/report.md"
check "report.md names the policy file and its SHA-256" \
    grep -q "waive.yaml (SHA-256 \`[0-9a-f]\{64\}\`)" "$TMP/r2/report.md"

waive 2026-01-31 >"$TMP/expired.yaml"
expect_exit "expired waivers fail the audit" 1 \
    "$GS_BIN" audit -q --as-of 2026-11-27 --policy "$TMP/expired.yaml" -o "$TMP/r3" "$S" "$P"
check "an expired waiver is a failing finding that explains itself" \
    grep -q "expired on 2026-01-31" "$TMP/r3/report.json"
expect_exit "the same waivers hold when judged before their expiry" 0 \
    "$GS_BIN" audit -q --as-of 2026-01-15 --policy "$TMP/expired.yaml" -o "$TMP/r4" "$S" "$P"

# A required gate that is pending keeps the verdict "not ready".
gate() {  # gate STATUS > policy
    printf 'version: 1\nchecks:\n  - id: "*"\n    severity: warn\nchecklist:\n'
    printf '  - id: security_review\n    title: Security review\n'
    printf '    owner: sec@example.com\n    status: %s\n    required: true\n' "$1"
    printf '    evidence: https://tickets.example.com/SEC-1\n'
}
gate pending >"$TMP/gate-pending.yaml"
gate done >"$TMP/gate-done.yaml"
expect_exit "a pending required gate is not ready" 1 \
    "$GS_BIN" audit -q --policy "$TMP/gate-pending.yaml" -o "$TMP/r5" "$S" "$S"
check "the packet lists the gate as pending" grep -q "| Security review | yes | pending |" "$TMP/r5/report.md"
expect_exit "the gate done is ready" 0 \
    "$GS_BIN" audit -q --policy "$TMP/gate-done.yaml" -o "$TMP/r6" "$S" "$S"

# A threshold downgrades findings at or below it; as_of can be pinned.
printf 'version: 1\nas_of: 2026-03-01\nchecks:\n  - id: "format.*"\n    severity: fail\n    threshold: 100000\n  - id: "*"\n    severity: info\n' >"$TMP/lenient.yaml"
expect_exit "a lenient policy makes the samples ready" 0 \
    "$GS_BIN" audit -q --policy "$TMP/lenient.yaml" -o "$TMP/r7" "$S" "$P"
check "the pinned as_of is used" grep -q '"as_of": "2026-03-01"' "$TMP/r7/report.json"
expect_exit "--as-of wins over the pinned date" 0 \
    "$GS_BIN" audit -q --as-of 2026-04-01 --policy "$TMP/lenient.yaml" -o "$TMP/r8" "$S" "$P"
check "the command line's as-of is used" grep -q '"as_of": "2026-04-01"' "$TMP/r8/report.json"
check "thresholds are reported with the finding" grep -q '"threshold": 100000' "$TMP/r8/report.json"
finish

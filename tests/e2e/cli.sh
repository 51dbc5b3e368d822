# cli.sh - the command line: help, version, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

expect_exit "--version exits 0" 0 "$GS_BIN" --version
check "--version names the version" grep -q '^gapscan [0-9]' "$TMP/out"
expect_exit "--help exits 0" 0 "$GS_BIN" --help
for cmd in audit profile merge compare inspect schema; do
    expect_exit "$cmd --help exits 0" 0 "$GS_BIN" "$cmd" --help
    check "$cmd --help shows its usage" grep -q "usage: gapscan $cmd" "$TMP/out"
done
expect_exit "no command is a usage error" 2 "$GS_BIN"
expect_exit "unknown command is a usage error" 2 "$GS_BIN" frobnicate
check "unknown command is named" grep -q "unknown command 'frobnicate'" "$TMP/err"
expect_exit "audit with one path is a usage error" 2 "$GS_BIN" audit a
expect_exit "bad --as-of is a usage error" 2 "$GS_BIN" audit --as-of 2026-02-30 a b
check "bad --as-of says what it wants" grep -q "YYYY-MM-DD" "$TMP/err"
expect_exit "bad -j is a usage error" 2 "$GS_BIN" audit -j zero a b
expect_exit "unknown option is a usage error" 2 "$GS_BIN" audit --frob a b
expect_exit "profile without -o is a usage error" 2 "$GS_BIN" profile "$GS_SRCDIR/samples/sandbox"
expect_exit "help audit exits 0" 0 "$GS_BIN" help audit
expect_exit "an unknown --limit is a usage error" 2 "$GS_BIN" inspect --limit max_frob=1 x
check "an unknown --limit is named" grep -q "unknown limit 'max_frob'" "$TMP/err"
expect_exit "a --limit out of range is a usage error" 2 "$GS_BIN" inspect --limit hll_lg_k=30 x
expect_exit "a --limit without a number is a usage error" 2 "$GS_BIN" inspect --limit max_depth=2K9 x
printf '{"a":{"b":{"c":1}}}\n' >"$TMP/deep.jsonl"
expect_exit "--limit max_depth=2 is obeyed" 0 "$GS_BIN" inspect --json --limit max_depth=2 "$TMP/deep.jsonl"
check "the lowered depth limit is hit" grep -q 'too_deep' "$TMP/out"
expect_exit "--limit max_depth=1K is accepted" 0 "$GS_BIN" inspect --json --limit max_depth=1K "$TMP/deep.jsonl"
check "the raised depth limit is not hit" sh -c "! grep -q too_deep '$TMP/out'"
printf '<catalog><book id="1"><t>a</t></book><book id="2"><t>b</t></book></catalog>\n' >"$TMP/c.xml"
expect_exit "an XML file's records are found" 0 "$GS_BIN" inspect --json "$TMP/c.xml"
check "the repeated element is the record" grep -q '"xml.record_path":"/catalog/book"' "$TMP/out"
check "two records" grep -q '"records":2' "$TMP/out"
expect_exit "--xml-record overrides it" 0 "$GS_BIN" inspect --json --xml-record /catalog "$TMP/c.xml"
check "the named element is the record" grep -q '"xml.record_path":"/catalog"' "$TMP/out"
expect_exit "--xml-record wants a path" 2 "$GS_BIN" inspect --xml-record catalog "$TMP/c.xml"
# An output that is not a regular file (a FIFO here; /dev/null alike) is
# written into, never replaced by a renamed temporary file.
mkfifo "$TMP/fifo"
timeout 10 cat "$TMP/fifo" >"$TMP/fifo.out" &
expect_exit "profile -o FIFO exits 0" 0 "$GS_BIN" profile -q -j1 -o "$TMP/fifo" "$GS_SRCDIR/samples/sandbox/kb"
wait
check "the FIFO is still a FIFO" test -p "$TMP/fifo"
check "the profile went through it" grep -q '"gapscan-profile"' "$TMP/fifo.out"
# New outputs get 0666 less the umask, as any tool's would (not mkstemp's 0600).
(umask 027 && "$GS_BIN" profile -q -j1 -o "$TMP/mode.json" "$GS_SRCDIR/samples/sandbox/kb" &&
  "$GS_BIN" audit -q -j1 -o "$TMP/mode-rep" --as-of 2026-11-27 "$GS_SRCDIR/samples/sandbox/kb" "$GS_SRCDIR/samples/sandbox/kb") >/dev/null 2>&1
check "a profile is made with the umask's mode" test "$(stat -c %a "$TMP/mode.json")" = 640
check "a report is made with the umask's mode" test "$(stat -c %a "$TMP/mode-rep/report.md")" = 640
finish

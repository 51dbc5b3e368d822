# hostile.sh - hostile file contents through the whole pipeline: `gapscan
# inspect` on each file and one `gapscan audit` over all of them. Every
# case gives a finding with its location, the scan goes on to the next
# file, and time and memory stay bounded (tests/hostile/bounded.py).
#   XML: external entities (a local file, a URL, a parameter entity), an
#        external DTD subset, billion laughs, quadratic blowup, 100,000
#        levels of nesting. Nothing external is read or fetched: the local
#        file's content appears in no output, and a listening local socket
#        receives no connection.
#   JSON: 1,000,000 levels of nesting, a 5 MiB number, a 20 MiB string.
#   CSV: a 200 MiB field, a 100 MiB line without a newline, an
#        unterminated quote, 10,000 columns (the limit) and 10,001.
#   gzip: a bomb past the ratio limit, a truncated member, concatenated
#        members, a .gz that is plain text, a binary file named .csv.
#   text: NUL bytes, invalid and overlong UTF-8, UTF-16 without a BOM, a
#        BOM mid-file, bidi controls, zero-width characters.
# The inputs are generated into $TMP by tests/hostile/gen.py.
. "$(dirname "$0")/lib.sh"
H="$GS_SRCDIR/tests/hostile"
PY=python3

# Memory bounds: for one file, a few times what a clean run needs and far
# below what buffering any of these inputs would take (200 MiB field, 64 MiB
# bomb); for a whole audit more, since each of the -j 2 workers keeps a
# partial profile, and 10,000 columns fill max_paths fields in each.
# AddressSanitizer's shadow memory needs more.
MEM=256 MEM_AUDIT=512
ldd "$GS_BIN" 2>/dev/null | grep -q libasan && MEM=768 MEM_AUDIT=1536

pycheck() {  # pycheck NAME COMMAND...: count the ok/not ok lines it prints
    local name=$1; shift
    "$@" >"$TMP/pyout" 2>&1
    local rc=$?
    grep -E '^(not )?ok - ' "$TMP/pyout"
    passes=$((passes + $(grep -c '^ok - ' "$TMP/pyout")))
    fails=$((fails + $(grep -c '^not ok - ' "$TMP/pyout")))
    if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$TMP/pyout"; then
        not_ok "$name (exit $rc)"; sed 's/^/#   /' "$TMP/pyout"
    fi
}

# A socket that must never be contacted, and a file that must never be read.
"$PY" "$H/listener.py" "$TMP/port" "$TMP/connections" 170 &
listener=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
secret="gapscan-secret-$$-$RANDOM"
echo "$secret" > "$TMP/secret.txt"

P="$TMP/production"
: > "$TMP/manifest"
for kind in xml json csv gzip text; do
    "$PY" "$H/gen.py" "$kind" "$P/$kind" "$TMP/secret.txt $(cat "$TMP/port")" \
        > "$TMP/manifest.$kind"
    cat "$TMP/manifest.$kind" >> "$TMP/manifest"
done
nfiles=$(wc -l < "$TMP/manifest")
ok "generated $nfiles hostile files ($(du -sm "$P" | cut -f1) MiB)"

mkdir -p "$TMP/sandbox"
printf 'id,name\n1,alpha\n2,beta\n' > "$TMP/sandbox/tables.csv"
printf '<r><item><a>b</a></item><item><a>c</a></item></r>\n' > "$TMP/sandbox/feed.xml"

# inspect, one file at a time: each bounded, each prints one JSON line.
: > "$TMP/inspect.jsonl"
while IFS=$'\t' read -r name code; do
    f=$(find "$P" -name "$name" -print -quit)
    "$PY" "$H/bounded.py" 60 "$MEM" "$GS_BIN" inspect --json --as-of 2026-01-01 \
        "$f" >"$TMP/one.json" 2>"$TMP/one.err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ "$(wc -l < "$TMP/one.json")" -eq 1 ]; then
        cat "$TMP/one.json" >> "$TMP/inspect.jsonl"
        ok "inspect $name: $(tail -1 "$TMP/one.err")"
    else
        not_ok "inspect $name (exit $rc)"; sed 's/^/#   /' "$TMP/one.err"
    fi
done < "$TMP/manifest"

# The audit over all of them at once.
"$PY" "$H/bounded.py" 120 "$MEM_AUDIT" "$GS_BIN" audit -q -j 2 --as-of 2026-01-01 \
    -o "$TMP/r" "$TMP/sandbox" "$P" >"$TMP/audit.out" 2>"$TMP/audit.err"
rc=$?
check "audit over every hostile file ends not ready, in bounds: $(tail -1 "$TMP/audit.err")" \
    test "$rc" -eq 1
check "the audit read every file (the scan went on past each)" \
    "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))
n=r["sides"]["production"]["files"]; print("# production files:", n)
sys.exit(n != int(sys.argv[2]))' "$TMP/r/report.json" "$nfiles"

pycheck "expected findings" "$PY" "$H/expect.py" "$TMP/manifest" \
    "$TMP/inspect.jsonl" "$TMP/r/report.json"

# Specific outcomes beyond "a defect was raised".
field() {  # field NAME EXPR: evaluate EXPR on the inspect object of NAME
    "$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    o=json.loads(l)
    if o["path"].endswith("/"+sys.argv[2]): print(eval(sys.argv[3])); break' \
        "$TMP/inspect.jsonl" "$1" "$2"
}
check "concatenated gzip members are all read (200 records)" \
    test "$(field concatenated.csv.gz 'o["records"]')" = 200
check "a .gz that is plain text is read as plain text" \
    test "$(field plain_text.csv.gz 'o["compression"], o["records"]')" = "(None, 100)"
check "10,000 columns (the limit) are read without a defect" \
    test "$(field cols_10000.csv 'o["fields"], len(o["defects"])')" = "(10000, 0)"
check "UTF-16LE without a BOM is detected and read" \
    test "$(field utf16le_nobom.txt 'o["encoding"], o["invalid_utf8"]')" = "('UTF-16LE', 0)"
check "UTF-16BE without a BOM is detected and its 3 records read" \
    test "$(field utf16be_nobom.csv 'o["encoding"], o["records"]')" = "('UTF-16BE', 3)"
check "overlong UTF-8 (C0 AF) is invalid, located on line 3" \
    test "$(field invalid_utf8.txt '[d["line"] for d in o["defects"] if "0xC0" in d["detail"]]')" = "[3]"
check "the JSON Lines file goes on after its too-deep line" \
    test "$(field deep_line.jsonl 'o["records"] >= 2')" = True
check "a 200 MiB field does not stop the file's header from being profiled" \
    test "$(field field_200mb.csv 'o["fields"]')" = 3

# Nothing external was read or contacted.
check "the local file's content is in no report and no inspect output" \
    bash -c '! grep -r -F -q "$1" "$2/r" "$2/inspect.jsonl" "$2/audit.out"' _ "$secret" "$TMP"
check "the listening socket received no connection" test ! -s "$TMP/connections"
check "the refused URL is named in the finding, not fetched" \
    grep -q "127.0.0.1:$(cat "$TMP/port")/entity" "$TMP/inspect.jsonl"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
finish

# bad_input.sh - bad input gets a clear one-line error or a finding, never
# a crash: a missing path, an empty directory, an unreadable directory, a
# binary file named .csv, a truncated .gz, a FIFO.
. "$(dirname "$0")/lib.sh"
S="$GS_SRCDIR/samples/sandbox"

expect_exit "missing production root is a runtime error" 3 \
    "$GS_BIN" audit -q -o "$TMP/r" "$S" "$TMP/does-not-exist"
check "the error names the path" grep -q "does-not-exist: No such file or directory" "$TMP/err"
check "the error is one line" test "$(wc -l < "$TMP/err")" -eq 1

mkdir "$TMP/empty"
expect_exit "empty production is not ready" 1 "$GS_BIN" audit -q -o "$TMP/r" "$S" "$TMP/empty"
check "empty production is a finding" grep -q '"check": "corpus.empty"' "$TMP/r/report.json"

mkdir -p "$TMP/mixed/sub"
cp "$S/tickets.csv" "$TMP/mixed/"
head -c 4096 /dev/urandom > "$TMP/mixed/photo.csv"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >> "$TMP/mixed/photo.csv"
gzip -c "$S/tickets.csv" | head -c 3000 > "$TMP/mixed/cut.csv.gz"
: > "$TMP/mixed/zero.csv"
mkfifo "$TMP/mixed/pipe.csv"
expect_exit "a tree with broken files is audited" 1 \
    timeout 60 "$GS_BIN" audit -q -o "$TMP/r2" "$S" "$TMP/mixed"
check "binary .csv is a finding" grep -q '"check": "file.binary"' "$TMP/r2/report.json"
check "truncated gzip is a finding" grep -q '"check": "gzip.truncated"' "$TMP/r2/report.json"
check "the FIFO is skipped and reported" grep -q 'pipe.csv' "$TMP/r2/report.json"
expect_exit "inspect the broken files" 0 timeout 60 "$GS_BIN" inspect --json \
    "$TMP/mixed/photo.csv" "$TMP/mixed/cut.csv.gz" "$TMP/mixed/zero.csv"
check "inspect prints one JSON line per file" test "$(wc -l < "$TMP/out")" -eq 3
check "inspect calls the binary file binary" grep -q '"format":"binary"' "$TMP/out"

# Unreadable directory: root ignores permissions, so test as nobody.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$TMP"
    mkdir -p "$TMP/locked/inner"
    cp "$S/tickets.csv" "$TMP/locked/inner/"
    cp "$S/tickets.csv" "$TMP/locked/"
    chmod 000 "$TMP/locked/inner"
    chmod -R a+rX "$TMP/mixed" 2>/dev/null
    mkdir -m 777 "$TMP/nobody-out"
    expect_exit "an unreadable subdirectory is a finding, not an error" 1 \
        setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$GS_BIN" audit -q -o "$TMP/nobody-out/r" "$S" "$TMP/locked"
    check "the unreadable directory is reported" grep -q 'walk.unreadable' \
        "$TMP/nobody-out/r/report.json"
    chmod 000 "$TMP/locked"
    expect_exit "an unreadable root is a runtime error" 3 \
        setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$GS_BIN" audit -q -o "$TMP/nobody-out/r" "$S" "$TMP/locked"
    check "and says Permission denied" grep -q "Permission denied" "$TMP/err"
    chmod 755 "$TMP/locked" "$TMP/locked/inner"
else
    echo "ok - unreadable-directory tests skipped: need root and setpriv # SKIP"
fi
finish

# guarantees.sh - the promises about what gapscan does not do, each tested:
#   read-only: every input's size, content hash and mtime are the same after
#     an audit, and no file appears in the input tree; atime is not updated
#     (files and directories, O_NOATIME) on a strictatime tmpfs mounted in a
#     private mount namespace;
#   no network: the audit inside `unshare -n` (no interfaces) writes reports
#     byte-identical to a normal run; neither the binary nor libgapscan
#     imports a socket function or a libxml2 entry point that fetches by
#     URL or opens by file name (libxml2 itself links nanohttp/nanoftp,
#     whose socket imports are listed); strace, when present, sees no
#     socket(2) at all;
#   output safety: reports are renamed into place, so kill -9 at any point
#     leaves each report either the old one or the new one, whole; a symlink
#     planted at a report's name (or at profile -o) is replaced, and what it
#     pointed to is unchanged.
. "$(dirname "$0")/lib.sh"
H="$GS_SRCDIR/tests/hostile"
PY=python3
S="$GS_SRCDIR/samples/sandbox"

# ---- read-only -------------------------------------------------------------
IN="$TMP/in"
mkdir -p "$IN"
cp -r "$GS_SRCDIR/samples/production/." "$IN/"
"$PY" "$H/gen.py" text "$IN/text" >/dev/null
"$PY" "$H/gen.py" gzip "$IN/gzip" >/dev/null
mkfifo "$IN/pipe.csv"
ln -s ../customers "$IN/text/link"
"$PY" "$H/snapshot.py" "$IN" > "$TMP/before"
"$GS_BIN" audit -q --as-of 2026-01-01 -o "$TMP/r-ro" "$S" "$IN" >/dev/null 2>&1
check "an audit ran over the input tree" test -s "$TMP/r-ro/report.json"
"$GS_BIN" inspect --json "$IN" >/dev/null 2>&1
"$GS_BIN" profile -q -o "$TMP/p-ro.json" "$IN" >/dev/null 2>&1
"$PY" "$H/snapshot.py" "$IN" > "$TMP/after"
check "audit, inspect and profile change no input: size, hash, mtime, names ($(wc -l < "$TMP/before") entries)" \
    cmp -s "$TMP/before" "$TMP/after"
diff "$TMP/before" "$TMP/after" | head -5 | sed 's/^/#   /'

# atime, on a strictatime tmpfs in a private mount namespace (root only).
atime_test() {  # run inside the namespace: $1 = mount point
    local m=$1
    mount -t tmpfs -o strictatime,size=64m gapscan-atime "$m" || return 2
    mkdir -p "$m/in/sub" "$m/control"
    cp "$S"/*.csv "$m/in/sub/"
    gzip -c "$S/tickets.csv" > "$m/in/tickets-old.csv.gz"
    echo "read me" > "$m/control/file"
    find "$m/in" "$m/control" -exec touch -a -d '2001-01-01 00:00:00' {} +
    cat "$m/control/file" >/dev/null
    # the control proves this mount updates atime on a read
    [ "$(stat -c %X "$m/control/file")" -gt 1000000000 ] || return 3
    "$GS_BIN" audit -q --as-of 2026-01-01 -o "$m/out" "$S" "$m/in" >/dev/null
    "$GS_BIN" inspect --json "$m/in" >/dev/null
    find "$m/in" -printf '%A@ %p\n' | awk '$1 != "978307200.0000000000" {print "#   atime changed: " $2; bad=1} END {exit bad}'
}
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null &&
   unshare -m true 2>/dev/null; then
    mkdir "$TMP/mnt"
    export -f atime_test; export GS_BIN S
    TZ=UTC unshare -m bash -c 'atime_test "$1"' _ "$TMP/mnt"
    rc=$?
    case $rc in
    0) ok "atime of files and directories is not updated (strictatime tmpfs, control file updated)" ;;
    2) echo "ok - atime: cannot mount a tmpfs here # SKIP" ;;
    3) not_ok "atime: the control read did not update atime: the test cannot tell" ;;
    *) not_ok "atime of an input was updated by the audit" ;;
    esac
else
    echo "ok - atime: needs root and unshare -m to mount a strictatime tmpfs # SKIP"
fi

# ---- no network ------------------------------------------------------------
"$GS_BIN" audit -q --as-of 2026-01-01 -o "$TMP/r-net" "$S" "$IN" >/dev/null 2>&1
if unshare -n true 2>/dev/null; then
    unshare -n "$GS_BIN" audit -q --as-of 2026-01-01 -o "$TMP/r-nonet" "$S" "$IN" >/dev/null 2>&1
    check "inside unshare -n (no network interfaces) the audit runs" test -s "$TMP/r-nonet/report.json"
    for f in report.json report.md junit.xml; do
        check "$f is byte-identical with and without a network" cmp -s "$TMP/r-net/$f" "$TMP/r-nonet/$f"
    done
else
    echo "ok - unshare -n not permitted here # SKIP"
fi

NET='socket|connect|getaddrinfo|gethostbyname|gethostbyname_r|getnameinfo|bind|listen|accept|accept4|send|sendto|sendmsg|recv|recvfrom|recvmsg'
LIBGS=$(dirname "$GS_BIN")/libgapscan.so
for obj in "$GS_BIN" "$LIBGS"; do
    found=$(nm -D --undefined-only "$obj" | awk '{print $NF}' | sed 's/@.*//' | grep -w -E "^($NET)$" | tr '\n' ' ')
    check "$(basename "$obj") imports no socket function${found:+ (found: $found)}" test -z "$found"
    found=$(nm -D --undefined-only "$obj" | awk '{print $NF}' | sed 's/@.*//' |
            grep -E '^(xmlNano|xmlIOHTTP|xmlIOFTP|xmlReadFile|xmlCtxtReadFile|xmlParseFile|xmlSAXParseFile|htmlReadFile|htmlParseFile|htmlCtxtReadFile|xmlCreateURLParserCtxt|xmlCreateFileParserCtxt|xmlParserInputBufferCreateFilename|xmlLoadExternalEntity|xmlNewInputFromFile)' | tr '\n' ' ')
    check "$(basename "$obj") calls no libxml2 function that fetches a URL or opens a file${found:+ (found: $found)}" test -z "$found"
done
# Informational: which linked libraries import socket functions at all.
for lib in $(ldd "$GS_BIN" | awk '/=>/ {print $3}'); do
    s=$(nm -D --undefined-only "$lib" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' | grep -w -E "^($NET)$" | sort -u | tr '\n' ' ')
    [ -n "$s" ] && echo "# linked but never reached: $(basename "$lib") imports $s"
done
if command -v strace >/dev/null; then
    strace -f -qq -e trace=socket,connect -o "$TMP/strace" \
        "$GS_BIN" audit -q --as-of 2026-01-01 -o "$TMP/r-strace" "$S" "$IN" >/dev/null 2>&1
    check "strace: the audit makes no socket or connect call" \
        bash -c '! grep -q -E "socket\(|connect\(" "$1"' _ "$TMP/strace"
else
    echo "ok - strace not installed: syscall check skipped # SKIP"
fi

# ---- output safety ---------------------------------------------------------
# A symlink planted at each report's name must be replaced, not written
# through.
O="$TMP/out-links"
mkdir -p "$O"
for f in report.json report.md junit.xml; do
    echo "victim $f" > "$TMP/victim-$f"
    ln -s "$TMP/victim-$f" "$O/$f"
done
"$GS_BIN" audit -q --as-of 2026-01-01 -o "$O" "$S" "$S" >/dev/null 2>&1
for f in report.json report.md junit.xml; do
    check "planted symlink $f: the target is unchanged" \
        test "$(cat "$TMP/victim-$f")" = "victim $f"
    check "planted symlink $f: the report is now a regular file" \
        bash -c '[ -f "$1" ] && [ ! -L "$1" ]' _ "$O/$f"
done
echo "victim profile" > "$TMP/victim-profile"
ln -s "$TMP/victim-profile" "$TMP/profile.json"
"$GS_BIN" profile -q -o "$TMP/profile.json" "$S" >/dev/null 2>&1
check "profile -o through a planted symlink: the target is unchanged" \
    test "$(cat "$TMP/victim-profile")" = "victim profile"
check "profile -o: the profile is a regular file" \
    bash -c '[ -f "$1" ] && [ ! -L "$1" ]' _ "$TMP/profile.json"

# kill -9 while a large report is written: each report is the old one or the
# new one, whole. 30,000 collections make report.json some MiB.
mkdir -p "$TMP/many"
"$PY" "$H/gen.py" many_files "$TMP/many" 10000 >/dev/null
"$GS_BIN" profile -q -o "$TMP/p-many.json" "$TMP/many" 2>/dev/null
"$GS_BIN" profile -q -o "$TMP/p-sb.json" "$S" 2>/dev/null
K="$TMP/killed"
"$GS_BIN" compare -q --as-of 2026-01-01 -o "$TMP/new" "$TMP/p-sb.json" "$TMP/p-many.json" >/dev/null 2>&1
"$GS_BIN" compare -q --as-of 2026-01-01 -o "$K" "$TMP/p-sb.json" "$TMP/p-sb.json" >/dev/null 2>&1
cp -r "$K" "$TMP/old"
t0=$(date +%s%N)
"$GS_BIN" compare -q --as-of 2026-01-01 -o "$TMP/timed" "$TMP/p-sb.json" "$TMP/p-many.json" >/dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# a full compare with a $(du -k "$TMP/new/report.json" | cut -f1) KiB report.json takes ${ms} ms"
# Kills from half to one and a half times the measured run, so they
# straddle the writing at the end.
old=0 new=0 torn=0
for i in $(seq 0 7); do
    "$GS_BIN" compare -q --as-of 2026-01-01 -o "$K" "$TMP/p-sb.json" "$TMP/p-many.json" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$ms" -v i="$i" 'BEGIN {printf "%.3f", ms * (0.5 + i / 7) / 1000}')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    for f in report.json report.md junit.xml; do
        if cmp -s "$K/$f" "$TMP/old/$f"; then old=$((old + 1))
        elif cmp -s "$K/$f" "$TMP/new/$f"; then new=$((new + 1))
        else torn=$((torn + 1)); fi
    done
    find "$K" -name '.*.??????' -type f -delete  # a killed run's temporaries
    cp "$TMP/old/"* "$K/"   # the next kill starts from the old reports again
done
check "kill -9 at 8 points: every report whole, old ($old) or new ($new), none torn ($torn)" \
    test "$torn" -eq 0
check "the kills landed both before and after reports were replaced" \
    test "$old" -gt 0 -a "$new" -gt 0
finish

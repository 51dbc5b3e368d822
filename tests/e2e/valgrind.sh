# valgrind.sh - the end-to-end commands under valgrind memcheck: no memory
# error and no definite or indirect leak in audit, profile, merge, compare
# and inspect over the samples and the mixed corpus (every format, gzip,
# broken files). Not part of `meson test` (minutes, not seconds); .ci/run
# runs it:
#   bash tests/e2e/valgrind.sh        # uses build/gapscan
# valgrind exits 99 on any error, so the commands' own exit codes
# (1 = not ready) stay readable. Still-reachable blocks (ICU's and
# libxml2's process-wide caches) are not leaks and are not counted.
export GS_SRCDIR=${GS_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export GS_DATADIR=${GS_DATADIR:-$GS_SRCDIR/tests/data}
export GS_BIN=${GS_BIN:-$GS_SRCDIR/build/gapscan}
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
    echo "valgrind.sh: valgrind is not installed" >&2
    exit 1
fi
S=$GS_SRCDIR/samples
M="$TMP/mixed"
cp -r "$GS_DATADIR/mixed" "$M"
rm "$M/labels.tsv"
for f in "$M"/gz/*; do gzip -n "$f"; done
gzip -nc "$GS_DATADIR/mixed/tables/users.json" | head -c 60 >"$M/broken/cut.json.gz"

vg() {  # vg NAME WANT_EXIT... -- COMMAND...: memcheck-clean, exit in WANT
    local name=$1 want=() got; shift
    while [ "$1" != "--" ]; do want+=("$1"); shift; done
    shift
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --num-callers=30 \
        "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    for w in "${want[@]}"; do
        if [ "$got" -eq "$w" ]; then ok "$name"; return; fi
    done
    not_ok "$name (exit $got, want ${want[*]})"
    sed 's/^/#   /' "$TMP/err" | head -60
}

vg "audit of the samples" 0 1 -- "$GS_BIN" audit -j 2 "$S/sandbox" \
    "$S/production" -o "$TMP/report"
vg "profile of the sandbox" 0 -- "$GS_BIN" profile -j 1 "$S/sandbox" \
    -o "$TMP/sandbox.json"
vg "profile of the mixed corpus" 0 -- "$GS_BIN" profile -j 2 "$M" \
    -o "$TMP/mixed.json"
vg "merge of two profiles" 0 -- "$GS_BIN" merge "$TMP/sandbox.json" \
    "$TMP/mixed.json" -o "$TMP/merged.json"
vg "compare of saved profiles" 0 1 -- "$GS_BIN" compare "$TMP/sandbox.json" \
    "$TMP/merged.json" -o "$TMP/compare"
vg "inspect of the mixed corpus" 0 1 -- "$GS_BIN" inspect --json "$M"
vg "inspect of the broken samples" 0 1 -- "$GS_BIN" inspect \
    "$S/production/broken"
finish

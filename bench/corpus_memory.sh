#!/usr/bin/env bash
# corpus_memory.sh - peak RSS of a default `gapscan profile` on a corpus of
# N and of 10 x N copies of the bench corpus (issue: memory does not grow
# with corpus size; bar: under 10% more at 10 times the bytes).
#
#   bench/corpus_memory.sh [COPIES] [CORPUS_DIR] [BUILD_DIR]
#       defaults: 10, build-bench/corpus-100, build-release
#
# The copies are hard links (the walker reports a hard-linked file once
# per link), so 100 copies of the 120 MB corpus cost no disk space and are
# read from the page cache: what is measured is gapscan's memory, not the
# disk. Every copy has the same collections and field paths, as a nightly
# share's days would. Prints bytes, wall time and peak RSS of each run;
# figures are printed, never asserted. Takes about 30 s per 1.2 GB.
set -euo pipefail
copies=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$root/build-bench/corpus-100}
gapscan=$root/${3:-build-release}/gapscan
[ -d "$corpus" ] || { echo "corpus_memory: no corpus at $corpus (bench/run.sh makes it)" >&2; exit 2; }
[ -x "$gapscan" ] || { echo "corpus_memory: build first ($gapscan)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "corpus_memory: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/gs-corpus-memory.XXXXXX")
trap 'rm -rf "$dir"' EXIT

printf '%-8s %10s %9s %12s\n' copies MB wall_s peak_RSS_MB
for n in "$copies" $((copies * 10)); do
    rm -rf "$dir/tree"
    mkdir "$dir/tree"
    for i in $(seq -w 1 "$n"); do
        cp -al "$corpus" "$dir/tree/copy-$i"
    done
    mb=$(( $(du -sb -l "$dir/tree" | cut -f1) / 1000000 ))
    /usr/bin/time -v "$gapscan" profile -q -o "$dir/profile.json" "$dir/tree" \
        2>"$dir/time.txt" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$dir/time.txt")
    printf '%-8s %10d %9.1f %12s\n' "$n" "$mb" "$wall" "$rss"
done

#!/usr/bin/env bash
# parser_memory.sh - peak RSS of gapscan on one huge JSON array and one huge
# XML file (issue: memory stays bounded whatever one file's size).
#
#   bench/parser_memory.sh [SIZE_MB] [BUILD_DIR]     (default 1024, build)
#
# Generates, in a temporary directory, a single JSON array of SIZE_MB of
# record objects and an XML file of SIZE_MB of <record> elements (streamed
# by awk, never held in memory), then runs `gapscan profile -j 1` on each
# under /usr/bin/time -v and prints wall time, MB/s and peak RSS. Not a
# test: figures are printed, never asserted. Needs about 2 x SIZE_MB of
# free space in $TMPDIR.
set -euo pipefail
size_mb=${1:-1024}
build=${2:-build}
gapscan=$(cd "$(dirname "$0")/.." && pwd)/$build/gapscan
[ -x "$gapscan" ] || { echo "parser_memory: build first ($gapscan)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "parser_memory: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bytes=$((size_mb * 1024 * 1024))

# One record is ~180 bytes; awk stops once the target size is written.
awk -v target="$bytes" 'BEGIN {
    printf "[\n"; n = 0; total = 2
    while (total < target) {
        rec = sprintf("%s{\"id\": %d, \"sku\": \"SKU-%06d\", \"price\": %d.%02d, \"tags\": [\"a\", \"b%d\"], \"vendor\": {\"name\": \"Vendor %d\", \"country\": \"DE\"}, \"updated_at\": \"2026-%02d-%02dT10:00:00Z\"}",
                      n ? ",\n" : "", n, n % 999999, n % 997, n % 100, n % 7, n % 113, 1 + n % 12, 1 + n % 28)
        printf "%s", rec; total += length(rec); n++
    }
    printf "\n]\n"
}' >"$dir/huge.json"

awk -v target="$bytes" 'BEGIN {
    printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog>\n"; n = 0; total = 60
    while (total < target) {
        rec = sprintf("  <record id=\"%d\"><sku>SKU-%06d</sku><price currency=\"EUR\">%d.%02d</price><vendor><name>Vendor %d</name></vendor><updated>2026-%02d-%02d</updated></record>\n",
                      n, n % 999999, n % 997, n % 100, n % 113, 1 + n % 12, 1 + n % 28)
        printf "%s", rec; total += length(rec); n++
    }
    printf "</catalog>\n"
}' >"$dir/huge.xml"

printf '%-10s %10s %9s %9s %12s\n' file MB wall_s MB/s peak_RSS_MB
for f in huge.json huge.xml; do
    mb=$(( $(stat -c %s "$dir/$f") / 1000000 ))
    /usr/bin/time -v "$gapscan" profile -q -j 1 -o "$dir/$f.profile" "$dir/$f" \
        2>"$dir/time.txt" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$dir/time.txt")
    awk -v f="$f" -v mb="$mb" -v w="$wall" -v rss="$rss" \
        'BEGIN { printf "%-10s %10d %9.2f %9.1f %12s\n", f, mb, w, (w > 0 ? mb / w : 0), rss }'
done

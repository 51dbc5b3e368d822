#!/usr/bin/env bash
# run.sh - gapscan against the tools users would pick instead, on one corpus.
#
#   bench/run.sh [--mb 100] [--runs 3] [--mem-mb 1024] [--no-install]
#                [--build DIR] [--no-build] [--no-pgo] [--build-only]
#
# From a fresh clone, and as root for the installs:
#   1. installs what is missing: Debian's miller, csvkit, python3-pandas,
#      hyperfine and time (apt-get), and @duckdb/node-api into
#      build-bench/node_modules (npm; needs node >= 18);
#   2. builds gapscan in release mode in build-release/ (or --build DIR;
#      --no-build times that build as it is, e.g. a copy kept from before a
#      change), with the bare libcsv and yajl ceilings (bench/bare_*.c):
#      link-time optimisation and profile-guided optimisation (PGO), trained
#      on a small corpus of another seed (build-bench/train-8, seed 7), never
#      on the files timed; --no-pgo leaves PGO out; --build-only stops
#      after the build (the fastest gapscan, for nightly runs);
#   3. generates the corpus with bench/gen_corpus.py into
#      build-bench/corpus-<MB>/ (kept between runs: it is deterministic);
#   4. times every tool on the same files, RUNS times each, under
#      /usr/bin/time, and prints one Markdown table of medians: wall time,
#      MB/s (input bytes, uncompressed for .gz), CPU-seconds (user + sys),
#      CPU and wall relative to gapscan on that workload, peak RSS;
#   5. measures start-up (hyperfine), small files per second, and peak RSS
#      on MEM_MB of one JSON array and one XML file (bench/parser_memory.sh;
#      --mem-mb 0 skips it), then checks the issue's bars.
# The table also goes to build-bench/results.md. On a shared machine wall
# times are noisy: read medians and CPU-seconds (see bench/README.md).
set -euo pipefail

mb=100 runs=3 mem_mb=1024 install=1 build=build-release do_build=1 pgo=1 build_only=0
while [ $# -gt 0 ]; do
    case $1 in
    --mb) mb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --mem-mb) mem_mb=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --build) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --no-pgo) pgo=0; shift ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build-bench
rel=$root/$build
corpus=$work/corpus-$mb
duckdb_version=1.5.6-r.1
mkdir -p "$work"
log() { printf '== %s\n' "$*" >&2; }

# 1. tools ----------------------------------------------------------------
if [ "$install" = 1 ]; then
    need=()
    have() { command -v "$1" >/dev/null; }
    have mlr || need+=(miller)
    have csvstat || need+=(csvkit)
    /usr/bin/python3 -c 'import pandas' 2>/dev/null || need+=(python3-pandas)
    have hyperfine || need+=(hyperfine)
    [ -x /usr/bin/time ] || need+=(time)
    have meson || need+=(meson)
    have ninja || need+=(ninja-build)
    have node || need+=(nodejs)
    have npm || need+=(npm)
    if [ ${#need[@]} -gt 0 ]; then
        log "apt-get install ${need[*]}"
        sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
    fi
    if [ ! -d "$work/node_modules/@duckdb/node-api" ]; then
        log "npm install @duckdb/node-api@$duckdb_version"
        (cd "$work" && { [ -f package.json ] || echo '{"private": true}' >package.json; } &&
         npm install --no-audit --no-fund --silent "@duckdb/node-api@$duckdb_version" >/dev/null)
    fi
fi

# 2. build -------------------------------------------------------------------
# Link-time optimisation inlines the small calls between modules (the hash,
# the sketches' hit paths). PGO lays out and inlines by a training run's
# counts: 6.08 G -> 5.52 G instructions on the 40 MB CSV, ~5% CPU-s.
release() {  # release PGO-MODE: configure (or reconfigure) and build
    if [ -f "$rel/build.ninja" ]; then
        meson configure "$rel" -Dbuildtype=release -Db_lto=true -Db_pgo="$1" >/dev/null
    else
        meson setup "$rel" "$root" -Dbuildtype=release -Db_lto=true -Db_pgo="$1" >/dev/null
    fi
    ninja -C "$rel" -j2 >/dev/null
}
if [ "$do_build" = 1 ] && [ "$pgo" = 1 ]; then
    train=$work/train-8
    if [ ! -f "$train/.done" ]; then
        rm -rf "$train"
        python3 "$root/bench/gen_corpus.py" "$train" --mb 8 --seed 7 >&2
        touch "$train/.done"
    fi
    log "building $rel for training (PGO)"
    find "$rel" -name '*.gcda' -delete 2>/dev/null || true
    release generate
    for d in csv jsonl gz pages text sample; do
        "$rel/gapscan" profile -q -o /dev/null "$train/$d"
    done
    log "building $rel with the training profile"
    release use
elif [ "$do_build" = 1 ]; then
    log "building $rel"
    release off
fi
gapscan=$rel/gapscan
if [ "$build_only" = 1 ]; then
    log "built $gapscan"
    exit 0
fi

# 3. corpus ------------------------------------------------------------------
if [ ! -f "$corpus/.done" ]; then
    log "generating a $mb MB corpus in $corpus"
    rm -rf "$corpus"
    python3 "$root/bench/gen_corpus.py" "$corpus" --mb "$mb" >&2
    touch "$corpus/.done"
fi
csv=$corpus/csv/wide.csv
jsonl=$corpus/jsonl/events.jsonl
csvgz=$corpus/gz/wide.csv.gz
sample=$corpus/sample/wide-sample.csv
text=$corpus/text/big.txt
pages=$corpus/pages
n_pages=$(find "$pages" -type f | wc -l)
size() { stat -c %s "$1"; }
gz_size() { gzip -dc "$1" | wc -c; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 4. timing ------------------------------------------------------------------
# measure TOOL WORKLOAD BYTES CMD...: RUNS runs under /usr/bin/time (CPU,
# peak RSS) with the wall time taken in ns around it (time's own is in
# 10 ms steps); appends "tool workload bytes wall cpu rss_kb" (medians) to
# $tmp/rows.
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
measure() {
    local tool=$1 workload=$2 bytes=$3; shift 3
    : >"$tmp/w"; : >"$tmp/c"; : >"$tmp/m"
    for ((i = 0; i < runs; i++)); do
        local t0 t1
        t0=$(date +%s%N)
        if ! /usr/bin/time -f '%U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"; then
            log "$tool on $workload failed: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
            return 0
        fi
        t1=$(date +%s%N)
        read -r u s m <"$tmp/t"
        echo "$t0 $t1" | awk '{printf "%.4f\n", ($2 - $1) / 1e9}' >>"$tmp/w"
        echo "$u $s" | awk '{print $1 + $2}' >>"$tmp/c"
        echo "$m" >>"$tmp/m"
    done
    echo "$tool $workload $bytes $(median <"$tmp/w") $(median <"$tmp/c") $(median <"$tmp/m")" >>"$tmp/rows"
    log "$tool $workload: $(tail -n 1 "$tmp/rows" | cut -d' ' -f4-) (wall cpu rss_kb)"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/rows"
export NODE_PATH=$work/node_modules
duck="node $root/bench/duckdb_summarize.mjs"
csv_b=$(size "$csv") jsonl_b=$(size "$jsonl") sample_b=$(size "$sample")
text_b=$(size "$text") csvgz_b=$(gz_size "$csvgz")
pages_b=$(find "$pages" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
out=$tmp/profile.json

measure gapscan csv "$csv_b" "$gapscan" profile -q -o "$out" "$csv"
measure duckdb csv "$csv_b" $duck "$csv" csv
measure miller csv "$csv_b" mlr --icsv --opprint summary "$csv"
measure pandas csv "$csv_b" /usr/bin/python3 -c \
    'import sys, pandas; print(pandas.read_csv(sys.argv[1], low_memory=False).describe(include="all"))' "$csv"
measure bare-libcsv csv "$csv_b" "$rel/bench/bare_csv" "$csv"
measure cat csv "$csv_b" cat "$csv"

measure gapscan jsonl "$jsonl_b" "$gapscan" profile -q -o "$out" "$jsonl"
measure duckdb jsonl "$jsonl_b" $duck "$jsonl" json
measure miller jsonl "$jsonl_b" mlr --ijsonl --opprint summary "$jsonl"
measure bare-yajl jsonl "$jsonl_b" "$rel/bench/bare_yajl" "$jsonl"
measure cat jsonl "$jsonl_b" cat "$jsonl"

measure gapscan csv.gz "$csvgz_b" "$gapscan" profile -q -o "$out" "$csvgz"
measure duckdb csv.gz "$csvgz_b" $duck "$csvgz" csv
measure gzip-dc csv.gz "$csvgz_b" gzip -dc "$csvgz"

measure gapscan csv-sample "$sample_b" "$gapscan" profile -q -o "$out" "$sample"
measure csvstat csv-sample "$sample_b" csvstat "$sample"

measure gapscan text "$text_b" "$gapscan" profile -q -o "$out" "$text"
measure cat text "$text_b" cat "$text"

measure gapscan pages "$pages_b" "$gapscan" profile -q -o "$out" "$pages"
measure cat pages "$pages_b" sh -c 'find "$1" -type f -exec cat {} + >/dev/null' sh "$pages"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# 5. start-up, small files, memory ----------------------------------------
printf 'id,name\n1,a\n2,b\n' >"$tmp/tiny.csv"
startup() {  # "wall_ms cpu_ms": median wall, mean user + sys, of 30 runs
    hyperfine -N -w 3 -r 30 --export-json "$tmp/h.json" "$1" >/dev/null 2>&1
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f" % (r["median"] * 1000, (r["user"] + r["system"]) * 1000))' "$tmp/h.json"
}
read -r ms_version cpu_version <<<"$(startup "$gapscan --version")"
read -r ms_tiny cpu_tiny <<<"$(startup "$gapscan profile -q -j 1 -o $tmp/tiny.json $tmp/tiny.csv")"
mem_json=- mem_xml=- rate_json=- rate_xml=-
if [ "$mem_mb" -gt 0 ]; then
    log "peak RSS on $mem_mb MB (bench/parser_memory.sh)"
    bash "$root/bench/parser_memory.sh" "$mem_mb" "$(basename "$rel")" >"$tmp/mem" 2>&1 || true
    mem_json=$(awk '$1 == "huge.json" {print $5}' "$tmp/mem")
    mem_xml=$(awk '$1 == "huge.xml" {print $5}' "$tmp/mem")
    rate_json=$(awk '$1 == "huge.json" {print $4}' "$tmp/mem")
    rate_xml=$(awk '$1 == "huge.xml" {print $4}' "$tmp/mem")
fi

# 6. report ------------------------------------------------------------------
{
    echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'),"
    echo "load average (1, 5, 15 min) $load_before before, $load_after after the timings."
    echo "Corpus: bench/gen_corpus.py --mb $mb; medians of $runs runs; gapscan $("$gapscan" --version | awk '{print $2}') $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)."
    echo
    echo "| tool | workload | MB | wall s | MB/s | CPU s | CPU / gapscan | wall / gapscan | peak RSS MB |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
    awk '{
        if ($1 == "gapscan") { gw[$2] = $4; gc[$2] = $5 }
        row[NR] = $0
    } END {
        for (i = 1; i <= NR; i++) {
            split(row[i], f, " ")
            mbs = f[4] > 0 ? f[3] / 1e6 / f[4] : 0
            cr = gc[f[2]] > 0 ? sprintf("%.2f", f[5] / gc[f[2]]) : "-"
            wr = gw[f[2]] > 0 ? sprintf("%.2f", f[4] / gw[f[2]]) : "-"
            printf "| %s | %s | %.1f | %.2f | %.1f | %.2f | %s | %s | %.0f |\n",
                f[1], f[2], f[3] / 1e6, f[4], mbs, f[5], cr, wr, f[6] / 1024
        }
    }' "$tmp/rows"
    echo
    echo "Start-up (hyperfine, 30 runs; median wall, mean CPU): \`gapscan --version\` $ms_version ms wall, $cpu_version ms CPU; profile of a 3-line CSV $ms_tiny ms wall, $cpu_tiny ms CPU."
    echo "Peak RSS, one $mem_mb MB file (bench/parser_memory.sh, one run): JSON array $mem_json MB ($rate_json MB/s wall), XML $mem_xml MB ($rate_xml MB/s wall)."
    echo
    echo "Bars (issue):"
    awk -v pages="$n_pages" -v msv="$ms_version" -v mst="$ms_tiny" -v ncpu="$(nproc)" \
        -v cpuv="$cpu_version" -v cput="$cpu_tiny" \
        -v mj="$mem_json" -v mx="$mem_xml" -v mem_mb="$mem_mb" '
    { w[$1 "/" $2] = $4; c[$1 "/" $2] = $5 }
    function bar(ok, what) { printf "- %s %s\n", ok ? "HOLDS" : "MISSED", what }
    END {
        for (k = 0; k < 2; k++) {
            wl = k ? "jsonl" : "csv"
            if (w["duckdb/" wl] == "" || w["gapscan/" wl] == "") continue
            sp = w["duckdb/" wl] / w["gapscan/" wl]
            bar(sp >= 2, sprintf("%s: gapscan wall throughput %.2fx DuckDB SUMMARIZE (bar: >= 2x); %.2fx if DuckDB spread its CPU-seconds perfectly over %d cores", wl, sp, c["duckdb/" wl] / ncpu / c["gapscan/" wl], ncpu))
            cr = c["gapscan/" wl] / c["duckdb/" wl]
            bar(cr <= 1, sprintf("%s: gapscan CPU-seconds %.2fx DuckDB (bar: <= 1x)", wl, cr))
        }
        if (w["gzip-dc/csv.gz"] != "") {
            r = w["gzip-dc/csv.gz"] / w["gapscan/csv.gz"]
            bar(r >= 0.8, sprintf("csv.gz: gapscan at %.0f%% of gzip -dc wall throughput, %.0f%% by CPU-seconds (bar: >= 80%%)", 100 * r, 100 * c["gzip-dc/csv.gz"] / c["gapscan/csv.gz"]))
        }
        if (w["gapscan/pages"] > 0) {
            fps = pages / w["gapscan/pages"]
            bar(fps >= 10000, sprintf("small files: %.0f files/s wall over %d HTML/XML pages, %.0f per CPU-second (bar: >= 10,000/s)", fps, pages, pages / c["gapscan/pages"]))
        }
        bar(msv < 5 && mst < 5, sprintf("start-up: %s ms --version, %s ms tiny profile, wall; CPU %s and %s ms (bar: < 5 ms)", msv, mst, cpuv, cput))
        if (mem_mb > 0)
            bar(mj != "" && mx != "" && mj <= 128 && mx <= 128,
                sprintf("memory: %s MB JSON, %s MB XML peak RSS on %d MB (bar: <= 128 MB)", mj, mx, mem_mb))
    }' "$tmp/rows"
} | tee "$work/results.md"

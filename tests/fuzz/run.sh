#!/usr/bin/env bash
# run.sh - build the libFuzzer targets and run each for a fixed time.
#
#   tests/fuzz/run.sh [-t SECONDS] [-j JOBS] [TARGET...]
#
# TARGET is parse, decode, charset, profile, policy or gzip (default: all, one
# after the other, SECONDS each; default 25). With -j N, N libFuzzer jobs per
# target share its corpus. Everything lives in build-fuzz/ (created with
# clang, ASan and UBSan when missing):
#   build-fuzz/fuzz/seeds/T/    seeds made from tests/data/**, samples/ and
#                               rules/ (remade on every run)
#   build-fuzz/fuzz/corpus/T/   the corpus the fuzzer grows (kept between runs)
#   build-fuzz/fuzz/crashes/T/  crash-*, leak-*, timeout-*, oom-* inputs
#   build-fuzz/fuzz/T.log       libFuzzer's output; the last lines are stats
# Exit status 1 when any target found a crash. A crash becomes a regression
# input in tests/data/fuzz/T/ (docs/hardening.md).
#
# The seed is fixed (FUZZ_SEED, default 1) and address-space randomisation
# is off for the target (setarch -R: libFuzzer's comparison tracing sees
# pointers), so a run from a fresh corpus repeats the same inputs in the
# same order: CI's short run is the start of any longer run with that seed,
# and fails only when the code changed. FUZZ_SEED=0 lets libFuzzer pick a
# new seed each run (the long runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
secs=25 jobs=1
while getopts t:j: o; do
  case $o in
    t) secs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) sed -n 2,17p "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse decode charset profile policy gzip)

b=build-fuzz
if [ ! -d $b ]; then
  CC=${FUZZ_CC:-clang-14} meson setup $b -Dfuzz=true -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
ninja -C $b fuzz gapscan >/dev/null
out=$b/fuzz
mkdir -p $out

# Seeds: the fixtures, in the shape each target reads.
seed_parse() {  # header: format index, chunk size 7, stop at callback 6
  local f ext fmt
  find tests/data samples -type f -size -64k | sort | while read -r f; do
    ext=${f##*.}
    case $ext in
      csv) fmt=0 ;; tsv) fmt=1 ;; json) fmt=2 ;; jsonl) fmt=3 ;;
      xml|rss|atom) fmt=4 ;; html|htm) fmt=5 ;; txt|text) fmt=6 ;;
      md|markdown) fmt=7 ;; *) continue ;;
    esac
    { printf "\\$(printf %03o $fmt)\\007\\005"; cat "$f"; } \
      >"$1/$(echo "$f" | tr / _)"
  done
}
seed_text() {  # decode: one chunking byte first; charset: raw heads
  local f prefix=$2
  python3 tests/encoding/make_corpus.py "$out/enc" >/dev/null
  { find tests/data samples -type f -size -64k; find "$out/enc" -type f; } |
    sort | while read -r f; do
      { printf "$prefix"; head -c 65536 "$f"; } >"$1/$(echo "$f" | tr / _)"
    done
}
seed_profile() {  # profiles of the samples and the mixed corpus
  ./$b/gapscan profile samples/sandbox -o "$1/sandbox.json" >/dev/null
  ./$b/gapscan profile tests/data/mixed -o "$1/mixed.json" >/dev/null
}
seed_policy() {
  cp rules/default-policy.yaml "$1/"
  find tests/data -name '*.yaml' -exec cp {} "$1/" \;
}

seed_gzip() {  # the .gz files; small CSV and JSON Lines as two members
  local f
  find tests/data samples -type f -size -64k | sort | while read -r f; do
    case $f in
      *.gz) cp "$f" "$1/$(echo "$f" | tr / _)" ;;
      *.csv|*.jsonl)
        if [ "$(wc -c <"$f")" -lt 8192 ]; then
          { gzip -9nc "$f"; gzip -1nc "$f"; } >"$1/$(echo "$f" | tr / _).gz"
        fi ;;
    esac
  done
}

norandom=()
setarch -R true 2>/dev/null && norandom=(setarch -R)
rc=0
for t in "${targets[@]}"; do
  seeds=$out/seeds/$t corpus=$out/corpus/$t crashes=$out/crashes/$t
  rm -rf "$seeds"
  mkdir -p "$seeds" "$corpus" "$crashes"
  case $t in
    parse) seed_parse "$seeds" ;;
    decode) seed_text "$seeds" '\003' ;;
    charset) seed_text "$seeds" '' ;;
    profile) seed_profile "$seeds" ;;
    policy) seed_policy "$seeds" ;;
    gzip) seed_gzip "$seeds" ;;
    *) echo "run.sh: no target $t" >&2; exit 2 ;;
  esac
  args=(-max_total_time="$secs" -seed="${FUZZ_SEED:-1}" -artifact_prefix="$crashes/"
        -print_final_stats=1 -max_len=65536 -timeout=25 -rss_limit_mb=2048)
  [ -f tests/fuzz/$t.dict ] && args+=(-dict=tests/fuzz/$t.dict)
  [ "$jobs" -gt 1 ] && args+=(-jobs="$jobs" -workers="$jobs")
  echo "fuzz $t: ${secs}s, seeds $(ls "$seeds" | wc -l), corpus $(ls "$corpus" | wc -l)"
  set +e
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "${norandom[@]}" ./$b/tests/fuzz/fuzz_$t "${args[@]}" "$corpus" "$seeds" \
    tests/data/fuzz/$t >"$out/$t.log" 2>&1
  status=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log" | tail -1)
  echo "fuzz $t: ${execs:-?} execs, ${speed:-?}/s, exit $status, corpus $(ls "$corpus" | wc -l)"
  if [ $status -ne 0 ]; then
    rc=1
    grep -E "ERROR|invariant|SUMMARY|Test unit written" "$out/$t.log" | head -8 >&2
  fi
done
exit $rc

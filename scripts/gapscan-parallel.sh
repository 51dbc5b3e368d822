#!/usr/bin/env bash
# gapscan-parallel.sh - profile a tree as N shards with GNU parallel, then
# merge the shard profiles in shard order (docs/distributed.md).
#
#   gapscan-parallel.sh -n N -o OUT.json [-d DIR] [-S LOGINS] [-j JOBS]
#                       ROOT... [-- PROFILE-OPTIONS...]
#
#   -n N        number of shards (default: 8)
#   -o OUT      the merged profile
#   -d DIR      where the shard profiles go (default: OUT's name + .shards);
#               with -S it must be on a file system every host shares
#   -S LOGINS   run on these hosts: GNU parallel's --sshlogin, e.g.
#               "4/node1,4/node2,:" (':' is this machine). Every host must
#               see ROOT and DIR at the same paths and have gapscan at
#               $GAPSCAN (default: gapscan on its PATH)
#   -j JOBS     shards run at once per host (default: GNU parallel's, one
#               per CPU); each shard also uses its own worker threads, so
#               pass e.g. "-- -j 1" to keep one thread per shard
#   after --    options for every 'gapscan profile' (e.g. -j 1, --exclude
#               '*.tmp'); they must be the same for every shard
#
# A failed shard fails the whole run (nothing is merged). Rerunning resumes:
# finished shards are kept (parallel's --joblog/--resume-failed), and each
# shard keeps a checkpoint, so a shard that was killed picks up where it was.
set -euo pipefail

shards=8 out='' dir='' logins='' jobs=
usage() { sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
while getopts n:o:d:S:j:h opt; do
  case $opt in
    n) shards=$OPTARG ;; o) out=$OPTARG ;; d) dir=$OPTARG ;;
    S) logins=$OPTARG ;; j) jobs=$OPTARG ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
roots=() opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do roots+=("$1"); shift; done
[ $# -gt 0 ] && shift
opts=("$@")
if [ -z "$out" ] || [ ${#roots[@]} -eq 0 ] || ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  usage
fi
command -v parallel >/dev/null || { echo "gapscan-parallel: GNU parallel is not installed" >&2; exit 2; }
gapscan=${GAPSCAN:-gapscan}
dir=${dir:-$out.shards}
mkdir -p "$dir"
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
dir=$(abs "$dir")
for k in "${!roots[@]}"; do roots[k]=$(abs "${roots[k]}"); done

# One job per shard index. parallel quotes each argument for the remote
# shell (-q), so paths with spaces survive ssh.
pargs=(--halt 'now,fail=1' --joblog "$dir/joblog" --resume-failed -q)
[ -n "$logins" ] && pargs+=(--sshlogin "$logins")
[ -n "$jobs" ] && pargs+=(-j "$jobs")
parallel "${pargs[@]}" \
  "$gapscan" profile -q --progress=never --shard '{}'/"$shards" \
    --checkpoint "$dir/shard-{}.ckpt" -o "$dir/shard-{}.json" \
    "${opts[@]}" "${roots[@]}" \
  ::: $(seq 0 $((shards - 1)))

# Merge in shard order, never in completion order: the same shards give the
# same bytes (docs/distributed.md says what matches a single run exactly).
inputs=()
for i in $(seq 0 $((shards - 1))); do inputs+=("$dir/shard-$i.json"); done
"$gapscan" merge -o "$out" "${inputs[@]}"
echo "gapscan-parallel: $shards shards merged into $out"

#!/usr/bin/env bash
# The one file (dist/dt-linux-x64) beside the bundle (dist/dt): its size, its
# first start (the unpack, then svstat), and later starts of svstat, the two
# taken in turn (A B A B …) so the machine's drift falls on both; wall ms,
# medians of N, timed in bash with $EPOCHREALTIME.
# Usage: onefile.sh RESULTS [N] [FIRST]   (21 later starts, 7 first starts)
set -euo pipefail
results=$1 N=${2:-21} FIRST=${3:-7}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
case $(uname -m) in aarch64) arch=arm64 ;; *) arch=x64 ;; esac
one=$root/dist/dt-linux-$arch
bundle=$root/dist/dt
work=$(mktemp -d /tmp/dt-bench-onefile.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/svc/supervise" "$work/bin"
cp "$one" "$work/bin/dt"
echo "onefile size_kib $(($(wc -c <"$one") / 1024))" >>"$results"
echo "bundle size_kib $(du -skL "$root/dist/dt" "$root/dist/dt.js" "$root/dist/one" "$root/dist/man" | awk '{ s += $1 } END { print s }')" >>"$results"
echo "deno size_kib $(($(wc -c <"$(readlink -f "$(command -v deno)")") / 1024))" >>"$results"
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) * 1000 }'; }
median() { sort -g | awk -v k="$1" '{ v[NR] = $1 } END { print k, v[int((NR + 1) / 2)] }' >>"$results"; }
# first starts: the unpacked directory removed before each (the file itself in the page cache, as
# after a copy)
for ((i = 0; i < FIRST; i++)); do
  rm -rf "$work/bin"/.dt-*
  t0=$EPOCHREALTIME
  "$work/bin/dt" svstat "$work/svc" </dev/null >/dev/null 2>&1 || true
  ms "$t0" "$EPOCHREALTIME"
  echo
done | median "onefile first_ms"
echo "onefile unpacked_kib $(du -sk "$work/bin"/.dt-* | cut -f1)" >>"$results"
# later starts, in turn with the bundle's launcher
"$bundle" svstat "$work/svc" </dev/null >/dev/null 2>&1 || true
a=() b=()
for ((i = 0; i < N; i++)); do
  t0=$EPOCHREALTIME
  "$bundle" svstat "$work/svc" </dev/null >/dev/null 2>&1 || true
  a+=("$(ms "$t0" "$EPOCHREALTIME")")
  t0=$EPOCHREALTIME
  "$work/bin/dt" svstat "$work/svc" </dev/null >/dev/null 2>&1 || true
  b+=("$(ms "$t0" "$EPOCHREALTIME")")
done
printf '%s\n' "${a[@]}" | median "bundle svstat_ms"
printf '%s\n' "${b[@]}" | median "onefile svstat_ms"
# the pair by pair difference, its median (what the goal is about)
for ((i = 0; i < N; i++)); do awk -v x="${b[i]}" -v y="${a[i]}" 'BEGIN { printf "%.3f\n", x - y }'; done |
  median "onefile later_minus_bundle_ms"

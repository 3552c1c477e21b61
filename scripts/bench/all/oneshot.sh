#!/usr/bin/env bash
# One-shot start-up, wall ms (median of N, timed in bash with $EPOCHREALTIME):
# `deno run` of an empty file (Deno's floor) and svstat, svok, tai64n and a
# chain program for dt, daemontools and s6 on a supervised service.
# Usage: oneshot.sh RESULTS [N]
set -euo pipefail
results=$1 N=${2:-21}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=procs.sh
. "$here/procs.sh"
dt=$root/dist/dt
work=$(mktemp -d /tmp/dt-bench-oneshot.XXXXXX)
sv=
cleanup() {
  # the supervisors and their services, by pid
  # shellcheck disable=SC2086
  [ -n "$sv" ] && { kill -KILL $(tree_pids $sv); wait $sv; } 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for k in dt dtools s6; do
  mkdir -p "$work/$k"
  printf '#!/bin/sh\nexec sleep 100018\n' >"$work/$k/run"
  chmod 755 "$work/$k/run"
done
mkdir "$work/env" && echo v >"$work/env/V"
: >"$work/empty.js"
/usr/bin/supervise "$work/dtools" </dev/null >/dev/null 2>&1 & sv="$sv $!"
/usr/bin/s6-supervise "$work/s6" </dev/null >/dev/null 2>&1 & sv="$sv $!"
"$dt" supervise "$work/dt" </dev/null >/dev/null 2>&1 & sv="$sv $!"
end=$((SECONDS + 20))
until /usr/bin/svok "$work/dtools" && /usr/bin/s6-svok "$work/s6" && "$dt" svok "$work/dt"; do
  [ $SECONDS -lt $end ] || { echo "bench: supervisors did not start" >&2; exit 1; }
  sleep 0.1
done 2>/dev/null

# m KEY CMD...: median wall ms of N runs (after one warm-up) into RESULTS
m() {
  local key=$1 i t0 ts=()
  shift
  "$@" </dev/null >/dev/null 2>&1 || true
  for ((i = 0; i < N; i++)); do
    t0=$EPOCHREALTIME
    "$@" </dev/null >/dev/null 2>&1 || true
    ts+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
  done
  printf '%s\n' "${ts[@]}" | sort -g | awk -v k="$key" '{ v[NR] = $1 } END { print k, v[int((NR + 1) / 2)] }' >>"$results"
}
m "deno empty_ms" deno run -A --quiet --no-prompt --no-config "$work/empty.js"
m "dt svstat_ms" "$dt" svstat "$work/dt"
m "daemontools svstat_ms" /usr/bin/svstat "$work/dtools"
m "s6 svstat_ms" /usr/bin/s6-svstat "$work/s6"
m "dt svok_ms" "$dt" svok "$work/dt"
m "daemontools svok_ms" /usr/bin/svok "$work/dtools"
m "s6 svok_ms" /usr/bin/s6-svok "$work/s6"
m "dt tai64n_ms" "$dt" tai64n
m "daemontools tai64n_ms" /usr/bin/tai64n
m "s6 tai64n_ms" /usr/bin/s6-tai64n
m "dt softlimit_ms" "$dt" softlimit -m 100000000 /bin/true
m "daemontools softlimit_ms" /usr/bin/softlimit -m 100000000 /bin/true
m "s6 softlimit_ms" /usr/bin/s6-softlimit -m 100000000 /bin/true
m "dt envdir_ms" "$dt" envdir "$work/env" /bin/true
m "daemontools envdir_ms" /usr/bin/envdir "$work/env" /bin/true
m "s6 envdir_ms" /usr/bin/s6-envdir "$work/env" /bin/true

#!/bin/bash
# dt init beside tini and dumb-init, in one run: memory of the init while PROG
# sleeps (RSS, PSS), time from start to PROG running, time from TERM to exit
# with a PROG that exits at once. Median of N runs (default 7). Usage:
#   bash scripts/bench/init.sh [N]
set -euo pipefail
N=${1:-7}
root=$(cd "$(dirname "$0")/../.." && pwd)
deno=$(command -v deno)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A CMD=(
  [dt]="$deno run -A --quiet --no-config $root/cli.ts init"
  [tini]="/usr/bin/tini -s"
  [dumb-init]="/usr/bin/dumb-init"
)
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/smaps_rollup"; }
child_of() { # first child pid of $1, waiting for it
  local c=""
  for _ in $(seq 1 400); do
    c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}')
    [ -n "$c" ] && { echo "$c"; return; }
    sleep 0.01
  done
}

printf '%-10s %9s %9s %14s %14s\n' init "RSS kB" "PSS kB" "start->PROG ms" "TERM->exit ms"
for name in dt tini dumb-init; do
  # shellcheck disable=SC2206
  cmd=(${CMD[$name]})
  # memory while PROG sleeps (after dt's runtime has settled)
  "${cmd[@]}" -- sleep 30 & pid=$!
  child_of "$pid" >/dev/null
  sleep 1.5
  rss=$(kb Rss "$pid"); pss=$(kb Pss "$pid")
  kill -TERM "$pid"; wait "$pid" || true
  starts=() ; stops=()
  for _ in $(seq 1 "$N"); do
    t0=$(now)
    "${cmd[@]}" -- sh -c "date +%s%N > $tmp/t" >/dev/null
    starts+=($(( ($(cat "$tmp/t") - t0) / 1000 )))
    "${cmd[@]}" -- sleep 100 & pid=$!
    c=$(child_of "$pid")
    while [ "$(awk '{print $1}' "/proc/$c/stat" 2>/dev/null)" = "$c" ] &&
      ! grep -q sleep "/proc/$c/cmdline" 2>/dev/null; do sleep 0.01; done
    sleep 0.8 # dt installs its listeners as it starts; measure the steady state
    t0=$(now); kill -TERM "$pid"; wait "$pid" || true; t1=$(now)
    stops+=($(( (t1 - t0) / 1000 )))
  done
  s=$(printf '%s\n' "${starts[@]}" | median); e=$(printf '%s\n' "${stops[@]}" | median)
  printf '%-10s %9s %9s %14.1f %14.1f\n' "$name" "$rss" "$pss" "$(echo "$s/1000" | bc -l)" \
    "$(echo "$e/1000" | bc -l)"
done

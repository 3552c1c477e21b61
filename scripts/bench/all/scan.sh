#!/usr/bin/env bash
# The scanner measures for one supervision suite, in bash (no Deno process
# beside the one measured, so PSS counts dt's share of the deno binary):
#   moved_first_ms moved_all_ms  500 dirs moved into a running scan dir
#   start_all_ms                 scanner started over 500 dirs → all up
#   pss_kib                      scanner + supervisors (services excluded)
#   idle_wakeups idle_cpu_ms     context switches / CPU of scanner and supervisors over IDLE s
# "Up" is the service's run script started: it writes a byte to a FIFO, then
# execs sleep; the same script for every suite.
# Usage: scan.sh dt|daemontools|s6 RESULTS [N] [IDLE]
set -euo pipefail
kind=$1 results=$2 N=${3:-500} IDLE=${4:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=procs.sh
. "$here/procs.sh"
work=$(mktemp -d /tmp/dt-bench-scan.XXXXXX)
scanner=
cleanup() {
  [ -n "$scanner" ] && stop_scanner
  rm -rf "$work"
}
trap cleanup EXIT
now() { echo $(($(date +%s%N) / 1000)); } # µs
put() { echo "$kind $1 $2" >>"$results"; }

# tree DIR: N service dirs whose run announces itself on $work/up
tree() {
  mkdir -p "$1"
  local i
  for ((i = 0; i < N; i++)); do
    mkdir "$1/s$i"
    printf '#!/bin/sh\nprintf x >>%s\nexec sleep 100017\n' "$work/up" >"$1/s$i/run"
    chmod 755 "$1/s$i/run"
  done
}

start_scanner() {
  local dir=$1
  case $kind in
    dt) (cd "$dir" && exec "$root/dist/dt" svscan .) </dev/null >/dev/null 2>&1 & ;;
    daemontools) (cd "$dir" && exec /usr/bin/svscan .) </dev/null >/dev/null 2>&1 & ;;
    s6) (cd "$dir" && exec /usr/bin/s6-svscan -c $((N * 2 + 10)) .) </dev/null >/dev/null 2>&1 & ;;
  esac
  scanner=$!
  scandir=$dir
}

stop_scanner() {
  stop_tree "$kind" "$scanner" "$scandir"
  scanner=
}

# wait_up COUNT: reads COUNT bytes from the FIFO (one per started service)
wait_up() { dd bs=1 count="$1" status=none <&3 >/dev/null; }

# supervision pids: the scanner and its descendants, except the services' sleeps
supervision() {
  # shellcheck disable=SC2046
  without_comm sleep -- $(tree_pids "$scanner")
}

mkfifo "$work/up"
exec 3<>"$work/up"

# 1. moved in
mkdir "$work/scan1"
tree "$work/stage"
start_scanner "$work/scan1"
sleep 1 # after the scanner's first scan of the empty dir
t0=$(now)
mv "$work"/stage/* "$work/scan1/"
[ "$kind" = s6 ] && /usr/bin/s6-svscanctl -a "$work/scan1" # s6-svscan does not poll: it is told
wait_up 1
t1=$(now)
wait_up $((N - 1))
t2=$(now)
put moved_first_ms "$(((t1 - t0) / 1000))"
put moved_all_ms "$(((t2 - t0) / 1000))"
stop_scanner

# 2. started over N dirs, memory, idle
tree "$work/scan2"
t0=$(now)
start_scanner "$work/scan2"
wait_up "$N"
t1=$(now)
put start_all_ms "$(((t1 - t0) / 1000))"
sleep 3
pids=$(supervision)
pss=0
for p in $pids; do
  k=$(awk '/^Pss:/ { print $2 }' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
  pss=$((pss + ${k:-0}))
done
put pss_kib "$pss"
put procs "$(echo "$pids" | wc -w)"
# switches: voluntary + involuntary of every thread, by thread id, so that a thread which ends in
# the window (Deno's idle workers retire) counts one wakeup, not minus its whole life's switches;
# cpu: utime + stime (ticks of 10 ms)
switches() {
  local files=() p
  for p in $pids; do files+=(/proc/"$p"/task/*/status); done
  awk '/ctxt_switches/ { n = split(FILENAME, f, "/"); s[f[n - 1]] += $2 }
    END { for (t in s) print t, s[t] }' "${files[@]}" 2>/dev/null
}
cpu() {
  local c=0 p
  for p in $pids; do c=$((c + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/"$p"/stat 2>/dev/null || echo 0))); done
  echo "$c"
}
sw0=$(switches) cpu0=$(cpu)
sleep "$IDLE"
sw1=$(switches) cpu1=$(cpu)
put idle_wakeups "$(awk 'NR == FNR { a[$1] = $2; next } { b[$1] = $2 }
  END { for (t in b) n += b[t] - a[t]; for (t in a) if (!(t in b)) n++; print n + 0 }' \
  <(echo "$sw0") <(echo "$sw1"))"
put idle_cpu_ms $(((cpu1 - cpu0) * 10))
put threads "$(awk '/^Threads:/ { print $2 }' /proc/"$scanner"/status)"
stop_scanner

#!/usr/bin/env bash
# A steady log load, for one supervision suite (dt from the bundle, or
# daemontools by absolute path), in bash with a small C helper (logload.c):
# no Deno process beside the one measured.
#
# The tree: N services (default 200), each writing RATE lines a second
# (default 100) of 70 bytes to stdout, one write(2) a line, with
# `log/run` = `exec multilog t ./main`; and one quiet service (`exec sleep`).
# Measured, as `SUITE KEY VALUE` lines appended to RESULTS:
#   logload_first_ms        scanner started → every log has its first line
#   logload_early_lps       lines a second the writers wrote in the first 20 s
#   then in the steady state (from 25 s on), over the window of the samples:
#   logload_svct_ms         `svc -t` on the quiet service → new pid, median of
#   logload_svct_max_ms       SAMPLES samples 1.5 s apart, and the worst
#   logload_produced_lps    lines a second written by the writers
#   logload_logged_lps      lines a second that reached the log files
#   logload_cpu_pct         CPU of the supervision side, % of one core (dt: the
#                           scanner; daemontools: svscan, every supervise and multilog)
#   logload_busy_pct        the whole machine busy (/proc/stat), % of all cores
#   logload_rss_kib         RSS of the scanner (daemontools: of the supervision side)
#   logload_pss_kib         PSS of the same
#   logload_procs           processes of the supervision side
#   and, once the writers are down (svc -d) and 3 s have passed:
#   logload_idle_svct_ms    `svc -t` on the quiet service → new pid, median
# Usage: logload.sh dt|daemontools RESULTS [N] [RATE] [SAMPLES]
set -euo pipefail
kind=$1 results=$2 N=${3:-200} RATE=${4:-100} SAMPLES=${5:-9}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=procs.sh
. "$here/procs.sh"
work=$(mktemp -d /tmp/dt-bench-logload.XXXXXX)
scan=$work/scan
scanner=
cleanup() {
  [ -n "$scanner" ] && stop_scanner
  rm -rf "$work"
}
trap cleanup EXIT
put() { echo "$kind $1 $2" >>"$results"; }
note() { echo "    $kind: $*" >&2; }
now_us() { date +%s%6N; }

tool=$work/logload
cc -O2 -o "$tool" "$here/logload.c"
mkdir -p "$work/bin"
case $kind in
  dt) svc=$work/bin/svc && ln -s "$root/dist/dt" "$svc" ;;
  daemontools) svc=/usr/bin/svc ;;
  *) echo "logload.sh: dt or daemontools" >&2 && exit 100 ;;
esac

mkdir "$scan"
for ((i = 0; i < N; i++)); do
  s=$scan/l$i
  mkdir -p "$s/log"
  printf '#!/bin/sh\nexec %s write %s %d %d 70\n' "$tool" "$work/slots" "$i" "$RATE" >"$s/run"
  printf '#!/bin/sh\nexec multilog t ./main\n' >"$s/log/run"
  chmod 755 "$s/run" "$s/log/run"
done
mkdir "$scan/q"
printf '#!/bin/sh\nexec sleep 100019\n' >"$scan/q/run"
chmod 755 "$scan/q/run"
: >"$work/slots"

start_scanner() {
  case $kind in
    dt) (cd "$scan" && PATH=/usr/bin:/bin exec "$root/dist/dt" svscan .) </dev/null >/dev/null 2>&1 & ;;
    daemontools) (cd "$scan" && PATH=/usr/bin:/bin exec /usr/bin/svscan .) </dev/null >/dev/null 2>&1 & ;;
  esac
  scanner=$!
}

# the supervision side: the scanner's tree less the services (the writers, sleep)
supervision() {
  # shellcheck disable=SC2046
  without_comm logload sleep -- $(tree_pids "$scanner")
}

stop_scanner() {
  stop_tree "$kind" "$scanner" "$scan"
  scanner=
}

cpu_ticks() { # utime + stime of the pids given
  local files=() p
  for p in "$@"; do files+=(/proc/"$p"/stat); done
  awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { print t + 0 }' "${files[@]}" 2>/dev/null
}
machine() { awk '/^cpu / { print $2 + $3 + $4 + $6 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
logged() { cat "$scan"/l*/log/main/* 2>/dev/null | wc -l; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

samples() { # SAMPLES svc -t on the quiet service, 1.5 s apart: one ms figure a line
  local i
  for ((i = 0; i < SAMPLES; i++)); do
    "$tool" svct "$svc" "$scan/q" 30000 || true
    sleep 1.5
  done
}

t0=$(now_us)
start_scanner
currents=()
for ((i = 0; i < N; i++)); do currents+=("$scan/l$i/log/main/current"); done
first=$("$tool" first "$t0" 120000 "${currents[@]}") || true
put logload_first_ms "${first/timeout/120000}"
note "every log has a line after $first ms"
# the writers' first 20 s
sleep "$(awk -v t0="$t0" -v now="$(now_us)" 'BEGIN { s = 20 - (now - t0) / 1e6; print (s > 0 ? s : 0) }')"
put logload_early_lps "$(($("$tool" sum "$work/slots") / 20))"
sleep "$(awk -v t0="$t0" -v now="$(now_us)" 'BEGIN { s = 25 - (now - t0) / 1e6; print (s > 0 ? s : 0) }')"

pids=$(supervision)
# shellcheck disable=SC2086
c0=$(cpu_ticks $pids) m0=$(machine) p0=$("$tool" sum "$work/slots") l0=$(logged) w0=$(now_us)
samples >"$work/svct"
# shellcheck disable=SC2086
c1=$(cpu_ticks $pids) m1=$(machine) p1=$("$tool" sum "$work/slots") l1=$(logged) w1=$(now_us)
secs=$(awk -v a="$w0" -v b="$w1" 'BEGIN { print (b - a) / 1e6 }')
tck=$(getconf CLK_TCK)
put logload_svct_ms "$(median <"$work/svct")"
put logload_svct_max_ms "$(sed 's/timeout/30000/' "$work/svct" | sort -n | tail -1)"
note "svc -t samples (ms): $(tr '\n' ' ' <"$work/svct")"
put logload_produced_lps "$(awk -v a="$p0" -v b="$p1" -v s="$secs" 'BEGIN { printf "%d", (b - a) / s }')"
put logload_logged_lps "$(awk -v a="$l0" -v b="$l1" -v s="$secs" 'BEGIN { printf "%d", (b - a) / s }')"
put logload_cpu_pct "$(awk -v a="$c0" -v b="$c1" -v s="$secs" -v t="$tck" 'BEGIN { printf "%.1f", 100 * (b - a) / t / s }')"
put logload_busy_pct "$(echo "$m0 $m1" | awk '{ printf "%.1f", 100 * ($3 - $1) / ($4 - $2) }')"
rss=0 pss=0
for p in $pids; do
  read -r r q < <(awk '/^Rss:/ { r = $2 } /^Pss:/ { q = $2 } END { print r + 0, q + 0 }' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0 0)
  rss=$((rss + r)) pss=$((pss + q))
done
put logload_rss_kib "$rss"
put logload_pss_kib "$pss"
put logload_procs "$(echo "$pids" | wc -w)"

# idle: the writers down, the loggers with nothing to do
"$svc" -d "$scan"/l*
sleep 3
samples >"$work/idle"
put logload_idle_svct_ms "$(median <"$work/idle")"
note "idle svc -t samples (ms): $(tr '\n' ' ' <"$work/idle")"

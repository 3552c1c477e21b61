#!/usr/bin/env bash
# Loggers of an account (`exec setuidgid nobody multilog t ./main`), from the
# shipped bundle, side by side in one run, measured from this shell so that
# no other Deno process shares the binary's pages:
# 1. PSS of a 50-service tree: daemontools (svscan, supervise x2N,
#    setuidgid+multilog xN) and each dt build (one svscan process);
# 2. throughput of one such logger: 2,000,000 lines of 100 bytes, from the
#    service's start until every line is in the log directory; s6-log on the
#    same input through a pipe.
#
# Usage: scripts/bench/account.sh [DT...]   (default: dist/dt; give
# LABEL=PATH to compare builds, e.g. before=/tmp/old/dist/dt after=dist/dt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-50}
LINES=${LINES:-2000000}
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("dt=$root/dist/dt")
work=$(mktemp -d /tmp/dt-bench-account.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

descendants() { # PID: it and every descendant that is not a service's sleep
  local out=$1 queue=($1) p kid
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    for kid in $(ps -o pid= --ppid "$p" 2>/dev/null); do
      [ "$(cat /proc/$kid/comm 2>/dev/null)" = sleep ] && continue
      out="$out $kid"
      queue+=("$kid")
    done
  done
  echo "$out"
}

pss() { # PIDS: total PSS in KiB
  local t=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    t=$((t + ${v:-0}))
  done
  echo $t
}

status_pid() { # DIR: the pid in DIR/supervise/status, 0 when down or missing
  [ -f "$1/supervise/status" ] || { echo 0; return; }
  od -An -tu4 -j12 -N4 "$1/supervise/status" | tr -d ' '
}

tree() { # DIR RUN: N services whose log is the account's multilog
  local i s
  for i in $(seq 1 "$3"); do
    s=$1/svc$i
    mkdir -p "$s/log/main"
    chown nobody "$s/log/main"
    printf '#!/bin/sh\n%s\n' "$2" >"$s/run"
    printf '#!/bin/sh\nexec setuidgid nobody multilog %s ./main\n' "$4" >"$s/log/run"
    chmod +x "$s/run" "$s/log/run"
  done
}

stop() { # SCANNER-PID DIR
  local p kids
  # the log pipes' keeper (a sleep, which descendants skips) outlives a killed scanner by design
  kids=$(ps -o pid= --ppid "$1" 2>/dev/null || true)
  for p in $(descendants "$1") $kids; do kill -9 "$p" 2>/dev/null || true; done
  for s in "$2"/svc*; do
    p=$(status_pid "$s")
    [ "$p" != 0 ] && kill -9 "$p" 2>/dev/null || true
  done
  while [ -d "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; do
    sleep 0.02
  done
}

wait_up() { # DIR COUNT
  local deadline=$((SECONDS + 120)) s all
  while :; do
    all=1
    for s in "$1"/svc*/log; do [ "$(status_pid "$s")" != 0 ] || { all=0; break; }; done
    [ $all = 1 ] && return 0
    [ $SECONDS -lt $deadline ] || { echo "bench: services did not come up" >&2; return 1; }
    sleep 0.05
  done
}

memory_row() { # LABEL SVSCAN...
  local label=$1 d pid pids
  shift
  d=$work/mem-$label
  mkdir -p "$d"
  tree "$d" "exec sleep 100000" "$N" "t"
  (cd "$d" && PATH="$(dirname "$1"):/usr/bin:/bin" exec "$@" "$d" >/dev/null 2>&1) &
  pid=$!
  disown "$pid"
  wait_up "$d"
  sleep 2
  pids=$(descendants "$pid")
  printf '  %-22s %5d processes  PSS %7.1f MiB\n' "$label" "$(wc -w <<<"$pids")" \
    "$(awk -v k="$(pss $pids)" 'BEGIN { print k / 1024 }')"
  stop "$pid" "$d"
}

throughput_row() { # LABEL SVSCAN...
  local label=$1 d pid t0 t1 want size
  shift
  d=$work/tp-$label
  mkdir -p "$d"
  tree "$d" "cat $work/input; exec sleep 100000" 1 "t s16777215 n20"
  want=$((LINES * 126))
  t0=$(date +%s.%N)
  (cd "$d" && PATH="/usr/bin:/bin" exec "$@" "$d" >/dev/null 2>&1) &
  pid=$!
  disown "$pid"
  while :; do
    size=$({ cat "$d"/svc1/log/main/@* "$d"/svc1/log/main/current 2>/dev/null || true; } | wc -c)
    [ "$size" -ge "$want" ] && break
    sleep 0.02
  done
  t1=$(date +%s.%N)
  stop "$pid" "$d"
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$LINES" -v by="$((LINES * 101))" \
    'BEGIN { s = b - a; printf "  %-22s %6.2f s  %7.1f MB/s\n", l, s, by / 1e6 / s }'
  awk -v l="$label" -v a="$t0" -v b="$t1" 'BEGIN { print l, b - a }' >>"$work/walls"
}

echo "$N services, log/run: exec setuidgid nobody multilog t ./main (from this shell, no other Deno)"
memory_row daemontools /usr/bin/svscan
for b in "${builds[@]}"; do memory_row "${b%%=*}" "${b#*=}" svscan; done

echo
deno run -A --quiet --no-config "$here/multilog/gen.ts" "$LINES" 100 >"$work/input"
echo "one account logger, $LINES lines of 100 bytes (t s16777215 n20)"
for b in "${builds[@]}"; do throughput_row "${b%%=*}" "${b#*=}" svscan; done
mkdir -p "$work/s6" && chown nobody "$work/s6"
t0=$(date +%s.%N)
(cd "$work/s6" && cat "$work/input" | /usr/bin/s6-setuidgid nobody /usr/bin/s6-log t s16777215 n20 ./main)
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v by="$((LINES * 101))" \
  'BEGIN { s = b - a; printf "  %-22s %6.2f s  %7.1f MB/s\n", "s6-log (pipe)", s, by / 1e6 / s }'
echo "s6-log $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >>"$work/walls"
awk '$1 == "s6-log" { s = $2 } $1 != "s6-log" { w[$1] = $2 } END {
  for (k in w) printf "  %s / s6-log: %.2fx\n", k, s / w[k] }' "$work/walls"

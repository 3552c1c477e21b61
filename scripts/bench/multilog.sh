#!/usr/bin/env bash
# multilog throughput, in one run: 2,000,000 lines of 100 bytes through a
# pipe into `multilog t s16777215 n20 ./main` for dt, Debian's daemontools
# and s6-log (`s6-log t s16777215 n20 ./main`), with `cat` into a file as the
# copy floor. For each: wall seconds, MB/s, lines/s, CPU seconds, peak RSS,
# and the line count found in the log files. Then the delay of a lone line
# from stdin to `current` while input is idle, and tai64nlocal over
# 1,000,000 stamped lines against daemontools'. Ratios are from this run.
#
# Usage: scripts/bench/multilog.sh [LINES]      (default 2000000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LINES=${1:-2000000}
WIDTH=100
dt="$root/bin/dt"
work=$(mktemp -d /tmp/dt-bench-multilog.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

deno run -A --quiet --no-config "$here/multilog/gen.ts" "$LINES" "$WIDTH" >input
bytes=$(stat -c %s input)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "input: $LINES lines of $WIDTH bytes ($mb MB), fed through a pipe"
printf '%-26s %8s %9s %12s %8s %9s %10s\n' case "wall s" "MB/s" "lines/s" "cpu s" "rss MB" "lines out"

# run LABEL CMD... : cat input | CMD in a fresh directory; prints a row, records wall time
run() {
  local label=$1 d
  shift
  d="$work/$label"
  rm -rf "$d" && mkdir -p "$d"
  sync
  (cd "$d" && cat "$work/input" | /usr/bin/time -o "$d.time" -f '%e %U %S %M' "$@")
  read -r wall user sys rss <"$d.time"
  local count
  if [ -d "$d/main" ]; then count=$(cat "$d"/main/@* "$d"/main/current 2>/dev/null | wc -l)
  else count=$(cat "$d"/out | wc -l); fi
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v n="$LINES" -v c="$count" \
    'BEGIN { printf "%-26s %8.2f %9.1f %12.0f %8.2f %9.1f %10d\n", l, w, b / 1e6 / w, n / w, u + s, r / 1024, c }'
  echo "$label $wall" >>"$work/walls"
  if [ "$count" != "$LINES" ]; then echo "bench: $label wrote $count lines, not $LINES" >&2; exit 1; fi
}

run cat sh -c 'exec cat >out'
run dt "$dt" multilog t s16777215 n20 ./main
run daemontools /usr/bin/multilog t s16777215 n20 ./main
run s6-log /usr/bin/s6-log t s16777215 n20 ./main

wall() { awk -v l="$1" '$1 == l { print $2 }' "$work/walls"; }
awk -v dt="$(wall dt)" -v s6="$(wall s6-log)" -v ml="$(wall daemontools)" -v c="$(wall cat)" 'BEGIN {
  printf "throughput ratios: dt/s6-log %.2fx, dt/daemontools %.2fx, dt/cat %.2fx\n", s6 / dt, ml / dt, c / dt }'

echo
echo "a lone line, stdin to current, input idle (20 rounds): median ms, max ms"
for case in dt daemontools s6-log; do
  d="$work/delay-$case"
  mkdir -p "$d"
  case $case in
    dt) cmd=("$dt" multilog t ./main) ;;
    daemontools) cmd=(/usr/bin/multilog t ./main) ;;
    s6-log) cmd=(/usr/bin/s6-log t ./main) ;;
  esac
  printf '  %-12s %s\n' "$case" "$(deno run -A --quiet --no-config "$here/multilog/delay.ts" "$d" 20 "${cmd[@]}")"
done

echo
head -n 1000000 input | /usr/bin/tai64n >stamped
echo "tai64nlocal over 1,000,000 stamped lines (TZ=${TZ:-system})"
for case in dt daemontools; do
  if [ $case = dt ]; then cmd=("$dt" tai64nlocal); else cmd=(/usr/bin/tai64nlocal); fi
  /usr/bin/time -o "t-$case" -f '%e %U %S %M' "${cmd[@]}" <stamped >"local-$case"
  read -r w u s r <"t-$case"
  printf '  %-12s %6.2f s wall %6.2f s cpu %7.1f MB rss\n' "$case" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}')" "$(awk -v r="$r" 'BEGIN{print r/1024}')"
  echo "$case $w" >>"$work/tl"
done
cmp -s local-dt local-daemontools || { echo "bench: tai64nlocal outputs differ" >&2; exit 1; }
awk '$1 == "dt" { d = $2 } $1 == "daemontools" { m = $2 } END {
  printf "  tai64nlocal ratio: dt is %.2fx daemontools'"'"' speed (same output)\n", m / d }' "$work/tl"

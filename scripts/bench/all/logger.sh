#!/usr/bin/env bash
# Logger throughput and peak RSS: LINES lines of 100 bytes through a pipe into
# `multilog t s16777215 n20 ./main` (dt, daemontools) and s6-log.
# Usage: logger.sh RESULTS [LINES]
set -euo pipefail
results=$1 LINES=${2:-2000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d /tmp/dt-bench-logger.XXXXXX)
trap 'rm -rf "$work"' EXIT
deno run -A --quiet --no-config "$here/../multilog/gen.ts" "$LINES" 100 >"$work/input"
bytes=$(stat -c %s "$work/input")
run() {
  local kind=$1 d=$work/$1
  shift
  mkdir "$d"
  (cd "$d" && /usr/bin/time -o "$d.time" -f '%e %M' "$@" <"$work/input")
  read -r wall rss <"$d.time"
  local count
  count=$(cat "$d"/main/@* "$d"/main/current 2>/dev/null | wc -l)
  [ "$count" = "$LINES" ] || { echo "bench: $kind logged $count lines, not $LINES" >&2; exit 1; }
  awk -v k="$kind" -v w="$wall" -v b="$bytes" -v r="$rss" 'BEGIN {
    printf "%s logger_mbps %.0f\n%s logger_rss_kib %d\n", k, b / 1e6 / w, k, r }' >>"$results"
  rm -rf "$d"
}
# through a pipe, as a service's log is fed
run dt sh -c "cat '$work/input' | exec '$root/dist/dt' multilog t s16777215 n20 ./main"
run daemontools sh -c "cat '$work/input' | exec /usr/bin/multilog t s16777215 n20 ./main"
run s6 sh -c "cat '$work/input' | exec /usr/bin/s6-log t s16777215 n20 ./main"

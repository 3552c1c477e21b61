#!/usr/bin/env bash
# `deno task bench`: every figure of the README's speed table in one run, dt
# (the bundle, dist/dt) side by side with daemontools and s6 (by absolute
# path), then the one file (dist/dt-linux-x64) beside the bundle, then a
# steady log load (200 services writing 100 lines a second each) under dt and
# daemontools, then the tables with ratios. ~11 minutes on 2 cores.
# Usage: scripts/bench/all.sh [IDLE_SECONDS] [SERVICES] [LOG_LINES] [LOAD_SERVICES] [LOAD_RATE]
#        (60, 500, 2000000, 200, 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
IDLE=${1:-60} N=${2:-500} LINES=${3:-2000000} LOAD_N=${4:-200} LOAD_RATE=${5:-100}
results=$(mktemp /tmp/dt-bench-results.XXXXXX)
trap 'rm -f "$results"' EXIT
cd "$root"
deno run -A --quiet scripts/onefile.ts "$(case $(uname -m) in aarch64) echo arm64 ;; *) echo x64 ;; esac)" >/dev/null
echo "dt bench: $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $N services, idle ${IDLE} s, $LINES log lines" >&2
for kind in dt daemontools s6; do
  echo "  scanner: $kind" >&2
  "$here/all/scan.sh" "$kind" "$results" "$N" "$IDLE"
done
echo "  one-shot tools" >&2
"$here/all/oneshot.sh" "$results"
echo "  restart and svc -t" >&2
deno run -A --quiet --no-config "$here/supervise.ts" "$results" >/dev/null
echo "  logger" >&2
"$here/all/logger.sh" "$results" "$LINES"
echo "  the one file" >&2
"$here/all/onefile.sh" "$results"
for kind in dt daemontools; do
  echo "  steady log load: $kind" >&2
  "$here/all/logload.sh" "$kind" "$results" "$LOAD_N" "$LOAD_RATE"
done
awk -f "$here/all/table.awk" -v N="$N" -v IDLE="$IDLE" -v LINES="$LINES" -v LOAD_N="$LOAD_N" \
  -v LOAD_RATE="$LOAD_RATE" "$results"

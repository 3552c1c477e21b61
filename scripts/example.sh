#!/usr/bin/env bash
# Runs dt on the example service tree (examples/service) in a scratch copy:
# starts svscan, shows svstat, reads the log with tai64nlocal, restarts a
# service with svc -t, takes it down and up, then shuts everything down.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/dt-example.XXXXXX)
cp -r "$root/examples/service" "$work/service"
mkdir -p "$work/bin"
"$root/bin/dt" install-links "$work/bin" >/dev/null
export PATH="$work/bin:$PATH"
say() { printf '\n$ %s\n' "$*"; "$@"; }

svscan "$work/service" 2>"$work/svscan.err" &
scanner=$!
trap 'kill -TERM $scanner 2>/dev/null; wait $scanner 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  [ -s "$work/service/hello/log/main/current" ] && break
  sleep 0.1
done
say svstat "$work/service/hello" "$work/service/hello/log" "$work/service/clock"
say svok "$work/service/hello"
sleep 2
printf '\n$ tai64nlocal < %s | tail -3\n' "$work/service/hello/log/main/current"
tai64nlocal <"$work/service/hello/log/main/current" | tail -3
say svc -t "$work/service/hello"
sleep 1.2
say svstat "$work/service/hello"
say svc -d "$work/service/clock"
sleep 0.3
say svstat "$work/service/clock"
say svc -u "$work/service/clock"
sleep 0.3
say svstat "$work/service/clock"
printf '\n$ ps -o pid,args --ppid %s   (one dt process supervises them all)\n' "$scanner"
ps -o pid,args --ppid "$scanner"
printf '\n$ kill -TERM %s   (orderly shutdown: services down, loggers last)\n' "$scanner"
kill -TERM "$scanner"
wait "$scanner" || true
trap 'rm -rf "$work"' EXIT
echo "done."

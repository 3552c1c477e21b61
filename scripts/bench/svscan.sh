#!/bin/sh
# svscan side by side with daemontools: memory of a 50-service tree with
# loggers, time to bring 500 services up, threads, idle CPU.
# Usage: sh scripts/bench/svscan.sh [IDLE_SECONDS]   (default 60)
here=$(dirname "$0")
exec deno run -A --quiet --no-config "$here/svscan/bench.ts" "$@"

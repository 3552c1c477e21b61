#!/usr/bin/env bash
# Chain-loading cost, in one run: a chain of three (envdir -> setuidgid ->
# softlimit -> /bin/true) with dt applied in-process, with dt exec'ing each
# step, with Debian's daemontools, and one dt start. Wall and CPU (user+sys of
# the whole run, children included) per run, as the mean of N runs.
#
# Usage: scripts/bench/chain.sh [N]     (needs root for setuidgid; default N=20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${1:-20}
work=$(mktemp -d /tmp/dt-bench-chain.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/chain/setup.sh" "$root" "$work"
account=nobody

# measure LABEL CMD... : prints "LABEL wall_ms cpu_ms" (per run)
measure() {
  local label=$1 out
  shift
  "$@" >/dev/null 2>&1 || { echo "bench: $label failed: $*" >&2; exit 1; }  # warm up, check
  out=$( { TIMEFORMAT='%R %U %S'; time (for ((i = 0; i < N; i++)); do "$@" >/dev/null 2>&1; done); } 2>&1 )
  read -r real user sys <<<"$out"
  awk -v l="$label" -v r="$real" -v u="$user" -v s="$sys" -v n="$N" \
    'BEGIN { printf "%-44s %9.1f %9.1f\n", l, r * 1000 / n, (u + s) * 1000 / n }' | tee -a "$work/rows"
}

cd "$work"
printf '%-44s %9s %9s\n' "case ($N runs each)" "wall ms" "cpu ms"
measure "/bin/true" /bin/true
measure "daemontools: envdir+setuidgid+softlimit" \
  envdir ./env setuidgid "$account" softlimit -m 100000000 /bin/true
measure "one dt start: dt softlimit /bin/true" \
  "$root/bin/dt" softlimit -m 100000000 /bin/true
measure "dt chain, in-process (dt NAME ...)" \
  env PATH="$work/bin:$PATH" dt envdir ./env dt setuidgid "$account" dt softlimit -m 100000000 /bin/true
measure "dt chain, in-process (names via PATH)" \
  env PATH="$work/bin:$PATH" envdir ./env setuidgid "$account" softlimit -m 100000000 /bin/true
measure "dt chain, one runtime start per step" \
  env PATH="$work/exec:$PATH" envdir ./env setuidgid "$account" softlimit -m 100000000 /bin/true

# the aim: a chain of three costs no more than 1.2 x one dt start
awk '/^one dt start/ { w1 = $(NF - 1); c1 = $NF }
  /^dt chain, in-process/ { if ($(NF - 1) > w) w = $(NF - 1); if ($NF > c) c = $NF }
  END { printf "chain of three / one dt start: wall %.2f, cpu %.2f (aim: <= 1.2)\n", w / w1, c / c1 }' "$work/rows"

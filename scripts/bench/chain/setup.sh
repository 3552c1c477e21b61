#!/usr/bin/env bash
# Prepares the chain benchmark's directory: an env dir, a bin dir of program
# names linked to dt (in-process chaining), and an exec dir of wrapper
# scripts that run dt under each name, so that each step is a new process.
# Usage: setup.sh ROOT WORKDIR
set -euo pipefail
root=$1 work=$2
chmod 755 "$work"   # the account of setuidgid must reach the next program
mkdir -p "$work/env" "$work/bin" "$work/exec"
printf 'bench\n' >"$work/env/BENCH"
for p in dt envdir setuidgid softlimit; do ln -sf "$root/bin/dt" "$work/bin/$p"; done
for p in envdir setuidgid softlimit; do
  printf '#!/bin/sh\nexec %s %s "$@"\n' "$root/bin/dt" "$p" >"$work/exec/$p"
  chmod 755 "$work/exec/$p"
done

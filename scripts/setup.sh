#!/usr/bin/env bash
# Fresh-machine set-up for dt's tests, run as root: `sudo scripts/setup.sh` (or `deno task setup`).
# Installs Deno 2.9.6 from npm when it is missing or another version, and from apt the programs
# the tests compare dt with or run around it (mandoc and man: the man pages' checks). Says what it installs; installs nothing already there.
set -euo pipefail

# package → a program it provides (checked on PATH and in /usr/bin, /usr/sbin)
PACKAGES=(
  "daemontools supervise"
  "s6 s6-log"
  "tini tini"
  "dumb-init dumb-init"
  "bsdutils script"
  "strace strace"
  "nginx nginx"
  "busybox busybox"
  "mandoc mandoc"
  "man-db man"
)

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }

if [ "$(id -u)" != 0 ]; then
  echo "setup: run as root (the tests create a user and PID namespaces): sudo $0" >&2
  exit 100
fi

if ! have deno || ! deno --version 2>/dev/null | grep -q '^deno 2\.9\.6 '; then
  echo "setup: installing Deno 2.9.6 from npm (npm install -g deno@2.9.6)"
  npm install -g deno@2.9.6 >/dev/null 2>&1 || npm install -g deno@2.9.6
fi

missing=()
for entry in "${PACKAGES[@]}"; do
  set -- $entry
  have "$2" || missing+=("$1")
done
export DEBIAN_FRONTEND=noninteractive
if [ "${#missing[@]}" != 0 ]; then
  echo "setup: installing from apt: ${missing[*]}"
  apt-get update -qq >/dev/null 2>&1 || apt-get update
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || apt-get install -y "${missing[@]}"
fi
# checkbashisms alone (a perl script), out of Debian's devscripts package: the whole package
# brings some 240 others
if ! have checkbashisms; then
  echo "setup: installing checkbashisms from Debian's devscripts package (the script alone)"
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download devscripts >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get download devscripts; }; }) &&
    dpkg-deb -x "$tmp"/devscripts_*.deb "$tmp/x" &&
    install -m 0755 "$tmp/x/usr/bin/checkbashisms" /usr/local/bin/checkbashisms
  rm -rf "$tmp"
  have checkbashisms || { echo "setup: unable to install checkbashisms" >&2; exit 111; }
fi
echo "setup: Deno 2.9.6 and every package the tests need are installed"

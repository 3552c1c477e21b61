# The one file (scripts/onefile.ts puts this in place of bin/dt's `#@onefile` line): Deno and the
# bundle ride in this file after the script, unpacked once into a directory named by their hash
# and reused (docs/design.md, "The one file"). Where: beside this file, unless its directory is
# sticky (/tmp: another account could have made the directory first); else this account's cache,
# $XDG_CACHE_HOME/dt, ~/.cache/dt or /tmp/dt-UID, which must be this account's own.
dt_of_name=@NAME@
# dt_of_uid: this process's effective uid, read from /proc (no process)
dt_of_uid() {
  [ -n "${dt_of_u-}" ] && return 0
  while read -r dt_of_k dt_of_r dt_of_u dt_of_x; do
    [ "$dt_of_k" = Uid: ] && return 0
  done </proc/self/status
  dt_of_u=
  return 1
}
# dt_of_find: dt_lib is where this file's Deno and bundle are unpacked, if they are (tests only)
dt_of_find() {
  if [ ! -k "$dt_here" ] && [ -x "$dt_here/.$dt_of_name/deno" ]; then
    dt_lib=$dt_here/.$dt_of_name
    return 0
  fi
  for dt_of_c in ${XDG_CACHE_HOME:+"$XDG_CACHE_HOME/dt"} ${HOME:+"$HOME/.cache/dt"} /tmp/dt-; do
    case $dt_of_c in /*) ;; *) continue ;; esac
    if [ "$dt_of_c" = /tmp/dt- ]; then dt_of_uid || continue; dt_of_c=/tmp/dt-$dt_of_u; fi
    if [ -O "$dt_of_c" ] && [ -O "$dt_of_c/$dt_of_name" ] && [ -x "$dt_of_c/$dt_of_name/deno" ]
    then
      dt_lib=$dt_of_c/$dt_of_name
      return 0
    fi
  done
  return 1
}
# dt_of_fail WHY: the one line, exit 111
dt_of_fail() {
  echo "$dt_prog: fatal: unable to unpack $dt_self: $1" >&2
  exit 111
}
# dt_of_extract DIR: unpacks into a directory of this start's own beside DIR, checks every file
# against the sums this script carries, then renames it to DIR, which thus appears complete or not
# at all. 0: done (by this start or another); 1: cannot write there; 2: this file is damaged.
dt_of_extract() {
  dt_of_t=$1.$$
  rm -rf "$dt_of_t"
  mkdir "$dt_of_t" 2>/dev/null || return 1
  mkdir "$dt_of_t/one" "$dt_of_t/man" "$dt_of_t/man/man8" || { rm -rf "$dt_of_t"; return 1; }
  set -- "$1" @MEMBERS@
  dt_of_d=$1
  shift
  # text members, each from a 4 KiB block on, padded with NULs
  while [ $# -ge 3 ]; do
    dd if="$dt_self" bs=4096 skip="$2" count="$3" 2>/dev/null | tr -d '\000' >"$dt_of_t/$1" ||
      { rm -rf "$dt_of_t"; return 1; }
    shift 3
  done
  # Deno, from a 64 KiB block to the end
  if ! dd if="$dt_self" of="$dt_of_t/deno" bs=65536 skip=@RSKIP@ 2>/dev/null; then
    rm -rf "$dt_of_t"
    return 1
  fi
  chmod 0755 "$dt_of_t/deno"
  dt_of_s=$(cd "$dt_of_t" && cksum @FILES@ 2>/dev/null)
  if [ "$dt_of_s" != '@SUMS@' ]; then
    rm -rf "$dt_of_t"
    return 2
  fi
  [ -e "$dt_of_d" ] || mv "$dt_of_t" "$dt_of_d"
  # (another start that broke a lock it took for dead may have renamed first: this copy goes)
  rm -rf "$dt_of_t" "$dt_of_d/${dt_of_t##*/}"
  [ -x "$dt_of_d/deno" ] || return 1
}
# dt_of_into PARENT: DIR = PARENT/NAME unpacked, one start at a time (a lock directory holding the
# unpacker's pid; a lock whose unpacker is gone, or older than two minutes, is taken over: two
# unpackers still make one complete DIR). 0, 1, 2 as dt_of_extract.
dt_of_into() {
  dt_of_d=$1/$2
  dt_of_l=$dt_of_d.lock
  dt_of_n=0
  while [ ! -x "$dt_of_d/deno" ]; do
    if mkdir "$dt_of_l" 2>/dev/null; then
      # (a start that took this lock for a dead one's may have moved it away: go round again)
      { echo $$ >"$dt_of_l/pid"; } 2>/dev/null || continue
      # what an unpacker killed midway left (its pid gone) goes
      for dt_of_x in "$dt_of_d".[0-9]*; do
        [ -d "$dt_of_x" ] && [ ! -d "/proc/${dt_of_x##*.}" ] && rm -rf "$dt_of_x"
      done
      dt_of_extract "$dt_of_d"
      dt_of_s=$?
      rm -rf "$dt_of_l"
      return $dt_of_s
    fi
    [ -d "$dt_of_l" ] || return 1
    dt_of_p=
    # (the lock may go between the test and the read: no message then)
    { read -r dt_of_p <"$dt_of_l/pid"; } 2>/dev/null
    if { [ -n "$dt_of_p" ] && [ -d "/proc/$dt_of_p" ] && [ $dt_of_n -lt 1200 ]; } ||
      { [ -z "$dt_of_p" ] && [ $dt_of_n -lt 50 ]; }; then
      dt_of_n=$((dt_of_n + 1))
      sleep 0.1 2>/dev/null || sleep 1
    else
      rm -rf "$dt_of_l.$$"
      mv "$dt_of_l" "$dt_of_l.$$" 2>/dev/null || [ ! -d "$dt_of_l" ] || return 1
      rm -rf "$dt_of_l.$$"
      dt_of_n=0
    fi
  done
  return 0
}
# dt_of_cache DIR: DIR made if missing (0700), and this account's own, writable by no other
dt_of_cache() {
  [ -d "$1" ] || mkdir -p -m 0700 "$1" 2>/dev/null || return 1
  [ -O "$1" ] || return 1
  case $(ls -ldn "$1" 2>/dev/null) in d????-??-?*) return 0 ;; *) return 1 ;; esac
}
# dt_of_unpack [beside]: unpacks this file, beside it (or, unless `beside`, in the cache)
dt_of_unpack() {
  PATH=/usr/bin:/bin:${PATH-}
  umask 022
  dt_of_want=@SIZE@
  dt_of_have=$(wc -c <"$dt_self" 2>/dev/null) || dt_of_fail "unable to read it"
  if [ $((dt_of_have)) -ne "$dt_of_want" ]; then
    dt_of_fail "it has $((dt_of_have)) bytes, not $dt_of_want: truncated or damaged; copy it again"
  fi
  for dt_of_x in dd tr cksum mkdir mv rm chmod ls; do
    command -v $dt_of_x >/dev/null 2>&1 || dt_of_fail "$dt_of_x not found (POSIX: coreutils, busybox)"
  done
  case $(uname -sm 2>/dev/null) in
    "Linux @ARCH@") ;;
    *) dt_of_fail "it is dt for linux-@LABEL@; this is $(uname -sm 2>/dev/null)" ;;
  esac
  dt_of_w=
  if [ -k "$dt_here" ]; then
    dt_of_w="$dt_here is a sticky directory: not beside it"
  else
    dt_of_into "$dt_here" ".$dt_of_name"
    case $? in 0) return 0 ;; 2) dt_of_fail "it is damaged (a sum differs); copy it again" ;; esac
    dt_of_w="$dt_here is not writable"
  fi
  [ "${1-}" = beside ] && dt_of_fail "$dt_of_w"
  for dt_of_c in ${XDG_CACHE_HOME:+"$XDG_CACHE_HOME/dt"} ${HOME:+"$HOME/.cache/dt"} /tmp/dt-; do
    case $dt_of_c in /*) ;; *) continue ;; esac
    if [ "$dt_of_c" = /tmp/dt- ]; then dt_of_uid || continue; dt_of_c=/tmp/dt-$dt_of_u; fi
    dt_of_cache "$dt_of_c" || continue
    dt_of_into "$dt_of_c" "$dt_of_name"
    case $? in 0) return 0 ;; 2) dt_of_fail "it is damaged (a sum differs); copy it again" ;; esac
  done
  dt_of_fail "$dt_of_w and no cache is ($dt_self --unpack unpacks it beside itself, e.g. at image build)"
}
if [ "${1-}" = --unpack ]; then
  (dt_of_unpack beside) || exit 111
  dt_of_find || exit 111
  echo "$dt_lib"
  exit 0
fi
if ! dt_of_find; then
  (dt_of_unpack) || exit 111
  dt_of_find || dt_of_fail "unpacked, but not found again"
fi
dt_deno=$dt_lib/deno

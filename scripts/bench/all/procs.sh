# shellcheck shell=bash
# Processes of a tree the bench started, by pid: never by name or pattern
# (CI and other work run scanners and sleeps of their own on the machine).
# Sourced by scan.sh, logload.sh and oneshot.sh.

# tree_pids PID...: the given processes and every descendant, now
tree_pids() {
  local pids=("$@") i=0 c
  while [ $i -lt ${#pids[@]} ]; do
    for c in $(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null); do pids+=("$c"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}

# without_comm COMM... -- PID...: the pids whose comm is none of COMM (the services)
without_comm() {
  local skip=() p out=()
  while [ "$1" != -- ]; do skip+=("$1") && shift; done
  shift
  for p in "$@"; do
    case " ${skip[*]} " in *" $(cat /proc/"$p"/comm 2>/dev/null) "*) ;; *) out+=("$p") ;; esac
  done
  echo "${out[@]}"
}

# end_pids PID...: waits up to 20 s in all for each to end, then KILLs what is left
end_pids() {
  local p end=$((SECONDS + 20))
  for p in "$@"; do
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
}

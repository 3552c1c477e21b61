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

# stop_tree KIND SCANNER SCANDIR: stops a scanner this shell started and its tree. dt and s6 end
# their services themselves; daemontools' supervisors outlive svscan and are told to go
# (svc -dx, their loggers' too). What is left of the tree is ended by end_pids.
stop_tree() {
  local kind=$1 scanner=$2 dir=$3 all d
  all=$(tree_pids "$scanner")
  case $kind in
    dt) kill -TERM "$scanner" 2>/dev/null || true ;;
    daemontools)
      kill -KILL "$scanner" 2>/dev/null || true
      wait "$scanner" 2>/dev/null || true
      for d in "$dir"/*/ "$dir"/*/log/; do /usr/bin/svc -dx "$d" 2>/dev/null || true; done ;;
    s6) /usr/bin/s6-svscanctl -t "$dir" 2>/dev/null || kill -TERM "$scanner" 2>/dev/null || true ;;
  esac
  wait "$scanner" 2>/dev/null || true
  # shellcheck disable=SC2086
  end_pids $all
}

/**
 * Helpers for supervise tests: a run script that records its starts and the
 * signals it gets (TERM keeps its default action: it ends the service), and readers for
 * what it recorded. It waits in short sleeps so
 * that a KILL leaves no long-lived orphan.
 */
import { decodeStatus, type Status } from "../../lib/supervise/status.ts";
import type { Sandbox } from "../helpers/mod.ts";

/**
 * A run script that appends its pid and start time to `starts`, logs each
 * trapped signal to `sigs`, and otherwise waits. TERM and KILL end it.
 */
export const RECORDER = `echo "$$ $(date +%s%N)" >> starts
trap 'echo HUP >> sigs' HUP
trap 'echo ALRM >> sigs' ALRM
trap 'echo INT >> sigs' INT
trap 'echo USR1 >> sigs' USR1
while :; do sleep 1 & s=$!; wait $s; done`;

/** Reads the status file, or null. */
export function readStatus(dir: string): Status | null {
  try {
    return decodeStatus(Deno.readFileSync(`${dir}/supervise/status`));
  } catch {
    return null;
  }
}

/** Lines of a file in the sandbox, or []. */
export function lines(sb: Sandbox, rel: string): string[] {
  try {
    return Deno.readTextFileSync(sb.path(rel)).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** Process state letter from /proc (R, S, T, Z…), or null when gone. */
export function procState(pid: number): string | null {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return s.slice(s.lastIndexOf(")") + 2, s.lastIndexOf(")") + 3);
  } catch {
    return null;
  }
}

/**
 * The last step of `dt init`'s orderly end: everything still running below
 * dt (a background job, a daemon PROG forked, an orphan) gets TERM and CONT,
 * has until the deadline to exit, and then gets KILL.
 *
 * @module
 */
import { descendants } from "./descendants.ts";
import { alive, kill, SIG } from "../sys/signal.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(pid: number, sig: number): void {
  try {
    kill(pid, sig);
  } catch { /* gone, or not ours to signal */ }
}

function statFields(pid: number): string[] | null {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** The process group of `pid` from /proc, or -1 when it is gone. */
export function pgidOf(pid: number): number {
  const f = statFields(pid);
  return f === null ? -1 : Number(f[2]);
}

/** The state letter of `pid` from /proc (`R`, `S`, `T`, `Z`…), or "" when it is gone. */
export function stateOf(pid: number): string {
  return statFields(pid)?.[0] ?? "";
}

/**
 * Ends every descendant of this process: TERM (unless `spared(pid)`: it had
 * the forwarded signal already) and CONT to each, including any that appear
 * meanwhile; waits until none is left or `deadline` (epoch ms) passes; KILLs
 * the rest and waits briefly for them to go. Resolves with the pids killed.
 */
export async function endLeftovers(
  deadline: number,
  spared: (pid: number) => boolean = () => false,
): Promise<number[]> {
  const seen = new Set<number>();
  const signalNew = () => {
    for (const p of descendants()) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (!spared(p)) send(p, SIG.TERM);
      send(p, SIG.CONT);
    }
  };
  if (Date.now() < deadline) signalNew();
  while (Date.now() < deadline && descendants().length) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    signalNew();
  }
  const left = descendants();
  for (const p of left) send(p, SIG.KILL);
  const end = Date.now() + 2000;
  while (Date.now() < end && left.some(alive) && descendants().length) await sleep(20);
  return left;
}

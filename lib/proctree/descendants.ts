/**
 * The processes below this one, read from /proc: what an init or subreaper
 * must see ended before it exits, and the ending itself (TERM and CONT, the
 * grace, KILL), shared by `dt init` and svscan as PID 1 or subreaper.
 *
 * @module
 */
import { sleep } from "../common/long_timer.ts";
import { alive, SIG, signalIfThere } from "../sys/signal.ts";

/** The fields of /proc/PID/stat after the command name (state first), or null when gone. */
export function statFields(pid: number | string): string[] | null {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** A live (non-zombie) process: its pid, its parent's, and its session's id. */
export interface LiveProcess {
  pid: number;
  ppid: number;
  sid: number;
}

/** Every live, non-zombie process, read from /proc. */
export function liveProcesses(): LiveProcess[] {
  const out: LiveProcess[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const f = statFields(e.name);
    if (f === null || f[0] === "Z" || f[0] === "X") continue;
    out.push({ pid: Number(e.name), ppid: Number(f[1]), sid: Number(f[3]) });
  }
  return out;
}

/** Pid → the pids of its children, in `procs`. */
export function childrenOf(procs: readonly LiveProcess[]): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const { pid, ppid } of procs) {
    let k = kids.get(ppid);
    if (k === undefined) kids.set(ppid, k = []);
    k.push(pid);
  }
  return kids;
}

/**
 * Pids of every live descendant of `root`, leaving out the trees of the
 * direct children of `root` that are in `skip`.
 */
export function descendants(
  root: number = Deno.pid,
  skip: ReadonlySet<number> = new Set(),
): number[] {
  const kids = childrenOf(liveProcesses());
  const out: number[] = [];
  const stack = (kids.get(root) ?? []).filter((p) => !skip.has(p));
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
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
      if (!spared(p)) signalIfThere(p, SIG.TERM);
      signalIfThere(p, SIG.CONT);
    }
  };
  if (Date.now() < deadline) signalNew();
  while (Date.now() < deadline && descendants().length) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    signalNew();
  }
  const left = descendants();
  for (const p of left) signalIfThere(p, SIG.KILL);
  const end = Date.now() + 2000;
  while (Date.now() < end && left.some(alive) && descendants().length) await sleep(20);
  return left;
}

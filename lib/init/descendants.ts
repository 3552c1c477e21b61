/**
 * The processes below this one, read from /proc: what an init or subreaper
 * must see ended before it exits.
 *
 * @module
 */
import { alive, kill, SIG } from "../sys/signal.ts";

/** Parent pid of each live, non-zombie process: `Map<pid, ppid>`. */
export function processTable(): Map<number, number> {
  const t = new Map<number, number>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
      if (rest[0] === "Z" || rest[0] === "X") continue;
      t.set(Number(e.name), Number(rest[1]));
    } catch { /* gone */ }
  }
  return t;
}

/** Pids of every live descendant of `root`. */
export function descendants(root: number = Deno.pid): number[] {
  const t = processTable();
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of t) {
    if (!kids.has(ppid)) kids.set(ppid, []);
    kids.get(ppid)!.push(pid);
  }
  const out: number[] = [];
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

/**
 * Sends TERM and CONT to every descendant, waits up to `graceMs` for them all
 * to end (they are reaped by the init's reaper meanwhile), then KILLs what is
 * left. Resolves with the pids that had to be killed.
 */
export async function endDescendants(graceMs: number): Promise<number[]> {
  for (const p of descendants()) {
    try {
      kill(p, SIG.TERM);
      kill(p, SIG.CONT);
    } catch { /* gone */ }
  }
  const deadline = Date.now() + graceMs;
  while (descendants().length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const left = descendants();
  for (const p of left) {
    try {
      kill(p, SIG.KILL);
    } catch { /* gone */ }
  }
  const end = Date.now() + 2000;
  while (left.some(alive) && descendants().length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return left;
}

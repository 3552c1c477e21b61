/**
 * The process tree of a `kill-tree` service. Its `./run` starts in a session
 * of its own (setsid), so every process it starts carries that session id,
 * also after it is re-parented (to this process, made a child subreaper, or
 * to init); a process that made a session of its own is still found as a
 * descendant of one that has not. Read from /proc.
 *
 * @module
 */
import { sleep } from "../common/long_timer.ts";
import { childrenOf, liveProcesses } from "../proctree/descendants.ts";
import { reapAll, reapingAll } from "../sys/reaper.ts";
import { setSubreaper } from "../sys/proc.ts";
import { SIG, signalIfThere } from "../sys/signal.ts";

/** Live (non-zombie) pids of the tree of session `sid`: its members and their descendants. */
function treeOf(sid: number): number[] {
  const procs = liveProcesses();
  const kids = childrenOf(procs);
  const found = new Set(procs.filter((p) => p.sid === sid).map((p) => p.pid));
  const stack = [...found];
  while (stack.length) {
    for (const c of kids.get(stack.pop()!) ?? []) {
      if (!found.has(c)) stack.push(c), found.add(c);
    }
  }
  found.delete(Deno.pid);
  return [...found];
}

/** Sends `sig` to the main process `pid` first, then to the rest of the tree of `sid`. */
export function signalTree(sid: number, pid: number, sig: number): void {
  if (pid) signalIfThere(pid, sig);
  for (const p of treeOf(sid)) if (p !== pid) signalIfThere(p, sig);
}

/** How long to wait before looking at /proc again, `waited` ms after TERM: 25 ms, up to 1 s. */
function pollInterval(waited: number): number {
  return Math.min(1000, Math.max(25, Math.floor(waited / 10)));
}

/**
 * Ends what is left of the tree of `sid`: TERM and CONT, then KILL for what
 * is still there after `killMs` (Infinity: never; then it waits as long as
 * anything is left). Resolves when none is left (or 1 s after KILL).
 */
export async function endTree(sid: number, killMs: number): Promise<void> {
  let left = treeOf(sid);
  if (left.length === 0) return;
  for (const p of left) signalIfThere(p, SIG.TERM), signalIfThere(p, SIG.CONT);
  const start = Date.now();
  const deadline = start + killMs;
  while (left.length && Date.now() < deadline) {
    // /proc is read often at first, then once a second for a long timeout-kill
    await sleep(Math.min(pollInterval(Date.now() - start), deadline - Date.now()));
    left = treeOf(sid);
  }
  for (const p of left) signalIfThere(p, SIG.KILL);
  const end = Date.now() + 1000;
  while (left.length && Date.now() < end) {
    await sleep(20);
    left = treeOf(sid);
  }
}

let subreaper = false;

/**
 * Makes this process a child subreaper that reaps every orphan (once): what a
 * kill-tree service leaves is re-parented here and reaped. Best effort.
 */
export function becomeSubreaper(): void {
  if (subreaper) return;
  subreaper = true;
  try {
    setSubreaper();
  } catch { /* found by session id all the same */ }
  if (!reapingAll()) reapAll();
}

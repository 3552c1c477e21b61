/**
 * Stray processes: what runs below this process but belongs to no supervisor —
 * orphans re-parented to an init or subreaper, and the leftovers of a service
 * whose `run` has exited. At shutdown they get TERM with the services, not
 * after them.
 *
 * @module
 */
import { processTable } from "../init/descendants.ts";

/**
 * Pids of the process trees rooted at a direct child of this process that is
 * not in `owned` (the pids the supervisors started, and any kept helper).
 */
export function strays(owned: ReadonlySet<number>, self: number = Deno.pid): number[] {
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of processTable()) {
    let k = kids.get(ppid);
    if (k === undefined) kids.set(ppid, k = []);
    k.push(pid);
  }
  const out: number[] = [];
  const stack = (kids.get(self) ?? []).filter((p) => !owned.has(p));
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

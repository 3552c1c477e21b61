/**
 * Stray processes: what runs below this process but belongs to no supervisor —
 * orphans re-parented to an init or subreaper, and the leftovers of a service
 * whose `run` has exited. At shutdown they get TERM with the services, not
 * after them.
 *
 * @module
 */
import { descendants } from "../proctree/descendants.ts";

/**
 * Pids of the process trees rooted at a direct child of this process that is
 * not in `owned` (the pids the supervisors started, and any kept helper).
 */
export function strays(owned: ReadonlySet<number>, self: number = Deno.pid): number[] {
  return descendants(self, owned);
}

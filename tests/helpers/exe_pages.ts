/**
 * How much of a process's `deno` executable is resident in its clean
 * (read-only, uncopied) mappings, and a dt program that never gives any back
 * to compare with: what a settled dt program gives back.
 */
import { cleanExeMappings } from "../../lib/sys/exe_pages.ts";
import { startOnFifo } from "./fifo_run.ts";
import { CLI, type Proc, type Sandbox, waitFor } from "./mod.ts";

/** KiB of `pid`'s executable resident in its clean mappings (from /proc/PID/smaps). */
export function cleanExeKiB(pid: number): number {
  const exe = Deno.readLinkSync(`/proc/${pid}/exe`);
  const smaps = Deno.readTextFileSync(`/proc/${pid}/smaps`);
  return cleanExeMappings(smaps, exe).reduce((n, m) => n + m.rssKiB, 0);
}

/**
 * `dt tai64n` (a filter: it never settles) reading a FIFO this test holds,
 * once it has stamped a line: the reference. `end()` closes its input.
 */
export async function unsettled(sb: Sandbox): Promise<{ proc: Proc; end(): void }> {
  const argv = [Deno.execPath(), "run", "-A", "--quiet", "--no-config", CLI, "tai64n"];
  const run = startOnFifo(sb, argv, sb.dir, sb.path(`unsettled.${crypto.randomUUID()}`));
  run.write("started\n");
  await waitFor("the reference stamped a line", () => run.proc.stdout().includes(" started\n"));
  return { proc: run.proc, end: run.end };
}

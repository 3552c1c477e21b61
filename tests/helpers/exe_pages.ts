/**
 * How much of a process's `deno` executable is resident in its clean
 * (read-only, uncopied) mappings, and a dt program that never gives any back
 * to compare with: what a settled dt program gives back.
 */
import { cleanExeMappings } from "../../lib/sys/exe_pages.ts";
import { mkfifo } from "../../lib/sys/fifo.ts";
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
  const fifo = sb.path(`unsettled.${crypto.randomUUID()}`);
  mkfifo(fifo);
  const f = Deno.openSync(fifo, { read: true, write: true });
  const proc = sb.start("bash", [
    "-c",
    'in=$1; shift; exec "$@" <"$in"',
    "bash",
    fifo,
    Deno.execPath(),
    ...["run", "-A", "--quiet", "--no-config", CLI, "tai64n"],
  ], { cwd: sb.dir });
  f.writeSync(new TextEncoder().encode("started\n"));
  await waitFor("the reference stamped a line", () => proc.stdout().includes(" started\n"));
  return { proc, end: () => f.close() };
}

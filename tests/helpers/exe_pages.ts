/**
 * How much of a process's `deno` executable is resident in its clean
 * (read-only, uncopied) mappings: what a settled dt program gives back.
 */
import { cleanExeMappings } from "../../lib/sys/exe_pages.ts";

/** KiB of `pid`'s executable resident in its clean mappings (from /proc/PID/smaps). */
export function cleanExeKiB(pid: number): number {
  const exe = Deno.readLinkSync(`/proc/${pid}/exe`);
  const smaps = Deno.readTextFileSync(`/proc/${pid}/smaps`);
  return cleanExeMappings(smaps, exe).reduce((n, m) => n + m.rssKiB, 0);
}

/**
 * `svscan [--subreaper] [DIR]`: supervise every service of DIR, in this one
 * process. As PID 1 (or with `--subreaper`) it is also the reaper of every
 * orphan below it. TERM or INT: every service down (loggers last), orphans
 * too, the grace period (DT_KILL_GRACE), KILL for what is left; exit 0. HUP
 * or ALRM: rescan now.
 *
 * @module
 */
import { fatal } from "../common/output.ts";
import { setSubreaper } from "../sys/proc.ts";
import { runScanner } from "../svscan/run_scanner.ts";

/** Runs svscan until TERM or INT. */
export async function main(args: string[]): Promise<number> {
  let subreaper = false;
  const rest: string[] = [];
  for (const a of args) {
    // as in 0.76 there are no options: any other argument is DIR
    if (a === "--subreaper") subreaper = true;
    else rest.push(a);
  }
  const dir = rest[0] ?? ".";
  try {
    Deno.chdir(dir);
  } catch (e) {
    fatal("svscan", 111, `unable to chdir to ${dir}: `, e);
  }
  const init = Deno.pid === 1;
  if (subreaper && !init) {
    try {
      setSubreaper();
    } catch (e) {
      fatal("svscan", 111, "unable to become a subreaper: ", e);
    }
  }
  return await runScanner(".", { reaping: init || subreaper });
}

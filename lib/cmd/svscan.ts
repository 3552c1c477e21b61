/**
 * `svscan [DIR]`: supervise every service of DIR, in this one process. As PID
 * 1 (or with `--subreaper`) it is also the reaper of every orphan below it.
 * TERM or INT: every service down (loggers last), then everything left below
 * gets TERM, the grace period (DT_KILL_GRACE), and KILL; exit 0. HUP or ALRM:
 * rescan now.
 *
 * @module
 */
import { fatal } from "../common/output.ts";
import { Scanner } from "../svscan/scanner.ts";
import { reapAll } from "../sys/reaper.ts";
import { setSubreaper } from "../sys/proc.ts";
import { graceFromEnv } from "../init/grace.ts";
import { endDescendants } from "../init/descendants.ts";

/** Runs svscan until TERM or INT. */
export async function main(args: string[]): Promise<number> {
  let subreaper = false;
  const rest: string[] = [];
  for (const a of args) {
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
  const reaping = init || subreaper;
  if (reaping) reapAll();
  const scanner = new Scanner(".");
  let ending: Promise<void> | null = null;
  const { promise, resolve } = Promise.withResolvers<number>();
  const stop = () => {
    ending ??= (async () => {
      const grace = graceFromEnv();
      await scanner.shutdown(grace);
      if (reaping) await endDescendants(grace);
      return 0;
    })().then(resolve);
  };
  // a PID-1 Deno without TERM/INT/HUP listeners dies of SIGSEGV: always listen
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGHUP", () => scanner.scan());
  Deno.addSignalListener("SIGALRM", () => scanner.scan());
  scanner.start();
  return await promise;
}

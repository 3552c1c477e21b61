/**
 * Runs a {@link Scanner} as a program: the signal handling svscan and
 * svscanboot share, and the init duties when this process is PID 1 or a
 * subreaper.
 *
 * - TERM or INT: orderly shutdown in every mode — every service down (TERM,
 *   CONT), loggers last, up to the grace (`DT_KILL_GRACE`), KILL for what is
 *   left; as an init, orphans too. Then resolve with 0.
 * - HUP or ALRM: rescan now.
 *
 * One process hosts every supervisor, so nothing may end it by accident: the
 * soft open-files limit is raised to the hard one (services get the original
 * back), a spare descriptor is kept for status files, and an exception or a
 * rejection that no supervisor contained is reported and goes no further.
 *
 * A PID-1 Deno without TERM/INT/HUP listeners dies of SIGSEGV when one
 * arrives, and signal listeners do not keep the event loop alive: the
 * listeners are installed before the first scan, and the scanner's interval
 * timer keeps the loop running.
 *
 * @module
 */
import { errLine } from "../common/output.ts";
import { graceFromEnv } from "../proctree/grace.ts";
import { endLeftovers } from "../proctree/descendants.ts";
import { reapAll } from "../sys/reaper.ts";
import { hostSupervisors } from "./host_process.ts";
import { Scanner } from "./scanner.ts";
import type { TreeMirror } from "./mirror.ts";
import type { LineOutput } from "./stdout_lines.ts";

/** How {@link runScanner} runs. */
export interface RunScannerOptions {
  /** Reap every child (waitpid(-1)): true when PID 1 or a subreaper. */
  reaping: boolean;
  /** Environment of the services; default this process's. */
  env?: readonly (string | Uint8Array)[];
  /** Helper children that are not services and must live to the end (readproctitle). */
  keep?: readonly number[];
  /** The mirror scanned (`--read-only`), when the directory is one. */
  mirror?: TreeMirror;
  /** Where services without a log write, prefixed with their name (`--log-prefix`). */
  output?: LineOutput;
}

/** Supervises `dir` until TERM or INT; resolves with the exit code (0). */
export async function runScanner(dir: string, opts: RunScannerOptions): Promise<number> {
  hostSupervisors("svscan");
  if (opts.reaping) reapAll();
  const scanner = new Scanner(dir, { env: opts.env, mirror: opts.mirror, output: opts.output });
  const { promise, resolve } = Promise.withResolvers<number>();
  let ending = false;
  const stop = () => {
    if (ending) return;
    ending = true;
    const grace = graceFromEnv((l) => errLine(`svscan: warning: ${l}`));
    const deadline = Date.now() + grace;
    (async () => {
      await scanner.shutdown(grace, { strays: opts.reaping, keep: opts.keep });
      // whatever is still below us (a logger's own children): TERM, the rest of the grace, KILL
      if (opts.reaping) await endLeftovers(Math.max(Date.now() + 200, deadline));
    })().then(() => resolve(0), () => resolve(0));
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGHUP", () => scanner.scan());
  Deno.addSignalListener("SIGALRM", () => scanner.scan());
  scanner.start();
  return await promise;
}

/**
 * `svscanboot [DIR]`: daemontools 0.76's boot script as one program. With
 * DIR (default `/service` where it exists, else Debian's `/etc/service`; see
 * {@link defaultDir}):
 *
 * 1. stdin from /dev/null; `svc -dx DIR/* DIR/*\/log` (a supervisor left by an
 *    earlier run lets go of its service);
 * 2. a pipe read by `readproctitle service errors: ....` (400 dots), a dt child
 *    process, becomes this process's stdout and stderr, so the latest errors
 *    show up in `ps`; the pipe of a svscanboot that was killed (an upgrade),
 *    which the services it left still write to, is taken over and its old
 *    readproctitle ended (lib/svscan/errors_pipe.ts);
 * 3. svscan runs in this process on DIR, with the environment reduced to
 *    daemontools' PATH (`env - PATH=$PATH`). TERM/INT, HUP/ALRM as svscan.
 *    This process then shows as `svscan DIR` (command line and comm), as the
 *    scanner of daemontools' boot does, so `pidof svscan` and `ps` find it.
 *
 * @module
 */
import { fatal, warn } from "../common/output.ts";
import { selfArgv } from "../common/self.ts";
import { sendControl } from "../control/control.ts";
import { ControlError } from "../control/control_error.ts";
import { close, dup2, O, open, pipe } from "../sys/fd.ts";
import { spawn } from "../sys/spawn.ts";
import { watchChild } from "../sys/reaper.ts";
import { runScanner } from "../svscan/run_scanner.ts";
import { endOldReader, previousErrorsPipe } from "../svscan/errors_pipe.ts";
import type { Pipe } from "../svscan/pipe_keeper.ts";
import { setTitle } from "../sys/title.ts";

/** daemontools' svscanboot PATH. */
const BOOT_PATH = "/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:" +
  "/usr/X11R6/bin";

/**
 * The services' directory without an argument: `/service` (daemontools 0.76,
 * its tutorial) where it exists, else `/etc/service` (Debian's daemontools-run
 * and its svscanboot), else `/service` (for the message).
 */
export function defaultDir(exists: (p: string) => boolean = isDir): string {
  if (exists("/service")) return "/service";
  return exists("/etc/service") ? "/etc/service" : "/service";
}

function isDir(p: string): boolean {
  try {
    return Deno.statSync(p).isDirectory;
  } catch {
    return false;
  }
}

/** readproctitle's arguments as svscanboot gives them. */
export const TITLE_ARGS = ["service", "errors:", ".".repeat(400)];

/** Sends `dx` to every service of dir and its log, as `svc -dx DIR/* DIR/*\/log`, quietly. */
function releaseOld(dir: string): void {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => !n.startsWith("."));
  } catch {
    return;
  }
  for (const n of names.sort()) {
    for (const service of [`${dir}/${n}`, `${dir}/${n}/log`]) {
      try {
        sendControl(service, "dx");
      } catch (e) {
        if (!(e instanceof ControlError)) throw e; // svc's warning, sent nowhere
      }
    }
  }
}

/**
 * Starts readproctitle on a pipe that becomes fds 1 and 2 (a new one, or the
 * one a killed svscanboot left: `left`); returns its pid.
 */
function startReadproctitle(env: readonly string[], left: Pipe | null): number {
  const [r, w] = left ?? pipe();
  let pid: number;
  const devnull = open("/dev/null", O.RDWR | O.CLOEXEC);
  try {
    // the same dt again, as another program: `deno run … cli.ts` or the bundle, or the binary
    const argv = [...selfArgv("readproctitle"), ...TITLE_ARGS];
    pid = spawn({ path: argv[0], argv, env, fds: [r, devnull, devnull], limits: [] });
  } catch (e) {
    close(r);
    close(w);
    close(devnull);
    throw e;
  }
  watchChild(pid, () => {});
  dup2(devnull, 0);
  dup2(w, 1);
  dup2(w, 2);
  close(r);
  close(w);
  close(devnull);
  return pid;
}

/** Runs svscan on DIR with its errors in readproctitle's title, until TERM or INT. */
export async function main(args: string[]): Promise<number> {
  const dir = args[0] ?? defaultDir();
  const env = [`PATH=${BOOT_PATH}`];
  // a rescan request (ALRM, HUP) that comes before the scanner runs must not kill us
  const early = () => {};
  Deno.addSignalListener("SIGALRM", early);
  Deno.addSignalListener("SIGHUP", early);
  releaseOld(dir);
  const keep: number[] = [];
  // a svscanboot killed for an upgrade left its readproctitle and the services writing to it
  const left = previousErrorsPipe(dir);
  try {
    keep.push(startReadproctitle(env, left?.pipe ?? null));
    if (left !== null) endOldReader(left);
  } catch (e) {
    warn("svscanboot", "unable to start readproctitle: ", e);
  }
  try {
    Deno.chdir(dir);
  } catch (e) {
    fatal("svscan", 111, `unable to chdir to ${dir}: `, e);
  }
  // the scanner of daemontools' boot is `svscan DIR` (the directory as given, byte for byte)
  setTitle(["svscan", dir]);
  return await runScanner(".", { reaping: Deno.pid === 1, env, keep });
}

/**
 * Waiting for a service directory's supervisor to appear (`supervise/` made,
 * its lock taken, `supervise/ok` open for reading), as `dt svwait` does before
 * it subscribes: a run script that waits for another service, or a script that
 * starts `dt svscan DIR &` and waits at once, must not fail because the
 * scanner has not reached that directory yet.
 *
 * It looks again at each change inotify reports in the directory's parent, the
 * directory and its `supervise/` (the supervisor creating and opening its
 * FIFOs), and every {@link RECHECK_MS} for what inotify cannot see (a
 * `supervise` link to a directory elsewhere, no inotify at all).
 *
 * @module
 */
import { dirname } from "node:path";
import { isErrno } from "../common/errors.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../common/long_timer.ts";
import { close } from "../sys/fd.ts";
import { addWatch, IN, inotifyInit, readEvents } from "../sys/inotify.ts";
import { type Watched, watchReadable } from "../sys/poller.ts";
import { supervisorRunning } from "./control.ts";
import { ControlError } from "./control_error.ts";

/** How often to look again when no event came. */
export const RECHECK_MS = 250;

/** What can bring the supervisor nearer: an entry made or moved in; in `supervise/`, a FIFO opened. */
const MASK = IN.CREATE | IN.MOVED_TO;

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Whether a supervisor runs for `dir` now: true, false while there may still
 * be one (no `supervise/ok` yet, or no reader), and a {@link ControlError}
 * (`what` + the reason) when waiting cannot help: any other failure, or
 * `dir` itself missing when `mayBeMissing` is false.
 */
function supervisedNow(dir: string, what: string, mayBeMissing: boolean): boolean {
  try {
    return supervisorRunning(dir);
  } catch (e) {
    const absent = isErrno(e, "ENOENT") || isErrno(e, "ENOTDIR");
    if (absent && (mayBeMissing || isDir(dir))) return false;
    throw ControlError.of(what, e);
  }
}

/**
 * Resolves true once a supervisor runs for `dir`, false at `deadline` (ms
 * since the epoch; `Infinity`: no deadline) or when `signal` aborts. Rejects
 * with a {@link ControlError} as {@link supervisedNow} says; without a
 * deadline a missing `dir` is such a failure (there is nothing to wait for),
 * with one it is waited for too.
 */
export function awaitSupervisor(
  dir: string,
  what: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const bounded = deadline !== Infinity;
  try {
    if (supervisedNow(dir, what, bounded)) return Promise.resolve(true);
  } catch (e) {
    return Promise.reject(e);
  }
  if (Date.now() >= deadline || signal?.aborted) return Promise.resolve(false);
  const { promise, resolve, reject } = Promise.withResolvers<boolean>();
  let fd = -1;
  let w: Watched | null = null;
  let timer: LongTimeout | undefined;
  const end = (r: boolean | Error) => {
    clearInterval(recheck);
    clearLongTimeout(timer);
    if (w !== null) w.close(); // closes fd once no poll looks at it
    else if (fd >= 0) close(fd);
    w = null;
    fd = -1;
    signal?.removeEventListener("abort", abort);
    if (r instanceof Error) reject(r);
    else resolve(r);
  };
  const abort = () => end(false);
  /** (Re)watches what exists of the parent, dir and dir/supervise: new ones get their watch. */
  const watchAll = () => {
    if (fd < 0) return;
    const paths: [string, number][] = [
      [dirname(dir), MASK],
      [dir, MASK],
      [`${dir}/supervise`, MASK | IN.OPEN],
    ];
    for (const [p, mask] of paths) {
      try {
        addWatch(fd, p, mask);
      } catch { /* not there (yet): the recheck sees it */ }
    }
  };
  const buf = new Uint8Array(4096);
  const look = () => {
    if (fd >= 0) readEvents(fd, buf);
    watchAll();
    try {
      if (supervisedNow(dir, what, bounded)) end(true);
      else if (Date.now() >= deadline) end(false);
    } catch (e) {
      end(e as Error);
    }
  };
  try {
    fd = inotifyInit();
    w = watchReadable(fd, look);
  } catch { /* no inotify: the recheck alone */ }
  watchAll();
  const recheck = setInterval(look, RECHECK_MS);
  signal?.addEventListener("abort", abort);
  if (bounded) timer = setLongTimeout(() => end(false), Math.max(0, deadline - Date.now()));
  look(); // what happened before the watches were in place
  return promise;
}

/**
 * The process's one reaper. SIGCHLD is process-wide, so this module holds the
 * table of watched pids for every supervisor in the process. Signals coalesce:
 * each SIGCHLD sweeps until nothing is left. By default it reaps only the pids
 * it was asked to watch (safe beside Deno.Command); `reapAll` turns it into an
 * init's reaper (waitpid(-1)) that also collects orphans.
 *
 * @module
 */
import { decodeStatus, waitNoHang, type WaitStatus } from "./wait.ts";

type Callback = (s: WaitStatus) => void;

const watched = new Map<number, Callback>();
let orphanHandler: Callback | null = null;
let installed = false;

/** Installs the SIGCHLD listener (idempotent). spawn() calls this before each start. */
export function installReaper(): void {
  if (installed) return;
  installed = true;
  Deno.addSignalListener("SIGCHLD", sweep);
}

/** Calls `cb` once, when child `pid` ends. */
export function watchChild(pid: number, cb: Callback): void {
  installReaper();
  watched.set(pid, cb);
}

/** Stops watching `pid` (its end, if any, will be reaped but not reported). */
export function unwatchChild(pid: number): void {
  watched.delete(pid);
}

/** A promise for the end of child `pid`. */
export function waitChild(pid: number): Promise<WaitStatus> {
  return new Promise((resolve) => watchChild(pid, resolve));
}

/**
 * Reap every child, not only watched ones (PID 1, subreaper). Children nobody
 * watches are reported to `onOrphan`.
 */
export function reapAll(onOrphan: Callback = () => {}): void {
  orphanHandler = onOrphan;
  installReaper();
  sweep();
}

/** True once {@link reapAll} was called (this process reaps every child). */
export function reapingAll(): boolean {
  return orphanHandler !== null;
}

/** Reaps whatever has ended now. Called on SIGCHLD; safe to call any time. */
export function sweep(): void {
  if (orphanHandler !== null) {
    for (;;) {
      const s = waitNoHang(-1);
      if (s === null || s === "none") break;
      deliver(s);
    }
    return;
  }
  for (const pid of [...watched.keys()]) {
    const s = waitNoHang(pid);
    if (s === "none") {
      // reaped elsewhere: report an unknown end rather than hang forever
      deliver(decodeStatus(pid, 0));
    } else if (s !== null) deliver(s);
  }
}

function deliver(s: WaitStatus): void {
  const cb = watched.get(s.pid);
  if (cb !== undefined) {
    watched.delete(s.pid);
    try {
      cb(s);
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  } else orphanHandler?.(s);
}

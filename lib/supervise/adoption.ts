/**
 * What lets a supervisor take up a service that a supervisor that died
 * (a killed scanner) left, as its own (docs/svscan.md, "What survives the
 * scanner"): the record of the run kept in status.json and read back, the
 * watch on a process that is not this one's child, its readiness read
 * again, and a `./finish` under way waited for.
 *
 * @module
 */
import { setLongTimeout } from "../common/long_timer.ts";
import { type ExitWatch, watchExit } from "../sys/pidfd.ts";
import { kill, SIG } from "../sys/signal.ts";
import { reason } from "../common/errors.ts";
import { decodeStatus, type WaitStatus } from "../sys/wait.ts";
import type { Event } from "./machine_types.ts";
import { type AfterRecord, decodeExtra, EXTRA_STATUS, type ExtraStatus } from "./extra_status.ts";
import { Readiness } from "./readiness.ts";
import { bootId, startTime } from "./running.ts";
import type { ServiceDir } from "./service_dir.ts";
import type { ServiceFiles } from "./service_files.ts";

/**
 * The extra state a supervisor that died left in the held `supervise/`, when
 * it belongs to this boot (a reboot ended its run, and its pids are others'
 * now); null otherwise.
 */
export function leftRecord(dir: ServiceDir): ExtraStatus | null {
  let b: Uint8Array | null;
  try {
    b = dir.readSupervise(EXTRA_STATUS, 1 << 16);
  } catch {
    return null; // not a file dt wrote: nothing to take up
  }
  const x = b === null ? null : decodeExtra(new TextDecoder().decode(b));
  return x !== null && x.boot === (bootId() ?? undefined) ? x : null;
}

/**
 * Watches `pid`, a service left running that is not this process's child;
 * `ended` gets how it ended when that can be learnt (sys/pidfd.ts), else an
 * end with no code and no signal. Null when it is gone already (`ended` is
 * then called soon).
 */
export function watchLeft(pid: number, ended: (s: WaitStatus) => void): ExitWatch | null {
  const gone = (raw: number | null) =>
    ended(
      raw === null
        ? { pid, code: null, signal: null, core: false, raw: 0 }
        : decodeStatus(pid, raw),
    );
  const w = watchExit(pid, gone);
  if (w === null) queueMicrotask(() => gone(null));
  return w;
}

/**
 * The readiness of a run left running, not ready yet, read again (its
 * notification FIFO, its notify socket's name bound again), its events to
 * `receive`; null, reported to `warn`, when it cannot be had.
 */
export function readinessAgain(
  dir: ServiceDir,
  run: { pid: number; files: ServiceFiles; notify: string | null },
  receive: (e: Event) => void,
  warn: (line: string) => void,
): Readiness | null {
  try {
    const r = new Readiness(run.files, dir, { notify: run.notify });
    r.follow(run.pid, receive, warn);
    return r;
  } catch (e) {
    warn(`unable to read readiness again: ${reason(e)}`);
    return null;
  }
}

/**
 * What comes after a run a supervisor that died left under way: its
 * `./finish`, still running, watched (`done` once it ends); else the after
 * run to do again (the tree's leftovers ended, then `./finish`, not yet
 * started), with how the run ended.
 */
export function afterRunAgain(
  files: ServiceFiles,
  after: AfterRecord,
  done: () => void,
): { watch: ExitWatch | null; again?: undefined } | {
  watch?: undefined;
  again: { files: ServiceFiles; sid: number; status: WaitStatus };
} {
  if (after.stage === "finish" && after.finishPid) {
    const watch = watchFinish(files, after, done);
    if (watch === null) queueMicrotask(done); // it ended meanwhile
    return { watch };
  }
  const status = { pid: 0, code: after.code, signal: after.signal, core: false, raw: 0 };
  return { again: { files, sid: after.sid, status } };
}

/**
 * A `./finish` a supervisor that died left running: `done` once it ends,
 * and KILL when it outlives its `timeout-finish` (counted from its start).
 * Null when it is not that process any more (ended meanwhile).
 */
function watchFinish(
  files: ServiceFiles,
  after: AfterRecord,
  done: () => void,
): ExitWatch | null {
  const fin = after.finishPid;
  const started = fin ? startTime(fin) : null;
  if (started === null || Math.abs(started - after.finishStarted) >= 0.05) return null;
  let timer: { cancel(): void } | null = null;
  const w = watchExit(fin, () => {
    timer?.cancel();
    done();
  });
  if (w === null) return null;
  if (files.timeoutFinish !== Infinity) {
    const left = files.timeoutFinish - (Date.now() - after.finishStarted * 1000);
    const t = setLongTimeout(() => {
      try {
        kill(fin, SIG.KILL);
      } catch { /* gone */ }
    }, Math.max(0, left));
    timer = { cancel: () => t.cancel() };
  }
  return {
    close() {
      timer?.cancel();
      w.close();
    },
  };
}

/**
 * `./finish EXITCODE SIGNAL` after each end of `./run` (runit's and s6's
 * convention: the exit code or -1, the signal number or 0), in the service
 * directory with the service's environment and stdio; KILLed after
 * `timeout-finish` ms (any length: the timer is chained; Infinity: never).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { clearLongTimeout, setLongTimeout } from "../common/long_timer.ts";
import { kill, SIG } from "../sys/signal.ts";
import { spawn } from "../sys/spawn.ts";
import { watchChild } from "../sys/reaper.ts";
import type { WaitStatus } from "../sys/wait.ts";

/** finish's two arguments for how `./run` ended. Pure. */
export function finishArgs(s: Pick<WaitStatus, "code" | "signal">): [string, string] {
  return s.signal !== null ? ["-1", String(s.signal)] : [String(s.code ?? -1), "0"];
}

/** How to run finish. */
export interface FinishRun {
  /** The service directory, held (finish runs in it). */
  cwdFd: number;
  /** The service directory as messages name it. */
  label: string;
  env: readonly (string | Uint8Array)[];
  fds: readonly (number | null)[];
  ended: Pick<WaitStatus, "code" | "signal">;
  /** KILL finish after this many ms; Infinity: let it run. */
  timeoutMs: number;
  log: (line: string) => void;
  /** Called with finish's pid once it runs. */
  started?: (pid: number) => void;
}

/** Runs `./finish`; resolves when it has ended (or could not start: reported). */
export function runFinish(r: FinishRun): Promise<void> {
  let pid: number;
  try {
    pid = spawn({
      path: "./finish",
      argv: ["./finish", ...finishArgs(r.ended)],
      cwdFd: r.cwdFd,
      env: r.env,
      fds: r.fds,
    });
  } catch (e) {
    r.log(`supervise: warning: unable to start ${r.label}/finish: ${reason(e)}`);
    return Promise.resolve();
  }
  r.started?.(pid);
  return new Promise((resolve) => {
    const t = setLongTimeout(() => {
      try {
        kill(pid, SIG.KILL);
      } catch { /* gone */ }
    }, r.timeoutMs);
    watchChild(pid, () => {
      clearLongTimeout(t);
      resolve();
    });
  });
}

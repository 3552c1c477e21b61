/**
 * `./check` (runit's name): run while the service is up, in the service
 * directory with the service's environment and stdio (stdin from
 * /dev/null-like: the service's own), KILLed after `check-timeout` ms; it
 * passes when it exits 0.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { setLongTimeout } from "../common/long_timer.ts";
import { kill, SIG } from "../sys/signal.ts";
import { spawn } from "../sys/spawn.ts";
import { watchChild } from "../sys/reaper.ts";

/** How to run a check. */
export interface CheckRun {
  /** The service directory, held (the check runs in it). */
  cwdFd: number;
  /** The service directory as messages name it. */
  label: string;
  env: readonly (string | Uint8Array)[];
  fds: readonly (number | null)[];
  timeoutMs: number;
  log: (line: string) => void;
}

/** Runs `./check` once; resolves true when it exited 0 within its time. */
export function runCheck(r: CheckRun): Promise<boolean> {
  let pid: number;
  try {
    pid = spawn({ path: "./check", argv: ["./check"], cwdFd: r.cwdFd, env: r.env, fds: r.fds });
  } catch (e) {
    r.log(`supervise: warning: unable to start ${r.label}/check: ${reason(e)}`);
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const t = setLongTimeout(() => {
      try {
        kill(pid, SIG.KILL);
      } catch { /* gone */ }
    }, r.timeoutMs);
    watchChild(pid, (s) => {
      t.cancel();
      resolve(s.code === 0);
    });
  });
}

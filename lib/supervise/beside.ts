/**
 * A script a supervisor runs beside its service (`./finish`, `./check`): in
 * the held service directory, with the service's environment and stdio,
 * KILLed when it outlives its timeout (any length: the timer is chained;
 * Infinity: never). How it ended, or null when it could not start (reported).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { setLongTimeout } from "../common/long_timer.ts";
import { SIG, signalIfThere } from "../sys/signal.ts";
import { spawn } from "../sys/spawn.ts";
import { watchChild } from "../sys/reaper.ts";
import type { WaitStatus } from "../sys/wait.ts";

/** Where and how a script runs beside the service. */
export interface Beside {
  /** The service directory, held (the script runs in it). */
  cwdFd: number;
  /** The service directory as messages name it. */
  label: string;
  /** The service's environment. */
  env: readonly (string | Uint8Array)[];
  /** The service's stdio. */
  fds: readonly (number | null)[];
  /** Where a message goes. */
  log: (line: string) => void;
  /** KILL the script after this many ms; Infinity: let it run. */
  timeoutMs: number;
  /** Called with the script's pid once it runs. */
  started?: (pid: number) => void;
}

/** Runs `./NAME ARGS…` beside the service; resolves with how it ended, null when it did not start. */
export function runBeside(
  r: Beside,
  name: string,
  args: readonly string[],
): Promise<WaitStatus | null> {
  let pid: number;
  try {
    const path = `./${name}`;
    pid = spawn({ path, argv: [path, ...args], cwdFd: r.cwdFd, env: r.env, fds: r.fds });
  } catch (e) {
    r.log(`supervise: warning: unable to start ${r.label}/${name}: ${reason(e)}`);
    return Promise.resolve(null);
  }
  r.started?.(pid);
  return new Promise((resolve) => {
    const t = setLongTimeout(() => signalIfThere(pid, SIG.KILL), r.timeoutMs);
    watchChild(pid, (s) => {
      t.cancel();
      resolve(s);
    });
  });
}

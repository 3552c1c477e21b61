/**
 * `./finish EXITCODE SIGNAL` after each end of `./run` (runit's and s6's
 * convention: the exit code or -1, the signal number or 0), in the service
 * directory with the service's environment and stdio; KILLed after
 * `timeout-finish` ms (any length: the timer is chained; Infinity: never).
 *
 * @module
 */
import type { WaitStatus } from "../sys/wait.ts";
import { type Beside, runBeside } from "./beside.ts";
import { DEFAULT_TREE_KILL_MS, type ServiceFiles } from "./service_files.ts";
import { endTree } from "./tree.ts";

/** finish's two arguments for how `./run` ended. Pure. */
export function finishArgs(s: Pick<WaitStatus, "code" | "signal">): [string, string] {
  return s.signal !== null ? ["-1", String(s.signal)] : [String(s.code ?? -1), "0"];
}

/** How to run finish. */
export interface FinishRun extends Beside {
  /** How `./run` ended: finish's arguments. */
  ended: Pick<WaitStatus, "code" | "signal">;
}

/** Runs `./finish`; resolves when it has ended (or could not start: reported). */
export async function runFinish(r: FinishRun): Promise<void> {
  await runBeside(r, "finish", finishArgs(r.ended));
}

/** What comes after a run of `./run`. */
export interface AfterRun extends Omit<FinishRun, "timeoutMs"> {
  /** The run's files (kill-tree, finish, its timeouts). */
  files: ServiceFiles;
  /** The run's session with kill-tree, else 0. */
  sid: number;
  /** False once the supervisor is gone: then finish is not started. */
  finishing: () => boolean;
}

/** After ./run ended: what is left of its tree ends (kill-tree), then ./finish runs. */
export async function afterRun(a: AfterRun): Promise<void> {
  if (a.sid) await endTree(a.sid, a.files.timeoutKill ?? DEFAULT_TREE_KILL_MS);
  if (!a.files.finish || !a.finishing()) return;
  await runFinish({ ...a, timeoutMs: a.files.timeoutFinish });
}

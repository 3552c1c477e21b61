/**
 * `./check` (runit's name): run while the service is up, beside it
 * (beside.ts), KILLed after `check-timeout` ms; it passes when it exits 0.
 *
 * @module
 */
import { type Beside, runBeside } from "./beside.ts";

/** How to run a check. */
export interface CheckRun extends Beside {
  /** KILL the check after this many ms (a failure then). */
  timeoutMs: number;
}

/** Runs `./check` once; resolves true when it exited 0 within its time. */
export async function runCheck(r: CheckRun): Promise<boolean> {
  return (await runBeside(r, "check", [], r.timeoutMs))?.code === 0;
}

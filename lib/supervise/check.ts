/**
 * `./check` (runit's name): run while the service is up, beside it
 * (beside.ts), KILLed after `check-timeout` ms; it passes when it exits 0.
 *
 * @module
 */
import { type Beside, runBeside } from "./beside.ts";

/** Runs `./check` once; resolves true when it exited 0 within its time (KILLed: a failure). */
export async function runCheck(r: Beside): Promise<boolean> {
  return (await runBeside(r, "check", []))?.code === 0;
}
